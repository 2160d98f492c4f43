"""Deterministic customer value: V = I x N, retention and discounting.

Everything here is exact :class:`~decimal.Decimal` arithmetic on money; no
numpy. The probabilistic customer-base models live in
``customer_centric.clv``.
"""

from __future__ import annotations

from decimal import Decimal, DivisionByZero, Overflow
from typing import Final, final, get_args

import attrs

from customer_centric._assumptions import Assumption
from customer_centric._checks import (
    check_choice,
    check_decimal,
    check_instance,
)
from customer_centric._types import (
    ONE,
    ZERO,
    check_bounded_decimal,
    check_count,
    check_non_negative_money,
    check_rate,
    exact,
)
from customer_centric.exceptions import InvariantError
from customer_centric.value._transactions import TimeUnit

__all__ = [
    "ACQUISITION_COST_MULTIPLE_PRIMARY",
    "ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS",
    "MAX_DISCOUNT_RATE",
    "MAX_HORIZON",
    "MAX_MULTIPLE",
    "MAX_YEARS",
    "CostComparison",
    "LifetimeValue",
    "PeriodValue",
    "RetentionEffect",
    "lifetime_value",
    "retention_effect",
    "retention_vs_acquisition_cost",
    "share_of_market",
    "share_of_wallet",
    "simple_lifetime_value",
]


MAX_HORIZON: Final = 36_525
"""The most periods :func:`lifetime_value` sums: a hundred years of days.

Each period gets its own :class:`PeriodValue`; for a longer view pass
``horizon=None``, whose closed form the finite sums converge to.
"""

MAX_DISCOUNT_RATE: Final = Decimal(1000)
"""The largest per-period discount rate accepted (100 000 % per period).
"""

MAX_YEARS: Final = Decimal(1000)
"""The most years :func:`simple_lifetime_value` multiplies by.
"""

MAX_MULTIPLE: Final = Decimal(1_000_000)
"""The largest acquisition-to-retention cost multiple accepted.
"""

ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS: Final = Assumption(
    name="acquisition_to_retention_cost_multiple",
    value=Decimal(3),
    low=Decimal(3),
    high=Decimal(30),
    unit="multiple",
    source=(
        "CRM lecture notes (source text 004): finding a new customer costs "
        "3 to 30 times keeping an existing one, depending on the industry "
        "and the organisation"
    ),
    note=(
        "The text gives only the range; the default is its conservative low "
        "end. No primary study is cited for it."
    ),
)
"""Acquiring a customer costs 3-30x keeping one (the source texts).

The value is the range's low end (3x), since the text names no single
figure. Pass ``Assumption.override()`` your own multiple.

.. versionadded:: 0.1
"""

ACQUISITION_COST_MULTIPLE_PRIMARY: Final = Assumption(
    name="acquisition_to_retention_cost_multiple",
    value=Decimal(5),
    low=Decimal(2),
    high=Decimal(20),
    unit="multiple",
    source=(
        "TARP studies for the White House Office of Consumer Affairs "
        "(1979, 1986), as summarised by Goodman (1999), 'Basic facts on "
        "customer complaint behavior and the impact of service on the "
        "bottom line', Competitive Advantage 9(1)"
    ),
    note=(
        "About five times on average; the studies report 2 to 20 times "
        "across industries."
    ),
)
"""Acquiring a customer costs about 5x (2-20x) keeping one (TARP).

.. versionadded:: 0.1
"""


