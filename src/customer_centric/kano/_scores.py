"""Continuous Kano analysis, the better-worse quadrant and Kano curves.

DuMouchel's continuous scores (Berger et al. 1993, §IV) turn each answer
into a number so that a feature's answers can be averaged; the
better-worse quadrant reads a category from the Berger coefficients; the
satisfaction curves draw the classic Kano diagram from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, final

import attrs

from customer_centric._checks import check_finite, check_instance, check_items
from customer_centric.exceptions import DataError, InvariantError
from customer_centric.kano._counts import KanoCoefficients
from customer_centric.kano._tables import (
    KanoAnswer,
    KanoCategory,
    _category,
)

__all__ = [
    "DYSFUNCTIONAL_SCORES",
    "FUNCTIONAL_SCORES",
    "KanoScore",
    "better_worse_quadrant",
    "continuous_quadrant",
    "continuous_score",
    "mean_score",
    "satisfaction_curve",
]

FUNCTIONAL_SCORES: Final[dict[KanoAnswer, float]] = {
    KanoAnswer.LIKE: 4.0,
    KanoAnswer.MUST_BE: 2.0,
    KanoAnswer.NEUTRAL: 0.0,
    KanoAnswer.LIVE_WITH: -1.0,
    KanoAnswer.DISLIKE: -2.0,
}
"""DuMouchel's scores for functional answers (Berger et al. 1993)."""

DYSFUNCTIONAL_SCORES: Final[dict[KanoAnswer, float]] = {
    KanoAnswer.LIKE: -2.0,
    KanoAnswer.MUST_BE: -1.0,
    KanoAnswer.NEUTRAL: 0.0,
    KanoAnswer.LIVE_WITH: 2.0,
    KanoAnswer.DISLIKE: 4.0,
}
"""DuMouchel's scores for dysfunctional answers, mirrored."""


_LOWEST: Final = -2.0
_HIGHEST: Final = 4.0


