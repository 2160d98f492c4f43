from __future__ import annotations

import math

import pytest

from customer_centric.clv import (
    BgNbdFit,
    FittedModel,
    OptimizerDiagnostics,
    ParetoNbdFit,
    PurchaseModel,
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
