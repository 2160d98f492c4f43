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
illegal: type[ValueError] = cc.exceptions.InvalidTransitionError
illegal_event: type[cc.exceptions.InvalidTransitionError] = (
    cc.exceptions.EventTransitionError
)
illegal_move: type[cc.exceptions.InvalidTransitionError] = (
    cc.exceptions.ComplaintTransitionError
)

# --- customers and relationships (A1) ---------------------------------------
when = datetime(2025, 1, 1, tzinfo=UTC)
customer: cc.Customer = cc.Customer.from_facts(
    "C-1", is_employee=False, buys_for_resale=True
)
kind_of: cc.CustomerType = customer.type
state: cc.RelationshipState = cc.RelationshipState(
    customer_id=cc.CustomerId("C-1")
)
event: cc.Event = cc.relationship.parse_event('{"kind": "interest_shown"}')
purchase = cc.relationship.FirstPurchase(
    customer_id=cc.CustomerId("C-1"), occurred_at=when
)
outcome: cc.relationship.Outcome = cc.apply_event(
    state, purchase, policy=cc.relationship.DEFAULT_POLICY
)
moved: bool = outcome.changed
records: tuple[cc.relationship.TransitionRecord, ...] = outcome.records
held: tuple[cc.relationship.HeldRule, ...] = outcome.held
loyalty: cc.LoyaltyStage = outcome.state.loyalty
lifecycle: cc.LifecycleStage = outcome.state.lifecycle
actual: bool = outcome.state.is_actual_customer
history: cc.relationship.Replay = cc.replay([purchase], on_error="collect")
many: dict[cc.CustomerId, cc.relationship.Replay] = (
    cc.relationship.replay_many([purchase])
)
kinds: list[cc.relationship.EventKind] = [
    a.kind for a in cc.relationship.available_events(state)
]
why: cc.relationship.Explanation = cc.relationship.explain(state, purchase)
policy: cc.relationship.Policy = (
    cc.relationship.DEFAULT_POLICY.with_thresholds(client_min_purchases=4)
)
tried: tuple[cc.relationship.Rule, ...] = policy.rules_for(
    "repeat_purchase", cc.LoyaltyStage.CUSTOMER
)
fingerprint: str = policy.fingerprint
policy_text: str = policy.to_toml()
same_policy: cc.relationship.Policy = cc.relationship.Policy.from_toml(
    policy_text
)
kept_policy: cc.relationship.Policy = cc.relationship.load_policy("a.toml")
what_if: cc.relationship.PolicyComparison = cc.relationship.compare_policies(
    [purchase], current=cc.relationship.DEFAULT_POLICY, proposed=policy
)
moved_loyalty: cc.relationship.StageMatrix = what_if.matrix("loyalty")
first_change: tuple[cc.relationship.Divergence, ...] = what_if.divergences
what_if_text: str = what_if.report(limit=5)
actions: tuple[cc.relationship.Action, ...] = (
    cc.relationship.recommended_actions(state)
)
reason: str = cc.relationship.reason_label("repeat_buyer")
hubspot: cc.relationship.HubSpotLifecycleStage = cc.relationship.to_hubspot(
    state
)
arts: cc.relationship.ArtsRelationshipStage = cc.relationship.to_arts(state)
page: str = cc.relationship.render_rules(policy)
info: cc.relationship.StageInfo = cc.LifecycleStage.WELCOME.info
situational: bool = cc.relationship.DepartureReason.NEW_JOB.is_situational
last: cc.relationship.TransitionRecord | None = history.last_record("loyalty")
rejected: tuple[cc.relationship.Rejection, ...] = history.rejected
checks: tuple[cc.relationship.RuleCheck, ...] = why.candidates
why_text: str = why.summary()
rule: cc.relationship.Rule = cc.relationship.Rule(
    id="custom.rule",
    event="first_purchase",
    dimension="loyalty",
    sources=(cc.LoyaltyStage.PROSPECT,),
    target=cc.LoyaltyStage.CUSTOMER,
    guards=(
        cc.relationship.Guard(metric="purchases", op="at_least", threshold=1),
    ),
    reason_code="bought_once",
    description="A first purchase makes a prospect a customer.",
)
extended: cc.relationship.Policy = cc.relationship.Policy.default(
    supporter=True
).with_rules(rule)
trimmed: cc.relationship.Policy = extended.without_rules("custom.rule")
thresholds: dict[str, float] = trimmed.thresholds
days: int | None = state.days_in_stage("lifecycle", as_of=when)
profiled = cc.CustomerProfile(pays_for=("advice",))
employee = cc.Customer.from_facts(
    "C-2", is_employee=True, buys_for_resale=False, profile=profiled
)
rank: int = cc.LoyaltyStage.ADVOCATE.rank
optional_rung: bool = cc.LoyaltyStage.SUPPORTER.is_optional
severity_rank: int = cc.Severity.HIGH.rank
event_kinds: tuple[cc.relationship.EventKind, ...] = (
    cc.relationship.EVENT_KINDS
)
closed = cc.relationship.AccountClosed(
    customer_id=cc.CustomerId("C-1"),
    occurred_at=when,
    reason=cc.relationship.DepartureReason.PRICE,
)
signal = cc.relationship.DissatisfactionSignal(
    customer_id=cc.CustomerId("C-1"),
    occurred_at=when,
    score=0.8,
    source="survey",
)
parsed: cc.Event = cc.relationship.parse_event(closed.model_dump_json())
round_trip: cc.Customer = cc.Customer.model_validate_json(
    customer.model_dump_json()
)

