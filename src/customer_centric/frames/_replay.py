"""Replay a whole customer base's events from a dataframe, column-wise.

The dataframe twin of :func:`customer_centric.relationship.replay_many`:
the same decisions (the engine's own plans, applied to arrays a round of
events at a time), for tables of millions of events. Needs numpy besides
narwhals.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Final, Literal, cast, final

import attrs
import narwhals as nw
from narwhals.typing import IntoFrame

from customer_centric._checks import check_choice, check_instance
from customer_centric._extras import require_extra
from customer_centric.relationship import DEFAULT_POLICY, Policy

if TYPE_CHECKING:
    import numpy as np

    from customer_centric.frames._replay_columns import _Column
    from customer_centric.frames._replay_rounds import Replayed

__all__ = ["ReplayFrames", "replay_events"]

STATE_COLUMNS: Final = (
    "customer_id",
    "loyalty",
    "lifecycle",
    "purchases",
    "referrals",
    "open_complaints",
    "win_back_attempts",
    "win_backs",
    "needs_profiled",
    "peak_loyalty",
    "resume_lifecycle",
    "departure_reason",
    "departed_at",
    "last_event_at",
    "last_activity_at",
    "loyalty_since",
    "lifecycle_since",
)
MOVE_COLUMNS: Final = (
    "customer_id",
    "dimension",
    "from_stage",
    "to_stage",
    "rule_id",
    "reason_code",
    "event_kind",
    "event_id",
    "occurred_at",
)
REJECTED_COLUMNS: Final = ("row", "customer_id", "kind", "error", "reason")
_REDELIVERY: Final = (
    "an event_id already applied, with the same event: a redelivery, skipped"
)


@final
@attrs.frozen(kw_only=True)
class ReplayFrames:
    """A customer base replayed from a frame of events.

    The frames are of the input's kind (a lazy input gives its collected,
    eager kind).

    Attributes:
        states (Any): One row per customer with a valid event, sorted by
            customer id: ``customer_id`` and the fields of
            :class:`~customer_centric.relationship.RelationshipState`
            (stages as their string values, times as UTC datetimes) but
            ``last_events`` (the records at the last instant, which the
            input holds).
        moves (Any | None): With ``moves=True``, every stage move in
            order, one row per move: ``customer_id``, ``dimension``,
            ``from_stage``, ``to_stage``, ``rule_id``, ``reason_code``,
            ``event_kind``, ``event_id``, ``occurred_at``.
        rejected (Any): Every input row not applied, by ``row`` (0-based
            position in the input), with ``customer_id``, ``kind``,
            ``error`` (``ValidationError`` for a row that is not a valid
            event, the engine's error class for a refused event,
            ``duplicate`` for an ``event_id`` repeated with the same event)
            and ``reason``, the message.
        applied (int): How many events were applied.
        policy_fingerprint (str): The deciding policy's fingerprint.

    .. versionadded:: 0.2
    """

    states: Any = attrs.field(repr=False)
    moves: Any | None = attrs.field(repr=False)
    rejected: Any = attrs.field(repr=False)
    applied: int
    policy_fingerprint: str

    def __repr__(self) -> str:
        """One line: customers, events applied and refused, moves."""
        moves = "not kept" if self.moves is None else f"{len(self.moves):,}"
        return (
            f"ReplayFrames({len(self.states):,} customers, "
            f"{self.applied:,} events applied, {len(self.rejected):,} "
            f"rejected, moves {moves})"
        )


def replay_events(
    events: IntoFrame,
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
    moves: bool = False,
    order: Literal["time", "input"] = "time",
) -> ReplayFrames:
    """Replay every customer's events from a dataframe into final states.

    Each customer's events are applied in time order (ties in input order),
    or with ``order="input"`` in input order, with the decisions of
    :func:`~customer_centric.relationship.replay_many` with
    ``on_error="collect"`` over the same events in that order: the same
    final states, moves and refusals (in input order, an event older than
    the customer's previous one is refused as out of order). Rows are
    replayed in rounds (the k-th event of every customer at once) through
    the engine's own kept plans; a customer whose next event no kept plan
    decides (an event at or before the time of the last one, a refusal, a
    departure, a win-back, a resolved complaint) is handed to the
    per-event engine from that event on.

    A row that is not a valid event (an unknown kind, a naive or missing
    time, a missing or wrong field) is listed in ``rejected`` with the
    event record's own message, never dropped and never an error for the
    whole frame.

    Args:
        events: A pandas, polars, pyarrow or DuckDB (any narwhals) frame
            with columns ``customer_id``, ``kind`` and ``occurred_at`` (a
            time-zone-aware datetime column), and the fields of the kinds
            present (``event_id``, ``severity``, ``satisfied``, ``score``,
            ``source``, ``as_of``, ``reason``, ``amount``,
            ``referred_customer_id``, ``complaint_id``); null where a kind
            has no such field. Other columns are ignored. Times are read
            to the microsecond, as the event records hold them.
        policy: The thresholds and rules.
        moves: Whether to return the table of every stage move.
        order: ``"time"`` (each customer's events sorted by time, ties in
            input order) or ``"input"`` (as the rows come, as a log is
            applied: an older event than the last is refused).

    Returns:
        The final states, the moves (if asked) and the rejected rows.

    Raises:
        DataError: A required column is missing.
        ArgumentTypeError: ``policy`` is not a policy, or ``events`` not a
            dataframe.
        InvariantError: ``order`` is neither ``"time"`` nor ``"input"``.

    Examples:
        >>> import pandas as pd
        >>> from customer_centric.frames import replay_events
        >>> t = pd.Timestamp("2025-01-01", tz="UTC")
        >>> frame = pd.DataFrame({
        ...     "customer_id": ["A", "A", "B", "B"],
        ...     "kind": ["interest_shown", "first_purchase",
        ...              "first_purchase", "refund"],
        ...     "occurred_at": [t, t + pd.Timedelta(days=1), t, t]})
        >>> out = replay_events(frame, moves=True)
        >>> out
        ReplayFrames(2 customers, 3 events applied, 1 rejected, moves 5)
        >>> out.states[["customer_id", "loyalty", "lifecycle"]]
          customer_id   loyalty lifecycle
        0           A  customer   welcome
        1           B  customer   welcome
        >>> out.rejected[["row", "error"]]
           row            error
        0    3  ValidationError

    .. versionadded:: 0.2
    """
    check_instance(policy, Policy, name="policy", what="a relationship Policy")
    check_instance(moves, bool, name="moves", what="True or False")
    order = check_choice(order, ("time", "input"), name="order")
    require_extra("dataframe", "numpy")
    from customer_centric.frames._replay_columns import (  # noqa: PLC0415
        read_events,
    )
    from customer_centric.frames._replay_rounds import (  # noqa: PLC0415
        replay_rows,
    )

    columns, data = read_events(events)
    backend = data.implementation
    read = [columns]
    del columns, data
    # The columns are popped into the call, so that no reference stays
    # here: the replay lets go of those the answer does not read.
    done = replay_rows(
        read.pop(), policy=policy, keep_moves=moves, by_time=order == "time"
    )
    return ReplayFrames(
        states=_states_frame(done, backend),
        moves=_moves_frame(done, backend) if moves else None,
        rejected=_rejected_frame(done, backend),
        applied=done.rounds.applied
        + sum(r.applied for r in done.scalar.values()),
        policy_fingerprint=policy.fingerprint,
    )


def _frame(
    data: dict[str, Any],
    backend: nw.Implementation,
    *,
    text: tuple[str, ...],
    times: tuple[str, ...],
) -> object:
    """A frame of ``data``'s columns: arrays, or functions making them.

    A column at a time: each is made, handed to the back-end and let go
    (popped from ``data``) before the next, so that the arrays and lists
    the columns go through are never all held at once (for a million
    customers' states some 170 MB, as much as the frame itself).
    """
    impl = cast("Any", backend)
    columns = []
    for name in list(data):
        made = data.pop(name)
        values = made() if callable(made) else made
        del made
        if name in text:
            # As a list: a numpy array of objects would make an object
            # column in polars, which does not cast to text.
            plain = values.tolist()
            series = nw.new_series(name, plain, nw.String, backend=impl)
            del plain
        else:
            series = nw.new_series(name, values, backend=impl)
        del values
        if name in times:
            series = series.dt.replace_time_zone("UTC")
        columns.append(series.to_frame())
    return nw.concat(columns, how="horizontal").to_native()


def _states_frame(done: Replayed, backend: nw.Implementation) -> object:
    import numpy as np  # noqa: PLC0415 - an optional dependency

    from customer_centric.frames._replay_rounds import (  # noqa: PLC0415
        COUNT_FIELDS,
        STAGE_VALUES,
        STATE_FIELDS,
        TIME_FIELDS,
        encode,
    )

    rounds = done.rounds
    s = rounds.states
    for j, replay in done.scalar.items():  # the engine's final states
        state = replay.state
        for field in STATE_FIELDS:
            s[field][j] = encode(field, getattr(state, field))

    def customer_ids() -> np.ndarray[Any, Any]:
        names = done.customers
        return np.array([names[c] for c in rounds.codes.tolist()], object)

    def column(field: str) -> np.ndarray[Any, Any]:
        values = s.pop(field)  # each state array let go once shown
        if field in STAGE_VALUES:
            shown: np.ndarray[Any, Any] = STAGE_VALUES[field][values]
            return shown
        if field in TIME_FIELDS:
            return values.astype("datetime64[us]")
        if field in COUNT_FIELDS:  # held in four bytes, shown in eight
            return values.astype(np.int64)
        return values

    data: dict[str, Any] = {"customer_id": customer_ids}
    for field in STATE_FIELDS:
        data[field] = functools.partial(column, field)
    text = ("customer_id", *STAGE_VALUES)
    times = tuple(f for f in STATE_FIELDS if f in TIME_FIELDS)
    return _frame(data, backend, text=text, times=times)


def _moves_frame(done: Replayed, backend: nw.Implementation) -> object:
    import numpy as np  # noqa: PLC0415 - an optional dependency

    from customer_centric.frames._replay_columns import (  # noqa: PLC0415
        event_ids,
    )
    from customer_centric.frames._replay_rounds import (  # noqa: PLC0415
        encode,
    )

    rounds = done.rounds
    events = rounds.events
    parts: list[tuple[Any, ...]] = []
    table = np.array([*rounds.moves, ("",) * 6], object)
    logged = list(rounds.logged)
    if rounds.stepped:
        sj, sp, si, sm = (
            np.array(c, np.int64) for c in zip(*rounds.stepped, strict=True)
        )
        logged.extend(
            (sj[si == k], sp[si == k], k, sm[si == k]) for k in (0, 1)
        )
    for cs, ps, i, move_id in logged:
        rs = rounds.order[ps]
        parts.append(
            (
                cs,
                np.zeros(len(cs), np.int64),
                ps,
                np.full(len(cs), i),
                np.full(len(cs), move_id),
                event_ids(events, rs),
                events.time[rs],
            )
        )
    extra: list[tuple[str, ...]] = []
    for j, replay in done.scalar.items():
        history = replay.history
        rows = [
            (
                r.dimension,
                r.from_stage.value,
                r.to_stage.value,
                r.rule_id,
                r.reason_code,
                r.event_kind,
            )
            for r in history
        ]
        n = len(rows)
        base = len(rounds.moves) + 1 + len(extra)
        extra.extend(rows)
        parts.append(
            (
                np.full(n, j),
                np.ones(n, np.int64),
                np.arange(n),
                np.zeros(n, np.int64),
                np.arange(base, base + n),
                np.array([r.event_id for r in history], object),
                np.array(
                    [encode("last_event_at", r.occurred_at) for r in history],
                    np.int64,
                ),
            )
        )
    if extra:
        table = np.concatenate([table, np.array(extra, object)])
    cols = [
        np.concatenate([p[k] for p in parts]) if parts else np.array([], int)
        for k in range(7)
    ]
    run, phase, seq, sub, moved, event_id, when = cols
    order = np.lexsort((sub, seq, phase, run))
    move = moved[order].astype(np.int64)
    data: dict[str, np.ndarray[Any, Any]] = {
        "customer_id": np.array([*done.customers, ""], object)[
            rounds.codes[run[order].astype(np.int64)]
            if len(order)
            else np.array([], np.int64)
        ]
    }
    shown = table[move] if len(move) else np.empty((0, 6), object)
    names = MOVE_COLUMNS[1:7]
    for k, name in enumerate(names):
        data[name] = shown[:, k] if len(move) else np.array([], object)
    data["event_id"] = event_id[order].astype(object)
    data["occurred_at"] = when[order].astype(np.int64).astype("datetime64[us]")
    text = MOVE_COLUMNS[:8]
    return _frame(data, backend, text=text, times=("occurred_at",))


def _rejected_frame(done: Replayed, backend: nw.Implementation) -> object:
    import numpy as np  # noqa: PLC0415 - an optional dependency

    rows = list(done.refused)
    for replay in done.scalar.values():
        rows.extend(
            (
                done.index_of[rejection.index],
                type(rejection.error).__name__,
                str(rejection.error),
            )
            for rejection in replay.rejected
        )
        rows.extend(
            (done.index_of[index], "duplicate", _REDELIVERY)
            for index in replay.duplicates
        )
    rows.sort()
    columns = done.rounds.events.columns
    found = [r for r, _, _ in rows]
    data: dict[str, np.ndarray[Any, Any]] = {
        "row": np.array(found, np.int64),
        "customer_id": _raw(columns["customer_id"], found),
        "kind": _raw(columns["kind"], found),
        "error": np.array([e for _, e, _ in rows], object),
        "reason": np.array([m for _, _, m in rows], object),
    }
    return _frame(data, backend, text=REJECTED_COLUMNS[1:], times=())


def _raw(column: _Column, rows: list[int]) -> np.ndarray[Any, Any]:
    import numpy as np  # noqa: PLC0415 - an optional dependency

    return np.array(
        [None if column.missing(r) else str(column.values[r]) for r in rows],
        object,
    )
