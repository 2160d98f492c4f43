"""The engine's per-event shortcuts give what the general forms give."""

from __future__ import annotations

from typing import Any

from hypothesis import given

import customer_centric as cc
from customer_centric.relationship import _engine as engine
from customer_centric.relationship._policy import compiled
from strategies import legal_walks


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
