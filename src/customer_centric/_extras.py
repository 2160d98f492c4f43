"""The guard an extra's package runs before anything else (internal).

An extra such as ``[dataframe]`` or ``[plot]`` needs optional
dependencies; importing its package without them raises
:class:`~customer_centric.exceptions.MissingExtraError`, which names the
missing module and the ``pip install`` line that adds it. An extra's heavy
module that only some calls need is imported on first use
(:func:`defer_import`), so importing the package stays quick.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from customer_centric.exceptions import MissingExtraError

__all__ = ["defer_import", "require_extra"]


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


class _Deferred(ModuleType):
    """A stand-in that imports its module when an attribute is first read."""

    def __getattr__(self, attribute: str) -> object:
        module = importlib.import_module(self.__name__)
        # Later reads find the module's names here and skip this method.
        self.__dict__.update(vars(module))
        return getattr(module, attribute)


def defer_import(module: str, /) -> ModuleType:
    """``module``, imported when one of its attributes is first read.

    ``scipy.special`` and ``scipy.stats`` take about a second to import
    (scipy's array-API layer brings in ``numpy.testing`` and ``f2py``),
    which every ``import customer_centric.clv`` paid before its first fit
    (issue 10). A module binds the stand-in under ``if not TYPE_CHECKING``
    and imports the real module for the type checker.

    Examples:
        >>> import sys
        >>> from customer_centric._extras import defer_import
        >>> colorsys = defer_import("colorsys")
        >>> colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
        (0.0, 1.0, 1.0)
        >>> colorsys.rgb_to_hsv is sys.modules["colorsys"].rgb_to_hsv
        True
    """
    return _Deferred(module)
