from __future__ import annotations

import inspect
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import (
    Complaint,
    RelationshipState,
    Severity,
    apply_event,
)
from customer_centric.complaints import (
    COMPLAINT_TRANSITIONS,
    ComplaintChannel,
    ComplaintStatus,
    StatusChange,
    advance,
    check_transition,
    filed_event,
    resolved_event,
)
from customer_centric.exceptions import (
    ComplaintTransitionError,
    CustomerCentricError,
    InvalidTransitionError,
    InvariantError,
    OutOfOrderEventError,
)
from customer_centric.relationship import ComplaintFiled, ComplaintResolved
from strategies import complaint_statuses, complaints

DOCS = Path(__file__).resolve().parents[2] / "docs"

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
S = ComplaintStatus


def make(**overrides: object) -> Complaint:
    """A received complaint, with fields overridden."""
    fields: dict[str, object] = {
        "complaint_id": "K-1",
        "customer_id": "C-1",
        "received_at": T0,
        "severity": Severity.MEDIUM,
        "channel": ComplaintChannel.EMAIL,
    }
    fields.update(overrides)
    return Complaint.model_validate(fields)


def walk(*statuses: ComplaintStatus, **close: bool) -> Complaint:
    """A complaint moved through ``statuses``, one hour apart."""
    complaint = make()
    for hour, status in enumerate(statuses, start=1):
        satisfied = close.get("satisfied") if status is S.CLOSED else None
        complaint = advance(
            complaint,
            status,
            occurred_at=T0 + timedelta(hours=hour),
            customer_satisfied=satisfied,
        )
    return complaint


@pytest.mark.parametrize(
    ("path", "final"),
    [
        (
            (
                S.ACKNOWLEDGED,
                S.ASSESSED,
                S.INVESTIGATING,
                S.RESPONDED,
                S.CLOSED,
            ),
            S.CLOSED,
        ),
        ((S.RESPONDED, S.CLOSED), S.CLOSED),
        (
            (
                S.ACKNOWLEDGED,
                S.AWAITING_CUSTOMER,
                S.INVESTIGATING,
                S.RESPONDED,
            ),
            S.RESPONDED,
        ),
        (
            (S.RESPONDED, S.CLOSED, S.REOPENED, S.INVESTIGATING),
            S.INVESTIGATING,
        ),
        ((S.RESPONDED, S.REOPENED, S.RESPONDED, S.CLOSED), S.CLOSED),
        ((S.ACKNOWLEDGED, S.ESCALATED, S.CLOSED), S.CLOSED),
        ((S.ESCALATED, S.INVESTIGATING, S.RESPONDED), S.RESPONDED),
    ],
    ids=[
        "iso-main-path",
        "first-contact-resolution",
        "wait-on-customer",
        "reopen-after-close",
        "complainant-rejects-decision",
        "external-body-decides",
        "escalate-on-receipt",
    ],
)
def test_legal_paths_reach_their_status(
    path: tuple[ComplaintStatus, ...], final: ComplaintStatus
):
    """Every ISO 10002 path in the table is accepted and recorded."""
    complaint = walk(*path, satisfied=True)
    assert complaint.status is final
    assert [c.to_status for c in complaint.history] == list(path)
    assert complaint.history[0].from_status is S.RECEIVED


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), S.CLOSED),
        ((), S.INVESTIGATING),
        ((S.RESPONDED, S.CLOSED), S.INVESTIGATING),
        ((S.RESPONDED, S.CLOSED), S.CLOSED),
        ((S.ACKNOWLEDGED,), S.RECEIVED),
        ((S.ACKNOWLEDGED, S.ASSESSED, S.INVESTIGATING), S.CLOSED),
    ],
    ids=[
        "close-unanswered",
        "investigate-unacknowledged",
        "work-a-closed-complaint",
        "close-twice",
        "back-to-received",
        "close-without-response",
    ],
)
def test_illegal_moves_raise_and_list_allowed(
    path: tuple[ComplaintStatus, ...], target: ComplaintStatus
):
    """An illegal move raises ComplaintTransitionError listing the moves."""
    complaint = walk(*path, satisfied=True)
    with pytest.raises(ComplaintTransitionError) as info:
        advance(complaint, target, occurred_at=T0 + timedelta(days=1))
    err = info.value
    assert vars(err) == {
        "complaint_id": "K-1",
        "from_status": complaint.status,
        "to_status": target,
        "allowed_statuses": COMPLAINT_TRANSITIONS[complaint.status],
    }
    assert err.from_status is complaint.status
    assert err.to_status is target
    message = str(err)
    assert f"from {complaint.status.value!r} to {target.value!r}" in message
    for allowed in err.allowed_statuses:
        assert repr(allowed.value) in message
    assert not check_transition(complaint, target).allowed


