"""Kano needs over time: observed categories and projected drift.

Needs age. Kano (2001) describes the life cycle of quality: a feature that
nobody cared about becomes an exciting novelty, then something customers
compare on, then something they simply expect (I -> A -> O -> M). The
Persian source texts give two examples: the car radio, once an
excitement need and today a basic one, and single-use shampoo in hotel
rooms, first offered as a special touch by the founder of an international
hotel chain and now taken for granted.

The literature gives the direction of the drift, not its speed, so the
speed is the caller's: :class:`KanoDriftRates` defaults to no drift.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal
from typing import Final, final

import attrs
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from customer_centric._checks import (
    check_instance,
    check_non_negative,
    refuse_bool,
    to_utc,
)
from customer_centric.exceptions import InvariantError
from customer_centric.kano._tables import KanoCategory, _category

__all__ = [
    "DRIFT_ORDER",
    "NO_DRIFT",
    "KanoDriftProjection",
    "KanoDriftRates",
    "KanoNeed",
    "KanoObservation",
    "project_drift",
]

DRIFT_ORDER: Final[tuple[KanoCategory, ...]] = (
    KanoCategory.INDIFFERENT,
    KanoCategory.ATTRACTIVE,
    KanoCategory.ONE_DIMENSIONAL,
    KanoCategory.MUST_BE,
)
"""The direction needs drift in over time (Kano 2001): I -> A -> O -> M."""

_SECONDS_PER_YEAR: Final = 365.25 * 24 * 3600
# exp(-2**60) is 0 in floating point, so a step's hazard times the years is
# capped there: the answer does not change and huge years cannot overflow.
_LARGEST_EXPONENT: Final = 2.0**60


class KanoDriftRates(BaseModel):
    """How fast needs drift: the yearly probability of each step.

    Each rate is the probability that a need in the step's first category
    has moved on within one year; the step is modelled as a constant hazard
    ``-ln(1 - rate)`` per year, so any length of time (not only whole
    years) can be projected, and a rate of 1 means the step happens at
    once. No study gives these speeds (the literature gives only the
    direction, Kano 2001), so every rate defaults to 0: no drift.

    Raises:
        pydantic.ValidationError: A rate is a bool, or NaN, infinite or
            outside [0, 1].

    Examples:
        >>> from customer_centric.kano import KanoDriftRates
        >>> KanoDriftRates(attractive_to_one_dimensional=0.2)
        KanoDriftRates(indifferent_to_attractive=0.0, \
attractive_to_one_dimensional=0.2, one_dimensional_to_must_be=0.0)

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    indifferent_to_attractive: float = 0.0
    attractive_to_one_dimensional: float = 0.0
    one_dimensional_to_must_be: float = 0.0

    @field_validator("*", mode="wrap")
    @classmethod
    def _rate(
        cls, value: object, handler: ValidatorFunctionWrapHandler
    ) -> float:
        fix = "pass a yearly probability between 0 and 1"
        rate: float = handler(refuse_bool(value, name="a drift rate", fix=fix))
        if not (math.isfinite(rate) and 0.0 <= rate <= 1.0):
            hint = (
                f"write {rate:g} % as {rate / 100:g}"
                if math.isfinite(rate) and 1.0 < rate <= 100.0  # noqa: PLR2004
                else fix
            )
            msg = f"a drift rate must be in [0, 1], got {rate!r}; {hint}"
            raise InvariantError(msg)
        return rate

    def hazards(self) -> tuple[float, float, float]:
        """The yearly hazards of the three steps (``inf`` for rate 1)."""
        return (
            _hazard(self.indifferent_to_attractive),
            _hazard(self.attractive_to_one_dimensional),
            _hazard(self.one_dimensional_to_must_be),
        )


def _hazard(rate: float) -> float:
    return math.inf if rate >= 1.0 else -math.log1p(-rate)


NO_DRIFT: Final[KanoDriftRates] = KanoDriftRates()
"""Drift rates of zero: categories stay as observed (the default)."""


