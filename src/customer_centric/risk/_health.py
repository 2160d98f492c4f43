"""Scoring a customer's health on a scorecard, with trend and days in band.

:func:`score_health` reads the observed values of one customer (a mapping
from measure name to value, ``None`` or absent when not observed), picks the
profile of the customer's lifecycle stage, and returns a :class:`HealthScore`:
the score from 0 to 100, the band, each measure's points, weight,
contribution and reason, and, given the earlier scores as
:class:`HealthSnapshot` records, the trend and the days in the current band.
:func:`health_signal` turns a red score into the relationship engine's
:class:`~customer_centric.relationship.DissatisfactionSignal`.

The arithmetic is written so that
:func:`customer_centric.frames.score_health` can repeat it on a dataframe
to the last bit: each weighted sum adds its terms in card order from 0.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Final, NamedTuple, final

import attrs
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from customer_centric._checks import (
    check_aware,
    check_finite,
    check_instance,
    check_items,
)
from customer_centric._types import CustomerId
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.relationship._events import DissatisfactionSignal
from customer_centric.risk._kri import RiskLevel, Trend
from customer_centric.risk._scorecard import (
    MAX_MEASURE_VALUE,
    Combine,
    HealthProfile,
    Measure,
    Scorecard,
    graded_points,
)

__all__ = [
    "HealthScore",
    "HealthSnapshot",
    "MeasureScore",
    "health_signal",
    "score_health",
]

_LEVEL_BY_RANK: Final = {level.rank: level for level in RiskLevel}


class HealthSnapshot(BaseModel):
    """A health score as stored, to judge the next one's trend.

    Attributes:
        as_of: When the score was taken.
        score: The score, from 0 to 100.
        band: Its band.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.risk import HealthSnapshot
        >>> HealthSnapshot(as_of=datetime(2026, 1, 1, tzinfo=UTC),
        ...                score=72.5, band="green").band
        <RiskLevel.GREEN: 'green'>

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: AwareDatetime
    score: float = Field(ge=0.0, le=100.0, allow_inf_nan=False)
    band: RiskLevel


@final
@attrs.frozen(kw_only=True)
class MeasureScore:
    """One measure of a health score: its value, points and why.

    Attributes:
        name: The measure.
        group: Its group.
        value: The observed value, ``None`` if missing.
        band: The value's band (red when missing counts as red; green,
            and without weight, when a missing value is left out).
        points: Its points from 0 to 100.
        weight: Its share of the score (the weights re-scaled over what
            counts); 0 when left out.
        contribution: ``points * weight``: what it adds to the score.
        counted: Whether it counts in the score.
        measure: The measure as the card defines it.

    .. versionadded:: 0.2
    """

    name: str
    group: str
    value: float | None
    band: RiskLevel
    points: float
    weight: float
    contribution: float
    counted: bool
    measure: Measure

    @property
    def reason(self) -> str:
        """The grade, points and share in a sentence (made when read)."""
        if self.value is None:
            if self.counted:
                return (
                    f"{self.name} missing: counted as red, 0 points (the "
                    "card counts missing values as red)"
                )
            return (
                f"{self.name} missing: left out, the other measures "
                "re-weighted"
            )
        measure = self.measure
        return (
            f"{self.name} = {self.value:g}: {self.band.value} (amber at "
            f"{measure.amber:g}, red at {measure.red:g}, "
            f"{measure.direction.value}); {self.points:.4g} points x weight "
            f"{self.weight:.4g} = {self.contribution:.4g}"
        )


