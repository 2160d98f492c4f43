from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import Complaint, CustomerType, Severity
from customer_centric.complaints import (
    FIRST_REPLY,
    NEXT_REPLY,
    PERIODIC_UPDATE,
    REQUESTER_WAIT,
    BusinessHours,
    ClockEvent,
    ClockTarget,
    ComplaintChannel,
    ComplaintStatus,
    DeadlineStatus,
    Priority,
    SlaCondition,
    SlaMetric,
    SlaPolicy,
    SlaTarget,
    WarningLevel,
    advance,
    attainment,
    attainment_row,
    clock_rows,
    metric_clocks,
    pausing_twin,
    select_policy,
    sla_status,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from strategies import business_hours, clock_targets, complaints, sla_metrics

S = ComplaintStatus
HOURS = BusinessHours()  # Monday to Friday, 09:00-17:00 UTC
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in March 2026 (the 2nd is a Monday), UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def complaint(
    moves: Sequence[tuple[ComplaintStatus, datetime]] = (),
    *,
    received: datetime | None = None,
    channel: ComplaintChannel = ComplaintChannel.EMAIL,
) -> Complaint:
    """A complaint received Monday 09:00 and moved as given."""
    current = Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=received or at(2, 9),
        severity=Severity.MEDIUM,
        channel=channel,
    )
    for status, when in moves:
        current = advance(current, status, occurred_at=when)
    return current


def hours(amount: int) -> ClockTarget:
    """A target in business hours."""
    return ClockTarget(amount=amount, unit="business_hours")


def every(target: ClockTarget) -> dict[Priority, ClockTarget]:
    """The same target at every priority."""
    return dict.fromkeys(Priority, target)


# The conversation most tests use: acknowledged at 10, asked the customer
# at 11, the customer answered at 14, responded at 16:30 the next day.
CONVERSATION = complaint(
    [
        (S.ACKNOWLEDGED, at(2, 10)),
        (S.AWAITING_CUSTOMER, at(2, 11)),
        (S.INVESTIGATING, at(2, 14)),
        (S.RESPONDED, at(3, 16, 30)),
    ]
)


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (FIRST_REPLY, [(at(2, 9), at(2, 10), HOUR, DeadlineStatus.MET)]),
        (
            NEXT_REPLY,
            [
                (at(2, 9), at(2, 10), HOUR, DeadlineStatus.MET),
                (
                    at(2, 14),
                    at(3, 16, 30),
                    10.5 * HOUR,
                    DeadlineStatus.BREACHED,
                ),
            ],
        ),
        (
            PERIODIC_UPDATE,
            [
                (at(2, 10), at(2, 11), HOUR, DeadlineStatus.MET),
                (
                    at(2, 11),
                    at(3, 16, 30),
                    13.5 * HOUR,
                    DeadlineStatus.BREACHED,
                ),
            ],
        ),
        (
            REQUESTER_WAIT,
            [(at(2, 9), at(3, 16, 30), 12.5 * HOUR, DeadlineStatus.BREACHED)],
        ),
    ],
    ids=["first-reply", "next-reply", "periodic-update", "requester-wait"],
)
def test_metric_cycles_worked_example(
    metric: SlaMetric,
    expected: list[tuple[datetime, datetime, timedelta, DeadlineStatus]],
) -> None:
    """Each metric reads its cycles off the history and counts open hours."""
    clocks = metric_clocks(
        CONVERSATION,
        metric=metric,
        target=hours(8),
        hours=HOURS,
        as_of=at(4, 9),
    )
    assert [
        (c.started_at, c.stopped_at, c.elapsed, c.status) for c in clocks
    ] == expected
    assert [c.cycle for c in clocks] == list(range(1, len(clocks) + 1))


def test_running_clock_is_paused_while_waiting_on_the_customer() -> None:
    """A pausing clock stops counting in awaiting_customer; due moves later."""
    waiting = complaint(
        [(S.ACKNOWLEDGED, at(2, 10)), (S.AWAITING_CUSTOMER, at(2, 11))]
    )
    (clock,) = metric_clocks(
        waiting,
        metric=REQUESTER_WAIT,
        target=hours(4),
        hours=HOURS,
        as_of=at(2, 15),
    )
    assert clock.paused
    assert clock.elapsed == 2 * HOUR
    assert clock.due_at == at(2, 17)  # as if it resumed at as_of
    assert clock.status is DeadlineStatus.ON_TRACK
    assert clock.used_share == Decimal("0.5000")


