"""Key risk indicators built from customer KPIs.

A KPI observation becomes a key risk indicator with thresholds and a
direction; assessments say the level, the trend and why.
"""

from __future__ import annotations

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

__all__ = [
    "CustomerHealthKpi",
    "KeyRiskIndicator",
    "KpiObservation",
    "KriAssessment",
    "KriSeriesAssessment",
    "RiskDirection",
    "RiskLevel",
    "Trend",
    "assess",
    "assess_series",
    "breach_signal",
    "churn_rate",
    "complaint_rate",
    "customer_health",
    "share_unlikely_alive",
    "silent_dissatisfaction_share",
]
