"""Counting Kano categories per feature and what the counts say.

Coefficients, strengths and significance are plain ``float`` statistics of
the counts; a value that is undefined (no respondents) is ``None``, never
NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Final, Literal, TypeAlias, final, get_args

import attrs

from customer_centric._checks import (
    check_choice,
    check_finite,
    check_instance,
    check_items,
)
from customer_centric._display import (
    Table,
    number,
    tables_html,
    tables_markdown,
)
from customer_centric.exceptions import (
    DataError,
    InvariantError,
)
from customer_centric.kano._tables import KanoCategory, _category, _is

__all__ = [
    "FONG_Z",
    "KanoCoefficients",
    "KanoCounts",
    "KanoDecision",
    "KanoDecisionRule",
    "KanoSignificance",
    "category_strength",
    "decide_category",
    "fong_test",
    "satisfaction_coefficients",
    "total_strength",
]

KanoDecisionRule: TypeAlias = Literal["mode", "m_o_a_i", "total_strength"]
"""How :func:`decide_category` picks a feature's category."""

_RULES: Final[tuple[KanoDecisionRule, ...]] = get_args(KanoDecisionRule)

_LONGEST: Final = 10**100

FONG_Z: Final = 1.65
"""The critical value in Fong's (1996) test (one-sided, about 5 %)."""

# Sauerwein et al. (1996): when a feature cannot be assigned unambiguously,
# M > O > A > I (the categories that hurt most when neglected come first).
# R and Q follow so that every tie has one answer.
_PRIORITY: Final[tuple[KanoCategory, ...]] = (
    KanoCategory.MUST_BE,
    KanoCategory.ONE_DIMENSIONAL,
    KanoCategory.ATTRACTIVE,
    KanoCategory.INDIFFERENT,
    KanoCategory.REVERSE,
    KanoCategory.QUESTIONABLE,
)


def _non_negative(
    instance: object, attribute: attrs.Attribute[int], value: object
) -> None:
    del instance
    count = check_instance(
        value, int, name=attribute.name, what="a whole number of respondents"
    )
    if count < 0:
        msg = (
            f"the count of {attribute.name} respondents must be a whole "
            f"number >= 0, got {value!r}; count each respondent once"
        )
        raise InvariantError(msg)


@final
@attrs.frozen(kw_only=True)
class KanoCounts:
    """How many respondents put one feature in each category.

    Build it from published tallies, or from classified answers with
    :meth:`from_categories`.

    Raises:
        ArgumentTypeError: A count is not a whole number (``int``).
        InvariantError: A count is negative.

    Examples:
        >>> from customer_centric.kano import KanoCategory, KanoCounts
        >>> counts = KanoCounts(attractive=45, one_dimensional=123,
        ...                     must_be=95, indifferent=33)
        >>> counts.total
        296
        >>> counts[KanoCategory.MUST_BE]
        95
        >>> KanoCounts(attractive=-1)
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: the count of attractive \
respondents must be a whole number >= 0, got -1; count each respondent once

    .. versionadded:: 0.1
    """

    attractive: int = attrs.field(default=0, validator=_non_negative)
    one_dimensional: int = attrs.field(default=0, validator=_non_negative)
    must_be: int = attrs.field(default=0, validator=_non_negative)
    indifferent: int = attrs.field(default=0, validator=_non_negative)
    reverse: int = attrs.field(default=0, validator=_non_negative)
    questionable: int = attrs.field(default=0, validator=_non_negative)

    @classmethod
    def from_categories(
        cls, categories: Iterable[KanoCategory], /
    ) -> KanoCounts:
        """Count classified answers, one per respondent.

        Raises:
            ArgumentTypeError: ``categories`` is not an iterable.
            InvariantError: An item is not a :class:`KanoCategory`.

        Examples:
            >>> from customer_centric.kano import KanoCategory, KanoCounts
            >>> KanoCounts.from_categories(
            ...     [KanoCategory.MUST_BE, KanoCategory.MUST_BE]).must_be
            2
        """
        tally = dict.fromkeys(KanoCategory, 0)
        for index, category in enumerate(
            check_items(categories, object, name="categories")
        ):
            tally[_category(category, name=f"categories[{index}]")] += 1
        return cls(**{c.value: n for c, n in tally.items()})

    def __getitem__(self, category: KanoCategory, /) -> int:
        """The count for ``category``."""
        return int(getattr(self, _category(category, name="category").value))

    @property
    def total(self) -> int:
        """All respondents, including reverse and questionable ones."""
        return (
            self.attractive
            + self.one_dimensional
            + self.must_be
            + self.indifferent
            + self.reverse
            + self.questionable
        )

    def share(self, category: KanoCategory, /) -> float | None:
        """The share of all respondents in ``category``; None if none."""
        total = self.total
        return self[category] / total if total else None

    def ranked(self) -> tuple[tuple[KanoCategory, int], ...]:
        """Categories by count, largest first; ties in M > O > A > I order.

        Examples:
            >>> from customer_centric.kano import KanoCounts
            >>> [c.letter for c, n in KanoCounts(
            ...     attractive=3, indifferent=3, must_be=1).ranked()][:3]
            ['A', 'I', 'M']
        """
        values = _ordered(self)
        return tuple((_PRIORITY[k], values[k]) for k in _rank(values))


