"""The bootstrap of GGom/NBD fits, with and without covariates.

Both kinds (customers resampled, histories simulated) refit the
Gamma-Gompertz/NBD, a fit with covariates with its penalty, equality
constraints and each drawn customer's covariates. GGom/NBD fits take
tenths of a second, so the bases are small (300 customers) and the
resamples few (9, whose 80 % ends are the smallest and the largest).
Their coverage over simulated bases is
tests/clv/test_bootstrap_coverage_ggom.py's.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt
import pytest
from scipy import integrate

from customer_centric.clv import (
    BootstrapKind,
    GgomNbdFit,
    PredictionInterval,
    RFMArrays,
    _intervals,
    bootstrap_interval,
    delta_interval,
    fit_bg_nbd,
    fit_ggom_nbd,
    validate_rfm,
)
from customer_centric.clv._simulate import simulate_per_customer
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
)

Table = dict[str, npt.NDArray[np.float64]]

N: Final = 300
RESAMPLES: Final = 9
LEVEL: Final = 0.8
"""With 9 resamples, (9 + 1) x 0.1 = 1: the ends are the extremes."""
VIP: Final = {"vip": [1.0]}


@pytest.fixture(scope="module")
def base() -> tuple[RFMArrays, Table]:
    """300 GGom/NBD customers observed 52 to 65 weeks, half of them VIPs.

    BTYDplus's example parameters (r 0.85, alpha 4.45, b 0.12, s 0.75,
    beta 9.55; as ``simulate_ggom_nbd``'s example), a VIP's ``alpha``
    scaled by ``exp(-0.5)`` and ``beta`` by ``exp(-0.4)`` (CLVTools'
    parametrisation).
    """
    rng = np.random.default_rng(0)
    big_t = np.round(52.0 + 13.0 * rng.random(N))
    vip = np.repeat([0.0, 1.0], N // 2)
    params: dict[str, npt.ArrayLike] = {
        "r": 0.85,
        "alpha": 4.45 * np.exp(-0.5 * vip),
        "b": 0.12,
        "s": 0.75,
        "beta": 9.55 * np.exp(-0.4 * vip),
    }
    drawn = simulate_per_customer("ggom_nbd", big_t, params, seed=0)
    rfm = validate_rfm(drawn.frequency, drawn.recency, drawn.T)
    return rfm, {"vip": vip}


@pytest.fixture(scope="module")
def plain(base: tuple[RFMArrays, Table]) -> GgomNbdFit:
    """The GGom/NBD without covariates."""
    rfm, _ = base
    return fit_ggom_nbd(rfm.frequency, rfm.recency, rfm.T)


@pytest.fixture(scope="module")
def with_vip(base: tuple[RFMArrays, Table]) -> GgomNbdFit:
    """The GGom/NBD with the VIP flag on both processes."""
    rfm, vip = base
    return fit_ggom_nbd(
        rfm.frequency,
        rfm.recency,
        rfm.T,
        purchase_covariates=vip,
        dropout_covariates=vip,
    )


def new_customer(fit: GgomNbdFit) -> npt.ArrayLike:
    """A new customer's expected purchases in 39 weeks."""
    return fit.expected_purchases(39.0)


def vip_history(fit: GgomNbdFit) -> npt.ArrayLike:
    """A VIP's P(alive) and expected purchases in the next 39 weeks.

    For 2 repeat purchases, the last at week 30, observed 52 weeks.
    """
    return [
        float(
            np.asarray(
                fit.probability_alive(
                    2,
                    30.0,
                    52.0,
                    purchase_covariates=VIP,
                    dropout_covariates=VIP,
                )
            )
        ),
        float(
            np.asarray(
                fit.conditional_expected_purchases(
                    39.0,
                    2,
                    30.0,
                    52.0,
                    purchase_covariates=VIP,
                    dropout_covariates=VIP,
                )
            )
        ),
    ]


def _holds(interval: PredictionInterval) -> bool:
    return bool(
        (
            (interval.lower <= interval.estimate)
            & (interval.estimate <= interval.upper)
        ).all()
    )


def _near_delta(
    interval: PredictionInterval, delta: PredictionInterval
) -> bool:
    """Widths within a factor of 3 of the delta method's.

    Nine resamples put the ends at the extremes of nine draws, which
    scatter; a wrong refit (another model, lost covariates) is off by far
    more.
    """
    ratio = interval.width / delta.width
    return bool(((ratio > 1 / 3) & (ratio < 3)).all())


@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_plain_interval_behaves(
    base: tuple[RFMArrays, Table], plain: GgomNbdFit, kind: BootstrapKind
) -> None:
    """Holds the estimate, about the delta method's width, none failed."""
    rfm, _ = base
    interval = bootstrap_interval(
        plain,
        new_customer,
        data=rfm,
        seed=1,
        n_resamples=RESAMPLES,
        confidence=LEVEL,
        kind=kind,
    )
    assert interval.n_resamples == RESAMPLES
    assert interval.failed == 0
    assert _holds(interval)
    delta = delta_interval(plain, new_customer, confidence=LEVEL)
    assert _near_delta(interval, delta)


