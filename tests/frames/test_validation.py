"""The dataframe path of holdout validation gives the record path's report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric.clv import (
    BgNbdFit,
    GammaGammaFit,
    HoldoutValidation,
    ParetoNbdFit,
)
from customer_centric.clv import validate_holdout as validate_split
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.frames import validate_holdout
from customer_centric.value import rfm_calibration_holdout

CALIBRATION_END = date(1997, 9, 30)
HOLDOUT_END = date(1998, 6, 30)
Columns = dict[str, list[Any]]
_DUCKDB = duckdb.connect()

BACKENDS: dict[str, Callable[[Columns], Any]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "polars-lazy": pl.LazyFrame,
    "pyarrow": pa.table,
    "duckdb": lambda data: _DUCKDB.from_arrow(pa.table(data)),
}
BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = ParetoNbdFit.from_parameters(
    r=0.553, alpha=10.578, s=0.606, beta=11.669
)
GG = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)


def _columns(
    log: tuple[cc.Transaction, ...] | list[cc.Transaction],
) -> Columns:
    return {
        "id": [t.customer_id for t in log],
        "day": [t.day for t in log],
        "amount": [float(t.amount or 0) for t in log],
    }


@pytest.fixture(scope="module")
def cdnow() -> tuple[cc.Transaction, ...]:
    """The CDNOW sample the package ships."""
    return load_cdnow_sample()


@pytest.fixture(scope="module")
def record_report(cdnow: tuple[cc.Transaction, ...]) -> HoldoutValidation:
    """The record path's report on CDNOW, with FHL's parameters."""
    split = rfm_calibration_holdout(
        cdnow,
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    return validate_split(
        split,
        models={"BG/NBD": BG, "Pareto/NBD": PNBD},
        transactions=cdnow,
        spend_model=GG,
    )


def _assert_same(frame: HoldoutValidation, record: HoldoutValidation) -> None:
    """Same customers, counts, predictions, errors, bins and tracking."""
    assert frame.customer_ids == record.customer_ids
    assert frame.duration == record.duration
    np.testing.assert_array_equal(frame.actual, record.actual)
    assert frame.actual_spend is not None
    assert record.actual_spend is not None
    np.testing.assert_allclose(
        frame.actual_spend, record.actual_spend, rtol=1e-12
    )
    assert len(frame.models) == len(record.models)
    for mine, theirs in zip(frame.models, record.models, strict=True):
        assert mine.name == theirs.name
        np.testing.assert_allclose(
            mine.predicted, theirs.predicted, rtol=1e-12
        )
        for key in ("predicted_total", "actual_total", "mae", "rmse", "bias"):
            assert getattr(mine, key) == pytest.approx(
                getattr(theirs, key), rel=1e-12, abs=1e-12
            )
    for mine_s, theirs_s in zip(frame.spend, record.spend, strict=True):
        np.testing.assert_allclose(
            mine_s.predicted, theirs_s.predicted, rtol=1e-12
        )
        for key in ("predicted_total", "actual_total", "mae", "rmse", "bias"):
            assert getattr(mine_s, key) == pytest.approx(
                getattr(theirs_s, key), rel=1e-12, abs=1e-12
            )
    mine_bins, their_bins = frame.by_frequency, record.by_frequency
    assert mine_bins.frequency == their_bins.frequency
    assert mine_bins.customers == their_bins.customers
    assert mine_bins.actual == pytest.approx(their_bins.actual, rel=1e-12)
    for name, means in their_bins.predicted.items():
        assert mine_bins.predicted[name] == pytest.approx(means, rel=1e-12)
    if record.tracking is not None:
        assert frame.tracking is not None
        np.testing.assert_array_equal(
            frame.tracking.actual, record.tracking.actual
        )
        np.testing.assert_allclose(frame.tracking.times, record.tracking.times)
        for name in record.tracking.expected:
            np.testing.assert_allclose(
                frame.tracking.expected[name], record.tracking.expected[name]
            )


@pytest.mark.parametrize("backend", list(BACKENDS))
def test_cdnow_both_paths_give_the_same_report(
    backend: str,
    cdnow: tuple[cc.Transaction, ...],
    record_report: HoldoutValidation,
) -> None:
    """Every back-end gives the record path's report; 1,882 in the holdout."""
    native = BACKENDS[backend](_columns(cdnow))
    report = validate_holdout(
        native,
        customer_id_col="id",
        datetime_col="day",
        monetary_value_col="amount",
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
        models={"BG/NBD": BG, "Pareto/NBD": PNBD},
        spend_model=GG,
    )
    _assert_same(report, record_report)
    assert int(report.actual.sum()) == 1882


