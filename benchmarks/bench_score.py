"""Time ``customer-centric score`` against polars computing the RFM alone.

Generates synthetic transaction logs (CSV: customer_id, date, amount) of
10^5 and 10^6 rows (and 10^7 with ``--large``; any sizes with ``--rows``),
then, each in a fresh process so that peak memory is its own:

- ``score``: the whole command (read, check, summarise, fit, score, write);
- ``polars``: ``pl.read_csv`` and the RFM summary (frequency, recency, T
  and the mean spend of repeat purchase days, by customer), the floor any
  columnar scorer pays before it fits a model.

Prints the seconds, the ratio score / polars and the peak resident memory
(``ru_maxrss`` of the child). Run: ``python benchmarks/bench_score.py``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import numpy as np

_DAYS: Final = 730

_POLARS_RFM = """
import sys
import polars as pl
frame = pl.read_csv(sys.argv[1], try_parse_dates=True)
end = frame["date"].max()
days = frame.group_by("customer_id", "date").agg(pl.col("amount").sum())
day = pl.col("date")
first = day.min()
summary = (
    days.sort("date")
    .group_by("customer_id")
    .agg(
        (pl.len() - 1).alias("frequency"),
        ((day.max() - first).dt.total_days() / 7).alias("recency"),
        ((pl.lit(end) - first).dt.total_days() / 7).alias("T"),
        (pl.col("amount").sum() - pl.col("amount").first()).alias("spend"),
    )
    .with_columns(
        (pl.col("spend") / pl.col("frequency").clip(1)).alias("monetary")
    )
    .sort("customer_id")
)
print(summary.height)
"""


def _purchases(
    rng: np.random.Generator, customers: int
) -> tuple[np.ndarray, np.ndarray]:
    """Customer numbers and day numbers of a BG/NBD-like base.

    Each customer is born in the first half year, buys at a Poisson rate
    (gamma across customers) and may drop out after each purchase (beta
    across customers), as the BG/NBD model assumes.
    """
    birth = rng.integers(0, 180, size=customers)
    rate = rng.gamma(0.9, 1 / 20, size=customers)
    dropout = rng.beta(1.0, 6.0, size=customers)
    window = _DAYS - birth
    before_dropout = rng.geometric(dropout) - 1
    possible = rng.poisson(rate * window)
    repeats = np.minimum(before_dropout, possible)
    life = np.where(
        before_dropout < possible, repeats / np.maximum(rate, 1e-9), window
    )
    life = np.minimum(life, window - 1)
    counts = 1 + repeats
    who = np.repeat(np.arange(customers), counts)
    offset = rng.uniform(0, 1, size=who.size) * np.repeat(life, counts)
    first = np.concatenate(([0], np.cumsum(counts)[:-1]))
    offset[first] = 0
    return who, np.repeat(birth, counts) + offset.astype(np.int64)


def generate(path: Path, rows: int, *, seed: int = 7) -> None:
    """Write ``rows`` transactions, in random order, with amounts."""
    rng = np.random.default_rng(seed)
    customers = max(10, rows // 4)
    who, days = _purchases(rng, customers)
    while who.size < rows:
        customers *= 2
        who, days = _purchases(rng, customers)
    keep = rng.permutation(who.size)[:rows]
    who, days = who[keep], days[keep]
    amounts = np.round(rng.gamma(4.0, 8.0, size=rows), 2)
    start = date(2024, 1, 1)
    labels = [(start + timedelta(days=d)).isoformat() for d in range(_DAYS)]
    with path.open("w", encoding="utf-8") as handle:
        handle.write("customer_id,date,amount\n")
        handle.writelines(
            f"C{c:08d},{labels[d]},{a:.2f}\n"
            for c, d, a in zip(who, days, amounts, strict=True)
        )


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak resident MB of one child.

    CPU seconds (user + system) tell more than wall time on a machine
    other work shares.
    """
    start = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        msg = f"{command[:4]} failed with status {status}"
        raise SystemExit(msg)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    """Generate the logs, run both, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", action="store_true", help="add 10^7 rows")
    parser.add_argument("--rows", type=int, nargs="*", default=None)
    args = parser.parse_args()
    sizes = args.rows or [10**5, 10**6, *([10**7] if args.large else [])]
    print(f"{'rows':>12} {'score s':>8} {'polars s':>8} {'ratio':>6} "
          f"{'score cpu':>9} {'polars cpu':>10} {'ratio':>6} "
          f"{'score MB':>8} {'polars MB':>9}")  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        for rows in sorted(sizes):
            log = Path(folder, f"log_{rows}.csv")
            generate(log, rows)
            base, base_cpu, base_mb = timed(
                [sys.executable, "-c", _POLARS_RFM, str(log)]
            )
            run, run_cpu, run_mb = timed([
                sys.executable, "-m", "customer_centric", "score", str(log),
                "-o", str(Path(folder, "scores.csv")), "--top", "0",
            ])  # fmt: skip
            print(f"{rows:>12,} {run:>8.2f} {base:>8.2f} {run / base:>6.2f} "
                  f"{run_cpu:>9.2f} {base_cpu:>10.2f} "
                  f"{run_cpu / base_cpu:>6.2f} "
                  f"{run_mb:>8.0f} {base_mb:>9.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
