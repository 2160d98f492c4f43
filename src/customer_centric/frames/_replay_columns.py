"""Reading an event frame into checked numpy columns (for ``replay_events``).

The fast path never builds an event record: each row is checked here by
column operations against what the event records accept. A row the checks
are not sure of (an odd type, a value out of range, a field its kind does
not have) goes to :func:`~customer_centric.relationship.parse_event`, which
is the judge: it refuses the row with the record's own message, or accepts
it, and then the customer is replayed by the per-event engine.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeAlias, cast

import attrs
import narwhals as nw
import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from customer_centric import Severity
from customer_centric.exceptions import DataError
from customer_centric.relationship import (
    EVENT_KINDS,
    DepartureReason,
    Event,
    parse_event,
)

__all__ = ["EventColumns", "read_events", "row_event"]

Ints: TypeAlias = npt.NDArray[np.integer[Any]]
Bools: TypeAlias = npt.NDArray[np.bool_]
Objects: TypeAlias = npt.NDArray[np.object_]

REQUIRED: Final = ("customer_id", "kind", "occurred_at")
# Each kind's own fields, required ones first (the event records' fields).
_FIELDS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "interest_shown": ((), ()),
    "first_purchase": ((), ("amount",)),
    "repeat_purchase": ((), ("amount",)),
    "referral_made": ((), ("referred_customer_id",)),
    "needs_profiled": ((), ()),
    "complaint_filed": (("severity",), ("complaint_id",)),
    "complaint_resolved": (("satisfied",), ("complaint_id",)),
    "dissatisfaction_signal": (("score", "source"), ()),
    "inactivity_observed": (("as_of",), ()),
    "account_closed": (("reason",), ()),
    "win_back_attempted": ((), ()),
    "win_back_declined": ((), ()),
    "reactivated": ((), ()),
}
_OWN: Final = tuple(
    (*REQUIRED, "event_id", *_FIELDS[kind][0], *_FIELDS[kind][1])
    for kind in EVENT_KINDS
)
OPTIONAL: Final = (
    "event_id",
    "amount",
    "referred_customer_id",
    "complaint_id",
    "severity",
    "satisfied",
    "score",
    "source",
    "as_of",
    "reason",
)
_TIMES: Final = frozenset({"occurred_at", "as_of"})
# Optional fields read as numbers or times, held only where present: each
# belongs to one or two kinds, and is null on every other row.
_SPARSE: Final = frozenset({"score", "amount", "as_of"})
_TEXT: Final = frozenset(
    {"customer_id", "event_id", "referred_customer_id", "complaint_id"}
)
SEVERITY_RANK: Final = {s.value: s.rank for s in Severity}
REASONS: Final = tuple(r.value for r in DepartureReason)
KIND_CODE: Final[dict[str, int]] = {
    kind: code for code, kind in enumerate(EVENT_KINDS)
}
NAT: Final = np.iinfo(np.int64).min  # "no time" in a microsecond column
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)


def to_datetime(micros: int) -> datetime:
    """A UTC datetime from microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=micros)


class _Text:
    """A text column's values, read from the frame only where needed.

    Turning a million strings into Python objects costs more than the
    replay of their rows; the checks read codes, and the values are read
    for the few rows that become records or appear in the answer.
    """

    dtype: Final = np.dtype(object)

    def __init__(self, series: nw.Series[Any]) -> None:
        self._series = series

    def __getitem__(self, rows: Any) -> Any:  # noqa: ANN401 - numpy's own
        if isinstance(rows, int | np.integer):
            return self._series.item(int(rows))
        found = self._series[np.asarray(rows)]
        return np.asarray(found.to_list(), dtype=object)


@attrs.frozen(kw_only=True)
class Sparse:
    """A column's values held only at its rows with one (``rows``, sorted).

    An optional field is null on the rows of every other kind: ten million
    rows of scores or ``as_of`` times, most of them null, cost 80 MB each
    in full and a few MB so. ``rows`` None: ``values`` is the whole column.
    """

    values: npt.NDArray[Any]
    fill: Any  # the value of a row without one
    rows: Ints | None = None

    def __getitem__(self, at: Ints) -> npt.NDArray[Any]:
        """The values of the rows ``at`` (``fill`` where a row has none)."""
        if self.rows is None:
            return self.values[at]
        if not len(self.rows):
            return np.full(len(at), self.fill, self.values.dtype)
        i = np.minimum(np.searchsorted(self.rows, at), len(self.rows) - 1)
        return np.where(self.rows[i] == at, self.values[i], self.fill)


