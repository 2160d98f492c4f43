"""The columnar replay makes replay_many's decisions, on any frame."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, Literal

import duckdb
import narwhals as nw
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import customer_centric as cc
from customer_centric.datasets import load_demo_events
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.frames import ReplayFrames, replay_events
from customer_centric.frames._replay_columns import read_events
from customer_centric.frames._replay_rounds import Rounds, replay_rows
from customer_centric.relationship import (
    DEFAULT_POLICY,
    Event,
    Policy,
    _engine,
    parse_event,
    replay_many,
)
from strategies import event_histories, legal_walks, policies

Row = dict[str, Any]
FIELDS = (
    "customer_id",
    "kind",
    "occurred_at",
    "event_id",
    "amount",
    "referred_customer_id",
    "complaint_id",
    "severity",
    "satisfied",
    "score",
    "source",
    "as_of",
    "reason",
)
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _row(event: Event) -> Row:
    """An event as a frame row: every field column, None where absent."""
    data = event.model_dump(mode="python")
    row: Row = dict.fromkeys(FIELDS)
    for name, value in data.items():
        if hasattr(value, "value"):  # an enum: its string
            row[name] = value.value
        elif name == "amount" and value is not None:
            row[name] = float(value)
        else:
            row[name] = value
    return row


def _table(rows: list[Row]) -> pa.Table:
    return pa.Table.from_pylist(rows)


def _parsed(row: Row) -> Event | None:
    try:
        return parse_event({k: v for k, v in row.items() if v is not None})
    except ValidationError:
        return None


def _expected(
    rows: list[Row], policy: Policy, *, by_time: bool = True
) -> tuple[list[Row], list[tuple[Any, ...]], list[tuple[int, str]]]:
    """replay_many over the valid rows sorted by (customer, time, row).

    Without ``by_time``, by (customer, row): the rows in input order.
    """
    parsed = [(i, _parsed(row)) for i, row in enumerate(rows)]
    valid = [(i, e) for i, e in parsed if e is not None]
    if by_time:
        valid.sort(key=lambda p: (p[1].customer_id, p[1].occurred_at, p[0]))
    else:
        valid.sort(key=lambda p: (p[1].customer_id, p[0]))
    replays = replay_many(
        [e for _, e in valid], policy=policy, on_error="collect"
    )
    states = []
    moves: list[tuple[Any, ...]] = []
    rejected = [(i, "ValidationError") for i, e in parsed if e is None]
    for replay in replays.values():
        state = replay.state.model_dump(mode="python")
        state.pop("last_events")
        states.append({k: getattr(v, "value", v) for k, v in state.items()})
        moves.extend(
            (
                r.customer_id,
                r.dimension,
                r.from_stage.value,
                r.to_stage.value,
                r.rule_id,
                r.reason_code,
                r.event_kind,
                r.event_id,
                r.occurred_at,
            )
            for r in replay.history
        )
        rejected.extend(
            (valid[r.index][0], type(r.error).__name__)
            for r in replay.rejected
        )
        rejected.extend((valid[d][0], "duplicate") for d in replay.duplicates)
    return states, moves, sorted(rejected)


def _clean(value: object) -> object:
    if (
        value is None
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    ):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _rows_of(native: Any) -> list[Row]:  # noqa: ANN401 - any frame
    frame = nw.from_native(native, eager_only=True)
    return [
        {k: _clean(v) for k, v in row.items()}
        for row in frame.iter_rows(named=True)
    ]


Expected = tuple[list[Row], list[tuple[Any, ...]], list[tuple[int, str]]]


def _check(
    out: ReplayFrames,
    rows: list[Row],
    policy: Policy,
    expected: Expected | None = None,
) -> None:
    states, moves, rejected = expected or _expected(rows, policy)
    assert _rows_of(out.states) == states
    got_moves = [tuple(r.values()) for r in _rows_of(out.moves)]
    assert got_moves == moves
    got_rejected = [(r["row"], r["error"]) for r in _rows_of(out.rejected)]
    assert got_rejected == rejected
    assert out.applied == sum(1 for r in rows if _parsed(r)) - sum(
        1 for _, e in rejected if e != "ValidationError"
    )


BAD_ROWS: list[Row] = [
    {**dict.fromkeys(FIELDS), "customer_id": "C-1", "kind": "refund"},
    {**dict.fromkeys(FIELDS), "customer_id": "C-2", "kind": "complaint_filed"},
    {
        **dict.fromkeys(FIELDS),
        "customer_id": "C-3",
        "kind": "dissatisfaction_signal",
        "score": 1.5,
        "source": "survey",
    },
    {
        **dict.fromkeys(FIELDS),
        "customer_id": "C-1",
        "kind": "interest_shown",
        "severity": "low",
    },
    {**dict.fromkeys(FIELDS), "customer_id": None, "kind": "interest_shown"},
]


@st.composite
def bases(draw: st.DrawFn) -> tuple[list[Row], Policy]:
    """A frame's worth of rows, shuffled.

    Several customers' events (legal walks and random histories), some bad
    rows, some repeated rows.
    """
    policy = draw(policies())
    rows: list[Row] = []
    for n in range(draw(st.integers(1, 5))):
        cid = f"C-{n}"
        if draw(st.booleans()):
            events = draw(legal_walks(policy, max_steps=25, customer_id=cid))
        else:
            events = draw(event_histories(customer_id=cid, max_size=15))
        rows.extend(_row(e) for e in events)
    if rows and draw(st.booleans()):  # a redelivery, or a clash of ids
        again = dict(draw(st.sampled_from(rows)))
        if draw(st.booleans()) and again["event_id"] is None:
            again["event_id"] = "E-1"
        rows.append(again)
    rows.extend(
        {**bad, "occurred_at": draw(st.sampled_from([T0, None]))}
        for bad in draw(st.lists(st.sampled_from(BAD_ROWS), max_size=3))
    )
    rows = draw(st.permutations(rows))
    for row in rows:  # a frame column holds one zone
        if row["occurred_at"] is not None:
            row["occurred_at"] = row["occurred_at"].astimezone(UTC)
        if row["as_of"] is not None:
            row["as_of"] = row["as_of"].astimezone(UTC)
    return rows, policy


@settings(max_examples=60)
@given(bases(), st.sampled_from(["time", "input"]))
def test_same_decisions_as_replay_many(
    base: tuple[list[Row], Policy], order: Literal["time", "input"]
) -> None:
    """Final states, moves and rejections are replay_many's, any policy.

    In input order the shuffled rows come out of time order, and the
    engine refuses the older ones as replay_many does.
    """
    rows, policy = base
    if not rows:
        return
    out = replay_events(
        pl.from_arrow(_table(rows)), policy=policy, moves=True, order=order
    )
    expected = _expected(rows, policy, by_time=order == "time")
    _check(out, rows, policy, expected)


def test_input_order_refuses_older_events() -> None:
    """In input order an event older than the last one is out of order."""
    frame = _frame(
        customer_id=["A", "A", "A"],
        kind=["first_purchase", "interest_shown", "repeat_purchase"],
        occurred_at=[T0 + timedelta(days=2), T0, T0 + timedelta(days=3)],
    )
    by_time = replay_events(frame)
    assert by_time.applied == 3
    as_given = replay_events(frame, order="input")
    assert as_given.applied == 2
    assert _rows_of(as_given.rejected)[0]["row"] == 1
    assert _rows_of(as_given.rejected)[0]["error"] == "OutOfOrderEventError"
    with pytest.raises(InvariantError, match="order"):
        replay_events(frame, order="file")  # type: ignore[arg-type]


def _demo_rows() -> list[Row]:
    return [_row(e) for e in load_demo_events()]


@pytest.fixture(scope="module")
def demo() -> tuple[list[Row], pa.Table, Expected]:
    """The demo base's rows, as a table, and what replay_many makes of it."""
    rows = _demo_rows()
    return rows, _table(rows), _expected(rows, DEFAULT_POLICY)


