"""RFM scores and segments of a dataframe summary, written once in narwhals.

The dataframe twin of :func:`customer_centric.value.rfm_scores` and
:func:`customer_centric.value.rfm_segments`: the same edges (from
:func:`customer_centric.value.quantile_edges`), the same ``(lower, upper]``
bins, the same rules, so both paths give every customer the same scores
and segment. Only the three measure columns are read into Python, to find
the edges; the scores and segments are expressions the back-end evaluates,
and a lazy frame stays lazy.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Sequence
from typing import Final

import narwhals as nw
from narwhals.typing import IntoFrameT

from customer_centric._checks import check_instance
from customer_centric.exceptions import DataError
from customer_centric.frames._rfm import (
    _back,
    _check_columns,
    _check_names,
    _Lazy,
    _to_lazy,
)
from customer_centric.value import (
    DEFAULT_SEGMENT_RULES,
    OTHERS,
    SegmentRule,
    check_segment_rules,
    quantile_edges,
)

__all__ = ["rfm_segments"]

_SINCE_LAST: Final = "__cc_since_last"
_SCORES: Final = ("r_score", "f_score", "m_score")


def _check_numeric(frame: _Lazy, columns: Sequence[str]) -> None:
    schema = frame.collect_schema()
    for column in columns:
        if not schema[column].is_numeric():
            msg = (
                f"{column!r} must be numeric, got {schema[column]}; cast it "
                "to a number (frames.rfm_summary writes Float64)"
            )
            raise DataError(msg)


def _measure_values(frame: _Lazy, column: str) -> list[float]:
    """A measure's values, checked finite: the edges are computed on them."""
    values = frame.select(nw.col(column)).collect().get_column(column)
    numbers = values.to_list()
    bad = [v for v in numbers if v is None or not math.isfinite(v)]
    if bad:
        shown = "T - recency" if column == _SINCE_LAST else column
        msg = (
            f"{shown!r} holds {len(bad)} missing or non-finite value(s) "
            f"(e.g. {bad[0]!r}); RFM scores need a finite number for every "
            "customer: drop or fill those rows first"
        )
        raise DataError(msg)
    return [float(v) for v in numbers]


def _score(column: str, edges: Sequence[float], *, higher: bool) -> nw.Expr:
    """One plus the number of edges strictly below the value (reversed)."""
    above = [(nw.col(column) > edge).cast(nw.Int64) for edge in edges]
    score = functools.reduce(operator.add, above, nw.lit(1, nw.Int64))
    if higher:
        return score
    return len(edges) + 2 - score


def _matches(rule: SegmentRule) -> nw.Expr:
    ranges = (rule.recency, rule.frequency, rule.monetary)
    tests = [
        (nw.col(name) >= low) & (nw.col(name) <= high)
        for name, bounds in zip(_SCORES, ranges, strict=True)
        if bounds is not None
        for low, high in [bounds]
    ]
    return functools.reduce(operator.and_, tests, nw.lit(value=True))


def _segment(rules: Sequence[SegmentRule]) -> nw.Expr:
    """The first matching rule's segment, else :data:`OTHERS`."""
    named: nw.Expr = nw.lit(OTHERS, nw.String)
    for rule in reversed(rules):
        named = (
            nw.when(_matches(rule))
            .then(nw.lit(rule.segment, nw.String))
            .otherwise(named)
        )
    return named


def rfm_segments(
    summary: IntoFrameT,
    /,
    *,
    customer_id_col: str = "customer_id",
    bins: int = 5,
    rules: Sequence[SegmentRule] = DEFAULT_SEGMENT_RULES,
    recency_breaks: Sequence[float] | None = None,
    frequency_breaks: Sequence[float] | None = None,
    monetary_breaks: Sequence[float] | None = None,
) -> IntoFrameT:
    """RFM scores and the segment of every customer of a summary frame.

    Takes what :func:`customer_centric.frames.rfm_summary` returns (built
    with an amount column): ``frequency``, ``recency``, ``T`` and
    ``monetary_value`` per customer. Recency is scored on the time since
    the last purchase, ``T - recency``; see
    :func:`customer_centric.value.rfm_scores` for the conventions and
    :data:`customer_centric.value.DEFAULT_SEGMENT_RULES` for the map.

    Args:
        summary: The summary frame (pandas, polars, pyarrow, DuckDB, ...).
        customer_id_col: Its customer id column.
        bins: How many scores per measure, at least 2.
        rules: The segment map; rules must not overlap.
        recency_breaks: ``bins - 1`` increasing edges of ``T - recency``.
        frequency_breaks: ``bins - 1`` increasing edges of ``frequency``.
        monetary_breaks: ``bins - 1`` increasing edges of
            ``monetary_value``.

    Returns:
        A frame of the same kind with one row per customer: the id,
        ``r_score``, ``f_score``, ``m_score`` and ``segment``, in the
        summary's row order.

    Raises:
        DataError: A column is missing, the summary is empty, or a measure
            is missing or not finite somewhere.
        PolicyError: Two rules overlap.
        InvariantError: Wrong ``bins`` or breaks, as
            :func:`customer_centric.value.quantile_scores`.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> import polars as pl
        >>> from customer_centric.frames import rfm_segments
        >>> from customer_centric.value import SegmentRule
        >>> summary = pl.DataFrame({
        ...     "customer_id": ["ana", "bo", "cy"],
        ...     "frequency": [4, 0, 1],
        ...     "recency": [30.0, 0.0, 10.0],
        ...     "T": [33.0, 40.0, 28.0],
        ...     "monetary_value": [20.0, 0.0, 80.0]})
        >>> best = SegmentRule(segment="Best", recency=(2, 2),
        ...                    frequency=(2, 2))
        >>> rfm_segments(summary, bins=2, rules=[best]).rows()
        [('ana', 2, 2, 1, 'Best'), ('bo', 1, 1, 1, 'Others'), \
('cy', 2, 1, 2, 'Others')]

    .. versionadded:: 0.2
    """
    _check_names(customer_id_col=customer_id_col)
    checked_rules = check_segment_rules(rules)
    check_instance(bins, int, name="bins")
    frame = _to_lazy(summary)
    measures = ("frequency", "recency", "T", "monetary_value")
    _check_columns(
        frame,
        [customer_id_col, *measures],
        hint=(
            "Pass a summary from customer_centric.frames.rfm_summary built "
            "with monetary_value_col, and its customer_id_col"
        ),
    )
    _check_numeric(frame, measures)
    frame = frame.with_columns(
        (nw.col("T") - nw.col("recency")).alias(_SINCE_LAST)
    )
    scored = (
        (_SINCE_LAST, recency_breaks, False),
        ("frequency", frequency_breaks, True),
        ("monetary_value", monetary_breaks, True),
    )
    scores = [
        _score(
            column,
            quantile_edges(
                _measure_values(frame, column), bins=bins, breaks=breaks
            ),
            higher=higher,
        ).alias(name)
        for (column, breaks, higher), name in zip(scored, _SCORES, strict=True)
    ]
    result = frame.select(nw.col(customer_id_col), *scores).with_columns(
        _segment(checked_rules).alias("segment")
    )
    return _back(result, summary)
