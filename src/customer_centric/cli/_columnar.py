"""The columnar path of ``score``: polars reads, checks and summarises.

Rows are read as text (parquet as stored), checked in whole columns, and
summarised with :func:`customer_centric.frames.rfm_summary` and
:func:`customer_centric.frames.compress_rfm`. Python looks only at what
the columns cannot decide alone: each distinct date is read by
:func:`~customer_centric.cli._cells.parse_day`, and each row the checks
flag is read again from its line by
:func:`~customer_centric.cli._cells.parse_row`, which says why it is bad
(or finds it good), so both paths judge a row by one definition.

Line numbers are record numbers shifted by the header, which holds only
when every record is one line: when the file's line count says otherwise
(a quoted cell spanning lines, a lone carriage return), or polars cannot
read the file at all, :func:`read_columnar` returns ``None`` and the
pure-Python path, which numbers lines as it reads, takes over.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, cast, final

import attrs
import numpy as np
import polars as pl

from customer_centric.cli._cells import (
    RowError,
    judge_row,
    mixed_amounts_problem,
    parse_day,
)
from customer_centric.cli._clv_report import Base
from customer_centric.cli._relationships import BadLine
from customer_centric.cli._sources import (
    Columns,
    Row,
    Source,
    cdnow_row,
    count_lines,
    csv_row,
    jsonl_row,
    open_binary,
)
from customer_centric.frames import compress_rfm, rfm_summary

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.progress import Progress

    import customer_centric as cc
    from customer_centric.value import TimeUnit

_ID: Final = "customer_id"
_DAY: Final = "day"
_AMOUNT: Final = "amount"
_INDEX: Final = "__cc_index"
_UNIT_SEPARATOR: Final = "\x1f"
"""Splits nothing in a JSON Lines or CDNOW file: each line is one cell."""


@final
@attrs.frozen(kw_only=True, eq=False)
class Cleaned:
    """The good rows as columns, the bad rows, and how many rows there were.

    ``frame`` has ``customer_id`` (String), ``day`` (Date) and, with
    amounts, ``amount`` (Float64).
    """

    frame: pl.DataFrame
    bad: list[BadLine]
    rows: int


def _raw(source: Source, columns: Columns) -> tuple[pl.DataFrame, int] | None:
    """The columns as read, and the line of the first row; or ``None``."""
    try:
        if source.format == "parquet":
            return pl.read_parquet(source.path, columns=columns.names), 2
        if source.format == "csv":
            frame = pl.read_csv(
                source.path,
                separator=source.delimiter,
                infer_schema=False,
                columns=columns.names,
                raise_if_empty=False,
            )
            first = 2
        else:
            frame = _lines_frame(source, columns)
            first = 1
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    lines, lone_cr = count_lines(source)
    if lone_cr or frame.height + first - 1 != lines:
        return None
    return frame, first


def _lines_frame(source: Source, columns: Columns) -> pl.DataFrame:
    """A JSON Lines or CDNOW file's fields, one row per line."""
    lines = pl.read_csv(
        source.path,
        has_header=False,
        separator=_UNIT_SEPARATOR,
        quote_char=None,
        infer_schema=False,
        new_columns=["line"],
        raise_if_empty=False,
    )
    line = pl.col("line")
    if source.format == "jsonl":
        return lines.select(
            line.str.json_path_match(f"$[{_json_key(name)}]").alias(name)
            for name in columns.names
        )
    fields = line.str.extract_all(r"\S+")
    count = fields.list.len()
    good = count.is_in([4, 5])
    return lines.select(
        pl.when(good).then(fields.list.get(-4, null_on_oob=True)).alias(_ID),
        pl.when(good)
        .then(fields.list.get(-3, null_on_oob=True))
        .alias("date"),
        pl.when(good)
        .then(fields.list.get(-1, null_on_oob=True))
        .alias(_AMOUNT),
    )


