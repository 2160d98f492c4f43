"""``customer-centric score``: fit the models on a transactions file."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, get_args

import click

import customer_centric as cc
from customer_centric.cli._cells import judge_row, mixed_amounts_problem
from customer_centric.cli._files import consoles, printable, shown
from customer_centric.cli._relationships import (
    BadLine,
    progress_bar,
    report_bad_lines,
)
from customer_centric.cli._replay import load_policy
from customer_centric.cli._sources import (
    CDNOW_COLUMNS,
    FORMATS,
    Columns,
    Format,
    Row,
    Source,
    csv_records,
    jsonl_header,
    open_text,
    source_of,
    text_rows,
)
from customer_centric.exceptions import (
    ConvergenceError,
    DataError,
    InvariantError,
)

if TYPE_CHECKING:
    from types import ModuleType

    from rich.progress import Progress
    from rich.table import Table

    from customer_centric.cli._clv_report import Base, ScoreColumns
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


def read_header(source: Source, /) -> list[str]:
    """The column names of a transactions file."""
    if source.format == "parquet":
        return list(_parquet_file(source.path)[1].schema_arrow.names)
    if source.format == "cdnow":
        return list(CDNOW_COLUMNS)
    if source.format == "jsonl":
        return jsonl_header(source)
    with open_text(source) as handle:
        return _csv_header(source.path, csv_records(handle, source.delimiter))


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
        BadLine(line=line, problem=mixed_amounts_problem(others))
        for line in empty
    ]
    return [(line, t) for line, t in read if t.amount is not None], bad


def read_transactions(
    source: Source,
    /,
    *,
    header: list[str],
    columns: Columns,
    progress: Progress,
) -> tuple[list[cc.Transaction], list[BadLine], int]:
    """Every readable row as a Transaction, and the rows that are not.

    The pure-Python path. Also returns how many rows the file has (header
    and blank lines aside).
    """
    rows: Iterable[tuple[int, Row | str]] = (
        _rows_parquet(source.path, columns.names)
        if source.format == "parquet"
        else text_rows(source, header=header, columns=columns.names)
    )
    task = progress.add_task("reading transactions", total=None)
    read: list[tuple[int, cc.Transaction]] = []
    bad: list[BadLine] = []
    count = 0
    for count, (line, row) in enumerate(rows, start=1):
        if count % _PROGRESS_EVERY == 0:
            progress.update(task, completed=count)
        result = judge_row(row, columns)
        if isinstance(result, str):
            bad.append(BadLine(line=line, problem=result))
        else:
            read.append((line, result))
    progress.update(task, total=count, completed=count)
    if columns.amount is not None:
        read, mixed = _without_mixed_amounts(read)
        bad = sorted([*bad, *mixed], key=lambda b: b.line)
    return [t for _, t in read], bad, count


def write_scores(path: Path, columns: ScoreColumns, /) -> None:
    """Write per-customer scores as CSV or parquet, by the file's suffix."""
    try:
        _write_scores(path, columns)
    except OSError as exc:
        msg = f"cannot write the scores to {path}: {exc.strerror or exc}"
        raise click.ClickException(msg) from exc


def _write_scores(path: Path, columns: ScoreColumns, /) -> None:
    try:
        import polars as pl  # noqa: PLC0415 - optional, and much faster
    except ImportError:
        pass
    else:
        frame = pl.DataFrame(dict(columns), strict=False)
        # A column without values (no amounts) is written as numbers.
        frame = frame.with_columns(pl.col(pl.Null).cast(pl.Float64))
        if path.suffix.lower() == ".parquet":
            frame.write_parquet(path)
        else:
            frame.write_csv(path)
        return
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
        pq.write_table(pa.table(dict(columns)), path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(
            ["" if v is None else v for v in row]
            for row in zip(*columns.values(), strict=True)
        )


def write_rejected(path: Path, bad: Sequence[BadLine], /) -> None:
    """Write every rejected row's line and reason as CSV."""
    try:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "problem"])
            writer.writerows([b.line, b.problem] for b in bad)
    except OSError as exc:
        msg = (
            f"cannot write the rejected rows to {path}: {exc.strerror or exc}"
        )
        raise click.ClickException(msg) from exc


def rejected_table(
    bad: Sequence[BadLine], /, *, rows: int, rejected: Path | None
) -> Table:
    """The first rejected rows with their reasons, for people to read."""
    from rich.table import Table  # noqa: PLC0415 - only when drawing

    listed = bad[:_SHOWN_ROWS]
    where = "standard error" + (
        f" and {rejected}" if rejected is not None else ""
    )
    table = Table(
        # The file name is the user's: shown as written, never as markup.
        title=shown(
            f"Rejected rows: {len(bad):,} of {rows:,} left out "
            f"(the first {len(listed):,} here; all in {where})"
        ),
        title_justify="left",
    )
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("why the row was left out", overflow="fold")
    for item in listed:
        table.add_row(str(item.line), shown(item.problem))
    return table


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


