"""Key risk indicators (KRIs) built from the KPIs a firm already tracks.

The source's three steps (Persian source text ``003``, "three steps to
build a key risk indicator system"):

1. **Choose the risks**: those that threaten the firm's goals, above all
   the ones with high impact, fast onset or weak control.
2. **Build each KRI from an existing KPI**, so the data is already
   collected. The data must (a) correlate directly with the risk, (b) be
   measurable, quantitatively, to work as an early warning, and (c) be
   readily available: "if the risk information is not easy to get, do not
   track it". :class:`KeyRiskIndicator` records all three.
3. **Report** it to the people concerned: :func:`assess` and
   :func:`assess_series` grade values green, amber or red, and
   :func:`breach_signal` turns a breach for one customer into the
   relationship engine's
   :class:`~customer_centric.relationship.DissatisfactionSignal`.

Customer-health KPIs ready to wrap: :func:`complaint_rate`,
:func:`silent_dissatisfaction_share`, :func:`churn_rate` and
:func:`share_unlikely_alive`.
"""

from __future__ import annotations

import enum
import itertools
import math
import numbers
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Final, Literal, Self, TypeVar, final

import attrs
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    field_validator,
    model_validator,
)

from customer_centric._checks import (
    check_aware,
    check_finite,
    check_instance,
    check_member,
)
from customer_centric._display import (
    NO_VALUE,
    Table,
    tables_html,
    tables_markdown,
)
from customer_centric._ranked import RankedEnum
from customer_centric._types import (
    ZERO,
    CustomerId,
    check_bounded_decimal,
    check_count,
    exact,
)
from customer_centric.complaints._recovery import (
    AssumptionSet,
    RangeEstimate,
    hidden_dissatisfied,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    InvariantError,
    PolicyError,
)
from customer_centric.relationship._events import DissatisfactionSignal

_SOURCE_003: Final = (
    "Persian source text 003, 'three steps to build a key risk indicator "
    "(KRI) system' (modiryar)"
)
_SHARE: Final = Decimal("0.0001")
_SECONDS_PER_DAY: Final = Decimal(86400)


@enum.unique
class RiskDirection(enum.StrEnum):
    """Which way a KPI moves when the risk grows.

    Examples:
        >>> from customer_centric.risk import RiskDirection
        >>> RiskDirection("higher_is_worse")
        <RiskDirection.HIGHER_IS_WORSE: 'higher_is_worse'>

    .. versionadded:: 0.1
    """

    HIGHER_IS_WORSE = "higher_is_worse"
    LOWER_IS_WORSE = "lower_is_worse"


@enum.unique
class RiskLevel(RankedEnum):
    """A KRI's grade: green (fine), amber (watch), red (act).

    Attributes:
        rank: 1 for ``GREEN`` up to 3 for ``RED``.

    Examples:
        >>> from customer_centric.risk import RiskLevel
        >>> RiskLevel.RED.rank > RiskLevel.AMBER.rank
        True

    .. versionadded:: 0.1
    """

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@enum.unique
class Trend(enum.StrEnum):
    """Which way a KRI series is heading, judged against its direction.

    Examples:
        >>> from customer_centric.risk import Trend
        >>> Trend("worsening")
        <Trend.WORSENING: 'worsening'>

    .. versionadded:: 0.1
    """

    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"
    UNKNOWN = "unknown"


_N = TypeVar("_N", Decimal, float)


def grade(
    value: _N, /, *, direction: RiskDirection, amber: _N, red: _N
) -> RiskLevel:
    """The level of ``value`` against amber and red thresholds.

    With ``HIGHER_IS_WORSE`` a value at or above ``red`` is red, at or
    above ``amber`` amber, else green; with ``LOWER_IS_WORSE`` the
    comparisons flip. The one rule KRIs and health scorecards grade by.
    """
    if direction is RiskDirection.HIGHER_IS_WORSE:
        if value >= red:
            return RiskLevel.RED
        return RiskLevel.AMBER if value >= amber else RiskLevel.GREEN
    if value <= red:
        return RiskLevel.RED
    return RiskLevel.AMBER if value <= amber else RiskLevel.GREEN


