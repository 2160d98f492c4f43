"""The Newton walk's drift probe: a walk heading for an edge stops early.

Where a concave Newton walk still takes long steps but its Newton
decrement (the gain the quadratic model predicts, doubled) is within the
tolerance the edges are compared with, its flattest edge is probed once;
an edge as high refuses the fit there, a lower one lets the walk go on
unchanged. Each objective below is built so that every threshold is
passed or missed by a wide margin.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from customer_centric._arrays import FloatArray
from customer_centric.clv._optimizer import (
    Boundary,
    Hessian,
    Objective,
    _drifting,
    _newton,
    _newton_direction,
    _Run,
    maximize_likelihood,
)
from customer_centric.exceptions import ConvergenceError

_EDGE = Boundary(
    direction=(1, 0), parameters="a runs to infinity", simpler="no a"
)


def _negative_mean(
    shape: str,
) -> tuple[
    Callable[[FloatArray], tuple[float, FloatArray]],
    Callable[[FloatArray], FloatArray],
]:
    """A negative mean log-likelihood in (log a, log b) and its Hessian.

    ``"asymptote"``: 4e-6 exp(-u), rising to its supremum as a runs to
    infinity (every Newton step in u is 1 and the decrement is 4e-6
    exp(-u)); ``"interior"``: 1e-6 (u - 5)^2, a minimum at a = e^5 that
    the edge is 1.7e-4 above. Both add (v - 1)^2 / 2 in v = log b, stiff
    enough that a residual of 1e-3 in v keeps the gradient far above the
    acceptance test while adding only 1e-6 to the decrement.
    """

    def value(x: FloatArray) -> tuple[float, FloatArray, FloatArray]:
        u, v = x
        if shape == "asymptote":
            f_u, g_u, h_u = (
                4e-6 * math.exp(-u),
                -4e-6 * math.exp(-u),
                4e-6 * math.exp(-u),
            )
        else:
            f_u, g_u, h_u = 1e-6 * (u - 5) ** 2, 2e-6 * (u - 5), 2e-6
        f = f_u + (v - 1) ** 2 / 2
        return f, np.array([g_u, v - 1]), np.diag([h_u, 1.0])

    return (lambda x: value(x)[:2]), (lambda x: value(x)[2])


def _objective(
    shape: str, customers: float, evaluated: list[FloatArray]
) -> tuple[Objective, Hessian]:
    """The summed log-likelihood of :func:`_negative_mean`'s shape.

    In the natural parameters (a, b), over ``customers``, recording each
    point evaluated (in logs) in ``evaluated``.
    """
    fun, curvature = _negative_mean(shape)

    def loglik(theta: FloatArray) -> tuple[float, FloatArray]:
        x = np.log(theta)
        evaluated.append(x)
        f, g = fun(x)
        return -f * customers, -g * customers / theta

    def hessian(theta: FloatArray) -> FloatArray:
        result: FloatArray = -curvature(np.log(theta)) * customers
        return result

    return loglik, hessian


@pytest.mark.parametrize(
    ("hessian", "gradient", "expected"),
    [
        ([[4e-6, 0], [0, 1]], [-4e-6, 1e-3], True),
        ([[1, 0], [0, 1]], [-1e-3, 0], False),
        ([[1e-4, 0], [0, 1]], [-1e-4, 0], False),
        ([[-4e-6, 0], [0, 1]], [-4e-6, 1e-3], False),
        ([[np.nan, 0], [0, 1]], [-4e-6, 1e-3], False),
    ],
    ids=[
        "long-step-small-decrement",
        "short-step",
        "decrement-above-tolerance",
        "not-concave",
        "not-finite",
    ],
)
def test_drifting_needs_concavity_a_long_step_and_a_small_decrement(
    hessian: list[list[float]], gradient: list[float], expected: bool
) -> None:
    """Only a concave point with a step of 1 and a decrement of 5e-6 drifts.

    The direction is the walk's (on the Hessian's absolute eigenvalues;
    the steepest descent where it is not finite).
    """
    h = np.array(hessian, dtype=float)
    g = np.array(gradient)
    direction = _newton_direction(h, g)
    assert _drifting(h, direction, float(direction @ g)) is expected


def test_a_probe_that_returns_leaves_the_walk_unchanged() -> None:
    """The probe is called once, at the start here, and changes nothing."""
    fun, curvature = _negative_mean("asymptote")
    x0 = np.array([0.0, 1.001])
    calls: list[tuple[_Run, float]] = []
    probed = _newton(
        fun,
        lambda x, _g: curvature(x),
        x0,
        50,
        at_drift=lambda run, decrement: calls.append((run, decrement)),
    )
    plain = _newton(fun, lambda x, _g: curvature(x), x0, 50)
    assert len(calls) == 1
    run, decrement = calls[0]
    assert np.array_equal(run.x, x0)
    assert decrement == pytest.approx(5e-6, rel=1e-3)
    assert np.array_equal(probed.x, plain.x)
    assert (probed.fun, probed.nfev, probed.nit, probed.message) == (
        plain.fun,
        plain.nfev,
        plain.nit,
        plain.message,
    )


def test_a_walk_towards_an_edge_as_high_is_refused_where_it_drifts() -> None:
    """Refused at the start, where the walk first drifts, not a step later.

    Without the probe the walk stops after one step (a = e, where the
    gradient passes the acceptance test) and is refused there.
    """
    evaluated: list[FloatArray] = []
    loglik, hessian = _objective("asymptote", 1000.0, evaluated)
    with pytest.raises(ConvergenceError) as caught:
        maximize_likelihood(
            loglik,
            names=("a", "b"),
            starts=[[1.0, math.exp(1.001)]],
            n_customers=1000.0,
            model="Ridge",
            boundaries=[_EDGE],
            hessian=hessian,
        )
    message = str(caught.value)
    assert "the likelihood is as high where a runs to infinity" in message
    assert "at the best point found, a=1, b=2.721)" in message
    estimates = caught.value.estimates
    assert estimates is not None
    assert estimates["a"] == pytest.approx(math.exp(18.0))
    # The start, then the probe far along the edge: nothing else.
    assert len(evaluated) == 2


def test_a_drifting_walk_whose_edge_is_lower_reaches_the_maximum() -> None:
    """The probe finds the edge lower; the walk goes on to a = e^5.

    The start drifts (a Newton step of 1.5, a decrement of 5.5e-6), so the
    edge is probed before the walk's first step. A million customers make
    the maximum a proper one (a standard error of 0.7 in log a).
    """
    evaluated: list[FloatArray] = []
    loglik, hessian = _objective("interior", 1e6, evaluated)
    mle = maximize_likelihood(
        loglik,
        names=("a", "b"),
        starts=[[math.exp(3.5), math.exp(1.001)]],
        n_customers=1e6,
        model="Interior",
        boundaries=[_EDGE],
        hessian=hessian,
    )
    assert mle.parameters["a"] == pytest.approx(math.exp(5.0), rel=1e-6)
    assert mle.parameters["b"] == pytest.approx(math.e, rel=1e-6)
    assert evaluated[1][0] == pytest.approx(18.0)
