"""Bad files and bad option values on the command line: clear messages.

Each case gives a message that names the problem and an exit status, never
a Python traceback, and ``replay`` and ``score`` still use every good line.
"""

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

import customer_centric as cc
from customer_centric.cli import main

# -- helpers --------------------------------------------------------------


def run(*args: str) -> Result:
    """Invoke the command line with a wide terminal."""
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})


def no_traceback(result: Result) -> None:
    """The run ended by an exit status, not by an uncaught exception."""
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output


def event(kind: str, customer: str, when: str, **payload: object) -> bytes:
    """One JSON Lines event, as bytes."""
    line = {"kind": kind, "customer_id": customer, "occurred_at": when}
    return json.dumps({**line, **payload}).encode()


FIRST = event("first_purchase", "A", "2025-01-02T09:00:00Z")
AGAIN = event("repeat_purchase", "A", "2025-02-01T09:00:00Z")
OTHER = event("first_purchase", "B", "2025-01-05T09:00:00Z")


def write_lines(path: Path, lines: list[bytes], end: bytes = b"\n") -> Path:
    """Write ``lines`` as they are, each ended by ``end``."""
    path.write_bytes(b"".join(line + end for line in lines))
    return path


def errors_by_line(result: Result, path: Path) -> dict[int, str]:
    """The FILE:LINE: problem messages on standard error, by line."""
    found: dict[int, str] = {}
    for message in result.stderr.splitlines():
        assert message.startswith(f"{path}:"), message
        number, problem = message.removeprefix(f"{path}:").split(": ", 1)
        found[int(number)] = problem
    return found


# -- replay: encodings and line numbers -----------------------------------


def test_replay_reads_a_first_line_after_a_byte_order_mark(tmp_path: Path):
    """A UTF-8 byte-order mark does not make the first line bad."""
    events = write_lines(
        tmp_path / "events.jsonl", [b"\xef\xbb\xbf" + FIRST, AGAIN]
    )
    result = run("replay", str(events))
    assert result.exit_code == 0, result.output
    assert "all 2 event lines accepted" in result.stdout


