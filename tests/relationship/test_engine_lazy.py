"""The engine's fast path: what an outcome builds when read, and equality."""

from datetime import UTC, datetime, timedelta

import attrs
import pytest
from hypothesis import given

import customer_centric as cc
from customer_centric.relationship._policy import compiled
from strategies import legal_walks

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _state(**fields: object) -> cc.RelationshipState:
    """A state of customer C-1, last seen at T0."""
    return cc.RelationshipState.model_validate(
        {"customer_id": "C-1", "last_event_at": T0, **fields}
    )


def _buy(day: int) -> cc.relationship.RepeatPurchase:
    return cc.relationship.RepeatPurchase(
        customer_id="C-1", occurred_at=T0 + timedelta(days=day)
    )


CUSTOMER = {"loyalty": "customer", "peak_loyalty": "customer"}
# Twice the same key (event kind and stages), with guards that fail, then
# pass: the second state's guard results are new to the kept plans.
HELD_THEN_MOVED = (
    _state(**CUSTOMER, lifecycle="getting_to_know", purchases=1),
    _state(**CUSTOMER, lifecycle="getting_to_know", purchases=2),
)


def _fresh_policy() -> cc.relationship.Policy:
    """The default policy with no decision kept yet."""
    policy = cc.relationship.DEFAULT_POLICY
    compiled(policy).plans.clear()
    return policy


def test_outcomes_explain_alike_on_every_path() -> None:
    """A decided, a kept and a newly met guard result explain alike."""
    policy = _fresh_policy()
    held_state, moving_state = HELD_THEN_MOVED
    decided = cc.apply_event(held_state, _buy(1), policy=policy)
    kept = cc.apply_event(held_state, _buy(1), policy=policy)
    assert kept == decided
    assert hash(kept) == hash(decided)
    assert [h.rule_id for h in kept.held] == [
        "loyalty.client",
        "lifecycle.account_management",
    ]
    assert [c.observed for h in kept.held for c in h.failed] == [2, 2]
    assert not kept.changed
    moved_first = cc.apply_event(moving_state, _buy(1), policy=policy)
    moved_kept = cc.apply_event(moving_state, _buy(1), policy=policy)
    assert moved_kept == moved_first
    assert [r.to_stage.value for r in moved_kept.records] == [
        "client",
        "account_management",
    ]
    assert [c.observed for r in moved_kept.records for c in r.guards] == [
        3,
        3,
    ]
    assert moved_kept.held == ()
    assert moved_kept.changed


def test_a_kept_plan_reads_each_events_own_guard_values() -> None:
    """Held rules show the values the event applied read, not the first."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        client_min_purchases=9, supporter_min_purchases=12
    )
    observed = []
    for purchases in range(1, 5):
        out = cc.apply_event(
            _state(**CUSTOMER, lifecycle="welcome", purchases=purchases),
            _buy(purchases),
            policy=policy,
        )
        (held,) = out.held
        observed.append(held.failed[0].observed)
    assert observed == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (HELD_THEN_MOVED[0], _buy(1)),
        (HELD_THEN_MOVED[1], _buy(1)),
        (
            _state(**CUSTOMER, lifecycle="welcome", purchases=1),
            cc.relationship.InterestShown(
                customer_id="C-1", occurred_at=T0 + timedelta(days=1)
            ),
        ),
    ],
    ids=["held", "guarded-move", "stay"],
)
def test_outcome_equals_explained_outcome(
    state: cc.RelationshipState, event: cc.Event
) -> None:
    """The fast path's outcome equals the one explain() builds afresh."""
    cc.apply_event(state, event)  # keeps the plan, if not kept yet
    fast = cc.apply_event(state, event)
    explained = cc.relationship.explain(state, event).outcome
    assert fast == explained
    assert fast.records == explained.records
    assert fast.held == explained.held
    assert repr(fast) == repr(explained)


def test_outcomes_are_frozen() -> None:
    """Neither a decided nor a kept plan's outcome can be changed."""
    state, policy = HELD_THEN_MOVED[0], _fresh_policy()
    decided = cc.apply_event(state, _buy(1), policy=policy)
    kept = cc.apply_event(state, _buy(1), policy=policy)
    for out in (decided, kept):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            out.state = state  # type: ignore[misc]
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            del out.event  # type: ignore[misc]
        assert out.state.purchases == 2


def test_outcome_equality_is_by_answer() -> None:
    """Outcomes differ by state, by duplication, and from other types."""
    state = HELD_THEN_MOVED[0]
    out = cc.apply_event(state, _buy(1))
    other = cc.apply_event(HELD_THEN_MOVED[1], _buy(1))
    assert out != other
    assert out != "an outcome"
    assert out.__eq__("an outcome") is NotImplemented
    assert len({out, cc.apply_event(state, _buy(1)), other}) == 2


@given(legal_walks())
def test_a_walk_applied_twice_per_event_answers_alike(
    events: list[cc.Event],
) -> None:
    """Each event's kept-plan outcome equals its first, audit included."""
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        first = cc.apply_event(state, event)
        again = cc.apply_event(state, event)
        assert again == first
        assert again.records == first.records
        assert again.held == first.held
        state = first.state
