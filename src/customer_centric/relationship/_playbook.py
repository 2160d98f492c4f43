"""Playbooks: the actions the sources recommend for each stage, as data.

Each lifecycle stage carries the actions of Stone & Woodcock's relationship
cycle as the Persian source ``000`` gives them (DESIGN §1.8); the complaint
figures behind intensive care and potential divorce come from TARP via the
source ``004``. Win-back actions depend on why the customer left. A loyalty
action names the next rung to nurture towards. A host application renders
them; nothing here sends or schedules anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, cast, final

import attrs

from customer_centric._checks import check_instance
from customer_centric._stages import (
    DepartureReason,
    LifecycleStage,
    LoyaltyStage,
)
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.relationship._state import RelationshipState, check_state

__all__ = [
    "SEGMENT_ACTIONS",
    "Action",
    "playbook_action",
    "recommended_actions",
    "segment_actions",
]

_CYCLE: Final = (
    "Stone & Woodcock's relationship cycle (Persian source 000, after Jafari)"
)
_TARP: Final = "TARP (1979/1986), via the Persian source 004"
_LADDER: Final = "Christopher, Payne & Ballantyne (1991); source 003"


@final
@attrs.frozen(kw_only=True)
class Action:
    """One recommended action for a customer's current stage.

    Attributes:
        code: A stable snake_case identifier a host application can key on.
        stage: The stage value the action belongs to.
        title: A short imperative title.
        detail: What to do and why, in the source's terms.
        source: Where the recommendation comes from.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import recommended_actions
        >>> a = recommended_actions(RelationshipState(customer_id="C-1"))[0]
        >>> a.code, a.stage
        ('target_prospects', 'acquisition')

    .. versionadded:: 0.1
    """

    code: str
    stage: str
    title: str
    detail: str
    source: str


def _a(stage: LifecycleStage, code: str, title: str, detail: str) -> Action:
    source = _TARP if code in _TARP_CODES else _CYCLE
    return Action(
        code=code, stage=stage.value, title=title, detail=detail, source=source
    )


_TARP_CODES: Final = frozenset({"resolve_fast", "find_silent_dissatisfaction"})
_C = LifecycleStage

_LIFECYCLE_ACTIONS: Final[dict[LifecycleStage, tuple[Action, ...]]] = {
    _C.ACQUISITION: (
        _a(
            _C.ACQUISITION,
            "target_prospects",
            "Reach prospects",
            "Attract potential customers through direct mail in its various "
            "forms and mass communication such as advertising.",
        ),
    ),
    _C.WELCOME: (
        _a(
            _C.WELCOME,
            "introduce_key_people",
            "Introduce the key people",
            "After the first purchase, tell the customer who the key people "
            "are for enquiries and product information.",
        ),
        _a(
            _C.WELCOME,
            "encourage_repeat_purchase",
            "Consolidate the buying habit",
            "Act to make the first purchase a repeated one.",
        ),
    ),
    _C.GETTING_TO_KNOW: (
        _a(
            _C.GETTING_TO_KNOW,
            "exchange_needs_and_plans",
            "Exchange information on needs and plans",
            "Learn the customer's current and future needs, plans and "
            "aspirations, and share what the firm can offer.",
        ),
        _a(
            _C.GETTING_TO_KNOW,
            "offer_at_the_right_time",
            "Offer the right product at the right time",
            "Use what you learned to offer suitable products as the "
            "customer's personal circumstances change.",
        ),
    ),
    _C.ACCOUNT_MANAGEMENT: (
        _a(
            _C.ACCOUNT_MANAGEMENT,
            "meet_more_needs",
            "Meet more of the customer's needs",
            "Manage the relationship reliably and develop it over time to "
            "meet more of the customer's needs.",
        ),
        _a(
            _C.ACCOUNT_MANAGEMENT,
            "nurture_advocacy",
            "Nurture advocacy",
            "Customers with a positive attitude may actively recommend the "
            "firm; few reach this stage, so manage them carefully to keep "
            "them for the long term.",
        ),
    ),
    _C.INTENSIVE_CARE: (
        _a(
            _C.INTENSIVE_CARE,
            "resolve_fast",
            "Resolve the problem fast",
            "Most complainants whose problem is resolved quickly stay; "
            "resolve the problem that threatens the relationship before it "
            "spreads (TARP: dissatisfied customers tell 9 to 10 others).",
        ),
        _a(
            _C.INTENSIVE_CARE,
            "protect_the_relationship",
            "Protect the relationship",
            "Problems are felt most in account management, where the "
            "customer uses several products and may be recommending the "
            "firm; give the case senior attention.",
        ),
    ),
    _C.POTENTIAL_DIVORCE: (
        _a(
            _C.POTENTIAL_DIVORCE,
            "find_silent_dissatisfaction",
            "Look for silent dissatisfaction",
            "Most dissatisfied customers never complain (only 4 to 6 % "
            "do); contact the customer and ask, rather than wait for a "
            "complaint.",
        ),
        _a(
            _C.POTENTIAL_DIVORCE,
            "act_before_they_leave",
            "Act before they leave",
            "If intensive care did not satisfy the customer, departure may "
            "be imminent; change the situation now.",
        ),
    ),
    _C.DIVORCE: (
        _a(
            _C.DIVORCE,
            "record_departure_reason",
            "Record why they left",
            "Whether a win-back can work depends on why the customer left; "
            "record the reason.",
        ),
        _a(
            _C.DIVORCE,
            "wait_then_reapproach",
            "Let things settle, then reapproach",
            "After the waters calm and some time passes, a departed customer "
            "can be brought back.",
        ),
    ),
    _C.WIN_BACK: (
        _a(
            _C.WIN_BACK,
            "bond_more_strongly",
            "Build a stronger bond than before",
            "A customer who is won back can be bound to the firm even more "
            "strongly than before.",
        ),
    ),
}

_SITUATIONAL_ACTION: Final = _a(
    _C.WIN_BACK,
    "reconnect_after_life_change",
    "Reconnect around the new circumstances",
    "The customer left for situational reasons (a new job or home); "
    "winning them back is easier: offer what fits their new situation.",
)
_DISSATISFIED_ACTION: Final = _a(
    _C.WIN_BACK,
    "fix_the_cause_first",
    "Fix the cause first",
    "The customer left dissatisfied with the service; winning them back is "
    "harder: acknowledge and fix what went wrong before asking them back.",
)
_VALUE_ACTION: Final = _a(
    _C.WIN_BACK,
    "show_the_value",
    "Show the value against the alternative",
    "The customer left over price or for a competitor; show what the firm "
    "offers that the alternative does not.",
)
_NO_ATTEMPT_ACTION: Final = _a(
    _C.WIN_BACK,
    "check_before_approaching",
    "Check before approaching",
    "The firm ended this relationship; approach only if the reason for "
    "ending it no longer holds.",
)

_BY_REASON: Final[dict[DepartureReason, Action]] = {
    DepartureReason.MOVED_HOME: _SITUATIONAL_ACTION,
    DepartureReason.NEW_JOB: _SITUATIONAL_ACTION,
    DepartureReason.LIFE_EVENT: _SITUATIONAL_ACTION,
    DepartureReason.SERVICE_FAILURE: _DISSATISFIED_ACTION,
    DepartureReason.DISSATISFACTION: _DISSATISFIED_ACTION,
    DepartureReason.PRICE: _VALUE_ACTION,
    DepartureReason.COMPETITOR: _VALUE_ACTION,
    DepartureReason.FIRM_TERMINATED: _NO_ATTEMPT_ACTION,
}

_NEXT_RUNG: Final[dict[LoyaltyStage, Action]] = {
    stage: Action(
        code=f"nurture_to_{target.value}",
        stage=stage.value,
        title=f"Nurture towards {target.info.label_en.lower()}",
        detail=detail,
        source=_LADDER,
    )
    for stage, target, detail in (
        (
            LoyaltyStage.SUSPECT,
            LoyaltyStage.PROSPECT,
            (
                "Suspects see the firm's marketing; give them a reason to "
                "show interest."
            ),
        ),
        (
            LoyaltyStage.PROSPECT,
            LoyaltyStage.CUSTOMER,
            (
                "Prospects know a little about the firm; help them to a first "
                "purchase."
            ),
        ),
        (
            LoyaltyStage.CUSTOMER,
            LoyaltyStage.CLIENT,
            (
                "Customers have not rejected the competition yet; raise their "
                "satisfaction so that they buy again."
            ),
        ),
        (
            LoyaltyStage.CLIENT,
            LoyaltyStage.ADVOCATE,
            (
                "Clients buy repeatedly; give them reasons and occasions to "
                "recommend the firm."
            ),
        ),
    )
}


def recommended_actions(state: RelationshipState, /) -> tuple[Action, ...]:
    """The sources' recommended actions for a customer's current stages.

    Lifecycle actions come first (for win-back, the action matching the
    departure reason leads), then the loyalty action towards the next rung
    while the customer is in a running relationship or not yet a customer.

    Args:
        state: The customer's state.

    Returns:
        The actions, most specific first.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import recommended_actions
        >>> s = RelationshipState(customer_id="C-1", loyalty="client",
        ...     peak_loyalty="client", purchases=5, lifecycle="win_back",
        ...     departure_reason="new_job",
        ...     departed_at="2025-01-01T00:00:00Z",
        ...     last_event_at="2025-02-01T00:00:00Z")
        >>> [a.code for a in recommended_actions(s)]
        ['reconnect_after_life_change', 'bond_more_strongly']
        >>> s = RelationshipState(customer_id="C-2")
        >>> [a.code for a in recommended_actions(s)]
        ['target_prospects', 'nurture_to_prospect']

    .. versionadded:: 0.1
    """
    check_state(state)
    actions = list(_LIFECYCLE_ACTIONS[state.lifecycle])
    if state.lifecycle is LifecycleStage.WIN_BACK:
        reason = state.departure_reason
        specific = _BY_REASON.get(reason) if reason is not None else None
        if specific is not None:
            actions.insert(0, specific)
    if state.lifecycle not in {
        LifecycleStage.DIVORCE,
        LifecycleStage.WIN_BACK,
    }:
        nurture = _NEXT_RUNG.get(state.loyalty)
        if nurture is not None:
            actions.append(nurture)
    return tuple(actions)


_EVERY_ACTION: Final[Mapping[str, Action]] = MappingProxyType(
    {
        action.code: action
        for action in (
            *(a for group in _LIFECYCLE_ACTIONS.values() for a in group),
            *_BY_REASON.values(),
            *_NEXT_RUNG.values(),
        )
    }
)


def playbook_action(code: str, /) -> Action:
    """The playbook's action with this code.

    Raises:
        InvariantError: No action has ``code``; the message lists the codes.
        ArgumentTypeError: ``code`` is not a string.

    Examples:
        >>> from customer_centric.relationship import playbook_action
        >>> playbook_action("resolve_fast").stage
        'intensive_care'

    .. versionadded:: 0.2
    """
    check_instance(code, str, name="code")
    if code not in _EVERY_ACTION:
        msg = (
            f"no playbook action {code!r}; the codes are "
            f"{', '.join(sorted(_EVERY_ACTION))}"
        )
        raise InvariantError(msg)
    return _EVERY_ACTION[code]


SEGMENT_ACTIONS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "Champions": ("nurture_advocacy",),
        "Loyal": ("meet_more_needs", "nurture_to_advocate"),
        "Potential loyalist": ("offer_at_the_right_time", "nurture_to_client"),
        "New": ("introduce_key_people", "encourage_repeat_purchase"),
        "Promising": ("encourage_repeat_purchase", "exchange_needs_and_plans"),
        "Need attention": (
            "exchange_needs_and_plans",
            "offer_at_the_right_time",
        ),
        "About to sleep": ("find_silent_dissatisfaction",),
        "At risk": ("find_silent_dissatisfaction", "act_before_they_leave"),
        "Can't lose them": ("act_before_they_leave", "resolve_fast"),
        "Hibernating": ("wait_then_reapproach",),
        "Lost": ("record_departure_reason", "wait_then_reapproach"),
        "Others": (),
    }
)
"""The playbook's action codes for each conventional RFM segment.

