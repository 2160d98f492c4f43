"""One fingerprint for every policy-like record.

A policy's fingerprint is recorded with every decision it makes, so that a
decision can be traced to the exact rules that made it. Equal records have
equal fingerprints however they were built (parsed, copied, constructed):
the hash is taken over the record's canonical JSON, with sorted keys and no
insignificant whitespace.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pydantic import BaseModel


def canonical_json(data: object, /) -> str:
    """``data`` as JSON with sorted keys and no insignificant whitespace."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def fingerprint(record: BaseModel, /) -> str:
    """SHA-256 (hex) of the record's canonical JSON.

    Examples:
        >>> from customer_centric._fingerprint import fingerprint
        >>> from customer_centric.complaints import TriagePolicy
        >>> a = fingerprint(TriagePolicy())
        >>> a == fingerprint(TriagePolicy.model_validate_json(
        ...     TriagePolicy().model_dump_json()))
        True
        >>> len(a)
        64
    """
    dumped = canonical_json(record.model_dump(mode="json"))
    return hashlib.sha256(dumped.encode()).hexdigest()


# Each live record's fingerprint, by the record's identity until the record
# is collected (an identity reused by a later object never finds a stale
# one). Frozen records hold no caches, so it lives beside them.
KNOWN_FINGERPRINTS: Final[dict[int, str]] = {}


def fingerprint_once(record: BaseModel, /) -> str:
    """:func:`fingerprint` of a frozen record, computed once per record.

    Rules that record the fingerprint with every answer (a scorecard's, per
    customer scored) would otherwise dump and hash the record each time.

    Examples:
        >>> from customer_centric._fingerprint import (
        ...     fingerprint, fingerprint_once)
        >>> from customer_centric.complaints import TriagePolicy
        >>> policy = TriagePolicy()
        >>> fingerprint_once(policy) == fingerprint(policy)
        True
    """
    key = id(record)
    found = KNOWN_FINGERPRINTS.get(key)
    if found is None:
        found = KNOWN_FINGERPRINTS[key] = fingerprint(record)
        weakref.finalize(record, KNOWN_FINGERPRINTS.pop, key, None)
    return found