def test_replay_reads_policy_and_customers_after_a_byte_order_mark(
    tmp_path: Path,
):
    """The policy and customers files may start with a byte-order mark."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        client_min_purchases=2
    )
    policy_file = tmp_path / "policy.json"
    policy_file.write_bytes(
        b"\xef\xbb\xbf" + policy.model_dump_json().encode()
    )
    customer = cc.Customer.from_facts(
        "A", is_employee=True, buys_for_resale=False
    )
    customers = write_lines(
        tmp_path / "customers.jsonl",
        [b"\xef\xbb\xbf" + customer.model_dump_json().encode()],
    )
    events = write_lines(tmp_path / "events.jsonl", [FIRST])
    result = run(
        "replay", str(events), "--policy", str(policy_file),
        "--customers", str(customers),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert policy.fingerprint[:12] in result.stdout
    assert "customer types: internal 1" in result.stdout


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (
            event("first_purchase", "Jos\xe9", "2025-01-03T09:00:00Z").replace(
                b"\\u00e9", b"\xe9"
            ),
            "not UTF-8 text: byte 0xe9 at column 47",
        ),
        (bytes(range(128, 256)), "not UTF-8 text: byte 0x80 at column 1"),
        (bytes(range(32, 127)), "Invalid JSON"),
    ],
    ids=["latin-1", "random-high-bytes", "random-ascii"],
)
def test_replay_reports_undecodable_lines_and_keeps_the_rest(
    tmp_path: Path, bad: bytes, problem: str
):
    """A line that is not UTF-8 (or not JSON) is reported; the rest apply."""
    events = write_lines(tmp_path / "events.jsonl", [FIRST, bad, AGAIN])
    result = run("replay", str(events))
    no_traceback(result)
    assert result.exit_code == 1
    assert list(errors_by_line(result, events)) == [2]
    assert errors_by_line(result, events)[2].startswith(problem)
    assert "2 events applied" in result.stdout


def test_replay_customers_file_reports_lines_that_are_not_utf8(
    tmp_path: Path,
):
    """A customers line in Latin-1 is reported; the other customers count."""
    customer = cc.Customer.from_facts(
        "B", is_employee=False, buys_for_resale=True
    )
    customers = write_lines(
        tmp_path / "customers.jsonl",
        [b'{"customer_id": "Jos\xe9"}', customer.model_dump_json().encode()],
    )
    events = write_lines(tmp_path / "events.jsonl", [FIRST])
    result = run("replay", str(events), "--customers", str(customers))
    assert result.exit_code == 1
    assert f"{customers}:1: not UTF-8 text: byte 0xe9" in result.stderr
    assert "customer types: intermediate 1" in result.stdout


@pytest.mark.parametrize(
    ("end", "stray"),
    [(b"\n", b"\r"), (b"\r\n", b"\r"), (b"\n", b"\r\n")],
    ids=["lone-cr", "crlf-file-lone-cr", "lf-file-crlf-line"],
)
def test_replay_numbers_lines_as_the_file_does(
    tmp_path: Path, end: bytes, stray: bytes
):
    """Only line feeds end lines: a carriage return shifts no later number."""
    lines = [FIRST, OTHER + b"\r" + AGAIN, b"{bad", AGAIN]
    if stray == b"\r\n":
        lines[1] = OTHER + b"\r"
    events = write_lines(tmp_path / "events.jsonl", lines, end)
    result = run("replay", str(events))
    assert result.exit_code == 1
    found = errors_by_line(result, events)
    assert found[3].startswith("Invalid JSON")
    if stray == b"\r":
        assert "trailing characters" in found[2]
    else:
        assert list(found) == [3]


def test_replay_reports_line_100_with_its_number(tmp_path: Path):
    """':100:' in a message stays text, not an emoji that eats the number."""
    good = [
        event("first_purchase", f"C{n}", "2025-01-02T09:00:00Z")
        for n in range(99)
    ]
    events = write_lines(tmp_path / "events.jsonl", [*good, b"{bad"])
    result = run("replay", str(events))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{events}:100: Invalid JSON")


@pytest.mark.parametrize(
    "customer",
    ["x[/]y", "[bold]z[/bold]", ":100:", "[red", "back\\"],
    ids=["closing-tag", "style", "emoji-code", "open-bracket", "backslash"],
)
def test_replay_shows_customer_ids_as_written(tmp_path: Path, customer: str):
    """Customer ids are text, never terminal markup or emoji codes."""
    events = write_lines(
        tmp_path / "events.jsonl",
        [
            event("first_purchase", customer, "2025-01-02T09:00:00Z"),
            event(
                "complaint_filed",
                customer,
                "2025-01-09T09:00:00Z",
                severity="critical",
            ),
            event("reactivated", customer, "2025-01-10T09:00:00Z"),
        ],
    )
    result = run("replay", str(events))
    no_traceback(result)
    assert result.exit_code == 1
    assert "Intensive care: 1 of 1" in result.stdout
    assert f"│ {customer} " in result.stdout
    assert f"customer {customer!r}" in errors_by_line(result, events)[3]


def test_replay_shows_control_characters_as_escapes(tmp_path: Path):
    """An escape sequence in a customer id is shown, not sent to the tty."""
    customer = "evil\x1b[2J\x07\nid"
    events = write_lines(
        tmp_path / "events.jsonl",
        [
            event("first_purchase", customer, "2025-01-02T09:00:00Z"),
            event(
                "complaint_filed",
                customer,
                "2025-01-09T09:00:00Z",
                severity="critical",
            ),
        ],
    )
    result = run("replay", str(events))
    assert result.exit_code == 0, result.output
    assert "│ evil\\x1b[2J\\x07\\nid " in result.stdout
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (
            event(
                "complaint_filed",
                "A",
                "2025-01-09T09:00:00Z",
                severity="bogus",
            ),
            "(got 'bogus')",
        ),
        (b"null", "Input should be an object (got None)"),
        (b'"text"', "(got 'text')"),
        (
            event("first_purchase", "A", "2025-01-09T09:00:00Z", amount="x"),
            "(got 'x')",
        ),
        (
            event(
                "first_purchase", "A", "2025-01-09T09:00:00Z", amount="N" * 99
            ),
            "(got '" + "N" * 56 + "...)",
        ),
    ],
    ids=["literal", "null", "string", "amount", "long-value"],
)
def test_replay_messages_show_the_bad_value(
    tmp_path: Path, line: bytes, shown: str
):
    """A field that cannot be read is reported with the value it held."""
    events = write_lines(tmp_path / "events.jsonl", [OTHER, line])
    result = run("replay", str(events))
    assert result.exit_code == 1
    assert shown in errors_by_line(result, events)[2]


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n  \n", b"\xef\xbb\xbf"],
    ids=["empty", "blank", "bom"],
)
def test_replay_of_a_file_without_events_is_an_error(
    tmp_path: Path, content: bytes
):
    """An events file with no event at all says so, with exit status 1."""
    events = tmp_path / "events.jsonl"
    events.write_bytes(content)
    result = run("replay", str(events))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {events} has no events: it is empty or holds only blank "
        "lines; write one event as JSON per line\n"
    )


def test_replay_of_only_bad_lines_reports_them_and_no_customers(
    tmp_path: Path,
):
    """Lines but no good one: each is reported, the report is empty."""
    events = write_lines(tmp_path / "events.jsonl", [b"{bad", b"[]"])
    result = run("replay", str(events))
    assert result.exit_code == 1
    assert list(errors_by_line(result, events)) == [1, 2]
    assert "0 customers, 0 events applied, as of -" in result.stdout
    assert "2 of 2 event lines rejected" in result.stdout


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-be", "utf-32"], ids=lambda e: e
)
def test_replay_of_a_utf16_file_says_so(tmp_path: Path, encoding: str):
    """A UTF-16 or UTF-32 file is named as such, not read line by line."""
    events = tmp_path / "events.jsonl"
    bom = "\ufeff" if encoding == "utf-16-be" else ""
    events.write_bytes((bom + FIRST.decode() + "\n").encode(encoding))
    result = run("replay", str(events))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {events} is UTF-16 text (it starts with a UTF-16 byte-order "
        "mark); save it as UTF-8\n"
    )


def test_replay_with_an_empty_customers_file_is_an_error(tmp_path: Path):
    """A --customers file without customers says so, with exit status 1."""
    customers = write_lines(tmp_path / "customers.jsonl", [b" "])
    events = write_lines(tmp_path / "events.jsonl", [FIRST])
    result = run("replay", str(events), "--customers", str(customers))
    assert result.exit_code == 1
    assert f"{customers} has no customers" in result.stderr


def test_replay_of_a_file_that_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A read that fails (permissions, I/O) is a message, not a traceback."""
    events = write_lines(tmp_path / "events.jsonl", [FIRST])
    open_file = Path.open

    def refuse(path: Path, *args: object, **kwargs: object) -> object:
        if path == events:
            raise PermissionError(13, "Permission denied", str(path))
        return open_file(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    result = run("replay", str(events))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot read {events}: Permission denied\n"
    )


