"""The ``customer-centric`` command line (needs the ``[cli]`` extra).

Each sub-command lives in its own private module and registers itself on
:data:`main` when imported below.

Examples:
    >>> from click.testing import CliRunner
    >>> from customer_centric.cli import main
    >>> result = CliRunner().invoke(main, ["--help"])
    >>> result.exit_code
    0
"""

from __future__ import annotations

from customer_centric._extras import require_extra

require_extra("cli", "click", "rich")

# ruff: noqa: E402 - the imports below come after the extra's guard
import click

from customer_centric.cli._files import tolerate_narrow_terminals

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="customer-centric")
def main() -> None:
    """Know where every customer stands, and why."""
    tolerate_narrow_terminals()


# Sub-commands, each in its own private module (after ``main`` exists).
from customer_centric.cli._demo import demo
from customer_centric.cli._replay import replay
from customer_centric.cli._score import score
from customer_centric.cli._whatif import what_if

main.add_command(demo)
main.add_command(replay)
main.add_command(score)
main.add_command(what_if)
