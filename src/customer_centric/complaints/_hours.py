"""Business hours as data, and clocks that count only open time.

A service desk is open some hours of some days. :class:`BusinessHours`
holds the opening hours of each weekday, the time zone and holidays (from a
:class:`~customer_centric.complaints.BusinessCalendar`) and dated days with
other, usually shorter, hours (a half day before a holiday). A
:class:`ClockTarget` says how long a clock may run, in business minutes,
hours or days, or in calendar (elapsed) time. Two pure functions answer
the two questions a desk asks: :func:`due_at` (given a start and a target,
when is it due?) and :func:`business_time` (how much open time lies
between two instants?). For hour-level targets they are inverses:
``business_time(start, due_at(start, target=t)) == t``.

Hours are read on the wall clock of the calendar's zone and counted as
real elapsed time, so a day the clocks change counts what really passed. A
wall time that occurs twice (clocks going back) is read as its first
occurrence; one that does not exist (clocks going forward) as the moment
the clocks change.

These are design references from service-desk tools (Zendesk SLA policies
count business hours from a schedule with holidays; Salesforce
entitlement milestones use business hours), not legal sources.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Final, Literal, Self, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, model_validator

from customer_centric._checks import check_aware, check_instance
from customer_centric._frozen import FrozenDict, FrozenMap
from customer_centric.complaints._deadlines import BusinessCalendar
from customer_centric.exceptions import InvariantError, PolicyError

__all__ = [
    "BusinessHours",
    "ClockTarget",
    "ClockUnit",
    "OpeningSpan",
    "business_time",
    "due_at",
]

_DAY: Final = timedelta(days=1)
_MAX_DAYS: Final = 3660  # as the deadlines: ten years is the horizon
_MIDNIGHT: Final = time(0)
_WEEKDAYS: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)

ClockUnit: TypeAlias = Literal[
    "business_minutes",
    "business_hours",
    "business_days",
    "calendar_minutes",
    "calendar_hours",
    "calendar_days",
]
"""The unit of a :class:`ClockTarget`."""

_UNIT_LENGTH: Final[dict[str, timedelta]] = {
    "business_minutes": timedelta(minutes=1),
    "business_hours": timedelta(hours=1),
    "calendar_minutes": timedelta(minutes=1),
    "calendar_hours": timedelta(hours=1),
    "calendar_days": _DAY,
}
_MAX_AMOUNT: Final = _MAX_DAYS * 24 * 60


class OpeningSpan(BaseModel):
    """One stretch of a day when the desk is open, in local wall time.

    ``closes`` of ``00:00`` means midnight at the end of the day (24:00), so
    ``OpeningSpan(opens=time(0), closes=time(0))`` is the whole day.

    Attributes:
        opens: When the desk opens (naive local time).
        closes: When it closes; later than ``opens``, or ``00:00``.

    Examples:
        >>> from datetime import time
        >>> from customer_centric.complaints import OpeningSpan
        >>> OpeningSpan(opens=time(9), closes=time(17)).closes
        datetime.time(17, 0)
        >>> OpeningSpan(opens=time(17), closes=time(9))
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error ...
        ...

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    opens: time
    closes: time

    @model_validator(mode="after")
    def _ordered_and_naive(self) -> Self:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            msg = (
                f"opening hours are local wall-clock times, got opens "
                f"{self.opens!r} and closes {self.closes!r}; drop the tzinfo "
                "and set the calendar's timezone instead"
            )
            raise PolicyError(msg)
        if self.closes != _MIDNIGHT and self.closes <= self.opens:
            msg = (
                f"opening span closes at {self.closes.isoformat()} before it "
                f"opens at {self.opens.isoformat()}; close later than it "
                "opens (00:00 closes at midnight), and split a span that "
                "crosses midnight into two days"
            )
            raise PolicyError(msg)
        return self


_Spans: TypeAlias = tuple[OpeningSpan, ...]


def _check_spans(spans: Sequence[OpeningSpan], where: str) -> None:
    ordered = sorted(spans, key=lambda span: span.opens)
    for first, second in itertools.pairwise(ordered):
        if first.closes == _MIDNIGHT or first.closes > second.opens:
            msg = (
                f"opening spans on {where} overlap: "
                f"{first.opens.isoformat()}-{first.closes.isoformat()} and "
                f"{second.opens.isoformat()}-{second.closes.isoformat()}; "
                "merge them or make one end before the other starts"
            )
            raise PolicyError(msg)


