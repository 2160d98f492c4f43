"""Every exception and warning that ``customer_centric`` raises.

Each concrete error also subclasses the builtin it means, so ``except
ValueError`` keeps working and pydantic reports our validation errors inside
its own :class:`pydantic.ValidationError`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    from datetime import datetime

__all__ = [
    "ArgumentTypeError",
    "ConvergenceError",
    "CustomerCentricDeprecationWarning",
    "CustomerCentricError",
    "CustomerCentricWarning",
    "DataError",
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
    """An event that no rule allows from the current stages.

    This is *illegal*, not "not yet": a legal event whose threshold is not met
    yet is held and explained instead of raising.

    Examples:
        >>> from customer_centric.exceptions import InvalidTransitionError
        >>> issubclass(InvalidTransitionError, ValueError)
        True
    """

    # Set by ``for_complaint`` (complaint status moves, ISO 10002).
    complaint_id: str
    from_status: str
    to_status: str
    allowed_statuses: frozenset[str]

    @classmethod
    def for_complaint(
        cls,
        complaint_id: str,
        from_status: str,
        to_status: str,
        allowed_statuses: frozenset[str],
        *,
        message: str,
    ) -> InvalidTransitionError:
        """Build the error for a complaint status move the process forbids.

        Examples:
            >>> from customer_centric.exceptions import (
            ...     InvalidTransitionError)
            >>> err = InvalidTransitionError.for_complaint(
            ...     "K-1", "closed", "investigating", frozenset({"reopened"}),
            ...     message="cannot move complaint 'K-1'; reopen it first")
            >>> err.allowed_statuses
            frozenset({'reopened'})
        """
        err = cls(message)
        err.complaint_id = complaint_id
        err.from_status = from_status
        err.to_status = to_status
        err.allowed_statuses = allowed_statuses
        return err

    # Set by ``_for_event`` (relationship events, ``apply_event``).
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
    ) -> InvalidTransitionError:
        """Build the error for a relationship event no rule allows.

        Examples:
            >>> from customer_centric.exceptions import (
            ...     InvalidTransitionError)
            >>> err = InvalidTransitionError._for_event(
            ...     "C-17", "repeat_purchase", loyalty="client",
            ...     lifecycle="divorce", allowed=("reactivated",))
            >>> print(err)
            cannot apply 'repeat_purchase' to customer 'C-17' in loyalty \
stage 'client' and lifecycle stage 'divorce': no rule of the policy allows \
it; allowed from here: 'reactivated'. Apply one of those first, or add a \
rule to the policy
            >>> err.allowed
            ('reactivated',)
        """
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


class OutOfOrderEventError(CustomerCentricError, ValueError):
    """An event older than the last event already applied to the state.

    Examples:
        >>> from customer_centric.exceptions import OutOfOrderEventError
        >>> issubclass(OutOfOrderEventError, ValueError)
        True
    """

    customer_id: str
    event_kind: str
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
    ) -> OutOfOrderEventError:
        """Build the error for an event older than the state's last one.

        Examples:
            >>> from datetime import datetime, UTC
            >>> from customer_centric.exceptions import OutOfOrderEventError
            >>> err = OutOfOrderEventError._for_event(
            ...     "C-1", "repeat_purchase",
            ...     occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
            ...     last_event_at=datetime(2025, 2, 1, tzinfo=UTC))
            >>> print(err)
            event 'repeat_purchase' for customer 'C-1' occurred at \
'2025-01-01T00:00:00+00:00', before the last applied event at \
'2025-02-01T00:00:00+00:00'; sort the events by occurred_at, or use a policy \
with allow_out_of_order=True
        """
        err = cls(
            f"event {event_kind!r} for customer {customer_id!r} occurred at "
            f"{occurred_at.isoformat()!r}, before the last applied event at "
            f"{last_event_at.isoformat()!r}; sort the events by occurred_at, "
            "or use a policy with allow_out_of_order=True"
        )
        err.customer_id = customer_id
        err.event_kind = event_kind
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

    Examples:
        >>> from customer_centric.exceptions import ConvergenceError
        >>> issubclass(ConvergenceError, RuntimeError)
        True
    """


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
