import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano import (
    DYSFUNCTIONAL_SCORES,
    FUNCTIONAL_SCORES,
    KanoAnswer,
    KanoCategory,
    KanoCoefficients,
    KanoScore,
    better_worse_quadrant,
    continuous_quadrant,
    continuous_score,
    mean_score,
    satisfaction_curve,
)
from strategies import kano_coefficients


@pytest.mark.parametrize(
    ("answer", "functional", "dysfunctional"),
    [
        (KanoAnswer.LIKE, 4.0, -2.0),
        (KanoAnswer.MUST_BE, 2.0, -1.0),
        (KanoAnswer.NEUTRAL, 0.0, 0.0),
        (KanoAnswer.LIVE_WITH, -1.0, 2.0),
        (KanoAnswer.DISLIKE, -2.0, 4.0),
    ],
    ids=["like", "must_be", "neutral", "live_with", "dislike"],
)
def test_dumouchel_scores(
    answer: KanoAnswer, functional: float, dysfunctional: float
):
    """DuMouchel's scale: functional 4, 2, 0, -1, -2; dysfunctional mirror."""
    assert FUNCTIONAL_SCORES[answer] == functional
    assert DYSFUNCTIONAL_SCORES[answer] == dysfunctional
    assert continuous_score(answer, answer) == KanoScore(
        functional=functional, dysfunctional=dysfunctional
    )


def test_continuous_score_accepts_codes():
    """Codes and names score like members."""
    assert continuous_score(1, "dislike") == KanoScore(
        functional=4.0, dysfunctional=4.0
    )


def test_continuous_score_rejects_unknown_answer():
    """An unknown answer raises InvariantError."""
    with pytest.raises(InvariantError, match="unknown Kano answer"):
        continuous_score(9, 1)


def test_mean_score_averages_each_axis():
    """The mean score averages functional and dysfunctional separately."""
    scores = [continuous_score(1, 3), continuous_score(2, 5)]
    assert mean_score(scores) == KanoScore(functional=3.0, dysfunctional=2.0)
    assert mean_score(iter(scores)) == mean_score(scores)


def test_mean_score_needs_a_score():
    """Averaging nothing raises DataError."""
    with pytest.raises(DataError, match="at least one respondent"):
        mean_score([])


@pytest.mark.parametrize(
    ("better", "worse", "expected"),
    [
        (0.8, -0.8, KanoCategory.ONE_DIMENSIONAL),
        (0.8, -0.2, KanoCategory.ATTRACTIVE),
        (0.2, -0.8, KanoCategory.MUST_BE),
        (0.2, -0.2, KanoCategory.INDIFFERENT),
        (0.5, -0.5, KanoCategory.INDIFFERENT),
    ],
    ids=["O", "A", "M", "I", "on-the-lines"],
)
def test_better_worse_quadrant(
    better: float, worse: float, expected: KanoCategory
):
    """Better and |Worse| against 0.5 give the quadrant's category."""
    coefficients = KanoCoefficients(better=better, worse=worse)
    assert better_worse_quadrant(coefficients) is expected


def test_better_worse_quadrant_undefined():
    """Undefined coefficients have no quadrant."""
    assert (
        better_worse_quadrant(KanoCoefficients(better=None, worse=None))
        is None
    )


@pytest.mark.parametrize(
    "threshold",
    [-0.1, 1.1, math.nan, math.inf, 10**400],
    ids=["below", "above", "nan", "inf", "huge-int"],
)
def test_better_worse_quadrant_bad_threshold(threshold: float):
    """The quadrant threshold must be a finite number in [0, 1]."""
    with pytest.raises(InvariantError, match="threshold must be"):
        better_worse_quadrant(
            KanoCoefficients(better=0.1, worse=-0.1), threshold=threshold
        )


@pytest.mark.parametrize(
    ("functional", "dysfunctional", "expected"),
    [
        (4.0, 4.0, KanoCategory.ONE_DIMENSIONAL),
        (4.0, 0.0, KanoCategory.ATTRACTIVE),
        (0.0, 4.0, KanoCategory.MUST_BE),
        (0.0, 0.0, KanoCategory.INDIFFERENT),
    ],
    ids=["O", "A", "M", "I"],
)
def test_continuous_quadrant(
    functional: float, dysfunctional: float, expected: KanoCategory
):
    """Mean continuous scores split at 2 give the quadrant's category."""
    score = KanoScore(functional=functional, dysfunctional=dysfunctional)
    assert continuous_quadrant(score) is expected