def test_replay_bad_input_in_a_real_process(tmp_path: Path):
    """Run as a program: markup, a BOM and bad bytes give messages only."""
    events = write_lines(
        tmp_path / "events.jsonl",
        [
            b"\xef\xbb\xbf"
            + event("first_purchase", "[/]", "2025-01-02T09:00:00Z"),
            b"\xe9\xff",
            event(
                "complaint_filed", "[/]", "2025-01-09T09:00:00Z",
                severity="critical",
            ),
        ],
    )  # fmt: skip
    source = Path(cc.__file__).parents[1]
    path = os.pathsep.join([str(source), os.environ.get("PYTHONPATH", "")])
    completed = subprocess.run(
        [
            sys.executable, "-c",
            "from customer_centric.cli import main; main()",
            "replay", str(events),
        ],
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": path, "COLUMNS": "200"},
        timeout=120,
    )  # fmt: skip
    stderr = completed.stderr.decode()
    assert completed.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith(f"{events}:2: not UTF-8 text: byte 0xe9")
    assert "│ [/] " in completed.stdout.decode()


# -- score: a small log the models can fit --------------------------------


@pytest.fixture(scope="module")
def log_lines() -> list[str]:
    """A synthetic log of 300 customers as CSV lines (cust, day, paid)."""
    rng = np.random.default_rng(11)
    start = date(2024, 1, 1)
    lines = ["cust,day,paid"]
    for n in range(300):
        first = start + timedelta(days=int(rng.integers(0, 60)))
        days = {first}
        rate, dropout = rng.gamma(0.6, 1 / 8), rng.beta(0.8, 2.5)
        t = 0.0
        while rng.random() >= dropout and t <= 300:
            t += rng.exponential(1 / rate)
            days.add(first + timedelta(days=int(min(t, 300))))
        lines += [
            f"K{n:03d},{day.isoformat()},{rng.gamma(6.0, 4.0):.2f}"
            for day in sorted(days)
        ]
    return lines


