"""Complaint-recovery rules over named, sourced assumption presets.

Every figure a rule uses comes from an :class:`AssumptionSet`, never from
the code. Two presets ship side by side:

* :data:`SOURCE_TEXTS`: the figures the Persian CRM lecture notes quote
  (source text ``004``): 4-6 % of dissatisfied customers complain, 96 %
  stay silent, the unhappy tell 10-20 others, 96 % of complainants come back
  if resolved quickly, acquisition costs 3-30x retention, firms lose 10-15 %
  of customers a year, and 68 % leave over staff indifference (a figure no
  study supports).
* :data:`PRIMARY_STUDIES`: what the studies behind those figures report
  (TARP 1979 and 1986 for the US Office of Consumer Affairs, as summarised
  by Goodman 1999): 1 in 27 complain to head office and about half to
  front-line staff, repurchase intentions by what happened and by the money
  at stake, the unhappy tell 9-10 people (13 % more than 20) and the
  recovered about 5, acquisition about 5x (2-20x) retention.

The recovery paradox is assessed (Magnini et al. 2007) but never applied
unless the caller passes an uplift of their own: the meta-analysis of de
Matos et al. (2007) finds it in satisfaction, not in repurchase.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from decimal import (
    ROUND_HALF_EVEN,
    Decimal,
    DecimalException,
    localcontext,
)
from typing import Final, Literal, Self, TypeAlias, final

import attrs
from pydantic import BaseModel, ConfigDict, Field, model_validator

from customer_centric._assumptions import SHARE_UNITS, Assumption
from customer_centric._checks import (
    check_aware,
    check_choice,
    check_decimal,
    check_instance,
    check_member,
)
from customer_centric._frozen import FrozenMap, SortedSet
from customer_centric._stages import DepartureReason
from customer_centric._types import (
    DECIMAL_CONTEXT,
    MAX_COUNT,
    MAX_MONEY,
    ONE,
    ZERO,
    check_bounded_decimal,
    check_non_negative_money,
    check_rate,
)
from customer_centric.complaints._complaint import (
    Complaint,
    ComplaintStatus,
)
from customer_centric.exceptions import InvariantError, PolicyError
from customer_centric.value._lifetime import (
    ACQUISITION_COST_MULTIPLE_PRIMARY,
    ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
    MAX_YEARS,
    simple_lifetime_value,
)

__all__ = [
    "PRIMARY_STUDIES",
    "SOURCE_TEXTS",
    "AssumptionSet",
    "ComplaintImpact",
    "ParadoxAssessment",
    "ParadoxCondition",
    "ProblemSize",
    "RangeEstimate",
    "RecoveryPath",
    "RetentionAfterRecovery",
    "WinBackEstimate",
    "WinBackRates",
    "WordOfMouth",
    "assess_recovery_paradox",
    "assumptions_markdown",
    "complaint_impact",
    "hidden_dissatisfied",
    "problem_size",
    "recovery_path",
    "repurchase_probability",
    "retention_after_recovery",
    "revenue_at_risk",
    "win_back_likelihood",
    "word_of_mouth_reach",
]

_TWO: Final = Decimal(2)
_CENT: Final = Decimal("0.01")
_PROBABILITY: Final = Decimal("0.0001")
_TINY: Final = Decimal("1e-9")
_MAX_ESTIMATE: Final = Decimal("1e30")
_CHANNELS: Final = ("head_office", "front_line")


@enum.unique
class RecoveryPath(enum.StrEnum):
    """What happened after a customer had a problem (TARP's four rows).

    Examples:
        >>> from customer_centric.complaints import RecoveryPath
        >>> RecoveryPath("resolved_quickly").complained
        True

    .. versionadded:: 0.1
    """

    DID_NOT_COMPLAIN = "did_not_complain"
    COMPLAINED_UNRESOLVED = "complained_unresolved"
    COMPLAINED_RESOLVED = "complained_resolved"
    RESOLVED_QUICKLY = "resolved_quickly"

    @property
    def complained(self) -> bool:
        """Whether the customer complained."""
        return self is not RecoveryPath.DID_NOT_COMPLAIN

    @property
    def resolved(self) -> bool:
        """Whether the complaint was resolved."""
        return self in {
            RecoveryPath.COMPLAINED_RESOLVED,
            RecoveryPath.RESOLVED_QUICKLY,
        }


@enum.unique
class ProblemSize(enum.StrEnum):
    """How much money was at stake in the problem (TARP's columns).

    ``SMALL`` is under the set's ``small_problem_max`` ($5 in TARP),
    ``LARGE`` over its ``large_problem_min`` ($100). ``MEDIUM`` is anything
    between, or unknown: the studies give no row for it, so the rules answer
    with the interval between the two columns.

    Examples:
        >>> from customer_centric.complaints import ProblemSize
        >>> ProblemSize("large")
        <ProblemSize.LARGE: 'large'>

    .. versionadded:: 0.1
    """

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


_TABLE_SIZES: Final = (ProblemSize.SMALL, ProblemSize.LARGE)


def _unit_of(field: str) -> str:
    return "share" if field.startswith("repurchase.") else _FIELD_UNITS[field]


def _check_field_unit(set_name: str, field: str, figure: Assumption) -> None:
    wanted = _unit_of(field)
    ok = (
        figure.unit in SHARE_UNITS
        if wanted == "share"
        else (figure.unit == wanted)
    )
    if not ok:
        msg = (
            f"assumption set {set_name!r}: {field} must be in unit "
            f"{wanted!r}, got {figure.unit!r} (value {figure.value!r}); the "
            "rules read it as that unit"
        )
        raise PolicyError(msg)


class AssumptionSet(BaseModel):
    """A named set of the figures the recovery rules rely on.

    Every figure is an :class:`~customer_centric.Assumption` with its
    range and source; figures a preset does not have are ``None`` and the
    rules that need them say so. Change one figure with
    :meth:`with_figure`.

    Attributes:
        name: The preset's identifier.
        description: Where the figures come from, in a sentence.
        complaint_rate: Share of dissatisfied customers who complain to the
            firm where complaints are recorded (head office).
        front_line_complaint_rate: Share who complain to front-line staff.
        silent_share: Share of dissatisfied customers who never complain.
        unhappy_word_of_mouth: People a dissatisfied customer tells.
        heavy_talker_share: Share of the dissatisfied who tell more than 20.
        recovered_word_of_mouth: People a customer whose complaint was
            resolved tells.
        repurchase: Repurchase probability by path, for small and large
            problems (a partial table is allowed).
        small_problem_max: Problem value under which a problem is small.
        large_problem_min: Problem value over which a problem is large.
        acquisition_cost_multiple: Acquisition cost as a multiple of
            retention cost.
        annual_customer_loss: Share of customers a firm loses a year.
        staff_indifference_share: Share of defections caused by staff
            indifference.
        unsupported: Names of the figures no study supports.

    Examples:
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, SOURCE_TEXTS)
        >>> SOURCE_TEXTS.complaint_rate.low, SOURCE_TEXTS.complaint_rate.high
        (Decimal('0.04'), Decimal('0.06'))
        >>> sorted(SOURCE_TEXTS.unsupported)
        ['staff_indifference_share']
        >>> PRIMARY_STUDIES.recovered_word_of_mouth.value
        Decimal('5')

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    description: str
    complaint_rate: Assumption
    front_line_complaint_rate: Assumption | None = None
    silent_share: Assumption | None = None
    unhappy_word_of_mouth: Assumption
    heavy_talker_share: Assumption | None = None
    recovered_word_of_mouth: Assumption | None = None
    repurchase: FrozenMap[RecoveryPath, FrozenMap[ProblemSize, Assumption]]
    small_problem_max: Assumption
    large_problem_min: Assumption
    acquisition_cost_multiple: Assumption
    annual_customer_loss: Assumption | None = None
    staff_indifference_share: Assumption | None = None
    unsupported: SortedSet[str] = frozenset()

    @model_validator(mode="after")
    def _figures_are_usable(self) -> Self:
        for field, assumption in self.figures():
            _check_field_unit(self.name, field, assumption)
        rate = self.complaint_rate
        if (rate.low if rate.low is not None else rate.value) <= ZERO:
            msg = (
                f"assumption set {self.name!r}: complaint_rate must be above "
                f"0 to estimate hidden customers, got {rate.low!r}"
            )
            raise PolicyError(msg)
        for path, row in self.repurchase.items():
            extra = set(row) - set(_TABLE_SIZES)
            if extra:
                msg = (
                    f"assumption set {self.name!r}: repurchase row "
                    f"{path.value!r} has sizes {sorted(extra)!r}; the table "
                    "has only 'small' and 'large' (medium is derived)"
                )
                raise PolicyError(msg)
        if self.small_problem_max.value >= self.large_problem_min.value:
            msg = (
                f"assumption set {self.name!r}: small_problem_max "
                f"{self.small_problem_max.value} must be below "
                f"large_problem_min {self.large_problem_min.value}"
            )
            raise PolicyError(msg)
        present = {name for name, _ in self.figures()}
        unknown = {n for n in self.unsupported if n not in present}
        if unknown:
            msg = (
                f"assumption set {self.name!r} marks {sorted(unknown)!r} as "
                f"unsupported, but has no such figures; use field names of "
                "figures it has"
            )
            raise PolicyError(msg)
        return self

    def figures(self) -> tuple[tuple[str, Assumption], ...]:
        """Every figure the set has, as (field name, assumption) pairs.

        Repurchase cells are named ``repurchase.<path>.<size>`` and come
        after the word-of-mouth figures.

        Examples:
            >>> from customer_centric.complaints import PRIMARY_STUDIES
            >>> [name for name, _ in PRIMARY_STUDIES.figures()][4:6]
            ['recovered_word_of_mouth', 'repurchase.did_not_complain.small']
        """
        found: dict[str, Assumption] = {}
        for name in _SCALAR_FIELDS:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        for path, row in self.repurchase.items():
            for size, cell in row.items():
                found[f"repurchase.{path.value}.{size.value}"] = cell
        return tuple(
            (name, found[name]) for name in _FIGURE_ORDER if name in found
        )

    def with_figure(self, field: str, assumption: Assumption, /) -> Self:
        """A copy with one scalar figure replaced (validated again).

        Examples:
            >>> from decimal import Decimal
            >>> from customer_centric.complaints import PRIMARY_STUDIES
            >>> mine = PRIMARY_STUDIES.with_figure(
            ...     "complaint_rate",
            ...     PRIMARY_STUDIES.complaint_rate.override(
            ...         Decimal("0.1"), source="our 2025 survey"))
            >>> mine.complaint_rate.value
            Decimal('0.1')

        Raises:
            PolicyError: ``field`` is not a scalar figure of the set.
        """
        if field not in _SCALAR_FIELDS:
            msg = (
                f"{field!r} is not a figure of an assumption set; use one "
                f"of {', '.join(_SCALAR_FIELDS)} (change repurchase cells "
                "by building a new set)"
            )
            raise PolicyError(msg)
        return type(self).model_validate(
            {**dict(self), field: assumption, "name": f"{self.name}+{field}"}
        )


_SCALAR_FIELDS: Final = (
    "complaint_rate",
    "front_line_complaint_rate",
    "silent_share",
    "unhappy_word_of_mouth",
    "heavy_talker_share",
    "recovered_word_of_mouth",
    "small_problem_max",
    "large_problem_min",
    "acquisition_cost_multiple",
    "annual_customer_loss",
    "staff_indifference_share",
)

_FIELD_UNITS: Final = {
    "complaint_rate": "share",
    "front_line_complaint_rate": "share",
    "silent_share": "share",
    "heavy_talker_share": "share",
    "annual_customer_loss": "share",
    "staff_indifference_share": "share",
    "unhappy_word_of_mouth": "people",
    "recovered_word_of_mouth": "people",
    "small_problem_max": "money",
    "large_problem_min": "money",
    "acquisition_cost_multiple": "multiple",
}

_FIGURE_ORDER: Final = (
    *_SCALAR_FIELDS[:6],
    *(
        f"repurchase.{path.value}.{size.value}"
        for path in RecoveryPath
        for size in _TABLE_SIZES
    ),
    *_SCALAR_FIELDS[6:],
)

_LECTURE_NOTES: Final = (
    "CRM lecture notes by Mostafa Amini (Persian source text 004), "
    "'points on the customer value management cycle'"
)
_TARP_1986: Final = (
    "TARP (1986), Consumer Complaint Handling in America: An Update Study, "
    "for the US Office of Consumer Affairs; as summarised by Goodman "
    "(1999), 'Basic facts on customer complaint behavior and the impact of "
    "service on the bottom line', Competitive Advantage 9(1)"
)
_TARP_1979: Final = (
    "TARP (1979), Consumer Complaint Handling in America: Final Report, "
    "for the US Office of Consumer Affairs; as summarised by Goodman (1999)"
)
_DOLLARS: Final = (
    "Problem value in mid-1980s US dollars; convert to your currency and "
    "prices with Assumption.override()."
)


def _share(
    name: str,
    value: str,
    *,
    source: str,
    low: str | None = None,
    high: str | None = None,
    note: str = "",
    unit: str = "share",
) -> Assumption:
    return Assumption(
        name=name,
        value=Decimal(value),
        low=None if low is None else Decimal(low),
        high=None if high is None else Decimal(high),
        unit=unit,
        source=source,
        note=note,
    )


_QUICK_96 = _share(
    "repurchase_resolved_quickly",
    "0.96",
    source=_LECTURE_NOTES,
    note=(
        "'96 % of complaining customers come back and become loyal if their "
        "complaint is handled quickly'; TARP's 95 % for problems under $5 "
        "(82 % over $100), rounded and without the problem size."
    ),
)


def _repurchase(
    path: RecoveryPath, small: str, large: str
) -> dict[ProblemSize, Assumption]:
    note = (
        "Repurchase intention of customers who had a problem, by what "
        f"happened next. {_DOLLARS}"
    )
    return {
        ProblemSize.SMALL: _share(
            f"repurchase_{path.value}_small",
            small,
            source=_TARP_1986,
            note=note,
        ),
        ProblemSize.LARGE: _share(
            f"repurchase_{path.value}_large",
            large,
            source=_TARP_1986,
            note=note,
        ),
    }


SOURCE_TEXTS: Final = AssumptionSet(
    name="source_texts",
    description=(
        "The figures the Persian CRM lecture notes quote (source text 004), "
        "without their studies' caveats."
    ),
    complaint_rate=_share(
        "complaint_rate",
        "0.05",
        low="0.04",
        high="0.06",
        source=_LECTURE_NOTES,
        note=(
            "'Only 4 to 6 % of dissatisfied customers complain'; the value "
            "is the range's midpoint."
        ),
    ),
    silent_share=_share(
        "silent_share",
        "0.96",
        source=_LECTURE_NOTES,
        note=(
            "'About 96 % of dissatisfied customers stay silent and move to "
            "competitors': TARP's 1 in 27 (26/27 = 96 %). It does not "
            "match 4-6 % complaining; the rules use complaint_rate."
        ),
    ),
    unhappy_word_of_mouth=_share(
        "unhappy_word_of_mouth",
        "15",
        low="10",
        high="20",
        unit="people",
        source=_LECTURE_NOTES,
        note=(
            "'Dissatisfied customers tell 10 to 20 others'; the value is "
            "the range's midpoint."
        ),
    ),
    repurchase={
        RecoveryPath.RESOLVED_QUICKLY: {
            ProblemSize.SMALL: _QUICK_96,
            ProblemSize.LARGE: _QUICK_96,
        }
    },
    small_problem_max=_share(
        "small_problem_max",
        "5",
        unit="money",
        source=_TARP_1986,
        note="The sources do not split by problem size; TARP's bounds.",
    ),
    large_problem_min=_share(
        "large_problem_min",
        "100",
        unit="money",
        source=_TARP_1986,
        note="The sources do not split by problem size; TARP's bounds.",
    ),
    acquisition_cost_multiple=ACQUISITION_COST_MULTIPLE_SOURCE_TEXTS,
    annual_customer_loss=_share(
        "annual_customer_loss",
        "0.125",
        low="0.10",
        high="0.15",
        source=_LECTURE_NOTES,
        note=(
            "'Most firms lose 10 to 15 % of their customers a year through "
            "poor service'; the value is the range's midpoint."
        ),
    ),
    staff_indifference_share=_share(
        "staff_indifference_share",
        "0.68",
        source=_LECTURE_NOTES,
        note=(
            "'Staff indifference and rudeness drive 68 % of customers to "
            "competitors'. Widely repeated, but no study backs it: do not "
            "use it for decisions."
        ),
    ),
    unsupported=frozenset({"staff_indifference_share"}),
)
"""The Persian source texts' figures (lecture notes, source ``004``).

.. versionadded:: 0.1
"""

PRIMARY_STUDIES: Final = AssumptionSet(
    name="primary_studies",
    description=(
        "What the TARP studies for the US Office of Consumer Affairs (1979, "
        "1986) report, as summarised by Goodman (1999)."
    ),
    complaint_rate=_share(
        "complaint_rate",
        "0.03703703703703703703703703704",  # 1 / 27, not the import context's
        source=_TARP_1986,
        note=(
            "1 in 27 dissatisfied customers complains to the firm's head "
            "office (26 do not). No range is given with the figure; it "
            "varies with industry and problem size."
        ),
    ),
    front_line_complaint_rate=_share(
        "front_line_complaint_rate",
        "0.5",
        source=_TARP_1986,
        note=(
            "About half of dissatisfied customers complain to front-line "
            "staff, where the complaint is rarely recorded."
        ),
    ),
    unhappy_word_of_mouth=_share(
        "unhappy_word_of_mouth",
        "9.5",
        low="9",
        high="10",
        unit="people",
        source=_TARP_1979,
        note="Dissatisfied customers tell 9 to 10 people; value: midpoint.",
    ),
    heavy_talker_share=_share(
        "heavy_talker_share",
        "0.13",
        source=_TARP_1979,
        note="13 % of dissatisfied customers tell more than 20 people.",
    ),
    recovered_word_of_mouth=_share(
        "recovered_word_of_mouth",
        "5",
        unit="people",
        source=_TARP_1979,
        note=(
            "Customers whose complaint was resolved tell about 5 people "
            "(of their good experience)."
        ),
    ),
    repurchase={
        RecoveryPath.DID_NOT_COMPLAIN: _repurchase(
            RecoveryPath.DID_NOT_COMPLAIN, "0.37", "0.09"
        ),
        RecoveryPath.COMPLAINED_UNRESOLVED: _repurchase(
            RecoveryPath.COMPLAINED_UNRESOLVED, "0.46", "0.19"
        ),
        RecoveryPath.COMPLAINED_RESOLVED: _repurchase(
            RecoveryPath.COMPLAINED_RESOLVED, "0.70", "0.54"
        ),
        RecoveryPath.RESOLVED_QUICKLY: _repurchase(
            RecoveryPath.RESOLVED_QUICKLY, "0.95", "0.82"
        ),
    },
    small_problem_max=_share(
        "small_problem_max",
        "5",
        unit="money",
        source=_TARP_1986,
        note=f"Small problems: under $5. {_DOLLARS}",
    ),
    large_problem_min=_share(
        "large_problem_min",
        "100",
        unit="money",
        source=_TARP_1986,
        note=f"Large problems: over $100. {_DOLLARS}",
    ),
    acquisition_cost_multiple=ACQUISITION_COST_MULTIPLE_PRIMARY,
)
"""The primary studies' figures (TARP 1979/1986 via Goodman 1999).

.. versionadded:: 0.1
"""


@final
@attrs.frozen(kw_only=True)
class RangeEstimate:
    """A figure with the interval the assumptions' ranges allow.

    ``low <= expected <= high`` always holds.

    Attributes:
        low: The low end.
        expected: The figure from the assumptions' values.
        high: The high end.
        unit: What the figure counts (``"customers"``, ``"people"``,
            ``"probability"``, ``"money"``).
        basis: The sources of the figures used.
        explanation: How the figure was computed, in a sentence.

    Examples:
        >>> from customer_centric.complaints import (
        ...     SOURCE_TEXTS, hidden_dissatisfied)
        >>> estimate = hidden_dissatisfied(10, assumptions=SOURCE_TEXTS)
        >>> estimate.low <= estimate.expected <= estimate.high
        True

    .. versionadded:: 0.1
    """

    low: Decimal
    expected: Decimal
    high: Decimal
    unit: str
    basis: tuple[str, ...]
    explanation: str


Ends: TypeAlias = tuple[Decimal, Decimal, Decimal]
"""An interval's low end, expected value and high end."""


def _bounds(assumption: Assumption) -> Ends:
    low = assumption.low if assumption.low is not None else assumption.value
    high = assumption.high if assumption.high is not None else assumption.value
    return low, assumption.value, high


def _ends(estimate: RangeEstimate) -> Ends:
    return estimate.low, estimate.expected, estimate.high


def _estimate(
    figure: Callable[..., Decimal],
    *inputs: Ends,
    unit: str,
    basis: tuple[str, ...],
    explanation: str,
    quantum: Decimal = _CENT,
) -> RangeEstimate:
    """Carry intervals through ``figure``, the one RangeEstimate arithmetic.

    ``figure`` is monotone in each argument (every rule's is), so its
    extremes over the inputs' intervals lie at their corners: the low and
    high ends are the least and greatest corner, the expected value is the
    figure of the expected values, and ``low <= expected <= high`` holds.
    """
    corners = [
        figure(*corner)
        for corner in itertools.product(
            *((low, high) for low, _, high in inputs)
        )
    ]
    return RangeEstimate(
        low=_q(min(corners), quantum),
        expected=_q(figure(*(value for _, value, _ in inputs)), quantum),
        high=_q(max(corners), quantum),
        unit=unit,
        basis=basis,
        explanation=explanation,
    )


def _q(value: Decimal, quantum: Decimal = _CENT) -> Decimal:
    try:
        return value.quantize(quantum, rounding=ROUND_HALF_EVEN)
    except DecimalException:
        msg = (
            f"the result {value:.6e} is too large to give to {quantum}; "
            "check the counts, money and assumption figures passed in (a "
            "complaint rate near 0 makes the hidden count explode)"
        )
        raise InvariantError(msg) from None


def _check_count(value: object, /, *, name: str) -> Decimal:
    count = check_instance(value, int, name=name, what="a whole number (int)")
    if not 0 <= count <= MAX_COUNT:
        msg = (
            f"{name} must be a count of customers from 0 to {MAX_COUNT}, got "
            f"{value!r}; pass a count >= 0"
        )
        raise InvariantError(msg)
    return Decimal(count)


def _check_amount(
    value: object, /, *, name: str, limit: Decimal = MAX_MONEY
) -> Decimal:
    amount = check_bounded_decimal(value, name=name, bound=limit)
    if amount < ZERO:
        msg = f"{name} must be >= 0, got {value!r}; pass 0 or more"
        raise InvariantError(msg)
    return amount


def _check_rate(value: object, /, *, name: str) -> Decimal:
    return check_rate(check_decimal(value, name=name), name=name)


def _check_set(value: object, /) -> AssumptionSet:
    return check_instance(
        value,
        AssumptionSet,
        name="assumptions",
        what="an AssumptionSet such as PRIMARY_STUDIES",
    )


def _missing(assumptions: AssumptionSet, what: str) -> PolicyError:
    return PolicyError(
        f"assumption set {assumptions.name!r} has no figure for {what}; use "
        "PRIMARY_STUDIES or add your own figure with "
        "AssumptionSet.with_figure()"
    )


def hidden_dissatisfied(
    complaints: int,
    /,
    *,
    assumptions: AssumptionSet,
    channel: Literal["head_office", "front_line"] = "head_office",
) -> RangeEstimate:
    """Estimate the dissatisfied customers who did not complain.

    If a share *r* of dissatisfied customers complain, *N* complaints stand
    for *N / r* dissatisfied customers, of whom *N / r − N* stayed silent.
    The interval comes from the range of *r* (a higher rate means fewer
    hidden customers).

    Args:
        complaints: Complaints counted (one per complaining customer).
        assumptions: The complaint-rate figures to use.
        channel: Where the complaints were counted: ``"head_office"`` (the
            complaints function) or ``"front_line"`` (staff who serve
            customers).

    Returns:
        Hidden dissatisfied customers (unit ``"customers"``, 2 decimals).

    Raises:
        InvariantError: ``complaints`` is negative or above 10**12,
            ``channel`` is not an option, or the result is too large.
        ArgumentTypeError: ``complaints`` is not an ``int`` or
            ``assumptions`` not an :class:`AssumptionSet`.
        PolicyError: The set has no rate above 0 for the channel.

    Examples:
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, SOURCE_TEXTS, hidden_dissatisfied)
        >>> hidden_dissatisfied(10, assumptions=PRIMARY_STUDIES).expected
        Decimal('260.00')
        >>> est = hidden_dissatisfied(10, assumptions=SOURCE_TEXTS)
        >>> est.low, est.expected, est.high
        (Decimal('156.67'), Decimal('190.00'), Decimal('240.00'))

    .. versionadded:: 0.1
    """
    count = _check_count(complaints, name="complaints")
    assumptions = _check_set(assumptions)
    channel = check_choice(channel, _CHANNELS, name="channel")
    rate = (
        assumptions.complaint_rate
        if channel == "head_office"
        else assumptions.front_line_complaint_rate
    )
    if rate is None:
        raise _missing(assumptions, "front_line_complaint_rate")
    low_rate, rate_value, high_rate = _bounds(rate)
    if low_rate <= ZERO:
        msg = (
            f"assumption set {assumptions.name!r}: the {channel} complaint "
            f"rate must be above 0 to estimate hidden customers, got "
            f"{low_rate!r}; set a rate above 0"
        )
        raise PolicyError(msg)

    with localcontext(DECIMAL_CONTEXT):
        return _estimate(
            lambda share: count / share - count,
            (low_rate, rate_value, high_rate),
            unit="customers",
            basis=(rate.source,),
            explanation=(
                f"{count} complaints / complaint rate {rate_value:.4f} "
                f"({channel.replace('_', ' ')}) - {count} complainants"
            ),
        )


@final
@attrs.frozen(kw_only=True)
class WordOfMouth:
    """How many people hear about customers' experiences.

    Attributes:
        negative: People told by the dissatisfied customers.
        positive: People told by the customers whose complaint was resolved.

    Examples:
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, word_of_mouth_reach)
        >>> reach = word_of_mouth_reach(
        ...     10, recovered=4, assumptions=PRIMARY_STUDIES)
        >>> reach.negative.expected, reach.positive.expected
        (Decimal('95.00'), Decimal('20.00'))

    .. versionadded:: 0.1
    """

    negative: RangeEstimate
    positive: RangeEstimate


def word_of_mouth_reach(
    unhappy: int,
    /,
    *,
    recovered: int = 0,
    assumptions: AssumptionSet,
) -> WordOfMouth:
    """Estimate how many people hear from unhappy and recovered customers.

    Args:
        unhappy: Dissatisfied customers (for example the complainants left
            unresolved plus :func:`hidden_dissatisfied`'s estimate).
        recovered: Customers whose complaint was resolved.
        assumptions: The word-of-mouth figures to use.

    Returns:
        Negative and positive reach, each with its interval.

    Raises:
        InvariantError: A count is negative or above 10**12.
        ArgumentTypeError: A count is not an ``int``, or ``assumptions``
            not an :class:`AssumptionSet`.
        PolicyError: ``recovered`` is positive but the set has no figure for
            recovered customers.

    Examples:
        >>> from customer_centric.complaints import (
        ...     SOURCE_TEXTS, word_of_mouth_reach)
        >>> neg = word_of_mouth_reach(4, assumptions=SOURCE_TEXTS).negative
        >>> neg.low, neg.high
        (Decimal('40.00'), Decimal('80.00'))

    .. versionadded:: 0.1
    """
    unhappy_count = _check_count(unhappy, name="unhappy")
    recovered_count = _check_count(recovered, name="recovered")
    assumptions = _check_set(assumptions)
    with localcontext(DECIMAL_CONTEXT):
        return _word_of_mouth(unhappy_count, recovered_count, assumptions)


def _word_of_mouth(
    unhappy_count: Decimal,
    recovered_count: Decimal,
    assumptions: AssumptionSet,
) -> WordOfMouth:
    negative = _told(
        unhappy_count, assumptions.unhappy_word_of_mouth, who="unhappy"
    )
    praise = assumptions.recovered_word_of_mouth
    if praise is None:
        if recovered_count:
            raise _missing(assumptions, "recovered_word_of_mouth")
        positive = _estimate(
            lambda: ZERO,
            unit="people",
            basis=(),
            explanation="no recovered customers",
        )
    else:
        positive = _told(recovered_count, praise, who="recovered")
    return WordOfMouth(negative=negative, positive=positive)


def _told(count: Decimal, people: Assumption, *, who: str) -> RangeEstimate:
    """The people ``count`` customers tell, ``people`` each."""
    return _estimate(
        lambda each: count * each,
        _bounds(people),
        unit="people",
        basis=(people.source,),
        explanation=f"{count} {who} customers x {people.value} people each",
    )


def problem_size(
    value: Decimal | None, /, *, assumptions: AssumptionSet
) -> ProblemSize:
    """Which column of the repurchase table a problem's value falls in.

    Args:
        value: The money at stake (``Complaint.problem_value``), or ``None``
            if unknown.
        assumptions: The size bounds to use.

    Returns:
        ``SMALL`` under ``small_problem_max``, ``LARGE`` over
        ``large_problem_min``, else (or unknown) ``MEDIUM``.

    Raises:
        InvariantError: ``value`` is negative or not finite.
        ArgumentTypeError: ``value`` is not a ``Decimal`` (or ``int``).

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, problem_size)
        >>> problem_size(Decimal("3.50"), assumptions=PRIMARY_STUDIES)
        <ProblemSize.SMALL: 'small'>
        >>> problem_size(None, assumptions=PRIMARY_STUDIES)
        <ProblemSize.MEDIUM: 'medium'>

    .. versionadded:: 0.1
    """
    assumptions = _check_set(assumptions)
    if value is None:
        return ProblemSize.MEDIUM
    amount = check_non_negative_money(
        check_decimal(value, name="value"), name="value"
    )
    if amount < assumptions.small_problem_max.value:
        return ProblemSize.SMALL
    if amount > assumptions.large_problem_min.value:
        return ProblemSize.LARGE
    return ProblemSize.MEDIUM


def recovery_path(
    complaint: Complaint, /, *, quick_within: timedelta, as_of: datetime
) -> RecoveryPath:
    """Which repurchase row a complaint is on at ``as_of``.

    Closed with the complainant satisfied within ``quick_within`` of
    receipt: resolved quickly; closed satisfied later: resolved; anything
    else (open, or closed unsatisfied): unresolved. TARP gives no number for
    "quickly"; the caller chooses it.

    Args:
        complaint: The complaint.
        quick_within: How soon after receipt counts as quick.
        as_of: When to judge (changes after it are ignored).

    Returns:
        The path.

    Raises:
        InvariantError: ``as_of`` is naive, or ``quick_within`` negative.
        ArgumentTypeError: ``complaint``, ``quick_within`` or ``as_of`` has
            the wrong type.

    Examples:
        >>> from datetime import datetime, timedelta, UTC
        >>> from customer_centric import Complaint, Severity
        >>> from customer_centric.complaints import (
        ...     ComplaintChannel, ComplaintStatus, advance, recovery_path)
        >>> complaint = Complaint(
        ...     complaint_id="K-1", customer_id="C-1",
        ...     received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        ...     severity=Severity.LOW, channel=ComplaintChannel.PHONE)
        >>> closed = advance(
        ...     advance(complaint, ComplaintStatus.RESPONDED,
        ...             occurred_at=datetime(2026, 3, 2, 9, 10, tzinfo=UTC)),
        ...     ComplaintStatus.CLOSED, customer_satisfied=True,
        ...     occurred_at=datetime(2026, 3, 2, 11, tzinfo=UTC))
        >>> recovery_path(closed, quick_within=timedelta(days=1),
        ...               as_of=datetime(2026, 3, 5, tzinfo=UTC))
        <RecoveryPath.RESOLVED_QUICKLY: 'resolved_quickly'>

    .. versionadded:: 0.1
    """
    complaint = check_instance(complaint, Complaint, name="complaint")
    check_aware(as_of, name="as_of")
    check_instance(quick_within, timedelta, name="quick_within")
    if quick_within < timedelta(0):
        msg = f"quick_within must be >= 0, got {quick_within!r}"
        raise InvariantError(msg)
    closing = None
    for change in complaint.history:
        if change.occurred_at > as_of:
            break
        if change.to_status is ComplaintStatus.CLOSED:
            closing = change
        elif change.to_status is ComplaintStatus.REOPENED:
            closing = None
    if closing is None or closing.customer_satisfied is not True:
        return RecoveryPath.COMPLAINED_UNRESOLVED
    if closing.occurred_at - complaint.received_at <= quick_within:
        return RecoveryPath.RESOLVED_QUICKLY
    return RecoveryPath.COMPLAINED_RESOLVED


def repurchase_probability(
    path: RecoveryPath,
    size: ProblemSize,
    /,
    *,
    assumptions: AssumptionSet,
) -> RangeEstimate:
    """The probability a customer buys again after a problem.

    For a ``MEDIUM`` problem the studies give no row: the interval spans
    the large-problem and small-problem figures and the expected value is
    their midpoint (a library convention, not a study's figure).

    Args:
        path: What happened after the problem.
        size: The problem's size.
        assumptions: The repurchase table to use.

    Returns:
        The probability (unit ``"probability"``).

    Raises:
        InvariantError: ``path`` or ``size`` is not one of its values.
        PolicyError: The set has no figure for the row and size.

    Examples:
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, ProblemSize, RecoveryPath,
        ...     repurchase_probability)
        >>> repurchase_probability(
        ...     RecoveryPath.RESOLVED_QUICKLY, ProblemSize.LARGE,
        ...     assumptions=PRIMARY_STUDIES).expected
        Decimal('0.8200')
        >>> medium = repurchase_probability(
        ...     RecoveryPath.DID_NOT_COMPLAIN, ProblemSize.MEDIUM,
        ...     assumptions=PRIMARY_STUDIES)
        >>> medium.low, medium.expected, medium.high
        (Decimal('0.0900'), Decimal('0.2300'), Decimal('0.3700'))

    .. versionadded:: 0.1
    """
    path = check_member(path, RecoveryPath, name="path")
    size = check_member(size, ProblemSize, name="size")
    assumptions = _check_set(assumptions)
    with localcontext(DECIMAL_CONTEXT):
        return _repurchase_probability(path, size, assumptions)


def _repurchase_probability(
    path: RecoveryPath, size: ProblemSize, assumptions: AssumptionSet
) -> RangeEstimate:
    row = assumptions.repurchase.get(path, {})
    sizes = _TABLE_SIZES if size is ProblemSize.MEDIUM else (size,)
    cells = []
    for wanted in sizes:
        cell = row.get(wanted)
        if cell is None:
            raise _missing(
                assumptions, f"repurchase after {path.value!r}, {wanted.value}"
            )
        cells.append(cell)
    if len(cells) == 1:
        low, value, high = _bounds(cells[0])
        explanation = f"{path.value}, {size.value} problem: {value}"
    else:
        small_low, small_value, small_high = _bounds(cells[0])
        large_low, large_value, large_high = _bounds(cells[1])
        low, high = min(small_low, large_low), max(small_high, large_high)
        value = (small_value + large_value) / _TWO
        explanation = (
            f"{path.value}, medium or unknown problem: between the large "
            f"({large_value}) and small ({small_value}) figures; expected "
            "is their midpoint"
        )
    return _estimate(
        lambda probability: probability,
        (low, value, high),
        unit="probability",
        basis=tuple(dict.fromkeys(cell.source for cell in cells)),
        explanation=explanation,
        quantum=_PROBABILITY,
    )


def revenue_at_risk(
    lost_customers: RangeEstimate | int | Decimal,
    /,
    *,
    annual_income: Decimal,
    years: int | Decimal,
) -> RangeEstimate:
    """The lifetime revenue lost with ``lost_customers`` (V = I x N each).

    Args:
        lost_customers: Customers expected to leave, as a count or an
            interval (from :func:`complaint_impact`).
        annual_income: I, a customer's yearly spend.
        years: N, the years a customer would have kept buying.

    Returns:
        The revenue at risk (unit ``"money"``, 2 decimals).

    Raises:
        InvariantError: A negative, non-finite or too large count, income or
            number of years, or an interval not counting customers.
        ArgumentTypeError: A count, income or number of years that is not
            an ``int`` or ``Decimal``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import revenue_at_risk
        >>> revenue_at_risk(3, annual_income=Decimal("1200"),
        ...                 years=5).expected
        Decimal('18000.00')

    .. versionadded:: 0.1
    """
    income = _check_amount(annual_income, name="annual_income")
    span = _check_amount(years, name="years", limit=MAX_YEARS)
    if isinstance(lost_customers, RangeEstimate):
        if lost_customers.unit != "customers":
            msg = (
                "lost_customers must count customers, got an estimate in "
                f"unit {lost_customers.unit!r}; pass complaint_impact()'s "
                "lost_customers or a count"
            )
            raise InvariantError(msg)
        low, expected, high = (
            _check_amount(
                getattr(lost_customers, end),
                name=f"lost_customers.{end}",
                limit=_MAX_ESTIMATE,
            )
            for end in ("low", "expected", "high")
        )
        basis = lost_customers.basis
    else:
        low = expected = high = _check_amount(
            lost_customers, name="lost_customers", limit=Decimal(MAX_COUNT)
        )
        basis = ()
    with localcontext(DECIMAL_CONTEXT):
        return _revenue((low, expected, high), basis, income, span)


def _revenue(
    ends: tuple[Decimal, Decimal, Decimal],
    basis: tuple[str, ...],
    annual_income: Decimal,
    years: Decimal,
) -> RangeEstimate:
    value = simple_lifetime_value(annual_income, years)
    return _estimate(
        lambda customers: customers * value,
        ends,
        unit="money",
        basis=(*basis, "V = I x N (source text 001)"),
        explanation=(
            f"{_q(ends[1])} lost customers x V = {annual_income} x {years} "
            f"= {value} each"
        ),
    )


@final
@attrs.frozen(kw_only=True)
class ComplaintImpact:
    """What N complaints imply: hidden unhappy customers, losses, revenue.

    Attributes:
        complaints: The complaints counted.
        hidden_dissatisfied: Dissatisfied customers who did not complain.
        lost_customers: Customers expected not to buy again (silent ones by
            the did-not-complain row, complainants by their path).
        revenue_at_risk: ``lost_customers`` x V = I x N.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, ProblemSize, RecoveryPath, complaint_impact)
        >>> path, size = RecoveryPath.COMPLAINED_RESOLVED, ProblemSize.LARGE
        >>> impact = complaint_impact(
        ...     10, path=path, size=size, assumptions=PRIMARY_STUDIES,
        ...     annual_income=Decimal("1000"), years=3)
        >>> impact.lost_customers.expected
        Decimal('241.20')

    .. versionadded:: 0.1
    """

    complaints: int
    hidden_dissatisfied: RangeEstimate
    lost_customers: RangeEstimate
    revenue_at_risk: RangeEstimate


def complaint_impact(
    complaints: int,
    /,
    *,
    path: RecoveryPath,
    size: ProblemSize,
    assumptions: AssumptionSet,
    annual_income: Decimal,
    years: int | Decimal,
    channel: Literal["head_office", "front_line"] = "head_office",
) -> ComplaintImpact:
    """Turn a complaint count into hidden customers, losses and revenue.

    Lost customers = hidden x (1 − P(repurchase | did not complain)) +
    complaints x (1 − P(repurchase | ``path``)); the interval takes the
    pessimistic and optimistic ends of every figure together.

    Args:
        complaints: Complaints counted.
        path: What happened to the complaints.
        size: The problems' size.
        assumptions: The figures to use.
        annual_income: I, a customer's yearly spend.
        years: N, the years a customer would have kept buying.
        channel: Where the complaints were counted.

    Returns:
        The hidden customers, lost customers and revenue at risk.

    Raises:
        InvariantError: A negative, non-finite or too large count, income
            or number of years, or an option outside its values.
        ArgumentTypeError: An argument of the wrong type.
        PolicyError: The set lacks a figure the calculation needs.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, ProblemSize, RecoveryPath, complaint_impact)
        >>> impact = complaint_impact(
        ...     27, path=RecoveryPath.RESOLVED_QUICKLY,
        ...     size=ProblemSize.SMALL, assumptions=PRIMARY_STUDIES,
        ...     annual_income=Decimal("200"), years=2)
        >>> impact.hidden_dissatisfied.expected
        Decimal('702.00')
        >>> impact.revenue_at_risk.expected
        Decimal('177444.00')

    .. versionadded:: 0.1
    """
    count = _check_count(complaints, name="complaints")
    _check_amount(annual_income, name="annual_income")
    _check_amount(years, name="years", limit=MAX_YEARS)
    hidden = hidden_dissatisfied(
        complaints, assumptions=assumptions, channel=channel
    )
    silent = repurchase_probability(
        RecoveryPath.DID_NOT_COMPLAIN, size, assumptions=assumptions
    )
    handled = repurchase_probability(path, size, assumptions=assumptions)
    with localcontext(DECIMAL_CONTEXT):
        lost_customers = _lost(count, hidden, silent, handled)
    return ComplaintImpact(
        complaints=complaints,
        hidden_dissatisfied=hidden,
        lost_customers=lost_customers,
        revenue_at_risk=revenue_at_risk(
            lost_customers, annual_income=annual_income, years=years
        ),
    )


def _lost(
    count: Decimal,
    hidden: RangeEstimate,
    silent: RangeEstimate,
    handled: RangeEstimate,
) -> RangeEstimate:
    def lost(
        hidden_count: Decimal, p_silent: Decimal, p_handled: Decimal
    ) -> Decimal:
        return hidden_count * (ONE - p_silent) + count * (ONE - p_handled)

    return _estimate(
        lost,
        _ends(hidden),
        _ends(silent),
        _ends(handled),
        unit="customers",
        basis=tuple(
            dict.fromkeys((*hidden.basis, *silent.basis, *handled.basis))
        ),
        explanation=(
            f"{hidden.expected} hidden x (1 - {silent.expected}) + {count} "
            f"complainants x (1 - {handled.expected})"
        ),
    )


@final
@attrs.frozen(kw_only=True)
class RetentionAfterRecovery:
    """The chance a customer stays after a problem, and why.

    Attributes:
        retention: The probability, capped as explained.
        capped: Whether the cap cut the repurchase figure.
        paradox_applied: Whether the caller's paradox uplift raised the cap.
        reasons: Each step of the rule.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, ProblemSize, RecoveryPath,
        ...     retention_after_recovery)
        >>> quickly, small = RecoveryPath.RESOLVED_QUICKLY, ProblemSize.SMALL
        >>> result = retention_after_recovery(
        ...     quickly, small, assumptions=PRIMARY_STUDIES,
        ...     baseline_retention=Decimal("0.80"))
        >>> result.retention.expected, result.capped
        (Decimal('0.8000'), True)

    .. versionadded:: 0.1
    """

    retention: RangeEstimate
    capped: bool
    paradox_applied: bool
    reasons: tuple[str, ...]


def retention_after_recovery(
    path: RecoveryPath,
    size: ProblemSize,
    /,
    *,
    assumptions: AssumptionSet,
    baseline_retention: Decimal,
    paradox_uplift: Decimal | None = None,
) -> RetentionAfterRecovery:
    """Retention after a problem: the repurchase figure, capped at baseline.

    A problem never leaves a customer more likely to stay than no problem
    at all: the answer is min(repurchase probability, the caller's
    no-failure ``baseline_retention``). The recovery paradox is off: de
    Matos, Henrique & Rossi (2007) find it in satisfaction but not in
    repurchase intentions. A caller with their own evidence may pass
    ``paradox_uplift``, which raises the cap to baseline + uplift for
    resolved complaints only.

    Args:
        path: What happened after the problem.
        size: The problem's size.
        assumptions: The repurchase table.
        baseline_retention: Retention of customers without a problem.
        paradox_uplift: The caller's own uplift above baseline for
            resolved complaints; ``None`` (the default) keeps it off.

    Returns:
        The capped retention and the reasons.

    Raises:
        InvariantError: ``baseline_retention`` or ``paradox_uplift`` is
            outside [0, 1] or not finite.
        ArgumentTypeError: One of them is not a ``Decimal``.
        PolicyError: The set has no figure for the row.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, ProblemSize, RecoveryPath,
        ...     retention_after_recovery)
        >>> result = retention_after_recovery(
        ...     RecoveryPath.RESOLVED_QUICKLY, ProblemSize.SMALL,
        ...     assumptions=PRIMARY_STUDIES,
        ...     baseline_retention=Decimal("0.80"),
        ...     paradox_uplift=Decimal("0.05"))
        >>> result.retention.expected, result.paradox_applied
        (Decimal('0.8500'), True)

    .. versionadded:: 0.1
    """
    _check_rate(baseline_retention, name="baseline_retention")
    if paradox_uplift is not None:
        _check_rate(paradox_uplift, name="paradox_uplift")
    repurchase = repurchase_probability(path, size, assumptions=assumptions)
    with localcontext(DECIMAL_CONTEXT):
        return _retention(
            check_member(path, RecoveryPath, name="path"),
            check_member(size, ProblemSize, name="size"),
            repurchase,
            baseline_retention,
            paradox_uplift,
        )


def _retention(
    path: RecoveryPath,
    size: ProblemSize,
    repurchase: RangeEstimate,
    baseline_retention: Decimal,
    paradox_uplift: Decimal | None,
) -> RetentionAfterRecovery:
    reasons = [
        (
            f"repurchase after {path.value} ({size.value} problem): "
            f"{repurchase.expected}"
        )
    ]
    cap = baseline_retention
    applied = False
    if paradox_uplift is not None and path.resolved:
        cap = min(ONE, baseline_retention + paradox_uplift)
        applied = True
        reasons.append(
            f"caller's paradox uplift {paradox_uplift} raises the cap to "
            f"{cap} (the literature supports it for satisfaction only)"
        )
    elif paradox_uplift is not None:
        reasons.append(
            f"paradox uplift ignored: {path.value} is not a resolved complaint"
        )
    else:
        reasons.append(
            f"capped at the no-failure retention {baseline_retention}; the "
            "recovery paradox is off (de Matos et al. 2007: no effect on "
            "repurchase)"
        )
    return RetentionAfterRecovery(
        retention=_estimate(
            lambda probability: min(probability, cap),
            _ends(repurchase),
            unit="probability",
            basis=repurchase.basis,
            explanation="; ".join(reasons),
            quantum=_PROBABILITY,
        ),
        capped=repurchase.expected > cap,
        paradox_applied=applied,
        reasons=tuple(reasons),
    )


_MAGNINI: Final = (
    "Magnini, Ford, Markowski & Honeycutt (2007), 'The service recovery "
    "paradox: justifiable theory or smoldering myth?', Journal of Services "
    "Marketing 21(3)"
)
_DE_MATOS: Final = (
    "de Matos, Henrique & Rossi (2007), 'Service recovery paradox: a "
    "meta-analysis', Journal of Service Research 10(1)"
)


@final
@attrs.frozen(kw_only=True)
class ParadoxCondition:
    """One of the conditions under which the recovery paradox can occur.

    Attributes:
        name: ``minor_failure``, ``first_failure``,
            ``cause_unlikely_to_recur`` or ``outside_firm_control``.
        met: Whether it holds.
        description: What it means.

    Examples:
        >>> from customer_centric.complaints import assess_recovery_paradox
        >>> assess_recovery_paradox(
        ...     minor_failure=True, first_failure=True,
        ...     cause_unlikely_to_recur=True,
        ...     outside_firm_control=False).conditions[3].met
        False

    .. versionadded:: 0.1
    """

    name: str
    met: bool
    description: str


@final
@attrs.frozen(kw_only=True)
class ParadoxAssessment:
    """Whether the recovery paradox can occur, and for what.

    Attributes:
        possible: Whether all four conditions hold.
        conditions: Each condition and whether it holds.
        affects: Always ``"satisfaction"``: the paradox does not reach
            repurchase, word of mouth or image (de Matos et al. 2007).
        reasons: The verdict in sentences.
        sources: The studies.

    Examples:
        >>> from customer_centric.complaints import assess_recovery_paradox
        >>> result = assess_recovery_paradox(
        ...     minor_failure=True, first_failure=True,
        ...     cause_unlikely_to_recur=True, outside_firm_control=True)
        >>> result.possible, result.affects
        (True, 'satisfaction')

    .. versionadded:: 0.1
    """

    possible: bool
    conditions: tuple[ParadoxCondition, ...]
    affects: Literal["satisfaction"]
    reasons: tuple[str, ...]
    sources: tuple[str, ...]


def assess_recovery_paradox(
    *,
    minor_failure: bool,
    first_failure: bool,
    cause_unlikely_to_recur: bool,
    outside_firm_control: bool,
) -> ParadoxAssessment:
    """Check Magnini et al.'s (2007) four conditions for the paradox.

    The service recovery paradox (satisfaction after a well-recovered
    failure above satisfaction with no failure) appears only when the
    failure is minor, it is the customer's first failure with the firm, the
    customer sees its cause as unlikely to recur, and as outside the firm's
    control. Even then it lifts satisfaction, not repurchase (de Matos et
    al. 2007): this assessment never changes a retention figure by itself.

    Args:
        minor_failure: The failure was not severe.
        first_failure: The customer had no earlier failure with the firm.
        cause_unlikely_to_recur: The customer sees the cause as unstable.
        outside_firm_control: The customer sees the cause as outside the
            firm's control.

    Returns:
        The verdict with each condition.

    Examples:
        >>> from customer_centric.complaints import assess_recovery_paradox
        >>> result = assess_recovery_paradox(
        ...     minor_failure=False, first_failure=True,
        ...     cause_unlikely_to_recur=True, outside_firm_control=True)
        >>> result.possible
        False
        >>> print(result.reasons[0])
        paradox not expected: minor_failure does not hold

    .. versionadded:: 0.1
    """
    for name, flag in (
        ("minor_failure", minor_failure),
        ("first_failure", first_failure),
        ("cause_unlikely_to_recur", cause_unlikely_to_recur),
        ("outside_firm_control", outside_firm_control),
    ):
        check_instance(flag, bool, name=name, what="True or False")
    conditions = (
        ParadoxCondition(
            name="minor_failure",
            met=minor_failure,
            description="the failure was not severe",
        ),
        ParadoxCondition(
            name="first_failure",
            met=first_failure,
            description="it is the customer's first failure with the firm",
        ),
        ParadoxCondition(
            name="cause_unlikely_to_recur",
            met=cause_unlikely_to_recur,
            description="the customer sees the cause as unlikely to recur",
        ),
        ParadoxCondition(
            name="outside_firm_control",
            met=outside_firm_control,
            description=(
                "the customer sees the cause as outside the firm's control"
            ),
        ),
    )
    failed = [c.name for c in conditions if not c.met]
    possible = not failed
    first = (
        "paradox possible: all four conditions hold"
        if possible
        else f"paradox not expected: {', '.join(failed)} does not hold"
    )
    return ParadoxAssessment(
        possible=possible,
        conditions=conditions,
        affects="satisfaction",
        reasons=(
            first,
            (
                "even when possible it lifts satisfaction only, not "
                "repurchase, word of mouth or image; retention rules ignore "
                "it unless given an uplift"
            ),
        ),
        sources=(_MAGNINI, _DE_MATOS),
    )


_EASIER: Final = frozenset(
    reason for reason in DepartureReason if reason.is_situational
)
_HARDER: Final = frozenset(
    {DepartureReason.DISSATISFACTION, DepartureReason.SERVICE_FAILURE}
)
_WIN_BACK_SOURCE: Final = (
    "Stone & Woodcock via Persian source text 000 (winning back is easier "
    "after situational departures, such as a new job or home, than after "
    "dissatisfaction); Stauss & Friege (1999), 'Regaining service "
    "customers', Journal of Service Research 1(4)"
)


class WinBackRates(BaseModel):
    """The caller's win-back rates by reason for leaving.

    The literature gives an ordering, not figures: customers who left for
    situational reasons (moved home, new job, life event) are easier to win
    back than those who left dissatisfied or after a service failure. The
    rates must respect that ordering unless ``enforce_literature_order`` is
    turned off (when your own data says otherwise).

    Attributes:
        name: What the calibration is called.
        rates: Win-back probability per reason (any subset).
        source: Where the rates come from (your data, a campaign, ...).
        enforce_literature_order: Require every situational rate to be at
            least every dissatisfaction rate.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import WinBackRates
        >>> from customer_centric.relationship import DepartureReason
        >>> WinBackRates(
        ...     name="bad", source="guess",
        ...     rates={DepartureReason.MOVED_HOME: Decimal("0.1"),
        ...            DepartureReason.DISSATISFACTION: Decimal("0.3")})
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.ValidationError: 1 validation error...
          Value error, win-back rates 'bad' give 'moved_home' 0.1 below \
'dissatisfaction' 0.3; ...

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    rates: FrozenMap[DepartureReason, Decimal]
    source: str
    enforce_literature_order: bool = True

    @model_validator(mode="after")
    def _rates_valid(self) -> Self:
        for reason, rate in self.rates.items():
            check_rate(rate, name=f"win-back rate for {reason.value!r}")
        if not self.enforce_literature_order:
            return self
        for easy in sorted(_EASIER & set(self.rates)):
            for hard in sorted(_HARDER & set(self.rates)):
                if self.rates[easy] < self.rates[hard]:
                    msg = (
                        f"win-back rates {self.name!r} give {easy.value!r} "
                        f"{self.rates[easy]} below {hard.value!r} "
                        f"{self.rates[hard]}; the literature finds "
                        "situational departures easier to win back than "
                        "dissatisfied ones. Check the calibration, or pass "
                        "enforce_literature_order=False if your data says "
                        "otherwise"
                    )
                    raise PolicyError(msg)
        return self


@final
@attrs.frozen(kw_only=True)
class WinBackEstimate:
    """How likely a departed customer is to come back.

    Attributes:
        reason: Why they left.
        probability: The caller's calibrated rate for that reason.
        situational: Whether the reason is situational (easier).
        explanation: Where the figure comes from.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     WinBackRates, win_back_likelihood)
        >>> from customer_centric.relationship import DepartureReason
        >>> new_job = DepartureReason.NEW_JOB
        >>> rates = WinBackRates(
        ...     name="2025 campaign", source="our win-back campaign",
        ...     rates={new_job: Decimal("0.30")})
        >>> win_back_likelihood(new_job, rates=rates).situational
        True

    .. versionadded:: 0.1
    """

    reason: DepartureReason
    probability: Decimal
    situational: bool
    explanation: str


def win_back_likelihood(
    reason: DepartureReason, /, *, rates: WinBackRates
) -> WinBackEstimate:
    """The win-back probability for a customer who left for ``reason``.

    Args:
        reason: Why the customer left.
        rates: The caller's calibrated rates.

    Returns:
        The probability and where it comes from.

    Raises:
        InvariantError: ``reason`` is not a departure reason.
        ArgumentTypeError: ``rates`` is not a :class:`WinBackRates`.
        PolicyError: ``rates`` has no figure for ``reason``.

    Examples:
        >>> from decimal import Decimal
        >>> from customer_centric.complaints import (
        ...     WinBackRates, win_back_likelihood)
        >>> from customer_centric.relationship import DepartureReason
        >>> rates = WinBackRates(
        ...     name="2025 campaign", source="our win-back campaign",
        ...     rates={DepartureReason.MOVED_HOME: Decimal("0.30"),
        ...            DepartureReason.DISSATISFACTION: Decimal("0.08")})
        >>> win_back_likelihood(DepartureReason.DISSATISFACTION,
        ...                     rates=rates).probability
        Decimal('0.08')

    .. versionadded:: 0.1
    """
    reason = check_member(reason, DepartureReason, name="reason")
    rates = check_instance(rates, WinBackRates, name="rates")
    rate = rates.rates.get(reason)
    if rate is None:
        known = ", ".join(sorted(r.value for r in rates.rates)) or "none"
        msg = (
            f"win-back rates {rates.name!r} have no figure for "
            f"{reason.value!r} (they cover: {known}); calibrate one from "
            "your own win-back results"
        )
        raise PolicyError(msg)
    return WinBackEstimate(
        reason=reason,
        probability=rate,
        situational=reason.is_situational,
        explanation=(
            f"{rates.name!r} ({rates.source}): {rate} for {reason.value!r}; "
            f"ordering from {_WIN_BACK_SOURCE}"
        ),
    )


_LABELS: Final[Mapping[str, str]] = {
    "complaint_rate": "dissatisfied customers who complain (head office)",
    "front_line_complaint_rate": "dissatisfied who complain to front-line "
    "staff",
    "silent_share": "dissatisfied customers who stay silent",
    "unhappy_word_of_mouth": "people an unhappy customer tells",
    "heavy_talker_share": "unhappy customers who tell more than 20",
    "recovered_word_of_mouth": "people a recovered customer tells",
    "small_problem_max": "small problem: under",
    "large_problem_min": "large problem: over",
    "acquisition_cost_multiple": "acquisition cost / retention cost",
    "annual_customer_loss": "customers lost a year",
    "staff_indifference_share": "defections due to staff indifference",
}


def _label(name: str) -> str:
    if name.startswith("repurchase."):
        _, path, size = name.split(".")
        problem = "< $5" if size == "small" else "> $100"
        return f"repurchase: {path.replace('_', ' ')}, problem {problem}"
    return _LABELS[name]


def _number(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1')):f}"
    return text.removesuffix(".0")


def _format(assumption: Assumption) -> str:
    low, value, high = _bounds(assumption)
    if assumption.unit == "share":
        inverse = ONE / value if value else ZERO
        whole = inverse.to_integral_value()
        if len(str(value)) > 8 and (inverse - whole).copy_abs() < _TINY:  # noqa: PLR2004
            return f"1 in {whole} ({_number(value * 100)} %)"
        shown = _number(value * 100) + " %"
        if low != high:
            shown += f" ({_number(low * 100)}–{_number(high * 100)} %)"
        return shown
    suffix = {"multiple": "×", "money": "", "people": ""}.get(
        assumption.unit, f" {assumption.unit}"
    )
    prefix = "$" if assumption.unit == "money" else ""
    shown = f"{prefix}{_number(value)}{suffix}"
    if low != high:
        shown += f" ({prefix}{_number(low)}–{prefix}{_number(high)}{suffix})"
    return shown


def assumptions_markdown(*sets: AssumptionSet) -> str:
    """Render assumption sets side by side as Markdown tables.

    The first table compares the figures (``—`` where a set has none, ``†``
    where a figure is marked unsupported); the second lists every figure's
    source and note. ``docs/complaints.md`` embeds this output and a test
    checks that the page matches.

    Args:
        sets: The sets to compare, in column order.

    Returns:
        Two Markdown tables separated by a blank line.

    Raises:
        InvariantError: No set is given.
        ArgumentTypeError: An argument is not an :class:`AssumptionSet`.

    Examples:
        >>> from customer_centric.complaints import (
        ...     PRIMARY_STUDIES, SOURCE_TEXTS, assumptions_markdown)
        >>> print(assumptions_markdown(SOURCE_TEXTS, PRIMARY_STUDIES)
        ...       .splitlines()[2])
        | dissatisfied customers who complain (head office) | 5 % (4–6 %) \
