import csv
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import customer_centric as cc
from customer_centric import datasets
from customer_centric.exceptions import DataError


@pytest.fixture(scope="module")
def demo_replays() -> dict[str, cc.relationship.Replay]:
    """The demo events replayed under the default policy."""
    initial = {
        c.customer_id: cc.RelationshipState(customer_id=c.customer_id)
        for c in cc.datasets.load_demo_customers()
    }
    return cc.relationship.replay_many(
        cc.datasets.load_demo_events(), initial=initial, on_error="collect"
    )


def test_demo_customers_cover_every_type():
    """The demo base has a few thousand customers of all three types."""
    customers = cc.datasets.load_demo_customers()
    assert 2_000 <= len(customers) <= 5_000
    kinds = Counter(c.type for c in customers)
    assert set(kinds) == set(cc.CustomerType)
    assert kinds[cc.CustomerType.EXTERNAL] > kinds[cc.CustomerType.INTERNAL]


def test_demo_customer_ids_are_unique_and_sorted():
    """Customer ids are unique and in order."""
    ids = [c.customer_id for c in cc.datasets.load_demo_customers()]
    assert ids == sorted(set(ids))


def test_demo_types_follow_the_facts():
    """Every demo customer's type agrees with its facts."""
    for customer in cc.datasets.load_demo_customers():
        assert customer.is_employee is not None
        assert customer.buys_for_resale is not None
        assert customer.type is cc.CustomerType.from_facts(
            is_employee=customer.is_employee,
            buys_for_resale=customer.buys_for_resale,
        )


def test_demo_events_belong_to_demo_customers():
    """Every event is for a known customer and has a unique id."""
    ids = {c.customer_id for c in cc.datasets.load_demo_customers()}
    events = cc.datasets.load_demo_events()
    assert {e.customer_id for e in events} <= ids
    event_ids = [e.event_id for e in events]
    assert len(set(event_ids)) == len(event_ids)


def test_demo_events_use_every_kind():
    """The history uses every event kind."""
    kinds = {e.kind for e in cc.datasets.load_demo_events()}
    assert kinds == set(cc.relationship.EVENT_KINDS)


def test_demo_replay_refuses_nothing(
    demo_replays: dict[str, cc.relationship.Replay],
):
    """Under the default policy every demo event is accepted."""
    refused = [r for replay in demo_replays.values() for r in replay.rejected]
    assert refused == []


def test_demo_ends_in_every_lifecycle_stage(
    demo_replays: dict[str, cc.relationship.Replay],
):
    """At the end, some customers are in each of the eight stages."""
    final = Counter(r.state.lifecycle for r in demo_replays.values())
    assert set(final) == set(cc.LifecycleStage)
    assert min(final.values()) >= 10


def test_demo_reaches_every_default_rung(
    demo_replays: dict[str, cc.relationship.Replay],
):
    """Every rung of the default ladder is occupied at the end."""
    final = Counter(r.state.loyalty for r in demo_replays.values())
    assert set(final) == set(cc.relationship.DEFAULT_POLICY.ladder)


@pytest.mark.parametrize(
    "reason",
    [
        "serious_complaint",
        "recovered",
        "recovery_failed",
        "silent_dissatisfaction",
        "gone_quiet",
        "presumed_lost",
        "account_closed",
        "win_back_started",
        "win_back_declined",
        "won_back",
        "reengaged",
    ],
    ids=lambda reason: reason,
)
def test_demo_history_shows_the_lifecycle_moves(
    demo_replays: dict[str, cc.relationship.Replay], reason: str
):
    """The demo history contains each kind of lifecycle move."""
    reasons = {
        record.reason_code
        for replay in demo_replays.values()
        for record in replay.history
    }
    assert reason in reasons


def test_demo_departures_have_several_reasons(
    demo_replays: dict[str, cc.relationship.Replay],
):
    """Divorced customers left for situational and other reasons."""
    reasons = {
        r.state.departure_reason
        for r in demo_replays.values()
        if r.state.departure_reason is not None
    }
    assert any(reason.is_situational for reason in reasons)
    assert any(not reason.is_situational for reason in reasons)