def _nine_to_five() -> FrozenDict[int, tuple[OpeningSpan, ...]]:
    span = (OpeningSpan(opens=time(9), closes=time(17)),)
    return FrozenDict(dict.fromkeys(range(5), span))


class BusinessHours(BaseModel):
    """When a desk is open: weekly hours, a zone, holidays, shorter days.

    A day's hours are ``shorter_days[day]`` if the day is listed there, else
    ``weekly[day.weekday()]``; a day the calendar does not count as a
    business day (weekend or holiday) is closed. A weekday missing from
    ``weekly`` is closed.

    Attributes:
        name: What the schedule is called.
        calendar: The time zone, weekend and holidays.
        weekly: Opening spans per weekday (Monday 0 to Sunday 6); spans of
            a day must not overlap.
        shorter_days: Dated days with their own spans (a half day before a
            holiday); each must be a business day of the calendar.

    Examples:
        >>> from datetime import date, time
        >>> from customer_centric.complaints import (
        ...     BusinessCalendar, BusinessHours, OpeningSpan)
        >>> hours = BusinessHours(
        ...     calendar=BusinessCalendar.uk(),
        ...     shorter_days={date(2026, 12, 24): (
        ...         OpeningSpan(opens=time(9), closes=time(13)),)})
        >>> hours.spans_on(date(2026, 12, 24))[0].closes
        datetime.time(13, 0)
        >>> hours.spans_on(date(2026, 12, 25))  # Christmas Day
        ()

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "business_hours"
    calendar: BusinessCalendar = BusinessCalendar()
    weekly: FrozenMap[int, _Spans] = Field(default_factory=_nine_to_five)
    shorter_days: FrozenMap[date, _Spans] = Field(
        default_factory=lambda: FrozenDict({})
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for weekday, spans in self.weekly.items():
            if weekday not in range(7):
                msg = (
                    f"business hours {self.name!r}: weekday {weekday!r} is "
                    "not a weekday number; use 0 (Monday) to 6 (Sunday)"
                )
                raise PolicyError(msg)
            if spans and weekday in self.calendar.weekend:
                msg = (
                    f"business hours {self.name!r} open on "
                    f"{_WEEKDAYS[weekday]}, which calendar "
                    f"{self.calendar.name!r} keeps as weekend; remove "
                    f"{weekday} from the calendar's weekend or drop the hours"
                )
                raise PolicyError(msg)
            _check_spans(spans, _WEEKDAYS[weekday])
        if not any(self.weekly.values()):
            msg = (
                f"business hours {self.name!r} open on no weekday; give at "
                "least one weekday an OpeningSpan"
            )
            raise PolicyError(msg)
        for day, spans in self.shorter_days.items():
            if not self.calendar.is_business_day(day):
                msg = (
                    f"business hours {self.name!r}: shorter day "
                    f"{day.isoformat()} is not a business day of calendar "
                    f"{self.calendar.name!r} (weekend or holiday); drop it "
                    "or take it out of the calendar's holidays"
                )
                raise PolicyError(msg)
            _check_spans(spans, day.isoformat())
        return self

    @property
    def zone(self) -> tzinfo:
        """The time zone the hours are read in."""
        return self.calendar.zone

    def spans_on(self, day: date, /) -> tuple[OpeningSpan, ...]:
        """The opening spans of ``day`` in time order (empty when closed).

        Examples:
            >>> from datetime import date
            >>> from customer_centric.complaints import BusinessHours
            >>> BusinessHours().spans_on(date(2026, 3, 7))  # a Saturday
            ()
        """
        check_instance(day, date, name="day")
        if not self.calendar.is_business_day(day):
            return ()
        spans = self.shorter_days.get(day)
        if spans is None:
            spans = self.weekly.get(day.weekday(), ())
        return tuple(sorted(spans, key=lambda span: span.opens))


class ClockTarget(BaseModel):
    """How long a clock may run: an amount of business or calendar time.

    * ``business_minutes`` / ``business_hours`` count only open time of the
      :class:`BusinessHours`.
    * ``business_days``: due at the close of the ``amount``-th open day
      after the start's day (the way regulators count, for example FCA
      DISP 1.5.1R's "close of business on the third business day").
    * ``calendar_minutes`` / ``calendar_hours`` / ``calendar_days`` count
      elapsed time, open or not; a calendar day is 24 hours (across a
      daylight-saving change it ends an hour off the wall clock).

    Attributes:
        amount: How many units (at least 1).
        unit: The unit.

    Examples:
        >>> from customer_centric.complaints import ClockTarget
        >>> ClockTarget(amount=8, unit="business_hours").amount
        8

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: int = Field(gt=0, le=_MAX_AMOUNT)
    unit: ClockUnit

    @property
    def is_business(self) -> bool:
        """Whether the target counts only open time."""
        return self.unit.startswith("business_")