COLUMNS = ("--customer-id-column", "cust", "--date-column", "day")
PAID = (*COLUMNS, "--amount-column", "paid")


def write_log(
    path: Path, lines: list[str], *, encoding: str = "utf-8", end: str = "\n"
) -> Path:
    """Write CSV lines as they are."""
    path.write_bytes(end.join(lines).encode(encoding) + end.encode())
    return path


def read_scores(path: Path) -> dict[str, dict[str, str]]:
    """The written scores, by customer."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["customer_id"]: row for row in csv.DictReader(handle)}


def score(tmp_path: Path, lines: list[str], *args: str, **kw: str) -> Result:
    """Score ``lines`` written to log.csv into scores.csv."""
    log = write_log(tmp_path / "log.csv", lines, **kw)
    return run("score", str(log), *args, "-o", str(tmp_path / "scores.csv"))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "K000,2024-02-01,12,50",
            (
                "the row has 4 cells but the header names 3 columns (extra "
                "cells ['50']); a comma inside a cell?"
            ),
        ),
        (
            "K000,2024-02-01",
            (
                "the row has 2 cells but the header names 3 columns: no "
                "cell for 'paid'"
            ),
        ),
        (
            "K000,2024-02-01,",
            "the amount is empty while 1,914 other rows have one",
        ),
        (
            '"K000,2024-02-01,12.50"',
            (
                "the row has 1 cells but the header names 3 columns: no "
                "cell for 'day', 'paid'"
            ),
        ),
        ("K000,2024-02-01,NaN", "amount: Input should be a finite number"),
        ("K000,2024-02-01,sNaN", "(got Decimal('sNaN'))"),
        ("K000,2024-02-01,-Infinity", "(got Decimal('-Infinity'))"),
        (
            "K000,2024-02-01,1e999999",
            (
                "the amount '1e999999' is too large: the models compute in "
                "floating point"
            ),
        ),
        ("K000,2024-02-01,1e400", "the amount '1e400' is too large"),
        ("K000,0000-01-01,5", "cannot read the date '0000-01-01'"),
        ("K000,10000-01-01,5", "cannot read the date '10000-01-01'"),
        ("K000,2024-02-30,5", "cannot read the date '2024-02-30'"),
        ("K000,2024-02-01,x\x00", "cannot read the amount 'x\\x00'"),
        (",2024-02-01,5", "the customer id is empty"),
    ],
    ids=[
        "decimal-comma", "short-row", "empty-amount", "one-quoted-cell",
        "nan", "snan", "minus-infinity", "huge-exponent", "above-float",
        "year-0", "year-10000", "no-such-day", "nul-byte", "empty-id",
    ],
)  # fmt: skip
@pytest.mark.parametrize("reading", ["columnar", "row_by_row"])
def test_score_reports_a_bad_row_and_scores_the_others(  # noqa: PLR0917 - fixtures and one column per case
    request: pytest.FixtureRequest,
    tmp_path: Path,
    log_lines: list[str],
    row: str,
    problem: str,
    reading: str,
):
    """A bad row is reported with its line; every good row is scored."""
    if reading == "row_by_row":
        request.getfixturevalue(reading)
    lines = [*log_lines[:4], row, *log_lines[4:]]
    result = score(tmp_path, lines, *PAID)
    no_traceback(result)
    assert result.exit_code == 1
    log = tmp_path / "log.csv"
    assert list(errors_by_line(result, log)) == [5]
    assert problem in errors_by_line(result, log)[5]
    assert f"1 of {len(log_lines):,} rows rejected" in result.stdout
    assert len(read_scores(tmp_path / "scores.csv")) == 300


def test_score_numbers_lines_as_the_file_does(
    tmp_path: Path, log_lines: list[str]
):
    """Line feeds end lines; quoted cells may span lines; CRs shift nothing."""
    lines = [
        *log_lines[:2],
        "K000,2024-01-30,1\r,2",  # a lone CR inside a row: one bad line
        '"K\n999",2024-01-30,1',  # one record on lines 4 and 5
        *log_lines[2:4],
        "",
        "K000,2024-02-01,ten",
        *log_lines[4:],
    ]
    result = score(tmp_path, lines, *PAID, end="\r\n")
    assert result.exit_code == 1
    found = errors_by_line(result, tmp_path / "log.csv")
    assert list(found) == [3, 9]
    assert found[3] == (
        "cannot read the row as CSV: a carriage return inside an unquoted "
        "cell; remove it or quote the cell"
    )
    assert found[9] == "cannot read the amount 'ten' as a number"
    assert "K\n999" in read_scores(tmp_path / "scores.csv")


def test_score_accepts_blank_cells_beyond_the_header(
    tmp_path: Path, log_lines: list[str]
):
    """Trailing commas (blank extra cells) are not a problem."""
    lines = [log_lines[0], *(f"{line},, " for line in log_lines[1:])]
    result = score(tmp_path, lines, *PAID)
    assert result.exit_code == 0, result.output
    assert len(read_scores(tmp_path / "scores.csv")) == 300


@pytest.mark.usefixtures("row_by_row")
def test_score_reports_a_huge_cell_and_goes_on(
    tmp_path: Path, log_lines: list[str]
):
    """Row by row, a cell beyond the CSV reader's limit is one bad line."""
    lines = [*log_lines[:4], f'"{"x" * 200_000}",2024-02-01,1', *log_lines[4:]]
    result = score(tmp_path, lines, *PAID)
    assert result.exit_code == 1
    found = errors_by_line(result, tmp_path / "log.csv")
    assert found == {5: "cannot read the row as CSV: field larger than field "
                     "limit (131072)"}  # fmt: skip


