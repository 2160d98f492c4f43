"""Time without threads: the events that time alone makes due.

A service needs no timer per customer: it asks, for a state and an
``as_of``, which events the passing of time has made due, and when the
next one will be. Both answers are derived from the policy's rules, by the
engine itself, never from a clock or a list kept here.

Time alone produces one kind of event: :class:`InactivityObserved`, a check
that carries nothing but its instant. What it does is decided by the
policy's ``inactivity_observed`` rules, and the rules see time through two
*time-based metrics*:

- ``inactive_days``: whole days from the state's ``last_activity_at`` to the
  check's ``as_of``;
- ``days_since_departure``: whole days from the state's ``departed_at`` to
  the check's ``occurred_at``.

Every other metric (counters, departure reason, an event's payload) does
not change while time passes. Whole days are ``(t - base).days``, so a
guard on ``n`` days changes its answer only at ``base + ceil(n)`` days
(``at_least``) or ``base + floor(n) + 1`` days (``at_most``, ``equals``):
between those instants, and the state's last event, the engine's decision
on a check at ``t`` is the same for every ``t``. The first instant at which
it would move a stage is therefore the smallest of those instants (not
before the state's last event, since no event can be applied earlier) at
which :func:`apply_event` moves something: the *due instant*.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Final, cast, final

import attrs
from pydantic import BaseModel

from customer_centric._checks import check_aware, to_utc
from customer_centric._trusted import trusting
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship._engine import (
    Outcome,
    _passes_all,
    apply_event,
)
from customer_centric.relationship._events import InactivityObserved
from customer_centric.relationship._policy import (
    DEFAULT_POLICY,
    CompiledRule,
    Policy,
    check_policy,
    compiled,
)
from customer_centric.relationship._state import (
    RelationshipState,
    check_state,
)

__all__ = [
    "DueEvent",
    "NextDue",
    "due_events",
    "due_events_many",
    "next_due",
    "next_due_many",
]

_KIND: Final = "inactivity_observed"
# The time-based metrics, and the state field each counts days from.
_TIME_BASES: Final[dict[str, str]] = {
    "inactive_days": "last_activity_at",
    "days_since_departure": "departed_at",
}
_check_event: Final[Callable[[dict[str, object]], InactivityObserved]] = (
    trusting(InactivityObserved)
)


@final
@attrs.frozen(kw_only=True)
class DueEvent:
    """An event that time alone made due, and what it does.

    Attributes:
        event: The check to apply: an :class:`InactivityObserved` whose
            ``occurred_at`` and ``as_of`` are the due instant.
        due_at: The instant it became due (see :func:`due_events`).
        rule_ids: The rules that move a stage when it is applied, loyalty
            first.
        outcome: What :func:`apply_event` makes of it: the state it leads
            to and the audit records of its moves.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import due_events
        >>> s = RelationshipState(customer_id="C-1", loyalty="customer",
        ...     peak_loyalty="customer", lifecycle="welcome", purchases=1,
        ...     last_event_at="2025-01-01T00:00:00Z",
        ...     last_activity_at="2025-01-01T00:00:00Z")
        >>> (due,) = due_events(s, as_of=datetime(2025, 6, 1, tzinfo=UTC))
        >>> due.rule_ids, due.due_at.date().isoformat()
        (('lifecycle.gone_quiet',), '2025-04-01')

    .. versionadded:: 0.2
    """

    event: InactivityObserved
    due_at: datetime
    rule_ids: tuple[str, ...]
    outcome: Outcome


@final
@attrs.frozen(kw_only=True)
class NextDue:
    """When a customer's next due event will be.

    Attributes:
        customer_id: Whose state it is.
        due_at: The instant of the next due event.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import next_due_many
        >>> s = RelationshipState(customer_id="C-1", loyalty="customer",
        ...     peak_loyalty="customer", lifecycle="welcome", purchases=1,
        ...     last_event_at="2025-01-01T00:00:00Z",
        ...     last_activity_at="2025-01-01T00:00:00Z")
        >>> [n.due_at.date().isoformat() for n in next_due_many([s])]
        ['2025-04-01']

    .. versionadded:: 0.2
    """

    customer_id: str
    due_at: datetime


def _instants(
    state: RelationshipState, policy: Policy
) -> tuple[list[datetime], tuple[CompiledRule, ...]]:
    """The instants at which a check's decision can change, in time order.

    With them, the rules of the current stages that would move a stage.
    Both are empty when no inactivity rule of those stages moves one.
    """
    table = compiled(policy).table
    rules = (
        *table.get((_KIND, state.loyalty), ()),
        *table.get((_KIND, state.lifecycle), ()),
    )
    movers = tuple(rule for rule in rules if not rule.stay)
    if not movers:
        return [], ()
    last = state.last_event_at
    found: set[datetime] = set() if last is None else {last}
    for rule in rules:
        for metric, _op, required, _threshold in rule.tests:
            field = _TIME_BASES.get(metric)
            base: datetime | None = (
                None if field is None else getattr(state, field)
            )
            if base is None:
                continue
            for days in {math.ceil(required), math.floor(required) + 1}:
                try:
                    when = base + timedelta(days=days)
                except OverflowError:
                    continue
                if last is None or when >= last:
                    found.add(when)
    return sorted(found), movers


def _first_due(
    state: RelationshipState, policy: Policy, until: datetime | None
) -> Outcome | None:
    """The outcome of the first check that moves a stage, up to ``until``.

    The engine decides at each instant; an instant at which no rule that
    moves passes its guards (read by the engine's own test, on the state
    as a check leaves it: a check counts nothing) is skipped unasked.
    """
    instants, movers = _instants(state, policy)
    values = cast("dict[str, object]", state.__dict__)
    for when in instants:
        if until is not None and when > until:
            return None
        event = _check_event(
            {
                "customer_id": state.customer_id,
                "occurred_at": when,
                "event_id": None,
                "kind": _KIND,
                "as_of": when,
            }
        )
        if not any(_passes_all(rule.tests, values, event) for rule in movers):
            continue
        outcome = apply_event(state, event, policy=policy)
        if outcome.changed:
            return outcome
    return None


def _cycle(state: RelationshipState, when: datetime) -> PolicyError:
    msg = (
        f"the policy's inactivity_observed rules move customer "
        f"{state.customer_id!r} in a cycle at {when.isoformat()!r} (back to "
        f"loyalty {state.loyalty.value!r}, lifecycle "
        f"{state.lifecycle.value!r}): every check would move it again. "
        "Give one of the rules in the cycle a guard that stops it"
    )
    return PolicyError(msg)


def _due(
    state: RelationshipState, as_of: datetime, policy: Policy
) -> tuple[DueEvent, ...]:
    out: list[DueEvent] = []
    seen: set[tuple[object, ...]] = set()
    current = state
    while (outcome := _first_due(current, policy, as_of)) is not None:
        when = outcome.event.occurred_at
        if out and out[-1].due_at != when:
            seen.clear()
        key = (
            current.loyalty,
            current.lifecycle,
            current.resume_lifecycle,
            current.departed_at,
            current.departure_reason,
        )
        if key in seen:
            raise _cycle(current, when)
        seen.add(key)
        out.append(
            DueEvent(
                event=outcome.event,  # type: ignore[arg-type]
                due_at=when,
                rule_ids=tuple(r.rule_id for r in outcome.records),
                outcome=outcome,
            )
        )
        current = outcome.state
    return tuple(out)


def _as_of(state: RelationshipState, value: object) -> datetime:
    as_of = to_utc(value, name="as_of")
    last = state.last_event_at
    if last is not None and as_of < last:
        msg = (
            f"as_of {as_of.isoformat()!r} is before the last event of "
            f"customer {state.customer_id!r} at {last.isoformat()!r}; no "
            "event can be applied before it: pass an as_of at or after "
            "last_event_at"
        )
        raise InvariantError(msg)
    return as_of


def due_events(
    state: RelationshipState,
    /,
    *,
    as_of: datetime,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[DueEvent, ...]:
    """The events that time alone has made due for a state by ``as_of``.

    Each is an :class:`InactivityObserved` check at its due instant, with
    the rules it fires. They are derived from the policy's
    ``inactivity_observed`` rules and their guards on the time-based
    metrics: ``inactive_days`` (days from ``last_activity_at``) and
    ``days_since_departure`` (days from ``departed_at``). A rule guarded
    ``at_least n`` days becomes due at that base plus ``ceil(n)`` days; an
    ``at_most`` or ``equals`` guard stops passing at the base plus
    ``floor(n) + 1`` days. The due instant of a check is the first of those
    instants, or the state's last event if it is later (no event can be
    applied before it), at which :func:`apply_event` would move a stage; a
    check that would only be accepted (a ``stay`` rule) is not due. So a
    custom policy gets its own due events: a rule on inactivity guarded on
    ``days_since_departure`` makes the end of a win-back window due.

    When several thresholds have passed, the answer is the *sequence* of
    due events in time order, each applied to the state the previous one
    left: a customer quiet for 400 days moves to potential divorce at 90
    days and to divorce at 365, with those instants as ``lifecycle_since``
    and ``departed_at``, exactly as a daily check would have moved them.
    Applying the events with :func:`apply_event` (or :func:`replay`) gives
    the final state, and nothing more is due for it at ``as_of``. A rule
    whose guard still passes after it fired fires again on the next check:
    the default lapse rule counts inactive days from the last activity, so
    one check moves a client one rung down and the following one another
    rung, and both are due at the same instant.

    Args:
        state: The customer's state; not modified.
        as_of: The instant to look up to (aware; not before the state's
            last event).
        policy: The thresholds and rules.

    Returns:
        The due events, in time order; empty when nothing is due.

    Raises:
        InvariantError: ``as_of`` is naive, out of range or before the
            state's last event.
        PolicyError: The policy's inactivity rules move the customer in a
            cycle at one instant.
        ArgumentTypeError: An argument is of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState, apply_event
        >>> from customer_centric.relationship import due_events
        >>> s = RelationshipState(customer_id="C-1", loyalty="client",
        ...     peak_loyalty="client", lifecycle="account_management",
        ...     purchases=3, last_event_at="2025-01-01T00:00:00Z",
        ...     last_activity_at="2025-01-01T00:00:00Z")
        >>> due = due_events(s, as_of=datetime(2026, 6, 1, tzinfo=UTC))
        >>> [(d.due_at.date().isoformat(), d.rule_ids) for d in due]
        [('2025-04-01', ('lifecycle.gone_quiet',)), \
('2025-06-30', ('loyalty.lapse',)), ('2026-01-01', \
('lifecycle.presumed_lost',))]
        >>> for d in due:
        ...     s = apply_event(s, d.event).state
        >>> s.loyalty.value, s.lifecycle.value, s.departed_at.date()
        ('customer', 'divorce', datetime.date(2026, 1, 1))
        >>> due_events(s, as_of=datetime(2026, 6, 1, tzinfo=UTC))
        ()

    .. versionadded:: 0.2
    """
    check_state(state)
    check_policy(policy)
    return _due(state, _as_of(state, as_of), policy)


def next_due(
    state: RelationshipState, /, *, policy: Policy = DEFAULT_POLICY
) -> datetime | None:
    """When the state's next due event will be, or None if none ever will.

    The instant is the ``due_at`` of the first event :func:`due_events`
    would return for any ``as_of`` at or after it, computed as described
    there; it is never before the state's last event. At ``as_of`` equal to
    it something is due, and before it nothing is.

    Args:
        state: The customer's state.
        policy: The thresholds and rules.

    Returns:
        The instant (UTC), or None when no passing of time moves the state.

    Raises:
        ArgumentTypeError: An argument is of the wrong type.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import next_due
        >>> s = RelationshipState(customer_id="C-1", loyalty="customer",
        ...     peak_loyalty="customer", lifecycle="welcome", purchases=1,
        ...     last_event_at="2025-01-01T00:00:00Z",
        ...     last_activity_at="2025-01-01T00:00:00Z")
        >>> next_due(s).isoformat()
        '2025-04-01T00:00:00+00:00'
        >>> next_due(RelationshipState(customer_id="C-2")) is None
        True

    .. versionadded:: 0.2
    """
    check_state(state)
    check_policy(policy)
    outcome = _first_due(state, policy, None)
    return None if outcome is None else outcome.event.occurred_at


def _states(states: object) -> Iterator[RelationshipState]:
    """The states one by one, checked, each customer once."""
    if not isinstance(states, Iterable) or isinstance(
        states, str | bytes | Mapping | BaseModel
    ):
        raise ArgumentTypeError.for_argument(
            "states", states, "an iterable of RelationshipState records"
        )
    seen: set[str] = set()
    for index, item in enumerate(cast("Iterable[object]", states)):
        state = check_state(item, name=f"states[{index}]")
        if state.customer_id in seen:
            msg = (
                f"customer {state.customer_id!r} appears twice in states (at "
                f"index {index}); pass one state per customer"
            )
            raise InvariantError(msg)
        seen.add(state.customer_id)
        yield state


def due_events_many(
    states: Iterable[RelationshipState],
    /,
    *,
    as_of: datetime,
    policy: Policy = DEFAULT_POLICY,
) -> dict[str, tuple[DueEvent, ...]]:
    """:func:`due_events` for many customers, one state each.

    Returns:
        The due events by customer id, in the order of ``states``; only the
        customers with something due.

    Raises:
        InvariantError: ``as_of`` is naive or before a state's last event,
            or a customer appears twice.
        PolicyError: The policy's inactivity rules move a customer in a
            cycle at one instant.
        ArgumentTypeError: An argument is of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import due_events_many
        >>> quiet = RelationshipState(customer_id="C-1", loyalty="customer",
        ...     peak_loyalty="customer", lifecycle="welcome", purchases=1,
        ...     last_event_at="2025-01-01T00:00:00Z",
        ...     last_activity_at="2025-01-01T00:00:00Z")
        >>> new = RelationshipState(customer_id="C-2")
        >>> due = due_events_many([quiet, new],
        ...                       as_of=datetime(2025, 6, 1, tzinfo=UTC))
        >>> {c: [d.rule_ids for d in e] for c, e in due.items()}
        {'C-1': [('lifecycle.gone_quiet',)]}

    .. versionadded:: 0.2
    """
    check_policy(policy)
    check_aware(as_of, name="as_of")
    out: dict[str, tuple[DueEvent, ...]] = {}
    for state in _states(states):
        found = _due(state, _as_of(state, as_of), policy)
        if found:
            out[state.customer_id] = found
    return out


def next_due_many(
    states: Iterable[RelationshipState],
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
) -> tuple[NextDue, ...]:
    """:func:`next_due` for many customers: a schedule, soonest first.

    Returns:
        One :class:`NextDue` per customer with something ever due, sorted
        by ``due_at`` and then customer id.

    Raises:
        InvariantError: A customer appears twice.
        ArgumentTypeError: An argument is of the wrong type.

    Examples:
        >>> from customer_centric import RelationshipState
        >>> from customer_centric.relationship import next_due_many
        >>> def client(cid, day):
        ...     return RelationshipState(customer_id=cid, loyalty="client",
        ...         peak_loyalty="client", lifecycle="account_management",
        ...         purchases=3, last_event_at=day, last_activity_at=day)
        >>> schedule = next_due_many([client("C-1", "2025-03-01T00:00:00Z"),
        ...                           client("C-2", "2025-01-01T00:00:00Z")])
        >>> [(n.customer_id, n.due_at.date().isoformat()) for n in schedule]
        [('C-2', '2025-04-01'), ('C-1', '2025-05-30')]

    .. versionadded:: 0.2
    """
    check_policy(policy)
    out: list[NextDue] = []
    for state in _states(states):
        outcome = _first_due(state, policy, None)
        if outcome is not None:
            out.append(
                NextDue(
                    customer_id=state.customer_id,
                    due_at=outcome.event.occurred_at,
                )
            )
    out.sort(key=lambda n: (n.due_at, n.customer_id))
    return tuple(out)
