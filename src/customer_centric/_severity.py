"""How serious a problem is: shared by complaints and relationship events."""

from __future__ import annotations

import enum

from customer_centric._ranked import RankedEnum

__all__ = ["Severity"]


@enum.unique
class Severity(RankedEnum):
    """The seriousness of a complaint or problem, lowest first.

    The value is the serialised form. ``rank`` orders the levels (1 lowest);
    compare severities through it, not through the string values.

    Attributes:
        rank: 1 for ``LOW`` up to 4 for ``CRITICAL``.

    Examples:
        >>> from customer_centric import Severity
        >>> Severity.HIGH.rank > Severity.LOW.rank
        True
        >>> Severity("critical")
        <Severity.CRITICAL: 'critical'>

    .. versionadded:: 0.1
    """

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"
