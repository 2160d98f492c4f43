"""Replaying event files and showing where the customers stand (internal).

Shared by ``customer-centric demo`` and ``customer-centric replay``: read
JSON Lines events (a bad line is reported with its number and what is
wrong, the good ones are still used), replay them with
:func:`customer_centric.relationship.replay_many`, and render the
loyalty-ladder funnel,
the lifecycle distribution and the customers at risk with the reason and
the recommended actions for each.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final, final

import attrs
import click

import customer_centric as cc
from customer_centric.cli._files import (
    NotUtf8Error,
    decode,
    printable,
    shown,
)

if TYPE_CHECKING:
    from pydantic import ValidationError
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from customer_centric._customer import Customer, CustomerType
    from customer_centric._types import CustomerId
    from customer_centric.relationship import (
        Event,
        Policy,
        RelationshipState,
        Replay,
    )

_BAR_WIDTH: Final = 20
LIMIT_OPTION: Final = click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=15,
    show_default=True,
    help="How many customers at risk to list.",
)
"""The ``--limit`` of ``demo`` and ``replay``, for :func:`render`."""
_PROGRESS_EVERY: Final = 2_000
_SHOWN_INPUT: Final = 60


@final
@attrs.frozen(kw_only=True)
class BadLine:
    """A line of an events file that was not accepted, and why."""

    line: int
    problem: str


@final
@attrs.frozen(kw_only=True)
class ParsedEvents:
    """The events read from a file and the lines that could not be read."""

    events: tuple[Event, ...]
    lines: tuple[int, ...]
    bad: tuple[BadLine, ...]


@final
@attrs.frozen(kw_only=True)
class Replayed:
    """Every customer's replay, and the lines the engine refused."""

    replays: dict[CustomerId, Replay]
    refused: tuple[BadLine, ...]


def _shown_input(value: object, /) -> str:
    """`` (got VALUE)`` for a scalar input; nothing for objects and lists."""
    if isinstance(value, Mapping | list | tuple):
        return ""
    text = repr(value)
    if len(text) > _SHOWN_INPUT:
        text = text[: _SHOWN_INPUT - 3] + "..."
    return f" (got {text})"


def describe_validation_error(error: ValidationError, /) -> str:
    """One part per problem: the field, pydantic's message and the value."""
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in item["loc"])
        problem = item["msg"]
        if item["type"] != "json_invalid":
            problem += _shown_input(item["input"])
        parts.append(f"{where}: {problem}" if where else problem)
    return "; ".join(parts)


