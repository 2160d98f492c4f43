"""``customer-centric score``: fit the models on a transactions file."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, get_args

import click
from pydantic import ValidationError
from rich.console import Console

import customer_centric as cc
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

    from customer_centric._transactions import TimeUnit

_SUFFIXES: Final = (".csv", ".parquet")
_TIME_UNITS: Final = get_args(cc.TimeUnit)
_SHOWN_ROWS: Final = 20
_PROGRESS_EVERY: Final = 5_000


class RowError(ValueError):
    """A cell that cannot be read (internal; reported with its line)."""


def parse_day(value: object, /, *, date_format: str | None) -> date | datetime:
    """A transaction's date from a cell: a date, an ISO text or a format.

    Naive timestamps count on the calendar date written in them; aware ones
    are kept (the RFM summary counts them on their own calendar date).
    """
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
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
    text = "" if value is None else str(value).strip()
    if not text:
        msg = "the customer id is empty"
        raise RowError(msg)
    return cc.CustomerId(text)


def parse_amount(value: object, /) -> Decimal | None:
    """A transaction's amount from a cell; an empty cell is unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        msg = f"cannot read the amount {value!r} as a number"
        raise RowError(msg) from None
    return amount


def _rows_csv(path: Path) -> Iterator[tuple[int, Mapping[str, object]]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


def _parquet_file(path: Path) -> Any:  # noqa: ANN401 - pyarrow is untyped
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "reading parquet needs pyarrow; install it with: pip install "
            "'customer-centric[all]' (or pip install pyarrow)"
        )
        raise click.ClickException(msg) from exc
    return pq.ParquetFile(path)


def _rows_parquet(
    path: Path, columns: list[str]
) -> Iterator[tuple[int, Mapping[str, object]]]:
    parquet = _parquet_file(path)
    names = set(parquet.schema_arrow.names)
    missing = [c for c in columns if c not in names]
    if missing:
        _missing_columns(path, missing, sorted(names))
    line = 1
    for batch in parquet.iter_batches(columns=columns):
        for row in batch.to_pylist():
            line += 1
            yield line, row


def _missing_columns(path: Path, missing: list[str], found: list[str]) -> None:
    msg = (
        f"{path} has no column {', '.join(repr(m) for m in missing)}; its "
        f"columns are {', '.join(repr(f) for f in found)}. Name yours with "
        "--customer-id-column, --date-column and --amount-column"
    )
    raise click.UsageError(msg)


def _header(path: Path) -> list[str]:
    if path.suffix.lower() == ".parquet":
        return list(_parquet_file(path).schema_arrow.names)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def read_transactions(
    path: Path,
    /,
    *,
    customer_column: str,
    date_column: str,
    amount_column: str | None,
    date_format: str | None,
    progress: Progress,
) -> tuple[list[cc.Transaction], list[BadLine]]:
    """Every readable row as a Transaction, and the rows that are not."""
    columns = [customer_column, date_column]
    if amount_column is not None:
        columns.append(amount_column)
    if path.suffix.lower() == ".csv":
        header = _header(path)
        missing = [c for c in columns if c not in header]
        if missing:
            _missing_columns(path, missing, header)
        rows: Iterable[tuple[int, Mapping[str, object]]] = _rows_csv(path)
    else:
        rows = _rows_parquet(path, columns)
    task = progress.add_task("reading transactions", total=None)
    transactions: list[cc.Transaction] = []
    bad: list[BadLine] = []
    for count, (line, row) in enumerate(rows, start=1):
        if count % _PROGRESS_EVERY == 0:
            progress.update(task, completed=count)
        try:
            transactions.append(
                cc.Transaction(
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
            )
        except RowError as exc:
            bad.append(BadLine(line=line, problem=str(exc)))
        except ValidationError as exc:
            bad.append(
                BadLine(line=line, problem=describe_validation_error(exc))
            )
    return transactions, bad


def write_scores(path: Path, rows: list[dict[str, object]], /) -> None:
    """Write per-customer scores as CSV or parquet, by the file's suffix."""
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
    help=(
        "strptime format of the dates, e.g. %d/%m/%Y. Default: ISO 8601 "
        "(2024-01-31, 20240131 or a timestamp)."
    ),
)
@click.option(
    "--time-unit",
    type=click.Choice(_TIME_UNITS),
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
    default=None,
    help="Horizon of the expected purchases, in --time-unit. Default: a year.",
)
@click.option(
    "--clv-months", type=click.IntRange(min=1), default=12, show_default=True,
    help="Months of value summed in the CLV.",
)  # fmt: skip
@click.option(
    "--discount-rate",
    type=click.FloatRange(min=0),
    default=0.01,
    show_default=True,
    help="Discount rate per month for the CLV (0.01 is lifetimes' default).",
)
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A Policy as JSON: its client_min_purchases sets the loyalty stage.",
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

    Exit status: 0 on success, 1 when rows cannot be read or the models
    cannot be fitted (the message says why), 2 for a usage error.
    """
    console = Console(highlight=False)
    errors = Console(stderr=True, highlight=False)
    try:
        from customer_centric.cli import _clv_report  # noqa: PLC0415
    except ImportError as exc:
        msg = (
            "scoring needs the optional numerical models; install them "
            "with: pip install 'customer-centric[stats]'"
        )
        raise click.ClickException(msg) from exc
    policy = load_policy(policy_file)
    if amount_column is None and "amount" in _header(transactions_file):
        amount_column = "amount"
    with progress_bar(errors) as progress:
        transactions, bad = read_transactions(
            transactions_file,
            customer_column=customer_id_column,
            date_column=date_column,
            amount_column=amount_column,
            date_format=date_format,
            progress=progress,
        )
    if bad:
        report_bad_lines(errors, str(transactions_file), bad)
        msg = (
            f"{len(bad):,} row(s) of {transactions_file} cannot be read (see "
            "above); fix or remove them and run again"
        )
        raise click.ClickException(msg)
    if not transactions:
        msg = f"{transactions_file} has no transactions"
        raise click.ClickException(msg)
    end = (
        observation_end.date()
        if observation_end is not None
        else max(t.day for t in transactions)
    )
    try:
        summary = cc.rfm_summary(
            transactions,
            observation_end=end,
            time_unit=time_unit,
            on_late="drop",
        )
        result = _clv_report.fit_and_score(
            summary,
            policy=policy,
            horizon=horizon or 365.25 / cc.days_per_unit(time_unit),
            clv_months=clv_months,
            monthly_discount_rate=discount_rate,
        )
    except (DataError, ConvergenceError, InvariantError) as exc:
        raise click.ClickException(str(exc)) from exc
    _clv_report.render(console, result, top=top)
    target = output or transactions_file.with_suffix(".scores.csv")
    write_scores(target, list(_clv_report.score_rows(result)))
    console.print()
    console.print(f"wrote {len(summary):,} customer scores to {target}")
