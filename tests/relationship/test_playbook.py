import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import given

import customer_centric as cc
from strategies import relationship_states

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _state(lifecycle: str, **extra: object) -> cc.RelationshipState:
    data: dict[str, object] = {
        "customer_id": "C-1",
        "lifecycle": lifecycle,
        "loyalty": "customer",
        "peak_loyalty": "customer",
        "purchases": 1,
        **extra,
    }
    if lifecycle in {"divorce", "win_back"}:
        data.setdefault("departure_reason", "unknown")
        data |= {"departed_at": T0, "last_event_at": T0}
    if lifecycle == "acquisition":
        data |= {"loyalty": "suspect", "peak_loyalty": "suspect"}
    return cc.RelationshipState.model_validate(data)


@pytest.mark.parametrize(
    ("lifecycle", "first_code"),
    [
        ("acquisition", "target_prospects"),
        ("welcome", "introduce_key_people"),
        ("getting_to_know", "exchange_needs_and_plans"),
        ("account_management", "meet_more_needs"),
        ("intensive_care", "resolve_fast"),
        ("potential_divorce", "find_silent_dissatisfaction"),
        ("divorce", "record_departure_reason"),
        ("win_back", "bond_more_strongly"),
    ],
    ids=lambda v: v,
)
def test_each_stage_has_the_sources_actions(
    lifecycle: str, first_code: str
) -> None:
    """Every lifecycle stage leads with the action the sources give it."""
    actions = cc.relationship.recommended_actions(_state(lifecycle))
    assert actions[0].code == first_code
    assert actions[0].stage == lifecycle


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("moved_home", "reconnect_after_life_change"),
        ("new_job", "reconnect_after_life_change"),
        ("dissatisfaction", "fix_the_cause_first"),
        ("service_failure", "fix_the_cause_first"),
        ("price", "show_the_value"),
        ("competitor", "show_the_value"),
        ("firm_terminated", "check_before_approaching"),
        ("unknown", "bond_more_strongly"),
    ],
    ids=lambda v: v,
)
def test_win_back_acts_by_reason_for_leaving(reason: str, code: str) -> None:
    """Win-back advice depends on why the customer left."""
    actions = cc.relationship.recommended_actions(
        _state("win_back", departure_reason=reason)
    )
    assert actions[0].code == code


def test_loyalty_nurture_action_names_the_next_rung():
    """A running relationship also gets the next rung to nurture towards."""
    codes = [
        a.code for a in cc.relationship.recommended_actions(_state("welcome"))
    ]
    assert codes[-1] == "nurture_to_client"
    advocate = _state(
        "account_management", loyalty="advocate", peak_loyalty="advocate"
    )
    assert not any(
        a.code.startswith("nurture_to")
        for a in cc.relationship.recommended_actions(advocate)
    )


@given(relationship_states())
def test_actions_are_well_formed(state: cc.RelationshipState) -> None:
    """Every state gets actions with snake_case codes and a source."""
    actions = cc.relationship.recommended_actions(state)
    assert actions
    codes = [a.code for a in actions]
    assert len(codes) == len(set(codes))
    for action in actions:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", action.code)
        assert action.title
        assert action.detail
        assert action.source


def test_every_default_segment_has_actions_that_exist() -> None:
    """The segment map covers exactly the shipped segments, with real codes."""
    segments = {rule.segment for rule in cc.value.DEFAULT_SEGMENT_RULES}
    mapping = cc.relationship.SEGMENT_ACTIONS
    assert set(mapping) == segments | {cc.value.OTHERS}
    assert set(mapping) == set(cc.value.SEGMENT_LOYALTY)
    for segment, codes in mapping.items():
        actions = cc.relationship.segment_actions(segment)
        assert [a.code for a in actions] == list(codes)


@given(relationship_states())
def test_every_recommended_action_can_be_looked_up(
    state: cc.RelationshipState,
) -> None:
    """playbook_action() finds each action recommended_actions() gives."""
    for action in cc.relationship.recommended_actions(state):
        assert cc.relationship.playbook_action(action.code) == action


def test_segment_actions_read_a_callers_mapping() -> None:
    """A firm's own segment names map to the playbook's actions."""
    mine = {"VIP": ["nurture_advocacy"]}
    found = cc.relationship.segment_actions("VIP", mapping=mine)
    assert [a.stage for a in found] == ["account_management"]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: cc.relationship.playbook_action("smile"),
            cc.exceptions.InvariantError,
            "no playbook action 'smile'; the codes are act_before_they_leave",
        ),
        (
            lambda: cc.relationship.playbook_action(3),
            cc.exceptions.ArgumentTypeError,
            "code must be a str",
        ),
        (
            lambda: cc.relationship.segment_actions("VIP"),
            cc.exceptions.InvariantError,
            "no playbook actions for segment 'VIP'; known: 'Champions'",
        ),
        (
            lambda: cc.relationship.segment_actions("VIP", mapping={}),
            cc.exceptions.InvariantError,
            "known: none",
        ),
        (
            lambda: cc.relationship.segment_actions("A", mapping=[("A", ())]),
            cc.exceptions.ArgumentTypeError,
            "mapping must be a mapping of segment names to action codes",
        ),
        (
            lambda: cc.relationship.segment_actions("A", mapping={"A": "x"}),
            cc.exceptions.ArgumentTypeError,
            r"mapping\['A'\] must be a tuple of action codes",
        ),
        (
            lambda: cc.relationship.segment_actions(
                "A", mapping={"A": ("x",)}
            ),
            cc.exceptions.InvariantError,
            "no playbook action 'x'",
        ),
    ],
)
def test_unknown_codes_and_segments_are_refused_with_the_choices(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    """Each bad argument raises our error, listing what is known."""
    with pytest.raises(error, match=message):
        call()
