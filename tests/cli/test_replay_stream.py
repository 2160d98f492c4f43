"""``replay`` streams its events: gzip files, bounded memory, line numbers."""

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from customer_centric.cli import main


def run(*args: str) -> Result:
    """Invoke the command line at 80 columns."""
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "80"})


def events(customers: int) -> list[bytes]:
    """A first and a repeat purchase per customer, then one refused event."""
    lines = []
    for n in range(customers):
        for kind, day in (("first_purchase", 2), ("repeat_purchase", 9)):
            lines.append(
                json.dumps(
                    {
                        "kind": kind,
                        "customer_id": f"C{n:04d}",
                        "occurred_at": f"2025-01-{day:02d}T09:00:00Z",
                    }
                ).encode()
            )
    lines.append(b'{"kind": "refund"}')
    lines.append(
        json.dumps(
            {
                "kind": "first_purchase",
                "customer_id": "C0000",
                "occurred_at": "2025-01-01T09:00:00Z",
            }
        ).encode()
    )
    return lines


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_replay_streams_plain_and_gzip_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, compressed: bool
) -> None:
    """Events are read a line at a time, never the whole file at once."""
    data = b"\n".join(events(1_100)) + b"\n"
    name = "events.jsonl.gz" if compressed else "events.jsonl"
    source = tmp_path / name
    source.write_bytes(gzip.compress(data) if compressed else data)
    customers = tmp_path / "customers.jsonl.gz"
    customers.write_bytes(
        gzip.compress(b'{"customer_id": "Z", "type": "external"}\n')
    )

    def whole_file(path: Path) -> bytes:
        raise AssertionError(path)

    monkeypatch.setattr(Path, "read_bytes", whole_file)
    result = run("replay", str(source), "--customers", str(customers))
    assert result.exit_code == 1, result.output
    assert f"{source}:2201: Input tag 'refund'" in result.stderr
    assert f"{source}:2202: " in result.stderr
    assert "2 of 2,202 event lines rejected (1 unreadable, 1 refused" in (
        " ".join(result.stdout.split())
    )
    assert "…" not in result.stdout


def test_what_if_reads_a_long_gzip_file(tmp_path: Path) -> None:
    """what-if reads gzip-compressed events too, and numbers their lines."""
    from customer_centric.relationship import DEFAULT_POLICY  # noqa: PLC0415

    source = tmp_path / "events.jsonl.gz"
    source.write_bytes(gzip.compress(b"\n".join(events(1_100)) + b"\n"))
    proposal = tmp_path / "B.toml"
    stricter = DEFAULT_POLICY.with_thresholds(client_min_purchases=4)
    proposal.write_text(stricter.to_toml())
    result = run("what-if", str(source), "--against", str(proposal))
    assert result.exit_code == 1, result.output
    assert f"{source}:2201: Input tag 'refund'" in result.stderr


def test_demo_reads_at_80_columns() -> None:
    """The relationship report cuts no word or number at 80 columns."""
    result = run("demo", "--no-clv", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert "…" not in result.stdout
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert "serious complaint" in result.stdout  # a label, not its code
    assert "serious_complaint" not in result.stdout
