"""Pareto/NBD with time-varying covariates.

Covers ``clv/_dyncov_paths.py``, ``clv/_dyncov_likelihood.py``,
``clv/_pnbd_dyncov.py`` and ``clv/_dyncov_simulate.py``: the likelihood
reduces to the time-invariant model's (CLVTools' apparel fit, -5821.06)
and to the plain Pareto/NBD's; its gradient is that of central
differences; a seeded simulation's coefficients are recovered; P(alive)
and CET reduce to the static ones and agree with the simulation; the
apparel fit with the season beats the nested static fit.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clv_helpers import (
    DYNAMIC_TRUTH,
    SEASON_START,
    apparel_summary,
    seasonal_table,
)
from clv_row_adapters import pareto_nbd_hessian
from customer_centric import CustomerId, Transaction
from customer_centric.clv import (
    CovariatePaths,
    DynamicSimulation,
    ParetoNbdDynamicFit,
    covariate_paths,
    fit_pareto_nbd,
    fit_pareto_nbd_dynamic,
    likelihood_ratio_test,
    simulate_pareto_nbd_dynamic,
)
from customer_centric.clv._covariates import _Rows
from customer_centric.clv._dyncov_likelihood import (
    Design,
    log_likelihood_rows,
)
from customer_centric.clv._pnbd_dyncov import _Objective
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
    InvariantError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from clv_helpers import Columns

STATIC = (1.83866, 92.9435, 0.591286, 49.5055)
"""CLVTools' static-covariate estimates on apparel: r, alpha, s, beta."""
STATIC_PURCHASE = {"Gender": 0.285976, "Channel": 0.623941}
STATIC_DROPOUT = {"Gender": -0.642791, "Channel": 0.79017}
BOTH = ("Gender", "Channel")
START = SEASON_START
SPLIT = dt.date(2005, 1, 2) + dt.timedelta(weeks=104)
NAIVE = dt.datetime(2020, 1, 5)  # noqa: DTZ001 - the bad input tested


# --------------------------------------------------------------------------
# Apparel
# --------------------------------------------------------------------------


def _log(folder: Path) -> list[Transaction]:
    with (folder / "apparelTrans.csv").open(encoding="utf-8") as f:
        return [
            Transaction(
                customer_id=CustomerId(row["Id"]),
                occurred_at=dt.date.fromisoformat(row["Date"]),
            )
            for row in csv.DictReader(f)
        ]


def _table(path: Path) -> dict[str, list[Any]]:
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    table: dict[str, list[Any]] = {k: [r[k] for r in rows] for k in rows[0]}
    for name in ("High.Season", "Gender", "Channel"):
        table[name] = [float(v) for v in table[name]]
    return table


@pytest.fixture(scope="module")
def apparel_log(clvtools_data: Path) -> list[Transaction]:
    """CLVTools' apparel transactions."""
    return _log(clvtools_data)


@pytest.fixture(scope="module")
def apparel(
    clvtools_data: Path, apparel_log: list[Transaction]
) -> CovariatePaths:
    """The apparel log on a 104-week calibration, with CLVTools' tables.

    The calibration/holdout table and the one for prediction beyond,
    joined: one weekly grid from 2005-01-02 to 2012-10-14.
    """
    table = _table(clvtools_data / "apparelDynCov.csv")
    future = _table(clvtools_data / "apparelDynCovFuture.csv")
    return covariate_paths(
        apparel_log,
        covariates={k: table[k] + future[k] for k in table},
        calibration_end=SPLIT,
        id_column="Id",
        period_column="Cov.Date",
    )


@pytest.fixture(scope="module")
def apparel_static(
    clvtools_data: Path,
) -> tuple[Columns, dict[str, list[float]]]:
    """The same split through the time-invariant tests' loader."""
    return apparel_summary(clvtools_data, 104)


