from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric._types import MAX_MONEY
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.value import (
    ACQUISITION_COST_MULTIPLE_PRIMARY,
    ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
    lifetime_value,
    retention_effect,
    retention_vs_acquisition_cost,
    share_of_market,
    share_of_wallet,
    simple_lifetime_value,
)
from customer_centric.value._lifetime import MAX_HORIZON
from strategies import discount_rates, money, retention_rates

margins = money
rates = retention_rates
discounts = discount_rates


@pytest.mark.parametrize(
    ("income", "years", "expected"),
    [
        (Decimal("1200.00"), 5, Decimal("6000.00")),
        (Decimal("1200.00"), Decimal("2.5"), Decimal("3000.000")),
        (Decimal(0), 10, Decimal(0)),
        (Decimal("99.99"), 0, Decimal(0)),
    ],
    ids=["whole-years", "fractional-years", "no-income", "no-years"],
)
def test_simple_lifetime_value_is_income_times_years(
    income: Decimal, years: int | Decimal, expected: Decimal
):
    """V = I x N exactly, in Decimal."""
    assert simple_lifetime_value(income, years) == expected
    assert simple_lifetime_value(income, years=years) == expected


@pytest.mark.parametrize(
    ("income", "years", "error"),
    [
        (Decimal(-1), 5, InvariantError),
        (Decimal(100), -1, InvariantError),
        (Decimal(100), Decimal("NaN"), InvariantError),
        (Decimal(100), 2.5, TypeError),
        (Decimal(100), True, TypeError),
    ],
    ids=["negative-income", "negative-years", "nan-years", "float", "bool"],
)
def test_simple_lifetime_value_rejects_bad_input(
    income: Decimal, years: object, error: type[Exception]
):
    """Negative, non-finite or float inputs raise with a fix."""
    with pytest.raises(error):
        simple_lifetime_value(income, years)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("retention", "discount", "horizon", "expected"),
    [
        ("0.8", "0.25", 1, "64"),
        ("0.8", "0.25", 3, "131.1744"),
        ("0.8", "0.1", None, "266.6666666666666666666666667"),
        ("0.5", "0", None, "100"),
        ("1", "0.1", None, "1000"),
        ("0.8", "0.1", 0, "0"),
        ("0", "0.1", 5, "0"),
    ],
    ids=[
        "one-period",
        "three-periods",
        "infinite",
        "infinite-undiscounted",
        "always-retained",
        "zero-horizon",
        "never-retained",
    ],
)
def test_lifetime_value_matches_the_formulas(
    retention: str, discount: str, horizon: int | None, expected: str
):
    """Finite sums m r^t/(1+d)^t; infinite horizon m r/(1+d-r)."""
    clv = lifetime_value(
        Decimal(100),
        retention=Decimal(retention),
        discount_rate=Decimal(discount),
        time_unit="Y",
        horizon=horizon,
    )
    assert clv.value == Decimal(expected)
    assert clv.horizon == horizon
    assert clv.time_unit == "Y"
    assert len(clv.periods) == (horizon or 0)


def test_lifetime_value_breakdown_adds_up():
    """Each period's value is margin x survival x discount factor."""
    clv = lifetime_value(
        Decimal(50),
        retention=Decimal("0.9"),
        discount_rate=Decimal("0.05"),
        time_unit="M",
        horizon=12,
    )
    assert sum(p.value for p in clv.periods) == clv.value
    for p in clv.periods:
        assert p.value == clv.margin * p.survival * p.discount_factor
        assert p.survival == Decimal("0.9") ** p.period
    assert clv.expected_periods == sum(p.survival for p in clv.periods)


