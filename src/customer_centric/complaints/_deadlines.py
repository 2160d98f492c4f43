"""Complaint deadlines: the firm's service targets and the regulators' limits.

Two kinds, kept apart:

* **Service deadlines** come from the firm's own
  :class:`ServiceLevelProfile`: a target per priority and milestone
  ("acknowledge urgent complaints within 4 hours"), counted in hours,
  calendar days or business days of a :class:`BusinessCalendar`. The clock
  pauses while the complaint sits in a pausing status (by default
  ``AWAITING_CUSTOMER``, waiting on the complainant).
* **Regulatory deadlines** (:class:`RegulatoryDeadlineRule`) never pause:
  they count from receipt whatever the complaint's status. Shipped rules:
  UK FCA DISP 1.5 (summary resolution by close of business on the third
  business day after the day of receipt) and DISP 1.6.2R (final response by
  the end of eight weeks after receipt); US CFPB (response within 15
  calendar days, final response within 60); EU PSD2 article 101(2) (reply
  within 15 business days, 35 in exceptional situations); Canada's FCAC
  (banks deal with a complaint within 56 calendar days of the day of
  receipt).

Each :class:`Deadline` reports its status at an ``as_of`` time: on track, at
risk, met, breached, or lapsed (an optional window that passed).
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, localcontext
from typing import Annotated, Final, Literal, Self, final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from customer_centric._checks import (
    check_aware,
    check_decimal,
    check_instance,
    check_member,
)
from customer_centric._display import (
    NO_VALUE,
    Table,
    tables_html,
    tables_markdown,
)
from customer_centric._frozen import FrozenMap, SortedSet
from customer_centric._types import DECIMAL_CONTEXT, Rate, check_rate
from customer_centric.complaints._complaint import (
    Complaint,
    ComplaintStatus,
)
from customer_centric.complaints._triage import Priority
from customer_centric.exceptions import InvariantError, PolicyError

__all__ = [
    "CFPB_FINAL_RESPONSE",
    "CFPB_RESPONSE",
    "CFPB_RULES",
    "FCAC_RESPONSE",
    "FCAC_RULES",
    "FCA_DISP_RULES",
    "FCA_FINAL_RESPONSE",
    "FCA_SUMMARY_RESOLUTION",
    "PSD2_FINAL_REPLY",
    "PSD2_REPLY",
    "PSD2_RULES",
    "BusinessCalendar",
    "Deadline",
    "DeadlineStatus",
    "RegulatoryDeadlineRule",
    "ServiceLevelProfile",
    "ServiceTarget",
    "regulatory_deadlines",
    "service_deadlines",
]

_S = ComplaintStatus

_REACHED_BY: Final[dict[ComplaintStatus, frozenset[ComplaintStatus]]] = {
    _S.ACKNOWLEDGED: frozenset(
        {
            _S.ACKNOWLEDGED,
            _S.ASSESSED,
            _S.INVESTIGATING,
            _S.AWAITING_CUSTOMER,
            _S.RESPONDED,
            _S.CLOSED,
        }
    ),
    _S.ASSESSED: frozenset(
        {
            _S.ASSESSED,
            _S.INVESTIGATING,
            _S.AWAITING_CUSTOMER,
            _S.RESPONDED,
            _S.CLOSED,
        }
    ),
    _S.RESPONDED: frozenset({_S.RESPONDED, _S.CLOSED}),
    _S.CLOSED: frozenset({_S.CLOSED}),
}
"""A milestone and the statuses whose first entry reaches it.