@attrs.frozen(kw_only=True)
class _Column:
    """One input column: its values, where it is null, and if it is sure.

    ``micros`` holds a time column's instants (``NAT`` where null or
    naive); ``aware`` says whether the column is a time-zone-aware
    datetime column, whose values need no judge. ``present``: the rows
    with a value, when ``values`` (and ``micros``) hold only theirs.
    """

    values: Objects | npt.NDArray[Any] | _Text
    null: Bools
    micros: Ints | None = None
    present: Ints | None = None
    aware: bool = False
    coded: tuple[Ints, list[Any]] | None = None  # a text column's codes
    # ``null`` as bits, once the checks are done (``null`` is then empty):
    # the few rows read later need no byte a row (10 MB in ten million).
    packed: npt.NDArray[np.uint8] | None = None

    def missing(self, rows: Any) -> Any:  # noqa: ANN401 - numpy's own
        """Whether rows (a row, or an array of them) are null."""
        if self.packed is None:
            return self.null[rows]
        at = np.asarray(rows)
        return (self.packed[at >> 3] >> (7 - (at & 7)) & 1).astype(bool)

    def checked(self) -> _Column:
        """The column as the replay reads it: no codes, nulls as bits."""
        if not self.null.any():  # none (the null array is a free view)
            return attrs.evolve(self, coded=None)
        return attrs.evolve(
            self, coded=None, null=_NO_ROWS, packed=np.packbits(self.null)
        )


_NO_ROWS: Final = np.zeros(0, bool)


def _in_order(codes: Ints, uniques: list[Any]) -> tuple[Ints, list[Any]]:
    """Codes renumbered so that the distinct values are sorted.

    Text comes first, then anything else by its text.
    """
    order = sorted(
        range(len(uniques)),
        key=lambda i: (not isinstance(uniques[i], str), str(uniques[i])),
    )
    renumber = np.empty(len(uniques) + 1, np.int64)
    renumber[order] = np.arange(len(uniques))
    renumber[-1] = -1
    return renumber[codes], [uniques[i] for i in order]


def _codes(column: _Column) -> tuple[Ints, list[Any]]:
    """A column's codes (-1 where null) and its distinct values."""
    if column.coded is not None:
        return column.coded
    # Text columns are always coded: these values are a numpy array.
    return _factorize(cast("Objects", column.values), column.null)


@attrs.frozen(kw_only=True)
class EventColumns:
    """The checked columns of an event frame, in input order.

    Attributes:
        rows: How many input rows.
        customer: Each row's customer code (in customer id order).
        customers: The customer ids by code.
        kind: Each row's kind code (index in ``EVENT_KINDS``; -1 unknown).
        time: ``occurred_at`` in microseconds since the epoch, UTC.
        event_id: Each row's event id as a code (-1 if none).
        severity: A complaint's severity rank (0 if none).
        satisfied: A resolution's ``satisfied`` (False if none).
        score: A signal's score (NaN if none).
        as_of: An inactivity check's ``as_of`` (``NAT`` if none).
        reason: A closure's reason code (index in ``REASONS``; -1 if none).
        judge: Rows the column checks are not sure of.
        columns: The raw columns, to build a record from a row.
    """

    rows: int
    customer: Ints
    customers: list[str]
    kind: Ints
    time: Ints
    event_id: Ints
    severity: Ints
    satisfied: Bools
    score: Sparse
    as_of: Sparse
    reason: Ints
    judge: Bools
    columns: dict[str, _Column]


def _factorize(values: Objects, null: Bools) -> tuple[Ints, list[Any]]:
    """Codes in first-appearance order (-1 where null), and the uniques."""
    codes = np.full(len(values), -1, dtype=np.int64)
    seen: dict[Any, int] = {}
    setdefault = seen.setdefault
    present = np.flatnonzero(~null)
    # One dictionary pass: numpy's unique would sort the strings.
    codes[present] = [
        setdefault(v, len(seen)) for v in values[present].tolist()
    ]
    return codes, list(seen)