@final
@attrs.frozen(kw_only=True)
class HealthScore:
    """A customer's health on a scorecard, with the reason for each part.

    Attributes:
        score: From 0 (worst) to 100 (best).
        band: Green, amber or red.
        profile: The profile used: a lifecycle stage or ``"default"``.
        combine: How the profile combined the measures.
        measures: Each measure, in card order.
        trend: Against the newest earlier score: improving, stable or
            worsening; unknown without one.
        days_in_band: Whole days since the earliest earlier score of the
            current unbroken run in this band (0 when the band is new).
        as_of: When the score was taken.
        card: The card's name.
        card_version: The card's version.
        card_fingerprint: :attr:`Scorecard.fingerprint`.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.risk import (
        ...     HealthProfile, Measure, MeasureGroup, Scorecard, score_health)
        >>> card = Scorecard(name="retail", version=1, profile=HealthProfile(
        ...     groups=(MeasureGroup(name="usage", measures=(
        ...         Measure(name="logins", direction="lower_is_worse",
        ...                 amber=8, red=3),)),)))
        >>> health = score_health({"logins": 2}, card=card,
        ...                       as_of=datetime(2026, 3, 1, tzinfo=UTC))
        >>> health.score, health.band.value
        (0.0, 'red')
        >>> health.snapshot().score
        0.0

    .. versionadded:: 0.2
    """

    score: float
    band: RiskLevel
    profile: str
    combine: Combine
    measures: tuple[MeasureScore, ...]
    trend: Trend
    days_in_band: int
    as_of: datetime
    card: str
    card_version: int
    card_fingerprint: str

    @property
    def explanation(self) -> str:
        """The summary in a sentence (made when read)."""
        band = self.band.value
        return (
            f"health {self.score:.4g} ({band}) on {self.card} "
            f"v{self.card_version}, profile {self.profile}, {self.combine}; "
            f"{self.trend.value}, {self.days_in_band} day(s) in {band}"
        )

    def snapshot(self) -> HealthSnapshot:
        """The score as a record to store and pass back as history."""
        return HealthSnapshot(
            as_of=self.as_of, score=self.score, band=self.band
        )


def observed_value(value: object, /, *, name: str) -> float | None:
    """One observed value as a float, ``None`` when missing.

    Raises:
        ArgumentTypeError: Not a real number (``bool`` included) or None.
        InvariantError: NaN, infinite or above :data:`MAX_MEASURE_VALUE`.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(
        value, numbers.Real | Decimal
    ):
        raise ArgumentTypeError.for_argument(
            name, value, "a real number, or None when not observed"
        )
    if isinstance(value, Decimal) and not value.is_finite():
        number = math.nan
    else:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    if not (math.isfinite(number) and abs(number) <= MAX_MEASURE_VALUE):
        msg = (
            f"{name} is {value!r}; a measure value must be finite and at "
            f"most {MAX_MEASURE_VALUE:g} in size (pass None when it was not "
            "observed)"
        )
        raise InvariantError(msg)
    return number


def _observed(
    values: object, profile: HealthProfile
) -> dict[str, float | None]:
    if not isinstance(values, Mapping):
        raise ArgumentTypeError.for_argument(
            "values", values, "a mapping from measure name to value"
        )
    return {
        m.name: observed_value(values.get(m.name), name=f"values[{m.name!r}]")
        for m in profile.measures
    }


class _Part(NamedTuple):
    """A measure's points and band before weighting (a tuple: built fast)."""

    measure: Measure
    group: str
    value: float | None
    band: RiskLevel
    points: float
    counted: bool


def _parts(
    profile: HealthProfile, observed: Mapping[str, float | None]
) -> list[_Part]:
    counted_missing = profile.missing == "red"
    parts = []
    for group in profile.groups:
        for measure in group.measures:
            value = observed[measure.name]
            if value is None:
                band = RiskLevel.RED if counted_missing else RiskLevel.GREEN
                points, counted = 0.0, counted_missing
            else:
                band = measure.level(value)
                points = graded_points(measure, value, band)
                counted = True
            parts.append(
                _Part(measure, group.name, value, band, points, counted)
            )
    return parts


def _weighted(
    profile: HealthProfile, parts: list[_Part]
) -> tuple[float, list[float]]:
    """The weighted score and each part's share of it."""
    by_group: list[tuple[float, float, list[_Part]]] = []
    for group in profile.groups:
        members = [p for p in parts if p.group == group.name]
        total = 0.0
        weights = 0.0
        for part in members:
            if part.counted:
                total += part.measure.weight * part.points
                weights += part.measure.weight
        by_group.append((total, weights, members))
    card_total = 0.0
    card_weights = 0.0
    for group, (total, weights, _) in zip(
        profile.groups, by_group, strict=True
    ):
        if weights > 0.0:
            card_total += group.weight * (total / weights)
            card_weights += group.weight
    shares: list[float] = []
    for group, (_, weights, members) in zip(
        profile.groups, by_group, strict=True
    ):
        group_share = group.weight / card_weights if weights > 0.0 else 0.0
        shares.extend(
            group_share * p.measure.weight / weights if p.counted else 0.0
            for p in members
        )
    # A weighted mean of 100s can round to 100.00000000000001: clip it.
    return min(max(card_total / card_weights, 0.0), 100.0), shares


