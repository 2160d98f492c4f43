"""Delta-method and bootstrap intervals for fits with covariates."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pytest

from clv_helpers import apparel_rfm, apparel_summary
from customer_centric.clv import (
    BgNbdFit,
    GammaGammaFit,
    ParetoNbdFit,
    PredictionInterval,
    RFMArrays,
    at_covariates,
    bootstrap_interval,
    delta_interval,
    dert,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    simulate_bg_nbd,
    validate_rfm,
)
from customer_centric.exceptions import (
    ConvergenceError,
    DataError,
)

Columns = tuple[
    npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]
]
Table = dict[str, list[float]]

WEEKLY: Final = math.log(1.1) / 52
"""10 % a year, continuously, per week (as in the CLVTools reference)."""


@pytest.fixture(scope="module")
def apparel(clvtools_data: Path) -> tuple[Columns, Table]:
    """CLVTools' apparel summary, 104-week calibration, and covariates."""
    columns, covariates = apparel_summary(clvtools_data, 104)
    return (columns[0], columns[1], columns[2]), covariates


@pytest.fixture(scope="module")
def pnbd(apparel: tuple[Columns, Table]) -> ParetoNbdFit:
    """Pareto/NBD with gender and channel on both processes (CLVTools')."""
    columns, cov = apparel
    return fit_pareto_nbd(
        *columns, purchase_covariates=cov, dropout_covariates=cov
    )


def _per_customer(
    columns: Columns, cov: Table
) -> dict[str, tuple[Callable[[ParetoNbdFit], npt.ArrayLike], str]]:
    """Each per-customer prediction of the apparel customers, and its scale."""
    x, t_x, big_t = columns
    both = {"purchase_covariates": cov, "dropout_covariates": cov}

    def women_online(fit: ParetoNbdFit) -> npt.ArrayLike:
        segment = {"Gender": 1.0, "Channel": 1.0}
        model = at_covariates(fit, purchase=segment, dropout=segment)
        return model.expected_purchases([13.0, 52.0])

    return {
        "P(alive)": (
            lambda fit: fit.probability_alive(x, t_x, big_t, **both),
            "logit",
        ),
        "conditional expected purchases": (
            lambda fit: fit.conditional_expected_purchases(
                52.0, x, t_x, big_t, **both
            ),
            "log",
        ),
        "DERT": (
            lambda fit: dert(fit, x, t_x, big_t, discount_rate=WEEKLY, **both),
            "log",
        ),
        "new customer of a segment": (women_online, "log"),
    }


def _holds_estimate(interval: PredictionInterval) -> bool:
    return bool(
        (
            (interval.lower <= interval.estimate)
            & (interval.estimate <= interval.upper)
        ).all()
    )


@pytest.mark.parametrize(
    "name",
    [
        "P(alive)",
        "conditional expected purchases",
        "DERT",
        "new customer of a segment",
    ],
)
def test_apparel_delta_intervals_hold_the_estimate(
    apparel: tuple[Columns, Table], pnbd: ParetoNbdFit, name: str
) -> None:
    """Every apparel customer's delta interval holds their estimate."""
    columns, cov = apparel
    predict, scale = _per_customer(columns, cov)[name]
    interval = delta_interval(
        pnbd,
        predict,
        confidence=0.9,
        scale=scale,  # type: ignore[arg-type]
    )
    assert _holds_estimate(interval)
    # Only a P(alive) within rounding of 1 has an interval of width 0.
    inner = interval.estimate < 1 - 1e-6
    assert (interval.width[inner] > 0).all()
    # The estimates are the fit's per-customer predictions (CLVTools' for
    # P(alive), CET and DERT: see test_covariates and test_dert).
    np.testing.assert_array_equal(interval.estimate, np.asarray(predict(pnbd)))


def _apparel_spend(folder: Path, columns: Columns) -> npt.NDArray[np.float64]:
    """Each apparel customer's mean spend per repeat purchase day.

    In the customers' order of :func:`apparel_summary` (sorted ids), from
    the same 104-week calibration; 0 without repeat purchases.
    """
    summary = apparel_rfm(folder, 104)
    np.testing.assert_array_equal(summary.frequency, columns[0])
    assert summary.monetary_value is not None
    return np.array([float(v) for v in summary.monetary_value])


