"""Exercises the public API for the type checkers; never executed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import assert_type

import numpy as np
import pandas as pd
import polars as pl
from matplotlib.axes import Axes
from numpy.typing import NDArray
from pyspark.sql import DataFrame, SparkSession

import customer_centric as cc
from customer_centric import clv, frames, plot, spark
from customer_centric.cli import main

error: type[ValueError] = cc.exceptions.PolicyError
base: type[cc.exceptions.CustomerCentricError] = cc.exceptions.DataError
not_converged: type[RuntimeError] = cc.exceptions.ConvergenceError
no_extra: type[ImportError] = cc.exceptions.MissingExtraError
caution: type[UserWarning] = cc.exceptions.CustomerCentricWarning

# --- customers and relationships (A1) ---------------------------------------
when = datetime(2025, 1, 1, tzinfo=UTC)
customer: cc.Customer = cc.Customer.from_facts(
    "C-1", is_employee=False, buys_for_resale=True
)
kind_of: cc.CustomerType = customer.type
state: cc.RelationshipState = cc.RelationshipState(
    customer_id=cc.CustomerId("C-1")
)
event: cc.Event = cc.parse_event('{"kind": "interest_shown"}')
purchase = cc.FirstPurchase(customer_id=cc.CustomerId("C-1"), occurred_at=when)
outcome: cc.Outcome = cc.apply_event(state, purchase, policy=cc.DEFAULT_POLICY)
moved: bool = outcome.changed
records: tuple[cc.TransitionRecord, ...] = outcome.records
held: tuple[cc.HeldRule, ...] = outcome.held
loyalty: cc.LoyaltyStage = outcome.state.loyalty
lifecycle: cc.LifecycleStage = outcome.state.lifecycle
actual: bool = outcome.state.is_actual_customer
history: cc.Replay = cc.replay([purchase], on_error="collect")
many: dict[cc.CustomerId, cc.Replay] = cc.replay_many([purchase])
kinds: list[cc.EventKind] = [a.kind for a in cc.available_events(state)]
why: cc.Explanation = cc.explain(state, purchase)
policy: cc.Policy = cc.DEFAULT_POLICY.with_thresholds(client_min_purchases=4)
fingerprint: str = policy.fingerprint
actions: tuple[cc.Action, ...] = cc.recommended_actions(state)
hubspot: cc.HubSpotLifecycleStage = cc.to_hubspot(state)
arts: cc.ArtsRelationshipStage = cc.to_arts(state)
page: str = cc.render_rules(policy)
info: cc.StageInfo = cc.LifecycleStage.WELCOME.info
situational: bool = cc.DepartureReason.NEW_JOB.is_situational
last: cc.TransitionRecord | None = history.last_record("loyalty")
rejected: tuple[cc.Rejection, ...] = history.rejected
checks: tuple[cc.RuleCheck, ...] = why.candidates
why_text: str = why.summary()
rule: cc.Rule = cc.Rule(
    id="custom.rule",
    event="first_purchase",
    dimension="loyalty",
    sources=(cc.LoyaltyStage.PROSPECT,),
    target=cc.LoyaltyStage.CUSTOMER,
    guards=(cc.Guard(metric="purchases", op="at_least", threshold=1),),
    reason="bought_once",
    description="A first purchase makes a prospect a customer.",
)
extended: cc.Policy = cc.Policy.default(supporter=True).with_rules(rule)
trimmed: cc.Policy = extended.without_rules("custom.rule")
thresholds: dict[str, float] = trimmed.thresholds
days: int | None = state.days_in_stage("lifecycle", as_of=when)
profiled = cc.CustomerProfile(pays_for=("advice",))
employee = cc.Customer.from_facts(
    "C-2", is_employee=True, buys_for_resale=False, profile=profiled
)
rank: int = cc.LoyaltyStage.ADVOCATE.rank
optional_rung: bool = cc.LoyaltyStage.SUPPORTER.is_optional
severity_rank: int = cc.Severity.HIGH.rank
event_kinds: tuple[cc.EventKind, ...] = cc.EVENT_KINDS
closed = cc.AccountClosed(
    customer_id=cc.CustomerId("C-1"),
    occurred_at=when,
    reason=cc.DepartureReason.PRICE,
)
signal = cc.DissatisfactionSignal(
    customer_id=cc.CustomerId("C-1"),
    occurred_at=when,
    score=0.8,
    source="survey",
)
parsed: cc.Event = cc.parse_event(closed.model_dump_json())
round_trip: cc.Customer = cc.Customer.model_validate_json(
    customer.model_dump_json()
)

# --- Kano model (D) ----------------------------------------------------------
category: cc.KanoCategory = cc.classify_response(
    cc.KanoAnswer.LIKE, cc.KanoAnswer.DISLIKE, table=cc.POULIOT_TABLE
)
by_code: cc.KanoCategory = cc.STANDARD_TABLE.classify(1, "dislike")
letters: str = cc.STANDARD_TABLE.to_letters()
custom_table: cc.KanoTable = cc.KanoTable.from_letters(
    letters, name="copy", source="Kano et al. (1984)"
)
letter: str = category.letter
source_name: str | None = category.source_name
response = cc.KanoResponse(
    respondent_id="R-1",
    feature="fast delivery",
    functional=cc.KanoAnswer.LIKE,
    dysfunctional=cc.KanoAnswer.DISLIKE,
    importance=4.0,
)
counts: cc.KanoCounts = cc.KanoCounts.from_categories([category, category])
by_feature: dict[str, cc.KanoCounts] = cc.count_responses([response])
share: float | None = counts.share(cc.KanoCategory.ATTRACTIVE)
ranked: tuple[tuple[cc.KanoCategory, int], ...] = counts.ranked()
coefficients: cc.KanoCoefficients = cc.satisfaction_coefficients(counts)
better: float | None = coefficients.better
decision: cc.KanoDecision = cc.decide_category(counts, rule="m_o_a_i")
decision_rule: cc.KanoDecisionRule = decision.rule
significance: cc.KanoSignificance = cc.fong_test(counts, z=cc.FONG_Z)
strengths: tuple[float | None, float | None] = (
    cc.total_strength(counts),
    cc.category_strength(counts),
)
quadrant: cc.KanoCategory | None = cc.better_worse_quadrant(coefficients)
score: cc.KanoScore = cc.continuous_score("like", "dislike")
average: cc.KanoScore = cc.mean_score([score, score])
continuous: cc.KanoCategory = cc.continuous_quadrant(average, midpoint=2.0)
satisfaction: float = cc.satisfaction_curve(
    category, coefficients, fulfilment=0.5
)
functional_scores: float = cc.FUNCTIONAL_SCORES[cc.KanoAnswer.LIKE]
results: tuple[cc.KanoFeatureResult, ...] = cc.analyze_kano(
    [response], rule="total_strength"
)
ranking: tuple[cc.KanoPriority, ...] = cc.prioritize_features(results)
survey_format: cc.KanoSurveyFormat = "json"
survey: cc.KanoSurvey = cc.parse_kano_responses(
    "[]", file_format=survey_format
)
row_errors: tuple[cc.KanoRowError, ...] = survey.errors
from_file: cc.KanoSurvey = cc.read_kano_responses("survey.csv")
need: cc.KanoNeed = cc.KanoNeed(name="wifi").observe(
    cc.KanoCategory.ATTRACTIVE, at=when
)
current: cc.KanoCategory | None = need.current
observations: tuple[cc.KanoObservation, ...] = need.history
rates = cc.KanoDriftRates(indifferent_to_attractive=0.1)
projection: cc.KanoDriftProjection = need.project(at=when, rates=rates)
drift: cc.KanoDriftProjection = cc.project_drift(
    cc.KanoCategory.ATTRACTIVE, years=5.0, rates=cc.NO_DRIFT
)
most_likely: cc.KanoCategory = drift.most_likely
drift_order: tuple[cc.KanoCategory, ...] = cc.DRIFT_ORDER

# --- complaints, triage, deadlines, recovery, KRIs (E) ----------------------
complaint = cc.Complaint(
    complaint_id=cc.ComplaintId("K-1"),
    customer_id=cc.CustomerId("C-1"),
    received_at=when,
    severity=cc.Severity.HIGH,
    channel=cc.ComplaintChannel.EMAIL,
    problem_value=Decimal("120.00"),
)
check: cc.TransitionCheck = cc.check_transition(
    complaint, cc.ComplaintStatus.ACKNOWLEDGED
)
acknowledged: cc.Complaint = cc.advance(
    complaint, cc.ComplaintStatus.ACKNOWLEDGED, at=when, note="on it"
)
changes: tuple[cc.StatusChange, ...] = acknowledged.history
satisfied: bool | None = acknowledged.customer_satisfied
reached: datetime | None = acknowledged.first_reached(
    frozenset({cc.ComplaintStatus.RESPONDED})
)
allowed: frozenset[cc.ComplaintStatus] = cc.COMPLAINT_TRANSITIONS[
    cc.ComplaintStatus.RECEIVED
]
filed: cc.ComplaintFiled = cc.complaint_filed_event(complaint)
resolved_event: cc.ComplaintResolved = cc.complaint_resolved_event(
    acknowledged
)
triaged: cc.Triage = cc.triage(
    complaint,
    customer_value=Decimal(5000),
    policy=cc.TriagePolicy(high_value_threshold=Decimal(1000)),
)
priority: cc.Priority = triaged.priority.raised()
default_triage: cc.TriagePolicy = cc.DEFAULT_TRIAGE_POLICY
calendar: cc.BusinessCalendar = cc.BusinessCalendar.uk(
    bank_holidays=[date(2026, 4, 6)]
)
next_day: date = calendar.add_business_days(date(2026, 4, 2), 1)
profile = cc.ServiceLevelProfile(
    name="standard",
    calendar=calendar,
    targets={
        cc.Priority.HIGH: (
            cc.ServiceTarget(
                milestone=cc.ComplaintStatus.RESPONDED,
                within=2,
                unit="business_days",
            ),
        )
    },
)
service: tuple[cc.Deadline, ...] = cc.service_deadlines(
    complaint, priority=priority, profile=profile, as_of=when
)
regulatory: tuple[cc.Deadline, ...] = cc.regulatory_deadlines(
    complaint, rules=cc.FCA_DISP_RULES, calendar=calendar, as_of=when
)
rule_8_weeks: cc.RegulatoryDeadlineRule = cc.FCA_FINAL_RESPONSE
cfpb: tuple[cc.RegulatoryDeadlineRule, ...] = cc.CFPB_RULES
deadline_status: cc.DeadlineStatus = regulatory[0].status
path: cc.RecoveryPath = cc.recovery_path(
    acknowledged, quick_within=timedelta(days=5), as_of=when
)
assumptions: cc.AssumptionSet = cc.PRIMARY_STUDIES
figures: tuple[tuple[str, cc.Assumption], ...] = assumptions.figures()
overridden: cc.Assumption = assumptions.complaint_rate.override(
    Decimal("0.1"), source="our survey"
)
ours: cc.AssumptionSet = cc.SOURCE_TEXTS.with_figure(
    "complaint_rate", overridden
)
size: cc.ProblemSize = cc.problem_size(
    complaint.problem_value, assumptions=ours
)
hidden: cc.RangeEstimate = cc.hidden_dissatisfied(
    10, assumptions=ours, channel="front_line"
)
mouth: cc.WordOfMouth = cc.word_of_mouth_reach(
    10, recovered=3, assumptions=ours
)
repurchase: cc.RangeEstimate = cc.repurchase_probability(
    path, size, assumptions=ours
)
impact: cc.ComplaintImpact = cc.complaint_impact(
    10,
    path=path,
    size=size,
    assumptions=ours,
    annual_income=Decimal(500),
    years=5,
)
at_risk: cc.RangeEstimate = cc.revenue_at_risk(
    impact.lost_customers, annual_income=Decimal(500), years=Decimal(3)
)
after: cc.RetentionAfterRecovery = cc.retention_after_recovery(
    path, size, assumptions=ours, baseline_retention=Decimal("0.8")
)
paradox: cc.ParadoxAssessment = cc.assess_recovery_paradox(
    minor_failure=True,
    first_failure=True,
    cause_unlikely_to_recur=True,
    outside_firm_control=False,
)
conditions: tuple[cc.ParadoxCondition, ...] = paradox.conditions
win_back_rates = cc.WinBackRates(
    name="ours",
    rates={cc.DepartureReason.PRICE: Decimal("0.3")},
    source="our win-back log",
    enforce_literature_order=False,
)
win_back: cc.WinBackEstimate = cc.win_back_likelihood(
    cc.DepartureReason.PRICE, rates=win_back_rates
)
table_md: str = cc.assumptions_markdown(cc.PRIMARY_STUDIES, cc.SOURCE_TEXTS)
silent: cc.RangeEstimate = cc.silent_dissatisfaction_share(
    10, customers=1000, assumptions=ours
)
kri: cc.KeyRiskIndicator = cc.customer_health_kri(
    cc.CustomerHealthKpi.CHURN_RATE, amber=Decimal("0.05"), red=Decimal("0.1")
)
level: cc.RiskLevel = kri.level(cc.churn_rate(5, customers_at_start=100))
assessment: cc.KriAssessment = cc.assess_kri(
    kri, cc.complaint_rate(3, customers=100), at=when
)
series: cc.KriSeriesAssessment = cc.assess_kri_series(
    kri,
    [cc.KpiObservation(at=when, value=Decimal("0.07"))],
    stable_band=Decimal("0.01"),
)
trend: cc.Trend = series.trend
slope: Decimal | None = series.slope_per_day
alert: cc.DissatisfactionSignal | None = cc.breach_signal(
    assessment, customer_id="C-1", occurred_at=when
)
unlikely: Decimal = cc.share_unlikely_alive([0.1, 0.9], threshold=0.5)
direction: cc.RiskDirection = kri.direction

# --- value, transactions and RFM (B) -----------------------------------------
simple: Decimal = cc.simple_lifetime_value(Decimal(500), years=5)
value: cc.LifetimeValue = cc.lifetime_value(
    Decimal(100),
    retention=Decimal("0.8"),
    discount_rate=Decimal("0.1"),
    period="Y",
    horizon=10,
)
period_values: tuple[cc.PeriodValue, ...] = value.periods
effect: cc.RetentionEffect = cc.retention_effect(
    Decimal(100),
    retention=Decimal("0.8"),
    change=Decimal("0.05"),
    discount_rate=Decimal("0.1"),
    period="Y",
)
relative: Decimal | None = effect.relative_change
cost: cc.CostComparison = cc.retention_vs_acquisition_cost(
    100,
    retention_cost_per_customer=Decimal(20),
    multiple=cc.ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
)
wallet: Decimal = cc.share_of_wallet(
    Decimal(200), category_spend=Decimal(1000)
)
market: Decimal = cc.share_of_market(
    Decimal(200), market_sales=Decimal(10_000)
)
transaction = cc.Transaction(
    customer_id=cc.CustomerId("A"),
    occurred_at=date(2024, 1, 1),
    amount=Decimal("9.99"),
)
transaction_day: date = transaction.day
unit: cc.TimeUnit = "W"
unit_days: float = cc.days_per_unit(unit) + cc.DAYS_PER_UNIT["M"]
late: cc.OnLate = "drop"
summary: cc.RFMSummary = cc.rfm_summary(
    [transaction],
    observation_end=date(2024, 2, 1),
    time_unit=timedelta(days=7),
    on_late=late,
)
frequencies: tuple[int, ...] = summary.frequency
spends: tuple[Decimal, ...] | None = summary.monetary_value
split: cc.CalibrationHoldout = cc.rfm_calibration_holdout(
    [transaction],
    calibration_end=date(2024, 1, 15),
    observation_end=date(2024, 2, 1),
    time_unit=unit,
)
holdout: tuple[int, ...] = split.frequency_holdout
cc.validate_rfm_summary(
    [float(f) for f in summary.frequency],
    summary.recency,
    summary.T,
    customer_ids=summary.customer_ids,
)
money_value: cc.Money = Decimal("1.00")
rate_value: cc.Rate = Decimal("0.5")
money_source: str = cc.ACQUISITION_COST_MULTIPLE_PRIMARY.source

# --- bundled data sets -------------------------------------------------------
cdnow: tuple[cc.Transaction, ...] = cc.load_cdnow_sample()
demo_customers: tuple[cc.Customer, ...] = cc.load_demo_customers()
demo_events: tuple[cc.Event, ...] = cc.load_demo_events()

# --- probabilistic models: customer_centric.clv (C1, C2) ---------------------
x = np.array([0.0, 2.0, 5.0])
t_x = np.array([0.0, 10.0, 30.0])
big_t = np.array([40.0, 40.0, 40.0])

arrays: clv.RFMArrays = clv.validate_rfm(x, t_x, big_t)
compressed: clv.CompressedRFM = clv.compress(x, t_x, big_t)
weights: NDArray[np.float64] = compressed.weights
inverse: NDArray[np.intp] = compressed.inverse

bg: clv.BetaGeoFit = clv.fit_bg_nbd(x, t_x, big_t, weights=None)
p_alive: NDArray[np.float64] = bg.probability_alive(x, t_x, big_t)
expected: NDArray[np.float64] = bg.conditional_expected_purchases(
    10.0, x, t_x, big_t
)
population: NDArray[np.float64] = bg.expected_purchases([1.0, 2.0])
p_n: NDArray[np.float64] = bg.probability_of_purchases(2, 10.0)
params: dict[str, float] = bg.params
vector: NDArray[np.float64] = bg.parameter_vector()
errors: Mapping[str, float] = bg.standard_errors
diagnostics: clv.OptimizerDiagnostics = bg.diagnostics
converged: bool = diagnostics.converged
known: clv.BetaGeoFit = clv.BetaGeoFit.from_parameters(
    r=0.24, alpha=4.41, a=0.79, b=2.43
)
r_param: float = known.r

pareto: clv.ParetoNBDFit = clv.fit_pareto_nbd(x, t_x, big_t)
pareto_alive: NDArray[np.float64] = pareto.probability_alive(x, t_x, big_t)

bb: clv.BetaGeoBetaBinomFit = clv.fit_bg_bb([0, 1, 3], [0, 2, 5], [6, 6, 6])
bb_alive: NDArray[np.float64] = bb.probability_alive(
    [0, 1, 3], [0, 2, 5], [6, 6, 6]
)
bb_residual: NDArray[np.float64] = bb.discounted_expected_residual_purchases(
    0.1, [0, 1, 3], [0, 2, 5], [6, 6, 6]
)

gg: clv.GammaGammaFit = clv.fit_gamma_gamma([1, 2, 5], [20.0, 35.5, 12.0])
spend: NDArray[np.float64] = gg.conditional_expected_spend([1, 2], [20, 35])
mean_spend: float = gg.population_mean_spend

sbg: clv.ShiftedBetaGeometricFit = clv.fit_shifted_beta_geometric(
    [1000, 631, 468, 382, 326]
)
survival: NDArray[np.float64] = sbg.survival([1, 2, 3])
churn: NDArray[np.float64] = sbg.churn_probability([1, 2, 3])
retention: NDArray[np.float64] = sbg.retention_rate([1, 2, 3])
lifetime: float = sbg.discounted_expected_lifetime(0.1)
residual: NDArray[np.float64] = sbg.discounted_expected_residual_lifetime(
    0.1, renewals=[1, 2]
)

model: clv.PurchaseModel = bg
also_model: clv.PurchaseModel = pareto
fitted: clv.FittedModel = gg
monthly: float = clv.monthly_discount_rate(0.1, per="Y")
clv_result: clv.CustomerLifetimeValue = clv.customer_lifetime_value(
    model,
    x,
    t_x,
    big_t,
    spend=gg,
    monetary_value=[0.0, 20.0, 35.0],
    time_unit="W",
    horizon_months=12,
    discount_rate=0.1,
    discount_rate_period="Y",
)
clv_values: NDArray[np.float64] = clv_result.value
scores: clv.CustomerScores = clv.score_customers(
    model, x, t_x, big_t, horizon=52.0, time_unit=timedelta(days=7)
)
score_clv: clv.CustomerLifetimeValue | None = scores.lifetime_value
simulated: clv.RFMArrays = clv.simulate_bg_nbd(
    big_t, r=0.24, alpha=4.41, a=0.79, b=2.43, seed=np.random.default_rng(1)
)

# --- dataframes: customer_centric.frames -------------------------------------
log_pd = pd.DataFrame({"id": ["A"], "day": ["2024-01-01"]})
summary_pd: pd.DataFrame = frames.rfm_summary(
    log_pd,
    customer_id_col="id",
    datetime_col="day",
    observation_end=date(2024, 2, 1),
)
log_pl = pl.DataFrame({"id": ["A"], "day": [date(2024, 1, 1)]})
summary_pl: pl.DataFrame = frames.rfm_summary(
    log_pl,
    customer_id_col="id",
    datetime_col="day",
    observation_end=date(2024, 2, 1),
    time_unit="W",
)
split_pl: pl.DataFrame = frames.rfm_calibration_holdout(
    log_pl,
    customer_id_col="id",
    datetime_col="day",
    calibration_end=date(2024, 1, 15),
    observation_end=date(2024, 2, 1),
)
compressed_pl: pl.DataFrame = frames.compress_rfm(summary_pl)

# --- figures: customer_centric.plot ------------------------------------------
kano_ax: Axes = plot.plot_better_worse(results, threshold=0.5)
matrix_ax: Axes = plot.plot_frequency_recency_matrix(
    bg, t=1.0, T=40.0, max_frequency=10, ax=kano_ax
)
alive_ax: Axes = plot.plot_probability_alive_matrix(
    pareto, T=40.0, max_frequency=10, cmap="magma"
)
period_ax: Axes = plot.plot_period_transactions(bb, [0, 1, 3], [6, 6, 6])
cumulative_ax: Axes = plot.plot_cumulative_transactions(
    bg, [0.0, 1.0], [2.0, 3.5], times=[1.0, 2.0, 3.0, 4.0]
)

# --- Spark and the command line ----------------------------------------------
session = SparkSession.builder.getOrCreate()
# pyspark's own overloads mention pandas types it leaves unknown.
spark_summary: DataFrame = session.createDataFrame(  # pyright: ignore[reportUnknownMemberType]
    [(0.0, 0.0, 40.0)], ["frequency", "recency", "T"]
)
spark_fit: clv.BetaGeoFit = spark.fit_summary(
    spark_summary, fit=clv.fit_bg_nbd
)
spark_scores: DataFrame = spark.score(spark_summary, bg, horizon=52.0)
predictor: spark.PurchasePredictor = bg
command_name: str | None = main.name

# --- results that may be missing (checked exactly, not just assignable) ------
assert_type(cc.better_worse_quadrant(coefficients), cc.KanoCategory | None)
assert_type(cc.total_strength(counts), float | None)
assert_type(counts.share(cc.KanoCategory.MUST_BE), float | None)
assert_type(need.category_at(when), cc.KanoCategory | None)
assert_type(history.last_record("lifecycle"), cc.TransitionRecord | None)
assert_type(why.outcome, cc.Outcome | None)
assert_type(
    why.error,
    cc.exceptions.InvalidTransitionError
    | cc.exceptions.OutOfOrderEventError
    | cc.exceptions.InvariantError
    | None,
)
assert_type(acknowledged.first_reached(frozenset()), datetime | None)
assert_type(
    cc.breach_signal(assessment, customer_id="C-1"),
    cc.DissatisfactionSignal | None,
)
assert_type(series.first_breach_at, datetime | None)
assert_type(effect.relative_change, Decimal | None)
assert_type(summary.monetary_value, tuple[Decimal, ...] | None)
assert_type(transaction.amount, Decimal | None)
assert_type(value.horizon, int | None)
assert_type(scores.lifetime_value, clv.CustomerLifetimeValue | None)
assert_type(bg.probability_alive(0, 0, 1), NDArray[np.float64])
assert_type(
    spark.fit_summary(spark_summary, fit=clv.fit_pareto_nbd), clv.ParetoNBDFit
)
assert_type(cc.parse_event(b"{}"), cc.Event)
assert_type(
    cc.exceptions.MissingExtraError.for_extra("stats", None),
    cc.exceptions.MissingExtraError,
)


def funnel_example(states: list[cc.RelationshipState]) -> None:
    """The funnel API, typed over a list of states."""
    funnel: cc.LoyaltyFunnel = cc.loyalty_funnel(
        states, policy=cc.DEFAULT_POLICY
    )
    rung: cc.FunnelRung = funnel.rungs[0]
    conversion: float | None = funnel.conversion(cc.LoyaltyStage.CLIENT)
    assert_type(rung.reached, int)
    assert_type(plot.plot_loyalty_funnel(funnel), Axes)
    del conversion