def _worst(parts: list[_Part]) -> tuple[float, RiskLevel, list[float]]:
    """The lowest points, the worst band, and the deciding part's share."""
    counted = [p for p in parts if p.counted]
    lowest = min(counted, key=lambda p: p.points)
    band = _LEVEL_BY_RANK[max(p.band.rank for p in counted)]
    shares = [1.0 if p is lowest else 0.0 for p in parts]
    return lowest.points, band, shares


def _band(profile: HealthProfile, score: float) -> RiskLevel:
    if score >= profile.green_at:
        return RiskLevel.GREEN
    return RiskLevel.AMBER if score >= profile.amber_at else RiskLevel.RED


def _history(history: object, as_of: datetime) -> tuple[HealthSnapshot, ...]:
    snapshots = check_items(history, HealthSnapshot, name="history")
    times = [s.as_of for s in snapshots]
    if any(a >= b for a, b in itertools.pairwise([*times, as_of])):
        shown = [t.isoformat() for t in times]
        msg = (
            f"history must be strictly increasing in time and before as_of "
            f"({as_of.isoformat()}), got {shown!r}; pass the earlier scores "
            "oldest first"
        )
        raise InvariantError(msg)
    return snapshots


def _trend(
    score: float, history: Sequence[HealthSnapshot], stable_within: float
) -> Trend:
    if not history:
        return Trend.UNKNOWN
    change = score - history[-1].score
    if abs(change) <= stable_within:
        return Trend.STABLE
    return Trend.IMPROVING if change > 0 else Trend.WORSENING


def _days_in_band(
    band: RiskLevel, history: Sequence[HealthSnapshot], as_of: datetime
) -> int:
    since = as_of
    for snapshot in reversed(history):
        if snapshot.band is not band:
            break
        since = snapshot.as_of
    return (as_of - since).days


def score_health(
    values: Mapping[str, float | int | Decimal | None],
    /,
    *,
    card: Scorecard,
    as_of: datetime,
    stage: str | None = None,
    history: Sequence[HealthSnapshot] = (),
    stable_within: float = 0.0,
) -> HealthScore:
    """Score one customer's health on a scorecard.

    Each measure's value gets a band from its thresholds and points from
    its scale. With ``combine="weighted"`` the score is the weighted mean
    of the groups' weighted means, and the band comes from the score; with
    ``"worst_of"`` the band is the worst measure's and the score the
    lowest points. A missing value (absent or ``None``) is left out with
    the others re-weighted, or counted as red with 0 points, as the
    profile's ``missing`` says; it never counts as a zero value.

    Args:
        values: The customer's observed values by measure name; other keys
            are ignored.
        card: The scorecard.
        as_of: When the score is taken (timezone-aware).
        stage: The customer's lifecycle stage, which picks the profile;
            ``None`` for the default profile.
        history: Earlier scores of this customer, oldest first, all before
            ``as_of`` (e.g. :meth:`HealthScore.snapshot` of each).
        stable_within: A change against the newest earlier score of at most
            this many points counts as stable.

    Returns:
        The score, band, each measure's part and reason, trend and days in
        band.

    Raises:
        DataError: Nothing the profile measures was observed and missing
            values are left out, so there is nothing to score.
        InvariantError: A value is NaN, infinite or too large, ``as_of`` is
            naive, the history is out of order or not before ``as_of``, or
            ``stable_within`` is negative or not finite.
        PolicyError: ``stage`` is not a lifecycle stage.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.risk import (
        ...     HealthProfile, HealthSnapshot, Measure, MeasureGroup,
        ...     Scorecard, score_health)
        >>> usage = MeasureGroup(name="usage", weight=2, measures=(
        ...     Measure(name="logins", direction="lower_is_worse",
        ...             amber=8, red=3),))
        >>> support = MeasureGroup(name="support", measures=(
        ...     Measure(name="open_complaints", direction="higher_is_worse",
        ...             amber=1, red=3),))
        >>> card = Scorecard(name="retail", version=1, profile=HealthProfile(
        ...     groups=(usage, support)))
        >>> earlier = [HealthSnapshot(as_of=datetime(2026, 2, 1, tzinfo=UTC),
        ...                           score=100.0, band="green")]
        >>> health = score_health(
        ...     {"logins": 5, "open_complaints": 0}, card=card,
        ...     as_of=datetime(2026, 3, 1, tzinfo=UTC), history=earlier)
        >>> round(health.score, 2), health.band.value, health.trend.value
        (66.67, 'amber', 'worsening')
        >>> print(health.measures[0].reason)
        logins = 5: amber (amber at 8, red at 3, lower_is_worse); 50 points \
x weight 0.6667 = 33.33

    .. versionadded:: 0.2
    """
    check_instance(card, Scorecard, name="card")
    check_aware(as_of, name="as_of")
    stable_within = check_finite(stable_within, name="stable_within")
    if stable_within < 0.0:
        msg = (
            f"stable_within must be >= 0 points, got {stable_within!r}; "
            "pass 0 to call any change a trend"
        )
        raise InvariantError(msg)
    profile_name, profile = card.profile_for(stage)
    observed = _observed(values, profile)
    snapshots = _history(history, as_of)
    parts = _parts(profile, observed)
    if not any(p.counted for p in parts):
        msg = (
            f"none of the measures {[m.name for m in profile.measures]!r} of "
            f"profile {profile_name!r} was observed, and the card leaves "
            "missing values out: there is nothing to score; pass at least "
            "one value, or set missing='red' on the profile"
        )
        raise DataError(msg)
    if profile.combine == "weighted":
        score, shares = _weighted(profile, parts)
        band = _band(profile, score)
    else:
        score, band, shares = _worst(parts)
    measures = tuple(
        MeasureScore(
            name=p.measure.name,
            group=p.group,
            value=p.value,
            band=p.band,
            points=p.points,
            weight=share,
            contribution=p.points * share,
            counted=p.counted,
            measure=p.measure,
        )
        for p, share in zip(parts, shares, strict=True)
    )
    trend = _trend(score, snapshots, stable_within)
    days = _days_in_band(band, snapshots, as_of)
    return HealthScore(
        score=score,
        band=band,
        profile=profile_name,
        combine=profile.combine,
        measures=measures,
        trend=trend,
        days_in_band=days,
        as_of=as_of,
        card=card.name,
        card_version=card.version,
        card_fingerprint=card.fingerprint,
    )


