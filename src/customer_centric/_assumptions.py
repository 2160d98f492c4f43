"""Named, sourced, overridable figures (rules of thumb, published rates).

No rule in this library hard-codes a number from the literature: it takes an
:class:`Assumption`, which carries the figure, its published range, its unit
and its source, so that a caller can see where a number comes from and swap
in their own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from pydantic import BaseModel, ConfigDict, model_validator

from customer_centric.exceptions import InvariantError

__all__ = ["Assumption"]


class Assumption(BaseModel):
    """A figure a rule relies on, with its range and where it comes from.

    Attributes:
        name: A stable snake_case identifier, e.g. ``"complaint_rate"``.
        value: The figure used by default.
        low: The lower end of the published range, if one is given.
        high: The upper end of the published range, if one is given.
        unit: What the number counts: ``"share"`` (a fraction in [0, 1]),
            ``"people"``, ``"multiple"``, ``"days"``, ...
        source: The citation: author, year, and table or page where known.
        note: Caveats on reading or using the figure.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric import Assumption
        >>> told = Assumption(
        ...     name="word_of_mouth_reach",
        ...     value=Decimal(9),
        ...     low=Decimal(9),
        ...     high=Decimal(10),
        ...     unit="people",
        ...     source="TARP (1986), via Goodman (1999)",
        ... )
        >>> told.override(Decimal(12)).value
        Decimal('12')
        >>> told.override(Decimal(12)).source
        'caller override of TARP (1986), via Goodman (1999)'

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    value: Decimal
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str
    source: str
    note: str = ""

    @model_validator(mode="after")
    def _value_within_range(self) -> Self:
        low = self.low if self.low is not None else self.value
        high = self.high if self.high is not None else self.value
        if not low <= self.value <= high:
            msg = (
                f"assumption {self.name!r} has value {self.value!r} outside "
                f"its range [{self.low!r}, {self.high!r}]; fix the range or "
                "the value"
            )
            raise InvariantError(msg)
        return self

    def override(
        self, value: Decimal, /, *, source: str | None = None
    ) -> Self:
        """Return a copy with the caller's own figure (validated again).

        The published range is dropped, since the caller's figure need not
        lie in it; ``source`` says where the new figure comes from.
        """
        return type(self).model_validate(
            {
                **self.model_dump(),
                "value": value,
                "low": None,
                "high": None,
                "source": source or f"caller override of {self.source}",
            }
        )
