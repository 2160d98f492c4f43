"""Money rules give the same answer whatever decimal context the caller has."""

from __future__ import annotations

import decimal
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric import Transaction
from customer_centric._types import DECIMAL_CONTEXT, check_rate
from customer_centric.complaints import PRIMARY_STUDIES
from customer_centric.risk import (
    CustomerHealthKpi,
    KpiObservation,
    assess,
    assess_series,
    churn_rate,
    complaint_rate,
    customer_health,
    share_unlikely_alive,
    silent_dissatisfaction_share,
)
from customer_centric.value import (
    lifetime_value,
    retention_effect,
    retention_vs_acquisition_cost,
    rfm_calibration_holdout,
    rfm_summary,
    share_of_market,
    share_of_wallet,
    simple_lifetime_value,
)
from strategies import discount_rates, money, retention_rates

CHURN = customer_health(
    CustomerHealthKpi.CHURN_RATE, amber=Decimal("0.10"), red=Decimal("0.15")
)
LOG = [
    Transaction(
        customer_id=customer,
        occurred_at=date(2024, 1, day),
        amount=Decimal(amount),
    )
    for customer, day, amount in [
        ("A", 1, "10.01"),
        ("A", 8, "33.337"),
        ("A", 15, "12345.6789"),
        ("A", 22, "0.01"),
        ("B", 3, "99.99"),
        ("B", 9, "1.234"),
        ("B", 9, "7.7777"),
    ]
]
SERIES = [
    KpiObservation(
        occurred_at=datetime(2026, month, 1, tzinfo=UTC), value=Decimal(v)
    )
    for month, v in [(1, "0.0812"), (2, "0.1133"), (3, "0.1671"), (4, "0.9")]
]

RULES: dict[str, Callable[[], object]] = {
    "lifetime-value-infinite": lambda: lifetime_value(
        Decimal("100.37"),
        retention=Decimal("0.8"),
        discount_rate=Decimal("0.1"),
        time_unit="Y",
    ),
    "lifetime-value-finite": lambda: lifetime_value(
        Decimal("123.45"),
        retention=Decimal("0.873"),
        discount_rate=Decimal("0.0125"),
        time_unit="M",
        horizon=24,
    ),
    "retention-effect": lambda: retention_effect(
        Decimal("100.37"),
        retention=Decimal("0.8123"),
        change=Decimal("0.0537"),
        discount_rate=Decimal("0.1"),
        time_unit="Y",
    ),
    "simple-lifetime-value": lambda: simple_lifetime_value(
        Decimal("1234.5678"), years=Decimal("2.3456")
    ),
    "retention-vs-acquisition": lambda: retention_vs_acquisition_cost(
        12_345, retention_cost_per_customer=Decimal("40.123")
    ),
    "share-of-wallet": lambda: share_of_wallet(
        Decimal(1), category_spend=Decimal(3)
    ),
    "share-of-market": lambda: share_of_market(
        Decimal(2), market_sales=Decimal(7)
    ),
    "complaint-rate": lambda: complaint_rate(1, customers=3),
    "churn-rate": lambda: churn_rate(2, customers_at_start=3),
    "silent-share": lambda: silent_dissatisfaction_share(
        7, customers=3000, assumptions=PRIMARY_STUDIES
    ),
    "share-unlikely-alive": lambda: share_unlikely_alive(
        [0.1, 0.5, 0.9], threshold=0.3
    ),
    "assess-kri": lambda: assess(CHURN, Decimal("0.123456789")),
    "kri-series": lambda: assess_series(CHURN, SERIES),
    "rfm-summary": lambda: rfm_summary(LOG, observation_end=date(2024, 1, 31)),
    "rfm-holdout": lambda: rfm_calibration_holdout(
        LOG,
        calibration_end=date(2024, 1, 5),
        observation_end=date(2024, 1, 31),
    ),
}

CALLER_CONTEXTS = {
    "prec-3": decimal.Context(prec=3),
    "prec-4": decimal.Context(prec=4),
    "no-traps": decimal.Context(traps=[]),
    "round-down": decimal.Context(rounding=decimal.ROUND_DOWN),
    "round-ceiling-prec-6": decimal.Context(
        prec=6, rounding=decimal.ROUND_CEILING
    ),
    "tiny-exponents": decimal.Context(Emin=-5, Emax=5, traps=[]),
}


@pytest.mark.parametrize("rule", list(RULES.values()), ids=list(RULES))
@pytest.mark.parametrize(
    "context", list(CALLER_CONTEXTS.values()), ids=list(CALLER_CONTEXTS)
)
def test_answers_do_not_depend_on_the_callers_context(
    rule: Callable[[], object], context: decimal.Context
):
    """Each rule computes in its own context, so the caller's is ignored."""
    with decimal.localcontext(DECIMAL_CONTEXT):
        expected = rule()
    with decimal.localcontext(context):
        got = rule()
    assert got == expected


def test_lifetime_value_at_low_caller_precision_is_exact():
    """Under prec=4 the infinite-horizon value is 266.666..., not 266.7."""
    with decimal.localcontext(prec=4):
        clv = lifetime_value(
            Decimal(100),
            retention=Decimal("0.8"),
            discount_rate=Decimal("0.1"),
            time_unit="Y",
        )
    assert clv.value == Decimal("266.6666666666666666666666667")


def test_rules_leave_the_callers_context_alone():
    """Calling a rule neither changes nor flags the caller's context."""
    with decimal.localcontext(prec=5, traps=[]) as context:
        context.clear_flags()
        lifetime_value(
            Decimal(100),
            retention=Decimal("0.8"),
            discount_rate=Decimal("0.1"),
            time_unit="Y",
        )
        assert context.prec == 5
        assert not any(context.flags.values())


def test_the_rate_hint_does_not_depend_on_the_callers_context():
    """The percent hint in check_rate's message is exact at any precision."""
    with (
        decimal.localcontext(prec=2),
        pytest.raises(ValueError, match=r"Decimal\('0\.125'\)"),
    ):
        check_rate(Decimal("12.5"), name="retention")


@given(
    margin=money,
    retention=retention_rates,
    discount=discount_rates,
    horizon=st.none() | st.integers(0, 40),
    prec=st.integers(1, 40),
    rounding=st.sampled_from(
        [decimal.ROUND_DOWN, decimal.ROUND_UP, decimal.ROUND_HALF_UP]
    ),
)
def test_lifetime_value_is_the_same_in_any_caller_context(  # noqa: PLR0917 - hypothesis passes them by name
    margin: Decimal,
    retention: Decimal,
    discount: Decimal,
    horizon: int | None,
    prec: int,
    rounding: str,
):
    """For any figures, any caller precision and rounding give one answer."""

    def value() -> object:
        return lifetime_value(
            margin,
            retention=retention,
            discount_rate=discount,
            time_unit="M",
            horizon=horizon,
        )

    expected = value()
    with decimal.localcontext(prec=prec, rounding=rounding, traps=[]):
        assert value() == expected
