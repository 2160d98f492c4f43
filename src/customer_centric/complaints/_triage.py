"""Complaint triage: severity first, safety and regulation always first.

ISO 10002:2018 asks that complaints be addressed promptly according to their
urgency (clause 8.5, initial assessment: severity, safety implication,
complexity, impact, need for immediate action) and objectively (clause 4.6,
objectivity: equitable, objective and unbiased treatment). The rule here:

1. The complaint's severity gives its base priority, through the policy's
   table (:attr:`TriagePolicy.severity_priority`).
2. A safety or regulatory issue is always ``URGENT``.
3. A valuable customer may move the priority up by at most one level; value
   never lowers a priority.

Each :class:`Triage` carries its reasons and the policy's fingerprint.
"""

from __future__ import annotations

import enum
import itertools
from decimal import Decimal
from typing import Final, Self, final

import attrs
from pydantic import BaseModel, ConfigDict, Field, model_validator

from customer_centric._checks import check_decimal, check_instance
from customer_centric._display import Table, tables_html, tables_markdown
from customer_centric._fingerprint import fingerprint
from customer_centric._frozen import FrozenDict, FrozenMap
from customer_centric._ranked import RankedEnum, member_at
from customer_centric._severity import Severity
from customer_centric._types import (
    ComplaintId,
    Money,
    check_non_negative_money,
)
from customer_centric.complaints._complaint import Complaint
from customer_centric.exceptions import PolicyError

__all__ = [
    "DEFAULT_TRIAGE_POLICY",
    "Priority",
    "Triage",
    "TriagePolicy",
    "triage",
]


@enum.unique
class Priority(RankedEnum):
    """How soon a complaint must be handled, lowest first.

    Compare priorities through :attr:`rank`, not their string values.

    Attributes:
        rank: 1 for ``LOW`` up to 4 for ``URGENT``.

    Examples:
        >>> from customer_centric.complaints import Priority
        >>> Priority.URGENT.rank > Priority.HIGH.rank
        True
        >>> Priority.NORMAL.raised()
        <Priority.HIGH: 'high'>
        >>> Priority.URGENT.raised()
        <Priority.URGENT: 'urgent'>

    .. versionadded:: 0.1
    """

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    def raised(self) -> Priority:
        """The next priority up (``URGENT`` stays ``URGENT``)."""
        return member_at(Priority, self.rank + 1) or self


_SEVERITY_FIRST: Final[dict[Severity, Priority]] = {
    Severity.LOW: Priority.LOW,
    Severity.MEDIUM: Priority.NORMAL,
    Severity.HIGH: Priority.HIGH,
    Severity.CRITICAL: Priority.URGENT,
}


class TriagePolicy(BaseModel):
    """How a firm turns a complaint into a priority.

    Attributes:
        name: What the policy is called, for audit trails.
        severity_priority: The base priority of each severity; must cover
            every severity and never give a more severe complaint a lower
            priority (default: low, medium, high, critical to low, normal,
            high, urgent).
        high_value_threshold: Customers worth at least this much (in the
            caller's measure of value, such as lifetime value) have their
            priority raised by one level; ``None`` turns the uplift off.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import TriagePolicy
        >>> policy = TriagePolicy(high_value_threshold=Decimal("10000"))
        >>> len(policy.fingerprint)
        64

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = "severity_first"
    severity_priority: FrozenMap[Severity, Priority] = Field(
        default_factory=lambda: FrozenDict(_SEVERITY_FIRST)
    )
    high_value_threshold: Money | None = None

    @model_validator(mode="after")
    def _table_is_total_and_monotone(self) -> Self:
        missing = [
            s.value for s in Severity if s not in self.severity_priority
        ]
        if missing:
            msg = (
                f"triage policy {self.name!r} gives no priority for "
                f"severities {missing!r}; map every severity to a priority"
            )
            raise PolicyError(msg)
        ordered = sorted(Severity, key=lambda s: s.rank)
        for lower, higher in itertools.pairwise(ordered):
            if (
                self.severity_priority[higher].rank
                < self.severity_priority[lower].rank
            ):
                msg = (
                    f"triage policy {self.name!r} gives severity "
                    f"{higher.value!r} priority "
                    f"{self.severity_priority[higher].value!r}, lower than "
                    f"{self.severity_priority[lower].value!r} for "
                    f"{lower.value!r}; severity comes first, so a more "
                    "severe complaint must never get a lower priority"
                )
                raise PolicyError(msg)
        return self

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the policy's canonical JSON, recorded with decisions."""
        return fingerprint(self)


DEFAULT_TRIAGE_POLICY: Final = TriagePolicy()
"""Severity low/medium/high/critical → priority low/normal/high/urgent.

No value uplift: the firm sets its own ``high_value_threshold``.

.. versionadded:: 0.1
"""


