from __future__ import annotations

import pytest

from customer_centric._arrays import as_horizon
from customer_centric.exceptions import DataError


def test_as_horizon_rejects_negative_time():
    """A negative horizon is refused."""
    with pytest.raises(DataError, match="t must be >= 0"):
        as_horizon([-1.0])