def test_forbidden_move_sets_every_attribute():
    """Closing an acknowledged complaint: every attribute, and the message."""
    complaint = walk(S.ACKNOWLEDGED)
    with pytest.raises(ComplaintTransitionError) as info:
        advance(complaint, S.CLOSED, occurred_at=T0 + timedelta(days=1))
    err = info.value
    assert vars(err) == {
        "complaint_id": "K-1",
        "from_status": "acknowledged",
        "to_status": "closed",
        "allowed_statuses": frozenset(
            {"assessed", "awaiting_customer", "responded", "escalated"}
        ),
    }
    assert set(vars(err)) == set(
        inspect.get_annotations(ComplaintTransitionError)
    )
    assert str(err) == (
        "cannot move complaint 'K-1' from 'acknowledged' to 'closed': the "
        "ISO 10002:2018 handling process does not allow it; allowed from "
        "'acknowledged': 'assessed', 'awaiting_customer', 'responded', "
        "'escalated'. Move it to one of those first; check_transition() "
        "checks a move without making it"
    )


def test_complaint_transition_error_is_still_an_invalid_transition():
    """The complaint error is still an InvalidTransitionError, a ValueError."""
    complaint = make()
    for base in (InvalidTransitionError, ValueError, CustomerCentricError):
        with pytest.raises(base) as info:
            advance(complaint, S.CLOSED, occurred_at=T0 + timedelta(days=1))
        assert type(info.value) is ComplaintTransitionError
    assert issubclass(ComplaintTransitionError, InvalidTransitionError)
    assert issubclass(ComplaintTransitionError, ValueError)


def test_complaint_transition_error_without_allowed_statuses():
    """Built with plain strings and nothing allowed, it still reads well."""
    err = ComplaintTransitionError._for_complaint(
        "K-9", "closed", "received", allowed_statuses=()
    )
    assert vars(err) == {
        "complaint_id": "K-9",
        "from_status": "closed",
        "to_status": "received",
        "allowed_statuses": frozenset(),
    }
    assert "allowed from 'closed': (nothing)." in str(err)


def test_transitions_table_covers_every_status_and_never_traps():
    """Every status has allowed moves, and none leads back to received."""
    assert set(COMPLAINT_TRANSITIONS) == set(ComplaintStatus)
    for status, targets in COMPLAINT_TRANSITIONS.items():
        assert targets, status
        assert S.RECEIVED not in targets


@given(
    st.lists(complaint_statuses, max_size=12),
)
def test_advance_succeeds_exactly_when_allowed(
    targets: list[ComplaintStatus],
):
    """advance() accepts a move if and only if the table allows it."""
    complaint = make()
    for step, target in enumerate(targets, start=1):
        allowed = target in COMPLAINT_TRANSITIONS[complaint.status]
        assert check_transition(complaint, target).allowed is allowed
        at = T0 + timedelta(minutes=step)
        if allowed:
            moved = advance(complaint, target, occurred_at=at)
            assert moved.status is target
            assert moved.history[:-1] == complaint.history
            complaint = moved
        else:
            with pytest.raises(ComplaintTransitionError):
                advance(complaint, target, occurred_at=at)


def test_advance_is_pure():
    """advance() returns a new complaint and leaves the input unchanged."""
    complaint = make()
    before = complaint.model_dump()
    moved = advance(complaint, S.ACKNOWLEDGED, occurred_at=T0)
    assert complaint.model_dump() == before
    assert moved is not complaint


