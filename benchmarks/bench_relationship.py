"""Time the relationship engine against transitions and python-statemachine.

Run it in the benchmark's own environment (see ``README.md`` beside this
file)::

    python benchmarks/bench_relationship.py [--events 1000000] [--repeat 7]

It prints, in one run:

1. one ``apply_event`` (a prospect's first purchase: loyalty prospect to
   customer *and* lifecycle acquisition to welcome, guards checked, counters
   and audit records built) against the same move made with
   ``transitions`` 0.9 (a ``Machine`` bound to a model object) and with
   ``python-statemachine`` (a ``StateMachine`` instance), and the ratios;
2. events per second of ``replay_many`` over 1,000,000 interleaved events of
   many customers.

Each timing is the best of ``--repeat`` runs of a loop long enough to last
a fraction of a second (``timeit``), so that scheduler noise on a shared
machine inflates none of them; the libraries take turns run by run, so
that a change of load during the measurement affects them alike.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time
import timeit
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import customer_centric as cc

PROSPECT_STATE = "prospect"
CUSTOMER_STATE = "customer"


def best_per_call(
    func: Callable[[], object], *, repeat: int, calls_per_run: int
) -> float:
    """Best time of one call, in seconds, over ``repeat`` timed runs."""
    timer = timeit.Timer(func)
    runs = timer.repeat(repeat=repeat, number=calls_per_run)
    return min(runs) / calls_per_run


def calibrate(func: Callable[[], object], *, target: float = 0.2) -> int:
    """How many calls make one timed run last about ``target`` seconds."""
    number, _ = timeit.Timer(func).autorange()
    elapsed = timeit.Timer(func).timeit(number)
    return max(1, int(number * target / max(elapsed, 1e-9)))


# -- ours ---------------------------------------------------------------------


def ours_move() -> Callable[[], object]:
    """One ``apply_event``: a prospect's first purchase (both dimensions)."""
    moment = datetime(2025, 1, 1, 9, tzinfo=UTC)
    prospect = cc.replay(
        [cc.relationship.InterestShown(customer_id="C-1", occurred_at=moment)]
    ).state
    if prospect.loyalty is not cc.LoyaltyStage.PROSPECT:
        msg = f"expected a prospect, got {prospect.loyalty!r}"
        raise RuntimeError(msg)
    event = cc.relationship.FirstPurchase(
        customer_id="C-1",
        occurred_at=moment + timedelta(days=3),
        amount=Decimal("40.00"),
    )
    outcome = cc.apply_event(prospect, event)
    if outcome.state.loyalty is not cc.LoyaltyStage.CUSTOMER:
        msg = f"the move failed: {outcome!r}"
        raise RuntimeError(msg)
    apply_event = cc.apply_event

    def move() -> object:
        return apply_event(prospect, event)

    return move


