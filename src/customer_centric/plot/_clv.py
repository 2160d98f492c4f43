"""Figures of the probabilistic customer-base models.

The probability-alive and frequency-recency matrices, the period
transactions histogram (model versus actual) and the tracking plot of
cumulative repeat transactions follow Fader, Hardie & Lee (2005),
"'Counting Your Customers' the Easy Way", *Marketing Science* 24(2),
275-284 (Figures 1-4), and Fader, Hardie & Shang (2010), *Marketing
Science* 29(6) for the discrete-time BG/BB versions.

Every function draws on the ``ax`` it is given (or a new figure's axes) and
returns it; none calls ``plt.show()``. Times are in the model's time unit
(periods for BG/BB).

.. versionadded:: 0.1
"""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Final

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    PurchaseModel,
    as_counts,
    as_float_array,
    as_floats,
    as_non_negative,
    check_model,
    real_number,
    reject_rows,
)
from customer_centric._checks import check_instance
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.plot._axes import axes

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes
    from numpy.typing import ArrayLike

    # Not imported at run time: ``customer_centric.plot`` must import
    # without the [stats] extra; the figures need it only once a fitted
    # model exists.
    from customer_centric.clv import (
        BgBbFit,
        BgNbdFit,
        HoldoutValidation,
        MbgNbdFit,
        PurchaseTracking,
    )

__all__ = [
    "plot_calibration_vs_holdout",
    "plot_cumulative_transactions",
    "plot_frequency_recency_matrix",
    "plot_period_transactions",
    "plot_probability_alive_matrix",
    "plot_tracking",
]

_MAX_GRID: Final = 10_000
"""Largest number of rows or columns of a matrix figure."""
_MAX_TIME: Final = 1e12
_DEFAULT_MAX_FREQUENCY: Final = 7
"""FHL (2005), Figure 2 groups 7 or more repeat transactions in one bar."""


def _count(value: int, *, name: str) -> int:
    msg = (
        f"{name} must be a whole number >= 1 and at most {_MAX_GRID}, got "
        f"{value!r}"
    )
    if isinstance(value, bool):
        raise InvariantError(msg)
    try:
        count = operator.index(value)
    except TypeError as exc:
        raise InvariantError(msg) from exc
    if not 1 <= count <= _MAX_GRID:
        raise InvariantError(msg)
    return count


def _time(value: object, *, name: str, limit: float) -> float:
    """A finite time > 0 and at most ``limit``, as a float."""
    number = real_number(value, name=name)
    if not (np.isfinite(number) and 0 < number <= limit):
        msg = f"{name} must be a finite time > 0 and at most {limit:g}, got "
        msg += f"{value!r}"
        raise InvariantError(msg)
    return number


def _colormap(cmap: object) -> str:
    import matplotlib as mpl  # noqa: PLC0415

    if not isinstance(cmap, str) or cmap not in mpl.colormaps:
        msg = (
            f"cmap must be the name of a matplotlib colormap, got {cmap!r}; "
            "e.g. 'viridis'"
        )
        raise InvariantError(msg)
    return cmap


