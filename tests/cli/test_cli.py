import csv
import json
import runpy
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result

import customer_centric as cc
import customer_centric.cli
from customer_centric.cli import main
from customer_centric.cli._cells import (
    RowError,
    parse_amount,
    parse_customer,
    parse_day,
)
from customer_centric.cli._clv_report import loyalty_stage
from customer_centric.cli._relationships import reason_of


def run(*args: str) -> Result:
    """Invoke the command line with a wide terminal."""
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})


def _line(kind: str, customer: str, when: str, **payload: object) -> str:
    return json.dumps(
        {"kind": kind, "customer_id": customer, "occurred_at": when, **payload}
    )


GOOD = [
    _line("interest_shown", "A", "2025-01-01T09:00:00Z"),
    _line("first_purchase", "A", "2025-01-02T09:00:00Z", amount="20.00"),
    _line("repeat_purchase", "A", "2025-02-01T09:00:00Z"),
    _line("repeat_purchase", "A", "2025-03-01T09:00:00Z"),
    _line("first_purchase", "B", "2025-01-05T09:00:00Z"),
    _line("complaint_filed", "B", "2025-01-09T09:00:00Z", severity="critical"),
]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- demo -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_result() -> Result:
    """One run of the demo, shared by the tests that read its output."""
    return run("demo", "--limit", "3")


def test_demo_succeeds(demo_result: Result):
    """The demo runs to the end with exit status 0."""
    assert demo_result.exit_code == 0, demo_result.output


@pytest.mark.parametrize(
    "text",
    [
        "2,400 customers",
        "Loyalty ladder",
        "Advocate",
        "Relationship lifecycle",
        "intermediate",
        "Win back",
        "Customers at risk, by reason",
        "silent dissatisfaction",
        "gone quiet",
        "Intensive care: 3 of",
        "Potential divorce: 3 of",
        "Resolve the problem fast",
        "Look for silent dissatisfaction",
        "default policy",
        f"fingerprint {cc.relationship.DEFAULT_POLICY.fingerprint[:12]})",
    ],
    ids=lambda text: text,
)
def test_demo_shows_the_relationship_report(demo_result: Result, text: str):
    """The demo shows the funnel, the lifecycle and who is at risk."""
    assert text in demo_result.stdout


@pytest.mark.parametrize(
    "code",
    ["silent_dissatisfaction", "gone_quiet", "serious_complaint"],
    ids=lambda code: code,
)
def test_demo_shows_reasons_as_words_not_codes(demo_result: Result, code: str):
    """People read reason labels; the codes stay in the records."""
    assert code not in demo_result.stdout
    assert cc.relationship.reason_label(code) in demo_result.stdout


@pytest.mark.parametrize(
    "text",
    [
        "CDNOW sample",
        "BG/NBD",
        "Gamma-Gamma",
        "-9,582.4",
        "Probability of being alive",
        "By loyalty stage",
        "Holdout check",
    ],
    ids=lambda text: text,
)
def test_demo_shows_the_clv_section(demo_result: Result, text: str):
    """With [stats] the demo fits the models on CDNOW and values it."""
    assert text in demo_result.stdout


def test_demo_without_stats_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
):
    """Without the [stats] extra the demo explains how to get the CLV part."""
    monkeypatch.delattr(customer_centric.cli, "_clv_report", raising=False)
    monkeypatch.setitem(sys.modules, "customer_centric.cli._clv_report", None)
    result = run("demo", "--limit", "0")
    assert result.exit_code == 0, result.output
    assert "pip install 'customer-centric[stats]'" in result.stdout
    assert "Loyalty ladder" in result.stdout


def test_demo_can_skip_the_clv_section():
    """--no-clv leaves out the lifetime-value part."""
    result = run("demo", "--no-clv", "--limit", "0")
    assert result.exit_code == 0, result.output
    assert "CDNOW" not in result.stdout


# -- replay ---------------------------------------------------------------


def test_replay_of_good_lines_exits_zero(tmp_path: Path):
    """Every line accepted: exit status 0 and the report."""
    events = _write(tmp_path / "events.jsonl", GOOD)
    result = run("replay", str(events))
    assert result.exit_code == 0, result.output
    assert "2 customers, 6 events applied" in result.stdout
    assert "all 6 event lines accepted" in result.stdout
    assert "Intensive care: 1 of 1" in result.stdout
    assert result.stderr == ""


