import decimal
from decimal import Decimal

import pytest
from pydantic import ValidationError

from customer_centric import Assumption


def _figure(
    value: str, *, low: str | None = None, high: str | None = None
) -> Assumption:
    return Assumption(
        name="complaint_rate",
        value=Decimal(value),
        low=None if low is None else Decimal(low),
        high=None if high is None else Decimal(high),
        unit="share",
        source="TARP (1986)",
    )


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("0.04", "0.04", "0.1"),
        ("0.1", "0.04", "0.1"),
        ("0.05", None, None),
        ("0.5", "0.04", None),
        ("0.01", None, "0.1"),
    ],
    ids=["at-low-end", "at-high-end", "no-range", "low-only", "high-only"],
)
def test_value_within_its_range_is_accepted(
    value: str, low: str | None, high: str | None
):
    """A value inside its published range (ends included) is accepted."""
    assert _figure(value, low=low, high=high).value == Decimal(value)


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("0.2", "0.04", "0.1"),
        ("0.01", "0.04", "0.1"),
        ("0.01", "0.04", None),
        ("0.5", None, "0.1"),
    ],
    ids=["above", "below", "below-low-only", "above-high-only"],
)
def test_value_outside_its_range_is_refused(
    value: str, low: str | None, high: str | None
):
    """A value outside its range is refused with the value and the fix."""
    with pytest.raises(ValidationError, match="outside its range") as info:
        _figure(value, low=low, high=high)
    assert f"Decimal('{value}')" in str(info.value)
    assert "fix the range or the value" in str(info.value)


def test_override_drops_the_range_and_names_the_source():
    """An override may leave the published range and says where it is from."""
    published = _figure("0.04", low="0.04", high="0.1")
    ours = published.override(Decimal("0.3"), source="our 2025 survey")
    assert (ours.value, ours.low, ours.high) == (Decimal("0.3"), None, None)
    assert ours.source == "our 2025 survey"
    assert published.value == Decimal("0.04")


def test_assumption_round_trips_json():
    """An assumption survives JSON unchanged."""
    figure = _figure("0.04", low="0.04", high="0.1")
    assert Assumption.model_validate_json(figure.model_dump_json()) == figure


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        ("share", "-0.5", "must be a fraction in \\[0, 1\\]"),
        ("share", "80", "write 80 % as Decimal\\('0.8'\\)"),
        ("probability", "1.01", "must be a fraction in \\[0, 1\\]"),
        ("multiple", "0", "must be above 0"),
        ("people", "-1", "must be at least 0"),
        ("money", "-5", "must be at least 0"),
        ("days", "-2", "must be at least 0"),
        ("share", "NaN", "finite number"),
        ("people", "Infinity", "finite number"),
        ("people", "1e999999", "must be a number between -10\\*\\*12"),
    ],
    ids=[
        "negative-share",
        "percent-as-share",
        "probability-over-one",
        "zero-multiple",
        "negative-people",
        "negative-money",
        "negative-days",
        "nan",
        "infinity",
        "huge",
    ],
)
def test_figure_outside_its_unit_is_refused(
    unit: str, value: str, message: str
):
    """A figure its unit cannot hold is refused, naming the unit."""
    with pytest.raises(ValidationError, match=message):
        Assumption(
            name="figure", value=Decimal(value), unit=unit, source="test"
        )


def test_range_ends_are_checked_by_unit_too():
    """The published range obeys the unit as well as the value."""
    with pytest.raises(ValidationError, match="fraction in"):
        _figure("0.5", low="0.1", high="1.5")


@pytest.mark.parametrize(
    ("unit", "value"),
    [("share", "0"), ("share", "1"), ("multiple", "0.5"), ("points", "-3")],
    ids=["share-zero", "share-one", "small-multiple", "unknown-unit"],
)
def test_figure_inside_its_unit_is_accepted(unit: str, value: str):
    """Edge figures of a unit, and figures of other units, are accepted."""
    figure = Assumption(
        name="figure", value=Decimal(value), unit=unit, source="test"
    )
    assert figure.value == Decimal(value)


def test_override_is_checked_by_unit():
    """A caller's own figure is held to the unit like a published one."""
    with pytest.raises(ValidationError, match="fraction in"):
        _figure("0.04").override(Decimal("-0.5"))


def test_percent_hint_ignores_the_callers_decimal_context():
    """The 'write x % as' hint is exact whatever the caller's precision."""
    with (
        decimal.localcontext(decimal.Context(prec=2)),
        pytest.raises(ValidationError, match=r"Decimal\('0.12345'\)"),
    ):
        _figure("12.345")
