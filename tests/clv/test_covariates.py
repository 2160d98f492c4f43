"""Time-invariant covariates in the Pareto/NBD and BG/NBD models."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pytest

from clv_helpers import apparel_summary, read_columns
from customer_centric.clv import (
    BgNbdFit,
    CovariateEffects,
    ParetoNbdFit,
    at_covariates,
    fit_bg_nbd,
    fit_pareto_nbd,
    simulate_bg_nbd,
)
from customer_centric.clv._covariates import (
    _compress,
    _layout,
    _Likelihood,
    fit_with_covariates,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
)

if TYPE_CHECKING:
    from pathlib import Path

    from customer_centric._arrays import FloatArray

CLVTOOLS_LL = -5821.062692
"""CLVTools 0.12.1's log-likelihood on apparel, 104 weeks (its README)."""
CLVTOOLS_40_WEEKS_BEST = -2589.23
"""The better of CLVTools' two optima with a 40-week calibration."""


def _two_groups(
    seed: int = 11,
) -> tuple[tuple[FloatArray, FloatArray, FloatArray], list[float]]:
    """1,200 customers, the second half buying e^0.7 times as often."""
    base = simulate_bg_nbd(
        [52.0] * 600, r=0.8, alpha=8.0, a=0.6, b=2.5, seed=seed
    )
    busy = simulate_bg_nbd(
        [52.0] * 600,
        r=0.8,
        alpha=8.0 * np.exp(-0.7),
        a=0.6,
        b=2.5,
        seed=seed + 1,
    )
    columns = tuple(
        np.concatenate([getattr(base, k), getattr(busy, k)])
        for k in ("frequency", "recency", "T")
    )
    return (columns[0], columns[1], columns[2]), [0.0] * 600 + [1.0] * 600


@pytest.fixture(scope="module")
def apparel(
    clvtools_data: Path,
) -> tuple[tuple[FloatArray, FloatArray, FloatArray], dict[str, list[float]]]:
    """The apparel summary with a 104-week calibration, and covariates."""
    return apparel_summary(clvtools_data, 104)


@pytest.fixture(scope="module")
def apparel_fit(
    apparel: tuple[
        tuple[FloatArray, FloatArray, FloatArray], dict[str, list[float]]
    ],
) -> ParetoNbdFit:
    """Pareto/NBD with gender and channel on both processes."""
    columns, cov = apparel
    return fit_pareto_nbd(
        *columns, purchase_covariates=cov, dropout_covariates=cov
    )


def _clvtools(clvtools_data: Path) -> dict[str, dict[str, float]]:
    path = clvtools_data / "apparel104_pnbd_static_fit.json"
    fit = json.loads(path.read_text(encoding="utf-8"))["fits"]
    result: dict[str, dict[str, float]] = fit["apparel104_pnbd_static"]
    return result


def test_apparel_summary_is_clvtools(
    clvtools_data: Path,
    apparel: tuple[
        tuple[FloatArray, FloatArray, FloatArray], dict[str, list[float]]
    ],
) -> None:
    """Our weekly summary of the apparel log is CLVTools' x, t.x, T.cal."""
    columns, _ = apparel
    path = clvtools_data / "apparel104_pnbd_static_predictions.csv"
    expected = read_columns(path, "x", "t.x", "T.cal")
    for ours, theirs in zip(columns, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, atol=1e-9)


def test_apparel_pareto_nbd_reproduces_clvtools(
    clvtools_data: Path, apparel_fit: ParetoNbdFit
) -> None:
    """Log-likelihood to 0.01, coefficients to 3 digits, SEs to 1 %."""
    reference = _clvtools(clvtools_data)
    coefficients = reference["coefficients"]
    errors = reference["std.errors"]
    effects = apparel_fit.covariates
    assert effects is not None
    assert apparel_fit.log_likelihood == pytest.approx(CLVTOOLS_LL, abs=0.01)
    # Ours is a shade higher: CLVTools' optimiser stops 6e-6 short.
    assert apparel_fit.log_likelihood >= CLVTOOLS_LL
    for name in ("r", "alpha", "s", "beta"):
        assert apparel_fit.params[name] == pytest.approx(
            coefficients[name], rel=2e-3
        )
        assert apparel_fit.standard_errors[name] == pytest.approx(
            errors[name], rel=1e-2
        )
    for process, prefix in (("purchase", "trans"), ("dropout", "life")):
        for name in ("Gender", "Channel"):
            key = f"{prefix}.{name}"
            assert getattr(effects, process)[name] == pytest.approx(
                coefficients[key], rel=2e-3
            )
            assert getattr(effects, f"{process}_standard_errors")[
                name
            ] == pytest.approx(errors[key], rel=1e-2)


