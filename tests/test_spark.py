from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyspark")
clv = pytest.importorskip("customer_centric.clv")

from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql.types import (  # noqa: E402
    DoubleType,
    IntegerType,
    StringType,
    StructField,
    StructType,
)

from customer_centric.exceptions import (  # noqa: E402
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.frames import (  # noqa: E402
    rfm_calibration_holdout,
    rfm_summary,
)
from customer_centric.spark import (  # noqa: E402
    fit_summary,
    score,
)
from spark_session import local_session  # noqa: E402

# Tests that start a Spark session are slow; the batch scorer runs alone.
pytestmark = [
    # pyspark 4.x warns on the driver that it does not yet fully support
    # pandas >= 3 whenever it moves data through pandas (mapInPandas). The
    # scoring results are checked below; ignore exactly that warning.
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]

CALIBRATION_END = date(1997, 9, 30)
_RFM_COLUMNS = ("frequency", "recency", "T")
HOLDOUT_END = date(1998, 6, 30)


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    """One small local Spark session for every Spark test."""
    session = local_session("customer_centric-tests", shuffle_partitions=1)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def cdnow_log(spark: SparkSession, shared_data: Path) -> DataFrame:
    """The CDNOW sample as a Spark DataFrame (id, YYYYMMDD int, dollars)."""
    rows = []
    text = (shared_data / "CDNOW_sample.txt").read_text(encoding="ascii")
    for line in text.splitlines():
        _, customer, day, _, dollars = line.split()
        rows.append((str(int(customer)), int(day), float(dollars)))
    schema = StructType(
        [
            StructField("id", StringType()),
            StructField("date", IntegerType()),
            StructField("spent", DoubleType()),
        ]
    )
    return spark.createDataFrame(rows, schema).cache()


@pytest.fixture(scope="module")
def cdnow_expected(shared_data: Path) -> dict[str, dict[str, str]]:
    """The published CDNOW summary with zbar, by customer id."""
    path = shared_data / "cdnow_customers_summary_with_transactions.csv"
    with path.open(encoding="ascii") as handle:
        return {row["ID"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def cdnow_summary(cdnow_log: DataFrame) -> DataFrame:
    """The 39-week RFM summary, computed on Spark."""
    summary: DataFrame = rfm_summary(
        cdnow_log,
        customer_id_col="id",
        datetime_col="date",
        monetary_value_col="spent",
        observation_end=CALIBRATION_END,
        time_unit="W",
        on_late="drop",
    )
    return summary.cache()


@pytest.mark.slow
def test_spark_summary_reproduces_cdnow(
    cdnow_summary: DataFrame, cdnow_expected: dict[str, dict[str, str]]
):
    """The narwhals RFM summary on Spark matches the published file."""
    assert isinstance(cdnow_summary, DataFrame)
    rows = [r.asDict() for r in cdnow_summary.collect()]
    assert len(rows) == 2357
    for row in rows:
        published = cdnow_expected[row["id"]]
        assert row["frequency"] == int(published["x"])
        assert round(row["recency"], 2) == float(published["t_x"])
        assert round(row["T"], 2) == float(published["T"])
        assert abs(row["monetary_value"] - float(published["zbar"])) <= (
            0.005 + 1e-9
        )


@pytest.mark.slow
def test_spark_holdout_counts(cdnow_log: DataFrame):
    """The calibration/holdout split runs on Spark and adds up."""
    split = rfm_calibration_holdout(
        cdnow_log,
        customer_id_col="id",
        datetime_col="date",
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )
    totals = split.groupBy().sum("frequency_holdout").collect()[0][0]
    holdout_days = (
        cdnow_log.where(
            (cdnow_log.date > 19970930) & (cdnow_log.date <= 19980630)
        )
        .select("id", "date")
        .distinct()
        .count()
    )
    assert totals == holdout_days


@pytest.mark.slow
def test_fit_on_compressed_summary_and_score_on_executors(
    cdnow_summary: DataFrame,
):
    """Fit BG/NBD from the collected compressed table; score with Spark."""
    fit = fit_summary(cdnow_summary, fit=clv.fit_bg_nbd)
    assert isinstance(fit, clv.PurchaseModel)
    assert (fit.r, fit.alpha, fit.a, fit.b) == pytest.approx(
        (0.243, 4.414, 0.793, 2.426), abs=5e-4
    )
    assert fit.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    scored = score(cdnow_summary, fit, horizon=39.0)
    rows = sorted(
        (r.asDict() for r in scored.collect()), key=lambda r: r["id"]
    )
    assert len(rows) == 2357
    expected = fit.conditional_expected_purchases(
        39.0,
        [r["frequency"] for r in rows],
        [r["recency"] for r in rows],
        [r["T"] for r in rows],
    )
    alive = fit.probability_alive(
        [r["frequency"] for r in rows],
        [r["recency"] for r in rows],
        [r["T"] for r in rows],
    )
    for row, e, p in zip(rows, expected, alive, strict=True):
        assert row["expected_purchases"] == pytest.approx(e, rel=1e-12)
        assert row["probability_alive"] == pytest.approx(p, rel=1e-12)
        assert row["monetary_value"] >= 0


@pytest.mark.slow
def test_fit_summary_accepts_another_fit_function(cdnow_summary: DataFrame):
    """Any fit function taking weights= can be passed."""
    calls: list[dict[str, Any]] = []

    def fake_fit(
        frequency: Sequence[float],
        recency: Sequence[float],
        t: Sequence[float],
        /,
        *,
        weights: Sequence[float] | None = None,
    ) -> float:
        assert weights is not None
        assert len(frequency) == len(recency) == len(t) == len(weights)
        calls.append({"rows": len(frequency)})
        return sum(weights)

    assert fit_summary(cdnow_summary, fit=fake_fit) == 2357
    assert calls[0]["rows"] < 2357


@pytest.mark.slow
def test_spark_errors_name_the_problem(cdnow_summary: DataFrame):
    """Missing columns, taken names and empty summaries raise DataError."""
    fit = clv.BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
    with pytest.raises(DataError, match=r"missing column\(s\) \['T'\]"):
        score(cdnow_summary.drop("T"), fit, horizon=1.0)
    with pytest.raises(DataError, match="already has column"):
        score(
            cdnow_summary.withColumnRenamed(
                "monetary_value", "probability_alive"
            ),
            fit,
            horizon=1.0,
        )
    with pytest.raises(DataError, match="empty"):
        fit_summary(cdnow_summary.limit(0), fit=clv.fit_bg_nbd)


@pytest.mark.slow
def test_scores_survive_many_partitions(cdnow_summary: DataFrame):
    """Scoring a summary spread over several partitions keeps every row."""
    fit = clv.BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
    spread = cdnow_summary.limit(3).repartition(4)
    assert score(spread, fit, horizon=39.0).count() == 3


def test_empty_batches_score_to_empty_columns():
    """An empty pandas batch comes back empty with both score columns."""
    import pandas as pd  # noqa: PLC0415 - only this test needs it

    from customer_centric.spark import _batch_scorer  # noqa: PLC0415

    fit = clv.BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
    predict = _batch_scorer(fit, horizon=1.0, names=("e", "p"))
    empty = pd.DataFrame({"frequency": [], "recency": [], "T": []})
    (out,) = list(predict(iter([empty])))
    assert list(out.columns) == ["frequency", "recency", "T", "e", "p"]
    assert out.empty


def test_batches_are_scored_with_the_models_methods():
    """Each batch keeps its columns and gains the model's two scores."""
    import pandas as pd  # noqa: PLC0415 - only these tests need it

    from customer_centric.spark import _batch_scorer  # noqa: PLC0415

    fit = clv.BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
    predict = _batch_scorer(fit, horizon=39.0, names=("e", "p"))
    first = pd.DataFrame(
        {"id": ["a", "b"], "frequency": [0, 2], "recency": [0.0, 30.5]}
    ).assign(T=[38.0, 38.0])
    second = first.iloc[:1].assign(id="c", frequency=5, recency=37.0)
    out = list(predict(iter([first, second])))
    assert [list(o["id"]) for o in out] == [["a", "b"], ["c"]]
    for batch, scored in zip((first, second), out, strict=True):
        x, t_x, big_t = (batch[c].to_numpy(float) for c in _RFM_COLUMNS)
        assert list(scored["e"]) == pytest.approx(
            fit.conditional_expected_purchases(39.0, x, t_x, big_t)
        )
        assert list(scored["p"]) == pytest.approx(
            fit.probability_alive(x, t_x, big_t)
        )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: fit_summary(None, fit=clv.fit_bg_nbd),
            ArgumentTypeError,
            "summary must be a Spark DataFrame",
        ),  # type: ignore[arg-type]
        (
            lambda: score([], None, horizon=1.0),
            ArgumentTypeError,
            "summary must be a Spark DataFrame",
        ),  # type: ignore[arg-type]
    ],
    ids=["fit-none", "score-list"],
)
def test_a_summary_that_is_not_a_spark_frame_is_refused(
    call: Callable[[], object], error: type[Exception], match: str
):
    """Without a Spark session: a non-frame summary is refused by name."""
    with pytest.raises(error, match=match):
        call()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("arguments", "error", "match"),
    [
        ({"model": None}, ArgumentTypeError, "model must be a fitted"),
        ({"horizon": "52"}, ArgumentTypeError, "horizon must be a real"),
        (
            {"horizon": -1.0},
            InvariantError,
            "horizon must be a finite number >= 0",
        ),
        ({"horizon": float("nan")}, InvariantError, "horizon must be"),
        (
            {"expected_purchases_col": 3},
            ArgumentTypeError,
            "expected_purchases_col must be a column name",
        ),
        (
            {"probability_alive_col": ""},
            InvariantError,
            "probability_alive_col must be a non-empty",
        ),
        (
            {"expected_purchases_col": "x", "probability_alive_col": "x"},
            InvariantError,
            "both 'x'",
        ),
        ({"fit": None}, ArgumentTypeError, "fit must be a fit function"),
    ],
    ids=[
        "model-none",
        "horizon-text",
        "horizon-negative",
        "horizon-nan",
        "column-int",
        "column-empty",
        "columns-same",
        "fit-none",
    ],
)
def test_wrong_arguments_raise_our_errors(
    cdnow_summary: DataFrame,
    arguments: dict[str, Any],
    error: type[Exception],
    match: str,
):
    """Wrong models, horizons, column names and fit functions, by name."""
    if "fit" in arguments:
        call = lambda: fit_summary(cdnow_summary, **arguments)  # noqa: E731
    else:
        options = {
            "model": clv.BgNbdFit.from_parameters(
                r=0.243, alpha=4.414, a=0.793, b=2.426
            ),
            "horizon": 1.0,
            **arguments,
        }
        model = options.pop("model")
        call = lambda: score(cdnow_summary, model, **options)  # noqa: E731
    with pytest.raises(error, match=match):
        call()
