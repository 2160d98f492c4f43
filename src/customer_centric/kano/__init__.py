"""Kano needs: questionnaires, classification, coefficients and drift.

Classify each feature from functional/dysfunctional answer pairs (Kano et
al. 1984; Berger et al. 1993), compute satisfaction coefficients and
continuous scores, decide categories with Fong's test, say how sure each
result is (intervals, category stability, sample sizes), compare segments,
and project how excitement needs age into performance and basic needs.
"""

from __future__ import annotations

from customer_centric.kano._counts import (
    FONG_Z,
    KanoCoefficients,
    KanoCounts,
    KanoDecision,
    KanoDecisionRule,
    KanoSignificance,
    category_strength,
    decide_category,
    fong_test,
    satisfaction_coefficients,
    total_strength,
)
from customer_centric.kano._drift import (
    DRIFT_ORDER,
    NO_DRIFT,
    KanoDriftProjection,
    KanoDriftRates,
    KanoNeed,
    KanoObservation,
    project_drift,
)
from customer_centric.kano._features import (
    KanoFeatureResult,
    KanoPriority,
    analyze,
    count_responses,
    prioritize_features,
)
from customer_centric.kano._filters import drop_categories
from customer_centric.kano._scores import (
    DYSFUNCTIONAL_SCORES,
    FUNCTIONAL_SCORES,
    KanoScore,
    better_worse_quadrant,
    continuous_quadrant,
    continuous_score,
    mean_score,
    satisfaction_curve,
)
from customer_centric.kano._segments import (
    KanoDifference,
    KanoSegmentTest,
    coefficient_difference,
    segment_counts,
    segment_test,
)
from customer_centric.kano._survey import (
    KanoResponse,
    KanoRowError,
    KanoSurvey,
    KanoSurveyFormat,
    parse_responses,
    read_responses,
)
from customer_centric.kano._tables import (
    POULIOT_TABLE,
    STANDARD_TABLE,
    KanoAnswer,
    KanoCategory,
    KanoTable,
    classify_response,
)
from customer_centric.kano._uncertainty import (
    DEFAULT_RESAMPLES,
    KanoBootstrap,
    KanoCoefficientIntervals,
    KanoInterval,
    KanoIntervalMethod,
    bootstrap,
    bootstrap_features,
    coefficient_intervals,
    interval_width,
    respondents_for_width,
)

__all__ = [
    "DEFAULT_RESAMPLES",
    "DRIFT_ORDER",
    "DYSFUNCTIONAL_SCORES",
    "FONG_Z",
    "FUNCTIONAL_SCORES",
    "NO_DRIFT",
    "POULIOT_TABLE",
    "STANDARD_TABLE",
    "KanoAnswer",
    "KanoBootstrap",
    "KanoCategory",
    "KanoCoefficientIntervals",
    "KanoCoefficients",
    "KanoCounts",
    "KanoDecision",
    "KanoDecisionRule",
    "KanoDifference",
    "KanoDriftProjection",
    "KanoDriftRates",
    "KanoFeatureResult",
    "KanoInterval",
    "KanoIntervalMethod",
    "KanoNeed",
    "KanoObservation",
    "KanoPriority",
    "KanoResponse",
    "KanoRowError",
    "KanoScore",
    "KanoSegmentTest",
    "KanoSignificance",
    "KanoSurvey",
    "KanoSurveyFormat",
    "KanoTable",
    "analyze",
    "better_worse_quadrant",
    "bootstrap",
    "bootstrap_features",
    "category_strength",
    "classify_response",
    "coefficient_difference",
    "coefficient_intervals",
    "continuous_quadrant",
    "continuous_score",
    "count_responses",
    "decide_category",
    "drop_categories",
    "fong_test",
    "interval_width",
    "mean_score",
    "parse_responses",
    "prioritize_features",
    "project_drift",
    "read_responses",
    "respondents_for_width",
    "satisfaction_coefficients",
    "satisfaction_curve",
    "segment_counts",
    "segment_test",
    "total_strength",
]
