"""The columnar path of ``customer-centric replay``: bounded memory (internal).

With polars installed, the events file is read once, a line at a time.
Each line is parsed by pydantic's JSON parser into a row of plain values
(times are read by polars, a column at a time); a line these quick checks
are not sure of (not a JSON object, a null, a field no event has, a value
of another type, a time not written as ``YYYY-MM-DDTHH:MM:SS[.ffffff]``
with ``Z`` or an offset in years 1000-2999, bytes that are not UTF-8) is
read by
:func:`~customer_centric.cli._relationships.read_event`, the record path's
own reader, which refuses it with its message or gives the event. So both
paths accept the same lines.

The rows are partitioned by a stable hash (CRC-32) of the customer id
into buckets of about :data:`BUCKET_BYTES` of the file each: one bucket,
held in memory, for a file up to that size, and temporary files beside
:func:`tempfile.gettempdir` otherwise. Each bucket is replayed by
:func:`customer_centric.frames.replay_events` in input order (each
customer's events in file order, an older event refused as out of order,
as :func:`~customer_centric.relationship.replay_many` does), and only
what the report shows is kept: counts of customers alike, the reasons of
those in trouble and the full replays of the few a listing may show. A
customer's events all fall in one bucket, so the decisions are the same
as in one pass; memory is bounded by a bucket and by the customers'
count, not by the file.

A row the columnar replay refuses as invalid is read again from its line
(a second pass over the file, only when there is such a row), so that its
message is the record path's.
"""

from __future__ import annotations

import heapq
import math
import pickle
import re
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final, TypeAlias, final

import attrs
import polars as pl
from pydantic import ValidationError
from pydantic_core import from_json

import customer_centric as cc
from customer_centric._types import CustomerId
from customer_centric.cli._relationships import (
    BadLine,
    ReplayedFile,
    Standing,
    read_event,
    top_at_risk,
)
from customer_centric.cli._sources import Source, is_gzip, numbered_lines
from customer_centric.frames import replay_events

if TYPE_CHECKING:
    from rich.progress import Progress

    from customer_centric._customer import Customer, CustomerType
    from customer_centric.relationship import Event, Policy, Replay

BUCKET_BYTES: Final = 32 * 2**20
"""The file size one bucket holds about: some 300,000 events of the
benchmark's (about 105 bytes a line), held as rows and replayed by
:func:`~customer_centric.frames.replay_events` in some 150 MB."""
GZIP_RATIO: Final = 7
"""How many times larger a gzip-compressed events file is unpacked, for
the count of buckets (``bench_cli_replay.py``'s events compress 7.1 times
with gzip's default level)."""
_FLUSH_ROWS: Final = 65_536  # rows held before the buckets' files
_PROGRESS_EVERY: Final = 2_000
# Times written so that pydantic and polars read them alike; any other
# (a day past the month's end aside, which both refuse) goes to the judge.
_TIME: Final = re.compile(
    r"[12]\d{3}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?"
    r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
).fullmatch
_TIME_FORMAT: Final = "%Y-%m-%dT%H:%M:%S%.f%:z"
_EXACT_FLOAT: Final = 2**53
_TEXT: Final = frozenset(
    {
        "event_id",
        "severity",
        "source",
        "reason",
        "referred_customer_id",
        "complaint_id",
    }
)
_NUMBERS: Final = frozenset({"score", "amount"})
_TYPES: Final[dict[str, pl.DataType]] = {
    **dict.fromkeys(_TEXT, pl.String()),
    **dict.fromkeys(_NUMBERS, pl.Float64()),
    "satisfied": pl.Boolean(),
    "as_of": pl.String(),
}
_TROUBLE: Final = tuple(
    stage.value for stage in cc.relationship.StageGroup.IN_TROUBLE.stages
)
_NO_TIME: Final = datetime.min.replace(tzinfo=UTC)

Row: TypeAlias = tuple[int, str, str, str, dict[str, object] | None]
"""A line's number, customer id, kind, time and other fields (if any)."""
Combo: TypeAlias = tuple[str, str, str, str | None]
"""Customers alike for the report: loyalty, peak, lifecycle and type."""


