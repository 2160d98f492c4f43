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
from clv_row_adapters import log_integral_hessian_rows
from customer_centric._arrays import FloatArray
from customer_centric.clv import (
    ParetoNbdFit,
    fit_pareto_nbd,
    simulate_bg_nbd,
)
from customer_centric.clv._pareto_nbd import _Likelihood, _log_integral
from customer_centric.exceptions import ConvergenceError, DataError
from strategies import model_parameters, purchase_histories

PUBLISHED = ParetoNbdFit.from_parameters(
    r=0.553, alpha=10.578, s=0.606, beta=11.669
)


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> Columns:
    """The CDNOW calibration summary (2,357 customers, weeks)."""
    return cdnow_summary(shared_data)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow: Columns) -> ParetoNbdFit:
    """The Pareto/NBD fit on CDNOW."""
    return fit_pareto_nbd(*cdnow)


@pytest.mark.parametrize(
    ("name", "published"),
    [("r", 0.553), ("alpha", 10.578), ("s", 0.606), ("beta", 11.669)],
    ids=["r", "alpha", "s", "beta"],
)
def test_reproduces_published_parameters(
    cdnow_fit: ParetoNbdFit, name: str, published: float
):
    """CDNOW gives the published parameters to 3 significant digits."""
    assert float(f"{cdnow_fit.params[name]:.3g}") == float(f"{published:.3g}")


def test_reproduces_published_log_likelihood(cdnow_fit: ParetoNbdFit):
    """CDNOW gives the published summed log-likelihood, -9595.0."""
    assert round(cdnow_fit.log_likelihood, 1) == -9595.0


def test_standard_errors_are_finite_and_positive(cdnow_fit: ParetoNbdFit):
    """Every parameter has a finite, positive standard error."""
    assert all(
        math.isfinite(v) and v > 0 for v in cdnow_fit.standard_errors.values()
    )


def test_json_round_trip(cdnow_fit: ParetoNbdFit):
    """A fit saved as JSON loads back equal."""
    again = ParetoNbdFit.model_validate_json(cdnow_fit.model_dump_json())
    assert again == cdnow_fit


