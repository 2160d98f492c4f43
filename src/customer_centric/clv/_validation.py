"""Holdout validation and comparison of fitted purchase models.

A model fitted on a calibration period is judged on the period that
follows: how many repeat purchases it predicts for the holdout, customer by
customer and in total, against what the customers actually did
(:func:`validate_holdout`), the mean holdout purchases by calibration
frequency (Fader, Hardie & Lee 2005, Figure 4, lifetimes' "calibration
versus holdout purchases"), and the period-by-period tracking of repeat
purchases (FHL 2005, Figure 3). Fits are compared by AIC and BIC
(:func:`information_criteria`) and, when one model nests another, by a
likelihood-ratio test (:func:`likelihood_ratio_test`). Fits with
covariates predict at each customer's own covariates: time-invariant ones
given by name, time-varying ones as the customers' covariate paths.

The calibration and holdout split itself is
:func:`customer_centric.value.rfm_calibration_holdout`.

.. versionadded:: 0.2
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Final, TypeAlias, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    MAX_VALUE,
    FloatArray,
    PurchaseModel,
    as_counts,
    check_model,
    read_only,
    real_number,
    weighted_rows,
)
from customer_centric._checks import check_instance, check_items
from customer_centric._display import (
    Table,
    number,
    tables_html,
    tables_markdown,
)
from customer_centric._extras import defer_import
from customer_centric._frozen import FrozenDict
from customer_centric.clv._bg_nbd import BgNbdFit
from customer_centric.clv._covariate_records import (
    PROCESSES,
    CovariateEffects,
    Process,
    n_estimates,
)
from customer_centric.clv._covariates import (
    Covariates,
    _read_table,
    at_covariates,
)
from customer_centric.clv._dyncov_paths import CovariatePaths
from customer_centric.clv._gamma_gamma import GammaGammaFit
from customer_centric.clv._ggom_nbd import GgomNbdFit
from customer_centric.clv._pareto_nbd import ParetoNbdFit
from customer_centric.clv._pnbd_dyncov import ParetoNbdDynamicFit
from customer_centric.clv._records import FittedModel
from customer_centric.clv._rfm import compress
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.value import (
    CalibrationHoldout,
    Transaction,
    days_per_unit,
)

Model: TypeAlias = PurchaseModel | ParetoNbdDynamicFit
"""A model :func:`validate_holdout` compares."""
_CovariateFit: TypeAlias = ParetoNbdFit | BgNbdFit | GgomNbdFit

if TYPE_CHECKING:
    from scipy import special

    from customer_centric.clv._rfm import CompressedRFM
else:
    special = defer_import("scipy.special")

__all__ = [
    "DEFAULT_MAX_FREQUENCY",
    "HoldoutByFrequency",
    "HoldoutValidation",
    "InformationCriteria",
    "LikelihoodRatioTest",
    "ModelValidation",
    "PurchaseTracking",
    "SpendValidation",
    "information_criteria",
    "likelihood_ratio_test",
    "validate_holdout",
]

DEFAULT_MAX_FREQUENCY: Final = 7
"""Calibration frequencies of 7 or more share one bin (FHL 2005, Figure 4).

.. versionadded:: 0.2
"""
_MAX_BINS: Final = 10_000
_MAX_PERIODS: Final = 100_000
"""Most periods a tracking table may have (weekly over 1,900 years)."""
_MAX_SHOWN: Final = 5
_LIKELIHOOD_TOLERANCE: Final = 1e-6
"""Relative shortfall of the general model's log-likelihood taken as 0."""


# --------------------------------------------------------------------------
# Information criteria and the likelihood-ratio test
# --------------------------------------------------------------------------


@final
@attrs.frozen(kw_only=True)
class InformationCriteria:
    """AIC and BIC of a fit, from its summed log-likelihood.

    ``AIC = 2k - 2 LL`` (Akaike 1974) and ``BIC = k ln(n) - 2 LL``
    (Schwarz 1978), with ``k`` the number of estimates (the model's
    parameters and its covariate coefficients) and ``n`` the number of
    customers, the unit of observation of these models (as CLVTools
    counts it). Lower is better; only fits on the same customers
    compare.

    Attributes:
        log_likelihood: The fit's summed log-likelihood.
        n_parameters: Its number of estimates ``k``: parameters and
            covariate coefficients (a coefficient constrained equal on
            both processes counts once; for a penalised fit this nominal
            count is an upper bound of its effective degrees of freedom).
        n_customers: The customers it was fitted on ``n``.
        aic: Akaike's information criterion.
        bic: Schwarz's Bayesian information criterion.

    Examples:
        See :func:`information_criteria`.

    .. versionadded:: 0.2
    """

    log_likelihood: float
    n_parameters: int
    n_customers: float
    aic: float
    bic: float


def _fitted(fit: object, /, *, name: str) -> FittedModel:
    """``fit`` if it is a fitted record with a log-likelihood, else raise."""
    model = check_instance(
        fit, FittedModel, name=name, what="a fitted model (e.g. BgNbdFit)"
    )
    if not math.isfinite(model.log_likelihood) or model.n_customers <= 0:
        msg = (
            f"{name} has no log-likelihood (log_likelihood="
            f"{model.log_likelihood!r}, n_customers={model.n_customers!r}): "
            "it was built from parameters, not fitted; fit it on the "
            "calibration summary first"
        )
        raise DataError(msg)
    return model


def _penalty(fit: FittedModel, /) -> float:
    """The L2 penalty the fit's coefficients were estimated under, or 0."""
    effects = getattr(fit, "covariates", None)
    return effects.penalty if isinstance(effects, CovariateEffects) else 0.0


