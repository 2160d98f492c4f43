"""The Pareto/NBD likelihood with time-varying covariates.

Bachmann, Meierer & Näf (2021), "The Role of Time-Varying Contextual
Factors in Latent Attrition Models for Customer Base Analysis",
*Marketing Science* 40(4), 783-809, and CLVTools' ``pnbd`` with
``SetDynamicCovariates``. Customer ``i`` buys at the rate
``lambda a(t)`` while alive and drops out at the rate ``mu b(t)``, with
``a(t) = exp(gamma_purchase . z(t))`` and ``b(t) = exp(gamma_dropout .
z(t))`` for the covariates ``z(t)`` in force at time ``t`` of the
customer's clock (steps: constant over each piece, see
:mod:`~customer_centric.clv._dyncov_paths`); ``lambda ~ Gamma(r, alpha)``
and ``mu ~ Gamma(s, beta)`` independently. With ``A(t)`` and ``B(t)`` the
integrals of ``a`` and ``b`` from 0 to ``t``, the purchases are a Poisson
process in the operational time ``A`` and the lifetime is exponential in
``B``, so given ``lambda`` and ``mu`` a history ``x, t_1..t_x, T`` has

``L = prod_j lambda a(t_j) [exp(-lambda A(T) - mu B(T))
+ int_{t_x}^T mu b(u) exp(-lambda A(u) - mu B(u)) du]``

and integrating out the gamma rates

``L = prod_j a(t_j) Gamma(r+x)/Gamma(r) alpha^r beta^s
[(alpha + A(T))^-(r+x) (beta + B(T))^-s
+ s int_{t_x}^T b(u) (alpha + A(u))^-(r+x) (beta + B(u))^-(s+1) du]``.

On a piece after ``t_x`` with constant ``a_k, b_k`` starting at ``A_k,
B_k`` and of length ``l_k`` the integral is, with ``alpha_k = (alpha +
A_k)/a_k`` and ``beta_k = (beta + B_k)/b_k``,
``a_k^-(r+x) b_k^-s s int_0^{l_k} (alpha_k + v)^-(r+x) (beta_k +
v)^-(s+1) dv``: the plain Pareto/NBD's integral
(:func:`~customer_centric.clv._pareto_nbd.log_integral_rows`), so the sum
over pieces is exact up to that quadrature. With covariates constant over
a customer's clock ``a = exp(gamma_purchase . z)``, and the likelihood is
the time-invariant model's with ``alpha_i = alpha / a`` and ``beta_i =
beta / b`` (CLVTools' static parametrisation).

The gradient follows by the chain rule: ``A_k`` and ``A(T)`` are sums of
``a_j l_j``, whose derivative in ``gamma_purchase`` is ``a_j l_j z_j``.

.. versionadded:: 0.2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray
from customer_centric._extras import defer_import
from customer_centric.clv._dyncov_paths import CovariatePaths, Pieces
from customer_centric.clv._pareto_nbd import log_integral_rows
from customer_centric.exceptions import ArgumentTypeError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from scipy import special

else:
    special = defer_import("scipy.special")

__all__ = ["Design", "alive_rows", "log_likelihood_rows"]

IntArray = npt.NDArray[np.intp]

TRUSTED_LOG: Final = 21.0
"""Beyond ``e^21`` (or below ``e^-21``) a customer's scale parameter loses
the quadrature's precision; the fit treats such points as walls (the
bound of the time-invariant covariate fits, ``_optimizer._TRUSTED_LOG``)."""


def _merge(
    pieces: Pieces, columns: IntArray, *, across_split: bool = False
) -> Pieces:
    """Join consecutive pieces of a customer with the same covariates.

    Pieces on both sides of the last purchase stay apart, unless
    ``across_split`` (a redraw joins them to split at a new ``t_x``).
    """
    values = pieces.values[:, columns]
    same = np.zeros(pieces.customer.size, dtype=np.bool_)
    same[1:] = (pieces.customer[1:] == pieces.customer[:-1]) & (
        values[1:] == values[:-1]
    ).all(axis=1)
    if not across_split:
        same[1:] &= pieces.after[1:] == pieces.after[:-1]
    heads = np.flatnonzero(~same)
    return Pieces(
        customer=pieces.customer[heads],
        length=np.add.reduceat(pieces.length, heads)
        if heads.size
        else pieces.length,
        after=pieces.after[heads],
        values=values[heads],
    )


@final
@attrs.frozen(kw_only=True, eq=False)
class Design:
    """The pieces of one fit: the purchase then dropout covariates."""

    x: FloatArray
    t_x: FloatArray
    big_t: FloatArray
    pieces: Pieces
    purchase_width: int
    purchase_sums: FloatArray
    first: IntArray

    @classmethod
    def of(
        cls,
        paths: CovariatePaths,
        purchase: Sequence[str],
        dropout: Sequence[str],
        *,
        future: bool = False,
    ) -> Design:
        """Select and merge the pieces for these covariates."""
        if not isinstance(paths, CovariatePaths):
            raise ArgumentTypeError.for_argument(
                "paths", paths, "a CovariatePaths built by covariate_paths()"
            )
        p = paths.columns(purchase, role="purchase_covariates")
        d = paths.columns(dropout, role="dropout_covariates")
        pieces = _merge(
            paths.future if future else paths.calibration,
            np.concatenate([p, d]),
        )
        return cls(
            x=paths.frequency,
            t_x=paths.recency,
            big_t=paths.T,
            pieces=pieces,
            purchase_width=p.size,
            purchase_sums=paths.purchase_sums[:, p],
            first=np.searchsorted(
                pieces.customer, np.arange(paths.n_customers)
            ).astype(np.intp),
        )

    @property
    def n(self) -> int:
        """The number of customers."""
        return int(self.x.size)

    def rates(
        self, gamma: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Per piece: ``log a``, ``log b``, ``a l`` and ``b l``."""
        k = self.purchase_width
        values = self.pieces.values
        log_a = values[:, :k] @ gamma[:k]
        log_b = values[:, k:] @ gamma[k:]
        length = self.pieces.length
        return log_a, log_b, np.exp(log_a) * length, np.exp(log_b) * length

    def total(self, per_piece: FloatArray) -> FloatArray:
        """Per customer, the sum over their pieces (rows or matrices)."""
        index = self.pieces.customer
        if per_piece.ndim == 1:
            summed: FloatArray = np.bincount(
                index, weights=per_piece, minlength=self.n
            ).astype(np.float64)
            return summed
        out = np.zeros((self.n, per_piece.shape[1]))
        np.add.at(out, index, per_piece)
        return out

    def before(self, per_piece: FloatArray) -> FloatArray:
        """Per piece, the sum over the customer's earlier pieces."""
        running = np.cumsum(per_piece, axis=0)
        padded = np.concatenate([np.zeros_like(running[:1]), running])
        result: FloatArray = (
            padded[:-1] - padded[self.first[self.pieces.customer]]
        )
        return result