@exact
def simple_lifetime_value(
    annual_income: Decimal, /, years: int | Decimal
) -> Decimal:
    """Return a customer's lifetime value as the source texts define it.

    V = I x N, where I is the money the customer spends on the firm's
    products each year and N the number of years they keep buying (source
    text 001, "determining the customer's lifetime value for the firm"). It
    ignores margins, the chance that the customer leaves, and the time
    value of money: see :func:`lifetime_value` for those.

    Args:
        annual_income: I, the customer's yearly spend with the firm.
        years: N, the number of years of purchasing (may be fractional).

    Returns:
        V, in the currency of ``annual_income``.

    Raises:
        InvariantError: ``annual_income`` or ``years`` is negative or not
            finite, ``annual_income`` is above 1E+18 or ``years`` above
            1000.
        ArgumentTypeError: ``annual_income`` or ``years`` is not a
            ``Decimal`` or ``int`` (a ``float``, say).

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import simple_lifetime_value
        >>> simple_lifetime_value(Decimal("1200.00"), 5)
        Decimal('6000.00')
        >>> simple_lifetime_value(Decimal("1200.00"), years=Decimal("2.5"))
        Decimal('3000.000')

    .. versionadded:: 0.1
    """
    income = check_non_negative_money(annual_income, name="annual_income")
    number = check_bounded_decimal(years, name="years", bound=MAX_YEARS)
    if number < ZERO:
        msg = f"years must be >= 0, got {years!r}; pass 0 or more"
        raise InvariantError(msg)
    return income * number


def _check_discount_rate(value: object, /) -> Decimal:
    rate = check_bounded_decimal(
        value, name="discount_rate", bound=MAX_DISCOUNT_RATE
    )
    if rate < ZERO:
        msg = (
            f"discount_rate must be finite and >= 0, got {rate!r}; "
            "write 10 % per period as Decimal('0.1')"
        )
        raise InvariantError(msg)
    return rate


@final
@attrs.frozen(kw_only=True)
class PeriodValue:
    """One period's share of a finite-horizon lifetime value.

    Attributes:
        period: The period number, 1 for the first period after now.
        survival: The probability that the customer is still there,
            retention to the power ``period``.
        discount_factor: 1 / (1 + discount rate) to the power ``period``.
        value: margin x survival x discount factor.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import lifetime_value
        >>> first = lifetime_value(
        ...     Decimal(100), retention=Decimal("0.8"),
        ...     discount_rate=Decimal("0.25"), time_unit="Y", horizon=2,
        ... ).periods[0]
        >>> first.survival, first.discount_factor, first.value
        (Decimal('0.8'), Decimal('0.8'), Decimal('64.00'))

    .. versionadded:: 0.1
    """

    period: int
    survival: Decimal
    discount_factor: Decimal
    value: Decimal


@final
@attrs.frozen(kw_only=True)
class LifetimeValue:
    """A customer's discounted, retention-weighted lifetime value.

    Attributes:
        value: The expected present value of the customer's future margins.
        margin: The margin per period that was assumed.
        retention: The per-period retention rate that was assumed.
        discount_rate: The per-period discount rate that was assumed.
        time_unit: The time unit of ``margin``, ``retention`` and
            ``discount_rate`` (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``).
        horizon: The number of periods summed, or ``None`` for an infinite
            horizon.
        periods: Each period's contribution (empty for an infinite
            horizon).
        expected_periods: The expected number of future periods the
            customer stays within the horizon (undiscounted).

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import lifetime_value
        >>> clv = lifetime_value(
        ...     Decimal(100), retention=Decimal("0.8"),
        ...     discount_rate=Decimal("0.1"), time_unit="Y",
        ... )
        >>> clv.value.quantize(Decimal("0.01")), clv.expected_periods
        (Decimal('266.67'), Decimal('4'))

    .. versionadded:: 0.1
    """

    value: Decimal
    margin: Decimal
    retention: Decimal
    discount_rate: Decimal
    time_unit: TimeUnit
    horizon: int | None
    periods: tuple[PeriodValue, ...]
    expected_periods: Decimal


