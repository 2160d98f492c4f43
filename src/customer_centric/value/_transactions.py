"""Transactions and their recency-frequency-monetary (RFM) summary.

Pure Python: the summary the customer-base models in
``customer_centric.clv`` are fitted on, computed from an iterable of
:class:`Transaction` records. :mod:`customer_centric.frames` computes the
same summary from a dataframe (pandas, polars, pyarrow, DuckDB, Spark).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal, TypeAlias, cast, final, get_args

import attrs
from pydantic import BaseModel, ConfigDict, field_validator

from customer_centric._checks import (
    check_choice,
    check_holdout_split,
    check_instance,
)
from customer_centric._types import (
    MAX_COUNT,
    ZERO,
    CustomerId,
    check_non_negative_money,
    exact,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)

__all__ = [
    "DAYS_PER_UNIT",
    "CalibrationHoldout",
    "OnLate",
    "RFMSummary",
    "TimeUnit",
    "Transaction",
    "days_per_unit",
    "rfm_calibration_holdout",
    "rfm_summary",
    "validate_rfm_summary",
]

TimeUnit: TypeAlias = Literal["D", "W", "M", "Q", "Y"]
"""A time unit: day, week (7 days), month, quarter or year.

Months, quarters and years have their mean Julian length (see
:data:`~customer_centric.value.DAYS_PER_UNIT`); pass a
:class:`~datetime.timedelta` where a function accepts one for another
length, e.g. ``timedelta(days=30)``.
"""

OnLate: TypeAlias = Literal["raise", "drop"]
"""What to do with transactions after the observation end."""

DAYS_PER_UNIT: Final[dict[TimeUnit, float]] = {
    "D": 1.0,
    "W": 7.0,
    "M": 365.25 / 12,
    "Q": 365.25 / 4,
    "Y": 365.25,
}
"""Days in each :data:`~customer_centric.value.TimeUnit` (a month is 30.4375).

.. versionadded:: 0.1
"""

_MAX_SHOWN: Final = 5


def days_per_unit(time_unit: TimeUnit | timedelta, /) -> float:
    """Return the length of ``time_unit`` in days.

    Args:
        time_unit: A :data:`~customer_centric.value.TimeUnit` or a positive
            :class:`~datetime.timedelta`.

    Raises:
        InvariantError: An unknown unit or a non-positive timedelta.
        ArgumentTypeError: Neither a unit nor a timedelta.

    Examples:
        >>> from datetime import timedelta
        >>> from customer_centric.value import days_per_unit
        >>> days_per_unit("W"), days_per_unit("M")
        (7.0, 30.4375)
        >>> days_per_unit(timedelta(days=30))
        30.0

    .. versionadded:: 0.1
    """
    if isinstance(time_unit, timedelta):
        days = time_unit / timedelta(days=1)
        if days <= 0:
            msg = (
                f"time_unit must be a positive duration, got {time_unit!r}; "
                "pass e.g. timedelta(days=30)"
            )
            raise InvariantError(msg)
        return days
    if not isinstance(time_unit, str):
        raise ArgumentTypeError.for_argument(
            "time_unit", time_unit, "a TimeUnit such as 'D' or a timedelta"
        )
    if time_unit not in DAYS_PER_UNIT:
        msg = (
            f"unknown time_unit {time_unit!r}; use one of "
            f"{sorted(DAYS_PER_UNIT)!r} or a datetime.timedelta"
        )
        raise InvariantError(msg)
    return DAYS_PER_UNIT[time_unit]


def _parse_when(value: object) -> object:
    """Read ISO strings (JSON) as a date or a datetime; refuse naive ones."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (
                date.fromisoformat(text)
                if len(text) == len("YYYY-MM-DD")
                else datetime.fromisoformat(text)
            )
        except ValueError:
            msg = (
                f"occurred_at must be an ISO date or datetime, got {text!r}; "
                "write e.g. '2024-01-31' or '2024-01-31T09:30:00+00:00'"
            )
            raise InvariantError(msg) from None
    if isinstance(value, datetime) and value.tzinfo is None:
        msg = (
            f"occurred_at must be timezone-aware or a plain date, got the "
            f"naive datetime {value!r}; attach a timezone, e.g. "
            "value.replace(tzinfo=datetime.UTC), or pass value.date()"
        )
        raise InvariantError(msg)
    return value


