import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano import (
    DEFAULT_RESAMPLES,
    KanoBootstrap,
    KanoCategory,
    KanoCounts,
    KanoDecisionRule,
    KanoInterval,
    bootstrap,
    bootstrap_features,
    coefficient_intervals,
    decide_category,
    interval_width,
    respondents_for_width,
    satisfaction_coefficients,
)
from strategies import kano_decision_rules, nonempty_kano_counts

LOAN_MACHINE = KanoCounts(
    must_be=65, one_dimensional=87, attractive=93, indifferent=51
)

# --- Wilson intervals: worked values ---------------------------------------
# Newcombe (1998), "Two-sided confidence intervals for the single
# proportion: comparison of seven methods", Statistics in Medicine 17,
# 857-872: the score (Wilson) limits of his worked examples, 95 %.
NEWCOMBE_WILSON = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    NEWCOMBE_WILSON,
    ids=[f"{k}/{n}" for k, n, _, _ in NEWCOMBE_WILSON],
)
def test_wilson_matches_newcombe(
    successes: int, n: int, low: float, high: float
):
    """Better's Wilson interval matches Newcombe's published score limits."""
    counts = KanoCounts(attractive=successes, indifferent=n - successes)
    better = coefficient_intervals(counts).better
    assert better is not None
    assert round(better.low, 4) == low
    assert round(better.high, 4) == high


def test_wilson_by_hand():
    """5 of 10 at 95 %: centre 0.5, half-width z/(1+z^2/n)*sqrt(...)."""
    z = 1.959963984540054
    half = z / (1 + z * z / 10) * math.sqrt(0.25 / 10 + z * z / 400)
    intervals = coefficient_intervals(
        KanoCounts(one_dimensional=5, indifferent=5), confidence=0.95
    )
    assert intervals.better is not None
    assert intervals.worse is not None
    assert intervals.better.low == pytest.approx(0.5 - half, abs=1e-12)
    assert intervals.better.high == pytest.approx(0.5 + half, abs=1e-12)
    # Worse = -(O + M) / N = -0.5: the same interval, negated.
    assert intervals.worse.low == pytest.approx(-0.5 - half, abs=1e-12)
    assert intervals.worse.high == pytest.approx(-0.5 + half, abs=1e-12)
    assert round(0.5 - half, 4) == 0.2366
    assert intervals.respondents == 10
    assert intervals.method == "wilson"


def test_reverse_and_questionable_are_not_in_the_denominator():
    """R and Q respondents change neither Better nor its interval."""
    plain = coefficient_intervals(LOAN_MACHINE)
    noisy = coefficient_intervals(
        KanoCounts(
            must_be=65,
            one_dimensional=87,
            attractive=93,
            indifferent=51,
            reverse=20,
            questionable=9,
        )
    )
    assert plain == noisy
    assert plain.respondents == 296


def test_undefined_coefficients_have_no_interval():
    """Without A, O, M or I respondents both intervals are None."""
    found = coefficient_intervals(KanoCounts(reverse=3))
    assert found.better is None
    assert found.worse is None
    assert found.respondents == 0


@given(nonempty_kano_counts, st.floats(0.01, 0.999))
def test_wilson_contains_the_estimate(counts: KanoCounts, confidence: float):
    """Each Wilson interval holds the estimate and stays in range."""
    found = coefficient_intervals(counts, confidence=confidence)
    point = satisfaction_coefficients(counts)
    if found.better is None or found.worse is None:
        assert point.better is None
        return
    assert found.better.estimate == point.better
    assert found.worse.estimate == point.worse
    assert 0 <= found.better.low <= found.better.estimate
    assert found.better.estimate <= found.better.high <= 1
    assert -1 <= found.worse.low <= found.worse.estimate
    assert found.worse.estimate <= found.worse.high <= 0


@given(nonempty_kano_counts, st.integers(2, 50))
def test_wilson_shrinks_as_respondents_grow(counts: KanoCounts, factor: int):
    """The same shares among more respondents give a narrower interval."""
    more = KanoCounts(**{c.value: factor * counts[c] for c in KanoCategory})
    small, large = coefficient_intervals(counts), coefficient_intervals(more)
    if small.better is None or large.better is None:
        return
    assert small.worse is not None
    assert large.worse is not None
    assert large.better.width < small.better.width
    assert large.worse.width < small.worse.width


