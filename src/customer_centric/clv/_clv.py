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

The time unit, horizon, discount rate, month length and margin are one
:class:`~customer_centric.clv.ClvSettings` record. For the discrete-time
BG/BB model, a month's purchases are those of the transaction
opportunities (periods) that *end* by the end of that month.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import Final, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    PurchaseModel,
    as_horizon,
    check_model,
    read_only,
)
from customer_centric.clv._bg_bb import BgBbFit
from customer_centric.clv._gamma_gamma import GammaGammaFit
from customer_centric.clv._rfm import CompressedRFM, compress
from customer_centric.clv._settings import ClvSettings, check_settings
from customer_centric.exceptions import DataError

__all__ = [
    "CustomerLifetimeValue",
    "customer_lifetime_value",
    "value_of_rows",
]

_PERIOD_SLACK: Final = 1e-9
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
    settings: ClvSettings,
    monetary_value: npt.ArrayLike | None = None,
) -> CustomerLifetimeValue:
    """Discounted value of each customer over the next ``horizon_months``.

    ``sum_{m=1..H} margin * spend * (E[X(m)] - E[X(m-1)]) / (1 + d)^m``,
    the discrete monthly form of Fader, Hardie & Lee (2005, *JMR*) (see the
    module documentation), with ``H``, ``d``, the margin and the length of
    a month in the model's time unit from ``settings``. The conditional
    expectations are computed once per distinct ``(frequency, recency,
    T)`` history and expanded back, so a million customers cost about as
    much as their distinct histories.

    Args:
        model: A fitted purchase model: BG/NBD, Pareto/NBD (any
            :class:`~customer_centric.clv.PurchaseModel`) or BG/BB (then
            ``T`` is the number of periods observed and the settings'
            ``time_unit`` the length of one period).
        frequency: Repeat purchases per customer.
        recency: Time of the last repeat purchase, in the model's unit.
        T: Length of observation, in the model's unit.
        spend: Value of one purchase: a fitted Gamma-Gamma model (then
            ``monetary_value`` is required and each customer's conditional
            expected spend is used), or a number or array of numbers >= 0.
        settings: The model's time unit, the months summed, the discount
            rate and its period, the month length and the margin.
        monetary_value: Average spend per repeat purchase per customer, for
            a Gamma-Gamma ``spend`` (ignored where frequency is 0).

    Returns:
        Value, spend, discounted and undiscounted purchases per customer.

    Raises:
        DataError: Bad histories (the rows are named), negative spend, or
            ``monetary_value`` missing or superfluous.
        ArgumentTypeError: ``settings`` is not a
            :class:`~customer_centric.clv.ClvSettings` or ``model`` not a
            fitted purchase model.

    Examples:
        Fader, Hardie & Lee's (2005) BG/NBD and Gamma-Gamma fits on CDNOW
        (weeks), valued over a year at 10 % a year:

        >>> from customer_centric.clv import (
        ...     BgNbdFit, ClvSettings, GammaGammaFit, customer_lifetime_value)
        >>> bg = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> gg = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
        >>> yearly = ClvSettings(
        ...     time_unit="W", horizon_months=12, discount_rate=0.10,
        ...     discount_rate_period="Y")
        >>> clv = customer_lifetime_value(
        ...     bg, [2, 0], [30.43, 0.0], [38.86, 38.86],
        ...     spend=gg, monetary_value=[22.35, 0.0], settings=yearly)
        >>> clv.expected_spend.round(2)
        array([24.66, 35.22])
        >>> clv.value.round(2)
        array([36.75,  8.48])

    .. versionadded:: 0.1
    """
    settings = check_settings(settings)
    check_model(model, name="model")
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
    rows = compress(x.reshape(-1), t_x.reshape(-1), big_t.reshape(-1))
    return value_of_rows(
        model,
        rows,
        x,
        spend=spend,
        monetary_value=monetary_value,
        settings=settings,
    )


def value_of_rows(
    model: PurchaseModel,
    rows: CompressedRFM,
    frequency: FloatArray,
    /,
    *,
    spend: GammaGammaFit | float | npt.ArrayLike,
    settings: ClvSettings,
    monetary_value: npt.ArrayLike | None = None,
) -> CustomerLifetimeValue:
    """:func:`customer_lifetime_value` of histories already compressed.

    ``rows`` are the customers' distinct histories and ``frequency`` each
    customer's repeat purchases, in the shape of the answer; the model and
    the settings are already checked. Compressing ten million customers
    takes seconds, so a caller that has compressed them passes the rows
    down instead of compressing twice (issue 10).

    Examples:
        >>> from customer_centric.clv import (
        ...     BgNbdFit, ClvSettings, compress)
        >>> from customer_centric.clv._clv import value_of_rows
        >>> bg = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> rows = compress([2, 0, 2], [30.43, 0.0, 30.43], [38.86] * 3)
        >>> clv = value_of_rows(
        ...     bg, rows, rows.frequency[rows.inverse], spend=10.0,
        ...     settings=ClvSettings(time_unit="W", discount_rate=0.10))
        >>> clv.value.round(2)
        array([14.9 ,  2.41, 14.9 ])
    """
    n_months = settings.horizon_months
    margin = settings.margin
    rate = settings.monthly_discount_rate
    units_per_month = settings.time_units_per_month
    shape = frequency.shape
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
    spend_values = _spend_per_purchase(spend, monetary_value, frequency)
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
