"""Argument checks shared by every area: one copy, one behaviour.

Rules call these where an argument enters, so a wrong type or value raises
one of our errors whose message names the argument, shows the value and
says what is allowed, instead of a bare ``TypeError`` or ``AttributeError``
from deep inside the rule.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TypeVar

from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)

__all__ = [
    "check_aware",
    "check_choice",
    "check_decimal",
    "check_finite",
    "check_holdout_split",
    "check_instance",
    "check_member",
    "check_non_negative",
    "refuse_bool",
    "to_utc",
]

_T = TypeVar("_T")
_C = TypeVar("_C", bound=str)
_E = TypeVar("_E", bound=enum.StrEnum)


def check_instance(
    value: object, expected: type[_T], /, *, name: str, what: str = ""
) -> _T:
    """Return ``value`` if it is an instance of ``expected``.

    ``bool`` is refused where a number is expected: ``True`` is not a count.

    Raises:
        ArgumentTypeError: ``value`` has another type.

    Examples:
        >>> from customer_centric._checks import check_instance
        >>> check_instance(3, int, name="horizon")
        3
        >>> check_instance(None, int, name="horizon")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ArgumentTypeError: horizon must be an \
int, got None (NoneType); pass an int
    """
    number = expected in {int, float, Decimal}
    if not isinstance(value, expected) or (number and isinstance(value, bool)):
        article = "an" if expected.__name__[0] in "aeiouAEIOU" else "a"
        raise ArgumentTypeError.for_argument(
            name, value, what or f"{article} {expected.__name__}"
        )
    return value


def check_items(
    values: object, expected: type[_T], /, *, name: str
) -> tuple[_T, ...]:
    """Return an iterable's items as a tuple, each checked to be ``expected``.

    A string or a mapping is refused: it is iterable, but never meant as
    a sequence of records.

    Raises:
        ArgumentTypeError: ``values`` is not an iterable, is a string or a
            mapping, or holds an item of another type.

    Examples:
        >>> from customer_centric._checks import check_items
        >>> check_items([1, 2], int, name="counts")
        (1, 2)
        >>> check_items("12", int, name="counts")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ArgumentTypeError: counts must be an \
iterable of int, got '12' (str); pass an iterable of int
    """
    what = f"an iterable of {expected.__name__}"
    if isinstance(values, str | bytes | dict) or not isinstance(
        values, Iterable
    ):
        raise ArgumentTypeError.for_argument(name, values, what)
    items = tuple(values)
    for index, item in enumerate(items):
        check_instance(item, expected, name=f"{name}[{index}]")
    return items


def check_choice(
    value: object, allowed: Collection[_C], /, *, name: str
) -> _C:
    """Return ``value`` if it is one of ``allowed`` (a ``Literal`` option).

    Raises:
        InvariantError: ``value`` is not one of the options.

    Examples:
        >>> from customer_centric._checks import check_choice
        >>> check_choice("raise", ("raise", "collect"), name="on_error")
        'raise'
        >>> check_choice("bogus", ("raise", "collect"), name="on_error")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: on_error must be one of \
'raise', 'collect', got 'bogus'
    """
    for option in allowed:
        if isinstance(value, str) and value == option:
            return option
    shown = ", ".join(repr(option) for option in allowed)
    msg = f"{name} must be one of {shown}, got {value!r}"
    raise InvariantError(msg)


def check_member(value: object, kind: type[_E], /, *, name: str) -> _E:
    """Return ``value`` as a member of the string enum ``kind``.

    The member itself or its string value is accepted.

    Raises:
        InvariantError: ``value`` is neither; the message lists the values.

    Examples:
        >>> from customer_centric.complaints import ComplaintStatus
        >>> from customer_centric._checks import check_member
        >>> check_member("closed", ComplaintStatus, name="new_status")
        <ComplaintStatus.CLOSED: 'closed'>
        >>> check_member("shut", ComplaintStatus, name="new_status")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: new_status must be one \
of 'received', 'acknowledged', 'assessed', 'investigating', \
'awaiting_customer', 'responded', 'closed', 'reopened', 'escalated', got \
'shut'
    """
    return kind(check_choice(value, [m.value for m in kind], name=name))


def check_decimal(value: object, /, *, name: str) -> Decimal:
    """Return ``value`` if it is a finite :class:`~decimal.Decimal`.

    ``int`` is accepted and converted exactly; ``float`` is refused because
    money and the rates that multiply it are exact.

    Raises:
        ArgumentTypeError: ``value`` is not a ``Decimal`` or ``int``.
        InvariantError: ``value`` is NaN or infinite.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric._checks import check_decimal
        >>> check_decimal(Decimal("0.8"), name="retention")
        Decimal('0.8')
        >>> check_decimal(0.8, name="retention")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.ArgumentTypeError: retention must be a \
Decimal, e.g. Decimal('0.8'), got 0.8 (float); pass a Decimal, e.g. \
Decimal('0.8')
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal):
        example = (
            f"Decimal({str(value)!r})"
            if isinstance(value, float)
            else ("Decimal('1.5')")
        )
        raise ArgumentTypeError.for_argument(
            name, value, f"a Decimal, e.g. {example}"
        )
    if not value.is_finite():
        msg = f"{name} must be a finite number, got {value!r}"
        raise InvariantError(msg)
    return value