@exact
def lifetime_value(
    margin: Decimal,
    /,
    *,
    retention: Decimal,
    discount_rate: Decimal,
    time_unit: TimeUnit,
    horizon: int | None = None,
) -> LifetimeValue:
    """Return the expected present value of a customer's future margins.

    The customer brings ``margin`` at the end of each period in which they
    are still a customer; they stay from one period to the next with
    probability ``retention``, and money a period later is worth
    1 / (1 + ``discount_rate``) as much. Over a finite horizon of N periods

        value = sum over t = 1..N of m x r^t / (1 + d)^t

    and over an infinite horizon the sum converges to m x r / (1 + d - r)
    (Gupta & Lehmann 2003, "Customers as assets", Journal of Interactive
    Marketing 17(1); Gupta, Lehmann & Stuart 2004, Journal of Marketing
    Research 41(1)). All three rates must be per ``time_unit``: a yearly
    retention of 0.8 is not a monthly one. Today's margin (t = 0) is not
    included; add it yourself if the customer has not paid yet.

    Args:
        margin: m, the margin (not revenue) per period while retained.
        retention: r, the per-period retention rate, in [0, 1].
        discount_rate: d, the per-period discount rate, >= 0.
        time_unit: The time unit of all three figures.
        horizon: The number of periods to sum; ``None`` for no end.

    Returns:
        The value with its inputs and per-period breakdown.

    Raises:
        InvariantError: A negative margin, a retention outside [0, 1], a
            negative discount rate or horizon, a figure that is NaN,
            infinite or absurdly large (a margin above 1E+18, a discount
            rate above 1000, a horizon above 36 525 periods), an unknown
            ``time_unit``, or an infinite horizon with retention 1 and no
            discounting (the value is unbounded).
        ArgumentTypeError: A figure is not a ``Decimal`` (or ``int``), or
            ``horizon`` is not an ``int`` or ``None``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import lifetime_value
        >>> three = lifetime_value(
        ...     Decimal(100), retention=Decimal("0.8"),
        ...     discount_rate=Decimal("0.25"), time_unit="Y", horizon=3,
        ... )
        >>> three.value
        Decimal('131.174400')
        >>> [p.value for p in three.periods]
        [Decimal('64.00'), Decimal('40.9600'), Decimal('26.214400')]
        >>> lifetime_value(
        ...     Decimal(100), retention=Decimal("0.8"),
        ...     discount_rate=Decimal("0.25"), time_unit="Y",
        ... ).value
        Decimal('177.7777777777777777777777778')

    .. versionadded:: 0.1
    """
    margin = check_non_negative_money(margin, name="margin")
    retention = check_rate(retention, name="retention")
    discount_rate = _check_discount_rate(discount_rate)
    check_choice(time_unit, get_args(TimeUnit), name="time_unit")
    if horizon is None:
        if retention == ONE and discount_rate == ZERO:
            msg = (
                "an infinite horizon with retention 1 and discount_rate 0 "
                "has no finite value; pass a horizon, a retention below 1 "
                "or a positive discount_rate"
            )
            raise InvariantError(msg)
        try:
            # 1 - r first: with r = 1 a tiny d must not vanish in 1 + d.
            value = margin * retention / ((ONE - retention) + discount_rate)
            expected = (
                retention / (ONE - retention)
                if retention < ONE
                else Decimal("Infinity")
            )
        except (Overflow, DivisionByZero):
            msg = (
                f"retention {retention!r} is so close to 1 and discount_rate "
                f"{discount_rate!r} so close to 0 that the infinite-horizon "
                "value cannot be represented; pass a horizon, a lower "
                "retention or a larger discount_rate"
            )
            raise InvariantError(msg) from None
        return LifetimeValue(
            value=value,
            margin=margin,
            retention=retention,
            discount_rate=discount_rate,
            time_unit=time_unit,
            horizon=None,
            periods=(),
            expected_periods=expected,
        )
    check_instance(horizon, int, name="horizon", what="an int or None")
    if not 0 <= horizon <= MAX_HORIZON:
        msg = (
            f"horizon must be from 0 to {MAX_HORIZON} periods, got "
            f"{horizon!r}; pass 0 or more, or None for no end"
        )
        raise InvariantError(msg)
    factor = ONE / (ONE + discount_rate)
    survival = ONE
    discount = ONE
    breakdown: list[PeriodValue] = []
    for t in range(1, horizon + 1):
        survival *= retention
        discount *= factor
        breakdown.append(
            PeriodValue(
                period=t,
                survival=survival,
                discount_factor=discount,
                value=margin * survival * discount,
            )
        )
    return LifetimeValue(
        value=sum((p.value for p in breakdown), ZERO),
        margin=margin,
        retention=retention,
        discount_rate=discount_rate,
        time_unit=time_unit,
        horizon=horizon,
        periods=tuple(breakdown),
        expected_periods=sum((p.survival for p in breakdown), ZERO),
    )


