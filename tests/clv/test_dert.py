"""Discounted expected residual transactions (DERT)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from clv_helpers import apparel_summary, fhl_models, read_columns
from customer_centric.clv import (
    BgNbdFit,
    ParetoNbdFit,
    at_covariates,
    dert,
    fit_pareto_nbd,
    new_customer_dert,
)
from customer_centric.exceptions import ArgumentTypeError, DataError

if TYPE_CHECKING:
    from pathlib import Path

FHL_RATE = math.log(1.15) / 52
"""FHL (2005): 15 % a year, continuously compounded, per week (0.0027)."""
HISTORIES = [
    (0, 0.0, 38.86),
    (2, 30.43, 38.86),
    (2, 5.0, 38.86),
    (50, 38.0, 38.86),
    (0, 0.0, 0.0),
]


def _discounted_expectation(
    fit: ParetoNbdFit | BgNbdFit, x: float, t_x: float, big_t: float
) -> float:
    """``delta * integral exp(-delta t) E[X(T, T+t)] dt``, by parts."""

    def integrand(t: float) -> float:
        expected = fit.conditional_expected_purchases(t, x, t_x, big_t)
        return FHL_RATE * math.exp(-FHL_RATE * t) * float(expected)

    value, _ = integrate.quad(integrand, 0, np.inf, limit=500, epsrel=1e-11)
    return float(value)


@pytest.mark.parametrize("model", ["BG/NBD", "Pareto/NBD"])
@pytest.mark.parametrize("history", HISTORIES, ids=[str(h) for h in HISTORIES])
def test_dert_is_the_discounted_conditional_expectation(
    model: str, history: tuple[float, float, float]
) -> None:
    """DERT equals the discounted integral of the conditional expectation.

    An independent path: the models' own ``E[X(T, T+t)]``, integrated by
    adaptive quadrature, against the closed form (Pareto/NBD) and the
    tanh-sinh double integral (BG/NBD).
    """
    fit = fhl_models()[model]
    ours = float(dert(fit, *history, discount_rate=FHL_RATE))
    assert ours == pytest.approx(
        _discounted_expectation(fit, *history), rel=1e-8
    )


@pytest.mark.parametrize("model", ["BG/NBD", "Pareto/NBD"])
def test_new_customer_dert(model: str) -> None:
    """A new customer's DERT is the discounted expectation from zero."""
    fit = fhl_models()[model]
    value = new_customer_dert(fit, discount_rate=FHL_RATE)
    assert value == pytest.approx(
        float(dert(fit, 0, 0, 0, discount_rate=FHL_RATE)), rel=1e-12
    )

    def integrand(t: float) -> float:
        expected = float(fit.expected_purchases(t))
        return FHL_RATE * math.exp(-FHL_RATE * t) * expected

    expected, _ = integrate.quad(integrand, 0, np.inf, limit=500)
    assert value == pytest.approx(expected, rel=1e-7)


def test_apparel_dert_matches_clvtools(clvtools_data: Path) -> None:
    """CLVTools' DERT per customer, at both of its discount rates.

    CLVTools' default continuous rate is log(1.1) per period (a week
    here); its ``DERT.weekly.delta`` column uses log(1.1)/52. At CLVTools'
    own estimates the values agree to rounding; at ours to 0.5 %.
    """
    import json  # noqa: PLC0415

    columns, cov = apparel_summary(clvtools_data, 104)
    path = clvtools_data / "apparel104_pnbd_static_predictions.csv"
    per_period, per_year = read_columns(path, "DERT", "DERT.weekly.delta")
    reference = json.loads(
        (clvtools_data / "apparel104_pnbd_static_fit.json").read_text(
            encoding="utf-8"
        )
    )["fits"]["apparel104_pnbd_static"]["coefficients"]
    fit = fit_pareto_nbd(
        *columns, purchase_covariates=cov, dropout_covariates=cov
    )
    fields = fit.model_dump()
    fields.update({k: reference[k] for k in ("r", "alpha", "s", "beta")})
    for process, prefix in (("purchase", "trans"), ("dropout", "life")):
        fields["covariates"][process] = {
            name: reference[f"{prefix}.{name}"]
            for name in ("Gender", "Channel")
        }
    given_fit = ParetoNbdFit.model_validate(fields)
    for model, tolerance in ((given_fit, 1e-9), (fit, 5e-3)):
        for rate, expected in (
            (math.log(1.1), per_period),
            (math.log(1.1) / 52, per_year),
        ):
            ours = dert(
                model,
                *columns,
                discount_rate=rate,
                purchase_covariates=cov,
                dropout_covariates=cov,
            )
            np.testing.assert_allclose(ours, expected, rtol=tolerance)


