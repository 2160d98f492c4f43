from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from customer_centric import (
    LifecycleStage,
    RelationshipState,
    apply_event,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship import FirstPurchase
from customer_centric.risk import (
    MAX_MEASURE_VALUE,
    HealthProfile,
    HealthScore,
    HealthSnapshot,
    MeasureGroup,
    RiskDirection,
    RiskLevel,
    Scorecard,
    Trend,
    health_signal,
    score_health,
)
from health_cards import CARD
from strategies import MEASURE_NAMES, health_values, scorecards

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
FULL = {"logins": 5, "nps": 25, "tickets": 1}


def _score(values: dict[str, object], **kwargs: object) -> HealthScore:
    return score_health(values, card=CARD, as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "stage", "score", "band"),
    [
        (FULL, None, 650 / 9, RiskLevel.GREEN),
        ({"logins": 5, "nps": 25}, None, 175 / 3, RiskLevel.AMBER),
        ({"logins": 5, "nps": None, "tickets": 1}, None, 200 / 3, "amber"),
        ({"logins": 2, "nps": -60, "tickets": 9}, None, 0.0, RiskLevel.RED),
        ({"logins": 9}, "welcome", 100.0, RiskLevel.GREEN),
        ({"logins": 5}, "welcome", 50.0, RiskLevel.AMBER),
        ({"tickets": 0}, "welcome", 0.0, RiskLevel.RED),
        ({**FULL, "other": "ignored"}, "divorce", 650 / 9, RiskLevel.GREEN),
    ],
    ids=[
        "all-observed",
        "support-group-missing-reweighted",
        "one-usage-measure-missing",
        "all-red",
        "welcome-worst-of-green",
        "welcome-worst-of-amber",
        "welcome-missing-counts-as-red",
        "stage-without-profile-and-extra-keys",
    ],
)
def test_scores_worked_by_hand(
    values: dict[str, object],
    stage: str | None,
    score: float,
    band: RiskLevel,
) -> None:
    """Scores and bands match the weighted means worked out by hand."""
    health = _score(values, stage=stage)
    assert health.score == pytest.approx(score)
    assert health.band is RiskLevel(band)


def test_each_measure_says_its_share_and_why() -> None:
    """Each measure gives its points, share, contribution and reason."""
    health = _score(FULL)
    logins, nps, tickets = health.measures
    assert (logins.band, logins.points) == (RiskLevel.AMBER, 50.0)
    assert logins.weight == pytest.approx(4 / 9)
    assert nps.points == pytest.approx(75.0)
    assert nps.contribution == pytest.approx(75 * 2 / 9)
    assert (tickets.group, tickets.weight) == ("support", pytest.approx(1 / 3))
    assert sum(m.contribution for m in health.measures) == pytest.approx(
        health.score
    )
    assert logins.reason == (
        "logins = 5: amber (amber at 8, red at 3, lower_is_worse); 50 points "
        "x weight 0.4444 = 22.22"
    )
    assert health.profile == "default"
    assert (health.card, health.card_version) == ("retail", 3)
    assert health.card_fingerprint == CARD.fingerprint
    assert health.explanation == (
        "health 72.22 (green) on retail v3, profile default, weighted; "
        "unknown, 0 day(s) in green"
    )


def test_missing_values_are_left_out_or_red_as_the_card_says() -> None:
    """A missing value is excluded, or red with 0 points; never a zero."""
    left_out = _score({"logins": 5, "nps": 25}).measures[2]
    assert (left_out.value, left_out.counted) == (None, False)
    assert (left_out.weight, left_out.contribution) == (0.0, 0.0)
    assert left_out.reason == (
        "tickets missing: left out, the other measures re-weighted"
    )
    red = _score({}, stage="welcome").measures[0]
    assert (red.band, red.points, red.counted) == (RiskLevel.RED, 0.0, True)
    assert red.reason.startswith("logins missing: counted as red, 0 points")