@pytest.mark.parametrize(
    ("confidence", "error", "match"),
    [
        (0.0, InvariantError, r"confidence must be a level in \(0, 1\)"),
        (1.0, InvariantError, r"got 1.0; use e.g. 0.95"),
        (95, InvariantError, "got 95"),
        (1 - 2**-53, InvariantError, "confidence must be a level"),
        (math.nan, InvariantError, "confidence must be a finite number"),
        ("0.95", ArgumentTypeError, "confidence must be a real number"),
    ],
    ids=["zero", "one", "percent", "rounds-to-one", "nan", "text"],
)
def test_bad_confidence(confidence: object, error: type, match: str):
    """A confidence level outside (0, 1) is refused, saying how to fix it."""
    with pytest.raises(error, match=match):
        coefficient_intervals(LOAN_MACHINE, confidence=confidence)  # type: ignore[arg-type]
    with pytest.raises(error, match=match):
        bootstrap(LOAN_MACHINE, seed=1, confidence=confidence)  # type: ignore[arg-type]


def test_interval_width_property():
    """An interval's width is high - low."""
    assert KanoInterval(
        estimate=0.5, low=0.25, high=0.75, confidence=0.9
    ).width == pytest.approx(0.5)


# --- Bootstrap --------------------------------------------------------------


def test_bootstrap_worked_example():
    """The loan machine is attractive in about two thirds of resamples."""
    result = bootstrap(LOAN_MACHINE, seed=7, n_resamples=500)
    assert isinstance(result, KanoBootstrap)
    assert result.category is KanoCategory.ATTRACTIVE
    assert result.share(KanoCategory.ATTRACTIVE) == 0.66
    assert result.share(KanoCategory.ONE_DIMENSIONAL) == 0.334
    assert result.summary == "attractive in 66 % of 500 resamples"
    assert result.stability[0][0] is KanoCategory.ATTRACTIVE
    assert result.undefined == 0
    assert result.n_resamples == 500
    assert result.rule == "mode"
    assert result.intervals.method == "bootstrap"
    assert result.intervals.respondents == 296


def test_bootstrap_is_deterministic_under_a_seed():
    """The same seed gives the same answer; another seed another one."""
    first = bootstrap(LOAN_MACHINE, seed=11, n_resamples=300)
    again = bootstrap(LOAN_MACHINE, seed=11, n_resamples=300)
    other = bootstrap(LOAN_MACHINE, seed=12, n_resamples=300)
    assert first == again
    assert first != other


def test_bootstrap_interval_is_near_wilson():
    """With many respondents the percentile and Wilson intervals agree."""
    big = KanoCounts(
        attractive=930, one_dimensional=870, must_be=650, indifferent=510
    )
    boot = bootstrap(big, seed=5, n_resamples=2000).intervals
    wilson = coefficient_intervals(big)
    assert boot.better is not None
    assert wilson.better is not None
    assert boot.better.low == pytest.approx(wilson.better.low, abs=0.005)
    assert boot.better.high == pytest.approx(wilson.better.high, abs=0.005)


def test_default_resamples():
    """2,000 resamples by default."""
    result = bootstrap(KanoCounts(must_be=3, attractive=1), seed=0)
    assert result.n_resamples == DEFAULT_RESAMPLES == 2000


def test_resamples_without_classified_respondents_are_left_out():
    """Resamples of only R and Q respondents count as undefined."""
    counts = KanoCounts(attractive=1, questionable=3)
    result = bootstrap(counts, seed=2, n_resamples=400)
    assert 0 < result.undefined < 400
    assert result.intervals.better is not None
    assert result.intervals.better.low == 1.0
    assert result.share(KanoCategory.QUESTIONABLE) > 0.5


