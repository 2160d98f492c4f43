"""Time ``import customer_centric`` against a bare interpreter start.

DESIGN.md section 4: at most 150 ms extra, and no numpy, scipy, pandas or
polars imported. Also timed, for issue 10: ``import customer_centric.clv``
(which should not load scipy's array-API layer before the first fit) and
``customer-centric --help`` (which should load no command's dependencies).
The commands run alternately in fresh interpreters, so machine noise hits
them alike; the medians are compared. No peer needed:

    python benchmarks/bench_import.py --runs 30
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

HEAVY = ("numpy", "scipy", "pandas", "polars", "pydantic")
PROBE = (
    "import sys, customer_centric;"
    f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
)


def _run(code: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, done.stdout.strip()


OTHERS = {
    "import customer_centric.clv": "import customer_centric.clv",
    "customer-centric --help": (
        "import sys; sys.argv = ['customer-centric', '--help']\n"
        "from customer_centric.cli import main\n"
        "main(prog_name='customer-centric')"
    ),
}


def main() -> None:
    """Print the medians, the extra time and the heavy modules loaded."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    bare: list[float] = []
    ours: list[float] = []
    others: dict[str, list[float]] = {name: [] for name in OTHERS}
    loaded = ""
    for _ in range(runs):
        bare.append(_run("pass")[0])
        elapsed, loaded = _run(PROBE)
        ours.append(elapsed)
        for name, code in OTHERS.items():
            others[name].append(_run(code)[0])
    bare_ms = statistics.median(bare) * 1000
    ours_ms = statistics.median(ours) * 1000
    print(f"python -c pass              median {bare_ms:7.1f} ms")
    print(f"import customer_centric     median {ours_ms:7.1f} ms")
    print(
        f"extra                              {ours_ms - bare_ms:7.1f} ms"
        " (target <= 150 ms)"
    )
    print(f"heavy modules imported: {loaded or 'none'}")
    for name, times in others.items():
        median_ms = statistics.median(times) * 1000
        print(
            f"{name:<27} median {median_ms:7.1f} ms "
            f"(extra {median_ms - bare_ms:7.1f} ms)"
        )


if __name__ == "__main__":
    main()
