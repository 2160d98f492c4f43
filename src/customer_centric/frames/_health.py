"""Health scores of a whole customer base, on a dataframe, in narwhals.

The dataframe twin of :func:`customer_centric.risk.score_health`: one row
per customer, one column per measure, and the same arithmetic written as
narwhals expressions, term by term in card order, so each row gets the very
score (to the last bit) and band the record path gives.
"""

from __future__ import annotations

from typing import Any, Final, TypeAlias

import narwhals as nw
from narwhals.typing import IntoFrameT

from customer_centric import LifecycleStage
from customer_centric._checks import check_instance
from customer_centric.exceptions import DataError
from customer_centric.frames._rfm import _check_columns, _from_native
from customer_centric.risk import (
    BAND_POINTS,
    MAX_MEASURE_VALUE,
    HealthProfile,
    Measure,
    RiskDirection,
    RiskLevel,
    Scorecard,
)

__all__ = ["score_health"]

SCORE: Final = "health_score"
BAND: Final = "health_band"
PROFILE: Final = "health_profile"
_Frame: TypeAlias = "nw.DataFrame[Any] | nw.LazyFrame[Any]"
# Larger than any points, so a measure left out is never the lowest.
_NEVER_LOWEST: Final = 1e300
_RANK: Final = {level: level.rank for level in RiskLevel}
_STAGES: Final = tuple(stage.value for stage in LifecycleStage)


def _when(
    condition: nw.Expr, then: nw.Expr | float, otherwise: nw.Expr | float
) -> nw.Expr:
    return nw.when(condition).then(then).otherwise(otherwise)


def _rank(measure: Measure, value: nw.Expr) -> nw.Expr:
    """The band's rank (1 green to 3 red), as ``Measure.level`` grades."""
    if measure.direction is RiskDirection.HIGHER_IS_WORSE:
        red, amber = value >= measure.red, value >= measure.amber
    else:
        red, amber = value <= measure.red, value <= measure.amber
    return _when(
        red,
        _RANK[RiskLevel.RED],
        _when(amber, _RANK[RiskLevel.AMBER], _RANK[RiskLevel.GREEN]),
    )


def _points(measure: Measure, value: nw.Expr, rank: nw.Expr) -> nw.Expr:
    """The points, as ``Measure.points`` computes them."""
    if measure.best is None or measure.worst is None:
        return _when(
            rank == _RANK[RiskLevel.RED],
            BAND_POINTS[RiskLevel.RED],
            _when(
                rank == _RANK[RiskLevel.AMBER],
                BAND_POINTS[RiskLevel.AMBER],
                BAND_POINTS[RiskLevel.GREEN],
            ),
        )
    raw = (nw.lit(measure.worst) - value) * measure.points_per_unit
    return raw.clip(0.0, 100.0)


def _parts(
    profile: HealthProfile,
) -> list[tuple[Measure, nw.Expr, nw.Expr, nw.Expr]]:
    """Each measure's (counted, points, rank), missing values applied."""
    red = profile.missing == "red"
    parts = []
    for measure in profile.measures:
        value = nw.col(measure.name).cast(nw.Float64)
        present = ~value.is_null()
        rank = _rank(measure, value)
        points = _when(present, _points(measure, value, rank), 0.0)
        missing_rank = _RANK[RiskLevel.RED] if red else 0
        # Always a column, even when every row counts: see _weight().
        counted = (present | ~present) if red else present
        parts.append(
            (measure, counted, points, _when(present, rank, missing_rank))
        )
    return parts


def _weight(counted: nw.Expr, weight: float) -> nw.Expr:
    """``weight`` where ``counted``, else 0.0: a column, never a scalar.

    A back-end may divide by a divisor it sees as one value through its
    reciprocal (polars does when a when/then of literals comes out
    uniform), which can differ from a true division in the last bit; a
    boolean column times the weight (exactly ``weight`` or 0.0) stays a
    column, divided row by row as the record path divides.
    """
    return counted.cast(nw.Float64) * weight


def _band_name(rank: nw.Expr) -> nw.Expr:
    return _when(
        rank == _RANK[RiskLevel.RED],
        nw.lit(RiskLevel.RED.value),
        _when(
            rank == _RANK[RiskLevel.AMBER],
            nw.lit(RiskLevel.AMBER.value),
            nw.lit(RiskLevel.GREEN.value),
        ),
    )


