from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clv_helpers import read_columns
from customer_centric.clv import (
    BgBbFit,
    BgNbdFit,
    ClvSettings,
    GammaGammaFit,
    ParetoNbdFit,
    customer_lifetime_value,
    monthly_discount_rate,
)
from customer_centric.exceptions import ArgumentTypeError, DataError

BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
BB = BgBbFit.from_parameters(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)


@pytest.fixture(scope="module")
def cdnow(shared_data: Path) -> list[np.ndarray]:
    """CDNOW x, t_x, T (weeks) and zbar."""
    path = shared_data / "cdnow_customers_summary_with_transactions.csv"
    return read_columns(path, "x", "t_x", "T", "zbar")


def _manual_clv(
    model: BgNbdFit,
    x: np.ndarray,
    t_x: np.ndarray,
    big_t: np.ndarray,
    spend: np.ndarray,
    *,
    units_per_month: float,
    months: int,
    rate: float,
) -> np.ndarray:
    """The lifetimes recipe, written out month by month."""
    total = np.zeros(x.shape)
    for m in range(1, months + 1):
        now = model.conditional_expected_purchases(
            m * units_per_month, x, t_x, big_t
        )
        before = model.conditional_expected_purchases(
            (m - 1) * units_per_month, x, t_x, big_t
        )
        total += spend * (now - before) / (1 + rate) ** m
    return total


