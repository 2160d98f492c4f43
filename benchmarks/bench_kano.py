"""Time the Kano bootstrap on 100,000 respondents x 20 features.

Run with the ``[stats]`` extra installed::

    python benchmarks/bench_kano.py [--respondents N] [--features F]
        [--resamples B] [--repeat R]

No Python (or R) library reports Kano category stability or bootstrap
intervals for Better and Worse, so there is no peer to compare with: the
script prints our own figure, the best of ``--repeat`` runs. For scale it
also times one naive resample of whole respondents (drawing 100,000 row
indices and counting each feature's categories), the work a bootstrap
without the multinomial shortcut repeats once per resample.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from customer_centric.kano import KanoCategory, KanoCounts, bootstrap_features

SEED = 20260101


def survey(respondents: int, features: int) -> dict[str, KanoCounts]:
    """Counts of ``features`` features, each over ``respondents`` people."""
    rng = random.Random(SEED)
    found = {}
    for feature in range(features):
        weights = [rng.random() for _ in KanoCategory]
        picks = rng.choices(list(KanoCategory), weights, k=respondents)
        found[f"feature {feature + 1}"] = KanoCounts.from_categories(picks)
    return found


def main() -> None:
    """Print the time of the bootstrap and of one naive resample."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--resamples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    counts = survey(args.respondents, args.features)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = bootstrap_features(
            counts, seed=SEED, n_resamples=args.resamples
        )
        times.append(time.perf_counter() - start)
    for rule in ("m_o_a_i", "total_strength"):
        start = time.perf_counter()
        bootstrap_features(
            counts, seed=SEED, n_resamples=args.resamples, rule=rule
        )
        print(f"rule {rule!r}: {time.perf_counter() - start:.3f} s (one run)")
    best = min(times)
    print(
        f"bootstrap_features, {args.respondents:,} respondents x "
        f"{args.features} features x {args.resamples:,} resamples (mode "
        f"rule): {best:.3f} s, best of {args.repeat} "
        f"({best / args.features * 1e3:.1f} ms per feature)"
    )
    first = next(iter(results.values()))
    print(f"e.g. {next(iter(results))}: {first.summary}")
    rng = np.random.default_rng(SEED)
    answers = rng.integers(
        0, len(KanoCategory), size=(args.respondents, args.features)
    )
    start = time.perf_counter()
    rows = rng.integers(0, args.respondents, size=args.respondents)
    for feature in range(args.features):
        np.bincount(answers[rows, feature], minlength=len(KanoCategory))
    naive = time.perf_counter() - start
    print(
        f"one naive resample of whole respondents (numpy): {naive:.4f} s, "
        f"so about {naive * args.resamples:.1f} s for {args.resamples:,}"
    )
    print("peers: none (no Python or R library bootstraps Kano results)")


if __name__ == "__main__":
    main()
