from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import Assumption, Complaint, Severity
from customer_centric.complaints import (
    PRIMARY_STUDIES,
    SOURCE_TEXTS,
    AssumptionSet,
    ComplaintChannel,
    ComplaintStatus,
    ProblemSize,
    RangeEstimate,
    RecoveryPath,
    WinBackRates,
    advance,
    assess_recovery_paradox,
    assumptions_markdown,
    complaint_impact,
    hidden_dissatisfied,
    problem_size,
    recovery_path,
    repurchase_probability,
    retention_after_recovery,
    revenue_at_risk,
    win_back_likelihood,
    word_of_mouth_reach,
)
from customer_centric.exceptions import InvariantError, PolicyError
from customer_centric.relationship import DepartureReason
from customer_centric.value import (
    ACQUISITION_COST_MULTIPLE_PRIMARY,
    ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
)
from strategies import problem_sizes, recovery_paths

DOCS = Path(__file__).resolve().parents[2] / "docs"

P = RecoveryPath
SMALL, MEDIUM, LARGE = ProblemSize.SMALL, ProblemSize.MEDIUM, ProblemSize.LARGE
PRESETS = [SOURCE_TEXTS, PRIMARY_STUDIES]
PRESET_IDS = ["source-texts", "primary-studies"]


def ordered(estimate: RangeEstimate) -> bool:
    """Whether an interval is ordered low <= expected <= high."""
    return estimate.low <= estimate.expected <= estimate.high


# DESIGN.md §1.6, TARP (1986) via Goodman (1999): repurchase intention.
@pytest.mark.parametrize(
    ("path", "small", "large"),
    [
        (P.DID_NOT_COMPLAIN, "0.37", "0.09"),
        (P.COMPLAINED_UNRESOLVED, "0.46", "0.19"),
        (P.COMPLAINED_RESOLVED, "0.70", "0.54"),
        (P.RESOLVED_QUICKLY, "0.95", "0.82"),
    ],
    ids=["did-not-complain", "unresolved", "resolved", "resolved-quickly"],
)
def test_primary_repurchase_table_matches_design(
    path: RecoveryPath, small: str, large: str
):
    """The primary-studies preset holds DESIGN §1.6's table exactly."""
    for size, figure in ((SMALL, small), (LARGE, large)):
        estimate = repurchase_probability(
            path, size, assumptions=PRIMARY_STUDIES
        )
        assert estimate.low == estimate.expected == estimate.high
        assert estimate.expected == Decimal(figure)
        assert "TARP (1986)" in estimate.basis[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal(0), SMALL),
        (Decimal("4.99"), SMALL),
        (Decimal(5), MEDIUM),
        (Decimal(100), MEDIUM),
        (Decimal("100.01"), LARGE),
        (None, MEDIUM),
    ],
    ids=["free", "just-under-5", "five", "hundred", "over-100", "unknown"],
)
def test_problem_size_uses_tarp_bounds(
    value: Decimal | None, expected: ProblemSize
):
    """Under $5 is small, over $100 large, between or unknown medium."""
    assert problem_size(value, assumptions=PRIMARY_STUDIES) is expected


def test_medium_problem_spans_both_columns():
    """A medium problem's interval spans the large and small figures."""
    estimate = repurchase_probability(
        P.COMPLAINED_RESOLVED, MEDIUM, assumptions=PRIMARY_STUDIES
    )
    assert (estimate.low, estimate.expected, estimate.high) == (
        Decimal("0.5400"),
        Decimal("0.6200"),
        Decimal("0.7000"),
    )


@pytest.mark.parametrize(
    ("preset", "complaints", "low", "expected", "high"),
    [
        (SOURCE_TEXTS, 10, "156.67", "190.00", "240.00"),
        (SOURCE_TEXTS, 1, "15.67", "19.00", "24.00"),
        (PRIMARY_STUDIES, 10, "260.00", "260.00", "260.00"),
        (PRIMARY_STUDIES, 0, "0.00", "0.00", "0.00"),
    ],
    ids=["sources-10", "sources-1", "primary-10", "primary-none"],
)
def test_hidden_dissatisfied_table(
    preset: AssumptionSet,
    complaints: int,
    low: str,
    expected: str,
    high: str,
):
    """N complaints at rate r hide N/r - N silent dissatisfied customers."""
    estimate = hidden_dissatisfied(complaints, assumptions=preset)
    assert (estimate.low, estimate.expected, estimate.high) == (
        Decimal(low),
        Decimal(expected),
        Decimal(high),
    )
    assert estimate.unit == "customers"


