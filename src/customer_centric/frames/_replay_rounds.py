"""The columnar replay's engine: rounds of numpy over the engine's own plans.

Each customer's events are sorted by (time, input order) and replayed in
rounds: round k takes the k-th event of every customer at once. The rows
of a round are grouped by the engine's plan key (event kind, loyalty,
lifecycle, peak rung) and, for keys whose rules read guards, by the guard
results (computed here on arrays, as the engine's metrics read them). The
plan of each group comes from the relationship engine itself
(``_plan_for``, which keeps it by key and results); its writes are applied
to the customers' state arrays at once. So the decisions are the engine's,
made once per distinct (key, guard results), never a second copy of the
rules (STYLE §1, one definition per rule).

Every row the kept plans cannot decide (an event at or before the last
one, a refusal, a plan the engine does not keep: a divorce, a win-back, a
resumed stage, a complaint resolved) hands its customer to the per-event
engine (:func:`~customer_centric.relationship.replay_many`) from that event
on, with the state reached so far. A customer whose rows repeat an
``event_id`` or needed the record's judge is replayed by the engine from
the start (duplicates depend on every earlier event).

This module reads the engine's private plan machinery on purpose: the
relationship area owns the decisions, and this is its bulk path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, cast

import attrs
import numpy as np

from customer_centric import LifecycleStage, LoyaltyStage
from customer_centric.exceptions import (
    EventTransitionError,
    OutOfOrderEventError,
)
from customer_centric.frames._replay_columns import (
    KIND_CODE,
    NAT,
    REASONS,
    Bools,
    EventColumns,
    Ints,
    _code_type,
    judged,
    row_event,
    to_datetime,
)
from customer_centric.relationship import (
    EVENT_KINDS,
    DepartureReason,
    Event,
    Policy,
    Replay,
    replay_many,
)
from customer_centric.relationship import _engine as engine  # the plans
from customer_centric.relationship import _policy as rules  # their cache

__all__ = [
    "COUNT_FIELDS",
    "STAGE_VALUES",
    "STATE_FIELDS",
    "TIME_FIELDS",
    "Rounds",
    "encode",
    "replay_rows",
]

_LOY: Final = tuple(LoyaltyStage)
_LIFE: Final = tuple(LifecycleStage)
_REASON: Final = tuple(DepartureReason)
_LOY_CODE: Final = {s: i for i, s in enumerate(_LOY)}
_LIFE_CODE: Final = {s: i for i, s in enumerate(_LIFE)}
_REASON_CODE: Final = {s: i for i, s in enumerate(_REASON)}
_FIRM: Final = REASONS.index(DepartureReason.FIRM_TERMINATED.value)
_DAY: Final = 86_400_000_000  # microseconds
_COUNTS: Final = (
    "purchases",
    "referrals",
    "open_complaints",
    "win_back_attempts",
    "win_backs",
)
_STAGES: Final[dict[str, dict[Any, int]]] = {
    "loyalty": _LOY_CODE,
    "peak_loyalty": _LOY_CODE,
    "lifecycle": _LIFE_CODE,
    "resume_lifecycle": _LIFE_CODE,
    "departure_reason": _REASON_CODE,
}
_TIMES: Final = (
    "departed_at",
    "last_event_at",
    "last_activity_at",
    "loyalty_since",
    "lifecycle_since",
)
STATE_FIELDS: Final = (
    "loyalty",
    "lifecycle",
    *_COUNTS,
    "needs_profiled",
    "peak_loyalty",
    "resume_lifecycle",
    "departure_reason",
    *_TIMES,
)
_RESOLVED: Final = KIND_CODE["complaint_resolved"]
_SIGNAL: Final = KIND_CODE["dissatisfaction_signal"]
_FILED: Final = KIND_CODE["complaint_filed"]
# Base writes that guards never read: a plan with others is not used here.
_BASE_WRITES: Final = frozenset({"needs_profiled", "last_events"})
# What a plan the engine does not keep may write, besides the counter it
# lowers, for its rows to be written alike (no departure, no return).
_ONLY_LOWERS: Final = frozenset(
    {
        "needs_profiled",
        "last_events",
        "loyalty",
        "peak_loyalty",
        "lifecycle",
        "resume_lifecycle",
    }
)
# The kinds whose event lowers a counter, and the counter.
_LOWERED: Final = {
    kind: counter
    for kind, (counter, step) in engine._COUNTERS.items()  # noqa: SLF001
    if step < 0
}
# Customers replayed at a time in a round (see ``Rounds.run``).
_ROUND: Final = 1 << 17
_REFUSED: Final = object()  # ``learn``: the engine refused the event
_MANY: Final = -2
# The smallest type that holds every plan key a round computes.
_KEY_TYPE: Final = np.min_scalar_type(
    len(EVENT_KINDS) * len(_LOY) * len(_LIFE) * len(_LOY)
)  # ``last_row``: several events, held in ``last_events``


STAGE_VALUES: Final = {
    field: np.array([s.value for s in table] + [None], object)
    for field, table in (
        ("loyalty", _LOY),
        ("lifecycle", _LIFE),
        ("peak_loyalty", _LOY),
        ("resume_lifecycle", _LIFE),
        ("departure_reason", _REASON),
    )
}
TIME_FIELDS: Final = _TIMES
COUNT_FIELDS: Final = _COUNTS


def _decoder(field: str) -> Callable[[Any], object]:
    """How a state array's value becomes the engine's field value."""
    table: tuple[Any, ...] | None = {
        "loyalty": _LOY,
        "peak_loyalty": _LOY,
        "lifecycle": _LIFE,
        "resume_lifecycle": _LIFE,
        "departure_reason": _REASON,
    }.get(field)
    if table is not None:
        stages = table
        return lambda value: None if value < 0 else stages[value]
    if field in _TIMES:
        return lambda value: None if value == NAT else to_datetime(value)
    return lambda value: value


def encode(field: str, value: object) -> object:
    """A state field's value as its array holds it."""
    if field in _STAGES:
        return -1 if value is None else _STAGES[field][value]
    if field in _TIMES:
        if value is None:
            return NAT
        delta = value - to_datetime(0)  # type: ignore[operator]
        return delta // np.timedelta64(1, "us").item()
    return value


