"""Pareto/NBD with correlated purchase and dropout rates (Sarmanov family).

The Pareto/NBD model draws each customer's purchase rate ``lambda`` and
dropout rate ``mu`` independently from two gamma distributions. Park &
Fader (2004, "Modeling Browsing Behavior at Multiple Websites", *Marketing
Science* 23(3)) and Glady, Baesens & Croux (2009, "A modified Pareto/NBD
approach for predicting customer lifetime value", *Expert Systems with
Applications* 36(2)) let them depend on each other through the Sarmanov
family of bivariate distributions with the gamma marginals kept:

``f(lambda, mu) = g(lambda | r, alpha) g(mu | s, beta)
[1 + omega (exp(-lambda) - L1)(exp(-mu) - L2)]``

with ``L1 = (alpha / (alpha + 1))^r`` and ``L2 = (beta / (beta + 1))^s``
the Laplace transforms at 1 (so that the bracket averages to 1). This is
the model of CLVTools' ``pnbd(use.cor = TRUE)``. The density is
non-negative, and so a density, only for ``omega`` in
``[-1 / max(L1 L2, (1 - L1)(1 - L2)), 1 / max(L1 (1 - L2), (1 - L1) L2)]``;
the correlation of ``lambda`` and ``mu`` is
``omega sqrt(r s) alpha^r beta^s / ((alpha + 1)^(r + 1) (beta + 1)^(s + 1))``.

Because ``g(lambda | r, alpha) exp(-lambda) = L1 g(lambda | r, alpha + 1)``,
every expectation under ``f`` is a signed mix of four independent
Pareto/NBD models: ``E = E00 + omega L1 L2 (E11 - E10 - E01 + E00)``, where
``Eij`` is the expectation with ``alpha + i`` and ``beta + j``. The
likelihood, P(alive) and the expected purchases all follow from the
Pareto/NBD's own, with no new integral.

.. versionadded:: 0.2
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar, Final, Self, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
from pydantic import model_validator

from customer_centric._arrays import FloatArray, as_horizon
from customer_centric._extras import defer_import
from customer_centric.clv._pareto_nbd import (
    ParetoNbdFit,
    fit_pareto_nbd,
    log_integral_rows,
)
from customer_centric.clv._records import (
    LOG_BOUND,
    FittedModel,
    OptimizerDiagnostics,
    given_parameter_fields,
)
from customer_centric.clv._rfm import CompressedRFM, broadcast_rfm, compress
from customer_centric.exceptions import ConvergenceError, DataError

if TYPE_CHECKING:
    from scipy import optimize, special
else:
    special = defer_import("scipy.special")
    optimize = defer_import("scipy.optimize")

__all__ = ["ParetoNbdCorrelatedFit", "fit_pareto_nbd_correlated"]

_Params: TypeAlias = "Sequence[float] | FloatArray"
"""``r, alpha, s, beta, omega`` (or the first four)."""

_MODEL: Final = "Pareto/NBD with correlated rates"
_SHIFTS: Final = ((0, 0), (1, 0), (0, 1), (1, 1))
"""The four independent models of the mix: ``alpha + i``, ``beta + j``."""
_METHOD: Final = (
    "SLSQP in log-parameters and omega, omega's range as constraints"
)
_TOLERANCE: Final = 1e-12
"""SLSQP's tolerance on the mean log-likelihood per customer."""
_UNDEFINED: Final = 1e10
"""The objective's value where the likelihood is not finite."""
_AT_LIMIT: Final = 1e-6
"""Relative distance from a limit within which omega counts as at it."""
_STEP: Final = 1e-5
"""Relative step of the central differences of the analytic gradient."""
_MIX_PRECISION: Final = 1e-6
"""Smallest share of its terms' magnitude the signed mix of the four
models may keep for a prediction: below it the likelihoods' own rounding
shows in the seventh digit or sooner (measured: at 5e-7 of its terms a
P(alive) of 1.00000006)."""


# --------------------------------------------------------------------------
# The Sarmanov family
# --------------------------------------------------------------------------


