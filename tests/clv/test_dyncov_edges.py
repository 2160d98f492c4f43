"""The time-varying covariate fit at an edge of the parameter space.

``fit_pareto_nbd_dynamic`` probes the Pareto/NBD's edges (and those a
coefficient reaches) as the time-invariant covariate fits do, and its
BFGS search stops once a parameter runs beyond e^18, where the model is
at its simpler limit: along a flat edge it used to crawl on for hundreds
of evaluations, each improving by rounding noise.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Final

import numpy as np
import pytest

from customer_centric._arrays import FloatArray
from customer_centric.clv import (
    _pnbd_dyncov,
    covariate_paths,
    fit_pareto_nbd_dynamic,
    simulate_pareto_nbd_dynamic,
)
from customer_centric.clv._optimizer import _AT_EDGE, _FAR_LOG, _bfgs
from customer_centric.exceptions import ConvergenceError

START: Final = dt.date(2020, 1, 5)
WEEKS: Final = 60


def _towards_the_edge(x: FloatArray) -> tuple[float, FloatArray]:
    """Falls without end as ``x[0]`` grows; ``x[1]`` has its minimum at 1."""
    value = math.exp(-x[0]) + (x[1] - 1.0) ** 2
    return value, np.array([-math.exp(-x[0]), 2 * (x[1] - 1.0)])


def test_bfgs_stops_beyond_the_edge() -> None:
    """A search running off stops once past ``edge``, not at the box."""
    stopped = _bfgs(_towards_the_edge, np.zeros(2), 500, edge=_FAR_LOG)
    assert stopped.message == _AT_EDGE
    assert _FAR_LOG < stopped.x[0] < _FAR_LOG + 5  # one step at most
    free = _bfgs(_towards_the_edge, np.zeros(2), 500)
    assert free.message != _AT_EDGE
    assert free.nfev > stopped.nfev


def test_no_dropout_edge_raises_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hardly anyone drops out: the fit names the edge, in few evaluations.

    200 customers whose dropout rates average 0.02 a year (s = 20, beta =
    1000 weeks): the likelihood is as high where beta runs to infinity.
    Without the stop at e^18 this base took 874 evaluations.
    """
    n = 200
    table: dict[str, list[Any]] = {
        "customer_id": [f"c{i}" for i in range(n) for _ in range(WEEKS)],
        "period_start": [
            START + dt.timedelta(weeks=w)
            for _ in range(n)
            for w in range(WEEKS)
        ],
        "season": [float(w % 13 < 4) for _ in range(n) for w in range(WEEKS)],
    }
    sim = simulate_pareto_nbd_dynamic(
        table,
        first_purchases={
            f"c{i}": START + dt.timedelta(days=i % 28) for i in range(n)
        },
        end=START + dt.timedelta(weeks=WEEKS - 1),
        seed=2,
        r=0.9,
        alpha=8.0,
        s=20.0,
        beta=1000.0,
        purchase={"season": 0.8},
        dropout={},
    )
    paths = covariate_paths(
        sim.transactions,
        covariates=table,
        calibration_end=START + dt.timedelta(weeks=40),
    )
    evaluations = []
    objective = _pnbd_dyncov._Objective.__call__

    def counted(
        self: _pnbd_dyncov._Objective, theta: FloatArray
    ) -> tuple[float, FloatArray]:
        evaluations.append(1)
        return objective(self, theta)

    monkeypatch.setattr(_pnbd_dyncov._Objective, "__call__", counted)
    with pytest.raises(
        ConvergenceError, match="beta runs to infinity"
    ) as caught:
        fit_pareto_nbd_dynamic(paths, purchase_covariates=["season"])
    assert len(evaluations) < 200
    # The point far along that edge, the coefficient as itself (not exp).
    estimates = caught.value.estimates
    assert estimates is not None
    assert set(estimates) == {"r", "alpha", "s", "beta", "purchase:season"}
    assert estimates["beta"] > 1e7
    assert 0 < estimates["purchase:season"] < 2  # the truth is 0.8