def test_only_reverse_respondents():
    """Without any classified respondent there are no intervals."""
    result = bootstrap(KanoCounts(reverse=4), seed=2, n_resamples=10)
    assert result.intervals.better is None
    assert result.intervals.worse is None
    assert result.undefined == 10
    assert result.summary == "reverse in 100 % of 10 resamples"


@settings(max_examples=25)
@given(nonempty_kano_counts, kano_decision_rules, st.integers(0, 2**64))
def test_stability_sums_to_one(
    counts: KanoCounts, rule: KanoDecisionRule, seed: int
):
    """Every category has a share, the shares sum to 1."""
    result = bootstrap(counts, seed=seed, n_resamples=60, rule=rule)
    shares = dict(result.stability)
    assert set(shares) == set(KanoCategory)
    assert math.fsum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(0 <= share <= 1 for share in shares.values())
    assert [s for _, s in result.stability] == sorted(
        shares.values(), reverse=True
    )
    # A category nobody chose never appears in a resample.
    assert all(shares[c] == 0 for c in KanoCategory if counts[c] == 0)
    assert result.category == decide_category(counts, rule=rule).category


@settings(max_examples=25)
@given(nonempty_kano_counts, st.integers(0, 2**32))
def test_bootstrap_intervals_contain_the_estimate(
    counts: KanoCounts, seed: int
):
    """The percentile intervals hold the observed Better and Worse."""
    found = bootstrap(counts, seed=seed, n_resamples=400, confidence=0.9)
    better, worse = found.intervals.better, found.intervals.worse
    if better is None or worse is None:
        return
    assert better.low <= better.estimate <= better.high
    assert worse.low <= worse.estimate <= worse.high


@settings(max_examples=25)
@given(nonempty_kano_counts, st.integers(0, 2**32))
def test_bootstrap_intervals_shrink_as_respondents_grow(
    counts: KanoCounts, seed: int
):
    """The same shares among 100 times the respondents: narrower intervals."""
    more = KanoCounts(**{c.value: 100 * counts[c] for c in KanoCategory})
    small = bootstrap(counts, seed=seed, n_resamples=200).intervals
    large = bootstrap(more, seed=seed, n_resamples=200).intervals
    if small.better is None or large.better is None:
        return
    assert small.worse is not None
    assert large.worse is not None
    assert large.better.width <= small.better.width
    assert large.worse.width <= small.worse.width


def test_features_are_bootstrapped_on_their_own():
    """Each feature gets its own result; one feature alone is bootstrap()."""
    survey = {
        "radio": KanoCounts(must_be=30, one_dimensional=12),
        "seat": KanoCounts(attractive=9, indifferent=8),
    }
    before = dict(survey)
    results = bootstrap_features(survey, seed=3, n_resamples=100)
    assert list(results) == ["radio", "seat"]
    assert results["radio"].category is KanoCategory.MUST_BE
    assert survey == before
    alone = bootstrap_features({"seat": survey["seat"]}, seed=3)
    assert alone["seat"] == bootstrap(survey["seat"], seed=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"seed": 1.5}, ArgumentTypeError, "seed must be a whole number"),
        ({"seed": True}, ArgumentTypeError, "seed must be a whole number"),
        ({"seed": -1}, InvariantError, "seed must be a whole number >= 0"),
        ({"seed": 1, "n_resamples": 0}, InvariantError, "from 1 to"),
        (
            {"seed": 1, "n_resamples": 10**7},
            InvariantError,
            "got 10000000; use e.g. 2000",
        ),
        ({"seed": 1, "n_resamples": 2.0}, ArgumentTypeError, "n_resamples"),
        ({"seed": 1, "rule": "vote"}, InvariantError, "rule must be one of"),
        ({"seed": 1, "z": -1.0}, InvariantError, "critical value z"),
    ],
    ids=[
        "float-seed",
        "bool-seed",
        "negative-seed",
        "no-resamples",
        "too-many",
        "float-resamples",
        "rule",
        "z",
    ],
)
def test_bad_bootstrap_arguments(
    kwargs: dict[str, object], error: type[Exception], match: str
):
    """Bad seeds, resample counts and rules are refused with a fix."""
    with pytest.raises(error, match=match):
        bootstrap(LOAN_MACHINE, **kwargs)