def _with_clvtools_parameters(
    fit: ParetoNbdFit, clvtools_data: Path
) -> ParetoNbdFit:
    coefficients = _clvtools(clvtools_data)["coefficients"]
    fields = fit.model_dump()
    fields.update({k: coefficients[k] for k in ("r", "alpha", "s", "beta")})
    for process, prefix in (("purchase", "trans"), ("dropout", "life")):
        fields["covariates"][process] = {
            name: coefficients[f"{prefix}.{name}"]
            for name in ("Gender", "Channel")
        }
    return ParetoNbdFit.model_validate(fields)


def test_apparel_predictions_match_clvtools(
    clvtools_data: Path,
    apparel: tuple[
        tuple[FloatArray, FloatArray, FloatArray], dict[str, list[float]]
    ],
    apparel_fit: ParetoNbdFit,
) -> None:
    """P(alive) and CET per customer: exact at CLVTools' parameters."""
    columns, cov = apparel
    path = clvtools_data / "apparel104_pnbd_static_predictions.csv"
    alive, cet, horizon = read_columns(path, "PAlive", "CET", "period.length")
    given = _with_clvtools_parameters(apparel_fit, clvtools_data)
    for fit, tolerance in ((given, 1e-9), (apparel_fit, 5e-3)):
        ours_alive = fit.probability_alive(
            *columns, purchase_covariates=cov, dropout_covariates=cov
        )
        ours_cet = fit.conditional_expected_purchases(
            horizon, *columns, purchase_covariates=cov, dropout_covariates=cov
        )
        np.testing.assert_allclose(ours_alive, alive, rtol=tolerance)
        np.testing.assert_allclose(ours_cet, cet, rtol=tolerance)


def test_apparel_40_weeks_is_not_identified(clvtools_data: Path) -> None:
    """Unpenalised, a coefficient runs off; a light penalty reaches -2589.2."""
    columns, cov = apparel_summary(clvtools_data, 40)
    with pytest.raises(ConvergenceError, match="small penalty="):
        fit_pareto_nbd(
            *columns, purchase_covariates=cov, dropout_covariates=cov
        )
    fit = fit_pareto_nbd(
        *columns,
        purchase_covariates=cov,
        dropout_covariates=cov,
        penalty=1e-3,
    )
    assert fit.log_likelihood >= CLVTOOLS_40_WEEKS_BEST - 0.1
    assert fit.covariates is not None
    # The standard errors show the ridge: the channel's dropout effect is
    # a few units with an error larger than itself.
    assert fit.covariates.dropout_standard_errors["Channel"] > 1.0


@pytest.mark.parametrize(
    ("fitter", "fit_class"),
    [(fit_bg_nbd, BgNbdFit), (fit_pareto_nbd, ParetoNbdFit)],
    ids=["BG/NBD", "Pareto/NBD"],
)
def test_fit_recovers_a_purchase_effect(
    fitter: object, fit_class: type[BgNbdFit | ParetoNbdFit]
) -> None:
    """Two simulated groups: the coefficient is about log of the rate ratio.

    And the fit round-trips through JSON with its coefficients.
    """
    columns, group = _two_groups()
    assert callable(fitter)
    fit = fitter(*columns, purchase_covariates={"busy": group})
    assert isinstance(fit, fit_class)
    effects = fit.covariates
    assert effects is not None
    assert effects.dropout == {}
    estimate = effects.purchase["busy"]
    error = effects.purchase_standard_errors["busy"]
    assert abs(estimate - 0.7) < 3 * error
    assert 0 < error < 0.2
    assert fit_class.model_validate_json(fit.model_dump_json()) == fit
    plain = fitter(*columns)
    assert fit.log_likelihood > plain.log_likelihood


def test_plain_fits_do_not_change() -> None:
    """Without covariates, the record has no covariates key in JSON."""
    columns, _ = _two_groups()
    fit = fit_bg_nbd(*columns)
    assert fit.covariates is None
    assert "covariates" not in json.loads(fit.model_dump_json())
    assert BgNbdFit.model_validate_json(fit.model_dump_json()) == fit


