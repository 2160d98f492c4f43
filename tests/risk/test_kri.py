from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import RelationshipState, apply_event
from customer_centric.complaints import PRIMARY_STUDIES, SOURCE_TEXTS
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship import DissatisfactionSignal, FirstPurchase
from customer_centric.risk import (
    CustomerHealthKpi,
    KeyRiskIndicator,
    KpiObservation,
    RiskDirection,
    RiskLevel,
    Trend,
    assess,
    assess_series,
    breach_signal,
    churn_rate,
    complaint_rate,
    customer_health,
    share_unlikely_alive,
    silent_dissatisfaction_share,
)
from strategies import key_risk_indicators, unit_decimals

T0 = datetime(2026, 1, 1, tzinfo=UTC)
CHURN = customer_health(
    CustomerHealthKpi.CHURN_RATE, amber=Decimal("0.10"), red=Decimal("0.15")
)
RETENTION = KeyRiskIndicator(
    name="retention",
    risk="revenue falling as customers leave",
    kpi="retention rate",
    direction=RiskDirection.LOWER_IS_WORSE,
    amber=Decimal("0.90"),
    red=Decimal("0.85"),
    correlation="each lost customer takes V = I x N with them",
    measurement="customers kept / customers at start, monthly",
    data_source="the customer system's account closures",
)


@pytest.mark.parametrize(
    ("kri", "value", "expected"),
    [
        (CHURN, "0.05", RiskLevel.GREEN),
        (CHURN, "0.10", RiskLevel.AMBER),
        (CHURN, "0.1499", RiskLevel.AMBER),
        (CHURN, "0.15", RiskLevel.RED),
        (CHURN, "0.60", RiskLevel.RED),
        (RETENTION, "0.95", RiskLevel.GREEN),
        (RETENTION, "0.90", RiskLevel.AMBER),
        (RETENTION, "0.85", RiskLevel.RED),
        (RETENTION, "0.50", RiskLevel.RED),
    ],
    ids=[
        "churn-green",
        "churn-at-amber",
        "churn-below-red",
        "churn-at-red",
        "churn-far-red",
        "retention-green",
        "retention-at-amber",
        "retention-at-red",
        "retention-far-red",
    ],
)
def test_levels_follow_direction_and_thresholds(
    kri: KeyRiskIndicator, value: str, expected: RiskLevel
):
    """Thresholds are inclusive and flip with the direction."""
    result = assess(kri, Decimal(value))
    assert result.level is expected
    assert result.breached is (expected is not RiskLevel.GREEN)
    assert kri.name in result.reasons[0]


@pytest.mark.parametrize(
    ("direction", "amber", "red"),
    [
        (RiskDirection.HIGHER_IS_WORSE, "0.2", "0.1"),
        (RiskDirection.HIGHER_IS_WORSE, "0.1", "0.1"),
        (RiskDirection.LOWER_IS_WORSE, "0.8", "0.9"),
    ],
    ids=["higher-reversed", "equal", "lower-reversed"],
)
def test_thresholds_in_the_wrong_order_are_rejected(
    direction: RiskDirection, amber: str, red: str
):
    """Amber is below red when higher is worse, above when lower is worse."""
    with pytest.raises(ValidationError, match="wrong order") as info:
        KeyRiskIndicator.model_validate(
            {
                **RETENTION.model_dump(),
                "direction": direction,
                "amber": amber,
                "red": red,
            }
        )
    assert isinstance(info.value.errors()[0]["ctx"]["error"], PolicyError)


@pytest.mark.parametrize(
    "field", ["correlation", "measurement", "data_source", "risk", "kpi"]
)
def test_the_three_properties_are_required(field: str):
    """A KRI must record the risk, KPI and its data's three properties."""
    with pytest.raises(ValidationError, match="none may be blank"):
        KeyRiskIndicator.model_validate({**RETENTION.model_dump(), field: " "})


