"""Journeys from replayed histories: time in stage, flows, velocity, mix."""

from __future__ import annotations

import itertools
import math
import statistics
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric import LifecycleStage, LoyaltyStage
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.relationship import (
    FirstPurchase,
    InterestShown,
    RepeatPurchase,
    Replay,
    replay,
    replay_many,
    stage_flows,
    stage_mix,
    stage_velocity,
    time_in_stage,
)
from customer_centric.relationship._journeys import _km_median, _quantile
from strategies import aware_datetimes, replay_sets


def _day(month: int, day: int) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC)


@pytest.fixture(scope="module")
def three() -> dict[cc.CustomerId, Replay]:
    """Three customers whose moves are worked out by hand in the tests.

    A: prospect Jan 1, customer Jan 11, client Feb 10 (third purchase).
    B: customer Jan 1, client Jan 11. C: customer Jan 1, nothing since.
    """
    return replay_many(
        [
            InterestShown(customer_id="A", occurred_at=_day(1, 1)),
            FirstPurchase(customer_id="A", occurred_at=_day(1, 11)),
            RepeatPurchase(customer_id="A", occurred_at=_day(1, 21)),
            RepeatPurchase(customer_id="A", occurred_at=_day(2, 10)),
            FirstPurchase(customer_id="B", occurred_at=_day(1, 1)),
            RepeatPurchase(customer_id="B", occurred_at=_day(1, 5)),
            RepeatPurchase(customer_id="B", occurred_at=_day(1, 11)),
            FirstPurchase(customer_id="C", occurred_at=_day(1, 1)),
        ]
    )


def test_time_in_stage_by_hand(three: dict[cc.CustomerId, Replay]) -> None:
    """Completed stays 30 and 10 days, one censored at 59: KM median 30."""
    times = time_in_stage(three, dimension="loyalty", as_of=_day(3, 1))
    customer = times.for_stage(LoyaltyStage.CUSTOMER)
    assert (customer.completed, customer.censored) == (2, 1)
    assert customer.median_days == 20.0
    assert customer.mean_days == 20.0
    assert customer.lower_quartile_days == 15.0
    assert customer.upper_quartile_days == 25.0
    # S(10) = 1 - 1/3, S(30) = 2/3 * (1 - 1/2) = 1/3 <= 0.5.
    assert customer.km_median_days == 30.0
    client = times.for_stage(LoyaltyStage.CLIENT)
    assert (client.completed, client.censored) == (0, 2)
    assert client.median_days is client.km_median_days is None
    prospect = times.for_stage(LoyaltyStage.PROSPECT)
    assert (prospect.completed, prospect.median_days) == (1, 10.0)
    assert prospect.km_median_days == 10.0
    suspect = times.for_stage(LoyaltyStage.SUSPECT)
    assert (suspect.completed, suspect.censored) == (0, 0)


def test_time_in_stage_reads_histories_up_to_as_of(
    three: dict[cc.CustomerId, Replay],
) -> None:
    """Moves after as_of are ignored; KM median is None above one half."""
    times = time_in_stage(
        three.values(), dimension="loyalty", as_of=_day(2, 1)
    )
    customer = times.for_stage(LoyaltyStage.CUSTOMER)
    assert (customer.completed, customer.censored) == (1, 2)
    assert customer.median_days == 10.0
    # S(10) = 2/3, then the stays of 21 and 31 days are still running.
    assert customer.km_median_days is None
    assert times.for_stage(LoyaltyStage.CLIENT).censored == 1
    assert times.as_of == _day(2, 1)


def test_for_stage_refuses_another_dimensions_stage(
    three: dict[cc.CustomerId, Replay],
) -> None:
    """Asking a loyalty report for a lifecycle stage names the stages."""
    times = time_in_stage(three, dimension="loyalty", as_of=_day(3, 1))
    with pytest.raises(InvariantError, match="loyalty stage"):
        times.for_stage(LifecycleStage.WELCOME)


def test_flow_matrix_by_hand(three: dict[cc.CustomerId, Replay]) -> None:
    """January: 5 loyalty moves by 3 customers, in the matrix's cells."""
    flows = stage_flows(
        three, dimension="loyalty", start=_day(1, 1), end=_day(2, 1)
    )
    assert (flows.total, flows.customers) == (5, 3)
    assert [
        (f.from_stage.value, f.to_stage.value, f.count) for f in flows.flows
    ] == [
        ("suspect", "prospect", 1),
        ("suspect", "customer", 2),
        ("prospect", "customer", 1),
        ("customer", "client", 1),
    ]
    matrix = flows.matrix()
    index = {stage: i for i, stage in enumerate(flows.stages)}
    assert matrix[index[LoyaltyStage.SUSPECT]][index[LoyaltyStage.CUSTOMER]]
    assert sum(map(sum, matrix)) == 5
    later = stage_flows(
        three, dimension="loyalty", start=_day(1, 11), end=_day(3, 1)
    )
    assert later.total == 3
    assert later.customers == 2


