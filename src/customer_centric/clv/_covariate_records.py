"""The record of covariate coefficients that a fit with covariates holds.

A Pareto/NBD or BG/NBD fit with time-invariant covariates keeps its
population parameters (``r, alpha, s, beta`` or ``r, alpha, a, b``) as
usual, at covariates zero, and adds one :class:`CovariateEffects`: every
coefficient by process and name with its standard error, and the
covariance of all estimates together.

.. versionadded:: 0.2
"""

from __future__ import annotations

from typing import Final, Literal, Self, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, model_validator

from customer_centric._frozen import FrozenMap
from customer_centric.clv._records import FittedModel
from customer_centric.exceptions import DataError

__all__ = ["PROCESSES", "CovariateEffects", "Process"]

Process: TypeAlias = Literal["purchase", "dropout"]
"""The two processes a covariate can act on."""

PROCESSES: Final[tuple[Process, Process]] = ("purchase", "dropout")


class CovariateEffects(BaseModel):
    """Coefficients of time-invariant covariates, by process and name.

    A customer with covariates ``z`` has the purchase scale
    ``alpha * exp(-gamma_purchase . z)`` and, for Pareto/NBD, the dropout
    scale ``beta * exp(-gamma_dropout . z)``; for BG/NBD ``a`` and ``b``
    are both multiplied by ``exp(gamma_dropout . z)`` (CLVTools'
    parametrisation; see the CLV guide). So a positive purchase
    coefficient means more purchases and a positive dropout coefficient a
    shorter lifetime (Pareto/NBD) or a dropout probability drawn from a
    more concentrated beta distribution around ``a / (a + b)`` (BG/NBD).

    Attributes:
        purchase: Coefficients on the purchase process, by covariate name.
        dropout: Coefficients on the dropout process, by covariate name.
        purchase_standard_errors: Their standard errors.
        dropout_standard_errors: Their standard errors.
        equal: Covariates whose coefficient was constrained equal on the
            two processes (one estimate, reported under both).
        penalty: The L2 penalty ``lambda``: the fit maximised the
            log-likelihood minus ``lambda`` times the sum of the squared
            coefficients.
        names: The order of ``covariance``: the model's parameters, then
            ``purchase:<name>`` and ``dropout:<name>``.
        covariance: The asymptotic covariance of all the estimates.

    Examples:
        >>> from customer_centric.clv import CovariateEffects
        >>> effects = CovariateEffects(
        ...     purchase={"vip": 0.5}, dropout={},
        ...     purchase_standard_errors={"vip": 0.1},
        ...     dropout_standard_errors={}, names=("purchase:vip",),
        ...     covariance=((0.01,),))
        >>> effects.purchase["vip"]
        0.5

    .. versionadded:: 0.2
    """

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_inf_nan="constants"
    )

    purchase: FrozenMap[str, float]
    dropout: FrozenMap[str, float]
    purchase_standard_errors: FrozenMap[str, float]
    dropout_standard_errors: FrozenMap[str, float]
    equal: tuple[str, ...] = ()
    penalty: float = Field(default=0.0, ge=0, allow_inf_nan=False)
    names: tuple[str, ...]
    covariance: tuple[tuple[float, ...], ...]

    @model_validator(mode="after")
    def _check(self) -> Self:
        for process in PROCESSES:
            coefficients = getattr(self, process)
            errors = getattr(self, f"{process}_standard_errors")
            if set(coefficients) != set(errors):
                msg = (
                    f"{process}_standard_errors must have the keys of "
                    f"{process}, {sorted(coefficients)!r}; got "
                    f"{sorted(errors)!r}"
                )
                raise DataError(msg)
        for name in self.equal:
            if self.purchase.get(name) != self.dropout.get(name):
                msg = (
                    f"covariate {name!r} is constrained equal on both "
                    f"processes but has purchase {self.purchase.get(name)!r}"
                    f" and dropout {self.dropout.get(name)!r}"
                )
                raise DataError(msg)
        k = len(self.names)
        if len(self.covariance) != k or any(
            len(row) != k for row in self.covariance
        ):
            msg = (
                f"covariance must be a {k}x{k} matrix (one row per name in "
                f"{self.names!r}), got {self.covariance!r}"
            )
            raise DataError(msg)
        return self

    def coefficient_names(self, process: Process, /) -> tuple[str, ...]:
        """The covariates of one process, in the fit's order.

        Examples:
            >>> from customer_centric.clv import CovariateEffects
            >>> CovariateEffects(
            ...     purchase={"vip": 0.5, "age": 0.1}, dropout={},
            ...     purchase_standard_errors={"vip": 0.1, "age": 0.0},
            ...     dropout_standard_errors={}, names=(), covariance=(),
            ... ).coefficient_names("purchase")
            ('vip', 'age')
        """
        return tuple(getattr(self, process))


def is_none(value: object, /) -> bool:
    """Whether a field is ``None``: fits without covariates omit it in JSON.

    So that a fit without covariates dumps exactly as before they existed.
    """
    return value is None


def covariates_in_use(
    fit: object, purchase: object | None, dropout: object | None, /
) -> bool:
    """Whether a prediction goes the per-customer covariate path.

    It does when the fit has covariates or any are given (which, for a fit
    without them, is refused there with a message).
    """
    return (
        getattr(fit, "covariates", None) is not None
        or purchase is not None
        or dropout is not None
    )


def free_coefficients(fit: FittedModel, /) -> tuple[str, ...]:
    """The covariate coefficients ``fit`` estimated, as ``process:name``.

    A coefficient constrained equal on both processes is one estimate: it
    is listed once, under ``purchase:``, and moves both. A fit without
    covariates has none.
    """
    effects = getattr(fit, "covariates", None)
    if not isinstance(effects, CovariateEffects):
        return ()
    keys = [f"purchase:{name}" for name in effects.purchase]
    keys += [
        f"dropout:{name}"
        for name in effects.dropout
        if name not in effects.equal
    ]
    return tuple(keys)


def n_estimates(fit: FittedModel, /) -> int:
    """How many estimates ``fit`` has: its parameters and coefficients.

    What AIC, BIC, the likelihood-ratio test and the delta method count.
    """
    return len(fit.parameter_names) + len(free_coefficients(fit))
