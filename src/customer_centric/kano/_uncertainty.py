"""How sure a Kano result is: intervals, category stability, sample size.

Better and Worse are proportions of the *classified* respondents, those
who answered attractive, one-dimensional, must-be or indifferent (reverse
and questionable answers are left out, as in
:func:`~customer_centric.kano.satisfaction_coefficients`). So they have an
analytic interval, Wilson's (1927) score interval, and a bootstrap one.

The bootstrap resamples a feature's respondents. Better, Worse and the
decided category depend only on the feature's six category counts, and
drawing ``n`` respondents with replacement from ``n`` observed ones gives
counts that follow a multinomial distribution with ``n`` trials and the
observed shares. So one multinomial draw per resample *is* the bootstrap
over that feature's respondents, at a cost that does not grow with ``n``.

numpy (the ``[stats]`` extra) is needed for the bootstrap only; it is
imported when the bootstrap runs. The analytic intervals and the sample
sizes are pure Python.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist
from typing import TYPE_CHECKING, Final, Literal, TypeAlias, final

import attrs

from customer_centric._checks import (
    check_choice,
    check_finite,
    check_instance,
)
from customer_centric._extras import require_extra
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.kano._counts import (
    _PRIORITY,
    _RULES,
    FONG_Z,
    KanoCounts,
    KanoDecisionRule,
    _better_worse,
    _critical_value,
    _decide,
    _ordered,
    decide_category,
)
from customer_centric.kano._tables import KanoCategory, _category

if TYPE_CHECKING:
    from numpy.random import Generator

__all__ = [
    "KanoBootstrap",
    "KanoCoefficientIntervals",
    "KanoInterval",
    "KanoIntervalMethod",
    "bootstrap",
    "bootstrap_features",
    "coefficient_intervals",
    "interval_width",
    "respondents_for_width",
]

KanoIntervalMethod: TypeAlias = Literal["wilson", "bootstrap"]
"""How a :class:`KanoCoefficientIntervals` was computed."""

DEFAULT_RESAMPLES: Final = 2000
"""Bootstrap resamples by default.

