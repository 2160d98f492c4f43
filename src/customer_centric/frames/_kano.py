"""Kano analysis of a dataframe of answers, written in narwhals.

The record path parses each answer into a
:class:`~customer_centric.kano.KanoResponse` (about 1.6 KB a row, so
10⁶ respondents × 20 features need about 31 GB; issue 10). Here the frame
is reduced by the back-end to one count per (feature, functional answer,
dysfunctional answer, importance), and each feature's result is built from
those counts by :meth:`~customer_centric.kano.KanoFeatureResult.from_counts`,
as :func:`customer_centric.kano.analyze` builds it from the records: the
same results in memory bounded by the distinct answers.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import attrs
import narwhals as nw

from customer_centric._checks import check_instance
from customer_centric.exceptions import DataError
from customer_centric.frames._rfm import _check_columns
from customer_centric.frames._sla import _eager
from customer_centric.kano import (
    FONG_Z,
    STANDARD_TABLE,
    KanoAnswer,
    KanoCategory,
    KanoCounts,
    KanoFeatureResult,
    KanoScore,
    KanoTable,
    continuous_score,
    decide_category,
)

if TYPE_CHECKING:
    from customer_centric.kano import KanoDecisionRule

__all__ = ["KANO_COLUMNS", "kano_analyze"]

KANO_COLUMNS: Final = (
    "respondent_id",
    "feature",
    "functional",
    "dysfunctional",
)
"""The columns :func:`kano_analyze` needs; ``importance`` is optional."""

_HINT: Final = (
    "Give one row per respondent and feature, with the answers as "
    "like/must_be/neutral/live_with/dislike or the codes 1 to 5."
)


@attrs.define
class _Feature:
    """One feature's tallies, filled group by group."""

    first: int
    categories: Counter[KanoCategory] = attrs.Factory(Counter)
    respondents: int = 0
    functional: float = 0.0
    dysfunctional: float = 0.0
    importance: Counter[float] = attrs.Factory(Counter)


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = (
            f"feature names must be non-blank text, got {value!r}; name "
            "every feature"
        )
        raise DataError(msg)
    return value.strip()


def _answer(value: object, column: str) -> KanoAnswer:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # pandas stores codes with gaps as floats
    if not isinstance(value, KanoAnswer | int | str):
        msg = (
            f"unknown Kano answer {value!r} in column {column!r}; use like, "
            "must_be, neutral, live_with or dislike, or the codes 1 to 5"
        )
        raise DataError(msg)
    try:
        return KanoAnswer.parse(value)
    except ValueError as exc:
        msg = f"{exc} (column {column!r})"
        raise DataError(msg) from exc


def _importance(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"importance must be a number >= 0, got {value!r}"
        raise DataError(msg)
    number = float(value)
    if not 0 <= number < math.inf:
        msg = (
            f"importance must be a finite number >= 0, got {value!r}; leave "
            "it empty if the respondent did not rate it"
        )
        raise DataError(msg)
    return number


def _mean(values: Counter[float]) -> float | None:
    """``fsum(values) / len(values)`` of the values counted, exactly."""
    count = sum(values.values())
    if not count:
        return None
    try:
        return float(sum(Fraction(v) * n for v, n in values.items())) / count
    except OverflowError:
        return float(sum(Fraction(v / count) * n for v, n in values.items()))


def _check_ids(data: nw.DataFrame[Any]) -> None:
    ids = nw.col("respondent_id")
    blank = data.filter(
        ids.is_null() | (ids.cast(nw.String).str.strip_chars() == "")
    )
    if len(blank):
        msg = (
            f"{len(blank)} row(s) have no respondent_id; give every row "
            "the respondent's id"
        )
        raise DataError(msg)


def kano_analyze(
    frame: object,
    /,
    *,
    table: KanoTable = STANDARD_TABLE,
    rule: KanoDecisionRule = "mode",
    z: float = FONG_Z,
) -> tuple[KanoFeatureResult, ...]:
    """Analyse a Kano survey held in a dataframe, in bounded memory.

    The same results as :func:`customer_centric.kano.analyze` on the rows
    as :class:`~customer_centric.kano.KanoResponse` records, one per
    feature in order of first appearance; the back-end counts the rows, so
    memory grows with the distinct answers, not with the respondents.

    Args:
        frame: An eager pandas, polars or pyarrow frame with the columns
            :data:`KANO_COLUMNS` and optionally ``importance`` (empty where
            the respondent gave none).
        table: The evaluation table.
        rule: How to decide each feature's category (see
            :func:`customer_centric.kano.decide_category`).
        z: The critical value of Fong's test.

    Returns:
        One result per feature.

    Raises:
        DataError: A column is missing, a feature name or respondent id is
            blank, an answer is unknown or an importance is negative or
            not finite.
        ArgumentTypeError: ``frame`` is not an eager dataframe.

    Examples:
        >>> import pandas as pd
        >>> from customer_centric.frames import kano_analyze
        >>> answers = pd.DataFrame({
        ...     "respondent_id": ["R1", "R2", "R3", "R4"],
        ...     "feature": ["shampoo"] * 4,
        ...     "functional": [1, 1, 1, 3],
        ...     "dysfunctional": [3, 3, 5, 3],
        ...     "importance": [5, 5, 5, 5]})
        >>> (result,) = kano_analyze(answers)
        >>> result.category.source_name, result.coefficients.better
        ('excitement', 0.75)
        >>> result.mean_score
        KanoScore(functional=3.0, dysfunctional=1.0)

    .. versionadded:: 0.2
    """
    check_instance(table, KanoTable, name="table")
    # The rule and z are checked here, before the frame is read, as
    # analyze() checks them before reading the responses.
    decide_category(KanoCounts(indifferent=1), rule=rule, z=z)
    data = _eager(frame)
    schema = _check_columns(data.lazy(), KANO_COLUMNS, hint=_HINT)
    _check_ids(data)
    keys = list(KANO_COLUMNS[1:])
    if "importance" in schema:
        keys.append("importance")
    groups = (
        data.with_row_index("_row")
        .group_by(keys)
        .agg(nw.len().alias("_n"), nw.col("_row").min().alias("_first"))
    )
    features: dict[str, _Feature] = {}
    for row in groups.iter_rows(named=True):
        name = _name(row["feature"])
        functional = _answer(row["functional"], "functional")
        dysfunctional = _answer(row["dysfunctional"], "dysfunctional")
        importance = _importance(row.get("importance"))
        n = int(row["_n"])
        found = features.setdefault(name, _Feature(first=row["_first"]))
        found.first = min(found.first, int(row["_first"]))
        found.categories[table.classify(functional, dysfunctional)] += n
        found.respondents += n
        score = continuous_score(functional, dysfunctional)
        found.functional += score.functional * n
        found.dysfunctional += score.dysfunctional * n
        if importance is not None:
            found.importance[importance] += n
    return tuple(
        KanoFeatureResult.from_counts(
            name,
            KanoCounts(**{c.value: n for c, n in found.categories.items()}),
            mean_score=KanoScore(
                functional=found.functional / found.respondents,
                dysfunctional=found.dysfunctional / found.respondents,
            ),
            mean_importance=_mean(found.importance),
            rule=rule,
            z=z,
        )
        for name, found in sorted(
            features.items(), key=lambda item: item[1].first
        )
    )
