"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013).

A customer's transaction values vary around their own mean: each value is
gamma distributed with shape ``p`` and rate ``nu``, and ``nu`` is gamma
distributed across customers with shape ``q`` and rate ``gamma``. The
customer's average of ``x`` transactions, ``zbar``, then has a closed-form
distribution, and the posterior mean of their spend per transaction
shrinks ``zbar`` towards the population mean ``p * gamma / (q - 1)``.

Sources: P. S. Fader and B. G. S. Hardie (2013), "The Gamma-Gamma Model of
Monetary Value", note 025 at brucehardie.com; P. S. Fader, B. G. S. Hardie
and K. L. Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer
Base Analysis", *Journal of Marketing Research* 42(4), 415-430, equation (4)
(there with ``p = 6.25, q = 3.74, gamma = 15.44`` on the CDNOW sample).

The model is fitted on **repeat buyers only** (``x > 0``): a customer with
no repeat transaction has no observed average to model. The model assumes
spend is independent of the purchase process; check that on your data
(e.g. the correlation of ``x`` and ``zbar`` among repeat buyers).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar, Final

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    _offenders,
    as_counts,
    as_float_array,
    as_floats,
    as_non_negative,
    dot,
    reject_rows,
)
from customer_centric._extras import defer_import
from customer_centric.clv._optimizer import Boundary, fit_by_maximum_likelihood
from customer_centric.clv._records import FittedModel, given_parameter_fields
from customer_centric.clv._rfm import check_weights
from customer_centric.exceptions import DataError

if TYPE_CHECKING:
    from scipy import special
else:
    special = defer_import("scipy.special")

__all__ = ["GammaGammaFit", "fit_gamma_gamma"]

_MODEL: Final = "Gamma-Gamma"
_BOUNDARIES: Final = (
    Boundary(
        direction=(0, 1, 1),
        parameters="q and gamma run to infinity together (q/gamma fixed)",
        simpler="no spend heterogeneity across customers (one mean spend)",
    ),
    Boundary(
        direction=(1, 0, -1),
        parameters="p runs to infinity and gamma to 0 (p*gamma fixed)",
        simpler="no variation in a customer's transaction values",
    ),
)


