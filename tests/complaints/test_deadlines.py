from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import Complaint, Severity
from customer_centric.complaints import (
    CFPB_FINAL_RESPONSE,
    CFPB_RESPONSE,
    CFPB_RULES,
    FCA_DISP_RULES,
    FCA_FINAL_RESPONSE,
    FCA_SUMMARY_RESOLUTION,
    FCAC_RESPONSE,
    FCAC_RULES,
    PSD2_FINAL_REPLY,
    PSD2_REPLY,
    PSD2_RULES,
    BusinessCalendar,
    ComplaintChannel,
    ComplaintStatus,
    DeadlineStatus,
    Priority,
    RegulatoryDeadlineRule,
    ServiceLevelProfile,
    ServiceTarget,
    advance,
    regulatory_deadlines,
    service_deadlines,
)
from customer_centric.exceptions import InvariantError, PolicyError
from strategies import complaints, priorities

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
S = ComplaintStatus
# England and Wales bank holidays the FCA calendar needs in these tests.
UK = BusinessCalendar.uk(
    bank_holidays=[date(2026, 4, 6), date(2026, 5, 4), date(2026, 12, 28)]
)
US = BusinessCalendar(timezone="America/New_York")


def make(received_at: datetime) -> Complaint:
    """A received complaint."""
    return Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=received_at,
        severity=Severity.MEDIUM,
        channel=ComplaintChannel.LETTER,
    )


def due(
    rule: RegulatoryDeadlineRule,
    received: datetime,
    calendar: BusinessCalendar,
) -> datetime:
    """The due time of one rule for a complaint received then."""
    (deadline,) = regulatory_deadlines(
        make(received), rules=(rule,), calendar=calendar, as_of=received
    )
    return deadline.due_at


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (
            datetime(2026, 3, 2, 10, tzinfo=LONDON),
            datetime(2026, 3, 5, 17, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 6, 16, tzinfo=LONDON),
            datetime(2026, 3, 11, 17, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 7, 11, tzinfo=LONDON),
            datetime(2026, 3, 11, 17, tzinfo=LONDON),
        ),
        (
            datetime(2026, 4, 2, 9, tzinfo=LONDON),
            datetime(2026, 4, 9, 17, tzinfo=LONDON),
        ),
        (
            datetime(2026, 12, 23, 9, tzinfo=LONDON),
            datetime(2026, 12, 30, 17, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
            datetime(2026, 3, 5, 17, tzinfo=LONDON),
        ),
    ],
    ids=[
        "monday",
        "friday-skips-weekend",
        "saturday-receipt",
        "easter-good-friday-and-monday",
        "christmas-and-substitute-boxing-day",
        "utc-receipt-counts-in-london",
    ],
)
def test_fca_summary_resolution_third_business_day(
    received: datetime, expected: datetime
):
    """DISP 1.5: close of business on the 3rd business day after receipt."""
    assert due(FCA_SUMMARY_RESOLUTION, received, UK) == expected


@pytest.mark.parametrize(
    ("rule", "received", "expected_day"),
    [
        (
            FCA_FINAL_RESPONSE,
            datetime(2026, 3, 2, 10, tzinfo=LONDON),
            date(2026, 4, 27),
        ),
        (
            FCA_FINAL_RESPONSE,
            datetime(2026, 12, 31, 18, tzinfo=LONDON),
            date(2027, 2, 25),
        ),
        (
            CFPB_RESPONSE,
            datetime(2026, 1, 30, 9, tzinfo=NEW_YORK),
            date(2026, 2, 14),
        ),
        (
            CFPB_FINAL_RESPONSE,
            datetime(2026, 1, 30, 9, tzinfo=NEW_YORK),
            date(2026, 3, 31),
        ),
        (
            CFPB_RESPONSE,
            datetime(2026, 2, 20, 9, tzinfo=NEW_YORK),
            date(2026, 3, 7),
        ),
    ],
    ids=[
        "fca-eight-weeks",
        "fca-eight-weeks-over-new-year",
        "cfpb-15-calendar-days",
        "cfpb-60-calendar-days",
        "cfpb-ends-on-a-saturday",
    ],
)
def test_calendar_deadlines_end_of_day(
    rule: RegulatoryDeadlineRule, received: datetime, expected_day: date
):
    """8 weeks, 15 and 60 calendar days end at local end of day."""
    calendar = UK if rule.regime.startswith("UK") else US
    zone = calendar.zone
    result = due(rule, received, calendar)
    assert result == datetime.combine(expected_day, time.max, tzinfo=zone)


