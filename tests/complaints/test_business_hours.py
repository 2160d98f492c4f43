from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric.complaints import (
    BusinessCalendar,
    BusinessHours,
    ClockTarget,
    OpeningSpan,
    business_time,
    due_at,
)
from customer_centric.complaints._hours import advance_clock, counted_time
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from strategies import aware_datetimes, business_hours, clock_targets

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
HOUR = timedelta(hours=1)


def span(opens: int, closes: int, minute: int = 0) -> OpeningSpan:
    """A span from ``opens`` to ``closes`` o'clock (24 is midnight)."""
    return OpeningSpan(
        opens=time(opens, minute), closes=time(closes % 24, minute)
    )


NINE_TO_FIVE = BusinessHours()
UK_DESK = BusinessHours(
    calendar=BusinessCalendar.uk(bank_holidays=[date(2026, 12, 28)]),
    shorter_days={date(2026, 12, 24): (span(9, 13),)},
)
ALWAYS_NY = BusinessHours(
    calendar=BusinessCalendar(
        timezone="America/New_York", weekend=frozenset()
    ),
    weekly={day: (span(0, 24),) for day in range(7)},
)


def target(amount: int, unit: str) -> ClockTarget:
    """A clock target."""
    return ClockTarget.model_validate({"amount": amount, "unit": unit})


@pytest.mark.parametrize(
    ("start", "clock", "hours", "expected"),
    [
        (
            datetime(2026, 3, 6, 16, tzinfo=UTC),
            target(2, "business_hours"),
            NINE_TO_FIVE,
            datetime(2026, 3, 9, 10, tzinfo=UTC),
        ),
        (
            datetime(2026, 3, 7, 12, tzinfo=UTC),
            target(30, "business_minutes"),
            NINE_TO_FIVE,
            datetime(2026, 3, 9, 9, 30, tzinfo=UTC),
        ),
        (
            datetime(2026, 3, 6, 16, tzinfo=UTC),
            target(1, "business_days"),
            NINE_TO_FIVE,
            datetime(2026, 3, 9, 17, tzinfo=UTC),
        ),
        (
            datetime(2026, 12, 24, 12, tzinfo=LONDON),
            target(2, "business_hours"),
            UK_DESK,
            datetime(2026, 12, 29, 10, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 7, 12, tzinfo=NEW_YORK),
            target(24, "business_hours"),
            ALWAYS_NY,
            datetime(2026, 3, 8, 13, tzinfo=NEW_YORK),
        ),
        (
            datetime(2026, 3, 7, 12, tzinfo=NEW_YORK),
            target(1, "calendar_days"),
            NINE_TO_FIVE,
            datetime(2026, 3, 8, 13, tzinfo=NEW_YORK),
        ),
        (
            datetime(2026, 3, 6, 16, tzinfo=UTC),
            target(3, "calendar_hours"),
            NINE_TO_FIVE,
            datetime(2026, 3, 6, 19, tzinfo=UTC),
        ),
        (
            datetime(2026, 3, 6, 16, tzinfo=UTC),
            target(5, "calendar_minutes"),
            NINE_TO_FIVE,
            datetime(2026, 3, 6, 16, 5, tzinfo=UTC),
        ),
    ],
    ids=[
        "friday-afternoon-rolls-to-monday",
        "weekend-start-waits-for-opening",
        "one-business-day-ends-at-next-close",
        "christmas-eve-half-day-then-holidays",
        "24h-desk-spring-forward-is-24-real-hours",
        "calendar-day-is-24-hours-across-dst",
        "calendar-hours-ignore-opening",
        "calendar-minutes",
    ],
)
def test_due_at_worked_examples(
    start: datetime,
    clock: ClockTarget,
    hours: BusinessHours,
    expected: datetime,
) -> None:
    """Due instants count open hours, shorter days, holidays and DST."""
    assert due_at(start, target=clock, hours=hours) == expected


