import math
from collections.abc import Callable

import pytest
from hypothesis import given

from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano import (
    KanoCategory,
    KanoCoefficients,
    KanoCounts,
    KanoDecision,
    KanoDecisionRule,
    category_strength,
    decide_category,
    fong_test,
    satisfaction_coefficients,
    total_strength,
)
from strategies import kano_counts, kano_decision_rules, nonempty_kano_counts

# --- Worked example -------------------------------------------------------
# Published in the README of the stp25kano R package (W. Peter, 2024,
# github.com/stp4/stp25kano): counts for five features of n = 296 and the
# package's results, rounded as printed there: max category, the
# M > O > A > I decision, total strength, category strength, CS+ (Better),
# CS- (Worse) and Fong's test (|a - b| and threshold). The README says the
# answers were simulated for illustration; the computed columns are what
# the package prints, so they check our formulas against an independent
# implementation of Berger et al. (1993), Lee & Newcomb (1997) and Fong
# (1996).
WORKED = [
    # feature, (M, O, A, I, R, Q), mode, MOAI, total%, cat%, better, worse,
    # fong difference, fong threshold, significant
    (
        "Service app",
        (95, 123, 45, 33, 0, 0),
        "O",
        "O",
        89,
        9,
        0.568,
        -0.736,
        28,
        19.4,
        True,
    ),
    (
        "Excellent service",
        (101, 54, 54, 81, 3, 3),
        "M",
        "M",
        71,
        7,
        0.372,
        -0.534,
        20,
        18.5,
        True,
    ),
    (
        "Hotline",
        (15, 24, 121, 124, 6, 6),
        "I",
        "A",
        54,
        1,
        0.511,
        -0.137,
        3,
        19.8,
        False,
    ),
    (
        "Loan machine",
        (65, 87, 93, 51, 0, 0),
        "A",
        "O",
        83,
        2,
        0.608,
        -0.514,
        6,
        18.5,
        False,
    ),
    (
        "Ready-to-use return",
        (9, 18, 83, 177, 6, 3),
        "I",
        "I",
        37,
        32,
        0.352,
        -0.094,
        94,
        19.9,
        True,
    ),
]


def _counts(table: tuple[int, int, int, int, int, int]) -> KanoCounts:
    m, o, a, i, r, q = table
    return KanoCounts(
        must_be=m,
        one_dimensional=o,
        attractive=a,
        indifferent=i,
        reverse=r,
        questionable=q,
    )


@pytest.mark.parametrize(
    (
        "counts",
        "mode",
        "moai",
        "total_pct",
        "category_pct",
        "better",
        "worse",
        "difference",
        "threshold",
        "significant",
    ),
    [row[1:] for row in WORKED],
    ids=[row[0] for row in WORKED],
)
def test_worked_example(  # noqa: PLR0917 - one argument per published column
    counts: KanoCounts,
    mode: str,
    moai: str,
    total_pct: int,
    category_pct: int,
    better: float,
    worse: float,
    difference: int,
    threshold: float,
    significant: bool,
):
    """Our statistics reproduce the published stp25kano example table."""
    c = _counts(counts)
    assert c.total == 296
    coefficients = satisfaction_coefficients(c)
    assert round(coefficients.better, 3) == better
    assert round(coefficients.worse, 3) == worse
    assert round(100 * total_strength(c)) == total_pct
    assert round(100 * category_strength(c)) == category_pct
    test = fong_test(c)
    assert test.difference == difference
    assert round(test.threshold, 1) == threshold
    assert test.significant is significant
    assert decide_category(c).category.letter == mode
    assert decide_category(c, rule="m_o_a_i").category.letter == moai


def test_fong_formula_by_hand():
    """Fong's threshold is 1.65 sqrt((a+b)(2n-a-b)/(2n)) (Fong 1996)."""
    c = KanoCounts(must_be=40, attractive=30, indifferent=30)
    test = fong_test(c)
    assert (test.first, test.second) == (
        KanoCategory.MUST_BE,
        KanoCategory.ATTRACTIVE,
    )
    expected = 1.65 * math.sqrt(70 * (200 - 70) / 200)
    assert test.threshold == pytest.approx(expected)
    assert test.difference == 10
    assert test.significant is (expected <= 10)


