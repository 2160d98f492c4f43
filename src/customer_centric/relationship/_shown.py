"""How relationship answers show: short reprs and notebook tables.

:class:`~customer_centric.relationship.Outcome`,
:class:`~customer_centric.relationship.Replay`,
:class:`~customer_centric.relationship.Explanation` and
:class:`~customer_centric.relationship.LoyaltyFunnel` keep their ``repr``
to one line and show as tables in Jupyter (HTML, or Markdown); the
functions here build both, so the engine and funnel modules only name
them. Reason codes show
as their :func:`~customer_centric.relationship.reason_label`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from customer_centric._display import NO_VALUE, Table
from customer_centric.relationship._labels import reason_label
from customer_centric.relationship._policy import DIMENSIONS, target_shown

if TYPE_CHECKING:
    from customer_centric.relationship._engine import (
        Explanation,
        Outcome,
        Replay,
        RuleCheck,
    )
    from customer_centric.relationship._funnel import LoyaltyFunnel

__all__ = [
    "explanation_repr",
    "explanation_tables",
    "funnel_repr",
    "funnel_tables",
    "outcome_repr",
    "outcome_tables",
    "replay_repr",
    "replay_tables",
    "rule_result",
]

_SHORT: Final = 12
"""Characters of a policy fingerprint shown (as on the command line)."""


def rule_result(check: RuleCheck, /) -> str:
    """What a candidate rule did: "fires", "not reached" or "held"."""
    if check.fired:
        return "fires"
    if all(c.passed for c in check.checks):
        return "not reached"
    return "held"


def _moves(outcome: Outcome) -> str:
    if outcome.duplicate:
        return "duplicate"
    moves = ", ".join(
        f"{r.dimension} {r.from_stage.value}->{r.to_stage.value}"
        for r in outcome.records
    )
    return moves or "no move"


def outcome_repr(outcome: Outcome, /) -> str:
    """One line: customer, event, the moves and how many rules are held."""
    return (
        f"Outcome({outcome.state.customer_id!r} {outcome.event.kind}: "
        f"{_moves(outcome)}; {len(outcome.held)} held)"
    )


def outcome_tables(outcome: Outcome, /) -> tuple[Table, ...]:
    """The new stages with the moves' rules and reasons, then held rules."""
    state = outcome.state
    moved = {r.dimension: r for r in outcome.records}
    rows: list[tuple[str, str, str, str, str]] = []
    for dimension in DIMENSIONS:
        stage = state.loyalty if dimension == "loyalty" else state.lifecycle
        record = moved.get(dimension)
        if record is None:
            rows.append((dimension, stage.value, "stayed", NO_VALUE, NO_VALUE))
        else:
            rows.append(
                (
                    dimension,
                    stage.value,
                    f"from {record.from_stage.value}",
                    record.rule_id,
                    reason_label(record.reason_code),
                )
            )
    caption = (
        f"{outcome.event.kind} for {state.customer_id!r}: {_moves(outcome)} "
        f"(policy {outcome.policy_fingerprint[:_SHORT]})"
    )
    shown = Table(
        caption, rows, header=("dimension", "stage", "move", "rule", "reason")
    )
    if not outcome.held:
        return (shown,)
    return (
        shown,
        Table(
            "Held rules (guards not met yet)",
            [
                (
                    held.rule_id,
                    held.target,
                    "; ".join(check.describe() for check in held.failed),
                )
                for held in outcome.held
            ],
            header=("rule", "would move to", "failed guards"),
        ),
    )


def _verdict(explanation: Explanation) -> str:
    error = explanation.error
    return "accepted" if error is None else f"refused: {error}"


def explanation_repr(explanation: Explanation, /) -> str:
    """One line: customer, event, verdict and how many rules were tried."""
    event = explanation.event
    error = explanation.error
    verdict = "accepted" if error is None else type(error).__name__
    return (
        f"Explanation({event.customer_id!r} {event.kind}: {verdict}, "
        f"rules tried: {len(explanation.candidates)})"
    )


