"""``customer-centric score``: fit the models on a transactions file."""

from __future__ import annotations

import csv
import math
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import closing
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TextIO, get_args

import click

import customer_centric as cc
from customer_centric.cli._files import (
    check_not_utf16,
    consoles,
    printable,
)
from customer_centric.cli._relationships import (
    BadLine,
    describe_validation_error,
    progress_bar,
    report_bad_lines,
)
from customer_centric.cli._replay import load_policy
from customer_centric.exceptions import (
    ConvergenceError,
    DataError,
    InvariantError,
)

if TYPE_CHECKING:
    from rich.progress import Progress

    from customer_centric.value import TimeUnit

_SUFFIXES: Final = (".csv", ".parquet")
_SHOWN_ROWS: Final = 20
_PROGRESS_EVERY: Final = 5_000
_MAX_CLV_MONTHS: Final = 1_200
_SHOWN_BYTES: Final = 60


class _TimeUnitChoice(click.Choice[str]):
    """The value area's time units, read when the option is first used.

    Importing :mod:`customer_centric.value` loads pydantic; reading the
    units only when ``score`` parses or shows its options keeps
    ``customer-centric --help`` quick.
    """

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        units: tuple[str, ...] = get_args(cc.value.TimeUnit)
        return units

    @choices.setter
    def choices(self, _: object) -> None:
        """Ignore click's own assignment: the units come from the area."""


class RowError(ValueError):
    """A cell that cannot be read (internal; reported with its line)."""


Row = Mapping[str, object]


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


def _csv_records(handle: TextIO) -> Iterator[tuple[int, list[str] | str]]:
    """Each non-blank record with its first line, or why it is unreadable."""
    reader = csv.reader(handle)
    last = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problem = (
                "a carriage return inside an unquoted cell; remove it or "
                "quote the cell"
                if "new-line character" in str(exc)
                else str(exc)
            )
            yield last + 1, f"cannot read the row as CSV: {problem}"
            last = reader.line_num
            continue
        first, last = last + 1, reader.line_num
        if any(cell.strip() for cell in cells):
            yield first, cells


def _csv_file(path: Path) -> Generator[tuple[int, list[str] | str]]:
    """The records of a CSV file, split at line feeds as grep -n counts."""
    try:
        with path.open("rb") as raw:
            check_not_utf16(path, raw.read(2))
        handle = path.open(
            encoding="utf-8-sig", errors="surrogateescape", newline="\n"
        )
    except OSError as exc:
        msg = f"cannot read {path}: {exc.strerror or exc}"
        raise click.ClickException(msg) from exc
    with handle:
        yield from _csv_records(handle)


def _csv_header(
    path: Path, records: Iterator[tuple[int, list[str] | str]]
) -> list[str]:
    first = next(records, None)
    if first is None:
        msg = (
            f"{path} is empty: expected a header row naming the columns, "
            "then one row per transaction"
        )
        raise click.ClickException(msg)
    line, cells = first
    if isinstance(cells, str):
        msg = f"{path}:{line}: cannot read the header: {cells}"
        raise click.ClickException(msg)
    try:
        "".join(cells).encode("utf-8")
    except UnicodeEncodeError:
        raw = ",".join(cells).encode("utf-8", "surrogateescape")
        msg = (
            f"{path}:{line}: the header {raw[:_SHOWN_BYTES]!r}"
            f"{'...' if len(raw) > _SHOWN_BYTES else ''} is not UTF-8 text; "
            "save the file as UTF-8"
        )
        raise click.ClickException(msg) from None
    return cells


def _csv_row(
    cells: list[str], header: list[str], columns: list[str]
) -> Row | str:
    """The cells of ``columns`` in one record, or why they cannot be had.

    Cells beyond the header are an error unless blank (trailing commas).
    """
    if any(cell.strip() for cell in cells[len(header) :]):
        return (
            f"the row has {len(cells)} cells but the header names "
            f"{len(header)} columns (extra cells {cells[len(header) :]!r}); "
            "a comma inside a cell? write amounts with a decimal point "
            "(12.50) and quote text that holds a comma"
        )
    where = {name: header.index(name) for name in columns}
    short = [name for name in columns if where[name] >= len(cells)]
    if short:
        return (
            f"the row has {len(cells)} cells but the header names "
            f"{len(header)} columns: no cell for "
            f"{', '.join(repr(name) for name in short)}"
        )
    return {name: cells[where[name]] for name in columns}


def _rows_csv(
    path: Path, header: list[str], columns: list[str]
) -> Iterator[tuple[int, Row | str]]:
    records = _csv_file(path)
    next(records)  # the header, already read
    for line, cells in records:
        yield (
            line,
            (
                cells
                if isinstance(cells, str)
                else _csv_row(cells, header, columns)
            ),
        )