def test_apparel_clv_interval_combines_two_fits(
    clvtools_data: Path, apparel: tuple[Columns, Table], pnbd: ParetoNbdFit
) -> None:
    """CLVTools' CLV (DERT times Gamma-Gamma spend) gets intervals.

    Two fits, the Pareto/NBD with covariates and a Gamma-Gamma fit on the
    repeat buyers' spend: the delta method treats them as independent,
    the bootstrap refits both on the same customers, with covariates.
    """
    columns, cov = apparel
    x, t_x, big_t = columns
    spend = _apparel_spend(clvtools_data, columns)
    repeat = x > 0
    gg = fit_gamma_gamma(x[repeat], spend[repeat])
    # The values of the first 40 customers (the fits use all 600).
    head = slice(0, 40)
    head_cov = {name: values[head] for name, values in cov.items()}

    def value(fit: ParetoNbdFit, spend_fit: GammaGammaFit) -> npt.ArrayLike:
        residual = dert(
            fit,
            x[head],
            t_x[head],
            big_t[head],
            discount_rate=WEEKLY,
            purchase_covariates=head_cov,
            dropout_covariates=head_cov,
        )
        per_purchase = spend_fit.conditional_expected_spend(
            x[head], spend[head]
        )
        return np.asarray(residual) * per_purchase

    delta = delta_interval((pnbd, gg), value, confidence=0.9)
    assert _holds_estimate(delta)
    assert (delta.width > 0).all()
    boot = bootstrap_interval(
        (pnbd, gg),
        value,
        data=validate_rfm(*columns),
        monetary_value=spend,
        seed=3,
        n_resamples=9,
        confidence=0.8,
        purchase_covariates=cov,
        dropout_covariates=cov,
    )
    assert boot.failed == 0
    assert boot.estimate.shape == (40,)
    # 9 resamples' 80 % ends are their smallest and largest.
    assert (boot.width > 0).all()


@pytest.mark.parametrize(
    "coefficient",
    [
        "purchase:Gender",
        "purchase:Channel",
        "dropout:Gender",
        "dropout:Channel",
    ],
)
def test_coefficient_interval_is_its_standard_error(
    pnbd: ParetoNbdFit, coefficient: str
) -> None:
    """A coefficient's own delta interval is +/- z times its error."""
    process, name = coefficient.split(":")
    effects = pnbd.covariates
    assert effects is not None
    value = getattr(effects, process)[name]
    error = getattr(effects, f"{process}_standard_errors")[name]

    def own(fit: ParetoNbdFit) -> float:
        assert fit.covariates is not None
        result: float = getattr(fit.covariates, process)[name]
        return result

    interval = delta_interval(pnbd, own, confidence=0.9, scale="identity")
    z = 1.6448536269514722
    assert float(interval.estimate) == value
    assert float(interval.upper) - value == pytest.approx(z * error, rel=1e-4)


def test_parameter_and_coefficient_covary(pnbd: ParetoNbdFit) -> None:
    """A sum of a parameter and a coefficient uses their covariance."""
    effects = pnbd.covariates
    assert effects is not None
    full = np.asarray(effects.covariance)
    i, j = effects.names.index("alpha"), effects.names.index("purchase:Gender")
    expected = math.sqrt(full[i, i] + 2 * full[i, j] + full[j, j])

    def both(fit: ParetoNbdFit) -> float:
        assert fit.covariates is not None
        return fit.alpha + fit.covariates.purchase["Gender"]

    interval = delta_interval(pnbd, both, confidence=0.9, scale="identity")
    half = float(interval.upper - interval.estimate)
    assert half == pytest.approx(1.6448536269514722 * expected, rel=1e-4)


@pytest.mark.slow
def test_apparel_bootstrap_resamples_customers_with_covariates(
    apparel: tuple[Columns, Table], pnbd: ParetoNbdFit
) -> None:
    """The bootstrap refits with each drawn customer's covariates."""
    columns, cov = apparel
    predict, _ = _per_customer(columns, cov)["new customer of a segment"]
    interval = bootstrap_interval(
        pnbd,
        predict,
        data=validate_rfm(*columns),
        seed=5,
        n_resamples=19,
        confidence=0.9,
        purchase_covariates=cov,
        dropout_covariates=cov,
    )
    assert (interval.n_resamples, interval.failed) == (19, 0)
    assert _holds_estimate(interval)
    # The two methods agree on the width within a factor of 2 (the
    # bootstrap's is longer at 52 weeks: the lifetime's uncertainty is
    # skewed, and 19 resamples make its ends noisy).
    delta = delta_interval(pnbd, predict, confidence=0.9)
    ratio = interval.width / delta.width
    assert ((ratio > 0.5) & (ratio < 2)).all(), ratio


