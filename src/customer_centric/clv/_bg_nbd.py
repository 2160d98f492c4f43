"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005).

While active, a customer buys as a Poisson process with rate ``lambda``
(gamma distributed across customers, shape ``r``, rate ``alpha``); after
each purchase they become inactive with probability ``p`` (beta distributed
across customers with ``a, b``). Source: P. S. Fader, B. G. S. Hardie and
K. L. Lee (2005), "'Counting Your Customers' the Easy Way: An Alternative
to the Pareto/NBD Model", *Marketing Science* 24(2), 275-284, and the
authors' note "Implementing the BG/NBD Model for Customer Base Analysis in
Excel" (2005).

Every formula is evaluated in log space (``gammaln``, ``logaddexp``,
``expit``) and the Gaussian hypergeometric term of the conditional
expectation is taken after Euler's transformation, so heavy buyers
(``x`` in the thousands, long ``T``) give finite results.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar, Final

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
from customer_centric.exceptions import DataError

if TYPE_CHECKING:
    from scipy import special

    from customer_centric.clv._covariates import Covariates
else:
    special = defer_import("scipy.special")

__all__ = ["BgNbdFit", "fit_bg_nbd"]

_MODEL: Final = "BG/NBD"
_BOUNDARIES: Final = (
    Boundary(
        direction=(0, 0, -1, 0),
        parameters="a runs to 0 (dropout probability to 0)",
        simpler="no dropout (the NBD model)",
    ),
    Boundary(
        direction=(0, 0, 0, 1),
        parameters="b runs to infinity (dropout probability to 0)",
        simpler="no dropout (the NBD model)",
    ),
    NBD_RATE_BOUNDARY,
    Boundary(
        direction=(0, 0, 1, 1),
        parameters="a and b run to infinity together (a/(a+b) fixed)",
        simpler="no dropout heterogeneity (one dropout probability)",
    ),
)
_NUDGE: Final = 1e-9
_A_STEP: Final = 1e-4
"""Near a = 1, interpolate between a = 1 -/+ this (error ~ _A_STEP**2)."""
_FAR_W: Final = 1e-2
"""Below this ``(alpha+T)/(alpha+T+t)``, the connection formula is used."""
_FAR_W_SERIES: Final = 1e-2
_FAR_POLE: Final = 1e-3
_SERIES_TERMS: Final = 200
_ROUNDING: Final = 1e-17
_CANCELLATION: Final = 1e4
_QUADRATURE_NODES: Final = 64
_JACOBI_LIMIT: Final = 1000.0
"""scipy's Gauss-Jacobi weights overflow when a + b + x passes ~1020."""
_LAGUERRE_SHAPE: Final = 10.0
"""Up to this ``a`` (or ``b + x``, mirrored), with ``a + b + x`` past
:data:`_JACOBI_LIMIT`, the Gauss-Laguerre rule (:func:`_laguerre`); with
both beyond, its weight no longer matches the posterior (a factor
``(p/scaled)^(a-1)`` that varies too fast for its nodes: 4e-6 off at
``a = b = 1000``, 17 % at ``a = b = 1e5``) and :func:`_beta_bulk` is
used."""
_WINDOW: Final = 14.0
"""Half-width, in standard deviations, of the span over which a Beta
posterior with ``a`` and ``b + x`` past :data:`_LAGUERRE_SHAPE` is
integrated (:func:`_beta_bulk`)."""