def test_infinite_horizon_expected_periods():
    """Expected future periods are r/(1-r), infinite when r is 1."""
    assert lifetime_value(
        Decimal(1),
        retention=Decimal("0.75"),
        discount_rate=Decimal("0.1"),
        time_unit="Y",
    ).expected_periods == Decimal(3)
    assert lifetime_value(
        Decimal(1),
        retention=Decimal(1),
        discount_rate=Decimal("0.1"),
        time_unit="Y",
    ).expected_periods == Decimal("Infinity")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"margin": Decimal(-1)}, InvariantError, "margin"),
        ({"retention": Decimal(80)}, InvariantError, "0.8"),
        ({"discount_rate": Decimal("-0.1")}, InvariantError, "discount"),
        ({"horizon": -1}, InvariantError, "horizon"),
        ({"horizon": 2.0}, TypeError, "horizon"),
        (
            {"retention": Decimal(1), "discount_rate": Decimal(0)},
            InvariantError,
            "no finite value",
        ),
    ],
    ids=[
        "negative-margin",
        "percent-retention",
        "negative-discount",
        "negative-horizon",
        "float-horizon",
        "unbounded",
    ],
)
def test_lifetime_value_rejects_bad_input(
    kwargs: dict[str, object], error: type[Exception], match: str
):
    """Bad figures raise and say how to fix them."""
    args: dict[str, object] = {
        "margin": Decimal(100),
        "retention": Decimal("0.8"),
        "discount_rate": Decimal("0.1"),
        "horizon": None,
    }
    args.update(kwargs)
    margin = args.pop("margin")
    with pytest.raises(error, match=match):
        lifetime_value(margin, time_unit="Y", **args)  # type: ignore[arg-type]


@given(margin=margins, low=rates, high=rates, discount=discounts)
def test_value_is_non_negative_and_non_decreasing_in_retention(
    margin: Decimal, low: Decimal, high: Decimal, discount: Decimal
):
    """Lifetime value >= 0 and never falls when retention rises."""
    low, high = sorted((low, high))
    for horizon in (None, 5):
        worse = lifetime_value(
            margin,
            retention=low,
            discount_rate=discount,
            time_unit="Y",
            horizon=horizon,
        )
        better = lifetime_value(
            margin,
            retention=high,
            discount_rate=discount,
            time_unit="Y",
            horizon=horizon,
        )
        assert worse.value >= 0
        assert better.value >= worse.value


@given(
    margin=margins,
    retention=st.decimals(
        min_value=0, max_value=Decimal("0.99"), places=2, allow_nan=False
    ),
    discount=discounts,
    horizon=st.integers(min_value=0, max_value=60),
)
def test_finite_horizon_converges_to_infinite(
    margin: Decimal, retention: Decimal, discount: Decimal, horizon: int
):
    """The gap to the infinite value is exactly infinite x (r/(1+d))^N."""
    finite = lifetime_value(
        margin,
        retention=retention,
        discount_rate=discount,
        time_unit="Q",
        horizon=horizon,
    )
    infinite = lifetime_value(
        margin, retention=retention, discount_rate=discount, time_unit="Q"
    )
    ratio = retention / (1 + discount)
    gap = infinite.value * (ratio**horizon if horizon else 1)
    assert finite.value <= infinite.value + Decimal("1e-20")
    assert abs(infinite.value - finite.value - gap) <= Decimal("1e-18") * (
        1 + infinite.value
    )


def test_finite_horizon_is_close_after_many_periods():
    """Far horizons agree with the closed form to the cent."""
    kwargs = {
        "retention": Decimal("0.9"),
        "discount_rate": Decimal("0.1"),
    }
    finite = lifetime_value(Decimal(100), time_unit="Y", horizon=400, **kwargs)
    infinite = lifetime_value(Decimal(100), time_unit="Y", **kwargs)
    assert abs(finite.value - infinite.value) < Decimal("0.01")


@pytest.mark.parametrize(
    ("retention", "change", "percent"),
    [
        ("0.80", "0.05", Decimal("27.5")),
        ("0.90", "0.05", Decimal("40.7")),
        ("0.60", "0.05", Decimal("20.4")),
        ("0.90", "-0.05", Decimal("-24.4")),
    ],
    ids=["80-to-85", "90-to-95", "60-to-65", "90-to-85"],
)
def test_retention_effect_is_computed_not_quoted(
    retention: str, change: str, percent: Decimal
):
    """Five points more retention gives a value change that depends on r."""
    effect = retention_effect(
        Decimal(100),
        retention=Decimal(retention),
        change=Decimal(change),
        discount_rate=Decimal("0.1"),
        time_unit="Y",
    )
    assert effect.relative_change is not None
    assert (100 * effect.relative_change).quantize(Decimal("0.1")) == percent
    assert effect.change == effect.after.value - effect.before.value
    assert effect.after.retention == Decimal(retention) + Decimal(change)


def test_retention_effect_from_zero_value_has_no_relative_change():
    """With no value before, the relative change is undefined (None)."""
    effect = retention_effect(
        Decimal(100),
        retention=Decimal(0),
        change=Decimal("0.5"),
        discount_rate=Decimal("0.1"),
        time_unit="Y",
        horizon=3,
    )
    assert effect.relative_change is None
    assert effect.change > 0


