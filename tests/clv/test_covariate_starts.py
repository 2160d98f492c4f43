"""The covariate fits' first starts are the plain fits' first starts."""

from __future__ import annotations

import numpy as np
import pytest

from customer_centric.clv._covariates import _layout, _starts
from customer_centric.clv._rfm import CompressedRFM, purchase_scales
from customer_centric.exceptions import ConvergenceError

_ROWS = (
    np.array([0.0, 2.0, 5.0]),
    np.array([0.0, 10.0, 30.0]),
    np.array([30.0, 35.0, 40.0]),
    np.array([5.0, 3.0, 2.0]),
)


def _never(*_args: object, **_kwargs: object) -> object:
    raise ConvergenceError("not fitted")


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        # fit_bg_nbd's first start: b counts purchases, as a does.
        ("BG/NBD", lambda rate, _t: (1.0, 1.0 / rate, 1.0, 1.0)),
        # fit_pareto_nbd's: beta is a time, on the scale of T.
        ("Pareto/NBD", lambda rate, t: (1.0, 1.0 / rate, 1.0, t)),
        (
            "GGom/NBD",
            lambda rate, t: (1.0, 1.0 / rate, 1.0 / t, 1.0, 1.0),
        ),
    ],
)
def test_first_start_is_the_plain_fits(model: str, expected: object) -> None:
    """The model's part of the first start, coefficients at exp(0) = 1."""
    layout = _layout({"purchase": ("u",), "dropout": ()}, equal=())
    x, t_x, big_t, w = _ROWS
    rate, mean_t = purchase_scales(
        CompressedRFM(
            frequency=x,
            recency=t_x,
            T=big_t,
            weights=w,
            inverse=np.arange(3, dtype=np.intp),
        )
    )
    starts = _starts(model, _never, _ROWS, layout)  # type: ignore[arg-type]
    assert callable(expected)
    assert starts[0] == pytest.approx((*expected(rate, mean_t), 1.0))
    # The plain optimum is not fitted for the first start; here it fails,
    # so the second start is the plain fits' second generic one.
    assert len(starts) == 2
