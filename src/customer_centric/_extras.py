"""The guard an extra's package runs before anything else (internal).

An extra such as ``[dataframe]`` or ``[plot]`` needs optional
dependencies; importing its package without them raises
:class:`~customer_centric.exceptions.MissingExtraError`, which names the
missing module and the ``pip install`` line that adds it.
"""

from __future__ import annotations

import importlib

from customer_centric.exceptions import MissingExtraError

__all__ = ["require_extra"]


def require_extra(extra: str, /, *modules: str) -> None:
    """Import ``modules``, or say which extra to install for them.

    Raises:
        MissingExtraError: One of ``modules`` is not installed (an
            ``ImportError``).

    Examples:
        >>> from customer_centric._extras import require_extra
        >>> require_extra("dataframe", "json")
        >>> require_extra("dataframe", "no_such_module")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.MissingExtraError: this feature needs \
the optional dependency 'no_such_module', which is not installed; install \
the extra with: pip install 'customer-centric[dataframe]'
    """
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            raise MissingExtraError.for_extra(extra, exc.name) from exc
