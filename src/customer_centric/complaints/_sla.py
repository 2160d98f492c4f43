"""SLA clocks as service desks run them: metrics, policies, warnings, report.

A complaint's history records status moves, not messages, so the clocks
read replies off the moves (:class:`ClockEvent`). A :class:`SlaMetric` says
which events start and stop its clock and whether it is

* **pausing**: one clock from the first start, counting only while a cycle
  runs and never while the complaint sits in ``pause_statuses`` (waiting
  on the customer); or
* **restart**: a fresh clock for every cycle (first reply, next reply,
  periodic update), each measured on its own.

A restart metric and its :func:`pausing_twin` count the same cycles; the
twin adds them up, so at any ``as_of`` the restart clock has used no more
time than its twin and is never due earlier.

An :class:`SlaPolicy` (versioned and fingerprinted) holds the targets per
metric and priority, the :class:`BusinessHours` they count in and the
:class:`WarningLevel` entries with their action codes; :func:`select_policy`
picks the first policy whose :class:`SlaCondition` matches;
:func:`sla_status` evaluates one complaint at ``as_of`` and
:func:`attainment` reports over many.

Design references, not legal sources: Zendesk SLA policies (first reply
time, next reply time, periodic update, requester wait time; policies
matched in order, first match wins) and Salesforce entitlement milestones
(warning and violation actions at set times).
"""

from __future__ import annotations

import enum
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from typing import Final, Literal, Self, TypedDict, final

import attrs
from pydantic import BaseModel, ConfigDict, Field, model_validator

from customer_centric._checks import (
    check_instance,
    check_items,
    check_member,
)
from customer_centric._customer import CustomerType
from customer_centric._fingerprint import fingerprint
from customer_centric._frozen import FrozenMap, SortedSet
from customer_centric._types import DECIMAL_CONTEXT, ComplaintId
from customer_centric.complaints._complaint import (
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
    StatusChange,
)
from customer_centric.complaints._deadlines import (
    DeadlineStatus,
    check_as_of,
    paused_intervals,
    share_of,
)
from customer_centric.complaints._hours import (
    BusinessHours,
    ClockTarget,
    advance_clock,
    counted_time,
    counting_hours,
    required_time,
)
from customer_centric.complaints._triage import Priority
from customer_centric.exceptions import InvariantError, PolicyError

__all__ = [
    "FIRST_REPLY",
    "NEXT_REPLY",
    "PERIODIC_UPDATE",
    "REQUESTER_WAIT",
    "Alert",
    "AttainmentRow",
    "ClockEvent",
    "ClockRow",
    "MetricClock",
    "SlaCondition",
    "SlaMetric",
    "SlaPolicy",
    "SlaStatus",
    "SlaTarget",
    "WarningLevel",
    "attainment",
    "attainment_row",
    "clock_rows",
    "metric_clocks",
    "pausing_twin",
    "select_policy",
    "sla_status",
]

_S = ComplaintStatus
_MAX_DAYS: Final = 3660


@enum.unique
class ClockEvent(enum.StrEnum):
    """What starts or stops an SLA clock, read off the complaint's history.

    * ``RECEIVED``: the complaint arrives (``received_at``).
    * ``FIRM_REPLY``: a move into ``acknowledged``, ``awaiting_customer``
      or ``responded`` (each tells the complainant something).
    * ``CUSTOMER_REPLY``: a move out of ``awaiting_customer``, or into
      ``reopened`` (the complainant came back).
    * ``RESOLVED``: a move into ``responded`` or ``closed``.

    One move can be several events, taken in the order above (customer
    reply before firm reply before resolution).

    Examples:
        >>> from customer_centric.complaints import ClockEvent
        >>> ClockEvent("firm_reply")
        <ClockEvent.FIRM_REPLY: 'firm_reply'>

    .. versionadded:: 0.2
    """

    RECEIVED = "received"
    FIRM_REPLY = "firm_reply"
    CUSTOMER_REPLY = "customer_reply"
    RESOLVED = "resolved"


_FIRM_REPLY_STATUSES: Final = frozenset(
    {_S.ACKNOWLEDGED, _S.AWAITING_CUSTOMER, _S.RESPONDED}
)
_RESOLVED_STATUSES: Final = frozenset({_S.RESPONDED, _S.CLOSED})


def _events(change: StatusChange) -> tuple[ClockEvent, ...]:
    found: list[ClockEvent] = []
    if (
        change.from_status is _S.AWAITING_CUSTOMER
        or change.to_status is _S.REOPENED
    ):
        found.append(ClockEvent.CUSTOMER_REPLY)
    if change.to_status in _FIRM_REPLY_STATUSES:
        found.append(ClockEvent.FIRM_REPLY)
    if change.to_status in _RESOLVED_STATUSES:
        found.append(ClockEvent.RESOLVED)
    return tuple(found)