| 1 in 27 (3.7 %) |

    .. versionadded:: 0.1
    """
    if not sets:
        msg = (
            "assumptions_markdown() needs at least one AssumptionSet, got "
            "none; pass e.g. SOURCE_TEXTS, PRIMARY_STUDIES"
        )
        raise InvariantError(msg)
    for index, assumption_set in enumerate(sets):
        check_instance(
            assumption_set,
            AssumptionSet,
            name=f"sets[{index}]",
            what="an AssumptionSet",
        )
    with localcontext(DECIMAL_CONTEXT):
        return _markdown(sets)


def _markdown(sets: tuple[AssumptionSet, ...]) -> str:
    present = {name for s in sets for name, _ in s.figures()}
    names = [name for name in _FIGURE_ORDER if name in present]
    header = "| figure | " + " | ".join(s.name for s in sets) + " |"
    rule = "|---|" + "---|" * len(sets)
    rows = [header, rule]
    for name in names:
        cells = []
        for assumption_set in sets:
            found = dict(assumption_set.figures()).get(name)
            if found is None:
                cells.append("—")
            else:
                mark = " †" if name in assumption_set.unsupported else ""
                cells.append(_format(found) + mark)
        rows.append(f"| {_label(name)} | " + " | ".join(cells) + " |")
    sources = ["| set | figure | source | note |", "|---|---|---|---|"]
    for assumption_set in sets:
        for name, found in assumption_set.figures():
            note = found.note.replace("|", "/")
            sources.append(
                f"| {assumption_set.name} | {_label(name)} | {found.source} "
                f"| {note} |"
            )
    return "\n".join(rows) + "\n\n" + "\n".join(sources)
