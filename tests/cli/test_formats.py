"""``score`` input formats, the columnar and row-by-row paths, 80 columns."""

import csv
import gzip
import json
from collections.abc import Sequence
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

from customer_centric.cli import main
from customer_centric.cli._sources import Source, count_lines, sniff_delimiter

HEADER = ("customer_id", "date", "amount")


def _rows() -> list[tuple[str, str, str]]:
    """A small base the models can fit: 150 customers, BG/NBD-like."""
    rng = np.random.default_rng(5)
    start = date(2024, 1, 1)
    rows = []
    for n in range(150):
        first = start + timedelta(days=int(rng.integers(0, 60)))
        days = {first}
        rate, dropout = rng.gamma(0.6, 1 / 8), rng.beta(0.8, 2.5)
        t = 0.0
        while rng.random() >= dropout and t <= 300:
            t += rng.exponential(1 / rate)
            days.add(first + timedelta(days=int(min(t, 300))))
        rows += [
            (f"K{n:03d}", day.isoformat(), f"{rng.gamma(6.0, 4.0):.2f}")
            for day in sorted(days)
        ]
    return rows


ROWS = _rows()
BAD = [
    ("", "2024-02-01", "5.00"),
    ("F", "2024-02-30", "5.00"),
    ("G", "2024-02-01", "-5.00"),
    ("H", "2024-02-01", "ten"),
]
REASONS = [
    "the customer id is empty",
    "cannot read the date '2024-02-30'",
    "amount: Value error, amount must be a finite, non-negative amount",
    "cannot read the amount 'ten' as a number",
]


def run(*args: str, columns: int = 200) -> Result:
    """Invoke the command line at a terminal width."""
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(columns)})


def csv_text(rows: Sequence[tuple[str, ...]], delimiter: str = ",") -> str:
    """The rows under the header, as CSV text."""
    return "".join(delimiter.join(r) + "\n" for r in [HEADER, *rows])