def test_retention_effect_rejects_changes_leaving_the_unit_interval():
    """Retention plus change must stay in [0, 1]."""
    with pytest.raises(InvariantError, match=r"outside \[0, 1\]"):
        retention_effect(
            Decimal(100),
            retention=Decimal("0.98"),
            change=Decimal("0.05"),
            discount_rate=Decimal("0.1"),
            time_unit="Y",
        )


def test_acquisition_cost_assumptions_are_sourced():
    """Both presets carry their published ranges and sources."""
    texts = ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS
    primary = ACQUISITION_COST_MULTIPLE_PRIMARY
    assert texts.name == primary.name
    assert (texts.low, texts.value, texts.high) == (3, 3, 30)
    assert (primary.low, primary.value, primary.high) == (2, 5, 20)
    assert "004" in texts.source
    assert "Goodman (1999)" in primary.source
    assert texts.unit == primary.unit == "multiple"


@pytest.mark.parametrize(
    ("multiple", "acquisition", "low", "high"),
    [
        (ACQUISITION_COST_MULTIPLE_PRIMARY, 5000, 2000, 20000),
        (ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS, 3000, 3000, 30000),
        (
            ACQUISITION_COST_MULTIPLE_PRIMARY.override(Decimal(7)),
            7000,
            None,
            None,
        ),
    ],
    ids=["primary", "source-texts", "override"],
)
def test_retention_vs_acquisition_cost(
    multiple: object, acquisition: int, low: int | None, high: int | None
):
    """Acquisition cost is retention cost times the assumed multiple."""
    cmp = retention_vs_acquisition_cost(
        100,
        retention_cost_per_customer=Decimal(10),
        multiple=multiple,  # type: ignore[arg-type]
    )
    assert cmp.retention_cost == 1000
    assert cmp.acquisition_cost == acquisition
    assert cmp.acquisition_cost_low == low
    assert cmp.acquisition_cost_high == high
    assert cmp.saving == acquisition - 1000
    assert cmp.multiple is multiple


@pytest.mark.parametrize(
    ("customers", "cost", "multiple", "match"),
    [
        (-1, Decimal(1), ACQUISITION_COST_MULTIPLE_PRIMARY, "customers"),
        (1, Decimal(-1), ACQUISITION_COST_MULTIPLE_PRIMARY, "retention_cost"),
        (
            1,
            Decimal(1),
            ACQUISITION_COST_MULTIPLE_PRIMARY.override(Decimal(10) ** 7),
            "multiple",
        ),
    ],
    ids=["negative-count", "negative-cost", "absurd-multiple"],
)
def test_retention_vs_acquisition_cost_rejects_bad_input(
    customers: int, cost: Decimal, multiple: object, match: str
):
    """Negative counts and costs, and absurd multiples, raise."""
    with pytest.raises(InvariantError, match=match):
        retention_vs_acquisition_cost(
            customers,
            retention_cost_per_customer=cost,
            multiple=multiple,  # type: ignore[arg-type]
        )


def test_default_multiple_is_the_primary_studies():
    """Without a multiple the primary studies' 5x is used."""
    cmp = retention_vs_acquisition_cost(
        1, retention_cost_per_customer=Decimal(1)
    )
    assert cmp.multiple == ACQUISITION_COST_MULTIPLE_PRIMARY


@pytest.mark.parametrize(
    ("part", "whole", "share"),
    [("300", "1200", "0.25"), ("0", "10", "0"), ("10", "10", "1")],
    ids=["quarter", "none", "all"],
)
def test_shares(part: str, whole: str, share: str):
    """Shares are part over whole for wallet and market alike."""
    assert share_of_wallet(
        Decimal(part), category_spend=Decimal(whole)
    ) == Decimal(share)
    assert share_of_market(
        Decimal(part), market_sales=Decimal(whole)
    ) == Decimal(share)


@pytest.mark.parametrize(
    ("part", "whole", "match"),
    [
        ("11", "10", "exceeds"),
        ("0", "0", "is 0"),
        ("-1", "10", "non-negative"),
    ],
    ids=["part-above-whole", "empty-whole", "negative"],
)
def test_shares_reject_impossible_figures(part: str, whole: str, match: str):
    """A part above its whole, a zero whole or negatives raise."""
    with pytest.raises(InvariantError, match=match):
        share_of_wallet(Decimal(part), category_spend=Decimal(whole))
    with pytest.raises(InvariantError, match=match):
        share_of_market(Decimal(part), market_sales=Decimal(whole))


