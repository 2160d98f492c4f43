"""The relationship engine: apply events to states under a policy.

Pure functions: the state, the event and the policy go in, an answer comes
out; nothing is mutated, read from a clock or stored between calls (the
policy's lookup table is computed once when the policy is created).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Literal,
    NamedTuple,
    TypeAlias,
    cast,
    final,
    get_args,
)

import attrs
from pydantic import BaseModel

from customer_centric._checks import check_choice, check_instance
from customer_centric._stages import (
    DepartureReason,
    LifecycleStage,
    LoyaltyStage,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    EventTransitionError,
    InvariantError,
    OutOfOrderEventError,
)
from customer_centric.relationship._events import (
    EVENT_KINDS,
    Event,
    EventKind,
    _EventBase,
)
from customer_centric.relationship._policy import (
    _BY_POLICY,
    DEFAULT_POLICY,
    Policy,
    Rule,
    check_policy,
    compiled,
)
from customer_centric.relationship._state import (
    GuardCheck,
    RelationshipState,
    TransitionRecord,
    check_state,
    trusted,
)

if TYPE_CHECKING:
    from datetime import datetime

    from customer_centric._types import CustomerId
    from customer_centric.relationship._policy import (
        CompiledRule,
        Dimension,
        Stage,
    )

__all__ = [
    "AvailableEvent",
    "Explanation",
    "HeldRule",
    "Outcome",
    "Rejection",
    "Replay",
    "RuleCheck",
    "apply_event",
    "available_events",
    "explain",
    "replay",
    "replay_many",
]

OnError: TypeAlias = Literal["raise", "collect"]
"""What replay does with a rejected event: raise, or collect and go on."""

_ON_ERROR: Final[tuple[OnError, ...]] = get_args(OnError)
_DIMENSIONS: Final[tuple[Dimension, ...]] = ("loyalty", "lifecycle")

RejectionError: TypeAlias = (
    EventTransitionError | OutOfOrderEventError | InvariantError
)

_L = LoyaltyStage
_C = LifecycleStage
_HEALTHY: Final = frozenset(
    {_C.WELCOME, _C.GETTING_TO_KNOW, _C.ACCOUNT_MANAGEMENT}
)
_TROUBLE: Final = frozenset({_C.INTENSIVE_CARE, _C.POTENTIAL_DIVORCE})
_GONE: Final = frozenset({_C.DIVORCE, _C.WIN_BACK})
_RESUME_FALLBACK: Final = _C.ACCOUNT_MANAGEMENT
# Enum members read from their class cost a lookup through the metaclass on
# every access; the hot path reads these module constants instead.
_DIVORCE: Final = _C.DIVORCE
_UNKNOWN: Final = DepartureReason.UNKNOWN
_FIRM_TERMINATED: Final = DepartureReason.FIRM_TERMINATED
_ACTIVITY: Final = frozenset(
    {
        "interest_shown",
        "first_purchase",
        "repeat_purchase",
        "referral_made",
        "needs_profiled",
        "complaint_filed",
        "reactivated",
    }
)
_RANK: Final[dict[str, int]] = {stage: stage.rank for stage in LoyaltyStage}


@final
@attrs.frozen(kw_only=True)
class HeldRule:
    """A legal rule that did not fire because some guards failed ("not yet").

    Attributes:
        rule_id (str): The rule.
        dimension (str): The dimension it would have moved.
        target (str): Where it would have moved (a stage value or a dynamic
            target such as ``"one_rung_down"``).
        failed (tuple[GuardCheck, ...]): Every guard that failed, with observed
            and required values.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState, apply_event
        >>> from customer_centric.relationship import (
        ...     RepeatPurchase,
        ...     FirstPurchase,
        ... )
        >>> t = datetime(2025, 1, 1, tzinfo=UTC)
        >>> s = apply_event(RelationshipState(customer_id="C-1"),
        ...     FirstPurchase(customer_id="C-1", occurred_at=t)).state
        >>> out = apply_event(s, RepeatPurchase(customer_id="C-1",
        ...                                     occurred_at=t))
        >>> print(out.held[0].explain())
        loyalty.client held: purchases at least client_min_purchases: \