@final
@attrs.frozen(kw_only=True)
class RetentionEffect:
    """How a change in retention changes a customer's lifetime value.

    Attributes:
        before: The lifetime value at the current retention.
        after: The lifetime value at the changed retention.
        change: ``after.value - before.value``.
        relative_change: ``change / before.value`` (0.25 means 25 % more),
            or ``None`` when ``before.value`` is 0.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import retention_effect
        >>> effect = retention_effect(
        ...     Decimal(100), retention=Decimal("0.8"),
        ...     change=Decimal("0.05"), discount_rate=Decimal("0.1"),
        ...     time_unit="Y",
        ... )
        >>> effect.relative_change.quantize(Decimal("0.0001"))
        Decimal('0.2750')

    .. versionadded:: 0.1
    """

    before: LifetimeValue
    after: LifetimeValue
    change: Decimal
    relative_change: Decimal | None


@exact
def retention_effect(
    margin: Decimal,
    /,
    *,
    retention: Decimal,
    change: Decimal,
    discount_rate: Decimal,
    time_unit: TimeUnit,
    horizon: int | None = None,
) -> RetentionEffect:
    """Return the value effect of changing retention by ``change`` points.

    The source texts quote "5 % more retention gives 25 % more profit"
    (source text 004). Reichheld & Sasser (1990, "Zero defections: quality
    comes to services", Harvard Business Review 68(5)) found that cutting
    defections by 5 points raised profits by 25 % to 85 % depending on the
    industry. This function computes the figure for *your* margin,
    retention and discount rate from :func:`lifetime_value` instead of
    quoting either number.

    Args:
        margin: The margin per period while retained.
        retention: The current per-period retention rate.
        change: The change in retention, in rate points: ``Decimal("0.05")``
            for five points more; negative for less. The new retention must
            stay in [0, 1].
        discount_rate: The per-period discount rate.
        time_unit: The time unit of the three rates and the margin.
        horizon: The number of periods; ``None`` for no end.

    Returns:
        The values before and after, and the absolute and relative change.

    Raises:
        InvariantError: As :func:`lifetime_value`, also when
            ``retention + change`` leaves [0, 1].
        ArgumentTypeError: As :func:`lifetime_value`, also when ``change``
            is not a ``Decimal``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import retention_effect
        >>> effect = retention_effect(
        ...     Decimal(100), retention=Decimal("0.90"),
        ...     change=Decimal("0.05"), discount_rate=Decimal("0.10"),
        ...     time_unit="Y",
        ... )
        >>> effect.before.value, effect.after.value
        (Decimal('450'), Decimal('633.3333333333333333333333333'))
        >>> round(100 * effect.relative_change)
        41

    .. versionadded:: 0.1
    """
    retention = check_rate(retention, name="retention")
    change = check_decimal(change, name="change")
    new_retention = retention + change
    if not ZERO <= new_retention <= ONE:
        msg = (
            f"retention {retention!r} changed by {change!r} gives "
            f"{new_retention!r}, outside [0, 1]; pass a change that keeps "
            "retention between 0 and 1"
        )
        raise InvariantError(msg)
    before = lifetime_value(
        margin,
        retention=retention,
        discount_rate=discount_rate,
        time_unit=time_unit,
        horizon=horizon,
    )
    after = lifetime_value(
        margin,
        retention=new_retention,
        discount_rate=discount_rate,
        time_unit=time_unit,
        horizon=horizon,
    )
    difference = after.value - before.value
    relative: Decimal | None = None
    if before.value != ZERO:
        try:
            relative = difference / before.value
        except Overflow:
            msg = (
                f"the value before, {before.value!r}, is so small that the "
                f"relative change ({difference!r} over it) cannot be "
                "represented; use the absolute change, or pass a larger "
                "retention or margin"
            )
            raise InvariantError(msg) from None
    return RetentionEffect(
        before=before,
        after=after,
        change=difference,
        relative_change=relative,
    )


