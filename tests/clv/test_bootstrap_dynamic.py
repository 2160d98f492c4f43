"""The bootstrap of the Pareto/NBD with time-varying covariates.

``bootstrap_interval(fit, predict, paths=...)`` resamples customers with
their covariate paths (``CovariatePaths.take``) and refits the dynamic
model with the fit's covariates. Covers ``CovariatePaths.take`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clv_helpers import (
    seasonal_paths,
)
from customer_centric.clv import (
    CovariatePaths,
    ParetoNbdDynamicFit,
    PredictionInterval,
    _intervals,
    bootstrap_interval,
    delta_interval,
    fit_bg_nbd,
    fit_pareto_nbd_dynamic,
    validate_rfm,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
)

N: Final = 300
PURCHASE: Final = ("season", "group")
DROPOUT: Final = ("group",)


@pytest.fixture(scope="module")
def paths() -> CovariatePaths:
    """300 customers joining over 4 weeks, 40 weeks of calibration.

    The covariate table runs 20 weeks past the calibration end.
    """
    return seasonal_paths(N, 11)


@pytest.fixture(scope="module")
def fit(paths: CovariatePaths) -> ParetoNbdDynamicFit:
    """The season and group on purchases, the group on dropout."""
    return fit_pareto_nbd_dynamic(
        paths, purchase_covariates=PURCHASE, dropout_covariates=DROPOUT
    )


def _three(
    paths: CovariatePaths,
) -> Callable[[ParetoNbdDynamicFit], npt.ArrayLike]:
    """P(alive) and the next 13 weeks' purchases of the first 3 customers."""

    def predict(fit: ParetoNbdDynamicFit) -> npt.ArrayLike:
        return np.concatenate(
            [
                fit.probability_alive(paths)[:3],
                fit.conditional_expected_purchases(13.0, paths)[:3],
            ]
        )

    return predict


def _holds(interval: PredictionInterval) -> bool:
    return bool(
        (
            (interval.lower <= interval.estimate)
            & (interval.estimate <= interval.upper)
        ).all()
    )


# --------------------------------------------------------------------------
# CovariatePaths.take
# --------------------------------------------------------------------------


@given(
    rows=st.lists(st.integers(0, N - 1), min_size=0, max_size=40),
)
def test_take_is_each_drawn_customer(
    paths: CovariatePaths, fit: ParetoNbdDynamicFit, rows: list[int]
) -> None:
    """A taken customer is the customer, with their likelihood and CET.

    Per customer, the log-likelihood, P(alive) and expected purchases of
    the taken paths are the original customers', in the order drawn,
    repeats included; the paths themselves are unchanged.
    """
    before = paths.calibration.length.copy()
    taken = paths.take(rows)
    assert taken.customer_ids == tuple(paths.customer_ids[i] for i in rows)
    assert taken.n_customers == len(rows)
    assert taken.horizon == paths.horizon
    assert taken.names == paths.names
    np.testing.assert_allclose(
        fit.individual_log_likelihood(taken),
        fit.individual_log_likelihood(paths)[rows],
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        fit.conditional_expected_purchases(13.0, taken),
        fit.conditional_expected_purchases(13.0, paths)[rows],
        rtol=1e-12,
    )
    assert np.array_equal(paths.calibration.length, before)


def test_take_keeps_every_piece(paths: CovariatePaths) -> None:
    """Taking everyone in order gives the same pieces; twice, twice."""
    same = paths.take(np.arange(N))
    for part in ("calibration", "future"):
        one, other = getattr(paths, part), getattr(same, part)
        for name in ("customer", "length", "after", "values"):
            assert np.array_equal(getattr(one, name), getattr(other, name))
    twice = paths.take(np.repeat(np.arange(N), 2))
    assert twice.calibration.length.size == 2 * paths.calibration.length.size
    assert np.array_equal(twice.purchase_sums[::2], paths.purchase_sums)
    assert np.array_equal(twice.T[1::2], paths.T)
    nobody = paths.take([])
    assert nobody.n_customers == 0
    assert nobody.calibration.length.size == 0
    assert nobody.calibration.values.shape == (0, len(paths.names))


def test_take_refusals(paths: CovariatePaths) -> None:
    """Positions must be whole, 1-d and in range."""
    with pytest.raises(ArgumentTypeError, match="rows"):
        paths.take([0.5, 1.0])
    with pytest.raises(DataError, match="1-d"):
        paths.take([[0, 1]])
    with pytest.raises(DataError, match=f"position {N}"):
        paths.take([0, N])
    with pytest.raises(DataError, match="position -1"):
        paths.take([-1])


# --------------------------------------------------------------------------
# The bootstrap
# --------------------------------------------------------------------------