class SlaMetric(BaseModel):
    """What an SLA clock measures: its start and stop events, and its kind.

    A cycle starts on an event of ``starts_on`` when none runs (and the
    complaint is not resolved), and stops on an event of ``stops_on``; an
    event in both stops the running cycle and starts the next. Time while
    the complaint is in ``pause_statuses`` never counts.

    Attributes:
        name: Stable identifier, unique within a policy.
        kind: ``"pausing"`` (one clock over all cycles) or ``"restart"``
            (a clock per cycle).
        starts_on: Events that start a cycle.
        stops_on: Events that stop it.
        pause_statuses: Statuses during which the clock does not count.

    Examples:
        >>> from customer_centric.complaints import NEXT_REPLY
        >>> NEXT_REPLY.kind, sorted(NEXT_REPLY.stops_on)
        ('restart', [<ClockEvent.FIRM_REPLY: 'firm_reply'>, \
<ClockEvent.RESOLVED: 'resolved'>])

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    kind: Literal["pausing", "restart"]
    starts_on: SortedSet[ClockEvent] = Field(min_length=1)
    stops_on: SortedSet[ClockEvent] = Field(min_length=1)
    pause_statuses: SortedSet[ComplaintStatus] = frozenset()

    @model_validator(mode="after")
    def _pauses_can_end(self) -> Self:
        never = {_S.RECEIVED, _S.CLOSED} & self.pause_statuses
        if never:
            msg = (
                f"metric {self.name!r} pauses on "
                f"{sorted(s.value for s in never)!r}; a clock cannot pause on "
                "receipt or after closing, drop them from pause_statuses"
            )
            raise PolicyError(msg)
        return self


FIRST_REPLY: Final = SlaMetric(
    name="first_reply",
    kind="restart",
    starts_on=frozenset({ClockEvent.RECEIVED}),
    stops_on=frozenset({ClockEvent.FIRM_REPLY, ClockEvent.RESOLVED}),
)
"""From receipt to the firm's first reply (Zendesk "first reply time").

.. versionadded:: 0.2
"""

NEXT_REPLY: Final = SlaMetric(
    name="next_reply",
    kind="restart",
    starts_on=frozenset({ClockEvent.RECEIVED, ClockEvent.CUSTOMER_REPLY}),
    stops_on=frozenset({ClockEvent.FIRM_REPLY, ClockEvent.RESOLVED}),
)
"""From each customer message to the firm's next reply (Zendesk "next reply
time"), restarting on every customer reply.

.. versionadded:: 0.2
"""

PERIODIC_UPDATE: Final = SlaMetric(
    name="periodic_update",
    kind="restart",
    starts_on=frozenset({ClockEvent.FIRM_REPLY}),
    stops_on=frozenset({ClockEvent.FIRM_REPLY, ClockEvent.RESOLVED}),
)
"""Between the firm's replies until resolution (Zendesk "periodic update"),
restarting on every firm reply.

.. versionadded:: 0.2
"""

REQUESTER_WAIT: Final = SlaMetric(
    name="requester_wait",
    kind="pausing",
    starts_on=frozenset({ClockEvent.RECEIVED, ClockEvent.CUSTOMER_REPLY}),
    stops_on=frozenset({ClockEvent.RESOLVED}),
    pause_statuses=frozenset({_S.AWAITING_CUSTOMER}),
)
"""From receipt to resolution, paused while waiting on the customer and
resumed if the complaint is reopened (Zendesk "requester wait time").

.. versionadded:: 0.2
"""


def pausing_twin(metric: SlaMetric, /) -> SlaMetric:
    """The pausing metric that adds up ``metric``'s cycles.

    Same events and pauses, kind ``"pausing"``, name suffixed ``:pausing``.
    A restart metric's clock never reads more than its twin's.

    Examples:
        >>> from customer_centric.complaints import NEXT_REPLY, pausing_twin
        >>> pausing_twin(NEXT_REPLY).name
        'next_reply:pausing'

    .. versionadded:: 0.2
    """
    metric = check_instance(metric, SlaMetric, name="metric")
    return SlaMetric(
        name=f"{metric.name}:pausing",
        kind="pausing",
        starts_on=metric.starts_on,
        stops_on=metric.stops_on,
        pause_statuses=metric.pause_statuses,
    )


class WarningLevel(BaseModel):
    """A share of a target at which an action is due.

    Attributes:
        share: Share of the allowed time, in (0, 1]; 1 is the breach.
        action: The action code a host application acts on, such as
            ``"notify_agent"`` or ``"escalate_manager"``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import WarningLevel
        >>> WarningLevel(share=Decimal("0.75"), action="notify_lead").share
        Decimal('0.75')

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    share: Decimal
    action: str = Field(min_length=1)

    @model_validator(mode="after")
    def _in_range(self) -> Self:
        if not 0 < self.share <= 1:
            msg = (
                f"warning level share must be in (0, 1], got "
                f"{self.share!r}; write 75 % as Decimal('0.75') and the "
                "breach as Decimal('1')"
            )
            raise PolicyError(msg)
        if not self.action.strip():
            msg = (
                f"warning level {self.share} has a blank action "
                f"{self.action!r}; give the action code to run"
            )
            raise PolicyError(msg)
        return self


