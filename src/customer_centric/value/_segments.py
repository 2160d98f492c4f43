"""RFM scores and the conventional named segments, in pure Python.

Scores rank each customer on recency, frequency and monetary value from 1
(worst) to ``bins`` (best); segments name cells of the score space
(Champions, At risk, ...) through rules that are data the caller can
replace; a last table maps segments to rungs of the loyalty ladder.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from types import MappingProxyType
from typing import Final, cast, final

import attrs
from pydantic import BaseModel, ConfigDict, field_validator

from customer_centric._checks import check_finite, check_instance
from customer_centric._display import (
    NO_VALUE,
    Table,
    tables_html,
    tables_markdown,
)
from customer_centric._stages import LoyaltyStage
from customer_centric._types import CustomerId
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
    PolicyError,
)
from customer_centric.value._transactions import RFMSummary

__all__ = [
    "DEFAULT_SEGMENT_RULES",
    "OTHERS",
    "SEGMENT_LOYALTY",
    "RFMScores",
    "RFMSegments",
    "SegmentRule",
    "quantile_scores",
    "rfm_scores",
    "rfm_segments",
    "segment_loyalty",
]

OTHERS: Final = "Others"
"""The segment of a customer whom no rule matches; never dropped."""


def quantile_scores(
    values: Sequence[float],
    /,
    *,
    bins: int = 5,
    breaks: Sequence[float] | None = None,
    higher_is_better: bool = True,
) -> tuple[int, ...]:
    """Score each value from 1 to ``bins`` by quantile bins or given breaks.

    Without ``breaks`` the ``bins - 1`` inner edges are the sample
    quantiles at ``1/bins, 2/bins, ...`` computed by linear interpolation
    between order statistics (Hyndman & Fan 1996 type 7, the default of R's
    ``quantile()`` and of numpy, as in the R ``rfm`` package's scoring).
    A value is scored by the number of edges strictly below it, plus one:
    bins are ``(lower, upper]`` intervals, the default of R's ``cut()``
    and of :func:`pandas.cut`, so a value equal to an edge stays in the
    lower bin. Equal values therefore always get the same score; when ties
    make edges equal, the bins between them stay empty and their scores go
    unused. This differs on purpose from the R ``rfm`` package's
    ``[lower, upper)`` bins: there, a mass of tied lowest values (the
    one-time buyers, whose repeat frequency is 0) is lifted to a high
    score; here it stays at 1.
    With ``higher_is_better=False`` the scores are reversed
    (``bins + 1 - score``), for measures where less is better.

    Args:
        values: The measure per customer; finite numbers.
        bins: How many scores, at least 2.
        breaks: ``bins - 1`` strictly increasing inner edges to use instead
            of the quantiles.
        higher_is_better: Whether a larger value earns a higher score.

    Returns:
        One score in ``1..bins`` per value, in the order given.

    Raises:
        InvariantError: ``bins`` is below 2, a value or edge is not
            finite, or ``breaks`` has the wrong length or order.
        DataError: ``values`` is empty.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from customer_centric.value import quantile_scores
        >>> quantile_scores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        (1, 1, 2, 2, 3, 3, 4, 4, 5, 5)
        >>> quantile_scores([1, 1, 2, 3], bins=2)
        (1, 1, 2, 2)

        Ties on an edge stay below it: the two lowest edges are both 0, so
        scores 2 and 3 go unused.

        >>> quantile_scores([0, 0, 0, 0, 1, 2], bins=4)
        (1, 1, 1, 1, 4, 4)
        >>> quantile_scores([3, 40, 7], bins=3, breaks=[5, 30],
        ...                 higher_is_better=False)
        (3, 1, 2)

    .. versionadded:: 0.1
    """
    check_instance(higher_is_better, bool, name="higher_is_better")
    numbers = _numbers(values, name="values")
    edges = quantile_edges(numbers, bins=bins, breaks=breaks)
    scores = (1 + bisect_left(edges, number) for number in numbers)
    if higher_is_better:
        return tuple(scores)
    return tuple(bins + 1 - score for score in scores)


def quantile_edges(
    values: Sequence[float],
    /,
    *,
    bins: int = 5,
    breaks: Sequence[float] | None = None,
) -> tuple[float, ...]:
    """The ``bins - 1`` inner edges :func:`quantile_scores` scores by.

    The type-7 sample quantiles of ``values`` at ``1/bins, 2/bins, ...``,
    or ``breaks`` once checked; a value scores one more than the number of
    edges strictly below it. The dataframe path
    (:func:`customer_centric.frames.rfm_segments`) scores with these same
    edges, so both paths agree to the last bit.

    Raises:
        InvariantError: As :func:`quantile_scores`.
        DataError: ``values`` is empty.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from customer_centric.value import quantile_edges
        >>> quantile_edges([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
        (2.8, 4.6, 6.4, 8.2)

    .. versionadded:: 0.2
    """
    _check_bins(bins)
    numbers = _numbers(values, name="values")
    if not numbers:
        msg = "values is empty; pass at least one customer's value to score"
        raise DataError(msg)
    if breaks is None:
        return _quantile_edges(numbers, bins)
    return _check_breaks(breaks, bins, name="breaks")


_MOST_BINS: Final = 1000
"""The most scores per measure: the edges are computed one by one, and a
thousand quantiles already rank finer than any segment rule reads (a
number of bins past 1e308 could not even be divided by)."""


def _check_bins(bins: object) -> int:
    """Return ``bins`` if it is an int from 2 to :data:`_MOST_BINS`."""
    count = check_instance(bins, int, name="bins")
    if not 2 <= count <= _MOST_BINS:  # noqa: PLR2004 - two is the least
        msg = (
            f"bins must be from 2 to {_MOST_BINS}, got {bins!r}; pass 5 "
            "(the convention) or 10"
        )
        raise InvariantError(msg)
    return count


def _check_breaks(
    breaks: object, bins: int, *, name: str
) -> tuple[float, ...]:
    """Return ``breaks`` as ``bins - 1`` strictly increasing finite edges."""
    edges = _numbers(breaks, name=name)
    if len(edges) != bins - 1:
        msg = (
            f"{name} must hold bins - 1 = {bins - 1} inner edges, got "
            f"{len(edges)} ({list(edges)!r}); pass {bins - 1} edges or "
            f"bins={len(edges) + 1}"
        )
        raise InvariantError(msg)
    for low, high in pairwise(edges):
        if not low < high:
            msg = (
                f"{name} must be strictly increasing, got {list(edges)!r} "
                f"({low!r} then {high!r}); sort them and drop duplicates"
            )
            raise InvariantError(msg)
    return edges


def _numbers(values: object, *, name: str) -> tuple[float, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence):
        what = "a sequence of numbers"
        raise ArgumentTypeError.for_argument(name, values, what)
    items = cast("Sequence[object]", values)
    return tuple(
        check_finite(
            float(v) if isinstance(v, Decimal) and v.is_finite() else v,
            name=f"{name}[{i}]",
        )
        for i, v in enumerate(items)
    )


def _quantile_edges(numbers: Sequence[float], bins: int) -> tuple[float, ...]:
    """The type-7 sample quantiles at ``k / bins`` for ``k = 1..bins-1``."""
    ordered = sorted(numbers)
    last = len(ordered) - 1
    edges: list[float] = []
    for k in range(1, bins):
        low, rest = divmod(last * k, bins)
        value = ordered[low]
        if rest:
            value += (ordered[low + 1] - value) * rest / bins
        edges.append(value)
    return tuple(edges)


@final
@attrs.frozen(kw_only=True)
class RFMScores:
    """Recency, frequency and monetary scores per customer, 1 to ``bins``.

    Attributes:
        customer_ids: The customers, in the summary's order.
        recency: R score; higher means a more recent last purchase.
        frequency: F score; higher means more repeat purchases.
        monetary: M score; higher means a larger mean spend.
        bins: The highest score.

    Built by :func:`rfm_scores` from a summary, or from plain sequences
    with :func:`quantile_scores`.

    Examples:
        >>> from customer_centric.value import RFMScores, quantile_scores
        >>> days_since_last = [3, 40, 12]
        >>> s = RFMScores(
        ...     customer_ids=("A", "B", "C"),
        ...     recency=quantile_scores(days_since_last, bins=3,
        ...                             higher_is_better=False),
        ...     frequency=quantile_scores([4, 0, 1], bins=3),
        ...     monetary=quantile_scores([20.0, 5.0, 80.0], bins=3),
        ...     bins=3)
        >>> s.cells()
        ((3, 3, 2), (1, 1, 1), (2, 2, 3))

    .. versionadded:: 0.1
    """

    customer_ids: tuple[CustomerId, ...]
    recency: tuple[int, ...]
    frequency: tuple[int, ...]
    monetary: tuple[int, ...]
    bins: int

    def __len__(self) -> int:
        return len(self.customer_ids)

    def cells(self) -> tuple[tuple[int, int, int], ...]:
        """The ``(R, F, M)`` scores of each customer."""
        return tuple(
            zip(self.recency, self.frequency, self.monetary, strict=True)
        )


def rfm_scores(
    summary: RFMSummary,
    /,
    *,
    bins: int = 5,
    recency_breaks: Sequence[float] | None = None,
    frequency_breaks: Sequence[float] | None = None,
    monetary_breaks: Sequence[float] | None = None,
) -> RFMScores:
    """Score every customer of an RFM summary on R, F and M.

    Each measure is scored by :func:`quantile_scores` (quantile bins, ties
    always scored alike) or by the breaks given for it. Recency is scored
    on the time *since* the last purchase, ``T - recency`` in the summary's
    ``time_unit`` (in the summary, ``recency`` is the time from the first
    to the last purchase, lifetimes' convention), so a more recent customer
    earns a *higher* R score; ``recency_breaks`` are edges of that time
    since the last purchase. F scores ``frequency`` (repeat purchase days)
    and M scores ``monetary_value``.

    Args:
        summary: From :func:`~customer_centric.value.rfm_summary`; it must
            carry amounts.
        bins: How many scores per measure, at least 2.
        recency_breaks: ``bins - 1`` increasing edges of ``T - recency``.
        frequency_breaks: ``bins - 1`` increasing edges of ``frequency``.
        monetary_breaks: ``bins - 1`` increasing edges of
            ``monetary_value``.

    Returns:
        The scores, aligned with ``summary.customer_ids``.

    Raises:
        DataError: The summary is empty or carries no amounts.
        InvariantError: As :func:`quantile_scores`.
        ArgumentTypeError: ``summary`` is not an :class:`RFMSummary`.

    Examples:
        >>> from datetime import date
        >>> from decimal import Decimal
        >>> from customer_centric import Transaction
        >>> from customer_centric.value import rfm_scores, rfm_summary
        >>> log = [
        ...     Transaction(customer_id=c, occurred_at=date(2024, 1, d),
        ...                 amount=Decimal(a))
        ...     for c, d, a in [("A", 1, 10), ("A", 20, 50), ("B", 2, 5),
        ...                     ("B", 3, 5), ("B", 4, 5), ("C", 5, 80)]
        ... ]
        >>> s = rfm_scores(rfm_summary(log, observation_end=date(2024, 1, 31)),
        ...                bins=3)
        >>> s.cells()
        ((3, 2, 3), (1, 3, 2), (2, 1, 1))

    .. versionadded:: 0.1
    """
    check_instance(summary, RFMSummary, name="summary")
    _check_bins(bins)
    if not len(summary):
        msg = (
            "the RFM summary is empty; pass a summary of at least one customer"
        )
        raise DataError(msg)
    if summary.monetary_value is None:
        msg = (
            "the RFM summary carries no amounts, so there is no M to score; "
            "build it from transactions with an amount"
        )
        raise DataError(msg)
    since_last = [
        t - r for t, r in zip(summary.T, summary.recency, strict=True)
    ]
    return RFMScores(
        customer_ids=summary.customer_ids,
        recency=quantile_scores(
            since_last,
            bins=bins,
            breaks=recency_breaks,
            higher_is_better=False,
        ),
        frequency=quantile_scores(
            summary.frequency, bins=bins, breaks=frequency_breaks
        ),
        monetary=quantile_scores(
            [float(m) for m in summary.monetary_value],
            bins=bins,
            breaks=monetary_breaks,
        ),
        bins=bins,
    )


ScoreRange = tuple[int, int]


class SegmentRule(BaseModel):
    """A named box of the score space: inclusive ``(low, high)`` per measure.

    ``None`` for a measure means any score. Several rules may share a
    segment name, for segments that are not one box.

    Examples:
        >>> from customer_centric.value import SegmentRule
        >>> rule = SegmentRule(segment="Champions", recency=(5, 5),
        ...                    frequency=(4, 5))
        >>> rule.matches(5, 4, 1), rule.matches(4, 5, 5)
        (True, False)

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    segment: str
    recency: ScoreRange | None = None
    frequency: ScoreRange | None = None
    monetary: ScoreRange | None = None

    @field_validator("segment")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            msg = f"segment must be a non-empty name, got {value!r}"
            raise InvariantError(msg)
        return value

    @field_validator("recency", "frequency", "monetary")
    @classmethod
    def _ordered(cls, value: ScoreRange | None) -> ScoreRange | None:
        if value is not None and not 1 <= value[0] <= value[1]:
            msg = (
                f"a score range must be (low, high) with 1 <= low <= high, "
                f"got {value!r}; swap or raise the bounds"
            )
            raise InvariantError(msg)
        return value

    def _ranges(self) -> tuple[ScoreRange | None, ...]:
        return (self.recency, self.frequency, self.monetary)

    def matches(self, recency: int, frequency: int, monetary: int) -> bool:
        """Whether the scores fall in every range of the rule."""
        return all(
            bounds is None or bounds[0] <= score <= bounds[1]
            for bounds, score in zip(
                self._ranges(), (recency, frequency, monetary), strict=True
            )
        )

    def overlaps(self, other: SegmentRule) -> bool:
        """Whether some scores match both rules."""
        return all(
            a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])
            for a, b in zip(self._ranges(), other._ranges(), strict=True)
        )


def _rule(
    segment: str, recency: ScoreRange, frequency: ScoreRange
) -> SegmentRule:
    return SegmentRule(segment=segment, recency=recency, frequency=frequency)


DEFAULT_SEGMENT_RULES: Final[tuple[SegmentRule, ...]] = (
    _rule("Champions", (5, 5), (4, 5)),
    _rule("Loyal", (3, 4), (4, 5)),
    _rule("Potential loyalist", (4, 5), (2, 3)),
    _rule("New", (5, 5), (1, 1)),
    _rule("Promising", (4, 4), (1, 1)),
    _rule("Need attention", (3, 3), (3, 3)),
    _rule("About to sleep", (3, 3), (1, 2)),
    _rule("At risk", (1, 2), (3, 4)),
    _rule("Can't lose them", (1, 2), (5, 5)),
    _rule("Hibernating", (2, 2), (1, 2)),
    _rule("Hibernating", (1, 1), (2, 2)),
    _rule("Lost", (1, 1), (1, 1)),
)
"""The conventional segment map on 1-5 R and F scores.

An industry convention, not a published standard: the R-by-F grid widely
used by practitioners, with the names of the R ``rfm`` package and of
pymc-marketing's ``rfm_segments`` (whose own ranges differ). The ranges
here are this library's documented choice: every (R, F) cell of the 5 x 5
grid matches exactly one rule, M is left free, and "Lost" is the lowest
cell, carved out of "Hibernating". Replace the tuple to use another map.
"""


def check_segment_rules(
    rules: Sequence[SegmentRule], /
) -> tuple[SegmentRule, ...]:
    """Return ``rules`` as a tuple, checked that no two of them overlap.

    Raises:
        PolicyError: Two rules overlap; the message names both.
        ArgumentTypeError: Not a sequence of :class:`SegmentRule`.

    Examples:
        >>> from customer_centric.value import (
        ...     DEFAULT_SEGMENT_RULES, check_segment_rules)
        >>> len(check_segment_rules(DEFAULT_SEGMENT_RULES))
        12

    .. versionadded:: 0.2
    """
    given = cast("object", rules)  # checked here: callers pass anything
    if isinstance(given, str | bytes) or not isinstance(given, Sequence):
        raise ArgumentTypeError.for_argument(
            "rules", rules, "a sequence of SegmentRule"
        )
    checked = tuple(
        check_instance(rule, SegmentRule, name=f"rules[{i}]")
        for i, rule in enumerate(cast("Sequence[object]", rules))
    )
    for i, first in enumerate(checked):
        for j in range(i + 1, len(checked)):
            if first.overlaps(checked[j]):
                msg = (
                    f"segment rules {i} ({first!r}) and {j} "
                    f"({checked[j]!r}) overlap; narrow one of their ranges "
                    "so that every score matches at most one rule"
                )
                raise PolicyError(msg)
    return checked


@final
@attrs.frozen(kw_only=True)
class RFMSegments:
    """The segment of each customer, with the scores it came from.

    Attributes:
        customer_ids: The customers, in the scores' order.
        segments: One segment name per customer; :data:`OTHERS` when no
            rule matched.
        scores: The scores the rules were read on.

    Examples:
        >>> from customer_centric.value import RFMScores, rfm_segments
        >>> s = rfm_segments(RFMScores(customer_ids=("A", "B"),
        ...     recency=(5, 1), frequency=(5, 1), monetary=(2, 2), bins=5))
        >>> s.segments, s.counts()
        (('Champions', 'Lost'), {'Champions': 1, 'Lost': 1})

        ``repr`` is one line; in Jupyter the segments show as a table of
        their sizes, shares and loyalty rungs:

        >>> s
        RFMSegments(2 customers; 'Champions': 1, 'Lost': 1)

    .. versionadded:: 0.1
    """

    customer_ids: tuple[CustomerId, ...]
    segments: tuple[str, ...]
    scores: RFMScores

    def counts(self) -> dict[str, int]:
        """How many customers each segment holds, largest first."""
        return dict(Counter(self.segments).most_common())

    def __repr__(self) -> str:
        """One line: customers, then the largest segments."""
        largest = ", ".join(
            f"{name!r}: {n}" for name, n in list(self.counts().items())[:3]
        )
        more = len(self.counts()) - 3
        return f"RFMSegments({len(self.segments)} customers; {largest}" + (
            f"; {more} more segments)" if more > 0 else ")"
        )

    def _tables(self) -> tuple[Table, ...]:
        total = len(self.segments)
        rows = [
            (
                name,
                f"{n:,}",
                f"{n / total:.1%}",
                stage.value
                if (stage := SEGMENT_LOYALTY.get(name)) is not None
                else NO_VALUE,
            )
            for name, n in self.counts().items()
        ]
        header = ("segment", "customers", "share", "loyalty rung")
        caption = f"RFM segments of {total:,} customers"
        return (Table(caption, rows, header=header),)

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def rfm_segments(
    scores: RFMScores,
    /,
    *,
    rules: Sequence[SegmentRule] = DEFAULT_SEGMENT_RULES,
) -> RFMSegments:
    """Name each customer's segment from their RFM scores.

    The rules must not overlap, so each customer matches at most one; a
    customer whom no rule matches (e.g. a score of 6 or more under
    :data:`DEFAULT_SEGMENT_RULES`, made for 1-5 scores) is put in
    :data:`OTHERS`, never dropped.

    Args:
        scores: From :func:`rfm_scores`.
        rules: The segment map; see :data:`DEFAULT_SEGMENT_RULES` for the
            convention shipped.

    Returns:
        One segment per customer.

    Raises:
        PolicyError: Two rules overlap.
        DataError: The score columns differ in length.
        ArgumentTypeError: An argument has the wrong type.

    Examples:
        >>> from customer_centric.value import (
        ...     RFMScores, SegmentRule, rfm_segments)
        >>> scores = RFMScores(customer_ids=("A", "B"), recency=(2, 1),
        ...                    frequency=(2, 1), monetary=(2, 1), bins=2)
        >>> rfm_segments(scores, rules=[SegmentRule(segment="Best",
        ...     recency=(2, 2), frequency=(2, 2))]).segments
        ('Best', 'Others')

    .. versionadded:: 0.1
    """
    check_instance(scores, RFMScores, name="scores")
    columns = (scores.recency, scores.frequency, scores.monetary)
    if any(len(column) != len(scores) for column in columns):
        shown = [len(c) for c in (scores.customer_ids, *columns)]
        msg = (
            "the scores' columns differ in length (customer_ids, recency, "
            f"frequency, monetary: {shown!r}); give one score per customer "
            "in each"
        )
        raise DataError(msg)
    checked = check_segment_rules(rules)
    segments = tuple(
        next((rule.segment for rule in checked if rule.matches(*cell)), OTHERS)
        for cell in scores.cells()
    )
    return RFMSegments(
        customer_ids=scores.customer_ids, segments=segments, scores=scores
    )


SEGMENT_LOYALTY: Final[Mapping[str, LoyaltyStage]] = MappingProxyType(
    {
        "Champions": LoyaltyStage.ADVOCATE,
        "Loyal": LoyaltyStage.CLIENT,
        "Potential loyalist": LoyaltyStage.CLIENT,
        "New": LoyaltyStage.CUSTOMER,
        "Promising": LoyaltyStage.CUSTOMER,
        "Need attention": LoyaltyStage.CLIENT,
        "About to sleep": LoyaltyStage.CUSTOMER,
        "At risk": LoyaltyStage.CLIENT,
        "Can't lose them": LoyaltyStage.CLIENT,
        "Hibernating": LoyaltyStage.CUSTOMER,
        "Lost": LoyaltyStage.CUSTOMER,
        OTHERS: LoyaltyStage.CUSTOMER,
    }
)
"""The loyalty rung each default segment suggests; a documented choice.

Everyone in an RFM summary has bought, so no segment is below
``CUSTOMER``; segments of repeat buyers (F of 2 or more in
:data:`DEFAULT_SEGMENT_RULES`) are ``CLIENT``; only Champions, the most
recent and frequent, are read as ``ADVOCATE``. RFM sees purchases, not
recommendations, so treat the rung as a hint for the relationship policy,
not as evidence.
"""


def segment_loyalty(
    segment: str,
    /,
    *,
    mapping: Mapping[str, LoyaltyStage] = SEGMENT_LOYALTY,
) -> LoyaltyStage:
    """The loyalty rung a segment suggests, read from ``mapping``.

    Raises:
        InvariantError: ``segment`` is not in ``mapping``.
        ArgumentTypeError: ``segment`` is not a string.

    Examples:
        >>> from customer_centric.value import segment_loyalty
        >>> segment_loyalty("Champions")
        <LoyaltyStage.ADVOCATE: 'advocate'>

    .. versionadded:: 0.1
    """
    check_instance(segment, str, name="segment")
    table = cast("object", mapping)
    if not isinstance(table, Mapping):
        raise ArgumentTypeError.for_argument(
            "mapping", mapping, "a mapping of segment names to LoyaltyStage"
        )
    if segment not in mapping:
        known = ", ".join(repr(name) for name in mapping) or "none"
        msg = (
            f"no loyalty rung for segment {segment!r}; known: {known}. "
            "Add it to the mapping"
        )
        raise InvariantError(msg)
    return check_instance(
        mapping[segment], LoyaltyStage, name=f"mapping[{segment!r}]"
    )
