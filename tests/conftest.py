"""Shared test configuration: hypothesis profiles and data locations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
# CI runs as many examples as dev. With twice as many, the suite's 7,300
# tests (a third of them properties) took 11 minutes on 2 cores with
# coverage, against 8.5, and CI's whole run (install, tests, lint, types,
# docs) reached 15 minutes. Longer searches are the fuzz profile's.
settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# HYPOTHESIS_PROFILE=fuzz runs tests/test_fuzz_api.py at length by hand.
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_configure(config: pytest.Config) -> None:
    """Let the collection's order below decide what xdist hands out first.

    With ``--dist loadscope`` xdist sends whole modules to its workers,
    by default the modules with the most tests first. The slowest modules
    have few tests (a coverage study in 2 tests takes 100 s), so they
    came last and kept one worker busy after the other had finished.
    """
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a ``slow`` test first, then the most tests first.

    Longest first is what spreads the modules evenly over the workers;
    the number of tests stands in for the time of the others.
    """
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    order = sorted(
        modules.values(),
        key=lambda module: (
            not any(item.get_closest_marker("slow") for item in module),
            -len(module),
        ),
    )
    items[:] = [item for module in order for item in module]


REFERENCE_DATA = Path(__file__).resolve().parent / "data"
"""Reference data kept in the repository (licences allow it; see its
README)."""

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
"""Reference data that only ``../shared`` beside the checkout holds (CI has
it; a user's clone does not)."""


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The reference data sets kept in ``tests/data``."""
    return REFERENCE_DATA


@pytest.fixture(scope="session")
def clvtools_data() -> Path:
    """CLVTools' reference data in ``../shared/data/clvtools`` (GPL-3).

    Not redistributable here, so tests that need it skip when the folder
    is absent.
    """
    folder = SHARED_DATA / "clvtools"
    if not folder.is_dir():
        pytest.skip(
            f"needs the CLVTools reference data in {folder} (the folder "
            "'shared/data/clvtools' beside the checkout), which is not here"
        )
    return folder
