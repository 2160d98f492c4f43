"""Customer-centric management as typed records and pure, explainable rules.

The top level holds the design card's nouns and the vocabulary every area
shares; everything else lives in one area subpackage:

- :mod:`customer_centric.relationship`: stages, events, policy and engine;
- :mod:`customer_centric.kano`: Kano questionnaires, coefficients and drift;
- :mod:`customer_centric.value`: V = I x N, retention economics and RFM;
- :mod:`customer_centric.clv`: customer-base models (``[stats]`` extra);
- :mod:`customer_centric.complaints`: complaints, triage, deadlines, recovery;
- :mod:`customer_centric.risk`: key risk indicators built from KPIs;

and the extras :mod:`~customer_centric.frames`, :mod:`~customer_centric.plot`,
:mod:`~customer_centric.spark` and :mod:`~customer_centric.cli`.

Importing the package is cheap: names and areas are loaded on first use, so
``import customer_centric`` imports neither pydantic nor numpy until a
record or rule is actually used.

Examples:
    >>> import customer_centric as cc
    >>> cc.LoyaltyStage.PROSPECT.value
    'prospect'
    >>> cc.kano.KanoCategory.ATTRACTIVE.value
    'attractive'
    >>> issubclass(cc.exceptions.PolicyError, ValueError)
    True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Final

from customer_centric import exceptions

if TYPE_CHECKING:
    from customer_centric import (
        cli,
        clv,
        complaints,
        datasets,
        frames,
        kano,
        plot,
        records,
        relationship,
        risk,
        spark,
        value,
    )
    from customer_centric._assumptions import Assumption
    from customer_centric._customer import (
        Customer,
        CustomerProfile,
        CustomerType,
    )
    from customer_centric._severity import Severity
    from customer_centric._stages import LifecycleStage, LoyaltyStage
    from customer_centric._types import (
        ComplaintId,
        CustomerId,
        EventId,
        Money,
        Rate,
    )
    from customer_centric.complaints import Complaint
    from customer_centric.kano import KanoNeed
    from customer_centric.relationship import (
        Event,
        RelationshipState,
        apply_event,
        replay,
    )
    from customer_centric.value import Transaction

_HOME: Final[dict[str, str]] = {
    "Assumption": "._assumptions",
    "Customer": "._customer",
    "CustomerProfile": "._customer",
    "CustomerType": "._customer",
    "Severity": "._severity",
    "LifecycleStage": "._stages",
    "LoyaltyStage": "._stages",
    "ComplaintId": "._types",
    "CustomerId": "._types",
    "EventId": "._types",
    "Money": "._types",
    "Rate": "._types",
    "Complaint": ".complaints",
    "KanoNeed": ".kano",
    "Event": ".relationship",
    "RelationshipState": ".relationship",
    "apply_event": ".relationship",
    "replay": ".relationship",
    "Transaction": ".value",
}
_SUBPACKAGES: Final = frozenset(
    {
        "cli",
        "clv",
        "complaints",
        "datasets",
        "frames",
        "kano",
        "plot",
        "records",
        "relationship",
        "risk",
        "spark",
        "value",
    }
)

__all__ = [
    "Assumption",
    "Complaint",
    "ComplaintId",
    "Customer",
    "CustomerId",
    "CustomerProfile",
    "CustomerType",
    "Event",
    "EventId",
    "KanoNeed",
    "LifecycleStage",
    "LoyaltyStage",
    "Money",
    "Rate",
    "RelationshipState",
    "Severity",
    "Transaction",
    "apply_event",
    "cli",
    "clv",
    "complaints",
    "datasets",
    "exceptions",
    "frames",
    "kano",
    "plot",
    "records",
    "relationship",
    "replay",
    "risk",
    "spark",
    "value",
]


def __getattr__(name: str) -> object:
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415

        return version("customer-centric")
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    module = _HOME.get(name)
    if module is None:
        msg = f"module 'customer_centric' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, "__version__"})
