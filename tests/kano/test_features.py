import html
import math
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric.exceptions import ArgumentTypeError, InvariantError
from customer_centric.kano import (
    POULIOT_TABLE,
    KanoAnswer,
    KanoCategory,
    KanoCoefficients,
    KanoCounts,
    KanoFeatureResult,
    KanoResponse,
    analyze,
    count_responses,
    decide_category,
    prioritize_features,
)
from strategies import kano_answer_pairs

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _answers(
    feature: str,
    pairs: list[tuple[int, int]],
    importance: float | None = None,
) -> list[KanoResponse]:
    return [
        KanoResponse(
            respondent_id=f"R{n}",
            feature=feature,
            functional=f,
            dysfunctional=d,
            importance=importance,
        )
        for n, (f, d) in enumerate(pairs)
    ]


def test_count_responses_groups_by_feature_in_order():
    """Counts are per feature, in order of first appearance."""
    responses = [
        *_answers("shampoo", [(1, 3), (1, 4)]),
        *_answers("radio", [(2, 5), (4, 4)]),
    ]
    counts = count_responses(responses)
    assert list(counts) == ["shampoo", "radio"]
    assert counts["shampoo"] == KanoCounts(attractive=2)
    assert counts["radio"] == KanoCounts(must_be=1, indifferent=1)
    pouliot = count_responses(responses, table=POULIOT_TABLE)
    assert pouliot["radio"] == KanoCounts(must_be=1, questionable=1)


def test_analyze_kano_collects_every_statistic():
    """One result per feature with counts, coefficients, decision, scores."""
    responses = [
        *_answers("brakes", [(2, 5)] * 6 + [(1, 5)] * 3 + [(3, 3)], 9),
        *_answers("gift", [(1, 3)] * 7 + [(3, 3)] * 3),
    ]
    brakes, gift = analyze(responses)
    assert brakes.feature == "brakes"
    assert brakes.counts == KanoCounts(
        must_be=6, one_dimensional=3, indifferent=1
    )
    assert brakes.category is KanoCategory.MUST_BE
    assert brakes.decision.rule == "mode"
    assert brakes.coefficients.better == pytest.approx(0.3)
    assert brakes.coefficients.worse == pytest.approx(-0.9)
    assert brakes.total_strength == pytest.approx(0.9)
    assert brakes.category_strength == pytest.approx(0.3)
    assert brakes.significance.first is KanoCategory.MUST_BE
    assert brakes.mean_score.functional == pytest.approx(
        (6 * 2 + 3 * 4 + 0) / 10
    )
    assert brakes.mean_importance == 9.0
    assert gift.category is KanoCategory.ATTRACTIVE
    assert gift.mean_importance is None


def test_analyze_kano_rule_is_passed_on():
    """The decision rule chosen is the one applied."""
    responses = _answers("x", [(1, 3)] * 5 + [(1, 5)] * 4)
    (mode,) = analyze(responses)
    (moai,) = analyze(responses, rule="m_o_a_i")
    assert mode.category is KanoCategory.ATTRACTIVE
    assert moai.category is KanoCategory.ONE_DIMENSIONAL
    assert moai.decision.rule == "m_o_a_i"


def test_analyze_nothing():
    """No responses, no features."""
    assert analyze([]) == ()
    assert count_responses([]) == {}


def test_prioritize_by_category_then_importance_then_impact():
    """Must-be first, then O, A; within a category by importance, impact."""
    responses = [
        *_answers("massage seat", [(1, 3)] * 3, importance=9),
        *_answers("radio", [(2, 5)] * 3, importance=5),
        *_answers("brakes", [(2, 5)] * 3, importance=9),
        *_answers("abs", [(1, 5)] * 3, importance=8),
        *_answers("ashtray", [(3, 3)] * 3),
        *_answers("mirror", [(2, 5), (2, 5), (3, 3)]),
        *_answers("horn", [(2, 5)] * 3),
    ]
    ranking = prioritize_features(analyze(responses))
    assert [(p.rank, p.feature) for p in ranking] == [
        (1, "brakes"),
        (2, "radio"),
        (3, "horn"),
        (4, "mirror"),
        (5, "abs"),
        (6, "massage seat"),
        (7, "ashtray"),
    ]
    brakes = ranking[0]
    assert brakes.weighted_worse == pytest.approx(-9.0)
    assert brakes.weighted_better == pytest.approx(0.0)
    assert "mean importance 9" in brakes.reasons[0]
    assert ranking[2].weighted_better is None
    assert "unrated" in ranking[2].reasons[0]