def _nulls(series: nw.Series[Any]) -> Bools:
    """Where a column is null; no memory for a column without nulls."""
    if series.null_count() == 0:
        # A read-only view of one False: ten million rows cost nothing.
        return np.broadcast_to(np.False_, (len(series),))
    return np.asarray(series.is_null().to_numpy(), bool)


def _code_type(size: int) -> np.dtype[Any]:
    """The narrowest integer type for codes -1 to ``size`` - 1."""
    return np.dtype(np.min_scalar_type(-max(size, 1)))


_INTS: Final = {1: nw.Int8, 2: nw.Int16, 4: nw.Int32, 8: nw.Int64}


# Up to this many distinct values a text column is coded by a hash lookup;
# above it by dense ranks (a sort): a lookup of a million values is slow,
# and a sort of ten million short texts several times slower than a lookup
# of a dozen (measured on polars 2.1).
_FEW: Final = 4096


def _text_codes(
    series: nw.Series[Any], uniques: list[Any], null: Bools
) -> Ints:
    """A text column's codes in the order of ``uniques`` (-1 where null)."""
    dtype = _code_type(len(uniques))
    if not uniques:  # all null (pandas' lookup fails on an empty table)
        return np.full(len(series), -1, dtype)
    if series.null_count() == 0:
        return _value_codes(series, uniques, dtype)
    # The values alone are coded: polars' enum of a column of nulls costs
    # as much as of a full one (166 against 2 MB for a complaint's severity
    # in ten million rows, measured on polars 2.1).
    codes = np.full(len(series), -1, dtype)
    codes[~null] = _value_codes(series.drop_nulls(), uniques, dtype)
    return codes


def _value_codes(
    series: nw.Series[Any], uniques: list[Any], dtype: np.dtype[Any]
) -> Ints:
    """A text column's codes, with no null, in the order of ``uniques``."""
    kind = _INTS[dtype.itemsize]
    if series.implementation is nw.Implementation.POLARS:
        return _enum_codes(series, uniques, kind)
    if len(uniques) <= _FEW:
        coded = series.replace_strict(
            uniques, list(range(len(uniques))), return_dtype=kind
        )
        return np.asarray(coded.to_numpy(), dtype)
    # Ranks from 1, made codes by numpy, in place: the back-end makes no
    # array but the ranks (its memory is not given back at once).
    codes = np.array(series.rank("dense").cast(kind).to_numpy(), dtype)
    codes -= 1
    return codes


def _enum_codes(
    series: nw.Series[Any], uniques: list[Any], kind: type[nw.dtypes.DType]
) -> Ints:
    """A polars text column's codes: its positions in an enum of ``uniques``.

    A hash lookup with no sort: for ten million rows of a million ids, a
    quarter of a dense rank's memory at peak (114 against 460 MB) in half
    its time; for a dozen values a thirtieth of ``replace_strict``'s (12
    against 388 MB; measured on polars 2.1).
    """
    import polars as pl  # noqa: PLC0415 - the frame is a polars one

    physical = series.to_native().cast(pl.Enum(uniques)).to_physical()
    coded = nw.from_native(physical, series_only=True).cast(kind)
    # A copy in numpy's memory, given back as soon as let go (polars'
    # allocator keeps what it frees for some seconds).
    return np.array(coded.to_numpy(), _code_type(len(uniques)))


def _read(frame: nw.DataFrame[Any], name: str) -> _Column:
    """One column as numpy, read alone: only its own arrays at a time."""
    series = frame.get_column(name)
    null = _nulls(series)
    dtype = series.dtype
    if name in _TIMES and isinstance(dtype, nw.Datetime):
        return _read_times(
            series, name, null, aware=dtype.time_zone is not None
        )
    if dtype == nw.String:
        uniques = series.drop_nulls().unique().sort().to_list()
        codes = _text_codes(series, uniques, null)
        return _Column(values=_Text(series), null=null, coded=(codes, uniques))
    if dtype == nw.Boolean:
        flags = series.fill_null(value=False).to_numpy()
        return _Column(values=np.asarray(flags, bool), null=null)
    if dtype.is_numeric():
        return _read_numbers(series, name, null)
    values = series.to_numpy()
    if name == "satisfied" and _all_bool(values, null):
        values = np.where(null, False, values).astype(bool)  # noqa: FBT003
    return _Column(values=values, null=null)


