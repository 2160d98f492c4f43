"""Where the likelihood peaks when the fit refuses it: ``estimates``.

A ``ConvergenceError`` for an edge carries a point far along it, as
likely as the best point found; one for a flat ridge carries the ridge's
maximum; one for no maximum at all carries nothing. The bootstrap takes
these points as a resample's estimate (tests/clv/test_bootstrap_ggom.py).
"""

from __future__ import annotations

import numpy as np
import pytest

from clv_helpers import nbd_objective
from customer_centric._arrays import FloatArray
from customer_centric.clv._optimizer import (
    Boundary,
    Objective,
    maximize_likelihood,
)
from customer_centric.exceptions import ConvergenceError


def _poisson(counts: FloatArray) -> Objective:
    def loglik(theta: FloatArray) -> tuple[float, FloatArray]:
        lam = theta[0]
        return float((counts * np.log(lam) - lam).sum()), np.array(
            [(counts / lam - 1).sum()]
        )

    return loglik


def test_an_edge_carries_a_point_far_along_it() -> None:
    """Equal counts: the Poisson edge, at the counts' rate, as likely."""
    counts = np.full(40, 2.0)
    objective = nbd_objective(counts)
    with pytest.raises(ConvergenceError, match="as high where") as info:
        maximize_likelihood(
            objective,
            names=("r", "alpha"),
            starts=[(1.0, 1.0)],
            n_customers=40.0,
            model="NBD",
            boundaries=[
                Boundary(
                    direction=(1, 1),
                    parameters="r and alpha run off",
                    simpler="Poisson",
                )
            ],
        )
    estimates = info.value.estimates
    assert estimates is not None
    assert set(estimates) == {"r", "alpha"}
    # Far out (the profile starts at e^18) at the Poisson rate 2.
    assert estimates["r"] > 1e7
    assert estimates["r"] / estimates["alpha"] == pytest.approx(2, rel=1e-6)
    # The objective leaves out log(x!), as the Poisson's below.
    poisson = float((counts * np.log(2.0) - 2.0).sum())
    at_point, _ = objective(np.array([estimates["r"], estimates["alpha"]]))
    assert at_point == pytest.approx(poisson, abs=40 * 1e-5)


def test_a_flat_ridge_carries_its_maximum() -> None:
    """A rate whose standard error is 16 times its value: still the mean."""
    with pytest.raises(ConvergenceError, match="flat ridge") as info:
        maximize_likelihood(
            _poisson(np.array([0.004])),
            names=("lam",),
            starts=[[1.0]],
            n_customers=1.0,
            model="Poisson",
        )
    assert info.value.estimates is not None
    assert info.value.estimates["lam"] == pytest.approx(0.004, rel=1e-4)


def test_no_maximum_carries_nothing() -> None:
    """All-zero counts: the rate runs to 0, no point to report."""
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        maximize_likelihood(
            _poisson(np.zeros(5)),
            names=("lam",),
            starts=[[1.0]],
            n_customers=5.0,
            model="Poisson",
        )
    assert info.value.estimates is None


def test_a_ridge_beaten_by_another_start_is_not_reported() -> None:
    """A ridge point below another start's likelihood is no maximum."""

    def two_peaks(theta: FloatArray) -> tuple[float, FloatArray]:
        # A tiny bump at 0.004 (a flat ridge) and a likelihood rising
        # without bound towards large rates.
        lam = theta[0]
        value = 0.004 * np.log(lam) - lam + 1e-3 * lam**2
        gradient = 0.004 / lam - 1 + 2e-3 * lam
        return float(value), np.array([gradient])

    with pytest.raises(ConvergenceError) as info:
        maximize_likelihood(
            two_peaks,
            names=("lam",),
            starts=[[0.01], [2000.0]],
            n_customers=1.0,
            model="Bumpy",
        )
    assert "flat ridge" in str(info.value)
    assert info.value.estimates is None
