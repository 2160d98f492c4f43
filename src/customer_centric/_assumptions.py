"""Named, sourced, overridable figures (rules of thumb, published rates).

No rule in this library hard-codes a number from the literature: it takes an
:class:`Assumption`, which carries the figure, its published range, its unit
and its source, so that a caller can see where a number comes from and swap
in their own.
"""

from __future__ import annotations

from decimal import (
    Decimal,
    localcontext,
)
from typing import Final, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from customer_centric._types import DECIMAL_CONTEXT
from customer_centric.exceptions import InvariantError

__all__ = ["SHARE_UNITS", "Assumption"]


SHARE_UNITS: Final = frozenset({"share", "probability"})
"""Units of a fraction in [0, 1]."""

_COUNT_UNITS: Final = frozenset({"people", "customers", "days", "money"})
_MAX_FIGURE: Final = Decimal("1e12")


class Assumption(BaseModel):
    """A figure a rule relies on, with its range and where it comes from.

    Attributes:
        name: A stable snake_case identifier, e.g. ``"complaint_rate"``.
        value: The figure used by default.
        low: The lower end of the published range, if one is given.
        high: The upper end of the published range, if one is given.
        unit: What the number counts, which bounds it: ``"share"`` or
            ``"probability"`` (a fraction in [0, 1]), ``"multiple"``
            (above 0), ``"people"``, ``"customers"``, ``"days"`` or
            ``"money"`` (at least 0); any other unit only needs finite
            figures.
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

    name: str = Field(min_length=1)
    value: Decimal
    low: Decimal | None = None
    high: Decimal | None = None
    unit: str = Field(min_length=1)
    source: str
    note: str = ""

    @field_validator("value", "low", "high")
    @classmethod
    def _finite(
        cls, value: Decimal | None, info: ValidationInfo
    ) -> Decimal | None:
        # pydantic has refused NaN and infinities already
        if value is not None and value.copy_abs() > _MAX_FIGURE:
            msg = (
                f"assumption {info.field_name} must be a number between "
                f"-10**12 and 10**12, got {value!r}; pass the "
                "published figure"
            )
            raise InvariantError(msg)
        return value

    @model_validator(mode="after")
    def _value_within_range(self) -> Self:
        for bound in (self.value, self.low, self.high):
            if bound is not None:
                _check_unit(self.name, self.unit, bound)
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


def _check_unit(name: str, unit: str, figure: Decimal) -> None:
    if unit in SHARE_UNITS:
        allowed, ok = "a fraction in [0, 1]", 0 <= figure <= 1
    elif unit == "multiple":
        allowed, ok = "above 0", figure > 0
    elif unit in _COUNT_UNITS:
        allowed, ok = "at least 0", figure >= 0
    else:
        return
    if not ok:
        hint = ""
        if unit in SHARE_UNITS and 1 < figure <= 100:  # noqa: PLR2004
            with localcontext(DECIMAL_CONTEXT):
                hint = f"; write {figure} % as Decimal({str(figure / 100)!r})"
        msg = (
            f"assumption {name!r} in unit {unit!r} must be {allowed}, got "
            f"{figure!r}{hint}"
        )
        raise InvariantError(msg)
