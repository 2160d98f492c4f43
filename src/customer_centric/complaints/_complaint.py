"""Complaints as records and their handling process as pure transitions.

The process follows ISO 10002:2018 clause 8 (receipt, tracking,
acknowledgement, initial assessment, investigation, response, communicating
the decision, closing the complaint), with reopening and escalation as
explicit moves. The allowed moves are data (:data:`COMPLAINT_TRANSITIONS`);
:func:`advance` applies one move and refuses an illegal one with a
:class:`~customer_centric.exceptions.ComplaintTransitionError` that lists
the allowed statuses; :func:`check_transition` explains a move without making
it.

A complaint feeds the relationship engine through
:func:`filed_event` and :func:`resolved_event`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Final, Self, TypeAlias, final

import attrs
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    field_validator,
    model_validator,
)

from customer_centric._checks import (
    check_aware,
    check_instance,
    check_member,
)
from customer_centric._severity import Severity
from customer_centric._types import ComplaintId, CustomerId, Money
from customer_centric.exceptions import (
    ComplaintTransitionError,
    InvariantError,
    OutOfOrderEventError,
)
from customer_centric.relationship._events import (
    ComplaintFiled,
    ComplaintResolved,
)

__all__ = [
    "COMPLAINT_TRANSITIONS",
    "Complaint",
    "ComplaintChannel",
    "ComplaintStatus",
    "StatusChange",
    "TransitionCheck",
    "advance",
    "check_transition",
    "filed_event",
    "resolved_event",
]


@enum.unique
class ComplaintStatus(enum.StrEnum):
    """Where a complaint stands in the ISO 10002:2018 handling process.

    The main path is ``RECEIVED`` (8.2 receipt, 8.3 tracking) →
    ``ACKNOWLEDGED`` (8.4) → ``ASSESSED`` (8.5 initial assessment) →
    ``INVESTIGATING`` (8.6) → ``RESPONDED`` (8.7 response, 8.8 communicating
    the decision) → ``CLOSED`` (8.9). ``REOPENED`` takes a complaint back
    when the complainant rejects the decision or comes back after closing;
    ``ESCALATED`` hands it to a higher internal level or an external
    dispute-resolution body (ISO 10002 8.9, ISO 10003).
    ``AWAITING_CUSTOMER`` marks the time spent waiting for information from
    the complainant, which service deadlines may pause on.

    Examples:
        >>> from customer_centric.complaints import ComplaintStatus
        >>> ComplaintStatus("investigating")
        <ComplaintStatus.INVESTIGATING: 'investigating'>
        >>> ComplaintStatus.CLOSED.is_open
        False

    .. versionadded:: 0.1
    """

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSED = "assessed"
    INVESTIGATING = "investigating"
    AWAITING_CUSTOMER = "awaiting_customer"
    RESPONDED = "responded"
    CLOSED = "closed"
    REOPENED = "reopened"
    ESCALATED = "escalated"

    @property
    def is_open(self) -> bool:
        """Whether the complaint still needs work (every status but closed)."""
        return self is not ComplaintStatus.CLOSED


@enum.unique
class ComplaintChannel(enum.StrEnum):
    """How the complaint reached the organisation (ISO 10002 8.2).

    ``REGULATOR`` covers complaints forwarded by a regulator or ombudsman
    (for example through the US CFPB company portal).

    Examples:
        >>> from customer_centric.complaints import ComplaintChannel
        >>> ComplaintChannel("email")
        <ComplaintChannel.EMAIL: 'email'>

    .. versionadded:: 0.1
    """

    IN_PERSON = "in_person"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    WEB_FORM = "web_form"
    CHAT = "chat"
    SOCIAL_MEDIA = "social_media"
    REGULATOR = "regulator"
    OTHER = "other"


_S = ComplaintStatus

_Transitions: TypeAlias = Mapping[ComplaintStatus, frozenset[ComplaintStatus]]

COMPLAINT_TRANSITIONS: Final[_Transitions] = MappingProxyType(
    {
        _S.RECEIVED: frozenset({_S.ACKNOWLEDGED, _S.RESPONDED, _S.ESCALATED}),
        _S.ACKNOWLEDGED: frozenset(
            {_S.ASSESSED, _S.AWAITING_CUSTOMER, _S.RESPONDED, _S.ESCALATED}
        ),
        _S.ASSESSED: frozenset(
            {
                _S.INVESTIGATING,
                _S.AWAITING_CUSTOMER,
                _S.RESPONDED,
                _S.ESCALATED,
            }
        ),
        _S.INVESTIGATING: frozenset(
            {_S.AWAITING_CUSTOMER, _S.RESPONDED, _S.ESCALATED}
        ),
        _S.AWAITING_CUSTOMER: frozenset(
            {_S.ASSESSED, _S.INVESTIGATING, _S.RESPONDED, _S.ESCALATED}
        ),
        _S.RESPONDED: frozenset({_S.CLOSED, _S.REOPENED, _S.ESCALATED}),
        _S.CLOSED: frozenset({_S.REOPENED}),
        _S.REOPENED: frozenset(
            {
                _S.ASSESSED,
                _S.INVESTIGATING,
                _S.AWAITING_CUSTOMER,
                _S.RESPONDED,
                _S.ESCALATED,
            }
        ),
        _S.ESCALATED: frozenset({_S.INVESTIGATING, _S.RESPONDED, _S.CLOSED}),
    }
)
"""Each status and the statuses a complaint may move to from it.

