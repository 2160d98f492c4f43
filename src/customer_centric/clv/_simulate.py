"""Seeded simulation of customer bases: BG/NBD, MBG/NBD and GGom/NBD.

Used to test that fits recover known parameters and to benchmark fits at
scale on data that really come from the model (not tiled copies of one
data set). :func:`simulate_per_customer` draws each customer at their own
parameters (and also simulates the Pareto/NBD): the parametric bootstrap
of fits with covariates draws every customer at their covariate-scaled
parameters through it.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    MAX_VALUE,
    FloatArray,
    as_floats,
    as_non_negative,
    real_number,
)
from customer_centric._checks import check_choice
from customer_centric.clv._rfm import RFMArrays
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)

__all__ = [
    "SimulatedModel",
    "simulate_bg_nbd",
    "simulate_ggom_nbd",
    "simulate_mbg_nbd",
    "simulate_per_customer",
]

SimulatedModel: TypeAlias = Literal[
    "bg_nbd", "mbg_nbd", "pareto_nbd", "ggom_nbd"
]
"""The models :func:`simulate_per_customer` draws from."""

Parameter: TypeAlias = float | FloatArray
"""A parameter common to all customers, or one value per customer."""


def simulate_bg_nbd(
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    seed: int | np.random.Generator,
    resolution: float | None = None,
) -> RFMArrays:
    """Simulate one customer per value of ``T`` from the BG/NBD process.

    Each customer draws a purchase rate ``lambda ~ Gamma(r, rate=alpha)``
    and a dropout probability ``p ~ Beta(a, b)``; repeat purchases follow
    a Poisson process with rate ``lambda`` and, after each one, the
    customer drops out with probability ``p`` (Fader, Hardie & Lee 2005,
    assumptions i-v). Exactly: with ``N ~ Poisson(lambda T)`` purchases in
    ``(0, T]`` and ``K ~ Geometric(p)`` purchases before dropping out,
    ``x = min(N, K)`` and ``t_x`` is the ``x``-th of ``N`` uniform times
    on ``(0, T]``.

    Args:
        T: Observation length of each customer, in the model's time unit.
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate of that gamma distribution.
        a: First shape of the beta distribution of dropout probabilities.
        b: Second shape of that beta distribution.
        seed: A seed or a numpy ``Generator``; the same seed gives the same
            customers.
        resolution: Round recency down to a multiple of this (e.g. ``1/7``
            for whole days when the unit is weeks), as a transaction log
            recorded by day would; ``None`` keeps exact times.

    Returns:
        The simulated summary (weights all one).

    Raises:
        DataError: A parameter is not finite and positive, or ``T`` is
            negative.

    Examples:
        >>> from customer_centric.clv import simulate_bg_nbd
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 5, r=0.24, alpha=4.4, a=0.79, b=2.4, seed=1,
        ...     resolution=1 / 7)
        >>> sim.frequency.shape, bool((sim.recency <= sim.T).all())
        ((5,), True)

    .. versionadded:: 0.1
    """
    return _simulate_beta_geometric(
        T,
        (r, alpha, a, b),
        seed=seed,
        resolution=resolution,
        dropout_at_zero=False,
    )


def simulate_mbg_nbd(
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    r: float,
    alpha: float,
    a: float,
    b: float,
    seed: int | np.random.Generator,
    resolution: float | None = None,
) -> RFMArrays:
    """Simulate one customer per value of ``T`` from the MBG/NBD process.

    As :func:`simulate_bg_nbd`, except that the customer may also drop out
    at time 0, right after the first purchase (Batislam, Denizel &
    Filiztekin 2007): the repeat purchases made before dropping out are
    ``K - 1`` with ``K ~ Geometric(p)``, so ``x = min(N, K - 1)``.

    Args:
        T: Observation length of each customer, in the model's time unit.
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate of that gamma distribution.
        a: First shape of the beta distribution of dropout probabilities.
        b: Second shape of that beta distribution.
        seed: A seed or a numpy ``Generator``; the same seed gives the same
            customers.
        resolution: Round recency down to a multiple of this; ``None``
            keeps exact times.

    Returns:
        The simulated summary (weights all one).

    Raises:
        DataError: A parameter is not finite and positive, or ``T`` is
            negative.

    Examples:
        >>> from customer_centric.clv import simulate_mbg_nbd
        >>> sim = simulate_mbg_nbd(
        ...     [39.0] * 5, r=0.52, alpha=6.2, a=0.89, b=1.6, seed=1)
        >>> sim.frequency.shape, bool((sim.recency <= sim.T).all())
        ((5,), True)

    .. versionadded:: 0.2
    """
    return _simulate_beta_geometric(
        T,
        (r, alpha, a, b),
        seed=seed,
        resolution=resolution,
        dropout_at_zero=True,
    )


def simulate_ggom_nbd(
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    r: float,
    alpha: float,
    b: float,
    s: float,
    beta: float,
    seed: int | np.random.Generator,
    resolution: float | None = None,
) -> RFMArrays:
    """Simulate one customer per value of ``T`` from the GGom/NBD process.

    Each customer draws a purchase rate ``lambda ~ Gamma(r, rate=alpha)``
    and ``eta ~ Gamma(s, rate=beta)``; the lifetime is Gompertz,
    ``P(tau > y) = exp(-eta (e^(b y) - 1))`` (Bemmaor & Glady 2012), drawn
    by inversion as ``tau = log(1 + E/eta) / b`` with ``E`` standard
    exponential. The customer buys as a Poisson process with rate
    ``lambda`` until ``min(tau, T)``: ``x`` is Poisson and, given ``x``,
    the last purchase is the largest of ``x`` uniform times.

    Args:
        T: Observation length of each customer, in the model's time unit.
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate of that gamma distribution.
        b: The Gompertz scale (how fast the hazard of dropping out grows).
        s: Shape of the gamma distribution of ``eta``.
        beta: Rate of that gamma distribution.
        seed: A seed or a numpy ``Generator``; the same seed gives the same
            customers.
        resolution: Round recency down to a multiple of this; ``None``
            keeps exact times.

    Returns:
        The simulated summary (weights all one).

    Raises:
        DataError: A parameter is not finite and positive, or ``T`` is
            negative.

    Examples:
        The parameters of BTYDplus's GGom/NBD example:

        >>> from customer_centric.clv import simulate_ggom_nbd
        >>> sim = simulate_ggom_nbd(
        ...     [32.0] * 5, r=0.85, alpha=4.45, b=0.12, s=0.75, beta=9.55,
        ...     seed=1)
        >>> sim.frequency.shape, bool((sim.recency <= sim.T).all())
        ((5,), True)

    .. versionadded:: 0.2
    """
    big_t, rng = _checked(
        T,
        {"r": r, "alpha": alpha, "b": b, "s": s, "beta": beta},
        seed=seed,
        resolution=resolution,
    )
    x, recency = _ggom_draws(rng, big_t, (r, alpha, b, s, beta))
    return _summary(x, recency, big_t, resolution)


def check_parameters(params: Mapping[str, object], /) -> None:
    """Refuse a model parameter that is not a finite number > 0.

    Raises:
        DataError: One is 0, negative, NaN or above 1e12.
        ArgumentTypeError: One is not a real number.
    """
    for name, value in params.items():
        if not (0 < real_number(value, name=name) <= MAX_VALUE):
            msg = f"{name} must be finite and > 0, got {value!r}"
            raise DataError(msg)


def _checked(
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    params: dict[str, float],
    /,
    *,
    seed: int | np.random.Generator,
    resolution: float | None,
) -> tuple[FloatArray, np.random.Generator]:
    """Check a simulation's inputs; the observation lengths and generator."""
    check_parameters(params)
    if resolution is not None and not (
        0 < real_number(resolution, name="resolution") <= MAX_VALUE
    ):
        msg = f"resolution must be > 0 or None, got {resolution!r}"
        raise DataError(msg)
    return as_non_negative(T, name="T"), generator(seed)


