"""From survey responses to one result per feature, and what to build first."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Final, final

import attrs

from customer_centric._checks import (
    check_choice,
    check_finite,
    check_instance,
    check_items,
)
from customer_centric._display import (
    NO_VALUE,
    Table,
    number,
    tables_html,
    tables_markdown,
)
from customer_centric.exceptions import InvariantError
from customer_centric.kano._counts import (
    _RULES,
    FONG_Z,
    KanoCoefficients,
    KanoCounts,
    KanoDecision,
    KanoDecisionRule,
    KanoSignificance,
    _critical_value,
    category_strength,
    decide_category,
    fong_test,
    satisfaction_coefficients,
    total_strength,
)
from customer_centric.kano._scores import (
    KanoScore,
    continuous_score,
    mean_score,
)
from customer_centric.kano._survey import KanoResponse
from customer_centric.kano._tables import (
    STANDARD_TABLE,
    KanoCategory,
    KanoTable,
    _is,
)

__all__ = [
    "KanoFeatureResult",
    "KanoPriority",
    "analyze",
    "count_responses",
    "prioritize_features",
]


def count_responses(
    responses: Iterable[KanoResponse],
    /,
    *,
    table: KanoTable = STANDARD_TABLE,
) -> dict[str, KanoCounts]:
    """Classify every response and count respondents per feature.

    Returns:
        Each feature's counts, in order of first appearance.

    Raises:
        ArgumentTypeError: ``responses`` is not an iterable of
            :class:`KanoResponse`, or ``table`` is not a :class:`KanoTable`.

    Examples:
        >>> from customer_centric.kano import KanoResponse, count_responses
        >>> answers = [
        ...     KanoResponse(respondent_id="R1", feature="radio",
        ...                  functional=1, dysfunctional=3),
        ...     KanoResponse(respondent_id="R2", feature="radio",
        ...                  functional=2, dysfunctional=5)]
        >>> counts = count_responses(answers)["radio"]
        >>> counts.attractive, counts.must_be
        (1, 1)

    .. versionadded:: 0.1
    """
    check_instance(table, KanoTable, name="table")
    categories: dict[str, list[KanoCategory]] = {}
    for response in check_items(responses, KanoResponse, name="responses"):
        categories.setdefault(response.feature, []).append(
            table.classify(response.functional, response.dysfunctional)
        )
    return {
        feature: KanoCounts.from_categories(found)
        for feature, found in categories.items()
    }


def _importance(
    instance: object, attribute: attrs.Attribute[float | None], value: object
) -> None:
    del instance
    if value is not None and check_finite(value, name=attribute.name) < 0:
        msg = f"{attribute.name} must be >= 0, got {value!r}"
        raise InvariantError(msg)


def _mean(values: list[float]) -> float:
    """The mean of finite numbers, finite even when their sum overflows."""
    try:
        return math.fsum(values) / len(values)
    except OverflowError:
        return math.fsum(value / len(values) for value in values)


@final
@attrs.frozen(kw_only=True)
class KanoFeatureResult:
    """Everything a Kano survey says about one feature.

    Attributes:
        feature: The feature's name.
        counts: Respondents per category.
        coefficients: Better and Worse (Berger et al. 1993).
        decision: The category decided on, with the rule and reason.
        total_strength: (A + O + M) / n (Lee & Newcomb 1997).
        category_strength: Lead of the top category over the second, as a
            share of n (Lee & Newcomb 1997).
        significance: Fong's (1996) test of the top two categories.
        mean_score: The mean of DuMouchel's continuous scores.
        mean_importance: The mean self-stated importance of the
            respondents who gave one, else None.

    Examples:
        ``repr`` is one line; in Jupyter a result shows as the category
        with its reasons, the respondents per category and the measures:

        >>> from customer_centric.kano import KanoResponse, analyze
        >>> (result,) = analyze([
        ...     KanoResponse(respondent_id=f"R{n}", feature="shampoo",
        ...                  functional=1, dysfunctional=3)
        ...     for n in range(4)])
        >>> result
        KanoFeatureResult('shampoo': attractive, n=4, better=1, worse=0)
        >>> "attractive" in result._repr_html_()
        True

    .. versionadded:: 0.1
    """

    feature: str = attrs.field(validator=_is(str))
    counts: KanoCounts = attrs.field(validator=_is(KanoCounts))
    coefficients: KanoCoefficients = attrs.field(
        validator=_is(KanoCoefficients)
    )
    decision: KanoDecision = attrs.field(validator=_is(KanoDecision))
    total_strength: float | None
    category_strength: float | None
    significance: KanoSignificance = attrs.field(
        validator=_is(KanoSignificance)
    )
    mean_score: KanoScore = attrs.field(validator=_is(KanoScore))
    mean_importance: float | None = attrs.field(validator=_importance)

    @classmethod
    def from_counts(
        cls,
        feature: str,
        counts: KanoCounts,
        /,
        *,
        mean_score: KanoScore,
        mean_importance: float | None = None,
        rule: KanoDecisionRule = "mode",
        z: float = FONG_Z,
    ) -> KanoFeatureResult:
        """A feature's result from its counts and mean scores.

        :func:`analyze` builds every result this way from the responses;
        :func:`customer_centric.frames.kano_analyze` from a dataframe's
        counts, so both paths give the same results.

        Examples:
            >>> from customer_centric.kano import (
            ...     KanoCounts, KanoFeatureResult, KanoScore)
            >>> KanoFeatureResult.from_counts(
            ...     "shampoo", KanoCounts(attractive=3, indifferent=1),
            ...     mean_score=KanoScore(functional=3.0, dysfunctional=1.0))
            KanoFeatureResult('shampoo': attractive, n=4, better=0.75, worse=0)

        .. versionadded:: 0.2
        """
        return cls(
            feature=feature,
            counts=counts,
            coefficients=satisfaction_coefficients(counts),
            decision=decide_category(counts, rule=rule, z=z),
            total_strength=total_strength(counts),
            category_strength=category_strength(counts),
            significance=fong_test(counts, z=z),
            mean_score=mean_score,
            mean_importance=mean_importance,
        )

    @property
    def category(self) -> KanoCategory:
        """The decided category (shortcut for ``decision.category``)."""
        return self.decision.category

    def __repr__(self) -> str:
        """One line: feature, category, respondents, Better and Worse."""
        return (
            f"KanoFeatureResult({self.feature!r}: {self.category.value}, "
            f"n={self.counts.total}, "
            f"better={number(self.coefficients.better)}, "
            f"worse={number(self.coefficients.worse)})"
        )

    def _tables(self) -> tuple[Table, ...]:
        counts = self.counts
        decision = Table(
            f"Kano result for {self.feature!r}: {self.category.value} "
            f"(rule {self.decision.rule!r})",
            [(reason,) for reason in self.decision.reasons],
            header=("why",),
        )
        respondents = Table(
            f"Respondents per category ({counts.total} in all)",
            [
                (category.value, n, _share(counts.share(category)))
                for category, n in counts.ranked()
            ],
            header=("category", "respondents", "share"),
        )
        coefficients = self.coefficients
        measures = Table(
            "Measures",
            [
                ("better (Berger et al. 1993)", number(coefficients.better)),
                ("worse (Berger et al. 1993)", number(coefficients.worse)),
                ("total strength", _share(self.total_strength)),
                ("category strength", _share(self.category_strength)),
                (
                    "top two differ (Fong 1996)",
                    "yes" if self.significance.significant else "no",
                ),
                ("mean importance", number(self.mean_importance)),
            ],
            header=("measure", "value"),
        )
        return decision, respondents, measures

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def _share(value: float | None) -> str:
    return NO_VALUE if value is None else f"{value:.0%}"


def analyze(
    responses: Iterable[KanoResponse],
    /,
    *,
    table: KanoTable = STANDARD_TABLE,
    rule: KanoDecisionRule = "mode",
    z: float = FONG_Z,
) -> tuple[KanoFeatureResult, ...]:
    """Analyse a Kano survey: one result per feature, in order of appearance.

    Args:
        responses: The survey's responses.
        table: The evaluation table.
        rule: How to decide each feature's category (see
            :func:`decide_category`).
        z: The critical value of Fong's test.

    Raises:
        ArgumentTypeError: ``responses`` is not an iterable of
            :class:`KanoResponse`, ``table`` is not a :class:`KanoTable`
            or ``z`` is not a number.
        InvariantError: ``rule`` is unknown or ``z`` is not a positive
            finite number.

    Examples:
        >>> from customer_centric.kano import KanoResponse, analyze
        >>> answers = [
        ...     KanoResponse(respondent_id=f"R{n}", feature="shampoo",
        ...                  functional=f, dysfunctional=d, importance=5)
        ...     for n, (f, d) in enumerate([(1, 3), (1, 3), (1, 5), (3, 3)])]
        >>> (result,) = analyze(answers)
        >>> result.category.source_name, result.coefficients.better
        ('excitement', 0.75)
        >>> result.mean_score
        KanoScore(functional=3.0, dysfunctional=1.0)

    .. versionadded:: 0.1
    """
    check_instance(table, KanoTable, name="table")
    rule = check_choice(rule, _RULES, name="rule")
    _critical_value(z)
    grouped: dict[str, list[KanoResponse]] = {}
    for response in check_items(responses, KanoResponse, name="responses"):
        grouped.setdefault(response.feature, []).append(response)
    results = []
    for feature, answers in grouped.items():
        counts = KanoCounts.from_categories(
            table.classify(r.functional, r.dysfunctional) for r in answers
        )
        rated = [r.importance for r in answers if r.importance is not None]
        results.append(
            KanoFeatureResult.from_counts(
                feature,
                counts,
                mean_score=mean_score(
                    continuous_score(r.functional, r.dysfunctional)
                    for r in answers
                ),
                mean_importance=_mean(rated) if rated else None,
                rule=rule,
                z=z,
            )
        )
    return tuple(results)


# Build order (Berger et al. 1993; Matzler & Hinterhuber 1998): fulfil
# every must-be need, compete on one-dimensional ones, then add attractive
# ones; indifferent, reverse and questionable features come last.
_BUILD_ORDER: Final[Mapping[KanoCategory, int]] = {
    KanoCategory.MUST_BE: 0,
    KanoCategory.ONE_DIMENSIONAL: 1,
    KanoCategory.ATTRACTIVE: 2,
    KanoCategory.INDIFFERENT: 3,
    KanoCategory.REVERSE: 4,
    KanoCategory.QUESTIONABLE: 5,
}


@final
@attrs.frozen(kw_only=True)
class KanoPriority:
    """One feature's place in the build order, and why.

    Attributes:
        rank: 1 for the feature to build first.
        feature: The feature's name.
        category: Its decided category.
        mean_importance: Its mean self-stated importance, if rated.
        weighted_better: ``mean_importance * Better``, if both exist.
        weighted_worse: ``mean_importance * Worse``, if both exist.
        reasons: Why, in sentences a person can read.

    .. versionadded:: 0.1
    """

    rank: int
    feature: str
    category: KanoCategory
    mean_importance: float | None
    weighted_better: float | None
    weighted_worse: float | None
    reasons: tuple[str, ...]

    def __repr__(self) -> str:
        """One line: rank, feature, category and mean importance."""
        return (
            f"KanoPriority({self.rank}, {self.feature!r}: "
            f"{self.category.value}, importance "
            f"{number(self.mean_importance)})"
        )

    def _tables(self) -> tuple[Table, ...]:
        measures = Table(
            f"Build rank {self.rank}: {self.feature!r}, {self.category.value}",
            [
                ("mean importance", number(self.mean_importance)),
                ("importance x better", number(self.weighted_better)),
                ("importance x worse", number(self.weighted_worse)),
            ],
            header=("measure", "value"),
        )
        why = Table("Why", [(r,) for r in self.reasons], header=("reason",))
        return measures, why

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def _impact(result: KanoFeatureResult) -> float:
    better, worse = result.coefficients.better, result.coefficients.worse
    return 0.0 if better is None or worse is None else better - worse


def prioritize_features(
    results: Iterable[KanoFeatureResult], /
) -> tuple[KanoPriority, ...]:
    """Rank features for building, using self-stated importance.

    The rule, in order of precedence:

    1. by category: must-be, then one-dimensional, attractive,
       indifferent, reverse, questionable (Berger et al. 1993; Matzler &
       Hinterhuber 1998: a missing must-be cannot be made up for);
    2. within a category, by mean self-stated importance, highest first
       (Berger et al. 1993, §IIb; Fong 1996), rated features before
       unrated ones;
    3. then by total impact ``Better + |Worse|``, highest first;
    4. then by name, so the order is total.

    The importance-weighted coefficients (mean importance times Better
    and Worse) are reported for display; they do not change the order.

    Raises:
        ArgumentTypeError: ``results`` is not an iterable of
            :class:`KanoFeatureResult`.

    Examples:
        >>> from customer_centric.kano import KanoResponse, analyze
        >>> from customer_centric.kano import prioritize_features
        >>> answers = [
        ...     KanoResponse(respondent_id="R1", feature="radio",
        ...                  functional=2, dysfunctional=5, importance=9),
        ...     KanoResponse(respondent_id="R1", feature="massage seat",
        ...                  functional=1, dysfunctional=3, importance=4)]
        >>> ranking = prioritize_features(analyze(answers))
        >>> [(p.rank, p.feature, p.category.letter) for p in ranking]
        [(1, 'radio', 'M'), (2, 'massage seat', 'A')]
        >>> ranking[0].weighted_worse
        -9.0
        >>> ranking[0]
        KanoPriority(1, 'radio': must_be, importance 9)

    .. versionadded:: 0.1
    """

    def key(result: KanoFeatureResult) -> tuple[int, int, float, float, str]:
        importance = result.mean_importance
        return (
            _BUILD_ORDER[result.category],
            0 if importance is not None else 1,
            -(importance or 0.0),
            -_impact(result),
            result.feature,
        )

    ranked = sorted(
        check_items(results, KanoFeatureResult, name="results"), key=key
    )
    priorities = []
    for rank, result in enumerate(ranked, start=1):
        importance = result.mean_importance
        better, worse = result.coefficients.better, result.coefficients.worse
        rated = (
            "unrated"
            if importance is None
            else f"mean importance {importance:g}"
        )
        priorities.append(
            KanoPriority(
                rank=rank,
                feature=result.feature,
                category=result.category,
                mean_importance=importance,
                weighted_better=(
                    None
                    if importance is None or better is None
                    else importance * better
                ),
                weighted_worse=(
                    None
                    if importance is None or worse is None
                    else importance * worse
                ),
                reasons=(
                    (
                        f"{result.category.value} (build order "
                        f"{_BUILD_ORDER[result.category] + 1} of 6), {rated}, "
                        f"impact Better+|Worse| = {_impact(result):.2f}"
                    ),
                ),
            )
        )
    return tuple(priorities)