def _one_character(
    _ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    r"""A delimiter of one character; ``\t`` stands for a tab."""
    if value is None:
        return None
    value = value.replace("\\t", "\t")
    if len(value) != 1:
        msg = f"{value!r} is not one character; pass e.g. ';' or '\\t'"
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
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default=None,
    help=(
        "The file's layout. Default: from its name (.csv, .tsv, .parquet, "
        ".jsonl, .ndjson, each but parquet optionally .gz). cdnow reads "
        "CDNOW_master.txt as it is: id, date YYYYMMDD, quantity, amount, "
        "separated by spaces."
    ),
)
@click.option(
    "--delimiter",
    default=None,
    callback=_one_character,
    help=(
        "The CSV delimiter, one character (\\t for a tab). Default: the "
        "one of , ; tab | that the header line holds most of."
    ),
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
    "--rejected",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write every rejected row's line and reason to this CSV file.",
)
@click.option(
    "--top", type=click.IntRange(min=0), default=10, show_default=True,
    help="How many of the most valuable customers to list.",
)  # fmt: skip
def score(  # noqa: PLR0917 - one parameter per command-line option
    transactions_file: Path,
    format_: Format | None,
    delimiter: str | None,
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
    rejected: Path | None,
    top: int,
) -> None:
    """Fit BG/NBD and Gamma-Gamma on TRANSACTIONS_FILE and score customers.

    TRANSACTIONS_FILE has one row per transaction: CSV with a header (any
    delimiter), parquet, JSON Lines, or CDNOW_master.txt's layout with
    --format cdnow; CSV, JSON Lines and CDNOW files may be gzip-compressed.
    With polars installed the rows are read and summarised in columns;
    otherwise row by row. The command computes the RFM summary, fits the
    BG/NBD purchase model and, when amounts are known, the Gamma-Gamma
    spend model, prints a summary of the customer base (expected
    purchases, the distribution of the probability of being alive, CLV by
    loyalty stage) and writes per-customer scores.

    The loyalty stage comes from the purchase count alone: customers with
    at least the policy's client_min_purchases purchases (the first one
    included; 3 by default, so 2 or more repeat purchases) are clients,
    the others customers. Referrals are not in transactions, so nobody is
    shown as an advocate.

    A row that cannot be read (an empty customer id, a date that is not a
    date, an amount that is not a non-negative number, ...) is reported on
    standard error as FILE:LINE: problem (lines as editors and grep -n
    number them), listed in a table after the report (and written to
    --rejected), and left out; the other rows are still scored.

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
    source = source_of(transactions_file, format_=format_, delimiter=delimiter)
    header = read_header(source)
    if source.format == "cdnow":
        customer_id_column, date_column = CDNOW_COLUMNS[0], CDNOW_COLUMNS[1]
        amount_column = CDNOW_COLUMNS[3]
    if amount_column is None and "amount" in header:
        amount_column = "amount"
    columns = Columns(
        customer=customer_id_column,
        date=date_column,
        amount=amount_column,
        date_format=date_format,
    )
    _check_columns(transactions_file, header, columns.names)
    end = observation_end.date() if observation_end is not None else None
    with progress_bar(errors) as progress:
        base, bad, rows = _summary(
            source,
            header=header,
            columns=columns,
            observation_end=end,
            time_unit=time_unit,
            progress=progress,
        )
    report_bad_lines(errors, str(transactions_file), bad)
    if rejected is not None:
        write_rejected(rejected, bad)
    if base is None:
        msg = f"{transactions_file} has no transactions" + (
            f": none of its {rows:,} rows can be read" if bad else ""
        )
        raise click.ClickException(msg)
    with progress_bar(errors) as progress:
        try:
            result = _clv_report.fit_and_score(
                base,
                policy=policy,
                horizon=horizon or 365.25 / cc.value.days_per_unit(time_unit),
                horizon_months=clv_months,
                monthly_discount_rate=discount_rate,
                progress=progress,
            )
        except (DataError, ConvergenceError, InvariantError) as exc:
            raise click.ClickException(str(exc)) from exc
        task = progress.add_task("writing scores", total=len(base))
        write_scores(target, _clv_report.score_columns(result))
        progress.update(task, completed=len(base))
    _clv_report.render(console, result, top=top)
    console.print()
    console.print(
        printable(f"wrote {len(base):,} customer scores to {target}"),
        markup=False,
    )
    if bad:
        console.print()
        console.print(rejected_table(bad, rows=rows, rejected=rejected))
        console.print(
            f"[bold red]{len(bad):,} of {rows:,} rows rejected[/bold red] "
            "and left out; see the messages on standard error."
        )
        raise SystemExit(1)


def _columnar_module() -> ModuleType | None:
    """The columnar path, or ``None`` without polars and narwhals."""
    try:
        from customer_centric.cli import _columnar  # noqa: PLC0415
    except ImportError:
        return None
    return _columnar


def _summary(
    source: Source,
    /,
    *,
    header: list[str],
    columns: Columns,
    observation_end: date | None,
    time_unit: TimeUnit,
    progress: Progress,
) -> tuple[Base | None, list[BadLine], int]:
    """The RFM summary (``None`` without good rows), bad rows, row count.

    Columnar when polars is installed; row by row otherwise, or when the
    columnar path cannot trust its line numbers.
    """
    from customer_centric.cli import _clv_report  # noqa: PLC0415 - checked

    _columnar = _columnar_module()
    if _columnar is None:
        transactions, bad, rows = read_transactions(
            source, header=header, columns=columns, progress=progress
        )
        if not transactions:
            return None, bad, rows
        end = observation_end or max(t.day for t in transactions)
        summary = cc.value.rfm_summary(
            transactions, observation_end=end, time_unit=time_unit,
            on_late="drop",
        )  # fmt: skip
        return _clv_report.Base.from_summary(summary), bad, rows
    cleaned = _columnar.read_columnar(
        source, header=header, columns=columns, progress=progress
    )
    if cleaned is not None:
        frame, bad, rows = cleaned.frame, cleaned.bad, cleaned.rows
    else:
        transactions, bad, rows = read_transactions(
            source, header=header, columns=columns, progress=progress
        )
        frame = _columnar.frame_of(
            transactions, amounts=columns.amount is not None
        )
    if frame.is_empty():
        return None, bad, rows
    base = _columnar.summarise(
        frame,
        observation_end=observation_end,
        time_unit=time_unit,
        progress=progress,
    )
    return base, bad, rows
