"""Rich display: one escaped HTML table helper behind every ``_repr_html_``.

Covers ``customer_centric/_display.py`` and, through it, the notebook
display of fits, Kano results and deadlines (the relationship answers are
covered in ``tests/relationship/test_shown.py``).
"""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from customer_centric import Complaint, Severity
from customer_centric._display import html_table, number
from customer_centric.clv import (
    BgNbdFit,
    GammaGammaFit,
    fit_bg_nbd,
    simulate_bg_nbd,
)
from customer_centric.complaints import (
    FCA_DISP_RULES,
    BusinessCalendar,
    ComplaintChannel,
    ComplaintStatus,
    DeadlineStatus,
    regulatory_deadlines,
)
from customer_centric.kano import (
    KanoCoefficients,
    KanoCounts,
    KanoFeatureResult,
    KanoResponse,
    analyze,
    decide_category,
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


@pytest.fixture(scope="module")
def fit() -> BgNbdFit:
    """A BG/NBD fit on simulated data."""
    sim = simulate_bg_nbd(
        [39.0] * 500, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7
    )
    return fit_bg_nbd(sim.frequency, sim.recency, sim.T)


def test_fit_repr_is_one_short_line(fit: BgNbdFit):
    """A fit's repr names the parameters, customers and log-likelihood."""
    shown = repr(fit)
    assert len(shown) < 200
    assert "\n" not in shown
    assert shown.startswith("BgNbdFit(r=")
    assert "n=500" in shown
    assert f"ll={fit.log_likelihood:.1f}" in shown
    assert str(fit) == shown


def test_fit_html_shows_parameters_errors_and_diagnostics(fit: BgNbdFit):
    """The table holds estimates, standard errors and optimizer facts."""
    shown = fit._repr_html_()
    for name, value in fit.params.items():
        assert f"<td>{name}</td><td>{number(value)}</td>" in shown
        assert number(fit.standard_errors[name]) in shown
    assert f"{fit.log_likelihood:.2f}" in shown
    assert "500 customers" in shown
    assert fit.diagnostics.method in shown
    assert "<td>converged</td><td>yes</td>" in shown


def test_given_parameters_show_as_not_fitted():
    """Parameters given, not fitted, show NaN errors and say so."""
    given = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
    assert repr(given) == (
        "GammaGammaFit(p=6.25, q=3.74, gamma=15.44, n=0, ll=nan)"
    )
    assert "parameters given, not fitted" in given._repr_html_()


def _kano(
    feature: str, pairs: list[tuple[int, int]], importance: float | None
) -> KanoFeatureResult:
    return analyze(
        KanoResponse(
            respondent_id=f"R{n}",
            feature=feature,
            functional=f,
            dysfunctional=d,
            importance=importance,
        )
        for n, (f, d) in enumerate(pairs)
    )[0]


def test_kano_result_repr_and_html_escape_the_feature():
    """A feature named with markup shows escaped; the measures are there."""
    result = _kano(SCRIPT, [(1, 3), (1, 3), (1, 5), (3, 3)], 4)
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
    clear = _kano("wifi", [(1, 3)] * 20, None)
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


def test_deadline_repr_and_html():
    """A deadline shows status, due time, time used, pauses and source."""
    complaint = Complaint(
        complaint_id="K-1",
        customer_id="C-1",
        received_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        severity=Severity.LOW,
        channel=ComplaintChannel.PHONE,
    )
    summary, _ = regulatory_deadlines(
        complaint,
        rules=FCA_DISP_RULES,
        calendar=BusinessCalendar.uk(),
        as_of=datetime(2026, 3, 3, 9, tzinfo=UTC),
    )
    assert len(repr(summary)) < 200
    shown = summary._repr_html_()
    assert "<td>status</td><td>on_track</td>" in shown
    assert "<td>completed at</td><td>\N{EM DASH}</td>" in shown
    assert "<td>paused now</td><td>no</td>" in shown
    assert "30.0%" in shown
    done = attrs.evolve(
        summary,
        completed_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        status=DeadlineStatus.MET,
        milestone=ComplaintStatus.CLOSED,
        paused=True,
        paused_for=timedelta(hours=2),
        used_share=Decimal("0.5"),
        source=SCRIPT,
    )
    shown = done._repr_html_()
    assert "<td>completed at</td><td>2026-03-03T09:00:00+00:00</td>" in shown
    assert "<td>paused now</td><td>yes</td>" in shown
    assert "<td>paused for</td><td>2:00:00</td>" in shown
    assert ESCAPED in shown
    assert SCRIPT not in shown
