"""Customer health scorecards as policy data.

A :class:`Scorecard` says how a customer's health is scored, the way
customer-success tools configure it (Gainsight scorecards, Totango health
profiles): **measures** (a value per customer under a key: a usage count, a
survey score, a complaint count, a CLV model's P(alive), anything the caller
observes) with weights, grouped into weighted groups (:class:`MeasureGroup`);
**thresholds** per measure into green, amber and red; a **direction** (which
way is worse); a **points** scale from 0 to 100; a :class:`HealthProfile`
per lifecycle stage (a new customer is judged on other measures than an
established one); the **combination** (a weighted score or the worst
measure); and an explicit rule for **missing values**: excluded with the
others re-weighted, or counted as red. Nothing missing is ever read as zero.

A scorecard is a record: it validates on creation, loads from JSON or TOML
data (:meth:`Scorecard.from_toml`) and has a :attr:`~Scorecard.fingerprint`
that every score records.
"""

from __future__ import annotations

import re
import tomllib
from typing import Annotated, Final, Literal, Self, TypeAlias

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    ValidationError,
    model_validator,
)

from customer_centric._checks import check_instance
from customer_centric._fingerprint import fingerprint_once
from customer_centric._frozen import FrozenMap
from customer_centric._stages import LifecycleStage
from customer_centric.exceptions import PolicyError
from customer_centric.risk._kri import (
    RiskDirection,
    RiskLevel,
    check_thresholds,
    grade,
)

__all__ = [
    "BAND_POINTS",
    "MAX_MEASURE_VALUE",
    "Combine",
    "HealthProfile",
    "Measure",
    "MeasureGroup",
    "MissingRule",
    "PointsScale",
    "Scorecard",
]

MAX_MEASURE_VALUE: Final = 1e15
"""The largest size of a measure value or threshold accepted.

Below 2**53 (about 9.007E+15), so every whole number up to it is exact as a
float, and differences of two values never overflow.
"""

_MAX_WEIGHT: Final = 1e6
_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

BAND_POINTS: Final[dict[RiskLevel, float]] = {
    RiskLevel.GREEN: 100.0,
    RiskLevel.AMBER: 50.0,
    RiskLevel.RED: 0.0,
}
"""Points of a measure on the ``"band"`` scale: green 100, amber 50, red 0.

A library convention (the top, middle and bottom of the 0-100 scale that
customer-success tools show), not a published figure.
"""

Combine: TypeAlias = Literal["weighted", "worst_of"]
"""How a profile combines its measures.

``weighted``: the weighted mean of the groups' scores, each the weighted
mean of its measures' points; the band comes from the score and the
profile's ``green_at`` and ``amber_at``. ``worst_of``: the band is the
worst measure's band and the score the lowest measure's points.
"""

MissingRule: TypeAlias = Literal["reweight", "red"]
"""What a missing value counts as.

``reweight``: the measure is left out and the others' weights re-scaled (a
group with nothing observed is left out of the card the same way).
``red``: the measure counts, as red with 0 points.
"""

PointsScale: TypeAlias = Literal["band", "linear"]
"""How a measure's value becomes points from 0 to 100.

``band``: :data:`BAND_POINTS` of its band. ``linear``: 100 at ``best``, 0 at
``worst``, in a straight line between them and clipped outside.
"""


def _bounded(value: float) -> float:
    if abs(value) > MAX_MEASURE_VALUE:
        msg = (
            f"a scorecard threshold must be at most {MAX_MEASURE_VALUE:g} in "
            f"size, got {value!r}; pass a smaller figure"
        )
        raise PolicyError(msg)
    return value


_Threshold: TypeAlias = Annotated[FiniteFloat, AfterValidator(_bounded)]
_Weight: TypeAlias = Annotated[FiniteFloat, Field(gt=0.0, le=_MAX_WEIGHT)]


def _check_name(value: str, *, what: str) -> None:
    if not _NAME.match(value):
        msg = (
            f"{what} name {value!r} is not an identifier; use letters, "
            "digits and underscores, not starting with a digit (it names a "
            "value key and a dataframe column)"
        )
        raise PolicyError(msg)