def check_finite(value: object, /, *, name: str) -> float:
    """Return ``value`` as a finite ``float`` (``int`` and ``float`` accepted).

    Raises:
        ArgumentTypeError: ``value`` is not a real number.
        InvariantError: ``value`` is NaN, infinite or too large for a float.

    Examples:
        >>> from customer_centric._checks import check_finite
        >>> check_finite(2, name="t")
        2.0
        >>> check_finite(float("nan"), name="t")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: t must be a finite \
number, got nan
    """
    number = _real(value, name=name)
    if not math.isfinite(number):
        msg = f"{name} must be a finite number, got {value!r}"
        raise InvariantError(msg)
    return number


def check_non_negative(value: object, /, *, name: str, fix: str) -> float:
    """Return ``value`` as a finite ``float`` >= 0; ``fix`` ends the message.

    Raises:
        ArgumentTypeError: ``value`` is not a real number.
        InvariantError: ``value`` is negative, NaN, infinite or too large
            for a float.

    Examples:
        >>> from customer_centric._checks import check_non_negative
        >>> check_non_negative(-1, name="years", fix="count forward")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: years must be a finite \
number >= 0, got -1; count forward
    """
    number = _real(value, name=name)
    if not (math.isfinite(number) and number >= 0):
        msg = f"{name} must be a finite number >= 0, got {value!r}; {fix}"
        raise InvariantError(msg)
    return number


def _real(value: object, /, *, name: str) -> float:
    """``value`` as a float (infinite if too large), or refuse a non-number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgumentTypeError.for_argument(name, value, "a real number")
    try:
        return float(value)
    except OverflowError:
        return math.inf


def refuse_bool(value: object, /, *, name: str, fix: str) -> object:
    """Return ``value`` unless it is a ``bool``, for a number field's check.

    pydantic reads ``True`` as ``1`` in a number field; a record calls this
    in a ``mode="before"`` validator so a flag passed by mistake is refused.

    Raises:
        InvariantError: ``value`` is ``True`` or ``False``; the message ends
            with ``fix``.

    Examples:
        >>> from customer_centric._checks import refuse_bool
        >>> refuse_bool(7, name="importance", fix="give the rating")
        7
        >>> refuse_bool(True, name="importance", fix="give the rating")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: importance must be a \
number, got True; give the rating
    """
    if isinstance(value, bool):
        msg = f"{name} must be a number, got {value!r}; {fix}"
        raise InvariantError(msg)
    return value


def check_aware(value: object, /, *, name: str) -> datetime:
    """Return ``value`` if it is a timezone-aware :class:`datetime`.

    Raises:
        ArgumentTypeError: ``value`` is not a ``datetime``.
        InvariantError: ``value`` is naive.

    Examples:
        >>> from datetime import datetime
        >>> from customer_centric._checks import check_aware
        >>> check_aware(datetime(2026, 1, 5), name="as_of")
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: as_of must be \
timezone-aware, got datetime.datetime(2026, 1, 5, 0, 0); attach a zone, \
e.g. datetime(2026, 1, 5, tzinfo=UTC)
    """
    if not isinstance(value, datetime):
        kind = (
            "a datetime, not a date"
            if isinstance(value, date)
            else ("a timezone-aware datetime")
        )
        raise ArgumentTypeError.for_argument(name, value, kind)
    if value.tzinfo is None or value.utcoffset() is None:
        msg = (
            f"{name} must be timezone-aware, got {value!r}; attach a zone, "
            "e.g. datetime(2026, 1, 5, tzinfo=UTC)"
        )
        raise InvariantError(msg)
    return value


def check_holdout_split(
    calibration_end: date, observation_end: date, /
) -> None:
    """Refuse a calibration period that does not end before the observation.

    Raises:
        DataError: ``calibration_end`` is on or after ``observation_end``.

    Examples:
        >>> from datetime import date
        >>> from customer_centric._checks import check_holdout_split
        >>> check_holdout_split(date(2024, 1, 14), date(2024, 1, 28))
        >>> check_holdout_split(date(2024, 2, 1), date(2024, 1, 28))
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: calibration_end 2024-02-01 \
must come before observation_end 2024-01-28; swap or correct them
    """
    if calibration_end >= observation_end:
        msg = (
            f"calibration_end {calibration_end.isoformat()} must come before "
            f"observation_end {observation_end.isoformat()}; swap or correct "
            "them"
        )
        raise DataError(msg)


def to_utc(value: object, /, *, name: str) -> datetime:
    """Return ``value`` as the same instant in UTC, checked as aware.

    Comparing aware datetimes that share a ``ZoneInfo`` compares wall
    clocks, which is wrong across a daylight-saving fold; instants in UTC
    compare correctly.

    Raises:
        ArgumentTypeError: ``value`` is not a ``datetime``.
        InvariantError: ``value`` is naive or out of range in UTC.

    Examples:
        >>> from datetime import datetime
        >>> from zoneinfo import ZoneInfo
        >>> from customer_centric._checks import to_utc
        >>> ny = ZoneInfo("America/New_York")
        >>> to_utc(datetime(2026, 11, 1, 1, 10, fold=1, tzinfo=ny),
        ...        name="occurred_at").isoformat()
        '2026-11-01T06:10:00+00:00'
    """
    aware = check_aware(value, name=name)
    try:
        return aware.astimezone(UTC)
    except OverflowError:
        msg = (
            f"{name} is out of range once converted to UTC, got {aware!r}; "
            "pass a date between years 1 and 9999 in UTC"
        )
        raise InvariantError(msg) from None
