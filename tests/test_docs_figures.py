"""Every figure the library can draw is in the docs, drawn at build time.

The figures are scripts in ``docs/figures/`` that the docs include with
matplotlib's plot directive. The scripts run here; the built pages are
checked by ``bash .ci/run docs``, which builds them and then runs this
module with ``CC_DOCS_HTML`` pointing at the HTML.
"""

from __future__ import annotations

import os
import re
import runpy
from pathlib import Path

import pytest

import customer_centric.plot

DOCS = Path(__file__).resolve().parents[1] / "docs"
# A plot directive names a script in docs/figures or holds its code,
# indented, below it (as the rules page does).
_DIRECTIVE = re.compile(
    r"^\.\. plot::(?: figures/(?P<script>\w+)\.py)?\n"
    r"(?P<code>(?:\n|   .*\n)*)",
    re.MULTILINE,
)


def _figures() -> dict[str, list[tuple[str | None, str]]]:
    """Each page's plot directives: (script name or None, code drawn)."""
    found: dict[str, list[tuple[str | None, str]]] = {}
    for page in sorted(DOCS.glob("*.md")):
        for match in _DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
            script = match["script"]
            code = (
                (DOCS / "figures" / f"{script}.py").read_text(encoding="utf-8")
                if script
                else match["code"]
            )
            found.setdefault(page.stem, []).append((script, code))
    return found


def _scripts() -> list[str]:
    return sorted(
        {
            script
            for figures in _figures().values()
            for script, _ in figures
            if script
        }
    )


def test_every_plotting_function_has_a_figure_in_the_docs() -> None:
    """Each public plot_* function is drawn by a figure of some page."""
    called = {
        name
        for figures in _figures().values()
        for _, code in figures
        for name in re.findall(r"\bplot_\w+", code)
    }
    assert set(customer_centric.plot.__all__) <= called


def test_every_figure_script_is_included() -> None:
    """No script in docs/figures is left out of the pages."""
    on_disk = sorted(p.stem for p in (DOCS / "figures").glob("*.py"))
    assert on_disk == _scripts()


@pytest.mark.parametrize("script", _scripts())
def test_figure_scripts_draw(script: str) -> None:
    """Each script runs on the shipped data and leaves a figure to save."""
    plt = pytest.importorskip("matplotlib.pyplot")
    plt.close("all")
    runpy.run_path(str(DOCS / "figures" / f"{script}.py"))
    figures = plt.get_fignums()
    assert figures
    for number in figures:
        assert plt.figure(number).axes
    plt.close("all")


_BUILT = os.environ.get("CC_DOCS_HTML")


@pytest.mark.skipif(
    _BUILT is None,
    reason="needs the built HTML: `bash .ci/run docs` builds it and sets "
    "CC_DOCS_HTML",
)
@pytest.mark.parametrize("page", sorted(_figures()))
def test_built_pages_show_their_figures(page: str) -> None:
    """Each page's HTML holds a drawn image for every figure it includes."""
    html = (Path(str(_BUILT)) / f"{page}.html").read_text(encoding="utf-8")
    drawn = re.findall(r'<img [^>]*class="plot-directive"', html)
    assert len(drawn) >= len(_figures()[page]), (
        f"{page}.html shows {len(drawn)} drawn figures, "
        f"its source has {len(_figures()[page])}"
    )