def _json_key(name: str) -> str:
    """A JSONPath bracket key for a column name."""
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _days(column: pl.Series, date_format: str | None) -> pl.Series:
    """Each cell's day, read once per distinct text; null when unreadable."""
    if column.dtype == pl.Date or isinstance(column.dtype, pl.Datetime):
        day = column.dt.date()
        # Python's dates, which the summary returns, end at year 9999.
        return day.set(~day.dt.year().is_between(1, 9999), None)
    text = column.cast(pl.String)
    distinct = text.drop_nulls().unique()
    days: list[date | None] = []
    for value in distinct:
        try:
            parsed = parse_day(value, date_format=date_format)
        except RowError:
            days.append(None)
        else:
            days.append(
                parsed.date() if isinstance(parsed, datetime) else parsed
            )
    return text.replace_strict(
        distinct, pl.Series(days, dtype=pl.Date), default=None
    )


def _checked(raw: pl.DataFrame, columns: Columns) -> pl.DataFrame:
    """The parsed columns and a ``__cc_flag`` for rows Python must judge."""
    customer = raw[columns.customer].cast(pl.String).str.strip_chars()
    frame = pl.DataFrame(
        {
            _INDEX: pl.int_range(raw.height, eager=True),
            _ID: customer,
            _DAY: _days(raw[columns.date], columns.date_format),
        }
    )
    flag = pl.col(_ID).is_null() | (pl.col(_ID) == "") | pl.col(_DAY).is_null()
    if columns.amount is not None:
        cells = raw[columns.amount]
        amount = (
            cells.str.strip_chars().cast(pl.Float64, strict=False)
            if cells.dtype == pl.String
            else cells.cast(pl.Float64, strict=False)
        )
        frame = frame.with_columns(amount.alias(_AMOUNT))
        flag |= (
            pl.col(_AMOUNT).is_null()
            | ~pl.col(_AMOUNT).is_finite()
            | (pl.col(_AMOUNT) < 0)
        )
    return frame.with_columns(flag.alias("__cc_flag"))


def _flagged_rows(
    source: Source,
    raw: pl.DataFrame,
    indexes: Sequence[int],
    *,
    first: int,
    header: list[str],
    columns: Columns,
) -> dict[int, Row | str]:
    """The flagged rows as the pure-Python path reads them, by index.

    Blank lines are left out, as the pure-Python path skips them.
    """
    if source.format == "parquet":
        return {index: _frame_row(raw, index) for index in indexes}
    wanted = {index + first: index for index in indexes}
    found: dict[int, Row | str] = {}
    if not wanted:
        return found
    with open_binary(source) as handle:
        for number, line in enumerate(handle, start=1):
            if number in wanted:
                row = _text_row(source, line, header=header, columns=columns)
                if row is not None:
                    found[wanted[number]] = row
    return found


def _frame_row(raw: pl.DataFrame, index: int) -> Row | str:
    try:
        return raw.row(index, named=True)
    except (ValueError, OverflowError) as exc:
        return f"cannot read the row: {exc}"


def _text_row(
    source: Source, line: bytes, *, header: list[str], columns: Columns
) -> Row | str | None:
    """One line's row, or ``None`` when it is blank."""
    line = line.rstrip(b"\r\n")
    if not line.strip():
        return None
    if source.format == "jsonl":
        return jsonl_row(line, columns.names)
    text = line.decode("utf-8", errors="surrogateescape")
    if source.format == "cdnow":
        return cdnow_row(text)
    cells = next(csv.reader([text], delimiter=source.delimiter))
    if not any(cell.strip() for cell in cells):
        return None
    return csv_row(cells, header, columns.names)


def read_columnar(
    source: Source,
    /,
    *,
    header: list[str],
    columns: Columns,
    progress: Progress,
) -> Cleaned | None:
    """Every row of ``source`` checked in columns, or ``None`` (see above)."""
    task = progress.add_task("reading transactions", total=None)
    loaded = _raw(source, columns)
    if loaded is None:
        progress.remove_task(task)
        return None
    raw, first = loaded
    progress.update(task, total=raw.height, completed=raw.height)
    checking = progress.add_task("checking rows", total=raw.height)
    checked = _checked(raw, columns)
    flagged = checked.filter(pl.col("__cc_flag"))[_INDEX].to_list()
    rows = _flagged_rows(
        source, raw, flagged, first=first, header=header, columns=columns
    )
    judged = _judge(rows, columns=columns, first=first)
    good = checked.filter(~pl.col("__cc_flag")).drop("__cc_flag", _INDEX)
    frame = pl.concat([good, judged.frame.select(good.columns)])
    blank = len(flagged) - len(rows)
    frame, mixed = _without_mixed_amounts(frame, columns, judged.lines)
    progress.update(checking, completed=raw.height)
    bad = sorted([*judged.bad, *mixed], key=lambda b: b.line)
    return Cleaned(frame=frame, bad=bad, rows=raw.height - blank)


