"""Time-varying covariates laid on each customer's own clock.

A long table of covariates (one row per customer and period: the
customer's id, the period's first day, and named numeric columns) gives
each customer a step function of calendar time: a row's values hold from
its period's first day to the next period's first day. Every customer
needs a row for every period of one shared calendar grid (as CLVTools'
``SetDynamicCovariates`` asks), and the last period lasts as long as the
one before it.

:func:`covariate_paths` reads the table and a transaction log and cuts
each customer's calibration span ``[0, T]`` (time from the first purchase
day, in the log's time unit, as in :func:`~customer_centric.value.
rfm_summary`) into the pieces over which the covariates are constant,
split at the last purchase ``t_x``; it also sums the covariates at each
repeat purchase (the likelihood's ``prod_j exp(gamma . z(t_j))`` term) and
keeps the periods after the calibration end, for predictions.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray, as_floats
from customer_centric._checks import check_instance
from customer_centric.exceptions import ArgumentTypeError, DataError

if TYPE_CHECKING:
    from customer_centric.clv._covariates import Covariates
    from customer_centric.value import TimeUnit, Transaction

__all__ = ["CovariatePaths", "covariate_paths"]

IntArray = npt.NDArray[np.intp]

_EPOCH: Final = date(1970, 1, 1)


@final
@attrs.frozen(kw_only=True, eq=False)
class Pieces:
    """Stretches of customers' clocks with constant covariates.

    Attributes:
        customer: Each piece's customer (index into the customers), the
            pieces of one customer consecutive and in time order.
        length: Each piece's length, in the time unit.
        after: Whether the piece lies after the customer's last purchase.
        values: The covariates on each piece, ``(pieces, covariates)``.
    """

    customer: IntArray
    length: FloatArray
    after: npt.NDArray[np.bool_]
    values: FloatArray


@final
@attrs.frozen(kw_only=True, eq=False)
class CovariatePaths:
    """Customers' histories with their time-varying covariates.

    Built by :func:`covariate_paths`; read by
    :func:`~customer_centric.clv.fit_pareto_nbd_dynamic` and the
    predictions of :class:`~customer_centric.clv.ParetoNbdDynamicFit`.

    Attributes:
        customer_ids: The customers, sorted (as in the RFM summary).
        frequency: Repeat purchase days ``x`` per customer.
        recency: Time of the last repeat purchase ``t_x``.
        T: Time from the first purchase to the calibration end.
        names: The covariates' names, the columns of the arrays below.
        calibration: The pieces of ``[0, T]`` (see the module).
        purchase_sums: Per customer, the sum of the covariates at their
            repeat purchases, ``(customers, covariates)``.
        future: The pieces from ``T`` to the end of the covariate table.
        horizon: How far past the calibration end the table reaches, in
            the time unit (the longest prediction it supports).
        calibration_end: The last day of the calibration period.
        days_per_unit: The time unit's length in days.

    .. versionadded:: 0.2
    """

    customer_ids: tuple[str, ...]
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    names: tuple[str, ...]
    calibration: Pieces
    purchase_sums: FloatArray
    future: Pieces
    horizon: float
    calibration_end: date
    days_per_unit: float

    @property
    def n_customers(self) -> int:
        """The number of customers."""
        return len(self.customer_ids)

    def columns(self, wanted: Sequence[str], /, *, role: str) -> IntArray:
        """The column of each wanted covariate; a clear error if absent."""
        missing = [w for w in wanted if w not in self.names]
        if missing:
            msg = (
                f"{role} names covariates {missing!r} that the table does "
                f"not have (it has {list(self.names)!r}); pass names of its "
                "columns"
            )
            raise DataError(msg)
        return np.array([self.names.index(w) for w in wanted], dtype=np.intp)

    def take(self, rows: npt.ArrayLike, /) -> CovariatePaths:
        """The customers at positions ``rows``, in that order.

        A position may repeat: the customer then appears as often, each
        time with their whole history and covariate path, as a bootstrap
        resample draws customers with replacement
        (:func:`~customer_centric.clv.bootstrap_interval` with
        ``paths=``). The ids keep the order of ``rows`` (so they need not
        be sorted or distinct); the calendar is unchanged.

        Args:
            rows: Positions of customers (whole numbers from 0 to
                ``n_customers - 1``), a sequence or a 1-d array.

        Returns:
            New paths; these are not changed.

        Raises:
            ArgumentTypeError: ``rows`` are not whole numbers.
            DataError: ``rows`` not 1-d, or a position out of range.

        Examples:
            >>> import datetime as dt
            >>> from customer_centric import Transaction
            >>> from customer_centric.clv import covariate_paths
            >>> day = dt.date(2024, 1, 1)
            >>> log = [
            ...     Transaction(customer_id=c, occurred_at=on)
            ...     for c, on in [
            ...         ("a", day),
            ...         ("a", dt.date(2024, 1, 10)),
            ...         ("b", dt.date(2024, 1, 4)),
            ...     ]
            ... ]
            >>> table = {
            ...     "customer_id": ["a", "a", "b", "b"],
            ...     "period_start": [day, day + dt.timedelta(7)] * 2,
            ...     "promo": [0.0, 1.0, 0.0, 1.0],
            ... }
            >>> paths = covariate_paths(
            ...     log, covariates=table, calibration_end=dt.date(2024, 1, 14)
            ... )
            >>> drawn = paths.take([1, 1, 0])
            >>> drawn.customer_ids, drawn.frequency.tolist()
            (('b', 'b', 'a'), [0.0, 0.0, 1.0])

        .. versionadded:: 0.2
        """
        index = _positions(rows, self.n_customers)
        return attrs.evolve(
            self,
            customer_ids=tuple(self.customer_ids[i] for i in index),
            frequency=self.frequency[index],
            recency=self.recency[index],
            T=self.T[index],
            calibration=_take(self.calibration, index, self.n_customers),
            purchase_sums=self.purchase_sums[index],
            future=_take(self.future, index, self.n_customers),
        )


def _positions(rows: npt.ArrayLike, n: int) -> IntArray:
    """``rows`` as customer positions, checked."""
    index = np.asarray(rows)
    if index.size == 0:
        index = index.astype(np.intp)
    if index.dtype.kind not in "iu":
        raise ArgumentTypeError.for_argument(
            "rows", rows, "positions of customers (whole numbers)"
        )
    if index.ndim != 1:
        msg = (
            f"rows must be one position per drawn customer (1-d), got an "
            f"array of shape {index.shape!r}"
        )
        raise DataError(msg)
    outside = (index < 0) | (index >= n)
    if outside.any():
        msg = (
            f"rows holds the position {int(index[outside][0])}, but the "
            f"paths have {n} customers; pass positions from 0 to {n - 1}"
        )
        raise DataError(msg)
    return index.astype(np.intp)


def _take(pieces: Pieces, index: IntArray, n: int) -> Pieces:
    """The pieces of the customers at ``index``, renumbered in its order.

    Each customer's pieces are consecutive and customers in order (as
    :func:`_pieces` stacks them), so a customer's pieces are the run from
    their first; a customer may have none (``T`` = 0).
    """
    counts = np.bincount(pieces.customer, minlength=n)
    first = np.cumsum(counts) - counts
    sizes = counts[index]
    ends = np.cumsum(sizes)
    within = np.arange(int(sizes.sum())) - np.repeat(ends - sizes, sizes)
    chosen = np.repeat(first[index], sizes) + within
    return Pieces(
        customer=np.repeat(np.arange(index.size, dtype=np.intp), sizes),
        length=pieces.length[chosen],
        after=pieces.after[chosen],
        values=pieces.values[chosen],
    )


# --------------------------------------------------------------------------
# Reading the table
# --------------------------------------------------------------------------


def _table_columns(table: object) -> dict[str, object]:
    """The columns of a mapping or a dataframe (through narwhals)."""
    if isinstance(table, Mapping):
        return {str(k): v for k, v in table.items()}
    try:
        import narwhals as nw  # noqa: PLC0415 - the [dataframe] extra
    except ImportError:  # pragma: no cover - the extra is in the test env
        raise _not_a_table(table) from None
    frame = nw.from_native(table, eager_only=True, pass_through=True)
    if not isinstance(frame, nw.DataFrame):
        raise _not_a_table(table)
    return {str(c): frame.get_column(c).to_numpy() for c in frame.columns}


def _not_a_table(table: object) -> ArgumentTypeError:
    return ArgumentTypeError.for_argument(
        "covariates",
        table,
        "a mapping of column name to values (one per row), or a dataframe "
        "(with the [dataframe] extra installed)",
    )


def _day(value: object, row: int, column: str) -> int:
    """A period start as days since 1970-01-01."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            value = None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            msg = (
                f"covariates[{column!r}] row {row} is the naive datetime "
                f"{value!r}; pass dates, or timezone-aware datetimes"
            )
            raise DataError(msg)
        value = value.date()
    if not isinstance(value, date):
        msg = (
            f"covariates[{column!r}] row {row} is {value!r}, not a date; "
            "pass dates (or ISO strings such as '2005-01-02')"
        )
        raise DataError(msg)
    return (value - _EPOCH).days