def test_equal_coefficients_share_one_estimate(
    apparel: tuple[
        tuple[FloatArray, FloatArray, FloatArray], dict[str, list[float]]
    ],
    apparel_fit: ParetoNbdFit,
) -> None:
    """A constrained covariate has one value on both processes."""
    columns, cov = apparel
    fit = fit_pareto_nbd(
        *columns,
        purchase_covariates=cov,
        dropout_covariates=cov,
        equal_coefficients=["Channel"],
    )
    effects = fit.covariates
    assert effects is not None
    assert effects.equal == ("Channel",)
    assert effects.purchase["Channel"] == effects.dropout["Channel"]
    assert (
        effects.purchase_standard_errors["Channel"]
        == effects.dropout_standard_errors["Channel"]
    )
    assert fit.log_likelihood <= apparel_fit.log_likelihood + 1e-6
    assert ParetoNbdFit.model_validate_json(fit.model_dump_json()) == fit


def test_penalty_shrinks_the_coefficients() -> None:
    """A larger L2 penalty: smaller coefficients, lower log-likelihood."""
    columns, group = _two_groups()
    fits = [
        fit_bg_nbd(*columns, purchase_covariates={"busy": group}, penalty=p)
        for p in (0.0, 10.0, 100.0)
    ]
    sizes = [abs(f.covariates.purchase["busy"]) for f in fits if f.covariates]
    assert sizes[0] > sizes[1] > sizes[2]
    lls = [f.log_likelihood for f in fits]
    assert lls[0] > lls[1] > lls[2]
    assert all(f.covariates and f.covariates.penalty > 0 for f in fits[1:])


@pytest.mark.parametrize("model", ["Pareto/NBD", "BG/NBD"])
def test_gradient_is_the_likelihood_slope(model: str) -> None:
    """The analytic gradient (penalty, equal constraint) matches a slope."""
    columns, group = _two_groups()
    z = np.column_stack([group, np.linspace(-1, 1, len(group))])
    layout = _layout({"purchase": ("g", "u"), "dropout": ("g",)}, equal=("g",))
    rows, covariates = _compress(
        (*columns, np.ones(columns[0].size)),
        {"purchase": z, "dropout": z[:, :1]},
    )
    likelihood = _Likelihood(model, rows, covariates, layout, 0.3)
    theta = np.array([0.9, 7.0, 0.7, 2.0, 1.3, 0.8])
    _, gradient = likelihood(theta)
    for i in range(theta.size):
        step = np.zeros(theta.size)
        step[i] = 1e-6 * theta[i]
        slope = (likelihood(theta + step)[0] - likelihood(theta - step)[0]) / (
            2 * step[i]
        )
        assert gradient[i] == pytest.approx(slope, rel=1e-5, abs=1e-4)


@pytest.mark.parametrize(
    "fitter", [fit_bg_nbd, fit_pareto_nbd], ids=["BG/NBD", "Pareto/NBD"]
)
def test_predictions_by_customer_and_at_covariates(
    fitter: Callable[..., BgNbdFit | ParetoNbdFit],
) -> None:
    """Per-customer predictions equal the segment model's predictions."""
    columns, group = _two_groups()
    fit = fitter(
        *columns,
        purchase_covariates={"busy": group},
        dropout_covariates={"busy": group},
    )
    busy = at_covariates(fit, purchase={"busy": 1}, dropout={"busy": 1})
    assert busy.covariates is None
    rows = slice(600, 605)
    history = tuple(c[rows] for c in columns)
    cov = {"busy": group[rows]}
    np.testing.assert_allclose(
        fit.probability_alive(
            *history, purchase_covariates=cov, dropout_covariates=cov
        ),
        busy.probability_alive(*history),
    )
    np.testing.assert_allclose(
        fit.conditional_expected_purchases(
            10, *history, purchase_covariates=cov, dropout_covariates=cov
        ),
        busy.conditional_expected_purchases(10, *history),
    )


def test_dataframes_are_read_by_name() -> None:
    """A pandas or polars frame gives the fit of the same mapping."""
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    columns, group = _two_groups()
    expected = fit_bg_nbd(*columns, purchase_covariates={"busy": group})
    for frame in (
        pandas.DataFrame({"busy": group}),
        polars.DataFrame({"busy": group}),
    ):
        assert fit_bg_nbd(*columns, purchase_covariates=frame) == expected


