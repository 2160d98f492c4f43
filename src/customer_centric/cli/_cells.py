"""Reading one transaction's cells: the rules every reading path shares.

The pure-Python path applies them to every row; the columnar path applies
them to the unique dates, and to the rows its vectorised checks flag, so
that a row is good or bad, and its reason worded, by one definition.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import customer_centric as cc
from customer_centric.cli._relationships import describe_validation_error

if TYPE_CHECKING:
    from customer_centric.cli._sources import Columns, Row


class RowError(ValueError):
    """A cell that cannot be read (internal; reported with its line)."""


def _cell_text(value: object, /, *, what: str) -> str:
    """A cell as stripped text; bytes that were not UTF-8 are an error."""
    text = "" if value is None else str(value).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
        msg = f"the {what} {raw!r} is not UTF-8 text; save the file as UTF-8"
        raise RowError(msg) from None
    return text


def parse_day(value: object, /, *, date_format: str | None) -> date | datetime:
    """A transaction's date from a cell: a date, an ISO text or a format.

    Naive timestamps count on the calendar date written in them; aware ones
    are kept (the RFM summary counts them on their own calendar date).
    """
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value, what="date")
    if not text:
        msg = "the date is empty"
        raise RowError(msg)
    try:
        if date_format is not None:
            parsed = datetime.strptime(text, date_format)  # noqa: DTZ007
        elif len(text) in {8, 10}:
            return date.fromisoformat(text)
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        hint = (
            f"expected the format {date_format!r}"
            if date_format is not None
            else "expected an ISO date such as 2024-01-31 or 20240131; "
            "pass --date-format for another layout"
        )
        msg = f"cannot read the date {text!r}: {hint}"
        raise RowError(msg) from None
    return parsed if parsed.tzinfo is not None else parsed.date()


def parse_customer(value: object, /) -> cc.CustomerId:
    """A customer id from a cell; an empty cell is an error."""
    text = _cell_text(value, what="customer id")
    if not text:
        msg = "the customer id is empty"
        raise RowError(msg)
    return cc.CustomerId(text)


def parse_amount(value: object, /) -> Decimal | None:
    """A transaction's amount from a cell; an empty cell is unknown.

    A number too large for the models' floating point is an error; NaN and
    infinities are left to :class:`~customer_centric.value.Transaction` to
    refuse.
    """
    text = _cell_text(value, what="amount")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        msg = f"cannot read the amount {text!r} as a number"
        raise RowError(msg) from None
    if amount.is_finite() and math.isinf(float(amount)):
        msg = (
            f"the amount {text!r} is too large: the models compute in "
            "floating point, up to about 1.8e308"
        )
        raise RowError(msg)
    return amount


def parse_row(
    row: Row,
    /,
    *,
    customer_column: str,
    date_column: str,
    amount_column: str | None,
    date_format: str | None,
) -> cc.Transaction | str:
    """One row as a Transaction, or why it cannot be one."""
    from pydantic import ValidationError  # noqa: PLC0415 - only when run

    try:
        return cc.Transaction(
            customer_id=parse_customer(row[customer_column]),
            occurred_at=parse_day(row[date_column], date_format=date_format),
            amount=(
                parse_amount(row[amount_column])
                if amount_column is not None
                else None
            ),
        )
    except RowError as exc:
        return str(exc)
    except ValidationError as exc:
        return describe_validation_error(exc)


def judge_row(row: Row | str, columns: Columns, /) -> cc.Transaction | str:
    """A row read as a Transaction, or why it is bad.

    A reader hands over the reason itself (a string) for a row it could not
    split into cells.
    """
    if isinstance(row, str):
        return row
    return parse_row(
        row,
        customer_column=columns.customer,
        date_column=columns.date,
        amount_column=columns.amount,
        date_format=columns.date_format,
    )


def mixed_amounts_problem(others: int, /) -> str:
    """Why a row without an amount is bad when ``others`` rows have one."""
    return (
        f"the amount is empty while {others:,} other rows have one; "
        "give every row an amount, or none of them"
    )
