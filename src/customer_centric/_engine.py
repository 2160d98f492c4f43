"""The relationship engine: apply events to states under a policy.

Pure functions: the state, the event and the policy go in, an answer comes
out; nothing is mutated, read from a clock or stored between calls (the
policy's lookup table is computed once when the policy is created).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias, cast, final

import attrs

from customer_centric._events import (
    EVENT_KINDS,
    Event,
    EventKind,
)
from customer_centric._policy import DEFAULT_POLICY, Policy, Rule
from customer_centric._relationship import (
    GuardCheck,
    RelationshipState,
    TransitionRecord,
    trusted,
)
from customer_centric._stages import (
    DepartureReason,
    LifecycleStage,
    LoyaltyStage,
)
from customer_centric.exceptions import (
    InvalidTransitionError,
    InvariantError,
    OutOfOrderEventError,
)

if TYPE_CHECKING:
    from datetime import datetime

    from customer_centric._policy import CompiledRule, Dimension
    from customer_centric._types import CustomerId

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

RejectionError: TypeAlias = (
    InvalidTransitionError | OutOfOrderEventError | InvariantError
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
        >>> from customer_centric import (RelationshipState, RepeatPurchase,
        ...     FirstPurchase, apply_event)
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
        >>> from customer_centric import (RelationshipState, FirstPurchase,
        ...     apply_event)
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
        return tuple(_record(customer_id, fingerprint, m) for m in self._moves)

    @property
    def changed(self) -> bool:
        """Whether at least one stage moved."""
        return bool(self._moves)


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
        >>> from customer_centric import RepeatPurchase, replay
        >>> r = replay([RepeatPurchase(customer_id="C-1",
        ...     occurred_at=datetime(2025, 1, 1, tzinfo=UTC))],
        ...     on_error="collect")
        >>> r.rejected[0].index, type(r.rejected[0].error).__name__
        (0, 'InvalidTransitionError')

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

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import (InterestShown, FirstPurchase,
        ...     replay)
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
    _moves: tuple[_Move, ...] = attrs.field(alias="moves", repr=False)
    _fingerprint: str = attrs.field(alias="fingerprint", repr=False)

    @functools.cached_property
    def history(self) -> tuple[TransitionRecord, ...]:
        """Every move, in order, as transition records (built when read)."""
        customer_id = self.state.customer_id
        return tuple(
            _record(customer_id, self._fingerprint, move)
            for move in self._moves
        )

    def last_record(self, dimension: Dimension, /) -> TransitionRecord | None:
        """The latest move in a dimension, which says why it is where it is."""
        for index in range(len(self._moves) - 1, -1, -1):
            if self._moves[index][0] == dimension:
                return self.history[index]
        return None


@final
@attrs.frozen(kw_only=True)
class AvailableEvent:
    """An event kind some rule accepts from the current stages.

    Attributes:
        kind: The event kind.
        rules: The rules that would be tried, loyalty first, in order.

    Examples:
        >>> from customer_centric import RelationshipState, available_events
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
        >>> from customer_centric import (RelationshipState, ComplaintFiled,
        ...     explain)
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


def _checks(
    compiled: CompiledRule, new: dict[str, object], event: Event
) -> tuple[GuardCheck, ...]:
    out = []
    for cg in compiled.guards:
        guard = cg.guard
        observed = _METRICS[guard.metric](new, event)
        out.append(
            trusted(
                GuardCheck,
                {
                    "metric": guard.metric,
                    "op": guard.op,
                    "threshold": guard.threshold,
                    "observed": observed,
                    "required": cg.required,
                    "passed": _passes(guard.op, observed, cg.required),
                },
            )
        )
    return tuple(out)


# --- the engine ------------------------------------------------------------


def _count_event(kind: str, new: dict[str, Any], event: Event) -> None:
    """Update the counters an event changes, whatever the stages do."""
    if kind == "repeat_purchase" or kind == "first_purchase":  # noqa: PLR1714 - faster than a set here
        new["purchases"] += 1
    elif kind == "referral_made":
        new["referrals"] += 1
    elif kind == "complaint_filed":
        new["open_complaints"] += 1
    elif kind == "complaint_resolved":
        new["open_complaints"] = max(0, new["open_complaints"] - 1)
    elif kind == "needs_profiled":
        new["needs_profiled"] = True
    elif kind == "win_back_attempted":
        new["win_back_attempts"] += 1
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
    target = rule.target
    if isinstance(target, LoyaltyStage | LifecycleStage):
        return target
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
) -> InvalidTransitionError:
    state = trusted(RelationshipState, current)
    return InvalidTransitionError._for_event(  # noqa: SLF001 - our own
        state.customer_id,
        event.kind,
        loyalty=state.loyalty.value,
        lifecycle=state.lifecycle.value,
        allowed=_allowed(state, policy),
    )


# A move as the engine first records it: plain strings, a datetime and a
# (usually empty) tuple, which the garbage collector stops tracking, so that
# replaying millions of events does not slow every collection down. Records
# are built from moves when they are read.
_Move: TypeAlias = tuple[
    str,
    str,
    str,
    str,
    str,
    tuple[GuardCheck, ...],
    str,
    "str | None",
    "datetime",
]
_Step: TypeAlias = tuple[dict[str, Any], list[_Move], list["HeldRule"]]

