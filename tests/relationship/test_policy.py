from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import customer_centric as cc
from customer_centric.exceptions import PolicyError
from customer_centric.relationship._policy import _THRESHOLD_NAMES
from strategies import lifecycle_stages, policies, severities

P = cc.relationship.DEFAULT_POLICY


def test_default_policy_is_valid_and_documented():
    """The default policy validates and every rule explains itself."""
    assert cc.relationship.Policy.model_validate_json(P.model_dump_json()) == P
    for rule in P.rules:
        assert rule.description, rule.id


def test_fingerprint_is_stable_across_round_trips():
    """Equal policies have equal fingerprints, whatever their history."""
    copy = cc.relationship.Policy.model_validate_json(P.model_dump_json())
    assert copy.fingerprint == P.fingerprint
    assert cc.relationship.Policy().fingerprint == P.fingerprint
    assert len(P.fingerprint) == 64


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        (
            {"client_min_purchases": 1},
            "client_min_purchases must be at least 2",
        ),
        ({"advocate_min_referrals": 0}, "advocate_min_referrals must be at"),
        ({"supporter_min_purchases": 3}, "supporter_min_purchases (3) must"),
        ({"partner_min_referrals": 1}, "partner_min_referrals (1) must be"),
        ({"dissatisfaction_threshold": 0.0}, "dissatisfaction_threshold"),
        ({"dissatisfaction_threshold": 1.5}, "dissatisfaction_threshold"),
        ({"divorce_inactivity_days": 90}, "divorce_inactivity_days (90)"),
        ({"potential_divorce_inactivity_days": 0}, "must be at least 1"),
        ({"lapse_inactivity_days": -3}, "lapse_inactivity_days must be"),
        ({"win_back_window_days": -1}, "win_back_window_days must be"),
        ({"intensive_care_open_complaints": 0}, "must be at least 1"),
        ({"win_back_reentry_stage": "divorce"}, "win_back_reentry_stage"),
        ({"client_min_purchases": "many"}, "client_min_purchases"),
        ({"rules": ()}, "with_rules"),
    ],
    ids=[
        "client-one-purchase",
        "advocate-no-referral",
        "supporter-below-client",
        "partner-below-advocate",
        "threshold-zero",
        "threshold-above-one",
        "divorce-before-risk",
        "zero-days",
        "negative-lapse",
        "negative-window",
        "zero-complaints",
        "reenter-divorce",
        "not-a-number",
        "rules-through-thresholds",
    ],
)
def test_impossible_thresholds_raise_policy_error(
    changes: dict[str, object], fragment: str
) -> None:
    """Impossible thresholds raise PolicyError saying what to change."""
    with pytest.raises(PolicyError) as info:
        P.with_thresholds(**changes)
    assert fragment in str(info.value)


def test_constructor_reports_policy_error_inside_validation_error():
    """At the parsing boundary pydantic wraps our PolicyError message."""
    with pytest.raises(ValidationError, match="must be greater than"):
        cc.relationship.Policy(divorce_inactivity_days=10)