BACKENDS = {
    "pandas": lambda t: t.to_pandas(),
    "polars": pl.from_arrow,
    "pyarrow": lambda t: t,
    "duckdb": duckdb.from_arrow,
}


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_demo_data_on_every_backend(
    backend: str, demo: tuple[list[Row], pa.Table, Expected]
) -> None:
    """The shipped demo base replays as replay_many replays it."""
    rows, table, expected = demo
    out = replay_events(BACKENDS[backend](table), moves=True)
    _check(out, rows, DEFAULT_POLICY, expected)
    assert len(out.rejected) == 0


def test_demo_data_keeps_most_events_on_the_rounds(
    demo: tuple[list[Row], pa.Table, Expected],
) -> None:
    """Most demo events are applied by kept plans, a round at a time."""
    columns, _ = read_events(pl.from_arrow(demo[1]))
    done = replay_rows(columns, policy=DEFAULT_POLICY, keep_moves=False)
    assert done.rounds.applied == columns.rows
    assert done.rounds.steps < 0.2 * columns.rows


def _frame(**columns: list[object]) -> pl.DataFrame:
    return pl.DataFrame(columns)


def test_naive_times_and_strings_are_judged_row_by_row() -> None:
    """Naive times are rows refused with the record's message."""
    naive = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "kind": ["interest_shown", "first_purchase"],
            "occurred_at": [datetime(2025, 1, 1), datetime(2025, 1, 2)],  # noqa: DTZ001
        }
    )
    out = replay_events(naive)
    assert out.rejected["row"].tolist() == [0, 1]
    assert "timezone" in out.rejected["reason"][0]
    assert len(out.states) == 0
    text = pd.DataFrame(
        {
            "customer_id": ["A", "A"],
            "kind": ["interest_shown", "first_purchase"],
            "occurred_at": ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00"],
        }
    )
    out = replay_events(text, moves=True)
    assert out.rejected["row"].tolist() == [1]
    assert out.states["loyalty"].tolist() == ["prospect"]