def _grid(
    model: PurchaseModel,
    T: float,  # noqa: N803 - the papers' name
    max_frequency: int,
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Frequency (rows) by recency (columns) histories at time ``T``."""
    _count(max_frequency, name="max_frequency")
    # Imported here: the figures need the [stats] extra only once a model
    # exists, and ``customer_centric.plot`` must import without it.
    from customer_centric.clv import BgBbFit  # noqa: PLC0415

    discrete = isinstance(model, BgBbFit)
    if discrete and np.floor(T) != T:
        msg = f"T must be a whole number of periods for BG/BB, got {T!r}"
        raise InvariantError(msg)
    frequency = np.arange(max_frequency + 1, dtype=np.float64)
    recency = np.arange(int(np.floor(T)) + 1, dtype=np.float64)
    x, t_x = np.meshgrid(frequency, recency, indexing="ij")
    valid = (x > 0) | (t_x == 0)
    if discrete:
        valid &= x <= t_x
    return x, t_x, valid


def _unit(time_unit: object) -> str:
    """The time unit for the labels, checked: a non-empty text."""
    unit = check_instance(time_unit, str, name="time_unit")
    if not unit.strip():
        msg = (
            f"time_unit must name the time unit, got {time_unit!r}; e.g. "
            '"weeks"'
        )
        raise InvariantError(msg)
    return unit


def _calibration_line(ax: Axes, end: float) -> None:
    """The calibration end, drawn and named in the legend."""
    ax.axvline(end, color="grey", linestyle=":", label="end of calibration")


def _matrix_image(
    model: PurchaseModel,
    T: float,  # noqa: N803 - the papers' name
    max_frequency: int,
    predict: Callable[[FloatArray, FloatArray, FloatArray], FloatArray],
    *,
    ax: Axes | None,
    title: str,
    label: str,
    cmap: str,
    time_unit: str,
) -> Axes:
    """Draw ``predict(x, t_x, T)`` over the grid of :func:`_grid`.

    The callers have checked ``model`` and ``T``; the rest is checked here.
    """
    cmap = _colormap(cmap)
    x, t_x, valid = _grid(model, T, max_frequency)
    values = np.full(x.shape, np.nan)
    values[valid] = predict(
        x[valid], t_x[valid], np.full(int(valid.sum()), float(T))
    )
    ax = axes(ax)
    matrix = np.ma.masked_array(values, mask=~valid)
    image = ax.imshow(
        matrix,
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
    )
    ax.figure.colorbar(image, ax=ax, label=label)
    ax.set_xlabel(f"recency: time of the last repeat purchase ({time_unit})")
    ax.set_ylabel("frequency (repeat purchases)")
    ax.set_title(title)
    return ax


def plot_probability_alive_matrix(
    model: PurchaseModel,
    /,
    *,
    T: float,  # noqa: N803 - the papers' name
    max_frequency: int,
    ax: Axes | None = None,
    cmap: str = "viridis",
    time_unit: str = "time units",
) -> Axes:
    """Draw P(alive) for every (frequency, recency) history at time ``T``.

    Rows are frequency ``0..max_frequency``, columns recency ``0..T`` in
    whole time units; histories that cannot happen (no repeat purchase
    but positive recency; for BG/BB, more transactions than periods) are
    masked. High recency with high frequency means alive; high frequency
    with low recency means probably gone.

    Args:
        model: A fitted purchase model (BG/NBD, Pareto/NBD or BG/BB).
        T: Length of observation, in the model's time unit.
        max_frequency: Largest frequency shown.
        ax: The axes to draw on; a new figure's axes by default.
        cmap: A matplotlib colour map name.
        time_unit: The model's time unit, for the labels (e.g.
            ``"weeks"``).

    Returns:
        The axes; the image (``ax.images[0]``) holds the matrix.

    Raises:
        InvariantError: ``T`` not a time > 0 (whole for BG/BB), or
            ``max_frequency`` not a whole number >= 1.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from customer_centric.clv import BgNbdFit
        >>> from customer_centric.plot import plot_probability_alive_matrix
        >>> fit = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> ax = plot_probability_alive_matrix(fit, T=39, max_frequency=10)
        >>> ax.images[0].get_array().shape
        (11, 40)
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    model = check_model(model, name="model")
    T = _time(T, name="T", limit=_MAX_GRID)  # noqa: N806 - the papers' name
    unit = _unit(time_unit)
    return _matrix_image(
        model,
        T,
        max_frequency,
        model.probability_alive,
        ax=ax,
        title=f"Probability alive at T = {T:g} {unit}",
        label="P(alive)",
        cmap=cmap,
        time_unit=unit,
    )