def explanation_tables(explanation: Explanation, /) -> tuple[Table, ...]:
    """Every rule tried, what it did, its reason and its failed guards."""
    state = explanation.state
    caption = (
        f"{explanation.event.kind} for {state.customer_id!r} (loyalty "
        f"{state.loyalty.value}, lifecycle {state.lifecycle.value}): "
        f"{_verdict(explanation)}"
    )
    table = Table(
        caption,
        [
            (
                check.rule.id,
                check.rule.dimension,
                target_shown(check.rule),
                rule_result(check),
                reason_label(check.rule.reason_code),
                "; ".join(c.describe() for c in check.checks if not c.passed)
                or NO_VALUE,
            )
            for check in explanation.candidates
        ],
        header=(
            "rule",
            "dimension",
            "target",
            "result",
            "reason",
            "failed guards",
        ),
    )
    return (table,)


def funnel_repr(funnel: LoyaltyFunnel, /) -> str:
    """One line: the customers, then the number on each rung."""
    rungs = ", ".join(f"{r.stage.value}={r.current}" for r in funnel.rungs)
    return f"LoyaltyFunnel(customers={funnel.customers}, {rungs})"


def funnel_tables(funnel: LoyaltyFunnel, /) -> tuple[Table, ...]:
    """One row per rung: now, share, reached and conversion from below."""
    rows = []
    for rung in funnel.rungs:
        conversion = funnel.conversion(rung.stage)
        rows.append(
            (
                rung.stage.info.label_en,
                f"{rung.current:,}",
                f"{rung.share:.1%}",
                f"{rung.reached:,}",
                NO_VALUE if conversion is None else f"{conversion:.1%}",
            )
        )
    table = Table(
        f"Loyalty funnel of {funnel.customers:,} customers",
        rows,
        header=(
            "rung",
            "customers now",
            "share now",
            "ever reached",
            "reached from the rung below",
        ),
    )
    return (table,)


_MOVES_SHOWN: Final = 30
"""Moves a replay's table lists, the latest ones; older ones are counted."""


def replay_repr(replay: Replay, /) -> str:
    """One line: customer, stages now, events applied, refused, repeated."""
    state = replay.state
    return (
        f"Replay({state.customer_id!r}: loyalty {state.loyalty.value}, "
        f"lifecycle {state.lifecycle.value}; {replay.applied} applied, "
        f"{len(replay.rejected)} refused, {len(replay.duplicates)} repeated)"
    )


def replay_tables(replay: Replay, /) -> tuple[Table, ...]:
    """The moves, latest last, each with its rule and reason; refusals."""
    state, history = replay.state, replay.history
    shown = history[-_MOVES_SHOWN:]
    older = len(history) - len(shown)
    caption = (
        f"Replay of {state.customer_id!r}: now loyalty "
        f"{state.loyalty.value}, lifecycle {state.lifecycle.value}; "
        f"{replay.applied} events applied, {len(history)} moves"
        + (f" (the {older} oldest not shown)" if older else "")
    )
    moves = Table(
        caption,
        [
            (
                r.occurred_at.isoformat(),
                r.event_kind,
                r.dimension,
                f"{r.from_stage.value} -> {r.to_stage.value}",
                r.rule_id,
                reason_label(r.reason_code),
            )
            for r in shown
        ],
        header=("when", "event", "dimension", "move", "rule", "reason"),
    )
    if not replay.rejected:
        return (moves,)
    refused = Table(
        f"Refused events ({len(replay.rejected)})",
        [
            (
                rejection.index,
                rejection.event.kind,
                rejection.event.occurred_at.isoformat(),
                str(rejection.error),
            )
            for rejection in replay.rejected
        ],
        header=("position", "event", "when", "why refused"),
    )
    return moves, refused