class BgNbdFit(FittedModel):
    """A fitted BG/NBD model: parameters, standard errors and predictions.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate (scale) of that gamma distribution, in the data's time
            unit.
        a: First shape of the beta distribution of dropout probabilities.
        b: Second shape of that beta distribution.
        covariates: The coefficients of time-invariant covariates, if the
            model was fitted with them (``alpha``, ``a`` and ``b`` are then
            those of a customer whose covariates are all 0).

    Examples:
        The CDNOW example of Fader, Hardie & Lee (2005), with their
        parameters: a customer with 2 repeat purchases, the last at week
        30.43, observed for 38.86 weeks, expects about 1.226 purchases in
        the next 39 weeks.

        >>> from customer_centric.clv import BgNbdFit
        >>> fit = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> round(float(fit.conditional_expected_purchases(
        ...     39, 2, 30.43, 38.86)), 3)
        1.226

    .. versionadded:: 0.1
    """

    parameter_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")

    r: float
    alpha: float
    a: float
    b: float
    covariates: CovariateEffects | None = Field(
        default=None, exclude_if=is_none
    )

    @classmethod
    def from_parameters(
        cls, *, r: float, alpha: float, a: float, b: float
    ) -> BgNbdFit:
        """Build a model from known parameters (no data, no uncertainty).

        Standard errors are NaN, the log-likelihood is NaN and
        ``n_customers`` is 0: use it to predict with published parameters.

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> BgNbdFit.from_parameters(r=1, alpha=2, a=1, b=2).alpha
            2.0

        .. versionadded:: 0.1
        """
        return cls.model_validate(
            given_parameter_fields({"r": r, "alpha": alpha, "a": a, "b": b})
        )

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

        FHL (2005), equation (11), computed as a logistic of a log-ratio
        so that heavy buyers neither overflow nor give NaN.

        Args:
            frequency: Repeat purchases ``x``.
            recency: Time of the last repeat purchase ``t_x``.
            T: Length of observation.
            purchase_covariates: For a fit with covariates, each
                customer's purchase covariates (one value per customer
                of the broadcast inputs).
            dropout_covariates: Likewise, the dropout covariates.

        Returns:
            P(alive) in [0, 1], in the broadcast shape of the inputs.

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> fit = BgNbdFit.from_parameters(
            ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
            >>> fit.probability_alive([0, 2, 2], [0, 30.43, 5], 38.86).round(3)
            array([1.   , 0.727, 0.124])

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
                lambda m, a: m.probability_alive(*a),
                (frequency, recency, T),
                purchase_covariates=purchase_covariates,
                dropout_covariates=dropout_covariates,
            )
        x, t_x, big_t = broadcast_rfm(frequency, recency, T)
        return _probability_alive(self.params, x, t_x, big_t)

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

        FHL (2005), equation (10); the hypergeometric term is evaluated
        after Euler's transformation,
        ``(1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) =
        (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``, whose parameters do not
        grow with ``x``.

        Args:
            t: Length of the prediction period.
            frequency: Repeat purchases ``x``.
            recency: Time of the last repeat purchase ``t_x``.
            T: Length of observation.
            purchase_covariates: As in :meth:`probability_alive`.
            dropout_covariates: As in :meth:`probability_alive`.

        Returns:
            Expected purchases, in the broadcast shape of the inputs.

        Raises:
            DataError: Parameters so far out in the box (``alpha`` or ``a``
                near 1e-13 with ``r`` near 1e13) that no form of the
                expectation keeps a digit.

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> fit = BgNbdFit.from_parameters(
            ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
            >>> fit.conditional_expected_purchases(
            ...     39, [0, 2, 10_000], [0, 30.43, 99_999], [38.86] * 2
            ...     + [100_000]).round(3)
            array([0.195, 1.226, 3.899])

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
                lambda m, a: m.conditional_expected_purchases(*a),
                (t, frequency, recency, T),
                purchase_covariates=purchase_covariates,
                dropout_covariates=dropout_covariates,
            )
        x, t_x, big_t, horizon = broadcast_rfm(frequency, recency, T, ("t", t))
        return _conditional_expected(self.params, horizon, x, t_x, big_t)

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``.

        FHL (2005), equation (9).

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> fit = BgNbdFit.from_parameters(
            ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
            >>> fit.expected_purchases([0, 39, 78]).round(4)
            array([0.    , 1.1967, 1.8605])

        .. versionadded:: 0.1
        """
        horizon = as_horizon(t)
        zero = np.zeros_like(horizon)
        return _conditional_expected(self.params, horizon, zero, zero, zero)

    def probability_of_purchases(
        self, n: npt.ArrayLike, t: npt.ArrayLike, /
    ) -> FloatArray:
        """Probability that a new customer makes exactly ``n`` purchases.

        FHL (2005), equation (8), over ``(0, t]``; the inner finite sum is
        the negative binomial survival function, taken from the regularised
        incomplete beta function, so large ``n`` is fine.

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> fit = BgNbdFit.from_parameters(
            ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
            >>> p = fit.probability_of_purchases(range(200), 39)
            >>> round(float(p.sum()), 6)
            1.0

        .. versionadded:: 0.1
        """
        return _probability_of_purchases(self.params, *purchase_counts(n, t))


def _probability_alive(
    params: dict[str, float], x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    with np.errstate(divide="ignore"):
        log_odds_dead = (
            np.log(a)
            - np.log(np.where(x > 0, b + (x - 1), 1.0))
            + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
    result: FloatArray = np.where(x > 0, special.expit(-log_odds_dead), 1.0)
    return result


def _conditional_expected(
    params: dict[str, float],
    t: FloatArray,
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
) -> FloatArray:
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    if abs(a - 1) < _A_STEP / 2:
        # A removable singularity: c / (a - 1) * (1 - ...) cancels
        # catastrophically near a = 1 (2% off at a = 1, b = 900), and the
        # result is smooth in a, so interpolate linearly across it.
        below, above = (
            _conditional_expected({**params, "a": 1 + step}, t, x, t_x, big_t)
            for step in (-_A_STEP, _A_STEP)
        )
        weight = (a - 1 + _A_STEP) / (2 * _A_STEP)
        interpolated: FloatArray = below + weight * (above - below)
        return interpolated
    c = a + b + (x - 1)
    c = np.where(np.abs(c) < _NUDGE, _NUDGE, c)
    z = t / (alpha + big_t + t)
    ceiling = (r + x) * t / (alpha + big_t)
    # Far out in the parameter box (alpha near 1e-13: z rounds to 1;
    # a or b near 1e13: the series overflow) the forms below fail in turn,
    # each falling back on the next; what none can give is refused below.
    with np.errstate(all="ignore"):
        log_1mz = np.log1p(-z)
        hyp = special.hyp2f1(a + b - 1 - r, a - 1, c, z)
        positive = -np.expm1((a - 1) * log_1mz + np.log(hyp))
        direct = 1 - np.exp((a - 1) * log_1mz) * hyp
        expected = c / (a - 1) * np.where(hyp > 0, positive, direct)
        bad = ~_plausible(expected, ceiling)
        if bad.any():
            printed = (
                c
                / (a - 1)
                * (
                    1
                    - np.exp((r + x) * log_1mz)
                    * special.hyp2f1(r + x, b + x, c, z)
                )
            )
            expected = np.where(bad, printed, expected)
            bad &= ~_plausible(expected, ceiling)
        if bad.any():
            expected = np.where(
                bad,
                _expected_by_quadrature(
                    (r, alpha, a, b),
                    t,
                    x,
                    big_t,
                    np.broadcast_to(bad, x.shape),
                ),
                expected,
            )
        expected = _far_horizon((r, alpha, a, b), t, x, big_t, expected)
        result: FloatArray = np.clip(
            expected, 0.0, ceiling
        ) * _probability_alive(params, x, t_x, big_t)
    if not np.isfinite(result).all():
        msg = (
            "expected purchases cannot be computed this far out in the "
            f"parameter space (r={r:.6g}, alpha={alpha:.6g}, a={a:.6g}, "
            f"b={b:.6g}): the hypergeometric function, its connection "
            "formula and the quadrature over the dropout probability all "
            "overflow or lose every digit there"
        )
        raise DataError(msg)
    return result


def _far_horizon(
    params: tuple[float, float, float, float],
    t: FloatArray,
    x: FloatArray,
    big_t: FloatArray,
    expected: FloatArray,
) -> FloatArray:
    """Replace ``expected`` where ``z = t/(alpha+T+t)`` is close to 1.

    There ``1 - z`` rounds away in float and the hypergeometric function
    loses all precision (FHL's 2F1 diverges at z = 1 when a < 1 + r + x).
    The connection formula (Abramowitz & Stegun 15.3.6) rewrites
    ``w^A 2F1(A, B; C; 1 - w)``, with ``w = (alpha+T)/(alpha+T+t)``
    computed directly, as ``G1 w^A 2F1(A, B; 1-s; w) + G2 w^(a-1)
    2F1(C-A, C-B; 1+s; w)`` with ``s = C - A - B = a - 1 - r - x``, two
    series in the small ``w``; the gamma-function factors are taken in log
    space with their signs. Used where the series converge fast (``(b+x)
    w`` small). Where ``s`` is within 1e-3 of an integer the formula has a
    removable pole (``a = r + 1`` is one), so the value there is
    interpolated from ``a +/- h`` and ``a +/- 2h``, each clear of the pole
    (a fourth-order central formula, error of order ``h**4``).
    """
    r, alpha, a, b = params
    w = (alpha + big_t) / (alpha + big_t + t)
    s = a - 1 - r - x
    near = (w < _FAR_W) & ((b + x + 1) * w < _FAR_W_SERIES)
    if not near.any():
        return expected
    pole = np.abs(s - np.round(s)) <= _FAR_POLE
    far, use = _connection_formula(params, w, x)
    if (near & pole).any():
        h = 2 * _FAR_POLE
        shifted = [
            _connection_formula((r, alpha, a + k * h, b), w, x)
            for k in (-2, -1, 1, 2)
        ]
        (m2, u_m2), (m1, u_m1), (p1, u_p1), (p2, u_p2) = shifted
        interpolated = (4 * (m1 + p1) - (m2 + p2)) / 6
        far = np.where(pole, interpolated, far)
        use = np.where(pole, u_m2 & u_m1 & u_p1 & u_p2, use)
    result: FloatArray = np.where(near & use, far, expected)
    return result


def _connection_formula(
    params: tuple[float, float, float, float], w: FloatArray, x: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """``E[Y(t) | alive]`` by the connection formula, and where it is sure.

    Sure means: both series sure, ``C > 0`` and a finite answer.
    """
    r, _, a, b = params
    big_a, big_b = r + x, b + x
    c = a + b + (x - 1)
    s = c - big_a - big_b

    def signed(
        *terms: tuple[int, FloatArray],
    ) -> tuple[FloatArray, FloatArray]:
        log = sum(k * special.gammaln(v) for k, v in terms)
        sign = np.prod([special.gammasgn(v) for _, v in terms], axis=0)
        return np.asarray(log, np.float64), np.asarray(sign, np.float64)

    with np.errstate(all="ignore"):
        log_w = np.log(w)
        log_g1, sign_g1 = signed(
            (1, c), (1, s), (-1, c - big_a), (-1, c - big_b)
        )
        log_g2, sign_g2 = signed((1, c), (1, -s), (-1, big_a), (-1, big_b))
        series_1, sure_1 = _small_w_hyp2f1(big_a, big_b, 1 - s, w)
        series_2, sure_2 = _small_w_hyp2f1(c - big_a, c - big_b, 1 + s, w)
        first = sign_g1 * np.exp(log_g1 + big_a * log_w) * series_1
        second = sign_g2 * np.exp(log_g2 + (a - 1) * log_w) * series_2
        far = c / (a - 1) * (1 - first - second)
    sure = sure_1 & sure_2 & (c > 0) & np.isfinite(far)
    return far, sure


def _small_w_hyp2f1(
    a: FloatArray, b: FloatArray, c: FloatArray, w: FloatArray
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Gauss's series for ``2F1(a, b; c; w)`` at small ``w``, summed here.

    scipy's ``hyp2f1`` is wrong for a negative non-integer ``c`` (at
    ``2F1(1, 24.5; -37.5; 9e-5)`` it returns 253 for 0.99994), which the
    connection formula produces whenever ``a`` or ``x`` is large. Returns
    the sums and where they are sure: converged to rounding within
    :data:`_SERIES_TERMS` terms, with no term above 1e4 times the sum (at
    most four digits lost to cancellation).
    """
    a, b, c, w = np.broadcast_arrays(a, b, c, w)
    term = np.ones(w.shape)
    total = np.ones(w.shape)
    largest = np.ones(w.shape)
    converged = np.zeros(w.shape, dtype=bool)
    for k in range(_SERIES_TERMS):
        term = term * (a + k) * (b + k) / ((c + k) * (k + 1)) * w
        total = total + term
        largest = np.maximum(largest, np.abs(term))
        converged = np.abs(term) <= _ROUNDING * np.abs(total)
        if converged.all():
            break
    sure = converged & (largest <= _CANCELLATION * np.abs(total))
    return total, sure


def _plausible(
    expected: FloatArray, ceiling: FloatArray
) -> npt.NDArray[np.bool_]:
    """Finite, and between 0 and the purchases of an immortal customer."""
    slack = 1e-8 * ceiling + 1e-12
    result: npt.NDArray[np.bool_] = (
        np.isfinite(expected)
        & (expected >= -slack)
        & (expected <= ceiling + slack)
    )
    return result


def _expected_by_quadrature(
    params: tuple[float, float, float, float],
    t: FloatArray,
    x: FloatArray,
    big_t: FloatArray,
    rows: npt.NDArray[np.bool_],
) -> FloatArray:
    """``E_p[(1 - (1 + p t/(alpha+T))^-(r+x)) / p]``, p ~ Beta(a, b+x).

    The expectation over the posterior of an alive customer's dropout
    probability, used where the hypergeometric forms lose precision
    (``a + b + x - 1`` near or below 0, ``z`` near 1): Gauss-Jacobi
    quadrature, exact for the Beta weight, while ``a + b + x`` is small
    enough for scipy's rule; beyond, with ``p = 1 - exp(-w / (b+x))``, a
    generalised Gauss-Laguerre rule for the weight ``w^(a-1) exp(-w)``
    while ``a`` (or, mirrored, ``b + x``) is small
    (:data:`_LAGUERRE_SHAPE`), and a Gauss-Legendre rule over the
    posterior's bulk (:func:`_beta_bulk`) where both are larger.
    """
    r, alpha, a, b = params
    t, x, big_t = np.broadcast_arrays(t, x, big_t)
    out = np.zeros(x.shape)
    horizon = t / (alpha + big_t)
    for value in np.unique(x[rows]):
        here = rows & (x == value)
        shape_b = b + value
        if a + shape_b < _JACOBI_LIMIT:
            nodes, weights = special.roots_jacobi(
                _QUADRATURE_NODES, shape_b - 1, a - 1
            )
            p = (1 + nodes) / 2
            density = weights
        elif a <= _LAGUERRE_SHAPE and a <= shape_b:
            p, density = _laguerre(a, shape_b)
        elif shape_b <= _LAGUERRE_SHAPE:
            # Mirrored: 1 - p ~ Beta(b + x, a), whose density is singular
            # at 0 when b + x < 1, as Laguerre's weight is.
            q, density = _laguerre(shape_b, a)
            p = 1 - q
        else:
            p, density = _beta_bulk(a, shape_b)
        f = -np.expm1(-(r + value) * np.log1p(p * horizon[here][:, None]))
        out[here] = weighted_rows(f / p, density) / density.sum()
    return out


def _laguerre(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """Nodes for Beta(a, b) with ``a`` small, and the density there.

    With ``p = 1 - exp(-w / b)``, ``p^(a-1) (1-p)^(b-1) dp`` is
    ``w^(a-1) exp(-w)`` (the generalised Gauss-Laguerre weight) times
    ``(p / (w/b))^(a-1)``, which is smooth while ``a`` is small. scipy's
    weights overflow for ``a`` past about 170: up to a factor that
    cancels in the mean they are ``w_i / L_{n+1}^(a-1)(w_i)^2``, so the
    density is taken in log space, unnormalised.
    """
    nodes, _ = special.roots_genlaguerre(_QUADRATURE_NODES, a - 1)
    scaled = nodes / b
    p = -np.expm1(-scaled)
    laguerre = special.eval_genlaguerre(_QUADRATURE_NODES + 1, a - 1, nodes)
    log_density = (
        np.log(nodes)
        - 2 * np.log(np.abs(laguerre))
        + (a - 1) * np.log(p / scaled)
    )
    density: FloatArray = np.exp(log_density - log_density.max())
    return p, density


def _beta_bulk(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """Nodes over Beta(a, b)'s bulk and the density there, unnormalised.

    Gauss-Legendre over the mean plus or minus :data:`_WINDOW` standard
    deviations (cut at 0 and 1): with ``a`` and ``b`` past
    :data:`_LAGUERRE_SHAPE` the density vanishes at both ends and its
    tails beyond are below 1e-16 of it.
    The density's logarithm is taken relative to its largest value.
    """
    mean = a / (a + b)
    spread = _WINDOW * math.sqrt(mean * (1 - mean) / (a + b + 1))
    low, high = max(mean - spread, 0.0), min(mean + spread, 1.0)
    nodes, weights = np.polynomial.legendre.leggauss(_QUADRATURE_NODES)
    p = low + (high - low) / 2 * (nodes + 1)
    log_density = special.xlogy(a - 1, p) + special.xlog1py(b - 1, -p)
    density: FloatArray = weights * np.exp(log_density - log_density.max())
    return p, density


def _probability_of_purchases(
    params: dict[str, float], n: FloatArray, t: FloatArray
) -> FloatArray:
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    log_beta_ab = special.betaln(a, b)
    with np.errstate(divide="ignore"):
        log_first = (
            special.betaln(a, b + n)
            - log_beta_ab
            + special.gammaln(r + n)
            - special.gammaln(r)
            - special.gammaln(n + 1)
            - r * np.log1p(t / alpha)
            + n * (np.log(t) - np.log(alpha + t))
        )
    first = np.where((n == 0) | (t > 0), np.exp(log_first), 0.0)
    first = np.where((n == 0) & (t == 0), 1.0, first)
    safe_n = np.maximum(n, 1.0)
    second = np.exp(
        special.betaln(a + 1, b + (safe_n - 1)) - log_beta_ab
    ) * special.betaincc(r, safe_n, alpha / (alpha + t))
    # Two terms' rounding can pass 1 by an ulp (1 + 1.8e-15).
    result: FloatArray = np.minimum(first + np.where(n > 0, second, 0.0), 1.0)
    return result


class _Likelihood:
    """BG/NBD log-likelihood and gradient over compressed rows.

    Terms that depend on ``x`` only are computed once per distinct ``x``,
    and logs of ``alpha + T`` and ``alpha + t_x`` once per distinct time.
    """

    def __init__(
        self, x: FloatArray, t_x: FloatArray, big_t: FloatArray, w: FloatArray
    ) -> None:
        self.x = x
        self.w = w
        self.x_unique, self.x_index = factorise(x)
        self.w_by_x = np.bincount(
            self.x_index, weights=w, minlength=self.x_unique.size
        )
        self.t_unique, self.t_index = factorise(big_t)
        self.tx_unique, self.tx_index = factorise(t_x)
        self.repeat = self.x_unique > 0

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = (float(v) for v in theta)
        xu = self.x_unique
        x = self.x
        w = self.w
        # Terms in x only (one value per distinct frequency).
        psi_ab = special.digamma(a + b)
        psi_abx = special.digamma(a + b + xu)
        log_gamma = (
            special.gammaln(r + xu)
            - special.gammaln(r)
            + special.gammaln(a + b)
            + special.gammaln(b + xu)
            - special.gammaln(b)
            - special.gammaln(a + b + xu)
        )
        d_r_x = special.digamma(r + xu) - special.digamma(r)
        d_a_x = psi_ab - psi_abx
        d_b_x = psi_ab + special.digamma(b + xu) - special.digamma(b) - psi_abx
        inv_bx1 = np.where(
            self.repeat, 1 / np.where(self.repeat, b + xu - 1, 1), 0
        )
        with np.errstate(divide="ignore"):
            log_ratio = np.where(
                self.repeat, np.log(a) + np.log(inv_bx1), -np.inf
            )
        # Terms in T and t_x (one value per distinct time).
        log_alpha = np.log(alpha)
        log_at = np.log(alpha + self.t_unique)[self.t_index]
        log_atx = np.log(alpha + self.tx_unique)[self.tx_index]
        inv_at = (1 / (alpha + self.t_unique))[self.t_index]
        inv_atx = (1 / (alpha + self.tx_unique))[self.tx_index]
        rx = r + x
        term1 = -rx * log_at
        term2 = log_ratio[self.x_index] - rx * log_atx
        lse = np.logaddexp(term1, term2)
        p2 = np.exp(term2 - lse)
        p1 = 1 - p2
        value = float(
            dot(self.w_by_x, log_gamma) + w.sum() * r * log_alpha + dot(w, lse)
        )
        wp2 = w * p2
        w_by_x_p2 = np.bincount(self.x_index, weights=wp2, minlength=xu.size)
        gradient = np.array(
            [
                dot(self.w_by_x, d_r_x)
                + w.sum() * log_alpha
                - dot(w, p1 * log_at + p2 * log_atx),
                w.sum() * r / alpha
                - dot(w, rx * (p1 * inv_at + p2 * inv_atx)),
                dot(self.w_by_x, d_a_x) + wp2.sum() / a,
                dot(self.w_by_x, d_b_x) - dot(w_by_x_p2, inv_bx1),
            ]
        )
        return value, gradient


def fit_bg_nbd(
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
) -> BgNbdFit:
    """Fit the BG/NBD model by maximum likelihood.

    The data are compressed to unique (x, t_x, T) rows, and the summed
    log-likelihood (FHL 2005, equation 6, in the data's time unit) is
    maximised with analytic gradients in log-parameter space.

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
        dropout_covariates: Likewise for the dropout process: ``a`` and
            ``b`` are both multiplied by ``exp(gamma . z)``.
        penalty: L2 penalty ``lambda`` on the coefficients, as in
            :func:`~customer_centric.clv.fit_pareto_nbd`.
        equal_coefficients: Covariates of both processes whose
            coefficient is constrained to be the same on the two.

    Returns:
        The fit, with standard errors and diagnostics; with covariates,
        its ``covariates`` holds every coefficient with its standard error.

    Raises:
        DataError: The summary breaks a rule (see
            :func:`~customer_centric.clv.validate_rfm`), or the covariates
            do (see :func:`~customer_centric.clv.fit_pareto_nbd`).
        ConvergenceError: The likelihood has no proper maximum on these
            data, e.g. when nobody made a repeat purchase, or is highest
            at an edge where the model becomes a simpler one (no
            heterogeneity in purchase rates or dropout, no dropout); the
            message names the parameters and the simpler model.

    Examples:
        A thousand customers simulated with CDNOW-like parameters,
        observed for 39 weeks (see the CLV guide for the CDNOW
        reproduction of Fader, Hardie & Lee 2005):

        >>> from customer_centric.clv import fit_bg_nbd, simulate_bg_nbd
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 1000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7)
        >>> fit = fit_bg_nbd(sim.frequency, sim.recency, sim.T)
        >>> fit.diagnostics.converged, fit.n_customers
        (True, 1000.0)
        >>> sorted(fit.standard_errors) == sorted(fit.parameter_names)
        True

    .. versionadded:: 0.1
    .. versionchanged:: 0.2
       Time-invariant covariates, their L2 penalty and equality constraint.
    """
    if purchase_covariates is not None or dropout_covariates is not None:
        from customer_centric.clv._covariates import (  # noqa: PLC0415
            fit_with_covariates,
        )

        return fit_with_covariates(
            BgNbdFit,
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
) -> BgNbdFit:
    """The fit without covariates; without ``boundaries``, a start.

    The covariate fits start from the plain model's optimum, for which
    the edges need not be probed (the covariate fit probes its own).
    """
    data = compress(frequency, recency, T, weights=weights)
    rate, _ = purchase_scales(data)
    return fit_compressed(
        BgNbdFit,
        _Likelihood,
        data,
        starts=[
            (1.0, 1.0 / rate, 1.0, 1.0),
            (1.0, 1.0, 1.0, 1.0),
            (0.5, 10.0 / rate, 2.0, 5.0),
            (0.1, 0.1 / rate, 0.5, 0.5),
        ],
        model=_MODEL,
        boundaries=boundaries,
    )
