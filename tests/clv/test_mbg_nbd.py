"""The modified BG/NBD model (Batislam, Denizel & Filiztekin 2007).

Batislam et al. fitted Turkish grocery data that are not public, so the
CDNOW checks below are a cross-check against a peer, lifetimes 0.11.3's
``ModifiedBetaGeoFitter`` (run on the same summary in the benchmark
environment), not a published table; the formulas are checked against the
paper's equations as printed and against simulation.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

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
    MbgNbdFit,
    PurchaseModel,
    fit_bg_nbd,
    fit_mbg_nbd,
    simulate_bg_nbd,
    simulate_mbg_nbd,
)
from customer_centric.clv._mbg_nbd import _Likelihood
from customer_centric.exceptions import ConvergenceError, DataError
from strategies import model_parameters, purchase_histories

if TYPE_CHECKING:
    from pathlib import Path

mpl.use("Agg")

# lifetimes 0.11.3, ModifiedBetaGeoFitter().fit on cdnow_customers_summary.
LIFETIMES = {"r": 0.524838, "alpha": 6.182988, "a": 0.891356, "b": 1.614000}
LIFETIMES_SE = {"r": 0.083264, "alpha": 0.695597, "a": 0.154785, "b": 0.537472}
PEER = MbgNbdFit.from_parameters(r=0.5248, alpha=6.183, a=0.8914, b=1.614)


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> Columns:
    """The CDNOW calibration summary (2,357 customers, weeks)."""
    return cdnow_summary(shared_data)


@pytest.fixture(scope="module")
def cdnow_fit(cdnow: Columns) -> MbgNbdFit:
    """The MBG/NBD fit on CDNOW."""
    return fit_mbg_nbd(*cdnow)


@pytest.mark.parametrize("name", list(LIFETIMES))
def test_cdnow_fit_matches_lifetimes(cdnow_fit: MbgNbdFit, name: str):
    """CDNOW gives lifetimes' estimates to 4 significant digits."""
    assert cdnow_fit.params[name] == pytest.approx(LIFETIMES[name], rel=1e-4)
    assert cdnow_fit.standard_errors[name] == pytest.approx(
        LIFETIMES_SE[name], rel=2e-3
    )


def test_cdnow_log_likelihood_is_the_printed_formula(
    cdnow: Columns, cdnow_fit: MbgNbdFit
):
    """The summed log-likelihood is Batislam et al.'s likelihood."""
    x, t_x, big_t = cdnow
    r, alpha, a, b = cdnow_fit.params.values()
    common = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha)
    alive = np.exp(
        special.betaln(a, b + x + 1)
        - special.betaln(a, b)
        - (r + x) * np.log(alpha + big_t)
    )
    left = np.exp(
        special.betaln(a + 1, b + x)
        - special.betaln(a, b)
        - (r + x) * np.log(alpha + t_x)
    )
    expected = float((common + np.log(alive + left)).sum())
    assert cdnow_fit.log_likelihood == pytest.approx(expected, abs=1e-6)
    # Dropping out at time 0 buys a little over the BG/NBD (-9582.4).
    assert round(cdnow_fit.log_likelihood, 1) == -9582.1
    assert cdnow_fit.n_customers == 2357


def test_standard_errors_come_from_a_proper_maximum(cdnow_fit: MbgNbdFit):
    """Finite, positive standard errors; a positive-definite covariance."""
    cov = np.array(cdnow_fit.covariance)
    assert np.allclose(
        np.sqrt(np.diag(cov)), list(cdnow_fit.standard_errors.values())
    )
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_json_round_trip(cdnow_fit: MbgNbdFit):
    """A fit saved as JSON loads back equal."""
    text = cdnow_fit.model_dump_json()
    assert MbgNbdFit.model_validate_json(text) == cdnow_fit


def test_analytic_gradient_matches_finite_differences():
    """The likelihood's gradient is right (central differences)."""
    x = np.array([0.0, 1, 2, 5, 0, 3])
    t_x = np.array([0.0, 10, 30.4, 35, 0, 2])
    big_t = np.array([38.9, 38.9, 38.9, 38.9, 20, 38.9])
    w = np.array([30.0, 4, 3, 2, 20, 5])
    likelihood = _Likelihood(x, t_x, big_t, w)
    theta = np.array([0.6, 5.0, 0.9, 1.7])
    _, gradient = likelihood(theta)
    for i in range(4):
        step = np.zeros(4)
        step[i] = 1e-6 * theta[i]
        up, _ = likelihood(theta + step)
        down, _ = likelihood(theta - step)
        assert gradient[i] == pytest.approx(
            (up - down) / (2 * step[i]), rel=1e-6
        )


