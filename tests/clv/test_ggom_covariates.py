"""Time-invariant covariates in the GGom/NBD model (Bemmaor & Glady 2012).

CLVTools' ``ggomnbd`` with static covariates: each customer's purchase
scale is ``alpha * exp(-gamma_purchase . z)`` and their dropout scale
``beta * exp(-gamma_dropout . z)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from clv_helpers import apparel_summary
from customer_centric.clv import (
    GgomNbdFit,
    at_covariates,
    dert,
    fit_ggom_nbd,
    simulate_ggom_nbd,
)
from customer_centric.clv._covariates import _compress, _layout, _Likelihood
from customer_centric.clv._ggom_nbd import _Likelihood as _PlainLikelihood
from customer_centric.exceptions import ConvergenceError
from customer_centric.records import dump_record, load_record

if TYPE_CHECKING:
    from pathlib import Path

    from customer_centric._arrays import FloatArray

_PURCHASE = 0.6
_DROPOUT = -0.5
"""The simulated groups' coefficients: the second group buys e^0.6 times
as often and has a dropout scale e^0.5 times as large (lives longer)."""


def _two_groups(
    n: int = 400, seed: int = 5
) -> tuple[tuple[FloatArray, FloatArray, FloatArray], FloatArray]:
    """Two groups of ``n`` customers from BTYDplus's example parameters."""
    base = simulate_ggom_nbd(
        [32.0] * n, r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55, seed=seed
    )
    other = simulate_ggom_nbd(
        [32.0] * n,
        r=0.85,
        alpha=4.45 * np.exp(-_PURCHASE),
        b=0.12,
        s=0.75,
        beta=9.55 * np.exp(-_DROPOUT),
        seed=seed + 1,
    )
    x, t_x, big_t = (
        np.concatenate([getattr(base, k), getattr(other, k)])
        for k in ("frequency", "recency", "T")
    )
    return (x, t_x, big_t), np.repeat([0.0, 1.0], n)


@pytest.fixture(scope="module")
def simulated() -> tuple[
    tuple[FloatArray, FloatArray, FloatArray], FloatArray, GgomNbdFit
]:
    """The simulated groups and their fit with the group on both."""
    columns, group = _two_groups()
    fit = fit_ggom_nbd(
        *columns,
        purchase_covariates={"g": group},
        dropout_covariates={"g": group},
    )
    return columns, group, fit


def _likelihoods(
    columns: tuple[FloatArray, FloatArray, FloatArray],
    z: FloatArray,
    penalty: float = 0.0,
) -> _Likelihood:
    layout = _layout({"purchase": ("g",), "dropout": ("g",)}, equal=())
    rows, covariates = _compress(
        (*columns, np.ones(columns[0].size)),
        {"purchase": z[:, None], "dropout": z[:, None]},
    )
    return _Likelihood("GGom/NBD", rows, covariates, layout, penalty)


def test_zero_coefficients_are_the_plain_model() -> None:
    """Coefficients 0, or covariates all 0: the plain GGom/NBD likelihood."""
    columns, group = _two_groups(150)
    plain = _PlainLikelihood(*columns, np.ones(group.size))
    theta = np.array([0.8, 4.0, 0.1, 0.7, 9.0])
    value, gradient = plain(theta)
    at_zero = _likelihoods(columns, group)(np.r_[theta, 1.0, 1.0])
    assert at_zero[0] == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(at_zero[1][:5], gradient, rtol=1e-10)
    zeros = _likelihoods(columns, np.zeros(group.size), penalty=0.0)
    assert zeros(np.r_[theta, 2.0, 0.5])[0] == pytest.approx(value, rel=1e-12)


