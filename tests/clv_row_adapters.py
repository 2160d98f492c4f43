"""The package's packed row functions, unpacked for the tests.

The covariate fits and the Pareto/NBD integral work on packed per-row
arrays: each row's Hessian as its upper triangle, and for the covariate
models the value, derivatives and Hessian in the log-parameters, in one
array. These adapters turn them into the full per-row forms in the
parameters themselves (value ``(rows,)``, gradient ``(k, rows)`` and
Hessian ``(k, k, rows)``), so that the tests can pin the packed code
against the outputs of the older unpacked functions and against finite
differences.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray
from customer_centric.clv import _pareto_nbd
from customer_centric.clv._covariates import (
    _BG_NBD_ROWS,
    _DIAGONAL,
    _PAIRS,
    _bg_nbd_log,
    _bg_nbd_no_repeats_into,
    _bg_nbd_rows_into,
    _pareto_nbd_packed,
    _Rows,
    _stacked,
)

RowForms = tuple[FloatArray, FloatArray, FloatArray]
"""Per-row value ``(rows,)``, gradient ``(k, rows)``, Hessian ``(k, k,
rows)``."""


def _unpacked(
    packed: FloatArray,
    pairs: tuple[npt.NDArray[np.intp], ...],
) -> FloatArray:
    """A packed Hessian ``(pairs, rows)`` as the full ``(k, k, rows)``.

    ``pairs`` are the packed entries' ``(i, j)``, ``i <= j``, as two index
    arrays; the last is the diagonal's ``(k-1, k-1)``.
    """
    first, second = pairs
    k = int(second[-1]) + 1
    hessian = np.empty((k, k, packed.shape[1]))
    hessian[first, second] = packed
    hessian[second, first] = packed
    return hessian


def _in_parameters(
    rows: FloatArray, params: Sequence[float | FloatArray]
) -> RowForms:
    """A covariate model's packed rows in the parameters themselves.

    The inverse of ``_covariates._in_log_parameters``: from ``(1 + k +
    pairs, rows)`` in the log-parameters to the value, the derivatives
    and the Hessians.
    """
    k = len(params)
    first, second = _PAIRS[k]
    values = _stacked(params, rows.shape[1])
    derivatives = rows[1 : 1 + k] / values
    packed = rows[1 + k :].copy()
    packed[_DIAGONAL[k]] -= rows[1 : 1 + k]
    packed /= values[first] * values[second]
    return rows[0].copy(), derivatives, _unpacked(packed, _PAIRS[k])


def pareto_nbd_hessian(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> RowForms:
    """``_pareto_nbd_packed`` with the Hessians whole, ``(4, 4, rows)``."""
    value, derivatives, packed = _pareto_nbd_packed(params, rows)
    return value, derivatives, _unpacked(packed, _PAIRS[4])


def bg_nbd_hessian(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> RowForms:
    """``_bg_nbd_log`` (rows split by ``x = 0``) in the parameters."""
    return _in_parameters(_bg_nbd_log(params, rows), params)


def bg_nbd_no_repeats(
    r: float, alpha: float | FloatArray, big_t: FloatArray
) -> RowForms:
    """``_bg_nbd_no_repeats_into``'s closed form (``x = 0``) unpacked."""
    result = np.empty((_BG_NBD_ROWS, big_t.size))
    _bg_nbd_no_repeats_into(result, r, alpha, big_t)
    # a and b drop out: any value divides their zero derivatives.
    return _in_parameters(result, (r, alpha, 1.0, 1.0))


def bg_nbd_rows(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> RowForms:
    """``_bg_nbd_rows_into``'s general form (any ``x``) unpacked."""
    result = np.empty((_BG_NBD_ROWS, rows.x.size))
    _bg_nbd_rows_into(result, params, rows)
    return _in_parameters(result, params)


def log_integral_hessian_rows(
    params: tuple[float, float | FloatArray, float, float | FloatArray],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
) -> RowForms:
    """``log s*I`` per row with its gradient and whole Hessian.

    ``log_integral_packed_hessian_rows`` with the Hessians ``(4, 4,
    rows)``.
    """
    log_si, grads, packed = _pareto_nbd.log_integral_packed_hessian_rows(
        params, x, t_x, big_t
    )
    return log_si, grads, _unpacked(packed, _pareto_nbd._PAIRS)