def information_criteria(fit: FittedModel, /) -> InformationCriteria:
    """AIC and BIC of a fitted model.

    Args:
        fit: A fitted model (any :class:`FittedModel`).

    Returns:
        The criteria, with the numbers they come from.

    Raises:
        ArgumentTypeError: ``fit`` is not a fitted model record.
        DataError: ``fit`` was built from parameters, so it has no
            log-likelihood.

    Examples:
        BG/NBD on CDNOW (FHL 2005: four parameters, log-likelihood
        -9582.4, 2,357 customers):

        >>> from customer_centric.clv import (
        ...     fit_bg_nbd, information_criteria, simulate_bg_nbd)
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 500, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7)
        >>> fit = fit_bg_nbd(sim.frequency, sim.recency, sim.T)
        >>> ic = information_criteria(fit)
        >>> ic.n_parameters, ic.n_customers
        (4, 500.0)
        >>> round(ic.aic - (8 - 2 * fit.log_likelihood), 9)
        0.0

    .. versionadded:: 0.2
    """
    model = _fitted(fit, name="fit")
    k = n_estimates(model)
    ll = float(model.log_likelihood)
    n = float(model.n_customers)
    return InformationCriteria(
        log_likelihood=ll,
        n_parameters=k,
        n_customers=n,
        aic=2.0 * k - 2.0 * ll,
        bic=k * math.log(n) - 2.0 * ll,
    )


@final
@attrs.frozen(kw_only=True)
class LikelihoodRatioTest:
    """A likelihood-ratio test of a restricted model against a general one.

    Attributes:
        statistic: ``2 (LL_general - LL_restricted)`` (at least 0).
        df: Parameters the general model adds.
        p_value: The probability of a statistic at least this large if the
            restricted model is true.
        boundary: Whether the restriction puts one parameter on the edge of
            its space (see :func:`likelihood_ratio_test`).
        restricted_log_likelihood: The restricted fit's log-likelihood.
        general_log_likelihood: The general fit's log-likelihood.

    Examples:
        See :func:`likelihood_ratio_test`.

    .. versionadded:: 0.2
    """

    statistic: float
    df: int
    p_value: float
    boundary: bool
    restricted_log_likelihood: float
    general_log_likelihood: float


def likelihood_ratio_test(
    restricted: FittedModel,
    general: FittedModel,
    /,
    *,
    boundary: bool = False,
) -> LikelihoodRatioTest:
    """Test a restricted model against the general model that nests it.

    The statistic ``2 (LL_general - LL_restricted)`` is referred to a
    chi-squared distribution with as many degrees of freedom as the
    general model has extra estimates, parameters and covariate
    coefficients (Wilks 1938), which assumes the
    restricted model sits inside the general model's parameter space.

    When the restriction puts a parameter on the **edge** of its space
    (NBD inside BG/NBD or Pareto/NBD: no dropout is a dropout probability
    or rate of 0, which the general model reaches only at its boundary),
    Wilks' result fails; with ``boundary=True`` the p-value is that of
    Self & Liang (1987, *JASA* 82(398), 605-610) for one parameter on the
    boundary and the others interior: a 50:50 mixture of chi-squared with
    ``df - 1`` and ``df`` degrees of freedom (for ``df = 1``, of a point
    mass at 0, χ²₀, and χ²₁), which halves the tail probability of a single
    restriction. Where a parameter of the general model is not identified
    under the restriction (BG/NBD's ``b`` once ``a`` reaches 0) neither
    reference is exact; with the large statistics of real customer bases
    both give p-values near 0.

    Args:
        restricted: The fit of the nested (simpler) model.
        general: The fit of the general model, on the same customers.
        boundary: Whether one restricted parameter is on the boundary.

    Returns:
        The statistic, degrees of freedom and p-value.

    Raises:
        ArgumentTypeError: A fit is not a fitted model record.
        DataError: A fit has no log-likelihood or was penalised, the fits
            count different customers, the general model does not have
            more estimates, or its log-likelihood is below the restricted
            one (the models are not nested, or a fit stopped short).

    Examples:
        NBD (BG/NBD with no dropout: ``a`` at 0) against BG/NBD on CDNOW,
        with the log-likelihoods of the CLV guide's fits; a record class
        stands in for the NBD fit, which the package does not ship:

        >>> from typing import ClassVar
        >>> from customer_centric.clv import (
        ...     BgNbdFit, FittedModel, likelihood_ratio_test)
        >>> class NbdFit(FittedModel):
        ...     parameter_names: ClassVar[tuple[str, ...]] = ("r", "alpha")
        ...     r: float
        ...     alpha: float
        >>> given = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> bg = BgNbdFit.model_validate({
        ...     **given.model_dump(), "log_likelihood": -9582.43,
        ...     "n_customers": 2357.0})
        >>> nbd = NbdFit(
        ...     r=0.385, alpha=12.07, log_likelihood=-9763.66,
        ...     n_customers=2357.0, diagnostics=bg.diagnostics,
        ...     standard_errors={"r": 0.02, "alpha": 0.8},
        ...     covariance=((4e-4, 0.0), (0.0, 0.64)))
        >>> test = likelihood_ratio_test(nbd, bg, boundary=True)
        >>> round(test.statistic, 2), test.df, test.p_value < 1e-70
        (362.46, 2, True)

    .. versionadded:: 0.2
    """
    check_instance(boundary, bool, name="boundary")
    small = _fitted(restricted, name="restricted")
    large = _fitted(general, name="general")
    if small.n_customers != large.n_customers:
        msg = (
            f"the fits count different customers (restricted "
            f"{small.n_customers!r}, general {large.n_customers!r}); fit "
            "both models on the same calibration summary"
        )
        raise DataError(msg)
    for name, fit in (("restricted", small), ("general", large)):
        if _penalty(fit) > 0:
            msg = (
                f"{name} was fitted with an L2 penalty on its coefficients "
                f"(penalty={_penalty(fit)!r}), so its likelihood "
                "is not at its maximum and Wilks' chi-squared does not "
                "apply; refit it with penalty=0 to test it"
            )
            raise DataError(msg)
    df = n_estimates(large) - n_estimates(small)
    if df < 1:
        msg = (
            f"the general model must have more estimates (parameters and "
            f"covariate coefficients) than the restricted one, got "
            f"{n_estimates(large)} ({type(large).__name__}) and "
            f"{n_estimates(small)} ({type(small).__name__}); pass the "
            "simpler model first"
        )
        raise DataError(msg)
    difference = large.log_likelihood - small.log_likelihood
    slack = _LIKELIHOOD_TOLERANCE * max(1.0, abs(small.log_likelihood))
    if difference < -slack:
        msg = (
            f"the general model's log-likelihood {large.log_likelihood!r} "
            f"is below the restricted model's {small.log_likelihood!r}: "
            "the models are not nested, were fitted on different data, or "
            "the general fit stopped short of its maximum; check the fits"
        )
        raise DataError(msg)
    statistic = max(2.0 * difference, 0.0)
    tail = float(special.chdtrc(df, statistic))
    if boundary:
        lower = (
            float(special.chdtrc(df - 1, statistic))
            if df > 1
            else float(statistic == 0.0)
        )
        tail = 0.5 * lower + 0.5 * tail
    return LikelihoodRatioTest(
        statistic=statistic,
        df=df,
        p_value=tail,
        boundary=boundary,
        restricted_log_likelihood=float(small.log_likelihood),
        general_log_likelihood=float(large.log_likelihood),
    )