The segments are those of :data:`customer_centric.value.DEFAULT_SEGMENT_RULES`
(and ``"Others"``); each is read as the lifecycle situation it describes
and given that stage's actions from the playbook, a documented choice, not
a source's table: Champions are nurtured to advocacy; Loyal and Potential
loyalist customers are developed (account management, getting to know)
towards the next rung; New and Promising ones are welcomed into a buying
habit; Need attention is a relationship to get to know again; About to
sleep, At risk and Can't lose them are the silent drift of a potential
divorce (with an active fix for the valuable Can't lose them); Hibernating
and Lost customers have in effect left, so the divorce actions apply.
"""


def segment_actions(
    segment: str,
    /,
    *,
    mapping: Mapping[str, tuple[str, ...]] = SEGMENT_ACTIONS,
) -> tuple[Action, ...]:
    """The playbook actions an RFM segment calls for, read from ``mapping``.

    Args:
        segment: A segment name, e.g. from
            :func:`customer_centric.value.rfm_segments`.
        mapping: Segment names to playbook action codes; by default
            :data:`SEGMENT_ACTIONS`.

    Returns:
        The actions, in the order the mapping lists their codes.

    Raises:
        InvariantError: ``segment`` is not in ``mapping``, or the mapping
            names a code the playbook does not have.
        ArgumentTypeError: An argument of the wrong type.

    Examples:
        >>> from customer_centric.relationship import segment_actions
        >>> [a.title for a in segment_actions("At risk")]
        ['Look for silent dissatisfaction', 'Act before they leave']

    .. versionadded:: 0.2
    """
    check_instance(segment, str, name="segment")
    table = cast("object", mapping)
    if not isinstance(table, Mapping):
        what = "a mapping of segment names to action codes"
        raise ArgumentTypeError.for_argument("mapping", mapping, what)
    if segment not in mapping:
        known = ", ".join(repr(name) for name in mapping) or "none"
        msg = (
            f"no playbook actions for segment {segment!r}; known: {known}. "
            "Add it to the mapping"
        )
        raise InvariantError(msg)
    codes = cast("object", mapping[segment])
    if isinstance(codes, str) or not isinstance(codes, tuple | list):
        what = "a tuple of action codes"
        raise ArgumentTypeError.for_argument(
            f"mapping[{segment!r}]", codes, what
        )
    return tuple(playbook_action(code) for code in codes)
