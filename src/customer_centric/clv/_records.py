"""The records of fitted models.

A fit is a frozen :class:`FittedModel` record (parameters, standard errors
from the inverse Hessian, summed log-likelihood, optimizer diagnostics)
that round-trips through JSON. What a fitted purchase-count model offers
to CLV, scoring and plots, :class:`~customer_centric.clv.PurchaseModel`,
lives with the numerical checks the figures share.

Models work in ``float`` and numpy arrays, not ``Decimal``.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import ClassVar, Final, Self

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from customer_centric._arrays import FloatArray, real_number
from customer_centric._display import (
    Table,
    number,
    tables_html,
    tables_markdown,
)
from customer_centric._frozen import FrozenMap
from customer_centric.exceptions import DataError

__all__ = [
    "LOG_BOUND",
    "FittedModel",
    "OptimizerDiagnostics",
    "given_parameter_fields",
]

LOG_BOUND: Final = 30.0
"""Log-parameters are kept in [-30, 30] (parameters in about 1e-13..1e13)."""
_MIN_PARAMETER: Final = math.exp(-LOG_BOUND)
_MAX_PARAMETER: Final = math.exp(LOG_BOUND)


class OptimizerDiagnostics(BaseModel):
    """How the optimizer reached a fit, for audit and troubleshooting.

    Attributes:
        method: The optimizer, e.g. ``"BFGS"``.
        converged: Whether the fit met the convergence test (always
            ``True`` on a returned fit: a failed fit raises).
        iterations: Optimizer iterations of the successful start.
        function_evaluations: Log-likelihood evaluations of the successful
            start.
        gradient_norm: Euclidean norm of the gradient of the mean
            log-likelihood per customer with respect to the log-parameters
            at the optimum.
        message: The optimizer's own message.
        starts_tried: How many starting values were tried (1 when the first
            converged).

    Examples:
        >>> from customer_centric.clv import OptimizerDiagnostics
        >>> d = OptimizerDiagnostics(
        ...     method="BFGS", converged=True, iterations=20,
        ...     function_evaluations=25, gradient_norm=1e-7,
        ...     message="CONVERGENCE", starts_tried=1)
        >>> d.converged
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_inf_nan="constants"
    )

    method: str
    converged: bool
    iterations: int = Field(ge=0)
    function_evaluations: int = Field(ge=0)
    # A finite norm: a fit whose gradient is NaN or infinite never converged.
    gradient_norm: float = Field(ge=0, allow_inf_nan=False)
    message: str
    starts_tried: int = Field(default=1, ge=0)


