from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import narwhals as nw
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import customer_centric as cc
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.frames import (
    compress_rfm,
    rfm_calibration_holdout,
    rfm_summary,
)
from strategies import transaction_columns

CALIBRATION_END = date(1997, 9, 30)
HOLDOUT_END = date(1998, 6, 30)

Columns = dict[str, list[Any]]
_DUCKDB = duckdb.connect()


def _duckdb(data: Columns) -> duckdb.DuckDBPyRelation:
    return _DUCKDB.from_arrow(pa.table(data))


BACKENDS: dict[str, Callable[[Columns], object]] = {
    "pandas": pd.DataFrame,
    "polars": pl.DataFrame,
    "polars-lazy": pl.LazyFrame,
    "pyarrow": pa.table,
    "duckdb": _duckdb,
}


@pytest.fixture(params=list(BACKENDS), ids=list(BACKENDS))
def make(request: pytest.FixtureRequest) -> Callable[[Columns], object]:
    """Build a native frame of one back-end from columns."""
    return BACKENDS[request.param]


def _rows(native: object) -> list[dict[str, Any]]:
    frame = nw.from_native(native)  # type: ignore[call-overload]
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return list(frame.rows(named=True))


@pytest.fixture(scope="module")
def cdnow_columns(shared_data: Path) -> Columns:
    """The CDNOW sample as columns: id, YYYYMMDD integer date, dollars."""
    columns: Columns = {"id": [], "date": [], "spent": []}
    text = (shared_data / "CDNOW_sample.txt").read_text(encoding="ascii")
    for line in text.splitlines():
        _, customer, day, _, dollars = line.split()
        columns["id"].append(str(int(customer)))
        columns["date"].append(int(day))
        columns["spent"].append(float(dollars))
    return columns


@pytest.fixture(scope="module")
def cdnow_expected(shared_data: Path) -> dict[str, dict[str, str]]:
    """The published summary with zbar, by customer id."""
    path = shared_data / "cdnow_customers_summary_with_transactions.csv"
    with path.open(encoding="ascii") as handle:
        with_zbar = {row["ID"]: row for row in csv.DictReader(handle)}
    path = shared_data / "cdnow_customers_summary.csv"
    with path.open(encoding="ascii") as handle:
        for row in csv.DictReader(handle):
            assert with_zbar[row["ID"]]["x"] == row["frequency"]
            assert float(with_zbar[row["ID"]]["t_x"]) == float(row["recency"])
            assert float(with_zbar[row["ID"]]["T"]) == float(row["T"])
    return with_zbar


def _check_cdnow(
    rows: list[dict[str, Any]], expected: dict[str, dict[str, str]]
) -> None:
    assert len(rows) == len(expected) == 2357
    for row in rows:
        published = expected[row["id"]]
        assert row["frequency"] == int(published["x"])
        assert round(row["recency"], 2) == float(published["t_x"])
        assert round(row["T"], 2) == float(published["T"])
        assert abs(row["monetary_value"] - float(published["zbar"])) <= (
            0.005 + 1e-9
        )


def test_reproduces_the_cdnow_summary(
    make: Callable[[Columns], object],
    cdnow_columns: Columns,
    cdnow_expected: dict[str, dict[str, str]],
):
    """Every back-end gives lifetimes' CDNOW summary and zbar."""
    native = make(cdnow_columns)
    result = rfm_summary(
        native,
        customer_id_col="id",
        datetime_col="date",
        monetary_value_col="spent",
        observation_end=CALIBRATION_END,
        time_unit="W",
        on_late="drop",
    )
    assert type(result) is type(native)
    rows = _rows(result)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    _check_cdnow(rows, cdnow_expected)