def test_christmas_eve_counts_only_its_half_day() -> None:
    """A shorter day counts its own spans, then holidays are skipped."""
    start = datetime(2026, 12, 24, 8, tzinfo=LONDON)
    end = datetime(2026, 12, 29, 10, tzinfo=LONDON)
    assert business_time(start, end, hours=UK_DESK) == 5 * HOUR


def test_fall_back_day_of_a_24h_desk_has_25_hours() -> None:
    """The day the clocks go back counts the hour that repeats."""
    start = datetime(2026, 11, 1, 0, tzinfo=NEW_YORK)
    end = datetime(2026, 11, 2, 0, tzinfo=NEW_YORK)
    assert business_time(start, end, hours=ALWAYS_NY) == 25 * HOUR


def test_skipped_opening_time_opens_when_the_clocks_change() -> None:
    """Skipped openings open at 03:00; a wholly skipped span stays shut."""
    hours = BusinessHours(
        calendar=BusinessCalendar(
            timezone="America/New_York", weekend=frozenset()
        ),
        weekly={
            day: (
                OpeningSpan(opens=time(2), closes=time(2, 30)),
                span(2, 4, 30),
            )
            for day in range(7)
        },
    )
    start = datetime(2026, 3, 8, 0, tzinfo=NEW_YORK)
    end = datetime(2026, 3, 8, 12, tzinfo=NEW_YORK)
    assert business_time(start, end, hours=hours) == HOUR + HOUR / 2
    monday = datetime(2026, 3, 9, 0, tzinfo=NEW_YORK)
    assert (
        business_time(monday, monday + timedelta(days=1), hours=hours)
        == 2.5 * HOUR
    )


def test_spans_split_a_day() -> None:
    """A lunch break does not count."""
    hours = BusinessHours(weekly={0: (span(9, 12), span(13, 17))})
    monday = datetime(2026, 3, 2, 11, tzinfo=UTC)
    assert due_at(
        monday, target=target(2, "business_hours"), hours=hours
    ) == datetime(2026, 3, 2, 14, tzinfo=UTC)


@given(business_hours(), aware_datetimes, st.integers(1, 2000))
def test_elapsed_of_due_is_the_target(
    hours: BusinessHours, start: datetime, minutes: int
) -> None:
    """business_time(start, due_at(start, d)) == d for hour-level targets."""
    clock = target(minutes, "business_minutes")
    due = due_at(start, target=clock, hours=hours)
    assert business_time(start, due, hours=hours) == minutes * timedelta(
        minutes=1
    )


@given(
    business_hours(),
    clock_targets,
    aware_datetimes,
    st.timedeltas(timedelta(0), timedelta(days=20)),
)
def test_due_is_monotone_in_the_start(
    hours: BusinessHours,
    clock: ClockTarget,
    start: datetime,
    later_by: timedelta,
) -> None:
    """A later start is never due earlier, under every unit and zone."""
    first = due_at(start, target=clock, hours=hours)
    second = due_at(start + later_by, target=clock, hours=hours)
    assert first <= second


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: span(17, 9), "closes at 09:00:00 before it opens"),
        (
            lambda: OpeningSpan(opens=time(9, tzinfo=UTC), closes=time(17)),
            "local wall-clock times",
        ),
        (
            lambda: BusinessHours(weekly={0: (span(9, 13), span(12, 17))}),
            "overlap: 09:00:00-13:00:00 and 12:00:00-17:00:00",
        ),
        (
            lambda: BusinessHours(weekly={0: (span(9, 24), span(12, 17))}),
            "overlap",
        ),
        (lambda: BusinessHours(weekly={7: (span(9, 17),)}), "weekday 7"),
        (
            lambda: BusinessHours(weekly={5: (span(9, 17),)}),
            "open on Saturday",
        ),
        (lambda: BusinessHours(weekly={0: ()}), "open on no weekday"),
        (
            lambda: BusinessHours(
                shorter_days={date(2026, 3, 7): (span(9, 12),)}
            ),
            "2026-03-07 is not a business day",
        ),
        (
            lambda: BusinessHours(
                shorter_days={date(2026, 3, 6): (span(9, 12), span(11, 13))}
            ),
            "overlap",
        ),
        (lambda: target(-1, "business_hours"), "greater than 0"),
        (lambda: target(1, "fortnights"), "business_minutes"),
    ],
    ids=[
        "ends-before-start",
        "aware-time",
        "overlap",
        "overlap-after-midnight-close",
        "bad-weekday",
        "hours-on-weekend",
        "never-open",
        "shorter-day-on-weekend",
        "shorter-day-overlap",
        "negative-target",
        "unknown-unit",
    ],
)
def test_bad_hours_and_targets_are_refused(
    build: object, message: str
) -> None:
    """Bad opening hours and targets raise with the value and the fix."""
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