def test_regulatory_deadlines_never_pause():
    """Waiting on the customer does not move a regulatory deadline."""
    received = datetime(2026, 3, 2, 10, tzinfo=LONDON)
    complaint = advance(
        advance(make(received), S.ACKNOWLEDGED, occurred_at=received),
        S.AWAITING_CUSTOMER,
        occurred_at=received + timedelta(hours=1),
    )
    as_of = received + timedelta(days=40)
    waiting = regulatory_deadlines(
        complaint, rules=FCA_DISP_RULES, calendar=UK, as_of=as_of
    )
    fresh = regulatory_deadlines(
        make(received), rules=FCA_DISP_RULES, calendar=UK, as_of=as_of
    )
    assert [d.due_at for d in waiting] == [d.due_at for d in fresh]
    assert all(not d.paused for d in waiting)


RECEIVED = datetime(2026, 3, 2, 10, tzinfo=LONDON)


def closed_after(delta: timedelta, *, satisfied: bool) -> Complaint:
    """A complaint answered and closed ``delta`` after receipt."""
    responded = advance(
        make(RECEIVED), S.RESPONDED, occurred_at=RECEIVED + delta
    )
    return advance(
        responded,
        S.CLOSED,
        occurred_at=RECEIVED + delta,
        customer_satisfied=satisfied,
    )


@pytest.mark.parametrize(
    ("complaint", "as_of", "expected"),
    [
        (
            make(RECEIVED),
            RECEIVED + timedelta(days=1),
            DeadlineStatus.ON_TRACK,
        ),
        (make(RECEIVED), RECEIVED + timedelta(days=3), DeadlineStatus.AT_RISK),
        (make(RECEIVED), RECEIVED + timedelta(days=4), DeadlineStatus.LAPSED),
        (
            closed_after(timedelta(days=2), satisfied=True),
            RECEIVED + timedelta(days=10),
            DeadlineStatus.MET,
        ),
        (
            closed_after(timedelta(days=2), satisfied=False),
            RECEIVED + timedelta(days=10),
            DeadlineStatus.LAPSED,
        ),
        (
            closed_after(timedelta(days=2), satisfied=True),
            RECEIVED + timedelta(days=1),
            DeadlineStatus.ON_TRACK,
        ),
    ],
    ids=[
        "open-early",
        "open-near-the-end",
        "window-passed-is-not-a-breach",
        "resolved-and-accepted",
        "closed-but-not-accepted",
        "history-after-as-of-is-ignored",
    ],
)
def test_summary_resolution_status(
    complaint: Complaint, as_of: datetime, expected: DeadlineStatus
):
    """The DISP 1.5 window is met only by an accepted resolution."""
    summary, _ = regulatory_deadlines(
        complaint, rules=FCA_DISP_RULES, calendar=UK, as_of=as_of
    )
    assert summary.status is expected
    assert summary.kind == "regulatory"
    assert "DISP 1.5.1R" in summary.source


def test_final_response_breach_explains_consequence():
    """A missed binding deadline is breached and says what follows."""
    _, final = regulatory_deadlines(
        make(RECEIVED),
        rules=FCA_DISP_RULES,
        calendar=UK,
        as_of=RECEIVED + timedelta(weeks=9),
    )
    assert final.status is DeadlineStatus.BREACHED
    assert "Financial Ombudsman Service" in final.explanation
    late = closed_after(timedelta(weeks=9), satisfied=True)
    _, final = regulatory_deadlines(
        late,
        rules=FCA_DISP_RULES,
        calendar=UK,
        as_of=RECEIVED + timedelta(weeks=10),
    )
    assert final.status is DeadlineStatus.BREACHED
    assert final.completed_at == RECEIVED + timedelta(weeks=9)
    assert final.used_share > 1


def test_cfpb_rules_met_by_one_response():
    """A response within 15 days meets both CFPB deadlines."""
    received = datetime(2026, 1, 30, 9, tzinfo=NEW_YORK)
    complaint = advance(
        make(received), S.RESPONDED, occurred_at=received + timedelta(days=10)
    )
    first, final = regulatory_deadlines(
        complaint,
        rules=CFPB_RULES,
        calendar=US,
        as_of=received + timedelta(days=20),
    )
    assert first.status is DeadlineStatus.MET
    assert final.status is DeadlineStatus.MET