class SlaCondition(BaseModel):
    """Which complaints a policy applies to; ``None`` matches anything.

    Attributes:
        priorities: Priorities it applies to.
        channels: Channels it applies to.
        customer_types: Customer types it applies to (an unknown type
            matches only ``None``).
        regulated: Whether the complaint falls under a regulator's rules.

    Examples:
        >>> from customer_centric.complaints import Priority, SlaCondition
        >>> SlaCondition(priorities=frozenset({Priority.URGENT})).regulated
        >>> SlaCondition().priorities is None
        True

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    priorities: frozenset[Priority] | None = None
    channels: frozenset[ComplaintChannel] | None = None
    customer_types: frozenset[CustomerType] | None = None
    regulated: bool | None = None


class SlaTarget(BaseModel):
    """A metric and its target per priority.

    Attributes:
        metric: What is measured.
        targets: The target of each priority; a priority left out has no
            target for this metric.

    Examples:
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, ClockTarget, Priority, SlaTarget)
        >>> hour = ClockTarget(amount=1, unit="business_hours")
        >>> SlaTarget(metric=FIRST_REPLY,
        ...           targets={Priority.URGENT: hour}).metric.name
        'first_reply'

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: SlaMetric
    targets: FrozenMap[Priority, ClockTarget]


class SlaPolicy(BaseModel):
    """A versioned SLA policy: when it applies, its targets and warnings.

    Attributes:
        name: What the policy is called.
        version: Its version (raise it on every change; the fingerprint
            records the exact content).
        condition: Which complaints it applies to.
        hours: The business hours business targets count in.
        targets: The metrics and their targets; metric names are unique.
        warnings: Warning levels in increasing share, each with its action.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, ClockTarget, Priority, SlaPolicy, SlaTarget,
        ...     WarningLevel)
        >>> policy = SlaPolicy(
        ...     name="retail", version=3,
        ...     targets=(SlaTarget(metric=FIRST_REPLY, targets={
        ...         p: ClockTarget(amount=4, unit="business_hours")
        ...         for p in Priority}),),
        ...     warnings=(WarningLevel(share=Decimal("0.5"), action="notify"),
        ...               WarningLevel(share=Decimal("1"), action="escalate")))
        >>> len(policy.fingerprint)
        64

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    condition: SlaCondition = SlaCondition()
    hours: BusinessHours = BusinessHours()
    targets: tuple[SlaTarget, ...]
    warnings: tuple[WarningLevel, ...] = ()

    @model_validator(mode="after")
    def _unique_and_sorted(self) -> Self:
        names = [target.metric.name for target in self.targets]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            msg = (
                f"SLA policy {self.name!r} has metrics {twice!r} more than "
                "once; keep one SlaTarget per metric"
            )
            raise PolicyError(msg)
        shares = [level.share for level in self.warnings]
        if any(a >= b for a, b in itertools.pairwise(shares)):
            msg = (
                f"SLA policy {self.name!r} has warning levels "
                f"{[str(s) for s in shares]!r}; list them once each in "
                f"increasing share: {[str(s) for s in sorted(set(shares))]!r}"
            )
            raise PolicyError(msg)
        return self

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the policy's canonical JSON, recorded with results."""
        return fingerprint(self)


def _matches(
    condition: SlaCondition,
    complaint: Complaint,
    priority: Priority,
    customer_type: CustomerType | None,
    *,
    regulated: bool,
) -> bool:
    return (
        (condition.priorities is None or priority in condition.priorities)
        and (
            condition.channels is None
            or complaint.channel in condition.channels
        )
        and (
            condition.customer_types is None
            or customer_type in condition.customer_types
        )
        and (condition.regulated is None or regulated is condition.regulated)
    )


def select_policy(
    complaint: Complaint,
    /,
    *,
    policies: Sequence[SlaPolicy],
    priority: Priority,
    customer_type: CustomerType | None = None,
    regulated: bool = False,
) -> SlaPolicy | None:
    """The first policy whose condition matches, or ``None``.

    Order the policies from most to least specific and end with one whose
    condition is empty to catch the rest.

    Raises:
        InvariantError: ``priority`` or ``customer_type`` is not a member.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, ClockTarget, Priority, SlaCondition, SlaPolicy,
        ...     SlaTarget, select_policy)
        >>> first = SlaTarget(metric=FIRST_REPLY, targets={
        ...     p: ClockTarget(amount=1, unit="calendar_days")
        ...     for p in Priority})
        >>> only_urgent = SlaCondition(priorities=frozenset({Priority.URGENT}))
        >>> urgent = SlaPolicy(name="urgent", version=1, targets=(first,),
        ...                    condition=only_urgent)
        >>> other = SlaPolicy(name="other", version=1, targets=(first,))
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1", severity="low",
        ...     channel="email", received_at=datetime(2026, 3, 2, tzinfo=UTC))
        >>> select_policy(complaint, policies=[urgent, other],
        ...               priority=Priority.LOW).name
        'other'

    .. versionadded:: 0.2
    """
    complaint = check_instance(complaint, Complaint, name="complaint")
    priority = check_member(priority, Priority, name="priority")
    if customer_type is not None:
        customer_type = check_member(
            customer_type, CustomerType, name="customer_type"
        )
    regulated = check_instance(regulated, bool, name="regulated")
    for policy in check_items(policies, SlaPolicy, name="policies"):
        if _matches(
            policy.condition,
            complaint,
            priority,
            customer_type,
            regulated=regulated,
        ):
            return policy
    return None


