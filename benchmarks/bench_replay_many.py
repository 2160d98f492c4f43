"""Time ``replay_many`` at scale: events per second, memory, collector time.

Run it with the package on the path (it needs no peer: no state-machine
library replays many customers' events)::

    python benchmarks/bench_replay_many.py [--sizes 100000 1000000]

Each size runs in a fresh interpreter, so that each peak is its own. By
default the events are made first, into a list the replay is given (as
``bench_relationship.py`` does); the replay alone is timed, and its memory
is counted over the interpreter's with the events made. With ``--stream``
the events are made as they are replayed (a generator), as a replay
reading a file or a queue would meet them, so that sizes whose events
would not fit in memory can run: making the events is then timed apart
and taken off the replay's time, which makes that figure noisier. The
events come in rounds: every customer's first event, then every
customer's second, and so on. Printed per size:

- events per second of the replay, in this process's CPU time (other jobs
  on a shared machine stretch the wall clock far more);
- the share of that time the garbage collector ran (``gc.callbacks``);
- the peak resident memory the replay added, and what the result keeps
  (resident memory with the result held), per customer.

Twenty events per customer, as in ``bench_relationship.py``: interest, a
first purchase, needs profiled, then repeat purchases with a referral
(5 %) or a complaint and its resolution (3 %) now and then.
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

PER_CUSTOMER = 20


def events(n_events: int, *, ids: bool, seed: int = 7) -> Iterator[Any]:
    """``n_events`` valid events of ``n_events // 20`` customers, in rounds.

    Events are built with ``model_construct`` (their values are valid by
    construction), so that making them costs less than replaying them.
    """
    from customer_centric import Severity  # noqa: PLC0415
    from customer_centric import relationship as rel  # noqa: PLC0415

    rng = random.Random(seed)
    customers = max(1, n_events // PER_CUSTOMER)
    names = [f"C{c:07d}" for c in range(customers)]
    open_complaint = bytearray(customers)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made = 0
    amount = Decimal("25.00")
    for step in range(PER_CUSTOMER):
        day = start + timedelta(days=7 * step)
        for c, name in enumerate(names):
            if made == n_events:
                return
            made += 1
            fields: dict[str, Any] = {
                "customer_id": name,
                "occurred_at": day + timedelta(seconds=c % 86_400),
                "event_id": f"{name}-{step}" if ids else None,
            }
            if step == 0:
                yield rel.InterestShown.model_construct(**fields)
            elif step == 1:
                yield rel.FirstPurchase.model_construct(
                    **fields, amount=amount
                )
            elif step == 2:
                yield rel.NeedsProfiled.model_construct(**fields)
            elif open_complaint[c]:
                open_complaint[c] = 0
                yield rel.ComplaintResolved.model_construct(
                    **fields, satisfied=True
                )
            else:
                roll = rng.random()
                if roll < 0.05:
                    yield rel.ReferralMade.model_construct(**fields)
                elif roll < 0.08:
                    open_complaint[c] = 1
                    yield rel.ComplaintFiled.model_construct(
                        **fields, severity=Severity.HIGH
                    )
                else:
                    yield rel.RepeatPurchase.model_construct(
                        **fields, amount=amount
                    )


def resident_kib() -> int:
    """The interpreter's resident memory now, in KiB (Linux)."""
    with Path("/proc/self/status").open(encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0  # pragma: no cover - not Linux


def child(n_events: int, *, ids: bool, stream: bool) -> dict[str, float]:
    """One size, measured in this interpreter; the figures as a mapping."""
    from customer_centric.relationship import replay_many  # noqa: PLC0415

    making = 0.0
    if stream:
        began = time.process_time()
        for _ in events(n_events, ids=ids):
            pass
        making = time.process_time() - began
        given: Iterable[Any] = events(n_events, ids=ids)
    else:
        given = list(events(n_events, ids=ids))
    gc.collect()
    started_kib = resident_kib()

    collecting = 0.0
    mark = [0.0]

    def timer(phase: str, _info: dict[str, int]) -> None:
        nonlocal collecting
        if phase == "start":
            mark[0] = time.process_time()
        else:
            collecting += time.process_time() - mark[0]

    gc.callbacks.append(timer)
    began = time.process_time()
    result = replay_many(given)
    total = time.process_time() - began
    gc.callbacks.remove(timer)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kept_kib = resident_kib() - started_kib
    replaying = max(total - making, 1e-9)
    return {
        "events": n_events,
        "customers": len(result),
        "seconds": replaying,
        "events_per_second": n_events / replaying,
        "gc_share": collecting / replaying,
        "peak_mib": (peak_kib - started_kib) / 1024,
        "kept_mib": kept_kib / 1024,
        "kept_bytes_per_customer": kept_kib * 1024 / max(1, len(result)),
    }


def main() -> None:
    """Run each size in its own interpreter and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000]
    )
    parser.add_argument(
        "--ids", action="store_true", help="give every event an event_id"
    )
    parser.add_argument(
        "--stream",
        action="store_true",
        help="make the events as the replay reads them (for sizes whose "
        "events would not fit in memory)",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, ids=args.ids, stream=args.stream)))
        return
    print(f"python {platform.python_version()} on {platform.machine()}")
    print(f"event ids: {'yes' if args.ids else 'no'}")
    print(f"events: {'made as read' if args.stream else 'a list, made first'}")
    for size in args.sizes:
        command = [sys.executable, __file__, "--child", str(size)]
        if args.ids:
            command.append("--ids")
        if args.stream:
            command.append("--stream")
        done = subprocess.run(  # noqa: S603 - this script, this interpreter
            command, check=True, capture_output=True, text=True
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"  {row['events']:>12,.0f} events of {row['customers']:,.0f} "
            f"customers: {row['events_per_second']:>9,.0f} events/s "
            f"({row['seconds']:.2f} s, collector {row['gc_share']:.0%}); "
            f"peak +{row['peak_mib']:,.0f} MiB, result keeps "
            f"{row['kept_mib']:,.0f} MiB "
            f"({row['kept_bytes_per_customer']:,.0f} B per customer)",
            flush=True,
        )


if __name__ == "__main__":
    main()