# --------------------------------------------------------------------------
# The validation report
# --------------------------------------------------------------------------


@final
@attrs.frozen(kw_only=True, eq=False)
class ModelValidation:
    """How one model's holdout predictions compare with what happened.

    Errors are ``predicted - actual`` per customer, in holdout repeat
    purchases.

    Attributes:
        name: The model's name, as given to :func:`validate_holdout`.
        predicted: Expected holdout purchases per customer, given the
            calibration history (aligned with the split's customers).
        predicted_total: Their sum, the model's aggregate prediction.
        actual_total: The customers' actual holdout purchases.
        mae: Mean absolute error per customer.
        rmse: Root mean squared error per customer.
        bias: Mean error per customer (``mean(predicted) -
            mean(actual)``; negative when the model under-predicts).
        criteria: AIC and BIC, or ``None`` for a model built from
            parameters (no log-likelihood).

    Examples:
        See :func:`validate_holdout`.

    .. versionadded:: 0.2
    """

    name: str
    predicted: FloatArray = attrs.field(converter=read_only)
    predicted_total: float
    actual_total: float
    mae: float
    rmse: float
    bias: float
    criteria: InformationCriteria | None


@final
@attrs.frozen(kw_only=True, eq=False)
class SpendValidation:
    """How one model's predicted holdout spend compares with the actual.

    A purchase model's expected holdout purchases times the spend model's
    expected spend per purchase (Fader, Hardie & Lee 2005, *JMR* 42(4),
    equation (4): ``E(M | x, zbar)``, the population mean for a customer
    with no repeat purchase), per customer; errors are ``predicted -
    actual`` in the currency, as floats.

    Attributes:
        name: The purchase model's name, as given to
            :func:`validate_holdout`.
        predicted: Expected holdout spend per customer (aligned with the
            split's customers).
        predicted_total: Their sum, the aggregate prediction.
        actual_total: The customers' actual holdout spend.
        mae: Mean absolute error per customer.
        rmse: Root mean squared error per customer.
        bias: Mean error per customer (negative when the model
            under-predicts).

    Examples:
        See :func:`validate_holdout`.

    .. versionadded:: 0.2
    """

    name: str
    predicted: FloatArray = attrs.field(converter=read_only)
    predicted_total: float
    actual_total: float
    mae: float
    rmse: float
    bias: float


@final
@attrs.frozen(kw_only=True)
class HoldoutByFrequency:
    """Mean holdout purchases by calibration frequency, actual and predicted.

    Lifetimes' "calibration versus holdout purchases" table and FHL 2005's
    Figure 4 (conditional expectations): customers are grouped by their
    calibration repeat purchases, the last bin gathering ``max_frequency``
    or more; bins with no customer are left out.

    Attributes:
        frequency: The bins' calibration frequencies (the last may stand
            for ``max_frequency`` or more).
        max_frequency: The first frequency gathered into the last bin.
        customers: Customers in each bin.
        actual: Mean actual holdout purchases in each bin.
        predicted: Mean predicted holdout purchases in each bin, by model.

    Examples:
        See :func:`validate_holdout`.

    .. versionadded:: 0.2
    """

    frequency: tuple[int, ...]
    max_frequency: int
    customers: tuple[int, ...]
    actual: tuple[float, ...]
    predicted: FrozenDict[str, tuple[float, ...]]

    def labels(self) -> tuple[str, ...]:
        """The bins as text, ``"7+"`` for the gathered one.

        Examples:
            >>> from customer_centric._frozen import FrozenDict
            >>> from customer_centric.clv import HoldoutByFrequency
            >>> HoldoutByFrequency(
            ...     frequency=(0, 2), max_frequency=2, customers=(3, 1),
            ...     actual=(0.3, 4.0), predicted=FrozenDict({})).labels()
            ('0', '2+')
        """
        return tuple(
            f"{k}+" if k == self.max_frequency else str(k)
            for k in self.frequency
        )


@final
@attrs.frozen(kw_only=True, eq=False)
class PurchaseTracking:
    """Repeat purchases per period, actual and expected by each model.

    The Fader-Hardie tracking table (FHL 2005, Figure 3): time runs on one
    calendar from the start of the first period, every customer is "born"
    at their first purchase, and a model's expected repeat purchases by
    calendar time ``tau`` are ``sum_i E[X(tau - b_i)]`` over the customers
    born by then (the expected purchases of a new customer, unconditional
    on the history). The periods are whole ``period``-long steps ending at
    the calibration end; the last holdout period may be shorter.

    Attributes:
        times: The end of each period, in the split's time unit from the
            start of the first period.
        calibration_end: The calibration end on that scale.
        actual: Actual repeat purchases in each period.
        expected: Each model's expected repeat purchases in each period.

    Examples:
        See :func:`validate_holdout`.

    .. versionadded:: 0.2
    """

    times: FloatArray = attrs.field(converter=read_only)
    calibration_end: float
    actual: FloatArray = attrs.field(converter=read_only)
    expected: FrozenDict[str, FloatArray]

    @property
    def actual_cumulative(self) -> FloatArray:
        """Actual repeat purchases up to the end of each period."""
        return read_only(np.cumsum(self.actual))

    def expected_cumulative(self, name: str, /) -> FloatArray:
        """Model ``name``'s expected repeat purchases up to each period end.

        Raises:
            InvariantError: No model has that name.
        """
        if name not in self.expected:
            msg = (
                f"no model named {name!r}; the tracked models are "
                f"{sorted(self.expected)!r}"
            )
            raise InvariantError(msg)
        return read_only(np.cumsum(self.expected[name]))