class GammaGammaFit(FittedModel):
    """A fitted Gamma-Gamma spend model: parameters and predictions.

    Attributes:
        p: Shape of the gamma distribution of one customer's transaction
            values.
        q: Shape of the gamma distribution of the rate ``nu`` across
            customers.
        gamma: Rate of that distribution, in the currency's units.

    Examples:
        Fader & Hardie's (2013) CDNOW parameters: a customer with 2 repeat
        transactions averaging $22.35 is expected to spend $24.65 per
        transaction; one with no repeat transaction the population mean.

        >>> from customer_centric.clv import GammaGammaFit
        >>> fit = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
        >>> fit.conditional_expected_spend([2, 0], [22.35, 0.0]).round(2)
        array([24.66, 35.22])
        >>> round(fit.population_mean_spend, 2)
        35.22

    .. versionadded:: 0.1
    """

    parameter_names: ClassVar[tuple[str, ...]] = ("p", "q", "gamma")

    p: float
    q: float
    gamma: float

    @classmethod
    def from_parameters(
        cls, *, p: float, q: float, gamma: float
    ) -> GammaGammaFit:
        """Build a model from known parameters (no data, no uncertainty).

        Standard errors and the log-likelihood are NaN and ``n_customers``
        is 0: use it to predict with published parameters.

        Examples:
            >>> from customer_centric.clv import GammaGammaFit
            >>> GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44).q
            3.74

        .. versionadded:: 0.1
        """
        return cls.model_validate(
            given_parameter_fields({"p": p, "q": q, "gamma": gamma})
        )

    @property
    def population_mean_spend(self) -> float:
        """Mean spend per transaction across customers, ``p*gamma/(q-1)``.

        Infinite when ``q <= 1`` (the mixing distribution has no mean).

        Examples:
            >>> from customer_centric.clv import GammaGammaFit
            >>> GammaGammaFit.from_parameters(
            ...     p=2.0, q=3.0, gamma=10.0).population_mean_spend
            10.0

        .. versionadded:: 0.1
        """
        if self.q <= 1:
            return math.inf
        return self.p * self.gamma / (self.q - 1)

    def conditional_expected_spend(
        self, frequency: npt.ArrayLike, monetary_value: npt.ArrayLike, /
    ) -> FloatArray:
        """Expected spend per transaction given ``x`` and the average.

        Fader, Hardie & Lee (2005, JMR), equation (4):
        ``E(M | x, zbar) = p (gamma + x zbar) / (p x + q - 1)``, a weighted
        mean of the population mean and ``zbar`` whose weight on ``zbar``
        grows with ``x``. For ``x = 0`` it is the population mean whatever
        ``monetary_value`` says. Where ``p x + q - 1 <= 0`` (only possible
        when ``q <= 1``) the expectation is infinite.

        Args:
            frequency: Repeat transactions ``x`` (whole numbers >= 0).
            monetary_value: Average value of those transactions (>= 0;
                ignored where ``x = 0``).

        Returns:
            Expected spend per transaction, in the broadcast shape.

        Raises:
            DataError: Negative, fractional or non-finite values, or shapes
                that do not broadcast.

        Examples:
            >>> from customer_centric.clv import GammaGammaFit
            >>> fit = GammaGammaFit.from_parameters(
            ...     p=6.25, q=3.74, gamma=15.44)
            >>> fit.conditional_expected_spend(
            ...     [1, 10, 1000], 100.0).round(2)
            array([80.26, 97.28, 99.97])

        .. versionadded:: 0.1
        """
        x, m = _broadcast_spend(frequency, monetary_value)
        denominator = self.p * x + self.q - 1
        m = np.where(x > 0, m, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            result = self.p * (self.gamma + x * m) / denominator
        result = np.where(denominator > 0, result, np.inf)
        out: FloatArray = np.asarray(result, dtype=np.float64)
        return out


def _broadcast_spend(
    frequency: npt.ArrayLike, monetary_value: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    try:
        x_raw = as_floats(frequency, name="frequency")
        m_raw = as_floats(monetary_value, name="monetary_value")
        x_b, m_b = np.broadcast_arrays(x_raw, m_raw)
    except (TypeError, ValueError) as exc:
        msg = (
            "frequency and monetary_value must be numbers of broadcastable "
            f"shapes, got {frequency!r} and {monetary_value!r}: {exc}"
        )
        raise DataError(msg) from exc
    shape = x_b.shape
    x = as_counts(x_b.reshape(-1), name="frequency")
    m = as_non_negative(m_b.reshape(-1), name="monetary_value")
    return x.reshape(shape), m.reshape(shape)


_RADIX_KEYS: Final = 2**16
"""Frequencies below this are sorted as 16-bit keys (numpy's radix sort,
about ten times faster than its float sort on millions of rows)."""


class _Likelihood:
    """Summed Gamma-Gamma log-likelihood of the averages and its gradient.

    Fader & Hardie (2013), equation (3): the density of ``zbar`` given
    ``x`` is ``Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q zbar^(px-1)
    x^(px) / (gamma + x zbar)^(px+q)``. Its log is ``B(x) + q log u +
    p x log(1 - u) - log zbar`` with ``u = gamma / (gamma + x zbar)`` and
    ``B(x) = log Gamma(px+q) - log Gamma(px) - log Gamma(q)``.
    """

    def __init__(self, x: FloatArray, m: FloatArray, w: FloatArray) -> None:
        # Sorted by x, the customers with one frequency are contiguous, and
        # every sum the likelihood needs is a sum per distinct x (which
        # takes few values): the gamma functions are evaluated once per x,
        # and each step passes over the rows five times (a sum, a log, a
        # reciprocal, two per-x sums) instead of seven.
        small = float(x.max()) < _RADIX_KEYS
        order = np.argsort(x.astype(np.uint16) if small else x, kind="stable")
        x_sorted = x[order]
        self.starts = np.flatnonzero(np.diff(x_sorted, prepend=0.0))
        self.x_unique = x_sorted[self.starts]
        self.xm = x_sorted * m[order]
        # Unit weights (the usual case) skip a multiplication per sum.
        self.w = None if bool((w == 1).all()) else w[order]
        self.w_by_x: FloatArray = np.add.reduceat(
            np.ones_like(self.xm) if self.w is None else self.w, self.starts
        )
        # Scratch space: millions of rows would otherwise mean fresh
        # memory (and page faults) at every step.
        self._shifted = np.empty_like(self.xm)
        self._logs = np.log(self.xm)
        self.log_xm_by_x = self._by_x(self._logs)
        self.sum_log_m = math.fsum(
            self.log_xm_by_x - self.w_by_x * np.log(self.x_unique)
        )

    def _by_x(self, values: FloatArray) -> FloatArray:
        """Weighted sums of ``values`` (overwritten) per distinct x."""
        if self.w is not None:
            np.multiply(values, self.w, out=values)
        sums: FloatArray = np.add.reduceat(values, self.starts)
        return sums

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        p, q, gamma = (float(v) for v in theta)
        w_x = self.w_by_x
        shifted = np.add(self.xm, gamma, out=self._shifted)
        log_shifted = self._by_x(np.log(shifted, out=self._logs))
        inverse = self._by_x(np.reciprocal(shifted, out=shifted))
        px = p * self.x_unique
        log_gamma = math.log(gamma)
        log_u = w_x * log_gamma - log_shifted
        log_1mu = self.log_xm_by_x - log_shifted
        gammas = special.gammaln(px + q) - special.gammaln(px)
        # The per-x terms are added exactly: in floating point, terms of
        # 1e8 cancelling to 1e7 (4 million buyers) left noise of 1e-14 per
        # customer in the value, more than the decreases of 1e-15 the line
        # search must see near the optimum.
        value = math.fsum(
            np.concatenate(
                [
                    w_x * (gammas - special.gammaln(q)),
                    q * log_u,
                    px * log_1mu,
                    [-self.sum_log_m],
                ]
            ).tolist()
        )
        psi_pxq = special.digamma(px + q)
        gradient = np.array(
            [
                dot(
                    self.x_unique,
                    w_x * (psi_pxq - special.digamma(px)) + log_1mu,
                ),
                (w_x * (psi_pxq - special.digamma(q)) + log_u).sum(),
                (w_x * (q / gamma) - (px + q) * inverse).sum(),
            ]
        )
        return value, gradient


def fit_gamma_gamma(
    frequency: npt.ArrayLike,
    monetary_value: npt.ArrayLike,
    /,
    *,
    weights: npt.ArrayLike | None = None,
) -> GammaGammaFit:
    """Fit the Gamma-Gamma spend model by maximum likelihood.

    Fit on **repeat buyers only**: every ``frequency`` must be at least 1
    and every ``monetary_value`` (the average value of the repeat
    transactions) positive. Select them first, e.g. ``x[x > 0]``. The
    summed log-likelihood of Fader & Hardie (2013), equation (3), is
    maximised with analytic gradients in log-parameter space.

    Args:
        frequency: Repeat transactions ``x`` per customer (whole, >= 1).
        monetary_value: Average value ``zbar`` of those transactions (> 0).
        weights: Customers per row, for data already compressed.

    Returns:
        The fit, with standard errors and diagnostics.

    Raises:
        DataError: A customer without repeat transactions, a non-positive
            or non-finite average, mismatched lengths, bad weights.
        ConvergenceError: The likelihood has no proper maximum on these
            data (e.g. every average identical).

    Examples:
        Simulated from the model with ``p = 6, q = 4, gamma = 15``, the
        estimates land within a standard error or so of the truth:

        >>> import numpy as np
        >>> from customer_centric.clv import fit_gamma_gamma
        >>> rng = np.random.default_rng(7)
        >>> x = rng.integers(1, 8, size=5000)
        >>> nu = rng.gamma(4.0, 1 / 15.0, size=5000)
        >>> zbar = rng.gamma(6.0 * x, 1 / (nu * x))
        >>> fit = fit_gamma_gamma(x, zbar)
        >>> [round(v, 1) for v in fit.params.values()]
        [5.7, 4.0, 16.0]
        >>> [round(v, 1) for v in fit.standard_errors.values()]
        [0.6, 0.1, 2.1]
        >>> fit_gamma_gamma([0, 2], [0.0, 12.5])
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: the Gamma-Gamma model is \
fitted on repeat buyers only, but frequency is 0 in row 0 (frequency=0.0, \
monetary_value=0.0); select the customers with frequency > 0 first

    .. versionadded:: 0.1
    """
    x = as_counts(frequency, name="frequency")
    m = as_float_array(monetary_value, name="monetary_value")
    if x.size != m.size:
        msg = (
            "frequency and monetary_value must have the same length, got "
            f"{x.size} and {m.size}"
        )
        raise DataError(msg)
    bad = x == 0
    if bad.any():
        msg = (
            "the Gamma-Gamma model is fitted on repeat buyers only, but "
            f"frequency is 0 in {_offenders(bad, ('frequency', x), ('monetary_value', m))}"  # noqa: E501
            "; select the customers with frequency > 0 first"
        )
        raise DataError(msg)
    reject_rows(
        m <= 0,
        "monetary_value (average spend per repeat transaction) must be > 0",
        ("monetary_value", m),
        fix="drop customers whose repeat transactions were all free or "
        "refunded",
    )
    w = check_weights(weights, size=x.size)
    n_customers = float(w.sum())
    mean_m = dot(w, m) / n_customers
    return fit_by_maximum_likelihood(
        GammaGammaFit,
        _Likelihood(x, m, w),
        starts=[
            (1.0, 1.0, 1.0),
            (2.0, 3.0, mean_m),
            (5.0, 5.0, mean_m),
            (0.5, 2.0, 0.1 * mean_m),
        ],
        n_customers=n_customers,
        model=_MODEL,
        boundaries=_BOUNDARIES,
    )
