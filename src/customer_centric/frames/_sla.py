"""The SLA attainment report of a dataframe of clocks, written in narwhals.

The frame holds one row per SLA clock, as
:func:`customer_centric.complaints.clock_rows` produces them; the checks
run in narwhals on any back-end, and each (metric, priority) group goes
through :func:`customer_centric.complaints.attainment_row`, the rule the
pure-Python :func:`customer_centric.complaints.attainment` uses too.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any, Final, TypeAlias, cast

import narwhals as nw
from narwhals.typing import IntoDataFrameT

from customer_centric.complaints import (
    AttainmentRow,
    DeadlineStatus,
    Priority,
    attainment_row,
)
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.frames._rfm import _check_columns, _from_native

__all__ = ["sla_attainment"]

CLOCK_COLUMNS: Final = (
    "metric",
    "priority",
    "status",
    "stopped",
    "elapsed_seconds",
)
_MAX_SHOWN: Final = 5
_Group: TypeAlias = tuple[list[DeadlineStatus], list[timedelta]]
_SCHEMA: Final = {
    "metric": nw.String(),
    "priority": nw.String(),
    "met": nw.Int64(),
    "breached": nw.Int64(),
    "running": nw.Int64(),
    "attainment": nw.Float64(),
    "median_seconds": nw.Float64(),
    "p90_seconds": nw.Float64(),
}


def _eager(frame: object) -> nw.DataFrame[Any]:
    native = _from_native(frame)
    if not isinstance(native, nw.DataFrame):
        raise ArgumentTypeError.for_argument(
            "frame",
            frame,
            "an eager dataframe (pandas, polars, pyarrow); collect a lazy "
            "frame first",
        )
    return native


def _shown(values: list[object]) -> str:
    return repr(sorted(values, key=repr)[:_MAX_SHOWN])


def _check_types(schema: nw.Schema) -> None:
    for column, wanted, test in (
        ("elapsed_seconds", "numbers", schema["elapsed_seconds"].is_numeric()),
        ("stopped", "booleans", schema["stopped"] == nw.Boolean),
    ):
        if not test:
            msg = (
                f"column {column!r} has type {schema[column]}; store "
                f"{wanted} in it"
            )
            raise DataError(msg)


def _check_values(clocks: nw.DataFrame[Any]) -> None:
    """Nulls, unknown statuses and priorities, negative times."""
    for column in CLOCK_COLUMNS:
        nulls = len(clocks.filter(nw.col(column).is_null()))
        if nulls:
            msg = (
                f"{nulls} clock row(s) have no {column!r}; drop those rows "
                f"or fill every column of {list(CLOCK_COLUMNS)!r}"
            )
            raise DataError(msg)
    for column, kind in (("status", DeadlineStatus), ("priority", Priority)):
        allowed = [member.value for member in kind]
        unknown = (
            clocks.filter(~nw.col(column).cast(nw.String).is_in(allowed))
            .get_column(column)
            .unique()
            .to_list()
        )
        if unknown:
            msg = (
                f"unknown {column} value(s) {_shown(unknown)}; the "
                f"{column} column takes {allowed!r}; map the others onto "
                "these before the report"
            )
            raise DataError(msg)
    seconds = nw.col("elapsed_seconds").cast(nw.Float64)
    bad = (
        clocks.filter(~(seconds.is_finite() & (seconds >= 0)))
        .get_column("elapsed_seconds")
        .to_list()
    )
    if bad:
        msg = (
            f"{len(bad)} clock row(s) have a negative or non-finite "
            f"elapsed_seconds, e.g. {_shown(bad)}; times are counted "
            "seconds >= 0, fix or drop those rows"
        )
        raise DataError(msg)


def _row(row: AttainmentRow) -> dict[str, object]:
    return {
        "metric": row.metric,
        "priority": row.priority.value,
        "met": row.met,
        "breached": row.breached,
        "running": row.running,
        "attainment": (
            None if row.attainment is None else float(row.attainment)
        ),
        "median_seconds": (
            None if row.median is None else row.median.total_seconds()
        ),
        "p90_seconds": None if row.p90 is None else row.p90.total_seconds(),
    }


def sla_attainment(frame: IntoDataFrameT, /) -> IntoDataFrameT:
    """Met / breached counts and times per metric and priority of a frame.

    The dataframe twin of :func:`customer_centric.complaints.attainment`:
    each group's row is
    :func:`customer_centric.complaints.attainment_row` of its clocks, so
    both reports follow one rule (``met`` and ``breached`` counted by
    status, every other clock ``running``, the median and the nearest-rank
    90th percentile of the stopped clocks' times).

    The frame has one row per clock, with these columns (others are
    ignored), as :func:`customer_centric.complaints.clock_rows` gives them:

    * ``metric``: the metric's name;
    * ``priority``: a :class:`~customer_centric.complaints.Priority` value;
    * ``status``: a :class:`~customer_centric.complaints.DeadlineStatus`
      value;
    * ``stopped``: whether the clock stopped (only stopped clocks' times
      count);
    * ``elapsed_seconds``: the counted time in seconds, >= 0.

    Args:
        frame: The clocks: an eager pandas, polars or pyarrow table. It is
            not changed.

    Returns:
        A frame of the same type with ``metric``, ``priority``, ``met``,
        ``breached``, ``running`` (Int64), ``attainment``,
        ``median_seconds`` and ``p90_seconds`` (Float64, null where
        :class:`~customer_centric.complaints.AttainmentRow` has ``None``),
        one row per metric and priority, by metric then priority rank.

    Raises:
        ArgumentTypeError: ``frame`` is not an eager dataframe.
        DataError: A column is missing, a value is missing, a status or
            priority is unknown, or a time is negative.

    Examples:
        >>> import polars as pl
        >>> from customer_centric.frames import sla_attainment
        >>> clocks = pl.DataFrame({
        ...     "metric": ["first_reply"] * 4,
        ...     "priority": ["low"] * 4,
        ...     "status": ["met", "met", "breached", "on_track"],
        ...     "stopped": [True, True, True, False],
        ...     "elapsed_seconds": [3600.0, 7200.0, 10800.0, 600.0]})
        >>> report = sla_attainment(clocks)
        >>> report.select("met", "breached", "running").row(0)
        (2, 1, 1)
        >>> report.select("attainment", "median_seconds", "p90_seconds").row(0)
        (0.6667, 7200.0, 10800.0)

    .. versionadded:: 0.2
    """
    clocks = _eager(frame)
    schema = _check_columns(
        clocks.lazy(),
        CLOCK_COLUMNS,
        hint=(
            "Build the frame from complaints.clock_rows() or rename the "
            "columns"
        ),
    )
    _check_types(schema)
    clocks = clocks.select(*CLOCK_COLUMNS)
    _check_values(clocks)
    groups: dict[tuple[str, str], _Group] = defaultdict(lambda: ([], []))
    for metric, priority, status, stopped, elapsed in clocks.rows():
        statuses, times = groups[str(metric), str(priority)]
        statuses.append(DeadlineStatus(status))
        if stopped:
            times.append(timedelta(seconds=float(elapsed)))
    rows = [
        _row(attainment_row(metric, Priority(priority), statuses=s, times=t))
        for (metric, priority), (s, t) in sorted(
            groups.items(),
            key=lambda item: (item[0][0], Priority(item[0][1]).rank),
        )
    ]
    columns = {name: [row[name] for row in rows] for name in _SCHEMA}
    result = nw.from_dict(
        columns, schema=_SCHEMA, backend=clocks.implementation
    )
    return cast("IntoDataFrameT", result.to_native())