class Transaction(BaseModel):
    """One purchase by one customer.

    Fields are plain types with validators (not annotated aliases) so that
    the generated signature stays readable.

    Attributes:
        customer_id (str): Who bought.
        occurred_at (datetime.datetime | datetime.date): When, as a
            timezone-aware datetime or a date. For the RFM summary a datetime
            counts on its own calendar date (in its own UTC offset); convert
            to one timezone first for another rule.
        amount (decimal.Decimal | None): What the customer paid
            (non-negative, like ``Money``), if known.
        quantity (int | None): How many items (>= 0), if known.

    Examples:
        >>> from datetime import date
        >>> from decimal import Decimal
        >>> from customer_centric import Transaction
        >>> t = Transaction(customer_id="C-1", occurred_at=date(1997, 1, 1),
        ...                 amount=Decimal("29.33"), quantity=2)
        >>> Transaction.model_validate_json(t.model_dump_json()) == t
        True
        >>> Transaction(customer_id="C-1", occurred_at=date(1997, 1, 1),
        ...             amount=Decimal("-1"))
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error \
for Transaction
        ...

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    customer_id: CustomerId
    occurred_at: datetime | date
    amount: Decimal | None = None
    quantity: int | None = None

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _read_when(cls, value: object) -> object:
        return _parse_when(value)

    @field_validator("amount")
    @classmethod
    def _non_negative_amount(cls, value: Decimal | None) -> Decimal | None:
        if value is not None:
            check_non_negative_money(value, name="amount")
        return value

    @field_validator("quantity")
    @classmethod
    def _non_negative_quantity(cls, value: int | None) -> int | None:
        if value is not None and not 0 <= value <= MAX_COUNT:
            msg = (
                f"quantity must be from 0 to {MAX_COUNT}, got {value!r}; "
                "pass a count"
            )
            raise InvariantError(msg)
        return value

    @property
    def day(self) -> date:
        """The calendar date the transaction counts on."""
        value = self.occurred_at
        return value.date() if isinstance(value, datetime) else value


@final
@attrs.frozen(kw_only=True)
class RFMSummary:
    """Recency, frequency and monetary value per customer (columnar).

    The columns are aligned tuples, one entry per customer, sorted by
    customer id. They follow the conventions of the customer-base models
    (Fader, Hardie & Lee 2005) and of lifetimes'
    ``summary_data_from_transaction_data``:

    - purchases are counted once per distinct calendar day (several
      transactions on one day are one purchase, their amounts summed);
    - ``frequency`` is the number of *repeat* purchase days (the first day
      is not counted, unless ``first_purchase_counts``);
    - ``recency`` is the time from the first to the last purchase day, and
      ``T`` the time from the first purchase day to the observation end,
      both in ``time_unit``;
    - ``monetary_value`` is the mean amount per repeat purchase day (0 when
      there is none), the convention of Fader & Hardie's Gamma-Gamma note
      (2013), which models the spend of repeat purchases only.

    Attributes:
        customer_ids: The customers, sorted.
        frequency: Repeat purchase days per customer.
        recency: Time from first to last purchase, in ``time_unit``.
        T: Time from first purchase to ``observation_end``.
        monetary_value: Mean amount per repeat purchase day, or ``None``
            when the transactions carry no amounts.
        observation_end: The last day observed.
        time_unit: The unit of ``recency`` and ``T``.
        first_purchase_counts: Whether the first purchase day was counted
            in ``frequency`` and ``monetary_value``.

    Examples:
        >>> from datetime import date
        >>> from decimal import Decimal
        >>> from customer_centric import Transaction
        >>> from customer_centric.value import rfm_summary
        >>> log = [
        ...     Transaction(customer_id="A", occurred_at=date(2024, 1, 1),
        ...                 amount=Decimal(10)),
        ...     Transaction(customer_id="A", occurred_at=date(2024, 1, 15),
        ...                 amount=Decimal(30)),
        ... ]
        >>> s = rfm_summary(log, observation_end=date(2024, 1, 29),
        ...                 time_unit="W")
        >>> s.frequency, s.recency, s.T, s.monetary_value
        ((1,), (2.0,), (4.0,), (Decimal('30'),))
        >>> len(s)
        1

    .. versionadded:: 0.1
    """

    customer_ids: tuple[CustomerId, ...]
    frequency: tuple[int, ...]
    recency: tuple[float, ...]
    T: tuple[float, ...]
    monetary_value: tuple[Decimal, ...] | None
    observation_end: date
    time_unit: TimeUnit | timedelta
    first_purchase_counts: bool

    def __len__(self) -> int:
        return len(self.customer_ids)


@final
@attrs.frozen(kw_only=True)
class CalibrationHoldout:
    """An RFM summary of a calibration period and the holdout that follows.

    Customers whose first purchase falls in the holdout period are left
    out: the models predict the holdout from the calibration summary.

    Attributes:
        calibration: The summary up to ``calibration.observation_end``.
        frequency_holdout: Purchase days in the holdout period (all count,
            including the first), aligned with ``calibration.customer_ids``.
        monetary_value_holdout: Mean amount per holdout purchase day (0
            when none), or ``None`` without amounts.
        duration_holdout: The holdout's length in ``calibration.time_unit``.
        holdout_end: The last day of the holdout period.

    Examples:
        >>> from datetime import date
        >>> from customer_centric import Transaction
        >>> from customer_centric.value import rfm_calibration_holdout
        >>> log = [
        ...     Transaction(customer_id="A", occurred_at=date(2024, 1, d))
        ...     for d in (1, 8, 22, 25)
        ... ]
        >>> split = rfm_calibration_holdout(
        ...     log, calibration_end=date(2024, 1, 14),
        ...     observation_end=date(2024, 1, 28), time_unit="W")
        >>> split.calibration.frequency, split.frequency_holdout
        ((1,), (2,))
        >>> split.duration_holdout
        2.0

    .. versionadded:: 0.1
    """

    calibration: RFMSummary
    frequency_holdout: tuple[int, ...]
    monetary_value_holdout: tuple[Decimal, ...] | None
    duration_holdout: float
    holdout_end: date

    def __len__(self) -> int:
        return len(self.calibration)


def _as_day(value: object, /, *, name: str) -> date:
    """Return the calendar date of a date or an aware datetime argument."""
    if not isinstance(value, date):
        raise ArgumentTypeError.for_argument(
            name, value, "a date or a timezone-aware datetime"
        )
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            msg = (
                f"{name} must be a date or a timezone-aware datetime, got "
                f"the naive datetime {value!r}; attach a timezone or pass "
                "value.date()"
            )
            raise InvariantError(msg)
        return value.date()
    return value


def _check_options(
    *, time_unit: object, first_purchase_counts: object, on_late: object
) -> float:
    """Check the summary options; return the unit's length in days."""
    check_instance(first_purchase_counts, bool, name="first_purchase_counts")
    check_choice(on_late, get_args(OnLate), name="on_late")
    return days_per_unit(time_unit)  # type: ignore[arg-type]


