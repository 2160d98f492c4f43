"""The shifted-beta-geometric (sBG) model of contract renewals.

In a contractual setting (subscriptions, annual memberships) every customer
renews at the end of each period with their own probability ``1 - theta``;
``theta`` is beta distributed across customers with shapes ``alpha`` and
``beta``. Heterogeneity makes the cohort's retention rate *rise* with
tenure, as the customers likely to churn leave first.

Sources: P. S. Fader and B. G. S. Hardie (2007), "How to Project Customer
Retention", *Journal of Interactive Marketing* 21(1), 76-90 (churn
probability equation 3, survival equation 5, retention rate equation 8,
likelihood equation 6); P. S. Fader and B. G. S. Hardie (2010),
"Customer-Base Valuation in a Contractual Setting: The Perils of Ignoring
Heterogeneity", *Marketing Science* 29(1), 85-93 (discounted expected
residual lifetime, equation 6).

Periods are counted from the acquisition of the cohort: period 0 is the
start, and ``survival(t)`` is the share still active after ``t`` renewal
opportunities.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    as_counts,
    as_floats,
    dot,
    real_number,
    reject_rows,
)
from customer_centric._extras import defer_import
from customer_centric.clv._optimizer import Boundary, fit_by_maximum_likelihood
from customer_centric.clv._records import FittedModel, given_parameter_fields
from customer_centric.exceptions import DataError, InvariantError

if TYPE_CHECKING:
    from scipy import special
else:
    special = defer_import("scipy.special")

__all__ = [
    "SbgFit",
    "check_discount_rate",
    "fit_sbg",
    "hyp2f1_one",
]

_MODEL: Final = "shifted-beta-geometric"
_MAX_DISCOUNT_RATE: Final = 1e6
_BOUNDARIES: Final = (
    Boundary(
        direction=(0, 1),
        parameters="beta runs to infinity (churn probability to 0)",
        simpler="no churn",
    ),
    Boundary(
        direction=(-1, 0),
        parameters="alpha runs to 0 (churn probability to 0)",
        simpler="no churn",
    ),
    Boundary(
        direction=(1, 1),
        parameters="alpha and beta run to infinity together "
        "(alpha/(alpha+beta) fixed)",
        simpler="no churn heterogeneity (one churn probability, the "
        "geometric model)",
    ),
)
_SERIES_BLOCK: Final = 4096
_MAX_SERIES_TERMS: Final = 4_000_000
"""Cap on the terms of the 2F1 series (enough for d >= 1e-5)."""


def _periods(t: npt.ArrayLike, *, name: str, minimum: int) -> FloatArray:
    array = as_floats(t, name=name)
    flat = as_counts(array.reshape(-1), name=name)
    reject_rows(flat < minimum, f"{name} must be >= {minimum}", (name, flat))
    return array


class SbgFit(FittedModel):
    """A fitted sBG model of one cohort: parameters and projections.

    Attributes:
        alpha: First shape of the beta distribution of churn
            probabilities ``theta``.
        beta: Second shape of that distribution. The mean churn
            probability of a new customer is ``alpha / (alpha + beta)``.

    Examples:
        Fader & Hardie (2007), "regular" customers: 36.9 % churn after the
        first year, and the retention rate climbs from 63 % to 91 % by year
        7 as the churn-prone leave.

        >>> from customer_centric.clv import SbgFit
        >>> fit = SbgFit.from_parameters(alpha=0.704, beta=1.182)
        >>> fit.retention_rate([1, 7]).round(3)
        array([0.627, 0.911])
        >>> fit.survival([0, 1, 7]).round(3)
        array([1.   , 0.627, 0.239])

    .. versionadded:: 0.1
    """

    parameter_names: ClassVar[tuple[str, ...]] = ("alpha", "beta")

    alpha: float
    beta: float

    @classmethod
    def from_parameters(cls, *, alpha: float, beta: float) -> SbgFit:
        """Build a model from known parameters (no data, no uncertainty).

        Examples:
            >>> from customer_centric.clv import SbgFit
            >>> SbgFit.from_parameters(alpha=0.668, beta=3.806).beta
            3.806

        .. versionadded:: 0.1
        """
        return cls.model_validate(
            given_parameter_fields({"alpha": alpha, "beta": beta})
        )

    def survival(self, t: npt.ArrayLike, /) -> FloatArray:
        """Share of the cohort still active after ``t`` periods, ``S(t)``.

        FH (2007), equation (5): ``S(t) = B(alpha, beta + t) / B(alpha,
        beta)``; ``S(0) = 1``.

        Args:
            t: Periods since acquisition (whole numbers >= 0).

        Returns:
            Survival probabilities, in the shape of ``t``.

        Examples:
            >>> from customer_centric.clv import SbgFit
            >>> fit = SbgFit.from_parameters(alpha=0.668, beta=3.806)
            >>> fit.survival([1, 12]).round(3)
            array([0.851, 0.378])

        .. versionadded:: 0.1
        """
        periods = _periods(t, name="t", minimum=0)
        result: FloatArray = np.exp(
            special.betaln(self.alpha, self.beta + periods)
            - special.betaln(self.alpha, self.beta)
        )
        return result

    def churn_probability(self, t: npt.ArrayLike, /) -> FloatArray:
        """Probability that a new customer churns at period ``t``.

        FH (2007), equation (3): ``P(T = t) = B(alpha + 1, beta + t - 1) /
        B(alpha, beta)``, the share of the cohort lost at the ``t``-th
        renewal opportunity; ``S(t - 1) - S(t)``.

        Args:
            t: Period (whole numbers >= 1).

        Returns:
            Probabilities, in the shape of ``t``.

        Examples:
            >>> from customer_centric.clv import SbgFit
            >>> fit = SbgFit.from_parameters(alpha=0.704, beta=1.182)
            >>> fit.churn_probability([1, 2]).round(3)
            array([0.373, 0.153])

        .. versionadded:: 0.1
        """
        periods = _periods(t, name="t", minimum=1)
        result: FloatArray = np.exp(
            special.betaln(self.alpha + 1, self.beta + (periods - 1))
            - special.betaln(self.alpha, self.beta)
        )
        return result

    def retention_rate(self, t: npt.ArrayLike, /) -> FloatArray:
        """Share of the customers active at ``t - 1`` who renew at ``t``.

        FH (2007), equation (8): ``r(t) = S(t) / S(t - 1) = (beta + t - 1)
        / (alpha + beta + t - 1)``, increasing in ``t``.

        Args:
            t: Period (whole numbers >= 1).

        Returns:
            Retention rates, in the shape of ``t``.

        Examples:
            >>> from customer_centric.clv import SbgFit
            >>> fit = SbgFit.from_parameters(alpha=0.668, beta=3.806)
            >>> fit.retention_rate([1, 2, 3]).round(3)
            array([0.851, 0.878, 0.897])

        .. versionadded:: 0.1
        """
        periods = _periods(t, name="t", minimum=1)
        result: FloatArray = (self.beta + (periods - 1)) / (
            self.alpha + self.beta + (periods - 1)
        )
        return result

    def discounted_expected_residual_lifetime(
        self, discount_rate: float, /, *, renewals: npt.ArrayLike
    ) -> FloatArray:
        """Discounted expected residual lifetime (DERL) of an active customer.

        Fader & Hardie (2010), equation (6), for a customer who has made
        ``renewals = n - 1`` renewals and is at the end of period ``n``,
        about to decide on the next: ``DERL = (beta + n - 1) / (alpha +
        beta + n - 1) * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))``.
        It counts the future payments, one per period, starting with the
        next renewal (undiscounted) and each later one discounted by
        ``(1 + d)`` per period; multiply by the payment per period for the
        residual value. A new customer's expected lifetime value including
        the first payment is :meth:`discounted_expected_lifetime`.

        Args:
            discount_rate: Discount rate per period, ``d`` (> 0).
            renewals: Renewals made so far, ``n - 1`` (whole numbers >= 0).

        Returns:
            DERL in periods, in the shape of ``renewals``.

        Raises:
            InvariantError: ``discount_rate`` is not a finite number > 0.
            DataError: ``renewals`` not whole numbers >= 0.

        Examples:
            A high-end customer who has renewed 4 times, at 10 % a year:

            >>> from customer_centric.clv import SbgFit
            >>> fit = SbgFit.from_parameters(alpha=0.668, beta=3.806)
            >>> fit.discounted_expected_residual_lifetime(
            ...     0.1, renewals=[0, 4]).round(2)
            array([5.41, 6.9 ])

        .. versionadded:: 0.1
        """
        d = check_discount_rate(discount_rate, per="period")
        n = _periods(renewals, name="renewals", minimum=0) + 1
        result: FloatArray = (
            (self.beta + (n - 1))
            / (self.alpha + self.beta + (n - 1))
            * hyp2f1_one(
                self.beta + n, self.alpha + self.beta + n, 1 / (1 + d)
            )
        )
        return result

    def discounted_expected_lifetime(self, discount_rate: float, /) -> float:
        """Discounted expected lifetime (DEL) of a customer just acquired.

        Fader & Hardie (2010), equation (5): ``DEL = 2F1(1, beta; alpha +
        beta; 1 / (1 + d))``, the present value of one payment per period
        from the first (at period 0, undiscounted) while the customer
        stays. Equal to ``1 + DERL(renewals=0) / (1 + d)``.

        Examples:
            >>> from customer_centric.clv import SbgFit
            >>> fit = SbgFit.from_parameters(alpha=0.668, beta=3.806)
            >>> round(fit.discounted_expected_lifetime(0.1), 2)
            5.92

        .. versionadded:: 0.1
        """
        d = check_discount_rate(discount_rate, per="period")
        return float(
            hyp2f1_one(self.beta, self.alpha + self.beta, 1 / (1 + d))[()]
        )


def hyp2f1_one(b: npt.ArrayLike, c: npt.ArrayLike, z: float) -> FloatArray:
    """Gauss's ``2F1(1, b; c; z)`` for ``0 < b < c`` and ``0 < z < 1``.

    The discounted lifetimes of the sBG and BG/BB models are this function
    at ``z = 1 / (1 + d)``. scipy's ``hyp2f1`` is used where it gives a
    finite value (it is accurate there, or returns NaN); elsewhere, for
    large parameters or ``z`` near 1, the positive series ``sum_k (b)_k /
    (c)_k z^k`` is summed in log space until the remaining tail, bounded by
    the last term times ``z / (1 - z)``, is below 1e-16 of the sum.

    Examples:
        >>> from customer_centric.clv._sbg import hyp2f1_one
        >>> hyp2f1_one([2.0, 1e6], [3.0, 1e6 + 1], 0.5).round(6)
        array([1.545177, 1.999998])

    .. versionadded:: 0.1
    """
    b_array, c_array = np.broadcast_arrays(
        np.asarray(b, dtype=np.float64), np.asarray(c, dtype=np.float64)
    )
    result = np.asarray(special.hyp2f1(1.0, b_array, c_array, z))
    result = np.array(result, dtype=np.float64, ndmin=1).reshape(
        b_array.shape or (1,)
    )
    bad = ~np.isfinite(result)
    if bad.any():
        result[bad] = _series_one(
            np.broadcast_to(b_array, result.shape)[bad],
            np.broadcast_to(c_array, result.shape)[bad],
            z,
        )
    out: FloatArray = result.reshape(b_array.shape)
    return out


def _series_one(b: FloatArray, c: FloatArray, z: float) -> FloatArray:
    total = np.ones(b.size)
    log_term = np.zeros(b.size)
    start = 0
    while start < _MAX_SERIES_TERMS:
        k = np.arange(start, start + _SERIES_BLOCK, dtype=np.float64)[None, :]
        steps = np.log(z) + np.log(b[:, None] + k) - np.log(c[:, None] + k)
        logs = log_term[:, None] + np.cumsum(steps, axis=1)
        total += np.exp(logs).sum(axis=1)
        log_term = logs[:, -1]
        start += _SERIES_BLOCK
        if (np.exp(log_term) * z / (1 - z) <= 1e-16 * total).all():
            break
    return total


def check_discount_rate(discount_rate: float, /, *, per: str) -> float:
    """Return a discount rate if it is a finite number > 0, else raise.

    Examples:
        >>> from customer_centric.clv._sbg import check_discount_rate
        >>> check_discount_rate(-0.1, per="period")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: discount_rate must be \
