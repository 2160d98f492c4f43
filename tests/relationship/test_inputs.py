"""Bad and edge inputs of the relationship area: our errors, exact records."""

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import customer_centric as cc
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    OutOfOrderEventError,
    PolicyError,
)
from customer_centric.relationship._engine import _counting
from strategies import policies

NEW_YORK = ZoneInfo("America/New_York")
# 2026-11-01 in New York: 01:00-02:00 happens twice; fold 0 is EDT (UTC-4),
# fold 1 is EST (UTC-5).
EARLY = datetime(2026, 11, 1, 1, 50, tzinfo=NEW_YORK)  # 05:50Z
LATE = datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=NEW_YORK)  # 06:10Z
T0 = datetime(2025, 1, 1, tzinfo=UTC)
STATE = cc.RelationshipState(customer_id="C-1")
EVENT = cc.relationship.InterestShown(customer_id="C-1", occurred_at=T0)


def _buy(
    when: datetime, event_id: str | None = None, amount: str = "10"
) -> cc.Event:
    return cc.relationship.RepeatPurchase(
        customer_id="C-1",
        occurred_at=when,
        event_id=event_id,
        amount=Decimal(amount),
    )


def _customer_at(when: datetime) -> cc.RelationshipState:
    first = cc.relationship.FirstPurchase(customer_id="C-1", occurred_at=when)
    return cc.apply_event(STATE, first).state


# --- instants ------------------------------------------------------------


def test_events_across_a_fold_are_compared_by_instant() -> None:
    """01:50 EDT then 01:10 EST is in order; the reverse is refused."""
    first = cc.relationship.InterestShown(customer_id="C-1", occurred_at=EARLY)
    second = cc.relationship.FirstPurchase(customer_id="C-1", occurred_at=LATE)
    state = cc.replay([first, second]).state
    assert state.last_event_at == datetime(2026, 11, 1, 6, 10, tzinfo=UTC)
    assert cc.RelationshipState.model_validate_json(
        state.model_dump_json()
    ) == (state)
    backwards = cc.relationship.InterestShown(
        customer_id="C-1", occurred_at=LATE
    )
    older = cc.relationship.FirstPurchase(customer_id="C-1", occurred_at=EARLY)
    with pytest.raises(OutOfOrderEventError):
        cc.replay([backwards, older])


def test_records_store_instants_in_utc() -> None:
    """A zoned wall time is kept as the same instant in UTC."""
    event = cc.relationship.InterestShown(customer_id="C-1", occurred_at=LATE)
    assert event.occurred_at == datetime(2026, 11, 1, 6, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")),
        datetime(9999, 12, 31, 23, tzinfo=NEW_YORK),
    ],
    ids=["year-1-east-of-utc", "year-9999-west-of-utc"],
)
def test_instants_outside_the_utc_range_are_refused(when: datetime) -> None:
    """A wall time whose instant is before year 1 or after 9999 is refused."""
    with pytest.raises(ValidationError, match="out of range"):
        cc.relationship.InterestShown(customer_id="C-1", occurred_at=when)


_ZONED = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001 - hypothesis bounds
    max_value=datetime(9999, 11, 30),  # noqa: DTZ001 - hypothesis bounds
    timezones=st.timezones(),
)


@given(
    first=_ZONED,
    gap=st.timedeltas(timedelta(0), timedelta(days=30)),
    policy=policies(),
)
def test_every_record_round_trips_through_json(
    first: datetime, gap: timedelta, policy: cc.relationship.Policy
) -> None:
    """Events, states, records and policies load back equal from JSON."""
    second = first + gap
    events = [
        cc.relationship.InterestShown(
            customer_id="C-1", occurred_at=first, event_id="a"
        ),
        cc.relationship.FirstPurchase(
            customer_id="C-1", occurred_at=second, event_id="b"
        ),
    ]
    result = cc.replay(events, policy=policy, on_error="collect")
    records: list[object] = [*events, result.state, *result.history, policy]
    for record in records:
        cls = type(record)
        assert cls.model_validate_json(record.model_dump_json()) == record  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "when",
    [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, tzinfo=UTC)],
    ids=["year-1", "year-9999"],
)
def test_far_dates_round_trip(when: datetime) -> None:
    """States at the ends of the calendar load back equal."""
    state = _customer_at(when)
    assert cc.RelationshipState.model_validate_json(
        state.model_dump_json()
    ) == (state)


# --- policies ------------------------------------------------------------


def test_model_copy_recompiles_the_policy() -> None:
    """A model_copy changes the rules' thresholds and the fingerprint."""
    stricter = cc.relationship.DEFAULT_POLICY.model_copy(
        update={"client_min_purchases": 5}
    )
    assert stricter.fingerprint != cc.relationship.DEFAULT_POLICY.fingerprint
    state = cc.replay(
        [
            cc.relationship.FirstPurchase(customer_id="C-1", occurred_at=T0),
            *(_buy(T0 + timedelta(days=d)) for d in (1, 2)),
        ],
        policy=stricter,
    ).state
    assert state.loyalty is cc.LoyaltyStage.CUSTOMER


