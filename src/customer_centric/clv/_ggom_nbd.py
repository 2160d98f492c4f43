"""The Gamma-Gompertz/NBD model of repeat buying (Bemmaor & Glady 2012).

Purchases as in the Pareto/NBD: while alive, a customer buys as a Poisson
process with rate ``lambda``, gamma distributed (shape ``r``, rate
``alpha``). The lifetime is Gompertz, ``P(tau > y | eta) = exp(-eta
(e^(b y) - 1))``, with ``eta`` gamma distributed across customers (shape
``s``, rate ``beta``) and ``b`` common to all, so that across customers
``S(y) = P(tau > y) = (beta / (beta - 1 + e^(b y)))^s`` and the lifetime
density is ``f(y) = b s beta^s e^(b y) / (beta - 1 + e^(b y))^(s+1)``.
Its hazard can rise or fall with time and its density can have an interior
mode, which the Pareto/NBD's exponential lifetimes cannot. As ``b`` and
``beta`` go to 0 with ``beta / b`` fixed, ``S(y)`` tends to the Pareto/NBD's
``(beta_P / (beta_P + y))^s`` with ``beta_P = beta / b``. Source: A. C.
Bemmaor and N. Glady (2012), "Modeling Purchasing Behavior with Sudden
'Death': A Flexible Customer Lifetime Model", *Management Science* 58(5),
1012-1021; the same parametrisation as CLVTools' ``ggomnbd``.

The likelihood of ``x`` repeat purchases, the last at ``t_x``, in
``(0, T]`` is (Bemmaor & Glady 2012)::

    L = Gamma(r+x) alpha^r / Gamma(r) * [(alpha+T)^-(r+x) S(T)
        + integral_{t_x}^{T} (alpha+y)^-(r+x) f(y) dy]

(alive at ``T``, or died at ``y`` after the last purchase). The integral has
no closed form; it is taken by Gauss-Legendre quadrature on panels that
start at ``t_x`` and double in width (the integrand is steepest there),
no wider than ``2/b`` (where ``e^(b y)`` changes), in log space, and the
analytic gradient comes from the same nodes. ``beta - 1 + e^(b y)`` is
computed as ``beta + expm1(b y)``, exact near the Pareto/NBD edge where both
terms are tiny. With time-invariant covariates (CLVTools' ``ggomnbd``),
``alpha`` and ``beta`` are per customer (:func:`fit_ggom_nbd`), and the
same terms are evaluated with each row's scales.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from itertools import pairwise
from typing import TYPE_CHECKING, ClassVar, Final, final

import attrs
import numpy as np
import numpy.typing as npt
from pydantic import Field

from customer_centric._arrays import (
    FloatArray,
    as_horizon,
    dot,
    weighted_rows,
)
from customer_centric._extras import defer_import
from customer_centric.clv._covariate_records import (
    CovariateEffects,
    covariates_in_use,
    is_none,
)
from customer_centric.clv._optimizer import Boundary
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

__all__ = ["GgomNbdFit", "fit_ggom_nbd"]

_MODEL: Final = "GGom/NBD"
_BOUNDARIES: Final = (
    Boundary(
        direction=(0, 0, -1, 0, -1),
        parameters="b and beta run to 0 together (beta/b fixed)",
        simpler="exponential lifetimes (the Pareto/NBD model)",
    ),
    Boundary(
        direction=(1, 1, 0, 0, 0),
        parameters="r and alpha run to infinity together (r/alpha fixed)",
        simpler=(
            "no purchase-rate heterogeneity (Poisson purchasing at one rate)"
        ),
    ),
    Boundary(
        direction=(0, 0, 0, 0, 1),
        parameters="beta runs to infinity (dropout to 0)",
        simpler="no dropout (the NBD model)",
    ),
    Boundary(
        direction=(0, 0, 0, -1, 0),
        parameters="s runs to 0 (dropout to 0)",
        simpler="no dropout (the NBD model)",
    ),
    Boundary(
        direction=(0, 0, -1, 0, 0),
        parameters="b runs to 0 (dropout to 0)",
        simpler="no dropout (the NBD model)",
    ),
    Boundary(
        direction=(0, 0, 0, 1, 1),
        parameters="s and beta run to infinity together (s/beta fixed)",
        simpler="no lifetime heterogeneity (one Gompertz lifetime)",
    ),
)
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(12)
_LOG_WEIGHTS: Final = np.log(_WEIGHTS / 2)
_MAX_PANELS: Final = 48
"""Panels per integral: up to 32 doubling ones (a first panel down to
``2^-32`` of the widest) and 16 of the widest width, which grows past
``cap`` where 16 would not reach the end. Should the doublings not reach
the widest width, the last panel stretches to the end, where the
integrand (steepest at the start) has long decayed."""
_DOUBLINGS: Final = 2.0 ** np.arange(_MAX_PANELS)
_USUAL_PANELS: Final = 16
"""Panels taken first: enough for most rows, whose ends need not be
summed through all :data:`_MAX_PANELS` widths."""
_BLOCK: Final = 512
"""Panels taken together, about: their node arrays (48 KiB) are small
enough for the C library to reuse their memory; as one array for all
panels, fresh pages were faulted in for each temporary, a fifth of an
evaluation's time on 300 customers."""
_CAP: Final = 2.0
"""Widest panel, in units of ``1/b`` (``e^(b y)`` grows by e^2 across it)."""
_LINEAR: Final = 30.0
"""Above this ``b y``, ``log(beta - 1 + e^(b y))`` is taken as ``b y``
plus a small correction, without overflow."""