def _days(values: object, column: str) -> npt.NDArray[np.int64]:
    array = np.asarray(values)
    if array.dtype.kind == "M":
        days = array.astype("datetime64[D]")
        if (days != array).any():
            bad = array[days != array][0]
            msg = (
                f"covariates[{column!r}] holds {bad!r}, which is not the "
                "start of a day; periods start on days: pass dates"
            )
            raise DataError(msg)
        return days.astype(np.int64)
    flat = array.reshape(-1)
    if (
        flat.dtype.kind == "U"
        and (np.char.str_len(flat) == len("YYYY-MM-DD")).all()
    ):
        # ISO dates, parsed by numpy at once (others one by one, below).
        try:
            return flat.astype("datetime64[D]").astype(np.int64)
        except ValueError:
            pass
    return np.array(
        [_day(v, i, column) for i, v in enumerate(flat)],
        dtype=np.int64,
    )


@final
@attrs.frozen(kw_only=True, eq=False)
class _Grid:
    """The table pivoted: ``values[customer, period, covariate]``."""

    ids: tuple[str, ...]
    starts: npt.NDArray[np.int64]
    names: tuple[str, ...]
    values: FloatArray

    @property
    def end(self) -> int:
        """The day the last period ends (as long as the one before)."""
        return int(2 * self.starts[-1] - self.starts[-2])