def test_worst_of_names_the_deciding_measure() -> None:
    """With worst_of the lowest measure carries the whole score."""
    card = CARD.model_validate(
        {
            **CARD.model_dump(),
            "profile": {**CARD.profile.model_dump(), "combine": "worst_of"},
        }
    )
    health = score_health(
        {"logins": 12, "nps": 0, "tickets": 1}, card=card, as_of=AS_OF
    )
    assert (health.score, health.band) == (50.0, RiskLevel.AMBER)
    assert [m.weight for m in health.measures] == [0.0, 1.0, 0.0]


def _snapshot(days_before: int, score: float, band: str) -> HealthSnapshot:
    return HealthSnapshot(
        as_of=AS_OF - timedelta(days=days_before),
        score=score,
        band=RiskLevel(band),
    )


@pytest.mark.parametrize(
    ("history", "stable_within", "trend", "days"),
    [
        ((), 0.0, Trend.UNKNOWN, 0),
        (((59, 80, "green"), (28, 75, "green")), 0.0, Trend.WORSENING, 59),
        (((59, 80, "green"), (28, 75, "green")), 5.0, Trend.STABLE, 59),
        (((28, 75, "green"),), 2.0, Trend.STABLE, 28),
        (((59, 90, "green"), (28, 30, "red")), 0.0, Trend.IMPROVING, 0),
        (
            ((90, 90, "green"), (59, 30, "red"), (28, 72, "green")),
            0.0,
            Trend.IMPROVING,
            28,
        ),
    ],
    ids=[
        "no-history",
        "falling-two-months-green",
        "within-the-stable-band",
        "change-at-the-stable-edge",
        "back-from-red-today",
        "band-run-broken-by-red",
    ],
)
def test_trend_and_days_in_band(
    history: tuple[tuple[int, float, str], ...],
    stable_within: float,
    trend: Trend,
    days: int,
) -> None:
    """The trend compares with the newest score; days count the run."""
    snapshots = [_snapshot(*item) for item in history]
    if history == ((28, 75, "green"),):
        snapshots = [_snapshot(28, 650 / 9 + 2.0, "green")]
    health = _score(FULL, history=snapshots, stable_within=stable_within)
    assert (health.trend, health.days_in_band) == (trend, days)


def test_snapshot_round_trips_and_feeds_the_next_score() -> None:
    """A stored snapshot is valid JSON and the next score's history."""
    first = _score(FULL)
    stored = HealthSnapshot.model_validate_json(
        first.snapshot().model_dump_json()
    )
    later = score_health(
        {"logins": 2, "nps": -60, "tickets": 9},
        card=CARD,
        as_of=AS_OF + timedelta(days=7),
        history=[stored],
    )
    assert later.trend is Trend.WORSENING
    assert later.days_in_band == 0


@pytest.mark.parametrize(
    "history",
    [
        [_snapshot(0, 50, "amber")],
        [_snapshot(-1, 50, "amber")],
        [_snapshot(5, 50, "amber"), _snapshot(9, 50, "amber")],
        [_snapshot(5, 50, "amber"), _snapshot(5, 50, "amber")],
    ],
    ids=["at-as-of", "after-as-of", "newest-first", "same-time-twice"],
)
def test_history_must_run_forward_before_as_of(
    history: list[HealthSnapshot],
) -> None:
    """Out-of-order history is refused with the times shown."""
    with pytest.raises(InvariantError, match="strictly increasing in time"):
        _score(FULL, history=history)


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ([("logins", 1)], ArgumentTypeError, "values must be a mapping"),
        ({"logins": True}, ArgumentTypeError, "a real number, or None"),
        ({"logins": "5"}, ArgumentTypeError, "a real number, or None"),
        ({"logins": math.nan}, InvariantError, "must be finite"),
        ({"logins": -math.inf}, InvariantError, "must be finite"),
        ({"logins": Decimal("NaN")}, InvariantError, "must be finite"),
        ({"logins": 10**400}, InvariantError, "must be finite"),
        ({"logins": 2e15}, InvariantError, "at most 1e\\+15"),
        ({}, DataError, "nothing to score"),
        ({"logins": None}, DataError, "or set missing='red'"),
    ],
    ids=[
        "not-a-mapping",
        "bool",
        "text",
        "nan",
        "infinity",
        "decimal-nan",
        "huge-int",
        "too-large",
        "nothing-observed",
        "only-none",
    ],
)
def test_bad_values_are_refused(
    values: object, error: type[Exception], message: str
) -> None:
    """Values are numbers or None; a card with nothing to score says so."""
    with pytest.raises(error, match=message):
        _score(values)  # type: ignore[arg-type]


