"""Hypothesis strategies for the domain objects.

Each engineer appends a section for their own records at the end of this
file; keep sections independent.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import get_args

from hypothesis import strategies as st

import customer_centric as cc

# --- customers, stages, events, policies, relationship states (A1) --------

customer_ids = st.sampled_from(["C-1", "C-2", "C-3"])

aware_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - bounds for aware values
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001 - same
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=3, minutes=30))]),
)

loyalty_stages = st.sampled_from(list(cc.LoyaltyStage))
lifecycle_stages = st.sampled_from(list(cc.LifecycleStage))
departure_reasons = st.sampled_from(list(cc.relationship.DepartureReason))
severities = st.sampled_from(list(cc.Severity))
money = st.decimals(
    min_value=Decimal(0),
    max_value=Decimal(10_000),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")

profiles = st.builds(
    cc.CustomerProfile,
    age_band=st.none() | st.sampled_from(["18-24", "25-34", "35-44"]),
    education=st.none() | _text.map(lambda s: " ".join(s.split())),
    location=st.none() | st.sampled_from(["Tehran", "Shiraz", "Leeds"]),
    pays_for=st.lists(st.sampled_from(["speed", "advice", "price"])).map(
        tuple
    ),
)

customers = st.builds(
    cc.Customer.from_facts,
    customer_ids,
    is_employee=st.booleans(),
    buys_for_resale=st.booleans(),
    profile=profiles,
)


def _event_fields(kind: str) -> st.SearchStrategy[dict[str, object]]:
    extra: dict[str, st.SearchStrategy[object]] = {}
    if kind in {"first_purchase", "repeat_purchase"}:
        extra["amount"] = st.none() | money
    elif kind == "complaint_filed":
        extra["severity"] = severities
    elif kind == "complaint_resolved":
        extra["satisfied"] = st.booleans()
    elif kind == "dissatisfaction_signal":
        extra["score"] = st.floats(min_value=0, max_value=1)
        extra["source"] = st.sampled_from(["survey", "usage_drop"])
    elif kind == "account_closed":
        extra["reason"] = departure_reasons
    return st.fixed_dictionaries(
        {
            "kind": st.just(kind),
            "event_id": st.none() | st.uuids().map(str),
            **extra,
        }
    )


def events_for(
    customer_id: str, occurred_at: datetime
) -> st.SearchStrategy[cc.Event]:
    """Any kind of event for one customer at one time."""

    def build(fields: dict[str, object]) -> cc.Event:
        data = {**fields, "customer_id": customer_id}
        data["occurred_at"] = occurred_at
        if fields["kind"] == "inactivity_observed":
            data["as_of"] = occurred_at
        return cc.relationship.parse_event(data)

    return (
        st.sampled_from(cc.relationship.EVENT_KINDS)
        .flatmap(_event_fields)
        .map(build)
    )


events = st.tuples(customer_ids, aware_datetimes).flatmap(
    lambda pair: events_for(*pair)
)


@st.composite
def event_histories(
    draw: st.DrawFn, customer_id: str = "C-1", max_size: int = 30
) -> list[cc.Event]:
    """One customer's events in time order, any kinds, gaps up to 2 years."""
    start = draw(aware_datetimes.filter(lambda d: d.year < 2090))
    gaps = draw(
        st.lists(st.integers(min_value=0, max_value=730), max_size=max_size)
    )
    out = []
    when = start
    for gap in gaps:
        when += timedelta(days=gap)
        out.append(draw(events_for(customer_id, when)))
    return out


