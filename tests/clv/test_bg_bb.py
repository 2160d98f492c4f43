from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import integrate

from clv_helpers import read_columns
from customer_centric.clv import (
    BgBbFit,
    PurchaseModel,
    fit_bg_bb,
)
from customer_centric.exceptions import DataError, InvariantError
from strategies import discrete_histories

# Fader, Hardie & Shang (2010), the 1995 donor cohort.
PUBLISHED = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}
PUBLISHED_LL = -33225.6
DONORS = 11_104


@pytest.fixture(scope="module")
def donations(shared_data: Path) -> list[np.ndarray]:
    """The compressed donations table: x, t_x, n, donors."""
    return read_columns(
        shared_data / "donations.csv",
        "frequency",
        "recency",
        "periods",
        "weights",
    )


@pytest.fixture(scope="module")
def fitted(donations: list[np.ndarray]) -> BgBbFit:
    """The BG/BB fit on the compressed donations table."""
    x, t_x, n, w = donations
    return fit_bg_bb(x, t_x, n, weights=w)


@pytest.mark.parametrize("name", list(PUBLISHED), ids=list(PUBLISHED))
def test_reproduces_published_parameters(fitted: BgBbFit, name: str) -> None:
    """The donations data give the published parameters (3 s.f.)."""
    assert f"{getattr(fitted, name):.3g}" == f"{PUBLISHED[name]:.3g}"
    assert getattr(fitted, name) == pytest.approx(PUBLISHED[name], abs=5e-4)


def test_reproduces_published_log_likelihood(
    fitted: BgBbFit,
) -> None:
    """The summed log-likelihood is the paper's -33,225.6."""
    assert fitted.log_likelihood == pytest.approx(PUBLISHED_LL, abs=0.1)
    assert fitted.n_customers == DONORS


def test_standard_errors_finite(fitted: BgBbFit) -> None:
    """Every standard error is finite and positive."""
    for value in fitted.standard_errors.values():
        assert math.isfinite(value)
        assert value > 0


def test_weights_equal_expanded_rows(
    shared_data: Path, fitted: BgBbFit
) -> None:
    """One row per donor (bgbb_donations.csv) gives the same fit."""
    x, t_x, n = read_columns(
        shared_data / "pymc-marketing" / "bgbb_donations.csv",
        "frequency",
        "recency",
        "T",
    )
    assert x.size == DONORS
    expanded = fit_bg_bb(x, t_x, n)
    for name in PUBLISHED:
        assert getattr(expanded, name) == pytest.approx(
            getattr(fitted, name), rel=1e-6
        )
    assert expanded.log_likelihood == pytest.approx(
        fitted.log_likelihood, abs=1e-6
    )


TABLE_6 = [(0, 0, 0.11), (2, 4, 0.59), (6, 6, 0.93)]


@pytest.mark.parametrize(
    ("x", "t_x", "published"),
    TABLE_6,
    ids=["1995-only", "2-gifts-last-1999", "every-year"],
)
def test_probability_alive_matches_table_6(
    fitted: BgBbFit, x: int, t_x: int, published: float
) -> None:
    """P(alive in 2002) matches FHS (2010), Table 6, to 2 decimals."""
    got = float(fitted.probability_alive(x, t_x, 6))
    assert round(got, 2) == published


def test_conditional_expectations_total_matches_note(
    fitted: BgBbFit, donations: list[np.ndarray]
) -> None:
    """Expected gifts 2002-2006 total 12,884.2 (BG/BB Excel note, 2011)."""
    x, t_x, n, w = donations
    total = float(w @ fitted.conditional_expected_purchases(5, x, t_x, n))
    assert total == pytest.approx(12_884.2, abs=0.1)


@pytest.mark.parametrize(
    ("count", "published"),
    [(0, 3454.9), (6, 1253.1)],
    ids=["no-repeat", "six-repeats"],
)
def test_in_sample_fit_matches_note(
    fitted: BgBbFit, count: int, published: float
) -> None:
    """Expected donors by repeat gifts match the note's in-sample fit."""
    got = float(fitted.probability_of_purchases(count, 6)) * DONORS
    assert got == pytest.approx(published, abs=0.1)


def test_count_distribution_sums_to_one_and_gives_mean(
    fitted: BgBbFit,
) -> None:
    """P(X(n)=x) sums to 1 and its mean is E[X(n)] (FHS eqs. 7 and 8)."""
    for n in (1, 6, 25):
        counts = np.arange(n + 2)
        probabilities = fitted.probability_of_purchases(counts, n)
        assert probabilities[-1] == 0.0
        assert probabilities.sum() == pytest.approx(1.0, abs=1e-12)
        assert counts @ probabilities == pytest.approx(
            float(fitted.expected_purchases(n)), rel=1e-10
        )