def test_reopened_complaint_resumes_the_pausing_clock() -> None:
    """Reopening is a customer reply: the requester-wait clock runs again."""
    reopened = complaint(
        [
            (S.RESPONDED, at(2, 10)),
            (S.REOPENED, at(2, 13)),
        ]
    )
    (clock,) = metric_clocks(
        reopened,
        metric=REQUESTER_WAIT,
        target=hours(2),
        hours=HOURS,
        as_of=at(2, 15),
    )
    assert clock.elapsed == 3 * HOUR  # 09-10 and 13-15
    assert clock.status is DeadlineStatus.BREACHED
    assert clock.due_at == at(2, 14)
    assert not clock.paused


def test_a_pause_that_runs_into_a_gap_counts_once() -> None:
    """Awaiting the customer, then resolved and reopened: one block."""
    reopened = complaint(
        [
            (S.ACKNOWLEDGED, at(2, 10)),
            (S.AWAITING_CUSTOMER, at(2, 11)),
            (S.RESPONDED, at(2, 12)),
            (S.REOPENED, at(2, 13)),
        ]
    )
    (clock,) = metric_clocks(
        reopened,
        metric=REQUESTER_WAIT,
        target=hours(8),
        hours=HOURS,
        as_of=at(2, 15),
    )
    assert clock.elapsed == 4 * HOUR  # 09-11 and 13-15
    assert clock.due_at == at(3, 11)


def test_no_clock_before_the_metric_starts() -> None:
    """Periodic updates start at the first firm reply, not before."""
    assert (
        metric_clocks(
            complaint(),
            metric=PERIODIC_UPDATE,
            target=hours(1),
            hours=HOURS,
            as_of=at(2, 12),
        )
        == ()
    )


def test_changes_after_as_of_are_ignored() -> None:
    """The answer is the one a handler would have seen at as_of."""
    (clock,) = metric_clocks(
        CONVERSATION,
        metric=FIRST_REPLY,
        target=hours(2),
        hours=HOURS,
        as_of=at(2, 9, 30),
    )
    assert clock.stopped_at is None
    assert clock.status is DeadlineStatus.ON_TRACK


@given(
    complaints(),
    sla_metrics,
    clock_targets,
    business_hours(),
    st.timedeltas(timedelta(0), timedelta(days=60)),
)
def test_restart_metric_never_ahead_of_its_pausing_twin(
    subject: Complaint,
    metric: SlaMetric,
    target: ClockTarget,
    schedule: BusinessHours,
    after: timedelta,
) -> None:
    """A restart clock never reads more, nor is due earlier, than its twin."""
    as_of = subject.updated_at + after
    restart = SlaMetric.model_validate(
        {**metric.model_dump(), "kind": "restart"}
    )
    clocks = metric_clocks(
        subject, metric=restart, target=target, hours=schedule, as_of=as_of
    )
    twins = metric_clocks(
        subject,
        metric=pausing_twin(restart),
        target=target,
        hours=schedule,
        as_of=as_of,
    )
    assert len(twins) == min(len(clocks), 1)
    if clocks:
        (twin,) = twins
        assert clocks[-1].elapsed <= twin.elapsed
        assert sum((c.elapsed for c in clocks), timedelta(0)) == twin.elapsed
        if target.unit != "business_days":
            assert clocks[-1].due_at >= twin.due_at


POLICY = SlaPolicy(
    name="retail",
    version=2,
    targets=(
        SlaTarget(metric=FIRST_REPLY, targets=every(hours(4))),
        SlaTarget(metric=NEXT_REPLY, targets={Priority.URGENT: hours(1)}),
    ),
    warnings=(
        WarningLevel(share=Decimal("0.5"), action="notify_agent"),
        WarningLevel(share=Decimal("0.75"), action="notify_lead"),
        WarningLevel(share=Decimal(1), action="escalate_manager"),
    ),
)


