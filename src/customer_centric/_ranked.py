"""Enums whose members are ranked by the order they are declared in.

Severities, priorities and risk levels are scales: each lists its members
lowest first, and that order is the one definition of their rank.
"""

from __future__ import annotations

import enum
import functools
from typing import TypeVar

__all__ = ["RankedEnum", "member_at", "position"]

_E = TypeVar("_E", bound=enum.Enum)


def position(member: enum.Enum, /) -> int:
    """Where ``member`` is declared in its enum, 1 for the first."""
    return _positions(type(member))[member]


def member_at(kind: type[_E], place: int, /) -> _E | None:
    """The member of ``kind`` declared at ``place`` (1 first), if any."""
    members = tuple(kind)
    return members[place - 1] if 1 <= place <= len(members) else None


@functools.cache
def _positions(kind: type[enum.Enum]) -> dict[enum.Enum, int]:
    return {member: place for place, member in enumerate(kind, start=1)}


class RankedEnum(enum.StrEnum):
    """A string enum ranked by declaration order, lowest first.

    The values are the serialised form; compare members through
    :attr:`rank`, never through their strings.
    """

    @property
    def rank(self) -> int:
        """Position on the scale, 1 for the lowest member."""
        return position(self)
