"""Rich display in Jupyter: one small, safe HTML table for every answer.

The answers people look at in a notebook (fits, outcomes, funnels, Kano
results, deadlines) define ``_repr_html_`` through :func:`html_table`, so
they all look alike. Every value is escaped with :func:`html.escape`: a
customer identifier or a feature name holding ``<script>`` shows as text.
No dependency beyond the standard library.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = ["NO_VALUE", "html_table", "number"]

NO_VALUE: Final = "\N{EM DASH}"
"""What a table shows for a value that is absent (``None``)."""


def number(value: float | None, /, *, digits: int = 4) -> str:
    """A float with ``digits`` significant digits; ``None`` as a dash.

    Examples:
        >>> from customer_centric._display import number
        >>> number(0.2431234), number(-9582.41, digits=6), number(None)
        ('0.2431', '-9582.41', '—')
        >>> number(float("nan"))
        'nan'
    """
    if value is None:
        return NO_VALUE
    if math.isnan(value):
        return "nan"
    return f"{value:.{digits}g}"


def _cells(tag: str, values: Iterable[object]) -> str:
    return "".join(
        f"<{tag}>{html.escape(str(value))}</{tag}>" for value in values
    )


def html_table(
    caption: str,
    rows: Iterable[Sequence[object]],
    /,
    *,
    header: Sequence[str] = (),
) -> str:
    """An HTML table with a caption, an optional header row and rows.

    Every caption, header and cell is converted with ``str`` and escaped.

    Args:
        caption: The table's title.
        rows: One sequence of cell values per row.
        header: The column names, if any.

    Returns:
        One ``<table>`` element.

    Examples:
        >>> from customer_centric._display import html_table
        >>> print(html_table("Fit <b>", [("r", 0.25)], header=("name", "v")))
        <table><caption>Fit &lt;b&gt;</caption><thead><tr><th>name</th>\
<th>v</th></tr></thead><tbody><tr><td>r</td><td>0.25</td></tr></tbody>\
</table>
    """
    head = f"<thead><tr>{_cells('th', header)}</tr></thead>" if header else ""
    body = "".join(f"<tr>{_cells('td', row)}</tr>" for row in rows)
    return (
        f"<table><caption>{html.escape(caption)}</caption>{head}"
        f"<tbody>{body}</tbody></table>"
    )