def test_non_finite_values_are_rejected():
    """NaN thresholds and values are errors."""
    with pytest.raises(ValidationError, match="finite"):
        KeyRiskIndicator.model_validate(
            {**RETENTION.model_dump(), "amber": "NaN"}
        )
    with pytest.raises(InvariantError, match="finite"):
        assess(CHURN, Decimal("Infinity"))
    with pytest.raises(InvariantError, match="timezone-aware"):
        assess(CHURN, Decimal(0), occurred_at=datetime(2026, 1, 1))  # noqa: DTZ001


def series(*values: str) -> list[KpiObservation]:
    """Monthly observations of the given values."""
    return [
        KpiObservation(
            occurred_at=T0 + timedelta(days=30 * i), value=Decimal(v)
        )
        for i, v in enumerate(values)
    ]


@pytest.mark.parametrize(
    ("kri", "values", "trend", "first_breach", "first_red", "worst"),
    [
        (
            CHURN,
            ("0.05", "0.08", "0.12", "0.16"),
            Trend.WORSENING,
            2,
            3,
            RiskLevel.RED,
        ),
        (
            CHURN,
            ("0.16", "0.12", "0.08"),
            Trend.IMPROVING,
            0,
            0,
            RiskLevel.RED,
        ),
        (CHURN, ("0.05", "0.05"), Trend.STABLE, None, None, RiskLevel.GREEN),
        (CHURN, ("0.11",), Trend.UNKNOWN, 0, None, RiskLevel.AMBER),
        (
            RETENTION,
            ("0.95", "0.91", "0.88"),
            Trend.WORSENING,
            2,
            None,
            RiskLevel.AMBER,
        ),
        (
            RETENTION,
            ("0.80", "0.90", "0.99"),
            Trend.IMPROVING,
            0,
            0,
            RiskLevel.RED,
        ),
    ],
    ids=[
        "churn-rising",
        "churn-falling",
        "churn-flat",
        "single-point",
        "retention-falling",
        "retention-recovering",
    ],
)
def test_series_assessment(  # noqa: PLR0917 - pytest passes parameters by name
    kri: KeyRiskIndicator,
    values: tuple[str, ...],
    trend: Trend,
    first_breach: int | None,
    first_red: int | None,
    worst: RiskLevel,
):
    """Trend follows the direction; first breach and first red are found."""
    observations = series(*values)
    result = assess_series(kri, observations)
    assert result.trend is trend
    assert result.worst is worst
    assert result.latest.value == Decimal(values[-1])
    expected_breach = (
        None
        if first_breach is None
        else observations[first_breach].occurred_at
    )
    expected_red = (
        None if first_red is None else observations[first_red].occurred_at
    )
    assert result.first_breach_at == expected_breach
    assert result.first_red_at == expected_red
    assert len(result.assessments) == len(values)


def test_stable_band_absorbs_small_slopes():
    """A slope within the stable band counts as stable."""
    observations = series("0.050", "0.051")
    assert assess_series(CHURN, observations).trend is Trend.WORSENING
    result = assess_series(CHURN, observations, stable_band=Decimal("0.001"))
    assert result.trend is Trend.STABLE
    assert result.slope_per_day is not None
    assert result.slope_per_day == Decimal("0.001") / 30


@pytest.mark.parametrize(
    ("observations", "message"),
    [
        ([], "empty"),
        (series("0.1", "0.2")[::-1], "strictly increasing"),
        (series("0.1") * 2, "strictly increasing"),
    ],
    ids=["empty", "reversed", "duplicate-time"],
)
def test_bad_series_are_rejected(
    observations: list[KpiObservation], message: str
):
    """A series must be non-empty and strictly increasing in time."""
    with pytest.raises(InvariantError, match=message):
        assess_series(CHURN, observations)


def test_negative_stable_band_is_rejected():
    """The stable band cannot be negative."""
    with pytest.raises(InvariantError, match="stable_band"):
        assess_series(CHURN, series("0.1"), stable_band=Decimal(-1))