def _read(table: object, *, id_column: str, period_column: str) -> _Grid:
    check_instance(id_column, str, name="id_column")
    check_instance(period_column, str, name="period_column")
    columns = _table_columns(table)
    for needed in (id_column, period_column):
        if needed not in columns:
            msg = (
                f"covariates has no column {needed!r} (it has "
                f"{list(columns)!r}); name the columns with id_column= and "
                "period_column="
            )
            raise DataError(msg)
    ids = np.asarray(columns.pop(id_column)).reshape(-1).astype(str)
    days = _days(columns.pop(period_column), period_column)
    if not columns:
        msg = "covariates has no covariate column besides the id and period"
        raise DataError(msg)
    names = tuple(columns)
    matrix = np.empty((len(ids), len(names)))
    for j, name in enumerate(names):
        array = as_floats(columns[name], name=f"covariates[{name!r}]")
        array = array.reshape(-1)
        if array.size != len(ids):
            msg = (
                f"covariates[{name!r}] has {array.size} values for "
                f"{len(ids)} rows; pass columns of one length"
            )
            raise DataError(msg)
        if not np.isfinite(array).all():
            row = int(np.flatnonzero(~np.isfinite(array))[0])
            who = str(ids[row])
            msg = (
                f"covariates[{name!r}] row {row} (customer {who!r}) is "
                f"{array[row]!r}; fill or drop the missing values first"
            )
            raise DataError(msg)
        matrix[:, j] = array
    unique_ids, id_index = np.unique(ids, return_inverse=True)
    starts, start_index = np.unique(days, return_inverse=True)
    if starts.size < 2:  # noqa: PLR2004 - a period needs the next one's start
        msg = (
            f"covariates have {starts.size} period start(s); pass at least "
            "two periods (each lasts until the next one starts)"
        )
        raise DataError(msg)
    cells = id_index * starts.size + start_index
    counts = np.bincount(cells, minlength=unique_ids.size * starts.size)
    if (counts != 1).any():
        cell = int(np.flatnonzero(counts != 1)[0])
        who = str(unique_ids[cell // starts.size])
        when = _EPOCH + timedelta(days=int(starts[cell % starts.size]))
        problem = "has no row" if counts[cell] == 0 else "has several rows"
        msg = (
            f"customer {who!r} {problem} for the period starting "
            f"{when.isoformat()}; every customer needs exactly one row per "
            "period of the grid"
        )
        raise DataError(msg)
    values = np.empty((unique_ids.size, starts.size, len(names)))
    values[id_index, start_index] = matrix
    return _Grid(
        ids=tuple(str(v) for v in unique_ids),
        starts=starts,
        names=names,
        values=values,
    )


# --------------------------------------------------------------------------
# Cutting the clocks
# --------------------------------------------------------------------------


def _purchase_days(
    log: Iterable[Transaction], end: date
) -> dict[str, list[int]]:
    """Each customer's distinct purchase days up to ``end``, sorted."""
    days: dict[str, set[int]] = {}
    for transaction in log:
        day = transaction.day
        if day <= end:
            days.setdefault(transaction.customer_id, set()).add(
                (day - _EPOCH).days
            )
    return {k: sorted(v) for k, v in days.items()}


def _cut(
    bounds: npt.NDArray[np.int64],
    starts: npt.NDArray[np.int64],
    values: FloatArray,
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Pieces between sorted day ``bounds``; each piece's covariates."""
    period = np.searchsorted(starts, bounds[:-1], side="right") - 1
    return np.diff(bounds), values[period]


def _coverage(grid: _Grid, first: int, end: int, who: str) -> None:
    if first < grid.starts[0] or end > grid.end:
        span = f"{_date(first).isoformat()} to {_date(end).isoformat()}"
        msg = (
            f"the covariates of customer {who!r} cover "
            f"{_date(int(grid.starts[0])).isoformat()} to "
            f"{_date(grid.end).isoformat()}, not {span} (first purchase to "
            "calibration end); pass periods covering it"
        )
        raise DataError(msg)


def _date(day: int) -> date:
    return _EPOCH + timedelta(days=day)


def covariate_paths(
    log: Iterable[Transaction],
    /,
    *,
    covariates: Covariates,
    calibration_end: date,
    time_unit: TimeUnit | timedelta = "W",
    id_column: str = "customer_id",
    period_column: str = "period_start",
) -> CovariatePaths:
    """Lay time-varying covariates on each customer's clock.

    Args:
        log: The transaction log; purchases after ``calibration_end`` are
            left out (they are the holdout).
        covariates: The long table: a mapping of column name to values
            (one per row) or a dataframe, with the customer id (compared
            as text), the period's first day (dates, aware datetimes or
            ISO strings) and numeric covariate columns.
        calibration_end: The last day of the calibration period.
        time_unit: The unit of ``recency`` and ``T`` (as in
            :func:`~customer_centric.value.rfm_summary`).
        id_column: The table's customer id column.
        period_column: The table's period-start column.

    Returns:
        The customers' pieces (see :class:`CovariatePaths`).

    Raises:
        DataError: A column missing or not numeric, a NaN, a naive
            datetime, a customer of the log without a row for a period
            (or with two), ids in the table that the log lacks, or periods
            not covering a customer's first purchase to the calibration
            end.

    Examples:
        See the CLV guide, "Time-varying covariates".

    .. versionadded:: 0.2
    """
    from customer_centric.value import (  # noqa: PLC0415 - clv uses value
        days_per_unit,
        rfm_summary,
    )

    if not isinstance(log, Iterable):
        raise ArgumentTypeError.for_argument(
            "log", log, "an iterable of Transaction records"
        )
    log = list(log)
    summary = rfm_summary(
        log,
        observation_end=calibration_end,
        time_unit=time_unit,
        on_late="drop",
    )
    unit = days_per_unit(time_unit)
    grid = _read(covariates, id_column=id_column, period_column=period_column)
    known = {t.customer_id for t in log}
    unknown = sorted(set(grid.ids) - known)
    if unknown:
        msg = (
            f"covariates have rows for customers not in the log, e.g. "
            f"{unknown[:3]!r} ({len(unknown)} in all); drop them or pass the "
            "whole log (ids are compared as text)"
        )
        raise DataError(msg)
    days = _purchase_days(log, summary.observation_end)
    end = (summary.observation_end - _EPOCH).days
    row_of = {who: i for i, who in enumerate(grid.ids)}
    n, k = len(summary.customer_ids), len(grid.names)
    calibration: list[tuple[int, npt.NDArray[np.int64], FloatArray, int]] = []
    future: list[tuple[int, npt.NDArray[np.int64], FloatArray]] = []
    sums = np.zeros((n, k))
    for i, who in enumerate(summary.customer_ids):
        if who not in row_of:
            msg = (
                f"customer {who!r} of the log has no covariate rows; pass "
                "rows for every customer"
            )
            raise DataError(msg)
        values = grid.values[row_of[who]]
        own = days[who]
        first, last = own[0], own[-1]
        _coverage(grid, first, end, who)
        inside = grid.starts[(grid.starts > first) & (grid.starts < end)]
        bounds = np.unique(np.concatenate([[first, last, end], inside]))
        lengths, piece_values = _cut(bounds, grid.starts, values)
        calibration.append((i, lengths, piece_values, last - first))
        repeat = np.array(own[1:], dtype=np.int64)
        period = np.searchsorted(grid.starts, repeat, side="right") - 1
        sums[i] = values[period].sum(axis=0)
        later = grid.starts[grid.starts > end]
        ahead = np.concatenate([[end], later, [grid.end]])
        steps, ahead_values = _cut(ahead, grid.starts, values)
        future.append((i, steps, ahead_values))
    return CovariatePaths(
        customer_ids=tuple(summary.customer_ids),
        frequency=np.array(summary.frequency, dtype=np.float64),
        recency=np.array(summary.recency, dtype=np.float64),
        T=np.array(summary.T, dtype=np.float64),
        names=grid.names,
        calibration=_pieces(calibration, unit, k),
        purchase_sums=sums,
        future=_pieces([(i, s, v, -1) for i, s, v in future], unit, k),
        horizon=(grid.end - end) / unit,
        calibration_end=summary.observation_end,
        days_per_unit=unit,
    )


def _pieces(
    parts: list[tuple[int, npt.NDArray[np.int64], FloatArray, int]],
    unit: float,
    k: int,
) -> Pieces:
    """Stack each customer's pieces; ``after`` from their last purchase."""
    customers, lengths, values, after = [], [], [], []
    for i, all_steps, all_values, last in parts:
        keep = all_steps > 0
        steps, piece_values = all_steps[keep], all_values[keep]
        # Each piece's start; none for a customer with T = 0.
        offsets = np.cumsum(steps) - steps
        customers.append(np.full(steps.size, i, dtype=np.intp))
        lengths.append(steps)
        values.append(piece_values)
        after.append(offsets >= last)
    return Pieces(
        customer=np.concatenate(customers),
        length=np.concatenate(lengths) / unit,
        after=np.concatenate(after),
        values=np.concatenate(values).reshape(-1, k),
    )