@final
@attrs.frozen(kw_only=True)
class KanoDriftProjection:
    """Where a need is expected to be after some time.

    Attributes:
        start: The category the projection starts from.
        years: How many years ahead.
        shares: The probability of each category, in drift order for
            I, A, O, M (reverse and questionable needs do not drift).
        most_likely: The category with the largest probability (the later
            one in drift order on a tie).

    .. versionadded:: 0.1
    """

    start: KanoCategory
    years: float
    shares: tuple[tuple[KanoCategory, float], ...]
    most_likely: KanoCategory

    def share(self, category: KanoCategory, /) -> float:
        """The probability of ``category`` (0 if not in :attr:`shares`).

        Raises:
            InvariantError: ``category`` is not a :class:`KanoCategory`.
        """
        return dict(self.shares).get(_category(category, name="category"), 0.0)


def _expm(matrix: list[list[float]]) -> list[list[float]]:
    """exp(matrix) by scaling and squaring a Taylor series (small sizes)."""
    size = len(matrix)
    norm = max((sum(abs(v) for v in row) for row in matrix), default=0.0)
    squarings = max(0, math.ceil(math.log2(norm / 0.25))) if norm else 0
    scale = 2.0**-squarings
    scaled = [[v * scale for v in row] for row in matrix]
    result = [[float(i == j) for j in range(size)] for i in range(size)]
    term = [row[:] for row in result]
    for k in range(1, 30):
        term = [
            [
                sum(term[i][m] * scaled[m][j] for m in range(size)) / k
                for j in range(size)
            ]
            for i in range(size)
        ]
        result = [
            [result[i][j] + term[i][j] for j in range(size)]
            for i in range(size)
        ]
    for _ in range(squarings):
        result = [
            [
                sum(result[i][m] * result[m][j] for m in range(size))
                for j in range(size)
            ]
            for i in range(size)
        ]
    return result


def project_drift(
    start: KanoCategory,
    /,
    *,
    years: float,
    rates: KanoDriftRates = NO_DRIFT,
) -> KanoDriftProjection:
    """Project a need's category ``years`` ahead along I -> A -> O -> M.

    A pure function of the elapsed time: each step is a constant-hazard
    move (see :class:`KanoDriftRates`), so the result is a continuous-time
    Markov chain's distribution at ``years``. Must-be is where needs end;
    reverse and questionable needs do not drift.

    Args:
        start: The category now.
        years: How far ahead, >= 0.
        rates: The caller's yearly drift probabilities.

    Raises:
        InvariantError: ``years`` is negative or not finite, or ``start``
            is not a category.
        ArgumentTypeError: ``years`` is not a number or ``rates`` is not
            :class:`KanoDriftRates`.

    Examples:
        >>> from customer_centric.kano import KanoCategory, KanoDriftRates
        >>> from customer_centric.kano import project_drift
        >>> radio = project_drift(KanoCategory.ATTRACTIVE, years=10)
        >>> radio.most_likely, radio.share(KanoCategory.ATTRACTIVE)
        (<KanoCategory.ATTRACTIVE: 'attractive'>, 1.0)
        >>> rates = KanoDriftRates(attractive_to_one_dimensional=0.5,
        ...                        one_dimensional_to_must_be=0.5)
        >>> later = project_drift(KanoCategory.ATTRACTIVE, years=1,
        ...                       rates=rates)
        >>> round(later.share(KanoCategory.ATTRACTIVE), 3)
        0.5
        >>> project_drift(KanoCategory.ATTRACTIVE, years=3,
        ...               rates=rates).most_likely
        <KanoCategory.MUST_BE: 'must_be'>

    .. versionadded:: 0.1
    """
    start = _category(start, name="start")
    elapsed = check_non_negative(
        years, name="years", fix="project forward in time only"
    )
    check_instance(rates, KanoDriftRates, name="rates")
    if start not in DRIFT_ORDER:
        return KanoDriftProjection(
            start=start,
            years=elapsed,
            shares=((start, 1.0),),
            most_likely=start,
        )
    if elapsed == 0:
        return KanoDriftProjection(
            start=start,
            years=elapsed,
            shares=tuple((c, float(c is start)) for c in DRIFT_ORDER),
            most_likely=start,
        )
    hazards = (*rates.hazards(), 0.0)
    states = list(DRIFT_ORDER[DRIFT_ORDER.index(start) :])
    rest = list(hazards[DRIFT_ORDER.index(start) :])
    # A step with rate 1 happens at once: its state is never occupied.
    kept = [i for i, h in enumerate(rest) if not math.isinf(h)]
    states = [states[i] for i in kept]
    rest = [rest[i] for i in kept]
    size = len(states)
    generator = [[0.0] * size for _ in range(size)]
    for i, hazard in enumerate(rest):
        if hazard > 0 and i + 1 < size:
            exponent = min(hazard * elapsed, _LARGEST_EXPONENT)
            generator[i][i] = -exponent
            generator[i][i + 1] = exponent
    first_row = _expm(generator)[0]
    probability = dict.fromkeys(DRIFT_ORDER, 0.0)
    for state, value in zip(states, first_row, strict=True):
        probability[state] = min(1.0, max(0.0, value))
    total = sum(probability.values())
    shares = tuple((c, probability[c] / total) for c in DRIFT_ORDER)
    best = max(p for _, p in shares)
    most_likely = next(
        c for c, p in reversed(shares) if math.isclose(p, best, abs_tol=1e-12)
    )
    return KanoDriftProjection(
        start=start, years=elapsed, shares=shares, most_likely=most_likely
    )