@final
@attrs.frozen(kw_only=True, eq=False)
class _State:
    """The likelihood's intermediate terms, which the gradient reuses."""

    theta: FloatArray
    rates: tuple[FloatArray, FloatArray, FloatArray, FloatArray]
    totals: tuple[FloatArray, FloatArray]
    tail: IntArray
    scales: tuple[FloatArray, FloatArray]
    d_integral: FloatArray | None
    shares: tuple[FloatArray, FloatArray]


def log_likelihood_rows(
    theta: FloatArray, design: Design, *, gradient: bool
) -> tuple[FloatArray, FloatArray | None]:
    """Each customer's log-likelihood, and its gradient if asked.

    ``theta`` is ``r, alpha, s, beta``, then the purchase coefficients,
    then the dropout coefficients. The gradient is ``(parameters,
    customers)``; NaN rows mark a scale beyond :data:`TRUSTED_LOG`.
    """
    value, state = _evaluate(theta, design, gradient=gradient)
    if not gradient:
        return value, None
    if state is None:
        return value, np.full((theta.size, design.n), np.nan)
    return value, _alive_gradient(state, design) + _tail_gradient(
        state, design
    )


def alive_rows(
    theta: FloatArray, design: Design
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per customer: P(alive at ``T``), ``alpha + A(T)``, ``beta + B(T)``.

    P(alive) is the "alive at ``T``" term's share of the likelihood's
    bracket, taken from the same log-sum as the likelihood: a customer
    with no time after the last purchase (``t_x = T``) has exactly 1, as
    in the plain model. NaN beyond :data:`TRUSTED_LOG`.
    """
    value, state = _evaluate(theta, design, gradient=False)
    if state is None:
        nan = np.full(design.n, np.nan)
        return value, nan, nan
    return state.shares[0], *state.totals


def _evaluate(
    theta: FloatArray, design: Design, *, gradient: bool
) -> tuple[FloatArray, _State | None]:
    """The log-likelihood rows and their terms (``None`` past the wall)."""
    r, alpha, s, beta = (float(v) for v in theta[:4])
    gamma = np.asarray(theta[4:], dtype=np.float64)
    x, n = design.x, design.n
    pieces = design.pieces
    log_a, log_b, a_l, b_l = design.rates(gamma)
    a_total = alpha + design.total(a_l)
    b_total = beta + design.total(b_l)
    term1 = -(r + x) * np.log(a_total) - s * np.log(b_total)
    tail = np.flatnonzero(pieces.after)
    owner = pieces.customer[tail]
    alpha_k = (alpha + design.before(a_l))[tail] / np.exp(log_a[tail])
    beta_k = (beta + design.before(b_l))[tail] / np.exp(log_b[tail])
    scales = np.log(np.concatenate([alpha_k, beta_k]))
    if scales.size and np.abs(scales).max() > TRUSTED_LOG:
        # Past the quadrature's precision: a wall for the optimizer.
        return np.full(n, np.nan), None
    x_k = x[owner]
    log_si, d_si = log_integral_rows(
        (r, alpha_k, s, beta_k),
        x_k,
        np.zeros(tail.size),
        pieces.length[tail],
        gradient=gradient,
    )
    log_j = -(r + x_k) * log_a[tail] - s * log_b[tail] + log_si
    top = term1.copy()
    np.maximum.at(top, owner, log_j)
    share_j = np.exp(log_j - top[owner])
    lse = top + np.log(
        np.exp(term1 - top) + np.bincount(owner, share_j, minlength=n)
    )
    value = (
        design.purchase_sums @ gamma[: design.purchase_width]
        + special.gammaln(r + x)
        - special.gammaln(r)
        + r * np.log(alpha)
        + s * np.log(beta)
        + lse
    )
    state = _State(
        theta=np.asarray(theta, dtype=np.float64),
        rates=(log_a, log_b, a_l, b_l),
        totals=(a_total, b_total),
        tail=tail,
        scales=(alpha_k, beta_k),
        d_integral=d_si,
        shares=(np.exp(term1 - lse), np.exp(log_j - lse[owner])),
    )
    return value, state


def _alive_gradient(state: _State, design: Design) -> FloatArray:
    """The prefactor's and the alive-at-``T`` term's gradient."""
    r, alpha, s, beta = (float(v) for v in state.theta[:4])
    k = design.purchase_width
    x = design.x
    _, _, a_l, b_l = state.rates
    a_total, b_total = state.totals
    p0, _ = state.shares
    values = design.pieces.values
    grad = np.zeros((state.theta.size, design.n))
    grad[0] = special.digamma(r + x) - special.digamma(r) + np.log(alpha)
    grad[1] = r / alpha
    grad[2] = np.log(beta)
    grad[3] = s / beta
    grad[4 : 4 + k] = design.purchase_sums.T
    d_at = design.total(a_l[:, None] * values[:, :k])
    d_bt = design.total(b_l[:, None] * values[:, k:])
    grad[0] -= p0 * np.log(a_total)
    grad[1] -= p0 * (r + x) / a_total
    grad[2] -= p0 * np.log(b_total)
    grad[3] -= p0 * s / b_total
    grad[4 : 4 + k] -= (p0 * (r + x) / a_total) * d_at.T
    grad[4 + k :] -= (p0 * s / b_total) * d_bt.T
    return grad


def _tail_gradient(state: _State, design: Design) -> FloatArray:
    """The gradient of the integral's pieces after ``t_x``.

    ``alpha_k = (alpha + A_k) / a_k`` moves with ``gamma_purchase`` as
    ``(dA_k / a_k) - alpha_k z_k``, ``dA_k`` the sum of ``a_j l_j z_j``
    over the earlier pieces; likewise ``beta_k``.
    """
    r, s = float(state.theta[0]), float(state.theta[2])
    k = design.purchase_width
    tail = state.tail
    owner = design.pieces.customer[tail]
    log_a, log_b, a_l, b_l = state.rates
    alpha_k, beta_k = state.scales
    d_si = state.d_integral
    assert d_si is not None  # noqa: S101 - evaluated with the gradient
    values = design.pieces.values
    zp, zd = values[:, :k], values[:, k:]
    a_tail = np.exp(log_a[tail])
    b_tail = np.exp(log_b[tail])
    d_alpha_k = (
        design.before(a_l[:, None] * zp)[tail] / a_tail[:, None]
        - alpha_k[:, None] * zp[tail]
    )
    d_beta_k = (
        design.before(b_l[:, None] * zd)[tail] / b_tail[:, None]
        - beta_k[:, None] * zd[tail]
    )
    per_piece = np.empty((tail.size, state.theta.size))
    per_piece[:, 0] = -log_a[tail] + d_si[0]
    per_piece[:, 1] = d_si[1] / a_tail
    per_piece[:, 2] = -log_b[tail] + d_si[2]
    per_piece[:, 3] = d_si[3] / b_tail
    per_piece[:, 4 : 4 + k] = (
        -(r + design.x[owner])[:, None] * zp[tail]
        + d_si[1][:, None] * d_alpha_k
    )
    per_piece[:, 4 + k :] = -s * zd[tail] + d_si[3][:, None] * d_beta_k
    _, p_j = state.shares
    out = np.zeros((design.n, state.theta.size))
    np.add.at(out, owner, p_j[:, None] * per_piece)
    result: FloatArray = out.T
    return result
