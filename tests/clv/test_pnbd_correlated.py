"""Pareto/NBD with correlated purchase and dropout rates (Sarmanov family).

Covers ``clv/_pnbd_correlated.py``: CLVTools' ``pnbd(use.cor = TRUE)`` on
its apparel data (log-likelihood, correlation, predictions at its
estimates), the nesting of the plain Pareto/NBD at ``omega = 0``, the
correlation formula against a Monte Carlo estimate, and the fit.
"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from clv_helpers import apparel_summary, cdnow_summary
from customer_centric.clv import (
    ParetoNbdCorrelatedFit,
    ParetoNbdFit,
    fit_pareto_nbd,
    fit_pareto_nbd_correlated,
    likelihood_ratio_test,
    simulate_bg_nbd,
    validate_holdout,
)
from customer_centric.clv import _pnbd_correlated as module
from customer_centric.clv._pnbd_correlated import (
    _constraints,
    _Objective,
    correlated_rows,
    correlation_of,
    omega_limits,
)
from customer_centric.clv._rfm import compress
from customer_centric.exceptions import ConvergenceError

if TYPE_CHECKING:
    from pathlib import Path

    from clv_helpers import Columns

PLAIN = (0.553, 10.578, 0.606, 11.669)
"""FHL 2005's CDNOW Pareto/NBD parameters."""


@pytest.fixture(scope="module")
def apparel(clvtools_data: Path) -> Columns:
    """CLVTools' apparel summary, 104-week calibration."""
    columns, _ = apparel_summary(clvtools_data, 104)
    return columns


@pytest.fixture(scope="module")
def clvtools(clvtools_data: Path) -> dict[str, Any]:
    """CLVTools' use.cor = TRUE fit on the same split."""
    path = clvtools_data / "apparel104_pnbd_cor_fit.json"
    fits = json.loads(path.read_text(encoding="utf-8"))["fits"]
    result: dict[str, Any] = fits["apparel104_pnbd_cor"]
    return result


@pytest.fixture(scope="module")
def clvtools_model(clvtools: dict[str, Any]) -> ParetoNbdCorrelatedFit:
    """CLVTools' estimates, at full precision (its optimizer's row)."""
    row = clvtools["optimx.rows"][0]
    return ParetoNbdCorrelatedFit.from_parameters(
        r=math.exp(row["log.r"]),
        alpha=math.exp(row["log.alpha"]),
        s=math.exp(row["log.s"]),
        beta=math.exp(row["log.beta"]),
        omega=row["correlation.param.m"],
    )


@pytest.fixture(scope="module")
def apparel_fit(apparel: Columns) -> ParetoNbdCorrelatedFit:
    """Our fit of the correlated model on the apparel split."""
    return fit_pareto_nbd_correlated(*apparel)


def test_clvtools_log_likelihood_at_its_estimates(
    apparel: Columns,
    clvtools: dict[str, Any],
    clvtools_model: ParetoNbdCorrelatedFit,
) -> None:
    """The same likelihood: -5850.82019102573 to every digit CLVTools gives."""
    total = float(clvtools_model.individual_log_likelihood(*apparel).sum())
    assert total == pytest.approx(clvtools["logLik"], abs=1e-8)
    assert round(total, 2) == -5850.82
    # Its "unpenalised" recomputation is the plain Pareto/NBD's.
    plain = clvtools_model.independent()
    plain_rows = ParetoNbdCorrelatedFit.from_parameters(
        **plain.params, omega=0.0
    ).individual_log_likelihood(*apparel)
    assert float(plain_rows.sum()) == pytest.approx(
        clvtools["logLik.recomputed.unpenalised"], abs=1e-8
    )


def test_clvtools_correlation_and_its_limit(
    clvtools: dict[str, Any], clvtools_model: ParetoNbdCorrelatedFit
) -> None:
    """Cor(life,trans) -0.00099471169403475, omega at its lower limit."""
    expected = clvtools["coefficients"]["Cor(life,trans)"]
    assert clvtools_model.correlation == pytest.approx(expected, rel=1e-12)
    lower, upper = clvtools_model.omega_limits
    # CLVTools' Nelder-Mead stopped against the lower limit.
    assert clvtools_model.omega == pytest.approx(lower, rel=1e-4)
    assert upper > 0