def _log_g(b: float, beta: float | FloatArray, y: FloatArray) -> FloatArray:
    """``log(beta - 1 + e^(b y))``, accurate for tiny and huge ``b y``."""
    return _log_g_at(b * y, beta)


def _log_g_at(by: FloatArray, beta: float | FloatArray) -> FloatArray:
    """:func:`_log_g` given ``b y``."""
    if not by.size or by.max() < _LINEAR:  # the usual case: one formula
        easy: FloatArray = np.log(beta + np.expm1(by))
        return easy
    small = np.minimum(by, _LINEAR)
    result: FloatArray = np.where(
        by < _LINEAR,
        np.log(beta + np.expm1(small)),
        by + np.log1p((beta - 1) * np.exp(-np.maximum(by, _LINEAR))),
    )
    return result


def _log_g_ratio(b: float, beta: float, y: FloatArray) -> FloatArray:
    """``log((beta - 1 + e^(b y)) / beta)``: :func:`_log_g` minus ``log beta``.

    As ``log1p(expm1(b y) / beta)``, not as that difference: times a huge
    ``s`` the difference's rounding (about 4e-15 of ``log beta``) showed
    (a probability of 1.0097 at ``s = beta = 1e13``).
    """
    by = b * y
    small = np.minimum(by, _LINEAR)
    result: FloatArray = np.where(
        by < _LINEAR,
        np.log1p(np.expm1(small) / beta),
        by
        - np.log(beta)
        + np.log1p((beta - 1) * np.exp(-np.maximum(by, _LINEAR))),
    )
    return result


def _log_survival(
    b: float, s: float, beta: float, y: FloatArray
) -> FloatArray:
    """``log S(y) = s log(beta / (beta - 1 + e^(b y)))``."""
    result: FloatArray = -s * _log_g_ratio(b, beta, y)
    return result


