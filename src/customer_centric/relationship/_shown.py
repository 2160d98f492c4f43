"""How relationship answers show: short reprs and notebook tables.

:class:`~customer_centric.relationship.Outcome`,
:class:`~customer_centric.relationship.Explanation` and
:class:`~customer_centric.relationship.LoyaltyFunnel` keep their ``repr``
to one line and show as HTML tables in Jupyter; the functions here build
both, so the engine and funnel modules only name them. Reason codes show
as their :func:`~customer_centric.relationship.reason_label`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from customer_centric._display import NO_VALUE, html_table
from customer_centric.relationship._labels import reason_label
from customer_centric.relationship._policy import DIMENSIONS, target_shown

if TYPE_CHECKING:
    from customer_centric.relationship._engine import (
        Explanation,
        Outcome,
        RuleCheck,
    )
    from customer_centric.relationship._funnel import LoyaltyFunnel

__all__ = [
    "explanation_html",
    "explanation_repr",
    "funnel_html",
    "funnel_repr",
    "outcome_html",
    "outcome_repr",
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


def outcome_html(outcome: Outcome, /) -> str:
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
    shown = html_table(
        caption, rows, header=("dimension", "stage", "move", "rule", "reason")
    )
    if outcome.held:
        shown += html_table(
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
        )
    return shown


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


def explanation_html(explanation: Explanation, /) -> str:
    """Every rule tried, what it did, its reason and its failed guards."""
    state = explanation.state
    caption = (
        f"{explanation.event.kind} for {state.customer_id!r} (loyalty "
        f"{state.loyalty.value}, lifecycle {state.lifecycle.value}): "
        f"{_verdict(explanation)}"
    )
    return html_table(
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


def funnel_repr(funnel: LoyaltyFunnel, /) -> str:
    """One line: the customers, then the number on each rung."""
    rungs = ", ".join(f"{r.stage.value}={r.current}" for r in funnel.rungs)
    return f"LoyaltyFunnel(customers={funnel.customers}, {rungs})"


def funnel_html(funnel: LoyaltyFunnel, /) -> str:
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
    return html_table(
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