def test_score_reads_a_header_after_a_byte_order_mark(
    tmp_path: Path, log_lines: list[str]
):
    """A BOM before the header leaves the first column's name intact."""
    result = score(tmp_path, log_lines, *PAID, encoding="utf-8-sig")
    assert result.exit_code == 0, result.output


def test_score_reports_cells_that_are_not_utf8(
    tmp_path: Path, log_lines: list[str]
):
    """A Latin-1 customer id is a bad row; the other rows are scored."""
    lines = [*log_lines[:2], "Jos\xe9,2024-01-30,1", *log_lines[2:]]
    result = score(tmp_path, lines, *PAID, encoding="latin-1")
    assert result.exit_code == 1
    assert errors_by_line(result, tmp_path / "log.csv") == {
        3: "the customer id b'Jos\\xe9' is not UTF-8 text; save the file as "
        "UTF-8"
    }
    assert len(read_scores(tmp_path / "scores.csv")) == 300


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty: expected a header row naming the columns"),
        (b"\n \n", "is empty: expected a header row naming the columns"),
        (b"\xef\xbb\xbf", "is empty: expected a header row naming"),
        (b"cust,d\xe9y\nK000,2024-01-01\n",
         ":1: the header b'cust,d\\xe9y' is not UTF-8 text"),
        (bytes(range(128, 256)) * 2, ":1: the header b'\\x80\\x81"),
        (b"a\rb,c\n", (":1: cannot read the header: cannot read the row "
                       "as CSV: a carriage return inside an unquoted cell")),
    ],
    ids=["empty", "blank", "bom-only", "latin-1-header", "random", "cr"],
)  # fmt: skip
def test_score_of_a_file_without_a_readable_header(
    tmp_path: Path, content: bytes, message: str
):
    """No header that can be read: one clear message, exit status 1."""
    log = tmp_path / "log.csv"
    log.write_bytes(content)
    result = run("score", str(log), *COLUMNS)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {log}")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_score_of_a_utf16_file_says_so(tmp_path: Path, log_lines: list[str]):
    """A CSV saved as UTF-16 (Excel's "Unicode text") is named as such."""
    result = score(tmp_path, log_lines, *PAID, encoding="utf-16")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'log.csv'} is UTF-16 text (it starts with a "
        "UTF-16 byte-order mark); save it as UTF-8\n"
    )


