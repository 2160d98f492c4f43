"""``customer-centric replay``: where the customers of an events file stand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

import customer_centric as cc
from customer_centric.cli._files import (
    NotUtf8Error,
    consoles,
    decode,
    read_bytes,
    split_lines,
)
from customer_centric.cli._relationships import (
    LIMIT_OPTION,
    BadLine,
    describe_validation_error,
    parse_lines,
    render,
    replay_events,
    report_bad_lines,
)
from customer_centric.exceptions import PolicyError

if TYPE_CHECKING:
    from customer_centric.relationship import PolicySyntax

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


def load_customers(
    path: Path, /
) -> tuple[tuple[cc.Customer, ...], tuple[BadLine, ...]]:
    """The customers in a JSON Lines file, and the lines that are not."""
    from pydantic import ValidationError  # noqa: PLC0415 - only when run

    customers: list[cc.Customer] = []
    bad: list[BadLine] = []
    for number, line in enumerate(split_lines(read_bytes(path)), start=1):
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
    "kind" such as "first_purchase" (JSON Lines). A line that cannot be
    read, or whose event the engine refuses (no rule allows it from the
    customer's stages, or it is older than the customer's last event), is
    reported on standard error as FILE:LINE: problem; every other line is
    still applied. Lines are numbered as editors and grep -n number them,
    and must be UTF-8 text (a byte-order mark at the start is allowed).

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
    parsed = parse_lines(split_lines(read_bytes(events_file)), console=errors)
    total = len(parsed.events) + len(parsed.bad)
    if total == 0:
        msg = (
            f"{events_file} has no events: it is empty or holds only blank "
            "lines; write one event as JSON per line"
        )
        raise click.ClickException(msg)
    replayed = replay_events(
        parsed,
        policy=policy,
        console=errors,
        customers=[c.customer_id for c in customers],
    )
    rejected = sorted([*parsed.bad, *replayed.refused], key=lambda b: b.line)
    report_bad_lines(errors, str(events_file), rejected)
    render(
        console,
        replayed,
        policy=policy,
        policy_name=policy_name(policy_file),
        customers=customers,
        limit=limit,
    )
    console.print()
    if rejected or bad_customers:
        console.print(
            f"[bold red]{len(rejected):,} of {total:,} event lines "
            f"rejected[/bold red] ({len(parsed.bad):,} unreadable, "
            f"{len(replayed.refused):,} refused by the policy)"
            + (
                f", {len(bad_customers):,} customer lines rejected"
                if bad_customers
                else ""
            )
            + "; see the messages on standard error."
        )
        raise SystemExit(1)
    console.print(f"all {total:,} event lines accepted.")
