"""The better-worse diagram of a Kano survey (Berger et al. 1993)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from customer_centric._checks import (
    check_finite,
    check_instance,
    check_items,
)
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.kano import KanoCoefficientIntervals, KanoFeatureResult
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
    intervals: Mapping[str, KanoCoefficientIntervals] | None = None,
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
        intervals: Better and Worse intervals by feature name, e.g. from
            :func:`customer_centric.kano.coefficient_intervals` or the
            ``intervals`` of :func:`customer_centric.kano.bootstrap`;
            each drawn feature that has one gets a horizontal bar over
            its ``|Worse|`` interval and a vertical bar over its Better
            interval.

    .. versionchanged:: 0.2
       ``intervals`` draws error bars.

    Returns:
        The axes drawn on.

    Raises:
        ArgumentTypeError: ``results`` is not an iterable of
            :class:`~customer_centric.kano.KanoFeatureResult`, or ``threshold``
            is not a number.
        InvariantError: ``threshold`` is NaN or outside (0, 1), or
            ``intervals`` names a feature not in ``results``.

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
        >>> from customer_centric.kano import coefficient_intervals
        >>> ax = plot_better_worse(results, intervals={
        ...     "radio": coefficient_intervals(results[0].counts)})
        >>> len(ax.collections)
        3
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    line = check_finite(threshold, name="threshold")
    if not 0.0 < line < 1.0:
        msg = f"threshold must be in (0, 1), got {threshold!r}; use e.g. 0.5"
        raise InvariantError(msg)
    checked = check_items(results, KanoFeatureResult, name="results")
    bars = _intervals(intervals)
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
    unknown = sorted(set(bars) - {result.feature for result in checked})
    if unknown:
        msg = (
            f"intervals names features not in results: {unknown!r}; key "
            "the intervals by the features' names"
        )
        raise InvariantError(msg)
    drawn = [
        (x, y, bar.better, bar.worse)
        for label, x, y in points
        if (bar := bars.get(label)) is not None
        and bar.better is not None
        and bar.worse is not None
    ]
    if drawn:
        ax.hlines(
            [y for _, y, _, _ in drawn],
            [-worse.high for _, _, _, worse in drawn],
            [-worse.low for _, _, _, worse in drawn],
            color="C0",
            linewidth=1,
        )
        ax.vlines(
            [x for x, _, _, _ in drawn],
            [better.low for _, _, better, _ in drawn],
            [better.high for _, _, better, _ in drawn],
            color="C0",
            linewidth=1,
        )
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


def _intervals(
    intervals: object,
) -> dict[str, KanoCoefficientIntervals]:
    if intervals is None:
        return {}
    if not isinstance(intervals, Mapping):
        raise ArgumentTypeError.for_argument(
            "intervals",
            intervals,
            "a mapping of feature names to KanoCoefficientIntervals",
        )
    return {
        check_instance(name, str, name="intervals' feature name"): (
            check_instance(
                value, KanoCoefficientIntervals, name=f"intervals[{name!r}]"
            )
        )
        for name, value in intervals.items()
    }