def _ordered(counts: KanoCounts) -> tuple[int, ...]:
    """The counts in M > O > A > I > R > Q order (that of ``_PRIORITY``)."""
    return (
        counts.must_be,
        counts.one_dimensional,
        counts.attractive,
        counts.indifferent,
        counts.reverse,
        counts.questionable,
    )


def _rank(values: tuple[int, ...]) -> list[int]:
    """Positions in ``_PRIORITY`` by count, largest first; ties by priority."""
    return sorted(range(len(values)), key=lambda k: -values[k])


def _coefficient(
    instance: KanoCoefficients,
    attribute: attrs.Attribute[float | None],
    value: float | None,
) -> None:
    del instance
    low, high = (0.0, 1.0) if attribute.name == "better" else (-1.0, 0.0)
    if value is None:
        return
    number = check_finite(value, name=attribute.name)
    if not low <= number <= high:
        msg = (
            f"{attribute.name} must be in [{low:g}, {high:g}], got {value!r}; "
            "compute it with satisfaction_coefficients()"
        )
        raise InvariantError(msg)


@final
@attrs.frozen(kw_only=True)
class KanoCoefficients:
    """Berger et al.'s (1993) customer satisfaction coefficients.

    Attributes:
        better: (A + O) / (A + O + M + I), in [0, 1]: how much fulfilling
            the feature raises satisfaction; None with no A, O, M or I
            respondents.
        worse: -(O + M) / (A + O + M + I), in [-1, 0]: how much leaving it
            out lowers satisfaction; None when ``better`` is.

    Raises:
        ArgumentTypeError: A coefficient is not a number or None.
        InvariantError: A coefficient is NaN, infinite or out of its range,
            or only one of them is None.

    Examples:
        >>> from customer_centric.kano import KanoCoefficients
        >>> KanoCoefficients(better=0.5, worse=-0.25).worse
        -0.25
        >>> "better" in KanoCoefficients(better=0.5, worse=-0.25)._repr_html_()
        True
        >>> KanoCoefficients(better=float("nan"), worse=-0.25)
        Traceback (most recent call last):
        ...
        customer_centric.exceptions.InvariantError: better must be a finite \
number, got nan

    .. versionadded:: 0.1
    """

    better: float | None = attrs.field(validator=_coefficient)
    worse: float | None = attrs.field(validator=_coefficient)

    def __attrs_post_init__(self) -> None:
        if (self.better is None) != (self.worse is None):
            msg = (
                "better and worse are undefined together or not at all, got "
                f"better={self.better!r}, worse={self.worse!r}"
            )
            raise InvariantError(msg)

    def _tables(self) -> tuple[Table, ...]:
        return (
            Table(
                "Satisfaction coefficients (Berger et al. 1993)",
                [
                    ("better", number(self.better), "having it pleases"),
                    ("worse", number(self.worse), "lacking it displeases"),
                ],
                header=("coefficient", "value", "meaning"),
            ),
        )

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def satisfaction_coefficients(counts: KanoCounts, /) -> KanoCoefficients:
    """Compute Better and Worse for one feature (Berger et al. 1993).

    Reverse and questionable answers are left out of the denominator,
    as in the original (Timko's) definition.

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCounts, satisfaction_coefficients)
        >>> c = satisfaction_coefficients(KanoCounts(
        ...     attractive=45, one_dimensional=123, must_be=95,
        ...     indifferent=33))
        >>> round(c.better, 3), round(c.worse, 3)
        (0.568, -0.736)
        >>> satisfaction_coefficients(KanoCounts(questionable=4))
        KanoCoefficients(better=None, worse=None)

    .. versionadded:: 0.1
    """
    check_instance(counts, KanoCounts, name="counts")
    found = _better_worse(_ordered(counts))
    if found is None:
        return KanoCoefficients(better=None, worse=None)
    better, worse = found
    return KanoCoefficients(better=better, worse=worse)


