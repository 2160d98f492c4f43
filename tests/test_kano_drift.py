import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import (
    DRIFT_ORDER,
    NO_DRIFT,
    KanoCategory,
    KanoDriftRates,
    KanoNeed,
    KanoObservation,
    project_drift,
)
from customer_centric.exceptions import InvariantError
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
    "years", [-1.0, math.nan, math.inf], ids=["negative", "nan", "inf"]
)
def test_bad_years_are_rejected(years: float):
    """Projection runs forward over a finite time."""
    with pytest.raises(InvariantError, match="years must be"):
        project_drift(A, years=years)


CAR_RADIO = (
    KanoNeed(name="car radio", description="a radio fitted in the car")
    .observe(A, at=year(1955), note="a novelty")
    .observe(O, at=year(1975))
    .observe(M, at=year(1995), note="expected in every car")
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
        CAR_RADIO.observe(M, at=year(1990))
    with pytest.raises(ValidationError, match="strictly increasing"):
        KanoNeed(
            name="x",
            history=(
                KanoObservation(category=A, observed_at=year(2000)),
                KanoObservation(category=O, observed_at=year(2000)),
            ),
        )


def test_naive_datetimes_are_rejected():
    """Times must be timezone-aware."""
    naive = datetime(2000, 1, 1)  # noqa: DTZ001 - the case under test
    with pytest.raises(ValidationError, match="timezone"):
        CAR_RADIO.observe(M, at=naive)
    with pytest.raises(InvariantError, match="timezone-aware"):
        CAR_RADIO.category_at(naive)
    with pytest.raises(InvariantError, match="timezone-aware"):
        CAR_RADIO.project(at=naive)


def test_blank_need_name_is_rejected():
    """A need has a name."""
    with pytest.raises(ValidationError, match="non-blank name"):
        KanoNeed(name="  ")


def test_project_from_latest_observation():
    """Projection starts from the latest category, over elapsed years."""
    shampoo = KanoNeed(name="single-use hotel shampoo").observe(
        A, at=year(1970)
    )
    rates = KanoDriftRates(attractive_to_one_dimensional=0.5)
    projection = shampoo.project(at=year(1970) + timedelta(days=365.25),
                                 rates=rates)  # fmt: skip
    assert projection.start is A
    assert projection.years == pytest.approx(1.0)
    assert projection.share(O) == pytest.approx(0.5)
    assert shampoo.project(at=year(2020)).most_likely is A


def test_project_needs_an_observation_and_a_later_time():
    """Projection needs a starting category and runs forward only."""
    with pytest.raises(InvariantError, match="no observed category"):
        KanoNeed(name="x").project(at=year(2000))
    with pytest.raises(InvariantError, match="category_at"):
        CAR_RADIO.project(at=year(1990))


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