def _rule(**fields: object) -> cc.relationship.Rule:
    base: dict[str, object] = {
        "id": "custom.rule",
        "event": "interest_shown",
        "dimension": "loyalty",
        "sources": ("suspect",),
        "target": "prospect",
        "reason_code": "custom",
    }
    return cc.relationship.Rule.model_validate({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"sources": ("welcome",)}, "from the other dimension"),
        ({"target": "welcome"}, "a stage of the other dimension"),
        ({"target": "suspect"}, "to itself; use target 'stay'"),
        ({"target": "resume"}, "not available in the loyalty dimension"),
        ({"sources": ("suspect", "suspect")}, "lists a source stage twice"),
        (
            {
                "guards": (
                    {
                        "metric": "dissatisfaction_score",
                        "op": "at_least",
                        "threshold": 0.5,
                    },
                )
            },
            "could never pass",
        ),
        ({"id": "Bad Id"}, "String should match pattern"),
        ({"event": "refund"}, "Input should be"),
    ],
    ids=[
        "source-other-dimension",
        "target-other-dimension",
        "self-loop",
        "resume-on-ladder",
        "duplicate-source",
        "guard-metric-not-on-event",
        "bad-id",
        "unknown-event",
    ],
)
def test_bad_rules_are_refused(
    fields: dict[str, object], fragment: str
) -> None:
    """A rule that cannot work is refused with the reason."""
    with pytest.raises(ValidationError, match=fragment):
        _rule(**fields)


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (
            lambda: P.without_rules("lifecycle.reactivated"),
            "['divorce', 'win_back'] trap customers",
        ),
        (
            lambda: P.without_rules("loyalty.lapse", "loyalty.lost_advocacy"),
            "['advocate'] trap customers",
        ),
        (
            lambda: P.without_rules("lifecycle.first_purchase"),
            "are unreachable from 'acquisition'",
        ),
        (
            lambda: P.without_rules("loyalty.advocate"),
            "loyalty stages ['advocate'] are unreachable",
        ),
        (
            lambda: P.with_thresholds(
                ladder=(*P.ladder, cc.LoyaltyStage.PARTNER)
            ),
            "['partner'] are unreachable",
        ),
        (
            lambda: P.with_rules(P.rules[0]),
            "two rules have the id 'loyalty.interest'",
        ),
        (lambda: P.without_rules("no.such.rule"), "no rules with ids"),
        (
            lambda: P.with_rules(
                _rule(
                    id="x.down",
                    event="inactivity_observed",
                    target="one_rung_down",
                )
            ),
            "the lowest rung",
        ),
        (
            lambda: P.with_rules(
                _rule(
                    id="x.resume",
                    dimension="lifecycle",
                    sources=("welcome",),
                    target="resume",
                )
            ),
            "only 'intensive_care' and 'potential_divorce' remember",
        ),
        (
            lambda: P.with_rules(
                _rule(id="x.partner", sources=("advocate",), target="partner")
            ),
            "not on the ladder",
        ),
        (
            lambda: P.with_thresholds(ladder=tuple(reversed(P.ladder))),
            "lowest first",
        ),
        (
            lambda: P.with_thresholds(ladder=P.ladder[:-1]),
            "missing ['advocate']",
        ),
    ],
    ids=[
        "divorce-trap",
        "advocate-trap",
        "lifecycle-unreachable",
        "rung-unreachable",
        "enabled-rung-without-rules",
        "duplicate-id",
        "unknown-id",
        "down-from-bottom",
        "resume-from-healthy",
        "rung-off-ladder",
        "ladder-order",
        "ladder-missing-core",
    ],
)
def test_unworkable_policies_raise_policy_error(
    build: Callable[[], cc.relationship.Policy], fragment: str
) -> None:
    """Unreachable or trapping stages and broken rule sets are refused."""
    with pytest.raises(PolicyError) as info:
        build()
    assert fragment in str(info.value)


def test_opt_in_rungs():
    """Supporter and partner join the ladder only when asked for."""
    full = cc.relationship.Policy.default(supporter=True, partner=True)
    assert cc.LoyaltyStage.SUPPORTER in full.ladder
    assert cc.LoyaltyStage.PARTNER in full.ladder
    assert cc.LoyaltyStage.SUPPORTER not in P.ladder
    ids = {r.id for r in full.rules}
    assert {"loyalty.supporter", "loyalty.partner"} <= ids
    assert cc.relationship.Policy.default(supporter=True).ladder[4] is (
        cc.LoyaltyStage.SUPPORTER
    )


def test_partner_alone_leaves_out_supporter():
    """Asking only for partner puts it on top without adding supporter."""
    policy = cc.relationship.Policy.default(partner=True)
    assert policy.ladder == (
        cc.LoyaltyStage.SUSPECT,
        cc.LoyaltyStage.PROSPECT,
        cc.LoyaltyStage.CUSTOMER,
        cc.LoyaltyStage.CLIENT,
        cc.LoyaltyStage.ADVOCATE,
        cc.LoyaltyStage.PARTNER,
    )
    ids = {r.id for r in policy.rules}
    assert "loyalty.partner" in ids
    assert "loyalty.supporter" not in ids


