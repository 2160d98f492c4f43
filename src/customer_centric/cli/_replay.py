"""``customer-centric replay``: where the customers of an events file stand."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

import customer_centric as cc
from customer_centric.cli._files import (
    NotUtf8Error,
    consoles,
    decode,
)
from customer_centric.cli._relationships import (
    LIMIT_OPTION,
    BadLine,
    ReplayedFile,
    Standing,
    describe_validation_error,
    progress_bar,
    read_event,
    render,
    report_bad_lines,
)
from customer_centric.cli._sources import Source, is_gzip, numbered_lines
from customer_centric.exceptions import PolicyError

if TYPE_CHECKING:
    from types import ModuleType

    from rich.progress import Progress

    from customer_centric.relationship import Event, PolicySyntax

_PROGRESS_EVERY: Final = 2_000

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def load_policy(
    path: Path | None, /, *, option: str = "--policy"
) -> cc.relationship.Policy:
    """The policy in a TOML or JSON file, or the default policy.

    A ``.toml`` file is TOML; any other is JSON, as before TOML was read.
    An unreadable or invalid file is a usage error of ``option``.
    """
    if path is None:
        return cc.relationship.DEFAULT_POLICY
    syntax: PolicySyntax = "toml" if path.suffix.lower() == ".toml" else "json"
    try:
        return cc.relationship.load_policy(path, syntax=syntax)
    except PolicyError as exc:
        msg = f"not a valid policy: {exc}"
        raise click.BadParameter(msg, param_hint=f"'{option}'") from exc


def policy_name(path: Path | None, /) -> str:
    """How the report names a policy: its file's name, or the default."""
    return "default policy" if path is None else f"policy {path.name}"


class _EventStream:
    """The events of a file, read a line at a time as the engine asks.

    Memory stays bounded by the customers, not the file: only each
    event's line number is kept (eight bytes), to report refusals.
    """

    def __init__(self, path: Path) -> None:
        self._source = Source(
            path=path, format="jsonl", compressed=is_gzip(path)
        )
        self.lines = array("q")
        self.bad: list[BadLine] = []

    def events(self, progress: Progress) -> Iterator[Event]:
        """Each readable event; bad lines are kept in :attr:`bad`."""
        size = None if self._source.compressed else _size(self._source.path)
        task = progress.add_task("replaying events (bytes read)", total=size)
        done = 0
        for number, line in numbered_lines(self._source):
            done += len(line) + 1
            if number % _PROGRESS_EVERY == 0:
                progress.update(task, completed=done)
            if not line.strip():
                continue
            event = read_event(line)
            if isinstance(event, str):
                self.bad.append(BadLine(line=number, problem=event))
                continue
            self.lines.append(number)
            yield event
        progress.update(task, completed=size if size is not None else done)


def _size(path: Path) -> int:
    return path.stat().st_size


def load_customers(
    path: Path, /
) -> tuple[tuple[cc.Customer, ...], tuple[BadLine, ...]]:
    """The customers in a JSON Lines file, and the lines that are not."""
    from pydantic import ValidationError  # noqa: PLC0415 - only when run

    customers: list[cc.Customer] = []
    bad: list[BadLine] = []
    source = Source(path=path, format="jsonl", compressed=is_gzip(path))
    for number, line in numbered_lines(source):
        if not line.strip():
            continue
        try:
            customers.append(cc.Customer.model_validate_json(decode(line)))
        except NotUtf8Error as exc:
            bad.append(BadLine(line=number, problem=str(exc)))
        except ValidationError as exc:
            bad.append(
                BadLine(line=number, problem=describe_validation_error(exc))
            )
    if not customers and not bad:
        msg = (
            f"{path} has no customers: it is empty or holds only blank "
            "lines; write one Customer as JSON per line"
        )
        raise click.ClickException(msg)
    return tuple(customers), tuple(bad)


