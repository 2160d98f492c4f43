"""The covariate fits' Newton search and the exact Hessians it runs on.

Covariate fits take Newton steps on the Hessian of the log-likelihood
(analytic per-row Hessians for the Pareto/NBD and BG/NBD, differenced
per-row derivatives for the GGom/NBD, mapped through the covariates);
these tests hold that Hessian to finite differences of the analytic
gradient and the search to its stopping rules.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

from clv_row_adapters import log_integral_hessian_rows
from customer_centric.clv import fit_bg_nbd, simulate_bg_nbd
from customer_centric.clv._covariates import (
    _compress,
    _layout,
    _Likelihood,
    _trigamma,
)
from customer_centric.clv._optimizer import _FLAT, _SETTLED, _newton
from customer_centric.clv._pareto_nbd import log_integral_rows
from customer_centric.clv._records import LOG_BOUND

_N = 60
_THETA = {
    "Pareto/NBD": [0.6, 5.0, 0.8, 9.0],
    "BG/NBD": [0.4, 4.0, 0.7, 2.5],
    "GGom/NBD": [0.5, 5.0, 0.05, 0.9, 8.0],
}


def _likelihood(model: str, penalty: float) -> _Likelihood:
    """A likelihood with two purchase and one dropout covariate."""
    sim = simulate_bg_nbd(
        np.linspace(20.0, 40.0, _N), r=0.5, alpha=4.0, a=0.7, b=2.5, seed=5
    )
    rng = np.random.default_rng(5)
    purchase = np.column_stack(
        [rng.normal(size=_N), rng.integers(0, 2, _N).astype(float)]
    )
    dropout = rng.normal(size=(_N, 1))
    layout = _layout({"purchase": ("u", "g"), "dropout": ("v",)}, equal=())
    rows, covariates = _compress(
        (sim.frequency, sim.recency, sim.T, np.ones(_N)),
        {"purchase": purchase, "dropout": dropout},
    )
    return _Likelihood(model, rows, covariates, layout, penalty)


def _differenced(likelihood: _Likelihood, theta: np.ndarray) -> np.ndarray:
    """Central differences of the analytic gradient in log-parameters."""
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
    # d(theta * gradient)/d(log theta) is the Hessian in log-parameters.
    hessian = np.array(columns).T
    symmetric: np.ndarray = (hessian + hessian.T) / 2
    return symmetric


@pytest.mark.parametrize("model", ["Pareto/NBD", "BG/NBD", "GGom/NBD"])
@pytest.mark.parametrize("penalty", [0.0, 0.5])
def test_hessian_matches_differenced_gradient(
    model: str, penalty: float
) -> None:
    """The exact Hessian equals differences of the analytic gradient."""
    likelihood = _likelihood(model, penalty)
    theta = np.array([*_THETA[model], 1.3, 0.8, 1.1])
    hessian = likelihood.hessian(theta)
    expected = _differenced(likelihood, theta)
    scale = np.abs(expected).max()
    # Forward differences in the GGom/NBD rows: 1e-5 relative.
    tolerance = 1e-4 if model == "GGom/NBD" else 1e-6
    np.testing.assert_allclose(hessian, expected, atol=tolerance * scale)
    # Asked again at the same point, the remembered one comes back.
    np.testing.assert_array_equal(likelihood.hessian(theta), hessian)


@pytest.mark.parametrize("model", ["BG/NBD", "GGom/NBD"])
def test_hessian_beyond_e21_is_not_finite(model: str) -> None:
    """Where a customer's parameter passes e^21 the Hessian is NaN."""
    likelihood = _likelihood(model, 0.0)
    theta = np.array([*_THETA[model], np.exp(25.0), 1.0, 1.0])
    assert np.isnan(likelihood.hessian(theta)).all()


@given(st.floats(min_value=1e-6, max_value=1e6))
def test_trigamma_matches_scipy(z: float) -> None:
    """The series and recurrence agree with scipy's polygamma(1, z)."""
    value = _trigamma(np.array([z]))[0]
    assert value == pytest.approx(special.polygamma(1, z), rel=1e-11)