def _to_utc(day: date, wall: time, zone: tzinfo) -> datetime:
    """The instant of a local wall time; a skipped time maps to the change.

    A wall time the clocks skip has no instant; the first instant whose
    wall time is at least ``wall`` is the moment the clocks went forward,
    which keeps the mapping monotone.
    """
    local = datetime.combine(day, wall)
    first = local.replace(tzinfo=zone).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == local:
        return first
    low = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    step = timedelta(microseconds=1)
    while high - low > step:
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) >= local:
            high = middle
        else:
            low = middle
    return high


def _day_intervals(
    hours: BusinessHours, day: date
) -> Iterator[tuple[datetime, datetime]]:
    zone = hours.zone
    for span in hours.spans_on(day):
        opens = _to_utc(day, span.opens, zone)
        closes = (
            _to_utc(day + _DAY, _MIDNIGHT, zone)
            if span.closes == _MIDNIGHT
            else _to_utc(day, span.closes, zone)
        )
        if closes > opens:
            yield opens, closes


def _open_intervals(
    hours: BusinessHours | None, start: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Counting intervals (UTC) from ``start`` on, in order.

    ``None`` means calendar time: one interval ten years long.
    """
    if hours is None:
        yield start, start + _MAX_DAYS * _DAY
        return
    day = start.astimezone(hours.zone).date()
    for _ in range(_MAX_DAYS):
        for opens, closes in _day_intervals(hours, day):
            if closes > start:
                yield max(opens, start), closes
        day += _DAY
    msg = (
        f"business hours {hours.name!r} have too little open time in the "
        f"{_MAX_DAYS} days after {start.isoformat()}; check the weekly "
        "hours and the calendar's holidays"
    )
    raise PolicyError(msg)


def _minus(
    interval: tuple[datetime, datetime],
    blocked: Sequence[tuple[datetime, datetime]],
) -> Iterator[tuple[datetime, datetime]]:
    """``interval`` without the (sorted, disjoint) ``blocked`` intervals."""
    start, end = interval
    for block_start, block_end in blocked:
        if block_end <= start:
            continue
        if block_start >= end:
            break
        if block_start > start:
            yield start, block_start
        start = max(start, block_end)
        if start >= end:
            return
    yield start, end


def advance_clock(
    hours: BusinessHours | None,
    start: datetime,
    required: timedelta,
    blocked: Sequence[tuple[datetime, datetime]] = (),
) -> datetime:
    """The instant the clock from ``start`` has counted ``required`` (> 0)."""
    counted = timedelta(0)
    for interval in _open_intervals(hours, start):
        for piece_start, piece_end in _minus(interval, blocked):
            span = piece_end - piece_start
            if counted + span >= required:
                return piece_start + (required - counted)
            counted += span
    msg = (
        f"a clock from {start.isoformat()} does not run {required} within "
        f"{_MAX_DAYS} days; check the target, hours and pauses"
    )
    raise PolicyError(msg)


def counted_time(
    hours: BusinessHours | None,
    start: datetime,
    end: datetime,
    blocked: Sequence[tuple[datetime, datetime]] = (),
) -> timedelta:
    """Counted time between ``start`` and ``end`` outside ``blocked``."""
    counted = timedelta(0)
    if end <= start:
        return counted
    for interval in _open_intervals(hours, start):
        if interval[0] >= end:
            break
        clipped = (interval[0], min(interval[1], end))
        counted += sum(
            (b - a for a, b in _minus(clipped, blocked)), timedelta(0)
        )
    return counted


def required_time(
    target: ClockTarget, start: datetime, hours: BusinessHours
) -> timedelta:
    """How much counted time ``target`` allows from ``start``."""
    if target.unit != "business_days":
        return target.amount * _UNIT_LENGTH[target.unit]
    day = start.astimezone(hours.zone).date()
    found = 0
    for _ in range(_MAX_DAYS):
        day += _DAY
        intervals = list(_day_intervals(hours, day))
        if intervals:
            found += 1
            if found == target.amount:
                return counted_time(hours, start, intervals[-1][1])
    msg = (
        f"business hours {hours.name!r} have fewer than {target.amount} open "
        f"days in the {_MAX_DAYS} days after {start.isoformat()}; check the "
        "weekly hours and the calendar's holidays"
    )
    raise PolicyError(msg)


def counting_hours(
    target: ClockTarget, hours: BusinessHours
) -> BusinessHours | None:
    return hours if target.is_business else None


def _out_of_range(start: datetime) -> InvariantError:
    return InvariantError(
        f"a clock from {start.isoformat()} runs past the years 1 to 9999 "
        "that Python dates cover; pass an earlier start or a shorter target"
    )


def due_at(
    start: datetime, /, *, target: ClockTarget, hours: BusinessHours
) -> datetime:
    """When a clock started at ``start`` reaches ``target``.

    Hour- and minute-level business targets count only open time; a start
    outside opening hours waits for the next opening. Business days end at
    the close of the ``amount``-th open day after the start's day. Calendar
    targets count elapsed time.

    Args:
        start: When the clock starts (timezone-aware).
        target: How long it may run.
        hours: The desk's hours (zone, holidays, shorter days).

    Returns:
        The due instant, in the hours' zone.

    Raises:
        InvariantError: ``start`` is naive, or the answer falls after the
            year 9999.
        PolicyError: The hours have too little open time in ten years.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> from customer_centric.complaints import (
        ...     BusinessHours, ClockTarget, due_at)
        >>> friday_4pm = datetime(2026, 3, 6, 16, tzinfo=ZoneInfo("UTC"))
        >>> due_at(friday_4pm, target=ClockTarget(amount=2,
        ...        unit="business_hours"), hours=BusinessHours()).isoformat()
        '2026-03-09T10:00:00+00:00'

    .. versionadded:: 0.2
    """
    check_aware(start, name="start")
    target = check_instance(target, ClockTarget, name="target")
    hours = check_instance(hours, BusinessHours, name="hours")
    try:
        utc = start.astimezone(UTC)
        required = required_time(target, utc, hours)
        due = advance_clock(counting_hours(target, hours), utc, required)
        return due.astimezone(hours.zone)
    except OverflowError:
        raise _out_of_range(start) from None


def business_time(
    start: datetime, end: datetime, /, *, hours: BusinessHours
) -> timedelta:
    """The open time of ``hours`` between ``start`` and ``end``.

    Raises:
        InvariantError: ``start`` or ``end`` is naive, ``end`` is before
            ``start``, or they are more than ten years apart.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.complaints import (
        ...     BusinessHours, business_time)
        >>> business_time(datetime(2026, 3, 6, 16, tzinfo=UTC),
        ...               datetime(2026, 3, 9, 10, tzinfo=UTC),
        ...               hours=BusinessHours())
        datetime.timedelta(seconds=7200)

    .. versionadded:: 0.2
    """
    check_aware(start, name="start")
    check_aware(end, name="end")
    hours = check_instance(hours, BusinessHours, name="hours")
    if end < start:
        msg = (
            f"end {end.isoformat()!r} is before start {start.isoformat()!r}; "
            "pass the earlier instant first"
        )
        raise InvariantError(msg)
    if end - start > _MAX_DAYS * _DAY:
        msg = (
            f"start {start.isoformat()!r} and end {end.isoformat()!r} are "
            f"more than {_MAX_DAYS} days apart; measure within ten years"
        )
        raise InvariantError(msg)
    try:
        return counted_time(hours, start.astimezone(UTC), end.astimezone(UTC))
    except OverflowError:
        raise _out_of_range(start) from None