observed 2, required 3

    .. versionadded:: 0.1
    """

    rule_id: str
    dimension: Dimension
    target: str
    failed: tuple[GuardCheck, ...]

    def explain(self) -> str:
        """One line naming the rule and every failed guard."""
        reasons = "; ".join(check.describe() for check in self.failed)
        return f"{self.rule_id} held: {reasons}"


@final
@attrs.frozen(kw_only=True)
class Outcome:
    """What applying one event did.

    Attributes:
        state (RelationshipState): The new state. Counters and last activity
            are updated even when no stage moves.
        held (tuple[HeldRule, ...]): Legal rules whose guards are not met
            yet, in dimensions that did not move, with every failed guard.
        event (Event): The event applied.
        policy_fingerprint (str): The fingerprint of the deciding policy.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState, apply_event
        >>> from customer_centric.relationship import FirstPurchase
        >>> out = apply_event(RelationshipState(customer_id="C-1"),
        ...     FirstPurchase(customer_id="C-1",
        ...                   occurred_at=datetime(2025, 1, 2, tzinfo=UTC)))
        >>> out.changed, [r.to_stage.value for r in out.records]
        (True, ['customer', 'welcome'])

    .. versionadded:: 0.1
    """

    state: RelationshipState
    held: tuple[HeldRule, ...]
    event: Event
    policy_fingerprint: str
    _moves: tuple[_Move, ...] = attrs.field(alias="moves", repr=False)

    @functools.cached_property
    def records(self) -> tuple[TransitionRecord, ...]:
        """One record per dimension that moved, loyalty first.

        Built on first access: callers that only need the new state do not
        pay for the audit records.
        """
        customer_id = self.state.customer_id
        fingerprint = self.policy_fingerprint
        event = self.event
        return tuple(
            _record(
                customer_id,
                fingerprint,
                move,
                event.event_id,
                event.occurred_at,
            )
            for move in self._moves
        )

    @property
    def changed(self) -> bool:
        """Whether at least one stage moved."""
        return bool(self._moves)

    @property
    def duplicate(self) -> bool:
        """Whether the event was a redelivery the state already holds.

        Same ``event_id``, same event: nothing was applied and ``state`` is
        the state given.
        """
        return self._moves is _REDELIVERED


@final
@attrs.frozen(kw_only=True)
class Rejection:
    """An event a replay refused, and why.

    Attributes:
        index: The event's position in the input (0-based).
        event: The event.
        error: The error ``apply_event`` raised for it.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import replay
        >>> from customer_centric.relationship import RepeatPurchase
        >>> r = replay([RepeatPurchase(customer_id="C-1",
        ...     occurred_at=datetime(2025, 1, 1, tzinfo=UTC))],
        ...     on_error="collect")
        >>> r.rejected[0].index, type(r.rejected[0].error).__name__
        (0, 'EventTransitionError')

    .. versionadded:: 0.1
    """

    index: int
    event: Event
    error: RejectionError


@final
@attrs.frozen(kw_only=True)
class Replay:
    """One customer's events folded into a final state plus its history.

    Attributes:
        state (RelationshipState): The final state.
        rejected (tuple[Rejection, ...]): Events refused (only with
            ``on_error="collect"``).
        applied (int): How many events were applied.
        duplicates (tuple[int, ...]): The positions in the input of events
            skipped as redeliveries (an ``event_id`` already applied, with
            the same event).

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import replay
        >>> from customer_centric.relationship import (
        ...     InterestShown,
        ...     FirstPurchase,
        ... )
        >>> t = datetime(2025, 1, 1, tzinfo=UTC)
        >>> r = replay([InterestShown(customer_id="C-1", occurred_at=t),
        ...             FirstPurchase(customer_id="C-1", occurred_at=t)])
        >>> r.state.loyalty.value, len(r.history), r.applied
        ('customer', 3, 2)
        >>> r.last_record("lifecycle").reason
        'first_purchase'

    .. versionadded:: 0.1
    """

    state: RelationshipState
    rejected: tuple[Rejection, ...] = ()
    applied: int
    duplicates: tuple[int, ...] = ()
    _moves: tuple[object, ...] = attrs.field(alias="moves", repr=False)
    _fingerprint: str = attrs.field(alias="fingerprint", repr=False)

    @functools.cached_property
    def history(self) -> tuple[TransitionRecord, ...]:
        """Every move, in order, as transition records (built when read)."""
        customer_id = self.state.customer_id
        flat = iter(cast("tuple[Any, ...]", self._moves))
        return tuple(
            _record(customer_id, self._fingerprint, move, event_id, when)
            for moves, event_id, when in zip(flat, flat, flat, strict=True)
            for move in moves
        )

    def last_record(self, dimension: Dimension, /) -> TransitionRecord | None:
        """The latest move in a dimension, which says why it is where it is."""
        check_choice(dimension, _DIMENSIONS, name="dimension")
        for record in reversed(self.history):
            if record.dimension == dimension:
                return record
        return None


@final
@attrs.frozen(kw_only=True)
class AvailableEvent:
    """An event kind some rule accepts from the current stages.

    Attributes:
        kind: The event kind.
        rules: The rules that would be tried, loyalty first, in order.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import available_events
        >>> [a.kind for a in available_events(
        ...     RelationshipState(customer_id="C-1"))][:3]
        ['interest_shown', 'first_purchase', 'needs_profiled']

    .. versionadded:: 0.1
    """

    kind: EventKind
    rules: tuple[Rule, ...]


@final
@attrs.frozen(kw_only=True)
class RuleCheck:
    """A candidate rule evaluated for an event, and whether it would fire.

    Attributes:
        rule: The rule.
        checks: Each guard with its observed and required value.
        fired: Whether it is the rule that fires in its dimension.

    .. versionadded:: 0.1
    """

    rule: Rule
    checks: tuple[GuardCheck, ...]
    fired: bool


@final
@attrs.frozen(kw_only=True)
class Explanation:
    """What an event would do, and why, without applying it.

    Attributes:
        state: The state the event was considered against.
        event: The event.
        legal: Whether some rule accepts the event in the current stages.
        candidates: Every rule tried, in both dimensions, with its guards.
        outcome: The outcome the event would have, if accepted.
        error: The error it would raise, if refused.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import ComplaintFiled, explain
        >>> e = explain(RelationshipState(customer_id="C-1"),
        ...     ComplaintFiled(customer_id="C-1", severity="low",
        ...                    occurred_at=datetime(2025, 1, 1, tzinfo=UTC)))
        >>> e.legal, e.outcome is not None
        (True, True)
        >>> print(e.summary())
        complaint_filed for 'C-1' (loyalty 'suspect', lifecycle \
'acquisition'): accepted
          lifecycle.complaint_noted fires (stay)

    .. versionadded:: 0.1
    """

    state: RelationshipState
    event: Event
    legal: bool
    candidates: tuple[RuleCheck, ...]
    outcome: Outcome | None
    error: RejectionError | None

    def summary(self) -> str:
        """A readable, multi-line account of the decision."""
        verdict = (
            "accepted" if self.error is None else f"refused: {self.error}"
        )
        lines = [
            (
                f"{self.event.kind} for {self.event.customer_id!r} (loyalty "
                f"{self.state.loyalty.value!r}, lifecycle "
                f"{self.state.lifecycle.value!r}): {verdict}"
            )
        ]
        for cand in self.candidates:
            shown = _shown(cand.rule)
            if cand.fired:
                lines.append(f"  {cand.rule.id} fires ({shown})")
            elif all(c.passed for c in cand.checks):
                lines.append(f"  {cand.rule.id} not reached ({shown})")
            else:
                failed = "; ".join(
                    c.describe() for c in cand.checks if not c.passed
                )
                lines.append(f"  {cand.rule.id} held: {failed}")
        return "\n".join(lines)


# --- metrics ---------------------------------------------------------------


def _days(later: datetime, earlier: datetime | None) -> int | None:
    return None if earlier is None else (later - earlier).days


def _inactive_days(new: dict[str, object], event: Event) -> int | None:
    as_of = cast("datetime", getattr(event, "as_of", None))
    return _days(as_of, cast("datetime | None", new["last_activity_at"]))


def _severity(_new: dict[str, object], event: Event) -> int | None:
    severity = getattr(event, "severity", None)
    return None if severity is None else int(severity.rank)


def _score(_new: dict[str, object], event: Event) -> float | None:
    return cast("float | None", getattr(event, "score", None))


def _satisfied(_new: dict[str, object], event: Event) -> int | None:
    satisfied = getattr(event, "satisfied", None)
    return None if satisfied is None else int(satisfied)


def _since_departure(new: dict[str, object], event: Event) -> int | None:
    return _days(
        event.occurred_at, cast("datetime | None", new["departed_at"])
    )


def _winnable(new: dict[str, object], _event: Event) -> int | None:
    reason = new["departure_reason"]
    if reason is None:
        return None
    return int(reason is not _FIRM_TERMINATED)


def _counter(name: str) -> Callable[[dict[str, object], Event], int]:
    def read(new: dict[str, object], _event: Event) -> int:
        return cast("int", new[name])

    return read


_METRICS: Final[
    dict[str, Callable[[dict[str, object], Event], float | None]]
] = {
    "purchases": _counter("purchases"),
    "referrals": _counter("referrals"),
    "open_complaints": _counter("open_complaints"),
    "inactive_days": _inactive_days,
    "complaint_severity": _severity,
    "dissatisfaction_score": _score,
    "satisfied": _satisfied,
    "days_since_departure": _since_departure,
    "departure_winnable": _winnable,
}


def _passes(op: str, observed: float | None, required: float) -> bool:
    if observed is None:
        return False
    if op == "at_least":
        return observed >= required
    if op == "at_most":
        return observed <= required
    return observed == required


# A guard check as moves keep it until a record is read: (metric, op,
# threshold, observed, required, passed), plain values that the garbage
# collector stops tracking (a GuardCheck record per check would stay
# tracked for as long as the replay's history lives).
_Check: TypeAlias = tuple[
    str, str, "str | int | float", "float | None", float, bool
]
_CHECK_FIELDS: Final = (
    "metric",
    "op",
    "threshold",
    "observed",
    "required",
    "passed",
)


def _observe(
    compiled: CompiledRule, new: dict[str, object], event: Event
) -> tuple[_Check, ...]:
    out = []
    for cg in compiled.guards:
        guard = cg.guard
        observed = _METRICS[guard.metric](new, event)
        passed = _passes(guard.op, observed, cg.required)
        out.append(
            (
                guard.metric,
                guard.op,
                guard.threshold,
                observed,
                cg.required,
                passed,
            )
        )
    return tuple(out)


def _guard_checks(checks: tuple[_Check, ...]) -> tuple[GuardCheck, ...]:
    return tuple(
        trusted(GuardCheck, dict(zip(_CHECK_FIELDS, check, strict=True)))
        for check in checks
    )


def _checks(
    compiled: CompiledRule, new: dict[str, object], event: Event
) -> tuple[GuardCheck, ...]:
    return _guard_checks(_observe(compiled, new, event))


# --- the engine ------------------------------------------------------------

# What each event kind does to a counter: one definition for the general
# path and the plans. A counter never falls below zero (a resolution with
# no complaint on file).
_COUNTERS: Final[dict[str, tuple[str, int]]] = {
    "first_purchase": ("purchases", 1),
    "repeat_purchase": ("purchases", 1),
    "referral_made": ("referrals", 1),
    "complaint_filed": ("open_complaints", 1),
    "complaint_resolved": ("open_complaints", -1),
    "win_back_attempted": ("win_back_attempts", 1),
}


def _count_event(kind: str, new: dict[str, Any], event: Event) -> None:
    """Update the counters an event changes, whatever the stages do."""
    counter = _COUNTERS.get(kind)
    if counter is not None:
        field, step = counter
        new[field] = max(0, new[field] + step)
    elif kind == "needs_profiled":
        new["needs_profiled"] = True
    if kind in _ACTIVITY:
        last = new["last_activity_at"]
        if last is None or event.occurred_at > last:
            new["last_activity_at"] = event.occurred_at


def _target(
    rule: Rule,
    current: LoyaltyStage | LifecycleStage,
    new: dict[str, object],
    policy: Policy,
) -> LoyaltyStage | LifecycleStage:
    # Static targets never get here: the compiled rule holds them.
    target = rule.target
    if target == "one_rung_down":
        ladder = policy.ladder
        return ladder[ladder.index(cast("LoyaltyStage", current)) - 1]
    if target == "resume":
        resume = cast("LifecycleStage | None", new["resume_lifecycle"])
        return resume or _RESUME_FALLBACK
    return policy.win_back_reentry_stage  # "win_back_reentry"


def _move_lifecycle(
    new: dict[str, Any],
    before: LifecycleStage,
    after: LifecycleStage,
    event: Event,
) -> None:
    new["lifecycle"] = after
    new["lifecycle_since"] = event.occurred_at
    if after in _TROUBLE:
        if before in _HEALTHY:
            new["resume_lifecycle"] = before
        elif before not in _TROUBLE:
            new["resume_lifecycle"] = None
    else:
        new["resume_lifecycle"] = None
    if after is _DIVORCE:
        if new["departed_at"] is None:
            new["departed_at"] = event.occurred_at
        if event.kind == "account_closed":
            new["departure_reason"] = event.reason
        elif new["departure_reason"] is None:
            new["departure_reason"] = _UNKNOWN
    elif after not in _GONE:
        if before in _GONE:
            new["win_backs"] += 1
        new["departure_reason"] = None
        new["departed_at"] = None


def _allowed(
    state: RelationshipState, policy: Policy
) -> tuple[EventKind, ...]:
    return tuple(
        kind
        for kind in EVENT_KINDS
        if policy.rules_for(kind, state.loyalty)
        or policy.rules_for(kind, state.lifecycle)
    )


def _refuse(
    current: dict[str, object], event: Event, policy: Policy
) -> EventTransitionError:
    state = trusted(RelationshipState, current)
    return EventTransitionError._for_event(  # noqa: SLF001 - our own
        state.customer_id,
        event.kind,
        loyalty=state.loyalty.value,
        lifecycle=state.lifecycle.value,
        allowed=_allowed(state, policy),
    )


# A move as the engine first records it: (dimension, from stage, to stage,
# rule id, reason, guard checks, event kind), with the stages as plain
# strings. Moves made without guards are the same for every event, so the
# plans build them once. Records are built from moves when they are read.
_Move: TypeAlias = tuple[str, str, str, str, str, tuple[_Check, ...], str]
# What a replay keeps per event that moved something: the moves, the
# event's id and its time, appended flat to one list per customer. A tuple
# per event would be one more object for the garbage collector to count:
# replaying a million events made enough of them to set off full
# collections, which scan every live object (the events included) and
# took about 40 % of the time.
_History: TypeAlias = list["tuple[_Move, ...] | str | datetime | None"]
_Result: TypeAlias = tuple[
    dict[str, Any], tuple[_Move, ...], tuple["HeldRule", ...]
]

_STAGE_BY_VALUE: Final[dict[str, LoyaltyStage | LifecycleStage]] = {
    **{stage.value: stage for stage in LoyaltyStage},
    **{stage.value: stage for stage in LifecycleStage},
}
# ``stage.value`` is a Python-level property on enum members; the moves
# read the plain strings from here instead.
_VALUE: Final[dict[str, str]] = {
    stage: value for value, stage in _STAGE_BY_VALUE.items()
}


def _record(
    customer_id: str,
    fingerprint: str,
    move: _Move,
    event_id: str | None,
    when: datetime,
) -> TransitionRecord:
    dimension, before, after, rule_id, reason, checks, kind = move
    return trusted(
        TransitionRecord,
        {
            "customer_id": customer_id,
            "dimension": dimension,
            "from_stage": _STAGE_BY_VALUE[before],
            "to_stage": _STAGE_BY_VALUE[after],
            "rule_id": rule_id,
            "reason": reason,
            "guards": _guard_checks(checks),
            "policy_fingerprint": fingerprint,
            "event_kind": kind,
            "event_id": event_id,
            "occurred_at": when,
        },
    )


# --- plans: the fast path ----------------------------------------------------


class _Plan(NamedTuple):
    """What an event does from one state's stages when no guard decides.

    It holds only what the policy and the key (event kind, loyalty,
    lifecycle, peak rung) fix; the engine adds the event's time and one to
    a counter, which is a dictionary copy and a handful of writes instead
    of the rule search of :func:`_step`.
    """

    counter: str | None  # the counter the event adds one to, if any
    writes: dict[str, Any]  # constant values: stages and what they reset
    stamped: tuple[str, ...]  # the fields set to the event's time
    moves: tuple[_Move, ...]  # the moves, loyalty first


_PlanKey: TypeAlias = tuple[str, LoyaltyStage, LifecycleStage, LoyaltyStage]


def _static_target(
    rule: CompiledRule, stage: Stage, policy: Policy
) -> Stage | None:
    """Where a rule moves from a stage, or None if the state decides."""
    if rule.static_target is not None:
        return rule.static_target
    if rule.rule.target == "resume":
        return None  # the state's resume_lifecycle
    # Policy validation keeps every source rung on the ladder, so a
    # one-rung-down target always has a rung below to resolve to.
    return _target(rule.rule, stage, {}, policy)


def _move_writes(
    dimension: str, before: Stage, after: Stage
) -> dict[str, Any] | None:
    """The writes of a move that change the state, as :func:`_step` does.

    None for the lifecycle moves whose writes read the state or the event:
    into divorce (departure time and reason) and back from a departure
    (the win-back count). The stage's time is stamped separately. A valid
    state out of trouble has no resume stage, and one that has not
    departed has no departure (:class:`RelationshipState` refuses both),
    so the writes of None that would change nothing are left out.
    """
    if dimension == "loyalty":
        return {"loyalty": after}
    if after is _DIVORCE or (before in _GONE and after not in _GONE):
        return None
    writes: dict[str, Any] = {"lifecycle": after}
    if after in _TROUBLE and before in _HEALTHY:
        writes["resume_lifecycle"] = before
    elif after not in _TROUBLE and before in _TROUBLE:
        writes["resume_lifecycle"] = None
    return writes


def _plan(
    policy: Policy,
    kind: str,
    loyalty: LoyaltyStage,
    lifecycle: LifecycleStage,
    peak: LoyaltyStage,
) -> _Plan | None:
    """The plan for an event kind from a state's stages, if one exists.

    There is none when no rule accepts the event (:func:`_step` refuses
    it), when the first rule tried in a dimension has guards, when a
    move's target or writes depend on the state, or when the event lowers
    a counter (which must not fall below zero).
    """
    table = compiled(policy).table
    counter, step = _COUNTERS.get(kind, (None, 1))
    if step < 0:
        return None
    # An event newer than the state's last one starts its last_events.
    writes: dict[str, Any] = {"last_events": ()}
    if kind == "needs_profiled":
        writes["needs_profiled"] = True
    stamped = ["last_event_at"]
    if kind in _ACTIVITY:
        stamped.append("last_activity_at")
    moves: list[_Move] = []
    legal = False
    for dimension, stage in (("loyalty", loyalty), ("lifecycle", lifecycle)):
        rules = table.get((kind, stage), ())
        legal = legal or bool(rules)
        if not rules or (rules[0].stay and not rules[0].guards):
            continue
        rule = rules[0]
        to = None if rule.guards else _static_target(rule, stage, policy)
        effects = None if to is None else _move_writes(dimension, stage, to)
        if to is None or effects is None:
            return None  # a guard or the state decides
        writes.update(effects)
        stamped.append(f"{dimension}_since")
        moves.append(
            (
                dimension,
                _VALUE[stage],
                _VALUE[to],
                rule.rule.id,
                rule.rule.reason,
                (),
                kind,
            )
        )
    if not legal:
        return None
    rung = writes.get("loyalty")
    if rung is not None and _RANK[rung] > _RANK[peak]:
        writes["peak_loyalty"] = rung
    return _Plan(
        counter=counter,
        writes=writes,
        stamped=tuple(stamped),
        moves=tuple(moves),
    )


def _plan_key(current: dict[str, Any], event: Event) -> _PlanKey | None:
    """The state's plan key for an event, if the fast path may take it.

    It may for an event of the state's customer that is strictly newer
    than the state's last event: then the event's time is later than every
    time in the state, so the plan can stamp it without comparing. Every
    other case (refusals included) is left to :func:`_step`.
    """
    last = current["last_event_at"]
    if event.customer_id != current["customer_id"] or (
        last is not None and not event.occurred_at > last
    ):
        return None
    return (
        event.kind,
        current["loyalty"],
        current["lifecycle"],
        current["peak_loyalty"],
    )


def _planned(
    current: dict[str, Any],
    event: Event,
    policy: Policy,
    plans: dict[Any, Any],
) -> _Plan | None:
    """The policy's plan for this event and state, if the fast path may go.

    Plans are made on first use and kept in the policy's compiled form
    (``plans``, which the replays look up once).
    """
    key = _plan_key(current, event)
    if key is None:
        return None
    try:
        plan: _Plan | None = plans[key]
    except KeyError:
        plan = plans[key] = _plan(policy, *key)
    return plan


def _write(new: dict[str, Any], plan: _Plan, when: datetime) -> None:
    """Apply a plan to a state's field values, in place.

    Plans are taken only for events newer than the state's last one, so
    the plan's writes empty the state's
    :attr:`~RelationshipState.last_events`; the caller adds the event when
    it has an ``event_id``.
    """
    counter, writes, stamped, _ = plan
    if counter is not None:
        new[counter] += 1
    new.update(writes)
    for field in stamped:
        new[field] = when


# --- the general path --------------------------------------------------------


def _passes_all(
    tests: tuple[tuple[str, str, float], ...],
    new: dict[str, object],
    event: Event,
) -> bool:
    """Whether every guard passes, without building the checks."""
    for metric, op, required in tests:
        if not _passes(op, _METRICS[metric](new, event), required):
            return False
    return True


def _step(  # noqa: C901, PLR0912 - the general path stays in one frame
    current: dict[str, Any],
    event: Event,
    policy: Policy,
    replaying: bool = False,  # noqa: FBT001, FBT002 - private, hot path
) -> _Result:
    """Apply an event to a state's field values; return the new values.

    Works on the ``__dict__`` of an already validated state so that replays
    build a state record only once per customer, not once per event. When
    ``replaying`` the replays update their own private copy instead of
    allocating a new dictionary per event (fewer objects for the garbage
    collector to promote and scan) and get no held rules, which they do not
    report; every refusal is raised before anything is written, so a
    refused event leaves the copy as it was.
    """
    kind = event.kind
    if event.customer_id != current["customer_id"]:
        msg = (
            f"event {kind!r} is for customer {event.customer_id!r} but the "
            f"state is customer {current['customer_id']!r}; apply each "
            "customer's events to their own state (replay_many() does this)"
        )
        raise InvariantError(msg)
    when = event.occurred_at
    last = current["last_event_at"]
    if last is not None and when < last and not policy.allow_out_of_order:
        raise OutOfOrderEventError._for_event(  # noqa: SLF001 - our own
            event.customer_id, kind, occurred_at=when, last_event_at=last
        )
    loyalty: LoyaltyStage = current["loyalty"]
    lifecycle: LifecycleStage = current["lifecycle"]
    table = compiled(policy).table
    loyalty_rules = table.get((kind, loyalty), ())
    lifecycle_rules = table.get((kind, lifecycle), ())
    if not loyalty_rules and not lifecycle_rules:
        raise _refuse(current, event, policy)
    new = current if replaying else current.copy()
    _count_event(kind, new, event)
    if last is None or when > last:
        new["last_event_at"] = when
        new["last_events"] = () if event.event_id is None else (event,)
    elif when == last and event.event_id is not None:
        new["last_events"] = (*new["last_events"], event)
    moves: list[_Move] = []
    held: list[HeldRule] = []
    for dimension, rules, stage in (
        ("loyalty", loyalty_rules, loyalty),
        ("lifecycle", lifecycle_rules, lifecycle),
    ):
        if not rules:
            continue
        waiting: list[tuple[CompiledRule, tuple[GuardCheck, ...]]] = []
        for rule in rules:
            tests = rule.tests
            if tests and not _passes_all(tests, new, event):
                if not replaying:
                    waiting.append((rule, _checks(rule, new, event)))
                continue
            if rule.stay:
                break
            to = rule.static_target or _target(rule.rule, stage, new, policy)
            # The checks are read before the move writes the state.
            checks = _observe(rule, new, event) if tests else ()
            if dimension == "loyalty":
                new["loyalty"] = to
                new["loyalty_since"] = when
                if _RANK[to] > _RANK[new["peak_loyalty"]]:
                    new["peak_loyalty"] = to
            else:
                _move_lifecycle(new, lifecycle, to, event)  # type: ignore[arg-type]
            moves.append(
                (
                    dimension,
                    _VALUE[stage],
                    _VALUE[to],
                    rule.rule.id,
                    rule.rule.reason,
                    checks,
                    kind,
                )
            )
            break
        else:
            held.extend(
                _held_rule(
                    waiting_rule.rule.id,
                    dimension,
                    _shown(waiting_rule.rule),
                    tuple(c for c in waiting_checks if not c.passed),
                )
                for waiting_rule, waiting_checks in waiting
            )
    return new, tuple(moves), tuple(held)


_EVENT_WANTED: Final = (
    "an event record, e.g. FirstPurchase(customer_id='C-1', "
    "occurred_at=datetime(2025, 1, 2, tzinfo=UTC)); parse mappings and "
    "JSON with parse_event()"
)


def _check_event(event: object, name: str = "event") -> Event:
    return cast(
        "Event",
        check_instance(event, _EventBase, name=name, what=_EVENT_WANTED),
    )


def _conflict(prior: Event, event: Event) -> InvariantError:
    msg = (
        f"event_id {event.event_id!r} was already applied to customer "
        f"{event.customer_id!r} as {prior!r}, and now arrives as {event!r}; "
        "an event id names one event: give a different event a new id"
    )
    return InvariantError(msg)


def _prior(
    seen: Iterable[Event] | Mapping[str, Event], event: Event
) -> Event | None:
    """The already-applied event with this event's id, if any.

    Raises:
        InvariantError: That event differs from this one.
    """
    event_id = event.event_id
    if event_id is None:
        return None
    if isinstance(seen, Mapping):
        prior = seen.get(event_id)
    else:
        prior = next((e for e in seen if e.event_id == event_id), None)
    if prior is not None and prior != event:
        raise _conflict(prior, event)
    return prior


_compiled_by_id: Final = _BY_POLICY.get


class _Redelivery(tuple):  # type: ignore[type-arg]
    """The moves of a duplicate's outcome: none, and equal only to itself.

    Marking a duplicate by its moves costs the per-event fast path nothing,
    where one more slot to fill would cost some 3 %.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return id(self)


