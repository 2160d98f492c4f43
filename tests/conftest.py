"""Shared test configuration: hypothesis profiles and data locations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
# CI runs twice dev's examples: enough to find what dev misses, and the whole
# suite (6,500 tests, a third of them properties) stays within CI's budget.
settings.register_profile(
    "ci",
    max_examples=100,
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
