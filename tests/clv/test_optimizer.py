from __future__ import annotations

import math

import numpy as np
import pytest

from customer_centric._arrays import FloatArray
from customer_centric.clv._optimizer import (
    Boundary,
    Objective,
    _Attempt,
    _flattest_first,
    _Run,
    maximize_likelihood,
)
from customer_centric.exceptions import ConvergenceError


def _poisson(counts: FloatArray) -> Objective:
    def loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        lam = theta[0]
        return float((counts * np.log(lam) - lam).sum()), np.array(
            [(counts / lam - 1).sum()]
        )

    return loglik


def test_maximize_likelihood_matches_closed_form_and_standard_error():
    """The Poisson MLE is the mean and its standard error sqrt(mean/n)."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    mle = maximize_likelihood(
        _poisson(counts),
        names=("lam",),
        starts=[[0.1]],
        n_customers=6.0,
        model="Poisson",
    )
    assert mle.parameters["lam"] == pytest.approx(counts.mean(), rel=1e-8)
    assert mle.standard_errors["lam"] == pytest.approx(
        math.sqrt(counts.mean() / 6), rel=1e-4
    )
    assert mle.diagnostics.converged
    assert mle.diagnostics.gradient_norm < 1e-5


def test_maximize_likelihood_raises_when_the_optimum_is_at_zero():
    """All-zero counts push the rate to the boundary: ConvergenceError."""
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        maximize_likelihood(
            _poisson(np.zeros(5)),
            names=("lam",),
            starts=[[1.0], [0.5]],
            n_customers=5.0,
            model="Poisson",
        )
    message = str(info.value)
    assert "Poisson fit did not converge from 2 starting value(s)" in message
    assert "start (1)" in message
    assert "start (0.5)" in message


def test_maximize_likelihood_retries_from_the_next_start():
    """A start stuck on a flat plateau is rejected and the next one used."""
    counts = np.array([2.0, 3.0])

    def loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if theta[0] > 100:
            return -1e6, np.array([0.0])
        return _poisson(counts)(theta)

    mle = maximize_likelihood(
        loglik,
        names=("lam",),
        starts=[[1e4], [1.0]],
        n_customers=2.0,
        model="Poisson",
    )
    assert mle.diagnostics.starts_tried == 2
    assert mle.parameters["lam"] == pytest.approx(2.5)


def test_maximize_likelihood_explains_a_plateau():
    """When every start ends on a plateau, the message says why."""
    with pytest.raises(ConvergenceError, match="not negative definite"):
        maximize_likelihood(
            lambda _theta: (0.0, np.zeros(1)),
            names=("lam",),
            starts=[[1.0]],
            n_customers=1.0,
            model="Flat",
        )


def test_maximize_likelihood_reports_the_iteration_limit():
    """A start that runs out of iterations is refused and says so."""
    with pytest.raises(ConvergenceError, match="iteration limit reached"):
        maximize_likelihood(
            _poisson(np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])),
            names=("lam",),
            starts=[[0.1]],
            n_customers=6.0,
            model="Poisson",
            max_iterations=1,
        )


def _undefined_above(limit: float, counts: FloatArray) -> Objective:
    """The Poisson log-likelihood, NaN for rates above ``limit``."""
    poisson = _poisson(counts)

    def loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if theta[0] > limit:
            return math.nan, np.array([math.nan])
        return poisson(theta)

    return loglik


def test_maximize_likelihood_steps_back_from_undefined_regions():
    """Where the objective is NaN the search backs off and still converges."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    mle = maximize_likelihood(
        _undefined_above(4.0, counts),
        names=("lam",),
        starts=[[0.01]],
        n_customers=6.0,
        model="Poisson",
    )
    assert mle.parameters["lam"] == pytest.approx(counts.mean(), rel=1e-8)


def test_maximize_likelihood_starts_beside_an_undefined_region():
    """A start right beside an undefined region still finds the optimum."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    mle = maximize_likelihood(
        _undefined_above(4.0, counts),
        names=("lam",),
        starts=[[4.0 * math.exp(-5e-6)]],
        n_customers=6.0,
        model="Poisson",
    )
    assert mle.parameters["lam"] == pytest.approx(counts.mean(), rel=1e-8)


def test_maximize_likelihood_refuses_an_optimum_on_the_domain_edge():
    """An optimum where the Hessian cannot be evaluated is not accepted."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    with pytest.raises(ConvergenceError, match="Hessian is not finite"):
        maximize_likelihood(
            _undefined_above(counts.mean() * (1 + 1e-7), counts),
            names=("lam",),
            starts=[[1.0]],
            n_customers=6.0,
            model="Poisson",
        )


def test_maximize_likelihood_reports_a_parameter_running_off():
    """A likelihood rising without bound is refused at the parameter box."""
    with pytest.raises(ConvergenceError) as info:
        maximize_likelihood(
            lambda theta: (float(np.log(theta[0])), 1 / theta),
            names=("lam",),
            starts=[[1.0]],
            n_customers=1.0,
            model="Unbounded",
        )
    message = str(info.value)
    assert "a parameter ran to the edge of [1e-13, 1e13]" in message
    assert "a log-parameter reached the edge of [-30, 30]" in message


def _attempt_with_curvature(hessian: FloatArray | None) -> _Attempt:
    """A finished start at theta = (1, 2, 4, 8) with the given Hessian."""
    x = np.log([1.0, 2.0, 4.0, 8.0])
    run = _Run(x=x, fun=1.0, jac=np.zeros(4), nit=1, nfev=1, message="")
    return _Attempt(start=(1.0,) * 4, result=run, hessian=hessian)


_EDGES = tuple(
    Boundary(direction=d, parameters=str(d), simpler="simpler")
    for d in ((0, 0, -1, 0), (0, 0, 0, 1), (1, 1, 0, 0), (0, 0, 1, 1))
)


def test_the_edge_a_flat_ridge_leads_to_is_profiled_first() -> None:
    """The edge along the least curvature (in log-parameters) comes first.

    Here the curvature is 1e-6 along c and d moving together: a ridge to
    the fourth edge, which a refusal then names without profiling the
    three before it. The others keep the model's order.
    """
    theta = np.array([1.0, 2.0, 4.0, 8.0])
    ridge = np.array([0.0, 0.0, 1.0, 1.0]) / np.sqrt(2)
    log_curvature = -(np.eye(4) - (1 - 1e-6) * np.outer(ridge, ridge))
    natural = log_curvature / np.outer(theta, theta)
    ordered = _flattest_first(_EDGES, _attempt_with_curvature(natural))
    assert [b.direction for b in ordered] == [
        (0, 0, 1, 1),
        (0, 0, -1, 0),
        (0, 0, 0, 1),
        (1, 1, 0, 0),
    ]


@pytest.mark.parametrize("hessian", [None, np.full((4, 4), np.nan)])
def test_edges_keep_the_model_order_without_a_curvature(
    hessian: FloatArray | None,
) -> None:
    """Without a finite Hessian at the best point nothing is reordered."""
    assert _flattest_first(_EDGES, _attempt_with_curvature(hessian)) == list(
        _EDGES
    )