BAD = [
    ("{not json", "Invalid JSON"),
    (_line("refund", "A", "2025-04-01T09:00:00Z"), "does not match any"),
    (_line("interest_shown", "C", "2025-04-01T09:00:00"), "occurred_at"),
    (_line("reactivated", "A", "2025-04-02T09:00:00Z"), "no rule of the"),
    (_line("repeat_purchase", "A", "2024-01-01T09:00:00Z"), "sort the events"),
]


def test_replay_reports_each_bad_line_and_keeps_the_rest(tmp_path: Path):
    """Bad lines are reported by number; good ones are applied; exit 1."""
    lines = [GOOD[0], BAD[0][0], *GOOD[1:3], BAD[1][0], "", BAD[2][0]]
    lines += [*GOOD[3:], BAD[3][0], BAD[4][0]]
    events = _write(tmp_path / "events.jsonl", lines)
    result = run("replay", str(events))
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    expected = {2: BAD[0][1], 5: BAD[1][1], 7: BAD[2][1]}
    expected |= {11: BAD[3][1], 12: BAD[4][1]}
    assert [e.split(":")[1] for e in errors] == [str(n) for n in expected]
    for error, (number, phrase) in zip(errors, expected.items(), strict=True):
        assert error.startswith(f"{events}:{number}: ")
        assert phrase in error
    assert "6 events applied" in result.stdout
    assert "5 of 11 event lines rejected" in result.stdout
    assert "3 unreadable, 2 refused by the policy" in result.stdout


def test_replay_with_a_policy_file(tmp_path: Path):
    """--policy replaces the default thresholds."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        client_min_purchases=2
    )
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(policy.model_dump_json(), encoding="utf-8")
    events = _write(tmp_path / "events.jsonl", GOOD[:3])
    result = run("replay", str(events), "--policy", str(policy_file))
    assert result.exit_code == 0, result.output
    assert policy.fingerprint[:12] in result.stdout
    assert "policy policy.json" in result.stdout
    assert "default policy" not in result.stdout


def test_replay_rejects_an_invalid_policy_as_usage_error(tmp_path: Path):
    """An invalid policy file is a usage error (exit status 2)."""
    policy_file = tmp_path / "policy.json"
    policy_file.write_text('{"client_min_purchases": -1}', encoding="utf-8")
    events = _write(tmp_path / "events.jsonl", GOOD)
    result = run("replay", str(events), "--policy", str(policy_file))
    assert result.exit_code == 2
    assert "not a valid policy" in result.stderr


def test_replay_with_customers_counts_suspects(tmp_path: Path):
    """Customers without events are suspects; bad customer lines count."""
    customers = [
        cc.Customer.from_facts(cid, is_employee=False, buys_for_resale=False)
        for cid in ("A", "B", "Z")
    ]
    customers_file = _write(
        tmp_path / "customers.jsonl",
        [c.model_dump_json() for c in customers],
    )
    events = _write(tmp_path / "events.jsonl", GOOD)
    result = run("replay", str(events), "--customers", str(customers_file))
    assert result.exit_code == 0, result.output
    assert "3 customers" in result.stdout
    assert "customer types: external 3" in result.stdout
    _write(customers_file, ['{"customer_id": "A"}'])
    result = run("replay", str(events), "--customers", str(customers_file))
    assert result.exit_code == 1
    assert f"{customers_file}:1: type: Field required" in result.stderr


def test_replay_skips_blank_customer_lines(tmp_path: Path):
    """Blank lines in the customers file are neither customers nor errors."""
    customer = cc.Customer.from_facts(
        "Z", is_employee=True, buys_for_resale=False
    )
    customers_file = _write(
        tmp_path / "customers.jsonl", ["", customer.model_dump_json(), "  "]
    )
    events = _write(tmp_path / "events.jsonl", GOOD)
    result = run("replay", str(events), "--customers", str(customers_file))
    assert result.exit_code == 0, result.output
    assert "3 customers" in result.stdout
    assert "customer types: internal 1" in result.stdout


def test_reason_of_a_customer_who_never_moved_is_a_dash():
    """Without a lifecycle move there is no reason to show."""
    at_risk = cc.RelationshipState(
        customer_id=cc.CustomerId("A"),
        lifecycle=cc.LifecycleStage.INTENSIVE_CARE,
    )
    assert reason_of(cc.replay([], initial=at_risk)) == "-"


def test_replay_of_a_missing_file_is_a_usage_error(tmp_path: Path):
    """A missing events file gives exit status 2."""
    result = run("replay", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2


def test_replay_of_the_shipped_demo_file_accepts_everything():
    """The demo events file replays without a rejected line."""
    from importlib import resources  # noqa: PLC0415

    path = resources.files("customer_centric") / "data" / "demo_events.jsonl"
    result = run("replay", str(path), "--limit", "0")
    assert result.exit_code == 0, result.stderr
    assert "event lines accepted" in result.stdout


# -- score ----------------------------------------------------------------


def _transactions_csv(path: Path, *, amounts: bool = True) -> Path:
    """A small synthetic transaction log of 300 customers."""
    rng = np.random.default_rng(11)
    start = date(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["cust", "day", *(["paid"] if amounts else [])])
        for n in range(300):
            first = start + timedelta(days=int(rng.integers(0, 60)))
            days = {first}
            # The BG/NBD story: Poisson purchases at a gamma-distributed
            # rate, dropping out after a purchase with a beta-distributed
            # probability; Gamma-Gamma spend.
            rate = rng.gamma(0.6, 1 / 8)
            dropout = rng.beta(0.8, 2.5)
            spend_rate = rng.gamma(4.0, 1 / 15.0)
            t = 0.0
            while rng.random() >= dropout:
                t += rng.exponential(1 / rate)
                if t > 300:
                    break
                days.add(first + timedelta(days=int(t)))
            for day in sorted(days):
                row = [f"K{n:03d}", day.isoformat()]
                if amounts:
                    row.append(f"{rng.gamma(6.0, 1 / spend_rate):.2f}")
                writer.writerow(row)
    return path


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic log as a CSV file."""
    return _transactions_csv(tmp_path_factory.mktemp("score") / "log.csv")