# --- Kano model (D) ----------------------------------------------------------
category: cc.kano.KanoCategory = cc.kano.classify_response(
    cc.kano.KanoAnswer.LIKE,
    cc.kano.KanoAnswer.DISLIKE,
    table=cc.kano.POULIOT_TABLE,
)
by_code: cc.kano.KanoCategory = cc.kano.STANDARD_TABLE.classify(1, "dislike")
letters: str = cc.kano.STANDARD_TABLE.to_letters()
custom_table: cc.kano.KanoTable = cc.kano.KanoTable.from_letters(
    letters, name="copy", source="Kano et al. (1984)"
)
letter: str = category.letter
source_name: str | None = category.source_name
response = cc.kano.KanoResponse(
    respondent_id="R-1",
    feature="fast delivery",
    functional=cc.kano.KanoAnswer.LIKE,
    dysfunctional=cc.kano.KanoAnswer.DISLIKE,
    importance=4.0,
)
counts: cc.kano.KanoCounts = cc.kano.KanoCounts.from_categories(
    [category, category]
)
by_feature: dict[str, cc.kano.KanoCounts] = cc.kano.count_responses([response])
share: float | None = counts.share(cc.kano.KanoCategory.ATTRACTIVE)
ranked: tuple[tuple[cc.kano.KanoCategory, int], ...] = counts.ranked()
coefficients: cc.kano.KanoCoefficients = cc.kano.satisfaction_coefficients(
    counts
)
better: float | None = coefficients.better
decision: cc.kano.KanoDecision = cc.kano.decide_category(
    counts, rule="m_o_a_i"
)
decision_rule: cc.kano.KanoDecisionRule = decision.rule
significance: cc.kano.KanoSignificance = cc.kano.fong_test(
    counts, z=cc.kano.FONG_Z
)
strengths: tuple[float | None, float | None] = (
    cc.kano.total_strength(counts),
    cc.kano.category_strength(counts),
)
quadrant: cc.kano.KanoCategory | None = cc.kano.better_worse_quadrant(
    coefficients
)
score: cc.kano.KanoScore = cc.kano.continuous_score("like", "dislike")
average: cc.kano.KanoScore = cc.kano.mean_score([score, score])
continuous: cc.kano.KanoCategory = cc.kano.continuous_quadrant(
    average, midpoint=2.0
)
satisfaction: float = cc.kano.satisfaction_curve(
    category, coefficients, fulfilment=0.5
)
functional_scores: float = cc.kano.FUNCTIONAL_SCORES[cc.kano.KanoAnswer.LIKE]
results: tuple[cc.kano.KanoFeatureResult, ...] = cc.kano.analyze(
    [response], rule="total_strength"
)
ranking: tuple[cc.kano.KanoPriority, ...] = cc.kano.prioritize_features(
    results
)
from_counts: cc.kano.KanoFeatureResult = cc.kano.KanoFeatureResult.from_counts(
    "radio",
    cc.kano.KanoCounts(attractive=2),
    mean_score=cc.kano.KanoScore(functional=4.0, dysfunctional=0.0),
    rule="m_o_a_i",
)
survey_format: cc.kano.KanoSurveyFormat = "json"
survey: cc.kano.KanoSurvey = cc.kano.parse_responses(
    "[]", file_format=survey_format
)
row_errors: tuple[cc.kano.KanoRowError, ...] = survey.errors
from_file: cc.kano.KanoSurvey = cc.kano.read_responses("survey.csv")
need: cc.KanoNeed = cc.KanoNeed(name="wifi").observe(
    cc.kano.KanoCategory.ATTRACTIVE, occurred_at=when
)
current: cc.kano.KanoCategory | None = need.current
observations: tuple[cc.kano.KanoObservation, ...] = need.history
rates = cc.kano.KanoDriftRates(indifferent_to_attractive=0.1)
projection: cc.kano.KanoDriftProjection = need.project(as_of=when, rates=rates)
kano_intervals: cc.kano.KanoCoefficientIntervals = (
    cc.kano.coefficient_intervals(counts, confidence=0.9)
)
interval_method: cc.kano.KanoIntervalMethod = kano_intervals.method
better_interval: cc.kano.KanoInterval | None = kano_intervals.better
resampled: cc.kano.KanoBootstrap = cc.kano.bootstrap(
    counts, seed=2024, n_resamples=cc.kano.DEFAULT_RESAMPLES
)
stability: tuple[tuple[cc.kano.KanoCategory, float], ...] = resampled.stability
stable_share: float = resampled.share(cc.kano.KanoCategory.ATTRACTIVE)
every_feature: dict[str, cc.kano.KanoBootstrap] = cc.kano.bootstrap_features(
    by_feature, seed=1, rule="m_o_a_i"
)
width: float = cc.kano.interval_width(200, share=0.3)
needed: int = cc.kano.respondents_for_width(0.1)
by_segment: dict[str, dict[str, cc.kano.KanoCounts]] = cc.kano.segment_counts(
    [response], segments={"R-1": "young"}
)
segment_result: cc.kano.KanoSegmentTest = cc.kano.segment_test(
    by_segment["fast delivery"]
)
difference: cc.kano.KanoDifference = cc.kano.coefficient_difference(
    counts, counts
)
kept: cc.kano.KanoCounts = cc.kano.drop_categories(
    counts, categories=[cc.kano.KanoCategory.QUESTIONABLE]
)
drift: cc.kano.KanoDriftProjection = cc.kano.project_drift(
    cc.kano.KanoCategory.ATTRACTIVE, years=5.0, rates=cc.kano.NO_DRIFT
)
most_likely: cc.kano.KanoCategory = drift.most_likely
drift_order: tuple[cc.kano.KanoCategory, ...] = cc.kano.DRIFT_ORDER