_REDELIVERED: Final[tuple[_Move, ...]] = _Redelivery()


def _known(events: tuple[Event, ...], event_id: str) -> bool:
    # A loop, not any() over a generator: this is on the fast path.
    for event in events:  # noqa: SIM110
        if event.event_id == event_id:
            return True
    return False


def _apply(state: RelationshipState, event: Event, policy: Policy) -> Outcome:
    """Apply an event by any path (the body of :func:`apply_event`)."""
    check_state(state)
    _check_event(event)
    check_policy(policy)
    fingerprint = compiled(policy).fingerprint
    if (
        event.customer_id == state.customer_id
        and _prior(state.last_events, event) is not None
    ):
        return _outcome(state, (), (), event, fingerprint, duplicate=True)
    current = state.__dict__
    plan = _planned(current, event, policy, compiled(policy).plans)
    if plan is None:
        new, moves, held = _step(current, event, policy)
    else:
        new = current.copy()
        _write(new, plan, event.occurred_at)
        if event.event_id is not None:
            new["last_events"] = (event,)
        moves, held = plan.moves, ()
    return _outcome(
        trusted(RelationshipState, new), moves, held, event, fingerprint
    )


# Answers the engine builds on every event are filled through their slot
# descriptors, which skips the frozen-class ``__setattr__`` indirection of
# the generated ``__init__`` (about three times faster); the values come
# from the engine itself, so nothing needs checking.
_new = object.__new__
_OUTCOME_SLOTS: Final = tuple(
    Outcome.__dict__[name].__set__
    for name in (
        "state",
        "_moves",
        "held",
        "event",
        "policy_fingerprint",
    )
)
_HELD_SLOTS: Final = tuple(
    HeldRule.__dict__[name].__set__
    for name in ("rule_id", "dimension", "target", "failed")
)
# The same for the new state on apply_event's fast path, which inlines
# trusted(RelationshipState, ...).
_STATE_FIELDS_SET: Final = set(RelationshipState.model_fields)
_set_state_dict, _set_fields_set, _set_extra, _set_private = (
    BaseModel.__dict__[name].__set__
    for name in (
        "__dict__",
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
    )
)
(
    _set_out_state,
    _set_out_moves,
    _set_out_held,
    _set_out_event,
    _set_out_fp,
) = _OUTCOME_SLOTS