def test_naive_observation_is_rejected():
    """Observations need timezone-aware times."""
    with pytest.raises(ValidationError):
        KpiObservation(occurred_at=datetime(2026, 1, 1), value=Decimal(1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (complaint_rate, (12, 1500), "0.0080"),
        (complaint_rate, (0, 10), "0.0000"),
        (churn_rate, (130, 1000), "0.1300"),
        (churn_rate, (1, 3), "0.3333"),
    ],
    ids=["complaints", "no-complaints", "churn", "churn-rounded"],
)
def test_customer_health_kpis(
    function: object, args: tuple[int, int], expected: str
):
    """Complaint and churn rates are shares with 4 decimals."""
    part, whole = args
    if function is complaint_rate:
        assert complaint_rate(part, customers=whole) == Decimal(expected)
    else:
        assert churn_rate(part, customers_at_start=whole) == Decimal(expected)


@pytest.mark.parametrize(
    ("part", "whole", "error", "message"),
    [
        (-1, 10, InvariantError, "count from 0"),
        (1, 0, InvariantError, "above 0"),
        (11, 10, InvariantError, "cannot exceed"),
        (1.5, 10, TypeError, "whole number"),
    ],
    ids=["negative", "no-customers", "more-than-base", "float"],
)
def test_rates_reject_bad_counts(
    part: object, whole: int, error: type[Exception], message: str
):
    """Counts must be non-negative whole numbers within the base."""
    with pytest.raises(error, match=message):
        complaint_rate(part, customers=whole)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        churn_rate(part, customers_at_start=whole)  # type: ignore[arg-type]


def test_silent_dissatisfaction_share_from_complaint_rate():
    """Hidden customers over the base, from the complaint-rate assumption."""
    result = silent_dissatisfaction_share(
        10, customers=1000, assumptions=SOURCE_TEXTS
    )
    assert (result.low, result.expected, result.high) == (
        Decimal("0.1567"),
        Decimal("0.1900"),
        Decimal("0.2400"),
    )
    assert "capped" not in result.explanation


def test_silent_dissatisfaction_share_is_capped_by_the_base():
    """Hidden plus complaining customers never exceed the customer base."""
    result = silent_dissatisfaction_share(
        50, customers=100, assumptions=PRIMARY_STUDIES
    )
    assert result.expected == result.high == Decimal("0.5000")
    assert "capped" in result.explanation


@given(
    complaints=st.integers(0, 1_000),
    extra=st.integers(0, 100_000),
)
def test_silent_share_is_an_ordered_probability(complaints: int, extra: int):
    """The silent share is an ordered interval inside [0, 1]."""
    customers = max(complaints + extra, 1)
    result = silent_dissatisfaction_share(
        complaints, customers=customers, assumptions=SOURCE_TEXTS
    )
    assert 0 <= result.low <= result.expected <= result.high <= 1


@pytest.mark.parametrize(
    ("probabilities", "threshold", "expected"),
    [
        ([0.9, 0.2, 0.6, 0.1], 0.3, "0.5000"),
        ([0.3, 0.3], 0.3, "0.0000"),
        ([0.0, 1.0, 0.5], 1.0, "0.6667"),
        (iter([0.1]), 0.5, "1.0000"),
    ],
    ids=["half", "at-threshold-is-alive", "everyone-below-one", "iterator"],
)
def test_share_unlikely_alive(
    probabilities: list[float], threshold: float, expected: str
):
    """The share strictly below the cut-off, from plain probabilities."""
    got = share_unlikely_alive(probabilities, threshold=threshold)
    assert got == Decimal(expected)