def test_integral_hessian_matches_differenced_gradient() -> None:
    """The Pareto/NBD integral's Hessian: moments against differences."""
    x = np.array([0.0, 2.0, 5.0, 1.0])
    t_x = np.array([0.0, 10.0, 30.0, 36.0])
    big_t = np.array([20.0, 40.0, 39.0, 36.0])
    params = np.array([0.7, 6.0, 0.9, 12.0])
    _, gradient, hessian = log_integral_hessian_rows(
        (0.7, 6.0, 0.9, 12.0), x, t_x, big_t
    )
    _, expected_gradient = log_integral_rows(
        (0.7, 6.0, 0.9, 12.0), x, t_x, big_t, gradient=True
    )
    assert expected_gradient is not None
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-12)
    for j in range(4):
        step = 1e-6 * params[j]
        up, down = params.copy(), params.copy()
        up[j] += step
        down[j] -= step
        moved = [
            log_integral_rows(tuple(p), x, t_x, big_t, gradient=True)[1]
            for p in (up, down)
        ]
        assert moved[0] is not None
        assert moved[1] is not None
        column = (moved[0] - moved[1]) / (2 * step)
        # Rows with t_x = T have no integral: their terms carry no weight.
        live = big_t > t_x
        np.testing.assert_allclose(
            hessian[:, j, live], column[:, live], rtol=1e-5, atol=1e-9
        )


def _quadratic(x: np.ndarray) -> tuple[float, np.ndarray]:
    """A convex quadratic with its minimum at (1, -2)."""
    d = x - np.array([1.0, -2.0])
    return float(d @ d), 2 * d


def _quadratic_curvature(_x: np.ndarray, _g: np.ndarray) -> np.ndarray:
    return 2 * np.eye(2)


def test_newton_stops_at_a_proper_minimum() -> None:
    """Within the gradient test of a minimum, the search stops there."""
    start = np.array([1.0 + 1e-6, -2.0])
    run = _newton(_quadratic, _quadratic_curvature, start, 50)
    assert run.message == _SETTLED
    np.testing.assert_array_equal(run.x, start)
    # Farther out, Newton steps reach the quadratic's minimum at once.
    run = _newton(_quadratic, _quadratic_curvature, np.zeros(2), 50)
    np.testing.assert_allclose(run.x, [1.0, -2.0])


def test_newton_reports_its_iteration_limit() -> None:
    """Cut short, the search says so (a quartic needs many steps)."""

    def quartic(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float((x**4).sum()), 4 * x**3

    def curvature(x: np.ndarray, _g: np.ndarray) -> np.ndarray:
        return np.diag(12 * x**2)

    run = _newton(quartic, curvature, np.array([3.0]), 2)
    assert run.message == "iteration limit reached"
    assert run.nit == 2


def test_newton_follows_a_slope_to_the_box_edge() -> None:
    """A parameter running off stops at the edge of the log box."""

    def falling(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(-x[0]), np.array([-1.0])

    def curvature(_x: np.ndarray, _g: np.ndarray) -> np.ndarray:
        return np.zeros((1, 1))

    run = _newton(falling, curvature, np.array([0.0]), 500)
    assert run.message == "a log-parameter reached the edge of [-30, 30]"
    assert run.x[0] == LOG_BOUND


def test_newton_stops_on_a_flat_ridge() -> None:
    """A small gradient without curvature is a ridge, not a minimum."""

    def ridge(x: np.ndarray) -> tuple[float, np.ndarray]:
        return float(x[0] ** 2 + 1e-7 * np.exp(-x[1])), np.array(
            [2 * x[0], -1e-7 * np.exp(-x[1])]
        )

    def curvature(x: np.ndarray, _g: np.ndarray) -> np.ndarray:
        return np.diag([2.0, 1e-7 * np.exp(-x[1])])

    run = _newton(ridge, curvature, np.array([1.0, 0.0]), 50)
    assert run.message == _FLAT


def test_newton_steps_down_where_the_hessian_is_undefined() -> None:
    """A non-finite Hessian gives the steepest descent instead."""

    def nan_curvature(_x: np.ndarray, _g: np.ndarray) -> np.ndarray:
        return np.full((2, 2), np.nan)

    run = _newton(_quadratic, nan_curvature, np.zeros(2), 200)
    np.testing.assert_allclose(run.x, [1.0, -2.0], atol=1e-5)


def test_covariate_fit_reports_newton() -> None:
    """A covariate fit says it ran Newton, and converges as before."""
    sim = simulate_bg_nbd([39.0] * 400, r=0.5, alpha=4.0, a=0.7, b=2.5, seed=2)
    group = {"g": [float(i % 2) for i in range(400)]}
    fit = fit_bg_nbd(
        sim.frequency, sim.recency, sim.T, purchase_covariates=group
    )
    assert fit.diagnostics.method == "Newton in log-parameters"
    plain = fit_bg_nbd(sim.frequency, sim.recency, sim.T)
    assert plain.diagnostics.method == "BFGS in log-parameters"
    # The covariate can only raise the likelihood over the plain model.
    assert fit.log_likelihood >= plain.log_likelihood - 1e-6