@final
@attrs.frozen(kw_only=True)
class MetricClock:
    """One cycle of an SLA metric (the whole clock for a pausing one).

    Attributes:
        metric: The metric's name.
        kind: ``"pausing"`` or ``"restart"``.
        cycle: The cycle's number, from 1 (always 1 for a pausing metric).
        started_at: When the cycle (the clock) started.
        stopped_at: When it stopped, if by ``as_of``.
        due_at: When it is (or was) due, in the hours' zone; a clock paused
            at ``as_of`` is due as if it resumed then.
        elapsed: The counted time (open time for business targets).
        allowed: The counted time the target allows.
        used_share: ``elapsed / allowed``, above 1 when late.
        status: ``on_track`` (running, not late), ``met`` or ``breached``.
        paused: Whether the clock is paused at ``as_of``.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, BusinessHours, ClockTarget, metric_clocks)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1", severity="low",
        ...     channel="email",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        >>> (clock,) = metric_clocks(
        ...     complaint, metric=FIRST_REPLY,
        ...     target=ClockTarget(amount=4, unit="business_hours"),
        ...     hours=BusinessHours(),
        ...     as_of=datetime(2026, 3, 2, 12, tzinfo=UTC))
        >>> clock.status.value, str(clock.used_share)
        ('on_track', '0.7500')

    .. versionadded:: 0.2
    """

    metric: str
    kind: Literal["pausing", "restart"]
    cycle: int
    started_at: datetime
    stopped_at: datetime | None
    due_at: datetime
    elapsed: timedelta
    allowed: timedelta
    used_share: Decimal
    status: DeadlineStatus
    paused: bool


@attrs.frozen
class _Cycle:
    start: datetime
    stop: datetime | None


def _cycles(
    complaint: Complaint, metric: SlaMetric, as_of: datetime
) -> list[_Cycle]:
    timeline: list[tuple[datetime, tuple[ClockEvent, ...], bool]] = [
        (complaint.received_at, (ClockEvent.RECEIVED,), False)
    ]
    timeline.extend(
        (
            change.occurred_at,
            _events(change),
            change.to_status in _RESOLVED_STATUSES,
        )
        for change in complaint.history
        if change.occurred_at <= as_of
    )
    cycles: list[_Cycle] = []
    running: datetime | None = None
    for at, events, resolved in timeline:
        for event in events:
            if running is not None and event in metric.stops_on:
                cycles.append(_Cycle(running, at))
                running = None
            if running is None and event in metric.starts_on and not resolved:
                running = at
    if running is not None:
        cycles.append(_Cycle(running, None))
    return cycles


def _merge(
    intervals: Iterable[tuple[datetime, datetime]],
) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


@attrs.frozen(kw_only=True)
class _Run:
    """A clock's counting frame: where it starts and what it skips."""

    start: datetime
    stop: datetime | None
    blocked: list[tuple[datetime, datetime]]
    allowed: timedelta
    paused: bool


def _runs(
    complaint: Complaint,
    metric: SlaMetric,
    target: ClockTarget,
    hours: BusinessHours,
    as_of: datetime,
) -> Iterator[_Run]:
    cycles = _cycles(complaint, metric, as_of)
    if not cycles:
        return
    if metric.kind == "restart":
        for cycle in cycles:
            until = cycle.stop or as_of
            pauses, paused = paused_intervals(
                complaint, metric.pause_statuses, until
            )
            start = cycle.start.astimezone(UTC)
            yield _Run(
                start=start,
                stop=cycle.stop,
                blocked=_merge(
                    (a.astimezone(UTC), b.astimezone(UTC)) for a, b in pauses
                ),
                allowed=required_time(target, start, hours),
                paused=paused and cycle.stop is None,
            )
        return
    last = cycles[-1]
    until = last.stop or as_of
    pauses, paused = paused_intervals(complaint, metric.pause_statuses, until)
    gaps = [
        (before.stop, after.start)
        for before, after in itertools.pairwise(cycles)
        if before.stop is not None
    ]
    start = cycles[0].start.astimezone(UTC)
    yield _Run(
        start=start,
        stop=last.stop,
        blocked=_merge(
            (a.astimezone(UTC), b.astimezone(UTC)) for a, b in (*pauses, *gaps)
        ),
        allowed=required_time(target, start, hours),
        paused=paused and last.stop is None,
    )


