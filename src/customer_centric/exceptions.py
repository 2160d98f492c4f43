"""Every exception and warning that ``customer_centric`` raises.

Each concrete error also subclasses the builtin it means, so ``except
ValueError`` keeps working and pydantic reports our validation errors inside
its own :class:`pydantic.ValidationError`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

__all__ = [
    "ArgumentTypeError",
    "ComplaintTransitionError",
    "ConvergenceError",
    "CustomerCentricDeprecationWarning",
    "CustomerCentricError",
    "CustomerCentricWarning",
    "DataError",
    "EventTransitionError",
    "InvalidTransitionError",
    "InvariantError",
    "MissingExtraError",
    "OutOfOrderEventError",
    "PolicyError",
]


class CustomerCentricError(Exception):
    """Base class of every error raised by ``customer_centric``.

    Examples:
        >>> from customer_centric.exceptions import (
        ...     CustomerCentricError, PolicyError)
        >>> issubclass(PolicyError, CustomerCentricError)
        True
    """


class InvariantError(CustomerCentricError, ValueError):
    """A value breaks an invariant of the domain.

    Examples: a naive datetime, negative money, a rate outside [0, 1].

    Examples:
        >>> from customer_centric.exceptions import InvariantError
        >>> issubclass(InvariantError, ValueError)
        True
    """


@final
class ArgumentTypeError(CustomerCentricError, TypeError):
    """An argument of the wrong type, e.g. ``None`` or a ``float`` for money.

    Attributes:
        name: The argument's name.
        value: The value given.
        expected: What the argument accepts, in words.

    Examples:
        >>> from customer_centric.exceptions import ArgumentTypeError
        >>> err = ArgumentTypeError.for_argument("margin", 12.5, "a Decimal")
        >>> print(err)
        margin must be a Decimal, got 12.5 (float); pass a Decimal
        >>> issubclass(ArgumentTypeError, TypeError)
        True
    """

    name: str
    value: object
    expected: str

    @classmethod
    def for_argument(
        cls, name: str, value: object, expected: str
    ) -> ArgumentTypeError:
        """Build the error for argument ``name`` given ``value``."""
        err = cls(
            f"{name} must be {expected}, got {value!r} "
            f"({type(value).__name__}); pass {expected}"
        )
        err.name = name
        err.value = value
        err.expected = expected
        return err


class InvalidTransitionError(CustomerCentricError, ValueError):
    """A move that the rules of its process do not allow.

    This is *illegal*, not "not yet": a legal event whose threshold is not met
    yet is held and explained instead of raising. Each area raises its own
    subclass, whose attributes are always set:
    :class:`EventTransitionError` for a relationship event and
    :class:`ComplaintTransitionError` for a complaint's status; catch this
    class to handle both.

    Examples:
        >>> from customer_centric.exceptions import (
        ...     ComplaintTransitionError,
        ...     EventTransitionError,
        ...     InvalidTransitionError,
        ... )
        >>> issubclass(InvalidTransitionError, ValueError)
        True
        >>> issubclass(EventTransitionError, InvalidTransitionError)
        True
        >>> issubclass(ComplaintTransitionError, InvalidTransitionError)
        True
    """


@final
class EventTransitionError(InvalidTransitionError):
    """A relationship event that no rule of the policy allows from here.

    Raised by :func:`~customer_centric.relationship.apply_event` (and
    :func:`~customer_centric.relationship.replay`) when no rule accepts the
    event from the customer's loyalty or lifecycle stage. Every attribute is
    set.

    Attributes:
        customer_id: The customer the event is for.
        event_kind: The refused event's kind, e.g. ``"repeat_purchase"``.
        loyalty: The customer's loyalty stage (its value, e.g.
            ``"client"``).
        lifecycle: The customer's lifecycle stage (its value, e.g.
            ``"divorce"``).
        allowed: The event kinds some rule accepts from these stages, in
            :data:`~customer_centric.relationship.EVENT_KINDS` order; empty
            when none does.

    Examples:
        >>> from customer_centric.exceptions import EventTransitionError
        >>> err = EventTransitionError._for_event(
        ...     "C-17", "repeat_purchase", loyalty="client",
        ...     lifecycle="divorce", allowed=("reactivated",))
        >>> print(err)
        cannot apply 'repeat_purchase' to customer 'C-17' in loyalty \
