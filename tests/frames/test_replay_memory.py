"""The columnar replay's memory savers decide as the plain path does.

Sparse columns, rows sorted a range of customers at a time, rounds in
parts, nulls as bits and the answer built a column at a time must give
the answer of ``replay_many`` (tests/frames/test_replay.py) whatever the
sizes of the parts: here the parts are made tiny, so that every range,
chunk and part boundary is crossed by a few rows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from customer_centric.frames import _replay_rounds as rounds_module
from customer_centric.frames import replay_events
from customer_centric.frames._replay_columns import Sparse, read_events
from customer_centric.relationship import Event, parse_event, replay_many
from strategies import event_histories

T0 = datetime(2025, 1, 1, tzinfo=UTC)
Row = dict[str, Any]


@given(
    hnp.arrays(np.float64, st.integers(0, 40), elements=st.floats(0, 1)),
    st.data(),
)
def test_sparse_reads_as_the_full_column(
    full: np.ndarray[Any, Any], data: st.DataObject
) -> None:
    """Values held where present read as the whole column would."""
    mask = data.draw(hnp.arrays(bool, len(full)))
    at = data.draw(
        hnp.arrays(np.int64, st.integers(0, 20), elements=st.integers(0, 39))
    )
    at = at[at < len(full)]
    rows = np.flatnonzero(mask)
    sparse = Sparse(values=full[rows], fill=np.nan, rows=rows)
    expected = np.where(mask, full, np.nan)[at]
    np.testing.assert_array_equal(sparse[at], expected)
    whole = Sparse(values=full, fill=np.nan)  # every row has one
    np.testing.assert_array_equal(whole[at], full[at])


def test_a_field_no_row_has_reads_as_its_fill() -> None:
    """A field absent from the frame holds no array, and reads as fill."""
    frame = pl.DataFrame(
        {"customer_id": ["A"], "kind": ["first_purchase"], "occurred_at": [T0]}
    )
    columns, _ = read_events(frame)
    assert np.isnan(columns.score[np.array([0])]).all()
    assert not columns.event_id.flags.writeable  # a view of one -1


def _rows(events: list[Event]) -> list[Row]:
    rows = []
    for event in events:
        row = event.model_dump(mode="python", exclude_none=True)
        for name in ("occurred_at", "as_of"):  # a column holds one zone
            if name in row:
                row[name] = row[name].astimezone(UTC)
        rows.append({k: getattr(v, "value", v) for k, v in row.items()})
    return rows


def _frame(rows: list[Row]) -> pl.DataFrame:
    frame = pl.from_dicts(rows, infer_schema_length=None)
    if "amount" in frame.columns:
        frame = frame.with_columns(pl.col("amount").cast(pl.Float64))
    return frame


@settings(max_examples=40, deadline=None)
@given(
    st.lists(event_histories(max_size=12).filter(len), min_size=1, max_size=4),
    st.randoms(use_true_random=False),
    st.sampled_from(["time", "input"]),
)
def test_tiny_parts_give_the_same_answer(
    histories: list[list[Event]],
    rng: Any,  # noqa: ANN401 - hypothesis' Random
    order: Literal["time", "input"],
) -> None:
    """Ranges of one customer, chunks of two rows, rounds of one customer."""
    rows = [
        {**row, "customer_id": f"C-{n}"}
        for n, history in enumerate(histories)
        for row in _rows(history)
    ]
    rng.shuffle(rows)  # out of time order: the sort by time too
    frame = _frame(rows)
    plain = replay_events(frame, moves=True, order=order)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rounds_module, "_CHUNK", 2)
        patch.setattr(rounds_module, "_ROUND", 1)
        tiny = replay_events(frame, moves=True, order=order)
    assert tiny.states.equals(plain.states)
    assert tiny.moves is not None
    assert tiny.moves.equals(plain.moves)
    assert tiny.rejected.equals(plain.rejected)
    assert tiny.applied == plain.applied


def _engine_states(rows: list[Row]) -> dict[str, Any]:
    events = sorted(
        (parse_event(row) for row in rows),
        key=lambda e: (e.customer_id, e.occurred_at),
    )
    out = replay_many(events, on_error="collect")
    return {cid: replay.state for cid, replay in out.items()}


def test_columns_with_a_value_on_every_row() -> None:
    """Scores, amounts and ``as_of`` times with no null are whole arrays."""
    rows: list[Row] = [
        {
            "customer_id": f"S-{n}",
            "kind": "dissatisfaction_signal",
            "occurred_at": T0 + timedelta(hours=n, days=k),
            "score": 0.3 * k,
            "source": "survey",
        }
        for n in range(3)
        for k in range(4)
    ]
    signals = _frame(rows)
    columns, _ = read_events(signals)
    assert columns.score.rows is None
    out = replay_events(signals)
    expected = _engine_states(rows)
    for state in out.states.iter_rows(named=True):
        assert state["loyalty"] == expected[state["customer_id"]].loyalty
    checks = [
        {
            "customer_id": "I",
            "kind": "inactivity_observed",
            "occurred_at": T0 + timedelta(days=k),
            "as_of": T0 + timedelta(days=k),
        }
        for k in range(3)
    ]
    columns, _ = read_events(_frame(checks))
    assert columns.as_of.rows is None
    buys = [
        {
            "customer_id": "P",
            "kind": "first_purchase" if k == 0 else "repeat_purchase",
            "occurred_at": T0 + timedelta(days=k),
            "amount": 10.0 + k,
        }
        for k in range(3)
    ]
    out = replay_events(_frame(buys))
    assert out.states["purchases"].to_list() == [3]


def test_the_states_keep_their_types() -> None:
    """Counts held in four bytes are shown in eight, times in UTC."""
    rows = [
        {
            "customer_id": "A",
            "kind": "first_purchase",
            "occurred_at": T0,
            "amount": None,
        }
    ]
    schema = replay_events(_frame(rows)).states.schema
    assert schema["purchases"] == pl.Int64
    assert schema["last_event_at"] == pl.Datetime("us", "UTC")
    assert schema["loyalty"] == pl.String