def _laplace(shape: float, rate: float) -> float:
    """``E[exp(-rate_variable)]`` of a gamma(shape, rate): ``(b/(b+1))^a``."""
    return math.exp(-shape * math.log1p(1.0 / rate))


def omega_limits(
    r: float, alpha: float, s: float, beta: float
) -> tuple[float, float]:
    """The range of ``omega`` for which the joint density is non-negative.

    ``exp(-lambda) - L1`` ranges over ``(-L1, 1 - L1)`` and likewise for
    ``mu``, so the bracket stays non-negative exactly when ``omega`` times
    the most negative (positive) product is at least -1.

    Examples:
        >>> from customer_centric.clv._pnbd_correlated import omega_limits
        >>> [round(v, 4) for v in omega_limits(1.0, 1.0, 1.0, 1.0)]
        [-4.0, 4.0]
    """
    l1, l2 = _laplace(r, alpha), _laplace(s, beta)
    return (
        -_inverse(max(l1 * l2, (1 - l1) * (1 - l2))),
        _inverse(max(l1 * (1 - l2), (1 - l1) * l2)),
    )


def _inverse(product: float) -> float:
    """``1 / product``; infinite when the product underflowed to 0.

    (With ``L1`` or ``L2`` at exactly 0 or 1 a rate is degenerate and the
    bracket cannot turn negative on that side.)
    """
    return math.inf if product == 0 else 1.0 / product


def _near(value: float, limit: float) -> bool:
    """Whether ``value`` is at the (finite) ``limit``, to :data:`_AT_LIMIT`."""
    return math.isclose(value, limit, rel_tol=_AT_LIMIT)


def correlation_of(
    r: float, alpha: float, s: float, beta: float, omega: float
) -> float:
    """The correlation of ``lambda`` and ``mu`` under the Sarmanov density.

    ``Cov = omega E[lambda (exp(-lambda) - L1)] E[mu (exp(-mu) - L2)]``,
    and ``E[lambda (exp(-lambda) - L1)] = -r L1 / (alpha (alpha + 1))``;
    dividing by the gamma standard deviations ``sqrt(r)/alpha`` and
    ``sqrt(s)/beta`` gives the module's formula.

    Examples:
        >>> from customer_centric.clv._pnbd_correlated import correlation_of
        >>> correlation_of(1.0, 1.0, 1.0, 1.0, 0.0)
        0.0
    """
    log_scale = (
        0.5 * math.log(r * s)
        + r * math.log(alpha)
        - (r + 1) * math.log(alpha + 1)
        + s * math.log(beta)
        - (s + 1) * math.log(beta + 1)
    )
    return omega * math.exp(log_scale)


# --------------------------------------------------------------------------
# Likelihood
# --------------------------------------------------------------------------


def _rows(
    params: tuple[float, float, float, float],
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray | None]:
    """The Pareto/NBD log-likelihood per row and its gradient (4 x rows)."""
    r, alpha, s, beta = params
    log_at = np.log(alpha + big_t)
    log_bt = np.log(beta + big_t)
    term1 = -(r + x) * log_at - s * log_bt
    log_si, d_si = log_integral_rows(params, x, t_x, big_t, gradient=gradient)
    lse = np.logaddexp(term1, log_si)
    value = (
        special.gammaln(r + x)
        - special.gammaln(r)
        + r * math.log(alpha)
        + s * math.log(beta)
        + lse
    )
    if d_si is None:
        return value, None
    p2 = np.exp(log_si - lse)
    p1 = 1 - p2
    d_term1 = np.stack(
        [-log_at, -(r + x) / (alpha + big_t), -log_bt, -s / (beta + big_t)]
    )
    grad = p1 * d_term1 + p2 * d_si
    grad[0] += special.digamma(r + x) - special.digamma(r) + math.log(alpha)
    grad[1] += r / alpha
    grad[2] += math.log(beta)
    grad[3] += s / beta
    return value, grad


def _shifted(
    params: _Params, i: int, j: int
) -> tuple[float, float, float, float]:
    r, alpha, s, beta = (float(v) for v in params[:4])
    return r, alpha + i, s, beta + j


