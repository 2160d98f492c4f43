"""Generate the synthetic demo customer base shipped in the package.

Writes ``demo_customers.jsonl`` and ``demo_events.jsonl`` (JSON Lines, in the
library's record formats) into ``src/customer_centric/data/`` or the folder
given with ``--output-dir``. The output depends only on the seed: the random
generator is created from it and passed explicitly to every function, and
the files are written with a fixed key order and number formatting, so the
same seed gives byte-identical files (``tests/test_demo_data.py`` checks
this against the shipped files).

The base mixes internal, intermediate and external customers. Each customer
lives one *persona* (a plausible history: a prospect who never buys, a
one-off buyer who goes quiet, a regular client, an advocate, a complaint
recovered or still open, silent dissatisfaction, lapsing into inactivity, a
departure for situational or other reasons, a win-back accepted, declined or
under way), drawn with weights that depend on the customer type, so that the
replayed base covers every loyalty rung of the default ladder and every
lifecycle stage. Nobody in it is real.

Usage::

    python scripts/generate_demo_data.py [--seed N] [--customers N]
        [--output-dir DIR]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

import numpy as np

from customer_centric._customer import Customer
from customer_centric.relationship._events import parse_event

SEED: Final = 20_251_231
"""The seed of the shipped files."""

N_CUSTOMERS: Final = 2_400
"""How many customers the shipped base has."""

START: Final = datetime(2023, 1, 2, tzinfo=UTC)
"""When the earliest history may begin."""

AS_OF: Final = datetime(2025, 12, 31, 18, 0, tzinfo=UTC)
"""The monitoring date: the last event of the base, and inactivity's as-of."""

DATA_DIR: Final = (
    Path(__file__).resolve().parents[1] / "src" / "customer_centric" / "data"
)
CUSTOMERS_FILE: Final = "demo_customers.jsonl"
EVENTS_FILE: Final = "demo_events.jsonl"

# Share of each customer type in the base.
TYPE_WEIGHTS: Final = {"internal": 0.12, "intermediate": 0.18, "external": 0.7}

# The firm's monitoring job: at each quarter end it records an inactivity
# check for every current customer who has been quiet for MONITOR_DAYS or
# more, and stops watching a customer after STOP_WATCHING_DAYS of silence.
# The generator never reads the library's policy, so that the data stays
# fixed when a default changes (the tests replay it under the default
# policy).
MONITOR_DAYS: Final = 90
STOP_WATCHING_DAYS: Final = 365
QUARTER_ENDS: Final = tuple(
    datetime(year, month, day, 18, 0, tzinfo=UTC)
    for year in range(START.year, AS_OF.year + 1)
    for month, day in ((3, 31), (6, 30), (9, 30), (12, 31))
    if START <= datetime(year, month, day, 18, 0, tzinfo=UTC) <= AS_OF
)
# What the customer does (the firm's own actions and observations are not
# the customer's activity).
ACTIVITY: Final = frozenset(
    {
        "interest_shown",
        "first_purchase",
        "repeat_purchase",
        "referral_made",
        "needs_profiled",
        "complaint_filed",
        "reactivated",
    }
)

SIGNAL_SOURCES: Final = (
    "nps_survey",
    "usage_drop",
    "balance_moved_out",
    "support_chat_sentiment",
    "unsubscribed",
)
SITUATIONAL: Final = ("moved_home", "new_job", "life_event")
OTHER_REASONS: Final = ("price", "competitor", "unknown", "firm_terminated")
# Reasons a win-back is attempted for (never when the firm ended it).
WINNABLE_OTHER: Final = ("price", "competitor", "unknown", "dissatisfaction")