def health_signal(
    health: HealthScore,
    /,
    *,
    customer_id: CustomerId | str,
    score: float = 1.0,
) -> DissatisfactionSignal | None:
    """Turn a red health score into a dissatisfaction signal.

    The relationship engine can then move the customer toward potential
    divorce (its ``dissatisfaction_threshold`` decides). Amber and green
    scores give no signal. The signal's score of 1.0 is a library
    convention (the strongest signal, as
    :func:`~customer_centric.risk.breach_signal` gives red), not a
    published figure.

    Args:
        health: The customer's health score.
        customer_id: Whose score it is.
        score: The signal's score, in [0, 1].

    Returns:
        A ``DissatisfactionSignal`` at the score's ``as_of`` with
        ``source="health:<card name>"``, or ``None`` unless red.

    Raises:
        InvariantError: ``score`` is outside [0, 1].
        ArgumentTypeError: ``health`` is not a :class:`HealthScore`,
            ``customer_id`` not a string or ``score`` not a number.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.risk import (
        ...     HealthProfile, Measure, MeasureGroup, Scorecard,
        ...     health_signal, score_health)
        >>> card = Scorecard(name="retail", version=1, profile=HealthProfile(
        ...     groups=(MeasureGroup(name="usage", measures=(
        ...         Measure(name="logins", direction="lower_is_worse",
        ...                 amber=8, red=3),)),)))
        >>> health = score_health({"logins": 1}, card=card,
        ...                       as_of=datetime(2026, 3, 1, tzinfo=UTC))
        >>> signal = health_signal(health, customer_id="C-1")
        >>> signal.score, signal.source, signal.occurred_at.month
        (1.0, 'health:retail', 3)

    .. versionadded:: 0.2
    """
    check_instance(health, HealthScore, name="health")
    check_instance(customer_id, str, name="customer_id")
    if not 0.0 <= check_finite(score, name="score") <= 1.0:
        msg = f"score must be in [0, 1], got {score!r}"
        raise InvariantError(msg)
    if health.band is not RiskLevel.RED:
        return None
    return DissatisfactionSignal(
        customer_id=CustomerId(customer_id),
        occurred_at=health.as_of,
        score=float(score),
        source=f"health:{health.card}",
    )