@final
@attrs.frozen(kw_only=True, eq=False)
class _Judged:
    frame: pl.DataFrame
    lines: list[int]
    bad: list[BadLine]


def _judge(
    rows: dict[int, Row | str], *, columns: Columns, first: int
) -> _Judged:
    """The pure-Python verdict on each flagged row."""
    good: list[cc.Transaction] = []
    lines: list[int] = []
    bad: list[BadLine] = []
    for index, row in sorted(rows.items()):
        result = judge_row(row, columns)
        if isinstance(result, str):
            bad.append(BadLine(line=index + first, problem=result))
        else:
            good.append(result)
            lines.append(index + first)
    return _Judged(
        frame=frame_of(good, amounts=columns.amount is not None),
        lines=lines,
        bad=bad,
    )


def frame_of(
    transactions: Sequence[cc.Transaction], /, *, amounts: bool
) -> pl.DataFrame:
    """Transactions as the columns the summary reads."""
    data: dict[str, pl.Series] = {
        _ID: pl.Series([t.customer_id for t in transactions], dtype=pl.String),
        _DAY: pl.Series([t.day for t in transactions], dtype=pl.Date),
    }
    if amounts:
        data[_AMOUNT] = pl.Series(
            [
                None if t.amount is None else float(t.amount)
                for t in transactions
            ],
            dtype=pl.Float64,
        )
    return pl.DataFrame(data)


def _without_mixed_amounts(
    frame: pl.DataFrame, columns: Columns, lines: list[int]
) -> tuple[pl.DataFrame, list[BadLine]]:
    """Rows without an amount, when others have one, are bad rows.

    Only rows the pure-Python path judged can lack an amount; ``lines``
    are theirs, at the end of ``frame`` in order.
    """
    if columns.amount is None:
        return frame, []
    empty = frame[_AMOUNT].is_null()
    missing = int(empty.sum())
    if not missing or missing == frame.height:
        return frame, []
    others = frame.height - missing
    tail = empty.tail(len(lines)).to_list()
    bad = [
        BadLine(line=line, problem=mixed_amounts_problem(others))
        for line, is_empty in zip(lines, tail, strict=True)
        if is_empty
    ]
    return frame.filter(~empty), bad


def summarise(
    frame: pl.DataFrame,
    /,
    *,
    observation_end: date | None,
    time_unit: TimeUnit | timedelta,
    progress: Progress,
) -> Base:
    """The RFM summary of the good rows, as the models' arrays."""
    task = progress.add_task("summarising", total=frame.height)
    end = observation_end or cast("date", frame[_DAY].max())
    has_amount = _AMOUNT in frame.columns
    summary = rfm_summary(
        frame,
        customer_id_col=_ID,
        datetime_col=_DAY,
        monetary_value_col=_AMOUNT if has_amount else None,
        observation_end=end,
        time_unit=time_unit,
        on_late="drop",
    )
    patterns = compress_rfm(summary)
    progress.update(task, completed=frame.height)

    def floats(table: pl.DataFrame, name: str) -> np.ndarray:
        return table[name].cast(pl.Float64).to_numpy()

    return Base(
        customer_ids=summary[_ID].to_list(),
        frequency=floats(summary, "frequency"),
        recency=floats(summary, "recency"),
        T=floats(summary, "T"),
        monetary_value=(
            floats(summary, "monetary_value") if has_amount else None
        ),
        observation_end=end,
        time_unit=time_unit,
        first_purchase_counts=False,
        patterns=(
            floats(patterns, "frequency"),
            floats(patterns, "recency"),
            floats(patterns, "T"),
            floats(patterns, "weights"),
        ),
    )
