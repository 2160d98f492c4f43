"""Probabilistic customer-base models (needs the ``[stats]`` extra).

BG/NBD, modified BG/NBD, Pareto/NBD, Gamma-Gompertz/NBD, BG/BB,
Gamma-Gamma and the shifted-beta-geometric model: fitting by maximum
likelihood with standard errors, and vectorised predictions with
delta-method or bootstrap intervals. Models work in ``float`` and numpy
arrays, not ``Decimal``.
"""

from __future__ import annotations

from customer_centric._extras import require_extra

require_extra("stats", "numpy", "scipy")

# ruff: noqa: E402 - the imports below come after the extra's guard
from customer_centric._arrays import PurchaseModel
from customer_centric.clv._bg_bb import BgBbFit, fit_bg_bb
from customer_centric.clv._bg_nbd import BgNbdFit, fit_bg_nbd
from customer_centric.clv._clv import (
    CustomerLifetimeValue,
    customer_lifetime_value,
)
from customer_centric.clv._covariate_records import CovariateEffects
from customer_centric.clv._covariates import Covariates, at_covariates
from customer_centric.clv._dert import dert, new_customer_dert
from customer_centric.clv._dyncov_paths import CovariatePaths, covariate_paths
from customer_centric.clv._dyncov_simulate import (
    DynamicSimulation,
    simulate_pareto_nbd_dynamic,
)
from customer_centric.clv._gamma_gamma import GammaGammaFit, fit_gamma_gamma
from customer_centric.clv._ggom_nbd import GgomNbdFit, fit_ggom_nbd
from customer_centric.clv._intervals import (
    DEFAULT_RESAMPLES,
    BootstrapKind,
    IntervalScale,
    PredictionInterval,
    bootstrap_interval,
    delta_interval,
)
from customer_centric.clv._mbg_nbd import MbgNbdFit, fit_mbg_nbd
from customer_centric.clv._pareto_nbd import ParetoNbdFit, fit_pareto_nbd
from customer_centric.clv._pnbd_correlated import (
    ParetoNbdCorrelatedFit,
    fit_pareto_nbd_correlated,
)
from customer_centric.clv._pnbd_dyncov import (
    ParetoNbdDynamicFit,
    fit_pareto_nbd_dynamic,
)
from customer_centric.clv._records import FittedModel, OptimizerDiagnostics
from customer_centric.clv._rfm import (
    CompressedRFM,
    RFMArrays,
    compress,
    validate_rfm,
)
from customer_centric.clv._sbg import SbgFit, fit_sbg
from customer_centric.clv._score import CustomerScores, score_customers
from customer_centric.clv._settings import ClvSettings, monthly_discount_rate
from customer_centric.clv._simulate import (
    simulate_bg_nbd,
    simulate_ggom_nbd,
    simulate_mbg_nbd,
)
from customer_centric.clv._validation import (
    DEFAULT_MAX_FREQUENCY,
    HoldoutByFrequency,
    HoldoutValidation,
    InformationCriteria,
    LikelihoodRatioTest,
    ModelValidation,
    PurchaseTracking,
    SpendValidation,
    information_criteria,
    likelihood_ratio_test,
    validate_holdout,
)

__all__: list[str] = [
    "DEFAULT_MAX_FREQUENCY",
    "DEFAULT_RESAMPLES",
    "BgBbFit",
    "BgNbdFit",
    "BootstrapKind",
    "ClvSettings",
    "CompressedRFM",
    "CovariateEffects",
    "CovariatePaths",
    "Covariates",
    "CustomerLifetimeValue",
    "CustomerScores",
    "DynamicSimulation",
    "FittedModel",
    "GammaGammaFit",
    "GgomNbdFit",
    "HoldoutByFrequency",
    "HoldoutValidation",
    "InformationCriteria",
    "IntervalScale",
    "LikelihoodRatioTest",
    "MbgNbdFit",
    "ModelValidation",
    "OptimizerDiagnostics",
    "ParetoNbdCorrelatedFit",
    "ParetoNbdDynamicFit",
    "ParetoNbdFit",
    "PredictionInterval",
    "PurchaseModel",
    "PurchaseTracking",
    "RFMArrays",
    "SbgFit",
    "SpendValidation",
    "at_covariates",
    "bootstrap_interval",
    "compress",
    "covariate_paths",
    "customer_lifetime_value",
    "delta_interval",
    "dert",
    "fit_bg_bb",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "fit_ggom_nbd",
    "fit_mbg_nbd",
    "fit_pareto_nbd",
    "fit_pareto_nbd_correlated",
    "fit_pareto_nbd_dynamic",
    "fit_sbg",
    "information_criteria",
    "likelihood_ratio_test",
    "monthly_discount_rate",
    "new_customer_dert",
    "score_customers",
    "simulate_bg_nbd",
    "simulate_ggom_nbd",
    "simulate_mbg_nbd",
    "simulate_pareto_nbd_dynamic",
    "validate_holdout",
    "validate_rfm",
]
