from __future__ import annotations

import numpy as np
import pytest

from customer_centric._arrays import as_horizon, check_integer
from customer_centric.exceptions import DataError


def test_as_horizon_rejects_negative_time():
    """A negative horizon is refused."""
    with pytest.raises(DataError, match="t must be >= 0"):
        as_horizon([-1.0])


@pytest.mark.parametrize("name", ["frequency", "survivors", "renewals"])
def test_check_integer_message_fits_every_caller(name: str) -> None:
    """The whole-number message names the caller's column and no more."""
    with pytest.raises(DataError) as info:
        check_integer(np.array([1.0, 2.5]), name=name)
    assert str(info.value) == (
        f"{name} must be whole numbers; offending rows: row 1 ({name}=2.5)"
    )