@final
@attrs.frozen(kw_only=True)
class CostComparison:
    """The cost of keeping customers against the cost of replacing them.

    Attributes:
        customers: How many customers are kept or replaced.
        retention_cost: The cost of keeping them all.
        acquisition_cost: The cost of acquiring as many new customers, at
            the assumption's multiple.
        acquisition_cost_low: The same at the low end of the assumption's
            published range (``None`` if it gives no range).
        acquisition_cost_high: The same at the high end of the range.
        saving: ``acquisition_cost - retention_cost``: what keeping them
            saves over replacing them.
        multiple: The assumption used, with its source.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import retention_vs_acquisition_cost
        >>> cmp = retention_vs_acquisition_cost(
        ...     10, retention_cost_per_customer=Decimal(40))
        >>> cmp.saving
        Decimal('1600')

    .. versionadded:: 0.1
    """

    customers: int
    retention_cost: Decimal
    acquisition_cost: Decimal
    acquisition_cost_low: Decimal | None
    acquisition_cost_high: Decimal | None
    saving: Decimal
    multiple: Assumption


@exact
def retention_vs_acquisition_cost(
    customers: int,
    /,
    *,
    retention_cost_per_customer: Decimal,
    multiple: Assumption = ACQUISITION_COST_MULTIPLE_PRIMARY,
) -> CostComparison:
    """Compare keeping ``customers`` with acquiring as many new ones.

    Acquisition costs ``multiple.value`` times retention per customer. Two
    sourced assumptions ship with the library:
    :data:`~customer_centric.value.ACQUISITION_COST_MULTIPLE_PRIMARY` (about
    5x,
    range 2-20x; TARP via Goodman 1999), the default, and
    :data:`~customer_centric.value.ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS`
    (3-30x; source text 004).
    Use ``Assumption.override()`` for your own figure.

    Args:
        customers: The number of customers kept (or lost and replaced).
        retention_cost_per_customer: What keeping one customer costs.
        multiple: Acquisition cost as a multiple of retention cost.

    Returns:
        Both costs, the saving, and the costs at the range's ends.

    Raises:
        InvariantError: A negative count, cost or multiple, or one that is
            NaN, infinite or absurdly large (more than 10**15 customers, a
            cost above 1E+18, a multiple above 1 000 000).
        ArgumentTypeError: ``customers`` is not an ``int``, the cost not a
            ``Decimal`` or ``multiple`` not an
            :class:`~customer_centric.Assumption`.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import (
        ...     ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
        ...     retention_vs_acquisition_cost)
        >>> cmp = retention_vs_acquisition_cost(
        ...     100, retention_cost_per_customer=Decimal(20),
        ...     multiple=ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
        ... )
        >>> cmp.retention_cost, cmp.acquisition_cost
        (Decimal('2000'), Decimal('6000'))
        >>> cmp.acquisition_cost_low, cmp.acquisition_cost_high
        (Decimal('6000'), Decimal('60000'))

    .. versionadded:: 0.1
    """
    count = check_count(customers, name="customers")
    cost = check_non_negative_money(
        retention_cost_per_customer, name="retention_cost_per_customer"
    )
    check_instance(multiple, Assumption, name="multiple")
    for figure in (multiple.value, multiple.low, multiple.high):
        if figure is not None and not (
            figure.is_finite() and ZERO <= figure <= MAX_MULTIPLE
        ):
            msg = (
                f"assumption {multiple.name!r} must be a multiple from 0 to "
                f"{MAX_MULTIPLE}, got {figure!r}; override it with a "
                "figure in that range"
            )
            raise InvariantError(msg)
    retention_cost = count * cost
    acquisition_cost = retention_cost * multiple.value
    return CostComparison(
        customers=count,
        retention_cost=retention_cost,
        acquisition_cost=acquisition_cost,
        acquisition_cost_low=(
            None if multiple.low is None else retention_cost * multiple.low
        ),
        acquisition_cost_high=(
            None if multiple.high is None else retention_cost * multiple.high
        ),
        saving=acquisition_cost - retention_cost,
        multiple=multiple,
    )


