"""Customer-centric management as typed records and pure, explainable rules.

Everything public is importable from here. Importing the package is cheap:
names are loaded from their private modules on first use, so ``import
customer_centric`` costs a few milliseconds and imports neither pydantic nor
numpy until a record or rule is actually used.

Examples:
    >>> import customer_centric as cc
    >>> issubclass(cc.exceptions.PolicyError, ValueError)
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

from customer_centric import exceptions

if TYPE_CHECKING:
    from customer_centric._assumptions import Assumption
    from customer_centric._severity import Severity
    from customer_centric._types import (
        ComplaintId,
        CustomerId,
        EventId,
        Money,
        Rate,
    )

# Each private module and the public names it defines. Keep in step with the
# imports above and ``__all__``; ``tests/test_package.py`` checks all three.
_EXPORTS: Final[dict[str, tuple[str, ...]]] = {
    "._assumptions": ("Assumption",),
    "._severity": ("Severity",),
    "._types": ("ComplaintId", "CustomerId", "EventId", "Money", "Rate"),
}

_MODULE_OF: Final[dict[str, str]] = {
    name: module for module, names in _EXPORTS.items() for name in names
}

__all__ = [
    "Assumption",
    "ComplaintId",
    "CustomerId",
    "EventId",
    "Money",
    "Rate",
    "Severity",
    "exceptions",
]


def __getattr__(name: str) -> object:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415

        return version("customer-centric")
    module = _MODULE_OF.get(name)
    if module is None:
        msg = f"module 'customer_centric' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, "__version__"})