def _fits(name: str, value: object) -> bool:
    """Whether a field's value is of the type its column holds."""
    kind = type(value)
    if name in _TEXT:
        return kind is str
    if name in _NUMBERS:
        # Integers a float holds exactly; bigger ones go to the judge.
        return kind is float or (kind is int and abs(value) < _EXACT_FLOAT)  # type: ignore[arg-type]
    if name == "satisfied":
        return kind is bool
    return (
        name == "as_of" and isinstance(value, str) and _TIME(value) is not None
    )


def quick_row(number: int, line: bytes, /) -> Row | None:
    """A line's row by the JSON parser alone, or ``None`` if not sure."""
    try:
        data = from_json(line)
    except ValueError:  # not JSON, or not UTF-8
        return None
    if type(data) is not dict:
        return None
    customer = data.pop("customer_id", None)
    kind = data.pop("kind", None)
    when = data.pop("occurred_at", None)
    if (
        type(customer) is not str
        or type(kind) is not str
        or type(when) is not str
        or _TIME(when) is None
    ):
        return None
    # (The parser keeps one object for each short text it has seen lately,
    # so a customer's id is held about once, not once an event.)
    if not data:
        return number, customer, kind, when, None
    for name, value in data.items():
        if not _fits(name, value):
            return None
    return number, customer, kind, when, data


def _plain(value: object) -> object:
    """A record's field as the row holds it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def event_row(number: int, event: Event, /) -> Row:
    """The row of an event the record path read."""
    fields = event.model_dump(
        exclude_none=True, exclude={"customer_id", "kind", "occurred_at"}
    )
    extras = {name: _plain(value) for name, value in fields.items()}
    return (
        number,
        event.customer_id,
        event.kind,
        event.occurred_at.isoformat(),
        extras or None,
    )


def bucket_of(customer_id: str, buckets: int, /) -> int:
    """The bucket of a customer: a hash stable across runs and machines."""
    return zlib.crc32(customer_id.encode("utf-8", "surrogatepass")) % buckets


def bucket_count(source: Source, /) -> int:
    """Buckets of about :data:`BUCKET_BYTES` of text each, at least one."""
    size = source.path.stat().st_size
    text = size * GZIP_RATIO if source.compressed else size
    return max(1, math.ceil(text / BUCKET_BYTES))


class _Buckets:
    """The rows of each bucket: in memory for one, else temporary files.

    With files, the rows held in memory before they are written are at
    most :data:`_FLUSH_ROWS` in all, whatever the count of buckets.
    """

    def __init__(self, count: int, folder: Path | None) -> None:
        self.count = count
        self.rows = 0
        self._pending = 0
        self._held: list[list[Row]] = [[] for _ in range(count)]
        self._files: list[IO[bytes]] = (
            [(folder / f"{b}.pickle").open("w+b") for b in range(count)]
            if folder is not None
            else []
        )

    def add(self, row: Row) -> None:
        b = bucket_of(row[1], self.count) if self.count > 1 else 0
        self._held[b].append(row)
        self.rows += 1
        self._pending += 1
        if self._files and self._pending >= _FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        for held, file in zip(self._held, self._files, strict=True):
            if held:
                pickle.dump(held, file, pickle.HIGHEST_PROTOCOL)
                held.clear()
        self._pending = 0

    def take(self, b: int) -> list[Row]:
        """Bucket ``b``'s rows in file order (its file is read back)."""
        if not self._files:
            rows, self._held[b] = self._held[b], []
            return rows
        rows = []
        file = self._files[b]
        file.seek(0)
        while True:
            try:
                rows.extend(pickle.load(file))  # noqa: S301 - our own file
            except EOFError:
                break
        rows.extend(self._held[b])
        self._held[b] = []
        file.close()
        return rows


def _frame(rows: list[Row]) -> pl.DataFrame:
    """A bucket's rows as the events frame ``replay_events`` reads."""
    n = len(rows)
    extras: dict[str, list[object]] = {}
    for i, row in enumerate(rows):
        if row[4]:
            for name, value in row[4].items():
                if name not in extras:
                    extras[name] = [None] * n
                extras[name][i] = value
    columns = [
        pl.Series("customer_id", [r[1] for r in rows], pl.String),
        pl.Series("kind", [r[2] for r in rows], pl.String),
        _times(pl.Series("occurred_at", [r[3] for r in rows], pl.String)),
    ]
    for name, values in extras.items():
        series = pl.Series(name, values, _TYPES[name])
        columns.append(_times(series) if name == "as_of" else series)
    return pl.DataFrame(columns)


