"""Holdout validation of fits with covariates, static and time-varying.

Covers the ``covariates=`` and ``paths=`` arguments of
``clv/_validation.py`` and ``ParetoNbdDynamicFit.expected_purchases`` in
``clv/_pnbd_dyncov.py``: the per-customer predictions are the fits' own at
each customer's covariates; the tracking sums each customer's unconditional
expectation (checked against quadrature, the static model and a
simulation); the refusals name what is wrong; plain models are unchanged.
On CLVTools' apparel data (skipped without it): 1,317 holdout purchases,
the static covariate fit expects 1,453.7, the fit with the season 1,269.5.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from clv_helpers import SEASON_START, seasonal_table
from customer_centric import CustomerId, Transaction
from customer_centric.clv import (
    CovariatePaths,
    DynamicSimulation,
    ParetoNbdDynamicFit,
    ParetoNbdFit,
    at_covariates,
    covariate_paths,
    fit_bg_nbd,
    fit_pareto_nbd,
    fit_pareto_nbd_dynamic,
    simulate_pareto_nbd_dynamic,
    validate_holdout,
)
from customer_centric.clv._dyncov_paths import Pieces
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.value import (
    CalibrationHoldout,
    rfm_calibration_holdout,
)

if TYPE_CHECKING:
    from pathlib import Path

START = SEASON_START
CALIBRATION_END = START + dt.timedelta(weeks=40)
HOLDOUT_END = START + dt.timedelta(weeks=60)
TRUTH: dict[str, Any] = {
    "r": 1.0,
    "alpha": 8.0,
    "s": 0.8,
    "beta": 15.0,
    "purchase": {"season": 0.7, "group": 0.5},
    "dropout": {"group": -0.4},
}
"""A season lifting purchases, a group buying more and staying longer."""


def _simulate(
    n: int, weeks: int, seed: int, truth: dict[str, Any]
) -> DynamicSimulation:
    return simulate_pareto_nbd_dynamic(
        seasonal_table(n, weeks, ids="c{:04d}"),
        first_purchases={
            f"c{i:04d}": START + dt.timedelta(days=i % 28) for i in range(n)
        },
        end=HOLDOUT_END,
        seed=seed,
        **truth,
    )


@attrs.frozen(kw_only=True)
class Base:
    """A simulated base, split, with its paths and fits."""

    log: tuple[Transaction, ...]
    table: dict[str, list[Any]]
    split: CalibrationHoldout
    paths: CovariatePaths
    group: dict[str, list[float]]
    plain: ParetoNbdFit
    static: ParetoNbdFit
    season: ParetoNbdDynamicFit


@pytest.fixture(scope="module")
def base() -> Base:
    """400 customers: 40 weeks of calibration, 20 of holdout, 30 of table."""
    n = 400
    table = seasonal_table(n, 70, ids="c{:04d}")
    log = _simulate(n, 70, 5, TRUTH).transactions
    split = rfm_calibration_holdout(
        log,
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    paths = covariate_paths(
        log, covariates=table, calibration_end=CALIBRATION_END
    )
    c = split.calibration
    group = {"group": [float(int(i[1:]) % 2) for i in c.customer_ids]}
    columns = (c.frequency, c.recency, c.T)
    return Base(
        log=log,
        table=table,
        split=split,
        paths=paths,
        group=group,
        plain=fit_pareto_nbd(*columns),
        static=fit_pareto_nbd(
            *columns, purchase_covariates=group, dropout_covariates=group
        ),
        season=ParetoNbdDynamicFit.from_parameters(**TRUTH),
    )


def _columns(split: CalibrationHoldout) -> tuple[np.ndarray[Any, Any], ...]:
    c = split.calibration
    return tuple(
        np.asarray(v, dtype=np.float64) for v in (c.frequency, c.recency, c.T)
    )


# --------------------------------------------------------------------------
# Predictions and tracking
# --------------------------------------------------------------------------


def test_predictions_are_the_fits_own(base: Base) -> None:
    """Each model predicts with its customers' covariates or paths."""
    report = validate_holdout(
        base.split,
        models={
            "plain": base.plain,
            "static": base.static,
            "dyn": base.season,
        },
        covariates=base.group,
        paths=base.paths,
        transactions=base.log,
    )
    duration = base.split.duration_holdout
    np.testing.assert_array_equal(
        report["static"].predicted,
        base.static.conditional_expected_purchases(
            duration,
            *_columns(base.split),
            purchase_covariates=base.group,
            dropout_covariates=base.group,
        ),
    )
    np.testing.assert_array_equal(
        report["dyn"].predicted,
        base.season.conditional_expected_purchases(duration, base.paths),
    )
    assert report["static"].criteria is not None
    assert report["static"].criteria.n_parameters == 6
    assert report["dyn"].criteria is None  # built from parameters
    # Tracking: every model is there, and the actual counts add up.
    tracking = report.tracking
    assert tracking is not None
    assert set(tracking.expected) == {"plain", "static", "dyn"}
    assert tracking.actual.sum() == sum(base.split.frequency_holdout) + sum(
        base.split.calibration.frequency
    )