def test_json_round_trip_keeps_history():
    """A complaint with history survives JSON unchanged."""
    complaint = walk(S.RESPONDED, S.CLOSED, satisfied=False)
    again = Complaint.model_validate_json(complaint.model_dump_json())
    assert again == complaint
    assert again.customer_satisfied is False


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (
            [
                {
                    "from_status": "acknowledged",
                    "to_status": "assessed",
                    "occurred_at": T0,
                }
            ],
            "starts from 'acknowledged'",
        ),
        (
            [
                {
                    "from_status": "received",
                    "to_status": "closed",
                    "occurred_at": T0,
                }
            ],
            "not allowed",
        ),
        (
            [
                {
                    "from_status": "received",
                    "to_status": "acknowledged",
                    "occurred_at": T0 - timedelta(hours=1),
                }
            ],
            "earlier than",
        ),
    ],
    ids=["broken-chain", "illegal-step", "before-receipt"],
)
def test_inconsistent_history_is_rejected(
    history: list[dict[str, object]], message: str
):
    """A stored history must be a legal, time-ordered chain."""
    with pytest.raises(ValidationError, match=message):
        make(history=history, status=history[-1]["to_status"])


def test_status_must_match_history():
    """The status field must equal the last move's target."""
    with pytest.raises(ValidationError, match="history ends at"):
        make(status="closed")


@pytest.mark.parametrize(
    "field",
    ["received_at"],
    ids=["naive-received"],
)
def test_naive_datetimes_are_rejected(field: str):
    """Complaints need timezone-aware timestamps."""
    with pytest.raises(ValidationError):
        make(**{field: datetime(2026, 3, 2, 9)})  # noqa: DTZ001


def test_advance_rejects_naive_and_out_of_order_times():
    """advance() needs an aware time not before the last change."""
    complaint = advance(
        make(), S.ACKNOWLEDGED, occurred_at=T0 + timedelta(hours=2)
    )
    with pytest.raises(InvariantError, match="timezone-aware"):
        advance(complaint, S.ASSESSED, occurred_at=datetime(2026, 3, 3))  # noqa: DTZ001
    with pytest.raises(OutOfOrderEventError, match="time order"):
        advance(complaint, S.ASSESSED, occurred_at=T0 + timedelta(hours=1))


def test_out_of_order_error_carries_every_attribute():
    """An out-of-order move's error names the complaint, times and fix."""
    complaint = advance(
        make(), S.ACKNOWLEDGED, occurred_at=T0 + timedelta(hours=2)
    )
    early = T0 + timedelta(hours=1)
    with pytest.raises(OutOfOrderEventError) as info:
        advance(complaint, S.ASSESSED, occurred_at=early)
    err = info.value
    assert (err.complaint_id, err.customer_id, err.event_kind) == (
        complaint.complaint_id,
        complaint.customer_id,
        "assessed",
    )
    assert (err.occurred_at, err.last_event_at) == (
        early,
        complaint.updated_at,
    )
    message = str(err)
    assert repr(complaint.complaint_id) in message
    assert repr(early.isoformat()) in message
    assert repr(complaint.updated_at.isoformat()) in message
    assert "apply changes in time order" in message


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"problem_value": "-1"}, "non-negative"),
        ({"complaint_id": "  "}, "blank"),
        ({"severity": "catastrophic"}, "severity"),
        ({"priority": "high"}, "Extra inputs"),
    ],
    ids=["negative-problem-value", "blank-id", "unknown-severity", "extra"],
)
def test_bad_fields_are_rejected(overrides: dict[str, object], message: str):
    """Bad field values fail validation with a clear message."""
    with pytest.raises(ValidationError, match=message):
        make(**overrides)


def test_satisfaction_only_on_closing():
    """customer_satisfied belongs to the closing move only."""
    with pytest.raises(InvariantError, match="only when closing"):
        advance(make(), S.RESPONDED, occurred_at=T0, customer_satisfied=True)
    with pytest.raises(ValidationError, match="only on a move to 'closed'"):
        StatusChange(
            from_status=S.RECEIVED,
            to_status=S.RESPONDED,
            occurred_at=T0,
            customer_satisfied=True,
        )


