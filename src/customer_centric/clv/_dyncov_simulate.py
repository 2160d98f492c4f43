"""Simulating the Pareto/NBD with time-varying covariates.

Each customer draws ``lambda ~ Gamma(r, alpha)`` and ``mu ~ Gamma(s,
beta)``; with the covariates' steps ``a(t) = exp(gamma_purchase . z(t))``
and ``b(t) = exp(gamma_dropout . z(t))`` (see
:mod:`~customer_centric.clv._dyncov_likelihood`) the lifetime is
``B^-1(E / mu)`` for ``E ~ Exp(1)``, and the repeat purchases are the
points of a unit Poisson process on ``(0, lambda A(end))`` mapped back
through ``A^-1`` (time change of a Poisson process), ``A`` and ``B``
being piecewise linear. Purchases are recorded on their calendar day, as
the transaction log keeps them.

.. versionadded:: 0.2
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Final, cast, final

import attrs
import numpy as np

from customer_centric._arrays import MAX_VALUE, FloatArray, real_number
from customer_centric.clv._dyncov_paths import _EPOCH, _read
from customer_centric.clv._simulate import (
    check_parameters,
    gamma_draws,
    generator,
)
from customer_centric.exceptions import ArgumentTypeError, DataError

if TYPE_CHECKING:
    from customer_centric.clv._covariates import Covariates
    from customer_centric.value import TimeUnit, Transaction

__all__ = [
    "CustomerDraw",
    "DynamicSimulation",
    "draw_customer",
    "simulate_pareto_nbd_dynamic",
]


@final
@attrs.frozen(kw_only=True)
class DynamicSimulation:
    """A simulated transaction log, with what the log does not show.

    Attributes:
        transactions: The purchases (first purchase included), one per
            customer and day, in customer order.
        lifetimes: Each customer's drawn lifetime from their first
            purchase, in the time unit (may run past the end).
        purchase_rates: Each customer's drawn ``lambda``.
        dropout_rates: Each customer's drawn ``mu``.

    .. versionadded:: 0.2
    """

    transactions: tuple[Transaction, ...]
    lifetimes: dict[str, float]
    purchase_rates: dict[str, float]
    dropout_rates: dict[str, float]


@final
@attrs.frozen(kw_only=True, eq=False)
class CustomerDraw:
    """One customer's drawn rates, lifetime and repeat purchase times.

    Attributes:
        lam: The purchase rate ``lambda``.
        mu: The dropout rate ``mu``.
        lifetime: The lifetime from the first purchase (``inf`` if the
            customer outlives the path).
        moments: The repeat purchases' times on the customer's clock,
            sorted, within the path.
    """

    lam: float
    mu: float
    lifetime: float
    moments: FloatArray


def draw_customer(
    times: FloatArray,
    log_a: FloatArray,
    log_b: FloatArray,
    parameters: tuple[float, float, float, float],
    rng: np.random.Generator,
) -> CustomerDraw:
    """Draw one customer along a path of constant covariates on pieces.

    ``times`` are the pieces' bounds on the customer's clock (from 0, in
    the time unit; one bound and no piece for an empty path), ``log_a``
    and ``log_b`` each piece's ``gamma_purchase . z`` and ``gamma_dropout
    . z``, ``parameters`` ``r, alpha, s, beta``. The draws, in this
    order: ``lambda``, ``mu``, the lifetime's unit exponential, the
    number of purchases, their places (see the module). Shared by
    :func:`simulate_pareto_nbd_dynamic` and the parametric bootstrap.
    """
    r, alpha, s, beta = parameters
    lengths = np.diff(times)
    big_a = np.concatenate([[0.0], np.cumsum(np.exp(log_a) * lengths)])
    big_b = np.concatenate([[0.0], np.cumsum(np.exp(log_b) * lengths)])
    lam = float(gamma_draws(rng, r, alpha, 1)[0])
    mu = float(gamma_draws(rng, s, beta, 1)[0])
    with np.errstate(divide="ignore"):  # a rate drawn as 0
        level = rng.exponential() / np.float64(mu)
    lifetime = (
        float(_inverse(big_b, times, np.array([level]))[0])
        if level < big_b[-1]
        else math.inf
    )
    stop = float(np.interp(min(lifetime, times[-1]), times, big_a))
    with np.errstate(invalid="ignore"):  # an infinite rate over no time
        expected = float(lam * stop) if stop > 0 else 0.0
    if not expected <= MAX_VALUE:
        msg = (
            f"a customer would make {expected:.3g} purchases on average "
            f"(more than {MAX_VALUE:.0e}): alpha={alpha!r} is too small for "
            f"r={r!r}; pass a larger alpha"
        )
        raise DataError(msg)
    count = rng.poisson(expected)
    arrivals = np.sort(rng.uniform(0.0, stop, size=count))
    return CustomerDraw(
        lam=float(lam),
        mu=float(mu),
        lifetime=lifetime,
        moments=_inverse(big_a, times, arrivals),
    )


def _inverse(
    cumulative: FloatArray, times: FloatArray, level: FloatArray
) -> FloatArray:
    """``t`` where the piecewise-linear ``cumulative`` reaches ``level``."""
    return np.interp(level, cumulative, times)


def simulate_pareto_nbd_dynamic(
    covariates: Covariates,
    /,
    *,
    first_purchases: Mapping[str, date],
    end: date,
    r: float,
    alpha: float,
    s: float,
    beta: float,
    purchase: Mapping[str, float],
    dropout: Mapping[str, float],
    seed: int | np.random.Generator,
    time_unit: TimeUnit | timedelta = "W",
    id_column: str = "customer_id",
    period_column: str = "period_start",
) -> DynamicSimulation:
    """Simulate customers of the Pareto/NBD with time-varying covariates.

    Args:
        covariates: The long covariate table (as for
            :func:`~customer_centric.clv.covariate_paths`), covering each
            customer from the first purchase to ``end``.
        first_purchases: Each customer's first purchase day.
        end: The last day simulated.
        r: Shape of the purchase rates' gamma distribution.
        alpha: Its rate.
        s: Shape of the dropout rates' gamma distribution.
        beta: Its rate.
        purchase: The purchase coefficients by covariate name.
        dropout: The dropout coefficients by covariate name.
        seed: A seed or a numpy ``Generator``.
        time_unit: The unit of the rates.
        id_column: The table's customer id column.
        period_column: The table's period-start column.

    Returns:
        The log and the drawn lifetimes and rates.

    Raises:
        DataError: A customer without rows, a coefficient of an unknown
            covariate or not finite, a first purchase after ``end``, a
            parameter that is not a finite number > 0, a customer's
            ``gamma . z`` beyond 27.6 in size (a factor of 1e12 on a rate),
            or a customer expected to make over 1e12 purchases.
        ArgumentTypeError: ``seed`` is neither an int nor a ``Generator``;
            a parameter or coefficient is not a real number;
            ``first_purchases``, ``purchase`` or ``dropout`` is not a
            mapping, or ``end`` or a first purchase is not a date.
        InvariantError: ``seed`` is negative.

    .. versionadded:: 0.2
    """
    from customer_centric._types import CustomerId  # noqa: PLC0415
    from customer_centric.value import (  # noqa: PLC0415
        Transaction,
        days_per_unit,
    )

    check_parameters({"r": r, "alpha": alpha, "s": s, "beta": beta})
    _check_arguments(first_purchases, end, purchase, dropout)
    unit = days_per_unit(time_unit)
    grid = _read(covariates, id_column=id_column, period_column=period_column)
    gamma_p = _coefficients(purchase, grid.names, "purchase")
    gamma_d = _coefficients(dropout, grid.names, "dropout")
    rng = generator(seed)
    last = (end - _EPOCH).days
    row_of = {who: i for i, who in enumerate(grid.ids)}
    log: list[Transaction] = []
    lifetimes, lambdas, mus = {}, {}, {}
    for who, day in first_purchases.items():
        if who not in row_of:
            msg = f"customer {who!r} has no covariate rows; pass rows for it"
            raise DataError(msg)
        first = (day - _EPOCH).days
        if first > last or first < grid.starts[0] or last > grid.end:
            msg = (
                f"customer {who!r} first buys on {day.isoformat()}, which "
                f"with end={end.isoformat()} the covariates do not cover"
            )
            raise DataError(msg)
        inside = grid.starts[(grid.starts > first) & (grid.starts < last)]
        bounds = np.concatenate([[first], inside, [last]]).astype(np.float64)
        period = np.searchsorted(grid.starts, bounds[:-1], side="right") - 1
        values = grid.values[row_of[who]][period]
        times = (bounds - first) / unit
        drawn = draw_customer(
            times,
            _exponents(values, gamma_p, "purchase", who),
            _exponents(values, gamma_d, "dropout", who),
            (r, alpha, s, beta),
            rng,
        )
        days = {
            first,
            *(first + np.floor(drawn.moments * unit).astype(int)).tolist(),
        }
        log.extend(
            Transaction(
                customer_id=CustomerId(who),
                occurred_at=_EPOCH + timedelta(days=d),
            )
            for d in sorted(days)
            if d <= last
        )
        lifetimes[who] = drawn.lifetime
        lambdas[who] = drawn.lam
        mus[who] = drawn.mu
    return DynamicSimulation(
        transactions=tuple(log),
        lifetimes=lifetimes,
        purchase_rates=lambdas,
        dropout_rates=mus,
    )


def _check_arguments(
    first_purchases: object, end: object, purchase: object, dropout: object
) -> None:
    """Refuse arguments of the wrong type, naming them."""
    for name, given in (
        ("first_purchases", first_purchases),
        ("purchase", purchase),
        ("dropout", dropout),
    ):
        if not isinstance(given, Mapping):
            raise ArgumentTypeError.for_argument(name, given, "a mapping")
    _check_day(end, name="end")
    for who, day in cast("Mapping[object, object]", first_purchases).items():
        _check_day(day, name=f"first_purchases[{who!r}]")


def _check_day(value: object, /, *, name: str) -> None:
    # A datetime is a date too, but the simulation counts whole days.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ArgumentTypeError.for_argument(
            name, value, "a date (a datetime.date, not a datetime)"
        )


def _coefficients(
    given: Mapping[str, float], names: tuple[str, ...], process: str
) -> FloatArray:
    """The coefficients as a vector over the table's columns (0 if absent)."""
    vector = np.zeros(len(names))
    for name, value in given.items():
        if name not in names:
            msg = (
                f"{process} names the covariate {name!r}, which the table "
                f"lacks (it has {list(names)!r})"
            )
            raise DataError(msg)
        coefficient = real_number(value, name=f"{process}[{name!r}]")
        if not math.isfinite(coefficient):
            msg = (
                f"{process} coefficient {name!r} must be finite, got {value!r}"
            )
            raise DataError(msg)
        vector[names.index(name)] = coefficient
    return vector


_LARGEST_EXPONENT: Final = math.log(MAX_VALUE)
"""A rate's covariate factor ``exp(gamma . z)`` is at most 1e12 (and at
least 1e-12): past that the draws lose their meaning (and overflow)."""


def _exponents(
    values: FloatArray, coefficients: FloatArray, process: str, who: str
) -> FloatArray:
    """``gamma . z`` on each piece of a customer's path, refused if huge."""
    exponents: FloatArray = values @ coefficients
    worst = float(np.abs(exponents).max(initial=0.0))
    if not worst <= _LARGEST_EXPONENT:
        msg = (
            f"the {process} coefficients times customer {who!r}'s "
            f"covariates reach {worst:.3g} in size, a factor e^{worst:.3g} "
            f"on the rate (at most e^{_LARGEST_EXPONENT:.3g}, 1e12, is "
            "drawn); pass smaller coefficients or rescale the covariates"
        )
        raise DataError(msg)
    return exponents
