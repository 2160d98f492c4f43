"""The parametric bootstrap of the Pareto/NBD with time-varying covariates.

``bootstrap_interval(fit, predict, paths=..., kind="parametric")`` draws
every customer's purchases anew from the fit along their own covariate
path (``_dyncov_redraw.redraw``), rebuilds their paths as
``covariate_paths`` would from that log (``_dyncov_redraw.recut``) and
refits. Covers ``_dyncov_redraw``.

Run as a script, it measures the intervals' coverage (figures in the CLV
guide, "Time-varying covariates")::

    python tests/clv/test_bootstrap_dynamic_parametric.py [bases] [kind]

each base 300 customers simulated from the truth below over 40 weeks,
19 resamples a base (90 % intervals; ``kind`` ``parametric``, the
default, or ``nonparametric``) of the season's purchase coefficient and
of the next 13 weeks' purchases, against the true coefficient and the
truth's conditional expectation.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Callable
from typing import Final

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_helpers import (
    DYNAMIC_TRUTH,
    SEASON_START,
    seasonal_paths,
    seasonal_table,
)
from customer_centric import CustomerId, Transaction
from customer_centric.clv import (
    CovariatePaths,
    ParetoNbdDynamicFit,
    PredictionInterval,
    _intervals,
    bootstrap_interval,
    covariate_paths,
    fit_pareto_nbd_dynamic,
    validate_rfm,
)
from customer_centric.clv._dyncov_likelihood import _merge
from customer_centric.clv._dyncov_paths import Pieces
from customer_centric.clv._dyncov_redraw import recut, redraw
from customer_centric.clv._pareto_nbd import ParetoNbdFit
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
    InvariantError,
)

START: Final = SEASON_START
N: Final = 300
TRUTH: Final = DYNAMIC_TRUTH
PURCHASE: Final = ("season", "group")
DROPOUT: Final = ("group",)


@pytest.fixture(scope="module")
def paths() -> CovariatePaths:
    """The time-varying tests' 300 customers."""
    return seasonal_paths(N, 11)


@pytest.fixture(scope="module")
def fit(paths: CovariatePaths) -> ParetoNbdDynamicFit:
    """The season and group on purchases, the group on dropout."""
    return fit_pareto_nbd_dynamic(
        paths, purchase_covariates=PURCHASE, dropout_covariates=DROPOUT
    )


def _total(paths: CovariatePaths) -> Callable[[ParetoNbdDynamicFit], float]:
    """The next 13 weeks' purchases of the whole base."""

    def predict(fit: ParetoNbdDynamicFit) -> float:
        return float(fit.conditional_expected_purchases(13.0, paths).sum())

    return predict


def _joined(pieces: Pieces) -> Pieces:
    """Neighbours with equal covariates and ``after`` flag joined."""
    return _merge(pieces, np.arange(pieces.values.shape[1]))


# --------------------------------------------------------------------------
# Rebuilding the paths from new purchase days
# --------------------------------------------------------------------------

SMALL: Final = 6
SMALL_END: Final = START + dt.timedelta(weeks=10)
SMALL_TABLE: Final = seasonal_table(SMALL, 14)


def _small_log(
    firsts: list[int], repeats: list[list[int]]
) -> list[Transaction]:
    return [
        Transaction(
            customer_id=CustomerId(f"c{i}"),
            occurred_at=START + dt.timedelta(days=first + day),
        )
        for i, first in enumerate(firsts)
        for day in [0, *repeats[i]]
    ]


@st.composite
def _histories(draw: st.DrawFn) -> tuple[list[int], list[list[int]]]:
    """First purchase days and sets of repeat days before the end."""
    span = (SMALL_END - START).days
    firsts = [draw(st.integers(0, span)) for _ in range(SMALL)]
    repeats = [
        sorted(draw(st.sets(st.integers(1, max(span - f - 1, 1)))))
        if span - f >= 2
        else []
        for f in firsts
    ]
    return firsts, repeats