def _static_rows(
    theta: np.ndarray[Any, Any],
    columns: Columns,
    covariates: dict[str, list[float]] | None,
) -> np.ndarray[Any, Any]:
    """The time-invariant model's per-customer log-likelihood."""
    r, alpha, s, beta = (float(v) for v in theta[:4])
    alpha_i: float | np.ndarray[Any, Any] = alpha
    beta_i: float | np.ndarray[Any, Any] = beta
    if covariates is not None:
        z = np.column_stack([covariates[n] for n in BOTH])
        alpha_i = alpha * np.exp(-z @ theta[4:6])
        beta_i = beta * np.exp(-z @ theta[6:8])
    rows = _Rows.of(*columns)
    return pareto_nbd_hessian((r, alpha_i, s, beta_i), rows)[0]


def test_paths_match_the_rfm_summary(
    apparel: CovariatePaths,
    apparel_static: tuple[Columns, dict[str, list[float]]],
) -> None:
    """Same customers, x, t_x and T; pieces add up to T; 52 weeks ahead."""
    (x, t_x, big_t), _ = apparel_static
    np.testing.assert_array_equal(apparel.frequency, x)
    np.testing.assert_array_equal(apparel.recency, t_x)
    np.testing.assert_array_equal(apparel.T, big_t)
    pieces = apparel.calibration
    totals = np.bincount(pieces.customer, weights=pieces.length)
    np.testing.assert_allclose(totals, big_t, rtol=1e-12)
    after = np.bincount(
        pieces.customer, weights=pieces.length * pieces.after, minlength=600
    )
    np.testing.assert_allclose(after, big_t - t_x, rtol=1e-12, atol=1e-12)
    # The tables run to 2012-10-14 (+1 week): 303 weeks past the split.
    assert apparel.horizon == 303.0
    assert apparel.names == ("High.Season", "Gender", "Channel")


def test_reduces_to_clvtools_static_fit(apparel: CovariatePaths) -> None:
    """CLVTools' static fit's -5821.062692 at its estimates."""
    model = ParetoNbdDynamicFit.from_parameters(
        r=STATIC[0],
        alpha=STATIC[1],
        s=STATIC[2],
        beta=STATIC[3],
        purchase=STATIC_PURCHASE,
        dropout=STATIC_DROPOUT,
    )
    total = float(model.individual_log_likelihood(apparel).sum())
    assert total == pytest.approx(-5821.062692, abs=5e-6)


def test_reduces_at_random_points(
    apparel: CovariatePaths,
    apparel_static: tuple[Columns, dict[str, list[float]]],
) -> None:
    """Constant covariates: the static model's; none: the plain one's."""
    columns, covariates = apparel_static
    rng = np.random.default_rng(2021)
    with_covariates = Design.of(apparel, BOTH, BOTH)
    without = Design.of(apparel, (), ())
    for _ in range(6):
        base = np.exp(rng.uniform(-1.5, 1.5, 4)) * np.array(STATIC)
        gamma = rng.uniform(-1.5, 1.5, 4)
        theta = np.concatenate([base, gamma])
        ours, _ = log_likelihood_rows(theta, with_covariates, gradient=False)
        np.testing.assert_allclose(
            ours, _static_rows(theta, columns, covariates), rtol=1e-9
        )
        plain, _ = log_likelihood_rows(base, without, gradient=False)
        np.testing.assert_allclose(
            plain, _static_rows(base, columns, None), rtol=1e-9
        )


def test_gradient_matches_central_differences(
    apparel: CovariatePaths,
) -> None:
    """With the season on both processes (the time-varying case)."""
    names = ("High.Season", *BOTH)
    design = Design.of(apparel, names, names)
    theta = np.array([1.8, 90.0, 0.6, 50.0, 0.3, 0.2, 0.6, 0.1, -0.6, 0.8])
    _, grad = log_likelihood_rows(theta, design, gradient=True)
    assert grad is not None
    analytic = grad.sum(axis=1)
    for i in range(theta.size):
        step = 1e-6 * max(abs(theta[i]), 1e-2)
        up, down = theta.copy(), theta.copy()
        up[i] += step
        down[i] -= step
        numeric = (
            log_likelihood_rows(up, design, gradient=False)[0].sum()
            - log_likelihood_rows(down, design, gradient=False)[0].sum()
        ) / (2 * step)
        assert analytic[i] == pytest.approx(numeric, rel=1e-5, abs=1e-6)