def _parquet_file(path: Path) -> tuple[Any, Any]:
    """``(pyarrow, the opened ParquetFile)``, or a clear error."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "reading parquet needs pyarrow; install it with: pip install "
            "'customer-centric[all]' (or pip install pyarrow)"
        )
        raise click.ClickException(msg) from exc
    try:
        return pa, pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        msg = f"cannot read {path} as parquet: {exc}"
        raise click.ClickException(msg) from exc


def _parquet_row(batch: Any, index: int) -> Row | str:  # noqa: ANN401 - pyarrow is untyped
    try:
        row: Row = batch.slice(index, 1).to_pylist()[0]
    except (ValueError, OverflowError) as exc:
        return f"cannot read the row: {exc}"
    return row


def _rows_parquet(
    path: Path, columns: list[str]
) -> Iterator[tuple[int, Row | str]]:
    pa, parquet = _parquet_file(path)
    line = 1
    try:
        for batch in parquet.iter_batches(columns=columns):
            try:
                rows: list[Row | str] = batch.to_pylist()
            except (ValueError, OverflowError):  # a value Python cannot hold
                rows = [_parquet_row(batch, i) for i in range(batch.num_rows)]
            for row in rows:
                line += 1
                yield line, row
    except (pa.ArrowException, OSError) as exc:
        msg = f"cannot read {path} as parquet after row {line - 1:,}: {exc}"
        raise click.ClickException(msg) from exc


def _missing_columns(path: Path, missing: list[str], found: list[str]) -> None:
    msg = (
        f"{path} has no column {', '.join(repr(m) for m in missing)}; its "
        f"columns are {', '.join(repr(f) for f in found)}. Name yours with "
        "--customer-id-column, --date-column and --amount-column"
    )
    raise click.UsageError(msg)


def read_header(path: Path, /) -> list[str]:
    """The column names of a CSV or parquet file."""
    if path.suffix.lower() == ".parquet":
        return list(_parquet_file(path)[1].schema_arrow.names)
    with closing(_csv_file(path)) as records:
        return _csv_header(path, records)


def _check_columns(path: Path, header: list[str], columns: list[str]) -> None:
    missing = [c for c in columns if c not in header]
    if missing:
        _missing_columns(path, missing, header)
    twice = sorted({c for c in columns if header.count(c) > 1})
    if twice:
        msg = (
            f"{path} has more than one column named "
            f"{', '.join(repr(c) for c in twice)}; rename them so that each "
            "is named once"
        )
        raise click.UsageError(msg)


def _without_mixed_amounts(
    read: list[tuple[int, cc.Transaction]],
) -> tuple[list[tuple[int, cc.Transaction]], list[BadLine]]:
    """Rows without an amount, when others have one, are bad rows."""
    empty = [line for line, t in read if t.amount is None]
    if not empty or len(empty) == len(read):
        return read, []
    others = len(read) - len(empty)
    bad = [
        BadLine(
            line=line,
            problem=(
                f"the amount is empty while {others:,} other rows have one; "
                "give every row an amount, or none of them"
            ),
        )
        for line in empty
    ]
    return [(line, t) for line, t in read if t.amount is not None], bad


def read_transactions(
    path: Path,
    /,
    *,
    header: list[str],
    customer_column: str,
    date_column: str,
    amount_column: str | None,
    date_format: str | None,
    progress: Progress,
) -> tuple[list[cc.Transaction], list[BadLine], int]:
    """Every readable row as a Transaction, and the rows that are not.

    Also returns how many rows the file has (header and blank lines aside).
    """
    from pydantic import ValidationError  # noqa: PLC0415 - only when run

    columns = [customer_column, date_column]
    if amount_column is not None:
        columns.append(amount_column)
    _check_columns(path, header, columns)
    rows: Iterable[tuple[int, Row | str]] = (
        _rows_csv(path, header, columns)
        if path.suffix.lower() == ".csv"
        else _rows_parquet(path, columns)
    )
    task = progress.add_task("reading transactions", total=None)
    read: list[tuple[int, cc.Transaction]] = []
    bad: list[BadLine] = []
    count = 0
    for count, (line, row) in enumerate(rows, start=1):
        if count % _PROGRESS_EVERY == 0:
            progress.update(task, completed=count)
        if isinstance(row, str):
            bad.append(BadLine(line=line, problem=row))
            continue
        try:
            transaction = cc.Transaction(
                customer_id=parse_customer(row[customer_column]),
                occurred_at=parse_day(
                    row[date_column], date_format=date_format
                ),
                amount=(
                    parse_amount(row[amount_column])
                    if amount_column is not None
                    else None
                ),
            )
        except RowError as exc:
            bad.append(BadLine(line=line, problem=str(exc)))
        except ValidationError as exc:
            bad.append(
                BadLine(line=line, problem=describe_validation_error(exc))
            )
        else:
            read.append((line, transaction))
    if amount_column is not None:
        read, mixed = _without_mixed_amounts(read)
        bad = sorted([*bad, *mixed], key=lambda b: b.line)
    return [t for _, t in read], bad, count


def write_scores(path: Path, rows: list[dict[str, object]], /) -> None:
    """Write per-customer scores as CSV or parquet, by the file's suffix."""
    try:
        _write_scores(path, rows)
    except OSError as exc:
        msg = f"cannot write the scores to {path}: {exc.strerror or exc}"
        raise click.ClickException(msg) from exc