@pytest.mark.parametrize(
    ("as_of", "reached", "coming"),
    [
        (at(2, 10), [], ("notify_agent", at(2, 11))),
        (at(2, 11), ["notify_agent"], ("notify_lead", at(2, 12))),
        (
            at(2, 16),
            ["notify_agent", "notify_lead", "escalate_manager"],
            None,
        ),
        (at(2, 22), ["notify_agent", "notify_lead", "escalate_manager"], None),
    ],
    ids=["before-50", "at-50", "past-100", "evening-after-breach"],
)
def test_warning_levels_at_as_of(
    as_of: datetime,
    reached: list[str],
    coming: tuple[str, datetime] | None,
) -> None:
    """Warning levels fire at their share of the open hours, with actions."""
    status = sla_status(
        complaint(), policy=POLICY, priority=Priority.LOW, as_of=as_of
    )
    assert [a.action for a in status.alerts] == reached
    assert [a.at for a in status.alerts] == [
        at(2, 11),
        at(2, 12),
        at(2, 13),
    ][: len(reached)]
    assert [(a.action, a.at) for a in status.upcoming] == (
        [] if coming is None else [coming]
    )
    assert status.policy_fingerprint == POLICY.fingerprint
    assert status.policy_version == 2
    assert [c.metric for c in status.clocks] == ["first_reply"]


def test_stopped_clocks_raise_no_alerts_and_urgent_gets_more_metrics() -> None:
    """Met clocks are quiet; a metric without a target here is skipped."""
    status = sla_status(
        CONVERSATION, policy=POLICY, priority=Priority.URGENT, as_of=at(4, 9)
    )
    assert [c.metric for c in status.clocks] == [
        "first_reply",
        "next_reply",
        "next_reply",
    ]
    assert status.alerts == ()
    assert status.upcoming == ()


def test_policy_without_warnings_has_no_alerts() -> None:
    """No warning levels, no alerts."""
    quiet = SlaPolicy(name="quiet", version=1, targets=POLICY.targets)
    status = sla_status(
        complaint(), policy=quiet, priority=Priority.LOW, as_of=at(2, 16)
    )
    assert status.alerts == status.upcoming == ()


def _policy(name: str, **condition: object) -> SlaPolicy:
    return SlaPolicy(
        name=name,
        version=1,
        condition=SlaCondition.model_validate(condition),
        targets=POLICY.targets,
    )


CHAIN = (
    _policy("regulated", regulated=True),
    _policy("urgent", priorities=[Priority.URGENT]),
    _policy("social", channels=[ComplaintChannel.SOCIAL_MEDIA]),
    _policy("internal", customer_types=[CustomerType.INTERNAL]),
    _policy("rest"),
)


@pytest.mark.parametrize(
    ("priority", "channel", "customer_type", "regulated", "expected"),
    [
        (Priority.URGENT, ComplaintChannel.EMAIL, None, True, "regulated"),
        (Priority.URGENT, ComplaintChannel.EMAIL, None, False, "urgent"),
        (Priority.LOW, ComplaintChannel.SOCIAL_MEDIA, None, False, "social"),
        (
            Priority.LOW,
            ComplaintChannel.EMAIL,
            CustomerType.INTERNAL,
            False,
            "internal",
        ),
        (
            Priority.LOW,
            ComplaintChannel.EMAIL,
            CustomerType.EXTERNAL,
            False,
            "rest",
        ),
    ],
    ids=["regulated", "urgent", "channel", "customer-type", "catch-all"],
)
def test_first_matching_policy_wins(
    priority: Priority,
    channel: ComplaintChannel,
    customer_type: CustomerType | None,
    regulated: bool,
    expected: str,
) -> None:
    """Policies are tried in order and the first matching condition wins."""
    chosen = select_policy(
        complaint(channel=channel),
        policies=CHAIN,
        priority=priority,
        customer_type=customer_type,
        regulated=regulated,
    )
    assert chosen is not None
    assert chosen.name == expected


def test_no_matching_policy_is_none() -> None:
    """Without a catch-all, an unmatched complaint has no policy."""
    assert (
        select_policy(complaint(), policies=CHAIN[:4], priority=Priority.LOW)
        is None
    )


def test_fingerprint_follows_content_and_version() -> None:
    """Equal policies share a fingerprint; a new version changes it."""
    again = SlaPolicy.model_validate_json(POLICY.model_dump_json())
    assert again.fingerprint == POLICY.fingerprint
    bumped = SlaPolicy.model_validate({**POLICY.model_dump(), "version": 3})
    assert bumped.fingerprint != POLICY.fingerprint