def _profile_exprs(profile: HealthProfile) -> tuple[nw.Expr, ...]:
    """(score, band, measures counted) of one profile, per row."""
    parts = _parts(profile)
    counted_total = nw.lit(0)
    for _, counted, _, _ in parts:
        counted_total = counted_total + _when(counted, 1, 0)
    if profile.combine == "worst_of":
        score = nw.min_horizontal(
            *(_when(c, p, _NEVER_LOWEST) for _, c, p, _ in parts)
        )
        band = _band_name(nw.max_horizontal(*(r for *_, r in parts)))
        return score, band, counted_total
    card_total = nw.lit(0.0)
    card_weights = nw.lit(0.0)
    for group in profile.groups:
        total = nw.lit(0.0)
        weights = nw.lit(0.0)
        for measure, counted, points, _ in parts:
            if measure in group.measures:
                total = total + _when(counted, measure.weight * points, 0.0)
                weights = weights + _weight(counted, measure.weight)
        card_total = card_total + _when(
            weights > 0.0, group.weight * (total / weights), 0.0
        )
        card_weights = card_weights + _weight(weights > 0.0, group.weight)
    score = (card_total / card_weights).clip(0.0, 100.0)
    band = _when(
        score >= profile.green_at,
        nw.lit(RiskLevel.GREEN.value),
        _when(
            score >= profile.amber_at,
            nw.lit(RiskLevel.AMBER.value),
            nw.lit(RiskLevel.RED.value),
        ),
    )
    return score, band, counted_total


def _by_stage(
    card: Scorecard, stage: nw.Expr | None
) -> tuple[nw.Expr, nw.Expr, nw.Expr, nw.Expr]:
    """(score, band, profile name, measures counted) of each row's profile."""
    score, band, counted = _profile_exprs(card.profile)
    name = nw.lit("default")
    if stage is None:
        return score, band, name, counted
    for key, profile in card.stages.items():
        this = stage == key.value
        s, b, c = _profile_exprs(profile)
        score, band, counted = (
            _when(this, s, score),
            _when(this, b, band),
            _when(this, c, counted),
        )
        name = _when(this, nw.lit(key.value), name)
    return score, band, name, counted


def _one_row(frame: _Frame, **exprs: nw.Expr) -> dict[str, Any]:
    result = frame.select(**exprs)
    if isinstance(result, nw.LazyFrame):
        result = result.collect()
    return dict(zip(exprs, result.rows()[0], strict=True))


def _check_schema(
    frame: _Frame, names: list[str], stage_col: str | None
) -> None:
    """The measure (and stage) columns exist, are numeric, and no clash."""
    lazy = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    schema = _check_columns(
        lazy,
        [*names, *([stage_col] if stage_col is not None else [])],
        hint="Name each measure's column after the measure, or rename them",
    )
    clash = [c for c in (SCORE, BAND, PROFILE) if c in schema]
    if clash:
        msg = (
            f"the frame already has column(s) {clash!r}, which the scores "
            "are written to; rename or drop them first"
        )
        raise DataError(msg)
    # A polars column of nulls alone has no type (Unknown): all missing.
    wrong = {
        n: str(schema[n])
        for n in names
        if not (schema[n].is_numeric() or schema[n] == nw.Unknown)
    }
    if wrong:
        msg = (
            f"measure column(s) {wrong!r} are not numeric; store numbers "
            "(null where not observed)"
        )
        raise DataError(msg)


def _row_checks(
    card: Scorecard, names: list[str], stage: nw.Expr | None
) -> dict[str, nw.Expr]:
    """Counts of bad values, unknown stages and rows with nothing to score."""
    checks: dict[str, nw.Expr] = {}
    for name in names:
        value = nw.col(name).cast(nw.Float64)
        bad = (~value.is_null() & ~value.is_finite()) | (
            value.abs() > MAX_MEASURE_VALUE
        )
        checks[name] = bad.fill_null(value=False).cast(nw.Int64).sum()
    if stage is not None:
        unknown = ~stage.is_null() & ~stage.is_in(_STAGES)
        checks["__cc_stage"] = unknown.cast(nw.Int64).sum()
    in_use = card.stages.values() if stage is not None else ()
    if any(p.missing == "reweight" for p in (card.profile, *in_use)):
        # Only a profile that leaves missing values out can find nothing.
        counted = _by_stage(card, stage)[3]
        checks["__cc_empty"] = (counted == 0).cast(nw.Int64).sum()
    return checks


