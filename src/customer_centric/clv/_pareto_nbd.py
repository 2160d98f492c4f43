"""The Pareto/NBD model of repeat buying.

The model of Schmittlein, Morrison & Colombo (1987).

While active, a customer buys as a Poisson process with rate ``lambda``
(gamma distributed, shape ``r``, rate ``alpha``); each customer's lifetime
is exponential with rate ``mu`` (gamma distributed, shape ``s``, rate
``beta``). Sources: D. C. Schmittlein, D. G. Morrison and R. Colombo (1987),
"Counting Your Customers: Who Are They and What Will They Do Next?",
*Management Science* 33(1), 1-24; P. S. Fader and B. G. S. Hardie (2005),
"A Note on Deriving the Pareto/NBD Model and Related Expressions"; and the
CDNOW estimates in Fader, Hardie & Lee (2005), *Marketing Science* 24(2).

The likelihood's Gaussian hypergeometric term is the integral
``s * integral_{t_x}^{T} (alpha+y)^-(r+x) (beta+y)^-(s+1) dy`` (the
customer dies at ``y`` after the last purchase). It is computed by
Gauss-Legendre quadrature after the substitution
``alpha + y = (alpha + t_x) exp(u / (r+s+x))``, which turns the integrand
into ``exp(-u)`` times a bounded, smooth factor: no hypergeometric series,
no subtraction of two nearly equal terms, no overflow for heavy buyers, and
analytic gradients from the same nodes.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Final

import numpy as np
import numpy.typing as npt
from pydantic import Field

from customer_centric._arrays import (
    FloatArray,
    as_horizon,
    as_non_negative,
    dot,
    weighted_rows,
)
from customer_centric._extras import defer_import
from customer_centric.clv._covariate_records import (
    CovariateEffects,
    covariates_in_use,
    is_none,
)
from customer_centric.clv._optimizer import NBD_RATE_BOUNDARY, Boundary
from customer_centric.clv._records import FittedModel, given_parameter_fields
from customer_centric.clv._rfm import (
    broadcast_rfm,
    compress,
    factorise,
    fit_compressed,
    purchase_counts,
    purchase_scales,
)

if TYPE_CHECKING:
    from scipy import special

    from customer_centric.clv._covariates import Covariates
else:
    special = defer_import("scipy.special")

__all__ = ["ParetoNbdFit", "fit_pareto_nbd"]

_MODEL: Final = "Pareto/NBD"
_BOUNDARIES: Final = (
    Boundary(
        direction=(0, 0, 0, 1),
        parameters="beta runs to infinity (dropout rate to 0)",
        simpler="no dropout (the NBD model)",
    ),
    Boundary(
        direction=(0, 0, -1, 0),
        parameters="s runs to 0 (dropout rates to 0)",
        simpler="no dropout (the NBD model)",
    ),
    NBD_RATE_BOUNDARY,
    Boundary(
        direction=(0, 0, 1, 1),
        parameters="s and beta run to infinity together (s/beta fixed)",
        simpler="no dropout heterogeneity (one dropout rate)",
    ),
)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(8)
_LOG_WEIGHTS: Final = np.log(_WEIGHTS)
_PANEL_EDGES: Final = np.concatenate(([0.0], 2.0 ** np.arange(1, 24) - 1))
"""Panel edges of the quadrature, in units of the row's finest scale; the
integrand decays at least like ``exp(-u)`` past its slow region, so
panels can widen geometrically."""
_UNIT_S: Final = 1e-10
"""Within this of ``s = 1`` the lifetime factor takes its limit."""
_PMF_NODES, _PMF_WEIGHTS = np.polynomial.legendre.leggauss(16)
_PMF_PANELS: Final = 8
_TAIL: Final = 40.0
"""``exp(-40)`` is below double precision relative to the integral."""


def _panels(scale: FloatArray, upper: FloatArray) -> npt.NDArray[np.intp]:
    """How many panels each row needs to reach its upper limit."""
    needed = np.searchsorted(_PANEL_EDGES, upper / scale, "left")
    return np.clip(needed, 1, _PANEL_EDGES.size - 1).astype(np.intp)


def _layout(
    scale: FloatArray, upper: FloatArray, panels: npt.NDArray[np.intp]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray, FloatArray]:
    """Every row's panels side by side, in one array for all rows.

    Returns each panel's row (an index into ``scale``), where each row's
    panels start, and the nodes ``u`` and log-weights, of shape ``(nodes,
    panels)``. Panels have edges ``scale * (0, 1, 3, 7, ...)``, a row's
    last one cut at ``upper``. One array whatever the rows' numbers of
    panels (grouping the rows by it cost every numpy call once per
    group), with the nodes first: numpy sums over a short last axis
    several times slower than over a first one.
    """
    owner = np.repeat(np.arange(panels.size), panels)
    first = np.cumsum(panels) - panels
    index = np.arange(owner.size) - first[owner]
    row_scale = scale[owner]
    row_upper = upper[owner]
    lo = np.minimum(row_scale * _PANEL_EDGES[index], row_upper)
    hi = np.minimum(row_scale * _PANEL_EDGES[index + 1], row_upper)
    hi[first + panels - 1] = upper
    half = (hi - lo) / 2
    u = _NODES[:, None] * half
    u += (hi + lo) / 2
    # Under the caller's errstate: a row with t_x = T has half = 0.
    log_w = _LOG_WEIGHTS[:, None] + np.log(half)
    return owner, first, u, log_w


def _integrate(
    r_s: tuple[float, float],
    x: FloatArray,
    lower: tuple[FloatArray, FloatArray],
    difference: float | FloatArray,
    layout: tuple[
        npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray, FloatArray
    ],
    *,
    moments: int,
) -> tuple[FloatArray, FloatArray | None]:
    """``log Q`` and the weighted means of the gradient terms, per row.

    ``lower`` holds each row's ``alpha + t_x`` and ``beta + t_x``,
    ``difference`` its ``beta - alpha`` (one number if the same for all
    rows), ``layout`` :func:`_layout`'s. With more than
    :data:`_FIRST_MOMENTS` ``moments``, the means of the terms' products
    follow (for the Hessian, see
    :func:`log_integral_packed_hessian_rows`). A row whose panels have no
    length (``t_x = T``) gets ``-inf`` and means of 0. Called under
    ``np.errstate(divide="ignore", invalid="ignore")``.
    """
    r, s = r_s
    owner, first, u, log_w = layout
    a_tx, b_tx = lower
    log_a_tx = np.log(a_tx)
    # In place where it can: at tens of thousands of nodes each new
    # array costs more than the arithmetic on it. (But exp's and log's
    # outputs are arrays of their own: written next to their input in
    # one buffer, numpy 1.26 takes its scalar loop, whose results differ
    # in the last bit.)
    log_ay = u * (1 / (r + s + x))[owner]
    log_ay += log_a_tx[owner]
    a_y = np.exp(log_ay)
    b_y = a_y + (
        difference if isinstance(difference, float) else difference[owner]
    )
    cancelling = b_tx < _CANCELLING * a_tx
    if cancelling.any():
        # beta + t_x far below alpha + t_x: near the lower limit the sum
        # cancels to rounding noise, or below 0 (NaN at alpha = 1000,
        # beta = 1e-13, x = 0). (beta + t_x) + (alpha + t_x) expm1(...)
        # has no cancellation.
        panels = np.flatnonzero(cancelling[owner])
        rows = owner[panels]
        b_y[:, panels] = b_tx[rows] + a_tx[rows] * np.expm1(
            log_ay[:, panels] - log_a_tx[rows]
        )
    log_by = np.log(b_y)
    terms = log_ay - log_by
    terms *= s + 1
    terms += log_w
    terms -= u
    top = np.maximum.reduceat(terms.max(axis=0), first)
    top[~np.isfinite(top)] = 0.0
    terms -= top[owner]
    weights = np.exp(terms, out=terms)
    # Every panel's sums in one array, summed by row at once.
    sums = np.empty((1 + moments, owner.size))
    weights.sum(axis=0, out=sums[0])
    if moments:
        factors = (
            log_ay,
            np.reciprocal(a_y, out=a_y),
            log_by,
            np.reciprocal(b_y, out=b_y),
        )
        for i in range(_FIRST_MOMENTS):
            np.einsum("ij,ij->j", weights, factors[i], out=sums[1 + i])
        if moments > _FIRST_MOMENTS:
            for row, (i, j) in enumerate(_SECOND_MOMENTS, 1 + _FIRST_MOMENTS):
                np.einsum(
                    "ij,ij,ij->j",
                    weights,
                    factors[i],
                    factors[j],
                    out=sums[row],
                )
    by_row = _by_row(sums, owner, x.size)
    total = by_row[0]
    log_q = np.log(total) + top
    if not moments:
        return log_q, None
    means = by_row[1:]
    means /= total
    means[~np.isfinite(means)] = 0.0
    return log_q, means


def _by_row(
    values: FloatArray, owner: npt.NDArray[np.intp], rows: int
) -> FloatArray:
    """Per-panel values ``(quantities, panels)`` summed over each row's.

    One ``bincount`` a quantity, into one array (one ``bincount`` of all,
    each offset by its own block of rows, cost more in building its index
    than it saved).
    """
    summed = np.empty((values.shape[0], rows))
    for quantity, per_panel in zip(summed, values, strict=True):
        quantity[:] = np.bincount(owner, weights=per_panel, minlength=rows)
    return summed


_CANCELLING: Final = 1e-4
"""Below this ratio of ``beta + t_x`` to ``alpha + t_x`` the integrand's
``beta + y`` is computed without cancellation (a relative error of about
1e-16 times the inverse ratio otherwise)."""
_FIRST_MOMENTS: Final = 4
_SECOND_MOMENTS: Final = tuple((i, j) for i in range(4) for j in range(i, 4))
"""The pairs of ``log(alpha+y), 1/(alpha+y), log(beta+y), 1/(beta+y)``
whose products' means give the integral's second derivatives."""
_PAIRS: Final = tuple(
    np.array(side) for side in zip(*_SECOND_MOMENTS, strict=True)
)
""":data:`_SECOND_MOMENTS` as two index arrays, first and second."""


def _log_integral(
    params: FloatArray,
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray | None]:
    """``log s*I`` per row and, optionally, ``d log(s*I) / d theta``.

    ``I = integral_{t_x}^{T} (alpha+y)^-(r+x) (beta+y)^-(s+1) dy``. Each
    row gets only the panels it needs, so that short integrals do not pay
    for long ones; rows with ``t_x = T`` (no time to die unseen) get
    ``-inf``, and a finite gradient that has no weight.
    """
    r, alpha, s, beta = (float(v) for v in params)
    return log_integral_rows(
        (r, alpha, s, beta), x, t_x, big_t, gradient=gradient
    )


def log_integral_rows(
    params: tuple[float, float | FloatArray, float, float | FloatArray],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray | None]:
    """:func:`_log_integral` with ``alpha`` and ``beta`` scalars or per row.

    Per-row scales are those of customers with covariates; the gradient's
    ``alpha`` and ``beta`` rows are then per-row derivatives.
    """
    log_si, means = _log_integral_means(
        params, x, t_x, big_t, moments=_FIRST_MOMENTS if gradient else 0
    )
    if not gradient:
        return log_si, None
    r, _, s, _ = params
    grads = np.stack(
        [
            -means[0],
            -(r + x) * means[1],
            1 / s - means[2],
            -(s + 1) * means[3],
        ]
    )
    return log_si, grads


def log_integral_packed_hessian_rows(
    params: tuple[float, float | FloatArray, float, float | FloatArray],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``log s*I`` per row with its gradient and packed Hessian.

    ``log I`` is the log of an integral over ``y`` of ``exp(phi)``,
    ``phi = -(r+x) log(alpha+y) - (s+1) log(beta+y)``, whose limits do not
    depend on the parameters, so its Hessian is the mean of phi's Hessian
    plus the covariance of phi's gradient under the integrand: the
    quadrature's weighted means of ``log(alpha+y)``, ``1/(alpha+y)``,
    ``log(beta+y)``, ``1/(beta+y)`` and of their products. Returns arrays
    of shape ``(rows,)``, ``(4, rows)`` and ``(10, rows)``: each row's
    Hessian's upper triangle, row by row (the pairs of
    :data:`_SECOND_MOMENTS`), which is all a covariate fit sums.
    """
    log_si, means = _log_integral_means(
        params, x, t_x, big_t, moments=_FIRST_MOMENTS + len(_SECOND_MOMENTS)
    )
    r, _, s, _ = params
    # d phi / d theta = scale * (the four quantities averaged).
    scale = np.empty((4, x.size))
    scale[[0, 2]] = -1.0
    scale[1] = -(r + x)
    scale[3] = -(s + 1)
    grads = scale * means[:4]
    grads[2] += 1 / s
    # Every pair at once: the covariances of the four quantities, scaled.
    first, second = _PAIRS
    packed = means[4:] - means[first] * means[second]
    packed *= scale[first] * scale[second]
    # The mean of phi's own second derivatives (r and s enter linearly).
    at = _SECOND_MOMENTS.index
    packed[at((0, 1))] -= means[1]
    packed[at((1, 1))] += (r + x) * means[4 + at((1, 1))]
    packed[at((2, 3))] -= means[3]
    packed[at((3, 3))] += (s + 1) * means[4 + at((3, 3))]
    packed[at((2, 2))] -= 1 / s**2
    return log_si, grads, packed