def scores(path: Path) -> dict[str, dict[str, str]]:
    """The written scores, by customer."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["customer_id"]: row for row in csv.DictReader(handle)}


def write(path: Path, text: str) -> Path:
    """Write ``text``, gzip-compressed when the name ends in .gz."""
    data = text.encode()
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def jsonl_text(rows: Sequence[tuple[str, ...]]) -> str:
    """The rows as JSON Lines, amounts as numbers where they are."""
    lines = []
    for customer, day, amount in rows:
        try:
            value: object = float(amount)
        except ValueError:
            value = amount
        lines.append(
            json.dumps({"customer_id": customer, "date": day, "amount": value})
        )
    return "\n".join(lines) + "\n"


@pytest.fixture(params=["columnar", "row-by-row"])
def path_kind(request: pytest.FixtureRequest) -> str:
    """Each test runs on both reading paths."""
    if request.param == "row-by-row":
        request.getfixturevalue("row_by_row")
    return str(request.param)


@pytest.mark.parametrize(
    ("name", "text", "extra"),
    [
        ("log.csv", csv_text(ROWS), []),
        ("log.csv", csv_text(ROWS, ";"), []),
        ("log.tsv", csv_text(ROWS, "\t"), []),
        ("log.csv", csv_text(ROWS, "|"), ["--delimiter", "|"]),
        ("log.txt", csv_text(ROWS, "\t"), ["--format", "csv",
                                            "--delimiter", "\\t"]),
        ("log.csv.gz", csv_text(ROWS), []),
        ("log.jsonl", jsonl_text(ROWS), []),
        ("log.ndjson.gz", jsonl_text(ROWS), []),
    ],
    ids=["comma", "semicolon", "tab", "pipe-given", "tab-given", "gzip",
         "jsonl", "jsonl-gzip"],
)  # fmt: skip
def test_every_format_gives_the_same_scores(
    tmp_path: Path, path_kind: str, name: str, text: str, extra: list[str]
) -> None:
    """CSV with any delimiter, gzip and JSON Lines score alike."""
    reference = tmp_path / "reference.csv"
    write(reference, csv_text(ROWS))
    expected = tmp_path / "expected.csv"
    assert run("score", str(reference), "-o", str(expected)).exit_code == 0
    source = write(tmp_path / name, text)
    out = tmp_path / "out.csv"
    result = run("score", str(source), *extra, "-o", str(out))
    assert result.exit_code == 0, (path_kind, result.output)
    assert scores(out).keys() == scores(expected).keys()
    # The summaries are equal; the fits may differ in the last digits
    # (sums add in any order) and move further on this flat likelihood.
    for customer, row in scores(expected).items():
        for column in ("frequency", "recency", "T", "monetary_value"):
            assert float(scores(out)[customer][column]) == pytest.approx(
                float(row[column]), rel=1e-9
            )


def test_parquet_with_dates_scores(tmp_path: Path, path_kind: str) -> None:
    """A parquet file with a date column and float amounts is scored."""
    import pyarrow as pa  # type: ignore[import-untyped]  # noqa: PLC0415
    import pyarrow.parquet as pq  # type: ignore[import-untyped]  # noqa: PLC0415

    source = tmp_path / "log.parquet"
    pq.write_table(
        pa.table(
            {
                "customer_id": [r[0] for r in ROWS],
                "date": [date.fromisoformat(r[1]) for r in ROWS],
                "amount": [float(r[2]) for r in ROWS],
            }
        ),
        source,
    )
    result = run("score", str(source), "-o", str(tmp_path / "s.parquet"))
    assert result.exit_code == 0, (path_kind, result.output)
    assert pq.read_table(tmp_path / "s.parquet").num_rows == 150


@pytest.mark.parametrize(
    ("name", "text", "extra"),
    [
        ("log.csv", csv_text(ROWS + BAD), []),
        ("log.csv.gz", csv_text(ROWS + BAD), []),
        ("log.jsonl", jsonl_text(ROWS + BAD), []),
    ],
    ids=["csv", "gzip", "jsonl"],
)
def test_bad_rows_are_kept_out_and_reported(
    tmp_path: Path, path_kind: str, name: str, text: str, extra: list[str]
) -> None:
    """Each bad row: its line and reason on stderr, in the table and file."""
    source = write(tmp_path / name, text)
    rejected = tmp_path / "[bold]rejected.csv"
    out = tmp_path / "out.csv"
    result = run(
        "score", str(source), *extra, "-o", str(out),
        "--rejected", str(rejected),
    )  # fmt: skip
    assert result.exit_code == 1, (path_kind, result.output)
    first = len(ROWS) + (2 if name.startswith("log.csv") else 1)
    lines = list(range(first, first + len(BAD)))
    for line, reason in zip(lines, REASONS, strict=True):
        assert f"{source}:{line}: {reason}" in result.stderr
    with rejected.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert [int(r["line"]) for r in written] == lines
    total = len(ROWS) + len(BAD)
    assert f"Rejected rows: 4 of {total:,} left out" in result.stdout
    assert "[bold]rejected.csv" in " ".join(result.stdout.split())
    assert f"4 of {total:,} rows rejected" in result.stdout
    assert len(scores(out)) == 150


def test_cdnow_format_scores_the_shipped_sample(tmp_path: Path) -> None:
    """--format cdnow reads CDNOW's own layout, gzip-compressed too."""
    text = files("customer_centric").joinpath("data", "CDNOW_sample.txt")
    source = write(tmp_path / "CDNOW_sample.txt.gz", text.read_text())
    out = tmp_path / "cdnow.csv"
    result = run(
        "score", str(source), "--format", "cdnow", "--as-of", "1997-09-30",
        "--top", "0", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2,357 customers, 2,457 repeat purchases" in result.stdout
    assert len(scores(out)) == 2_357


def test_cdnow_format_reports_short_lines(
    tmp_path: Path, path_kind: str
) -> None:
    """A CDNOW line without four fields is a bad row with its number."""
    lines = [
        "00001 19970101 1 10.00", "00001 19970201 1 12.00",
        "00001 19970301 2 14.00", "00002 19970105 1 5.00",
        "00002 19970305", "00003 19970110 1 9.00", "00003 19970610 1 9.00",
        "00004 19970112 1 4.00", "", "00004 19970412 1 8.00",
    ]  # fmt: skip
    source = write(tmp_path / "CDNOW_master.txt", "\n".join(lines) + "\n")
    result = run("score", str(source), "--format", "cdnow",
                 "-o", str(tmp_path / "o.csv"))  # fmt: skip
    assert result.exit_code == 1, (path_kind, result.output)
    assert f"{source}:5: the line has 2 fields" in result.stderr


def test_tables_fit_80_columns(tmp_path: Path) -> None:
    """At 80 columns no number, word or reason is cut short."""
    long_reason = [("I" * 30, "2024-13-45", "x" * 70)]
    source = write(tmp_path / "log.csv", csv_text(ROWS + long_reason))
    result = run("score", str(source), "-o", str(tmp_path / "o.csv"),
                 columns=80)  # fmt: skip
    assert result.exit_code == 1
    assert "…" not in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "Client" in result.stdout  # labels, not codes
    assert "client" in (tmp_path / "o.csv").read_text()  # codes in files


@pytest.mark.parametrize(
    ("name", "content", "extra", "message"),
    [
        ("log.dat", b"a", [], "cannot tell the format of"),
        ("log.parquet.gz", gzip.compress(b"x"), [], "is gzip-compressed"),
        ("log.csv", b"a,b\n", ["--delimiter", ";;"], "is not one character"),
        ("log.csv.gz", b"\x1f\x8bnot gzip", [], "compression method"),
    ],
    ids=["unknown", "gzip-parquet", "delimiter", "broken-gzip"],
)
def test_input_errors_are_clear(
    tmp_path: Path, name: str, content: bytes, extra: list[str], message: str
) -> None:
    """An input the command cannot read: one message, no traceback."""
    source = tmp_path / name
    source.write_bytes(content)
    result = run("score", str(source), *extra)
    assert result.exit_code in {1, 2}
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_a_file_without_polars_line_numbers_falls_back(tmp_path: Path) -> None:
    """A quoted cell over two lines: numbered as the file numbers lines."""
    rows = [*ROWS[:3], ('"X\nY"', "2024-01-05", "1.00"), *ROWS[3:]]
    text = csv_text([*rows, ("", "2024-01-05", "1.00")])
    source = write(tmp_path / "log.csv", text)
    result = run("score", str(source), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 1
    line = len(ROWS) + 4  # the header, and the record on two lines
    assert f"{source}:{line}: the customer id is empty" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a\nb\n", (2, False)),
        (b"a\nb", (2, False)),
        (b"a\r\nb\r\n", (2, False)),
        (b"a\rb\n", (1, True)),
        (b"a\r", (1, True)),
        (b"", (0, False)),
    ],
    ids=["lf", "no-final-lf", "crlf", "lone-cr", "final-cr", "empty"],
)
def test_count_lines(tmp_path: Path, content: bytes, expected: object) -> None:
    """Lines as grep -n counts them, and lone carriage returns."""
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    source = Source(path=path, format="csv", compressed=False)
    assert count_lines(source) == expected