HOURS = ServiceTarget(milestone=S.ACKNOWLEDGED, within=4, unit="hours")
DAYS = ServiceTarget(milestone=S.RESPONDED, within=2, unit="business_days")
CAL = ServiceTarget(milestone=S.CLOSED, within=10, unit="calendar_days")
PROFILE = ServiceLevelProfile(
    name="retail",
    calendar=UK,
    targets={
        Priority.LOW: (DAYS,),
        Priority.NORMAL: (HOURS, DAYS, CAL),
        Priority.HIGH: (HOURS,),
        Priority.URGENT: (),
    },
)


@pytest.mark.parametrize(
    ("received", "target", "expected"),
    [
        (
            datetime(2026, 3, 6, 15, tzinfo=LONDON),
            DAYS,
            datetime(2026, 3, 10, 15, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 7, 10, tzinfo=LONDON),
            DAYS,
            datetime(2026, 3, 11, 0, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 27, 10, tzinfo=LONDON),
            DAYS,
            datetime(2026, 3, 31, 10, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 28, 23, tzinfo=LONDON),
            HOURS,
            datetime(2026, 3, 29, 4, tzinfo=LONDON),
        ),
        (
            datetime(2026, 3, 6, 15, tzinfo=LONDON),
            CAL,
            datetime(2026, 3, 16, 15, tzinfo=LONDON),
        ),
        (
            datetime(2026, 4, 2, 12, tzinfo=LONDON),
            DAYS,
            datetime(2026, 4, 8, 12, tzinfo=LONDON),
        ),
    ],
    ids=[
        "friday-afternoon",
        "saturday-starts-monday",
        "across-clocks-going-forward",
        "hours-are-elapsed-time-over-dst",
        "calendar-days",
        "easter-weekend",
    ],
)
def test_service_deadline_without_pauses(
    received: datetime, target: ServiceTarget, expected: datetime
):
    """Service clocks count their unit in the calendar's zone."""
    (deadline,) = [
        d
        for d in service_deadlines(
            make(received),
            priority=Priority.NORMAL,
            profile=PROFILE,
            as_of=received,
        )
        if d.milestone is target.milestone
    ]
    assert deadline.due_at == expected
    assert deadline.kind == "service"
    assert deadline.status is DeadlineStatus.ON_TRACK


def test_pause_extends_the_service_deadline():
    """Time waiting on the customer does not count, closed pause or open."""
    received = datetime(2026, 3, 2, 9, tzinfo=LONDON)
    waiting = advance(
        advance(make(received), S.ACKNOWLEDGED, occurred_at=received),
        S.AWAITING_CUSTOMER,
        occurred_at=received + timedelta(hours=3),
    )
    resumed = advance(
        waiting, S.INVESTIGATING, occurred_at=received + timedelta(hours=27)
    )
    as_of = received + timedelta(hours=30)
    (open_pause,) = service_deadlines(
        waiting, priority=Priority.LOW, profile=PROFILE, as_of=as_of
    )
    (closed_pause,) = service_deadlines(
        resumed, priority=Priority.LOW, profile=PROFILE, as_of=as_of
    )
    assert open_pause.paused
    assert open_pause.paused_for == timedelta(hours=27)
    assert open_pause.due_at == datetime(2026, 3, 5, 12, tzinfo=LONDON)
    assert not closed_pause.paused
    assert closed_pause.paused_for == timedelta(hours=24)
    assert closed_pause.due_at == datetime(2026, 3, 5, 9, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("hours_to_ack", "as_of_hours", "expected"),
    [
        (None, 1, DeadlineStatus.ON_TRACK),
        (None, 3.5, DeadlineStatus.AT_RISK),
        (None, 5, DeadlineStatus.BREACHED),
        (2, 5, DeadlineStatus.MET),
        (6, 7, DeadlineStatus.BREACHED),
    ],
    ids=["early", "at-risk", "overdue", "met", "met-late"],
)
def test_service_deadline_status(
    hours_to_ack: float | None, as_of_hours: float, expected: DeadlineStatus
):
    """Status at as_of: on track, at risk (80 % used), met or breached."""
    received = datetime(2026, 3, 2, 9, tzinfo=LONDON)
    complaint = make(received)
    if hours_to_ack is not None:
        complaint = advance(
            complaint,
            S.ACKNOWLEDGED,
            occurred_at=received + timedelta(hours=hours_to_ack),
        )
    (deadline,) = service_deadlines(
        complaint,
        priority=Priority.HIGH,
        profile=PROFILE,
        as_of=received + timedelta(hours=as_of_hours),
    )
    assert deadline.status is expected