def test_model_copy_validates() -> None:
    """A model_copy to an invalid policy raises PolicyError."""
    with pytest.raises(PolicyError, match="supporter_min_purchases"):
        cc.relationship.DEFAULT_POLICY.model_copy(
            update={"client_min_purchases": 10}
        )


def test_a_plain_copy_keeps_working() -> None:
    """copy.copy and model_construct policies compile from their fields."""
    for other in (
        copy.copy(cc.relationship.DEFAULT_POLICY),
        cc.relationship.Policy.model_construct(
            **dict(cc.relationship.DEFAULT_POLICY)
        ),
    ):
        assert other.fingerprint == cc.relationship.DEFAULT_POLICY.fingerprint
        assert cc.apply_event(STATE, EVENT, policy=other).changed


def _reactivation(guard: dict[str, object]) -> dict[str, object]:
    return {
        "id": "lifecycle.come_back",
        "event": "reactivated",
        "dimension": "lifecycle",
        "sources": ["divorce"],
        "target": "welcome",
        "reason_code": "came_back",
        "guards": [guard],
    }


@pytest.mark.parametrize(
    ("metric", "op", "threshold"),
    [
        ("purchases", "at_least", 1e18),
        ("purchases", "at_most", -1),
        ("departure_winnable", "equals", 2),
        ("purchases", "equals", 2.5),
        ("departure_winnable", "at_least", 1.5),
        ("days_since_departure", "at_least", 10**7),
    ],
    ids=[
        "beyond-any-count",
        "below-zero",
        "flag-not-0-or-1",
        "count-not-whole",
        "flag-above-1",
        "days-beyond-calendar",
    ],
)
def test_unmeetable_guards_are_refused(
    metric: str, op: str, threshold: float
) -> None:
    """A guard no customer can meet names its rule, guard and value."""
    guard = {"metric": metric, "op": op, "threshold": threshold}
    with pytest.raises(ValidationError, match=r"lifecycle\.come_back"):
        cc.relationship.Rule.model_validate(_reactivation(guard))


@pytest.mark.parametrize(
    "threshold",
    [float("inf"), float("nan"), Decimal("1e999999"), 10**400],
    ids=["inf", "nan", "huge-decimal", "huge-int"],
)
def test_guard_thresholds_are_finite(threshold: object) -> None:
    """A non-finite or out-of-range guard threshold is refused."""
    with pytest.raises(ValidationError):
        cc.relationship.Guard(
            metric="purchases", op="at_least", threshold=threshold
        )  # type: ignore[arg-type]


def test_named_thresholds_are_checked_against_their_rules() -> None:
    """A named threshold its guard's metric cannot meet names the rule."""
    rule = cc.relationship.Rule(
        id="lifecycle.odd",
        event="complaint_resolved",
        dimension="lifecycle",
        sources=(cc.LifecycleStage.INTENSIVE_CARE,),
        target="resume",
        reason_code="odd",
        guards=(
            cc.relationship.Guard(
                metric="satisfied",
                op="equals",
                threshold="client_min_purchases",
            ),
        ),
    )
    with pytest.raises(PolicyError, match=r"lifecycle\.odd.*equals 3"):
        cc.relationship.DEFAULT_POLICY.with_rules(rule)


def test_thresholds_have_an_upper_bound() -> None:
    """An unused threshold too large to reach is refused too."""
    with pytest.raises(PolicyError, match="supporter_min_purchases"):
        cc.relationship.DEFAULT_POLICY.with_thresholds(
            supporter_min_purchases=10**400
        )


def test_guard_checks_are_finite() -> None:
    """A GuardCheck with a NaN observation is refused."""
    with pytest.raises(ValidationError):
        cc.relationship.GuardCheck(
            metric="m",
            op="at_least",
            threshold=1,
            observed=float("nan"),
            required=1,
            passed=False,
        )


# --- duplicates ----------------------------------------------------------


def test_a_redelivered_event_is_a_duplicate() -> None:
    """The same event_id and event again changes nothing and says so."""
    state = _customer_at(T0)
    buy = _buy(T0 + timedelta(days=1), "E-1")
    once = cc.apply_event(state, buy)
    again = cc.apply_event(once.state, buy)
    assert again.duplicate
    assert not again.changed
    assert again.state is once.state
    assert again.state.purchases == 2


