"""Fitting and showing the customer-base models on an RFM summary (internal).

Shared by ``customer-centric score`` and the CLV part of ``demo``: fit
BG/NBD (and Gamma-Gamma when amounts are known) on an
:class:`~customer_centric.value.RFMSummary`, score every customer with
:func:`customer_centric.clv.score_customers`, and render the fit, the
distribution of the probability of being alive and the value by loyalty
stage. Needs the ``[stats]`` extra; import it only after checking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final, final

import attrs
import numpy as np
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

import customer_centric as cc
from customer_centric import clv
from customer_centric.cli._files import shown
from customer_centric.exceptions import ConvergenceError, InvariantError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from customer_centric._arrays import FloatArray
    from customer_centric.relationship import Policy
    from customer_centric.value import RFMSummary

_ALIVE_BINS: Final = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
_BAR_WIDTH: Final = 20


@final
@attrs.frozen(kw_only=True, eq=False)
class ClvResult:
    """The fits and per-customer scores of one summary."""

    summary: RFMSummary
    purchase_fit: clv.BgNbdFit
    spend_fit: clv.GammaGammaFit | None
    spend_note: str
    scores: clv.CustomerScores
    stages: tuple[cc.LoyaltyStage, ...]
    days_per_unit: float


def loyalty_stage(
    frequency: int, /, *, policy: Policy, first_purchase_counts: bool = False
) -> cc.LoyaltyStage:
    """The rung a purchase history alone supports: customer or client.

    Purchases are the repeat purchases plus the first one (unless the
    summary already counted it); the policy's ``client_min_purchases``
    (first purchase included) makes a client, as the engine's
    ``loyalty.client`` rule does. Transactions cannot show referrals, so
    nobody is derived to be an advocate.
    """
    purchases = frequency if first_purchase_counts else frequency + 1
    if purchases >= policy.client_min_purchases:
        return cc.LoyaltyStage.CLIENT
    return cc.LoyaltyStage.CUSTOMER


def fit_and_score(
    summary: RFMSummary,
    /,
    *,
    policy: Policy,
    horizon: float,
    horizon_months: int,
    monthly_discount_rate: float,
) -> ClvResult:
    """Fit BG/NBD (and Gamma-Gamma with amounts) and score every customer."""
    x = np.asarray(summary.frequency, dtype=np.float64)
    t_x = np.asarray(summary.recency, dtype=np.float64)
    big_t = np.asarray(summary.T, dtype=np.float64)
    purchase_fit = clv.fit_bg_nbd(x, t_x, big_t)
    days = cc.value.days_per_unit(summary.time_unit)
    spend_fit: clv.GammaGammaFit | None = None
    money: FloatArray | None = None
    note = "the transactions carry no amounts: no spend model, no CLV"
    if summary.monetary_value is not None:
        money = np.asarray(
            [float(v) for v in summary.monetary_value], dtype=np.float64
        )
        repeat = (x > 0) & (money > 0)
        if int(repeat.sum()) >= 2:  # noqa: PLR2004 - a fit needs some spread
            try:
                spend_fit = clv.fit_gamma_gamma(x[repeat], money[repeat])
            except ConvergenceError:
                note = (
                    "the Gamma-Gamma fit did not converge on these amounts, "
                    "so CLV uses each customer's own mean spend"
                )
            else:
                note = (
                    f"Gamma-Gamma fitted on {int(repeat.sum()):,} repeat "
                    "buyers with a positive mean spend"
                )
        else:
            note = (
                "too few repeat buyers for the Gamma-Gamma model: CLV uses "
                "each customer's own mean spend"
            )
    spend: clv.GammaGammaFit | FloatArray | None = (
        spend_fit if spend_fit is not None else money
    )
    settings = None
    if spend is not None:
        try:
            settings = clv.ClvSettings(
                time_unit=summary.time_unit,
                horizon_months=horizon_months,
                discount_rate=monthly_discount_rate,
                discount_rate_period="M",
            )
        except ValidationError as exc:
            # The options are typed and ranged; what is left is a rate too
            # large, refused in the settings' own words.
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise InvariantError(message) from exc
    scores = clv.score_customers(
        purchase_fit,
        x,
        t_x,
        big_t,
        horizon=horizon,
        spend=spend,
        monetary_value=money if spend_fit is not None else None,
        settings=settings,
    )
    stages = tuple(
        loyalty_stage(
            f,
            policy=policy,
            first_purchase_counts=summary.first_purchase_counts,
        )
        for f in summary.frequency
    )
    return ClvResult(
        summary=summary,
        purchase_fit=purchase_fit,
        spend_fit=spend_fit,
        spend_note=note,
        scores=scores,
        stages=stages,
        days_per_unit=days,
    )


def _unit_name(result: ClvResult) -> str:
    names = {1.0: "days", 7.0: "weeks", 365.25 / 12: "months"}
    return names.get(result.days_per_unit, f"x {result.days_per_unit:g} days")


def fit_table(
    result: ClvResult,
    /,
    *,
    published: dict[str, float] | None = None,
) -> Table:
    """The fitted parameters with standard errors (and published values)."""
    table = Table(title="Model fits", title_justify="left")
    table.add_column("model")
    table.add_column("parameter")
    table.add_column("estimate", justify="right")
    table.add_column("std. error", justify="right")
    if published:
        table.add_column("published", justify="right")
    fits: list[tuple[str, clv.BgNbdFit | clv.GammaGammaFit]] = [
        ("BG/NBD", result.purchase_fit)
    ]
    if result.spend_fit is not None:
        fits.append(("Gamma-Gamma", result.spend_fit))
    for model, fit in fits:
        for i, (name, value) in enumerate(fit.params.items()):
            row = [
                model if i == 0 else "",
                name,
                f"{value:.3f}",
                f"{fit.standard_errors[name]:.3f}",
            ]
            if published:
                known = published.get(f"{model}.{name}")
                row.append("" if known is None else f"{known:.3f}")
            table.add_row(*row)
        table.add_row(
            "", "log-likelihood", f"{fit.log_likelihood:,.1f}", "",
            *([""] if published else []),
        )  # fmt: skip
    return table


def alive_table(result: ClvResult, /) -> Table:
    """How many customers fall in each band of P(alive)."""
    alive = result.scores.probability_alive
    counts, _ = np.histogram(alive, bins=_ALIVE_BINS)
    total = int(alive.size)
    table = Table(
        title=(
            f"Probability of being alive (mean {float(alive.mean()):.2f}, "
            f"median {float(np.median(alive)):.2f})"
        ),
        title_justify="left",
    )
    table.add_column("P(alive)")
    table.add_column("customers", justify="right")
    table.add_column("share", justify="right")
    table.add_column("")
    most = int(counts.max()) if counts.size else 0
    for low, high, count in zip(
        _ALIVE_BINS[:-1], _ALIVE_BINS[1:], counts, strict=True
    ):
        closing = "]" if high == 1.0 else ")"
        bar = "█" * round(_BAR_WIDTH * int(count) / most) if most else ""
        table.add_row(
            f"[{low:.2f}, {high:.2f}{closing}",
            f"{int(count):,}",
            f"{100 * int(count) / total:5.1f} %",
            bar,
        )
    return table


def stage_table(result: ClvResult, /) -> Table:
    """Expected purchases, P(alive) and CLV by derived loyalty stage."""
    scores = result.scores
    lv = scores.lifetime_value
    stages = np.array([s.value for s in result.stages])
    table = Table(
        title=(
            "By loyalty stage (derived from purchases: client = at least "
            "the policy's client_min_purchases)"
        ),
        title_justify="left",
    )
    table.add_column("stage")
    table.add_column("customers", justify="right")
    table.add_column("mean P(alive)", justify="right")
    table.add_column(
        f"expected purchases ({scores.horizon:g} {_unit_name(result)})",
        justify="right",
    )
    if lv is not None:
        table.add_column(f"CLV {lv.horizon_months} months", justify="right")
        table.add_column("mean CLV", justify="right")
        table.add_column("share of CLV", justify="right")
    total_clv = float(lv.value.sum()) if lv is not None else 0.0
    for stage in (cc.LoyaltyStage.CUSTOMER, cc.LoyaltyStage.CLIENT):
        mask = stages == stage.value
        count = int(mask.sum())
        row = [
            stage.info.label_en,
            f"{count:,}",
            f"{float(scores.probability_alive[mask].mean()):.2f}"
            if count
            else "-",
            f"{float(scores.expected_purchases[mask].sum()):,.1f}",
        ]
        if lv is not None:
            value = float(lv.value[mask].sum())
            row += [
                f"{value:,.2f}",
                f"{value / count:,.2f}" if count else "-",
                f"{100 * value / total_clv:5.1f} %" if total_clv else "-",
            ]
        table.add_row(*row)
    return table


def top_table(result: ClvResult, /, *, limit: int) -> Table:
    """The customers with the highest CLV (or expected purchases)."""
    scores = result.scores
    lv = scores.lifetime_value
    key = lv.value if lv is not None else scores.expected_purchases
    order = np.argsort(-key, kind="stable")[:limit]
    table = Table(title=f"Top {len(order)} customers", title_justify="left")
    for name in ("customer", "x", "t_x", "T", "P(alive)", "E[purchases]"):
        table.add_column(
            escape(name), justify="left" if name == "customer" else "right"
        )
    if lv is not None:
        table.add_column(escape("E[spend]"), justify="right")
        table.add_column("CLV", justify="right")
    summary = result.summary
    for i in (int(j) for j in order):
        row: list[str | Text] = [
            shown(summary.customer_ids[i]),
            str(summary.frequency[i]),
            f"{summary.recency[i]:.2f}",
            f"{summary.T[i]:.2f}",
            f"{float(scores.probability_alive[i]):.3f}",
            f"{float(scores.expected_purchases[i]):.2f}",
        ]
        if lv is not None:
            row += [
                f"{float(lv.expected_spend[i]):,.2f}",
                f"{float(lv.value[i]):,.2f}",
            ]
        table.add_row(*row)
    return table


def render(
    console: Console,
    result: ClvResult,
    /,
    *,
    published: dict[str, float] | None = None,
    top: int = 10,
) -> None:
    """Print the fits, P(alive), value by stage and the top customers."""
    scores = result.scores
    lv = scores.lifetime_value
    summary = result.summary
    console.print(
        f"[bold]{len(summary):,} customers[/bold], "
        f"{sum(summary.frequency):,} repeat purchases, observed to "
        f"{summary.observation_end.isoformat()}, time unit "
        f"{_unit_name(result)}; {result.spend_note}."
    )
    console.print()
    console.print(fit_table(result, published=published))
    console.print()
    console.print(
        f"Expected purchases in the next {scores.horizon:g} "
        f"{_unit_name(result)}: "
        f"{float(scores.expected_purchases.sum()):,.1f} in total, "
        f"{float(scores.expected_purchases.mean()):.3f} per customer."
    )
    if lv is not None:
        console.print(
            f"CLV of the next {lv.horizon_months} months (discounted at "
            f"{100 * lv.monthly_discount_rate:g} % a month): "
            f"{float(lv.value.sum()):,.2f} in total, "
            f"{float(lv.value.mean()):,.2f} per customer, "
            f"{_top_share(lv.value):.0f} % from the top tenth."
        )
    console.print()
    console.print(alive_table(result))
    console.print()
    console.print(stage_table(result))
    if top > 0:
        console.print()
        console.print(top_table(result, limit=top))


def _top_share(values: FloatArray) -> float:
    total = float(values.sum())
    if total <= 0:
        return 0.0
    ordered = np.sort(values)[::-1]
    tenth = max(1, int(np.ceil(ordered.size / 10)))
    return 100 * float(ordered[:tenth].sum()) / total


def score_rows(result: ClvResult, /) -> Sequence[dict[str, object]]:
    """One row per customer, for the output file."""
    scores = result.scores
    lv = scores.lifetime_value
    summary = result.summary
    rows: list[dict[str, object]] = []
    for i, customer in enumerate(summary.customer_ids):
        row: dict[str, object] = {
            "customer_id": customer,
            "frequency": summary.frequency[i],
            "recency": summary.recency[i],
            "T": summary.T[i],
            "monetary_value": (
                float(summary.monetary_value[i])
                if summary.monetary_value is not None
                else None
            ),
            "loyalty_stage": result.stages[i].value,
            "probability_alive": float(scores.probability_alive[i]),
            "expected_purchases": float(scores.expected_purchases[i]),
            "expected_spend": (
                float(lv.expected_spend[i]) if lv is not None else None
            ),
            "clv": (float(lv.value[i]) if lv is not None else None),
        }
        rows.append(row)
    return rows
