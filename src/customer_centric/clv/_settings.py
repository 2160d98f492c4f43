"""The settings of a lifetime value: time unit, horizon, discounting, margin.

:func:`~customer_centric.clv.customer_lifetime_value` and
:func:`~customer_centric.clv.score_customers` read them from one frozen
:class:`ClvSettings` record, so a valuation is stated once, stored with
its results and exchanged as JSON.

Time is explicit: the purchase model's time unit (a
:data:`~customer_centric.value.TimeUnit`, ``"W"`` for CDNOW, or a
:class:`~datetime.timedelta`) and the length of a month in days are
settings, so a month is exactly ``days_per_month / days_per_unit`` model
time units (1, 1/3 and 1/12 of a unit for ``"M"``, ``"Q"`` and ``"Y"``).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Final, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from customer_centric._arrays import MAX_VALUE, real_number
from customer_centric._checks import check_instance
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.value._transactions import (
    DAYS_PER_UNIT,
    TimeUnit,
    days_per_unit,
)

__all__ = ["ClvSettings", "check_settings", "monthly_discount_rate"]

_MONTHS_PER_UNIT: Final[dict[str, int]] = {"M": 1, "Q": 3, "Y": 12}
"""Calendar units counted in months, whatever ``days_per_month`` is."""
MAX_MONTHS: Final = 1000 * 12
"""Longest horizon summed month by month (a thousand years)."""
_MAX_RATE: Final = 1e6
"""Largest discount rate per period accepted (beyond, every future month is
worth nothing and the powers overflow)."""
_SHORTEST_MONTH: Final = 28.0
_LONGEST_MONTH: Final = 31.0


def months_per_unit(
    time_unit: TimeUnit | timedelta, days_per_month: float
) -> float:
    """The length of ``time_unit`` in months of ``days_per_month`` days."""
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
            f"{days_per_month!r}; e.g. 30.4375, the mean Julian month"
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
    months = months_per_unit(per, _check_days_per_month(days_per_month))
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


class ClvSettings(BaseModel):
    """How a lifetime value is computed: time unit, horizon, rate, margin.

    A frozen record: store it with the results it produced and reload it
    with ``model_validate_json()``. Inputs are taken as given (strict
    validation): no strings for numbers, no ``bool`` for a count, no
    number of seconds for a ``timedelta``; numpy numbers count as numbers.

    Attributes:
        time_unit: The purchase model's time unit, a
            :data:`~customer_centric.value.TimeUnit` (``"D"``, ``"W"``;
            ``"M"``, ``"Q"``, ``"Y"`` are 1, 3 and 12 months) or a
            positive :class:`~datetime.timedelta`; ``"W"`` for the CDNOW
            fits. For BG/BB, the length of one transaction opportunity.
            No default: it is a fact about the fitted model.
        discount_rate: The discount rate (finite, >= 0, at most 1e6),
            quoted per ``discount_rate_period``. No default: it is the
            firm's cost of capital.
        discount_rate_period: The period the rate is quoted for; converted
            to a monthly rate by :func:`monthly_discount_rate`. The default
            is a year, the period rates are conventionally quoted for.
        horizon_months: Months of value summed, a whole number from 1 to
            12,000 (a thousand years). The default is a year, the horizon
            of ``lifetimes``' ``customer_lifetime_value`` (``time=12``
            months).
        days_per_month: Length of a month in days, 28 to 31. The default
            is ``DAYS_PER_UNIT["M"]``, 365.25 / 12 = 30.4375 days, the
            month of :data:`~customer_centric.value.DAYS_PER_UNIT`;
            ``lifetimes`` uses 30.
        margin: Share of spend that counts as value (finite, >= 0). The
            default 1 values revenue; pass the gross margin to value
            profit.

    Raises:
        pydantic.ValidationError: A setting is of the wrong type or out of
            range; the message says which and what is allowed.

    Examples:
        >>> from customer_centric.clv import ClvSettings
        >>> settings = ClvSettings(time_unit="W", discount_rate=0.10)
        >>> settings.horizon_months, settings.discount_rate_period
        (12, 'Y')
        >>> round(settings.monthly_discount_rate, 6)
        0.007974
        >>> round(settings.time_units_per_month, 4)
        4.3482
        >>> ClvSettings.model_validate_json(settings.model_dump_json()) == (
        ...     settings)
        True
        >>> settings.with_changes(horizon_months=24).horizon_months
        24
        >>> ClvSettings(time_unit="W", discount_rate=0.1, horizon_months=0)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error \