def _value_call(name: str, bad: object) -> Callable[[], object]:
    """A call of a value rule with ``bad`` in argument ``name``."""
    good: dict[str, object] = {
        "margin": Decimal(100),
        "retention": Decimal("0.8"),
        "discount_rate": Decimal("0.1"),
        "time_unit": "Y",
        "horizon": 3,
    }
    if name in good:
        args = {**good, name: bad}
        margin = args.pop("margin")
        return lambda: lifetime_value(margin, **args)  # type: ignore[arg-type]
    calls: dict[str, Callable[[], object]] = {
        "annual_income": lambda: simple_lifetime_value(bad, 3),  # type: ignore[arg-type]
        "years": lambda: simple_lifetime_value(Decimal(1), bad),  # type: ignore[arg-type]
        "change": lambda: retention_effect(
            Decimal(100),
            retention=Decimal("0.8"),
            change=bad,  # type: ignore[arg-type]
            discount_rate=Decimal("0.1"),
            time_unit="Y",
        ),
        "customers": lambda: retention_vs_acquisition_cost(
            bad,  # type: ignore[arg-type]
            retention_cost_per_customer=Decimal(1),
        ),
        "retention_cost_per_customer": lambda: retention_vs_acquisition_cost(
            1,
            retention_cost_per_customer=bad,  # type: ignore[arg-type]
        ),
        "multiple": lambda: retention_vs_acquisition_cost(
            1,
            retention_cost_per_customer=Decimal(1),
            multiple=bad,  # type: ignore[arg-type]
        ),
        "spend_with_firm": lambda: share_of_wallet(
            bad,  # type: ignore[arg-type]
            category_spend=Decimal(1),
        ),
        "category_spend": lambda: share_of_wallet(
            Decimal(0),
            category_spend=bad,  # type: ignore[arg-type]
        ),
        "market_sales": lambda: share_of_market(
            Decimal(0),
            market_sales=bad,  # type: ignore[arg-type]
        ),
    }
    return calls[name]


BAD_VALUE_INPUTS = [
    ("margin", 1.5, ArgumentTypeError),
    ("margin", "100", ArgumentTypeError),
    ("margin", None, ArgumentTypeError),
    ("margin", Decimal("NaN"), InvariantError),
    ("margin", Decimal("Infinity"), InvariantError),
    ("margin", Decimal("1e999999"), InvariantError),
    ("margin", 10**400, InvariantError),
    ("retention", 0.8, ArgumentTypeError),
    ("retention", Decimal("sNaN"), InvariantError),
    ("discount_rate", None, ArgumentTypeError),
    ("discount_rate", float("inf"), ArgumentTypeError),
    ("discount_rate", Decimal("-Infinity"), InvariantError),
    ("discount_rate", Decimal("9E+999999"), InvariantError),
    ("time_unit", "fortnight", InvariantError),
    ("time_unit", None, InvariantError),
    ("horizon", 10**6, InvariantError),
    ("horizon", 10**400, InvariantError),
    ("horizon", "3", ArgumentTypeError),
    ("annual_income", 1200.0, ArgumentTypeError),
    ("annual_income", Decimal("1e999999"), InvariantError),
    ("years", Decimal("1e999999"), InvariantError),
    ("years", 10**400, InvariantError),
    ("years", float("nan"), ArgumentTypeError),
    ("change", 0.05, ArgumentTypeError),
    ("change", Decimal("NaN"), InvariantError),
    ("change", Decimal("1e999999"), InvariantError),
    ("customers", Decimal("9E+999999"), ArgumentTypeError),
    ("customers", 10**400, InvariantError),
    ("customers", 2.5, ArgumentTypeError),
    ("customers", True, ArgumentTypeError),
    ("retention_cost_per_customer", Decimal("9E+999999"), InvariantError),
    ("retention_cost_per_customer", float("nan"), ArgumentTypeError),
    ("multiple", Decimal(5), ArgumentTypeError),
    ("multiple", None, ArgumentTypeError),
    (
        "multiple",
        ACQUISITION_COST_MULTIPLE_PRIMARY.override(Decimal("1e11")),
        InvariantError,
    ),
    ("spend_with_firm", None, ArgumentTypeError),
    ("category_spend", Decimal("Infinity"), InvariantError),
    ("market_sales", Decimal("1e999999"), InvariantError),
]