class FittedModel(BaseModel):
    """Base record of a fitted model: parameters, their uncertainty, fit.

    Subclasses declare one ``float`` field per parameter, named as in the
    paper, and list the names in ``parameter_names``. Fits are records:
    save them with ``model_dump_json()`` and load them with
    ``model_validate_json()``; no pickles.

    Attributes:
        standard_errors: Standard error of each parameter, from the inverse
            of the Hessian of the summed log-likelihood at the optimum.
        covariance: The asymptotic covariance matrix of the parameters, rows
            and columns in ``parameter_names`` order.
        log_likelihood: The summed log-likelihood at the optimum, in the
            data's own time unit, as the papers report it.
        n_customers: The number of customers fitted (the sum of weights).
        diagnostics: How the optimizer got there.

    Examples:
        A fit round-trips through JSON:

        >>> from customer_centric.clv import (
        ...     BgNbdFit, fit_bg_nbd, simulate_bg_nbd)
        >>> sim = simulate_bg_nbd(
        ...     [39.0] * 500, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7)
        >>> fit = fit_bg_nbd(sim.frequency, sim.recency, sim.T)
        >>> BgNbdFit.model_validate_json(fit.model_dump_json()) == fit
        True
        >>> sorted(fit.params) == sorted(fit.parameter_names)
        True

        ``repr`` is one line: the parameters, the number of customers and
        the log-likelihood (the record's fields are its attributes, and
        ``model_dump()`` lists them all). In Jupyter a fit shows as a table
        of parameters with standard errors and the optimizer's diagnostics:

        >>> BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
        BgNbdFit(r=0.243, alpha=4.414, a=0.793, b=2.426, n=0, ll=nan)
        >>> "standard error" in fit._repr_html_()
        True

    .. versionadded:: 0.1
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_inf_nan="constants"
    )

    parameter_names: ClassVar[tuple[str, ...]] = ()
    signed_parameters: ClassVar[frozenset[str]] = frozenset()
    """Parameters that may be 0 or negative (the others are positive)."""

    standard_errors: FrozenMap[str, float]
    covariance: tuple[tuple[float, ...], ...]
    log_likelihood: float
    n_customers: float
    diagnostics: OptimizerDiagnostics

    @model_validator(mode="after")
    def _check_parameters(self) -> Self:
        names = self.parameter_names
        if set(self.standard_errors) != set(names):
            msg = (
                f"standard_errors must have exactly the keys {names!r}, got "
                f"{sorted(self.standard_errors)!r}"
            )
            raise DataError(msg)
        k = len(names)
        if len(self.covariance) != k or any(
            len(row) != k for row in self.covariance
        ):
            msg = (
                f"covariance must be a {k}x{k} matrix, got {self.covariance!r}"
            )
            raise DataError(msg)
        for name in names:
            value = getattr(self, name)
            # A signed parameter (e.g. a correlation's) may be 0 or
            # negative; only its size is bounded.
            if name in self.signed_parameters and abs(value) <= _MAX_PARAMETER:
                continue
            if name in self.signed_parameters:
                msg = (
                    f"parameter {name} must be finite and at most "
                    f"{_MAX_PARAMETER:.2g} in size, got {value!r}"
                )
                raise DataError(msg)
            if not (_MIN_PARAMETER <= value <= _MAX_PARAMETER):
                msg = (
                    f"parameter {name} must be finite and between "
                    f"{_MIN_PARAMETER:.2g} and {_MAX_PARAMETER:.2g} (the "
                    f"range fits search), got {value!r}"
                )
                raise DataError(msg)
        return self

    def __repr__(self) -> str:
        """One line: parameters, customers and log-likelihood."""
        shown = ", ".join(
            f"{name}={number(value)}" for name, value in self.params.items()
        )
        return (
            f"{type(self).__name__}({shown}, n={self._customers()}, "
            f"ll={self.log_likelihood:.1f})"
        )

    def _customers(self) -> str:
        return number(self.n_customers, digits=10)

    def __str__(self) -> str:
        """The same line as ``repr``."""
        return repr(self)

    def _tables(self) -> tuple[Table, ...]:
        """Parameters with standard errors, then fit and diagnostics."""
        name = type(self).__name__
        parameters = Table(
            f"{name}: {self._customers()} customers",
            [
                (p, number(value), number(self.standard_errors[p]))
                for p, value in self.params.items()
            ],
            header=("parameter", "estimate", "standard error"),
        )
        d = self.diagnostics
        diagnostics = Table(
            "Fit and optimizer diagnostics",
            [
                ("log-likelihood", f"{self.log_likelihood:.2f}"),
                ("customers", self._customers()),
                ("method", d.method),
                ("converged", "yes" if d.converged else "no"),
                ("iterations", d.iterations),
                ("function evaluations", d.function_evaluations),
                ("gradient norm", number(d.gradient_norm, digits=3)),
                ("starts tried", d.starts_tried),
                ("message", d.message),
            ],
        )
        return parameters, diagnostics

    def _repr_html_(self) -> str:
        return tables_html(self._tables())

    def _repr_markdown_(self) -> str:
        return tables_markdown(self._tables())

    @property
    def params(self) -> dict[str, float]:
        """The fitted parameters by name, in ``parameter_names`` order."""
        return {
            name: float(getattr(self, name)) for name in self.parameter_names
        }

    def parameter_vector(self) -> FloatArray:
        """The fitted parameters as an array in ``parameter_names`` order.

        Examples:
            >>> from customer_centric.clv import BgNbdFit
            >>> fit = BgNbdFit.from_parameters(r=0.2, alpha=4, a=0.8, b=2)
            >>> fit.parameter_vector()
            array([0.2, 4. , 0.8, 2. ])
        """
        return np.array(
            [getattr(self, name) for name in self.parameter_names],
            dtype=np.float64,
        )


def given_parameter_fields(params: dict[str, object], /) -> dict[str, object]:
    """Record fields for a model built from known parameters, not fitted.

    Standard errors and the covariance are NaN, the log-likelihood is NaN,
    ``n_customers`` is 0 and the diagnostics say "parameters given". Use
    as ``MyFit.model_validate(given_parameter_fields({...}))``.

    Examples:
        >>> from customer_centric.clv._records import given_parameter_fields
        >>> given_parameter_fields({"p": 1.0})["n_customers"]
        0.0

    .. versionadded:: 0.1
    """
    k = len(params)
    nan = float("nan")
    return {
        **{name: real_number(v, name=name) for name, v in params.items()},
        "standard_errors": dict.fromkeys(params, nan),
        "covariance": tuple(tuple([nan] * k) for _ in range(k)),
        "log_likelihood": nan,
        "n_customers": 0.0,
        "diagnostics": {
            "method": "none",
            "converged": True,
            "iterations": 0,
            "function_evaluations": 0,
            "gradient_norm": 0.0,
            "message": "parameters given, not fitted",
            "starts_tried": 0,
        },
    }