def test_gradient_is_the_likelihood_slope() -> None:
    """The analytic gradient, penalty included, matches central slopes."""
    columns, group = _two_groups(150)
    z = group + np.linspace(-0.5, 0.5, group.size)
    likelihood = _likelihoods(columns, z, penalty=0.4)
    theta = np.array([0.8, 4.0, 0.1, 0.7, 9.0, 1.5, 0.7])
    _, gradient = likelihood(theta)
    for i in range(theta.size):
        step = np.zeros(theta.size)
        step[i] = 1e-6 * theta[i]
        slope = (likelihood(theta + step)[0] - likelihood(theta - step)[0]) / (
            2 * step[i]
        )
        assert gradient[i] == pytest.approx(slope, rel=1e-5, abs=1e-4)


def test_simulated_coefficients_are_recovered(
    simulated: tuple[
        tuple[FloatArray, FloatArray, FloatArray], FloatArray, GgomNbdFit
    ],
) -> None:
    """Seeded groups with known effects: each within 3 standard errors."""
    _, _, fit = simulated
    effects = fit.covariates
    assert effects is not None
    assert fit.diagnostics.converged
    for process, truth in (("purchase", _PURCHASE), ("dropout", _DROPOUT)):
        estimate = getattr(effects, process)["g"]
        error = getattr(effects, f"{process}_standard_errors")["g"]
        assert 0 < error < 0.5
        assert abs(estimate - truth) < 3 * error
    assert effects.names == (
        "r",
        "alpha",
        "b",
        "s",
        "beta",
        "purchase:g",
        "dropout:g",
    )
    assert len(effects.covariance) == 7


def test_a_fit_with_covariates_beats_the_plain_fit(
    simulated: tuple[
        tuple[FloatArray, FloatArray, FloatArray], FloatArray, GgomNbdFit
    ],
) -> None:
    """Two more parameters: a higher log-likelihood than without them."""
    columns, _, fit = simulated
    plain = fit_ggom_nbd(*columns)
    assert fit.log_likelihood > plain.log_likelihood + 1


def test_predictions_per_customer_and_the_json_round_trip(
    simulated: tuple[
        tuple[FloatArray, FloatArray, FloatArray], FloatArray, GgomNbdFit
    ],
) -> None:
    """Per-customer predictions (DERT too) are the segment's; JSON keeps it."""
    columns, group, fit = simulated
    rows = slice(400, 404)
    history = tuple(c[rows] for c in columns)
    cov = {"g": group[rows]}
    segment = at_covariates(fit, purchase={"g": 1}, dropout={"g": 1})
    assert isinstance(segment, GgomNbdFit)
    assert segment.covariates is None
    assert segment.alpha == pytest.approx(
        fit.alpha * np.exp(-fit.covariates.purchase["g"])  # type: ignore[union-attr]
    )
    np.testing.assert_allclose(
        fit.probability_alive(
            *history, purchase_covariates=cov, dropout_covariates=cov
        ),
        segment.probability_alive(*history),
    )
    np.testing.assert_allclose(
        fit.conditional_expected_purchases(
            10, *history, purchase_covariates=cov, dropout_covariates=cov
        ),
        segment.conditional_expected_purchases(10, *history),
    )
    np.testing.assert_allclose(
        dert(
            fit,
            *history,
            discount_rate=0.01,
            purchase_covariates=cov,
            dropout_covariates=cov,
        ),
        dert(segment, *history, discount_rate=0.01),
    )
    assert GgomNbdFit.model_validate_json(fit.model_dump_json()) == fit
    stored = dump_record(fit)
    assert '"schema":"ggom_nbd_fit"' in stored
    assert load_record(stored, expect=GgomNbdFit) == fit


def test_apparel_runs_to_the_pareto_nbd_edge(clvtools_data: Path) -> None:
    """GGom/NBD on apparel wants exponential lifetimes: the error says so.

    Without covariates the fit runs to ``b`` and ``beta`` near 0 (the
    Pareto/NBD); with CLVTools' covariates on both processes too.
    """
    columns, cov = apparel_summary(clvtools_data, 104)
    with pytest.raises(ConvergenceError, match=r"Pareto/NBD") as caught:
        fit_ggom_nbd(*columns, purchase_covariates=cov, dropout_covariates=cov)
    assert "b and beta run to 0 together" in str(caught.value)
