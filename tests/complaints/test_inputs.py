"""Issue 7 for complaints: frozen records, decimal contexts, bad inputs."""

from __future__ import annotations

import copy
import decimal
import pickle
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest
from pydantic import BaseModel, ValidationError

from customer_centric import Complaint, Severity
from customer_centric._frozen import FrozenDict
from customer_centric.complaints import (
    CFPB_RESPONSE,
    CFPB_RULES,
    DEFAULT_TRIAGE_POLICY,
    FCA_DISP_RULES,
    PRIMARY_STUDIES,
    SOURCE_TEXTS,
    BusinessCalendar,
    ComplaintChannel,
    ComplaintStatus,
    Priority,
    ProblemSize,
    RecoveryPath,
    RegulatoryDeadlineRule,
    ServiceLevelProfile,
    ServiceTarget,
    TriagePolicy,
    WinBackRates,
    advance,
    assess_recovery_paradox,
    assumptions_markdown,
    check_transition,
    complaint_impact,
    filed_event,
    hidden_dissatisfied,
    problem_size,
    regulatory_deadlines,
    repurchase_probability,
    resolved_event,
    retention_after_recovery,
    revenue_at_risk,
    service_deadlines,
    triage,
    win_back_likelihood,
    word_of_mouth_reach,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship import DepartureReason

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
RESPOND = ServiceTarget(
    milestone=ComplaintStatus.RESPONDED, within=5, unit="business_days"
)
PROFILE = ServiceLevelProfile(
    name="retail", targets=dict.fromkeys(Priority, (RESPOND,))
)
RATES = WinBackRates(
    name="campaign",
    source="our data",
    rates={DepartureReason.MOVED_HOME: Decimal("0.3")},
)


def _set_triage() -> None:
    DEFAULT_TRIAGE_POLICY.severity_priority[Severity.CRITICAL] = (  # type: ignore[index]
        Priority.LOW
    )


def _set_repurchase_cell() -> None:
    row = PRIMARY_STUDIES.repurchase[RecoveryPath.RESOLVED_QUICKLY]
    row[ProblemSize.SMALL] = PRIMARY_STUDIES.small_problem_max  # type: ignore[index]


def _set_repurchase_row() -> None:
    PRIMARY_STUDIES.repurchase[RecoveryPath.RESOLVED_QUICKLY] = {}  # type: ignore[index]


def _set_rate() -> None:
    RATES.rates[DepartureReason.MOVED_HOME] = Decimal(7)  # type: ignore[index]


def _set_targets() -> None:
    PROFILE.targets[Priority.URGENT] = ()  # type: ignore[index]


@pytest.mark.parametrize(
    "mutate",
    [
        _set_triage,
        _set_repurchase_cell,
        _set_repurchase_row,
        _set_rate,
        _set_targets,
    ],
    ids=[
        "triage-severity-priority",
        "repurchase-cell",
        "repurchase-row",
        "win-back-rate",
        "service-targets",
    ],
)
def test_record_mappings_refuse_changes_in_place(
    mutate: Callable[[], None],
) -> None:
    """No caller can change a mapping inside a record another caller holds."""
    with pytest.raises(TypeError, match="does not support item assignment"):
        mutate()
    assert (
        DEFAULT_TRIAGE_POLICY.severity_priority[Severity.CRITICAL]
        is Priority.URGENT
    )
    assert repurchase_probability(
        RecoveryPath.RESOLVED_QUICKLY,
        ProblemSize.SMALL,
        assumptions=PRIMARY_STUDIES,
    ).expected == Decimal("0.9500")


def test_record_copies_the_callers_dict() -> None:
    """Changing the dict a record was built from leaves the record alone."""
    table = {DepartureReason.MOVED_HOME: Decimal("0.3")}
    rates = WinBackRates(name="mine", source="data", rates=table)
    table[DepartureReason.MOVED_HOME] = Decimal("0.9")
    assert rates.rates[DepartureReason.MOVED_HOME] == Decimal("0.3")


@pytest.mark.parametrize(
    "record",
    [DEFAULT_TRIAGE_POLICY, PRIMARY_STUDIES, RATES, PROFILE],
    ids=["triage-policy", "assumption-set", "win-back-rates", "profile"],
)
def test_frozen_records_round_trip_json_pickle_and_copy(
    record: BaseModel,
) -> None:
    """Records with frozen mappings survive JSON, pickle and deep copy."""
    kind = type(record)
    assert kind.model_validate_json(record.model_dump_json()) == record
    assert pickle.loads(pickle.dumps(record)) == record  # noqa: S301
    assert copy.deepcopy(record) == record
    assert kind.model_validate(record.model_dump()) == record


def test_frozen_records_hash_by_value() -> None:
    """Equal policies hash equal, so they can key a cache."""
    assert hash(TriagePolicy()) == hash(DEFAULT_TRIAGE_POLICY)


def test_frozen_dict_is_read_only_and_compares_as_a_mapping() -> None:
    """A FrozenDict equals a dict with its items and refuses attributes."""
    frozen = FrozenDict({"a": 1})
    assert frozen == {"a": 1}
    assert frozen != {"a": 2}
    assert frozen != [("a", 1)]
    assert repr(frozen) == "FrozenDict({'a': 1})"
    assert len(frozen) == 1
    assert list(frozen) == ["a"]
    with pytest.raises(AttributeError, match="read-only"):
        frozen._data = {}  # type: ignore[misc]


def _recovery_rules() -> list[Callable[[], object]]:
    """Every decimal rule of the recovery module, on ordinary inputs."""
    return [
        lambda: hidden_dissatisfied(10, assumptions=SOURCE_TEXTS),
        lambda: hidden_dissatisfied(
            7, assumptions=PRIMARY_STUDIES, channel="front_line"
        ),
        lambda: word_of_mouth_reach(
            7, recovered=3, assumptions=PRIMARY_STUDIES
        ),
        lambda: repurchase_probability(
            RecoveryPath.COMPLAINED_RESOLVED,
            ProblemSize.MEDIUM,
            assumptions=PRIMARY_STUDIES,
        ),
        lambda: revenue_at_risk(
            Decimal("3.3333"), annual_income=Decimal("1234.56"), years=7
        ),
        lambda: complaint_impact(
            13,
            path=RecoveryPath.RESOLVED_QUICKLY,
            size=ProblemSize.MEDIUM,
            assumptions=PRIMARY_STUDIES,
            annual_income=Decimal("987.65"),
            years=Decimal("3.5"),
        ),
        lambda: retention_after_recovery(
            RecoveryPath.RESOLVED_QUICKLY,
            ProblemSize.MEDIUM,
            assumptions=PRIMARY_STUDIES,
            baseline_retention=Decimal("0.80555"),
            paradox_uplift=Decimal("0.00001"),
        ),
        lambda: assumptions_markdown(SOURCE_TEXTS, PRIMARY_STUDIES),
    ]


RULE_IDS = [
    "hidden-head-office",
    "hidden-front-line",
    "word-of-mouth",
    "repurchase-medium",
    "revenue",
    "impact",
    "retention",
    "markdown",
]

CALLER_CONTEXTS = [
    decimal.Context(prec=3),
    decimal.Context(prec=1, rounding=decimal.ROUND_FLOOR),
    decimal.Context(prec=6, Emax=6, Emin=-6),
    decimal.Context(prec=80, traps=[]),
]


@pytest.mark.parametrize("rule", _recovery_rules(), ids=RULE_IDS)
def test_recovery_rules_ignore_the_callers_decimal_context(
    rule: Callable[[], object],
) -> None:
    """A rule gives the same answer whatever decimal context the caller has."""
    expected = rule()
    for context in CALLER_CONTEXTS:
        with decimal.localcontext(context):
            assert rule() == expected


def _impact(**change: object) -> object:
    """complaint_impact on ordinary inputs, with some replaced."""
    arguments: dict[str, Any] = {
        "path": RecoveryPath.RESOLVED_QUICKLY,
        "size": ProblemSize.SMALL,
        "assumptions": PRIMARY_STUDIES,
        "annual_income": Decimal(100),
        "years": 2,
    }
    count = change.pop("complaints", 10)
    return complaint_impact(count, **{**arguments, **change})  # type: ignore[arg-type]


TINY_RATE = PRIMARY_STUDIES.with_figure(
    "complaint_rate",
    PRIMARY_STUDIES.complaint_rate.override(Decimal("1e-50")),
)
NO_FRONT_LINE = PRIMARY_STUDIES.with_figure(
    "front_line_complaint_rate",
    PRIMARY_STUDIES.complaint_rate.override(Decimal(0)),
)
A_PROBABILITY = repurchase_probability(
    RecoveryPath.RESOLVED_QUICKLY,
    ProblemSize.SMALL,
    assumptions=PRIMARY_STUDIES,
)
NAN_ESTIMATE = attrs.evolve(
    _impact().lost_customers,  # type: ignore[attr-defined]
    high=Decimal("NaN"),
)

BAD_RECOVERY_CALLS: list[tuple[Callable[[], object], type[Exception], str]] = [
    (
        lambda: hidden_dissatisfied(10**400, assumptions=PRIMARY_STUDIES),
        InvariantError,
        r"complaints must be a count of customers from 0 to 1000000000000000",
    ),
    (
        lambda: hidden_dissatisfied(None, assumptions=PRIMARY_STUDIES),  # type: ignore[arg-type]
        ArgumentTypeError,
        r"complaints must be a whole number \(int\), got None",
    ),
    (
        lambda: hidden_dissatisfied(
            Decimal("NaN"), assumptions=PRIMARY_STUDIES
        ),  # type: ignore[arg-type]
        ArgumentTypeError,
        "complaints must be a whole number",
    ),
    (
        lambda: hidden_dissatisfied(3, assumptions=None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "assumptions must be an AssumptionSet",
    ),
    (
        lambda: hidden_dissatisfied(
            3,
            assumptions=PRIMARY_STUDIES,
            channel="bogus",  # type: ignore[arg-type]
        ),
        InvariantError,
        "channel must be one of 'head_office', 'front_line', got 'bogus'",
    ),
    (
        lambda: hidden_dissatisfied(10**12, assumptions=TINY_RATE),
        InvariantError,
        "too large to give to 0.01",
    ),
    (
        lambda: hidden_dissatisfied(
            3, assumptions=NO_FRONT_LINE, channel="front_line"
        ),
        PolicyError,
        "front_line complaint rate must be above 0",
    ),
    (
        lambda: word_of_mouth_reach(1, recovered=-1, assumptions=SOURCE_TEXTS),
        InvariantError,
        "recovered must be a count",
    ),
    (
        lambda: problem_size(7.5, assumptions=PRIMARY_STUDIES),  # type: ignore[arg-type]
        ArgumentTypeError,
        r"value must be a Decimal, e.g. Decimal\('7.5'\)",
    ),
    (
        lambda: problem_size(Decimal("NaN"), assumptions=PRIMARY_STUDIES),
        InvariantError,
        "value must be a finite number",
    ),
    (
        lambda: problem_size(Decimal(1), assumptions="primary"),  # type: ignore[arg-type]
        ArgumentTypeError,
        "assumptions must be an AssumptionSet",
    ),
    (
        lambda: repurchase_probability(
            "bogus",  # type: ignore[arg-type]
            ProblemSize.SMALL,
            assumptions=PRIMARY_STUDIES,
        ),
        InvariantError,
        "path must be one of 'did_not_complain'",
    ),
    (
        lambda: repurchase_probability(
            RecoveryPath.RESOLVED_QUICKLY,
            None,  # type: ignore[arg-type]
            assumptions=PRIMARY_STUDIES,
        ),
        InvariantError,
        "size must be one of 'small', 'medium', 'large', got None",
    ),
    (
        lambda: revenue_at_risk(
            float("inf"),  # type: ignore[arg-type]
            annual_income=Decimal(1),
            years=1,
        ),
        ArgumentTypeError,
        "lost_customers must be a Decimal",
    ),
    (
        lambda: revenue_at_risk(
            Decimal("Infinity"), annual_income=Decimal(1), years=1
        ),
        InvariantError,
        "lost_customers must be a finite number",
    ),
    (
        lambda: revenue_at_risk(
            Decimal(-1), annual_income=Decimal(1), years=1
        ),
        InvariantError,
        "lost_customers must be >= 0",
    ),
    (
        lambda: revenue_at_risk(10**400, annual_income=Decimal(1), years=1),
        InvariantError,
        "lost_customers must be at most",
    ),
    (
        lambda: revenue_at_risk(3, annual_income=Decimal("1e999999"), years=1),
        InvariantError,
        "annual_income must be at most 1E[+]18",
    ),
    (
        lambda: revenue_at_risk(3, annual_income=None, years=1),  # type: ignore[arg-type]
        ArgumentTypeError,
        "annual_income must be a Decimal",
    ),
    (
        lambda: revenue_at_risk(
            3, annual_income=Decimal(1), years=Decimal("NaN")
        ),
        InvariantError,
        "years must be a finite number",
    ),
    (
        lambda: revenue_at_risk(3, annual_income=Decimal(1), years=10**400),
        InvariantError,
        "years must be at most",
    ),
    (
        lambda: revenue_at_risk(
            A_PROBABILITY, annual_income=Decimal(1), years=1
        ),
        InvariantError,
        "lost_customers must count customers, got an estimate in unit",
    ),
    (
        lambda: revenue_at_risk(
            NAN_ESTIMATE, annual_income=Decimal(1), years=1
        ),
        InvariantError,
        "lost_customers.high must be a finite number",
    ),
    (
        lambda: _impact(complaints=-1),
        InvariantError,
        "complaints must be a count",
    ),
    (
        lambda: _impact(annual_income=Decimal(-1)),
        InvariantError,
        "annual_income must be >= 0",
    ),
    (
        lambda: _impact(years=2.5),
        ArgumentTypeError,
        "years must be a Decimal",
    ),
    (
        lambda: _impact(path="bogus"),
        InvariantError,
        "path must be one of",
    ),
    (
        lambda: retention_after_recovery(
            RecoveryPath.RESOLVED_QUICKLY,
            ProblemSize.SMALL,
            assumptions=PRIMARY_STUDIES,
            baseline_retention=0.8,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "baseline_retention must be a Decimal",
    ),
    (
        lambda: retention_after_recovery(
            RecoveryPath.RESOLVED_QUICKLY,
            ProblemSize.SMALL,
            assumptions=PRIMARY_STUDIES,
            baseline_retention=Decimal("0.8"),
            paradox_uplift=Decimal("NaN"),
        ),
        InvariantError,
        "paradox_uplift must be a finite number",
    ),
    (
        lambda: assess_recovery_paradox(
            minor_failure=True,
            first_failure=None,  # type: ignore[arg-type]
            cause_unlikely_to_recur=True,
            outside_firm_control=True,
        ),
        ArgumentTypeError,
        "first_failure must be True or False, got None",
    ),
    (
        lambda: win_back_likelihood("bogus", rates=RATES),  # type: ignore[arg-type]
        InvariantError,
        "reason must be one of",
    ),
    (
        lambda: win_back_likelihood(DepartureReason.MOVED_HOME, rates=None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "rates must be a WinBackRates",
    ),
    (
        assumptions_markdown,
        InvariantError,
        "needs at least one AssumptionSet",
    ),
    (
        lambda: assumptions_markdown(PRIMARY_STUDIES, None),  # type: ignore[arg-type]
        ArgumentTypeError,
        r"sets\[1\] must be an AssumptionSet, got None",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    BAD_RECOVERY_CALLS,
    ids=[
        "count-10-to-400",
        "count-none",
        "count-nan",
        "assumptions-none",
        "channel-bogus",
        "result-too-large",
        "zero-front-line-rate",
        "recovered-negative",
        "problem-value-float",
        "problem-value-nan",
        "problem-size-assumptions-str",
        "repurchase-path-bogus",
        "repurchase-size-none",
        "revenue-float-inf",
        "revenue-decimal-infinity",
        "revenue-negative",
        "revenue-10-to-400",
        "revenue-huge-income",
        "revenue-income-none",
        "revenue-years-nan",
        "revenue-years-10-to-400",
        "revenue-probability-estimate",
        "revenue-nan-estimate",
        "impact-negative",
        "impact-negative-income",
        "impact-float-years",
        "impact-path-bogus",
        "retention-float",
        "retention-nan-uplift",
        "paradox-none",
        "win-back-reason-bogus",
        "win-back-rates-none",
        "markdown-empty",
        "markdown-none",
    ],
)
def test_bad_recovery_inputs_raise_our_errors(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    """Each bad input to a recovery rule raises our error naming it."""
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "rates",
    [
        {DepartureReason.MOVED_HOME: Decimal("NaN")},
        {DepartureReason.MOVED_HOME: Decimal("1e999999")},
        {DepartureReason.MOVED_HOME: Decimal("-0.1")},
    ],
    ids=["nan", "huge", "negative"],
)
def test_win_back_rates_must_be_probabilities(
    rates: dict[DepartureReason, Decimal],
) -> None:
    """A win-back rate outside [0, 1] or not finite is refused."""
    with pytest.raises(ValidationError):
        WinBackRates(name="mine", source="data", rates=rates)


RECEIVED = Complaint(
    complaint_id="K-1",
    customer_id="C-1",
    received_at=T0,
    severity=Severity.LOW,
    channel=ComplaintChannel.PHONE,
)

BAD_COMPLAINT_CALLS: list[
    tuple[Callable[[], object], type[Exception], str]
] = [
    (
        lambda: advance(None, ComplaintStatus.RESPONDED, occurred_at=T0),  # type: ignore[arg-type]
        ArgumentTypeError,
        "complaint must be a Complaint, got None",
    ),
    (
        lambda: advance(RECEIVED, "bogus", occurred_at=T0),  # type: ignore[arg-type]
        InvariantError,
        "new_status must be one of 'received', .* got 'bogus'",
    ),
    (
        lambda: advance(RECEIVED, ComplaintStatus.RESPONDED, occurred_at=None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "at must be a timezone-aware datetime, got None",
    ),
    (
        lambda: advance(
            RECEIVED,
            ComplaintStatus.RESPONDED,
            occurred_at=datetime(2026, 3, 2, 10),  # noqa: DTZ001
        ),
        InvariantError,
        "at must be timezone-aware",
    ),
    (
        lambda: advance(
            RECEIVED,
            ComplaintStatus.RESPONDED,
            occurred_at=T0,
            note=None,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "note must be a str, got None",
    ),
    (
        lambda: advance(
            advance(RECEIVED, ComplaintStatus.RESPONDED, occurred_at=T0),
            ComplaintStatus.CLOSED,
            occurred_at=T0,
            customer_satisfied="yes",  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "customer_satisfied must be True, False or None, got 'yes'",
    ),
    (
        lambda: check_transition(RECEIVED, 3),  # type: ignore[arg-type]
        InvariantError,
        "new_status must be one of",
    ),
    (
        lambda: check_transition(None, ComplaintStatus.CLOSED),  # type: ignore[arg-type]
        ArgumentTypeError,
        "complaint must be a Complaint",
    ),
    (
        lambda: filed_event(None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "complaint must be a Complaint",
    ),
    (
        lambda: resolved_event("K-1"),  # type: ignore[arg-type]
        ArgumentTypeError,
        "complaint must be a Complaint, got 'K-1'",
    ),
    (
        lambda: RECEIVED.first_reached({ComplaintStatus.CLOSED}),  # type: ignore[arg-type]
        ArgumentTypeError,
        "statuses must be a frozenset of ComplaintStatus",
    ),
    (
        lambda: RECEIVED.first_reached(frozenset({"shut"})),  # type: ignore[arg-type]
        InvariantError,
        "statuses must be one of",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    BAD_COMPLAINT_CALLS,
    ids=[
        "advance-none",
        "advance-bogus-status",
        "advance-at-none",
        "advance-naive",
        "advance-note-none",
        "advance-satisfied-str",
        "check-transition-int",
        "check-transition-none",
        "filed-event-none",
        "resolved-event-str",
        "first-reached-set",
        "first-reached-bogus",
    ],
)
def test_bad_complaint_inputs_raise_our_errors(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    """Each bad input to a complaint transition raises our error naming it."""
    with pytest.raises(error, match=message):
        call()


def test_status_given_as_its_value_is_accepted() -> None:
    """A status may be passed as its serialised string value."""
    moved = advance(RECEIVED, "responded", occurred_at=T0)  # type: ignore[arg-type]
    assert moved.status is ComplaintStatus.RESPONDED
    assert RECEIVED.first_reached(frozenset({"received"})) == T0  # type: ignore[arg-type]


UK = BusinessCalendar.uk()
HOURS = ServiceTarget(
    milestone=ComplaintStatus.ACKNOWLEDGED, within=4, unit="hours"
)
NEW_YORK = ServiceLevelProfile(
    name="ny",
    calendar=BusinessCalendar(timezone="America/New_York"),
    targets=dict.fromkeys(Priority, (RESPOND, HOURS)),
)
LATEST = datetime(9999, 12, 31, 23, tzinfo=UTC)
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)


def _received(at: datetime) -> Complaint:
    """A complaint received at ``occurred_at``."""
    return Complaint(
        complaint_id="K-9",
        customer_id="C-1",
        received_at=at,
        severity=Severity.MEDIUM,
        channel=ComplaintChannel.EMAIL,
    )


BAD_DEADLINE_CALLS: list[tuple[Callable[[], object], type[Exception], str]] = [
    (
        lambda: triage(None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "complaint must be a Complaint, got None",
    ),
    (
        lambda: triage(RECEIVED, customer_value=25_000.0),  # type: ignore[arg-type]
        ArgumentTypeError,
        "customer_value must be a Decimal",
    ),
    (
        lambda: triage(RECEIVED, customer_value=Decimal("NaN")),
        InvariantError,
        "customer_value must be a finite number",
    ),
    (
        lambda: triage(RECEIVED, policy=None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "policy must be a TriagePolicy",
    ),
    (
        lambda: UK.add_business_days(date(9999, 12, 30), 3),
        InvariantError,
        "adding 3 business days to 9999-12-30 goes past 9999-12-31",
    ),
    (
        lambda: UK.add_business_days(None, 3),  # type: ignore[arg-type]
        ArgumentTypeError,
        "day must be a date, got None",
    ),
    (
        lambda: UK.add_business_days(date(2026, 3, 2), 1.5),  # type: ignore[arg-type]
        ArgumentTypeError,
        "days must be an int, got 1.5",
    ),
    (
        lambda: UK.is_business_day("2026-03-02"),  # type: ignore[arg-type]
        ArgumentTypeError,
        "day must be a date, got '2026-03-02'",
    ),
    (
        lambda: UK.holidays_in(10_000),
        InvariantError,
        "year must be from 1 to 9999, got 10000",
    ),
    (
        lambda: UK.holidays_in(None),  # type: ignore[arg-type]
        ArgumentTypeError,
        "year must be an int",
    ),
    (
        lambda: regulatory_deadlines(
            _received(LATEST), rules=FCA_DISP_RULES, calendar=UK, as_of=LATEST
        ),
        InvariantError,
        "goes past 9999-12-31",
    ),
    (
        lambda: regulatory_deadlines(
            _received(LATEST), rules=CFPB_RULES, calendar=UK, as_of=LATEST
        ),
        InvariantError,
        "received_at '9999-12-31T23:00:00[+]00:00' .* falls outside",
    ),
    (
        lambda: regulatory_deadlines(
            _received(EARLIEST),
            rules=CFPB_RULES,
            calendar=NEW_YORK.calendar,
            as_of=EARLIEST,
        ),
        InvariantError,
        "falls outside the years 1 to 9999",
    ),
    (
        lambda: regulatory_deadlines(
            None,  # type: ignore[arg-type]
            rules=CFPB_RULES,
            calendar=UK,
            as_of=T0,
        ),
        ArgumentTypeError,
        "complaint must be a Complaint",
    ),
    (
        lambda: regulatory_deadlines(
            RECEIVED,
            rules=CFPB_RULES,
            calendar=UK,
            as_of=datetime(2026, 3, 3),  # noqa: DTZ001
        ),
        InvariantError,
        "as_of must be timezone-aware",
    ),
    (
        lambda: regulatory_deadlines(
            RECEIVED,
            rules=CFPB_RULES,
            calendar=None,
            as_of=T0,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "calendar must be a BusinessCalendar",
    ),
    (
        lambda: regulatory_deadlines(
            RECEIVED,
            rules=None,
            calendar=UK,
            as_of=T0,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "rules must be a sequence of RegulatoryDeadlineRule",
    ),
    (
        lambda: regulatory_deadlines(
            RECEIVED,
            rules=[CFPB_RESPONSE, None],
            calendar=UK,
            as_of=T0,  # type: ignore[list-item]
        ),
        ArgumentTypeError,
        r"rules\[1\] must be a RegulatoryDeadlineRule",
    ),
    (
        lambda: regulatory_deadlines(
            RECEIVED,
            rules=CFPB_RULES,
            calendar=UK,
            as_of=T0,
            at_risk_share=0.8,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "at_risk_share must be a Decimal",
    ),
    (
        lambda: regulatory_deadlines(
            RECEIVED,
            rules=CFPB_RULES,
            calendar=UK,
            as_of=T0,
            at_risk_share=Decimal("Infinity"),
        ),
        InvariantError,
        "at_risk_share must be a finite number",
    ),
    (
        lambda: service_deadlines(
            _received(LATEST),
            priority=Priority.LOW,
            profile=NEW_YORK,
            as_of=LATEST,
        ),
        InvariantError,
        "falls outside the years 1 to 9999",
    ),
    (
        lambda: service_deadlines(
            _received(EARLIEST),
            priority=Priority.LOW,
            profile=NEW_YORK,
            as_of=EARLIEST,
        ),
        InvariantError,
        "falls outside the years 1 to 9999",
    ),
    (
        lambda: service_deadlines(
            RECEIVED, priority=Priority.LOW, profile=NEW_YORK, as_of=LATEST
        ),
        InvariantError,
        "as_of '9999-12-31T23:00:00[+]00:00' is more than 3660 days after",
    ),
    (
        lambda: service_deadlines(
            RECEIVED,
            priority="bogus",  # type: ignore[arg-type]
            profile=NEW_YORK,
            as_of=T0,
        ),
        InvariantError,
        "priority must be one of 'low', 'normal', 'high', 'urgent'",
    ),
    (
        lambda: service_deadlines(
            RECEIVED,
            priority=Priority.LOW,
            profile=None,  # type: ignore[arg-type]
            as_of=T0,
        ),
        ArgumentTypeError,
        "profile must be a ServiceLevelProfile",
    ),
    (
        lambda: service_deadlines(
            RECEIVED,
            priority=Priority.LOW,
            profile=NEW_YORK,
            as_of=None,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
        "as_of must be a timezone-aware datetime",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    BAD_DEADLINE_CALLS,
    ids=[
        "triage-none",
        "triage-float-value",
        "triage-nan-value",
        "triage-policy-none",
        "add-days-past-9999",
        "add-days-day-none",
        "add-days-float",
        "business-day-str",
        "holidays-year-10000",
        "holidays-year-none",
        "regulatory-fca-year-9999",
        "regulatory-cfpb-year-9999",
        "regulatory-year-1-new-york",
        "regulatory-complaint-none",
        "regulatory-naive-as-of",
        "regulatory-calendar-none",
        "regulatory-rules-none",
        "regulatory-rule-none",
        "regulatory-float-share",
        "regulatory-infinite-share",
        "service-year-9999",
        "service-year-1-new-york",
        "service-as-of-9999",
        "service-priority-bogus",
        "service-profile-none",
        "service-as-of-none",
    ],
)
def test_bad_triage_and_deadline_inputs_raise_our_errors(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    """Each bad input to triage or a deadline rule raises our error."""
    with pytest.raises(error, match=message):
        call()


def test_deadlines_near_the_ends_of_the_calendar_are_computed() -> None:
    """Dates far from today still get deadlines when they fit in a date."""
    far = datetime(9999, 11, 1, 9, tzinfo=UTC)
    (respond,) = regulatory_deadlines(
        _received(far), rules=(CFPB_RESPONSE,), calendar=UK, as_of=far
    )
    assert respond.due_at.date() == date(9999, 11, 16)
    early = datetime(1, 1, 2, 9, tzinfo=UTC)
    (first,) = service_deadlines(
        _received(early), priority=Priority.LOW, profile=PROFILE, as_of=early
    )
    assert first.due_at.date() == date(1, 1, 9)
    assert UK.is_business_day(date(1, 1, 1))
    assert date(9999, 12, 25) in UK.holidays_in(9999)


def test_deadlines_ignore_the_callers_decimal_context() -> None:
    """Deadline shares are the same whatever decimal context the caller has."""
    complaint = _received(datetime(2026, 3, 2, 9, 17, tzinfo=UTC))
    as_of = datetime(2026, 3, 9, 13, 41, tzinfo=UTC)

    def evaluate() -> tuple[object, ...]:
        return (
            *regulatory_deadlines(
                complaint, rules=FCA_DISP_RULES, calendar=UK, as_of=as_of
            ),
            *service_deadlines(
                complaint, priority=Priority.LOW, profile=NEW_YORK, as_of=as_of
            ),
        )

    expected = evaluate()
    for context in CALLER_CONTEXTS:
        with decimal.localcontext(context):
            assert evaluate() == expected


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        (ServiceTarget, {"unit": "hours"}),
        (
            RegulatoryDeadlineRule,
            {
                **CFPB_RESPONSE.model_dump(exclude={"within"}),
            },
        ),
    ],
    ids=["service-target", "regulatory-rule"],
)
@pytest.mark.parametrize(
    "within",
    [Decimal("1e999999"), Decimal("NaN"), 10**400, 87_841, 0],
    ids=[
        "decimal-huge",
        "decimal-nan",
        "int-10-to-400",
        "over-ten-years",
        "zero",
    ],
)
def test_deadline_lengths_are_bounded(
    kind: type[BaseModel], fields: dict[str, object], within: object
) -> None:
    """A deadline length of zero, or beyond ten years of hours, is refused."""
    base = {"milestone": ComplaintStatus.RESPONDED, **fields}
    with pytest.raises(ValidationError, match="within"):
        kind.model_validate({**base, "within": within})
    assert kind.model_validate({**base, "within": 87_840}).within == 87_840  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "rule",
    ["FREQ=YEARLY;BYEASTER=258", "FREQ=YEARLY;BYEASTER=400"],
    ids=["leaves-the-year-in-2038", "leaves-every-year"],
)
def test_easter_offsets_leaving_the_year_are_refused(rule: str) -> None:
    """A BYEASTER offset that leaves some year is refused when built."""
    with pytest.raises(ValidationError, match="keep BYEASTER offsets inside"):
        BusinessCalendar(holiday_rules=(rule,))


def test_easter_offsets_inside_every_year_are_accepted() -> None:
    """The largest offsets that stay inside every year are accepted."""
    calendar = BusinessCalendar(
        holiday_rules=("FREQ=YEARLY;BYEASTER=257", "FREQ=YEARLY;BYEASTER=-80")
    )
    assert calendar.holidays_in(2038) == {date(2038, 2, 4)}
    assert date(2286, 12, 24) in calendar.holidays_in(2286)


@pytest.mark.parametrize(
    "holidays",
    [None, 5],
    ids=["none", "int"],
)
def test_uk_calendar_needs_an_iterable_of_bank_holidays(
    holidays: object,
) -> None:
    """Bank holidays that are not an iterable of dates raise our error."""
    with pytest.raises(ArgumentTypeError, match="bank_holidays must be an"):
        BusinessCalendar.uk(bank_holidays=holidays)  # type: ignore[arg-type]