def _mix_weights(params: _Params) -> dict[tuple[int, int], float]:
    """The signed weights of the four models: ``1 + k, -k, -k, k``."""
    r, alpha, s, beta, omega = (float(v) for v in params)
    k = omega * _laplace(r, alpha) * _laplace(s, beta)
    return {(0, 0): 1 + k, (1, 0): -k, (0, 1): -k, (1, 1): k}


def _scaled_likelihoods(
    weights: dict[tuple[int, int], float],
    log_likelihoods: dict[tuple[int, int], FloatArray],
) -> tuple[FloatArray, dict[tuple[int, int], FloatArray]]:
    """Each model's likelihood over the largest weighted one, per row.

    Returns ``m``, the rows' largest log-likelihood among the models with
    a weight, and ``exp(l_ij - m)`` for each model. The four differ by
    thousands of log-units at extreme parameters (``s = 1000``, ``beta =
    1e-13``: ``s log(beta + 1)`` against ``s log beta``), where
    ``exp(l_ij - l00)`` overflowed and its product with a weight of 0 made
    the mix NaN. Over ``m``, a weighted model's ratio is at most 1 and the
    mix's sums and quotients are unchanged; a model without weight may
    still overflow, and only the gradient in ``omega`` reads it.
    """
    top = np.maximum.reduce([log_likelihoods[s] for s in _weighted(weights)])
    with np.errstate(over="ignore", invalid="ignore"):
        ratios = {s: np.exp(log_likelihoods[s] - top) for s in _SHIFTS}
    return top, ratios


def _weighted(
    weights: dict[tuple[int, int], float],
) -> list[tuple[int, int]]:
    """The models of the mix with a weight (all four unless omega is 0)."""
    return [shift for shift in _SHIFTS if weights[shift] != 0]


def correlated_rows(
    params: _Params,
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
    *,
    gradient: bool,
) -> tuple[FloatArray, FloatArray | None]:
    """Log-likelihood per row and its gradient in the five parameters.

    ``log L = l00 + log(sum_ij c_ij exp(lij - l00))`` with the mix weights
    ``c_ij``; rows where the mix is not positive (``omega`` outside its
    range) get NaN.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._pnbd_correlated import correlated_rows
        >>> x, t_x, T = np.array([2.0]), np.array([30.0]), np.array([39.0])
        >>> ll, _ = correlated_rows(
        ...     (0.55, 10.6, 0.61, 11.7, 0.0), x, t_x, T, gradient=False)
        >>> round(float(ll[0]), 4)
        -9.5572
    """
    weights = _mix_weights(params)
    parts = {
        shift: _rows(
            _shifted(params, *shift), x, t_x, big_t, gradient=gradient
        )
        for shift in _SHIFTS
    }
    top, ratios = _scaled_likelihoods(
        weights, {shift: part[0] for shift, part in parts.items()}
    )
    mix = sum(weights[shift] * ratios[shift] for shift in _weighted(weights))
    assert isinstance(mix, np.ndarray)  # noqa: S101 - a sum of arrays
    with np.errstate(invalid="ignore", divide="ignore"):
        value = top + np.log(np.where(mix > 0, mix, np.nan))
    if not gradient:
        return value, None
    r, alpha, s, beta = (float(v) for v in params[:4])
    k = weights[(1, 1)]
    # d k / d(r, alpha, s, beta, omega)
    d_k = np.array(
        [
            -k * math.log1p(1 / alpha),
            k * r / (alpha * (alpha + 1)),
            -k * math.log1p(1 / beta),
            k * s / (beta * (beta + 1)),
            _laplace(r, alpha) * _laplace(s, beta),
        ]
    )
    spread = ratios[(0, 0)] + ratios[(1, 1)] - ratios[(1, 0)] - ratios[(0, 1)]
    grads = {shift: parts[shift][1] for shift in _SHIFTS}
    d_mix = np.zeros((5, x.size))
    for shift in _weighted(weights):
        g = grads[shift]
        assert g is not None  # noqa: S101 - asked for above
        d_mix[:4] += weights[shift] * ratios[shift] * g
    d_base = grads[(0, 0)]
    assert d_base is not None  # noqa: S101 - asked for above
    # d log(mix * exp(top)) = d(mix e^top) / (mix e^top); mix e^top is
    # the sum of the four likelihoods, so its gradient is the sum above.
    d_mix += np.outer(d_k, spread)
    with np.errstate(invalid="ignore", divide="ignore"):
        grad = d_mix / mix
    return value, grad


