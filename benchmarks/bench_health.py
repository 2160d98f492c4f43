"""Time health scoring over a customer base: record path and dataframes.

Run it with the package and its ``[dataframe]`` extra installed::

    python benchmarks/bench_health.py [--customers 1000000] [--seed 7]

There is no peer library to compare with (health scorecards live inside
customer-success products such as Gainsight and Totango), so the script
prints our own throughput: customers scored per second by
:func:`customer_centric.risk.score_health` (one customer at a time, each
answer with its reasons) and by :func:`customer_centric.frames.score_health`
on a polars and a pandas frame. It also checks that the paths agree on a
sample of customers, bit for bit.

The card has three groups and six measures (band and linear scales, both
directions), a worst-of profile for the welcome stage with missing values
counted as red, and a weighted default profile that leaves them out; about
one value in ten is missing. Each figure is one pass over all the
customers, timed with ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import UTC, datetime

import pandas as pd
import polars as pl

import customer_centric as cc
from customer_centric import frames, risk

AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
STAGES = (None, "welcome", "account_management", "potential_divorce")


def _measure(name: str, weight: float, **fields: object) -> risk.Measure:
    return risk.Measure.model_validate(
        {"name": name, "weight": weight, **fields}
    )


CARD = risk.Scorecard(
    name="bench",
    version=1,
    profile=risk.HealthProfile(
        groups=(
            risk.MeasureGroup(
                name="usage",
                weight=3,
                measures=(
                    _measure(
                        "logins",
                        2,
                        direction="lower_is_worse",
                        amber=8,
                        red=3,
                    ),
                    _measure(
                        "seats_used",
                        1,
                        direction="lower_is_worse",
                        amber=0.6,
                        red=0.3,
                        scale="linear",
                        best=1.0,
                        worst=0.0,
                    ),
                ),
            ),
            risk.MeasureGroup(
                name="support",
                weight=2,
                measures=(
                    _measure(
                        "open_complaints",
                        2,
                        direction="higher_is_worse",
                        amber=1,
                        red=3,
                    ),
                    _measure(
                        "days_to_resolve",
                        1,
                        direction="higher_is_worse",
                        amber=5,
                        red=15,
                        scale="linear",
                        best=0,
                        worst=30,
                    ),
                ),
            ),
            risk.MeasureGroup(
                name="sentiment",
                weight=2,
                measures=(
                    _measure(
                        "nps",
                        1,
                        direction="lower_is_worse",
                        amber=0,
                        red=-30,
                        scale="linear",
                        best=50,
                        worst=-50,
                    ),
                    _measure(
                        "p_alive",
                        1,
                        direction="lower_is_worse",
                        amber=0.5,
                        red=0.2,
                    ),
                ),
            ),
        )
    ),
    stages={
        cc.LifecycleStage.WELCOME: risk.HealthProfile(
            groups=(
                risk.MeasureGroup(
                    name="onboarding",
                    measures=(
                        _measure(
                            "logins",
                            1,
                            direction="lower_is_worse",
                            amber=4,
                            red=1,
                        ),
                        _measure(
                            "open_complaints",
                            1,
                            direction="higher_is_worse",
                            amber=1,
                            red=2,
                        ),
                    ),
                ),
            ),
            combine="worst_of",
            missing="red",
        )
    },
)

_DRAWS = {
    "logins": lambda rng: float(rng.randrange(0, 30)),
    "seats_used": lambda rng: rng.random(),
    "open_complaints": lambda rng: float(rng.randrange(0, 5)),
    "days_to_resolve": lambda rng: rng.uniform(0, 40),
    "nps": lambda rng: float(rng.randrange(-100, 101)),
    "p_alive": lambda rng: rng.random(),
}


def customers(count: int, seed: int) -> list[dict[str, object]]:
    """``count`` customers' values; the logins are always observed."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        row: dict[str, object] = {
            name: None
            if rng.random() < 0.1 and name != "logins"
            else draw(rng)
            for name, draw in _DRAWS.items()
        }
        row["stage"] = rng.choice(STAGES)
        rows.append(row)
    return rows


def _timed(label: str, count: int, run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(
        f"{label:<34} {seconds:8.2f} s  {count / seconds:>12,.0f} customers/s"
    )
    return seconds


def main() -> None:
    """Score the base on each path and print customers per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(
        f"customer_centric {cc.__version__}, Python "
        f"{platform.python_version()}, polars {pl.__version__}, pandas "
        f"{pd.__version__}, {platform.machine()}"
    )
    rows = customers(args.customers, args.seed)
    names = [*_DRAWS, "stage"]
    polars_frame = pl.DataFrame(
        rows,
        schema={**dict.fromkeys(_DRAWS, pl.Float64), "stage": pl.String},
    )
    pandas_frame = polars_frame.to_pandas()
    print(f"{args.customers:,} customers, {len(names) - 1} measures")

    step = max(1, args.customers // 10_000)
    records: dict[int, risk.HealthScore] = {}

    def record_path() -> None:
        # Every answer is built in full; a sample is kept to compare.
        for index, row in enumerate(rows):
            health = risk.score_health(
                row,  # type: ignore[arg-type]
                card=CARD,
                as_of=AS_OF,
                stage=row["stage"],  # type: ignore[arg-type]
            )
            if index % step == 0:
                records[index] = health

    results: dict[str, pl.DataFrame] = {}

    def polars_path() -> None:
        results["polars"] = frames.score_health(
            polars_frame, card=CARD, stage_col="stage"
        )

    def pandas_path() -> None:
        results["pandas"] = pl.from_pandas(
            frames.score_health(pandas_frame, card=CARD, stage_col="stage")
        )

    _timed("risk.score_health (record path)", args.customers, record_path)
    _timed("frames.score_health (polars)", args.customers, polars_path)
    _timed("frames.score_health (pandas)", args.customers, pandas_path)
    for name, frame in results.items():
        scores = frame["health_score"].to_list()
        bands = frame["health_band"].to_list()
        for index in range(0, args.customers, step):
            health = records[index]
            if (scores[index], bands[index]) != (
                health.score,
                health.band.value,
            ):
                sys.exit(f"{name} differs from the record path at {index}")
    print(
        "record, polars and pandas paths agree bit for bit on "
        f"{len(range(0, args.customers, step)):,} sampled customers"
    )


if __name__ == "__main__":
    main()
