"""Discounted expected residual transactions (DERT) of purchase models.

DERT is the present value, at a continuous discount rate ``delta`` per
time unit, of a customer's expected future purchases: ``E[integral_T^inf
exp(-delta (t - T)) dX(t)]``. Times the expected spend per purchase it is
the customer's residual lifetime value (Fader, Hardie & Lee 2005, "RFM
and CLV: Using Iso-Value Curves for Customer Base Analysis", *Journal of
Marketing Research* 42(4), 415-430; CLVTools' ``DERT``).

- Pareto/NBD (FHL 2005, equation 2): a customer alive at ``T`` has a
  dropout rate with posterior gamma(``s``, ``beta + T``) and buys at the
  posterior mean rate ``(r + x) / (alpha + T)``, so ``DERT = P(alive) *
  (r + x) / (alpha + T) * E[1 / (delta + mu)]`` and ``E[1 / (delta + mu)]
  = z^s U(s, s; z) / delta`` with ``z = delta (beta + T)`` and ``U``
  Tricomi's confluent hypergeometric function, taken as the integral of
  ``1 / (delta + mu)`` over the quantiles of ``mu`` (below).
- BG/NBD: while alive a customer buys at rate ``lambda`` and drops out
  after each purchase with probability ``p``, so the discounted count of
  future purchases is ``sum_k (lambda / (lambda + delta))^k (1-p)^(k-1) =
  lambda / (p lambda + delta)``. Given alive at ``T``, ``lambda`` is
  gamma(``r + x``, ``alpha + T``) and ``p`` beta(``a``, ``b + x``),
  independent.

Both expectations are integrals over the quantile scales (``gammaincinv``,
``betaincinv``, exact for any ``x``) of bounded integrands, taken by
tanh-sinh quadrature, which the singular ends of quantile functions do not
slow down.

- GGom/NBD (Bemmaor & Glady 2012): given alive at ``T``, the purchase
  rate is gamma(``r + x``, ``alpha + T``) and the customer survives to
  ``T + u`` with probability ``R(u) = (g(T) / g(T + u))^s``, ``g(y) =
  beta - 1 + e^(b y)``, independent of the rate, so ``DERT = P(alive) (r
  + x) / (alpha + T) integral_0^inf e^(-delta u) R(u) du``. With ``w = 1 -
  e^(-delta u)`` the integral is ``(1 / delta) integral_0^1 R(u(w)) dw``,
  a bounded integrand, split where ``R = 1/2`` (past it a Gompertz
  lifetime can end abruptly).

A customer not yet acquired has ``x = 0``, ``T = 0`` and is alive.

.. versionadded:: 0.2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeAlias

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray, real_number
from customer_centric._extras import defer_import
from customer_centric.clv._bg_nbd import BgNbdFit
from customer_centric.clv._covariate_records import covariates_in_use
from customer_centric.clv._ggom_nbd import GgomNbdFit, _log_g
from customer_centric.clv._pareto_nbd import ParetoNbdFit
from customer_centric.clv._rfm import broadcast_rfm
from customer_centric.exceptions import ArgumentTypeError, DataError

if TYPE_CHECKING:
    from scipy import special

    from customer_centric.clv._covariates import Covariates
else:
    special = defer_import("scipy.special")

__all__ = ["dert", "new_customer_dert"]

_STEP: Final = 0.125
_HALF_WIDTH: Final = 40
"""Tanh-sinh quadrature on (0, 1) with step 1/8 and 81 nodes: the error
falls like exp(-c / step), and the integrands' singular ends (quantiles
of gamma and beta laws near 0 and 1) cost it nothing."""
_NODE_FLOOR: Final = 1e-30
"""Nodes whose weight is below this are dropped (they cannot matter)."""
_LARGEST_RATE: Final = 1e300


def _tanh_sinh() -> tuple[FloatArray, FloatArray, FloatArray]:
    """Nodes ``u``, their complements ``1 - u`` (exact) and weights."""
    t = _STEP * np.arange(-_HALF_WIDTH, _HALF_WIDTH + 1)
    s = np.pi / 2 * np.sinh(t)
    upper = 1 / (1 + np.exp(-2 * s))
    lower = 1 / (1 + np.exp(2 * s))
    weights = _STEP * np.pi / 4 * np.cosh(t) / np.cosh(s) ** 2
    keep = weights > _NODE_FLOOR
    return upper[keep], lower[keep], weights[keep]


_UNIT, _UNIT_COMPLEMENT, _UNIT_WEIGHTS = _tanh_sinh()


# The smallest rate the quadratures are accurate at: measured against the
# closed form exp(delta) E1(delta) of Pareto/NBD with s = 1, the relative
# error is 1e-7 at delta = 1e-4 and 5e-5 at 1e-8, and grows below (1e-3 at
# 1e-12). 1e-8 per day is 0.0004 % a year, far below any real discounting.
_SMALLEST_RATE: Final = 1e-8


def _check_rate(discount_rate: object) -> float:
    delta = real_number(discount_rate, name="discount_rate")
    if not _SMALLEST_RATE <= delta < np.inf:
        msg = (
            f"discount_rate must be a finite continuous rate of at least "
            f"{_SMALLEST_RATE:g} per time unit of the data, got "
            f"{discount_rate!r}; e.g. 15 % a year with weekly data is "
            "log(1.15) / 52"
        )
        raise DataError(msg)
    return delta


_Fit: TypeAlias = ParetoNbdFit | BgNbdFit | GgomNbdFit
"""The models whose DERT is defined here."""


def _check_fit(fit: object) -> _Fit:
    if not isinstance(fit, ParetoNbdFit | BgNbdFit | GgomNbdFit):
        raise ArgumentTypeError.for_argument(
            "fit", fit, "a ParetoNbdFit, BgNbdFit or GgomNbdFit"
        )
    return fit


def _gamma_quantiles(
    shape: float | FloatArray,
    unit: FloatArray = _UNIT,
    complement: FloatArray = _UNIT_COMPLEMENT,
) -> FloatArray:
    """Quantiles of gamma(``shape``, 1) at ``unit`` (with ``1 - unit``).

    Each from its precise side: ``gammainccinv`` above the median.
    """
    low = unit < 0.5  # noqa: PLR2004 - the quantile's precise side
    result: FloatArray = np.where(
        low,
        special.gammaincinv(shape, unit),
        special.gammainccinv(shape, complement),
    )
    return result


def _beta_quantiles(
    a: float, b: FloatArray, low: npt.NDArray[np.bool_]
) -> FloatArray:
    """Quantiles of Beta(a, b) at ``_UNIT``, each from its precise side.

    scipy's ``betaincinv`` returns NaN at some tiny levels (a = 1.031, b
    = 0.25 below about 3e-18, scipy 1.17); there the quantile is the
    leading term of ``I_p(a, b) = p^a / (a B(a, b)) (1 + O(p))``, exact to
    rounding at such ``p``, and likewise ``1 - p`` from the upper tail.
    """
    with np.errstate(all="ignore"):
        p = np.where(
            low,
            special.betaincinv(a, b, _UNIT),
            special.betainccinv(a, b, _UNIT_COMPLEMENT),
        )
        log_beta = special.betaln(a, b)
        lower = np.exp((np.log(_UNIT * a) + log_beta) / a)
        upper = -np.expm1((np.log(_UNIT_COMPLEMENT * b) + log_beta) / b)
    result: FloatArray = np.where(np.isnan(p), np.where(low, lower, upper), p)
    return result


def _pareto_nbd(
    fit: ParetoNbdFit,
    x: FloatArray,
    big_t: FloatArray,
    delta: float,
) -> FloatArray:
    """DERT of customers alive at ``T`` (times P(alive) by the caller).

    ``E[1 / (delta + mu)]`` for ``mu`` gamma(``s``, ``beta + T``) is FHL's
    ``z^s U(s, s; z) / delta``; it is taken as ``integral_0^1 du / (delta
    + Q(u))`` over the quantiles ``Q``, because scipy's ``hyperu`` returns
    NaN for ``s`` above about 4 at small ``z`` (the tests compare the two
    where ``hyperu`` converges). The integral is split where ``Q(u) =
    delta``: the integrand turns there from ``1/delta`` to ``1/Q``, which
    is sharp when ``s`` is small.
    """
    rate = (fit.beta + big_t)[..., None]
    with np.errstate(over="ignore"):  # a huge rate turns at infinity
        turn = delta * rate
    below = special.gammainc(fit.s, turn)
    above = special.gammaincc(fit.s, turn)
    total = np.zeros(np.shape(big_t))
    for unit, complement, share in (
        (below * _UNIT, 1 - below * _UNIT, below),
        (below + above * _UNIT, above * _UNIT_COMPLEMENT, above),
    ):
        quantiles = _gamma_quantiles(fit.s, unit, complement)
        # The share divided, not multiplied: at a subnormal rate 1 / delta
        # overflows where share / delta is still finite.
        with np.errstate(divide="ignore", over="ignore"):
            values = share / (delta + quantiles / rate)
        total = total + values @ _UNIT_WEIGHTS
    result: FloatArray = (fit.r + x) / (fit.alpha + big_t) * total
    return result


def _bg_nbd(
    fit: BgNbdFit,
    x: FloatArray,
    big_t: FloatArray,
    delta: float,
) -> FloatArray:
    """``E[lambda / (p lambda + delta)]`` under the posterior, per row."""
    flat_x, flat_t = x.reshape(-1), big_t.reshape(-1)
    rows = np.unique(np.column_stack([flat_x, flat_t]), axis=0)
    shape_k = fit.r + rows[:, :1]
    rate = fit.alpha + rows[:, 1:]
    low = _UNIT < 0.5  # noqa: PLR2004 - the quantile's precise side
    lam = np.minimum(_gamma_quantiles(shape_k) / rate, _LARGEST_RATE)
    p = _beta_quantiles(fit.a, fit.b + rows[:, :1], low)
    with np.errstate(divide="ignore", over="ignore"):  # lambda ~ 0: 1/inf
        grid = 1 / (p[:, None, :] + delta / lam[:, :, None])
    values = np.einsum("ijk,j,k->i", grid, _UNIT_WEIGHTS, _UNIT_WEIGHTS)
    index = {(float(a), float(b)): i for i, (a, b) in enumerate(rows.tolist())}
    picked = [
        values[index[(float(a), float(b))]]
        for a, b in zip(flat_x, flat_t, strict=True)
    ]
    return np.asarray(picked, dtype=np.float64).reshape(x.shape)


def _ggom_nbd(
    fit: GgomNbdFit,
    x: FloatArray,
    big_t: FloatArray,
    delta: float,
) -> FloatArray:
    """DERT of customers alive at ``T`` (times P(alive) by the caller).

    ``(r + x) / (alpha + T)`` times ``integral_0^inf e^(-delta u) R(u) du
    = (1 / delta) integral_0^1 R(-log(1 - w) / delta) dw``, on each side
    of ``w*`` where ``R = 1/2`` (``g(T + u*) = 2^(1/s) g(T)``); tanh-sinh
    nodes crowd both ends of each piece, where ``R`` changes fastest.
    """
    b, s, beta = fit.b, fit.s, fit.beta
    big_t = big_t[..., None]
    log_g_t = _log_g(b, beta, big_t)
    # e^(b u*) = 1 + (2^(1/s) - 1) g(T) e^(-b T), in logs (2^(1/s) can
    # overflow for small s): log(2^(1/s) - 1) = c + log(1 - e^-c).
    c = np.log(2.0) / s
    log_rise = c + np.log(-np.expm1(-c)) + log_g_t - b * big_t
    half_life = np.logaddexp(0.0, log_rise) / b
    turn = -np.expm1(-delta * half_life)
    beyond = np.exp(-delta * half_life)
    total = np.zeros(np.shape(x))
    # Nodes as 1 - w, exact on both pieces: [0, w*] and [w*, 1].
    for complement, share in (
        (beyond + turn * _UNIT_COMPLEMENT, turn),
        (beyond * _UNIT_COMPLEMENT, beyond),
    ):
        with np.errstate(divide="ignore"):  # w = 1: u infinite, R(u) 0
            u = -np.log(complement) / delta
        ratio = np.exp(s * (log_g_t - _log_g(b, beta, big_t + u)))
        total = total + (ratio * share) @ _UNIT_WEIGHTS
    result: FloatArray = (
        (fit.r + x) / (fit.alpha + big_t[..., 0]) * total / delta
    )
    return result


def dert(
    fit: ParetoNbdFit | BgNbdFit | GgomNbdFit,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    discount_rate: float,
    purchase_covariates: Covariates | None = None,
    dropout_covariates: Covariates | None = None,
) -> FloatArray:
    """Discounted expected residual transactions of each customer.

    The present value at ``T`` of the customer's expected purchases after
    ``T``, discounted continuously at ``discount_rate`` per time unit of
    the data (CLVTools' ``DERT``; FHL 2005 for the Pareto/NBD; the
    formulas are in the CLV guide's "DERT" section). Times the expected
    spend per purchase it is the residual CLV.

    Args:
        fit: A Pareto/NBD, BG/NBD or GGom/NBD fit.
        frequency: Repeat purchases ``x``.
        recency: Time of the last repeat purchase ``t_x``.
        T: Length of observation.
        discount_rate: Continuous discount rate ``delta`` per time unit
            (at least 1e-8), e.g. ``log(1.15) / 52`` for 15 % a year
            with weekly data (FHL 2005 use 0.0027).
        purchase_covariates: For a fit with covariates, each customer's
            purchase covariates.
        dropout_covariates: Likewise, the dropout covariates.

    Returns:
        DERT per customer, in the broadcast shape of the inputs.

    Raises:
        DataError: A history breaks a rule, or the rate is not > 0.

    Examples:
        The CDNOW Pareto/NBD of FHL (2005) at 15 % a year:

        >>> import math
        >>> from customer_centric.clv import ParetoNbdFit, BgNbdFit, dert
        >>> pnbd = ParetoNbdFit.from_parameters(
        ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> delta = math.log(1.15) / 52
        >>> dert(pnbd, [0, 2], [0, 30.43], 38.86, discount_rate=delta).round(2)
        array([0.48, 6.5 ])
        >>> bgnbd = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(dert(bgnbd, 2, 30.43, 38.86, discount_rate=delta)), 2)
        5.17

        A GGom/NBD fit (BTYDplus's example parameters, weekly):

        >>> from customer_centric.clv import GgomNbdFit
        >>> ggom = GgomNbdFit.from_parameters(
        ...     r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55)
        >>> round(float(dert(ggom, 2, 30.0, 32.0, discount_rate=delta)), 3)
        0.771

    .. versionadded:: 0.2
    """
    fit = _check_fit(fit)
    delta = _check_rate(discount_rate)
    if covariates_in_use(fit, purchase_covariates, dropout_covariates):
        from customer_centric.clv._covariates import (  # noqa: PLC0415
            predict_per_customer,
        )

        return predict_per_customer(
            fit,
            lambda m, a: dert(m, *a, discount_rate=delta),
            (frequency, recency, T),
            purchase_covariates=purchase_covariates,
            dropout_covariates=dropout_covariates,
        )
    x, t_x, big_t = broadcast_rfm(frequency, recency, T)
    alive = fit.probability_alive(x, t_x, big_t)
    result: FloatArray = alive * _residual(fit, x, big_t, delta)
    return result


def _residual(
    fit: _Fit, x: FloatArray, big_t: FloatArray, delta: float
) -> FloatArray:
    """DERT given alive at ``T``, by model."""
    if isinstance(fit, ParetoNbdFit):
        return _pareto_nbd(fit, x, big_t, delta)
    if isinstance(fit, GgomNbdFit):
        return _ggom_nbd(fit, x, big_t, delta)
    return _bg_nbd(fit, x, big_t, delta)


def new_customer_dert(
    fit: ParetoNbdFit | BgNbdFit | GgomNbdFit, /, *, discount_rate: float
) -> float:
    """Discounted expected transactions of a customer not yet acquired.

    The present value, at acquisition, of the repeat purchases a new
    customer is expected to make: :func:`dert` at ``x = t_x = T = 0``
    (FHL 2005's ``DET`` less the first purchase; for a GGom/NBD fit,
    ``r / alpha`` times the discounted survival). For a fit with
    covariates, the customer has covariates 0; use
    :func:`~customer_centric.clv.at_covariates` for other segments.

    Examples:
        >>> import math
        >>> from customer_centric.clv import ParetoNbdFit, new_customer_dert
        >>> pnbd = ParetoNbdFit.from_parameters(
        ...     r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> round(new_customer_dert(
        ...     pnbd, discount_rate=math.log(1.15) / 52), 3)
        3.964

    .. versionadded:: 0.2
    """
    fit = _check_fit(fit)
    delta = _check_rate(discount_rate)
    zero = np.zeros(1)
    return float(_residual(fit, zero, zero, delta)[0])