def test_predictions_reduce_to_the_static_model(
    apparel: CovariatePaths,
    apparel_static: tuple[Columns, dict[str, list[float]]],
) -> None:
    """P(alive) and CET with constant covariates, or none."""
    columns, covariates = apparel_static
    static = fit_pareto_nbd(
        *columns, purchase_covariates=covariates, dropout_covariates=covariates
    )
    assert static.covariates is not None
    model = ParetoNbdDynamicFit.from_parameters(
        **static.params,
        purchase=dict(static.covariates.purchase),
        dropout=dict(static.covariates.dropout),
    )
    np.testing.assert_allclose(
        model.probability_alive(apparel),
        static.probability_alive(
            *columns,
            purchase_covariates=covariates,
            dropout_covariates=covariates,
        ),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        model.conditional_expected_purchases(52.0, apparel),
        static.conditional_expected_purchases(
            52.0,
            *columns,
            purchase_covariates=covariates,
            dropout_covariates=covariates,
        ),
        rtol=1e-8,
    )
    plain = fit_pareto_nbd(*columns)
    bare = ParetoNbdDynamicFit.from_parameters(
        **plain.params, purchase={}, dropout={}
    )
    np.testing.assert_allclose(
        bare.probability_alive(apparel),
        plain.probability_alive(*columns),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        bare.conditional_expected_purchases(104.0, apparel),
        plain.conditional_expected_purchases(104.0, *columns),
        rtol=1e-8,
    )
    # s = 1 exactly: the logarithmic limit of the CET integral.
    one = {**plain.params, "s": 1.0}
    plain_one = type(plain).from_parameters(**one)
    np.testing.assert_allclose(
        ParetoNbdDynamicFit.from_parameters(
            **one, purchase={}, dropout={}
        ).conditional_expected_purchases(30.0, apparel),
        plain_one.conditional_expected_purchases(30.0, *columns),
        rtol=1e-8,
    )


def test_apparel_fit_with_the_season(
    apparel: CovariatePaths, apparel_log: list[Transaction]
) -> None:
    """The season lifts purchases; the fit nests the static one (LR test).

    And it predicts the holdout better: 1,317 repeat purchases in the 207
    weeks to the end of the log; the static fit expects 1,453.7 (CLVTools'
    own static CET sums to 1,453.8), this one 1,269.5.
    """
    static = fit_pareto_nbd_dynamic(
        apparel, purchase_covariates=BOTH, dropout_covariates=BOTH
    )
    assert static.log_likelihood == pytest.approx(-5821.0627, abs=1e-3)
    # No covariates: the plain Pareto/NBD's maximum.
    bare = fit_pareto_nbd_dynamic(apparel)
    plain = fit_pareto_nbd(apparel.frequency, apparel.recency, apparel.T)
    assert bare.log_likelihood == pytest.approx(plain.log_likelihood, abs=1e-6)
    assert bare.alpha == pytest.approx(plain.alpha, rel=1e-4)
    assert static.covariates.purchase["Channel"] == pytest.approx(
        0.6239, abs=1e-3
    )
    fit = fit_pareto_nbd_dynamic(
        apparel,
        purchase_covariates=("High.Season", *BOTH),
        dropout_covariates=BOTH,
    )
    assert fit.log_likelihood >= static.log_likelihood
    assert round(fit.log_likelihood, 2) == -5753.33
    season = fit.covariates.purchase["High.Season"]
    error = fit.covariates.purchase_standard_errors["High.Season"]
    assert round(season, 3) == 0.720
    assert round(error, 3) == 0.060
    # One more coefficient: chi-squared(1) under the static model.
    test = likelihood_ratio_test(static, fit)
    assert test.df == 1
    assert test.statistic == pytest.approx(135.47, abs=0.01)
    assert test.p_value < 1e-30
    # Alive and future purchases use the table past the calibration end.
    alive = fit.probability_alive(apparel)
    assert ((alive > 0) & (alive <= 1)).all()
    last = max(t.day for t in apparel_log)
    weeks = (last - SPLIT).days / 7
    holdout = {(t.customer_id, t.day) for t in apparel_log if t.day > SPLIT}
    assert len(holdout) == 1317
    expected = {
        name: float(model.conditional_expected_purchases(weeks, apparel).sum())
        for name, model in (("static", static), ("season", fit))
    }
    assert round(expected["static"], 1) == 1453.7
    assert round(expected["season"], 1) == 1269.5
    # Beyond the log, on the future table: more purchases, none negative.
    beyond = fit.conditional_expected_purchases(apparel.horizon, apparel)
    assert (beyond >= 0).all()
    assert float(beyond.sum()) > expected["season"]


