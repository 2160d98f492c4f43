"""The BG/BB model of discrete-time repeat transactions (FHS 2010).

Each period is a transaction opportunity (an annual appeal, a weekly
event). While alive, a customer transacts in a period with probability
``p`` (beta distributed across customers with ``alpha, beta``); at the start
of each period after the first they die with probability ``theta`` (beta
distributed with ``gamma, delta``). A customer's history over ``n``
opportunities is summarised by the number of repeat transactions ``x`` and
the period of the last one, ``t_x`` (0 when ``x = 0``).

Source: P. S. Fader, B. G. S. Hardie and J. Shang (2010), "Customer-Base
Analysis in a Discrete-Time Noncontractual Setting", *Marketing Science*
29(6), 1086-1108 (likelihood equation 5, ``P(X(n) = x)`` equation 7,
``E[X(n)]`` equation 8, P(alive) equation 11, conditional expectation
equation 13, DERT equation 14), and the authors' note "Implementing the
BG/BB Model for Customer-Base Analysis in Excel" (2011).

Every quantity is a ratio of beta functions, evaluated in log space
(``betaln``, ``logsumexp``), so long histories and heavy buyers stay finite.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import (
    FloatArray,
    check_integer,
    dot,
    reject_rows,
)
from customer_centric._extras import defer_import
from customer_centric.clv._optimizer import Boundary
from customer_centric.clv._records import FittedModel, given_parameter_fields
from customer_centric.clv._rfm import broadcast_rfm, compress, fit_compressed
from customer_centric.clv._sbg import check_discount_rate, hyp2f1_one
from customer_centric.exceptions import DataError

if TYPE_CHECKING:
    from scipy import special
else:
    special = defer_import("scipy.special")

__all__ = ["BgBbFit", "fit_bg_bb"]

_MODEL: Final = "BG/BB"
_BOUNDARIES: Final = (
    Boundary(
        direction=(0, 0, -1, 0),
        parameters="gamma runs to 0 (dropout probability to 0)",
        simpler="no dropout (the beta-binomial model)",
    ),
    Boundary(
        direction=(0, 0, 0, 1),
        parameters="delta runs to infinity (dropout probability to 0)",
        simpler="no dropout (the beta-binomial model)",
    ),
    Boundary(
        direction=(1, 1, 0, 0),
        parameters="alpha and beta run to infinity together "
        "(alpha/(alpha+beta) fixed)",
        simpler="no heterogeneity in transaction probabilities (one "
        "probability)",
    ),
    Boundary(
        direction=(0, 0, 1, 1),
        parameters="gamma and delta run to infinity together "
        "(gamma/(gamma+delta) fixed)",
        simpler="no dropout heterogeneity (one dropout probability)",
    ),
)
_CELLS_PER_CHUNK: Final = 2_000_000
"""Bound on the rows x terms evaluated at once, to cap memory."""
_GAMMA_ONE: Final = 1e-7
"""Below this distance of ``gamma`` from 1 the expectations use their limit."""


class BgBbFit(FittedModel):
    """A fitted BG/BB model: parameters, standard errors and predictions.

    Times are counted in transaction opportunities (periods). The
    prediction methods take the history as ``frequency`` (repeat
    transactions ``x``), ``recency`` (period of the last one, ``t_x``) and
    ``n_periods`` (opportunities observed, ``n``), in the same positions as
    :class:`~customer_centric.clv.PurchaseModel`'s ``frequency, recency,
    T``, which this class implements.

    Attributes:
        alpha: First shape of the beta distribution of transaction
            probabilities ``p``.
        beta: Second shape of that distribution.
        gamma: First shape of the beta distribution of dropout
            probabilities ``theta``.
        delta: Second shape of that distribution.

    Examples:
        Fader, Hardie & Shang (2010), Table 6: a donor who gave in 4 of the
        6 years 1996-2001, the last time in 2001, is alive in 2002 with
        probability 0.93; one who never gave again after 1995, 0.11.

        >>> from customer_centric.clv import BgBbFit
        >>> fit = BgBbFit.from_parameters(
        ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
        >>> fit.probability_alive([4, 0, 2], [6, 0, 4], 6).round(2)
        array([0.93, 0.11, 0.59])

    .. versionadded:: 0.1
    """

    parameter_names: ClassVar[tuple[str, ...]] = (
        "alpha",
        "beta",
        "gamma",
        "delta",
    )

    alpha: float
    beta: float
    gamma: float
    delta: float

    @classmethod
    def from_parameters(
        cls, *, alpha: float, beta: float, gamma: float, delta: float
    ) -> BgBbFit:
        """Build a model from known parameters (no data, no uncertainty).

        Examples:
            >>> from customer_centric.clv import BgBbFit
            >>> BgBbFit.from_parameters(
            ...     alpha=1.2, beta=0.75, gamma=0.66, delta=2.8).delta
            2.8

        .. versionadded:: 0.1
        """
        return cls.model_validate(
            given_parameter_fields(
                {"alpha": alpha, "beta": beta, "gamma": gamma, "delta": delta}
            )
        )

    def probability_alive(
        self,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        n_periods: npt.ArrayLike,
        /,
    ) -> FloatArray:
        """Probability that the customer is alive in period ``n + 1``.

        FHS (2010), equation (11): alive at the next opportunity, not
        merely at the end of the last one.

        Args:
            frequency: Repeat transactions ``x``.
            recency: Period of the last transaction ``t_x``.
            n_periods: Opportunities observed ``n``.

        Returns:
            Probabilities in [0, 1], in the broadcast shape of the inputs.

        Examples:
            >>> from customer_centric.clv import BgBbFit
            >>> fit = BgBbFit.from_parameters(
            ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
            >>> float(fit.probability_alive(1, 1, 6).round(3))
            0.069

        .. versionadded:: 0.1
        """
        x, t_x, n = _history(frequency, recency, n_periods)
        a, b, g, d = _theta(self)
        log_alive = (
            special.betaln(a + x, b + n - x)
            - special.betaln(a, b)
            + special.betaln(g, d + n + 1)
            - special.betaln(g, d)
        )
        result: FloatArray = np.exp(
            np.minimum(log_alive - _log_likelihood_rows(self, x, t_x, n), 0.0)
        )
        return result

    def conditional_expected_purchases(
        self,
        t: npt.ArrayLike,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        n_periods: npt.ArrayLike,
        /,
    ) -> FloatArray:
        """Expected transactions in the next ``t`` periods, given the history.

        FHS (2010), equation (13): ``E[X(n, n + t) | x, t_x, n]``. At
        ``gamma = 1`` the formula's removable singularity is replaced by
        its limit.

        Args:
            t: Future opportunities ``n*`` (whole numbers).
            frequency: Repeat transactions ``x``.
            recency: Period of the last transaction ``t_x``.
            n_periods: Opportunities observed ``n``.

        Returns:
            Expected transactions, in the broadcast shape of the inputs.

        Raises:
            DataError: Parameters so far out (``delta`` near 1e13) that
                the dropout term's log-gamma differences cancel to noise.

        Examples:
            A donor with 6 gifts in 6 years expects about 3.75 in the next
            five (FHS 2010, Figure 9 shows the same pattern):

            >>> from customer_centric.clv import BgBbFit
            >>> fit = BgBbFit.from_parameters(
            ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
            >>> fit.conditional_expected_purchases(
            ...     5, [6, 0], [6, 0], 6).round(2)
            array([3.75, 0.07])

        .. versionadded:: 0.1
        """
        x, t_x, n, horizon = _history(frequency, recency, n_periods, ("t", t))
        a, b, g, d = _theta(self)
        log_front = (
            special.betaln(a + x + 1, b + n - x)
            - special.betaln(a, b)
            + np.log(d)
            + special.gammaln(g + d)
            - special.gammaln(1 + d)
            - _log_likelihood_rows(self, x, t_x, n)
        )
        log_scale, factor = _gamma_bracket(g, d, n, n + horizon)
        result: FloatArray = np.exp(log_front + log_scale) * factor
        # At most one purchase a period: anything else is the bracket's
        # log-gamma differences cancelling (delta near 1e13: -6e11).
        slack = 1e-9 * horizon + 1e-12
        if not ((result >= -slack) & (result <= horizon + slack)).all():
            msg = (
                "expected purchases cannot be computed this far out in the "
                f"parameter space (alpha={a:.6g}, beta={b:.6g}, "
                f"gamma={g:.6g}, delta={d:.6g}): the log-gamma differences "
                "of the dropout term cancel to rounding noise there"
            )
            raise DataError(msg)
        clipped: FloatArray = np.clip(result, 0.0, horizon)
        return clipped

    def expected_purchases(self, t: npt.ArrayLike, /) -> FloatArray:
        """Expected transactions of a new customer in the first ``t`` periods.

        FHS (2010), equation (8).

        Examples:
            >>> from customer_centric.clv import BgBbFit
            >>> fit = BgBbFit.from_parameters(
            ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
            >>> fit.expected_purchases([0, 1, 6]).round(3)
            array([0.   , 0.498, 2.22 ])

        .. versionadded:: 0.1
        """
        _, _, _, horizon = _history(0, 0, 0, ("t", t))
        a, b, g, d = _theta(self)
        log_scale, factor = _gamma_bracket(
            g, d, np.zeros_like(horizon), horizon
        )
        result: FloatArray = (
            a
            / (a + b)
            * d
            * np.exp(
                special.gammaln(g + d) - special.gammaln(1 + d) + log_scale
            )
            * factor
        )
        return result

    def probability_of_purchases(
        self, n: npt.ArrayLike, t: npt.ArrayLike, /
    ) -> FloatArray:
        """Probability that a new customer makes ``n`` repeat transactions.

        FHS (2010), equation (7): ``P(X(t) = n)`` over the first ``t``
        opportunities (0 when ``n > t``).

        Args:
            n: Number of repeat transactions (whole numbers).
            t: Opportunities (whole numbers).

        Returns:
            Probabilities, in the broadcast shape of ``n`` and ``t``.

        Examples:
            The in-sample fit of FHS (2010): of 11,104 donors, about 3,455
            are expected never to give again in six years, and about 1,253
            to give in all six.

            >>> from customer_centric.clv import BgBbFit
            >>> fit = BgBbFit.from_parameters(
            ...     alpha=1.2035, beta=0.7497, gamma=0.6567, delta=2.7834)
            >>> (fit.probability_of_purchases([0, 6], 6) * 11_104).round(0)
            array([3455., 1253.])

        .. versionadded:: 0.1
        """
        _, _, _, count, horizon = _history(0, 0, 0, ("n", n), ("t", t))
        shape = count.shape
        x = count.reshape(-1)
        periods = horizon.reshape(-1)
        a, b, g, d = _theta(self)
        log_ab = special.betaln(a, b)
        log_gd = special.betaln(g, d)
        inside = x <= periods
        safe_x = np.minimum(x, periods)
        first = np.exp(
            _log_choose(periods, safe_x)
            + special.betaln(a + safe_x, b + periods - safe_x)
            - log_ab
            + special.betaln(g, d + periods)
            - log_gd
        )
        total = np.zeros_like(first)
        for rows in _chunks(x.size, int(periods.max(initial=0.0))):
            xi = safe_x[rows, None]
            i = np.arange(int(periods[rows].max(initial=0.0)))[None, :]
            valid = (i >= xi) & (i < periods[rows, None])
            ii = np.maximum(i, xi)
            terms = np.exp(
                _log_choose(ii, xi)
                + special.betaln(a + xi, b + ii - xi)
                - log_ab
                + special.betaln(g + 1, d + ii)
                - log_gd
            )
            total[rows] = np.where(valid, terms, 0.0).sum(axis=1)
        result: FloatArray = np.where(inside, first + total, 0.0)
        return result.reshape(shape)

    def discounted_expected_residual_purchases(
        self,
        discount_rate: float,
        frequency: npt.ArrayLike,
        recency: npt.ArrayLike,
        n_periods: npt.ArrayLike,
        /,
    ) -> FloatArray:
        """Discounted expected residual transactions (DERT), forever.

        FHS (2010), equation (14): the present value, at rate
        ``discount_rate`` per period, of the transactions expected in
        periods ``n + 1, n + 2, ...``, each discounted by
        ``(1 + d)^-(period - n)``. Multiply by the value of one transaction
        to get residual lifetime value.

        Args:
            discount_rate: Discount rate per period (> 0).
            frequency: Repeat transactions ``x``.
            recency: Period of the last transaction ``t_x``.
            n_periods: Opportunities observed ``n``.

        Returns:
            DERT, in the broadcast shape of the inputs.

        Raises:
            InvariantError: ``discount_rate`` is not a finite number > 0.

        Examples:
            >>> from customer_centric.clv import BgBbFit
            >>> fit = BgBbFit.from_parameters(
            ...     alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
            >>> fit.discounted_expected_residual_purchases(
            ...     0.1, [6, 0], [6, 0], 6).round(2)
            array([5.91, 0.11])

        .. versionadded:: 0.1
        """
        check_discount_rate(discount_rate, per="period")
        x, t_x, n = _history(frequency, recency, n_periods)
        a, b, g, d = _theta(self)
        z = 1.0 / (1.0 + discount_rate)
        log_front = (
            special.betaln(a + x + 1, b + n - x)
            - special.betaln(a, b)
            + special.betaln(g, d + n + 1)
            - special.betaln(g, d)
            + np.log(z)
            - _log_likelihood_rows(self, x, t_x, n)
        )
        hyp = hyp2f1_one(d + n + 1, g + d + n + 1, z)
        result: FloatArray = np.exp(log_front) * hyp
        return result


def _theta(fit: BgBbFit) -> tuple[float, float, float, float]:
    return fit.alpha, fit.beta, fit.gamma, fit.delta


def _log_choose(n: FloatArray, k: FloatArray) -> FloatArray:
    result: FloatArray = (
        special.gammaln(n + 1)
        - special.gammaln(k + 1)
        - special.gammaln(n - k + 1)
    )
    return result


def _chunks(rows: int, width: int) -> list[slice]:
    step = max(1, _CELLS_PER_CHUNK // max(width, 1))
    return [slice(i, min(i + step, rows)) for i in range(0, rows, step)]


def _history_chunks(t_x: FloatArray, n: FloatArray) -> list[slice]:
    """Chunks of histories for :func:`_terms` (one column per period)."""
    return _chunks(t_x.size, int((n - t_x).max(initial=0.0)) + 1)


def _gamma_bracket(
    g: float, d: float, start: FloatArray, end: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``[G(start) - G(end)] / (g - 1)`` as ``(log G(start), factor)``.

    ``G(m) = Gamma(1+d+m) / Gamma(g+d+m)``; the value is ``exp(log
    G(start)) * factor``, with ``factor = -expm1(log G(end) - log
    G(start)) / (g - 1)`` (near ``g = 1``, its limit ``psi(1+d+end) -
    psi(1+d+start)``). Returning the scale as a log lets callers combine it
    with other large or small terms before exponentiating.
    """
    log_start = special.gammaln(1 + d + start) - special.gammaln(g + d + start)
    if abs(g - 1.0) < _GAMMA_ONE:
        limit: FloatArray = special.digamma(1 + d + end) - special.digamma(
            1 + d + start
        )
        return log_start, limit
    log_end = special.gammaln(1 + d + end) - special.gammaln(g + d + end)
    factor: FloatArray = -np.expm1(log_end - log_start) / (g - 1.0)
    return log_start, factor


@attrs.frozen
class _Terms:
    """Log of each term of the likelihood and its parameter gradients."""

    log_terms: FloatArray
    gradients: tuple[FloatArray, FloatArray, FloatArray, FloatArray]


def _terms(
    theta: tuple[float, float, float, float],
    x: FloatArray,
    t_x: FloatArray,
    n: FloatArray,
    *,
    with_gradient: bool,
) -> _Terms:
    """FHS (2010), equation (5), one column per term.

    Column 0 is the "alive through period n" term; column ``1 + i`` the
    "died at the start of period ``t_x + i + 1``" term, for ``i`` below
    ``n - t_x`` (other cells are ``-inf``).
    """
    a, b, g, d = theta
    width = int((n - t_x).max(initial=0.0))
    i = np.arange(width, dtype=np.float64)[None, :]
    xc, txc, nc = x[:, None], t_x[:, None], n[:, None]
    valid = i < (nc - txc)
    log_ab = special.betaln(a, b)
    log_gd = special.betaln(g, d)
    first = (
        special.betaln(a + xc, b + nc - xc)
        - log_ab
        + special.betaln(g, d + nc)
        - log_gd
    )
    rest = (
        special.betaln(a + xc, b + txc - xc + i)
        - log_ab
        + special.betaln(g + 1, d + txc + i)
        - log_gd
    )
    rest = np.where(valid, rest, -np.inf)
    log_terms = np.concatenate([first, rest], axis=1)
    if not with_gradient:
        zero = np.zeros(0)
        return _Terms(log_terms=log_terms, gradients=(zero,) * 4)
    psi = special.digamma
    psi_ab = psi(a + b)
    psi_gd = psi(g + d)
    common_a = psi(a + xc) - psi(a) + psi_ab
    common_b = -psi(b) + psi_ab
    d_a = np.concatenate(
        [common_a - psi(a + b + nc), common_a - psi(a + b + txc + i)], axis=1
    )
    d_b = np.concatenate(
        [
            common_b + psi(b + nc - xc) - psi(a + b + nc),
            common_b + psi(b + txc - xc + i) - psi(a + b + txc + i),
        ],
        axis=1,
    )
    d_g = np.concatenate(
        [
            psi_gd - psi(g + d + nc),
            psi(g + 1) - psi(g) + psi_gd - psi(g + d + txc + i + 1),
        ],
        axis=1,
    )
    d_d = np.concatenate(
        [
            psi(d + nc) - psi(g + d + nc) - psi(d) + psi_gd,
            psi(d + txc + i) - psi(g + d + txc + i + 1) - psi(d) + psi_gd,
        ],
        axis=1,
    )
    return _Terms(log_terms=log_terms, gradients=(d_a, d_b, d_g, d_d))


def _log_likelihood_rows(
    fit: BgBbFit, x: FloatArray, t_x: FloatArray, n: FloatArray
) -> FloatArray:
    """Log-likelihood of each history (any shape), chunked over rows."""
    shape = x.shape
    xf, tf, nf = (np.reshape(v, -1) for v in (x, t_x, n))
    out = np.empty(xf.size)
    for rows in _history_chunks(tf, nf):
        terms = _terms(
            _theta(fit), xf[rows], tf[rows], nf[rows], with_gradient=False
        )
        out[rows] = special.logsumexp(terms.log_terms, axis=1)
    return out.reshape(shape)


class _Likelihood:
    """Summed BG/BB log-likelihood and its gradient over compressed rows."""

    def __init__(
        self, x: FloatArray, t_x: FloatArray, n: FloatArray, w: FloatArray
    ) -> None:
        self.x, self.t_x, self.n, self.w = x, t_x, n, w
        self.chunks = _history_chunks(t_x, n)

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        a, b, g, d = (float(v) for v in theta)
        value = 0.0
        gradient = np.zeros(4)
        for rows in self.chunks:
            terms = _terms(
                (a, b, g, d),
                self.x[rows],
                self.t_x[rows],
                self.n[rows],
                with_gradient=True,
            )
            log_l = special.logsumexp(terms.log_terms, axis=1)
            share = np.exp(terms.log_terms - log_l[:, None])
            w = self.w[rows]
            value += dot(w, log_l)
            for k, grad in enumerate(terms.gradients):
                gradient[k] += dot(
                    w, np.where(share > 0, share * grad, 0.0).sum(axis=1)
                )
        return value, gradient


def _history(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    n_periods: npt.ArrayLike,
    /,
    *extra: tuple[str, npt.ArrayLike],
) -> tuple[FloatArray, ...]:
    """Validate discrete-time histories (and whole-number extras)."""
    arrays = broadcast_rfm(frequency, recency, n_periods, *extra)
    names = ("frequency", "recency", "n_periods", *(e[0] for e in extra))
    for name, array in zip(names, arrays, strict=True):
        check_integer(np.reshape(array, -1), name=name)
    x, t_x = np.reshape(arrays[0], -1), np.reshape(arrays[1], -1)
    reject_rows(
        x > t_x,
        "frequency must be <= recency in discrete time (x repeat "
        "transactions need at least x periods up to the last one)",
        ("frequency", x),
        ("recency", t_x),
        fix="check that the columns are not swapped",
    )
    return arrays


def fit_bg_bb(
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    n_periods: npt.ArrayLike,
    /,
    *,
    weights: npt.ArrayLike | None = None,
) -> BgBbFit:
    """Fit the BG/BB model by maximum likelihood.

    The histories are compressed to unique ``(x, t_x, n)`` rows and the
    summed log-likelihood of FHS (2010), equation (5), is maximised with
    analytic gradients in log-parameter space.

    Args:
        frequency: Repeat transactions ``x`` per customer (whole numbers).
        recency: Period of the last repeat transaction ``t_x`` (0 when
            ``x = 0``), with ``x <= t_x <= n``.
        n_periods: Transaction opportunities observed ``n`` (whole).
        weights: Customers per row, for data already compressed (as in the
            ``donations.csv`` table of FHS 2010).

    Returns:
        The fit, with standard errors and diagnostics.

    Raises:
        DataError: A history breaks a rule above (the message names the
            rows).
        ConvergenceError: The likelihood has no proper maximum on these
            data.

    Examples:
        The 1995 donor cohort of FHS (2010), as its 22 (x, t_x) cells:

        >>> from customer_centric.clv import fit_bg_bb
        >>> x = [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5,
        ...      5, 6]
        >>> t_x = [0, 1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 3, 4, 5, 6, 4, 5, 6, 5,
        ...        6, 6]
        >>> donors = [3464, 1091, 277, 129, 78, 119, 129, 613, 255, 155, 173,
        ...           234, 322, 181, 225, 357, 240, 284, 512, 335, 728, 1203]
        >>> fit = fit_bg_bb(x, t_x, 6, weights=donors)
        >>> [round(v, 3) for v in fit.params.values()]
        [1.204, 0.75, 0.657, 2.783]
        >>> round(fit.log_likelihood, 1)
        -33225.6

    .. versionadded:: 0.1
    """
    x_b, t_b, n_b = _history(frequency, recency, n_periods)
    data = compress(
        np.reshape(x_b, -1),
        np.reshape(t_b, -1),
        np.reshape(n_b, -1),
        weights=weights,
    )
    return fit_compressed(
        BgBbFit,
        _Likelihood,
        data,
        starts=[
            (1.0, 1.0, 1.0, 1.0),
            (0.5, 0.5, 0.5, 2.0),
            (2.0, 2.0, 1.0, 5.0),
            (0.2, 1.0, 0.2, 1.0),
        ],
        model=_MODEL,
        boundaries=_BOUNDARIES,
    )