def _check_log(transactions: object, /) -> Iterable[object]:
    if isinstance(transactions, Iterable):
        return transactions
    raise ArgumentTypeError.for_argument(
        "transactions", transactions, "an iterable of Transaction records"
    )


def _rows_error(
    problem: str, rows: Sequence[str], *, fix: str, total: int | None = None
) -> DataError:
    """Build a DataError naming the first few of ``total`` offending rows."""
    count = len(rows) if total is None else total
    shown = "; ".join(rows[:_MAX_SHOWN])
    more = f" and {count - _MAX_SHOWN} more" if count > _MAX_SHOWN else ""
    return DataError(f"{problem}; offending rows: {shown}{more}; {fix}")


@attrs.define
class _Offenders:
    """A count of offending rows and the labels of the first few."""

    count: int = 0
    labels: list[str] = attrs.field(factory=list)

    def add(self, index: int, transaction: Transaction) -> None:
        self.count += 1
        if len(self.labels) < _MAX_SHOWN:
            self.labels.append(
                f"row {index} (customer {transaction.customer_id!r}, "
                f"{transaction.day.isoformat()})"
            )


def _collect(
    transactions: Iterable[object],
    *,
    start: date | None,
    end: date,
    on_late: OnLate,
) -> tuple[dict[CustomerId, dict[date, Decimal | None]], bool]:
    """Group amounts by customer and day within (start, end]."""
    customers: dict[CustomerId, dict[date, Decimal | None]] = {}
    late = _Offenders()
    with_amount = _Offenders()
    without_amount = _Offenders()
    count = 0
    for index, transaction in enumerate(_check_log(transactions)):
        count += 1
        if not isinstance(transaction, Transaction):
            msg = (
                f"row {index} is {transaction!r}, not a Transaction; build "
                "Transaction records, or use customer_centric.frames."
                "rfm_summary for a dataframe"
            )
            raise DataError(msg)
        (without_amount if transaction.amount is None else with_amount).add(
            index, transaction
        )
        day = transaction.day
        if day > end:
            if on_late == "raise":
                late.add(index, transaction)
            continue
        if start is not None and day <= start:
            continue
        days = customers.setdefault(transaction.customer_id, {})
        previous = days.get(day, ZERO)
        days[day] = (
            None
            if transaction.amount is None or previous is None
            else previous + transaction.amount
        )
    if count == 0:
        msg = "no transactions were given; pass at least one Transaction"
        raise DataError(msg)
    if late.count:
        raise _rows_error(
            f"{late.count} transaction(s) fall after the observation end "
            f"{end.isoformat()}",
            late.labels,
            total=late.count,
            fix=(
                "move observation_end later, pass on_late='drop' to ignore "
                "them, or use rfm_calibration_holdout() for a holdout period"
            ),
        )
    if with_amount.count and without_amount.count:
        raise _rows_error(
            f"{without_amount.count} of {count} transactions have no amount "
            "while the others have one",
            without_amount.labels,
            total=without_amount.count,
            fix="give every transaction an amount, or none of them",
        )
    return customers, bool(with_amount.count)