@pytest.mark.parametrize("reading", ["columnar", "row_by_row"])
def test_score_of_rows_that_are_all_bad(
    request: pytest.FixtureRequest, tmp_path: Path, reading: str
):
    """Nothing readable: the message says how many rows were tried."""
    if reading == "row_by_row":
        request.getfixturevalue(reading)
    result = score(tmp_path, ["cust,day", "K1,never", "K2,soon"], *COLUMNS)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: {tmp_path / 'log.csv'} has no transactions: none of its 2 "
        "rows can be read\n"
    )


def test_score_refuses_a_column_named_twice(tmp_path: Path):
    """Two columns with the name of one we read: a usage error."""
    result = score(tmp_path, ["cust,day,day", "K1,2024-01-01,2024-01-02"],
                   *COLUMNS)  # fmt: skip
    assert result.exit_code == 2
    assert "more than one column named 'day'" in result.stderr


def test_score_of_a_file_that_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, log_lines: list[str]
):
    """An open that fails (permissions, I/O) is a message, not a traceback."""
    log = write_log(tmp_path / "log.csv", log_lines)
    opener = Path.open

    def refuse(path: Path, *args: object, **kwargs: object) -> object:
        if path == log:
            raise PermissionError(13, "Permission denied", str(path))
        return opener(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    result = run("score", str(log), *PAID)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot read {log}: Permission denied\n"


# -- score: the output file -----------------------------------------------


def test_score_refuses_to_overwrite_its_input(
    tmp_path: Path, log_lines: list[str]
):
    """-o naming the transactions file is refused and the file is kept."""
    log = write_log(tmp_path / "log.csv", log_lines)
    before = log.read_bytes()
    result = run(
        "score", str(log), *PAID, "-o", str(tmp_path / "." / "log.csv")
    )
    assert result.exit_code == 2
    stderr = " ".join(result.stderr.split())
    assert "is the transactions file; writing the scores there" in stderr
    assert log.read_bytes() == before


def test_score_refuses_to_overwrite_the_policy(
    tmp_path: Path, log_lines: list[str]
):
    """-o naming the --policy file is refused too."""
    log = write_log(tmp_path / "log.csv", log_lines)
    policy = tmp_path / "policy.csv"
    policy.write_text(
        cc.relationship.DEFAULT_POLICY.model_dump_json(), encoding="utf-8"
    )
    result = run("score", str(log), *PAID, "--policy", str(policy),
                 "-o", str(policy))  # fmt: skip
    assert result.exit_code == 2
    assert "is the policy file" in result.stderr


@pytest.mark.parametrize(
    "folder", ["missing", "log.csv"], ids=["no-such-folder", "a-file"]
)
def test_score_refuses_an_output_without_a_folder(
    tmp_path: Path, log_lines: list[str], folder: str
):
    """An output whose folder does not exist is refused before any work."""
    log = write_log(tmp_path / "log.csv", log_lines)
    target = tmp_path / folder / "scores.csv"
    result = run("score", str(log), *PAID, "-o", str(target))
    assert result.exit_code == 2
    assert (
        f"cannot write the scores to {target}: {target.parent} is not an "
        "existing folder" in " ".join(result.stderr.split())
    )
    assert "Model fits" not in result.stdout


def test_score_reports_an_output_that_cannot_be_written(
    tmp_path: Path, log_lines: list[str]
):
    """A write that fails (here: a folder in the way) is a clear message."""
    log = write_log(tmp_path / "log.csv", log_lines)
    (tmp_path / "log.scores.csv").mkdir()
    result = run("score", str(log), *PAID)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: cannot write the scores to {tmp_path / 'log.scores.csv'}: "
    )


