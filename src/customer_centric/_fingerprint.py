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
from typing import TYPE_CHECKING

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
