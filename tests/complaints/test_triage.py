from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import Complaint, Severity
from customer_centric.complaints import (
    DEFAULT_TRIAGE_POLICY,
    ComplaintChannel,
    Priority,
    TriagePolicy,
    triage,
)
from customer_centric.exceptions import InvariantError
from strategies import severities

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
VALUED = TriagePolicy(high_value_threshold=Decimal(10_000))


def make(
    severity: Severity, *, safety: bool = False, regulatory: bool = False
) -> Complaint:
    """A received complaint of the given severity and flags."""
    return Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=T0,
        severity=severity,
        channel=ComplaintChannel.PHONE,
        safety_issue=safety,
        regulatory_issue=regulatory,
    )


@pytest.mark.parametrize(
    ("severity", "safety", "regulatory", "value", "expected"),
    [
        (Severity.LOW, False, False, None, Priority.LOW),
        (Severity.MEDIUM, False, False, None, Priority.NORMAL),
        (Severity.HIGH, False, False, None, Priority.HIGH),
        (Severity.CRITICAL, False, False, None, Priority.URGENT),
        (Severity.LOW, True, False, None, Priority.URGENT),
        (Severity.LOW, False, True, None, Priority.URGENT),
        (Severity.LOW, False, False, Decimal(10_000), Priority.NORMAL),
        (Severity.LOW, False, False, Decimal(9_999), Priority.LOW),
        (Severity.MEDIUM, False, False, Decimal(50_000), Priority.HIGH),
        (Severity.HIGH, False, False, Decimal(50_000), Priority.URGENT),
        (Severity.LOW, True, False, Decimal(50_000), Priority.URGENT),
        (Severity.LOW, False, False, Decimal(10**9), Priority.NORMAL),
    ],
    ids=[
        "low",
        "medium",
        "high",
        "critical",
        "safety-always-urgent",
        "regulatory-always-urgent",
        "value-at-threshold-raises-one",
        "value-below-threshold",
        "value-raises-medium-to-high",
        "value-raises-high-to-urgent",
        "safety-already-urgent",
        "huge-value-still-one-level",
    ],
)
def test_triage_table(
    severity: Severity,
    safety: bool,
    regulatory: bool,
    value: Decimal | None,
    expected: Priority,
):
    """Severity first, safety/regulatory urgent, value at most one level."""
    result = triage(
        make(severity, safety=safety, regulatory=regulatory),
        customer_value=value,
        policy=VALUED,
    )
    assert result.priority is expected
    assert result.priority.rank - result.base_priority.rank <= (
        3 if safety or regulatory else 1
    )
    assert result.reasons[0].startswith(f"severity {severity.value!r}")
    assert result.policy_fingerprint == VALUED.fingerprint


def test_default_policy_ignores_value():
    """Without a threshold, customer value never changes the priority."""
    result = triage(make(Severity.LOW), customer_value=Decimal(10**6))
    assert result.priority is Priority.LOW
    assert not result.raised_for_value
    assert result.policy_fingerprint == DEFAULT_TRIAGE_POLICY.fingerprint


def test_reasons_explain_each_step():
    """The reasons name the flags and the uplift."""
    result = triage(
        make(Severity.MEDIUM, safety=True, regulatory=True),
        customer_value=Decimal(20_000),
        policy=VALUED,
    )
    assert "safety and regulatory issue" in result.reasons[1]
    assert "already 'urgent'" in result.reasons[2]


@given(
    severity=severities,
    safety=st.booleans(),
    regulatory=st.booleans(),
    values=st.lists(
        st.decimals(min_value=0, max_value=10**7, places=2), min_size=2
    ),
)
def test_priority_never_falls_as_value_rises(
    severity: Severity,
    safety: bool,
    regulatory: bool,
    values: list[Decimal],
):
    """Triage is monotone in customer value and never below the base."""
    complaint = make(severity, safety=safety, regulatory=regulatory)
    ranks = [
        triage(complaint, customer_value=v, policy=VALUED).priority.rank
        for v in sorted(values)
    ]
    assert ranks == sorted(ranks)
    base = triage(complaint, policy=VALUED).priority.rank
    assert all(base <= r <= base + 1 for r in ranks)


def test_negative_value_is_rejected():
    """A negative customer value is an error."""
    with pytest.raises(InvariantError, match="customer_value"):
        triage(make(Severity.LOW), customer_value=Decimal(-1), policy=VALUED)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"low": "low", "medium": "normal", "high": "high"}, "no priority"),
        (
            {
                "low": "high",
                "medium": "normal",
                "high": "high",
                "critical": "urgent",
            },
            "lower than",
        ),
    ],
    ids=["missing-severity", "not-monotone"],
)
def test_bad_policies_are_rejected(table: dict[str, str], message: str):
    """A policy must map every severity, more severe never lower."""
    with pytest.raises(ValidationError, match=message):
        TriagePolicy(severity_priority=table)  # type: ignore[arg-type]


def test_priority_raised_saturates():
    """Raising a priority stops at urgent."""
    assert [p.raised() for p in Priority] == [
        Priority.NORMAL,
        Priority.HIGH,
        Priority.URGENT,
        Priority.URGENT,
    ]


def test_fingerprint_changes_with_policy():
    """Different policies have different fingerprints."""
    assert VALUED.fingerprint != DEFAULT_TRIAGE_POLICY.fingerprint
    assert (
        VALUED.fingerprint
        == TriagePolicy(high_value_threshold=Decimal(10_000)).fingerprint
    )