def _closed_form_log_likelihood(
    params: FloatArray, x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    """The hypergeometric likelihood (Fader & Hardie 2005 note), alpha<beta."""
    r, alpha, s, beta = params
    assert alpha < beta
    k = r + s + x

    def term(y: FloatArray) -> FloatArray:
        return (
            special.hyp2f1(k, r + x, k + 1, (beta - alpha) / (beta + y))
            / (beta + y) ** k
        )

    a0 = term(t_x) - term(big_t)
    likelihood = (
        special.gamma(r + x)
        * alpha**r
        * beta**s
        / special.gamma(r)
        * (1 / ((alpha + big_t) ** (r + x) * (beta + big_t) ** s) + s / k * a0)
    )
    return np.log(likelihood)


def test_likelihood_matches_hypergeometric_closed_form(cdnow: Columns):
    """The quadrature likelihood equals the classical closed form."""
    params = PUBLISHED.parameter_vector()
    x, t_x, big_t = cdnow
    ours, _ = _Likelihood(x, t_x, big_t, np.ones(x.size))(params)
    reference = _closed_form_log_likelihood(params, x, t_x, big_t).sum()
    assert ours == pytest.approx(reference, abs=1e-6)
    assert round(ours, 1) == -9595.0


@pytest.mark.parametrize(
    ("params", "x", "t_x", "big_t"),
    [
        ((0.55, 10.6, 0.6, 11.7), 0, 0.0, 38.9),
        ((0.55, 10.6, 0.6, 11.7), 29, 38.0, 38.9),
        ((2.0, 0.05, 3.0, 40.0), 3, 1.0, 500.0),
        ((0.3, 30.0, 1.5, 0.2), 0, 0.0, 1000.0),
        ((0.5, 20.0, 18.0, 3.0), 10_000, 550.0, 1424.0),
    ],
    ids=["cdnow-zero", "cdnow-heavy", "small-alpha", "small-beta", "heavy"],
)
def test_integral_matches_adaptive_quadrature(
    params: tuple[float, float, float, float],
    x: int,
    t_x: float,
    big_t: float,
):
    """The hypergeometric term agrees with scipy's adaptive quadrature."""
    r, alpha, s, beta = params

    def log_f(v: float) -> float:
        # integrand in v = log(alpha + y), scaled by its value at t_x
        y = math.exp(v) - alpha
        return -(r + x) * v - (s + 1) * math.log(beta + y) + v

    v0, v1 = math.log(alpha + t_x), math.log(alpha + big_t)
    shift = log_f(v0)
    value, _ = integrate.quad(
        lambda v: math.exp(log_f(v) - shift),
        v0,
        v1,
        limit=500,
        epsabs=0,
        epsrel=1e-12,
        points=list(np.linspace(v0, min(v1, v0 + 15), 31)[1:-1]),
    )
    reference = math.log(s) + math.log(value) + shift
    ours, _ = _log_integral(
        np.array(params),
        np.array([float(x)]),
        np.array([t_x]),
        np.array([big_t]),
        gradient=False,
    )
    assert ours[0] == pytest.approx(reference, abs=1e-7)


def test_rows_integrate_alone_as_together() -> None:
    """A row's integral and moments do not depend on the other rows.

    The rows' panels share one array whatever their number (from one
    panel to many), so each row must only see its own.
    """
    x = np.array([0.0, 29.0, 3.0, 0.0, 10_000.0, 5.0])
    t_x = np.array([0.0, 38.0, 1.0, 0.0, 550.0, 20.0])
    big_t = np.array([38.9, 38.9, 500.0, 1000.0, 1424.0, 20.0])
    alpha = np.array([10.6, 10.6, 0.05, 30.0, 20.0, 4.0])
    beta = np.array([11.7, 11.7, 40.0, 0.2, 3.0, 9.0])
    together = log_integral_hessian_rows(
        (0.5, alpha, 1.5, beta), x, t_x, big_t
    )
    for row in range(x.size):
        alone = log_integral_hessian_rows(
            (0.5, alpha[row : row + 1], 1.5, beta[row : row + 1]),
            x[row : row + 1],
            t_x[row : row + 1],
            big_t[row : row + 1],
        )
        for mine, all_rows in zip(alone, together, strict=True):
            np.testing.assert_allclose(
                mine[..., 0], all_rows[..., row], rtol=1e-12, atol=1e-12
            )


def test_rows_without_time_to_die_unseen() -> None:
    """With ``t_x = T`` everywhere, log s*I is -inf with no weight."""
    x = np.array([1.0, 4.0])
    t_x = np.array([5.0, 6.0])
    log_si, gradient, hessian = log_integral_hessian_rows(
        (1.0, 2.0, 1.5, 3.0), x, t_x, t_x
    )
    assert np.isneginf(log_si).all()
    np.testing.assert_array_equal(gradient[2], 1 / 1.5)
    np.testing.assert_array_equal(np.delete(gradient, 2, axis=0), 0.0)
    assert np.isfinite(hessian).all()


def test_gradient_matches_finite_differences(cdnow: Columns):
    """The analytic gradient agrees with central differences."""
    likelihood = _Likelihood(*cdnow, np.ones(cdnow[0].size))
    theta = np.array([0.5, 10.0, 0.6, 12.0])
    _, gradient = likelihood(theta)
    for j in range(4):
        step = np.zeros(4)
        step[j] = 1e-6 * theta[j]
        numeric = (
            likelihood(theta + step)[0] - likelihood(theta - step)[0]
        ) / (2 * step[j])
        assert gradient[j] == pytest.approx(numeric, rel=1e-5)


def test_weights_equal_expanded_rows():
    """Weighted unique rows fit exactly like the rows repeated."""
    sim = simulate_bg_nbd(
        np.full(600, 39.0),
        r=0.3,
        alpha=4.0,
        a=0.8,
        b=2.5,
        seed=5,
        resolution=1.0,
    )
    weighted = fit_pareto_nbd(sim.frequency, sim.recency, sim.T)
    from customer_centric.clv import compress  # noqa: PLC0415

    c = compress(sim.frequency, sim.recency, sim.T)
    compressed = fit_pareto_nbd(c.frequency, c.recency, c.T, weights=c.weights)
    for name in ParetoNbdFit.parameter_names:
        assert compressed.params[name] == pytest.approx(
            weighted.params[name], rel=1e-6
        )


def test_no_heterogeneity_raises_convergence_error():
    """A base of identical customers has its optimum on an edge: refused."""
    with pytest.raises(
        ConvergenceError,
        match="Pareto/NBD fit did not converge to an interior optimum",
    ):
        fit_pareto_nbd([2] * 100, [30.0] * 100, [39.0] * 100)


def test_bad_input_raises_data_error():
    """A fractional frequency is refused with the row."""
    with pytest.raises(DataError, match=r"row 0 \(frequency=0.5\)"):
        fit_pareto_nbd([0.5], [0.1], [1.0])


# --- predictions -----------------------------------------------------------


def test_conditional_expectation_matches_schmittlein_formula():
    """E[Y(t)] = (r+x)(beta+T)/((alpha+T)(s-1)) [1-(..)^(s-1)] P(alive)."""
    r, alpha, s, beta = PUBLISHED.params.values()
    x, t_x, big_t, t = 2, 30.43, 38.86, 39
    alive = float(PUBLISHED.probability_alive(x, t_x, big_t))
    expected = (
        (r + x)
        * (beta + big_t)
        / ((alpha + big_t) * (s - 1))
        * (1 - ((beta + big_t) / (beta + big_t + t)) ** (s - 1))
        * alive
    )
    got = PUBLISHED.conditional_expected_purchases(t, x, t_x, big_t)
    assert float(got) == pytest.approx(expected, rel=1e-12)


def test_probability_alive_matches_closed_form():
    """P(alive) equals the classical hypergeometric closed form."""
    params = PUBLISHED.parameter_vector()
    r, alpha, s, beta = params
    x, t_x, big_t = 2.0, 30.43, 38.86
    k = r + s + x

    def term(y: float) -> float:
        return (
            special.hyp2f1(k, r + x, k + 1, (beta - alpha) / (beta + y))
            / (beta + y) ** k
        )

    a0 = term(t_x) - term(big_t)
    expected = 1 / (
        1 + s / k * (alpha + big_t) ** (r + x) * (beta + big_t) ** s * a0
    )
    got = float(PUBLISHED.probability_alive(x, t_x, big_t))
    assert got == pytest.approx(expected, rel=1e-9)


def test_expected_purchases_for_a_new_customer():
    """E[X(t)] = r beta/(alpha(s-1)) [1 - (beta/(beta+t))^(s-1)]."""
    r, alpha, s, beta = PUBLISHED.params.values()
    expected = (
        r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + 39)) ** (s - 1))
    )
    assert float(PUBLISHED.expected_purchases(39)) == pytest.approx(expected)