def _outcome(
    state: RelationshipState,
    moves: tuple[_Move, ...],
    held: tuple[HeldRule, ...],
    event: Event,
    fingerprint: str,
    *,
    duplicate: bool = False,
) -> Outcome:
    out: Outcome = _new(Outcome)
    _set_out_state(out, state)
    _set_out_moves(out, _REDELIVERED if duplicate else moves)
    _set_out_held(out, held)
    _set_out_event(out, event)
    _set_out_fp(out, fingerprint)
    return out


def _held_rule(
    rule_id: str, dimension: str, target: str, failed: tuple[GuardCheck, ...]
) -> HeldRule:
    held: HeldRule = _new(HeldRule)
    set_id, set_dimension, set_target, set_failed = _HELD_SLOTS
    set_id(held, rule_id)
    set_dimension(held, dimension)
    set_target(held, target)
    set_failed(held, failed)
    return held


def _shown(rule: Rule) -> str:
    target = rule.target
    return (
        target.value
        if isinstance(target, LoyaltyStage | LifecycleStage)
        else target
    )


def apply_event(
    state: RelationshipState,
    event: Event,
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
) -> Outcome:
    """Apply one event to a state under a policy.

    In each dimension the policy's rules for the event kind and the current
    stage are tried in order; the first whose guards all pass fires (a
    ``stay`` rule accepts without moving). Rules whose guards failed in a
    dimension that did not move are returned in :attr:`Outcome.held`.
    Counters and last activity update even when no stage moves.

    An event whose ``event_id`` the state already holds in
    :attr:`~RelationshipState.last_events` (the identified events at its
    latest instant) is a redelivery: nothing is applied and the outcome
    says :attr:`Outcome.duplicate`. Older redeliveries are refused as out
    of order, unless the policy allows those.

    Args:
        state: The customer's current state; not modified.
        event: The event, for the same customer.
        policy: The thresholds and rules.

    Returns:
        The new state, one record per moved dimension, and the held rules.

    Raises:
        EventTransitionError: No rule accepts the event in either
            dimension (an ``InvalidTransitionError``); ``allowed`` lists the
            event kinds that would be accepted.
        OutOfOrderEventError: The event is older than the state's last
            event and the policy does not allow that.
        InvariantError: The event is for another customer, or another
            event under an ``event_id`` the state holds.
        ArgumentTypeError: The state, event or policy is not one.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState, apply_event
        >>> from customer_centric.relationship import (
        ...     InterestShown,
        ...     FirstPurchase,
        ... )
        >>> t = datetime(2025, 3, 1, tzinfo=UTC)
        >>> s = RelationshipState(customer_id="C-1")
        >>> s = apply_event(s, InterestShown(customer_id="C-1",
        ...                                  occurred_at=t)).state
        >>> out = apply_event(s, FirstPurchase(customer_id="C-1",
        ...                                    occurred_at=t))
        >>> out.state.loyalty.value, out.state.lifecycle.value
        ('customer', 'welcome')
        >>> out.state.is_actual_customer
        True
        >>> from customer_centric.relationship import Reactivated
        >>> apply_event(out.state, Reactivated(customer_id="C-1",
        ...                                    occurred_at=t))
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.EventTransitionError: cannot apply \
'reactivated' to customer 'C-1' in loyalty stage 'customer' and lifecycle \
stage 'welcome': no rule of the policy allows it; allowed from here: ...

    .. versionadded:: 0.1
    """
    # The fast path is written out in this one frame: at about a
    # microsecond per event, each further call would cost some 5 %. It
    # takes an event of the state's customer, newer than the state's last
    # event, whose plan the policy has cached (see _planned); everything
    # else, including the first event of each plan, goes through _apply.
    # The compiled form is found by the policy's identity, so anything but
    # a Policy, and any state or event without a record's fields, falls
    # through to _apply, which checks the arguments.
    compiled_policy = _compiled_by_id(id(policy))
    try:
        current = state.__dict__
        # Pydantic routes attribute reads through a ``__getattr__`` hook,
        # which makes each slower than a read from the instance dictionary.
        fields = event.__dict__
        when = fields["occurred_at"]
        last = current["last_event_at"]
        event_id = fields["event_id"]
        plan = (
            compiled_policy.plans.get(
                (
                    fields["kind"],
                    current["loyalty"],
                    current["lifecycle"],
                    current["peak_loyalty"],
                )
            )
            if compiled_policy is not None
            and fields["customer_id"] == current["customer_id"]
            and (last is None or when > last)
            else None
        )
    except (AttributeError, KeyError, TypeError):
        plan = None
    if plan is None or (
        event_id is not None
        and current["last_events"]
        and _known(current["last_events"], event_id)
    ):
        return _apply(state, event, policy)
    # _write() on a new dictionary:
    counter, writes, stamped, moves = plan
    new = current | writes
    if counter is not None:
        new[counter] += 1
    for field in stamped:
        new[field] = when
    if event_id is not None:
        new["last_events"] = (event,)
    # trusted(RelationshipState, new) and _outcome():
    after: RelationshipState = _new(RelationshipState)
    _set_state_dict(after, new)
    _set_fields_set(after, _STATE_FIELDS_SET)
    _set_extra(after, None)
    _set_private(after, None)
    out: Outcome = _new(Outcome)
    _set_out_state(out, after)
    _set_out_moves(out, moves)
    _set_out_held(out, ())
    _set_out_event(out, event)
    _set_out_fp(out, compiled_policy.fingerprint)  # type: ignore[union-attr]
    return out


