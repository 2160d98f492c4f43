"""Relationship events: the facts that move a customer through the stages.

Every event is a frozen pydantic record with ``customer_id``, a
timezone-aware ``occurred_at`` and an optional ``event_id``. The ``kind``
field, the snake_case class name, is the discriminator: JSON lines carry it
and :func:`parse_event` uses it to pick the class.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, ClassVar, Final, Literal, TypeAlias, get_args

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationInfo,
)

from customer_centric._checks import to_utc
from customer_centric._severity import Severity
from customer_centric._stages import DepartureReason
from customer_centric._types import ComplaintId, CustomerId, EventId, Money

__all__ = [
    "EVENT_KINDS",
    "AccountClosed",
    "ComplaintFiled",
    "ComplaintResolved",
    "DissatisfactionSignal",
    "Event",
    "EventKind",
    "FirstPurchase",
    "InactivityObserved",
    "InterestShown",
    "NeedsProfiled",
    "Reactivated",
    "ReferralMade",
    "RepeatPurchase",
    "WinBackAttempted",
    "WinBackDeclined",
    "parse_event",
]


def _utc(value: datetime, info: ValidationInfo) -> datetime:
    return to_utc(value, name=info.field_name or "datetime")


UtcDatetime: TypeAlias = Annotated[AwareDatetime, AfterValidator(_utc)]
"""An aware datetime stored as the same instant in UTC (pydantic field type).

Two wall times in one ``ZoneInfo`` compare by wall clock, not by instant,
so across a daylight-saving fold the later event can look earlier; the
relationship records therefore keep instants in UTC.
"""


class _EventBase(BaseModel):
    """Fields every event has.

    ``is_activity`` (a class attribute) says whether the event is something
    the customer did, which sets ``RelationshipState.last_activity_at``:
    buying, asking, referring, complaining and coming back are; a
    resolution, a signal the firm observed, a check, a closure and the
    firm's win-back attempts are not.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    is_activity: ClassVar[bool] = True

    customer_id: CustomerId = Field(min_length=1)
    occurred_at: UtcDatetime
    event_id: EventId | None = None


class InterestShown(_EventBase):
    """A suspect showed interest: asked, clicked, visited, subscribed.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import InterestShown
        >>> e = InterestShown(customer_id="C-1",
        ...                   occurred_at=datetime(2025, 1, 1, tzinfo=UTC))
        >>> e.kind
        'interest_shown'

    .. versionadded:: 0.1
    """

    kind: Literal["interest_shown"] = "interest_shown"


class FirstPurchase(_EventBase):
    """The customer's first purchase: a prospect becomes a customer.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric.relationship import FirstPurchase
        >>> FirstPurchase(customer_id="C-1", amount=Decimal("40"),
        ...     occurred_at=datetime(2025, 1, 2, tzinfo=UTC)).amount
        Decimal('40')

    .. versionadded:: 0.1
    """

    kind: Literal["first_purchase"] = "first_purchase"
    amount: Money | None = None


class RepeatPurchase(_EventBase):
    """Any purchase after the first.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import RepeatPurchase
        >>> RepeatPurchase(customer_id="C-1",
        ...     occurred_at=datetime(2025, 2, 1, tzinfo=UTC)).amount is None
        True

    .. versionadded:: 0.1
    """

    kind: Literal["repeat_purchase"] = "repeat_purchase"
    amount: Money | None = None


class ReferralMade(_EventBase):
    """The customer recommended the firm to someone (advocacy).

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import ReferralMade
        >>> ReferralMade(customer_id="C-1", referred_customer_id="C-9",
        ...     occurred_at=datetime(2025, 3, 1, tzinfo=UTC)).kind
        'referral_made'

    .. versionadded:: 0.1
    """

    kind: Literal["referral_made"] = "referral_made"
    referred_customer_id: CustomerId | None = None


class NeedsProfiled(_EventBase):
    """Firm and customer exchanged information on needs, plans, aspirations.

    This is the "getting to know" stage's defining activity (Stone &
    Woodcock).

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import NeedsProfiled
        >>> NeedsProfiled(customer_id="C-1",
        ...     occurred_at=datetime(2025, 1, 9, tzinfo=UTC)).kind
        'needs_profiled'

    .. versionadded:: 0.1
    """

    kind: Literal["needs_profiled"] = "needs_profiled"


class ComplaintFiled(_EventBase):
    """The customer complained.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import ComplaintFiled
        >>> ComplaintFiled(customer_id="C-1", severity="high",
        ...     occurred_at=datetime(2025, 4, 1, tzinfo=UTC)).severity
        <Severity.HIGH: 'high'>

    .. versionadded:: 0.1
    """

    kind: Literal["complaint_filed"] = "complaint_filed"
    severity: Severity
    complaint_id: ComplaintId | None = None


class ComplaintResolved(_EventBase):
    """A complaint was closed; ``satisfied`` says whether the customer was.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import ComplaintResolved
        >>> ComplaintResolved(customer_id="C-1", satisfied=True,
        ...     occurred_at=datetime(2025, 4, 3, tzinfo=UTC)).satisfied
        True

    .. versionadded:: 0.1
    """

    is_activity: ClassVar[bool] = False

    kind: Literal["complaint_resolved"] = "complaint_resolved"
    satisfied: bool
    complaint_id: ComplaintId | None = None