def test_weights_equal_expanded_rows():
    """Weighted unique rows fit exactly like the rows repeated."""
    x = [0, 1, 2, 0, 5, 1, 0, 3, 7, 2]
    t_x = [0, 10.0, 30.4, 0, 35.0, 2.0, 0, 12.0, 38.0, 5.0]
    big_t = [38.9, 38.9, 38.9, 30.0, 38.9, 38.9, 20.0, 38.9, 38.9, 38.9]
    w = [30, 4, 3, 20, 2, 6, 25, 3, 1, 5]
    weighted = fit_mbg_nbd(x, t_x, big_t, weights=w)
    expanded = fit_mbg_nbd(
        np.repeat(x, w), np.repeat(t_x, w), np.repeat(big_t, w)
    )
    for name in MbgNbdFit.parameter_names:
        assert weighted.params[name] == pytest.approx(
            expanded.params[name], rel=1e-6
        )


def test_recovers_simulated_parameters():
    """A fit on simulated customers recovers the truth within 4 s.e."""
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    sim = simulate_mbg_nbd(np.full(20_000, 52.0), seed=5, **truth)
    fit = fit_mbg_nbd(sim.frequency, sim.recency, sim.T)
    for name, value in truth.items():
        assert abs(fit.params[name] - value) < 4 * fit.standard_errors[name]


def test_simulation_matches_the_count_distribution():
    """Simulated zeros and mean counts agree with the model's formulas."""
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    n = 40_000
    sim = simulate_mbg_nbd(np.full(n, 39.0), seed=11, **truth)
    model = MbgNbdFit.from_parameters(**truth)
    zeros = float(model.probability_of_purchases(0, 39))
    assert abs((sim.frequency == 0).mean() - zeros) < 4 * math.sqrt(
        zeros * (1 - zeros) / n
    )
    mean = float(model.expected_purchases(39))
    sd = float(sim.frequency.std())
    assert abs(sim.frequency.mean() - mean) < 4 * sd / math.sqrt(n)


def test_simulation_drops_more_customers_than_bg_nbd():
    """With the same draws, the MBG/NBD never has more repeat purchases."""
    params = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    mbg = simulate_mbg_nbd([39.0] * 500, seed=3, **params)
    bg = simulate_bg_nbd([39.0] * 500, seed=3, **params)
    assert (mbg.frequency <= bg.frequency).all()
    assert (mbg.frequency < bg.frequency).any()


def test_nobody_repeating_raises_convergence_error():
    """Without repeat purchases the rates run to zero: ConvergenceError."""
    with pytest.raises(ConvergenceError, match="MBG/NBD fit did not"):
        fit_mbg_nbd([0] * 50, [0.0] * 50, np.linspace(1, 39, 50))


def test_identical_customers_point_to_a_simpler_model():
    """A base of identical customers has its supremum on an edge."""
    with pytest.raises(ConvergenceError, match="simpler model with no"):
        fit_mbg_nbd([2] * 100, [30.0] * 100, [39.0] * 100)


def test_bad_input_names_the_rows():
    """Recency after T is refused with the offending row."""
    with pytest.raises(DataError, match=r"row 1 \(recency=9.0, T=8.0\)"):
        fit_mbg_nbd([1, 2], [3.0, 9.0], [5.0, 8.0])


# --- predictions -----------------------------------------------------------


def test_predictions_match_lifetimes():
    """Lifetimes 0.11.3 gives the same predictions for the same model."""
    assert PEER.conditional_expected_purchases(
        39, [0, 2], [0, 30.43], 38.86
    ) == pytest.approx([0.15394477, 1.26262856], rel=1e-7)
    assert PEER.probability_alive(
        [0, 2, 2], [0, 30.43, 5], 38.86
    ) == pytest.approx([0.38972279, 0.70611773, 0.10737571], rel=1e-7)
    assert float(PEER.expected_purchases(78)) == pytest.approx(
        1.8034481237396163, rel=1e-9
    )


def _batislam_expectation(
    t: float, x: float, t_x: float, big_t: float, params: dict[str, float]
) -> float:
    """Batislam et al.'s (2007) conditional expectation, as printed."""
    r, alpha, a, b = params.values()
    z = t / (alpha + big_t + t)
    numerator = (
        (a + b + x)
        / (a - 1)
        * (
            1
            - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x)
            * special.hyp2f1(r + x, b + x + 1, a + b + x, z)
        )
    )
    return numerator / (
        1 + a / (b + x) * ((alpha + big_t) / (alpha + t_x)) ** (r + x)
    )


@pytest.mark.parametrize(
    ("t", "x", "t_x", "big_t"),
    [
        (39, 0, 0, 38.86),
        (39, 2, 30.43, 38.86),
        (10, 5, 20.0, 30.0),
        (78, 1, 1.0, 39.0),
        (5, 20, 38.0, 39.0),
        (39, 0, 0, 0),
    ],
    ids=["zero", "paper", "five", "old-one", "twenty", "new"],
)
def test_conditional_expectation_matches_printed_formula(
    t: float, x: int, t_x: float, big_t: float
):
    """The BG/NBD-based evaluation equals the paper's expression."""
    expected = _batislam_expectation(t, x, t_x, big_t, PEER.params)
    got = PEER.conditional_expected_purchases(t, x, t_x, big_t)
    assert float(got) == pytest.approx(expected, rel=1e-9)