@dataclass
class Life:
    """One customer's history under construction, in time order."""

    rng: np.random.Generator
    customer_id: str
    customer_type: str
    t: datetime
    events: list[dict[str, object]] = field(default_factory=list)
    complaints: int = 0

    def wait(self, mean_days: float, *, at_least: float = 0.1) -> None:
        """Move the clock on by an exponential gap (in days)."""
        days = max(at_least, float(self.rng.exponential(mean_days)))
        self.t += timedelta(minutes=round(days * 24 * 60))

    def wait_until(self, when: datetime) -> None:
        """Move the clock on to ``when`` (never back)."""
        self.t = max(self.t + timedelta(minutes=1), when)

    def room(self, days: float = 0.0) -> bool:
        """Whether ``days`` more still end by the monitoring date."""
        return self.t + timedelta(days=days) <= AS_OF

    def emit(self, kind: str, **payload: object) -> bool:
        """Record an event at the current time if it is by ``AS_OF``."""
        if not self.room():
            return False
        self.events.append(
            {
                "kind": kind,
                "customer_id": self.customer_id,
                "occurred_at": _stamp(self.t),
                **payload,
            }
        )
        return True

    def amount(self) -> str | None:
        """A purchase amount for this customer type (internal: none)."""
        if self.customer_type == "internal":
            return None
        median = 420.0 if self.customer_type == "intermediate" else 55.0
        value = median * float(self.rng.lognormal(0.0, 0.6))
        return f"{max(value, 1.0):.2f}"

    def buy(self, *, first: bool = False) -> bool:
        """Record a purchase (the amount is left out when unknown)."""
        kind = "first_purchase" if first else "repeat_purchase"
        amount = self.amount()
        if amount is None:
            return self.emit(kind)
        return self.emit(kind, amount=amount)

    def buy_for(self, days: float, *, gap: float) -> int:
        """Repeat purchases every ``gap`` days on average, for ``days``."""
        stop = min(self.t + timedelta(days=days), AS_OF)
        bought = 0
        while True:
            self.wait(gap, at_least=1.0)
            if self.t >= stop or not self.buy():
                return bought
            bought += 1

    def complain(self, severity: str) -> str:
        """File a complaint and return its identifier."""
        self.complaints += 1
        complaint_id = f"K-{self.customer_id}-{self.complaints}"
        self.emit(
            "complaint_filed", severity=severity, complaint_id=complaint_id
        )
        return complaint_id


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def monitor(  # noqa: C901 - one pass over a history, easier read whole
    events: list[dict[str, object]],
) -> list[dict[str, object]]:
    """Play the host application's part around one customer's history.

    The monitoring job watches a customer from their first purchase while
    the relationship runs (not after a closure until they are reactivated)
    and records an inactivity check at each quarter end when their last
    activity is ``MONITOR_DAYS`` or more ago. After ``STOP_WATCHING_DAYS`` of
    silence the firm presumes the customer lost: a later closure of their
    account is not recorded again, and when they do something again the
    firm first records them as reactivated.
    """
    merged: list[dict[str, object]] = []
    quarters = iter(QUARTER_ENDS)
    quarter = next(quarters, None)
    last_activity: datetime | None = None
    watching = lost = False

    def check_until(moment: datetime | None) -> None:
        nonlocal quarter, watching, lost
        while quarter is not None and (moment is None or quarter < moment):
            if watching and last_activity is not None:
                quiet = (quarter - last_activity).days
                if quiet >= MONITOR_DAYS:
                    merged.append(
                        {
                            "kind": "inactivity_observed",
                            "customer_id": events[0]["customer_id"],
                            "occurred_at": _stamp(quarter),
                            "as_of": _stamp(quarter),
                        }
                    )
                    lost = quiet >= STOP_WATCHING_DAYS
                    watching = not lost
            quarter = next(quarters, None)

    for event in events:
        moment = datetime.fromisoformat(str(event["occurred_at"]))
        check_until(moment)
        kind = event["kind"]
        if lost and kind == "account_closed":
            continue
        if lost and kind in ACTIVITY and kind != "reactivated":
            merged.append(
                {
                    "kind": "reactivated",
                    "customer_id": event["customer_id"],
                    "occurred_at": _stamp(moment - timedelta(minutes=1)),
                }
            )
            lost, watching = False, True
        merged.append(event)
        if kind in {"first_purchase", "reactivated"}:
            lost, watching = False, True
        elif kind == "account_closed":
            watching = False
        if kind in ACTIVITY:
            last_activity = moment
    check_until(None)
    return merged


