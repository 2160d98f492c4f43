"""Time-invariant covariates in the Pareto/NBD, BG/NBD and GGom/NBD models.

Each customer ``i`` with covariates ``z_i`` (one row of numbers per
process) gets their own scale parameters, as in CLVTools and Fader &
Hardie (2007), "Incorporating Time-Invariant Covariates into the
Pareto/NBD and BG/NBD Models": the purchase scale ``alpha_i = alpha *
exp(-gamma_purchase . z_i)`` in every model; the dropout scale ``beta_i =
beta * exp(-gamma_dropout . z_i)`` in the Pareto/NBD and the GGom/NBD
(CLVTools' ``ggomnbd``, after Bemmaor & Glady 2012); and in the BG/NBD
``a_i = a * exp(gamma_dropout . z_i)``, ``b_i = b * exp(gamma_dropout .
z_i)``. The other parameters (``r``, ``s``, the Gompertz ``b``) are
common. The likelihood is the models' own, evaluated per (compressed) row
with that row's scales, and its gradient follows by the chain rule from
the per-row derivatives.

Coefficients are fitted by the same optimizer as the models' parameters,
which works on positive parameters in log space: it is handed
``exp(gamma)``, so that it searches ``gamma`` itself, unconstrained. It
takes Newton steps on the exact Hessian: each row's log-parameters are
linear in the optimizer's variables, so the Hessian is the rows' own
``k x k`` Hessians (analytic for the Pareto/NBD and BG/NBD, differenced
for the GGom/NBD) mapped through the covariates, and it also gives the
standard errors. An
L2 penalty ``lambda * sum(gamma**2)`` shrinks the coefficients, and a
covariate can have one coefficient shared by the two processes. Besides
the plain model's edges, the fit probes the edges that one group of
customers reaches through a coefficient (``covariate_boundaries``).

.. versionadded:: 0.2
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import (
    TYPE_CHECKING,
    Final,
    Protocol,
    TypeAlias,
    TypeVar,
    cast,
    final,
    overload,
)

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    as_floats,
    real_number,
    weighted_rows,
)
from customer_centric._extras import defer_import
from customer_centric.clv._bg_nbd import BgNbdFit
from customer_centric.clv._covariate_records import (
    PROCESSES,
    CovariateEffects,
    Process,
)
from customer_centric.clv._ggom_nbd import GgomNbdFit, log_likelihood_terms
from customer_centric.clv._optimizer import (
    _TRUSTED_LOG,
    Boundary,
    maximize_likelihood,
)
from customer_centric.clv._pareto_nbd import (
    ParetoNbdFit,
    log_integral_packed_hessian_rows,
)
from customer_centric.clv._records import FittedModel
from customer_centric.clv._rfm import (
    factorise,
    validate_rfm,
    weighted_purchase_scales,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
)

if TYPE_CHECKING:
    from scipy import special
else:
    special = defer_import("scipy.special")

__all__ = [
    "Covariates",
    "at_covariates",
    "fit_with_covariates",
    "predict_per_customer",
]


class _DataFrame(Protocol):
    """A dataframe: pandas, polars, pyarrow (read through narwhals)."""

    @property
    def columns(self) -> object: ...


Covariates: TypeAlias = Mapping[str, npt.ArrayLike] | _DataFrame
"""Covariates of one process: a mapping of name to one value per customer,
or a dataframe whose columns are the covariates (needs the
``[dataframe]`` extra)."""

CovariateFit: TypeAlias = ParetoNbdFit | BgNbdFit | GgomNbdFit
_F = TypeVar("_F", bound=ParetoNbdFit | BgNbdFit | GgomNbdFit)

_SCALES: Final[dict[str, dict[Process, tuple[tuple[str, int], ...]]]] = {
    "Pareto/NBD": {"purchase": (("alpha", -1),), "dropout": (("beta", -1),)},
    "BG/NBD": {"purchase": (("alpha", -1),), "dropout": (("a", 1), ("b", 1))},
    "GGom/NBD": {"purchase": (("alpha", -1),), "dropout": (("beta", -1),)},
}
"""For each model and process, the parameters a covariate scales, and the
sign of ``gamma . z`` in their multiplier ``exp(sign * gamma . z)``
(CLVTools' parametrisation, stated in the module docstring)."""


_MODELS: Final[dict[type[FittedModel], str]] = {
    ParetoNbdFit: "Pareto/NBD",
    BgNbdFit: "BG/NBD",
    GgomNbdFit: "GGom/NBD",
}


def _model_name(fit_class: type[FittedModel]) -> str:
    return _MODELS[fit_class]


_SHORT_COUNT: Final = 32
"""Counts ``x`` up to which the rises of the log-gamma function and its
derivatives are finite sums (:class:`_Rises`), one term per purchase:
exact where the special functions' difference cancels (``z`` far above
``x``), and cheaper than those functions' calls on the few longer
histories (CDNOW's longest has 29 repeat purchases, the apparel data's
21, so neither reaches the special functions)."""


@final
@attrs.frozen(kw_only=True, eq=False)
class _Rises:
    """The rises ``f(z + x) - f(z)`` of log-gamma, digamma and trigamma.

    For fixed pairs of a start (an index into the ``z`` handed to
    :meth:`__call__`) and a count ``x``. Whole counts up to
    :data:`_SHORT_COUNT` are the finite sums ``sum_{j<x} log(z+j)``,
    ``sum 1/(z+j)`` and ``-sum 1/(z+j)^2``: every pair's terms (one per
    purchase, CDNOW's 946 repeat buyers' rows 5,189 in all) in one flat
    array, each function one numpy call on it and the three sums one
    ``bincount``, where a dense array of terms by rows computes every row
    at the longest count. Longer (or fractional) counts add the rise from
    the sums' last term to ``z + x`` by the special functions.
    """

    size: int
    gather: npt.NDArray[np.intp]
    steps: FloatArray
    segments: npt.NDArray[np.intp]
    long: npt.NDArray[np.intp]
    long_start: npt.NDArray[np.intp]
    long_from: FloatArray
    long_span: FloatArray

    @classmethod
    def of(cls, starts: npt.NDArray[np.intp], counts: FloatArray) -> _Rises:
        """The rises from ``z[starts]`` over ``counts``."""
        whole = counts == np.floor(counts)
        short = np.where(whole, np.minimum(counts, _SHORT_COUNT), 0.0)
        lengths = short.astype(np.intp)
        first = np.cumsum(lengths) - lengths
        size = counts.size
        long = np.flatnonzero(short != counts)
        return cls(
            size=size,
            gather=np.repeat(starts, lengths),
            steps=(
                np.arange(lengths.sum()) - np.repeat(first, lengths)
            ).astype(np.float64),
            # One bincount for the three functions: each its own block.
            segments=np.repeat(np.arange(3 * size), np.tile(lengths, 3)),
            long=long,
            long_start=starts[long],
            long_from=short[long],
            long_span=(counts - short)[long],
        )

    def __call__(self, z: FloatArray) -> FloatArray:
        """The rises, ``(3, pairs)``: log-gamma, digamma and trigamma."""
        terms = z[self.gather] + self.steps
        functions = np.empty((3, terms.size))
        np.log(terms, out=functions[0])
        np.reciprocal(terms, out=functions[1])
        np.square(functions[1], out=functions[2])
        # (Without terms, bincount answers in integers.)
        rises = (
            np.bincount(
                self.segments,
                weights=functions.reshape(-1),
                minlength=3 * self.size,
            )
            .astype(np.float64, copy=False)
            .reshape(3, self.size)
        )
        np.negative(rises[2], out=rises[2])
        if self.long.size:
            rises[:, self.long] += self._beyond(z)
        return rises

    def _beyond(self, z: FloatArray) -> FloatArray:
        """The long counts' rises past the sums, by the special functions."""
        start = z[self.long_start] + self.long_from
        arguments = np.concatenate([start, start + self.long_span])
        values = np.empty((3, arguments.size))
        values[0] = special.gammaln(arguments)
        values[1] = special.digamma(arguments)
        values[2] = _trigamma(arguments)
        half = start.size
        result: FloatArray = values[:, half:] - values[:, :half]
        return result


@final
@attrs.frozen(kw_only=True, eq=False, slots=False)  # for the cached rises
class _Rows:
    """The compressed rows' histories, with their distinct counts ``x``.

    Terms in ``r + x`` alone (log-gamma, digamma) are evaluated once per
    distinct ``x`` and gathered back by ``x_index``. ``zeros`` counts the
    leading rows without repeat purchases (``x = 0``): the BG/NBD takes
    a shorter form there (:func:`_bg_nbd_no_repeats_into`), and
    :class:`_Likelihood` orders its rows so that all of them lead.
    ``times`` stacks ``T`` over ``t_x``.
    """

    x: FloatArray
    t_x: FloatArray
    big_t: FloatArray
    x_unique: FloatArray
    x_index: npt.NDArray[np.intp]
    repeat: npt.NDArray[np.bool_]
    every_repeat: bool
    before: FloatArray
    zeros: int
    times: FloatArray
    repeats: _Rows | None = None
    """The rows after the leading ``zeros`` (made once, by :meth:`of`)."""

    @classmethod
    def of(cls, x: FloatArray, t_x: FloatArray, big_t: FloatArray) -> _Rows:
        x_unique, x_index = _factorised(x)
        repeat = x > 0
        # The leading run of x = 0 (all rows if there is no repeat).
        zeros = int(np.argmax(repeat)) if repeat.any() else x.size
        repeats = cls._made(
            x[zeros:],
            t_x[zeros:],
            big_t[zeros:],
            x_unique=x_unique,
            x_index=x_index[zeros:],
            zeros=0,
        )
        return cls._made(
            x,
            t_x,
            big_t,
            x_unique=x_unique,
            x_index=x_index,
            zeros=zeros,
            repeats=repeats,
        )

    @classmethod
    def _made(
        cls,
        x: FloatArray,
        t_x: FloatArray,
        big_t: FloatArray,
        *,
        x_unique: FloatArray,
        x_index: npt.NDArray[np.intp],
        zeros: int,
        repeats: _Rows | None = None,
    ) -> _Rows:
        return cls(
            x=x,
            t_x=t_x,
            big_t=big_t,
            x_unique=x_unique,
            x_index=x_index,
            repeat=x > 0,
            every_repeat=bool((x > 0).all()),
            before=x - 1,
            zeros=zeros,
            times=np.array([big_t, t_x]),  # (np.stack costs ten times)
            repeats=repeats,
        )

    @functools.cached_property
    def rises(self) -> tuple[_Rises, npt.NDArray[np.intp]]:
        """The BG/NBD's rises and the order that gathers them per row.

        From each row's ``a+b`` (start ``i``) and ``b`` (``n + i``) over
        its ``x``, then from ``r`` (``2n``) over each distinct ``x``
        (:func:`_beta_gamma_terms`). Made when first asked: a fit reads
        only its :attr:`repeats`', and only the BG/NBD's.
        """
        n = self.x.size
        starts = np.concatenate(
            [np.arange(2 * n), np.full(self.x_unique.size, 2 * n)]
        )
        counts = np.concatenate([self.x, self.x, self.x_unique])
        index = np.concatenate([np.arange(2 * n), 2 * n + self.x_index])
        return _Rises.of(starts, counts), index

    def trigamma(self, r: float) -> FloatArray:
        """``psi'(r+x) - psi'(r)``, the second ``r`` derivative."""
        xu = self.x_unique
        values = _trigamma(np.append(r + xu, r))
        result: FloatArray = (values[:-1] - values[-1])[self.x_index]
        return result

    def gamma_terms(self, r: float) -> tuple[FloatArray, FloatArray]:
        """``log Gamma(r+x) - log Gamma(r)`` and its ``r`` derivative."""
        xu = self.x_unique
        log_gamma = special.gammaln(r + xu) - special.gammaln(r)
        psi = special.digamma(r + xu) - special.digamma(r)
        return log_gamma[self.x_index], psi[self.x_index]


RowLikelihood: TypeAlias = Callable[
    [tuple[float | FloatArray, ...], _Rows], tuple[FloatArray, FloatArray]
]
"""Per-row log-likelihoods and their derivatives with respect to each of
the model's parameters (shape ``(parameters, rows)``), given scalar or
per-row parameters and the rows."""


def _ggom_nbd_rows(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> tuple[FloatArray, FloatArray]:
    """GGom/NBD log-likelihood per row (Bemmaor & Glady 2012)."""
    r0, alpha, b, s, beta = params
    r0 = float(r0)
    alive, died, mixed = log_likelihood_terms(
        (r0, alpha, float(b), float(s), beta),
        rows.x,
        rows.t_x,
        rows.big_t,
        gradient=True,
    )
    assert mixed is not None  # noqa: S101 - asked for above
    log_alpha = np.log(alpha)
    log_gamma, psi = rows.gamma_terms(r0)
    value = log_gamma + r0 * log_alpha + np.logaddexp(alive, died)
    mixed[0] += psi + log_alpha
    mixed[1] += r0 / alpha
    return value, mixed


_TRIGAMMA_SHIFT: Final = 7
"""Recurrence steps before the asymptotic series of :func:`_trigamma`."""
_STEPS: Final = np.arange(float(_TRIGAMMA_SHIFT))[:, None]


def _trigamma(z: FloatArray) -> FloatArray:
    """``psi'(z)`` for ``z > 0``, to about 1e-12 relative.

    The recurrence ``psi'(z) = psi'(z+1) + 1/z^2`` seven times, then the
    asymptotic series in ``w = 1/(z+7)`` through its ``w^13`` term
    (Abramowitz & Stegun 6.4.12; the first omitted term is below 3e-13
    there): scipy's ``polygamma(1, z)`` goes through the Hurwitz zeta
    function and cost most of a BG/NBD Hessian.
    """
    # The recurrence's terms as one (steps, z) array: four numpy calls,
    # not four per step (at a few dozen values the calls are the cost).
    shifted = z + _STEPS
    np.reciprocal(shifted, out=shifted)
    np.square(shifted, out=shifted)
    total = shifted.sum(axis=0)
    w = 1 / (z + _TRIGAMMA_SHIFT)
    w2 = w * w
    tail = 1 / 30 - w2 * (5 / 66 - w2 * (691 / 2730))
    series = (
        w
        + w2 / 2
        + w * w2 * (1 / 6 - w2 * (1 / 30 - w2 * (1 / 42 - w2 * tail)))
    )
    result: FloatArray = total + series
    return result


RowHessian: TypeAlias = Callable[
    [tuple[float | FloatArray, ...], _Rows], FloatArray
]
"""Per-row log-likelihoods with their derivatives and second derivatives
in the model's log-parameters, one array ``(1 + k + pairs, rows)``: the
value, the ``k`` derivatives, then the Hessian's upper triangle packed
in :data:`_PAIRS`'s order (a row's Hessian is symmetric: 10 entries of
16 for four parameters)."""


_PAIRS: Final = {k: np.triu_indices(k) for k in (4, 5)}
"""The packed Hessians' entries ``(i, j)``, ``i <= j``, row by row (so
that ``i``'s are one slice), for four and five parameters."""
_DIAGONAL: Final = {k: np.flatnonzero(i == j) for k, (i, j) in _PAIRS.items()}
"""Where the packed Hessians keep their diagonals."""
_ROW_BOUNDS: Final = {
    k: np.searchsorted(first, np.arange(k + 1)).tolist()
    for k, (first, _) in _PAIRS.items()
}
"""Where each ``i``'s entries start in a packed Hessian (and the end)."""


def _stacked(params: Sequence[float | FloatArray], n: int) -> FloatArray:
    """The parameters as ``(k, rows)``, scalars repeated."""
    values = np.empty((len(params), n))
    for position, parameter in enumerate(params):
        values[position] = parameter
    return values


def _in_log_parameters(
    value: FloatArray,
    derivatives: FloatArray,
    packed: FloatArray,
    params: Sequence[float | FloatArray],
) -> FloatArray:
    """A :data:`RowHessian`'s rows from the parameters' own derivatives.

    ``packed`` holds each row's Hessian's upper triangle (:data:`_PAIRS`).
    ``d2/dlog_i dlog_j = p_i p_j H_ij + delta_ij p_i g_i`` per row.
    """
    k = len(params)
    first, second = _PAIRS[k]
    values = _stacked(params, value.size)
    result = np.empty((1 + k + first.size, value.size))
    result[0] = value
    gradient = result[1 : 1 + k]
    in_logs = result[1 + k :]
    np.multiply(packed, values[first], out=in_logs)
    in_logs *= values[second]
    np.multiply(derivatives, values, out=gradient)
    in_logs[_DIAGONAL[k]] += gradient
    return result


def _pareto_nbd_log(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> FloatArray:
    """:func:`_pareto_nbd_packed` as a :data:`RowHessian`."""
    return _in_log_parameters(*_pareto_nbd_packed(params, rows), params)


_AT: Final = {
    (int(i), int(j)): n
    for n, (i, j) in enumerate(zip(*_PAIRS[4], strict=True))
}
"""Where a packed four-parameter Hessian keeps entry ``(i, j)``."""


def _pareto_nbd_packed(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Pareto/NBD per-row log-likelihood, derivatives and packed Hessian.

    In the rows' own parameters; each row's Hessian as its upper
    triangle (:data:`_PAIRS`), the entries a fit sums. The
    log-likelihood is smooth terms plus ``log(e^t1 + e^t2)``, whose
    Hessian is ``p1 H1 + p2 H2 + p1 p2 (g1-g2)(g1-g2)'`` (``p`` each
    term's share); ``t2``'s comes from the quadrature's moments.
    """
    r0, alpha, s0, beta = params
    r0, s0 = float(r0), float(s0)
    x, big_t = rows.x, rows.big_t
    a_t = alpha + big_t
    b_t = beta + big_t
    log_at, log_bt = np.log(a_t), np.log(b_t)
    term1 = -(r0 + x) * log_at - s0 * log_bt
    log_si, d_si, h_si = log_integral_packed_hessian_rows(
        (r0, alpha, s0, beta), x, rows.t_x, big_t
    )
    lse = np.logaddexp(term1, log_si)
    p2 = np.exp(log_si - lse)
    p1 = 1 - p2
    log_alpha, log_beta = np.log(alpha), np.log(beta)
    log_gamma, psi = rows.gamma_terms(r0)
    value = log_gamma + r0 * log_alpha + s0 * log_beta + lse
    d_t1 = np.stack([-log_at, -(r0 + x) / a_t, -log_bt, -s0 / b_t])
    derivatives = p1 * d_t1 + p2 * d_si
    derivatives[0] += psi + log_alpha
    derivatives[1] += r0 / alpha
    derivatives[2] += log_beta
    derivatives[3] += s0 / beta
    hessian = h_si  # this evaluation's own: scaled in place
    hessian *= p2
    # p1 p2 (g1-g2)(g1-g2)', entry by entry of the triangle.
    apart = d_t1 - d_si
    first, second = _PAIRS[4]
    hessian += ((p1 * p2) * apart)[first] * apart[second]
    hessian[_AT[0, 0]] += rows.trigamma(r0)
    hessian[_AT[0, 1]] += 1 / alpha - p1 / a_t
    hessian[_AT[1, 1]] += p1 * (r0 + x) / a_t**2 - r0 / alpha**2
    hessian[_AT[2, 3]] += 1 / beta - p1 / b_t
    hessian[_AT[3, 3]] += p1 * s0 / b_t**2 - s0 / beta**2
    return value, derivatives, hessian


def _bg_nbd_log(
    params: tuple[float | FloatArray, ...], rows: _Rows
) -> FloatArray:
    """BG/NBD per-row log-likelihood and derivatives, a :data:`RowHessian`.

    The leading rows without repeat purchases by
    :func:`_bg_nbd_no_repeats_into` (CDNOW's 1,411 of 2,357 customers;
    after compression, 168 of its 1,114 rows with the benchmark's
    covariates), the others by :func:`_bg_nbd_rows_into`, each writing
    its columns of one array.
    """
    start = rows.zeros
    result = np.empty((_BG_NBD_ROWS, rows.x.size))
    _bg_nbd_no_repeats_into(
        result[:, :start],
        float(params[0]),
        _part(params[1], None, start),
        rows.big_t[:start],
    )
    assert rows.repeats is not None  # noqa: S101 - made by _Rows.of
    _bg_nbd_rows_into(
        result[:, start:],
        tuple(_part(p, start, None) for p in params),
        rows.repeats,
    )
    return result


_BG_NBD_ROWS: Final = 1 + 4 + 10
"""A BG/NBD :data:`RowHessian`'s rows: value, 4 derivatives, 10 pairs."""


def _part(
    parameter: float | FloatArray, start: int | None, stop: int | None
) -> float | FloatArray:
    """A per-row parameter's rows ``start:stop``; a scalar as it is."""
    if isinstance(parameter, np.ndarray):
        part: FloatArray = parameter[start:stop]
        return part
    return parameter


def _bg_nbd_no_repeats_into(
    out: FloatArray, r: float, alpha: float | FloatArray, big_t: FloatArray
) -> None:
    """BG/NBD rows where ``x = 0``, in closed form, into ``out``.

    In the log-parameters, as :func:`_bg_nbd_rows_into`'s. There the
    second term is 0 (``p2 = 0``) and the beta and gamma functions'
    ratios are 1, so the log-likelihood is ``r log(alpha / (alpha +
    T))``: ``a`` and ``b`` drop out, and of the Hessian only the ``r,
    alpha`` block is left: a handful of numpy calls on these rows instead
    of the general form's few dozen.
    """
    out.fill(0.0)
    total = alpha + big_t
    log_ratio = np.log(alpha) - np.log(total)
    rest = big_t / total  # 1 - alpha / (alpha + T), without cancelling
    np.multiply(r, log_ratio, out=out[0])
    out[1] = out[0]
    np.multiply(r, rest, out=out[2])
    out[5] = out[0]  # r, r: the value's own
    out[6] = out[2]  # r, alpha
    out[9] = -out[2] * (alpha / total)  # alpha, alpha


def _bg_nbd_rows_into(
    out: FloatArray, params: tuple[float | FloatArray, ...], rows: _Rows
) -> None:
    """BG/NBD rows in the log-parameters, any ``x``, into ``out``.

    As :func:`_pareto_nbd_packed`, with FHL (2005)'s two closed-form
    terms (equation 6) and the beta function's trigamma terms, written
    directly in the log-parameters (``q = alpha / (alpha + T)``, ``D``
    the two terms' difference in them), so that no conversion follows.
    Each special function's rises come from one call
    (:func:`_beta_gamma_terms`): per call, not per element, numpy's cost
    dominates at the benchmarks' thousand rows.
    """
    r0, alpha, a, b = params
    r = float(r0)
    rx = r + rows.x
    total = alpha + rows.times  # alpha + T over alpha + t_x
    logs = np.log(total)
    log_alpha = np.log(alpha)
    q = alpha / total
    lse, shares, inv_bx1 = _bg_nbd_terms(rx * logs, a, b, rows)
    p1, p2 = shares
    lg, psi, psi1 = _beta_gamma_terms(rows, r, a + b, b)
    out[0] = lg[2] + lg[1] - lg[0] + r * log_alpha + lse
    gradient = out[1:5]
    hessian = out[5:]
    q_rise = q[1] - q[0]
    difference = np.empty((4, rows.x.size))
    np.multiply(r, logs[1] - logs[0], out=difference[0])
    np.multiply(rx, q_rise, out=difference[1])
    difference[2] = -1.0
    np.multiply(b, inv_bx1, out=difference[3])
    shared_q = shares * q
    mean_q = shared_q[0] + shared_q[1]  # p1 q1 + p2 q2
    psi_rise = psi[1] - psi[0]  # b's digamma terms less a+b's
    p2_difference = p2 * difference[3]
    # r (psi + p1 log q1 + p2 log q2), with log q = log alpha - log total
    gradient[0] = r * (psi[2] + (log_alpha - logs[0])) - p2 * difference[0]
    gradient[1] = r - rx * mean_q
    gradient[2] = p2 - a * psi[0]
    gradient[3] = b * psi_rise - p2_difference
    # p1 p2 D D' per row (row i of the upper triangle is one slice), plus
    # each term's own second derivatives (see _pareto_nbd_packed).
    weighted = p1 * p2 * difference
    bounds = _ROW_BOUNDS[4]
    for i, (start, stop) in enumerate(itertools.pairwise(bounds)):
        np.multiply(weighted[i], difference[i:], out=hessian[start:stop])
    hessian[0] += r * r * psi1[2] + gradient[0]  # r, r
    hessian[1] += r * (1 - mean_q)  # r, alpha
    spread = shared_q * (rows.times / total)  # p q (1 - q)
    hessian[4] -= rx * (spread[0] + spread[1])  # alpha, alpha
    hessian[7] -= a * (a * psi1[0] + psi[0])  # a, a
    hessian[8] -= a * b * psi1[0]  # a, b
    b_terms = b * (b * (psi1[1] - psi1[0]) + psi_rise)
    hessian[9] += b_terms + p2_difference * (difference[3] - 1)  # b, b


def _bg_nbd_terms(
    powers: FloatArray,
    a: float | FloatArray,
    b: float | FloatArray,
    rows: _Rows,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """FHL's two terms' log-sum, each term's share of it and ``1/(b+x-1)``.

    ``powers`` are ``(r+x) log(alpha + T)`` over ``(r+x) log(alpha +
    t_x)``.
    """
    if rows.every_repeat:
        inv_bx1 = 1 / (b + rows.before)
        log_repeat = np.log(a * inv_bx1)
    else:
        # Rows without repeat purchases have no second term (p2 = 0
        # there); their b + x - 1 is set to 1 to keep the arrays finite.
        inv_bx1 = 1 / np.where(rows.repeat, b + rows.before, 1.0)
        log_repeat = np.log(
            a * inv_bx1, out=np.full(rows.x.size, -np.inf), where=rows.repeat
        )
    term1 = -powers[0]
    term2 = log_repeat - powers[1]
    lse = _log_add_exp(term1, term2)
    shares = np.empty_like(powers)
    np.exp(term2 - lse, out=shares[1])
    np.subtract(1.0, shares[1], out=shares[0])
    return lse, shares, inv_bx1


def _log_add_exp(x: FloatArray, y: FloatArray) -> FloatArray:
    """``np.logaddexp(x, y)`` by its own formula, in numpy's vector loops.

    ``max + log1p(exp(-|x - y|))``: ``np.logaddexp`` calls the scalar
    ``exp`` and ``log1p`` per element, at twice the cost on a thousand
    rows.
    """
    result = np.abs(x - y)
    np.negative(result, out=result)
    np.exp(result, out=result)
    np.log1p(result, out=result)
    result += np.maximum(x, y)
    return result


def _beta_gamma_terms(
    rows: _Rows, r: float, ab: float | FloatArray, b: float | FloatArray
) -> FloatArray:
    """Log-gamma, digamma and trigamma terms of the BG/NBD, per row.

    Shape ``(3, 3, rows)``: each function's rise ``f(z + x) - f(z)`` from
    ``z = a+b``, ``b`` and ``r``, all from one :class:`_Rises` (the rows'
    own ``rises``, with ``r``'s once per distinct ``x``).
    """
    n = rows.x.size
    starts = np.empty(2 * n + 1)
    starts[:n] = ab
    starts[n:-1] = b
    starts[-1] = r
    rises, index = rows.rises
    result: FloatArray = np.take(rises(starts), index, axis=1)
    return result.reshape(3, 3, n)


_HESSIANS: Final[dict[str, RowHessian]] = {
    "Pareto/NBD": _pareto_nbd_log,
    "BG/NBD": _bg_nbd_log,
}
"""The models whose rows' Hessians are analytic; the others' come from
finite differences of the rows' derivatives."""


_DIFFERENCED: Final[dict[str, RowLikelihood]] = {
    "GGom/NBD": _ggom_nbd_rows,
}
"""The models whose rows' Hessians come from finite differences of their
derivatives (the others are in :data:`_HESSIANS`)."""


def _read_table(
    table: Covariates | None, /, *, name: str, n: int
) -> tuple[tuple[str, ...], FloatArray]:
    """Covariate names and an ``(n, k)`` matrix, from a mapping or frame."""
    if table is None:
        return (), np.zeros((n, 0))
    columns: dict[str, object]
    if isinstance(table, Mapping):
        columns = {str(k): v for k, v in table.items()}
    else:
        columns = _frame_columns(table, name=name)
    names = tuple(columns)
    matrix = np.zeros((n, len(names)))
    for j, (column, values) in enumerate(columns.items()):
        label = f"{name}[{column!r}]"
        array = as_floats(values, name=label).reshape(-1)
        if array.size != n:
            msg = (
                f"{label} must have one value per customer ({n}), got "
                f"{array.size}; pass the covariates in the customers' order"
            )
            raise DataError(msg)
        if not np.isfinite(array).all():
            bad = array[~np.isfinite(array)][0]
            msg = (
                f"{label} must be finite, got {bad!r}; fill or drop the "
                "missing values first"
            )
            raise DataError(msg)
        matrix[:, j] = array
    return names, matrix


def _frame_columns(table: object, /, *, name: str) -> dict[str, object]:
    """The columns of a dataframe, read through narwhals."""
    try:
        import narwhals as nw  # noqa: PLC0415 - the [dataframe] extra
    except ImportError:
        raise _not_a_table(name, table) from None
    frame = nw.from_native(table, eager_only=True, pass_through=True)
    if not isinstance(frame, nw.DataFrame):
        raise _not_a_table(name, table)
    return {str(c): frame.get_column(c).to_numpy() for c in frame.columns}


def _not_a_table(name: str, table: object) -> ArgumentTypeError:
    return ArgumentTypeError.for_argument(
        name,
        table,
        "a mapping of covariate name to one value per customer, or a "
        "dataframe (with the [dataframe] extra installed)",
    )


@final
@attrs.frozen(kw_only=True)
class _Layout:
    """How the free coefficients map onto each process's covariates.

    ``loadings[process]`` is a ``(k_process, free)`` 0/1 matrix: a
    covariate constrained equal on both processes has one free
    coefficient with a 1 in both matrices.
    """

    names: dict[Process, tuple[str, ...]]
    free: tuple[str, ...]
    loadings: dict[Process, FloatArray]
    places: tuple[int, ...]
    """For each covariate of each process in turn, its free coefficient's
    place in ``free`` (the column of its 1 in the loadings)."""


def _layout(
    names: dict[Process, tuple[str, ...]], equal: Sequence[str]
) -> _Layout:
    if isinstance(equal, str) or not isinstance(equal, Sequence):
        raise ArgumentTypeError.for_argument(
            "equal_coefficients", equal, "a sequence of covariate names"
        )
    equal = tuple(equal)
    for shared in equal:
        if not all(shared in names[p] for p in PROCESSES):
            msg = (
                f"equal_coefficients names {shared!r}, which must be a "
                "covariate of both processes; purchase has "
                f"{names['purchase']!r}, dropout {names['dropout']!r}"
            )
            raise DataError(msg)
    free = [f"{p}:{n}" for p in PROCESSES for n in names[p] if n not in equal]
    free += [f"equal:{n}" for n in equal]
    loadings: dict[Process, FloatArray] = {}
    places: list[int] = []
    for process in PROCESSES:
        matrix = np.zeros((len(names[process]), len(free)))
        for row, covariate in enumerate(names[process]):
            key = (
                f"equal:{covariate}"
                if covariate in equal
                else f"{process}:{covariate}"
            )
            places.append(free.index(key))
            matrix[row, places[-1]] = 1.0
        loadings[process] = matrix
    return _Layout(
        names=names, free=tuple(free), loadings=loadings, places=tuple(places)
    )


@final
class _Likelihood:
    """Penalised log-likelihood of a model with covariates, per free row.

    ``theta`` holds the model's parameters, then ``exp(c)`` for each free
    coefficient ``c``.
    """

    def __init__(
        self,
        model: str,
        rows: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
        covariates: dict[Process, FloatArray],
        layout: _Layout,
        penalty: float,
    ) -> None:
        # Rows by x (stably: a tie keeps _compress's order), so that
        # those without repeat purchases lead (_Rows.zeros).
        order = np.argsort(rows[0], kind="stable")
        x, t_x, big_t, self.w = (np.take(column, order) for column in rows)
        covariates = _reordered(covariates, order)
        self.rows = _Rows.of(x, t_x, big_t)
        self.model = model
        self.full = _HESSIANS.get(model)
        self.row_likelihood = _DIFFERENCED.get(model)
        self.k = len(_PARAMETERS[model])
        self.layout = layout
        self.penalty = penalty
        position = dict(zip(_PARAMETERS[model], range(self.k), strict=True))
        # Each process with covariates: the design on the free coefficients
        # (covariates times loadings), so that a row's index is one sum
        # over them, the sign of its exponent and the parameters it scales
        # (one sign per process in _SCALES: a and b share their multiplier).
        self.scaled = [
            _scaled_process(
                covariates[p],
                layout.loadings[p],
                _SCALES[model][p][0][1],
                tuple(position[name] for name, _ in _SCALES[model][p]),
                self.k,
            )
            for p in PROCESSES
            if layout.names[p]
        ]
        self.size = self.k + len(layout.free)
        self.sums = _ChainSums.of(self.k, self.size, self.scaled, self.w)
        # The processes' log-multipliers as one product: their designs
        # stacked, each process's signed coefficients in its own row.
        self.designs = np.concatenate(
            [process.design for process in self.scaled]
            or [np.zeros((0, x.size))]
        )
        self.coefficients = np.concatenate(
            [process.columns for process in self.scaled]
            or [np.zeros(0, dtype=np.intp)]
        )
        self.signs = np.zeros((len(self.scaled), self.coefficients.size))
        start = 0
        for row, process in enumerate(self.scaled):
            stop = start + process.columns.size
            self.signs[row, start:stop] = process.sign
            start = stop
        self._hessian: tuple[FloatArray, FloatArray] | None = None
        self.highest: tuple[float, FloatArray] = (-np.inf, np.ones(0))
        # sum(gamma**2) over both processes is free . (L'L) . free.
        self.gram = sum(
            (layout.loadings[p].T @ layout.loadings[p] for p in PROCESSES),
            np.zeros((len(layout.free), len(layout.free))),
        )

    def unpenalised(self, theta: FloatArray, value: float) -> float:
        """The log-likelihood without the L2 penalty.

        ``value`` is the penalised one at ``theta`` (the optimizer's: no
        evaluation again).
        """
        free = np.log(theta[self.k :])
        return value + self.penalty * float(free @ self.gram @ free)

    def _row_parameters(
        self, theta: FloatArray
    ) -> list[float | FloatArray] | None:
        """Each row's parameters (scalars where no covariate scales them).

        ``None`` where a customer's parameter lies beyond e^21 (or below
        e^-21): the likelihood loses its precision there (as the plain
        models' beyond their own), so such points are walls.
        """
        base = theta[: self.k]
        params: list[float | FloatArray] = base.tolist()
        if not self.scaled:
            return params
        free = np.log(theta[self.k :])
        log_multipliers = (self.signs * free[self.coefficients]) @ self.designs
        lows = log_multipliers.min(axis=1).tolist()
        highs = log_multipliers.max(axis=1).tolist()
        multipliers = np.exp(log_multipliers)
        for process, low, high, multiplier in zip(
            self.scaled, lows, highs, multipliers, strict=True
        ):
            for position in process.positions:
                log_base = math.log(base[position])
                if (
                    max(abs(low + log_base), abs(high + log_base))
                    > _TRUSTED_LOG
                ):
                    return None
                params[position] = float(base[position]) * multiplier
        return params

    def _log_gradients(self, params: list[float | FloatArray]) -> FloatArray:
        """Each row's derivatives in its parameters' logs, ``(k, rows)``."""
        assert self.row_likelihood is not None  # noqa: S101 - not analytic
        _, d_rows = self.row_likelihood(tuple(params), self.rows)
        for position, value in enumerate(params):
            d_rows[position] *= value
        return d_rows

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        k = self.k
        size = self.size
        free = np.log(theta[k:])
        params = self._row_parameters(theta)
        if params is None:
            return -np.inf, np.full(theta.size, np.nan)
        full = self.full
        if full is None:
            assert self.row_likelihood is not None  # noqa: S101 - one of two
            value_rows, d_rows = self.row_likelihood(tuple(params), self.rows)
            quantities = np.empty((1 + k, value_rows.size))
            quantities[0] = value_rows
            np.multiply(
                d_rows, _stacked(params, value_rows.size), out=quantities[1:]
            )
            totals = self.sums(quantities)
        else:
            # The rows' Hessians cost a fraction of the evaluation they
            # share (the Pareto/NBD's quadrature), and the Newton search
            # asks for the Hessian at every point it accepts.
            totals = self.sums(full(tuple(params), self.rows))
            hessian = self._penalised(totals[1 + size :])
            self._hessian = (theta.copy(), hessian)
        # The sums are in the log-parameters; theta's are theta times them.
        gradient = totals[1 : 1 + size]
        gradient[k:] -= 2 * self.penalty * (self.gram @ free)
        gradient /= theta
        value = float(totals[0]) - self.penalty * float(
            free @ self.gram @ free
        )
        if value > self.highest[0]:
            self.highest = (value, theta.copy())
        return value, gradient

    def running_off(self) -> str:
        """The coefficients beyond :data:`_RUNNING_OFF`, for a failed fit.

        At the highest point evaluated; "" if none.
        """
        _, theta = self.highest
        free = np.log(theta[self.k :])
        far = [
            f"exp({name}) = {np.exp(c):.3g}"
            for name, c in zip(self.layout.free, free, strict=True)
            if abs(c) > _RUNNING_OFF
        ]
        if not far:
            return ""
        return (
            f" At the highest point reached, {', '.join(far)}: a "
            "coefficient running off."
        )

    def hessian(self, theta: FloatArray) -> FloatArray:
        """Hessian of the penalised log-likelihood in the log-parameters.

        A row's log-parameters are linear in the optimizer's variables
        (the model's log-parameters and the coefficients), through a
        constant map (the chain: 1 from each parameter to itself, ``sign
        * design`` from the coefficients to the parameters they scale),
        so the Hessian is the weighted sum of the rows' ``k x k`` Hessians
        in their own log-parameters mapped through it (:class:`_ChainSums`),
        with no further gradient term. The rows' Hessians are
        analytic (:data:`_HESSIANS`, summed with the value and gradient by
        every evaluation) or forward
        differences of the rows' derivatives: ``k`` evaluations of the
        rows, where differencing the whole gradient took one per
        parameter and coefficient.
        """
        remembered = self._remembered(theta)
        if remembered is None:
            if self.full is not None:
                self(theta)
            else:
                row_parameters = self._row_parameters(theta)
                if row_parameters is not None:
                    per_row = self._differenced(row_parameters)
                    self._hessian = (theta.copy(), self._mapped(per_row))
            remembered = self._remembered(theta)
        if remembered is None:
            return np.full((theta.size, theta.size), np.nan)
        return remembered.copy()

    def _remembered(self, theta: FloatArray) -> FloatArray | None:
        """The Hessian last made, if it was made at ``theta``.

        The same point bit for bit (a Newton search asks where it just
        evaluated): cheaper than ``np.array_equal`` on a few numbers.
        """
        if self._hessian is not None and (
            self._hessian[0].tobytes() == theta.tobytes()
        ):
            return self._hessian[1]
        return None

    def _mapped(self, per_row: FloatArray) -> FloatArray:
        """The rows' Hessians in their log-parameters, through the chain.

        ``sum_rows w chain' H chain`` (:class:`_ChainSums`), from each
        row's ``k x k`` Hessian's upper triangle, with the penalty's.
        """
        first, second = _PAIRS[self.k]
        totals = self.sums(per_row[first, second], offset=1 + self.k)
        return self._penalised(totals[1 + self.size :])

    def _penalised(self, flat: FloatArray) -> FloatArray:
        """The sums' Hessian as a matrix, with the L2 penalty's part."""
        hessian = flat.reshape(self.size, self.size)
        hessian[self.k :, self.k :] -= 2 * self.penalty * self.gram
        return hessian

    def _differenced(self, params: list[float | FloatArray]) -> FloatArray:
        """The rows' Hessians in their log-parameters, ``(k, k, rows)``.

        Forward differences of their analytic derivatives, symmetrised.
        """
        at = self._log_gradients(params)
        columns = []
        for position in range(self.k):
            moved = list(params)
            moved[position] = moved[position] * _STEP_FACTOR
            columns.append((self._log_gradients(moved) - at) / _LOG_STEP)
        per_row = np.stack(columns, axis=1)
        result: FloatArray = (per_row + per_row.transpose(1, 0, 2)) / 2
        return result


@final
@attrs.frozen(kw_only=True, eq=False)
class _ScaledProcess:
    """A process with covariates, as the likelihood reads it.

    ``design`` holds, for each free coefficient the process loads
    (``columns``, whose places in the optimizer's variables are ``at``),
    that coefficient's covariate on every row: ``(columns, rows)``,
    without the other process's coefficients, whose columns are 0 here.
    ``sign`` is the sense of the multiplier, ``positions`` the
    parameters it scales.
    """

    design: FloatArray
    columns: npt.NDArray[np.intp]
    at: npt.NDArray[np.intp]
    sign: int
    positions: tuple[int, ...]


def _scaled_process(
    covariates: FloatArray,
    loadings: FloatArray,
    sign: int,
    positions: tuple[int, ...],
    k: int,
) -> _ScaledProcess:
    columns = np.flatnonzero(loadings.any(axis=0))
    # Each free coefficient loads one covariate of the process (the 1 in
    # its column of the loadings): its row of the design is that column.
    design = covariates.T[loadings[:, columns].argmax(axis=0)]
    return _ScaledProcess(
        design=design,
        columns=columns,
        at=columns + k,
        sign=sign,
        positions=positions,
    )


@final
@attrs.frozen(kw_only=True, eq=False)
class _ChainSums:
    """The rows' weighted sums through the chain, as one matrix product.

    A row's log-parameters are linear in the optimizer's variables, with
    coefficients that vary by row: parameter ``i``'s chain is ``e_i``
    plus ``sign * design[c]`` at each coefficient ``c`` of the process
    that scales it. Over the basis ``phi`` (1, then each scaled process's
    signed covariates) the value ``sum w L``, the gradient ``sum w C'g``
    and the Hessian ``sum w C'HC`` are fixed sums of the rows' quantities
    (a :data:`RowHessian`'s rows) times the ``features`` ``w phi_s
    phi_t``: one product of the two, whose entries (``sources``) one
    ``bincount`` adds, ``counts`` times each, into the answer
    (``targets``: the value, the gradient, the Hessian's entries).
    """

    features: FloatArray
    sources: npt.NDArray[np.intp]
    targets: npt.NDArray[np.intp]
    counts: FloatArray
    length: int
    starts: tuple[int, ...]
    """Where each row's entries start in ``sources`` (and the end)."""

    @classmethod
    def of(
        cls,
        k: int,
        size: int,
        scaled: Sequence[_ScaledProcess],
        w: FloatArray,
    ) -> _ChainSums:
        """The sums for ``k`` parameters and ``size`` variables in all."""
        plan = _chain_plan(
            k,
            size,
            tuple((p.positions, tuple(p.at.tolist())) for p in scaled),
        )
        basis = np.empty((plan.width, w.size))
        basis[0] = 1.0
        start = 1
        for process in scaled:
            stop = start + process.design.shape[0]
            np.multiply(process.sign, process.design, out=basis[start:stop])
            start = stop
        first, second = plan.pairs
        # w phi_s phi_t, multiplied in that order, in one array.
        features = np.take(basis, first, axis=0)
        features *= w
        features *= np.take(basis, second, axis=0)
        return cls(
            features=features,
            sources=plan.sources,
            targets=plan.targets,
            counts=plan.counts,
            length=plan.length,
            starts=plan.starts,
        )

    def __call__(self, quantities: FloatArray, offset: int = 0) -> FloatArray:
        """The value, gradient and Hessian (flat) in the log-variables.

        ``quantities`` are a :data:`RowHessian`'s rows from ``offset`` on
        (the value and gradient alone, or the Hessian's alone); the
        others' sums are 0.
        """
        width = self.features.shape[0]
        products = _products(quantities, self.features).reshape(-1)
        low = self.starts[offset]
        high = self.starts[offset + len(quantities)]
        result: FloatArray = np.bincount(
            self.targets[low:high],
            weights=products[self.sources[low:high] - offset * width]
            * self.counts[low:high],
            minlength=self.length,
        ).astype(np.float64, copy=False)
        return result


def _upper(n: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """``np.triu_indices(n)`` for a few rows, without its mask."""
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    first, second = np.array(pairs, dtype=np.intp).T
    return first, second


_Links: TypeAlias = tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]
"""Per scaled process, the positions of the parameters it scales and the
places of the variables it loads."""


@final
@attrs.frozen(kw_only=True, eq=False)
class _ChainPlan:
    """What :class:`_ChainSums` takes from the layout alone (not the rows).

    ``width`` basis functions, whose ``pairs`` (the upper triangle) are
    the features; the rest as :class:`_ChainSums` holds it.
    """

    width: int
    pairs: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]
    sources: npt.NDArray[np.intp]
    targets: npt.NDArray[np.intp]
    counts: FloatArray
    length: int
    starts: tuple[int, ...]


@functools.lru_cache(maxsize=64)
def _chain_plan(k: int, size: int, links: _Links) -> _ChainPlan:
    """The plan for ``k`` parameters, ``size`` variables and the ``links``.

    One ``(positions, at)`` per scaled process (:class:`_ScaledProcess`):
    the same for every fit of one model and layout, so made once (its
    entries and their sort, about 0.04 ms, were a tenth of the CDNOW
    likelihood's set-up).
    """
    chain = _chain(k, size, links)
    width = chain.shape[2]
    first, second = _upper(width)
    feature = np.empty((width, width), dtype=np.intp)
    feature[first, second] = feature[second, first] = np.arange(first.size)
    length = 1 + size + size * size
    keys, counts = _chain_entries(k, size, chain, feature)
    sources = keys // length
    rows = 1 + k + _PAIRS[k][0].size
    arrays = (first, second, sources, keys % length, counts)
    for array in arrays:
        array.flags.writeable = False  # shared by every fit of the layout
    return _ChainPlan(
        width=width,
        pairs=(first, second),
        sources=sources,
        targets=arrays[3],
        counts=counts,
        length=length,
        starts=tuple(
            np.searchsorted(sources, np.arange(rows + 1) * first.size).tolist()
        ),
    )


def _chain(k: int, size: int, links: _Links) -> FloatArray:
    """The chain over the basis ``phi``, ``(k, size, basis)``.

    ``chain[i, v, s]``: parameter ``i``'s log moves by basis function
    ``s`` per unit of variable ``v``. The basis is 1, then each scaled
    process's signed covariates, one per variable it loads (``links``:
    its parameters' positions and those variables).
    """
    chain = np.zeros((k, size, 1 + sum(len(at) for _, at in links)))
    chain[np.arange(k), np.arange(k), 0] = 1.0
    basis = 1
    for positions, at in links:
        for variable in at:
            chain[list(positions), variable, basis] = 1.0
            basis += 1
    return chain


def _chain_entries(
    k: int,
    size: int,
    chain: FloatArray,
    feature: npt.NDArray[np.intp],
) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """How much each product adds to each answer, by sorted keys.

    A key is ``source * length + target``: ``source`` is a row of the
    quantities times the features plus a feature, ``target`` the place
    in the answer (the value, then the gradient, then the Hessian
    row-major). The value is row 0 at feature 0 (``w``); derivative
    ``i`` adds its chain, a Hessian entry ``(i, j)`` the products of
    ``i``'s and ``j``'s chains.
    """
    width = int(feature.max()) + 1
    length = 1 + size + size * size
    first, second = _PAIRS[k]
    pair = np.empty((k, k), dtype=np.intp)
    pair[first, second] = pair[second, first] = np.arange(first.size)
    i, v, s = np.nonzero(chain)
    links = chain[i, v, s]
    gradient = ((1 + i) * width + feature[0, s]) * length + 1 + v
    # Every pair of links (of any two parameters) for the Hessian.
    one, other = np.divmod(np.arange(i.size * i.size), i.size)
    row = 1 + k + pair[i[one], i[other]]
    hessian = (row * width + feature[s[one], s[other]]) * length
    hessian += 1 + size + v[one] * size + v[other]
    keys = np.concatenate([[0], gradient, hessian])
    counts = np.concatenate([[1.0], links, links[one] * links[other]])
    # By source (a key's order): each row's entries are one slice.
    order = np.argsort(keys, kind="stable")
    return keys[order].astype(np.intp), counts[order]


_ONE_THREAD: Final = 4 * 65536
"""Multiply-adds up to which OpenBLAS runs a matrix product in the calling
thread (its ``GEMM_MULTITHREAD_THRESHOLD`` times ``SMP_THRESHOLD_MIN``)."""


def _products(quantities: FloatArray, features: FloatArray) -> FloatArray:
    """``quantities @ features.T``, by chunks of rows kept in one thread.

    Each chunk's product stays within :data:`_ONE_THREAD`, where waking
    BLAS's threads on a shared CPU would cost milliseconds (see
    :func:`customer_centric._arrays.dot`); at CDNOW's thousand rows and
    fifteen features it is one chunk.
    """
    n = quantities.shape[1]
    chunk = max(1, _ONE_THREAD // (quantities.shape[0] * features.shape[0]))
    result: FloatArray = quantities[:, :chunk] @ features[:, :chunk].T
    for start in range(chunk, n, chunk):
        stop = start + chunk
        result += quantities[:, start:stop] @ features[:, start:stop].T
    return result


_RUNNING_OFF: Final = 10.0
"""A coefficient beyond +-10 (a factor of e^10, about 22,000, in a
customer's parameter per unit of the covariate) is named as running off
when a fit fails: no real effect is that large, while the optimizer's own
test for a parameter running off (beyond e^18) is not met where its
search stops on a flat ridge."""

_LOG_STEP: Final = 1e-5
"""Forward-difference step of the rows' Hessians in their log-parameters
(the optimizer's own for its finite-difference Hessians)."""
_STEP_FACTOR: Final = float(np.exp(_LOG_STEP))


_PARAMETERS: Final[dict[str, tuple[str, ...]]] = {
    "Pareto/NBD": ("r", "alpha", "s", "beta"),
    "BG/NBD": ("r", "alpha", "a", "b"),
    "GGom/NBD": ("r", "alpha", "b", "s", "beta"),
}


def _compress(
    columns: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    covariates: dict[Process, FloatArray],
) -> tuple[
    tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    dict[Process, FloatArray],
]:
    """Unique rows of history and covariates, with customers as weights."""
    x, t_x, big_t, w = columns
    purchase, dropout = covariates["purchase"], covariates["dropout"]
    # One table for both processes (as fit_with_covariates passes it) is
    # stacked once: rows are equal in both copies where they are in one.
    shared = dropout is purchase
    distinct = [x, t_x, big_t, *purchase.T, *(() if shared else dropout.T)]
    stacked = np.empty((x.size, len(distinct)))
    for place, column in enumerate(distinct):
        stacked[:, place] = column
    first = 3 + purchase.shape[1]
    every = [*stacked.T, *(stacked.T[3:first] if shared else ())]
    order = _equal_rows_together(every)
    ordered = np.take(stacked, order, axis=0)
    # Each row's bytes as one value: one comparison per row, not one per
    # column and a reduction. (Rows that differ only in a zero's sign
    # hash apart too: they stay apart.)
    row_bytes = ordered.view(np.dtype((np.void, ordered[0].nbytes)))
    starts = np.ones(order.size, dtype=bool)
    starts[1:] = row_bytes[1:, 0] != row_bytes[:-1, 0]
    inverse = np.empty(order.size, dtype=np.intp)
    inverse[order] = np.cumsum(starts) - 1
    weights = np.bincount(inverse, weights=w)
    # Column by column, each one contiguous array.
    unique = np.ascontiguousarray(np.take(ordered, starts.nonzero()[0], 0).T)
    unique_purchase = unique[3:first].T
    return (
        (unique[0], unique[1], unique[2], weights.astype(np.float64)),
        {
            "purchase": unique_purchase,
            "dropout": unique_purchase if shared else unique[first:].T,
        },
    )


def _reordered(
    covariates: dict[Process, FloatArray], order: npt.NDArray[np.intp]
) -> dict[Process, FloatArray]:
    """Each process's covariates' rows in ``order``; a shared table once.

    (``np.take``: a third of fancy indexing's cost on a matrix's rows.)
    """
    purchase = np.take(covariates["purchase"], order, axis=0)
    if covariates["dropout"] is covariates["purchase"]:
        return {"purchase": purchase, "dropout": purchase}
    return {
        "purchase": purchase,
        "dropout": np.take(covariates["dropout"], order, axis=0),
    }


def _ascending(values: FloatArray) -> bool:
    """Whether ``values`` never decrease."""
    return bool((values[1:] >= values[:-1]).all())


def _factorised(
    values: FloatArray,
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """:func:`factorise`, without its sort where the values are sorted.

    As :class:`_Likelihood` hands its rows' counts ``x`` to :class:`_Rows`.
    """
    if not _ascending(values):
        return factorise(values)
    new = np.empty(values.size, dtype=bool)
    new[:1] = True
    np.not_equal(values[1:], values[:-1], out=new[1:])
    index = np.cumsum(new, dtype=np.intp)
    index -= 1
    return values[new], index


_MIX: Final = np.uint64(0x9E3779B97F4A7C15)
"""An odd 64-bit multiplier (2^64 over the golden ratio) that spreads each
column's bits over the row hash."""


def _equal_rows_together(
    columns: Sequence[FloatArray],
) -> npt.NDArray[np.intp]:
    """An order of the rows in which equal rows are next to each other.

    Sorted by a hash of the bits of each row of the ``columns``: one sort
    of one key, where a lexicographic sort (``np.lexsort``,
    ``np.unique(axis=0)``) sorts once per column (measured on CDNOW's
    seven columns: 0.06 ms against 0.35 ms). Equal rows have equal
    hashes; two different rows that share one (about ``rows**2 / 2**65``
    likely) may split a run of equal rows in two, which only leaves those
    customers in two weighted rows.
    """
    key = columns[0].view(np.uint64) * _MIX
    for column in columns[1:]:
        key ^= column.view(np.uint64)
        key *= _MIX
    order: npt.NDArray[np.intp] = np.argsort(key)
    return order


def covariate_boundaries(
    model: str, boundaries: Sequence[Boundary], layout: _Layout
) -> list[Boundary]:
    """The model's edges in the space of its parameters and coefficients.

    Each edge of the plain model, with the coefficients free; and, for an
    edge that moves exactly the parameters one process scales (``beta``
    to infinity, ``a`` and ``b`` together), that edge reached by the
    customers with a covariate above 0 alone (its coefficient runs off)
    or by those at 0 alone (the parameters run off, the coefficient the
    other way, so that the others stay). A covariate that splits the
    customers into a group that never drops out and one that does is such
    an edge: the plain fits' test then finds the likelihood as high there.
    """
    return list(_covariate_boundaries(model, tuple(boundaries), layout.free))


@functools.lru_cache(maxsize=64)
def _covariate_boundaries(
    model: str, boundaries: tuple[Boundary, ...], free: tuple[str, ...]
) -> tuple[Boundary, ...]:
    """:func:`covariate_boundaries`, made once per model and layout."""
    names = _PARAMETERS[model]
    width = len(free)
    result = [
        attrs.evolve(b, direction=(*b.direction, *([0] * width)))
        for b in boundaries
    ]
    for boundary in boundaries:
        for process in PROCESSES:
            signs = dict(_SCALES[model][process])
            moved = {
                names[i]: d for i, d in enumerate(boundary.direction) if d
            }
            turns = {
                d * signs[name] for name, d in moved.items() if name in signs
            }
            if set(moved) != set(signs) or len(turns) != 1:
                # A coefficient moves all the parameters its process
                # scales, and only those, in one sense.
                continue
            (turn,) = turns
            for column, name in enumerate(free):
                if not name.startswith(f"{process}:"):
                    continue  # shared coefficients move both processes
                covariate = name.removeprefix(f"{process}:")
                high = [0] * width
                high[column] = turn
                result.append(
                    Boundary(
                        direction=(*([0] * len(names)), *high),
                        parameters=(
                            f"{boundary.parameters} for the customers with "
                            f"{process} covariate {covariate!r} above 0 (its "
                            f"coefficient runs to {_INFINITY[turn]})"
                        ),
                        simpler=_for_some(boundary, process, covariate),
                    )
                )
                high[column] = -turn
                result.append(
                    Boundary(
                        direction=(*boundary.direction, *high),
                        parameters=(
                            f"{boundary.parameters} for the customers with "
                            f"{process} covariate {covariate!r} at 0 (its "
                            f"coefficient runs to {_INFINITY[-turn]})"
                        ),
                        simpler=_for_some(boundary, process, covariate),
                    )
                )
    return tuple(result)


_INFINITY: Final = {1: "+infinity", -1: "-infinity"}


def _for_some(boundary: Boundary, process: str, covariate: str) -> str:
    return (
        f"{boundary.simpler} for some customers; drop {covariate!r} from "
        f"{process}_covariates, fit the simpler model to those customers "
        "apart, or shrink the coefficient with penalty="
    )


def fit_with_covariates(
    fit_class: type[_F],
    plain_fit: Callable[..., _F],
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None,
    purchase_covariates: Covariates | None,
    dropout_covariates: Covariates | None,
    penalty: float,
    equal_coefficients: Sequence[str],
    boundaries: Sequence[Boundary],
) -> _F:
    """Fit a model with covariates; the fit functions' covariate path.

    The first start is the plain fits' generic one with every
    coefficient at 0; ``plain_fit`` (the model without covariates, without
    its edge probes) gives the next, its optimum, only if that start does
    not converge (``_Starts``).

    Examples:
        See :func:`~customer_centric.clv.fit_pareto_nbd`.

    .. versionadded:: 0.2
    """
    model = _model_name(fit_class)
    if not 0 <= real_number(penalty, name="penalty") < np.inf:
        msg = (
            f"penalty must be a finite number >= 0, got {penalty!r}; pass "
            "0 for no regularisation"
        )
        raise DataError(msg)
    data = validate_rfm(frequency, recency, T, weights=weights)
    n = data.frequency.size
    names: dict[Process, tuple[str, ...]] = {}
    matrices: dict[Process, FloatArray] = {}
    for process, table in zip(
        PROCESSES, (purchase_covariates, dropout_covariates), strict=True
    ):
        if table is not None and table is purchase_covariates and names:
            # One table for both processes: read and checked once.
            names[process] = names["purchase"]
            matrices[process] = matrices["purchase"]
            continue
        names[process], matrices[process] = _read_table(
            table, name=f"{process}_covariates", n=n
        )
        _refuse_constant(names[process], matrices[process], process)
    layout = _layout(names, equal_coefficients)
    rows, covariates = _compress(
        (data.frequency, data.recency, data.T, data.weights), matrices
    )
    likelihood = _Likelihood(model, rows, covariates, layout, float(penalty))
    starts = _starts(model, plain_fit, rows, layout)
    parameter_names = _PARAMETERS[model]
    try:
        mle = maximize_likelihood(
            likelihood,
            names=(*parameter_names, *(f"exp({f})" for f in layout.free)),
            starts=starts,
            n_customers=float(rows[3].sum()),
            model=f"{model} with covariates",
            boundaries=covariate_boundaries(model, boundaries, layout),
            hessian=likelihood.hessian,
        )
    except ConvergenceError as error:
        msg = (
            f"{error}.{likelihood.running_off()} The points above list "
            "each coefficient c as exp(c) "
            f"after the model's parameters ({', '.join(layout.free)}): one "
            "far from 1 is a coefficient running off, e.g. a group that "
            "never drops out. Try a small penalty= (L2), fewer covariates "
            "or a longer calibration period"
        )
        raise coefficients_error(msg, error, layout.free) from error
    theta = np.array(list(mle.parameters.values()))
    full_covariance = np.array(mle.covariance)
    effects = _effects(
        theta, full_covariance, layout, parameter_names, float(penalty)
    )
    fields = mle.record_fields()
    for name in mle.parameters:
        if name not in parameter_names:
            del fields[name]
    k = len(parameter_names)
    covariance = full_covariance[:k, :k]
    fields["standard_errors"] = {
        k: mle.standard_errors[k] for k in parameter_names
    }
    fields["covariance"] = tuple(map(tuple, covariance.tolist()))
    fields["log_likelihood"] = likelihood.unpenalised(
        theta, mle.log_likelihood
    )
    fields["covariates"] = effects
    return cast("_F", fit_class.model_validate(fields))


def coefficients_error(
    message: str, error: ConvergenceError, free: Sequence[str]
) -> ConvergenceError:
    """``message`` as the error, with the point ``error`` carries, if any.

    Each coefficient named as the fit names it (:func:`coefficients_named`).
    """
    if error.estimates is None:
        return ConvergenceError(message)
    return ConvergenceError.at_estimates(
        message, coefficients_named(error.estimates, free)
    )


def coefficients_named(
    estimates: dict[str, float], free: Sequence[str]
) -> dict[str, float]:
    """The search's point with each coefficient as itself, not its exp.

    The optimizer searches ``exp(c)`` for each free coefficient ``c``
    (named ``exp(purchase:vip)``); a caller reads ``purchase:vip = c``,
    as the fit's own :class:`CovariateEffects` names it.
    """
    named = dict(estimates)
    for name in free:
        named[name] = math.log(named.pop(f"exp({name})"))
    return named


def _refuse_constant(
    names: tuple[str, ...], matrix: FloatArray, process: str
) -> None:
    """A constant covariate cannot be told apart from the scale itself."""
    for j, name in enumerate(names):
        column = matrix[:, j]
        if (column == column[0]).all():
            msg = (
                f"{process} covariate {name!r} is the same for every "
                f"customer ({column[0]!r}), so its effect cannot be told "
                "apart from the model's scale parameter; drop it"
            )
            raise DataError(msg)


@final
class _Starts(Sequence[tuple[float, ...]]):
    """The generic starts, with the plain model's optimum second, lazily.

    From a generic start with every coefficient at 0 the covariate fit
    converges in about as many evaluations as from the plain model's
    optimum, which costs a whole plain fit first (on CDNOW the Pareto/NBD
    needs half as many evaluations in all), so that optimum is only
    fitted when the first start does not converge.
    """

    def __init__(
        self,
        generic: list[tuple[float, ...]],
        plain: Callable[[], tuple[float, ...] | None],
    ) -> None:
        self._generic = generic
        self._plain = plain
        self._fitted: list[tuple[float, ...]] | None = None

    def _all(self, index: int) -> list[tuple[float, ...]]:
        if index == 0:
            return self._generic[:1]
        if self._fitted is None:
            optimum = self._plain()
            self._fitted = [
                *self._generic[:1],
                *([] if optimum is None else [optimum]),
                *self._generic[1:],
            ]
        return self._fitted

    def __len__(self) -> int:
        return len(self._all(len(self._generic)))

    @overload
    def __getitem__(self, index: int) -> tuple[float, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[float, ...]]: ...

    def __getitem__(
        self, index: int | slice
    ) -> tuple[float, ...] | list[tuple[float, ...]]:
        if isinstance(index, slice):
            return self._all(len(self._generic))[index]
        return self._all(index)[index]


def _starts(
    model: str,
    plain_fit: Callable[..., CovariateFit],
    rows: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    layout: _Layout,
) -> _Starts:
    """Generic starts, then the plain model's optimum, coefficients at 0."""
    x, t_x, big_t, w = rows
    zeros = (1.0,) * len(layout.free)

    def plain() -> tuple[float, ...] | None:
        try:
            fit = plain_fit(x, t_x, big_t, weights=w)
        except ConvergenceError:
            return None
        return (*fit.parameter_vector().tolist(), *zeros)

    rate, mean_t = weighted_purchase_scales(w, x, big_t)
    scale = max(mean_t, 1e-3)
    # The plain fits' first two starts (see fit_pareto_nbd and so on):
    # the BG/NBD's b is a count of purchases, not a time like beta.
    generic: list[tuple[float, ...]]
    if model == "GGom/NBD":
        generic = [
            (1.0, 1.0 / rate, 1.0 / scale, 1.0, 1.0),
            (1.0, 1.0, 0.01 / scale, 1.0, 1.0),
        ]
    elif model == "BG/NBD":
        generic = [(1.0, 1.0 / rate, 1.0, 1.0), (1.0, 1.0, 1.0, 1.0)]
    else:
        generic = [(1.0, 1.0 / rate, 1.0, scale), (1.0, 1.0, 1.0, 1.0)]
    return _Starts([(*start, *zeros) for start in generic], plain)


def _effects(
    theta: FloatArray,
    covariance: FloatArray,
    layout: _Layout,
    parameter_names: tuple[str, ...],
    penalty: float,
) -> CovariateEffects:
    """The coefficients, their standard errors and the full covariance.

    The optimizer's covariance is of ``exp(c)``; the delta method gives
    that of ``c`` (divide by ``exp(c)``), and the loadings expand the free
    coefficients to both processes' coefficients: each covariate's row is
    its free coefficient's (:attr:`_Layout.places`), as the product with
    the 0/1 loadings has it.
    """
    p = len(parameter_names)
    scale = np.ones(theta.size)
    np.divide(1, theta[p:], out=scale[p:])
    free_covariance = covariance * (scale[:, None] * scale)
    free = np.log(theta[p:])
    places = np.array(layout.places, dtype=np.intp)
    expanded = np.concatenate([np.arange(p), p + places])
    full = np.take(np.take(free_covariance, expanded, 0), expanded, 1)
    values = free[places]
    errors = np.sqrt(full.diagonal()[p:])
    names = [f"{p}:{n}" for p in PROCESSES for n in layout.names[p]]
    split = len(layout.names["purchase"])
    purchase = layout.names["purchase"]
    dropout = layout.names["dropout"]
    return CovariateEffects(
        purchase=dict(zip(purchase, values[:split].tolist(), strict=True)),
        dropout=dict(zip(dropout, values[split:].tolist(), strict=True)),
        purchase_standard_errors=dict(
            zip(purchase, errors[:split].tolist(), strict=True)
        ),
        dropout_standard_errors=dict(
            zip(dropout, errors[split:].tolist(), strict=True)
        ),
        equal=tuple(
            f.removeprefix("equal:")
            for f in layout.free
            if f.startswith("equal:")
        ),
        penalty=penalty,
        names=(*parameter_names, *names),
        covariance=tuple(map(tuple, full.tolist())),
    )


def _scaled_parameters(
    fit: CovariateFit,
    effects: CovariateEffects,
    tables: dict[Process, Covariates | Mapping[str, float] | None],
    n: int,
) -> dict[str, FloatArray]:
    """Each customer's parameters: the fit's, scaled by their covariates."""
    model = _model_name(type(fit))
    params = {k: np.full(n, v) for k, v in fit.params.items()}
    for process in PROCESSES:
        wanted = effects.coefficient_names(process)
        argument = f"{process}_covariates"
        table = tables[process]
        if not wanted:
            if table is not None:
                msg = f"this fit has no {process} covariates; drop {argument}"
                raise DataError(msg)
            continue
        if table is None:
            msg = (
                f"this fit has {process} covariates {list(wanted)!r}; pass "
                f"{argument} with them, one value per customer"
            )
            raise DataError(msg)
        names, matrix = _read_table(table, name=argument, n=n)
        missing = [w for w in wanted if w not in names]
        if missing:
            msg = (
                f"{argument} lacks the fitted covariates {missing!r} (got "
                f"{list(names)!r}); pass every covariate the fit has"
            )
            raise DataError(msg)
        columns = [names.index(w) for w in wanted]
        gamma = np.array([getattr(effects, process)[w] for w in wanted])
        index = weighted_rows(matrix[:, columns], gamma)
        for name, sign in _SCALES[model][process]:
            params[name] = params[name] * np.exp(sign * index)
    return params


def predict_per_customer(
    fit: _F,
    predict: Callable[[_F, tuple[FloatArray, ...]], FloatArray],
    arrays: tuple[npt.ArrayLike, ...],
    *,
    purchase_covariates: Covariates | None,
    dropout_covariates: Covariates | None,
) -> FloatArray:
    """A prediction for customers with covariates, one value per customer.

    The inputs are broadcast to one shape, whose size is the number of
    customers that the covariates describe. Customers with the same scaled
    parameters are predicted together by the model without covariates.

    Examples:
        See :meth:`~customer_centric.clv.ParetoNbdFit.probability_alive`.

    .. versionadded:: 0.2
    """
    if fit.covariates is None:
        msg = (
            "this fit has no covariates; drop purchase_covariates and "
            "dropout_covariates, or fit with them"
        )
        raise DataError(msg)
    shaped = np.broadcast_arrays(
        *(as_floats(a, name="prediction input") for a in arrays)
    )
    shape = shaped[0].shape
    flat = [np.ascontiguousarray(a).reshape(-1) for a in shaped]
    n = flat[0].size
    params = _scaled_parameters(
        fit,
        fit.covariates,
        {"purchase": purchase_covariates, "dropout": dropout_covariates},
        n,
    )
    names = tuple(params)
    stacked = np.column_stack([params[k] for k in names])
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    result = np.empty(n)
    for group, values in enumerate(unique):
        rows = np.flatnonzero(inverse == group)
        customer = cast(
            "_F",
            type(fit).from_parameters(
                **dict(zip(names, values.tolist(), strict=True))
            ),
        )
        result[rows] = predict(customer, tuple(a[rows] for a in flat))
    return result.reshape(shape)


def at_covariates(
    fit: _F,
    /,
    *,
    purchase: Mapping[str, float] | None = None,
    dropout: Mapping[str, float] | None = None,
) -> _F:
    """The model of customers with given covariates, without covariates.

    Its parameters are the fit's, scaled by the covariates (``alpha *
    exp(-gamma_purchase . z)`` and so on); every method of the model then
    applies to such customers, e.g. expected purchases of a new customer
    of one segment.

    Args:
        fit: A fit with covariates.
        purchase: The purchase covariates' values, by name.
        dropout: The dropout covariates' values, by name.

    Raises:
        DataError: The fit has no covariates, or a fitted covariate is
            missing.

    Examples:
        >>> from customer_centric.clv import (
        ...     at_covariates, fit_pareto_nbd, simulate_bg_nbd)
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 600, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=3)
        >>> vip = [i % 2 for i in range(600)]
        >>> fit = fit_pareto_nbd(
        ...     sim.frequency, sim.recency, sim.T,
        ...     purchase_covariates={"vip": vip})
        >>> regular = at_covariates(fit, purchase={"vip": 0})
        >>> regular.alpha == fit.alpha, regular.covariates is None
        (True, True)

    .. versionadded:: 0.2
    """
    if not isinstance(fit, ParetoNbdFit | BgNbdFit | GgomNbdFit):
        raise ArgumentTypeError.for_argument(
            "fit", fit, "a ParetoNbdFit or BgNbdFit (or GgomNbdFit)"
        )
    if fit.covariates is None:
        msg = "at_covariates needs a fit with covariates; this one has none"
        raise DataError(msg)
    tables: dict[Process, Covariates | Mapping[str, float] | None] = {
        process: _one_customer(values)
        for process, values in zip(PROCESSES, (purchase, dropout), strict=True)
    }
    params = _scaled_parameters(fit, fit.covariates, tables, 1)
    return cast(
        "_F",
        type(fit).from_parameters(
            **{k: float(v[0]) for k, v in params.items()}
        ),
    )


def _one_customer(values: object) -> Covariates | None:
    """One customer's covariates as a table of one row (others as given)."""
    if isinstance(values, Mapping):
        return {str(k): [v] for k, v in values.items()}
    return values  # type: ignore[return-value] # refused by _read_table
