"""Records built from already-valid values through pydantic's public API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from customer_centric import _trusted
from customer_centric.relationship import (
    GuardCheck,
    RelationshipState,
    TransitionRecord,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _state() -> RelationshipState:
    return RelationshipState(
        customer_id="C-1",
        loyalty="customer",
        peak_loyalty="client",
        lifecycle="welcome",
        purchases=3,
        last_event_at=T0,
        loyalty_since=T0,
    )


@pytest.mark.parametrize(
    "build",
    [_trusted.trusting, _trusted._handing_over, _trusted._any_fields],
    ids=["chosen", "handing-over", "any-fields"],
)
def test_a_trusted_record_equals_the_validated_one(
    build: Callable[[type[RelationshipState]], _trusted.Builder[Any] | None],
) -> None:
    """Every form builds the record validation would, with every field set."""
    validated = _state()
    builder = build(RelationshipState)
    assert builder is not None
    made = builder(dict(validated.__dict__))
    assert made == validated
    assert type(made) is RelationshipState
    assert made.model_fields_set == set(RelationshipState.model_fields)
    assert made.model_dump() == validated.model_dump()
    assert RelationshipState.model_validate_json(made.model_dump_json()) == (
        validated
    )


def test_this_pydantic_core_takes_the_fast_form() -> None:
    """The installed pydantic-core builds records from the values handed over.

    A pydantic-core that changes this still passes every other test (the
    documented form is used instead); this test says the engine got slower.
    """
    assert _trusted._handing_over(RelationshipState) is not None


def test_copies_of_trusted_records_keep_their_own_fields_set() -> None:
    """model_copy on one built record changes no other's set fields."""
    build = _trusted.trusting(RelationshipState)
    first = build(dict(_state().__dict__))
    second = build(dict(_state().__dict__))
    changed = first.model_copy(update={"purchases": 4})
    assert changed.purchases == 4
    assert first.purchases == second.purchases == 3
    assert second.model_fields_set == set(RelationshipState.model_fields)


def test_other_records_are_built_alike() -> None:
    """Guard checks and transition records build as validation does."""
    check = GuardCheck(
        metric="purchases",
        op="at_least",
        threshold="client_min_purchases",
        observed=3,
        required=3,
        passed=True,
    )
    assert _trusted.trusted(GuardCheck, dict(check.__dict__)) == check
    record = TransitionRecord(
        customer_id="C-1",
        dimension="loyalty",
        from_stage="customer",
        to_stage="client",
        rule_id="loyalty.client",
        reason_code="repeat_buyer",
        guards=(check,),
        policy_fingerprint="f" * 64,
        event_kind="repeat_purchase",
        occurred_at=T0,
    )
    assert _trusted.trusted(TransitionRecord, dict(record.__dict__)) == record


class _Refusing:
    """A validator that refuses what the fast form hands it."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def validate_python(self, value: object) -> object:
        msg = f"cannot validate {type(value).__name__}"
        raise TypeError(msg)


class _Misbuilding:
    """A validator that makes a record of the wrong shape from them."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema

    def validate_python(self, value: tuple[dict[str, object], ...]) -> object:
        return {"values": value[0]}


@pytest.mark.parametrize("validator", [_Refusing, _Misbuilding])
def test_a_pydantic_core_that_builds_otherwise_gets_the_documented_form(
    monkeypatch: pytest.MonkeyPatch, validator: type
) -> None:
    """The fast form is checked once; if it fails, the fields form is used."""
    monkeypatch.setattr(_trusted, "SchemaValidator", validator)
    assert _trusted._handing_over(RelationshipState) is None
    monkeypatch.undo()
    chosen = _trusted.trusting.__wrapped__(RelationshipState)
    assert chosen(dict(_state().__dict__)) == _state()


def _taken(
    take: _trusted.Taker[RelationshipState], fields_set: set[str]
) -> RelationshipState:
    made = take((dict(_state().__dict__), None, fields_set))
    assert isinstance(made, RelationshipState)
    return made


def test_a_state_taken_in_parts_equals_the_validated_one() -> None:
    """The fast path's one call builds the record validation would."""
    take, fields_set = _trusted.taking(RelationshipState)
    assert fields_set == set(RelationshipState.model_fields)
    made = _taken(take, fields_set)
    assert made == _state()
    assert made.model_fields_set == fields_set
    assert made.model_dump() == _state().model_dump()
    assert made.model_copy(update={"purchases": 4}).purchases == 4
    assert made.purchases == 3


def test_a_pydantic_core_without_the_fast_form_still_takes_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The documented form takes the same parts and builds the same."""
    monkeypatch.setattr(_trusted, "SchemaValidator", _Refusing)
    assert _trusted._parts_form(RelationshipState) is None
    monkeypatch.undo()
    monkeypatch.setattr(_trusted, "_parts_form", lambda _cls: None)
    take, fields_set = _trusted.taking.__wrapped__(RelationshipState)
    assert fields_set == set(RelationshipState.model_fields)
    assert _taken(take, fields_set) == _state()