@final
@attrs.frozen(kw_only=True, eq=False)
class HoldoutValidation:
    """Every model's holdout predictions against one calibration split.

    Attributes:
        customer_ids: The calibration customers, in the split's order.
        actual: Actual holdout purchases per customer.
        duration: The holdout's length, in the split's time unit.
        models: One :class:`ModelValidation` per model, in the order given.
        by_frequency: Mean holdout purchases by calibration frequency.
        tracking: Period-by-period repeat purchases, or ``None`` when no
            transactions were given.
        actual_spend: Actual holdout spend per customer (the amounts of
            their holdout purchase days), or ``None`` without a spend model.
        spend: One :class:`SpendValidation` per purchase model when a
            spend model was given, else empty.

    Examples:
        See :func:`validate_holdout`.

    .. versionadded:: 0.2
    """

    customer_ids: tuple[str, ...]
    actual: FloatArray = attrs.field(converter=read_only)
    duration: float
    models: tuple[ModelValidation, ...]
    by_frequency: HoldoutByFrequency
    tracking: PurchaseTracking | None
    actual_spend: FloatArray | None = attrs.field(
        default=None, converter=attrs.converters.optional(read_only)
    )
    spend: tuple[SpendValidation, ...] = ()

    def __getitem__(self, name: str, /) -> ModelValidation:
        """The validation of the model called ``name``.

        Raises:
            InvariantError: No model has that name.
        """
        for model in self.models:
            if model.name == name:
                return model
        msg = (
            f"no model named {name!r}; the validated models are "
            f"{[m.name for m in self.models]!r}"
        )
        raise InvariantError(msg)

    def __repr__(self) -> str:
        """One line: customers, holdout length, each model's total."""
        totals = ", ".join(
            f"{m.name}={m.predicted_total:,.1f}" for m in self.models
        )
        actual = float(self.actual.sum())
        return (
            f"HoldoutValidation(customers={len(self.customer_ids):,}, "
            f"duration={number(self.duration)}, actual={actual:,.0f}, "
            f"predicted: {totals})"
        )

    def _tables(self) -> tuple[Table, ...]:
        models = Table(
            f"Holdout validation: {len(self.customer_ids):,} customers, "
            f"holdout of {number(self.duration)} time units",
            [
                (
                    row["model"],
                    number(_float(row["predicted"]), digits=6),
                    number(_float(row["actual"]), digits=6),
                    number(_float(row["mae"])),
                    number(_float(row["rmse"])),
                    number(_float(row["bias"])),
                    number(_float(row["aic"]), digits=6),
                    number(_float(row["bic"]), digits=6),
                )
                for row in self.to_rows()
            ],
            header=(
                "model",
                "predicted purchases",
                "actual purchases",
                "MAE",
                "RMSE",
                "bias",
                "AIC",
                "BIC",
            ),
        )
        bins = self.by_frequency
        names = [m.name for m in self.models]
        by_frequency = Table(
            "Mean holdout purchases by calibration repeat purchases",
            [
                (
                    label,
                    customers,
                    number(actual),
                    *(number(bins.predicted[name][i]) for name in names),
                )
                for i, (label, customers, actual) in enumerate(
                    zip(
                        bins.labels(), bins.customers, bins.actual, strict=True
                    )
                )
            ],
            header=(
                "repeat purchases",
                "customers",
                "actual",
                *(f"{name} predicted" for name in names),
            ),
        )
        if not self.spend:
            return models, by_frequency
        spend = Table(
            "Holdout spend: purchase model x spend model",
            [
                (
                    row["model"],
                    number(_float(row["predicted"]), digits=6),
                    number(_float(row["actual"]), digits=6),
                    number(_float(row["mae"])),
                    number(_float(row["rmse"])),
                    number(_float(row["bias"])),
                )
                for row in self.spend_rows()
            ],
            header=(
                "model",
                "predicted spend",
                "actual spend",
                "MAE",
                "RMSE",
                "bias",
            ),
        )
        return models, spend, by_frequency

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())

    def to_rows(self) -> list[dict[str, str | int | float | None]]:
        """One row per model: predictions, errors and information criteria.

        The keys are ``model``, ``predicted``, ``actual``, ``mae``,
        ``rmse``, ``bias``, ``n_parameters``, ``log_likelihood``, ``aic``
        and ``bic`` (the last four ``None`` for a model built from
        parameters); ready for a dataframe or a CSV writer.
        """
        rows: list[dict[str, str | int | float | None]] = []
        for model in self.models:
            ic = model.criteria
            rows.append(
                {
                    "model": model.name,
                    "predicted": model.predicted_total,
                    "actual": model.actual_total,
                    "mae": model.mae,
                    "rmse": model.rmse,
                    "bias": model.bias,
                    "n_parameters": None if ic is None else ic.n_parameters,
                    "log_likelihood": None
                    if ic is None
                    else ic.log_likelihood,
                    "aic": None if ic is None else ic.aic,
                    "bic": None if ic is None else ic.bic,
                }
            )
        return rows

    def spend_rows(self) -> list[dict[str, str | float]]:
        """One row per model: predicted and actual holdout spend, errors.

        The keys are ``model``, ``predicted``, ``actual``, ``mae``,
        ``rmse`` and ``bias``; empty when no spend model was given.

        .. versionadded:: 0.2
        """
        return [
            {
                "model": s.name,
                "predicted": s.predicted_total,
                "actual": s.actual_total,
                "mae": s.mae,
                "rmse": s.rmse,
                "bias": s.bias,
            }
            for s in self.spend
        ]


def _float(value: str | float | None) -> float | None:
    """A report cell as a float for display (``None`` stays absent)."""
    return None if value is None else float(value)


def _check_models(models: object, /) -> dict[str, Model]:
    if not isinstance(models, Mapping):
        raise ArgumentTypeError.for_argument(
            "models",
            models,
            "a mapping of names to fitted models, e.g. {'BG/NBD': fit}",
        )
    if not models:
        msg = "models is empty; pass at least one fitted model by name"
        raise DataError(msg)
    checked: dict[str, Model] = {}
    for name, model in models.items():
        check_instance(name, str, name="a model name")
        checked[name] = (
            model
            if isinstance(model, ParetoNbdDynamicFit)
            else check_model(model, name=f"models[{name!r}]")
        )
    return checked


