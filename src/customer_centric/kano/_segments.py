"""Comparing Kano results across segments of respondents.

Per-segment count tables, Pearson's chi-squared test of whether a
feature's category distribution differs between segments, and the
difference of Better and Worse between two segments with Newcombe's
(1998) interval. The p-value is computed in pure Python (the regularized
upper incomplete gamma function), so no scipy is needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Final, final

import attrs

from customer_centric._checks import check_instance, check_items
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano._counts import _PRIORITY, KanoCounts, _ordered
from customer_centric.kano._features import count_responses
from customer_centric.kano._survey import KanoResponse
from customer_centric.kano._tables import (
    STANDARD_TABLE,
    KanoCategory,
    KanoTable,
)
from customer_centric.kano._uncertainty import (
    KanoInterval,
    _named_counts,
    _wilson,
    _z,
)

__all__ = [
    "KanoDifference",
    "KanoSegmentTest",
    "coefficient_difference",
    "segment_counts",
    "segment_test",
]

_SHOWN: Final = 5
_EPSILON: Final = 1e-15
_TINY: Final = 1e-300


def segment_counts(
    responses: Iterable[KanoResponse],
    /,
    *,
    segments: Mapping[str, str],
    table: KanoTable = STANDARD_TABLE,
) -> dict[str, dict[str, KanoCounts]]:
    """Count each feature's categories separately in each segment.

    Args:
        responses: The survey's responses.
        segments: Each respondent's segment, by ``respondent_id``.
        table: The evaluation table.

    Returns:
        For each feature (in order of first appearance), its counts in
        each segment that answered it (segments in order of first
        appearance): the input of :func:`segment_test`.

    Raises:
        ArgumentTypeError: ``responses`` is not an iterable of
            :class:`KanoResponse`, ``segments`` is not a mapping or holds
            a segment that is not a string, or ``table`` is not a
            :class:`KanoTable`.
        DataError: A respondent has no segment.

    Examples:
        >>> from customer_centric.kano import KanoResponse, segment_counts
        >>> answers = [
        ...     KanoResponse(respondent_id=r, feature="app",
        ...                  functional=f, dysfunctional=d)
        ...     for r, f, d in [("R1", 1, 3), ("R2", 2, 5), ("R3", 1, 3)]]
        >>> tables = segment_counts(
        ...     answers, segments={"R1": "young", "R2": "old", "R3": "old"})
        >>> tables["app"]["old"]
        KanoCounts(attractive=1, one_dimensional=0, must_be=1, \
indifferent=0, reverse=0, questionable=0)

    .. versionadded:: 0.2
    """
    if not isinstance(segments, Mapping):
        raise ArgumentTypeError.for_argument(
            "segments", segments, "a mapping of respondent ids to segments"
        )
    check_instance(table, KanoTable, name="table")
    grouped: dict[str, list[KanoResponse]] = {}
    missing: dict[str, None] = {}
    for response in check_items(responses, KanoResponse, name="responses"):
        segment = segments.get(response.respondent_id)
        if segment is None:
            missing[response.respondent_id] = None
            continue
        name = f"segments[{response.respondent_id!r}]"
        grouped.setdefault(check_instance(segment, str, name=name), []).append(
            response
        )
    if missing:
        shown = ", ".join(repr(r) for r in list(missing)[:_SHOWN])
        more = (
            f" and {len(missing) - _SHOWN} more"
            if len(missing) > _SHOWN
            else ""
        )
        msg = (
            f"{len(missing)} respondents have no segment: {shown}{more}; add "
            "them to segments, or leave their responses out"
        )
        raise DataError(msg)
    tables = {
        segment: count_responses(answers, table=table)
        for segment, answers in grouped.items()
    }
    features = dict.fromkeys(
        feature for found in tables.values() for feature in found
    )
    return {
        feature: {
            segment: found[feature]
            for segment, found in tables.items()
            if feature in found
        }
        for feature in features
    }


def _upper_gamma(a: float, x: float) -> float:
    """The regularized upper incomplete gamma function Q(a, x), x >= 0.

    A series for x < a + 1, a continued fraction (modified Lentz) beyond,
    as in Press et al. (2007), *Numerical Recipes*, 3rd ed., section 6.2.
    """
    if x == 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        shape = a
        while abs(term) >= abs(total) * _EPSILON:
            shape += 1
            term *= x / shape
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    b = x + 1 - a
    c = 1 / _TINY
    d = 1 / b
    fraction = d
    step = 0
    delta = 0.0
    while abs(delta - 1) >= _EPSILON:
        step += 1
        numerator = -step * (step - a)
        b += 2
        d = numerator * d + b
        d = 1 / (d if abs(d) >= _TINY else _TINY)
        c = b + numerator / c
        c = c if abs(c) >= _TINY else _TINY
        delta = d * c
        fraction *= delta
    return math.exp(log_front) * fraction


def _chi_square_p(statistic: float, degrees_of_freedom: int) -> float:
    """P(X >= statistic) for X chi-squared with the degrees of freedom."""
    return _upper_gamma(degrees_of_freedom / 2, statistic / 2)


@final
@attrs.frozen(kw_only=True)
class KanoSegmentTest:
    """Pearson's chi-squared test of one feature's categories by segment.

    Attributes:
        statistic: Pearson's X**2 over the segments-by-categories table.
        degrees_of_freedom: (segments - 1) * (categories - 1).
        p_value: The chance of an X**2 at least this large if every
            segment had the same category distribution.
        segments: The segments compared, in the order given.
        categories: The categories at least one respondent chose (the
            table's columns; a column of zeros carries no information).
        min_expected: The smallest expected count. The chi-squared
            approximation is trusted when no expected count is below 1
            and at most a fifth are below 5 (Cochran 1954).

    .. versionadded:: 0.2
    """

    statistic: float
    degrees_of_freedom: int
    p_value: float
    segments: tuple[str, ...]
    categories: tuple[KanoCategory, ...]
    min_expected: float


def _segment_table(
    counts: object,
) -> dict[str, KanoCounts]:
    table = _named_counts(counts, of="segment")
    if len(table) < 2:  # noqa: PLR2004 - a comparison needs two segments
        msg = (
            f"a comparison needs at least 2 segments, got {list(table)!r}; "
            "pass each segment's counts for the feature"
        )
        raise DataError(msg)
    empty = [name for name, found in table.items() if found.total == 0]
    if empty:
        msg = (
            f"segments {empty!r} have no respondents for this feature; "
            "leave them out of the comparison"
        )
        raise DataError(msg)
    return table


def segment_test(counts: Mapping[str, KanoCounts], /) -> KanoSegmentTest:
    """Do the segments differ in how they classify one feature?

    Pearson's chi-squared test of independence (Agresti 2007, ch. 2) on
    the segments-by-categories table of the feature's counts, over the six
    categories (drop questionable or other answers first with
    :func:`drop_categories` if they should not count). The statistic is
    computed exactly in rational arithmetic; the p-value is the
    chi-squared survival function, from the regularized upper incomplete
    gamma function in pure Python.

    Args:
        counts: The feature's counts in each segment, e.g.
            ``segment_counts(responses, segments=...)[feature]``.

    Raises:
        ArgumentTypeError: ``counts`` is not a mapping of names to
            :class:`KanoCounts`.
        DataError: Fewer than two segments, a segment without
            respondents, or every respondent chose the same category.
        InvariantError: The statistic is too large for a float.

    Examples:
        >>> from customer_centric.kano import KanoCounts, segment_test
        >>> test = segment_test({
        ...     "young": KanoCounts(attractive=30, must_be=10, indifferent=20),
        ...     "old": KanoCounts(attractive=12, must_be=25, indifferent=23)})
        >>> round(test.statistic, 2), test.degrees_of_freedom
        (14.35, 2)
        >>> round(test.p_value, 4)
        0.0008

    .. versionadded:: 0.2
    """
    table = _segment_table(counts)
    rows = {name: _ordered(found) for name, found in table.items()}
    columns = [
        k
        for k in range(len(_PRIORITY))
        if any(row[k] for row in rows.values())
    ]
    if len(columns) < 2:  # noqa: PLR2004 - one category leaves nothing to test
        msg = (
            "every respondent in every segment chose "
            f"{_PRIORITY[columns[0]].value!r}; there is no difference to "
            "test"
        )
        raise DataError(msg)
    n = sum(sum(row) for row in rows.values())
    totals = {k: sum(row[k] for row in rows.values()) for k in columns}
    expected_counts = {
        (name, k): Fraction(sum(row) * totals[k], n)
        for name, row in rows.items()
        for k in columns
    }
    statistic = sum(
        (
            (rows[name][k] - value) ** 2 / value
            for (name, k), value in expected_counts.items()
        ),
        Fraction(0),
    )
    try:
        value = float(statistic)
    except OverflowError:
        msg = (
            "the chi-squared statistic is too large for a float; check "
            "the counts"
        )
        raise InvariantError(msg) from None
    degrees = (len(rows) - 1) * (len(columns) - 1)
    return KanoSegmentTest(
        statistic=value,
        degrees_of_freedom=degrees,
        p_value=_chi_square_p(value, degrees),
        segments=tuple(rows),
        categories=tuple(_PRIORITY[k] for k in columns),
        min_expected=float(min(expected_counts.values())),
    )


@final
@attrs.frozen(kw_only=True)
class KanoDifference:
    """Better and Worse of one segment minus another, with intervals.

    Attributes:
        better: The first segment's Better minus the second's, in
            [-1, 1]; None if either segment has no A, O, M or I
            respondent.
        worse: The first segment's Worse minus the second's; None when
            ``better`` is.

    .. versionadded:: 0.2
    """

    better: KanoInterval | None
    worse: KanoInterval | None


def _newcombe(
    first: tuple[int, int], second: tuple[int, int], z: float, level: float
) -> KanoInterval:
    """Newcombe's (1998) hybrid score interval for p1 - p2 (method 10)."""
    (k1, n1), (k2, n2) = first, second
    p1, p2 = k1 / n1, k2 / n2
    low1, high1 = _wilson(p1, 1 / n1, z)
    low2, high2 = _wilson(p2, 1 / n2, z)
    difference = p1 - p2
    return KanoInterval(
        estimate=difference,
        low=max(-1.0, difference - math.hypot(p1 - low1, high2 - p2)),
        high=min(1.0, difference + math.hypot(high1 - p1, p2 - low2)),
        confidence=level,
    )


def coefficient_difference(
    first: KanoCounts,
    second: KanoCounts,
    /,
    *,
    confidence: float = 0.95,
) -> KanoDifference:
    """How much Better and Worse differ between two segments.

    Better and -Worse are proportions of each segment's classified
    respondents (A + O + M + I), so the difference of two independent
    segments gets Newcombe's (1998) hybrid score interval (his method 10),
    built from the two Wilson intervals: for ``p1 - p2`` it runs from
    ``d - sqrt((p1 - l1)**2 + (u2 - p2)**2)`` to
    ``d + sqrt((u1 - p1)**2 + (p2 - l2)**2)``. Worse's difference is that
    of ``(O + M) / N``, negated. An interval that excludes 0 says the
    segments differ at that level.

    Args:
        first: The first segment's counts for the feature.
        second: The second segment's counts.
        confidence: The confidence level, in (0, 1).

    Raises:
        ArgumentTypeError: A count is not a :class:`KanoCounts` or
            ``confidence`` is not a number.
        InvariantError: ``confidence`` is not in (0, 1).

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCounts, coefficient_difference)
        >>> young = KanoCounts(attractive=30, must_be=10, indifferent=20)
        >>> old = KanoCounts(attractive=12, must_be=25, indifferent=23)
        >>> b = coefficient_difference(young, old).better
        >>> round(b.estimate, 3), round(b.low, 3), round(b.high, 3)
        (0.3, 0.13, 0.447)

    .. versionadded:: 0.2
    """
    one = check_instance(first, KanoCounts, name="first")
    two = check_instance(second, KanoCounts, name="second")
    z = _z(confidence)
    level = float(confidence)
    m1, o1, a1, i1 = _ordered(one)[:4]
    m2, o2, a2, i2 = _ordered(two)[:4]
    n1, n2 = a1 + o1 + m1 + i1, a2 + o2 + m2 + i2
    if n1 == 0 or n2 == 0:
        return KanoDifference(better=None, worse=None)
    better = _newcombe((a1 + o1, n1), (a2 + o2, n2), z, level)
    dissatisfied = _newcombe((o1 + m1, n1), (o2 + m2, n2), z, level)
    return KanoDifference(
        better=better,
        worse=KanoInterval(
            estimate=-dissatisfied.estimate,
            low=-dissatisfied.high,
            high=-dissatisfied.low,
            confidence=level,
        ),
    )