def test_conditional_expectation_matches_numerical_integral() -> None:
    """Equation (13) equals the posterior mean integrated over (p, theta)."""
    fit = BgBbFit.from_parameters(alpha=1.3, beta=0.8, gamma=0.7, delta=2.5)
    x, t_x, n, horizon = 2, 3, 5, 4

    def density(theta: float, p: float, *, future: bool) -> float:
        prior = p**0.3 * (1 - p) ** -0.2 * theta**-0.3 * (1 - theta) ** 1.5
        alive = p**x * (1 - p) ** (n - x) * (1 - theta) ** n
        if future:
            remaining = (1 - (1 - theta) ** horizon) / theta
            return prior * alive * p * (1 - theta) * remaining
        died = sum(
            p**x * (1 - p) ** (t_x - x + i) * theta * (1 - theta) ** (t_x + i)
            for i in range(n - t_x)
        )
        return prior * (alive + died)

    numerator = integrate.dblquad(
        lambda t, p: density(t, p, future=True), 0, 1, 0, 1, epsabs=1e-12
    )[0]
    denominator = integrate.dblquad(
        lambda t, p: density(t, p, future=False), 0, 1, 0, 1, epsabs=1e-12
    )[0]
    got = float(fit.conditional_expected_purchases(horizon, x, t_x, n))
    assert got == pytest.approx(numerator / denominator, rel=1e-8)


def test_dert_equals_discounted_series(fitted: BgBbFit) -> None:
    """DERT (eq. 14) is the discounted sum of yearly expected gifts."""
    x, t_x = np.array([0, 1, 3, 6]), np.array([0, 5, 4, 6])
    horizon = np.arange(0, 600)[:, None]
    cumulative = fitted.conditional_expected_purchases(horizon, x, t_x, 6)
    yearly = np.diff(cumulative, axis=0)
    series = (yearly / 1.1 ** horizon[1:]).sum(axis=0)
    dert = fitted.discounted_expected_residual_purchases(0.1, x, t_x, 6)
    np.testing.assert_allclose(dert, series, rtol=1e-10)


def test_conditional_expectation_zero_and_increasing(
    fitted: BgBbFit,
) -> None:
    """Expected gifts are 0 over 0 periods and grow with the horizon."""
    values = fitted.conditional_expected_purchases(np.arange(30), 3, 5, 6)
    assert values[0] == 0.0
    assert (np.diff(values) > 0).all()


def test_gamma_one_is_continuous() -> None:
    """At gamma = 1 the expectations take their limit, continuously."""
    exact = BgBbFit.from_parameters(alpha=1.2, beta=0.75, gamma=1.0, delta=2.8)
    near = BgBbFit.from_parameters(
        alpha=1.2, beta=0.75, gamma=1.0 + 1e-6, delta=2.8
    )
    assert float(exact.conditional_expected_purchases(5, 2, 4, 6)) == (
        pytest.approx(float(near.conditional_expected_purchases(5, 2, 4, 6)),
                      rel=1e-5)
    )  # fmt: skip
    assert float(exact.expected_purchases(6)) == pytest.approx(
        float(near.expected_purchases(6)), rel=1e-5
    )


def test_implements_purchase_model(fitted: BgBbFit) -> None:
    """The BG/BB fit satisfies the PurchaseModel protocol."""
    assert isinstance(fitted, PurchaseModel)


def test_json_round_trip(fitted: BgBbFit) -> None:
    """A fit saved as JSON loads back equal."""
    loaded = BgBbFit.model_validate_json(fitted.model_dump_json())
    assert loaded == fitted


def test_predictions_broadcast(fitted: BgBbFit) -> None:
    """Predictions broadcast over the inputs' shapes."""
    x = np.array([[0, 1], [2, 3]])
    t_x = np.array([[0, 1], [4, 6]])
    assert fitted.probability_alive(x, t_x, 6).shape == (2, 2)
    assert fitted.conditional_expected_purchases(
        np.array([[1], [5]]), x, t_x, 6
    ).shape == (2, 2)


BAD_HISTORIES = [
    ([1], [7], [6], "recency must be <= T"),
    ([3], [2], [6], "frequency must be <= recency"),
    ([0], [2], [6], "recency must be 0 when frequency is 0"),
    ([1], [1.5], [6], "recency must be whole"),
    ([1], [1], [6.5], "n_periods must be whole"),
    ([-1], [1], [6], "frequency must be >= 0"),
]