def test_bad_arguments_are_refused() -> None:
    """Naive instants, reversed or far apart ends, and wrong types raise."""
    clock = target(1, "business_hours")
    naive = datetime(2026, 3, 2, 9)  # noqa: DTZ001 - the point
    aware = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with pytest.raises(InvariantError, match="timezone-aware"):
        due_at(naive, target=clock, hours=NINE_TO_FIVE)
    with pytest.raises(InvariantError, match="before start"):
        business_time(aware, aware - HOUR, hours=NINE_TO_FIVE)
    with pytest.raises(InvariantError, match="more than 3660 days"):
        business_time(aware, aware + timedelta(days=4000), hours=NINE_TO_FIVE)
    with pytest.raises(ArgumentTypeError, match="hours"):
        due_at(aware, target=clock, hours=None)  # type: ignore[arg-type]


def test_dates_past_9999_are_our_error() -> None:
    """A clock running past the year 9999 raises InvariantError."""
    late = datetime(9999, 12, 30, 9, tzinfo=UTC)
    with pytest.raises(InvariantError, match="9999"):
        due_at(late, target=target(50, "business_hours"), hours=NINE_TO_FIVE)
    evening = datetime(9999, 12, 31, 18, tzinfo=UTC)
    with pytest.raises(InvariantError, match="9999"):
        business_time(evening, evening + HOUR, hours=NINE_TO_FIVE)


def test_a_desk_closed_by_its_holidays_is_a_policy_error() -> None:
    """Hours with no open time in ten years say so."""
    shut = BusinessHours(
        calendar=BusinessCalendar(holiday_rules=("FREQ=DAILY",)),
    )
    start = datetime(2026, 3, 2, tzinfo=UTC)
    with pytest.raises(PolicyError, match="too little open time"):
        due_at(start, target=target(1, "business_hours"), hours=shut)
    with pytest.raises(PolicyError, match="fewer than 1 open days"):
        due_at(start, target=target(1, "business_days"), hours=shut)


def test_inputs_are_not_mutated_and_records_round_trip() -> None:
    """Hours survive JSON; spans_on is sorted and leaves the record alone."""
    hours = BusinessHours(weekly={0: (span(13, 17), span(9, 12))})
    again = BusinessHours.model_validate_json(hours.model_dump_json())
    assert again == hours
    assert [s.opens.hour for s in hours.spans_on(date(2026, 3, 2))] == [9, 13]
    assert [s.opens.hour for s in hours.weekly[0]] == [13, 9]


def test_a_pause_begun_before_the_clock_counts_from_its_end():
    """Time the clock spends inside a pause begun before it does not count.

    A pause that began before the open stretch it overlaps (a customer
    asked overnight, answering after opening) holds the clock until the
    pause ends, not from its start; a pause after the counted stretch
    takes nothing from it.
    """
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    pause = [(start - timedelta(hours=1), start + timedelta(minutes=30))]
    assert advance_clock(None, start, timedelta(hours=1), pause) == (
        start + timedelta(minutes=90)
    )
    assert counted_time(None, start, start + timedelta(hours=2), pause) == (
        timedelta(minutes=90)
    )
    later = [(start + timedelta(hours=3), start + timedelta(hours=4))]
    assert counted_time(None, start, start + timedelta(hours=2), later) == (
        timedelta(hours=2)
    )