# --- complaints, triage, deadlines, recovery, KRIs (E) ----------------------
complaint = cc.Complaint(
    complaint_id=cc.ComplaintId("K-1"),
    customer_id=cc.CustomerId("C-1"),
    received_at=when,
    severity=cc.Severity.HIGH,
    channel=cc.complaints.ComplaintChannel.EMAIL,
    problem_value=Decimal("120.00"),
)
check: cc.complaints.TransitionCheck = cc.complaints.check_transition(
    complaint, cc.complaints.ComplaintStatus.ACKNOWLEDGED
)
acknowledged: cc.Complaint = cc.complaints.advance(
    complaint,
    cc.complaints.ComplaintStatus.ACKNOWLEDGED,
    occurred_at=when,
    note="on it",
)
changes: tuple[cc.complaints.StatusChange, ...] = acknowledged.history
satisfied: bool | None = acknowledged.customer_satisfied
reached: datetime | None = acknowledged.first_reached(
    frozenset({cc.complaints.ComplaintStatus.RESPONDED})
)
allowed: frozenset[cc.complaints.ComplaintStatus] = (
    cc.complaints.COMPLAINT_TRANSITIONS[cc.complaints.ComplaintStatus.RECEIVED]
)
filed: cc.relationship.ComplaintFiled = cc.complaints.filed_event(complaint)
resolved_event: cc.relationship.ComplaintResolved = (
    cc.complaints.resolved_event(acknowledged)
)
triaged: cc.complaints.Triage = cc.complaints.triage(
    complaint,
    customer_value=Decimal(5000),
    policy=cc.complaints.TriagePolicy(high_value_threshold=Decimal(1000)),
)
priority: cc.complaints.Priority = triaged.priority.raised()
default_triage: cc.complaints.TriagePolicy = (
    cc.complaints.DEFAULT_TRIAGE_POLICY
)
calendar: cc.complaints.BusinessCalendar = cc.complaints.BusinessCalendar.uk(
    bank_holidays=[date(2026, 4, 6)]
)
next_day: date = calendar.add_business_days(date(2026, 4, 2), 1)
profile = cc.complaints.ServiceLevelProfile(
    name="standard",
    calendar=calendar,
    targets={
        cc.complaints.Priority.HIGH: (
            cc.complaints.ServiceTarget(
                milestone=cc.complaints.ComplaintStatus.RESPONDED,
                within=2,
                unit="business_days",
            ),
        )
    },
)
service: tuple[cc.complaints.Deadline, ...] = cc.complaints.service_deadlines(
    complaint, priority=priority, profile=profile, as_of=when
)
regulatory: tuple[cc.complaints.Deadline, ...] = (
    cc.complaints.regulatory_deadlines(
        complaint,
        rules=cc.complaints.FCA_DISP_RULES,
        calendar=calendar,
        as_of=when,
    )
)
rule_8_weeks: cc.complaints.RegulatoryDeadlineRule = (
    cc.complaints.FCA_FINAL_RESPONSE
)
cfpb: tuple[cc.complaints.RegulatoryDeadlineRule, ...] = (
    cc.complaints.CFPB_RULES
)
deadline_status: cc.complaints.DeadlineStatus = regulatory[0].status
path: cc.complaints.RecoveryPath = cc.complaints.recovery_path(
    acknowledged, quick_within=timedelta(days=5), as_of=when
)
assumptions: cc.complaints.AssumptionSet = cc.complaints.PRIMARY_STUDIES
figures: tuple[tuple[str, cc.Assumption], ...] = assumptions.figures()
overridden: cc.Assumption = assumptions.complaint_rate.override(
    Decimal("0.1"), source="our survey"
)
ours: cc.complaints.AssumptionSet = cc.complaints.SOURCE_TEXTS.with_figure(
    "complaint_rate", overridden
)
size: cc.complaints.ProblemSize = cc.complaints.problem_size(
    complaint.problem_value, assumptions=ours
)
hidden: cc.complaints.RangeEstimate = cc.complaints.hidden_dissatisfied(
    10, assumptions=ours, channel="front_line"
)
mouth: cc.complaints.WordOfMouth = cc.complaints.word_of_mouth_reach(
    10, recovered=3, assumptions=ours
)
repurchase: cc.complaints.RangeEstimate = cc.complaints.repurchase_probability(
    path, size, assumptions=ours
)
impact: cc.complaints.ComplaintImpact = cc.complaints.complaint_impact(
    10,
    path=path,
    size=size,
    assumptions=ours,
    annual_income=Decimal(500),
    years=5,
)
at_risk: cc.complaints.RangeEstimate = cc.complaints.revenue_at_risk(
    impact.lost_customers, annual_income=Decimal(500), years=Decimal(3)
)
after: cc.complaints.RetentionAfterRecovery = (
    cc.complaints.retention_after_recovery(
        path, size, assumptions=ours, baseline_retention=Decimal("0.8")
    )
)
paradox: cc.complaints.ParadoxAssessment = (
    cc.complaints.assess_recovery_paradox(
        minor_failure=True,
        first_failure=True,
        cause_unlikely_to_recur=True,
        outside_firm_control=False,
    )
)
conditions: tuple[cc.complaints.ParadoxCondition, ...] = paradox.conditions
win_back_rates = cc.complaints.WinBackRates(
    name="ours",
    rates={cc.relationship.DepartureReason.PRICE: Decimal("0.3")},
    source="our win-back log",
    enforce_literature_order=False,
)
win_back: cc.complaints.WinBackEstimate = cc.complaints.win_back_likelihood(
    cc.relationship.DepartureReason.PRICE, rates=win_back_rates
)
table_md: str = cc.complaints.assumptions_markdown(
    cc.complaints.PRIMARY_STUDIES, cc.complaints.SOURCE_TEXTS
)
silent: cc.complaints.RangeEstimate = cc.risk.silent_dissatisfaction_share(
    10, customers=1000, assumptions=ours
)
kri: cc.risk.KeyRiskIndicator = cc.risk.customer_health(
    cc.risk.CustomerHealthKpi.CHURN_RATE,
    amber=Decimal("0.05"),
    red=Decimal("0.1"),
)
level: cc.risk.RiskLevel = kri.level(
    cc.risk.churn_rate(5, customers_at_start=100)
)
assessment: cc.risk.KriAssessment = cc.risk.assess(
    kri, cc.risk.complaint_rate(3, customers=100), occurred_at=when
)
series: cc.risk.KriSeriesAssessment = cc.risk.assess_series(
    kri,
    [cc.risk.KpiObservation(occurred_at=when, value=Decimal("0.07"))],
    stable_band=Decimal("0.01"),
)
trend: cc.risk.Trend = series.trend
slope: Decimal | None = series.slope_per_day
alert: cc.relationship.DissatisfactionSignal | None = cc.risk.breach_signal(
    assessment, customer_id="C-1", occurred_at=when
)
unlikely: Decimal = cc.risk.share_unlikely_alive([0.1, 0.9], threshold=0.5)
direction: cc.risk.RiskDirection = kri.direction
health_card: cc.risk.Scorecard = cc.risk.Scorecard(
    name="retail",
    version=1,
    profile=cc.risk.HealthProfile(
        groups=(
            cc.risk.MeasureGroup(
                name="usage",
                measures=(
                    cc.risk.Measure(
                        name="logins",
                        direction=cc.risk.RiskDirection.LOWER_IS_WORSE,
                        amber=8,
                        red=3,
                    ),
                ),
            ),
        ),
        combine="worst_of",
        missing="red",
    ),
)
loaded_card: cc.risk.Scorecard = cc.risk.Scorecard.from_toml("name = 'x'")
card_profile: tuple[str, cc.risk.HealthProfile] = health_card.profile_for(
    cc.LifecycleStage.WELCOME
)
health: cc.risk.HealthScore = cc.risk.score_health(
    {"logins": 5, "nps": 2.5, "tickets": None, "spend": Decimal(3)},
    card=health_card,
    as_of=when,
    stage="welcome",
    history=[
        cc.risk.HealthSnapshot(
            as_of=when - timedelta(days=30),
            score=80.0,
            band=cc.risk.RiskLevel.GREEN,
        )
    ],
    stable_within=2.0,
)
health_parts: tuple[cc.risk.MeasureScore, ...] = health.measures
health_reason: str = health_parts[0].reason
health_trend: cc.risk.Trend = health.trend
stored_health: cc.risk.HealthSnapshot = health.snapshot()
health_alert: cc.relationship.DissatisfactionSignal | None = (
    cc.risk.health_signal(health, customer_id="C-1", score=0.9)
)
from_state: dict[str, float | None] = cc.risk.state_measures(
    cc.RelationshipState(customer_id=cc.CustomerId("C-1")), as_of=when
)
from_complaints: dict[str, float | None] = cc.risk.complaint_measures(
    [], as_of=when, window_days=90
)
scored_base: pl.DataFrame = frames.score_health(
    pl.DataFrame({"logins": [5.0]}), card=health_card
)

