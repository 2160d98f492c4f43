"""Maximum likelihood over positive parameters, as every model is fitted.

:func:`maximize_likelihood` maximises the summed log-likelihood in
log-parameter space, from analytic gradients, by BFGS (or by Newton steps
on a Hessian the caller gives), retrying from other starting values; it
checks that the optimum is a proper interior maximum (a negative definite
Hessian, a small Newton step, bounded standard errors) and that the
likelihood is not as high at one of the model's edges (:class:`Boundary`),
and raises
:class:`~customer_centric.exceptions.ConvergenceError` otherwise.
:func:`fit_by_maximum_likelihood` turns the outcome into the model's
:class:`~customer_centric.clv.FittedModel` record.

.. versionadded:: 0.1
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Final, TypeAlias, TypeVar, cast, final

import attrs
import numpy as np
import numpy.typing as npt

from customer_centric._arrays import FloatArray
from customer_centric.clv._records import (
    LOG_BOUND,
    FittedModel,
    OptimizerDiagnostics,
)
from customer_centric.exceptions import ConvergenceError

__all__ = [
    "Boundary",
    "MaximumLikelihood",
    "Objective",
    "fit_by_maximum_likelihood",
    "maximize_likelihood",
]

Objective: TypeAlias = Callable[[FloatArray], tuple[float, FloatArray]]
"""Summed log-likelihood and its gradient at the natural parameters."""
Hessian: TypeAlias = Callable[[FloatArray], FloatArray]
"""Hessian of the summed log-likelihood with respect to the
log-parameters, at the natural parameters."""

_GRADIENT_TOLERANCE: Final = 1e-5
"""Largest accepted gradient norm of the mean log-likelihood per customer,
with respect to the log-parameters."""
_HESSIAN_STEP: Final = 1e-5
_METHOD: Final = "BFGS in log-parameters"
_NEWTON_METHOD: Final = "Newton in log-parameters"
_BFGS_GRADIENT: Final = 1e-8
_BFGS_FUNCTION: Final = 1e-15
_MAX_STEP: Final = 5.0
"""Longest BFGS step in log-parameters (a factor of e^5 in a parameter)."""
_NEWTON_MAX_STEP: Final = 2.0
"""Longest Newton step in log-parameters: from a start where the Hessian
is not negative definite, longer steps (up to e^5) sent the covariate
fits of the benchmarks on excursions along a ridge that cost them about
twice the iterations (benchmarks/bench_covariates.py)."""
_MIN_STEP: Final = 1e-12
_BFGS_STALL: Final = 1e-12
_STALL_ITERATIONS: Final = 25
_CURVATURE: Final = 1e-10
_NEWTON_STEP_TOLERANCE: Final = 1e-2
"""Largest accepted Newton step in log-parameters at a converged point."""
_DRIFT_STEP: Final = 0.5
"""Shortest Newton step (in log-parameters) of a walk drifting towards an
edge: along an exponential asymptote every Newton step is 1, while a walk
converging to a maximum shrinks its steps quadratically."""
_RELATIVE_SE_LIMIT: Final = 10.0
"""Largest accepted standard error of a parameter relative to its value."""
_FAR_LOG: Final = 18.0
"""How far out a boundary is probed: the first moved parameter reaches
e^18 (about 6.6e7) or e^-18, and no parameter goes beyond, where the full
model is close to its simpler limit and still evaluates accurately."""
_TRUSTED_LOG: Final = 21.0
"""Beyond e^21 (about 1.3e9) the likelihoods lose more than 1e-6 per
customer to rounding, so points there are not compared with the edges."""
_BOUNDARY_TOLERANCE: Final = 1e-5
"""Largest gain in mean log-likelihood per customer of the interior
optimum over the limit for which the limit counts as just as good."""
_PROFILE_ITERATIONS: Final = 100
_PROFILE_EVALUATIONS: Final = 20
"""Budget of one boundary's profile: along a flat edge the target is
reached in a few dozen evaluations."""
_PROFILE_MIN_STEP: Final = 1e-3
"""A profile only needs to show how close the edge comes: its line
searches give up early rather than polish."""
_CLEARLY_INSIDE: Final = 0.1
"""Predicted fall in mean log-likelihood per customer from an accepted
maximum to an edge beyond which the edge is not profiled: 10^4 times
:data:`_BOUNDARY_TOLERANCE`, and 100 times the largest prediction (1e-3)
seen for a base whose supremum is on the edge by construction."""
_UNDEFINED: Final = 1e10
"""The objective's value where the likelihood is not finite."""


@final
@attrs.frozen(kw_only=True)
class Boundary:
    """An edge of the parameter space where a model becomes a simpler one.

    Attributes:
        direction: For each parameter (in the model's order), +1 if it runs
            to infinity at this edge, -1 if it runs to 0, 0 if it stays
            free. Parameters marked together move together, keeping their
            ratio (e.g. ``r`` and ``alpha`` with the mean rate ``r/alpha``).
        parameters: The parameters and where they run, for the message,
            e.g. ``"r and alpha run to infinity together"``.
        simpler: The simpler model the edge stands for, e.g. ``"no
            purchase-rate heterogeneity (Poisson purchasing)"``.

    Examples:
        >>> from customer_centric.clv._optimizer import Boundary
        >>> Boundary(direction=(1, 1), parameters="a and b run to "
        ...     "infinity together", simpler="one probability").direction
        (1, 1)

    .. versionadded:: 0.2
    """

    direction: tuple[int, ...]
    parameters: str
    simpler: str


NBD_RATE_BOUNDARY: Final = Boundary(
    direction=(1, 1, 0, 0),
    parameters="r and alpha run to infinity together (r/alpha fixed)",
    simpler="no purchase-rate heterogeneity (Poisson purchasing at one rate)",
)
"""The edge of the gamma mixture of purchase rates (``r``, ``alpha`` first).

BG/NBD and Pareto/NBD share the NBD purchase process: as ``r`` and
``alpha`` grow with their ratio fixed, every customer buys at one rate.
"""


