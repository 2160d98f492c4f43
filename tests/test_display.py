"""Rich display: one escaped HTML table helper behind every ``_repr_html_``.

The answers that use it are tested with their modules (fits in
``tests/clv/test_records.py``, relationship answers in
``tests/relationship/test_shown.py``, Kano results in
``tests/kano/test_features.py``, deadlines in
``tests/complaints/test_deadlines.py``).
"""

from __future__ import annotations

import pytest

from customer_centric._display import html_table, number

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