_STAGE_BY_VALUE: Final[dict[str, LoyaltyStage | LifecycleStage]] = {
    **{stage.value: stage for stage in LoyaltyStage},
    **{stage.value: stage for stage in LifecycleStage},
}


def _record(
    customer_id: str, fingerprint: str, move: _Move
) -> TransitionRecord:
    dimension, before, after, rule_id, reason, checks, kind, event_id, when = (
        move
    )
    return trusted(
        TransitionRecord,
        {
            "customer_id": customer_id,
            "dimension": dimension,
            "from_stage": _STAGE_BY_VALUE[before],
            "to_stage": _STAGE_BY_VALUE[after],
            "rule_id": rule_id,
            "reason": reason,
            "guards": checks,
            "policy_fingerprint": fingerprint,
            "event_kind": kind,
            "event_id": event_id,
            "occurred_at": when,
        },
    )


def _step(  # noqa: C901, PLR0912 - the hot path stays in one frame
    current: dict[str, Any],
    event: Event,
    policy: Policy,
    in_place: bool = False,  # noqa: FBT001, FBT002 - private, hot path
) -> _Step:
    """Apply an event to a state's field values; return the new values.

    Works on the ``__dict__`` of an already validated state so that replays
    build a state record only once per customer, not once per event. With
    ``in_place`` the replays update their own private copy instead of
    allocating a new dictionary per event (fewer objects for the garbage
    collector to promote and scan); every refusal is raised before anything
    is written, so a refused event leaves the copy as it was.
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
    compiled = policy._compiled  # noqa: SLF001 - the engine owns it
    table = compiled.table
    loyalty_rules = table.get((kind, loyalty), ())
    lifecycle_rules = table.get((kind, lifecycle), ())
    if not loyalty_rules and not lifecycle_rules:
        raise _refuse(current, event, policy)
    new = current if in_place else current.copy()
    _count_event(kind, new, event)
    if last is None or when > last:
        new["last_event_at"] = when
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
            checks: tuple[GuardCheck, ...] = ()
            if rule.guards:
                checks = _checks(rule, new, event)
                if not all(c.passed for c in checks):
                    waiting.append((rule, checks))
                    continue
            if rule.stay:
                break
            to = rule.static_target or _target(rule.rule, stage, new, policy)
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
                    stage.value,
                    to.value,
                    rule.rule.id,
                    rule.rule.reason,
                    checks,
                    kind,
                    event.event_id,
                    when,
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
    return new, moves, held


def _apply(state: RelationshipState, event: Event, policy: Policy) -> Outcome:
    new, moves, held = _step(state.__dict__, event, policy)
    return _outcome(
        trusted(RelationshipState, new),
        tuple(moves),
        tuple(held),
        event,
        policy.fingerprint,
    )


# Answers the engine builds on every event are filled through their slot
# descriptors, which skips the frozen-class ``__setattr__`` indirection of
# the generated ``__init__`` (about three times faster); the values come
# from the engine itself, so nothing needs checking.
_new = object.__new__
_OUTCOME_SLOTS: Final = tuple(
    Outcome.__dict__[name].__set__
    for name in ("state", "_moves", "held", "event", "policy_fingerprint")
)
_HELD_SLOTS: Final = tuple(
    HeldRule.__dict__[name].__set__
    for name in ("rule_id", "dimension", "target", "failed")
)


def _outcome(
    state: RelationshipState,
    moves: tuple[_Move, ...],
    held: tuple[HeldRule, ...],
    event: Event,
    fingerprint: str,
) -> Outcome:
    out: Outcome = _new(Outcome)
    set_state, set_moves, set_held, set_event, set_fingerprint = _OUTCOME_SLOTS
    set_state(out, state)
    set_moves(out, moves)
    set_held(out, held)
    set_event(out, event)
    set_fingerprint(out, fingerprint)
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

    Args:
        state: The customer's current state; not modified.
        event: The event, for the same customer.
        policy: The thresholds and rules.

    Returns:
        The new state, one record per moved dimension, and the held rules.

    Raises:
        InvalidTransitionError: No rule accepts the event in either
            dimension; ``allowed`` lists the event kinds that would be
            accepted.
        OutOfOrderEventError: The event is older than the state's last
            event and the policy does not allow that.
        InvariantError: The event is for another customer.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import (RelationshipState, InterestShown,
        ...     FirstPurchase, apply_event)
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
        >>> from customer_centric import Reactivated
        >>> apply_event(out.state, Reactivated(customer_id="C-1",
        ...                                    occurred_at=t))
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvalidTransitionError: cannot apply \
'reactivated' to customer 'C-1' in loyalty stage 'customer' and lifecycle \
stage 'welcome': no rule of the policy allows it; allowed from here: ...

    .. versionadded:: 0.1
    """
    return _apply(state, event, policy)


