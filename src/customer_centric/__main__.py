"""``python -m customer_centric``: the ``customer-centric`` command line.

Needs the ``[cli]`` extra, like the ``customer-centric`` script.
"""

from __future__ import annotations

from customer_centric.cli import main

if __name__ == "__main__":  # pragma: no branch - run only as a program
    main(prog_name="customer-centric")