``RECEIVED → RESPONDED`` is resolution at the first point of contact;
``ESCALATED → CLOSED`` is a decision taken by the body the complaint was
escalated to. ``CLOSED`` is not a trap: the complaint can be reopened.

.. versionadded:: 0.1
"""


class StatusChange(BaseModel):
    """One move of a complaint from a status to the next, with its time.

    Attributes:
        from_status: The status before the move.
        to_status: The status after the move.
        occurred_at: When the move happened (timezone-aware).
        note: Why, in the handler's words (optional).
        customer_satisfied: On a move to ``CLOSED``, whether the complainant
            accepted the outcome (``None`` if not recorded); only closing
            moves carry it.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.complaints import (
        ...     ComplaintStatus, StatusChange)
        >>> change = StatusChange(
        ...     from_status=ComplaintStatus.RECEIVED,
        ...     to_status=ComplaintStatus.ACKNOWLEDGED,
        ...     occurred_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
        ... )
        >>> change.to_status
        <ComplaintStatus.ACKNOWLEDGED: 'acknowledged'>

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_status: ComplaintStatus
    to_status: ComplaintStatus
    occurred_at: AwareDatetime
    note: str = ""
    customer_satisfied: bool | None = None

    @model_validator(mode="after")
    def _satisfaction_only_on_closing(self) -> Self:
        if (
            self.customer_satisfied is not None
            and self.to_status is not ComplaintStatus.CLOSED
        ):
            msg = (
                "customer_satisfied is recorded only on a move to 'closed', "
                f"got it on a move to {self.to_status.value!r}; leave it "
                "None or record it when closing"
            )
            raise InvariantError(msg)
        return self