def replay(  # noqa: C901 - the per-event loop stays in one frame
    events: Iterable[Event],
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
    initial: RelationshipState | None = None,
    on_error: OnError = "raise",
) -> Replay:
    """Fold one customer's events, in order, into a final state and history.

    Args:
        events: The customer's events, oldest first.
        policy: The thresholds and rules.
        initial: The state to start from; by default a new suspect in
            acquisition for the first event's customer.
        on_error: ``"raise"`` stops at the first refused event;
            ``"collect"`` records it in :attr:`Replay.rejected` and goes on.

    Returns:
        The final state, every move, and the refused events.

    Raises:
        EventTransitionError: With ``on_error="raise"``, as
            :func:`apply_event`.
        OutOfOrderEventError: Same.
        InvariantError: Events for several customers, neither events nor
            an initial state, an unknown ``on_error``, or (with
            ``on_error="raise"``) two different events under one
            ``event_id``. An event repeated under its ``event_id`` is
            skipped and listed in :attr:`Replay.duplicates`.
        ArgumentTypeError: An argument or event of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import replay
        >>> from customer_centric.relationship import (
        ...     FirstPurchase,
        ...     RepeatPurchase,
        ... )
        >>> days = [datetime(2025, 1, d, tzinfo=UTC) for d in (1, 8, 15)]
        >>> r = replay([FirstPurchase(customer_id="C-1", occurred_at=days[0]),
        ...     *(RepeatPurchase(customer_id="C-1", occurred_at=d)
        ...       for d in days[1:])])
        >>> r.state.loyalty.value, r.state.purchases
        ('client', 3)

    .. versionadded:: 0.1
    """
    _check_events(events)
    check_policy(policy)
    collect = check_choice(on_error, _ON_ERROR, name="on_error") == "collect"
    state = None if initial is None else check_state(initial, name="initial")
    steps: _History = []
    plans = compiled(policy).plans
    rejected: list[Rejection] = []
    duplicates: list[int] = []
    applied = 0
    current: dict[str, Any] | None = (
        None if state is None else state.__dict__.copy()
    )
    seen: dict[str, Event] = (
        {} if state is None else {e.event_id: e for e in state.last_events}  # type: ignore[misc]
    )
    for index, event in enumerate(events):
        item: object = event
        if not isinstance(item, _EventBase):
            _check_event(item, f"events[{index}]")
        if current is None:
            current = RelationshipState(
                customer_id=event.customer_id
            ).__dict__.copy()
        event_id = event.event_id
        if event_id is not None and event_id in seen:
            _redelivered(
                seen, event, index, rejected, duplicates, collect=collect
            )
            continue
        plan = _planned(current, event, policy, plans)
        if plan is not None:
            _write(current, plan, event.occurred_at)
            if event_id is not None:
                current["last_events"] = (event,)
            moves = plan.moves
        else:
            try:
                current, moves, _ = _step(current, event, policy, True)  # noqa: FBT003
            except (
                EventTransitionError,
                OutOfOrderEventError,
                InvariantError,
            ) as exc:
                if not collect or (
                    isinstance(exc, InvariantError)
                    and event.customer_id != current["customer_id"]
                ):
                    raise
                rejected.append(Rejection(index=index, event=event, error=exc))
                continue
        if moves:
            steps.extend((moves, event_id, event.occurred_at))
        if event_id is not None:
            seen[event_id] = event
        applied += 1
    if current is None:
        msg = (
            "replay() needs at least one event or an initial state; pass "
            "initial=RelationshipState(customer_id=...) for an empty history"
        )
        raise InvariantError(msg)
    return Replay(
        state=trusted(RelationshipState, current),
        moves=tuple(steps),
        fingerprint=policy.fingerprint,
        rejected=tuple(rejected),
        applied=applied,
        duplicates=tuple(duplicates),
    )