def test_continuous_quadrant_matches_pure_answers():
    """The textbook answer pairs land in their own category's quadrant."""
    pairs = {
        (1, 5): KanoCategory.ONE_DIMENSIONAL,
        (1, 3): KanoCategory.ATTRACTIVE,
        (2, 5): KanoCategory.MUST_BE,
        (3, 3): KanoCategory.INDIFFERENT,
    }
    for (f, d), expected in pairs.items():
        assert continuous_quadrant(continuous_score(f, d)) is expected


def test_continuous_quadrant_bad_midpoint():
    """The midpoint must lie on the -2 to 4 scale."""
    with pytest.raises(InvariantError, match="midpoint"):
        continuous_quadrant(
            KanoScore(functional=0.0, dysfunctional=0.0), midpoint=5.0
        )


COEFFICIENTS = KanoCoefficients(better=0.7, worse=-0.4)


@pytest.mark.parametrize(
    "category",
    [
        KanoCategory.ATTRACTIVE,
        KanoCategory.ONE_DIMENSIONAL,
        KanoCategory.MUST_BE,
        KanoCategory.INDIFFERENT,
    ],
    ids=["A", "O", "M", "I"],
)
def test_curves_run_from_worse_to_better(category: KanoCategory):
    """Every curve starts at (0, Worse) and ends at (1, Better)."""
    assert satisfaction_curve(category, COEFFICIENTS, 0.0) == pytest.approx(
        -0.4
    )
    assert satisfaction_curve(category, COEFFICIENTS, 1.0) == pytest.approx(
        0.7
    )


def test_curve_shapes():
    """A is convex (below the line), M concave (above), O the line."""
    for x in (0.1, 0.25, 0.5, 0.75, 0.9):
        line = satisfaction_curve(
            KanoCategory.ONE_DIMENSIONAL, COEFFICIENTS, x
        )
        assert line == pytest.approx(-0.4 + 1.1 * x)
        assert satisfaction_curve(KanoCategory.ATTRACTIVE, COEFFICIENTS, x) < (
            line
        )
        assert satisfaction_curve(KanoCategory.MUST_BE, COEFFICIENTS, x) > (
            line
        )


@pytest.mark.parametrize(
    "category",
    [KanoCategory.REVERSE, KanoCategory.QUESTIONABLE],
    ids=["R", "Q"],
)
def test_no_curve_for_reverse_or_questionable(category: KanoCategory):
    """Reverse and questionable features have no curve."""
    with pytest.raises(InvariantError, match="no satisfaction curve"):
        satisfaction_curve(category, COEFFICIENTS, 0.5)


@pytest.mark.parametrize(
    "fulfilment",
    [-0.01, 1.01, math.nan, -math.inf, 10**400],
    ids=["below", "above", "nan", "minus-inf", "huge-int"],
)
def test_curve_rejects_fulfilment_outside_unit(fulfilment: float):
    """Fulfilment is a finite share in [0, 1]."""
    with pytest.raises(InvariantError, match="fulfilment must be"):
        satisfaction_curve(KanoCategory.MUST_BE, COEFFICIENTS, fulfilment)


def test_curve_needs_defined_coefficients():
    """No curve can be drawn without respondents."""
    with pytest.raises(DataError, match="undefined coefficients"):
        satisfaction_curve(
            KanoCategory.MUST_BE,
            KanoCoefficients(better=None, worse=None),
            0.5,
        )


@given(
    coefficients=kano_coefficients,
    x=st.floats(0, 1),
    y=st.floats(0, 1),
    category=st.sampled_from(
        [
            KanoCategory.ATTRACTIVE,
            KanoCategory.ONE_DIMENSIONAL,
            KanoCategory.MUST_BE,
        ]
    ),
)
def test_curves_are_monotone_and_bounded(
    coefficients: KanoCoefficients, x: float, y: float, category: KanoCategory
):
    """Satisfaction never falls as fulfilment rises, within [Worse, Better]."""
    better, worse = coefficients.better, coefficients.worse
    assert better is not None
    assert worse is not None
    low, high = sorted((x, y))
    s_low = satisfaction_curve(category, coefficients, low)
    s_high = satisfaction_curve(category, coefficients, high)
    assert s_low <= s_high + 1e-12
    assert worse - 1e-12 <= s_low <= better + 1e-12


