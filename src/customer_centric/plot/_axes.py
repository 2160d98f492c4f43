"""The axes a plot draws on: the caller's, checked, or a new figure's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from customer_centric.exceptions import ArgumentTypeError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["axes"]


def axes(ax: object, /, *, size: tuple[float, float] | None = None) -> Axes:
    """Return ``ax`` if it is matplotlib axes, or a new figure's axes.

    Args:
        ax: The caller's axes, or ``None`` for a new figure.
        size: The new figure's size in inches; matplotlib's default if
            ``None``.

    Raises:
        ArgumentTypeError: ``ax`` is neither ``None`` nor ``Axes``.
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415 - the plot extra only
    from matplotlib.axes import Axes  # noqa: PLC0415

    if ax is None:
        _, new = plt.subplots(figsize=size)
        return new
    if not isinstance(ax, Axes):
        raise ArgumentTypeError.for_argument(
            "ax", ax, "a matplotlib Axes or None"
        )
    return ax