def _log_integral_means(
    params: tuple[float, float | FloatArray, float, float | FloatArray],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    moments: int,
) -> tuple[FloatArray, FloatArray]:
    """``log s*I`` per row and the quadrature's ``moments`` means."""
    r, alpha, s, beta = params
    k = r + s + x
    a_tx = alpha + t_x
    b_tx = beta + t_x
    log_a_tx = np.log(a_tx)
    span = k * (np.log(alpha + big_t) - log_a_tx)
    # The factor ((alpha+y)/(beta+y))^(s+1) changes on the scale of
    # (beta+t_x)/(alpha+t_x) when beta is small, and decays slowly while
    # y < beta when beta is large: size the panels and the tail for both.
    closeness = b_tx / a_tx
    scale = np.minimum(np.minimum(k, 1.0), k * closeness)
    slow = k * np.log(np.maximum(closeness, 1.0))
    upper = np.minimum(span, _TAIL * np.maximum(scale, 1.0) + slow)
    # Rows with t_x = T (no time to die unseen) have upper = 0: one panel
    # of no length, whose log Q is -inf and means 0, with no subset of
    # the rows taken and scattered back. One errstate for the whole
    # quadrature (each costs microseconds).
    with np.errstate(divide="ignore", invalid="ignore"):
        log_q, means = _integrate(
            (r, s),
            x,
            (a_tx, b_tx),
            beta - alpha,
            _layout(scale, upper, _panels(scale, upper)),
            moments=moments,
        )
    if means is None:
        means = np.zeros((0, x.size))
    log_si = np.log(s) - k * log_a_tx - np.log(k) + log_q
    return log_si, means


