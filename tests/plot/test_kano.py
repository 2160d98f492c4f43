import math

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import pytest

from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.kano import (
    KanoCounts,
    KanoFeatureResult,
    KanoResponse,
    analyze,
    coefficient_intervals,
)
from customer_centric.plot import plot_better_worse


@pytest.fixture
def results():
    """Three features: a must-be, an attractive, and an all-reverse one."""
    answers = {
        "brakes": [(2, 5), (2, 5), (1, 5), (3, 3)],
        "gift": [(1, 3), (1, 3), (3, 3), (3, 3)],
        "ads": [(5, 1), (5, 1)],
    }
    return analyze(
        KanoResponse(
            respondent_id=f"R{n}", feature=f, functional=a, dysfunctional=b
        )
        for f, pairs in answers.items()
        for n, (a, b) in enumerate(pairs)
    )


def test_points_are_worse_and_better(results: tuple[KanoFeatureResult, ...]):
    """Each defined feature is drawn at (|Worse|, Better), with its label."""
    ax = plot_better_worse(results)
    try:
        offsets = ax.collections[0].get_offsets().tolist()
        assert offsets == [[0.75, 0.25], [0.0, 0.5]]
        labels = [t.get_text() for t in ax.texts]
        assert "brakes" in labels
        assert "gift" in labels
        assert "ads" not in labels
        assert ax.get_xlim() == (0.0, 1.0)
        assert ax.get_ylim() == (0.0, 1.0)
        assert "Worse" in ax.get_xlabel()
        assert "Better" in ax.get_ylabel()
    finally:
        plt.close(ax.figure)


def test_quadrant_lines_at_threshold(results: tuple[KanoFeatureResult, ...]):
    """Dashed quadrant lines are drawn at the threshold on both axes."""
    ax = plot_better_worse(results, threshold=0.4)
    try:
        xs = {tuple(line.get_xdata()) for line in ax.lines}
        ys = {tuple(line.get_ydata()) for line in ax.lines}
        assert (0.4, 0.4) in xs
        assert (0.4, 0.4) in ys
        quadrant_labels = {t.get_text() for t in ax.texts}
        assert "must-be\n(basic)" in quadrant_labels
        assert "attractive\n(excitement)" in quadrant_labels
    finally:
        plt.close(ax.figure)


def test_draws_on_given_axes(results: tuple[KanoFeatureResult, ...]):
    """A given Axes is drawn on and returned."""
    figure, ax = plt.subplots()
    try:
        assert plot_better_worse(results, ax=ax) is ax
        assert len(ax.collections) == 1
    finally:
        plt.close(figure)


@pytest.mark.parametrize("threshold", [0.0, 1.0, -1.0], ids=str)
def test_bad_threshold(
    results: tuple[KanoFeatureResult, ...], threshold: float
):
    """The quadrant threshold must be strictly inside (0, 1)."""
    with pytest.raises(InvariantError, match="threshold must be in"):
        plot_better_worse(results, threshold=threshold)


@pytest.mark.parametrize(
    ("threshold", "error", "match"),
    [
        (math.nan, InvariantError, "threshold must be a finite number"),
        (math.inf, InvariantError, "threshold must be a finite number"),
        (None, ArgumentTypeError, "threshold must be a real number"),
        ("0.5", ArgumentTypeError, "threshold must be a real number"),
    ],
    ids=["nan", "inf", "none", "text"],
)
def test_non_finite_or_wrong_threshold(
    results: tuple[KanoFeatureResult, ...],
    threshold: object,
    error: type[Exception],
    match: str,
):
    """A NaN or wrong-typed threshold is refused before anything is drawn."""
    figures = plt.get_fignums()
    with pytest.raises(error, match=match):
        plot_better_worse(results, threshold=threshold)  # type: ignore[arg-type]
    assert plt.get_fignums() == figures


@pytest.mark.parametrize(
    ("results", "match"),
    [
        (None, "results must be an iterable of KanoFeatureResult"),
        ("radio", "results must be an iterable of KanoFeatureResult"),
        ([None], r"results\[0\] must be a KanoFeatureResult"),
    ],
    ids=["none", "text", "none-item"],
)
def test_results_must_be_feature_results(results: object, match: str):
    """Wrong results are refused, naming the argument or the item."""
    figures = plt.get_fignums()
    with pytest.raises(ArgumentTypeError, match=match):
        plot_better_worse(results)  # type: ignore[arg-type]
    assert plt.get_fignums() == figures


def test_axes_must_be_axes(results: tuple[KanoFeatureResult, ...]):
    """Axes that are not matplotlib axes are refused by name."""
    with pytest.raises(ArgumentTypeError, match="ax must be a matplotlib"):
        plot_better_worse(results, ax="axes")  # type: ignore[arg-type]


def test_intervals_are_drawn_as_bars(results: tuple[KanoFeatureResult, ...]):
    """A feature with intervals gets a |Worse| bar and a Better bar."""
    brakes = next(r for r in results if r.feature == "brakes")
    found = coefficient_intervals(brakes.counts)
    assert found.better is not None
    assert found.worse is not None
    ax = plot_better_worse(results, intervals={"brakes": found})
    try:
        horizontal, vertical = ax.collections[1:]
        ((x_low, y), (x_high, _)) = horizontal.get_segments()[0].tolist()
        assert (x_low, x_high) == (-found.worse.high, -found.worse.low)
        assert y == found.better.estimate
        ((x, y_low), (_, y_high)) = vertical.get_segments()[0].tolist()
        assert x == -found.worse.estimate
        assert (y_low, y_high) == (found.better.low, found.better.high)
    finally:
        plt.close(ax.figure)


def test_features_without_defined_intervals_get_no_bars(
    results: tuple[KanoFeatureResult, ...],
):
    """Undefined intervals, or an undrawn feature's, draw no bars."""
    empty = coefficient_intervals(KanoCounts(reverse=1))
    ax = plot_better_worse(results, intervals={"gift": empty, "ads": empty})
    try:
        assert len(ax.collections) == 1
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize(
    ("intervals", "error", "match"),
    [
        ([], ArgumentTypeError, "intervals must be a mapping"),
        ({1: None}, ArgumentTypeError, "intervals' feature name"),
        ({"gift": 0.5}, ArgumentTypeError, r"intervals\['gift'\] must be"),
        (
            {"tyres": coefficient_intervals(KanoCounts(must_be=1))},
            InvariantError,
            r"not in results: \['tyres'\]",
        ),
    ],
    ids=["list", "key", "value", "unknown-feature"],
)
def test_bad_intervals(
    results: tuple[KanoFeatureResult, ...],
    intervals: object,
    error: type[Exception],
    match: str,
):
    """Intervals must be KanoCoefficientIntervals keyed by features."""
    with pytest.raises(error, match=match):
        plot_better_worse(results, intervals=intervals)  # type: ignore[arg-type]
    plt.close("all")
