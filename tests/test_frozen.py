"""Record fields that hold sets dump alike in every process."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from customer_centric.complaints import (
    FIRST_REPLY,
    NEXT_REPLY,
    BusinessCalendar,
)

# Fingerprints of records whose fields hold sets of strings and dates,
# whose iteration order follows the process's hash seed.
_PROGRAM = """
from datetime import date
from customer_centric._fingerprint import fingerprint
from customer_centric import complaints as c
calendar = c.BusinessCalendar(
    holidays=frozenset(date(2026, 1, d) for d in range(1, 29)))
print(fingerprint(c.FIRST_REPLY), fingerprint(c.NEXT_REPLY),
      fingerprint(calendar))
"""


def _fingerprints(seed: int) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": str(seed), "PATH": ""},
    )
    return done.stdout


def test_fingerprints_do_not_follow_the_hash_seed() -> None:
    """The same records fingerprint alike under different hash seeds."""
    assert len({_fingerprints(seed) for seed in (1, 2, 3)}) == 1


def test_sets_dump_sorted_to_json() -> None:
    """A set field's JSON lists its items in order; Python dumps keep sets."""
    calendar = BusinessCalendar(
        holidays=frozenset({date(2026, 12, 25), date(2026, 1, 1)})
    )
    assert calendar.model_dump(mode="json")["holidays"] == [
        "2026-01-01",
        "2026-12-25",
    ]
    assert calendar.model_dump()["holidays"] == calendar.holidays
    assert NEXT_REPLY.model_dump(mode="json")["starts_on"] == sorted(
        e.value for e in NEXT_REPLY.starts_on
    )
    assert FIRST_REPLY.model_dump(mode="json")["stops_on"] == sorted(
        e.value for e in FIRST_REPLY.stops_on
    )