def test_odd_types_go_to_the_judge() -> None:
    """Values of odd types are refused by the record, row by row."""
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", 7],
            "kind": ["complaint_resolved", "first_purchase", 3, "x"],
            "occurred_at": pd.to_datetime(
                ["2025-01-01", "2025-01-02", "2025-01-03", "2025-01-03"],
                utc=True,
            ),
            "satisfied": ["maybe", None, None, None],
            "amount": [None, "12.5", None, None],
            "event_id": [None, 7, None, None],
        }
    )
    out = replay_events(frame, moves=True)
    assert out.rejected["row"].tolist() == [0, 1, 2, 3]
    assert out.rejected["customer_id"].tolist()[:3] == ["A", "A", "B"]


def test_accepted_judged_rows_are_replayed_by_the_engine() -> None:
    """A row the checks doubt but the record accepts is replayed."""
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "A"],
            "kind": ["first_purchase", "complaint_resolved"],
            "occurred_at": pd.to_datetime(
                ["2025-01-01", "2025-01-02"], utc=True
            ),
            "amount": ["12.5", None],
            "satisfied": [None, True],
        }
    )
    out = replay_events(frame)
    assert out.states["purchases"].tolist() == [1]
    assert len(out.rejected) == 0


def test_result_repr_and_arguments() -> None:
    """One-line repr; wrong arguments and missing columns are refused."""
    frame = _frame(
        customer_id=["A"],
        kind=["interest_shown"],
        occurred_at=[T0],
    )
    out = replay_events(frame)
    assert repr(out) == (
        "ReplayFrames(1 customers, 1 events applied, 0 rejected, "
        "moves not kept)"
    )
    assert out.moves is None
    assert out.policy_fingerprint == DEFAULT_POLICY.fingerprint
    with pytest.raises(ArgumentTypeError, match="policy"):
        replay_events(frame, policy="default")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="moves"):
        replay_events(frame, moves=1)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="kind"):
        replay_events(pl.DataFrame({"customer_id": ["A"]}))