def test_season_on_dropout_runs_off(apparel: CovariatePaths) -> None:
    """Nobody drops out in the high season: that coefficient runs off."""
    names = ("High.Season", *BOTH)
    with pytest.raises(ConvergenceError, match=r"dropout:High\.Season"):
        fit_pareto_nbd_dynamic(
            apparel, purchase_covariates=names, dropout_covariates=names
        )


# --------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------

TRUTH = DYNAMIC_TRUTH


@pytest.fixture(scope="module")
def simulated() -> tuple[DynamicSimulation, CovariatePaths, dict[str, Any]]:
    """1,500 customers, 78 weeks of calibration and 26 of holdout."""
    n = 1500
    table = seasonal_table(n, 110)
    firsts = {f"c{i}": START + dt.timedelta(days=i % 84) for i in range(n)}
    sim = simulate_pareto_nbd_dynamic(
        table,
        first_purchases=firsts,
        end=START + dt.timedelta(weeks=104),
        seed=11,
        **TRUTH,
    )
    paths = covariate_paths(
        sim.transactions,
        covariates=table,
        calibration_end=START + dt.timedelta(weeks=78),
    )
    return sim, paths, table


def test_simulation_recovers_the_coefficients(
    simulated: tuple[DynamicSimulation, CovariatePaths, dict[str, Any]],
) -> None:
    """Every coefficient and parameter within 3 standard errors."""
    _, paths, _ = simulated
    names = ("season", "group")
    fit = fit_pareto_nbd_dynamic(
        paths, purchase_covariates=names, dropout_covariates=names
    )
    effects = fit.covariates
    for process in ("purchase", "dropout"):
        for name in names:
            estimate = getattr(effects, process)[name]
            error = getattr(effects, f"{process}_standard_errors")[name]
            assert abs(estimate - TRUTH[process][name]) < 3 * error
    for name, estimate in fit.params.items():
        assert abs(estimate - TRUTH[name]) < 3 * fit.standard_errors[name]
    assert fit.n_customers == 1500
    # A fit round-trips through JSON.
    again = ParetoNbdDynamicFit.model_validate_json(fit.model_dump_json())
    assert again == fit


def test_predictions_agree_with_the_simulation(
    simulated: tuple[DynamicSimulation, CovariatePaths, dict[str, Any]],
) -> None:
    """Mean P(alive) and CET at the truth against what happened."""
    sim, paths, _ = simulated
    model = ParetoNbdDynamicFit.from_parameters(**TRUTH)
    alive = np.array(
        [
            sim.lifetimes[c] > t
            for c, t in zip(paths.customer_ids, paths.T, strict=True)
        ]
    )
    predicted = model.probability_alive(paths)
    n = alive.size
    assert abs(predicted.mean() - alive.mean()) < 3 * alive.std() / n**0.5
    end = paths.calibration_end
    holdout = Counter(
        str(t.customer_id)
        for t in sim.transactions
        if end < t.day <= end + dt.timedelta(weeks=26)
    )
    actual = np.array([holdout[c] for c in paths.customer_ids])
    cet = model.conditional_expected_purchases(26.0, paths)
    assert abs(cet.mean() - actual.mean()) < 3 * actual.std() / n**0.5
    # Longer horizons, more purchases; none at t = 0.
    assert (model.conditional_expected_purchases(0.0, paths) == 0).all()
    longer = model.conditional_expected_purchases(30.0, paths)
    assert (longer >= cet).all()


