from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clv_helpers import read_columns
from customer_centric.clv import (
    BgBbFit,
    GammaGammaFit,
    SbgFit,
    fit_gamma_gamma,
)
from customer_centric.clv._gamma_gamma import _Likelihood
from customer_centric.exceptions import ConvergenceError, DataError
from strategies import spend_and_contract_fits

# Fader & Hardie (2013), note 025; FHL (2005, JMR): p, q, gamma on CDNOW.
PUBLISHED = {"p": 6.25, "q": 3.74, "gamma": 15.44}


def _cdnow(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    path = shared_data / "cdnow_customers_summary_with_transactions.csv"
    x, zbar = read_columns(path, "x", "zbar")
    return x, zbar


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    """CDNOW x and zbar (FHL 2005)."""
    return _cdnow(shared_data)


@pytest.fixture(scope="module")
def fitted(cdnow: tuple[np.ndarray, np.ndarray]) -> GammaGammaFit:
    """The Gamma-Gamma fit on the CDNOW repeat buyers."""
    x, zbar = cdnow
    repeat = x > 0
    return fit_gamma_gamma(x[repeat], zbar[repeat])


def _sig3(value: float) -> str:
    return f"{value:.3g}"


@pytest.mark.parametrize("name", ["p", "q", "gamma"], ids=["p", "q", "gamma"])
def test_reproduces_published_parameters(
    fitted: GammaGammaFit, name: str
) -> None:
    """The CDNOW repeat buyers give the published p, q, gamma (3 s.f.)."""
    assert _sig3(getattr(fitted, name)) == _sig3(PUBLISHED[name])
    # The note's Excel optimum differs from the exact one in the 4th digit.
    assert getattr(fitted, name) == pytest.approx(PUBLISHED[name], rel=2e-3)


def test_fit_on_946_repeat_buyers(fitted: GammaGammaFit) -> None:
    """The fit uses the 946 CDNOW customers with a repeat purchase."""
    assert fitted.n_customers == 946


def test_log_likelihood_regression(fitted: GammaGammaFit) -> None:
    """The summed log-likelihood at the optimum is -4055.9 (our value).

    Computed here with the density of equation (3) of the note, including
    its ``x^(px)`` Jacobian term; not checked against a published figure.
    """
    assert fitted.log_likelihood == pytest.approx(-4055.9, abs=0.1)


def test_standard_errors_finite(fitted: GammaGammaFit) -> None:
    """Every standard error is finite and positive."""
    for value in fitted.standard_errors.values():
        assert math.isfinite(value)
        assert value > 0
    assert fitted.diagnostics.converged


def test_published_conditional_spend(
    fitted: GammaGammaFit, cdnow: tuple[np.ndarray, np.ndarray]
) -> None:
    """The first ten CDNOW customers' expected spend matches note 025."""
    x, zbar = cdnow
    # Hardie's spreadsheet for note 025 (also lifetimes' test values).
    published = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17,
                 27.28, 35.17]  # fmt: skip
    got = fitted.conditional_expected_spend(x[:10], zbar[:10])
    np.testing.assert_allclose(got, published, atol=0.01)


def test_population_mean_spend(fitted: GammaGammaFit) -> None:
    """The population mean p*gamma/(q-1) is the note's $35.17."""
    assert fitted.population_mean_spend == pytest.approx(35.17, abs=0.005)


def test_conditional_spend_is_weighted_mean() -> None:
    """FHL (2005) eq. 4: a weighted mean of population mean and zbar."""
    fit = GammaGammaFit.from_parameters(**PUBLISHED)
    x = np.array([1.0, 2.0, 5.0, 40.0])
    m = np.array([10.0, 50.0, 22.35, 300.0])
    p, q = fit.p, fit.q
    weight = p * x / (p * x + q - 1)
    expected = (1 - weight) * fit.population_mean_spend + weight * m
    np.testing.assert_allclose(
        fit.conditional_expected_spend(x, m), expected, rtol=1e-12
    )