def test_plain_models_are_unchanged(base: Base) -> None:
    """A plain model's report is the same beside models with covariates."""
    alone = validate_holdout(
        base.split, models={"plain": base.plain}, transactions=base.log
    )
    mixed = validate_holdout(
        base.split,
        models={
            "static": base.static,
            "plain": base.plain,
            "dyn": base.season,
        },
        covariates=base.group,
        paths=base.paths,
        transactions=base.log,
    )
    assert mixed.to_rows()[1] == alone.to_rows()[0]
    np.testing.assert_array_equal(
        mixed["plain"].predicted, alone["plain"].predicted
    )
    assert alone.tracking is not None
    assert mixed.tracking is not None
    np.testing.assert_array_equal(
        mixed.tracking.expected["plain"], alone.tracking.expected["plain"]
    )
    assert (
        mixed.by_frequency.predicted["plain"]
        == alone.by_frequency.predicted["plain"]
    )


def test_a_dataframe_of_covariates_gives_the_same_report(base: Base) -> None:
    """Covariates as a dataframe, with a column no model uses."""
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame({**base.group, "unused": [1.0] * len(base.split)})
    given_frame = validate_holdout(
        base.split,
        models={"static": base.static},
        covariates=frame,
        transactions=base.log,
    )
    given_mapping = validate_holdout(
        base.split,
        models={"static": base.static},
        covariates=base.group,
        transactions=base.log,
    )
    assert given_frame.to_rows() == given_mapping.to_rows()


def test_constant_paths_reduce_to_the_static_fit(base: Base) -> None:
    """With the group alone the dynamic model is the static fit.

    The same predictions and the same tracking.
    """
    assert base.static.covariates is not None
    same = ParetoNbdDynamicFit.from_parameters(
        **base.static.params,
        purchase=dict(base.static.covariates.purchase),
        dropout=dict(base.static.covariates.dropout),
    )
    report = validate_holdout(
        base.split,
        models={"static": base.static, "dyn": same},
        covariates=base.group,
        paths=base.paths,
        transactions=base.log,
        period=2.5,
    )
    np.testing.assert_allclose(
        report["dyn"].predicted, report["static"].predicted, rtol=1e-8
    )
    assert report.tracking is not None
    np.testing.assert_allclose(
        report.tracking.expected_cumulative("dyn"),
        report.tracking.expected_cumulative("static"),
        rtol=1e-9,
    )


