from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_centric import LifecycleStage
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.frames import score_health
from customer_centric.risk import Scorecard
from customer_centric.risk import score_health as score_one
from health_cards import CARD
from strategies import MEASURE_NAMES, measure_values, scorecards

AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
Row = dict[str, Any]

ROWS: list[Row] = [
    {"id": "A", "logins": 5.0, "nps": 25.0, "tickets": 1.0, "stage": None},
    {"id": "B", "logins": 5.0, "nps": 25.0, "tickets": None, "stage": None},
    {"id": "C", "logins": 2.0, "nps": -60.0, "tickets": 9.0, "stage": None},
    {"id": "D", "logins": None, "nps": None, "tickets": 3.0, "stage": None},
    {
        "id": "E",
        "logins": 9.0,
        "nps": None,
        "tickets": None,
        "stage": "welcome",
    },
    {
        "id": "F",
        "logins": None,
        "nps": None,
        "tickets": 0.0,
        "stage": "welcome",
    },
    {
        "id": "G",
        "logins": 12.0,
        "nps": 10.0,
        "tickets": 0.0,
        "stage": "divorce",
    },
]


def _duckdb(rows: list[Row]) -> object:
    return duckdb.from_arrow(pa.Table.from_pylist(rows))


BACKENDS: dict[str, Callable[[list[Row]], object]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "pyarrow": pa.Table.from_pylist,
    "polars-lazy": lambda rows: pl.DataFrame(rows).lazy(),
    "duckdb": _duckdb,
}


def _result(native: object) -> list[Row]:
    frame = nw.from_native(native)  # type: ignore[call-overload]
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return list(frame.rows(named=True))


def _expected(rows: list[Row], card: Scorecard) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        health = score_one(row, card=card, as_of=AS_OF, stage=row["stage"])
        out.append((health.score, health.band.value, health.profile))
    return out


@pytest.mark.parametrize("backend", list(BACKENDS), ids=list(BACKENDS))
def test_each_row_scores_as_the_record_path(backend: str) -> None:
    """Every back-end gives each row the record path's score, bit for bit."""
    result = _result(
        score_health(BACKENDS[backend](ROWS), card=CARD, stage_col="stage")
    )
    got = [
        (r["health_score"], r["health_band"], r["health_profile"])
        for r in sorted(result, key=lambda r: r["id"])
    ]
    assert got == _expected(ROWS, CARD)
    assert sorted(result[0]) == sorted(
        [*ROWS[0], "health_score", "health_band", "health_profile"]
    )


def test_eager_frames_keep_their_type_order_and_index() -> None:
    """A pandas frame comes back as pandas, rows and index untouched."""
    frame = pd.DataFrame(ROWS, index=[f"row{i}" for i in range(len(ROWS))])
    before = frame.copy()
    result = score_health(frame, card=CARD, stage_col="stage")
    assert isinstance(result, pd.DataFrame)
    assert list(result.index) == list(frame.index)
    assert list(result["id"]) == [r["id"] for r in ROWS]
    pd.testing.assert_frame_equal(frame, before)


def test_lazy_frames_stay_lazy() -> None:
    """A polars LazyFrame gives a LazyFrame, not yet computed."""
    result = score_health(
        pl.DataFrame(ROWS).lazy(), card=CARD, stage_col="stage"
    )
    assert isinstance(result, pl.LazyFrame)


def test_without_a_stage_column_every_row_uses_the_default() -> None:
    """No stage column: the default profile for every row."""
    rows = [{k: v for k, v in r.items() if k != "stage"} for r in ROWS[:4]]
    result = score_health(pl.DataFrame(rows), card=CARD)
    assert set(result["health_profile"]) == {"default"}
    assert result["health_score"].to_list() == [
        e[0] for e in _expected([{**r, "stage": None} for r in rows], CARD)
    ]


def test_pandas_nan_is_missing() -> None:
    """Pandas holds a missing number as NaN: it is left out, not zero."""
    frame = pd.DataFrame(
        {"logins": [5.0], "nps": [25.0], "tickets": [math.nan]}
    )
    result = score_health(frame, card=CARD)
    assert (
        result["health_score"][0]
        == score_one(
            {"logins": 5.0, "nps": 25.0}, card=CARD, as_of=AS_OF
        ).score
    )