def event_stream(n_events: int, *, seed: int = 7) -> list[Any]:
    """``n_events`` interleaved, valid events of many customers."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    events: list[Any] = []
    per_customer = 20
    n_customers = max(1, n_events // per_customer)
    for c in range(n_customers):
        customer = f"C{c:07d}"
        t = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
        story: list[Any] = [
            cc.relationship.InterestShown(customer_id=customer, occurred_at=t),
        ]
        t += timedelta(days=1)
        story.append(
            cc.relationship.FirstPurchase(
                customer_id=customer, occurred_at=t, amount=Decimal("25.00")
            )
        )
        t += timedelta(days=2)
        story.append(
            cc.relationship.NeedsProfiled(customer_id=customer, occurred_at=t)
        )
        while len(story) < per_customer:
            t += timedelta(days=rng.randrange(1, 40))
            roll = rng.random()
            if roll < 0.05:
                story.append(
                    cc.relationship.ReferralMade(
                        customer_id=customer, occurred_at=t
                    )
                )
            elif roll < 0.08:
                story.append(
                    cc.relationship.ComplaintFiled(
                        customer_id=customer,
                        occurred_at=t,
                        severity=cc.Severity.HIGH,
                    )
                )
                t += timedelta(days=2)
                story.append(
                    cc.relationship.ComplaintResolved(
                        customer_id=customer, occurred_at=t, satisfied=True
                    )
                )
            else:
                story.append(
                    cc.relationship.RepeatPurchase(
                        customer_id=customer,
                        occurred_at=t,
                        amount=Decimal("25.00"),
                    )
                )
        events.extend(story[:per_customer])
    events.sort(key=lambda e: e.occurred_at)
    return events[:n_events]


# -- peers --------------------------------------------------------------------


def _transitions_dimension(
    source: str, dest: str
) -> tuple[Callable[[], object], Callable[[], object]] | None:
    """One ``transitions`` machine: its move ``source -> dest`` and back."""
    try:
        from transitions import Machine  # noqa: PLC0415
    except ImportError:
        return None

    class Model:
        state: str

    model = Model()
    Machine(
        model=model,
        states=[source, dest],
        transitions=[
            {"trigger": "first_purchase", "source": source, "dest": dest},
            {"trigger": "undo", "source": dest, "dest": source},
        ],
        initial=source,
    )
    return model.first_purchase, model.undo  # type: ignore[attr-defined]


def transitions_move() -> Callable[[], object] | None:
    """``transitions``: the loyalty move only, prospect to customer and back.

    Flatters the peer: our move also changes the lifecycle dimension.
    """
    loyalty = _transitions_dimension(PROSPECT_STATE, CUSTOMER_STATE)
    if loyalty is None:
        return None
    first_purchase, undo = loyalty

    def move_and_back() -> object:
        first_purchase()
        return undo()

    return move_and_back


def transitions_both_move() -> Callable[[], object] | None:
    """``transitions``: the whole move, both dimensions, and back.

    A first purchase moves the loyalty ladder (prospect to customer) and the
    lifecycle (acquisition to welcome), as ``apply_event`` does; with
    ``transitions`` that is one machine per dimension, each fired once.
    """
    loyalty = _transitions_dimension(PROSPECT_STATE, CUSTOMER_STATE)
    lifecycle = _transitions_dimension("acquisition", "welcome")
    if loyalty is None or lifecycle is None:
        return None
    (buy_loyalty, undo_loyalty), (buy_lifecycle, undo_lifecycle) = (
        loyalty,
        lifecycle,
    )

    def move_and_back() -> object:
        buy_loyalty()
        buy_lifecycle()
        undo_loyalty()
        return undo_lifecycle()

    return move_and_back


def statemachine_move() -> Callable[[], object] | None:
    """``python-statemachine``: prospect to customer and back, per move."""
    try:
        from statemachine import State, StateMachine  # noqa: PLC0415
    except ImportError:
        return None

    class Ladder(StateMachine):  # type: ignore[misc]
        prospect = State(initial=True)
        customer = State()
        first_purchase = prospect.to(customer)
        undo = customer.to(prospect)

    machine = Ladder()
    send = machine.send

    def move_and_back() -> object:
        send("first_purchase")
        return send("undo")

    return move_and_back


def version_of(name: str) -> str:
    """The installed version of a distribution, or "not installed"."""
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def time_moves(
    candidates: dict[str, tuple[Callable[[], object] | None, int]],
    *,
    repeat: int,
) -> dict[str, float]:
    """Best seconds per move of each installed candidate."""
    # The repeats take turns (ours, transitions, statemachine, ours, ...):
    # on a shared machine the load drifts, and timing each library in its
    # own block of runs let that drift decide the ratio.
    runnable = {}
    for label, (func, moves_per_call) in candidates.items():
        if func is None:
            print(f"{label:32s} skipped (not installed)")
            continue
        runnable[label] = (func, moves_per_call, calibrate(func))
    per_move = dict.fromkeys(runnable, float("inf"))
    for _ in range(repeat):
        for label, (func, moves_per_call, calls) in runnable.items():
            seconds = best_per_call(func, repeat=1, calls_per_run=calls)
            per_move[label] = min(per_move[label], seconds / moves_per_call)
    return per_move


def main() -> None:
    """Run every measurement and print the table of results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--replay-repeat", type=int, default=2)
    args = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}")
    for name in ("customer-centric", "pydantic", "transitions"):
        print(f"  {name} {version_of(name)}")
    print(f"  python-statemachine {version_of('python-statemachine')}")
    print()

    candidates: dict[str, tuple[Callable[[], object] | None, int]] = {
        "customer_centric apply_event": (ours_move(), 1),
        "transitions, loyalty only": (transitions_move(), 2),
        "transitions, both dimensions": (transitions_both_move(), 2),
        "python-statemachine": (statemachine_move(), 2),
    }
    per_move = time_moves(candidates, repeat=args.repeat)
    ours = per_move["customer_centric apply_event"]
    print(
        "one move: a first purchase (prospect -> customer, "
        "acquisition -> welcome)"
    )
    for label, seconds in per_move.items():
        ratio = seconds / ours
        print(f"  {label:32s} {seconds * 1e6:8.2f} µs   {ratio:6.1f}x ours")
    print()

    print(f"replay_many over {args.events:,} events ...", flush=True)
    events = event_stream(args.events)
    customers = len({e.customer_id for e in events})
    timings = {}
    for frozen in (False, True):
        best = float("inf")
        for _ in range(max(1, args.replay_repeat)):
            gc.collect()
            if frozen:
                gc.disable()
            started = time.perf_counter()
            result = cc.relationship.replay_many(events)
            best = min(best, time.perf_counter() - started)
            gc.enable()
            del result
        timings[frozen] = best
    for frozen, best in timings.items():
        label = "garbage collector off" if frozen else "as shipped"
        print(
            f"  {label:22s} {len(events):,} events of {customers:,} "
            f"customers in {best:.2f} s: {len(events) / best:,.0f} events/s "
            f"({best / len(events) * 1e6:.2f} µs per event)"
        )
    print()
    target = 5.0
    for label in ("transitions, both dimensions", "transitions, loyalty only"):
        if label in per_move:
            ratio = per_move[label] / ours
            verdict = "meets" if ratio >= target else "MISSES"
            print(
                f"apply_event is {ratio:.1f}x faster than {label} "
                f"({verdict} the {target:.0f}x target)"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