def test_front_line_complaints_hide_fewer():
    """About half complain to front-line staff: one hidden per complaint."""
    estimate = hidden_dissatisfied(
        10, assumptions=PRIMARY_STUDIES, channel="front_line"
    )
    assert estimate.expected == Decimal("10.00")
    with pytest.raises(PolicyError, match="front_line_complaint_rate"):
        hidden_dissatisfied(10, assumptions=SOURCE_TEXTS, channel="front_line")


@pytest.mark.parametrize(
    ("preset", "unhappy", "recovered", "negative", "positive"),
    [
        (SOURCE_TEXTS, 2, 0, ("20.00", "30.00", "40.00"), ("0.00",) * 3),
        (PRIMARY_STUDIES, 2, 3, ("18.00", "19.00", "20.00"), ("15.00",) * 3),
    ],
    ids=["sources-tell-10-to-20", "primary-tell-9-to-10-recovered-5"],
)
def test_word_of_mouth_table(
    preset: AssumptionSet,
    unhappy: int,
    recovered: int,
    negative: tuple[str, ...],
    positive: tuple[str, ...],
):
    """Unhappy customers tell 9-10 (studies) or 10-20 (sources) people."""
    reach = word_of_mouth_reach(
        unhappy, recovered=recovered, assumptions=preset
    )
    got = reach.negative
    assert (got.low, got.expected, got.high) == tuple(map(Decimal, negative))
    got = reach.positive
    assert (got.low, got.expected, got.high) == tuple(map(Decimal, positive))


def test_recovered_reach_needs_a_figure():
    """The sources have no figure for recovered customers' word of mouth."""
    with pytest.raises(PolicyError, match="recovered_word_of_mouth"):
        word_of_mouth_reach(1, recovered=1, assumptions=SOURCE_TEXTS)


def test_source_texts_know_only_quick_resolution():
    """The sources give 96 % for quick resolution and nothing else."""
    quick = repurchase_probability(
        P.RESOLVED_QUICKLY, LARGE, assumptions=SOURCE_TEXTS
    )
    assert quick.expected == Decimal("0.9600")
    with pytest.raises(PolicyError, match="did_not_complain"):
        repurchase_probability(
            P.DID_NOT_COMPLAIN, SMALL, assumptions=SOURCE_TEXTS
        )


def test_presets_carry_every_source_figure():
    """Each figure of DESIGN §1.6 sits in its preset with its range."""
    assert (
        SOURCE_TEXTS.complaint_rate.low,
        SOURCE_TEXTS.complaint_rate.high,
    ) == (
        Decimal("0.04"),
        Decimal("0.06"),
    )
    assert SOURCE_TEXTS.silent_share.value == Decimal("0.96")
    assert SOURCE_TEXTS.unhappy_word_of_mouth.low == 10
    assert SOURCE_TEXTS.unhappy_word_of_mouth.high == 20
    assert SOURCE_TEXTS.annual_customer_loss.low == Decimal("0.10")
    assert SOURCE_TEXTS.annual_customer_loss.high == Decimal("0.15")
    assert SOURCE_TEXTS.staff_indifference_share.value == Decimal("0.68")
    assert "no study backs it" in SOURCE_TEXTS.staff_indifference_share.note
    assert SOURCE_TEXTS.unsupported == {"staff_indifference_share"}
    assert (
        SOURCE_TEXTS.acquisition_cost_multiple
        is ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS
    )
    assert (
        PRIMARY_STUDIES.acquisition_cost_multiple
        is ACQUISITION_COST_MULTIPLE_PRIMARY
    )
    assert PRIMARY_STUDIES.complaint_rate.value * 27 == pytest.approx(1)
    assert PRIMARY_STUDIES.front_line_complaint_rate.value == Decimal("0.5")
    assert PRIMARY_STUDIES.heavy_talker_share.value == Decimal("0.13")
    assert PRIMARY_STUDIES.recovered_word_of_mouth.value == 5
    for preset in PRESETS:
        for name, figure in preset.figures():
            assert figure.source, name


