import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import KanoNeed
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.kano import (
    DRIFT_ORDER,
    NO_DRIFT,
    KanoCategory,
    KanoDriftRates,
    KanoObservation,
    project_drift,
)
from strategies import kano_drift_rates, kano_needs

I = KanoCategory.INDIFFERENT  # noqa: E741 - the literature's letter
A = KanoCategory.ATTRACTIVE
O = KanoCategory.ONE_DIMENSIONAL  # noqa: E741 - the literature's letter
M = KanoCategory.MUST_BE


def year(y: int) -> datetime:
    """1 January of year ``y``, UTC."""
    return datetime(y, 1, 1, tzinfo=UTC)


def test_drift_order_is_kano_2001():
    """Needs drift indifferent -> attractive -> one-dimensional -> must-be."""
    assert DRIFT_ORDER == (I, A, O, M)


@pytest.mark.parametrize("start", list(KanoCategory), ids=lambda c: c.letter)
def test_no_drift_by_default(start: KanoCategory):
    """Without caller-supplied rates a need stays where it is."""
    projection = project_drift(start, years=50)
    assert projection.most_likely is start
    assert projection.share(start) == 1.0
    assert KanoDriftRates() == NO_DRIFT


def test_one_step_matches_the_yearly_rate():
    """After one year, a step with rate p has moved a share p."""
    rates = KanoDriftRates(attractive_to_one_dimensional=0.3)
    projection = project_drift(A, years=1, rates=rates)
    assert projection.share(O) == pytest.approx(0.3)
    assert projection.share(A) == pytest.approx(0.7)
    assert projection.share(M) == 0.0


def test_fractional_years_compound():
    """Half a year twice equals one year: (1 - p) ** t stays in place."""
    rates = KanoDriftRates(indifferent_to_attractive=0.5)
    half = project_drift(I, years=0.5, rates=rates)
    assert half.share(I) == pytest.approx(math.sqrt(0.5))


def test_two_steps_closed_form():
    """Two equal hazards follow the Erlang closed form."""
    p = 0.4
    rates = KanoDriftRates(
        attractive_to_one_dimensional=p, one_dimensional_to_must_be=p
    )
    t = 2.5
    h = -math.log(1 - p)
    projection = project_drift(A, years=t, rates=rates)
    assert projection.share(A) == pytest.approx(math.exp(-h * t))
    assert projection.share(O) == pytest.approx(h * t * math.exp(-h * t))
    assert projection.share(M) == pytest.approx(
        1 - math.exp(-h * t) * (1 + h * t)
    )


def test_rate_one_moves_at_once():
    """A rate of 1 moves the need on immediately (after any time > 0)."""
    rates = KanoDriftRates(
        indifferent_to_attractive=1.0, attractive_to_one_dimensional=0.2
    )
    assert project_drift(I, years=0, rates=rates).most_likely is I
    later = project_drift(I, years=1, rates=rates)
    assert later.share(I) == 0.0
    assert later.share(A) == pytest.approx(0.8)
    assert later.share(O) == pytest.approx(0.2)


def test_must_be_is_where_needs_end():
    """Must-be needs stay must-be whatever the rates."""
    rates = KanoDriftRates(
        indifferent_to_attractive=1.0,
        attractive_to_one_dimensional=1.0,
        one_dimensional_to_must_be=1.0,
    )
    assert project_drift(I, years=1, rates=rates).most_likely is M
    assert project_drift(M, years=9, rates=rates).share(M) == 1.0


@pytest.mark.parametrize(
    "start", [KanoCategory.REVERSE, KanoCategory.QUESTIONABLE]
)
def test_reverse_and_questionable_do_not_drift(start: KanoCategory):
    """Reverse and questionable needs are outside the drift order."""
    rates = KanoDriftRates(indifferent_to_attractive=0.9)
    projection = project_drift(start, years=10, rates=rates)
    assert projection.shares == ((start, 1.0),)