def test_a_duplicate_outcome_is_not_an_applied_one() -> None:
    """A duplicate's outcome differs from a no-move outcome of that event."""
    buy = _buy(T0 + timedelta(days=1), "E-1")
    once = cc.apply_event(_customer_at(T0), buy)
    again = cc.apply_event(once.state, buy)
    # The same answer but for the plan: one that moves nothing.
    plain = attrs.evolve(
        again, made=(_counting(once.state.__dict__, buy), None)
    )
    assert again != plain
    assert not plain.duplicate
    assert hash(again) == hash(cc.apply_event(once.state, buy))


def test_a_newer_identified_event_applies() -> None:
    """A newer event applies under a new id and is refused under a used one."""
    interest = cc.relationship.InterestShown(
        customer_id="C-1", occurred_at=T0, event_id="E-1"
    )
    state = cc.apply_event(STATE, interest).state
    buy = cc.relationship.FirstPurchase(
        customer_id="C-1", occurred_at=T0 + timedelta(days=1), event_id="E-2"
    )
    first = cc.apply_event(state, buy)  # makes the plan, if not made yet
    second = cc.apply_event(state, buy)  # takes it
    assert first == second
    assert second.state.last_events == (buy,)
    assert not second.duplicate
    reused = cc.relationship.FirstPurchase(
        customer_id="C-1", occurred_at=T0 + timedelta(days=1), event_id="E-1"
    )
    with pytest.raises(InvariantError, match="E-1"):
        cc.apply_event(state, reused)


def test_a_reused_event_id_is_refused() -> None:
    """Another event under an applied event_id names both events."""
    applied = _buy(T0 + timedelta(days=1), "E-1")
    state = cc.apply_event(_customer_at(T0), applied).state
    for other in (
        _buy(T0 + timedelta(days=1), "E-1", amount="99"),
        _buy(T0 + timedelta(days=2), "E-1"),
    ):
        with pytest.raises(InvariantError, match="E-1") as info:
            cc.apply_event(state, other)
        assert repr(applied) in str(info.value)
        assert repr(other) in str(info.value)


def test_events_at_one_instant_are_remembered() -> None:
    """Every identified event at the latest instant is recognised."""
    state = _customer_at(T0)
    when = T0 + timedelta(days=1)
    for event_id in ("E-1", "E-2"):
        state = cc.apply_event(state, _buy(when, event_id)).state
    assert [e.event_id for e in state.last_events] == ["E-1", "E-2"]
    assert cc.apply_event(state, _buy(when, "E-1")).duplicate
    newer = cc.apply_event(state, _buy(when + timedelta(days=1))).state
    assert newer.last_events == ()


@pytest.mark.parametrize(
    "replayer",
    [
        cc.replay,
        lambda events, **kw: cc.relationship.replay_many(events, **kw)["C-1"],
    ],
    ids=["replay", "replay_many"],
)
def test_replays_skip_redeliveries(
    replayer: Callable[..., cc.relationship.Replay],
) -> None:
    """A purchase delivered three times counts once and is reported."""
    buy = _buy(T0 + timedelta(days=1), "E-1")
    first = cc.relationship.FirstPurchase(customer_id="C-1", occurred_at=T0)
    result = replayer([first, buy, buy, buy])
    assert result.state.purchases == 2
    assert result.duplicates == (2, 3)
    assert result.applied == 2
    conflicting = _buy(T0 + timedelta(days=1), "E-1", amount="99")
    with pytest.raises(InvariantError, match="E-1"):
        replayer([first, buy, conflicting])
    collected = replayer([first, buy, conflicting], on_error="collect")
    assert [r.index for r in collected.rejected] == [2]


def test_replays_know_the_initial_states_events() -> None:
    """A redelivery of the initial state's last event is skipped."""
    buy = _buy(T0 + timedelta(days=1), "E-1")
    state = cc.apply_event(_customer_at(T0), buy).state
    assert cc.replay([buy], initial=state).duplicates == (0,)
    many = cc.relationship.replay_many(
        [buy], initial={cc.CustomerId("C-1"): state}
    )
    assert many["C-1"].duplicates == (0,)


def test_inconsistent_last_events_are_refused() -> None:
    """A state's last_events must be its own, at last_event_at, with ids."""
    with pytest.raises(ValidationError, match="last_events"):
        cc.RelationshipState(customer_id="C-1", last_events=(EVENT,))


# --- arguments -----------------------------------------------------------


def test_replay_many_refuses_a_state_under_another_id() -> None:
    """Initial keyed by one id and holding another's state is refused."""
    with pytest.raises(InvariantError, match=r"'A'.*'C-1'"):
        cc.relationship.replay_many([], initial={cc.CustomerId("A"): STATE})