@settings(max_examples=40, deadline=None)
@given(old=_histories(), new=st.randoms(use_true_random=False))
def test_recut_is_covariate_paths_of_the_new_log(
    old: tuple[list[int], list[list[int]]], new: random.Random
) -> None:
    """As ``covariate_paths`` builds from a log with the new repeat days.

    Same first purchase days and calibration end: ``x``, ``t_x``, ``T``
    and the purchase sums agree, and the pieces, neighbours with equal
    covariates joined, are the same (the same step function, split at
    the new ``t_x``).
    """
    firsts, before = old
    span = (SMALL_END - START).days
    after = [
        sorted(new.sample(range(1, span - f), new.randint(0, span - f - 1)))
        if span - f >= 2
        else []
        for f in firsts
    ]
    base = covariate_paths(
        _small_log(firsts, before),
        covariates=SMALL_TABLE,
        calibration_end=SMALL_END,
    )
    want = covariate_paths(
        _small_log(firsts, after),
        covariates=SMALL_TABLE,
        calibration_end=SMALL_END,
    )
    owner = np.repeat(np.arange(SMALL), [len(days) for days in after])
    got = recut(
        base,
        owner,
        np.array([d for days in after for d in days], dtype=np.int64),
    )
    assert np.array_equal(got.frequency, want.frequency)
    assert np.array_equal(got.recency, want.recency)
    assert np.array_equal(got.T, want.T)
    np.testing.assert_allclose(got.purchase_sums, want.purchase_sums)
    ours, theirs = _joined(got.calibration), _joined(want.calibration)
    for name in ("customer", "after", "values"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name))
    np.testing.assert_allclose(ours.length, theirs.length, atol=1e-12)
    assert got.future is base.future
    model = ParetoNbdDynamicFit.from_parameters(
        purchase={"season": 0.5}, dropout={"group": 0.3}, **_PLAIN
    )
    np.testing.assert_allclose(
        model.individual_log_likelihood(got),
        model.individual_log_likelihood(want),
        rtol=1e-10,
    )


_PLAIN: Final = {"r": 0.5, "alpha": 6.0, "s": 0.8, "beta": 10.0}


def test_first_purchase_on_the_calibration_end() -> None:
    """Such a customer (``T`` = 0) has no pieces and no ``after`` flag.

    ``covariate_paths`` once gave them one flag without a piece, which
    shifted the flags of the customers after them.
    """
    paths = covariate_paths(
        _small_log([(SMALL_END - START).days, 0], [[], [3]]),
        covariates=seasonal_table(2, 14),
        calibration_end=SMALL_END,
    )
    pieces = paths.calibration
    assert paths.T[0] == 0
    assert pieces.after.size == pieces.customer.size
    assert (pieces.customer == 1).all()
    assert not pieces.after[0]
    assert pieces.after[1:].all()
    model = ParetoNbdDynamicFit.from_parameters(
        purchase={"season": 0.5}, dropout={}, **_PLAIN
    )
    assert model.individual_log_likelihood(paths)[0] == 0.0


def test_redrawn_paths_are_consistent(
    paths: CovariatePaths, fit: ParetoNbdDynamicFit
) -> None:
    """Whole-day ``t_x`` within ``[0, T]``, pieces covering ``[0, T]``.

    The pieces after ``t_x`` are flagged, one starts exactly there, the
    covariates along the path and after the calibration end are the
    customer's own, and the input is unchanged.
    """
    before = paths.calibration.length.copy()
    drawn = redraw(fit, paths, np.random.default_rng(5))
    unit = paths.days_per_unit
    assert drawn.customer_ids == paths.customer_ids
    assert np.array_equal(drawn.T, paths.T)
    assert drawn.future is paths.future
    assert np.array_equal(drawn.frequency, np.round(drawn.frequency))
    assert ((drawn.recency >= 0) & (drawn.recency < drawn.T)).all()
    days = drawn.recency * unit
    assert np.allclose(days, np.round(days))
    assert ((drawn.frequency == 0) == (drawn.recency == 0)).all()
    assert not np.array_equal(drawn.frequency, paths.frequency)
    pieces = drawn.calibration
    covered = np.bincount(pieces.customer, weights=pieces.length)
    np.testing.assert_allclose(covered, paths.T)
    ends = np.cumsum(pieces.length)
    first = np.searchsorted(pieces.customer, pieces.customer)
    start = ends - pieces.length - (ends - pieces.length)[first]
    t_x = drawn.recency[pieces.customer]
    assert np.array_equal(pieces.after, start >= t_x - 1e-9)
    has_cut = np.isclose(start, t_x) | (t_x == 0)
    assert np.bincount(pieces.customer, weights=has_cut).min() >= 1
    # The same step function as the original path, piece by piece.
    old = paths.calibration
    old_ends = np.cumsum(old.length)
    old_start = (
        old_ends
        - old.length
        - (old_ends - old.length)[np.searchsorted(old.customer, old.customer)]
    )
    line = 1e3 * old.customer + old_start
    at = np.searchsorted(line, 1e3 * pieces.customer + start + 1e-9) - 1
    assert np.array_equal(pieces.values, old.values[at])
    assert np.array_equal(paths.calibration.length, before)