def test_revenue_at_risk_is_lost_customers_times_v():
    """Revenue at risk = lost customers x I x N, interval kept."""
    lost = RangeEstimate(
        low=Decimal(2),
        expected=Decimal(3),
        high=Decimal(5),
        unit="customers",
        basis=("test",),
        explanation="",
    )
    result = revenue_at_risk(lost, annual_income=Decimal(100), years=4)
    assert (result.low, result.expected, result.high) == (
        Decimal("800.00"),
        Decimal("1200.00"),
        Decimal("2000.00"),
    )
    assert result.basis[-1].startswith("V = I x N")
    with pytest.raises(InvariantError):
        revenue_at_risk(-1, annual_income=Decimal(100), years=4)
    with pytest.raises(InvariantError):
        revenue_at_risk(1, annual_income=Decimal(-100), years=4)


def test_complaint_impact_combines_the_rules():
    """Lost = hidden x (1 - P(silent)) + complainants x (1 - P(path))."""
    impact = complaint_impact(
        10,
        path=P.COMPLAINED_UNRESOLVED,
        size=LARGE,
        assumptions=PRIMARY_STUDIES,
        annual_income=Decimal(500),
        years=2,
    )
    assert impact.hidden_dissatisfied.expected == Decimal("260.00")
    expected_lost = Decimal(260) * Decimal("0.91") + 10 * Decimal("0.81")
    assert impact.lost_customers.expected == expected_lost.quantize(
        Decimal("0.01")
    )
    assert impact.revenue_at_risk.expected == (expected_lost * 1000).quantize(
        Decimal("0.01")
    )


@given(
    complaints=st.integers(0, 10_000),
    path=recovery_paths,
    size=problem_sizes,
    income=st.decimals(0, 10_000, places=2),
    years=st.integers(0, 30),
)
def test_intervals_are_ordered(
    complaints: int,
    path: RecoveryPath,
    size: ProblemSize,
    income: Decimal,
    years: int,
):
    """Every interval the rules return is ordered and non-negative."""
    impact = complaint_impact(
        complaints,
        path=path,
        size=size,
        assumptions=PRIMARY_STUDIES,
        annual_income=income,
        years=years,
    )
    for estimate in (
        impact.hidden_dissatisfied,
        impact.lost_customers,
        impact.revenue_at_risk,
        hidden_dissatisfied(complaints, assumptions=SOURCE_TEXTS),
        word_of_mouth_reach(complaints, assumptions=SOURCE_TEXTS).negative,
    ):
        assert ordered(estimate)
        assert estimate.low >= 0


@given(
    path=recovery_paths,
    size=problem_sizes,
    baseline=st.decimals(0, 1, places=3),
    uplift=st.none() | st.decimals(0, 1, places=3),
)
def test_probabilities_stay_in_unit_interval(
    path: RecoveryPath,
    size: ProblemSize,
    baseline: Decimal,
    uplift: Decimal | None,
):
    """Repurchase and retention are probabilities, retention capped."""
    repurchase = repurchase_probability(
        path, size, assumptions=PRIMARY_STUDIES
    )
    result = retention_after_recovery(
        path,
        size,
        assumptions=PRIMARY_STUDIES,
        baseline_retention=baseline,
        paradox_uplift=uplift,
    )
    for estimate in (repurchase, result.retention):
        assert ordered(estimate)
        assert 0 <= estimate.low <= estimate.high <= 1
    cap = baseline
    if uplift is not None and path.resolved:
        cap = min(Decimal(1), baseline + uplift)
    assert result.retention.high <= cap
    assert result.retention.expected <= repurchase.expected