def check_thresholds(
    what: str, /, *, direction: RiskDirection, amber: _N, red: _N
) -> None:
    """Refuse amber and red thresholds in the wrong order for ``direction``.

    Raises:
        PolicyError: amber is not strictly on the better side of red.
    """
    higher = direction is RiskDirection.HIGHER_IS_WORSE
    if (higher and amber >= red) or (not higher and amber <= red):
        relation = "below" if higher else "above"
        msg = (
            f"{what} thresholds are in the wrong order: with "
            f"{direction.value}, amber ({amber}) must be {relation} red "
            f"({red}); swap them or change the direction"
        )
        raise PolicyError(msg)


def _check_finite(value: object, /, *, name: str) -> Decimal:
    """A KPI value or threshold: a finite Decimal of at most 1E+18."""
    return check_bounded_decimal(value, name=name)


class KeyRiskIndicator(BaseModel):
    """A KRI: a KPI with a direction and green/amber/red thresholds.

    With ``HIGHER_IS_WORSE`` a value at or above ``red`` is red, at or above
    ``amber`` amber, else green, so ``amber < red``; with
    ``LOWER_IS_WORSE`` the comparisons flip and ``amber > red``.

    Attributes:
        name: The indicator's identifier.
        risk: The risk it warns of (step 1).
        kpi: The existing KPI it is built from (step 2).
        unit: What the values count (``"share"``, ``"customers"``, ...).
        direction: Which way is worse.
        amber: Where "watch" starts.
        red: Where "act" starts.
        correlation: How the KPI correlates directly with the risk
            (property 1).
        measurement: How it is measured, quantitatively (property 2).
        data_source: Where the data already is, cheaply (property 3).

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.risk import KeyRiskIndicator, RiskDirection
        >>> KeyRiskIndicator(
        ...     name="nps", risk="customers leaving", kpi="net promoter score",
        ...     unit="points", direction=RiskDirection.LOWER_IS_WORSE,
        ...     amber=Decimal(20), red=Decimal(30),
        ...     correlation="detractors churn more",
        ...     measurement="quarterly survey score",
        ...     data_source="existing survey tool")
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error...
          Value error, KRI 'nps' thresholds are in the wrong order: with \
lower_is_worse, amber (20) must be above red (30); swap them ...

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    risk: str
    kpi: str
    unit: str = "share"
    direction: RiskDirection
    amber: Decimal
    red: Decimal
    correlation: str
    measurement: str
    data_source: str

    @field_validator(
        "name", "risk", "kpi", "correlation", "measurement", "data_source"
    )
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            msg = (
                "a KRI records the risk, the KPI and the three properties "
                "of its data (correlation, measurement, data source); none "
                f"may be blank, got {value!r}"
            )
            raise PolicyError(msg)
        return value

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> Self:
        _check_finite(self.amber, name=f"KRI {self.name!r} amber")
        _check_finite(self.red, name=f"KRI {self.name!r} red")
        check_thresholds(
            f"KRI {self.name!r}",
            direction=self.direction,
            amber=self.amber,
            red=self.red,
        )
        return self

    def level(self, value: Decimal, /) -> RiskLevel:
        """Grade one KPI value.

        Examples:
            >>> from decimal import Decimal
            >>> from customer_centric.risk import (
            ...     CustomerHealthKpi, customer_health)
            >>> churn = customer_health(CustomerHealthKpi.CHURN_RATE,
            ...     amber=Decimal("0.10"), red=Decimal("0.15"))
            >>> churn.level(Decimal("0.12")), churn.level(Decimal("0.05"))
            (<RiskLevel.AMBER: 'amber'>, <RiskLevel.GREEN: 'green'>)
        """
        value = _check_finite(value, name=f"value of KRI {self.name!r}")
        return grade(
            value, direction=self.direction, amber=self.amber, red=self.red
        )


class KpiObservation(BaseModel):
    """One KPI value observed at a time.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric.risk import KpiObservation
        >>> KpiObservation(occurred_at=datetime(2026, 1, 31, tzinfo=UTC),
        ...                value=Decimal("0.02")).value
        Decimal('0.02')

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    occurred_at: AwareDatetime
    value: Decimal

    @field_validator("value")
    @classmethod
    def _finite(cls, value: Decimal) -> Decimal:
        return _check_finite(value, name="KPI value")


