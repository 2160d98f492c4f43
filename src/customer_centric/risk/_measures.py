"""Standard measure values read from the records the library already holds.

A scorecard reads values by name; these helpers give the cheap ones under
fixed names, from a :class:`~customer_centric.RelationshipState` and from a
customer's complaints, so a card can use them without glue code. Merge the
mappings with the caller's own values (usage, survey scores, a CLV model's
P(alive)) before :func:`~customer_centric.risk.score_health`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from customer_centric._checks import check_aware, check_instance, check_items
from customer_centric._types import check_count
from customer_centric.complaints._complaint import Complaint
from customer_centric.exceptions import InvariantError
from customer_centric.relationship._state import RelationshipState

__all__ = ["complaint_measures", "state_measures"]


def _days(
    since: datetime | None, as_of: datetime, *, what: str
) -> float | None:
    if since is None:
        return None
    if since > as_of:
        msg = (
            f"as_of {as_of.isoformat()} is before the {what} "
            f"({since.isoformat()}); score as of a later time"
        )
        raise InvariantError(msg)
    return float((as_of - since).days)


def state_measures(
    state: RelationshipState, /, *, as_of: datetime
) -> dict[str, float | None]:
    """The measures a relationship state gives, by their value keys.

    Keys: ``purchases``, ``referrals``, ``open_complaints``, ``win_backs``
    (counts), ``loyalty_rank`` (the rung's rank, 1 for suspect),
    ``days_inactive`` (whole days since the last activity) and
    ``days_in_stage`` (whole days in the current lifecycle stage); the last
    two are ``None`` (missing) when the state has no such time.

    Raises:
        InvariantError: ``as_of`` is naive or before the state's last
            activity or stage change.
        ArgumentTypeError: ``state`` is not a ``RelationshipState``.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import RelationshipState, apply_event
        >>> from customer_centric.relationship import FirstPurchase
        >>> from customer_centric.risk import state_measures
        >>> state = apply_event(RelationshipState(customer_id="C-1"),
        ...     FirstPurchase(customer_id="C-1",
        ...                   occurred_at=datetime(2026, 1, 1, tzinfo=UTC))
        ... ).state
        >>> state_measures(state, as_of=datetime(2026, 3, 1, tzinfo=UTC))
        {'purchases': 1.0, 'referrals': 0.0, 'open_complaints': 0.0, \
'win_backs': 0.0, 'loyalty_rank': 3.0, 'days_inactive': 59.0, \
'days_in_stage': 59.0}

    .. versionadded:: 0.2
    """
    check_instance(state, RelationshipState, name="state")
    check_aware(as_of, name="as_of")
    return {
        "purchases": float(state.purchases),
        "referrals": float(state.referrals),
        "open_complaints": float(state.open_complaints),
        "win_backs": float(state.win_backs),
        "loyalty_rank": float(state.loyalty.rank),
        "days_inactive": _days(
            state.last_activity_at, as_of, what="last activity"
        ),
        "days_in_stage": _days(
            state.lifecycle_since, as_of, what="last stage change"
        ),
    }


def complaint_measures(
    complaints: Iterable[Complaint],
    /,
    *,
    as_of: datetime,
    window_days: int,
) -> dict[str, float | None]:
    """The measures one customer's complaints give, by their value keys.

    Keys: ``complaints_recent`` (complaints received in the
    ``window_days`` up to ``as_of``), ``complaints_open`` (received by
    ``as_of`` and still open) and ``worst_open_severity`` (the highest
    :attr:`~customer_centric.Severity.rank` among the open ones; ``None``,
    missing, when none is open). Complaints received after ``as_of`` are
    not counted.

    Args:
        complaints: The customer's complaints.
        as_of: When the score is taken.
        window_days: How many days back ``complaints_recent`` counts; no
            study fixes it, so choose it for your card.

    Raises:
        InvariantError: The complaints are of more than one customer,
            ``as_of`` is naive or ``window_days`` is negative.
        ArgumentTypeError: ``complaints`` is not an iterable of
            ``Complaint`` or ``window_days`` not an ``int``.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import ComplaintChannel
        >>> from customer_centric.risk import complaint_measures
        >>> complaint = Complaint(complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 2, 20, tzinfo=UTC),
        ...     severity=Severity.HIGH, channel=ComplaintChannel.EMAIL)
        >>> complaint_measures([complaint], window_days=30,
        ...                    as_of=datetime(2026, 3, 1, tzinfo=UTC))
        {'complaints_recent': 1.0, 'complaints_open': 1.0, \
'worst_open_severity': 3.0}

    .. versionadded:: 0.2
    """
    items = check_items(complaints, Complaint, name="complaints")
    check_aware(as_of, name="as_of")
    window = timedelta(days=check_count(window_days, name="window_days"))
    customers = sorted({c.customer_id for c in items})
    if len(customers) > 1:
        msg = (
            f"complaints of several customers {customers!r}; pass one "
            "customer's complaints at a time"
        )
        raise InvariantError(msg)
    received = [c for c in items if c.received_at <= as_of]
    recent = [c for c in received if as_of - c.received_at <= window]
    open_ranks = [c.severity.rank for c in received if c.is_open]
    return {
        "complaints_recent": float(len(recent)),
        "complaints_open": float(len(open_ranks)),
        "worst_open_severity": float(max(open_ranks)) if open_ranks else None,
    }
