"""The engine's per-event shortcuts give what the general forms give."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given

import customer_centric as cc
from customer_centric import _trusted
from customer_centric.relationship import _engine as engine
from customer_centric.relationship._policy import compiled
from strategies import legal_walks

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _state() -> cc.RelationshipState:
    return cc.RelationshipState(
        customer_id="C-1",
        loyalty="customer",
        peak_loyalty="client",
        lifecycle="welcome",
        purchases=3,
        last_event_at=T0,
        loyalty_since=T0,
    )


def _taken(
    take: _trusted.Taker[cc.RelationshipState], fields_set: set[str]
) -> cc.RelationshipState:
    made = take((dict(_state().__dict__), None, fields_set))
    assert isinstance(made, cc.RelationshipState)
    return made


def test_a_state_taken_in_parts_equals_the_validated_one() -> None:
    """The fast path's one call builds the record validation would."""
    take, fields_set = _trusted.taking(cc.RelationshipState)
    assert fields_set == set(cc.RelationshipState.model_fields)
    made = _taken(take, fields_set)
    assert made == _state()
    assert made.model_fields_set == fields_set
    assert made.model_dump() == _state().model_dump()
    assert made.model_copy(update={"purchases": 4}).purchases == 4
    assert made.purchases == 3


class _Refusing:
    """A validator that refuses what the fast form hands it."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def validate_python(self, value: object) -> object:
        msg = f"cannot validate {type(value).__name__}"
        raise TypeError(msg)


def test_a_pydantic_core_without_the_fast_form_still_takes_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The documented form takes the same parts and builds the same."""
    monkeypatch.setattr(_trusted, "SchemaValidator", _Refusing)
    assert _trusted._parts_form(cc.RelationshipState) is None
    monkeypatch.undo()
    monkeypatch.setattr(_trusted, "_parts_form", lambda _cls: None)
    take, fields_set = _trusted.taking.__wrapped__(cc.RelationshipState)
    assert fields_set == set(cc.RelationshipState.model_fields)
    assert _taken(take, fields_set) == _state()


def _guarded_rules(kind: str) -> list[Any]:
    """Every guarded rule of the default policy for an event kind."""
    table = compiled(cc.relationship.DEFAULT_POLICY).table
    return [
        rule
        for (of_kind, _), rules in table.items()
        if of_kind == kind
        for rule in rules
        if rule.tests
    ]


@given(legal_walks())
def test_guard_verdicts_agree_with_the_guard_checks(
    events: list[cc.Event],
) -> None:
    """Each rule's verdict is whether all its checks pass, on any values.

    The verdicts read counters without their metric's call; the checks
    (what records and held rules show) read every metric through it.
    """
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        rules = _guarded_rules(event.kind)
        values = engine._written(
            state.__dict__, engine._counting(state.__dict__, event), event
        )
        verdicts = engine._verdicts(rules, values, event)
        assert verdicts == tuple(
            all(check[-1] for check in engine._observe(rule, values, event))
            for rule in rules
        )
        state = cc.apply_event(state, event).state


@given(legal_walks())
def test_kept_plans_give_what_the_step_decides(
    events: list[cc.Event],
) -> None:
    """The first and the kept outcome of each event equal the step's own.

    The kept path writes a moving plan's base and then its rest on the
    values the guards read; the step writes the whole plan afresh.
    """
    policy = cc.relationship.DEFAULT_POLICY
    fingerprint = compiled(policy).fingerprint
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        current = state.__dict__
        plan = engine._decide(current, event, policy)
        decided = engine._outcome(
            engine._state_from(engine._written(current, plan, event)),
            plan,
            current if plan.guarded else None,
            event,
            fingerprint,
        )
        first = cc.apply_event(state, event)
        assert first == decided
        assert cc.apply_event(state, event) == decided
        assert first.records == decided.records
        assert first.held == decided.held
        state = first.state