def _panel_ends(
    start: FloatArray, end: FloatArray, first: FloatArray, cap: float
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Each row's panel ends (from ``start``) and how many reach ``end``.

    Panels of width ``first * 2^k``, each no wider than ``cap`` (or, where
    :data:`_MAX_PANELS` would not reach ``end``, the width that does).
    """
    span = np.maximum(end - start, 0.0)
    first = np.maximum(np.minimum(first, span), 1e-300)
    widest = np.maximum(cap, span / 16)
    short = span * (1 - 1e-12)
    usual = _DOUBLINGS[:_USUAL_PANELS]
    ends = np.cumsum(np.minimum(first[:, None] * usual, widest[:, None]), 1)
    if (ends[:, -1] < short).any():  # some row needs more panels
        more = np.minimum(
            first[:, None] * _DOUBLINGS[_USUAL_PANELS:], widest[:, None]
        )
        # The running sums carried on, added in the same order.
        more[:, 0] += ends[:, -1]
        ends = np.concatenate([ends, np.cumsum(more, axis=1)], axis=1)
    reached = ends < short[:, None]
    counts = np.minimum(reached.sum(axis=1) + 1, _MAX_PANELS)
    return ends, np.where(span > 0, counts, 0).astype(np.intp)


@final
@attrs.frozen(kw_only=True)
class _Panels:
    """Quadrature panels of many integrals, one column of nodes per panel.

    Row ``owners[i]``'s panels are ``starts[i]`` up to ``starts[i+1]``
    (the last ones, up to the end); each panel's row is in ``rows`` and
    its nodes and log-weights in the columns of ``y`` and ``log_w``. The
    integrals go in blocks of about :data:`_BLOCK` panels, not one array
    per panel count, so that an evaluation costs the same few numpy calls
    however the counts spread; nodes by panels, not panels by nodes, so
    that numpy's inner loops run along the panels, not along 12 nodes.
    """

    owners: npt.NDArray[np.intp]
    starts: npt.NDArray[np.intp]
    rows: npt.NDArray[np.intp]
    y: FloatArray
    log_w: FloatArray
    # Each integral's number of panels, read by every repeat per panel.
    sizes: npt.NDArray[np.intp] = attrs.field(init=False)

    @sizes.default
    def _sizes(self) -> npt.NDArray[np.intp]:
        sizes: npt.NDArray[np.intp] = np.diff(
            self.starts, append=self.rows.size
        )
        return sizes

    def panels_of(self, keep: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Which panels belong to the integrals where ``keep`` holds."""
        taken: npt.NDArray[np.bool_] = np.repeat(keep, self.sizes)
        return taken

    def subset(self, keep: npt.NDArray[np.bool_]) -> _Panels:
        """The panels of the integrals where ``keep`` holds."""
        sizes = self.sizes[keep]
        taken = self.panels_of(keep)
        return _Panels(
            owners=self.owners[keep],
            starts=np.cumsum(sizes) - sizes,
            rows=self.rows[taken],
            y=self.y[:, taken],
            log_w=self.log_w[:, taken],
        )

    def per_panel(self, per_integral: FloatArray) -> FloatArray:
        """A value per integral, for each of its panels."""
        result: FloatArray = np.repeat(per_integral, self.sizes)
        return result

    def maxima(self, values: FloatArray) -> FloatArray:
        """Each integral's largest value over its nodes."""
        result: FloatArray = np.maximum.reduceat(
            values.max(axis=0), self.starts
        )
        return result

    def sums(self, values: FloatArray) -> FloatArray:
        """Each integral's sum of ``values`` over its nodes."""
        result: FloatArray = np.add.reduceat(values.sum(axis=0), self.starts)
        return result

    def weighted_sums(
        self, weights: FloatArray, values: FloatArray
    ) -> FloatArray:
        """Each integral's sum of ``weights * values`` over its nodes."""
        result: FloatArray = np.add.reduceat(
            np.einsum("kp,kp->p", weights, values), self.starts
        )
        return result


def _panel_blocks(
    start: FloatArray, end: FloatArray, first: FloatArray, cap: float
) -> Iterator[_Panels]:
    """Quadrature nodes and log-weights on ``[start, end]``, by panel.

    Each row has its own number of panels, so short integrals do not pay
    for long ones; the last panel is cut at ``end``. Rows with ``end ==
    start`` have no panels (their integral is 0). The rows come in
    blocks of whole integrals, about :data:`_BLOCK` panels each.
    """
    ends, counts = _panel_ends(start, end, first, cap)
    span = np.maximum(end - start, 0.0)
    owners = np.flatnonzero(counts)
    per_row = counts[owners]
    starts = np.cumsum(per_row) - per_row
    rows = np.repeat(owners, per_row)
    # Panel j spans [edge j, edge j+1]: 0, the panel ends held to the
    # span, and the span itself as the last edge.
    used = ends[:, : counts.max(initial=0)]
    hi = np.minimum(
        used[np.arange(used.shape[1]) < counts[:, None]], span[rows]
    )
    hi[starts + per_row - 1] = span[owners]
    lo = np.empty_like(hi)
    lo[1:] = hi[:-1]
    lo[starts] = 0.0
    half = (hi - lo) / 2
    mid = (hi + lo) / 2
    with np.errstate(divide="ignore"):
        log_2half = np.log(2 * half)
    # Each block from the first integral to start at or past a multiple
    # of the block's size.
    firsts = np.searchsorted(starts, np.arange(0, hi.size, _BLOCK))
    bounds = np.unique(firsts[firsts < owners.size]).tolist()
    for a, b in pairwise([*bounds, owners.size]):
        cut = slice(starts[a], starts[b] if b < owners.size else hi.size)
        yield _Panels(
            owners=owners[a:b],
            starts=starts[a:b] - starts[a],
            rows=rows[cut],
            y=start[rows[cut]] + (mid[cut] + half[cut] * _NODES[:, None]),
            log_w=log_2half[cut] + _LOG_WEIGHTS[:, None],
        )


def _log_integral(
    start: FloatArray,
    end: FloatArray,
    first: FloatArray,
    cap: float,
    log_integrand: Callable[[npt.NDArray[np.intp], FloatArray], FloatArray],
) -> FloatArray:
    """``log integral_start^end exp(log_integrand(rows, y)) dy`` per row.

    ``log_integrand`` gets each panel's row and its nodes, a column each.
    """
    result = np.full(start.size, -np.inf)
    for panels in _panel_blocks(start, end, first, cap):
        terms = panels.log_w + log_integrand(panels.rows, panels.y)
        top = panels.maxima(terms)
        top[~np.isfinite(top)] = 0.0
        total = panels.sums(np.exp(terms - panels.per_panel(top)))
        with np.errstate(divide="ignore"):
            result[panels.owners] = np.log(total) + top
    return result


def _first_width(
    b: float, beta: float | FloatArray, start: FloatArray, decay: FloatArray
) -> FloatArray:
    """The first panel's width: the smaller of the two integrands' scales.

    ``decay`` is the scale of the purchase factor; the lifetime factor
    changes on the scale ``min(1, (beta - 1 + e^(b y)) e^(-b y)) / b`` at
    ``y`` (``beta / b`` at 0 when ``beta`` is small).
    """
    scale = np.exp(np.minimum(_log_g(b, beta, start) - b * start, 0.0)) / b
    result: FloatArray = np.minimum(decay, scale) / 4
    return result


def _at_rows(
    value: float | FloatArray, rows: npt.NDArray[np.intp]
) -> float | FloatArray:
    """A scalar as it is; a per-row array at ``rows``."""
    if np.ndim(value) == 0:
        return value
    picked: FloatArray = np.asarray(value)[rows]
    return picked


def _log_death(
    params: tuple[float, float | FloatArray, float, float, float | FloatArray],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray]:
    """Per row, the log of the death integral and the means of its terms.

    The means are those of the log-integrand's derivatives over the
    nodes, weighted by the integrand (zeros unless asked for).
    """
    r, alpha, b, s, beta = params
    died = np.full(x.size, -np.inf)
    means = np.zeros((5, x.size))
    first = _first_width(b, beta, t_x, (alpha + t_x) / (r + x + 1))
    constant = np.broadcast_to(np.log(b * s) + s * np.log(beta), x.shape)
    for panels in _panel_blocks(t_x, big_t, first, _CAP / b):
        owners = panels.owners
        died[owners], means[:, owners] = _log_death_block(
            panels,
            params,
            (r + x)[owners],
            constant[owners],
            gradient=gradient,
        )
    return died, means


def _log_death_block(
    panels: _Panels,
    params: tuple[float, float | FloatArray, float, float, float | FloatArray],
    shape: FloatArray,
    constant: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray]:
    """:func:`_log_death` on one block of panels.

    ``shape`` is each integral's ``r + x`` and ``constant`` its
    log-integrand's constant term.
    """
    _, alpha, b, s, beta = params
    died = np.full(panels.owners.size, -np.inf)
    means = np.zeros((5, panels.owners.size))
    y = panels.y
    by = b * y
    log_g = _log_g_at(by, _at_rows(beta, panels.rows))
    alpha_y = _at_rows(alpha, panels.rows) + y
    log_ay = np.log(alpha_y)
    terms = (
        panels.log_w - panels.per_panel(shape) * log_ay + by - (s + 1) * log_g
    )
    top = panels.maxima(terms)
    keep = np.isfinite(top)
    if not keep.all():  # a panel too narrow for any node: it adds 0
        taken = panels.panels_of(keep)
        terms, y, by, log_g, alpha_y, log_ay = (
            nodes[:, taken] for nodes in (terms, y, by, log_g, alpha_y, log_ay)
        )
        panels, top = panels.subset(keep), top[keep]
    weights = np.exp(terms - panels.per_panel(top))
    total = panels.sums(weights)
    died[keep] = np.log(total) + top + constant[keep]
    if gradient:
        sums = panels.weighted_sums
        means[:, keep] = (
            np.array(
                [
                    sums(weights, log_ay),
                    sums(weights, 1 / alpha_y),
                    sums(weights, y * (1 - (s + 1) * np.exp(by - log_g))),
                    sums(weights, log_g),
                    sums(weights, np.exp(-log_g)),
                ]
            )
            / total
        )
    return died, means


def log_likelihood_terms(
    params: tuple[float, float | FloatArray, float, float, float | FloatArray],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """Per row: the logs of the alive term and of the death integral.

    And, if asked, the gradient of the log of their sum with respect to
    the parameters (without the common factor ``Gamma(r+x) alpha^r /
    Gamma(r)``), from the same quadrature nodes. ``alpha`` and ``beta``
    are scalars, or per row (customers with covariates); the gradient's
    ``alpha`` and ``beta`` rows are then per-row derivatives.
    """
    r, alpha, b, s, beta = params
    log_at = np.log(alpha + big_t)
    log_g_t = _log_g(b, beta, big_t)
    log_beta = np.log(beta)
    alive = -(r + x) * log_at + s * (log_beta - log_g_t)
    died, means = _log_death(params, x, t_x, big_t, gradient=gradient)
    if not gradient:
        return alive, died, None
    share = np.exp(died - np.logaddexp(alive, died))
    d_alive = np.stack(
        np.broadcast_arrays(
            -log_at,
            -(r + x) / (alpha + big_t),
            -s * big_t * np.exp(b * big_t - log_g_t),
            log_beta - log_g_t,
            s / beta - s * np.exp(-log_g_t),
        )
    )
    d_died = np.stack(
        np.broadcast_arrays(
            -means[0],
            -(r + x) * means[1],
            1 / b + means[2],
            1 / s + log_beta - means[3],
            s / beta - (s + 1) * means[4],
        )
    )
    mixed = (1 - share) * d_alive + share * d_died
    return alive, died, mixed


class _Likelihood:
    """GGom/NBD log-likelihood and gradient over compressed rows."""

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
        r, alpha, b, s, beta = (float(v) for v in theta)
        xu = self.x_unique
        alive, died, mixed = log_likelihood_terms(
            (r, alpha, b, s, beta), self.x, self.t_x, self.big_t, gradient=True
        )
        assert mixed is not None  # noqa: S101 - asked for above
        # Sums in numpy's own loop, off threaded BLAS (see _arrays.dot).
        value = (
            dot(self.w_by_x, special.gammaln(r + xu) - special.gammaln(r))
            + self.n * r * np.log(alpha)
            + dot(self.w, np.logaddexp(alive, died))
        )
        gradient = weighted_rows(mixed, self.w)
        gradient[0] += dot(
            self.w_by_x, special.digamma(r + xu) - special.digamma(r)
        ) + self.n * np.log(alpha)
        gradient[1] += self.n * r / alpha
        return value, gradient


class GgomNbdFit(FittedModel):
    """A fitted Gamma-Gompertz/NBD model: parameters, errors, predictions.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate of that gamma distribution, in the data's time unit.
        b: The Gompertz scale, per time unit: how fast the hazard of
            dropping out grows with the customer's age.
        s: Shape of the gamma distribution of the Gompertz ``eta``.
        beta: Rate of that gamma distribution.
        covariates: The coefficients of time-invariant covariates, if the
            model was fitted with them (``alpha`` and ``beta`` are then
            those of a customer whose covariates are all 0).

    Examples:
        Bemmaor & Glady's (2012, Table 2) CDNOW estimates, which are the
        Pareto/NBD's (``b`` and ``beta`` near 0 with ``beta / b`` near
        the Pareto/NBD's ``beta``): the customer with 2 repeat purchases,
        the last at week 30.43, observed for 38.86 weeks, expects about
        1.47 purchases in the next 39 weeks (1.455 under the Pareto/NBD;
        the table's rounding of ``b`` and ``beta`` makes the difference).

        >>> from customer_centric.clv import GgomNbdFit
        >>> fit = GgomNbdFit.from_parameters(
        ...     r=0.553, alpha=10.578, b=0.0002, s=0.603, beta=0.0026)
        >>> round(float(fit.conditional_expected_purchases(
        ...     39, 2, 30.43, 38.86)), 2)
        1.47

    .. versionadded:: 0.2
    """

    parameter_names: ClassVar[tuple[str, ...]] = (
        "r",
        "alpha",
        "b",
        "s",
        "beta",
    )

    r: float
    alpha: float
    b: float
    s: float
    beta: float
    covariates: CovariateEffects | None = Field(
        default=None, exclude_if=is_none
    )

    @classmethod
    def from_parameters(
        cls, *, r: float, alpha: float, b: float, s: float, beta: float
    ) -> GgomNbdFit:
        """Build a model from known parameters (no data, no uncertainty).

        Examples:
            >>> from customer_centric.clv import GgomNbdFit
            >>> GgomNbdFit.from_parameters(
            ...     r=1, alpha=2, b=0.1, s=1, beta=2).b
            0.1

        .. versionadded:: 0.2
        """
        return cls.model_validate(
            given_parameter_fields(
                {"r": r, "alpha": alpha, "b": b, "s": s, "beta": beta}
            )
        )

    def _tuple(self) -> tuple[float, float, float, float, float]:
        return (self.r, self.alpha, self.b, self.s, self.beta)

    def probability_alive(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
        *,
        purchase_covariates: Covariates | None = None,
        dropout_covariates: Covariates | None = None,
    ) -> FloatArray:
        """Probability that a customer with this history is still active.

        The share of the likelihood that comes from "alive at ``T``"
        (Bemmaor & Glady 2012).

        Args:
            frequency: Repeat purchases ``x``.
            recency: Time of the last repeat purchase ``t_x``.
            T: Length of observation.
            purchase_covariates: For a fit with covariates, each
                customer's purchase covariates (one value per customer
                of the broadcast inputs).
            dropout_covariates: Likewise, the dropout covariates.

        Examples:
            >>> from customer_centric.clv import GgomNbdFit
            >>> fit = GgomNbdFit.from_parameters(
            ...     r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55)
            >>> fit.probability_alive([0, 2, 2], [0, 30.0, 5.0], 32.0).round(3)
            array([0.17 , 0.851, 0.055])

        .. versionadded:: 0.2
        """
        if covariates_in_use(self, purchase_covariates, dropout_covariates):
            from customer_centric.clv._covariates import (  # noqa: PLC0415
                predict_per_customer,
            )

            return predict_per_customer(
                self,
                lambda m, a: m.probability_alive(*a),
                (frequency, recency, T),
                purchase_covariates=purchase_covariates,
                dropout_covariates=dropout_covariates,
            )
        x, t_x, big_t = broadcast_rfm(frequency, recency, T)
        return _probability_alive(self._tuple(), x, t_x, big_t)

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

        Given alive at ``T``, the purchase rate's posterior is
        Gamma(r+x, alpha+T) and ``eta``'s is Gamma(s, beta - 1 + e^(bT)),
        so the customer survives to ``T + u`` with probability
        ``((beta - 1 + e^(bT)) / (beta - 1 + e^(b(T+u))))^s``: the
        expectation is ``P(alive) (r+x)/(alpha+T)`` times the integral of
        that survival over ``(0, t]`` (Bemmaor & Glady 2012),
        taken by quadrature.

        Examples:
            >>> from customer_centric.clv import GgomNbdFit
            >>> fit = GgomNbdFit.from_parameters(
            ...     r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55)
            >>> fit.conditional_expected_purchases(
            ...     [0, 32], 2, 30.0, 32.0).round(3)
            array([0.   , 0.747])

        .. versionadded:: 0.2
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
        params = self._tuple()
        shape = x.shape
        flat = [v.reshape(-1) for v in (x, t_x, big_t, horizon)]
        alive = _probability_alive(params, *flat[:3])
        r, alpha = params[0], params[1]
        rate = (r + flat[0]) / (alpha + flat[2])
        result: FloatArray = (
            alive * rate * _survival_integral(params, flat[2], flat[3])
        ).reshape(shape)
        return result

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``.

        ``r/alpha`` times the expected time alive in ``(0, t]``, the
        integral of ``S(y)`` (Bemmaor & Glady 2012).

        Examples:
            >>> from customer_centric.clv import GgomNbdFit
            >>> fit = GgomNbdFit.from_parameters(
            ...     r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55)
            >>> fit.expected_purchases([0, 32]).round(3)
            array([0.   , 4.123])

        .. versionadded:: 0.2
        """
        horizon = as_horizon(t)
        shape = horizon.shape
        flat = horizon.reshape(-1)
        params = self._tuple()
        result: FloatArray = (
            params[0]
            / params[1]
            * _survival_integral(params, np.zeros_like(flat), flat)
        ).reshape(shape)
        return result

    def probability_of_purchases(
        self, n: npt.ArrayLike, t: npt.ArrayLike, /
    ) -> FloatArray:
        """Probability that a new customer makes exactly ``n`` purchases.

        Over ``(0, t]``: alive throughout (probability ``S(t)``) the count
        is negative binomial over ``t``; dead at ``y < t`` (density
        ``f(y)``), negative binomial over ``y``; the integral is taken by
        quadrature in log space.

        Examples:
            >>> import numpy as np
            >>> from customer_centric.clv import GgomNbdFit
            >>> fit = GgomNbdFit.from_parameters(
            ...     r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55)
            >>> p = fit.probability_of_purchases(np.arange(300), 32)
            >>> round(float(p.sum()), 6)
            1.0

        .. versionadded:: 0.2
        """
        count, horizon = purchase_counts(n, t)
        return _probability_of_purchases(self._tuple(), count, horizon)


def _probability_alive(
    params: tuple[float, float, float, float, float],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
) -> FloatArray:
    shape = x.shape
    alive, died, _ = log_likelihood_terms(
        params,
        x.reshape(-1),
        t_x.reshape(-1),
        big_t.reshape(-1),
        gradient=False,
    )
    result: FloatArray = np.exp(alive - np.logaddexp(alive, died)).reshape(
        shape
    )
    return result


def _survival_integral(
    params: tuple[float, float, float, float, float],
    big_t: FloatArray,
    t: FloatArray,
) -> FloatArray:
    """``integral_0^t S(T+u) / S(T) du`` per row."""
    _, _, b, s, beta = params
    first = _first_width(b, beta, big_t, np.full(big_t.shape, np.inf))
    first = np.minimum(first, 1 / (b * (s + 1)))
    log_g_t = _log_g_ratio(b, beta, big_t)

    def log_ratio(rows: npt.NDArray[np.intp], y: FloatArray) -> FloatArray:
        result: FloatArray = s * (log_g_t[rows] - _log_g_ratio(b, beta, y))
        return result

    with np.errstate(divide="ignore"):
        result: FloatArray = np.exp(
            _log_integral(big_t, big_t + t, first, _CAP / b, log_ratio)
        )
    return result


def _log_negative_binomial(
    n: FloatArray, r: float, log_p: FloatArray, log_q: FloatArray
) -> FloatArray:
    """``log NB(n; r, p)`` with ``p`` the probability of no purchase."""
    with np.errstate(invalid="ignore"):
        terms = np.where(n == 0, 0.0, n * log_q)
    result: FloatArray = (
        special.gammaln(r + n)
        - special.gammaln(r)
        - special.gammaln(n + 1)
        + r * log_p
        + terms
    )
    return result


def _probability_of_purchases(
    params: tuple[float, float, float, float, float],
    n: FloatArray,
    t: FloatArray,
) -> FloatArray:
    r, alpha, b, s, beta = params
    shape = n.shape
    n, t = n.reshape(-1), t.reshape(-1)
    with np.errstate(divide="ignore"):
        alive = _log_survival(b, s, beta, t) + _log_negative_binomial(
            n,
            r,
            -np.log1p(t / alpha),
            np.log(t) - np.log(alpha + t),
        )
    zero = np.zeros_like(t)
    first = _first_width(b, beta, zero, alpha / (r + n + 1))

    def log_density(rows: npt.NDArray[np.intp], y: FloatArray) -> FloatArray:
        log_death = (
            np.log(b * s)
            + b * y
            - s * _log_g_ratio(b, beta, y)
            - _log_g(b, beta, y)
        )
        with np.errstate(divide="ignore"):
            log_nb = _log_negative_binomial(
                n[rows],
                r,
                -np.log1p(y / alpha),
                np.log(y) - np.log(alpha + y),
            )
        result: FloatArray = log_death + log_nb
        return result

    died = _log_integral(zero, t, first, _CAP / b, log_density)
    result: FloatArray = np.exp(np.logaddexp(alive, died)).reshape(shape)
    return result


def fit_ggom_nbd(
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
) -> GgomNbdFit:
    """Fit the Gamma-Gompertz/NBD model by maximum likelihood.

    The data are compressed to unique (x, t_x, T) rows and the summed
    log-likelihood (Bemmaor & Glady 2012, in the data's time
    unit) is maximised with analytic gradients in log-parameter space.

    The model nests the Pareto/NBD at the edge where ``b`` and ``beta``
    run to 0 together: where the data do not ask for a Gompertz lifetime
    (CDNOW is such a base: Bemmaor & Glady's estimates ``b`` 0.0002 and
    ``beta`` 0.0026 are on that edge, with the Pareto/NBD's
    log-likelihood), the fit raises
    :class:`~customer_centric.exceptions.ConvergenceError` naming the
    Pareto/NBD rather than report a "converged" fit whose standard errors
    mean nothing.

    Args:
        frequency: Repeat purchases ``x`` per customer (or per row).
        recency: Time of the last repeat purchase ``t_x``.
        T: Length of observation of each customer.
        weights: Customers per row, for data already compressed.
        purchase_covariates: Time-invariant covariates of the purchase
            process: a mapping of name to one value per row, or a
            dataframe with one column per covariate. Each customer's
            ``alpha`` is ``alpha * exp(-gamma . z)`` (CLVTools'
            ``ggomnbd`` with static covariates; the CLV guide's
            "Covariates" section).
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
            simpler one (the Pareto/NBD, no dropout, no heterogeneity);
            the message names the parameters and the simpler model. With
            covariates, a coefficient running off to infinity (e.g. a
            group that never drops out) is named too.

    Examples:
        Customers simulated with the parameters of BTYDplus's example,
        observed for 32 weeks:

        >>> from customer_centric.clv import fit_ggom_nbd, simulate_ggom_nbd
        >>> sim = simulate_ggom_nbd(
        ...     [32.0] * 2000, r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55,
        ...     seed=7)
        >>> fit = fit_ggom_nbd(sim.frequency, sim.recency, sim.T)
        >>> fit.diagnostics.converged, fit.n_customers
        (True, 2000.0)

    .. versionadded:: 0.2
    """
    if purchase_covariates is not None or dropout_covariates is not None:
        from customer_centric.clv._covariates import (  # noqa: PLC0415
            fit_with_covariates,
        )

        return fit_with_covariates(
            GgomNbdFit,
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
) -> GgomNbdFit:
    """The fit without covariates; without ``boundaries``, a start.

    The covariate fits start from the plain model's optimum, for which
    the edges need not be probed (the covariate fit probes its own).
    """
    data = compress(frequency, recency, T, weights=weights)
    rate, mean_t = purchase_scales(data)
    scale = max(mean_t, 1e-3)
    return fit_compressed(
        GgomNbdFit,
        _Likelihood,
        data,
        starts=[
            (1.0, 1.0 / rate, 1.0 / scale, 1.0, 1.0),
            (0.5, 2.0 / rate, 0.1 / scale, 1.0, 0.1),
            (1.0, 1.0, 0.01 / scale, 1.0, 1.0),
            (0.5, 10.0 / rate, 3.0 / scale, 0.5, 10.0),
        ],
        model=_MODEL,
        boundaries=boundaries,
    )
