"""Shared machinery of the probabilistic models.

Fit records, maximum likelihood, input validation and compression to
unique rows.

Every model in :mod:`customer_centric.clv` is fitted the same way:

1. validate the inputs (:func:`validate_rfm` and the array helpers), which
   raises :class:`~customer_centric.exceptions.DataError` naming the
   offending rows;
2. compress them to unique rows with weights (:func:`compress`), so the
   likelihood is evaluated once per distinct pattern;
3. maximise the summed log-likelihood with :func:`maximize_likelihood`,
   in log-parameter space, from analytic gradients, retrying from other
   starting values, and raising
   :class:`~customer_centric.exceptions.ConvergenceError` when no start
   converges;
4. return a frozen :class:`FittedModel` record (parameters, standard errors
   from the inverse Hessian, summed log-likelihood, optimizer diagnostics)
   that round-trips through JSON.

Models work in ``float`` and numpy arrays, not ``Decimal``.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import (
    Any,
    ClassVar,
    Final,
    Protocol,
    Self,
    TypeAlias,
    TypeVar,
    final,
    runtime_checkable,
)

import attrs
import numpy as np
import numpy.typing as npt
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from customer_centric._frozen import FrozenMap
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
)

__all__ = [
    "MAX_VALUE",
    "Boundary",
    "CompressedRFM",
    "FittedModel",
    "FloatArray",
    "MaximumLikelihood",
    "Objective",
    "OptimizerDiagnostics",
    "PurchaseModel",
    "RFMArrays",
    "as_counts",
    "as_float_array",
    "as_floats",
    "as_horizon",
    "as_non_negative",
    "broadcast_rfm",
    "check_integer",
    "check_model",
    "check_weights",
    "compress",
    "factorise",
    "fit_by_maximum_likelihood",
    "given_parameter_fields",
    "maximize_likelihood",
    "purchase_counts",
    "purchase_scales",
    "read_only",
    "read_only_indices",
    "real_number",
    "reject_rows",
    "validate_rfm",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A numpy array of ``float64``."""

Objective: TypeAlias = Callable[[FloatArray], tuple[float, FloatArray]]
"""Summed log-likelihood and its gradient at the natural parameters."""

_MAX_SHOWN: Final = 5
MAX_VALUE: Final = 1e12
"""Largest accepted input value (times, counts, money, weights)."""
_LOG_BOUND: Final = 30.0
"""Log-parameters are kept in [-30, 30] (parameters in about 1e-13..1e13)."""
_GRADIENT_TOLERANCE: Final = 1e-5
"""Largest accepted gradient norm of the mean log-likelihood per customer,
with respect to the log-parameters."""
_MIN_PARAMETER: Final = math.exp(-_LOG_BOUND)
_MAX_PARAMETER: Final = math.exp(_LOG_BOUND)
_HESSIAN_STEP: Final = 1e-5
_METHOD: Final = "BFGS in log-parameters"
_BFGS_GRADIENT: Final = 1e-8
_BFGS_FUNCTION: Final = 1e-15
_MAX_STEP: Final = 5.0
"""Longest BFGS step in log-parameters (a factor of e^5 in a parameter)."""
_MIN_STEP: Final = 1e-12
_BFGS_STALL: Final = 1e-12
_STALL_ITERATIONS: Final = 25
_CURVATURE: Final = 1e-10
_NEWTON_STEP_TOLERANCE: Final = 1e-2
"""Largest accepted Newton step in log-parameters at a converged point."""
_RELATIVE_SE_LIMIT: Final = 10.0
"""Largest accepted standard error of a parameter relative to its value."""
_FAR_LOG: Final = 18.0
"""How far out a boundary is probed: the first moved parameter reaches
e^18 (about 6.6e7) or e^-18, and no parameter goes beyond, where the full
model is close to its simpler limit and still evaluates accurately."""
_TRUSTED_LOG: Final = 21.0
"""Beyond e^21 (about 1.3e9) the likelihoods lose more than 1e-6 per
customer to rounding, so points there are not compared with the edges."""
_BOUNDARY_TOLERANCE: Final = 1e-5
"""Largest gain in mean log-likelihood per customer of the interior
optimum over the limit for which the limit counts as just as good."""
_PROFILE_ITERATIONS: Final = 100
_PROFILE_EVALUATIONS: Final = 20
_PROFILE_MIN_STEP: Final = 1e-3
"""A profile only needs to show how close the edge comes: its line
searches give up early rather than polish."""
"""Budget of one boundary's profile: along a flat edge the target is
reached in a few dozen evaluations."""
_CLEARLY_INSIDE: Final = 0.1
"""Predicted fall in mean log-likelihood per customer from an accepted
maximum to an edge beyond which the edge is not profiled: 10^4 times
:data:`_BOUNDARY_TOLERANCE`, and 100 times the largest prediction (1e-3)
seen for a base whose supremum is on the edge by construction."""
_UNDEFINED: Final = 1e10
"""The objective's value where the likelihood is not finite."""


# --------------------------------------------------------------------------
# Immutable containers
# --------------------------------------------------------------------------


def read_only(values: npt.ArrayLike, /) -> FloatArray:
    """A read-only ``float64`` copy of ``values``, for answers' arrays.

    Answers are frozen: a caller holding one cannot change the arrays
    another caller holds, and the inputs are never aliased.

    Examples:
        >>> from customer_centric.clv._fitting import read_only
        >>> a = read_only([1, 2])
        >>> a.flags.writeable
        False
        >>> a[0] = 5
        Traceback (most recent call last):
        ...
        ValueError: assignment destination is read-only

    .. versionadded:: 0.2
    """
    array = np.array(values, dtype=np.float64)
    array.flags.writeable = False
    return array


def read_only_indices(values: npt.ArrayLike, /) -> npt.NDArray[np.intp]:
    """A read-only index array, like :func:`read_only`.

    Examples:
        >>> from customer_centric.clv._fitting import read_only_indices
        >>> read_only_indices([0, 1]).flags.writeable
        False

    .. versionadded:: 0.2
    """
    array = np.array(values, dtype=np.intp)
    array.flags.writeable = False
    return array


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


