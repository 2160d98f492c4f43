"""Stored records: versioned envelopes, migrations, fixtures, JSON Schemas.

The fixtures in ``tests/data/records`` are the stored form of each record
as this release writes it (``v1``) and as releases before the envelope
wrote it (``v0``, a bare ``model_dump_json()``). They are never regenerated:
a change that stops one from loading is a break of stored data.

The JSON Schemas in ``docs/schemas`` are generated; after changing a record
on purpose, rewrite them with ``CC_WRITE_SCHEMAS=1 pytest
tests/test_records.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from pydantic import BaseModel, ValidationError

import customer_centric as cc
import strategies as cs
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.records import (
    RECORD_VERSIONS,
    dump_record,
    load_record,
    migrate_record,
    record_schema,
)

FIXTURES = Path(__file__).parent / "data" / "records"
SCHEMAS = Path(__file__).parents[1] / "docs" / "schemas"
NAMES = sorted(RECORD_VERSIONS)


def _fixture(version: int, name: str) -> str:
    return (FIXTURES / f"v{version}" / f"{name}.json").read_text("utf-8")


def test_every_schema_has_a_fixture_of_each_version() -> None:
    """A new record type cannot ship without proving it loads later."""
    for version in (0, 1):
        found = {p.stem for p in (FIXTURES / f"v{version}").glob("*.json")}
        assert found == set(RECORD_VERSIONS)


@pytest.mark.parametrize("name", NAMES)
def test_todays_fixture_loads_and_writes_back_the_same(name: str) -> None:
    """Today's stored form loads, and writing it again changes nothing."""
    stored = _fixture(1, name)
    record = load_record(stored)
    assert json.loads(dump_record(record)) == json.loads(stored)


@pytest.mark.parametrize("name", NAMES)
def test_a_bare_record_of_an_earlier_release_migrates(name: str) -> None:
    """Version 0 records load through the migration to the same record."""
    bare = _fixture(0, name)
    assert load_record(bare, schema=name) == load_record(_fixture(1, name))
    assert migrate_record(bare, schema=name)["version"] == 1


def _without_patterns(schema: object) -> object:
    """The schema without ``pattern`` keys, which pydantic versions differ on.

    pydantic 2.14 writes a regular expression for decimal strings that 2.13
    does not; the records' shape is what must not drift.
    """
    if isinstance(schema, dict):
        return {
            key: _without_patterns(value)
            for key, value in schema.items()
            if key != "pattern"
        }
    if isinstance(schema, list):
        return [_without_patterns(v) for v in schema]
    return schema


@pytest.mark.parametrize("name", NAMES)
def test_the_published_json_schemas_match_the_records(name: str) -> None:
    """docs/schemas holds each envelope's current JSON Schema."""
    path = SCHEMAS / f"{name}.json"
    schema = record_schema(name)
    if os.environ.get("CC_WRITE_SCHEMAS"):
        path.write_text(json.dumps(schema, indent=2) + "\n", "utf-8")
    assert path.exists(), f"{path} is missing: see this module's docstring"
    published = _without_patterns(json.loads(path.read_text("utf-8")))
    assert published == _without_patterns(schema), (
        f"{path} is out of date: rewrite it as this module's docstring says"
    )
    stored = json.loads(_fixture(1, name))
    assert set(schema["required"]) == set(stored)
    assert schema["properties"]["version"] == {"const": stored["version"]}


@given(cs.relationship_states())
def test_states_round_trip(state: cc.RelationshipState) -> None:
    """Any state comes back equal."""
    assert (
        load_record(dump_record(state), expect=cc.RelationshipState) == state
    )


@given(cs.events)
def test_events_round_trip(event: cc.Event) -> None:
    """Any event comes back equal, as its own kind."""
    assert load_record(dump_record(event)) == event


@given(cs.complaints())
def test_complaints_round_trip(complaint: cc.Complaint) -> None:
    """Any complaint, with its history, comes back equal."""
    assert load_record(dump_record(complaint)) == complaint


@given(cs.policies())
def test_policies_round_trip_with_their_fingerprint(
    policy: cc.relationship.Policy,
) -> None:
    """A policy comes back making the same decisions."""
    loaded = load_record(dump_record(policy), expect=cc.relationship.Policy)
    assert loaded.fingerprint == policy.fingerprint


def test_a_parsed_envelope_is_read_without_being_changed() -> None:
    """load_record() leaves a parsed mapping as it was."""
    stored = json.loads(_fixture(0, "relationship_state"))
    before = json.dumps(stored, sort_keys=True)
    load_record(stored, schema="relationship_state")
    assert json.dumps(stored, sort_keys=True) == before


def _envelope(**changes: object) -> dict[str, object]:
    return {**json.loads(_fixture(1, "customer")), **changes}


@pytest.mark.parametrize(
    ("stored", "schema", "expected"),
    [
        ("{not json", None, "is not JSON"),
        (b"\xff\xfe", None, "is not JSON"),
        ("[1, 2]", None, "a JSON object, not list"),
        ('{"customer_id": "C-1"}', None, "say which with schema="),
        ('{"customer_id": "C-1"}', "shoe", "unknown record schema 'shoe'"),
        (_envelope(schema="shoe"), None, "unknown record schema 'shoe'"),
        (_envelope(), "complaint", "expected a 'complaint' record"),
        (_envelope(version=2), None, "written by a newer customer_centric"),
        (_envelope(version="1"), None, "whole number >= 0, not '1'"),
        (_envelope(version=True), None, "whole number >= 0, not True"),
        (_envelope(version=-1), None, "whole number >= 0, not -1"),
    ],
)
def test_unusable_stored_records_are_refused_with_the_reason(
    stored: object, schema: str | None, expected: str
) -> None:
    """Each unusable stored record raises DataError saying why."""
    with pytest.raises(DataError, match=expected):
        load_record(stored, schema=schema)  # type: ignore[call-overload]


def test_a_record_of_another_type_than_expected_is_refused() -> None:
    """expect= is checked, not only a hint for type checkers."""
    with pytest.raises(DataError, match="expected a Complaint, the stored"):
        load_record(_fixture(1, "customer"), expect=cc.Complaint)


def test_invalid_data_is_a_validation_error() -> None:
    """Data that makes no valid record fails at the record boundary."""
    stored = _envelope(data={"customer_id": ""})
    with pytest.raises(ValidationError):
        load_record(stored)


@pytest.mark.parametrize("value", [3, None, object()])
def test_only_stored_records_are_written_or_read(value: object) -> None:
    """Other values raise ArgumentTypeError, naming what is accepted."""
    with pytest.raises(ArgumentTypeError, match="record must be a record"):
        dump_record(value)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="stored must be JSON text"):
        load_record(value)  # type: ignore[call-overload]


def test_a_model_of_another_library_is_not_a_stored_record() -> None:
    """A pydantic model that is not ours is not written."""

    class Other(BaseModel):
        name: str = "x"

    with pytest.raises(ArgumentTypeError, match="got Other"):
        dump_record(Other())