def test_zero_frequency_gives_population_mean() -> None:
    """With no repeat purchase the monetary value is ignored."""
    fit = GammaGammaFit.from_parameters(**PUBLISHED)
    got = fit.conditional_expected_spend([0, 0], [0.0, 999.0])
    np.testing.assert_allclose(got, fit.population_mean_spend)


def test_weights_equal_expanded_rows(
    cdnow: tuple[np.ndarray, np.ndarray], fitted: GammaGammaFit
) -> None:
    """Fitting unique (x, zbar) rows with weights equals the full data."""
    x, zbar = cdnow
    repeat = x > 0
    pairs, counts = np.unique(
        np.column_stack([x[repeat], zbar[repeat]]), axis=0, return_counts=True
    )
    assert pairs.shape[0] < repeat.sum()
    weighted = fit_gamma_gamma(pairs[:, 0], pairs[:, 1], weights=counts)
    for name in ("p", "q", "gamma"):
        assert getattr(weighted, name) == pytest.approx(
            getattr(fitted, name), rel=1e-6
        )
    assert weighted.log_likelihood == pytest.approx(
        fitted.log_likelihood, abs=1e-6
    )
    assert weighted.n_customers == fitted.n_customers


def test_json_round_trip(fitted: GammaGammaFit) -> None:
    """A fit saved as JSON loads back equal, and predicts the same."""
    loaded = GammaGammaFit.model_validate_json(fitted.model_dump_json())
    assert loaded == fitted
    assert loaded.conditional_expected_spend(3, 20.0) == pytest.approx(
        fitted.conditional_expected_spend(3, 20.0)
    )


def test_given_parameters_round_trip() -> None:
    """A model built from parameters (NaN errors) round-trips too."""
    fit = GammaGammaFit.from_parameters(**PUBLISHED)
    loaded = GammaGammaFit.model_validate_json(fit.model_dump_json())
    assert loaded.params == fit.params
    assert math.isnan(loaded.standard_errors["p"])


FIT_ERRORS = [
    ([0, 2], [0.0, 12.5], "repeat buyers only"),
    ([1, 2], [-3.0, 12.5], "must be > 0"),
    ([1, 2], [0.0, 12.5], "must be > 0"),
    ([1.5, 2], [3.0, 12.5], "whole numbers"),
    ([-1, 2], [3.0, 12.5], "frequency must be >= 0"),
    ([1, 2], [3.0], "same length"),
    ([1, 2], [3.0, math.nan], "must be finite"),
]


@pytest.mark.parametrize(
    ("frequency", "spend", "match"),
    FIT_ERRORS,
    ids=[
        "frequency-0",
        "negative",
        "zero",
        "fraction",
        "negative-x",
        "length",
        "nan",
    ],
)
def test_fit_rejects_bad_input(
    frequency: list[float], spend: list[float], match: str
) -> None:
    """Bad input raises DataError naming the problem."""
    with pytest.raises(DataError, match=match):
        fit_gamma_gamma(frequency, spend)


def test_fit_rejects_bad_weights() -> None:
    """Weights must be positive, one per row."""
    with pytest.raises(DataError, match="weights"):
        fit_gamma_gamma([1, 2], [3.0, 4.0], weights=[1.0])
    with pytest.raises(DataError, match="weights must be > 0"):
        fit_gamma_gamma([1, 2], [3.0, 4.0], weights=[1.0, 0.0])


def test_prediction_rejects_negative_spend() -> None:
    """A negative average spend in a prediction raises DataError."""
    fit = GammaGammaFit.from_parameters(**PUBLISHED)
    with pytest.raises(DataError, match="monetary_value must be >= 0"):
        fit.conditional_expected_spend([1], [-5.0])
    with pytest.raises(DataError, match="broadcastable"):
        fit.conditional_expected_spend([1, 2, 3], [1.0, 2.0])


def test_homogeneous_spend_does_not_converge() -> None:
    """Identical averages leave q unidentified: ConvergenceError."""
    with pytest.raises(ConvergenceError, match="Gamma-Gamma"):
        fit_gamma_gamma([1, 2, 3, 1, 2, 3] * 5, [20.0] * 30)