def test_loaders_return_equal_new_tuples():
    """Each call parses the file again into an equal tuple."""
    first, second = (
        cc.datasets.load_demo_customers(),
        cc.datasets.load_demo_customers(),
    )
    assert first == second
    assert isinstance(first, tuple)


def test_cdnow_sample_has_the_published_size():
    """6,919 transactions of 2,357 customers from 1997 to mid-1998."""
    log = cc.datasets.load_cdnow_sample()
    assert len(log) == 6_919
    assert len({t.customer_id for t in log}) == 2_357
    days = [t.day for t in log]
    assert min(days) == date(1997, 1, 1)
    assert max(days) <= date(1998, 6, 30)
    assert sum(1 for t in log if t.amount == 0) == 8


def test_cdnow_first_rows_are_read_exactly():
    """Ids, dates, quantities and amounts come through unchanged."""
    first = cc.datasets.load_cdnow_sample()[0]
    assert first == cc.Transaction(
        customer_id=cc.CustomerId("0001"),
        occurred_at=date(1997, 1, 1),
        amount=Decimal("29.33"),
        quantity=2,
    )


def test_cdnow_reproduces_the_published_summary(shared_data: Path):
    """The 39-week calibration summary matches lifetimes' CDNOW summary."""
    summary = cc.value.rfm_summary(
        cc.datasets.load_cdnow_sample(),
        observation_end=date(1997, 9, 30),
        time_unit="W",
        on_late="drop",
    )
    with (shared_data / "cdnow_customers_summary.csv").open() as handle:
        published = {int(row["ID"]): row for row in csv.DictReader(handle)}
    assert len(summary) == len(published) == 2_357
    for i, customer in enumerate(summary.customer_ids):
        row = published[int(customer)]
        assert summary.frequency[i] == int(row["frequency"])
        assert summary.recency[i] == pytest.approx(
            float(row["recency"]), abs=0.005
        )
        assert summary.T[i] == pytest.approx(float(row["T"]), abs=0.005)


def test_a_damaged_cdnow_file_is_reported(monkeypatch: pytest.MonkeyPatch):
    """A line with the wrong number of columns raises DataError."""
    monkeypatch.setattr(
        datasets, "_lines", lambda _: [" 00004 0001 19970101  2"]
    )
    with pytest.raises(DataError, match=r"line 1 of CDNOW_sample\.txt has 4"):
        cc.datasets.load_cdnow_sample()


def test_blank_cdnow_lines_are_skipped(monkeypatch: pytest.MonkeyPatch):
    """Blank or whitespace-only lines in the CDNOW file are not purchases."""
    monkeypatch.setattr(
        datasets,
        "_lines",
        lambda _: [
            "",
            " 00004 0001 19970101  2   29.33",
            "   ",
            " 00004 0001 19970118  2   29.73",
        ],
    )
    log = cc.datasets.load_cdnow_sample()
    assert [t.day for t in log] == [date(1997, 1, 1), date(1997, 1, 18)]
    assert [t.amount for t in log] == [Decimal("29.33"), Decimal("29.73")]
    assert {t.customer_id for t in log} == {"0001"}


@pytest.mark.parametrize(
    "line",
    [
        " 00004 000x 19970101  2   29.33",
        " 00004 0001 19971301  2   29.33",
        " 00004 0001 19970101  2   lots",
        " 00004 0001 19970101  2   -1",
    ],
    ids=["bad-id", "bad-month", "bad-amount", "negative-amount"],
)
def test_an_unreadable_cdnow_value_is_reported(
    monkeypatch: pytest.MonkeyPatch, line: str
):
    """A value that cannot be read raises DataError naming the line."""
    monkeypatch.setattr(datasets, "_lines", lambda _: [line])
    with pytest.raises(DataError, match=r"line 1 of CDNOW_sample\.txt cannot"):
        cc.datasets.load_cdnow_sample()
