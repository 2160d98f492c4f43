"""The covariate fits' Hessian by blocks, against the chain it stands for.

``_Likelihood._mapped`` sums the rows' Hessians through the map from the
optimizer's variables to each row's log-parameters by blocks (the model's
parameters, their products with the designs, the designs' weighted Gram
matrices). These tests hold it to the plain product ``sum_rows w C' H C``
with the chain ``C`` written out, with a coefficient shared by the two
processes, and the whole Hessian to differences of the analytic gradient
there.
"""

from __future__ import annotations

import numpy as np
import pytest

from customer_centric.clv import simulate_bg_nbd
from customer_centric.clv._bg_nbd import _Likelihood as PlainBgNbd
from customer_centric.clv._covariates import (
    _ONE_THREAD,
    _compress,
    _layout,
    _Likelihood,
    _products,
)

_N = 80
_THETA = {
    "Pareto/NBD": [0.6, 5.0, 0.8, 9.0],
    "BG/NBD": [0.4, 4.0, 0.7, 2.5],
    "GGom/NBD": [0.5, 5.0, 0.05, 0.9, 8.0],
}


def _likelihood(model: str) -> _Likelihood:
    """Two purchase covariates and two dropout ones, ``g`` on both."""
    sim = simulate_bg_nbd(
        np.linspace(20.0, 40.0, _N), r=0.5, alpha=4.0, a=0.7, b=2.5, seed=8
    )
    rng = np.random.default_rng(8)
    shared = rng.integers(0, 2, _N).astype(float)
    purchase = np.column_stack([rng.normal(size=_N), shared])
    dropout = np.column_stack([rng.normal(size=_N), shared])
    layout = _layout(
        {"purchase": ("u", "g"), "dropout": ("v", "g")}, equal=("g",)
    )
    rows, covariates = _compress(
        (sim.frequency, sim.recency, sim.T, np.ones(_N)),
        {"purchase": purchase, "dropout": dropout},
    )
    return _Likelihood(model, rows, covariates, layout, 0.4)


def _chain(likelihood: _Likelihood) -> np.ndarray:
    """d(row log-parameter) / d(optimizer variable), ``(rows, k, size)``."""
    k = likelihood.k
    n = likelihood.w.size
    chain = np.zeros((n, k, likelihood.size))
    chain[:, np.arange(k), np.arange(k)] = 1.0
    for process in likelihood.scaled:
        for position in process.positions:
            chain[:, position, process.at] = process.sign * process.design.T
    return chain


@pytest.mark.parametrize("model", sorted(_THETA))
def test_blocks_equal_the_chain_product(model: str) -> None:
    """Any symmetric rows' Hessians map as ``sum w C' H C`` does."""
    likelihood = _likelihood(model)
    k = likelihood.k
    rng = np.random.default_rng(2)
    per_row = rng.normal(size=(k, k, likelihood.w.size))
    per_row += per_row.transpose(1, 0, 2)
    chain = _chain(likelihood)
    expected = np.einsum(
        "rai,abr,rbj->ij", chain, per_row * likelihood.w, chain
    )
    expected[k:, k:] -= 2 * likelihood.penalty * likelihood.gram
    np.testing.assert_allclose(
        likelihood._mapped(per_row), expected, rtol=1e-12, atol=1e-10
    )


@pytest.mark.parametrize("model", ["Pareto/NBD", "BG/NBD"])
def test_shared_coefficient_hessian_matches_differences(model: str) -> None:
    """With a shared coefficient, the exact Hessian is the gradient's."""
    likelihood = _likelihood(model)
    theta = np.array([*_THETA[model], 1.3, 0.8, 1.1])
    u = np.log(theta)
    step = 1e-6

    def log_gradient(v: np.ndarray) -> np.ndarray:
        moved = np.exp(v)
        result: np.ndarray = likelihood(moved)[1] * moved
        return result

    columns = [
        (log_gradient(u + step * e) - log_gradient(u - step * e)) / (2 * step)
        for e in np.eye(u.size)
    ]
    expected = (np.array(columns).T + np.array(columns)) / 2
    hessian = likelihood.hessian(theta)
    np.testing.assert_allclose(
        hessian, expected, atol=1e-6 * np.abs(expected).max()
    )


def test_chunked_products_equal_one_product() -> None:
    """Rows past one thread's share are summed chunk by chunk, exactly."""
    rng = np.random.default_rng(3)
    quantities = rng.normal(size=(15, 3 * _ONE_THREAD // 225 + 7))
    features = rng.normal(size=(15, quantities.shape[1]))
    np.testing.assert_allclose(
        _products(quantities, features),
        quantities @ features.T,
        rtol=1e-12,
        atol=1e-12 * float(np.abs(quantities @ features.T).max()),
    )


def test_no_covariate_columns_is_the_plain_likelihood() -> None:
    """Empty covariate tables leave every row at the model's parameters."""
    sim = simulate_bg_nbd(
        np.linspace(20.0, 40.0, _N), r=0.5, alpha=4.0, a=0.7, b=2.5, seed=8
    )
    layout = _layout({"purchase": (), "dropout": ()}, equal=())
    empty = np.zeros((_N, 0))
    rows, covariates = _compress(
        (sim.frequency, sim.recency, sim.T, np.ones(_N)),
        {"purchase": empty, "dropout": empty},
    )
    likelihood = _Likelihood("BG/NBD", rows, covariates, layout, 0.0)
    theta = np.array(_THETA["BG/NBD"])
    value, gradient = likelihood(theta)
    plain_value, plain_gradient = PlainBgNbd(
        sim.frequency, sim.recency, sim.T, np.ones(_N)
    )(theta)
    assert value == pytest.approx(plain_value, rel=1e-12)
    np.testing.assert_allclose(gradient, plain_gradient, rtol=1e-9)
