from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from pydantic import ValidationError

from customer_centric import LifecycleStage
from customer_centric.exceptions import ArgumentTypeError, PolicyError
from customer_centric.risk import (
    BAND_POINTS,
    HealthProfile,
    Measure,
    MeasureGroup,
    RiskLevel,
    Scorecard,
)
from health_cards import CARD, LOGINS, NPS, PROFILE, TICKETS, WELCOME
from strategies import scorecards


@pytest.mark.parametrize(
    ("measure", "value", "band", "points"),
    [
        (LOGINS, 12.0, RiskLevel.GREEN, 100.0),
        (LOGINS, 8.0, RiskLevel.AMBER, 50.0),
        (LOGINS, 3.0, RiskLevel.RED, 0.0),
        (TICKETS, 1.9, RiskLevel.GREEN, 100.0),
        (TICKETS, 2.0, RiskLevel.AMBER, 50.0),
        (TICKETS, 5.0, RiskLevel.RED, 0.0),
        (NPS, 50.0, RiskLevel.GREEN, 100.0),
        (NPS, 90.0, RiskLevel.GREEN, 100.0),
        (NPS, 0.0, RiskLevel.AMBER, 50.0),
        (NPS, -30.0, RiskLevel.RED, 20.0),
        (NPS, -80.0, RiskLevel.RED, 0.0),
    ],
    ids=[
        "logins-green",
        "logins-amber-at-threshold",
        "logins-red-at-threshold",
        "tickets-green",
        "tickets-amber-at-threshold",
        "tickets-red-at-threshold",
        "nps-best",
        "nps-above-best-clipped",
        "nps-midway",
        "nps-red-still-has-points",
        "nps-below-worst-clipped",
    ],
)
def test_measure_grades_and_points(
    measure: Measure, value: float, band: RiskLevel, points: float
) -> None:
    """A value's band follows the thresholds, its points the scale."""
    assert measure.level(value) is band
    assert measure.points(value) == pytest.approx(points)


def test_band_points_are_the_scale_ends_and_middle() -> None:
    """Band points are 100, 50 and 0; a band measure has no unit rate."""
    assert BAND_POINTS == {
        RiskLevel.GREEN: 100.0,
        RiskLevel.AMBER: 50.0,
        RiskLevel.RED: 0.0,
    }
    assert LOGINS.points_per_unit == 0.0
    assert NPS.points_per_unit == -1.0  # higher is better: negative


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"direction": "lower_is_worse", "amber": 3, "red": 8},
            "amber (3.0) must be above red (8.0)",
        ),
        (
            {"direction": "higher_is_worse", "amber": 5, "red": 5},
            "amber (5.0) must be below red (5.0)",
        ),
        (
            {"direction": "higher_is_worse", "amber": 1, "red": 2, "best": 0},
            "scale 'band'",
        ),
        (
            {
                "direction": "higher_is_worse",
                "amber": 1,
                "red": 2,
                "scale": "linear",
                "best": 0,
            },
            "no best or worst",
        ),
        (
            {
                "direction": "higher_is_worse",
                "amber": 1,
                "red": 2,
                "scale": "linear",
                "best": 3,
                "worst": 0,
            },
            "best (3.0) must be below worst (0.0)",
        ),
        (
            {
                "direction": "lower_is_worse",
                "amber": 2,
                "red": 1,
                "scale": "linear",
                "best": 0,
                "worst": 3,
            },
            "best (0.0) must be above worst (3.0)",
        ),
        (
            {"direction": "higher_is_worse", "amber": 1, "red": 1e16},
            "at most 1e+15",
        ),
        (
            {"direction": "higher_is_worse", "amber": 1, "red": float("inf")},
            "finite number",
        ),
        (
            {
                "direction": "higher_is_worse",
                "amber": 1,
                "red": 2,
                "weight": 0,
            },
            "greater than 0",
        ),
        (
            {"name": "2fast", "direction": "higher_is_worse", "amber": 1},
            "is not an identifier",
        ),
    ],
    ids=[
        "lower-thresholds-swapped",
        "higher-thresholds-equal",
        "band-with-anchor",
        "linear-without-worst",
        "linear-higher-anchors-swapped",
        "linear-lower-anchors-swapped",
        "threshold-too-large",
        "threshold-infinite",
        "zero-weight",
        "name-not-identifier",
    ],
)
def test_invalid_measures_are_refused(
    fields: dict[str, object], message: str
) -> None:
    """A measure that cannot grade sensibly is refused with the fix."""
    data: dict[str, object] = {"name": "m", "red": 2, **fields}
    with pytest.raises(ValidationError, match=re.escape(message)):
        Measure.model_validate(data)