def test_dataframes_need_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without narwhals, only mappings are read; the error says so."""
    monkeypatch.setitem(sys.modules, "narwhals", None)
    columns, _ = _two_groups()
    with pytest.raises(ArgumentTypeError, match=r"\[dataframe\] extra"):
        fit_bg_nbd(*columns, purchase_covariates=object())  # type: ignore[arg-type]


def test_starts_without_a_plain_fit() -> None:
    """When the plain model does not converge, generic starts are used."""
    columns, group = _two_groups()

    def failing(*_: object, **__: object) -> BgNbdFit:
        msg = "no"
        raise ConvergenceError(msg)

    fit = fit_with_covariates(
        BgNbdFit,
        failing,
        *columns,
        weights=None,
        purchase_covariates={"busy": group},
        dropout_covariates=None,
        penalty=0.0,
        equal_coefficients=(),
        boundaries=(),
    )
    assert fit.covariates is not None
    assert fit.diagnostics.starts_tried >= 1


_N = 1200
_BAD_FITS = [
    ({"purchase_covariates": {"g": [1.0, 2.0]}}, DataError, "one value per"),
    (
        {"purchase_covariates": {"g": [float("nan")] * _N}},
        DataError,
        "finite",
    ),
    ({"dropout_covariates": {"g": [3.0] * _N}}, DataError, "same for every"),
    (
        {"purchase_covariates": {"g": list(range(_N))}, "penalty": -1.0},
        DataError,
        "penalty",
    ),
    (
        {
            "purchase_covariates": {"g": list(range(_N))},
            "equal_coefficients": ["g"],
        },
        DataError,
        "both processes",
    ),
    (
        {
            "purchase_covariates": {"g": list(range(_N))},
            "equal_coefficients": "g",
        },
        ArgumentTypeError,
        "sequence of covariate names",
    ),
    ({"purchase_covariates": 3}, ArgumentTypeError, "mapping"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    _BAD_FITS,
    ids=["length", "nan", "constant", "penalty", "equal", "str", "type"],
)
def test_bad_covariates_are_refused(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    """Each malformed covariate input raises with a message."""
    columns, _ = _two_groups()
    with pytest.raises(error, match=message):
        fit_pareto_nbd(*columns, **kwargs)  # type: ignore[arg-type]


def test_bad_prediction_covariates_are_refused() -> None:
    """Predictions ask for the fitted covariates, and only those."""
    columns, group = _two_groups()
    fit = fit_bg_nbd(*columns, purchase_covariates={"busy": group})
    plain = BgNbdFit.from_parameters(r=1, alpha=2, a=1, b=2)
    with pytest.raises(DataError, match="no covariates"):
        plain.probability_alive(1, 2, 3, purchase_covariates={"busy": [1]})
    with pytest.raises(DataError, match="pass purchase_covariates"):
        fit.probability_alive(1, 2, 3)
    with pytest.raises(DataError, match="no dropout covariates"):
        fit.probability_alive(
            1,
            2,
            3,
            purchase_covariates={"busy": [1]},
            dropout_covariates={"busy": [1]},
        )
    with pytest.raises(DataError, match="lacks the fitted"):
        fit.probability_alive(1, 2, 3, purchase_covariates={"vip": [1]})
    with pytest.raises(DataError, match="needs a fit with covariates"):
        at_covariates(plain)
    with pytest.raises(ArgumentTypeError, match="ParetoNbdFit or BgNbdFit"):
        at_covariates(3)  # type: ignore[arg-type]


def _effects(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "purchase": {"g": 0.5},
        "dropout": {"g": 0.5},
        "purchase_standard_errors": {"g": 0.1},
        "dropout_standard_errors": {"g": 0.1},
        "equal": ("g",),
        "names": ("purchase:g", "dropout:g"),
        "covariance": ((0.01, 0.01), (0.01, 0.01)),
    }
    return {**fields, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"purchase_standard_errors": {}}, "must have the keys"),
        ({"dropout": {"g": 0.4}}, "constrained equal"),
        ({"covariance": ((0.01,),)}, "2x2 matrix"),
    ],
    ids=["errors", "equal", "covariance"],
)
def test_covariate_effects_are_checked(
    changes: dict[str, object], message: str
) -> None:
    """The record refuses inconsistent coefficients and covariances."""
    assert CovariateEffects.model_validate(_effects()).equal == ("g",)
    with pytest.raises(ValueError, match=message):
        CovariateEffects.model_validate(_effects(**changes))
