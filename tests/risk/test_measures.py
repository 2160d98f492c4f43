from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from customer_centric import (
    Complaint,
    ComplaintId,
    CustomerId,
    RelationshipState,
    Severity,
    apply_event,
)
from customer_centric.complaints import (
    ComplaintChannel,
    ComplaintStatus,
    advance,
)
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.relationship import ComplaintFiled, FirstPurchase
from customer_centric.risk import (
    complaint_measures,
    score_health,
    state_measures,
)
from health_cards import CARD

T0 = datetime(2026, 1, 1, tzinfo=UTC)
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
C1 = CustomerId("C-1")


def _complaint(
    number: int, days: int, severity: Severity, customer: str = "C-1"
) -> Complaint:
    return Complaint(
        complaint_id=ComplaintId(f"K-{number}"),
        customer_id=CustomerId(customer),
        received_at=AS_OF - timedelta(days=days),
        severity=severity,
        channel=ComplaintChannel.EMAIL,
    )


def test_state_measures_read_the_state() -> None:
    """Counts, rung and days come from the state's fields."""
    state = apply_event(
        RelationshipState(customer_id=C1),
        FirstPurchase(customer_id=C1, occurred_at=T0),
    ).state
    state = apply_event(
        state,
        ComplaintFiled(
            customer_id=C1,
            occurred_at=T0 + timedelta(days=10),
            severity=Severity.LOW,
        ),
    ).state
    measures = state_measures(state, as_of=AS_OF)
    assert measures["purchases"] == 1.0
    assert measures["open_complaints"] == 1.0
    assert measures["loyalty_rank"] == float(state.loyalty.rank)
    assert measures["days_inactive"] == 49.0
    assert measures["days_in_stage"] == (AS_OF - state.lifecycle_since).days


def test_a_new_state_has_no_times() -> None:
    """Without activity or a stage change, the days are missing."""
    measures = state_measures(RelationshipState(customer_id=C1), as_of=AS_OF)
    assert measures["days_inactive"] is None
    assert measures["days_in_stage"] is None


def test_state_measures_feed_a_card() -> None:
    """The state's keys plug straight into a card's measures."""
    state = apply_event(
        RelationshipState(customer_id=C1),
        FirstPurchase(customer_id=C1, occurred_at=T0),
    ).state
    values = {**state_measures(state, as_of=AS_OF), "tickets": 0.0}
    assert score_health(values, card=CARD, as_of=AS_OF).score == 100.0


def test_state_measures_refuse_an_earlier_as_of() -> None:
    """Scoring before the last activity is refused."""
    state = apply_event(
        RelationshipState(customer_id=C1),
        FirstPurchase(customer_id=C1, occurred_at=AS_OF),
    ).state
    with pytest.raises(InvariantError, match="before the last activity"):
        state_measures(state, as_of=AS_OF - timedelta(days=1))
    with pytest.raises(ArgumentTypeError, match="state must be"):
        state_measures("C-1", as_of=AS_OF)  # type: ignore[arg-type]


def test_complaint_measures_count_the_window_and_the_open_ones() -> None:
    """Recent, open and worst open severity, as of the scoring time."""
    old = _complaint(1, 200, Severity.CRITICAL)
    for status, day in (
        (ComplaintStatus.RESPONDED, 199),
        (ComplaintStatus.CLOSED, 198),
    ):
        old = advance(old, status, occurred_at=AS_OF - timedelta(days=day))
    complaints = [
        _complaint(2, 10, Severity.MEDIUM),
        _complaint(3, 31, Severity.LOW),
        _complaint(4, -2, Severity.CRITICAL),  # after as_of: not counted
        old,
    ]
    measures = complaint_measures(complaints, as_of=AS_OF, window_days=30)
    assert measures == {
        "complaints_recent": 1.0,
        "complaints_open": 2.0,
        "worst_open_severity": float(Severity.MEDIUM.rank),
    }


def test_no_open_complaint_leaves_severity_missing() -> None:
    """Without an open complaint the worst severity is missing, not 0."""
    measures = complaint_measures([], as_of=AS_OF, window_days=30)
    assert measures == {
        "complaints_recent": 0.0,
        "complaints_open": 0.0,
        "worst_open_severity": None,
    }


@pytest.mark.parametrize(
    ("complaints", "window", "error", "message"),
    [
        (
            [
                _complaint(1, 1, Severity.LOW),
                _complaint(2, 1, Severity.LOW, "C-2"),
            ],
            30,
            InvariantError,
            "several customers",
        ),
        ([], -1, InvariantError, "window_days must be a count"),
        ([], 1.5, ArgumentTypeError, "window_days must be"),
        ("K-1", 30, ArgumentTypeError, "complaints must be"),
    ],
    ids=["two-customers", "negative-window", "float-window", "text"],
)
def test_complaint_measures_check_their_arguments(
    complaints: object, window: object, error: type[Exception], message: str
) -> None:
    """One customer's complaints and a whole-day window, or an error."""
    with pytest.raises(error, match=message):
        complaint_measures(
            complaints,  # type: ignore[arg-type]
            as_of=AS_OF,
            window_days=window,  # type: ignore[arg-type]
        )
