"""Pareto/NBD with time-varying covariates: the fit and its predictions.

The model and its likelihood are in
:mod:`~customer_centric.clv._dyncov_likelihood` (Bachmann, Meierer & Näf
2021; CLVTools' ``pnbd`` with ``SetDynamicCovariates``). Given a
customer's history, the posterior of ``lambda`` and ``mu`` splits into
"alive at ``T``", with weight

``P(alive) = (alpha + A(T))^-(r+x) (beta + B(T))^-s / [...]``

(the first term of the likelihood's bracket over the whole bracket), and
"dropped out before ``T``". Alive at ``T``, ``lambda`` is
``Gamma(r + x, alpha + A(T))`` and ``mu`` is ``Gamma(s, beta + B(T))``,
so the expected purchases in ``(T, T + t]`` (CLVTools' CET) are

``CET = P(alive) (r + x) / (alpha + A(T)) int_T^{T+t} a(u)
((beta + B(T)) / (beta + B(u)))^s du``,

which on a piece of constant ``a_k, b_k`` starting at ``B_k`` and of
length ``l_k`` integrates to ``a_k (beta + B(T))^s ((beta + B_k)^(1-s) -
(beta + B_k + b_k l_k)^(1-s)) / (b_k (s - 1))`` (a logarithm at ``s =
1``). With constant covariates both are the Pareto/NBD's own (Fader,
Hardie & Lee 2005) with the customer's scaled ``alpha`` and ``beta``.

DERT at a continuous discount rate ``delta`` is ``P(alive) (r + x) /
(alpha + A(T)) E[int_0^H e^(-delta u) a(T + u) e^(-mu (B(T + u) - B(T)))
du]`` over ``mu ~ Gamma(s, beta + B(T))``: given ``mu``, each future
piece integrates exactly to ``a_k e^(-delta u_k - mu D_k) (1 - e^(-k
l_k)) / k``, ``k = delta + mu b_k``, ``D_k`` the dropout clock's climb
before the piece, and the mean over ``mu`` is the static DERT's
quadrature (:mod:`~customer_centric.clv._dert`), so constant covariates
give the static value. ``H`` is the table's end (or a given horizon:
CLVTools' DECT); the purchases after it are left out, so DERT "forever"
asks the discount factor there to be at most 1e-6.

.. versionadded:: 0.2
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, Final, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray, as_floats, real_number
from customer_centric._extras import defer_import
from customer_centric.clv._covariate_records import CovariateEffects
from customer_centric.clv._covariates import (
    _layout,
    coefficients_error,
    covariate_boundaries,
)
from customer_centric.clv._dert import (
    _UNIT,
    _UNIT_COMPLEMENT,
    _UNIT_WEIGHTS,
    _check_rate,
    _gamma_quantiles,
)
from customer_centric.clv._dyncov_likelihood import (
    Design,
    alive_rows,
    log_likelihood_rows,
)
from customer_centric.clv._dyncov_paths import CovariatePaths, Pieces
from customer_centric.clv._optimizer import maximize_likelihood
from customer_centric.clv._pareto_nbd import _BOUNDARIES, fit_pareto_nbd
from customer_centric.clv._records import FittedModel, given_parameter_fields
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
)

if TYPE_CHECKING:
    from scipy import special

else:
    special = defer_import("scipy.special")

__all__ = ["ParetoNbdDynamicFit", "fit_pareto_nbd_dynamic"]

_MODEL: Final = "Pareto/NBD with time-varying covariates"
_PARAMETERS: Final = ("r", "alpha", "s", "beta")


class ParetoNbdDynamicFit(FittedModel):
    """A Pareto/NBD fitted with time-varying covariates.

    Attributes:
        r: Shape of the gamma distribution of purchase rates.
        alpha: Its rate, for covariates all 0.
        s: Shape of the gamma distribution of dropout rates.
        beta: Its rate, for covariates all 0.
        covariates: The coefficients by process and name, with standard
            errors: the purchase rate at time ``t`` is ``lambda
            exp(gamma_purchase . z(t))``, the dropout rate ``mu
            exp(gamma_dropout . z(t))`` (so, as in CLVTools, a positive
            dropout coefficient shortens lifetimes).

    Examples:
        See the CLV guide, "Time-varying covariates".

    .. versionadded:: 0.2
    """

    parameter_names: ClassVar[tuple[str, ...]] = _PARAMETERS

    r: float
    alpha: float
    s: float
    beta: float
    covariates: CovariateEffects

    @classmethod
    def from_parameters(
        cls,
        *,
        r: float,
        alpha: float,
        s: float,
        beta: float,
        purchase: Mapping[str, float],
        dropout: Mapping[str, float],
    ) -> ParetoNbdDynamicFit:
        """Build a model from known parameters and coefficients.

        Raises:
            DataError: A parameter out of range.

        .. versionadded:: 0.2
        """
        purchase = {str(k): float(v) for k, v in purchase.items()}
        dropout = {str(k): float(v) for k, v in dropout.items()}
        names = (
            *_PARAMETERS,
            *(f"purchase:{k}" for k in purchase),
            *(f"dropout:{k}" for k in dropout),
        )
        size = len(names)
        effects = CovariateEffects(
            purchase=purchase,
            dropout=dropout,
            purchase_standard_errors=dict.fromkeys(purchase, math.nan),
            dropout_standard_errors=dict.fromkeys(dropout, math.nan),
            names=names,
            covariance=((math.nan,) * size,) * size,
        )
        fields = given_parameter_fields(
            {"r": r, "alpha": alpha, "s": s, "beta": beta}
        )
        return cls.model_validate({**fields, "covariates": effects})

    def _theta(self) -> FloatArray:
        effects = self.covariates
        return np.concatenate(
            [
                self.parameter_vector(),
                list(effects.purchase.values()),
                list(effects.dropout.values()),
            ]
        )

    def _design(self, paths: CovariatePaths, *, future: bool) -> Design:
        return Design.of(
            paths,
            tuple(self.covariates.purchase),
            tuple(self.covariates.dropout),
            future=future,
        )

    def individual_log_likelihood(
        self, paths: CovariatePaths, /
    ) -> FloatArray:
        """Each customer's log-likelihood (in ``paths.customer_ids`` order).

        Raises:
            DataError: ``paths`` lacks a covariate of the fit.
        """
        values, _ = log_likelihood_rows(
            self._theta(), self._design(paths, future=False), gradient=False
        )
        return values

    def probability_alive(self, paths: CovariatePaths, /) -> FloatArray:
        """Each customer's probability of being alive at the calibration end.

        The share of the "alive at ``T``" term in the likelihood (see the
        module).

        Raises:
            DataError: ``paths`` lacks a covariate of the fit.
        """
        alive, _, _ = self._alive(paths)
        return alive

    def _alive(
        self, paths: CovariatePaths
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """P(alive), ``alpha + A(T)`` and ``beta + B(T)`` per customer."""
        return alive_rows(self._theta(), self._design(paths, future=False))

    def conditional_expected_purchases(
        self, t: float, paths: CovariatePaths, /
    ) -> FloatArray:
        """Expected purchases in ``(T, T + t]`` given each history (CET).

        Uses the covariates of ``paths`` after the calibration end (see
        the module for the formula).

        Args:
            t: The prediction period's length, in the time unit, at most
                ``paths.horizon``.
            paths: The customers, built with a covariate table that
                reaches past the calibration end.

        Raises:
            ArgumentTypeError: ``t`` is not a number.
            DataError: ``t`` negative, not finite, or beyond the table.
        """
        horizon = real_number(t, name="t")
        if not 0 <= horizon <= paths.horizon:
            msg = (
                f"t must be between 0 and {paths.horizon!r} (the covariate "
                f"table's reach past the calibration end), got {t!r}; pass "
                "a covariate table that covers the prediction period"
            )
            raise DataError(msg)
        alive, a_total, b_total = self._alive(paths)
        future = self._design(paths, future=True)
        pieces = future.pieces
        start = future.before(pieces.length)
        length = np.clip(horizon - start, 0.0, pieces.length)
        log_a, log_b, _, _ = future.rates(self._theta()[4:])
        owner = pieces.customer
        b_start = b_total[owner] + future.before(np.exp(log_b) * length)
        ratio = np.log1p(np.exp(log_b) * length / b_start)
        # int_0^l a (bT / (bk + b v))^s dv = a bT^s bk^(1-s) l' / b,
        # l' = log(ratio) exprel((1 - s) log(ratio)), stable at s = 1.
        part = (
            np.exp(
                log_a
                - log_b
                + self.s * np.log(b_total[owner])
                + (1 - self.s) * np.log(b_start)
            )
            * ratio
            * special.exprel((1 - self.s) * ratio)
        )
        spread = future.total(part)
        result: FloatArray = alive * (self.r + future.x) / a_total * spread
        return result

    def expected_purchases(
        self, t: npt.ArrayLike, paths: CovariatePaths, /
    ) -> FloatArray:
        """Expected repeat purchases of each customer by age ``t``.

        Unconditional on the history (a new customer's expectation, as the
        plain models' ``expected_purchases``), along the customer's own
        covariate path from their first purchase: with ``A`` and ``B`` the
        operational clocks, ``E[X(t)] = r / alpha int_0^t a(u) (beta /
        (beta + B(u)))^s du``, integrated in closed form on each piece of
        constant covariates (see the module). With constant covariates it
        is the Pareto/NBD's with the customer's scaled ``alpha`` and
        ``beta``. It is what the tracking of
        :func:`~customer_centric.clv.validate_holdout` sums.

        Args:
            t: Ages from each customer's first purchase, in the time unit;
                the last axis runs over ``paths.customer_ids`` (a number is
                every customer's age). Each at most that customer's ``T +
                paths.horizon``, the reach of their covariates.
            paths: The customers, built with a covariate table that
                reaches past the calibration end as far as needed.

        Returns:
            The expectations, in the broadcast shape of ``t`` and the
            customers.

        Raises:
            ArgumentTypeError: ``paths`` is not a ``CovariatePaths``.
            DataError: ``t`` not numbers, negative, not finite, beyond a
                customer's covariate path, or not broadcastable to the
                customers; ``paths`` lacks a covariate of the fit.

        Examples:
            See the CLV guide, "Time-varying covariates".

        .. versionadded:: 0.2
        """
        if not isinstance(paths, CovariatePaths):
            raise ArgumentTypeError.for_argument(
                "paths", paths, "a CovariatePaths built by covariate_paths()"
            )
        design = Design.of(
            attrs.evolve(paths, calibration=_lifelong(paths)),
            tuple(self.covariates.purchase),
            tuple(self.covariates.dropout),
        )
        reach = design.total(design.pieces.length)
        ages = _ages(t, paths, reach)
        pieces = design.pieces
        if pieces.length.size == 0:
            # No customer has a moment of covariates: every age is 0.
            return np.zeros(ages.shape)
        log_a, log_b, _, b_l = design.rates(self._theta()[4:])
        b_start = self.beta + design.before(b_l)

        def integral(v: FloatArray, k: npt.NDArray[np.intp]) -> FloatArray:
            # int_0^v a_k (beta / (beta + B_k + b_k u))^s du: the CET's
            # closed form, stable at s = 1 through exprel.
            ratio = np.log1p(np.exp(log_b[k]) * v / b_start[k])
            value: FloatArray = (
                np.exp(
                    log_a[k]
                    - log_b[k]
                    + self.s * math.log(self.beta)
                    + (1 - self.s) * np.log(b_start[k])
                )
                * ratio
                * special.exprel((1 - self.s) * ratio)
            )
            return value

        every = np.arange(pieces.length.size, dtype=np.intp)
        earlier = design.before(integral(pieces.length, every))
        start = design.before(pieces.length)
        k, inside = _piece_at(ages, pieces.customer, start, reach)
        v = np.clip(ages - start[k], 0.0, pieces.length[k])
        total = np.where(inside, earlier[k] + integral(v, k), 0.0)
        result: FloatArray = self.r / self.alpha * total
        return result

    def discounted_expected_residual_purchases(
        self,
        discount_rate: float,
        paths: CovariatePaths,
        /,
        *,
        horizon: float | None = None,
    ) -> FloatArray:
        """Discounted expected residual transactions (DERT) per customer.

        The present value at the calibration end of the purchases expected
        after it, discounted continuously at ``discount_rate`` per time
        unit, with the covariates of ``paths`` after the calibration end
        (see the CLV guide, "Time-varying covariates"). Times the expected
        spend per purchase it is the residual CLV. With constant
        covariates it is :func:`~customer_centric.clv.dert` of the static
        Pareto/NBD.

        Args:
            discount_rate: Continuous discount rate ``delta`` per time unit
                (at least 1e-8), e.g. ``log(1.15) / 52`` for 15 % a year
                with weekly data.
            paths: The customers, built with a covariate table that
                reaches past the calibration end.
            horizon: ``None`` for DERT (forever): the table must reach far
                enough that the discount factor at its end,
                ``exp(-delta * paths.horizon)``, is at most 1e-6 (the
                purchases after it are left out). A number: discount only
                the purchases in ``(T, T + horizon]`` (CLVTools' DECT), at
                most ``paths.horizon``.

        Raises:
            ArgumentTypeError: ``discount_rate`` or ``horizon`` is not a
                number.
            DataError: The rate below 1e-8 or not finite; ``horizon``
                negative or beyond the table; or, for ``horizon=None``, a
                table too short for the discounting to fade (the message
                says how far it must run).

        Examples:
            See the CLV guide, "Time-varying covariates".
        """
        delta = _check_rate(discount_rate)
        end = _discounted_reach(delta, paths, horizon)
        alive, a_total, b_total = self._alive(paths)
        future = self._design(paths, future=True)
        pieces = future.pieces
        start = future.before(pieces.length)
        length = np.clip(end - start, 0.0, pieces.length)
        log_a, log_b, _, _ = future.rates(self._theta()[4:])
        b = np.exp(log_b)
        climbed = future.before(b * length)
        owner = pieces.customer
        # The dropout rate mu, given alive at T, is gamma(s, beta + B(T));
        # given mu the discounted purchases are, piece by piece, exactly
        # a_k e^(-delta u_k - mu D_k) (1 - e^(-k l_k)) / k, k = delta +
        # mu b_k. Their mean over mu is taken on its quantile scale, split
        # where mu b(T) = delta, as the static DERT does.
        first = np.ones(future.n)
        first[owner[start == 0]] = b[start == 0]
        turn = delta * b_total / first
        below = special.gammainc(self.s, turn)
        above = special.gammaincc(self.s, turn)
        total = np.zeros(future.n)
        for unit, complement, share in (
            (below[:, None] * _UNIT, 1 - below[:, None] * _UNIT, below),
            (
                below[:, None] + above[:, None] * _UNIT,
                above[:, None] * _UNIT_COMPLEMENT,
                above,
            ),
        ):
            mu = _gamma_quantiles(self.s, unit, complement) / b_total[:, None]
            for node, weight in enumerate(_UNIT_WEIGHTS):
                rate = mu[owner, node]
                k = delta + rate * b
                # A quantile at the top of the scale is an infinite
                # dropout rate (when all the mass is on one side of the
                # split): gone at once, such a customer buys nothing.
                with np.errstate(invalid="ignore"):
                    part = (
                        np.exp(log_a - delta * start - rate * climbed)
                        * -np.expm1(-k * length)
                        / k
                    )
                part[np.isinf(rate)] = 0.0
                total += weight * share * future.total(part)
        result: FloatArray = alive * (self.r + future.x) / a_total * total
        return result


_REACH_SLACK: Final = 1e-9
"""Relative excess of an age over a customer's covariate path that is
taken as rounding (the age is then the path's end)."""


def _lifelong(paths: CovariatePaths) -> Pieces:
    """Each customer's pieces from the first purchase to the table's end.

    The calibration pieces, then the future ones, customer by customer;
    all marked before the last purchase, so that pieces with the same
    covariates merge across the calibration end.
    """
    both = (paths.calibration, paths.future)
    customer = np.concatenate([p.customer for p in both])
    order = np.argsort(customer, kind="stable")
    return Pieces(
        customer=customer[order],
        length=np.concatenate([p.length for p in both])[order],
        after=np.zeros(customer.size, dtype=np.bool_),
        values=np.concatenate([p.values for p in both])[order],
    )


def _ages(t: object, paths: CovariatePaths, reach: FloatArray) -> FloatArray:
    """``t`` broadcast over the customers, checked against their paths."""
    raw = as_floats(t, name="t")
    try:
        shape = np.broadcast_shapes(raw.shape, (paths.n_customers,))
    except ValueError:
        msg = (
            f"t has shape {raw.shape!r}, which does not broadcast to the "
            f"{paths.n_customers} customers of paths (the last axis runs "
            "over the customers)"
        )
        raise DataError(msg) from None
    ages = np.broadcast_to(raw, shape)
    bad = ~np.isfinite(ages) | (ages < 0)
    if bad.any():
        msg = (
            f"t must be finite ages >= 0, got {float(ages[bad].flat[0])!r}; "
            "pass times since each customer's first purchase"
        )
        raise DataError(msg)
    beyond = ages > reach * (1 + _REACH_SLACK) + _REACH_SLACK
    if beyond.any():
        who = int(np.nonzero(beyond)[-1][0])
        msg = (
            f"t reaches {float(ages[beyond].flat[0])!r} for customer "
            f"{paths.customer_ids[who]!r}, beyond their covariate path (T + "
            f"horizon = {float(reach[who])!r}); pass a covariate table "
            "that reaches that far past the calibration end"
        )
        raise DataError(msg)
    result: FloatArray = np.minimum(ages, reach)
    return result


def _piece_at(
    ages: FloatArray,
    owner: npt.NDArray[np.intp],
    start: FloatArray,
    reach: FloatArray,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """The piece of each age, and whether the customer has any piece.

    The customers' clocks are laid end to end on one line (each from an
    offset one time unit past the end of the previous one's path), so one
    search finds every age's piece; a piece found by rounding one too
    early or late is harmless, as the caller clips the time within it.
    """
    offset = np.concatenate([[0.0], np.cumsum(reach + 1.0)[:-1]])
    line = offset[owner] + start
    found = np.searchsorted(line, offset + ages, side="right") - 1
    k = np.clip(found, 0, owner.size - 1).astype(np.intp)
    return k, owner[k] == np.arange(reach.size)


_FADED: Final = 1e-6
"""The discount factor at the covariate table's end below which DERT
(``horizon=None``) leaves out the purchases after it."""


def _discounted_reach(
    delta: float, paths: CovariatePaths, horizon: object
) -> float:
    """How far DERT integrates: the table's end, or ``horizon``."""
    if horizon is None:
        factor = math.exp(-delta * paths.horizon)
        if factor > _FADED:
            needed = math.log(1 / _FADED) / delta
            msg = (
                f"the covariate table reaches {paths.horizon:g} time units "
                f"past the calibration end, where the discount factor "
                f"exp(-delta t) is still {factor:.3g}; for DERT the "
                f"covariates must run at least {needed:.6g} time units "
                f"past it (to a factor of {_FADED:g}): add a last period "
                "far ahead (each period lasts until the next one starts, "
                "the last as long as the one before), or pass horizon= to "
                "discount a finite period"
            )
            raise DataError(msg)
        return paths.horizon
    end = real_number(horizon, name="horizon")
    if not 0 <= end <= paths.horizon:
        msg = (
            f"horizon must be between 0 and {paths.horizon!r} (the "
            f"covariate table's reach past the calibration end), got "
            f"{horizon!r}; pass a covariate table that covers it"
        )
        raise DataError(msg)
    return end


@final
@attrs.frozen
class _Objective:
    """The summed log-likelihood over ``r, alpha, s, beta, exp(gamma)``."""

    design: Design

    def __call__(self, theta: FloatArray) -> tuple[float, FloatArray]:
        natural = np.concatenate([theta[:4], np.log(theta[4:])])
        values, grad = log_likelihood_rows(natural, self.design, gradient=True)
        assert grad is not None  # noqa: S101 - asked for above
        total = float(values.sum())
        if not math.isfinite(total):
            # A customer's scale beyond the trusted range: a wall.
            return -math.inf, np.full(theta.size, np.nan)
        gradient = grad.sum(axis=1)
        gradient[4:] /= theta[4:]
        return total, gradient


def fit_pareto_nbd_dynamic(
    paths: CovariatePaths,
    /,
    *,
    purchase_covariates: Sequence[str] = (),
    dropout_covariates: Sequence[str] = (),
) -> ParetoNbdDynamicFit:
    """Fit the Pareto/NBD with time-varying covariates.

    The likelihood (see the CLV guide, "Time-varying covariates") is
    maximised over ``r, alpha, s, beta`` and the coefficients by the
    optimizer of every fit of the package (BFGS in log-parameters, the
    coefficients ``gamma`` searched as ``exp(gamma)``), from the plain
    Pareto/NBD's optimum with every coefficient at 0. Standard errors are
    from the inverse of the negative Hessian. As the time-invariant
    covariate fits do, it probes the Pareto/NBD's edges and those a
    coefficient reaches (``covariate_boundaries``), and raises where the
    likelihood is as high there; its search stops once a parameter runs
    beyond e^18, where the model is at its simpler limit (along a flat
    edge BFGS would go on for hundreds of evaluations).

    Args:
        paths: The customers and their covariates (:func:`covariate_paths`).
        purchase_covariates: The names of the covariates of the purchase
            process.
        dropout_covariates: The names of the covariates of the dropout
            process.

    Returns:
        The fit; its ``covariates`` hold the coefficients by process and
        name, with standard errors.

    Raises:
        DataError: A name is not a column of the table, or appears twice.
        ConvergenceError: No proper maximum (e.g. a coefficient running
            off), or the likelihood is as high at an edge (e.g. no
            dropout); the message lists where each start ended or names
            the edge.

    Examples:
        See the CLV guide, "Time-varying covariates".

    .. versionadded:: 0.2
    """
    names = {}
    for role, given in (
        ("purchase_covariates", purchase_covariates),
        ("dropout_covariates", dropout_covariates),
    ):
        if isinstance(given, str) or not isinstance(given, Sequence):
            raise ArgumentTypeError.for_argument(
                role, given, "a sequence of covariate names"
            )
        if len(set(given)) != len(given):
            msg = f"{role} names a covariate twice: {list(given)!r}"
            raise DataError(msg)
        names[role] = tuple(str(v) for v in given)
    purchase = names["purchase_covariates"]
    dropout = names["dropout_covariates"]
    design = Design.of(paths, purchase, dropout)
    width = len(purchase) + len(dropout)

    objective = _Objective(design)
    try:
        plain = fit_pareto_nbd(paths.frequency, paths.recency, paths.T)
        start = (*plain.parameter_vector().tolist(), *([1.0] * width))
    except ConvergenceError:
        start = (1.0, 1.0, 1.0, 1.0, *([1.0] * width))
    free = (
        *(f"purchase:{p}" for p in purchase),
        *(f"dropout:{d}" for d in dropout),
    )
    try:
        mle = maximize_likelihood(
            objective,
            names=(*_PARAMETERS, *(f"exp({f})" for f in free)),
            starts=[start],
            n_customers=float(paths.n_customers),
            model=_MODEL,
            boundaries=covariate_boundaries(
                "Pareto/NBD",
                _BOUNDARIES,
                _layout({"purchase": purchase, "dropout": dropout}, ()),
            ),
            stop_beyond_edges=True,
        )
    except ConvergenceError as error:
        msg = (
            f"{error}. The points above list each coefficient c as exp(c) "
            f"after r, alpha, s, beta ({', '.join(free)}): one near 0 or "
            "huge is a coefficient running off (e.g. no customer drops out "
            "while a covariate is on); drop that covariate from its process"
        )
        raise coefficients_error(msg, error, free) from error
    theta = np.array(list(mle.parameters.values()))
    gamma = np.log(theta[4:])
    # Delta method: the optimizer's covariance is of exp(gamma).
    scale = np.concatenate([np.ones(4), 1 / theta[4:]])
    covariance = np.asarray(mle.covariance) * np.outer(scale, scale)
    errors = np.sqrt(np.diag(covariance))
    k = len(purchase)
    effects = CovariateEffects(
        purchase=dict(zip(purchase, gamma[:k].tolist(), strict=True)),
        dropout=dict(zip(dropout, gamma[k:].tolist(), strict=True)),
        purchase_standard_errors=dict(
            zip(purchase, errors[4 : 4 + k].tolist(), strict=True)
        ),
        dropout_standard_errors=dict(
            zip(dropout, errors[4 + k :].tolist(), strict=True)
        ),
        names=(*_PARAMETERS, *free),
        covariance=tuple(tuple(float(v) for v in row) for row in covariance),
    )
    fields = mle.record_fields()
    for name in mle.parameters:
        if name not in _PARAMETERS:
            del fields[name]
    fields["standard_errors"] = {
        p: float(errors[i]) for i, p in enumerate(_PARAMETERS)
    }
    fields["covariance"] = tuple(
        tuple(float(v) for v in row) for row in covariance[:4, :4]
    )
    fields["covariates"] = effects
    return ParetoNbdDynamicFit.model_validate(fields)
