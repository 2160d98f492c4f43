"""Discounted customer lifetime value from a purchase and a spend model.

The value of a customer over the next ``H`` months is the discrete monthly
sum

``CLV = margin * spend * sum_{m=1..H} (E[X(m)] - E[X(m-1)]) / (1 + d)^m``

where ``E[X(m)]`` is the purchase model's conditional expected number of
purchases from the end of observation to the end of month ``m``, ``spend``
the expected value of one purchase and ``d`` the discount rate per month:
each month's expected purchases are paid at the end of that month. This is
the discrete approximation of Fader, Hardie & Lee (2005), "RFM and CLV:
Using Iso-Value Curves for Customer Base Analysis", *Journal of Marketing
Research* 42(4), 415-430 (their discounted expected transactions, DET,
summed by month instead of integrated), and what ``lifetimes``'
``customer_lifetime_value`` computes with 30-day months.

Time is explicit: the purchase model's time unit (a
:data:`~customer_centric.value.TimeUnit`, ``"W"`` for CDNOW, or a
:class:`~datetime.timedelta`) and the length of a month in days are
arguments, so a month is exactly ``days_per_month / days_per_unit`` model
time units (1, 1/3 and 1/12 of a unit for ``"M"``, ``"Q"`` and ``"Y"``).
For the discrete-time BG/BB model, a month's purchases are those of the
transaction opportunities (periods) that *end* by the end of that month.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import operator
from datetime import timedelta
from typing import Final, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    MAX_VALUE,
    FloatArray,
    as_horizon,
    read_only,
    real_number,
)
from customer_centric.clv._bg_bb import BgBbFit
from customer_centric.clv._gamma_gamma import GammaGammaFit
from customer_centric.clv._records import PurchaseModel, check_model
from customer_centric.clv._rfm import compress
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.value._transactions import (
    DAYS_PER_UNIT,
    TimeUnit,
    days_per_unit,
)

__all__ = [
    "CustomerLifetimeValue",
    "customer_lifetime_value",
    "monthly_discount_rate",
]

_MONTHS_PER_UNIT: Final[dict[str, int]] = {"M": 1, "Q": 3, "Y": 12}
"""Calendar units counted in months, whatever ``days_per_month`` is."""
_PERIOD_SLACK: Final = 1e-9
_MAX_MONTHS: Final = 1000 * 12
"""Longest horizon summed month by month (a thousand years)."""
_MAX_RATE: Final = 1e6
_SHORTEST_MONTH: Final = 28.0
_LONGEST_MONTH: Final = 31.0
"""Largest discount rate per period accepted (beyond, every future month is
worth nothing and the powers overflow)."""
"""Tolerance when counting whole periods that end within a month."""


@final
@attrs.frozen(kw_only=True, eq=False)
class CustomerLifetimeValue:
    """Discounted lifetime value per customer, with its factors.

    Every array has the broadcast shape of the inputs, one value per
    customer.

    Attributes:
        value: Discounted value over the horizon, ``margin * spend *
            discounted_purchases``, in the currency of the spend.
        expected_spend: Expected value of one purchase.
        discounted_purchases: Expected purchases over the horizon, each
            month's discounted to today.
        expected_purchases: Expected purchases over the horizon,
            undiscounted.
        horizon_months: Months summed.
        monthly_discount_rate: Discount rate per month used.
        time_units_per_month: Length of a month in the model's time unit.
        margin: Share of spend counted as value.

    Examples:
        See :func:`customer_lifetime_value`.

    .. versionadded:: 0.1
    """

    value: FloatArray = attrs.field(converter=read_only)
    expected_spend: FloatArray = attrs.field(converter=read_only)
    discounted_purchases: FloatArray = attrs.field(converter=read_only)
    expected_purchases: FloatArray = attrs.field(converter=read_only)
    horizon_months: int
    monthly_discount_rate: float
    time_units_per_month: float
    margin: float


def _months_per_unit(
    time_unit: TimeUnit | timedelta, days_per_month: float
) -> float:
    if isinstance(time_unit, str) and time_unit in _MONTHS_PER_UNIT:
        return float(_MONTHS_PER_UNIT[time_unit])
    if not isinstance(time_unit, str | timedelta):
        raise ArgumentTypeError.for_argument(
            "time_unit",
            time_unit,
            "one of 'D', 'W', 'M', 'Q', 'Y' or a datetime.timedelta",
        )
    return days_per_unit(time_unit) / days_per_month


def _check_days_per_month(days_per_month: float) -> float:
    days = real_number(days_per_month, name="days_per_month")
    if not (_SHORTEST_MONTH <= days <= _LONGEST_MONTH):
        msg = (
            f"days_per_month must be a month's length in days, from "
            f"{_SHORTEST_MONTH:g} to {_LONGEST_MONTH:g}, got "
            f"{days_per_month!r}; e.g. 30.4375, the mean Gregorian month"
        )
        raise InvariantError(msg)
    return days


def monthly_discount_rate(
    rate: float,
    /,
    *,
    per: TimeUnit | timedelta,
    days_per_month: float = DAYS_PER_UNIT["M"],
) -> float:
    """Convert a discount rate quoted per ``per`` to its monthly equivalent.

    A rate ``d`` per unit of ``u`` months compounds to ``(1 + d)^(1/u) -
    1`` a month, so ``u`` monthly discounts equal one unit's: 10 % a year
    is about 0.797 % a month. Months, quarters and years (``"M"``,
    ``"Q"``, ``"Y"``) are 1, 3 and 12 months; days, weeks and timedeltas
    are converted with ``days_per_month``.

    Args:
        rate: The discount rate (finite, >= 0).
        per: The period the rate is quoted for.
        days_per_month: Length of a month in days, 28 to 31 (the default is
            ``DAYS_PER_UNIT["M"]``, 365.25 / 12 = 30.4375).

    Returns:
        The rate per month.

    Raises:
        InvariantError: The rate is negative or not finite, or ``per`` or
            ``days_per_month`` is not a valid length.

    Examples:
        >>> from customer_centric.clv import monthly_discount_rate
        >>> round(monthly_discount_rate(0.10, per="Y"), 6)
        0.007974
        >>> monthly_discount_rate(0.01, per="M")
        0.01

    .. versionadded:: 0.1
    """
    rate = real_number(rate, name="discount_rate")
    if not (0 <= rate <= _MAX_RATE):
        msg = (
            f"discount_rate must be a finite number >= 0 and at most "
            f"{_MAX_RATE:g}, got {rate!r}; e.g. 0.1 for 10 % a year"
        )
        raise InvariantError(msg)
    months = _months_per_unit(per, _check_days_per_month(days_per_month))
    if months == 1:
        return float(rate)
    # In logs: a rate over a very short period compounds past float range.
    log_growth = math.log1p(rate) / months
    if log_growth > math.log1p(_MAX_RATE):
        msg = (
            f"a discount rate of {rate:g} per {per!r} is more than "
            f"{_MAX_RATE:g} a month; quote the rate per a longer period"
        )
        raise InvariantError(msg)
    return math.expm1(log_growth)


def _spend_per_purchase(
    spend: GammaGammaFit | float | npt.ArrayLike,
    monetary_value: npt.ArrayLike | None,
    frequency: FloatArray,
) -> FloatArray:
    if isinstance(spend, GammaGammaFit):
        if monetary_value is None:
            msg = (
                "a Gamma-Gamma spend model needs monetary_value (average "
                "spend per repeat purchase, any value >= 0 where frequency "
                "is 0); pass it too"
            )
            raise DataError(msg)
        return spend.conditional_expected_spend(frequency, monetary_value)
    if monetary_value is not None:
        msg = (
            "monetary_value is only used with a Gamma-Gamma spend model; "
            "with a given spend per purchase, leave it out"
        )
        raise DataError(msg)
    return as_horizon(spend, name="spend")


def customer_lifetime_value(
    model: PurchaseModel,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    spend: GammaGammaFit | float | npt.ArrayLike,
    time_unit: TimeUnit | timedelta,
    horizon_months: int,
    discount_rate: float,
    discount_rate_period: TimeUnit | timedelta,
    monetary_value: npt.ArrayLike | None = None,
    days_per_month: float = DAYS_PER_UNIT["M"],
    margin: float = 1.0,
) -> CustomerLifetimeValue:
    """Discounted value of each customer over the next ``horizon_months``.

    ``sum_{m=1..H} margin * spend * (E[X(m)] - E[X(m-1)]) / (1 + d)^m``,
    the discrete monthly form of Fader, Hardie & Lee (2005, *JMR*) (see the
    module documentation). The conditional expectations are computed once
    per distinct ``(frequency, recency, T)`` history and expanded back, so
    a million customers cost about as much as their distinct histories.

    Args:
        model: A fitted purchase model: BG/NBD, Pareto/NBD (any
            :class:`~customer_centric.clv.PurchaseModel`) or BG/BB (then
            ``T`` is the number of periods observed and ``time_unit`` the
            length of one period).
        frequency: Repeat purchases per customer.
        recency: Time of the last repeat purchase, in the model's unit.
        T: Length of observation, in the model's unit.
        spend: Value of one purchase: a fitted Gamma-Gamma model (then
            ``monetary_value`` is required and each customer's conditional
            expected spend is used), or a number or array of numbers >= 0.
        time_unit: The model's time unit, a
            :data:`~customer_centric.value.TimeUnit` (``"D"``, ``"W"``;
            ``"M"``,
            ``"Q"``, ``"Y"`` are 1, 3 and 12 months) or a
            :class:`~datetime.timedelta`.
        horizon_months: Months to sum (whole number >= 1).
        discount_rate: The discount rate (>= 0), quoted per
            ``discount_rate_period``.
        discount_rate_period: The period the rate is quoted for, e.g.
            ``"Y"`` or ``"M"``; converted with :func:`monthly_discount_rate`.
        monetary_value: Average spend per repeat purchase per customer, for
            a Gamma-Gamma ``spend`` (ignored where frequency is 0).
        days_per_month: Length of a month in days, 28 to 31 (the default is
            ``DAYS_PER_UNIT["M"]``, 365.25 / 12 = 30.4375; ``lifetimes``
            uses 30).
        margin: Share of spend that counts as value; 1 values revenue.

    Returns:
        Value, spend, discounted and undiscounted purchases per customer.

    Raises:
        DataError: Bad histories (the rows are named), negative spend, or
            ``monetary_value`` missing or superfluous.
        InvariantError: A bad time unit, horizon, discount rate, month
            length or margin.

    Examples:
        Fader, Hardie & Lee's (2005) BG/NBD and Gamma-Gamma fits on CDNOW
        (weeks), valued over a year at 10 % a year:

        >>> from customer_centric.clv import (
        ...     BgNbdFit, GammaGammaFit, customer_lifetime_value)
        >>> bg = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> gg = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
        >>> clv = customer_lifetime_value(
        ...     bg, [2, 0], [30.43, 0.0], [38.86, 38.86],
        ...     spend=gg, monetary_value=[22.35, 0.0], time_unit="W",
        ...     horizon_months=12, discount_rate=0.10,
        ...     discount_rate_period="Y")
        >>> clv.expected_spend.round(2)
        array([24.66, 35.22])
        >>> clv.value.round(2)
        array([36.75,  8.48])

    .. versionadded:: 0.1
    """
    msg = (
        "horizon_months must be a whole number of months >= 1, got "
        f"{horizon_months!r}"
    )
    if isinstance(horizon_months, bool):
        raise InvariantError(msg)
    try:
        n_months = operator.index(horizon_months)
    except TypeError as exc:
        raise InvariantError(msg) from exc
    if not (1 <= n_months <= _MAX_MONTHS):
        raise InvariantError(msg + f" and at most {_MAX_MONTHS}")
    check_model(model, name="model")
    margin = real_number(margin, name="margin")
    if not (0 <= margin <= MAX_VALUE):
        msg = f"margin must be a finite number >= 0, got {margin!r}"
        raise InvariantError(msg)
    month_length = _check_days_per_month(days_per_month)
    rate = monthly_discount_rate(
        discount_rate, per=discount_rate_period, days_per_month=month_length
    )
    units_per_month = 1 / _months_per_unit(time_unit, month_length)
    try:
        x, t_x, big_t = np.broadcast_arrays(
            np.asarray(frequency, dtype=np.float64),
            np.asarray(recency, dtype=np.float64),
            np.asarray(T, dtype=np.float64),
        )
    except (TypeError, ValueError) as exc:
        msg = (
            "frequency, recency and T must be numbers of broadcastable "
            f"shapes: {exc}"
        )
        raise DataError(msg) from exc
    shape = x.shape
    rows = compress(x.reshape(-1), t_x.reshape(-1), big_t.reshape(-1))
    discrete = isinstance(model, BgBbFit)
    discounted = np.zeros(rows.frequency.size)
    cumulative = np.zeros(rows.frequency.size)
    last_horizon = 0.0
    for month in range(1, n_months + 1):
        horizon = month * units_per_month
        if discrete:
            horizon = math.floor(horizon + _PERIOD_SLACK)
        if horizon != last_horizon:
            current = np.asarray(
                model.conditional_expected_purchases(
                    horizon, rows.frequency, rows.recency, rows.T
                ),
                dtype=np.float64,
            )
            # Rounding can make a cumulative expectation dip by an ulp.
            step = np.maximum(current - cumulative, 0.0)
            discounted += step / (1 + rate) ** month
            cumulative += step
            last_horizon = horizon
    spend_values = _spend_per_purchase(spend, monetary_value, x)
    try:
        spend_b = np.broadcast_to(spend_values, shape)
    except ValueError as exc:
        msg = (
            f"spend has shape {np.shape(spend_values)!r}, which does not "
            f"broadcast to the customers' shape {shape!r}"
        )
        raise DataError(msg) from exc
    per_customer = discounted[rows.inverse].reshape(shape)
    with np.errstate(invalid="ignore"):
        value = margin * spend_b * per_customer
    value = np.where(per_customer == 0, 0.0, value)
    return CustomerLifetimeValue(
        value=np.asarray(value, dtype=np.float64),
        expected_spend=np.array(spend_b, dtype=np.float64),
        discounted_purchases=per_customer,
        expected_purchases=cumulative[rows.inverse].reshape(shape),
        horizon_months=n_months,
        monthly_discount_rate=rate,
        time_units_per_month=units_per_month,
        margin=float(margin),
    )