def _share(
    part: Decimal, whole: Decimal, *, names: tuple[str, str]
) -> Decimal:
    part_name, whole_name = names
    part = check_non_negative_money(part, name=part_name)
    whole = check_non_negative_money(whole, name=whole_name)
    if whole == ZERO:
        msg = (
            f"{whole_name} is 0, so no share can be computed; pass the "
            "total for a period in which there was spending"
        )
        raise InvariantError(msg)
    if part > whole:
        msg = (
            f"{part_name} {part!r} exceeds {whole_name} {whole!r}; the "
            "whole must include the part"
        )
        raise InvariantError(msg)
    return part / whole


@exact
def share_of_wallet(
    spend_with_firm: Decimal, /, *, category_spend: Decimal
) -> Decimal:
    """Return the firm's share of what its customers spend in the category.

    Share of wallet, which Peppers & Rogers call "share of customer" (The
    One to One Future, 1993), is what customer-centric firms grow: more of
    each customer's needs met. Share of market (:func:`share_of_market`) is
    what product-centric firms grow: more customers (source text 003, on
    Don Peppers' model). Pass one customer's figures, or the sums over a
    group of customers for the group's share.

    Args:
        spend_with_firm: What the customers spent with the firm.
        category_spend: What the same customers spent in the whole
            category, with the firm and its competitors.

    Returns:
        A share in [0, 1].

    Raises:
        InvariantError: Negative, non-finite or absurdly large amounts
            (above 1E+18), a zero ``category_spend``, or a part larger than
            the whole.
        ArgumentTypeError: An amount is not a ``Decimal`` or ``int``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import share_of_wallet
        >>> share_of_wallet(Decimal(300), category_spend=Decimal(1200))
        Decimal('0.25')

    .. versionadded:: 0.1
    """
    return _share(
        spend_with_firm,
        category_spend,
        names=("spend_with_firm", "category_spend"),
    )


@exact
def share_of_market(
    firm_sales: Decimal, /, *, market_sales: Decimal
) -> Decimal:
    """Return the firm's share of all sales in its market.

    The product-centric measure; compare :func:`share_of_wallet`. A firm
    with a small share of market can hold a large share of its own
    customers' wallets, and the reverse.

    Args:
        firm_sales: The firm's sales in the market over a period.
        market_sales: All firms' sales in the market over the same period.

    Returns:
        A share in [0, 1].

    Raises:
        InvariantError: Negative, non-finite or absurdly large amounts
            (above 1E+18), zero market sales, or firm sales above market
            sales.
        ArgumentTypeError: An amount is not a ``Decimal`` or ``int``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.value import share_of_market
        >>> share_of_market(Decimal(5), market_sales=Decimal(100))
        Decimal('0.05')

    .. versionadded:: 0.1
    """
    return _share(
        firm_sales, market_sales, names=("firm_sales", "market_sales")
    )
