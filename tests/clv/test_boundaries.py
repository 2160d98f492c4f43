"""Fits whose likelihood is highest at an edge of the parameter space.

Every base here has its supremum on a boundary by construction: a base of
identical customers is fitted best by a point mass (no heterogeneity), and
customers who buy right up to the end of observation, or a cohort that
never churns, show no dropout. The error must name the edge and the
simpler model, whichever start the optimizer takes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from clv_helpers import nbd_objective
from customer_centric._arrays import FloatArray
from customer_centric.clv import (
    ParetoNbdFit,
    compress,
    fit_bg_bb,
    fit_bg_nbd,
    fit_pareto_nbd,
    fit_sbg,
)
from customer_centric.clv._bg_nbd import _BOUNDARIES as BG_NBD_EDGES
from customer_centric.clv._bg_nbd import _Likelihood as BgNbdLikelihood
from customer_centric.clv._optimizer import (
    Boundary,
    Objective,
    maximize_likelihood,
)
from customer_centric.clv._pareto_nbd import _BOUNDARIES as PARETO_EDGES
from customer_centric.clv._pareto_nbd import _Likelihood as ParetoLikelihood
from customer_centric.exceptions import ConvergenceError

_SAME = ([2] * 200, [30.0] * 200, [39.0] * 200)


@pytest.mark.parametrize(
    ("fit", "args", "model", "simpler"),
    [
        (fit_bg_nbd, _SAME, "BG/NBD", "no dropout|no .*heterogeneity"),
        (fit_pareto_nbd, _SAME, "Pareto/NBD", "no dropout|no .*heterogeneity"),
        (
            fit_bg_nbd,
            ([10] * 50, [39.0] * 50, [39.0] * 50),
            "BG/NBD",
            "no dropout|no .*heterogeneity",
        ),
        (
            fit_bg_bb,
            ([3] * 50, [5] * 50, [6] * 50),
            "BG/BB",
            "no dropout|no .*heterogeneity",
        ),
        (
            fit_sbg,
            ([100, 100, 100, 100],),
            "shifted-beta-geometric",
            "no churn",
        ),
    ],
    ids=[
        "bg-nbd-identical",
        "pareto-identical",
        "bg-nbd-buys-to-the-end",
        "bg-bb-identical",
        "sbg-no-churn",
    ],
)
def test_boundary_optimum_names_the_simpler_model(
    fit: Callable[..., object],
    args: tuple[list[float], ...],
    model: str,
    simpler: str,
) -> None:
    """An optimum on an edge raises ConvergenceError naming the edge."""
    with pytest.raises(ConvergenceError) as info:
        fit(*args)
    message = str(info.value)
    assert message.startswith(
        f"{model} fit did not converge to an interior optimum"
    )
    assert re.search(f"simpler model with ({simpler})", message), message


def _likelihood(kind: str) -> tuple[Objective, Sequence[Boundary]]:
    data = compress(*_SAME)
    columns = (data.frequency, data.recency, data.T, data.weights)
    if kind == "bg-nbd":
        return BgNbdLikelihood(*columns), BG_NBD_EDGES
    return ParetoLikelihood(*columns), PARETO_EDGES


@pytest.mark.parametrize("kind", ["bg-nbd", "pareto"])
@pytest.mark.parametrize(
    "start",
    [
        (1.0, 1.0, 1.0, 1.0),
        (0.1, 2.0, 0.5, 5.0),
        (5.0, 100.0, 2.0, 0.5),
        (50.0, 1000.0, 1.0, 30.0),
    ],
    ids=["unit", "small-r", "large-r", "far-out"],
)
def test_boundary_is_found_from_every_start(
    kind: str, start: tuple[float, ...]
) -> None:
    """Wherever the optimizer stops, the edge is recognised the same way."""
    objective, boundaries = _likelihood(kind)
    names = (
        ("r", "alpha", "a", "b")
        if kind == "bg-nbd"
        else ParetoNbdFit.parameter_names
    )
    with pytest.raises(
        ConvergenceError,
        match=r"(interior optimum|degenerate model where).* the simpler "
        "model with no",
    ):
        maximize_likelihood(
            objective,
            names=names,
            starts=[start],
            n_customers=200.0,
            model=kind,
            boundaries=boundaries,
        )


_FLAT_EDGE = Boundary(
    direction=(0, 1), parameters="b runs to infinity", simpler="no b"
)


def _rising_to_the_edge(
    theta: FloatArray,
) -> tuple[float, FloatArray]:
    """``10 (-(log a - 1)^2 - 1/b)``: concave, rising ever less as b grows."""
    a, b = theta
    value = 10 * (-((np.log(a) - 1) ** 2) - 1 / b)
    return float(value), np.array([-20 * (np.log(a) - 1) / a, 10 / b**2])


def _from_two_starts(objective: Objective, second: tuple[float, ...]) -> None:
    """Maximise a two-parameter likelihood from (1, 1), then ``second``."""
    maximize_likelihood(
        objective,
        names=("a", "b"),
        starts=[(1.0, 1.0), second],
        n_customers=10.0,
        model="Test",
        boundaries=[_FLAT_EDGE],
    )


def test_a_start_stopped_short_of_an_edge_as_high_ends_the_search() -> None:
    """The first start's answer is the edge: no other start is searched.

    The search stops where the gradient vanishes and the Hessian is
    negative definite, but a Newton step would still move ``log b`` by
    0.5: drifting towards the edge, whose profile is as high. The fit is
    refused there, as a start at a proper maximum would be accepted,
    without evaluating the next start.
    """
    unused = np.full(2, 7.0)

    def watched(theta: FloatArray) -> tuple[float, FloatArray]:
        assert not np.allclose(theta, unused), "the next start was searched"
        return _rising_to_the_edge(theta)

    with pytest.raises(ConvergenceError, match="as high where b runs"):
        _from_two_starts(watched, tuple(unused))


def test_a_start_stopped_at_a_saddle_goes_on_to_the_next() -> None:
    """A saddle may rise elsewhere: the next start is searched.

    ``-(log a)^2 - exp(-(log b)^2)``: from ``b = 1`` the search stays on
    ``log b = 0``, where the gradient vanishes and the likelihood is
    lowest along ``log b``; the edge (``b`` to infinity) is higher, but
    the fit is not refused before the next start has run.
    """
    other = np.array([1.0, np.exp(0.5)])
    searched = []

    def saddle(theta: FloatArray) -> tuple[float, FloatArray]:
        searched.append(np.allclose(theta, other))
        u, v = np.log(theta)
        bump = np.exp(-(v**2))
        value = 10 * (-(u**2) - bump)
        return float(value), np.array([-20 * u, 20 * v * bump]) / theta

    with pytest.raises(ConvergenceError):
        _from_two_starts(saddle, tuple(other))
    assert any(searched)


_RATE_EDGE = Boundary(
    direction=(1, 1), parameters="r and alpha run off", simpler="Poisson"
)


@pytest.mark.parametrize(
    "counts",
    [[2.0] * 40, [1.0, 2.0, 3.0] * 20],
    ids=["equal-counts", "under-dispersed"],
)
def test_poisson_counts_put_the_nbd_on_its_edge(counts: list[float]) -> None:
    """Counts no more spread than Poisson have no gamma heterogeneity."""
    with pytest.raises(
        ConvergenceError,
        match=r"as high where r and alpha run off .* model with Poisson",
    ):
        maximize_likelihood(
            nbd_objective(np.array(counts)),
            names=("r", "alpha"),
            starts=[(1.0, 1.0), (10.0, 5.0)],
            n_customers=float(len(counts)),
            model="NBD",
            boundaries=[_RATE_EDGE],
        )


def test_overdispersed_counts_fit_the_nbd_inside() -> None:
    """Counts more spread than Poisson give an interior NBD optimum."""
    counts = np.array([0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 4.0, 8.0] * 10)
    mle = maximize_likelihood(
        nbd_objective(counts),
        names=("r", "alpha"),
        starts=[(1.0, 1.0)],
        n_customers=float(counts.size),
        model="NBD",
        boundaries=[_RATE_EDGE],
    )
    # The mean of the NBD, r / alpha, is the sample mean at the optimum.
    assert mle.parameters["r"] / mle.parameters["alpha"] == pytest.approx(
        counts.mean(), rel=1e-5
    )