class _Likelihood:
    """Pareto/NBD log-likelihood and gradient over compressed rows."""

    def __init__(
        self, x: FloatArray, t_x: FloatArray, big_t: FloatArray, w: FloatArray
    ) -> None:
        self.x, self.t_x, self.big_t, self.w = x, t_x, big_t, w
        self.x_unique, self.x_index = factorise(x)
        self.w_by_x = np.bincount(
            self.x_index, weights=w, minlength=self.x_unique.size
        )
        self.n = float(w.sum())

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, s, beta = (float(v) for v in theta)
        x, w, big_t = self.x, self.w, self.big_t
        xu = self.x_unique
        log_at = np.log(alpha + big_t)
        log_bt = np.log(beta + big_t)
        term1 = -(r + x) * log_at - s * log_bt
        log_si, d_si = _log_integral(theta, x, self.t_x, big_t, gradient=True)
        assert d_si is not None  # noqa: S101 - asked for above
        lse = np.logaddexp(term1, log_si)
        p2 = np.exp(log_si - lse)
        p1 = 1 - p2
        value = float(
            dot(self.w_by_x, special.gammaln(r + xu) - special.gammaln(r))
            + self.n * (r * np.log(alpha) + s * np.log(beta))
            + dot(w, lse)
        )
        d_term1 = np.stack(
            [
                -log_at,
                -(r + x) / (alpha + big_t),
                -log_bt,
                -s / (beta + big_t),
            ]
        )
        mixed = p1 * d_term1 + p2 * d_si
        gradient = weighted_rows(mixed, w)
        gradient[0] += dot(
            self.w_by_x, special.digamma(r + xu) - special.digamma(r)
        ) + self.n * np.log(alpha)
        gradient[1] += self.n * r / alpha
        gradient[2] += self.n * np.log(beta)
        gradient[3] += self.n * s / beta
        return value, gradient