A complaint answered at first contact (``RECEIVED → RESPONDED``) has also
been acknowledged.
"""

_DEFAULT_AT_RISK: Final = Decimal("0.8")
_FIRST_YEAR: Final = 1
_LAST_YEAR: Final = 9999
_MAX_DAYS: Final = 3660  # a deadline further than ten years out is an error
_HOUR: Final = timedelta(hours=1)
_DAY: Final = timedelta(days=1)


_EXTREME_EASTERS: Final = (2000, 2038, 2285)
"""A leap year, and the years of the latest (25 April) and earliest
(22 March) Easter: a rule valid in all three is valid in every year."""
_DAILY_OR_SLOWER: Final = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")
_WITHIN_A_DAY: Final = ("BYHOUR", "BYMINUTE", "BYSECOND")


def _check_daily(rule: str) -> None:
    """Refuse a rule that recurs more often than daily: holidays are days.

    Expanding a minutely or secondly rule over a year takes seconds to
    minutes and yields the same days as a daily one.
    """
    body = rule.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts = dict(item.partition("=")[::2] for item in body.upper().split(";"))
    freq = parts.get("FREQ", "").strip()
    within = [key for key in _WITHIN_A_DAY if key in parts]
    if "\n" in body or freq not in _DAILY_OR_SLOWER or within:
        msg = (
            f"holiday rule {rule!r} must be one RRULE line recurring at "
            f"most daily (FREQ={', '.join(_DAILY_OR_SLOWER)}) without "
            f"{', '.join(_WITHIN_A_DAY)}: holidays are whole days; write "
            "e.g. 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25'"
        )
        raise PolicyError(msg)


@functools.lru_cache(maxsize=4096)
def _rule_dates(rule: str, year: int) -> frozenset[date]:
    start = datetime(year, 1, 1)  # noqa: DTZ001 - calendar dates, no zone
    end = datetime(year, 12, 31, 23, 59, 59)  # noqa: DTZ001
    try:
        recurrence = rrulestr(rule, dtstart=start)
        return frozenset(
            moment.date()
            for moment in recurrence.between(start, end, inc=True)
        )
    except (ValueError, TypeError, IndexError) as exc:
        # dateutil raises IndexError for a BYEASTER offset that leaves the
        # year, which depends on the year's Easter date.
        msg = (
            f"holiday rule {rule!r} is not a valid RRULE for the year "
            f"{year} ({type(exc).__name__}: {exc}); write e.g. "
            "'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25' and keep BYEASTER "
            "offsets inside the year"
        )
        raise PolicyError(msg) from exc


class BusinessCalendar(BaseModel):
    """Which days count as business days, in which time zone.

    A day is a business day unless it is a weekend day, one of
    ``holidays``, or produced by one of ``holiday_rules``. Rules are
    RFC 5545 recurrence rules read by :func:`dateutil.rrule.rrulestr`,
    including dateutil's ``BYEASTER`` extension, so Christmas Day is
    ``"FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"`` and Good Friday
    ``"FREQ=YEARLY;BYEASTER=-2"``. Substitute days (a holiday moved off a
    weekend) go in ``holidays``.

    Attributes:
        name: What the calendar is called.
        timezone: The IANA time zone business days are counted in.
        weekend: Weekday numbers that are never business days (Monday 0).
        holidays: One-off non-business dates.
        holiday_rules: Recurring non-business dates.
        close_of_business: The local time a business day ends.

    Examples:
        >>> from datetime import date
        >>> from customer_centric.complaints import BusinessCalendar
        >>> uk = BusinessCalendar.uk(bank_holidays=[date(2026, 4, 6)])
        >>> uk.is_business_day(date(2026, 4, 3))  # Good Friday
        False
        >>> uk.add_business_days(date(2026, 4, 2), 1)  # Thu -> Tue
        datetime.date(2026, 4, 7)

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "business_days"
    timezone: str = "UTC"
    weekend: SortedSet[int] = frozenset({5, 6})
    holidays: SortedSet[date] = frozenset()
    holiday_rules: tuple[str, ...] = ()
    close_of_business: time = time(17, 0)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            msg = (
                f"unknown time zone {value!r}; pass an IANA name such as "
                "'Europe/London' or 'America/New_York'"
            )
            raise PolicyError(msg) from exc
        return value

    @field_validator("weekend")
    @classmethod
    def _weekdays(cls, value: frozenset[int]) -> frozenset[int]:
        if not value <= set(range(7)) or len(value) == 7:  # noqa: PLR2004
            msg = (
                f"weekend must be weekday numbers 0 (Monday) to 6 (Sunday) "
                f"leaving at least one working day, got {sorted(value)!r}"
            )
            raise PolicyError(msg)
        return value

    @field_validator("holiday_rules")
    @classmethod
    def _rules_parse(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for rule in value:
            upper = rule.upper()
            if "DTSTART" in upper or "COUNT=" in upper:
                msg = (
                    f"holiday rule {rule!r} must not set DTSTART or COUNT; "
                    "the calendar evaluates each rule year by year"
                )
                raise PolicyError(msg)
            _check_daily(rule)
            for year in _EXTREME_EASTERS:
                _rule_dates(rule, year)
        return value

    @field_validator("close_of_business")
    @classmethod
    def _naive_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            msg = (
                f"close_of_business is a local wall-clock time, got {value!r}"
                "; drop the tzinfo and set the calendar's timezone instead"
            )
            raise PolicyError(msg)
        return value

    @classmethod
    def uk(
        cls,
        *,
        bank_holidays: Iterable[date] = (),
        timezone: str = "Europe/London",
    ) -> Self:
        """The FCA Glossary's business days for one part of the UK.

        "Any day which is not a Saturday or Sunday, Christmas Day, Good
        Friday or a bank holiday in that part of the United Kingdom" (FCA
        Handbook Glossary, *business day*). Christmas Day and Good Friday
        are built in; pass the bank holidays of the relevant part of the UK
        (they differ between England and Wales, Scotland and Northern
        Ireland, and move each year).

        Examples:
            >>> from datetime import date
            >>> from customer_centric.complaints import BusinessCalendar
            >>> BusinessCalendar.uk().is_business_day(date(2026, 12, 25))
            False
        """
        check_instance(
            bank_holidays,
            Iterable,  # type: ignore[type-abstract]
            name="bank_holidays",
            what="an iterable of dates",
        )
        return cls(
            name="fca_business_days",
            timezone=timezone,
            holidays=frozenset(bank_holidays),
            holiday_rules=(
                "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",
                "FREQ=YEARLY;BYEASTER=-2",
            ),
        )

    @property
    def zone(self) -> tzinfo:
        """The calendar's time zone (a ``zoneinfo.ZoneInfo``)."""
        return ZoneInfo(self.timezone)

    def holidays_in(self, year: int, /) -> frozenset[date]:
        """Every holiday (one-off or recurring) falling in ``year``.

        Examples:
            >>> from customer_centric.complaints import BusinessCalendar
            >>> sorted(BusinessCalendar.uk().holidays_in(2026))
            [datetime.date(2026, 4, 3), datetime.date(2026, 12, 25)]
        """
        year = check_instance(year, int, name="year")
        if not _FIRST_YEAR <= year <= _LAST_YEAR:
            msg = f"year must be from 1 to 9999, got {year!r}"
            raise InvariantError(msg)
        found = {day for day in self.holidays if day.year == year}
        for rule in self.holiday_rules:
            found |= _rule_dates(rule, year)
        return frozenset(found)

    def is_business_day(self, day: date, /) -> bool:
        """Whether ``day`` is a business day in this calendar.

        Examples:
            >>> from datetime import date
            >>> from customer_centric.complaints import BusinessCalendar
            >>> BusinessCalendar().is_business_day(date(2026, 3, 7))  # Sat
            False
        """
        check_instance(day, date, name="day")
        if day.weekday() in self.weekend or day in self.holidays:
            return False
        return not any(
            day in _rule_dates(r, day.year) for r in self.holiday_rules
        )

    def add_business_days(self, day: date, days: int, /) -> date:
        """The ``days``-th business day after ``day``.

        With 0, ``day`` itself if it is a business day, else the next one.

        Raises:
            InvariantError: ``days`` is negative, or the answer falls after
                the year 9999.
            ArgumentTypeError: ``day`` is not a date or ``days`` not an int.

        Examples:
            >>> from datetime import date
            >>> from customer_centric.complaints import BusinessCalendar
            >>> BusinessCalendar().add_business_days(date(2026, 3, 6), 3)
            datetime.date(2026, 3, 11)
        """
        check_instance(day, date, name="day")
        check_instance(days, int, name="days")
        if days < 0:
            msg = f"days must be >= 0, got {days!r}; count forward only"
            raise InvariantError(msg)
        try:
            return self._add_business_days(day, days)
        except OverflowError:
            msg = (
                f"adding {days} business days to {day.isoformat()} goes past "
                "9999-12-31, the last date Python can represent; pass an "
                "earlier day"
            )
            raise InvariantError(msg) from None

    def _add_business_days(self, day: date, days: int) -> date:
        current = day
        if days == 0:
            while not self.is_business_day(current):
                current += _DAY
            return current
        remaining = days
        for _ in range(_MAX_DAYS):
            current += _DAY
            if self.is_business_day(current):
                remaining -= 1
                if remaining == 0:
                    return current
        msg = (
            f"calendar {self.name!r} has no {days} business days in the "
            f"{_MAX_DAYS} days after {day.isoformat()}; check its weekend "
            "and holidays"
        )
        raise PolicyError(msg)


_MAX_WITHIN: Final = _MAX_DAYS * 24


def _not_huge(value: object) -> object:
    # pydantic's int parsing raises a bare ValueError on Decimal('1e999999')
    if isinstance(value, Decimal) and not (
        value.is_finite() and value.copy_abs() <= _MAX_WITHIN
    ):
        msg = (
            f"within must be a whole number from 1 to {_MAX_WITHIN}, got "
            f"{value!r}"
        )
        raise InvariantError(msg)
    return value


_Within = Annotated[
    int, BeforeValidator(_not_huge), Field(gt=0, le=_MAX_WITHIN)
]


class ServiceTarget(BaseModel):
    """One of a firm's own deadlines: reach a milestone within some time.

    Attributes:
        milestone: ``ACKNOWLEDGED``, ``ASSESSED``, ``RESPONDED`` or
            ``CLOSED``.
        within: How many units.
        unit: ``"hours"`` (elapsed), ``"calendar_days"`` or
            ``"business_days"`` (days of the profile's calendar; partial
            days count, so 1 business day from Friday 15:00 is Monday
            15:00).

    Examples:
        >>> from customer_centric.complaints import (
        ...     ComplaintStatus, ServiceTarget)
        >>> ServiceTarget(milestone=ComplaintStatus.RESPONDED, within=5,
        ...               unit="business_days").within
        5

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    milestone: ComplaintStatus
    within: _Within
    unit: Literal["hours", "calendar_days", "business_days"]

    @field_validator("milestone")
    @classmethod
    def _is_milestone(cls, value: ComplaintStatus) -> ComplaintStatus:
        if value not in _REACHED_BY:
            msg = (
                f"{value.value!r} is not a milestone; use one of "
                f"{', '.join(s.value for s in _REACHED_BY)}"
            )
            raise PolicyError(msg)
        return value


class ServiceLevelProfile(BaseModel):
    """A firm's service targets per priority, and when the clock pauses.

    ISO 10002:2018 leaves the times to the organisation; there is no default
    profile. ``at_risk_share`` is a library convention, not a published
    figure: a deadline is *at risk* once that share of its time is used.

    Attributes:
        name: What the profile is called.
        calendar: The business calendar for ``business_days`` targets and
            the zone for ``calendar_days``.
        targets: The targets of each priority; every priority must be
            present (an empty tuple means no service deadline).
        pause_statuses: Statuses during which the service clock stops.
        at_risk_share: Share of the allowed time after which an open
            deadline is at risk.

    Examples:
        >>> from customer_centric.complaints import (
        ...     ComplaintStatus, Priority, ServiceLevelProfile, ServiceTarget)
        >>> respond = ServiceTarget(milestone=ComplaintStatus.RESPONDED,
        ...                         within=5, unit="business_days")
        >>> profile = ServiceLevelProfile(
        ...     name="retail", targets={p: (respond,) for p in Priority})
        >>> sorted(profile.pause_statuses)
        [<ComplaintStatus.AWAITING_CUSTOMER: 'awaiting_customer'>]

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    calendar: BusinessCalendar = BusinessCalendar()
    targets: FrozenMap[Priority, tuple[ServiceTarget, ...]]
    pause_statuses: frozenset[ComplaintStatus] = frozenset(
        {ComplaintStatus.AWAITING_CUSTOMER}
    )
    at_risk_share: Rate = _DEFAULT_AT_RISK

    @model_validator(mode="after")
    def _complete(self) -> Self:
        missing = [p.value for p in Priority if p not in self.targets]
        if missing:
            msg = (
                f"service profile {self.name!r} has no targets for "
                f"priorities {missing!r}; give every priority a tuple of "
                "targets (empty for none)"
            )
            raise PolicyError(msg)
        for priority, targets in self.targets.items():
            milestones = [t.milestone for t in targets]
            if len(set(milestones)) != len(milestones):
                msg = (
                    f"service profile {self.name!r} has two targets for the "
                    f"same milestone at priority {priority.value!r}; keep one"
                )
                raise PolicyError(msg)
        never = {ComplaintStatus.RECEIVED, ComplaintStatus.CLOSED}
        if self.pause_statuses & never:
            msg = (
                f"service profile {self.name!r} pauses on "
                f"{sorted(s.value for s in self.pause_statuses & never)!r}; "
                "the clock cannot pause on receipt or after closing"
            )
            raise PolicyError(msg)
        return self


class RegulatoryDeadlineRule(BaseModel):
    """A regulator's time limit, counted from receipt and never paused.

    Attributes:
        name: Stable snake_case identifier.
        regime: The regulator and rulebook, e.g. ``"UK FCA DISP"``.
        description: What must happen by the deadline.
        citation: The rule, section by section.
        url: Where to read it.
        milestone: The status whose first entry meets the deadline.
        requires_acceptance: Met only by closing with the complainant
            satisfied (the FCA's "resolved" means accepted).
        within: How many units after the day of receipt.
        unit: ``"business_days"`` (of the calendar passed in),
            ``"calendar_days"`` or ``"weeks"``.
        ends: ``"close_of_business"`` (the calendar's) or ``"end_of_day"``
            on the last day.
        binding: ``False`` for an optional window whose passing is not a
            breach (the deadline then *lapses*).
        consequence: What follows if the deadline passes.

    Examples:
        >>> from customer_centric.complaints import FCA_FINAL_RESPONSE
        >>> FCA_FINAL_RESPONSE.within, FCA_FINAL_RESPONSE.unit
        (8, 'weeks')

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    regime: str
    description: str
    citation: str
    url: str
    milestone: ComplaintStatus
    requires_acceptance: bool = False
    within: _Within
    unit: Literal["business_days", "calendar_days", "weeks"]
    ends: Literal["close_of_business", "end_of_day"]
    binding: bool = True
    consequence: str

    @field_validator("milestone")
    @classmethod
    def _is_milestone(cls, value: ComplaintStatus) -> ComplaintStatus:
        return ServiceTarget._is_milestone(value)  # noqa: SLF001


_FCA_DISP_1_5: Final = "https://www.handbook.fca.org.uk/handbook/DISP/1/5.html"
_FCA_DISP_1_6: Final = "https://www.handbook.fca.org.uk/handbook/DISP/1/6.html"
_CFPB_PROCESS: Final = "https://www.consumerfinance.gov/complaint/process/"
_CFPB_REGIME: Final = "US CFPB complaint process"
_CFPB_CITATION: Final = (
    "CFPB Company Portal Manual, section 8.1 'Providing a timely response'; "
    "CFPB, 'Learn how the complaint process works'"
)

FCA_SUMMARY_RESOLUTION: Final = RegulatoryDeadlineRule(
    name="fca_disp_1_5_summary_resolution",
    regime="UK FCA DISP",
    description=(
        "resolve the complaint (the complainant accepts a response) by "
        "close of business on the third business day after the day of "
        "receipt, then send a summary resolution communication"
    ),
    citation=(
        "FCA Handbook DISP 1.5.1R (complaints resolved by close of the "
        "third business day), DISP 1.5.3R (a complaint is resolved when the "
        "complainant indicates acceptance of a response), DISP 1.5.4R "
        "(summary resolution communication); 'business day' in the FCA "
        "Glossary"
    ),
    url=_FCA_DISP_1_5,
    milestone=ComplaintStatus.CLOSED,
    requires_acceptance=True,
    within=3,
    unit="business_days",
    ends="close_of_business",
    binding=False,
    consequence=(
        "not a breach: the complaint then falls under the complaints time "
        "limit rules (DISP 1.6) and forwarding rules (DISP 1.7)"
    ),
)
"""DISP 1.5: resolution by close of business on the third business day.

.. versionadded:: 0.1
"""

FCA_FINAL_RESPONSE: Final = RegulatoryDeadlineRule(
    name="fca_disp_1_6_2_final_response",
    regime="UK FCA DISP",
    description=(
        "send a final response, or a written response explaining why one "
        "cannot be given yet, by the end of eight weeks after receipt"
    ),
    citation="FCA Handbook DISP 1.6.2R (final or other response within "
    "eight weeks)",
    url=_FCA_DISP_1_6,
    milestone=ComplaintStatus.RESPONDED,
    within=8,
    unit="weeks",
    ends="end_of_day",
    consequence=(
        "the complainant may refer the complaint to the Financial "
        "Ombudsman Service"
    ),
)
"""DISP 1.6.2R: final (or holding) response within eight weeks.

PSD and EMD complaints have shorter limits (DISP 1.6.2AR: 15 business days,
35 in exceptional circumstances); build those as your own rules.

.. versionadded:: 0.1
"""

CFPB_RESPONSE: Final = RegulatoryDeadlineRule(
    name="cfpb_15_day_response",
    regime=_CFPB_REGIME,
    description=(
        "respond through the CFPB company portal within 15 calendar days "
        "of the complaint being sent to the company"
    ),
    citation=_CFPB_CITATION,
    url=_CFPB_PROCESS,
    milestone=ComplaintStatus.RESPONDED,
    within=15,
    unit="calendar_days",
    ends="end_of_day",
    consequence=(
        "the response is untimely; the company may instead mark the "
        "complaint 'in progress', which leaves the 60-day final response"
    ),
)
"""CFPB: response within 15 calendar days of the complaint being sent.

Set the complaint's ``received_at`` to when the CFPB sent it to the
company's portal. An "in progress" reply is not modelled as a status; when
one is sent, track the 60-day rule.

.. versionadded:: 0.1
"""

CFPB_FINAL_RESPONSE: Final = RegulatoryDeadlineRule(
    name="cfpb_60_day_final_response",
    regime=_CFPB_REGIME,
    description=(
        "give a final response within 60 calendar days of the complaint "
        "being sent to the company"
    ),
    citation=_CFPB_CITATION,
    url=_CFPB_PROCESS,
    milestone=ComplaintStatus.RESPONDED,
    within=60,
    unit="calendar_days",
    ends="end_of_day",
    consequence=(
        "the complaint is past due and may be prioritised for CFPB "
        "investigation"
    ),
)
"""CFPB: final response within 60 calendar days of the complaint being sent.

.. versionadded:: 0.1
"""

_PSD2_ART_101: Final = (
    "https://eba.europa.eu/regulation-and-policy/single-rulebook/"
    "interactive-single-rulebook/-/interactive-single-rulebook/toc/5402/"
    "article-id/5664"
)
_PSD2_REGIME: Final = "EU PSD2, Directive (EU) 2015/2366"
_PSD2_CITATION: Final = (
    "Directive (EU) 2015/2366 of 25 November 2015 on payment services in "
    "the internal market (PSD2; OJ L 337, 23.12.2015), article 101(2), "
    "first subparagraph (version in force from 12 January 2016)"
)
_PSD2_MORE_ADVANTAGEOUS: Final = (
    "; Member States may introduce or maintain rules more advantageous to "
    "the payment service user (article 101(2), second subparagraph): check "
    "the national transposition"
)
_FCAC_RIGHTS: Final = (
    "https://www.canada.ca/en/financial-consumer-agency/services/"
    "rights-responsibilities/rights-banking/make-complaint.html"
)

PSD2_REPLY: Final = RegulatoryDeadlineRule(
    name="psd2_art_101_2_reply",
    regime=_PSD2_REGIME,
    description=(
        "reply on paper or, if agreed, on another durable medium, "
        "addressing all points raised, at the latest within 15 business "
        "days of receipt of the complaint"
    ),
    citation=_PSD2_CITATION,
    url=_PSD2_ART_101,
    milestone=ComplaintStatus.RESPONDED,
    within=15,
    unit="business_days",
    ends="end_of_day",
    consequence=(
        "the reply is late unless, in an exceptional situation and for "
        "reasons beyond the provider's control, a holding reply gave the "
        "reasons for the delay and the date of the final reply; then the "
        "35-business-day limit (PSD2_FINAL_REPLY) applies"
        + _PSD2_MORE_ADVANTAGEOUS
    ),
)
"""PSD2 article 101(2): a reply within 15 business days of receipt.

Article 101 does not say which days are business days (the directive's
definitions, article 4, were not in the copy read for this rule), so no
calendar is built in: pass a :class:`BusinessCalendar` with the provider's
weekend, holidays and zone. The text gives no hour either, so the deadline
ends at the end of the 15th business day after the day of receipt in the
calendar's zone.

.. versionadded:: 0.2
"""

PSD2_FINAL_REPLY: Final = RegulatoryDeadlineRule(
    name="psd2_art_101_2_exceptional_final_reply",
    regime=_PSD2_REGIME,
    description=(
        "in exceptional situations, after a holding reply, give the final "
        "reply: the deadline for receiving it does not exceed 35 business "
        "days"
    ),
    citation=_PSD2_CITATION,
    url=_PSD2_ART_101,
    milestone=ComplaintStatus.RESPONDED,
    within=35,
    unit="business_days",
    ends="end_of_day",
    consequence=(
        "the final reply is later than the directive allows in any event"
        + _PSD2_MORE_ADVANTAGEOUS
    ),
)
"""PSD2 article 101(2): the final reply within 35 business days at most.

Applies in exceptional situations only, when a holding reply has been
sent; counted, like the 15 days, from receipt of the complaint.

.. versionadded:: 0.2
"""

FCAC_RESPONSE: Final = RegulatoryDeadlineRule(
    name="fcac_56_day_complaint",
    regime="Canada FCAC, Bank Act Part XII.2",
    description=(
        "deal with the complaint within the prescribed period of 56 "
        "calendar days after the day on which it was received"
    ),
    citation=(
        "Bank Act (S.C. 1991, c. 46), paragraph 627.43(1)(a) (complaints "
        "dealt with within the prescribed period); FCAC, 'Filing a "
        "complaint with a bank: know your rights' ('deal with your "
        "complaint within 56 days after they received it'); FCAC news "
        "release of 31 July 2025 on its Thematic Review on Complaint "
        "Handling ('the prescribed period of 56 calendar days after the "
        "day on which the complaint was received'); FCAC Guideline on "
        "Complaint-Handling Procedures for Banks and Authorized Foreign "
        "Banks (published 27 January 2022, effective 30 June 2022)"
    ),
    url=_FCAC_RIGHTS,
    milestone=ComplaintStatus.RESPONDED,
    within=56,
    unit="calendar_days",
    ends="end_of_day",
    consequence=(
        "the complainant may take a complaint the bank has not dealt with "
        "within the prescribed period to the external complaints body "
        "(Bank Act Part XII.2)"
    ),
)
"""FCAC: a bank deals with a complaint within 56 calendar days.

Counted from the day after the day of receipt, in calendar days (weekends
and holidays count; a deadline falling on one is not moved). Met when the
complaint first reaches ``responded`` (or ``closed``): the texts read say
"deal with"; what the final communication must contain is set out in the
Guideline, whose paragraphs on it were not in the copy read for this rule.

.. versionadded:: 0.2
"""

FCA_DISP_RULES: Final = (FCA_SUMMARY_RESOLUTION, FCA_FINAL_RESPONSE)
"""The UK FCA DISP rules, for :func:`regulatory_deadlines`.

.. versionadded:: 0.1
"""

CFPB_RULES: Final = (CFPB_RESPONSE, CFPB_FINAL_RESPONSE)
"""The US CFPB rules, for :func:`regulatory_deadlines`.

.. versionadded:: 0.1
"""

PSD2_RULES: Final = (PSD2_REPLY, PSD2_FINAL_REPLY)
"""The EU PSD2 article 101(2) rules, for :func:`regulatory_deadlines`.

Like :data:`CFPB_RULES`, both limits are reported: a reply after 15
business days breaches :data:`PSD2_REPLY` and may still meet
:data:`PSD2_FINAL_REPLY`, which counts only when a holding reply was sent
in an exceptional situation. Pass ``(PSD2_REPLY,)`` alone when none was.

.. versionadded:: 0.2
"""

FCAC_RULES: Final = (FCAC_RESPONSE,)
"""The Canadian FCAC 56-day rule for banks, for :func:`regulatory_deadlines`.

.. versionadded:: 0.2
"""


@enum.unique
class DeadlineStatus(enum.StrEnum):
    """Where a deadline stands at a given time.

    ``LAPSED`` is for an optional window (such as FCA summary resolution)
    that passed without being used: not a breach.

    Examples:
        >>> from customer_centric.complaints import DeadlineStatus
        >>> DeadlineStatus("at_risk")
        <DeadlineStatus.AT_RISK: 'at_risk'>

    .. versionadded:: 0.1
    """

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    MET = "met"
    BREACHED = "breached"
    LAPSED = "lapsed"


@final
@attrs.frozen(kw_only=True)
class Deadline:
    """One deadline of a complaint, and its status at ``as_of``.

    Attributes:
        name: The target or rule name.
        kind: ``"service"`` (the firm's own, pausable) or ``"regulatory"``
            (never pauses).
        milestone: The status that meets it.
        due_at: The last moment to meet it, in the calendar's zone (as of
            ``as_of``: a paused service clock pushes it later).
        completed_at: When the milestone was reached, if by ``as_of``.
        status: On track, at risk, met, breached or lapsed.
        paused: Whether the service clock is paused at ``as_of``.
        paused_for: Total paused time counted so far.
        used_share: Share of the allowed time used (completion or
            ``as_of``), above 1 when late.
        source: Where the deadline comes from (profile or citation).
        explanation: The status in a sentence.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     BusinessCalendar, ComplaintChannel, FCA_DISP_RULES,
        ...     regulatory_deadlines)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.LOW, channel=ComplaintChannel.PHONE)
        >>> summary, final = regulatory_deadlines(
        ...     complaint, rules=FCA_DISP_RULES,
        ...     calendar=BusinessCalendar.uk(),
        ...     as_of=datetime(2026, 3, 3, 9, tzinfo=UTC))
        >>> summary.due_at.isoformat(), summary.status.value
        ('2026-03-05T17:00:00+00:00', 'on_track')

        ``repr`` is one line; in Jupyter a deadline shows as a table with
        its status, due time, share of time used, pauses and source:

        >>> summary
        Deadline('fca_disp_1_5_summary_resolution' regulatory: on_track, \
due 2026-03-05T17:00:00+00:00, 30% used)
        >>> "DISP 1.5.1R" in summary._repr_html_()
        True

    .. versionadded:: 0.1
    """

    name: str
    kind: Literal["service", "regulatory"]
    milestone: ComplaintStatus
    due_at: datetime
    completed_at: datetime | None
    status: DeadlineStatus
    paused: bool
    paused_for: timedelta
    used_share: Decimal
    source: str
    explanation: str

    def __repr__(self) -> str:
        """One line: name, kind, status, due time and time used."""
        return (
            f"Deadline({self.name!r} {self.kind}: {self.status.value}, due "
            f"{self.due_at.isoformat()}, {self.used_share:.0%} used)"
        )

    def _tables(self) -> tuple[Table, ...]:
        completed = self.completed_at
        table = Table(
            f"Deadline {self.name}: {self.status.value}",
            [
                ("kind", self.kind),
                ("milestone", self.milestone.value),
                ("due at", self.due_at.isoformat()),
                (
                    "completed at",
                    NO_VALUE if completed is None else completed.isoformat(),
                ),
                ("status", self.status.value),
                ("share of the time used", f"{self.used_share:.1%}"),
                ("paused now", "yes" if self.paused else "no"),
                ("paused for", str(self.paused_for)),
                ("source", self.source),
                ("explanation", self.explanation),
            ],
        )
        return (table,)

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def check_as_of(complaint: object, as_of: object) -> Complaint:
    complaint = check_instance(complaint, Complaint, name="complaint")
    as_of = check_aware(as_of, name="as_of")
    if as_of < complaint.received_at:
        msg = (
            f"as_of {as_of.isoformat()!r} is before complaint "
            f"{complaint.complaint_id!r} was received "
            f"({complaint.received_at.isoformat()!r}); pass a later time"
        )
        raise InvariantError(msg)
    return complaint


def _out_of_range(complaint: Complaint, as_of: datetime) -> InvariantError:
    return InvariantError(
        f"complaint {complaint.complaint_id!r}: a deadline counted from "
        f"received_at {complaint.received_at.isoformat()!r} to as_of "
        f"{as_of.isoformat()!r} falls outside the years 1 to 9999 that "
        "Python dates cover; check received_at and as_of"
    )


def _reached_at(
    complaint: Complaint,
    milestone: ComplaintStatus,
    as_of: datetime,
    *,
    requires_acceptance: bool = False,
) -> datetime | None:
    statuses = _REACHED_BY[milestone]
    for change in complaint.history:
        if change.occurred_at > as_of:
            return None
        if change.to_status in statuses and (
            not requires_acceptance or change.customer_satisfied is True
        ):
            return change.occurred_at
    return None


def paused_intervals(
    complaint: Complaint,
    pause_statuses: frozenset[ComplaintStatus],
    until: datetime,
) -> tuple[list[tuple[datetime, datetime]], bool]:
    """Paused intervals (aware) up to ``until``, and whether still paused."""
    intervals: list[tuple[datetime, datetime]] = []
    started: datetime | None = None
    for change in complaint.history:
        if change.occurred_at > until:
            break
        if change.to_status in pause_statuses and started is None:
            started = change.occurred_at
        elif change.to_status not in pause_statuses and started is not None:
            intervals.append((started, change.occurred_at))
            started = None
    if started is not None:
        intervals.append((started, until))
    return intervals, started is not None


def _counting(
    start: datetime,
    *,
    pauses: Sequence[tuple[datetime, datetime]],
    counts_day: Callable[[date], bool],
    required: timedelta | None = None,
    until: datetime | None = None,
) -> tuple[datetime, timedelta]:
    """Walk a clock that runs on counted days outside pauses.

    All datetimes share one frame (naive local wall time or aware UTC).
    With ``required``, return the moment the clock has run that long; with
    ``until``, return ``until`` and how long the clock ran before it.
    """
    moment = start
    ran = timedelta(0)
    for _ in range(_MAX_DAYS * 2):
        midnight = datetime.combine(
            moment.date() + _DAY, time(0), tzinfo=moment.tzinfo
        )
        boundary = midnight
        paused_now = False
        for pause_start, pause_end in pauses:
            if pause_start <= moment < pause_end:
                paused_now = True
                boundary = min(boundary, pause_end)
            elif moment < pause_start:
                boundary = min(boundary, pause_start)
        if until is not None:
            boundary = min(boundary, until)
        if not paused_now and counts_day(moment.date()):
            span = boundary - moment
            if required is not None and ran + span >= required:
                return moment + (required - ran), required
            ran += span
        if until is not None and boundary >= until:
            return until, ran
        moment = boundary
    msg = "deadline is more than ten years away; check the target and calendar"
    raise PolicyError(msg)


def share_of(used: timedelta, allowed: timedelta) -> Decimal:
    # allowed is always positive: targets are > 0 and rules end after the
    # day of receipt.
    micro = Decimal(used // timedelta(microseconds=1))
    total = Decimal(allowed // timedelta(microseconds=1))
    with localcontext(DECIMAL_CONTEXT):
        return (micro / total).quantize(Decimal("0.0001"))


def _status(
    *,
    due_at: datetime,
    completed_at: datetime | None,
    as_of: datetime,
    used_share: Decimal,
    at_risk_share: Decimal,
    binding: bool,
) -> DeadlineStatus:
    if completed_at is not None:
        if completed_at <= due_at:
            return DeadlineStatus.MET
        return DeadlineStatus.BREACHED if binding else DeadlineStatus.LAPSED
    if as_of > due_at:
        return DeadlineStatus.BREACHED if binding else DeadlineStatus.LAPSED
    if used_share >= at_risk_share:
        return DeadlineStatus.AT_RISK
    return DeadlineStatus.ON_TRACK


def _explain(
    name: str,
    status: DeadlineStatus,
    due_at: datetime,
    completed_at: datetime | None,
    used_share: Decimal,
) -> str:
    due = due_at.isoformat()
    if completed_at is not None:
        when = completed_at.isoformat()
        verdict = "in time" if completed_at <= due_at else "late"
        return (
            f"{name}: {status.value}, reached at {when} ({verdict}; due {due})"
        )
    with localcontext(DECIMAL_CONTEXT):
        percent = (used_share * 100).quantize(Decimal("0.1"))
    return f"{name}: {status.value}, due {due}, {percent} % of the time used"


def _service_deadline(
    complaint: Complaint,
    target: ServiceTarget,
    *,
    profile: ServiceLevelProfile,
    as_of: datetime,
) -> Deadline:
    zone = profile.calendar.zone
    completed_at = _reached_at(complaint, target.milestone, as_of)
    stop = completed_at or as_of
    pauses, paused = paused_intervals(complaint, profile.pause_statuses, stop)
    if completed_at is not None:
        paused = False

    def always(_: date) -> bool:
        return True

    counts_day: Callable[[date], bool] = always
    if target.unit == "hours":
        required = target.within * _HOUR

        def frame(moment: datetime) -> datetime:
            return moment.astimezone(UTC)

    else:
        required = target.within * _DAY
        if target.unit == "business_days":
            counts_day = profile.calendar.is_business_day

        def frame(moment: datetime) -> datetime:
            return moment.astimezone(zone).replace(tzinfo=None)

    framed_pauses = [(frame(a), frame(b)) for a, b in pauses]
    start = frame(complaint.received_at)
    due, _ = _counting(
        start, pauses=framed_pauses, counts_day=counts_day, required=required
    )
    _, used = _counting(
        start, pauses=framed_pauses, counts_day=counts_day, until=frame(stop)
    )
    due_at = (
        due.astimezone(zone)
        if due.tzinfo is not None
        else due.replace(tzinfo=zone)
    )
    used_share = share_of(used, required)
    name = f"{profile.name}:{target.milestone.value}"
    status = _status(
        due_at=due_at,
        completed_at=completed_at,
        as_of=as_of,
        used_share=used_share,
        at_risk_share=profile.at_risk_share,
        binding=True,
    )
    return Deadline(
        name=name,
        kind="service",
        milestone=target.milestone,
        due_at=due_at,
        completed_at=completed_at,
        status=status,
        paused=paused,
        paused_for=sum((b - a for a, b in pauses), timedelta(0)),
        used_share=used_share,
        source=f"service profile {profile.name!r}",
        explanation=_explain(name, status, due_at, completed_at, used_share),
    )


def service_deadlines(
    complaint: Complaint,
    /,
    *,
    priority: Priority,
    profile: ServiceLevelProfile,
    as_of: datetime,
) -> tuple[Deadline, ...]:
    """The firm's own deadlines for ``complaint``, as they stand at ``as_of``.

    The clock starts at receipt, runs in the target's unit, and stops while
    the complaint is in one of ``profile.pause_statuses``. Changes recorded
    after ``as_of`` are ignored, so the answer is the one a handler would
    have seen at that time.

    Args:
        complaint: The complaint.
        priority: Its priority (from
            :func:`~customer_centric.complaints.triage`).
        profile: The firm's targets.
        as_of: When to evaluate (timezone-aware, not before receipt).

    Returns:
        One deadline per target of the priority, in the profile's order.

    Raises:
        InvariantError: ``as_of`` is naive, before receipt or more than ten
            years after it, ``priority`` is not a priority, or a date falls
            outside the years 1 to 9999.
        ArgumentTypeError: ``complaint``, ``profile`` or ``as_of`` has the
            wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, ComplaintStatus, Priority,
        ...     ServiceLevelProfile, ServiceTarget, advance, service_deadlines)
        >>> respond = ServiceTarget(milestone=ComplaintStatus.RESPONDED,
        ...                         within=2, unit="business_days")
        >>> profile = ServiceLevelProfile(
        ...     name="retail", targets={p: (respond,) for p in Priority})
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 6, 15, tzinfo=UTC),  # Friday
        ...     severity=Severity.LOW, channel=ComplaintChannel.PHONE)
        >>> waiting = advance(
        ...     advance(complaint, ComplaintStatus.ACKNOWLEDGED,
        ...             occurred_at=datetime(2026, 3, 9, 9, tzinfo=UTC)),
        ...     ComplaintStatus.AWAITING_CUSTOMER,
        ...     occurred_at=datetime(2026, 3, 9, 10, tzinfo=UTC))
        >>> (deadline,) = service_deadlines(
        ...     waiting, priority=Priority.LOW, profile=profile,
        ...     as_of=datetime(2026, 3, 9, 16, tzinfo=UTC))
        >>> deadline.due_at.isoformat(), deadline.paused
        ('2026-03-10T21:00:00+00:00', True)

    .. versionadded:: 0.1
    """
    complaint = check_as_of(complaint, as_of)
    priority = check_member(priority, Priority, name="priority")
    profile = check_instance(profile, ServiceLevelProfile, name="profile")
    if as_of - complaint.received_at > _MAX_DAYS * _DAY:
        msg = (
            f"as_of {as_of.isoformat()!r} is more than {_MAX_DAYS} days after "
            f"complaint {complaint.complaint_id!r} was received "
            f"({complaint.received_at.isoformat()!r}); evaluate service "
            "deadlines within ten years of receipt"
        )
        raise InvariantError(msg)
    try:
        return tuple(
            _service_deadline(complaint, target, profile=profile, as_of=as_of)
            for target in profile.targets[priority]
        )
    except OverflowError:
        raise _out_of_range(complaint, as_of) from None


def _regulatory_due(
    rule: RegulatoryDeadlineRule,
    received_at: datetime,
    calendar: BusinessCalendar,
) -> datetime:
    zone = calendar.zone
    received_day = received_at.astimezone(zone).date()
    if rule.unit == "business_days":
        due_day = calendar.add_business_days(received_day, rule.within)
    elif rule.unit == "weeks":
        due_day = received_day + relativedelta(weeks=rule.within)
    else:
        due_day = received_day + relativedelta(days=rule.within)
    at = (
        calendar.close_of_business
        if rule.ends == "close_of_business"
        else time.max
    )
    return datetime.combine(due_day, at, tzinfo=zone)


def regulatory_deadlines(
    complaint: Complaint,
    /,
    *,
    rules: Sequence[RegulatoryDeadlineRule],
    calendar: BusinessCalendar,
    as_of: datetime,
    at_risk_share: Decimal = _DEFAULT_AT_RISK,
) -> tuple[Deadline, ...]:
    """The regulators' deadlines for ``complaint`` at ``as_of`` (never paused).

    Days count from the day of receipt in the calendar's zone: the first
    day is the day after receipt. ``end_of_day`` deadlines end at
    23:59:59.999999 local time.

    Args:
        complaint: The complaint.
        rules: The rules that apply, e.g.
            :data:`~customer_centric.complaints.FCA_DISP_RULES`,
            :data:`~customer_centric.complaints.CFPB_RULES`,
            :data:`~customer_centric.complaints.PSD2_RULES` or
            :data:`~customer_centric.complaints.FCAC_RULES`.
        calendar: Business days and zone (for the FCA,
            :meth:`BusinessCalendar.uk`; for PSD2, the provider's own
            business days).
        as_of: When to evaluate (timezone-aware, not before receipt).
        at_risk_share: Share of the time after which an open deadline is at
            risk (a library convention, not a regulatory figure).

    Returns:
        One deadline per rule, in order.

    Raises:
        InvariantError: ``as_of`` is naive or before receipt,
            ``at_risk_share`` is outside [0, 1] or not finite, or a date
            falls outside the years 1 to 9999.
        ArgumentTypeError: ``complaint``, ``rules`` (or one rule),
            ``calendar``, ``as_of`` or ``at_risk_share`` has the wrong
            type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     BusinessCalendar, CFPB_RULES, ComplaintChannel,
        ...     regulatory_deadlines)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 14, tzinfo=UTC),
        ...     severity=Severity.MEDIUM, channel=ComplaintChannel.REGULATOR)
        >>> first, final = regulatory_deadlines(
        ...     complaint, rules=CFPB_RULES,
        ...     calendar=BusinessCalendar(timezone="America/New_York"),
        ...     as_of=datetime(2026, 3, 16, 12, tzinfo=UTC))
        >>> first.due_at.date().isoformat(), first.status.value
        ('2026-03-17', 'at_risk')
        >>> final.due_at.date().isoformat(), final.status.value
        ('2026-05-01', 'on_track')

    .. versionadded:: 0.1
    """
    complaint = check_as_of(complaint, as_of)
    check_rate(
        check_decimal(at_risk_share, name="at_risk_share"),
        name="at_risk_share",
    )
    calendar = check_instance(calendar, BusinessCalendar, name="calendar")
    checked = [
        check_instance(
            rule,
            RegulatoryDeadlineRule,
            name=f"rules[{index}]",
            what="a RegulatoryDeadlineRule such as FCA_FINAL_RESPONSE",
        )
        for index, rule in enumerate(
            check_instance(
                rules,
                Sequence,  # type: ignore[type-abstract]
                name="rules",
                what="a sequence of RegulatoryDeadlineRule",
            )
        )
    ]
    try:
        return _regulatory_deadlines(
            complaint, checked, calendar, as_of, at_risk_share
        )
    except OverflowError:
        raise _out_of_range(complaint, as_of) from None


def _regulatory_deadlines(
    complaint: Complaint,
    rules: Sequence[RegulatoryDeadlineRule],
    calendar: BusinessCalendar,
    as_of: datetime,
    at_risk_share: Decimal,
) -> tuple[Deadline, ...]:
    deadlines = []
    for rule in rules:
        due_at = _regulatory_due(rule, complaint.received_at, calendar)
        completed_at = _reached_at(
            complaint,
            rule.milestone,
            as_of,
            requires_acceptance=rule.requires_acceptance,
        )
        used_share = share_of(
            (completed_at or as_of) - complaint.received_at,
            due_at - complaint.received_at,
        )
        status = _status(
            due_at=due_at,
            completed_at=completed_at,
            as_of=as_of,
            used_share=used_share,
            at_risk_share=at_risk_share,
            binding=rule.binding,
        )
        explanation = _explain(
            rule.name, status, due_at, completed_at, used_share
        )
        if status in {DeadlineStatus.BREACHED, DeadlineStatus.LAPSED}:
            explanation += f"; {rule.consequence}"
        deadlines.append(
            Deadline(
                name=rule.name,
                kind="regulatory",
                milestone=rule.milestone,
                due_at=due_at,
                completed_at=completed_at,
                status=status,
                paused=False,
                paused_for=timedelta(0),
                used_share=used_share,
                source=f"{rule.citation} <{rule.url}>",
                explanation=explanation,
            )
        )
    return tuple(deadlines)