@pytest.mark.parametrize(
    ("customer", "expected"),
    [
        ("x[/]y", "x[/]y"),
        (":100:", ":100:"),
        ("[bold]z", "[bold]z"),
        ("\x1b[31mred", "\\x1b[31mred"),
    ],
    ids=["tag", "emoji", "style", "escape-sequence"],
)
def test_score_shows_customer_ids_and_paths_as_written(
    tmp_path: Path, log_lines: list[str], customer: str, expected: str
):
    """Customer ids and file names are text, never markup or emoji codes."""
    best = [f"{customer},2024-{month:02d}-20,1000" for month in range(1, 13)]
    lines = [*log_lines, *best]
    folder = tmp_path / "[red]"
    folder.mkdir()
    result = score(folder, lines, *PAID, "--top", "1")
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert f"│ {expected} " in result.stdout
    assert f"to {folder / 'scores.csv'}" in result.stdout
    assert "\x1b" not in result.stdout


# -- score: parquet -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "Parquet file size is 0 bytes"),
        (bytes(range(256)) * 4, "Parquet magic bytes not found"),
    ],
    ids=["empty", "random"],
)
def test_score_of_a_file_that_is_not_parquet(
    tmp_path: Path, content: bytes, problem: str
):
    """A .parquet file that is not parquet: one message, exit status 1."""
    source = tmp_path / "log.parquet"
    source.write_bytes(content)
    result = run("score", str(source), *COLUMNS)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: cannot read {source} as parquet: "
    )
    assert problem in result.stderr


