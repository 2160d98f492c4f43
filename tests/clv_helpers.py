"""Shared data loaders and checks of the probabilistic-model tests.

Used by ``tests/clv/``: reading the reference CSV files, a seasonal
covariate table for the time-varying covariate tests, and the
properties every purchase-count model must have (P(alive) a probability,
expectations non-negative and non-decreasing in the horizon, finite for
heavy buyers, ``P(X(t) = n)`` a distribution with mean ``E[X(t)]``).
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from customer_centric._arrays import FloatArray

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from customer_centric.clv import (
        BgNbdFit,
        CovariatePaths,
        ParetoNbdFit,
        PurchaseModel,
    )
    from customer_centric.value import RFMSummary, Transaction

Columns = tuple[FloatArray, FloatArray, FloatArray]
"""Frequency, recency and T, one value per customer."""


def fhl_models() -> dict[str, BgNbdFit | ParetoNbdFit]:
    """BG/NBD and Pareto/NBD with FHL 2005's published CDNOW parameters."""
    from customer_centric.clv import BgNbdFit, ParetoNbdFit  # noqa: PLC0415

    return {
        "BG/NBD": BgNbdFit.from_parameters(
            r=0.243, alpha=4.414, a=0.793, b=2.426
        ),
        "Pareto/NBD": ParetoNbdFit.from_parameters(
            r=0.553, alpha=10.578, s=0.606, beta=11.669
        ),
    }


def read_columns(path: Path, *names: str) -> list[FloatArray]:
    """The named columns of a CSV file, as float arrays."""
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [np.array([float(r[name]) for r in rows]) for name in names]


def cdnow_summary(shared_data: Path) -> Columns:
    """The CDNOW calibration summary (2,357 customers, weeks)."""
    x, t_x, big_t = read_columns(
        shared_data / "cdnow_customers_summary.csv",
        "frequency",
        "recency",
        "T",
    )
    return x, t_x, big_t


def assert_probability_alive_is_a_probability(
    fit: PurchaseModel, history: tuple[float, float, float]
) -> None:
    """P(alive) of ``history`` lies in [0, 1]."""
    alive = fit.probability_alive(*history)
    assert 0 <= alive <= 1


def assert_expected_purchases_non_decreasing(
    fit: PurchaseModel,
    history: tuple[float, float, float],
    t1: float,
    t2: float,
) -> None:
    """Expected purchases are >= 0 and do not fall as the horizon grows."""
    lo, hi = sorted((t1, t2))
    e_lo = fit.conditional_expected_purchases(lo, *history)
    e_hi = fit.conditional_expected_purchases(hi, *history)
    assert np.isfinite(e_hi)
    assert 0 <= e_lo <= e_hi * (1 + 1e-9) + 1e-12
    n_lo, n_hi = fit.expected_purchases([lo, hi])
    assert 0 <= n_lo <= n_hi * (1 + 1e-9) + 1e-12


def assert_finite_predictions(
    fit: PurchaseModel, x: float, t_x: float, big_t: float
) -> None:
    """P(alive) is finite in [0, 1] and the expectation finite and >= 0."""
    alive = fit.probability_alive(x, t_x, big_t)
    expected = fit.conditional_expected_purchases(39, x, t_x, big_t)
    assert np.isfinite(alive)
    assert 0 <= alive <= 1
    assert np.isfinite(expected)
    assert expected >= 0


def assert_count_distribution(
    fit: BgNbdFit | ParetoNbdFit, n: FloatArray, t: float
) -> None:
    """``P(X(t) = n)`` over ``n`` sums to 1 and its mean is ``E[X(t)]``."""
    p = fit.probability_of_purchases(n, t)
    assert p.sum() == pytest.approx(1, abs=1e-9)
    assert (n * p).sum() == pytest.approx(
        float(fit.expected_purchases(t)), rel=1e-8
    )


def clvtools_log(path: Path) -> list[Transaction]:
    """A CLVTools transaction file (``Id``, ``Date``, ``Price``) as a log."""
    from decimal import Decimal  # noqa: PLC0415

    import customer_centric as cc  # noqa: PLC0415

    with path.open(encoding="utf-8") as f:
        return [
            cc.Transaction(
                customer_id=cc.CustomerId(row["Id"]),
                occurred_at=dt.date.fromisoformat(row["Date"]),
                amount=Decimal(row["Price"]),
            )
            for row in csv.DictReader(f)
        ]


