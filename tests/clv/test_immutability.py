"""Fits and answers are frozen all the way down.

A fit's standard errors and a scoring result's arrays are shared by every
caller holding them: none of them may change what another sees.
"""

from __future__ import annotations

import copy
import operator
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from customer_centric._frozen import FrozenDict
from customer_centric.clv import (
    BgNbdFit,
    ClvSettings,
    GammaGammaFit,
    compress,
    customer_lifetime_value,
    fit_bg_nbd,
    score_customers,
    simulate_bg_nbd,
    validate_rfm,
)

BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)


def _fit() -> BgNbdFit:
    sim = simulate_bg_nbd(
        [39.0] * 300, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=3
    )
    return fit_bg_nbd(sim.frequency, sim.recency, sim.T)


@pytest.fixture(scope="module")
def fit() -> BgNbdFit:
    """A BG/NBD fit on a simulated base."""
    return _fit()


@pytest.mark.parametrize(
    "change",
    [
        lambda se: operator.setitem(se, "r", 0.0),
        lambda se: operator.delitem(se, "r"),
        lambda se: operator.ior(se, {"r": 0.0}),
    ],
    ids=["set", "delete", "in-place-or"],
)
def test_standard_errors_cannot_be_changed_in_place(
    fit: BgNbdFit, change: Callable[[Any], object]
) -> None:
    """Every way of changing a fit's standard errors in place is refused."""
    before = dict(fit.standard_errors)
    with pytest.raises(TypeError, match="FrozenDict"):
        change(fit.standard_errors)
    assert fit.standard_errors == before
    for method in ("update", "pop", "popitem", "setdefault", "clear"):
        assert not hasattr(fit.standard_errors, method)


def test_frozen_fit_round_trips_copies_and_pickles(fit: BgNbdFit) -> None:
    """JSON, copies and pickles keep the values and stay read-only."""
    again = BgNbdFit.model_validate_json(fit.model_dump_json())
    assert again == fit
    assert isinstance(again.standard_errors, FrozenDict)
    for other in (copy.deepcopy(fit), pickle.loads(pickle.dumps(fit))):  # noqa: S301
        assert other == fit
        assert isinstance(other.standard_errors, FrozenDict)
    assert type(fit.model_dump()["standard_errors"]) is dict


def test_record_validation_copies_the_callers_dict(fit: BgNbdFit) -> None:
    """A record built from a caller's dict does not see later changes."""
    fields = fit.model_dump()
    errors = dict(fit.standard_errors)
    fields["standard_errors"] = errors
    rebuilt = BgNbdFit.model_validate(fields)
    errors["r"] = -1.0
    assert rebuilt.standard_errors["r"] == fit.standard_errors["r"]


def _arrays() -> dict[str, np.ndarray]:
    x, t_x, big_t = [2.0, 0.0, 5.0], [30.0, 0.0, 35.0], [39.0, 39.0, 39.0]
    scores = score_customers(
        BG,
        x,
        t_x,
        big_t,
        horizon=52,
        settings=ClvSettings(time_unit="W", discount_rate=0.01),
        spend=GG,
        monetary_value=[20.0, 0.0, 35.0],
    )
    value = customer_lifetime_value(
        BG,
        x,
        t_x,
        big_t,
        spend=GG,
        monetary_value=[20.0, 0.0, 35.0],
        settings=ClvSettings(
            time_unit="W",
            horizon_months=12,
            discount_rate=0.01,
            discount_rate_period="M",
        ),
    )
    data = validate_rfm(x, t_x, big_t)
    compressed = compress(x, t_x, big_t)
    assert scores.lifetime_value is not None
    return {
        "scores.expected_purchases": scores.expected_purchases,
        "scores.probability_alive": scores.probability_alive,
        "scores.lifetime_value.value": scores.lifetime_value.value,
        "clv.value": value.value,
        "clv.expected_spend": value.expected_spend,
        "clv.discounted_purchases": value.discounted_purchases,
        "clv.expected_purchases": value.expected_purchases,
        "rfm.frequency": data.frequency,
        "rfm.weights": data.weights,
        "compressed.T": compressed.T,
        "compressed.inverse": compressed.inverse,
    }


@pytest.mark.parametrize("name", sorted(_arrays()))
def test_answer_arrays_are_read_only(name: str) -> None:
    """No caller can write into an array an answer holds."""
    array = _arrays()[name]
    assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        array[0] = 0


def test_answers_do_not_alias_the_inputs() -> None:
    """Validating a summary copies it: the caller's array stays writable."""
    x = np.array([1.0, 0.0])
    data = validate_rfm(x, [2.0, 0.0], [5.0, 3.0])
    x[0] = 7.0
    assert data.frequency.tolist() == [1.0, 0.0]
    assert x.flags.writeable