a finite number > 0 and at most 1e+06 per period, got -0.1; e.g. 0.1 for \
10 %

    .. versionadded:: 0.1
    """
    discount_rate = real_number(discount_rate, name="discount_rate")
    if not (0 < discount_rate <= _MAX_DISCOUNT_RATE):
        msg = (
            "discount_rate must be a finite number > 0 and at most "
            f"{_MAX_DISCOUNT_RATE:g} per {per}, got "
            f"{discount_rate!r}; e.g. 0.1 for 10 %"
        )
        raise InvariantError(msg)
    return float(discount_rate)


class _Likelihood:
    """FH (2007), equation (6): churners by period plus the survivors."""

    def __init__(self, survivors: FloatArray) -> None:
        self.churned = survivors[:-1] - survivors[1:]
        self.t = np.arange(1, survivors.size, dtype=np.float64)
        self.alive = float(survivors[-1])
        self.last = float(survivors.size - 1)

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        a, b = float(theta[0]), float(theta[1])
        t, churned = self.t, self.churned
        log_ab = special.betaln(a, b)
        log_p = special.betaln(a + 1, b + (t - 1)) - log_ab
        log_s = special.betaln(a, b + self.last) - log_ab
        value = dot(churned, log_p) + self.alive * float(log_s)
        psi = special.digamma
        psi_ab = psi(a + b)
        d_p_a = psi(a + 1) - psi(a + b + t) - psi(a) + psi_ab
        d_p_b = psi(b + (t - 1)) - psi(a + b + t) - psi(b) + psi_ab
        d_s_a = psi_ab - psi(a + b + self.last)
        d_s_b = psi(b + self.last) - psi(a + b + self.last) - psi(b) + psi_ab
        gradient = np.array(
            [
                dot(churned, d_p_a) + self.alive * float(d_s_a),
                dot(churned, d_p_b) + self.alive * float(d_s_b),
            ]
        )
        return value, gradient


def fit_sbg(survivors: npt.ArrayLike, /) -> SbgFit:
    """Fit the sBG model to one cohort's survivor counts.

    ``survivors[t]`` is the number of the cohort's customers still active
    after ``t`` renewal opportunities: ``survivors[0]`` is the cohort size,
    and the counts never increase. Customers lost at period ``t`` are
    ``survivors[t - 1] - survivors[t]``; those still active at the end are
    right-censored (FH 2007, equation 6).

    Args:
        survivors: Active customers at periods 0, 1, 2, ... (whole numbers,
            at least two periods).

    Returns:
        The fit (``n_customers`` is the cohort size), with standard errors.

    Raises:
        DataError: Fewer than two periods, negative or fractional counts,
            an empty cohort, or a count larger than the one before.
        ConvergenceError: The counts do not identify the model (e.g. no
            one ever churns).

    Examples:
        Fader & Hardie (2007), the "regular" cohort over 7 years:

        >>> from customer_centric.clv import fit_sbg
        >>> fit = fit_sbg([1000, 631, 468, 382, 326, 289, 262, 241])
        >>> round(fit.alpha, 3), round(fit.beta, 3)
        (0.704, 1.182)
        >>> round(fit.log_likelihood, 1)
        -1680.3
        >>> fit_sbg([1000, 631, 700])
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: survivors must never \
increase (a cohort only loses customers); offending periods: row 2 \
(survivors=700.0); pass the count still active at each period of one cohort

    .. versionadded:: 0.1
    """
    counts = as_counts(survivors, name="survivors")
    minimum_periods = 2
    if counts.size < minimum_periods:
        msg = (
            "survivors needs at least two periods (the cohort size and the "
            f"count after the first renewal), got {counts.tolist()!r}"
        )
        raise DataError(msg)
    if counts[0] == 0:
        msg = (
            f"survivors[0] is the cohort size and must be > 0, got "
            f"{counts.tolist()!r}"
        )
        raise DataError(msg)
    increase = np.zeros(counts.size, dtype=np.bool_)
    increase[1:] = counts[1:] > counts[:-1]
    reject_rows(
        increase,
        "survivors must never increase (a cohort only loses customers)",
        ("survivors", counts),
        fix="pass the count still active at each period of one cohort",
        offending="periods",
    )
    return fit_by_maximum_likelihood(
        SbgFit,
        _Likelihood(counts),
        starts=[(1.0, 1.0), (0.5, 2.0), (2.0, 0.5), (0.1, 0.1)],
        n_customers=float(counts[0]),
        model=_MODEL,
        boundaries=_BOUNDARIES,
    )
