"""Key risk indicators built from customer KPIs, and health scorecards.

A KPI observation becomes a key risk indicator with thresholds and a
direction; assessments say the level, the trend and why. A scorecard
combines a customer's measures into a health score and band.
"""

from __future__ import annotations

from customer_centric.risk._health import (
    HealthScore,
    HealthSnapshot,
    MeasureScore,
    health_signal,
    score_health,
)
from customer_centric.risk._kri import (
    CustomerHealthKpi,
    KeyRiskIndicator,
    KpiObservation,
    KriAssessment,
    KriSeriesAssessment,
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
from customer_centric.risk._measures import (
    complaint_measures,
    state_measures,
)
from customer_centric.risk._scorecard import (
    BAND_POINTS,
    MAX_MEASURE_VALUE,
    Combine,
    HealthProfile,
    Measure,
    MeasureGroup,
    MissingRule,
    PointsScale,
    Scorecard,
)

__all__ = [
    "BAND_POINTS",
    "MAX_MEASURE_VALUE",
    "Combine",
    "CustomerHealthKpi",
    "HealthProfile",
    "HealthScore",
    "HealthSnapshot",
    "KeyRiskIndicator",
    "KpiObservation",
    "KriAssessment",
    "KriSeriesAssessment",
    "Measure",
    "MeasureGroup",
    "MeasureScore",
    "MissingRule",
    "PointsScale",
    "RiskDirection",
    "RiskLevel",
    "Scorecard",
    "Trend",
    "assess",
    "assess_series",
    "breach_signal",
    "churn_rate",
    "complaint_measures",
    "complaint_rate",
    "customer_health",
    "health_signal",
    "score_health",
    "share_unlikely_alive",
    "silent_dissatisfaction_share",
    "state_measures",
]