def test_tracking_sums_each_customers_expectation(base: Base) -> None:
    """Tracking sums each customer's expectation from birth.

    The unconditional expectations, for both kinds of fit.
    """
    report = validate_holdout(
        base.split,
        models={"static": base.static, "dyn": base.season},
        covariates=base.group,
        paths=base.paths,
        transactions=base.log,
    )
    tracking = report.tracking
    assert tracking is not None
    _, _, big_t = _columns(base.split)
    end = big_t + base.split.duration_holdout
    dynamic = base.season.expected_purchases(end, base.paths)
    assert tracking.expected_cumulative("dyn")[-1] == pytest.approx(
        dynamic.sum(), rel=1e-12
    )
    static = sum(
        float(
            at_covariates(
                base.static,
                purchase={"group": g},
                dropout={"group": g},
            ).expected_purchases(t)
        )
        for g, t in zip(base.group["group"], end, strict=True)
    )
    assert tracking.expected_cumulative("static")[-1] == pytest.approx(
        static, rel=1e-12
    )
    # Over the holdout alone: the unconditional increments (each at the
    # customer's own T), which for the truth match the conditional total
    # only on average over histories, not customer by customer.
    holdout = (
        dynamic.sum() - base.season.expected_purchases(big_t, base.paths).sum()
    )
    at_end = round(tracking.calibration_end)
    cumulative = tracking.expected_cumulative("dyn")
    assert cumulative[-1] - cumulative[at_end - 1] == pytest.approx(
        holdout, rel=1e-12
    )


def test_bg_nbd_with_purchase_covariates_only(base: Base) -> None:
    """A BG/NBD fit with purchase covariates alone is validated too."""
    c = base.split.calibration
    bg = fit_bg_nbd(
        c.frequency, c.recency, c.T, purchase_covariates=base.group
    )
    report = validate_holdout(
        base.split,
        models={"bg": bg},
        covariates=base.group,
        transactions=base.log,
    )
    np.testing.assert_array_equal(
        report["bg"].predicted,
        bg.conditional_expected_purchases(
            base.split.duration_holdout,
            *_columns(base.split),
            purchase_covariates=base.group,
        ),
    )
    assert report.tracking is not None
    assert (report.tracking.expected["bg"] >= 0).all()


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


def test_refuses_missing_or_misshapen_covariates(base: Base) -> None:
    """A fit with covariates needs them all, one value per customer."""
    models = {"static": base.static}
    with pytest.raises(DataError, match=r"model 'static' has covariates"):
        validate_holdout(base.split, models=models)
    with pytest.raises(
        DataError,
        match=r"model 'static' has the purchase covariates \['group'\], "
        r"which covariates lacks \(it has \['vip'\]\)",
    ):
        validate_holdout(
            base.split, models=models, covariates={"vip": base.group["group"]}
        )
    with pytest.raises(DataError, match=r"one value per customer \(400\)"):
        validate_holdout(
            base.split, models=models, covariates={"group": [0.0, 1.0]}
        )
    with pytest.raises(ArgumentTypeError, match="covariates"):
        validate_holdout(
            base.split,
            models=models,
            covariates=[1.0],  # type: ignore[arg-type] # the bad input tested
        )
    with pytest.raises(DataError, match="no model has time-invariant"):
        validate_holdout(
            base.split, models={"plain": base.plain}, covariates=base.group
        )


def test_refuses_missing_or_mismatched_paths(base: Base) -> None:
    """The dynamic model needs the split's customers' paths, long enough."""
    models = {"dyn": base.season}
    with pytest.raises(DataError, match=r"model 'dyn' is a Pareto/NBD with"):
        validate_holdout(base.split, models=models)
    with pytest.raises(ArgumentTypeError, match="paths"):
        validate_holdout(
            base.split,
            models=models,
            paths=base.group,  # type: ignore[arg-type] # the bad input tested
        )
    with pytest.raises(DataError, match="no model has time-varying"):
        validate_holdout(
            base.split, models={"plain": base.plain}, paths=base.paths
        )
    others = base.paths.take(np.arange(1, base.paths.n_customers))
    with pytest.raises(DataError, match=r"\['c0000'\] in one only"):
        validate_holdout(base.split, models=models, paths=others)
    reordered = base.paths.take(np.arange(base.paths.n_customers)[::-1])
    with pytest.raises(DataError, match="not the same in the same order"):
        validate_holdout(base.split, models=models, paths=reordered)
    earlier = covariate_paths(
        base.log,
        covariates=base.table,
        calibration_end=CALIBRATION_END - dt.timedelta(days=1),
    )
    with pytest.raises(DataError, match="split's calibration_end"):
        validate_holdout(base.split, models=models, paths=earlier)
    short = seasonal_table(400, 50, ids="c{:04d}")
    cut = covariate_paths(
        base.log, covariates=short, calibration_end=CALIBRATION_END
    )
    assert cut.horizon == 10.0
    with pytest.raises(
        DataError, match=r"reaches 10 time units .* short of the holdout's 20"
    ):
        validate_holdout(base.split, models=models, paths=cut)


