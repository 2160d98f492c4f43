"""Rich display: the escaped HTML and Markdown tables behind every answer.

The answers that use it are tested with their modules (fits in
``tests/clv/test_records.py``, relationship answers in
``tests/relationship/test_shown.py``, Kano results in
``tests/kano/test_features.py``, deadlines in
``tests/complaints/test_deadlines.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import pytest

from customer_centric import Complaint, Severity, Transaction
from customer_centric._display import (
    Table,
    html_table,
    markdown_table,
    number,
    tables_html,
    tables_markdown,
)
from customer_centric.clv import BgNbdFit, validate_holdout
from customer_centric.complaints import (
    FCA_DISP_RULES,
    BusinessCalendar,
    ComplaintChannel,
    regulatory_deadlines,
    triage,
)
from customer_centric.kano import (
    KanoResponse,
    analyze,
    prioritize_features,
)
from customer_centric.risk import (
    CustomerHealthKpi,
    KpiObservation,
    assess,
    assess_series,
    customer_health,
)
from customer_centric.value import (
    RFMScores,
    SegmentRule,
    rfm_calibration_holdout,
    rfm_segments,
)

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_html_table_escapes_caption_header_and_cells():
    """Every value is escaped, so markup in data shows as text."""
    shown = html_table(SCRIPT, [(SCRIPT, 1)], header=(SCRIPT, "n"))
    assert SCRIPT not in shown
    assert shown.count(ESCAPED) == 3
    assert shown.startswith("<table><caption>")


def test_html_table_without_header_has_no_head():
    """A table without column names has only a body."""
    assert "<thead>" not in html_table("c", [("a", "b")])


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "\N{EM DASH}"), (float("nan"), "nan"), (2.4261, "2.426")],
    ids=["none", "nan", "float"],
)
def test_number_shows_none_nan_and_significant_digits(
    value: float | None, shown: str
):
    """Numbers get four significant digits; absent values a dash."""
    assert number(value) == shown


def test_markdown_table_escapes_what_markdown_reads():
    """Pipes, markup and edge underscores are escaped; a cell is one line."""
    shown = markdown_table(SCRIPT, [("a|b", "_x_ y_z", "two\nlines")])
    assert shown.splitlines()[0] == r"**\<script>alert(1)\</script>**"
    assert shown.splitlines()[-1] == r"| a\|b | \_x\_ y_z | two lines |"


def test_markdown_table_without_header_gets_an_empty_one():
    """GitHub-flavoured Markdown needs a header row, so it is left blank."""
    assert markdown_table("c", [("a", "b")]).splitlines()[2:4] == [
        "|  |  |",
        "| --- | --- |",
    ]
    assert markdown_table("empty", []).splitlines()[2:] == ["|  |", "| --- |"]


def test_tables_render_one_after_the_other():
    """HTML tables follow each other; Markdown ones are a blank line apart."""
    tables = [Table("one", [(1,)]), Table("two", [(2,)], header=("n",))]
    assert tables_html(tables).count("<table>") == 2
    assert "| 1 |\n\n**two**" in tables_markdown(tables)


def _fit() -> object:
    return BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)


def _kano() -> object:
    (result,) = analyze(
        [
            KanoResponse(
                respondent_id=f"R{n}",
                feature="a|b",
                functional=1,
                dysfunctional=3,
            )
            for n in range(4)
        ]
    )
    return result


def _complaint() -> Complaint:
    return Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        severity=Severity.LOW,
        channel=ComplaintChannel.PHONE,
    )


def _deadline() -> object:
    complaint = _complaint()
    summary, _ = regulatory_deadlines(
        complaint,
        rules=FCA_DISP_RULES,
        calendar=BusinessCalendar.uk(),
        as_of=datetime(2026, 3, 3, 9, tzinfo=UTC),
    )
    return summary


def _holdout() -> object:
    log = [
        Transaction(customer_id=c, occurred_at=date(2024, 1, d))
        for c, days in {"A": (1, 8, 20, 27), "B": (2, 25)}.items()
        for d in days
    ]
    split = rfm_calibration_holdout(
        log,
        calibration_end=date(2024, 1, 14),
        observation_end=date(2024, 1, 28),
        time_unit="W",
    )
    bg = BgNbdFit.from_parameters(r=0.5, alpha=2.0, a=0.8, b=2.5)
    return validate_holdout(split, models={"BG/NBD": bg})


CHURN = customer_health(
    CustomerHealthKpi.CHURN_RATE, amber=Decimal("0.10"), red=Decimal("0.15")
)


def _series() -> object:
    return assess_series(
        CHURN,
        [
            KpiObservation(
                occurred_at=datetime(2026, m, 1, tzinfo=UTC), value=Decimal(v)
            )
            for m, v in [(1, "0.08"), (2, "0.16")]
        ],
    )


def test_kri_series_shows_each_grade_and_a_dash_for_no_time():
    """The series lists each value's grade; a value without time, a dash."""
    series = _series()
    assert repr(series) == (
        "KriSeriesAssessment('churn_rate': 2 observations, latest red, "
        "worst red, worsening)"
    )
    assert "<td>0.16</td><td>red</td>" in series._repr_html_()  # type: ignore[attr-defined]
    undated = attrs.evolve(series, assessments=(assess(CHURN, Decimal(0)),))  # type: ignore[misc]
    assert "<td>\N{EM DASH}</td><td>0</td><td>green</td>" in (
        undated._repr_html_()
    )