@final
@attrs.frozen(kw_only=True)
class MaximumLikelihood:
    """The outcome of :func:`maximize_likelihood`, ready to become a record.

    Attributes:
        parameters: The estimates by name.
        standard_errors: Their standard errors by name.
        covariance: The covariance matrix, in ``parameters`` order.
        log_likelihood: The summed log-likelihood at the optimum.
        n_customers: The number of customers (sum of weights).
        diagnostics: How the optimizer got there.

    Examples:
        >>> import numpy as np
        >>> from customer_centric.clv._optimizer import maximize_likelihood
        >>> x = np.array([1.0, 3.0, 2.0])  # Poisson counts
        >>> def loglik(theta):
        ...     lam = theta[0]
        ...     return (x * np.log(lam) - lam).sum(), np.array(
        ...         [(x / lam - 1).sum()])
        >>> mle = maximize_likelihood(
        ...     loglik, names=("lam",), starts=[[1.0]], n_customers=3.0,
        ...     model="Poisson")
        >>> round(mle.parameters["lam"], 6)
        2.0
        >>> mle.record_fields()["n_customers"]
        3.0

    .. versionadded:: 0.1
    """

    parameters: dict[str, float]
    standard_errors: dict[str, float]
    covariance: tuple[tuple[float, ...], ...]
    log_likelihood: float
    n_customers: float
    diagnostics: OptimizerDiagnostics

    def record_fields(self) -> dict[str, object]:
        """The fields of a :class:`FittedModel` subclass, for validation.

        Use as ``MyFit.model_validate(mle.record_fields())``.
        """
        return {
            **self.parameters,
            "standard_errors": self.standard_errors,
            "covariance": self.covariance,
            "log_likelihood": self.log_likelihood,
            "n_customers": self.n_customers,
            "diagnostics": self.diagnostics,
        }


@final
@attrs.frozen(kw_only=True)
class _Attempt:
    """One start of :func:`maximize_likelihood` and where BFGS took it."""

    start: tuple[float, ...]
    result: _Run
    problem: str | None = None
    hessian: FloatArray | None = None
    ridge: bool = False
    """A proper maximum (negative definite Hessian, a vanishing Newton
    step) refused only for a standard error over ten times its
    parameter."""
    concave: bool = False
    """The Hessian is negative definite there: a stationary point refused
    for its Newton step or its standard errors rises only along a flat
    direction, towards an edge."""
    covariance: FloatArray | None = None
    """The inverse of the negative Hessian, where it is concave (made for
    the standard errors' test, and kept for the fit's covariance)."""

    @property
    def gradient_norm(self) -> float:
        return _norm(self.result.jac)

    @property
    def at_bound(self) -> bool:
        return bool((np.abs(self.result.x) >= LOG_BOUND - 1e-6).any())

    @property
    def stationary(self) -> bool:
        return (
            math.isfinite(self.result.fun)
            and self.gradient_norm < _GRADIENT_TOLERANCE
            and not self.at_bound
        )

    @functools.cached_property
    def log_curvature(self) -> tuple[FloatArray, FloatArray] | None:
        """Eigenvalues and eigenvectors of the negative Hessian in logs.

        Of the summed log-likelihood with respect to the log-parameters
        (without the gradient's term), from :attr:`hessian`; ``None``
        where that is unknown or not finite. Made once for the edges'
        order (:func:`_flattest_first`) and their curvature test
        (:func:`_clearly_inside`).
        """
        hessian = self.hessian
        if hessian is None or not np.isfinite(hessian).all():
            return None
        theta = np.exp(self.result.x)
        values, vectors = np.linalg.eigh(-(theta[:, None] * hessian * theta))
        return values, vectors

    def natural(self, n_customers: float) -> tuple[FloatArray, FloatArray]:
        """The parameters and the gradient of the summed log-likelihood."""
        theta = np.exp(self.result.x)
        return theta, -self.result.jac * n_customers / theta

    def describe(self) -> str:
        start = ", ".join(f"{v:.4g}" for v in self.start)
        end = ", ".join(f"{v:.4g}" for v in np.exp(self.result.x))
        if self.at_bound:
            why = "a parameter ran to the edge of [1e-13, 1e13]"
        elif self.problem is not None:
            why = self.problem
        else:
            why = f"gradient norm {self.gradient_norm:.3g}"
        return (
            f"start ({start}) -> ({end}), {why}, optimizer said "
            f"{str(self.result.message)!r}"
        )


@final
@attrs.frozen(kw_only=True)
class _Run:
    """Where one BFGS run ended (mirrors scipy's ``OptimizeResult``)."""

    x: FloatArray
    fun: float
    jac: FloatArray
    nit: int
    nfev: int
    message: str


_NO_PROGRESS: Final = "line search could not improve (precision limit)"


def _norm(vector: FloatArray) -> float:
    """The Euclidean norm, as ``np.linalg.norm`` computes it, but cheaper.

    The searches take it several times per step of tiny vectors, where
    ``np.linalg.norm``'s checks cost more than the sum.
    """
    return math.sqrt(float(vector @ vector))


def _entry_stop(
    f: float,
    g_norm: float,
    target: float,
    evaluations: int,
    max_evaluations: float,
) -> str | None:
    """Why a search stops before its next step, if it does.

    ``g_norm`` is the norm of the gradient at the current point.
    """
    if g_norm < _BFGS_GRADIENT:
        return "gradient norm below 1e-8"
    if f <= target:
        return "reached the target value"
    if evaluations >= max_evaluations:
        return "evaluation limit reached"
    return None


def _progress(
    f: float, x_new: FloatArray, f_new: float, g_norm: float, stalled: int
) -> tuple[int, str | None]:
    """The count of steps in a row that barely improved, and a stop.

    ``g_norm`` is the norm of the gradient at ``x_new``.
    """
    improvement = f - f_new
    small = improvement <= _BFGS_STALL * max(1.0, abs(f_new))
    stalled = stalled + 1 if small else 0
    return stalled, _stop_reason(x_new, f_new, g_norm, improvement, stalled)