_DECODE: Final = {field: _decoder(field) for field in STATE_FIELDS}


def _new_states(size: int) -> dict[str, np.ndarray[Any, Any]]:
    # Stages in a byte and counts in four: a customer's state is 62 bytes.
    states: dict[str, np.ndarray[Any, Any]] = {
        "loyalty": np.zeros(size, np.int8),
        "lifecycle": np.zeros(size, np.int8),
        "peak_loyalty": np.zeros(size, np.int8),
        "resume_lifecycle": np.full(size, -1, np.int8),
        "departure_reason": np.full(size, -1, np.int8),
        "needs_profiled": np.zeros(size, bool),
        "last_row": np.full(size, -1, np.int64),
    }
    for name in _COUNTS:  # shown as 64-bit integers (``COUNT_FIELDS``)
        states[name] = np.zeros(size, np.int32)
    for name in _TIMES:
        states[name] = np.full(size, NAT, np.int64)
    return states


@attrs.define
class Rounds:
    """A replay in progress: the rows, the customers' states, the moves.

    ``order`` lists the valid rows sorted by (customer, time, row);
    customer ``j`` (a code of :class:`EventColumns`, ``codes[j]``) owns
    ``order[starts[j]:starts[j] + counts[j]]``.
    """

    events: EventColumns
    policy: Policy
    keep_moves: bool
    order: Ints
    codes: Ints
    starts: Ints
    counts: Ints
    states: dict[str, np.ndarray[Any, Any]]
    whole: Bools  # customers replayed by replay_many from the start
    plans: dict[Any, Any]
    encoded: dict[int, tuple[Any, list[tuple[str, object]] | None]] = (
        attrs.field(factory=dict)
    )
    moves: list[tuple[str, str, str, str, str, str]] = attrs.field(
        factory=list
    )
    move_ids: dict[tuple[str, ...], int] = attrs.field(factory=dict)
    logged: list[tuple[Ints, Ints, int, int]] = attrs.field(factory=list)
    # Moves made one event at a time: (customer, sorted row, i, move id).
    stepped: list[tuple[int, int, int, int]] = attrs.field(factory=list)
    refused: list[tuple[int, str, str]] = attrs.field(factory=list)
    # The identified events at a customer's latest instant, when more
    # than the one ``last_row`` holds (events at equal times).
    last_events: dict[int, tuple[Any, ...]] = attrs.field(factory=dict)
    records: dict[int, Any] = attrs.field(factory=dict)  # events by row
    unkept_keys: set[tuple[Any, ...]] = attrs.field(factory=set)

    def event(self, row: int, j: int) -> Event:
        """A row's event record (customer ``j``'s), built once."""
        found = self.records.get(row)
        if found is None:
            customer = self.events.customers[int(self.codes[j])]
            found = row_event(self.events, row, customer)
            self.records[row] = found
        return found

    applied: int = 0
    moved: int = 0
    steps: int = 0  # events applied by the per-event step

    # --- one row as the engine sees it ---------------------------------

    def current(self, j: int) -> dict[str, Any]:
        """Customer ``j``'s state as the engine's field values."""
        s = self.states
        values: dict[str, Any] = {
            "customer_id": self.events.customers[int(self.codes[j])]
        }
        for field in STATE_FIELDS:
            values[field] = _DECODE[field](s[field][j].item())
        last = int(s["last_row"][j])
        if last == _MANY:
            values["last_events"] = self.last_events[j]
        else:
            values["last_events"] = () if last < 0 else (self.event(last, j),)
        return values

    def step(self, j: int, p: int) -> None:
        """Apply one event by the engine's step, as ``replay_many`` does."""
        row = int(self.order[p])
        event = self.event(row, j)
        current = self.current(j)
        before = dict(current)
        try:
            plan = engine._plan_for(current, event, self.policy, self.plans)  # noqa: SLF001
        except (EventTransitionError, OutOfOrderEventError) as exc:
            self.refused.append((row, type(exc).__name__, str(exc)))
            return
        engine._written(current, plan, event, True)  # noqa: SLF001, FBT003
        s = self.states
        for field in STATE_FIELDS:  # only what the step wrote
            value = current[field]
            if value is not before[field]:
                s[field][j] = encode(field, value)
        held = current["last_events"]
        if not held:
            s["last_row"][j] = -1
        elif len(held) == 1 and held[0] is event:
            s["last_row"][j] = row
        else:
            s["last_row"][j] = _MANY
            self.last_events[j] = held
        self.applied += 1
        self.steps += 1
        self.moved += len(plan.moves)
        if self.keep_moves:
            for i, move in enumerate(plan.moves):
                self.stepped.append((j, p, i, self.move_id(move)))

    def learn(
        self, key: tuple[object, ...], j: int, row: int
    ) -> engine._Plan | engine._Guarded | object | None:
        """Ask the engine for a row's plan, so it keeps it if it may."""
        try:
            engine._plan_for(  # noqa: SLF001 - the engine's own decisions
                self.current(j),
                self.event(row, j),
                self.policy,
                self.plans,
            )
        except EventTransitionError:  # refused: the step explains it
            return _REFUSED
        return self.plans.get(key)

    # --- guards on arrays -------------------------------------------------

    def metric(  # noqa: PLR0911 - one reading per metric
        self,
        name: str,
        base: engine._Plan,
        cs: Ints,
        rs: Ints,
        lowered: str | None = None,
    ) -> tuple[np.ndarray[Any, Any], Bools] | None:
        """A guard metric's values for rows, and where they exist.

        Read as the engine's metrics read them: on the state with the
        event counted (``base`` applied).
        """
        s, ev = self.states, self.events
        everywhere = np.ones(len(cs), bool)
        if name == lowered:
            return np.maximum(s[name][cs] - 1, 0), everywhere
        if name in {"purchases", "referrals", "open_complaints"}:
            return s[name][cs] + int(base.counter == name), everywhere
        if name == "inactive_days":
            stamped = "last_activity_at" in base.stamped
            last = ev.time[rs] if stamped else s["last_activity_at"][cs]
            as_of = ev.as_of[rs]
            present = (last != NAT) & (as_of != NAT)
            return np.floor_divide(as_of - last, _DAY), present
        if name == "complaint_severity":
            return ev.severity[rs], ev.kind[rs] == _FILED
        if name == "dissatisfaction_score":
            return ev.score[rs], ev.kind[rs] == _SIGNAL
        if name == "satisfied":
            return ev.satisfied[rs].astype(np.int64), ev.kind[rs] == _RESOLVED
        if name == "days_since_departure":
            departed = s["departed_at"][cs]
            days = np.floor_divide(ev.time[rs] - departed, _DAY)
            return days, departed != NAT
        if name == "departure_winnable":
            reason = s["departure_reason"][cs]
            return (reason != _FIRM).astype(np.int64), reason >= 0
        return None  # a metric this path does not know: the engine decides

    def guard_bits(
        self, kept: engine._Guarded, cs: Ints, rs: Ints
    ) -> Ints | None:
        """Each row's guard results as bits (rule i passes: bit i)."""
        return self.bits(kept.tested, kept.base, cs, rs)

    def bits(
        self,
        tested: tuple[rules.CompiledRule, ...],
        base: engine._Plan,
        cs: Ints,
        rs: Ints,
        lowered: str | None = None,
    ) -> Ints | None:
        """Rows' results of ``tested`` as bits, or None if this path can't.

        ``lowered`` names the counter the event lowers (by one, never
        below zero), which the guards read lowered.
        """
        if not _BASE_WRITES.union({lowered}).issuperset(base.writes):
            return None
        bits = np.zeros(len(cs), np.int64)
        for i, rule in enumerate(tested):
            passes = np.ones(len(cs), bool)
            for metric, op, required, _ in rule.tests:
                read = self.metric(metric, base, cs, rs, lowered)
                if read is None:
                    return None
                observed, present = read
                if op == "at_least":
                    ok = observed >= required
                elif op == "at_most":
                    ok = observed <= required
                else:
                    ok = observed == required
                passes &= present & ok
            bits |= passes.astype(np.int64) << i
        return bits

    # --- writing plans ------------------------------------------------------

    def writes(self, plan: engine._Plan) -> list[tuple[str, object]] | None:
        """A plan's writes as array values, or None if this path can't."""
        found = self.encoded.get(id(plan))
        if found is not None:
            return found[1]
        out: list[tuple[str, object]] | None = []
        for field, value in plan.writes.items():
            if field == "last_events":
                continue
            if field not in self.states or field == "last_row":
                out = None
                break
            out.append((field, encode(field, value)))  # type: ignore[union-attr]
        self.encoded[id(plan)] = (plan, out)  # the plan kept alive by id
        return out

    def move_id(self, move: tuple[Any, ...]) -> int:
        shown = (move[0], move[1], move[2], move[3], move[4], move[6])
        found = self.move_ids.get(shown)
        if found is None:
            found = self.move_ids[shown] = len(self.moves)
            self.moves.append(shown)
        return found

    def apply(
        self,
        plan: engine._Plan,
        cs: Ints,
        ps: Ints,
        lowered: str | None = None,
    ) -> bool:
        """Write a plan to customers ``cs`` for sorted rows ``ps``.

        A kept plan writes the same values to every row; ``lowered`` names
        a counter each row lowers from its own count instead.
        """
        values = self.writes(plan)
        if values is None:
            return False
        s, rs = self.states, self.order[ps]
        if lowered is not None:
            count = np.maximum(s[lowered][cs] - 1, 0)
        for field, value in values:
            s[field][cs] = value
        if lowered is not None:
            s[lowered][cs] = count
        if plan.counter is not None:
            s[plan.counter][cs] += 1
        when = self.events.time[rs]
        for field in plan.stamped:
            s[field][cs] = when
        # A kept plan is of a newer event, which starts the state's
        # ``last_events`` afresh: this one, if it has an id.
        has_id = self.events.event_id[rs] >= 0
        s["last_row"][cs] = np.where(has_id, rs, -1)
        self.applied += len(cs)
        if plan.moves:
            self.moved += len(plan.moves) * len(cs)
            if self.keep_moves:
                for i, move in enumerate(plan.moves):
                    self.logged.append((cs, ps, i, self.move_id(move)))
        return True

    # --- the rounds -----------------------------------------------------

    def group(self, key: tuple[Any, ...], cs: Ints, ps: Ints) -> Bools:
        """Apply one key's rows; returns the rows handed to the engine."""
        if key in self.unkept_keys:  # the engine keeps none: no asking
            return self.unkept(key, cs, ps)
        kept = self.plans.get(key)
        if kept is None:
            kept = self.learn(key, int(cs[0]), int(self.order[ps[0]]))
        if kept is None:
            self.unkept_keys.add(key)
            return self.unkept(key, cs, ps)
        if kept is _REFUSED:
            return np.ones(len(cs), bool)
        if not isinstance(kept, engine._Guarded):  # noqa: SLF001
            flat = cast("engine._Plan", kept)  # noqa: SLF001 - a type
            return np.full(len(cs), not self.apply(flat, cs, ps))
        bits = self.guard_bits(kept, cs, self.order[ps])
        if bits is None:
            return np.ones(len(cs), bool)
        fallen = np.zeros(len(cs), bool)
        for value in np.unique(bits).tolist():
            members = np.flatnonzero(bits == value)
            results = tuple(
                bool(value >> i & 1) for i in range(len(kept.tested))
            )
            plan = kept.plans.get(results)
            if plan is None:
                j, p = int(cs[members[0]]), int(ps[members[0]])
                self.learn(key, j, int(self.order[p]))
                plan = kept.plans.get(results)
            if plan is None or not self.apply(plan, cs[members], ps[members]):
                fallen[members] = True
        return fallen

    def unkept_bits(
        self, key: tuple[Any, ...], cs: Ints, rs: Ints
    ) -> tuple[str | None, Ints | None]:
        """The counter a key's event lowers, if any, and the rows' bits.

        The bits are the results of every guarded rule the key tries, read
        as the engine reads them; None if this path cannot read them.
        """
        lowered = _LOWERED.get(key[0])
        loyalty_rules, lifecycle_rules = engine._rules_tried(  # noqa: SLF001
            self.policy, key[0], key[1], key[2]
        )
        tested = tuple(
            rule for rule in (*loyalty_rules, *lifecycle_rules) if rule.tests
        )
        j, row = int(cs[0]), int(rs[0])
        base = engine._counting(self.current(j), self.event(row, j))  # noqa: SLF001
        return lowered, self.bits(tested, base, cs, rs, lowered)

    def unkept(self, key: tuple[Any, ...], cs: Ints, ps: Ints) -> Bools:
        """Apply the rows of a key the engine keeps no plan for, if alike.

        The engine keeps no plan for an event that lowers a count (a
        resolved complaint lowers the open complaints from each customer's
        own count) or resumes the stage a customer was in before trouble.
        Such rows are grouped by guard results and by the stage to resume
        (the only other values those plans read), the engine decides each
        group's first row, and its plan is written to the group, each row
        lowering its own count. A plan that departs or returns from a
        departure (which read the customer's departure) goes to the step.
        """
        rs = self.order[ps]
        lowered, bits = self.unkept_bits(key, cs, rs)
        if bits is None:
            return np.ones(len(cs), bool)
        resume = self.states["resume_lifecycle"][cs] + 1
        combos = bits * (len(_LIFE) + 1) + resume
        fallen = np.zeros(len(cs), bool)
        for value in np.unique(combos).tolist():
            members = np.flatnonzero(combos == value)
            j, row = int(cs[members[0]]), int(rs[members[0]])
            decide = engine._decide  # noqa: SLF001 - the engine's own step
            plan = decide(self.current(j), self.event(row, j), self.policy)
            alike = _ONLY_LOWERS.union({lowered}).issuperset(plan.writes)
            if not alike or not self.apply(
                plan, cs[members], ps[members], lowered
            ):
                fallen[members] = True
        return fallen

    def round(self, active: Ints, k: int) -> None:
        """Replay the k-th event of the active customers."""
        ev, s = self.events, self.states
        ps = self.starts[active] + k
        rs = self.order[ps]
        last = s["last_event_at"][active]
        fallen = ~((last == NAT) | (ev.time[rs] > last))
        ok = np.flatnonzero(~fallen)
        nl, nc = len(_LOY), len(_LIFE)
        keys = (
            (ev.kind[rs[ok]].astype(np.int64) * nl + s["loyalty"][active[ok]])
            * nc
            + s["lifecycle"][active[ok]]
        ) * nl + s["peak_loyalty"][active[ok]]
        # Keys in 16 bits sort by radix, several times faster than int64.
        by_key = np.argsort(keys.astype(_KEY_TYPE), kind="stable")
        sorted_keys = keys[by_key]
        edges = np.flatnonzero(np.diff(sorted_keys)) + 1
        for part in np.split(by_key, edges):
            if not part.size:
                continue
            code = int(keys[part[0]])
            code, peak = divmod(code, nl)
            code, life = divmod(code, nc)
            kind, loy = divmod(code, nl)
            key = (EVENT_KINDS[kind], _LOY[loy], _LIFE[life], _LOY[peak])
            members = ok[part]
            fallen[members] = self.group(key, active[members], ps[members])
        for i in np.flatnonzero(fallen).tolist():
            self.step(int(active[i]), int(ps[i]))

    def run(self) -> None:
        """Every round, until every customer's events are replayed."""
        active = np.flatnonzero(~self.whole)
        k = 0
        while active.size:
            active = active[self.counts[active] > k]
            # A round's customers are independent: a part at a time keeps
            # its arrays to a few MB (a round of a million customers makes
            # some ten arrays of 8 MB each).
            for start in range(0, len(active), _ROUND):
                self.round(active[start : start + _ROUND], k)
            k += 1


