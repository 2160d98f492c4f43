"""Where each customer stands, and how events move them.

Customers climb the loyalty ladder (suspect, prospect, customer, client,
advocate; Christopher, Payne & Ballantyne 1991) and pass through the eight
stages of the relationship lifecycle (Stone & Woodcock). This area holds the
events that move them, the relationship state, the policy of rules and
guards, the engine that applies an event and explains every decision, the
playbook of recommended actions, the loyalty funnel and the mappings to CRM
stage names, the events that time alone makes due, and the journeys
read from replayed histories (time in stage, flows, velocity, cohorts).
"""

from __future__ import annotations

from customer_centric._stages import (
    DepartureReason,
    StageGroup,
    StageInfo,
)
from customer_centric.relationship._crm import (
    ArtsRelationshipStage,
    HubSpotLifecycleStage,
    to_arts,
    to_hubspot,
)
from customer_centric.relationship._due import (
    DueEvent,
    NextDue,
    due_events,
    due_events_many,
    next_due,
    next_due_many,
)
from customer_centric.relationship._engine import (
    AvailableEvent,
    Explanation,
    HeldRule,
    OnError,
    Outcome,
    Rejection,
    Replay,
    RuleCheck,
    apply_event,
    available_events,
    explain,
    replay,
    replay_many,
)
from customer_centric.relationship._events import (
    EVENT_KINDS,
    AccountClosed,
    ComplaintFiled,
    ComplaintResolved,
    DissatisfactionSignal,
    Event,
    EventKind,
    FirstPurchase,
    InactivityObserved,
    InterestShown,
    NeedsProfiled,
    Reactivated,
    ReferralMade,
    RepeatPurchase,
    WinBackAttempted,
    WinBackDeclined,
    parse_event,
)
from customer_centric.relationship._funnel import (
    FunnelRung,
    LoyaltyFunnel,
    loyalty_funnel,
)
from customer_centric.relationship._journeys import (
    MixPoint,
    StageFlow,
    StageFlows,
    StageMix,
    StageReach,
    StageTime,
    StageVelocity,
    TimeInStage,
    stage_flows,
    stage_mix,
    stage_velocity,
    time_in_stage,
)
from customer_centric.relationship._labels import (
    reason_label,
)
from customer_centric.relationship._playbook import (
    SEGMENT_ACTIONS,
    Action,
    playbook_action,
    recommended_actions,
    segment_actions,
)
from customer_centric.relationship._policy import (
    DEFAULT_POLICY,
    Dimension,
    Guard,
    Policy,
    Rule,
    Stage,
)
from customer_centric.relationship._policy_files import (
    PolicySyntax,
    load_policy,
)
from customer_centric.relationship._rules_doc import (
    render_rules,
)
from customer_centric.relationship._state import (
    GuardCheck,
    RelationshipState,
    TransitionRecord,
)
from customer_centric.relationship._whatif import (
    Divergence,
    PolicyComparison,
    StageMatrix,
    compare_policies,
)

__all__ = [
    "DEFAULT_POLICY",
    "EVENT_KINDS",
    "SEGMENT_ACTIONS",
    "AccountClosed",
    "Action",
    "ArtsRelationshipStage",
    "AvailableEvent",
    "ComplaintFiled",
    "ComplaintResolved",
    "DepartureReason",
    "Dimension",
    "DissatisfactionSignal",
    "Divergence",
    "DueEvent",
    "Event",
    "EventKind",
    "Explanation",
    "FirstPurchase",
    "FunnelRung",
    "Guard",
    "GuardCheck",
    "HeldRule",
    "HubSpotLifecycleStage",
    "InactivityObserved",
    "InterestShown",
    "LoyaltyFunnel",
    "MixPoint",
    "NeedsProfiled",
    "NextDue",
    "OnError",
    "Outcome",
    "Policy",
    "PolicyComparison",
    "PolicySyntax",
    "Reactivated",
    "ReferralMade",
    "Rejection",
    "RelationshipState",
    "RepeatPurchase",
    "Replay",
    "Rule",
    "RuleCheck",
    "Stage",
    "StageFlow",
    "StageFlows",
    "StageGroup",
    "StageInfo",
    "StageMatrix",
    "StageMix",
    "StageReach",
    "StageTime",
    "StageVelocity",
    "TimeInStage",
    "TransitionRecord",
    "WinBackAttempted",
    "WinBackDeclined",
    "apply_event",
    "available_events",
    "compare_policies",
    "due_events",
    "due_events_many",
    "explain",
    "load_policy",
    "loyalty_funnel",
    "next_due",
    "next_due_many",
    "parse_event",
    "playbook_action",
    "reason_label",
    "recommended_actions",
    "render_rules",
    "replay",
    "replay_many",
    "segment_actions",
    "stage_flows",
    "stage_mix",
    "stage_velocity",
    "time_in_stage",
    "to_arts",
    "to_hubspot",
]