def _on_scale(
    instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    del instance
    _check_threshold(value, name=attribute.name, low=_LOWEST, high=_HIGHEST)


@final
@attrs.frozen(kw_only=True)
class KanoScore:
    """A point on DuMouchel's continuous Kano plane (Berger et al. 1993).

    Attributes:
        functional: Satisfaction when present, from -2 to 4.
        dysfunctional: Dissatisfaction when absent, from -2 to 4
            (higher means its absence hurts more).

    Raises:
        ArgumentTypeError: A score is not a number.
        InvariantError: A score is NaN, infinite or outside [-2, 4].

    Examples:
        >>> from customer_centric.kano import KanoScore
        >>> KanoScore(functional=4.0, dysfunctional=-2.0).functional
        4.0
        >>> KanoScore(functional=1e308, dysfunctional=0.0)
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: functional must be in \
[-2.0, 4.0], got 1e+308

    .. versionadded:: 0.1
    """

    functional: float = attrs.field(validator=_on_scale)
    dysfunctional: float = attrs.field(validator=_on_scale)


def continuous_score(
    functional: KanoAnswer | int | str,
    dysfunctional: KanoAnswer | int | str,
    /,
) -> KanoScore:
    """Score one respondent's pair of answers (DuMouchel's scale).

    Functional answers score like 4, must-be 2, neutral 0, live with -1,
    dislike -2; dysfunctional answers the mirror image: like -2, must-be
    -1, neutral 0, live with 2, dislike 4 (Berger et al. 1993).

    Raises:
        InvariantError: Either answer is unknown.

    Examples:
        >>> from customer_centric.kano import continuous_score
        >>> continuous_score("like", "dislike")
        KanoScore(functional=4.0, dysfunctional=4.0)

    .. versionadded:: 0.1
    """
    return KanoScore(
        functional=FUNCTIONAL_SCORES[KanoAnswer.parse(functional)],
        dysfunctional=DYSFUNCTIONAL_SCORES[KanoAnswer.parse(dysfunctional)],
    )


def mean_score(scores: Iterable[KanoScore], /) -> KanoScore:
    """Average a feature's continuous scores.

    Raises:
        DataError: There are no scores.
        ArgumentTypeError: ``scores`` is not an iterable of
            :class:`KanoScore`.

    Examples:
        >>> from customer_centric.kano import continuous_score, mean_score
        >>> mean_score([continuous_score(1, 5), continuous_score(3, 3)])
        KanoScore(functional=2.0, dysfunctional=2.0)

    .. versionadded:: 0.1
    """
    count = 0
    total_f = total_d = 0.0
    for score in check_items(scores, KanoScore, name="scores"):
        count += 1
        total_f += score.functional
        total_d += score.dysfunctional
    if count == 0:
        msg = "cannot average no Kano scores; pass at least one respondent"
        raise DataError(msg)
    return KanoScore(functional=total_f / count, dysfunctional=total_d / count)


def _check_threshold(
    value: object, *, name: str, low: float, high: float
) -> float:
    number = check_finite(value, name=name)
    if not low <= number <= high:
        msg = f"{name} must be in [{low}, {high}], got {value!r}"
        raise InvariantError(msg)
    return number


def continuous_quadrant(
    score: KanoScore, /, *, midpoint: float = 2.0
) -> KanoCategory:
    """The category of a mean continuous score's quadrant.

    With the dysfunctional score on the horizontal axis and the functional
    score on the vertical, both split at ``midpoint`` (2, the middle of
    the 0-4 plotting range in Berger et al. 1993): high/high is
    one-dimensional, high functional only attractive, high dysfunctional
    only must-be, neither indifferent. A point on a line counts as low,
    so a pure must-be answer (functional 2, dysfunctional 4) lands in the
    must-be quadrant.

    Raises:
        ArgumentTypeError: ``score`` is not a :class:`KanoScore` or
            ``midpoint`` is not a number.
        InvariantError: ``midpoint`` is NaN, infinite or outside [-2, 4].

    Examples:
        >>> from customer_centric.kano import KanoScore, continuous_quadrant
        >>> continuous_quadrant(KanoScore(functional=3.1, dysfunctional=0.4))
        <KanoCategory.ATTRACTIVE: 'attractive'>

    .. versionadded:: 0.1
    """
    check_instance(score, KanoScore, name="score")
    line = _check_threshold(
        midpoint, name="midpoint", low=_LOWEST, high=_HIGHEST
    )
    return _quadrant(
        satisfies=score.functional > line,
        hurts=score.dysfunctional > line,
    )


def _quadrant(*, satisfies: bool, hurts: bool) -> KanoCategory:
    if satisfies and hurts:
        return KanoCategory.ONE_DIMENSIONAL
    if satisfies:
        return KanoCategory.ATTRACTIVE
    if hurts:
        return KanoCategory.MUST_BE
    return KanoCategory.INDIFFERENT


def better_worse_quadrant(
    coefficients: KanoCoefficients, /, *, threshold: float = 0.5
) -> KanoCategory | None:
    """The category of a feature's quadrant in the better-worse diagram.

    ``Better > threshold`` and ``|Worse| > threshold``: one-dimensional;
    only Better: attractive; only ``|Worse|``: must-be; neither: indifferent
    (a value on the line counts as low).
    0.5 splits the unit square in halves, as in Berger et al.'s (1993)
    diagram. None when the coefficients are undefined.

    Raises:
        ArgumentTypeError: ``coefficients`` is not a
            :class:`KanoCoefficients` or ``threshold`` is not a number.
        InvariantError: ``threshold`` is NaN, infinite or outside [0, 1].

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCoefficients, better_worse_quadrant)
        >>> better_worse_quadrant(KanoCoefficients(better=0.2, worse=-0.8))
        <KanoCategory.MUST_BE: 'must_be'>

    .. versionadded:: 0.1
    """
    check_instance(coefficients, KanoCoefficients, name="coefficients")
    line = _check_threshold(threshold, name="threshold", low=0.0, high=1.0)
    if coefficients.better is None or coefficients.worse is None:
        return None
    return _quadrant(
        satisfies=coefficients.better > line,
        hurts=-coefficients.worse > line,
    )


_CURVED: Final = frozenset(
    {
        KanoCategory.ATTRACTIVE,
        KanoCategory.ONE_DIMENSIONAL,
        KanoCategory.MUST_BE,
        KanoCategory.INDIFFERENT,
    }
)


def satisfaction_curve(
    category: KanoCategory,
    coefficients: KanoCoefficients,
    /,
    fulfilment: float,
) -> float:
    """Satisfaction at a degree of fulfilment, on the Kano diagram.

    Every curve runs from (0, Worse) to (1, Better), so ``Better - Worse``
    is the satisfaction a full implementation adds over none. With
    ``x = fulfilment`` in [0, 1] and ``s = Better - Worse``:

    - one-dimensional (and indifferent): linear, ``Worse + s * x``;
    - attractive: convex, ``Worse + s * x**2`` (little gain until the
      feature is well done, then a steep rise);
    - must-be: concave, ``Worse + s * (1 - (1 - x)**2)`` (a steep rise out
      of dissatisfaction, then flat).

    The quadratics are the simplest monotone convex and concave curves
    through both end points; the literature draws these shapes (Kano et
    al. 1984) but fixes no formula.

    Raises:
        ArgumentTypeError: ``coefficients`` is not a
            :class:`KanoCoefficients` or ``fulfilment`` is not a number.
        InvariantError: ``fulfilment`` is NaN, infinite or outside [0, 1],
            or the category is unknown, reverse or questionable (they have
            no curve).
        DataError: The coefficients are undefined (no respondents).

    Examples:
        >>> from customer_centric.kano import KanoCategory, KanoCoefficients
        >>> from customer_centric.kano import satisfaction_curve
        >>> c = KanoCoefficients(better=0.8, worse=-0.2)
        >>> satisfaction_curve(KanoCategory.ATTRACTIVE, c, 0.5)
        0.05
        >>> satisfaction_curve(KanoCategory.MUST_BE, c, 0.5)
        0.55

    .. versionadded:: 0.1
    """
    category = _category(category, name="category")
    check_instance(coefficients, KanoCoefficients, name="coefficients")
    x = _check_threshold(fulfilment, name="fulfilment", low=0.0, high=1.0)
    if category not in _CURVED:
        msg = (
            f"{category.name} features have no satisfaction "
            "curve; use attractive, one_dimensional, must_be or indifferent"
        )
        raise InvariantError(msg)
    better, worse = coefficients.better, coefficients.worse
    if better is None or worse is None:
        msg = (
            "cannot draw a Kano curve from undefined coefficients "
            "(no A, O, M or I respondents); collect answers first"
        )
        raise DataError(msg)
    span = better - worse
    if category is KanoCategory.ATTRACTIVE:
        shape = x * x
    elif category is KanoCategory.MUST_BE:
        shape = 1.0 - (1.0 - x) * (1.0 - x)
    else:
        shape = x
    return round(worse + span * shape, 12)