def _better_worse(values: tuple[int, ...]) -> tuple[float, float] | None:
    """Better and Worse of counts in ``_ordered`` order; None if undefined."""
    m, o, a, i = values[:4]
    denominator = a + o + m + i
    if denominator == 0:
        return None
    return (a + o) / denominator, -(o + m) / denominator


def total_strength(counts: KanoCounts, /) -> float | None:
    """The share of respondents for whom the feature matters at all.

    Total strength = (A + O + M) / all respondents (Lee & Newcomb 1997);
    None with no respondents.

    Examples:
        >>> from customer_centric.kano import KanoCounts, total_strength
        >>> round(total_strength(KanoCounts(
        ...     attractive=45, one_dimensional=123, must_be=95,
        ...     indifferent=33)), 3)
        0.889

    .. versionadded:: 0.1
    """
    total = check_instance(counts, KanoCounts, name="counts").total
    if total == 0:
        return None
    return (counts.attractive + counts.one_dimensional + counts.must_be) / (
        total
    )


def category_strength(counts: KanoCounts, /) -> float | None:
    """How far the leading category is ahead of the runner-up.

    Category strength = (largest count - second largest) / all respondents,
    over the six categories (Lee & Newcomb 1997); None with no respondents.
    Lee & Newcomb read a strength under 6 % as a feature that does not
    belong clearly to one category.

    Examples:
        >>> from customer_centric.kano import KanoCounts, category_strength
        >>> round(category_strength(KanoCounts(
        ...     attractive=45, one_dimensional=123, must_be=95,
        ...     indifferent=33)), 4)
        0.0946

    .. versionadded:: 0.1
    """
    total = check_instance(counts, KanoCounts, name="counts").total
    if total == 0:
        return None
    (_, first), (_, second), *_ = counts.ranked()
    return (first - second) / total


def _critical_value(z: object) -> float:
    critical = check_finite(z, name="z")
    if critical <= 0:
        msg = f"the critical value z must be > 0, got {z!r}; use e.g. 1.65"
        raise InvariantError(msg)
    return critical


@final
@attrs.frozen(kw_only=True)
class KanoSignificance:
    """The outcome of Fong's (1996) test on a feature's top two categories.

    Attributes:
        first: The most frequent category.
        second: The second most frequent category.
        difference: ``|a - b|``, the difference of their counts.
        threshold: ``z * sqrt((a + b) * (2n - a - b) / (2n))``.
        significant: True when ``difference >= threshold``: the leading
            category is significantly ahead.

    Examples:
        >>> from customer_centric.kano import KanoCounts, fong_test
        >>> fong_test(KanoCounts(must_be=10, attractive=9)).significant
        False

    .. versionadded:: 0.1
    """

    first: KanoCategory
    second: KanoCategory
    difference: int
    threshold: float
    significant: bool


def fong_test(counts: KanoCounts, /, *, z: float = FONG_Z) -> KanoSignificance:
    """Is the most frequent category significantly ahead of the second?

    Fong (1996): with ``a`` and ``b`` the counts of the two most frequent
    categories and ``n`` the number of respondents, there is no
    significant difference when
    ``|a - b| < z * sqrt((a + b) * (2n - a - b) / (2n))``, with
    ``z = 1.65`` (as reproduced in the stp25kano R package, Peter 2024).
    Ties between categories are ordered M > O > A > I > R > Q.

    Args:
        counts: The feature's counts.
        z: The critical value.

    The threshold is computed in exact integer and decimal arithmetic, so
    counts too large for a float still give the right answer.

    Raises:
        DataError: There are no respondents.
        ArgumentTypeError: ``counts`` is not a :class:`KanoCounts` or ``z``
            is not a number.
        InvariantError: ``z`` is not a positive finite number, or the
            threshold is too large for a float.

    Examples:
        >>> from customer_centric.kano import KanoCounts, fong_test
        >>> result = fong_test(KanoCounts(
        ...     attractive=45, one_dimensional=123, must_be=95,
        ...     indifferent=33))
        >>> result.first.letter, result.second.letter, result.difference
        ('O', 'M', 28)
        >>> round(result.threshold, 1), result.significant
        (19.4, True)

    .. versionadded:: 0.1
    """
    check_instance(counts, KanoCounts, name="counts")
    critical = _critical_value(z)
    n = counts.total
    if n == 0:
        msg = (
            "Fong's test needs at least one respondent, got none; "
            "collect answers before testing"
        )
        raise DataError(msg)
    (first, a), (second, b), *_ = counts.ranked()
    threshold = _fong_threshold(a, b, n, critical, z=z)
    difference = abs(a - b)
    return KanoSignificance(
        first=first,
        second=second,
        difference=difference,
        threshold=threshold,
        significant=difference >= threshold,
    )