# --- value, transactions and RFM (B) -----------------------------------------
simple: Decimal = cc.value.simple_lifetime_value(Decimal(500), years=5)
value: cc.value.LifetimeValue = cc.value.lifetime_value(
    Decimal(100),
    retention=Decimal("0.8"),
    discount_rate=Decimal("0.1"),
    time_unit="Y",
    horizon=10,
)
period_values: tuple[cc.value.PeriodValue, ...] = value.periods
effect: cc.value.RetentionEffect = cc.value.retention_effect(
    Decimal(100),
    retention=Decimal("0.8"),
    change=Decimal("0.05"),
    discount_rate=Decimal("0.1"),
    time_unit="Y",
)
relative: Decimal | None = effect.relative_change
cost: cc.value.CostComparison = cc.value.retention_vs_acquisition_cost(
    100,
    retention_cost_per_customer=Decimal(20),
    multiple=cc.value.ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
)
wallet: Decimal = cc.value.share_of_wallet(
    Decimal(200), category_spend=Decimal(1000)
)
market: Decimal = cc.value.share_of_market(
    Decimal(200), market_sales=Decimal(10_000)
)
transaction = cc.Transaction(
    customer_id=cc.CustomerId("A"),
    occurred_at=date(2024, 1, 1),
    amount=Decimal("9.99"),
)
transaction_day: date = transaction.day
unit: cc.value.TimeUnit = "W"
unit_days: float = cc.value.days_per_unit(unit) + cc.value.DAYS_PER_UNIT["M"]
late: cc.value.OnLate = "drop"
summary: cc.value.RFMSummary = cc.value.rfm_summary(
    [transaction],
    observation_end=date(2024, 2, 1),
    time_unit=timedelta(days=7),
    on_late=late,
)
frequencies: tuple[int, ...] = summary.frequency
rfm: cc.value.RFMScores = cc.value.rfm_scores(
    summary, bins=4, frequency_breaks=[0.0, 1.0, 3.0]
)
rfm_cells: tuple[tuple[int, int, int], ...] = rfm.cells()
scored: tuple[int, ...] = cc.value.quantile_scores(
    [1.0, 2.0], bins=2, higher_is_better=False
)
rules: tuple[cc.value.SegmentRule, ...] = cc.value.DEFAULT_SEGMENT_RULES
segmented: cc.value.RFMSegments = cc.value.rfm_segments(rfm, rules=rules)
segment_counts: dict[str, int] = segmented.counts()
rung: cc.LoyaltyStage = cc.value.segment_loyalty(
    cc.value.OTHERS, mapping=cc.value.SEGMENT_LOYALTY
)
spends: tuple[Decimal, ...] | None = summary.monetary_value
split: cc.value.CalibrationHoldout = cc.value.rfm_calibration_holdout(
    [transaction],
    calibration_end=date(2024, 1, 15),
    observation_end=date(2024, 2, 1),
    time_unit=unit,
)
holdout: tuple[int, ...] = split.frequency_holdout
cc.value.validate_rfm_summary(
    [float(f) for f in summary.frequency],
    summary.recency,
    summary.T,
    customer_ids=summary.customer_ids,
)
money_value: cc.Money = Decimal("1.00")
rate_value: cc.Rate = Decimal("0.5")
money_source: str = cc.value.ACQUISITION_COST_MULTIPLE_PRIMARY.source