def _bfgs(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x0: FloatArray,
    max_iterations: int,
    *,
    target: float = -math.inf,
    max_evaluations: float = math.inf,
    min_step: float = _MIN_STEP,
    edge: float = math.inf,
) -> _Run:
    """Minimise ``fun`` by BFGS with a backtracking (Armijo) line search.

    Written in numpy rather than calling scipy's L-BFGS-B, whose BLAS
    calls on tiny vectors cost milliseconds when OpenBLAS threads compete
    for a busy machine; the steps stay within the log-parameter box. A
    step that takes a coordinate beyond ``edge`` ends the search there.
    """
    x = _in_box(x0)
    f, g = fun(x)
    g_norm = _norm(g)
    start_inverse = _initial_inverse(fun, x, g)
    from_identity = start_inverse is None
    inverse = np.eye(x.size) if start_inverse is None else start_inverse
    evaluations = 1 + x.size
    message = "iteration limit reached"
    iteration = 0
    stalled = 0
    for iteration in range(1, max_iterations + 1):
        entry = _entry_stop(f, g_norm, target, evaluations, max_evaluations)
        if entry is not None:
            message = entry
            break
        direction = -inverse @ g
        slope = float(direction @ g)
        if slope >= 0:
            inverse = np.eye(x.size)
            direction = -g
            slope = float(direction @ g)
        resolution = _resolution(f, g_norm)
        x_new, f_new, g_new, step, used = _line_search(
            fun, x, f, direction, slope, min_step=min_step, floor=resolution
        )
        evaluations += used
        if (step < min_step or -step * slope < resolution) and f_new > f:
            message = _NO_PROGRESS
            break
        s = x_new - x
        y = g_new - g
        sy = float(s @ y)
        if sy > _CURVATURE * (_norm(s) * _norm(y)):
            if iteration == 1 and from_identity:
                inverse = np.eye(x.size) * (sy / float(y @ y))
            rho = 1 / sy
            left = np.eye(x.size) - rho * np.outer(s, y)
            inverse = left @ inverse @ left.T + rho * np.outer(s, s)
        g_norm = _norm(g_new)
        stalled, stop = _progress(f, x_new, f_new, g_norm, stalled)
        x, f, g = x_new, f_new, g_new
        if np.abs(x).max() > edge:
            stop = _AT_EDGE
        if stop is not None:
            message = stop
            break
    return _Run(
        x=x,
        fun=float(f),
        jac=np.asarray(g, dtype=np.float64),
        nit=iteration,
        nfev=evaluations,
        message=message,
    )


_AT_EDGE: Final = "a parameter ran beyond e^18 or e^-18 (an edge)"


DriftProbe: TypeAlias = Callable[["_Run", float], None]
"""Called once where a Newton walk drifts with a vanishing decrement."""


def _newton(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    curvature: Callable[[FloatArray, FloatArray], FloatArray],
    x0: FloatArray,
    max_iterations: int,
    *,
    target: float = -math.inf,
    max_evaluations: float = math.inf,
    min_step: float = _MIN_STEP,
    at_drift: DriftProbe | None = None,
) -> _Run:
    """Minimise ``fun`` by Newton steps with a backtracking line search.

    ``curvature(x, g)`` is the Hessian of ``fun`` at ``x`` (whose gradient
    is ``g``). Where it is not positive definite the step uses its
    eigenvalues' absolute values (floored at 1e-10 of the largest), so it
    still descends, and along a flat direction it runs as far as the line
    search allows (:data:`_NEWTON_MAX_STEP`): a fit heading for an edge
    gets there in a few steps. Where the Hessian is not finite the step is
    the steepest descent. Stops as :func:`_bfgs` does, and where the
    gradient passes the acceptance test (:data:`_GRADIENT_TOLERANCE`):
    Newton steps converge quadratically, so the checks' polish finishes.

    ``at_drift(run, decrement)`` is called (once) at the first point
    where the walk drifts with a vanishing decrement (:func:`_drifting`):
    ``run`` is the search so far, ending there. It may raise to end the
    fit; if it returns, the walk goes on as if it had not been called.
    """
    x = _in_box(x0)
    f, g = fun(x)
    g_norm = _norm(g)
    evaluations = 1
    message = "iteration limit reached"
    iteration = 0
    stalled = 0
    for iteration in range(1, max_iterations + 1):
        entry = _entry_stop(f, g_norm, target, evaluations, max_evaluations)
        if entry is not None:
            message = entry
            break
        hessian = curvature(x, g)
        if g_norm < _GRADIENT_TOLERANCE:
            # The gradient test passes: the checks judge the point. At a
            # proper minimum the polish after them is the Newton step on
            # this Hessian that the iteration would take; along a flat
            # ridge Newton steps would follow it far out, to where the
            # edges the checks compare with are named differently.
            message = _SETTLED if _settled(hessian, g) else _FLAT
            break
        direction = _newton_direction(hessian, g)
        slope = float(direction @ g)
        if at_drift is not None and _drifting(hessian, direction, slope):
            at_drift(
                _Run(
                    x=x,
                    fun=float(f),
                    jac=np.asarray(g, dtype=np.float64),
                    nit=iteration,
                    nfev=evaluations,
                    message=_DRIFTING,
                ),
                -slope,
            )
            at_drift = None
        resolution = _resolution(f, g_norm)
        x_new, f_new, g_new, step, used = _line_search(
            fun,
            x,
            f,
            direction,
            slope,
            min_step=min_step,
            floor=resolution,
            max_step=_NEWTON_MAX_STEP,
        )
        evaluations += used
        if (step < min_step or -step * slope < resolution) and f_new > f:
            message = _NO_PROGRESS
            break
        g_norm = _norm(g_new)
        stalled, stop = _progress(f, x_new, f_new, g_norm, stalled)
        x, f, g = x_new, f_new, g_new
        if stop is not None:
            message = stop
            break
    return _Run(
        x=x,
        fun=float(f),
        jac=np.asarray(g, dtype=np.float64),
        nit=iteration,
        nfev=evaluations,
        message=message,
    )