def _read_times(
    series: nw.Series[Any], name: str, null: Bools, *, aware: bool
) -> _Column:
    """A datetime column's instants in microseconds."""
    if name not in _SPARSE:  # every row's time
        stamps = series.dt.timestamp("us").fill_null(NAT).to_numpy()
        micros = np.asarray(stamps, np.int64)
        return _Column(values=micros, null=null, micros=micros, aware=aware)
    present, kept = _present(series, null)
    micros = np.asarray(kept.dt.timestamp("us").to_numpy(), np.int64)
    return _Column(
        values=micros, null=null, micros=micros, aware=aware, present=present
    )


def _read_numbers(series: nw.Series[Any], name: str, null: Bools) -> _Column:
    """A numeric column as floats (NaN where null, or where present only)."""
    if name not in _SPARSE:
        numbers = series.cast(nw.Float64).fill_null(math.nan).to_numpy()
        return _Column(values=np.asarray(numbers, np.float64), null=null)
    present, kept = _present(series, null)
    numbers = np.asarray(kept.cast(nw.Float64).to_numpy(), np.float64)
    return _Column(values=numbers, null=null, present=present)


def _present(
    series: nw.Series[Any], null: Bools
) -> tuple[Ints | None, nw.Series[Any]]:
    """The rows with a value (None: every row), and their values."""
    if series.null_count() == 0:
        return None, series
    return np.flatnonzero(~null), series.drop_nulls()


def _all_bool(values: Objects, null: Bools) -> bool:
    """Whether every value present is a bool.

    pandas keeps a column of bools with nulls as objects.
    """
    _, uniques = _factorize(values, null)
    return all(isinstance(u, bool | np.bool_) for u in uniques)


def _text_ok(null: Bools, codes: Ints, uniques: list[Any]) -> Bools:
    """Rows whose value is null or a string (per unique value)."""
    good = np.array([isinstance(u, str) for u in uniques] + [True], bool)
    return good[codes] | null


def _coded(
    column: _Column | None, rows: int, table: Callable[[Any], int]
) -> tuple[Ints, Bools]:
    """A text column coded by ``table`` (-1 null, -2 unknown), and null."""
    if column is None:
        return np.full(rows, -1, np.int8), np.ones(rows, bool)
    codes, uniques = _codes(column)
    # One byte a row: kinds, severities and reasons are a handful each.
    lookup = np.array([table(u) for u in uniques] + [-1], np.int8)
    return lookup[codes], column.null


def _severity_rank(value: object) -> int:
    return SEVERITY_RANK.get(value, -2) if isinstance(value, str) else -2


def _reason_code(value: object) -> int:
    if isinstance(value, str) and value in REASONS:
        return REASONS.index(value)
    return -2


def _kind_needs(rows_kind: Ints, field: str) -> tuple[Bools, Bools]:
    """Rows whose kind requires ``field``, and rows whose kind has it.

    Rows of no known kind (judged anyway) neither require nor forbid it.
    """
    required = [field in _FIELDS[k][0] for k in EVENT_KINDS]
    allowed = [field in _FIELDS[k][0] + _FIELDS[k][1] for k in EVENT_KINDS]
    return (
        _of_kinds(rows_kind, required, unknown=False),
        _of_kinds(rows_kind, allowed, unknown=True),
    )


def _of_kinds(rows_kind: Ints, marked: list[bool], *, unknown: bool) -> Bools:
    """Rows of the marked kinds (and, if ``unknown``, of no known kind).

    One comparison a marked kind: a field belongs to one or two kinds
    (``_FIELDS``), and comparing a byte column twice is four times faster
    than a lookup by it (10 against 42 ms for ten million rows on the
    development machine).
    """
    out = rows_kind < 0 if unknown else np.zeros(len(rows_kind), bool)
    for code in np.flatnonzero(marked).tolist():
        out |= rows_kind == code
    return out