def _clock(
    run: _Run,
    number: int,
    *,
    metric: SlaMetric,
    target: ClockTarget,
    hours: BusinessHours,
    as_of: datetime,
) -> MetricClock:
    counting = counting_hours(target, hours)
    due = advance_clock(counting, run.start, run.allowed, run.blocked)
    end = (run.stop or as_of).astimezone(UTC)
    elapsed = counted_time(counting, run.start, end, run.blocked)
    if run.stop is not None:
        status = (
            DeadlineStatus.MET
            if elapsed <= run.allowed
            else DeadlineStatus.BREACHED
        )
    else:
        status = (
            DeadlineStatus.BREACHED
            if elapsed > run.allowed
            else DeadlineStatus.ON_TRACK
        )
    return MetricClock(
        metric=metric.name,
        kind=metric.kind,
        cycle=number,
        started_at=run.start.astimezone(hours.zone),
        stopped_at=run.stop,
        due_at=due.astimezone(hours.zone),
        elapsed=elapsed,
        allowed=run.allowed,
        used_share=share_of(elapsed, run.allowed),
        status=status,
        paused=run.paused,
    )


def _check_horizon(complaint: Complaint, as_of: datetime) -> None:
    if as_of - complaint.received_at > _MAX_DAYS * timedelta(days=1):
        msg = (
            f"as_of {as_of.isoformat()!r} is more than {_MAX_DAYS} days after "
            f"complaint {complaint.complaint_id!r} was received "
            f"({complaint.received_at.isoformat()!r}); evaluate SLA clocks "
            "within ten years of receipt"
        )
        raise InvariantError(msg)


def _out_of_range(complaint: Complaint) -> InvariantError:
    return InvariantError(
        f"complaint {complaint.complaint_id!r}: an SLA clock from "
        f"{complaint.received_at.isoformat()!r} runs past the years 1 to "
        "9999 that Python dates cover; check received_at and the targets"
    )


def metric_clocks(
    complaint: Complaint,
    /,
    *,
    metric: SlaMetric,
    target: ClockTarget,
    hours: BusinessHours,
    as_of: datetime,
) -> tuple[MetricClock, ...]:
    """The clocks of one metric for ``complaint``, as they stand at ``as_of``.

    Changes recorded after ``as_of`` are ignored.

    Args:
        complaint: The complaint.
        metric: What to measure.
        target: How long each clock may run.
        hours: The business hours business targets count in.
        as_of: When to evaluate (timezone-aware, not before receipt).

    Returns:
        Every cycle so far for a restart metric, oldest first; one clock for
        a pausing metric; nothing if the metric never started.

    Raises:
        InvariantError: ``as_of`` is naive, before receipt or more than ten
            years after it, or a clock runs past the year 9999.
        PolicyError: The hours have too little open time in ten years.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     NEXT_REPLY, BusinessHours, ClockTarget, ComplaintStatus,
        ...     advance, metric_clocks)
        >>> at = lambda hour: datetime(2026, 3, 2, hour, tzinfo=UTC)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1", severity="low",
        ...     channel="email", received_at=at(9))
        >>> asked = advance(complaint, ComplaintStatus.ACKNOWLEDGED,
        ...                 occurred_at=at(10))
        >>> asked = advance(asked, ComplaintStatus.AWAITING_CUSTOMER,
        ...                 occurred_at=at(11))
        >>> answered = advance(asked, ComplaintStatus.INVESTIGATING,
        ...                    occurred_at=at(13))
        >>> first, second = metric_clocks(
        ...     answered, metric=NEXT_REPLY,
        ...     target=ClockTarget(amount=2, unit="business_hours"),
        ...     hours=BusinessHours(), as_of=at(16))
        >>> first.status.value, second.started_at.hour, second.status.value
        ('met', 13, 'breached')

    .. versionadded:: 0.2
    """
    complaint = check_as_of(complaint, as_of)
    metric = check_instance(metric, SlaMetric, name="metric")
    target = check_instance(target, ClockTarget, name="target")
    hours = check_instance(hours, BusinessHours, name="hours")
    _check_horizon(complaint, as_of)
    try:
        pairs = _clocks(complaint, metric, target, hours, as_of)
    except OverflowError:
        raise _out_of_range(complaint) from None
    return tuple(clock for _, clock in pairs)


def _clocks(
    complaint: Complaint,
    metric: SlaMetric,
    target: ClockTarget,
    hours: BusinessHours,
    as_of: datetime,
) -> list[tuple[_Run, MetricClock]]:
    runs = _runs(complaint, metric, target, hours, as_of)
    return [
        (
            run,
            _clock(
                run,
                number,
                metric=metric,
                target=target,
                hours=hours,
                as_of=as_of,
            ),
        )
        for number, run in enumerate(runs, start=1)
    ]