# --------------------------------------------------------------------------
# Models with covariates
# --------------------------------------------------------------------------


@final
@attrs.frozen(kw_only=True, eq=False)
class _Table:
    """The split's customers' time-invariant covariates, read once."""

    names: tuple[str, ...]
    matrix: FloatArray


def _effects(model: Model) -> CovariateEffects | None:
    """The time-invariant covariates of a fit, or ``None``."""
    if isinstance(model, _CovariateFit):
        return model.covariates
    return None


def _check_covariates(
    covariates: object, models: dict[str, Model], n: int
) -> _Table | None:
    """The covariate table, if any model needs it; refuse it otherwise."""
    users = [name for name, m in models.items() if _effects(m) is not None]
    if covariates is None:
        if users:
            effects = _effects(models[users[0]])
            assert effects is not None  # noqa: S101 - a user of covariates
            msg = (
                f"model {users[0]!r} has covariates (purchase "
                f"{list(effects.purchase)!r}, dropout "
                f"{list(effects.dropout)!r}); pass covariates= with them, "
                "one value per customer of split.calibration.customer_ids"
            )
            raise DataError(msg)
        return None
    if not users:
        msg = (
            "covariates were given but no model has time-invariant "
            "covariates; drop covariates=, or add a model fitted with them"
        )
        raise DataError(msg)
    names, matrix = _read_table(
        covariates,  # type: ignore[arg-type] # refused there if not a table
        name="covariates",
        n=n,
    )
    for user in users:
        effects = _effects(models[user])
        assert effects is not None  # noqa: S101 - a user of covariates
        for process in PROCESSES:
            missing = [
                c for c in effects.coefficient_names(process) if c not in names
            ]
            if missing:
                msg = (
                    f"model {user!r} has the {process} covariates "
                    f"{missing!r}, which covariates lacks (it has "
                    f"{list(names)!r}); pass every covariate the model was "
                    "fitted with"
                )
                raise DataError(msg)
    return _Table(names=names, matrix=matrix)


def _columns(
    effects: CovariateEffects, table: _Table
) -> dict[Process, dict[str, FloatArray] | None]:
    """Each process's covariates of a fit, by name (``None`` if none)."""
    return {
        process: {
            c: table.matrix[:, table.names.index(c)]
            for c in effects.coefficient_names(process)
        }
        or None
        for process in PROCESSES
    }


def _check_paths(
    paths: object,
    models: dict[str, Model],
    split: CalibrationHoldout,
    duration: float,
) -> CovariatePaths | None:
    """The covariate paths, if a model needs them and they fit the split."""
    users = [
        n for n, m in models.items() if isinstance(m, ParetoNbdDynamicFit)
    ]
    if paths is None:
        if users:
            msg = (
                f"model {users[0]!r} is a Pareto/NBD with time-varying "
                "covariates, which predicts from each customer's covariate "
                "path: pass paths=covariate_paths(...) of the split's log, "
                f"with a table reaching {duration:g} time units past the "
                "calibration end"
            )
            raise DataError(msg)
        return None
    if not isinstance(paths, CovariatePaths):
        raise ArgumentTypeError.for_argument(
            "paths", paths, "a CovariatePaths built by covariate_paths()"
        )
    if not users:
        msg = (
            "paths were given but no model has time-varying covariates; "
            "drop paths=, or add a fit_pareto_nbd_dynamic() model"
        )
        raise DataError(msg)
    calibration = split.calibration
    if paths.customer_ids != tuple(calibration.customer_ids):
        other = sorted(set(paths.customer_ids) ^ set(calibration.customer_ids))
        msg = (
            f"paths has {paths.n_customers} customers and the split "
            f"{len(calibration.customer_ids)}, not the same in the same "
            f"order (e.g. {other[:_MAX_SHOWN]!r} in one only); build the "
            "paths from the log the split was made from"
        )
        raise DataError(msg)
    unit = days_per_unit(calibration.time_unit)
    if (
        paths.calibration_end != calibration.observation_end
        or paths.days_per_unit != unit
    ):
        msg = (
            f"paths end the calibration on {paths.calibration_end} in units "
            f"of {paths.days_per_unit:g} days, the split on "
            f"{calibration.observation_end} in units of {unit:g} days; "
            "build the paths with the split's calibration_end and time_unit"
        )
        raise DataError(msg)
    if paths.horizon < duration:
        msg = (
            f"the covariate table of paths reaches {paths.horizon:g} time "
            f"units past the calibration end, short of the holdout's "
            f"{duration:g}; pass a table covering the holdout period"
        )
        raise DataError(msg)
    return paths


def _predicted(  # noqa: PLR0917 - private, one call
    model: Model,
    duration: float,
    compressed: CompressedRFM,
    split: CalibrationHoldout,
    table: _Table | None,
    paths: CovariatePaths | None,
) -> FloatArray:
    """One model's expected holdout purchases per customer."""
    if isinstance(model, ParetoNbdDynamicFit):
        assert paths is not None  # noqa: S101 - checked with the models
        return model.conditional_expected_purchases(duration, paths)
    effects = _effects(model)
    if effects is None:
        unique = model.conditional_expected_purchases(
            duration, compressed.frequency, compressed.recency, compressed.T
        )
        return np.asarray(unique, dtype=np.float64)[compressed.inverse]
    assert table is not None  # noqa: S101 - checked with the models
    assert isinstance(model, _CovariateFit)  # noqa: S101 - has effects
    columns = _columns(effects, table)
    calibration = split.calibration
    return np.asarray(
        model.conditional_expected_purchases(
            duration,
            np.asarray(calibration.frequency, dtype=np.float64),
            np.asarray(calibration.recency, dtype=np.float64),
            np.asarray(calibration.T, dtype=np.float64),
            purchase_covariates=columns["purchase"],
            dropout_covariates=columns["dropout"],
        ),
        dtype=np.float64,
    )