@pytest.mark.parametrize(
    ("probabilities", "threshold", "message"),
    [
        ([], 0.5, "empty"),
        ([0.5, 1.2], 0.5, "outside"),
        ([float("nan")], 0.5, "outside"),
        ([0.5], 0.0, "threshold"),
        ([0.5], 1.5, "threshold"),
    ],
    ids=["empty", "above-one", "nan", "zero-threshold", "big-threshold"],
)
def test_share_unlikely_alive_rejects_bad_input(
    probabilities: list[float], threshold: float, message: str
):
    """Probabilities and the cut-off must lie in [0, 1]."""
    with pytest.raises(InvariantError, match=message):
        share_unlikely_alive(probabilities, threshold=threshold)


@given(st.lists(st.floats(0, 1), min_size=1), st.floats(0.01, 1))
def test_share_unlikely_alive_is_a_probability(
    probabilities: list[float], threshold: float
):
    """The share is in [0, 1] and grows with the threshold."""
    low = share_unlikely_alive(probabilities, threshold=threshold / 2)
    high = share_unlikely_alive(probabilities, threshold=threshold)
    assert 0 <= low <= high <= 1


@pytest.mark.parametrize(
    ("value", "score"),
    [("0.05", None), ("0.12", 0.5), ("0.2", 1.0)],
    ids=["green-no-signal", "amber", "red"],
)
def test_breach_signal(value: str, score: float | None):
    """Amber and red become dissatisfaction signals; green does not."""
    graded = assess(CHURN, Decimal(value), occurred_at=T0)
    signal = breach_signal(graded, customer_id="C-1")
    if score is None:
        assert signal is None
    else:
        assert signal == DissatisfactionSignal(
            customer_id="C-1",
            occurred_at=T0,
            score=score,
            source="kri:churn_rate",
        )


def test_breach_signal_errors():
    """A breach needs a time, and scores must be ordered in [0, 1]."""
    graded = assess(CHURN, Decimal("0.5"))
    with pytest.raises(InvariantError, match="no time"):
        breach_signal(graded, customer_id="C-1")
    assert breach_signal(graded, customer_id="C-1", occurred_at=T0)
    with pytest.raises(InvariantError, match="red_score"):
        breach_signal(graded, customer_id="C-1", red_score=1.5)
    with pytest.raises(PolicyError, match="below amber_score"):
        breach_signal(
            graded, customer_id="C-1", amber_score=0.9, red_score=0.5
        )


def test_relationship_engine_accepts_breach_signal():
    """The engine applies a KRI breach as a dissatisfaction signal."""
    state = RelationshipState(customer_id="C-1")
    state = apply_event(
        state,
        FirstPurchase(customer_id="C-1", occurred_at=T0 - timedelta(days=90)),
    ).state
    signal = breach_signal(
        assess(CHURN, Decimal("0.5"), occurred_at=T0), customer_id="C-1"
    )
    assert signal is not None
    outcome = apply_event(state, signal)
    assert outcome.state.last_event_at == T0


@pytest.mark.parametrize("kpi", list(CustomerHealthKpi))
def test_customer_health_kris_record_the_three_properties(
    kpi: CustomerHealthKpi,
):
    """Each ready-made KRI names its risk, KPI and three properties."""
    kri = customer_health(kpi, amber=Decimal("0.1"), red=Decimal("0.2"))
    assert kri.name == kpi.value
    assert kri.direction is RiskDirection.HIGHER_IS_WORSE
    assert all((kri.correlation, kri.measurement, kri.data_source, kri.risk))
    with pytest.raises(ValidationError, match="wrong order"):
        customer_health(kpi, amber=Decimal("0.2"), red=Decimal("0.1"))


@given(key_risk_indicators(), st.lists(unit_decimals, min_size=2))
def test_levels_are_monotone_in_the_worse_direction(
    kri: KeyRiskIndicator, values: list[Decimal]
):
    """A worse value never gets a better level."""
    worse_last = sorted(
        values, reverse=kri.direction is RiskDirection.LOWER_IS_WORSE
    )
    ranks = [kri.level(v).rank for v in worse_last]
    assert ranks == sorted(ranks)