class OptimizerDiagnostics(BaseModel):
    """How the optimizer reached a fit, for audit and troubleshooting.

    Attributes:
        method: The optimizer, e.g. ``"BFGS"``.
        converged: Whether the fit met the convergence test (always
            ``True`` on a returned fit: a failed fit raises).
        iterations: Optimizer iterations of the successful start.
        function_evaluations: Log-likelihood evaluations of the successful
            start.
        gradient_norm: Euclidean norm of the gradient of the mean
            log-likelihood per customer with respect to the log-parameters
            at the optimum.
        message: The optimizer's own message.
        starts_tried: How many starting values were tried (1 when the first
            converged).

    Examples:
        >>> from customer_centric.clv import OptimizerDiagnostics
        >>> d = OptimizerDiagnostics(
        ...     method="BFGS", converged=True, iterations=20,
        ...     function_evaluations=25, gradient_norm=1e-7,
        ...     message="CONVERGENCE", starts_tried=1)
        >>> d.converged
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_inf_nan="constants"
    )

    method: str
    converged: bool
    iterations: int = Field(ge=0)
    function_evaluations: int = Field(ge=0)
    # A finite norm: a fit whose gradient is NaN or infinite never converged.
    gradient_norm: float = Field(ge=0, allow_inf_nan=False)
    message: str
    starts_tried: int = Field(default=1, ge=0)


class FittedModel(BaseModel):
    """Base record of a fitted model: parameters, their uncertainty, fit.

    Subclasses declare one ``float`` field per parameter, named as in the
    paper, and list the names in ``parameter_names``. Fits are records:
    save them with ``model_dump_json()`` and load them with
    ``model_validate_json()``; no pickles.

    Attributes:
        standard_errors: Standard error of each parameter, from the inverse
            of the Hessian of the summed log-likelihood at the optimum.
        covariance: The asymptotic covariance matrix of the parameters, rows
            and columns in ``parameter_names`` order.
        log_likelihood: The summed log-likelihood at the optimum, in the
            data's own time unit, as the papers report it.
        n_customers: The number of customers fitted (the sum of weights).
        diagnostics: How the optimizer got there.

    Examples:
        A fit round-trips through JSON:

        >>> from customer_centric.clv import (
        ...     BgNbdFit, fit_bg_nbd, simulate_bg_nbd)
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 500, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7)
        >>> fit = fit_bg_nbd(sim.frequency, sim.recency, sim.T)
        >>> BgNbdFit.model_validate_json(fit.model_dump_json()) == fit
        True
        >>> sorted(fit.params) == sorted(fit.parameter_names)
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_inf_nan="constants"
    )

    parameter_names: ClassVar[tuple[str, ...]] = ()

    standard_errors: FrozenMap[str, float]
    covariance: tuple[tuple[float, ...], ...]
    log_likelihood: float
    n_customers: float
    diagnostics: OptimizerDiagnostics

    @model_validator(mode="after")
    def _check_parameters(self) -> Self:
        names = self.parameter_names
        if set(self.standard_errors) != set(names):
            msg = (
                f"standard_errors must have exactly the keys {names!r}, got "
                f"{sorted(self.standard_errors)!r}"
            )
            raise DataError(msg)
        k = len(names)
        if len(self.covariance) != k or any(
            len(row) != k for row in self.covariance
        ):
            msg = (
                f"covariance must be a {k}x{k} matrix, got {self.covariance!r}"
            )
            raise DataError(msg)
        for name in names:
            value = getattr(self, name)
            if not (_MIN_PARAMETER <= value <= _MAX_PARAMETER):
                msg = (
                    f"parameter {name} must be finite and between "
                    f"{_MIN_PARAMETER:.2g} and {_MAX_PARAMETER:.2g} (the "
                    f"range fits search), got {value!r}"
                )
                raise DataError(msg)
        return self

    @property
    def params(self) -> dict[str, float]:
        """The fitted parameters by name, in ``parameter_names`` order."""
        return {
            name: float(getattr(self, name)) for name in self.parameter_names
        }

    def parameter_vector(self) -> FloatArray:
        """The fitted parameters as an array in ``parameter_names`` order.

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> fit = BgNbdFit.from_parameters(r=0.2, alpha=4, a=0.8, b=2)
            >>> fit.parameter_vector()
            array([0.2, 4. , 0.8, 2. ])
        """
        return np.array(
            [getattr(self, name) for name in self.parameter_names],
            dtype=np.float64,
        )


@runtime_checkable
class PurchaseModel(Protocol):
    """What a fitted purchase-count model offers to CLV, scoring and plots.

    :class:`~customer_centric.clv.BgNbdFit` and
    :class:`~customer_centric.clv.ParetoNbdFit` implement it. All inputs are
    array-like and broadcast together; times are in the fit's time unit.

    Examples:
        >>> from customer_centric.clv import BgNbdFit, PurchaseModel
        >>> fit = BgNbdFit.from_parameters(r=0.2, alpha=4, a=0.8, b=2)
        >>> isinstance(fit, PurchaseModel)
        True

    .. versionadded:: 0.1
    """

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``."""
        ...

    def conditional_expected_purchases(
        self,
        t: npt.ArrayLike,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` given the history."""
        ...

    def probability_alive(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Probability that the customer is still active at ``T``."""
        ...


# --------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------


def _offenders(mask: npt.NDArray[np.bool_], *columns: tuple[str, Any]) -> str:
    rows = np.flatnonzero(mask)
    shown = []
    for i in rows[:_MAX_SHOWN]:
        values = ", ".join(
            f"{name}={np.asarray(col).reshape(-1)[i].item()!r}"
            for name, col in columns
        )
        shown.append(f"row {int(i)} ({values})")
    more = (
        f" and {rows.size - _MAX_SHOWN} more" if rows.size > _MAX_SHOWN else ""
    )
    return "; ".join(shown) + more


def reject_rows(
    bad: npt.NDArray[np.bool_],
    /,
    rule: str,
    *columns: tuple[str, Any],
    fix: str | None = None,
    offending: str = "rows",
) -> None:
    """Raise ``DataError`` naming the rows where ``bad`` holds, if any.

    The message is ``"<rule>; offending <offending>: <rows>[; <fix>]"``,
    showing each offending row's values in ``columns`` (``(name, values)``
    pairs).

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._fitting import reject_rows
        >>> x = np.array([1.0, -2.0])
        >>> reject_rows(x < 0, "x must be >= 0", ("x", x), fix="drop it")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: x must be >= 0; offending \
rows: row 1 (x=-2.0); drop it

    .. versionadded:: 0.1
    """
    if bad.any():
        ending = "" if fix is None else f"; {fix}"
        shown = _offenders(bad, *columns)
        msg = f"{rule}; offending {offending}: {shown}{ending}"
        raise DataError(msg)


def as_float_array(values: npt.ArrayLike, /, *, name: str) -> FloatArray:
    """Return ``values`` as a 1-D ``float64`` array of finite numbers.

    Args:
        values: A scalar, sequence or array.
        name: The column's name, for the error message.

    Raises:
        DataError: The values are not numbers, not 1-D, empty, or contain
            NaN or infinity (the message names the rows).

    Examples:
        >>> from customer_centric.clv._fitting import as_float_array
        >>> as_float_array([1, 2.5], name="recency")
        array([1. , 2.5])
        >>> as_float_array([1, float("nan")], name="recency")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: recency must be finite; \