# --- bundled data sets -------------------------------------------------------
cdnow: tuple[cc.Transaction, ...] = cc.datasets.load_cdnow_sample()
demo_customers: tuple[cc.Customer, ...] = cc.datasets.load_demo_customers()
demo_events: tuple[cc.Event, ...] = cc.datasets.load_demo_events()

# --- probabilistic models: customer_centric.clv (C1, C2) ---------------------
x = np.array([0.0, 2.0, 5.0])
t_x = np.array([0.0, 10.0, 30.0])
big_t = np.array([40.0, 40.0, 40.0])

arrays: clv.RFMArrays = clv.validate_rfm(x, t_x, big_t)
compressed: clv.CompressedRFM = clv.compress(x, t_x, big_t)
weights: NDArray[np.float64] = compressed.weights
inverse: NDArray[np.intp] = compressed.inverse

bg: clv.BgNbdFit = clv.fit_bg_nbd(x, t_x, big_t, weights=None)
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
known: clv.BgNbdFit = clv.BgNbdFit.from_parameters(
    r=0.24, alpha=4.41, a=0.79, b=2.43
)
r_param: float = known.r

pareto: clv.ParetoNbdFit = clv.fit_pareto_nbd(x, t_x, big_t)
pareto_alive: NDArray[np.float64] = pareto.probability_alive(x, t_x, big_t)
segment: dict[str, list[float]] = {"vip": [0.0, 1.0, 1.0]}
with_covariates: clv.ParetoNbdFit = clv.fit_pareto_nbd(
    x,
    t_x,
    big_t,
    purchase_covariates=segment,
    dropout_covariates=segment,
    penalty=0.1,
    equal_coefficients=["vip"],
)
effects: clv.CovariateEffects | None = with_covariates.covariates
covariate_alive: NDArray[np.float64] = with_covariates.probability_alive(
    x, t_x, big_t, purchase_covariates=segment, dropout_covariates=segment
)
vip_model: clv.ParetoNbdFit = clv.at_covariates(
    with_covariates, purchase={"vip": 1.0}, dropout={"vip": 1.0}
)
dert_values: NDArray[np.float64] = clv.dert(
    pareto, x, t_x, big_t, discount_rate=0.0027
)
new_residual: float = clv.new_customer_dert(bg, discount_rate=0.0027)