def test_bg_nbd_with_purchase_covariates(
    apparel: tuple[Columns, Table],
) -> None:
    """A BG/NBD fit with purchase covariates gets both kinds of interval."""
    columns, cov = apparel
    x, t_x, big_t = columns
    bg = fit_bg_nbd(*columns, purchase_covariates=cov)

    def alive(fit: BgNbdFit) -> npt.ArrayLike:
        return fit.probability_alive(x, t_x, big_t, purchase_covariates=cov)

    delta = delta_interval(bg, alive, confidence=0.9, scale="logit")
    boot = bootstrap_interval(
        bg,
        alive,
        data=validate_rfm(*columns),
        seed=1,
        n_resamples=9,
        confidence=0.8,
        purchase_covariates=cov,
    )
    assert _holds_estimate(delta)
    assert boot.estimate.shape == (x.size,)
    # P(alive) is exactly 1 for customers without repeat purchases.
    none = x == 0
    assert (delta.lower[none] == 1).all()
    assert (boot.lower[none] == 1).all()


# --------------------------------------------------------------------------
# Two groups simulated from BG/NBD: coverage of covariate fits
# --------------------------------------------------------------------------

GAMMA_PURCHASE: Final = 0.5
GAMMA_DROPOUT: Final = 0.4
BASE: Final = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
COVERAGE_BASES: Final = 200
GROUP: Final = 500


def _group_model(vip: float) -> BgNbdFit:
    """The BG/NBD of a customer with ``vip`` (CLVTools' parametrisation)."""
    up = math.exp(GAMMA_DROPOUT * vip)
    return BgNbdFit.from_parameters(
        r=BASE["r"],
        alpha=BASE["alpha"] * math.exp(-GAMMA_PURCHASE * vip),
        a=BASE["a"] * up,
        b=BASE["b"] * up,
    )


def simulate_groups(rng: np.random.Generator) -> tuple[RFMArrays, Table]:
    """500 regular and 500 VIP customers, observed 26 to 39 weeks."""
    parts = []
    for vip in (0.0, 1.0):
        model = _group_model(vip)
        big_t = np.round(26.0 + 13.0 * rng.random(GROUP))
        parts.append(
            simulate_bg_nbd(
                big_t,
                r=model.r,
                alpha=model.alpha,
                a=model.a,
                b=model.b,
                seed=rng,
                resolution=1 / 7,
            )
        )
    data = validate_rfm(
        *(
            np.concatenate([getattr(p, k) for p in parts])
            for k in ("frequency", "recency", "T")
        )
    )
    return data, {"vip": [0.0] * GROUP + [1.0] * GROUP}


def _vip_predictions(fit: BgNbdFit) -> list[float]:
    """A VIP's P(alive) and expected purchases, new and given a history."""
    vip = {"vip": 1.0}
    model = at_covariates(fit, purchase=vip, dropout=vip)
    return [
        float(np.asarray(model.expected_purchases(39.0))),
        float(np.asarray(model.probability_alive(2, 30.0, 39.0))),
        float(
            np.asarray(
                model.conditional_expected_purchases(39.0, 2, 30.0, 39.0)
            )
        ),
    ]


def _truth() -> npt.NDArray[np.float64]:
    model = _group_model(1.0)
    return np.array(
        [
            float(np.asarray(model.expected_purchases(39.0))),
            float(np.asarray(model.probability_alive(2, 30.0, 39.0))),
            float(
                np.asarray(
                    model.conditional_expected_purchases(39.0, 2, 30.0, 39.0)
                )
            ),
        ]
    )