@pytest.mark.parametrize(
    "value",
    [-0.1, 1.5, 30.0, math.nan, math.inf],
    ids=["negative", "above-one", "percent", "nan", "inf"],
)
def test_rates_outside_unit_interval_are_rejected(value: float):
    """Drift rates are probabilities in [0, 1]."""
    with pytest.raises(ValidationError, match="drift rate must be in"):
        KanoDriftRates(one_dimensional_to_must_be=value)


def test_percent_rate_hint():
    """A rate written as a percentage gets a hint."""
    with pytest.raises(ValidationError, match=r"write 30 % as 0.3"):
        KanoDriftRates(indifferent_to_attractive=30.0)


@pytest.mark.parametrize(
    "years",
    [-1.0, math.nan, math.inf, 10**400],
    ids=["negative", "nan", "inf", "huge-int"],
)
def test_bad_years_are_rejected(years: float):
    """Projection runs forward over a finite time."""
    with pytest.raises(InvariantError, match="years must be"):
        project_drift(A, years=years)


CAR_RADIO = (
    KanoNeed(name="car radio", description="a radio fitted in the car")
    .observe(A, occurred_at=year(1955), note="a novelty")
    .observe(O, occurred_at=year(1975))
    .observe(M, occurred_at=year(1995), note="expected in every car")
)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (year(1950), None),
        (year(1955), A),
        (year(1974), A),
        (year(1975), O),
        (year(2020), M),
    ],
    ids=["before", "first-day", "between", "second-day", "after"],
)
def test_category_at(when: datetime, expected: KanoCategory):
    """The category at a time is the latest observation at or before it."""
    assert CAR_RADIO.category_at(when) is expected


def test_need_history_and_round_trip():
    """A need keeps its history in order and survives JSON."""
    assert [o.category for o in CAR_RADIO.history] == [A, O, M]
    assert CAR_RADIO.current is M
    assert KanoNeed.model_validate_json(CAR_RADIO.model_dump_json()) == (
        CAR_RADIO
    )
    assert KanoNeed(name="new").current is None


def test_observations_must_move_forward_in_time():
    """An observation not after the latest one is refused."""
    with pytest.raises(ValidationError, match="strictly increasing"):
        CAR_RADIO.observe(M, occurred_at=year(1990))
    with pytest.raises(ValidationError, match="strictly increasing"):
        KanoNeed(
            name="x",
            history=(
                KanoObservation(category=A, occurred_at=year(2000)),
                KanoObservation(category=O, occurred_at=year(2000)),
            ),
        )


def test_naive_datetimes_are_rejected():
    """Times must be timezone-aware."""
    naive = datetime(2000, 1, 1)  # noqa: DTZ001 - the case under test
    with pytest.raises(ValidationError, match="timezone"):
        CAR_RADIO.observe(M, occurred_at=naive)
    with pytest.raises(InvariantError, match="timezone-aware"):
        CAR_RADIO.category_at(naive)
    with pytest.raises(InvariantError, match="timezone-aware"):
        CAR_RADIO.project(as_of=naive)


def test_blank_need_name_is_rejected():
    """A need has a name."""
    with pytest.raises(ValidationError, match="non-blank name"):
        KanoNeed(name="  ")


def test_project_from_latest_observation():
    """Projection starts from the latest category, over elapsed years."""
    shampoo = KanoNeed(name="single-use hotel shampoo").observe(
        A, occurred_at=year(1970)
    )
    rates = KanoDriftRates(attractive_to_one_dimensional=0.5)
    projection = shampoo.project(as_of=year(1970) + timedelta(days=365.25),
                                 rates=rates)  # fmt: skip
    assert projection.start is A
    assert projection.years == pytest.approx(1.0)
    assert projection.share(O) == pytest.approx(0.5)
    assert shampoo.project(as_of=year(2020)).most_likely is A


def test_project_needs_an_observation_and_a_later_time():
    """Projection needs a starting category and runs forward only."""
    with pytest.raises(InvariantError, match="no observed category"):
        KanoNeed(name="x").project(as_of=year(2000))
    with pytest.raises(InvariantError, match="category_at"):
        CAR_RADIO.project(as_of=year(1990))


