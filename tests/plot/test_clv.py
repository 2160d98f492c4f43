from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from clv_helpers import read_columns
from customer_centric.clv import (
    BgBbFit,
    BgNbdFit,
    ParetoNbdFit,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.plot import (
    plot_cumulative_transactions,
    plot_frequency_recency_matrix,
    plot_period_transactions,
    plot_probability_alive_matrix,
)

BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
BB = BgBbFit.from_parameters(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every figure a test opened."""
    yield
    plt.close("all")


def test_probability_alive_image_is_the_model_matrix() -> None:
    """Each pixel is P(alive) of its (frequency, recency) history at T."""
    ax = plot_probability_alive_matrix(BG, T=39, max_frequency=12)
    image = ax.images[0].get_array()
    assert image.shape == (13, 40)
    rows, cols = np.meshgrid(np.arange(13), np.arange(40), indexing="ij")
    valid = (rows > 0) | (cols == 0)
    expected = BG.probability_alive(rows[valid], cols[valid], 39.0)
    np.testing.assert_allclose(image[valid], expected)
    assert image.mask[0, 1:].all()
    assert not image.mask[valid].any()
    assert ax.get_xlabel().startswith("recency")


def test_probability_alive_bg_bb_masks_impossible_histories() -> None:
    """For BG/BB, cells with more transactions than periods are masked."""
    ax = plot_probability_alive_matrix(BB, T=6, max_frequency=6)
    image = ax.images[0].get_array()
    assert image.shape == (7, 7)
    assert image.mask[3, 2]
    assert not image.mask[2, 4]
    assert float(image[2, 4]) == pytest.approx(
        float(BB.probability_alive(2, 4, 6))
    )
    assert round(float(image[6, 6]), 2) == 0.93


def test_frequency_recency_image_is_conditional_expectation() -> None:
    """Each pixel is the expected purchases in the next t for its history."""
    pareto = ParetoNbdFit.from_parameters(
        r=0.553, alpha=10.578, s=0.606, beta=11.669
    )
    ax = plot_frequency_recency_matrix(pareto, t=39, T=39, max_frequency=8)
    image = ax.images[0].get_array()
    rows, cols = np.meshgrid(np.arange(9), np.arange(40), indexing="ij")
    valid = (rows > 0) | (cols == 0)
    expected = pareto.conditional_expected_purchases(
        39, rows[valid], cols[valid], 39.0
    )
    np.testing.assert_allclose(image[valid], expected)


def test_draws_on_the_given_axes() -> None:
    """A given axes is drawn on and returned."""
    fig, ax = plt.subplots()
    returned = plot_frequency_recency_matrix(
        BB, t=5, T=6, max_frequency=6, ax=ax
    )
    assert returned is ax
    assert returned.figure is fig


def _donations(shared_data: Path) -> tuple[np.ndarray, np.ndarray]:
    x, w = read_columns(shared_data / "donations.csv", "frequency", "weights")
    return np.repeat(x, w.astype(np.intp)), np.full(int(w.sum()), 6.0)


def test_period_transactions_bars(shared_data: Path) -> None:
    """Actual bars count donors; model bars are P(X(6)=k) x donors."""
    x, n = _donations(shared_data)
    ax = plot_period_transactions(BB, x, n, max_frequency=6)
    actual = ax.containers[0].datavalues
    model = ax.containers[1].datavalues
    np.testing.assert_array_equal(
        actual, np.bincount(x.astype(int), minlength=7)
    )
    expected = BB.probability_of_purchases(np.arange(7), 6) * x.size
    np.testing.assert_allclose(model, expected, rtol=1e-9)
    assert model.sum() == pytest.approx(x.size)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[-1] == "6+"


def test_period_transactions_groups_tail_and_mixed_lengths() -> None:
    """The last bar gathers counts at or above max_frequency."""
    x = np.array([0, 1, 2, 9, 15, 3])
    big_t = np.array([10.0, 20.0, 20.0, 30.0, 30.0, 10.0])
    ax = plot_period_transactions(BG, x, big_t, max_frequency=3)
    assert ax.containers[0].datavalues.tolist() == [1.0, 1.0, 1.0, 3.0]
    model = ax.containers[1].datavalues
    expected = sum(BG.probability_of_purchases(np.arange(3), t) for t in big_t)
    np.testing.assert_allclose(model[:3], expected, rtol=1e-9)
    assert model.sum() == pytest.approx(6.0)


def _cdnow_tracking(
    shared_data: Path,
) -> tuple[np.ndarray, np.ndarray]:
    """Birth weeks and repeat-transaction weeks of the CDNOW sample."""
    origin = date(1997, 1, 1)
    days: dict[int, set[int]] = {}
    with (shared_data / "CDNOW_sample.txt").open(encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            customer, stamp = int(fields[1]), fields[2]
            day = (
                date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:])) - origin
            ).days
            days.setdefault(customer, set()).add(day)
    births = []
    repeats = []
    for purchase_days in days.values():
        ordered = sorted(purchase_days)
        births.append(ordered[0] / 7)
        repeats.extend(day / 7 for day in ordered[1:])
    return np.array(births), np.array(repeats)


def test_tracking_plot_lines(shared_data: Path) -> None:
    """Actual line counts repeats; model line sums E[X(t - birth)]."""
    births, repeats = _cdnow_tracking(shared_data)
    assert births.size == 2357
    weeks = np.arange(1, 79, dtype=float)
    ax = plot_cumulative_transactions(
        BG, births, repeats, times=weeks, calibration_end=39
    )
    actual = ax.lines[0].get_ydata()
    model = ax.lines[1].get_ydata()
    np.testing.assert_array_equal(
        actual, [np.sum(repeats <= w) for w in weeks]
    )
    expected = [
        BG.expected_purchases(np.maximum(w - births, 0.0)).sum() for w in weeks
    ]
    np.testing.assert_allclose(model, expected, rtol=1e-10)
    # FHL (2005), Figure 3: the model tracks the 78 weeks within ~5 %.
    assert model[-1] == pytest.approx(actual[-1], rel=0.05)
    assert ax.lines[2].get_xdata()[0] == 39


def test_tracking_plot_rejects_unordered_times() -> None:
    """Times must increase."""
    with pytest.raises(DataError, match="strictly increasing"):
        plot_cumulative_transactions(BG, [0.0], [1.0], times=[3, 2])
    with pytest.raises(DataError, match="finite"):
        plot_cumulative_transactions(BG, [0.0], [np.nan], times=[1, 2])


BAD_GRIDS = [
    ({"T": 0.0, "max_frequency": 3}, "T must be"),
    ({"T": 10.0, "max_frequency": 0}, "max_frequency"),
    ({"T": 10.0, "max_frequency": 2.5}, "max_frequency"),
]


@pytest.mark.parametrize(
    ("arguments", "match"), BAD_GRIDS, ids=["T", "zero", "fraction"]
)
def test_matrix_rejects_bad_grid(
    arguments: dict[str, float], match: str
) -> None:
    """Bad grid arguments raise InvariantError."""
    with pytest.raises(InvariantError, match=match):
        plot_probability_alive_matrix(BG, **arguments)


def test_bg_bb_matrix_needs_whole_periods() -> None:
    """A BG/BB matrix needs a whole number of periods."""
    with pytest.raises(InvariantError, match="whole number of periods"):
        plot_probability_alive_matrix(BB, T=5.5, max_frequency=3)


def test_period_transactions_rejects_bad_counts() -> None:
    """Fractional frequencies are refused."""
    with pytest.raises(DataError, match="whole numbers"):
        plot_period_transactions(BB, [1.5], [6.0])


def test_tracking_plot_without_calibration_line() -> None:
    """Without calibration_end only the two curves are drawn."""
    ax = plot_cumulative_transactions(
        BG, [0.0, 1.0], [2.0, 3.0], times=[1.0, 4.0]
    )
    assert len(ax.lines) == 2
    assert ax.lines[0].get_ydata().tolist() == [0.0, 2.0]


_MATRIX = {"T": 10, "max_frequency": 5}


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: plot_probability_alive_matrix(None, **_MATRIX),
            ArgumentTypeError,
            "model must be a fitted purchase model",
        ),
        (
            lambda: plot_probability_alive_matrix(BG, T="x", max_frequency=5),
            ArgumentTypeError,
            "T must be a real number",
        ),
        (
            lambda: plot_probability_alive_matrix(
                BG,
                T=10**400,
                max_frequency=5,
            ),
            InvariantError,
            "T must be a finite time > 0 and at most 10000",
        ),
        (
            lambda: plot_probability_alive_matrix(
                BG, T=1e308, max_frequency=5
            ),
            InvariantError,
            "T must be a finite time",
        ),
        (
            lambda: plot_probability_alive_matrix(
                BG, T=10, max_frequency=True
            ),
            InvariantError,
            "max_frequency must be a whole number",
        ),
        (
            lambda: plot_probability_alive_matrix(
                BG, T=10, max_frequency=10**6
            ),
            InvariantError,
            "at most 10000",
        ),
        (
            lambda: plot_probability_alive_matrix(BG, **_MATRIX, cmap="nope"),
            InvariantError,
            "cmap must be the name of a matplotlib colormap, got 'nope'",
        ),
        (
            lambda: plot_probability_alive_matrix(BG, **_MATRIX, cmap=[]),
            InvariantError,
            "cmap must be the name",
        ),
        (
            lambda: plot_probability_alive_matrix(BG, **_MATRIX, ax="axes"),
            ArgumentTypeError,
            "ax must be a matplotlib Axes or None",
        ),
        (
            lambda: plot_frequency_recency_matrix(
                BG,
                t=None,
                **_MATRIX,
            ),
            ArgumentTypeError,
            "t must be a real number, got None",
        ),
        (
            lambda: plot_frequency_recency_matrix(BG, t=math.nan, **_MATRIX),
            InvariantError,
            "t must be a finite time",
        ),
        (
            lambda: plot_period_transactions(None, [1, 2], [5, 5]),
            ArgumentTypeError,
            "model must be a BgNbdFit, an MbgNbdFit or a BgBbFit",
        ),
        (
            lambda: plot_period_transactions(BG, 3, [5, 5]),
            DataError,
            "T has 2 values but there are 1 customers",
        ),
        (
            lambda: plot_cumulative_transactions(
                "model",
                [0, 1],
                [2, 3],
                times=[1, 2],
            ),
            ArgumentTypeError,
            "model must be a fitted purchase model",
        ),
        (
            lambda: plot_cumulative_transactions(
                BG, [0, 1], [2, 3], times=[1, 2], calibration_end=[]
            ),
            ArgumentTypeError,
            "calibration_end must be a real number",
        ),
        (
            lambda: plot_cumulative_transactions(
                BG, [0, 1], ["x"], times=[1, 2]
            ),
            DataError,
            "repeat_transaction_times must be numbers",
        ),
    ],
    ids=[
        "model-none",
        "T-string",
        "T-10**400",
        "T-1e308",
        "max-frequency-bool",
        "max-frequency-huge",
        "cmap-unknown",
        "cmap-list",
        "ax-string",
        "t-none",
        "t-nan",
        "period-model-none",
        "period-T-length",
        "tracking-model-string",
        "tracking-calibration-list",
        "tracking-repeats-string",
    ],
)
def test_bad_arguments_get_our_errors(
    call: Callable[[], object], error: type[Exception], match: str
) -> None:
    """Wrong arguments name themselves, never a bare AttributeError."""
    with pytest.raises(error, match=match):
        call()


def test_time_axes_carry_the_time_unit():
    """Time axes and horizons say their unit; the calibration end is named."""
    fit = BG
    alive = plot_probability_alive_matrix(
        fit, T=39, max_frequency=5, time_unit="weeks"
    )
    assert alive.get_xlabel() == (
        "recency: time of the last repeat purchase (weeks)"
    )
    assert alive.get_title() == "Probability alive at T = 39 weeks"
    grid = plot_frequency_recency_matrix(
        fit, t=13, T=39, max_frequency=5, time_unit="weeks"
    )
    assert grid.get_title() == (
        "Expected purchases in the next 13 weeks, at T = 39 weeks"
    )
    tracking = plot_cumulative_transactions(
        fit,
        [0.0, 1.0],
        [2.0, 5.0],
        times=[1.0, 2.0, 3.0, 6.0],
        calibration_end=3,
        time_unit="weeks",
    )
    assert tracking.get_xlabel() == "time (weeks)"
    legend = [t.get_text() for t in tracking.get_legend().get_texts()]
    assert "end of calibration" in legend
    plt.close("all")


@pytest.mark.parametrize("unit", ["", "   ", 7])
def test_a_time_unit_must_name_one(unit: object):
    """An empty or non-text time unit is refused with our error."""
    fit = BG
    with pytest.raises((InvariantError, ArgumentTypeError), match="time_unit"):
        plot_probability_alive_matrix(
            fit,
            T=39,
            max_frequency=5,
            time_unit=unit,  # type: ignore[arg-type]
        )
    plt.close("all")