def _pick(rng: np.random.Generator, options: Sequence[str]) -> str:
    return options[int(rng.integers(len(options)))]


def _purchase_gap(life: Life) -> float:
    """Mean days between purchases: resellers buy most often."""
    mean = {"internal": 60.0, "intermediate": 40.0, "external": 90.0}
    return mean[life.customer_type] * float(life.rng.gamma(4.0, 0.25))


def _onboard(life: Life, *, profile_needs: float = 0.92) -> None:
    """Interest, a first purchase and, usually, a needs conversation."""
    life.emit("interest_shown")
    life.wait(12)
    life.buy(first=True)
    if life.rng.random() < profile_needs:
        life.wait(10, at_least=1.0)
        life.emit("needs_profiled")


def _regular(life: Life, *, days: float) -> int:
    """An onboarded customer who keeps buying for about ``days``."""
    _onboard(life)
    return life.buy_for(days, gap=_purchase_gap(life))


def _settle(life: Life, *, quiet_days: float = 5.0) -> None:
    """Buy on until shortly before the monitoring date."""
    remaining = (AS_OF - life.t).total_seconds() / 86_400 - quiet_days
    if remaining > 0:
        life.buy_for(remaining, gap=_purchase_gap(life))


def _depart(life: Life, reason: str) -> None:
    life.wait(20, at_least=1.0)
    life.emit("account_closed", reason=reason)


def _reason(
    life: Life, *, situational: float, others: Sequence[str] = OTHER_REASONS
) -> str:
    if life.rng.random() < situational:
        return _pick(life.rng, SITUATIONAL)
    return _pick(life.rng, others)


# Personas: each writes one plausible history. The comment says where the
# customer ends under the default policy.


def _suspect(_: Life) -> None:
    """Sees the marketing, never reacts (suspect, acquisition)."""


def _prospect(life: Life) -> None:
    """Shows interest, never buys (prospect, acquisition)."""
    life.emit("interest_shown")


def _newcomer(life: Life) -> None:
    """Bought for the first time lately (customer, welcome)."""
    life.wait_until(AS_OF - timedelta(days=float(life.rng.uniform(20, 60))))
    life.emit("interest_shown")
    life.wait(6)
    life.buy(first=True)


def _getting_to_know(life: Life) -> None:
    """New customer who told the firm their needs (getting to know)."""
    life.wait_until(AS_OF - timedelta(days=float(life.rng.uniform(40, 90))))
    _onboard(life, profile_needs=1.0)


def _one_off(life: Life) -> None:
    """Buys once, goes quiet; monitoring notices (potential divorce)."""
    _onboard(life, profile_needs=0.4)


def _client(life: Life) -> None:
    """Buys regularly to this day (client, account management)."""
    _regular(life, days=120)
    _settle(life)


def _advocate(life: Life) -> None:
    """A regular client who recommends the firm (advocate)."""
    _regular(life, days=150)
    for n in range(1 + int(life.rng.poisson(1.5))):
        life.wait(40, at_least=2.0)
        life.emit(
            "referral_made", referred_customer_id=f"R-{life.customer_id}-{n}"
        )
        life.buy_for(30, gap=_purchase_gap(life))
    _settle(life)


def _recovered(life: Life) -> None:
    """Complains, is put right and stays (back in account management)."""
    _regular(life, days=200)
    complaint = life.complain(_pick(life.rng, ("medium", "high", "high")))
    life.wait(6, at_least=0.5)
    life.emit("complaint_resolved", satisfied=True, complaint_id=complaint)
    _settle(life)


