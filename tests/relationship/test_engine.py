import inspect
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric.exceptions import (
    CustomerCentricError,
    EventTransitionError,
    InvalidTransitionError,
    InvariantError,
    OutOfOrderEventError,
)
from strategies import (
    _build_event,
    _event_fields,
    event_histories,
    legal_walks,
    policies,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def ev(kind: str, day: int, customer_id: str = "C-1", **extra: object):
    """An event of ``kind`` on day ``day`` after T0."""
    when = T0 + timedelta(days=day)
    if kind == "inactivity_observed":
        extra.setdefault("as_of", when)
    return cc.relationship.parse_event(
        {
            "kind": kind,
            "customer_id": customer_id,
            "occurred_at": when,
            **extra,
        }
    )


def after(*events: cc.Event) -> cc.RelationshipState:
    """The state reached by replaying ``events`` for C-1."""
    return cc.replay(
        events, initial=cc.RelationshipState(customer_id="C-1")
    ).state


WELCOME = (ev("first_purchase", 1),)
GETTING_TO_KNOW = (*WELCOME, ev("needs_profiled", 2))
CLIENT = (*GETTING_TO_KNOW, ev("repeat_purchase", 3), ev("repeat_purchase", 4))
ADVOCATE = (*CLIENT, ev("referral_made", 5))
CARE = (*CLIENT, ev("complaint_filed", 6, severity="high"))
ADVOCATE_CARE = (*ADVOCATE, ev("complaint_filed", 6, severity="high"))
AT_RISK = (*CLIENT, ev("dissatisfaction_signal", 6, score=0.9, source="nps"))
DIVORCED = (*CLIENT, ev("account_closed", 10, reason="new_job"))
WIN_BACK = (*DIVORCED, ev("win_back_attempted", 11))

RULES = [
    # rule id, history, event, loyalty after, lifecycle after
    (
        "loyalty.interest",
        (),
        ev("interest_shown", 1),
        "prospect",
        "acquisition",
    ),
    (
        "loyalty.first_purchase",
        (ev("interest_shown", 0),),
        ev("first_purchase", 1),
        "customer",
        "welcome",
    ),
    (
        "loyalty.client",
        (*GETTING_TO_KNOW, ev("repeat_purchase", 3)),
        ev("repeat_purchase", 4),
        "client",
        "account_management",
    ),
    (
        "loyalty.advocate",
        CLIENT,
        ev("referral_made", 5),
        "advocate",
        "account_management",
    ),
    (
        "loyalty.lapse",
        CLIENT,
        ev("inactivity_observed", 200),
        "customer",
        "potential_divorce",
    ),
    (
        "loyalty.lost_advocacy",
        ADVOCATE_CARE,
        ev("complaint_resolved", 7, satisfied=False),
        "client",
        "potential_divorce",
    ),
    (
        "loyalty.complaint_resolved",
        ADVOCATE_CARE,
        ev("complaint_resolved", 7, satisfied=True),
        "advocate",
        "account_management",
    ),
    (
        "lifecycle.interest",
        WELCOME,
        ev("interest_shown", 2),
        "customer",
        "welcome",
    ),
    (
        "lifecycle.first_purchase",
        (),
        ev("first_purchase", 1),
        "customer",
        "welcome",
    ),
    (
        "lifecycle.needs_profiled",
        WELCOME,
        ev("needs_profiled", 2),
        "customer",
        "getting_to_know",
    ),
    (
        "lifecycle.needs_noted",
        CLIENT,
        ev("needs_profiled", 5),
        "client",
        "account_management",
    ),
    (
        "lifecycle.account_management",
        (*GETTING_TO_KNOW, ev("repeat_purchase", 3)),
        ev("repeat_purchase", 4),
        "client",
        "account_management",
    ),
    (
        "lifecycle.reengaged",
        AT_RISK,
        ev("repeat_purchase", 7),
        "client",
        "account_management",
    ),
    (
        "lifecycle.repeat_purchase",
        CLIENT,
        ev("repeat_purchase", 5),
        "client",
        "account_management",
    ),
    (
        "lifecycle.referral",
        ADVOCATE,
        ev("referral_made", 6),
        "advocate",
        "account_management",
    ),
    (
        "lifecycle.serious_complaint",
        CLIENT,
        ev("complaint_filed", 5, severity="critical"),
        "client",
        "intensive_care",
    ),
    (
        "lifecycle.complaints_pile_up",
        (*CLIENT, ev("complaint_filed", 5, severity="low")),
        ev("complaint_filed", 6, severity="low"),
        "client",
        "intensive_care",
    ),
    (
        "lifecycle.complaint_voiced",
        AT_RISK,
        ev("complaint_filed", 7, severity="low"),
        "client",
        "intensive_care",
    ),
    (
        "lifecycle.complaint_noted",
        CARE,
        ev("complaint_filed", 7, severity="low"),
        "client",
        "intensive_care",
    ),
    (
        "lifecycle.recovered",
        CARE,
        ev("complaint_resolved", 7, satisfied=True),
        "client",
        "account_management",
    ),
    (
        "lifecycle.recovery_failed",
        CARE,
        ev("complaint_resolved", 7, satisfied=False),
        "client",
        "potential_divorce",
    ),
    (
        "lifecycle.complaint_closed",
        CLIENT,
        ev("complaint_resolved", 5, satisfied=True),
        "client",
        "account_management",
    ),
    (
        "lifecycle.silent_dissatisfaction",
        CLIENT,
        ev("dissatisfaction_signal", 5, score=0.7, source="usage_drop"),
        "client",
        "potential_divorce",
    ),
    (
        "lifecycle.dissatisfaction_noted",
        AT_RISK,
        ev("dissatisfaction_signal", 7, score=0.9, source="nps"),
        "client",
        "potential_divorce",
    ),
    (
        "lifecycle.gone_quiet",
        CLIENT,
        ev("inactivity_observed", 100),
        "client",
        "potential_divorce",
    ),
    (
        "lifecycle.presumed_lost",
        AT_RISK,
        ev("inactivity_observed", 400),
        "customer",
        "divorce",
    ),
    (
        "lifecycle.inactivity_noted",
        CARE,
        ev("inactivity_observed", 20),
        "client",
        "intensive_care",
    ),
    (
        "lifecycle.account_closed",
        CLIENT,
        ev("account_closed", 5, reason="price"),
        "client",
        "divorce",
    ),
    (
        "lifecycle.win_back",
        DIVORCED,
        ev("win_back_attempted", 11),
        "client",
        "win_back",
    ),
    (
        "lifecycle.win_back_again",
        WIN_BACK,
        ev("win_back_attempted", 12),
        "client",
        "win_back",
    ),
    (
        "lifecycle.win_back_declined",
        WIN_BACK,
        ev("win_back_declined", 12),
        "client",
        "divorce",
    ),
    (
        "lifecycle.reactivated",
        WIN_BACK,
        ev("reactivated", 12),
        "client",
        "getting_to_know",
    ),
]


def test_every_default_rule_has_a_test():
    """The table below names every rule of the default policy once."""
    assert sorted(r[0] for r in RULES) == sorted(
        r.id for r in cc.relationship.DEFAULT_POLICY.rules
    )


@pytest.mark.parametrize(
    ("rule_id", "history", "event", "loyalty", "lifecycle"),
    RULES,
    ids=[r[0] for r in RULES],
)
def test_default_rule(
    rule_id: str,
    history: tuple[cc.Event, ...],
    event: cc.Event,
    loyalty: str,
    lifecycle: str,
) -> None:
    """Each default rule fires in its situation and moves as documented."""
    state = after(*history)
    explanation = cc.relationship.explain(state, event)
    fired = [c.rule.id for c in explanation.candidates if c.fired]
    assert rule_id in fired
    outcome = cc.apply_event(state, event)
    assert outcome.state.loyalty.value == loyalty
    assert outcome.state.lifecycle.value == lifecycle
    rule = next(
        r for r in cc.relationship.DEFAULT_POLICY.rules if r.id == rule_id
    )
    moved = [r.rule_id for r in outcome.records]
    assert (rule_id in moved) is (not rule.is_stay)
    for record in outcome.records:
        assert (
            record.policy_fingerprint
            == cc.relationship.DEFAULT_POLICY.fingerprint
        )
        assert record.occurred_at == event.occurred_at
        assert all(g.passed for g in record.guards)


def test_first_purchase_moves_both_dimensions():
    """One event can move loyalty and lifecycle together."""
    outcome = cc.apply_event(
        after(ev("interest_shown", 0)), ev("first_purchase", 1, event_id="E-9")
    )
    assert [
        (r.dimension, r.from_stage, r.to_stage) for r in outcome.records
    ] == [
        ("loyalty", cc.LoyaltyStage.PROSPECT, cc.LoyaltyStage.CUSTOMER),
        (
            "lifecycle",
            cc.LifecycleStage.ACQUISITION,
            cc.LifecycleStage.WELCOME,
        ),
    ]
    assert {r.event_id for r in outcome.records} == {"E-9"}
    assert outcome.changed
    assert outcome.state.is_actual_customer


def test_held_event_lists_every_failed_guard():
    """A legal event below its thresholds is held with each failed guard."""
    outcome = cc.apply_event(
        after(*CLIENT), ev("complaint_filed", 5, severity="low")
    )
    assert not outcome.changed
    assert outcome.state.open_complaints == 1
    held = {h.rule_id: h for h in outcome.held}
    assert set(held) == {
        "lifecycle.serious_complaint",
        "lifecycle.complaints_pile_up",
    }
    severity = held["lifecycle.serious_complaint"].failed[0]
    assert (severity.observed, severity.required) == (1, 3)
    piles = held["lifecycle.complaints_pile_up"].failed[0]
    assert (piles.observed, piles.required) == (1, 2)
    assert (
        "observed 1, required 3"
        in held["lifecycle.serious_complaint"].explain()
    )


def test_counters_update_without_a_move():
    """Counters and last activity change even when no stage moves."""
    state = after(*CLIENT)
    outcome = cc.apply_event(state, ev("repeat_purchase", 9))
    assert not outcome.changed
    assert outcome.held == ()
    assert outcome.state.purchases == state.purchases + 1
    assert outcome.state.last_activity_at == T0 + timedelta(days=9)


def test_win_back_held_when_firm_ended_the_relationship():
    """A firm-terminated customer is not approached; the guard says why."""
    state = after(*CLIENT, ev("account_closed", 5, reason="firm_terminated"))
    outcome = cc.apply_event(state, ev("win_back_attempted", 6))
    assert outcome.state.lifecycle is cc.LifecycleStage.DIVORCE
    (held,) = outcome.held
    assert [c.metric for c in held.failed] == ["departure_winnable"]


def test_departure_and_return_are_recorded():
    """Departure reason and date are kept while gone and cleared on return."""
    gone = after(*WIN_BACK)
    assert gone.departure_reason is cc.relationship.DepartureReason.NEW_JOB
    assert gone.departed_at == T0 + timedelta(days=10)
    back = cc.apply_event(gone, ev("reactivated", 12)).state
    assert back.departure_reason is None
    assert back.win_backs == 1
    assert back.win_back_attempts == 1
    assert back.peak_loyalty is cc.LoyaltyStage.CLIENT


def test_intensive_care_resumes_the_previous_stage():
    """After recovery the customer returns to where they were."""
    state = after(*WELCOME, ev("complaint_filed", 2, severity="high"))
    assert state.resume_lifecycle is cc.LifecycleStage.WELCOME
    back = cc.apply_event(state, ev("complaint_resolved", 3, satisfied=True))
    assert back.state.lifecycle is cc.LifecycleStage.WELCOME
    assert back.state.resume_lifecycle is None


DIVORCED_ALLOWED = (
    "interest_shown",
    "referral_made",
    "complaint_filed",
    "complaint_resolved",
    "dissatisfaction_signal",
    "inactivity_observed",
    "win_back_attempted",
    "reactivated",
)


def test_illegal_event_raises_with_allowed_events():
    """An event no rule allows names the stages and what is allowed."""
    state = after(*DIVORCED)
    with pytest.raises(EventTransitionError) as info:
        cc.apply_event(state, ev("repeat_purchase", 11))
    err = info.value
    # Every attribute the class declares is set, to the expected value.
    assert vars(err) == {
        "customer_id": "C-1",
        "event_kind": "repeat_purchase",
        "loyalty": "client",
        "lifecycle": "divorce",
        "allowed": DIVORCED_ALLOWED,
    }
    assert set(vars(err)) == set(inspect.get_annotations(EventTransitionError))
    assert err.allowed == tuple(
        a.kind for a in cc.relationship.available_events(state)
    )
    message = str(err)
    assert "'repeat_purchase'" in message
    assert "stage 'client' and lifecycle stage 'divorce'" in message
    assert "allowed from here: 'interest_shown', " in message
    assert message.endswith(
        "Apply one of those first, or add a rule to the policy"
    )


def test_event_transition_error_is_still_an_invalid_transition():
    """The event error is caught as InvalidTransitionError and ValueError."""
    state = after(*DIVORCED)
    for base in (InvalidTransitionError, ValueError, CustomerCentricError):
        with pytest.raises(base) as info:
            cc.apply_event(state, ev("repeat_purchase", 11))
        assert type(info.value) is EventTransitionError
    assert issubclass(EventTransitionError, InvalidTransitionError)
    assert issubclass(EventTransitionError, ValueError)


def test_event_transition_error_without_allowed_events():
    """With no event allowed, the message says so instead of an empty list."""
    err = EventTransitionError._for_event(
        "C-9",
        "reactivated",
        loyalty="suspect",
        lifecycle="acquisition",
        allowed=(),
    )
    assert vars(err) == {
        "customer_id": "C-9",
        "event_kind": "reactivated",
        "loyalty": "suspect",
        "lifecycle": "acquisition",
        "allowed": (),
    }
    assert "allowed from here: (nothing)." in str(err)


def test_rejections_and_explanations_hold_the_event_error():
    """replay, replay_many and explain keep the full event error."""
    events = [*DIVORCED, ev("repeat_purchase", 11)]
    expected = {
        "customer_id": "C-1",
        "event_kind": "repeat_purchase",
        "loyalty": "client",
        "lifecycle": "divorce",
        "allowed": DIVORCED_ALLOWED,
    }
    (rejected,) = cc.replay(events, on_error="collect").rejected
    (rejected_many,) = cc.relationship.replay_many(events, on_error="collect")[
        "C-1"
    ].rejected
    why = cc.relationship.explain(after(*DIVORCED), events[-1])
    for err in (rejected.error, rejected_many.error, why.error):
        assert isinstance(err, EventTransitionError)
        assert vars(err) == expected


def test_out_of_order_event_raises_unless_allowed():
    """An older event is refused, or applied when the policy allows it."""
    state = after(*CLIENT)
    late = ev("referral_made", 2)
    with pytest.raises(OutOfOrderEventError) as info:
        cc.apply_event(state, late)
    assert info.value.last_event_at == state.last_event_at
    assert "sort the events by occurred_at" in str(info.value)
    relaxed = cc.relationship.DEFAULT_POLICY.with_thresholds(
        allow_out_of_order=True
    )
    outcome = cc.apply_event(state, late, policy=relaxed)
    assert outcome.state.loyalty is cc.LoyaltyStage.ADVOCATE
    assert outcome.state.last_event_at == state.last_event_at


def test_event_for_another_customer_is_refused():
    """Applying one customer's event to another's state raises."""
    with pytest.raises(InvariantError, match="is for customer 'C-2'"):
        cc.apply_event(
            cc.RelationshipState(customer_id="C-1"),
            ev("interest_shown", 0, customer_id="C-2"),
        )


def test_replay_collects_rejections_and_keeps_going():
    """With on_error='collect', refused events are listed with their index."""
    events = [ev("repeat_purchase", 0), *CLIENT, ev("first_purchase", 9)]
    result = cc.replay(events, on_error="collect")
    assert [r.index for r in result.rejected] == [0, len(events) - 1]
    assert result.applied == len(CLIENT)
    assert result.state == after(*CLIENT)
    assert result.last_record("loyalty").reason_code == "repeat_buyer"
    with pytest.raises(InvalidTransitionError):
        cc.replay(events)


def test_replay_needs_events_or_a_state():
    """An empty replay without a starting state is refused."""
    with pytest.raises(InvariantError, match="at least one event"):
        cc.replay([])
    empty = cc.replay([], initial=cc.RelationshipState(customer_id="C-1"))
    assert empty.history == ()
    assert empty.last_record("lifecycle") is None


def test_replay_many_keeps_customers_apart():
    """Interleaved events are replayed per customer."""
    events = [
        ev("first_purchase", 1, customer_id="A"),
        ev("interest_shown", 1, customer_id="B"),
        ev("repeat_purchase", 2, customer_id="A"),
        ev("reactivated", 3, customer_id="B"),
    ]
    result = cc.relationship.replay_many(events, on_error="collect")
    assert result["A"].state.purchases == 2
    assert result["B"].state.loyalty is cc.LoyaltyStage.PROSPECT
    assert [r.index for r in result["B"].rejected] == [3]
    seeded = cc.relationship.replay_many(
        events[:1],
        initial={"Z": cc.RelationshipState(customer_id="Z")},
    )
    assert set(seeded) == {"Z", "A"}
    assert seeded["Z"].applied == 0
    with pytest.raises(InvalidTransitionError):
        cc.relationship.replay_many(events)


def test_available_events_from_the_start():
    """A new customer can show interest, buy, or be profiled."""
    kinds = [
        a.kind
        for a in cc.relationship.available_events(
            cc.RelationshipState(customer_id="C")
        )
    ]
    assert "first_purchase" in kinds
    assert "repeat_purchase" not in kinds
    assert "reactivated" not in kinds


def test_explain_refused_and_out_of_order():
    """explain() reports refusals instead of raising."""
    refused = cc.relationship.explain(
        after(*DIVORCED), ev("repeat_purchase", 11)
    )
    assert not refused.legal
    assert refused.outcome is None
    assert "refused" in refused.summary()
    late = cc.relationship.explain(after(*CLIENT), ev("referral_made", 2))
    assert late.legal
    assert isinstance(late.error, OutOfOrderEventError)
    assert not any(c.fired for c in late.candidates)


def test_explain_held_summary_shows_observed_and_required():
    """The summary of a held event shows what was observed and required."""
    text = cc.relationship.explain(
        after(*GETTING_TO_KNOW), ev("repeat_purchase", 3)
    ).summary()
    assert (
        "loyalty.client held: purchases at least client_min_purchases: "
        in text
    )
    assert "observed 2, required 3" in text


def test_explain_summary_marks_passing_rules_behind_the_winner():
    """A passing rule after the one that fires is shown as not reached."""
    state = after(*CLIENT, ev("complaint_filed", 6, severity="low"))
    explanation = cc.relationship.explain(
        state, ev("complaint_filed", 7, severity="high")
    )
    lines = explanation.summary().splitlines()
    assert lines[1:] == [
        "  lifecycle.serious_complaint fires (intensive_care)",
        "  lifecycle.complaints_pile_up not reached (intensive_care)",
    ]


def test_departure_guard_holds_a_customer_who_never_left():
    """A guard on a departure that has not happened holds, never fires."""
    rule = cc.relationship.Rule(
        id="lifecycle.test_rewelcome",
        event="interest_shown",
        dimension="lifecycle",
        sources=("account_management",),
        target="welcome",
        guards=(
            cc.relationship.Guard(
                metric="departure_winnable", op="equals", threshold=1
            ),
        ),
        reason_code="test_rewelcome",
    )
    policy = cc.relationship.DEFAULT_POLICY.with_rules(rule, first=True)
    explanation = cc.relationship.explain(
        after(*CLIENT), ev("interest_shown", 6), policy=policy
    )
    assert explanation.outcome is not None
    assert not explanation.outcome.changed
    first, stay = explanation.candidates
    assert (first.rule.id, first.fired, stay.fired) == (
        "lifecycle.test_rewelcome",
        False,
        True,
    )
    (check,) = first.checks
    assert check.observed is None
    assert not check.passed


def test_care_entered_from_win_back_resumes_account_management():
    """Care entered after a departure resumes account management."""
    rule = cc.relationship.Rule(
        id="lifecycle.test_win_back_complaint",
        event="complaint_filed",
        dimension="lifecycle",
        sources=("win_back",),
        target="intensive_care",
        guards=(
            cc.relationship.Guard(
                metric="complaint_severity",
                op="at_least",
                threshold="intensive_care_min_severity",
            ),
        ),
        reason_code="test_win_back_complaint",
    )
    policy = cc.relationship.DEFAULT_POLICY.with_rules(rule, first=True)
    care = cc.replay(
        (*WIN_BACK, ev("complaint_filed", 12, severity="high")),
        initial=cc.RelationshipState(customer_id="C-1"),
        policy=policy,
    ).state
    assert care.lifecycle is cc.LifecycleStage.INTENSIVE_CARE
    assert care.resume_lifecycle is None
    assert care.departure_reason is None
    assert care.win_backs == 1
    back = cc.apply_event(
        care, ev("complaint_resolved", 13, satisfied=True), policy=policy
    )
    assert back.state.lifecycle is cc.LifecycleStage.ACCOUNT_MANAGEMENT


# --- properties -------------------------------------------------------------


def _fold(events, policy):  # noqa: ANN001, ANN202 - test helper
    state = cc.RelationshipState(customer_id="C-1")
    history = []
    for event in events:
        outcome = cc.apply_event(state, event, policy=policy)
        state = outcome.state
        history.extend(outcome.records)
    return state, history


@given(legal_walks())
def test_replay_equals_folding_apply_event(events: list[cc.Event]) -> None:
    """replay() gives the same state and history as applying one by one."""
    state, history = _fold(events, cc.relationship.DEFAULT_POLICY)
    result = cc.replay(events, initial=cc.RelationshipState(customer_id="C-1"))
    assert result.state == state
    assert list(result.history) == history
    assert (
        cc.relationship.replay_many(events)["C-1"].state == state
        if events
        else True
    )


@given(legal_walks(), st.data())
def test_inputs_never_mutated_and_outcomes_deterministic(
    events: list[cc.Event], data: st.DataObject
) -> None:
    """Applying an event changes neither input; same inputs, same outcome."""
    state, _ = _fold(events, cc.relationship.DEFAULT_POLICY)
    kinds = [a.kind for a in cc.relationship.available_events(state)]
    kind = data.draw(st.sampled_from(kinds))
    extra = {
        "complaint_filed": {"severity": "high"},
        "complaint_resolved": {"satisfied": data.draw(st.booleans())},
        "dissatisfaction_signal": {"score": 0.9, "source": "nps"},
        "account_closed": {"reason": "price"},
    }.get(kind, {})
    day = 20_000
    event = ev(kind, day, **extra)
    state_json, event_json = state.model_dump_json(), event.model_dump_json()
    first = cc.apply_event(state, event)
    second = cc.apply_event(state, event)
    assert state.model_dump_json() == state_json
    assert event.model_dump_json() == event_json
    assert first == second


def _check_valid(
    state: cc.RelationshipState, policy: cc.relationship.Policy
) -> None:
    copy = cc.RelationshipState.model_validate(state.model_dump())
    assert copy == state
    assert state.loyalty in policy.ladder
    assert state.peak_loyalty.rank >= state.loyalty.rank
    assert cc.relationship.available_events(state, policy=policy)
    bought = state.purchases > 0
    assert bought == (state.lifecycle is not cc.LifecycleStage.ACQUISITION)
    assert bought == state.loyalty.info.is_actual_customer


@given(legal_walks())
def test_walks_never_reach_an_invalid_or_trapped_state(
    events: list[cc.Event],
) -> None:
    """Under the default policy every reachable state is valid and open."""
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        state = cc.apply_event(state, event).state
        _check_valid(state, cc.relationship.DEFAULT_POLICY)


@given(st.data())
def test_walks_under_random_policies_stay_valid(data: st.DataObject) -> None:
    """Any valid thresholds keep every reachable state valid and open."""
    policy = data.draw(policies())
    events = data.draw(legal_walks(policy=policy, max_steps=25))
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        state = cc.apply_event(state, event, policy=policy).state
        _check_valid(state, policy)


@given(event_histories())
def test_every_held_or_refused_event_explains_itself(
    events: list[cc.Event],
) -> None:
    """Random events are applied, held with reasons, or refused, explained."""
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        explanation = cc.relationship.explain(state, event)
        err = explanation.error
        if isinstance(err, EventTransitionError):
            assert not explanation.legal
            assert event.kind not in err.allowed
            kinds = tuple(
                a.kind for a in cc.relationship.available_events(state)
            )
            assert err.allowed == kinds
            assert repr(event.kind) in str(err)
            continue
        outcome = cc.apply_event(state, event)
        assert outcome == explanation.outcome
        for held in outcome.held:
            assert held.failed
            assert all(not check.passed for check in held.failed)
            assert held.rule_id in held.explain()
        moved = {r.dimension for r in outcome.records}
        assert not moved & {h.dimension for h in outcome.held}
        state = outcome.state


@given(legal_walks())
def test_records_round_trip_through_json(events: list[cc.Event]) -> None:
    """Every transition record and state survives JSON unchanged."""
    result = cc.replay(events, initial=cc.RelationshipState(customer_id="C-1"))
    for record in result.history:
        copy = cc.relationship.TransitionRecord.model_validate_json(
            record.model_dump_json()
        )
        assert copy == record
    state = result.state
    assert cc.RelationshipState.model_validate_json(
        state.model_dump_json()
    ) == (state)


# --- kept decisions ---------------------------------------------------------


def _unguarded(
    event: str, sources: tuple[str, ...], target: str, dimension: str
) -> cc.relationship.Rule:
    """An unguarded rule, whose decision depends only on the stages."""
    return cc.relationship.Rule(
        id=f"{dimension}.test_{event}",
        event=event,
        dimension=dimension,
        sources=sources,
        target=target,
        reason_code=f"test_{event}",
    )


# Unguarded rules, tried first, for every kind of move the default rules
# only make behind guards: into trouble from a healthy stage or from
# trouble, out of trouble, one rung down, into win-back, and back to the
# stage a customer was in before trouble.
EAGER = cc.relationship.DEFAULT_POLICY.with_rules(
    _unguarded(
        "complaint_filed",
        ("welcome", "getting_to_know", "account_management"),
        "intensive_care",
        "lifecycle",
    ),
    _unguarded(
        "dissatisfaction_signal",
        ("intensive_care",),
        "potential_divorce",
        "lifecycle",
    ),
    _unguarded(
        "interest_shown", ("potential_divorce",), "welcome", "lifecycle"
    ),
    _unguarded(
        "inactivity_observed",
        ("client", "advocate"),
        "one_rung_down",
        "loyalty",
    ),
    _unguarded("win_back_attempted", ("divorce",), "win_back", "lifecycle"),
    _unguarded(
        "complaint_resolved", ("intensive_care",), "resume", "lifecycle"
    ),
    first=True,
)


def _or_error(call, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    """What a call returns, or the type and message of the error it raises."""
    try:
        return call(*args, **kwargs)
    except (InvalidTransitionError, InvariantError, OutOfOrderEventError) as e:
        return type(e), str(e)


@pytest.mark.parametrize(
    "fixed",
    [cc.relationship.DEFAULT_POLICY, EAGER, None],
    ids=["default", "eager", "random"],
)
@given(data=st.data())
def test_moves_are_the_rules_that_fire(
    fixed: cc.relationship.Policy | None, data: st.DataObject
) -> None:
    """Any event on a reachable state moves by the rules explain() fires."""
    policy = fixed or data.draw(policies())
    state = cc.RelationshipState(customer_id="C-1")
    for step in data.draw(legal_walks(policy=policy, max_steps=12)):
        kind = data.draw(st.sampled_from(cc.relationship.EVENT_KINDS))
        gap = timedelta(days=data.draw(st.integers(0, 400)))
        fields = data.draw(_event_fields(kind))
        event = _build_event(fields, "C-1", step.occurred_at + gap)
        explanation = cc.relationship.explain(state, event, policy=policy)
        outcome = _or_error(cc.apply_event, state, event, policy=policy)
        if explanation.outcome is None:
            assert outcome == (type(explanation.error), str(explanation.error))
        else:
            moved = [
                c.rule.id
                for c in explanation.candidates
                if c.fired and not c.rule.is_stay
            ]
            assert [r.rule_id for r in outcome.records] == moved
            assert outcome == explanation.outcome
            _assert_checks_explained(outcome, explanation)
        state = cc.apply_event(state, step, policy=policy).state


def _assert_checks_explained(
    outcome: cc.relationship.Outcome, explanation: cc.relationship.Explanation
) -> None:
    """Records and held rules carry the guard checks explain() reads."""
    checks = {c.rule.id: c.checks for c in explanation.candidates}
    assert [r.guards for r in outcome.records] == [
        checks[r.rule_id] for r in outcome.records
    ]
    fired_in = {c.rule.dimension for c in explanation.candidates if c.fired}
    assert [(h.rule_id, h.failed) for h in outcome.held] == [
        (c.rule.id, tuple(check for check in c.checks if not check.passed))
        for c in explanation.candidates
        if c.rule.dimension not in fired_in
        and not all(check.passed for check in c.checks)
    ]


def test_kept_guarded_decisions_report_each_events_own_checks():
    """Events deciding alike under guards still show their own observations."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        client_min_purchases=5
    )
    state = cc.replay([*WELCOME], policy=policy).state
    for day, purchases in zip(range(3, 6), range(2, 5), strict=True):
        out = cc.apply_event(state, ev("repeat_purchase", day), policy=policy)
        assert out.records == ()
        (held,) = out.held
        assert [c.observed for c in held.failed] == [purchases]
        state = out.state
    for severity in ("high", "critical", "high"):
        out = cc.apply_event(
            state,
            ev("complaint_filed", 9, severity=severity),
            policy=policy,
        )
        (record,) = out.records
        assert record.to_stage.value == "intensive_care"
        assert [c.observed for c in record.guards] == [
            cc.Severity(severity).rank
        ]


def _seen(result: object) -> object:
    """A replay's answer or error as plain values (errors compare by id)."""
    if not isinstance(result, cc.relationship.Replay):
        return result
    return (
        result.state,
        result.history,
        result.applied,
        result.duplicates,
        [
            (r.index, r.event, type(r.error), str(r.error))
            for r in result.rejected
        ],
    )


@given(event_histories())
def test_replay_is_replay_many_for_one_customer(
    events: list[cc.Event],
) -> None:
    """replay() and replay_many() refuse and collect the same events."""
    initial = cc.RelationshipState(customer_id="C-1")
    for on_error in ("collect", "raise"):
        one = _or_error(cc.replay, events, initial=initial, on_error=on_error)
        many = _or_error(
            cc.relationship.replay_many,
            events,
            initial={"C-1": initial},
            on_error=on_error,
        )
        if isinstance(many, dict):
            many = many["C-1"]
        assert _seen(one) == _seen(many)


def test_replay_refuses_a_second_customer_even_when_collecting():
    """A one-customer replay raises on another customer's event."""
    events = [ev("interest_shown", 0), ev("interest_shown", 1, "C-2")]
    with pytest.raises(InvariantError, match="is for customer 'C-2'"):
        cc.replay(events, on_error="collect")
    with pytest.raises(InvariantError, match="the state is customer 'C-9'"):
        cc.replay(
            events[:1],
            initial=cc.RelationshipState(customer_id="C-9"),
            on_error="collect",
        )


def _customer(**fields: object) -> cc.RelationshipState:
    """A customer in getting to know, bought once, plus ``fields``."""
    when = T0 + timedelta(days=1)
    return cc.RelationshipState.model_validate(
        {
            "customer_id": "C-1",
            "loyalty": "customer",
            "peak_loyalty": "customer",
            "lifecycle": "getting_to_know",
            "purchases": 1,
            "last_event_at": when,
            "last_activity_at": when,
            **fields,
        }
    )


CARE_STATE = {
    "loyalty": "client",
    "peak_loyalty": "client",
    "lifecycle": "intensive_care",
    "open_complaints": 1,
}
DIVORCE_STATE = {
    "lifecycle": "divorce",
    "departed_at": T0 + timedelta(days=1),
    "departure_reason": "price",
}
DAY_3 = T0 + timedelta(days=3)
LATE = {"last_event_at": T0 + timedelta(days=5)}
# Two events on states with the same stages and peak rung, so one decision
# key, where the state or the event decides: what the first decided must
# not be reused for the second, which ends with the fields given.
SAME_KEY = [
    (
        "guarded",
        cc.relationship.DEFAULT_POLICY,
        (_customer(purchases=1), ev("repeat_purchase", 3)),
        (_customer(purchases=2), ev("repeat_purchase", 3)),
        {"loyalty": cc.LoyaltyStage.CLIENT},
    ),
    (
        "counter-down",
        cc.relationship.DEFAULT_POLICY,
        (
            _customer(lifecycle="account_management"),
            ev("complaint_resolved", 3, satisfied=True),
        ),
        (
            _customer(lifecycle="account_management", open_complaints=2),
            ev("complaint_resolved", 3, satisfied=True),
        ),
        {"open_complaints": 1},
    ),
    (
        "into-divorce",
        cc.relationship.DEFAULT_POLICY,
        (_customer(), ev("account_closed", 3, reason="price")),
        (_customer(), ev("account_closed", 3, reason="new_job")),
        {"departure_reason": cc.relationship.DepartureReason.NEW_JOB},
    ),
    (
        "divorce-again",
        cc.relationship.DEFAULT_POLICY,
        (
            _customer(**{**DIVORCE_STATE, "lifecycle": "win_back"}),
            ev("win_back_declined", 3),
        ),
        (_customer(lifecycle="win_back"), ev("win_back_declined", 3)),
        {
            "departed_at": DAY_3,
            "departure_reason": cc.relationship.DepartureReason.UNKNOWN,
        },
    ),
    (
        "back-from-divorce",
        cc.relationship.DEFAULT_POLICY,
        (_customer(**DIVORCE_STATE), ev("reactivated", 3)),
        (_customer(**DIVORCE_STATE, win_backs=2), ev("reactivated", 3)),
        {"win_backs": 3},
    ),
    (
        "resume",
        EAGER,
        (
            _customer(**CARE_STATE, resume_lifecycle="welcome"),
            ev("complaint_resolved", 3, satisfied=True),
        ),
        (
            _customer(**CARE_STATE, resume_lifecycle="account_management"),
            ev("complaint_resolved", 3, satisfied=True),
        ),
        {"lifecycle": cc.LifecycleStage.ACCOUNT_MANAGEMENT},
    ),
    (
        "same-instant",
        cc.relationship.DEFAULT_POLICY,
        (_customer(), ev("needs_profiled", 3, event_id="E-1")),
        (
            _customer(
                last_event_at=DAY_3,
                last_events=(ev("needs_profiled", 3, event_id="E-0"),),
            ),
            ev("needs_profiled", 3, event_id="E-1"),
        ),
        {
            "last_events": (
                ev("needs_profiled", 3, event_id="E-0"),
                ev("needs_profiled", 3, event_id="E-1"),
            )
        },
    ),
    (
        "older",
        cc.relationship.DEFAULT_POLICY.with_thresholds(
            allow_out_of_order=True
        ),
        (_customer(), ev("interest_shown", 3)),
        (_customer(**LATE), ev("interest_shown", 3)),
        {**LATE, "last_activity_at": DAY_3},
    ),
]


@pytest.mark.parametrize(
    ("policy", "first", "second", "expected"),
    [case[1:] for case in SAME_KEY],
    ids=[case[0] for case in SAME_KEY],
)
def test_decisions_follow_the_state_not_only_the_stages(
    policy: cc.relationship.Policy,
    first: tuple[cc.RelationshipState, cc.Event],
    second: tuple[cc.RelationshipState, cc.Event],
    expected: dict[str, object],
) -> None:
    """An event decided once is decided afresh where the state decides."""
    cc.apply_event(*first, policy=policy)
    state = cc.apply_event(*second, policy=policy).state
    assert {name: getattr(state, name) for name in expected} == expected


def test_a_redelivered_event_explains_what_it_did():
    """explain() on a redelivery shows the rules it fired, if still legal."""
    first = ev("first_purchase", 1, event_id="E-1")
    state = cc.apply_event(after(ev("interest_shown", 0)), first).state
    gone = cc.relationship.explain(state, first)
    assert gone.outcome is not None
    assert gone.outcome.duplicate
    assert (gone.legal, gone.candidates) == (False, ())
    noted = ev("needs_profiled", 2, event_id="E-2")
    again = cc.relationship.explain(cc.apply_event(state, noted).state, noted)
    assert again.outcome is not None
    assert again.outcome.duplicate
    assert [c.rule.id for c in again.candidates if c.fired] == [
        "lifecycle.needs_noted"
    ]


def test_many_policies_in_turn_decide_alike():
    """A policy used again after many others decides as it did."""
    state = after(ev("interest_shown", 0))
    event = ev("first_purchase", 1)
    policies_ = [
        cc.relationship.DEFAULT_POLICY.with_thresholds(
            win_back_window_days=5000 + days
        )
        for days in range(70)
    ]
    outcomes = [cc.apply_event(state, event, policy=p) for p in policies_]
    again = [cc.apply_event(state, event, policy=p) for p in policies_]
    assert again == outcomes
    assert len({o.policy_fingerprint for o in outcomes}) == len(policies_)