def _number_ok(column: _Column, low: float, high: float) -> Bools:
    """Rows whose value is a finite number in [low, high] (or null)."""
    values = _array(column)
    if values is None or values.dtype.kind not in "iuf":
        return column.null.copy()
    with np.errstate(invalid="ignore"):
        as_float = values.astype(np.float64)
        good = np.isfinite(as_float) & (as_float >= low) & (as_float <= high)
    if column.present is None:
        return good | column.null
    ok = np.ones(len(column.null), bool)
    ok[column.present[~good]] = False
    return ok


def _value_ok(name: str, column: _Column) -> Bools:  # noqa: PLR0911
    """Rows whose value in an optional field the checks are sure of."""
    if name in _TIMES:
        return np.logical_or(column.null, column.aware)
    if name == "satisfied":
        is_bool = bool(column.values.dtype == np.bool_)
        return np.logical_or(column.null, is_bool)
    if name == "score":
        return _number_ok(column, 0.0, 1.0)
    if name == "amount":
        return _number_ok(column, 0.0, math.inf)
    codes, uniques = _codes(column)
    if name == "source":
        good = [isinstance(u, str) and len(u) > 0 for u in uniques]
        return np.array([*good, True], bool)[codes] | column.null
    if name == "severity":
        good = [_severity_rank(u) > 0 for u in uniques]
        return np.array([*good, True], bool)[codes] | column.null
    if name == "reason":
        good = [_reason_code(u) >= 0 for u in uniques]
        return np.array([*good, True], bool)[codes] | column.null
    return _text_ok(column.null, codes, uniques)


def _eager(frame: object) -> nw.DataFrame[Any]:
    from customer_centric.frames._rfm import (  # noqa: PLC0415 - sibling helper
        _from_native,
    )

    native = _from_native(frame)
    if isinstance(native, nw.LazyFrame):
        return native.collect()
    return native  # type: ignore[return-value]


def read_events(frame: object) -> tuple[EventColumns, nw.DataFrame[Any]]:
    """Check an event frame's columns and read them into numpy arrays.

    Raises:
        DataError: A required column is missing.
    """
    data = _eager(frame)
    names = data.columns
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        msg = (
            f"the event frame has no column(s) {missing!r}; it has "
            f"{names!r}. Every event needs customer_id, kind and a "
            "time-zone-aware occurred_at (see relationship.parse_event)"
        )
        raise DataError(msg)
    rows = len(data)
    present = [n for n in (*REQUIRED, *OPTIONAL) if n in names]
    columns: dict[str, _Column] = {name: _read(data, name) for name in present}
    ident = columns["customer_id"]
    customer, customers = (
        ident.coded if ident.coded is not None else _in_order(*_codes(ident))
    )
    judge = ~_text_ok(ident.null, customer, customers)
    judge |= (
        ident.null | np.array([c == "" for c in customers] + [True])[customer]
    )
    kind_col = columns["kind"]
    kind, _ = _coded(
        kind_col,
        rows,
        lambda k: KIND_CODE.get(k, -2) if isinstance(k, str) else -2,
    )
    judge |= kind < 0
    when = columns["occurred_at"]
    judge |= when.null | (not when.aware)
    for name in OPTIONAL:
        required, allowed = _kind_needs(kind, name)
        column = columns.get(name)
        if column is None:
            judge |= required
            continue
        if name != "event_id":  # every kind has one
            judge |= (required & column.null) | (~allowed & ~column.null)
        judge |= ~_value_ok(name, column)
    severity, _ = _coded(columns.get("severity"), rows, _severity_rank)
    reason, _ = _coded(columns.get("reason"), rows, _reason_code)
    return (
        EventColumns(
            rows=rows,
            customer=customer,
            customers=[str(c) for c in customers],
            kind=kind,
            time=_micros(when, rows),
            event_id=_id_codes(columns.get("event_id"), rows),
            severity=np.maximum(severity, 0, dtype=np.int8),
            satisfied=_flags(columns.get("satisfied"), rows),
            score=_floats(columns.get("score")),
            as_of=_instants(columns.get("as_of")),
            reason=reason,
            judge=judge,
            # The codes served the checks; rows read values, not codes.
            columns={
                name: column.checked() for name, column in columns.items()
            },
        ),
        data,
    )