class Complaint(BaseModel):
    """A customer's complaint: what, how serious, and where it stands.

    A record: store it, send it as JSON, and change its status only through
    :func:`advance`, which validates the move and appends to ``history``.
    The record checks that the history is a chain of allowed moves in time
    order that starts at ``RECEIVED`` and ends at ``status``.

    Attributes:
        complaint_id: The complaint's unique identification code
            (ISO 10002 8.3).
        customer_id: Who complained.
        received_at: When the complaint was received (timezone-aware); every
            deadline counts from here.
        severity: How serious the problem is.
        channel: How the complaint arrived.
        summary: What the complaint is about, in a line.
        problem_value: The money at stake in the problem, if known; the
            recovery rules use it to pick the problem-size row (TARP's
            under-$5 and over-$100 columns).
        safety_issue: The problem endangers someone's health or safety.
        regulatory_issue: The problem may breach a law or regulation (or
            came through a regulator).
        status: Where the complaint stands now.
        history: Every status change so far, oldest first.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, ComplaintStatus)
        >>> complaint = Complaint(
        ...     complaint_id="K-1",
        ...     customer_id="C-17",
        ...     received_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        ...     severity=Severity.MEDIUM,
        ...     channel=ComplaintChannel.EMAIL,
        ...     problem_value=Decimal("120"),
        ... )
        >>> complaint.status
        <ComplaintStatus.RECEIVED: 'received'>
        >>> complaint.is_open
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    complaint_id: ComplaintId
    customer_id: CustomerId
    received_at: AwareDatetime
    severity: Severity
    channel: ComplaintChannel
    summary: str = ""
    problem_value: Money | None = None
    safety_issue: bool = False
    regulatory_issue: bool = False
    status: ComplaintStatus = ComplaintStatus.RECEIVED
    history: tuple[StatusChange, ...] = ()

    @field_validator("complaint_id", "customer_id")
    @classmethod
    def _identifier_not_blank(cls, value: str) -> str:
        if not value.strip():
            msg = (
                f"identifier must not be blank, got {value!r}; pass the "
                "identifier the host application uses"
            )
            raise InvariantError(msg)
        return value

    @model_validator(mode="after")
    def _history_is_a_legal_chain(self) -> Self:
        current = ComplaintStatus.RECEIVED
        last_at = self.received_at
        for index, change in enumerate(self.history):
            if change.from_status is not current:
                msg = (
                    f"complaint {self.complaint_id!r}: history[{index}] "
                    f"starts from {change.from_status.value!r} but the "
                    f"complaint was {current.value!r} at that point; record "
                    "changes in order, each from the previous status"
                )
                raise InvariantError(msg)
            if change.to_status not in COMPLAINT_TRANSITIONS[current]:
                msg = (
                    f"complaint {self.complaint_id!r}: history[{index}] "
                    f"moves from {current.value!r} to "
                    f"{change.to_status.value!r}, which is not allowed; "
                    f"allowed: {_names(COMPLAINT_TRANSITIONS[current])}"
                )
                raise InvariantError(msg)
            if change.occurred_at < last_at:
                msg = (
                    f"complaint {self.complaint_id!r}: history[{index}] at "
                    f"{change.occurred_at.isoformat()!r} is earlier than "
                    f"{last_at.isoformat()!r}; record changes in time order, "
                    "none before the complaint was received"
                )
                raise InvariantError(msg)
            current, last_at = change.to_status, change.occurred_at
        if current is not self.status:
            msg = (
                f"complaint {self.complaint_id!r} has status "
                f"{self.status.value!r} but its history ends at "
                f"{current.value!r}; change the status with advance()"
            )
            raise InvariantError(msg)
        return self

    @property
    def is_open(self) -> bool:
        """Whether the complaint still needs work."""
        return self.status.is_open

    @property
    def customer_satisfied(self) -> bool | None:
        """On a closed complaint, whether the complainant was satisfied.

        ``None`` while the complaint is open or when closed without
        recording it.
        """
        if self.status is ComplaintStatus.CLOSED:
            return self.history[-1].customer_satisfied
        return None

    @property
    def updated_at(self) -> datetime:
        """When the status last changed (``received_at`` if never)."""
        return (
            self.history[-1].occurred_at if self.history else self.received_at
        )

    def first_reached(
        self, statuses: frozenset[ComplaintStatus], /
    ) -> datetime | None:
        """When the complaint first entered one of ``statuses``, if ever.

        Examples:
            >>> from datetime import datetime, UTC
            >>> from customer_centric import Complaint, Severity
            >>> from customer_centric.complaints import (
            ...     ComplaintChannel, ComplaintStatus, advance)
            >>> received = datetime(2026, 3, 2, 9, tzinfo=UTC)
            >>> complaint = advance(
            ...     Complaint(complaint_id="K-1", customer_id="C-1",
            ...               received_at=received, severity=Severity.LOW,
            ...               channel=ComplaintChannel.PHONE),
            ...     ComplaintStatus.RESPONDED,
            ...     occurred_at=datetime(2026, 3, 2, 9, 20, tzinfo=UTC),
            ... )
            >>> complaint.first_reached(frozenset({ComplaintStatus.RESPONDED}))
            datetime.datetime(2026, 3, 2, 9, 20, tzinfo=datetime.timezone.utc)
        """
        statuses = frozenset(
            check_member(status, ComplaintStatus, name="statuses")
            for status in check_instance(
                statuses,
                frozenset,
                name="statuses",
                what="a frozenset of ComplaintStatus",
            )
        )
        if ComplaintStatus.RECEIVED in statuses:
            return self.received_at
        for change in self.history:
            if change.to_status in statuses:
                return change.occurred_at
        return None


def _check_complaint(value: object, /) -> Complaint:
    return check_instance(value, Complaint, name="complaint")


def _ordered(
    statuses: frozenset[ComplaintStatus],
) -> tuple[ComplaintStatus, ...]:
    """The statuses in the process's order (as ``ComplaintStatus`` lists)."""
    return tuple(sorted(statuses, key=list(ComplaintStatus).index))