# --------------------------------------------------------------------------
# ParetoNbdDynamicFit.expected_purchases
# --------------------------------------------------------------------------


def _quadrature(
    model: ParetoNbdDynamicFit, paths: CovariatePaths, i: int, age: float
) -> float:
    """``r / alpha int_0^age a(u) (beta / (beta + B(u)))^s du`` by quad."""
    names = paths.names
    pieces = [
        (p.length[p.customer == i], p.values[p.customer == i])
        for p in (paths.calibration, paths.future)
    ]
    lengths = np.concatenate([p[0] for p in pieces])
    values = np.concatenate([p[1] for p in pieces])
    gamma_p = np.array([model.covariates.purchase.get(n, 0.0) for n in names])
    gamma_d = np.array([model.covariates.dropout.get(n, 0.0) for n in names])
    starts = np.concatenate([[0.0], np.cumsum(lengths)])
    total, climbed = 0.0, 0.0
    for k, length in enumerate(lengths):
        top = min(length, age - starts[k])
        if top <= 0:
            break
        a = math.exp(values[k] @ gamma_p)
        b = math.exp(values[k] @ gamma_d)
        below = climbed

        def integrand(
            v: float, a: float = a, b: float = b, c: float = below
        ) -> float:
            return float(
                a * (model.beta / (model.beta + c + b * v)) ** model.s
            )

        total += integrate.quad(integrand, 0.0, top, epsabs=0, epsrel=1e-13)[0]
        climbed += b * length
    return model.r / model.alpha * total


@pytest.mark.parametrize("s", [0.7, 1.0, 2.5], ids=["s<1", "s=1", "s>1"])
def test_expected_purchases_match_quadrature(base: Base, s: float) -> None:
    """The closed form per piece is the integral, at ``s = 1`` too."""
    model = ParetoNbdDynamicFit.from_parameters(
        **{**TRUTH, "s": s, "dropout": {"group": -0.4, "season": 0.5}}
    )
    reach = base.paths.T + base.paths.horizon
    for i in (0, 1, 57, 398):
        ages = reach[i] * np.array([0.0, 0.013, 0.31, 0.5, 0.77, 1.0])
        matrix = np.zeros((ages.size, base.paths.n_customers))
        matrix[:, i] = ages
        ours = model.expected_purchases(matrix, base.paths)[:, i]
        assert ours[0] == 0.0
        for age, value in zip(ages, ours, strict=True):
            assert value == pytest.approx(
                _quadrature(model, base.paths, i, float(age)), rel=1e-9
            )


@pytest.mark.parametrize("s", [0.8, 1.0], ids=["s<1", "s=1"])
def test_expected_purchases_reduce_to_the_plain_model(
    base: Base, s: float
) -> None:
    """With constant covariates it is the plain model's expectation.

    Each customer's: the Pareto/NBD's at their scaled ``alpha``, ``beta``.
    """
    model = ParetoNbdDynamicFit.from_parameters(
        **{**TRUTH, "s": s, "purchase": {"group": 0.5}}
    )
    ages = np.linspace(0.0, 1.0, 9)[:, None] * (
        base.paths.T + base.paths.horizon
    )
    ours = model.expected_purchases(ages, base.paths)
    for i, who in enumerate(base.paths.customer_ids):
        g = float(int(who[1:]) % 2)
        plain = ParetoNbdFit.from_parameters(
            r=TRUTH["r"],
            alpha=TRUTH["alpha"] * math.exp(-0.5 * g),
            s=s,
            beta=TRUTH["beta"] * math.exp(0.4 * g),
        )
        np.testing.assert_allclose(
            ours[:, i], plain.expected_purchases(ages[:, i]), rtol=1e-9
        )


