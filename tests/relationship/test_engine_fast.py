"""The engine's per-event shortcuts give what the general forms give."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
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


def _decided(
    state: cc.RelationshipState,
    event: cc.Event,
    policy: cc.relationship.Policy,
) -> engine.Outcome:
    """The outcome of the step itself, decided afresh."""
    current = state.__dict__
    plan = engine._decide(current, event, policy)
    return engine._outcome(
        engine._state_from(engine._written(current, plan, event)),
        plan,
        current if plan.guarded else None,
        event,
        compiled(policy).fingerprint,
    )


def _applied_as_decided(
    events: list[cc.Event], policy: cc.relationship.Policy
) -> None:
    """Each event's first and kept outcome equal the step's own."""
    state = cc.RelationshipState(customer_id="C-1")
    for event in events:
        decided = _decided(state, event, policy)
        first = cc.apply_event(state, event, policy=policy)
        assert first == decided
        assert cc.apply_event(state, event, policy=policy) == decided
        assert first.records == decided.records
        assert first.held == decided.held
        assert first.changed is decided.changed
        state = first.state


@given(legal_walks())
def test_kept_plans_give_what_the_step_decides(
    events: list[cc.Event],
) -> None:
    """The first and the kept outcome of each event equal the step's own.

    The kept path finds a guarded key's plan by the counts before the
    event, or by the guard results read on the values with the event
    counted, and writes it whole; the step decides afresh.
    """
    _applied_as_decided(events, cc.relationship.DEFAULT_POLICY)


def _day(n: int) -> datetime:
    return datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n)


def _guarded_kept(policy: cc.relationship.Policy) -> list[engine._Guarded]:
    return [
        kept
        for kept in compiled(policy).plans.values()
        if isinstance(kept, engine._Guarded)
    ]


def _buyer(repeat_days: Iterable[int]) -> list[cc.Event]:
    """C-1's first purchase (day 1), needs profiled (day 2), repeats."""
    return [
        cc.relationship.FirstPurchase(customer_id="C-1", occurred_at=_day(1)),
        cc.relationship.NeedsProfiled(customer_id="C-1", occurred_at=_day(2)),
        *(
            cc.relationship.RepeatPurchase(
                customer_id="C-1", occurred_at=_day(day)
            )
            for day in repeat_days
        ),
    ]


def test_counter_guards_keep_plans_by_counts_up_to_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key whose guards read counters keeps plans by at most so many counts.

    Twenty purchases of a client on the way to supporter meet one key
    with a new count each time; past the bound the plan is found by the
    guard results, and every outcome is still the step's own.
    """
    monkeypatch.setattr(engine, "_MAX_COUNTED", 4)
    # A threshold of its own: a policy whose plans no other test keeps.
    policy = cc.relationship.Policy.default(supporter=True).with_thresholds(
        supporter_min_purchases=40
    )
    events = _buyer(range(3, 23))
    _applied_as_decided(events, policy)
    kept = _guarded_kept(policy)
    assert kept
    assert all(k.counted is not None for k in kept)
    sizes = [len(k.counted[1]) for k in kept if k.counted is not None]
    assert max(sizes) == 4


def test_guards_on_an_events_values_keep_plans_by_results_only() -> None:
    """A key whose guards read the event (a severity) keeps no counts."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        intensive_care_open_complaints=3
    )
    events: list[cc.Event] = [
        *_buyer((3, 4)),
        *(
            cc.relationship.ComplaintFiled(
                customer_id="C-1", occurred_at=_day(day), severity=severity
            )
            for day, severity in ((5, "low"), (6, "medium"), (7, "high"))
        ),
    ]
    _applied_as_decided(events, policy)
    by_severity = [
        k for k in _guarded_kept(policy) if k.base.counter == "open_complaints"
    ]
    assert by_severity
    assert all(k.counted is None for k in by_severity)


def _kept_plans(policy: cc.relationship.Policy) -> list[engine._Plan]:
    """Every plan the policy's compiled form keeps, by key or by guards."""
    plans: list[engine._Plan] = []
    for kept in compiled(policy).plans.values():
        if isinstance(kept, engine._Guarded):
            plans.extend(kept.plans.values())
            if kept.counted is not None:
                plans.extend(kept.counted[1].values())
        else:
            plans.append(kept)
    return plans


@given(legal_walks())
def test_kept_plans_stamp_four_fields(events: list[cc.Event]) -> None:
    """A kept plan stamps four fields, last_event_at first and repeated.

    The fast path writes a kept plan's times by one chained assignment of
    four fields.
    """
    policy = cc.relationship.DEFAULT_POLICY
    _applied_as_decided(events, policy)
    for plan in _kept_plans(policy):
        distinct = tuple(dict.fromkeys(plan.stamped))
        padding = engine._MOST_STAMPED - len(distinct)
        assert distinct[0] == "last_event_at"
        assert plan.stamped == (*distinct, *("last_event_at",) * padding)
