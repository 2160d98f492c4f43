import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate_demo_data.py"
DATA = ROOT / "src" / "customer_centric" / "data"
FILES = ("demo_customers.jsonl", "demo_events.jsonl")


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """The generator script, imported as a module."""
    spec = importlib.util.spec_from_file_location("generate_demo", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_demo"] = module
    spec.loader.exec_module(module)
    return module


def test_regenerating_gives_the_shipped_files(tmp_path: Path):
    """The script, run from its seed, writes byte-identical files."""
    subprocess.run(
        [sys.executable, str(SCRIPT), "--output-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} differs from the shipped file; run "
            "python scripts/generate_demo_data.py and commit the result"
        )


def test_shipped_files_stay_small():
    """The shipped demo files together stay under 5 MB."""
    assert sum((DATA / name).stat().st_size for name in FILES) < 5_000_000


def test_same_generator_state_gives_same_data(generator: ModuleType):
    """Equal seeds give equal data, whatever the global random state."""
    np.random.seed(1)  # noqa: NPY002 - proves the global state is unused
    first = generator.generate(np.random.default_rng(3), customers=60)
    np.random.seed(2)  # noqa: NPY002
    second = generator.generate(np.random.default_rng(3), customers=60)
    assert first == second


def test_another_seed_gives_other_data(generator: ModuleType):
    """The seed matters."""
    first = generator.generate(np.random.default_rng(3), customers=60)
    other = generator.generate(np.random.default_rng(4), customers=60)
    assert first != other


def test_events_are_numbered_in_time_order(generator: ModuleType):
    """Events are sorted by time and numbered in that order."""
    _, events = generator.generate(np.random.default_rng(5), customers=80)
    stamps = [e["occurred_at"] for e in events]
    assert stamps == sorted(stamps)
    assert [e["event_id"] for e in events] == [
        f"E{n:06d}" for n in range(1, len(events) + 1)
    ]


def _event(kind: str, when: str, **payload: object) -> dict[str, object]:
    return {
        "kind": kind,
        "customer_id": "C1",
        "occurred_at": when,
        **payload,
    }


def test_monitor_checks_quiet_customers_each_quarter(generator: ModuleType):
    """A customer quiet for 90+ days is checked at each quarter end."""
    events = [
        _event("interest_shown", "2025-01-05T10:00:00Z"),
        _event("first_purchase", "2025-01-06T10:00:00Z"),
    ]
    out = generator.monitor(events)
    checks = [
        e["occurred_at"] for e in out if e["kind"] == "inactivity_observed"
    ]
    assert checks == [
        "2025-06-30T18:00:00Z",
        "2025-09-30T18:00:00Z",
        "2025-12-31T18:00:00Z",
    ]


def test_monitor_reactivates_a_customer_presumed_lost(generator: ModuleType):
    """Activity after a year of silence is preceded by a reactivation."""
    events = [
        _event("first_purchase", "2023-01-06T10:00:00Z"),
        _event("account_closed", "2024-06-01T10:00:00Z", reason="price"),
        _event("repeat_purchase", "2024-07-01T10:00:00Z"),
    ]
    out = generator.monitor(events)
    kinds = [e["kind"] for e in out]
    assert "account_closed" not in kinds
    back = kinds.index("reactivated")
    assert kinds[back + 1] == "repeat_purchase"
    # Quarterly checks until the first one after a year of silence.
    assert kinds[1:back] == ["inactivity_observed"] * 4
    assert out[back]["occurred_at"] == "2024-07-01T09:59:00Z"


def test_monitor_leaves_departed_customers_alone(generator: ModuleType):
    """No inactivity checks after an account is closed."""
    events = [
        _event("first_purchase", "2025-01-06T10:00:00Z"),
        _event("account_closed", "2025-01-20T10:00:00Z", reason="new_job"),
    ]
    assert generator.monitor(events) == events
