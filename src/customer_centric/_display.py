"""Rich display in Jupyter: small, safe tables for every answer.

The answers people look at in a notebook (fits, outcomes, replays,
funnels, Kano results, holdout reports, deadlines) list their content as
:class:`Table` s in a ``_tables()`` method; their ``_repr_html_`` (what
Jupyter shows) and ``_repr_markdown_`` (for front ends that show text, and
for pasting into a report) render those through :func:`tables_html` and
:func:`tables_markdown`, so they all look alike. Every value is escaped:
a customer identifier or a feature name holding ``<script>`` or ``|``
shows as text.
No dependency beyond the standard library.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from typing import Final, NamedTuple

__all__ = [
    "NO_VALUE",
    "Table",
    "html_table",
    "markdown_table",
    "number",
    "tables_html",
    "tables_markdown",
]

NO_VALUE: Final = "\N{EM DASH}"
"""What a table shows for a value that is absent (``None``)."""

_MARKDOWN_SPECIAL: Final = re.compile(r"[\\`*\[\]<|~&]|(?<!\w)_|_(?!\w)")
"""What Markdown (or raw HTML inside it) would read in a cell's text.

An underscore inside a word (``account_management``) is text in
CommonMark, so only one at a word's edge is escaped.
"""


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


class Table(NamedTuple):
    """A caption, an optional header row and rows of cell values."""

    caption: str
    rows: Sequence[Sequence[object]]
    header: Sequence[str] = ()


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


def _markdown(value: object) -> str:
    # One line per cell: a line break would end the table row.
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def _row(values: Iterable[object]) -> str:
    return "| " + " | ".join(_markdown(v) for v in values) + " |"


def markdown_table(
    caption: str,
    rows: Iterable[Sequence[object]],
    /,
    *,
    header: Sequence[str] = (),
) -> str:
    r"""A Markdown (GitHub-flavoured) table under its caption in bold.

    Every value is converted with ``str``, put on one line and has the
    characters Markdown reads (``|``, ``*``, ``<`` and the like)
    backslash-escaped. A table without column names gets an empty header
    row, which GitHub-flavoured Markdown requires.

    Examples:
        >>> from customer_centric._display import markdown_table
        >>> print(markdown_table("Fit", [("r|s", 0.25)], header=("n", "v")))
        **Fit**
        <BLANKLINE>
        | n | v |
        | --- | --- |
        | r\|s | 0.25 |
    """
    body = [tuple(row) for row in rows]
    width = len(header) or max((len(row) for row in body), default=1)
    head = header or ("",) * width
    lines = [
        f"**{_markdown(caption)}**",
        "",
        _row(head),
        "| " + " | ".join("---" for _ in head) + " |",
        *(_row(row) for row in body),
    ]
    return "\n".join(lines)


def tables_html(tables: Iterable[Table], /) -> str:
    """The tables as HTML, one after the other (for ``_repr_html_``)."""
    return "".join(
        html_table(t.caption, t.rows, header=t.header) for t in tables
    )


def tables_markdown(tables: Iterable[Table], /) -> str:
    """The tables as Markdown, a blank line apart (``_repr_markdown_``)."""
    return "\n\n".join(
        markdown_table(t.caption, t.rows, header=t.header) for t in tables
    )
