from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given

from customer_centric._arrays import FloatArray, as_horizon
from customer_centric.clv import (
    BgNbdFit,
    CompressedRFM,
    FittedModel,
    OptimizerDiagnostics,
    ParetoNbdFit,
    PurchaseModel,
    compress,
    validate_rfm,
)
from customer_centric.clv._optimizer import Objective, maximize_likelihood
from customer_centric.clv._records import given_parameter_fields
from customer_centric.clv._rfm import broadcast_rfm, check_weights, factorise
from customer_centric.exceptions import ConvergenceError, DataError
from strategies import rfm_rows

# --- validation ------------------------------------------------------------


BAD_ROWS = [
    ([1, 2], [3.0, 9.0], [5.0, 8.0], "recency must be <= T", "row 1"),
    ([-1, 2], [0.0, 1.0], [5.0, 8.0], "frequency must be >= 0", "row 0"),
    ([1.5, 2], [1.0, 1.0], [5.0, 8.0], "whole numbers", "row 0"),
    ([1, 2], [1.0, -1.0], [5.0, 8.0], "recency must be >= 0", "row 1"),
    ([1, 2], [1.0, 1.0], [5.0, -8.0], "T must be >= 0", "row 1"),
    ([0, 2], [3.0, 1.0], [5.0, 8.0], "recency must be 0 when", "row 0"),
    ([1, 2], [1.0, math.nan], [5.0, 8.0], "recency must be finite", "row 1"),
    ([1, 2], [1.0, 1.0], [5.0, math.inf], "T must be finite", "row 1"),
    ([1, 2], [1.0], [5.0, 8.0], "same length", "1"),
    ([], [], [], "empty", "empty"),
    ([[1, 2]], [[1.0, 1.0]], [[2.0, 2.0]], "one-dimensional", "shape"),
    (["a"], [1.0], [2.0], "frequency must be numbers", "'a'"),
]


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "message", "names"),
    BAD_ROWS,
    ids=[
        "recency-after-T",
        "negative-frequency",
        "fractional-frequency",
        "negative-recency",
        "negative-T",
        "recency-without-repeat",
        "nan",
        "inf",
        "ragged",
        "empty",
        "two-dimensional",
        "not-numbers",
    ],
)
def test_validate_rfm_rejects_bad_rows(
    x: list[object],
    t_x: list[object],
    big_t: list[object],
    message: str,
    names: str,
):
    """Each broken rule raises DataError naming the rule and the rows."""
    with pytest.raises(DataError, match=message) as info:
        validate_rfm(x, t_x, big_t)
    assert names in str(info.value)


def test_validate_rfm_shows_at_most_five_rows():
    """Long lists of offenders are cut, with a count of the rest."""
    with pytest.raises(DataError, match="and 5 more"):
        validate_rfm([1] * 10, [9.0] * 10, [5.0] * 10)


def test_validate_rfm_accepts_good_rows_and_defaults_weights():
    """Valid input comes back as float arrays with unit weights."""
    data = validate_rfm([0, 3], [0, 4], [5, 5])
    assert data.frequency.dtype == np.float64
    assert data.weights.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("weights", "message"),
    [([1, 0], "weights must be > 0"), ([1], "one weight per row")],
    ids=["zero", "short"],
)
def test_bad_weights_raise(weights: list[float], message: str):
    """Weights must be positive and one per row."""
    with pytest.raises(DataError, match=message):
        check_weights(weights, size=2)


def test_broadcast_rfm_rejects_incompatible_shapes():
    """Shapes that do not broadcast are a DataError, not a numpy error."""
    with pytest.raises(DataError, match="do not broadcast"):
        broadcast_rfm([1, 2], [1.0, 1.0, 1.0], 5.0)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ((["one"], 1.0, 2.0), "frequency must be numbers, got ['one']"),
        (([1], 1.0, 2.0, ("t", "soon")), "t must be numbers, got 'soon'"),
    ],
    ids=["frequency", "horizon"],
)
def test_broadcast_rfm_rejects_non_numbers(
    columns: tuple[object, ...], message: str
):
    """A column that is not numeric is a DataError naming the column."""
    with pytest.raises(DataError, match=re.escape(message)):
        broadcast_rfm(*columns)


def test_as_horizon_rejects_negative_time():
    """A negative horizon is refused."""
    with pytest.raises(DataError, match="t must be >= 0"):
        as_horizon([-1.0])


# --- compression -----------------------------------------------------------


def test_compress_merges_identical_rows_and_sums_weights():
    """Duplicates collapse into one row whose weight counts them."""
    c = compress(
        [2, 2, 0, 2], [5, 5, 0, 5], [9, 9, 9, 9], weights=[1, 2, 3, 4]
    )
    assert isinstance(c, CompressedRFM)
    assert c.frequency.tolist() == [0.0, 2.0]
    assert c.weights.tolist() == [3.0, 7.0]
    assert c.inverse.tolist() == [1, 1, 0, 1]


@given(rfm_rows())
def test_compress_round_trips_through_inverse(
    rows: tuple[list[float], list[float], list[float]],
):
    """Expanding the unique rows by ``inverse`` gives back the input."""
    x, t_x, big_t = rows
    c = compress(x, t_x, big_t)
    assert c.frequency[c.inverse].tolist() == x
    assert c.recency[c.inverse].tolist() == t_x
    assert c.T[c.inverse].tolist() == big_t
    assert c.weights.sum() == len(x)
    unique = {tuple(r) for r in zip(x, t_x, big_t, strict=True)}
    assert c.weights.size == len(unique)


