"""RFM summaries of dataframe transaction logs, written once in narwhals.

The same code runs on pandas, polars, pyarrow, DuckDB and Spark (and
polars' lazy frames): eager frames come back as the same eager type, lazy
ones as the same lazy type, still unevaluated. It follows the conventions of
the pure-Python :func:`customer_centric.value.rfm_summary`, which documents
them.

Dates are normalised at the boundary to whole day numbers built from the
year and day of year only (no window functions, no duration arithmetic), the
operations every back-end supports.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final, TypeAlias, cast, get_args

import narwhals as nw
from narwhals.dependencies import is_pandas_like_dataframe
from narwhals.typing import IntoFrameT

from customer_centric._checks import (
    check_choice,
    check_holdout_split,
    check_instance,
)
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.value import (
    OnLate,
    TimeUnit,
    days_per_unit,
)

__all__ = ["compress_rfm", "rfm_calibration_holdout", "rfm_summary"]

_Lazy: TypeAlias = "nw.LazyFrame[Any]"

_DAY: Final = "__cc_day"
_AMOUNT: Final = "__cc_amount"
_MAX_SHOWN: Final = 5
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()
_LEAP_DAYS_BEFORE_1970: Final = 1969 // 4 - 1969 // 100 + 1969 // 400


def _day(value: object, /, *, name: str) -> date:
    checked = check_instance(value, date, name=name, what="a date")
    return checked.date() if isinstance(checked, datetime) else checked


def _number(day: date, /) -> int:
    return day.toordinal() - _EPOCH_ORDINAL


def _day_number(value: object, /, *, name: str) -> int:
    return _number(_day(value, name=name))


def _from_native(frame: object) -> object:
    try:
        return nw.from_native(frame)  # type: ignore[call-overload]
    except TypeError:
        raise ArgumentTypeError.for_argument(
            "frame",
            frame,
            "a dataframe (pandas, polars, pyarrow, DuckDB, Spark, ...)",
        ) from None


def _unit_days(time_unit: object) -> float:
    if not isinstance(time_unit, str | timedelta):
        raise ArgumentTypeError.for_argument(
            "time_unit",
            time_unit,
            "one of 'D', 'W', 'M', 'Q', 'Y' or a datetime.timedelta",
        )
    return days_per_unit(cast("TimeUnit | timedelta", time_unit))


def _check_names(**names: object) -> None:
    """Column names and formats must be ``str``.

    ``None`` passes where a name is optional, which the caller marks with a
    trailing underscore.
    """
    for name, value in names.items():
        if name.endswith("_") and value is None:
            continue
        check_instance(
            value, str, name=name.rstrip("_"), what="a str (a column name)"
        )


def _to_lazy(frame: object) -> _Lazy:
    native = _from_native(frame)
    if isinstance(native, nw.DataFrame):
        return native.lazy()
    # from_native returns a DataFrame or a LazyFrame, or raises TypeError.
    return cast("_Lazy", native)


def _back(result: _Lazy, like: IntoFrameT) -> IntoFrameT:
    """Return ``result`` as the native kind of ``like`` (eager or lazy)."""
    if isinstance(_from_native(like), nw.DataFrame):
        native = result.collect().to_native()
        if is_pandas_like_dataframe(native):
            # Sorting keeps pandas' old row labels; number the rows afresh.
            native = native.reset_index(drop=True)
        return cast("IntoFrameT", native)
    return cast("IntoFrameT", result.to_native())


def _check_columns(
    frame: _Lazy, columns: Sequence[str], *, hint: str
) -> nw.Schema:
    schema = frame.collect_schema()
    missing = [c for c in columns if c not in schema]
    if missing:
        msg = (
            f"missing column(s) {missing!r}; the frame has "
            f"{list(schema.names())!r}. {hint}"
        )
        raise DataError(msg)
    return schema


def _day_expr(
    column: str, dtype: nw.dtypes.DType, datetime_format: str | None
) -> nw.Expr:
    """Whole days since 1970-01-01 of a date, datetime, string or int."""
    value = nw.col(column)
    if dtype.is_integer():
        value = value.cast(nw.String).str.to_datetime(
            format=datetime_format or "%Y%m%d"
        )
    elif dtype == nw.String:
        value = value.str.to_datetime(format=datetime_format)
    elif dtype == nw.Object:
        # pandas keeps Python date objects in an object column.
        value = value.cast(nw.Date)
    elif not (dtype == nw.Date or dtype == nw.Datetime):  # noqa: PLR1714 - dtype classes
        msg = (
            f"column {column!r} has type {dtype}, which is not a date; "
            "store dates as a date or datetime column, as strings with a "
            "datetime_format, or as integers like 19970131"
        )
        raise DataError(msg)
    # No casts: pandas holds a missing date's year as NaN, not an int.
    year = value.dt.year()
    before = year - 1
    return (
        365 * (year - 1970)
        + before // 4
        - before // 100
        + before // 400
        - _LEAP_DAYS_BEFORE_1970
        + value.dt.ordinal_day()
        - 1
    )


def _normalised(
    frame: _Lazy,
    *,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None,
    datetime_format: str | None,
) -> _Lazy:
    """Select the id, the day number and (as Float64) the amount."""
    columns = [customer_id_col, datetime_col]
    if monetary_value_col is not None:
        columns.append(monetary_value_col)
    schema = _check_columns(
        frame,
        columns,
        hint=(
            "Pass the right names as customer_id_col, datetime_col and "
            "monetary_value_col"
        ),
    )
    exprs = [
        nw.col(customer_id_col),
        _day_expr(datetime_col, schema[datetime_col], datetime_format).alias(
            _DAY
        ),
    ]
    if monetary_value_col is not None:
        exprs.append(
            nw.col(monetary_value_col).cast(nw.Float64).alias(_AMOUNT)
        )
    return frame.select(*exprs)


def _is_nan(value: object) -> bool:
    """Whether a day number is NaN, as pandas holds a missing one."""
    return isinstance(value, float) and math.isnan(value)


def _examples(frame: _Lazy, condition: nw.Expr, customer_id_col: str) -> str:
    rows = (
        frame.filter(condition)
        .select(nw.col(customer_id_col), nw.col(_DAY))
        .head(_MAX_SHOWN)
        .collect()
        .rows()
    )
    return "; ".join(
        f"customer {customer!r} on "
        f"{date.fromordinal(int(day) + _EPOCH_ORDINAL).isoformat()}"
        if day is not None and not _is_nan(day)
        else f"customer {customer!r} with no date"
        for customer, day in rows
    )


def _count(condition: nw.Expr) -> nw.Expr:
    """How many rows meet ``condition`` (Spark cannot sum booleans)."""
    return condition.cast(nw.Int64).sum()


def _check_rows(
    frame: _Lazy,
    *,
    customer_id_col: str,
    end: int,
    on_late: OnLate,
    has_amount: bool,
) -> None:
    """One pass: empty data, nulls, late rows and negative amounts."""
    checks = {
        "rows": nw.len(),
        "no_date": _count(nw.col(_DAY).is_null()),
        "no_id": _count(nw.col(customer_id_col).is_null()),
        "late": _count(nw.col(_DAY) > end),
    }
    if has_amount:
        checks["no_amount"] = _count(nw.col(_AMOUNT).is_null())
        checks["negative"] = _count(nw.col(_AMOUNT) < 0)
    counts = dict(
        zip(
            checks,
            frame.select(**checks).collect().rows()[0],
            strict=True,
        )
    )
    if not counts["rows"]:
        msg = "the transaction frame is empty; pass at least one row"
        raise DataError(msg)
    problems = [
        ("no_id", nw.col(customer_id_col).is_null(), "have no customer id"),
        ("no_date", nw.col(_DAY).is_null(), "have no date"),
        ("no_amount", nw.col(_AMOUNT).is_null(), "have no amount"),
        ("negative", nw.col(_AMOUNT) < 0, "have a negative amount"),
    ]
    for key, condition, what in problems:
        if counts.get(key):
            msg = (
                f"{counts[key]} transaction(s) {what}; e.g. "
                f"{_examples(frame, condition, customer_id_col)}; drop or "
                "fix those rows"
            )
            raise DataError(msg)
    if counts["late"] and on_late == "raise":
        end_day = date.fromordinal(end + _EPOCH_ORDINAL).isoformat()
        msg = (
            f"{counts['late']} transaction(s) fall after the observation "
            f"end {end_day}; e.g. "
            f"{_examples(frame, nw.col(_DAY) > end, customer_id_col)}; move "
            "observation_end later, pass on_late='drop' to ignore them, or "
            "use rfm_calibration_holdout() for a holdout period"
        )
        raise DataError(msg)


def _summary(
    days: _Lazy,
    *,
    customer_id_col: str,
    has_amount: bool,
    end: int,
    unit_days: float,
    first_purchase_counts: bool,
) -> _Lazy:
    """RFM per customer from one row per (customer, purchase day)."""
    aggregates = [
        nw.len().alias("__cc_days"),
        nw.col(_DAY).min().alias("__cc_first"),
        nw.col(_DAY).max().alias("__cc_last"),
    ]
    if has_amount:
        aggregates.append(nw.col(_AMOUNT).sum().alias("__cc_total"))
    customers = days.group_by(customer_id_col).agg(*aggregates)
    frequency = (
        nw.col("__cc_days")
        if first_purchase_counts
        else nw.col("__cc_days") - 1
    )
    outputs = [
        nw.col(customer_id_col),
        frequency.cast(nw.Int64).alias("frequency"),
        ((nw.col("__cc_last") - nw.col("__cc_first")) / unit_days)
        .cast(nw.Float64)
        .alias("recency"),
        ((end - nw.col("__cc_first")) / unit_days).cast(nw.Float64).alias("T"),
    ]
    if has_amount:
        if first_purchase_counts:
            spend = nw.col("__cc_total")
        else:
            # The repeat days summed, not the total less the first day: a
            # float subtraction left -1.4e-14 for repeat days costing 0.
            repeat_spend = (
                days.join(customers, on=customer_id_col)
                .filter(nw.col(_DAY) > nw.col("__cc_first"))
                .group_by(customer_id_col)
                .agg(nw.col(_AMOUNT).sum().alias("__cc_repeat"))
            )
            customers = customers.join(
                repeat_spend, on=customer_id_col, how="left"
            )
            spend = nw.col("__cc_repeat").fill_null(0.0)
        # Divide by max(x, 1): the spend is 0 when x is 0, and no back-end
        # sees a division by zero.
        count = nw.when(frequency > 0).then(frequency).otherwise(1)
        outputs.append(
            (spend / count).cast(nw.Float64).alias("monetary_value")
        )
    return customers.select(*outputs).sort(customer_id_col)


def _per_day(frame: _Lazy, *, customer_id_col: str, has_amount: bool) -> _Lazy:
    keys = [customer_id_col, _DAY]
    if has_amount:
        return frame.group_by(keys).agg(nw.col(_AMOUNT).sum())
    return frame.unique(keys)


def _checked_days(
    frame: object,
    /,
    *,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None,
    datetime_format: str | None,
    end: int,
    on_late: OnLate,
) -> _Lazy:
    """Normalise and check every row; keep purchase days up to ``end``."""
    on_late = check_choice(on_late, get_args(OnLate), name="on_late")
    _check_names(
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col_=monetary_value_col,
        datetime_format_=datetime_format,
    )
    has_amount = monetary_value_col is not None
    rows = _normalised(
        _to_lazy(frame),
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        datetime_format=datetime_format,
    )
    _check_rows(
        rows,
        customer_id_col=customer_id_col,
        end=end,
        on_late=on_late,
        has_amount=has_amount,
    )
    return _per_day(
        rows.filter(nw.col(_DAY) <= end),
        customer_id_col=customer_id_col,
        has_amount=has_amount,
    )


def rfm_summary(
    frame: IntoFrameT,
    /,
    *,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    observation_end: date,
    time_unit: TimeUnit | timedelta = "D",
    first_purchase_counts: bool = False,
    datetime_format: str | None = None,
    on_late: OnLate = "raise",
) -> IntoFrameT:
    """Summarise a transaction frame as recency, frequency, monetary value.

    The dataframe twin of :func:`customer_centric.value.rfm_summary`, with the
    same conventions (see :class:`customer_centric.value.RFMSummary`):
    purchases
    counted once per distinct day, ``frequency`` the repeat purchase days,
    ``recency`` and ``T`` in ``time_unit`` from the first purchase day,
    ``monetary_value`` the mean amount per repeat purchase day (Fader &
    Hardie's Gamma-Gamma convention). With ``time_unit="W"`` and
    ``observation_end=date(1997, 9, 30)`` it reproduces lifetimes' CDNOW
    summary.

    Dates are read at the boundary: date and datetime columns as they are
    (an aware datetime counts on its calendar date in the column's time
    zone for pandas, polars and pyarrow, and in the session time zone for
    DuckDB and Spark), strings with ``datetime_format`` (or the back-end's
    inference), integers like ``19970131`` with ``datetime_format``
    (default ``"%Y%m%d"``).

    Args:
        frame: The transactions: a pandas, polars or pyarrow table, a
            polars LazyFrame, a DuckDB relation or a Spark DataFrame.
        customer_id_col: The customer id column.
        datetime_col: The transaction date column.
        monetary_value_col: The amount column, if any (read as Float64).
        observation_end: The last day observed; T runs to this day.
        time_unit: The unit of ``recency`` and ``T``.
        first_purchase_counts: Count the first purchase day in
            ``frequency`` and ``monetary_value``.
        datetime_format: A strftime format for string or integer dates.
        on_late: ``"raise"`` on transactions after ``observation_end``, or
            ``"drop"`` to ignore them.

    Returns:
        A frame of the same kind as ``frame`` with ``customer_id_col``,
        ``frequency`` (Int64), ``recency``, ``T`` and, with amounts,
        ``monetary_value`` (Float64), one row per customer, sorted by id.
        Lazy inputs give a lazy result, not yet computed.

    Raises:
        DataError: Missing columns, an empty frame, a column that is not a
            date, rows with no id, date or amount, negative amounts, or
            transactions after the observation end; the message gives
            examples. The checks cost one pass over the data.

    Examples:
        >>> from datetime import date
        >>> import polars as pl
        >>> from customer_centric.frames import rfm_summary
        >>> log = pl.DataFrame({
        ...     "customer": ["A", "A", "A", "B"],
        ...     "day": [date(2024, 1, 1), date(2024, 1, 1),
        ...             date(2024, 1, 15), date(2024, 1, 8)],
        ...     "amount": [5.0, 5.0, 30.0, 12.0],
        ... })
        >>> rfm_summary(log, customer_id_col="customer", datetime_col="day",
        ...             monetary_value_col="amount",
        ...             observation_end=date(2024, 1, 29), time_unit="W")
        shape: (2, 5)
        ┌──────────┬───────────┬─────────┬─────┬────────────────┐
        │ customer ┆ frequency ┆ recency ┆ T   ┆ monetary_value │
        │ ---      ┆ ---       ┆ ---     ┆ --- ┆ ---            │
        │ str      ┆ i64       ┆ f64     ┆ f64 ┆ f64            │
        ╞══════════╪═══════════╪═════════╪═════╪════════════════╡
        │ A        ┆ 1         ┆ 2.0     ┆ 4.0 ┆ 30.0           │
        │ B        ┆ 0         ┆ 0.0     ┆ 3.0 ┆ 0.0            │
        └──────────┴───────────┴─────────┴─────┴────────────────┘

    .. versionadded:: 0.1
    """
    unit_days = _unit_days(time_unit)
    end = _day_number(observation_end, name="observation_end")
    has_amount = monetary_value_col is not None
    days = _checked_days(
        frame,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        datetime_format=datetime_format,
        end=end,
        on_late=on_late,
    )
    result = _summary(
        days,
        customer_id_col=customer_id_col,
        has_amount=has_amount,
        end=end,
        unit_days=unit_days,
        first_purchase_counts=first_purchase_counts,
    )
    return _back(result, frame)


def rfm_calibration_holdout(
    frame: IntoFrameT,
    /,
    *,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    calibration_end: date,
    observation_end: date,
    time_unit: TimeUnit | timedelta = "D",
    first_purchase_counts: bool = False,
    datetime_format: str | None = None,
    on_late: OnLate = "raise",
) -> IntoFrameT:
    """Split a transaction frame into calibration RFM and holdout counts.

    The dataframe twin of
    :func:`customer_centric.value.rfm_calibration_holdout`:
    the calibration summary up to ``calibration_end`` and, per calibration
    customer, the purchase days in (``calibration_end``,
    ``observation_end``]. Customers first seen in the holdout are left out.

    Args:
        frame: The transactions (see :func:`rfm_summary`).
        customer_id_col: The customer id column.
        datetime_col: The transaction date column.
        monetary_value_col: The amount column, if any.
        calibration_end: The last day of the calibration period.
        observation_end: The last day of the holdout period.
        time_unit: The unit of recency, T and ``duration_holdout``.
        first_purchase_counts: As in :func:`rfm_summary` (calibration).
        datetime_format: A strftime format for string or integer dates.
        on_late: What to do with transactions after ``observation_end``.

    Returns:
        The :func:`rfm_summary` columns plus ``frequency_holdout`` (Int64),
        ``monetary_value_holdout`` (with amounts) and ``duration_holdout``.

    Raises:
        DataError: As :func:`rfm_summary`, and when ``calibration_end`` is
            not before ``observation_end``.

    Examples:
        >>> from datetime import date
        >>> import pandas as pd
        >>> from customer_centric.frames import rfm_calibration_holdout
        >>> log = pd.DataFrame({
        ...     "customer": ["A", "A", "A", "A"],
        ...     "day": pd.to_datetime(
        ...         ["2024-01-01", "2024-01-08", "2024-01-22", "2024-01-25"]),
        ... })
        >>> split = rfm_calibration_holdout(
        ...     log, customer_id_col="customer", datetime_col="day",
        ...     calibration_end=date(2024, 1, 14),
        ...     observation_end=date(2024, 1, 28), time_unit="W")
        >>> split[["frequency", "frequency_holdout", "duration_holdout"]]
           frequency  frequency_holdout  duration_holdout
        0          1                  2               2.0

    .. versionadded:: 0.1
    """
    unit_days = _unit_days(time_unit)
    cut_day = _day(calibration_end, name="calibration_end")
    end_day = _day(observation_end, name="observation_end")
    check_holdout_split(cut_day, end_day)
    cut, end = _number(cut_day), _number(end_day)
    has_amount = monetary_value_col is not None
    days = _checked_days(
        frame,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        datetime_format=datetime_format,
        end=end,
        on_late=on_late,
    )
    calibration = _summary(
        days.filter(nw.col(_DAY) <= cut),
        customer_id_col=customer_id_col,
        has_amount=has_amount,
        end=cut,
        unit_days=unit_days,
        first_purchase_counts=first_purchase_counts,
    )
    aggregates = [nw.len().alias("frequency_holdout")]
    if has_amount:
        aggregates.append(
            nw.col(_AMOUNT).mean().alias("monetary_value_holdout")
        )
    holdout = (
        days.filter(nw.col(_DAY) > cut)
        .group_by(customer_id_col)
        .agg(*aggregates)
    )
    filled = [
        nw.col("frequency_holdout")
        .fill_null(0)
        .cast(nw.Int64)
        .alias("frequency_holdout")
    ]
    if has_amount:
        filled.append(
            nw.col("monetary_value_holdout")
            .fill_null(0.0)
            .cast(nw.Float64)
            .alias("monetary_value_holdout")
        )
    result = (
        calibration.join(holdout, on=customer_id_col, how="left")
        .with_columns(
            *filled,
            duration_holdout=nw.lit((end - cut) / unit_days, nw.Float64),
        )
        .sort(customer_id_col)
    )
    return _back(result, frame)


def compress_rfm(
    frame: IntoFrameT,
    /,
    *,
    columns: Sequence[str] = ("frequency", "recency", "T"),
    weights_col: str = "weights",
) -> IntoFrameT:
    """Reduce an RFM summary to its unique rows, with customer counts.

    The customer-base models' likelihoods depend on a customer only
    through (frequency, recency, T), so a summary of millions of customers
    compresses to a table of thousands of rows that fits on one machine;
    pass it to the fit functions of ``customer_centric.clv`` with
    ``weights=``. Runs on the frame's own engine (Spark, DuckDB, ...).

    Args:
        frame: An RFM summary, e.g. from :func:`rfm_summary`.
        columns: The columns that identify a pattern.
        weights_col: The name of the count column added.

    Returns:
        A frame of the same kind as ``frame`` with ``columns`` and
        ``weights_col`` (Int64), sorted by ``columns``.

    Raises:
        DataError: Missing columns, or a weights column name that clashes.

    Examples:
        >>> import pandas as pd
        >>> from customer_centric.frames import compress_rfm
        >>> summary = pd.DataFrame({
        ...     "customer": ["A", "B", "C"], "frequency": [0, 0, 2],
        ...     "recency": [0.0, 0.0, 3.5], "T": [10.0, 10.0, 10.0],
        ... })
        >>> compress_rfm(summary)
           frequency  recency     T  weights
        0          0      0.0  10.0        2
        1          2      3.5  10.0        1

    .. versionadded:: 0.1
    """
    if isinstance(columns, str) or not isinstance(columns, Sequence):
        raise ArgumentTypeError.for_argument(
            "columns", columns, "a sequence of column names"
        )
    keys = list(columns)
    _check_names(
        weights_col=weights_col,
        **{f"columns[{i}]": key for i, key in enumerate(keys)},
    )
    if weights_col in keys:
        msg = (
            f"weights_col {weights_col!r} is one of the columns {keys!r}; "
            "choose another name"
        )
        raise DataError(msg)
    lazy = _to_lazy(frame)
    _check_columns(
        lazy, keys, hint="Pass the summary's column names as columns="
    )
    result = (
        lazy.group_by(keys)
        .agg(nw.len().alias(weights_col))
        .with_columns(nw.col(weights_col).cast(nw.Int64))
        .sort(keys)
    )
    return _back(result, frame)