_SETTLED: Final = "gradient norm below 1e-5 at a proper minimum"
_FLAT: Final = "gradient norm below 1e-5 on a flat ridge"
_DRIFTING: Final = "Newton decrement below 1e-5, drifting towards an edge"


def _drifting(
    hessian: FloatArray, direction: FloatArray, slope: float
) -> bool:
    """Whether a Newton walk has converged but for a drift along a ridge.

    The Hessian is positive definite, so ``direction`` is the Newton step,
    at least :data:`_DRIFT_STEP` (the point would fail
    :func:`_check_maximum` for it), and the decrease the quadratic model
    predicts for the rest of the walk, the Newton decrement ``-slope``
    (twice the model's, so that along an exponential asymptote, where
    every Newton step is 1 and gains ``e^-1`` of what is left, it is the
    whole rest), is within :data:`_BOUNDARY_TOLERANCE`: the walk cannot
    gain what would tell its end from an edge as high. Measured on the
    apparel BG/NBD with covariates, the walk's last four steps (of 12
    evaluations) each moved a, b and the Channel coefficient by 1, towards
    the edge that refuses the fit, after this test first passed.
    """
    if -slope > _BOUNDARY_TOLERANCE:
        return False
    if float(np.abs(direction).max()) < _DRIFT_STEP:
        # Also where the Hessian is not finite: the steepest descent with
        # so small a decrement is short.
        return False
    try:
        np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return False
    return True


def _settled(hessian: FloatArray, g: FloatArray) -> bool:
    """Whether the Hessian is positive definite with a short Newton step.

    Shorter than :data:`_NEWTON_STEP_TOLERANCE`: where a parameter drifts
    off along a flat direction with a small gradient, it is not.
    """
    try:
        factor = np.linalg.cholesky(hessian)
    except np.linalg.LinAlgError:
        return False
    step = np.linalg.solve(factor.T, np.linalg.solve(factor, g))
    return bool(np.abs(step).max() < _NEWTON_STEP_TOLERANCE)


def _newton_direction(hessian: FloatArray, g: FloatArray) -> FloatArray:
    """The (modified) Newton step ``-|H|^-1 g``; ``-g`` if H is not finite."""
    if not np.isfinite(hessian).all():
        return -g
    values, vectors = np.linalg.eigh((hessian + hessian.T) / 2)
    size = np.abs(values)
    size = np.maximum(size, _CURVATURE * max(float(size.max()), 1.0))
    result: FloatArray = -(vectors / size) @ (vectors.T @ g)
    return result


def _line_search(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x: FloatArray,
    f: float,
    direction: FloatArray,
    slope: float,
    *,
    min_step: float,
    floor: float = 0.0,
    max_step: float = _MAX_STEP,
) -> tuple[FloatArray, float, FloatArray, float, int]:
    """Backtrack from a unit step (at most ``max_step``) to Armijo.

    Backtracking stops too once the decrease the slope predicts is below
    ``floor`` (see :func:`_resolution`): no shorter step could show one.
    Returns the new point, its value and gradient, the step taken and the
    number of evaluations.
    """
    longest = float(np.abs(direction).max())
    step = min(1.0, max_step / longest) if longest > 0 else 1.0
    used = 0
    while True:
        x_new = _in_box(x + step * direction)
        f_new, g_new = fun(x_new)
        used += 1
        if (
            f_new <= f + 1e-4 * step * slope
            or step < min_step
            or -step * slope < floor
        ):
            return x_new, f_new, g_new, step, used
        step /= 2


def _in_box(x: FloatArray) -> FloatArray:
    """``x`` clipped to the log-parameter box, as ``np.clip`` (cheaper)."""
    result: FloatArray = np.minimum(np.maximum(x, -LOG_BOUND), LOG_BOUND)
    return result


def _resolution(f: float, g_norm: float) -> float:
    """The smallest decrease of ``f`` worth a line search's evaluation.

    At a point that already passes the gradient test, a decrease below
    1e-15 of ``f`` is lost in rounding (of the sums over millions of
    customers, or of ``f`` itself), and halving the step down to 1e-12
    in search of one cost a large base dozens of evaluations (issue 10).
    Elsewhere 0: the line search backtracks as far as it must. ``g_norm``
    is the norm of the gradient at the point.
    """
    if g_norm < _GRADIENT_TOLERANCE:
        return _BFGS_FUNCTION * max(1.0, abs(f))
    return 0.0


def _stop_reason(
    x: FloatArray,
    f: float,
    g_norm: float,
    improvement: float,
    stalled: int,
) -> str | None:
    """Why BFGS should stop after this iteration, or ``None`` to go on.

    ``g_norm`` is the norm of the gradient at ``x``.
    """
    if 0 <= improvement <= _BFGS_FUNCTION * max(1.0, abs(f)) and (
        g_norm < _GRADIENT_TOLERANCE
    ):
        return "relative improvement below 1e-15"
    if float(np.abs(x).max()) >= LOG_BOUND:
        return "a log-parameter reached the edge of [-30, 30]"
    if stalled >= _STALL_ITERATIONS:
        return (
            "less than 1e-12 relative improvement in "
            f"{_STALL_ITERATIONS} iterations (a flat ridge)"
        )
    return None


def _initial_inverse(
    fun: Callable[[FloatArray], tuple[float, FloatArray]],
    x: FloatArray,
    g: FloatArray,
) -> FloatArray | None:
    """Inverse Hessian at the start, by forward differences of the gradient.

    Starting BFGS from the true curvature instead of the identity saves
    more iterations than the ``k`` gradient evaluations cost. ``None``
    where the start is not in a convex region (BFGS then starts from the
    identity).
    """
    hessian = _forward_hessian(lambda u: fun(u)[1], x, g)
    finite = bool(np.isfinite(hessian).all())
    values, vectors = np.linalg.eigh(np.where(finite, hessian, 0.0))
    if not finite or values.min() <= _CURVATURE * max(values.max(), 0.0):
        return None
    result: FloatArray = (vectors / values) @ vectors.T
    return result


