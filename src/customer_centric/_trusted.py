"""Records built from values that are already valid, through pydantic's API.

The relationship engine makes a new state on every event from values that
pydantic has already validated (the previous state, the event, the
policy). Validating them again would cost more than the decision. The
builders here ask pydantic-core, through its public schema and validator
API, for a model whose fields take their values as they are; no private
attribute is written by this library.

Measured on a relationship state (19 fields; pydantic 2.14, pydantic-core
2.50, CPython 3.11, a shared 2-core machine): full validation about 12 µs,
``model_construct`` (which walks the fields in Python) about 6 µs, a
model-fields schema of ``any`` fields about 1.5 µs, and the model schema
over a plain ``any`` schema that is given the field values, the extra
values and the set fields, as a model-fields schema hands them over,
about 0.5 µs. That last form relies on how pydantic-core's model
validator takes its inner schema's output, which the schema's
documentation describes ("set the dict and fields set returned from the
typed dict validator") without promising the shape: so each builder is
checked once, on first use, against what it must produce, and a
pydantic-core that makes something else gets the model-fields form
instead. Both give records equal to validated ones.

A caller on a hot path can skip the builder's own Python call (about
50 ns of the relationship engine's 2 µs per event) by handing the parts
over itself: `taking` gives the one call and the fields set it takes.
Writing a record's private attributes through their slot descriptors
instead (``object.__new__`` and four setters, which STYLE.md forbids)
measured no faster: 0.53 µs against 0.52 µs for the fast form, a copy
of the 19 values included.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeAlias, TypeVar, cast

from pydantic import BaseModel
from pydantic_core import SchemaValidator, core_schema

__all__ = ["taking", "trusted", "trusting"]

_M = TypeVar("_M", bound=BaseModel)

Builder = Callable[[dict[str, object]], _M]
# A record's parts as a model-fields schema hands them over: the field
# values, the extra values (none) and the set fields.
Parts: TypeAlias = tuple[dict[str, object], None, set[str]]
Taker = Callable[[Parts], _M]


@functools.cache
def trusting(cls: type[_M], /) -> Builder[_M]:
    """A builder of ``cls`` records from field values that are already valid.

    The builder takes a dictionary of every field's value, which becomes
    the record's own: give it a dictionary no one else holds. Use it only
    for values taken from records that pydantic already validated;
    everything else goes through the normal constructors.
    """
    return _handing_over(cls) or _any_fields(cls)


@functools.cache
def taking(cls: type[_M], /) -> tuple[Taker[_M], set[str]]:
    """`trusting` as one call on the record's parts, and the fields set.

    ``take((values, None, fields_set))`` builds what ``trusting(cls)(values)``
    does, with the ``fields_set`` given here, without a Python call of
    its own when this pydantic-core takes the fast form. The same rules
    hold for the values.
    """
    parts = _parts_form(cls)
    if parts is not None:
        return parts
    build = _any_fields(cls)

    def take(handed: Parts) -> _M:
        return build(handed[0])

    return take, set(cls.model_fields)


def trusted(cls: type[_M], fields: dict[str, object], /) -> _M:
    """Build one record from values that are already valid (see `trusting`)."""
    build: Builder[_M] = trusting(cls)
    return build(fields)


def _any_fields(cls: type[_M]) -> Builder[_M]:
    """The documented form: a model-fields schema whose fields take anything.

    pydantic-core checks that every field is given and copies the values.
    """
    fields = {
        name: core_schema.model_field(core_schema.any_schema())
        for name in cls.model_fields
    }
    schema = core_schema.model_schema(
        cls, core_schema.model_fields_schema(fields)
    )
    return cast("Builder[_M]", SchemaValidator(schema).validate_python)


def _handing_over(cls: type[_M]) -> Builder[_M] | None:
    """The fast form, if this pydantic-core builds records with it."""
    parts = _parts_form(cls)
    return None if parts is None else _builder(*parts)


def _builder(take: Taker[_M], fields_set: set[str]) -> Builder[_M]:
    def build(values: dict[str, object]) -> _M:
        return take((values, None, fields_set))

    return build


def _parts_form(cls: type[_M]) -> tuple[Taker[_M], set[str]] | None:
    """The fast form's one call and fields set, if it builds records.

    The model validator receives what a model-fields schema would hand
    it: the values, no extra values, and the fields set (every field).
    The one fields set is shared by every record the builder makes:
    frozen records never change it, and ``model_copy`` copies it before
    changing the copy's.
    """
    fields_set = set(cls.model_fields)
    take = cast(
        "Taker[_M]",
        SchemaValidator(
            core_schema.model_schema(cls, core_schema.any_schema())
        ).validate_python,
    )
    probe = {name: object() for name in cls.model_fields}
    try:
        made = take((probe, None, fields_set))
    except Exception:  # noqa: BLE001 - any failure means: use the other form
        return None
    if (
        type(made) is cls
        and made.__dict__ == probe
        and made.model_fields_set == fields_set
        and made.model_extra is None
        and getattr(made, "__pydantic_private__", None) is None
    ):
        return take, fields_set
    return None
