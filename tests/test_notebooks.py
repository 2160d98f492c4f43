"""The docs' notebooks run, cell by cell, in Jupyter kernels.

Each notebook in ``docs/notebooks/`` (MyST Markdown, read as myst-nb reads
it for the docs) is executed with nbclient in a ``python3`` kernel, which
jupyter_client starts with the Python running the tests. The six run at
once, each in its own kernel, since most of their time is kernels starting
and importing. A cell that raises fails the test; the answers a notebook
shows must come as tables (HTML), and every notebook but the complaints
one must show a figure.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from myst_nb.core.read import read_myst_markdown_notebook
from nbclient import NotebookClient
from nbformat import NotebookNode

NOTEBOOKS = Path(__file__).parents[1] / "docs" / "notebooks"
AREAS = ("relationship", "kano", "value", "clv", "complaints", "risk")
NO_FIGURE = frozenset({"complaints"})  # nothing in it is drawn over time


async def _execute(area: str) -> NotebookNode:
    path = NOTEBOOKS / f"{area}.md"
    notebook = read_myst_markdown_notebook(path.read_text(encoding="utf-8"))
    nbformat.validate(notebook)
    # Which Python the kernel runs, asked last (the docs never show it).
    notebook.cells.append(
        nbformat.v4.new_code_cell("import sys; print(sys.executable)")
    )
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    return await client.async_execute()


async def _execute_all() -> dict[str, NotebookNode]:
    notebooks = await asyncio.gather(*(_execute(area) for area in AREAS))
    return dict(zip(AREAS, notebooks, strict=True))


@pytest.fixture(scope="module")
def executed() -> dict[str, NotebookNode]:
    """Every notebook, executed (a cell that raises fails the fixture)."""
    return asyncio.run(_execute_all())


def _outputs(notebook: NotebookNode) -> list[dict[str, Any]]:
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    ]


def test_there_is_a_notebook_per_area():
    """Every area has its notebook, and there is no other."""
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.md")) == sorted(AREAS)


@pytest.mark.parametrize("area", AREAS)
def test_notebook_runs_and_shows_tables_and_figures(
    area: str, executed: dict[str, NotebookNode]
):
    """The notebook executes without error; it shows tables and figures."""
    notebook = executed[area]
    (asked,) = notebook.cells[-1].outputs
    assert asked["text"].strip() == sys.executable  # the Python under test
    outputs = _outputs(notebook)
    assert not [o for o in outputs if o["output_type"] == "error"]
    shown = [o.get("data", {}) for o in outputs]
    assert any("<table>" in data.get("text/html", "") for data in shown)
    has_figure = any("image/png" in data for data in shown)
    assert has_figure != (area in NO_FIGURE)
