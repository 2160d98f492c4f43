from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric.complaints import (
    FIRST_REPLY,
    NEXT_REPLY,
    REQUESTER_WAIT,
    AttainmentRow,
    ClockTarget,
    Priority,
    SlaPolicy,
    SlaStatus,
    SlaTarget,
    attainment,
    clock_rows,
    sla_status,
)
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.frames import sla_attainment
from strategies import complaints

Columns = dict[str, list[Any]]

EAGER: dict[str, Callable[[Any], object]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "pyarrow": pa.Table.from_pylist,
}

POLICY = SlaPolicy(
    name="desk",
    version=1,
    targets=(
        SlaTarget(
            metric=FIRST_REPLY,
            targets=dict.fromkeys(
                Priority, ClockTarget(amount=4, unit="calendar_hours")
            ),
        ),
        SlaTarget(
            metric=NEXT_REPLY,
            targets={
                Priority.HIGH: ClockTarget(amount=1, unit="calendar_days"),
                Priority.URGENT: ClockTarget(
                    amount=90, unit="calendar_minutes"
                ),
            },
        ),
        SlaTarget(
            metric=REQUESTER_WAIT,
            targets=dict.fromkeys(
                Priority, ClockTarget(amount=3, unit="calendar_days")
            ),
        ),
    ),
)

CLOCKS: Columns = {
    "metric": ["first_reply"] * 4 + ["next_reply"],
    "priority": ["low"] * 4 + ["urgent"],
    "status": ["met", "met", "breached", "on_track", "breached"],
    "stopped": [True, True, True, False, False],
    "elapsed_seconds": [3600.0, 7200.0, 10800.0, 600.0, 9000.0],
}


def _records(columns: Columns) -> list[dict[str, Any]]:
    names = list(columns)
    return [
        dict(zip(names, values, strict=True))
        for values in zip(*columns.values(), strict=True)
    ]


@pytest.fixture(params=list(EAGER), ids=list(EAGER))
def make(request: pytest.FixtureRequest) -> Callable[[Columns], object]:
    """Build an eager native frame of one back-end from columns."""
    build = EAGER[request.param]
    return lambda columns: build(_records(columns))


def _rows(native: object) -> list[dict[str, Any]]:
    frame = nw.from_native(native, eager_only=True)
    return [
        {
            key: None if isinstance(v, float) and math.isnan(v) else v
            for key, v in row.items()
        }
        for row in frame.rows(named=True)
    ]


def _expected(row: AttainmentRow) -> dict[str, Any]:
    return {
        "metric": row.metric,
        "priority": row.priority.value,
        "met": row.met,
        "breached": row.breached,
        "running": row.running,
        "attainment": None
        if row.attainment is None
        else float(row.attainment),
        "median_seconds": (
            None if row.median is None else row.median.total_seconds()
        ),
        "p90_seconds": None if row.p90 is None else row.p90.total_seconds(),
    }


def test_worked_example(make: Callable[[Columns], object]) -> None:
    """Counts, share and times per group, sorted by metric then rank."""
    native = make(CLOCKS)
    result = sla_attainment(native)
    assert type(result) is type(native)
    assert _rows(result) == [
        {
            "metric": "first_reply",
            "priority": "low",
            "met": 2,
            "breached": 1,
            "running": 1,
            "attainment": 0.6667,
            "median_seconds": 7200.0,
            "p90_seconds": 10800.0,
        },
        {
            "metric": "next_reply",
            "priority": "urgent",
            "met": 0,
            "breached": 1,
            "running": 0,
            "attainment": 0.0,
            "median_seconds": None,
            "p90_seconds": None,
        },
    ]


def test_priorities_sort_by_rank_and_extra_columns_are_ignored() -> None:
    """Urgent comes after low; a complaint_id column does not matter."""
    clocks = pl.DataFrame(
        {
            "complaint_id": ["K-1", "K-2"],
            "metric": ["m", "m"],
            "priority": ["urgent", "low"],
            "status": ["met", "met"],
            "stopped": [True, True],
            "elapsed_seconds": [1, 2],
        }
    )
    assert sla_attainment(clocks)["priority"].to_list() == ["low", "urgent"]


def test_empty_frames_give_an_empty_report() -> None:
    """No clocks: no rows, but the report's columns."""
    empty = pl.DataFrame(
        {name: [] for name in CLOCKS},
        schema={
            "metric": pl.String,
            "priority": pl.String,
            "status": pl.String,
            "stopped": pl.Boolean,
            "elapsed_seconds": pl.Float64,
        },
    )
    result = nw.from_native(sla_attainment(empty), eager_only=True)
    assert len(result) == 0
    assert result.columns[-3:] == [
        "attainment",
        "median_seconds",
        "p90_seconds",
    ]


