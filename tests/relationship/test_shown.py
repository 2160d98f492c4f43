"""Short reprs and notebook tables of relationship answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

import customer_centric as cc
from customer_centric.relationship import (
    ComplaintFiled,
    FirstPurchase,
    Reactivated,
    RepeatPurchase,
    _shown,
    apply_event,
    explain,
    loyalty_funnel,
    reason_label,
    replay,
)

T = datetime(2025, 1, 1, tzinfo=UTC)
SCRIPT = "<script>x</script>"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("repeat_buyer", "repeat buyer"),
        ("dissatisfied_after_complaint", "dissatisfied after complaint"),
        ("reengaged", "re-engaged"),
        ("lapsed", "lapsed"),
    ],
    ids=["two-words", "many-words", "spelled-out", "one-word"],
)
def test_reason_label(code: str, label: str):
    """A reason code reads as words; a few are spelled out."""
    assert reason_label(code) == label


def test_every_default_reason_has_a_readable_label():
    """No label of the default policy keeps an underscore."""
    for rule in cc.relationship.DEFAULT_POLICY.rules:
        assert "_" not in reason_label(rule.reason_code)


def test_reason_label_refuses_non_text():
    """A code must be a string."""
    with pytest.raises(TypeError):
        reason_label(3)  # type: ignore[arg-type]


def test_outcome_with_moves_shows_rules_and_reasons():
    """A move shows the new stage, where from, the rule and its reason."""
    out = apply_event(
        cc.RelationshipState(customer_id=SCRIPT),
        FirstPurchase(customer_id=SCRIPT, occurred_at=T),
    )
    shown = repr(out)
    assert len(shown) < 200
    assert "loyalty suspect->customer" in shown
    assert "lifecycle acquisition->welcome" in shown
    html = out._repr_html_()
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html
    assert (
        "<td>loyalty</td><td>customer</td><td>from suspect</td>"
        "<td>loyalty.first_purchase</td><td>first purchase</td>"
    ) in html
    assert out.policy_fingerprint[:12] in html
    assert "Held rules" not in html


def _after_first_purchase() -> cc.RelationshipState:
    return apply_event(
        cc.RelationshipState(customer_id="C-1"),
        FirstPurchase(customer_id="C-1", occurred_at=T),
    ).state


def test_outcome_with_held_rules_shows_failed_guards():
    """A rule not yet met lists its failed guards; a still dimension stays."""
    state = _after_first_purchase()
    out = apply_event(state, RepeatPurchase(customer_id="C-1", occurred_at=T))
    assert out.held
    assert repr(out).endswith(f"; {len(out.held)} held)")
    html = out._repr_html_()
    assert "Held rules" in html
    assert "<td>loyalty.client</td><td>client</td>" in html
    assert "purchases at least client_min_purchases" in html
    assert "<td>stayed</td>" in html


def test_duplicate_and_still_outcomes_say_so():
    """A redelivery is a duplicate; an event that moves nothing, no move."""
    event = FirstPurchase(customer_id="C-1", occurred_at=T, event_id="E-1")
    first = apply_event(cc.RelationshipState(customer_id="C-1"), event)
    again = apply_event(first.state, event)
    assert "duplicate" in repr(again)
    still = apply_event(
        cc.RelationshipState(customer_id="C-1"),
        ComplaintFiled(customer_id="C-1", severity="low", occurred_at=T),
    )
    assert "no move" in repr(still)


def test_explanation_of_a_refused_event():
    """A refused event names its error; held rules show failed guards."""
    e = explain(
        cc.RelationshipState(customer_id="C-1"),
        RepeatPurchase(customer_id="C-1", occurred_at=T),
    )
    assert e.error is not None
    assert repr(e).startswith(
        f"Explanation('C-1' repeat_purchase: {type(e.error).__name__}"
    )
    assert "refused" in e._repr_html_()


def test_explanation_lists_each_rule_with_result_and_reason():
    """Every candidate shows whether it fired, was held or not reached."""
    state = _after_first_purchase()
    e = explain(state, RepeatPurchase(customer_id="C-1", occurred_at=T))
    html = e._repr_html_()
    assert "accepted" in html
    assert len(repr(e)) < 200
    assert (
        "<td>loyalty.client</td><td>loyalty</td><td>client</td><td>held</td>"
        "<td>repeat buyer</td><td>purchases at least client_min_purchases"
    ) in html
    assert (
        "<td>lifecycle.repeat_purchase</td><td>lifecycle</td><td>stay</td>"
        "<td>fires</td>"
    ) in html
    summary = e.summary()
    assert all(c.rule.id in summary for c in e.candidates)


def test_funnel_repr_and_html():
    """A funnel shows each rung with counts, shares and conversion."""
    base = [
        cc.RelationshipState(customer_id="A"),
        cc.RelationshipState(
            customer_id="B", loyalty="customer", peak_loyalty="client"
        ),
    ]
    funnel = loyalty_funnel(base)
    assert repr(funnel) == (
        "LoyaltyFunnel(customers=2, suspect=1, prospect=0, customer=1, "
        "client=0, advocate=0)"
    )
    html = funnel._repr_html_()
    assert "Loyalty funnel of 2 customers" in html
    assert "<td>50.0%</td><td>2</td><td>\N{EM DASH}</td>" in html
    assert "<td>0</td><td>0.0%</td><td>0</td><td>0.0%</td>" in html


def test_replay_repr_is_one_short_line():
    """A replay's repr names the stages and counts, not the whole state."""
    r = replay(
        [
            FirstPurchase(customer_id="C-1", occurred_at=T, event_id="E-1"),
            FirstPurchase(customer_id="C-1", occurred_at=T, event_id="E-1"),
            Reactivated(customer_id="C-1", occurred_at=T),
        ],
        on_error="collect",
    )
    assert repr(r) == (
        "Replay('C-1': loyalty customer, lifecycle welcome; "
        "1 applied, 1 refused, 1 repeated)"
    )


