"""Numerical input checks and read-only arrays, shared by the numerical areas.

The models (:mod:`customer_centric.clv`) and their figures
(:mod:`customer_centric.plot`) check their numeric inputs with these
helpers, so a bad value is reported the same way wherever it enters: a
:class:`~customer_centric.exceptions.DataError` that names the offending
rows and their values. Answers hold their arrays read-only
(:func:`read_only`). A fitted model passed in is checked against
:class:`PurchaseModel`, the protocol both areas read it through
(published as :class:`customer_centric.clv.PurchaseModel`).

Only the numerical areas import this module (it needs numpy, which the
core does not).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import Any, Final, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

from customer_centric.exceptions import ArgumentTypeError, DataError

__all__ = [
    "MAX_VALUE",
    "FloatArray",
    "PurchaseModel",
    "as_counts",
    "as_float_array",
    "as_floats",
    "as_horizon",
    "as_non_negative",
    "check_integer",
    "check_model",
    "dot",
    "read_only",
    "read_only_indices",
    "real_number",
    "reject_rows",
    "weighted_rows",
]

FloatArray: TypeAlias = npt.NDArray[np.float64]
"""A numpy array of ``float64``."""
_Numbers: TypeAlias = npt.NDArray[np.number[Any]]

_MAX_SHOWN: Final = 5
MAX_VALUE: Final = 1e12
"""Largest accepted input value (times, counts, money, weights)."""


# --------------------------------------------------------------------------
# Immutable containers
# --------------------------------------------------------------------------


def read_only(values: npt.ArrayLike, /) -> FloatArray:
    """A read-only ``float64`` copy of ``values``, for answers' arrays.

    Answers are frozen: a caller holding one cannot change the arrays
    another caller holds, and the inputs are never aliased.

    Examples:
        >>> from customer_centric._arrays import read_only
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
        >>> from customer_centric._arrays import read_only_indices
        >>> read_only_indices([0, 1]).flags.writeable
        False

    .. versionadded:: 0.2
    """
    array = np.array(values, dtype=np.intp)
    array.flags.writeable = False
    return array


# --------------------------------------------------------------------------
# Reductions kept off threaded BLAS
# --------------------------------------------------------------------------
# ``a @ b`` calls BLAS, and OpenBLAS splits long products over its threads;
# on a shared CPU waking them costs milliseconds (issue 10 measured 23 ms
# for a 30,000-element ``w @ v``, against 4 microseconds in one thread), so
# a fit made of hundreds of such sums lost to pure numpy peers. numpy's
# own ``einsum`` loop (without ``optimize``, which would hand it to BLAS)
# sums in the calling thread with the same accuracy.


def dot(a: _Numbers, b: _Numbers, /) -> float:
    """The sum of ``a * b`` over two vectors, in the calling thread.

    Examples:
        >>> import numpy as np
        >>> from customer_centric._arrays import dot
        >>> dot(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
        11.0

    .. versionadded:: 0.2
    """
    return float(np.einsum("i,i->", a, b))


def weighted_rows(matrix: _Numbers, weights: _Numbers, /) -> FloatArray:
    """``matrix @ weights`` for a matrix and a vector, in the calling thread.

    Examples:
        >>> import numpy as np
        >>> from customer_centric._arrays import weighted_rows
        >>> weighted_rows(np.array([[1.0, 2.0], [3.0, 4.0]]),
        ...               np.array([1.0, 10.0]))
        array([21., 43.])

    .. versionadded:: 0.2
    """
    result: FloatArray = np.einsum("ij,j->i", matrix, weights)
    return result


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
        >>> from customer_centric._arrays import reject_rows
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
        >>> from customer_centric._arrays import as_float_array
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
    # One test for both rules (NaN compares false): data that pass it
    # are scanned once, not once per rule.
    if not (np.abs(array) <= MAX_VALUE).all():
        _reject_unusable(array, name=name)
    return array


def _reject_unusable(array: FloatArray, /, *, name: str) -> None:
    """Raise ``DataError`` for the values that are not finite, or too large."""
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


def as_floats(values: object, /, *, name: str) -> FloatArray:
    """``np.asarray(values, float64)``, raising ``DataError`` if it fails.

    Examples:
        >>> from customer_centric._arrays import as_floats
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
        >>> from customer_centric._arrays import as_non_negative
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
        >>> from customer_centric._arrays import check_integer
        >>> check_integer(np.array([1.0, 1.5]), name="frequency")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: frequency must be whole \
numbers; offending rows: row 1 (frequency=1.5)

    .. versionadded:: 0.1
    """
    reject_rows(
        array != np.floor(array),
        f"{name} must be whole numbers",
        (name, array),
    )
    return array


def as_counts(values: npt.ArrayLike, /, *, name: str) -> FloatArray:
    """Return ``values`` as a 1-D float array of whole numbers >= 0.

    :func:`as_non_negative` and :func:`check_integer` in turn, for counts
    (repeat purchases, survivors).

    Examples:
        >>> from customer_centric._arrays import as_counts
        >>> as_counts([0, 3], name="frequency")
        array([0., 3.])

    .. versionadded:: 0.1
    """
    return check_integer(as_non_negative(values, name=name), name=name)


def as_horizon(t: npt.ArrayLike, /, *, name: str = "t") -> FloatArray:
    """Return a finite, non-negative horizon as a float array (any shape).

    Examples:
        >>> from customer_centric._arrays import as_horizon
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
        >>> from customer_centric._arrays import real_number
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


# --------------------------------------------------------------------------
# Fitted purchase models
# --------------------------------------------------------------------------
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


def check_model(model: object, /, *, name: str) -> PurchaseModel:
    """Return ``model`` if it is a fitted purchase model, else raise.

    Raises:
        ArgumentTypeError: ``model`` does not implement
            :class:`PurchaseModel`.

    Examples:
        >>> from customer_centric._arrays import check_model
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