def _forward_hessian(
    gradient: Callable[[FloatArray], FloatArray], x: FloatArray, g: FloatArray
) -> FloatArray:
    """Hessian by symmetrised forward differences of ``gradient``.

    ``g`` is the gradient at ``x``; each coordinate steps by 1e-5.
    """
    k = x.size
    hessian = np.empty((k, k))
    for j in range(k):
        step = np.zeros(k)
        step[j] = _HESSIAN_STEP
        hessian[:, j] = (gradient(x + step) - g) / _HESSIAN_STEP
    result: FloatArray = (hessian + hessian.T) / 2
    return result


def _log_space(
    objective: Objective, n_customers: float
) -> Callable[[FloatArray], tuple[float, FloatArray]]:
    def negative_mean(log_theta: FloatArray) -> tuple[float, FloatArray]:
        # Called under maximize_likelihood's errstate: the objective may
        # overflow far out, where its non-finite values are handled here.
        theta = np.exp(log_theta)
        value, gradient = objective(theta)
        gradient = np.asarray(gradient, dtype=np.float64)
        if not (math.isfinite(value) and np.isfinite(gradient).all()):
            # Steer the line search back towards moderate parameters.
            return _UNDEFINED, log_theta.copy()
        # -(g theta) / n as g theta / -n: the same bits, one call fewer.
        scaled = gradient * theta
        scaled /= -n_customers
        return -value / n_customers, scaled

    return negative_mean


def _hessian(
    objective: Objective, theta: FloatArray, gradient: FloatArray
) -> FloatArray:
    """Hessian of the summed log-likelihood in the natural parameters.

    Forward differences of the analytic gradient in log space (well scaled
    whatever the magnitude of each parameter), mapped back by the chain
    rule; ``gradient`` is the analytic gradient at ``theta``.
    """

    def log_gradient(log_moved: FloatArray) -> FloatArray:
        moved = np.exp(log_moved)
        return np.asarray(objective(moved)[1]) * moved

    h_log = _forward_hessian(log_gradient, np.log(theta), gradient * theta)
    return _natural_hessian(h_log, theta, gradient)


