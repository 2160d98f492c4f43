from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship import (
    DEFAULT_POLICY,
    Guard,
    Policy,
    Rule,
    due_events,
    due_events_many,
    next_due,
    next_due_many,
)
from customer_centric.relationship._policy import GuardOp
from strategies import legal_walks, policies

T0 = datetime(2025, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def ev(kind: str, day: float, **extra: object) -> cc.Event:
    """An event of ``kind`` for C-1 on day ``day`` after T0."""
    when = T0 + timedelta(days=day)
    if kind == "inactivity_observed":
        extra.setdefault("as_of", when)
    return cc.relationship.parse_event(
        {"kind": kind, "customer_id": "C-1", "occurred_at": when, **extra}
    )


def after(
    *events: cc.Event, policy: Policy = DEFAULT_POLICY
) -> cc.RelationshipState:
    """The state reached by replaying ``events`` for C-1."""
    return cc.replay(
        events, initial=cc.RelationshipState(customer_id="C-1"), policy=policy
    ).state


WELCOME = (ev("first_purchase", 0),)
CLIENT = (
    *WELCOME,
    ev("needs_profiled", 0),
    ev("repeat_purchase", 0),
    ev("repeat_purchase", 0),
)
ADVOCATE = (*CLIENT, ev("referral_made", 0))
DIVORCED = (*CLIENT, ev("account_closed", 0, reason="new_job"))
WIN_BACK = (*DIVORCED, ev("win_back_attempted", 0))


@pytest.mark.parametrize(
    ("history", "as_of_day", "expected"),
    [
        (WELCOME, 89, []),
        (WELCOME, 90, [(90, ("lifecycle.gone_quiet",))]),
        (
            WELCOME,
            400,
            [
                (90, ("lifecycle.gone_quiet",)),
                (365, ("lifecycle.presumed_lost",)),
            ],
        ),
        (
            ADVOCATE,
            200,
            [
                (90, ("lifecycle.gone_quiet",)),
                (180, ("loyalty.lapse",)),
                (180, ("loyalty.lapse",)),
            ],
        ),
        ((), 1000, []),
        # Gone customers still lapse on the ladder; the lifecycle stays.
        (DIVORCED, 1000, [(180, ("loyalty.lapse",))]),
        (WIN_BACK, 179, []),
        (
            # Thresholds passed before the last event: due at that event.
            (*WELCOME, ev("complaint_resolved", 100, satisfied=True)),
            100,
            [(100, ("lifecycle.gone_quiet",))],
        ),
    ],
    ids=[
        "not-yet",
        "at-threshold",
        "two-thresholds-in-time-order",
        "lapse-down-the-ladder",
        "new-suspect",
        "divorced",
        "win-back",
        "overdue-before-last-event",
    ],
)
def test_due_events_follow_the_default_rules(
    history: tuple[cc.Event, ...],
    as_of_day: int,
    expected: list[tuple[int, tuple[str, ...]]],
) -> None:
    """Each due event is a check at its threshold, in time order."""
    state = after(*history)
    due = due_events(state, as_of=T0 + as_of_day * DAY)
    assert [((d.due_at - T0).days, d.rule_ids) for d in due] == expected
    for d in due:
        assert d.event.occurred_at == d.event.as_of == d.due_at
        assert [r.rule_id for r in d.outcome.records] == list(d.rule_ids)


def test_due_events_set_the_times_a_daily_check_would() -> None:
    """Departure and stage times are the due instants, not as_of."""
    (*_, last) = due_events(after(*WELCOME), as_of=T0 + 900 * DAY)
    state = last.outcome.state
    assert state.lifecycle is cc.LifecycleStage.DIVORCE
    assert state.departed_at == state.lifecycle_since == T0 + 365 * DAY


def _expiry_policy(op: GuardOp, threshold: float) -> Policy:
    expired = Rule(
        id="lifecycle.win_back_expired",
        event="inactivity_observed",
        dimension="lifecycle",
        sources=("win_back",),
        target="divorce",
        guards=(
            Guard(metric="days_since_departure", op=op, threshold=threshold),
        ),
        reason_code="win_back_expired",
    )
    return DEFAULT_POLICY.with_rules(expired, first=True)


@pytest.mark.parametrize(
    ("op", "threshold", "as_of_day", "due_day"),
    [
        ("at_least", 30, 100, 30),
        ("at_least", 29.5, 100, 30),
        ("at_least", 30, 29, None),
        ("at_most", 30, 100, 0),
        ("equals", 30, 100, 30),
        ("at_least", -5, 100, 0),
    ],
    ids=["whole", "fractional", "not-yet", "at-most", "equals", "negative"],
)
def test_a_custom_rule_makes_a_win_back_window_due(
    op: GuardOp, threshold: float, as_of_day: int, due_day: int | None
) -> None:
    """A policy's own inactivity rule on days since departure is due."""
    policy = _expiry_policy(op, threshold)
    state = after(*WIN_BACK, policy=policy)
    due = due_events(state, as_of=T0 + as_of_day * DAY, policy=policy)
    if due_day is None:
        assert due == ()
    else:
        assert [(d.due_at - T0).days for d in due] == [due_day]
        assert due[0].rule_ids == ("lifecycle.win_back_expired",)
        assert next_due(state, policy=policy) == T0 + due_day * DAY


def test_a_guard_free_moving_rule_is_due_at_the_last_event() -> None:
    """A rule every check fires is due as soon as a check can be applied."""
    rule = Rule(
        id="lifecycle.any_check",
        event="inactivity_observed",
        dimension="lifecycle",
        sources=("intensive_care",),
        target="potential_divorce",
        guards=(Guard(metric="open_complaints", op="at_least", threshold=1),),
        reason_code="checked",
    )
    policy = DEFAULT_POLICY.with_rules(rule, first=True)
    history = (*CLIENT, ev("complaint_filed", 3, severity="high"))
    state = after(*history, policy=policy)
    assert next_due(state, policy=policy) == T0 + 3 * DAY


def test_an_earlier_stay_rule_holds_a_move_back() -> None:
    """The engine decides: a stay rule tried first delays the move."""
    grace = Rule(
        id="lifecycle.grace",
        event="inactivity_observed",
        dimension="lifecycle",
        sources=("welcome",),
        target="stay",
        guards=(Guard(metric="inactive_days", op="at_most", threshold=100),),
        reason_code="grace",
    )
    policy = DEFAULT_POLICY.with_rules(grace, first=True)
    assert next_due(after(*WELCOME), policy=policy) == T0 + 101 * DAY


def test_a_cycle_of_inactivity_rules_is_refused() -> None:
    """Rules that move a customer round at one instant are a policy error."""
    back_up = Rule(
        id="loyalty.back_up",
        event="inactivity_observed",
        dimension="loyalty",
        sources=("customer",),
        target="client",
        reason_code="back_up",
    )
    policy = DEFAULT_POLICY.with_rules(back_up)
    state = after(*CLIENT, policy=policy)
    with pytest.raises(PolicyError, match="in a cycle at"):
        due_events(state, as_of=T0 + 400 * DAY, policy=policy)


def test_thresholds_beyond_the_calendar_are_never_due() -> None:
    """A due instant past the last representable datetime is skipped."""
    policy = DEFAULT_POLICY.with_thresholds(
        lapse_inactivity_days=3_000_000,
        potential_divorce_inactivity_days=3_000_000,
        divorce_inactivity_days=3_000_001,
    )
    assert next_due(after(*ADVOCATE, policy=policy), policy=policy) is None


@pytest.mark.parametrize(
    ("as_of", "error", "message"),
    [
        (datetime(2025, 6, 1), InvariantError, "must be timezone-aware"),  # noqa: DTZ001
        (T0 - DAY, InvariantError, "is before the last event"),
        ("2025-06-01", ArgumentTypeError, "as_of must be"),
    ],
    ids=["naive", "before-last-event", "not-a-datetime"],
)
def test_bad_as_of_is_refused_with_the_fix(
    as_of: object, error: type[Exception], message: str
) -> None:
    """A naive, early or ill-typed as_of raises our error, with the fix."""
    state = after(*WELCOME)
    with pytest.raises(error, match=message):
        due_events(state, as_of=as_of)
    with pytest.raises(error, match=message):
        due_events_many([state], as_of=as_of)


@pytest.mark.parametrize(
    ("states", "error", "message"),
    [
        (None, ArgumentTypeError, "an iterable of RelationshipState"),
        (
            cc.RelationshipState(customer_id="C-1"),
            ArgumentTypeError,
            "an iterable of RelationshipState",
        ),
        (["C-1"], ArgumentTypeError, r"states\[0\] must be"),
        (
            [cc.RelationshipState(customer_id="C-1")] * 2,
            InvariantError,
            "appears twice",
        ),
    ],
    ids=["none", "one-state", "wrong-item", "duplicate"],
)
def test_bulk_forms_refuse_bad_states(
    states: object, error: type[Exception], message: str
) -> None:
    """The bulk forms take an iterable of states, one per customer."""
    with pytest.raises(error, match=message):
        next_due_many(states)
    with pytest.raises(error, match=message):
        due_events_many(states, as_of=T0)


def test_single_forms_check_their_arguments() -> None:
    """A state or policy of the wrong type raises ArgumentTypeError."""
    with pytest.raises(ArgumentTypeError, match="state must be"):
        due_events(None, as_of=T0)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="policy must be"):
        next_due(after(*WELCOME), policy=None)  # type: ignore[arg-type]