def test_empty_and_all_rejected_frames() -> None:
    """No valid rows: empty states and moves."""
    frame = pl.DataFrame(
        {"customer_id": ["A"], "kind": ["refund"], "occurred_at": [T0]}
    )
    out = replay_events(frame, moves=True)
    assert out.states.shape[0] == 0
    assert out.moves.shape[0] == 0
    assert out.rejected["row"].to_list() == [0]
    empty = replay_events(frame.head(0), moves=True)
    assert empty.rejected.shape[0] == 0


def test_text_columns_of_nulls_only() -> None:
    """A text column with no value at all (pandas' lookup needs one)."""
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "A"],
            "kind": ["interest_shown", "first_purchase"],
            "occurred_at": [T0, T0 + timedelta(days=1)],
            "reason": pd.Series([None, None], dtype="string"),
        }
    )
    out = replay_events(frame)
    assert out.applied == 2
    assert out.rejected.shape[0] == 0
    assert out.states["lifecycle"].tolist() == ["welcome"]


def test_lazy_frames_come_back_eager() -> None:
    """A lazy frame is collected; the answer is eager."""
    rows = [_row(e) for e in load_demo_events()[:200]]
    out = replay_events(pl.DataFrame(_table(rows)).lazy())
    assert isinstance(out.states, pl.DataFrame)