# One errstate for the whole fit: the objective and the Hessian may
# overflow far out (their non-finite values are handled), and entering
# one per evaluation cost more than the rest of a Newton step.
@np.errstate(all="ignore")
def maximize_likelihood(
    objective: Objective,
    /,
    *,
    names: tuple[str, ...],
    starts: Sequence[Sequence[float]],
    n_customers: float,
    model: str,
    max_iterations: int = 500,
    boundaries: Sequence[Boundary] = (),
    hessian: Hessian | None = None,
    stop_beyond_edges: bool = False,
) -> MaximumLikelihood:
    """Maximise a log-likelihood over positive parameters.

    The search runs in log-parameter space (so every parameter stays
    positive) with BFGS on the mean log-likelihood per customer and the
    analytic gradient, from each start in turn until one converges: the
    gradient norm of the mean log-likelihood with respect to the
    log-parameters is below 1e-5, no parameter sits at the edge of
    [1e-13, 1e13], the Hessian is negative definite, a Newton step
    would move the log-parameters by less than 0.01 and no standard error
    exceeds ten times its parameter (so a parameter drifting to 0 or
    infinity along a flat ridge is caught). A start that ends with a
    vanishing gradient and a negative definite Hessian but fails the last
    two tests ends the search if the edge its least curvature points along
    is as high (see below): the fit is refused there. One Newton step on
    the finite-difference Hessian then polishes the optimum. Given the
    ``hessian``, the search takes Newton steps on it instead of BFGS's,
    and it replaces the finite-difference Hessian; a Newton walk that is
    concave and still steps by 0.5 or more but whose Newton decrement (the
    rest of its gain, as the quadratic model predicts it) is below 1e-5
    per customer probes that edge once, far along it, where the gradient
    has not passed yet: an edge as high as the walk can get refuses the
    fit there, a lower one lets the walk go on unchanged.

    Then each of the model's ``boundaries`` (edges of the parameter space
    where it becomes a simpler model) is probed: the log-likelihood is
    maximised over the other parameters with the edge's parameters moved
    far out (to e^18 or e^-18) along it, and if that is within 1e-6 per
    customer of the optimum, the likelihood is flat towards the edge and
    its supremum lies there, wherever the optimizer stopped. This test
    does not depend on the optimizer's stopping point: a proper interior
    maximum is higher than every point far along the edge. Standard errors
    are the square roots of the diagonal of the inverse of the negative
    Hessian (observed information) of the summed log-likelihood.

    Args:
        objective: Returns the summed log-likelihood and its gradient with
            respect to the natural parameters.
        names: The parameter names, in the objective's order.
        starts: Starting values to try, in order.
        n_customers: The number of customers (sum of weights), to scale.
        model: The model's name, for error messages.
        max_iterations: Iteration limit per start.
        boundaries: The model's edges to probe.
        hessian: The Hessian of the summed log-likelihood with respect to
            the log-parameters, if the objective can give it more cheaply
            than finite differences of its gradient.
        stop_beyond_edges: End a BFGS search once a parameter passes
            e^18 or e^-18, where the boundaries are probed: for a
            likelihood that, along a flat edge, BFGS would follow for
            hundreds of evaluations each gaining rounding noise (the
            time-varying covariate fit's). The boundaries then judge the
            point.

    Returns:
        Estimates, standard errors, covariance, log-likelihood, diagnostics.

    Raises:
        ConvergenceError: No start converged, or the optimum is not a
            proper maximum (the Hessian is not negative definite); the
            message lists every start tried and where it ended. Or the
            likelihood is as high at a boundary: the message names its
            parameters and the simpler model the data support. Its
            ``estimates`` hold the profile's point far along that
            boundary, or a maximum refused only for its standard errors
            (a flat ridge) that no other start beat; otherwise ``None``.

    Examples:
        See :class:`MaximumLikelihood`.

    .. versionadded:: 0.1
    """
    negative_mean = _log_space(objective, n_customers)

    def at_drift(run: _Run, decrement: float) -> None:
        # A walk drifting with a vanishing decrement is as converged as
        # the comparison with the edges can tell: its flattest edge, as
        # high as the walk can get, refuses the fit there (where it would
        # after the walk's last steps). One evaluation, far along it.
        attempt = _check_maximum(
            objective,
            _Attempt(start=(), result=run),
            n_customers,
            hessian=hessian,
        )
        if not attempt.concave or attempt.problem is None:
            return
        _check_boundaries(
            negative_mean,
            [attempt],
            _flattest_first(boundaries, attempt)[:1],
            names=names,
            model=model,
            n_customers=n_customers,
            hessian=hessian,
            tolerance=_BOUNDARY_TOLERANCE - decrement,
            max_evaluations=1,
        )

    search = _search(
        negative_mean,
        hessian,
        n_customers,
        max_iterations,
        stop_beyond_edges=stop_beyond_edges,
        at_drift=at_drift,
    )
    attempts: list[_Attempt] = []
    best: _Attempt | None = None
    for start in starts:
        start_array = np.log(np.asarray(start, dtype=np.float64))
        attempt = _Attempt(
            start=tuple(float(v) for v in start),
            result=search(start_array),
        )
        if attempt.stationary:
            attempt = _check_maximum(
                objective, attempt, n_customers, hessian=hessian
            )
        attempts.append(attempt)
        if attempt.stationary and attempt.problem is None:
            best = attempt
            break
        if attempt.concave:
            # Stopped with a vanishing gradient, concave but flat or still
            # drifting: on the way to an edge. Where that edge is as high,
            # this start has its answer (refused), as a start that ends at
            # a proper maximum has its own: no further start is tried. (A
            # saddle point may rise elsewhere: the next start is tried.)
            _check_boundaries(
                negative_mean,
                [attempt],
                _flattest_first(boundaries, attempt)[:1],
                names=names,
                model=model,
                n_customers=n_customers,
                hessian=hessian,
            )
    method = _METHOD if hessian is None else _NEWTON_METHOD
    _check_boundaries(
        negative_mean,
        attempts if best is None else [best],
        boundaries,
        names=names,
        model=model,
        n_customers=n_customers,
        hessian=hessian,
    )
    if best is None or best.hessian is None:
        tried = "; ".join(a.describe() for a in attempts)
        msg = (
            f"{model} fit did not converge from {len(attempts)} starting "
            f"value(s) with {method}: {tried}."
            f"{_running_off(attempts, names, boundaries)} The "
            "data may not identify the model (e.g. no repeat purchases, or "
            "too few customers); check the summary or use another model"
        )
        highest = min(a.result.fun for a in attempts)
        ridges = [
            a
            for a in attempts
            if a.ridge and a.result.fun <= highest + _BOUNDARY_TOLERANCE
        ]
        if not ridges:
            raise ConvergenceError(msg)
        # A maximum no other start beat, on a ridge: the estimate exists,
        # its standard errors do not.
        raise ConvergenceError.at_estimates(
            msg, _named(names, np.exp(ridges[0].result.x))
        )
    theta, gradient = best.natural(n_customers)
    log_likelihood = -best.result.fun * n_customers
    curvature = best.hessian
    # The Newton step moves the estimate by far less than its standard
    # error, so the Hessian at the pre-polish point serves for both.
    theta, log_likelihood, gradient = _newton_polish(
        objective, theta, curvature, log_likelihood, gradient
    )
    # The Hessian's inverse as the checks made it.
    inverse = best.covariance
    assert inverse is not None  # noqa: S101 - made with the Hessian
    covariance = (inverse + inverse.T) / 2
    final_gradient = gradient * theta / n_customers
    se = np.sqrt(np.diag(covariance))
    diagnostics = OptimizerDiagnostics(
        method=method,
        converged=True,
        iterations=int(best.result.nit),
        function_evaluations=int(best.result.nfev),
        gradient_norm=_norm(final_gradient),
        message=str(best.result.message),
        starts_tried=len(attempts),
    )
    return MaximumLikelihood(
        parameters=_named(names, theta),
        standard_errors=_named(names, se),
        covariance=tuple(map(tuple, covariance.tolist())),
        log_likelihood=float(log_likelihood),
        n_customers=float(n_customers),
        diagnostics=diagnostics,
    )


def _search(
    negative_mean: Callable[[FloatArray], tuple[float, FloatArray]],
    hessian: Hessian | None,
    n_customers: float,
    max_iterations: int,
    *,
    stop_beyond_edges: bool = False,
    at_drift: DriftProbe | None = None,
) -> Callable[[FloatArray], _Run]:
    """One start's search: BFGS, or Newton steps on a given ``hessian``.

    ``at_drift`` goes to the Newton steps (see :func:`_newton`).
    """
    if hessian is None:
        edge = _FAR_LOG if stop_beyond_edges else math.inf
        return lambda x0: _bfgs(negative_mean, x0, max_iterations, edge=edge)

    def curvature(x: FloatArray, _g: FloatArray) -> FloatArray:
        result = hessian(np.exp(x))
        result /= -n_customers  # -h / n, in place on the fresh Hessian
        return result

    return lambda x0: _newton(
        negative_mean, curvature, x0, max_iterations, at_drift=at_drift
    )


_FitT = TypeVar("_FitT", bound=FittedModel)