def test_interval_behaves(
    paths: CovariatePaths, fit: ParetoNbdDynamicFit
) -> None:
    """Holds the estimate, about as wide as the delta interval.

    19 resamples, a 90 % interval (their smallest and largest): each end
    within a factor of 2.5 of the delta method's width, none failed.
    """
    predict = _three(paths)
    interval = bootstrap_interval(
        fit, predict, paths=paths, seed=1, n_resamples=19, confidence=0.9
    )
    assert interval.method == "bootstrap"
    assert (interval.n_resamples, interval.failed) == (19, 0)
    assert interval.estimate.shape == (6,)
    assert _holds(interval)
    alive = delta_interval(
        fit,
        lambda f: f.probability_alive(paths)[:3],
        confidence=0.9,
        scale="logit",
    )
    purchases = delta_interval(
        fit,
        lambda f: f.conditional_expected_purchases(13.0, paths)[:3],
        confidence=0.9,
    )
    ratio = interval.width / np.concatenate([alive.width, purchases.width])
    assert ((ratio > 1 / 2.5) & (ratio < 2.5)).all()


def test_seeded_and_inputs_unchanged(
    paths: CovariatePaths, fit: ParetoNbdDynamicFit
) -> None:
    """The same seed, the same interval; another seed, another."""
    predict = _three(paths)
    frequency = paths.frequency.copy()

    def run(seed: int) -> PredictionInterval:
        return bootstrap_interval(
            fit, predict, paths=paths, seed=seed, n_resamples=2
        )

    once, again, other = run(3), run(3), run(4)
    assert np.array_equal(once.lower, again.lower)
    assert np.array_equal(once.upper, again.upper)
    assert not np.array_equal(once.lower, other.lower)
    assert np.array_equal(paths.frequency, frequency)


def test_refit_has_the_fits_covariates(
    paths: CovariatePaths,
    fit: ParetoNbdDynamicFit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each resample is refitted with the fit's covariates, by process.

    On the drawn customers (as many as the paths hold); every second
    resample's refit raising ``ConvergenceError`` counts as failed, and
    all of them failing raises.
    """
    seen: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = []

    def spy(
        drawn: CovariatePaths,
        *,
        purchase_covariates: tuple[str, ...],
        dropout_covariates: tuple[str, ...],
    ) -> ParetoNbdDynamicFit:
        seen.append(
            (drawn.n_customers, purchase_covariates, dropout_covariates)
        )
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
        fit, _three(paths), paths=paths, seed=1, n_resamples=4
    )
    assert interval.failed == 2
    assert seen == [(N, PURCHASE, DROPOUT)] * 5

    def first_only(
        drawn: CovariatePaths, **kwargs: tuple[str, ...]
    ) -> ParetoNbdDynamicFit:
        if drawn is paths:
            return fit_pareto_nbd_dynamic(drawn, **kwargs)
        msg = "the drawn customers are too few"
        raise DataError(msg)

    monkeypatch.setattr(_intervals, "fit_pareto_nbd_dynamic", first_only)
    with pytest.raises(ConvergenceError, match="none of the 2 resamples"):
        bootstrap_interval(
            fit, _three(paths), paths=paths, seed=1, n_resamples=2
        )


def test_refusals(paths: CovariatePaths, fit: ParetoNbdDynamicFit) -> None:
    """Without paths, with data, other fits, other paths."""
    predict = _three(paths)
    rfm = validate_rfm(paths.frequency, paths.recency, paths.T)
    with pytest.raises(DataError, match="pass paths="):
        bootstrap_interval(fit, predict, data=rfm, seed=1)
    with pytest.raises(DataError, match="from paths= alone"):
        bootstrap_interval(fit, predict, paths=paths, data=rfm, seed=1)
    with pytest.raises(DataError, match="from paths= alone"):
        bootstrap_interval(
            fit,
            predict,
            paths=paths,
            seed=1,
            purchase_covariates={"group": np.zeros(N)},
        )
    bg = fit_bg_nbd(paths.frequency, paths.recency, paths.T)
    with pytest.raises(ArgumentTypeError, match="got BgNbdFit"):
        bootstrap_interval(
            bg, lambda b: b.expected_purchases(13.0), paths=paths, seed=1
        )
    with pytest.raises(ArgumentTypeError, match="ParetoNbdDynamicFit, Bg"):
        bootstrap_interval(
            (fit, bg), lambda f, _: f.probability_alive(paths), seed=1
        )
    with pytest.raises(ArgumentTypeError, match="paths"):
        bootstrap_interval(
            fit,
            predict,
            paths=rfm,  # type: ignore[arg-type]
            seed=1,
        )
    half = paths.take(np.arange(N // 2))
    with pytest.raises(DataError, match="was not fitted on these data"):
        bootstrap_interval(fit, predict, paths=half, seed=1, n_resamples=2)