def _names(statuses: frozenset[ComplaintStatus]) -> str:
    return ", ".join(status.value for status in _ordered(statuses)) or "none"


def _refusal(
    complaint: Complaint, new_status: ComplaintStatus
) -> ComplaintTransitionError:
    """The one wording of a forbidden move, for the error and the check."""
    return ComplaintTransitionError._for_complaint(  # noqa: SLF001 - ours
        complaint.complaint_id,
        complaint.status,
        new_status,
        allowed_statuses=_ordered(COMPLAINT_TRANSITIONS[complaint.status]),
    )


@final
@attrs.frozen(kw_only=True)
class TransitionCheck:
    """Whether a complaint may move to a status, and why (a dry run).

    Attributes:
        complaint_id: The complaint checked.
        from_status: Its current status.
        to_status: The status asked for.
        allowed: Whether :func:`advance` would accept the move.
        allowed_statuses: Every status reachable from ``from_status``.
        reasons: The verdict, in sentences a person can read; a refusal
            reads as :func:`advance`'s error.

    Examples:
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import (
        ...     ComplaintStatus, check_transition)
        >>> complaint = Complaint.model_validate_json(
        ...     '{"complaint_id": "K-1", "customer_id": "C-1", "severity": '
        ...     '"low", "channel": "phone", '
        ...     '"received_at": "2026-03-02T09:00:00Z"}')
        >>> check = check_transition(complaint, ComplaintStatus.CLOSED)
        >>> check.allowed, check.from_status
        (False, <ComplaintStatus.RECEIVED: 'received'>)

    .. versionadded:: 0.1
    """

    complaint_id: ComplaintId
    from_status: ComplaintStatus
    to_status: ComplaintStatus
    allowed: bool
    allowed_statuses: frozenset[ComplaintStatus]
    reasons: tuple[str, ...]


