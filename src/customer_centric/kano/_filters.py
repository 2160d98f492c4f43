"""Leaving some respondents out of a feature's counts before analysis."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from customer_centric._checks import check_instance, check_items
from customer_centric.kano._counts import KanoCounts
from customer_centric.kano._tables import KanoCategory, _category

__all__ = ["drop_categories"]


def drop_categories(
    counts: KanoCounts, /, *, categories: Iterable[KanoCategory]
) -> KanoCounts:
    """Leave out the respondents of some categories, e.g. questionable ones.

    A documented filter to apply before computing: questionable answers
    (Q) contradict themselves (Berger et al. 1993), and an analysis may
    also want to look only at respondents for whom the feature matters
    (drop indifferent and reverse). The counts of ``categories`` become 0;
    every statistic computed afterwards (total and category strength,
    Fong's test, the decision, the bootstrap, the segment test) then
    counts only the respondents left. Better and Worse never count reverse
    and questionable respondents anyway; dropping indifferent ones changes
    them. The input is not changed.

    Args:
        counts: The feature's counts.
        categories: The categories to leave out.

    Raises:
        ArgumentTypeError: ``counts`` is not a :class:`KanoCounts` or
            ``categories`` is not an iterable.
        InvariantError: An item of ``categories`` is not a category.

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCategory, KanoCounts, drop_categories, total_strength)
        >>> counts = KanoCounts(attractive=6, indifferent=2, questionable=2)
        >>> kept = drop_categories(counts,
        ...                        categories=[KanoCategory.QUESTIONABLE])
        >>> kept.total, total_strength(counts), total_strength(kept)
        (8, 0.6, 0.75)

    .. versionadded:: 0.2
    """
    check_instance(counts, KanoCounts, name="counts")
    dropped = {
        _category(item, name=f"categories[{index}]").value: 0
        for index, item in enumerate(
            check_items(categories, object, name="categories")
        )
    }
    return attrs.evolve(counts, **dropped)