def test_expected_purchases_agree_with_a_simulation() -> None:
    """Simulated repeat purchases over 60 weeks average the expectation.

    ``r`` is large so that the purchase rates hardly vary and the check is
    sharp: the total within four standard errors.
    """
    truth = {**TRUTH, "r": 25.0, "alpha": 200.0}
    n = 2000
    sim = _simulate(n, 62, 3, truth)
    table = seasonal_table(n, 62, ids="c{:04d}")
    paths = covariate_paths(
        sim.transactions, covariates=table, calibration_end=HOLDOUT_END
    )
    model = ParetoNbdDynamicFit.from_parameters(**truth)
    expected = model.expected_purchases(paths.T, paths)
    error = paths.frequency.std() * math.sqrt(n)
    assert abs(paths.frequency.sum() - expected.sum()) < 4 * error
    assert error < 0.05 * expected.sum()


def test_expected_purchases_refusals(base: Base) -> None:
    """Ages must be numbers >= 0 within each path, one per customer."""
    model = base.season
    reach = base.paths.T + base.paths.horizon
    np.testing.assert_array_equal(
        model.expected_purchases(0.0, base.paths), np.zeros(400)
    )
    with pytest.raises(ArgumentTypeError, match="paths"):
        model.expected_purchases(1.0, base.group)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="does not broadcast to the 400"):
        model.expected_purchases([1.0, 2.0], base.paths)
    with pytest.raises(DataError, match=r"finite ages >= 0, got -1\.0"):
        model.expected_purchases(-1.0, base.paths)
    with pytest.raises(DataError, match="t must be numbers"):
        model.expected_purchases("soon", base.paths)
    beyond = reach.copy()
    beyond[7] += 1.0
    with pytest.raises(
        DataError, match=rf"customer {base.paths.customer_ids[7]!r}, beyond"
    ):
        model.expected_purchases(beyond, base.paths)
    # The end of each path itself, up to rounding, is fine.
    at_end = model.expected_purchases(reach * (1 + 1e-12), base.paths)
    np.testing.assert_array_equal(
        at_end, model.expected_purchases(reach, base.paths)
    )


def _paths(
    lengths: list[list[float]], values: list[list[float]]
) -> CovariatePaths:
    """Paths of customers with the given pieces, all in the calibration."""
    n = len(lengths)
    customer = np.repeat(np.arange(n), [len(p) for p in lengths])
    flat = np.array([v for p in lengths for v in p], dtype=np.float64)
    z = np.array([v for p in values for v in p], dtype=np.float64)
    empty = Pieces(
        customer=np.zeros(0, dtype=np.intp),
        length=np.zeros(0),
        after=np.zeros(0, dtype=np.bool_),
        values=np.zeros((0, 1)),
    )
    return CovariatePaths(
        customer_ids=tuple(f"c{i}" for i in range(n)),
        frequency=np.zeros(n),
        recency=np.zeros(n),
        T=np.array([sum(p) for p in lengths]),
        names=("z",),
        calibration=Pieces(
            customer=customer.astype(np.intp),
            length=flat,
            after=np.zeros(flat.size, dtype=np.bool_),
            values=z.reshape(-1, 1),
        ),
        purchase_sums=np.zeros((n, 1)),
        future=empty,
        horizon=0.0,
        calibration_end=START,
        days_per_unit=7.0,
    )


_PIECES = st.lists(
    st.tuples(
        st.floats(0.01, 20.0),
        st.floats(-2.0, 2.0, allow_subnormal=False),
    ),
    min_size=0,
    max_size=5,
)


