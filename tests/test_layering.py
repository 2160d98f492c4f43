"""The dependency contract between the areas, checked on the source.

``kano`` and ``value`` use only the shared vocabulary; ``clv`` uses
``value``; ``complaints`` uses ``relationship`` and ``value``; ``risk`` uses
``complaints`` and ``relationship`` (and what they use); the extras use the
areas' public names (but for the one reach listed in ``PRIVATE_REACH``);
the core never imports an extra.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import customer_centric as cc

PACKAGE = Path(cc.__file__).parent
SHARED = "shared"
EXTRAS = frozenset({"frames", "plot", "spark", "cli"})
CORE_USES: dict[str, frozenset[str]] = {
    SHARED: frozenset(),
    "relationship": frozenset(),
    "kano": frozenset(),
    "value": frozenset(),
    "clv": frozenset({"value"}),
    "complaints": frozenset({"relationship", "value"}),
    "risk": frozenset({"complaints", "relationship", "value"}),
    # The shipped data sets are customers, events and transactions.
    "datasets": frozenset({"relationship", "value"}),
    # Stored records are the areas' records in a versioned envelope.
    "records": frozenset(
        {"relationship", "complaints", "clv", "risk", "value"}
    ),
}


# The one extra allowed into an area's private modules, and why: the
# columnar replay asks the engine's own plan cache for each group of
# customers' decision, so its decisions are the engine's by construction
# (tests/frames/test_replay.py compares them under random policies); a
# public copy of the plan machinery would be a second engine to keep equal.
PRIVATE_REACH: dict[str, frozenset[str]] = {
    "customer_centric.frames._replay_rounds": frozenset(
        {
            "customer_centric.relationship._engine",
            "customer_centric.relationship._policy",
        }
    ),
}


def _area(module: str) -> str:
    """The area a dotted module name under customer_centric belongs to."""
    parts = module.split(".")
    if parts[1:] == ["__main__"]:  # ``python -m customer_centric`` is the CLI
        return "cli"
    if len(parts) == 1 or parts[1].startswith("_") or parts[1] == "exceptions":
        return SHARED
    return parts[1]


def _imports(path: Path) -> set[str]:
    """The customer_centric modules a source file imports, at any depth."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "customer_centric":
                found.update(f"customer_centric.{a.name}" for a in node.names)
            elif node.module.startswith("customer_centric."):
                found.add(node.module)
                # ``from customer_centric.area import _module`` reaches a
                # private module as surely as importing it by its path.
                found.update(
                    f"{node.module}.{a.name}"
                    for a in node.names
                    if a.name.startswith("_")
                )
        elif isinstance(node, ast.Import):
            found.update(
                a.name for a in node.names if a.name.startswith("customer_")
            )
    return found


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(relative.parts).removesuffix(".__init__")


SOURCES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize(
    "path", SOURCES, ids=[_module_name(p) for p in SOURCES]
)
def test_each_module_respects_the_contract(path: Path) -> None:
    """A module imports only the areas its own area may use."""
    name = _module_name(path)
    area = _area(name)
    for imported in _imports(path):
        target = _area(imported)
        if target in {area, SHARED} or name == "customer_centric":
            continue
        if area in EXTRAS:
            if imported in PRIVATE_REACH.get(name, frozenset()):
                continue
            private = any(p.startswith("_") for p in imported.split(".")[2:])
            assert not private, (
                f"{name} imports the private {imported}; use the area's "
                "public names"
            )
            continue
        assert target not in EXTRAS, f"core {name} imports extra {imported}"
        assert target in CORE_USES[area], (
            f"{name} ({area}) imports {imported} ({target}); {area} may "
            f"use only {sorted(CORE_USES[area]) or 'the shared vocabulary'}"
        )


def test_the_contract_names_every_area() -> None:
    """Every subpackage is either a core area or an extra."""
    subpackages = {
        p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()
    }
    modules = {SHARED, "datasets", "records"}  # not subpackages
    assert subpackages == (set(CORE_USES) - modules) | (EXTRAS - {"spark"})
