"""The value of customers in plain ``Decimal`` arithmetic.

The sources' V = I x N, retention-based lifetime value and its economics
(retention versus acquisition cost, shares of market and wallet), and the
transaction records and RFM summaries the customer-base models start from,
and RFM scores and named segments.
"""

from __future__ import annotations

from customer_centric.value._lifetime import (
    ACQUISITION_COST_MULTIPLE_PRIMARY,
    ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
    CostComparison,
    LifetimeValue,
    PeriodValue,
    RetentionEffect,
    lifetime_value,
    retention_effect,
    retention_vs_acquisition_cost,
    share_of_market,
    share_of_wallet,
    simple_lifetime_value,
)
from customer_centric.value._segments import (
    DEFAULT_SEGMENT_RULES,
    OTHERS,
    SEGMENT_LOYALTY,
    RFMScores,
    RFMSegments,
    SegmentRule,
    check_segment_rules,
    quantile_edges,
    quantile_scores,
    rfm_scores,
    rfm_segments,
    segment_loyalty,
)
from customer_centric.value._transactions import (
    DAYS_PER_UNIT,
    CalibrationHoldout,
    OnLate,
    RFMSummary,
    TimeUnit,
    Transaction,
    days_per_unit,
    rfm_calibration_holdout,
    rfm_summary,
    validate_rfm_summary,
)

__all__ = [
    "ACQUISITION_COST_MULTIPLE_PRIMARY",
    "ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS",
    "DAYS_PER_UNIT",
    "DEFAULT_SEGMENT_RULES",
    "OTHERS",
    "SEGMENT_LOYALTY",
    "CalibrationHoldout",
    "CostComparison",
    "LifetimeValue",
    "OnLate",
    "PeriodValue",
    "RFMScores",
    "RFMSegments",
    "RFMSummary",
    "RetentionEffect",
    "SegmentRule",
    "TimeUnit",
    "Transaction",
    "check_segment_rules",
    "days_per_unit",
    "lifetime_value",
    "quantile_edges",
    "quantile_scores",
    "retention_effect",
    "retention_vs_acquisition_cost",
    "rfm_calibration_holdout",
    "rfm_scores",
    "rfm_segments",
    "rfm_summary",
    "segment_loyalty",
    "share_of_market",
    "share_of_wallet",
    "simple_lifetime_value",
    "validate_rfm_summary",
]