def test_covariate_interval_behaves(
    base: tuple[RFMArrays, Table], with_vip: GgomNbdFit
) -> None:
    """A VIP's P(alive) and purchases, refitted with the covariates.

    Customers resampled, 9 resamples: about the delta method's width.
    Histories simulated, 4 resamples (a 60 % interval, the extremes, to
    keep the test short): the interval holds the estimate.
    """
    rfm, vip = base

    def run(
        kind: BootstrapKind, draws: int, level: float
    ) -> PredictionInterval:
        return bootstrap_interval(
            with_vip,
            vip_history,
            data=rfm,
            purchase_covariates=vip,
            dropout_covariates=vip,
            seed=2,
            n_resamples=draws,
            confidence=level,
            kind=kind,
        )

    interval = run("nonparametric", RESAMPLES, LEVEL)
    assert interval.failed <= 1
    assert _holds(interval)
    delta_alive = delta_interval(
        with_vip,
        lambda f: vip_history(f)[0],  # type: ignore[index]
        confidence=LEVEL,
        scale="logit",
    )
    delta_purchases = delta_interval(
        with_vip,
        lambda f: vip_history(f)[1],  # type: ignore[index]
        confidence=LEVEL,
    )
    width = interval.width
    assert 1 / 3 < width[0] / delta_alive.width < 3
    assert 1 / 3 < width[1] / delta_purchases.width < 3
    simulated = run("parametric", 4, 0.6)
    assert simulated.method == "parametric bootstrap"
    assert simulated.failed <= 1
    assert _holds(simulated)
    assert (simulated.width > 0).all()


@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_seeded(
    base: tuple[RFMArrays, Table], plain: GgomNbdFit, kind: BootstrapKind
) -> None:
    """The same seed, the same interval; another seed, another."""
    rfm, _ = base
    frequency = rfm.frequency.copy()

    def run(seed: int) -> PredictionInterval:
        return bootstrap_interval(
            plain, new_customer, data=rfm, seed=seed, n_resamples=1, kind=kind
        )

    once, again, other = run(5), run(5), run(6)
    assert np.array_equal(once.lower, again.lower)
    assert not np.array_equal(once.lower, other.lower)
    # Inputs are not mutated.
    assert np.array_equal(rfm.frequency, frequency)


def test_simulation_is_seeded_with_covariates(
    base: tuple[RFMArrays, Table], with_vip: GgomNbdFit
) -> None:
    """A parametric resample of a fit with covariates comes from its seed.

    And the VIPs, whose purchase scale is smaller, buy more.
    """
    rfm, vip = base
    customers = _intervals._customers(
        rfm,
        None,
        {"purchase": vip, "dropout": vip},
    )
    once, again = (
        _intervals._simulated(
            (with_vip,), customers, np.random.default_rng(5)
        ).rows
        for _ in "ab"
    )
    assert np.array_equal(once.frequency, again.frequency)
    assert np.array_equal(once.recency, again.recency)
    assert np.array_equal(once.T, rfm.T)
    is_vip = vip["vip"] == 1.0
    assert once.frequency[is_vip].mean() > once.frequency[~is_vip].mean()
    assert vip["vip"].sum() == N // 2


def test_refit_keeps_penalty_constraints_and_covariates(
    base: tuple[RFMArrays, Table],
) -> None:
    """A refit is ``fit_ggom_nbd`` with the fit's penalty and constraints.

    On the whole data (every count 1) the refit is the fit itself; on a
    resample's counts, the fit of the drawn rows with their covariates
    as weights.
    """
    rfm, vip = base
    tables = {"purchase": vip, "dropout": vip}
    fit = fit_ggom_nbd(
        rfm.frequency,
        rfm.recency,
        rfm.T,
        purchase_covariates=vip,
        dropout_covariates=vip,
        penalty=0.5,
        equal_coefficients=("vip",),
    )
    assert fit.covariates is not None
    assert fit.covariates.purchase == fit.covariates.dropout
    customers = _intervals._customers(rfm, None, tables)  # type: ignore[arg-type]
    counts = np.random.default_rng(3).multinomial(N, np.full(N, 1 / N))
    refit = _intervals._refit(
        fit,
        customers.rows,
        None,
        counts.astype(np.float64),
        customers.covariates,
    )
    keep = counts > 0
    direct = fit_ggom_nbd(
        rfm.frequency[keep],
        rfm.recency[keep],
        rfm.T[keep],
        weights=counts[keep],
        purchase_covariates={"vip": vip["vip"][keep]},
        dropout_covariates={"vip": vip["vip"][keep]},
        penalty=0.5,
        equal_coefficients=("vip",),
    )
    assert isinstance(refit, GgomNbdFit)
    assert refit.covariates == direct.covariates
    assert refit.params == direct.params
    assert refit.covariates is not None
    assert refit.covariates.penalty == 0.5
    assert refit.covariates.equal == ("vip",)


