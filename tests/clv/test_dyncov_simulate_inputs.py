"""``simulate_pareto_nbd_dynamic`` refuses bad arguments with our errors.

The fuzz test cannot reach these: its random first argument is never a
covariate table, so the call stops there. Each case here passes a valid
table and one bad argument.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clv_helpers import SEASON_START, seasonal_table
from customer_centric.clv import DynamicSimulation, simulate_pareto_nbd_dynamic
from customer_centric.exceptions import ArgumentTypeError, DataError

SUBNORMAL = 2.2250738585e-313
"""A positive rate whose reciprocal overflows."""


def _simulate(**changed: object) -> DynamicSimulation:
    """Two customers over two weeks of the seasonal table, ``changed``."""
    arguments: dict[str, Any] = {
        "first_purchases": {"c0": SEASON_START, "c1": SEASON_START},
        "end": SEASON_START + dt.timedelta(weeks=2),
        "r": 1.0,
        "alpha": 1.0,
        "s": 1.0,
        "beta": 1.0,
        "purchase": {"season": 0.5},
        "dropout": {"season": 0.5},
        "seed": 1,
        **changed,
    }
    return simulate_pareto_nbd_dynamic(seasonal_table(2, 4), **arguments)


@pytest.mark.parametrize(
    ("changed", "error", "message"),
    [
        ({"alpha": -1.0}, DataError, "alpha must be finite and > 0"),
        ({"beta": float("nan")}, DataError, "beta must be finite and > 0"),
        ({"r": "1"}, ArgumentTypeError, "r must be a real number"),
        ({"alpha": SUBNORMAL}, DataError, "would make inf purchases"),
        (
            {"alpha": 1e-12, "r": 1e12},
            DataError,
            r"alpha=1e-12 is too small for r=1000000000000\.0",
        ),
        ({"purchase": {"season": 800.0}}, DataError, r"a factor e\^800"),
        ({"dropout": {"season": -800.0}}, DataError, "dropout coefficients"),
        (
            {"dropout": {"season": float("inf")}},
            DataError,
            "dropout coefficient 'season' must be finite",
        ),
        (
            {"purchase": {"season": "a"}},
            ArgumentTypeError,
            r"purchase\['season'\] must be a real number",
        ),
        ({"purchase": [0.5]}, ArgumentTypeError, "purchase must be a mapping"),
        (
            {"first_purchases": ["c0"]},
            ArgumentTypeError,
            "first_purchases must be a mapping",
        ),
        (
            {"first_purchases": {"c0": "2020-01-05"}},
            ArgumentTypeError,
            r"first_purchases\['c0'\] must be a date",
        ),
        (
            {"end": dt.datetime(2020, 1, 19, tzinfo=dt.UTC)},
            ArgumentTypeError,
            "end must be a date",
        ),
    ],
)
def test_bad_arguments_are_refused(
    changed: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Each bad argument: one of our errors, naming it."""
    with pytest.raises(error, match=message):
        _simulate(**changed)


def test_a_subnormal_dropout_scale_drops_everyone_at_once() -> None:
    """A beta below 2.2e-308: an infinite dropout rate, no repeat purchase."""
    sim = _simulate(beta=SUBNORMAL)
    assert len(sim.transactions) == 2  # the first purchases alone
    assert all(lifetime == 0.0 for lifetime in sim.lifetimes.values())
