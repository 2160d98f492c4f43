"""Every bad input to the customer-base models gets our error.

Non-numbers, None, NaN, infinities, huge values (1e308, 10**400,
Decimal('1e999999')) and wrong types raise DataError, InvariantError or
ArgumentTypeError (or pydantic's ValidationError at a record boundary),
never a bare TypeError, OverflowError or RuntimeWarning, and never a NaN
returned as if fine.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest
from pydantic import ValidationError

from customer_centric.clv import (
    BgBbFit,
    BgNbdFit,
    ClvSettings,
    GammaGammaFit,
    ParetoNbdFit,
    SbgFit,
    compress,
    customer_lifetime_value,
    fit_bg_bb,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    fit_sbg,
    monthly_discount_rate,
    score_customers,
    simulate_bg_nbd,
    validate_rfm,
)
from customer_centric.clv._records import FittedModel
from customer_centric.exceptions import CustomerCentricError

BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = ParetoNbdFit.from_parameters(
    r=0.553, alpha=10.578, s=0.606, beta=11.669
)
BB = BgBbFit.from_parameters(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
GG = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
SBG = SbgFit.from_parameters(alpha=0.7, beta=1.2)

BAD_VALUES = [
    None,
    "x",
    math.nan,
    math.inf,
    -1.0,
    10**400,
    1e308,
    Decimal("1e999999"),
    Decimal("NaN"),
    [],
    [1.0, None],
    True,
]
BAD_IDS = [
    "none",
    "string",
    "nan",
    "inf",
    "negative",
    "10**400",
    "1e308",
    "decimal-huge",
    "decimal-nan",
    "empty",
    "none-element",
    "bool",
]

_SETTINGS = {
    "time_unit": "W",
    "horizon_months": 12,
    "discount_rate": 0.01,
    "discount_rate_period": "M",
}


def _clv(**changes: object) -> object:
    """CLV of one customer, with some spend or settings changed."""
    spend = changes.pop("spend", 20.0)
    return customer_lifetime_value(
        BG,
        2,
        4,
        6,
        spend=spend,  # type: ignore[arg-type]
        settings=ClvSettings.model_validate({**_SETTINGS, **changes}),
    )


CALLS: dict[str, Callable[[object], object]] = {
    "bg-nbd.expected": BG.expected_purchases,
    "bg-nbd.conditional-t": lambda v: BG.conditional_expected_purchases(
        v,
        2,
        4,
        6,
    ),
    "bg-nbd.conditional-T": lambda v: BG.conditional_expected_purchases(
        3,
        2,
        4,
        v,
    ),
    "bg-nbd.alive-x": lambda v: BG.probability_alive(v, 4, 6),
    "bg-nbd.counts-n": lambda v: BG.probability_of_purchases(v, 6),
    "pareto.expected": PNBD.expected_purchases,
    "pareto.conditional-x": lambda v: PNBD.conditional_expected_purchases(
        3,
        v,
        4,
        6,
    ),
    "pareto.counts-t": lambda v: PNBD.probability_of_purchases(2, v),
    "bg-bb.expected": BB.expected_purchases,
    "bg-bb.alive-n": lambda v: BB.probability_alive(2, 4, v),
    "gamma-gamma.spend": lambda v: GG.conditional_expected_spend(2, v),
    "sbg.survival": SBG.survival,
    "sbg.discounted": SBG.discounted_expected_lifetime,
    "bg-nbd.from-parameters": lambda v: BgNbdFit.from_parameters(
        r=v,
        alpha=1,
        a=1,
        b=1,
    ),
    "gamma-gamma.from-parameters": lambda v: GammaGammaFit.from_parameters(
        p=1,
        q=v,
        gamma=1,
    ),
    "fit-bg-nbd": lambda v: fit_bg_nbd([1, v], [1, 1], [2, 2]),
    "fit-pareto-T": lambda v: fit_pareto_nbd([1, 0], [1, 0], v),
    "fit-bg-bb": lambda v: fit_bg_bb([1, 0], [1, 0], v),
    "fit-gamma-gamma": lambda v: fit_gamma_gamma([1, 2], v),
    "fit-sbg": fit_sbg,
    "compress": lambda v: compress(v, [0], [1]),
    "validate-weights": lambda v: validate_rfm([1], [0.5], [1], weights=v),
    "monthly-rate": lambda v: monthly_discount_rate(v, per="Y"),
    "clv.rate": lambda v: _clv(discount_rate=v),
    "clv.margin": lambda v: _clv(margin=v),
    "clv.spend": lambda v: _clv(spend=v),
    "clv.months": lambda v: _clv(horizon_months=v),
    "clv.model": lambda v: customer_lifetime_value(
        v,  # type: ignore[arg-type]
        2,
        4,
        6,
        spend=20.0,
        settings=ClvSettings.model_validate(_SETTINGS),
    ),
    "clv.time-unit": lambda v: _clv(time_unit=v),
    "clv.settings": lambda v: customer_lifetime_value(
        BG,
        2,
        4,
        6,
        spend=20.0,
        settings=v,  # type: ignore[arg-type]
    ),
    "score.horizon": lambda v: score_customers(
        BG,
        2,
        4,
        6,
        horizon=v,
    ),
    "score.model": lambda v: score_customers(
        v,
        2,
        4,
        6,
        horizon=5,
    ),
    "simulate.T": lambda v: simulate_bg_nbd(
        v,
        r=1,
        alpha=1,
        a=1,
        b=1,
        seed=1,
    ),
    "simulate.r": lambda v: simulate_bg_nbd(
        [5.0],
        r=v,
        alpha=1,
        a=1,
        b=1,
        seed=1,
    ),
    "simulate.seed": lambda v: simulate_bg_nbd(
        [5.0],
        r=1,
        alpha=1,
        a=1,
        b=1,
        seed=v,
    ),
}

_ACCEPTED = {
    # Valid after all: numpy takes any int as entropy, weights=None means
    # one customer per row, and a bool inside a list of ints is an int to
    # numpy (the list's dtype is int).
    ("simulate.seed", "10**400"),
    ("validate-weights", "none"),
    ("fit-bg-nbd", "bool"),
}


def _finite(out: object) -> bool:
    if isinstance(out, FittedModel):
        return bool(np.isfinite(out.parameter_vector()).all())
    if isinstance(out, np.ndarray):
        return bool(np.isfinite(out).all())
    if isinstance(out, float):
        return math.isfinite(out)
    arrays = [
        getattr(out, name)
        for name in dir(out)
        if not name.startswith("_")
        and isinstance(getattr(out, name, None), np.ndarray)
    ]
    return all(np.isfinite(a).all() for a in arrays)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("value", BAD_VALUES, ids=BAD_IDS)
@pytest.mark.parametrize("call", list(CALLS), ids=list(CALLS))
def test_bad_values_get_our_errors(call: str, value: object) -> None:
    """A bad value raises our error or gives a finite, checked answer."""
    try:
        out = CALLS[call](value)
    except (CustomerCentricError, ValidationError):
        return
    ids = dict(zip(map(repr, BAD_VALUES), BAD_IDS, strict=True))
    assert _finite(out), f"{call} returned a non-finite answer for {value!r}"
    # Only values that are fine for this argument may pass.
    assert (call, ids[repr(value)]) in _ACCEPTED or value in (-1.0, 1e308), (
        f"{call} accepted {value!r}"
    )
