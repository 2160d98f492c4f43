"""Probabilistic customer-base models (needs the ``[stats]`` extra).

BG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma and the shifted-beta-geometric model:
fitting by maximum likelihood with standard errors, and vectorised
predictions. Models work in ``float`` and numpy arrays, not ``Decimal``.
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
from customer_centric.clv._gamma_gamma import GammaGammaFit, fit_gamma_gamma
from customer_centric.clv._pareto_nbd import ParetoNbdFit, fit_pareto_nbd
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
from customer_centric.clv._simulate import simulate_bg_nbd
from customer_centric.clv._validation import (
    DEFAULT_MAX_FREQUENCY,
    HoldoutByFrequency,
    HoldoutValidation,
    InformationCriteria,
    LikelihoodRatioTest,
    ModelValidation,
    PurchaseTracking,
    information_criteria,
    likelihood_ratio_test,
    validate_holdout,
)

__all__: list[str] = [
    "DEFAULT_MAX_FREQUENCY",
    "BgBbFit",
    "BgNbdFit",
    "ClvSettings",
    "CompressedRFM",
    "CovariateEffects",
    "Covariates",
    "CustomerLifetimeValue",
    "CustomerScores",
    "FittedModel",
    "GammaGammaFit",
    "HoldoutByFrequency",
    "HoldoutValidation",
    "InformationCriteria",
    "LikelihoodRatioTest",
    "ModelValidation",
    "OptimizerDiagnostics",
    "ParetoNbdFit",
    "PurchaseModel",
    "PurchaseTracking",
    "RFMArrays",
    "SbgFit",
    "at_covariates",
    "compress",
    "customer_lifetime_value",
    "dert",
    "fit_bg_bb",
    "fit_bg_nbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "fit_sbg",
    "information_criteria",
    "likelihood_ratio_test",
    "monthly_discount_rate",
    "new_customer_dert",
    "score_customers",
    "simulate_bg_nbd",
    "validate_holdout",
    "validate_rfm",
]
