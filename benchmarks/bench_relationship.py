"""Time the relationship engine against transitions and python-statemachine.

Run it in the benchmark's own environment (see ``README.md`` beside this
file)::

    python benchmarks/bench_relationship.py [--events 1000000] [--repeat 7]

It prints, in one run:

1. one ``apply_event`` of each kind of move (issue 10) against
   ``transitions`` 0.9 making the same move, and the ratio per kind:

   - *guard-free*: a prospect's first purchase (loyalty prospect to
     customer and lifecycle acquisition to welcome, no guards; also timed
     with ``python-statemachine``);
   - *guarded*: the third purchase makes a customer a client (guard:
     purchases at least three) while the welcome stage stays;
   - *both dimensions*: the third purchase moves both, each under a guard
     (client; getting to know to account management);
   - *held*: the second purchase, whose guards fail in both dimensions
     (our outcome can explain each failed guard);
   - *stays*: interest shown by a customer, which a stay rule accepts.

   ``transitions`` uses one machine per dimension, a condition per guard
   and an internal transition per stay rule; it updates no counter and
   builds no state record nor audit, which flatters it. Beside them, the
   *floor*: a call that builds only the answer's two objects (the new
   state record and the outcome) and decides nothing; ``transitions``'
   time over it is the kind's *ceiling*, the best ratio any engine whose
   states are pydantic records can reach;
2. events per second of ``replay_many`` over 1,000,000 interleaved events
   of many customers (``--events 0`` skips it; ``bench_replay_many.py``
   measures it at several sizes, with memory).

Each timing is the best of ``--repeat`` runs of a loop long enough to last
a fraction of a second (``timeit``), in this process's CPU time, so that
scheduler noise and other jobs on a shared machine inflate none of them;
the libraries take turns run by run, so that a change of load during the
measurement affects them alike.
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
from typing import Any, NamedTuple

import customer_centric as cc

# This process's CPU time, not the wall clock: on a shared machine other
# jobs' load stretches wall-clock timings (measured: the same loop 2 to 4
# times slower under a load of 8 on 2 cores) far more than CPU time.
CLOCK = time.process_time

PROSPECT_STATE = "prospect"
CUSTOMER_STATE = "customer"


def best_per_call(
    func: Callable[[], object], *, repeat: int, calls_per_run: int
) -> float:
    """Best time of one call, in seconds, over ``repeat`` timed runs."""
    timer = timeit.Timer(func, timer=CLOCK)
    runs = timer.repeat(repeat=repeat, number=calls_per_run)
    return min(runs) / calls_per_run


def calibrate(func: Callable[[], object], *, target: float = 0.2) -> int:
    """How many calls make one timed run last about ``target`` seconds."""
    number, _ = timeit.Timer(func, timer=CLOCK).autorange()
    elapsed = timeit.Timer(func, timer=CLOCK).timeit(number)
    return max(1, int(number * target / max(elapsed, 1e-9)))


# -- ours ---------------------------------------------------------------------

MOMENT = datetime(2025, 1, 1, 9, tzinfo=UTC)
LATER = MOMENT + timedelta(days=30)


def _state(**fields: object) -> cc.RelationshipState:
    """A state of customer C-1 in the stages given, last active at MOMENT."""
    return cc.RelationshipState.model_validate(
        {
            "customer_id": "C-1",
            "last_event_at": MOMENT,
            "last_activity_at": MOMENT,
            **fields,
        }
    )


class Kind(NamedTuple):
    """One kind of move: a state, the event, and what it must do."""

    label: str
    what: str
    state: cc.RelationshipState
    event: Any
    moved: tuple[str, ...]  # the dimensions that move
    held: int  # how many rules are held


def _repeat() -> cc.relationship.RepeatPurchase:
    return cc.relationship.RepeatPurchase(
        customer_id="C-1", occurred_at=LATER, amount=Decimal("40.00")
    )


def kinds() -> tuple[Kind, ...]:
    """The kinds of move timed, each with its state and event."""
    customer = {"loyalty": "customer", "peak_loyalty": "customer"}
    return (
        Kind(
            "guard-free",
            "first purchase: prospect -> customer, acquisition -> welcome",
            _state(loyalty="prospect", peak_loyalty="prospect"),
            cc.relationship.FirstPurchase(
                customer_id="C-1", occurred_at=LATER, amount=Decimal("40.00")
            ),
            ("loyalty", "lifecycle"),
            0,
        ),
        Kind(
            "guarded",
            "3rd purchase: customer -> client (guard), welcome stays",
            _state(**customer, lifecycle="welcome", purchases=2),
            _repeat(),
            ("loyalty",),
            0,
        ),
        Kind(
            "both dimensions",
            "3rd purchase: customer -> client, getting to know -> "
            "account management (both guarded)",
            _state(**customer, lifecycle="getting_to_know", purchases=2),
            _repeat(),
            ("loyalty", "lifecycle"),
            0,
        ),
        Kind(
            "held",
            "2nd purchase: both guards fail (customer, getting to know)",
            _state(**customer, lifecycle="getting_to_know", purchases=1),
            _repeat(),
            (),
            2,
        ),
        Kind(
            "stays",
            "interest shown by a customer: a stay rule (welcome)",
            _state(**customer, lifecycle="welcome", purchases=1),
            cc.relationship.InterestShown(
                customer_id="C-1", occurred_at=LATER
            ),
            (),
            0,
        ),
    )


def ours_move(kind: Kind) -> Callable[[], object]:
    """One ``apply_event`` of the kind, checked once before it is timed."""
    state, event = kind.state, kind.event
    outcome = cc.apply_event(state, event)
    moved = tuple(r.dimension for r in outcome.records)
    if moved != kind.moved or len(outcome.held) != kind.held:
        msg = (
            f"{kind.label}: expected {kind.moved} and {kind.held} held, "
            f"got {outcome!r}"
        )
        raise RuntimeError(msg)
    apply_event = cc.apply_event

    def move() -> object:
        return apply_event(state, event)

    return move


def floor_move(kind: Kind) -> Callable[[], object]:
    """What any event costs at least: the two objects an answer is made of.

    A call that builds the new state record from a copy of the state's
    values (pydantic-core's validator over an ``any`` schema, the engine's
    own builder) and an outcome (the object and its four fields, as the
    engine fills it), and decides nothing. While relationship states are
    pydantic records and outcomes attrs answers (DESIGN.md, section 2), no
    ``apply_event`` can cost less, so ``transitions``' time over this one
    is the highest ratio the kind can reach.
    """
    from customer_centric._trusted import taking  # noqa: PLC0415
    from customer_centric.relationship import Outcome  # noqa: PLC0415

    take, fields_set = taking(cc.RelationshipState)
    values, event = kind.state.__dict__, kind.event
    plan = cc.apply_event(kind.state, event)._made  # noqa: SLF001
    new = object.__new__
    no_writes: dict[str, object] = {}

    def move() -> object:
        out = new(Outcome)
        stored = out.__dict__
        stored["state"] = take((values | no_writes, None, fields_set))
        stored["_made"] = plan
        stored["event"] = event
        stored["policy_fingerprint"] = ""
        return out

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


class _Model:
    """A ``transitions`` model: the state and the counter guards read."""

    state: str

    def __init__(self, purchases: int) -> None:
        self.purchases = purchases

    def reached_client(self) -> bool:
        """The client guard: purchases at least three."""
        return self.purchases >= 3  # the default threshold

    def always(self) -> bool:
        """The guard of the way back, so both ways test one condition."""
        return self.purchases >= 0


def _machine(
    trigger: str,
    source: str,
    dest: str | None,
    *,
    purchases: int = 0,
    guarded: bool = False,
) -> tuple[Callable[[], object], Callable[[], object]] | None:
    """One ``transitions`` machine: its move ``source -> dest`` and back.

    ``dest=None`` is an internal transition, which accepts the trigger and
    stays (our stay rule); its way back is the same trigger. With
    ``guarded`` the move has the client guard as its condition, and the
    way back a condition too.
    """
    try:
        from transitions import Machine  # noqa: PLC0415
    except ImportError:
        return None

    model = _Model(purchases)
    forward: dict[str, Any] = {"trigger": trigger, "source": source}
    forward["dest"] = dest
    back = {"trigger": "undo", "source": dest or source, "dest": source}
    if guarded:
        forward["conditions"] = "reached_client"
        back["conditions"] = "always"
    Machine(
        model=model,
        states=[source] if dest is None else [source, dest],
        transitions=[forward, back],
        initial=source,
    )
    move = getattr(model, trigger)
    return move, (move if dest is None else model.undo)


def transitions_kind(label: str) -> tuple[Callable[[], object], int] | None:
    """``transitions`` making the kind's move, and back: (call, moves).

    One machine per dimension, as a ``transitions`` user would model two
    dimensions; a guard is a condition on the model, a stay rule an
    internal transition. Each call makes the move and its way back (two
    moves), except a held move, which makes nothing (one attempt per
    call). The peer's guards read a counter it does not update, and it
    builds no state record nor audit: that flatters the peer.
    """
    machines: list[tuple[Callable[[], object], Callable[[], object]] | None]
    moves = 2
    if label == "guard-free":
        machines = [
            _machine("first_purchase", "prospect", "customer"),
            _machine("first_purchase", "acquisition", "welcome"),
        ]
    elif label == "guarded":
        machines = [
            _machine(
                "repeat_purchase",
                "customer",
                "client",
                purchases=3,
                guarded=True,
            ),
            _machine("repeat_purchase", "welcome", None),
        ]
    elif label == "both dimensions":
        machines = [
            _machine(
                "repeat_purchase",
                "customer",
                "client",
                purchases=3,
                guarded=True,
            ),
            _machine(
                "repeat_purchase",
                "getting_to_know",
                "account_management",
                purchases=3,
                guarded=True,
            ),
        ]
    elif label == "held":
        machines = [
            _machine(
                "repeat_purchase",
                "customer",
                "client",
                purchases=2,
                guarded=True,
            ),
            _machine(
                "repeat_purchase",
                "getting_to_know",
                "account_management",
                purchases=2,
                guarded=True,
            ),
        ]
        moves = 1
    else:  # "stays"
        machines = [_machine("interest_shown", "welcome", None)]
    if any(m is None for m in machines):
        return None
    forwards = [m[0] for m in machines if m is not None]
    backs = [] if moves == 1 else [m[1] for m in machines if m is not None]
    calls = (*forwards, *backs)

    def move_and_back() -> object:
        for call in calls:
            call()
        return None

    return move_and_back, moves


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


TARGET = 10.0  # issue 10: every kind of move >= 10x faster than transitions


class KindTimes(NamedTuple):
    """Seconds per move of one kind: ours, the peer's, the floor's."""

    ours: float
    transitions: float | None
    floor: float


def time_kinds(repeat: int) -> dict[str, KindTimes]:
    """Seconds per move of ours, ``transitions`` and the floor, printed.

    The floor is :func:`floor_move`: an answer built without deciding.
    """
    print(f"one move per kind (best of {repeat}, ours and the peer in turns)")
    results: dict[str, KindTimes] = {}
    for kind in kinds():
        peer = transitions_kind(kind.label)
        candidates: dict[str, tuple[Callable[[], object] | None, int]] = {
            "ours": (ours_move(kind), 1),
            "transitions": (None, 1) if peer is None else peer,
            "floor": (floor_move(kind), 1),
        }
        if kind.label == "guard-free":
            candidates["python-statemachine"] = (statemachine_move(), 2)
        per_move = time_moves(candidates, repeat=repeat)
        ours = per_move["ours"]
        theirs = per_move.get("transitions")
        results[kind.label] = KindTimes(ours, theirs, per_move["floor"])
        print(f"  {kind.label}: {kind.what}")
        for label, seconds in per_move.items():
            print(
                f"    {label:20s} {seconds * 1e6:8.2f} µs"
                f"   {seconds / ours:6.1f}x ours"
            )
    print()
    return results


def time_replay(n_events: int, repeat: int) -> None:
    """Events per second of ``replay_many``, as shipped and collector off."""
    print(f"replay_many over {n_events:,} events ...", flush=True)
    events = event_stream(n_events)
    customers = len({e.customer_id for e in events})
    timings = {}
    for frozen in (False, True):
        best = float("inf")
        for _ in range(max(1, repeat)):
            gc.collect()
            if frozen:
                gc.disable()
            started = CLOCK()
            result = cc.relationship.replay_many(events)
            best = min(best, CLOCK() - started)
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


def main() -> None:
    """Run every measurement and print the table of results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--events",
        type=int,
        default=1_000_000,
        help="events for replay_many; 0 skips it (bench_replay_many.py "
        "measures it at several sizes, with memory)",
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--replay-repeat", type=int, default=2)
    args = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}")
    for name in ("customer-centric", "pydantic", "transitions"):
        print(f"  {name} {version_of(name)}")
    print(f"  python-statemachine {version_of('python-statemachine')}")
    print()

    results = time_kinds(args.repeat)
    if args.events > 0:
        time_replay(args.events, args.replay_repeat)
    print(
        f"apply_event against transitions (target: {TARGET:.0f}x faster; "
        "ceiling: transitions over the floor)"
    )
    for label, (ours, theirs, floor) in results.items():
        if theirs is None:
            print(f"  {label:16s} transitions not installed")
            continue
        ratio = theirs / ours
        verdict = "meets" if ratio >= TARGET else "MISSES"
        print(
            f"  {label:16s} {ratio:6.1f}x  ({verdict} the target; "
            f"ceiling {theirs / floor:.1f}x)"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