def test_prioritize_ties_by_name():
    """Features equal in every respect are ordered by name."""
    responses = [
        *_answers("b", [(1, 3)]),
        *_answers("a", [(1, 3)]),
    ]
    ranking = prioritize_features(analyze(responses))
    assert [p.feature for p in ranking] == ["a", "b"]


@given(
    st.dictionaries(
        st.sampled_from(["radio", "shampoo", "brakes", "gift"]),
        st.lists(kano_answer_pairs, min_size=1, max_size=20),
        min_size=1,
    )
)
def test_analysis_properties(
    survey: dict[str, list[tuple[KanoAnswer, KanoAnswer]]],
):
    """Counts add up, the decision was chosen, ranks are 1..n."""
    responses = [
        KanoResponse(
            respondent_id=f"R{n}",
            feature=feature,
            functional=f,
            dysfunctional=d,
        )
        for feature, answers in survey.items()
        for n, (f, d) in enumerate(answers)
    ]
    results = analyze(responses)
    assert [r.feature for r in results] == list(survey)
    for result in results:
        assert result.counts.total == len(survey[result.feature])
        assert result.counts[result.category] > 0
        assert -2.0 <= result.mean_score.functional <= 4.0
        assert -2.0 <= result.mean_score.dysfunctional <= 4.0
    ranking = prioritize_features(results)
    assert [p.rank for p in ranking] == list(range(1, len(results) + 1))
    assert sorted(p.feature for p in ranking) == sorted(survey)


def test_huge_importance_gives_a_finite_mean_and_ranking():
    """Importances near the float limit average to a finite mean, not inf."""
    responses = [
        *_answers("radio", [(2, 5), (2, 5)], importance=1.5e308),
        *_answers("horn", [(2, 5)], importance=1e308),
    ]
    radio, horn = analyze(responses)
    assert radio.mean_importance == pytest.approx(1.5e308)
    assert math.isfinite(radio.mean_importance or math.inf)
    ranking = prioritize_features((horn, radio))
    assert [p.feature for p in ranking] == ["radio", "horn"]
    assert all(math.isfinite(p.weighted_worse or math.inf) for p in ranking)


@pytest.mark.parametrize(
    "function",
    [analyze, count_responses, prioritize_features],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize(
    ("value", "match"),
    [
        (None, r"must be an iterable of Kano"),
        ("radio", r"must be an iterable of Kano"),
        (42, r"must be an iterable of Kano"),
        ([None], r"\[0\] must be a Kano"),
        ([{"feature": "radio"}], r"\[0\] must be a Kano"),
    ],
    ids=["none", "text", "int", "none-item", "dict-item"],
)
def test_sequences_of_the_wrong_thing_are_refused(
    function: Callable[[object], object], value: object, match: str
):
    """Each function names its argument or the bad item's index."""
    with pytest.raises(ArgumentTypeError, match=match):
        function(value)


@pytest.mark.parametrize(
    "function", [analyze, count_responses], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("table", [None, "standard"], ids=["none", "name"])
def test_table_must_be_a_kano_table(
    function: Callable[..., object], table: object
):
    """A table that is not a KanoTable is refused even with no responses."""
    with pytest.raises(ArgumentTypeError, match="table must be a KanoTable"):
        function([], table=table)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rule": "majority"}, InvariantError, "rule must be one of"),
        ({"rule": ["mode"]}, InvariantError, "rule must be one of"),
        ({"z": None}, ArgumentTypeError, "z must be a real number"),
        ({"z": math.nan}, InvariantError, "z must be a finite number"),
        ({"z": 0.0}, InvariantError, "critical value z must be > 0"),
    ],
    ids=["unknown-rule", "list-rule", "none-z", "nan-z", "zero-z"],
)
def test_analyze_refuses_bad_options_before_reading(
    kwargs: dict[str, object], error: type[Exception], match: str
):
    """Bad options are refused even for an empty survey, never ignored."""
    with pytest.raises(error, match=match):
        analyze([], **kwargs)  # type: ignore[arg-type]


