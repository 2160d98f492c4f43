from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given

from customer_centric.clv import CompressedRFM, compress, validate_rfm
from customer_centric.clv._rfm import broadcast_rfm, check_weights, factorise
from customer_centric.exceptions import DataError
from strategies import rfm_rows

BAD_ROWS = [
    ([1, 2], [3.0, 9.0], [5.0, 8.0], "recency must be <= T", "row 1"),
    ([-1, 2], [0.0, 1.0], [5.0, 8.0], "frequency must be >= 0", "row 0"),
    ([1.5, 2], [1.0, 1.0], [5.0, 8.0], "whole numbers", "row 0"),
    ([1, 2], [1.0, -1.0], [5.0, 8.0], "recency must be >= 0", "row 1"),
    ([1, 2], [1.0, 1.0], [5.0, -8.0], "T must be >= 0", "row 1"),
    ([0, 2], [3.0, 1.0], [5.0, 8.0], "recency must be 0 when", "row 0"),
    ([1, 2], [1.0, math.nan], [5.0, 8.0], "recency must be finite", "row 1"),
    ([1, 2], [1.0, 1.0], [5.0, math.inf], "T must be finite", "row 1"),
    ([1, 2], [1.0], [5.0, 8.0], "same length", "1"),
    ([], [], [], "empty", "empty"),
    ([[1, 2]], [[1.0, 1.0]], [[2.0, 2.0]], "one-dimensional", "shape"),
    (["a"], [1.0], [2.0], "frequency must be numbers", "'a'"),
]


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "message", "names"),
    BAD_ROWS,
    ids=[
        "recency-after-T",
        "negative-frequency",
        "fractional-frequency",
        "negative-recency",
        "negative-T",
        "recency-without-repeat",
        "nan",
        "inf",
        "ragged",
        "empty",
        "two-dimensional",
        "not-numbers",
    ],
)
def test_validate_rfm_rejects_bad_rows(
    x: list[object],
    t_x: list[object],
    big_t: list[object],
    message: str,
    names: str,
):
    """Each broken rule raises DataError naming the rule and the rows."""
    with pytest.raises(DataError, match=message) as info:
        validate_rfm(x, t_x, big_t)
    assert names in str(info.value)


def test_validate_rfm_shows_at_most_five_rows():
    """Long lists of offenders are cut, with a count of the rest."""
    with pytest.raises(DataError, match="and 5 more"):
        validate_rfm([1] * 10, [9.0] * 10, [5.0] * 10)


def test_validate_rfm_accepts_good_rows_and_defaults_weights():
    """Valid input comes back as float arrays with unit weights."""
    data = validate_rfm([0, 3], [0, 4], [5, 5])
    assert data.frequency.dtype == np.float64
    assert data.weights.tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("weights", "message"),
    [([1, 0], "weights must be > 0"), ([1], "one weight per row")],
    ids=["zero", "short"],
)
def test_bad_weights_raise(weights: list[float], message: str):
    """Weights must be positive and one per row."""
    with pytest.raises(DataError, match=message):
        check_weights(weights, size=2)


def test_broadcast_rfm_rejects_incompatible_shapes():
    """Shapes that do not broadcast are a DataError, not a numpy error."""
    with pytest.raises(DataError, match="do not broadcast"):
        broadcast_rfm([1, 2], [1.0, 1.0, 1.0], 5.0)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ((["one"], 1.0, 2.0), "frequency must be numbers, got ['one']"),
        (([1], 1.0, 2.0, ("t", "soon")), "t must be numbers, got 'soon'"),
    ],
    ids=["frequency", "horizon"],
)
def test_broadcast_rfm_rejects_non_numbers(
    columns: tuple[object, ...], message: str
):
    """A column that is not numeric is a DataError naming the column."""
    with pytest.raises(DataError, match=re.escape(message)):
        broadcast_rfm(*columns)


# --- compression -----------------------------------------------------------


def test_compress_merges_identical_rows_and_sums_weights():
    """Duplicates collapse into one row whose weight counts them."""
    c = compress(
        [2, 2, 0, 2], [5, 5, 0, 5], [9, 9, 9, 9], weights=[1, 2, 3, 4]
    )
    assert isinstance(c, CompressedRFM)
    assert c.frequency.tolist() == [0.0, 2.0]
    assert c.weights.tolist() == [3.0, 7.0]
    assert c.inverse.tolist() == [1, 1, 0, 1]


@given(rfm_rows())
def test_compress_round_trips_through_inverse(
    rows: tuple[list[float], list[float], list[float]],
):
    """Expanding the unique rows by ``inverse`` gives back the input."""
    x, t_x, big_t = rows
    c = compress(x, t_x, big_t)
    assert c.frequency[c.inverse].tolist() == x
    assert c.recency[c.inverse].tolist() == t_x
    assert c.T[c.inverse].tolist() == big_t
    assert c.weights.sum() == len(x)
    unique = {tuple(r) for r in zip(x, t_x, big_t, strict=True)}
    assert c.weights.size == len(unique)


def test_factorise_maps_values_to_uniques():
    """Factorise gives sorted uniques and the index of each value."""
    uniques, index = factorise(np.array([3.0, 1.0, 3.0]))
    assert uniques[index].tolist() == [3.0, 1.0, 3.0]