@final
@attrs.frozen(kw_only=True)
class Alert:
    """A warning level of a running clock: reached, or coming next.

    Attributes:
        metric: The metric's name.
        cycle: The clock's cycle.
        share: The level's share of the target.
        action: The action code to run.
        at: When the level is (or will be, if nothing pauses the clock)
            reached, in the hours' zone.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import Alert
        >>> Alert(metric="first_reply", cycle=1, share=Decimal("0.5"),
        ...       action="notify",
        ...       at=datetime(2026, 3, 2, 11, tzinfo=UTC)).action
        'notify'

    .. versionadded:: 0.2
    """

    metric: str
    cycle: int
    share: Decimal
    action: str
    at: datetime


@final
@attrs.frozen(kw_only=True)
class SlaStatus:
    """A complaint's SLA clocks and warnings under one policy at ``as_of``.

    Attributes:
        complaint_id: The complaint.
        priority: The priority its targets were taken for.
        policy: The policy's name.
        policy_version: Its version.
        policy_fingerprint: :attr:`SlaPolicy.fingerprint`.
        as_of: When it was evaluated.
        clocks: Every metric's clocks, in the policy's order.
        alerts: The warning levels running clocks have reached, in time
            order.
        upcoming: For each running clock, its next warning level.

    Examples:
        >>> import attrs
        >>> from customer_centric.complaints import SlaStatus
        >>> [field.name for field in attrs.fields(SlaStatus)][-3:]
        ['clocks', 'alerts', 'upcoming']

    .. versionadded:: 0.2
    """

    complaint_id: ComplaintId
    priority: Priority
    policy: str
    policy_version: int
    policy_fingerprint: str
    as_of: datetime
    clocks: tuple[MetricClock, ...]
    alerts: tuple[Alert, ...]
    upcoming: tuple[Alert, ...]