stage 'client' and lifecycle stage 'divorce': no rule of the policy allows \
it; allowed from here: 'reactivated'. Apply one of those first, or add a \
rule to the policy
        >>> err.allowed, err.lifecycle
        (('reactivated',), 'divorce')
        >>> isinstance(err, ValueError)
        True

    .. versionadded:: 0.1
    """

    customer_id: str
    event_kind: str
    loyalty: str
    lifecycle: str
    allowed: tuple[str, ...]

    @classmethod
    def _for_event(
        cls,
        customer_id: str,
        event_kind: str,
        *,
        loyalty: str,
        lifecycle: str,
        allowed: tuple[str, ...],
    ) -> EventTransitionError:
        """Build the error, message and attributes, for a refused event."""
        listed = ", ".join(repr(kind) for kind in allowed) or "(nothing)"
        err = cls(
            f"cannot apply {event_kind!r} to customer {customer_id!r} in "
            f"loyalty stage {loyalty!r} and lifecycle stage {lifecycle!r}: "
            "no rule of the policy allows it; allowed from here: "
            f"{listed}. Apply one of those first, or add a rule to the "
            "policy"
        )
        err.customer_id = customer_id
        err.event_kind = event_kind
        err.loyalty = loyalty
        err.lifecycle = lifecycle
        err.allowed = allowed
        return err


@final
class ComplaintTransitionError(InvalidTransitionError):
    """A complaint status move that ISO 10002's handling process forbids.

    Raised by :func:`~customer_centric.complaints.advance`;
    :func:`~customer_centric.complaints.check_transition` tells the same
    without raising. Every attribute is set; from ``advance`` the statuses
    are :class:`~customer_centric.complaints.ComplaintStatus` members, which
    are strings.

    Attributes:
        complaint_id: The complaint's identifier.
        from_status: The complaint's current status.
        to_status: The status asked for.
        allowed_statuses: Every status the process allows from
            ``from_status``.

    Examples:
        >>> from customer_centric.exceptions import ComplaintTransitionError
        >>> err = ComplaintTransitionError._for_complaint(
        ...     "K-1", "closed", "investigating",
        ...     allowed_statuses=("reopened",))
        >>> print(err)
        cannot move complaint 'K-1' from 'closed' to 'investigating': the \
ISO 10002:2018 handling process does not allow it; allowed from 'closed': \
'reopened'. Move it to one of those first; check_transition() checks a move \
without making it
        >>> err.allowed_statuses, err.to_status
        (frozenset({'reopened'}), 'investigating')
        >>> isinstance(err, ValueError)
        True

    .. versionadded:: 0.1
    """

    complaint_id: str
    from_status: str
    to_status: str
    allowed_statuses: frozenset[str]

    @classmethod
    def _for_complaint(
        cls,
        complaint_id: str,
        from_status: str,
        to_status: str,
        *,
        allowed_statuses: Sequence[str],
    ) -> ComplaintTransitionError:
        """Build the error, message and attributes, for a forbidden move.

        ``allowed_statuses`` is listed in the message in the order given.
        """
        # A status may be a StrEnum member: str() is its value, repr is not.
        current, wanted = str(from_status), str(to_status)
        listed = (
            ", ".join(repr(str(status)) for status in allowed_statuses)
            or "(nothing)"
        )
        err = cls(
            f"cannot move complaint {complaint_id!r} from {current!r} to "
            f"{wanted!r}: the ISO 10002:2018 handling process does not allow "
            f"it; allowed from {current!r}: {listed}. Move it to one of those "
            "first; check_transition() checks a move without making it"
        )
        err.complaint_id = complaint_id
        err.from_status = from_status
        err.to_status = to_status
        err.allowed_statuses = frozenset(allowed_statuses)
        return err


class OutOfOrderEventError(CustomerCentricError, ValueError):
    """A change dated before the last change already applied.

    Raised by :func:`~customer_centric.relationship.apply_event` for an event
    older than the state's last one, and by
    :func:`~customer_centric.complaints.advance` for a status change older
    than the complaint's last one. Every attribute is set.

    Attributes:
        customer_id: The customer the change is about.
        event_kind: The refused change: a relationship event's kind, e.g.
            ``"repeat_purchase"``, or for a complaint the status it was
            being moved to, e.g. ``"closed"``.
        complaint_id: The complaint moved, or ``None`` for a relationship
            event.
        occurred_at: When the refused change happened.
        last_event_at: When the last applied change happened.

    Examples:
        >>> from customer_centric.exceptions import OutOfOrderEventError
        >>> issubclass(OutOfOrderEventError, ValueError)
        True
    """

    customer_id: str
    event_kind: str
    complaint_id: str | None
    occurred_at: datetime
    last_event_at: datetime

    @classmethod
    def _for_event(
        cls,
        customer_id: str,
        event_kind: str,
        *,
        occurred_at: datetime,
        last_event_at: datetime,
        complaint_id: str | None = None,
    ) -> OutOfOrderEventError:
        """Build the error for a change older than the last one applied.

        With ``complaint_id``, the change is that complaint's move to the
        status ``event_kind``; without, a relationship event of that kind.

        Examples:
            >>> from datetime import datetime, UTC
            >>> from customer_centric.exceptions import OutOfOrderEventError
            >>> times = dict(occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
            ...              last_event_at=datetime(2025, 2, 1, tzinfo=UTC))
            >>> print(OutOfOrderEventError._for_event(
            ...     "C-1", "repeat_purchase", **times))
            event 'repeat_purchase' for customer 'C-1' occurred at \
'2025-01-01T00:00:00+00:00', before the last applied event at \
'2025-02-01T00:00:00+00:00'; sort the events by occurred_at, or use a policy \
with allow_out_of_order=True
            >>> err = OutOfOrderEventError._for_event(
            ...     "C-1", "closed", complaint_id="K-1", **times)
            >>> print(err)
            cannot move complaint 'K-1' of customer 'C-1' to 'closed' at \