@pytest.mark.parametrize(
    ("path", "baseline", "uplift", "expected", "capped", "applied"),
    [
        (P.RESOLVED_QUICKLY, "0.80", None, "0.8000", True, False),
        (P.RESOLVED_QUICKLY, "0.99", None, "0.9500", False, False),
        (P.RESOLVED_QUICKLY, "0.80", "0.05", "0.8500", True, True),
        (P.RESOLVED_QUICKLY, "0.90", "0.20", "0.9500", False, True),
        (P.COMPLAINED_UNRESOLVED, "0.80", "0.05", "0.4600", False, False),
        (P.DID_NOT_COMPLAIN, "0.30", None, "0.3000", True, False),
    ],
    ids=[
        "capped-at-baseline",
        "below-baseline-untouched",
        "caller-uplift-raises-cap",
        "uplift-cannot-beat-the-table",
        "uplift-ignored-when-unresolved",
        "silent-capped",
    ],
)
def test_retention_after_recovery_table(  # noqa: PLR0917 - pytest passes parameters by name
    path: RecoveryPath,
    baseline: str,
    uplift: str | None,
    expected: str,
    capped: bool,
    applied: bool,
):
    """Retention is capped at baseline; the paradox only on request."""
    result = retention_after_recovery(
        path,
        SMALL,
        assumptions=PRIMARY_STUDIES,
        baseline_retention=Decimal(baseline),
        paradox_uplift=None if uplift is None else Decimal(uplift),
    )
    assert result.retention.expected == Decimal(expected)
    assert result.capped is capped
    assert result.paradox_applied is applied


@pytest.mark.parametrize(
    ("baseline", "uplift"),
    [(Decimal("1.2"), None), (Decimal("0.8"), Decimal("-0.1"))],
    ids=["baseline-over-one", "negative-uplift"],
)
def test_retention_rejects_rates_outside_unit_interval(
    baseline: Decimal, uplift: Decimal | None
):
    """Baseline and uplift must be rates in [0, 1]."""
    with pytest.raises(InvariantError, match="rate in"):
        retention_after_recovery(
            P.RESOLVED_QUICKLY,
            SMALL,
            assumptions=PRIMARY_STUDIES,
            baseline_retention=baseline,
            paradox_uplift=uplift,
        )


@pytest.mark.parametrize(
    ("flags", "possible"),
    [
        ((True, True, True, True), True),
        ((False, True, True, True), False),
        ((True, False, True, True), False),
        ((True, True, False, True), False),
        ((True, True, True, False), False),
    ],
    ids=[
        "all-four",
        "severe",
        "repeat-failure",
        "likely-to-recur",
        "firm-controlled",
    ],
)
def test_recovery_paradox_needs_all_four_conditions(
    flags: tuple[bool, bool, bool, bool], possible: bool
):
    """Magnini et al. (2007): all four conditions, satisfaction only."""
    minor, first, unstable, uncontrollable = flags
    result = assess_recovery_paradox(
        minor_failure=minor,
        first_failure=first,
        cause_unlikely_to_recur=unstable,
        outside_firm_control=uncontrollable,
    )
    assert result.possible is possible
    assert result.affects == "satisfaction"
    assert [c.met for c in result.conditions] == list(flags)
    assert any("de Matos" in s for s in result.sources)


RATES = WinBackRates(
    name="calibrated",
    source="2025 campaign",
    rates={
        DepartureReason.MOVED_HOME: Decimal("0.35"),
        DepartureReason.NEW_JOB: Decimal("0.30"),
        DepartureReason.PRICE: Decimal("0.40"),
        DepartureReason.SERVICE_FAILURE: Decimal("0.12"),
        DepartureReason.DISSATISFACTION: Decimal("0.08"),
    },
)


@pytest.mark.parametrize(
    ("reason", "probability", "situational"),
    [
        (DepartureReason.MOVED_HOME, "0.35", True),
        (DepartureReason.NEW_JOB, "0.30", True),
        (DepartureReason.PRICE, "0.40", False),
        (DepartureReason.DISSATISFACTION, "0.08", False),
    ],
    ids=["moved-home", "new-job", "price-unconstrained", "dissatisfaction"],
)
def test_win_back_uses_caller_rates(
    reason: DepartureReason, probability: str, situational: bool
):
    """The caller's calibrated rate is returned with its provenance."""
    estimate = win_back_likelihood(reason, rates=RATES)
    assert estimate.probability == Decimal(probability)
    assert estimate.situational is situational
    assert "2025 campaign" in estimate.explanation