@pytest.fixture(scope="module")
def cdnow_csv(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Path:
    """CDNOW_sample.txt as a CSV with a header."""
    path = tmp_path_factory.mktemp("cdnow") / "cdnow.csv"
    text = (shared_data / "CDNOW_sample.txt").read_text(encoding="utf-8")
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer_id", "date", "cds", "amount"])
        for line in text.splitlines():
            _, sample_id, day, cds, amount = line.split()
            writer.writerow([sample_id, day, cds, amount])
    return path


def _read_scores(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def assert_same_scores(
    first: list[dict[str, str]], second: list[dict[str, str]]
) -> None:
    """Equal scores, numbers to 1e-6 (sums add in any order)."""
    assert [r["customer_id"] for r in first] == [
        r["customer_id"] for r in second
    ]
    for a, b in zip(first, second, strict=True):
        for key, value in a.items():
            try:
                number = float(value)
            except ValueError:
                assert value == b[key]
            else:
                assert float(b[key]) == pytest.approx(number, rel=1e-6)


def test_score_small_csv_writes_scores(small_csv: Path, tmp_path: Path):
    """Named columns, a CSV in, per-customer scores out, exit 0."""
    out = tmp_path / "scores.csv"
    result = run(
        "score", str(small_csv), "--customer-id-column", "cust",
        "--date-column", "day", "--amount-column", "paid",
        "--time-unit", "D", "--observation-end", "2024-12-31",
        "--horizon", "90", "--output", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _read_scores(out)
    assert len(rows) == 300
    assert set(rows[0]) == {
        "customer_id", "frequency", "recency", "T", "monetary_value",
        "loyalty_stage", "probability_alive", "expected_purchases",
        "expected_spend", "clv",
    }  # fmt: skip
    for row in rows:
        assert 0 <= float(row["probability_alive"]) <= 1
        assert float(row["clv"]) >= 0
        expected = "client" if int(row["frequency"]) >= 2 else "customer"
        assert row["loyalty_stage"] == expected
    assert "By loyalty stage" in result.stdout
    assert f"wrote 300 customer scores to {out}" in result.stdout


def test_score_default_output_is_beside_the_input(
    small_csv: Path, tmp_path: Path
):
    """Without --output the scores go to NAME.scores.csv beside the input."""
    copy = tmp_path / "log.csv"
    copy.write_bytes(small_csv.read_bytes())
    result = run(
        "score", str(copy), "--customer-id-column", "cust",
        "--date-column", "day", "--amount-column", "paid",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "log.scores.csv").is_file()


def test_score_without_amounts_gives_no_clv(tmp_path: Path):
    """A log without amounts is scored without spend or CLV."""
    log = _transactions_csv(tmp_path / "log.csv", amounts=False)
    out = tmp_path / "scores.csv"
    result = run(
        "score", str(log), "--customer-id-column", "cust",
        "--date-column", "day", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no amounts" in result.stdout
    assert {row["clv"] for row in _read_scores(out)} == {""}


def _with_amount(source: Path, target: Path, amount: str) -> Path:
    """A copy of the log ``source`` in which every amount is ``amount``."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        writer.writerows([*row[:2], amount] for row in rows[1:])
    return target


def test_score_falls_back_to_own_spend(small_csv: Path, tmp_path: Path):
    """Identical amounts defeat Gamma-Gamma: CLV uses each own mean spend."""
    log = _with_amount(small_csv, tmp_path / "flat.csv", "10.00")
    out = tmp_path / "scores.csv"
    result = run(
        "score", str(log), "--customer-id-column", "cust",
        "--date-column", "day", "--amount-column", "paid", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "own mean spend" in " ".join(result.stdout.split())
    for row in _read_scores(out):
        assert row["expected_spend"] == row["monetary_value"]


def test_score_cdnow_reproduces_the_published_fit(
    cdnow_csv: Path, tmp_path: Path
):
    """On CDNOW (weeks, to 1997-09-30) the published parameters come out."""
    out = tmp_path / "cdnow.parquet"
    result = run(
        "score", str(cdnow_csv), "--time-unit", "W",
        "--as-of", "1997-09-30", "--horizon", "39", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    for text in ("0.243", "4.414", "0.793", "2.426", "-9,582.4", "6.250"):
        assert text in result.stdout
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pq.read_table(out)
    assert table.num_rows == 2_357
    total = sum(table.column("expected_purchases").to_pylist())
    assert total == pytest.approx(1_653, rel=0.01)


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("B,1997-13-01,5", "cannot read the date '1997-13-01'"),
        ("B,,5", "the date is empty"),
        (" ,2024-01-02,5", "the customer id is empty"),
        ("B,2024-01-02,ten", "cannot read the amount 'ten'"),
        ("B,2024-01-02,-5", "amount: Value error, amount must be a finite"),
    ],
    ids=["bad-date", "empty-date", "empty-id", "text-amount", "negative"],
)
def test_score_reports_bad_rows_with_line_numbers(
    tmp_path: Path, row: str, problem: str
):
    """Unreadable rows are listed by line number with the bad value."""
    log = tmp_path / "log.csv"
    rows = ["customer_id,date,amount", "A,2024-01-01,10", row]
    _write(log, rows)
    result = run("score", str(log))
    assert result.exit_code == 1
    assert f"{log}:3: {problem}" in result.stderr


def test_score_of_a_header_only_file_fails(tmp_path: Path):
    """A file with a header and no rows has nothing to score; exit 1."""
    log = _write(tmp_path / "log.csv", ["customer_id,date,amount"])
    result = run("score", str(log))
    assert result.exit_code == 1
    assert f"{log} has no transactions" in result.stderr


def test_score_names_missing_columns(small_csv: Path):
    """A missing column is a usage error that lists the file's columns."""
    result = run("score", str(small_csv))
    assert result.exit_code == 2
    assert "'cust', 'day', 'paid'" in result.stderr


def test_score_refuses_other_file_types(tmp_path: Path):
    """A file whose name does not say its format needs --format."""
    log = _write(tmp_path / "log.txt", ["a"])
    result = run("score", str(log))
    assert result.exit_code == 2
    assert "cannot tell the format of" in result.stderr


def test_score_reports_a_fit_that_cannot_work(tmp_path: Path):
    """Nobody bought twice: the models cannot be fitted; exit 1."""
    log = _write(
        tmp_path / "log.csv",
        ["customer_id,date", "A,2024-01-01", "B,2024-02-01"],
    )
    result = run("score", str(log))
    assert result.exit_code == 1
    assert "Error:" in result.stderr


def test_score_reads_parquet_input(small_csv: Path, tmp_path: Path):
    """A parquet log gives the same scores as the CSV."""
    import pyarrow.csv as pacsv  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    source = tmp_path / "log.parquet"
    pq.write_table(pacsv.read_csv(small_csv), source)
    args = ["--customer-id-column", "cust", "--date-column", "day"]
    args += ["--amount-column", "paid", "--observation-end", "2024-12-31"]
    from_csv, from_parquet = tmp_path / "a.csv", tmp_path / "b.csv"
    assert (
        run("score", str(small_csv), *args, "-o", str(from_csv)).exit_code == 0
    )
    result = run("score", str(source), *args, "-o", str(from_parquet))
    assert result.exit_code == 0, result.output
    assert_same_scores(_read_scores(from_csv), _read_scores(from_parquet))


def _parquet_copy(small_csv: Path, target: Path) -> Path:
    import pyarrow.csv as pacsv  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    pq.write_table(pacsv.read_csv(small_csv), target)
    return target


def test_score_names_missing_parquet_columns(small_csv: Path, tmp_path: Path):
    """A parquet file without the named columns is a usage error."""
    source = _parquet_copy(small_csv, tmp_path / "log.parquet")
    result = run("score", str(source), "--customer-id-column", "cust")
    assert result.exit_code == 2
    assert "has no column 'date'" in result.stderr
    assert "'cust', 'day', 'paid'" in result.stderr


def test_score_parquet_without_amount_column_has_no_clv(
    small_csv: Path, tmp_path: Path
):
    """Without --amount-column a parquet log is scored without CLV."""
    source = _parquet_copy(small_csv, tmp_path / "log.parquet")
    out = tmp_path / "scores.csv"
    result = run(
        "score", str(source), "--customer-id-column", "cust",
        "--date-column", "day", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "no amounts" in result.stdout
    assert {row["clv"] for row in _read_scores(out)} == {""}


def test_score_parquet_uses_its_amount_column_by_default(
    small_csv: Path, tmp_path: Path
):
    """A parquet log with an 'amount' column gets CLV without the option."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    source = _parquet_copy(small_csv, tmp_path / "log.parquet")
    table = pq.read_table(source).rename_columns(["cust", "day", "amount"])
    pq.write_table(table, source)
    out = tmp_path / "scores.csv"
    result = run(
        "score", str(source), "--customer-id-column", "cust",
        "--date-column", "day", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "" not in {row["clv"] for row in _read_scores(out)}


def test_score_with_zero_amounts_uses_own_spend(tmp_path: Path):
    """No positive spend: no Gamma-Gamma fit, CLV of 0 and no top share."""
    paid = _transactions_csv(tmp_path / "paid.csv")
    log = _with_amount(paid, tmp_path / "free.csv", "0.00")
    out = tmp_path / "scores.csv"
    result = run(
        "score", str(log), "--customer-id-column", "cust",
        "--date-column", "day", "--amount-column", "paid", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stdout = " ".join(result.stdout.split())
    assert "too few repeat buyers for the Gamma-Gamma model" in stdout
    assert "0 % from the top tenth" in stdout
    assert {float(row["clv"]) for row in _read_scores(out)} == {0.0}


def test_score_top_zero_leaves_out_the_top_list(
    small_csv: Path, tmp_path: Path
):
    """--top 0 prints no table of the most valuable customers."""
    args = ["score", str(small_csv), "--customer-id-column", "cust"]
    args += ["--date-column", "day", "--amount-column", "paid"]
    out = str(tmp_path / "scores.csv")
    with_top = run(*args, "-o", out, "--top", "3")
    without = run(*args, "-o", out, "--top", "0")
    assert with_top.exit_code == without.exit_code == 0
    assert "Top 3" in with_top.stdout
    assert "Top" not in without.stdout


_STATS = "customer_centric.cli._clv_report"


@pytest.mark.parametrize(
    ("missing", "source_name", "output_name", "hint"),
    [
        (_STATS, "log.csv", "out.csv", "install 'customer-centric[stats]'"),
        ("pyarrow.parquet", "log.parquet", "out.csv", "reading parquet needs"),
        ("pyarrow.parquet", "log.csv", "out.parquet", "writing parquet needs"),
    ],
    ids=["stats", "read-parquet", "write-parquet"],
)
def test_score_without_an_extra_says_how_to_install(  # noqa: PLR0917 - fixtures and one column per case
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    small_csv: Path,
    tmp_path: Path,
    missing: str,
    source_name: str,
    output_name: str,
    hint: str,
):
    """A missing optional dependency is an error that says what to install.

    Without polars: with it, parquet is read and written by polars.
    """
    request.getfixturevalue("row_by_row")
    source = tmp_path / source_name
    if source.suffix == ".parquet":
        _parquet_copy(small_csv, source)
    else:
        source.write_bytes(small_csv.read_bytes())
    if missing == _STATS:
        monkeypatch.delattr(customer_centric.cli, "_clv_report")
    monkeypatch.setitem(sys.modules, missing, None)
    result = run(
        "score", str(source), "--customer-id-column", "cust",
        "--date-column", "day", "--amount-column", "paid",
        "-o", str(tmp_path / output_name),
    )  # fmt: skip
    assert result.exit_code == 1
    assert hint in " ".join(result.stderr.split())
    assert not (tmp_path / output_name).exists()


@pytest.mark.parametrize(
    ("cell", "date_format", "expected"),
    [
        ("2024-03-05", None, date(2024, 3, 5)),
        ("20240305", None, date(2024, 3, 5)),
        ("2024-03-05 23:10:00", None, date(2024, 3, 5)),
        ("05/03/2024", "%d/%m/%Y", date(2024, 3, 5)),
        (date(2024, 3, 5), None, date(2024, 3, 5)),
        (datetime(2024, 3, 5, 23, 10), None, date(2024, 3, 5)),  # noqa: DTZ001
    ],
    ids=[
        "iso",
        "basic",
        "naive-timestamp",
        "format",
        "date-object",
        "naive-datetime-object",
    ],
)
def test_parse_day(cell: object, date_format: str | None, expected: date):
    """Dates are read from ISO text, a given format or a date."""
    assert parse_day(cell, date_format=date_format) == expected


def test_parse_day_keeps_aware_timestamps():
    """An aware timestamp stays a timestamp."""
    value = parse_day("2024-03-05T23:10:00+03:30", date_format=None)
    assert value.utcoffset() == timedelta(hours=3, minutes=30)
    aware = datetime(2024, 3, 5, 23, 10, tzinfo=UTC)
    assert parse_day(aware, date_format=None) is aware


def test_parse_customer():
    """Customer ids are stripped text; an empty or missing cell is an error."""
    assert parse_customer(" K001 ") == "K001"
    for cell in ("", "  ", None):
        with pytest.raises(RowError, match="the customer id is empty"):
            parse_customer(cell)


def test_parse_amount():
    """Amounts are decimals; empty cells are unknown; text is an error."""
    assert parse_amount(" 12.50 ") == Decimal("12.50")
    assert parse_amount("") is None
    with pytest.raises(RowError, match="cannot read the amount 'ten'"):
        parse_amount("ten")


@pytest.mark.parametrize(
    ("frequency", "threshold", "expected"),
    [
        (0, 3, "customer"),
        (1, 3, "customer"),
        (2, 3, "client"),
        (1, 2, "client"),
        (3, 5, "customer"),
    ],
    ids=["one-purchase", "two", "three", "lower-threshold", "higher"],
)
def test_loyalty_stage_follows_the_policy(
    frequency: int, threshold: int, expected: str
):
    """Purchases (first included) at the policy's threshold make a client."""
    policy = cc.relationship.DEFAULT_POLICY.with_thresholds(
        client_min_purchases=threshold
    )
    assert loyalty_stage(frequency, policy=policy).value == expected


def test_python_dash_m_runs_the_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m customer_centric --help`` is the command line's help."""
    monkeypatch.setattr(sys, "argv", ["customer_centric", "--help"])
    with pytest.raises(SystemExit) as exit_info:
        runpy.run_module("customer_centric", run_name="__main__")
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "Usage: customer-centric" in out
    assert "Know where every customer stands" in out


def test_help_loads_no_command_dependencies() -> None:
    """``--help`` lists the commands without pydantic, numpy or the areas."""
    heavy = (
        "pydantic",
        "numpy",
        "rich.table",
        "customer_centric.relationship",
        "customer_centric.value",
    )
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from customer_centric.cli import main\n"
        "result = CliRunner().invoke(main, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'score' in result.output\n"
        f"print(*(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == []


def test_unknown_command_is_a_usage_error() -> None:
    """A command that does not exist is refused with exit status 2."""
    result = CliRunner().invoke(main, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output