@pytest.mark.parametrize(
    ("functional", "dysfunctional", "error", "match"),
    [
        (math.nan, 0.0, InvariantError, "functional must be a finite"),
        (0.0, math.inf, InvariantError, "dysfunctional must be a finite"),
        (-math.inf, 0.0, InvariantError, "functional must be a finite"),
        (1e308, 0.0, InvariantError, r"functional must be in \[-2.0, 4.0\]"),
        (0.0, -2.5, InvariantError, r"dysfunctional must be in"),
        (None, 0.0, ArgumentTypeError, "functional must be a real number"),
        (0.0, "4", ArgumentTypeError, "dysfunctional must be a real number"),
        (True, 0.0, ArgumentTypeError, "functional must be a real number"),
    ],
    ids=[
        "nan",
        "inf",
        "minus-inf",
        "huge",
        "below-scale",
        "none",
        "text",
        "bool",
    ],
)
def test_score_refuses_values_off_the_scale(
    functional: object,
    dysfunctional: object,
    error: type[Exception],
    match: str,
):
    """A continuous score is a finite number on DuMouchel's -2 to 4 scale."""
    with pytest.raises(error, match=match):
        KanoScore(functional=functional, dysfunctional=dysfunctional)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("scores", "match"),
    [
        (None, "scores must be an iterable of KanoScore"),
        (KanoScore(functional=1.0, dysfunctional=1.0), "scores must be an"),
        ([KanoScore(functional=1.0, dysfunctional=1.0), None], r"scores\[1\]"),
        ([(4.0, 4.0)], r"scores\[0\] must be a KanoScore"),
    ],
    ids=["none", "single-score", "none-item", "tuple-item"],
)
def test_mean_score_refuses_wrong_input(scores: object, match: str):
    """mean_score names the argument or the offending item."""
    with pytest.raises(ArgumentTypeError, match=match):
        mean_score(scores)  # type: ignore[arg-type]


def test_mean_score_of_extreme_scores_is_finite():
    """Averaging many scores at the scale's ends stays on the scale."""
    scores = [KanoScore(functional=4.0, dysfunctional=-2.0)] * 1000
    assert mean_score(scores) == KanoScore(functional=4.0, dysfunctional=-2.0)


@pytest.mark.parametrize(
    "value",
    [None, (0.5, -0.5), {"better": 0.5, "worse": -0.5}],
    ids=["none", "tuple", "dict"],
)
def test_quadrants_and_curves_need_their_records(value: object):
    """The quadrant and curve functions refuse anything but their records."""
    with pytest.raises(ArgumentTypeError, match="score must be a KanoScore"):
        continuous_quadrant(value)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="coefficients must be a"):
        better_worse_quadrant(value)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="coefficients must be a"):
        satisfaction_curve(KanoCategory.MUST_BE, value, 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("midpoint", "error"),
    [
        (math.nan, InvariantError),
        (math.inf, InvariantError),
        (None, ArgumentTypeError),
        ("2", ArgumentTypeError),
    ],
    ids=["nan", "inf", "none", "text"],
)
def test_continuous_quadrant_refuses_bad_midpoint(
    midpoint: object, error: type[Exception]
):
    """A NaN midpoint would put every score in one quadrant; it is refused."""
    with pytest.raises(error, match="midpoint must be"):
        continuous_quadrant(
            KanoScore(functional=3.0, dysfunctional=3.0),
            midpoint=midpoint,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    "category", [None, "bogus", "M"], ids=["none", "unknown", "letter"]
)
def test_curve_refuses_unknown_category(category: object):
    """An unknown category names the argument and lists the categories."""
    with pytest.raises(
        InvariantError, match="category must be a KanoCategory"
    ):
        satisfaction_curve(category, COEFFICIENTS, 0.5)  # type: ignore[arg-type]


def test_curve_accepts_category_values():
    """A category's value reads like the member, as elsewhere."""
    assert satisfaction_curve("must_be", COEFFICIENTS, 0.5) == (  # type: ignore[arg-type]
        satisfaction_curve(KanoCategory.MUST_BE, COEFFICIENTS, 0.5)
    )
