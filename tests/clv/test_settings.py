from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pytest
from hypothesis import given
from pydantic import ValidationError

import strategies as domain
from customer_centric.clv import ClvSettings, monthly_discount_rate
from customer_centric.exceptions import ArgumentTypeError
from customer_centric.value import DAYS_PER_UNIT

VALID: dict[str, object] = {"time_unit": "W", "discount_rate": 0.1}


def test_defaults_are_a_year_at_a_yearly_rate_on_revenue() -> None:
    """Unset, a year of value, a yearly rate, the mean month, margin 1."""
    settings = ClvSettings(time_unit="W", discount_rate=0.1)
    assert settings.horizon_months == 12
    assert settings.discount_rate_period == "Y"
    assert settings.days_per_month == DAYS_PER_UNIT["M"]
    assert settings.margin == 1.0


def test_derived_rate_and_month_length() -> None:
    """The monthly rate compounds the quoted one; a month is in units."""
    settings = ClvSettings(
        time_unit=timedelta(days=7), discount_rate=0.1, days_per_month=28
    )
    assert settings.monthly_discount_rate == pytest.approx(
        monthly_discount_rate(0.1, per="Y", days_per_month=28)
    )
    assert settings.time_units_per_month == pytest.approx(4.0)


BAD_SETTINGS = [
    ({"horizon_months": 0}, "horizon_months must be a whole number"),
    ({"horizon_months": 12_001}, "from 1 to 12000"),
    ({"horizon_months": 1.5}, "horizon_months"),
    ({"horizon_months": True}, "horizon_months"),
    ({"discount_rate": -0.1}, "discount_rate must be a finite number >= 0"),
    ({"discount_rate": math.nan}, "discount_rate must be a finite number"),
    ({"discount_rate": "0.1"}, "discount_rate"),
    ({"discount_rate_period": "fortnight"}, "discount_rate_period"),
    ({"time_unit": "fortnight"}, "time_unit"),
    ({"time_unit": 7}, "time_unit"),
    ({"time_unit": timedelta(days=-7)}, "time_unit must be a positive"),
    ({"days_per_month": 0.0}, "days_per_month must be a month's length"),
    ({"days_per_month": math.inf}, "from 28 to 31"),
    (
        {"discount_rate_period": timedelta(microseconds=1)},
        "quote the rate per a longer period",
    ),
    ({"margin": -1.0}, "margin must be a finite number >= 0"),
    ({"margin": math.nan}, "margin"),
    ({"spend": 10.0}, "Extra inputs are not permitted"),
]


@pytest.mark.parametrize(
    ("override", "match"),
    BAD_SETTINGS,
    ids=[
        "horizon-0",
        "horizon-beyond-a-thousand-years",
        "horizon-fraction",
        "horizon-bool",
        "negative-rate",
        "nan-rate",
        "rate-a-string",
        "rate-period",
        "time-unit-name",
        "time-unit-seconds",
        "time-unit-negative",
        "month-length",
        "month-length-infinite",
        "rate-per-microsecond",
        "margin-negative",
        "margin-nan",
        "unknown-setting",
    ],
)
def test_rejects_bad_settings(override: dict[str, object], match: str) -> None:
    """A bad setting is refused at construction, naming the setting."""
    with pytest.raises(ValidationError, match=match):
        ClvSettings.model_validate({**VALID, **override})


def test_numpy_numbers_are_numbers() -> None:
    """A numpy scalar is read as the Python number it holds."""
    settings = ClvSettings(
        time_unit="W",
        discount_rate=np.float32(0.5),  # type: ignore[arg-type]
        horizon_months=np.int64(24),  # type: ignore[arg-type]
        margin=np.int8(1),  # type: ignore[arg-type]
    )
    assert settings.horizon_months == 24
    assert type(settings.horizon_months) is int
    assert settings.discount_rate == 0.5
    assert type(settings.margin) is float
    with pytest.raises(ValidationError, match="horizon_months"):
        ClvSettings(
            time_unit="W",
            discount_rate=0.1,
            horizon_months=np.float64(1.5),  # type: ignore[arg-type]
        )


def test_time_unit_and_discount_rate_are_required() -> None:
    """The model's unit and the cost of capital have no default."""
    with pytest.raises(ValidationError) as info:
        ClvSettings.model_validate({})
    missing = {error["loc"][0] for error in info.value.errors()}
    assert missing == {"time_unit", "discount_rate"}


def test_settings_are_frozen() -> None:
    """A stored valuation cannot be changed in place."""
    settings = ClvSettings(time_unit="W", discount_rate=0.1)
    with pytest.raises(ValidationError, match="frozen"):
        settings.margin = 0.5  # type: ignore[misc]


def test_with_changes_validates_again() -> None:
    """A changed copy is checked like a new one; the original is kept."""
    settings = ClvSettings(time_unit="W", discount_rate=0.1)
    assert settings.with_changes(horizon_months=36).horizon_months == 36
    with pytest.raises(ValidationError, match="horizon_months"):
        settings.with_changes(horizon_months=0)
    assert settings.horizon_months == 12


@given(settings=domain.clv_settings())
def test_round_trips_through_json(settings: ClvSettings) -> None:
    """Settings reload from their JSON unchanged, timedelta units too."""
    assert ClvSettings.model_validate_json(settings.model_dump_json()) == (
        settings
    )


@pytest.mark.parametrize(
    ("per", "expected"),
    [
        ("M", 0.1),
        ("Q", 1.1 ** (1 / 3) - 1),
        ("Y", 1.1 ** (1 / 12) - 1),
        ("W", 1.1 ** (30.4375 / 7) - 1),
        ("D", 1.1**30.4375 - 1),
        (timedelta(days=14), 1.1 ** (30.4375 / 14) - 1),
    ],
    ids=["month", "quarter", "year", "week", "day", "fortnight"],
)
def test_monthly_discount_rate_by_unit(
    per: str | timedelta, expected: float
) -> None:
    """A rate per unit compounds to its monthly equivalent."""
    got = monthly_discount_rate(0.1, per=per)  # type: ignore[arg-type]
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("per", [3, None, 12.0])
def test_a_rate_per_something_not_a_unit_is_refused(per: object) -> None:
    """``per`` must be a unit's letter or a timedelta; the error names it."""
    with pytest.raises(ArgumentTypeError, match=r"time_unit must be one of"):
        monthly_discount_rate(0.1, per=per)  # type: ignore[arg-type]
