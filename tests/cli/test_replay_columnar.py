"""``replay`` in columns (with polars) says what the record path says.

Each test runs the command twice, on the columnar path and on the record
path (as if polars were missing), and compares the exit status, the
report and every message on standard error.
"""

import gzip
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import customer_centric.cli
import customer_centric.cli._replay_columnar as columnar
from customer_centric.cli import _replay, main
from customer_centric.relationship import EVENT_KINDS

DATA = Path(__file__).parents[2] / "src" / "customer_centric" / "data"


def run(*args: str) -> Result:
    """Invoke the command line at 80 columns."""
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})


def both(monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """Run ``replay`` on both paths; they must agree. The columnar result."""
    fast = run("replay", *args)
    with monkeypatch.context() as patch:
        patch.setattr(_replay, "_columnar_module", lambda: None)
        slow = run("replay", *args)
    assert fast.exception is None or isinstance(fast.exception, SystemExit)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (
        slow.exit_code,
        slow.stdout,
        slow.stderr,
    )
    return fast


def line(kind: str, customer: str, when: str, **fields: object) -> bytes:
    """One event line."""
    data = {"kind": kind, "customer_id": customer, "occurred_at": when}
    return json.dumps({**data, **fields}).encode()


def day(n: int, hour: int = 9) -> str:
    """A time on day ``n`` of January 2025, in UTC."""
    return f"2025-01-{n:02d}T{hour:02d}:00:00Z"


ODD_LINES: list[bytes] = [
    line("interest_shown", "A", day(1)),
    line("first_purchase", "A", day(3), amount=12.5, event_id="E1"),
    line("first_purchase", "A", day(3), amount=12.5, event_id="E1"),  # again
    line("repeat_purchase", "A", day(2)),  # older than the last: refused
    line("repeat_purchase", "A", "2025-01-04T09:00:00.25+02:00"),
    line("repeat_purchase", "A", "2025-01-05 09:00:00Z"),  # for the judge
    line("repeat_purchase", "A", "2025-02-30T09:00:00Z"),  # no such day
    line("repeat_purchase", "A", 1736931600),  # a Unix time
    line("repeat_purchase", "A", day(16), amount="7.5"),  # text amount
    line("repeat_purchase", "A", day(17), amount=10**30),
    line("repeat_purchase", "A", day(18), event_id="E1"),  # clash of ids
    b"",
    b"   ",
    b"not json",
    b"[1, 2]",
    b'{"kind": "first_purchase", "customer_id": "\xff"}',
    line("refund", "B", day(1)),
    line("interest_shown", "", day(1)),
    line("interest_shown", "B", day(1), event_id=None),
    line("interest_shown", "B", day(1), severity="low"),
    line("interest_shown", "B", day(1), colour="red"),
    line("complaint_filed", "B", day(2)),  # no severity
    line("complaint_filed", "B", day(2), severity="huge"),
    line("first_purchase", "B", day(2)),
    line("complaint_filed", "B", day(3), severity="critical"),
    line("complaint_filed", "B", day(4), severity="high", complaint_id="K"),
    line("dissatisfaction_signal", "B", day(5), score=0.9, source="survey"),
    line("dissatisfaction_signal", "B", day(5), score=2, source="survey"),
    line("complaint_resolved", "B", day(6), satisfied=False),
    line("complaint_resolved", "B", day(6), satisfied="no"),
    line("inactivity_observed", "C", day(9), as_of=day(9)),
    line("inactivity_observed", "C", day(9), as_of="2025-01-09"),
    line("first_purchase", "C", day(1)),
    line("account_closed", "C", day(20), reason="new_job"),
    line("win_back_attempted", "C", day(21)),
    line("complaint_filed", "C", "2025-01-22 09:00:00Z", severity="low"),
    line("inactivity_observed", "C", "2025-01-23 09:00:00Z", as_of=day(23)),
    line("referral_made", "D", day(2), referred_customer_id="E"),
    line("needs_profiled", "D", day(3)),
    line("reactivated", "D", day(4)),
    line("win_back_declined", "D", day(5)),
]


def write(path: Path, lines: list[bytes], *, compressed: bool = False) -> Path:
    """``lines`` as a file, gzip-compressed or not."""
    data = b"\n".join(lines) + b"\n"
    path.write_bytes(gzip.compress(data) if compressed else data)
    return path


def test_the_demo_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped demo, with its customers: the same report."""
    events = str(DATA / "demo_events.jsonl")
    customers = str(DATA / "demo_customers.jsonl")
    result = both(monkeypatch, events, "--customers", customers)
    assert result.exit_code == 0, result.output
    assert "Customers at risk" in result.stdout


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_odd_lines_in_one_and_in_many_buckets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compressed: bool
) -> None:
    """Bad lines, refusals, judged lines and customers, in any bucketing."""
    name = "events.jsonl.gz" if compressed else "events.jsonl"
    source = write(tmp_path / name, ODD_LINES, compressed=compressed)
    customers = write(
        tmp_path / "customers.jsonl",
        [
            b'{"customer_id": "A", "type": "external"}',
            b'{"customer_id": "Z", "type": "internal"}',
            b'{"customer_id": 5}',
        ],
    )
    args = (str(source), "--customers", str(customers), "--limit", "1")
    assert both(monkeypatch, *args[:-1], "0").exit_code == 1
    result = both(monkeypatch, *args)
    assert result.exit_code == 1
    assert f"{source}:4: " in result.stderr  # out of order
    assert f"{source}:3: " not in result.stderr  # a redelivery
    monkeypatch.setattr(columnar, "BUCKET_BYTES", 300)
    monkeypatch.setattr(columnar, "_FLUSH_ROWS", 2)
    assert (
        columnar.bucket_count(
            columnar.Source(path=source, format="jsonl", compressed=compressed)
        )
        > 1
    )
    assert both(monkeypatch, *args).stdout == result.stdout


def test_a_byte_order_mark_and_crlf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Line endings and a byte-order mark are read as by the record path."""
    lines = [line("first_purchase", f"C{n}", day(n + 1)) for n in range(5)]
    source = tmp_path / "events.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")
    result = both(monkeypatch, str(source))
    assert result.exit_code == 0, result.output
    assert "all 5 event lines accepted" in result.stdout


