from __future__ import annotations

import math

import pytest

from customer_centric._display import number
from customer_centric.clv import (
    BgNbdFit,
    FittedModel,
    GammaGammaFit,
    OptimizerDiagnostics,
    ParetoNbdFit,
    PurchaseModel,
    fit_bg_nbd,
    simulate_bg_nbd,
)
from customer_centric.clv._records import given_parameter_fields


@pytest.mark.parametrize(
    "fit",
    [
        BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426),
        ParetoNbdFit.from_parameters(
            r=0.553, alpha=10.578, s=0.606, beta=11.669
        ),
    ],
    ids=["bg-nbd", "pareto-nbd"],
)
def test_given_parameters_round_trip_through_json_with_nan(
    fit: FittedModel,
):
    """Fits with NaN standard errors survive a JSON round trip."""
    again = type(fit).model_validate_json(fit.model_dump_json())
    assert again.params == fit.params
    assert all(math.isnan(v) for v in again.standard_errors.values())
    assert isinstance(fit, PurchaseModel)


def test_fitted_model_rejects_wrong_standard_error_keys():
    """Standard errors must name exactly the model's parameters."""
    fields = given_parameter_fields({"r": 1, "alpha": 1, "a": 1, "b": 1})
    fields["standard_errors"] = {"r": 1.0}
    with pytest.raises(ValueError, match="standard_errors must have"):
        BgNbdFit.model_validate(fields)


def test_fitted_model_rejects_non_positive_parameters():
    """A parameter must be finite and positive."""
    fields = given_parameter_fields({"r": 1, "alpha": -1, "a": 1, "b": 1})
    with pytest.raises(ValueError, match="alpha must be finite and between"):
        BgNbdFit.model_validate(fields)


def test_fitted_model_rejects_wrong_covariance_shape():
    """The covariance must be k x k."""
    fields = given_parameter_fields({"r": 1, "alpha": 1, "a": 1, "b": 1})
    fields["covariance"] = ((1.0,),)
    with pytest.raises(ValueError, match="4x4 matrix"):
        BgNbdFit.model_validate(fields)


def test_records_are_frozen():
    """Fits and diagnostics cannot be changed in place."""
    fit = BgNbdFit.from_parameters(r=1, alpha=1, a=1, b=1)
    with pytest.raises(ValueError, match="frozen"):
        fit.r = 2.0  # type: ignore[misc]
    assert issubclass(BgNbdFit, FittedModel)
    assert OptimizerDiagnostics.model_config["frozen"]


@pytest.fixture(scope="module")
def fit() -> BgNbdFit:
    """A BG/NBD fit on simulated data."""
    sim = simulate_bg_nbd(
        [39.0] * 500, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7
    )
    return fit_bg_nbd(sim.frequency, sim.recency, sim.T)


def test_fit_repr_is_one_short_line(fit: BgNbdFit):
    """A fit's repr names the parameters, customers and log-likelihood."""
    shown = repr(fit)
    assert len(shown) < 200
    assert "\n" not in shown
    assert shown.startswith("BgNbdFit(r=")
    assert "n=500" in shown
    assert f"ll={fit.log_likelihood:.1f}" in shown
    assert str(fit) == shown


def test_fit_html_shows_parameters_errors_and_diagnostics(fit: BgNbdFit):
    """The table holds estimates, standard errors and optimizer facts."""
    shown = fit._repr_html_()
    for name, value in fit.params.items():
        assert f"<td>{name}</td><td>{number(value)}</td>" in shown
        assert number(fit.standard_errors[name]) in shown
    assert f"{fit.log_likelihood:.2f}" in shown
    assert "500 customers" in shown
    assert fit.diagnostics.method in shown
    assert "<td>converged</td><td>yes</td>" in shown


def test_given_parameters_show_as_not_fitted():
    """Parameters given, not fitted, show NaN errors and say so."""
    given = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
    assert repr(given) == (
        "GammaGammaFit(p=6.25, q=3.74, gamma=15.44, n=0, ll=nan)"
    )
    assert "parameters given, not fitted" in given._repr_html_()