@attrs.frozen
class _Objective:
    """Mean negative log-likelihood over ``(log r, .., log beta, omega)``."""

    data: CompressedRFM

    @staticmethod
    def natural(z: FloatArray) -> FloatArray:
        """``r, alpha, s, beta, omega`` from the search variables."""
        return np.append(np.exp(z[:4]), z[4])

    def summed(self, params: _Params) -> tuple[float, FloatArray]:
        """The summed log-likelihood and its natural gradient."""
        d = self.data
        rows, grad = correlated_rows(
            params, d.frequency, d.recency, d.T, gradient=True
        )
        assert grad is not None  # noqa: S101 - asked for above
        return float(rows @ d.weights), grad @ d.weights

    def __call__(self, z: FloatArray) -> tuple[float, FloatArray]:
        params = self.natural(z)
        n = float(self.data.weights.sum())
        value, grad = self.summed(params)
        if not (math.isfinite(value) and np.isfinite(grad).all()):
            # SLSQP may step just outside omega's range: steer it back.
            return _UNDEFINED, np.zeros(5)
        grad[:4] *= params[:4]
        return -value / n, -grad / n


def _constraints(z: FloatArray) -> FloatArray:
    """``1 + omega * product >= 0`` for the four extreme products.

    The bracket ``1 + omega (exp(-lambda) - L1)(exp(-mu) - L2)`` is
    smallest at a corner of ``(-L1, 1 - L1) x (-L2, 1 - L2)``; as four
    smooth constraints (not the max of :func:`omega_limits`) they let the
    optimizer stop at a corner where two of them bind.
    """
    r, alpha, s, beta = (float(v) for v in np.exp(z[:4]))
    l1, l2 = _laplace(r, alpha), _laplace(s, beta)
    omega = float(z[4])
    return np.array(
        [
            1 + omega * l1 * l2,
            1 + omega * (1 - l1) * (1 - l2),
            1 - omega * l1 * (1 - l2),
            1 - omega * (1 - l1) * l2,
        ]
    )


# --------------------------------------------------------------------------
# The fit record
# --------------------------------------------------------------------------