# Untyped handles: these calls pass wrong types on purpose.
CC: Any = cc
POLICY: Any = cc.relationship.DEFAULT_POLICY
ANY_STATE: Any = STATE
FUNNEL: Any = cc.relationship.loyalty_funnel([STATE])
NAIVE = datetime(2025, 1, 1)  # noqa: DTZ001 - naive on purpose
CALLS: list[tuple[str, Callable[[object], object]]] = [
    ("apply_event-state", lambda v: CC.apply_event(v, EVENT)),
    ("apply_event-event", lambda v: CC.apply_event(STATE, v)),
    ("apply_event-policy", lambda v: CC.apply_event(STATE, EVENT, policy=v)),
    ("replay-events", CC.replay),
    ("replay-element", lambda v: CC.replay([v])),
    ("replay-initial", lambda v: CC.replay([], initial=v or 1)),
    ("replay-policy", lambda v: CC.replay([EVENT], policy=v)),
    ("replay_many-events", CC.relationship.replay_many),
    ("replay_many-element", lambda v: CC.relationship.replay_many([v])),
    (
        "replay_many-initial",
        lambda v: CC.relationship.replay_many([], initial=v or 1),
    ),
    (
        "replay_many-state",
        lambda v: CC.relationship.replay_many([], initial={"C": v}),
    ),
    ("explain-state", lambda v: CC.relationship.explain(v, EVENT)),
    ("explain-event", lambda v: CC.relationship.explain(STATE, v)),
    ("available_events", CC.relationship.available_events),
    (
        "available_events-policy",
        lambda v: CC.relationship.available_events(STATE, policy=v),
    ),
    ("recommended_actions", CC.relationship.recommended_actions),
    ("to_hubspot", CC.relationship.to_hubspot),
    ("to_arts", CC.relationship.to_arts),
    ("loyalty_funnel", CC.relationship.loyalty_funnel),
    ("loyalty_funnel-element", lambda v: CC.relationship.loyalty_funnel([v])),
    (
        "loyalty_funnel-policy",
        lambda v: CC.relationship.loyalty_funnel([], policy=v),
    ),
    ("render_rules", CC.relationship.render_rules),
    (
        "render_rules-title",
        lambda v: CC.relationship.render_rules(POLICY, title=v),
    ),
    (
        "from_facts",
        lambda v: CC.CustomerType.from_facts(
            is_employee=v, buys_for_resale=False
        ),
    ),
    ("default", lambda v: CC.relationship.Policy.default(supporter=v)),
    ("with_rules-first", lambda v: POLICY.with_rules(first=v)),
    ("without_rules", POLICY.without_rules),
    ("rules_for-stage", lambda v: POLICY.rules_for("interest_shown", v)),
    ("days_in_stage", lambda v: ANY_STATE.days_in_stage("loyalty", as_of=v)),
]


@pytest.mark.parametrize(
    "call", [call for _, call in CALLS], ids=[name for name, _ in CALLS]
)
@pytest.mark.parametrize("value", [None, 3.5], ids=["none", "float"])
def test_wrong_types_get_our_error(
    call: Callable[[object], object], value: object
) -> None:
    """A wrong-typed argument raises ArgumentTypeError, never a bare one."""
    with pytest.raises(ArgumentTypeError):
        call(value)


OPTIONS: list[tuple[str, Callable[[], object]]] = [
    ("replay-on_error", lambda: CC.replay([EVENT], on_error="bogus")),
    (
        "replay_many-on_error",
        lambda: CC.relationship.replay_many([], on_error="bogus"),
    ),
    ("last_record", lambda: CC.replay([EVENT]).last_record("bogus")),
    ("days_in_stage", lambda: ANY_STATE.days_in_stage("bogus", as_of=T0)),
    (
        "rules_for-event",
        lambda: POLICY.rules_for("bogus", cc.LoyaltyStage.SUSPECT),
    ),
    ("conversion", lambda: FUNNEL.conversion(cc.LoyaltyStage.PARTNER)),
    (
        "days_in_stage-naive",
        lambda: ANY_STATE.days_in_stage("loyalty", as_of=NAIVE),
    ),
]


@pytest.mark.parametrize(
    "call", [call for _, call in OPTIONS], ids=[name for name, _ in OPTIONS]
)
def test_values_outside_an_option_are_refused(
    call: Callable[[], object],
) -> None:
    """A Literal option or stage outside the allowed ones is refused."""
    with pytest.raises(InvariantError):
        call()


def test_customer_profile_must_be_a_profile() -> None:
    """A falsy non-profile is refused, not replaced by an empty profile."""
    with pytest.raises(ValidationError):
        cc.Customer.from_facts(
            "C-1",
            is_employee=False,
            buys_for_resale=False,
            profile="",  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    "count", [-1, 2**63, Decimal("1e999999")], ids=["negative", "huge", "dec"]
)
def test_counters_are_bounded(count: object) -> None:
    """Counters are 64-bit, non-negative integers."""
    with pytest.raises(ValidationError):
        cc.RelationshipState(customer_id="C-1", purchases=count)  # type: ignore[arg-type]
