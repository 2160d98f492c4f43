"""Recency-frequency summaries as validated arrays, and their compression.

Every model in :mod:`customer_centric.clv` checks its summary with
:func:`validate_rfm` (or :func:`broadcast_rfm` for predictions), which
raises :class:`~customer_centric.exceptions.DataError` naming the
offending rows, and fits on the unique rows with weights
(:func:`compress`), so the likelihood is evaluated once per distinct
pattern.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    as_counts,
    as_float_array,
    as_floats,
    as_non_negative,
    dot,
    read_only,
    read_only_indices,
    reject_rows,
)
from customer_centric.clv._optimizer import (
    Boundary,
    Objective,
    fit_by_maximum_likelihood,
)
from customer_centric.clv._records import FittedModel
from customer_centric.exceptions import DataError

__all__ = [
    "CompressedRFM",
    "RFMArrays",
    "broadcast_rfm",
    "check_weights",
    "compress",
    "factorise",
    "fit_compressed",
    "purchase_counts",
    "purchase_scales",
    "validate_rfm",
    "weighted_purchase_scales",
]


def check_weights(
    weights: npt.ArrayLike | None, /, *, size: int
) -> FloatArray:
    """Return validated weights (ones when ``None``) for ``size`` rows.

    Raises:
        DataError: Wrong length, non-finite or non-positive weights.

    Examples:
        >>> from customer_centric.clv._rfm import check_weights
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
# Helpers for the models' likelihoods and predictions
# --------------------------------------------------------------------------

_FitT = TypeVar("_FitT", bound=FittedModel)


def fit_compressed(
    fit_class: type[_FitT],
    likelihood: Callable[
        [FloatArray, FloatArray, FloatArray, FloatArray], Objective
    ],
    data: CompressedRFM,
    /,
    *,
    starts: Sequence[Sequence[float]],
    model: str,
    boundaries: Sequence[Boundary],
) -> _FitT:
    """Fit a model of histories on their compressed rows.

    ``likelihood`` is built from the unique rows' columns and weights
    (``frequency, recency, T, weights``); the fit counts the customers the
    weights stand for. The history models (BG/NBD, Pareto/NBD, BG/BB) are
    all fitted this way.

    Examples:
        See :func:`~customer_centric.clv.fit_bg_nbd`.

    .. versionadded:: 0.2
    """
    return fit_by_maximum_likelihood(
        fit_class,
        likelihood(data.frequency, data.recency, data.T, data.weights),
        starts=starts,
        n_customers=float(data.weights.sum()),
        model=model,
        boundaries=boundaries,
    )


def factorise(
    values: FloatArray, /
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Unique values and, for each input, the index of its unique value.

    Likelihoods evaluate expensive terms (log-gamma of ``r + x``, logs of
    ``alpha + T``) once per distinct value and gather them back.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._rfm import factorise
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
        >>> from customer_centric.clv._rfm import broadcast_rfm
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
        >>> from customer_centric.clv._rfm import purchase_counts
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
        >>> from customer_centric.clv._rfm import purchase_scales
        >>> purchase_scales(compress([0, 4], [0.0, 8.0], [10.0, 10.0]))
        (0.2, 10.0)

    .. versionadded:: 0.1
    """
    return weighted_purchase_scales(data.weights, data.frequency, data.T)


def weighted_purchase_scales(
    weights: FloatArray,
    frequency: FloatArray,
    T: FloatArray,  # noqa: N803 - the papers' name
    /,
) -> tuple[float, float]:
    """:func:`purchase_scales` of rows given as their columns.

    For rows already compressed, without a :class:`CompressedRFM`'s
    copies.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._rfm import weighted_purchase_scales
        >>> weighted_purchase_scales(
        ...     np.ones(2), np.array([0.0, 4.0]), np.array([10.0, 10.0]))
        (0.2, 10.0)

    .. versionadded:: 0.2
    """
    n_customers = float(weights.sum())
    mean_x = dot(weights, frequency) / n_customers
    mean_t = dot(weights, T) / n_customers
    return max(mean_x / max(mean_t, 1e-9), 1e-3), mean_t
