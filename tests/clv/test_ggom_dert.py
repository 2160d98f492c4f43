"""DERT of the GGom/NBD model, and its delta-method interval."""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from customer_centric.clv import (
    GgomNbdFit,
    ParetoNbdFit,
    delta_interval,
    dert,
    fit_ggom_nbd,
    new_customer_dert,
    simulate_ggom_nbd,
)
from customer_centric.exceptions import DataError

FHL_RATE: Final = math.log(1.15) / 52
"""FHL (2005): 15 % a year, continuously compounded, per week."""

MODELS: Final = {
    "BTYDplus example": GgomNbdFit.from_parameters(
        r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55
    ),
    "Bemmaor-Glady CDNOW": GgomNbdFit.from_parameters(
        r=0.553, alpha=10.578, b=0.0002, s=0.603, beta=0.0026
    ),
    "abrupt deaths": GgomNbdFit.from_parameters(
        r=1.0, alpha=2.0, b=2.0, s=0.05, beta=0.01
    ),
    "long lives": GgomNbdFit.from_parameters(
        r=1.0, alpha=2.0, b=1e-4, s=5.0, beta=100.0
    ),
}
HISTORIES: Final = [
    (0, 0.0, 32.0),
    (2, 30.0, 32.0),
    (2, 5.0, 32.0),
    (12, 31.0, 32.0),
    (0, 0.0, 0.0),
]


def _discounted_expectation(
    fit: GgomNbdFit, x: float, t_x: float, big_t: float, delta: float
) -> float:
    """``delta * integral exp(-delta t) E[X(T, T+t)] dt`` (by parts)."""

    def integrand(t: float) -> float:
        expected = fit.conditional_expected_purchases(t, x, t_x, big_t)
        return delta * math.exp(-delta * t) * float(expected)

    value, _ = integrate.quad(integrand, 0, np.inf, limit=500, epsrel=1e-11)
    return float(value)


@pytest.mark.parametrize("name", list(MODELS))
@pytest.mark.parametrize("history", HISTORIES, ids=[str(h) for h in HISTORIES])
def test_dert_is_the_discounted_conditional_expectation(
    name: str, history: tuple[float, float, float]
) -> None:
    """DERT equals the discounted integral of E[X(T, T+t)], to 1e-9.

    An independent path: the model's own conditional expectation (its
    survival integral on Gauss-Legendre panels) integrated by adaptive
    quadrature, against DERT's tanh-sinh integral on the discount scale.
    The expected rate at ``T + t`` is the derivative of ``E[X(T, T+t)]``,
    so integrating by parts turns its discounted integral into this one.
    """
    fit = MODELS[name]
    expected = _discounted_expectation(fit, *history, FHL_RATE)
    got = float(dert(fit, *history, discount_rate=FHL_RATE))
    assert got == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("name", list(MODELS))
def test_new_customer_is_dert_at_zero(name: str) -> None:
    """A new customer's DERT is DERT at x = t_x = T = 0 (alive)."""
    fit = MODELS[name]
    new = new_customer_dert(fit, discount_rate=FHL_RATE)
    assert new == float(dert(fit, 0, 0.0, 0.0, discount_rate=FHL_RATE))
    assert new == pytest.approx(
        _discounted_expectation(fit, 0, 0.0, 0.0, FHL_RATE), rel=1e-9
    )


def test_pareto_nbd_edge() -> None:
    """With b and beta tiny, beta/b fixed, DERT is the Pareto/NBD's.

    Bemmaor & Glady (2012): as b and beta go to 0 with beta/b fixed the
    Gompertz lifetime becomes the Pareto/NBD's; the FHL (2005) CDNOW
    parameters give the Pareto/NBD's DERT of 6.50 for the customer with 2
    repeat purchases, the last at 30.43 of 38.86 weeks (FHL's Figure 3
    reads about 6.5).
    """
    pareto = ParetoNbdFit.from_parameters(
        r=0.553, alpha=10.578, s=0.606, beta=11.669
    )
    b = 1e-7
    ggom = GgomNbdFit.from_parameters(
        r=0.553, alpha=10.578, b=b, s=0.606, beta=11.669 * b
    )
    histories = ([0, 2, 2], [0.0, 30.43, 5.0], 38.86)
    np.testing.assert_allclose(
        dert(ggom, *histories, discount_rate=FHL_RATE),
        dert(pareto, *histories, discount_rate=FHL_RATE),
        rtol=1e-5,
    )
    assert new_customer_dert(ggom, discount_rate=FHL_RATE) == pytest.approx(
        new_customer_dert(pareto, discount_rate=FHL_RATE), rel=1e-5
    )