def test_refit_without_a_maximum_is_a_failed_refit(
    base: tuple[RFMArrays, Table],
    plain: GgomNbdFit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refit whose error carries no ``estimates`` counts as failed.

    The first refit (the fit on its own data) converges; every second
    resample's then raises a ``ConvergenceError`` with no point where its
    likelihood peaks: those resamples are counted, not used.
    """
    rfm, _ = base
    calls = []

    def edge(*args: object, **kwargs: object) -> GgomNbdFit:
        calls.append(1)
        if len(calls) > 1 and len(calls) % 2 == 0:
            msg = "GGom/NBD fit did not converge from 4 starting value(s)"
            raise ConvergenceError(msg)
        return fit_ggom_nbd(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intervals, "fit_ggom_nbd", edge)
    interval = bootstrap_interval(
        plain, new_customer, data=rfm, seed=1, n_resamples=4
    )
    assert interval.failed == 2
    assert interval.at_edge == 0
    assert len(calls) == 5

    def always(*args: object, **kwargs: object) -> GgomNbdFit:
        calls.append(1)
        if len(calls) > 6:
            msg = "GGom/NBD runs to its Pareto/NBD edge"
            raise ConvergenceError(msg)
        return fit_ggom_nbd(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intervals, "fit_ggom_nbd", always)
    with pytest.raises(ConvergenceError, match="none of the 2 resamples"):
        bootstrap_interval(
            plain, new_customer, data=rfm, seed=1, n_resamples=2
        )


# BTYDplus's example, far along the edge where s and beta run to infinity
# together (one Gompertz lifetime, no heterogeneity).
EDGE: Final = {"r": 0.85, "alpha": 4.45, "b": 0.12, "s": 6e7, "beta": 7.6e8}


def test_refit_at_an_edge_enters_at_its_point(
    base: tuple[RFMArrays, Table],
    plain: GgomNbdFit,
    with_vip: GgomNbdFit,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A refit refused at an edge or ridge is predicted at its point.

    Every resample's refit raises with ``estimates`` far along an edge:
    each enters the percentiles with the edge model's prediction, counted
    in ``at_edge``, none in ``failed``. A fit with covariates still
    leaves such a resample out.
    """
    rfm, vip = base
    calls = []

    def edge(*args: object, **kwargs: object) -> GgomNbdFit:
        calls.append(1)
        if len(calls) > 1:
            raise ConvergenceError.at_estimates("at an edge", EDGE)
        return fit_ggom_nbd(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intervals, "fit_ggom_nbd", edge)
    interval = bootstrap_interval(
        plain, new_customer, data=rfm, seed=1, n_resamples=3
    )
    assert (interval.at_edge, interval.failed) == (3, 0)
    at_edge = float(
        GgomNbdFit.from_parameters(**EDGE).expected_purchases(39.0)
    )
    assert float(interval.lower) == float(interval.upper) == at_edge
    # The edge model: one Gompertz lifetime, eta = s / beta for all.
    eta = EDGE["s"] / EDGE["beta"]
    alive, _ = integrate.quad(
        lambda y: math.exp(-eta * math.expm1(EDGE["b"] * y)), 0, 39
    )
    assert at_edge == pytest.approx(
        EDGE["r"] / EDGE["alpha"] * alive, rel=1e-5
    )
    calls.clear()
    with pytest.raises(ConvergenceError, match="none of the 2 resamples"):
        bootstrap_interval(
            with_vip,
            vip_history,
            data=rfm,
            purchase_covariates=vip,
            dropout_covariates=vip,
            seed=1,
            n_resamples=2,
        )


def test_refusals(
    base: tuple[RFMArrays, Table], plain: GgomNbdFit, with_vip: GgomNbdFit
) -> None:
    """Missing covariates, two purchase models, a fit of other data."""
    rfm, vip = base
    with pytest.raises(DataError, match="lacks"):
        bootstrap_interval(
            with_vip,
            vip_history,
            data=rfm,
            purchase_covariates=vip,
            seed=1,
            n_resamples=2,
        )
    with pytest.raises(DataError, match="no fit has covariates"):
        bootstrap_interval(
            plain,
            new_customer,
            data=rfm,
            purchase_covariates=vip,
            seed=1,
            n_resamples=2,
        )
    bg = fit_bg_nbd(rfm.frequency, rfm.recency, rfm.T)
    with pytest.raises(ArgumentTypeError, match="one purchase model"):
        bootstrap_interval(
            (plain, bg),
            lambda g, _: g.expected_purchases(39.0),
            data=rfm,
            seed=1,
            n_resamples=2,
            kind="parametric",
        )
    half = validate_rfm(
        rfm.frequency[: N // 2], rfm.recency[: N // 2], rfm.T[: N // 2]
    )
    with pytest.raises(DataError, match="was not fitted on these data"):
        bootstrap_interval(
            plain, new_customer, data=half, seed=1, n_resamples=2
        )
    built = GgomNbdFit.from_parameters(**plain.params)
    with pytest.raises(DataError, match="no finite covariance"):
        bootstrap_interval(
            built, new_customer, data=rfm, seed=1, n_resamples=2
        )
