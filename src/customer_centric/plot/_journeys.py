"""Journeys as pictures: the flows of a period, a cohort's stages over time.

The flow figure is an alluvial (Sankey-style) diagram drawn with matplotlib
patches alone: each stage a bar, each from→to pair a ribbon as wide as its
number of moves. The cohort figure is a stacked area of the stage shares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from customer_centric._checks import check_instance
from customer_centric.plot._axes import axes
from customer_centric.relationship import StageFlows, StageMix

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from customer_centric.relationship import Stage

__all__ = ["plot_stage_flows", "plot_stage_mix"]

_NODE: Final = 0.04
"""Width of a stage's bar, in axes units (the columns are at 0 and 1)."""
_GAP: Final = 0.04
"""Space between two stages' bars, as a share of all moves."""


def _colours(stages: tuple[Stage, ...]) -> dict[Stage, str]:
    """One colour per stage of the dimension, the same in both figures."""
    from matplotlib import colormaps  # noqa: PLC0415 - the extra's module
    from matplotlib.colors import to_hex  # noqa: PLC0415

    palette = colormaps["tab10"]
    return {stage: to_hex(palette(i)) for i, stage in enumerate(stages)}


def _label(stage: Stage) -> str:
    return stage.value.replace("_", " ")


def _stack(
    totals: dict[Stage, int], order: tuple[Stage, ...], gap: float
) -> dict[Stage, float]:
    """The top of each stage's bar, first stage at the top."""
    tops: dict[Stage, float] = {}
    top = sum(totals.values()) + gap * (len(totals) - 1)
    for stage in order:
        if stage in totals:
            tops[stage] = top
            top -= totals[stage] + gap
    return tops


def _ribbon(
    ax: Axes, left: float, right: float, width: int, colour: str
) -> None:
    """One from→to pair: a band from the left bar to the right bar."""
    from matplotlib.patches import PathPatch  # noqa: PLC0415 - the extra
    from matplotlib.path import Path  # noqa: PLC0415

    x0, x1 = _NODE, 1 - _NODE
    mid = (x0 + x1) / 2
    curve = Path.CURVE4
    path = Path(
        [
            (x0, left),
            (mid, left),
            (mid, right),
            (x1, right),
            (x1, right - width),
            (mid, right - width),
            (mid, left - width),
            (x0, left - width),
            (x0, left),
        ],
        [
            Path.MOVETO,
            curve,
            curve,
            curve,
            Path.LINETO,
            curve,
            curve,
            curve,
            Path.CLOSEPOLY,
        ],
    )
    ax.add_patch(PathPatch(path, facecolor=colour, alpha=0.45, lw=0))


def _bars(
    ax: Axes,
    totals: dict[Stage, int],
    tops: dict[Stage, float],
    colours: dict[Stage, str],
    *,
    right: bool,
) -> None:
    """Each stage's bar, labelled with its name and number of moves."""
    from matplotlib.patches import Rectangle  # noqa: PLC0415 - the extra

    x = 1 - _NODE if right else 0.0
    for stage, top in tops.items():
        count = totals[stage]
        ax.add_patch(
            Rectangle((x, top - count), _NODE, count, color=colours[stage])
        )
        ax.text(
            1 + 0.02 if right else -0.02,
            top - count / 2,
            f"{_label(stage)} ({count:,})",
            ha="left" if right else "right",
            va="center",
            fontsize=9,
        )


