from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric import LoyaltyStage
from strategies import relationship_states


@pytest.fixture(scope="module")
def demo_states() -> list[cc.RelationshipState]:
    """Final states of the shipped demo base; no events means a suspect."""
    replays = cc.relationship.replay_many(cc.datasets.load_demo_events())
    return [
        replays[c.customer_id].state
        if c.customer_id in replays
        else cc.RelationshipState(customer_id=c.customer_id)
        for c in cc.datasets.load_demo_customers()
    ]


def test_demo_funnel_matches_an_independent_count(
    demo_states: list[cc.RelationshipState],
):
    """Current and reached counts agree with counting the states directly."""
    funnel = cc.relationship.loyalty_funnel(demo_states)
    now = Counter(s.loyalty for s in demo_states)
    assert funnel.customers == len(demo_states) == 2400
    for rung in funnel.rungs:
        assert rung.current == now[rung.stage]
        assert rung.reached == sum(
            s.peak_loyalty.rank >= rung.stage.rank for s in demo_states
        )
    assert [r.stage for r in funnel.rungs] == list(
        cc.relationship.DEFAULT_POLICY.ladder
    )
    assert funnel.rungs[0].reached == 2400


def test_opt_in_rungs_appear_only_when_the_policy_has_them():
    """The funnel follows the policy's ladder, opt-in rungs included."""
    policy = cc.relationship.Policy.default(supporter=True, partner=True)
    funnel = cc.relationship.loyalty_funnel([], policy=policy)
    stages = [r.stage for r in funnel.rungs]
    assert LoyaltyStage.SUPPORTER in stages
    assert LoyaltyStage.PARTNER in stages
    assert LoyaltyStage.SUPPORTER not in [
        r.stage for r in cc.relationship.loyalty_funnel([]).rungs
    ]


def test_empty_base_has_zero_shares_and_no_conversion():
    """No customers: every count and share is 0 and conversion undefined."""
    funnel = cc.relationship.loyalty_funnel([])
    assert funnel.customers == 0
    assert {(r.current, r.reached, r.share) for r in funnel.rungs} == {
        (0, 0, 0.0)
    }
    assert funnel.conversion(LoyaltyStage.CUSTOMER) is None
    assert funnel.conversion(LoyaltyStage.SUSPECT) is None


@given(st.lists(relationship_states(), max_size=30))
def test_funnel_narrows_and_adds_up(states: list[cc.RelationshipState]):
    """Reached never grows up the ladder; counts and shares add up."""
    funnel = cc.relationship.loyalty_funnel(states)
    reached = [r.reached for r in funnel.rungs]
    assert reached == sorted(reached, reverse=True)
    assert sum(r.current for r in funnel.rungs) == len(states)
    assert all(r.current <= r.reached for r in funnel.rungs)
    if states:
        assert sum(r.share for r in funnel.rungs) == pytest.approx(1.0)
    for rung in funnel.rungs[1:]:
        conversion = funnel.conversion(rung.stage)
        assert conversion is None or 0.0 <= conversion <= 1.0