def test_flow_period_is_half_open(three: dict[cc.CustomerId, Replay]) -> None:
    """A move at end belongs to the next period, one at start to this one."""
    before = stage_flows(
        three, dimension="lifecycle", start=_day(1, 1), end=_day(1, 11)
    )
    after = stage_flows(
        three, dimension="lifecycle", start=_day(1, 11), end=_day(1, 12)
    )
    assert (before.total, after.total) == (2, 1)


def test_velocity_by_hand(three: dict[cc.CustomerId, Replay]) -> None:
    """Client reached after 40 and 10 days: median 25; customer 10, 0, 0."""
    velocity = stage_velocity(three, dimension="loyalty")
    reach = {r.stage: r for r in velocity.stages}
    assert velocity.customers == 3
    assert reach[LoyaltyStage.CUSTOMER].reached == 3
    assert reach[LoyaltyStage.CUSTOMER].median_days == 0.0
    assert reach[LoyaltyStage.CUSTOMER].mean_days == pytest.approx(10 / 3)
    assert reach[LoyaltyStage.CLIENT].median_days == 25.0
    assert reach[LoyaltyStage.PROSPECT].median_days == 0.0
    assert reach[LoyaltyStage.ADVOCATE].reached == 0
    assert reach[LoyaltyStage.ADVOCATE].median_days is None


def test_velocity_starts_at_the_first_move_of_either_dimension() -> None:
    """A customer who never moved has not started and is not counted."""
    still = replay([], initial=cc.RelationshipState(customer_id="Z"))
    moved = replay([FirstPurchase(customer_id="Y", occurred_at=_day(1, 1))])
    velocity = stage_velocity([still, moved], dimension="lifecycle")
    assert velocity.customers == 1
    welcome = next(
        r for r in velocity.stages if r.stage is LifecycleStage.WELCOME
    )
    assert (welcome.reached, welcome.median_days) == (1, 0.0)


def test_stage_mix_by_hand(three: dict[cc.CustomerId, Replay]) -> None:
    """B and C bought on Jan 1; on Jan 11 B is a client and C a customer."""
    mix = stage_mix(
        three,
        dimension="loyalty",
        dates=[_day(1, 1), _day(1, 11)],
        acquired_from=_day(1, 1),
        acquired_before=_day(1, 11),
    )
    assert mix.customers == 2
    shares = [
        {s.value: x for s, x in zip(mix.stages, p.shares, strict=True) if x}
        for p in mix.points
    ]
    assert shares == [{"customer": 1.0}, {"customer": 0.5, "client": 0.5}]
    assert [p.at for p in mix.points] == [_day(1, 1), _day(1, 11)]


def test_stage_mix_before_any_move_is_the_starting_stage(
    three: dict[cc.CustomerId, Replay],
) -> None:
    """Before their first move every member is where the history starts."""
    mix = stage_mix(
        three,
        dimension="lifecycle",
        dates=[datetime(2024, 12, 31, tzinfo=UTC)],
        acquired_from=_day(1, 1),
        acquired_before=_day(2, 1),
    )
    assert mix.customers == 3
    assert mix.points[0].counts[0] == 3
    assert mix.stages[0] is LifecycleStage.ACQUISITION


def test_stage_mix_of_a_member_who_never_moved_in_the_dimension() -> None:
    """No loyalty move: the member is on the replay's rung all along."""
    start = cc.RelationshipState(
        customer_id="A", loyalty="customer", peak_loyalty="customer"
    )
    only = replay(
        [FirstPurchase(customer_id="A", occurred_at=_day(1, 1))],
        initial=start,
    )
    assert not [r for r in only.history if r.dimension == "loyalty"]
    mix = stage_mix(
        [only],
        dimension="loyalty",
        dates=[_day(2, 1)],
        acquired_from=_day(1, 1),
        acquired_before=_day(2, 1),
    )
    assert (
        dict(zip(mix.stages, mix.points[0].counts, strict=True))[
            LoyaltyStage.CUSTOMER
        ]
        == 1
    )


def test_empty_cohort_has_zero_shares(
    three: dict[cc.CustomerId, Replay],
) -> None:
    """Nobody acquired in the period: counts and shares are all zero."""
    mix = stage_mix(
        three,
        dimension="loyalty",
        dates=[_day(3, 1)],
        acquired_from=_day(6, 1),
        acquired_before=_day(7, 1),
    )
    assert mix.customers == 0
    assert set(mix.points[0].shares) == {0.0}


