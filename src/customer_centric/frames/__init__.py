"""Dataframe paths over narwhals (needs the ``[dataframe]`` extra).

Written once against narwhals, so the same functions take pandas, polars,
pyarrow and DuckDB tables (and Spark through narwhals' lazy API).
"""

from __future__ import annotations

from customer_centric._extras import require_extra

require_extra("dataframe", "narwhals")

from customer_centric.frames._health import score_health  # noqa: E402
from customer_centric.frames._kano import (  # noqa: E402 - after the guard
    KANO_COLUMNS,
    kano_analyze,
)
from customer_centric.frames._replay import (  # noqa: E402
    ReplayFrames,
    replay_events,
)
from customer_centric.frames._rfm import (  # noqa: E402 - after the guard
    compress_rfm,
    rfm_calibration_holdout,
    rfm_summary,
)
from customer_centric.frames._segments import rfm_segments  # noqa: E402
from customer_centric.frames._sla import sla_attainment  # noqa: E402
from customer_centric.frames._validation import validate_holdout  # noqa: E402

__all__: list[str] = [
    "KANO_COLUMNS",
    "ReplayFrames",
    "compress_rfm",
    "kano_analyze",
    "replay_events",
    "rfm_calibration_holdout",
    "rfm_segments",
    "rfm_summary",
    "score_health",
    "sla_attainment",
    "validate_holdout",
]