@st.composite
def policies(draw: st.DrawFn) -> cc.relationship.Policy:
    """Default rules with every threshold drawn within the valid region."""
    client = draw(st.integers(2, 10))
    advocate = draw(st.integers(1, 5))
    potential = draw(st.integers(1, 400))
    return cc.relationship.DEFAULT_POLICY.with_thresholds(
        client_min_purchases=client,
        supporter_min_purchases=client + draw(st.integers(1, 10)),
        advocate_min_referrals=advocate,
        partner_min_referrals=advocate + draw(st.integers(1, 10)),
        account_management_min_purchases=draw(st.integers(1, 10)),
        intensive_care_min_severity=draw(severities),
        intensive_care_open_complaints=draw(st.integers(1, 5)),
        dissatisfaction_threshold=draw(st.floats(0.01, 1.0)),
        potential_divorce_inactivity_days=potential,
        lapse_inactivity_days=draw(st.integers(1, 400)),
        divorce_inactivity_days=potential + draw(st.integers(1, 400)),
        win_back_window_days=draw(st.integers(0, 800)),
        win_back_reentry_stage=draw(
            st.sampled_from(
                [
                    cc.LifecycleStage.WELCOME,
                    cc.LifecycleStage.GETTING_TO_KNOW,
                    cc.LifecycleStage.ACCOUNT_MANAGEMENT,
                ]
            )
        ),
        allow_out_of_order=draw(st.booleans()),
    )


@st.composite
def relationship_states(draw: st.DrawFn) -> cc.RelationshipState:
    """States reached by replaying random histories (always consistent)."""
    history = draw(event_histories(max_size=15))
    initial = cc.RelationshipState(customer_id="C-1")
    return cc.replay(history, initial=initial, on_error="collect").state


def _build_event(
    fields: dict[str, object], customer_id: str, when: datetime
) -> cc.Event:
    data = {**fields, "customer_id": customer_id, "occurred_at": when}
    if fields["kind"] == "inactivity_observed":
        data["as_of"] = when
    return cc.relationship.parse_event(data)


@st.composite
def legal_walks(
    draw: st.DrawFn,
    policy: cc.relationship.Policy = cc.relationship.DEFAULT_POLICY,
    max_steps: int = 40,
    customer_id: str = "C-1",
) -> list[cc.Event]:
    """Event histories where every event is legal when it arrives.

    Each step picks a kind from ``available_events`` of the state so far, so
    walks reach deep stages (advocates, intensive care, win-back) that
    purely random histories rarely reach.
    """
    state = cc.RelationshipState(customer_id=customer_id)
    when = draw(aware_datetimes.filter(lambda d: d.year < 2050))
    out: list[cc.Event] = []
    for _ in range(draw(st.integers(0, max_steps))):
        kinds = [
            a.kind
            for a in cc.relationship.available_events(state, policy=policy)
        ]
        kind = draw(st.sampled_from(kinds))
        when += timedelta(days=draw(st.integers(0, 400)))
        event = _build_event(draw(_event_fields(kind)), customer_id, when)
        out.append(event)
        state = cc.apply_event(state, event, policy=policy).state
    return out


# --- complaints, triage, deadlines, recovery, KRIs (E) --------------------

complaint_statuses = st.sampled_from(list(cc.complaints.ComplaintStatus))
complaint_channels = st.sampled_from(list(cc.complaints.ComplaintChannel))
priorities = st.sampled_from(list(cc.complaints.Priority))
recovery_paths = st.sampled_from(list(cc.complaints.RecoveryPath))
problem_sizes = st.sampled_from(list(cc.complaints.ProblemSize))
unit_decimals = st.decimals(min_value=0, max_value=1, places=4)


@st.composite
def complaints(draw: st.DrawFn, max_moves: int = 8) -> cc.Complaint:
    """Complaints with a legal status history, moves minutes to days apart."""
    complaint = cc.Complaint(
        complaint_id=draw(st.sampled_from(["K-1", "K-2", "K-3"])),
        customer_id=draw(customer_ids),
        received_at=draw(aware_datetimes.filter(lambda d: d.year < 2090)),
        severity=draw(severities),
        channel=draw(complaint_channels),
        problem_value=draw(st.none() | money),
        safety_issue=draw(st.booleans()),
        regulatory_issue=draw(st.booleans()),
    )
    for _ in range(draw(st.integers(0, max_moves))):
        allowed = sorted(cc.complaints.COMPLAINT_TRANSITIONS[complaint.status])
        target = draw(st.sampled_from(allowed))
        at = complaint.updated_at + timedelta(
            minutes=draw(st.integers(0, 60 * 24 * 10))
        )
        satisfied = (
            draw(st.none() | st.booleans())
            if target is cc.complaints.ComplaintStatus.CLOSED
            else None
        )
        complaint = cc.complaints.advance(
            complaint, target, occurred_at=at, customer_satisfied=satisfied
        )
    return complaint


