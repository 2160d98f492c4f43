from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from customer_centric import LoyaltyStage, Transaction
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
    PolicyError,
)
from customer_centric.value import (
    DEFAULT_SEGMENT_RULES,
    OTHERS,
    SEGMENT_LOYALTY,
    RFMScores,
    SegmentRule,
    quantile_scores,
    rfm_scores,
    rfm_segments,
    rfm_summary,
    segment_loyalty,
)

_values = st.lists(
    st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
)


def _scores(r: int, f: int, m: int = 1, bins: int = 5) -> RFMScores:
    return RFMScores(
        customer_ids=("A",),
        recency=(r,),
        frequency=(f,),
        monetary=(m,),
        bins=bins,
    )


@pytest.mark.parametrize(
    ("values", "bins", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, (1, 1, 2, 2, 3, 3, 4, 4, 5, 5)),
        ([10, 1, 5], 3, (3, 1, 2)),
        ([4, 4, 4], 5, (1, 1, 1)),
        ([7], 2, (1,)),
        ([0, 0, 0, 1], 2, (1, 1, 1, 2)),
        ([0, 0, 1, 1, 2, 2], 3, (1, 1, 2, 2, 3, 3)),
    ],
    ids=["deciles", "unsorted", "all-tied", "one", "tie-on-edge", "pairs"],
)
def test_quantile_scores(
    values: list[float], bins: int, expected: tuple[int, ...]
):
    """Scores follow the type-7 quantile edges with [lower, upper) bins."""
    assert quantile_scores(values, bins=bins) == expected


def test_quantile_scores_with_breaks_and_reversed():
    """Given breaks replace the quantiles; reversed scores favour less."""
    values = [0, 5, 5.5, 30, 31]
    assert quantile_scores(values, bins=3, breaks=[5, 30]) == (1, 1, 2, 2, 3)
    assert quantile_scores(
        values, bins=3, breaks=[5, 30], higher_is_better=False
    ) == (3, 3, 2, 2, 1)


def test_quantile_scores_accepts_decimals_and_does_not_mutate():
    """Decimal values are scored as numbers; the input list is unchanged."""
    values = [Decimal(3), Decimal(1)]
    assert quantile_scores(values, bins=2) == (2, 1)
    assert values == [Decimal(3), Decimal(1)]


@pytest.mark.parametrize(
    ("kwargs", "error", "shown"),
    [
        ({"bins": 1}, InvariantError, "bins must be from 2 to 1000, got 1"),
        ({"bins": 10**400}, InvariantError, "bins must be from 2 to 1000"),
        ({"bins": 2.0}, ArgumentTypeError, "bins must be an int"),
        ({"breaks": [1, 2]}, InvariantError, "bins=3"),
        ({"breaks": [1, 3, 2, 4]}, InvariantError, r"3\.0 then 2\.0"),
        ({"breaks": [1, 2, 2, 4]}, InvariantError, "drop duplicates"),
        ({"breaks": "1234"}, ArgumentTypeError, "breaks must be"),
        ({"higher_is_better": 1}, ArgumentTypeError, "higher_is_better"),
    ],
    ids=[
        "one-bin",
        "huge-bins",
        "float-bins",
        "few-breaks",
        "unsorted",
        "dup",
        "str",
        "flag",
    ],
)
def test_quantile_scores_refuses(
    kwargs: dict[str, object], error: type[Exception], shown: str
):
    """Bad bins or breaks raise our error showing the value and the fix."""
    with pytest.raises(error, match=shown):
        quantile_scores([1.0, 2.0], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "error", "shown"),
    [
        ([], DataError, "values is empty"),
        ([1.0, float("nan")], InvariantError, r"values\[1\]"),
        ([None], ArgumentTypeError, r"values\[0\]"),
        (None, ArgumentTypeError, "sequence of numbers"),
    ],
    ids=["empty", "nan", "none-item", "none"],
)
def test_quantile_scores_refuses_values(
    values: object, error: type[Exception], shown: str
):
    """Empty or non-numeric values raise our error naming the item."""
    with pytest.raises(error, match=shown):
        quantile_scores(values)  # type: ignore[arg-type]


@given(values=_values, bins=st.integers(2, 10))
def test_scores_within_bounds(values: list[float], bins: int):
    """Every score lies in 1..bins, either direction."""
    for higher in (True, False):
        scores = quantile_scores(values, bins=bins, higher_is_better=higher)
        assert len(scores) == len(values)
        assert all(1 <= s <= bins for s in scores)


@given(values=_values, bins=st.integers(2, 10))
def test_scores_monotone_and_ties_equal(values: list[float], bins: int):
    """A larger value never scores lower; equal values score alike."""
    scores = quantile_scores(values, bins=bins)
    for (a, sa), (b, sb) in itertools.product(
        zip(values, scores, strict=True), repeat=2
    ):
        if a <= b:
            assert sa <= sb


