"""Figures where a picture beats a table (needs the ``[plot]`` extra).

Every function draws on the ``ax`` it is given (or a new one) and returns the
matplotlib ``Axes``; none calls ``plt.show()``.
"""

from __future__ import annotations

try:
    import matplotlib as mpl  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra
    from customer_centric.exceptions import MissingExtraError

    raise MissingExtraError.for_extra("plot", exc.name) from exc

__all__: list[str] = []
