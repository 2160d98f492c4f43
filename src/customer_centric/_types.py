"""Identifier and value types shared by every record.

Identifiers are :class:`typing.NewType` over ``str``; money is
:class:`decimal.Decimal`, never ``float``. The annotated aliases validate
their invariant where data enters (pydantic fields) and raise
:class:`~customer_centric.exceptions.InvariantError`, which pydantic reports
inside its ``ValidationError``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final, NewType

from pydantic import AfterValidator

from customer_centric.exceptions import InvariantError

__all__ = [
    "ComplaintId",
    "CustomerId",
    "EventId",
    "Money",
    "Rate",
    "check_non_negative_money",
    "check_rate",
]

CustomerId = NewType("CustomerId", str)
"""A customer's stable identifier, as the host application spells it."""

EventId = NewType("EventId", str)
"""An event's identifier, for idempotency and audit trails."""

ComplaintId = NewType("ComplaintId", str)
"""A complaint's identifier (ISO 10002 "unique identification code")."""

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)


def check_non_negative_money(
    value: Decimal, /, *, name: str = "amount"
) -> Decimal:
    """Return ``value`` if it is a finite, non-negative amount of money.

    Args:
        value: The amount to check.
        name: What the amount is, for the error message.

    Raises:
        InvariantError: The amount is negative, NaN or infinite.

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
    if not value.is_finite() or value < _ZERO:
        msg = (
            f"{name} must be a finite, non-negative amount of money, got "
            f"{value!r}; pass a value >= 0"
        )
        raise InvariantError(msg)
    return value


def check_rate(value: Decimal, /, *, name: str = "rate") -> Decimal:
    """Return ``value`` if it is a rate or probability in [0, 1].

    Args:
        value: The rate to check.
        name: What the rate is, for the error message.

    Raises:
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
    if not value.is_finite() or not _ZERO <= value <= _ONE:
        hint = (
            f"write {value} % as Decimal({str(value / 100)!r})"
            if value.is_finite() and _ONE < value <= 100  # noqa: PLR2004
            else "pass a value between 0 and 1"
        )
        msg = f"{name} must be a rate in [0, 1], got {value!r}; {hint}"
        raise InvariantError(msg)
    return value


Money = Annotated[Decimal, AfterValidator(check_non_negative_money)]
"""A non-negative :class:`~decimal.Decimal` amount (pydantic field type)."""

Rate = Annotated[Decimal, AfterValidator(check_rate)]
"""A :class:`~decimal.Decimal` rate or probability in [0, 1] (field type)."""