def fit_by_maximum_likelihood(
    fit_class: type[_FitT],
    objective: Objective,
    /,
    *,
    starts: Sequence[Sequence[float]],
    n_customers: float,
    model: str,
    boundaries: Sequence[Boundary] = (),
) -> _FitT:
    """Maximise ``objective`` over ``fit_class``'s parameters; the fit record.

    :func:`maximize_likelihood` with ``names=fit_class.parameter_names``,
    validated into ``fit_class``.

    Examples:
        Every ``fit_*`` function of the package ends with it; see
        :func:`~customer_centric.clv.fit_bg_nbd` and
        :class:`MaximumLikelihood`.

    .. versionadded:: 0.1
    """
    mle = maximize_likelihood(
        objective,
        names=fit_class.parameter_names,
        starts=starts,
        n_customers=n_customers,
        model=model,
        boundaries=boundaries,
    )
    return fit_class.model_validate(mle.record_fields())


def _running_off(
    attempts: Sequence[_Attempt],
    names: tuple[str, ...],
    boundaries: Sequence[Boundary],
) -> str:
    """Name the parameters the best start took beyond e^18 or e^-18.

    And the first of the model's edges that they ran off along, if any.
    """
    best = min(attempts, key=lambda a: a.result.fun)
    log_theta = best.result.x
    off = [
        f"{name} to {'infinity' if value > 0 else '0'}"
        for name, value in zip(names, log_theta, strict=True)
        if abs(value) > _FAR_LOG
    ]
    if not off:
        return ""
    along = [
        b
        for b in boundaries
        if all(
            d * value > _FAR_LOG
            for d, value in zip(b.direction, log_theta, strict=True)
            if d != 0
        )
    ]
    edge = (
        ""
        if not along
        else f" where {along[0].parameters}, the simpler model with "
        f"{along[0].simpler}"
    )
    return (
        " At the best start the parameters ran off the parameter space ("
        + ", ".join(off)
        + f"): the likelihood rises towards a degenerate model{edge}."
    )


def _check_boundaries(
    negative_mean: Callable[[FloatArray], tuple[float, FloatArray]],
    attempts: Sequence[_Attempt],
    boundaries: Sequence[Boundary],
    *,
    names: tuple[str, ...],
    model: str,
    n_customers: float,
    hessian: Hessian | None = None,
    tolerance: float = _BOUNDARY_TOLERANCE,
    max_evaluations: int = _PROFILE_EVALUATIONS,
) -> None:
    """Raise ``ConvergenceError`` if the likelihood is as high at an edge.

    Compares the best point the starts reached with the profile
    likelihood far along each boundary (see :func:`maximize_likelihood`),
    except along an edge that a proper maximum's curvature puts clearly
    out of reach (:func:`_clearly_inside`): as high means within
    ``tolerance`` (per customer), found in ``max_evaluations``.
    """
    finite = [
        a
        for a in attempts
        if a.result.fun < _UNDEFINED
        and np.abs(a.result.x).max() <= _TRUSTED_LOG
    ]
    if not finite:
        return
    best = min(finite, key=lambda a: a.result.fun)
    log_theta = best.result.x
    # The profile goes no further out than e^18 or its start.
    box = np.maximum(np.abs(log_theta), _FAR_LOG) + 1e-9
    for boundary in _flattest_first(boundaries, best):
        edge = _edge(boundary.direction)
        direction = edge.vector
        shift = _FAR_LOG - float((direction * log_theta)[edge.moved].max())
        if _clearly_inside(best, shift * direction, n_customers):
            continue
        far = log_theta + shift * direction
        projector = edge.projector

        def profile(
            v: FloatArray,
            far: FloatArray = far,
            projector: FloatArray = projector,
        ) -> tuple[float, FloatArray]:
            point = far + projector @ v
            if (np.abs(point) > box).any():
                # Beyond e^18 the likelihoods lose precision: stay inside.
                return _UNDEFINED, projector @ point
            value, gradient = negative_mean(point)
            return value, projector @ gradient

        target = best.result.fun + tolerance
        if hessian is None:
            run = _bfgs(
                profile,
                np.zeros(direction.size),
                _PROFILE_ITERATIONS,
                target=target,
                max_evaluations=max_evaluations,
                min_step=_PROFILE_MIN_STEP,
            )
        else:

            def curvature(
                v: FloatArray,
                _g: FloatArray,
                far: FloatArray = far,
                projector: FloatArray = projector,
            ) -> FloatArray:
                h = -hessian(np.exp(far + projector @ v)) / n_customers
                result: FloatArray = projector @ h @ projector
                return result

            run = _newton(
                profile,
                curvature,
                np.zeros(direction.size),
                _PROFILE_ITERATIONS,
                target=target,
                max_evaluations=max_evaluations,
                min_step=_PROFILE_MIN_STEP,
            )
        gain = run.fun - best.result.fun
        if gain <= tolerance:
            point = ", ".join(
                f"{n}={v:.4g}"
                for n, v in zip(names, np.exp(log_theta), strict=True)
            )
            msg = (
                f"{model} fit did not converge to an interior optimum: the "
                f"likelihood is as high where {boundary.parameters} (mean "
                f"log-likelihood per customer {-run.fun:.8g} there, "
                f"{-best.result.fun:.8g} at the best point found, {point}), "
                f"so the data support the simpler model with "
                f"{boundary.simpler}. Fit that model, or use a larger or "
                "more varied customer base"
            )
            # The profile's point far along the edge: the simpler model,
            # approached, as likely as the best point (within tolerance).
            raise ConvergenceError.at_estimates(
                msg, _named(names, np.exp(far + projector @ run.x))
            )


