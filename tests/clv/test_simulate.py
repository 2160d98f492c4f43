from __future__ import annotations

import math
import re

import numpy as np
import pytest

from customer_centric.clv import BgNbdFit, simulate_bg_nbd, simulate_ggom_nbd
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)

TRUTH = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


@pytest.mark.parametrize(
    ("name", "value"),
    [("r", 0.0), ("alpha", -1.0), ("a", math.nan), ("b", math.inf)],
    ids=["r-zero", "alpha-negative", "a-nan", "b-infinite"],
)
def test_bad_parameter_is_refused(name: str, value: float) -> None:
    """A parameter that is not finite and positive raises DataError."""
    parameters = {**TRUTH, name: value}
    message = f"{name} must be finite and > 0, got {value!r}"
    with pytest.raises(DataError, match=re.escape(message)):
        simulate_bg_nbd([39.0], seed=1, **parameters)


@pytest.mark.parametrize(
    "resolution",
    [0.0, -1 / 7, math.nan, math.inf],
    ids=["zero", "negative", "nan", "infinite"],
)
def test_bad_resolution_is_refused(resolution: float) -> None:
    """A resolution that is not finite and positive raises DataError."""
    message = f"resolution must be > 0 or None, got {resolution!r}"
    with pytest.raises(DataError, match=re.escape(message)):
        simulate_bg_nbd([39.0], seed=1, resolution=resolution, **TRUTH)


def test_purchase_counts_past_the_cap_are_refused() -> None:
    """A tiny alpha (rates near infinity) raises DataError, not numpy's."""
    with pytest.raises(DataError, match=re.escape("alpha=4.79e-253 is too")):
        simulate_bg_nbd([1.0], r=1.0, alpha=4.79e-253, a=1.0, b=1.0, seed=0)


def test_negative_observation_length_is_refused() -> None:
    """A negative T raises DataError naming the row."""
    with pytest.raises(DataError, match=r"T must be >= 0.*row 1"):
        simulate_bg_nbd([39.0, -1.0], seed=1, **TRUTH)


def test_same_seed_gives_same_customers() -> None:
    """A seed and a Generator seeded alike give identical summaries."""
    big_t = np.full(500, 39.0)
    first = simulate_bg_nbd(big_t, seed=7, **TRUTH)
    again = simulate_bg_nbd(big_t, seed=np.random.default_rng(7), **TRUTH)
    for column in ("frequency", "recency", "T", "weights"):
        assert np.array_equal(getattr(first, column), getattr(again, column))


def test_summary_is_a_valid_history() -> None:
    """Whole frequencies, 0 <= t_x <= T, and t_x = 0 exactly when x = 0."""
    big_t = np.linspace(0.0, 78.0, 2_000)
    sim = simulate_bg_nbd(big_t, seed=3, **TRUTH)
    assert np.array_equal(sim.frequency, np.round(sim.frequency))
    assert np.all((sim.recency >= 0) & (sim.recency <= sim.T))
    assert np.array_equal(sim.recency == 0, sim.frequency == 0)
    assert np.array_equal(sim.T, big_t)
    assert np.all(sim.weights == 1)


@pytest.mark.parametrize(
    "resolution", [1 / 7, 1.0], ids=["days-in-weeks", "whole-units"]
)
def test_resolution_rounds_recency_down(resolution: float) -> None:
    """Recency is the exact time rounded down to a multiple, within T."""
    big_t = np.full(2_000, 38.86)
    exact = simulate_bg_nbd(big_t, seed=5, **TRUTH)
    rounded = simulate_bg_nbd(big_t, seed=5, resolution=resolution, **TRUTH)
    steps = rounded.recency / resolution
    assert np.allclose(steps, np.round(steps), rtol=0, atol=1e-9)
    assert np.all(rounded.recency <= exact.recency + 1e-9)
    assert np.all(exact.recency - rounded.recency < resolution)
    assert np.all(rounded.recency <= rounded.T)
    assert np.array_equal(rounded.frequency, exact.frequency)


@pytest.mark.parametrize("big_t", [39.0, 78.0], ids=["39-weeks", "78-weeks"])
def test_counts_follow_the_model(big_t: float) -> None:
    """Mean count and share of zeros match FHL (2005) eqs. (8)-(9)."""
    n = 40_000
    sim = simulate_bg_nbd(np.full(n, big_t), seed=11, **TRUTH)
    model = BgNbdFit.from_parameters(**TRUTH)
    mean = float(model.expected_purchases(big_t))
    share_zero = float(model.probability_of_purchases(0, big_t))
    mean_se = float(sim.frequency.std()) / math.sqrt(n)
    zero_se = math.sqrt(share_zero * (1 - share_zero) / n)
    assert abs(float(sim.frequency.mean()) - mean) < 4 * mean_se
    assert abs(float(np.mean(sim.frequency == 0)) - share_zero) < 4 * zero_se


def test_seed_must_be_a_whole_number_or_a_generator() -> None:
    """A negative seed, which numpy refuses, raises our error."""
    ggom = {"r": 1.0, "alpha": 1.0, "b": 1.0, "s": 1.0, "beta": 1.0}
    with pytest.raises(InvariantError, match="seed must be a whole number"):
        simulate_ggom_nbd([0.0], seed=-1, **ggom)
    with pytest.raises(InvariantError, match="got -3"):
        simulate_bg_nbd([1.0], seed=-3, **TRUTH)
    with pytest.raises(ArgumentTypeError, match="seed"):
        simulate_bg_nbd([1.0], seed=1.5, **TRUTH)  # type: ignore[arg-type]


SUBNORMAL = 2.2250738585e-313
"""A positive rate whose reciprocal overflows (the fuzz test found it)."""


@pytest.mark.parametrize("big_t", [[0.0], [0.0, 5.0]])
def test_a_subnormal_purchase_scale_is_refused(big_t: list[float]) -> None:
    """An alpha below 2.2e-308: an infinite purchase rate, refused."""
    with pytest.raises(DataError, match=r"alpha=2\.2250738585e-313"):
        simulate_bg_nbd(big_t, r=1.0, alpha=SUBNORMAL, a=1.0, b=1.0, seed=0)
    with pytest.raises(DataError, match="inf purchases"):
        simulate_ggom_nbd(
            big_t, r=1.0, alpha=SUBNORMAL, b=1.0, s=1.0, beta=1.0, seed=0
        )


def test_a_subnormal_dropout_scale_drops_everyone_at_once() -> None:
    """A beta below 2.2e-308: an infinite dropout rate, no purchase."""
    sim = simulate_ggom_nbd(
        [0.0, 5.0, 50.0],
        r=1.0,
        alpha=1.0,
        b=1.0,
        s=1.0,
        beta=SUBNORMAL,
        seed=0,
    )
    assert sim.frequency.tolist() == [0.0, 0.0, 0.0]
