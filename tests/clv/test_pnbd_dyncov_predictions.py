"""Intervals and DERT of the Pareto/NBD with time-varying covariates.

Covers ``ParetoNbdDynamicFit.discounted_expected_residual_purchases`` and
P(alive) at its edge in ``clv/_pnbd_dyncov.py`` and
``clv/_dyncov_likelihood.py``: P(alive) is exactly 1 with no time after
the last purchase, so logit delta intervals work; the intervals contain
the estimate and widen with fewer customers; DERT is the static model's
with constant covariates and the discounted integral of the CET
increments otherwise.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clv_helpers import DYNAMIC_TRUTH, SEASON_START, seasonal_table
from customer_centric.clv import (
    CovariatePaths,
    ParetoNbdDynamicFit,
    ParetoNbdFit,
    covariate_paths,
    delta_interval,
    dert,
    fit_pareto_nbd_dynamic,
    simulate_pareto_nbd_dynamic,
)
from customer_centric.exceptions import ArgumentTypeError, DataError

START = SEASON_START
TRUTH: dict[str, Any] = {**DYNAMIC_TRUTH, "r": 1.0}


def _simulated(
    n: int, weeks: int, *, far: int | None = None
) -> tuple[list[Any], CovariatePaths]:
    sim = simulate_pareto_nbd_dynamic(
        seasonal_table(n, weeks),
        first_purchases={
            f"c{i}": START + dt.timedelta(days=i % 28) for i in range(n)
        },
        end=START + dt.timedelta(weeks=weeks - 1),
        seed=5,
        **TRUTH,
    )
    paths = covariate_paths(
        sim.transactions,
        covariates=seasonal_table(n, weeks, far=far),
        calibration_end=START + dt.timedelta(weeks=26),
    )
    return list(sim.transactions), paths


@pytest.fixture(scope="module")
def base() -> tuple[list[Any], CovariatePaths]:
    """600 simulated customers, 26 weeks of calibration, 13 ahead."""
    return _simulated(600, 40)


def _keep(
    log: list[Any], table: dict[str, list[Any]], few: int
) -> CovariatePaths:
    ids = {f"c{i}" for i in range(few)}
    rows = [c in ids for c in table["customer_id"]]
    return covariate_paths(
        [t for t in log if t.customer_id in ids],
        covariates={
            k: [v for v, keep in zip(values, rows, strict=True) if keep]
            for k, values in table.items()
        },
        calibration_end=START + dt.timedelta(weeks=26),
    )


# --------------------------------------------------------------------------
# P(alive) at its edge, and delta intervals
# --------------------------------------------------------------------------


def test_alive_is_exactly_one_at_the_edge(
    base: tuple[list[Any], CovariatePaths],
) -> None:
    """No time after the last purchase: P(alive) 1.0, not 1 +/- 2e-16.

    Before, P(alive) was the prefactor recomputed over the likelihood,
    which rounding left just above or below 1, and a logit delta interval
    failed (its moved values fell on the scale's edge).
    """
    _, paths = base
    fit = ParetoNbdDynamicFit.from_parameters(**TRUTH)
    alive = fit.probability_alive(paths)
    edge = paths.recency == paths.T
    assert edge.any()
    assert (alive[edge] == 1.0).all()
    assert (alive[~edge] < 1.0).all()
    # Beyond the trusted scale the likelihood is a wall: NaN, not a value.
    wall = ParetoNbdDynamicFit.from_parameters(
        **{**TRUTH, "purchase": {"season": -40.0}}
    )
    assert np.isnan(wall.probability_alive(paths)).all()


def test_delta_intervals_contain_the_estimate_and_widen(
    base: tuple[list[Any], CovariatePaths],
) -> None:
    """P(alive) (logit) and the CET sum (log), from 600 and 150 customers.

    Both intervals are for the same 150 customers; the fit on them alone
    gives wider ones (on average for P(alive)).
    """
    log, paths = base
    few = _keep(log, seasonal_table(600, 40), 150)
    widths = []
    for customers in (paths, few):
        fit = fit_pareto_nbd_dynamic(customers, purchase_covariates=["season"])
        alive = delta_interval(
            fit,
            lambda f: f.probability_alive(few),
            confidence=0.9,
            scale="logit",
        )
        total = delta_interval(
            fit,
            lambda f: f.conditional_expected_purchases(13.0, few).sum(),
            confidence=0.9,
        )
        for interval in (alive, total):
            assert (interval.lower <= interval.estimate).all()
            assert (interval.estimate <= interval.upper).all()
        edge = few.recency == few.T
        np.testing.assert_array_equal(alive.lower[edge], 1.0)
        assert (alive.lower[~edge] < alive.estimate[~edge]).all()
        widths.append(
            (
                float(np.mean(alive.upper - alive.lower)),
                float(total.upper - total.lower),
            )
        )
    (alive_all, total_all), (alive_few, total_few) = widths
    assert alive_few > 1.5 * alive_all
    assert total_few > 1.5 * total_all
    residual = delta_interval(
        fit,
        lambda f: f.discounted_expected_residual_purchases(
            0.01, few, horizon=13.0
        ).sum(),
        confidence=0.9,
    )
    assert residual.lower < residual.estimate < residual.upper


# --------------------------------------------------------------------------
# DERT
# --------------------------------------------------------------------------


def test_dert_reduces_to_the_static_model() -> None:
    """Constant covariates: the static Pareto/NBD's DERT, to 1e-8.

    The table runs 5,900 weeks past the calibration end (one far period),
    where the discount factor at 1 % a week is e^-59.
    """
    _, paths = _simulated(40, 40, far=3000)
    group = np.array([float(int(c[1:]) % 2) for c in paths.customer_ids])
    delta = 0.01
    for s in (0.7, 1.0, 3.0):
        gammas = (0.3, -0.4)
        model = ParetoNbdDynamicFit.from_parameters(
            r=0.9,
            alpha=8.0,
            s=s,
            beta=12.0,
            purchase={"group": gammas[0]},
            dropout={"group": gammas[1]},
        )
        ours = model.discounted_expected_residual_purchases(delta, paths)
        static = [
            dert(
                ParetoNbdFit.from_parameters(
                    r=0.9,
                    alpha=8.0 * math.exp(-gammas[0] * g),
                    s=s,
                    beta=12.0 * math.exp(-gammas[1] * g),
                ),
                paths.frequency,
                paths.recency,
                paths.T,
                discount_rate=delta,
            )
            for g in (0.0, 1.0)
        ]
        np.testing.assert_allclose(
            ours, np.where(group == 1, static[1], static[0]), rtol=1e-8
        )


def test_dert_is_the_discounted_cet_increments(
    base: tuple[list[Any], CovariatePaths],
) -> None:
    """Up to a horizon: the sum of e^(-delta t) dCET on a fine grid.

    The season switches on and off over the 13 weeks, and both
    coefficients act on both processes. The midpoint sum's own error is
    about 4e-8.
    """
    log, _ = base
    paths = _keep(log, seasonal_table(600, 40), 100)
    model = ParetoNbdDynamicFit.from_parameters(**TRUTH)
    delta, horizon = 0.05, 13.0
    ours = model.discounted_expected_residual_purchases(
        delta, paths, horizon=horizon
    )
    times = np.linspace(0.0, horizon, 401)
    cet = np.array(
        [model.conditional_expected_purchases(t, paths) for t in times]
    )
    middle = (times[1:] + times[:-1]) / 2
    increments = np.exp(-delta * middle)[:, None] * np.diff(cet, axis=0)
    np.testing.assert_allclose(ours, increments.sum(axis=0), rtol=1e-6)
    assert (ours < cet[-1]).all()
    zero = model.discounted_expected_residual_purchases(
        delta, paths, horizon=0
    )
    np.testing.assert_array_equal(zero, 0.0)


def test_dert_needs_covariates_far_enough(
    base: tuple[list[Any], CovariatePaths],
) -> None:
    """DERT forever needs the table to outrun the discounting."""
    _, paths = base
    model = ParetoNbdDynamicFit.from_parameters(**TRUTH)
    with pytest.raises(DataError, match=r"must run at least 1381\.55"):
        model.discounted_expected_residual_purchases(0.01, paths)
    assert paths.horizon == 14.0
    for bad in (-1.0, 14.5, math.nan):
        with pytest.raises(DataError, match="horizon must be between"):
            model.discounted_expected_residual_purchases(
                0.01, paths, horizon=bad
            )
    with pytest.raises(ArgumentTypeError, match="horizon"):
        model.discounted_expected_residual_purchases(
            0.01,
            paths,
            horizon="13",  # type: ignore[arg-type]
        )
    with pytest.raises(DataError, match="discount_rate"):
        model.discounted_expected_residual_purchases(0.0, paths, horizon=1)


_logs = st.floats(-1.5, 1.5)
_coefficients = st.floats(-1.0, 1.0)


@given(
    st.tuples(_logs, _logs, _logs, _logs),
    st.tuples(_coefficients, _coefficients),
    st.floats(1e-4, 0.5),
    st.floats(0.0, 14.0),
)
# Found by CI: all the dropout mass on one side of the split, so the
# other side's quantiles are infinite rates (a NaN, once).
@example((0.0, 0.0, 0.0, 0.0), (0.0, -1.0), 0.5, 0.0)
def test_dert_lies_between_the_discounted_ends_of_cet(
    logs: tuple[float, float, float, float],
    gammas: tuple[float, float],
    delta: float,
    horizon: float,
) -> None:
    """``e^(-delta h) CET(h) <= DERT(h) <= CET(h)``, non-decreasing in h."""
    paths = _small_base()
    r, alpha, s, beta = np.exp(logs) * np.array([1.0, 8.0, 1.0, 12.0])
    model = ParetoNbdDynamicFit.from_parameters(
        r=r,
        alpha=alpha,
        s=s,
        beta=beta,
        purchase={"season": gammas[0], "group": gammas[1]},
        dropout={"season": gammas[1]},
    )
    ours = model.discounted_expected_residual_purchases(
        delta, paths, horizon=horizon
    )
    cet = model.conditional_expected_purchases(horizon, paths)
    tolerance = 1e-9 * cet + 1e-15
    assert (ours <= cet + tolerance).all()
    assert (ours >= math.exp(-delta * horizon) * cet - tolerance).all()
    whole = model.discounted_expected_residual_purchases(
        delta, paths, horizon=paths.horizon
    )
    assert (whole >= ours - tolerance).all()


@functools.cache
def _small_base() -> CovariatePaths:
    """40 simulated customers."""
    return _simulated(40, 40)[1]