def test_dert_with_covariates_is_the_segment_model() -> None:
    """Per-customer DERT with covariates is the segment model's DERT."""
    fit = ParetoNbdFit.model_validate(
        {
            **ParetoNbdFit.from_parameters(
                r=0.553, alpha=10.578, s=0.606, beta=11.669
            ).model_dump(),
            "covariates": {
                "purchase": {"vip": 0.4},
                "dropout": {},
                "purchase_standard_errors": {"vip": 0.1},
                "dropout_standard_errors": {},
                "names": (),
                "covariance": (),
            },
        }
    )
    segment = at_covariates(fit, purchase={"vip": 1.0})
    ours = dert(
        fit,
        [2, 2],
        [30.43, 30.43],
        38.86,
        discount_rate=FHL_RATE,
        purchase_covariates={"vip": [0.0, 1.0]},
    )
    assert ours[1] == pytest.approx(
        float(dert(segment, 2, 30.43, 38.86, discount_rate=FHL_RATE))
    )
    assert ours[1] > ours[0]


@given(
    x=st.integers(0, 2000),
    share=st.floats(0, 1),
    big_t=st.floats(0.5, 500),
    rate=st.floats(1e-4, 1.0),
)
def test_dert_bounds(x: int, share: float, big_t: float, rate: float) -> None:
    """DERT is positive, below an immortal customer's, falls with the rate."""
    t_x = share * big_t if x else 0.0
    for fit in fhl_models().values():
        value = float(dert(fit, x, t_x, big_t, discount_rate=rate))
        immortal = (fit.r + x) / (fit.alpha + big_t) / rate
        assert 0 <= value <= immortal * (1 + 1e-9)
        later = float(dert(fit, x, t_x, big_t, discount_rate=2 * rate))
        assert later <= value * (1 + 1e-9)


@pytest.mark.parametrize(
    ("fit", "rate", "error", "message"),
    [
        (None, 0.01, ArgumentTypeError, "BgNbdFit or GgomNbdFit"),
        ("pnbd", 0.0, DataError, "discount_rate"),
        ("pnbd", math.inf, DataError, "discount_rate"),
        ("pnbd", 5e-324, DataError, "at least 1e-08"),
        ("pnbd", "0.1", ArgumentTypeError, "real number"),
    ],
    ids=["fit", "zero", "inf", "subnormal", "str"],
)
def test_bad_arguments_are_refused(
    fit: object, rate: object, error: type[Exception], message: str
) -> None:
    """A wrong fit or a rate outside [1e-8, inf) raises with a message."""
    model = fhl_models()["Pareto/NBD"] if fit == "pnbd" else fit
    with pytest.raises(error, match=message):
        dert(model, 1, 1, 2, discount_rate=rate)  # type: ignore[arg-type]
    with pytest.raises(error, match=message):
        new_customer_dert(model, discount_rate=rate)  # type: ignore[arg-type]


@pytest.mark.parametrize("s", [0.2, 0.606, 1.0, 2.5])
@pytest.mark.parametrize("rate", [1e-4, FHL_RATE, 0.1, math.log(1.1)])
def test_pareto_nbd_dert_is_fhl_closed_form(s: float, rate: float) -> None:
    """FHL (2005) equation 2 with scipy's hyperu, where hyperu converges."""
    from scipy import special  # noqa: PLC0415

    fit = ParetoNbdFit.from_parameters(r=0.553, alpha=10.578, s=s, beta=11.669)
    x, t_x, big_t = np.array([0, 2, 7]), np.array([0, 30.43, 35]), 38.86
    z = rate * (fit.beta + big_t)
    closed = (
        fit.probability_alive(x, t_x, big_t)
        * (fit.r + x)
        / (fit.alpha + big_t)
        * z**s
        * special.hyperu(s, s, z)
        / rate
    )
    ours = dert(fit, x, t_x, big_t, discount_rate=rate)
    np.testing.assert_allclose(ours, closed, rtol=1e-8)


def test_bg_nbd_dert_where_scipy_beta_quantiles_fail() -> None:
    """At a = 1.031, b = 0.25 scipy's ``betaincinv`` gave NaN, and DERT too.

    Its smallest quantiles now come from the Beta function's leading
    term; DERT matches the discounted conditional expectation.
    """
    fit = BgNbdFit.from_parameters(r=1.0, alpha=1.0, a=1.031, b=0.25)
    ours = float(dert(fit, 0, 0.0, 0.0, discount_rate=FHL_RATE))
    assert ours == pytest.approx(
        _discounted_expectation(fit, 0, 0.0, 0.0), rel=1e-8
    )