def test_bulk_forms_agree_with_the_single_ones() -> None:
    """The schedule is sorted; the mapping holds customers with due events."""
    states = [
        _for(cid, history)
        for cid, history in (("C-1", ADVOCATE), ("C-2", ()), ("C-3", WELCOME))
    ]
    schedule = next_due_many(iter(states))
    assert [(n.customer_id, n.due_at) for n in schedule] == [
        ("C-1", T0 + 90 * DAY),
        ("C-3", T0 + 90 * DAY),
    ]
    as_of = T0 + 200 * DAY
    assert due_events_many(states, as_of=as_of) == {
        s.customer_id: due_events(s, as_of=as_of)
        for s in states
        if due_events(s, as_of=as_of)
    }


def _for(
    customer_id: str, history: tuple[cc.Event, ...]
) -> cc.RelationshipState:
    """The state a history reaches when it is another customer's."""
    events = [
        cc.relationship.parse_event(
            {**e.model_dump(), "customer_id": customer_id}
        )
        for e in history
    ]
    return cc.replay(
        events, initial=cc.RelationshipState(customer_id=customer_id)
    ).state


@st.composite
def walked_states(
    draw: st.DrawFn,
) -> tuple[Policy, cc.RelationshipState]:
    """A policy and a state reached by a legal walk under it."""
    policy = draw(st.just(DEFAULT_POLICY) | policies())
    events = draw(legal_walks(policy=policy, max_steps=15))
    state = cc.replay(
        events, initial=cc.RelationshipState(customer_id="C-1"), policy=policy
    ).state
    return policy, state


