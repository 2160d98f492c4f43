"""AIC, BIC and the likelihood-ratio test count covariate coefficients."""

from __future__ import annotations

import numpy as np
import pytest

from customer_centric.clv import (
    fit_bg_nbd,
    information_criteria,
    likelihood_ratio_test,
    simulate_bg_nbd,
)
from customer_centric.exceptions import DataError

SIM = simulate_bg_nbd([52.0] * 600, r=0.5, alpha=6.0, a=0.7, b=2.5, seed=11)
# A covariate unrelated to the simulated purchases: the fit nests the
# plain one and the likelihood-ratio statistic is small.
SEGMENT = {"segment": np.random.default_rng(5).integers(0, 2, 600)}
DATA = (SIM.frequency, SIM.recency, SIM.T)


def test_coefficients_count_as_estimates():
    """One per process and covariate; constrained equal counts once."""
    plain = fit_bg_nbd(*DATA)
    one = fit_bg_nbd(*DATA, purchase_covariates=SEGMENT)
    both = fit_bg_nbd(
        *DATA, purchase_covariates=SEGMENT, dropout_covariates=SEGMENT
    )
    tied = fit_bg_nbd(
        *DATA,
        purchase_covariates=SEGMENT,
        dropout_covariates=SEGMENT,
        equal_coefficients=("segment",),
    )
    counts = [information_criteria(f).n_parameters for f in (plain, one)]
    counts += [information_criteria(f).n_parameters for f in (both, tied)]
    assert counts == [4, 5, 6, 5]
    ic = information_criteria(both)
    assert ic.aic == pytest.approx(2 * 6 - 2 * both.log_likelihood)

    test = likelihood_ratio_test(plain, both)
    assert test.df == 2
    assert test.statistic == pytest.approx(
        2 * (both.log_likelihood - plain.log_likelihood), abs=1e-9
    )
    assert likelihood_ratio_test(tied, both).df == 1


def test_a_penalised_fit_is_not_tested():
    """Wilks' chi-squared needs maximum-likelihood fits, not penalised."""
    plain = fit_bg_nbd(*DATA)
    shrunk = fit_bg_nbd(*DATA, purchase_covariates=SEGMENT, penalty=2.0)
    with pytest.raises(DataError, match=r"penalty=2\.0.*refit it with"):
        likelihood_ratio_test(plain, shrunk)
    assert information_criteria(shrunk).n_parameters == 5