def _mean(values: Sequence[Decimal | None]) -> Decimal:
    known = [v for v in values if v is not None]
    return sum(known, ZERO) / len(known) if known else ZERO


@exact
def rfm_summary(
    transactions: Iterable[Transaction],
    /,
    *,
    observation_end: date,
    time_unit: TimeUnit | timedelta = "D",
    first_purchase_counts: bool = False,
    on_late: OnLate = "raise",
) -> RFMSummary:
    """Summarise a transaction log as recency, frequency and monetary value.

    See :class:`RFMSummary` for the conventions, which match Fader, Hardie
    & Lee (2005) and lifetimes; with ``time_unit="W"`` and
    ``observation_end=date(1997, 9, 30)`` this reproduces lifetimes'
    CDNOW summary (``freq="D", freq_multiplier=7``). Note that ``"W"`` is 7
    days, not lifetimes' ``freq="W"`` calendar-week buckets: purchases are
    always counted per distinct day.

    Args:
        transactions: The transaction log, in any order.
        observation_end: The last day observed (a datetime counts on its
            calendar date). T runs to this day.
        time_unit: The unit of ``recency`` and ``T``.
        first_purchase_counts: Count the first purchase day in
            ``frequency`` and in ``monetary_value`` (lifetimes'
            ``include_first_transaction``). The models expect ``False``.
        on_late: ``"raise"`` on transactions after ``observation_end``, or
            ``"drop"`` to ignore them.

    Returns:
        One row per customer with at least one purchase up to
        ``observation_end``, sorted by customer id.

    Raises:
        DataError: No transactions, transactions after the observation end
            (with ``on_late="raise"``), some transactions with an amount and
            some without, or a non-:class:`Transaction` item; the message
            names the rows.
        InvariantError: An unknown ``time_unit`` or ``on_late``, or a
            naive datetime as ``observation_end``.
        ArgumentTypeError: ``transactions`` is not iterable, or an option
            has the wrong type (``observation_end`` not a date,
            ``first_purchase_counts`` not a bool).

    Examples:
        >>> from datetime import date
        >>> from customer_centric import Transaction
        >>> from customer_centric.value import rfm_summary
        >>> log = [
        ...     Transaction(customer_id="B", occurred_at=date(2024, 1, 10)),
        ...     Transaction(customer_id="A", occurred_at=date(2024, 1, 1)),
        ...     Transaction(customer_id="A", occurred_at=date(2024, 1, 1)),
        ...     Transaction(customer_id="A", occurred_at=date(2024, 1, 4)),
        ... ]
        >>> s = rfm_summary(log, observation_end=date(2024, 1, 11))
        >>> s.customer_ids, s.frequency, s.recency, s.T
        (('A', 'B'), (1, 0), (3.0, 0.0), (10.0, 1.0))
        >>> rfm_summary(log, observation_end=date(2024, 1, 5))
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: 1 transaction(s) fall after \
the observation end 2024-01-05; offending rows: row 0 (customer 'B', \
2024-01-10); move observation_end later, pass on_late='drop' to ignore \
them, or use rfm_calibration_holdout() for a holdout period

    .. versionadded:: 0.1
    """
    unit_days = _check_options(
        time_unit=time_unit,
        first_purchase_counts=first_purchase_counts,
        on_late=on_late,
    )
    end = _as_day(observation_end, name="observation_end")
    customers, has_amounts = _collect(
        transactions, start=None, end=end, on_late=on_late
    )
    if not customers:
        msg = (
            "no transaction falls on or before the observation end "
            f"{end.isoformat()}; pass a later observation_end"
        )
        raise DataError(msg)
    ids = sorted(customers)
    frequency: list[int] = []
    recency: list[float] = []
    big_t: list[float] = []
    monetary: list[Decimal] = []
    for customer in ids:
        days = customers[customer]
        ordered = sorted(days)
        first, last = ordered[0], ordered[-1]
        counted = ordered if first_purchase_counts else ordered[1:]
        frequency.append(len(counted))
        recency.append((last - first).days / unit_days)
        big_t.append((end - first).days / unit_days)
        if has_amounts:
            monetary.append(_mean([days[d] for d in counted]))
    return RFMSummary(
        customer_ids=tuple(ids),
        frequency=tuple(frequency),
        recency=tuple(recency),
        T=tuple(big_t),
        monetary_value=tuple(monetary) if has_amounts else None,
        observation_end=end,
        time_unit=time_unit,
        first_purchase_counts=first_purchase_counts,
    )