def test_a_long_history_with_ties_and_guards() -> None:
    """A client with equal times, a resolved complaint and a divorce."""
    steps = [
        ("first_purchase", {}),
        ("repeat_purchase", {}),
        ("repeat_purchase", {}),
        ("complaint_filed", {"severity": "critical"}),
        ("complaint_resolved", {"satisfied": True}),
        ("dissatisfaction_signal", {"score": 0.9, "source": "survey"}),
        ("account_closed", {"reason": "new_job"}),
        ("win_back_attempted", {}),
        ("reactivated", {}),
        ("repeat_purchase", {}),
    ]
    rows = []
    for day, (kind, extra) in enumerate(steps):
        for cid in ("A", "B"):
            row = dict.fromkeys(FIELDS)
            row.update(customer_id=cid, kind=kind, **extra)
            row["occurred_at"] = T0 + timedelta(days=day // 2)
            rows.append(row)
    out = replay_events(pl.from_arrow(_table(rows)), moves=True)
    _check(out, rows, DEFAULT_POLICY)


def _walk(cid: str, start: datetime) -> list[Row]:
    """A legal history through every guarded key of the default rules."""
    steps: list[tuple[str, dict[str, object]]] = [
        ("interest_shown", {}),
        ("first_purchase", {}),
        ("complaint_filed", {"severity": "low"}),
        ("complaint_filed", {"severity": "critical"}),
        ("dissatisfaction_signal", {"score": 0.95, "source": "survey"}),
        ("inactivity_observed", {}),
        ("account_closed", {"reason": "new_job"}),
        ("win_back_attempted", {}),
        ("win_back_declined", {}),
        ("win_back_attempted", {}),
        ("reactivated", {}),
        ("needs_profiled", {}),
        ("referral_made", {}),
    ]
    rows = []
    for day, (kind, extra) in enumerate(steps):
        row = dict.fromkeys(FIELDS)
        when = start + timedelta(days=40 * day)
        row.update(customer_id=cid, kind=kind, occurred_at=when, **extra)
        if kind == "inactivity_observed":
            row["as_of"] = when
        rows.append(row)
    return rows


def test_guarded_keys_are_decided_on_arrays() -> None:
    """Every guarded key of the default rules, on arrays, as the engine."""
    rows = [
        row
        for n in range(4)
        for row in _walk(f"W-{n}", T0 + timedelta(hours=n))
    ]
    policy = DEFAULT_POLICY.with_thresholds(win_back_window_days=100)
    out = replay_events(pl.from_arrow(_table(rows)), policy=policy, moves=True)
    _check(out, rows, policy)
    reasons = pl.DataFrame({"reason": ["bored"], "kind": ["account_closed"]})
    bad = pl.concat(
        [
            pl.from_arrow(_table(rows[:1])),
            reasons.with_columns(
                customer_id=pl.lit("W-0"), occurred_at=pl.lit(T0)
            ),
        ],
        how="diagonal_relaxed",
    )
    assert replay_events(bad).rejected["row"].to_list() == [1]


def test_what_the_arrays_cannot_decide_goes_to_the_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Metrics, base writes and plan writes this path does not know."""
    rows = _walk("W-0", T0)
    columns, _ = read_events(pl.from_arrow(_table(rows)))
    rounds = replay_rows(
        columns, policy=DEFAULT_POLICY, keep_moves=True
    ).rounds
    assert not len(rounds.events.score)  # let go of once replayed
    rounds.events = columns  # every column, as the rounds read them
    cs = ps = np.zeros(1, np.int64)
    base = SimpleNamespace(counter=None, stamped=(), writes={})
    assert rounds.metric("no_such_metric", base, cs, ps) is None
    test = (("no_such_metric", "at_least", 1, 1),)
    kept = SimpleNamespace(base=base, tested=(SimpleNamespace(tests=test),))
    assert rounds.guard_bits(kept, cs, ps) is None
    kept.base = SimpleNamespace(writes={"purchases": 3})
    assert rounds.guard_bits(kept, cs, ps) is None
    read = rounds.metric("satisfied", base, cs, ps)  # type: ignore[arg-type]
    assert read is not None
    assert not read[1].any()
    key = ("interest_shown", *(cc.LoyaltyStage.SUSPECT,) * 0)
    odd = _engine._Guarded(base=base, tested=kept.tested, plans={})
    rounds.plans[key] = odd
    try:
        assert rounds.group(key, cs, ps).all()
    finally:
        del rounds.plans[key]
    with monkeypatch.context() as patch:
        patch.setattr(Rounds, "metric", lambda *_, **__: None)
        key = (
            "repeat_purchase",
            *(cc.LoyaltyStage.CUSTOMER,),
            *(cc.LifecycleStage.POTENTIAL_DIVORCE, cc.LoyaltyStage.CUSTOMER),
        )
        assert rounds.unkept(key, cs, ps).all()
    plan = SimpleNamespace(writes={"no_such_field": 1})
    assert rounds.writes(plan) is None
    assert rounds.writes(plan) is None  # kept by the plan's identity
    assert not rounds.apply(plan, cs, ps)


def test_events_at_one_instant_keep_every_id() -> None:
    """Identified events at one instant, then more: the engine's memory."""
    rows = []
    for n, kind in enumerate(
        [
            "interest_shown",
            "first_purchase",
            "needs_profiled",
            "repeat_purchase",
        ]
    ):
        row = dict.fromkeys(FIELDS)
        when = T0 if n < 3 else T0 + timedelta(days=1)
        row.update(
            customer_id="A", kind=kind, occurred_at=when, event_id=f"E{n}"
        )
        rows.append(row)
    out = replay_events(pl.from_arrow(_table(rows)), moves=True)
    _check(out, rows, DEFAULT_POLICY)


def test_a_lowering_event_that_departs_goes_to_the_step() -> None:
    """A resolution a custom rule turns into a divorce: the engine's step."""
    closing = cc.relationship.Rule(
        id="lifecycle.resolved_and_gone",
        event="complaint_resolved",
        dimension="lifecycle",
        sources=("welcome",),
        target="divorce",
        reason_code="resolved_and_gone",
    )
    policy = DEFAULT_POLICY.with_rules(closing, first=True)
    rows = []
    for cid in ("A", "B"):
        for day, kind in enumerate(["first_purchase", "complaint_resolved"]):
            row = dict.fromkeys(FIELDS)
            row.update(customer_id=cid, kind=kind, satisfied=True)
            row["occurred_at"] = T0 + timedelta(days=day)
            if kind == "first_purchase":
                row["satisfied"] = None
            rows.append(row)
    out = replay_events(pl.from_arrow(_table(rows)), policy=policy, moves=True)
    _check(out, rows, policy)
    assert out.states["lifecycle"].to_list() == ["divorce", "divorce"]