def test_unit_s_limit_is_continuous():
    """At s = 1 the expectation takes its logarithmic limit smoothly."""
    near = ParetoNbdFit.from_parameters(r=1, alpha=2, s=1 + 1e-7, beta=3)
    at = ParetoNbdFit.from_parameters(r=1, alpha=2, s=1, beta=3)
    assert float(at.expected_purchases(10)) == pytest.approx(
        float(near.expected_purchases(10)), rel=1e-6
    )


@pytest.mark.parametrize(
    ("x", "t_x", "big_t"),
    [
        (10_000, 99_999.0, 100_000.0),
        (10_000, 50_000.0, 100_000.0),
        (5_000, 100_000.0, 100_000.0),
        (1_000, 5_000.0, 5_001.0),
    ],
    ids=["recent", "lapsed", "last-day", "medium"],
)
def test_heavy_buyers_are_finite(x: int, t_x: float, big_t: float):
    """Heavy buyers get finite P(alive) in [0, 1] and expectations >= 0."""
    assert_finite_predictions(PUBLISHED, x, t_x, big_t)


params = model_parameters("r", "alpha", "s", "beta")


@given(params, purchase_histories())
def test_probability_alive_is_a_probability(
    p: dict[str, float], history: tuple[float, float, float]
):
    """P(alive) lies in [0, 1] for any parameters and history."""
    fit = ParetoNbdFit.from_parameters(**p)
    assert_probability_alive_is_a_probability(fit, history)