def generator(seed: object, /) -> np.random.Generator:
    """The random generator a simulation draws from: ``seed``'s own.

    Raises:
        ArgumentTypeError: ``seed`` is neither an int nor a ``Generator``.
        InvariantError: ``seed`` is a negative int (numpy refuses those).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ArgumentTypeError.for_argument(
            "seed", seed, "an int or a numpy.random.Generator"
        )
    if seed < 0:
        msg = f"seed must be a whole number >= 0, got {seed!r}; use e.g. 2024"
        raise InvariantError(msg)
    return np.random.default_rng(seed)


def gamma_draws(
    rng: np.random.Generator, shape: Parameter, rate: Parameter, size: int
) -> FloatArray:
    """``Gamma(shape, rate)`` draws (numpy takes the scale, ``1 / rate``).

    A rate so small that its reciprocal overflows (a subnormal number,
    below 2.2e-308) has an infinite scale, so its draws are infinite: an
    infinite purchase rate, which :func:`_purchase_rates` refuses, or an
    infinite dropout rate, a customer gone at once.
    """
    with np.errstate(divide="ignore", over="ignore"):
        scale = 1 / np.asarray(rate)
    draws: FloatArray = rng.gamma(shape, scale, size=size)
    return draws


def _purchase_rates(
    rng: np.random.Generator, r: Parameter, alpha: Parameter, big_t: FloatArray
) -> FloatArray:
    """Each customer's purchase rate, refusing absurd expected counts.

    Parameters given per customer draw the same stream as the same
    values given once (numpy draws elementwise, in order).
    """
    rate = gamma_draws(rng, r, alpha, big_t.size)
    with np.errstate(invalid="ignore"):  # an infinite rate times T = 0
        expected = np.where(np.isfinite(rate), rate * big_t, np.inf)
    if not (expected <= MAX_VALUE).all():
        worst = int(np.argmax(expected))
        their_alpha = float(np.broadcast_to(alpha, big_t.shape)[worst])
        their_r = float(np.broadcast_to(r, big_t.shape)[worst])
        msg = (
            f"a customer would make {expected[worst]:.3g} purchases on "
            f"average (more than {MAX_VALUE:.0e}): alpha={their_alpha!r} is "
            f"too small for r={their_r!r} and T up to {np.max(big_t):.6g}; "
            "pass a larger alpha or shorter observation periods"
        )
        raise DataError(msg)
    return rate


def _summary(
    x: npt.NDArray[np.int64],
    recency: FloatArray,
    big_t: FloatArray,
    resolution: float | None,
) -> RFMArrays:
    """The simulated customers as a summary, recency rounded if asked."""
    repeat = x > 0
    if resolution is not None:
        # The tiny offset keeps exact multiples (30/7 weeks) on their day.
        recency = np.floor(recency / resolution + 1e-9) * resolution
        recency = np.minimum(recency, big_t)
    return RFMArrays(
        frequency=x.astype(np.float64),
        recency=np.where(repeat, recency, 0.0),
        T=big_t,
        weights=np.ones(big_t.size),
    )


def _simulate_beta_geometric(
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    params: tuple[float, float, float, float],
    /,
    *,
    seed: int | np.random.Generator,
    resolution: float | None,
    dropout_at_zero: bool,
) -> RFMArrays:
    """The BG/NBD (or, dropping out at 0 too, MBG/NBD) simulation."""
    r, alpha, a, b = params
    big_t, rng = _checked(
        T,
        {"r": r, "alpha": alpha, "a": a, "b": b},
        seed=seed,
        resolution=resolution,
    )
    x, recency = _beta_geometric_draws(
        rng, big_t, params, dropout_at_zero=dropout_at_zero
    )
    return _summary(x, recency, big_t, resolution)


def _beta_geometric_draws(
    rng: np.random.Generator,
    big_t: FloatArray,
    params: tuple[Parameter, Parameter, Parameter, Parameter],
    /,
    *,
    dropout_at_zero: bool,
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Frequency and exact recency of BG/NBD (or MBG/NBD) customers."""
    r, alpha, a, b = params
    n = big_t.size
    rate = _purchase_rates(rng, r, alpha, big_t)
    dropout = rng.beta(a, b, size=n)
    purchases = rng.poisson(rate * big_t)
    before_dropout = rng.geometric(np.clip(dropout, 1e-300, 1.0))
    if dropout_at_zero:
        before_dropout -= 1
    x = np.minimum(purchases, before_dropout)
    repeat = x > 0
    fraction = np.zeros(n)
    fraction[repeat] = rng.beta(x[repeat], purchases[repeat] - x[repeat] + 1)
    return x, fraction * big_t