def test_heavy_buyers_and_extreme_parameters() -> None:
    """Large x and extreme parameters give finite, sensible spends."""
    fit = GammaGammaFit.from_parameters(p=1e-3, q=1e4, gamma=1e6)
    got = fit.conditional_expected_spend([0, 10_000, 10**9], [5.0, 5.0, 5.0])
    assert np.isfinite(got).all()
    heavy = GammaGammaFit.from_parameters(**PUBLISHED)
    assert float(heavy.conditional_expected_spend(10**9, 42.0)) == (
        pytest.approx(42.0, rel=1e-6)
    )


def test_q_at_most_one_has_no_mean() -> None:
    """With q <= 1 the population mean, and x = 0 spend, are infinite."""
    fit = GammaGammaFit.from_parameters(p=2.0, q=0.5, gamma=10.0)
    assert fit.population_mean_spend == math.inf
    got = fit.conditional_expected_spend([0, 5], [0.0, 10.0])
    assert got[0] == math.inf
    assert math.isfinite(got[1])


def test_fit_recovers_simulated_parameters() -> None:
    """Data simulated from the model give estimates near the truth."""
    rng = np.random.default_rng(2013)
    x = rng.integers(1, 10, size=20_000)
    nu = rng.gamma(3.0, 1 / 20.0, size=x.size)
    zbar = rng.gamma(4.0 * x, 1 / (nu * x))
    fit = fit_gamma_gamma(x, zbar)
    for name, truth in (("p", 4.0), ("q", 3.0), ("gamma", 20.0)):
        error = abs(getattr(fit, name) - truth)
        assert error < 4 * fit.standard_errors[name]


@given(
    x=st.integers(1, 10_000),
    m=st.floats(0.0, 1e6, allow_nan=False),
    p=st.floats(0.1, 50.0),
    q=st.floats(1.01, 50.0),
    gamma=st.floats(0.1, 1e3),
)
def test_spend_lies_between_mean_and_average(
    x: int, m: float, p: float, q: float, gamma: float
) -> None:
    """Expected spend lies between the population mean and zbar (q > 1)."""
    fit = GammaGammaFit.from_parameters(p=p, q=q, gamma=gamma)
    got = float(fit.conditional_expected_spend(x, m))
    low = min(m, fit.population_mean_spend)
    high = max(m, fit.population_mean_spend)
    assert low * (1 - 1e-9) <= got <= high * (1 + 1e-9)


@given(
    x=st.integers(1, 1000),
    m1=st.floats(0.0, 1e5),
    m2=st.floats(0.0, 1e5),
)
def test_spend_non_decreasing_in_average(x: int, m1: float, m2: float) -> None:
    """A higher observed average never lowers the expected spend."""
    fit = GammaGammaFit.from_parameters(**PUBLISHED)
    low, high = sorted((m1, m2))
    got = fit.conditional_expected_spend([x, x], [low, high])
    assert got[0] <= got[1]


@given(fit=spend_and_contract_fits())
def test_spend_and_contract_fits_round_trip(
    fit: GammaGammaFit | BgBbFit | SbgFit,
) -> None:
    """Gamma-Gamma, BG/BB and sBG records round-trip through JSON."""
    loaded = type(fit).model_validate_json(fit.model_dump_json())
    assert loaded.params == fit.params
    assert type(loaded) is type(fit)