def test_redraw_of_nobody(
    fit: ParetoNbdDynamicFit, paths: CovariatePaths
) -> None:
    """No customers: nothing drawn, empty paths."""
    nobody = redraw(fit, paths.take([]), np.random.default_rng(1))
    assert nobody.n_customers == 0
    assert nobody.calibration.length.size == 0


def test_redraws_have_the_models_expected_purchases(
    paths: CovariatePaths, fit: ParetoNbdDynamicFit
) -> None:
    """Repeat purchases drawn match the model's expectation along the paths.

    Summed over the base, 30 redraws: within 4 standard errors of the
    dynamic fit's ``expected_purchases(T, paths)``; with every coefficient
    0 and the plain Pareto/NBD's ``expected_purchases`` at each ``T``.
    Recording purchases by day (several on a day count once, one on the
    first day is the first purchase) loses about 1 % of them here, well
    within the bound.
    """
    rng = np.random.default_rng(2)
    plain = ParetoNbdDynamicFit.from_parameters(
        purchase={"season": 0.0, "group": 0.0},
        dropout={"group": 0.0},
        **_PLAIN,
    )
    static = ParetoNbdFit.from_parameters(**_PLAIN)
    for model, expected in (
        (fit, fit.expected_purchases(paths.T, paths).sum()),
        (plain, static.expected_purchases(paths.T).sum()),
    ):
        totals = [redraw(model, paths, rng).frequency.sum() for _ in range(30)]
        error = np.std(totals, ddof=1) / np.sqrt(len(totals))
        assert abs(np.mean(totals) - expected) < 4 * error


# --------------------------------------------------------------------------
# The bootstrap
# --------------------------------------------------------------------------


def test_interval_holds_the_estimate(
    paths: CovariatePaths, fit: ParetoNbdDynamicFit
) -> None:
    """19 parametric resamples, a 90 % interval around the estimate."""
    interval = bootstrap_interval(
        fit,
        _total(paths),
        paths=paths,
        seed=1,
        n_resamples=19,
        confidence=0.9,
        kind="parametric",
    )
    assert interval.method == "parametric bootstrap"
    assert (interval.n_resamples, interval.failed) == (19, 0)
    assert interval.lower < interval.estimate < interval.upper


def test_seeded(paths: CovariatePaths, fit: ParetoNbdDynamicFit) -> None:
    """The same seed, the same interval; another seed, another."""
    frequency = paths.frequency.copy()

    def run(seed: int) -> PredictionInterval:
        return bootstrap_interval(
            fit,
            _total(paths),
            paths=paths,
            seed=seed,
            n_resamples=2,
            kind="parametric",
        )

    once, again, other = run(3), run(3), run(4)
    assert np.array_equal(once.lower, again.lower)
    assert np.array_equal(once.upper, again.upper)
    assert not np.array_equal(once.lower, other.lower)
    assert np.array_equal(paths.frequency, frequency)
    first = redraw(fit, paths, np.random.default_rng(9))
    second = redraw(fit, paths, np.random.default_rng(9))
    assert np.array_equal(first.recency, second.recency)