def check_transition(
    complaint: Complaint, new_status: ComplaintStatus, /
) -> TransitionCheck:
    """Explain whether ``complaint`` may move to ``new_status``.

    Nothing changes: use it to show a handler which moves are open.

    Args:
        complaint: The complaint to check.
        new_status: The status asked for.

    Returns:
        The verdict with the allowed statuses and the reasons.

    Raises:
        InvariantError: ``new_status`` is not a status.
        ArgumentTypeError: ``complaint`` is not a :class:`Complaint`.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, ComplaintStatus, check_transition)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.LOW, channel=ComplaintChannel.PHONE)
        >>> print(*check_transition(complaint, ComplaintStatus.CLOSED).reasons)
        cannot move complaint 'K-1' from 'received' to 'closed': the ISO \
10002:2018 handling process does not allow it; allowed from 'received': \
'acknowledged', 'responded', 'escalated'. Move it to one of those first; \
check_transition() checks a move without making it

    .. versionadded:: 0.1
    """
    complaint = _check_complaint(complaint)
    new_status = check_member(new_status, ComplaintStatus, name="new_status")
    allowed_statuses = COMPLAINT_TRANSITIONS[complaint.status]
    allowed = new_status in allowed_statuses
    if allowed:
        reason = (
            f"complaint {complaint.complaint_id!r} may move from "
            f"{complaint.status.value!r} to {new_status.value!r}"
        )
    else:
        reason = str(_refusal(complaint, new_status))
    return TransitionCheck(
        complaint_id=complaint.complaint_id,
        from_status=complaint.status,
        to_status=new_status,
        allowed=allowed,
        allowed_statuses=allowed_statuses,
        reasons=(reason,),
    )


def advance(
    complaint: Complaint,
    new_status: ComplaintStatus,
    /,
    *,
    occurred_at: datetime,
    note: str = "",
    customer_satisfied: bool | None = None,
) -> Complaint:
    """Move ``complaint`` to ``new_status`` at ``occurred_at`` (pure).

    Returns a new, re-validated complaint with the change appended to its
    history; the input is not touched.

    Args:
        complaint: The complaint to move.
        new_status: Where it goes.
        occurred_at: When the move happens (timezone-aware, not before the last
            change).
        note: Why, in the handler's words.
        customer_satisfied: When closing, whether the complainant accepted
            the outcome (it feeds :func:`resolved_event` and the
            FCA summary-resolution deadline). Only closing moves take it.

    Returns:
        The moved complaint.

    Raises:
        ComplaintTransitionError: ISO 10002's process does not allow the
            move from the current status (an ``InvalidTransitionError``);
            the error lists the allowed statuses (attributes
            ``complaint_id``, ``from_status``, ``to_status``,
            ``allowed_statuses``).
        OutOfOrderEventError: ``occurred_at`` is earlier than the last
            change (attributes ``complaint_id``, ``customer_id``,
            ``event_kind``, ``occurred_at``, ``last_event_at``).
        InvariantError: ``occurred_at`` is naive, ``new_status`` is not a
            status, or ``customer_satisfied`` is given on a move other than
            closing.
        ArgumentTypeError: ``complaint`` is not a :class:`Complaint`,
            ``occurred_at`` not a ``datetime``, ``note`` not a string or
            ``customer_satisfied`` not a bool.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint
        >>> from customer_centric.complaints import ComplaintStatus, advance
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1", severity="low",
        ...     channel="phone",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC))
        >>> acknowledged = advance(
        ...     complaint, ComplaintStatus.ACKNOWLEDGED,
        ...     occurred_at=datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
        >>> acknowledged.status, complaint.status
        (<ComplaintStatus.ACKNOWLEDGED: 'acknowledged'>, \
<ComplaintStatus.RECEIVED: 'received'>)
        >>> advance(acknowledged, ComplaintStatus.CLOSED,
        ...         occurred_at=datetime(2026, 3, 2, 10, tzinfo=UTC))
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ComplaintTransitionError: cannot move \
complaint 'K-1' from 'acknowledged' to 'closed': the ISO 10002:2018 \
handling process does not allow it; allowed from 'acknowledged': \
'assessed', 'awaiting_customer', 'responded', 'escalated'. Move it ...

    .. versionadded:: 0.1
    """
    complaint = _check_complaint(complaint)
    new_status = check_member(new_status, ComplaintStatus, name="new_status")
    check_aware(occurred_at, name="occurred_at")
    check_instance(note, str, name="note")
    if customer_satisfied is not None:
        check_instance(
            customer_satisfied,
            bool,
            name="customer_satisfied",
            what="True, False or None",
        )
    if (
        customer_satisfied is not None
        and new_status is not ComplaintStatus.CLOSED
    ):
        msg = (
            "customer_satisfied is recorded only when closing, got it on a "
            f"move to {new_status.value!r}; pass it with "
            "ComplaintStatus.CLOSED"
        )
        raise InvariantError(msg)
    check = check_transition(complaint, new_status)
    if not check.allowed:
        raise _refusal(complaint, new_status)
    if occurred_at < complaint.updated_at:
        raise OutOfOrderEventError._for_event(  # noqa: SLF001 - our own
            complaint.customer_id,
            new_status,
            occurred_at=occurred_at,
            last_event_at=complaint.updated_at,
            complaint_id=complaint.complaint_id,
        )
    change = StatusChange(
        from_status=complaint.status,
        to_status=new_status,
        occurred_at=occurred_at,
        note=note,
        customer_satisfied=customer_satisfied,
    )
    return Complaint.model_validate(
        {
            **complaint.model_dump(exclude={"history"}),
            "status": new_status,
            "history": (*complaint.history, change),
        }
    )