def test_integer_columns_are_read_as_numbers() -> None:
    """Integer measure columns score as the floats they equal."""
    frame = pl.DataFrame({"logins": [5], "nps": [25], "tickets": [1]})
    result = score_health(frame, card=CARD)
    assert (
        result["health_score"][0]
        == _expected(
            [{"logins": 5.0, "nps": 25.0, "tickets": 1.0, "stage": None}], CARD
        )[0][0]
    )


_BASE = {"logins": [5.0], "nps": [25.0], "tickets": [1.0]}


def test_missing_counted_as_red_always_scores() -> None:
    """A card counting missing values as red scores rows with nothing."""
    card = Scorecard(name="new", version=1, profile=CARD.stages["welcome"])
    result = score_health(pl.DataFrame({"logins": [None, 9.0]}), card=card)
    assert result["health_score"].to_list() == [0.0, 100.0]
    assert result["health_band"].to_list() == ["red", "green"]


@pytest.mark.parametrize(
    ("columns", "kwargs", "message"),
    [
        ({"logins": [5.0], "nps": [1.0]}, {}, r"missing column\(s\)"),
        ({**_BASE, "logins": ["high"]}, {}, "are not numeric"),
        ({**_BASE, "nps": [math.nan]}, {}, "NaN, infinite or above"),
        ({**_BASE, "nps": [math.inf]}, {}, "NaN, infinite or above"),
        ({**_BASE, "nps": [2e15]}, {}, "NaN, infinite or above"),
        ({**_BASE, "s": ["gold"]}, {"stage_col": "s"}, "not a lifecycle"),
        ({**_BASE, "health_band": ["x"]}, {}, "already has column"),
        (
            {"logins": [None], "nps": [None], "tickets": [None]},
            {},
            "nothing to score",
        ),
    ],
    ids=[
        "missing-column",
        "text-column",
        "nan",
        "infinity",
        "too-large",
        "unknown-stage",
        "clashing-output",
        "nothing-observed",
    ],
)
def test_bad_frames_are_refused(
    columns: dict[str, list[Any]], kwargs: dict[str, str], message: str
) -> None:
    """Each problem raises a DataError that says what and how to fix."""
    frame = pl.DataFrame(columns)
    with pytest.raises(DataError, match=message):
        score_health(frame, card=CARD, **kwargs)


@pytest.mark.parametrize(
    ("frame", "kwargs", "message"),
    [
        ([1, 2], {}, "frame must be a dataframe"),
        (pl.DataFrame(_BASE), {"card": "retail"}, "card must be a Scorecard"),
        (pl.DataFrame(_BASE), {"stage_col": 3}, "stage_col must be"),
    ],
    ids=["not-a-frame", "card", "stage-col"],
)
def test_bad_arguments_are_refused(
    frame: object, kwargs: dict[str, object], message: str
) -> None:
    """Arguments of the wrong type raise ArgumentTypeError."""
    arguments: dict[str, object] = {"card": CARD, **kwargs}
    with pytest.raises(ArgumentTypeError, match=message):
        score_health(frame, **arguments)  # type: ignore[arg-type]


_stages = st.none() | st.sampled_from([s.value for s in LifecycleStage])
_rows = st.lists(
    st.fixed_dictionaries(
        {**dict.fromkeys(MEASURE_NAMES, measure_values), "stage": _stages}
    ),
    min_size=1,
    max_size=12,
)


def _scorable(rows: list[Row], card: Scorecard) -> list[Row]:
    kept = []
    for row in rows:
        try:
            score_one(row, card=card, as_of=AS_OF, stage=row["stage"])
        except DataError:
            continue
        kept.append(row)
    return kept


# Each example builds and scores two frames (some 0.2 s with pandas).
@settings(max_examples=20)
@given(scorecards(), _rows)
def test_frames_match_the_record_path(
    card: Scorecard, drawn: list[Row]
) -> None:
    """On any card and values, polars and pandas equal the record path."""
    rows = _scorable(drawn, card)
    schema = {**dict.fromkeys(MEASURE_NAMES, pl.Float64), "stage": pl.String}
    expected = _expected(rows, card)
    for frame in (
        pl.DataFrame(rows, schema=schema),
        pd.DataFrame(rows, columns=list(schema)).astype(
            dict.fromkeys(MEASURE_NAMES, "float64")
        ),
    ):
        got = [
            (r["health_score"], r["health_band"], r["health_profile"])
            for r in _result(score_health(frame, card=card, stage_col="stage"))
        ]
        assert got == expected