@click.command()
@click.argument("events_file", type=_FILE)
@click.option(
    "--policy",
    "policy_file",
    type=_FILE,
    help=(
        "A Policy as a .toml file, or JSON (default: the library's "
        "DEFAULT_POLICY)."
    ),
)
@click.option(
    "--customers",
    "customers_file",
    type=_FILE,
    help=(
        "Customer records as JSON Lines: adds the split by customer type, "
        "and customers without events count as suspects."
    ),
)
@LIMIT_OPTION
def replay(
    events_file: Path,
    policy_file: Path | None,
    customers_file: Path | None,
    limit: int,
) -> None:
    """Replay EVENTS_FILE and show where every customer stands, and why.

    EVENTS_FILE holds one relationship event per line as JSON, with a
    "kind" such as "first_purchase" (JSON Lines, gzip-compressed or not).
    It is read a line at a time, so memory grows with the customers, not
    with the file: with the dataframe extra (polars) installed the events
    are partitioned by customer and each part replayed in columns (about
    twice as fast), else they are replayed as they are read. A line that
    cannot be read, or whose event the engine refuses (no rule allows it
    from the customer's stages, or it is older than the customer's last
    event), is reported on standard error as FILE:LINE: problem; every
    other line is still applied. Lines are numbered as editors and grep -n
    number them, and must be UTF-8 text (a byte-order mark at the start is
    allowed).

    Exit status: 0 when every line was accepted, 1 when any line was
    rejected or a file has no events (or customers) at all, 2 for a usage
    error (a missing file or an invalid policy).
    """
    console, errors = consoles()
    policy = load_policy(policy_file)
    customers: tuple[cc.Customer, ...] = ()
    bad_customers: tuple[BadLine, ...] = ()
    if customers_file is not None:
        customers, bad_customers = load_customers(customers_file)
        report_bad_lines(errors, str(customers_file), bad_customers)
    columnar = _columnar_module()
    with progress_bar(errors) as progress:
        if columnar is None:
            read = _replay_records(
                events_file, policy, customers, progress, limit
            )
        else:
            read = columnar.replay_file(
                events_file,
                policy=policy,
                customers=customers,
                limit=limit,
                progress=progress,
            )
    if read.lines == 0:
        msg = (
            f"{events_file} has no events: it is empty or holds only blank "
            "lines; write one event as JSON per line"
        )
        raise click.ClickException(msg)
    rejected = sorted([*read.unreadable, *read.refused], key=lambda b: b.line)
    report_bad_lines(errors, str(events_file), rejected)
    render(
        console,
        read.standing,
        policy=policy,
        policy_name=policy_name(policy_file),
        customers=customers,
        limit=limit,
    )
    console.print()
    total = read.lines
    if rejected or bad_customers:
        console.print(
            f"[bold red]{len(rejected):,} of {total:,} event lines "
            f"rejected[/bold red] ({len(read.unreadable):,} unreadable, "
            f"{len(read.refused):,} refused by the policy)"
            + (
                f", {len(bad_customers):,} customer lines rejected"
                if bad_customers
                else ""
            )
            + "; see the messages on standard error."
        )
        raise SystemExit(1)
    console.print(f"all {total:,} event lines accepted.")


def _columnar_module() -> ModuleType | None:
    """The columnar path, or ``None`` without the dataframe extra."""
    try:
        from customer_centric.cli import _replay_columnar  # noqa: PLC0415
    except ImportError:
        return None
    return _replay_columnar


def _replay_records(
    events_file: Path,
    policy: cc.relationship.Policy,
    customers: tuple[cc.Customer, ...],
    progress: Progress,
    limit: int,
) -> ReplayedFile:
    """Replay the file's events as records, a line at a time."""
    stream = _EventStream(events_file)
    initial = {
        c.customer_id: cc.RelationshipState(customer_id=c.customer_id)
        for c in customers
    }
    replays = cc.relationship.replay_many(
        stream.events(progress),
        policy=policy,
        initial=initial,
        on_error="collect",
    )
    return ReplayedFile(
        standing=Standing.of(replays, limit=limit),
        unreadable=stream.bad,
        refused=[
            BadLine(line=stream.lines[r.index], problem=str(r.error))
            for replay in replays.values()
            for r in replay.rejected
        ],
        lines=len(stream.lines) + len(stream.bad),
    )
