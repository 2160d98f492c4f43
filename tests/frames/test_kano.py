from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.frames import KANO_COLUMNS, kano_analyze
from customer_centric.kano import (
    POULIOT_TABLE,
    KanoDecisionRule,
    KanoResponse,
    analyze,
)

Columns = dict[str, list[Any]]

EAGER: dict[str, Callable[[Any], object]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "pyarrow": pa.table,
}

_ROWS = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.sampled_from(["radio", " radio", "seat heating", "app"]),
        st.integers(1, 5),
        st.integers(1, 5),
        st.one_of(
            st.none(),
            st.integers(0, 9).map(float),
            st.floats(0, 1e6, allow_nan=False),
        ),
    ),
    min_size=1,
    max_size=60,
)


def _columns(rows: list[tuple[int, str, int, int, float | None]]) -> Columns:
    return {
        "respondent_id": [f"R{r[0]}" for r in rows],
        "feature": [r[1] for r in rows],
        "functional": [r[2] for r in rows],
        "dysfunctional": [r[3] for r in rows],
        "importance": [r[4] for r in rows],
    }


def _records(columns: Columns) -> list[KanoResponse]:
    return [
        KanoResponse(
            respondent_id=r,
            feature=f,
            functional=fn,
            dysfunctional=d,
            importance=i,
        )
        for r, f, fn, d, i in zip(*columns.values(), strict=True)
    ]


@settings(max_examples=60, deadline=None)
@given(
    rows=_ROWS,
    backend=st.sampled_from(sorted(EAGER)),
    rule=st.sampled_from(["mode", "m_o_a_i", "total_strength"]),
    pouliot=st.booleans(),
)
def test_same_results_as_the_record_path(
    rows: list[tuple[int, str, int, int, float | None]],
    backend: str,
    rule: KanoDecisionRule,
    pouliot: bool,
) -> None:
    """Every back-end gives analyze()'s results on the same answers."""
    columns = _columns(rows)
    table = POULIOT_TABLE if pouliot else None
    options: dict[str, Any] = {"rule": rule}
    if table is not None:
        options["table"] = table
    expected = analyze(_records(columns), **options)
    assert kano_analyze(EAGER[backend](columns), **options) == expected


def test_answers_by_name_and_no_importance() -> None:
    """Answers given by name work, and without importance there is none."""
    columns: Columns = {
        "respondent_id": ["R1", "R2", "R3"],
        "feature": ["radio", "radio", "app"],
        "functional": ["like", "Must-Be", "neutral"],
        "dysfunctional": ["dislike", "live with", "neutral"],
    }
    expected = analyze(_records({**columns, "importance": [None] * 3}))
    results = kano_analyze(pd.DataFrame(columns))
    assert results == expected
    assert [r.mean_importance for r in results] == [None, None]


def test_huge_importances_average_like_the_record_path() -> None:
    """Importances whose sum overflows still average as analyze() does."""
    columns: Columns = {
        "respondent_id": ["R1", "R2"],
        "feature": ["radio", "radio"],
        "functional": [1, 1],
        "dysfunctional": [3, 3],
        "importance": [1.7e308, 1.7e308],
    }
    (result,) = kano_analyze(pl.DataFrame(columns))
    assert result == analyze(_records(columns))[0]
    assert result.mean_importance == 1.7e308


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"feature": ["  ", "radio"]}, "feature names must be non-blank"),
        ({"feature": [None, "radio"]}, "feature names must be non-blank"),
        ({"respondent_id": ["R1", " "]}, "1 row\\(s\\) have no respondent_id"),
        ({"respondent_id": ["R1", None]}, "have no respondent_id"),
        ({"functional": [1, 9]}, "column 'functional'"),
        ({"dysfunctional": ["like", "love it"]}, "column 'dysfunctional'"),
        ({"functional": [1.0, 2.5]}, "unknown Kano answer 2.5"),
        ({"importance": [5.0, -1.0]}, "finite number >= 0, got -1.0"),
        ({"importance": [5.0, float("inf")]}, "finite number >= 0"),
        ({"importance": ["high", "low"]}, "a number >= 0, got 'high'"),
    ],
    ids=[
        "blank feature",
        "missing feature",
        "blank respondent",
        "missing respondent",
        "unknown code",
        "unknown name",
        "fractional code",
        "negative importance",
        "infinite importance",
        "text importance",
    ],
)
def test_bad_rows_are_refused(change: Columns, message: str) -> None:
    """A bad cell raises DataError saying what was wrong."""
    columns: Columns = {
        "respondent_id": ["R1", "R2"],
        "feature": ["radio", "radio"],
        "functional": [1, 2],
        "dysfunctional": [3, 4],
        "importance": [5.0, 6.0],
    }
    with pytest.raises(DataError, match=message):
        kano_analyze(pd.DataFrame({**columns, **change}))


def test_missing_column_is_named() -> None:
    """A frame without a needed column says which and what it has."""
    frame = pd.DataFrame({"respondent_id": ["R1"], "feature": ["radio"]})
    with pytest.raises(DataError, match="'functional', 'dysfunctional'"):
        kano_analyze(frame)
    assert KANO_COLUMNS[0] == "respondent_id"


def test_bad_arguments_are_refused_before_reading() -> None:
    """A bad table, rule or frame is refused as analyze() refuses it."""
    frame = pd.DataFrame(
        {c: [] for c in KANO_COLUMNS},
    )
    with pytest.raises(ArgumentTypeError):
        kano_analyze(frame, table="standard")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rule"):
        kano_analyze(frame, rule="majority")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError):
        kano_analyze([{"feature": "radio"}])
    assert kano_analyze(frame) == ()