def test_first_contact_response_meets_acknowledgement():
    """Answering at first contact also counts as acknowledging."""
    received = datetime(2026, 3, 2, 9, tzinfo=LONDON)
    complaint = advance(
        make(received), S.RESPONDED, occurred_at=received + timedelta(hours=1)
    )
    (ack,) = service_deadlines(
        complaint,
        priority=Priority.HIGH,
        profile=PROFILE,
        as_of=received + timedelta(hours=2),
    )
    assert ack.status is DeadlineStatus.MET


aware_times = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, LONDON, NEW_YORK]),
)


@given(
    first=aware_times, shift=st.timedeltas(timedelta(0), timedelta(days=40))
)
@example(
    first=datetime(2020, 10, 25, 1, fold=1, tzinfo=LONDON),
    shift=timedelta(0),
)
def test_deadlines_move_forward_with_received_time(
    first: datetime, shift: timedelta
):
    """A later receipt never gives an earlier deadline."""
    # Add in UTC: wall-clock addition drops fold=1, which can move the
    # instant an hour back across a daylight-saving fold.
    second = (first.astimezone(UTC) + shift).astimezone(first.tzinfo)
    for rule in (*FCA_DISP_RULES, *CFPB_RULES):
        assert due(rule, first, UK) <= due(rule, second, UK)
    for received_a, received_b in ((first, second),):
        early = service_deadlines(
            make(received_a),
            priority=Priority.NORMAL,
            profile=PROFILE,
            as_of=received_a,
        )
        late = service_deadlines(
            make(received_b),
            priority=Priority.NORMAL,
            profile=PROFILE,
            as_of=received_b,
        )
        for a, b in zip(early, late, strict=True):
            assert a.due_at <= b.due_at
            assert a.due_at > received_a


@given(
    day=st.dates(date(2020, 1, 1), date(2030, 12, 31)), n=st.integers(0, 30)
)
def test_add_business_days_lands_on_business_days(day: date, n: int):
    """The n-th business day is a business day, later for larger n."""
    result = UK.add_business_days(day, n)
    assert UK.is_business_day(result)
    assert result >= day
    if n:
        assert UK.add_business_days(day, n + 1) > result
    else:
        assert result == UK.add_business_days(day, 1) or UK.is_business_day(
            day
        )


def test_calendar_holidays_and_rules():
    """Holiday rules (with BYEASTER) and one-off dates are non-business."""
    assert UK.holidays_in(2026) == {
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 4),
        date(2026, 12, 25),
        date(2026, 12, 28),
    }
    assert not UK.is_business_day(date(2027, 3, 26))  # Good Friday 2027
    assert UK.add_business_days(date(2026, 4, 3), 0) == date(2026, 4, 7)
    assert BusinessCalendar(weekend=frozenset({4, 5})).is_business_day(
        date(2026, 3, 8)
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"weekend": frozenset(range(7))}, "at least one working day"),
        ({"weekend": frozenset({7})}, "weekday numbers"),
        ({"holiday_rules": ("FREQ=YEARLY;FOO=1",)}, "not a valid RRULE"),
        ({"holiday_rules": ("FREQ=SOMETIMES",)}, "recurring at most daily"),
        ({"holiday_rules": ("FREQ=MINUTELY",)}, "holidays are whole days"),
        ({"holiday_rules": ("RRULE:FREQ=SECONDLY",)}, "at most daily"),
        ({"holiday_rules": ("FREQ=HOURLY;INTERVAL=1",)}, "at most daily"),
        (
            {"holiday_rules": ("FREQ=DAILY;BYHOUR=0,1,2;BYMINUTE=0,30",)},
            "without BYHOUR, BYMINUTE, BYSECOND",
        ),
        (
            {"holiday_rules": ("FREQ=YEARLY\nRDATE:20260101",)},
            "one RRULE line",
        ),
        ({"timezone": "America"}, "unknown time zone 'America'"),
        ({"timezone": "a" * 300}, "unknown time zone 'aaa"),
        ({"timezone": "UTC\x00"}, "unknown time zone"),
        ({"holiday_rules": ("FREQ=YEARLY;COUNT=2",)}, "DTSTART or COUNT"),
        ({"close_of_business": time(17, tzinfo=UTC)}, "local wall-clock"),
    ],
    ids=[
        "unknown-zone",
        "all-weekend",
        "bad-weekday",
        "bad-rule",
        "unknown-frequency",
        "minutely",
        "secondly-with-prefix",
        "hourly",
        "daily-by-hour",
        "two-lines",
        "zone-directory",
        "zone-name-too-long",
        "zone-nul",
        "count-in-rule",
        "aware-close",
    ],
)
def test_bad_calendars_are_rejected(fields: dict[str, object], message: str):
    """A calendar that cannot work fails validation and says why."""
    with pytest.raises(ValidationError, match=message):
        BusinessCalendar.model_validate(fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"targets": {Priority.LOW: ()}}, "no targets for priorities"),
        (
            {"targets": dict.fromkeys(Priority, (DAYS, DAYS))},
            "two targets for the same milestone",
        ),
        (
            {
                "targets": dict.fromkeys(Priority, ()),
                "pause_statuses": frozenset({S.CLOSED}),
            },
            "cannot pause",
        ),
        (
            {"targets": dict.fromkeys(Priority, ()), "at_risk_share": "1.5"},
            "rate in",
        ),
    ],
    ids=[
        "missing-priority",
        "duplicate-milestone",
        "pause-on-closed",
        "share",
    ],
)
def test_bad_profiles_are_rejected(fields: dict[str, object], message: str):
    """A service profile must be complete and sensible."""
    with pytest.raises(ValidationError, match=message):
        ServiceLevelProfile.model_validate({"name": "p", **fields})