def test_reopening_clears_satisfaction():
    """A reopened complaint no longer reports the earlier satisfaction."""
    closed = walk(S.RESPONDED, S.CLOSED, satisfied=True)
    assert closed.customer_satisfied is True
    reopened = advance(closed, S.REOPENED, occurred_at=T0 + timedelta(days=2))
    assert reopened.customer_satisfied is None
    assert reopened.is_open


def test_first_reached_and_updated_at():
    """first_reached finds the first entry into a status."""
    complaint = walk(S.RESPONDED, S.REOPENED, S.RESPONDED)
    assert complaint.first_reached(frozenset({S.RESPONDED})) == T0 + timedelta(
        hours=1
    )
    assert complaint.first_reached(frozenset({S.CLOSED})) is None
    assert complaint.first_reached(frozenset({S.RECEIVED})) == T0
    assert complaint.updated_at == T0 + timedelta(hours=3)
    assert make().updated_at == T0


def test_filed_event_carries_complaint_facts():
    """filed_event copies customer, time, severity and id."""
    event = filed_event(make(severity=Severity.CRITICAL))
    assert event == ComplaintFiled(
        customer_id="C-1",
        occurred_at=T0,
        severity=Severity.CRITICAL,
        complaint_id="K-1",
    )


def test_resolved_event_needs_a_closed_complaint_with_satisfaction():
    """resolved_event refuses open or unrecorded closures."""
    with pytest.raises(InvariantError, match="not closed"):
        resolved_event(walk(S.RESPONDED))
    with pytest.raises(InvariantError, match="without recording"):
        resolved_event(walk(S.RESPONDED, S.CLOSED))
    event = resolved_event(walk(S.RESPONDED, S.CLOSED, satisfied=False))
    assert event == ComplaintResolved(
        customer_id="C-1",
        occurred_at=T0 + timedelta(hours=2),
        satisfied=False,
        complaint_id="K-1",
    )


def test_relationship_engine_accepts_complaint_events():
    """The engine applies the filed and resolved events of a complaint."""
    from customer_centric.relationship import FirstPurchase  # noqa: PLC0415

    state = RelationshipState(customer_id="C-1")
    state = apply_event(
        state,
        FirstPurchase(customer_id="C-1", occurred_at=T0 - timedelta(days=30)),
    ).state
    closed = walk(S.RESPONDED, S.CLOSED, satisfied=True)
    filed = apply_event(state, filed_event(closed))
    assert filed.state.open_complaints == 1
    resolved = apply_event(filed.state, resolved_event(closed))
    assert resolved.state.open_complaints == 0


@given(complaints())
def test_any_complaint_round_trips_json(complaint: Complaint):
    """Every reachable complaint survives JSON and re-validation."""
    again = Complaint.model_validate_json(complaint.model_dump_json())
    assert again == complaint
    assert filed_event(complaint).occurred_at == complaint.received_at
    statuses = [S.RECEIVED, *(c.to_status for c in complaint.history)]
    for before, after in itertools.pairwise(statuses):
        assert after in COMPLAINT_TRANSITIONS[before]


def test_docs_page_shows_the_transition_table():
    """docs/complaints.md lists exactly COMPLAINT_TRANSITIONS."""
    order = list(ComplaintStatus)
    rows = ["| from | may move to |", "|---|---|"]
    for status in order:
        targets = sorted(COMPLAINT_TRANSITIONS[status], key=order.index)
        shown = ", ".join(f"`{t.value}`" for t in targets)
        rows.append(f"| `{status.value}` | {shown} |")
    page = (DOCS / "complaints.md").read_text(encoding="utf-8")
    start = "<!-- complaint-transitions -->\n"
    end = "\n<!-- /complaint-transitions -->"
    assert page[page.index(start) + len(start) : page.index(end)] == "\n".join(
        rows
    )
