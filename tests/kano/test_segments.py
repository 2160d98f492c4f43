import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2, chi2_contingency

from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano import (
    KanoCategory,
    KanoCounts,
    KanoResponse,
    coefficient_difference,
    segment_counts,
    segment_test,
)
from customer_centric.kano._segments import _chi_square_p
from strategies import nonempty_kano_counts


def _answers(pairs: dict[str, list[tuple[int, int]]]) -> list[KanoResponse]:
    return [
        KanoResponse(
            respondent_id=respondent,
            feature=feature,
            functional=functional,
            dysfunctional=dysfunctional,
        )
        for feature, answers in pairs.items()
        for respondent, (functional, dysfunctional) in zip(
            ("R1", "R2", "R3", "R4"), answers, strict=False
        )
    ]


def test_segment_counts_per_feature_and_segment():
    """Each feature's counts are split by its respondents' segments."""
    answers = _answers(
        {"app": [(1, 3), (2, 5), (1, 3), (3, 3)], "radio": [(2, 5)]}
    )
    segments = {"R1": "young", "R2": "old", "R3": "old", "R4": "young"}
    before = dict(segments)
    tables = segment_counts(answers, segments=segments)
    assert list(tables) == ["app", "radio"]
    assert tables["app"]["young"] == KanoCounts(attractive=1, indifferent=1)
    assert tables["app"]["old"] == KanoCounts(attractive=1, must_be=1)
    assert tables["radio"] == {"young": KanoCounts(must_be=1)}
    assert segments == before


def test_respondents_without_a_segment_are_named():
    """A respondent missing from segments is refused by id, at most five."""
    answers = [
        KanoResponse(
            respondent_id=f"R{n}", feature="app", functional=1, dysfunctional=3
        )
        for n in range(8)
    ]
    with pytest.raises(DataError, match=r"'R0', 'R1', .* and 3 more; add"):
        segment_counts(answers, segments={})
    with pytest.raises(
        DataError, match=r"1 respondents have no segment: 'R7';"
    ):
        segment_counts(answers, segments={f"R{n}": "a" for n in range(7)})


@pytest.mark.parametrize(
    ("segments", "match"),
    [
        ([("R1", "a")], "segments must be a mapping"),
        ({"R1": 3}, r"segments\['R1'\] must be a str"),
    ],
    ids=["list", "number"],
)
def test_bad_segments(segments: object, match: str):
    """Segments must map respondent ids to segment names."""
    answers = _answers({"app": [(1, 3)]})
    with pytest.raises(ArgumentTypeError, match=match):
        segment_counts(answers, segments=segments)


# Agresti (2007), An Introduction to Categorical Data Analysis, 2nd ed.,
# chapter 2: party identification (Democrat, Independent, Republican) by
# gender, X^2 = 30.1 with 2 degrees of freedom, P < 0.001. The three
# columns are put in three categories here.
AGRESTI = {
    "females": KanoCounts(must_be=762, one_dimensional=327, attractive=468),
    "males": KanoCounts(must_be=484, one_dimensional=239, attractive=477),
}


def test_chi_square_textbook_value():
    """Pearson's X^2 of Agresti's gender-by-party table is 30.1, df 2."""
    test = segment_test(AGRESTI)
    assert round(test.statistic, 1) == 30.1
    assert test.degrees_of_freedom == 2
    assert test.p_value < 0.001
    # With two degrees of freedom the p-value is exactly exp(-X^2 / 2).
    assert test.p_value == pytest.approx(math.exp(-test.statistic / 2))
    assert test.segments == ("females", "males")
    assert test.categories == (
        KanoCategory.MUST_BE,
        KanoCategory.ONE_DIMENSIONAL,
        KanoCategory.ATTRACTIVE,
    )
    assert test.min_expected == pytest.approx(1200 * 566 / 2757)


@pytest.mark.parametrize(
    ("statistic", "df", "expected"),
    [
        (3.841458820694124, 1, 0.05),
        (6.634896601021214, 1, 0.01),
        (5.991464547107979, 2, 0.05),
        (18.307038053275146, 10, 0.05),
        (0.0, 3, 1.0),
    ],
    ids=["df1-5%", "df1-1%", "df2-5%", "df10-5%", "zero"],
)
def test_chi_square_critical_values(
    statistic: float, df: int, expected: float
):
    """The p-value at the tables' critical values is 5 % or 1 %."""
    assert _chi_square_p(statistic, df) == pytest.approx(expected, rel=1e-9)


@given(st.floats(0, 500), st.integers(1, 60))
def test_p_value_matches_scipy(statistic: float, df: int):
    """The pure-Python survival function agrees with scipy's."""
    assert _chi_square_p(statistic, df) == pytest.approx(
        chi2.sf(statistic, df), rel=1e-8, abs=1e-300
    )