def alive_of(fit: clv.BgNbdFit) -> NDArray[np.float64]:
    """A prediction of one fit, as intervals take it."""
    return fit.probability_alive(x, t_x, big_t)


def dert_of(fit: clv.BgNbdFit) -> NDArray[np.float64]:
    """DERT as a prediction of one fit."""
    return clv.dert(fit, x, t_x, big_t, discount_rate=0.0027)


alive_interval: clv.PredictionInterval = clv.delta_interval(
    bg, alive_of, scale="logit"
)
interval_ends: NDArray[np.float64] = (
    alive_interval.upper - alive_interval.lower
)
dert_interval: clv.PredictionInterval = clv.bootstrap_interval(
    (bg,),
    dert_of,
    data=clv.validate_rfm(x, t_x, big_t),
    seed=7,
    n_resamples=clv.DEFAULT_RESAMPLES,
    confidence=0.9,
    kind="parametric",
)


def covariate_alive_of(fit: clv.ParetoNbdFit) -> NDArray[np.float64]:
    """A per-customer prediction of a fit with covariates."""
    return fit.probability_alive(
        x, t_x, big_t, purchase_covariates=segment, dropout_covariates=segment
    )


covariate_interval: clv.PredictionInterval = clv.bootstrap_interval(
    with_covariates,
    covariate_alive_of,
    data=clv.validate_rfm(x, t_x, big_t),
    seed=7,
    purchase_covariates=segment,
    dropout_covariates=segment,
)
ggom_residual: NDArray[np.float64] = clv.dert(
    clv.GgomNbdFit.from_parameters(r=1, alpha=2, b=0.1, s=1, beta=2),
    x,
    t_x,
    big_t,
    discount_rate=0.0027,
)
a_scale: clv.IntervalScale = "log"
a_kind: clv.BootstrapKind = "nonparametric"

bb: clv.BgBbFit = clv.fit_bg_bb([0, 1, 3], [0, 2, 5], [6, 6, 6])
bb_alive: NDArray[np.float64] = bb.probability_alive(
    [0, 1, 3], [0, 2, 5], [6, 6, 6]
)
bb_residual: NDArray[np.float64] = bb.discounted_expected_residual_purchases(
    0.1, [0, 1, 3], [0, 2, 5], [6, 6, 6]
)

gg: clv.GammaGammaFit = clv.fit_gamma_gamma([1, 2, 5], [20.0, 35.5, 12.0])
spend: NDArray[np.float64] = gg.conditional_expected_spend([1, 2], [20, 35])
mean_spend: float = gg.population_mean_spend

