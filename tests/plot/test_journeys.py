"""The flows and cohort figures: what is drawn, on which axes, and refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import PathPatch, Rectangle

from customer_centric.exceptions import ArgumentTypeError
from customer_centric.plot import plot_stage_flows, plot_stage_mix
from customer_centric.relationship import (
    AccountClosed,
    FirstPurchase,
    InterestShown,
    RepeatPurchase,
    replay_many,
    stage_flows,
    stage_mix,
)


def _day(month: int, day: int) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC)


@pytest.fixture(scope="module")
def replays() -> dict[str, object]:
    """A: prospect then customer; B: customer then client; C: gone."""
    return replay_many(  # type: ignore[return-value]
        [
            InterestShown(customer_id="A", occurred_at=_day(1, 1)),
            FirstPurchase(customer_id="A", occurred_at=_day(1, 11)),
            FirstPurchase(customer_id="B", occurred_at=_day(1, 1)),
            RepeatPurchase(customer_id="B", occurred_at=_day(1, 5)),
            RepeatPurchase(customer_id="B", occurred_at=_day(1, 11)),
            FirstPurchase(customer_id="C", occurred_at=_day(1, 1)),
            AccountClosed(
                customer_id="C", occurred_at=_day(2, 1), reason="price"
            ),
        ]
    )


def test_flows_draw_one_ribbon_per_pair_and_one_bar_per_stage_side(
    replays: dict[str, object],
) -> None:
    """Ribbons as wide as their moves; bars labelled with their moves."""
    flows = stage_flows(
        replays,  # type: ignore[arg-type]
        dimension="loyalty",
        start=_day(1, 1),
        end=_day(3, 1),
    )
    ax = plot_stage_flows(flows)
    ribbons = [p for p in ax.patches if isinstance(p, PathPatch)]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(ribbons) == len(flows.flows) == 4
    assert sorted(b.get_height() for b in bars) == [1, 1, 1, 1, 3, 3]
    assert sorted(t.get_text() for t in ax.texts) == [
        "client (1)",
        "customer (1)",
        "customer (3)",
        "prospect (1)",
        "prospect (1)",
        "suspect (3)",
    ]
    assert ax.get_ylabel() == "moves (bar and ribbon height)"
    assert "5 moves by 3 customers" in ax.get_title()
    plt.close(ax.figure)


def test_a_period_without_moves_says_so(replays: dict[str, object]) -> None:
    """No moves: no ribbons, and a note instead."""
    flows = stage_flows(
        replays,  # type: ignore[arg-type]
        dimension="lifecycle",
        start=_day(6, 1),
        end=_day(7, 1),
    )
    _, given = plt.subplots()
    ax = plot_stage_flows(flows, ax=given)
    assert ax is given
    assert not ax.patches
    assert [t.get_text() for t in ax.texts] == ["no moves in the period"]
    plt.close(given.figure)


def test_mix_stacks_the_stages_someone_is_in(
    replays: dict[str, object],
) -> None:
    """One area per stage with members, stacked to 100 % at each date."""
    mix = stage_mix(
        replays,  # type: ignore[arg-type]
        dimension="lifecycle",
        dates=[_day(1, 1), _day(2, 1), _day(3, 1)],
        acquired_from=_day(1, 1),
        acquired_before=_day(1, 2),
    )
    ax = plot_stage_mix(mix)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "welcome",
        "divorce",
    ]
    assert len(ax.collections) == 2
    assert ax.get_ylim() == (0, 100)
    assert ax.get_ylabel() == "share of the cohort (%)"
    assert ax.get_xlabel() == "date"
    assert "(2)" in ax.get_title()
    plt.close(ax.figure)


def test_an_empty_cohort_says_so(replays: dict[str, object]) -> None:
    """Nobody acquired: no areas, and a note instead."""
    mix = stage_mix(
        replays,  # type: ignore[arg-type]
        dimension="loyalty",
        dates=[_day(3, 1)],
        acquired_from=_day(6, 1),
        acquired_before=_day(7, 1),
    )
    ax = plot_stage_mix(mix)
    assert not ax.collections
    assert [t.get_text() for t in ax.texts] == [
        "no customers acquired in the period"
    ]
    plt.close(ax.figure)


@pytest.mark.parametrize(
    ("plot", "match"),
    [
        (plot_stage_flows, "flows must be a StageFlows"),
        (plot_stage_mix, "mix must be a StageMix"),
    ],
    ids=["flows", "mix"],
)
def test_wrong_answers_are_refused(plot: object, match: str) -> None:
    """Anything but the matching answer raises our error."""
    assert callable(plot)
    with pytest.raises(ArgumentTypeError, match=match):
        plot([])