@st.composite
def key_risk_indicators(draw: st.DrawFn) -> cc.risk.KeyRiskIndicator:
    """KRIs in either direction with correctly ordered thresholds."""
    low, high = sorted(
        draw(st.lists(unit_decimals, min_size=2, max_size=2, unique=True))
    )
    direction = draw(st.sampled_from(list(cc.risk.RiskDirection)))
    amber, red = (
        (low, high)
        if direction is cc.risk.RiskDirection.HIGHER_IS_WORSE
        else (high, low)
    )
    return cc.risk.KeyRiskIndicator(
        name="kri",
        risk="customers leaving",
        kpi="a customer KPI",
        direction=direction,
        amber=amber,
        red=red,
        correlation="moves with the risk",
        measurement="a share per month",
        data_source="an existing report",
    )


# --- transactions, RFM and deterministic value (B) ------------------------

transaction_days = st.dates(
    min_value=datetime(2024, 1, 1).date(),  # noqa: DTZ001 - a plain date
    max_value=datetime(2024, 1, 31).date(),  # noqa: DTZ001 - same
)

transactions = st.builds(
    cc.Transaction,
    customer_id=st.sampled_from(["A", "B", "C", "D"]),
    occurred_at=st.one_of(transaction_days, aware_datetimes),
    amount=st.one_of(st.none(), money),
    quantity=st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
)


@st.composite
def transaction_logs(draw: st.DrawFn) -> list[cc.Transaction]:
    """Logs in January 2024 whose transactions all carry an amount."""
    size = draw(st.integers(min_value=1, max_value=30))
    return [
        cc.Transaction(
            customer_id=draw(st.sampled_from(["A", "B", "C", "D"])),
            occurred_at=draw(transaction_days),
            amount=draw(money),
        )
        for _ in range(size)
    ]


@st.composite
def transaction_columns(draw: st.DrawFn) -> dict[str, list[object]]:
    """A log as columns for dataframes: ids ``c``, days ``d``, spend ``v``.

    Days run from December 2023 to February 2024; spend is in whole cents.
    """
    size = draw(st.integers(min_value=1, max_value=25))
    return {
        "c": draw(
            st.lists(st.sampled_from("ABCD"), min_size=size, max_size=size)
        ),
        "d": draw(
            st.lists(
                st.dates(date(2023, 12, 1), date(2024, 2, 29)),
                min_size=size,
                max_size=size,
            )
        ),
        "v": draw(
            st.lists(
                st.integers(0, 50_000).map(lambda cents: cents / 100),
                min_size=size,
                max_size=size,
            )
        ),
    }


retention_rates = st.decimals(
    min_value=0, max_value=1, places=3, allow_nan=False, allow_infinity=False
)
discount_rates = st.decimals(
    min_value=Decimal("0.001"),
    max_value=1,
    places=3,
    allow_nan=False,
    allow_infinity=False,
)


# --- C1: recency-frequency summaries and purchase-model parameters ---------


@st.composite
def rfm_rows(
    draw: st.DrawFn, max_size: int = 40
) -> tuple[list[float], list[float], list[float]]:
    """Valid (frequency, recency, T) columns on a coarse grid (duplicates)."""
    n = draw(st.integers(1, max_size))
    xs, txs, ts = [], [], []
    for _ in range(n):
        big_t = draw(st.integers(0, 6)) / 2
        x = draw(st.integers(0, 3))
        t_x = 0.0 if x == 0 else draw(st.integers(0, int(big_t * 2))) / 2
        xs.append(float(x))
        txs.append(t_x)
        ts.append(big_t)
    return xs, txs, ts