def test_simulation_is_seeded() -> None:
    """The same seed, the same customers."""
    table = seasonal_table(20, 60)
    firsts = {f"c{i}": START for i in range(20)}
    runs = [
        simulate_pareto_nbd_dynamic(
            table,
            first_purchases=firsts,
            end=START + dt.timedelta(weeks=50),
            seed=np.random.default_rng(5),
            **TRUTH,
        )
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert set(runs[0].purchase_rates) == set(firsts)
    assert all(v > 0 for v in runs[0].dropout_rates.values())
    with pytest.raises(InvariantError, match="seed must be a whole number"):
        simulate_pareto_nbd_dynamic(
            table, first_purchases=firsts, end=START, seed=-1, **TRUTH
        )


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def _small() -> tuple[list[Transaction], dict[str, list[Any]]]:
    log = [
        Transaction(customer_id=CustomerId("a"), occurred_at=START),
        Transaction(
            customer_id=CustomerId("a"),
            occurred_at=START + dt.timedelta(days=9),
        ),
        Transaction(
            customer_id=CustomerId("b"),
            occurred_at=START + dt.timedelta(days=3),
        ),
    ]
    return log, seasonal_table(2, 4) | {"customer_id": ["c0"] * 4 + ["c1"] * 4}


def _renamed(table: dict[str, list[Any]]) -> dict[str, list[Any]]:
    ids = {"c0": "a", "c1": "b"}
    return table | {"customer_id": [ids[i] for i in table["customer_id"]]}


def _paths(table: object, **options: dt.date | str) -> CovariatePaths:
    log, _ = _small()
    return covariate_paths(
        log,
        covariates=table,  # type: ignore[arg-type]
        calibration_end=options.pop("end", START + dt.timedelta(weeks=2)),
        **options,
    )


def test_small_paths_and_other_date_forms() -> None:
    """ISO strings, aware datetimes and a dataframe's dates all work."""
    pd = pytest.importorskip("pandas")
    _, table = _small()
    good = _renamed(table)
    paths = _paths(good)
    assert paths.customer_ids == ("a", "b")
    assert paths.horizon == pytest.approx(2.0)
    as_text = good | {
        "period_start": [d.isoformat() for d in good["period_start"]]
    }
    aware = good | {
        "period_start": [
            dt.datetime.combine(d, dt.time(), tzinfo=dt.UTC)
            for d in good["period_start"]
        ]
    }
    frame = pd.DataFrame(
        good | {"period_start": pd.to_datetime(good["period_start"])}
    )
    for other in (as_text, aware, frame):
        again = _paths(other)
        np.testing.assert_array_equal(
            again.calibration.length, paths.calibration.length
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t | {"group": [math.nan, *t["group"][1:]]}, "fill or drop"),
        (lambda t: t | {"group": t["group"][:-1]}, "one length"),
        (lambda t: {k: v[:-1] for k, v in t.items()}, "has no row"),
        (
            lambda t: {k: [*v, v[0]] for k, v in t.items()},
            "has several rows",
        ),
        (
            lambda t: (
                t
                | {
                    "period_start": [
                        NAIVE,
                        *t["period_start"][1:],
                    ]
                }
            ),
            "naive datetime",
        ),
        (
            lambda t: t | {"period_start": ["soon", *t["period_start"][1:]]},
            "not a date",
        ),
        (
            lambda t: (
                t
                | {
                    "period_start": [
                        "2020-13-45",
                        *(d.isoformat() for d in t["period_start"][1:]),
                    ]
                }
            ),
            "not a date",
        ),
        (
            lambda t: {k: v for k, v in t.items() if k != "customer_id"},
            "no column",
        ),
        (
            lambda t: {k: t[k] for k in ("customer_id", "period_start")},
            "no covariate column",
        ),
        (
            lambda t: (
                {k: [*v, *v[:4]] for k, v in t.items()}
                | {"customer_id": [*t["customer_id"], *["zz"] * 4]}
            ),
            "not in the log",
        ),
        (
            lambda t: {k: v[4:] for k, v in t.items()},
            "has no covariate rows",
        ),
        (
            lambda t: {k: v[:1] + v[4:5] for k, v in t.items()},
            "at least two periods",
        ),
    ],
)
def test_bad_tables(
    change: Callable[[dict[str, list[Any]]], dict[str, list[Any]]],
    message: str,
) -> None:
    """Each broken table: a DataError that says what to fix."""
    _, table = _small()
    with pytest.raises(DataError, match=message):
        _paths(change(_renamed(table)))