def replay(
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
        InvalidTransitionError: With ``on_error="raise"``, as
            :func:`apply_event`.
        OutOfOrderEventError: Same.
        InvariantError: Events for several customers, or neither events nor
            an initial state.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import (FirstPurchase, RepeatPurchase,
        ...     replay)
        >>> days = [datetime(2025, 1, d, tzinfo=UTC) for d in (1, 8, 15)]
        >>> r = replay([FirstPurchase(customer_id="C-1", occurred_at=days[0]),
        ...     *(RepeatPurchase(customer_id="C-1", occurred_at=d)
        ...       for d in days[1:])])
        >>> r.state.loyalty.value, r.state.purchases
        ('client', 3)

    .. versionadded:: 0.1
    """
    state = initial
    moves: list[_Move] = []
    rejected: list[Rejection] = []
    applied = 0
    current: dict[str, Any] | None = (
        None if state is None else state.__dict__.copy()
    )
    for index, event in enumerate(events):
        if current is None:
            current = RelationshipState(
                customer_id=event.customer_id
            ).__dict__.copy()
        try:
            current, new_moves, _ = _step(current, event, policy, True)  # noqa: FBT003
        except (
            InvalidTransitionError,
            OutOfOrderEventError,
            InvariantError,
        ) as exc:
            if on_error == "raise" or (
                isinstance(exc, InvariantError)
                and event.customer_id != current["customer_id"]
            ):
                raise
            rejected.append(Rejection(index=index, event=event, error=exc))
            continue
        moves.extend(new_moves)
        applied += 1
    if current is None:
        msg = (
            "replay() needs at least one event or an initial state; pass "
            "initial=RelationshipState(customer_id=...) for an empty history"
        )
        raise InvariantError(msg)
    return Replay(
        state=trusted(RelationshipState, current),
        moves=tuple(moves),
        fingerprint=policy.fingerprint,
        rejected=tuple(rejected),
        applied=applied,
    )


def replay_many(
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
        InvalidTransitionError: With ``on_error="raise"``, as
            :func:`apply_event`.
        OutOfOrderEventError: Same.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import (FirstPurchase, InterestShown,
        ...     replay_many)
        >>> t = datetime(2025, 1, 1, tzinfo=UTC)
        >>> out = replay_many([InterestShown(customer_id="A", occurred_at=t),
        ...                    FirstPurchase(customer_id="B", occurred_at=t)])
        >>> {cid: r.state.loyalty.value for cid, r in out.items()}
        {'A': 'prospect', 'B': 'customer'}

    .. versionadded:: 0.1
    """
    states: dict[CustomerId, dict[str, Any]] = {
        cid: state.__dict__.copy() for cid, state in (initial or {}).items()
    }
    histories: dict[CustomerId, list[_Move]] = {}
    rejected: dict[CustomerId, list[Rejection]] = {}
    applied: dict[CustomerId, int] = {}
    collect = on_error == "collect"
    step = _step
    fingerprint = policy.fingerprint
    for index, event in enumerate(events):
        cid = event.customer_id
        current = states.get(cid)
        if current is None:
            current = states[cid] = RelationshipState(
                customer_id=cid
            ).__dict__.copy()
        try:
            _, moves, _ = step(current, event, policy, True)  # noqa: FBT003
        except (InvalidTransitionError, OutOfOrderEventError) as exc:
            if not collect:
                raise
            rejected.setdefault(cid, []).append(
                Rejection(index=index, event=event, error=exc)
            )
            continue
        if moves:
            histories.setdefault(cid, []).extend(moves)
        applied[cid] = applied.get(cid, 0) + 1
    return {
        cid: Replay(
            state=trusted(RelationshipState, values),
            moves=tuple(histories.get(cid, ())),
            fingerprint=fingerprint,
            rejected=tuple(rejected.get(cid, ())),
            applied=applied.get(cid, 0),
        )
        for cid, values in states.items()
    }


def available_events(
    state: RelationshipState, /, *, policy: Policy = DEFAULT_POLICY
) -> tuple[AvailableEvent, ...]:
    """The event kinds some rule accepts from the current stages.

    An event listed here will not raise
    :class:`~customer_centric.exceptions.InvalidTransitionError`; it
    may still be held when its guards are not met. Nothing is applied.

    Args:
        state: The customer's state.
        policy: The thresholds and rules.

    Returns:
        Each accepted kind with the rules that would be tried, in
        :data:`EVENT_KINDS` order.

    Examples:
        >>> from customer_centric import (RelationshipState,
        ...     available_events)
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
        >>> from customer_centric import (RelationshipState, RepeatPurchase,
        ...     explain)
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
        InvalidTransitionError,
        OutOfOrderEventError,
        InvariantError,
    ) as exc:
        outcome, error = None, exc
    candidates: list[RuleCheck] = []
    new = dict(state.__dict__)
    _count_event(event.kind, new, event)
    for stage in (state.loyalty, state.lifecycle):
        first_passing = outcome is not None
        for compiled in policy.rules_for(event.kind, stage):
            checks = _checks(compiled, new, event)
            passed = all(c.passed for c in checks)
            candidates.append(
                RuleCheck(
                    rule=compiled.rule,
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