@pytest.mark.parametrize(
    ("name", "bad", "error"),
    BAD_VALUE_INPUTS,
    ids=[f"{name}-{bad!r}"[:40] for name, bad, _ in BAD_VALUE_INPUTS],
)
def test_value_rules_refuse_bad_input_with_our_error(
    name: str, bad: object, error: type[Exception]
):
    """Wrong types, non-finite or absurd figures raise our error by name."""
    call = _value_call(name, bad)
    with pytest.raises(error) as caught:
        call()
    shown = (
        "assumption"
        if name == "multiple" and error is InvariantError
        else name
    )
    assert shown in str(caught.value)


@pytest.mark.parametrize(
    "horizon", [0, 1, 7, MAX_HORIZON], ids=["zero", "one", "week", "maximum"]
)
def test_horizon_up_to_the_maximum_is_summed(horizon: int):
    """Horizons up to MAX_HORIZON are summed period by period."""
    clv = lifetime_value(
        Decimal(10),
        retention=Decimal("0.99"),
        discount_rate=Decimal("0.001"),
        time_unit="D",
        horizon=horizon,
    )
    assert len(clv.periods) == horizon
    assert clv.value == sum((p.value for p in clv.periods), Decimal(0))


def test_horizon_above_the_maximum_is_refused_with_a_fix():
    """A horizon above MAX_HORIZON is refused, pointing to horizon=None."""
    with pytest.raises(InvariantError, match="None for no end"):
        lifetime_value(
            Decimal(10),
            retention=Decimal("0.99"),
            discount_rate=Decimal("0.001"),
            time_unit="D",
            horizon=MAX_HORIZON + 1,
        )


@pytest.mark.parametrize(
    ("amount", "accepted"),
    [
        (MAX_MONEY, True),
        (MAX_MONEY + Decimal("0.01"), False),
        (Decimal("1e-999999"), True),
    ],
    ids=["at-bound", "above-bound", "tiny"],
)
def test_money_is_bounded(amount: Decimal, accepted: bool):
    """Amounts up to MAX_MONEY are accepted; larger ones are refused."""
    if accepted:
        assert share_of_wallet(amount, category_spend=MAX_MONEY) >= 0
    else:
        with pytest.raises(InvariantError, match="at most 1E"):
            share_of_wallet(amount, category_spend=amount)


def test_int_money_is_accepted_exactly():
    """An int amount is money too, converted exactly."""
    assert share_of_wallet(1, category_spend=4) == Decimal("0.25")  # type: ignore[arg-type]
    assert simple_lifetime_value(1200, 2) == Decimal(2400)  # type: ignore[arg-type]


def _nearly_one(nines: int) -> Decimal:
    """A retention of 0.99...9 with ``nines`` nines, exactly."""
    return Decimal("0." + "9" * nines)


@pytest.mark.parametrize(
    ("retention", "discount"),
    [
        (Decimal(1), Decimal("1e-999999")),
        (_nearly_one(1_000_001), Decimal(0)),
        (_nearly_one(1_000_040), Decimal(0)),
    ],
    ids=["tiny-discount", "overflowing-value", "vanishing-gap"],
)
def test_unrepresentable_infinite_values_are_refused(
    retention: Decimal, discount: Decimal
):
    """A value too large for Decimal raises our error, not decimal's."""
    with pytest.raises(InvariantError, match="cannot be represented"):
        lifetime_value(
            Decimal(100),
            retention=retention,
            discount_rate=discount,
            time_unit="Y",
        )


def test_a_tiny_discount_with_full_retention_is_not_lost():
    """With retention 1, a discount rate of 1e-30 still counts (no 1 + d)."""
    clv = lifetime_value(
        Decimal(100),
        retention=Decimal(1),
        discount_rate=Decimal("1e-30"),
        time_unit="Y",
    )
    assert clv.value == Decimal("1E+32")
    assert clv.expected_periods == Decimal("Infinity")


def test_unrepresentable_relative_change_is_refused():
    """A relative change too large for Decimal raises our error."""
    with pytest.raises(InvariantError, match="relative change"):
        retention_effect(
            Decimal(1),
            retention=Decimal("1e-1000020"),
            change=Decimal("0.5"),
            discount_rate=Decimal("0.1"),
            time_unit="Y",
        )
