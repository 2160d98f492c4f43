"""Know where every customer stands, what they are worth, and why.

``customer_centric`` models customer-centric management as typed records and
pure, explainable rules: for a service that tracks customers, a notebook
that values a customer base, or tests that pin a firm's business rules.

Areas (``import customer_centric as cc``, then ``cc.<area>``):

- ``relationship``: the loyalty ladder and lifecycle, moved by events;
  every move says which rule fired and why (start with ``cc.replay``).
- ``kano``: Kano questionnaires, categories, better-worse coefficients.
- ``value``: V = I x N, retention economics, transactions and RFM.
- ``clv``: BG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma, sBG (``[stats]``).
- ``complaints``: complaints, triage, regulators' deadlines, recovery.
- ``risk``: key risk indicators and health scorecards from KPIs.
- ``datasets``: the data the package ships; ``exceptions``: every error.
- ``records``: records stored as versioned JSON, migrated on load.
- Extras: ``frames`` (dataframes), ``plot`` (matplotlib), ``spark`` and
  ``cli`` (also ``python -m customer_centric``).

The top level also holds the shared nouns: ``Customer``,
``CustomerProfile``, ``CustomerType``, ``LoyaltyStage``,
``LifecycleStage``, ``RelationshipState``, ``Event``, ``apply_event``,
``replay``, ``Transaction``, ``KanoNeed``, ``Complaint``, ``Severity``,
``Assumption`` and the types ``CustomerId``, ``EventId``,
``ComplaintId``, ``Money`` and ``Rate``; ``help(cc.Customer)`` shows one.
Where to start: the tutorial and a notebook per area in the documentation.

Names are loaded on first use: ``import customer_centric`` imports neither
pydantic nor numpy until a record or rule is used.

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
    from customer_centric._assumptions import Assumption as Assumption
    from customer_centric._customer import Customer as Customer
    from customer_centric._customer import CustomerProfile as CustomerProfile
    from customer_centric._customer import CustomerType as CustomerType
    from customer_centric._severity import Severity as Severity
    from customer_centric._stages import LifecycleStage as LifecycleStage
    from customer_centric._stages import LoyaltyStage as LoyaltyStage
    from customer_centric._types import ComplaintId as ComplaintId
    from customer_centric._types import CustomerId as CustomerId
    from customer_centric._types import EventId as EventId
    from customer_centric._types import Money as Money
    from customer_centric._types import Rate as Rate
    from customer_centric.complaints import Complaint as Complaint
    from customer_centric.kano import KanoNeed as KanoNeed
    from customer_centric.relationship import Event as Event
    from customer_centric.relationship import (
        RelationshipState as RelationshipState,
    )
    from customer_centric.relationship import apply_event as apply_event
    from customer_centric.relationship import replay as replay
    from customer_centric.value import Transaction as Transaction

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

# ``__all__`` names the areas only. pydoc believes ``__all__`` and renders
# every class in it in full (a pydantic model or enum runs to 500 lines of
# inherited methods), so listing the nouns made ``help(customer_centric)``
# 6,000 lines long; the docstring names them instead. They stay public:
# ``dir()`` lists them and the ``X as X`` imports above re-export them to
# type checkers.
__all__ = [
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
    return sorted({*globals(), *__all__, *_HOME, "__version__"})