def _times(text: pl.Series) -> pl.Series:
    """Times as UTC instants; a day past its month's end becomes null.

    The replay then refuses the row, and its line is read again.
    """
    return text.str.replace(r"Z$", "+00:00").str.to_datetime(
        _TIME_FORMAT, time_zone="UTC", time_unit="us", strict=False
    )


@final
@attrs.define(kw_only=True)
class _Report:
    """What the report keeps of the buckets replayed so far."""

    types: Mapping[str, CustomerType]
    limit: int
    policy: Policy
    combos: dict[Combo, tuple[int, cc.RelationshipState]] = attrs.Factory(dict)
    applied: int = 0
    reasons: Counter[tuple[cc.LifecycleStage, str]] = attrs.Factory(Counter)
    members: Counter[cc.LifecycleStage] = attrs.Factory(Counter)
    candidates: dict[cc.LifecycleStage, list[Replay]] = attrs.Factory(dict)

    def count(self, combo: Combo, n: int, state: cc.RelationshipState) -> None:
        """Add ``n`` customers alike; the latest one stands for them all.

        The report reads only their count and the latest event time.
        """
        if combo in self.combos:
            before, kept = self.combos[combo]
            if _latest(kept) > _latest(state):
                state = kept
            n += before
        self.combos[combo] = (n, state)

    def add_bucket(
        self,
        frame: pl.DataFrame,
        out: Any,  # noqa: ANN401 - the ReplayFrames of polars frames
        wanted: set[str],
    ) -> None:
        """Count a replayed bucket; ``wanted``: its customers from a file."""
        self.applied += out.applied
        states: pl.DataFrame = out.states.with_columns(
            type=pl.Series(
                [self._type(c) for c in out.states["customer_id"]],
                dtype=pl.String,
            )
        )
        keys = ["loyalty", "peak_loyalty", "lifecycle", "type"]
        latest = (
            states.sort("last_event_at", nulls_last=False)
            .group_by(keys)
            .agg(pl.all().last(), pl.len().alias("__n"))
        )
        for row in latest.iter_rows(named=True):
            combo = (row["loyalty"], row["peak_loyalty"], row["lifecycle"])
            n = row.pop("__n")
            kind = row.pop("type")
            self.count((*combo, kind), n, _state(row))
        for customer in sorted(wanted - set(states["customer_id"])):
            fresh = cc.RelationshipState(customer_id=CustomerId(customer))
            self.count(_combo(fresh, self._type(customer)), 1, fresh)
        self._at_risk(frame, states, out.moves)

    def _type(self, customer: str) -> str | None:
        kind = self.types.get(customer)
        return None if kind is None else kind.value

    def _at_risk(
        self, frame: pl.DataFrame, states: pl.DataFrame, moves: pl.DataFrame
    ) -> None:
        risky = states.filter(pl.col("lifecycle").is_in(_TROUBLE))
        last = (
            moves.filter(pl.col("dimension") == "lifecycle")
            .group_by("customer_id", maintain_order=True)
            .agg(pl.col("reason_code").last())
        )
        why = risky.join(last, on="customer_id", how="left").with_columns(
            pl.col("reason_code").fill_null("-")
        )
        for stage, reason, n in (
            why.group_by("lifecycle", "reason_code").len().iter_rows()
        ):
            self.reasons[cc.LifecycleStage(stage), reason] += n
            self.members[cc.LifecycleStage(stage)] += n
        if self.limit == 0 or not len(risky):
            return
        shown: set[str] = set()
        for stage in _TROUBLE:
            rows = risky.filter(pl.col("lifecycle") == stage).select(
                "customer_id", "loyalty", "lifecycle_since"
            )
            shown.update(
                r[0]
                for r in heapq.nlargest(
                    self.limit, rows.iter_rows(), key=_listing_key
                )
            )
        for replay in _replays(frame, shown, self.policy).values():
            stage = replay.state.lifecycle
            listed = self.candidates.setdefault(stage, [])
            listed[:] = top_at_risk([*listed, replay], limit=self.limit)

    def standing(self) -> Standing:
        """The report's standing of every bucket counted."""
        return Standing(
            states=[
                state for n, state in self.combos.values() for _ in range(n)
            ],
            applied=self.applied,
            reasons=self.reasons,
            members=self.members,
            listed=self.candidates,
        )


def _listing_key(row: tuple[Any, ...]) -> tuple[int, datetime, str]:
    customer, loyalty, since = row
    return cc.LoyaltyStage(loyalty).rank, since or _NO_TIME, customer