def test_expected_purchases_is_the_printed_formula():
    """E[X(t)] = b/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b+1; a+b; z)]."""
    r, alpha, a, b = PEER.params.values()
    t = np.array([1.0, 39.0, 500.0])
    z = t / (alpha + t)
    printed = (
        b
        / (a - 1)
        * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b + 1, a + b, z))
    )
    assert PEER.expected_purchases(t) == pytest.approx(printed, rel=1e-9)


def test_never_repeating_customer_may_have_left():
    """Unlike the BG/NBD, x = 0 gives P(alive) below 1, falling with T."""
    alive = PEER.probability_alive(0, 0, [0.0, 10.0, 50.0])
    b, a = PEER.b, PEER.a
    assert alive[0] == pytest.approx(b / (a + b))
    assert alive[0] > alive[1] > alive[2]
    bg = BgNbdFit.from_parameters(**PEER.params)
    assert float(bg.probability_alive(0, 0, 50.0)) == 1.0


def test_probability_of_purchases_is_a_distribution_with_the_right_mean():
    """P(X(t)=n) sums to 1 and its mean is E[X(t)]."""
    assert_count_distribution(PEER, np.arange(400), 39)
    assert float(PEER.probability_of_purchases(0, 0)) == 1.0
    assert float(PEER.probability_of_purchases(3, 0)) == 0.0


def test_probability_of_purchases_rejects_fractional_counts():
    """The count of purchases must be whole."""
    with pytest.raises(DataError, match="whole numbers"):
        PEER.probability_of_purchases(1.5, 39)


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
    for fit in (PEER, MbgNbdFit.from_parameters(r=5, alpha=0.1, a=50, b=0.5)):
        assert_finite_predictions(fit, x, t_x, big_t)


params = model_parameters("r", "alpha", "a", "b")


@given(params, purchase_histories())
def test_probability_alive_is_a_probability(
    p: dict[str, float], history: tuple[float, float, float]
):
    """P(alive) lies in [0, 1] for any parameters and history."""
    assert_probability_alive_is_a_probability(
        MbgNbdFit.from_parameters(**p), history
    )


@given(params, purchase_histories(), st.floats(0, 200), st.floats(0, 200))
def test_expected_purchases_non_negative_and_non_decreasing(
    p: dict[str, float],
    history: tuple[float, float, float],
    t1: float,
    t2: float,
):
    """Expected purchases are >= 0 and do not fall as the horizon grows."""
    assert_expected_purchases_non_decreasing(
        MbgNbdFit.from_parameters(**p), history, t1, t2
    )


@given(params, purchase_histories())
def test_never_above_the_bg_nbd_given_alive(
    p: dict[str, float], history: tuple[float, float, float]
):
    """An alive customer's extra dropout chance never adds purchases.

    Given alive, the MBG/NBD's posterior dropout probability is Beta(a,
    b+x+1), stochastically smaller than the BG/NBD's Beta(a, b+x), so it
    expects at least as many purchases per unit of P(alive).
    """
    mbg = MbgNbdFit.from_parameters(**p)
    bg = BgNbdFit.from_parameters(**p)
    x, _, big_t = history
    t_x = big_t if x > 0 else 0.0
    m = float(mbg.conditional_expected_purchases(39, x, t_x, big_t))
    g = float(bg.conditional_expected_purchases(39, x, t_x, big_t))
    m_alive = float(mbg.probability_alive(x, t_x, big_t))
    g_alive = float(bg.probability_alive(x, t_x, big_t))
    assert m / m_alive >= g / g_alive * (1 - 1e-7) - 1e-12


# --- with the rest of the package ------------------------------------------


def test_is_a_purchase_model_for_validation_and_plots(cdnow: Columns):
    """The fit works wherever a PurchaseModel does, and in the bar chart."""
    from customer_centric.plot import (  # noqa: PLC0415
        plot_period_transactions,
        plot_probability_alive_matrix,
    )

    assert isinstance(PEER, PurchaseModel)
    ax = plot_probability_alive_matrix(PEER, T=39.0, max_frequency=10)
    assert ax.images
    x, _, big_t = cdnow
    bars = plot_period_transactions(PEER, x, big_t)
    predicted = bars.containers[1].datavalues
    assert predicted.sum() == pytest.approx(x.size, rel=1e-9)
    mbg, bg = (f(*cdnow) for f in (fit_mbg_nbd, fit_bg_nbd))
    assert mbg.log_likelihood > bg.log_likelihood
