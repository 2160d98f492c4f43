"""Holdout validation of a dataframe transaction log, written in narwhals.

The dataframe twin of :func:`customer_centric.clv.validate_holdout`: the
calibration summary and the holdout counts and spend are built on the
frame's own engine by :func:`~customer_centric.frames.rfm_calibration_holdout`,
collected (one row per customer) into the record path's
:class:`~customer_centric.value.CalibrationHoldout`, and handed to the same
function, so both paths give the same report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

import narwhals as nw
import numpy as np
from narwhals.typing import IntoFrame

from customer_centric._checks import check_instance
from customer_centric._types import CustomerId
from customer_centric.clv import (
    DEFAULT_MAX_FREQUENCY,
    CovariatePaths,
    GammaGammaFit,
    HoldoutValidation,
    ParetoNbdDynamicFit,
    PurchaseModel,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
)
from customer_centric.clv import validate_holdout as validate_split
from customer_centric.exceptions import DataError
from customer_centric.frames._rfm import (
    _DAY,
    _EPOCH_ORDINAL,
    _checked_days,
    _day,
    _number,
    _to_lazy,
    rfm_calibration_holdout,
)
from customer_centric.value import (
    CalibrationHoldout,
    OnLate,
    RFMSummary,
    TimeUnit,
    Transaction,
)

__all__ = ["validate_holdout"]

_COLUMNS: Final = ("frequency", "recency", "T", "frequency_holdout")


def _collected(native: object) -> dict[str, list[Any]]:
    """The columns of a (small, one row per customer) frame, as lists."""
    frame = _to_lazy(native).collect()
    return {name: frame[name].to_list() for name in frame.columns}


def _split(
    columns: dict[str, list[Any]],
    *,
    customer_id_col: str,
    has_amount: bool,
    calibration_end: date,
    observation_end: date,
    time_unit: TimeUnit | timedelta,
) -> CalibrationHoldout:
    """The record path's split from the collected summary columns.

    Ids become strings, as a ``Transaction``'s are; amounts become
    ``Decimal`` from their float (the frame path reads amounts as Float64).
    """
    ids = [CustomerId(str(v)) for v in columns[customer_id_col]]
    order = sorted(range(len(ids)), key=ids.__getitem__)

    def column(name: str) -> list[Any]:
        return [columns[name][i] for i in order]

    def amounts(name: str) -> tuple[Decimal, ...] | None:
        if not has_amount:
            return None
        return tuple(Decimal(repr(float(v))) for v in column(name))

    calibration = RFMSummary(
        customer_ids=tuple(ids[i] for i in order),
        frequency=tuple(int(v) for v in column("frequency")),
        recency=tuple(float(v) for v in column("recency")),
        T=tuple(float(v) for v in column("T")),
        monetary_value=amounts("monetary_value"),
        observation_end=calibration_end,
        time_unit=time_unit,
        first_purchase_counts=False,
    )
    durations = columns["duration_holdout"]
    return CalibrationHoldout(
        calibration=calibration,
        frequency_holdout=tuple(int(v) for v in column("frequency_holdout")),
        monetary_value_holdout=amounts("monetary_value_holdout"),
        duration_holdout=float(durations[0]) if durations else 0.0,
        holdout_end=observation_end,
    )


def _purchase_days(
    frame: object,
    *,
    customer_id_col: str,
    datetime_col: str,
    datetime_format: str | None,
    end: date,
    on_late: OnLate,
) -> list[Transaction]:
    """One ``Transaction`` per customer and purchase day, for tracking."""
    days = (
        _checked_days(
            frame,
            customer_id_col=customer_id_col,
            datetime_col=datetime_col,
            monetary_value_col=None,
            datetime_format=datetime_format,
            end=_number(end),
            on_late=on_late,
        )
        .select(nw.col(customer_id_col), nw.col(_DAY))
        .collect()
    )
    # The rows are checked and distinct already: construct, not validate.
    return [
        Transaction.model_construct(
            customer_id=CustomerId(str(customer)),
            occurred_at=date.fromordinal(int(day) + _EPOCH_ORDINAL),
        )
        for customer, day in days.rows()
    ]


def _default_models(split: CalibrationHoldout) -> dict[str, PurchaseModel]:
    calibration = split.calibration
    columns = (calibration.frequency, calibration.recency, calibration.T)
    return {
        "BG/NBD": fit_bg_nbd(*columns),
        "Pareto/NBD": fit_pareto_nbd(*columns),
    }


def _default_spend(split: CalibrationHoldout) -> GammaGammaFit:
    calibration = split.calibration
    assert calibration.monetary_value is not None  # noqa: S101 - has amounts
    x = np.array(calibration.frequency, dtype=np.float64)
    m = np.array([float(v) for v in calibration.monetary_value])
    return fit_gamma_gamma(x[x > 0], m[x > 0])


def validate_holdout(
    frame: IntoFrame,
    /,
    *,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    calibration_end: date,
    observation_end: date,
    time_unit: TimeUnit | timedelta = "D",
    models: Mapping[str, PurchaseModel | ParetoNbdDynamicFit] | None = None,
    spend_model: GammaGammaFit | None = None,
    track: bool = True,
    max_frequency: int = DEFAULT_MAX_FREQUENCY,
    period: float = 1.0,
    datetime_format: str | None = None,
    on_late: OnLate = "raise",
    covariates: IntoFrame | None = None,
    paths: CovariatePaths | None = None,
) -> HoldoutValidation:
    """Validate purchase (and spend) models on a transaction frame.

    The dataframe twin of :func:`customer_centric.clv.validate_holdout`,
    returning the same report: the split is
    :func:`rfm_calibration_holdout` (run on the frame's engine; one row per
    customer is collected), the models are the given ones or, without
    ``models``, BG/NBD and Pareto/NBD fitted on the calibration summary.
    With ``monetary_value_col`` the report adds the holdout spend, from
    ``spend_model`` or, without it, a Gamma-Gamma model fitted on the
    calibration's repeat buyers. With ``track`` each customer's distinct
    purchase days are collected too, for the period-by-period tracking
    (one row per customer and day: leave it off for very large logs).

    Args:
        frame: The transactions (see :func:`rfm_summary`).
        customer_id_col: The customer id column (ids are compared as
            strings).
        datetime_col: The transaction date column.
        monetary_value_col: The amount column, for the holdout spend.
        calibration_end: The last day of the calibration period.
        observation_end: The last day of the holdout period.
        time_unit: The unit of recency, T and the holdout's length.
        models: Fitted purchase models by name (each fitted on this
            calibration summary, or built from parameters).
        spend_model: A Gamma-Gamma fit, for the holdout spend.
        track: Whether to add the period-by-period tracking.
        max_frequency: As in :func:`customer_centric.clv.validate_holdout`.
        period: The tracking period, in ``time_unit``.
        datetime_format: A strftime format for string or integer dates.
        on_late: What to do with transactions after ``observation_end``.
        covariates: For models with time-invariant covariates, a customer
            table: the ``customer_id_col`` column and one numeric column
            per covariate, one row per customer (rows of customers outside
            the calibration are left out).
        paths: For a model with time-varying covariates, the
            :func:`~customer_centric.clv.covariate_paths` of the log, as in
            :func:`customer_centric.clv.validate_holdout`.

    Returns:
        The :class:`~customer_centric.clv.HoldoutValidation` report.

    Raises:
        DataError: As :func:`rfm_calibration_holdout` and
            :func:`customer_centric.clv.validate_holdout` (e.g. no holdout
            purchase at all), or the covariate table lacks the id column
            or a calibration customer, or has one twice.
        ArgumentTypeError: ``track`` is not a bool, or a model is not one.
        ConvergenceError: A default model has no proper maximum on the
            calibration summary.

    Examples:
        >>> from datetime import date
        >>> import polars as pl
        >>> from customer_centric.clv import BgNbdFit, GammaGammaFit
        >>> from customer_centric.frames import validate_holdout
        >>> log = pl.DataFrame({
        ...     "customer": ["A", "A", "A", "A", "B", "B"],
        ...     "day": [date(2024, 1, d) for d in (1, 8, 20, 27, 2, 25)],
        ...     "amount": [10.0, 20.0, 30.0, 40.0, 5.0, 15.0],
        ... })
        >>> report = validate_holdout(
        ...     log, customer_id_col="customer", datetime_col="day",
        ...     monetary_value_col="amount",
        ...     calibration_end=date(2024, 1, 14),
        ...     observation_end=date(2024, 1, 28), time_unit="W",
        ...     models={"BG/NBD": BgNbdFit.from_parameters(
        ...         r=0.5, alpha=2.0, a=0.8, b=2.5)},
        ...     spend_model=GammaGammaFit.from_parameters(
        ...         p=6.25, q=3.74, gamma=15.44))
        >>> report.actual.tolist(), report.actual_spend.tolist()
        ([2.0, 1.0], [70.0, 15.0])
        >>> round(report.spend[0].predicted_total, 2)
        20.44

    .. versionadded:: 0.2
    """
    check_instance(track, bool, name="track")
    cut = _day(calibration_end, name="calibration_end")
    end = _day(observation_end, name="observation_end")
    summary = rfm_calibration_holdout(
        frame,
        customer_id_col=customer_id_col,
        datetime_col=datetime_col,
        monetary_value_col=monetary_value_col,
        calibration_end=cut,
        observation_end=end,
        time_unit=time_unit,
        datetime_format=datetime_format,
        on_late=on_late,
    )
    has_amount = monetary_value_col is not None
    split = _split(
        _collected(summary),
        customer_id_col=customer_id_col,
        has_amount=has_amount,
        calibration_end=cut,
        observation_end=end,
        time_unit=time_unit,
    )
    chosen = _default_models(split) if models is None else models
    if has_amount and spend_model is None:
        spend_model = _default_spend(split)
    transactions = (
        _purchase_days(
            frame,
            customer_id_col=customer_id_col,
            datetime_col=datetime_col,
            datetime_format=datetime_format,
            end=end,
            on_late=on_late,
        )
        if track
        else None
    )
    return validate_split(
        split,
        models=chosen,
        transactions=transactions,
        spend_model=spend_model,
        max_frequency=max_frequency,
        period=period,
        covariates=None
        if covariates is None
        else _customer_columns(
            covariates,
            customer_id_col=customer_id_col,
            customer_ids=split.calibration.customer_ids,
        ),
        paths=paths,
    )


def _customer_columns(
    table: object, *, customer_id_col: str, customer_ids: tuple[str, ...]
) -> dict[str, list[Any]]:
    """The covariate columns of a customer table, in the split's order."""
    columns = _collected(table)
    if customer_id_col not in columns:
        msg = (
            f"covariates has no column {customer_id_col!r} (it has "
            f"{list(columns)!r}); give the customer table the log's "
            "customer id column"
        )
        raise DataError(msg)
    ids = [str(v) for v in columns.pop(customer_id_col)]
    row = {who: i for i, who in enumerate(ids)}
    if len(row) != len(ids):
        twice = sorted(who for who, k in Counter(ids).items() if k > 1)
        msg = (
            f"covariates has several rows for customers {twice[:5]!r}; "
            "pass one row per customer"
        )
        raise DataError(msg)
    missing = [who for who in customer_ids if who not in row]
    if missing:
        msg = (
            f"covariates has no row for customers {missing[:5]!r} "
            f"({len(missing)} in all) of the calibration; pass a row for "
            "every customer"
        )
        raise DataError(msg)
    order = [row[who] for who in customer_ids]
    return {
        name: [values[i] for i in order] for name, values in columns.items()
    }