@final
@attrs.frozen(kw_only=True)
class KriAssessment:
    """One KPI value graded by a KRI.

    Attributes:
        indicator: The KRI's name.
        value: The KPI value.
        level: Green, amber or red.
        breached: Whether the level is amber or red.
        occurred_at: When the value was observed, if known.
        reasons: The grade, in sentences a person can read.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.risk import (
        ...     CustomerHealthKpi, assess, customer_health)
        >>> result = assess(
        ...     customer_health(CustomerHealthKpi.COMPLAINT_RATE,
        ...                     amber=Decimal("0.01"), red=Decimal("0.02")),
        ...     Decimal("0.025"))
        >>> result.level, result.breached
        (<RiskLevel.RED: 'red'>, True)

    .. versionadded:: 0.1
    """

    indicator: str
    value: Decimal
    level: RiskLevel
    breached: bool
    occurred_at: datetime | None
    reasons: tuple[str, ...]

    def __repr__(self) -> str:
        """One line: indicator, value and level."""
        return f"KriAssessment({self.indicator!r}: {self.value} {self.level})"

    def _tables(self) -> tuple[Table, ...]:
        caption = f"{self.indicator} = {self.value}: {self.level}"
        return (Table(caption, [(r,) for r in self.reasons], header=("why",)),)

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


@exact
def assess(
    indicator: KeyRiskIndicator,
    value: Decimal,
    /,
    *,
    occurred_at: datetime | None = None,
) -> KriAssessment:
    """Grade one KPI value against a KRI's thresholds.

    Args:
        indicator: The KRI.
        value: The KPI value.
        occurred_at: When it was observed (timezone-aware), if known.

    Returns:
        The grade with its reason.

    Raises:
        InvariantError: ``value`` is not finite or above 1E+18 in size, or
            ``occurred_at`` is naive.
        ArgumentTypeError: ``indicator`` is not a :class:`KeyRiskIndicator`,
            ``value`` not a ``Decimal`` or ``occurred_at`` not a datetime.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.risk import (
        ...     CustomerHealthKpi, assess, customer_health)
        >>> kri = customer_health(
        ...     CustomerHealthKpi.COMPLAINT_RATE,
        ...     amber=Decimal("0.01"), red=Decimal("0.02"))
        >>> print(*assess(kri, Decimal("0.015")).reasons)
        complaint_rate = 0.015: amber (amber at 0.01, red at 0.02, \
higher_is_worse)

    .. versionadded:: 0.1
    """
    check_instance(indicator, KeyRiskIndicator, name="indicator")
    if occurred_at is not None:
        check_aware(occurred_at, name="occurred_at")
    value = _check_finite(value, name=f"value of KRI {indicator.name!r}")
    level = indicator.level(value)
    return KriAssessment(
        indicator=indicator.name,
        value=value,
        level=level,
        breached=level is not RiskLevel.GREEN,
        occurred_at=occurred_at,
        reasons=(
            (
                f"{indicator.name} = {value}: {level.value} (amber at "
                f"{indicator.amber}, red at {indicator.red}, "
                f"{indicator.direction.value})"
            ),
        ),
    )


