"""``customer-centric what-if``: the same events under two policies."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

import customer_centric as cc
from customer_centric.cli._files import (
    consoles,
    printable,
    shown,
)
from customer_centric.cli._relationships import parse_lines, report_bad_lines
from customer_centric.cli._replay import load_policy, policy_name
from customer_centric.cli._sources import Source, is_gzip, numbered_lines

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from customer_centric.relationship import (
        Divergence,
        PolicyComparison,
        Stage,
        StageMatrix,
        TransitionRecord,
    )

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_SHORT: Final = 12


def _label(stage: Stage) -> str:
    return stage.info.label_en


def moves_table(
    matrix: StageMatrix, /, *, current: str, proposed: str
) -> Table:
    """Where a dimension's customers stand under each policy, moved first."""
    from rich.table import Table  # noqa: PLC0415 - only when drawing

    table = Table(
        title=f"{matrix.dimension.capitalize()}: stage under each policy",
        title_justify="left",
    )
    table.add_column(shown(current))
    table.add_column(shown(proposed))
    table.add_column("customers", justify="right", no_wrap=True)
    for before, after, count in matrix.moves():
        table.add_row(_label(before), _label(after), f"{count:,}")
    table.add_row(
        "(same stage)", "(same stage)", f"{matrix.total - matrix.moved:,}"
    )
    return table


def _move(record: TransitionRecord | None) -> str:
    if record is None:
        return "no move"
    return (
        f"{_label(record.to_stage)} by {record.rule_id} "
        f"({cc.relationship.reason_label(record.reason_code)}, "
        f"{record.occurred_at.date().isoformat()})"
    )


def _where(state: cc.RelationshipState) -> str:
    return f"{_label(state.loyalty)}, {_label(state.lifecycle)}"


def customer_lines(
    divergence: Divergence, /, *, current: str, proposed: str
) -> list[str]:
    """A customer who lands elsewhere, and the first move that differs."""
    return [
        (
            f"{divergence.customer_id}: {_where(divergence.current)} "
            f"\N{RIGHTWARDS ARROW} {_where(divergence.proposed)}"
        ),
        (
            f"  first difference {divergence.at.date().isoformat()} "
            f"({divergence.dimension})"
        ),
        f"  {current}: {_move(divergence.current_move)}",
        f"  {proposed}: {_move(divergence.proposed_move)}",
    ]


def _name(path: Path | None) -> str:
    return "default" if path is None else printable(path.name)


@click.command("what-if")
@click.argument("events_file", type=_FILE)
@click.option(
    "--policy",
    "policy_file",
    type=_FILE,
    help=(
        "The policy in force, as a .toml file or JSON (default: the "
        "library's DEFAULT_POLICY)."
    ),
)
@click.option(
    "--against",
    "against_file",
    type=_FILE,
    required=True,
    help="The proposed policy, as a .toml file or JSON.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=15,
    show_default=True,
    help="How many customers who land elsewhere to list.",
)
def what_if(
    events_file: Path,
    policy_file: Path | None,
    against_file: Path,
    limit: int,
) -> None:
    """Replay EVENTS_FILE under two policies and show who lands elsewhere.

    EVENTS_FILE holds one relationship event per line as JSON (JSON
    Lines), as for replay. The events are replayed under --policy (the
    policy in force) and under --against (the proposal); the report shows,
    per dimension, how many customers stand in each stage under each
    policy, then each customer who lands elsewhere with the first move
    that differs: the rule each policy fired, and when. A policy file
    ending in .toml is TOML (Policy.to_toml() writes one), any other is
    JSON. An event a policy refuses is counted for that policy, not
    reported by line.

    Exit status: 0 when every line was read, 1 when a line could not be
    read or the file has no events, 2 for a usage error (a missing file or
    an invalid policy).
    """
    console, errors = consoles()
    current = load_policy(policy_file)
    proposed = load_policy(against_file, option="--against")
    source = Source(
        path=events_file, format="jsonl", compressed=is_gzip(events_file)
    )
    parsed = parse_lines(
        [line for _, line in numbered_lines(source)], console=errors
    )
    if not parsed.events and not parsed.bad:
        msg = (
            f"{events_file} has no events: it is empty or holds only blank "
            "lines; write one event as JSON per line"
        )
        raise click.ClickException(msg)
    report_bad_lines(errors, str(events_file), parsed.bad)
    comparison = cc.relationship.compare_policies(
        parsed.events, current=current, proposed=proposed
    )
    current_name, proposed_name = _name(policy_file), _name(against_file)
    _render(
        console,
        comparison,
        names=(policy_name(policy_file), policy_name(against_file)),
        columns=(current_name, proposed_name),
        limit=limit,
    )
    if parsed.bad:
        console.print(
            f"[bold red]{len(parsed.bad):,} event lines unreadable"
            "[/bold red]; see the messages on standard error."
        )
        raise SystemExit(1)


def _render(
    console: Console,
    comparison: PolicyComparison,
    /,
    *,
    names: tuple[str, str],
    columns: tuple[str, str],
    limit: int,
) -> None:
    from rich.markup import escape  # noqa: PLC0415 - only when drawing

    moved = len(comparison.divergences)
    share = moved / comparison.customers if comparison.customers else 0.0
    console.print(
        f"[bold]What if[/bold]: {escape(printable(names[0]))} "
        f"(fingerprint {comparison.current_fingerprint[:_SHORT]})"
        f" \N{RIGHTWARDS ARROW} {escape(printable(names[1]))} "
        f"(fingerprint {comparison.proposed_fingerprint[:_SHORT]})"
    )
    console.print(
        f"{comparison.customers:,} customers replayed; [bold]{moved:,} land "
        f"elsewhere[/bold] ({share:.1%})."
    )
    if comparison.rejected_current or comparison.rejected_proposed:
        console.print(
            f"events refused: {comparison.rejected_current:,} under "
            f"{escape(columns[0])}, {comparison.rejected_proposed:,} under "
            f"{escape(columns[1])}."
        )
    for matrix in (comparison.loyalty, comparison.lifecycle):
        console.print()
        console.print(
            moves_table(matrix, current=columns[0], proposed=columns[1])
        )
    listed = comparison.divergences[:limit]
    if listed:
        console.print()
        console.print(
            f"[bold]Customers who land elsewhere[/bold] ({len(listed):,} of "
            f"{moved:,})"
        )
    for divergence in listed:
        for line in customer_lines(
            divergence, current=columns[0], proposed=columns[1]
        ):
            console.print(shown(line))