KRI_CALLS = {
    "level-float": (lambda: CHURN.level(0.5), ArgumentTypeError),  # type: ignore[arg-type]
    "level-huge": (lambda: CHURN.level(Decimal("1e999999")), InvariantError),
    "assess-none-indicator": (
        lambda: assess(None, Decimal(0)),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "assess-float": (lambda: assess(CHURN, 0.5), ArgumentTypeError),  # type: ignore[arg-type]
    "assess-text": (lambda: assess(CHURN, "0.5"), ArgumentTypeError),  # type: ignore[arg-type]
    "assess-nan": (lambda: assess(CHURN, Decimal("NaN")), InvariantError),
    "assess-huge": (
        lambda: assess(CHURN, Decimal("1e999999")),
        InvariantError,
    ),
    "assess-huge-int": (lambda: assess(CHURN, 10**400), InvariantError),  # type: ignore[arg-type]
    "assess-at-date": (
        lambda: assess(CHURN, Decimal(0), occurred_at="2026-01-01"),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "series-none": (
        lambda: assess_series(CHURN, None),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "series-text": (
        lambda: assess_series(CHURN, "0.1"),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "series-wrong-element": (
        lambda: assess_series(CHURN, [*series("0.1"), Decimal(1)]),  # type: ignore[list-item]
        ArgumentTypeError,
    ),
    "series-none-indicator": (
        lambda: assess_series(None, series("0.1")),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "series-float-band": (
        lambda: assess_series(CHURN, series("0.1"), stable_band=0.1),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "series-nan-band": (
        lambda: assess_series(
            CHURN, series("0.1"), stable_band=Decimal("NaN")
        ),
        InvariantError,
    ),
    "series-huge-band": (
        lambda: assess_series(
            CHURN, series("0.1"), stable_band=Decimal("1e999999")
        ),
        InvariantError,
    ),
    "rate-huge-count": (
        lambda: complaint_rate(1, customers=10**400),
        InvariantError,
    ),
    "rate-none": (
        lambda: churn_rate(None, customers_at_start=3),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "silent-bogus-channel": (
        lambda: silent_dissatisfaction_share(
            1,
            customers=10,
            assumptions=PRIMARY_STUDIES,
            channel="bogus",  # type: ignore[arg-type]
        ),
        InvariantError,
    ),
    "silent-no-assumptions": (
        lambda: silent_dissatisfaction_share(
            1,
            customers=10,
            assumptions=None,  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
    ),
    "silent-huge": (
        lambda: silent_dissatisfaction_share(
            10**400, customers=10**400, assumptions=PRIMARY_STUDIES
        ),
        InvariantError,
    ),
    "alive-none": (
        lambda: share_unlikely_alive(None, threshold=0.5),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "alive-text-element": (
        lambda: share_unlikely_alive([0.1, "0.2"], threshold=0.5),  # type: ignore[list-item]
        ArgumentTypeError,
    ),
    "alive-none-element": (
        lambda: share_unlikely_alive([None], threshold=0.5),  # type: ignore[list-item]
        ArgumentTypeError,
    ),
    "alive-inf": (
        lambda: share_unlikely_alive([float("inf")], threshold=0.5),
        InvariantError,
    ),
    "alive-huge-int": (
        lambda: share_unlikely_alive([10**400], threshold=0.5),
        InvariantError,
    ),
    "alive-text-threshold": (
        lambda: share_unlikely_alive([0.1], threshold="0.5"),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "alive-snan-threshold": (
        lambda: share_unlikely_alive([0.1], threshold=Decimal("sNaN")),
        InvariantError,
    ),
    "alive-snan-element": (
        lambda: share_unlikely_alive([Decimal("sNaN")], threshold=0.5),
        InvariantError,
    ),
    "alive-nan-threshold": (
        lambda: share_unlikely_alive([0.1], threshold=float("nan")),
        InvariantError,
    ),
    "signal-none": (
        lambda: breach_signal(None, customer_id="C-1"),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "signal-no-customer": (
        lambda: breach_signal(assess(CHURN, Decimal(1)), customer_id=None),  # type: ignore[arg-type]
        ArgumentTypeError,
    ),
    "signal-naive": (
        lambda: breach_signal(
            assess(CHURN, Decimal(1)),
            customer_id="C-1",
            occurred_at=datetime(2026, 1, 1),  # noqa: DTZ001 - the point
        ),
        InvariantError,
    ),
    "signal-text-score": (
        lambda: breach_signal(
            assess(CHURN, Decimal(1), occurred_at=T0),
            customer_id="C-1",
            amber_score="0.5",  # type: ignore[arg-type]
        ),
        ArgumentTypeError,
    ),
    "signal-nan-score": (
        lambda: breach_signal(
            assess(CHURN, Decimal(1), occurred_at=T0),
            customer_id="C-1",
            red_score=float("nan"),
        ),
        InvariantError,
    ),
    "health-bogus-kpi": (
        lambda: customer_health(
            "bogus",  # type: ignore[arg-type]
            amber=Decimal("0.1"),
            red=Decimal("0.2"),
        ),
        InvariantError,
    ),
    "health-huge-red": (
        lambda: customer_health(
            CustomerHealthKpi.CHURN_RATE,
            amber=Decimal("0.1"),
            red=Decimal("1e999999"),
        ),
        ValidationError,
    ),
    "observation-huge": (
        lambda: KpiObservation(occurred_at=T0, value=Decimal("1e999999")),
        ValidationError,
    ),
    "observation-far-past-naive": (
        lambda: KpiObservation(
            occurred_at=datetime(1, 1, 1),  # noqa: DTZ001 - naive on purpose
            value=Decimal(1),
        ),
        ValidationError,
    ),
}


@pytest.mark.parametrize(
    ("call", "error"), list(KRI_CALLS.values()), ids=list(KRI_CALLS)
)
def test_kri_rules_refuse_bad_input_with_our_error(
    call: object, error: type[Exception]
):
    """Wrong types, non-finite or absurd values raise our error."""
    with pytest.raises(error):
        call()  # type: ignore[operator]


def test_customer_health_kri_takes_the_kpi_by_value():
    """A KPI given as its string value selects the same indicator."""
    by_value = customer_health(
        "churn_rate",  # type: ignore[arg-type]
        amber=Decimal("0.10"),
        red=Decimal("0.15"),
    )
    assert by_value == CHURN


def test_share_unlikely_alive_takes_decimals_and_generators():
    """Decimal probabilities and one-pass iterables are counted alike."""
    got = share_unlikely_alive(
        (p for p in [Decimal("0.1"), Decimal("0.9")]), threshold=Decimal("0.5")
    )
    assert got == Decimal("0.5000")


def test_series_across_the_whole_calendar():
    """Observations from year 1 to year 9999 give a finite slope."""
    first = KpiObservation(
        occurred_at=datetime(
            1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=5))
        ),
        value=Decimal("0.01"),
    )
    last = KpiObservation(
        occurred_at=datetime(
            9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))
        ),
        value=Decimal("0.2"),
    )
    result = assess_series(CHURN, [first, last])
    assert result.trend is Trend.WORSENING
    assert result.slope_per_day is not None
    assert result.slope_per_day.is_finite()
    assert result.slope_per_day > 0


def test_series_with_extreme_values_does_not_overflow():
    """The largest and smallest accepted values give a finite slope."""
    values = [Decimal("1e18"), Decimal("-1e18"), Decimal("1e-999999")]
    observations = [
        KpiObservation(occurred_at=T0 + timedelta(microseconds=i), value=v)
        for i, v in enumerate(values)
    ]
    result = assess_series(CHURN, observations)
    assert result.slope_per_day is not None
    assert result.slope_per_day.is_finite()