def _redelivered(
    seen: Mapping[str, Event],
    event: Event,
    index: int,
    rejected: list[Rejection],
    duplicates: list[int],
    *,
    collect: bool,
) -> None:
    """Record an event whose id this replay already applied.

    The same event is a duplicate, skipped; another event with that id is
    refused (raised, or collected with ``collect``).
    """
    try:
        _prior(seen, event)
    except InvariantError as exc:
        if not collect:
            raise
        rejected.append(Rejection(index=index, event=event, error=exc))
    else:
        duplicates.append(index)


def _check_events(events: object) -> None:
    if not isinstance(events, Iterable) or isinstance(
        events, str | bytes | Mapping | BaseModel
    ):
        raise ArgumentTypeError.for_argument(
            "events", events, "an iterable of event records, oldest first"
        )


def _initial_states(
    initial: object,
) -> dict[CustomerId, dict[str, Any]]:
    """Each starting state's field values, checked against its key."""
    if initial is None:
        return {}
    if not isinstance(initial, Mapping):
        raise ArgumentTypeError.for_argument(
            "initial",
            initial,
            "a mapping of customer id to RelationshipState, or None",
        )
    states: dict[CustomerId, dict[str, Any]] = {}
    for cid, state in initial.items():
        check_state(state, name=f"initial[{cid!r}]")
        if cid != state.customer_id:
            msg = (
                f"initial[{cid!r}] holds the state of customer "
                f"{state.customer_id!r}; key each state by its own "
                f"customer_id ({state.customer_id!r})"
            )
            raise InvariantError(msg)
        states[cid] = state.__dict__.copy()
    return states