@given(walked_states(), st.integers(0, 1500), st.integers(0, 86_399))
def test_applying_the_due_events_leaves_nothing_due(
    walked: tuple[Policy, cc.RelationshipState], days: int, seconds: int
) -> None:
    """Due events apply without error and are idempotent at as_of."""
    policy, state = walked
    start = state.last_event_at or T0
    as_of = start + timedelta(days=days, seconds=seconds)
    due = due_events(state, as_of=as_of, policy=policy)
    current = state
    for d in due:
        assert d.due_at <= as_of
        current = cc.apply_event(current, d.event, policy=policy).state
        assert current == d.outcome.state
    replayed = cc.replay(
        [d.event for d in due], initial=state, policy=policy
    ).state
    assert replayed == current
    assert due_events(current, as_of=as_of, policy=policy) == ()
    assert [d.due_at for d in due] == sorted(d.due_at for d in due)


@given(walked_states())
def test_next_due_is_the_first_instant_anything_is_due(
    walked: tuple[Policy, cc.RelationshipState],
) -> None:
    """At next_due something is due; just before it nothing is."""
    policy, state = walked
    when = next_due(state, policy=policy)
    if when is None:
        far = (state.last_event_at or T0) + 5000 * DAY
        assert due_events(state, as_of=far, policy=policy) == ()
        return
    last = state.last_event_at
    assert last is None or when >= last
    due = due_events(state, as_of=when, policy=policy)
    assert due
    assert due[0].due_at == when
    before = when - timedelta(microseconds=1)
    if last is None or before >= last:
        assert due_events(state, as_of=before, policy=policy) == ()
