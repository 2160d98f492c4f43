"""Benchmark ``customer-centric replay`` on both of its paths (issue 10).

Writes the synthetic base of ``bench_replay.py`` (10 events per customer
on average) as a JSON Lines file in time order, as a log is written, one
event per line with only its kind's fields (about 105 bytes a line), and
runs the whole command on it, each run in its own process:

- ``columnar``: with polars, as installed (rows partitioned by customer,
  each bucket replayed by ``frames.replay_events``);
- ``records``: the record path (``replay_many`` on events read a line at
  a time), as without polars.

Prints, for 10^5 and 10^6 events (``--large`` adds 10^7, about 1 GB of
JSON and half an hour on the record path), the wall and CPU seconds of
the process (the command's start-up included), events per second (by
CPU time) and the peak resident memory (``ru_maxrss``), and the ratio of
the two paths; checks that both printed the same report::

    PYTHONPATH=src python benchmarks/bench_cli_replay.py
    PYTHONPATH=src python benchmarks/bench_cli_replay.py --large
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

RUNS = ("columnar", "records")


def events_file(size: int) -> Path:
    """The base of ``size`` events as JSON Lines, written once."""
    import polars as pl  # noqa: PLC0415 - only the parent writes it
    from bench_replay import SEED, columns, polars_frame  # noqa: PLC0415

    path = Path(tempfile.gettempdir()) / f"cc-bench-cli-{SEED}-{size}.jsonl"
    if path.exists():
        return path
    frame = (
        polars_frame(columns(size))
        .with_row_index("row")
        .sort("occurred_at", "row")
        .drop("row")
        .with_columns(
            pl.col("occurred_at", "as_of").dt.strftime(
                "%Y-%m-%dT%H:%M:%S%.6fZ"
            )
        )
    )
    part = path.with_suffix(".part")
    with part.open("w") as out:
        for batch in frame.iter_slices(100_000):
            for row in batch.iter_rows(named=True):
                fields = {k: v for k, v in row.items() if v is not None}
                out.write(json.dumps(fields) + "\n")
    part.rename(path)
    return path


def one(name: str, path: str) -> None:
    """Run the command in this process; print its report's digest."""
    import io  # noqa: PLC0415
    from contextlib import redirect_stdout, suppress  # noqa: PLC0415

    from customer_centric.cli import _replay, main  # noqa: PLC0415

    if name == "records":
        _replay._columnar_module = lambda: None  # noqa: SLF001
    report = io.StringIO()
    with redirect_stdout(report), suppress(SystemExit):  # a rejected line
        main(["replay", path], standalone_mode=False)
    digest = hashlib.sha256(report.getvalue().encode()).hexdigest()
    print(json.dumps({"digest": digest}))


def measured(name: str, path: Path) -> dict[str, float | str]:
    """Wall and CPU seconds, peak memory and report digest of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - this script, our arguments
        [sys.executable, __file__, "--one", name, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (
        after.ru_stime - before.ru_stime
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    # Called in a fresh process for each run (``--measure``): its only
    # child's ru_maxrss is the run's own peak.
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": after.ru_maxrss / 1024,
        "digest": found["digest"],
    }


def main() -> None:
    """Both paths at each size, each in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10**5, 10**6])
    parser.add_argument("--large", action="store_true", help="add 10^7")
    parser.add_argument("--one", nargs=2, metavar=("RUN", "FILE"))
    parser.add_argument("--measure", nargs=2, metavar=("RUN", "FILE"))
    args = parser.parse_args()
    if args.one:
        one(args.one[0], args.one[1])
        return
    if args.measure:
        print(json.dumps(measured(args.measure[0], Path(args.measure[1]))))
        return
    sizes = [*args.sizes, *([10**7] if args.large else [])]
    print(
        f"{'events':>10} {'run':>9} {'wall s':>8} {'CPU s':>8} "
        f"{'events/s':>10} {'peak MB':>8} {'CPU ratio':>9}"
    )
    for size in sizes:
        path = events_file(size)
        found = {}
        for name in RUNS:
            # Each run measured from a fresh process of its own, so that
            # the largest child's peak memory is this run's.
            done = subprocess.run(  # noqa: S603 - this script
                [sys.executable, __file__, "--measure", name, str(path)],
                capture_output=True,
                text=True,
                check=True,
            )
            found[name] = json.loads(done.stdout.strip().splitlines()[-1])
        if found["columnar"]["digest"] != found["records"]["digest"]:
            msg = f"the two paths printed different reports at {size:,}"
            raise RuntimeError(msg)
        for name, figures in found.items():
            ratio = found["records"]["cpu"] / figures["cpu"]
            print(
                f"{size:>10,} {name:>9} {figures['wall']:>8.1f} "
                f"{figures['cpu']:>8.1f} {size / figures['cpu']:>10,.0f} "
                f"{figures['peak_mb']:>8,.0f} {ratio:>9.2f}"
            )


if __name__ == "__main__":
    main()