def _latest(state: cc.RelationshipState) -> datetime:
    return state.last_event_at or _NO_TIME


def _combo(state: cc.RelationshipState, kind: str | None) -> Combo:
    return (
        state.loyalty.value,
        state.peak_loyalty.value,
        state.lifecycle.value,
        kind,
    )


def _state(row: dict[str, Any]) -> cc.RelationshipState:
    """A state from a row of the states frame (without ``last_events``)."""
    return cc.RelationshipState.model_validate(row)


def _replays(
    frame: pl.DataFrame, customers: set[str], policy: Policy
) -> Mapping[CustomerId, Replay]:
    """The full replays of ``customers``, by the record engine."""
    chosen = frame.filter(pl.col("customer_id").is_in(sorted(customers)))
    events = []
    for row in chosen.iter_rows(named=True):
        try:
            events.append(
                cc.relationship.parse_event(
                    {k: v for k, v in row.items() if v is not None}
                )
            )
        except ValidationError:  # refused by the columnar replay too
            continue
    return cc.relationship.replay_many(
        events, policy=policy, on_error="collect"
    )


def _read(
    source: Source, buckets: _Buckets, progress: Progress
) -> tuple[list[BadLine], int]:
    """Partition the file's rows; the unreadable lines and the line count."""
    compressed = source.compressed
    size = None if compressed else source.path.stat().st_size
    task = progress.add_task("reading events (bytes read)", total=size)
    bad: list[BadLine] = []
    lines = done = 0
    for number, line in numbered_lines(source):
        done += len(line) + 1
        if number % _PROGRESS_EVERY == 0:
            progress.update(task, completed=done)
        if not line.strip():
            continue
        lines += 1
        row = quick_row(number, line)
        if row is None:
            event = read_event(line)
            if isinstance(event, str):
                bad.append(BadLine(line=number, problem=event))
                continue
            row = event_row(number, event)
        buckets.add(row)
    progress.update(task, completed=size if size is not None else done)
    return bad, lines


def _reread(
    source: Source, reasons: dict[int, str], progress: Progress
) -> Iterator[BadLine]:
    """The record path's message for each line of ``reasons``."""
    task = progress.add_task("reading refused lines again", total=len(reasons))
    for number, line in numbered_lines(source):
        if number in reasons:
            problem = read_event(line)
            # The record path refuses what the columnar one does; its
            # message is the one shown.
            yield BadLine(
                line=number,
                problem=problem
                if isinstance(problem, str)
                else reasons[number],
            )
            progress.advance(task)


def replay_file(
    path: Path,
    /,
    *,
    policy: Policy,
    customers: Sequence[Customer],
    limit: int,
    progress: Progress,
) -> ReplayedFile:
    """Replay an events file bucket by bucket, for the report."""
    source = Source(path=path, format="jsonl", compressed=is_gzip(path))
    count = bucket_count(source)
    report = _Report(
        types={c.customer_id: c.type for c in customers},
        limit=limit,
        policy=policy,
    )
    wanted: list[set[str]] = [set() for _ in range(count)]
    for customer in customers:
        wanted[bucket_of(customer.customer_id, count)].add(
            customer.customer_id
        )
    invalid: dict[int, str] = {}
    refused: list[BadLine] = []
    with tempfile.TemporaryDirectory(prefix="customer-centric-") as folder:
        buckets = _Buckets(count, Path(folder) if count > 1 else None)
        unreadable, lines = _read(source, buckets, progress)
        task = progress.add_task("replaying events", total=buckets.rows)
        for b in range(count):
            rows = buckets.take(b)
            frame = _frame(rows)
            out = replay_events(
                frame, policy=policy, moves=True, order="input"
            )
            for row, error, reason in out.rejected.select(
                "row", "error", "reason"
            ).iter_rows():
                number = rows[row][0]
                if error == "ValidationError":
                    invalid[number] = reason
                elif error != "duplicate":  # a redelivery is accepted
                    refused.append(BadLine(line=number, problem=reason))
            report.add_bucket(frame, out, wanted[b])
            progress.advance(task, len(rows))
            del rows, frame, out
    if invalid:
        unreadable.extend(_reread(source, invalid, progress))
    return ReplayedFile(
        standing=report.standing(),
        unreadable=unreadable,
        refused=refused,
        lines=lines,
    )