def test_matches_monthly_sum_on_cdnow(cdnow: list[np.ndarray]) -> None:
    """CLV is the discounted sum of monthly purchase increments x spend."""
    x, t_x, big_t, zbar = cdnow
    clv = customer_lifetime_value(
        BG,
        x,
        t_x,
        big_t,
        spend=GG,
        monetary_value=zbar,
        settings=ClvSettings(
            time_unit="W",
            horizon_months=12,
            discount_rate=0.01,
            discount_rate_period="M",
        ),
    )
    spend = GG.conditional_expected_spend(x, zbar)
    expected = _manual_clv(
        BG,
        x,
        t_x,
        big_t,
        spend,
        units_per_month=30.4375 / 7,
        months=12,
        rate=0.01,
    )
    np.testing.assert_allclose(clv.value, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(clv.expected_spend, spend)
    assert clv.time_units_per_month == pytest.approx(30.4375 / 7)


def test_lifetimes_convention(cdnow: list[np.ndarray]) -> None:
    """With 30-day months the value equals the lifetimes recipe (freq D)."""
    x, t_x, big_t, zbar = cdnow
    days = customer_lifetime_value(
        BG,
        x[:50],
        t_x[:50],
        big_t[:50],
        spend=zbar[:50],
        settings=ClvSettings(
            time_unit=timedelta(days=7),
            horizon_months=6,
            discount_rate=0.01,
            discount_rate_period="M",
            days_per_month=30,
        ),
    )
    expected = _manual_clv(
        BG,
        x[:50],
        t_x[:50],
        big_t[:50],
        zbar[:50],
        units_per_month=30 / 7,
        months=6,
        rate=0.01,
    )
    np.testing.assert_allclose(days.value, expected, rtol=1e-10, atol=1e-12)


def test_time_unit_rescaling_gives_same_value() -> None:
    """The same model in days or weeks values a customer identically."""
    in_days = BgNbdFit.from_parameters(
        r=0.243, alpha=4.414 * 7, a=0.793, b=2.426
    )
    weeks = ClvSettings(time_unit="W", horizon_months=24, discount_rate=0.1)
    weekly = customer_lifetime_value(
        BG, [2, 0, 7], [30.43, 0, 35.0], 38.86, spend=30.0, settings=weeks
    )
    daily = customer_lifetime_value(
        in_days,
        [2, 0, 7],
        [30.43 * 7, 0, 35.0 * 7],
        38.86 * 7,
        spend=30.0,
        settings=weeks.with_changes(time_unit="D"),
    )
    np.testing.assert_allclose(weekly.value, daily.value, rtol=1e-9)


def test_bg_bb_long_horizon_equals_dert() -> None:
    """BG/BB over a very long horizon approaches DERT x spend (FHS eq. 14)."""
    x, t_x = np.array([6, 3, 0]), np.array([6, 5, 0])
    clv = customer_lifetime_value(
        BB,
        x,
        t_x,
        6,
        spend=50.0,
        settings=ClvSettings(
            time_unit="Y",
            horizon_months=12 * 400,
            discount_rate=0.1,
            discount_rate_period="Y",
        ),
    )
    dert = BB.discounted_expected_residual_purchases(0.1, x, t_x, 6)
    np.testing.assert_allclose(clv.value, 50.0 * dert, rtol=1e-10)


def test_bg_bb_pays_at_period_ends() -> None:
    """With yearly periods, value arrives at months 12, 24, ... only."""
    one, twelve = (
        customer_lifetime_value(
            BB,
            6,
            6,
            6,
            spend=1.0,
            settings=ClvSettings(
                time_unit="Y",
                horizon_months=months,
                discount_rate=0.1,
                discount_rate_period="Y",
            ),
        )
        for months in (11, 12)
    )
    assert float(one.value) == 0.0
    first_year = float(BB.conditional_expected_purchases(1, 6, 6, 6))
    assert float(twelve.value) == pytest.approx(first_year / 1.1, rel=1e-12)


def test_pareto_nbd_is_accepted() -> None:
    """Any purchase model of the protocol works, e.g. Pareto/NBD."""
    pareto = ParetoNbdFit.from_parameters(
        r=0.553, alpha=10.578, s=0.606, beta=11.669
    )
    clv = customer_lifetime_value(
        pareto,
        [2, 0],
        [30.43, 0.0],
        38.86,
        spend=20.0,
        settings=ClvSettings(
            time_unit="W",
            horizon_months=12,
            discount_rate=0.0,
            discount_rate_period="Y",
        ),
    )
    horizon = 12 * 30.4375 / 7
    expected = pareto.conditional_expected_purchases(
        horizon, [2, 0], [30.43, 0.0], 38.86
    )
    np.testing.assert_allclose(clv.value, 20.0 * expected, rtol=1e-10)
    np.testing.assert_allclose(clv.expected_purchases, expected, rtol=1e-10)


def test_annual_rate_converted_to_monthly() -> None:
    """10 % a year equals (1.1)^(1/12) - 1 a month."""
    rate = (1.1) ** (1 / 12) - 1
    assert monthly_discount_rate(0.1, per="Y") == pytest.approx(rate)
    yearly, monthly = (
        customer_lifetime_value(
            BG,
            2,
            30.43,
            38.86,
            spend=20.0,
            settings=ClvSettings(
                time_unit="W",
                horizon_months=36,
                discount_rate=discount_rate,
                discount_rate_period=period,
            ),
        )
        for discount_rate, period in ((0.1, "Y"), (rate, "M"))
    )
    assert float(yearly.value) == pytest.approx(float(monthly.value))
    assert yearly.monthly_discount_rate == pytest.approx(rate)


def test_margin_and_broadcasting() -> None:
    """Margin scales value; inputs broadcast to a 2-D grid of customers."""
    x = np.array([[0.0], [2.0]])
    t_x = np.array([[0.0, 0.0], [10.0, 30.0]])
    full, half = (
        customer_lifetime_value(
            BG,
            x,
            t_x,
            38.86,
            spend=[10.0, 20.0],
            settings=ClvSettings(
                time_unit="W",
                horizon_months=12,
                discount_rate=0.01,
                discount_rate_period="M",
                margin=margin,
            ),
        )
        for margin in (1.0, 0.5)
    )
    assert full.value.shape == (2, 2)
    np.testing.assert_allclose(half.value, 0.5 * full.value)
    np.testing.assert_allclose(
        full.value, full.expected_spend * full.discounted_purchases
    )


def test_large_base_is_one_call() -> None:
    """A million customers are valued in one vectorised call."""
    rng = np.random.default_rng(1)
    size = 1_000_000
    big_t = np.round(rng.uniform(1, 52, size), 1)
    x = rng.integers(0, 10, size).astype(float)
    t_x = np.where(x > 0, np.round(big_t * rng.uniform(0, 1, size), 1), 0.0)
    clv = customer_lifetime_value(
        BG,
        x,
        t_x,
        big_t,
        spend=GG,
        monetary_value=rng.uniform(5, 50, size),
        settings=ClvSettings(
            time_unit="W",
            horizon_months=12,
            discount_rate=0.1,
            discount_rate_period="Y",
        ),
    )
    assert clv.value.shape == (size,)
    assert np.isfinite(clv.value).all()
    assert (clv.value >= 0).all()


def test_heavy_buyers_are_finite() -> None:
    """Frequency 10,000 over 100,000 periods gives a finite value."""
    clv = customer_lifetime_value(
        BG,
        [10_000, 10_000],
        [99_000, 100_000],
        100_000,
        spend=GG,
        monetary_value=[25.0, 25.0],
        settings=ClvSettings(
            time_unit="D",
            horizon_months=120,
            discount_rate=0.1,
            discount_rate_period="Y",
        ),
    )
    assert np.isfinite(clv.value).all()
    assert (clv.value > 0).all()


BAD_ARGUMENTS = [
    ({"spend": -5.0}, DataError, "spend must be >= 0"),
    ({"spend": [1.0, 2.0, 3.0]}, DataError, "broadcast"),
    ({"spend": GG}, DataError, "needs monetary_value"),
    ({"monetary_value": [1.0, 2.0]}, DataError, "only used with"),
    (
        {"settings": {"time_unit": "W", "discount_rate": 0.1}},
        ArgumentTypeError,
        "settings must be a ClvSettings",
    ),
]


@pytest.mark.parametrize(
    ("override", "error", "match"),
    BAD_ARGUMENTS,
    ids=[
        "negative-spend",
        "spend-shape",
        "gg-without-values",
        "values-without-gg",
        "settings-a-dict",
    ],
)
def test_rejects_bad_arguments(
    override: dict[str, object], error: type[Exception], match: str
) -> None:
    """Bad spend, monetary values or settings raise a clear error."""
    arguments: dict[str, object] = {
        "spend": 10.0,
        "settings": ClvSettings(time_unit="W", discount_rate=0.1),
    }
    arguments.update(override)
    with pytest.raises(error, match=match):
        customer_lifetime_value(
            BG,
            [2, 0],
            [30.43, 0.0],
            38.86,
            **arguments,  # type: ignore[arg-type]
        )


def test_rejects_bad_histories() -> None:
    """Impossible histories name the offending rows."""
    with pytest.raises(DataError, match="row 1"):
        customer_lifetime_value(
            BG,
            [2, 1],
            [30.43, 50.0],
            38.86,
            spend=10.0,
            settings=ClvSettings(
                time_unit="W",
                horizon_months=12,
                discount_rate=0.1,
                discount_rate_period="Y",
            ),
        )


def _value(spend: float, rate: float, months: int = 12) -> float:
    return float(
        customer_lifetime_value(
            BG,
            3,
            20.0,
            38.86,
            spend=spend,
            settings=ClvSettings(
                time_unit="W",
                horizon_months=months,
                discount_rate=rate,
                discount_rate_period="Y",
            ),
        ).value
    )


@given(
    spend=st.floats(0.0, 1e6),
    more=st.floats(0.0, 1e6),
    rate=st.floats(0.0, 2.0),
)
def test_value_non_negative_and_non_decreasing_in_spend(
    spend: float, more: float, rate: float
) -> None:
    """CLV >= 0 and never falls when spend rises."""
    low = _value(spend, rate)
    assert low >= 0.0
    assert _value(spend + more, rate) >= low


@given(
    rate=st.floats(0.0, 2.0),
    extra=st.floats(0.0, 2.0),
    months=st.integers(1, 60),
)
def test_value_non_increasing_in_discount_rate(
    rate: float, extra: float, months: int
) -> None:
    """A higher discount rate never raises CLV."""
    assert _value(25.0, rate + extra, months) <= _value(25.0, rate, months)


@given(months=st.integers(1, 60), more=st.integers(0, 60))
def test_value_non_decreasing_in_horizon(months: int, more: int) -> None:
    """A longer horizon never lowers CLV."""
    assert _value(25.0, 0.1, months + more) >= _value(25.0, 0.1, months)


def test_month_time_unit_is_one_month_whatever_its_days() -> None:
    """With time_unit "M", a month is one unit even with 30-day months."""
    monthly = BgNbdFit.from_parameters(
        r=0.243, alpha=4.414 * 7 / 30.4375, a=0.793, b=2.426
    )
    clv = customer_lifetime_value(
        monthly,
        2,
        7.0,
        9.0,
        spend=10.0,
        settings=ClvSettings(
            time_unit="M",
            horizon_months=12,
            discount_rate=0.0,
            discount_rate_period="M",
            days_per_month=30,
        ),
    )
    assert clv.time_units_per_month == 1.0
    expected = float(monthly.conditional_expected_purchases(12, 2, 7.0, 9.0))
    assert float(clv.value) == pytest.approx(10 * expected, rel=1e-10)


def test_rejects_non_numeric_inputs() -> None:
    """Non-numeric spend or histories raise DataError."""
    yearly = ClvSettings(time_unit="W", discount_rate=0.1)
    with pytest.raises(DataError, match="spend must be numbers"):
        customer_lifetime_value(
            BG,
            2,
            30.43,
            38.86,
            spend="lots",  # type: ignore[arg-type]
            settings=yearly,
        )
    with pytest.raises(DataError, match="broadcastable"):
        customer_lifetime_value(
            BG,
            [2, 1],
            [30.43, 1.0, 2.0],
            38.86,
            spend=1.0,
            settings=yearly,
        )