def test_exact_numbers_are_read_as_floats() -> None:
    """Decimal and int values score like the floats they equal."""
    exact = _score({"logins": Decimal(5), "nps": 25, "tickets": Decimal(1)})
    assert exact.score == _score({k: float(v) for k, v in FULL.items()}).score


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"card": "retail"}, ArgumentTypeError, "card must be a Scorecard"),
        (
            {"as_of": datetime(2026, 3, 1)},  # noqa: DTZ001 - naive on purpose
            InvariantError,
            "timezone",
        ),
        ({"stage": "gold"}, PolicyError, "not a lifecycle stage"),
        ({"stable_within": -1.0}, InvariantError, "stable_within must be >="),
        ({"stable_within": math.nan}, InvariantError, "finite"),
        ({"history": "abc"}, ArgumentTypeError, "history must be"),
        ({"history": [1]}, ArgumentTypeError, r"history\[0\] must be"),
    ],
    ids=[
        "card",
        "naive-as-of",
        "stage",
        "negative-stable",
        "nan-stable",
        "history-text",
        "history-item",
    ],
)
def test_bad_arguments_are_refused(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    """Each argument is checked where it enters, naming itself."""
    arguments: dict[str, object] = {"card": CARD, "as_of": AS_OF, **kwargs}
    with pytest.raises(error, match=message):
        score_health(FULL, **arguments)  # type: ignore[arg-type]


def test_red_score_becomes_a_dissatisfaction_signal() -> None:
    """Red gives a signal the engine applies; amber and green give none."""
    red = _score({"logins": 2, "nps": -60, "tickets": 9})
    signal = health_signal(red, customer_id="C-1", score=0.8)
    assert signal is not None
    assert (signal.customer_id, signal.score) == ("C-1", 0.8)
    assert (signal.occurred_at, signal.source) == (AS_OF, "health:retail")
    assert health_signal(_score(FULL), customer_id="C-1") is None
    amber = _score({"logins": 5, "nps": 25})
    assert health_signal(amber, customer_id="C-1") is None
    state = apply_event(
        RelationshipState(customer_id="C-1"),
        FirstPurchase(customer_id="C-1", occurred_at=AS_OF - timedelta(90)),
    ).state
    assert apply_event(state, signal).state.last_event_at == AS_OF


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"score": 1.5}, InvariantError),
        ({"score": math.nan}, InvariantError),
        ({"customer_id": 7}, ArgumentTypeError),
        ({"health": "red"}, ArgumentTypeError),
    ],
    ids=["score-above-one", "score-nan", "customer-id", "health"],
)
def test_health_signal_checks_its_arguments(
    kwargs: dict[str, object], error: type[Exception]
) -> None:
    """A bad score, id or health is refused."""
    health = kwargs.pop("health", _score({"logins": 1, "tickets": 9}))
    arguments: dict[str, object] = {"customer_id": "C-1", **kwargs}
    with pytest.raises(error):
        health_signal(health, **arguments)  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------


def _scored(card: Scorecard, values: dict[str, float | None]) -> HealthScore:
    try:
        return score_health(values, card=card, as_of=AS_OF)
    except DataError:
        assume(condition=False)
        raise