def test_calibration_holdout_matches_the_pure_python_split(
    make: Callable[[Columns], object],
    cdnow_columns: Columns,
    cdnow_expected: dict[str, dict[str, str]],
):
    """The dataframe split equals the record-based one on CDNOW."""
    result = rfm_calibration_holdout(
        make(cdnow_columns),
        customer_id_col="id",
        datetime_col="date",
        monetary_value_col="spent",
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    rows = _rows(result)
    _check_cdnow(rows, cdnow_expected)
    log = [
        cc.Transaction(
            customer_id=c,
            occurred_at=date(d // 10000, d // 100 % 100, d % 100),
            amount=Decimal(str(v)),
        )
        for c, d, v in zip(*cdnow_columns.values(), strict=True)
    ]
    pure = cc.value.rfm_calibration_holdout(
        log,
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    assert pure.monetary_value_holdout is not None
    assert [r["id"] for r in rows] == list(pure.calibration.customer_ids)
    assert [r["frequency_holdout"] for r in rows] == list(
        pure.frequency_holdout
    )
    for row, value in zip(rows, pure.monetary_value_holdout, strict=True):
        assert row["monetary_value_holdout"] == pytest.approx(float(value))
        assert row["duration_holdout"] == pytest.approx(39.0)


def test_compress_rfm_counts_customers_per_pattern(
    make: Callable[[Columns], object], cdnow_columns: Columns
):
    """Unique (x, t_x, T) rows whose weights add up to the customers."""
    summary = rfm_summary(
        make(cdnow_columns),
        customer_id_col="id",
        datetime_col="date",
        observation_end=CALIBRATION_END,
        time_unit="W",
        on_late="drop",
    )
    rows = _rows(summary)
    compressed = _rows(compress_rfm(summary))
    patterns: dict[tuple[int, float, float], int] = {}
    for r in rows:
        key = (r["frequency"], r["recency"], r["T"])
        patterns[key] = patterns.get(key, 0) + 1
    assert sum(r["weights"] for r in compressed) == 2357
    assert len(compressed) == len(patterns) < 2357
    for r in compressed:
        assert r["weights"] == patterns[(r["frequency"], r["recency"], r["T"])]
    keys = [(r["frequency"], r["recency"], r["T"]) for r in compressed]
    assert keys == sorted(keys)


def test_compressed_summary_fits_like_the_full_one(cdnow_columns: Columns):
    """BG/NBD on the weighted compressed table gives the published fit."""
    clv = pytest.importorskip("customer_centric.clv")
    summary = rfm_summary(
        pl.DataFrame(cdnow_columns),
        customer_id_col="id",
        datetime_col="date",
        observation_end=CALIBRATION_END,
        time_unit="W",
        on_late="drop",
    )
    compressed = compress_rfm(summary)
    fit = clv.fit_bg_nbd(
        compressed["frequency"].to_numpy(),
        compressed["recency"].to_numpy(),
        compressed["T"].to_numpy(),
        weights=compressed["weights"].to_numpy(),
    )
    assert (fit.r, fit.alpha, fit.a, fit.b) == pytest.approx(
        (0.243, 4.414, 0.793, 2.426), abs=5e-4
    )
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)


@pytest.mark.parametrize(
    ("column", "values", "fmt"),
    [
        (
            "iso-strings",
            ["2024-01-01", "2024-01-15", "2024-01-08"],
            "%Y-%m-%d",
        ),
        ("integers", [20240101, 20240115, 20240108], None),
        (
            "dates",
            [date(2024, 1, 1), date(2024, 1, 15), date(2024, 1, 8)],
            None,
        ),
    ],
    ids=["iso-strings", "integers", "dates"],
)
def test_dates_are_normalised_at_the_boundary(
    make: Callable[[Columns], object],
    column: str,
    values: list[object],
    fmt: str | None,
):
    """Strings, YYYYMMDD integers and dates give the same summary."""
    data: Columns = {"c": ["A", "A", "B"], column: values}
    rows = _rows(
        rfm_summary(
            make(data),
            customer_id_col="c",
            datetime_col=column,
            observation_end=date(2024, 1, 29),
            time_unit="W",
            datetime_format=fmt,
        )
    )
    assert rows == [
        {"c": "A", "frequency": 1, "recency": 2.0, "T": 4.0},
        {"c": "B", "frequency": 0, "recency": 0.0, "T": 3.0},
    ]


def test_pandas_datetimes_and_first_purchase_counts():
    """datetime64 columns work; first_purchase_counts counts day one."""
    log = pd.DataFrame(
        {
            "c": ["A", "A", "A"],
            "when": pd.to_datetime(
                ["2024-01-01 09:00", "2024-01-01 18:00", "2024-01-03 10:00"]
            ),
            "amount": [1.0, 2.0, 9.0],
        }
    )
    rows = _rows(
        rfm_summary(
            log,
            customer_id_col="c",
            datetime_col="when",
            monetary_value_col="amount",
            observation_end=date(2024, 1, 3),
            first_purchase_counts=True,
        )
    )
    assert rows == [
        {
            "c": "A",
            "frequency": 2,
            "recency": 2.0,
            "T": 2.0,
            "monetary_value": 6.0,
        }
    ]


@pytest.mark.parametrize("make", [pl.DataFrame, pd.DataFrame, pa.table])
def test_repeat_days_costing_nothing_spend_exactly_zero(
    make: Callable[[dict[str, list[Any]]], object],
):
    """Repeat spend is the repeat days summed, never a tiny negative.

    The total less the first day's amount left -1.4e-14 when the back-end
    summed the first day's cents in another order the second time.
    """
    log = make(
        {
            "c": ["A"] * 5,
            "d": [date(2024, 1, 1)] * 3 + [date(2024, 1, 2), date(2024, 1, 3)],
            "v": [0.1, 0.2, 0.7, 0.0, 0.0],
        }
    )
    rows = _rows(
        rfm_summary(
            log,
            customer_id_col="c",
            datetime_col="d",
            monetary_value_col="v",
            observation_end=date(2024, 1, 3),
        )
    )
    assert rows[0]["frequency"] == 2
    assert rows[0]["monetary_value"] == 0.0


def test_lazy_inputs_stay_lazy():
    """A polars LazyFrame comes back lazy, not yet computed."""
    lazy = pl.LazyFrame({"c": ["A"], "d": [date(2024, 1, 1)]})
    result = rfm_summary(
        lazy,
        customer_id_col="c",
        datetime_col="d",
        observation_end=date(2024, 1, 2),
    )
    assert isinstance(result, pl.LazyFrame)
    assert isinstance(compress_rfm(result), pl.LazyFrame)


@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        (
            {"c": ["A"], "d": [20240101]},
            {"datetime_col": "date"},
            r"missing column\(s\) \['date'\]",
        ),
        (
            {"c": ["A"], "d": [20240101]},
            {"monetary_value_col": "amount"},
            r"missing column\(s\) \['amount'\]",
        ),
        (
            {"c": ["A", "B"], "d": [20240101, 20240301]},
            {},
            (
                r"1 transaction\(s\) fall after the observation end "
                r"2024-01-31; e.g. customer 'B' on 2024-03-01"
            ),
        ),
        (
            {"c": ["A"], "d": [20240101], "v": [-1.0]},
            {"monetary_value_col": "v"},
            r"negative amount; e.g. customer 'A' on 2024-01-01",
        ),
        (
            {"c": ["A", "B"], "d": ["2024-01-01", None]},
            {"datetime_format": "%Y-%m-%d"},
            r"1 transaction\(s\) have no date",
        ),
        (
            {"c": ["A", None], "d": [20240101, 20240102]},
            {},
            r"have no customer id",
        ),
        (
            {"c": ["A"], "d": [1.5]},
            {},
            "is not a date",
        ),
    ],
    ids=[
        "missing-date",
        "missing-amount",
        "late",
        "negative",
        "null-date",
        "null-id",
        "float-dates",
    ],
)
def test_bad_frames_are_explained(
    make: Callable[[Columns], object],
    data: Columns,
    kwargs: dict[str, Any],
    match: str,
):
    """Missing columns and bad rows raise a DataError with examples."""
    arguments: dict[str, Any] = {"customer_id_col": "c", "datetime_col": "d"}
    arguments.update(kwargs)
    with pytest.raises(DataError, match=match):
        rfm_summary(make(data), observation_end=date(2024, 1, 31), **arguments)