def test_input_is_not_mutated() -> None:
    """The caller's frame is left as it was."""
    native = pd.DataFrame(CLOCKS)
    before = native.copy()
    sla_attainment(native)
    pd.testing.assert_frame_equal(native, before)


_BAD: list[tuple[Columns, str]] = [
    (
        {k: v for k, v in CLOCKS.items() if k != "stopped"},
        r"missing column\(s\) \['stopped'\].*clock_rows\(\)",
    ),
    (
        {**CLOCKS, "status": ["met", "late", "met", "met", "met"]},
        r"unknown status value\(s\) \['late'\].*'on_track'",
    ),
    (
        {**CLOCKS, "priority": ["low", "asap", "low", "low", "low"]},
        r"unknown priority value\(s\) \['asap'\]",
    ),
    (
        {**CLOCKS, "elapsed_seconds": [1.0, -5.0, 1.0, 1.0, 1.0]},
        r"1 clock row\(s\) have a negative .* e.g. \[-5.0\]",
    ),
    (
        {**CLOCKS, "metric": ["a", None, "a", "a", "a"]},
        r"1 clock row\(s\) have no 'metric'",
    ),
    (
        {**CLOCKS, "elapsed_seconds": ["1", "2", "3", "4", "5"]},
        r"column 'elapsed_seconds' has type String; store numbers",
    ),
    (
        {**CLOCKS, "stopped": [1, 0, 1, 0, 1]},
        r"column 'stopped' has type Int64; store booleans",
    ),
]


@pytest.mark.parametrize(
    ("columns", "match"),
    _BAD,
    ids=[
        "missing",
        "status",
        "priority",
        "negative",
        "null",
        "text-seconds",
        "int-stopped",
    ],
)
def test_bad_frames_are_explained(columns: Columns, match: str) -> None:
    """Missing columns and bad values raise a DataError naming them."""
    with pytest.raises(DataError, match=match):
        sla_attainment(pl.DataFrame(columns))


def test_non_finite_times_are_refused() -> None:
    """NaN and infinite seconds are refused like negative ones."""
    for bad in (float("nan"), float("inf")):
        clocks = pl.DataFrame({**CLOCKS, "elapsed_seconds": [bad] * 5})
        with pytest.raises(DataError, match="negative or non-finite"):
            sla_attainment(clocks)


@pytest.mark.parametrize(
    ("not_eager", "match"),
    [
        ([{"metric": "m"}], "frame must be a dataframe"),
        (pl.LazyFrame(CLOCKS), "collect a lazy frame first"),
        (
            duckdb.connect().from_arrow(pa.table(CLOCKS)),
            "collect a lazy frame first",
        ),
    ],
    ids=["list", "polars-lazy", "duckdb"],
)
def test_only_eager_frames_are_accepted(not_eager: object, match: str) -> None:
    """Lists and lazy frames are refused with the fix."""
    with pytest.raises(ArgumentTypeError, match=match):
        sla_attainment(not_eager)


@st.composite
def statuses(draw: st.DrawFn) -> SlaStatus:
    """SLA statuses of random complaints under POLICY."""
    complaint = draw(complaints())
    as_of = complaint.updated_at + timedelta(
        minutes=draw(st.integers(0, 60 * 24 * 20))
    )
    return sla_status(
        complaint,
        policy=POLICY,
        priority=draw(st.sampled_from(list(Priority))),
        as_of=as_of,
    )


@settings(max_examples=40, deadline=None)
@given(
    many=st.lists(statuses(), max_size=12),
    backend=st.sampled_from(["pandas", "polars"]),
)
def test_frames_agree_with_the_record_based_report(
    many: list[SlaStatus], backend: str
) -> None:
    """On random complaints the frame report equals attainment()."""
    rows = clock_rows(many)
    native = (
        pd.DataFrame(
            list(rows), columns=list(cc.complaints.ClockRow.__annotations__)
        )
        if backend == "pandas"
        else pl.DataFrame(
            list(rows),
            schema={
                "complaint_id": pl.String,
                "metric": pl.String,
                "priority": pl.String,
                "cycle": pl.Int64,
                "status": pl.String,
                "stopped": pl.Boolean,
                "elapsed_seconds": pl.Float64,
            },
        )
    )
    if backend == "pandas":
        native = native.astype({"stopped": bool, "elapsed_seconds": float})
    assert _rows(sla_attainment(native)) == [
        _expected(row) for row in attainment(many)
    ]


def test_times_survive_the_seconds_round_trip() -> None:
    """A clock of ten years to the microsecond keeps its exact time."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    elapsed = datetime(2035, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC) - start
    clocks = pl.DataFrame(
        {
            "metric": ["m"],
            "priority": ["low"],
            "status": ["met"],
            "stopped": [True],
            "elapsed_seconds": [elapsed.total_seconds()],
        }
    )
    (row,) = _rows(sla_attainment(clocks))
    assert timedelta(seconds=row["median_seconds"]) == elapsed