def test_fong_custom_z():
    """A larger critical value makes the same gap non-significant."""
    c = KanoCounts(must_be=60, attractive=30)
    assert fong_test(c).significant
    assert not fong_test(c, z=10.0).significant


@pytest.mark.parametrize(
    "z", [0.0, -1.0, math.nan, math.inf], ids=["zero", "neg", "nan", "inf"]
)
def test_fong_rejects_bad_z(z: float):
    """The critical value must be a positive finite number."""
    with pytest.raises(InvariantError, match=r"\bz\b.*(> 0|finite)"):
        fong_test(KanoCounts(must_be=1), z=z)


def test_no_respondents():
    """With no respondents every statistic is undefined or refused."""
    empty = KanoCounts()
    assert empty.total == 0
    coefficients = satisfaction_coefficients(empty)
    assert (coefficients.better, coefficients.worse) == (None, None)
    assert total_strength(empty) is None
    assert category_strength(empty) is None
    assert empty.share(KanoCategory.MUST_BE) is None
    with pytest.raises(DataError, match="at least one respondent"):
        fong_test(empty)
    with pytest.raises(DataError, match="without respondents"):
        decide_category(empty)


@pytest.mark.parametrize(
    ("counts", "decided"),
    [
        (KanoCounts(questionable=7), KanoCategory.QUESTIONABLE),
        (KanoCounts(reverse=5), KanoCategory.REVERSE),
        (KanoCounts(reverse=3, questionable=3), KanoCategory.REVERSE),
    ],
    ids=["all-questionable", "all-reverse", "reverse-and-questionable"],
)
def test_only_reverse_or_questionable(
    counts: KanoCounts, decided: KanoCategory
):
    """Only R/Q answers: Better and Worse are None, strength is 0."""
    coefficients = satisfaction_coefficients(counts)
    assert (coefficients.better, coefficients.worse) == (None, None)
    assert total_strength(counts) == 0.0
    assert decide_category(counts).category is decided
    assert decide_category(counts, rule="total_strength").category is decided


@pytest.mark.parametrize(
    ("kwargs", "better", "worse"),
    [
        ({"attractive": 4}, 1.0, 0.0),
        ({"one_dimensional": 4}, 1.0, -1.0),
        ({"must_be": 4}, 0.0, -1.0),
        ({"indifferent": 4}, 0.0, 0.0),
        ({"attractive": 1, "must_be": 1, "questionable": 8}, 0.5, -0.5),
    ],
    ids=["all-A", "all-O", "all-M", "all-I", "R-Q-left-out"],
)
def test_coefficient_corners(
    kwargs: dict[str, int], better: float, worse: float
):
    """Pure categories land on the corners of the better-worse square."""
    coefficients = satisfaction_coefficients(KanoCounts(**kwargs))
    assert coefficients.better == better
    assert coefficients.worse == worse


@pytest.mark.parametrize(
    "field",
    [
        "attractive",
        "one_dimensional",
        "must_be",
        "indifferent",
        "reverse",
        "questionable",
    ],
)
@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-1, InvariantError),
        (-(10**400), InvariantError),
        (1.5, ArgumentTypeError),
        (math.nan, ArgumentTypeError),
        ("3", ArgumentTypeError),
        (True, ArgumentTypeError),
        (None, ArgumentTypeError),
    ],
    ids=["negative", "huge-negative", "float", "nan", "text", "bool", "none"],
)
def test_bad_counts_are_rejected(
    field: str, value: object, error: type[Exception]
):
    """Counts must be whole numbers >= 0; the error names the field."""
    with pytest.raises(error, match=field):
        KanoCounts(**{field: value})