def plot_stage_flows(flows: StageFlows, /, *, ax: Axes | None = None) -> Axes:
    """Draw a period's moves as an alluvial diagram: from stages to stages.

    The stages moved from are bars on the left, the stages moved to on the
    right, each as tall as its number of moves; a ribbon joins each
    from→to pair, as wide as its moves and coloured by the stage it leaves.
    Stages run top to bottom in the dimension's order.

    Args:
        flows: The moves, from
            :func:`customer_centric.relationship.stage_flows`.
        ax: The axes to draw on; a new figure's axes by default.

    Returns:
        The axes drawn on.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     FirstPurchase, InterestShown, replay_many, stage_flows)
        >>> from customer_centric.plot import plot_stage_flows
        >>> t = datetime(2025, 1, 1, tzinfo=UTC)
        >>> out = replay_many([InterestShown(customer_id="A", occurred_at=t),
        ...                    FirstPurchase(customer_id="B", occurred_at=t)])
        >>> ax = plot_stage_flows(stage_flows(out, dimension="loyalty",
        ...     start=t, end=datetime(2025, 2, 1, tzinfo=UTC)))
        >>> sorted(t.get_text() for t in ax.texts)
        ['customer (1)', 'prospect (1)', 'suspect (2)']
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)

    .. versionadded:: 0.2
    """
    checked = check_instance(flows, StageFlows, name="flows")
    ax = axes(ax, size=(9, 5))
    colours = _colours(checked.stages)
    total = checked.total
    gap = _GAP * total
    out: dict[Stage, int] = {}
    into: dict[Stage, int] = {}
    for flow in checked.flows:
        out[flow.from_stage] = out.get(flow.from_stage, 0) + flow.count
        into[flow.to_stage] = into.get(flow.to_stage, 0) + flow.count
    left = _stack(out, checked.stages, gap)
    right = _stack(into, checked.stages, gap)
    # Ribbons reach each bar in the order of their sources (the order of
    # the flows) and leave each bar in the order of their targets, so that
    # few of them cross.
    arrival: dict[tuple[Stage, Stage], float] = {}
    placed_in = dict(right)
    for flow in checked.flows:
        arrival[flow.from_stage, flow.to_stage] = placed_in[flow.to_stage]
        placed_in[flow.to_stage] -= flow.count
    placed_out = dict(left)
    order = {stage: i for i, stage in enumerate(checked.stages)}
    for flow in sorted(checked.flows, key=lambda f: order[f.to_stage]):
        source = flow.from_stage
        _ribbon(
            ax,
            placed_out[source],
            arrival[source, flow.to_stage],
            flow.count,
            colours[source],
        )
        placed_out[source] -= flow.count
    _bars(ax, out, left, colours, right=False)
    _bars(ax, into, right, colours, right=True)
    height = max(total + gap * (max(len(out), len(into)) - 1), 1)
    ax.set_xlim(-0.5, 1.45)
    ax.set_ylim(0, height * 1.02)
    ax.set_xticks([_NODE / 2, 1 - _NODE / 2], ["moved from", "moved to"])
    ax.set_yticks([])
    ax.set_ylabel("moves (bar and ribbon height)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if not total:
        ax.text(0.5, 0.5, "no moves in the period", ha="center", va="center")
    ax.set_title(
        f"{checked.dimension.capitalize()} moves from "
        f"{checked.start:%Y-%m-%d} to before {checked.end:%Y-%m-%d}: "
        f"{total:,} moves by {checked.customers:,} customers"
    )
    return ax


def plot_stage_mix(mix: StageMix, /, *, ax: Axes | None = None) -> Axes:
    """Draw a cohort's stage shares over time as a stacked area.

    The life of an acquisition cohort: at each date of the mix, the share
    of its customers in each stage, stacked to 100 %. Stages nobody in the
    cohort is in at any date are left out of the picture and the legend.

    Args:
        mix: The shares, from
            :func:`customer_centric.relationship.stage_mix`.
        ax: The axes to draw on; a new figure's axes by default.

    Returns:
        The axes drawn on.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     AccountClosed, FirstPurchase, replay_many, stage_mix)
        >>> from customer_centric.plot import plot_stage_mix
        >>> jan, mar = (datetime(2025, m, 1, tzinfo=UTC) for m in (1, 3))
        >>> out = replay_many([
        ...     FirstPurchase(customer_id="A", occurred_at=jan),
        ...     FirstPurchase(customer_id="B", occurred_at=jan),
        ...     AccountClosed(customer_id="B", occurred_at=mar,
        ...                   reason="price")])
        >>> ax = plot_stage_mix(stage_mix(out, dimension="lifecycle",
        ...     dates=[jan, mar], acquired_from=jan, acquired_before=mar))
        >>> [t.get_text() for t in ax.get_legend().get_texts()]
        ['welcome', 'divorce']
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)

    .. versionadded:: 0.2
    """
    checked = check_instance(mix, StageMix, name="mix")
    ax = axes(ax, size=(8, 4.5))
    colours = _colours(checked.stages)
    shown = [
        i
        for i in range(len(checked.stages))
        if any(point.counts[i] for point in checked.points)
    ]
    from matplotlib.dates import date2num  # noqa: PLC0415 - the extra

    # matplotlib's stubs leave date2num untyped; it returns float days.
    dates = date2num([point.at for point in checked.points])  # type: ignore[no-untyped-call]
    if shown:
        ax.stackplot(
            dates,
            *([100 * p.shares[i] for p in checked.points] for i in shown),
            labels=[_label(checked.stages[i]) for i in shown],
            colors=[colours[checked.stages[i]] for i in shown],
        )
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    else:
        ax.text(
            0.5,
            0.5,
            "no customers acquired in the period",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    ax.xaxis_date()
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of the cohort (%)")
    ax.set_xlabel("date")
    ax.set_title(
        f"Customers acquired from {checked.acquired_from:%Y-%m-%d} to "
        f"before {checked.acquired_before:%Y-%m-%d} "
        f"({checked.customers:,}): {checked.dimension} stage"
    )
    return ax
