"""What-if: one history replayed under two policies, and the difference."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric import LifecycleStage as C
from customer_centric import LoyaltyStage as L
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.relationship import (
    DEFAULT_POLICY,
    Event,
    FirstPurchase,
    InterestShown,
    NeedsProfiled,
    Policy,
    PolicyComparison,
    RepeatPurchase,
    StageMatrix,
    compare_policies,
    replay_many,
)
from strategies import event_histories, legal_walks, policies

P = DEFAULT_POLICY
STRICTER = P.with_thresholds(client_min_purchases=4)


def _day(n: int) -> datetime:
    return datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=n)


def _buyer(cid: str, purchases: int, *, start: int = 0) -> list[Event]:
    """A customer who buys ``purchases`` times, a week apart."""
    events: list[Event] = [
        FirstPurchase(customer_id=cid, occurred_at=_day(start))
    ]
    events.extend(
        RepeatPurchase(customer_id=cid, occurred_at=_day(start + 7 * k))
        for k in range(1, purchases)
    )
    return events


@st.composite
def customer_bases(draw: st.DrawFn) -> list[Event]:
    """A deep legal walk for C-1 and random histories for two others."""
    return [
        *draw(legal_walks(max_steps=10)),
        *draw(event_histories(customer_id="C-2", max_size=6)),
        *draw(event_histories(customer_id="C-3", max_size=6)),
    ]


@given(customer_bases(), policies())
def test_a_policy_against_itself_is_empty(events: list[Event], policy: Policy):
    """Comparing a policy with itself finds no customer landing elsewhere."""
    out = compare_policies(events, current=policy, proposed=policy)
    assert not out.changed
    assert out.divergences == ()
    assert out.loyalty.moved == out.lifecycle.moved == 0


@given(customer_bases(), policies(), policies())
def test_counts_sum_to_the_customers(
    events: list[Event], current: Policy, proposed: Policy
):
    """Each matrix counts every customer once; divergences are the moved.

    Swapping the policies transposes the matrices and finds the same
    customers.
    """
    out = compare_policies(events, current=current, proposed=proposed)
    back = compare_policies(events, current=proposed, proposed=current)
    for dimension in ("loyalty", "lifecycle"):
        there, here = out.matrix(dimension), back.matrix(dimension)
        assert there.stages == here.stages
        assert there.counts == tuple(zip(*here.counts, strict=True))
    assert [d.customer_id for d in out.divergences] == [
        d.customer_id for d in back.divergences
    ]
    ours = replay_many(events, policy=current, on_error="collect")
    theirs = replay_many(events, policy=proposed, on_error="collect")
    assert out.customers == len(ours) == out.loyalty.total
    assert out.lifecycle.total == out.customers
    elsewhere = {
        cid
        for cid, r in ours.items()
        if (r.state.loyalty, r.state.lifecycle)
        != (theirs[cid].state.loyalty, theirs[cid].state.lifecycle)
    }
    assert {d.customer_id for d in out.divergences} == elsewhere
    assert out.loyalty.moved <= len(elsewhere)
    for d in out.divergences:
        assert d.current == ours[d.customer_id].state
        assert d.proposed == theirs[d.customer_id].state
        assert d.current_move != d.proposed_move
    assert out.rejected_current == sum(len(r.rejected) for r in ours.values())


def test_a_stricter_client_threshold_keeps_three_time_buyers_customers():
    """With four purchases to be a client, three-time buyers stay customers."""
    events = [*_buyer("A", 3), *_buyer("B", 4), *_buyer("C", 1)]
    out = compare_policies(events, current=P, proposed=STRICTER)
    assert out.customers == 3
    assert out.loyalty.count(L.CLIENT, L.CUSTOMER) == 1
    assert out.loyalty.count(L.CLIENT, L.CLIENT) == 1
    assert out.loyalty.count(L.CUSTOMER, L.CUSTOMER) == 1
    assert out.loyalty.moves() == ((L.CLIENT, L.CUSTOMER, 1),)
    assert out.lifecycle.moved == 0
    (only,) = out.divergences
    assert only.customer_id == "A"
    assert only.dimension == "loyalty"
    assert only.at == _day(14)
    assert only.current_move is not None
    assert only.current_move.rule_id == "loyalty.client"
    assert only.proposed_move is None
    assert out.changed


def test_a_later_move_under_the_proposal_is_shown_with_its_date():
    """When the proposal moves later, both moves are reported, each dated."""
    events = [*_buyer("A", 4)]
    # The customer lands elsewhere only in lifecycle: add needs profiling so
    # that account management follows the third purchase under P only.
    events.insert(1, NeedsProfiled(customer_id="A", occurred_at=_day(1)))
    proposed = P.with_thresholds(account_management_min_purchases=5)
    out = compare_policies(events, current=P, proposed=proposed)
    (only,) = out.divergences
    assert only.dimension == "lifecycle"
    assert only.current_move is not None
    assert only.current_move.to_stage is C.ACCOUNT_MANAGEMENT
    assert only.proposed_move is None
    assert "account management by lifecycle" in only.describe()


def test_the_earliest_difference_is_reported_across_dimensions():
    """A loyalty difference before a lifecycle one is the first difference."""
    events = [
        *_buyer("A", 4),
        NeedsProfiled(customer_id="A", occurred_at=_day(30)),
        RepeatPurchase(customer_id="A", occurred_at=_day(31)),
    ]
    proposed = P.with_thresholds(
        client_min_purchases=4, account_management_min_purchases=6
    )
    out = compare_policies(events, current=P, proposed=proposed)
    (only,) = out.divergences
    # Client at the third purchase (day 14) under P, at the fourth under the
    # proposal; account management on day 31 under P only.
    assert only.dimension == "loyalty"
    assert only.at == _day(14)
    assert only.proposed_move is not None
    assert only.proposed_move.occurred_at == _day(21)
    assert "proposed client by loyalty.client" in only.describe()


def test_same_time_differences_name_loyalty_first():
    """Two moves that differ on one event: loyalty is named first."""
    events = [
        InterestShown(customer_id="A", occurred_at=_day(0)),
        FirstPurchase(customer_id="A", occurred_at=_day(1)),
    ]
    skip = cc.relationship.Rule(
        id="loyalty.straight_to_client",
        event="first_purchase",
        dimension="loyalty",
        sources=(L.PROSPECT,),
        target=L.CLIENT,
        reason_code="big_first_order",
    )
    direct = cc.relationship.Rule(
        id="lifecycle.straight_to_account",
        event="first_purchase",
        dimension="lifecycle",
        sources=(C.ACQUISITION,),
        target=C.GETTING_TO_KNOW,
        reason_code="big_first_order",
    )
    proposed = P.with_rules(skip, direct, first=True)
    out = compare_policies(events, current=P, proposed=proposed)
    (only,) = out.divergences
    assert only.dimension == "loyalty"
    assert only.proposed_move is not None
    assert only.proposed_move.rule_id == "loyalty.straight_to_client"
    assert out.lifecycle.count(C.WELCOME, C.GETTING_TO_KNOW) == 1


def test_refused_events_are_counted_per_policy():
    """An event one policy refuses is counted, not raised."""
    events = [
        FirstPurchase(customer_id="A", occurred_at=_day(5)),
        RepeatPurchase(customer_id="A", occurred_at=_day(1)),
    ]
    lenient = P.with_thresholds(allow_out_of_order=True)
    out = compare_policies(events, current=P, proposed=lenient)
    assert (out.rejected_current, out.rejected_proposed) == (1, 0)
    assert out.divergences == ()
    assert out.changed
    assert "Events refused: 1 under the current policy, 0 under" in (
        out.report()
    )


def test_initial_states_are_replayed_under_both_policies():
    """Customers given as states start there under both policies."""
    start = cc.replay(_buyer("A", 2)).state
    events = [RepeatPurchase(customer_id="A", occurred_at=_day(30))]
    out = compare_policies(
        events,
        current=P,
        proposed=STRICTER,
        initial={start.customer_id: start},
    )
    assert out.loyalty.count(L.CLIENT, L.CUSTOMER) == 1


def test_the_loyalty_matrix_lists_the_rungs_of_both_ladders():
    """A proposal with the opt-in rungs adds them as rows and columns."""
    out = compare_policies(
        _buyer("A", 2), current=P, proposed=Policy.default(supporter=True)
    )
    assert L.SUPPORTER in out.loyalty.stages
    assert L.PARTNER not in out.loyalty.stages
    assert out.lifecycle.stages == tuple(C)
    assert out.loyalty.count(L.PARTNER, L.CLIENT) == 0


def test_report_reads_at_80_columns_with_human_labels():
    """Each line fits a terminal; stages and reasons show as words."""
    events = [
        *(e for n in range(12) for e in _buyer(f"customer-{n:02}", 3)),
        *_buyer("B", 1),
    ]
    out = compare_policies(events, current=P, proposed=STRICTER)
    text = out.report(
        limit=3, current_name="policy A.toml", proposed_name="policy B.toml"
    )
    assert max(map(len, text.splitlines())) <= 80
    assert "client -> customer" in text
    assert "repeat buyer" in text
    assert "(3 of 12)" in text
    assert "13 customers replayed; 12 land elsewhere (92.3%)." in text
    assert text.startswith(f"What if: policy A.toml ({P.fingerprint[:12]})")
    assert "land elsewhere (" not in out.report(limit=0).split("\n\n")[-1]


def test_report_of_no_customers():
    """An empty history compares no customers, without dividing by zero."""
    out = compare_policies([], current=P, proposed=STRICTER)
    assert out.customers == 0
    assert "0 customers replayed; 0 land elsewhere (0.0%)." in out.report()


def test_repr_and_html_show_the_difference_escaped():
    """The repr is one line; the notebook table escapes customer ids."""
    events = _buyer("<b>A</b>", 3)
    out = compare_policies(events, current=P, proposed=STRICTER)
    assert repr(out) == (
        f"PolicyComparison({P.fingerprint[:12]} -> "
        f"{STRICTER.fingerprint[:12]}: 1 of 1 customers land elsewhere)"
    )
    page = out._repr_html_()
    assert "&lt;b&gt;A&lt;/b&gt;" in page
    assert "loyalty.client (repeat buyer)" in page
    assert "\N{EM DASH}" in page
    many = [e for n in range(25) for e in _buyer(f"C-{n}", 3)]
    wide = compare_policies(many, current=P, proposed=STRICTER)
    assert "(20 of 25)" in wide._repr_html_()
    text = out._repr_markdown_()
    assert "| customer | current | proposed |" in text
    assert "loyalty.client (repeat buyer)" in text
    assert "\\<b>A\\</b>" in text  # escaped, shown as text


@pytest.mark.parametrize(
    ("arguments", "error", "fragment"),
    [
        ({"current": "A.toml", "proposed": P}, ArgumentTypeError, "current"),
        ({"current": P, "proposed": None}, ArgumentTypeError, "proposed"),
        (
            {
                "current": P,
                "proposed": P,
                "initial": {"B": cc.replay(_buyer("A", 1)).state},
            },
            InvariantError,
            "initial['B'] holds the state of customer 'A'",
        ),
    ],
    ids=["current", "proposed", "initial"],
)
def test_bad_arguments_raise_our_errors(
    arguments: dict[str, object], error: type[Exception], fragment: str
):
    """A wrong policy or state raises our error naming the argument."""
    with pytest.raises(error, match=fragment.replace("[", r"\[")):
        compare_policies(_buyer("A", 1), **arguments)  # type: ignore[arg-type]


def test_events_must_be_an_iterable_of_events():
    """A string is not a history."""
    with pytest.raises(ArgumentTypeError, match="events must be"):
        compare_policies("events.jsonl", current=P, proposed=P)  # type: ignore[arg-type]


def test_report_and_matrix_check_their_arguments():
    """Bad options raise our errors, not bare ones."""
    out: PolicyComparison = compare_policies(
        _buyer("A", 3), current=P, proposed=STRICTER
    )
    with pytest.raises(ArgumentTypeError, match="limit"):
        out.report(limit="3")  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="current_name"):
        out.report(current_name=None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="proposed_name"):
        out.report(proposed_name=1)  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="dimension"):
        out.matrix("bogus")  # type: ignore[arg-type]
    assert out.matrix("lifecycle") is out.lifecycle
    assert isinstance(out.matrix("loyalty"), StageMatrix)
