"""Dataframe paths over narwhals (needs the ``[dataframe]`` extra).

Written once against narwhals, so the same functions take pandas, polars,
pyarrow and DuckDB tables (and Spark through narwhals' lazy API).
"""

from __future__ import annotations

try:
    import narwhals  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised without the extra
    from customer_centric.exceptions import MissingExtraError

    raise MissingExtraError.for_extra("dataframe", exc.name) from exc

from customer_centric.frames._rfm import (
    compress_rfm,
    rfm_calibration_holdout,
    rfm_summary,
)

__all__: list[str] = [
    "compress_rfm",
    "rfm_calibration_holdout",
    "rfm_summary",
]