for ClvSettings
        horizon_months
          Value error, horizon_months must be a whole number of months \
from 1 to 12000, got 0 ...

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    time_unit: TimeUnit | timedelta
    discount_rate: float
    discount_rate_period: TimeUnit | timedelta = "Y"
    horizon_months: int = 12
    days_per_month: float = DAYS_PER_UNIT["M"]
    margin: float = 1.0

    @field_validator(
        "discount_rate",
        "horizon_months",
        "days_per_month",
        "margin",
        mode="before",
    )
    @classmethod
    def _numpy_scalar(cls, value: object) -> object:
        # numpy's numbers are numbers (np.int64(12) is a whole number of
        # months), but strict validation knows only Python's.
        if isinstance(value, np.integer | np.floating):
            return value.item()
        return value

    @field_validator("horizon_months")
    @classmethod
    def _check_horizon(cls, value: int) -> int:
        if not (1 <= value <= MAX_MONTHS):
            msg = (
                "horizon_months must be a whole number of months from 1 to "
                f"{MAX_MONTHS}, got {value!r}"
            )
            raise InvariantError(msg)
        return value

    @field_validator("margin")
    @classmethod
    def _check_margin(cls, value: float) -> float:
        if not (0 <= value <= MAX_VALUE):
            msg = (
                f"margin must be a finite number >= 0 (at most "
                f"{MAX_VALUE:g}), got {value!r}; e.g. 0.3 for a 30 % gross "
                "margin, or 1 to value revenue"
            )
            raise InvariantError(msg)
        return value

    @model_validator(mode="after")
    def _check_time(self) -> Self:
        # One definition of each rule: the conversions check their inputs.
        monthly_discount_rate(
            self.discount_rate,
            per=self.discount_rate_period,
            days_per_month=self.days_per_month,
        )
        months_per_unit(self.time_unit, self.days_per_month)
        return self

    @property
    def monthly_discount_rate(self) -> float:
        """The discount rate per month (:func:`monthly_discount_rate`)."""
        return monthly_discount_rate(
            self.discount_rate,
            per=self.discount_rate_period,
            days_per_month=self.days_per_month,
        )

    @property
    def time_units_per_month(self) -> float:
        """The length of a month in the model's time unit."""
        return 1 / months_per_unit(self.time_unit, self.days_per_month)

    def with_changes(self, **changes: object) -> Self:
        """A copy with some settings changed, validated again.

        Raises:
            pydantic.ValidationError: The result would be invalid.

        Examples:
            >>> from customer_centric.clv import ClvSettings
            >>> yearly = ClvSettings(time_unit="W", discount_rate=0.1)
            >>> yearly.with_changes(margin=0.3).margin
            0.3
        """
        data: dict[str, object] = {
            name: getattr(self, name) for name in type(self).model_fields
        }
        data.update(changes)
        return type(self).model_validate(data)


def check_settings(settings: object, /) -> ClvSettings:
    """Return ``settings`` if it is a :class:`ClvSettings`, else raise.

    Raises:
        ArgumentTypeError: ``settings`` has another type.

    Examples:
        >>> from customer_centric.clv._settings import check_settings
        >>> check_settings({"time_unit": "W"})
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ArgumentTypeError: settings must be a \
ClvSettings, e.g. ClvSettings(time_unit='W', discount_rate=0.1), got \
{'time_unit': 'W'} (dict); pass a ClvSettings, e.g. \
ClvSettings(time_unit='W', discount_rate=0.1)
    """
    return check_instance(
        settings,
        ClvSettings,
        name="settings",
        what="a ClvSettings, e.g. ClvSettings(time_unit='W', "
        "discount_rate=0.1)",
    )