@settings(max_examples=40)
@given(st.lists(nonempty_kano_counts, min_size=2, max_size=4))
def test_segment_test_matches_scipy(counts: list[KanoCounts]):
    """X^2, df and p agree with scipy's chi2_contingency."""
    table = {f"s{n}": c for n, c in enumerate(counts)}
    columns = [c for c in KanoCategory if any(found[c] for found in counts)]
    if len(columns) < 2:
        return
    found = segment_test(table)
    statistic, p, df, _ = chi2_contingency(
        [[row[c] for c in columns] for row in counts], correction=False
    )
    assert found.statistic == pytest.approx(statistic, rel=1e-9, abs=1e-12)
    assert found.degrees_of_freedom == df
    assert found.p_value == pytest.approx(p, rel=1e-6, abs=1e-12)
    assert 0 <= found.p_value <= 1


@pytest.mark.parametrize(
    ("counts", "error", "match"),
    [
        ([KanoCounts()], ArgumentTypeError, "mapping of segment names"),
        ({"a": KanoCounts(must_be=1)}, DataError, "at least 2 segments"),
        (
            {"a": KanoCounts(must_be=1), "b": KanoCounts()},
            DataError,
            r"segments \['b'\] have no respondents",
        ),
        (
            {"a": KanoCounts(must_be=1), "b": KanoCounts(must_be=4)},
            DataError,
            "chose 'must_be'; there is no difference",
        ),
        ({1: KanoCounts(), "b": KanoCounts()}, ArgumentTypeError, "segment"),
        ({"a": 1, "b": KanoCounts()}, ArgumentTypeError, r"counts\['a'\]"),
        (
            {
                "a": KanoCounts(must_be=10**400, attractive=1),
                "b": KanoCounts(attractive=10**400, must_be=1),
            },
            InvariantError,
            "too large for a float",
        ),
    ],
    ids=["list", "one", "empty", "one-category", "key", "value", "huge"],
)
def test_bad_segment_tables(
    counts: object, error: type[Exception], match: str
):
    """Tables that cannot be tested are refused, saying why."""
    with pytest.raises(error, match=match):
        segment_test(counts)


# Newcombe (1998), "Interval estimation for the difference between
# independent proportions: comparison of eleven methods", Statistics in
# Medicine 17, 873-890: method 10 (hybrid score) limits of his examples.
NEWCOMBE_DIFFERENCES = [
    ((56, 70), (48, 80), 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.1705, 0.8090),
]


@pytest.mark.parametrize(
    ("first", "second", "low", "high"),
    NEWCOMBE_DIFFERENCES,
    ids=["56/70-48/80", "9/10-3/10"],
)
def test_difference_matches_newcombe(
    first: object, second: object, low: float, high: float
):
    """Better's difference has Newcombe's published hybrid score limits."""
    (k1, n1), (k2, n2) = first, second
    found = coefficient_difference(
        KanoCounts(attractive=k1, indifferent=n1 - k1),
        KanoCounts(attractive=k2, indifferent=n2 - k2),
    )
    assert found.better is not None
    assert round(found.better.low, 4) == low
    assert round(found.better.high, 4) == high


def test_worse_difference_is_negated():
    """Worse's difference mirrors that of (O + M) / N."""
    found = coefficient_difference(
        KanoCounts(must_be=56, indifferent=14),
        KanoCounts(must_be=48, indifferent=32),
    )
    assert found.worse is not None
    assert found.worse.estimate == pytest.approx(-0.2)
    assert round(found.worse.low, 4) == -0.3339
    assert round(found.worse.high, 4) == -0.0524


def test_difference_without_classified_respondents():
    """With no A, O, M or I in one segment there is no difference."""
    found = coefficient_difference(
        KanoCounts(attractive=3), KanoCounts(reverse=2)
    )
    assert found.better is None
    assert found.worse is None


@given(nonempty_kano_counts, nonempty_kano_counts, st.floats(0.01, 0.999))
def test_difference_contains_its_estimate(
    first: object, second: object, confidence: float
):
    """Each difference's interval holds the estimate, within [-1, 1]."""
    found = coefficient_difference(first, second, confidence=confidence)
    for interval in (found.better, found.worse):
        if interval is not None:
            assert -1 <= interval.low <= interval.estimate
            assert interval.estimate <= interval.high <= 1


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((None, KanoCounts()), {}, ArgumentTypeError),
        ((KanoCounts(), "x"), {}, ArgumentTypeError),
        ((KanoCounts(), KanoCounts()), {"confidence": 2}, InvariantError),
    ],
    ids=["first", "second", "confidence"],
)
def test_bad_difference_arguments(
    args: tuple[object, ...], kwargs: dict[str, object], error: type[Exception]
):
    """Wrong counts or confidence are refused."""
    with pytest.raises(error):
        coefficient_difference(*args, **kwargs)