def _intensive_care(life: Life) -> None:
    """A recent serious complaint is still open (intensive care)."""
    _regular(life, days=200)
    _settle(life, quiet_days=45)
    life.wait_until(AS_OF - timedelta(days=float(life.rng.uniform(2, 30))))
    life.complain(_pick(life.rng, ("high", "high", "critical")))


def _failed_recovery(life: Life) -> None:
    """Complaint closed, customer unhappy; half of them leave."""
    _regular(life, days=180)
    complaint = life.complain(_pick(life.rng, ("high", "high", "critical")))
    life.wait(15, at_least=1.0)
    life.emit("complaint_resolved", satisfied=False, complaint_id=complaint)
    if life.rng.random() < 0.5:  # noqa: PLR2004 - a coin toss
        _depart(life, "service_failure")


def _silent(life: Life) -> None:
    """Never complains; behaviour shows dissatisfaction (potential divorce)."""
    _regular(life, days=250)
    _settle(life, quiet_days=float(life.rng.uniform(30, 250)))
    life.wait(10, at_least=1.0)
    life.emit(
        "dissatisfaction_signal",
        score=round(float(life.rng.uniform(0.55, 0.97)), 2),
        source=_pick(life.rng, SIGNAL_SOURCES),
    )
    if life.rng.random() < 0.35:  # noqa: PLR2004 - some of them leave
        life.wait(60, at_least=5.0)
        life.emit("account_closed", reason="dissatisfaction")


def _lapsed(life: Life) -> None:
    """Bought for a while, then stopped: at risk, later presumed lost."""
    _regular(life, days=float(life.rng.uniform(30, 300)))


def _departed(life: Life) -> None:
    """Leaves: new job or home, price, a competitor (divorce)."""
    _regular(life, days=float(life.rng.uniform(60, 400)))
    _depart(life, _reason(life, situational=0.5))


def _won_back(life: Life) -> None:
    """Leaves, is won back and buys again (reactivated)."""
    _regular(life, days=float(life.rng.uniform(60, 250)))
    _depart(life, _reason(life, situational=0.7, others=WINNABLE_OTHER))
    life.wait(30, at_least=3.0)
    life.emit("win_back_attempted")
    life.wait(14, at_least=1.0)
    life.emit("reactivated")
    _settle(life)


def _win_back_declined(life: Life) -> None:
    """Leaves; a win-back attempt is turned down (divorce)."""
    _regular(life, days=float(life.rng.uniform(60, 300)))
    _depart(life, _reason(life, situational=0.3, others=WINNABLE_OTHER))
    life.wait(30, at_least=3.0)
    life.emit("win_back_attempted")
    life.wait(10, at_least=1.0)
    life.emit("win_back_declined")


def _win_back_open(life: Life) -> None:
    """Left; the firm is trying to win them back now (win back)."""
    days = float(life.rng.uniform(60, 300))
    # Leave within the last year, so that the attempt is still worth it.
    lead = days + float(life.rng.uniform(60, 300))
    life.wait_until(AS_OF - timedelta(days=lead))
    _regular(life, days=days)
    _depart(life, _reason(life, situational=0.6, others=WINNABLE_OTHER))
    life.wait_until(AS_OF - timedelta(days=float(life.rng.uniform(3, 40))))
    life.emit("win_back_attempted")


Persona = Callable[[Life], None]

PERSONAS: Final[dict[str, Persona]] = {
    "suspect": _suspect,
    "prospect": _prospect,
    "newcomer": _newcomer,
    "getting_to_know": _getting_to_know,
    "one_off": _one_off,
    "client": _client,
    "advocate": _advocate,
    "recovered": _recovered,
    "intensive_care": _intensive_care,
    "failed_recovery": _failed_recovery,
    "silent": _silent,
    "lapsed": _lapsed,
    "departed": _departed,
    "won_back": _won_back,
    "win_back_declined": _win_back_declined,
    "win_back_open": _win_back_open,
}

