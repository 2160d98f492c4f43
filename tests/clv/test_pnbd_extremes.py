"""Pareto/NBD predictions over the whole parameter box, plain and correlated.

Parameters run from 1e-13 to 1e13 (the box the fits search). Two
failures lived here: where ``beta + t_x`` is far below ``alpha + t_x``
the integrand's ``beta + y`` cancelled to below 0 (P(alive) NaN for a
customer without repeat purchases at ``alpha = 1000``, ``beta = 1e-13``),
and the correlated model's four likelihoods, thousands of log-units
apart, overflowed their ratio (NaN even at ``omega = 0``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import integrate

from customer_centric.clv import ParetoNbdCorrelatedFit, ParetoNbdFit
from customer_centric.clv._pnbd_correlated import omega_limits
from customer_centric.exceptions import DataError

_BOX = (1e-13, 1.0, 1e13)
_X = np.array([0.0, 3.0, 40.0])
_T_X = np.array([0.0, 20.0, 38.0])
_T = np.full(3, 39.0)
_CORNERS = [
    *itertools.product(_BOX, repeat=4),
    (1e-13, 1000.0, 1e-13, 1e-13),  # beta + y cancelled (x = 0)
    (1e-13, 1e-13, 1000.0, 1e-13),  # the mix's ratios overflowed
]


def _reference_alive(
    params: tuple[float, float, float, float], x: float, t_x: float
) -> float:
    """P(alive) at T = 39 with the integral by scipy, in ``log(beta + y)``."""
    r, alpha, s, beta = params

    def integrand(z: float) -> float:
        b_y = np.exp(z)
        return float((alpha - beta + b_y) ** -(r + x) * b_y**-s)

    lower, upper = np.log(beta + t_x), np.log(beta + 39.0)
    integral, _ = integrate.quad(
        integrand, lower, upper, epsabs=0, epsrel=1e-13, limit=200
    )
    alive = (alpha + 39.0) ** -(r + x) * (beta + 39.0) ** -s
    return float(alive / (alive + s * integral))


@pytest.mark.parametrize(
    ("params", "x", "t_x", "rtol"),
    [
        ((1e-13, 1000.0, 1e-13, 1e-13), 0.0, 0.0, 1e-10),
        ((0.5, 1e6, 0.7, 1e-6), 2.0, 10.0, 1e-6),
        ((1.0, 1e8, 1.0, 1e-3), 0.0, 0.0, 1e-4),
    ],
)
def test_beta_far_below_alpha(
    params: tuple[float, float, float, float],
    x: float,
    t_x: float,
    rtol: float,
) -> None:
    """P(alive) matches the integral where ``beta + y`` used to cancel."""
    model = ParetoNbdFit.from_parameters(
        r=params[0], alpha=params[1], s=params[2], beta=params[3]
    )
    alive = float(model.probability_alive(x, t_x, 39.0))
    assert alive == pytest.approx(_reference_alive(params, x, t_x), rel=rtol)


@pytest.mark.parametrize("params", _CORNERS)
def test_plain_predictions_are_finite_everywhere(
    params: tuple[float, float, float, float],
) -> None:
    """P(alive) in [0, 1], expected purchases finite and >= 0."""
    model = ParetoNbdFit.from_parameters(
        r=params[0], alpha=params[1], s=params[2], beta=params[3]
    )
    alive = model.probability_alive(_X, _T_X, _T)
    assert ((alive >= 0) & (alive <= 1)).all()
    expected = model.conditional_expected_purchases(10.0, _X, _T_X, _T)
    assert (np.isfinite(expected) & (expected >= 0)).all()


def _omegas(params: tuple[float, float, float, float]) -> list[float]:
    """0 and half of each end of omega's range (ends capped at 1e6)."""
    lower, upper = omega_limits(*params)
    return [0.0, max(lower, -1e6) / 2, min(upper, 1e6) / 2]


@pytest.mark.parametrize("params", _CORNERS)
def test_correlated_predictions_are_finite_or_refused(
    params: tuple[float, float, float, float],
) -> None:
    """In range and finite, or DataError where the mix cancels; never NaN.

    At ``omega = 0`` every prediction is the plain model's.
    """
    r, alpha, s, beta = params
    plain = ParetoNbdFit.from_parameters(r=r, alpha=alpha, s=s, beta=beta)
    for omega in _omegas(params):
        model = ParetoNbdCorrelatedFit.from_parameters(
            r=r, alpha=alpha, s=s, beta=beta, omega=omega
        )
        assert np.isfinite(model.individual_log_likelihood(_X, _T_X, _T)).all()
        try:
            alive = model.probability_alive(_X, _T_X, _T)
            expected = model.conditional_expected_purchases(10.0, _X, _T_X, _T)
        except DataError:
            assert omega != 0  # the mix cancels (see the test below)
            continue
        assert ((alive >= 0) & (alive <= 1)).all()
        assert (np.isfinite(expected) & (expected >= 0)).all()
        if omega == 0:
            np.testing.assert_allclose(
                alive, plain.probability_alive(_X, _T_X, _T), rtol=1e-12
            )
            np.testing.assert_allclose(
                expected,
                plain.conditional_expected_purchases(10.0, _X, _T_X, _T),
                rtol=1e-12,
            )


def test_a_mix_that_cancels_is_refused() -> None:
    """At omega = 1.4e12 P(alive) came out as 1.00006; now an error."""
    model = ParetoNbdCorrelatedFit.from_parameters(
        r=1e-13, alpha=1e-3, s=1.0, beta=1e13, omega=1445957264259.5454
    )
    with pytest.raises(DataError, match=r"omega = 1\.44596e\+12 is too large"):
        model.probability_alive(_X, _T_X, _T)