@given(
    start=st.sampled_from(DRIFT_ORDER),
    rates=kano_drift_rates,
    years=st.floats(0, 200),
)
def test_projection_is_a_distribution_along_the_order(
    start: KanoCategory, rates: KanoDriftRates, years: float
):
    """Shares sum to 1, are in [0, 1], and never move against I->A->O->M."""
    projection = project_drift(start, years=years, rates=rates)
    total = sum(share for _, share in projection.shares)
    assert total == pytest.approx(1.0)
    for category, share in projection.shares:
        assert 0.0 <= share <= 1.0
        if DRIFT_ORDER.index(category) < DRIFT_ORDER.index(start):
            assert share == 0.0


@given(
    start=st.sampled_from(DRIFT_ORDER),
    rates=kano_drift_rates,
    t1=st.floats(0, 50),
    t2=st.floats(0, 50),
)
def test_must_be_share_grows_with_time(
    start: KanoCategory, rates: KanoDriftRates, t1: float, t2: float
):
    """The share that has reached must-be never shrinks as time passes."""
    early, late = sorted((t1, t2))
    a = project_drift(start, years=early, rates=rates).share(M)
    b = project_drift(start, years=late, rates=rates).share(M)
    assert a <= b + 1e-9


@given(kano_needs())
def test_any_need_round_trips_json(need: KanoNeed):
    """Any need, with its whole history, survives JSON unchanged."""
    assert KanoNeed.model_validate_json(need.model_dump_json()) == need
    assert need.current == (
        need.history[-1].category if need.history else None
    )


@pytest.mark.parametrize("years", [1e300, 1e308, 1.7976931348623157e308])
def test_huge_years_end_where_drift_ends(years: float):
    """Centuries beyond count end in must-be, never in an OverflowError."""
    rates = KanoDriftRates(
        indifferent_to_attractive=0.5,
        attractive_to_one_dimensional=0.5,
        one_dimensional_to_must_be=0.5,
    )
    projection = project_drift(I, years=years, rates=rates)
    assert projection.most_likely is M
    assert projection.share(M) == pytest.approx(1.0)
    assert all(math.isfinite(p) for _, p in projection.shares)


def test_a_fast_step_leaves_a_slow_later_step_accurate():
    """A step 1e12 times faster than the next keeps the next one accurate."""
    slow = -math.log1p(-1e-12)
    rates = KanoDriftRates(
        attractive_to_one_dimensional=0.5, one_dimensional_to_must_be=1e-12
    )
    projection = project_drift(A, years=1 / slow, rates=rates)
    assert projection.share(O) == pytest.approx(math.exp(-1.0), rel=1e-8)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"years": None}, ArgumentTypeError, "years must be a real number"),
        ({"years": "1"}, ArgumentTypeError, "years must be a real number"),
        ({"years": True}, ArgumentTypeError, "years must be a real number"),
        (
            {"years": Decimal("Infinity")},
            ArgumentTypeError,
            "years must be a real number",
        ),
        ({"rates": None}, ArgumentTypeError, "rates must be a KanoDriftRates"),
        ({"rates": {"x": 1}}, ArgumentTypeError, "rates must be a"),
    ],
    ids=[
        "none-years",
        "text-years",
        "bool-years",
        "decimal-years",
        "none-rates",
        "dict-rates",
    ],
)
def test_project_drift_refuses_wrong_types(
    kwargs: dict[str, object], error: type[Exception], match: str
):
    """Wrong-typed years or rates raise our error naming the argument."""
    arguments: dict[str, object] = {"years": 1.0, **kwargs}
    with pytest.raises(error, match=match):
        project_drift(A, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "start", [None, "bogus", "A", 3], ids=["none", "unknown", "letter", "int"]
)
def test_project_drift_refuses_unknown_start(start: object):
    """An unknown start names the argument and lists the categories."""
    with pytest.raises(InvariantError, match="start must be a KanoCategory"):
        project_drift(start, years=1.0)  # type: ignore[arg-type]


