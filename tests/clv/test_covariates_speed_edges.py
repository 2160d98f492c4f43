"""Edges of covariate fits, and the pieces that make those fits fast.

A coefficient can carry one group of customers to an edge of the model
(a group whose dropout has no heterogeneity, or that never drops out)
while the others stay inside: such a fit must raise, as the plain fits do
at their own edges, rather than report "converged".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from clv_helpers import apparel_summary
from customer_centric.clv import fit_bg_nbd, simulate_bg_nbd
from customer_centric.clv._bg_nbd import _BOUNDARIES as BG_NBD_EDGES
from customer_centric.clv._covariates import (
    _compress,
    _layout,
    _Likelihood,
    _Rows,
    _Starts,
    covariate_boundaries,
)
from customer_centric.clv._pareto_nbd import _BOUNDARIES as PARETO_NBD_EDGES
from customer_centric.exceptions import ConvergenceError

if TYPE_CHECKING:
    from pathlib import Path


def test_bg_nbd_on_apparel_with_dropout_covariates_raises(
    clvtools_data: Path,
) -> None:
    """Channel carries one group to one dropout probability: an edge.

    Without the group edges this fit reported "converged" with ``a`` and
    ``b`` near 10^8 and the channel's dropout coefficient near -18.
    """
    columns, cov = apparel_summary(clvtools_data, 104)
    with pytest.raises(ConvergenceError) as caught:
        fit_bg_nbd(*columns, purchase_covariates=cov, dropout_covariates=cov)
    message = str(caught.value)
    assert "a and b run to infinity together" in message
    assert "dropout covariate 'Channel'" in message
    assert "no dropout heterogeneity" in message
    assert "drop 'Channel' from dropout_covariates" in message
    # The point far along that edge, each coefficient named as the fit's
    # covariate effects name it (the search's exp(c) undone).
    estimates = caught.value.estimates
    assert estimates is not None
    assert set(estimates) == {
        "r",
        "alpha",
        "a",
        "b",
        *(f"{p}:{c}" for p in ("purchase", "dropout") for c in cov),
    }
    assert estimates["dropout:Channel"] < -10  # the group's a, b run off
    assert estimates["a"] > 1e5


def test_bg_nbd_on_apparel_with_purchase_covariates_converges(
    clvtools_data: Path,
) -> None:
    """The purchase covariates alone leave the dropout process inside."""
    columns, cov = apparel_summary(clvtools_data, 104)
    fit = fit_bg_nbd(*columns, purchase_covariates=cov)
    assert fit.diagnostics.converged
    assert fit.covariates is not None
    assert fit.covariates.purchase["Channel"] > 0


def test_group_edges_of_each_model() -> None:
    """Only edges moving exactly a process's scaled parameters get groups."""
    layout = _layout({"purchase": ("u",), "dropout": ("g", "e")}, equal=())
    bg = covariate_boundaries("BG/NBD", BG_NBD_EDGES, layout)
    # Four plain edges, then a and b together for g and for e, each with
    # the group above 0 and the group at 0.
    assert len(bg) == len(BG_NBD_EDGES) + 4
    high, low = bg[len(BG_NBD_EDGES)], bg[len(BG_NBD_EDGES) + 1]
    assert high.direction == (0, 0, 0, 0, 0, 1, 0)
    assert low.direction == (0, 0, 1, 1, 0, -1, 0)
    assert "'g' above 0" in high.parameters
    assert "runs to -infinity" in low.parameters
    pareto = covariate_boundaries("Pareto/NBD", PARETO_NBD_EDGES, layout)
    # beta to infinity: the dropout coefficient runs to -infinity.
    extra = pareto[len(PARETO_NBD_EDGES) :]
    assert [b.direction[4:] for b in extra] == [
        (0, -1, 0),
        (0, 1, 0),
        (0, 0, -1),
        (0, 0, 1),
    ]
    assert extra[1].direction[:4] == (0, 0, 0, 1)


def test_shared_coefficients_get_no_group_edges() -> None:
    """A coefficient equal on both processes moves both: no group edge."""
    layout = _layout({"purchase": ("g",), "dropout": ("g",)}, equal=("g",))
    edges = covariate_boundaries("BG/NBD", BG_NBD_EDGES, layout)
    assert len(edges) == len(BG_NBD_EDGES)


def test_customers_beyond_e21_are_walls() -> None:
    """A customer's scaled parameter past e^21 makes the point undefined."""
    sim = simulate_bg_nbd([39.0] * 50, r=0.3, alpha=4.0, a=0.8, b=2.5, seed=1)
    z = np.linspace(0.0, 1.0, 50)
    layout = _layout({"purchase": (), "dropout": ("z",)}, equal=())
    rows, covariates = _compress(
        (sim.frequency, sim.recency, sim.T, np.ones(50)),
        {"purchase": np.zeros((50, 0)), "dropout": z[:, None]},
    )
    likelihood = _Likelihood("BG/NBD", rows, covariates, layout, 0.0)
    inside = likelihood(np.array([0.3, 4.0, 0.8, 2.5, np.exp(20.0)]))
    assert np.isfinite(inside[0])
    value, gradient = likelihood(np.array([0.3, 4.0, 0.8, 2.5, np.exp(23.0)]))
    assert value == -np.inf
    assert np.isnan(gradient).all()


def test_log_gamma_terms_per_distinct_count() -> None:
    """Terms in r + x are computed once per distinct x, then gathered."""
    from scipy import special  # noqa: PLC0415

    x = np.array([0.0, 3.0, 0.0, 7.0, 3.0])
    rows = _Rows.of(x, x, x + 1)
    log_gamma, psi = rows.gamma_terms(0.7)
    np.testing.assert_allclose(
        log_gamma, special.gammaln(0.7 + x) - special.gammaln(0.7)
    )
    np.testing.assert_allclose(
        psi, special.digamma(0.7 + x) - special.digamma(0.7)
    )
    assert rows.x_unique.tolist() == [0.0, 3.0, 7.0]


def test_the_plain_optimum_is_fitted_only_when_needed() -> None:
    """The first generic start costs no plain fit; the others come after."""
    calls: list[int] = []

    def plain() -> tuple[float, ...]:
        calls.append(1)
        return (5.0, 5.0)

    starts = _Starts([(1.0, 1.0), (2.0, 2.0)], plain)
    assert starts[0] == (1.0, 1.0)
    assert not calls
    assert list(starts) == [(1.0, 1.0), (5.0, 5.0), (2.0, 2.0)]
    assert len(starts) == 3
    assert starts[1:] == [(5.0, 5.0), (2.0, 2.0)]
    assert len(calls) == 1
    failed = _Starts([(1.0,), (2.0,)], lambda: None)
    assert list(failed) == [(1.0,), (2.0,)]


def test_a_group_that_never_buys_again_is_not_a_fit() -> None:
    """A purchase coefficient running off (a group's rate to 0) raises."""
    sim = simulate_bg_nbd([52.0] * 400, r=0.8, alpha=8.0, a=0.6, b=2.5, seed=3)
    x, t_x = sim.frequency.copy(), sim.recency.copy()
    x[200:] = 0.0
    t_x[200:] = 0.0
    group = {"g": [0.0] * 200 + [1.0] * 200}
    with pytest.raises(ConvergenceError, match=r"exp\(purchase:g\)") as caught:
        fit_bg_nbd(x, t_x, sim.T, purchase_covariates=group)
    # No start found a highest point to report (each ended where the
    # Hessian is not negative definite).
    assert caught.value.estimates is None