@final
@attrs.frozen(kw_only=True)
class Triage:
    """A complaint's priority and why.

    Attributes:
        complaint_id: The complaint triaged.
        priority: The priority to handle it with.
        base_priority: The priority its severity alone gives.
        raised_for_value: Whether customer value raised the priority.
        reasons: Each step of the rule that applied, in order.
        policy_fingerprint: :attr:`TriagePolicy.fingerprint` of the policy.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import ComplaintChannel, triage
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.LOW, channel=ComplaintChannel.PHONE,
        ...     safety_issue=True)
        >>> triage(complaint).priority
        <Priority.URGENT: 'urgent'>
        >>> triage(complaint)
        Triage('K-1': urgent, base low)

    .. versionadded:: 0.1
    """

    complaint_id: ComplaintId
    priority: Priority
    base_priority: Priority
    raised_for_value: bool
    reasons: tuple[str, ...]
    policy_fingerprint: str

    def __repr__(self) -> str:
        """One line: the complaint, its priority and the base priority."""
        return (
            f"Triage({self.complaint_id!r}: {self.priority.value}, base "
            f"{self.base_priority.value})"
        )

    def _tables(self) -> tuple[Table, ...]:
        caption = (
            f"Complaint {self.complaint_id!r}: priority "
            f"{self.priority.value} (policy {self.policy_fingerprint[:12]})"
        )
        return (Table(caption, [(r,) for r in self.reasons], header=("why",)),)

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def triage(
    complaint: Complaint,
    /,
    *,
    customer_value: Decimal | None = None,
    policy: TriagePolicy = DEFAULT_TRIAGE_POLICY,
) -> Triage:
    """Give ``complaint`` its handling priority, with reasons.

    Args:
        complaint: The complaint to triage.
        customer_value: The customer's value in the unit of
            ``policy.high_value_threshold`` (for example lifetime value);
            ``None`` when unknown. It can raise the priority by one level,
            never lower it.
        policy: The severity table and value threshold.

    Returns:
        The priority, the base priority and the reasons.

    Raises:
        InvariantError: ``customer_value`` is negative or not finite.
        ArgumentTypeError: ``complaint`` is not a :class:`Complaint`,
            ``customer_value`` not a ``Decimal`` or ``policy`` not a
            :class:`TriagePolicy`.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, TriagePolicy, triage)
        >>> complaint = Complaint(
        ...     complaint_id="K-2", customer_id="C-9",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.MEDIUM, channel=ComplaintChannel.EMAIL)
        >>> policy = TriagePolicy(high_value_threshold=Decimal("10000"))
        >>> result = triage(complaint, customer_value=Decimal("25000"),
        ...                 policy=policy)
        >>> result.base_priority, result.priority
        (<Priority.NORMAL: 'normal'>, <Priority.HIGH: 'high'>)
        >>> for reason in result.reasons:
        ...     print(reason)
        severity 'medium' gives base priority 'normal'
        customer value 25000 >= 10000 raises the priority one level, from \
'normal' to 'high'

    .. versionadded:: 0.1
    """
    complaint = check_instance(complaint, Complaint, name="complaint")
    policy = check_instance(policy, TriagePolicy, name="policy")
    if customer_value is not None:
        check_non_negative_money(
            check_decimal(customer_value, name="customer_value"),
            name="customer_value",
        )
    base = policy.severity_priority[complaint.severity]
    reasons = [
        (
            f"severity {complaint.severity.value!r} gives base priority "
            f"{base.value!r}"
        )
    ]
    priority = base
    flags = [
        label
        for label, flagged in (
            ("safety", complaint.safety_issue),
            ("regulatory", complaint.regulatory_issue),
        )
        if flagged
    ]
    if flags:
        priority = Priority.URGENT
        reasons.append(
            f"{' and '.join(flags)} issue: always {Priority.URGENT.value!r}"
        )
    raised = False
    threshold = policy.high_value_threshold
    if customer_value is not None and threshold is not None:
        if customer_value < threshold:
            reasons.append(
                f"customer value {customer_value} < {threshold}: no uplift"
            )
        elif priority is Priority.URGENT:
            reasons.append(
                f"customer value {customer_value} >= {threshold}, but the "
                f"priority is already {Priority.URGENT.value!r}"
            )
        else:
            raised = True
            reasons.append(
                f"customer value {customer_value} >= {threshold} raises the "
                f"priority one level, from {priority.value!r} to "
                f"{priority.raised().value!r}"
            )
            priority = priority.raised()
    return Triage(
        complaint_id=complaint.complaint_id,
        priority=priority,
        base_priority=base,
        raised_for_value=raised,
        reasons=tuple(reasons),
        policy_fingerprint=policy.fingerprint,
    )