def _check(frame: _Frame, card: Scorecard, stage_col: str | None) -> None:
    """Columns, types, values and stages, in one pass over the rows."""
    if stage_col is None:
        names = [m.name for m in card.profile.measures]
    else:
        names = list(card.measure_names)
    _check_schema(frame, names, stage_col)
    stage = None if stage_col is None else nw.col(stage_col).cast(nw.String)
    counts = _one_row(frame, **_row_checks(card, names, stage))
    for name in names:
        if counts[name]:
            msg = (
                f"{counts[name]} value(s) of measure {name!r} are NaN, "
                f"infinite or above {MAX_MEASURE_VALUE:g} in size; use null "
                "for a value not observed and fix the others"
            )
            raise DataError(msg)
    if counts.get("__cc_stage"):
        msg = (
            f"{counts['__cc_stage']} row(s) of {stage_col!r} hold a value "
            f"that is not a lifecycle stage; use one of {list(_STAGES)!r} or "
            "null for the default profile"
        )
        raise DataError(msg)
    if counts.get("__cc_empty"):
        msg = (
            f"{counts['__cc_empty']} row(s) have none of their profile's "
            "measures observed, and the card leaves missing values out: "
            "there is nothing to score; drop those rows, or set "
            "missing='red' on the profile"
        )
        raise DataError(msg)


def score_health(
    frame: IntoFrameT,
    /,
    *,
    card: Scorecard,
    stage_col: str | None = None,
) -> IntoFrameT:
    """Score every customer's health on a scorecard, over a dataframe.

    The dataframe twin of :func:`customer_centric.risk.score_health`, with
    the same rules (bands, points, weights, missing values, combination),
    giving each row exactly the score and band the record path gives. A
    null value is missing (pandas also holds a missing number as NaN, so
    there NaN is missing too; elsewhere NaN is refused). Trends need each
    customer's history: use the record path for them.

    Args:
        frame: One row per customer with a numeric column per measure,
            named after it: a pandas, polars or pyarrow table, or a polars
            LazyFrame (and other narwhals back-ends). Other columns are
            kept.
        card: The scorecard.
        stage_col: A column of lifecycle stage values (null for unknown)
            that picks each row's profile; without it every row is scored
            on the default profile.

    Returns:
        The frame with ``health_score`` (Float64, 0 to 100),
        ``health_band`` (``"green"``, ``"amber"`` or ``"red"``) and
        ``health_profile`` (the stage, or ``"default"``) added, rows in
        their order; lazy frames stay lazy.

    Raises:
        DataError: A measure's column is missing or not numeric, a value is
            not finite or too large, a stage is unknown, a score column
            already exists, or a row has nothing to score.
        ArgumentTypeError: ``frame`` is not a dataframe, ``card`` not a
            :class:`~customer_centric.risk.Scorecard` or ``stage_col`` not a
            string.

    Examples:
        >>> import polars as pl
        >>> from customer_centric.frames import score_health
        >>> from customer_centric.risk import (
        ...     HealthProfile, Measure, MeasureGroup, Scorecard)
        >>> card = Scorecard(name="retail", version=1, profile=HealthProfile(
        ...     groups=(MeasureGroup(name="usage", measures=(
        ...         Measure(name="logins", direction="lower_is_worse",
        ...                 amber=8, red=3),
        ...         Measure(name="tickets", direction="higher_is_worse",
        ...                 amber=2, red=5),)),)))
        >>> base = pl.DataFrame({"customer": ["A", "B", "C"],
        ...                      "logins": [12, 5, None],
        ...                      "tickets": [0, 6, 3]})
        >>> score_health(base, card=card).select(
        ...     "customer", "health_score", "health_band")
        shape: (3, 3)
        ┌──────────┬──────────────┬─────────────┐
        │ customer ┆ health_score ┆ health_band │
        │ ---      ┆ ---          ┆ ---         │
        │ str      ┆ f64          ┆ str         │
        ╞══════════╪══════════════╪═════════════╡
        │ A        ┆ 100.0        ┆ green       │
        │ B        ┆ 25.0         ┆ red         │
        │ C        ┆ 50.0         ┆ amber       │
        └──────────┴──────────────┴─────────────┘

    .. versionadded:: 0.2
    """
    check_instance(card, Scorecard, name="card")
    if stage_col is not None:
        check_instance(stage_col, str, name="stage_col", what="a column name")
    native: _Frame = _from_native(frame)  # type: ignore[assignment]
    _check(native, card, stage_col)
    stage = None if stage_col is None else nw.col(stage_col).cast(nw.String)
    score, band, name, _ = _by_stage(card, stage)
    result = native.with_columns(
        score.cast(nw.Float64).alias(SCORE),
        band.alias(BAND),
        name.alias(PROFILE),
    )
    return result.to_native()  # type: ignore[no-any-return]