def replay_many(  # noqa: C901 - the per-event loop stays in one frame
    events: Iterable[Event],
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
    initial: Mapping[CustomerId, RelationshipState] | None = None,
    on_error: OnError = "raise",
) -> dict[CustomerId, Replay]:
    """Replay many customers' interleaved events, keyed by customer id.

    Events are applied in the order given; each customer's events must be
    in time order among themselves (unless the policy allows otherwise).
    Rejection indexes count positions in the whole input.

    Args:
        events: Any customers' events, oldest first per customer.
        policy: The thresholds and rules.
        initial: Starting states by customer id; other customers start as
            new suspects.
        on_error: ``"raise"`` or ``"collect"``, as for :func:`replay`.

    Returns:
        One :class:`Replay` per customer seen (or given in ``initial``).

    Raises:
        EventTransitionError: With ``on_error="raise"``, as
            :func:`apply_event`.
        OutOfOrderEventError: Same.
        InvariantError: A state in ``initial`` under another customer's
            id, an unknown ``on_error``, or (with ``on_error="raise"``)
            two different events of a customer under one ``event_id``.
        ArgumentTypeError: An argument or event of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     FirstPurchase,
        ...     InterestShown,
        ...     replay_many,
        ... )
        >>> t = datetime(2025, 1, 1, tzinfo=UTC)
        >>> out = replay_many([InterestShown(customer_id="A", occurred_at=t),
        ...                    FirstPurchase(customer_id="B", occurred_at=t)])
        >>> {cid: r.state.loyalty.value for cid, r in out.items()}
        {'A': 'prospect', 'B': 'customer'}

    .. versionadded:: 0.1
    """
    _check_events(events)
    check_policy(policy)
    collect = check_choice(on_error, _ON_ERROR, name="on_error") == "collect"
    states = _initial_states(initial)
    seen: dict[CustomerId, dict[str, Event]] = {
        cid: {e.event_id: e for e in state.last_events}  # type: ignore[misc]
        for cid, state in (initial or {}).items()
        if state.last_events
    }
    histories: dict[CustomerId, _History] = {}
    rejected: dict[CustomerId, list[Rejection]] = {}
    duplicates: dict[CustomerId, list[int]] = {}
    applied: dict[CustomerId, int] = {}
    planned, write, step = _planned, _write, _step
    fingerprint = policy.fingerprint
    plans = compiled(policy).plans
    for index, event in enumerate(events):
        item: object = event
        if not isinstance(item, _EventBase):
            _check_event(item, f"events[{index}]")
        cid = event.customer_id
        current = states.get(cid)
        if current is None:
            current = states[cid] = RelationshipState(
                customer_id=cid
            ).__dict__.copy()
        event_id = event.event_id
        if event_id is not None:
            known = seen.setdefault(cid, {})
            if event_id in known:
                _redelivered(
                    known,
                    event,
                    index,
                    rejected.setdefault(cid, []),
                    duplicates.setdefault(cid, []),
                    collect=collect,
                )
                continue
        plan = planned(current, event, policy, plans)
        if plan is not None:
            write(current, plan, event.occurred_at)
            if event_id is not None:
                current["last_events"] = (event,)
            moves = plan.moves
        else:
            try:
                _, moves, _ = step(current, event, policy, True)  # noqa: FBT003
            except (EventTransitionError, OutOfOrderEventError) as exc:
                if not collect:
                    raise
                rejected.setdefault(cid, []).append(
                    Rejection(index=index, event=event, error=exc)
                )
                continue
        if moves:
            histories.setdefault(cid, []).extend(
                (moves, event_id, event.occurred_at)
            )
        if event_id is not None:
            seen[cid][event_id] = event
        applied[cid] = applied.get(cid, 0) + 1
    return {
        cid: Replay(
            state=trusted(RelationshipState, values),
            moves=tuple(histories.get(cid, ())),
            fingerprint=fingerprint,
            rejected=tuple(rejected.get(cid, ())),
            applied=applied.get(cid, 0),
            duplicates=tuple(duplicates.get(cid, ())),
        )
        for cid, values in states.items()
    }


