"""The guard an extra's package runs first."""

from __future__ import annotations

import pytest

from customer_centric._extras import require_extra
from customer_centric.exceptions import MissingExtraError


def test_require_extra_passes_when_every_module_imports() -> None:
    """Installed modules let the extra's package load."""
    require_extra("dataframe", "json", "decimal")


def test_require_extra_names_the_missing_module_and_the_extra() -> None:
    """A missing module raises MissingExtraError with the install line."""
    with pytest.raises(
        MissingExtraError, match=r"customer-centric\[plot\]"
    ) as info:
        require_extra("plot", "json", "no_such_module_for_the_test")
    assert info.value.name == "no_such_module_for_the_test"
    assert info.value.extra == "plot"
