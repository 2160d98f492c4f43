"""Score a whole customer base in one vectorised call.

The summary is compressed to unique (frequency, recency, T) rows, every
prediction is computed once per unique row, and the results are expanded
back to one value per customer, so a million customers cost about as much
as their distinct purchase histories.

.. versionadded:: 0.1
"""

from __future__ import annotations

from typing import final

import attrs
import numpy.typing as npt

from customer_centric._arrays import (
    MAX_VALUE,
    FloatArray,
    PurchaseModel,
    check_model,
    read_only,
    real_number,
)
from customer_centric.clv._clv import CustomerLifetimeValue, value_of_rows
from customer_centric.clv._gamma_gamma import GammaGammaFit
from customer_centric.clv._rfm import compress
from customer_centric.clv._settings import ClvSettings, check_settings
from customer_centric.exceptions import DataError

__all__ = ["CustomerScores", "score_customers"]


@final
@attrs.frozen(kw_only=True, eq=False)
class CustomerScores:
    """Per-customer scores, as columns aligned with the input rows.

    Attributes:
        expected_purchases: Expected purchases in the next ``horizon``
            time units.
        probability_alive: Probability that the customer is still active.
        lifetime_value: Discounted value over the next months, with expected
            spend per purchase and discounted purchases
            (:func:`~customer_centric.clv.customer_lifetime_value`), or
            ``None`` when no spend was given.
        horizon: The horizon of ``expected_purchases``, in the model's time
            unit.
        unique_rows: The number of distinct (frequency, recency, T) rows
            the predictions were computed on.

    Examples:
        See :func:`score_customers`.

    .. versionadded:: 0.1
    """

    expected_purchases: FloatArray = attrs.field(converter=read_only)
    probability_alive: FloatArray = attrs.field(converter=read_only)
    lifetime_value: CustomerLifetimeValue | None
    horizon: float
    unique_rows: int


def score_customers(
    model: PurchaseModel,
    frequency: npt.ArrayLike,
    recency: npt.ArrayLike,
    T: npt.ArrayLike,  # noqa: N803 - the papers' name
    /,
    *,
    horizon: float,
    spend: GammaGammaFit | float | npt.ArrayLike | None = None,
    monetary_value: npt.ArrayLike | None = None,
    settings: ClvSettings | None = None,
) -> CustomerScores:
    """Score many customers: purchases, P(alive), spend and CLV.

    Expected purchases over ``horizon`` and P(alive) come from the purchase
    model, computed once per distinct history. With ``spend`` (a fitted
    Gamma-Gamma model with each customer's ``monetary_value``, or a value
    per purchase) the discounted value of the next
    ``settings.horizon_months`` months is added, computed by
    :func:`~customer_centric.clv.customer_lifetime_value`:
    ``sum_m margin * spend * (E[Y(m)] - E[Y(m-1)]) / (1 + d)^m``.

    Args:
        model: A fitted purchase model (BG/NBD or Pareto/NBD).
        frequency: Repeat purchases per customer.
        recency: Time of the last repeat purchase, in the model's unit.
        T: Observation length, in the model's unit.
        horizon: Horizon of ``expected_purchases``, in the model's unit.
        spend: Value of one purchase, or a Gamma-Gamma fit.
        monetary_value: Mean spend per repeat purchase, per customer (for
            a Gamma-Gamma ``spend``).
        settings: The model's time unit, the months of value, the discount
            rate and its period, the month length and the margin; required
            with ``spend``, unused without.

    Returns:
        The scores, one value per input row.

    Raises:
        DataError: Bad summary rows (named), a bad horizon, spend without
            settings, or monetary values without spend.
        ArgumentTypeError: ``settings`` is not a
            :class:`~customer_centric.clv.ClvSettings`.

    Examples:
        >>> from customer_centric.clv import (
        ...     BgNbdFit, ClvSettings, GammaGammaFit, score_customers)
        >>> bg = BgNbdFit.from_parameters(
        ...     r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> gg = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
        >>> scores = score_customers(
        ...     bg, [2, 0, 2], [30.43, 0.0, 30.43], [38.86] * 3,
        ...     horizon=39, spend=gg, monetary_value=[22.35, 0.0, 22.35],
        ...     settings=ClvSettings(time_unit="W", discount_rate=0.10))
        >>> scores.expected_purchases.round(3)
        array([1.226, 0.195, 1.226])
        >>> scores.probability_alive.round(3)
        array([0.727, 1.   , 0.727])
        >>> scores.lifetime_value.expected_spend.round(2)
        array([24.66, 35.22, 24.66])
        >>> scores.lifetime_value.value.round(2)
        array([36.75,  8.48, 36.75])
        >>> scores.unique_rows
        2

    .. versionadded:: 0.1
    """
    check_model(model, name="model")
    if settings is not None:
        check_settings(settings)
    horizon = real_number(horizon, name="horizon")
    if not (0 < horizon <= MAX_VALUE):
        msg = (
            f"horizon must be finite and > 0 (at most {MAX_VALUE:g}), got "
            f"{horizon!r}"
        )
        raise DataError(msg)
    rows = compress(frequency, recency, T)
    x, t_x, big_t = rows.frequency, rows.recency, rows.T
    expected = model.conditional_expected_purchases(horizon, x, t_x, big_t)
    alive = model.probability_alive(x, t_x, big_t)
    value = None
    if spend is not None:
        if settings is None:
            msg = (
                "spend was given but no settings; pass the model's time unit "
                "and a discount rate, e.g. settings=ClvSettings("
                "time_unit='W', discount_rate=0.10)"
            )
            raise DataError(msg)
        value = value_of_rows(
            model,
            rows,
            x[rows.inverse],
            spend=spend,
            monetary_value=monetary_value,
            settings=settings,
        )
    elif monetary_value is not None:
        msg = (
            "monetary_value needs spend (a Gamma-Gamma fit, or pass the "
            "values themselves as spend=)"
        )
        raise DataError(msg)
    return CustomerScores(
        expected_purchases=expected[rows.inverse],
        probability_alive=alive[rows.inverse],
        lifetime_value=value,
        horizon=float(horizon),
        unique_rows=int(x.size),
    )