def test_clvtools_predicts_from_the_marginals(
    apparel: Columns,
    clvtools: dict[str, Any],
    clvtools_model: ParetoNbdCorrelatedFit,
) -> None:
    """CLVTools' PAlive and CET sums are the plain model's at its estimates."""
    sums = clvtools["prediction.column.sums"]
    plain = clvtools_model.independent()
    horizon = clvtools["prediction.period.length"]
    alive = plain.probability_alive(*apparel)
    cet = plain.conditional_expected_purchases(horizon, *apparel)
    assert float(alive.sum()) == pytest.approx(sums["PAlive"], rel=1e-10)
    assert float(cet.sum()) == pytest.approx(sums["CET"], rel=1e-10)
    # The correlated model's own predictions differ, but barely here.
    own = clvtools_model.probability_alive(*apparel)
    assert float(own.sum()) == pytest.approx(sums["PAlive"], rel=1e-3)
    assert float(own.sum()) != pytest.approx(sums["PAlive"], rel=1e-8)


def test_our_fit_beats_clvtools_and_the_plain_model(
    apparel: Columns,
    apparel_fit: ParetoNbdCorrelatedFit,
    clvtools: dict[str, Any],
) -> None:
    """CLVTools stopped below the plain model; the maximum is higher."""
    plain = fit_pareto_nbd(*apparel)
    assert apparel_fit.log_likelihood > plain.log_likelihood
    assert apparel_fit.log_likelihood > clvtools["logLik"]
    assert round(apparel_fit.log_likelihood, 2) == -5848.03
    assert round(plain.log_likelihood, 2) == -5848.10
    assert apparel_fit.at_limit
    assert apparel_fit.omega == pytest.approx(apparel_fit.omega_limits[1])
    assert 0 < apparel_fit.correlation < 0.02
    assert math.isfinite(apparel_fit.correlation_standard_error)
    test = likelihood_ratio_test(plain, apparel_fit)
    assert test.df == 1
    assert test.p_value > 0.5


def test_cdnow_fit_and_likelihood_ratio(shared_data: Path) -> None:
    """CDNOW: correlated rates raise the log-likelihood by 3.31."""
    columns = cdnow_summary(shared_data)
    fit = fit_pareto_nbd_correlated(*columns)
    plain = fit_pareto_nbd(*columns)
    assert round(fit.log_likelihood, 2) == -9591.66
    assert round(fit.correlation, 3) == 0.088
    assert fit.at_limit
    test = likelihood_ratio_test(plain, fit)
    assert round(test.statistic, 2) == 6.62
    # Corners: two of the four constraints bind at this maximum.
    z = np.append(np.log(fit.parameter_vector()[:4]), fit.omega)
    assert np.sort(np.abs(_constraints(z)))[:2] == pytest.approx(
        [0, 0], abs=1e-6
    )


def test_omega_zero_is_the_plain_pareto_nbd() -> None:
    """At omega = 0 every prediction is the plain model's."""
    plain = ParetoNbdFit.from_parameters(
        r=PLAIN[0], alpha=PLAIN[1], s=PLAIN[2], beta=PLAIN[3]
    )
    model = ParetoNbdCorrelatedFit.from_parameters(**plain.params, omega=0.0)
    x = np.array([0.0, 1.0, 5.0, 20.0])
    t_x = np.array([0.0, 10.0, 30.0, 38.0])
    big_t = np.array([39.0, 39.0, 38.5, 39.0])
    np.testing.assert_allclose(
        model.probability_alive(x, t_x, big_t),
        plain.probability_alive(x, t_x, big_t),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        model.conditional_expected_purchases(39, x, t_x, big_t),
        plain.conditional_expected_purchases(39, x, t_x, big_t),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        model.expected_purchases([0.0, 10.0, 78.0]),
        plain.expected_purchases([0.0, 10.0, 78.0]),
        rtol=1e-12,
    )
    assert model.correlation == 0.0
    assert not model.at_limit


