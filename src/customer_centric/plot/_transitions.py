"""A policy's state diagram: the stages and the moves its rules allow.

Drawn by matplotlib from the policy itself, so a diagram needs no network
and no diagram tool: the loyalty ladder as a ladder (Christopher, Payne &
Ballantyne 1991), the relationship cycle as a cycle (Stone & Woodcock).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final, Literal, get_args

from matplotlib.colors import to_hex

from customer_centric._checks import check_choice, check_instance
from customer_centric._stages import LifecycleStage, LoyaltyStage, StageGroup
from customer_centric.plot._axes import axes
from customer_centric.relationship import (
    DEFAULT_POLICY,
    EVENT_KINDS,
    Dimension,
    Policy,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_transitions"]

_DIMENSIONS: Final = get_args(Dimension)
# Stage groups in the colours of a traffic light, prospects in blue.
_GROUP_COLOURS: Final = {
    StageGroup.PROSPECTIVE: "#c6dbef",
    StageGroup.HEALTHY: "#c7e9c0",
    StageGroup.IN_TROUBLE: "#fdd0a2",
    StageGroup.GONE: "#d9d9d9",
}
_RUNG_COLOUR: Final = "#c6dbef"


def _label(stage: LoyaltyStage | LifecycleStage) -> str:
    return stage.value.replace("_", "\n")


def _places(
    policy: Policy, dimension: str
) -> dict[LoyaltyStage | LifecycleStage, tuple[float, float]]:
    """Where each stage is drawn: rungs upwards, the cycle clockwise."""
    if dimension == "loyalty":
        return {rung: (0.0, float(i)) for i, rung in enumerate(policy.ladder)}
    stages = tuple(LifecycleStage)
    step = 2 * math.pi / len(stages)
    return {
        stage: (math.sin(i * step) * 3, math.cos(i * step) * 3)
        for i, stage in enumerate(stages)
    }


def _moves(
    policy: Policy, dimension: Literal["loyalty", "lifecycle"]
) -> dict[tuple[LoyaltyStage | LifecycleStage, ...], list[str]]:
    """The events of each drawn move, once each, in rule order."""
    events: dict[tuple[LoyaltyStage | LifecycleStage, ...], list[str]] = {}
    for source, target, rule in policy.moves(dimension):
        kinds = events.setdefault((source, target), [])
        if rule.event not in kinds:
            kinds.append(rule.event)
    return events


def _colours(
    moves: dict[tuple[LoyaltyStage | LifecycleStage, ...], list[str]],
) -> dict[str, str]:
    """One colour per event kind that moves a stage, in the kinds' order."""
    from matplotlib import colormaps  # noqa: PLC0415 - the extra's module

    used = {kind for kinds in moves.values() for kind in kinds}
    palette = colormaps["tab20"]
    return {
        kind: to_hex(palette(i % palette.N))
        for i, kind in enumerate(k for k in EVENT_KINDS if k in used)
    }


def plot_transitions(
    policy: Policy = DEFAULT_POLICY,
    /,
    dimension: Literal["loyalty", "lifecycle"] = "lifecycle",
    *,
    ax: Axes | None = None,
) -> Axes:
    """Draw a policy's stages and every move its rules allow.

    The loyalty ladder is drawn as a ladder, lowest rung at the bottom; the
    relationship cycle as a circle from acquisition clockwise, each stage
    coloured by its :class:`~customer_centric.relationship.StageGroup`
    (healthy, in trouble, gone). Each arrow is a move of
    :meth:`Policy.moves <customer_centric.relationship.Policy.moves>`,
    coloured by the event kind that makes it (a move several kinds make
    has one arrow per kind).

    Args:
        policy: The policy whose rules are drawn.
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        ax: The axes to draw on; a new figure's axes by default.

    Returns:
        The axes drawn on.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from customer_centric.plot import plot_transitions
        >>> ax = plot_transitions(dimension="loyalty")
        >>> [t.get_text() for t in ax.texts][:3]
        ['suspect', 'prospect', 'customer']
        >>> import matplotlib.pyplot as plt
        >>> plt.close(ax.figure)

    .. versionadded:: 0.2
    """
    checked = check_instance(policy, Policy, name="policy")
    check_choice(dimension, _DIMENSIONS, name="dimension")
    loyalty = dimension == "loyalty"
    ax = axes(ax, size=(6, 7) if loyalty else (9, 9))
    places = _places(checked, dimension)
    for stage, (x, y) in places.items():
        colour = (
            _RUNG_COLOUR
            if isinstance(stage, LoyaltyStage)
            else _GROUP_COLOURS[stage.group]
        )
        ax.text(
            x,
            y,
            _label(stage),
            ha="center",
            va="center",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": colour},
        )
    moves = _moves(checked, dimension)
    colours = _colours(moves)
    for (source, target), events in moves.items():
        for k, kind in enumerate(events):
            _arrow(ax, places[source], places[target], colours[kind], k)
    _frame(ax, places, loyalty=loyalty)
    ax.set_title(
        "Loyalty ladder: the moves of the rules"
        if loyalty
        else "Relationship cycle: the moves of the rules"
    )
    _legend(ax, colours, groups=not loyalty)
    return ax


def _arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: str,
    k: int,
) -> None:
    """One move by one event kind: an arrow bending to its left.

    The arrows of one move by several kinds bend more and more, so that
    each stays visible; a move and its way back bend to opposite sides.
    """
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": colour,
            "linewidth": 1.4,
            "shrinkA": 16,
            "shrinkB": 16,
            "connectionstyle": f"arc3,rad={0.15 + 0.12 * k}",
        },
    )


def _frame(
    ax: Axes,
    places: dict[LoyaltyStage | LifecycleStage, tuple[float, float]],
    *,
    loyalty: bool,
) -> None:
    xs = [x for x, _ in places.values()]
    ys = [y for _, y in places.values()]
    margin = 1.2 if loyalty else 1.0
    ax.set_xlim(min(xs) - margin - 0.8, max(xs) + margin + 0.8)
    ax.set_ylim(min(ys) - margin, max(ys) + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _legend(ax: Axes, colours: dict[str, str], *, groups: bool) -> None:
    """Which colour is which event kind (and, on the cycle, stage group)."""
    from matplotlib.lines import Line2D  # noqa: PLC0415 - the extra's module
    from matplotlib.patches import Patch  # noqa: PLC0415

    handles: list[Line2D | Patch] = [
        Line2D([], [], color=colour, linewidth=2, label=kind.replace("_", " "))
        for kind, colour in colours.items()
    ]
    if groups:
        handles += [
            Patch(facecolor=colour, label=f"{group.value.replace('_', ' ')}")
            for group, colour in _GROUP_COLOURS.items()
        ]
    ax.legend(
        handles=handles,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=8,
        title="event (arrows), stage group" if groups else "event",
        frameon=False,
    )