def _check_split(
    split: object, /
) -> tuple[CalibrationHoldout, FloatArray, float]:
    """The split, its holdout counts as floats and the holdout duration."""
    split = check_instance(split, CalibrationHoldout, name="split")
    calibration = split.calibration
    if calibration.first_purchase_counts:
        msg = (
            "the split counts the first purchase in frequency "
            "(first_purchase_counts=True); the models count repeat "
            "purchases only: split again with first_purchase_counts=False"
        )
        raise DataError(msg)
    sizes = {
        "customer_ids": len(calibration.customer_ids),
        "frequency": len(calibration.frequency),
        "frequency_holdout": len(split.frequency_holdout),
    }
    if len(set(sizes.values())) != 1:
        msg = (
            f"the split's columns have different lengths {sizes!r}; build "
            "it with customer_centric.value.rfm_calibration_holdout()"
        )
        raise DataError(msg)
    actual = as_counts(split.frequency_holdout, name="frequency_holdout")
    duration = real_number(split.duration_holdout, name="duration_holdout")
    if not 0 < duration <= MAX_VALUE:
        msg = (
            f"the holdout period is empty or invalid (duration_holdout="
            f"{split.duration_holdout!r}); end the calibration before the "
            "last transaction, so that a holdout period follows"
        )
        raise DataError(msg)
    if not actual.any():
        msg = (
            "no calibration customer purchases in the holdout period ("
            f"{calibration.observation_end.isoformat()} to "
            f"{split.holdout_end.isoformat()}), so there is nothing to "
            "validate against; end the calibration earlier, or check that "
            "the log runs past the calibration end"
        )
        raise DataError(msg)
    return split, actual, duration


def _fitted_on_split(
    name: str, model: Model, customers: int
) -> InformationCriteria | None:
    """The model's criteria; refuse a fit made on another set of customers."""
    if not isinstance(model, FittedModel) or not math.isfinite(
        model.log_likelihood
    ):
        return None
    if model.n_customers != customers:
        msg = (
            f"model {name!r} was fitted on {model.n_customers:g} customers "
            f"but the split has {customers}; fit every model on the split's "
            "calibration summary"
        )
        raise DataError(msg)
    return information_criteria(model)


def _check_bins(max_frequency: object) -> int:
    if (
        isinstance(max_frequency, bool)
        or not isinstance(max_frequency, int)
        or not 1 <= max_frequency <= _MAX_BINS
    ):
        msg = (
            f"max_frequency must be a whole number from 1 to {_MAX_BINS}, "
            f"got {max_frequency!r}; e.g. 7 (FHL 2005, Figure 4)"
        )
        raise InvariantError(msg)
    return max_frequency


def _bin_means(
    bins: npt.NDArray[np.intp],
    present: npt.NDArray[np.intp],
    values: FloatArray,
) -> tuple[float, ...]:
    sums = np.bincount(bins, weights=values, minlength=present.size)
    counts = np.bincount(bins, minlength=present.size)
    return tuple(float(v) for v in sums[present] / counts[present])