def test_bad_table_forms_and_coverage() -> None:
    """Not a table, times within a day, periods too short."""
    pd = pytest.importorskip("pandas")
    _, table = _small()
    good = _renamed(table)
    with pytest.raises(ArgumentTypeError, match="mapping of column"):
        _paths([1, 2, 3])
    with pytest.raises(ArgumentTypeError, match="iterable of Transaction"):
        covariate_paths(
            None,  # type: ignore[arg-type]
            covariates=good,
            calibration_end=START,
        )
    # The fuzz test's find: a list as a column name was a bare TypeError.
    with pytest.raises(ArgumentTypeError, match="id_column must be a str"):
        simulate_pareto_nbd_dynamic(
            good,
            first_purchases={},
            end=START,
            seed=0,
            id_column=[],  # type: ignore[arg-type]
            **TRUTH,
        )
    with pytest.raises(DataError, match="not the start of a day"):
        _paths(
            pd.DataFrame(
                good
                | {
                    "period_start": pd.to_datetime(good["period_start"])
                    + pd.Timedelta(hours=1)
                }
            )
        )
    with pytest.raises(DataError, match="cover"):
        _paths(good, end=START + dt.timedelta(weeks=9))
    paths = _paths(good)
    plain = ParetoNbdDynamicFit.from_parameters(
        **{k: TRUTH[k] for k in ("r", "alpha", "s", "beta")},
        purchase={},
        dropout={},
    )
    with pytest.raises(ArgumentTypeError, match="real number"):
        plain.conditional_expected_purchases([1.0, 2.0], paths)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="CovariatePaths"):
        plain.probability_alive(None)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="covariate table's reach"):
        ParetoNbdDynamicFit.from_parameters(
            **{k: TRUTH[k] for k in ("r", "alpha", "s", "beta")},
            purchase={},
            dropout={},
        ).conditional_expected_purchases(5.0, paths)


def test_bad_fit_arguments() -> None:
    """Unknown or repeated names; a fit without a maximum."""
    _, table = _small()
    paths = _paths(_renamed(table))
    with pytest.raises(ArgumentTypeError, match="CovariatePaths"):
        fit_pareto_nbd_dynamic(None)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="does not have"):
        fit_pareto_nbd_dynamic(paths, purchase_covariates=["age"])
    with pytest.raises(DataError, match="twice"):
        fit_pareto_nbd_dynamic(paths, dropout_covariates=["group", "group"])
    with pytest.raises(ArgumentTypeError, match="sequence of covariate"):
        fit_pareto_nbd_dynamic(paths, purchase_covariates="group")
    # Two customers, one repeat purchase: no maximum, plain or dynamic.
    with pytest.raises(ConvergenceError, match="exp"):
        fit_pareto_nbd_dynamic(paths, purchase_covariates=["season"])


