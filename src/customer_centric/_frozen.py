"""A read-only mapping for record fields, validated and serialised by pydantic.

A frozen record that holds a plain ``dict`` is not frozen: any caller can
change the dict in place and so change the record every other caller
holds. :data:`FrozenMap` fields are validated like ``dict`` fields, then
stored as a :class:`FrozenDict`, which refuses item assignment, hashes,
pickles and copies, and dumps to JSON exactly like the ``dict`` it replaces.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, TypeAlias, TypeVar, final

from pydantic import (
    AfterValidator,
    SerializationInfo,
    SerializerFunctionWrapHandler,
)
from pydantic.functional_serializers import WrapSerializer

from customer_centric._fingerprint import canonical_json

__all__ = ["FrozenDict", "FrozenMap", "SortedSet"]

_K = TypeVar("_K")
_V = TypeVar("_V")
_T = TypeVar("_T")


@final
class FrozenDict(Mapping[_K, _V]):
    """An immutable, hashable mapping (a copy of the mapping it is built from).

    Examples:
        >>> from customer_centric._frozen import FrozenDict
        >>> table = FrozenDict({"a": 1})
        >>> table["a"], table == {"a": 1}
        (1, True)
        >>> table["a"] = 2
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenDict' object does not support item assignment
    """

    __slots__ = ("_data",)

    _data: dict[_K, _V]

    def __init__(self, data: Mapping[_K, _V], /) -> None:
        """Copy ``data``, so later changes to it do not reach this mapping."""
        object.__setattr__(self, "_data", dict(data))

    def __getitem__(self, key: _K, /) -> _V:
        """The value of ``key``."""
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        """The keys, in insertion order."""
        return iter(self._data)

    def __len__(self) -> int:
        """How many keys."""
        return len(self._data)

    def __hash__(self) -> int:
        """Hash of the items, so records holding the mapping hash too."""
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        """Equal to any mapping with the same items."""
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        """``FrozenDict({...})``."""
        return f"FrozenDict({self._data!r})"

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse: the mapping is immutable."""
        msg = f"'FrozenDict' object attribute {name!r} is read-only"
        raise AttributeError(msg)

    def __reduce__(
        self,
    ) -> tuple[type[FrozenDict[_K, _V]], tuple[dict[_K, _V]]]:
        """Pickle and deep-copy through a plain dict."""
        return (FrozenDict, (self._data,))


def _freeze(value: Mapping[Any, Any]) -> FrozenDict[Any, Any]:
    return FrozenDict(value)


def _thaw(
    value: Mapping[Any, Any], handler: SerializerFunctionWrapHandler
) -> Any:  # noqa: ANN401 - pydantic's serialiser returns any JSON value
    return handler(dict(value))


FrozenMap: TypeAlias = Annotated[
    Mapping[_K, _V], AfterValidator(_freeze), WrapSerializer(_thaw)
]
"""A ``Mapping`` record field stored as a :class:`FrozenDict` (field type)."""


def _in_order(
    value: frozenset[Any],
    handler: SerializerFunctionWrapHandler,
    info: SerializationInfo,
) -> Any:  # noqa: ANN401 - pydantic's serialiser returns any JSON value
    dumped = handler(value)
    if info.mode_is_json():
        return sorted(dumped, key=canonical_json)
    return dumped


SortedSet: TypeAlias = Annotated[frozenset[_T], WrapSerializer(_in_order)]
"""A ``frozenset`` record field whose JSON lists the items sorted (field type).

A set's iteration order depends on the process's string hash seed, so the
same set would dump to JSON in a different order in another process, and a
record's fingerprint (taken over its JSON) would change with it. Sorted by
their JSON form, equal sets dump alike everywhere.
"""
