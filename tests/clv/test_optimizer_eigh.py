"""``_eigh`` is ``np.linalg.eigh``, bit for bit, at a fraction of its cost."""

from __future__ import annotations

import numpy as np
import pytest

from customer_centric.clv._optimizer import _eigh


@pytest.mark.parametrize("size", [1, 4, 8], ids=["1x1", "4x4", "8x8"])
def test_eigh_is_numpys(size: int) -> None:
    """Eigenvalues and eigenvectors equal numpy's own, bit for bit."""
    rng = np.random.default_rng(size)
    half = rng.normal(size=(size, size))
    matrix = half + half.T
    values, vectors = _eigh(matrix)
    expected = np.linalg.eigh(matrix)
    assert np.array_equal(values, expected.eigenvalues)
    assert np.array_equal(vectors, expected.eigenvectors)


def test_eigh_raises_as_numpy_where_the_routine_fails() -> None:
    """Where the routine does not converge, ``np.linalg.eigh`` raises."""
    matrix = np.full((3, 3), np.nan)
    with (
        np.errstate(invalid="ignore"),
        pytest.raises(np.linalg.LinAlgError, match="did not converge"),
    ):
        _eigh(matrix)