def test_objective_walls_and_bad_simulations() -> None:
    """A scale beyond e^21 is a wall; the simulator checks its input."""
    _, table = _small()
    paths = _paths(_renamed(table))
    objective = _Objective(Design.of(paths, ("season",), ()))
    value, grad = objective(np.array([1.0, 1.0, 1.0, 1.0, math.exp(-40)]))
    assert value == -math.inf
    assert np.isnan(grad).all()
    grid = seasonal_table(2, 4)
    base = {k: TRUTH[k] for k in ("r", "alpha", "s", "beta")}
    with pytest.raises(DataError, match="no covariate rows"):
        simulate_pareto_nbd_dynamic(
            grid,
            first_purchases={"zz": START},
            end=START + dt.timedelta(weeks=2),
            purchase={},
            dropout={},
            seed=1,
            **base,
        )
    with pytest.raises(DataError, match="do not cover"):
        simulate_pareto_nbd_dynamic(
            grid,
            first_purchases={"c0": START},
            end=START + dt.timedelta(weeks=9),
            purchase={},
            dropout={},
            seed=1,
            **base,
        )
    with pytest.raises(DataError, match="lacks"):
        simulate_pareto_nbd_dynamic(
            grid,
            first_purchases={"c0": START},
            end=START + dt.timedelta(weeks=2),
            purchase={"age": 1.0},
            dropout={},
            seed=1,
            **base,
        )


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


@functools.cache
def _base() -> CovariatePaths:
    """40 simulated customers on a season and a two-group split."""
    table = seasonal_table(40, 40)
    sim = simulate_pareto_nbd_dynamic(
        table,
        first_purchases={
            f"c{i}": START + dt.timedelta(days=i) for i in range(40)
        },
        end=START + dt.timedelta(weeks=39),
        seed=3,
        **TRUTH,
    )
    return covariate_paths(
        sim.transactions,
        covariates=table,
        calibration_end=START + dt.timedelta(weeks=26),
    )


_logs = st.floats(-1.5, 1.5)
_coefficients = st.floats(-1.0, 1.0)


@given(
    st.tuples(_logs, _logs, _logs, _logs),
    st.tuples(_coefficients, _coefficients),
    st.floats(0.0, 13.0),
    st.floats(0.0, 13.0),
)
def test_group_alone_is_the_static_model_and_predictions_are_sane(
    logs: tuple[float, float, float, float],
    gammas: tuple[float, float],
    t1: float,
    t2: float,
) -> None:
    """A constant covariate: the static likelihood; P(alive), CET sane."""
    paths = _base()
    r, alpha, s, beta = np.exp(logs) * np.array([1.0, 8.0, 1.0, 12.0])
    group = [float(int(c[1:]) % 2) for c in paths.customer_ids]
    static = np.concatenate([[r, alpha, s, beta], gammas])
    rows = pareto_nbd_hessian(
        (
            r,
            alpha * np.exp(-np.array(group) * gammas[0]),
            s,
            beta * np.exp(-np.array(group) * gammas[1]),
        ),
        _Rows.of(paths.frequency, paths.recency, paths.T),
    )[0]
    ours, _ = log_likelihood_rows(
        static, Design.of(paths, ("group",), ("group",)), gradient=False
    )
    np.testing.assert_allclose(ours, rows, rtol=1e-9)
    model = ParetoNbdDynamicFit.from_parameters(
        r=r,
        alpha=alpha,
        s=s,
        beta=beta,
        purchase={"season": gammas[0], "group": gammas[1]},
        dropout={"season": gammas[1]},
    )
    alive = model.probability_alive(paths)
    assert ((alive >= 0) & (alive <= 1)).all()
    low, high = sorted((t1, t2))
    near = model.conditional_expected_purchases(low, paths)
    far = model.conditional_expected_purchases(high, paths)
    assert (near >= 0).all()
    assert (far >= near * (1 - 1e-12)).all()