@given(scorecards(), health_values)
def test_score_is_within_bounds(
    card: Scorecard, values: dict[str, float | None]
) -> None:
    """Every score is in [0, 100], its shares sum to 1 and its parts add up."""
    health = _scored(card, values)
    assert 0.0 <= health.score <= 100.0
    assert sum(m.weight for m in health.measures) == pytest.approx(1.0)
    if card.profile.combine == "weighted":
        total = sum(m.contribution for m in health.measures)
        assert total == pytest.approx(health.score, abs=1e-9)


def _worse(direction: RiskDirection) -> float:
    higher = direction is RiskDirection.HIGHER_IS_WORSE
    return 1.0 if higher else -1.0


@given(
    scorecards(),
    st.fixed_dictionaries(
        dict.fromkeys(MEASURE_NAMES, st.floats(-1000, 1000))
    ),
    st.data(),
    st.floats(0, 2000),
)
def test_score_is_monotone_in_each_measure(
    card: Scorecard,
    values: dict[str, float],
    data: st.DataObject,
    step: float,
) -> None:
    """Moving one value the worse way never raises the score or band."""
    measures = {m.name: m for m in card.profile.measures}
    name = data.draw(st.sampled_from(sorted(measures)), label="measure")
    worse = {
        **values,
        name: values[name] + step * _worse(measures[name].direction),
    }
    before = score_health(values, card=card, as_of=AS_OF)
    after = score_health(worse, card=card, as_of=AS_OF)
    assert after.score <= before.score
    assert after.band.rank >= before.band.rank


def _without(profile: HealthProfile, name: str) -> HealthProfile | None:
    groups = [
        MeasureGroup(
            name=g.name,
            weight=g.weight,
            measures=tuple(m for m in g.measures if m.name != name),
        )
        for g in profile.groups
        if any(m.name != name for m in g.measures)
    ]
    if not groups:
        return None
    return HealthProfile.model_validate(
        {**profile.model_dump(), "groups": [g.model_dump() for g in groups]}
    )


@given(scorecards(), health_values, st.data())
def test_missing_is_never_counted_as_zero(
    card: Scorecard, values: dict[str, float | None], data: st.DataObject
) -> None:
    """A missing value is left out or the worst value, never a zero.

    Left out, the score is the card's without that measure; counted as
    red, it is the score of the worst value the card accepts.
    """
    profile = card.profile
    measure = data.draw(st.sampled_from(profile.measures), label="measure")
    name = measure.name
    missing = {**values, name: None}
    health = _scored(card, missing)
    if profile.missing == "red":
        extreme = MAX_MEASURE_VALUE * _worse(measure.direction)
        worst = score_health({**values, name: extreme}, card=card, as_of=AS_OF)
        assert (health.score, health.band) == (worst.score, worst.band)
        return
    smaller = _without(profile, name)
    assume(smaller is not None)
    assert smaller is not None
    other = Scorecard(name="card", version=1, profile=smaller)
    expected = score_health(missing, card=other, as_of=AS_OF)
    assert health.score == pytest.approx(expected.score, abs=1e-9)
    if profile.combine == "worst_of":
        assert health.band is expected.band


@given(scorecards(), health_values, st.sampled_from(list(LifecycleStage)))
def test_each_stage_is_scored_on_its_profile(
    card: Scorecard, values: dict[str, float | None], stage: LifecycleStage
) -> None:
    """A stage with a profile of its own is scored exactly on it."""
    name, profile = card.profile_for(stage)
    alone = Scorecard(name="card", version=1, profile=profile)
    try:
        expected = score_health(values, card=alone, as_of=AS_OF)
    except DataError:
        with pytest.raises(DataError):
            score_health(values, card=card, as_of=AS_OF, stage=stage)
        return
    health = score_health(values, card=card, as_of=AS_OF, stage=stage)
    assert (health.score, health.band) == (expected.score, expected.band)
    assert health.profile == name