def test_bad_targets_are_rejected():
    """Targets need a milestone status and a positive amount."""
    with pytest.raises(ValidationError, match="not a milestone"):
        ServiceTarget(milestone=S.ESCALATED, within=1, unit="hours")
    with pytest.raises(ValidationError, match="greater than 0"):
        ServiceTarget(milestone=S.CLOSED, within=0, unit="hours")


def test_bad_as_of_is_rejected():
    """as_of must be aware and not before receipt; share within [0, 1]."""
    complaint = make(RECEIVED)
    with pytest.raises(InvariantError, match="timezone-aware"):
        regulatory_deadlines(
            complaint,
            rules=FCA_DISP_RULES,
            calendar=UK,
            as_of=datetime(2026, 3, 3),  # noqa: DTZ001
        )
    with pytest.raises(InvariantError, match="before complaint"):
        service_deadlines(
            complaint,
            priority=Priority.LOW,
            profile=PROFILE,
            as_of=RECEIVED - timedelta(days=1),
        )
    with pytest.raises(InvariantError, match="at_risk_share"):
        regulatory_deadlines(
            complaint,
            rules=FCA_DISP_RULES,
            calendar=UK,
            as_of=RECEIVED,
            at_risk_share=Decimal(2),
        )
    with pytest.raises(InvariantError, match="days must be >= 0"):
        UK.add_business_days(date(2026, 1, 1), -1)


def test_shipped_rules_cite_their_sources():
    """Every shipped rule names its rulebook section and a URL."""
    for rule in (*FCA_DISP_RULES, *CFPB_RULES, *PSD2_RULES, *FCAC_RULES):
        assert rule.url.startswith("https://")
        assert rule.citation
    assert FCA_SUMMARY_RESOLUTION.binding is False
    assert (CFPB_RESPONSE.within, CFPB_FINAL_RESPONSE.within) == (15, 60)


@given(complaints(), priorities, st.integers(0, 60 * 24 * 90))
def test_deadline_answers_are_consistent(
    complaint: Complaint, priority: Priority, minutes: int
):
    """Due times follow receipt; statuses agree with completion and time."""
    as_of = complaint.received_at + timedelta(minutes=minutes)
    found = (
        *service_deadlines(
            complaint, priority=priority, profile=PROFILE, as_of=as_of
        ),
        *regulatory_deadlines(
            complaint, rules=FCA_DISP_RULES, calendar=UK, as_of=as_of
        ),
    )
    for deadline in found:
        assert deadline.due_at > complaint.received_at
        assert deadline.used_share >= 0
        assert deadline.paused_for >= timedelta(0)
        if deadline.completed_at is None:
            assert deadline.status is not DeadlineStatus.MET
        else:
            assert deadline.completed_at <= as_of
            assert deadline.status is not DeadlineStatus.AT_RISK