def test_group_needs_a_measure_and_a_valid_name() -> None:
    """A group without measures, or with a bad name, is refused."""
    with pytest.raises(ValidationError, match="at least 1 item"):
        MeasureGroup(name="usage", measures=())
    with pytest.raises(ValidationError, match="group name 'a b'"):
        MeasureGroup(name="a b", measures=(LOGINS,))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amber_at": 70, "green_at": 70}, "0 <= amber_at < green_at"),
        ({"amber_at": -1}, "0 <= amber_at < green_at"),
        ({"green_at": 101}, "0 <= amber_at < green_at"),
        (
            {
                "groups": (
                    MeasureGroup(name="a", measures=(LOGINS,)),
                    MeasureGroup(name="a", measures=(TICKETS,)),
                )
            },
            r"group name\(s\) \['a'\] more than once",
        ),
        (
            {
                "groups": (
                    MeasureGroup(name="a", measures=(LOGINS,)),
                    MeasureGroup(name="b", measures=(LOGINS,)),
                )
            },
            r"measure name\(s\) \['logins'\] more than once",
        ),
        ({"groups": ()}, "at least 1 item"),
        ({"missing": "zero"}, "'reweight' or 'red'"),
    ],
    ids=[
        "bands-equal",
        "amber-below-scale",
        "green-above-scale",
        "group-twice",
        "measure-twice",
        "no-groups",
        "missing-as-zero-is-not-a-rule",
    ],
)
def test_invalid_profiles_are_refused(
    fields: dict[str, object], message: str
) -> None:
    """A profile's bands must be ordered and its names unique."""
    data: dict[str, object] = {"groups": PROFILE.groups, **fields}
    with pytest.raises(ValidationError, match=message):
        HealthProfile.model_validate(data)


def test_card_needs_a_name_and_a_version() -> None:
    """A card without a name or with version 0 is refused."""
    with pytest.raises(ValidationError, match="at least 1 character"):
        Scorecard(name="", version=1, profile=PROFILE)
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        Scorecard(name="x", version=0, profile=PROFILE)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (None, "default"),
        ("welcome", "welcome"),
        (LifecycleStage.WELCOME, "welcome"),
        ("account_management", "default"),
    ],
    ids=["unknown-stage", "stage-text", "stage-enum", "stage-without-own"],
)
def test_profile_for_picks_the_stage_profile(
    stage: str | None, expected: str
) -> None:
    """A stage with its own profile gets it; every other the default."""
    name, profile = CARD.profile_for(stage)
    assert name == expected
    assert profile is (WELCOME if expected == "welcome" else PROFILE)


def test_profile_for_refuses_what_is_not_a_stage() -> None:
    """An unknown stage lists the stages; a non-string is a type error."""
    with pytest.raises(PolicyError, match="'gold' is not a lifecycle stage"):
        CARD.profile_for("gold")
    with pytest.raises(ArgumentTypeError, match="stage must be a str"):
        CARD.profile_for(3)  # type: ignore[arg-type]


def test_measure_names_lists_every_key_once() -> None:
    """The card's value keys: each profile's measures, each once."""
    assert CARD.measure_names == ("logins", "nps", "tickets")
    assert PROFILE.measures == (LOGINS, NPS, TICKETS)


def test_fingerprint_identifies_the_content() -> None:
    """Equal cards share a fingerprint; a changed threshold changes it."""
    copy = Scorecard.model_validate_json(CARD.model_dump_json())
    assert copy == CARD
    assert copy.fingerprint == CARD.fingerprint
    changed = Scorecard(name="retail", version=3, profile=WELCOME)
    assert changed.fingerprint != CARD.fingerprint
    assert len(CARD.fingerprint) == 64


def test_stage_profiles_are_read_only() -> None:
    """The stage mapping of a frozen card cannot be changed in place."""
    with pytest.raises(TypeError):
        CARD.stages[LifecycleStage.WELCOME] = PROFILE  # type: ignore[index]


TOML = """
name = "retail"
version = 3

[profile]
combine = "weighted"
missing = "reweight"

[[profile.groups]]
name = "usage"
weight = 2
[[profile.groups.measures]]
name = "logins"
weight = 2
direction = "lower_is_worse"
amber = 8
red = 3
[[profile.groups.measures]]
name = "nps"
direction = "lower_is_worse"
amber = 0
red = -30
scale = "linear"
best = 50
worst = -50

[[profile.groups]]
name = "support"
[[profile.groups.measures]]
name = "tickets"
direction = "higher_is_worse"
amber = 2
red = 5

[stages.welcome]
combine = "worst_of"
missing = "red"
[[stages.welcome.groups]]
name = "usage"
[[stages.welcome.groups.measures]]
name = "logins"
weight = 2
direction = "lower_is_worse"
amber = 8
red = 3
"""


def test_card_loads_from_toml_and_json() -> None:
    """TOML a business user edits and JSON give the same card."""
    assert Scorecard.from_toml(TOML) == CARD
    assert Scorecard.model_validate(json.loads(CARD.model_dump_json())) == (
        CARD
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = ", "not valid TOML"),
        (
            TOML.replace("amber = 8\nred = 3", "amber = 3\nred = 8", 1),
            (
                r"profile\.groups\.0\.measures\.0: Value error, measure "
                r"'logins' thresholds are in the wrong order"
            ),
        ),
        (TOML.replace("version = 3", ""), r"version: Field required"),
        (
            TOML.replace("[stages.welcome]", "[stages.gold]"),
            r"stages\.gold\.\[key\]: Input should be",
        ),
    ],
    ids=["not-toml", "bad-threshold", "missing-key", "unknown-stage"],
)
def test_from_toml_errors_name_the_key(text: str, message: str) -> None:
    """A bad file names the key and the value in one PolicyError."""
    with pytest.raises(PolicyError, match=message):
        Scorecard.from_toml(text)


def test_from_toml_needs_text() -> None:
    """Only text is parsed."""
    with pytest.raises(ArgumentTypeError, match="text must be a str"):
        Scorecard.from_toml(b"name = 1")  # type: ignore[arg-type]


@given(scorecards())
def test_cards_round_trip_through_json(card: Scorecard) -> None:
    """Every valid card survives JSON with its fingerprint."""
    copy = Scorecard.model_validate_json(card.model_dump_json())
    assert copy == card
    assert copy.fingerprint == card.fingerprint
