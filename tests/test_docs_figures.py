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
_INCLUDED = re.compile(r"^\.\. plot:: figures/(\w+)\.py$", re.MULTILINE)


def _included() -> dict[str, list[str]]:
    """The figure scripts each docs page includes, by page name."""
    return {
        page.stem: _INCLUDED.findall(page.read_text(encoding="utf-8"))
        for page in sorted(DOCS.glob("*.md"))
        if _INCLUDED.search(page.read_text(encoding="utf-8"))
    }


def _scripts() -> list[str]:
    return sorted({name for names in _included().values() for name in names})


def test_every_plotting_function_has_a_figure_in_the_docs() -> None:
    """Each public plot_* function is called by a script a page includes."""
    called = {
        name
        for script in _scripts()
        for name in re.findall(
            r"\bplot_\w+",
            (DOCS / "figures" / f"{script}.py").read_text(encoding="utf-8"),
        )
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
@pytest.mark.parametrize("page", sorted(_included()))
def test_built_pages_show_their_figures(page: str) -> None:
    """Each page's HTML holds an image for every figure it includes."""
    html = (Path(str(_BUILT)) / f"{page}.html").read_text(encoding="utf-8")
    for script in _included()[page]:
        assert re.search(rf'<img [^>]*src="_images/{script}\.svg"', html), (
            f"{page}.html shows no figure from figures/{script}.py"
        )
