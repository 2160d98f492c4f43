from datetime import UTC, datetime

import pytest
from hypothesis import given

import customer_centric as cc
from strategies import relationship_states

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _state(loyalty: str, lifecycle: str) -> cc.RelationshipState:
    data: dict[str, object] = {
        "customer_id": "C-1",
        "loyalty": loyalty,
        "peak_loyalty": loyalty,
        "lifecycle": lifecycle,
    }
    if lifecycle in {"divorce", "win_back"}:
        data |= {
            "departure_reason": "price",
            "departed_at": T0,
            "last_event_at": T0,
        }
    return cc.RelationshipState.model_validate(data)


@pytest.mark.parametrize(
    ("loyalty", "lifecycle", "hubspot"),
    [
        ("suspect", "acquisition", "subscriber"),
        ("prospect", "acquisition", "lead"),
        ("customer", "welcome", "customer"),
        ("client", "account_management", "customer"),
        ("supporter", "account_management", "customer"),
        ("advocate", "intensive_care", "evangelist"),
        ("partner", "account_management", "evangelist"),
        ("advocate", "divorce", "other"),
        ("client", "win_back", "other"),
    ],
    ids=lambda v: v,
)
def test_hubspot_lifecycle_stage(
    loyalty: str, lifecycle: str, hubspot: str
) -> None:
    """Ladder rungs map to HubSpot stages; departed customers to other."""
    assert cc.relationship.to_hubspot(_state(loyalty, lifecycle)) == hubspot


@pytest.mark.parametrize(
    ("lifecycle", "arts"),
    [
        ("acquisition", "CUST_ACQUISITION"),
        ("welcome", "CUSTOMER"),
        ("getting_to_know", "CUSTOMER"),
        ("account_management", "CUSTOMER"),
        ("intensive_care", "CUSTOMER"),
        ("potential_divorce", "INACTIVE_CUSTOMER"),
        ("divorce", "EX_CUSTOMER"),
        ("win_back", "EX_CUSTOMER"),
    ],
    ids=lambda v: v,
)
def test_arts_relationship_stage(lifecycle: str, arts: str) -> None:
    """Lifecycle stages map to the four ARTS relationship stage codes."""
    assert cc.relationship.to_arts(_state("customer", lifecycle)) == arts


def test_qualification_stages_are_never_produced():
    """MQL, SQL and opportunity are sales steps this library does not model."""
    produced = {
        cc.relationship.to_hubspot(_state(rung.value, "account_management"))
        for rung in cc.LoyaltyStage
    }
    assert not produced & {
        cc.relationship.HubSpotLifecycleStage.MARKETING_QUALIFIED_LEAD,
        cc.relationship.HubSpotLifecycleStage.SALES_QUALIFIED_LEAD,
        cc.relationship.HubSpotLifecycleStage.OPPORTUNITY,
    }


@given(relationship_states())
def test_every_state_maps(state: cc.RelationshipState) -> None:
    """Every reachable state has a HubSpot and an ARTS stage."""
    assert (
        cc.relationship.to_hubspot(state)
        in cc.relationship.HubSpotLifecycleStage
    )
    assert (
        cc.relationship.to_arts(state) in cc.relationship.ArtsRelationshipStage
    )
