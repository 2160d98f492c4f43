"""Probabilities that stay probabilities far out in the parameter box.

Parameters run from 1e-13 to 1e13. Found by a grid over the box's
corners: ``b + x - 1`` summed as ``(b + x) - 1`` lost a tiny ``b`` (a BG/NBD
P(1 purchase) of 1.0008, an sBG churn probability of 1.0008);
``s log(beta) - s log(beta + y)`` lost 0.03 in the log at ``s = beta =
1e13``, and ``exp(v) - alpha`` cancelled where ``t`` is far below
``alpha`` (a Pareto/NBD P(0 purchases) of 2.4; the GGom/NBD's of 1.0097);
the BG/BB's dropout term cancelled to -6e11 expected purchases.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from customer_centric.clv import (
    BgBbFit,
    BgNbdFit,
    GgomNbdFit,
    MbgNbdFit,
    ParetoNbdFit,
    SbgFit,
)
from customer_centric.exceptions import DataError

_BOX = (1e-13, 1e-3, 1.0, 1e3, 1e13)
_COUNTS = np.arange(60)


@pytest.mark.parametrize(
    ("model", "names"),
    [
        (BgNbdFit, ("r", "alpha", "a", "b")),
        (MbgNbdFit, ("r", "alpha", "a", "b")),
        (ParetoNbdFit, ("r", "alpha", "s", "beta")),
    ],
)
def test_purchase_counts_are_a_distribution_at_every_corner(
    model: type[BgNbdFit | MbgNbdFit | ParetoNbdFit],
    names: tuple[str, ...],
) -> None:
    """Each P(X(10) = n) in [0, 1], their sum over n < 60 at most 1."""
    for values in itertools.product(_BOX, repeat=len(names)):
        fit = model.from_parameters(**dict(zip(names, values, strict=True)))
        probabilities = fit.probability_of_purchases(_COUNTS, 10.0)
        assert ((probabilities >= 0) & (probabilities <= 1)).all(), values
        assert probabilities.sum() <= 1 + 1e-9, values


@pytest.mark.parametrize(
    "params",
    [
        (1e-13, 1e13, 1e13, 1e13, 1e13),
        (1e-13, 1e13, 1e-3, 1e13, 1e13),
        (1.0, 1.0, 1.0, 1e13, 1e13),
    ],
)
def test_ggom_counts_where_s_and_beta_are_huge(
    params: tuple[float, float, float, float, float],
) -> None:
    """``s log(beta / g)`` without the cancellation of two logs."""
    r, alpha, b, s, beta = params
    fit = GgomNbdFit.from_parameters(r=r, alpha=alpha, b=b, s=s, beta=beta)
    probabilities = fit.probability_of_purchases(_COUNTS, 10.0)
    assert ((probabilities >= 0) & (probabilities <= 1 + 1e-12)).all()
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-9)


def test_bg_nbd_alive_with_a_tiny_b() -> None:
    """P(alive) at ``b = 1e-13``, ``x = 1``: odds ``a / b`` times the rates'.

    Each factor in floating point to about 1e-16; ``(b + 1) - 1`` had lost
    9e-5 of ``b``.
    """
    r, alpha, a, b = 0.5, 2.0, 0.8, 1e-13
    fit = BgNbdFit.from_parameters(r=r, alpha=alpha, a=a, b=b)
    odds = a / b * ((alpha + 39.0) / (alpha + 20.0)) ** (r + 1)
    assert float(fit.probability_alive(1, 20.0, 39.0)) == pytest.approx(
        1 / (1 + odds), rel=1e-12
    )


def test_sbg_churn_with_a_tiny_beta() -> None:
    """Churn in the first period is ``alpha / (alpha + beta)``, under 1."""
    fit = SbgFit.from_parameters(alpha=1e-3, beta=1e-13)
    churn = fit.churn_probability([1, 2, 10])
    assert float(churn[0]) == pytest.approx(1e-3 / (1e-3 + 1e-13), rel=1e-12)
    survival = fit.survival([10])
    assert float(churn.sum()) <= 1.0
    assert float(survival[0]) >= 0.0


def test_bg_bb_refuses_what_it_cannot_compute() -> None:
    """At ``delta = 1e13`` the expectation came out as -6e11: now an error."""
    fit = BgBbFit.from_parameters(alpha=1.0, beta=1.0, gamma=1e-13, delta=1e13)
    with pytest.raises(DataError, match=r"delta=1e\+13"):
        fit.conditional_expected_purchases(5, [3], [5], [10])
