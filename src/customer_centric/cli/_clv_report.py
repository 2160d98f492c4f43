"""Fitting and showing the customer-base models on an RFM summary (internal).

Shared by ``customer-centric score`` and the CLV part of ``demo``: fit
BG/NBD (and Gamma-Gamma when amounts are known) on an
:class:`~customer_centric.value.RFMSummary`, score every customer with
:func:`customer_centric.clv.score_customers`, and render the fit, the
distribution of the probability of being alive and the value by loyalty
stage. Needs the ``[stats]`` extra; import it only after checking.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Final, TypeAlias, final

import attrs
import numpy as np
import numpy.typing as npt
from pydantic import ValidationError
from rich.markup import escape
from rich.table import Table

import customer_centric as cc
from customer_centric import clv
from customer_centric.cli._files import shown
from customer_centric.exceptions import ConvergenceError, InvariantError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from rich.text import Text

    from customer_centric._arrays import FloatArray
    from customer_centric.relationship import Policy
    from customer_centric.value import RFMSummary, TimeUnit

_ALIVE_BINS: Final = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
_BAR_WIDTH: Final = 20


@final
@attrs.frozen(kw_only=True, eq=False)
class Base:
    """An RFM summary as arrays, from the pure-Python or a columnar path.

    ``patterns``, when given, are the unique (frequency, recency, T) rows
    and their customer counts, already compressed on the frame's engine;
    the purchase model is fitted on them instead of on every customer.
    """

    customer_ids: Sequence[str]
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    monetary_value: FloatArray | None
    observation_end: date
    time_unit: TimeUnit | timedelta
    first_purchase_counts: bool
    patterns: tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None = (
        None
    )

    @classmethod
    def from_summary(cls, summary: RFMSummary, /) -> Base:
        """The arrays of a :class:`~customer_centric.value.RFMSummary`."""
        money = summary.monetary_value
        return cls(
            customer_ids=summary.customer_ids,
            frequency=np.asarray(summary.frequency, dtype=np.float64),
            recency=np.asarray(summary.recency, dtype=np.float64),
            T=np.asarray(summary.T, dtype=np.float64),
            monetary_value=(
                None
                if money is None
                else np.asarray([float(v) for v in money], dtype=np.float64)
            ),
            observation_end=summary.observation_end,
            time_unit=summary.time_unit,
            first_purchase_counts=summary.first_purchase_counts,
        )

    def __len__(self) -> int:
        return len(self.customer_ids)


@final
@attrs.frozen(kw_only=True, eq=False)
class ClvResult:
    """The fits and per-customer scores of one summary."""

    summary: Base
    purchase_fit: clv.BgNbdFit
    spend_fit: clv.GammaGammaFit | None
    spend_note: str
    scores: clv.CustomerScores
    clients: npt.NDArray[np.bool_]
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
    if _is_client(
        frequency, policy, first_purchase_counts=first_purchase_counts
    ):
        return cc.LoyaltyStage.CLIENT
    return cc.LoyaltyStage.CUSTOMER


def _is_client(
    frequency: npt.ArrayLike, policy: Policy, /, *, first_purchase_counts: bool
) -> npt.NDArray[np.bool_]:
    """Whether each frequency makes a client (one rule, scalar or column)."""
    purchases = np.asarray(frequency) + (0 if first_purchase_counts else 1)
    return np.asarray(purchases >= policy.client_min_purchases)


def fit_and_score(
    summary: RFMSummary | Base,
    /,
    *,
    policy: Policy,
    horizon: float,
    horizon_months: int,
    monthly_discount_rate: float,
    progress: Progress | None = None,
) -> ClvResult:
    """Fit BG/NBD (and Gamma-Gamma with amounts) and score every customer."""
    base = summary if isinstance(summary, Base) else Base.from_summary(summary)
    x, t_x, big_t = base.frequency, base.recency, base.T
    with _phase(progress, "fitting the models", len(base)):
        if base.patterns is None:
            purchase_fit = clv.fit_bg_nbd(x, t_x, big_t)
        else:
            *rows, weights = base.patterns
            purchase_fit = clv.fit_bg_nbd(*rows, weights=weights)
        spend_fit, note = _spend_fit(x, base.monetary_value)
    money = base.monetary_value
    spend: clv.GammaGammaFit | FloatArray | None = (
        spend_fit if spend_fit is not None else money
    )
    settings = (
        None
        if spend is None
        else _settings(base.time_unit, horizon_months, monthly_discount_rate)
    )
    with _phase(progress, "scoring customers", len(base)):
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
    return ClvResult(
        summary=base,
        purchase_fit=purchase_fit,
        spend_fit=spend_fit,
        spend_note=note,
        scores=scores,
        clients=_is_client(
            x, policy, first_purchase_counts=base.first_purchase_counts
        ),
        days_per_unit=cc.value.days_per_unit(base.time_unit),
    )


@contextmanager
def _phase(
    progress: Progress | None, description: str, total: int
) -> Iterator[None]:
    """A progress task for one phase, finished with its total."""
    if progress is None:
        yield
        return
    task = progress.add_task(description, total=total)
    yield
    progress.update(task, completed=total)


def _spend_fit(
    x: FloatArray, money: FloatArray | None
) -> tuple[clv.GammaGammaFit | None, str]:
    """The Gamma-Gamma fit on the repeat buyers, or why there is none."""
    if money is None:
        return (
            None,
            "the transactions carry no amounts: no spend model, no CLV",
        )
    repeat = (x > 0) & (money > 0)
    if int(repeat.sum()) < 2:  # noqa: PLR2004 - a fit needs some spread
        return None, (
            "too few repeat buyers for the Gamma-Gamma model: CLV uses "
            "each customer's own mean spend"
        )
    try:
        fit = clv.fit_gamma_gamma(x[repeat], money[repeat])
    except ConvergenceError:
        return None, (
            "the Gamma-Gamma fit did not converge on these amounts, "
            "so CLV uses each customer's own mean spend"
        )
    return fit, (
        f"Gamma-Gamma fitted on {int(repeat.sum()):,} repeat "
        "buyers with a positive mean spend"
    )


def _settings(
    time_unit: TimeUnit | timedelta, horizon_months: int, rate: float
) -> clv.ClvSettings:
    try:
        return clv.ClvSettings(
            time_unit=time_unit,
            horizon_months=horizon_months,
            discount_rate=rate,
            discount_rate_period="M",
        )
    except ValidationError as exc:
        # The options are typed and ranged; what is left is a rate too
        # large, refused in the settings' own words.
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise InvariantError(message) from exc


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


def _table(title: str, columns: Sequence[str]) -> Table:
    """A table whose first column is left-aligned and the others right.

    Cells fold rather than end in an ellipsis, so that no number or word
    is cut at 80 columns; headers are words that wrap at spaces.
    """
    table = Table(title=title, title_justify="left")
    for index, name in enumerate(columns):
        table.add_column(
            escape(name),
            justify="left" if index == 0 else "right",
            overflow="fold",
        )
    return table


def stage_table(result: ClvResult, /) -> Table:
    """Customers, P(alive) and expected purchases by derived loyalty stage."""
    scores = result.scores
    table = _table(
        (
            "By loyalty stage (derived from purchases: client = at least "
            "the policy's client_min_purchases); expected purchases in the "
            f"next {scores.horizon:.4g} {_unit_name(result)}"
        ),
        ["stage", "customers", "mean P(alive)", "expected purchases"],
    )
    for stage, mask in _stages(result):
        count = int(mask.sum())
        table.add_row(
            stage.info.label_en,
            f"{count:,}",
            f"{float(scores.probability_alive[mask].mean()):.2f}"
            if count
            else "-",
            f"{float(scores.expected_purchases[mask].sum()):,.1f}",
        )
    return table


def value_table(result: ClvResult, lv: clv.CustomerLifetimeValue, /) -> Table:
    """The lifetime value of each derived loyalty stage."""
    table = _table(
        f"Lifetime value of the next {lv.horizon_months} months by stage",
        ["stage", "customers", "CLV", "mean CLV", "share of CLV"],
    )
    total = float(lv.value.sum())
    for stage, mask in _stages(result):
        count = int(mask.sum())
        value = float(lv.value[mask].sum())
        table.add_row(
            stage.info.label_en,
            f"{count:,}",
            f"{value:,.2f}",
            f"{value / count:,.2f}" if count else "-",
            f"{100 * value / total:5.1f} %" if total else "-",
        )
    return table


def _stages(
    result: ClvResult,
) -> Iterator[tuple[cc.LoyaltyStage, npt.NDArray[np.bool_]]]:
    for stage in (cc.LoyaltyStage.CUSTOMER, cc.LoyaltyStage.CLIENT):
        yield stage, result.clients == (stage is cc.LoyaltyStage.CLIENT)


def top_table(result: ClvResult, /, *, limit: int) -> Table:
    """The customers with the highest CLV (or expected purchases)."""
    scores = result.scores
    lv = scores.lifetime_value
    key = lv.value if lv is not None else scores.expected_purchases
    order = np.argsort(-key, kind="stable")[:limit]
    names = ["customer", "repeat purchases", "P(alive)", "expected purchases"]
    if lv is not None:
        names += ["expected spend", "CLV"]
    table = _table(f"Top {len(order)} customers", names)
    summary = result.summary
    for i in (int(j) for j in order):
        row: list[str | Text] = [
            shown(summary.customer_ids[i]),
            f"{summary.frequency[i]:,.0f}",
            f"{float(scores.probability_alive[i]):.3f}",
            f"{float(scores.expected_purchases[i]):,.2f}",
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
        f"{int(summary.frequency.sum()):,} repeat purchases, observed to "
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
    if lv is not None:
        console.print()
        console.print(value_table(result, lv))
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


ScoreColumns: TypeAlias = Mapping[
    str, "Sequence[object] | npt.NDArray[np.generic]"
]
"""The output file's columns, by name."""


def score_columns(result: ClvResult, /) -> ScoreColumns:
    """The output file's columns, one entry per customer.

    Files keep codes (``loyalty_stage`` is ``client``), not the labels the
    tables show.
    """
    scores = result.scores
    lv = scores.lifetime_value
    summary = result.summary
    empty: list[object] = [None] * len(summary)
    stage = np.where(
        result.clients,
        cc.LoyaltyStage.CLIENT.value,
        cc.LoyaltyStage.CUSTOMER.value,
    )
    return {
        "customer_id": summary.customer_ids,
        "frequency": summary.frequency.astype(np.int64),
        "recency": summary.recency,
        "T": summary.T,
        "monetary_value": (
            summary.monetary_value
            if summary.monetary_value is not None
            else empty
        ),
        "loyalty_stage": stage,
        "probability_alive": scores.probability_alive,
        "expected_purchases": scores.expected_purchases,
        "expected_spend": lv.expected_spend if lv is not None else empty,
        "clv": lv.value if lv is not None else empty,
    }