def test_projection_share_refuses_unknown_category():
    """share() names a bad category instead of answering 0."""
    projection = project_drift(A, years=1.0)
    assert projection.share(KanoCategory.REVERSE) == 0.0
    with pytest.raises(InvariantError, match="category must be a"):
        projection.share(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, False], ids=["true", "false"])
def test_rates_are_not_bools(value: bool):
    """True is not a yearly probability of 1; the record refuses it."""
    with pytest.raises(ValidationError, match="drift rate must be a number"):
        KanoDriftRates(attractive_to_one_dimensional=value)


@pytest.mark.parametrize(
    "value",
    [0, 1.5, 1e18, Decimal(0), True],
    ids=["int", "float", "huge-float", "decimal", "bool"],
)
def test_observed_at_is_not_a_number(value: object):
    """A number is not read as seconds since 1970; it is refused."""
    with pytest.raises(
        ValidationError, match="occurred_at must be a datetime"
    ):
        KanoObservation(category=A, occurred_at=value)  # type: ignore[arg-type]


EAST = timezone(timedelta(hours=5))
WEST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    "when",
    [datetime(1, 1, 1, tzinfo=EAST), datetime(9999, 12, 31, 23, tzinfo=WEST)],
    ids=["year-1-east", "year-9999-west"],
)
def test_times_outside_utc_range_are_refused(when: datetime):
    """A time that leaves years 1-9999 in UTC is refused, not overflowed."""
    with pytest.raises(ValidationError, match="out of range once converted"):
        KanoObservation(category=A, occurred_at=when)
    with pytest.raises(InvariantError, match="out of range once converted"):
        CAR_RADIO.category_at(when)
    with pytest.raises(InvariantError, match="out of range once converted"):
        CAR_RADIO.project(as_of=when)


def test_first_and_last_utc_years_work():
    """Year 1 and year 9999 in UTC are usable end to end."""
    need = KanoNeed(name="x").observe(
        A, occurred_at=datetime(1, 1, 1, tzinfo=UTC)
    )
    last = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    assert need.category_at(last) is A
    rates = KanoDriftRates(attractive_to_one_dimensional=0.5)
    assert need.project(as_of=last, rates=rates).most_likely is O


@pytest.mark.parametrize(
    "value",
    [None, "2020-01-01", date(2020, 1, 1), 1_600_000_000],
    ids=["none", "text", "date", "timestamp"],
)
def test_query_times_must_be_datetimes(value: object):
    """category_at and project name their argument on a wrong type."""
    with pytest.raises(ArgumentTypeError, match="as_of must be"):
        CAR_RADIO.category_at(value)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="as_of must be"):
        CAR_RADIO.project(as_of=value)  # type: ignore[arg-type]


def test_project_refuses_wrong_rates():
    """A need's projection names rates when they are not KanoDriftRates."""
    with pytest.raises(ArgumentTypeError, match="rates must be a"):
        CAR_RADIO.project(as_of=year(2030), rates=0.5)  # type: ignore[arg-type]


NEW_YORK = ZoneInfo("America/New_York")
# 2026-11-01 01:30 happens twice in New York: first in EDT, then in EST.
FIRST_0130 = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
SECOND_0130 = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK)


def test_observations_across_a_fold_are_ordered_by_instant():
    """Two readings an hour apart across the fold are in time order."""
    need = (
        KanoNeed(name="x")
        .observe(A, occurred_at=FIRST_0130)
        .observe(O, occurred_at=SECOND_0130)
    )
    assert need.category_at(FIRST_0130) is A
    assert need.category_at(SECOND_0130) is O
    with pytest.raises(ValidationError, match="strictly increasing"):
        KanoNeed(name="x").observe(A, occurred_at=SECOND_0130).observe(
            O, occurred_at=FIRST_0130
        )


def test_elapsed_time_counts_the_daylight_saving_hour():
    """A projection across a clock change uses the real elapsed time."""
    rates = KanoDriftRates(attractive_to_one_dimensional=0.5)
    need = KanoNeed(name="x").observe(A, occurred_at=FIRST_0130)
    in_new_york = need.project(as_of=SECOND_0130, rates=rates)
    assert in_new_york.years == pytest.approx(1 / (365.25 * 24))