def _alerts(
    run: _Run,
    clock: MetricClock,
    *,
    counting: BusinessHours | None,
    policy: SlaPolicy,
) -> tuple[list[Alert], Alert | None]:
    reached: list[Alert] = []
    for level in policy.warnings:
        micro = Decimal(run.allowed // timedelta(microseconds=1))
        with localcontext(DECIMAL_CONTEXT):
            needed = timedelta(microseconds=int(micro * level.share))
        at = advance_clock(
            counting, run.start, needed, run.blocked
        ).astimezone(policy.hours.zone)
        alert = Alert(
            metric=clock.metric,
            cycle=clock.cycle,
            share=level.share,
            action=level.action,
            at=at,
        )
        if clock.used_share >= level.share:
            reached.append(alert)
        else:
            return reached, alert
    return reached, None


def sla_status(
    complaint: Complaint,
    /,
    *,
    policy: SlaPolicy,
    priority: Priority,
    as_of: datetime,
) -> SlaStatus:
    """Evaluate ``complaint`` under ``policy`` at ``as_of`` (pure).

    Each metric with a target for ``priority`` gets its clocks
    (:func:`metric_clocks`); each running clock gets the warning levels it
    has reached and its next one, each with the instant it is (or will be)
    reached.

    Raises:
        InvariantError: ``as_of`` is naive, before receipt or more than ten
            years after it, or ``priority`` is not a priority.
        PolicyError: The hours have too little open time in ten years.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, ClockTarget, Priority, SlaPolicy, SlaTarget,
        ...     WarningLevel, sla_status)
        >>> policy = SlaPolicy(
        ...     name="retail", version=1,
        ...     targets=(SlaTarget(metric=FIRST_REPLY, targets={
        ...         p: ClockTarget(amount=4, unit="business_hours")
        ...         for p in Priority}),),
        ...     warnings=(
        ...         WarningLevel(share=Decimal("0.5"), action="notify_agent"),
        ...         WarningLevel(share=Decimal("0.75"), action="notify_lead"),
        ...         WarningLevel(share=Decimal("1"), action="escalate")))
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1", severity="low",
        ...     channel="email",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        >>> status = sla_status(complaint, policy=policy,
        ...                     priority=Priority.LOW,
        ...                     as_of=datetime(2026, 3, 2, 12, tzinfo=UTC))
        >>> [(a.action, a.at.hour) for a in status.alerts]
        [('notify_agent', 11), ('notify_lead', 12)]
        >>> status.upcoming[0].action, status.upcoming[0].at.hour
        ('escalate', 13)

    .. versionadded:: 0.2
    """
    complaint = check_as_of(complaint, as_of)
    policy = check_instance(policy, SlaPolicy, name="policy")
    priority = check_member(priority, Priority, name="priority")
    _check_horizon(complaint, as_of)
    clocks: list[MetricClock] = []
    alerts: list[Alert] = []
    upcoming: list[Alert] = []
    try:
        for sla_target in policy.targets:
            target = sla_target.targets.get(priority)
            if target is None:
                continue
            counting = counting_hours(target, policy.hours)
            for run, clock in _clocks(
                complaint, sla_target.metric, target, policy.hours, as_of
            ):
                clocks.append(clock)
                if run.stop is None:
                    reached, coming = _alerts(
                        run, clock, counting=counting, policy=policy
                    )
                    alerts.extend(reached)
                    if coming is not None:
                        upcoming.append(coming)
    except OverflowError:
        raise _out_of_range(complaint) from None
    return SlaStatus(
        complaint_id=complaint.complaint_id,
        priority=priority,
        policy=policy.name,
        policy_version=policy.version,
        policy_fingerprint=policy.fingerprint,
        as_of=as_of,
        clocks=tuple(clocks),
        alerts=tuple(sorted(alerts, key=lambda alert: alert.at)),
        upcoming=tuple(upcoming),
    )


@final
@attrs.frozen(kw_only=True)
class AttainmentRow:
    """SLA attainment of one metric at one priority.

    Attributes:
        metric: The metric's name.
        priority: The priority.
        met: Clocks stopped within their target.
        breached: Clocks stopped late or still running past their target.
        running: Clocks still running within their target.
        attainment: ``met / (met + breached)``, ``None`` when both are 0.
        median: Median counted time of the stopped clocks (``None`` if
            none stopped).
        p90: 90th percentile (nearest rank) of the same times.

    Examples:
        >>> from customer_centric.complaints import AttainmentRow, Priority
        >>> AttainmentRow(metric="first_reply", priority=Priority.LOW, met=0,
        ...               breached=0, running=1, attainment=None,
        ...               median=None, p90=None).running
        1

    .. versionadded:: 0.2
    """

    metric: str
    priority: Priority
    met: int
    breached: int
    running: int
    attainment: Decimal | None
    median: timedelta | None
    p90: timedelta | None


def _median(ordered: Sequence[timedelta]) -> timedelta:
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _nearest_rank(ordered: Sequence[timedelta], share: float) -> timedelta:
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


class ClockRow(TypedDict):
    """One SLA clock as a flat row, ready for a dataframe.

    The columns :func:`customer_centric.frames.sla_attainment` reads.

    Attributes:
        complaint_id: The complaint.
        metric: The metric's name.
        priority: The priority's value, such as ``"low"``.
        cycle: The clock's cycle, from 1.
        status: The clock's :class:`DeadlineStatus` value.
        stopped: Whether the clock stopped by ``as_of``.
        elapsed_seconds: The counted time in seconds.

    Examples:
        >>> from customer_centric.complaints import ClockRow
        >>> sorted(ClockRow.__annotations__)[:3]
        ['complaint_id', 'cycle', 'elapsed_seconds']

    .. versionadded:: 0.2
    """

    complaint_id: str
    metric: str
    priority: str
    cycle: int
    status: str
    stopped: bool
    elapsed_seconds: float


def clock_rows(statuses: Iterable[SlaStatus], /) -> tuple[ClockRow, ...]:
    """Every clock of ``statuses`` as a :class:`ClockRow`, in order.

    ``pandas.DataFrame(rows)`` or ``polars.DataFrame(rows)`` turns them into
    the frame :func:`customer_centric.frames.sla_attainment` reads.

    Raises:
        ArgumentTypeError: ``statuses`` is not an iterable of
            :class:`SlaStatus`.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, ClockTarget, Priority, SlaPolicy, SlaTarget,
        ...     clock_rows, sla_status)
        >>> policy = SlaPolicy(name="retail", version=1, targets=(
        ...     SlaTarget(metric=FIRST_REPLY, targets={
        ...         p: ClockTarget(amount=2, unit="calendar_hours")
        ...         for p in Priority}),))
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1", severity="low",
        ...     channel="email",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        >>> status = sla_status(complaint, policy=policy,
        ...                     priority=Priority.LOW,
        ...                     as_of=datetime(2026, 3, 2, 10, tzinfo=UTC))
        >>> clock_rows([status])
        ({'complaint_id': 'K-1', 'metric': 'first_reply', 'priority': 'low', \
'cycle': 1, 'status': 'on_track', 'stopped': False, \
'elapsed_seconds': 3600.0},)

    .. versionadded:: 0.2
    """
    return tuple(
        ClockRow(
            complaint_id=str(status.complaint_id),
            metric=clock.metric,
            priority=status.priority.value,
            cycle=clock.cycle,
            status=clock.status.value,
            stopped=clock.stopped_at is not None,
            elapsed_seconds=clock.elapsed.total_seconds(),
        )
        for status in check_items(statuses, SlaStatus, name="statuses")
        for clock in status.clocks
    )


def attainment_row(
    metric: str,
    priority: Priority,
    /,
    *,
    statuses: Iterable[DeadlineStatus],
    times: Iterable[timedelta],
) -> AttainmentRow:
    """The attainment of one metric at one priority, from its clocks.

    The one rule behind :func:`attainment` and the dataframe report
    :func:`customer_centric.frames.sla_attainment`: ``met`` and
    ``breached`` count the clocks with those statuses, every other clock
    is ``running``; ``median`` and ``p90`` (nearest rank: the smallest time
    with at least 90 % of the times at or below it) are taken over
    ``times``.

    Args:
        metric: The metric's name.
        priority: The priority (a member or its value).
        statuses: Each clock's status.
        times: The counted times of the clocks that stopped.

    Returns:
        The row for ``metric`` and ``priority``.

    Raises:
        InvariantError: ``priority`` or a status is not one of its enum's
            values, or a time is negative.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import timedelta
        >>> from customer_centric.complaints import attainment_row
        >>> row = attainment_row(
        ...     "first_reply", "low",
        ...     statuses=["met", "met", "breached", "on_track"],
        ...     times=[timedelta(hours=h) for h in (1, 3, 2)])
        >>> row.met, row.breached, row.running, str(row.attainment)
        (2, 1, 1, '0.6667')
        >>> str(row.median), str(row.p90)
        ('2:00:00', '3:00:00')

    .. versionadded:: 0.2
    """
    metric = check_instance(metric, str, name="metric")
    priority = check_member(priority, Priority, name="priority")
    checked = [
        check_member(s, DeadlineStatus, name=f"statuses[{i}]")
        for i, s in enumerate(check_items(statuses, object, name="statuses"))
    ]
    ordered = sorted(check_items(times, timedelta, name="times"))
    if ordered and ordered[0] < timedelta(0):
        msg = (
            f"times must be >= 0, got {ordered[0]!r} for metric {metric!r} "
            f"at priority {priority.value!r}; pass the counted times of "
            "stopped clocks"
        )
        raise InvariantError(msg)
    met = sum(s is DeadlineStatus.MET for s in checked)
    breached = sum(s is DeadlineStatus.BREACHED for s in checked)
    decided = met + breached
    return AttainmentRow(
        metric=metric,
        priority=priority,
        met=met,
        breached=breached,
        running=len(checked) - decided,
        attainment=(
            share_of(
                timedelta(microseconds=met), timedelta(microseconds=decided)
            )
            if decided
            else None
        ),
        median=_median(ordered) if ordered else None,
        p90=_nearest_rank(ordered, 0.9) if ordered else None,
    )


def attainment(statuses: Iterable[SlaStatus], /) -> tuple[AttainmentRow, ...]:
    """Met / breached counts and times per metric and priority (pure Python).

    Every clock counts: each cycle of a restart metric is one SLA instance,
    as service desks report them. Times are the clocks' counted times
    (open time for business targets) of the stopped clocks; the 90th
    percentile is the nearest-rank one (the smallest time with at least
    90 % of the times at or below it). Each row is
    :func:`attainment_row` of its group's clocks; :func:`clock_rows` gives
    the same clocks as rows for the dataframe report
    :func:`customer_centric.frames.sla_attainment`.

    Args:
        statuses: Results of :func:`sla_status`.

    Returns:
        One row per metric and priority seen, by metric name then priority.

    Raises:
        ArgumentTypeError: ``statuses`` is not an iterable of
            :class:`SlaStatus`.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     FIRST_REPLY, ClockTarget, ComplaintStatus, Priority, SlaPolicy,
        ...     SlaTarget, advance, attainment, sla_status)
        >>> policy = SlaPolicy(name="retail", version=1, targets=(
        ...     SlaTarget(metric=FIRST_REPLY, targets={
        ...         p: ClockTarget(amount=2, unit="business_hours")
        ...         for p in Priority}),))
        >>> at = lambda hour: datetime(2026, 3, 2, hour, tzinfo=UTC)
        >>> statuses = []
        >>> for key, replied in (("K-1", 10), ("K-2", 12), ("K-3", 10)):
        ...     complaint = advance(
        ...         Complaint(complaint_id=key, customer_id="C-1",
        ...                   severity="low", channel="email",
        ...                   received_at=at(9)),
        ...         ComplaintStatus.ACKNOWLEDGED, occurred_at=at(replied))
        ...     statuses.append(sla_status(
        ...         complaint, policy=policy, priority=Priority.LOW,
        ...         as_of=at(17)))
        >>> (row,) = attainment(statuses)
        >>> row.met, row.breached, str(row.attainment), str(row.median)
        (2, 1, '0.6667', '1:00:00')

    .. versionadded:: 0.2
    """
    checked = check_items(statuses, SlaStatus, name="statuses")
    groups: dict[tuple[str, Priority], list[MetricClock]] = defaultdict(list)
    for status in checked:
        for clock in status.clocks:
            groups[clock.metric, status.priority].append(clock)
    return tuple(
        attainment_row(
            metric,
            priority,
            statuses=[c.status for c in clocks],
            times=[c.elapsed for c in clocks if c.stopped_at is not None],
        )
        for (metric, priority), clocks in sorted(
            groups.items(), key=lambda item: (item[0][0], item[0][1].rank)
        )
    )
