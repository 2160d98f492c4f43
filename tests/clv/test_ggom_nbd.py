"""The Gamma-Gompertz/NBD model (Bemmaor & Glady 2012).

Bemmaor & Glady (2012, Table 2) fit CDNOW: r 0.553, alpha 10.578, b 0.0002,
s 0.603, beta 0.0026, log-likelihood -9594.98, the Pareto/NBD's. Their b
and beta sit on the edge where the model becomes the Pareto/NBD (CLVTools'
own tests record a fit there, r 0.55313, alpha 10.5758, b 0.0000011,
s 0.60682, beta 0.000013, flagged as failing the second-order check), so
the reproduction is: the same log-likelihood at those estimates, and a
``ConvergenceError`` naming the Pareto/NBD from our fit.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from clv_helpers import (
    Columns,
    assert_count_distribution,
    assert_expected_purchases_non_decreasing,
    assert_finite_predictions,
    assert_probability_alive_is_a_probability,
    cdnow_summary,
)
from customer_centric.clv import (
    ClvSettings,
    GammaGammaFit,
    GgomNbdFit,
    MbgNbdFit,
    ParetoNbdFit,
    PurchaseModel,
    compress,
    fit_ggom_nbd,
    score_customers,
    simulate_ggom_nbd,
)
from customer_centric.clv._ggom_nbd import _Likelihood
from customer_centric.exceptions import ConvergenceError, DataError
from strategies import purchase_histories

if TYPE_CHECKING:
    from pathlib import Path

mpl.use("Agg")

# BTYDplus's GGom/NBD example (ggnbd.GenerateData), weeks.
TRUTH = {"r": 0.85, "alpha": 4.45, "b": 0.12, "s": 0.75, "beta": 9.55}
EXAMPLE = GgomNbdFit.from_parameters(**TRUTH)


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> Columns:
    """The CDNOW calibration summary (2,357 customers, weeks)."""
    return cdnow_summary(shared_data)


@pytest.fixture(scope="module")
def simulated_fit() -> GgomNbdFit:
    """A fit on 6,000 customers simulated from the example, by day."""
    sim = simulate_ggom_nbd(
        np.full(6000, 32.0), seed=4, resolution=1 / 7, **TRUTH
    )
    return fit_ggom_nbd(sim.frequency, sim.recency, sim.T)


def _summed(columns: Columns, **params: float) -> float:
    rows = compress(*columns)
    likelihood = _Likelihood(
        rows.frequency, rows.recency, rows.T, rows.weights
    )
    value, _ = likelihood(np.array(list(params.values())))
    return value


def test_bemmaor_glady_log_likelihood_on_cdnow(cdnow: Columns):
    """At the CDNOW optimum the log-likelihood is the published -9594.98."""
    value = _summed(
        cdnow, r=0.55313, alpha=10.5758, b=0.0000011, s=0.60682, beta=0.000013
    )
    assert round(value, 2) == -9594.98
    # Deep on the edge it is the Pareto/NBD's (-9594.974, FHL 2005).
    edge = _summed(
        cdnow, r=0.55312, alpha=10.5784, b=1e-9, s=0.60600, beta=11.6688e-9
    )
    assert edge == pytest.approx(-9594.9739, abs=2e-3)


def test_cdnow_fit_names_the_pareto_nbd(cdnow: Columns):
    """On CDNOW the supremum is the Pareto/NBD edge: ConvergenceError."""
    with pytest.raises(ConvergenceError) as caught:
        fit_ggom_nbd(*cdnow)
    message = str(caught.value)
    assert "b and beta run to 0 together" in message
    assert "(the Pareto/NBD model)" in message
    assert "-4.07084" in message  # -9594.97 / 2357 customers


def _direct_log_likelihood(
    params: dict[str, float], x: float, t_x: float, big_t: float
) -> float:
    """Bemmaor & Glady's (2012) likelihood, by adaptive quadrature."""
    r, alpha, b, s, beta = params.values()

    def survival(y: float) -> float:
        return (beta / (beta - 1 + math.exp(b * y))) ** s

    def density(y: float) -> float:
        g = beta - 1 + math.exp(b * y)
        return b * s * beta**s * math.exp(b * y) / g ** (s + 1)

    died, _ = integrate.quad(
        lambda y: (alpha + y) ** -(r + x) * density(y),
        t_x,
        big_t,
        epsabs=0,
        epsrel=1e-12,
        limit=200,
    )
    alive = (alpha + big_t) ** -(r + x) * survival(big_t)
    return (
        math.lgamma(r + x)
        - math.lgamma(r)
        + r * math.log(alpha)
        + math.log(alive + died)
    )


