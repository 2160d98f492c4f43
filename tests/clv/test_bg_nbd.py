from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate, special

from clv_helpers import (
    Columns,
    assert_count_distribution,
    assert_expected_purchases_non_decreasing,
    assert_finite_predictions,
    assert_probability_alive_is_a_probability,
    cdnow_summary,
)
from customer_centric.clv import (
    BgNbdFit,
    fit_bg_nbd,
    simulate_bg_nbd,
)
from customer_centric.exceptions import ConvergenceError, DataError
from strategies import model_parameters, purchase_histories

PUBLISHED = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> Columns:
    """The CDNOW calibration summary (2,357 customers, weeks)."""
    return cdnow_summary(shared_data)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow: Columns) -> BgNbdFit:
    """The BG/NBD fit on CDNOW."""
    return fit_bg_nbd(*cdnow)


def _significant(value: float, digits: int = 3) -> float:
    return float(f"{value:.{digits}g}")


@pytest.mark.parametrize(
    ("name", "published"),
    [("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)],
    ids=["r", "alpha", "a", "b"],
)
def test_reproduces_fader_hardie_lee_parameters(
    cdnow_fit: BgNbdFit, name: str, published: float
):
    """CDNOW gives the published parameters to 3 significant digits."""
    assert _significant(cdnow_fit.params[name]) == _significant(published)


def test_reproduces_published_log_likelihood(cdnow_fit: BgNbdFit):
    """CDNOW gives the published summed log-likelihood, -9582.4."""
    assert round(cdnow_fit.log_likelihood, 1) == -9582.4
    assert cdnow_fit.n_customers == 2357


def test_standard_errors_are_finite_and_positive(cdnow_fit: BgNbdFit):
    """Every parameter has a finite, positive standard error."""
    se = cdnow_fit.standard_errors
    assert set(se) == {"r", "alpha", "a", "b"}
    assert all(math.isfinite(v) and v > 0 for v in se.values())
    cov = np.array(cdnow_fit.covariance)
    assert np.allclose(np.sqrt(np.diag(cov)), list(se.values()))
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_json_round_trip(cdnow_fit: BgNbdFit):
    """A fit saved as JSON loads back equal; no pickles."""
    text = cdnow_fit.model_dump_json()
    assert BgNbdFit.model_validate_json(text) == cdnow_fit


def test_weights_equal_expanded_rows():
    """Weighted unique rows fit exactly like the rows repeated."""
    x = [0, 1, 2, 0, 5, 1, 0, 3, 7, 2]
    t_x = [0, 10.0, 30.4, 0, 35.0, 2.0, 0, 12.0, 38.0, 5.0]
    big_t = [38.9, 38.9, 38.9, 30.0, 38.9, 38.9, 20.0, 38.9, 38.9, 38.9]
    w = [30, 4, 3, 20, 2, 6, 25, 3, 1, 5]
    weighted = fit_bg_nbd(x, t_x, big_t, weights=w)
    expanded = fit_bg_nbd(
        np.repeat(x, w), np.repeat(t_x, w), np.repeat(big_t, w)
    )
    for name in BgNbdFit.parameter_names:
        assert weighted.params[name] == pytest.approx(
            expanded.params[name], rel=1e-6
        )
    assert weighted.log_likelihood == pytest.approx(expanded.log_likelihood)
    assert weighted.n_customers == sum(w)


def test_nobody_repeating_raises_convergence_error():
    """Without repeat purchases the rates run to zero: ConvergenceError."""
    with pytest.raises(ConvergenceError, match="BG/NBD fit did not converge"):
        fit_bg_nbd([0] * 50, [0.0] * 50, np.linspace(1, 39, 50))


def test_bad_input_names_the_rows():
    """Recency after T is refused with the offending row."""
    with pytest.raises(DataError, match=r"row 1 \(recency=9.0, T=8.0\)"):
        fit_bg_nbd([1, 2], [3.0, 9.0], [5.0, 8.0])


def test_recovers_simulated_parameters():
    """A fit on simulated customers recovers the truth within 4 s.e."""
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    sim = simulate_bg_nbd(np.full(20_000, 52.0), seed=3, **truth)
    fit = fit_bg_nbd(sim.frequency, sim.recency, sim.T)
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.standard_errors[name]


# --- predictions -----------------------------------------------------------


def test_published_conditional_expectation():
    """FHL (2005): x=2, t_x=30.43, T=38.86 expects 1.226 in 39 weeks."""
    value = PUBLISHED.conditional_expected_purchases(39, 2, 30.43, 38.86)
    assert round(float(value), 3) == 1.226


def _fhl_equation_10(
    t: float,
    x: float,
    t_x: float,
    big_t: float,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """FHL (2005) equation (10) as printed, for moderate inputs."""
    z = t / (alpha + big_t + t)
    numerator = (
        (a + b + x - 1)
        / (a - 1)
        * (
            1
            - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x)
            * special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        )
    )
    denominator = 1 + (x > 0) * a / (b + x - 1) * (
        (alpha + big_t) / (alpha + t_x)
    ) ** (r + x)
    return numerator / denominator


@pytest.mark.parametrize(
    ("t", "x", "t_x", "big_t"),
    [
        (39, 0, 0, 38.86),
        (39, 2, 30.43, 38.86),
        (10, 5, 20.0, 30.0),
        (78, 1, 1.0, 39.0),
        (5, 20, 38.0, 39.0),
    ],
    ids=["zero", "paper", "five", "old-one", "twenty"],
)
def test_conditional_expectation_matches_printed_formula(
    t: float, x: int, t_x: float, big_t: float
):
    """The Euler-transformed form equals the paper's equation (10)."""
    expected = _fhl_equation_10(t, x, t_x, big_t, **PUBLISHED.params)
    got = PUBLISHED.conditional_expected_purchases(t, x, t_x, big_t)
    assert float(got) == pytest.approx(expected, rel=1e-9)


def test_probability_alive_matches_closed_form():
    """P(alive) is FHL (2008): 1/(1 + a/(b+x-1) ((a+T)/(a+t_x))^(r+x))."""
    r, alpha, a, b = PUBLISHED.params.values()
    x, t_x, big_t = 2, 30.43, 38.86
    expected = 1 / (
        1 + a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
    )
    assert float(PUBLISHED.probability_alive(x, t_x, big_t)) == pytest.approx(
        expected
    )
    assert float(PUBLISHED.probability_alive(0, 0, 38.86)) == 1.0


def test_probability_of_purchases_is_a_distribution_with_the_right_mean():
    """P(X(t)=n) sums to 1 and its mean is E[X(t)]."""
    assert_count_distribution(PUBLISHED, np.arange(400), 39)


def test_probability_of_purchases_rejects_fractional_counts():
    """The count of purchases must be whole."""
    with pytest.raises(DataError, match="whole numbers"):
        PUBLISHED.probability_of_purchases(1.5, 39)


HEAVY = [
    (10_000, 99_999.0, 100_000.0),
    (10_000, 50_000.0, 100_000.0),
    (5_000, 100_000.0, 100_000.0),
    (1_000, 5_000.0, 5_001.0),
    (10_000, 1.0, 100_000.0),
]


@pytest.mark.parametrize(
    ("x", "t_x", "big_t"),
    HEAVY,
    ids=["recent", "lapsed", "last-day", "medium", "early-burst"],
)
def test_heavy_buyers_are_finite(x: int, t_x: float, big_t: float):
    """Frequencies in the thousands and T to 100,000 give finite answers."""
    for fit in (
        PUBLISHED,
        BgNbdFit.from_parameters(r=5, alpha=0.1, a=50, b=0.5),
    ):
        assert_finite_predictions(fit, x, t_x, big_t)


def test_heavy_recent_buyer_expects_their_rate():
    """A heavy buyer seen yesterday expects about (r+x)/(alpha+T) * t."""
    got = float(
        PUBLISHED.conditional_expected_purchases(39, 10_000, 99_999, 100_000)
    )
    assert got == pytest.approx(10_000.243 / 100_004.414 * 39, rel=1e-3)


def test_heavy_buyer_fit_is_finite():
    """Fitting data with a few very heavy buyers converges."""
    x = [0, 1, 2, 0, 5, 1, 0, 3, 10_000, 4_000]
    t_x = [0, 10.0, 30.4, 0, 35.0, 2.0, 0, 12.0, 99_000.0, 60_000.0]
    big_t = [38.9] * 8 + [100_000.0, 100_000.0]
    fit = fit_bg_nbd(
        x, t_x, big_t, weights=[300, 40, 30, 200, 20, 60, 250, 30, 1, 1]
    )
    assert all(math.isfinite(v) for v in fit.standard_errors.values())


params = model_parameters("r", "alpha", "a", "b")


@given(params, purchase_histories())
def test_probability_alive_is_a_probability(
    p: dict[str, float], history: tuple[float, float, float]
):
    """P(alive) lies in [0, 1] for any parameters and history."""
    fit = BgNbdFit.from_parameters(**p)
    assert_probability_alive_is_a_probability(fit, history)


@given(params, purchase_histories(), st.floats(0, 200), st.floats(0, 200))
def test_expected_purchases_non_negative_and_non_decreasing(
    p: dict[str, float],
    history: tuple[float, float, float],
    t1: float,
    t2: float,
):
    """Expected purchases are >= 0 and do not fall as the horizon grows."""
    fit = BgNbdFit.from_parameters(**p)
    assert_expected_purchases_non_decreasing(fit, history, t1, t2)


# --- numerical fallbacks of the conditional expectation -------------------


def _expected_by_integration(
    t: float,
    x: float,
    t_x: float,
    big_t: float,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> float:
    """FHL (2005) eq. (10) as P(alive) times an integral over p.

    An alive customer's rate is Gamma(r+x, alpha+T) and dropout
    probability Beta(a, b+x), so the expectation given alive is
    E_p[(1 - (1 + p t/(alpha+T))^-(r+x)) / p]; integrated by adaptive
    quadrature in u = p^min(a, 1), which removes the p^(a-1) singularity.
    """
    h = t / (alpha + big_t)
    n = r + x
    shape_b = b + x
    k = min(a, 1.0)
    log_norm = -math.log(k) - special.betaln(a, shape_b)

    def integrand(u: float) -> float:
        p = u ** (1 / k)
        if p >= 1:
            return 0.0
        if p <= 0:
            return n * h * math.exp(log_norm) if a == k else 0.0
        return (
            -math.expm1(-n * math.log1p(p * h))
            / p
            * math.exp(
                (a - k) * math.log(p)
                + (shape_b - 1) * math.log1p(-p)
                + log_norm
            )
        )

    mean = a / (a + shape_b)
    sd = math.sqrt(mean * (1 - mean) / (a + shape_b + 1))
    points = sorted(
        {min(0.99, max(1e-12, mean + j * sd)) ** k for j in (-8, -1, 0, 1, 8)}
        | {min(0.5, c / shape_b) ** k for c in (0.1, 1, 10, 100)}
    )
    given_alive, _ = integrate.quad(
        integrand, 0, 1, points=points, limit=200, epsabs=0, epsrel=1e-10
    )
    alive = 1 / (
        1 + (x > 0) * a / (b + x - 1) * ((alpha + big_t) / (alpha + t_x)) ** n
    )
    return given_alive * alive


FALLBACKS = [
    # Large a: Euler's form is implausible, the printed form is used.
    ((0.05, 0.01, 500.0, 0.5), (1000.0, 0, 0.0, 0.001)),
    ((0.05, 0.01, 500.0, 5.0), (1e5, 1, 1.0, 2.0)),
    # Both forms fail: Gauss-Jacobi quadrature (a + b + x < 1000).
    ((0.5, 0.5, 0.5, 300.0), (52.0, 0, 0.0, 0.0)),
    ((0.5, 0.5, 0.5, 300.0), (39.0, 1, 1.0, 2.0)),
    ((2.0, 0.5, 200.0, 300.0), (52.0, 0, 0.0, 0.0)),
    # Both forms fail: generalised Gauss-Laguerre (a + b + x >= 1000).
    ((0.5, 0.1, 0.7, 3000.0), (52.0, 0, 0.0, 0.0)),
    ((5.0, 0.1, 5.0, 1000.0), (100.0, 0, 0.0, 1.0)),
    ((5.0, 0.01, 50.0, 3000.0), (52.0, 0, 0.0, 0.0)),
    # a = 1, the removable singularity, bridged by interpolation.
    ((0.243, 4.414, 1.0, 2.426), (39.0, 2, 30.43, 38.86)),
    ((0.05, 50.0, 1.0, 900.0), (5.0, 0, 0.0, 1.0)),
    ((0.05, 5.0, 1.0, 900.0), (39.0, 0, 0.0, 38.86)),
    ((0.05, 0.01, 1.0, 200.0), (39.0, 10_000, 99_999.0, 100_000.0)),
]


@pytest.mark.parametrize(
    ("parameters", "history"),
    FALLBACKS,
    ids=[
        "printed-new",
        "printed-repeat",
        "jacobi-new",
        "jacobi-repeat",
        "jacobi-large-a",
        "laguerre-small-a",
        "laguerre-observed",
        "laguerre-large-a",
        "a-one-paper",
        "a-one-large-b",
        "a-one-observed",
        "a-one-heavy",
    ],
)
def test_fallbacks_match_integration(
    parameters: tuple[float, float, float, float],
    history: tuple[float, float, float, float],
):
    """Where the closed forms fail, eq. (10) still matches quadrature."""
    r, alpha, a, b = parameters
    fit = BgNbdFit.from_parameters(r=r, alpha=alpha, a=a, b=b)
    expected = _expected_by_integration(*history, **fit.params)
    got = float(fit.conditional_expected_purchases(*history))
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    "a",
    [1 - 1e-3, 1 - 6e-5, 1 - 4e-5, 1 - 1e-9, 1 + 1e-9, 1 + 4e-5, 1 + 6e-5],
    ids=["-1e-3", "-6e-5", "-4e-5", "-1e-9", "+1e-9", "+4e-5", "+6e-5"],
)
def test_expectation_is_continuous_across_a_equals_one(a: float):
    """Near a = 1, inside and outside the interpolated band, no jump."""
    parameters = {"r": 0.05, "alpha": 50.0, "a": a, "b": 900.0}
    fit = BgNbdFit.from_parameters(**parameters)
    expected = _expected_by_integration(5.0, 0, 0.0, 1.0, **parameters)
    got = float(fit.conditional_expected_purchases(5.0, 0, 0.0, 1.0))
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("a", [200.0, 500.0], ids=["a-200", "a-500"])
def test_laguerre_fallback_with_large_a(a: float):
    """Past a ~ 170 (scipy's Laguerre weights overflow) it is still right."""
    parameters = {"r": 20.0, "alpha": 5.0, "a": a, "b": 900.0}
    fit = BgNbdFit.from_parameters(**parameters)
    expected = _expected_by_integration(52.0, 0, 0.0, 0.0, **parameters)
    got = float(fit.conditional_expected_purchases(52.0, 0, 0.0, 0.0))
    assert got == pytest.approx(expected, rel=1e-6)