class ParetoNbdCorrelatedFit(FittedModel):
    """Pareto/NBD with correlated purchase and dropout rates.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Its rate, in the data's time unit.
        s: Shape of the gamma distribution of dropout rates.
        beta: Its rate, in the data's time unit.
        omega: The Sarmanov parameter tying the two (0: independent, the
            plain Pareto/NBD); see :attr:`correlation`.

    Examples:
        CLVTools' fit on its apparel data (104-week calibration) has a
        correlation of about -0.001:

        >>> from customer_centric.clv import ParetoNbdCorrelatedFit
        >>> fit = ParetoNbdCorrelatedFit.from_parameters(
        ...     r=1.47048801, alpha=48.5545689, s=0.246186739,
        ...     beta=11.2051845, omega=-1.0522552)
        >>> round(fit.correlation, 7)
        -0.0009947
        >>> [round(v, 4) for v in fit.omega_limits]
        [-1.0523, 34.5809]

        So small a correlation barely moves P(alive) from the plain
        Pareto/NBD's with the same marginals (:meth:`independent`):

        >>> alive = fit.probability_alive(2, 30.0, 104.0)
        >>> plain = fit.independent().probability_alive(2, 30.0, 104.0)
        >>> round(float(alive), 5), round(float(plain), 5)
        (0.44346, 0.44348)

    .. versionadded:: 0.2
    """

    parameter_names: ClassVar[tuple[str, ...]] = (
        "r",
        "alpha",
        "s",
        "beta",
        "omega",
    )
    signed_parameters: ClassVar[frozenset[str]] = frozenset({"omega"})

    r: float
    alpha: float
    s: float
    beta: float
    omega: float

    @model_validator(mode="after")
    def _check_omega(self) -> Self:
        lower, upper = self.omega_limits
        omega = self.omega
        inside = lower <= omega <= upper
        if not (inside or _near(omega, lower) or _near(omega, upper)):
            msg = (
                f"omega={self.omega!r} is outside [{lower:.6g}, {upper:.6g}], "
                "where the joint density of the purchase and dropout rates "
                "is negative for some customers; with these r, alpha, s and "
                "beta pass an omega in that range"
            )
            raise DataError(msg)
        return self

    @classmethod
    def from_parameters(
        cls, *, r: float, alpha: float, s: float, beta: float, omega: float
    ) -> ParetoNbdCorrelatedFit:
        """Build a model from known parameters (no data, no uncertainty).

        Raises:
            DataError: A parameter out of range, or ``omega`` outside
                :attr:`omega_limits`.

        .. versionadded:: 0.2
        """
        return cls.model_validate(
            given_parameter_fields(
                {"r": r, "alpha": alpha, "s": s, "beta": beta, "omega": omega}
            )
        )

    @property
    def omega_limits(self) -> tuple[float, float]:
        """The range of ``omega`` where the joint density is a density."""
        return omega_limits(self.r, self.alpha, self.s, self.beta)

    @property
    def at_limit(self) -> bool:
        """Whether ``omega`` sits at an end of :attr:`omega_limits`.

        A fit there is a maximum on the edge of the model: the data ask
        for more correlation than the Sarmanov family allows with these
        marginals, and the standard errors of ``omega`` and the correlation
        are those of the quadratic approximation, not of a regular optimum.
        """
        lower, upper = self.omega_limits
        return _near(self.omega, lower) or _near(self.omega, upper)

    @property
    def correlation(self) -> float:
        """The correlation of the purchase and dropout rates (see module)."""
        return correlation_of(
            self.r, self.alpha, self.s, self.beta, self.omega
        )

    @property
    def correlation_standard_error(self) -> float:
        """The correlation's standard error, by the delta method.

        From the covariance of the five parameters and the gradient of
        :attr:`correlation` (NaN for a model built from parameters).
        """
        params = self.parameter_vector()
        gradient = np.zeros(5)
        for i in range(5):
            step = _STEP * max(abs(params[i]), 1e-3)
            up, down = params.copy(), params.copy()
            up[i] += step
            down[i] -= step
            gradient[i] = (
                correlation_of(*(float(v) for v in up))
                - correlation_of(*(float(v) for v in down))
            ) / (2 * step)
        covariance = np.asarray(self.covariance, dtype=np.float64)
        return float(math.sqrt(gradient @ covariance @ gradient))

    def independent(self) -> ParetoNbdFit:
        """The plain Pareto/NBD with the same marginals (``omega`` dropped).

        CLVTools predicts from these marginals after a ``use.cor = TRUE``
        fit; this model reproduces its P(alive) and CET.
        """
        return ParetoNbdFit.from_parameters(
            r=self.r, alpha=self.alpha, s=self.s, beta=self.beta
        )

    def individual_log_likelihood(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Each customer's log-likelihood under the correlated model."""
        x, t_x, big_t = broadcast_rfm(frequency, recency, T)
        rows, _ = correlated_rows(
            self.parameter_vector(),
            x.reshape(-1),
            t_x.reshape(-1),
            big_t.reshape(-1),
            gradient=False,
        )
        return rows.reshape(x.shape)

    def _posterior(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        t: npt.ArrayLike | None,
    ) -> FloatArray:
        """P(alive) (``t`` None) or expected purchases in ``(T, T + t]``."""
        extra = () if t is None else (("t", t),)
        x, t_x, big_t, *horizon = broadcast_rfm(frequency, recency, T, *extra)
        shape = x.shape
        flat = [v.reshape(-1) for v in (x, t_x, big_t)]
        params = self.parameter_vector()
        weights = _mix_weights(params)
        _, ratios = _scaled_likelihoods(
            weights,
            {
                shift: _rows(_shifted(params, *shift), *flat, gradient=False)[
                    0
                ]
                for shift in _SHIFTS
            },
        )
        top = np.zeros(flat[0].size)
        bottom = np.zeros(flat[0].size)
        magnitude = np.zeros(flat[0].size)
        for i, j in _weighted(weights):
            shifted = _shifted(params, i, j)
            model = ParetoNbdFit.from_parameters(
                r=shifted[0], alpha=shifted[1], s=shifted[2], beta=shifted[3]
            )
            share = weights[(i, j)] * ratios[(i, j)]
            if t is None:
                inner = model.probability_alive(*flat)
            else:
                inner = model.conditional_expected_purchases(
                    horizon[0].reshape(-1), *flat
                )
            top += share * inner
            bottom += share
            magnitude += np.abs(share)
        self._check_mix(bottom, magnitude)
        # Within the precision checked, the mix's rounding may still carry
        # a probability a hair past 1 (or an expectation past 0).
        high = 1.0 if t is None else np.inf
        result: FloatArray = np.clip(top / bottom, 0.0, high).reshape(shape)
        return result

    def _check_mix(self, total: FloatArray, magnitude: FloatArray) -> None:
        """Refuse a mix that cancels to rounding noise.

        With a large ``omega`` the four models' weights ``1 + k, -k, -k,
        k`` are huge and their signed sum, the customer's likelihood,
        small: below :data:`_MIX_PRECISION` of the terms it keeps too few
        digits (P(alive) came out as 1.00006 at ``omega`` = 1.4e12).
        """
        kept = total / magnitude
        if (kept < _MIX_PRECISION).any():
            msg = (
                f"omega = {self.omega:.6g} is too large for these "
                "marginals: for some customers the four independent "
                "models' signed mix cancels to "
                f"{float(kept.min()):.3g} of its terms, below "
                f"{_MIX_PRECISION:g}, so the prediction would be rounding "
                "noise; use a smaller omega (the correlation here is "
                f"{self.correlation:.3g})"
            )
            raise DataError(msg)

    def probability_alive(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Probability that a customer with this history is still active.

        The "alive at T" share of the likelihood, each part the signed mix
        of the four independent models' (see the module).
        """
        return self._posterior(frequency, recency, T, None)

    def conditional_expected_purchases(
        self,
        t: npt.ArrayLike,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` given the history."""
        return self._posterior(frequency, recency, T, t)

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``."""
        horizon = as_horizon(t)
        params = self.parameter_vector()
        weights = _mix_weights(params)
        total = np.zeros_like(horizon)
        for i, j in _SHIFTS:
            r, alpha, s, beta = _shifted(params, i, j)
            model = ParetoNbdFit.from_parameters(
                r=r, alpha=alpha, s=s, beta=beta
            )
            total = total + weights[(i, j)] * model.expected_purchases(horizon)
        result: FloatArray = total
        return result


# --------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------


def _hessian(objective: _Objective, params: FloatArray) -> FloatArray:
    """Hessian of the summed log-likelihood in the natural parameters.

    Central differences of the analytic gradient.
    """
    size = params.size
    hessian = np.empty((size, size))
    for i in range(size):
        step = _STEP * max(abs(params[i]), 1e-3)
        up, down = params.copy(), params.copy()
        up[i] += step
        down[i] -= step
        hessian[:, i] = (
            objective.summed(up)[1] - objective.summed(down)[1]
        ) / (2 * step)
    result: FloatArray = (hessian + hessian.T) / 2
    return result


def fit_pareto_nbd_correlated(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None = None,
) -> ParetoNbdCorrelatedFit:
    """Fit Pareto/NBD with correlated purchase and dropout rates.

    CLVTools' ``pnbd(use.cor = TRUE)`` (see the module for the Sarmanov
    density). The plain Pareto/NBD is fitted first; from its estimates
    with ``omega = 0`` (then, if that fails, from half of each end of
    ``omega``'s range) the summed log-likelihood is maximised over the
    log-parameters and ``omega`` by SLSQP with analytic gradients, subject
    to ``omega`` staying in its range (four smooth constraints). The model
    nests the plain Pareto/NBD at ``omega = 0``. Standard errors are from
    the inverse of the negative Hessian of the log-likelihood in the
    natural parameters.

    When the maximum lies at an end of ``omega``'s range
    (:attr:`ParetoNbdCorrelatedFit.at_limit`), the data ask for more
    correlation than the family can express with these marginals; the
    estimate is that end, and the likelihood-ratio test against the plain
    Pareto/NBD (:func:`~customer_centric.clv.likelihood_ratio_test`) is a
    better guide than the standard error.

    Args:
        frequency: Repeat purchases ``x`` per customer (or per row).
        recency: Time of the last repeat purchase ``t_x``.
        T: Length of observation of each customer.
        weights: Customers per row, for data already compressed.

    Returns:
        The fit, with standard errors of the five parameters and of the
        correlation (``correlation_standard_error``).

    Raises:
        DataError: The summary breaks a rule (see
            :func:`~customer_centric.clv.validate_rfm`).
        ConvergenceError: The plain Pareto/NBD has no proper maximum on
            these data (then neither has this model), no start converged,
            or the Hessian at the maximum is not negative definite.

    Examples:
        See the CLV guide, "Correlated purchase and dropout".

    .. versionadded:: 0.2
    """
    data = compress(frequency, recency, T, weights=weights)
    plain = fit_pareto_nbd(
        data.frequency, data.recency, data.T, weights=data.weights
    )
    objective = _Objective(data)
    base = np.log(plain.parameter_vector())
    lower, upper = omega_limits(*(float(v) for v in plain.parameter_vector()))
    runs = []
    for omega in (0.0, lower / 2, upper / 2):
        run = optimize.minimize(
            objective,
            np.append(base, omega),
            jac=True,
            method="SLSQP",
            bounds=[(-LOG_BOUND, LOG_BOUND)] * 4 + [(None, None)],
            constraints=[{"type": "ineq", "fun": _constraints}],
            options={"ftol": _TOLERANCE, "maxiter": 500},
        )
        runs.append(run)
        if run.success:
            break
    best = runs[-1]
    if not best.success:
        tried = "; ".join(f"{str(run.message)!r}" for run in runs)
        msg = (
            f"{_MODEL} fit did not converge from {len(runs)} starts "
            f"({tried}); the data may not identify the correlation: fit "
            "the plain Pareto/NBD"
        )
        raise ConvergenceError(msg)
    params = objective.natural(best.x)
    value, _ = objective.summed(params)
    hessian = _hessian(objective, params)
    try:
        np.linalg.cholesky(-hessian)
    except np.linalg.LinAlgError:
        msg = (
            f"{_MODEL} fit reached log-likelihood {value:.6f} but the "
            "Hessian there is not negative definite, so the parameters are "
            "not identified; fit the plain Pareto/NBD"
        )
        raise ConvergenceError(msg) from None
    covariance = np.linalg.inv(-hessian)
    covariance = (covariance + covariance.T) / 2
    n = float(data.weights.sum())
    names = ParetoNbdCorrelatedFit.parameter_names
    diagnostics = OptimizerDiagnostics(
        method=_METHOD,
        converged=True,
        iterations=int(best.nit),
        function_evaluations=int(best.nfev),
        gradient_norm=float(np.linalg.norm(objective(best.x)[1])),
        message=str(best.message),
        starts_tried=len(runs),
    )
    return ParetoNbdCorrelatedFit.model_validate(
        {
            **dict(zip(names, (float(v) for v in params), strict=True)),
            "standard_errors": dict(
                zip(names, np.sqrt(np.diag(covariance)).tolist(), strict=True)
            ),
            "covariance": tuple(tuple(row) for row in covariance.tolist()),
            "log_likelihood": value,
            "n_customers": n,
            "diagnostics": diagnostics,
        }
    )