@pytest.mark.parametrize(
    ("params", "x", "t_x", "big_t"),
    [
        (TRUTH, 0, 0.0, 32.0),
        (TRUTH, 3, 10.0, 32.0),
        (TRUTH, 25, 31.0, 40.0),
        ({**TRUTH, "b": 0.002, "beta": 0.05}, 2, 5.0, 52.0),
        ({**TRUTH, "b": 0.9, "s": 2.5, "beta": 0.3}, 1, 1.0, 20.0),
    ],
    ids=["zero", "three", "heavy", "small-b", "steep"],
)
def test_likelihood_matches_adaptive_quadrature(
    params: dict[str, float], x: int, t_x: float, big_t: float
):
    """The panel quadrature equals scipy's adaptive quadrature."""
    ours = _summed(
        (np.array([float(x)]), np.array([t_x]), np.array([big_t])), **params
    )
    assert ours == pytest.approx(
        _direct_log_likelihood(params, x, t_x, big_t), abs=1e-10
    )


def test_analytic_gradient_matches_finite_differences():
    """The likelihood's gradient is right (central differences)."""
    x = np.array([0.0, 1, 2, 5, 0, 3, 12])
    t_x = np.array([0.0, 10, 30.4, 35, 0, 2, 38])
    big_t = np.array([38.9, 38.9, 38.9, 38.9, 20, 38.9, 39])
    likelihood = _Likelihood(
        x, t_x, big_t, np.array([30.0, 4, 3, 2, 20, 5, 1])
    )
    theta = np.array(list(TRUTH.values()))
    _, gradient = likelihood(theta)
    for i in range(5):
        step = np.zeros(5)
        step[i] = 1e-6 * theta[i]
        up, _ = likelihood(theta + step)
        down, _ = likelihood(theta - step)
        assert gradient[i] == pytest.approx(
            (up - down) / (2 * step[i]), rel=1e-6
        )


def test_recovers_simulated_parameters(simulated_fit: GgomNbdFit):
    """A fit on simulated customers recovers the truth within 4 s.e."""
    for name, value in TRUTH.items():
        assert (
            abs(simulated_fit.params[name] - value)
            < 4 * (simulated_fit.standard_errors[name])
        )
    assert simulated_fit.diagnostics.converged


def test_json_round_trip_and_display(simulated_fit: GgomNbdFit):
    """A fit saved as JSON loads back equal; it shows as a table."""
    text = simulated_fit.model_dump_json()
    assert GgomNbdFit.model_validate_json(text) == simulated_fit
    assert "standard error" in simulated_fit._repr_html_()
    cov = np.array(simulated_fit.covariance)
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_weights_equal_expanded_rows():
    """Weighted unique rows give the likelihood of the rows repeated."""
    sim = simulate_ggom_nbd([32.0] * 40, seed=2, resolution=1.0, **TRUTH)
    rows = compress(sim.frequency, sim.recency, sim.T)
    weighted = _Likelihood(rows.frequency, rows.recency, rows.T, rows.weights)
    expanded = _Likelihood(sim.frequency, sim.recency, sim.T, sim.weights)
    theta = np.array(list(TRUTH.values()))
    assert weighted(theta)[0] == pytest.approx(expanded(theta)[0])
    assert weighted(theta)[1] == pytest.approx(expanded(theta)[1])


def test_nobody_repeating_raises_convergence_error():
    """Without repeat purchases the rates run to zero: ConvergenceError."""
    with pytest.raises(ConvergenceError, match="GGom/NBD fit did not"):
        fit_ggom_nbd([0] * 50, [0.0] * 50, np.linspace(1, 39, 50))


