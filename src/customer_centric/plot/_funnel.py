"""The loyalty-ladder funnel as a picture (Christopher, Payne & Ballantyne)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from customer_centric._checks import check_instance
from customer_centric.plot._axes import axes
from customer_centric.relationship import LoyaltyFunnel

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_loyalty_funnel"]


def plot_loyalty_funnel(
    funnel: LoyaltyFunnel, /, *, ax: Axes | None = None
) -> Axes:
    """Draw the ladder as a funnel: who reached each rung, who is there now.

    One horizontal bar per rung, lowest rung at the top as a funnel is
    read: a light bar for the customers who ever reached the rung (their
    peak rung is this one or higher) and a dark bar inside it for those on
    the rung now. The gap between the two is the customers the firm brought
    this far and who moved on, up or back down.

    Args:
        funnel: The counts, from
            :func:`customer_centric.relationship.loyalty_funnel`.
        ax: The axes to draw on; a new figure's axes by default.

    Returns:
        The axes drawn on.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import loyalty_funnel
        >>> from customer_centric.plot import plot_loyalty_funnel
        >>> funnel = loyalty_funnel([
        ...     RelationshipState(customer_id="A"),
        ...     RelationshipState(customer_id="B", loyalty="customer",
        ...                       peak_loyalty="client")])
        >>> ax = plot_loyalty_funnel(funnel)
        >>> [int(bar.get_width()) for bar in ax.containers[0]]
        [2, 1, 1, 1, 0]
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    checked = check_instance(funnel, LoyaltyFunnel, name="funnel")
    ax = axes(ax, size=(7, 4))
    labels = [rung.stage.info.label_en for rung in checked.rungs]
    positions = range(len(labels))
    reached = [rung.reached for rung in checked.rungs]
    current = [rung.current for rung in checked.rungs]
    ax.barh(positions, reached, color="#c6dbef", label="reached (peak rung)")
    ax.barh(positions, current, height=0.5, color="#2171b5", label="now")
    ax.set_yticks(list(positions), labels)
    ax.invert_yaxis()
    ax.set_xlabel("customers")
    ax.set_title(f"Loyalty ladder, {checked.customers:,} customers")
    ax.legend(loc="lower right")
    return ax