def test_cdnow_default_models_are_the_calibration_fits(
    cdnow: tuple[cc.Transaction, ...],
) -> None:
    """Without models: BG/NBD, Pareto/NBD, Gamma-Gamma fitted on the split."""
    report = validate_holdout(
        pl.DataFrame(_columns(cdnow)),
        customer_id_col="id",
        datetime_col="day",
        monetary_value_col="amount",
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
        track=False,
    )
    rows = {row["model"]: row for row in report.to_rows()}
    assert rows["BG/NBD"]["predicted"] == pytest.approx(1653.4, abs=0.05)
    assert rows["Pareto/NBD"]["predicted"] == pytest.approx(1665.5, abs=0.05)
    spend = {row["model"]: row for row in report.spend_rows()}
    assert spend["BG/NBD"]["actual"] == pytest.approx(70976.39, abs=1e-6)
    assert spend["BG/NBD"]["predicted"] == pytest.approx(59931.6, abs=0.05)
    assert report.tracking is None


def test_without_amounts_there_is_no_spend(
    cdnow: tuple[cc.Transaction, ...],
) -> None:
    """No amount column: no spend, and a spend model is refused."""
    columns = _columns(cdnow)
    del columns["amount"]
    report = validate_holdout(
        pd.DataFrame(columns),
        customer_id_col="id",
        datetime_col="day",
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
        models={"BG/NBD": BG},
        track=False,
    )
    assert report.spend == ()
    assert report.actual_spend is None
    with pytest.raises(DataError, match="no amounts"):
        validate_holdout(
            pd.DataFrame(columns),
            customer_id_col="id",
            datetime_col="day",
            calibration_end=CALIBRATION_END,
            observation_end=HOLDOUT_END,
            time_unit="W",
            models={"BG/NBD": BG},
            spend_model=GG,
        )


def test_track_must_be_a_bool(cdnow: tuple[cc.Transaction, ...]) -> None:
    """``track`` is a switch."""
    with pytest.raises(ArgumentTypeError, match="track"):
        validate_holdout(
            pl.DataFrame(_columns(cdnow)),
            customer_id_col="id",
            datetime_col="day",
            calibration_end=CALIBRATION_END,
            observation_end=HOLDOUT_END,
            models={"BG/NBD": BG},
            track="yes",  # type: ignore[arg-type]
        )


_START = date(2024, 1, 1)
_logs = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D", "E"]),
        st.integers(min_value=0, max_value=55),
        st.decimals(min_value=0, max_value=100, places=2),
    ),
    min_size=1,
    max_size=40,
)


@given(log=_logs, cut=st.integers(min_value=7, max_value=48))
def test_both_paths_agree_on_random_logs(
    log: list[tuple[str, int, Decimal]], cut: int
) -> None:
    """Same report, or the same error, from records and from a frame."""
    transactions = [
        cc.Transaction(
            customer_id=cc.CustomerId(customer),
            occurred_at=_START + timedelta(days=day),
            amount=amount,
        )
        for customer, day, amount in log
    ]
    calibration_end = _START + timedelta(days=cut)
    observation_end = _START + timedelta(days=55)
    errors: list[type[Exception]] = []
    try:
        split = rfm_calibration_holdout(
            transactions,
            calibration_end=calibration_end,
            observation_end=observation_end,
            time_unit="W",
        )
        record = validate_split(
            split,
            models={"BG/NBD": BG},
            transactions=transactions,
            spend_model=GG,
        )
    except DataError as error:
        errors.append(type(error))
    try:
        frame = validate_holdout(
            pl.DataFrame(_columns(transactions)),
            customer_id_col="id",
            datetime_col="day",
            monetary_value_col="amount",
            calibration_end=calibration_end,
            observation_end=observation_end,
            time_unit="W",
            models={"BG/NBD": BG},
            spend_model=GG,
        )
    except DataError as error:
        errors.append(type(error))
    if errors:
        event("both refuse")
        assert errors == [DataError, DataError]
        return
    event("same report")
    _assert_same(frame, record)