def _log() -> list[Transaction]:
    rows = [
        ("A", 1, 10),
        ("A", 20, 50),
        ("B", 2, 5),
        ("B", 3, 5),
        ("B", 4, 5),
        ("C", 5, 80),
    ]
    return [
        Transaction(
            customer_id=c, occurred_at=date(2024, 1, d), amount=Decimal(a)
        )
        for c, d, a in rows
    ]


def test_rfm_scores_worked_example():
    """R scores time since last purchase (recent = high), F and M as is."""
    summary = rfm_summary(_log(), observation_end=date(2024, 1, 31))
    # days since last purchase: A 11, B 27, C 26
    scores = rfm_scores(summary, bins=3)
    assert scores.customer_ids == ("A", "B", "C")
    assert scores.recency == (3, 1, 2)
    assert scores.frequency == (2, 3, 1)
    assert scores.monetary == (3, 2, 1)
    assert len(scores) == 3
    breaks = rfm_scores(
        summary,
        bins=2,
        recency_breaks=[20],
        frequency_breaks=[0],
        monetary_breaks=[40],
    )
    assert breaks.cells() == ((2, 2, 2), (1, 2, 1), (1, 1, 1))


def test_rfm_scores_refuses():
    """Wrong summaries raise our errors with the fix."""
    no_amounts = rfm_summary(
        [
            Transaction(customer_id="A", occurred_at=date(2024, 1, 1)),
        ],
        observation_end=date(2024, 1, 2),
    )
    with pytest.raises(DataError, match="carries no amounts"):
        rfm_scores(no_amounts)
    empty = attrs.evolve(
        no_amounts,
        customer_ids=(),
        frequency=(),
        recency=(),
        T=(),
        monetary_value=(),
    )
    with pytest.raises(DataError, match="summary is empty"):
        rfm_scores(empty)
    with pytest.raises(ArgumentTypeError, match="summary must be"):
        rfm_scores([1, 2])  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="bins must be from 2 to 1000"):
        rfm_scores(no_amounts, bins=0)


def test_default_rules_tile_the_grid():
    """Every (R, F) cell of 1-5 scores matches exactly one default rule."""
    for r, f, m in itertools.product(range(1, 6), repeat=3):
        matched = [x for x in DEFAULT_SEGMENT_RULES if x.matches(r, f, m)]
        assert len(matched) == 1, (r, f, m)
    names = {rule.segment for rule in DEFAULT_SEGMENT_RULES}
    assert names == set(SEGMENT_LOYALTY) - {OTHERS}
    assert len(names) == 11


@pytest.mark.parametrize(
    ("r", "f", "segment"),
    [
        (5, 5, "Champions"),
        (4, 4, "Loyal"),
        (5, 2, "Potential loyalist"),
        (5, 1, "New"),
        (4, 1, "Promising"),
        (3, 3, "Need attention"),
        (3, 1, "About to sleep"),
        (2, 4, "At risk"),
        (1, 5, "Can't lose them"),
        (2, 2, "Hibernating"),
        (1, 2, "Hibernating"),
        (1, 1, "Lost"),
        (6, 6, OTHERS),
    ],
    ids=str,
)
def test_default_segments(r: int, f: int, segment: str):
    """The conventional map names each cell; off the grid is Others."""
    result = rfm_segments(_scores(r, f, bins=6))
    assert result.segments == (segment,)
    assert result.customer_ids == ("A",)


def test_custom_rules_and_counts():
    """Callers replace the map; unmatched customers are kept as Others."""
    scores = RFMScores(
        customer_ids=("A", "B", "C"),
        recency=(2, 1, 2),
        frequency=(2, 1, 2),
        monetary=(2, 1, 1),
        bins=2,
    )
    rules = (SegmentRule(segment="Best", recency=(2, 2), monetary=(2, 2)),)
    result = rfm_segments(scores, rules=rules)
    assert result.segments == ("Best", OTHERS, OTHERS)
    assert result.counts() == {OTHERS: 2, "Best": 1}
    assert result.scores is scores


def test_misaligned_scores_refused():
    """Score columns of different lengths raise a DataError."""
    scores = RFMScores(
        customer_ids=("A", "B"),
        recency=(1,),
        frequency=(1, 2),
        monetary=(1, 2),
        bins=2,
    )
    with pytest.raises(DataError, match=r"\[2, 1, 2, 2\]"):
        rfm_segments(scores)


def test_overlapping_rules_refused():
    """Two rules that share a cell raise a PolicyError naming both."""
    rules = [
        SegmentRule(segment="X", recency=(1, 3)),
        SegmentRule(segment="Y", recency=(3, 5), frequency=(1, 1)),
    ]
    with pytest.raises(PolicyError, match=r"rules 0 .* and 1 .* overlap"):
        rfm_segments(_scores(1, 1), rules=rules)
    disjoint = [*rules[:1], SegmentRule(segment="Y", recency=(4, 5))]
    assert rfm_segments(_scores(4, 1), rules=disjoint).segments == ("Y",)


