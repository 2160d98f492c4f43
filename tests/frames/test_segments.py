"""frames.rfm_segments: the dataframe twin of value.rfm_scores/rfm_segments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric import value
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
    PolicyError,
)
from customer_centric.frames import rfm_segments
from customer_centric.value import SegmentRule

Columns = dict[str, list[Any]]

EAGER: dict[str, Callable[[Columns], object]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "pyarrow": pa.table,
}


def _columns(summary: value.RFMSummary) -> Columns:
    assert summary.monetary_value is not None
    return {
        "customer_id": list(summary.customer_ids),
        "frequency": list(summary.frequency),
        "recency": list(summary.recency),
        "T": list(summary.T),
        "monetary_value": [float(m) for m in summary.monetary_value],
    }


def _rows(frame: object) -> list[tuple[Any, ...]]:
    rows = pl.from_pandas(frame) if isinstance(frame, pd.DataFrame) else frame
    if isinstance(rows, pa.Table):
        rows = pl.from_arrow(rows)
    assert isinstance(rows, pl.DataFrame)
    return rows.rows()


def _expected(
    summary: value.RFMSummary,
    bins: int = 5,
    **breaks: Sequence[float] | None,
) -> list[tuple[Any, ...]]:
    scores = value.rfm_scores(summary, bins=bins, **breaks)
    segments = value.rfm_segments(scores)
    return [
        (cid, *cell, segment)
        for cid, cell, segment in zip(
            scores.customer_ids,
            scores.cells(),
            segments.segments,
            strict=True,
        )
    ]


def _cdnow() -> value.RFMSummary:
    return value.rfm_summary(
        load_cdnow_sample(),
        observation_end=date(1997, 9, 30),
        time_unit="W",
        on_late="drop",
    )


@pytest.mark.parametrize("kind", sorted(EAGER))
def test_cdnow_segments_match_the_record_path(kind: str) -> None:
    """Every CDNOW customer gets the same scores and segment on each path."""
    summary = _cdnow()
    frame = EAGER[kind](_columns(summary))
    found = _rows(rfm_segments(frame))
    assert found == _expected(summary)
    assert {row[-1] for row in found} >= {"Champions", "Lost", "At risk"}


def test_lazy_frames_stay_lazy_and_agree() -> None:
    """A polars LazyFrame or DuckDB relation comes back unevaluated."""
    summary = _cdnow()
    lazy = pl.DataFrame(_columns(summary)).lazy()
    result = rfm_segments(lazy)
    assert isinstance(result, pl.LazyFrame)
    assert result.collect().rows() == _expected(summary)
    relation = duckdb.from_arrow(pl.DataFrame(_columns(summary)).to_arrow())
    scored = rfm_segments(relation)
    assert isinstance(scored, duckdb.DuckDBPyRelation)
    assert sorted(scored.fetchall()) == sorted(_expected(summary))


@st.composite
def summaries(draw: st.DrawFn) -> value.RFMSummary:
    """Small RFM summaries with many ties, as real ones have."""
    n = draw(st.integers(1, 25))
    frequency = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    t = draw(st.lists(st.integers(1, 40), min_size=n, max_size=n))
    recency = [
        0.0 if f == 0 else float(draw(st.integers(0, ti)))
        for f, ti in zip(frequency, t, strict=True)
    ]
    spend = draw(
        st.lists(st.sampled_from([0, 5, 12.5, 40]), min_size=n, max_size=n)
    )
    return value.RFMSummary(
        customer_ids=tuple(f"C{i}" for i in range(n)),
        frequency=tuple(frequency),
        recency=tuple(recency),
        T=tuple(float(x) for x in t),
        monetary_value=tuple(Decimal(str(s)) for s in spend),
        observation_end=date(2024, 12, 31),
        time_unit="D",
        first_purchase_counts=False,
    )


@given(summaries(), st.integers(2, 6))
def test_any_summary_scores_alike_on_both_paths(
    summary: value.RFMSummary, bins: int
) -> None:
    """The quantile edges, the ties and the rules agree to the last bit."""
    frame = pl.DataFrame(_columns(summary))
    assert _rows(rfm_segments(frame, bins=bins)) == _expected(summary, bins)


def test_given_breaks_score_alike_on_both_paths() -> None:
    """Caller-given breaks replace the quantiles on both paths."""
    summary = _cdnow()
    breaks: dict[str, Sequence[float] | None] = {
        "recency_breaks": [4, 8, 16, 32],
        "frequency_breaks": [0, 1, 2, 5],
        "monetary_breaks": [10, 20, 40, 80],
    }
    frame = pl.DataFrame(_columns(summary))
    assert _rows(rfm_segments(frame, **breaks)) == _expected(summary, **breaks)


def test_a_callers_rules_name_the_segments() -> None:
    """Rules are data; unmatched customers are Others, never dropped."""
    frame = pl.DataFrame(_columns(_cdnow()))
    rules = [SegmentRule(segment="Best", recency=(2, 2), frequency=(2, 2))]
    found = rfm_segments(frame, bins=2, rules=rules)
    assert set(found["segment"]) == {"Best", value.OTHERS}
    assert found.height == frame.height


FRAME = pl.DataFrame(
    {
        "customer_id": ["a", "b"],
        "frequency": [1, 0],
        "recency": [3.0, 0.0],
        "T": [5.0, 4.0],
        "monetary_value": [10.0, 0.0],
    }
)


@pytest.mark.parametrize(
    ("frame", "kwargs", "error", "message"),
    [
        (FRAME.drop("T"), {}, DataError, r"missing column\(s\) \['T'\]"),
        (FRAME.head(0), {}, DataError, "values is empty"),
        (
            FRAME.with_columns(pl.lit("x").alias("frequency")),
            {},
            DataError,
            "'frequency' must be numeric, got String",
        ),
        (
            FRAME.with_columns(pl.Series("T", [5.0, None])),
            {},
            DataError,
            "'T - recency' holds 1 missing",
        ),
        (
            FRAME.with_columns(
                pl.Series("monetary_value", [1.0, float("nan")])
            ),
            {},
            DataError,
            "'monetary_value' holds 1 missing or non-finite value",
        ),
        (FRAME, {"bins": 1}, InvariantError, "bins must be from 2 to 1000"),
        (FRAME, {"bins": 2.0}, ArgumentTypeError, "bins must be an int"),
        (
            FRAME,
            {"frequency_breaks": [2, 1, 3, 4]},
            InvariantError,
            "must be strictly increasing",
        ),
        (
            FRAME,
            {
                "rules": [
                    SegmentRule(segment="A", recency=(1, 3)),
                    SegmentRule(segment="B", recency=(3, 5)),
                ]
            },
            PolicyError,
            "overlap",
        ),
        (FRAME, {"customer_id_col": 3}, ArgumentTypeError, "customer_id_col"),
        ([1, 2], {}, ArgumentTypeError, "frame must be a dataframe"),
    ],
)
def test_unusable_input_is_refused_with_the_reason(
    frame: object, kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Each problem raises our error, naming it; nothing half-computed."""
    with pytest.raises(error, match=message):
        rfm_segments(frame, **kwargs)