def test_empty_frames_are_rejected():
    """A frame with no rows raises."""
    empty = pl.DataFrame(
        {"c": [], "d": []}, schema={"c": pl.String, "d": pl.Date}
    )
    with pytest.raises(DataError, match="empty"):
        rfm_summary(
            empty,
            customer_id_col="c",
            datetime_col="d",
            observation_end=date(2024, 1, 1),
        )


def test_holdout_needs_a_later_observation_end():
    """calibration_end must come before observation_end."""
    frame = pl.DataFrame({"c": ["A"], "d": [date(2024, 1, 1)]})
    with pytest.raises(DataError, match="must come before"):
        rfm_calibration_holdout(
            frame,
            customer_id_col="c",
            datetime_col="d",
            calibration_end=date(2024, 1, 5),
            observation_end=date(2024, 1, 5),
        )


@pytest.mark.parametrize(
    "not_a_frame",
    [[{"c": "A", "d": "2024-01-01"}], pd.Series(["A"]), pl.Series(["A"])],
    ids=["list", "pandas-series", "polars-series"],
)
def test_only_dataframes_are_accepted(not_a_frame: object):
    """Lists and series are refused before any column is read."""
    with pytest.raises(ArgumentTypeError, match="frame must be a dataframe"):
        rfm_summary(
            not_a_frame,
            customer_id_col="c",
            datetime_col="d",
            observation_end=date(2024, 2, 1),
        )


