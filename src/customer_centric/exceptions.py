"""Every exception and warning that ``customer_centric`` raises.

Each concrete error also subclasses the builtin it means, so ``except
ValueError`` keeps working and pydantic reports our validation errors inside
its own :class:`pydantic.ValidationError`.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import final

__all__ = [
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


class InvalidTransitionError(CustomerCentricError, ValueError):
    """An event that no rule allows from the current stages.

    This is *illegal*, not "not yet": a legal event whose threshold is not met
    yet is held and explained instead of raising.

    Examples:
        >>> from customer_centric.exceptions import InvalidTransitionError
        >>> issubclass(InvalidTransitionError, ValueError)
        True
    """


class OutOfOrderEventError(CustomerCentricError, ValueError):
    """An event older than the last event already applied to the state.

    Examples:
        >>> from customer_centric.exceptions import OutOfOrderEventError
        >>> issubclass(OutOfOrderEventError, ValueError)
        True
    """


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