def test_gradient_matches_finite_differences() -> None:
    """The analytic gradient of the per-row likelihood, all five params."""
    x = np.array([0.0, 2.0, 7.0, 1.0])
    t_x = np.array([0.0, 30.0, 35.0, 39.0])
    big_t = np.array([39.0, 39.0, 39.0, 39.0])
    params = np.array([*PLAIN, 5.0])
    _, grad = correlated_rows(params, x, t_x, big_t, gradient=True)
    assert grad is not None
    for i in range(5):
        step = 1e-6 * max(abs(params[i]), 1.0)
        up, down = params.copy(), params.copy()
        up[i] += step
        down[i] -= step
        numeric = (
            correlated_rows(up, x, t_x, big_t, gradient=False)[0]
            - correlated_rows(down, x, t_x, big_t, gradient=False)[0]
        ) / (2 * step)
        np.testing.assert_allclose(grad[i], numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(
    "params",
    [(1.5, 2.0, 0.8, 3.0, 1.5), (0.6, 0.3, 2.0, 0.2, -1.5)],
)
def test_correlation_formula_against_monte_carlo(
    params: tuple[float, float, float, float, float],
) -> None:
    """Weighting gamma draws by the Sarmanov bracket gives the correlation."""
    r, alpha, s, beta, omega = params
    rng = np.random.default_rng(11)
    lam = rng.gamma(r, 1 / alpha, size=2_000_000)
    mu = rng.gamma(s, 1 / beta, size=2_000_000)
    l1, l2 = (alpha / (alpha + 1)) ** r, (beta / (beta + 1)) ** s
    w = 1 + omega * (np.exp(-lam) - l1) * (np.exp(-mu) - l2)
    assert w.min() >= 0
    mean_l, mean_m = np.average(lam, weights=w), np.average(mu, weights=w)
    cov = np.average((lam - mean_l) * (mu - mean_m), weights=w)
    sd = math.sqrt(
        np.average((lam - mean_l) ** 2, weights=w)
        * np.average((mu - mean_m) ** 2, weights=w)
    )
    assert cov / sd == pytest.approx(correlation_of(*params), abs=0.01)


@pytest.mark.parametrize(
    "marginals",
    [(1.0, 1.0, 1.0, 1.0), (1.0, 0.1, 2.0, 0.1), (0.5, 10.0, 0.5, 0.2)],
)
def test_limits_keep_the_bracket_non_negative(
    marginals: tuple[float, float, float, float],
) -> None:
    """At each limit the bracket's minimum over the corners is 0."""
    lower, upper = omega_limits(*marginals)
    z = np.log(np.array(marginals))
    for omega in (lower, upper):
        bracket = _constraints(np.append(z, omega))
        assert bracket.min() == pytest.approx(0.0, abs=1e-12)
        assert (bracket >= -1e-12).all()


@given(
    omega_share=st.floats(min_value=0.0, max_value=1.0),
    x=st.integers(min_value=0, max_value=30),
    t_x=st.floats(min_value=0.0, max_value=1.0),
    horizon=st.floats(min_value=0.0, max_value=100.0),
)
def test_predictions_are_sane(
    omega_share: float, x: int, t_x: float, horizon: float
) -> None:
    """P(alive) in [0, 1]; expectations finite, >= 0, rising with t."""
    lower, upper = omega_limits(*PLAIN)
    omega = lower + omega_share * (upper - lower)
    model = ParetoNbdCorrelatedFit.from_parameters(
        r=PLAIN[0], alpha=PLAIN[1], s=PLAIN[2], beta=PLAIN[3], omega=omega
    )
    recency = 0.0 if x == 0 else 39.0 * t_x
    alive = float(model.probability_alive(x, recency, 39.0))
    assert -1e-12 <= alive <= 1 + 1e-12
    near = float(model.conditional_expected_purchases(horizon, x, recency, 39))
    far = float(
        model.conditional_expected_purchases(horizon + 1, x, recency, 39)
    )
    assert 0 <= near <= far * (1 + 1e-9) + 1e-12
    assert float(model.expected_purchases(horizon)) >= 0


def test_shapes_broadcast() -> None:
    """Inputs broadcast as every model's do."""
    model = ParetoNbdCorrelatedFit.from_parameters(
        r=PLAIN[0], alpha=PLAIN[1], s=PLAIN[2], beta=PLAIN[3], omega=3.0
    )
    alive = model.probability_alive([[1, 2], [3, 4]], 20.0, 39.0)
    assert alive.shape == (2, 2)
    rows = model.individual_log_likelihood([0, 1, 2], [0, 5, 10], 39)
    assert rows.shape == (3,)


def test_omega_outside_its_range_is_refused() -> None:
    """A negative density is not a model."""
    lower, upper = omega_limits(*PLAIN)
    with pytest.raises(ValidationError, match="outside"):
        ParetoNbdCorrelatedFit.from_parameters(
            r=PLAIN[0],
            alpha=PLAIN[1],
            s=PLAIN[2],
            beta=PLAIN[3],
            omega=upper * 1.01,
        )
    with pytest.raises(ValidationError, match="finite"):
        ParetoNbdCorrelatedFit.from_parameters(
            r=PLAIN[0],
            alpha=PLAIN[1],
            s=PLAIN[2],
            beta=PLAIN[3],
            omega=float("nan"),
        )
    assert lower < 0 < upper


def test_record_round_trips_with_a_negative_omega(
    clvtools_model: ParetoNbdCorrelatedFit,
) -> None:
    """JSON in, JSON out, omega's sign kept."""
    text = clvtools_model.model_dump_json()
    again = ParetoNbdCorrelatedFit.model_validate_json(text)
    assert again.omega == clvtools_model.omega < 0
    assert math.isnan(again.correlation_standard_error)


def test_it_is_a_purchase_model_for_validation() -> None:
    """The fit goes into validate_holdout like any other."""
    from datetime import date  # noqa: PLC0415

    from customer_centric import Transaction  # noqa: PLC0415
    from customer_centric.value import rfm_calibration_holdout  # noqa: PLC0415

    log = [
        Transaction(customer_id=c, occurred_at=date(2024, 1, d))
        for c, days in {"A": (1, 8, 20, 27), "B": (2, 25)}.items()
        for d in days
    ]
    split = rfm_calibration_holdout(
        log,
        calibration_end=date(2024, 1, 14),
        observation_end=date(2024, 1, 28),
        time_unit="W",
    )
    model = ParetoNbdCorrelatedFit.from_parameters(
        r=0.5, alpha=2.0, s=0.5, beta=3.0, omega=1.0
    )
    report = validate_holdout(split, models={"cor": model}, transactions=log)
    assert report["cor"].predicted_total > 0
    assert report.tracking is not None


def test_the_objective_steers_away_from_undefined_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A non-finite likelihood becomes a large value, as in every fit."""
    objective = _Objective(compress([1.0], [2.0], [3.0]))
    monkeypatch.setattr(
        _Objective, "summed", lambda *_: (math.nan, np.zeros(5))
    )
    value, gradient = objective(np.zeros(5))
    assert value == module._UNDEFINED
    assert not gradient.any()


def _simulated() -> tuple[Any, Any, Any]:
    sim = simulate_bg_nbd([39.0] * 400, r=0.5, alpha=5.0, a=0.5, b=3.0, seed=3)
    return sim.frequency, sim.recency, sim.T


def test_no_converging_start_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every start failing is a ConvergenceError naming the starts."""

    def failing(*_: object, **__: object) -> SimpleNamespace:
        return SimpleNamespace(success=False, message="Iteration limit")

    monkeypatch.setattr(module, "optimize", SimpleNamespace(minimize=failing))
    with pytest.raises(ConvergenceError, match="3 starts"):
        fit_pareto_nbd_correlated(*_simulated())


def test_a_saddle_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Hessian that is not negative definite is refused."""
    monkeypatch.setattr(module, "_hessian", lambda *_: np.eye(5))
    with pytest.raises(ConvergenceError, match="negative definite"):
        fit_pareto_nbd_correlated(*_simulated())


def test_degenerate_marginals_leave_omega_unbounded_above() -> None:
    """When L1 and L2 round to 1, the bracket cannot turn negative above."""
    lower, upper = omega_limits(1e-13, 1e13, 1e-13, 1e13)
    assert (lower, upper) == (-1.0, math.inf)
    model = ParetoNbdCorrelatedFit.from_parameters(
        r=1e-13, alpha=1e13, s=1e-13, beta=1e13, omega=5.0
    )
    assert not model.at_limit


def test_a_signed_parameter_names_its_own_range() -> None:
    """The correlation parameter may be negative, but not infinite."""
    with pytest.raises(ValidationError, match=r"at most .* in size"):
        ParetoNbdCorrelatedFit.from_parameters(
            r=1.0, alpha=1.0, s=1.0, beta=1.0, omega=-math.inf
        )