offending rows: row 1 (recency=nan); drop or fill those rows

    .. versionadded:: 0.1
    """
    array = as_floats(values, name=name)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        msg = (
            f"{name} must be one-dimensional, got shape {array.shape!r}; "
            "pass one value per customer"
        )
        raise DataError(msg)
    if array.size == 0:
        msg = f"{name} is empty; pass at least one customer"
        raise DataError(msg)
    reject_rows(
        ~np.isfinite(array),
        f"{name} must be finite",
        (name, array),
        fix="drop or fill those rows",
    )
    reject_rows(
        np.abs(array) > MAX_VALUE,
        f"{name} must be at most {MAX_VALUE:g} in size (beyond, the models' "
        "formulas lose all precision)",
        (name, array),
        fix="check the data and the time unit",
    )
    return array


def as_floats(values: object, /, *, name: str) -> FloatArray:
    """``np.asarray(values, float64)``, raising ``DataError`` if it fails.

    Examples:
        >>> from customer_centric.clv._fitting import as_floats
        >>> as_floats("soon", name="t")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: t must be numbers, got \
'soon': could not convert string to float: ...

    .. versionadded:: 0.2
    """
    try:
        raw = np.asarray(values)
        if raw.dtype.kind == "b":
            msg = "booleans are not numbers"
            raise TypeError(msg)  # noqa: TRY301 - reported with the others
        with np.errstate(over="ignore", invalid="ignore"):
            return raw.astype(np.float64)
    except (TypeError, ValueError, OverflowError, ArithmeticError) as exc:
        msg = f"{name} must be numbers, got {values!r}: {exc}"
        raise DataError(msg) from exc


def as_non_negative(values: npt.ArrayLike, /, *, name: str) -> FloatArray:
    """:func:`as_float_array`, raising ``DataError`` if a value is negative.

    Examples:
        >>> from customer_centric.clv._fitting import as_non_negative
        >>> as_non_negative([0.0, -2.0], name="frequency")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: frequency must be >= 0; \
offending rows: row 1 (frequency=-2.0)

    .. versionadded:: 0.1
    """
    array = as_float_array(values, name=name)
    reject_rows(array < 0, f"{name} must be >= 0", (name, array))
    return array


def check_integer(array: FloatArray, /, *, name: str) -> FloatArray:
    """Return ``array`` if every value is a whole number; else raise.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._fitting import check_integer
        >>> check_integer(np.array([1.0, 1.5]), name="frequency")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: frequency must be whole \