sbg: clv.SbgFit = clv.fit_sbg([1000, 631, 468, 382, 326])
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
    settings=clv.ClvSettings(
        time_unit="W",
        horizon_months=12,
        discount_rate=0.1,
        discount_rate_period="Y",
    ),
)
clv_values: NDArray[np.float64] = clv_result.value
weekly: clv.ClvSettings = clv.ClvSettings(
    time_unit=timedelta(days=7), discount_rate=0.1, margin=0.3
)
longer: clv.ClvSettings = weekly.with_changes(horizon_months=24)
weekly_rate: float = weekly.monthly_discount_rate
units_per_month: float = weekly.time_units_per_month
scores: clv.CustomerScores = clv.score_customers(
    model, x, t_x, big_t, horizon=52.0, spend=10.0, settings=weekly
)
plain_scores: clv.CustomerScores = clv.score_customers(
    model, x, t_x, big_t, horizon=52.0
)
score_clv: clv.CustomerLifetimeValue | None = scores.lifetime_value
simulated: clv.RFMArrays = clv.simulate_bg_nbd(
    big_t, r=0.24, alpha=4.41, a=0.79, b=2.43, seed=np.random.default_rng(1)
)
report: clv.HoldoutValidation = clv.validate_holdout(
    split,
    models={"BG/NBD": bg, "Pareto/NBD": pareto},
    transactions=[transaction],
    max_frequency=clv.DEFAULT_MAX_FREQUENCY,
    period=1.0,
)
report_rows: list[dict[str, str | int | float | None]] = report.to_rows()


def validate_with_covariates(
    paths: clv.CovariatePaths, dynamic: clv.ParetoNbdDynamicFit
) -> clv.HoldoutValidation:
    """Validate fits with covariates (``covariates=`` and ``paths=``)."""
    ages: NDArray[np.float64] = dynamic.expected_purchases(paths.T, paths)
    return clv.validate_holdout(
        split,
        models={"dynamic": dynamic, "BG/NBD": bg},
        covariates={"vip": ages},
        paths=paths,
    )


one_model: clv.ModelValidation = report["BG/NBD"]
model_criteria: clv.InformationCriteria | None = one_model.criteria
by_frequency: clv.HoldoutByFrequency = report.by_frequency
bin_labels: tuple[str, ...] = by_frequency.labels()
tracking: clv.PurchaseTracking | None = report.tracking
criteria: clv.InformationCriteria = clv.information_criteria(bg)
lr_test: clv.LikelihoodRatioTest = clv.likelihood_ratio_test(
    bg, pareto, boundary=True
)
lr_p: float = lr_test.p_value

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
clock_table: tuple[cc.complaints.ClockRow, ...] = cc.complaints.clock_rows([])
attainment_pl: pl.DataFrame = frames.sla_attainment(
    pl.DataFrame(list(clock_table))
)
attainment_pd: pd.DataFrame = frames.sla_attainment(pd.DataFrame(clock_table))
kano_columns: tuple[str, ...] = frames.KANO_COLUMNS
frame_results: tuple[cc.kano.KanoFeatureResult, ...] = frames.kano_analyze(
    pl.DataFrame({column: [] for column in kano_columns}), rule="mode"
)
one_row: cc.complaints.AttainmentRow = cc.complaints.attainment_row(
    "first_reply",
    cc.complaints.Priority.LOW,
    statuses=[cc.complaints.DeadlineStatus.MET],
    times=[timedelta(hours=1)],
)

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
holdout_ax: Axes = plot.plot_calibration_vs_holdout(report, ax=kano_ax)
if tracking is not None:
    tracking_ax: Axes = plot.plot_tracking(tracking, cumulative=False)

# --- Spark and the command line ----------------------------------------------
session = SparkSession.builder.getOrCreate()
# pyspark's own overloads mention pandas types it leaves unknown.
spark_summary: DataFrame = session.createDataFrame(  # pyright: ignore[reportUnknownMemberType]
    [(0.0, 0.0, 40.0)], ["frequency", "recency", "T"]
)
spark_fit: clv.BgNbdFit = spark.fit_summary(spark_summary, fit=clv.fit_bg_nbd)
spark_scores: DataFrame = spark.score(spark_summary, bg, horizon=52.0)
predictor: clv.PurchaseModel = bg
command_name: str | None = main.name