def test_blank_files_have_no_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file of blank lines is an error on both paths."""
    source = write(tmp_path / "events.jsonl", [b"", b"  "])
    result = both(monkeypatch, str(source))
    assert result.exit_code == 1
    assert "has no events" in result.stderr


def test_without_polars_the_record_path_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no polars the columnar module cannot load: records are used."""
    monkeypatch.delattr(customer_centric.cli, "_replay_columnar")
    monkeypatch.setitem(
        sys.modules, "customer_centric.cli._replay_columnar", None
    )
    assert _replay._columnar_module() is None
    source = write(tmp_path / "events.jsonl", ODD_LINES[:2])
    assert run("replay", str(source)).exit_code == 0


TIMES = st.sampled_from(
    [
        day(1),
        day(2),
        day(2, 10),
        day(3),
        "2025-01-02T11:00:00+01:00",
        "2025-01-02T09:00:00.5Z",
        "2025-01-02",
        "2025-01-03T09:00:00",
    ]
)
FIELDS = {
    "amount": st.sampled_from([5, 7.5, "8", -1]),
    "severity": st.sampled_from(["low", "medium", "high", "critical", "x"]),
    "satisfied": st.sampled_from([True, False, "yes"]),
    "score": st.sampled_from([0.1, 0.95, 1, 3, "0.5"]),
    "source": st.sampled_from(["survey", "nps"]),
    "as_of": TIMES,
    "reason": st.sampled_from(["new_job", "moved_away", "firm_terminated"]),
    "event_id": st.sampled_from(["E1", "E2"]),
    "complaint_id": st.sampled_from(["K1", "K2"]),
    "referred_customer_id": st.just("R"),
}


@st.composite
def event_lines(draw: st.DrawFn) -> bytes:
    """One line: an event of any kind with a few fields, or junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([b"", b"{", b"null", b"\xfe"]))
    kind = draw(st.sampled_from([*EVENT_KINDS, "refund"]))
    names = draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=3))
    fields = {name: draw(FIELDS[name]) for name in names}
    customer = draw(st.sampled_from(["A", "B", "C"]))
    return line(kind, customer, draw(TIMES), **fields)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=st.lists(event_lines(), min_size=1, max_size=25))
def test_both_paths_agree_on_random_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[bytes]
) -> None:
    """Any small file: the same report and messages on both paths."""
    both(monkeypatch, str(write(tmp_path / "events.jsonl", lines)))


def test_customers_alike_are_stood_for_by_the_latest() -> None:
    """Counting customers alike keeps the one with the latest event."""
    import customer_centric as cc  # noqa: PLC0415

    report = columnar._Report(
        types={}, limit=1, policy=cc.relationship.DEFAULT_POLICY
    )
    late = cc.RelationshipState(customer_id="L").model_copy(
        update={"last_event_at": datetime(2025, 2, 1, tzinfo=UTC)}
    )
    early = late.model_copy(update={"customer_id": "E", "last_event_at": None})
    combo = ("suspect", "suspect", "acquisition", None)
    report.count(combo, 2, late)
    report.count(combo, 3, early)
    assert report.combos[combo] == (5, late)


def test_a_policy_that_allows_late_events(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under ``allow_out_of_order`` both paths apply the older event."""
    from customer_centric.relationship import DEFAULT_POLICY  # noqa: PLC0415

    policy = tmp_path / "late.toml"
    late = DEFAULT_POLICY.model_copy(update={"allow_out_of_order": True})
    policy.write_text(late.to_toml())
    source = write(tmp_path / "events.jsonl", ODD_LINES)
    result = both(monkeypatch, str(source), "--policy", str(policy))
    assert f"{source}:4: " not in result.stderr
