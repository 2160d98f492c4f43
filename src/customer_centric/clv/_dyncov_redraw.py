"""New histories along customers' covariate paths (parametric bootstrap).

A parametric resample of the Pareto/NBD with time-varying covariates keeps
every customer's first purchase day, calibration span ``[0, T]`` and
covariate path, and draws their purchases anew from the fitted model
(:func:`~customer_centric.clv._dyncov_simulate.draw_customer`, the
simulator's own draws). Purchases are recorded on their day, as
:func:`~customer_centric.clv.covariate_paths` reads a log: a purchase at
time ``u`` of the clock falls on day ``floor(u * days_per_unit)`` after
the first purchase, several on one day count once, and one on the first
day is the first purchase. The customer's entry is then rebuilt as
``covariate_paths`` would build it from that log: ``x``, ``t_x``, the
calibration pieces split at the new ``t_x`` and the covariate sums at the
repeat purchase days; the pieces after the calibration end are kept.

The paths keep the covariates only as pieces, so the new pieces are the
old ones with neighbours of equal covariates joined (the split at the old
``t_x``, say) and split at the new ``t_x``: the same step function as
``covariate_paths`` gives, perhaps in fewer pieces, which the likelihood
joins in the same way.

.. versionadded:: 0.2
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric.clv._dyncov_likelihood import _merge
from customer_centric.clv._dyncov_paths import CovariatePaths, Pieces
from customer_centric.clv._dyncov_simulate import draw_customer

if TYPE_CHECKING:
    from customer_centric._arrays import FloatArray
    from customer_centric.clv._pnbd_dyncov import ParetoNbdDynamicFit

__all__ = ["recut", "redraw"]

IntArray = npt.NDArray[np.int64]


def _joined(pieces: Pieces) -> Pieces:
    """Consecutive pieces of a customer with equal covariates, joined."""
    every = np.arange(pieces.values.shape[1])
    return _merge(pieces, every, across_split=True)


def _starts(owner: npt.NDArray[np.intp], days: IntArray, n: int) -> IntArray:
    """Each piece's first day on its customer's clock."""
    running = np.cumsum(days)
    counts = np.bincount(owner, minlength=n)
    first = np.cumsum(counts) - counts
    before = np.concatenate([[0], running])[first]
    start: IntArray = running - days - before[owner]
    return start


def recut(
    paths: CovariatePaths,
    owner: npt.NDArray[np.intp],
    days: IntArray,
) -> CovariatePaths:
    """``paths`` with new repeat purchase days.

    Args:
        paths: The customers.
        owner: Each repeat purchase's customer (a position), in order.
        days: Its day on the customer's clock (days after the first
            purchase), from 1 to the customer's last day before the
            calibration end; within a customer increasing, distinct.

    Returns:
        The paths with ``frequency``, ``recency``, the calibration pieces
        and ``purchase_sums`` of these purchases (see the module).
    """
    n, unit = paths.n_customers, paths.days_per_unit
    pieces = _joined(paths.calibration)
    span = np.rint(pieces.length * unit).astype(np.int64)
    start = _starts(pieces.customer, span, n)
    frequency = np.bincount(owner, minlength=n).astype(np.float64)
    last = np.zeros(n, dtype=np.int64)
    np.maximum.at(last, owner, days)
    cut = last[pieces.customer]
    split = (start < cut) & (cut < start + span)
    index = np.repeat(np.arange(span.size), 1 + split)
    second = np.zeros(index.size, dtype=np.bool_)
    second[1:] = index[1:] == index[:-1]
    piece_start = np.where(second, cut[index], start[index])
    piece_end = np.where(
        split[index] & ~second, cut[index], start[index] + span[index]
    )
    # A purchase day's covariates: its piece's, found on one line of the
    # customers' clocks laid end to end (each day-long, past the last).
    total_days = np.rint(paths.T * unit).astype(np.int64)
    offset = np.concatenate([[0], np.cumsum(total_days + 1)[:-1]])
    line = offset[pieces.customer] + start
    hit = np.searchsorted(line, offset[owner] + days, side="right") - 1
    sums = np.zeros_like(paths.purchase_sums)
    np.add.at(sums, owner, pieces.values[hit])
    return attrs.evolve(
        paths,
        frequency=frequency,
        recency=last / unit,
        calibration=Pieces(
            customer=pieces.customer[index],
            length=(piece_end - piece_start) / unit,
            after=piece_start >= last[pieces.customer[index]],
            values=pieces.values[index],
        ),
        purchase_sums=sums,
    )


def redraw(
    fit: ParetoNbdDynamicFit,
    paths: CovariatePaths,
    rng: np.random.Generator,
) -> CovariatePaths:
    """Every customer's history drawn anew from ``fit`` along their path.

    Customer by customer, in order, each from
    :func:`~customer_centric.clv._dyncov_simulate.draw_customer` on their
    calibration pieces, then recorded by day and rebuilt by
    :func:`recut` (see the module).
    """
    n, unit = paths.n_customers, paths.days_per_unit
    pieces = _joined(paths.calibration)
    log_a = _log_rates(paths, pieces, fit.covariates.purchase)
    log_b = _log_rates(paths, pieces, fit.covariates.dropout)
    counts = np.bincount(pieces.customer, minlength=n)
    ends = np.cumsum(counts)
    total_days = np.rint(paths.T * unit).astype(np.int64)
    parameters = (fit.r, fit.alpha, fit.s, fit.beta)
    owners: list[npt.NDArray[np.intp]] = []
    drawn_days: list[IntArray] = []
    for i in range(n):
        own = slice(int(ends[i] - counts[i]), int(ends[i]))
        times = np.concatenate([[0.0], np.cumsum(pieces.length[own])])
        moments = draw_customer(
            times, log_a[own], log_b[own], parameters, rng
        ).moments
        # A moment rounded onto the calibration end is in its last day.
        day = np.minimum(np.floor(moments * unit), total_days[i] - 1)
        repeat = np.unique(day[day > 0]).astype(np.int64)
        owners.append(np.full(repeat.size, i, dtype=np.intp))
        drawn_days.append(repeat)
    return recut(
        paths,
        np.concatenate([np.zeros(0, dtype=np.intp), *owners]),
        np.concatenate([np.zeros(0, dtype=np.int64), *drawn_days]),
    )


def _log_rates(
    paths: CovariatePaths, pieces: Pieces, coefficients: Mapping[str, float]
) -> FloatArray:
    """Each piece's ``gamma . z`` for one process."""
    columns = paths.columns(tuple(coefficients), role="the fit")
    gamma = np.array(list(coefficients.values()), dtype=np.float64)
    rates: FloatArray = pieces.values[:, columns] @ gamma
    return rates
