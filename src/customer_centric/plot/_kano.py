"""The better-worse diagram of a Kano survey (Berger et al. 1993)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from customer_centric._checks import check_finite, check_items
from customer_centric.exceptions import InvariantError
from customer_centric.kano import KanoFeatureResult
from customer_centric.plot._axes import axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_better_worse"]

_QUADRANTS = (
    (False, True, "attractive\n(excitement)"),
    (True, True, "one-dimensional\n(performance)"),
    (True, False, "must-be\n(basic)"),
    (False, False, "indifferent"),
)


def plot_better_worse(
    results: Iterable[KanoFeatureResult],
    /,
    *,
    ax: Axes | None = None,
    threshold: float = 0.5,
) -> Axes:
    """Draw features on the better-worse diagram, one labelled point each.

    The horizontal axis is ``|Worse|`` (how much leaving the feature out
    dissatisfies), the vertical axis ``Better`` (how much having it
    satisfies), both from 0 to 1, split into quadrants at ``threshold``
    (Berger et al. 1993). Features whose coefficients are undefined (no
    A, O, M or I respondents) are left out.

    Args:
        results: Per-feature results, e.g. from
            :func:`customer_centric.kano.analyze`.
        ax: The axes to draw on; a new figure's axes by default.
        threshold: Where the quadrant lines are drawn.

    Returns:
        The axes drawn on.

    Raises:
        ArgumentTypeError: ``results`` is not an iterable of
            :class:`~customer_centric.kano.KanoFeatureResult`, or ``threshold``
            is not a number.
        InvariantError: ``threshold`` is NaN or outside (0, 1).

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from customer_centric.kano import KanoResponse, analyze
        >>> from customer_centric.plot import plot_better_worse
        >>> results = analyze([
        ...     KanoResponse(respondent_id="R1", feature="radio",
        ...                  functional=2, dysfunctional=5)])
        >>> ax = plot_better_worse(results)
        >>> ax.collections[0].get_offsets().tolist()
        [[1.0, 0.0]]
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    line = check_finite(threshold, name="threshold")
    if not 0.0 < line < 1.0:
        msg = f"threshold must be in (0, 1), got {threshold!r}; use e.g. 0.5"
        raise InvariantError(msg)
    checked = check_items(results, KanoFeatureResult, name="results")
    ax = axes(ax, size=(6, 6))
    points = [
        (
            result.feature,
            -result.coefficients.worse,
            result.coefficients.better,
        )
        for result in checked
        if result.coefficients.better is not None
        and result.coefficients.worse is not None
    ]
    ax.scatter([x for _, x, _ in points], [y for _, _, y in points])
    for label, x, y in points:
        ax.annotate(
            label,
            (x, y),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize="small",
        )
    ax.axvline(line, color="grey", linestyle="--", linewidth=0.8)
    ax.axhline(line, color="grey", linestyle="--", linewidth=0.8)
    low, high = line / 2, (1 + line) / 2
    for right, top, text in _QUADRANTS:
        ax.text(
            high if right else low,
            high if top else low,
            text,
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="grey",
            alpha=0.5,
        )
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_xlabel("|Worse|: dissatisfaction if absent")
    ax.set_ylabel("Better: satisfaction if present")
    ax.set_title("Kano better-worse diagram")
    return ax
