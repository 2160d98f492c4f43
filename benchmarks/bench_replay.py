"""Benchmark the columnar replay of a whole customer base (issue 10).

Runs, for each size of ``--sizes`` events (10^4, 10^5 and 10^6 by default;
``--big`` adds 10^7), each of:

- ``columnar``: :func:`customer_centric.frames.replay_events` on a polars
  frame of the events;
- ``replay_many``: :func:`customer_centric.relationship.replay_many` on the
  same events as records (building the records is not timed), only up to
  10^6 events;
- ``python-floor``: a bare Python loop over the same events making
  simplified decisions (a stage table lookup and a counter per event) on
  integer arrays: what any per-event loop costs at the least;
- ``numpy-floor``: the same simplified decisions vectorised over the k-th
  event of every customer at once: what a columnar replay costs at least.

Each run is its own subprocess, so its peak memory (``ru_maxrss``, the
whole process: data, frame and answer) is its own. The synthetic base has
10 events per customer on average: an interest, a first purchase, then
purchases, needs profiling, referrals, complaints and their resolutions,
dissatisfaction signals, inactivity checks and a few closures, at strictly
increasing times per customer. Prints events per second, peak memory and
the ratios to the floors::

    PYTHONPATH=src python benchmarks/bench_replay.py
    PYTHONPATH=src python benchmarks/bench_replay.py --big   # adds 10^7
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

SEED = 20261206
KINDS = (
    "repeat_purchase",
    "needs_profiled",
    "referral_made",
    "complaint_filed",
    "complaint_resolved",
    "dissatisfaction_signal",
    "inactivity_observed",
    "account_closed",
)
WEIGHTS = (0.62, 0.06, 0.08, 0.04, 0.03, 0.05, 0.115, 0.005)
START = np.datetime64("2023-01-01T00:00:00", "us").astype(np.int64)


ALL_KINDS = ("interest_shown", "first_purchase", *KINDS)
SEVERITIES = ("low", "medium", "high", "critical")


def columns(size: int) -> dict[str, Any]:
    """A synthetic base of exactly ``size`` events, as numpy columns.

    ``owner`` is each event's customer number, ``kind`` its index in
    ``ALL_KINDS``; strings are made only in the frame.
    """
    rng = np.random.default_rng(SEED)
    counts = np.maximum(2, rng.poisson(10, size // 5 + 10))
    # Exactly ``size`` events: the customers that fit, the last one cut.
    ends = np.cumsum(counts)
    customers = int(np.searchsorted(ends, size)) + 1
    counts = counts[:customers]
    counts[-1] -= int(ends[customers - 1]) - size
    first = np.r_[0, np.cumsum(counts)[:-1]]
    k = np.arange(size) - np.repeat(first, counts)
    kind = rng.choice(len(KINDS), size, p=WEIGHTS).astype(np.int8) + 2
    last = k == np.repeat(counts - 1, counts)
    closed = ALL_KINDS.index("account_closed")
    # A closure ends a customer's history (later purchases would be refused).
    kind[(kind == closed) & ~last] = ALL_KINDS.index("repeat_purchase")
    kind[k == 0] = 0
    kind[k == 1] = 1
    gaps = rng.integers(60_000_000, 30 * 86_400_000_000, size)
    gaps[first] = rng.integers(0, 365 * 86_400_000_000, customers)
    sums = np.cumsum(gaps)
    return {
        "owner": np.repeat(np.arange(customers), counts),
        "kind": kind,
        "occurred_at": START
        + sums
        - np.repeat(sums[first] - gaps[first], counts),
        "severity": rng.integers(0, 4, size).astype(np.int8),
        "satisfied": rng.random(size) < 0.8,
        "score": rng.random(size),
    }


def polars_frame(data: dict[str, Any]) -> pl.DataFrame:
    """The base as a polars frame: text, UTC times and nulls by kind."""
    kind = pl.col("kind")

    def only(name: str, value: pl.Expr) -> pl.Expr:
        return pl.when(kind == name).then(value)

    stamp = (
        pl.col("occurred_at")
        .cast(pl.Datetime("us"))
        .dt.replace_time_zone("UTC")
    )
    return (
        pl.DataFrame(data)
        .with_columns(
            kind=pl.col("kind").replace_strict(
                dict(enumerate(ALL_KINDS)), return_dtype=pl.String
            ),
            severity=pl.col("severity").replace_strict(
                dict(enumerate(SEVERITIES)), return_dtype=pl.String
            ),
        )
        .select(
            customer_id=pl.format("C{}", pl.col("owner")),
            kind=kind,
            occurred_at=stamp,
            severity=only("complaint_filed", pl.col("severity")),
            satisfied=only("complaint_resolved", pl.col("satisfied")),
            score=only("dissatisfaction_signal", pl.col("score")),
            source=only("dissatisfaction_signal", pl.lit("survey")),
            as_of=only("inactivity_observed", stamp),
            reason=only("account_closed", pl.lit("new_job")),
        )
    )


def parquet(size: int) -> Path:
    """The base as a parquet file, written once (by a process of its own)."""
    path = (
        Path(tempfile.gettempdir()) / f"cc-bench-replay-{SEED}-{size}.parquet"
    )
    if not path.exists():
        polars_frame(columns(size)).write_parquet(path)
    return path


def run_columnar(size: int) -> float:
    """Seconds to replay the base with ``frames.replay_events``.

    The base is read from parquet, as a user's would be: the peak memory
    is the frame's and the replay's, not the synthetic generator's.
    """
    from customer_centric.frames import replay_events  # noqa: PLC0415

    frame = pl.read_parquet(parquet(size))
    started = time.perf_counter()
    out = replay_events(frame)
    elapsed = time.perf_counter() - started
    if out.applied + len(out.rejected) != size:
        raise RuntimeError(out)
    return elapsed


def run_replay_many(size: int) -> float:
    """Seconds to replay the base's records with ``replay_many``."""
    from customer_centric.relationship import (  # noqa: PLC0415
        parse_event,
        replay_many,
    )

    frame = polars_frame(columns(size))
    order = frame.with_row_index("row").sort(
        ["customer_id", "occurred_at", "row"]
    )
    events = [
        parse_event(
            {k: v for k, v in row.items() if v is not None and k != "row"}
        )
        for row in order.iter_rows(named=True)
    ]
    started = time.perf_counter()
    replay_many(events, on_error="collect")
    return time.perf_counter() - started


