"""Time due events over a customer base: ``due_events`` and ``next_due_many``.

Run it with the package installed (no extra, no peer)::

    python benchmarks/bench_due.py [--states 1000000] [--seed 7]

There is no peer to compare with: ``transitions`` and
``python-statemachine`` have no notion of events that time makes due (their
users run a timer per object), so the script prints our own figures only.

The states are drawn from a mix of stages (new suspects, welcome,
account management, clients and advocates, potential divorce, divorce) with
last activity up to two years before ``as_of``, so that some customers have
nothing due, some one event and some several. Each figure is one pass over
all the states, timed with ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import UTC, datetime, timedelta

import customer_centric as cc
from customer_centric.relationship import (
    due_events,
    next_due_many,
)

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)

# (loyalty, lifecycle, purchases, referrals, departed) of each template.
TEMPLATES = (
    ("suspect", "acquisition", 0, 0, False),
    ("customer", "welcome", 1, 0, False),
    ("client", "account_management", 3, 0, False),
    ("advocate", "account_management", 4, 1, False),
    ("client", "potential_divorce", 3, 0, False),
    ("client", "divorce", 3, 0, True),
)


def states(count: int, seed: int) -> list[cc.RelationshipState]:
    """``count`` valid states, each customer once, from the templates."""
    rng = random.Random(seed)
    out = []
    for number in range(count):
        loyalty, lifecycle, purchases, referrals, departed = rng.choice(
            TEMPLATES
        )
        last = AS_OF - timedelta(days=rng.randrange(0, 730))
        fields: dict[str, object] = {
            "customer_id": f"C-{number}",
            "loyalty": loyalty,
            "peak_loyalty": loyalty,
            "lifecycle": lifecycle,
            "purchases": purchases,
            "referrals": referrals,
        }
        if purchases:
            fields |= {"last_event_at": last, "last_activity_at": last}
        if departed:
            fields |= {"departure_reason": "new_job", "departed_at": last}
        out.append(cc.RelationshipState.model_validate(fields))
    return out


def main() -> None:
    """Build the states, time each pass and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--states", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"Python {sys.version.split()[0]}, {platform.machine()}, "
        f"customer_centric {cc.__version__}"
    )
    base = states(args.states, args.seed)
    print(f"{len(base):,} states built")

    start = time.perf_counter()
    found = with_due = 0
    for state in base:
        due = due_events(state, as_of=AS_OF)
        found += len(due)
        with_due += bool(due)
    elapsed = time.perf_counter() - start
    print(
        f"due_events: {elapsed:.2f} s ({elapsed / len(base) * 1e6:.1f} µs "
        f"per state, {len(base) / elapsed:,.0f} states/s); {found:,} due "
        f"events for {with_due:,} customers"
    )

    start = time.perf_counter()
    schedule = next_due_many(base)
    elapsed = time.perf_counter() - start
    print(
        f"next_due_many: {elapsed:.2f} s ({elapsed / len(base) * 1e6:.1f} "
        f"µs per state); {len(schedule):,} customers scheduled"
    )


if __name__ == "__main__":
    main()