def plot_frequency_recency_matrix(
    model: PurchaseModel,
    /,
    *,
    t: float,
    T: float,  # noqa: N803 - the papers' name
    max_frequency: int,
    ax: Axes | None = None,
    cmap: str = "viridis",
    time_unit: str = "time units",
) -> Axes:
    """Draw expected purchases in the next ``t`` for every history at ``T``.

    The grid and masking are those of
    :func:`plot_probability_alive_matrix`; each cell is the model's
    conditional expected purchases in ``(T, T + t]``.

    Args:
        model: A fitted purchase model (BG/NBD, Pareto/NBD or BG/BB).
        t: Length of the prediction period, in the model's time unit.
        T: Length of observation, in the model's time unit.
        max_frequency: Largest frequency shown.
        ax: The axes to draw on; a new figure's axes by default.
        cmap: A matplotlib colour map name.
        time_unit: The model's time unit, for the labels (e.g.
            ``"weeks"``).

    Returns:
        The axes; the image (``ax.images[0]``) holds the matrix.

    Raises:
        InvariantError: Bad ``T`` or ``max_frequency`` (see above).
        DataError: ``t`` negative or not finite.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from customer_centric.clv import BgBbFit
        >>> from customer_centric.plot import plot_frequency_recency_matrix
        >>> fit = BgBbFit.from_parameters(
        ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
        >>> ax = plot_frequency_recency_matrix(
        ...     fit, t=5, T=6, max_frequency=6)
        >>> round(float(ax.images[0].get_array()[6, 6]), 2)
        3.75
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    model = check_model(model, name="model")
    T = _time(T, name="T", limit=_MAX_GRID)  # noqa: N806 - the papers' name
    horizon = _time(t, name="t", limit=_MAX_TIME)
    unit = _unit(time_unit)
    return _matrix_image(
        model,
        T,
        max_frequency,
        lambda x, t_x, big_t: model.conditional_expected_purchases(
            horizon, x, t_x, big_t
        ),
        ax=ax,
        title=(
            f"Expected purchases in the next {horizon:g} {unit}, at "
            f"T = {T:g} {unit}"
        ),
        label="expected purchases",
        cmap=cmap,
        time_unit=unit,
    )


def plot_period_transactions(
    model: BgNbdFit | MbgNbdFit | BgBbFit,
    frequency: ArrayLike,
    T: ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    max_frequency: int = _DEFAULT_MAX_FREQUENCY,
    ax: Axes | None = None,
) -> Axes:
    """Draw customers by repeat transactions: actual versus the model.

    The model's count for ``k`` repeat transactions is ``sum_i P(X(T_i) =
    k)`` over the customers, each with their own observation length; the
    last bar gathers ``max_frequency`` or more (FHL 2005, Figure 2).

    Args:
        model: A fitted BG/NBD, MBG/NBD or BG/BB model (they give the
            distribution of a new customer's purchases,
            ``probability_of_purchases``).
        frequency: Repeat transactions per customer (whole numbers).
        T: Observation length per customer (or one for all).
        max_frequency: The first count gathered into the last bar.
        ax: The axes to draw on; a new figure's axes by default.

    Returns:
        The axes; ``ax.containers[0]`` holds the actual bars and
        ``ax.containers[1]`` the model's.

    Raises:
        DataError: Bad frequencies or observation lengths.
        InvariantError: ``max_frequency`` not a whole number >= 1.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from customer_centric.clv import BgBbFit
        >>> from customer_centric.plot import plot_period_transactions
        >>> fit = BgBbFit.from_parameters(
        ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
        >>> ax = plot_period_transactions(
        ...     fit, [0, 0, 1, 6], 6, max_frequency=6)
        >>> ax.containers[0].datavalues.tolist()
        [2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    from customer_centric.clv import (  # noqa: PLC0415
        BgBbFit,
        BgNbdFit,
        MbgNbdFit,
    )

    if not isinstance(model, BgNbdFit | MbgNbdFit | BgBbFit):
        raise ArgumentTypeError.for_argument(
            "model", model, "a BgNbdFit, an MbgNbdFit or a BgBbFit"
        )
    _count(max_frequency, name="max_frequency")
    x = as_counts(frequency, name="frequency")
    big_t = as_non_negative(T, name="T")
    if big_t.size not in {1, x.size}:
        msg = (
            f"T has {big_t.size} values but there are {x.size} customers; "
            "pass one T per customer or one for all"
        )
        raise DataError(msg)
    big_t = np.broadcast_to(big_t, x.shape)
    bins = np.arange(max_frequency + 1)
    actual = np.bincount(
        np.minimum(x, max_frequency).astype(np.intp),
        minlength=max_frequency + 1,
    ).astype(np.float64)
    lengths, counts = np.unique(big_t, return_counts=True)
    probabilities = model.probability_of_purchases(
        bins[:-1, None].astype(np.float64), lengths[None, :]
    )
    expected = np.empty(max_frequency + 1)
    expected[:-1] = probabilities @ counts
    expected[-1] = x.size - expected[:-1].sum()
    ax = axes(ax)
    width = 0.4
    ax.bar(bins - width / 2, actual, width=width, label="Actual")
    ax.bar(bins + width / 2, expected, width=width, label="Model")
    ax.set_xticks(bins, [*(str(k) for k in bins[:-1]), f"{max_frequency}+"])
    ax.set_xlabel("repeat transactions")
    ax.set_ylabel("customers")
    ax.set_title("Frequency of repeat transactions")
    ax.legend()
    return ax


def plot_cumulative_transactions(
    model: PurchaseModel,
    birth_times: ArrayLike,
    repeat_transaction_times: ArrayLike,
    /,
    *,
    times: ArrayLike,
    calibration_end: float | None = None,
    ax: Axes | None = None,
    time_unit: str = "time units",
) -> Axes:
    """Tracking plot: cumulative repeat transactions, actual and model.

    On a common calendar (in the model's time unit, from any origin), each
    customer is "born" at their first purchase; the model's cumulative
    repeat transactions at calendar time ``tau`` are ``sum_i E[X(tau -
    b_i)]`` over the customers born by then, using the model's expected
    purchases of a new customer (FHL 2005, Figure 3). The actual curve
    counts the repeat transactions at or before ``tau``.

    Args:
        model: A fitted purchase model.
        birth_times: Calendar time of each customer's first purchase.
        repeat_transaction_times: Calendar time of every repeat
            transaction (first purchases excluded).
        times: Calendar times at which to draw the curves (increasing).
        calibration_end: Where to draw a vertical line marking the end of
            the calibration period.
        ax: The axes to draw on; a new figure's axes by default.
        time_unit: The time unit of the times, for the labels (e.g.
            ``"weeks"``).

    Returns:
        The axes; ``ax.lines[0]`` is the actual curve and ``ax.lines[1]``
        the model's (a calibration line, if any, comes after).

    Raises:
        DataError: Non-finite or empty inputs, or ``times`` not
            increasing.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from customer_centric.clv import BgNbdFit
        >>> from customer_centric.plot import plot_cumulative_transactions
        >>> fit = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> ax = plot_cumulative_transactions(
        ...     fit, [0.0, 2.0], [3.5, 10.0, 11.0], times=[5, 10, 20],
        ...     calibration_end=12)
        >>> ax.lines[0].get_ydata().tolist()
        [1.0, 2.0, 3.0]
        >>> ax.lines[1].get_ydata().round(3).tolist()
        [0.39, 0.792, 1.433]
        >>> plt.close(ax.figure)

    .. versionadded:: 0.1
    """
    model = check_model(model, name="model")
    end = (
        None
        if calibration_end is None
        else _time(calibration_end, name="calibration_end", limit=_MAX_TIME)
    )
    unit = _unit(time_unit)
    births = as_float_array(birth_times, name="birth_times")
    grid = as_float_array(times, name="times")
    bad = np.zeros(grid.size, dtype=np.bool_)
    bad[1:] = grid[1:] <= grid[:-1]
    reject_rows(bad, "times must be strictly increasing", ("times", grid))
    repeats = np.sort(
        as_floats(
            repeat_transaction_times, name="repeat_transaction_times"
        ).reshape(-1)
    )
    if not np.isfinite(repeats).all():
        msg = "repeat_transaction_times must be finite"
        raise DataError(msg)
    actual = np.searchsorted(repeats, grid, side="right").astype(np.float64)
    born, counts = np.unique(births, return_counts=True)
    expected = np.empty(grid.size)
    for k, tau in enumerate(grid):
        age = np.maximum(tau - born, 0.0)
        expected[k] = float(counts @ model.expected_purchases(age))
    ax = axes(ax)
    ax.plot(grid, actual, label="Actual")
    ax.plot(grid, expected, linestyle="--", label="Model")
    if end is not None:
        _calibration_line(ax, end)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("cumulative repeat transactions")
    ax.set_title("Tracking cumulative repeat transactions")
    ax.legend()
    return ax


def plot_calibration_vs_holdout(
    validation: HoldoutValidation,
    /,
    *,
    ax: Axes | None = None,
) -> Axes:
    """Mean holdout purchases by calibration frequency, actual and models.

    FHL 2005, Figure 4, and lifetimes'
    ``plot_calibration_purchases_vs_holdout_purchases``: one line for what
    the customers did and one per model, from
    :attr:`~customer_centric.clv.HoldoutValidation.by_frequency`.

    Args:
        validation: A report of
            :func:`~customer_centric.clv.validate_holdout`.
        ax: The axes to draw on; a new figure's axes by default.

    Returns:
        The axes; ``ax.lines[0]`` is the actual line, then one per model
        in the report's order.

    Raises:
        ArgumentTypeError: ``validation`` is not a holdout report.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from datetime import date
        >>> from customer_centric.clv import BgNbdFit, validate_holdout
        >>> from customer_centric.datasets import load_cdnow_sample
        >>> from customer_centric.plot import plot_calibration_vs_holdout
        >>> from customer_centric.value import rfm_calibration_holdout
        >>> cdnow = rfm_calibration_holdout(
        ...     load_cdnow_sample(), calibration_end=date(1997, 9, 30),
        ...     observation_end=date(1998, 6, 30), time_unit="W")
        >>> bg = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> report = validate_holdout(cdnow, models={"BG/NBD": bg})
        >>> ax = plot_calibration_vs_holdout(report)
        >>> ax.lines[0].get_ydata().round(2).tolist()[:3]
        [0.24, 0.7, 1.39]
        >>> ax.get_xticklabels()[-1].get_text()
        '7+'
        >>> plt.close(ax.figure)

    .. versionadded:: 0.2
    """
    from customer_centric.clv import HoldoutValidation  # noqa: PLC0415

    if not isinstance(validation, HoldoutValidation):
        raise ArgumentTypeError.for_argument(
            "validation",
            validation,
            "a HoldoutValidation from customer_centric.clv.validate_holdout",
        )
    table = validation.by_frequency
    positions = np.arange(len(table.frequency))
    ax = axes(ax)
    ax.plot(positions, table.actual, marker="o", label="Actual")
    for name, means in table.predicted.items():
        ax.plot(positions, means, linestyle="--", marker=".", label=name)
    ax.set_xticks(positions, list(table.labels()))
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean purchases in the holdout period")
    ax.set_title("Calibration versus holdout purchases")
    ax.legend()
    return ax


def plot_tracking(
    tracking: PurchaseTracking,
    /,
    *,
    cumulative: bool = True,
    ax: Axes | None = None,
    time_unit: str = "time units",
) -> Axes:
    """Tracking plot: repeat purchases per period, actual and every model.

    FHL 2005, Figure 3 (cumulative) and the weekly version beside it
    (incremental), with several models overlaid and a vertical line at the
    end of the calibration period.

    Args:
        tracking: The ``tracking`` of a
            :func:`~customer_centric.clv.validate_holdout` report made with
            ``transactions=``.
        cumulative: Cumulative purchases (``True``) or purchases per
            period.
        ax: The axes to draw on; a new figure's axes by default.
        time_unit: The time unit of the times, for the labels (e.g.
            ``"weeks"``).

    Returns:
        The axes; ``ax.lines[0]`` is the actual curve, then one per model,
        then the calibration line.

    Raises:
        ArgumentTypeError: ``tracking`` is not a tracking table (``None``
            when the report was made without transactions), or
            ``cumulative`` not a bool.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from datetime import date
        >>> from customer_centric import Transaction
        >>> from customer_centric.clv import (
        ...     BgNbdFit, ParetoNbdFit, validate_holdout)
        >>> from customer_centric.plot import plot_tracking
        >>> from customer_centric.value import rfm_calibration_holdout
        >>> log = [
        ...     Transaction(customer_id=c, occurred_at=date(2024, 1, d))
        ...     for c, days in {"A": (1, 8, 20), "B": (2, 25)}.items()
        ...     for d in days
        ... ]
        >>> split = rfm_calibration_holdout(
        ...     log, calibration_end=date(2024, 1, 14),
        ...     observation_end=date(2024, 1, 28), time_unit="W")
        >>> models = {
        ...     "BG/NBD": BgNbdFit.from_parameters(
        ...         r=0.5, alpha=2.0, a=0.8, b=2.5),
        ...     "Pareto/NBD": ParetoNbdFit.from_parameters(
        ...         r=0.5, alpha=2.0, s=0.6, beta=10.0)}
        >>> report = validate_holdout(split, models=models, transactions=log)
        >>> ax = plot_tracking(report.tracking)
        >>> ax.lines[0].get_ydata().tolist()
        [0.0, 1.0, 2.0, 3.0]
        >>> len(ax.lines)
        4
        >>> plt.close(ax.figure)

    .. versionadded:: 0.2
    """
    from customer_centric.clv import PurchaseTracking  # noqa: PLC0415

    if not isinstance(tracking, PurchaseTracking):
        raise ArgumentTypeError.for_argument(
            "tracking",
            tracking,
            "a PurchaseTracking: validate_holdout(split, models=..., "
            "transactions=log).tracking",
        )
    if not isinstance(cumulative, bool):
        raise ArgumentTypeError.for_argument(
            "cumulative", cumulative, "a bool"
        )
    unit = _unit(time_unit)
    ax = axes(ax)
    if cumulative:
        ax.plot(tracking.times, tracking.actual_cumulative, label="Actual")
        for name in tracking.expected:
            ax.plot(
                tracking.times,
                tracking.expected_cumulative(name),
                linestyle="--",
                label=name,
            )
    else:
        ax.plot(tracking.times, tracking.actual, label="Actual")
        for name, values in tracking.expected.items():
            ax.plot(tracking.times, values, linestyle="--", label=name)
    _calibration_line(ax, tracking.calibration_end)
    ax.set_xlabel(f"time since the start of the first period ({unit})")
    ax.set_ylabel(
        "cumulative repeat purchases"
        if cumulative
        else "repeat purchases per period"
    )
    ax.set_title("Tracking repeat purchases")
    ax.legend()
    return ax