# The floors' simplified decision table: (kind code, stage) -> next stage,
# and whether the kind counts a purchase.
N_STAGES = 5


def _floor_table() -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    kinds = ALL_KINDS
    table = np.tile(np.arange(N_STAGES), (len(kinds), 1))
    table[0, 0] = 1
    table[1, :2] = 2
    table[2, 2] = 3
    table[4, 3] = 4
    counted = np.array([k.endswith("purchase") for k in kinds])
    return table, counted


def _coded(size: int) -> tuple[np.ndarray[Any, Any], ...]:
    data = columns(size)
    return data["kind"].astype(np.int64), data["owner"]


def run_python_floor(size: int) -> float:
    """Seconds for a bare Python loop of simplified decisions."""
    kind, owner = _coded(size)
    table, counted = _floor_table()
    rows = table.tolist()
    counts = counted.tolist()
    kinds, owners = kind.tolist(), owner.tolist()
    started = time.perf_counter()
    stage = [0] * (max(owners) + 1)
    purchases = [0] * (max(owners) + 1)
    for k, c in zip(kinds, owners, strict=True):
        stage[c] = rows[k][stage[c]]
        if counts[k]:
            purchases[c] += 1
    return time.perf_counter() - started


def run_numpy_floor(size: int) -> float:
    """Seconds for the simplified decisions in numpy rounds."""
    kind, owner = _coded(size)
    table, counted = _floor_table()
    started = time.perf_counter()
    order = np.argsort(owner, kind="stable")
    runs = np.bincount(owner)
    starts = np.r_[0, np.cumsum(runs)[:-1]]
    stage = np.zeros(len(runs), np.int64)
    purchases = np.zeros(len(runs), np.int64)
    active = np.arange(len(runs))
    k = 0
    while active.size:
        active = active[runs[active] > k]
        rows = order[starts[active] + k]
        stage[active] = table[kind[rows], stage[active]]
        purchases[active] += counted[kind[rows]]
        k += 1
    return time.perf_counter() - started


RUNS = {
    "columnar": run_columnar,
    "replay_many": run_replay_many,
    "python-floor": run_python_floor,
    "numpy-floor": run_numpy_floor,
}


def one(name: str, size: int) -> None:
    """Run one benchmark in this process and print its figures as JSON."""
    if name == "parquet":
        parquet(size)
        return
    seconds = RUNS[name](size)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def main() -> None:
    """Run every benchmark at every size, each in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[10**4, 10**5, 10**6]
    )
    parser.add_argument("--big", action="store_true", help="add 10^7 events")
    parser.add_argument("--one", nargs=2, metavar=("RUN", "SIZE"))
    args = parser.parse_args()
    if args.one:
        one(args.one[0], int(args.one[1]))
        return
    sizes = [*args.sizes, *([10**7] if args.big else [])]
    print(
        f"{'size':>10} {'run':>13} {'events/s':>12} {'peak MB':>9} "
        f"{'vs python':>10} {'vs numpy':>9}"
    )
    for size in sizes:
        subprocess.run(  # noqa: S603 - this script, our arguments
            [sys.executable, __file__, "--one", "parquet", str(size)],
            check=True,
            capture_output=True,
        )
        found: dict[str, dict[str, float]] = {}
        for name in RUNS:
            if name == "replay_many" and size > 10**6:
                continue
            done = subprocess.run(  # noqa: S603 - this script, our arguments
                [sys.executable, __file__, "--one", name, str(size)],
                capture_output=True,
                text=True,
                check=True,
            )
            found[name] = json.loads(done.stdout.strip().splitlines()[-1])
        for name, figures in found.items():
            rate = size / figures["seconds"]
            vs_python = found["python-floor"]["seconds"] / figures["seconds"]
            vs_numpy = found["numpy-floor"]["seconds"] / figures["seconds"]
            print(
                f"{size:>10,} {name:>13} {rate:>12,.0f} "
                f"{figures['peak_mb']:>9,.0f} {vs_python:>10.2f} "
                f"{vs_numpy:>9.2f}"
            )


if __name__ == "__main__":
    main()