@pytest.mark.parametrize(
    ("answer", "tables"),
    [
        (_fit, 2),
        (_kano, 3),
        (lambda: _kano().coefficients, 1),  # type: ignore[attr-defined]
        (lambda: _kano().decision, 1),  # type: ignore[attr-defined]
        (_deadline, 1),
        (lambda: prioritize_features([_kano()])[0], 2),  # type: ignore[list-item]
        (_holdout, 2),
        (lambda: triage(_complaint()), 1),
        (lambda: assess(CHURN, Decimal("0.12")), 1),
        (_series, 1),
    ],
    ids=[
        "fit",
        "kano-result",
        "coefficients",
        "decision",
        "deadline",
        "kano-priority",
        "holdout",
        "triage",
        "kri",
        "kri-series",
    ],
)
def test_answers_show_the_same_tables_in_html_and_markdown(
    answer: Callable[[], Any], tables: int
):
    """Each answer's HTML and Markdown forms hold the same tables."""
    shown = answer()
    html, markdown = shown._repr_html_(), shown._repr_markdown_()
    assert html.count("<table>") == tables
    lines = markdown.splitlines()
    rules = [line for line in lines if line.startswith("| ---")]
    assert len(rules) == tables
    assert len(repr(shown).splitlines()) == 1


def test_rfm_segments_show_sizes_shares_and_rungs():
    """Segments show largest first; one of a custom rule has no rung."""
    scores = RFMScores(
        customer_ids=tuple("ABCDE"),
        recency=(5, 1, 3, 5, 5),
        frequency=(5, 1, 3, 1, 5),
        monetary=(2, 2, 2, 2, 2),
        bins=5,
    )
    segments = rfm_segments(scores)
    assert repr(segments) == (
        "RFMSegments(5 customers; 'Champions': 2, 'Lost': 1, "
        "'Need attention': 1; 1 more segments)"
    )
    assert (
        "<td>Champions</td><td>2</td><td>40.0%</td><td>advocate</td>"
    ) in segments._repr_html_()
    custom = rfm_segments(scores, rules=[SegmentRule(segment="Everyone")])
    assert repr(custom) == "RFMSegments(5 customers; 'Everyone': 5)"
    assert "| Everyone | 5 | 100.0% | \N{EM DASH} |" in (
        custom._repr_markdown_()
    )