def test_rules_can_be_added_first_or_last_and_removed():
    """with_rules and without_rules change the rule list as data."""
    loud = _rule(
        id="lifecycle.any_complaint",
        event="complaint_filed",
        dimension="lifecycle",
        sources=("account_management",),
        target="intensive_care",
    )
    first = P.with_rules(loud, first=True)
    last = P.with_rules(loud)
    assert first.rules[0] == loud
    assert last.rules[-1] == loud
    assert first.fingerprint != last.fingerprint != P.fingerprint
    assert first.without_rules("lifecycle.any_complaint") == P


def test_thresholds_and_rule_lookup():
    """Thresholds read as numbers; rules are looked up per kind and stage."""
    assert P.thresholds["intensive_care_min_severity"] == 3
    assert P.thresholds["dissatisfaction_threshold"] == 0.7
    rules = P.rules_for("complaint_filed", cc.LifecycleStage.WELCOME)
    assert all(isinstance(r, cc.relationship.Rule) for r in rules)
    ids = [r.id for r in rules]
    assert ids == [
        "lifecycle.serious_complaint",
        "lifecycle.complaints_pile_up",
    ]
    assert P.rules_for("reactivated", cc.LifecycleStage.WELCOME) == ()


def test_guard_threshold_names_are_policy_fields():
    """Every named threshold a guard can use exists on the policy."""
    for name in _THRESHOLD_NAMES:
        assert name in cc.relationship.Policy.model_fields


_BUMPS = {
    # threshold: the threshold that must stay above it
    "client_min_purchases": "supporter_min_purchases",
    "supporter_min_purchases": None,
    "advocate_min_referrals": "partner_min_referrals",
    "partner_min_referrals": None,
    "account_management_min_purchases": None,
    "intensive_care_open_complaints": None,
    "potential_divorce_inactivity_days": "divorce_inactivity_days",
    "lapse_inactivity_days": None,
    "divorce_inactivity_days": None,
    "win_back_window_days": None,
}


@given(policies(), st.sampled_from(sorted(_BUMPS)))
def test_fingerprint_changes_when_any_threshold_changes(
    policy: cc.relationship.Policy, name: str
) -> None:
    """Changing any threshold changes the fingerprint."""
    changes = {name: getattr(policy, name) + 1}
    above = _BUMPS[name]
    if above is not None:
        changes[above] = getattr(policy, above) + 1
    changed = policy.with_thresholds(**changes)
    assert changed.fingerprint != policy.fingerprint
    other = policy.with_thresholds(
        allow_out_of_order=not policy.allow_out_of_order,
        dissatisfaction_threshold=policy.dissatisfaction_threshold / 2,
    )
    assert other.fingerprint != policy.fingerprint


@given(policies(), severities, lifecycle_stages)
def test_fingerprint_tracks_severity_and_reentry(
    policy: cc.relationship.Policy,
    severity: cc.Severity,
    stage: cc.LifecycleStage,
) -> None:
    """Fingerprints differ exactly when the severity or re-entry differ."""
    try:
        changed = policy.with_thresholds(
            intensive_care_min_severity=severity, win_back_reentry_stage=stage
        )
    except PolicyError:
        return  # a re-entry stage outside the healthy ones is refused
    same = (
        severity is policy.intensive_care_min_severity
        and stage is policy.win_back_reentry_stage
    )
    assert (changed.fingerprint == policy.fingerprint) is same


@given(policies())
def test_policies_round_trip_through_json(
    policy: cc.relationship.Policy,
) -> None:
    """A policy survives JSON and keeps its fingerprint."""
    copy = cc.relationship.Policy.model_validate_json(policy.model_dump_json())
    assert copy == policy
    assert copy.fingerprint == policy.fingerprint