def test_factorise_maps_values_to_uniques():
    """Factorise gives sorted uniques and the index of each value."""
    uniques, index = factorise(np.array([3.0, 1.0, 3.0]))
    assert uniques[index].tolist() == [3.0, 1.0, 3.0]


# --- maximum likelihood ----------------------------------------------------


def _poisson(counts: FloatArray) -> Objective:
    def loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        lam = theta[0]
        return float((counts * np.log(lam) - lam).sum()), np.array(
            [(counts / lam - 1).sum()]
        )

    return loglik


def test_maximize_likelihood_matches_closed_form_and_standard_error():
    """The Poisson MLE is the mean and its standard error sqrt(mean/n)."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    mle = maximize_likelihood(
        _poisson(counts),
        names=("lam",),
        starts=[[0.1]],
        n_customers=6.0,
        model="Poisson",
    )
    assert mle.parameters["lam"] == pytest.approx(counts.mean(), rel=1e-8)
    assert mle.standard_errors["lam"] == pytest.approx(
        math.sqrt(counts.mean() / 6), rel=1e-4
    )
    assert mle.diagnostics.converged
    assert mle.diagnostics.gradient_norm < 1e-5


def test_maximize_likelihood_raises_when_the_optimum_is_at_zero():
    """All-zero counts push the rate to the boundary: ConvergenceError."""
    with pytest.raises(ConvergenceError, match="did not converge") as info:
        maximize_likelihood(
            _poisson(np.zeros(5)),
            names=("lam",),
            starts=[[1.0], [0.5]],
            n_customers=5.0,
            model="Poisson",
        )
    message = str(info.value)
    assert "Poisson fit did not converge from 2 starting value(s)" in message
    assert "start (1)" in message
    assert "start (0.5)" in message


def test_maximize_likelihood_retries_from_the_next_start():
    """A start stuck on a flat plateau is rejected and the next one used."""
    counts = np.array([2.0, 3.0])

    def loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if theta[0] > 100:
            return -1e6, np.array([0.0])
        return _poisson(counts)(theta)

    mle = maximize_likelihood(
        loglik,
        names=("lam",),
        starts=[[1e4], [1.0]],
        n_customers=2.0,
        model="Poisson",
    )
    assert mle.diagnostics.starts_tried == 2
    assert mle.parameters["lam"] == pytest.approx(2.5)


def test_maximize_likelihood_explains_a_plateau():
    """When every start ends on a plateau, the message says why."""
    with pytest.raises(ConvergenceError, match="not negative definite"):
        maximize_likelihood(
            lambda _theta: (0.0, np.zeros(1)),
            names=("lam",),
            starts=[[1.0]],
            n_customers=1.0,
            model="Flat",
        )


def test_maximize_likelihood_reports_the_iteration_limit():
    """A start that runs out of iterations is refused and says so."""
    with pytest.raises(ConvergenceError, match="iteration limit reached"):
        maximize_likelihood(
            _poisson(np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])),
            names=("lam",),
            starts=[[0.1]],
            n_customers=6.0,
            model="Poisson",
            max_iterations=1,
        )


def _undefined_above(limit: float, counts: FloatArray) -> Objective:
    """The Poisson log-likelihood, NaN for rates above ``limit``."""
    poisson = _poisson(counts)

    def loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        if theta[0] > limit:
            return math.nan, np.array([math.nan])
        return poisson(theta)

    return loglik


def test_maximize_likelihood_steps_back_from_undefined_regions():
    """Where the objective is NaN the search backs off and still converges."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    mle = maximize_likelihood(
        _undefined_above(4.0, counts),
        names=("lam",),
        starts=[[0.01]],
        n_customers=6.0,
        model="Poisson",
    )
    assert mle.parameters["lam"] == pytest.approx(counts.mean(), rel=1e-8)


def test_maximize_likelihood_starts_beside_an_undefined_region():
    """A start right beside an undefined region still finds the optimum."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    mle = maximize_likelihood(
        _undefined_above(4.0, counts),
        names=("lam",),
        starts=[[4.0 * math.exp(-5e-6)]],
        n_customers=6.0,
        model="Poisson",
    )
    assert mle.parameters["lam"] == pytest.approx(counts.mean(), rel=1e-8)


def test_maximize_likelihood_refuses_an_optimum_on_the_domain_edge():
    """An optimum where the Hessian cannot be evaluated is not accepted."""
    counts = np.array([1.0, 3.0, 2.0, 6.0, 0.0, 4.0])
    with pytest.raises(ConvergenceError, match="Hessian is not finite"):
        maximize_likelihood(
            _undefined_above(counts.mean() * (1 + 1e-7), counts),
            names=("lam",),
            starts=[[1.0]],
            n_customers=6.0,
            model="Poisson",
        )


def test_maximize_likelihood_reports_a_parameter_running_off():
    """A likelihood rising without bound is refused at the parameter box."""
    with pytest.raises(ConvergenceError) as info:
        maximize_likelihood(
            lambda theta: (float(np.log(theta[0])), 1 / theta),
            names=("lam",),
            starts=[[1.0]],
            n_customers=1.0,
            model="Unbounded",
        )
    message = str(info.value)
    assert "a parameter ran to the edge of [1e-13, 1e13]" in message
    assert "a log-parameter reached the edge of [-30, 30]" in message


# --- records ---------------------------------------------------------------


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
