"""The shared value checks: money, rates, counts and the decimal context."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from customer_centric import Money, Rate
from customer_centric._types import (
    MAX_COUNT,
    MAX_MONEY,
    check_bounded_decimal,
    check_count,
    check_non_negative_money,
    check_rate,
)
from customer_centric.exceptions import ArgumentTypeError, InvariantError

BAD = [
    (1.5, ArgumentTypeError),
    ("12.50", ArgumentTypeError),
    (None, ArgumentTypeError),
    (True, ArgumentTypeError),
    (float("inf"), ArgumentTypeError),
    (Decimal("NaN"), InvariantError),
    (Decimal("Infinity"), InvariantError),
    (Decimal("1e999999"), InvariantError),
    (10**400, InvariantError),
]
BAD_IDS = [
    "float",
    "text",
    "none",
    "bool",
    "float-inf",
    "nan",
    "infinity",
    "huge",
    "huge-int",
]


@pytest.mark.parametrize(("value", "error"), BAD, ids=BAD_IDS)
def test_money_check_refuses_what_is_not_money(
    value: object, error: type[Exception]
):
    """Non-Decimals, non-finite and absurd amounts raise our error by name."""
    with pytest.raises(error, match="annual_income"):
        check_non_negative_money(value, name="annual_income")


@pytest.mark.parametrize(("value", "error"), BAD, ids=BAD_IDS)
def test_rate_check_refuses_what_is_not_a_rate(
    value: object, error: type[Exception]
):
    """Non-Decimals and non-finite or huge rates raise our error by name."""
    with pytest.raises(error, match="retention"):
        check_rate(value, name="retention")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12.50"), Decimal("12.50")),
        (12, Decimal(12)),
        (MAX_MONEY, MAX_MONEY),
        (Decimal(0), Decimal(0)),
    ],
    ids=["decimal", "int", "maximum", "zero"],
)
def test_money_check_returns_the_amount_as_decimal(
    value: object, expected: Decimal
):
    """Valid amounts come back as Decimals, ints converted exactly."""
    assert check_non_negative_money(value) == expected


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (Decimal(-1), "pass a value >= 0"),
        (MAX_MONEY + 1, "pass at most 1E+18"),
    ],
    ids=["negative", "above-maximum"],
)
def test_money_check_says_how_to_fix(value: Decimal, hint: str):
    """The message says which bound was crossed."""
    with pytest.raises(InvariantError, match=hint.replace("+", r"\+")):
        check_non_negative_money(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-1, InvariantError),
        (MAX_COUNT + 1, InvariantError),
        (10**400, InvariantError),
        (1.0, ArgumentTypeError),
        (Decimal(1), ArgumentTypeError),
        (True, ArgumentTypeError),
        (None, ArgumentTypeError),
    ],
    ids=[
        "negative",
        "above-maximum",
        "huge",
        "float",
        "decimal",
        "bool",
        "none",
    ],
)
def test_count_check(value: object, error: type[Exception]):
    """Counts are ints from 0 to MAX_COUNT."""
    with pytest.raises(error, match="customers"):
        check_count(value, name="customers")
    assert check_count(MAX_COUNT, name="customers") == MAX_COUNT


def test_bounded_decimal_has_a_custom_bound():
    """A smaller bound refuses figures above it, either sign."""
    assert check_bounded_decimal(-10, name="x", bound=Decimal(10)) == -10
    with pytest.raises(InvariantError, match="at most 10 in size"):
        check_bounded_decimal(Decimal(-11), name="x", bound=Decimal(10))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        (Money, Decimal("1e999999")),
        (Money, "NaN"),
        (Money, "abc"),
        (Money, None),
        (Rate, Decimal("1e999999")),
        (Rate, "Infinity"),
        (Rate, None),
    ],
    ids=[
        "money-huge",
        "money-nan",
        "money-text",
        "money-none",
        "rate-huge",
        "rate-inf",
        "rate-none",
    ],
)
def test_record_fields_raise_validation_errors(field: object, value: object):
    """In records, bad money and rates are pydantic ValidationErrors."""
    with pytest.raises(ValidationError):
        TypeAdapter(field).validate_python(value)
