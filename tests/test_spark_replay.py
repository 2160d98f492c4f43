"""The Spark replay: every bucket replayed by the columnar replay."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("pyspark")

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812 - Spark's convention

from customer_centric.datasets import load_demo_events
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.frames import replay_events as replay_frame
from customer_centric.relationship import DEFAULT_POLICY
from customer_centric.spark import _group_replayer, replay_events
from spark_session import local_session

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:PySpark does not yet fully support pandas:FutureWarning"
    ),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """A small local Spark session whose zone is not UTC."""
    session = local_session(
        "customer_centric-replay-tests", shuffle_partitions=2
    )
    before = session.conf.get("spark.sql.session.timeZone")
    session.conf.set("spark.sql.session.timeZone", "Asia/Tehran")
    yield session
    session.conf.set("spark.sql.session.timeZone", before)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    """The first 3,000 demo events, with a bad row, as a pandas frame."""
    demo = load_demo_events()[:3000]
    frame = pd.DataFrame(
        [e.model_dump(mode="json", exclude={"amount"}) for e in demo]
    )
    frame.loc[len(frame)] = {
        "customer_id": "C00001",
        "kind": "refund",
        "occurred_at": "2024-01-01T00:00:00Z",
        "event_id": "BAD-1",
    }
    for name in ("occurred_at", "as_of"):
        frame[name] = pd.to_datetime(frame[name], utc=True)
    return frame


@pytest.fixture(scope="module")
def spark_events(spark: SparkSession, events: pd.DataFrame) -> DataFrame:
    """The events in Spark."""
    return spark.createDataFrame(events).cache()


def _rows(frame: pd.DataFrame, key: list[str]) -> list[dict[str, object]]:
    frame = frame.copy()
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            frame[name] = frame[name].dt.tz_convert("UTC")
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.sort_values(key).to_dict("records")


def _local(frame: DataFrame) -> pd.DataFrame:
    """Collected rows as pandas, times read as instants (epoch seconds)."""
    times = [
        f.name
        for f in frame.schema.fields
        if f.dataType.typeName() == "timestamp"
    ]
    for name in times:
        frame = frame.withColumn(name, F.col(name).cast("long"))
    out = pd.DataFrame([row.asDict() for row in frame.collect()])
    for name in times:
        out[name] = pd.to_datetime(out[name], unit="s", utc=True)
    return out


@pytest.mark.slow
def test_states_and_moves_are_the_columnar_replays(
    spark_events: DataFrame, events: pd.DataFrame
) -> None:
    """Final states and moves on Spark are the one-machine replay's."""
    local = replay_frame(events, moves=True)
    states = _local(replay_events(spark_events, buckets=3))
    assert _rows(states, ["customer_id"]) == _rows(
        local.states, ["customer_id"]
    )
    moves = _local(replay_events(spark_events, output="moves"))
    key = ["customer_id", "occurred_at", "dimension"]
    assert _rows(moves, key) == _rows(local.moves, key)


@pytest.mark.slow
def test_rejected_rows_name_the_event(spark_events: DataFrame) -> None:
    """A bad row comes back with its customer, time, id and reason."""
    rejected = replay_events(spark_events, output="rejected").collect()
    assert [(r.customer_id, r.kind, r.event_id) for r in rejected] == [
        ("C00001", "refund", "BAD-1")
    ]
    assert "refund" in rejected[0].reason


def test_wrong_arguments_are_refused(spark_events: DataFrame) -> None:
    """Wrong arguments raise our errors before Spark runs anything."""
    with pytest.raises(ArgumentTypeError, match="events"):
        replay_events(pd.DataFrame())  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="output"):
        replay_events(spark_events, output="all")  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="buckets"):
        replay_events(spark_events, buckets=0)
    with pytest.raises(DataError, match="kind"):
        replay_events(spark_events.drop("kind"))


@pytest.mark.parametrize("output", ["states", "moves", "rejected"])
def test_each_group_is_replayed_on_its_own(
    output: str, events: pd.DataFrame
) -> None:
    """What an executor runs: one bucket's rows, naive wall times in."""
    group = pd.concat([events.head(400), events.tail(1)])
    group = group.drop(columns=["event_id"]).assign(__cc_bucket=0)
    for name in ("occurred_at", "as_of"):
        wall = group[name].dt.tz_convert("Asia/Tehran")
        group[name] = wall.dt.tz_localize(None)
    replay = _group_replayer(DEFAULT_POLICY, output, "Asia/Tehran")
    out = replay(group)
    expected = replay_frame(
        events.head(400).drop(columns=["event_id"]), moves=True
    )
    table = {"states": expected.states, "moves": expected.moves}.get(output)
    if table is None:
        assert out["kind"].tolist() == ["refund"]
        assert out["event_id"].tolist() == [None]
    else:
        assert len(out) == len(table)
        assert list(out.columns) == list(table.columns)


def test_a_group_without_inactivity_checks_needs_no_as_of() -> None:
    """Only the time columns a group has are read."""
    group = pd.DataFrame(
        {
            "customer_id": ["A"],
            "kind": ["interest_shown"],
            "occurred_at": [pd.Timestamp("2025-01-01 03:30")],
            "__cc_bucket": [0],
        }
    )
    out = _group_replayer(DEFAULT_POLICY, "states", "Asia/Tehran")(group)
    assert out["last_event_at"].tolist() == [pd.Timestamp("2025-01-01 03:30")]
