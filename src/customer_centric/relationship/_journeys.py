"""Journeys: how long customers stay in each stage and where they go next.

Read from replayed histories (:func:`replay` / :func:`replay_many`): each
:class:`TransitionRecord` says when a customer entered a stage, and the next
record of the same dimension says when they left it. From those records come
the time spent in each stage, the from→to flows of a period, the velocity of
the journey (days from its start to each stage) and a cohort's stage mix over
time. These are the journey reports CRM tools show: HubSpot's stage
calculated properties, for one, hold the date each record entered and exited
every stage and its time in the stage, and its reports show how long records
spend in each stage and how fast they move between stages (stage velocity).

Pure Python: times are in days, as ``float``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Final, final

import attrs
from pydantic import BaseModel

from customer_centric._checks import check_aware, check_choice
from customer_centric._stages import LifecycleStage, LoyaltyStage
from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.relationship._engine import Replay
from customer_centric.relationship._policy import DIMENSIONS

if TYPE_CHECKING:
    from customer_centric._types import CustomerId
    from customer_centric.relationship._policy import Dimension, Stage
    from customer_centric.relationship._state import TransitionRecord

__all__ = [
    "MixPoint",
    "StageFlow",
    "StageFlows",
    "StageMix",
    "StageReach",
    "StageTime",
    "StageVelocity",
    "TimeInStage",
    "stage_flows",
    "stage_mix",
    "stage_velocity",
    "time_in_stage",
]

_DAY: Final = 86_400.0
_HALF: Final = 0.5 + 1e-12
_STAGES: Final[dict[str, tuple[Stage, ...]]] = {
    "loyalty": tuple(LoyaltyStage),
    "lifecycle": tuple(LifecycleStage),
}


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / _DAY


def _quantile(ordered: Sequence[float], p: float) -> float:
    """The type-7 quantile of sorted data (Hyndman & Fan 1996).

    Linear interpolation between order statistics at ``(n - 1) p``: the
    default of R's ``quantile()``, numpy's ``quantile`` and Python's
    ``statistics.quantiles(method="inclusive")``.
    """
    position = (len(ordered) - 1) * p
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _km_median(
    completed: Sequence[float], censored: Sequence[float]
) -> float | None:
    """The Kaplan–Meier median: the first time survival falls to 0.5 or less.

    Kaplan & Meier (1958): at each time a stay ends, survival is multiplied
    by ``1 - ended / at risk``; a stay still running at that time (censored
    there or later) is at risk. ``None`` when survival stays above 0.5.
    """
    ended = Counter(completed)
    at_risk = len(completed) + len(censored)
    left = Counter(censored)
    survival = 1.0
    for time in sorted({*ended, *left}):
        if ended[time]:
            survival *= 1.0 - ended[time] / at_risk
            # A product such as 2/3 * 3/4 is one half up to rounding.
            if survival <= _HALF:
                return time
        at_risk -= ended[time] + left[time]
    return None


def _replays(replays: object) -> tuple[Replay, ...]:
    """The replays given as a mapping (from replay_many) or an iterable."""
    if isinstance(replays, Mapping):
        items: Iterable[object] = replays.values()
    elif isinstance(replays, Iterable) and not isinstance(
        replays, str | bytes | BaseModel
    ):
        items = replays
    else:
        raise ArgumentTypeError.for_argument(
            "replays",
            replays,
            "the replays of replay_many() (a mapping by customer id) or an "
            "iterable of Replay answers",
        )
    out: list[Replay] = []
    for index, item in enumerate(items):
        if not isinstance(item, Replay):
            raise ArgumentTypeError.for_argument(
                f"replays[{index}]", item, "a Replay from replay()"
            )
        out.append(item)
    return tuple(out)


def _moves(
    replay: Replay, dimension: Dimension
) -> tuple[TransitionRecord, ...]:
    """A customer's moves in one dimension, checked to run forward in time.

    Raises:
        InvariantError: A move occurred before the one it follows (only a
            policy with ``allow_out_of_order`` replays such histories).
    """
    moves = tuple(r for r in replay.history if r.dimension == dimension)
    for before, after in itertools.pairwise(moves):
        if after.occurred_at < before.occurred_at:
            msg = (
                f"customer {after.customer_id!r} moved to "
                f"{after.to_stage.value!r} at {after.occurred_at.isoformat()}"
                f", before entering {before.to_stage.value!r} at "
                f"{before.occurred_at.isoformat()}: time in stage needs "
                "histories in time order; sort each customer's events by "
                "occurred_at before replaying"
            )
            raise InvariantError(msg)
    return moves


def _period(
    start: object, end: object, *, names: tuple[str, str] = ("start", "end")
) -> tuple[datetime, datetime]:
    first = check_aware(start, name=names[0])
    last = check_aware(end, name=names[1])
    if last <= first:
        msg = (
            f"{names[1]} ({last.isoformat()}) must be after {names[0]} "
            f"({first.isoformat()}); the period is [{names[0]}, {names[1]})"
        )
        raise InvariantError(msg)
    return first, last


@final
@attrs.frozen(kw_only=True)
class StageTime:
    """How long customers stayed in one stage, in days.

    A stay starts with the move into the stage and ends with the next move
    of the same dimension. Stays still running at ``as_of`` are
    right-censored: they count in ``censored`` and in the Kaplan–Meier
    median, not in the other statistics, which describe completed stays
    only and so are biased low (the long stays are the ones most often
    still running).

    Attributes:
        stage: The stage.
        completed: Stays that ended by ``as_of``.
        censored: Stays still running at ``as_of``.
        mean_days: Mean length of the completed stays (``None`` if none).
        median_days: Median of the completed stays.
        lower_quartile_days: First quartile of the completed stays (type-7
            quantile, as R's ``quantile()`` and numpy's default).
        upper_quartile_days: Third quartile of the completed stays.
        km_median_days: The Kaplan–Meier (1958) median of all stays,
            completed and censored: the first length at which the estimated
            share of stays still running falls to one half. ``None`` when
            it never does (more than half may run longer than any
            observed ending).

    .. versionadded:: 0.2
    """

    stage: Stage
    completed: int
    censored: int
    mean_days: float | None
    median_days: float | None
    lower_quartile_days: float | None
    upper_quartile_days: float | None
    km_median_days: float | None


def _stage_time(
    stage: Stage, completed: list[float], censored: list[float]
) -> StageTime:
    ordered = sorted(completed)
    if not ordered:
        return StageTime(
            stage=stage,
            completed=0,
            censored=len(censored),
            mean_days=None,
            median_days=None,
            lower_quartile_days=None,
            upper_quartile_days=None,
            km_median_days=None,
        )
    return StageTime(
        stage=stage,
        completed=len(ordered),
        censored=len(censored),
        mean_days=math.fsum(ordered) / len(ordered),
        median_days=_quantile(ordered, 0.5),
        lower_quartile_days=_quantile(ordered, 0.25),
        upper_quartile_days=_quantile(ordered, 0.75),
        km_median_days=_km_median(ordered, censored),
    )


@final
@attrs.frozen(kw_only=True)
class TimeInStage:
    """Time in stage for every stage of one dimension, as of a time.

    Attributes:
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        as_of: The time the histories are read up to.
        stages: One :class:`StageTime` per stage of the dimension, in the
            stages' order (stages nobody entered have zero counts).

    .. versionadded:: 0.2
    """

    dimension: Dimension
    as_of: datetime
    stages: tuple[StageTime, ...]

    def for_stage(self, stage: Stage, /) -> StageTime:
        """The times of one stage.

        Raises:
            InvariantError: The stage is not of this dimension.
        """
        for times in self.stages:
            if times.stage == stage:
                return times
        shown = ", ".join(repr(t.stage.value) for t in self.stages)
        msg = (
            f"stage must be a {self.dimension} stage ({shown}), got "
            f"{stage!r}; pass a stage of this dimension"
        )
        raise InvariantError(msg)

    def to_rows(self) -> list[dict[str, str | int | float | None]]:
        """One row per stage, ready for a dataframe or a CSV writer.

        The keys are ``stage`` (its value) and the names of the
        :class:`StageTime` fields.

        Examples:
            >>> from datetime import datetime, UTC
            >>> from customer_centric.relationship import time_in_stage
            >>> rows = time_in_stage([], dimension="loyalty",
            ...     as_of=datetime(2025, 1, 1, tzinfo=UTC)).to_rows()
            >>> rows[0]["stage"], rows[0]["completed"], rows[0]["median_days"]
            ('suspect', 0, None)
        """
        return [
            {
                "stage": t.stage.value,
                "completed": t.completed,
                "censored": t.censored,
                "mean_days": t.mean_days,
                "median_days": t.median_days,
                "lower_quartile_days": t.lower_quartile_days,
                "upper_quartile_days": t.upper_quartile_days,
                "km_median_days": t.km_median_days,
            }
            for t in self.stages
        ]


def time_in_stage(
    replays: Mapping[CustomerId, Replay] | Iterable[Replay],
    /,
    *,
    dimension: Dimension,
    as_of: datetime,
) -> TimeInStage:
    """How long customers stay in each stage: counts, median, quartiles, mean.

    Each move into a stage starts a stay; the next move of the same
    dimension ends it. Moves after ``as_of`` are ignored, so the answer is
    what could have been reported at ``as_of``. A stay still running at
    ``as_of`` is right-censored: it is counted apart, and enters only the
    Kaplan–Meier median (Kaplan & Meier 1958). The median and quartiles of
    completed stays leave out the stays still running, which are the long
    ones, so they are biased low; read ``km_median_days`` when many stays
    are censored. The stage a history starts in (a new customer's suspect
    and acquisition stages) was not entered by a recorded move, so its
    time is unknown and not counted.

    Args:
        replays: The replays of :func:`replay_many` (a mapping by customer
            id) or any iterable of :class:`Replay` answers.
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        as_of: The time the histories are read up to.

    Returns:
        Time in stage, in days, for every stage of the dimension.

    Raises:
        InvariantError: An unknown dimension, a naive ``as_of``, or a
            history whose moves go back in time.
        ArgumentTypeError: Arguments of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     FirstPurchase, RepeatPurchase, replay, time_in_stage)
        >>> day = [datetime(2025, 1, d, tzinfo=UTC) for d in (1, 11, 21)]
        >>> r = replay([FirstPurchase(customer_id="C-1", occurred_at=day[0]),
        ...     *(RepeatPurchase(customer_id="C-1", occurred_at=d)
        ...       for d in day[1:])])
        >>> times = time_in_stage([r], dimension="loyalty",
        ...                       as_of=datetime(2025, 2, 1, tzinfo=UTC))
        >>> customer = times.for_stage("customer")
        >>> customer.completed, customer.median_days
        (1, 20.0)
        >>> client = times.for_stage("client")
        >>> client.completed, client.censored, client.km_median_days
        (0, 1, None)

    .. versionadded:: 0.2
    """
    checked = _replays(replays)
    check_choice(dimension, DIMENSIONS, name="dimension")
    end = check_aware(as_of, name="as_of")
    completed: dict[Stage, list[float]] = {}
    censored: dict[Stage, list[float]] = {}
    for replay in checked:
        moves = [m for m in _moves(replay, dimension) if m.occurred_at <= end]
        for move, after in itertools.zip_longest(moves, moves[1:]):
            if after is None:
                censored.setdefault(move.to_stage, []).append(
                    _days(move.occurred_at, end)
                )
            else:
                completed.setdefault(move.to_stage, []).append(
                    _days(move.occurred_at, after.occurred_at)
                )
    return TimeInStage(
        dimension=dimension,
        as_of=end,
        stages=tuple(
            _stage_time(
                stage, completed.get(stage, []), censored.get(stage, [])
            )
            for stage in _STAGES[dimension]
        ),
    )


@final
@attrs.frozen(kw_only=True)
class StageFlow:
    """How many moves went from one stage to another in a period.

    .. versionadded:: 0.2
    """

    from_stage: Stage
    to_stage: Stage
    count: int


@final
@attrs.frozen(kw_only=True)
class StageFlows:
    """The from→to flow matrix of one dimension over ``[start, end)``.

    Attributes:
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        start: The period's first instant.
        end: The instant after the period.
        stages: The stages of the dimension, the rows and columns of
            :meth:`matrix`.
        flows: Every pair with at least one move, by from-stage then
            to-stage in the stages' order.
        customers: Customers who moved at least once in the period.

    .. versionadded:: 0.2
    """

    dimension: Dimension
    start: datetime
    end: datetime
    stages: tuple[Stage, ...]
    flows: tuple[StageFlow, ...]
    customers: int

    @property
    def total(self) -> int:
        """Every move in the period."""
        return sum(flow.count for flow in self.flows)

    def matrix(self) -> tuple[tuple[int, ...], ...]:
        """Moves from the row's stage to the column's, over :attr:`stages`."""
        counts = {(f.from_stage, f.to_stage): f.count for f in self.flows}
        return tuple(
            tuple(counts.get((source, target), 0) for target in self.stages)
            for source in self.stages
        )

    def to_rows(self) -> list[dict[str, str | int]]:
        """One row per from→to pair that moved, for a dataframe or a CSV.

        The keys are ``from_stage``, ``to_stage`` (their values) and
        ``count``.
        """
        return [
            {
                "from_stage": f.from_stage.value,
                "to_stage": f.to_stage.value,
                "count": f.count,
            }
            for f in self.flows
        ]


def stage_flows(
    replays: Mapping[CustomerId, Replay] | Iterable[Replay],
    /,
    *,
    dimension: Dimension,
    start: datetime,
    end: datetime,
) -> StageFlows:
    """Count the moves between stages in a period: the flow matrix.

    Every recorded move of the dimension whose time is in ``[start, end)``
    counts once, so consecutive periods add up.

    Args:
        replays: The replays of :func:`replay_many` or an iterable of
            :class:`Replay` answers.
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        start: The period's first instant.
        end: The instant after the period.

    Returns:
        The moves of each from→to pair.

    Raises:
        InvariantError: An unknown dimension, naive times, or ``end`` not
            after ``start``.
        ArgumentTypeError: Arguments of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     FirstPurchase, InterestShown, replay_many, stage_flows)
        >>> t = datetime(2025, 1, 1, tzinfo=UTC)
        >>> out = replay_many([InterestShown(customer_id="A", occurred_at=t),
        ...                    FirstPurchase(customer_id="B", occurred_at=t)])
        >>> flows = stage_flows(out, dimension="loyalty", start=t,
        ...                     end=datetime(2025, 2, 1, tzinfo=UTC))
        >>> [(f.from_stage.value, f.to_stage.value, f.count)
        ...  for f in flows.flows]
        [('suspect', 'prospect', 1), ('suspect', 'customer', 1)]
        >>> flows.total, flows.customers
        (2, 2)

    .. versionadded:: 0.2
    """
    checked = _replays(replays)
    check_choice(dimension, DIMENSIONS, name="dimension")
    first, last = _period(start, end)
    counts: Counter[tuple[Stage, Stage]] = Counter()
    moved = 0
    for replay in checked:
        pairs = [
            (m.from_stage, m.to_stage)
            for m in replay.history
            if m.dimension == dimension and first <= m.occurred_at < last
        ]
        counts.update(pairs)
        moved += bool(pairs)
    stages = _STAGES[dimension]
    return StageFlows(
        dimension=dimension,
        start=first,
        end=last,
        stages=stages,
        flows=tuple(
            StageFlow(from_stage=source, to_stage=target, count=n)
            for source in stages
            for target in stages
            if (n := counts[source, target])
        ),
        customers=moved,
    )


@final
@attrs.frozen(kw_only=True)
class StageReach:
    """How fast customers reached one stage from the start of the journey.

    Attributes:
        stage: The stage.
        reached: Customers who ever entered it.
        median_days: Median days from the journey's start to the first
            entry (``None`` if nobody reached it).
        mean_days: Mean of the same days.

    .. versionadded:: 0.2
    """

    stage: Stage
    reached: int
    median_days: float | None
    mean_days: float | None


@final
@attrs.frozen(kw_only=True)
class StageVelocity:
    """Days from the start of the journey to each stage of one dimension.

    Attributes:
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        customers: Customers with at least one move (whose journey started).
        stages: One :class:`StageReach` per stage, in the stages' order.

    .. versionadded:: 0.2
    """

    dimension: Dimension
    customers: int
    stages: tuple[StageReach, ...]

    def to_rows(self) -> list[dict[str, str | int | float | None]]:
        """One row per stage, for a dataframe or a CSV writer.

        The keys are ``stage`` (its value), ``reached``, ``median_days``
        and ``mean_days``.
        """
        return [
            {
                "stage": r.stage.value,
                "reached": r.reached,
                "median_days": r.median_days,
                "mean_days": r.mean_days,
            }
            for r in self.stages
        ]


def stage_velocity(
    replays: Mapping[CustomerId, Replay] | Iterable[Replay],
    /,
    *,
    dimension: Dimension,
) -> StageVelocity:
    """Stage velocity: median days from the journey's start to each stage.

    A customer's journey starts with their first recorded move in either
    dimension (for a new customer, the first event that moved them, e.g.
    suspect to prospect). For each stage of the dimension, the days from
    that start to the customer's first entry into the stage are collected
    over the customers who reached it; customers who never did are left
    out, so read the median with ``reached``: a stage few reach quickly
    looks fast. This is the "time to reach a stage" view of CRM reports
    (HubSpot's stage velocity); :func:`time_in_stage` gives the time spent
    in each stage.

    Args:
        replays: The replays of :func:`replay_many` or an iterable of
            :class:`Replay` answers.
        dimension: ``"loyalty"`` or ``"lifecycle"``.

    Returns:
        How many customers reached each stage and how fast.

    Raises:
        InvariantError: An unknown dimension.
        ArgumentTypeError: Arguments of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     FirstPurchase, InterestShown, replay, stage_velocity)
        >>> r = replay([
        ...     InterestShown(customer_id="C-1",
        ...                   occurred_at=datetime(2025, 1, 1, tzinfo=UTC)),
        ...     FirstPurchase(customer_id="C-1",
        ...                   occurred_at=datetime(2025, 1, 15, tzinfo=UTC))])
        >>> v = stage_velocity([r], dimension="loyalty")
        >>> [(s.stage.value, s.reached, s.median_days) for s in v.stages][:3]
        [('suspect', 0, None), ('prospect', 1, 0.0), ('customer', 1, 14.0)]

    .. versionadded:: 0.2
    """
    checked = _replays(replays)
    check_choice(dimension, DIMENSIONS, name="dimension")
    days: dict[Stage, list[float]] = {}
    started = 0
    for replay in checked:
        history = replay.history
        if not history:
            continue
        started += 1
        origin = min(record.occurred_at for record in history)
        first: dict[Stage, datetime] = {}
        for move in history:
            if move.dimension == dimension:
                first.setdefault(move.to_stage, move.occurred_at)
        for stage, when in first.items():
            days.setdefault(stage, []).append(_days(origin, when))
    return StageVelocity(
        dimension=dimension,
        customers=started,
        stages=tuple(
            _reach(stage, sorted(days.get(stage, [])))
            for stage in _STAGES[dimension]
        ),
    )


def _reach(stage: Stage, ordered: list[float]) -> StageReach:
    return StageReach(
        stage=stage,
        reached=len(ordered),
        median_days=_quantile(ordered, 0.5) if ordered else None,
        mean_days=math.fsum(ordered) / len(ordered) if ordered else None,
    )


@final
@attrs.frozen(kw_only=True)
class MixPoint:
    """A cohort's stages at one time.

    Attributes:
        at: The time.
        counts: Customers in each stage, in the order of
            :attr:`StageMix.stages`.
        shares: ``counts`` over the cohort's size (all 0 for an empty
            cohort; they sum to 1 otherwise).

    .. versionadded:: 0.2
    """

    at: datetime
    counts: tuple[int, ...]
    shares: tuple[float, ...]


@final
@attrs.frozen(kw_only=True)
class StageMix:
    """The stage mix of an acquisition cohort over time.

    Attributes:
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        acquired_from: The cohort's first acquisition instant.
        acquired_before: The instant after the cohort's acquisition period.
        customers: The cohort's size.
        stages: The stages of the dimension.
        points: One :class:`MixPoint` per date asked, in order.

    .. versionadded:: 0.2
    """

    dimension: Dimension
    acquired_from: datetime
    acquired_before: datetime
    customers: int
    stages: tuple[Stage, ...]
    points: tuple[MixPoint, ...]

    def to_rows(self) -> list[dict[str, datetime | str | int | float]]:
        """One row per date and stage (long form), for a dataframe or a CSV.

        The keys are ``at``, ``stage`` (its value), ``count`` and
        ``share``.
        """
        return [
            {"at": point.at, "stage": stage.value, "count": n, "share": share}
            for point in self.points
            for stage, n, share in zip(
                self.stages, point.counts, point.shares, strict=True
            )
        ]


def _acquired_at(replay: Replay) -> datetime | None:
    """When the customer left the acquisition stage: their first purchase."""
    for record in replay.history:
        if record.from_stage is LifecycleStage.ACQUISITION:
            return record.occurred_at
    return None


def _dates(dates: object) -> tuple[datetime, ...]:
    if not isinstance(dates, Sequence) or isinstance(dates, str | bytes):
        raise ArgumentTypeError.for_argument(
            "dates", dates, "a sequence of timezone-aware datetimes"
        )
    out = tuple(
        check_aware(d, name=f"dates[{i}]") for i, d in enumerate(dates)
    )
    if not out or any(b <= a for a, b in itertools.pairwise(out)):
        msg = (
            f"dates must hold at least one date, in increasing order, got "
            f"{dates!r}; sort them and drop repeats"
        )
        raise InvariantError(msg)
    return out


def _stage_at(
    replay: Replay,
    moves: Sequence[TransitionRecord],
    when: datetime,
    dimension: Dimension,
) -> Stage:
    """The stage a customer was in at a time (moves at that time count)."""
    current: Stage | None = None
    for move in moves:
        if move.occurred_at > when:
            break
        current = move.to_stage
    if current is not None:
        return current
    if moves:
        return moves[0].from_stage
    # Never moved in this dimension: where the replay started and ended.
    never_moved: Stage = getattr(replay.state, dimension)
    return never_moved


def stage_mix(
    replays: Mapping[CustomerId, Replay] | Iterable[Replay],
    /,
    *,
    dimension: Dimension,
    dates: Sequence[datetime],
    acquired_from: datetime,
    acquired_before: datetime,
) -> StageMix:
    """An acquisition cohort's share of customers in each stage over time.

    The cohort is the customers acquired in ``[acquired_from,
    acquired_before)``: whose lifecycle left the acquisition stage (Stone &
    Woodcock: a prospect becomes a customer with the first purchase) in
    that period. At each date, every member of the cohort is in exactly one
    stage of the dimension, the one its last move at or before the date
    entered (before its first move, the stage its history starts in), so
    the shares of a non-empty cohort sum to 1. Plotted as a stacked area,
    this is the life of a cohort: how many still climb the ladder, how many
    are in trouble, how many are gone.

    Args:
        replays: The replays of :func:`replay_many` or an iterable of
            :class:`Replay` answers.
        dimension: ``"loyalty"`` or ``"lifecycle"``.
        dates: The times to read the mix at, increasing.
        acquired_from: The first instant of the acquisition period.
        acquired_before: The instant after the acquisition period.

    Returns:
        The cohort's counts and shares per stage at each date.

    Raises:
        InvariantError: An unknown dimension, naive times, an empty or
            unsorted ``dates``, an empty acquisition period, or a cohort
            member's history whose moves go back in time.
        ArgumentTypeError: Arguments of the wrong type.

    Examples:
        >>> from datetime import datetime, UTC
        >>> from customer_centric.relationship import (
        ...     AccountClosed, FirstPurchase, replay_many, stage_mix)
        >>> jan, mar = (datetime(2025, m, 1, tzinfo=UTC) for m in (1, 3))
        >>> out = replay_many([
        ...     FirstPurchase(customer_id="A", occurred_at=jan),
        ...     FirstPurchase(customer_id="B", occurred_at=jan),
        ...     AccountClosed(customer_id="B", occurred_at=mar,
        ...                   reason="price")])
        >>> mix = stage_mix(out, dimension="lifecycle",
        ...     dates=[jan, datetime(2025, 6, 1, tzinfo=UTC)],
        ...     acquired_from=jan, acquired_before=mar)
        >>> mix.customers
        2
        >>> [{s.value: share for s, share in zip(mix.stages, p.shares)
        ...   if share} for p in mix.points]
        [{'welcome': 1.0}, {'welcome': 0.5, 'divorce': 0.5}]

    .. versionadded:: 0.2
    """
    checked = _replays(replays)
    check_choice(dimension, DIMENSIONS, name="dimension")
    at = _dates(dates)
    first, last = _period(
        acquired_from,
        acquired_before,
        names=("acquired_from", "acquired_before"),
    )
    cohort = [
        replay
        for replay in checked
        if (when := _acquired_at(replay)) is not None and first <= when < last
    ]
    stages = _STAGES[dimension]
    counts: list[Counter[Stage]] = [Counter() for _ in at]
    for replay in cohort:
        moves = _moves(replay, dimension)
        for counter, when in zip(counts, at, strict=True):
            counter[_stage_at(replay, moves, when, dimension)] += 1
    size = len(cohort)
    return StageMix(
        dimension=dimension,
        acquired_from=first,
        acquired_before=last,
        customers=size,
        stages=stages,
        points=tuple(
            MixPoint(
                at=when,
                counts=tuple(counter[s] for s in stages),
                shares=tuple(
                    counter[s] / size if size else 0.0 for s in stages
                ),
            )
            for when, counter in zip(at, counts, strict=True)
        ),
    )