def _write_scores(path: Path, rows: list[dict[str, object]], /) -> None:
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow as pa  # noqa: PLC0415
            import pyarrow.parquet as pq  # noqa: PLC0415
        except ImportError as exc:
            msg = (
                "writing parquet needs pyarrow; install it with: pip "
                "install pyarrow, or write a .csv file"
            )
            raise click.ClickException(msg) from exc
        pq.write_table(pa.Table.from_pylist(rows), path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(
            {k: "" if v is None else v for k, v in row.items()} for row in rows
        )


def check_output(
    target: Path, /, *, inputs: Iterable[tuple[str, Path | None]]
) -> None:
    """Refuse an output that would overwrite an input or has no folder."""
    for what, source in inputs:
        if source is not None and target.exists() and target.samefile(source):
            msg = (
                f"{target} is the {what}; writing the scores there would "
                "overwrite it. Choose another --output"
            )
            raise click.UsageError(msg)
    if not target.parent.is_dir():
        msg = (
            f"cannot write the scores to {target}: {target.parent} is not "
            "an existing folder. Create it, or choose another --output"
        )
        raise click.UsageError(msg)


def _date_format_ok(
    _ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """A strptime format that can read back a date it wrote, or an error."""
    if value is not None:
        sample = datetime(2024, 1, 31, 13, 45, 30, tzinfo=UTC)
        try:
            datetime.strptime(sample.strftime(value), value)  # noqa: DTZ007
        except ValueError as exc:
            msg = (
                f"{value!r} is not a strptime format that reads dates "
                f"({exc}); use one such as %d/%m/%Y"
            )
            raise click.BadParameter(msg, param=param) from None
    return value


def _finite(
    _ctx: click.Context, param: click.Parameter, value: float | None
) -> float | None:
    """Refuse NaN and infinity, which FloatRange lets through."""
    if value is not None and not math.isfinite(value):
        msg = f"{value!r} is not a finite number"
        raise click.BadParameter(msg, param=param)
    return value


def _suffix_ok(
    _ctx: click.Context, param: click.Parameter, value: Path | None
) -> Path | None:
    if value is not None and value.suffix.lower() not in _SUFFIXES:
        msg = (
            f"{value} must end in .csv or .parquet, got "
            f"{value.suffix or 'no suffix'!r}"
        )
        raise click.BadParameter(msg, param=param)
    return value


@click.command()
@click.argument(
    "transactions_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    callback=_suffix_ok,
)
@click.option(
    "--customer-id-column", default="customer_id", show_default=True,
    help="Column with the customer identifier.",
)  # fmt: skip
@click.option(
    "--date-column", default="date", show_default=True,
    help="Column with the transaction date (or timestamp).",
)  # fmt: skip
@click.option(
    "--amount-column",
    default=None,
    help=(
        "Column with the amount paid. Default: 'amount' when the file has "
        "it; without amounts there is no spend model and no CLV."
    ),
)
@click.option(
    "--date-format",
    default=None,
    callback=_date_format_ok,
    help=(
        "strptime format of the dates, e.g. %d/%m/%Y. Default: ISO 8601 "
        "(2024-01-31, 20240131 or a timestamp)."
    ),
)
@click.option(
    "--time-unit",
    type=_TimeUnitChoice(),
    default="W",
    show_default=True,
    help="Unit of recency, T and horizon: day, week, month, quarter, year.",
)
@click.option(
    "--observation-end",
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help=(
        "Last day observed (YYYY-MM-DD); later transactions are ignored. "
        "Default: the day of the last transaction."
    ),
)
@click.option(
    "--horizon",
    type=click.FloatRange(min=0, min_open=True),
    callback=_finite,
    default=None,
    help="Horizon of the expected purchases, in --time-unit. Default: a year.",
)
@click.option(
    "--clv-months", type=click.IntRange(min=1, max=_MAX_CLV_MONTHS),
    default=12, show_default=True,
    help="Months of value summed in the CLV (at most 100 years).",
)  # fmt: skip
@click.option(
    "--discount-rate",
    type=click.FloatRange(min=0),
    callback=_finite,
    default=0.01,
    show_default=True,
    help="Discount rate per month for the CLV (0.01 is lifetimes' default).",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=(
        "A Policy as a .toml file, or JSON: its client_min_purchases sets "
        "the loyalty stage."
    ),
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_suffix_ok,
    default=None,
    help=(
        "Where to write the per-customer scores (.csv or .parquet). "
        "Default: TRANSACTIONS_FILE's name with .scores.csv, beside it."
    ),
)
@click.option(
    "--top", type=click.IntRange(min=0), default=10, show_default=True,
    help="How many of the most valuable customers to list.",
)  # fmt: skip
def score(  # noqa: PLR0917 - one parameter per command-line option
    transactions_file: Path,
    customer_id_column: str,
    date_column: str,
    amount_column: str | None,
    date_format: str | None,
    time_unit: TimeUnit,
    observation_end: datetime | None,
    horizon: float | None,
    clv_months: int,
    discount_rate: float,
    policy_file: Path | None,
    output: Path | None,
    top: int,
) -> None:
    """Fit BG/NBD and Gamma-Gamma on TRANSACTIONS_FILE and score customers.

    TRANSACTIONS_FILE is a .csv (with a header) or .parquet file with one
    row per transaction. The command computes the RFM summary, fits the
    BG/NBD purchase model and, when amounts are known, the Gamma-Gamma
    spend model, prints a summary of the customer base (expected
    purchases, the distribution of the probability of being alive, CLV by
    loyalty stage) and writes per-customer scores.

    The loyalty stage comes from the purchase count alone: customers with
    at least the policy's client_min_purchases purchases (the first one
    included; 3 by default, so 2 or more repeat purchases) are clients,
    the others customers. Referrals are not in transactions, so nobody is
    shown as an advocate.

    A row that cannot be read is reported on standard error as FILE:LINE:
    problem (lines as editors and grep -n number them) and left out; the
    other rows are still scored.

    Exit status: 0 on success, 1 when any row was rejected (the scores of
    the other rows are still written), when no row can be read or the
    models cannot be fitted (the message says why), 2 for a usage error.
    """
    console, errors = consoles()
    try:
        from customer_centric.cli import _clv_report  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "scoring needs the optional numerical models; install them "
            "with: pip install 'customer-centric[stats]'"
        )
        raise click.ClickException(msg) from exc
    policy = load_policy(policy_file)
    target = output or transactions_file.with_suffix(".scores.csv")
    check_output(
        target,
        inputs=[
            ("transactions file", transactions_file),
            ("policy file", policy_file),
        ],
    )
    header = read_header(transactions_file)
    if amount_column is None and "amount" in header:
        amount_column = "amount"
    with progress_bar(errors) as progress:
        transactions, bad, rows = read_transactions(
            transactions_file,
            header=header,
            customer_column=customer_id_column,
            date_column=date_column,
            amount_column=amount_column,
            date_format=date_format,
            progress=progress,
        )
    report_bad_lines(errors, str(transactions_file), bad)
    if not transactions:
        msg = f"{transactions_file} has no transactions" + (
            f": none of its {rows:,} rows can be read" if bad else ""
        )
        raise click.ClickException(msg)
    end = (
        observation_end.date()
        if observation_end is not None
        else max(t.day for t in transactions)
    )
    try:
        summary = cc.value.rfm_summary(
            transactions,
            observation_end=end,
            time_unit=time_unit,
            on_late="drop",
        )
        result = _clv_report.fit_and_score(
            summary,
            policy=policy,
            horizon=horizon or 365.25 / cc.value.days_per_unit(time_unit),
            horizon_months=clv_months,
            monthly_discount_rate=discount_rate,
        )
    except (DataError, ConvergenceError, InvariantError) as exc:
        raise click.ClickException(str(exc)) from exc
    _clv_report.render(console, result, top=top)
    write_scores(target, list(_clv_report.score_rows(result)))
    console.print()
    console.print(
        printable(f"wrote {len(summary):,} customer scores to {target}"),
        markup=False,
    )
    if bad:
        console.print(
            f"[bold red]{len(bad):,} of {rows:,} rows rejected[/bold red] "
            "and left out; see the messages on standard error."
        )
        raise SystemExit(1)
