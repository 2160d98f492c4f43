import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from pydantic import BaseModel, ValidationError

import customer_centric as cc
from strategies import events

WHEN = "2025-04-01T09:00:00+00:00"

EXAMPLES = [
    ("interest_shown", {}, cc.relationship.InterestShown),
    ("first_purchase", {"amount": "40.00"}, cc.relationship.FirstPurchase),
    ("repeat_purchase", {}, cc.relationship.RepeatPurchase),
    (
        "referral_made",
        {"referred_customer_id": "C-9"},
        cc.relationship.ReferralMade,
    ),
    ("needs_profiled", {}, cc.relationship.NeedsProfiled),
    ("complaint_filed", {"severity": "high"}, cc.relationship.ComplaintFiled),
    (
        "complaint_resolved",
        {"satisfied": True},
        cc.relationship.ComplaintResolved,
    ),
    (
        "dissatisfaction_signal",
        {"score": 0.8, "source": "survey"},
        cc.relationship.DissatisfactionSignal,
    ),
    (
        "inactivity_observed",
        {"as_of": WHEN},
        cc.relationship.InactivityObserved,
    ),
    ("account_closed", {"reason": "new_job"}, cc.relationship.AccountClosed),
    ("win_back_attempted", {}, cc.relationship.WinBackAttempted),
    ("win_back_declined", {}, cc.relationship.WinBackDeclined),
    ("reactivated", {}, cc.relationship.Reactivated),
]


@pytest.mark.parametrize(
    ("kind", "extra", "cls"), EXAMPLES, ids=[e[0] for e in EXAMPLES]
)
def test_parse_each_kind_from_json(
    kind: str, extra: dict[str, object], cls: type[BaseModel]
) -> None:
    """Every kind parses from a JSON line into its class and back."""
    line = json.dumps(
        {"kind": kind, "customer_id": "C-1", "occurred_at": WHEN, **extra}
    )
    event = cc.relationship.parse_event(line)
    assert type(event) is cls
    assert event.kind == kind
    assert cc.relationship.parse_event(event.model_dump_json()) == event
    assert cc.relationship.parse_event(event.model_dump(mode="json")) == event


def test_every_kind_is_covered():
    """The kinds above are exactly the event kinds the library defines."""
    assert [e[0] for e in EXAMPLES] == list(cc.relationship.EVENT_KINDS)


def test_kind_is_the_snake_case_class_name():
    """A kind is its class name in snake_case."""
    for _kind, _extra, cls in EXAMPLES:
        snake = "".join(
            f"_{c.lower()}" if c.isupper() else c for c in cls.__name__
        ).lstrip("_")
        assert cls.model_fields["kind"].default == snake


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (
            (
                '{"kind": "refund", "customer_id": "C-1", '
                f'"occurred_at": "{WHEN}"}}'
            ),
            "does not match any of the expected tags",
        ),
        (
            '{"customer_id": "C-1", "occurred_at": "2025-01-01T00:00:00Z"}',
            "Unable to extract tag using discriminator 'kind'",
        ),
        ('{"kind": "interest_shown", ', "Invalid JSON"),
        (
            (
                '{"kind": "interest_shown", "customer_id": "C-1", '
                '"occurred_at": "2025-01-01T00:00:00"}'
            ),
            "Input should have timezone info",
        ),
        (
            (
                '{"kind": "first_purchase", "customer_id": "C-1", '
                f'"occurred_at": "{WHEN}", "amount": "-5"}}'
            ),
            "amount must be a finite, non-negative amount of money",
        ),
        (
            (
                '{"kind": "dissatisfaction_signal", "customer_id": "C-1", '
                f'"occurred_at": "{WHEN}", "score": 1.5, "source": "survey"}}'
            ),
            "less than or equal to 1",
        ),
        (
            (
                '{"kind": "interest_shown", "customer_id": "C-1", '
                f'"occurred_at": "{WHEN}", "colour": "red"}}'
            ),
            "Extra inputs are not permitted",
        ),
        (
            (
                '{"kind": "complaint_filed", "customer_id": "C-1", '
                f'"occurred_at": "{WHEN}", "severity": "awful"}}'
            ),
            "'low', 'medium', 'high' or 'critical'",
        ),
        (
            (
                f'{{"kind": "interest_shown", "customer_id": "", '
                f'"occurred_at": "{WHEN}"}}'
            ),
            "at least 1 character",
        ),
    ],
    ids=[
        "unknown-kind",
        "missing-kind",
        "malformed-json",
        "naive-datetime",
        "negative-amount",
        "score-above-one",
        "extra-field",
        "unknown-severity",
        "empty-customer-id",
    ],
)
def test_bad_input_is_explained(data: str, fragment: str) -> None:
    """Bad event input raises a ValidationError that says what is wrong."""
    with pytest.raises(ValidationError, match=fragment):
        cc.relationship.parse_event(data)


def test_naive_datetime_refused_in_constructor():
    """Constructing an event with a naive datetime fails, not only parsing."""
    with pytest.raises(ValidationError, match="timezone"):
        cc.relationship.InterestShown(
            customer_id="C-1",
            occurred_at=datetime(2025, 1, 1),  # noqa: DTZ001 - on purpose
        )


def test_events_are_frozen():
    """Events cannot be changed after creation."""
    event = cc.relationship.RepeatPurchase(
        customer_id="C-1",
        occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
        amount=Decimal(3),
    )
    with pytest.raises(ValidationError, match="frozen"):
        event.amount = Decimal(4)  # type: ignore[misc]


@given(events)
def test_events_round_trip_through_json(event: cc.Event) -> None:
    """Every event survives JSON out and back unchanged."""
    assert cc.relationship.parse_event(event.model_dump_json()) == event
    assert type(event).model_validate_json(event.model_dump_json()) == event
