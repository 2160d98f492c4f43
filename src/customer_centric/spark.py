"""Past one machine: RFM on Spark, fit on the driver, score on executors.

Needs the ``[spark]`` extra (pyspark, pandas, pyarrow, narwhals) and, to
fit, the ``[stats]`` extra. The work splits where the data shrinks:

1. the transaction log stays in Spark, and
   :func:`customer_centric.frames.rfm_summary` computes the RFM summary
   there (through narwhals; no Spark-specific code);
2. :func:`fit_summary` compresses the summary on Spark to its unique
   (frequency, recency, T) rows with customer counts
   (:func:`customer_centric.frames.compress_rfm`), collects that small
   table to the driver and fits a model from ``customer_centric.clv``
   with ``weights=``;
3. :func:`score` sends the fitted model (a small record) to the executors
   and computes each customer's predictions there with ``mapInPandas``,
   over the same vectorised functions that score on one machine.

No distributed code of our own: Spark does the shuffles.

:func:`replay_events` replays a relationship event log held in Spark: the
rows are grouped by a hash of ``customer_id`` (every event of a customer
in one group) and each group is replayed on an executor by
:func:`customer_centric.frames.replay_events` with ``applyInPandas``.

Examples:
    The whole path, in local mode (``local[1]`` is enough for a test; a
    cluster needs no change to the code)::

        from datetime import date
        from pyspark.sql import SparkSession
        from customer_centric.clv import fit_bg_nbd
        from customer_centric.frames import rfm_summary
        from customer_centric.spark import fit_summary, score

        spark = SparkSession.builder.master("local[1]").getOrCreate()
        log = spark.read.parquet("transactions.parquet")
        summary = rfm_summary(
            log, customer_id_col="customer_id", datetime_col="date",
            observation_end=date(1997, 9, 30), time_unit="W")
        fit = fit_summary(summary, fit=fit_bg_nbd)    # on the driver
        scores = score(summary, fit, horizon=52.0)
        scores.write.parquet("scores.parquet")

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Final, Literal, TypeAlias, TypeVar, get_args

from customer_centric._extras import require_extra

# mapInPandas moves batches through Arrow, hence pyarrow.
require_extra("spark", "narwhals", "numpy", "pandas", "pyspark", "pyarrow")

# ruff: noqa: E402 - the imports below come after the extra's guard
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql import functions as F  # noqa: N812 - Spark's convention
from pyspark.sql.types import (
    BooleanType,
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from customer_centric._arrays import PurchaseModel, check_model
from customer_centric._checks import (
    check_choice,
    check_instance,
    check_non_negative,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.frames import compress_rfm
from customer_centric.frames import replay_events as replay_frame
from customer_centric.relationship import DEFAULT_POLICY, Policy

__all__ = ["ModelT", "ReplayOutput", "fit_summary", "replay_events", "score"]

_RFM: Final = ("frequency", "recency", "T")

ModelT = TypeVar("ModelT")
"""The model a fit function returns."""


def _check_rfm_columns(summary: object, columns: Sequence[str]) -> DataFrame:
    summary = check_instance(
        summary, DataFrame, name="summary", what="a Spark DataFrame"
    )
    missing = [c for c in columns if c not in summary.columns]
    if missing:
        msg = (
            f"missing column(s) {missing!r}; the summary has "
            f"{summary.columns!r}. Compute it with "
            "customer_centric.frames.rfm_summary"
        )
        raise DataError(msg)
    return summary


def _check_horizon(horizon: object) -> float:
    return check_non_negative(
        horizon,
        name="horizon",
        fix="pass the prediction period in the summary's time unit",
    )


def _check_column_name(name: object, *, argument: str) -> str:
    column = check_instance(name, str, name=argument, what="a column name")
    if not column:
        msg = f"{argument} must be a non-empty column name, got ''"
        raise InvariantError(msg)
    return column


def fit_summary(
    summary: DataFrame,
    /,
    *,
    fit: Callable[..., ModelT],
) -> ModelT:
    """Fit a customer-base model to a Spark RFM summary, on the driver.

    The summary is compressed on Spark to unique (frequency, recency, T)
    rows with customer counts; only that table (usually a few thousand
    rows, whatever the number of customers) is collected and passed to
    ``fit`` with ``weights=``. The fit is the same as on the full table.

    Args:
        summary: A Spark DataFrame with ``frequency``, ``recency`` and
            ``T`` columns, e.g. from
            :func:`customer_centric.frames.rfm_summary`.
        fit: A fit function called as ``fit(frequency, recency, T,
            weights=weights)`` with lists of floats, such as
            ``customer_centric.clv.fit_bg_nbd``.

    Returns:
        The fitted model, as ``fit`` returns it.

    Raises:
        ArgumentTypeError: ``summary`` is not a Spark DataFrame or ``fit``
            is not callable.
        DataError: Columns missing, or an empty summary.
        ConvergenceError: The fit did not converge (from ``fit``).

    Examples:
        See the module documentation; ``tests/test_spark.py`` runs it.

    .. versionadded:: 0.1
    """
    summary = _check_rfm_columns(summary, _RFM)
    if not callable(fit):
        raise ArgumentTypeError.for_argument(
            "fit",
            fit,
            "a fit function such as customer_centric.clv.fit_bg_nbd",
        )
    rows = compress_rfm(summary, columns=_RFM, weights_col="weights").collect()
    if not rows:
        msg = "the RFM summary is empty; there are no customers to fit"
        raise DataError(msg)
    columns = {
        name: [float(row[name]) for row in rows] for name in (*_RFM, "weights")
    }
    return fit(
        columns["frequency"],
        columns["recency"],
        columns["T"],
        weights=columns["weights"],
    )


def score(
    summary: DataFrame,
    model: PurchaseModel,
    /,
    *,
    horizon: float,
    expected_purchases_col: str = "expected_purchases",
    probability_alive_col: str = "probability_alive",
) -> DataFrame:
    """Score every customer of a Spark RFM summary on the executors.

    Adds the expected number of purchases in the next ``horizon`` time
    units (``model.conditional_expected_purchases``) and the probability
    that the customer is still active (``model.probability_alive``),
    computed batch by batch with ``mapInPandas`` over the model's
    vectorised methods: the same numbers as scoring on one machine.

    Args:
        summary: A Spark DataFrame with ``frequency``, ``recency`` and
            ``T`` (any other columns are kept).
        model: A fitted purchase model from ``customer_centric.clv``
            (or from :func:`fit_summary`), in the summary's time unit.
        horizon: The prediction period, in the summary's time unit.
        expected_purchases_col: The name of the expected purchases column.
        probability_alive_col: The name of the probability column.

    Returns:
        A lazy Spark DataFrame with the summary's columns and the two
        scores (``double``).

    Raises:
        ArgumentTypeError: ``summary`` is not a Spark DataFrame, ``model``
            not a fitted purchase model, ``horizon`` not a number or a
            column name not a string.
        InvariantError: ``horizon`` negative or not finite, a column name
            empty, or both column names the same.
        DataError: Columns missing, or output names already taken.

    Examples:
        See the module documentation; ``tests/test_spark.py`` runs it.

    .. versionadded:: 0.1
    """
    summary = _check_rfm_columns(summary, _RFM)
    check_model(model, name="model")
    names = (
        _check_column_name(
            expected_purchases_col, argument="expected_purchases_col"
        ),
        _check_column_name(
            probability_alive_col, argument="probability_alive_col"
        ),
    )
    if names[0] == names[1]:
        msg = (
            f"expected_purchases_col and probability_alive_col are both "
            f"{names[0]!r}; pass two different names"
        )
        raise InvariantError(msg)
    taken = [c for c in names if c in summary.columns]
    if taken:
        msg = (
            f"the summary already has column(s) {taken!r}; pass other "
            "names as expected_purchases_col / probability_alive_col"
        )
        raise DataError(msg)
    schema = StructType(
        [
            *summary.schema.fields,
            *(StructField(n, DoubleType(), nullable=False) for n in names),
        ]
    )
    predict = _batch_scorer(
        model,
        horizon=_check_horizon(horizon),
        names=names,
    )
    return summary.mapInPandas(predict, schema)


def _batch_scorer(
    model: PurchaseModel, *, horizon: float, names: tuple[str, str]
) -> Callable[[Iterator[pd.DataFrame]], Iterator[pd.DataFrame]]:
    """The function Spark ships to the executors (pickled with the model)."""
    expected_name, alive_name = names

    def predict(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            if batch.empty:  # an empty partition: nothing to score
                yield batch.assign(**{expected_name: 0.0, alive_name: 0.0})
                continue
            x = batch["frequency"].to_numpy(dtype="float64")
            t_x = batch["recency"].to_numpy(dtype="float64")
            big_t = batch["T"].to_numpy(dtype="float64")
            yield batch.assign(
                **{
                    expected_name: model.conditional_expected_purchases(
                        horizon, x, t_x, big_t
                    ),
                    alive_name: model.probability_alive(x, t_x, big_t),
                }
            )

    return predict


ReplayOutput: TypeAlias = Literal["states", "moves", "rejected"]
"""Which table :func:`replay_events` returns."""

_OUTPUTS: Final[tuple[ReplayOutput, ...]] = get_args(ReplayOutput)
_TEXT = StringType()
_TIME = TimestampType()
_SCHEMAS: Final[dict[str, StructType]] = {
    "states": StructType(
        [
            StructField("customer_id", _TEXT, nullable=False),
            StructField("loyalty", _TEXT, nullable=False),
            StructField("lifecycle", _TEXT, nullable=False),
            *(
                StructField(name, LongType(), nullable=False)
                for name in (
                    "purchases",
                    "referrals",
                    "open_complaints",
                    "win_back_attempts",
                    "win_backs",
                )
            ),
            StructField("needs_profiled", BooleanType(), nullable=False),
            StructField("peak_loyalty", _TEXT, nullable=False),
            StructField("resume_lifecycle", _TEXT),
            StructField("departure_reason", _TEXT),
            *(
                StructField(name, _TIME)
                for name in (
                    "departed_at",
                    "last_event_at",
                    "last_activity_at",
                    "loyalty_since",
                    "lifecycle_since",
                )
            ),
        ]
    ),
    "moves": StructType(
        [
            *(
                StructField(name, _TEXT, nullable=False)
                for name in (
                    "customer_id",
                    "dimension",
                    "from_stage",
                    "to_stage",
                    "rule_id",
                    "reason_code",
                    "event_kind",
                )
            ),
            StructField("event_id", _TEXT),
            StructField("occurred_at", _TIME, nullable=False),
        ]
    ),
    "rejected": StructType(
        [
            StructField("customer_id", _TEXT),
            StructField("kind", _TEXT),
            StructField("occurred_at", _TIME),
            StructField("event_id", _TEXT),
            StructField("error", _TEXT, nullable=False),
            StructField("reason", _TEXT, nullable=False),
        ]
    ),
}
_BUCKET: Final = "__cc_bucket"


def replay_events(
    events: DataFrame,
    /,
    *,
    policy: Policy = DEFAULT_POLICY,
    output: ReplayOutput = "states",
    buckets: int = 200,
) -> DataFrame:
    """Replay a Spark event log into each customer's final state.

    Every event of a customer lands in one group: the rows are grouped by
    ``pmod(hash(customer_id), buckets)`` and each group is replayed on an
    executor by :func:`customer_centric.frames.replay_events` (the
    columnar replay, through ``applyInPandas``), so the decisions are
    :func:`~customer_centric.relationship.replay_many`'s. Grouping by a
    hash bucket rather than by the customer keeps one call per bucket,
    not per customer; a bucket must fit in an executor's memory (size
    ``buckets`` so that it does, e.g. a few million events each). Spark
    collects each group's rows in no set order; each customer's events are
    applied in time order, ties in an unspecified order (give events at
    one instant distinct times, or an ``event_id`` to tell redeliveries).

    Args:
        events: A Spark DataFrame with the columns
            :func:`customer_centric.frames.replay_events` reads
            (``customer_id``, ``kind``, ``occurred_at`` as a timestamp, and
            the kinds' fields).
        policy: The thresholds and rules.
        output: ``"states"``: one row per customer, the final state;
            ``"moves"``: every stage move; ``"rejected"``: every row not
            applied, with its ``customer_id``, ``kind``, ``occurred_at``,
            ``event_id``, ``error`` and ``reason`` (a Spark row has no
            position). Each call replays the log again: cache ``events``
            to ask for several.
        buckets: How many groups to spread the customers over; 200 by
            default, Spark's own default number of shuffle partitions
            (``spark.sql.shuffle.partitions``).

    Returns:
        A lazy Spark DataFrame of the table asked for (times in UTC).

    Raises:
        ArgumentTypeError: ``events`` is not a Spark DataFrame, ``policy``
            not a policy, ``buckets`` not an int.
        InvariantError: ``output`` unknown or ``buckets`` below 1.
        DataError: A required column is missing.

    Examples:
        See the module documentation; ``tests/test_spark_replay.py`` runs
        it::

            states = replay_events(spark.read.parquet("events.parquet"))

    .. versionadded:: 0.2
    """
    events = check_instance(
        events, DataFrame, name="events", what="a Spark DataFrame"
    )
    check_instance(policy, Policy, name="policy", what="a relationship Policy")
    chosen = check_choice(output, _OUTPUTS, name="output")
    count = check_instance(buckets, int, name="buckets", what="an int")
    if count < 1:
        msg = f"buckets must be at least 1, got {count!r}"
        raise InvariantError(msg)
    missing = [
        c
        for c in ("customer_id", "kind", "occurred_at")
        if c not in events.columns
    ]
    if missing:
        msg = (
            f"missing column(s) {missing!r}; the events have "
            f"{events.columns!r}. Every event needs customer_id, kind and "
            "occurred_at"
        )
        raise DataError(msg)
    zone = events.sparkSession.conf.get("spark.sql.session.timeZone") or "UTC"
    bucketed = events.withColumn(
        _BUCKET, F.pmod(F.hash(F.col("customer_id")), F.lit(count))
    )
    return bucketed.groupBy(_BUCKET).applyInPandas(
        _group_replayer(policy, chosen, zone), _SCHEMAS[chosen]
    )


def _group_replayer(
    policy: Policy, output: str, zone: str
) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The function Spark ships to the executors (pickled with the policy)."""
    columns = [field.name for field in _SCHEMAS[output].fields]

    def replay(group: pd.DataFrame) -> pd.DataFrame:
        group = group.drop(columns=[_BUCKET]).reset_index(drop=True)
        for name in ("occurred_at", "as_of"):
            # Spark hands timestamps over as wall times in its zone.
            if name in group.columns:
                group[name] = _aware(group[name], zone)
        done = replay_frame(group, policy=policy, moves=output == "moves")
        if output == "states":
            table = done.states
        elif output == "moves":
            table = done.moves
        else:
            table = _rejected_rows(done.rejected, group)
        return _wall_times(table, zone)[columns]

    return replay


def _aware(values: pd.Series, zone: str) -> pd.Series:
    return pd.to_datetime(values).dt.tz_localize(zone).dt.tz_convert("UTC")


def _rejected_rows(
    rejected: pd.DataFrame, group: pd.DataFrame
) -> pd.DataFrame:
    rows = rejected["row"].to_numpy()
    out = rejected.copy()
    for name in ("occurred_at", "event_id"):
        out[name] = (
            group[name].iloc[rows].to_numpy()
            if name in group.columns
            else None
        )
    return out


def _wall_times(table: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Times as wall times in Spark's zone, as Spark reads them back."""
    out = table.copy()
    for name, dtype in out.dtypes.items():
        if isinstance(dtype, pd.DatetimeTZDtype):
            out[name] = out[name].dt.tz_convert(zone).dt.tz_localize(None)
    return out