def apparel_rfm(folder: Path, weeks: int) -> RFMSummary:
    """CLVTools' apparel log summarised as CLVTools does.

    Weeks of 7 days; the calibration runs ``weeks`` from the first date of
    the log; same-day purchases count once; each customer's first
    purchase starts their clock and is not a repeat purchase.
    """
    from customer_centric.value import rfm_summary  # noqa: PLC0415

    log = clvtools_log(folder / "apparelTrans.csv")
    start = min(t.occurred_at for t in log)
    assert isinstance(start, dt.date)
    return rfm_summary(
        log,
        observation_end=start + dt.timedelta(weeks=weeks),
        time_unit="W",
        on_late="drop",
    )


def apparel_summary(
    folder: Path, weeks: int
) -> tuple[Columns, dict[str, list[float]]]:
    """:func:`apparel_rfm`'s columns, with the static covariates."""
    summary = apparel_rfm(folder, weeks)
    with (folder / "apparelStaticCov.csv").open(encoding="utf-8") as f:
        table = {row["Id"]: row for row in csv.DictReader(f)}
    covariates = {
        name: [float(table[i][name]) for i in summary.customer_ids]
        for name in ("Gender", "Channel")
    }
    columns = (
        np.array(summary.frequency, dtype=np.float64),
        np.array(summary.recency, dtype=np.float64),
        np.array(summary.T, dtype=np.float64),
    )
    return columns, covariates


SEASON_START = dt.date(2020, 1, 5)
"""The first period of :func:`seasonal_table` (a Sunday)."""


def seasonal_table(
    n: int,
    weeks: int,
    *,
    far: int | None = None,
    ids: str = "c{}",
) -> dict[str, list[Any]]:
    """A weekly covariate table: a 4-in-13-weeks season and two groups.

    Customer ``i`` (id ``ids.format(i)``) has a row per week from
    :data:`SEASON_START`: ``season`` is 1 in the first 4 weeks of every 13,
    ``group`` is ``i % 2``. With ``far``, one more period starts ``far``
    weeks after the start: the last weekly period then lasts until it, and
    it as long again.
    """
    starts = [SEASON_START + dt.timedelta(weeks=w) for w in range(weeks)]
    if far is not None:
        starts.append(SEASON_START + dt.timedelta(weeks=far))
    table: dict[str, list[Any]] = {
        "customer_id": [],
        "period_start": [],
        "season": [],
        "group": [],
    }
    for i in range(n):
        for w, day in enumerate(starts):
            table["customer_id"].append(ids.format(i))
            table["period_start"].append(day)
            table["season"].append(float(w % 13 < 4))
            table["group"].append(float(i % 2))
    return table


DYNAMIC_TRUTH: dict[str, Any] = {
    "r": 0.9,
    "alpha": 8.0,
    "s": 0.7,
    "beta": 12.0,
    "purchase": {"season": 0.8, "group": 0.4},
    "dropout": {"season": 0.6, "group": -0.5},
}
"""The time-varying tests' truth: :func:`seasonal_table`'s season and
group on both processes."""


def seasonal_paths(
    n: int, seed: int, *, weeks: int = 60, calibration: int = 40
) -> CovariatePaths:
    """``n`` customers of :data:`DYNAMIC_TRUTH`, joining over 4 weeks.

    Simulated on :func:`seasonal_table` over ``weeks`` weeks and cut at
    ``calibration`` weeks (the table runs on past it).
    """
    from customer_centric.clv import (  # noqa: PLC0415
        covariate_paths,
        simulate_pareto_nbd_dynamic,
    )

    table = seasonal_table(n, weeks)
    firsts = {
        f"c{i}": SEASON_START + dt.timedelta(days=i % 28) for i in range(n)
    }
    sim = simulate_pareto_nbd_dynamic(
        table,
        first_purchases=firsts,
        end=SEASON_START + dt.timedelta(weeks=weeks - 1),
        seed=seed,
        **DYNAMIC_TRUTH,
    )
    return covariate_paths(
        sim.transactions,
        covariates=table,
        calibration_end=SEASON_START + dt.timedelta(weeks=calibration),
    )


def nbd_objective(
    counts: FloatArray,
) -> Callable[[FloatArray], tuple[float, FloatArray]]:
    """The NBD (gamma-Poisson) log-likelihood of counts in unit time."""
    from scipy import special  # noqa: PLC0415

    def loglik(theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha = theta
        log_p = np.log(alpha / (alpha + 1))
        value = (
            special.gammaln(r + counts)
            - special.gammaln(r)
            + r * log_p
            - counts * np.log(alpha + 1)
        ).sum()
        gradient = np.array(
            [
                (
                    special.digamma(r + counts) - special.digamma(r) + log_p
                ).sum(),
                (r / alpha - (r + counts) / (alpha + 1)).sum(),
            ]
        )
        return float(value), gradient

    return loglik