@st.composite
def purchase_histories(draw: st.DrawFn) -> tuple[float, float, float]:
    """One valid (x, t_x, T), heavy buyers included (x to 10,000)."""
    big_t = draw(st.floats(0, 100_000))
    x = draw(st.integers(0, 10_000))
    t_x = 0.0 if x == 0 else draw(st.floats(0, big_t))
    return float(x), t_x, big_t


def model_parameters(*names: str) -> st.SearchStrategy[dict[str, float]]:
    """Positive model parameters between 0.01 and 100, by name."""
    return st.fixed_dictionaries(
        {name: st.floats(0.01, 100) for name in names}
    )


# --- C2: discrete-time histories, cohorts, spend and contract models -------


@st.composite
def discrete_histories(draw: st.DrawFn) -> tuple[int, int, int]:
    """A valid BG/BB history (x, t_x, n): x <= t_x <= n, t_x 0 iff x 0."""
    n = draw(st.integers(0, 60))
    t_x = draw(st.integers(0, n))
    x = 0 if t_x == 0 else draw(st.integers(1, t_x))
    return x, t_x, n


@st.composite
def survivor_counts(draw: st.DrawFn) -> list[int]:
    """A cohort's non-increasing survivor counts, periods 0, 1, 2, ..."""
    size = draw(st.integers(50, 5000))
    counts = [size]
    for _ in range(draw(st.integers(1, 10))):
        counts.append(draw(st.integers(counts[-1] // 2, counts[-1])))
    return counts


def spend_and_contract_fits() -> st.SearchStrategy[object]:
    """Gamma-Gamma, BG/BB and sBG records built from known parameters."""
    from customer_centric import clv  # noqa: PLC0415 - needs [stats]

    return st.one_of(
        model_parameters("p", "q", "gamma").map(
            lambda p: clv.GammaGammaFit.from_parameters(**p)
        ),
        model_parameters("alpha", "beta", "gamma", "delta").map(
            lambda p: clv.BgBbFit.from_parameters(**p)
        ),
        model_parameters("alpha", "beta").map(
            lambda p: clv.SbgFit.from_parameters(**p)
        ),
    )


@st.composite
def calibration_splits(draw: st.DrawFn) -> object:
    """A log of January 2024 split at a day of it, holdout to February."""
    log = draw(transaction_logs())
    first = min(t.day for t in log)
    end = first + timedelta(days=draw(st.integers(0, 20)))
    return cc.value.rfm_calibration_holdout(
        log,
        calibration_end=end,
        observation_end=end + timedelta(days=draw(st.integers(1, 30))),
        time_unit=draw(st.sampled_from(["D", "W"])),
        on_late="drop",
    )


@st.composite
def rfm_summaries(draw: st.DrawFn) -> object:
    """The RFM summary of a January 2024 log, observed to a later day."""
    log = draw(transaction_logs())
    last = max(t.day for t in log)
    return cc.value.rfm_summary(
        log,
        observation_end=last + timedelta(days=draw(st.integers(0, 30))),
        time_unit=draw(st.sampled_from(["D", "W"])),
    )


@st.composite
def rfm_score_sets(draw: st.DrawFn) -> object:
    """Aligned R, F and M scores from 1 to a drawn number of bins."""
    bins = draw(st.integers(2, 7))
    n = draw(st.integers(0, 6))
    column = st.lists(st.integers(1, bins), min_size=n, max_size=n)
    return cc.value.RFMScores(
        customer_ids=tuple(f"C-{i}" for i in range(n)),
        recency=tuple(draw(column)),
        frequency=tuple(draw(column)),
        monetary=tuple(draw(column)),
        bins=bins,
    )


_score_ranges = st.none() | st.tuples(
    st.integers(1, 7), st.integers(0, 3)
).map(lambda t: (t[0], t[0] + t[1]))
segment_rules = st.builds(
    cc.value.SegmentRule,
    segment=st.sampled_from(["Gold", "Silver", "Lost"]),
    recency=_score_ranges,
    frequency=_score_ranges,
    monetary=_score_ranges,
)


def box_parameters(*names: str) -> st.SearchStrategy[dict[str, float]]:
    """Model parameters anywhere in the box a record accepts, by name.

    Half the draws between 0.01 and 100, half log-uniform over e^-30 to
    e^30: the predictions' extremes (cancellations, overflows) live near
    the box's corners.
    """
    anywhere = st.floats(-30.0, 30.0).map(math.exp)
    return st.fixed_dictionaries(
        {name: st.floats(0.01, 100) | anywhere for name in names}
    )


def purchase_models() -> st.SearchStrategy[object]:
    """BG/NBD, Pareto/NBD, MBG/NBD and GGom/NBD records, known parameters."""
    from customer_centric import clv  # noqa: PLC0415 - needs [stats]

    return st.one_of(
        box_parameters("r", "alpha", "a", "b").map(
            lambda p: clv.BgNbdFit.from_parameters(**p)
        ),
        box_parameters("r", "alpha", "s", "beta").map(
            lambda p: clv.ParetoNbdFit.from_parameters(**p)
        ),
        box_parameters("r", "alpha", "a", "b").map(
            lambda p: clv.MbgNbdFit.from_parameters(**p)
        ),
        box_parameters("r", "alpha", "b", "s", "beta").map(
            lambda p: clv.GgomNbdFit.from_parameters(**p)
        ),
    )


def fitted_models() -> st.SearchStrategy[object]:
    """Purchase-model records with a log-likelihood, as fits have."""
    return st.builds(
        lambda model, ll, n: type(model).model_validate(
            {
                **model.model_dump(),
                "log_likelihood": ll,
                "n_customers": n,
            }
        ),
        purchase_models(),
        st.floats(-1e6, 0.0),
        st.sampled_from([10.0, 100.0]),
    )


def clv_settings() -> st.SearchStrategy[object]:
    """Valid ``ClvSettings``: any unit, period, horizon, month and margin."""
    from customer_centric import clv  # noqa: PLC0415 - needs [stats]

    units = st.sampled_from(["D", "W", "M", "Q", "Y"]) | st.timedeltas(
        timedelta(hours=1), timedelta(days=400)
    )
    return st.builds(
        clv.ClvSettings,
        time_unit=units,
        discount_rate=st.floats(0.0, 1.0),
        discount_rate_period=st.sampled_from(["M", "Q", "Y"]),
        horizon_months=st.integers(1, 12_000),
        days_per_month=st.floats(28.0, 31.0),
        margin=st.floats(0.0, 1.0),
    )


# --- Kano answers, counts, responses, coefficients, drift (D) -------------

kano_answers = st.sampled_from(list(cc.kano.KanoAnswer))
kano_categories = st.sampled_from(list(cc.kano.KanoCategory))
kano_tables = st.sampled_from([cc.kano.STANDARD_TABLE, cc.kano.POULIOT_TABLE])
kano_answer_pairs = st.tuples(kano_answers, kano_answers)
kano_decision_rules: st.SearchStrategy[cc.kano.KanoDecisionRule] = (
    st.sampled_from(["mode", "m_o_a_i", "total_strength"])
)

kano_counts = st.builds(
    cc.kano.KanoCounts,
    attractive=st.integers(0, 500),
    one_dimensional=st.integers(0, 500),
    must_be=st.integers(0, 500),
    indifferent=st.integers(0, 500),
    reverse=st.integers(0, 500),
    questionable=st.integers(0, 500),
)
nonempty_kano_counts = kano_counts.filter(lambda c: c.total > 0)

# Defined Better/Worse coefficients, in Berger et al.'s (1993) ranges.
kano_coefficients = st.builds(
    cc.kano.KanoCoefficients,
    better=st.floats(0, 1),
    worse=st.floats(-1, 0),
)

kano_responses = st.builds(
    cc.kano.KanoResponse,
    respondent_id=st.text(min_size=1).filter(str.strip),
    feature=st.text(min_size=1).filter(str.strip),
    functional=kano_answers,
    dysfunctional=kano_answers,
    importance=st.none() | st.floats(0, 1e6),
)

kano_drift_rates = st.builds(
    cc.kano.KanoDriftRates,
    indifferent_to_attractive=st.floats(0, 1),
    attractive_to_one_dimensional=st.floats(0, 1),
    one_dimensional_to_must_be=st.floats(0, 1),
)


@st.composite
def kano_needs(draw: st.DrawFn, max_observations: int = 6) -> cc.KanoNeed:
    """Needs with a history of categories, observations days to years apart."""
    need = cc.KanoNeed(
        name=draw(st.sampled_from(["car radio", "wifi", "shampoo"])),
        description=draw(st.none() | _text),
    )
    when = draw(aware_datetimes.filter(lambda d: d.year < 2080))
    for _ in range(draw(st.integers(0, max_observations))):
        when += timedelta(days=draw(st.integers(1, 730)))
        need = need.observe(
            draw(kano_categories),
            occurred_at=when,
            note=draw(st.none() | _text),
        )
    return need


# --- complaint clocks: business hours, targets, SLA metrics and policies ---

_SLA_ZONES = ("UTC", "Europe/London", "America/New_York", "Australia/Sydney")


@st.composite
def opening_spans(draw: st.DrawFn) -> tuple[cc.complaints.OpeningSpan, ...]:
    """A day's non-overlapping spans on the half hour (00:00 ends at 24:00)."""
    marks = sorted(
        draw(
            st.lists(
                st.integers(0, 48), min_size=2, max_size=6, unique=True
            ).filter(lambda m: len(m) % 2 == 0)
        )
    )

    def wall(mark: int) -> time:
        return time(0) if mark == 48 else time(mark // 2, 30 * (mark % 2))

    return tuple(
        cc.complaints.OpeningSpan(opens=wall(a), closes=wall(b))
        for a, b in zip(marks[::2], marks[1::2], strict=True)
    )


@st.composite
def business_hours(draw: st.DrawFn) -> cc.complaints.BusinessHours:
    """Weekly hours in a DST zone, some weekdays closed, a holiday or two."""
    open_days = draw(
        st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True)
    )
    calendar = cc.complaints.BusinessCalendar(
        timezone=draw(st.sampled_from(_SLA_ZONES)),
        weekend=frozenset(set(range(7)) - set(open_days)),
        holiday_rules=draw(
            st.sampled_from(((), ("FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25",)))
        ),
    )
    return cc.complaints.BusinessHours(
        calendar=calendar,
        weekly={day: draw(opening_spans()) for day in open_days},
    )


clock_targets = st.builds(
    cc.complaints.ClockTarget,
    amount=st.integers(1, 60),
    unit=st.sampled_from(get_args(cc.complaints.ClockUnit)),
)

sla_metrics = st.sampled_from(
    [
        cc.complaints.FIRST_REPLY,
        cc.complaints.NEXT_REPLY,
        cc.complaints.PERIODIC_UPDATE,
        cc.complaints.REQUESTER_WAIT,
    ]
)


@st.composite
def sla_policies(draw: st.DrawFn) -> cc.complaints.SlaPolicy:
    """Policies over the shipped metrics with sorted warning levels."""
    metrics = draw(st.lists(sla_metrics, min_size=1, max_size=4, unique=True))
    shares = sorted(
        draw(st.sets(st.sampled_from(["0.25", "0.5", "0.75", "1"])))
    )
    return cc.complaints.SlaPolicy(
        name="policy",
        version=draw(st.integers(1, 5)),
        hours=draw(business_hours()),
        targets=tuple(
            cc.complaints.SlaTarget(
                metric=metric,
                targets={p: draw(clock_targets) for p in priorities_list},
            )
            for metric in metrics
        ),
        warnings=tuple(
            cc.complaints.WarningLevel(share=Decimal(s), action=f"act_{s}")
            for s in shares
        ),
    )


priorities_list = list(cc.complaints.Priority)


# --- journeys: replayed histories of several customers --------------------


@st.composite
def replay_sets(
    draw: st.DrawFn, max_customers: int = 3, max_steps: int = 15
) -> dict[cc.CustomerId, cc.relationship.Replay]:
    """The replays of up to ``max_customers`` customers' legal walks."""
    events: list[cc.Event] = []
    for i in range(draw(st.integers(0, max_customers))):
        events += draw(legal_walks(max_steps=max_steps, customer_id=f"C-{i}"))
    return cc.relationship.replay_many(events)


@st.composite
def stage_flow_sets(draw: st.DrawFn) -> cc.relationship.StageFlows:
    """The flows of drawn replays over a period of up to three years."""
    start = draw(aware_datetimes.filter(lambda d: d.year < 2090))
    return cc.relationship.stage_flows(
        draw(replay_sets(max_customers=2, max_steps=8)),
        dimension=draw(st.sampled_from(["loyalty", "lifecycle"])),
        start=start,
        end=start + timedelta(days=draw(st.integers(1, 1100))),
    )


@st.composite
def stage_mixes(draw: st.DrawFn) -> cc.relationship.StageMix:
    """The stage mix of drawn replays' cohort at a few increasing dates."""
    start = draw(aware_datetimes.filter(lambda d: d.year < 2090))
    steps = draw(st.lists(st.integers(1, 400), min_size=1, max_size=4))
    dates = [
        start + timedelta(days=sum(steps[: i + 1])) for i in range(len(steps))
    ]
    return cc.relationship.stage_mix(
        draw(replay_sets(max_customers=2, max_steps=8)),
        dimension=draw(st.sampled_from(["loyalty", "lifecycle"])),
        dates=dates,
        acquired_from=start - timedelta(days=draw(st.integers(1, 3650))),
        acquired_before=start + timedelta(days=draw(st.integers(1, 3650))),
    )


# --- health scorecards (risk) ----------------------------------------------

MEASURE_NAMES = ("logins", "nps", "tickets", "spend", "p_alive", "seats")
_thresholds = st.floats(-500, 500, allow_nan=False).map(lambda x: round(x, 3))
_weights = st.floats(0.1, 10.0).map(lambda x: round(x, 3))


def _ordered(
    draw: st.DrawFn, direction: cc.risk.RiskDirection
) -> tuple[float, float]:
    """Two distinct values: (better, worse) for ``direction``."""
    low, high = sorted(
        draw(st.lists(_thresholds, min_size=2, max_size=2, unique=True))
    )
    higher = direction is cc.risk.RiskDirection.HIGHER_IS_WORSE
    return (low, high) if higher else (high, low)


@st.composite
def health_measures(draw: st.DrawFn, name: str = "logins") -> object:
    """Measures in either direction, on either scale."""
    direction = draw(st.sampled_from(list(cc.risk.RiskDirection)))
    amber, red = _ordered(draw, direction)
    linear = draw(st.booleans())
    best, worst = _ordered(draw, direction) if linear else (None, None)
    return cc.risk.Measure(
        name=name,
        weight=draw(_weights),
        direction=direction,
        amber=amber,
        red=red,
        scale="linear" if linear else "band",
        best=best,
        worst=worst,
    )


@st.composite
def health_profiles(draw: st.DrawFn) -> object:
    """Profiles of one to three groups over distinct measure names."""
    names = draw(
        st.lists(
            st.sampled_from(MEASURE_NAMES), min_size=1, max_size=5, unique=True
        )
    )
    cut = draw(st.integers(1, len(names)))
    chunks = [c for c in (names[:cut], names[cut:]) if c]
    groups = tuple(
        cc.risk.MeasureGroup(
            name=f"g{index}",
            weight=draw(_weights),
            measures=tuple(draw(health_measures(name)) for name in chunk),
        )
        for index, chunk in enumerate(chunks)
    )
    amber_at, green_at = sorted(
        draw(
            st.lists(
                st.floats(0, 100).map(lambda x: round(x, 1)),
                min_size=2,
                max_size=2,
                unique=True,
            )
        )
    )
    return cc.risk.HealthProfile(
        groups=groups,
        combine=draw(st.sampled_from(["weighted", "worst_of"])),
        missing=draw(st.sampled_from(["reweight", "red"])),
        green_at=green_at,
        amber_at=amber_at,
    )


@st.composite
def scorecards(draw: st.DrawFn) -> cc.risk.Scorecard:
    """Cards with a default profile and up to two stage profiles."""
    stages = draw(st.lists(lifecycle_stages, max_size=2, unique=True))
    return cc.risk.Scorecard(
        name="card",
        version=draw(st.integers(1, 5)),
        profile=draw(health_profiles()),
        stages={stage: draw(health_profiles()) for stage in stages},
    )


measure_values = st.floats(-1000, 1000, allow_nan=False) | st.none()
"""One observed value or a missing one."""

health_values = st.dictionaries(
    st.sampled_from(MEASURE_NAMES), measure_values, max_size=6
)
"""A customer's observed values (some measures absent)."""

health_snapshots = st.builds(
    cc.risk.HealthSnapshot,
    as_of=aware_datetimes,
    score=st.floats(0, 100),
    band=st.sampled_from(list(cc.risk.RiskLevel)),
)


@st.composite
def health_scores(draw: st.DrawFn) -> object:
    """Scores of a full set of values on a drawn card."""
    card = draw(scorecards())
    values = {name: draw(st.floats(-1000, 1000)) for name in MEASURE_NAMES}
    return cc.risk.score_health(
        values, card=card, as_of=datetime(2026, 1, 1, tzinfo=UTC)
    )


# --- covariates: tables, paths, coefficients (issue 9) --------------------

COVARIATE_NAMES = ("season", "group")
"""The covariates of the tables below."""

_WEEK_ONE = date(2023, 12, 31)
"""A Sunday before :data:`transaction_days`: the tables' first period."""


@st.composite
def covariate_tables(draw: st.DrawFn) -> dict[str, list[object]]:
    """Covariates as the fits and the time-varying model take them.

    Either one value per customer by name (for ``purchase_covariates=``:
    1 to 4 customers, as the fuzz test's arrays), or a long weekly table
    of :data:`transaction_logs`' customers (``customer_id``,
    ``period_start``, ``season``, ``group``) from the last week of 2023,
    as :func:`~customer_centric.clv.covariate_paths` reads one.
    """
    if draw(st.booleans()):
        size = draw(st.integers(1, 4))
        names = draw(
            st.lists(st.sampled_from(COVARIATE_NAMES), min_size=1, unique=True)
        )
        column = st.lists(st.floats(-3, 3), min_size=size, max_size=size)
        return {name: draw(column) for name in names}
    customers = draw(
        st.lists(st.sampled_from("ABCD"), min_size=1, unique=True)
    )
    weeks = draw(st.integers(1, 9))
    table: dict[str, list[object]] = {
        "customer_id": [],
        "period_start": [],
        "season": [],
        "group": [],
    }
    for i, who in enumerate(customers):
        for week in range(weeks):
            table["customer_id"].append(who)
            table["period_start"].append(_WEEK_ONE + timedelta(weeks=week))
            table["season"].append(float(week % 4 == 0))
            table["group"].append(float(i % 2))
    return table


first_purchase_days = st.dictionaries(
    st.sampled_from("ABCD"), transaction_days, min_size=1, max_size=4
)
"""Each simulated customer's first purchase, in January 2024."""

coefficients = st.dictionaries(
    st.sampled_from(COVARIATE_NAMES), st.floats(-2, 2), max_size=2
)
"""Covariate coefficients by name, for the tables above."""


@st.composite
def covariate_path_sets(draw: st.DrawFn) -> object:
    """Paths of a January 2024 log on a long table that covers it."""
    from hypothesis import reject  # noqa: PLC0415

    from customer_centric import clv  # noqa: PLC0415 - needs [stats]
    from customer_centric.exceptions import DataError  # noqa: PLC0415

    table = draw(covariate_tables().filter(lambda t: "customer_id" in t))
    try:
        return clv.covariate_paths(
            draw(transaction_logs()),
            covariates=table,
            calibration_end=draw(transaction_days),
        )
    except DataError:
        reject()