@final
@attrs.frozen(kw_only=True)
class KriSeriesAssessment:
    """A KPI series graded by a KRI, with trend and first breach.

    Attributes:
        indicator: The KRI's name.
        assessments: Each observation graded, oldest first.
        latest: The newest grade.
        worst: The worst level in the series.
        trend: Improving, stable or worsening (least-squares slope against
            time, judged by the KRI's direction); unknown with one point.
        slope_per_day: The least-squares slope in value units per day
            (``None`` with one point).
        first_breach_at: When the series first went amber or red.
        first_red_at: When it first went red.
        explanation: The summary in a sentence.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric.risk import (
        ...     CustomerHealthKpi, KpiObservation, assess_series,
        ...     customer_health)
        >>> kri = customer_health(
        ...     CustomerHealthKpi.CHURN_RATE,
        ...     amber=Decimal("0.10"), red=Decimal("0.15"))
        >>> series = [
        ...     KpiObservation(
        ...         occurred_at=datetime(2026, m, 1, tzinfo=UTC),
        ...         value=Decimal(v))
        ...     for m, v in [(1, "0.08"), (2, "0.11"), (3, "0.16")]]
        >>> result = assess_series(kri, series)
        >>> result.trend, result.first_breach_at.month, result.worst
        (<Trend.WORSENING: 'worsening'>, 2, <RiskLevel.RED: 'red'>)

    .. versionadded:: 0.1
    """

    indicator: str
    assessments: tuple[KriAssessment, ...]
    latest: KriAssessment
    worst: RiskLevel
    trend: Trend
    slope_per_day: Decimal | None
    first_breach_at: datetime | None
    first_red_at: datetime | None
    explanation: str

    def __repr__(self) -> str:
        """One line: indicator, observations, latest and worst, trend."""
        return (
            f"KriSeriesAssessment({self.indicator!r}: "
            f"{len(self.assessments)} observations, latest "
            f"{self.latest.level}, worst {self.worst}, {self.trend})"
        )

    def _tables(self) -> tuple[Table, ...]:
        rows = [
            (
                NO_VALUE
                if a.occurred_at is None
                else a.occurred_at.isoformat(),
                a.value,
                a.level,
            )
            for a in self.assessments
        ]
        return (
            Table(self.explanation, rows, header=("when", "value", "level")),
        )

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def _slope_per_day(observations: Sequence[KpiObservation]) -> Decimal:
    start = observations[0].occurred_at
    xs = [
        Decimal((o.occurred_at - start) // timedelta(microseconds=1))
        / Decimal(1_000_000)
        / _SECONDS_PER_DAY
        for o in observations
    ]
    ys = [o.value for o in observations]
    n = Decimal(len(xs))
    mean_x = sum(xs, ZERO) / n
    mean_y = sum(ys, ZERO) / n
    sxx = sum(((x - mean_x) ** 2 for x in xs), ZERO)
    sxy = sum(
        ((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)),
        ZERO,
    )
    return sxy / sxx


@exact
def assess_series(
    indicator: KeyRiskIndicator,
    observations: Sequence[KpiObservation],
    /,
    *,
    stable_band: Decimal = ZERO,
) -> KriSeriesAssessment:
    """Grade a KPI series: each value, the trend and the first breach.

    Args:
        indicator: The KRI.
        observations: The series, strictly increasing in time.
        stable_band: A slope (value units per day) whose size is at most
            this counts as stable.

    Returns:
        The graded series.

    Raises:
        InvariantError: The series is empty or not strictly increasing in
            time, or ``stable_band`` is negative, not finite or above 1E+18.
        ArgumentTypeError: ``indicator`` is not a :class:`KeyRiskIndicator`,
            ``observations`` not a sequence of :class:`KpiObservation` or
            ``stable_band`` not a ``Decimal``.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric import risk
        >>> kri = risk.customer_health(risk.CustomerHealthKpi.COMPLAINT_RATE,
        ...     amber=Decimal("0.01"), red=Decimal("0.02"))
        >>> days = [datetime(2026, month, 1, tzinfo=UTC) for month in (1, 2)]
        >>> flat = [risk.KpiObservation(occurred_at=d, value=Decimal("0.005"))
        ...         for d in days]
        >>> risk.assess_series(kri, flat).trend
        <Trend.STABLE: 'stable'>

    .. versionadded:: 0.1
    """
    check_instance(indicator, KeyRiskIndicator, name="indicator")
    given: object = observations
    if isinstance(given, str) or not isinstance(given, Sequence):
        raise ArgumentTypeError.for_argument(
            "observations", given, "a sequence of KpiObservation"
        )
    for index, observation in enumerate(observations):
        check_instance(
            observation, KpiObservation, name=f"observations[{index}]"
        )
    if not observations:
        msg = "observations is empty; pass at least one KPI observation"
        raise InvariantError(msg)
    band = _check_finite(stable_band, name="stable_band")
    if band < ZERO:
        msg = f"stable_band must be finite and >= 0, got {stable_band!r}"
        raise InvariantError(msg)
    for earlier, later in itertools.pairwise(observations):
        if later.occurred_at <= earlier.occurred_at:
            msg = (
                f"observations must be strictly increasing in time, got "
                f"{later.occurred_at.isoformat()!r} after "
                f"{earlier.occurred_at.isoformat()!r}; "
                "sort them and drop duplicates"
            )
            raise InvariantError(msg)
    graded = tuple(
        assess(indicator, o.value, occurred_at=o.occurred_at)
        for o in observations
    )
    worst = max((a.level for a in graded), key=lambda level: level.rank)
    first_breach = next((a.occurred_at for a in graded if a.breached), None)
    first_red = next(
        (a.occurred_at for a in graded if a.level is RiskLevel.RED), None
    )
    slope: Decimal | None = None
    trend = Trend.UNKNOWN
    if len(observations) > 1:
        slope = _slope_per_day(observations)
        worse = (
            slope
            if indicator.direction is RiskDirection.HIGHER_IS_WORSE
            else -slope
        )
        if abs(worse) <= band:
            trend = Trend.STABLE
        else:
            trend = Trend.WORSENING if worse > 0 else Trend.IMPROVING
    breach_text = (
        f"first breach at {first_breach.isoformat()}"
        if first_breach is not None
        else "never breached"
    )
    return KriSeriesAssessment(
        indicator=indicator.name,
        assessments=graded,
        latest=graded[-1],
        worst=worst,
        trend=trend,
        slope_per_day=slope,
        first_breach_at=first_breach,
        first_red_at=first_red,
        explanation=(
            f"{indicator.name}: latest {graded[-1].level.value}, worst "
            f"{worst.value}, {trend.value}, {breach_text}"
        ),
    )


def breach_signal(
    assessment: KriAssessment,
    /,
    *,
    customer_id: CustomerId | str,
    occurred_at: datetime | None = None,
    amber_score: float = 0.5,
    red_score: float = 1.0,
) -> DissatisfactionSignal | None:
    """Turn a KRI breach for one customer into a dissatisfaction signal.

    Use it with KRIs measured per customer (their complaint count, their
    probability of being alive, a survey score): the relationship engine
    can then move the customer toward potential divorce. The scores are a
    library convention (amber 0.5, red 1.0), not published figures.

    Args:
        assessment: The graded value.
        customer_id: Whose value it is.
        occurred_at: When the signal happened; defaults to the assessment's
            ``occurred_at``.
        amber_score: Signal score for amber, in [0, 1].
        red_score: Signal score for red, in [0, 1], at least
            ``amber_score``.

    Returns:
        A ``DissatisfactionSignal`` with ``source="kri:<name>"``, or
        ``None`` for green.

    Raises:
        InvariantError: No time is known, ``occurred_at`` is naive, or a
            score is outside [0, 1].
        PolicyError: ``red_score`` is below ``amber_score``.
        ArgumentTypeError: ``assessment`` is not a :class:`KriAssessment`,
            ``customer_id`` not a string, ``occurred_at`` not a datetime
            or a score not a number.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from decimal import Decimal
        >>> from customer_centric.risk import (
        ...     CustomerHealthKpi, assess, breach_signal, customer_health)
        >>> kri = customer_health(
        ...     CustomerHealthKpi.LOW_P_ALIVE_SHARE,
        ...     amber=Decimal("0.2"), red=Decimal("0.4"))
        >>> graded = assess(kri, Decimal("0.5"),
        ...                     occurred_at=datetime(2026, 3, 1, tzinfo=UTC))
        >>> signal = breach_signal(graded, customer_id="C-1")
        >>> signal.score, signal.source
        (1.0, 'kri:low_p_alive_share')

    .. versionadded:: 0.1
    """
    check_instance(assessment, KriAssessment, name="assessment")
    check_instance(customer_id, str, name="customer_id")
    if occurred_at is not None:
        check_aware(occurred_at, name="occurred_at")
    for name, score in (
        ("amber_score", amber_score),
        ("red_score", red_score),
    ):
        if not 0.0 <= check_finite(score, name=name) <= 1.0:
            msg = f"{name} must be in [0, 1], got {score!r}"
            raise InvariantError(msg)
    if red_score < amber_score:
        msg = (
            f"red_score {red_score!r} is below amber_score {amber_score!r}; "
            "red must signal at least as strongly as amber"
        )
        raise PolicyError(msg)
    if not assessment.breached:
        return None
    when = occurred_at if occurred_at is not None else assessment.occurred_at
    if when is None:
        msg = (
            f"assessment of {assessment.indicator!r} has no time; pass "
            "occurred_at or assess with occurred_at=..."
        )
        raise InvariantError(msg)
    score = red_score if assessment.level is RiskLevel.RED else amber_score
    return DissatisfactionSignal(
        customer_id=CustomerId(customer_id),
        occurred_at=when,
        score=score,
        source=f"kri:{assessment.indicator}",
    )


def _ratio(part: int, whole: int, *, names: tuple[str, str]) -> Decimal:
    check_count(part, name=names[0])
    check_count(whole, name=names[1])
    if whole == 0:
        msg = f"{names[1]} must be above 0 to compute a rate, got 0"
        raise InvariantError(msg)
    if part > whole:
        msg = (
            f"{names[0]} ({part}) cannot exceed {names[1]} ({whole}); count "
            f"each customer once"
        )
        raise InvariantError(msg)
    return (Decimal(part) / Decimal(whole)).quantize(
        _SHARE, rounding=ROUND_HALF_EVEN
    )


@exact
def complaint_rate(complainants: int, /, *, customers: int) -> Decimal:
    """The share of customers who complained in a period (4 decimals).

    Args:
        complainants: Customers who complained (each counted once).
        customers: Customers served in the period.

    Raises:
        InvariantError: A negative count, one above 10**15, no customers,
            or more complainants than customers.
        ArgumentTypeError: A count is not an ``int``.

    Examples:
        >>> from customer_centric.risk import complaint_rate
        >>> complaint_rate(12, customers=1500)
        Decimal('0.0080')

    .. versionadded:: 0.1
    """
    return _ratio(complainants, customers, names=("complainants", "customers"))


@exact
def churn_rate(lost: int, /, *, customers_at_start: int) -> Decimal:
    """The share of customers at the start of a period who left in it.

    Args:
        lost: Customers of the starting base who left.
        customers_at_start: Customers at the start of the period.

    Raises:
        InvariantError: A negative count, one above 10**15, no customers,
            or more lost than there were.
        ArgumentTypeError: A count is not an ``int``.

    Examples:
        >>> from customer_centric.risk import churn_rate
        >>> churn_rate(130, customers_at_start=1000)
        Decimal('0.1300')
        >>> churn_rate(0, customers_at_start=1000)
        Decimal('0.0000')

    .. versionadded:: 0.1
    """
    return _ratio(
        lost, customers_at_start, names=("lost", "customers_at_start")
    )


@exact
def silent_dissatisfaction_share(
    complaints: int,
    /,
    *,
    customers: int,
    assumptions: AssumptionSet,
    channel: Literal["head_office", "front_line"] = "head_office",
) -> RangeEstimate:
    """Estimate the share of customers dissatisfied without complaining.

    :func:`~customer_centric.complaints.hidden_dissatisfied` divided by the
    customer
    base, capped so that hidden plus complaining customers never exceed
    the base (a sign the complaint-rate assumption does not fit).

    Args:
        complaints: Complaints counted (one per customer).
        customers: Customers served in the period.
        assumptions: The complaint-rate figures.
        channel: Where the complaints were counted.

    Returns:
        The share (unit ``"share"``, 4 decimals) with its interval.

    Raises:
        InvariantError: A negative count, one above 10**15, no customers,
            more complaints than customers, or an unknown ``channel``.
        ArgumentTypeError: A count is not an ``int`` or ``assumptions`` not
            an :class:`~customer_centric.complaints.AssumptionSet`.

    Examples:
        >>> from customer_centric.complaints import PRIMARY_STUDIES
        >>> from customer_centric.risk import silent_dissatisfaction_share
        >>> share = silent_dissatisfaction_share(
        ...     10, customers=5000, assumptions=PRIMARY_STUDIES)
        >>> share.expected
        Decimal('0.0520')

    .. versionadded:: 0.1
    """
    _ratio(complaints, customers, names=("complaints", "customers"))
    check_instance(assumptions, AssumptionSet, name="assumptions")
    hidden = hidden_dissatisfied(
        complaints, assumptions=assumptions, channel=channel
    )
    base = Decimal(customers)
    ceiling = (base - complaints) / base

    def share(count: Decimal) -> Decimal:
        return min(count / base, ceiling).quantize(
            _SHARE, rounding=ROUND_HALF_EVEN
        )

    capped = hidden.high / base > ceiling
    explanation = f"{hidden.explanation}, over {customers} customers"
    if capped:
        explanation += (
            "; capped at the customers who did not complain (the complaint "
            "rate assumed does not fit this base)"
        )
    return RangeEstimate(
        low=share(hidden.low),
        expected=share(hidden.expected),
        high=share(hidden.high),
        unit="share",
        basis=hidden.basis,
        explanation=explanation,
    )


def _probability(value: object, /, *, name: str) -> float:
    """A real number (float, int, numpy scalar or Decimal) as a float."""
    if isinstance(value, bool) or not isinstance(
        value, numbers.Real | Decimal
    ):
        raise ArgumentTypeError.for_argument(name, value, "a real number")
    if isinstance(value, Decimal) and value.is_snan():
        return math.nan
    try:
        return float(value)
    except OverflowError:
        return math.inf


@exact
def share_unlikely_alive(
    probabilities: Iterable[float], /, *, threshold: float
) -> Decimal:
    """The share of customers whose probability of being alive is low.

    Takes plain probabilities (for example from a BG/NBD model's
    P(alive)); no numpy needed. There is no standard cut-off: choose
    ``threshold`` for your business.

    Args:
        probabilities: One P(alive) per customer, each in [0, 1].
        threshold: Customers below it count as unlikely to be alive.

    Returns:
        The share below ``threshold`` (4 decimals).

    Raises:
        InvariantError: No probabilities, one outside [0, 1] or NaN, or a
            threshold outside (0, 1].
        ArgumentTypeError: ``probabilities`` is not iterable, or it or
            ``threshold`` holds something other than a real number.

    Examples:
        >>> from customer_centric.risk import share_unlikely_alive
        >>> share_unlikely_alive([0.9, 0.2, 0.6, 0.1], threshold=0.3)
        Decimal('0.5000')

    .. versionadded:: 0.1
    """
    cut_off = _probability(threshold, name="threshold")
    if not (math.isfinite(cut_off) and 0.0 < cut_off <= 1.0):
        msg = f"threshold must be in (0, 1], got {threshold!r}"
        raise InvariantError(msg)
    if not isinstance(probabilities, Iterable):
        raise ArgumentTypeError.for_argument(
            "probabilities", probabilities, "an iterable of probabilities"
        )
    total = 0
    below = 0
    for index, value in enumerate(probabilities):
        p = _probability(value, name=f"probability #{index}")
        if not (math.isfinite(p) and 0.0 <= p <= 1.0):
            msg = (
                f"probability #{index} is {value!r}, outside [0, 1]; pass "
                "P(alive) values between 0 and 1"
            )
            raise InvariantError(msg)
        total += 1
        below += p < cut_off
    if total == 0:
        msg = "probabilities is empty; pass one P(alive) per customer"
        raise InvariantError(msg)
    return (Decimal(below) / Decimal(total)).quantize(
        _SHARE, rounding=ROUND_HALF_EVEN
    )


@enum.unique
class CustomerHealthKpi(enum.StrEnum):
    """The customer-health KPIs this library computes, ready to wrap.

    Examples:
        >>> from customer_centric.risk import CustomerHealthKpi
        >>> CustomerHealthKpi("churn_rate")
        <CustomerHealthKpi.CHURN_RATE: 'churn_rate'>

    .. versionadded:: 0.1
    """

    COMPLAINT_RATE = "complaint_rate"
    SILENT_DISSATISFACTION = "silent_dissatisfaction"
    CHURN_RATE = "churn_rate"
    LOW_P_ALIVE_SHARE = "low_p_alive_share"


_HEALTH: Final[dict[CustomerHealthKpi, dict[str, str]]] = {
    CustomerHealthKpi.COMPLAINT_RATE: {
        "risk": "customers leaving over service problems",
        "kpi": "complaints per customer served (complaint_rate)",
        "correlation": (
            "each complaint stands for many silent dissatisfied customers "
            "(TARP: 26 for each complaint to head office), who buy again "
            "far less often"
        ),
        "measurement": "complainants / customers served, per period",
        "data_source": "the complaint log and the customer count",
    },
    CustomerHealthKpi.SILENT_DISSATISFACTION: {
        "risk": "customers leaving without complaining",
        "kpi": "estimated silent dissatisfied share "
        "(silent_dissatisfaction_share)",
        "correlation": (
            "silent dissatisfied customers repurchase least (TARP: 9-37 %)"
        ),
        "measurement": (
            "complaints / assumed complaint rate - complaints, over "
            "customers served"
        ),
        "data_source": "the complaint log and an assumption set",
    },
    CustomerHealthKpi.CHURN_RATE: {
        "risk": "loss of revenue from departing customers",
        "kpi": "share of the starting base lost in the period (churn_rate)",
        "correlation": "each departure loses the customer's V = I x N",
        "measurement": "lost / customers at the start of the period",
        "data_source": "account closures in the customer system",
    },
    CustomerHealthKpi.LOW_P_ALIVE_SHARE: {
        "risk": "customers silently lapsing",
        "kpi": "share of customers with low P(alive) (share_unlikely_alive)",
        "correlation": (
            "customers with a low probability of being alive have mostly "
            "stopped buying"
        ),
        "measurement": "share of scored customers below a P(alive) cut-off",
        "data_source": "a fitted BG/NBD or Pareto/NBD model's scores",
    },
}


def customer_health(
    kpi: CustomerHealthKpi,
    /,
    *,
    amber: Decimal,
    red: Decimal,
    name: str | None = None,
) -> KeyRiskIndicator:
    """A higher-is-worse KRI over one of the customer-health KPIs.

    The risk, KPI and the three properties are filled in; the thresholds
    are yours, since no study gives them.

    Args:
        kpi: Which KPI.
        amber: Where "watch" starts (a share in [0, 1]).
        red: Where "act" starts, above ``amber``.
        name: The indicator's name; defaults to the KPI's value.

    Returns:
        The indicator.

    Raises:
        pydantic.ValidationError: The thresholds are in the wrong order
            (a ``PolicyError`` inside), not numbers, not finite or above
            1E+18.
        InvariantError: ``kpi`` is not a :class:`CustomerHealthKpi`.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.risk import (
        ...     CustomerHealthKpi, customer_health)
        >>> kri = customer_health(
        ...     CustomerHealthKpi.SILENT_DISSATISFACTION,
        ...     amber=Decimal("0.05"), red=Decimal("0.10"))
        >>> kri.direction.value, kri.data_source
        ('higher_is_worse', 'the complaint log and an assumption set')

    .. versionadded:: 0.1
    """
    kpi = check_member(kpi, CustomerHealthKpi, name="kpi")
    return KeyRiskIndicator(
        name=name or kpi.value,
        unit="share",
        direction=RiskDirection.HIGHER_IS_WORSE,
        amber=amber,
        red=red,
        **_HEALTH[kpi],
    )