def _sorted(
    events: EventColumns, good: Bools, *, by_time: bool
) -> tuple[Ints, Ints, Ints, Ints]:
    """Valid rows by (customer, time, row), and each customer's run.

    Without ``by_time``, by (customer, row): a row older than the one
    before it then falls to the engine, which refuses it as out of order.
    """
    order = _by_customer(events, good, by_time=False)
    if by_time and _out_of_time(events, order):
        # Some customer's rows are not in time order: sort by time too
        # (logs in time order, or by customer and time, skip this).
        order = _by_customer(events, good, by_time=True)
    owner = events.customer[order]
    starts = (
        np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        if len(order)
        else np.zeros(0, np.int64)
    )
    counts = np.diff(np.r_[starts, len(order)])
    return order, owner[starts], starts, counts


def _by_customer(events: EventColumns, good: Bools, *, by_time: bool) -> Ints:
    """The valid rows by (customer, row), or (customer, time, row).

    Sorted a range of customer codes at a time (some ``_CHUNK`` rows
    each), into positions of four bytes: a sort of every row at once
    makes positions of eight (80 MB for ten million rows, besides the
    answer), in about the same time.
    """
    key = events.customer
    parts = max(1, -(-events.rows // _CHUNK))
    width = -(-len(events.customers) // parts)
    bucket = (key // max(width, 1)).astype(_code_type(parts))
    bucket[~good] = -1  # refused rows (and a null id) in no range
    order = np.empty(int(np.count_nonzero(good)), _position_type(events.rows))
    done = 0
    for part in range(parts):
        rows = np.flatnonzero(bucket == part)
        if by_time:
            ranked = np.lexsort((events.time[rows], key[rows]))
        else:
            ranked = np.argsort(key[rows], kind="stable")
        order[done : done + len(rows)] = rows[ranked]
        done += len(rows)
    return order


# Rows checked at a time for time order: a few MB of arrays, not a copy of
# every time (80 MB for ten million rows).
_CHUNK: Final = 1 << 20


def _out_of_time(events: EventColumns, order: Ints) -> bool:
    """Whether some customer's rows, in ``order``, go back in time."""
    for start in range(0, len(order), _CHUNK):
        rows = order[start : start + _CHUNK + 1]  # one past: the boundary
        owner, when = events.customer[rows], events.time[rows]
        if np.any((when[1:] < when[:-1]) & (owner[1:] == owner[:-1])):
            return True
    return False


def _position_type(rows: int) -> np.dtype[Any]:
    """Row positions in four bytes each when they fit (half of numpy's)."""
    return np.dtype(np.int32 if rows < np.iinfo(np.int32).max else np.int64)


def _runs(starts: Ints, positions: Ints) -> Ints:
    """The customer (run) of each sorted position."""
    return np.searchsorted(starts, positions, side="right") - 1


def _repeated_ids(events: EventColumns, order: Ints, starts: Ints) -> Ints:
    """The customers (by run) with an ``event_id`` on more than one row."""
    ids = events.event_id[order]
    has = np.flatnonzero(ids >= 0)
    width = int(ids.max()) + 1 if len(ids) else 1
    pairs = np.sort(_runs(starts, has).astype(np.int64) * width + ids[has])
    again = pairs[1:][pairs[1:] == pairs[:-1]]
    return np.unique(again // width)


@attrs.frozen(kw_only=True)
class Replayed:
    """What :func:`replay_rows` hands back, as arrays and lists."""

    rounds: Rounds
    customers: list[str]
    scalar: dict[int, Replay]
    refused: list[tuple[int, str, str]]  # (row, error, reason)
    index_of: list[int]  # the input row of each event given the engine


def replay_rows(
    events: EventColumns,
    *,
    policy: Policy,
    keep_moves: bool,
    by_time: bool = True,
) -> Replayed:
    """Replay checked event columns: rounds, and the engine where needed."""
    refused_rows = judged(events, np.flatnonzero(events.judge).tolist())
    refused = [
        (row, "ValidationError", reason)
        for row, reason in refused_rows.items()
    ]
    good = np.ones(events.rows, bool)
    good[list(refused_rows)] = False
    accepted = np.flatnonzero(events.judge & good).tolist()
    if accepted:  # written in a copy: the times may be the input's memory
        events = attrs.evolve(events, time=events.time.copy())
    for row in accepted:
        # An accepted judged row: its time as the record reads it.
        when = row_event(events, row).occurred_at
        events.time[row] = cast("int", encode("last_event_at", when))
    order, codes, starts, counts = _sorted(events, good, by_time=by_time)
    del good
    whole = np.zeros(len(starts), bool)
    whole[_runs(starts, np.flatnonzero(events.judge[order]))] = True
    whole[_repeated_ids(events, order, starts)] = True
    # The rows' customer codes served the sort: records are told their
    # customer (``Rounds.event``), and the rounds hold 4 bytes a row less.
    events = attrs.evolve(events, customer=np.zeros(0, np.int8))
    rounds = Rounds(
        events=events,
        policy=policy,
        keep_moves=keep_moves,
        order=order,
        codes=codes,
        starts=starts,
        counts=counts,
        states=_new_states(len(starts)),
        whole=whole,
        plans=rules.compiled(policy).plans,
    )
    customers = events.customers
    del events  # the rounds hold the columns now, and let go of them below
    rounds.run()
    scalar, index_of = _whole(rounds)
    rounds.events = _answered(rounds.events, moves=keep_moves)
    if not keep_moves:  # the sorted rows serve the moves' table only
        rounds.order = np.zeros(0, np.int32)
    return Replayed(
        rounds=rounds,
        customers=customers,
        scalar=scalar,
        refused=refused + rounds.refused,
        index_of=index_of,
    )


def _answered(events: EventColumns, *, moves: bool) -> EventColumns:
    """The columns the answer's frames read; the others are let go.

    The moves read times and event ids, the rejected table the raw
    customer ids and kinds: the rest, some 40 bytes an event (120 without
    the moves), is freed before the frames are built (when the caller
    keeps no reference).
    """
    none: Any = np.zeros(0, np.int8)
    kept = ("customer_id", "kind", *(("event_id",) if moves else ()))
    return attrs.evolve(
        events,
        customer=none,
        kind=none,
        time=events.time if moves else none,
        event_id=events.event_id if moves else none,
        severity=none,
        satisfied=none,
        score=none,
        as_of=none,
        reason=none,
        judge=none,
        columns={k: v for k, v in events.columns.items() if k in kept},
    )


def _whole(rounds: Rounds) -> tuple[dict[int, Replay], list[int]]:
    """Replay the customers the rounds left out by the engine's own loop."""
    events, index_of = [], []
    runs = np.flatnonzero(rounds.whole).tolist()
    for j in runs:
        customer = rounds.events.customers[int(rounds.codes[j])]
        first = int(rounds.starts[j])
        for p in range(first, first + int(rounds.counts[j])):
            row = int(rounds.order[p])
            events.append(row_event(rounds.events, row, customer))
            index_of.append(row)
    out = replay_many(events, policy=rounds.policy, on_error="collect")
    by_id = {rounds.events.customers[int(rounds.codes[j])]: j for j in runs}
    return {by_id[cid]: replay for cid, replay in out.items()}, index_of