def test_replay_shows_each_move_and_each_refusal():
    """The moves come with rule and reason; refused events with why."""
    r = replay(
        [
            FirstPurchase(customer_id=SCRIPT, occurred_at=T),
            Reactivated(customer_id=SCRIPT, occurred_at=T),
        ],
        on_error="collect",
    )
    html = r._repr_html_()
    assert SCRIPT not in html
    assert (
        "<td>first_purchase</td><td>loyalty</td><td>suspect -&gt; customer"
        "</td><td>loyalty.first_purchase</td><td>first purchase</td>"
    ) in html
    assert "Refused events (1)" in html
    assert "<td>1</td><td>reactivated</td>" in html
    markdown = r._repr_markdown_()
    assert "| first_purchase | loyalty | suspect -> customer |" in markdown
    assert "**Refused events (1)**" in markdown


def test_replay_lists_the_latest_moves_only(monkeypatch: pytest.MonkeyPatch):
    """A long history shows its latest moves and counts the older ones."""
    assert _shown._MOVES_SHOWN == 30
    monkeypatch.setattr(_shown, "_MOVES_SHOWN", 1)
    r = replay([FirstPurchase(customer_id="C-1", occurred_at=T)])
    html = r._repr_html_()
    assert "2 moves (the 1 oldest not shown)" in html
    assert html.count("<tr>") == 2
    assert "<td>lifecycle</td>" in html
    assert "Refused" not in html


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            lambda: apply_event(
                _after_first_purchase(),
                RepeatPurchase(customer_id="C-1", occurred_at=T),
            ),
            id="outcome",
        ),
        pytest.param(
            lambda: explain(
                _after_first_purchase(),
                RepeatPurchase(customer_id="C-1", occurred_at=T),
            ),
            id="explanation",
        ),
        pytest.param(
            lambda: loyalty_funnel([_after_first_purchase()]), id="funnel"
        ),
    ],
)
def test_markdown_shows_the_same_tables_as_html(answer: Callable[[], Any]):
    """Each table of the HTML form is in the Markdown form too."""
    shown = answer()
    html, markdown = shown._repr_html_(), shown._repr_markdown_()
    lines = markdown.splitlines()
    rules = [line for line in lines if line.startswith("| ---")]
    assert html.count("<table>") == len(rules)
    assert markdown.startswith("**")