@exact
def rfm_calibration_holdout(
    transactions: Iterable[Transaction],
    /,
    *,
    calibration_end: date,
    observation_end: date,
    time_unit: TimeUnit | timedelta = "D",
    first_purchase_counts: bool = False,
    on_late: OnLate = "raise",
) -> CalibrationHoldout:
    """Split a log into a calibration summary and holdout purchase counts.

    The calibration summary is :func:`rfm_summary` up to
    ``calibration_end``; the holdout counts each calibration customer's
    purchase days in (``calibration_end``, ``observation_end``], the
    period the models' predictions are checked against (as lifetimes'
    ``calibration_and_holdout_data``). For CDNOW: calibration to
    1997-09-30 (39 weeks), holdout to 1998-06-30.

    Args:
        transactions: The transaction log, in any order.
        calibration_end: The last day of the calibration period.
        observation_end: The last day of the holdout period.
        time_unit: The unit of recency, T and the holdout duration.
        first_purchase_counts: As in :func:`rfm_summary` (calibration only).
        on_late: What to do with transactions after ``observation_end``.

    Returns:
        The calibration summary and the aligned holdout columns.

    Raises:
        DataError: As :func:`rfm_summary`; also when ``calibration_end`` is
            not before ``observation_end``.
        InvariantError: As :func:`rfm_summary`.
        ArgumentTypeError: As :func:`rfm_summary`.

    Examples:
        See :class:`CalibrationHoldout`.

    .. versionadded:: 0.1
    """
    unit_days = _check_options(
        time_unit=time_unit,
        first_purchase_counts=first_purchase_counts,
        on_late=on_late,
    )
    calibration_day = _as_day(calibration_end, name="calibration_end")
    end = _as_day(observation_end, name="observation_end")
    check_holdout_split(calibration_day, end)
    log = cast("list[Transaction]", list(_check_log(transactions)))
    calibration = rfm_summary(
        log,
        observation_end=calibration_day,
        time_unit=time_unit,
        first_purchase_counts=first_purchase_counts,
        on_late="drop",
    )
    holdout, has_amounts = _collect(
        log, start=calibration_day, end=end, on_late=on_late
    )
    counts: list[int] = []
    means: list[Decimal] = []
    for customer in calibration.customer_ids:
        days = holdout.get(customer, {})
        counts.append(len(days))
        means.append(_mean(list(days.values())))
    return CalibrationHoldout(
        calibration=calibration,
        frequency_holdout=tuple(counts),
        monetary_value_holdout=tuple(means) if has_amounts else None,
        duration_holdout=(end - calibration_day).days / unit_days,
        holdout_end=end,
    )