@given(
    x=st.integers(0, 50),
    share=st.floats(0.0, 1.0),
    big_t=st.floats(0.0, 200.0),
    delta=st.floats(1e-4, 1.0),
)
def test_dert_bounds(x: int, share: float, big_t: float, delta: float) -> None:
    """0 < DERT < P(alive) (r+x)/(alpha+T) / delta, finite, any history.

    The customer's discounted count can be no more than a customer who
    lives forever at the posterior mean rate expects.
    """
    fit = MODELS["BTYDplus example"]
    t_x = 0.0 if x == 0 else share * big_t
    value = float(dert(fit, x, t_x, big_t, discount_rate=delta))
    alive = float(fit.probability_alive(x, t_x, big_t))
    ceiling = alive * (fit.r + x) / (fit.alpha + big_t) / delta
    assert 0 <= value <= ceiling * (1 + 1e-12)
    assert math.isfinite(value)


def test_dert_falls_with_the_discount_rate() -> None:
    """A higher discount rate lowers DERT."""
    fit = MODELS["BTYDplus example"]
    values = [
        float(dert(fit, 2, 30.0, 32.0, discount_rate=d))
        for d in (0.001, 0.01, 0.1)
    ]
    assert values[0] > values[1] > values[2] > 0


def test_dert_broadcasts_per_customer() -> None:
    """One value per customer, in the broadcast shape of the inputs."""
    fit = MODELS["BTYDplus example"]
    values = dert(fit, [0, 2, 2], [0.0, 30.0, 5.0], 32.0, discount_rate=0.01)
    assert values.shape == (3,)
    for i, (x, t_x) in enumerate([(0, 0.0), (2, 30.0), (2, 5.0)]):
        assert values[i] == pytest.approx(
            float(dert(fit, x, t_x, 32.0, discount_rate=0.01)), rel=1e-12
        )


def test_ggom_refuses_covariates() -> None:
    """A GGom/NBD fit without covariates refuses covariates."""
    fit = MODELS["BTYDplus example"]
    with pytest.raises(DataError, match="no covariates"):
        dert(fit, 0, 0.0, 32.0, discount_rate=0.01, purchase_covariates={})


@pytest.fixture(scope="module")
def fitted() -> GgomNbdFit:
    """GGom/NBD fitted to 2,000 customers simulated over 32 weeks."""
    sim = simulate_ggom_nbd(
        [32.0] * 2000, r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55, seed=7
    )
    return fit_ggom_nbd(sim.frequency, sim.recency, sim.T)


def test_delta_interval_of_ggom_dert(fitted: GgomNbdFit) -> None:
    """DERT of a GGom/NBD fit gets a delta interval around the estimate.

    Over all five parameters from the fit's covariance; it holds the
    true model's DERT for these customers, whose data it was fitted on.
    """
    truth = MODELS["BTYDplus example"]

    def residual(fit: GgomNbdFit) -> np.typing.ArrayLike:
        return dert(fit, [0, 2, 2], [0.0, 30.0, 5.0], 32.0, discount_rate=0.01)

    interval = delta_interval(fitted, residual, confidence=0.95)
    assert (interval.lower < interval.estimate).all()
    assert (interval.estimate < interval.upper).all()
    true = np.asarray(residual(truth))
    assert ((interval.lower <= true) & (true <= interval.upper)).all()
    new = delta_interval(
        fitted,
        lambda fit: new_customer_dert(fit, discount_rate=0.01),
        confidence=0.95,
    )
    assert new.lower < new_customer_dert(truth, discount_rate=0.01) < new.upper
