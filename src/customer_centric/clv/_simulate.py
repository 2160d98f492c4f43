"""Seeded simulation of customer bases: BG/NBD, MBG/NBD and GGom/NBD.

Used to test that fits recover known parameters and to benchmark fits at
scale on data that really come from the model (not tiled copies of one
data set).

.. versionadded:: 0.1
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    MAX_VALUE,
    FloatArray,
    as_non_negative,
    real_number,
)
from customer_centric.clv._rfm import RFMArrays
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)

__all__ = ["simulate_bg_nbd", "simulate_ggom_nbd", "simulate_mbg_nbd"]


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
    n = big_t.size
    rate = _purchase_rates(rng, r, alpha, big_t)
    eta = rng.gamma(s, 1 / beta, size=n)
    with np.errstate(divide="ignore", over="ignore"):
        lifetime = np.log1p(rng.standard_exponential(n) / eta) / b
    observed = np.minimum(lifetime, big_t)
    x = rng.poisson(rate * observed)
    repeat = x > 0
    fraction = np.zeros(n)
    fraction[repeat] = rng.beta(x[repeat], 1.0)
    return _summary(x, fraction * observed, big_t, resolution)


def _checked(
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    params: dict[str, float],
    /,
    *,
    seed: int | np.random.Generator,
    resolution: float | None,
) -> tuple[FloatArray, np.random.Generator]:
    """Check a simulation's inputs; the observation lengths and generator."""
    for name, value in params.items():
        if not (0 < real_number(value, name=name) <= MAX_VALUE):
            msg = f"{name} must be finite and > 0, got {value!r}"
            raise DataError(msg)
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


def _purchase_rates(
    rng: np.random.Generator, r: float, alpha: float, big_t: FloatArray
) -> FloatArray:
    """Each customer's purchase rate, refusing absurd expected counts."""
    rate = rng.gamma(r, 1 / alpha, size=big_t.size)
    expected = rate * big_t
    if not (expected <= MAX_VALUE).all():
        msg = (
            f"a customer would make {np.max(expected):.3g} purchases on "
            f"average (more than {MAX_VALUE:.0e}): alpha={alpha!r} is too "
            f"small for r={r!r} and T up to {np.max(big_t):.6g}; pass a "
            "larger alpha or shorter observation periods"
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
    return _summary(x, fraction * big_t, big_t, resolution)