def test_calendar_without_business_days_is_reported():
    """A calendar whose rules leave no business day raises PolicyError."""
    never = BusinessCalendar(holiday_rules=("FREQ=DAILY",))
    with pytest.raises(PolicyError, match="has no 1 business days"):
        never.add_business_days(date(2026, 1, 1), 1)
    profile = ServiceLevelProfile(
        name="never",
        calendar=never,
        targets=dict.fromkeys(Priority, (DAYS,)),
    )
    with pytest.raises(PolicyError, match="more than ten years away"):
        service_deadlines(
            make(RECEIVED),
            priority=Priority.LOW,
            profile=profile,
            as_of=RECEIVED,
        )


def test_custom_close_of_business_moves_the_summary_deadline():
    """The calendar's close of business ends DISP 1.5's window."""
    early = BusinessCalendar.model_validate(
        {**BusinessCalendar.uk().model_dump(), "close_of_business": "16:30"}
    )
    received = datetime(2026, 3, 2, 10, tzinfo=LONDON)
    assert due(FCA_SUMMARY_RESOLUTION, received, early) == datetime(
        2026, 3, 5, 16, 30, tzinfo=LONDON
    )


# A provider in Germany closed on Good Friday, Easter Monday and 1 May: the
# PSD2's business days are the provider's own, so the test passes them in.
BERLIN = ZoneInfo("Europe/Berlin")
PROVIDER = BusinessCalendar(
    name="provider_de",
    timezone="Europe/Berlin",
    holiday_rules=(
        "FREQ=YEARLY;BYEASTER=-2",
        "FREQ=YEARLY;BYEASTER=1",
        "FREQ=YEARLY;BYMONTH=5;BYMONTHDAY=1",
    ),
)
TORONTO = ZoneInfo("America/Toronto")
CANADA = BusinessCalendar(timezone="America/Toronto")


def _end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.max, tzinfo=zone)


@pytest.mark.parametrize(
    ("received", "reply", "final"),
    [
        # Mon 2 Mar: 3-6, 9-13, 16-20 and 23 March are business days 1-15.
        (datetime(2026, 3, 2, 10, tzinfo=BERLIN), date(2026, 3, 23), None),
        # Sat 7 Mar: counting starts on Monday 9, so day 15 is Fri 27.
        (datetime(2026, 3, 7, 10, tzinfo=BERLIN), date(2026, 3, 27), None),
        # Thu 26 Mar: Good Friday (3 Apr) and Easter Monday (6 Apr) skipped.
        (datetime(2026, 3, 26, 10, tzinfo=BERLIN), date(2026, 4, 20), None),
        # 35 days from Mon 2 Mar: 23 in March and 1-2 April, Easter skipped,
        # 7-10, 13-17 and 20-22 April make 35.
        (
            datetime(2026, 3, 2, 10, tzinfo=BERLIN),
            date(2026, 3, 23),
            date(2026, 4, 22),
        ),
        # 23:30 UTC on Sunday 1 March is Monday 00:30 in Berlin.
        (
            datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
            date(2026, 3, 23),
            date(2026, 4, 22),
        ),
    ],
    ids=["monday", "saturday", "easter", "exceptional-35", "utc-receipt"],
)
def test_psd2_reply_within_15_and_35_business_days(
    received: datetime, reply: date, final: date | None
):
    """PSD2 art. 101(2): 15 business days, 35 in exceptional situations."""
    assert due(PSD2_REPLY, received, PROVIDER) == _end_of(reply, BERLIN)
    if final is not None:
        assert due(PSD2_FINAL_REPLY, received, PROVIDER) == _end_of(
            final, BERLIN
        )


def test_psd2_business_days_are_the_callers_calendar():
    """A provider open on Saturdays counts them; the rule does not decide."""
    received = datetime(2026, 3, 2, 10, tzinfo=BERLIN)
    six_days = BusinessCalendar(timezone="Europe/Berlin", weekend={6})
    # 3-7, 9-14 and 16-19 March: 15 days open Monday to Saturday.
    assert due(PSD2_REPLY, received, six_days) == _end_of(
        date(2026, 3, 19), BERLIN
    )