def test_win_back_rates_follow_the_literature_order():
    """Situational departures may not be rated below dissatisfied ones."""
    bad = {
        DepartureReason.LIFE_EVENT: Decimal("0.05"),
        DepartureReason.SERVICE_FAILURE: Decimal("0.10"),
    }
    with pytest.raises(ValidationError, match="enforce_literature_order"):
        WinBackRates(name="x", source="y", rates=bad)
    allowed = WinBackRates(
        name="x", source="y", rates=bad, enforce_literature_order=False
    )
    assert win_back_likelihood(
        DepartureReason.LIFE_EVENT, rates=allowed
    ).probability == Decimal("0.05")


def test_win_back_errors():
    """Unknown reasons and rates outside [0, 1] are refused."""
    with pytest.raises(PolicyError, match="no figure for 'competitor'"):
        win_back_likelihood(DepartureReason.COMPETITOR, rates=RATES)
    with pytest.raises(ValidationError, match="rate in"):
        WinBackRates(
            name="x",
            source="y",
            rates={DepartureReason.PRICE: Decimal("1.5")},
        )


T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def closed(after: timedelta, *, satisfied: bool) -> Complaint:
    """A complaint responded to and closed ``after`` receipt."""
    complaint = Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=T0,
        severity=Severity.LOW,
        channel=ComplaintChannel.PHONE,
    )
    complaint = advance(
        complaint, ComplaintStatus.RESPONDED, occurred_at=T0 + after
    )
    return advance(
        complaint,
        ComplaintStatus.CLOSED,
        occurred_at=T0 + after,
        customer_satisfied=satisfied,
    )


@pytest.mark.parametrize(
    ("complaint", "as_of", "expected"),
    [
        (closed(timedelta(hours=2), satisfied=True), 10, P.RESOLVED_QUICKLY),
        (closed(timedelta(days=5), satisfied=True), 10, P.COMPLAINED_RESOLVED),
        (
            closed(timedelta(hours=2), satisfied=False),
            10,
            P.COMPLAINED_UNRESOLVED,
        ),
        (
            closed(timedelta(days=5), satisfied=True),
            3,
            P.COMPLAINED_UNRESOLVED,
        ),
    ],
    ids=["quick", "slow", "closed-unsatisfied", "not-yet-closed-at-as-of"],
)
def test_recovery_path_from_complaint(
    complaint: Complaint, as_of: int, expected: RecoveryPath
):
    """A complaint's path follows its closing, satisfaction and speed."""
    got = recovery_path(
        complaint,
        quick_within=timedelta(days=1),
        as_of=T0 + timedelta(days=as_of),
    )
    assert got is expected


def test_reopened_complaint_is_unresolved():
    """Reopening after closing puts the complaint back to unresolved."""
    complaint = advance(
        closed(timedelta(hours=1), satisfied=True),
        ComplaintStatus.REOPENED,
        occurred_at=T0 + timedelta(days=1),
    )
    assert (
        recovery_path(
            complaint,
            quick_within=timedelta(days=1),
            as_of=T0 + timedelta(days=2),
        )
        is P.COMPLAINED_UNRESOLVED
    )
    with pytest.raises(InvariantError, match="timezone-aware"):
        recovery_path(
            complaint,
            quick_within=timedelta(days=1),
            as_of=datetime(2026, 3, 5),  # noqa: DTZ001
        )
    with pytest.raises(InvariantError, match="quick_within"):
        recovery_path(complaint, quick_within=timedelta(-1), as_of=T0)


@pytest.mark.parametrize(
    ("count", "error"),
    [(-1, InvariantError), (True, TypeError), (2.5, TypeError)],
    ids=["negative", "bool", "float"],
)
def test_counts_must_be_whole_and_non_negative(
    count: object, error: type[Exception]
):
    """Complaint and customer counts are non-negative whole numbers."""
    with pytest.raises(error):
        hidden_dissatisfied(count, assumptions=PRIMARY_STUDIES)  # type: ignore[arg-type]
    with pytest.raises(error):
        word_of_mouth_reach(count, assumptions=PRIMARY_STUDIES)  # type: ignore[arg-type]