def test_sniffing_without_any_candidate_is_a_comma(tmp_path: Path) -> None:
    """A one-column header holds no delimiter: a comma is assumed."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"customer_id\nA\n")
    source = Source(path=path, format="csv", compressed=False)
    assert sniff_delimiter(source) == ","


def test_jsonl_lines_that_are_not_transactions(
    tmp_path: Path, path_kind: str
) -> None:
    """Bad JSON, a JSON array and Latin-1 bytes: bad rows by line."""
    good = jsonl_text(ROWS).encode()
    bad = b'{"customer_id": "Z", oops\n[1, 2]\n{"customer_id": "Jos\xe9"}\n'
    source = tmp_path / "log.jsonl"
    source.write_bytes(b"\n[0]\n" + good + bad)
    result = run("score", str(source), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 1, (path_kind, result.output)
    first = len(ROWS) + 3
    found = {
        line.split(": ", 1)[0].rsplit(":", 1)[1]: line
        for line in result.stderr.splitlines()
    }
    assert "the line is JSON list, not an object" in found["2"]
    assert "cannot read the line as JSON" in found[str(first)]
    assert "the line is JSON list" in found[str(first + 1)]
    assert "not UTF-8 text: byte 0xe9" in found[str(first + 2)]


def test_cdnow_lines_that_are_not_utf8(tmp_path: Path, path_kind: str) -> None:
    """A CDNOW line with a Latin-1 byte is a bad row; blank lines are none."""
    text = files("customer_centric").joinpath("data", "CDNOW_sample.txt")
    source = tmp_path / "cdnow.txt"
    source.write_bytes(
        text.read_bytes() + b"\n" + b"00001 0001 1997010\xe9 1 9.99\n"
    )
    result = run(
        "score", str(source), "--format", "cdnow", "--top", "0",
        "-o", str(tmp_path / "o.csv"),
    )  # fmt: skip
    assert result.exit_code == 1, (path_kind, result.output)
    assert f"{source}:6921: not UTF-8 text" in result.stderr
    assert "1 of 6,920 rows rejected" in result.stdout


def test_rows_of_empty_cells_are_blank_lines(
    tmp_path: Path, path_kind: str
) -> None:
    """A line of delimiters only is skipped, as a blank line is."""
    source = write(tmp_path / "log.csv", csv_text([*ROWS[:5], ("", "", ""),
                                                  *ROWS[5:]]))  # fmt: skip
    result = run("score", str(source), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 0, (path_kind, result.output)


def test_outputs_must_be_csv_or_parquet(tmp_path: Path) -> None:
    """--output names a .csv or .parquet file."""
    source = write(tmp_path / "log.csv", csv_text(ROWS))
    result = run("score", str(source), "-o", str(tmp_path / "o.txt"))
    assert result.exit_code == 2
    assert "must end in .csv or .parquet" in result.stderr


def test_rejected_file_that_cannot_be_written(tmp_path: Path) -> None:
    """--rejected in a missing folder: a clear error, exit status 1."""
    source = write(tmp_path / "log.csv", csv_text(ROWS + BAD))
    result = run("score", str(source), "-o", str(tmp_path / "o.csv"),
                 "--rejected", str(tmp_path / "no" / "r.csv"))  # fmt: skip
    assert result.exit_code == 1
    assert "cannot write the rejected rows to" in result.stderr


@pytest.mark.usefixtures("row_by_row")
def test_without_polars_scores_write_parquet_and_empty_columns(
    tmp_path: Path,
) -> None:
    """Row by row, without amounts: parquet written by pyarrow, nulls."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    source = write(tmp_path / "log.csv",
                   csv_text([(*r[:2], "") for r in ROWS]))  # fmt: skip
    out = tmp_path / "o.parquet"
    result = run("score", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    assert table.num_rows == 150
    assert table.column("clv").null_count == 150


def test_jsonl_header_comes_from_the_first_object(tmp_path: Path) -> None:
    """Lines before the first readable object do not hide its keys."""
    source = tmp_path / "log.jsonl"
    source.write_bytes(
        b'{"customer_id": "\xe9"}\n' + jsonl_text(ROWS).encode()
    )
    result = run("score", str(source), "-o", str(tmp_path / "o.csv"))
    assert result.exit_code == 1
    assert f"{source}:1: not UTF-8 text" in result.stderr


def test_jsonl_without_any_object_names_no_columns(tmp_path: Path) -> None:
    """No JSON object at all: the columns are missing, a usage error."""
    source = write(tmp_path / "log.jsonl", "[1]\n[2]\n")
    result = run("score", str(source))
    assert result.exit_code == 2
    assert "has no column 'customer_id'" in result.stderr