def test_bad_input_names_the_rows():
    """Recency after T is refused with the offending row."""
    with pytest.raises(DataError, match=r"row 1 \(recency=9.0, T=8.0\)"):
        fit_ggom_nbd([1, 2], [3.0, 9.0], [5.0, 8.0])


# --- predictions -----------------------------------------------------------


def test_simulation_matches_the_model():
    """Simulated counts agree with E[X(t)] and P(X(t) = 0)."""
    n = 40_000
    sim = simulate_ggom_nbd(np.full(n, 32.0), seed=11, **TRUTH)
    zeros = float(EXAMPLE.probability_of_purchases(0, 32))
    assert abs((sim.frequency == 0).mean() - zeros) < 4 * math.sqrt(
        zeros * (1 - zeros) / n
    )
    sd = float(sim.frequency.std())
    mean = float(EXAMPLE.expected_purchases(32))
    assert abs(sim.frequency.mean() - mean) < 4 * sd / math.sqrt(n)


@pytest.mark.parametrize(
    ("x", "t_x", "big_t"),
    [(0, 0.0, 38.86), (2, 30.43, 38.86), (7, 10.0, 39.0), (30, 38.0, 39.0)],
)
def test_pareto_nbd_is_the_edge(x: int, t_x: float, big_t: float):
    """With b -> 0 and beta = b * beta_P, predictions are the Pareto/NBD's."""
    b = 1e-7
    pnbd = ParetoNbdFit.from_parameters(
        r=0.553, alpha=10.578, s=0.606, beta=11.669
    )
    ggom = GgomNbdFit.from_parameters(
        r=0.553, alpha=10.578, b=b, s=0.606, beta=11.669 * b
    )
    for method in ("probability_alive",):
        assert getattr(ggom, method)(x, t_x, big_t) == pytest.approx(
            getattr(pnbd, method)(x, t_x, big_t), rel=1e-5
        )
    assert ggom.conditional_expected_purchases(
        [1, 39, 500], x, t_x, big_t
    ) == pytest.approx(
        pnbd.conditional_expected_purchases([1, 39, 500], x, t_x, big_t),
        rel=1e-5,
    )
    assert ggom.expected_purchases([1, 39, 500]) == pytest.approx(
        pnbd.expected_purchases([1, 39, 500]), rel=1e-5
    )
    n = np.arange(6)
    assert ggom.probability_of_purchases(n, 39) == pytest.approx(
        pnbd.probability_of_purchases(n, 39), rel=1e-5
    )


def test_conditional_expectation_matches_quadrature():
    """The expectation by scipy: P(alive) (r+x)/(alpha+T) int S(T+u)/S(T)."""
    r, alpha, b, s, beta = TRUTH.values()
    x, t_x, big_t, t = 2, 30.0, 32.0, 20.0

    def g(y: float) -> float:
        return beta - 1 + math.exp(b * y)

    kept, _ = integrate.quad(
        lambda u: (g(big_t) / g(big_t + u)) ** s, 0, t, epsrel=1e-12
    )
    alive = float(EXAMPLE.probability_alive(x, t_x, big_t))
    expected = alive * (r + x) / (alpha + big_t) * kept
    got = float(EXAMPLE.conditional_expected_purchases(t, x, t_x, big_t))
    assert got == pytest.approx(expected, rel=1e-10)
    alive_share = math.exp(
        math.lgamma(r + x)
        - math.lgamma(r)
        + r * math.log(alpha)
        - (r + x) * math.log(alpha + big_t)
        + s * math.log(beta / g(big_t))
        - _direct_log_likelihood(TRUTH, x, t_x, big_t)
    )
    assert alive == pytest.approx(alive_share, rel=1e-10)


def test_probability_of_purchases_is_a_distribution_with_the_right_mean():
    """P(X(t)=n) sums to 1 and its mean is E[X(t)]."""
    assert_count_distribution(EXAMPLE, np.arange(400), 32)
    assert float(EXAMPLE.probability_of_purchases(0, 0)) == 1.0