def _flattest_first(
    boundaries: Sequence[Boundary], best: _Attempt
) -> list[Boundary]:
    """The boundaries, those along the likelihood's flattest direction first.

    The flattest direction is the eigenvector of the least curvature (in
    log-parameters) at the best point. A search that stops on a flat ridge
    stops on the way to an edge, and that edge is most often the one whose
    profile is as high: profiled first, it refuses the fit at once, where
    the others' profiles cost up to :data:`_PROFILE_EVALUATIONS` each
    (measured: the apparel BG/NBD with covariates profiled seven edges in
    145 evaluations before the eighth refused it). Where no edge is as
    high, every edge is profiled, in whatever order; where several are,
    the one named is the one the ridge leads to. The model's order stays
    where the curvature is unknown, and among equally aligned edges.
    """
    if len(boundaries) <= 1 or best.log_curvature is None:
        return list(boundaries)
    flattest = best.log_curvature[1][:, 0]

    def misalignment(boundary: Boundary) -> float:
        edge = _edge(boundary.direction)
        cosine = float(edge.vector @ flattest) / edge.length
        # Rounded: directions equally aligned but for rounding tie.
        return -round(abs(cosine), 9)

    return sorted(boundaries, key=misalignment)


@final
@attrs.frozen(kw_only=True, eq=False)
class _Edge:
    """A boundary's direction as the searches use it (read-only arrays).

    ``vector`` the direction, ``moved`` where it is not 0, ``length`` its
    norm and ``projector`` the projection onto its orthogonal complement,
    where the profile along it searches.
    """

    vector: FloatArray
    moved: npt.NDArray[np.bool_]
    length: float
    projector: FloatArray


@functools.lru_cache(maxsize=256)
def _edge(direction: tuple[int, ...]) -> _Edge:
    """The :class:`_Edge` of a direction: made once per direction.

    Every fit of a model probes the same few edges, and each of a
    profile's small arrays cost a numpy call or two.
    """
    vector = np.asarray(direction, dtype=np.float64)
    unit = vector / np.linalg.norm(vector)
    projector = np.eye(vector.size) - np.outer(unit, unit)
    moved = vector != 0
    for array in (vector, projector, moved):
        array.flags.writeable = False
    return _Edge(
        vector=vector, moved=moved, length=_norm(vector), projector=projector
    )


def _named(names: tuple[str, ...], values: FloatArray) -> dict[str, float]:
    """Each parameter's name with its value, as plain floats."""
    return dict(zip(names, values.tolist(), strict=True))


def _clearly_inside(
    best: _Attempt, step: FloatArray, n_customers: float
) -> bool:
    """Whether a proper maximum's curvature rules out the edge ``step`` away.

    The quadratic model of the mean log-likelihood at an accepted maximum
    predicts the profile ``step`` away (in log-parameters) lower by
    ``step**2 / (2 var)``, ``var`` the variance of the log-parameters
    along ``step``. Along a flat edge the curvature vanishes and the
    prediction is small; where it exceeds :data:`_CLEARLY_INSIDE` the edge
    is out of reach and its costly profile is skipped.
    """
    if best.problem is not None or best.log_curvature is None:
        return False
    # The information per customer is V diag(values) V' / n_customers,
    # positive definite at an accepted maximum.
    values, vectors = best.log_curvature
    length = float(step @ step)
    along = vectors.T @ step
    variance = n_customers * float(along @ (along / values)) / length
    return bool(length / (2 * variance) > _CLEARLY_INSIDE)


def _check_maximum(
    objective: Objective,
    attempt: _Attempt,
    n_customers: float,
    *,
    hessian: Hessian | None = None,
) -> _Attempt:
    """Confirm a stationary point is a proper, interior maximum.

    The Hessian must be negative definite and the Newton step (in
    log-parameters) small: a parameter drifting towards 0 or infinity with
    a vanishing gradient fails the second test.
    """
    theta, gradient = attempt.natural(n_customers)
    if hessian is None:
        natural = _hessian(objective, theta, gradient)
    else:
        natural = _natural_hessian(hessian(theta), theta, gradient)
    problem = None
    if not np.isfinite(natural).all():
        problem = "the Hessian is not finite there"
    else:
        try:
            np.linalg.cholesky(-natural)
        except np.linalg.LinAlgError:
            problem = (
                "the Hessian is not negative definite there (parameters "
                "not identified)"
            )
    if problem is not None:
        return attrs.evolve(attempt, problem=problem, hessian=natural)
    step = np.linalg.solve(natural, -gradient) / theta
    covariance = cast("FloatArray", np.linalg.inv(-natural))
    relative_se = np.sqrt(covariance.diagonal()) / theta
    ridge = False
    if np.abs(step).max() > _NEWTON_STEP_TOLERANCE:
        problem = (
            "a Newton step would still move the log-parameters by "
            f"{np.abs(step).max():.3g} (drifting towards 0 or infinity)"
        )
    elif relative_se.max() > _RELATIVE_SE_LIMIT:
        problem = (
            "a parameter's standard error is "
            f"{relative_se.max():.3g} times its value (a flat ridge: "
            "the data do not identify it)"
        )
        ridge = True
    return attrs.evolve(
        attempt,
        problem=problem,
        hessian=natural,
        concave=True,
        ridge=ridge,
        covariance=covariance,
    )


def _natural_hessian(
    h_log: FloatArray, theta: FloatArray, gradient: FloatArray
) -> FloatArray:
    """The Hessian in the natural parameters from that in their logs."""
    # d2L/dlog_i dlog_j = theta_i theta_j H_ij + delta_ij theta_i g_i
    inner = h_log.copy()
    inner.flat[:: theta.size + 1] -= gradient * theta
    inner /= theta[:, None] * theta
    return inner


def _newton_polish(
    objective: Objective,
    theta: FloatArray,
    hessian: FloatArray,
    value: float,
    gradient: FloatArray,
) -> tuple[FloatArray, float, FloatArray]:
    """One Newton step from ``theta``, kept only if it raises the likelihood.

    Returns the parameters with their log-likelihood and gradient. Only
    called after :func:`_check_maximum` accepted the point: the Hessian is
    negative definite (so the solve succeeds) and the step moves each
    parameter by under 1 % (so the candidate stays finite and positive).
    """
    candidate = theta + np.linalg.solve(hessian, -gradient)
    new_value, new_gradient = objective(candidate)
    if math.isfinite(new_value) and new_value >= value:
        return candidate, new_value, np.asarray(new_gradient, np.float64)
    return theta, value, gradient