@pytest.mark.parametrize(
    ("counts", "rule", "expected", "reason"),
    [
        (
            KanoCounts(attractive=5, must_be=5, indifferent=2),
            "mode",
            KanoCategory.MUST_BE,
            "M/A tie at 5, so M is chosen by M > O > A > I > R > Q",
        ),
        (
            KanoCounts(attractive=6, must_be=5),
            "mode",
            KanoCategory.ATTRACTIVE,
            "A is the most frequent category",
        ),
        (
            KanoCounts(indifferent=10, attractive=4, must_be=4, reverse=1),
            "total_strength",
            KanoCategory.INDIFFERENT,
            "A+O+M = 8 <= I+R+Q = 11",
        ),
        (
            KanoCounts(indifferent=10, attractive=4, must_be=7),
            "total_strength",
            KanoCategory.MUST_BE,
            "A+O+M = 11 > I+R+Q = 10",
        ),
        (
            KanoCounts(one_dimensional=80, attractive=10),
            "m_o_a_i",
            KanoCategory.ONE_DIMENSIONAL,
            "O (80) is significantly ahead of A (10)",
        ),
        (
            KanoCounts(attractive=1),
            "m_o_a_i",
            KanoCategory.ATTRACTIVE,
            "A is the only category chosen",
        ),
    ],
    ids=[
        "mode-tie-M-first",
        "mode-clear",
        "aom-below-irq",
        "aom-above-irq",
        "moai-significant",
        "moai-single-category",
    ],
)
def test_decision_rules(
    counts: KanoCounts,
    rule: KanoDecisionRule,
    expected: KanoCategory,
    reason: str,
):
    """Each rule decides as documented and says why."""
    decision = decide_category(counts, rule=rule)
    assert decision.category is expected
    assert decision.rule == rule
    assert reason in decision.reasons[0]


def test_unknown_rule_is_rejected():
    """An unknown decision rule raises InvariantError listing the rules."""
    with pytest.raises(InvariantError, match="'mode', 'm_o_a_i'"):
        decide_category(KanoCounts(must_be=1), rule="majority")  # type: ignore[arg-type]


def test_from_categories_and_indexing():
    """Counting classified answers matches the per-category fields."""
    counts = KanoCounts.from_categories(
        [KanoCategory.REVERSE, KanoCategory.MUST_BE, KanoCategory.MUST_BE]
    )
    assert counts == KanoCounts(reverse=1, must_be=2)
    assert counts[KanoCategory.MUST_BE] == 2
    assert counts.share(KanoCategory.REVERSE) == pytest.approx(1 / 3)


@given(kano_counts)
def test_coefficients_stay_in_range(counts: KanoCounts):
    """Better is in [0, 1], Worse in [-1, 0], or both None."""
    c = satisfaction_coefficients(counts)
    if c.better is None:
        assert c.worse is None
        assert counts.attractive + counts.one_dimensional == 0
        assert counts.must_be + counts.indifferent == 0
    else:
        assert c.worse is not None
        assert 0.0 <= c.better <= 1.0
        assert -1.0 <= c.worse <= 0.0


@given(nonempty_kano_counts)
def test_strengths_stay_in_range(counts: KanoCounts):
    """Total and category strength are shares in [0, 1]."""
    assert 0.0 <= total_strength(counts) <= 1.0
    assert 0.0 <= category_strength(counts) <= 1.0


@given(nonempty_kano_counts, kano_decision_rules)
def test_decision_is_a_counted_category(
    counts: KanoCounts, rule: KanoDecisionRule
):
    """Every rule decides on a category some respondent chose."""
    decision = decide_category(counts, rule=rule)
    assert counts[decision.category] > 0
    assert decision.reasons


@given(nonempty_kano_counts)
def test_mode_is_a_most_frequent_category(counts: KanoCounts):
    """The mode rule picks a category with the largest count."""
    decision = decide_category(counts)
    assert counts[decision.category] == max(n for _, n in counts.ranked())


@given(nonempty_kano_counts)
def test_fong_orders_the_top_two(counts: KanoCounts):
    """Fong's test compares the two largest counts, first >= second."""
    test = fong_test(counts)
    ranked = [n for _, n in counts.ranked()]
    assert counts[test.first] == ranked[0]
    assert counts[test.second] == ranked[1]
    assert test.first is not test.second
    assert test.threshold >= 0.0