# Relative weights of the personas by customer type (normalised below).
# Employees rarely leave and are not "won back"; resellers buy regularly
# and leave over price or to a competitor.
PERSONA_WEIGHTS: Final[dict[str, dict[str, float]]] = {
    "internal": {
        "suspect": 4, "prospect": 6, "newcomer": 4, "getting_to_know": 8,
        "one_off": 6, "client": 30, "advocate": 12, "recovered": 10,
        "intensive_care": 6, "failed_recovery": 3, "silent": 6,
        "lapsed": 3, "departed": 2, "won_back": 0, "win_back_declined": 0,
        "win_back_open": 0,
    },
    "intermediate": {
        "suspect": 4, "prospect": 8, "newcomer": 4, "getting_to_know": 5,
        "one_off": 6, "client": 26, "advocate": 6, "recovered": 8,
        "intensive_care": 5, "failed_recovery": 4, "silent": 6,
        "lapsed": 5, "departed": 5, "won_back": 4, "win_back_declined": 2,
        "win_back_open": 2,
    },
    "external": {
        "suspect": 6, "prospect": 10, "newcomer": 5, "getting_to_know": 5,
        "one_off": 12, "client": 18, "advocate": 5, "recovered": 6,
        "intensive_care": 4, "failed_recovery": 3, "silent": 7,
        "lapsed": 8, "departed": 5, "won_back": 3, "win_back_declined": 2,
        "win_back_open": 2,
    },
}  # fmt: skip

AGE_BANDS: Final = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
EDUCATION: Final = ("secondary", "diploma", "bachelor", "master", "doctorate")
INCOME_BANDS: Final = ("low", "lower middle", "middle", "upper middle", "high")
LOCATIONS: Final = (
    "Tehran", "Isfahan", "Shiraz", "Tabriz", "Mashhad", "London",
    "Manchester", "Hamburg", "Istanbul", "Dubai",
)  # fmt: skip
DEPARTMENTS: Final = (
    "Sales", "Finance", "Operations", "Customer service", "IT", "Marketing",
)  # fmt: skip
INDUSTRIES: Final = (
    "retail", "wholesale", "insurance brokerage", "travel agency",
    "electronics dealer", "pharmacy chain",
)  # fmt: skip
VALUES_MOST: Final = (
    "price", "speed", "reliability", "advice", "convenience", "trust",
)  # fmt: skip
PAYS_FOR: Final = (
    "fast delivery", "premium support", "extended warranty", "bundles",
    "training", "installation",
)  # fmt: skip
UNMET_WANTS: Final = (
    "weekend opening", "mobile app", "single point of contact",
    "clearer pricing", "faster refunds",
)  # fmt: skip


def _some(
    rng: np.random.Generator, options: Sequence[str], most: int
) -> list[str]:
    count = int(rng.integers(0, most + 1))
    picked = rng.choice(len(options), size=count, replace=False)
    return [options[int(i)] for i in sorted(picked)]


def _profile(
    rng: np.random.Generator, customer_type: str, n: int
) -> dict[str, object]:
    """A partly known profile; unknown fields are left out, never guessed."""
    profile: dict[str, object] = {}
    if rng.random() < 0.9:  # noqa: PLR2004 - most locations are known
        profile["location"] = _pick(rng, LOCATIONS)
    if customer_type == "internal":
        profile["organisation"] = _pick(rng, DEPARTMENTS)
    elif customer_type == "intermediate":
        profile["organisation"] = f"Reseller {n:04d}"
        profile["industry"] = _pick(rng, INDUSTRIES)
    else:
        if rng.random() < 0.7:  # noqa: PLR2004 - known for most
            profile["age_band"] = _pick(rng, AGE_BANDS)
        if rng.random() < 0.5:  # noqa: PLR2004 - known for half
            profile["education"] = _pick(rng, EDUCATION)
        if rng.random() < 0.4:  # noqa: PLR2004 - known for fewer
            profile["income_band"] = _pick(rng, INCOME_BANDS)
    for key, options, most in (
        ("values_most", VALUES_MOST, 2),
        ("pays_for", PAYS_FOR, 2),
        ("unmet_wants", UNMET_WANTS, 1),
    ):
        picked = _some(rng, options, most)
        if picked:
            profile[key] = picked
    return profile