def progress_bar(console: Console) -> Progress:
    """The progress display used for long work."""
    from rich.progress import (  # noqa: PLC0415 - only when run
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def read_event(line: str | bytes, /) -> Event | str:
    """One JSON Lines event, or why the line is not one (bytes: UTF-8)."""
    from pydantic import ValidationError  # noqa: PLC0415 - only when run

    try:
        text = decode(line) if isinstance(line, bytes) else line
        return cc.relationship.parse_event(text)
    except NotUtf8Error as exc:
        return str(exc)
    except ValidationError as exc:
        return describe_validation_error(exc)


def parse_lines(
    lines: Sequence[str | bytes], /, *, console: Console
) -> ParsedEvents:
    """Parse JSON Lines events; blank lines are skipped, bad ones kept.

    Lines are numbered from 1 in the order given; bytes must be UTF-8.
    """
    events: list[Event] = []
    numbers: list[int] = []
    bad: list[BadLine] = []
    with progress_bar(console) as progress:
        task = progress.add_task("reading events", total=len(lines))
        for number, line in enumerate(lines, start=1):
            if number % _PROGRESS_EVERY == 0:
                progress.update(task, completed=number)
            if not line.strip():
                continue
            event = read_event(line)
            if isinstance(event, str):
                bad.append(BadLine(line=number, problem=event))
                continue
            events.append(event)
            numbers.append(number)
        progress.update(task, completed=len(lines))
    return ParsedEvents(
        events=tuple(events), lines=tuple(numbers), bad=tuple(bad)
    )


def _counted(
    events: Sequence[Event], progress: Progress, description: str
) -> Iterator[Event]:
    task = progress.add_task(description, total=len(events))
    for index, event in enumerate(events):
        if index % _PROGRESS_EVERY == 0:
            progress.update(task, completed=index)
        yield event
    progress.update(task, completed=len(events))


def replay_events(
    parsed: ParsedEvents,
    /,
    *,
    policy: Policy,
    console: Console,
    customers: Iterable[CustomerId] = (),
) -> Replayed:
    """Replay the parsed events, collecting refused ones by line number.

    ``customers`` without events start (and stay) suspects in acquisition.
    """
    initial = {cid: cc.RelationshipState(customer_id=cid) for cid in customers}
    with progress_bar(console) as progress:
        replays = cc.relationship.replay_many(
            _counted(parsed.events, progress, "replaying events"),
            policy=policy,
            initial=initial,
            on_error="collect",
        )
    refused = sorted(
        (
            BadLine(
                line=parsed.lines[rejection.index],
                problem=str(rejection.error),
            )
            for replay in replays.values()
            for rejection in replay.rejected
        ),
        key=lambda bad: bad.line,
    )
    return Replayed(replays=replays, refused=tuple(refused))


def _bar(count: int, most: int) -> str:
    if most <= 0:
        return ""
    return "█" * max(1 if count else 0, round(_BAR_WIDTH * count / most))


def _share(count: int, total: int) -> str:
    return f"{100 * count / total:5.1f} %" if total else "-"


def _as_of(states: Iterable[RelationshipState]) -> datetime | None:
    moments = [s.last_event_at for s in states if s.last_event_at is not None]
    return max(moments) if moments else None


def funnel_table(
    states: Sequence[RelationshipState], /, *, policy: Policy
) -> Table:
    """The loyalty ladder: who is on each rung now, and who ever got there."""
    from rich.table import Table  # noqa: PLC0415 - only when drawing

    funnel = cc.relationship.loyalty_funnel(states, policy=policy)
    table = Table(
        title="Loyalty ladder (Christopher, Payne & Ballantyne 1991)",
        title_justify="left",
    )
    table.add_column("rung", no_wrap=True)
    table.add_column("now", justify="right")
    table.add_column("share", justify="right")
    table.add_column("reached", justify="right")
    table.add_column("funnel (reached)")
    most = max((rung.reached for rung in funnel.rungs), default=0)
    for rung in funnel.rungs:
        table.add_row(
            rung.stage.info.label_en,
            f"{rung.current:,}",
            _share(rung.current, funnel.customers),
            f"{rung.reached:,}",
            _bar(rung.reached, most),
        )
    return table


def lifecycle_table(
    states: Sequence[RelationshipState],
    /,
    *,
    types: Mapping[CustomerId, CustomerType],
) -> Table:
    """Customers in each lifecycle stage, split by customer type if known."""
    from rich.table import Table  # noqa: PLC0415 - only when drawing

    total = len(states)
    table = Table(
        title="Relationship lifecycle (Stone & Woodcock)",
        title_justify="left",
    )
    table.add_column("stage", no_wrap=True)
    table.add_column("total", justify="right")
    table.add_column("share", justify="right", no_wrap=True)
    kinds = sorted({t.value for t in types.values()})
    for kind in kinds:
        table.add_column(kind, justify="right")
    if not kinds:
        table.add_column("")
    by_stage = Counter(s.lifecycle for s in states)
    by_type = Counter(
        (s.lifecycle, types[s.customer_id].value)
        for s in states
        if s.customer_id in types
    )
    most = max(by_stage.values(), default=0)
    for stage in cc.LifecycleStage:
        table.add_row(
            stage.info.label_en,
            f"{by_stage[stage]:,}",
            _share(by_stage[stage], total),
            *(f"{by_type[stage, kind]:,}" for kind in kinds),
            *([] if kinds else [_bar(by_stage[stage], most)]),
        )
    return table


def _shown_value(metric: str, value: float | None) -> str:
    # A record keeps only guards that passed, and a passed guard observed a
    # value; None is possible only in the GuardCheck type.
    if value is None:  # pragma: no cover - see above
        return "-"
    if metric == "complaint_severity":
        return list(cc.Severity)[int(value) - 1].value
    return f"{value:g}"


def reason_of(replay: Replay, /) -> str:
    """Why the customer is in their lifecycle stage, from the last move."""
    record = replay.last_record("lifecycle")
    if record is None:
        return "-"
    evidence = "; ".join(
        f"{g.metric.replace('_', ' ')} "
        f"{_shown_value(g.metric, g.observed)} (needs "
        f"{g.op.replace('_', ' ')} {_shown_value(g.metric, g.required)})"
        for g in record.guards
    )
    when = record.occurred_at.date().isoformat()
    text = f"{cc.relationship.reason_label(record.reason_code)} on {when}"
    return f"{text}: {evidence}" if evidence else text


def actions_of(state: RelationshipState, /, *, most: int = 2) -> str:
    """The playbook's first recommended actions for the state."""
    actions = cc.relationship.recommended_actions(state)
    titles = [action.title for action in actions[:most]]
    more = len(actions) - len(titles)
    return "; ".join(titles) + (f" (+{more} more)" if more > 0 else "")


def _listing_key(replay: Replay) -> tuple[int, datetime, str]:
    """Highest rungs first, then the most recent (by reverse sort)."""
    state = replay.state
    return (
        state.loyalty.rank,
        state.lifecycle_since or datetime.min.replace(tzinfo=UTC),
        state.customer_id,
    )


def top_at_risk(replays: Iterable[Replay], /, *, limit: int) -> list[Replay]:
    """The ``limit`` replays a listing shows: highest rungs, most recent."""
    return heapq.nlargest(limit, replays, key=_listing_key)


@final
@attrs.frozen(kw_only=True)
class Standing:
    """What the report shows of a replayed customer base.

    Built from every customer's replay (:meth:`of`), or from the columnar
    replay's tables (``customer-centric replay`` with polars), which keep
    a full :class:`~customer_centric.relationship.Replay` only for the
    customers a listing shows.

    Attributes:
        states: One state per customer (the tables count them only, so
            customers alike may share one object).
        applied: How many events were applied.
        reasons: Customers in trouble by lifecycle stage and the reason
            code of their last lifecycle move (``"-"`` without one).
        members: Customers in each trouble stage.
        listed: The replays listed for each trouble stage, in order.
    """

    states: Sequence[RelationshipState]
    applied: int
    reasons: Mapping[tuple[cc.LifecycleStage, str], int]
    members: Mapping[cc.LifecycleStage, int]
    listed: Mapping[cc.LifecycleStage, Sequence[Replay]]

    @classmethod
    def of(
        cls, replays: Mapping[CustomerId, Replay], /, *, limit: int
    ) -> Standing:
        """The standing of every customer's replay."""
        risky = [
            replay
            for replay in replays.values()
            if replay.state.lifecycle.group
            is cc.relationship.StageGroup.IN_TROUBLE
        ]
        reasons = Counter((r.state.lifecycle, last_reason(r)) for r in risky)
        members = Counter(r.state.lifecycle for r in risky)
        listed = {
            stage: top_at_risk(
                (r for r in risky if r.state.lifecycle is stage), limit=limit
            )
            for stage in members
        }
        return cls(
            states=[r.state for r in replays.values()],
            applied=sum(r.applied for r in replays.values()),
            reasons=reasons,
            members=members,
            listed=listed,
        )


@final
@attrs.frozen(kw_only=True)
class ReplayedFile:
    """An events file replayed: the report's standing and the bad lines.

    ``lines`` counts the lines that are not blank; ``unreadable`` are
    lines that are not events, ``refused`` events the engine refused.
    """

    standing: Standing
    unreadable: list[BadLine]
    refused: list[BadLine]
    lines: int


def last_reason(replay: Replay, /) -> str:
    """The reason code of the last lifecycle move, or ``"-"``."""
    record = replay.last_record("lifecycle")
    return record.reason_code if record is not None else "-"


def at_risk_tables(
    standing: Standing,
    /,
    *,
    types: Mapping[CustomerId, CustomerType],
) -> tuple[Table, list[Table]]:
    """Customers in intensive care or potential divorce: reasons and lists.

    Returns a summary by stage and reason (most customers first, ties by
    reason code), and for each of the two stages the listed customers on
    the highest rungs (the most valuable relationships), most recent
    first among equals.
    """
    from rich.table import Table  # noqa: PLC0415 - only when drawing

    summary = Table(title="Customers at risk, by reason", title_justify="left")
    summary.add_column("stage")
    summary.add_column("reason")
    summary.add_column("customers", justify="right")
    for (stage, reason), count in sorted(
        standing.reasons.items(),
        key=lambda item: (item[0][0].rank, -item[1], item[0][1]),
    ):
        summary.add_row(
            stage.info.label_en,
            shown(cc.relationship.reason_label(reason)),
            f"{count:,}",
        )
    as_of = _as_of(standing.states)
    listings: list[Table] = []
    for stage in sorted(
        cc.relationship.StageGroup.IN_TROUBLE.stages, key=lambda s: s.rank
    ):
        listed = standing.listed.get(stage, ())
        if not listed:
            continue
        listing = Table(
            title=(
                f"{stage.info.label_en}: {len(listed)} of "
                f"{standing.members[stage]:,} "
                "(highest rungs first, then the most recent)"
            ),
            title_justify="left",
            show_lines=True,
        )
        listing.add_column("customer", overflow="fold")
        listing.add_column("type", overflow="fold")
        listing.add_column("loyalty", overflow="fold")
        listing.add_column("days", justify="right", overflow="fold")
        listing.add_column("why", overflow="fold")
        listing.add_column("recommended actions", overflow="fold")
        for replay in listed:
            state = replay.state
            days = (
                state.days_in_stage("lifecycle", as_of=as_of)
                if as_of is not None
                else None
            )
            kind = types.get(state.customer_id)
            listing.add_row(
                shown(state.customer_id),
                kind.value if kind is not None else "-",
                state.loyalty.info.label_en,
                "-" if days is None else str(days),
                shown(reason_of(replay)),
                shown(actions_of(state)),
            )
        listings.append(listing)
    return summary, listings


def render(
    console: Console,
    replayed: Replayed | Standing,
    /,
    *,
    policy: Policy,
    policy_name: str = "default policy",
    customers: Sequence[Customer] = (),
    limit: int = 15,
) -> None:
    """Print the whole relationship report.

    The policy shows by ``policy_name`` (``"default policy"`` or the file
    it came from) and the start of its fingerprint. A :class:`Standing`
    is drawn as it is (its listings already cut to the limit).
    """
    from rich.markup import escape  # noqa: PLC0415 - only when drawing

    standing = (
        replayed
        if isinstance(replayed, Standing)
        else Standing.of(replayed.replays, limit=limit)
    )
    states = standing.states
    types = {c.customer_id: c.type for c in customers}
    as_of = _as_of(states)
    console.print(
        f"[bold]{len(states):,} customers[/bold], {standing.applied:,} events "
        f"applied, as of {as_of.date().isoformat() if as_of else '-'}, "
        f"{escape(printable(policy_name))} "
        f"(fingerprint {policy.fingerprint[:12]})"
    )
    if types:
        mix = Counter(t.value for t in types.values())
        console.print(
            "customer types: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(mix.items()))
        )
    console.print()
    console.print(funnel_table(states, policy=policy))
    console.print()
    console.print(lifecycle_table(states, types=types))
    console.print()
    summary, listings = at_risk_tables(standing, types=types)
    console.print(summary)
    for listing in listings:
        console.print()
        console.print(listing)


def report_bad_lines(
    console: Console, source: str, bad: Iterable[BadLine], /
) -> None:
    """Print each rejected line as ``SOURCE:LINE: problem``, in order."""
    for item in bad:
        console.print(
            printable(f"{source}:{item.line}: {item.problem}"),
            markup=False,
            emoji=False,
            highlight=False,
            soft_wrap=True,
        )