class Measure(BaseModel):
    """One measure of a scorecard: a value key, its weight and thresholds.

    With ``higher_is_worse`` a value at or above ``red`` is red, at or above
    ``amber`` amber, else green (the rule of
    :class:`~customer_centric.risk.KeyRiskIndicator`); with
    ``lower_is_worse`` the comparisons flip.

    Attributes:
        name: The key of the value in the observed values (and the column
            in a dataframe).
        weight: Its weight within its group, above 0.
        direction: Which way is worse.
        amber: Where "watch" starts.
        red: Where "act" starts.
        scale: How the value becomes points (:data:`PointsScale`).
        best: With ``scale="linear"``, the value worth 100 points.
        worst: With ``scale="linear"``, the value worth 0 points.
        description: What the measure is and where its value comes from.

    Examples:
        >>> from customer_centric.risk import Measure
        >>> logins = Measure(name="logins_30d", weight=2,
        ...                  direction="lower_is_worse", amber=8, red=3)
        >>> logins.level(5.0), logins.points(5.0)
        (<RiskLevel.AMBER: 'amber'>, 50.0)
        >>> nps = Measure(name="nps", weight=1, direction="lower_is_worse",
        ...               amber=0, red=-30, scale="linear",
        ...               best=50, worst=-50)
        >>> nps.points(25.0)
        75.0

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    weight: _Weight = 1.0
    direction: RiskDirection
    amber: _Threshold
    red: _Threshold
    scale: PointsScale = "band"
    best: _Threshold | None = None
    worst: _Threshold | None = None
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_name(self.name, what="measure")
        what = f"measure {self.name!r}"
        check_thresholds(
            what, direction=self.direction, amber=self.amber, red=self.red
        )
        if self.scale == "band":
            if self.best is not None or self.worst is not None:
                msg = (
                    f"{what} has best or worst but scale 'band'; set "
                    "scale='linear' to score between them, or drop them"
                )
                raise PolicyError(msg)
            return self
        if self.best is None or self.worst is None:
            msg = (
                f"{what} has scale 'linear' but no best or worst value; give "
                "both (the values worth 100 and 0 points)"
            )
            raise PolicyError(msg)
        higher = self.direction is RiskDirection.HIGHER_IS_WORSE
        if (higher and self.best >= self.worst) or (
            not higher and self.best <= self.worst
        ):
            relation = "below" if higher else "above"
            msg = (
                f"{what}: with {self.direction.value}, best ({self.best}) "
                f"must be {relation} worst ({self.worst}); swap them or "
                "change the direction"
            )
            raise PolicyError(msg)
        return self

    def level(self, value: float, /) -> RiskLevel:
        """The band of one observed value."""
        return grade(
            value, direction=self.direction, amber=self.amber, red=self.red
        )

    def points(self, value: float, /) -> float:
        """The points (0 to 100) of one observed value."""
        return graded_points(self, value, self.level(value))

    @property
    def points_per_unit(self) -> float:
        """With ``scale="linear"``, the points one unit of value is worth.

        ``100 / (worst - best)``, so negative when higher is better. The
        dataframe path multiplies by this same number: a back-end may
        divide by a constant through its reciprocal, which can differ in
        the last bit.
        """
        if self.best is None or self.worst is None:
            return 0.0
        return 100.0 / (self.worst - self.best)


def graded_points(measure: Measure, value: float, band: RiskLevel) -> float:
    """The points of ``value``, already graded ``band`` by ``measure``."""
    if measure.best is None or measure.worst is None:
        return BAND_POINTS[band]
    raw = (measure.worst - value) * measure.points_per_unit
    return min(max(raw, 0.0), 100.0)


class MeasureGroup(BaseModel):
    """A weighted group of measures (e.g. usage, support, sentiment).

    Attributes:
        name: The group's name.
        weight: Its weight within the profile, above 0.
        measures: Its measures, at least one.

    Examples:
        >>> from customer_centric.risk import Measure, MeasureGroup
        >>> group = MeasureGroup(name="support", weight=1, measures=(
        ...     Measure(name="open_complaints", direction="higher_is_worse",
        ...             amber=1, red=3),))
        >>> group.measures[0].weight
        1.0

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    weight: _Weight = 1.0
    measures: tuple[Measure, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid_name(self) -> Self:
        _check_name(self.name, what="group")
        return self


class HealthProfile(BaseModel):
    """How health is scored for one lifecycle stage (or by default).

    Attributes:
        groups: The measure groups; group and measure names are unique.
        combine: How measures combine (:data:`Combine`).
        missing: What a missing value counts as (:data:`MissingRule`).
        green_at: With ``weighted``, a score at or above it is green.
        amber_at: With ``weighted``, a score at or above it (and below
            ``green_at``) is amber; below it, red.

    The bands 70 and 40 are a library convention (thirds of the scale
    leaning to green, as customer-success tools' defaults do), not
    published figures; set your own.

    Examples:
        >>> from customer_centric.risk import (
        ...     HealthProfile, Measure, MeasureGroup)
        >>> HealthProfile(groups=(MeasureGroup(name="usage", measures=(
        ...     Measure(name="logins", direction="lower_is_worse",
        ...             amber=8, red=3),)),), green_at=30, amber_at=60)
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error...
          Value error, health profile bands need 0 <= amber_at < green_at \
<= 100, got amber_at=60.0, green_at=30.0; ...

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: tuple[MeasureGroup, ...] = Field(min_length=1)
    combine: Combine = "weighted"
    missing: MissingRule = "reweight"
    green_at: float = Field(default=70.0, allow_inf_nan=False)
    amber_at: float = Field(default=40.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not 0.0 <= self.amber_at < self.green_at <= 100.0:  # noqa: PLR2004 - the scale
            msg = (
                "health profile bands need 0 <= amber_at < green_at <= 100, "
                f"got amber_at={self.amber_at!r}, green_at={self.green_at!r}; "
                "put amber_at below green_at on the 0-100 scale"
            )
            raise PolicyError(msg)
        for what, names in (
            ("group", [g.name for g in self.groups]),
            ("measure", [m.name for g in self.groups for m in g.measures]),
        ):
            twice = sorted({n for n in names if names.count(n) > 1})
            if twice:
                msg = (
                    f"health profile lists {what} name(s) {twice!r} more "
                    "than once; each value is measured once per profile"
                )
                raise PolicyError(msg)
        return self

    @property
    def measures(self) -> tuple[Measure, ...]:
        """Every measure, group by group."""
        return tuple(m for g in self.groups for m in g.measures)


class Scorecard(BaseModel):
    """A versioned health scorecard: a default profile and stage profiles.

    Attributes:
        name: What the card is called.
        version: Its version (raise it on every change; the fingerprint
            records the exact content).
        profile: The profile of stages without their own.
        stages: A profile per lifecycle stage that is scored differently.

    Examples:
        >>> from customer_centric.risk import (
        ...     HealthProfile, Measure, MeasureGroup, Scorecard)
        >>> usage = MeasureGroup(name="usage", measures=(
        ...     Measure(name="logins_30d", direction="lower_is_worse",
        ...             amber=8, red=3),))
        >>> card = Scorecard(name="retail", version=1,
        ...                  profile=HealthProfile(groups=(usage,)))
        >>> len(card.fingerprint), card.profile_for("welcome")[0]
        (64, 'default')

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    profile: HealthProfile
    stages: FrozenMap[LifecycleStage, HealthProfile] = Field(
        default_factory=dict
    )

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the card's canonical JSON, recorded with each score.

        Computed once per card: every score records it.
        """
        return fingerprint_once(self)

    @property
    def measure_names(self) -> tuple[str, ...]:
        """Every value key any profile reads, each once, in card order."""
        profiles = (self.profile, *self.stages.values())
        names = (m.name for p in profiles for m in p.measures)
        return tuple(dict.fromkeys(names))

    def profile_for(
        self, stage: LifecycleStage | str | None, /
    ) -> tuple[str, HealthProfile]:
        """The name and profile that score a customer in ``stage``.

        ``None`` (stage unknown) and stages without a profile of their own
        get the default profile, named ``"default"``.

        Raises:
            PolicyError: ``stage`` is not a lifecycle stage.
        """
        if stage is None:
            return "default", self.profile
        try:
            found = LifecycleStage(check_instance(stage, str, name="stage"))
        except ValueError:
            allowed = [s.value for s in LifecycleStage]
            msg = (
                f"stage {stage!r} is not a lifecycle stage; use one of "
                f"{allowed!r} or None for the default profile"
            )
            raise PolicyError(msg) from None
        if found in self.stages:
            return found.value, self.stages[found]
        return "default", self.profile

    @classmethod
    def from_toml(cls, text: str, /) -> Self:
        """Load a card from TOML text (the same keys as its JSON).

        Raises:
            PolicyError: The text is not TOML, or the card is invalid (the
                message names the key and the value).

        Examples:
            >>> from customer_centric.risk import Scorecard
            >>> card = Scorecard.from_toml('''
            ... name = "retail"
            ... version = 2
            ... [[profile.groups]]
            ... name = "usage"
            ... [[profile.groups.measures]]
            ... name = "logins_30d"
            ... direction = "lower_is_worse"
            ... amber = 8
            ... red = 3
            ... ''')
            >>> card.profile.groups[0].measures[0].amber
            8.0
        """
        check_instance(text, str, name="text")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            msg = f"scorecard text is not valid TOML: {error}"
            raise PolicyError(msg) from None
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            errors = error.errors()
            locs = [e["loc"] for e in errors]
            # A bad measure also empties its group and profile; report only
            # the deepest error on each path, where the fix is.
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(card)'}: "
                f"{e['msg']} (got {e.get('input')!r})"
                for e in errors
                if not any(
                    len(o) > len(e["loc"]) and o[: len(e["loc"])] == e["loc"]
                    for o in locs
                )
            )
            msg = f"invalid scorecard: {problems}"
            raise PolicyError(msg) from None