def test_attainment_report() -> None:
    """Met, breached and running per metric and priority, median and p90."""
    statuses = [
        sla_status(
            complaint([(S.ACKNOWLEDGED, at(2, 9) + minutes * MINUTE)]),
            policy=POLICY,
            priority=Priority.LOW,
            as_of=at(2, 16),
        )
        for minutes in (30, 60, 90, 300)
    ]
    statuses.append(
        sla_status(
            complaint(received=at(2, 15)),
            policy=POLICY,
            priority=Priority.LOW,
            as_of=at(2, 16),
        )
    )
    statuses.append(
        sla_status(
            CONVERSATION,
            policy=POLICY,
            priority=Priority.URGENT,
            as_of=at(4, 9),
        )
    )
    rows = attainment(statuses)
    assert [(r.metric, r.priority) for r in rows] == [
        ("first_reply", Priority.LOW),
        ("first_reply", Priority.URGENT),
        ("next_reply", Priority.URGENT),
    ]
    low, urgent, next_reply = rows
    assert (low.met, low.breached, low.running) == (3, 1, 1)
    assert low.attainment == Decimal("0.7500")
    assert low.median == 75 * MINUTE
    assert low.p90 == 5 * HOUR
    assert (urgent.met, urgent.median, urgent.p90) == (1, HOUR, HOUR)
    assert (next_reply.met, next_reply.breached) == (1, 1)


def test_attainment_of_running_clocks_only() -> None:
    """Nothing decided yet: no attainment share and no times."""
    (row,) = attainment(
        [
            sla_status(
                complaint(),
                policy=POLICY,
                priority=Priority.LOW,
                as_of=at(2, 10),
            )
        ]
    )
    assert (row.running, row.attainment, row.median, row.p90) == (
        1,
        None,
        None,
        None,
    )
    assert attainment([]) == ()


def test_clock_rows_flatten_every_clock() -> None:
    """One plain row per clock, with the status's priority and values."""
    status = sla_status(
        CONVERSATION, policy=POLICY, priority=Priority.URGENT, as_of=at(4, 9)
    )
    rows = clock_rows([status])
    assert [(r["metric"], r["cycle"], r["status"]) for r in rows] == [
        (c.metric, c.cycle, c.status.value) for c in status.clocks
    ]
    assert {r["priority"] for r in rows} == {"urgent"}
    assert rows[0]["stopped"] is True
    assert rows[0]["elapsed_seconds"] == HOUR.total_seconds()
    assert clock_rows([]) == ()


def test_attainment_is_attainment_row_per_group() -> None:
    """Each report row is attainment_row() of its group's clocks."""
    status = sla_status(
        CONVERSATION, policy=POLICY, priority=Priority.URGENT, as_of=at(4, 9)
    )
    for row in attainment([status]):
        clocks = [c for c in status.clocks if c.metric == row.metric]
        assert row == attainment_row(
            row.metric,
            Priority.URGENT,
            statuses=[c.status for c in clocks],
            times=[c.elapsed for c in clocks if c.stopped_at is not None],
        )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"statuses": ["met", "late"]},
            InvariantError,
            r"statuses\[1\] must be one of .*got 'late'",
        ),
        (
            {"times": [HOUR, -MINUTE]},
            InvariantError,
            (
                r"times must be >= 0, got datetime.timedelta\(days=-1.*"
                r"'first_reply' at priority 'low'"
            ),
        ),
        ({"times": [60]}, ArgumentTypeError, r"times\[0\] must be"),
        ({"statuses": "met"}, ArgumentTypeError, "statuses must be"),
        ({"priority": "asap"}, InvariantError, "priority must be one of"),
        ({"metric": None}, ArgumentTypeError, "metric must be a str"),
    ],
    ids=["status", "negative", "seconds", "string", "priority", "metric"],
)
def test_attainment_row_refuses_bad_input(
    kwargs: dict[str, object], error: type[Exception], match: str
) -> None:
    """Unknown statuses, negative or untyped times name the value."""
    arguments: dict[str, object] = {
        "metric": "first_reply",
        "priority": "low",
        "statuses": ["met"],
        "times": [HOUR],
        **kwargs,
    }
    metric = arguments.pop("metric")
    priority = arguments.pop("priority")
    with pytest.raises(error, match=match):
        attainment_row(metric, priority, **arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: WarningLevel(share=Decimal("1.5"), action="x"),
            r"in \(0, 1\], got Decimal\('1.5'\)",
        ),
        (lambda: WarningLevel(share=Decimal(0), action="x"), "in \\(0, 1\\]"),
        (
            lambda: WarningLevel(share=Decimal("NaN"), action="x"),
            "finite number",
        ),
        (lambda: WarningLevel(share=Decimal("0.5"), action=" "), "blank"),
        (
            lambda: SlaPolicy(
                name="p",
                version=1,
                targets=POLICY.targets,
                warnings=(
                    WarningLevel(share=Decimal("0.75"), action="a"),
                    WarningLevel(share=Decimal("0.5"), action="b"),
                ),
            ),
            r"\['0.75', '0.5'\]; list them once each in increasing share",
        ),
        (
            lambda: SlaPolicy(
                name="p",
                version=1,
                targets=(POLICY.targets[0], POLICY.targets[0]),
            ),
            "more than once",
        ),
        (
            lambda: SlaPolicy(name="p", version=0, targets=()),
            "greater than or equal to 1",
        ),
        (
            lambda: SlaMetric(
                name="m",
                kind="pausing",
                starts_on=frozenset({ClockEvent.RECEIVED}),
                stops_on=frozenset({ClockEvent.RESOLVED}),
                pause_statuses=frozenset({S.CLOSED}),
            ),
            "cannot pause on receipt or after closing",
        ),
        (
            lambda: SlaMetric(
                name="m",
                kind="restart",
                starts_on=frozenset(),
                stops_on=frozenset({ClockEvent.RESOLVED}),
            ),
            "at least 1 item",
        ),
    ],
    ids=[
        "share-above-1",
        "share-zero",
        "share-nan",
        "blank-action",
        "unsorted-levels",
        "metric-twice",
        "version-zero",
        "pause-on-closed",
        "no-start",
    ],
)
def test_bad_policies_are_refused(build: object, message: str) -> None:
    """Bad warning levels, policies and metrics raise with value and fix."""
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