@pytest.mark.parametrize(
    ("rules", "shown"),
    [
        ("rules", "sequence of SegmentRule"),
        (None, "sequence of SegmentRule"),
        ([{"segment": "X"}], r"rules\[0\] must be a SegmentRule"),
    ],
    ids=["str", "none", "dict"],
)
def test_rules_type_refused(rules: object, shown: str):
    """Rules that are not a sequence of SegmentRule raise our error."""
    with pytest.raises(ArgumentTypeError, match=shown):
        rfm_segments(_scores(1, 1), rules=rules)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="scores must be"):
        rfm_segments(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"segment": " "}, "non-empty name"),
        ({"segment": "X", "recency": (3, 2)}, r"got \(3, 2\)"),
        ({"segment": "X", "frequency": (0, 2)}, "1 <= low <= high"),
    ],
    ids=["blank", "reversed", "zero"],
)
def test_segment_rule_validation(fields: dict[str, object], shown: str):
    """A rule with a blank name or a bad range fails validation."""
    with pytest.raises(ValidationError, match=shown):
        SegmentRule(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("segment", "stage"),
    [
        ("Champions", LoyaltyStage.ADVOCATE),
        ("Loyal", LoyaltyStage.CLIENT),
        ("New", LoyaltyStage.CUSTOMER),
        (OTHERS, LoyaltyStage.CUSTOMER),
    ],
    ids=["champions", "loyal", "new", "others"],
)
def test_segment_loyalty(segment: str, stage: LoyaltyStage):
    """Each default segment maps to a loyalty rung."""
    assert segment_loyalty(segment) is stage


def test_segment_loyalty_refuses():
    """Unknown segments and bad mappings raise our errors."""
    with pytest.raises(InvariantError, match=r"'Gold'.*Add it"):
        segment_loyalty("Gold")
    with pytest.raises(InvariantError, match="known: none"):
        segment_loyalty("Gold", mapping={})
    with pytest.raises(ArgumentTypeError, match="mapping must be"):
        segment_loyalty("Gold", mapping=[])  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"mapping\['X'\]"):
        segment_loyalty("X", mapping={"X": "client"})  # type: ignore[dict-item]
    assert segment_loyalty("X", mapping={"X": LoyaltyStage.CLIENT}) is (
        LoyaltyStage.CLIENT
    )


_score = st.integers(1, 6)


@given(
    cells=st.lists(st.tuples(_score, _score, _score), min_size=1, max_size=30)
)
def test_every_customer_gets_exactly_one_segment(
    cells: list[tuple[int, int, int]],
):
    """Each customer has one segment, a rule's or Others, never dropped."""
    scores = RFMScores(
        customer_ids=tuple(str(i) for i in range(len(cells))),
        recency=tuple(c[0] for c in cells),
        frequency=tuple(c[1] for c in cells),
        monetary=tuple(c[2] for c in cells),
        bins=6,
    )
    result = rfm_segments(scores)
    assert len(result.segments) == len(cells)
    for cell, segment in zip(cells, result.segments, strict=True):
        matched = [r for r in DEFAULT_SEGMENT_RULES if r.matches(*cell)]
        assert [r.segment for r in matched] == (
            [] if segment == OTHERS else [segment]
        )


@given(
    frequencies=st.lists(st.integers(0, 30), min_size=1, max_size=30),
    bins=st.integers(2, 7),
)
def test_more_purchases_never_lower_f_score(frequencies: list[int], bins: int):
    """On a summary, more repeat purchases never give a lower F score."""
    log = []
    for i, count in enumerate(frequencies):
        log.extend(
            Transaction(
                customer_id=f"{i:03}",
                occurred_at=date(2024, 1, 1 + day),
                amount=Decimal(1),
            )
            for day in range(count + 1)
        )
    summary = rfm_summary(log, observation_end=date(2024, 2, 1))
    scores = rfm_scores(summary, bins=bins)
    pairs = list(zip(summary.frequency, scores.frequency, strict=True))
    for (fa, sa), (fb, sb) in itertools.product(pairs, repeat=2):
        if fa <= fb:
            assert sa <= sb
    assert all(1 <= s <= bins for c in scores.cells() for s in c)


def test_cdnow_segments():
    """The CDNOW sample is scored and segmented with no customer lost."""
    summary = rfm_summary(
        load_cdnow_sample(), observation_end=date(1998, 6, 30), time_unit="W"
    )
    segments = rfm_segments(rfm_scores(summary))
    assert len(segments.segments) == len(summary) == 2357
    assert sum(segments.counts().values()) == 2357
    assert OTHERS not in segments.counts()
