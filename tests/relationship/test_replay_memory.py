"""What a replay keeps, and the garbage collector around it."""

import gc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

import customer_centric as cc
from customer_centric.exceptions import EventTransitionError

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _story(customer_id: str) -> list[cc.Event]:
    """A first purchase, needs profiled, two repeat purchases: a client."""
    kinds = ["first_purchase", "needs_profiled"] + ["repeat_purchase"] * 2
    return [
        cc.relationship.parse_event(
            {
                "kind": kind,
                "customer_id": customer_id,
                "occurred_at": T0 + timedelta(days=day),
            }
        )
        for day, kind in enumerate(kinds)
    ]


def _watched(events: list[cc.Event], seen: list[bool]) -> Iterator[cc.Event]:
    """The events, noting whether the collector runs as each is read."""
    for event in events:
        seen.append(gc.isenabled())
        yield event


@pytest.fixture
def collector_on() -> Iterator[None]:
    """The collector on for the test, and as it was afterwards."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.fixture
def collector_off() -> Iterator[None]:
    """The collector off for the test, and as it was afterwards."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_pauses_during_the_fold_and_resumes() -> None:
    """Events are folded with the collector off; it runs again after."""
    seen: list[bool] = []
    out = cc.relationship.replay_many(_watched(_story("A"), seen))
    assert out["A"].state.loyalty is cc.LoyaltyStage.CLIENT
    assert seen == [False] * 4
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_the_collector_resumes_when_the_replay_raises() -> None:
    """A refused event ends the replay with the collector running again."""
    late = T0 + timedelta(days=9)
    bad = cc.relationship.Reactivated(customer_id="A", occurred_at=late)
    with pytest.raises(EventTransitionError):
        cc.relationship.replay_many([*_story("A"), bad])
    assert gc.isenabled()
    with pytest.raises(EventTransitionError):
        cc.replay([bad])
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_off")
def test_a_paused_collector_stays_paused() -> None:
    """A replay does not turn on a collector its caller turned off."""
    cc.relationship.replay_many(_story("A"))
    assert not gc.isenabled()
    bad = cc.relationship.Reactivated(customer_id="A", occurred_at=T0)
    with pytest.raises(EventTransitionError):
        cc.relationship.replay_many([bad])
    assert not gc.isenabled()


def test_customers_reaching_a_rung_alike_share_their_moves() -> None:
    """Guarded moves with equal checks are kept once per replay."""
    out = cc.relationship.replay_many([*_story("A"), *_story("B")])
    first, second = out["A"], out["B"]
    assert first.history[-2].to_stage is cc.LoyaltyStage.CLIENT
    assert [r.guards for r in first.history] == [
        r.guards for r in second.history
    ]
    # The flat history: (moves, event id, time) per event that moved.
    assert first._moves[-3] is second._moves[-3]
    assert first.history[-1].customer_id == "A"
    assert second.history[-1].customer_id == "B"