numbers (counts of repeat purchases); offending rows: row 1 (frequency=1.5)

    .. versionadded:: 0.1
    """
    reject_rows(
        array != np.floor(array),
        f"{name} must be whole numbers (counts of repeat purchases)",
        (name, array),
    )
    return array


def as_counts(values: npt.ArrayLike, /, *, name: str) -> FloatArray:
    """Return ``values`` as a 1-D float array of whole numbers >= 0.

    :func:`as_non_negative` and :func:`check_integer` in turn, for counts
    (repeat purchases, survivors).

    Examples:
        >>> from customer_centric.clv._fitting import as_counts
        >>> as_counts([0, 3], name="frequency")
        array([0., 3.])

    .. versionadded:: 0.1
    """
    return check_integer(as_non_negative(values, name=name), name=name)


def check_weights(
    weights: npt.ArrayLike | None, /, *, size: int
) -> FloatArray:
    """Return validated weights (ones when ``None``) for ``size`` rows.

    Raises:
        DataError: Wrong length, non-finite or non-positive weights.

    Examples:
        >>> from customer_centric.clv._fitting import check_weights
        >>> check_weights(None, size=2)
        array([1., 1.])
        >>> check_weights([1, 0], size=2)
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: weights must be > 0 (the \
number of customers with each row); offending rows: row 1 (weights=0.0); \
drop rows with no customers

    .. versionadded:: 0.1
    """
    if weights is None:
        return np.ones(size, dtype=np.float64)
    array = as_float_array(weights, name="weights")
    if array.size != size:
        msg = (
            f"weights has {array.size} values but there are {size} rows; "
            "pass one weight per row"
        )
        raise DataError(msg)
    reject_rows(
        array <= 0,
        "weights must be > 0 (the number of customers with each row)",
        ("weights", array),
        fix="drop rows with no customers",
    )
    return array


@final
@attrs.frozen(kw_only=True)
class RFMArrays:
    """Validated recency-frequency summary columns, as float arrays.

    Attributes:
        frequency: Repeat purchases ``x`` (whole numbers).
        recency: Time of the last repeat purchase ``t_x``, from the first.
        T: Time from the first purchase to the end of observation.
        weights: Customers per row (ones unless given).

    Examples:
        >>> from customer_centric.clv import validate_rfm
        >>> validate_rfm([1, 0], [2.0, 0.0], [5.0, 3.0]).weights
        array([1., 1.])

    .. versionadded:: 0.1
    """

    frequency: FloatArray = attrs.field(converter=read_only)
    recency: FloatArray = attrs.field(converter=read_only)
    T: FloatArray = attrs.field(converter=read_only)
    weights: FloatArray = attrs.field(converter=read_only)


def validate_rfm(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None = None,
) -> RFMArrays:
    """Check a recency-frequency summary and return it as float arrays.

    The rules: every column finite and one value per customer; frequency a
    whole number >= 0; recency and T >= 0; recency <= T; recency 0 when
    frequency is 0 (no repeat purchase, so nothing to be recent); weights
    > 0.

    Args:
        frequency: Repeat purchases per customer.
        recency: Time from first to last purchase.
        T: Time from first purchase to the end of observation.
        weights: Customers per row, for compressed data.

    Returns:
        The validated columns.

    Raises:
        DataError: A rule is broken; the message names the offending rows
            and their values.

    Examples:
        >>> from customer_centric.clv import validate_rfm
        >>> validate_rfm([1, 2], [3.0, 9.0], [5.0, 8.0])
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: recency must be <= T (the \
last purchase cannot come after the end of observation); offending rows: \
row 1 (recency=9.0, T=8.0); check the observation end and the time unit

    .. versionadded:: 0.1
    """
    x = as_counts(frequency, name="frequency")
    t_x = as_non_negative(recency, name="recency")
    big_t = as_non_negative(T, name="T")
    if not x.size == t_x.size == big_t.size:
        msg = (
            f"frequency, recency and T must have the same length, got "
            f"{x.size}, {t_x.size} and {big_t.size}"
        )
        raise DataError(msg)
    reject_rows(
        t_x > big_t,
        "recency must be <= T (the last purchase cannot come after the end "
        "of observation)",
        ("recency", t_x),
        ("T", big_t),
        fix="check the observation end and the time unit",
    )
    reject_rows(
        (x == 0) & (t_x != 0),
        "recency must be 0 when frequency is 0 (no repeat purchase)",
        ("frequency", x),
        ("recency", t_x),
        fix="check that the columns are not swapped",
    )
    return RFMArrays(
        frequency=x,
        recency=t_x,
        T=big_t,
        weights=check_weights(weights, size=x.size),
    )


# --------------------------------------------------------------------------
# Compression
# --------------------------------------------------------------------------


@final
@attrs.frozen(kw_only=True)
class CompressedRFM:
    """Unique (frequency, recency, T) rows with the customers on each.

    Attributes:
        frequency: Unique rows' frequency.
        recency: Unique rows' recency.
        T: Unique rows' T.
        weights: Customers (sum of input weights) on each unique row.
        inverse: For each input row, the index of its unique row, so that
            ``values[inverse]`` expands per-row results back.

    Examples:
        >>> from customer_centric.clv import compress
        >>> c = compress([0, 1, 0], [0.0, 2.0, 0.0], [5.0, 5.0, 5.0])
        >>> c.frequency, c.weights, c.inverse
        (array([0., 1.]), array([2., 1.]), array([0, 1, 0]))

    .. versionadded:: 0.1
    """

    frequency: FloatArray = attrs.field(converter=read_only)
    recency: FloatArray = attrs.field(converter=read_only)
    T: FloatArray = attrs.field(converter=read_only)
    weights: FloatArray = attrs.field(converter=read_only)
    inverse: npt.NDArray[np.intp] = attrs.field(converter=read_only_indices)


def compress(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None = None,
) -> CompressedRFM:
    """Compress a summary to its unique rows, with customers as weights.

    Fitting on the compressed rows gives the same likelihood as fitting on
    every customer, at the cost of the distinct patterns only. The inputs
    are validated like :func:`validate_rfm`.

    Args:
        frequency: Repeat purchases per customer.
        recency: Time from first to last purchase.
        T: Time from first purchase to the end of observation.
        weights: Customers per input row (ones when not given).

    Returns:
        The unique rows, sorted by (T, recency, frequency), their weights,
        and the map from input rows to unique rows.

    Examples:
        >>> from customer_centric.clv import compress
        >>> c = compress([2, 2, 0], [5.0, 5.0, 0.0], [9.0, 9.0, 9.0])
        >>> c.frequency.tolist(), c.weights.tolist()
        ([0.0, 2.0], [1.0, 2.0])

    .. versionadded:: 0.1
    """
    data = validate_rfm(frequency, recency, T, weights=weights)
    order = np.lexsort((data.frequency, data.recency, data.T))
    x = data.frequency[order]
    t_x = data.recency[order]
    big_t = data.T[order]
    new = np.empty(x.size, dtype=np.bool_)
    new[0] = True
    new[1:] = (
        (x[1:] != x[:-1]) | (t_x[1:] != t_x[:-1]) | (big_t[1:] != big_t[:-1])
    )
    group = np.cumsum(new) - 1
    inverse = np.empty(x.size, dtype=np.intp)
    inverse[order] = group
    summed = np.bincount(group, weights=data.weights[order])
    return CompressedRFM(
        frequency=x[new],
        recency=t_x[new],
        T=big_t[new],
        weights=summed.astype(np.float64),
        inverse=inverse,
    )


# --------------------------------------------------------------------------
# Maximum likelihood
# --------------------------------------------------------------------------


@final
@attrs.frozen(kw_only=True)
class Boundary:
    """An edge of the parameter space where a model becomes a simpler one.

    Attributes:
        direction: For each parameter (in the model's order), +1 if it runs
            to infinity at this edge, -1 if it runs to 0, 0 if it stays
            free. Parameters marked together move together, keeping their
            ratio (e.g. ``r`` and ``alpha`` with the mean rate ``r/alpha``).
        parameters: The parameters and where they run, for the message,
            e.g. ``"r and alpha run to infinity together"``.
        simpler: The simpler model the edge stands for, e.g. ``"no
            purchase-rate heterogeneity (Poisson purchasing)"``.

    Examples:
        >>> from customer_centric.clv._fitting import Boundary
        >>> Boundary(direction=(1, 1), parameters="a and b run to "
        ...     "infinity together", simpler="one probability").direction
        (1, 1)

    .. versionadded:: 0.2
    """

    direction: tuple[int, ...]
    parameters: str
    simpler: str


@final
@attrs.frozen(kw_only=True)
class MaximumLikelihood:
    """The outcome of :func:`maximize_likelihood`, ready to become a record.

    Attributes:
        parameters: The estimates by name.
        standard_errors: Their standard errors by name.
        covariance: The covariance matrix, in ``parameters`` order.
        log_likelihood: The summed log-likelihood at the optimum.
        n_customers: The number of customers (sum of weights).
        diagnostics: How the optimizer got there.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._fitting import maximize_likelihood
        >>> x = np.array([1.0, 3.0, 2.0])  # Poisson counts
        >>> def loglik(theta):
        ...     lam = theta[0]
        ...     return (x * np.log(lam) - lam).sum(), np.array(
        ...         [(x / lam - 1).sum()])
        >>> mle = maximize_likelihood(
        ...     loglik, names=("lam",), starts=[[1.0]], n_customers=3.0,
        ...     model="Poisson")
        >>> round(mle.parameters["lam"], 6)
        2.0
        >>> mle.record_fields()["n_customers"]
        3.0

    .. versionadded:: 0.1
    """

    parameters: dict[str, float]
    standard_errors: dict[str, float]
    covariance: tuple[tuple[float, ...], ...]
    log_likelihood: float
    n_customers: float
    diagnostics: OptimizerDiagnostics

    def record_fields(self) -> dict[str, object]:
        """The fields of a :class:`FittedModel` subclass, for validation.

        Use as ``MyFit.model_validate(mle.record_fields())``.
        """
        return {
            **self.parameters,
            "standard_errors": self.standard_errors,
            "covariance": self.covariance,
            "log_likelihood": self.log_likelihood,
            "n_customers": self.n_customers,
            "diagnostics": self.diagnostics,
        }


@final
@attrs.frozen(kw_only=True)
class _Attempt:
    """One start of :func:`maximize_likelihood` and where BFGS took it."""

    start: tuple[float, ...]
    result: _Run
    problem: str | None = None
    hessian: FloatArray | None = None

    @property
    def gradient_norm(self) -> float:
        return float(np.linalg.norm(self.result.jac))

    @property
    def at_bound(self) -> bool:
        return bool((np.abs(self.result.x) >= _LOG_BOUND - 1e-6).any())

    @property
    def stationary(self) -> bool:
        return (
            math.isfinite(self.result.fun)
            and self.gradient_norm < _GRADIENT_TOLERANCE
            and not self.at_bound
        )

    def natural(self, n_customers: float) -> tuple[FloatArray, FloatArray]:
        """The parameters and the gradient of the summed log-likelihood."""
        theta = np.exp(self.result.x)
        return theta, -self.result.jac * n_customers / theta

    def describe(self) -> str:
        start = ", ".join(f"{v:.4g}" for v in self.start)
        end = ", ".join(f"{v:.4g}" for v in np.exp(self.result.x))
        if self.at_bound:
            why = "a parameter ran to the edge of [1e-13, 1e13]"
        elif self.problem is not None:
            why = self.problem
        else:
            why = f"gradient norm {self.gradient_norm:.3g}"
        return (
            f"start ({start}) -> ({end}), {why}, optimizer said "
            f"{str(self.result.message)!r}"
        )


@final
@attrs.frozen(kw_only=True)
class _Run:
    """Where one BFGS run ended (mirrors scipy's ``OptimizeResult``)."""

    x: FloatArray
    fun: float
    jac: FloatArray
    nit: int
    nfev: int
    message: str


def _bfgs(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x0: FloatArray,
    max_iterations: int,
    *,
    target: float = -math.inf,
    max_evaluations: float = math.inf,
    min_step: float = _MIN_STEP,
) -> _Run:
    """Minimise ``fun`` by BFGS with a backtracking (Armijo) line search.

    Written in numpy rather than calling scipy's L-BFGS-B, whose BLAS
    calls on tiny vectors cost milliseconds when OpenBLAS threads compete
    for a busy machine; the steps stay within the log-parameter box.
    """
    x = np.clip(x0, -_LOG_BOUND, _LOG_BOUND)
    f, g = fun(x)
    start_inverse = _initial_inverse(fun, x, g)
    from_identity = start_inverse is None
    inverse = np.eye(x.size) if start_inverse is None else start_inverse
    evaluations = 1 + x.size
    message = "iteration limit reached"
    iteration = 0
    stalled = 0
    for iteration in range(1, max_iterations + 1):
        if np.linalg.norm(g) < _BFGS_GRADIENT:
            message = "gradient norm below 1e-8"
            break
        if f <= target:
            message = "reached the target value"
            break
        if evaluations >= max_evaluations:
            message = "evaluation limit reached"
            break
        direction = -inverse @ g
        slope = float(direction @ g)
        if slope >= 0:
            inverse = np.eye(x.size)
            direction = -g
            slope = float(direction @ g)
        x_new, f_new, g_new, step, used = _line_search(
            fun, x, f, direction, slope, min_step=min_step
        )
        evaluations += used
        if step < min_step and f_new > f:
            message = "line search could not improve (precision limit)"
            break
        s = x_new - x
        y = g_new - g
        sy = float(s @ y)
        if sy > _CURVATURE * float(np.linalg.norm(s) * np.linalg.norm(y)):
            if iteration == 1 and from_identity:
                inverse = np.eye(x.size) * (sy / float(y @ y))
            rho = 1 / sy
            left = np.eye(x.size) - rho * np.outer(s, y)
            inverse = left @ inverse @ left.T + rho * np.outer(s, s)
        improvement = f - f_new
        x, f, g = x_new, f_new, g_new
        small = improvement <= _BFGS_STALL * max(1.0, abs(f))
        stalled = stalled + 1 if small else 0
        stop = _stop_reason(x, f, g, improvement, stalled)
        if stop is not None:
            message = stop
            break
    return _Run(
        x=x,
        fun=float(f),
        jac=np.asarray(g, dtype=np.float64),
        nit=iteration,
        nfev=evaluations,
        message=message,
    )


def _line_search(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x: FloatArray,
    f: float,
    direction: FloatArray,
    slope: float,
    *,
    min_step: float,
) -> tuple[FloatArray, float, FloatArray, float, int]:
    """Backtrack from a unit step (at most e^5 per parameter) to Armijo.

    Returns the new point, its value and gradient, the step taken and the
    number of evaluations.
    """
    longest = float(np.abs(direction).max())
    step = min(1.0, _MAX_STEP / longest) if longest > 0 else 1.0
    used = 0
    while True:
        x_new = np.clip(x + step * direction, -_LOG_BOUND, _LOG_BOUND)
        f_new, g_new = fun(x_new)
        used += 1
        if f_new <= f + 1e-4 * step * slope or step < min_step:
            return x_new, f_new, g_new, step, used
        step /= 2


def _stop_reason(
    x: FloatArray,
    f: float,
    g: FloatArray,
    improvement: float,
    stalled: int,
) -> str | None:
    """Why BFGS should stop after this iteration, or ``None`` to go on."""
    if 0 <= improvement <= _BFGS_FUNCTION * max(1.0, abs(f)) and (
        np.linalg.norm(g) < _GRADIENT_TOLERANCE
    ):
        return "relative improvement below 1e-15"
    if (np.abs(x) >= _LOG_BOUND).any():
        return "a log-parameter reached the edge of [-30, 30]"
    if stalled >= _STALL_ITERATIONS:
        return (
            "less than 1e-12 relative improvement in "
            f"{_STALL_ITERATIONS} iterations (a flat ridge)"
        )
    return None


def _initial_inverse(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x: FloatArray,
    g: FloatArray,
) -> FloatArray | None:
    """Inverse Hessian at the start, by forward differences of the gradient.

    Starting BFGS from the true curvature instead of the identity saves
    more iterations than the ``k`` gradient evaluations cost. ``None``
    where the start is not in a convex region (BFGS then starts from the
    identity).
    """
    hessian = _forward_hessian(lambda u: fun(u)[1], x, g)
    finite = bool(np.isfinite(hessian).all())
    values, vectors = np.linalg.eigh(np.where(finite, hessian, 0.0))
    if not finite or values.min() <= _CURVATURE * max(values.max(), 0.0):
        return None
    result: FloatArray = (vectors / values) @ vectors.T
    return result


def _forward_hessian(
    gradient: Callable[[FloatArray], FloatArray], x: FloatArray, g: FloatArray
) -> FloatArray:
    """Hessian by symmetrised forward differences of ``gradient``.

    ``g`` is the gradient at ``x``; each coordinate steps by 1e-5.
    """
    k = x.size
    hessian = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = _HESSIAN_STEP
        hessian[:, j] = (gradient(x + step) - g) / _HESSIAN_STEP
    result: FloatArray = (hessian + hessian.T) / 2
    return result


def _log_space(
    objective: Objective, n_customers: float
) -> Callable[[FloatArray], tuple[float, FloatArray]]:
    def negative_mean(log_theta: FloatArray) -> tuple[float, FloatArray]:
        theta = np.exp(log_theta)
        with np.errstate(all="ignore"):
            value, gradient = objective(theta)
        gradient = np.asarray(gradient, dtype=np.float64)
        if not (math.isfinite(value) and np.isfinite(gradient).all()):
            # Steer the line search back towards moderate parameters.
            return _UNDEFINED, log_theta.copy()
        return -value / n_customers, -gradient * theta / n_customers

    return negative_mean


def _hessian(
    objective: Objective, theta: FloatArray, gradient: FloatArray
) -> FloatArray:
    """Hessian of the summed log-likelihood in the natural parameters.

    Forward differences of the analytic gradient in log space (well scaled
    whatever the magnitude of each parameter), mapped back by the chain
    rule; ``gradient`` is the analytic gradient at ``theta``.
    """

    def log_gradient(log_moved: FloatArray) -> FloatArray:
        moved = np.exp(log_moved)
        return np.asarray(objective(moved)[1]) * moved

    h_log = _forward_hessian(log_gradient, np.log(theta), gradient * theta)
    # d2L/dlog_i dlog_j = theta_i theta_j H_ij + delta_ij theta_i g_i
    inner = h_log - np.diag(gradient * theta)
    result: FloatArray = inner / np.outer(theta, theta)
    return result


def maximize_likelihood(
    objective: Objective,
    /,
    *,
    names: tuple[str, ...],
    starts: Sequence[Sequence[float]],
    n_customers: float,
    model: str,
    max_iterations: int = 500,
    boundaries: Sequence[Boundary] = (),
) -> MaximumLikelihood:
    """Maximise a log-likelihood over positive parameters.

    The search runs in log-parameter space (so every parameter stays
    positive) with BFGS on the mean log-likelihood per customer and the
    analytic gradient, from each start in turn until one converges: the
    gradient norm of the mean log-likelihood with respect to the
    log-parameters is below 1e-5, no parameter sits at the edge of
    [1e-13, 1e13], the Hessian is negative definite, a Newton step
    would move the log-parameters by less than 0.01 and no standard error
    exceeds ten times its parameter (so a parameter drifting to 0 or
    infinity along a flat ridge is caught). One Newton step on the
    finite-difference Hessian then polishes the optimum.

    Then each of the model's ``boundaries`` (edges of the parameter space
    where it becomes a simpler model) is probed: the log-likelihood is
    maximised over the other parameters with the edge's parameters moved
    far out (to e^18 or e^-18) along it, and if that is within 1e-6 per
    customer of the optimum, the likelihood is flat towards the edge and
    its supremum lies there, wherever the optimizer stopped. This test
    does not depend on the optimizer's stopping point: a proper interior
    maximum is higher than every point far along the edge. Standard errors
    are the square roots of the diagonal of the inverse of the negative
    Hessian (observed information) of the summed log-likelihood.

    Args:
        objective: Returns the summed log-likelihood and its gradient with
            respect to the natural parameters.
        names: The parameter names, in the objective's order.
        starts: Starting values to try, in order.
        n_customers: The number of customers (sum of weights), to scale.
        model: The model's name, for error messages.
        max_iterations: Iteration limit per start.
        boundaries: The model's edges to probe.

    Returns:
        Estimates, standard errors, covariance, log-likelihood, diagnostics.

    Raises:
        ConvergenceError: No start converged, or the optimum is not a
            proper maximum (the Hessian is not negative definite); the
            message lists every start tried and where it ended. Or the
            likelihood is as high at a boundary: the message names its
            parameters and the simpler model the data support.

    Examples:
        See :class:`MaximumLikelihood`.

    .. versionadded:: 0.1
    """
    negative_mean = _log_space(objective, n_customers)
    attempts: list[_Attempt] = []
    best: _Attempt | None = None
    for start in starts:
        start_array = np.log(np.asarray(start, dtype=np.float64))
        attempt = _Attempt(
            start=tuple(float(v) for v in start),
            result=_bfgs(negative_mean, start_array, max_iterations),
        )
        if attempt.stationary:
            attempt = _check_maximum(objective, attempt, n_customers)
        attempts.append(attempt)
        if attempt.stationary and attempt.problem is None:
            best = attempt
            break
    tried = "; ".join(a.describe() for a in attempts)
    _check_boundaries(
        negative_mean,
        attempts if best is None else [best],
        boundaries,
        names=names,
        model=model,
        n_customers=n_customers,
    )
    if best is None or best.hessian is None:
        msg = (
            f"{model} fit did not converge from {len(attempts)} starting "
            f"value(s) with {_METHOD}: {tried}."
            f"{_running_off(attempts, names, boundaries)} The "
            "data may not identify the model (e.g. no repeat purchases, or "
            "too few customers); check the summary or use another model"
        )
        raise ConvergenceError(msg)
    theta, gradient = best.natural(n_customers)
    log_likelihood = -best.result.fun * n_customers
    hessian = best.hessian
    # The Newton step moves the estimate by far less than its standard
    # error, so the Hessian at the pre-polish point serves for both.
    theta, log_likelihood, gradient = _newton_polish(
        objective, theta, hessian, log_likelihood, gradient
    )
    covariance = np.linalg.inv(-hessian)
    covariance = (covariance + covariance.T) / 2
    final_gradient = gradient * theta / n_customers
    se = np.sqrt(np.diag(covariance))
    diagnostics = OptimizerDiagnostics(
        method=_METHOD,
        converged=True,
        iterations=int(best.result.nit),
        function_evaluations=int(best.result.nfev),
        gradient_norm=float(np.linalg.norm(final_gradient)),
        message=str(best.result.message),
        starts_tried=len(attempts),
    )
    return MaximumLikelihood(
        parameters={n: float(v) for n, v in zip(names, theta, strict=True)},
        standard_errors={n: float(v) for n, v in zip(names, se, strict=True)},
        covariance=tuple(tuple(float(v) for v in row) for row in covariance),
        log_likelihood=float(log_likelihood),
        n_customers=float(n_customers),
        diagnostics=diagnostics,
    )


_FitT = TypeVar("_FitT", bound=FittedModel)


def fit_by_maximum_likelihood(
    fit_class: type[_FitT],
    objective: Objective,
    /,
    *,
    starts: Sequence[Sequence[float]],
    n_customers: float,
    model: str,
    boundaries: Sequence[Boundary] = (),
) -> _FitT:
    """Maximise ``objective`` over ``fit_class``'s parameters; the fit record.

    :func:`maximize_likelihood` with ``names=fit_class.parameter_names``,
    validated into ``fit_class``.

    Examples:
        Every ``fit_*`` function of the package ends with it; see
        :func:`~customer_centric.clv.fit_bg_nbd` and
        :class:`MaximumLikelihood`.

    .. versionadded:: 0.1
    """
    mle = maximize_likelihood(
        objective,
        names=fit_class.parameter_names,
        starts=starts,
        n_customers=n_customers,
        model=model,
        boundaries=boundaries,
    )
    return fit_class.model_validate(mle.record_fields())


def _running_off(
    attempts: Sequence[_Attempt],
    names: tuple[str, ...],
    boundaries: Sequence[Boundary],
) -> str:
    """Name the parameters the best start took beyond e^18 or e^-18.

    And the first of the model's edges that they ran off along, if any.
    """
    best = min(attempts, key=lambda a: a.result.fun)
    log_theta = best.result.x
    off = [
        f"{name} to {'infinity' if value > 0 else '0'}"
        for name, value in zip(names, log_theta, strict=True)
        if abs(value) > _FAR_LOG
    ]
    if not off:
        return ""
    along = [
        b
        for b in boundaries
        if all(
            d * value > _FAR_LOG
            for d, value in zip(b.direction, log_theta, strict=True)
            if d != 0
        )
    ]
    edge = (
        ""
        if not along
        else f" where {along[0].parameters}, the simpler model with "
        f"{along[0].simpler}"
    )
    return (
        " At the best start the parameters ran off the parameter space ("
        + ", ".join(off)
        + f"): the likelihood rises towards a degenerate model{edge}."
    )


def _check_boundaries(
    negative_mean: Callable[[FloatArray], tuple[float, FloatArray]],
    attempts: Sequence[_Attempt],
    boundaries: Sequence[Boundary],
    *,
    names: tuple[str, ...],
    model: str,
    n_customers: float,
) -> None:
    """Raise ``ConvergenceError`` if the likelihood is as high at an edge.

    Compares the best point the starts reached with the profile
    likelihood far along each boundary (see :func:`maximize_likelihood`),
    except along an edge that a proper maximum's curvature puts clearly
    out of reach (:func:`_clearly_inside`).
    """
    finite = [
        a
        for a in attempts
        if a.result.fun < _UNDEFINED
        and np.abs(a.result.x).max() <= _TRUSTED_LOG
    ]
    if not finite:
        return
    best = min(finite, key=lambda a: a.result.fun)
    log_theta = best.result.x
    # The profile goes no further out than e^18 or its start.
    box = np.maximum(np.abs(log_theta), _FAR_LOG) + 1e-9
    for boundary in boundaries:
        direction = np.asarray(boundary.direction, dtype=np.float64)
        moved = direction != 0
        shift = _FAR_LOG - float((direction * log_theta)[moved].max())
        if _clearly_inside(best, shift * direction, n_customers):
            continue
        far = log_theta + shift * direction
        unit = direction / np.linalg.norm(direction)
        projector = np.eye(direction.size) - np.outer(unit, unit)

        def profile(
            v: FloatArray,
            far: FloatArray = far,
            projector: FloatArray = projector,
        ) -> tuple[float, FloatArray]:
            point = far + projector @ v
            if (np.abs(point) > box).any():
                # Beyond e^18 the likelihoods lose precision: stay inside.
                return _UNDEFINED, projector @ point
            value, gradient = negative_mean(point)
            return value, projector @ gradient

        run = _bfgs(
            profile,
            np.zeros(direction.size),
            _PROFILE_ITERATIONS,
            target=best.result.fun + _BOUNDARY_TOLERANCE,
            max_evaluations=_PROFILE_EVALUATIONS,
            min_step=_PROFILE_MIN_STEP,
        )
        gain = run.fun - best.result.fun
        if gain <= _BOUNDARY_TOLERANCE:
            point = ", ".join(
                f"{n}={v:.4g}"
                for n, v in zip(names, np.exp(log_theta), strict=True)
            )
            msg = (
                f"{model} fit did not converge to an interior optimum: the "
                f"likelihood is as high where {boundary.parameters} (mean "
                f"log-likelihood per customer {-run.fun:.8g} there, "
                f"{-best.result.fun:.8g} at the best point found, {point}), "
                f"so the data support the simpler model with "
                f"{boundary.simpler}. Fit that model, or use a larger or "
                "more varied customer base"
            )
            raise ConvergenceError(msg)


def _clearly_inside(
    best: _Attempt, step: FloatArray, n_customers: float
) -> bool:
    """Whether a proper maximum's curvature rules out the edge ``step`` away.

    The quadratic model of the mean log-likelihood at an accepted maximum
    predicts the profile ``step`` away (in log-parameters) lower by
    ``step**2 / (2 var)``, ``var`` the variance of the log-parameters
    along ``step``. Along a flat edge the curvature vanishes and the
    prediction is small; where it exceeds :data:`_CLEARLY_INSIDE` the edge
    is out of reach and its costly profile is skipped.
    """
    if best.problem is not None or best.hessian is None:
        return False
    theta = np.exp(best.result.x)
    log_information = -(theta[:, None] * best.hessian * theta) / n_customers
    variance = step @ np.linalg.solve(log_information, step) / (step @ step)
    return bool(step @ step / (2 * variance) > _CLEARLY_INSIDE)


def _check_maximum(
    objective: Objective, attempt: _Attempt, n_customers: float
) -> _Attempt:
    """Confirm a stationary point is a proper, interior maximum.

    The Hessian must be negative definite and the Newton step (in
    log-parameters) small: a parameter drifting towards 0 or infinity with
    a vanishing gradient fails the second test.
    """
    theta, gradient = attempt.natural(n_customers)
    with np.errstate(all="ignore"):
        hessian = _hessian(objective, theta, gradient)
    problem = None
    if not np.isfinite(hessian).all():
        problem = "the Hessian is not finite there"
    else:
        try:
            np.linalg.cholesky(-hessian)
        except np.linalg.LinAlgError:
            problem = (
                "the Hessian is not negative definite there (parameters "
                "not identified)"
            )
    if problem is None:
        step = np.linalg.solve(hessian, -gradient) / theta
        relative_se = np.sqrt(np.diag(np.linalg.inv(-hessian))) / theta
        if np.abs(step).max() > _NEWTON_STEP_TOLERANCE:
            problem = (
                "a Newton step would still move the log-parameters by "
                f"{np.abs(step).max():.3g} (drifting towards 0 or infinity)"
            )
        elif relative_se.max() > _RELATIVE_SE_LIMIT:
            problem = (
                "a parameter's standard error is "
                f"{relative_se.max():.3g} times its value (a flat ridge: "
                "the data do not identify it)"
            )
    return attrs.evolve(attempt, problem=problem, hessian=hessian)


def _newton_polish(
    objective: Objective,
    theta: FloatArray,
    hessian: FloatArray,
    value: float,
    gradient: FloatArray,
) -> tuple[FloatArray, float, FloatArray]:
    """One Newton step from ``theta``, kept only if it raises the likelihood.

    Returns the parameters with their log-likelihood and gradient. Only
    called after :func:`_check_maximum` accepted the point: the Hessian is
    negative definite (so the solve succeeds) and the step moves each
    parameter by under 1 % (so the candidate stays finite and positive).
    """
    candidate = theta + np.linalg.solve(hessian, -gradient)
    with np.errstate(all="ignore"):
        new_value, new_gradient = objective(candidate)
    if math.isfinite(new_value) and new_value >= value:
        return candidate, new_value, np.asarray(new_gradient, np.float64)
    return theta, value, gradient


# --------------------------------------------------------------------------
# Helpers for the models' likelihoods and predictions
# --------------------------------------------------------------------------


def factorise(
    values: FloatArray, /
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Unique values and, for each input, the index of its unique value.

    Likelihoods evaluate expensive terms (log-gamma of ``r + x``, logs of
    ``alpha + T``) once per distinct value and gather them back.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._fitting import factorise
        >>> factorise(np.array([3.0, 1.0, 3.0]))
        (array([1., 3.]), array([1, 0, 1]))

    .. versionadded:: 0.1
    """
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, inverse.reshape(-1).astype(np.intp)


def broadcast_rfm(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *extra: tuple[str, npt.ArrayLike],
) -> tuple[FloatArray, ...]:
    """Validate and broadcast prediction inputs to one common shape.

    The columns obey the rules of :func:`validate_rfm`; each ``(name,
    values)`` in ``extra`` (a horizon ``t``, a count ``n``) must be finite
    and non-negative.

    Returns:
        ``frequency, recency, T`` and the extras, as float arrays of the
        broadcast shape.

    Raises:
        DataError: A value breaks a rule, or the shapes do not broadcast.

    Examples:
        >>> from customer_centric.clv._fitting import broadcast_rfm
        >>> x, t_x, T, t = broadcast_rfm([1, 2], 3.0, 5.0, ("t", 10))
        >>> t_x.tolist(), t.tolist()
        ([3.0, 3.0], [10.0, 10.0])

    .. versionadded:: 0.1
    """
    names = ("frequency", "recency", "T", *(name for name, _ in extra))
    values = (frequency, recency, T, *(v for _, v in extra))
    arrays = []
    for name, value in zip(names, values, strict=True):
        arrays.append(as_floats(value, name=name))
    try:
        shaped = np.broadcast_arrays(*arrays)
    except ValueError as exc:
        shapes = ", ".join(
            f"{n} {a.shape!r}" for n, a in zip(names, arrays, strict=True)
        )
        msg = f"inputs do not broadcast to one shape: {shapes}"
        raise DataError(msg) from exc
    shape = shaped[0].shape
    flat = [np.ascontiguousarray(a).reshape(-1) for a in shaped]
    validate_rfm(flat[0], flat[1], flat[2])
    for name, array in zip(names[3:], flat[3:], strict=True):
        as_non_negative(array, name=name)
    return tuple(a.reshape(shape) for a in flat)


def purchase_counts(
    n: npt.ArrayLike, t: npt.ArrayLike, /
) -> tuple[FloatArray, FloatArray]:
    """Validate and broadcast ``P(X(t) = n)`` inputs: counts and horizons.

    Raises:
        DataError: ``n`` is not whole numbers, or either is negative, not
            finite, or the shapes do not broadcast.

    Examples:
        >>> from customer_centric.clv._fitting import purchase_counts
        >>> n, t = purchase_counts([0, 1, 2], 39)
        >>> t.tolist()
        [39.0, 39.0, 39.0]

    .. versionadded:: 0.1
    """
    _, _, _, count, horizon = broadcast_rfm(0, 0, 0, ("n", n), ("t", t))
    if (count != np.floor(count)).any():
        msg = f"n must be whole numbers of purchases, got {n!r}"
        raise DataError(msg)
    return count, horizon


def purchase_scales(data: CompressedRFM, /) -> tuple[float, float]:
    """The base's purchase rate and mean observation length, for starts.

    The rate is the mean repeat purchases over the mean observation length
    (at least 1e-3 per time unit), so that starting values follow the
    data's time unit.

    Examples:
        >>> from customer_centric.clv import compress
        >>> from customer_centric.clv._fitting import purchase_scales
        >>> purchase_scales(compress([0, 4], [0.0, 8.0], [10.0, 10.0]))
        (0.2, 10.0)

    .. versionadded:: 0.1
    """
    n_customers = float(data.weights.sum())
    mean_x = float(data.weights @ data.frequency) / n_customers
    mean_t = float(data.weights @ data.T) / n_customers
    return max(mean_x / max(mean_t, 1e-9), 1e-3), mean_t


def as_horizon(t: npt.ArrayLike, /, *, name: str = "t") -> FloatArray:
    """Return a finite, non-negative horizon as a float array (any shape).

    Examples:
        >>> from customer_centric.clv._fitting import as_horizon
        >>> as_horizon([1, 2]).tolist()
        [1.0, 2.0]

    .. versionadded:: 0.1
    """
    array = as_floats(t, name=name)
    as_non_negative(array.reshape(-1), name=name)
    return array


def real_number(value: object, /, *, name: str) -> float:
    """``value`` as a ``float`` if it is a real number (maybe NaN or inf).

    Integers too large for a float become infinity, so that the caller's
    own finiteness check explains them.

    Raises:
        ArgumentTypeError: ``value`` is not an ``int`` or ``float`` (or is
            a ``bool``).

    Examples:
        >>> from customer_centric.clv._fitting import real_number
        >>> real_number(10**400, name="t")
        inf
        >>> real_number("1", name="t")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ArgumentTypeError: t must be a real \
number, got '1' (str); pass a real number

    .. versionadded:: 0.2
    """
    if isinstance(value, bool) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise ArgumentTypeError.for_argument(name, value, "a real number")
    try:
        return float(value)
    except OverflowError:
        return math.inf


def check_model(model: object, /, *, name: str) -> PurchaseModel:
    """Return ``model`` if it is a fitted purchase model, else raise.

    Raises:
        ArgumentTypeError: ``model`` does not implement
            :class:`PurchaseModel`.

    Examples:
        >>> from customer_centric.clv._fitting import check_model
        >>> check_model(None, name="model")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ArgumentTypeError: model must be a \
fitted purchase model (e.g. BgNbdFit, ParetoNbdFit), got None \
(NoneType); pass a fitted purchase model (e.g. BgNbdFit, ParetoNbdFit)

    .. versionadded:: 0.2
    """
    if not isinstance(model, PurchaseModel):
        raise ArgumentTypeError.for_argument(
            name,
            model,
            "a fitted purchase model (e.g. BgNbdFit, ParetoNbdFit)",
        )
    return model


def given_parameter_fields(params: dict[str, object], /) -> dict[str, object]:
    """Record fields for a model built from known parameters, not fitted.

    Standard errors and the covariance are NaN, the log-likelihood is NaN,
    ``n_customers`` is 0 and the diagnostics say "parameters given". Use
    as ``MyFit.model_validate(given_parameter_fields({...}))``.

    Examples:
        >>> from customer_centric.clv._fitting import given_parameter_fields
        >>> given_parameter_fields({"p": 1.0})["n_customers"]
        0.0

    .. versionadded:: 0.1
    """
    k = len(params)
    nan = float("nan")
    return {
        **{name: real_number(v, name=name) for name, v in params.items()},
        "standard_errors": dict.fromkeys(params, nan),
        "covariance": tuple(tuple([nan] * k) for _ in range(k)),
        "log_likelihood": nan,
        "n_customers": 0.0,
        "diagnostics": {
            "method": "none",
            "converged": True,
            "iterations": 0,
            "function_evaluations": 0,
            "gradient_norm": 0.0,
            "message": "parameters given, not fitted",
            "starts_tried": 0,
        },
    }