@pytest.mark.slow
def test_delta_coverage_with_covariates() -> None:
    """90 % delta intervals of a covariate fit hold the truth 85-95 %.

    200 simulated bases of 1,000 customers (a VIP covariate on both
    processes, purchase times to the day); with this seed the shares are
    89.0 % (a new VIP's expected purchases), 88.0 % (P(alive)) and 87.5 %
    (conditional expected purchases). Each interval is on the log scale,
    P(alive)'s on the logit scale.
    """
    rng = np.random.default_rng(9)
    truth = _truth()
    held = np.zeros(3)
    fitted = replaced = 0
    while fitted < COVERAGE_BASES:
        data, vip = simulate_groups(rng)
        try:
            fit = fit_bg_nbd(
                data.frequency,
                data.recency,
                data.T,
                purchase_covariates=vip,
                dropout_covariates=vip,
            )
        except ConvergenceError:
            replaced += 1
            continue
        fitted += 1
        for k, scale in enumerate(("log", "logit", "log")):
            interval = delta_interval(
                fit,
                lambda f, k=k: _vip_predictions(f)[k],
                confidence=0.9,
                scale=scale,  # type: ignore[arg-type]
            )
            held[k] += bool(interval.lower <= truth[k] <= interval.upper)
    shares = held / COVERAGE_BASES
    assert ((shares >= 0.85) & (shares <= 0.95)).all(), shares
    assert replaced <= 0.05 * COVERAGE_BASES


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> tuple[RFMArrays, Table, BgNbdFit]:
    """1,000 simulated customers in two groups and their covariate fit."""
    data, vip = simulate_groups(np.random.default_rng(3))
    fit = fit_bg_nbd(
        data.frequency,
        data.recency,
        data.T,
        purchase_covariates=vip,
        dropout_covariates=vip,
        penalty=0.01,
        equal_coefficients=("vip",),
    )
    return data, vip, fit


def test_equal_coefficient_moves_both_processes(
    small: tuple[RFMArrays, Table, BgNbdFit],
) -> None:
    """A coefficient shared by both processes is one estimate."""
    data, vip, fit = small
    assert fit.covariates is not None
    error = fit.covariates.purchase_standard_errors["vip"]

    def dropout(model: BgNbdFit) -> float:
        assert model.covariates is not None
        assert model.covariates.purchase == model.covariates.dropout
        return model.covariates.dropout["vip"]

    interval = delta_interval(fit, dropout, confidence=0.9, scale="identity")
    assert float(interval.upper - interval.estimate) == pytest.approx(
        1.6448536269514722 * error, rel=1e-4
    )
    # The bootstrap refits with the same penalty and constraint: the fit
    # reproduces itself on its own data, then resamples.
    boot = bootstrap_interval(
        fit,
        dropout,
        data=data,
        seed=2,
        n_resamples=3,
        purchase_covariates=vip,
        dropout_covariates=vip,
    )
    assert boot.n_resamples == 3


def test_bootstrap_needs_the_covariates(
    small: tuple[RFMArrays, Table, BgNbdFit],
) -> None:
    """A covariate fit is bootstrapped only with its covariates."""
    data, vip, fit = small
    predict = _vip_predictions
    with pytest.raises(DataError, match="lacks \\['vip'\\]"):
        bootstrap_interval(fit, predict, data=data, seed=1, n_resamples=2)
    with pytest.raises(DataError, match="lacks \\['vip'\\]"):
        bootstrap_interval(
            fit,
            predict,
            data=data,
            seed=1,
            n_resamples=2,
            purchase_covariates={"age": vip["vip"]},
            dropout_covariates=vip,
        )
    with pytest.raises(DataError, match="one value per customer"):
        bootstrap_interval(
            fit,
            predict,
            data=data,
            seed=1,
            n_resamples=2,
            purchase_covariates={"vip": [1.0]},
        )


def test_covariates_without_a_covariate_fit_are_refused(
    small: tuple[RFMArrays, Table, BgNbdFit],
) -> None:
    """Covariates given for fits without any are a mistake: refused."""
    data, vip, _ = small
    plain = fit_bg_nbd(data.frequency, data.recency, data.T)
    with pytest.raises(DataError, match="no fit has covariates"):
        bootstrap_interval(
            plain,
            lambda fit: fit.expected_purchases(39.0),
            data=data,
            seed=1,
            n_resamples=2,
            purchase_covariates=vip,
        )


def test_covariate_fit_without_covariance_is_refused(
    small: tuple[RFMArrays, Table, BgNbdFit],
) -> None:
    """A covariate record whose covariance is not finite has no interval."""
    _, _, fit = small
    assert fit.covariates is not None
    fields = fit.model_dump()
    k = len(fit.covariates.names)
    fields["covariates"]["covariance"] = tuple(
        (math.nan,) * k for _ in range(k)
    )
    broken = BgNbdFit.model_validate(fields)
    with pytest.raises(DataError, match="no finite covariance"):
        delta_interval(broken, _vip_predictions)