@pytest.mark.parametrize(
    ("x", "t_x", "n", "match"),
    BAD_HISTORIES,
    ids=[
        "recency-after-n",
        "x-above-recency",
        "zero-x-recency",
        "fraction-recency",
        "fraction-n",
        "negative",
    ],
)
def test_rejects_bad_histories(
    x: list[float], t_x: list[float], n: list[float], match: str
) -> None:
    """Impossible histories raise DataError, in fits and predictions."""
    with pytest.raises(DataError, match=match):
        fit_bg_bb(x, t_x, n)
    fit = BgBbFit.from_parameters(**PUBLISHED)
    with pytest.raises(DataError, match=match):
        fit.probability_alive(x, t_x, n)


def test_rejects_bad_horizon_and_rate() -> None:
    """A fractional horizon or a non-positive discount rate is refused."""
    fit = BgBbFit.from_parameters(**PUBLISHED)
    with pytest.raises(DataError, match="t must be whole"):
        fit.conditional_expected_purchases(2.5, 1, 1, 6)
    with pytest.raises(InvariantError, match="discount_rate"):
        fit.discounted_expected_residual_purchases(0.0, 1, 1, 6)


def test_rejects_bad_weights(donations: list[np.ndarray]) -> None:
    """Weights must be one positive number per row."""
    x, t_x, n, _ = donations
    with pytest.raises(DataError, match="weights"):
        fit_bg_bb(x, t_x, n, weights=[1.0, 2.0])


def test_heavy_histories_are_finite() -> None:
    """Thousands of periods and transactions give finite predictions."""
    fit = BgBbFit.from_parameters(**PUBLISHED)
    x = np.array([5000, 5000, 0, 9000])
    t_x = np.array([10_000, 9000, 0, 9000])
    alive = fit.probability_alive(x, t_x, 10_000)
    assert np.isfinite(alive).all()
    assert alive[0] > 0.99
    assert alive[1] < 1e-6
    expected = fit.conditional_expected_purchases(10, x, t_x, 10_000)
    assert np.isfinite(expected).all()
    assert expected[0] == pytest.approx(5.0, rel=1e-2)


@pytest.mark.parametrize(
    "params",
    [
        {"alpha": 1e-3, "beta": 1e3, "gamma": 1e-3, "delta": 1e3},
        {"alpha": 1e3, "beta": 1e-3, "gamma": 1e3, "delta": 1e-3},
        {"alpha": 50.0, "beta": 50.0, "gamma": 0.01, "delta": 500.0},
    ],
    ids=["rare-buyers", "dropouts", "loyal"],
)
def test_extreme_parameters_are_finite(params: dict[str, float]) -> None:
    """Extreme parameters give finite probabilities and expectations."""
    fit = BgBbFit.from_parameters(**params)
    x, t_x = np.array([0, 3, 20]), np.array([0, 10, 30])
    alive = fit.probability_alive(x, t_x, 30)
    assert np.isfinite(alive).all()
    assert ((alive >= 0) & (alive <= 1)).all()
    assert np.isfinite(
        fit.conditional_expected_purchases(10, x, t_x, 30)
    ).all()
    assert np.isfinite(fit.expected_purchases([1, 100])).all()


def test_fit_from_simulated_panel() -> None:
    """A panel simulated from the model gives estimates near the truth."""
    rng = np.random.default_rng(2010)
    size, n = 20_000, 10
    p = rng.beta(1.5, 1.0, size)
    theta = rng.beta(0.8, 3.0, size)
    alive = np.ones(size, dtype=bool)
    x = np.zeros(size)
    t_x = np.zeros(size)
    for period in range(1, n + 1):
        alive &= rng.random(size) >= theta
        buy = alive & (rng.random(size) < p)
        x += buy
        t_x = np.where(buy, period, t_x)
    fit = fit_bg_bb(x, t_x, n)
    truth = {"alpha": 1.5, "beta": 1.0, "gamma": 0.8, "delta": 3.0}
    for name, value in truth.items():
        error = abs(getattr(fit, name) - value)
        assert error < 4 * fit.standard_errors[name]


@given(history=discrete_histories(), horizon=st.integers(0, 50))
def test_probabilities_and_expectations_bounded(
    history: tuple[int, int, int], horizon: int
) -> None:
    """P(alive) is in [0, 1]; expected gifts are in [0, horizon]."""
    fit = BgBbFit.from_parameters(**PUBLISHED)
    x, t_x, n = history
    alive = float(fit.probability_alive(x, t_x, n))
    assert 0.0 <= alive <= 1.0
    expected = float(fit.conditional_expected_purchases(horizon, x, t_x, n))
    assert -1e-12 <= expected <= horizon + 1e-9
