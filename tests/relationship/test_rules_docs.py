import ast
import re
from pathlib import Path

import pytest

import customer_centric as cc
from customer_centric.exceptions import InvariantError

RULES_PAGE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_page_matches_default_policy():
    """docs/rules.md is exactly the rendering of DEFAULT_POLICY."""
    expected = cc.relationship.render_rules(
        cc.relationship.DEFAULT_POLICY, diagrams="figures"
    )
    actual = RULES_PAGE.read_text(encoding="utf-8")
    assert actual == expected, (
        "docs/rules.md is out of date; regenerate it from "
        "customer_centric.relationship.render_rules(DEFAULT_POLICY, "
        "diagrams='figures')"
    )


def test_rendering_shows_every_rule_and_stage():
    """The page lists every rule id and draws every stage."""
    page = cc.relationship.render_rules(cc.relationship.DEFAULT_POLICY)
    for rule in cc.relationship.DEFAULT_POLICY.rules:
        assert f"`{rule.id}`" in page
    for stage in cc.LifecycleStage:
        assert f" {stage.value} -->" in page or f"--> {stage.value}:" in page
    for rung in cc.relationship.DEFAULT_POLICY.ladder:
        assert f"--> {rung.value}" in page
    assert page.count("```mermaid\nstateDiagram-v2") == 2
    assert cc.relationship.DEFAULT_POLICY.fingerprint in page


def test_rendering_follows_the_policy():
    """Opt-in rungs and changed thresholds show up in the rendering."""
    policy = cc.relationship.Policy.default(
        supporter=True, partner=True
    ).with_thresholds(client_min_purchases=4)
    page = cc.relationship.render_rules(policy, title="Our rules")
    assert page.startswith("# Our rules\n")
    assert "client --> supporter: repeat_purchase" in page
    assert "advocate --> partner: referral_made" in page
    assert "| `client_min_purchases` | `4` |" in page


def test_figures_draw_the_policy_rendered():
    """diagrams="figures" embeds a policy the build can rebuild and draw."""
    default = cc.relationship.render_rules(
        cc.relationship.DEFAULT_POLICY, diagrams="figures"
    )
    assert default.count(".. plot::") == 2
    assert 'plot_transitions(DEFAULT_POLICY, "lifecycle")' in default
    assert "stateDiagram" not in default
    policy = cc.relationship.Policy.default(supporter=True)
    page = cc.relationship.render_rules(policy, diagrams="figures")
    found = re.search(
        r'plot_transitions\(Policy\.model_validate_json\((.*)\), "loyalty"\)',
        page,
    )
    assert found is not None
    embedded = ast.literal_eval(found.group(1))
    assert cc.relationship.Policy.model_validate_json(embedded) == policy


def test_an_unknown_diagram_kind_is_refused():
    """Only the kinds of diagram render_rules draws are accepted."""
    with pytest.raises(InvariantError, match="diagrams"):
        cc.relationship.render_rules(
            cc.relationship.DEFAULT_POLICY,
            diagrams="graphviz",  # type: ignore[arg-type]
        )
