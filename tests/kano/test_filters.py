import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.kano import (
    KanoCategory,
    KanoCounts,
    drop_categories,
    satisfaction_coefficients,
)
from strategies import kano_categories, kano_counts


def test_drop_questionable():
    """Questionable respondents are left out; the input is unchanged."""
    counts = KanoCounts(attractive=6, indifferent=2, questionable=2)
    kept = drop_categories(counts, categories=[KanoCategory.QUESTIONABLE])
    assert kept == KanoCounts(attractive=6, indifferent=2)
    assert counts.questionable == 2


def test_drop_indifferent_changes_better():
    """Leaving indifferent respondents out raises Better."""
    counts = KanoCounts(attractive=6, indifferent=2)
    kept = drop_categories(counts, categories=["indifferent"])  # type: ignore[list-item]
    assert satisfaction_coefficients(kept).better == 1.0


@given(kano_counts, st.lists(kano_categories))
def test_dropped_categories_are_zero(
    counts: KanoCounts, dropped: list[KanoCategory]
):
    """Dropped categories count 0, the others are kept."""
    kept = drop_categories(counts, categories=dropped)
    for category in KanoCategory:
        assert kept[category] == (
            0 if category in dropped else counts[category]
        )


@pytest.mark.parametrize(
    ("counts", "categories", "error"),
    [
        (None, [], ArgumentTypeError),
        (KanoCounts(), "Q", ArgumentTypeError),
        (KanoCounts(), ["Q"], InvariantError),
    ],
    ids=["counts", "string", "letter"],
)
def test_bad_filters(
    counts: object, categories: object, error: type[Exception]
):
    """Wrong counts or categories are refused."""
    with pytest.raises(error):
        drop_categories(counts, categories=categories)