_FRAME = pl.DataFrame({"c": ["A"], "d": [date(2024, 1, 1)]})
_GOOD: dict[str, Any] = {
    "customer_id_col": "c",
    "datetime_col": "d",
    "observation_end": date(2024, 2, 1),
}


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"on_late": "bogus"}, InvariantError, "on_late must be one of"),
        ({"on_late": None}, InvariantError, "on_late must be one of"),
        (
            {"observation_end": None},
            ArgumentTypeError,
            "observation_end must be a date, got None",
        ),
        (
            {"observation_end": "2024-02-01"},
            ArgumentTypeError,
            "observation_end must be a date",
        ),
        ({"customer_id_col": 3}, ArgumentTypeError, "customer_id_col must"),
        ({"datetime_col": None}, ArgumentTypeError, "datetime_col must"),
        (
            {"monetary_value_col": ["v"]},
            ArgumentTypeError,
            "monetary_value_col must",
        ),
        ({"datetime_format": 5}, ArgumentTypeError, "datetime_format must"),
        ({"time_unit": ["W"]}, ArgumentTypeError, "time_unit must be one"),
        ({"time_unit": "fortnight"}, InvariantError, "unknown time_unit"),
    ],
    ids=[
        "on-late-bogus",
        "on-late-none",
        "end-none",
        "end-string",
        "id-col-int",
        "date-col-none",
        "amount-col-list",
        "format-int",
        "unit-list",
        "unit-unknown",
    ],
)
def test_bad_arguments_get_our_errors(
    change: dict[str, Any], error: type[Exception], match: str
):
    """Wrong options and argument types name the argument and the value."""
    with pytest.raises(error, match=match):
        rfm_summary(_FRAME, **{**_GOOD, **change})


@pytest.mark.parametrize(
    "change",
    [
        {"on_late": "bogus"},
        {"calibration_end": None},
        {"observation_end": None},
    ],
    ids=["on-late", "calibration-end", "observation-end"],
)
def test_holdout_checks_its_arguments(change: dict[str, Any]):
    """The holdout split refuses the same wrong arguments."""
    arguments = {**_GOOD, "calibration_end": date(2024, 1, 15), **change}
    with pytest.raises((InvariantError, ArgumentTypeError)):
        rfm_calibration_holdout(_FRAME, **arguments)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"columns": "frequency"}, "columns must be a sequence"),
        ({"columns": None}, "columns must be a sequence"),
        ({"columns": ["frequency", 3]}, r"columns\[1\] must be"),
        ({"weights_col": None}, "weights_col must be"),
    ],
    ids=["string", "none", "int-name", "weights-none"],
)
def test_compress_rfm_checks_argument_types(
    kwargs: dict[str, Any], match: str
):
    """Column arguments of the wrong type raise ArgumentTypeError."""
    summary = pl.DataFrame({"frequency": [0], "recency": [0.0], "T": [1.0]})
    with pytest.raises(ArgumentTypeError, match=match):
        compress_rfm(summary, **kwargs)


def test_compress_rfm_rejects_bad_columns():
    """Missing pattern columns or a clashing weights name raise."""
    summary = pl.DataFrame({"frequency": [0], "recency": [0.0]})
    with pytest.raises(DataError, match=r"missing column\(s\) \['T'\]"):
        compress_rfm(summary)
    with pytest.raises(DataError, match="choose another name"):
        compress_rfm(summary, columns=("frequency",), weights_col="frequency")


@given(data=transaction_columns(), first=st.booleans())
def test_frames_agree_with_the_record_based_summary(
    data: Columns, first: bool
):
    """On random logs the polars path equals the pure-Python one."""
    end = date(2024, 2, 29)
    rows = _rows(
        rfm_summary(
            pl.DataFrame(data),
            customer_id_col="c",
            datetime_col="d",
            monetary_value_col="v",
            observation_end=end,
            time_unit="W",
            first_purchase_counts=first,
        )
    )
    pure = cc.value.rfm_summary(
        [
            cc.Transaction(
                customer_id=c, occurred_at=d, amount=Decimal(str(v))
            )
            for c, d, v in zip(data["c"], data["d"], data["v"], strict=True)
        ],
        observation_end=end,
        time_unit="W",
        first_purchase_counts=first,
    )
    assert pure.monetary_value is not None
    assert [r["c"] for r in rows] == list(pure.customer_ids)
    assert [r["frequency"] for r in rows] == list(pure.frequency)
    assert [r["recency"] for r in rows] == pytest.approx(pure.recency)
    assert [r["T"] for r in rows] == pytest.approx(pure.T)
    assert [r["monetary_value"] for r in rows] == pytest.approx(
        [float(m) for m in pure.monetary_value]
    )


def test_pandas_results_are_numbered_afresh():
    """A pandas result has a fresh 0..n-1 index after sorting."""
    log = pd.DataFrame(
        {
            "c": ["b", "a", "c", "a"],
            "d": pd.to_datetime(
                ["2024-01-02", "2024-01-01", "2024-01-03", "2024-01-05"]
            ),
        }
    )
    result = rfm_summary(
        log,
        customer_id_col="c",
        datetime_col="d",
        observation_end=date(2024, 1, 9),
    )
    assert list(result.index) == [0, 1, 2]
    assert list(result["c"]) == ["a", "b", "c"]