def filed_event(complaint: Complaint, /) -> ComplaintFiled:
    """The relationship engine's event for a complaint being received.

    Args:
        complaint: The complaint, in any status.

    Returns:
        A ``ComplaintFiled`` at ``received_at`` with the complaint's
        severity and identifier.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, filed_event)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.HIGH, channel=ComplaintChannel.PHONE)
        >>> event = filed_event(complaint)
        >>> event.severity, event.complaint_id
        (<Severity.HIGH: 'high'>, 'K-1')

    .. versionadded:: 0.1
    """
    complaint = _check_complaint(complaint)
    return ComplaintFiled(
        customer_id=complaint.customer_id,
        occurred_at=complaint.received_at,
        severity=complaint.severity,
        complaint_id=complaint.complaint_id,
    )


def resolved_event(complaint: Complaint, /) -> ComplaintResolved:
    """The relationship engine's event for a complaint being closed.

    Args:
        complaint: A closed complaint whose ``customer_satisfied`` is known.

    Returns:
        A ``ComplaintResolved`` at the time the complaint was last closed.

    Raises:
        InvariantError: The complaint is not closed, or closed without
            recording whether the complainant was satisfied.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, ComplaintStatus, advance, resolved_event)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.LOW, channel=ComplaintChannel.PHONE)
        >>> responded = advance(
        ...     complaint, ComplaintStatus.RESPONDED,
        ...     occurred_at=datetime(2026, 3, 2, 9, 10, tzinfo=UTC))
        >>> closed = advance(responded, ComplaintStatus.CLOSED,
        ...                  occurred_at=datetime(2026, 3, 3, 12, tzinfo=UTC),
        ...                  customer_satisfied=True)
        >>> event = resolved_event(closed)
        >>> event.satisfied, event.occurred_at.day
        (True, 3)

    .. versionadded:: 0.1
    """
    complaint = _check_complaint(complaint)
    if complaint.status is not ComplaintStatus.CLOSED:
        msg = (
            f"complaint {complaint.complaint_id!r} is not closed (status "
            f"{complaint.status.value!r}); close it with advance(..., "
            "ComplaintStatus.CLOSED, customer_satisfied=...) first"
        )
        raise InvariantError(msg)
    if complaint.customer_satisfied is None:
        msg = (
            f"complaint {complaint.complaint_id!r} was closed without "
            "recording whether the complainant was satisfied; pass "
            "customer_satisfied=True or False when closing"
        )
        raise InvariantError(msg)
    return ComplaintResolved(
        customer_id=complaint.customer_id,
        occurred_at=complaint.updated_at,
        satisfied=complaint.customer_satisfied,
        complaint_id=complaint.complaint_id,
    )