def test_failed_refits_are_counted(
    paths: CovariatePaths,
    fit: ParetoNbdDynamicFit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every resample redraws all customers, refitted with the covariates.

    Failing refits are counted; all of them failing raises.
    """
    seen: list[tuple[bool, tuple[str, ...], tuple[str, ...]]] = []

    def spy(
        drawn: CovariatePaths,
        *,
        purchase_covariates: tuple[str, ...],
        dropout_covariates: tuple[str, ...],
    ) -> ParetoNbdDynamicFit:
        same = drawn.customer_ids == paths.customer_ids and np.array_equal(
            drawn.T, paths.T
        )
        seen.append((same, purchase_covariates, dropout_covariates))
        if len(seen) > 1 and len(seen) % 2 == 0:
            msg = "a coefficient runs off"
            raise ConvergenceError(msg)
        return fit_pareto_nbd_dynamic(
            drawn,
            purchase_covariates=purchase_covariates,
            dropout_covariates=dropout_covariates,
        )

    monkeypatch.setattr(_intervals, "fit_pareto_nbd_dynamic", spy)
    interval = bootstrap_interval(
        fit,
        _total(paths),
        paths=paths,
        seed=1,
        n_resamples=4,
        kind="parametric",
    )
    assert interval.failed == 2
    assert seen == [(True, PURCHASE, DROPOUT)] * 5

    def first_only(
        drawn: CovariatePaths, **kwargs: tuple[str, ...]
    ) -> ParetoNbdDynamicFit:
        if drawn is paths:
            return fit_pareto_nbd_dynamic(drawn, **kwargs)
        msg = "no one drops out"
        raise DataError(msg)

    monkeypatch.setattr(_intervals, "fit_pareto_nbd_dynamic", first_only)
    with pytest.raises(ConvergenceError, match="none of the 2 resamples"):
        bootstrap_interval(
            fit,
            _total(paths),
            paths=paths,
            seed=1,
            n_resamples=2,
            kind="parametric",
        )


def test_refusals(paths: CovariatePaths, fit: ParetoNbdDynamicFit) -> None:
    """Parametric, the other misuses are refused as before."""
    predict = _total(paths)
    rfm = validate_rfm(paths.frequency, paths.recency, paths.T)
    with pytest.raises(DataError, match="pass paths="):
        bootstrap_interval(fit, predict, data=rfm, seed=1, kind="parametric")
    with pytest.raises(DataError, match="from paths= alone"):
        bootstrap_interval(
            fit, predict, paths=paths, data=rfm, seed=1, kind="parametric"
        )
    with pytest.raises(ArgumentTypeError, match="paths"):
        bootstrap_interval(
            fit,
            predict,
            paths=rfm,  # type: ignore[arg-type]
            seed=1,
            kind="parametric",
        )
    half = paths.take(np.arange(N // 2))
    with pytest.raises(DataError, match="was not fitted on these data"):
        bootstrap_interval(
            fit, predict, paths=half, seed=1, n_resamples=2, kind="parametric"
        )
    with pytest.raises(InvariantError, match="kind"):
        bootstrap_interval(
            fit,
            predict,
            paths=paths,
            seed=1,
            kind="bayesian",  # type: ignore[arg-type]
        )


def _coverage(bases: int, kind: str) -> None:  # pragma: no cover - a script
    """Print each base's intervals and the shares holding the truth."""
    truth = ParetoNbdDynamicFit.from_parameters(**TRUTH)
    hits: list[list[bool]] = []
    failed = 0
    for base in range(bases):
        paths = seasonal_paths(N, 1000 + base)
        try:
            fit = fit_pareto_nbd_dynamic(
                paths,
                purchase_covariates=PURCHASE,
                dropout_covariates=PURCHASE,
            )
        except ConvergenceError:
            print(base, "left out: its own fit does not converge")  # noqa: T201
            continue
        cet = truth.conditional_expected_purchases(13.0, paths).sum()
        target = np.array([TRUTH["purchase"]["season"], cet])
        interval = bootstrap_interval(
            fit,
            lambda f, p=paths: [
                f.covariates.purchase["season"],
                f.conditional_expected_purchases(13.0, p).sum(),
            ],
            paths=paths,
            seed=base,
            n_resamples=19,
            confidence=0.9,
            kind=kind,  # type: ignore[arg-type]
        )
        failed += interval.failed
        hits.append(
            ((interval.lower <= target) & (target <= interval.upper)).tolist()
        )
        print(base, interval.lower, interval.estimate, interval.upper, target)  # noqa: T201
    share = np.mean(hits, axis=0)
    print(  # noqa: T201
        f"{len(hits)} of {bases} bases fitted: coverage {share}, {failed} "
        "refits failed"
    )


if __name__ == "__main__":  # pragma: no cover - a script
    _coverage(
        int(sys.argv[1]) if len(sys.argv) > 1 else 40,
        sys.argv[2] if len(sys.argv) > 2 else "parametric",
    )