def test_inputs_are_not_changed():
    """Analysing and ranking leave the caller's lists as they were."""
    responses = _answers("radio", [(2, 5), (1, 3)], importance=4)
    kept = list(responses)
    results = list(analyze(responses))
    kept_results = list(results)
    prioritize_features(results)
    count_responses(responses)
    assert responses == kept
    assert results == kept_results


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("mean_importance", math.nan, InvariantError),
        ("mean_importance", math.inf, InvariantError),
        ("mean_importance", -1.0, InvariantError),
        ("mean_importance", "9", ArgumentTypeError),
        ("feature", None, ArgumentTypeError),
        ("coefficients", None, ArgumentTypeError),
        ("decision", None, ArgumentTypeError),
        ("mean_score", (1.0, 1.0), ArgumentTypeError),
    ],
    ids=[
        "nan-importance",
        "inf-importance",
        "negative-importance",
        "text-importance",
        "none-feature",
        "none-coefficients",
        "none-decision",
        "tuple-score",
    ],
)
def test_feature_result_refuses_what_ranking_cannot_use(
    field: str, value: object, error: type[Exception]
):
    """A hand-built result with a NaN importance or a wrong part is refused."""
    (result,) = analyze(_answers("radio", [(2, 5)], importance=4))
    with pytest.raises(error, match=field):
        attrs.evolve(result, **{field: value})


def _analyzed(
    feature: str, pairs: list[tuple[int, int]], importance: float | None
) -> KanoFeatureResult:
    (result,) = analyze(_answers(feature, pairs, importance))
    return result


def test_kano_result_repr_and_html_escape_the_feature():
    """A feature named with markup shows escaped; the measures are there."""
    result = _analyzed(SCRIPT, [(1, 3), (1, 3), (1, 5), (3, 3)], 4)
    shown = result._repr_html_()
    assert SCRIPT not in shown
    assert ESCAPED in shown
    assert "<td>attractive</td><td>2</td><td>50%</td>" in shown
    assert "<td>mean importance</td><td>4</td>" in shown
    assert "<td>better (Berger et al. 1993)</td><td>0.75</td>" in shown
    assert len(repr(result)) < 200
    assert repr(result).startswith(f"KanoFeatureResult({SCRIPT!r}: attractive")


def test_kano_result_html_shows_significance_and_missing_values():
    """A clear winner is significant; absent strengths show as a dash."""
    clear = _analyzed("wifi", [(1, 3)] * 20, None)
    assert "<td>top two differ (Fong 1996)</td><td>yes</td>" in (
        clear._repr_html_()
    )
    empty = attrs.evolve(clear, total_strength=None)
    assert "<td>total strength</td><td>\N{EM DASH}</td>" in (
        empty._repr_html_()
    )
    assert "<td>mean importance</td><td>\N{EM DASH}</td>" in (
        clear._repr_html_()
    )


def test_kano_coefficients_and_decision_html():
    """Coefficients and a decision show their values and reasons."""
    coefficients = KanoCoefficients(better=0.5, worse=-0.25)
    assert "<td>-0.25</td>" in coefficients._repr_html_()
    decision = decide_category(KanoCounts(attractive=3, must_be=1))
    shown = decision._repr_html_()
    assert "Kano category: attractive" in shown
    assert all(html.escape(reason) in shown for reason in decision.reasons)