class KanoObservation(BaseModel):
    """A need's category as observed at one time (e.g. by a survey).

    Examples:
        >>> from datetime import datetime, timezone
        >>> from customer_centric.kano import KanoCategory, KanoObservation
        >>> KanoObservation(category=KanoCategory.ATTRACTIVE,
        ...                 occurred_at=datetime(1990, 1, 1,
        ...                                      tzinfo=timezone.utc)).category
        <KanoCategory.ATTRACTIVE: 'attractive'>

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: KanoCategory
    occurred_at: AwareDatetime
    note: str | None = None

    @field_validator("occurred_at", mode="before")
    @classmethod
    def _datetime_not_number(cls, value: object) -> object:
        # pydantic would read a number as seconds since 1970.
        if isinstance(value, int | float | Decimal):
            msg = (
                f"occurred_at must be a datetime or an ISO 8601 string, got "
                f"{value!r}; e.g. datetime(2026, 1, 5, tzinfo=UTC)"
            )
            raise InvariantError(msg)
        return value

    @field_validator("occurred_at")
    @classmethod
    def _in_utc_range(cls, value: datetime) -> datetime:
        to_utc(value, name="occurred_at")
        return value


def _years_between(earlier: datetime, later: datetime) -> float:
    # In UTC: the difference of two times in one zone ignores the offset.
    elapsed = to_utc(later, name="as_of") - to_utc(earlier, name="occurred_at")
    return elapsed.total_seconds() / _SECONDS_PER_YEAR


class KanoNeed(BaseModel):
    """A customer need or feature, with its Kano category over time.

    ``history`` holds the observations in time order. "Changing" a need
    goes through :meth:`observe`, which returns a new, re-validated need.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from customer_centric import KanoNeed
        >>> from customer_centric.kano import KanoCategory
        >>> def year(y):
        ...     return datetime(y, 1, 1, tzinfo=timezone.utc)
        >>> radio = (
        ...     KanoNeed(name="car radio")
        ...     .observe(KanoCategory.ATTRACTIVE, occurred_at=year(1955))
        ...     .observe(KanoCategory.ONE_DIMENSIONAL, occurred_at=year(1975))
        ...     .observe(KanoCategory.MUST_BE, occurred_at=year(1995)))
        >>> radio.category_at(year(1980))
        <KanoCategory.ONE_DIMENSIONAL: 'one_dimensional'>
        >>> radio.category_at(year(1950)) is None
        True
        >>> radio.current
        <KanoCategory.MUST_BE: 'must_be'>

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    description: str | None = None
    history: tuple[KanoObservation, ...] = ()

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            msg = f"a need needs a non-blank name, got {value!r}"
            raise InvariantError(msg)
        return value

    @model_validator(mode="after")
    def _in_time_order(self) -> KanoNeed:
        for before, after in zip(self.history, self.history[1:], strict=False):
            # In UTC: times sharing a zone compare by wall clock, which is
            # wrong across a daylight-saving fold.
            if to_utc(after.occurred_at, name="occurred_at") <= to_utc(
                before.occurred_at, name="occurred_at"
            ):
                msg = (
                    f"the observations of need {self.name!r} must be in "
                    f"strictly increasing time order, got "
                    f"{after.occurred_at.isoformat()!r} after "
                    f"{before.occurred_at.isoformat()!r}; sort them first"
                )
                raise InvariantError(msg)
        return self

    @property
    def current(self) -> KanoCategory | None:
        """The latest observed category, or None if never observed."""
        return self.history[-1].category if self.history else None

    def observe(
        self,
        category: KanoCategory,
        /,
        *,
        occurred_at: datetime,
        note: str | None = None,
    ) -> KanoNeed:
        """Return this need with one more observation, re-validated.

        Raises:
            pydantic.ValidationError: ``occurred_at`` is naive or not after
                the last observation.
        """
        return KanoNeed.model_validate(
            {
                "name": self.name,
                "description": self.description,
                "history": (
                    *self.history,
                    KanoObservation(
                        category=category, occurred_at=occurred_at, note=note
                    ),
                ),
            }
        )

    def category_at(self, as_of: datetime, /) -> KanoCategory | None:
        """The category last observed at or before ``as_of``, if any.

        Raises:
            ArgumentTypeError: ``as_of`` is not a datetime.
            InvariantError: ``as_of`` is naive or out of range in UTC.
        """
        instant = to_utc(as_of, name="as_of")
        found = None
        for observation in self.history:
            if to_utc(observation.occurred_at, name="occurred_at") > instant:
                break
            found = observation.category
        return found

    def project(
        self, *, as_of: datetime, rates: KanoDriftRates = NO_DRIFT
    ) -> KanoDriftProjection:
        """Project the latest observation forward to ``as_of``.

        The elapsed time is counted in years of 365.25 days.

        Raises:
            ArgumentTypeError: ``as_of`` is not a datetime or ``rates`` is not
                :class:`KanoDriftRates`.
            InvariantError: The need was never observed, ``as_of`` is naive
                or out of range in UTC, or ``as_of`` is before the latest
                observation.

        Examples:
            >>> from datetime import datetime, timezone
            >>> from customer_centric import KanoNeed
            >>> from customer_centric.kano import KanoCategory, KanoDriftRates
            >>> shampoo = KanoNeed(name="single-use hotel shampoo").observe(
            ...     KanoCategory.ATTRACTIVE,
            ...     occurred_at=datetime(1970, 1, 1, tzinfo=timezone.utc))
            >>> year_2000 = datetime(2000, 1, 1, tzinfo=timezone.utc)
            >>> shampoo.project(as_of=year_2000).most_likely
            <KanoCategory.ATTRACTIVE: 'attractive'>
            >>> rates = KanoDriftRates(attractive_to_one_dimensional=0.1,
            ...                        one_dimensional_to_must_be=0.1)
            >>> shampoo.project(as_of=year_2000, rates=rates).most_likely
            <KanoCategory.MUST_BE: 'must_be'>
        """
        instant = to_utc(as_of, name="as_of")
        check_instance(rates, KanoDriftRates, name="rates")
        if not self.history:
            msg = (
                f"need {self.name!r} has no observed category to project "
                "from; call observe() first"
            )
            raise InvariantError(msg)
        last = self.history[-1]
        if instant < to_utc(last.occurred_at, name="occurred_at"):
            msg = (
                f"cannot project need {self.name!r} back to "
                f"{as_of.isoformat()!r}, before its latest observation "
                f"{last.occurred_at.isoformat()!r}; use category_at() for "
                "the past"
            )
            raise InvariantError(msg)
        return project_drift(
            last.category,
            years=_years_between(last.occurred_at, instant),
            rates=rates,
        )
