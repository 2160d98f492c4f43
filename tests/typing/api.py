"""Exercises the public API for the type checkers; never executed."""

from __future__ import annotations

import customer_centric as cc

error: type[ValueError] = cc.exceptions.PolicyError

# --- customers and relationships (A1) ---------------------------------------
from datetime import UTC, datetime  # noqa: E402

when = datetime(2025, 1, 1, tzinfo=UTC)
customer: cc.Customer = cc.Customer.from_facts(
    "C-1", is_employee=False, buys_for_resale=True
)
kind_of: cc.CustomerType = customer.type
state: cc.RelationshipState = cc.RelationshipState(
    customer_id=cc.CustomerId("C-1")
)
event: cc.Event = cc.parse_event('{"kind": "interest_shown"}')
purchase = cc.FirstPurchase(customer_id=cc.CustomerId("C-1"), occurred_at=when)
outcome: cc.Outcome = cc.apply_event(state, purchase, policy=cc.DEFAULT_POLICY)
moved: bool = outcome.changed
records: tuple[cc.TransitionRecord, ...] = outcome.records
held: tuple[cc.HeldRule, ...] = outcome.held
loyalty: cc.LoyaltyStage = outcome.state.loyalty
lifecycle: cc.LifecycleStage = outcome.state.lifecycle
actual: bool = outcome.state.is_actual_customer
history: cc.Replay = cc.replay([purchase], on_error="collect")
many: dict[cc.CustomerId, cc.Replay] = cc.replay_many([purchase])
kinds: list[cc.EventKind] = [a.kind for a in cc.available_events(state)]
why: cc.Explanation = cc.explain(state, purchase)
policy: cc.Policy = cc.DEFAULT_POLICY.with_thresholds(client_min_purchases=4)
fingerprint: str = policy.fingerprint
actions: tuple[cc.Action, ...] = cc.recommended_actions(state)
hubspot: cc.HubSpotLifecycleStage = cc.to_hubspot(state)
arts: cc.ArtsRelationshipStage = cc.to_arts(state)
page: str = cc.render_rules(policy)
info: cc.StageInfo = cc.LifecycleStage.WELCOME.info
situational: bool = cc.DepartureReason.NEW_JOB.is_situational