def _poisson_until(
    rng: np.random.Generator, rate: FloatArray, observed: FloatArray
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Purchases at ``rate`` over ``(0, observed]``, and the last one's time.

    Given ``x`` purchases, their times are ``x`` uniform times on the
    period, so the last is ``observed`` times a ``Beta(x, 1)`` draw.
    """
    x = rng.poisson(rate * observed)
    repeat = x > 0
    fraction = np.zeros(x.size)
    fraction[repeat] = rng.beta(x[repeat], 1.0)
    return x, fraction * observed


def _ggom_draws(
    rng: np.random.Generator,
    big_t: FloatArray,
    params: tuple[Parameter, Parameter, Parameter, Parameter, Parameter],
    /,
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Frequency and exact recency of GGom/NBD customers."""
    r, alpha, b, s, beta = params
    n = big_t.size
    rate = _purchase_rates(rng, r, alpha, big_t)
    eta = gamma_draws(rng, s, beta, n)
    with np.errstate(divide="ignore", over="ignore"):
        lifetime = np.log1p(rng.standard_exponential(n) / eta) / b
    return _poisson_until(rng, rate, np.minimum(lifetime, big_t))


def _pareto_draws(
    rng: np.random.Generator,
    big_t: FloatArray,
    params: tuple[Parameter, Parameter, Parameter, Parameter],
    /,
) -> tuple[npt.NDArray[np.int64], FloatArray]:
    """Frequency and exact recency of Pareto/NBD customers.

    Schmittlein, Morrison & Colombo (1987): a purchase rate ``lambda ~
    Gamma(r, rate=alpha)`` and a dropout rate ``mu ~ Gamma(s, rate=beta)``;
    the lifetime is exponential with rate ``mu`` and the customer buys as
    a Poisson process with rate ``lambda`` until ``min(tau, T)``.
    """
    r, alpha, s, beta = params
    n = big_t.size
    rate = _purchase_rates(rng, r, alpha, big_t)
    mu = gamma_draws(rng, s, beta, n)
    with np.errstate(divide="ignore"):
        lifetime = rng.standard_exponential(n) / mu
    return _poisson_until(rng, rate, np.minimum(lifetime, big_t))


_Draws: TypeAlias = Callable[
    [np.random.Generator, FloatArray, tuple[FloatArray, ...]],
    tuple[npt.NDArray[np.int64], FloatArray],
]

_DRAWS: Final[dict[SimulatedModel, tuple[tuple[str, ...], _Draws]]] = {
    "bg_nbd": (
        ("r", "alpha", "a", "b"),
        lambda rng, t, p: _beta_geometric_draws(
            rng, t, (p[0], p[1], p[2], p[3]), dropout_at_zero=False
        ),
    ),
    "mbg_nbd": (
        ("r", "alpha", "a", "b"),
        lambda rng, t, p: _beta_geometric_draws(
            rng, t, (p[0], p[1], p[2], p[3]), dropout_at_zero=True
        ),
    ),
    "pareto_nbd": (
        ("r", "alpha", "s", "beta"),
        lambda rng, t, p: _pareto_draws(rng, t, (p[0], p[1], p[2], p[3])),
    ),
    "ggom_nbd": (
        ("r", "alpha", "b", "s", "beta"),
        lambda rng, t, p: _ggom_draws(rng, t, (p[0], p[1], p[2], p[3], p[4])),
    ),
}
"""Each model's parameters, in the order its draws take them."""


def simulate_per_customer(
    model: SimulatedModel,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    params: Mapping[str, npt.ArrayLike],
    /,
    *,
    seed: int | np.random.Generator,
) -> RFMArrays:
    """Simulate one customer per value of ``T``, each at their own parameters.

    As :func:`simulate_bg_nbd`, :func:`simulate_mbg_nbd` and
    :func:`simulate_ggom_nbd` (and, for ``"pareto_nbd"``, Schmittlein,
    Morrison & Colombo's process: exponential lifetimes with gamma
    distributed rates), except that every parameter may be one value per
    customer: each customer's purchase rate (and dropout probability or
    rate) is drawn from the mixing distributions at that customer's
    parameters, as a model with covariates defines them (e.g. a customer's
    own ``alpha_i = alpha exp(-gamma' z_i)``). Parameters equal for every
    customer draw exactly the customers the plain simulation draws from
    the same seed. Recency is exact (not rounded).

    Args:
        model: ``"bg_nbd"``, ``"mbg_nbd"``, ``"pareto_nbd"`` or
            ``"ggom_nbd"``.
        T: Observation length of each customer.
        params: Every parameter of the model by name (``r, alpha, a, b``;
            ``r, alpha, s, beta``; ``r, alpha, b, s, beta``), each a number
            or one value per customer.
        seed: A seed or a numpy ``Generator``.

    Returns:
        The simulated summary (weights all one).

    Raises:
        DataError: A parameter is missing, unknown, not finite and
            positive, or not one value per customer; ``T`` is negative.
        ArgumentTypeError: ``seed`` is not an int or a ``Generator``.
        InvariantError: ``model`` is unknown.

    Examples:
        Two Pareto/NBD customers, the second with half the purchase scale
        (twice the purchase rate on average):

        >>> from customer_centric.clv._simulate import simulate_per_customer
        >>> sim = simulate_per_customer(
        ...     "pareto_nbd", [39.0, 39.0],
        ...     {"r": 0.55, "alpha": [10.6, 5.3], "s": 0.61, "beta": 11.7},
        ...     seed=1)
        >>> sim.frequency.shape, bool((sim.recency <= sim.T).all())
        ((2,), True)

    .. versionadded:: 0.2
    """
    names, draws = _DRAWS[check_choice(model, tuple(_DRAWS), name="model")]
    big_t, rng = _checked(T, {}, seed=seed, resolution=None)
    given = sorted(params)
    if given != sorted(names):
        msg = (
            f"the {model} simulation takes the parameters {list(names)!r}, "
            f"got {given!r}; pass each once"
        )
        raise DataError(msg)
    values = tuple(
        _per_customer(params[name], name=name, n=big_t.size) for name in names
    )
    x, recency = draws(rng, big_t, values)
    return _summary(x, recency, big_t, None)


def _per_customer(
    values: npt.ArrayLike, /, *, name: str, n: int
) -> FloatArray:
    """One positive, finite value of a parameter per customer."""
    array = as_floats(values, name=name).reshape(-1)
    if array.size not in {1, n}:
        msg = (
            f"{name} must be a number or one value per customer ({n}), got "
            f"{array.size} values"
        )
        raise DataError(msg)
    bad = ~((array > 0) & (array <= MAX_VALUE))
    if bad.any():
        msg = (
            f"{name} must be finite and > 0 for every customer, got "
            f"{float(array[bad][0])!r} (customer {int(np.argmax(bad))}); a "
            "covariate far out of the fitted range can scale a parameter "
            "out of bounds"
        )
        raise DataError(msg)
    return np.broadcast_to(array, (n,))