def _fong_threshold(
    a: int, b: int, n: int, critical: float, *, z: object
) -> float:
    """Fong's threshold ``critical * sqrt((a + b)(2n - a - b) / 2n)``."""
    # Decimal keeps (a + b)(2n - a - b) / 2n exact enough for any count;
    # float arithmetic overflows once counts pass about 1e308.
    wide = Context(prec=40, Emax=MAX_EMAX, Emin=MIN_EMIN)
    exact = wide.multiply(
        Decimal(critical),
        wide.sqrt(
            wide.divide(Decimal((a + b) * (2 * n - a - b)), Decimal(2 * n))
        ),
    )
    threshold = float(exact)
    if not math.isfinite(threshold):
        msg = (
            f"Fong's threshold for z={z!r} and {Decimal(n):.3e} respondents "
            f"is {exact:.3e}, too large for a float; use a smaller z or "
            "check the counts"
        )
        raise InvariantError(msg)
    return threshold


@final
@attrs.frozen(kw_only=True)
class KanoDecision:
    """A feature's category, with the rule that chose it and why.

    Attributes:
        category: The category decided on.
        rule: The rule applied.
        reasons: Why, in sentences a person can read.

    Examples:
        In Jupyter a decision shows as its category with the reasons:

        >>> from customer_centric.kano import KanoCounts, decide_category
        >>> decision = decide_category(KanoCounts(attractive=3, must_be=1))
        >>> decision.category.value, "attractive" in decision._repr_html_()
        ('attractive', True)

    .. versionadded:: 0.1
    """

    category: KanoCategory = attrs.field(validator=_is(KanoCategory))
    rule: KanoDecisionRule
    reasons: tuple[str, ...]

    def _tables(self) -> tuple[Table, ...]:
        return (
            Table(
                f"Kano category: {self.category.value} (rule {self.rule!r})",
                [(reason,) for reason in self.reasons],
                header=("why",),
            ),
        )

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())


def _n(count: int) -> str:
    """A count as text; past 100 digits in scientific notation.

    Python refuses to print an int of more than 4300 digits, and nobody
    reads one of 100.
    """
    return str(count) if count < _LONGEST else f"{Decimal(count):.6e}"


def _t(threshold: float) -> str:
    return f"{threshold:.1f}" if threshold < _LONGEST else f"{threshold:.6e}"


def _describe(counts: KanoCounts) -> str:
    return ", ".join(f"{c.letter}={_n(counts[c])}" for c in _PRIORITY)


_MATTERS: Final = (0, 1, 2)  # M, O, A in ``_PRIORITY``
_REST: Final = (3, 4, 5)  # I, R, Q


def _decide(
    values: tuple[int, ...], rule: KanoDecisionRule, critical: float
) -> KanoCategory:
    """The category ``rule`` picks for counts in ``_ordered`` order.

    The one definition of the rules: :func:`decide_category` explains its
    choice in words, the bootstrap calls this once per resample.
    """
    ranked = _rank(values)
    if rule == "mode":
        return _PRIORITY[ranked[0]]
    if rule == "m_o_a_i":
        first, second = ranked[0], ranked[1]
        a, b = values[first], values[second]
        threshold = _fong_threshold(a, b, sum(values), critical, z=critical)
        if abs(a - b) >= threshold or b == 0:
            return _PRIORITY[first]
        return _PRIORITY[min(first, second)]
    matters = sum(values[k] for k in _MATTERS)
    rest = sum(values[k] for k in _REST)
    group = _MATTERS if matters > rest else _REST
    return _PRIORITY[next(k for k in ranked if k in group)]