def test_score_of_a_parquet_file_corrupt_inside(tmp_path: Path):
    """A parquet file whose pages are damaged: a message, not a traceback."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    source = tmp_path / "log.parquet"
    table = pa.table({"cust": [f"K{i}" for i in range(100)],
                      "day": ["2024-01-01"] * 100})  # fmt: skip
    pq.write_table(table, source, compression="none")
    data = bytearray(source.read_bytes())
    data[4:44] = b"\xff" * 40
    source.write_bytes(bytes(data))
    result = run("score", str(source), *COLUMNS)
    no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: cannot read {source} as parquet after row 0: "
    )


@pytest.mark.parametrize("reading", ["columnar", "row_by_row"])
def test_score_reports_parquet_values_python_cannot_hold(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    log_lines: list[str],
    reading: str,
):
    """A timestamp beyond year 9999 is one bad row; the others are scored."""
    if reading == "row_by_row":
        request.getfixturevalue(reading)
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    rows = [line.split(",") for line in log_lines[1:]]
    days = [
        np.datetime64(day, "us").astype(np.int64).item() for _, day, _ in rows
    ]
    days.insert(2, 2**62)
    customers = [customer for customer, _, _ in rows]
    customers.insert(2, "K000")
    table = pa.table({
        "cust": customers, "day": pa.array(days, pa.timestamp("us", tz="UTC")),
    })  # fmt: skip
    source = tmp_path / "log.parquet"
    pq.write_table(table, source)
    out = tmp_path / "scores.csv"
    result = run("score", str(source), *COLUMNS, "-o", str(out))
    no_traceback(result)
    assert result.exit_code == 1
    found = errors_by_line(result, source)
    assert list(found) == [4]
    assert found[4].startswith("cannot read the row: ")
    assert len(read_scores(out)) == 300


# -- score: option values -------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--horizon", "nan", "nan is not a finite number"),
        ("--horizon", "inf", "inf is not a finite number"),
        ("--horizon", "0", "x>0"),
        ("--discount-rate", "nan", "nan is not a finite number"),
        ("--discount-rate", "inf", "inf is not a finite number"),
        ("--discount-rate", "-1", "x>=0"),
        ("--clv-months", str(10**400), "1<=x<=1200"),
        ("--clv-months", "0", "1<=x<=1200"),
        ("--top", "-1", "x>=0"),
        ("--time-unit", "fortnight", "'fortnight' is not one of"),
        ("--observation-end", "2024-13-01", "does not match the format"),
        ("--observation-end", "10000-01-01", "does not match the format"),
        ("--date-format", "%Q", "'%Q' is not a strptime format"),
        ("--date-format", "%", "'%' is not a strptime format"),
        ("--date-format", "%d\x00", "is not a strptime format"),
    ],
    ids=[
        "horizon-nan", "horizon-inf", "horizon-zero", "rate-nan", "rate-inf",
        "rate-negative", "months-huge", "months-zero", "top-negative",
        "time-unit", "end-no-month", "end-year-10000", "format-bad-directive",
        "format-stray-percent", "format-nul",
    ],
)  # fmt: skip
def test_score_refuses_bad_option_values(
    tmp_path: Path, log_lines: list[str], option: str, value: str, message: str
):
    """A bad option value is a usage error (exit 2) naming the option."""
    log = write_log(tmp_path / "log.csv", log_lines)
    result = run("score", str(log), *PAID, option, value)
    no_traceback(result)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.stderr
    assert message in " ".join(result.stderr.split())


def test_score_refuses_a_discount_rate_too_large(
    tmp_path: Path, log_lines: list[str]
):
    """A rate beyond 1e6 a month is refused in the settings' words."""
    log = write_log(tmp_path / "log.csv", log_lines)
    result = run("score", str(log), *PAID, "--discount-rate", "1e7")
    no_traceback(result)
    assert result.exit_code == 1
    assert "discount_rate must be a finite number >= 0 and at most 1e+06" in (
        " ".join(result.stderr.split())
    )


@pytest.mark.parametrize(
    "date_format", ["%d/%m/%Y %z", "%d/%m/%Y %Z", "%d/%m/%Y"],
    ids=["offset", "zone-name", "plain"],
)  # fmt: skip
def test_score_reads_dates_in_the_given_format(
    tmp_path: Path, log_lines: list[str], date_format: str
):
    """A strptime format, with a zone or without, reads every row."""
    lines = [log_lines[0]]
    for line in log_lines[1:]:
        customer, day, paid = line.split(",")
        moment = datetime.fromisoformat(day).replace(tzinfo=UTC)
        lines.append(f"{customer},{moment.strftime(date_format)},{paid}")
    result = score(tmp_path, lines, *PAID, "--date-format", date_format)
    assert result.exit_code == 0, result.output
    assert len(read_scores(tmp_path / "scores.csv")) == 300


# -- terminals ------------------------------------------------------------


@pytest.mark.parametrize(
    "charset", ["ascii", "latin-1", "cp1252"], ids=lambda c: c
)
def test_output_to_a_terminal_without_utf8(tmp_path: Path, charset: str):
    """Bars the output encoding lacks are '#', other characters '?'."""
    events = write_lines(
        tmp_path / "events.jsonl",
        [
            event("first_purchase", "Zoë→☃", "2025-01-02T09:00:00Z"),
            event(
                "complaint_filed",
                "Zoë→☃",
                "2025-01-09T09:00:00Z",
                severity="critical",
            ),
        ],
    )
    result = CliRunner(charset=charset).invoke(
        main, ["replay", str(events)], env={"COLUMNS": "200"}
    )
    no_traceback(result)
    assert result.exit_code == 0, result.output
    assert "all 2 event lines accepted" in result.stdout
    assert "| ####################" in result.stdout
    assert "| Zo" in result.stdout
    assert "\u2603" not in result.stdout