@pytest.mark.parametrize(
    ("x", "t_x", "big_t"),
    [
        (10_000, 99_999.0, 100_000.0),
        (10_000, 1.0, 100_000.0),
        (1_000, 5_000.0, 5_001.0),
    ],
    ids=["recent", "early-burst", "medium"],
)
def test_heavy_buyers_are_finite(x: int, t_x: float, big_t: float):
    """Frequencies in the thousands and T to 100,000 give finite answers."""
    for fit in (
        EXAMPLE,
        GgomNbdFit.from_parameters(r=5, alpha=0.1, b=2.0, s=0.5, beta=0.01),
    ):
        assert_finite_predictions(fit, x, t_x, big_t)


params = st.fixed_dictionaries(
    {
        "r": st.floats(0.01, 100),
        "alpha": st.floats(0.01, 100),
        "b": st.floats(1e-6, 10),
        "s": st.floats(0.01, 100),
        "beta": st.floats(1e-4, 100),
    }
)


@settings(deadline=None)
@given(params, purchase_histories())
def test_probability_alive_is_a_probability(
    p: dict[str, float], history: tuple[float, float, float]
):
    """P(alive) lies in [0, 1] for any parameters and history."""
    assert_probability_alive_is_a_probability(
        GgomNbdFit.from_parameters(**p), history
    )


@settings(deadline=None)
@given(params, purchase_histories(), st.floats(0, 200), st.floats(0, 200))
def test_expected_purchases_non_negative_and_non_decreasing(
    p: dict[str, float],
    history: tuple[float, float, float],
    t1: float,
    t2: float,
):
    """Expected purchases are >= 0 and do not fall as the horizon grows."""
    assert_expected_purchases_non_decreasing(
        GgomNbdFit.from_parameters(**p), history, t1, t2
    )


def test_is_a_purchase_model_for_the_plots():
    """The fit works wherever a PurchaseModel does."""
    from customer_centric.plot import (  # noqa: PLC0415
        plot_probability_alive_matrix,
    )

    assert isinstance(EXAMPLE, PurchaseModel)
    ax = plot_probability_alive_matrix(EXAMPLE, T=32.0, max_frequency=10)
    assert ax.images


@pytest.mark.parametrize(
    "model",
    [
        EXAMPLE,
        MbgNbdFit.from_parameters(r=0.5248, alpha=6.183, a=0.8914, b=1.614),
    ],
    ids=["GGom/NBD", "MBG/NBD"],
)
def test_scores_and_lifetime_value_use_the_model(model: PurchaseModel):
    """Scoring a base gives the model's own predictions, and CLV."""
    x, t_x, big_t = [2.0, 0.0, 2.0], [30.0, 0.0, 5.0], [32.0] * 3
    scores = score_customers(
        model,
        x,
        t_x,
        big_t,
        horizon=39,
        spend=GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44),
        monetary_value=[22.35, 0.0, 22.35],
        settings=ClvSettings(time_unit="W", discount_rate=0.10),
    )
    assert scores.expected_purchases == pytest.approx(
        model.conditional_expected_purchases(39, x, t_x, big_t)
    )
    assert scores.probability_alive == pytest.approx(
        model.probability_alive(x, t_x, big_t)
    )
    assert (scores.lifetime_value.value > 0).all()


def test_identical_customers_point_to_a_simpler_model():
    """A base of identical customers has its supremum on an edge.

    The first edge found is the Pareto/NBD's, whose own fit then names
    the simpler model still (no heterogeneity).
    """
    with pytest.raises(ConvergenceError, match="the simpler model with"):
        fit_ggom_nbd([2] * 100, [30.0] * 100, [39.0] * 100)


def test_a_history_shorter_than_any_quadrature_panel_is_alive():
    """T so small that no node has weight: no death integral, no NaN."""
    fit = GgomNbdFit.from_parameters(r=1.0, alpha=1.0, b=1.0, s=1.0, beta=1.0)
    assert fit.probability_alive(0.0, 0.0, 5e-324) == 1.0
    assert fit.conditional_expected_purchases(0.0, 0.0, 0.0, 5e-324) == 0.0
    later = fit.conditional_expected_purchases(3.0, 0.0, 0.0, 5e-324)
    assert 0.0 < later < math.inf