@pytest.mark.parametrize(
    ("counts", "threshold", "significant"),
    [
        (KanoCounts(must_be=10**400, attractive=10**400), 1.65e200, False),
        (
            KanoCounts(must_be=10**400),
            1.65 * math.sqrt(0.5) * 1e200,
            True,
        ),
        (
            KanoCounts(must_be=10**400, attractive=10**400 - 16 * 10**199),
            1.65e200,
            False,
        ),
        (
            KanoCounts(must_be=10**400, attractive=10**400 - 17 * 10**199),
            1.65e200,
            True,
        ),
    ],
    ids=["tie", "one-category", "just-below", "just-above"],
)
def test_fong_on_counts_beyond_float_range(
    counts: KanoCounts, threshold: float, significant: bool
):
    """Counts past 1e308 give Fong's exact answer, not an OverflowError."""
    test = fong_test(counts)
    assert test.threshold == pytest.approx(threshold, rel=1e-12)
    assert test.significant is significant
    assert decide_category(counts, rule="m_o_a_i").category in {
        test.first,
        test.second,
    }


@pytest.mark.parametrize(
    ("counts", "z"),
    [
        (KanoCounts(must_be=10**700, attractive=1), 1.65),
        (KanoCounts(must_be=100, attractive=50), 1e308),
    ],
    ids=["huge-counts", "huge-z"],
)
def test_fong_threshold_beyond_float_is_refused(counts: KanoCounts, z: float):
    """A threshold too large for a float is refused, never returned as inf."""
    with pytest.raises(InvariantError, match="too large for a float"):
        fong_test(counts, z=z)


def test_statistics_of_huge_counts_are_exact():
    """Coefficients and strengths of counts past 1e308 stay correct."""
    counts = KanoCounts(attractive=3 * 10**400, must_be=10**400)
    coefficients = satisfaction_coefficients(counts)
    assert (coefficients.better, coefficients.worse) == (0.75, -0.25)
    assert total_strength(counts) == 1.0
    assert category_strength(counts) == 0.5
    assert counts.share(KanoCategory.MUST_BE) == 0.25


@pytest.mark.parametrize(
    ("z", "error"),
    [
        (None, ArgumentTypeError),
        ("1.65", ArgumentTypeError),
        (True, ArgumentTypeError),
        (10**400, InvariantError),
        (math.nan, InvariantError),
        (-1.65, InvariantError),
    ],
    ids=["none", "text", "bool", "huge-int", "nan", "negative"],
)
@pytest.mark.parametrize("rule", ["mode", "m_o_a_i", "total_strength"])
def test_bad_z_is_refused_by_every_rule(
    z: object, error: type[Exception], rule: KanoDecisionRule
):
    """A bad critical value is refused even by rules that do not use it."""
    with pytest.raises(error, match=r"\bz\b"):
        decide_category(KanoCounts(must_be=1), rule=rule, z=z)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "function",
    [
        satisfaction_coefficients,
        total_strength,
        category_strength,
        fong_test,
        decide_category,
    ],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize(
    "value",
    [None, {"must_be": 3}, (3, 1, 0, 0, 0, 0)],
    ids=["none", "dict", "tuple"],
)
def test_statistics_need_counts(
    function: Callable[[KanoCounts], object], value: object
):
    """Every statistic refuses anything but KanoCounts, naming counts."""
    with pytest.raises(ArgumentTypeError, match="counts must be a KanoCounts"):
        function(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "match"),
    [
        ("majority", "'majority'"),
        (None, "None"),
        (["mode"], r"\['mode'\]"),
    ],
    ids=["unknown", "none", "list"],
)
def test_bad_rule_is_refused(rule: object, match: str):
    """A rule outside the Literal raises InvariantError showing the value."""
    with pytest.raises(InvariantError, match=f"rule must be one of.*{match}"):
        decide_category(KanoCounts(must_be=1), rule=rule)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("categories", "error", "match"),
    [
        (None, ArgumentTypeError, "categories must be an iterable"),
        (7, ArgumentTypeError, "categories must be an iterable"),
        ("must_be", ArgumentTypeError, "categories must be an iterable"),
        ([KanoCategory.MUST_BE, None], InvariantError, r"categories\[1\]"),
        (["bogus"], InvariantError, r"categories\[0\].*'bogus'"),
        ([1.5], InvariantError, r"categories\[0\].*1.5"),
    ],
    ids=["none", "int", "text", "none-item", "unknown-item", "float-item"],
)
def test_from_categories_refuses_bad_input(
    categories: object, error: type[Exception], match: str
):
    """Counting refuses a non-iterable or an item that is no category."""
    with pytest.raises(error, match=match):
        KanoCounts.from_categories(categories)  # type: ignore[arg-type]


