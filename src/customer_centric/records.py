"""Stored records that last: a schema version on every record, migrations.

A service keeps states, events, complaints, fits and policies for years,
across releases of this library. :func:`dump_record` writes a record as
JSON inside an *envelope* that names the record's schema and its version::

    {"schema": "relationship_state", "version": 1, "data": {...}}

and :func:`load_record` reads it back, whatever release wrote it: a record
of an older version goes through the migrations, one version at a time,
before it is validated, and a record written by a newer release is refused
with a message saying so rather than misread.

Version 0 is the bare ``model_dump_json()`` of a record, as it was stored
before the envelope existed; :func:`load_record` takes it when told which
schema it is (``schema="complaint"``). The JSON Schema of every
envelope is :func:`record_schema`; the files in ``docs/schemas/`` are
generated from it, and a test fails when they drift.

How a record's shape changes, in a later release: its version goes up by
one in :data:`RECORD_VERSIONS`, a pure function that rewrites the previous
version's ``data`` into the new shape is added to the migrations, and a JSON
fixture of the previous version stays in the tests, proving it still loads.

Examples:
    >>> from datetime import UTC, datetime
    >>> from customer_centric.records import dump_record, load_record
    >>> from customer_centric.relationship import FirstPurchase
    >>> event = FirstPurchase(
    ...     customer_id="C-1", occurred_at=datetime(2025, 1, 2, tzinfo=UTC)
    ... )
    >>> text = dump_record(event)
    >>> text[:42]
    '{"schema":"event","version":1,"data":{"cus'
    >>> load_record(text) == event
    True
"""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

from customer_centric.exceptions import ArgumentTypeError, DataError

if TYPE_CHECKING:
    from pydantic import BaseModel, TypeAdapter

__all__ = [
    "RECORD_VERSIONS",
    "dump_record",
    "load_record",
    "migrate_record",
    "record_schema",
]

RecordT = TypeVar("RecordT")

# Where each schema's type lives, imported when first used (the fits need
# the ``[stats]`` extra; the rest only pydantic). The names are the stable
# part of the stored form: never rename one.
_TYPES: Final[Mapping[str, tuple[str, str]]] = {
    "customer": ("customer_centric._customer", "Customer"),
    "relationship_state": (
        "customer_centric.relationship",
        "RelationshipState",
    ),
    "transition_record": ("customer_centric.relationship", "TransitionRecord"),
    "event": ("customer_centric.relationship", "Event"),
    "policy": ("customer_centric.relationship", "Policy"),
    "complaint": ("customer_centric.complaints", "Complaint"),
    "sla_policy": ("customer_centric.complaints", "SlaPolicy"),
    "scorecard": ("customer_centric.risk", "Scorecard"),
    "health_snapshot": ("customer_centric.risk", "HealthSnapshot"),
    "bg_nbd_fit": ("customer_centric.clv", "BgNbdFit"),
    "pareto_nbd_fit": ("customer_centric.clv", "ParetoNbdFit"),
    "bg_bb_fit": ("customer_centric.clv", "BgBbFit"),
    "gamma_gamma_fit": ("customer_centric.clv", "GammaGammaFit"),
    "sbg_fit": ("customer_centric.clv", "SbgFit"),
    "mbg_nbd_fit": ("customer_centric.clv", "MbgNbdFit"),
    "ggom_nbd_fit": ("customer_centric.clv", "GgomNbdFit"),
    "pareto_nbd_correlated_fit": (
        "customer_centric.clv",
        "ParetoNbdCorrelatedFit",
    ),
    "pareto_nbd_dynamic_fit": (
        "customer_centric.clv",
        "ParetoNbdDynamicFit",
    ),
}

# The class a record of each schema is an instance of: ``Event`` is a union
# of event classes, which share one base.
_CLASSES: Final[Mapping[str, tuple[str, str]]] = {
    **_TYPES,
    "event": ("customer_centric.relationship._events", "_EventBase"),
}

#: The current version of every stored schema, by schema name.
RECORD_VERSIONS: Final[Mapping[str, int]] = dict.fromkeys(_TYPES, 1)

_Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _unchanged(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 to 1: the envelope is new, the record's fields are not."""
    return data


# _MIGRATIONS[name][v] rewrites version v's data into version v + 1's.
_MIGRATIONS: Final[Mapping[str, Mapping[int, _Migration]]] = {
    name: {0: _unchanged} for name in _TYPES
}

_ENVELOPE_KEYS: Final = frozenset({"schema", "version", "data"})


def _adapter(name: str) -> TypeAdapter[Any]:
    """The pydantic adapter that validates and dumps one schema's records."""
    from pydantic import TypeAdapter  # noqa: PLC0415

    module, attribute = _TYPES[name]
    return TypeAdapter(getattr(importlib.import_module(module), attribute))


def _schema_of(record: object) -> str:
    """The schema name of a record, or a clear error for anything else."""
    for name, (module, attribute) in _CLASSES.items():
        if isinstance(
            record, getattr(importlib.import_module(module), attribute)
        ):
            return name
    what = "a record named in customer_centric.records.RECORD_VERSIONS"
    raise ArgumentTypeError.for_argument("record", record, what)


def dump_record(record: BaseModel) -> str:
    """The record as JSON text in its versioned envelope.

    Args:
        record: A customer, relationship state, transition record, event,
            policy, complaint, SLA policy, health scorecard or snapshot,
            or fitted model.

    Returns:
        The envelope, as compact JSON text
        ``{"schema": ..., "version": ..., "data": ...}``.

    Raises:
        ArgumentTypeError: Anything that is not one of the stored records.

    Examples:
        >>> from customer_centric.records import dump_record
        >>> from customer_centric.relationship import DEFAULT_POLICY
        >>> dump_record(DEFAULT_POLICY)[:38]
        '{"schema":"policy","version":1,"data":'

    .. versionadded:: 0.2
    """
    name = _schema_of(record)
    # pydantic writes the data (its JSON keeps the records' own settings,
    # such as infinite bounds written as constants); the envelope wraps it.
    data = _adapter(name).dump_json(record).decode()
    version = RECORD_VERSIONS[name]
    return f'{{"schema":"{name}","version":{version},"data":{data}}}'


def _parsed(stored: object) -> dict[str, Any]:
    """Stored text (or an already parsed mapping) as a fresh dictionary."""
    if isinstance(stored, Mapping):
        return copy.deepcopy(dict(stored))  # migrations never touch the input
    if not isinstance(stored, str | bytes):
        what = "JSON text, bytes or a parsed mapping"
        raise ArgumentTypeError.for_argument("stored", stored, what)
    try:
        parsed = json.loads(stored)
    except ValueError as exc:
        msg = (
            f"the stored record is not JSON ({exc}); pass the text as written"
        )
        raise DataError(msg) from exc
    if not isinstance(parsed, dict):
        msg = f"a stored record is a JSON object, not {type(parsed).__name__}"
        raise DataError(msg)
    return parsed


def _enveloped(
    parsed: dict[str, Any], schema: str | None
) -> tuple[str, int, Any]:
    """The schema name, version and data of a parsed stored record."""
    if set(parsed) != _ENVELOPE_KEYS:
        if schema is None:
            msg = (
                "the stored record has no envelope (keys "
                f"{sorted(parsed)[:5]}); if it is a bare record written by "
                "an earlier release, say which with schema=, one of "
                f"{', '.join(sorted(_TYPES))}"
            )
            raise DataError(msg)
        return _known(schema), 0, parsed
    name = _known(parsed["schema"])
    if schema is not None and _known(schema) != name:
        msg = f"expected a {schema!r} record, found a {name!r} record"
        raise DataError(msg)
    version = parsed["version"]
    if type(version) is not int or version < 0:
        msg = f"a stored version is a whole number >= 0, not {version!r}"
        raise DataError(msg)
    return name, version, parsed["data"]


def _known(name: object) -> str:
    if isinstance(name, str) and name in _TYPES:
        return name
    msg = (
        f"unknown record schema {name!r}; this release stores "
        f"{', '.join(sorted(_TYPES))}"
    )
    raise DataError(msg)


def migrate_record(
    stored: str | bytes | Mapping[str, Any], /, *, schema: str | None = None
) -> dict[str, Any]:
    """A stored record's envelope rewritten to the current version.

    Pure: the input is left as it was. Each step is one documented
    migration; the result is still plain JSON data, not yet validated.

    Args:
        stored: JSON text, bytes or the parsed envelope.
        schema: The schema of a bare (version 0) record, which has no
            envelope to name it; checked against the envelope otherwise.

    Returns:
        ``{"schema": ..., "version": <current>, "data": ...}``.

    Raises:
        DataError: Not JSON, no envelope and no ``schema``, an unknown
            schema, or a version newer than this release knows.
        ArgumentTypeError: ``stored`` of another type.

    Examples:
        >>> from customer_centric.records import migrate_record
        >>> migrate_record({"customer_id": "C-9"}, schema="customer")
        {'schema': 'customer', 'version': 1, 'data': {'customer_id': 'C-9'}}

    .. versionadded:: 0.2
    """
    name, version, data = _enveloped(_parsed(stored), schema)
    current = RECORD_VERSIONS[name]
    if version > current:
        msg = (
            f"the {name!r} record is version {version}, written by a newer "
            f"customer_centric; this release reads versions up to {current}: "
            "upgrade customer_centric to load it"
        )
        raise DataError(msg)
    for step in range(version, current):
        data = _MIGRATIONS[name][step](data)
    return {"schema": name, "version": current, "data": data}


@overload
def load_record(
    stored: str | bytes | Mapping[str, Any],
    /,
    *,
    schema: str | None = None,
    expect: None = None,
) -> Any: ...  # noqa: ANN401 - the schema in the data decides the type
@overload
def load_record(
    stored: str | bytes | Mapping[str, Any],
    /,
    *,
    schema: str | None = None,
    expect: type[RecordT],
) -> RecordT: ...
def load_record(
    stored: str | bytes | Mapping[str, Any],
    /,
    *,
    schema: str | None = None,
    expect: type[RecordT] | None = None,
) -> object:
    """Read a stored record back, migrating it from an older version.

    Args:
        stored: What :func:`dump_record` wrote (text, bytes or parsed), or
            a bare record of an earlier release with ``schema``.
        schema: The schema name of a bare record; for an envelope, a check.
        expect: The type the caller needs; another type raises, and type
            checkers know the result's type.

    Returns:
        The validated record.

    Raises:
        DataError: As :func:`migrate_record`, or a record of another type
            than ``expect``.
        pydantic.ValidationError: The data does not make a valid record.

    Examples:
        >>> from customer_centric.records import load_record
        >>> from customer_centric import Customer
        >>> bare = '{"customer_id": "C-9", "type": "external"}'
        >>> load_record(bare, schema="customer", expect=Customer).type.value
        'external'

    .. versionadded:: 0.2
    """
    current = migrate_record(stored, schema=schema)
    # Validated as JSON, as written: strict records parse their datetimes
    # and decimals from text only.
    data = json.dumps(current["data"])
    record = _adapter(current["schema"]).validate_json(data)
    if expect is not None and not isinstance(record, expect):
        msg = (
            f"expected a {expect.__name__}, the stored record is a "
            f"{type(record).__name__} ({current['schema']!r})"
        )
        raise DataError(msg)
    return record


def record_schema(schema: str) -> dict[str, Any]:
    """The JSON Schema of a stored record's envelope, current version.

    Args:
        schema: A name from :data:`RECORD_VERSIONS`.

    Returns:
        A JSON Schema (draft 2020-12) with the record's own schema under
        ``data`` and its definitions under ``$defs``.

    Raises:
        DataError: An unknown schema name.

    Examples:
        >>> from customer_centric.records import record_schema
        >>> record_schema("complaint")["properties"]["version"]
        {'const': 1}

    .. versionadded:: 0.2
    """
    name = _known(schema)
    inner = _adapter(name).json_schema()
    definitions = inner.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"customer_centric {name} record",
        "type": "object",
        "properties": {
            "schema": {"const": name},
            "version": {"const": RECORD_VERSIONS[name]},
            "data": inner,
        },
        "required": ["schema", "version", "data"],
        "additionalProperties": False,
        "$defs": definitions,
    }