def test_psd2_late_reply_breaches_15_but_meets_35():
    """A reply on business day 20 is late for 15 days, in time for 35."""
    received = datetime(2026, 3, 2, 10, tzinfo=BERLIN)
    replied = advance(
        make(received),
        S.RESPONDED,
        occurred_at=datetime(2026, 3, 30, 11, tzinfo=BERLIN),
    )
    reply, final = regulatory_deadlines(
        replied,
        rules=PSD2_RULES,
        calendar=PROVIDER,
        as_of=datetime(2026, 3, 31, tzinfo=BERLIN),
    )
    assert (reply.status, final.status) == (
        DeadlineStatus.BREACHED,
        DeadlineStatus.MET,
    )
    assert "holding reply" in reply.explanation
    assert "2015/2366" in reply.source


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # 2 March + 56 days: 29 days to 31 March, 27 more to 27 April.
        (datetime(2026, 3, 2, 10, tzinfo=TORONTO), date(2026, 4, 27)),
        # Calendar days: day 56 is Saturday 28 February and stays there.
        (datetime(2026, 1, 3, 10, tzinfo=TORONTO), date(2026, 2, 28)),
        # 02:00 UTC on 3 March is still 2 March in Toronto.
        (datetime(2026, 3, 3, 2, tzinfo=UTC), date(2026, 4, 27)),
    ],
    ids=["monday", "due-on-a-saturday", "utc-receipt"],
)
def test_fcac_56_calendar_days_after_the_day_of_receipt(
    received: datetime, expected: date
):
    """FCAC: 56 calendar days after the day on which it was received."""
    assert due(FCAC_RESPONSE, received, CANADA) == _end_of(expected, TORONTO)


def test_fcac_ignores_the_calendars_holidays():
    """The calendar's weekends and holidays never move a calendar day."""
    received = datetime(2026, 3, 2, 10, tzinfo=TORONTO)
    closed = BusinessCalendar(
        timezone="America/Toronto", holidays={date(2026, 4, 27)}
    )
    assert due(FCAC_RESPONSE, received, closed) == due(
        FCAC_RESPONSE, received, CANADA
    )


ZONES = ("UTC", "Europe/London", "Europe/Berlin", "America/Toronto")
calendars = st.builds(
    BusinessCalendar,
    timezone=st.sampled_from(ZONES),
    weekend=st.frozensets(st.integers(0, 6), max_size=6),
    holidays=st.frozensets(
        st.dates(date(2019, 12, 1), date(2031, 12, 31)), max_size=40
    ),
    holiday_rules=st.sampled_from(
        [(), ("FREQ=YEARLY;BYEASTER=-2", "FREQ=YEARLY;BYEASTER=1")]
    ),
)


@given(
    calendar=calendars,
    first=aware_times,
    shift=st.timedeltas(timedelta(0), timedelta(days=40)),
)
def test_every_pack_is_monotone_under_every_calendar(
    calendar: BusinessCalendar, first: datetime, shift: timedelta
):
    """A later receipt never gives an earlier deadline, whatever the days."""
    second = (first.astimezone(UTC) + shift).astimezone(first.tzinfo)
    for rule in (*FCA_DISP_RULES, *CFPB_RULES, *PSD2_RULES, *FCAC_RULES):
        assert due(rule, first, calendar) <= due(rule, second, calendar)


def test_deadline_repr_and_html():
    """A deadline shows status, due time, time used, pauses and source."""
    complaint = Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        severity=Severity.LOW,
        channel=ComplaintChannel.PHONE,
    )
    summary, _ = regulatory_deadlines(
        complaint,
        rules=FCA_DISP_RULES,
        calendar=BusinessCalendar.uk(),
        as_of=datetime(2026, 3, 3, 9, tzinfo=UTC),
    )
    assert len(repr(summary)) < 200
    shown = summary._repr_html_()
    assert "<td>status</td><td>on_track</td>" in shown
    assert "<td>completed at</td><td>\N{EM DASH}</td>" in shown
    assert "<td>paused now</td><td>no</td>" in shown
    assert "30.0%" in shown
    done = attrs.evolve(
        summary,
        completed_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        status=DeadlineStatus.MET,
        milestone=ComplaintStatus.CLOSED,
        paused=True,
        paused_for=timedelta(hours=2),
        used_share=Decimal("0.5"),
        source=SCRIPT,
    )
    shown = done._repr_html_()
    assert "<td>completed at</td><td>2026-03-03T09:00:00+00:00</td>" in shown
    assert "<td>paused now</td><td>yes</td>" in shown
    assert "<td>paused for</td><td>2:00:00</td>" in shown
    assert ESCAPED in shown
    assert SCRIPT not in shown