# --- results that may be missing (checked exactly, not just assignable) ------
assert_type(
    cc.kano.better_worse_quadrant(coefficients), cc.kano.KanoCategory | None
)
assert_type(cc.kano.total_strength(counts), float | None)
assert_type(counts.share(cc.kano.KanoCategory.MUST_BE), float | None)
assert_type(need.category_at(when), cc.kano.KanoCategory | None)
assert_type(
    history.last_record("lifecycle"), cc.relationship.TransitionRecord | None
)
assert_type(why.outcome, cc.relationship.Outcome | None)
assert_type(
    why.error,
    cc.exceptions.EventTransitionError
    | cc.exceptions.OutOfOrderEventError
    | cc.exceptions.InvariantError
    | None,
)
assert_type(acknowledged.first_reached(frozenset()), datetime | None)
assert_type(
    cc.risk.breach_signal(assessment, customer_id="C-1"),
    cc.relationship.DissatisfactionSignal | None,
)
assert_type(series.first_breach_at, datetime | None)
assert_type(effect.relative_change, Decimal | None)
assert_type(summary.monetary_value, tuple[Decimal, ...] | None)
assert_type(transaction.amount, Decimal | None)
assert_type(value.horizon, int | None)
assert_type(scores.lifetime_value, clv.CustomerLifetimeValue | None)
assert_type(bg.probability_alive(0, 0, 1), NDArray[np.float64])
assert_type(
    spark.fit_summary(spark_summary, fit=clv.fit_pareto_nbd), clv.ParetoNbdFit
)
assert_type(cc.relationship.parse_event(b"{}"), cc.Event)
assert_type(
    cc.exceptions.MissingExtraError.for_extra("stats", None),
    cc.exceptions.MissingExtraError,
)


def funnel_example(states: list[cc.RelationshipState]) -> None:
    """The funnel API, typed over a list of states."""
    funnel: cc.relationship.LoyaltyFunnel = cc.relationship.loyalty_funnel(
        states, policy=cc.relationship.DEFAULT_POLICY
    )
    rung: cc.relationship.FunnelRung = funnel.rungs[0]
    conversion: float | None = funnel.conversion(cc.LoyaltyStage.CLIENT)
    assert_type(rung.reached, int)
    assert_type(plot.plot_loyalty_funnel(funnel), Axes)
    del conversion


def journeys_example(
    replays: Mapping[cc.CustomerId, cc.relationship.Replay],
) -> None:
    """The journeys API, typed over the replays of replay_many."""
    as_of = datetime(2025, 6, 1, tzinfo=UTC)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    times = cc.relationship.time_in_stage(
        replays, dimension="lifecycle", as_of=as_of
    )
    stay: cc.relationship.StageTime = times.for_stage(
        cc.LifecycleStage.WELCOME
    )
    assert_type(stay.km_median_days, float | None)
    assert_type(stay.completed, int)
    flows = cc.relationship.stage_flows(
        replays.values(), dimension="loyalty", start=start, end=as_of
    )
    assert_type(flows, cc.relationship.StageFlows)
    assert_type(flows.matrix(), tuple[tuple[int, ...], ...])
    flow: cc.relationship.StageFlow = flows.flows[0]
    assert_type(flow.count, int)
    velocity = cc.relationship.stage_velocity(replays, dimension="loyalty")
    reach: cc.relationship.StageReach = velocity.stages[0]
    assert_type(reach.median_days, float | None)
    mix = cc.relationship.stage_mix(
        replays,
        dimension="lifecycle",
        dates=[start, as_of],
        acquired_from=start,
        acquired_before=as_of,
    )
    point: cc.relationship.MixPoint = mix.points[0]
    assert_type(point.shares, tuple[float, ...])
    assert_type(plot.plot_stage_flows(flows), Axes)
    assert_type(plot.plot_stage_mix(mix), Axes)


def refused_event_example(
    state: cc.RelationshipState, event: cc.Event
) -> tuple[str, ...]:
    """An illegal event's error and its attributes."""
    for rejection in cc.replay([event], on_error="collect").rejected:
        if isinstance(rejection.error, cc.exceptions.EventTransitionError):
            return rejection.error.allowed
    try:
        cc.apply_event(state, event)
    except cc.exceptions.EventTransitionError as err:
        assert_type(err.customer_id, str)
        assert_type(err.event_kind, str)
        assert_type(err.loyalty, str)
        assert_type(err.lifecycle, str)
        assert_type(err.allowed, tuple[str, ...])
        caught: cc.exceptions.InvalidTransitionError = err
        return (str(caught),)
    return ()


def forbidden_move_example(complaint: cc.Complaint) -> frozenset[str]:
    """A forbidden complaint move's error and its attributes."""
    try:
        cc.complaints.advance(
            complaint, cc.complaints.ComplaintStatus.CLOSED, occurred_at=when
        )
    except cc.exceptions.ComplaintTransitionError as err:
        assert_type(err.complaint_id, str)
        assert_type(err.from_status, str)
        assert_type(err.to_status, str)
        assert_type(err.allowed_statuses, frozenset[str])
        caught: ValueError = err
        return frozenset({str(caught)})
    except cc.exceptions.InvalidTransitionError:
        return frozenset()
    return frozenset()
