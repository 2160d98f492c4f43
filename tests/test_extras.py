"""The guard an extra's package runs first."""

from __future__ import annotations

import subprocess
import sys

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


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after ``code``."""
    probe = (
        f"{code}\nimport sys\n"
        f"print(*(m for m in {modules!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_defer_import_loads_the_module_on_first_read() -> None:
    """The stand-in imports its module only when an attribute is read."""
    code = (
        "from customer_centric._extras import defer_import\n"
        "wave = defer_import('wave')\n"
        "import sys\n"
        "assert 'wave' not in sys.modules\n"
        "assert wave.Error is sys.modules['wave'].Error"
    )
    assert _loaded_after(code, ("wave",)) == ["wave"]


def test_importing_clv_leaves_scipy_special_for_the_first_fit() -> None:
    """Importing clv loads no scipy.special, scipy.stats or f2py."""
    heavy = ("scipy.special", "scipy.stats", "numpy.testing", "numpy.f2py")
    assert _loaded_after("import customer_centric.clv", heavy) == []
    predicted = (
        "from customer_centric.clv import BgNbdFit\n"
        "BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)"
        ".expected_purchases([39.0])"
    )
    assert "scipy.special" in _loaded_after(predicted, heavy)
