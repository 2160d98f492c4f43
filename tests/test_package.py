import ast
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


def test_all_matches_lazy_exports():
    """__all__ lists exactly the lazily exported names, each once."""
    lazy = {n for names in cc._EXPORTS.values() for n in names}
    assert len(cc.__all__) == len(set(cc.__all__))
    assert set(cc.__all__) == lazy | {"exceptions"}


def test_type_checking_imports_match_exports():
    """The TYPE_CHECKING imports mirror the lazy exports for type checkers."""
    lazy = {n for names in cc._EXPORTS.values() for n in names}
    assert _type_checking_names() == lazy


def test_every_public_name_resolves():
    """Every name in __all__ can be imported from the package."""
    for name in cc.__all__:
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
    assert set(cc.__all__) <= set(names)
    assert "__version__" in names
