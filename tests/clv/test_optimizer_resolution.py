"""The line search stops where rounding hides every decrease (issue 10)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from customer_centric._arrays import FloatArray
from customer_centric.clv import _optimizer
from customer_centric.clv._optimizer import _bfgs, _line_search


def _flat(x: FloatArray) -> tuple[float, FloatArray]:
    """A value rounding has flattened (one ulp up), a tiny gradient left."""
    return 4.300000000000001, np.full(x.size, 1e-9)


def test_line_search_stops_below_the_resolution() -> None:
    """A predicted decrease below ``floor`` ends the search at once."""
    start = np.zeros(1)
    direction = np.array([-1e-9])
    with_floor = _line_search(
        _flat, start, 4.3, direction, -1e-18, min_step=1e-12, floor=4.3e-15
    )
    without = _line_search(
        _flat, start, 4.3, direction, -1e-18, min_step=1e-12
    )
    assert with_floor[4] == 1
    # Without the floor it halves the step down to 1e-12: 41 evaluations.
    assert without[4] == 41


def _rounded_quadratic(x: FloatArray) -> tuple[float, FloatArray]:
    """A quadratic whose value and gradient carry rounding noise.

    The noise (3e-14 in the value, 1e-7 in the gradient) stands for the
    rounding of sums over millions of rows: the gradient never falls below
    1e-8 and the last decreases are lost in the value's noise.
    """
    centre = x - 1.0
    noise = 3e-14 * math.sin(1e9 * float(x.sum()))
    return (
        4.3 + float(centre @ centre) + noise,
        2 * centre + 1e-7 * np.cos(1e9 * x),
    )


_STARTS = [(3.0, -2.0), (0.5, 4.0), (-1.0, -1.0), (2.0, 2.0), (10.0, 0.1)]


def test_bfgs_stops_at_the_precision_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At a converged point BFGS stops instead of chasing the noise."""
    runs = [_bfgs(_rounded_quadratic, np.array(s), 500) for s in _STARTS]
    for run in runs:
        np.testing.assert_allclose(run.x, 1.0, atol=1e-6)
        assert np.linalg.norm(run.jac) < 1e-5
    assert any("precision limit" in run.message for run in runs)
    monkeypatch.setattr(_optimizer, "_resolution", lambda *_: 0.0)
    chasing = [_bfgs(_rounded_quadratic, np.array(s), 500) for s in _STARTS]
    # 50 evaluations against 82 when written.
    assert sum(r.nfev for r in runs) < 0.75 * sum(r.nfev for r in chasing)
