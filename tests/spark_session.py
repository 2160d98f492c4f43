"""One small local Spark session for the Spark tests, on this Python.

PySpark starts its Python workers with ``PYSPARK_PYTHON``, or ``python3``
from the ``PATH`` when that is unset. A suite run as ``venv/bin/python -m
pytest`` without the venv on the ``PATH`` would then start workers that
cannot import this package; the session's workers run the interpreter
running the tests instead, unless the caller chose one.
"""

from __future__ import annotations

import os
import sys

import pytest
from pyspark.sql import SparkSession


def local_session(app_name: str, *, shuffle_partitions: int) -> SparkSession:
    """A one-core local session without UI, Arrow on, logging errors only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(
            "PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", sys.executable)
        )
        session = (
            SparkSession.builder.master("local[1]")
            .appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
            .config("spark.default.parallelism", "1")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session
