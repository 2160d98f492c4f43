"""Identifier and value types shared by every record.

Identifiers are :class:`typing.NewType` over ``str``; money is
:class:`decimal.Decimal`, never ``float``. The annotated aliases validate
their invariant where data enters (pydantic fields) and raise
:class:`~customer_centric.exceptions.InvariantError`, which pydantic reports
inside its ``ValidationError``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from typing import Annotated, Final, NewType, ParamSpec, TypeVar

from pydantic import AfterValidator

from customer_centric._checks import check_decimal, check_instance
from customer_centric.exceptions import InvariantError

__all__ = [
    "DECIMAL_CONTEXT",
    "MAX_COUNT",
    "MAX_MONEY",
    "ONE",
    "ZERO",
    "ComplaintId",
    "CustomerId",
    "EventId",
    "Money",
    "Rate",
    "check_bounded_decimal",
    "check_count",
    "check_non_negative_money",
    "check_rate",
    "exact",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

CustomerId = NewType("CustomerId", str)
"""A customer's stable identifier, as the host application spells it."""

EventId = NewType("EventId", str)
"""An event's identifier, for idempotency and audit trails."""

ComplaintId = NewType("ComplaintId", str)
"""A complaint's identifier (ISO 10002 "unique identification code")."""

ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)

DECIMAL_CONTEXT: Final = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999_999,
    Emax=999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
"""The decimal context every money rule computes in.

Python's default context (28 significant digits, half-even rounding,
trapping invalid operations, division by zero and overflow), fixed here so
that an answer never depends on the context the caller has set.
"""

MAX_MONEY: Final = Decimal("1E+18")
"""The largest amount of money (or money-like figure) the rules accept.

A quintillion: more than a national market in a currency with small units,
and small enough that amounts with cents keep ten spare digits within
:data:`DECIMAL_CONTEXT`'s 28.
"""


MAX_COUNT: Final = 10**15
"""The largest count of customers, complaints or purchases accepted."""


def exact(rule: Callable[_P, _R], /) -> Callable[_P, _R]:
    """Run ``rule`` in :data:`DECIMAL_CONTEXT`, whatever the caller's is.

    Examples:
        >>> from decimal import Decimal, localcontext
        >>> from customer_centric._types import exact
        >>> @exact
        ... def third(x: Decimal) -> Decimal:
        ...     return x / 3
        >>> with localcontext(prec=3):
        ...     third(Decimal(1))
        Decimal('0.3333333333333333333333333333')
    """

    @functools.wraps(rule)
    def in_context(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(DECIMAL_CONTEXT):
            return rule(*args, **kwargs)

    return in_context


def check_bounded_decimal(
    value: object, /, *, name: str, bound: Decimal = MAX_MONEY
) -> Decimal:
    """Return ``value`` as a finite ``Decimal`` of size at most ``bound``.

    ``int`` is accepted and converted exactly; ``float`` is refused.

    Raises:
        ArgumentTypeError: ``value`` is not a ``Decimal`` or ``int``.
        InvariantError: ``value`` is NaN, infinite or larger than ``bound``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric._types import check_bounded_decimal
        >>> check_bounded_decimal(7, name="value")
        Decimal('7')
        >>> check_bounded_decimal(Decimal("1e999999"), name="value")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: value must be at most \
1E+18 in size, got Decimal('1E+999999'); pass a smaller figure
    """
    number = check_decimal(value, name=name)
    if number.copy_abs() > bound:
        msg = (
            f"{name} must be at most {bound} in size, got {number!r}; "
            "pass a smaller figure"
        )
        raise InvariantError(msg)
    return number


def check_count(value: object, /, *, name: str) -> int:
    """Return ``value`` if it is a whole count in [0, :data:`MAX_COUNT`].

    Raises:
        ArgumentTypeError: ``value`` is not an ``int`` (``bool`` included).
        InvariantError: ``value`` is negative or above :data:`MAX_COUNT`.

    Examples:
        >>> from customer_centric._types import check_count
        >>> check_count(12, name="customers")
        12
        >>> check_count(-1, name="customers")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: customers must be a \
count from 0 to 1000000000000000, got -1; pass a whole number in that \
range
    """
    count = check_instance(value, int, name=name, what="a whole number")
    if not 0 <= count <= MAX_COUNT:
        msg = (
            f"{name} must be a count from 0 to {MAX_COUNT}, got {count!r}; "
            "pass a whole number in that range"
        )
        raise InvariantError(msg)
    return count


def check_non_negative_money(
    value: object, /, *, name: str = "amount"
) -> Decimal:
    """Return ``value`` if it is a finite, non-negative amount of money.

    The amount must be a :class:`~decimal.Decimal` (or an ``int``, converted
    exactly) of at most :data:`MAX_MONEY`.

    Args:
        value: The amount to check.
        name: What the amount is, for the error message.

    Raises:
        ArgumentTypeError: The amount is not a ``Decimal`` or ``int`` (a
            ``float``, a string, ``None``).
        InvariantError: The amount is negative, NaN, infinite or above
            :data:`MAX_MONEY`.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric._types import check_non_negative_money
        >>> check_non_negative_money(Decimal("12.50"))
        Decimal('12.50')
        >>> check_non_negative_money(Decimal("-1"), name="annual_income")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: annual_income must be a \
finite, non-negative amount of money, got Decimal('-1'); pass a value >= 0
    """
    amount = check_decimal(value, name=name)
    if not ZERO <= amount <= MAX_MONEY:
        hint = "a value >= 0" if amount < ZERO else f"at most {MAX_MONEY}"
        msg = (
            f"{name} must be a finite, non-negative amount of money, got "
            f"{amount!r}; pass {hint}"
        )
        raise InvariantError(msg)
    return amount


def check_rate(value: object, /, *, name: str = "rate") -> Decimal:
    """Return ``value`` if it is a rate or probability in [0, 1].

    Args:
        value: The rate to check.
        name: What the rate is, for the error message.

    Raises:
        ArgumentTypeError: The rate is not a ``Decimal`` or ``int``.
        InvariantError: The rate is outside [0, 1], NaN or infinite.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric._types import check_rate
        >>> check_rate(Decimal("0.8"), name="retention")
        Decimal('0.8')
        >>> check_rate(Decimal("80"), name="retention")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: retention must be a \
rate in [0, 1], got Decimal('80'); write 80 % as Decimal('0.8')
    """
    rate = check_decimal(value, name=name)
    if not ZERO <= rate <= ONE:
        with localcontext(DECIMAL_CONTEXT):
            hint = (
                f"write {rate} % as Decimal({str(rate / 100)!r})"
                if ONE < rate <= 100  # noqa: PLR2004
                else "pass a value between 0 and 1"
            )
        msg = f"{name} must be a rate in [0, 1], got {rate!r}; {hint}"
        raise InvariantError(msg)
    return rate


Money = Annotated[Decimal, AfterValidator(check_non_negative_money)]
"""A non-negative :class:`~decimal.Decimal` amount (pydantic field type)."""

Rate = Annotated[Decimal, AfterValidator(check_rate)]
"""A :class:`~decimal.Decimal` rate or probability in [0, 1] (field type)."""