def test_problem_size_rejects_negative_value():
    """A negative problem value is an error."""
    with pytest.raises(InvariantError):
        problem_size(Decimal(-1), assumptions=PRIMARY_STUDIES)


def share(name: str, value: str, unit: str = "share") -> Assumption:
    """A bare assumption for building sets in tests."""
    return Assumption(name=name, value=Decimal(value), unit=unit, source="t")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {
                "complaint_rate": {
                    "name": "complaint_rate",
                    "value": "1.5",
                    "unit": "share",
                    "source": "t",
                }
            },
            "must be a fraction in",
        ),
        (
            {"complaint_rate": share("complaint_rate", "50", "people")},
            "complaint_rate must be in unit 'share'",
        ),
        (
            {"unhappy_word_of_mouth": share("told", "0.5")},
            "unhappy_word_of_mouth must be in unit 'people'",
        ),
        (
            {
                "repurchase": {
                    "resolved_quickly": {"small": share("r", "80", "people")}
                }
            },
            "resolved_quickly.small must be in unit 'share'",
        ),
        ({"complaint_rate": share("complaint_rate", "0")}, "above 0"),
        (
            {"small_problem_max": share("s", "200", "money")},
            "must be below large_problem_min",
        ),
        ({"unsupported": frozenset({"nonsense"})}, "no such figures"),
        (
            {
                "repurchase": {
                    "resolved_quickly": {"medium": share("m", "0.5")}
                }
            },
            "only 'small' and 'large'",
        ),
    ],
    ids=[
        "rate-over-one",
        "rate-in-people",
        "word-of-mouth-as-share",
        "repurchase-in-people",
        "zero-rate",
        "size-bounds-reversed",
        "unknown-unsupported",
        "medium-cell",
    ],
)
def test_bad_assumption_sets_are_rejected(
    change: dict[str, object], message: str
):
    """An assumption set whose figures cannot work is refused."""
    with pytest.raises(ValidationError, match=message):
        AssumptionSet.model_validate({**dict(PRIMARY_STUDIES), **change})


def test_with_figure_overrides_one_figure():
    """with_figure swaps one figure and keeps the rest."""
    mine = SOURCE_TEXTS.with_figure(
        "complaint_rate",
        SOURCE_TEXTS.complaint_rate.override(Decimal("0.1"), source="survey"),
    )
    assert hidden_dissatisfied(1, assumptions=mine).expected == Decimal("9.00")
    assert mine.unhappy_word_of_mouth == SOURCE_TEXTS.unhappy_word_of_mouth
    with pytest.raises(PolicyError, match="not a figure"):
        SOURCE_TEXTS.with_figure("repurchase", SOURCE_TEXTS.complaint_rate)


@pytest.mark.parametrize("preset", PRESETS, ids=PRESET_IDS)
def test_presets_round_trip_json(preset: AssumptionSet):
    """Presets are records: JSON in and out unchanged."""
    assert (
        AssumptionSet.model_validate_json(preset.model_dump_json()) == preset
    )


def test_assumption_table_marks_gaps_and_unsupported_figures():
    """The side-by-side table shows dashes and the † mark."""
    table = assumptions_markdown(SOURCE_TEXTS, PRIMARY_STUDIES)
    assert "| defections due to staff indifference | 68 % † | — |" in table
    assert "| repurchase: did not complain, problem < $5 | — | 37 % |" in table
    assert (
        "| acquisition cost / retention cost | 3× (3–30×) | 5× (2–20×) |"
        in (table)
    )


def test_docs_page_shows_the_presets_as_rendered():
    """docs/complaints.md embeds assumptions_markdown's current output."""
    page = (DOCS / "complaints.md").read_text(encoding="utf-8")
    start = "<!-- recovery-assumptions -->\n"
    end = "\n<!-- /recovery-assumptions -->"
    shown = page[page.index(start) + len(start) : page.index(end)]
    assert shown == assumptions_markdown(SOURCE_TEXTS, PRIMARY_STUDIES)