@given(
    customers=st.lists(_PIECES, min_size=1, max_size=4),
    gamma=st.tuples(st.floats(-1.5, 1.5), st.floats(-1.5, 1.5)),
    s=st.floats(0.2, 4.0),
    fractions=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=6),
)
def test_expected_purchases_bounds_property(
    customers: list[list[tuple[float, float]]],
    gamma: tuple[float, float],
    s: float,
    fractions: list[float],
) -> None:
    """``E[X(t)]`` starts at 0, never falls, and lies within bounds.

    Between the purchase clock's expectation without dropout, ``r / alpha
    A(t)``, and that times the survival to ``t``, ``(beta / (beta +
    B(t)))^s``.
    """
    paths = _paths(
        [[length for length, _ in c] for c in customers],
        [[z for _, z in c] for c in customers],
    )
    model = ParetoNbdDynamicFit.from_parameters(
        r=1.3,
        alpha=5.0,
        s=s,
        beta=7.0,
        purchase={"z": gamma[0]},
        dropout={"z": gamma[1]},
    )
    ages = np.sort(np.array(fractions))[:, None] * paths.T[None, :]
    expected = model.expected_purchases(ages, paths)
    assert (np.diff(expected, axis=0) >= -1e-12 * (1 + expected[1:])).all()
    for i, pieces in enumerate(customers):
        for age, value in zip(ages[:, i], expected[:, i], strict=True):
            a_clock = b_clock = 0.0
            left = float(age)
            for length, z in pieces:
                step = min(length, left)
                a_clock += math.exp(gamma[0] * z) * step
                b_clock += math.exp(gamma[1] * z) * step
                left -= step
            top = 1.3 / 5.0 * a_clock
            bottom = top * (7.0 / (7.0 + b_clock)) ** s
            assert bottom * (1 - 1e-9) - 1e-12 <= value
            assert value <= top * (1 + 1e-9) + 1e-12


# --------------------------------------------------------------------------
# The dataframe path
# --------------------------------------------------------------------------


def test_frames_pass_covariates_and_paths_through(base: Base) -> None:
    """A customer table and the paths give the record path's report.

    The table in any order, with an extra customer.
    """
    pl = pytest.importorskip("polars")
    frames = pytest.importorskip("customer_centric.frames")
    log = pl.DataFrame(
        {
            "id": [t.customer_id for t in base.log],
            "day": [t.day for t in base.log],
        }
    )
    ids = list(base.split.calibration.customer_ids)
    customers = pl.DataFrame(
        {
            "id": [*ids[::-1], "stranger"],
            "group": [*base.group["group"][::-1], 1.0],
        }
    )
    options: dict[str, Any] = {
        "customer_id_col": "id",
        "datetime_col": "day",
        "calibration_end": CALIBRATION_END,
        "observation_end": HOLDOUT_END,
        "time_unit": "W",
    }
    models: dict[str, ParetoNbdFit | ParetoNbdDynamicFit] = {
        "static": base.static,
        "dyn": base.season,
    }
    from_frame = frames.validate_holdout(
        log, models=models, covariates=customers, paths=base.paths, **options
    )
    record = validate_holdout(
        base.split,
        models=models,
        covariates=base.group,
        paths=base.paths,
        transactions=base.log,
    )
    # The frame's engine computes T in its own floats: equal to rounding.
    for ours, theirs in zip(
        from_frame.to_rows(), record.to_rows(), strict=True
    ):
        numbers = {k for k, v in theirs.items() if isinstance(v, float)}
        assert {k: ours[k] for k in numbers} == pytest.approx(
            {k: theirs[k] for k in numbers}, rel=1e-12
        )
        assert {k: v for k, v in ours.items() if k not in numbers} == {
            k: v for k, v in theirs.items() if k not in numbers
        }
    with pytest.raises(DataError, match=r"no column 'id'"):
        frames.validate_holdout(
            log,
            models=models,
            covariates=customers.rename({"id": "who"}),
            paths=base.paths,
            **options,
        )
    with pytest.raises(DataError, match=r"several rows for customers"):
        frames.validate_holdout(
            log,
            models=models,
            covariates=pl.concat([customers, customers.head(2)]),
            paths=base.paths,
            **options,
        )
    with pytest.raises(DataError, match=r"no row for customers \['c0000'\]"):
        frames.validate_holdout(
            log,
            models=models,
            covariates=customers.filter(pl.col("id") != "c0000"),
            paths=base.paths,
            **options,
        )


# --------------------------------------------------------------------------
# CLVTools' apparel data
# --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class Apparel:
    """The apparel log split at 104 weeks, with both covariate tables."""

    log: list[Transaction]
    split: CalibrationHoldout
    static: dict[str, list[float]]
    paths: CovariatePaths