def available_events(
    state: RelationshipState, /, *, policy: Policy = DEFAULT_POLICY
) -> tuple[AvailableEvent, ...]:
    """The event kinds some rule accepts from the current stages.

    An event listed here will not raise
    :class:`~customer_centric.exceptions.EventTransitionError`; it
    may still be held when its guards are not met. Nothing is applied.

    Args:
        state: The customer's state.
        policy: The thresholds and rules.

    Returns:
        Each accepted kind with the rules that would be tried, in
        :data:`EVENT_KINDS` order.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import available_events
        >>> s = RelationshipState(customer_id="C-1", lifecycle="divorce",
        ...     loyalty="client", peak_loyalty="client", purchases=4,
        ...     departure_reason="new_job",
        ...     departed_at="2025-01-01T00:00:00Z",
        ...     last_event_at="2025-01-01T00:00:00Z")
        >>> [a.kind for a in available_events(s)]
        ['interest_shown', 'referral_made', 'complaint_filed', \
'complaint_resolved', 'dissatisfaction_signal', 'inactivity_observed', \
'win_back_attempted', 'reactivated']

    .. versionadded:: 0.1
    """
    check_state(state)
    check_policy(policy)
    out = []
    for kind in _allowed(state, policy):
        rules = (
            *policy.rules_for(kind, state.loyalty),
            *policy.rules_for(kind, state.lifecycle),
        )
        out.append(
            AvailableEvent(kind=kind, rules=tuple(c.rule for c in rules))
        )
    return tuple(out)


def explain(
    state: RelationshipState,
    event: Event,
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
) -> Explanation:
    """What applying an event would do, and why, without raising.

    Args:
        state: The customer's state; not modified.
        event: The event to consider.
        policy: The thresholds and rules.

    Returns:
        Every candidate rule with its guards' observed and required values,
        and either the outcome or the error.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import RepeatPurchase, explain
        >>> e = explain(RelationshipState(customer_id="C-1"),
        ...     RepeatPurchase(customer_id="C-1",
        ...                    occurred_at=datetime(2025, 1, 1, tzinfo=UTC)))
        >>> e.legal, e.error.allowed[:2]
        (False, ('interest_shown', 'first_purchase'))

    .. versionadded:: 0.1
    """
    try:
        outcome: Outcome | None = _apply(state, event, policy)
        error: RejectionError | None = None
    except (
        EventTransitionError,
        OutOfOrderEventError,
        InvariantError,
    ) as exc:
        outcome, error = None, exc
    candidates: list[RuleCheck] = []
    new = dict(state.__dict__)
    _count_event(event.kind, new, event)
    for stage in (state.loyalty, state.lifecycle):
        first_passing = outcome is not None
        for candidate in policy.rules_for(event.kind, stage):
            checks = _checks(candidate, new, event)
            passed = all(c.passed for c in checks)
            candidates.append(
                RuleCheck(
                    rule=candidate.rule,
                    checks=checks,
                    fired=passed and first_passing,
                )
            )
            if passed:
                first_passing = False
    return Explanation(
        state=state,
        event=event,
        legal=bool(candidates),
        candidates=tuple(candidates),
        outcome=outcome,
        error=error,
    )
