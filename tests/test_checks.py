"""The shared argument checks: one behaviour for every area."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from customer_centric._checks import (
    check_aware,
    check_choice,
    check_decimal,
    check_finite,
    check_holdout_split,
    check_instance,
    refuse_bool,
    to_utc,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, int), (None, int), ("3", int), (1.5, Decimal), (3, str)],
    ids=["bool-is-not-a-count", "none", "text", "float-money", "int-as-text"],
)
def test_check_instance_refuses_other_types(
    value: object, expected: type
) -> None:
    """A value of another type (bool for a number included) is refused."""
    with pytest.raises(ArgumentTypeError, match="horizon must be") as info:
        check_instance(value, expected, name="horizon")
    assert info.value.name == "horizon"
    assert info.value.value is value


def test_check_instance_uses_the_given_description() -> None:
    """The caller's description of what is accepted appears in the message."""
    with pytest.raises(ArgumentTypeError, match="must be a policy record"):
        check_instance(None, dict, name="policy", what="a policy record")


def test_check_choice_accepts_only_listed_strings() -> None:
    """A Literal option accepts its strings and nothing that merely equals."""
    assert check_choice("collect", ("raise", "collect"), name="x") == "collect"
    with pytest.raises(InvariantError, match=r"one of 'a', 'b', got 1"):
        check_choice(1, ("a", "b"), name="x")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (0.1, ArgumentTypeError),
        ("0.1", ArgumentTypeError),
        (None, ArgumentTypeError),
        (True, ArgumentTypeError),
        (Decimal("NaN"), InvariantError),
        (Decimal("-Infinity"), InvariantError),
    ],
    ids=["float", "str", "none", "bool", "nan", "minus-infinity"],
)
def test_check_decimal_refuses(value: object, error: type[Exception]) -> None:
    """Only finite Decimals (and ints, exactly) are accepted."""
    with pytest.raises(error, match="margin must be a"):
        check_decimal(value, name="margin")


def test_check_decimal_converts_int_exactly() -> None:
    """An int becomes the equal Decimal, however large."""
    assert check_decimal(10**30, name="m") == Decimal(10**30)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (math.nan, InvariantError),
        (math.inf, InvariantError),
        (10**400, InvariantError),
        (True, ArgumentTypeError),
        (Decimal(1), ArgumentTypeError),
    ],
    ids=["nan", "inf", "int-too-large-for-float", "bool", "decimal"],
)
def test_check_finite_refuses(value: object, error: type[Exception]) -> None:
    """Non-finite, too large or non-real values are refused."""
    with pytest.raises(error, match=r"^t must be"):
        check_finite(value, name="t")


def test_check_aware_refuses_dates_and_naive_datetimes() -> None:
    """A date is the wrong type; a naive datetime the wrong value."""
    with pytest.raises(ArgumentTypeError, match="not a date"):
        check_aware(date(2026, 1, 5), name="as_of")
    with pytest.raises(ArgumentTypeError, match="timezone-aware datetime"):
        check_aware("2026-01-05", name="as_of")
    with pytest.raises(InvariantError, match="timezone-aware"):
        check_aware(datetime(2026, 1, 5), name="as_of")  # noqa: DTZ001


def test_to_utc_keeps_the_instant() -> None:
    """The same instant, expressed in UTC."""
    tehran = timezone(timedelta(hours=3, minutes=30))
    local = datetime(2026, 1, 5, 12, 0, tzinfo=tehran)
    assert to_utc(local, name="t") == local
    assert to_utc(local, name="t").tzinfo is UTC


def test_to_utc_refuses_instants_outside_the_calendar() -> None:
    """Year 1 east of Greenwich has no UTC representation: a clear error."""
    early = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))
    with pytest.raises(InvariantError, match="out of range"):
        to_utc(early, name="occurred_at")


@pytest.mark.parametrize("value", [0, 7.5, None, "7"], ids=str)
def test_refuse_bool_passes_anything_but_a_bool(value: object) -> None:
    """Numbers, None and text go on to the field's own parsing untouched."""
    assert refuse_bool(value, name="importance", fix="give it") is value


@pytest.mark.parametrize("value", [True, False], ids=str)
def test_refuse_bool_names_the_field_the_value_and_the_fix(
    value: bool,
) -> None:
    """A bool is refused with the field, the value and how to fix it."""
    with pytest.raises(
        InvariantError,
        match=rf"^rate must be a number, got {value!r}; pass 0 to 1$",
    ):
        refuse_bool(value, name="rate", fix="pass 0 to 1")


@pytest.mark.parametrize(
    ("calibration_end", "observation_end"),
    [
        (date(2024, 1, 28), date(2024, 1, 28)),
        (date(2024, 2, 1), date(2024, 1, 28)),
    ],
    ids=["same-day", "after"],
)
def test_check_holdout_split_refuses_a_calibration_end_not_before(
    calibration_end: date, observation_end: date
) -> None:
    """calibration_end on or after observation_end is a DataError."""
    with pytest.raises(DataError, match="must come before observation_end"):
        check_holdout_split(calibration_end, observation_end)


def test_check_holdout_split_accepts_an_earlier_calibration_end() -> None:
    """A calibration period that ends first passes."""
    check_holdout_split(date(2024, 1, 27), date(2024, 1, 28))