@given(
    rows=st.lists(
        st.tuples(st.integers(1, 60), st.floats(0.5, 500.0)),
        min_size=1,
        max_size=30,
    ),
    theta=st.tuples(
        st.floats(0.2, 20.0), st.floats(0.2, 20.0), st.floats(0.5, 200.0)
    ),
)
def test_likelihood_is_the_sum_of_row_densities(
    rows: list[tuple[int, float]], theta: tuple[float, float, float]
) -> None:
    """The grouped likelihood is equation (3) summed row by row."""
    x = np.array([r[0] for r in rows], dtype=np.float64)
    m = np.array([r[1] for r in rows])
    w = np.ones(x.size)
    p, q, gamma = theta
    direct = sum(
        math.lgamma(p * xi + q)
        - math.lgamma(p * xi)
        - math.lgamma(q)
        + q * math.log(gamma)
        + (p * xi - 1) * math.log(mi)
        + p * xi * math.log(xi)
        - (p * xi + q) * math.log(gamma + xi * mi)
        for xi, mi in zip(x, m, strict=True)
    )
    likelihood = _Likelihood(x, m, w)
    value, gradient = likelihood(np.array(theta))
    scale = sum(abs(v) for v in (direct, *theta)) * x.size
    assert value == pytest.approx(direct, rel=1e-9, abs=1e-9 * scale)
    for k in range(3):
        step = 1e-6 * theta[k]
        up, down = np.array(theta), np.array(theta)
        up[k] += step
        down[k] -= step
        numeric = (likelihood(up)[0] - likelihood(down)[0]) / (2 * step)
        assert gradient[k] == pytest.approx(
            numeric, rel=1e-4, abs=1e-6 * scale / theta[k]
        )


def _row_by_row(
    x: np.ndarray, m: np.ndarray, theta: tuple[float, float, float]
) -> float:
    """Equation (3) of the note, summed in exact arithmetic over the rows."""
    p, q, gamma = theta
    return math.fsum(
        math.lgamma(p * xi + q)
        - math.lgamma(p * xi)
        - math.lgamma(q)
        + q * math.log(gamma)
        + (p * xi - 1) * math.log(mi)
        + p * xi * math.log(xi)
        - (p * xi + q) * math.log(gamma + xi * mi)
        for xi, mi in zip(x, m, strict=True)
    )


def test_likelihood_with_frequencies_beyond_16_bits() -> None:
    """Rows sort by frequency whatever its size (65,536 and more too)."""
    x = np.array([70_000.0, 1.0, 65_536.0, 1.0, 3.0, 70_000.0])
    m = np.array([12.0, 30.0, 8.5, 22.0, 40.0, 9.0])
    theta = (6.25, 3.74, 15.44)
    value, _ = _Likelihood(x, m, np.ones(x.size))(np.array(theta))
    # Terms of 1e6 and more cancel to about -27: both sides round.
    assert value == pytest.approx(_row_by_row(x, m, theta), abs=1e-7)


def test_weighted_likelihood_equals_repeated_rows() -> None:
    """Weighted rows in any order give the likelihood of the repeated rows."""
    x = np.array([3.0, 1.0, 2.0, 1.0])
    m = np.array([40.0, 30.0, 12.5, 22.0])
    w = np.array([2.0, 1.0, 3.0, 5.0])
    theta = np.array([2.0, 4.0, 20.0])
    value, gradient = _Likelihood(x, m, w)(theta)
    expanded_x = np.repeat(x, w.astype(int))
    expanded_m = np.repeat(m, w.astype(int))
    full, full_gradient = _Likelihood(
        expanded_x, expanded_m, np.ones(expanded_x.size)
    )(theta)
    assert full == pytest.approx(
        _row_by_row(expanded_x, expanded_m, (2.0, 4.0, 20.0)), rel=1e-12
    )
    assert value == pytest.approx(full, rel=1e-12)
    np.testing.assert_allclose(gradient, full_gradient, rtol=1e-10)


def test_large_base_converges_without_chasing_rounding() -> None:
    """On 200,000 buyers BFGS stops once rounding hides every improvement.

    The likelihood is summed exactly and the line search stops below 1e-15
    of its value at a converged point; before, it halved its step down to
    1e-12 in search of an improvement rounding hid, which cost a base of
    millions of buyers some seventy evaluations of the likelihood.
    """
    rng = np.random.default_rng(20261206)
    x = rng.geometric(0.4, size=200_000).astype(np.float64)
    nu = rng.gamma(3.74, 1 / 15.44, size=x.size)
    zbar = rng.gamma(6.25 * x, 1 / (nu * x))
    fit = fit_gamma_gamma(x, zbar)
    assert fit.diagnostics.function_evaluations <= 40
    assert fit.diagnostics.gradient_norm < 1e-6
    for name, value in PUBLISHED.items():
        assert fit.params[name] == pytest.approx(value, rel=0.03)