def test_out_of_order_histories_are_refused() -> None:
    """A move before the one it follows cannot give a time in stage."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        allow_out_of_order=True
    )
    backwards = replay(
        [
            InterestShown(customer_id="A", occurred_at=_day(1, 10)),
            FirstPurchase(customer_id="A", occurred_at=_day(1, 5)),
        ],
        policy=policy,
    )
    with pytest.raises(InvariantError, match="sort each customer's events"):
        time_in_stage([backwards], dimension="loyalty", as_of=_day(2, 1))


_PERIOD = {"start": _day(1, 1), "end": _day(2, 1)}
_COHORT = {
    "dates": [_day(1, 1)],
    "acquired_from": _day(1, 1),
    "acquired_before": _day(2, 1),
}


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda _: stage_flows(42, dimension="loyalty", **_PERIOD),
            ArgumentTypeError,
            "replays must be",
        ),
        (
            lambda _: stage_flows("AB", dimension="loyalty", **_PERIOD),
            ArgumentTypeError,
            "replays must be",
        ),
        (
            lambda r: stage_flows([r, 1], dimension="loyalty", **_PERIOD),
            ArgumentTypeError,
            r"replays\[1\] must be a Replay",
        ),
        (
            lambda r: stage_flows([r], dimension="bogus", **_PERIOD),
            InvariantError,
            "dimension must be one of",
        ),
        (
            lambda r: stage_flows(
                [r], dimension="loyalty", start=_day(2, 1), end=_day(2, 1)
            ),
            InvariantError,
            "must be after start",
        ),
        (
            lambda r: time_in_stage(
                [r],
                dimension="loyalty",
                as_of=datetime(2025, 1, 1),  # noqa: DTZ001
            ),
            InvariantError,
            "timezone-aware",
        ),
        (
            lambda r: stage_velocity([r], dimension="bogus"),
            InvariantError,
            "dimension must be one of",
        ),
        (
            lambda r: stage_mix(
                [r], dimension="loyalty", **{**_COHORT, "dates": []}
            ),
            InvariantError,
            "at least one date",
        ),
        (
            lambda r: stage_mix(
                [r],
                dimension="loyalty",
                **{**_COHORT, "dates": [_day(2, 1), _day(1, 1)]},
            ),
            InvariantError,
            "increasing order",
        ),
        (
            lambda r: stage_mix(
                [r], dimension="loyalty", **{**_COHORT, "dates": "2025"}
            ),
            ArgumentTypeError,
            "dates must be a sequence",
        ),
        (
            lambda r: stage_mix(
                [r], dimension="loyalty", **{**_COHORT, "dates": [None]}
            ),
            ArgumentTypeError,
            r"dates\[0\] must be",
        ),
        (
            lambda r: stage_mix(
                [r],
                dimension="loyalty",
                **{**_COHORT, "acquired_before": _day(1, 1)},
            ),
            InvariantError,
            r"acquired_before \(.*\) must be after acquired_from",
        ),
    ],
    ids=[
        "not-iterable",
        "a-string",
        "not-a-replay",
        "unknown-dimension",
        "empty-period",
        "naive-as-of",
        "velocity-dimension",
        "no-dates",
        "unsorted-dates",
        "dates-a-string",
        "date-none",
        "empty-cohort-period",
    ],
)
def test_bad_input_is_refused_with_a_message(
    three: dict[cc.CustomerId, Replay],
    call: object,
    error: type[Exception],
    match: str,
) -> None:
    """Wrong types and values raise our errors, saying what to pass."""
    assert callable(call)
    with pytest.raises(error, match=match):
        call(three["A"])


def test_inputs_are_not_mutated(three: dict[cc.CustomerId, Replay]) -> None:
    """The replays given are left as they were."""
    before = {cid: r.history for cid, r in three.items()}
    time_in_stage(three, dimension="lifecycle", as_of=_day(3, 1))
    stage_mix(three, dimension="lifecycle", **_COHORT)
    assert {cid: r.history for cid, r in three.items()} == before


@given(
    replays=replay_sets(),
    start=aware_datetimes,
    middle=aware_datetimes,
    end=aware_datetimes,
    dimension=st.sampled_from(["loyalty", "lifecycle"]),
)
def test_flows_count_every_move_of_the_period_once(
    replays: dict[cc.CustomerId, Replay],
    start: datetime,
    middle: datetime,
    end: datetime,
    dimension: cc.relationship.Dimension,
) -> None:
    """The matrix sums to the moves in [start, end); periods add up."""
    first, mid, last = sorted([start, middle, end])
    if not first < mid < last:
        return
    whole = stage_flows(replays, dimension=dimension, start=first, end=last)
    moves = sum(
        r.dimension == dimension and first <= r.occurred_at < last
        for replay_ in replays.values()
        for r in replay_.history
    )
    assert whole.total == sum(map(sum, whole.matrix())) == moves
    left = stage_flows(replays, dimension=dimension, start=first, end=mid)
    right = stage_flows(replays, dimension=dimension, start=mid, end=last)
    assert left.total + right.total == whole.total
    assert whole.customers <= len(replays)


@given(
    replays=replay_sets(),
    dates=st.lists(aware_datetimes, min_size=1, max_size=4, unique=True),
    bounds=st.tuples(aware_datetimes, aware_datetimes),
    dimension=st.sampled_from(["loyalty", "lifecycle"]),
)
def test_stage_mix_shares_sum_to_one(
    replays: dict[cc.CustomerId, Replay],
    dates: list[datetime],
    bounds: tuple[datetime, datetime],
    dimension: cc.relationship.Dimension,
) -> None:
    """Each member is in one stage at each date: shares sum to 1."""
    low, high = sorted(bounds)
    if low == high:
        return
    ordered = sorted(dates)
    if any(b <= a for a, b in itertools.pairwise(ordered)):
        return  # equal instants in two zones
    mix = stage_mix(
        replays,
        dimension=dimension,
        dates=ordered,
        acquired_from=low,
        acquired_before=high,
    )
    for point in mix.points:
        assert sum(point.counts) == mix.customers
        if mix.customers:
            assert math.isclose(math.fsum(point.shares), 1.0)


@given(
    replays=replay_sets(),
    as_of=aware_datetimes,
    dimension=st.sampled_from(["loyalty", "lifecycle"]),
)
def test_time_in_stage_is_never_negative(
    replays: dict[cc.CustomerId, Replay],
    as_of: datetime,
    dimension: cc.relationship.Dimension,
) -> None:
    """Every stay is non-negative, ordered by quartile, and counted once."""
    times = time_in_stage(replays, dimension=dimension, as_of=as_of)
    moves = sum(
        r.dimension == dimension and r.occurred_at <= as_of
        for replay_ in replays.values()
        for r in replay_.history
    )
    assert sum(t.completed + t.censored for t in times.stages) == moves
    for t in times.stages:
        if t.completed:
            assert t.lower_quartile_days is not None
            assert t.median_days is not None
            assert t.upper_quartile_days is not None
            assert 0 <= t.lower_quartile_days <= t.median_days
            assert t.median_days <= t.upper_quartile_days
            assert t.mean_days is not None
            assert t.mean_days >= 0
        assert t.km_median_days is None or t.km_median_days >= 0
    velocity = stage_velocity(replays, dimension=dimension)
    for reach in velocity.stages:
        assert reach.median_days is None or reach.median_days >= 0


def test_rows_for_dataframes(three: dict[cc.CustomerId, Replay]) -> None:
    """Each answer gives plain rows: stage values, counts, days, shares."""
    times = time_in_stage(three, dimension="loyalty", as_of=_day(3, 1))
    customer = next(r for r in times.to_rows() if r["stage"] == "customer")
    assert customer["completed"] == 2
    assert customer["km_median_days"] == 30.0
    flows = stage_flows(
        three, dimension="loyalty", start=_day(1, 1), end=_day(2, 1)
    )
    assert flows.to_rows()[1] == {
        "from_stage": "suspect",
        "to_stage": "customer",
        "count": 2,
    }
    velocity = stage_velocity(three, dimension="loyalty").to_rows()
    client = next(r for r in velocity if r["stage"] == "client")
    assert (client["reached"], client["median_days"]) == (2, 25.0)
    mix = stage_mix(
        three,
        dimension="loyalty",
        dates=[_day(1, 1), _day(1, 11)],
        acquired_from=_day(1, 1),
        acquired_before=_day(1, 11),
    )
    rows = mix.to_rows()
    assert len(rows) == 2 * len(mix.stages)
    assert {
        (r["at"], r["stage"], r["count"], r["share"])
        for r in rows
        if r["count"]
    } == {
        (_day(1, 1), "customer", 2, 1.0),
        (_day(1, 11), "customer", 1, 0.5),
        (_day(1, 11), "client", 1, 0.5),
    }


def test_kaplan_meier_median_survives_rounding() -> None:
    """S(3) = 0.8 * 7/8 * 5/7 is one half, though floats give 0.5000...1."""
    completed = [1.0, 1.0, 2.0, 3.0, 3.0]
    assert _km_median(completed, [10.0] * 5) == 3.0
    assert _km_median([], [4.0]) is None


@given(st.lists(st.floats(0, 1e6), min_size=2, max_size=30))
def test_quartiles_are_type_7_as_the_standard_library(
    data: list[float],
) -> None:
    """The quartiles agree with statistics.quantiles(method="inclusive")."""
    ordered = sorted(data)
    ours = [_quantile(ordered, p) for p in (0.25, 0.5, 0.75)]
    theirs = statistics.quantiles(data, n=4, method="inclusive")
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-6)