'2025-01-01T00:00:00+00:00': its last change was at \
'2025-02-01T00:00:00+00:00'; apply changes in time order, with an \
occurred_at no earlier than the last change
            >>> err.complaint_id, err.event_kind
            ('K-1', 'closed')
        """
        # A status may be a StrEnum member: str() is its value, repr is not.
        kind, when, last = (
            str(event_kind),
            occurred_at.isoformat(),
            last_event_at.isoformat(),
        )
        if complaint_id is None:
            message = (
                f"event {kind!r} for customer {customer_id!r} occurred at "
                f"{when!r}, before the last applied event at {last!r}; sort "
                "the events by occurred_at, or use a policy with "
                "allow_out_of_order=True"
            )
        else:
            message = (
                f"cannot move complaint {complaint_id!r} of customer "
                f"{customer_id!r} to {kind!r} at {when!r}: its last change "
                f"was at {last!r}; apply changes in time order, with an "
                "occurred_at no earlier than the last change"
            )
        err = cls(message)
        err.customer_id = customer_id
        err.event_kind = kind
        err.complaint_id = complaint_id
        err.occurred_at = occurred_at
        err.last_event_at = last_event_at
        return err


class PolicyError(CustomerCentricError, ValueError):
    """A policy or assumption set that cannot work as configured.

    Examples: impossible thresholds, unreachable stages, a stage that traps a
    customer, thresholds in the wrong order.

    Examples:
        >>> from customer_centric.exceptions import PolicyError
        >>> issubclass(PolicyError, ValueError)
        True
    """


class DataError(CustomerCentricError, ValueError):
    """Tabular input (transactions, summaries, survey answers) is unusable.

    The message names the offending rows and columns and how to fix them.

    Examples:
        >>> from customer_centric.exceptions import DataError
        >>> issubclass(DataError, ValueError)
        True
    """


class ConvergenceError(CustomerCentricError, RuntimeError):
    """A model fit did not converge; the message says what was tried.

    Attributes:
        estimates: Where the likelihood is highest, when the search found
            that but the fit refuses to report it as an estimate with
            standard errors: a point far along an edge of the parameter
            space where the likelihood is as high as at the best point
            found (within 1e-5 per customer; the simpler model the
            message names, approached), or a maximum on a flat ridge
            (standard errors over ten times their parameters). A mapping
            of each parameter's name to its value (a fit with covariates
            adds each free coefficient by its process and covariate, e.g.
            ``purchase:vip``, or ``equal:vip`` for one constrained equal
            across the processes); ``None`` when the search found no such
            point (and for errors not raised by the likelihood search).
            The bootstrap uses it: a resample's estimate needs no standard
            errors.

    Examples:
        >>> from customer_centric.exceptions import ConvergenceError
        >>> issubclass(ConvergenceError, RuntimeError)
        True
        >>> ConvergenceError("no maximum").estimates is None
        True
        >>> ConvergenceError.at_estimates("at an edge", {"s": 6.6e7}).estimates
        {'s': 66000000.0}

    .. versionchanged:: 0.2
        The ``estimates`` attribute.
    """

    estimates: dict[str, float] | None = None

    @classmethod
    def at_estimates(
        cls, message: str, estimates: dict[str, float]
    ) -> ConvergenceError:
        """Build the error for a likelihood highest at ``estimates``."""
        err = cls(message)
        err.estimates = dict(estimates)
        return err


@final
class MissingExtraError(CustomerCentricError, ImportError):
    """An optional feature was used without installing its extra.

    Attributes:
        extra: The name of the extra to install, e.g. ``"stats"``.

    Examples:
        >>> from customer_centric.exceptions import MissingExtraError
        >>> err = MissingExtraError.for_extra("stats", "numpy")
        >>> print(err)
        this feature needs the optional dependency 'numpy', which is not \
installed; install the extra with: pip install 'customer-centric[stats]'
        >>> err.extra
        'stats'
    """

    extra: str

    @classmethod
    def for_extra(cls, extra: str, missing: str | None) -> MissingExtraError:
        """Build the error for a missing optional dependency of ``extra``."""
        err = cls(
            f"this feature needs the optional dependency {missing!r}, which "
            "is not installed; install the extra with: "
            f"pip install 'customer-centric[{extra}]'",
            name=missing,
        )
        err.extra = extra
        return err


class CustomerCentricWarning(UserWarning):
    """Base class of every warning emitted by ``customer_centric``.

    Examples:
        >>> from customer_centric.exceptions import CustomerCentricWarning
        >>> issubclass(CustomerCentricWarning, UserWarning)
        True
    """


class CustomerCentricDeprecationWarning(CustomerCentricWarning):
    """A deprecated API; a ``UserWarning`` so that users see it by default.

    Examples:
        >>> from customer_centric.exceptions import (
        ...     CustomerCentricDeprecationWarning)
        >>> issubclass(CustomerCentricDeprecationWarning, DeprecationWarning)
        False
    """