class ParetoNbdFit(FittedModel):
    """A fitted Pareto/NBD model: parameters, standard errors, predictions.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate of that gamma distribution, in the data's time unit.
        s: Shape of the gamma distribution of dropout rates.
        beta: Rate of that gamma distribution, in the data's time unit.
        covariates: The coefficients of time-invariant covariates, if the
            model was fitted with them (``alpha`` and ``beta`` are then
            those of a customer whose covariates are all 0).

    Examples:
        >>> from customer_centric.clv import ParetoNbdFit
        >>> fit = ParetoNbdFit.from_parameters(
        ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(float(fit.conditional_expected_purchases(
        ...     39, 2, 30.43, 38.86)), 3)
        1.4...

    .. versionadded:: 0.1
    """

    parameter_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")

    r: float
    alpha: float
    s: float
    beta: float
    covariates: CovariateEffects | None = Field(
        default=None, exclude_if=is_none
    )

    @classmethod
    def from_parameters(
        cls, *, r: float, alpha: float, s: float, beta: float
    ) -> ParetoNbdFit:
        """Build a model from known parameters (no data, no uncertainty).

        Examples:
            >>> from customer_centric.clv import ParetoNbdFit
            >>> ParetoNbdFit.from_parameters(r=1, alpha=2, s=1, beta=2).s
            1.0

        .. versionadded:: 0.1
        """
        return cls.model_validate(
            given_parameter_fields(
                {"r": r, "alpha": alpha, "s": s, "beta": beta}
            )
        )

    def probability_alive(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
        *,
        future: npt.ArrayLike = 0.0,
        purchase_covariates: Covariates | None = None,
        dropout_covariates: Covariates | None = None,
    ) -> FloatArray:
        """Probability that a customer with this history is (still) active.

        At ``T`` (``future=0``) this is Schmittlein, Morrison & Colombo
        (1987), equation (11): the share of the likelihood that comes from
        "alive at T". At ``T + future``, with no further information: given
        alive at ``T`` the dropout rate's posterior is gamma(s, β + T), so
        the customer survives the next ``future`` periods with probability
        ((β + T) / (β + T + future))^s.

        Args:
            frequency: Repeat purchases ``x``.
            recency: Time of the last purchase ``t_x``.
            T: Length of observation.
            future: Periods after ``T`` at which to ask (>= 0).
            purchase_covariates: For a fit with covariates, each
                customer's purchase covariates (one value per customer
                of the broadcast inputs).
            dropout_covariates: Likewise, the dropout covariates.

        Examples:
            >>> from customer_centric.clv import ParetoNbdFit
            >>> fit = ParetoNbdFit.from_parameters(
            ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
            >>> fit.probability_alive([0, 2], [0, 30.43], 38.86).round(3)
            array([0.295, 0.869])
            >>> ahead = fit.probability_alive(2, 30.43, 38.86, future=52)
            >>> round(float(ahead), 3)
            0.566

        .. versionadded:: 0.1
        .. versionchanged:: 0.2
           ``purchase_covariates`` and ``dropout_covariates``.
        """
        if covariates_in_use(self, purchase_covariates, dropout_covariates):
            from customer_centric.clv._covariates import (  # noqa: PLC0415
                predict_per_customer,
            )

            return predict_per_customer(
                self,
                lambda m, a: m.probability_alive(*a[:3], future=a[3]),
                (frequency, recency, T, future),
                purchase_covariates=purchase_covariates,
                dropout_covariates=dropout_covariates,
            )
        x, t_x, big_t = broadcast_rfm(frequency, recency, T)
        at_t = _probability_alive(self.parameter_vector(), x, t_x, big_t)
        ahead = as_non_negative(future, name="future").reshape(
            np.shape(future)
        )
        survive = np.exp(-self.s * np.log1p(ahead / (self.beta + big_t)))
        result: FloatArray = np.asarray(at_t * survive)
        return result

    def conditional_expected_purchases(
        self,
        t: npt.ArrayLike,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
        *,
        purchase_covariates: Covariates | None = None,
        dropout_covariates: Covariates | None = None,
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` given the history.

        Schmittlein, Morrison & Colombo (1987), equation (22):
        ``(r+x)(beta+T) / ((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)]
        * P(alive)``, with the ``s = 1`` limit taken smoothly.

        Examples:
            >>> from customer_centric.clv import ParetoNbdFit
            >>> fit = ParetoNbdFit.from_parameters(
            ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
            >>> fit.conditional_expected_purchases(
            ...     [0, 39], 10_000, 99_999, 100_000).round(2)
            array([0. , 3.9])

        .. versionadded:: 0.1
        .. versionchanged:: 0.2
           ``purchase_covariates`` and ``dropout_covariates``, as in
           :meth:`probability_alive`.
        """
        if covariates_in_use(self, purchase_covariates, dropout_covariates):
            from customer_centric.clv._covariates import (  # noqa: PLC0415
                predict_per_customer,
            )

            return predict_per_customer(
                self,
                lambda m, a: m.conditional_expected_purchases(*a),
                (t, frequency, recency, T),
                purchase_covariates=purchase_covariates,
                dropout_covariates=dropout_covariates,
            )
        x, t_x, big_t, horizon = broadcast_rfm(frequency, recency, T, ("t", t))
        alive = _probability_alive(self.parameter_vector(), x, t_x, big_t)
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        rate = (r + x) / (alpha + big_t)
        result: FloatArray = (
            rate * _lifetime_factor(s, beta + big_t, horizon) * alive
        )
        return result

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``.

        Schmittlein, Morrison & Colombo (1987), equation (17):
        ``r beta / (alpha (s-1)) [1 - (beta/(beta+t))^(s-1)]``.

        Examples:
            >>> from customer_centric.clv import ParetoNbdFit
            >>> fit = ParetoNbdFit.from_parameters(
            ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
            >>> fit.expected_purchases([0, 39]).round(3)
            array([0.   , 1.213])

        .. versionadded:: 0.1
        """
        horizon = as_horizon(t)
        result: FloatArray = (
            self.r
            / self.alpha
            * _lifetime_factor(
                self.s, np.full_like(horizon, self.beta), horizon
            )
        )
        return result

    def probability_of_purchases(
        self, n: npt.ArrayLike, t: npt.ArrayLike, /
    ) -> FloatArray:
        """Probability that a new customer makes exactly ``n`` purchases.

        Over ``(0, t]``: a customer alive throughout buys a negative
        binomial count; one who dies at ``y < t`` (density
        ``s beta^s / (beta+y)^(s+1)``) buys a negative binomial count over
        ``(0, y]``, so ``P(X(t)=n) = (beta/(beta+t))^s NB(n; t) +
        integral_0^t s beta^s (beta+y)^-(s+1) NB(n; y) dy`` with
        ``NB(n; y)`` the negative binomial with ``r`` and
        ``alpha/(alpha+y)``
        (Fader & Hardie 2006, "Deriving an Expression for P(X(t)=x) Under
        the Pareto/NBD Model", in integral form). The integral is taken by
        Gauss-Legendre quadrature in ``log(alpha + y)``, in log space.

        Examples:
            >>> import numpy as np
            >>> from customer_centric.clv import ParetoNbdFit
            >>> fit = ParetoNbdFit.from_parameters(
            ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
            >>> p = fit.probability_of_purchases(np.arange(300), 39)
            >>> round(float(p.sum()), 6)
            1.0
            >>> round(float((np.arange(300) * p).sum()), 3)
            1.213

        .. versionadded:: 0.1
        """
        return _probability_of_purchases(
            (self.r, self.alpha, self.s, self.beta), *purchase_counts(n, t)
        )


def _log_negative_binomial(
    n: FloatArray, r: float, log_p: FloatArray, log_q: FloatArray
) -> FloatArray:
    """``log NB(n; r, p)`` with ``p`` the probability of no purchase."""
    with np.errstate(invalid="ignore"):
        terms = n * log_q
    terms = np.where(n == 0, 0.0, terms)
    result: FloatArray = (
        special.gammaln(r + n)
        - special.gammaln(r)
        - special.gammaln(n + 1)
        + r * log_p
        + terms
    )
    return result


def _probability_of_purchases(
    params: tuple[float, float, float, float], n: FloatArray, t: FloatArray
) -> FloatArray:
    r, alpha, s, beta = params
    shape = n.shape
    n, t = n.reshape(-1), t.reshape(-1)
    log_alpha = np.log(alpha)
    # Ratios as log1p, not differences of logs: s log(beta) - s log(beta
    # + y) loses 0.03 in the log at s = beta = 1e13 (P of 1.008).
    span = np.log1p(t / alpha)[:, None]
    with np.errstate(divide="ignore"):
        alive = -s * np.log1p(t / beta) + _log_negative_binomial(
            n, r, -span[:, 0], np.log(t) - np.log(alpha + t)
        )
    # Quadrature over v = log(alpha + y) on [log alpha, log(alpha + t)].
    edges = np.linspace(0.0, 1.0, _PMF_PANELS + 1)
    unit = (
        (edges[:-1, None] + edges[1:, None]) / 2
        + (edges[1:, None] - edges[:-1, None]) / 2 * _PMF_NODES
    ).reshape(-1)
    unit_w = np.repeat(np.diff(edges) / 2, _PMF_NODES.size) * np.tile(
        _PMF_WEIGHTS, _PMF_PANELS
    )
    # y and the shares alpha/(alpha+y), y/(alpha+y) from v - log(alpha),
    # not from exp(v) - alpha: that cancels where t is far below alpha
    # (P(0 purchases) of 2.4 at alpha = 1e13, s = 1000).
    scaled = span * unit
    v = log_alpha + scaled
    y = alpha * np.expm1(scaled)
    with np.errstate(divide="ignore"):
        log_w = np.log(span * unit_w) + v
        terms = (
            log_w
            + np.log(s)
            - s * np.log1p(y / beta)
            - np.log(beta + y)
            + _log_negative_binomial(
                n[:, None], r, -scaled, np.log(-np.expm1(-scaled))
            )
        )
    died = special.logsumexp(terms, axis=1)
    died = np.where(t > 0, died, -np.inf)
    result: FloatArray = np.exp(np.logaddexp(alive, died)).reshape(shape)
    return result


def _lifetime_factor(s: float, b: FloatArray, t: FloatArray) -> FloatArray:
    """``b/(s-1) [1 - (b/(b+t))^(s-1)]``, with the ``s = 1`` limit."""
    log_ratio = np.log1p(t / b)
    if abs(s - 1) < _UNIT_S:
        return b * log_ratio
    result: FloatArray = b * -np.expm1(-(s - 1) * log_ratio) / (s - 1)
    return result


def _probability_alive(
    params: FloatArray, x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    """P(alive) for histories of one common shape (any)."""
    r, alpha, s, beta = (float(v) for v in params)
    term1 = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    flat = (v.reshape(-1) for v in (x, t_x, big_t))
    log_si, _ = _log_integral(params, *flat, gradient=False)
    result: FloatArray = np.exp(
        term1 - np.logaddexp(term1, log_si.reshape(x.shape))
    )
    return result


def fit_pareto_nbd(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None = None,
    purchase_covariates: Covariates | None = None,
    dropout_covariates: Covariates | None = None,
    penalty: float = 0.0,
    equal_coefficients: Sequence[str] = (),
) -> ParetoNbdFit:
    """Fit the Pareto/NBD model by maximum likelihood.

    The data are compressed to unique (x, t_x, T) rows and the summed
    log-likelihood (in the data's time unit) is maximised with analytic
    gradients in log-parameter space.

    Args:
        frequency: Repeat purchases ``x`` per customer (or per row).
        recency: Time of the last repeat purchase ``t_x``.
        T: Length of observation of each customer.
        weights: Customers per row, for data already compressed.
        purchase_covariates: Time-invariant covariates of the purchase
            process: a mapping of name to one value per row, or a
            dataframe with one column per covariate. Each customer's
            ``alpha`` is ``alpha * exp(-gamma . z)`` (CLVTools'
            parametrisation; the CLV guide's "Covariates" section).
        dropout_covariates: Likewise for the dropout process: ``beta *
            exp(-gamma . z)``.
        penalty: L2 penalty ``lambda`` on the coefficients: the fit
            maximises the log-likelihood minus ``lambda`` times the sum
            of their squares (the fit's ``log_likelihood`` is without it).
        equal_coefficients: Covariates of both processes whose
            coefficient is constrained to be the same on the two.

    Returns:
        The fit, with standard errors and diagnostics; with covariates,
        its ``covariates`` holds every coefficient with its standard error.

    Raises:
        DataError: The summary breaks a rule (see
            :func:`~customer_centric.clv.validate_rfm`), or the covariates
            do: not one finite number per row, constant, or an equal
            coefficient not on both processes.
        ConvergenceError: The likelihood has no proper maximum on these
            data, or is highest at an edge where the model becomes a
            simpler one (no heterogeneity in purchase rates or dropout, no
            dropout); the message names the parameters and the simpler
            model. With covariates, a coefficient running off to
            infinity (e.g. a group that never drops out) is named too.

    Examples:
        Two thousand customers simulated from the BG/NBD process (a close
        cousin) with CDNOW-like parameters, observed for 39 weeks:

        >>> from customer_centric.clv import fit_pareto_nbd, simulate_bg_nbd
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 2000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7)
        >>> fit = fit_pareto_nbd(sim.frequency, sim.recency, sim.T)
        >>> fit.diagnostics.converged, fit.n_customers
        (True, 2000.0)

    A base of identical customers shows no heterogeneity at all: the
    likelihood is highest at an edge of the parameter space, and the error
    says which simpler model the data support:

        >>> fit_pareto_nbd([2] * 100, [30.0] * 100, [39.0] * 100)
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ConvergenceError: Pareto/NBD fit did \
not converge to an interior optimum: ... so the data support the simpler \
model with no ...

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Time-invariant covariates, their L2 penalty and equality constraint.
    """
    if purchase_covariates is not None or dropout_covariates is not None:
        from customer_centric.clv._covariates import (  # noqa: PLC0415
            fit_with_covariates,
        )

        return fit_with_covariates(
            ParetoNbdFit,
            partial(_fit_plain, boundaries=()),
            frequency,
            recency,
            T,
            weights=weights,
            purchase_covariates=purchase_covariates,
            dropout_covariates=dropout_covariates,
            penalty=penalty,
            equal_coefficients=equal_coefficients,
            boundaries=_BOUNDARIES,
        )
    return _fit_plain(frequency, recency, T, weights=weights)


def _fit_plain(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None,
    boundaries: Sequence[Boundary] = _BOUNDARIES,
) -> ParetoNbdFit:
    """The fit without covariates; without ``boundaries``, a start.

    The covariate fits start from the plain model's optimum, for which
    the edges need not be probed (the covariate fit probes its own).
    """
    data = compress(frequency, recency, T, weights=weights)
    rate, mean_t = purchase_scales(data)
    scale = max(mean_t, 1e-3)
    return fit_compressed(
        ParetoNbdFit,
        _Likelihood,
        data,
        starts=[
            (1.0, 1.0 / rate, 1.0, scale),
            (1.0, 1.0, 1.0, 1.0),
            (0.5, 10.0 / rate, 0.5, 10.0 * scale),
            (0.1, 0.1 / rate, 2.0, 0.1 * scale),
        ],
        model=_MODEL,
        boundaries=boundaries,
    )
