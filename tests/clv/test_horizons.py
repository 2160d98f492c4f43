"""Expected purchases stay correct at extreme horizons, or are refused.

Reference values were computed once with mpmath 1.3 at 50 significant
digits from Fader, Hardie & Lee (2005), equations (9) and (10), with
``mpmath.hyp2f1`` (which handles ``z`` near 1 exactly), for the CDNOW
parameters r=0.243, alpha=4.414, a=0.793, b=2.426:
``c/(a-1) * (1 - ((alpha+T)/(alpha+T+t))**(r+x) * hyp2f1(r+x, b+x, c,
t/(alpha+T+t)))`` times P(alive), ``c = a+b+x-1``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from customer_centric._arrays import MAX_VALUE
from customer_centric.clv import BgNbdFit, ParetoNbdFit
from customer_centric.exceptions import DataError

BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = ParetoNbdFit.from_parameters(
    r=0.553, alpha=10.578, s=0.606, beta=11.669
)

# t: (E[X(t)] of a new customer, E[Y(t) | x=2, t_x=30.43, T=38.86])
_REFERENCE = {
    1.0: (0.053267891171658279927, 0.037447969741732262701),
    39.0: (1.1967231933208168419, 1.2260281747671444463),
    1e3: (6.5803916137382322242, 10.1205189887653184),
    1e6: (53.540478253014578356, 87.328040046510520615),
    1e9: (256.25492550312444625, 411.94111651775856563),
    1e10: (419.20779001028039121, 672.53411675108410284),
    1e11: (681.69885893485284277, 1092.2571061189180111),
    1e12: (1104.4970975430249079, 1768.2821086973315711),
}


@pytest.mark.parametrize(
    "t", list(_REFERENCE), ids=[f"t={t:g}" for t in _REFERENCE]
)
def test_bg_nbd_matches_50_digit_reference(t: float) -> None:
    """BG/NBD expectations agree with mpmath to 1e-12 at every horizon."""
    new, conditional = _REFERENCE[t]
    assert float(BG.expected_purchases(t)) == pytest.approx(new, rel=1e-12)
    got = float(BG.conditional_expected_purchases(t, 2, 30.43, 38.86))
    assert got == pytest.approx(conditional, rel=1e-12)


# E[X(t)] of a new customer with a large a (computed with mpmath at 40
# digits, same formula): the connection formula's series then have a
# negative third parameter, where scipy's hyp2f1 is wrong (it gave 1.559
# at t = 172, below the 1.620 at t = 150).
_LARGE_A = BgNbdFit.from_parameters(r=1.0, alpha=0.015625, a=40.5, b=24.5)
_LARGE_A_REFERENCE = {
    171.0: 1.6200109384165849299,
    172.0: 1.6200123464966145517,
    1000.0: 1.6202117386996268303,
}


@pytest.mark.parametrize("t", list(_LARGE_A_REFERENCE))
def test_bg_nbd_far_horizon_with_a_large_a(t: float) -> None:
    """The far-horizon series are summed accurately for any sign of c."""
    got = float(_LARGE_A.expected_purchases(t))
    assert got == pytest.approx(_LARGE_A_REFERENCE[t], rel=1e-12)


# a = r makes s = a - 1 - r an integer, the connection formula's removable
# pole (hypothesis found E[X(t)] falling there, 24.128 to 24.022 at t =
# 3.4e7); references from mpmath at 40 digits.
_POLE_R = 1.3287164621819942
_AT_POLE = BgNbdFit.from_parameters(
    r=_POLE_R, alpha=1.0, a=_POLE_R, b=7.660284860373511
)
_AT_POLE_REFERENCE = {
    1e3: 18.959113077080718633,
    3.4e7: 24.128556250260888868,
    1e12: 24.297676626822308665,
}


@pytest.mark.parametrize("t", list(_AT_POLE_REFERENCE))
def test_bg_nbd_far_horizon_at_the_formula_pole(t: float) -> None:
    """Where a - 1 - r - x is an integer the value is interpolated to 1e-8."""
    got = float(_AT_POLE.expected_purchases(t))
    assert got == pytest.approx(_AT_POLE_REFERENCE[t], rel=1e-8)


@pytest.mark.parametrize("model", [BG, PNBD], ids=["bg-nbd", "pareto-nbd"])
@pytest.mark.parametrize(
    "t", [1e17, 10**400, MAX_VALUE * 1.5], ids=["1e17", "10**400", "cap"]
)
def test_horizons_beyond_the_cap_are_refused(
    model: BgNbdFit | ParetoNbdFit, t: float
) -> None:
    """A horizon past 1e12 time units raises DataError, never a number."""
    with pytest.raises(DataError, match="t must be"):
        model.expected_purchases(t)
    with pytest.raises(DataError, match="t must be"):
        model.conditional_expected_purchases(t, 2, 30.43, 38.86)


@given(
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    a=st.floats(0.1, 5.0),
    b=st.floats(0.1, 10.0),
    x=st.integers(0, 50),
)
@example(r=_POLE_R, alpha=1.0, a=_POLE_R, b=7.660284860373511, x=0)
def test_bg_nbd_non_decreasing_up_to_the_cap(
    r: float, alpha: float, a: float, b: float, x: int
) -> None:
    """E[X(t)] and E[Y(t) | history] never fall as t grows to 1e12."""
    fit = BgNbdFit.from_parameters(r=r, alpha=alpha, a=a, b=b)
    t = np.logspace(-2, 12, 120)
    new = fit.expected_purchases(t)
    later = fit.conditional_expected_purchases(t, x, 0.5 * x, x + 1.0)
    for values in (new, later):
        assert np.isfinite(values).all()
        assert (np.diff(values) >= -1e-9 * values[1:]).all()


@given(
    r=st.floats(0.05, 5.0),
    alpha=st.floats(0.1, 50.0),
    s=st.floats(0.1, 5.0),
    beta=st.floats(0.1, 50.0),
    x=st.integers(0, 50),
)
def test_pareto_nbd_non_decreasing_up_to_the_cap(
    r: float, alpha: float, s: float, beta: float, x: int
) -> None:
    """Pareto/NBD expectations never fall as t grows to 1e12."""
    fit = ParetoNbdFit.from_parameters(r=r, alpha=alpha, s=s, beta=beta)
    t = np.logspace(-2, 12, 120)
    new = fit.expected_purchases(t)
    later = fit.conditional_expected_purchases(t, x, 0.5 * x, x + 1.0)
    for values in (new, later):
        assert np.isfinite(values).all()
        assert (np.diff(values) >= -1e-9 * values[1:]).all()