def validate_holdout(
    split: CalibrationHoldout,
    /,
    *,
    models: Mapping[str, PurchaseModel | ParetoNbdDynamicFit],
    transactions: Iterable[Transaction] | None = None,
    spend_model: GammaGammaFit | None = None,
    max_frequency: int = DEFAULT_MAX_FREQUENCY,
    period: float = 1.0,
    covariates: Covariates | None = None,
    paths: CovariatePaths | None = None,
) -> HoldoutValidation:
    """Compare fitted purchase models on one calibration and holdout split.

    Each model predicts every customer's holdout purchases from their
    calibration history (its ``conditional_expected_purchases`` over the
    holdout's length); the report gives the aggregate prediction against
    the actual total, the per-customer mean absolute error, root mean
    squared error and bias, AIC and BIC of fitted models, and the means by
    calibration frequency. Given the ``transactions`` the split was made
    from, it adds the period-by-period tracking of repeat purchases. Given
    a fitted spend model (Gamma-Gamma) and a split made from a log with
    amounts, it adds the holdout **spend**: each purchase model's expected
    holdout purchases times the spend model's expected spend per purchase,
    against what each customer spent in the holdout (:class:`SpendValidation`).

    Fits with time-invariant covariates (Pareto/NBD, BG/NBD, GGom/NBD)
    take each customer's covariates from ``covariates``, by the names each
    fit uses on each process; the Pareto/NBD with time-varying covariates
    (:class:`~customer_centric.clv.ParetoNbdDynamicFit`) takes the
    customers' covariate ``paths``. Their tracking sums each customer's
    expected purchases at their own covariates (along their own path:
    :meth:`~customer_centric.clv.ParetoNbdDynamicFit.expected_purchases`).

    Args:
        split: The calibration summary and holdout counts, from
            :func:`customer_centric.value.rfm_calibration_holdout` (with
            ``first_purchase_counts=False``).
        models: The fitted models by name (BG/NBD, Pareto/NBD; BG/BB
            with whole periods; fits with covariates), each fitted on
            ``split.calibration`` or built from published parameters.
        transactions: The log the split was made from, for tracking.
        spend_model: A Gamma-Gamma fit (on the split's calibration repeat
            buyers, or from published parameters), for the holdout spend.
        max_frequency: The first calibration frequency gathered into the
            last bin of :attr:`HoldoutValidation.by_frequency`.
        period: The tracking period, in the split's time unit.
        covariates: The time-invariant covariates of the split's customers,
            for the fits with covariates: a mapping of name to one value
            per customer of ``split.calibration.customer_ids`` (in that
            order), or a dataframe with one column per covariate (as the
            fits take them).
        paths: For fits with time-varying covariates, the
            :func:`~customer_centric.clv.covariate_paths` of the split's
            log: the same customers in the same order, the same
            calibration end and time unit, and a covariate table reaching
            at least the holdout's length past the calibration end.

    Returns:
        The report; ``to_rows()`` gives it as a table.

    Raises:
        ArgumentTypeError: ``split`` is not a
            :class:`~customer_centric.value.CalibrationHoldout`,
            ``models`` not a mapping of names to fitted purchase models,
            ``transactions`` not an iterable of ``Transaction``,
            ``spend_model`` not a ``GammaGammaFit``, ``covariates`` not a
            table or ``paths`` not a ``CovariatePaths``.
        DataError: The split is inconsistent (columns of different
            lengths, negative or fractional counts, an empty holdout, no
            holdout purchase at all), a model was fitted on a different
            number of customers, or the transactions are not those of the
            split, or a spend model was given for a split without amounts;
            a fit with covariates without ``covariates`` or a covariate
            missing from them (or values not one per customer), a fit
            with time-varying covariates without ``paths``, paths of other
            customers or too short for the holdout, or ``covariates`` or
            ``paths`` that no model uses.
        InvariantError: ``max_frequency`` or ``period`` out of range.

    Examples:
        >>> from datetime import date
        >>> from customer_centric import Transaction
        >>> from customer_centric.clv import BgNbdFit, validate_holdout
        >>> from customer_centric.value import rfm_calibration_holdout
        >>> log = [
        ...     Transaction(customer_id=c, occurred_at=date(2024, 1, d))
        ...     for c, days in {"A": (1, 8, 20, 27), "B": (2, 25)}.items()
        ...     for d in days
        ... ]
        >>> split = rfm_calibration_holdout(
        ...     log, calibration_end=date(2024, 1, 14),
        ...     observation_end=date(2024, 1, 28), time_unit="W")
        >>> bg = BgNbdFit.from_parameters(r=0.5, alpha=2.0, a=0.8, b=2.5)
        >>> report = validate_holdout(
        ...     split, models={"BG/NBD": bg}, transactions=log)
        >>> report.actual.tolist()
        [2.0, 1.0]
        >>> row = report.to_rows()[0]
        >>> row["actual"], round(row["predicted"], 3), round(row["mae"], 3)
        (3.0, 0.724, 1.138)
        >>> report.tracking.actual.tolist()
        [0.0, 1.0, 1.0, 2.0]

        ``repr`` is one line; in Jupyter the report shows a table of the
        models' totals, errors and criteria, then the means by frequency:

        >>> report
        HoldoutValidation(customers=2, duration=2, actual=3, \
predicted: BG/NBD=0.7)
        >>> "MAE" in report._repr_html_()
        True

    .. versionadded:: 0.2
    """
    checked = _check_models(models)
    split, actual, duration = _check_split(split)
    bins_cap = _check_bins(max_frequency)
    spending = _check_spend(spend_model, split)
    calibration = split.calibration
    table = _check_covariates(covariates, checked, actual.size)
    lanes = _check_paths(paths, checked, split, duration)
    compressed = compress(
        calibration.frequency, calibration.recency, calibration.T
    )
    frequency = compressed.frequency[compressed.inverse]
    n = actual.size
    bins = np.minimum(frequency, bins_cap).astype(np.intp)
    present = np.flatnonzero(np.bincount(bins, minlength=bins_cap + 1))
    validations: list[ModelValidation] = []
    spends: list[SpendValidation] = []
    means: dict[str, tuple[float, ...]] = {}
    for name, model in checked.items():
        criteria = _fitted_on_split(name, model, n)
        predicted = _predicted(
            model, duration, compressed, split, table, lanes
        )
        validations.append(
            ModelValidation(
                name=name,
                predicted=predicted,
                **_errors(predicted, actual),
                criteria=criteria,
            )
        )
        if spending is not None:
            per_purchase, actual_spend = spending
            spend = predicted * per_purchase
            spends.append(
                SpendValidation(
                    name=name, predicted=spend, **_errors(spend, actual_spend)
                )
            )
        means[name] = _bin_means(bins, present, predicted)
    by_frequency = HoldoutByFrequency(
        frequency=tuple(int(k) for k in present),
        max_frequency=bins_cap,
        customers=tuple(int(c) for c in np.bincount(bins)[present]),
        actual=_bin_means(bins, present, actual),
        predicted=FrozenDict(means),
    )
    tracking = (
        None
        if transactions is None
        else _track(
            transactions,
            split,
            checked,
            period=period,
            table=table,
            paths=lanes,
        )
    )
    return HoldoutValidation(
        customer_ids=tuple(calibration.customer_ids),
        actual=actual,
        duration=duration,
        models=tuple(validations),
        by_frequency=by_frequency,
        tracking=tracking,
        actual_spend=None if spending is None else spending[1],
        spend=tuple(spends),
    )


def _errors(predicted: FloatArray, actual: FloatArray) -> dict[str, float]:
    """Totals and per-customer errors of ``predicted`` against ``actual``."""
    error = predicted - actual
    return {
        "predicted_total": float(predicted.sum()),
        "actual_total": float(actual.sum()),
        "mae": float(np.abs(error).mean()),
        "rmse": float(np.sqrt((error * error).mean())),
        "bias": float(error.mean()),
    }


def _check_spend(
    spend_model: object, split: CalibrationHoldout
) -> tuple[FloatArray, FloatArray] | None:
    """Expected spend per purchase and actual holdout spend, per customer.

    ``None`` without a spend model. The actual spend is the holdout purchase
    days times their mean amount, summed exactly in ``Decimal`` first.
    """
    if spend_model is None:
        return None
    model = check_instance(
        spend_model,
        GammaGammaFit,
        name="spend_model",
        what="a Gamma-Gamma fit (GammaGammaFit)",
    )
    calibration = split.calibration
    average = calibration.monetary_value
    holdout = split.monetary_value_holdout
    if average is None or holdout is None:
        msg = (
            "a spend model was given but the split has no amounts "
            "(monetary_value is None): split a log whose transactions "
            "carry amounts, or leave spend_model out"
        )
        raise DataError(msg)
    if not len(average) == len(holdout) == len(calibration.frequency):
        msg = (
            f"the split's amount columns have {len(average)} and "
            f"{len(holdout)} entries for {len(calibration.frequency)} "
            "customers; build it with "
            "customer_centric.value.rfm_calibration_holdout()"
        )
        raise DataError(msg)
    per_purchase = model.conditional_expected_spend(
        calibration.frequency, [float(v) for v in average]
    )
    actual = np.array(
        [
            float(count * mean)
            for count, mean in zip(
                split.frequency_holdout, holdout, strict=True
            )
        ],
        dtype=np.float64,
    )
    return np.asarray(per_purchase, dtype=np.float64), actual


# --------------------------------------------------------------------------
# Tracking
# --------------------------------------------------------------------------