def _finite_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def validate_rfm_summary(  # noqa: C901, PLR0912 - one check per rule
    frequency: Sequence[float],
    recency: Sequence[float],
    T: Sequence[float],  # noqa: N803 - the papers' name
    /,
    *,
    customer_ids: Sequence[str] | None = None,
    monetary_value: Sequence[float | Decimal] | None = None,
) -> None:
    """Check an externally supplied RFM summary; raise naming bad rows.

    Pure Python, for summaries that did not come from :func:`rfm_summary`
    (a CSV, a warehouse table). The rules are those of
    ``customer_centric.clv.validate_rfm()`` (which checks numpy arrays
    for the fit functions), plus unique customer ids and non-negative
    monetary values: every value a finite number; the columns equally long
    and not empty; frequency a whole number >= 0; 0 <= recency <= T;
    recency 0 when frequency is 0.

    Args:
        frequency: Repeat purchases per customer.
        recency: Time from first to last purchase.
        T: Time from first purchase to the end of observation.
        customer_ids: The customers, if known; must be unique.
        monetary_value: Mean spend per repeat purchase, if known.

    Raises:
        DataError: A rule is broken; the message names up to five offending
            rows and their values.
        ArgumentTypeError: A column is not a sequence (``None``, a string,
            a generator).

    Examples:
        >>> from customer_centric.value import validate_rfm_summary
        >>> validate_rfm_summary([2, 0], [30.43, 0.0], [38.86, 38.86])
        >>> validate_rfm_summary([1, 2], [3.0, 9.0], [5.0, 8.0],
        ...                      customer_ids=["A", "B"])
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.DataError: recency must be <= T (the \
last purchase cannot come after the end of observation); offending rows: \
row 1 (customer 'B', recency=9.0, T=8.0); check the observation end and \
the time unit

    .. versionadded:: 0.1
    """
    given: dict[str, object] = {
        "frequency": frequency,
        "recency": recency,
        "T": T,
        "customer_ids": customer_ids,
        "monetary_value": monetary_value,
    }
    columns: dict[str, Sequence[object]] = {}
    for name, column in given.items():
        if column is None and name in {"customer_ids", "monetary_value"}:
            continue
        if isinstance(column, str | bytes) or not (
            isinstance(column, Sequence) or hasattr(column, "__array__")
        ):
            raise ArgumentTypeError.for_argument(
                name, column, "a sequence (list, tuple or array column)"
            )
        columns[name] = cast("Sequence[object]", column)
    lengths = {name: len(values) for name, values in columns.items()}
    if len(set(lengths.values())) != 1:
        msg = (
            f"the columns must have the same length, got {lengths!r}; pass "
            "one value per customer in each"
        )
        raise DataError(msg)
    if lengths["frequency"] == 0:
        msg = "the RFM summary is empty; pass at least one customer"
        raise DataError(msg)

    def label(i: int, **values: object) -> str:
        who = (
            f"customer {customer_ids[i]!r}, "
            if customer_ids is not None
            else ""
        )
        shown = ", ".join(f"{k}={v!r}" for k, v in values.items())
        return f"row {i} ({who}{shown})"

    numbers: dict[str, list[float]] = {}
    for name in ("frequency", "recency", "T", "monetary_value"):
        if name not in columns:
            continue
        converted = [_finite_number(v) for v in columns[name]]
        bad = [
            label(i, **{name: columns[name][i]})
            for i, v in enumerate(converted)
            if v is None
        ]
        if bad:
            raise _rows_error(
                f"{name} must be finite numbers",
                bad,
                fix="drop or fill those rows",
            )
        numbers[name] = [v for v in converted if v is not None]
    x, t_x, big_t = numbers["frequency"], numbers["recency"], numbers["T"]
    checks: tuple[tuple[str, list[int], str, tuple[str, ...]], ...] = (
        (
            "frequency must be a whole number >= 0 (repeat purchases)",
            [i for i, v in enumerate(x) if v < 0 or v != math.floor(v)],
            "count repeat purchase days, not amounts",
            ("frequency",),
        ),
        (
            "recency must be >= 0",
            [i for i, v in enumerate(t_x) if v < 0],
            "measure recency from the first purchase",
            ("recency",),
        ),
        (
            "T must be >= 0",
            [i for i, v in enumerate(big_t) if v < 0],
            "measure T from the first purchase to the observation end",
            ("T",),
        ),
        (
            (
                "recency must be <= T (the last purchase cannot come after "
                "the end of observation)"
            ),
            [i for i in range(len(x)) if t_x[i] > big_t[i]],
            "check the observation end and the time unit",
            ("recency", "T"),
        ),
        (
            "recency must be 0 when frequency is 0 (no repeat purchase)",
            [i for i in range(len(x)) if x[i] == 0 and t_x[i] != 0],
            "check that the columns are not swapped",
            ("frequency", "recency"),
        ),
    )
    for problem, rows, fix, shown in checks:
        if rows:
            raise _rows_error(
                problem,
                [label(i, **{k: columns[k][i] for k in shown}) for i in rows],
                fix=fix,
            )
    if "monetary_value" in numbers:
        rows = [i for i, v in enumerate(numbers["monetary_value"]) if v < 0]
        if rows:
            raise _rows_error(
                "monetary_value must be >= 0",
                [
                    label(i, monetary_value=columns["monetary_value"][i])
                    for i in rows
                ],
                fix="amounts are money received, never negative",
            )
    if "customer_ids" in columns:
        not_text = [
            f"row {i} (customer_ids={customer!r})"
            for i, customer in enumerate(columns["customer_ids"])
            if not isinstance(customer, str)
        ]
        if not_text:
            raise _rows_error(
                "customer_ids must be strings",
                not_text,
                fix="convert the ids to str first",
            )
        seen: dict[str, int] = {}
        duplicates: list[str] = []
        ids = cast("Sequence[str]", columns["customer_ids"])
        for i, customer in enumerate(ids):
            if customer in seen:
                duplicates.append(
                    f"row {i} (customer {customer!r}, first at row "
                    f"{seen[customer]})"
                )
            else:
                seen[customer] = i
        if duplicates:
            raise _rows_error(
                "each customer must appear once in an RFM summary",
                duplicates,
                fix="aggregate the rows per customer first",
            )