def decide_category(
    counts: KanoCounts,
    /,
    *,
    rule: KanoDecisionRule = "mode",
    z: float = FONG_Z,
) -> KanoDecision:
    """Decide a feature's category from its counts, and say why.

    Rules:

    - ``"mode"``: the most frequent category (Berger et al. 1993); a tie
      is broken by M > O > A > I > R > Q (Sauerwein et al. 1996).
    - ``"m_o_a_i"``: the mode, unless Fong's (1996) test finds the top
      two categories not significantly apart; then the one of the two that
      comes first in M > O > A > I (Sauerwein et al. 1996: when in doubt,
      treat the feature as the one whose neglect hurts most).
    - ``"total_strength"``: if A + O + M > I + R + Q, the most frequent of
      A, O and M, otherwise the most frequent of I, R and Q (Berger et al.
      1993); ties again by M > O > A > I > R > Q.

    Args:
        counts: The feature's counts.
        rule: Which rule to apply.
        z: The critical value for Fong's test (rule ``"m_o_a_i"``).

    Raises:
        DataError: There are no respondents to decide from.
        ArgumentTypeError: ``counts`` is not a :class:`KanoCounts`.
        InvariantError: ``rule`` is unknown, or ``z`` is not a positive
            finite number.

    Examples:
        >>> from customer_centric.kano import KanoCounts, decide_category
        >>> counts = KanoCounts(attractive=93, one_dimensional=87,
        ...                     must_be=65, indifferent=51)
        >>> decide_category(counts).category.letter
        'A'
        >>> decision = decide_category(counts, rule="m_o_a_i")
        >>> decision.category.letter
        'O'
        >>> print(*decision.reasons)
        A (93) and O (87) are not significantly apart (Fong: |93 - 87| = 6 \
< 18.5), so O is chosen by M > O > A > I; counts M=65, O=87, A=93, I=51, \
R=0, Q=0

    .. versionadded:: 0.1
    """
    check_instance(counts, KanoCounts, name="counts")
    rule = check_choice(rule, _RULES, name="rule")
    critical = _critical_value(z)
    if counts.total == 0:
        msg = (
            "cannot decide a Kano category without respondents, got all "
            "counts 0; collect answers for this feature first"
        )
        raise DataError(msg)
    values = _ordered(counts)
    category = _decide(values, rule, critical)
    described = _describe(counts)
    if rule == "mode":
        tied = [c for c in _PRIORITY if counts[c] == counts[category]]
        why = (
            f"{category.letter} is the most frequent category"
            if len(tied) == 1
            else (
                f"{'/'.join(c.letter for c in tied)} tie at "
                f"{_n(counts[category])}, so {category.letter} is chosen by "
                "M > O > A > I > R > Q"
            )
        )
        return KanoDecision(
            category=category,
            rule=rule,
            reasons=(f"{why}; counts {described}",),
        )
    if rule == "m_o_a_i":
        test = fong_test(counts, z=z)
        first, second = test.first, test.second
        a, b = counts[first], counts[second]
        if test.significant or b == 0:
            return KanoDecision(
                category=category,
                rule=rule,
                reasons=(
                    (
                        f"{first.letter} ({_n(a)}) is significantly ahead of "
                        f"{second.letter} ({_n(b)}) "
                        f"(Fong: |{_n(a)} - {_n(b)}| = "
                        f"{_n(test.difference)} >= {_t(test.threshold)}); "
                        f"counts {described}"
                        if test.significant
                        else f"{first.letter} is the only category chosen; "
                        f"counts {described}"
                    ),
                ),
            )
        return KanoDecision(
            category=category,
            rule=rule,
            reasons=(
                (
                    f"{first.letter} ({_n(a)}) and {second.letter} ({_n(b)}) "
                    f"are not significantly apart "
                    f"(Fong: |{_n(a)} - {_n(b)}| = "
                    f"{_n(test.difference)} < {_t(test.threshold)}), so "
                    f"{category.letter} is chosen by M > O > A > I; "
                    f"counts {described}"
                ),
            ),
        )
    aom = sum(values[k] for k in _MATTERS)
    irq = sum(values[k] for k in _REST)
    group = [_PRIORITY[k] for k in (_MATTERS if aom > irq else _REST)]
    comparison = ">" if aom > irq else "<="
    return KanoDecision(
        category=category,
        rule=rule,
        reasons=(
            (
                f"A+O+M = {_n(aom)} {comparison} I+R+Q = {_n(irq)}, and "
                f"{category.letter} is the most frequent of "
                f"{', '.join(c.letter for c in group)}; counts {described}"
            ),
        ),
    )