def _purchase_days(
    transactions: object, /, *, end: date
) -> dict[str, set[date]]:
    """The distinct purchase days of each customer, up to ``end``."""
    log = check_items(transactions, Transaction, name="transactions")
    days: dict[str, set[date]] = {}
    for transaction in log:
        day = transaction.day
        if day <= end:
            days.setdefault(transaction.customer_id, set()).add(day)
    return days


def _check_same_log(
    days: dict[str, set[date]], split: CalibrationHoldout
) -> None:
    """Refuse transactions that do not give the split's counts."""
    calibration = split.calibration
    end = calibration.observation_end
    born = sorted(c for c, d in days.items() if min(d) <= end)
    if born != sorted(calibration.customer_ids):
        missing = sorted(set(calibration.customer_ids) - set(born))
        extra = sorted(set(born) - set(calibration.customer_ids))
        msg = (
            "the transactions do not have the split's customers (missing "
            f"{missing[:_MAX_SHOWN]!r}, not in the split "
            f"{extra[:_MAX_SHOWN]!r}); pass the log the split was made from"
        )
        raise DataError(msg)
    differ = [
        customer
        for customer, x, holdout in zip(
            calibration.customer_ids,
            calibration.frequency,
            split.frequency_holdout,
            strict=True,
        )
        if sum(d <= end for d in days[customer]) - 1 != x
        or sum(d > end for d in days[customer]) != holdout
    ]
    if differ:
        msg = (
            "the transactions do not give the split's purchase counts for "
            f"customers {differ[:_MAX_SHOWN]!r}"
            f"{' and more' if len(differ) > _MAX_SHOWN else ''}; pass the "
            "log the split was made from, with the same calibration end"
        )
        raise DataError(msg)


def _check_period(period: object, *, unit_days: float, span: float) -> float:
    number = real_number(period, name="period")
    periods = span / (number * unit_days) if number > 0 else math.inf
    if not (math.isfinite(number) and number > 0 and periods <= _MAX_PERIODS):
        msg = (
            f"period must be a time > 0 in the split's time unit giving at "
            f"most {_MAX_PERIODS:,} periods, got {period!r}; e.g. 1 for "
            "weekly tracking of a summary in weeks"
        )
        raise InvariantError(msg)
    return number


def _track(
    transactions: object,
    split: CalibrationHoldout,
    models: dict[str, Model],
    *,
    period: object,
    table: _Table | None,
    paths: CovariatePaths | None,
) -> PurchaseTracking:
    calibration = split.calibration
    end = calibration.observation_end
    days = _purchase_days(transactions, end=split.holdout_end)
    _check_same_log(days, split)
    unit_days = days_per_unit(calibration.time_unit)
    # In the split's order, for the covariates and paths of each customer.
    births = np.array(
        [(min(days[c]) - end).days for c in calibration.customer_ids],
        dtype=np.float64,
    )
    repeats = np.sort(
        np.array(
            [
                (day - end).days
                for d in days.values()
                if min(d) <= end
                for day in d
                if day != min(d)
            ],
            dtype=np.float64,
        )
    )
    holdout_days = float((split.holdout_end - end).days)
    step = (
        _check_period(
            period,
            unit_days=unit_days,
            span=holdout_days - float(births.min()),
        )
        * unit_days
    )
    n_calibration = math.floor(-float(births.min()) / step) + 1
    n_holdout = math.ceil(holdout_days / step)
    edges = np.minimum(
        np.arange(-n_calibration, n_holdout + 1, dtype=np.float64) * step,
        holdout_days,
    )
    actual = np.diff(np.searchsorted(repeats, edges, side="right"))
    expected = {
        name: np.diff(
            _expected_by(model, edges, births, unit_days, table, paths)
        )
        for name, model in models.items()
    }
    return PurchaseTracking(
        times=(edges[1:] - edges[0]) / unit_days,
        calibration_end=n_calibration * step / unit_days,
        actual=actual.astype(np.float64),
        expected=FrozenDict({k: read_only(v) for k, v in expected.items()}),
    )


def _expected_by(  # noqa: PLR0917 - private, one call
    model: Model,
    edges: FloatArray,
    births: FloatArray,
    unit_days: float,
    table: _Table | None,
    paths: CovariatePaths | None,
) -> FloatArray:
    """A model's expected repeat purchases of all customers by each edge.

    Each customer's unconditional expectation from their birth: by birth
    day for a model without covariates; by birth day within each group of
    customers with the same covariates (the plain model at their
    covariates) for a fit with time-invariant ones; customer by customer,
    along their own path, for the model with time-varying ones.
    """
    if isinstance(model, ParetoNbdDynamicFit):
        assert paths is not None  # noqa: S101 - checked with the models
        ages = np.maximum(edges[:, None] - births[None, :], 0.0) / unit_days
        by_customer = model.expected_purchases(ages, paths)
        return weighted_rows(by_customer, np.ones(births.size))
    effects = _effects(model)
    if effects is None:
        return _expected_of_births(model, edges, births, unit_days)
    assert table is not None  # noqa: S101 - checked with the models
    assert isinstance(model, _CovariateFit)  # noqa: S101 - has effects
    columns = _columns(effects, table)
    names = [
        (process, c) for process in PROCESSES for c in (columns[process] or {})
    ]
    rows = np.column_stack(
        [columns[p][c] for p, c in names]  # type: ignore[index]
    )
    groups, inverse = np.unique(rows, axis=0, return_inverse=True)
    total = np.zeros(edges.size)
    for group, values in enumerate(groups):
        given: dict[Process, dict[str, float]] = {p: {} for p in PROCESSES}
        for (process, c), value in zip(names, values.tolist(), strict=True):
            given[process][c] = value
        plain = at_covariates(
            model,
            purchase=given["purchase"] or None,
            dropout=given["dropout"] or None,
        )
        total += _expected_of_births(
            plain, edges, births[inverse.reshape(-1) == group], unit_days
        )
    return total


def _expected_of_births(
    model: PurchaseModel,
    edges: FloatArray,
    births: FloatArray,
    unit_days: float,
) -> FloatArray:
    """``sum_i E[X(edge - b_i)]``, customers born the same day together."""
    born, counts = np.unique(births, return_counts=True)
    ages = np.maximum(edges[:, None] - born[None, :], 0.0) / unit_days
    return weighted_rows(
        np.asarray(model.expected_purchases(ages), dtype=np.float64), counts
    )
