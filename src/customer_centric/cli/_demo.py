"""``customer-centric demo``: the shipped customer base, end to end."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

import click

import customer_centric as cc
from customer_centric.cli._files import consoles
from customer_centric.cli._relationships import (
    LIMIT_OPTION,
    ParsedEvents,
    render,
    replay_events,
)

if TYPE_CHECKING:
    from rich.console import Console

CALIBRATION_END: Final = date(1997, 9, 30)
HOLDOUT_END: Final = date(1998, 6, 30)

# Fader, Hardie & Lee (2005) for BG/NBD; Fader & Hardie (2013) for
# Gamma-Gamma; both on this CDNOW sample, in weeks.
PUBLISHED: Final = {
    "BG/NBD.r": 0.243,
    "BG/NBD.alpha": 4.414,
    "BG/NBD.a": 0.793,
    "BG/NBD.b": 2.426,
    "Gamma-Gamma.p": 6.25,
    "Gamma-Gamma.q": 3.74,
    "Gamma-Gamma.gamma": 15.44,
}


def relationship_section(
    console: Console, errors: Console, limit: int
) -> None:
    """Replay the synthetic base and show where its customers stand."""
    customers = cc.datasets.load_demo_customers()
    events = cc.datasets.load_demo_events()
    parsed = ParsedEvents(
        events=events,
        lines=tuple(range(1, len(events) + 1)),
        bad=(),
    )
    replayed = replay_events(
        parsed,
        policy=cc.relationship.DEFAULT_POLICY,
        console=errors,
        customers=[c.customer_id for c in customers],
    )
    render(
        console,
        replayed,
        policy=cc.relationship.DEFAULT_POLICY,
        customers=customers,
        limit=limit,
    )


def clv_section(console: Console) -> None:
    """Fit and score the CDNOW sample, or say how to install ``[stats]``."""
    try:
        from customer_centric.cli import _clv_report  # noqa: PLC0415
    except ImportError:
        console.print(
            "The lifetime-value part needs the optional numerical models. "
            "Install them with:\n\n"
            "    pip install 'customer-centric[stats]'\n\n"
            "and run customer-centric demo again.",
            markup=False,
        )
        return
    split = cc.value.rfm_calibration_holdout(
        cc.datasets.load_cdnow_sample(),
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    result = _clv_report.fit_and_score(
        split.calibration,
        policy=cc.relationship.DEFAULT_POLICY,
        horizon=split.duration_holdout,
        horizon_months=12,
        monthly_discount_rate=0.01,
    )
    console.print(
        "CDNOW sample (Fader, Hardie & Lee 2005): fitted on the 39-week "
        f"calibration period to {CALIBRATION_END.isoformat()}, predicting "
        f"the holdout to {HOLDOUT_END.isoformat()}."
    )
    _clv_report.render(console, result, published=PUBLISHED)
    predicted = float(result.scores.expected_purchases.sum())
    actual = sum(split.frequency_holdout)
    console.print()
    console.print(
        f"Holdout check: the model expected {predicted:,.0f} purchases in "
        f"the {split.duration_holdout:g} holdout weeks; the customers made "
        f"{actual:,} ({100 * (predicted - actual) / actual:+.1f} %)."
    )


@click.command()
@LIMIT_OPTION
@click.option(
    "--clv/--no-clv",
    default=True,
    show_default=True,
    help="Show the lifetime-value part (needs the [stats] extra).",
)
def demo(limit: int, clv: bool) -> None:  # noqa: FBT001 - a click flag
    """Replay the shipped demo customer base and value the CDNOW sample.

    Part one replays the synthetic base shipped in the package (a few
    thousand internal, intermediate and external customers, generated from
    a fixed seed) under the default policy, and shows the loyalty-ladder
    funnel, the lifecycle distribution and the customers in intensive care
    or potential divorce with the reason for each and the recommended
    actions. Part two fits BG/NBD and Gamma-Gamma on the CDNOW sample and
    shows expected purchases, the distribution of the probability of being
    alive and the lifetime value by loyalty stage.
    """
    from rich.rule import Rule  # noqa: PLC0415 - only when run

    console, errors = consoles()
    console.print(Rule("Where the customers stand (synthetic demo base)"))
    relationship_section(console, errors, limit)
    if clv:
        console.print()
        console.print(Rule("What the customers are worth (CDNOW sample)"))
        clv_section(console)
