from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from clv_helpers import fhl_models
from customer_centric import Transaction
from customer_centric.clv import HoldoutValidation, validate_holdout
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import ArgumentTypeError
from customer_centric.plot import plot_calibration_vs_holdout, plot_tracking
from customer_centric.value import rfm_calibration_holdout

MODELS = fhl_models()


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every figure a test opened."""
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def report() -> HoldoutValidation:
    """CDNOW's holdout report for both published models, with tracking."""
    log = load_cdnow_sample()
    split = rfm_calibration_holdout(
        log,
        calibration_end=date(1997, 9, 30),
        observation_end=date(1998, 6, 30),
        time_unit="W",
    )
    return validate_holdout(split, models=MODELS, transactions=log)


def test_calibration_vs_holdout_draws_actual_and_every_model(
    report: HoldoutValidation,
):
    """One line for the customers and one per model, bins labelled 7+."""
    ax = plot_calibration_vs_holdout(report)
    assert [line.get_label() for line in ax.lines] == [
        "Actual",
        "BG/NBD",
        "Pareto/NBD",
    ]
    table = report.by_frequency
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table.actual)
    np.testing.assert_allclose(
        ax.lines[2].get_ydata(), table.predicted["Pareto/NBD"]
    )
    assert ax.get_xticklabels()[-1].get_text() == "7+"


@pytest.mark.parametrize("cumulative", [True, False], ids=["cum", "weekly"])
def test_tracking_overlays_every_model(
    report: HoldoutValidation, cumulative: bool
):
    """Actual, each model and the calibration line, on the weekly grid."""
    tracking = report.tracking
    assert tracking is not None
    ax = plot_tracking(tracking, cumulative=cumulative)
    labels = [line.get_label() for line in ax.lines]
    assert labels[:3] == ["Actual", "BG/NBD", "Pareto/NBD"]
    assert len(ax.lines) == 4
    actual = ax.lines[0].get_ydata()
    expected = tracking.actual_cumulative if cumulative else tracking.actual
    np.testing.assert_array_equal(actual, expected)
    assert ax.lines[3].get_xdata()[0] == 39.0
    if cumulative:
        assert actual[-1] == 4339


def test_plots_draw_on_given_axes(report: HoldoutValidation):
    """A caller's axes are drawn on and returned."""
    _, ax = plt.subplots()
    assert plot_calibration_vs_holdout(report, ax=ax) is ax
    assert report.tracking is not None
    assert plot_tracking(report.tracking, ax=ax) is ax


def test_bad_arguments_are_refused(report: HoldoutValidation):
    """Reports, tracking tables and the switch are type-checked."""
    log = [Transaction(customer_id="A", occurred_at=date(2024, 1, 1))]
    with pytest.raises(ArgumentTypeError, match="HoldoutValidation"):
        plot_calibration_vs_holdout(log)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="transactions=log"):
        plot_tracking(None)  # type: ignore[arg-type]
    assert report.tracking is not None
    with pytest.raises(ArgumentTypeError, match="cumulative must be"):
        plot_tracking(report.tracking, cumulative=1)  # type: ignore[arg-type]
