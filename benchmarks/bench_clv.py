"""Benchmark customer_centric.clv against lifetimes 0.11.3, side by side.

Run in its own environment (lifetimes needs numpy<2 and pandas<2)::

    python -m venv /work/bench-venv-clv
    /work/bench-venv-clv/bin/pip install -r benchmarks/requirements-clv.txt
    /work/bench-venv-clv/bin/pip install -e '.[stats]'
    /work/bench-venv-clv/bin/python benchmarks/bench_clv.py

It times, in one run: the BG/NBD, Pareto/NBD and MBG/NBD fits on the CDNOW
sample (Fader, Hardie & Lee 2005); then for each simulated base of
``--sizes`` customers (10^3 to 10^6 by default; BG/NBD process, Gamma-Gamma
spend) the
BG/NBD, Pareto/NBD and Gamma-Gamma fits and scoring every customer
(expected purchases, P(alive), 12-month CLV with a Gamma-Gamma spend
model). BLAS keeps the threads it finds (issue 10 asks for the ratios a
user's machine gives); the script prints them. It checks that both
libraries reach the same optimum (rtol 1e-4) and the same scores, prints
the speed-up ratios per size, and lists heavy-buyer rows on which lifetimes
returns NaN or infinity. ``--gamma-gamma-only`` times only the Gamma-Gamma
fit at each size (at 10^7 lifetimes' BG/NBD fit and scoring take minutes);
``--cpu-time`` times by the process's CPU time, steadier than wall time on
a shared machine.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
from lifetimes import (
    BetaGeoFitter,
    GammaGammaFitter,
    ModifiedBetaGeoFitter,
    ParetoNBDFitter,
)

from customer_centric.clv import (
    BgNbdFit,
    ClvSettings,
    GammaGammaFit,
    ParetoNbdFit,
    compress,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_mbg_nbd,
    fit_pareto_nbd,
    score_customers,
    simulate_bg_nbd,
)
from customer_centric.clv._pareto_nbd import _Likelihood as _ParetoLikelihood

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED = 20260123
GG = {"p": 6.25, "q": 3.74, "gamma": 15.44}  # Fader & Hardie (2013)
WEEKS_PER_MONTH = 4.345  # lifetimes' month for freq="W"

R = TypeVar("R")
CLOCK: dict[str, Callable[[], float]] = {"clock": time.perf_counter}
"""Wall time, or process CPU time with ``--cpu-time``."""


def best_of(repeats: int, work: Callable[[], R]) -> tuple[float, R]:
    """Best time of ``repeats`` runs, and the last result."""
    clock = CLOCK["clock"]
    times = []
    result = None
    for _ in range(repeats):
        start = clock()
        result = work()
        times.append(clock() - start)
    if result is None:
        raise ValueError("repeats must be >= 1")
    return min(times), result


def compare(
    name: str,
    peer: float,
    ours: float,
    peer_params: dict[str, float],
    our_params: dict[str, float],
) -> float:
    """Print one line of the comparison; return the speed-up."""
    ratio = peer / ours
    ok = all(
        np.isclose(peer_params[k], our_params[k], rtol=1e-4, atol=0)
        for k in our_params
    )
    worst = max(
        abs(peer_params[k] - our_params[k]) / abs(our_params[k])
        for k in our_params
    )
    print(
        f"{name:<38} lifetimes {peer * 1e3:10.1f} ms   ours "
        f"{ours * 1e3:9.1f} ms   {ratio:7.1f}x   same optimum "
        f"(rtol 1e-4): {ok} (worst {worst:.1e})"
    )
    return ratio


def simulate(customers: int) -> pd.DataFrame:
    """A BG/NBD customer base with CDNOW-like cohorts and Gamma-Gamma spend.

    First purchases fall on the days of one quarter; observation ends 39
    weeks after the quarter starts; recency is recorded by day. Spend per
    transaction is gamma(p, nu) with nu ~ gamma(q, gamma) per customer.
    """
    rng = np.random.default_rng(SEED)
    first_day = rng.integers(0, 84, size=customers)
    big_t = (273 - first_day) / 7
    sim = simulate_bg_nbd(
        big_t,
        r=0.243,
        alpha=4.414,
        a=0.793,
        b=2.426,
        seed=rng,
        resolution=1 / 7,
    )
    nu = rng.gamma(GG["q"], 1 / GG["gamma"], size=customers)
    x = sim.frequency
    total = rng.gamma(np.maximum(x, 1) * GG["p"], 1 / nu)
    monetary = np.where(x > 0, total / np.maximum(x, 1), 0.0)
    return pd.DataFrame(
        {
            "frequency": x,
            "recency": sim.recency,
            "T": sim.T,
            "monetary_value": monetary,
        }
    )


def heavy_buyers() -> None:
    """Rows where lifetimes overflows or returns NaN; ours stay finite."""
    rows = pd.DataFrame(
        {
            "frequency": [200.0, 1_000.0, 10_000.0, 10_000.0, 5_000.0],
            "recency": [300.0, 5_000.0, 99_999.0, 50_000.0, 99_000.0],
            "T": [310.0, 5_001.0, 100_000.0, 100_000.0, 100_000.0],
        }
    )
    x, t_x, big_t = (rows[c].to_numpy() for c in ("frequency", "recency", "T"))
    bg = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    pn = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    lbg = BetaGeoFitter()
    lbg.params_ = pd.Series(bg)
    lpn = ParetoNBDFitter()
    lpn.params_ = pd.Series(pn)
    obg = BgNbdFit.from_parameters(**bg)
    opn = ParetoNbdFit.from_parameters(**pn)
    print("\nheavy buyers (CDNOW parameters), 39-week expected purchases:")
    print(
        f"{'x':>7} {'t_x':>8} {'T':>8} | {'lifetimes BG':>13} "
        f"{'ours BG':>10} {'lifetimes PNBD':>15} {'ours PNBD':>10} | "
        f"{'lt P(alive) BG':>14} {'ours':>8}"
    )
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for i in range(len(rows)):
            args = (x[i : i + 1], t_x[i : i + 1], big_t[i : i + 1])
            try:
                lt_bg = (
                    lbg.conditional_expected_number_of_purchases_up_to_time(
                        39, *args
                    )[0]
                )
            except (OverflowError, ValueError) as exc:
                lt_bg = f"error {type(exc).__name__}"
            try:
                lt_pn = (
                    lpn.conditional_expected_number_of_purchases_up_to_time(
                        39, *args
                    )[0]
                )
            except (OverflowError, ValueError) as exc:
                lt_pn = f"error {type(exc).__name__}"
            try:
                lt_alive = lbg.conditional_probability_alive(*args)[0]
            except (OverflowError, ValueError) as exc:
                lt_alive = f"error {type(exc).__name__}"
            print(
                f"{x[i]:7.0f} {t_x[i]:8.0f} {big_t[i]:8.0f} | "
                f"{_show(lt_bg):>13} "
                f"{obg.conditional_expected_purchases(39, *args)[0]:10.4g} "
                f"{_show(lt_pn):>15} "
                f"{opn.conditional_expected_purchases(39, *args)[0]:10.4g} | "
                f"{_show(lt_alive):>14} "
                f"{obg.probability_alive(*args)[0]:8.4g}"
            )


def heavy_fit(x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> None:
    """Pareto/NBD on CDNOW plus three heavy buyers: who reaches the top?"""
    x = np.r_[x, [10_000.0, 5_000.0, 2_000.0]]
    t_x = np.r_[t_x, [99_000.0, 99_990.0, 50_000.0]]
    big_t = np.r_[big_t, [100_000.0, 100_000.0, 60_000.0]]
    ours = fit_pareto_nbd(x, t_x, big_t)
    peer = ParetoNBDFitter().fit(x, t_x, big_t)
    rows = compress(x, t_x, big_t)
    loglik = _ParetoLikelihood(
        rows.frequency, rows.recency, rows.T, rows.weights
    )
    at_peer, _ = loglik(np.array([peer.params_[k] for k in ours.params]))
    print(
        "\nPareto/NBD on CDNOW + 3 heavy buyers: summed log-likelihood at "
        f"lifetimes' optimum {at_peer:.1f}, at ours {ours.log_likelihood:.1f} "
        f"(ours converged: {ours.diagnostics.converged}, gradient norm "
        f"{ours.diagnostics.gradient_norm:.1e})"
    )


def _show(value: object) -> str:
    if isinstance(value, str):
        return value
    return f"{float(value):.4g}"  # type: ignore[arg-type]


def bench_scoring(big: pd.DataFrame, params: dict[str, float]) -> float:
    """Score the simulated base with both libraries; return the speed-up."""
    bx, btx, bt = (big[c].to_numpy() for c in ("frequency", "recency", "T"))
    money = big["monetary_value"].to_numpy()
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": GG["p"], "q": GG["q"], "v": GG["gamma"]})
    gg = GammaGammaFit.from_parameters(**GG)
    bg = BgNbdFit.from_parameters(**params)
    lt_score = BetaGeoFitter()
    lt_score.params_ = pd.Series(params)
    lt_score.predict = (  # lifetimes sets this in fit()
        lt_score.conditional_expected_number_of_purchases_up_to_time
    )

    def peer_score() -> tuple[np.ndarray, ...]:
        expected = (
            lt_score.conditional_expected_number_of_purchases_up_to_time(
                39, big["frequency"], big["recency"], big["T"]
            )
        )
        alive = lt_score.conditional_probability_alive(
            big["frequency"], big["recency"], big["T"]
        )
        clv = ggf.customer_lifetime_value(
            lt_score,
            big["frequency"],
            big["recency"],
            big["T"],
            big["monetary_value"],
            time=12,
            discount_rate=0.01,
            freq="W",
        )
        return np.asarray(expected), np.asarray(alive), np.asarray(clv)

    def our_score() -> tuple[np.ndarray, ...]:
        scores = score_customers(
            bg,
            bx,
            btx,
            bt,
            horizon=39,
            spend=gg,
            monetary_value=money,
            settings=ClvSettings(
                time_unit="W",
                horizon_months=12,
                discount_rate=0.01,
                discount_rate_period="M",
                days_per_month=WEEKS_PER_MONTH * 7,
            ),
        )
        if scores.lifetime_value is None:
            raise RuntimeError("no CLV without spend")
        return (
            scores.expected_purchases,
            scores.probability_alive,
            scores.lifetime_value.value,
        )

    peer, lt_scores = best_of(1, peer_score)
    ours, our_scores = best_of(3, our_score)
    ratio = peer / ours
    same = all(
        np.allclose(a, b, rtol=1e-6, atol=1e-9)
        for a, b in zip(lt_scores, our_scores, strict=True)
    )
    print(
        f"{'score ' + format(len(big), ',') + ' customers':<38} lifetimes "
        f"{peer * 1e3:10.1f} ms   ours {ours * 1e3:9.1f} ms   "
        f"{ratio:7.1f}x   same scores (rtol 1e-6): {same}"
    )
    return ratio


def threads() -> str:
    """The BLAS threads as found: the benchmark never limits them."""
    try:
        from threadpoolctl import threadpool_info  # noqa: PLC0415
    except ImportError:
        return "BLAS threads: unknown (threadpoolctl not installed)"
    found = [
        f"{i.get('internal_api')} {i.get('num_threads')} threads"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ]
    return "BLAS as found: " + (", ".join(found) or "none loaded")


def bench_gamma_gamma(big: pd.DataFrame, repeats: int) -> float:
    """Fit Gamma-Gamma on the repeat buyers with both; return the speed-up."""
    bx = big["frequency"].to_numpy()
    repeat = bx > 0
    spend = big["monetary_value"].to_numpy()
    peer, lt_gg = best_of(
        1, lambda: GammaGammaFitter().fit(bx[repeat], spend[repeat])
    )
    ours, gg = best_of(
        repeats, lambda: fit_gamma_gamma(bx[repeat], spend[repeat])
    )
    lt_params = lt_gg.params_.to_dict()
    lt_params["gamma"] = lt_params.pop("v")
    return compare(
        f"Gamma-Gamma fit, {int(repeat.sum()):,} buyers",
        peer,
        ours,
        lt_params,
        gg.params,
    )


def bench_size(
    customers: int, *, pareto_max: int, only_gamma_gamma: bool = False
) -> dict[str, float]:
    """Fit BG/NBD, Pareto/NBD and Gamma-Gamma and score one simulated base."""
    start = time.perf_counter()
    big = simulate(customers)
    print(
        f"\nsimulated {len(big):,} BG/NBD customers in "
        f"{time.perf_counter() - start:.1f} s "
        f"({len(big.drop_duplicates(['frequency', 'recency', 'T'])):,} "
        "distinct (x, t_x, T) rows)"
    )
    size = f"{customers:,}"
    if only_gamma_gamma:
        return {f"Gamma-Gamma fit, {size}": bench_gamma_gamma(big, 3)}
    bx, btx, bt = (big[c].to_numpy() for c in ("frequency", "recency", "T"))
    ratios = {}
    peer, lt_big = best_of(1, lambda: BetaGeoFitter().fit(bx, btx, bt))
    ours, big_fit = best_of(3, lambda: fit_bg_nbd(bx, btx, bt))
    ratios[f"BG/NBD fit, {size}"] = compare(
        f"BG/NBD fit, {size} simulated",
        peer,
        ours,
        lt_big.params_.to_dict(),
        big_fit.params,
    )
    if customers <= pareto_max:
        peer, lt_pareto = best_of(
            1, lambda: ParetoNBDFitter().fit(bx, btx, bt)
        )
        ours, pareto = best_of(3, lambda: fit_pareto_nbd(bx, btx, bt))
        ratios[f"Pareto/NBD fit, {size}"] = compare(
            f"Pareto/NBD fit, {size} simulated",
            peer,
            ours,
            lt_pareto.params_.to_dict(),
            pareto.params,
        )
    ratios[f"Gamma-Gamma fit, {size}"] = bench_gamma_gamma(big, 3)
    ratios[f"score {size}"] = bench_scoring(big, big_fit.params)
    return ratios


def main() -> None:
    """Run every comparison and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[1_000, 10_000, 100_000, 1_000_000],
        help="simulated customer bases to fit and score",
    )
    parser.add_argument(
        "--pareto-max",
        type=int,
        default=1_000_000,
        help="largest base on which lifetimes' Pareto/NBD fit is timed",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--gamma-gamma-only",
        action="store_true",
        help="time only the Gamma-Gamma fit at each size (lifetimes' "
        "BG/NBD fit and scoring take minutes at 10^7)",
    )
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time by the process's CPU time (every thread's) instead of "
        "wall time: steadier on a shared machine",
    )
    args = parser.parse_args()
    if args.cpu_time:
        CLOCK["clock"] = time.process_time
    warnings.simplefilter("ignore")  # lifetimes' own deprecation noise
    if args.gamma_gamma_only:
        report(
            {
                name: value
                for customers in args.sizes
                for name, value in bench_size(
                    customers, pareto_max=0, only_gamma_gamma=True
                ).items()
            }
        )
        return

    cdnow = pd.read_csv(DATA / "cdnow_customers_summary.csv")
    x, t_x, big_t = (
        cdnow[c].to_numpy() for c in ("frequency", "recency", "T")
    )
    ratios = {}

    peer, lt = best_of(
        args.repeats, lambda: BetaGeoFitter().fit(x, t_x, big_t)
    )
    ours, fit = best_of(args.repeats, lambda: fit_bg_nbd(x, t_x, big_t))
    ratios["BG/NBD fit, CDNOW"] = compare(
        "BG/NBD fit, CDNOW 2,357",
        peer,
        ours,
        lt.params_.to_dict(),
        fit.params,
    )

    peer, lt = best_of(
        max(1, args.repeats // 2),
        lambda: ParetoNBDFitter().fit(x, t_x, big_t),
    )
    ours, pfit = best_of(args.repeats, lambda: fit_pareto_nbd(x, t_x, big_t))
    ratios["Pareto/NBD fit, CDNOW"] = compare(
        "Pareto/NBD fit, CDNOW 2,357",
        peer,
        ours,
        lt.params_.to_dict(),
        pfit.params,
    )
    rows = compress(x, t_x, big_t)
    loglik = _ParetoLikelihood(
        rows.frequency, rows.recency, rows.T, rows.weights
    )
    at_peer, _ = loglik(np.array([lt.params_[k] for k in pfit.params]))
    print(
        f"{'':<38} summed log-likelihood at lifetimes' estimate "
        f"{at_peer:.6f}, at ours {pfit.log_likelihood:.6f}"
    )

    peer, lt = best_of(
        args.repeats, lambda: ModifiedBetaGeoFitter().fit(x, t_x, big_t)
    )
    ours, mfit = best_of(args.repeats, lambda: fit_mbg_nbd(x, t_x, big_t))
    ratios["MBG/NBD fit, CDNOW"] = compare(
        "MBG/NBD fit, CDNOW 2,357",
        peer,
        ours,
        lt.params_.to_dict(),
        mfit.params,
    )

    for customers in args.sizes:
        ratios.update(bench_size(customers, pareto_max=args.pareto_max))

    heavy_buyers()
    heavy_fit(x, t_x, big_t)
    report(ratios)


def report(ratios: dict[str, float]) -> None:
    """Print the BLAS threads and every speed-up against the target."""
    print(f"\n{threads()}")
    print("speed-up over lifetimes 0.11.3 (target >= 10x):")
    for name, value in ratios.items():
        print(f"  {name:<34} {value:7.1f}x  {'ok' if value >= 10 else 'MISS'}")


if __name__ == "__main__":
    main()