Efron & Tibshirani (1993) advise about 1,000 or more resamples for
percentile intervals; at 2,000, a stability share carries a Monte Carlo
error of at most ``1.96 * sqrt(0.25 / 2000)``, about 2.2 points (95 %).
"""

_MAX_RESAMPLES: Final = 1_000_000
"""A million resamples pin a share to +-0.1 point; more only costs memory."""

_MAX_RESPONDENTS: Final = 2**53
"""Counts past 2**53 are no longer exact as float shares."""


def _z(confidence: object) -> float:
    """The two-sided normal quantile of ``confidence``, checked."""
    level = check_finite(confidence, name="confidence")
    upper = (1.0 + level) / 2.0
    if not 0.0 < level < 1.0 or upper >= 1.0:
        msg = (
            f"confidence must be a level in (0, 1), got {confidence!r}; "
            "use e.g. 0.95 for a 95 % interval"
        )
        raise InvariantError(msg)
    return NormalDist().inv_cdf(upper)


def _wilson(share: float, inverse_n: float, z: float) -> tuple[float, float]:
    """Wilson's (1927) score interval for a share seen in ``1 / inverse_n``.

    Written in ``1 / n`` so that a count too large for a float still works.
    """
    z2 = z * z
    scale = 1.0 + z2 * inverse_n
    centre = (share + z2 * inverse_n / 2.0) / scale
    half = (z / scale) * math.sqrt(
        share * (1.0 - share) * inverse_n + z2 * inverse_n * inverse_n / 4.0
    )
    # The interval holds the share exactly; rounding may miss it by an ulp
    # (at a share of 0 or 1 the centre and half-width cancel).
    return (
        min(share, max(0.0, centre - half)),
        max(share, min(1.0, centre + half)),
    )


@final
@attrs.frozen(kw_only=True)
class KanoInterval:
    """An estimate and its confidence interval.

    Attributes:
        estimate: The value computed from the observed counts.
        low: The interval's lower end.
        high: The interval's upper end.
        confidence: The interval's confidence level, e.g. 0.95.

    Examples:
        >>> from customer_centric.kano import KanoInterval
        >>> interval = KanoInterval(estimate=0.5, low=0.4, high=0.62,
        ...                         confidence=0.95)
        >>> round(interval.width, 2)
        0.22

    .. versionadded:: 0.2
    """

    estimate: float
    low: float
    high: float
    confidence: float

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low


@final
@attrs.frozen(kw_only=True)
class KanoCoefficientIntervals:
    """Better and Worse of one feature, each with its interval.

    Attributes:
        better: Better with its interval, in [0, 1]; None when Better is
            undefined (no A, O, M or I respondents).
        worse: Worse with its interval, in [-1, 0]; None when ``better``
            is.
        respondents: The classified respondents, A + O + M + I: the
            denominator of Better and Worse.
        method: ``"wilson"`` (analytic) or ``"bootstrap"`` (percentile).

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCounts, coefficient_intervals)
        >>> intervals = coefficient_intervals(KanoCounts(questionable=2))
        >>> intervals.better, intervals.respondents
        (None, 0)

    .. versionadded:: 0.2
    """

    better: KanoInterval | None
    worse: KanoInterval | None
    respondents: int
    method: KanoIntervalMethod


def coefficient_intervals(
    counts: KanoCounts, /, *, confidence: float = 0.95
) -> KanoCoefficientIntervals:
    """Wilson score intervals for Better and Worse (analytic).

    Better = (A + O) / N and -Worse = (O + M) / N are proportions of the
    N = A + O + M + I classified respondents (reverse and questionable
    ones are left out, as in
    :func:`~customer_centric.kano.satisfaction_coefficients`), so each gets
    Wilson's (1927) score interval for a binomial proportion, with N as the
    number of trials; Worse's interval is that of (O + M) / N, negated.
    Newcombe (1998) found the score interval's coverage close to the
    nominal level where the simple (Wald) interval is not, notably for
    small N or shares near 0 or 1. The 95 % default is the level Newcombe
    compares the intervals at.

    Args:
        counts: The feature's counts.
        confidence: The confidence level, in (0, 1).

    Raises:
        ArgumentTypeError: ``counts`` is not a :class:`KanoCounts` or
            ``confidence`` is not a number.
        InvariantError: ``confidence`` is not in (0, 1).

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCounts, coefficient_intervals)
        >>> intervals = coefficient_intervals(KanoCounts(
        ...     attractive=45, one_dimensional=123, must_be=95,
        ...     indifferent=33))
        >>> b = intervals.better
        >>> round(b.estimate, 3), round(b.low, 3), round(b.high, 3)
        (0.568, 0.511, 0.623)
        >>> w = intervals.worse
        >>> round(w.estimate, 3), round(w.low, 3), round(w.high, 3)
        (-0.736, -0.783, -0.684)

    .. versionadded:: 0.2
    """
    check_instance(counts, KanoCounts, name="counts")
    z = _z(confidence)
    level = float(confidence)
    m, o, a, i = _ordered(counts)[:4]
    n = a + o + m + i
    found = _better_worse(_ordered(counts))
    if found is None:
        return KanoCoefficientIntervals(
            better=None, worse=None, respondents=0, method="wilson"
        )
    better, worse = found
    b_low, b_high = _wilson(better, 1 / n, z)
    w_low, w_high = _wilson(-worse, 1 / n, z)
    return KanoCoefficientIntervals(
        better=KanoInterval(
            estimate=better, low=b_low, high=b_high, confidence=level
        ),
        worse=KanoInterval(
            estimate=worse, low=-w_high, high=-w_low, confidence=level
        ),
        respondents=n,
        method="wilson",
    )


@final
@attrs.frozen(kw_only=True)
class KanoBootstrap:
    """A feature's bootstrap: intervals and how stable its category is.

    Attributes:
        counts: The observed counts the resamples were drawn from.
        intervals: Better and Worse with percentile intervals.
        category: The category ``rule`` decides on the observed counts.
        rule: The decision rule applied to every resample.
        stability: Each of the six categories with the share of resamples
            that ``rule`` put in it, largest first (ties in M > O > A > I >
            R > Q order); the shares sum to 1.
        n_resamples: How many resamples were drawn.
        undefined: Resamples without any A, O, M or I respondent, where
            Better and Worse are undefined; the intervals leave them out.

    Examples:
        >>> from customer_centric.kano import KanoCounts, bootstrap
        >>> result = bootstrap(KanoCounts(attractive=40, indifferent=10),
        ...                    seed=1, n_resamples=200)
        >>> result.summary
        'attractive in 100 % of 200 resamples'

    .. versionadded:: 0.2
    """

    counts: KanoCounts
    intervals: KanoCoefficientIntervals
    category: KanoCategory
    rule: KanoDecisionRule
    stability: tuple[tuple[KanoCategory, float], ...]
    n_resamples: int
    undefined: int

    def share(self, category: KanoCategory, /) -> float:
        """The share of resamples decided as ``category``.

        Raises:
            InvariantError: ``category`` is not a :class:`KanoCategory`.
        """
        return dict(self.stability)[_category(category, name="category")]

    @property
    def summary(self) -> str:
        """The observed category and its stability, in words."""
        share = self.share(self.category)
        return (
            f"{self.category.value} in {100 * share:.0f} % of "
            f"{self.n_resamples} resamples"
        )


def _named_counts(counts: object, *, of: str) -> dict[str, KanoCounts]:
    """``counts`` as a dict of names to counts, or refused by type."""
    if not isinstance(counts, Mapping):
        raise ArgumentTypeError.for_argument(
            "counts", counts, f"a mapping of {of} names to KanoCounts"
        )
    return {
        check_instance(name, str, name=f"{of} name"): check_instance(
            value, KanoCounts, name=f"counts[{name!r}]"
        )
        for name, value in counts.items()
    }


def _seed(seed: object) -> int:
    number = check_instance(
        seed, int, name="seed", what="a whole number >= 0, e.g. 2024"
    )
    if number < 0:
        msg = f"seed must be a whole number >= 0, got {seed!r}; use e.g. 2024"
        raise InvariantError(msg)
    return number


def _resamples(n_resamples: object) -> int:
    number = check_instance(
        n_resamples, int, name="n_resamples", what="a whole number"
    )
    if not 1 <= number <= _MAX_RESAMPLES:
        msg = (
            f"n_resamples must be from 1 to {_MAX_RESAMPLES:,}, got "
            f"{n_resamples!r}; use e.g. {DEFAULT_RESAMPLES}"
        )
        raise InvariantError(msg)
    return number


def _drawable(counts: object, *, name: str) -> KanoCounts:
    checked = check_instance(counts, KanoCounts, name=name)
    if checked.total == 0:
        msg = (
            f"{name} has no respondents to resample, got all counts 0; "
            "collect answers for this feature first"
        )
        raise DataError(msg)
    if checked.total > _MAX_RESPONDENTS:
        msg = (
            f"{name} has {checked.total:.3e} respondents, more than the "
            f"bootstrap draws ({_MAX_RESPONDENTS:.3e}); use "
            "coefficient_intervals(), whose width is already near 0"
        )
        raise InvariantError(msg)
    return checked


def _percentiles(
    values: list[float], estimate: float, confidence: float
) -> KanoInterval:
    import numpy as np  # noqa: PLC0415 - the [stats] extra, checked first

    low, high = np.quantile(
        np.asarray(values), [(1 - confidence) / 2, (1 + confidence) / 2]
    )
    return KanoInterval(
        estimate=estimate,
        low=float(low),
        high=float(high),
        confidence=confidence,
    )


def _resample(
    counts: KanoCounts,
    rng: Generator,
    *,
    n_resamples: int,
    confidence: float,
    rule: KanoDecisionRule,
    critical: float,
) -> KanoBootstrap:
    import numpy as np  # noqa: PLC0415 - the [stats] extra, checked first

    values = _ordered(counts)
    n = sum(values)
    # Only the observed categories are drawn: a category nobody chose
    # cannot appear in a resample, whatever float rounding says.
    drawn = [k for k, v in enumerate(values) if v]
    shares = np.array([values[k] for k in drawn], dtype=float) / n
    draws = rng.multinomial(n, shares, size=n_resamples).tolist()
    seen: dict[
        tuple[int, ...], tuple[KanoCategory, tuple[float, float] | None]
    ] = {}
    tally = dict.fromkeys(_PRIORITY, 0)
    betters: list[float] = []
    worses: list[float] = []
    full = [0] * len(values)
    for row in draws:
        key = tuple(row)
        found = seen.get(key)
        if found is None:
            for k, count in zip(drawn, row, strict=True):
                full[k] = count
            resample = tuple(full)
            found = (
                _decide(resample, rule, critical),
                _better_worse(resample),
            )
            seen[key] = found
        category, coefficients = found
        tally[category] += 1
        if coefficients is not None:
            betters.append(coefficients[0])
            worses.append(coefficients[1])
    observed = _better_worse(values)
    better = worse = None
    if observed is not None:
        better = _percentiles(betters, observed[0], confidence)
        worse = _percentiles(worses, observed[1], confidence)
    m, o, a, i = values[:4]
    ranked = sorted(_PRIORITY, key=lambda c: -tally[c])
    return KanoBootstrap(
        counts=counts,
        intervals=KanoCoefficientIntervals(
            better=better,
            worse=worse,
            respondents=a + o + m + i,
            method="bootstrap",
        ),
        category=decide_category(counts, rule=rule, z=critical).category,
        rule=rule,
        stability=tuple((c, tally[c] / n_resamples) for c in ranked),
        n_resamples=n_resamples,
        undefined=n_resamples - len(betters),
    )


def bootstrap(
    counts: KanoCounts,
    /,
    *,
    seed: int,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    rule: KanoDecisionRule = "mode",
    z: float = FONG_Z,
) -> KanoBootstrap:
    """Bootstrap one feature: Better/Worse intervals and category stability.

    Each resample draws the feature's ``n`` respondents with replacement
    (Efron & Tibshirani 1993); since only the category counts matter, it
    is drawn as one multinomial with ``n`` trials and the observed shares,
    which is the same distribution at a cost that does not depend on
    ``n``. Every resample's category is decided by
    :func:`decide_category`'s ``rule``; Better and Worse get percentile
    intervals (Efron & Tibshirani 1993, ch. 13) over the resamples where
    they are defined. The randomness comes from ``seed`` alone
    (numpy's ``default_rng``): the same seed, counts and numpy version give
    the same answer.

    Args:
        counts: The feature's observed counts.
        seed: The random seed, a whole number >= 0.
        n_resamples: How many resamples to draw (1 to 1,000,000); see
            :data:`DEFAULT_RESAMPLES`.
        confidence: The intervals' level, in (0, 1).
        rule: The decision rule (see :func:`decide_category`).
        z: Fong's critical value, for the ``"m_o_a_i"`` rule.

    Raises:
        MissingExtraError: numpy (the ``[stats]`` extra) is not installed.
        DataError: There are no respondents.
        ArgumentTypeError: An argument has the wrong type (a ``float`` or
            ``bool`` seed, for example).
        InvariantError: ``seed`` is negative, ``n_resamples``,
            ``confidence``, ``rule`` or ``z`` is out of range, or there
            are more than 2**53 respondents.

    Examples:
        >>> from customer_centric.kano import KanoCounts, bootstrap
        >>> loan_machine = KanoCounts(must_be=65, one_dimensional=87,
        ...                           attractive=93, indifferent=51)
        >>> result = bootstrap(loan_machine, seed=7, n_resamples=500)
        >>> result.category.letter, result.summary
        ('A', 'attractive in 66 % of 500 resamples')
        >>> [(c.letter, s) for c, s in result.stability[:2]]
        [('A', 0.66), ('O', 0.334)]
        >>> b = result.intervals.better
        >>> round(b.low, 2), round(b.estimate, 2), round(b.high, 2)
        (0.55, 0.61, 0.66)

    .. versionadded:: 0.2
    """
    checked = _drawable(counts, name="counts")
    return bootstrap_features(
        {"": checked},
        seed=seed,
        n_resamples=n_resamples,
        confidence=confidence,
        rule=rule,
        z=z,
    )[""]


def bootstrap_features(
    counts: Mapping[str, KanoCounts],
    /,
    *,
    seed: int,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = 0.95,
    rule: KanoDecisionRule = "mode",
    z: float = FONG_Z,
) -> dict[str, KanoBootstrap]:
    """Bootstrap every feature of a survey, each as :func:`bootstrap` does.

    Each feature is resampled on its own, from its own respondents: that
    is the bootstrap over respondents seen one feature at a time, so each
    feature's intervals and stability are those of a joint resample of
    whole respondents. A joint resample would add only statements about
    several features at once (is X's Better above Y's in most resamples?),
    which this function does not make. The features draw from independent
    streams spawned from ``seed`` in the mapping's order
    (``numpy.random.SeedSequence.spawn``); a single feature given alone
    reproduces :func:`bootstrap` with the same seed.

    Args:
        counts: Each feature's counts, e.g. from
            :func:`count_responses`.
        seed: The random seed, a whole number >= 0.
        n_resamples: Resamples per feature (1 to 1,000,000).
        confidence: The intervals' level, in (0, 1).
        rule: The decision rule (see :func:`decide_category`).
        z: Fong's critical value, for the ``"m_o_a_i"`` rule.

    Returns:
        Each feature's :class:`KanoBootstrap`, in the mapping's order.

    Raises:
        MissingExtraError: numpy (the ``[stats]`` extra) is not installed.
        DataError: ``counts`` is empty, or a feature has no respondents.
        ArgumentTypeError: An argument has the wrong type.
        InvariantError: As for :func:`bootstrap`.

    Examples:
        >>> from customer_centric.kano import (
        ...     KanoCounts, bootstrap_features)
        >>> survey = {
        ...     "radio": KanoCounts(must_be=30, one_dimensional=12),
        ...     "massage seat": KanoCounts(attractive=9, indifferent=8)}
        >>> for feature, result in bootstrap_features(
        ...         survey, seed=3, n_resamples=400).items():
        ...     print(feature, "-", result.summary)
        radio - must_be in 100 % of 400 resamples
        massage seat - attractive in 60 % of 400 resamples

    .. versionadded:: 0.2
    """
    named = _named_counts(counts, of="feature")
    if not named:
        msg = (
            "counts holds no features, got {}; pass each feature's "
            "KanoCounts, e.g. count_responses(responses)"
        )
        raise DataError(msg)
    features = {
        name: _drawable(value, name=f"counts[{name!r}]")
        for name, value in named.items()
    }
    number = _seed(seed)
    resamples = _resamples(n_resamples)
    _z(confidence)
    rule = check_choice(rule, _RULES, name="rule")
    critical = _critical_value(z)
    require_extra("stats", "numpy")
    import numpy as np  # noqa: PLC0415 - the [stats] extra, checked above

    streams = (
        [np.random.SeedSequence(number)]
        if len(features) == 1
        else np.random.SeedSequence(number).spawn(len(features))
    )
    return {
        name: _resample(
            feature,
            np.random.default_rng(stream),
            n_resamples=resamples,
            confidence=float(confidence),
            rule=rule,
            critical=critical,
        )
        for (name, feature), stream in zip(
            features.items(), streams, strict=True
        )
    }


def _share(share: object) -> float:
    number = check_finite(share, name="share")
    if not 0.0 <= number <= 1.0:
        msg = (
            f"share must be in [0, 1], got {share!r}; use 0.5 for the "
            "widest interval"
        )
        raise InvariantError(msg)
    return number


def interval_width(
    respondents: int,
    /,
    *,
    share: float = 0.5,
    confidence: float = 0.95,
) -> float:
    """How wide Better's or Worse's interval is for so many respondents.

    The width of Wilson's (1927) score interval when the observed share
    (Better, or -Worse) equals ``share`` among ``respondents`` classified
    respondents (A + O + M + I; reverse and questionable ones do not
    count). ``share=0.5`` gives the widest interval (``share * (1 -
    share)`` is largest there), the planning value Cochran (1977, ch. 4)
    uses when nothing is known yet.

    Args:
        respondents: The classified respondents, a whole number >= 1.
        share: The expected Better or -Worse, in [0, 1].
        confidence: The confidence level, in (0, 1).

    Raises:
        ArgumentTypeError: An argument has the wrong type.
        InvariantError: ``respondents`` is below 1, ``share`` is outside
            [0, 1] or ``confidence`` outside (0, 1).

    Examples:
        >>> from customer_centric.kano import interval_width
        >>> round(interval_width(100), 3)
        0.192
        >>> round(interval_width(400), 3), round(interval_width(400,
        ...     share=0.2), 3)
        (0.098, 0.078)

    .. versionadded:: 0.2
    """
    number = check_instance(
        respondents, int, name="respondents", what="a whole number"
    )
    if number < 1:
        msg = (
            f"respondents must be a whole number >= 1, got {respondents!r}; "
            "count the classified (A, O, M, I) respondents"
        )
        raise InvariantError(msg)
    p = _share(share)
    low, high = _wilson(p, 1 / number, _z(confidence))
    return high - low


_MOST_RESPONDENTS: Final = 2**53


def respondents_for_width(
    width: float,
    /,
    *,
    share: float = 0.5,
    confidence: float = 0.95,
) -> int:
    """How many respondents give Better's or Worse's interval this width.

    The smallest number of classified respondents (A + O + M + I) whose
    Wilson (1927) interval, at an observed ``share``, is at most ``width``
    wide: the exact inverse of :func:`interval_width`, whose width falls
    as respondents grow. The familiar normal-approximation formula
    ``n = z**2 * share * (1 - share) / (width / 2)**2`` (Cochran 1977,
    ch. 4) asks for slightly more (385 instead of 381 for a width of 0.1
    at 0.5 and 95 %) and for none at a share of 0 or 1. Divide by the
    share of classified answers you expect to get the survey's size.

    Args:
        width: The wanted width, in (0, 1].
        share: The expected Better or -Worse, in [0, 1].
        confidence: The confidence level, in (0, 1).

    Raises:
        ArgumentTypeError: An argument is not a number.
        InvariantError: ``width`` is outside (0, 1], ``share`` outside
            [0, 1], ``confidence`` outside (0, 1), or more than 2**53
            respondents would be needed.

    Examples:
        >>> from customer_centric.kano import respondents_for_width
        >>> respondents_for_width(0.1)
        381
        >>> respondents_for_width(0.2, share=0.1)
        37

    .. versionadded:: 0.2
    """
    wanted = check_finite(width, name="width")
    if not 0.0 < wanted <= 1.0:
        msg = f"width must be in (0, 1], got {width!r}; use e.g. 0.1"
        raise InvariantError(msg)
    p = _share(share)
    z = _z(confidence)

    def wide(n: int) -> float:
        low, high = _wilson(p, 1 / n, z)
        return high - low

    low, high = 0, 1
    while wide(high) > wanted:
        low, high = high, 2 * high
        if high > _MOST_RESPONDENTS:
            msg = (
                f"a width of {width!r} needs more than "
                f"{_MOST_RESPONDENTS:.3e} respondents; ask for a wider "
                "interval"
            )
            raise InvariantError(msg)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if wide(middle) <= wanted else (middle, high)
    return high