def _number(cell: str | float | None) -> float:
    assert isinstance(cell, float)
    return cell


@pytest.fixture(scope="module")
def apparel(clvtools_data: Path) -> Apparel:
    """As CLVTools splits it: 104 weeks from the first day, then the rest."""
    with (clvtools_data / "apparelTrans.csv").open(encoding="utf-8") as f:
        log = [
            Transaction(
                customer_id=CustomerId(row["Id"]),
                occurred_at=dt.date.fromisoformat(row["Date"]),
            )
            for row in csv.DictReader(f)
        ]
    first = min(t.day for t in log)
    split = rfm_calibration_holdout(
        log,
        calibration_end=first + dt.timedelta(weeks=104),
        observation_end=max(t.day for t in log),
        time_unit="W",
    )
    ids = split.calibration.customer_ids
    with (clvtools_data / "apparelStaticCov.csv").open(encoding="utf-8") as f:
        rows = {row["Id"]: row for row in csv.DictReader(f)}
    static = {
        name: [float(rows[i][name]) for i in ids]
        for name in ("Gender", "Channel")
    }
    with (clvtools_data / "apparelDynCov.csv").open(encoding="utf-8") as f:
        weekly = list(csv.DictReader(f))
    table: dict[str, list[Any]] = {
        k: [r[k] for r in weekly] for k in weekly[0]
    }
    for name in ("High.Season", "Gender", "Channel"):
        table[name] = [float(v) for v in table[name]]
    paths = covariate_paths(
        log,
        covariates=table,
        calibration_end=split.calibration.observation_end,
        id_column="Id",
        period_column="Cov.Date",
    )
    return Apparel(log=log, split=split, static=static, paths=paths)


def test_apparel_holdout_with_covariates(apparel: Apparel) -> None:
    """CLVTools' apparel: the season predicts the holdout best.

    1,317 holdout purchases in 207 weeks; plain Pareto/NBD 1,455.5, with
    gender and channel 1,453.7 (CLVTools' static CET sums to 1,453.8), with
    the season as well 1,269.5; the season also has the smallest
    per-customer error and the best AIC.
    """
    c = apparel.split.calibration
    columns = (c.frequency, c.recency, c.T)
    both = ("Gender", "Channel")
    report = validate_holdout(
        apparel.split,
        models={
            "plain": fit_pareto_nbd(*columns),
            "static": fit_pareto_nbd(
                *columns,
                purchase_covariates=apparel.static,
                dropout_covariates=apparel.static,
            ),
            "season": fit_pareto_nbd_dynamic(
                apparel.paths,
                purchase_covariates=("High.Season", *both),
                dropout_covariates=both,
            ),
        },
        covariates=apparel.static,
        paths=apparel.paths,
        transactions=apparel.log,
    )
    assert round(report.duration, 2) == 207.14
    rows = {str(row["model"]): row for row in report.to_rows()}
    assert {k: round(_number(r["predicted"]), 1) for k, r in rows.items()} == {
        "plain": 1455.5,
        "static": 1453.7,
        "season": 1269.5,
    }
    assert {k: round(_number(r["mae"]), 3) for k, r in rows.items()} == {
        "plain": 2.040,
        "static": 2.007,
        "season": 1.901,
    }
    assert {r["actual"] for r in rows.values()} == {1317.0}
    assert [rows[k]["n_parameters"] for k in rows] == [4, 8, 9]
    assert _number(rows["season"]["aic"]) < _number(rows["static"]["aic"])
    tracking = report.tracking
    assert tracking is not None
    at_end = int(tracking.calibration_end)
    holdout = {
        name: float(
            tracking.expected_cumulative(name)[-1]
            - tracking.expected_cumulative(name)[at_end - 1]
        )
        for name in rows
    }
    assert {k: round(v, 1) for k, v in holdout.items()} == {
        "plain": 1470.5,
        "static": 1453.5,
        "season": 1284.2,
    }
    assert tracking.actual[at_end:].sum() == 1317