def test_from_categories_accepts_values_and_leaves_input_alone():
    """Category values count like members; the input list is not changed."""
    given_list = [KanoCategory.MUST_BE, "must_be", "reverse"]
    counts = KanoCounts.from_categories(given_list)  # type: ignore[list-item]
    assert (counts.must_be, counts.reverse, counts.total) == (2, 1, 3)
    assert given_list == [KanoCategory.MUST_BE, "must_be", "reverse"]


@pytest.mark.parametrize(
    "category",
    [None, "bogus", 3, "A"],
    ids=["none", "unknown", "int", "letter"],
)
def test_indexing_refuses_unknown_category(category: object):
    """counts[...] and share() name the bad category and list the values."""
    counts = KanoCounts(must_be=1)
    with pytest.raises(
        InvariantError, match="'attractive', 'one_dimensional'"
    ):
        counts[category]  # type: ignore[index]
    with pytest.raises(
        InvariantError, match="category must be a KanoCategory"
    ):
        counts.share(category)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("better", "worse", "error", "match"),
    [
        (math.nan, -0.5, InvariantError, "better must be a finite"),
        (0.5, -math.inf, InvariantError, "worse must be a finite"),
        (math.inf, -0.5, InvariantError, "better must be a finite"),
        (1e308, -0.5, InvariantError, r"better must be in \[0, 1\]"),
        (0.5, 0.5, InvariantError, r"worse must be in \[-1, 0\]"),
        (-0.1, -0.5, InvariantError, r"better must be in \[0, 1\]"),
        ("0.5", -0.5, ArgumentTypeError, "better must be a real number"),
        (0.5, True, ArgumentTypeError, "worse must be a real number"),
        (0.5, None, InvariantError, "undefined together"),
        (None, -0.5, InvariantError, "undefined together"),
    ],
    ids=[
        "nan",
        "minus-inf",
        "inf",
        "huge",
        "positive-worse",
        "negative-better",
        "text",
        "bool",
        "worse-missing",
        "better-missing",
    ],
)
def test_coefficients_refuse_impossible_values(
    better: object, worse: object, error: type[Exception], match: str
):
    """Better and Worse must be finite and in Berger et al.'s ranges."""
    with pytest.raises(error, match=match):
        KanoCoefficients(better=better, worse=worse)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "category", [None, "must_be", "M"], ids=["none", "value", "letter"]
)
def test_decision_holds_a_category(category: object):
    """A hand-built decision must hold a KanoCategory, which ranking reads."""
    with pytest.raises(ArgumentTypeError, match="category must be a"):
        KanoDecision(category=category, rule="mode", reasons=("x",))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "big", "shown"),
    [
        ("mode", 10**400, "M=1.000000e+400"),
        ("m_o_a_i", 10**400, "M (1.000000e+400)"),
        ("total_strength", 10**400, "A+O+M = 1.500000e+400"),
        ("mode", 10**5000, "M=1.000000e+5000"),
        ("total_strength", 10**5000, "A+O+M = 1.500000e+5000"),
    ],
    ids=[
        "mode-400",
        "moai-400",
        "strength-400",
        "mode-5000",
        "strength-5000",
    ],
)
def test_reasons_show_huge_counts_readably(
    rule: KanoDecisionRule, big: int, shown: str
):
    """Reasons print huge counts in scientific notation, past 4300 digits."""
    decision = decide_category(
        KanoCounts(must_be=big, attractive=big // 2), rule=rule
    )
    assert decision.category is KanoCategory.MUST_BE
    assert shown in decision.reasons[0]