@given(params, purchase_histories(), st.floats(0, 200), st.floats(0, 200))
def test_expected_purchases_non_negative_and_non_decreasing(
    p: dict[str, float],
    history: tuple[float, float, float],
    t1: float,
    t2: float,
):
    """Expected purchases are >= 0 and do not fall as the horizon grows."""
    fit = ParetoNbdFit.from_parameters(**p)
    assert_expected_purchases_non_decreasing(fit, history, t1, t2)


@pytest.mark.parametrize(
    "t", [1.0, 39.0, 520.0], ids=["one-week", "39-weeks", "ten-years"]
)
def test_probability_of_purchases_is_a_distribution_with_the_right_mean(
    t: float,
):
    """P(X(t)=n) sums to 1 and its mean is E[X(t)]."""
    assert_count_distribution(PUBLISHED, np.arange(3_000), t)


def test_probability_of_purchases_matches_simulation():
    """The distribution matches customers simulated from the model."""
    rng = np.random.default_rng(8)
    r, alpha, s, beta = PUBLISHED.params.values()
    size = 200_000
    rate = rng.gamma(r, 1 / alpha, size)
    life = rng.exponential(1 / rng.gamma(s, 1 / beta, size))
    counts = rng.poisson(rate * np.minimum(life, 39.0))
    observed = np.bincount(counts, minlength=4)[:4] / size
    expected = PUBLISHED.probability_of_purchases(np.arange(4), 39)
    np.testing.assert_allclose(observed, expected, atol=4e-3)


def test_probability_of_purchases_rejects_fractional_counts():
    """The count of purchases must be whole."""
    with pytest.raises(DataError, match="whole numbers"):
        PUBLISHED.probability_of_purchases(0.5, 39)


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "future"),
    [(0, 0.0, 38.86, 26.0), (2, 30.43, 38.86, 52.0), (7, 35.0, 38.86, 10.0)],
    ids=["no-repeat", "fhl-example", "frequent"],
)
def test_future_probability_alive_matches_the_posterior_integral(
    x: int, t_x: float, big_t: float, future: float
):
    """P(alive at T + t) equals the double integral over (lambda, mu)."""
    r, alpha, s, beta = 0.553, 10.578, 0.606, 11.669
    fit = ParetoNbdFit.from_parameters(r=r, alpha=alpha, s=s, beta=beta)

    # Substituting lambda = w**(1/r) and mu = z**(1/s) absorbs the gamma
    # priors' singular factors lambda**(r-1) and mu**(s-1) into dw and dz,
    # so the integrands are smooth and quadrature is quick and accurate.
    def posterior(w: float, z: float, *, future_alive: bool) -> float:
        lam, mu = w ** (1 / r), z ** (1 / s)
        prior = math.exp(-alpha * lam - beta * mu)
        rate = lam + mu
        alive = math.exp(-rate * big_t)
        if future_alive:
            return lam**x * alive * math.exp(-mu * future) * prior
        gone = mu / rate * (math.exp(-rate * t_x) - alive)
        return lam**x * (alive + gone) * prior

    def integral(*, future_alive: bool) -> float:
        value, _ = integrate.dblquad(
            lambda z, w: posterior(w, z, future_alive=future_alive),
            0, 6**r, 0, 6**s, epsabs=0, epsrel=1e-10,
        )  # fmt: skip
        return float(value)

    expected = integral(future_alive=True) / integral(future_alive=False)
    got = fit.probability_alive(x, t_x, big_t, future=future)
    assert got == pytest.approx(expected, rel=1e-6)


def test_future_probability_alive_falls_with_time():
    """Asking further ahead never raises P(alive); at 0 it is P(alive at T)."""
    fit = ParetoNbdFit.from_parameters(
        r=0.553, alpha=10.578, s=0.606, beta=11.669
    )
    ahead = fit.probability_alive(2, 30.43, 38.86, future=[0, 1, 10, 100])
    assert ahead[0] == float(fit.probability_alive(2, 30.43, 38.86))
    assert np.all(np.diff(ahead) < 0)