def _micros(column: _Column, rows: int) -> Ints:
    """Every row's time (``NAT`` if a column of no datetimes)."""
    if column.micros is None:
        return np.full(rows, NAT, np.int64)
    return column.micros


def _instants(column: _Column | None) -> Sparse:
    """An optional time field's instants, where present."""
    if column is None or column.micros is None:
        return _none(NAT, np.int64)
    return Sparse(values=column.micros, fill=NAT, rows=column.present)


def _none(fill: object, dtype: type[np.generic]) -> Sparse:
    """A field no row has."""
    return Sparse(
        values=np.zeros(0, dtype), fill=fill, rows=np.zeros(0, np.int64)
    )


def _id_codes(column: _Column | None, rows: int) -> Ints:
    """Each row's event id as a code (-1 if none): one id, one code."""
    if column is None:  # a read-only view: no memory
        return np.broadcast_to(np.int8(-1), (rows,))
    return _codes(column)[0]


def event_ids(events: EventColumns, rows: Ints) -> Objects:
    """The event ids of some rows (None where a row has none)."""
    out = np.full(len(rows), None, object)
    column = events.columns.get("event_id")
    if column is not None and len(rows):
        found = ~column.missing(rows)
        out[found] = column.values[rows[found]]
    return out


def _array(column: _Column | None) -> npt.NDArray[Any] | None:
    """A column's values if they are a numpy array (not text)."""
    if column is None or isinstance(column.values, _Text):
        return None
    return column.values


def _flags(column: _Column | None, rows: int) -> Bools:
    values = _array(column)
    if values is None or values.dtype != np.bool_:
        return np.zeros(rows, bool)
    flags: Bools = values & ~cast("_Column", column).null
    return flags


def _floats(column: _Column | None) -> Sparse:
    values = _array(column)
    if values is None or values.dtype.kind not in "iuf":
        return _none(math.nan, np.float64)
    present = cast("_Column", column).present
    return Sparse(
        values=np.asarray(values, np.float64), fill=math.nan, rows=present
    )


def _python(column: _Column, row: int) -> object:
    """A row's value as the record's field takes it."""
    if column.missing(row):
        return None
    if column.present is not None:  # values held where present only
        row = int(np.searchsorted(column.present, row))
    if column.micros is not None:
        value = to_datetime(int(column.micros[row]))
        return value if column.aware else value.replace(tzinfo=None)
    value = column.values[row]
    return value.item() if isinstance(value, np.generic) else value


def row_fields(
    events: EventColumns, row: int, customer: str | None = None
) -> dict[str, object]:
    """A row as the mapping :func:`parse_event` reads (nulls left out).

    ``customer`` is the row's customer id, which a row the checks passed
    needs (the column of customer codes is let go once the rows are
    sorted); a judged row is read whole from the frame.
    """
    columns = events.columns
    kind = int(events.kind[row])
    # A row the checks passed has only its kind's fields; any other row
    # is read whole, for the judge to see everything.
    if kind < 0 or events.judge[row]:
        fields = {
            name: _python(column, row) for name, column in columns.items()
        }
        return {k: v for k, v in fields.items() if v is not None}
    # Checked rows: the id and kind from their codes, the kind's own fields
    # from the frame (reading one text value from a frame is slow).
    fields = {
        name: _python(columns[name], row)
        for name in _OWN[kind][len(REQUIRED) :]
        if name in columns
    }
    fields["customer_id"] = customer
    fields["kind"] = EVENT_KINDS[kind]
    fields["occurred_at"] = to_datetime(int(events.time[row]))
    return {k: v for k, v in fields.items() if v is not None}


def row_event(
    events: EventColumns, row: int, customer: str | None = None
) -> Event:
    """The event record of a row the checks or the judge accepted.

    ``customer``: the row's customer id (see :func:`row_fields`).
    """
    return parse_event(row_fields(events, row, customer))


def judged(events: EventColumns, rows: Sequence[int]) -> dict[int, str]:
    """Ask the record which judged rows it refuses, and why.

    Returns:
        The refused rows with the record's message; every other row given
        is a valid event.
    """
    refused = {}
    for row in rows:
        try:
            row_event(events, row)
        except ValidationError as exc:
            refused[row] = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}"
                for e in exc.errors()
            )
    return refused