def test_bad_arguments_are_refused() -> None:
    """Naive or early as_of, far horizons and wrong types raise."""
    subject = complaint()
    with pytest.raises(InvariantError, match="timezone-aware"):
        sla_status(
            subject,
            policy=POLICY,
            priority=Priority.LOW,
            as_of=datetime(2026, 3, 2, 12),  # noqa: DTZ001 - the point
        )
    with pytest.raises(InvariantError, match="before complaint 'K-1'"):
        metric_clocks(
            subject,
            metric=FIRST_REPLY,
            target=hours(1),
            hours=HOURS,
            as_of=at(1, 12),
        )
    with pytest.raises(InvariantError, match="more than 3660 days"):
        sla_status(
            subject,
            policy=POLICY,
            priority=Priority.LOW,
            as_of=at(2, 9) + timedelta(days=4000),
        )
    with pytest.raises(InvariantError, match="priority"):
        select_policy(subject, policies=CHAIN, priority="soon")  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="customer_type"):
        select_policy(
            subject,
            policies=CHAIN,
            priority=Priority.LOW,
            customer_type="alien",  # type: ignore[arg-type]
        )
    with pytest.raises(ArgumentTypeError, match="policies"):
        select_policy(subject, policies=[None], priority=Priority.LOW)  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match="statuses"):
        attainment([None])  # type: ignore[list-item]
    with pytest.raises(ArgumentTypeError, match="metric"):
        pausing_twin(None)  # type: ignore[arg-type]


def test_dates_past_9999_are_our_error() -> None:
    """A clock running past the year 9999 raises InvariantError."""
    late = complaint(received=datetime(9999, 12, 31, 18, tzinfo=UTC))
    with pytest.raises(InvariantError, match="9999"):
        metric_clocks(
            late,
            metric=FIRST_REPLY,
            target=hours(1),
            hours=HOURS,
            as_of=late.received_at,
        )
    with pytest.raises(InvariantError, match="9999"):
        sla_status(
            late, policy=POLICY, priority=Priority.LOW, as_of=late.received_at
        )


def test_a_pause_longer_than_the_horizon_is_a_policy_error() -> None:
    """A calendar clock that cannot finish within ten years says so."""
    waiting = complaint(
        [(S.ACKNOWLEDGED, at(2, 10)), (S.AWAITING_CUSTOMER, at(2, 11))]
    )
    with pytest.raises(PolicyError, match="does not run"):
        metric_clocks(
            waiting,
            metric=REQUESTER_WAIT,
            target=ClockTarget(amount=3660, unit="calendar_days"),
            hours=HOURS,
            as_of=at(9, 11),
        )


def test_inputs_are_not_mutated() -> None:
    """Evaluating leaves the complaint and the policy as they were."""
    before = (CONVERSATION.model_dump(), POLICY.model_dump())
    sla_status(
        CONVERSATION, policy=POLICY, priority=Priority.URGENT, as_of=at(4, 9)
    )
    assert (CONVERSATION.model_dump(), POLICY.model_dump()) == before
