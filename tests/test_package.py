import ast
import importlib
import pydoc
import subprocess
import sys
from pathlib import Path

import pytest

import customer_centric as cc

INIT = Path(cc.__file__)


def _type_checking_names() -> set[str]:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == (
            "TYPE_CHECKING"
        ):
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    names.update(a.asname or a.name for a in stmt.names)
    return names


AREAS = ("relationship", "kano", "value", "complaints", "risk")


def test_all_lists_the_areas_and_extras():
    """__all__ lists the areas and the extras once each, not the nouns."""
    assert len(cc.__all__) == len(set(cc.__all__))
    assert set(cc.__all__) == cc._SUBPACKAGES | {"exceptions"}


def test_help_stays_short_and_names_every_noun():
    """help(customer_centric) is a guide: short, naming each top-level noun.

    pydoc renders every class in ``__all__`` in full; with the nouns in it,
    help ran to 6,000 lines.
    """
    shown = pydoc.plain(pydoc.render_doc(cc))
    assert len(shown.splitlines()) < 150
    for name in [*cc._HOME, *cc._SUBPACKAGES]:
        assert f"``{name}``" in shown, name


def test_type_checking_imports_match_exports():
    """The TYPE_CHECKING imports mirror the lazy exports for type checkers."""
    assert _type_checking_names() == set(cc._HOME) | cc._SUBPACKAGES


def test_the_top_level_stays_small():
    """The top level holds the shared nouns, about 30 names at most."""
    assert len(cc._HOME) + len(cc.__all__) <= 32


@pytest.mark.parametrize("area", AREAS)
def test_each_area_lists_its_names_once(area: str) -> None:
    """An area's __all__ names each name once, and every name resolves."""
    module = importlib.import_module(f"customer_centric.{area}")
    assert len(module.__all__) == len(set(module.__all__))
    for name in module.__all__:
        assert getattr(module, name) is not None


def test_every_public_name_has_one_home():
    """A name lives in one area; the top level only re-exports the nouns."""
    homes: dict[str, list[str]] = {}
    for area in AREAS:
        for name in importlib.import_module(
            f"customer_centric.{area}"
        ).__all__:
            homes.setdefault(name, []).append(area)
    assert {n: a for n, a in homes.items() if len(a) > 1} == {}
    for name, module in cc._HOME.items():
        if not module.startswith("._"):
            assert homes[name] == [module.removeprefix(".")]


def test_every_public_name_resolves():
    """Every top-level name can be imported from the package."""
    for name in [*cc._HOME, *cc.__all__]:
        assert getattr(cc, name) is not None


def test_unknown_attribute_raises_attribute_error():
    """A misspelt name fails like any module attribute."""
    with pytest.raises(AttributeError, match="NoSuchThing"):
        cc.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018


def test_version_is_reported():
    """__version__ comes from the installed distribution's metadata."""
    assert cc.__version__


def test_import_is_light():
    """Importing the package loads none of the heavy dependencies."""
    code = (
        "import sys, customer_centric;"
        "heavy = {'numpy', 'scipy', 'pandas', 'polars', 'pydantic'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_dir_lists_every_public_name():
    """dir() shows the lazy names and __version__ before they are loaded."""
    names = dir(cc)
    assert names == sorted(names)
    assert set(cc.__all__) | set(cc._HOME) <= set(names)
    assert "__version__" in names
