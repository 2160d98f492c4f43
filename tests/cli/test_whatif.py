"""``customer-centric what-if``: one events file under two policies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import customer_centric as cc
from customer_centric.cli import main

P = cc.relationship.DEFAULT_POLICY
STRICTER = P.with_thresholds(client_min_purchases=4)


def run(*args: str, columns: int = 80) -> Result:
    """Invoke the command line on a terminal ``columns`` wide."""
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(columns)})


def _line(kind: str, customer: str, day: int) -> str:
    return json.dumps(
        {
            "kind": kind,
            "customer_id": customer,
            "occurred_at": f"2025-01-{day:02}T09:00:00Z",
        }
    )


def _buyer(customer: str, purchases: int) -> list[str]:
    return [
        _line("first_purchase", customer, 1),
        *(
            _line("repeat_purchase", customer, 1 + k)
            for k in range(1, purchases)
        ),
    ]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """An events file, the default policy as TOML and a stricter one."""
    events = tmp_path / "events.jsonl"
    events.write_text(
        "\n".join([*_buyer("A", 3), *_buyer("B", 4), *_buyer("C", 1)]) + "\n",
        encoding="utf-8",
    )
    current = tmp_path / "A.toml"
    current.write_text(P.to_toml(), encoding="utf-8")
    proposed = tmp_path / "B.json"
    proposed.write_text(STRICTER.model_dump_json(indent=2), encoding="utf-8")
    return {"events": events, "current": current, "proposed": proposed}


def test_what_if_shows_who_lands_elsewhere_and_why(files: dict[str, Path]):
    """The report names both policies, the moves and the first difference."""
    result = run(
        "what-if",
        str(files["events"]),
        "--policy",
        str(files["current"]),
        "--against",
        str(files["proposed"]),
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"policy A.toml (fingerprint {P.fingerprint[:12]})" in out
    flat = " ".join(out.split())
    assert f"policy B.json (fingerprint {STRICTER.fingerprint[:12]})" in flat
    assert "3 customers replayed; 1 land elsewhere (33.3%)." in out
    assert "Client       │ Customer     │         1" in out
    assert "A: Client, Welcome → Customer, Welcome" in out
    assert "first difference 2025-01-03 (loyalty)" in out
    assert "A.toml: Client by loyalty.client (repeat buyer, 2025-01-03)" in out
    assert "B.json: no move" in out
    assert max(map(len, out.splitlines())) <= 80
    assert result.stderr == ""


def test_what_if_defaults_the_current_policy(files: dict[str, Path]):
    """Without --policy the policy in force is the library's default."""
    result = run(
        "what-if", str(files["events"]), "--against", str(files["current"])
    )
    assert result.exit_code == 0, result.output
    assert "default policy" in result.stdout
    assert "0 land elsewhere (0.0%)" in result.stdout
    assert "Customers who land elsewhere" not in result.stdout


def test_what_if_limit_zero_lists_no_customers(files: dict[str, Path]):
    """--limit 0 keeps the counts and lists nobody."""
    result = run(
        "what-if",
        str(files["events"]),
        "--against",
        str(files["proposed"]),
        "--limit",
        "0",
    )
    assert result.exit_code == 0, result.output
    assert "1 land elsewhere" in result.stdout
    assert "Customers who land elsewhere" not in result.stdout


def test_what_if_counts_refused_events(tmp_path: Path):
    """Events a policy refuses are counted; unreadable lines exit 1."""
    events = tmp_path / "late.jsonl"
    events.write_text(
        "\n".join(
            [
                _line("first_purchase", "A", 5),
                _line("repeat_purchase", "A", 2),
                "{not json",
            ]
        ),
        encoding="utf-8",
    )
    lenient = tmp_path / "lenient.toml"
    lenient.write_text(
        P.with_thresholds(allow_out_of_order=True).to_toml(), encoding="utf-8"
    )
    result = run("what-if", str(events), "--against", str(lenient))
    assert result.exit_code == 1
    assert "events refused: 1 under default, 0 under lenient.toml." in (
        result.stdout
    )
    assert "1 event lines unreadable" in result.stdout
    assert f"{events}:3: Invalid JSON" in result.stderr


def test_what_if_needs_events(tmp_path: Path, files: dict[str, Path]):
    """An empty events file is an error with exit status 1."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = run("what-if", str(empty), "--against", str(files["proposed"]))
    assert result.exit_code == 1
    assert "has no events" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("bad.toml", "client_min_purchases = 1", "client_min_purchases must"),
        ("bad.yaml", "x: 1", "invalid policy: Invalid JSON"),
    ],
    ids=["invalid", "not-json"],
)
def test_what_if_rejects_a_bad_proposal_as_usage_error(
    tmp_path: Path,
    files: dict[str, Path],
    name: str,
    content: str,
    fragment: str,
):
    """A bad --against file is a usage error naming the option (exit 2)."""
    bad = tmp_path / name
    bad.write_text(content, encoding="utf-8")
    result = run("what-if", str(files["events"]), "--against", str(bad))
    assert result.exit_code == 2
    assert "'--against'" in result.stderr
    assert "not a valid policy" in result.stderr
    assert fragment in " ".join(result.stderr.split())


def test_what_if_requires_a_proposal(files: dict[str, Path]):
    """--against is required."""
    result = run("what-if", str(files["events"]))
    assert result.exit_code == 2
    assert "--against" in result.stderr


def test_what_if_shows_file_names_as_text(
    tmp_path: Path, files: dict[str, Path]
):
    """A policy file named like rich markup is shown as written."""
    odd = tmp_path / "[bold]x.toml"
    odd.write_text(STRICTER.to_toml(), encoding="utf-8")
    result = run("what-if", str(files["events"]), "--against", str(odd))
    assert result.exit_code == 0, result.output
    assert "[bold]x.toml" in result.stdout