def _customer(
    rng: np.random.Generator, n: int
) -> tuple[dict[str, object], str]:
    types = list(TYPE_WEIGHTS)
    customer_type = types[
        int(rng.choice(len(types), p=list(TYPE_WEIGHTS.values())))
    ]
    is_employee = customer_type == "internal"
    # Some employees also sell on (an employed sales representative): they
    # are internal all the same.
    buys_for_resale = customer_type == "intermediate" or (
        is_employee and rng.random() < 0.1  # noqa: PLR2004
    )
    record = {
        "customer_id": f"C{n:05d}",
        "type": customer_type,
        "is_employee": is_employee,
        "buys_for_resale": buys_for_resale,
        "profile": _profile(rng, customer_type, n),
    }
    return record, customer_type


def _persona(rng: np.random.Generator, customer_type: str) -> str:
    weights = PERSONA_WEIGHTS[customer_type]
    names = list(weights)
    p = np.array([weights[name] for name in names], dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def generate(
    rng: np.random.Generator, /, *, customers: int = N_CUSTOMERS
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Generate the customer records and their interleaved events.

    Args:
        rng: The only source of randomness.
        customers: How many customers to generate.

    Returns:
        The customer records and the events, each as JSON-ready dicts; the
        events are sorted by time (then customer) and numbered in that
        order.
    """
    span_days = (AS_OF - START).days
    records: list[dict[str, object]] = []
    events: list[dict[str, object]] = []
    for n in range(1, customers + 1):
        record, customer_type = _customer(rng, n)
        persona = _persona(rng, customer_type)
        # Histories start anywhere in the first 70 % of the window.
        offset = float(rng.uniform(0, 0.7 * span_days))
        life = Life(
            rng=rng,
            customer_id=str(record["customer_id"]),
            customer_type=customer_type,
            t=START + timedelta(minutes=round(offset * 24 * 60)),
        )
        PERSONAS[persona](life)
        records.append(record)
        events.extend(monitor(life.events))
    order = sorted(
        range(len(events)),
        key=lambda i: (events[i]["occurred_at"], events[i]["customer_id"], i),
    )
    numbered = []
    for number, i in enumerate(order, start=1):
        event = events[i]
        numbered.append(
            {
                "kind": event["kind"],
                "event_id": f"E{number:06d}",
                **{k: v for k, v in event.items() if k != "kind"},
            }
        )
    return records, numbered


def _dump(rows: list[dict[str, object]]) -> bytes:
    lines = (
        json.dumps(row, ensure_ascii=False, separators=(",", ":"))
        for row in rows
    )
    return ("\n".join(lines) + "\n").encode("utf-8")


def write(
    output_dir: Path, /, *, seed: int = SEED, customers: int = N_CUSTOMERS
) -> tuple[Path, Path]:
    """Generate from ``seed``, validate every record and write both files.

    Args:
        output_dir: Where to write ``demo_customers.jsonl`` and
            ``demo_events.jsonl``.
        seed: Seed of the random generator.
        customers: How many customers to generate.

    Returns:
        The paths of the customers file and the events file.
    """
    rng = np.random.default_rng(seed)
    records, events = generate(rng, customers=customers)
    for record in records:
        Customer.model_validate(record)
    for event in events:
        parse_event(event)
    output_dir.mkdir(parents=True, exist_ok=True)
    customers_path = output_dir / CUSTOMERS_FILE
    events_path = output_dir / EVENTS_FILE
    customers_path.write_bytes(_dump(records))
    events_path.write_bytes(_dump(events))
    return customers_path, events_path


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and write the files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--customers", type=int, default=N_CUSTOMERS)
    parser.add_argument("--output-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    paths = write(args.output_dir, seed=args.seed, customers=args.customers)
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
