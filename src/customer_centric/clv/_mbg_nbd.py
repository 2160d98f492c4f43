"""The modified BG/NBD model of repeat buying (Batislam et al. 2007).

As in the BG/NBD, an active customer buys as a Poisson process with rate
``lambda`` (gamma distributed across customers, shape ``r``, rate
``alpha``) and may drop out with probability ``p`` (beta distributed with
``a, b``); the MBG/NBD lets the customer drop out at time 0, right after
the first purchase, as well as after each repeat purchase. A customer who
never comes back is then not certain to be alive, which the BG/NBD
assumes. Source: E. P. Batislam, M. Denizel and A. Filiztekin (2007),
"Empirical validation and comparison of models for customer base
analysis", *International Journal of Research in Marketing* 24(3),
201-209; the same model is lifetimes' ``ModifiedBetaGeoFitter``.

Derivation. Given ``lambda`` and ``p``, a customer with ``x`` repeat
purchases, the last at ``t_x``, observed for ``T`` is either alive at
``T`` (survived ``x + 1`` chances) or dropped out right after the ``x``-th
purchase (survived ``x`` chances, then left)::

    L(lambda, p) = lambda^x [(1-p)^(x+1) e^(-lambda T)
                             + p (1-p)^x e^(-lambda t_x)]

and integrating over the gamma and beta mixtures gives Batislam et al.'s
likelihood::

    L = Gamma(r+x) alpha^r / Gamma(r) * [B(a, b+x+1) / B(a, b) (alpha+T)^-(r+x)
        + B(a+1, b+x) / B(a, b) (alpha+t_x)^-(r+x)]

The share of the first term is P(alive), ``1 / (1 + a/(b+x)
((alpha+T)/(alpha+t_x))^(r+x))`` (no special case for ``x = 0``). Given
alive, the posterior of ``p`` is Beta(a, b+x+1) and that of ``lambda``
Gamma(r+x, alpha+T), so the conditional expectation is the BG/NBD's
expectation given alive with ``b + 1`` in place of ``b``, times P(alive):
Batislam et al.'s expression, ``(a+b+x)/(a-1) [1 - ((alpha+T)/(alpha+T+t))
^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))] * P(alive)``. Every
numerical safeguard of :mod:`~customer_centric.clv._bg_nbd` carries over.

.. versionadded:: 0.2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray, as_horizon
from customer_centric._extras import defer_import
from customer_centric.clv._bg_nbd import _BOUNDARIES
from customer_centric.clv._bg_nbd import (
    _conditional_expected as _bg_nbd_expected,
)
from customer_centric.clv._records import FittedModel, given_parameter_fields
from customer_centric.clv._rfm import (
    broadcast_rfm,
    compress,
    factorise,
    fit_compressed,
    purchase_counts,
    purchase_scales,
)

if TYPE_CHECKING:
    from scipy import special
else:
    special = defer_import("scipy.special")

__all__ = ["MbgNbdFit", "fit_mbg_nbd"]

_MODEL: Final = "MBG/NBD"


class MbgNbdFit(FittedModel):
    """A fitted MBG/NBD model: parameters, standard errors and predictions.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Rate (scale) of that gamma distribution, in the data's time
            unit.
        a: First shape of the beta distribution of dropout probabilities.
        b: Second shape of that beta distribution.

    Examples:
        The parameters lifetimes' ``ModifiedBetaGeoFitter`` (0.11.3) fits
        on the CDNOW summary (a peer's fit, not a published table): the
        customer with 2 repeat purchases, the last at week 30.43, observed
        for 38.86 weeks, expects about 1.263 purchases in the next 39 weeks.

        >>> from customer_centric.clv import MbgNbdFit
        >>> fit = MbgNbdFit.from_parameters(
        ...     r=0.5248, alpha=6.183, a=0.8914, b=1.614)
        >>> round(float(fit.conditional_expected_purchases(
        ...     39, 2, 30.43, 38.86)), 3)
        1.263

    .. versionadded:: 0.2
    """

    parameter_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")

    r: float
    alpha: float
    a: float
    b: float

    @classmethod
    def from_parameters(
        cls, *, r: float, alpha: float, a: float, b: float
    ) -> MbgNbdFit:
        """Build a model from known parameters (no data, no uncertainty).

        Standard errors are NaN, the log-likelihood is NaN and
        ``n_customers`` is 0: use it to predict with published parameters.

        Examples:
            >>> from customer_centric.clv import MbgNbdFit
            >>> MbgNbdFit.from_parameters(r=1, alpha=2, a=1, b=2).b
            2.0

        .. versionadded:: 0.2
        """
        return cls.model_validate(
            given_parameter_fields({"r": r, "alpha": alpha, "a": a, "b": b})
        )

    def probability_alive(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Probability that a customer with this history is still active.

        Batislam et al. (2007): ``1 / (1 + a/(b+x)
        ((alpha+T)/(alpha+t_x))^(r+x))``, computed as a logistic of a
        log-ratio. Unlike the BG/NBD, a customer with no repeat purchase
        may have left.

        Args:
            frequency: Repeat purchases ``x``.
            recency: Time of the last repeat purchase ``t_x``.
            T: Length of observation.

        Returns:
            P(alive) in [0, 1], in the broadcast shape of the inputs.

        Examples:
            >>> from customer_centric.clv import MbgNbdFit
            >>> fit = MbgNbdFit.from_parameters(
            ...     r=0.5248, alpha=6.183, a=0.8914, b=1.614)
            >>> fit.probability_alive([0, 2, 2], [0, 30.43, 5], 38.86).round(3)
            array([0.39 , 0.706, 0.107])

        .. versionadded:: 0.2
        """
        x, t_x, big_t = broadcast_rfm(frequency, recency, T)
        return _probability_alive(self.params, x, t_x, big_t)

    def conditional_expected_purchases(
        self,
        t: npt.ArrayLike,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        T: npt.ArrayLike,  # noqa: N803 - the papers' name
        /,
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` given the history.

        Batislam et al. (2007), computed as the BG/NBD's
        expectation given alive with ``b + 1`` (see the module's
        derivation) times P(alive).

        Args:
            t: Length of the prediction period.
            frequency: Repeat purchases ``x``.
            recency: Time of the last repeat purchase ``t_x``.
            T: Length of observation.

        Returns:
            Expected purchases, in the broadcast shape of the inputs.

        Raises:
            DataError: Parameters so far out in the box (``alpha`` or ``a``
                near 1e-13 with ``r`` near 1e13) that no form of the
                expectation keeps a digit.

        Examples:
            >>> from customer_centric.clv import MbgNbdFit
            >>> fit = MbgNbdFit.from_parameters(
            ...     r=0.5248, alpha=6.183, a=0.8914, b=1.614)
            >>> fit.conditional_expected_purchases(
            ...     39, [0, 2, 10_000], [0, 30.43, 99_999], [38.86] * 2
            ...     + [100_000]).round(3)
            array([0.154, 1.263, 3.899])

        .. versionadded:: 0.2
        """
        x, t_x, big_t, horizon = broadcast_rfm(frequency, recency, T, ("t", t))
        return _conditional_expected(self.params, horizon, x, t_x, big_t)

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected purchases of a new customer in ``(0, t]``.

        Batislam et al. (2007): ``b/(a-1) [1 - (alpha/(alpha
        +t))^r 2F1(r, b+1; a+b; t/(alpha+t))]``, the conditional
        expectation of a customer with ``x = t_x = T = 0``.

        Examples:
            >>> from customer_centric.clv import MbgNbdFit
            >>> fit = MbgNbdFit.from_parameters(
            ...     r=0.5248, alpha=6.183, a=0.8914, b=1.614)
            >>> fit.expected_purchases([0, 39, 78]).round(4)
            array([0.    , 1.1822, 1.8034])

        .. versionadded:: 0.2
        """
        horizon = as_horizon(t)
        zero = np.zeros_like(horizon)
        return _conditional_expected(self.params, horizon, zero, zero, zero)

    def probability_of_purchases(
        self, n: npt.ArrayLike, t: npt.ArrayLike, /
    ) -> FloatArray:
        """Probability that a new customer makes exactly ``n`` purchases.

        Over ``(0, t]``. Given ``lambda`` and ``p``, ``P(X(t) = n) =
        (1-p)^(n+1) Poisson(n; lambda t) + p (1-p)^n P(Poisson(lambda t)
        >= n)`` (alive at ``t`` after ``n`` purchases, or left right after
        the ``n``-th); mixed over the beta and gamma distributions this is
        Batislam et al.'s expression, the negative binomial survival
        function taken from the regularised incomplete beta function.

        Examples:
            >>> from customer_centric.clv import MbgNbdFit
            >>> fit = MbgNbdFit.from_parameters(
            ...     r=0.5248, alpha=6.183, a=0.8914, b=1.614)
            >>> p = fit.probability_of_purchases(range(300), 39)
            >>> round(float(p.sum()), 6), round(float(p[0]), 4)
            (1.0, 0.5826)

        .. versionadded:: 0.2
        """
        return _probability_of_purchases(self.params, *purchase_counts(n, t))


def _log_odds_dead(
    params: dict[str, float], x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    """``log(a/(b+x)) + (r+x) log((alpha+T)/(alpha+t_x))``."""
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    result: FloatArray = (
        np.log(a)
        - np.log(b + x)
        + (r + x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
    )
    return result


def _probability_alive(
    params: dict[str, float], x: FloatArray, t_x: FloatArray, big_t: FloatArray
) -> FloatArray:
    result: FloatArray = special.expit(-_log_odds_dead(params, x, t_x, big_t))
    return result


def _conditional_expected(
    params: dict[str, float],
    t: FloatArray,
    x: FloatArray,
    t_x: FloatArray,
    big_t: FloatArray,
) -> FloatArray:
    # The BG/NBD's conditional expectation with b + 1 and t_x = T is its
    # expectation given alive times its P(alive) there, (b+x)/(a+b+x) for
    # x > 0 and 1 for x = 0: divide that known factor out.
    shifted = {**params, "b": params["b"] + 1}
    bg_at_t = _bg_nbd_expected(shifted, t, x, big_t, big_t)
    a, b = params["a"], params["b"]
    factor = np.where(x > 0, (b + x) / (a + b + x), 1.0)
    result: FloatArray = (
        bg_at_t / factor * _probability_alive(params, x, t_x, big_t)
    )
    return result


def _probability_of_purchases(
    params: dict[str, float], n: FloatArray, t: FloatArray
) -> FloatArray:
    r, alpha, a, b = params["r"], params["alpha"], params["a"], params["b"]
    log_beta_ab = special.betaln(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        # (t/(alpha+t))^n is 1 at n = 0, also at t = 0, and 0 for n > 0 there.
        log_share = np.where(n > 0, n * (np.log(t) - np.log(alpha + t)), 0.0)
    log_first = (
        special.betaln(a, b + n + 1)
        - log_beta_ab
        + special.gammaln(r + n)
        - special.gammaln(r)
        - special.gammaln(n + 1)
        - r * np.log1p(t / alpha)
        + log_share
    )
    first = np.exp(log_first)
    # P(NB >= n) is 1 at n = 0 (betainc is undefined there).
    safe_n = np.maximum(n, 1.0)
    at_least_n = np.where(
        n > 0, special.betaincc(r, safe_n, alpha / (alpha + t)), 1.0
    )
    second = np.exp(special.betaln(a + 1, b + n) - log_beta_ab) * at_least_n
    # Two terms' rounding can pass 1 by an ulp (1 + 1.8e-15).
    result: FloatArray = np.minimum(first + second, 1.0)
    return result


class _Likelihood:
    """MBG/NBD log-likelihood and gradient over compressed rows.

    Terms that depend on ``x`` only are computed once per distinct ``x``,
    and logs of ``alpha + T`` and ``alpha + t_x`` once per distinct time.
    """

    def __init__(
        self, x: FloatArray, t_x: FloatArray, big_t: FloatArray, w: FloatArray
    ) -> None:
        self.x = x
        self.w = w
        self.x_unique, self.x_index = factorise(x)
        self.w_by_x = np.bincount(
            self.x_index, weights=w, minlength=self.x_unique.size
        )
        self.t_unique, self.t_index = factorise(big_t)
        self.tx_unique, self.tx_index = factorise(t_x)

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = (float(v) for v in theta)
        xu = self.x_unique
        x = self.x
        w = self.w
        n = w.sum()
        # Terms in x only: log Gamma(r+x)/Gamma(r) + log B(a,b+x+1)/B(a,b).
        psi_abx = special.digamma(a + b + xu + 1)
        psi_ab = special.digamma(a + b)
        log_gamma = (
            special.gammaln(r + xu)
            - special.gammaln(r)
            + special.gammaln(a + b)
            + special.gammaln(b + xu + 1)
            - special.gammaln(b)
            - special.gammaln(a + b + xu + 1)
        )
        d_r_x = special.digamma(r + xu) - special.digamma(r)
        d_a_x = psi_ab - psi_abx
        d_b_x = (
            psi_ab + special.digamma(b + xu + 1) - special.digamma(b) - psi_abx
        )
        inv_bx = 1 / (b + xu)
        log_ratio = np.log(a) + np.log(inv_bx)
        # Terms in T and t_x (one value per distinct time).
        log_alpha = np.log(alpha)
        log_at = np.log(alpha + self.t_unique)[self.t_index]
        log_atx = np.log(alpha + self.tx_unique)[self.tx_index]
        inv_at = (1 / (alpha + self.t_unique))[self.t_index]
        inv_atx = (1 / (alpha + self.tx_unique))[self.tx_index]
        rx = r + x
        term1 = -rx * log_at
        term2 = log_ratio[self.x_index] - rx * log_atx
        lse = np.logaddexp(term1, term2)
        p2 = np.exp(term2 - lse)
        p1 = 1 - p2
        value = float(self.w_by_x @ log_gamma + n * r * log_alpha + w @ lse)
        wp2 = w * p2
        w_by_x_p2 = np.bincount(self.x_index, weights=wp2, minlength=xu.size)
        gradient = np.array(
            [
                self.w_by_x @ d_r_x
                + n * log_alpha
                - w @ (p1 * log_at + p2 * log_atx),
                n * r / alpha - w @ (rx * (p1 * inv_at + p2 * inv_atx)),
                self.w_by_x @ d_a_x + wp2.sum() / a,
                self.w_by_x @ d_b_x - w_by_x_p2 @ inv_bx,
            ]
        )
        return value, gradient


def fit_mbg_nbd(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    weights: npt.ArrayLike | None = None,
) -> MbgNbdFit:
    """Fit the MBG/NBD model by maximum likelihood.

    The data are compressed to unique (x, t_x, T) rows, and the summed
    log-likelihood (Batislam et al. 2007, in the data's time
    unit) is maximised with analytic gradients in log-parameter space, as
    :func:`~customer_centric.clv.fit_bg_nbd` does.

    Args:
        frequency: Repeat purchases ``x`` per customer (or per row).
        recency: Time of the last repeat purchase ``t_x``.
        T: Length of observation of each customer.
        weights: Customers per row, for data already compressed.

    Returns:
        The fit, with standard errors and diagnostics.

    Raises:
        DataError: The summary breaks a rule (see
            :func:`~customer_centric.clv.validate_rfm`).
        ConvergenceError: The likelihood has no proper maximum on these
            data, or is highest at an edge where the model becomes a
            simpler one (no heterogeneity in purchase rates or dropout, no
            dropout); the message names the parameters and the simpler
            model.

    Examples:
        A thousand customers simulated from the MBG/NBD process, observed
        for 39 weeks (see the CLV guide for the CDNOW fit):

        >>> from customer_centric.clv import fit_mbg_nbd, simulate_mbg_nbd
        >>> sim = simulate_mbg_nbd(
        ...     [39.0] * 1000, r=0.5, alpha=6.0, a=0.9, b=1.6, seed=7)
        >>> fit = fit_mbg_nbd(sim.frequency, sim.recency, sim.T)
        >>> fit.diagnostics.converged, fit.n_customers
        (True, 1000.0)

    .. versionadded:: 0.2
    """
    data = compress(frequency, recency, T, weights=weights)
    rate, _ = purchase_scales(data)
    return fit_compressed(
        MbgNbdFit,
        _Likelihood,
        data,
        starts=[
            (1.0, 1.0 / rate, 1.0, 1.0),
            (1.0, 1.0, 1.0, 1.0),
            (0.5, 10.0 / rate, 2.0, 5.0),
            (0.1, 0.1 / rate, 0.5, 0.5),
        ],
        model=_MODEL,
        boundaries=_BOUNDARIES,
    )