@pytest.mark.parametrize(
    ("counts", "error", "match"),
    [
        (KanoCounts(), DataError, "no respondents to resample"),
        (
            KanoCounts(attractive=2**53 + 1),
            InvariantError,
            "more than the bootstrap draws",
        ),
        (None, ArgumentTypeError, "counts must be a KanoCounts"),
    ],
    ids=["empty", "huge", "none"],
)
def test_bad_bootstrap_counts(
    counts: object, error: type[Exception], match: str
):
    """Empty, astronomically large or wrong counts are refused."""
    with pytest.raises(error, match=match):
        bootstrap(counts, seed=1)


@pytest.mark.parametrize(
    ("counts", "error", "match"),
    [
        ([LOAN_MACHINE], ArgumentTypeError, "a mapping of feature names"),
        ({}, DataError, "counts holds no features"),
        ({1: LOAN_MACHINE}, ArgumentTypeError, "feature name must be a str"),
        ({"x": 3}, ArgumentTypeError, r"counts\['x'\] must be a KanoCounts"),
        ({"x": KanoCounts()}, DataError, r"counts\['x'\] has no respondents"),
    ],
    ids=["list", "empty", "key", "value", "no-respondents"],
)
def test_bad_feature_mappings(
    counts: object, error: type[Exception], match: str
):
    """bootstrap_features wants a non-empty mapping of names to counts."""
    with pytest.raises(error, match=match):
        bootstrap_features(counts, seed=1)


def test_share_of_an_unknown_category():
    """Asking for the share of something else is refused."""
    result = bootstrap(LOAN_MACHINE, seed=1, n_resamples=10)
    with pytest.raises(InvariantError, match="category must be a"):
        result.share("delight")  # type: ignore[arg-type]


# --- Sample size ------------------------------------------------------------


def test_widths_by_hand():
    """At share 0.5 Wilson's width is z / sqrt(n + z^2)."""
    z = 1.959963984540054
    for n in (1, 10, 100, 381, 10_000):
        assert interval_width(n) == pytest.approx(
            z / math.sqrt(n + z * z), rel=1e-12
        )


@pytest.mark.parametrize(
    ("width", "share", "expected"),
    [(0.1, 0.5, 381), (0.2, 0.5, 93), (0.2, 0.1, 37), (1.0, 0.5, 1)],
    ids=["0.1", "0.2", "share-0.1", "anything"],
)
def test_respondents_for_width(width: float, share: float, expected: int):
    """At 0.5, n = (z / w)^2 - z^2 rounded up; 1 respondent for width 1."""
    assert respondents_for_width(width, share=share) == expected


@given(
    st.floats(1e-4, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.5, 0.999),
)
def test_respondents_for_width_inverts_interval_width(
    width: float, share: float, confidence: float
):
    """The answer is the smallest n whose interval is at most that wide."""
    n = respondents_for_width(width, share=share, confidence=confidence)
    assert interval_width(n, share=share, confidence=confidence) <= width
    if n > 1:
        assert (
            interval_width(n - 1, share=share, confidence=confidence) > width
        )


@given(st.integers(1, 10**6), st.floats(0.0, 1.0))
def test_width_falls_with_respondents(n: int, share: float):
    """More respondents never widen the interval."""
    assert interval_width(n + 1, share=share) <= interval_width(n, share=share)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: interval_width(0), InvariantError, "respondents must be"),
        (lambda: interval_width(1.5), ArgumentTypeError, "whole number"),
        (lambda: interval_width(9, share=1.5), InvariantError, "share must"),
        (lambda: respondents_for_width(0.0), InvariantError, "width must"),
        (lambda: respondents_for_width(1.5), InvariantError, "width must"),
        (
            lambda: respondents_for_width(1e-9),
            InvariantError,
            "ask for a wider interval",
        ),
    ],
    ids=["no-one", "float", "share", "zero-width", "wide", "too-narrow"],
)
def test_bad_sample_size_arguments(
    call: Callable[[], object], error: type[Exception], match: str
):
    """Impossible sizes, shares and widths are refused with a fix."""
    with pytest.raises(error, match=match):
        call()
