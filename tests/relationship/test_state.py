from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from pydantic import ValidationError

import customer_centric as cc
from strategies import relationship_states

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_new_state_is_a_suspect_in_acquisition():
    """A new state is a potential customer at the start of both ladders."""
    state = cc.RelationshipState(customer_id="C-1")
    assert state.loyalty is cc.LoyaltyStage.SUSPECT
    assert state.lifecycle is cc.LifecycleStage.ACQUISITION
    assert state.purchases == 0
    assert not state.is_actual_customer


@pytest.mark.parametrize(
    "field",
    [
        "purchases",
        "referrals",
        "open_complaints",
        "win_back_attempts",
        "win_backs",
    ],
)
def test_negative_counts_are_refused(field: str) -> None:
    """A negative counter raises a message saying counts start at 0."""
    with pytest.raises(ValidationError, match="counts cannot be negative"):
        cc.RelationshipState.model_validate({"customer_id": "C", field: -1})


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            {"loyalty": "client", "peak_loyalty": "customer"},
            "peak_loyalty 'customer' is below",
        ),
        (
            {"resume_lifecycle": "welcome"},
            "only meaningful in intensive care",
        ),
        (
            {
                "lifecycle": "intensive_care",
                "resume_lifecycle": "potential_divorce",
            },
            "must be a healthy stage",
        ),
        ({"departure_reason": "price"}, "go together"),
        (
            {
                "departure_reason": "price",
                "departed_at": "2025-01-01T00:00:00Z",
                "last_event_at": "2025-01-01T00:00:00Z",
            },
            "has not departed",
        ),
        ({"lifecycle": "divorce"}, "a divorced customer needs departed_at"),
        (
            {"last_activity_at": "2025-01-02T00:00:00Z"},
            "is after last_event_at",
        ),
        (
            {"last_event_at": "2025-01-02T00:00:00"},
            "Input should have timezone info",
        ),
        ({"loyalty": "champion"}, "Input should be 'suspect'"),
    ],
    ids=[
        "peak-below-current",
        "resume-outside-trouble",
        "resume-into-trouble",
        "reason-without-date",
        "departed-but-active",
        "divorce-without-date",
        "activity-after-last-event",
        "naive-datetime",
        "unknown-stage",
    ],
)
def test_inconsistent_states_are_refused(
    data: dict[str, object], fragment: str
) -> None:
    """A state that the engine could never produce is refused, explained."""
    with pytest.raises(ValidationError, match=fragment):
        cc.RelationshipState.model_validate({"customer_id": "C-1", **data})


@pytest.mark.parametrize(
    ("purchases", "lifecycle", "actual"),
    [
        (0, "acquisition", False),
        (1, "welcome", True),
        (5, "intensive_care", True),
        (5, "potential_divorce", True),
        (5, "win_back", False),
    ],
    ids=["prospect", "new", "in-care", "at-risk", "win-back"],
)
def test_actual_customer_is_derived(
    purchases: int, lifecycle: str, actual: bool
) -> None:
    """Actual means bought and the relationship is running."""
    data: dict[str, object] = {
        "customer_id": "C-1",
        "purchases": purchases,
        "lifecycle": lifecycle,
    }
    if lifecycle == "win_back":
        data |= {
            "departure_reason": "price",
            "departed_at": T0,
            "last_event_at": T0,
        }
    state = cc.RelationshipState.model_validate(data)
    assert state.is_actual_customer is actual
    assert "is_actual_customer" not in state.model_dump()


def test_days_in_stage():
    """Time in stage is counted from the stage's entry time."""
    state = cc.RelationshipState(
        customer_id="C-1",
        last_event_at=T0,
        loyalty_since=T0 - timedelta(days=3),
        lifecycle_since=T0,
    )
    later = T0 + timedelta(days=10)
    assert state.days_in_stage("loyalty", as_of=later) == 13
    assert state.days_in_stage("lifecycle", as_of=later) == 10
    fresh = cc.RelationshipState(customer_id="C-1")
    assert fresh.days_in_stage("lifecycle", as_of=later) is None


def test_guard_check_describes_itself():
    """A guard check names the metric, observed and required values."""
    check = cc.relationship.GuardCheck(
        metric="inactive_days",
        op="at_least",
        threshold="lapse_inactivity_days",
        observed=30,
        required=180,
        passed=False,
    )
    assert check.describe() == (
        "inactive_days at least lapse_inactivity_days: observed 30, "
        "required 180"
    )


@given(relationship_states())
def test_states_round_trip_through_json(state: cc.RelationshipState) -> None:
    """Every reachable state survives JSON out and back unchanged."""
    copy = cc.RelationshipState.model_validate_json(state.model_dump_json())
    assert copy == state
    assert copy.is_actual_customer == state.is_actual_customer