class DissatisfactionSignal(_EventBase):
    """A behavioural sign of silent dissatisfaction, scored in [0, 1].

    Most unhappy customers never complain (TARP: only 4-6 % do), so signals
    such as falling usage, a poor survey answer or a balance moved away
    must be able to trigger potential divorce. ``source`` says where the
    signal came from.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import DissatisfactionSignal
        >>> DissatisfactionSignal(customer_id="C-1", score=0.8,
        ...     source="nps_survey",
        ...     occurred_at=datetime(2025, 5, 1, tzinfo=UTC)).score
        0.8

    .. versionadded:: 0.1
    """

    is_activity: ClassVar[bool] = False

    kind: Literal["dissatisfaction_signal"] = "dissatisfaction_signal"
    score: float = Field(ge=0.0, le=1.0, allow_inf_nan=False)
    source: str = Field(min_length=1)


class InactivityObserved(_EventBase):
    """A check that found no activity since the last one, as of ``as_of``.

    Inactive days are counted from the state's last activity to ``as_of``.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import InactivityObserved
        >>> day = datetime(2025, 9, 1, tzinfo=UTC)
        >>> InactivityObserved(customer_id="C-1", occurred_at=day,
        ...                    as_of=day).as_of.month
        9

    .. versionadded:: 0.1
    """

    is_activity: ClassVar[bool] = False

    kind: Literal["inactivity_observed"] = "inactivity_observed"
    as_of: UtcDatetime


class AccountClosed(_EventBase):
    """The customer's accounts were closed: the relationship ended.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import AccountClosed
        >>> AccountClosed(customer_id="C-1", reason="new_job",
        ...     occurred_at=datetime(2025, 6, 1, tzinfo=UTC)).reason
        <DepartureReason.NEW_JOB: 'new_job'>

    .. versionadded:: 0.1
    """

    is_activity: ClassVar[bool] = False

    kind: Literal["account_closed"] = "account_closed"
    reason: DepartureReason


class WinBackAttempted(_EventBase):
    """The firm started an attempt to win a departed customer back.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import WinBackAttempted
        >>> WinBackAttempted(customer_id="C-1",
        ...     occurred_at=datetime(2025, 7, 1, tzinfo=UTC)).kind
        'win_back_attempted'

    .. versionadded:: 0.1
    """

    is_activity: ClassVar[bool] = False

    kind: Literal["win_back_attempted"] = "win_back_attempted"


class WinBackDeclined(_EventBase):
    """The departed customer turned the win-back attempt down.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import WinBackDeclined
        >>> WinBackDeclined(customer_id="C-1",
        ...     occurred_at=datetime(2025, 7, 9, tzinfo=UTC)).kind
        'win_back_declined'

    .. versionadded:: 0.1
    """

    is_activity: ClassVar[bool] = False

    kind: Literal["win_back_declined"] = "win_back_declined"


class Reactivated(_EventBase):
    """A departed customer came back.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import Reactivated
        >>> Reactivated(customer_id="C-1",
        ...     occurred_at=datetime(2025, 8, 1, tzinfo=UTC)).kind
        'reactivated'

    .. versionadded:: 0.1
    """

    kind: Literal["reactivated"] = "reactivated"


Event: TypeAlias = Annotated[
    InterestShown
    | FirstPurchase
    | RepeatPurchase
    | ReferralMade
    | NeedsProfiled
    | ComplaintFiled
    | ComplaintResolved
    | DissatisfactionSignal
    | InactivityObserved
    | AccountClosed
    | WinBackAttempted
    | WinBackDeclined
    | Reactivated,
    Field(discriminator="kind"),
]
"""Any relationship event; pydantic picks the class by its ``kind``."""

EventKind: TypeAlias = Literal[
    "interest_shown",
    "first_purchase",
    "repeat_purchase",
    "referral_made",
    "needs_profiled",
    "complaint_filed",
    "complaint_resolved",
    "dissatisfaction_signal",
    "inactivity_observed",
    "account_closed",
    "win_back_attempted",
    "win_back_declined",
    "reactivated",
]
"""The ``kind`` of an event: its class name in snake_case."""

EVENT_KINDS: Final[tuple[EventKind, ...]] = get_args(EventKind)
"""Every event kind, in lifecycle order."""

_EVENT_CLASSES: Final[tuple[type[_EventBase], ...]] = get_args(
    get_args(Event)[0]
)
ACTIVITY_KINDS: Final[frozenset[str]] = frozenset(
    cls.model_fields["kind"].default
    for cls in _EVENT_CLASSES
    if cls.is_activity
)
"""The kinds of the events the customer does (see ``is_activity``)."""

_EVENT_ADAPTER: Final[TypeAdapter[Event]] = TypeAdapter(Event)


def parse_event(data: str | bytes | Mapping[str, object], /) -> Event:
    """Parse one event from a JSON document or a mapping.

    Args:
        data: A JSON object as text or bytes (for example one line of a JSON
            Lines file), or an already-decoded mapping.

    Returns:
        The event, as the class its ``kind`` names.

    Raises:
        pydantic.ValidationError: Malformed JSON, an unknown or missing
            ``kind``, a naive datetime or any invalid field; the message
            names the field and the expected kinds.

    Examples:
        >>> from customer_centric.relationship import parse_event
        >>> e = parse_event('{"kind": "complaint_filed", "customer_id": '
        ...     '"C-1", "occurred_at": "2025-04-01T09:00:00Z", '
        ...     '"severity": "low"}')
        >>> type(e).__name__, e.severity.value
        ('ComplaintFiled', 'low')
        >>> parse_event({"kind": "refund", "customer_id": "C-1",
        ...              "occurred_at": "2025-04-01T09:00:00Z"})
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error...
          Input tag 'refund' found using 'kind' does not match any of the \
expected tags: 'interest_shown', ...

    .. versionadded:: 0.1
    """
    if isinstance(data, str | bytes):
        return _EVENT_ADAPTER.validate_json(data)
    return _EVENT_ADAPTER.validate_python(data)
