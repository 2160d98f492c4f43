"""The parametric bootstrap of fits with covariates.

Each simulated customer is drawn at their own covariate-scaled parameters
(CLVTools' parametrisation), keeps their ``T`` and covariates, and every
fit is refitted with its penalty and equality constraints.

The coverage of its 90 % intervals over 200 simulated bases takes longer
than the test budget (20 fits a base, 4,000 a model: here 8 minutes for
BG/NBD, 15 for Pareto/NBD), so it is measured by running this file as a
script::

    python tests/clv/test_bootstrap_covariates_parametric.py \
        [bg_nbd|pareto_nbd] [bases] [seed]

and the figures are in the CLV guide ("Intervals"). The tests check its
parts: the simulation (against the plain simulators and the model's
mean), the refits (penalty, constraints, covariates) and the intervals of
single bases simulated from known parameters.
"""

from __future__ import annotations

import math
import sys
from typing import Final, Literal

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric.clv import (
    BgNbdFit,
    GammaGammaFit,
    MbgNbdFit,
    ParetoNbdFit,
    PredictionInterval,
    RFMArrays,
    _intervals,
    at_covariates,
    bootstrap_interval,
    delta_interval,
    dert,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_mbg_nbd,
    fit_pareto_nbd,
    simulate_bg_nbd,
    simulate_ggom_nbd,
    simulate_mbg_nbd,
    validate_rfm,
)
from customer_centric.clv._simulate import simulate_per_customer
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
    InvariantError,
)

Model = Literal["bg_nbd", "pareto_nbd"]
Table = dict[str, npt.NDArray[np.float64]]
PurchaseFit = BgNbdFit | ParetoNbdFit

GAMMA_PURCHASE: Final = 0.5
GAMMA_DROPOUT: Final = 0.4
PARAMETERS: Final[dict[Model, dict[str, float]]] = {
    # The BG/NBD of the delta coverage test (tests/clv/
    # test_covariate_intervals.py). The Pareto/NBD has CDNOW's purchase
    # process (Fader, Hardie & Lee 2005, "RFM and CLV": r 0.55, alpha
    # 10.58) and a dropout rate of 0.1 a week on average: with CDNOW's
    # (s 0.61, beta 11.67) few customers of a 39-week base have dropped
    # out, and most refits of a few hundred run to the no-dropout edge.
    "bg_nbd": {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5},
    "pareto_nbd": {"r": 0.55, "alpha": 10.58, "s": 1.0, "beta": 10.0},
}
SPEND: Final = GammaGammaFit.from_parameters(p=6.0, q=4.0, gamma=15.0)
"""Gamma-Gamma spend, as the delta coverage of the CLV guide."""
WEEKLY: Final = math.log(1.15) / 52
"""15 % a year, continuously, per week."""
VIP: Final = {"vip": 1.0}
NAMES: Final = (
    "expected purchases of a new VIP",
    "P(alive)",
    "conditional expected purchases",
    "DERT",
    "CLV",
)
RESAMPLES: Final = 19
"""The fewest resamples whose 90 % ends are order statistics."""


def true_model(model: Model, vip: float) -> PurchaseFit:
    """The model of a customer with ``vip`` (CLVTools' parametrisation)."""
    base = PARAMETERS[model]
    alpha = base["alpha"] * math.exp(-GAMMA_PURCHASE * vip)
    if model == "bg_nbd":
        up = math.exp(GAMMA_DROPOUT * vip)
        return BgNbdFit.from_parameters(
            r=base["r"], alpha=alpha, a=base["a"] * up, b=base["b"] * up
        )
    return ParetoNbdFit.from_parameters(
        r=base["r"],
        alpha=alpha,
        s=base["s"],
        beta=base["beta"] * math.exp(-GAMMA_DROPOUT * vip),
    )


def predictions(model: PurchaseFit, spend: GammaGammaFit) -> list[float]:
    """A VIP's five predictions, from their plain model and a spend model.

    A new customer's purchases in 39 weeks; then, for a customer with 2
    repeat purchases, the last at week 30, observed 39 weeks: P(alive),
    purchases in the next 39 weeks, DERT at 15 % a year and CLV (DERT
    times the expected spend given an average of 25).
    """
    residual = float(
        np.asarray(dert(model, 2, 30.0, 39.0, discount_rate=WEEKLY))
    )
    return [
        float(np.asarray(model.expected_purchases(39.0))),
        float(np.asarray(model.probability_alive(2, 30.0, 39.0))),
        float(
            np.asarray(
                model.conditional_expected_purchases(39.0, 2, 30.0, 39.0)
            )
        ),
        residual,
        residual
        * float(np.asarray(spend.conditional_expected_spend(2, 25.0))),
    ]


def vip_predictions(fit: PurchaseFit, spend: GammaGammaFit) -> list[float]:
    """:func:`predictions` of a VIP, from a fit with covariates."""
    return predictions(at_covariates(fit, purchase=VIP, dropout=VIP), spend)


@attrs.frozen
class Base:
    """One simulated base: histories, spend and the VIP flag."""

    rfm: RFMArrays
    spend: npt.NDArray[np.float64]
    vip: Table


def simulate_base(model: Model, group: int, rng: np.random.Generator) -> Base:
    """``group`` regular and ``group`` VIP customers, observed 26-39 weeks.

    BG/NBD customers come from :func:`simulate_bg_nbd` per group (a
    simulator independent of the one the bootstrap uses), to the day;
    Pareto/NBD ones from the per-customer simulation, exactly. The
    average spend of each repeat buyer is drawn from :data:`SPEND`.
    """
    vip = np.repeat([0.0, 1.0], group)
    big_t = np.round(26.0 + 13.0 * rng.random(2 * group))
    if model == "bg_nbd":
        parts = []
        for flag in (0.0, 1.0):
            truth = true_model(model, flag)
            parts.append(
                simulate_bg_nbd(
                    big_t[vip == flag],
                    **truth.params,
                    seed=rng,
                    resolution=1 / 7,
                )
            )
        x, t_x = (
            np.concatenate([getattr(p, k) for p in parts])
            for k in ("frequency", "recency")
        )
    else:
        params = {
            name: np.where(
                vip == 1.0,
                true_model(model, 1.0).params[name],
                true_model(model, 0.0).params[name],
            )
            for name in PARAMETERS[model]
        }
        drawn = simulate_per_customer(model, big_t, params, seed=rng)
        x, t_x = drawn.frequency, drawn.recency
    nu = rng.gamma(SPEND.q, 1 / SPEND.gamma, size=x.size)
    count = np.maximum(x, 1.0)
    spend = np.where(x > 0, rng.gamma(SPEND.p * count, 1 / (nu * count)), 0.0)
    return Base(rfm=validate_rfm(x, t_x, big_t), spend=spend, vip={"vip": vip})


def fit_base(model: Model, base: Base) -> tuple[PurchaseFit, GammaGammaFit]:
    """The purchase fit with the VIP flag on both processes, and spend."""
    fitter = fit_bg_nbd if model == "bg_nbd" else fit_pareto_nbd
    fit = fitter(
        base.rfm.frequency,
        base.rfm.recency,
        base.rfm.T,
        purchase_covariates=base.vip,
        dropout_covariates=base.vip,
    )
    repeat = base.rfm.frequency > 0
    spend = fit_gamma_gamma(base.rfm.frequency[repeat], base.spend[repeat])
    return fit, spend


def parametric(
    fits: tuple[PurchaseFit, GammaGammaFit],
    base: Base,
    *,
    seed: int,
    n_resamples: int = RESAMPLES,
) -> PredictionInterval:
    """The 90 % parametric bootstrap of the five VIP predictions."""
    return bootstrap_interval(
        fits,
        vip_predictions,
        data=base.rfm,
        monetary_value=base.spend,
        purchase_covariates=base.vip,
        dropout_covariates=base.vip,
        seed=seed,
        n_resamples=n_resamples,
        confidence=0.9,
        kind="parametric",
    )


def coverage(
    model: Model, *, bases: int, group: int, seed: int
) -> dict[str, float]:
    """Share of ``bases`` simulated bases whose interval holds the truth.

    A base whose own fit does not converge is replaced by the next
    (counted in ``"replaced"``); ``"failed"`` is the share of resamples
    whose refit failed (left out of the percentiles, counted).
    """
    rng = np.random.default_rng(seed)
    truth = np.asarray(predictions(true_model(model, 1.0), SPEND))
    held = np.zeros(len(NAMES))
    fitted = replaced = failed = 0
    while fitted < bases:
        base = simulate_base(model, group, rng)
        try:
            fits = fit_base(model, base)
        except ConvergenceError:
            replaced += 1
            continue
        fitted += 1
        interval = parametric(fits, base, seed=fitted)
        held += (interval.lower <= truth) & (truth <= interval.upper)
        failed += interval.failed
    return {
        **dict(zip(NAMES, (held / bases).tolist(), strict=True)),
        "replaced": replaced,
        "failed": failed / (bases * RESAMPLES),
    }


# --------------------------------------------------------------------------
# The per-customer simulation
# --------------------------------------------------------------------------


@given(
    seed=st.integers(0, 2**32),
    n=st.integers(1, 40),
    scale=st.floats(0.2, 5.0),
)
def test_common_parameters_draw_the_plain_simulation(
    seed: int, n: int, scale: float
) -> None:
    """Equal parameters per customer draw the plain simulation's customers.

    From the same seed, value for value: so with every coefficient 0 the
    parametric bootstrap draws the bases the plain model draws.
    """
    big_t = np.linspace(1.0, 52.0, n)
    bg: dict[str, float] = {
        "r": 0.25 * scale,
        "alpha": 4.0,
        "a": 0.8,
        "b": 2.5 * scale,
    }
    gg: dict[str, float] = {
        "r": 0.85,
        "alpha": 4.45 * scale,
        "b": 0.12,
        "s": 0.75,
        "beta": 9.55,
    }
    pairs = [
        (simulate_bg_nbd(big_t, **bg, seed=seed), "bg_nbd", bg),
        (simulate_mbg_nbd(big_t, **bg, seed=seed), "mbg_nbd", bg),
        (simulate_ggom_nbd(big_t, **gg, seed=seed), "ggom_nbd", gg),
    ]
    for plain, model, params in pairs:
        each = simulate_per_customer(
            model,  # type: ignore[arg-type]
            big_t,
            {k: np.full(n, v) for k, v in params.items()},
            seed=seed,
        )
        for name in ("frequency", "recency", "T", "weights"):
            assert np.array_equal(getattr(each, name), getattr(plain, name))


def test_pareto_nbd_draws_match_the_model() -> None:
    """Simulated Pareto/NBD customers buy what the model expects.

    20,000 customers in two groups at their own ``alpha`` and ``beta``:
    each group's mean repeat purchases and share of customers without any
    are within 3 standard errors of the model's expectation (``E[X(t)]``,
    Schmittlein, Morrison & Colombo 1987; ``P(X(t) = 0)`` through the
    model's own ``probability_of_purchases`` where it has one, else the
    mean alone).
    """
    n = 10_000
    vip = np.repeat([0.0, 1.0], n)
    models = [true_model("pareto_nbd", flag) for flag in (0.0, 1.0)]
    params = {
        name: np.where(
            vip == 1.0, models[1].params[name], models[0].params[name]
        )
        for name in PARAMETERS["pareto_nbd"]
    }
    drawn = simulate_per_customer(
        "pareto_nbd", np.full(2 * n, 39.0), params, seed=5
    )
    assert (drawn.recency <= drawn.T).all()
    assert ((drawn.frequency > 0) | (drawn.recency == 0)).all()
    for flag, model in zip((0.0, 1.0), models, strict=True):
        x = drawn.frequency[vip == flag]
        expected = float(np.asarray(model.expected_purchases(39.0)))
        assert abs(x.mean() - expected) < 3 * x.std() / math.sqrt(n)
    means = [drawn.frequency[vip == f].mean() for f in (0.0, 1.0)]
    assert means[1] > 1.2 * means[0]


def test_per_customer_simulation_refusals() -> None:
    """Missing, unknown, misshapen or out-of-range parameters are refused."""
    good: dict[str, float | list[float]] = {
        "r": 0.5,
        "alpha": [4.0, 5.0],
        "s": 0.6,
        "beta": 11.0,
    }
    with pytest.raises(DataError, match="takes the parameters"):
        simulate_per_customer("pareto_nbd", [39.0, 39.0], {"r": 0.5}, seed=1)
    with pytest.raises(DataError, match="one value per customer"):
        simulate_per_customer("pareto_nbd", [39.0, 39.0, 39.0], good, seed=1)
    with pytest.raises(DataError, match="customer 1"):
        simulate_per_customer(
            "pareto_nbd",
            [39.0, 39.0],
            {**good, "beta": [11.0, math.inf]},
            seed=1,
        )
    with pytest.raises(ArgumentTypeError, match="seed"):
        simulate_per_customer(
            "pareto_nbd",
            [39.0, 39.0],
            good,
            seed=True,
        )
    with pytest.raises(InvariantError, match="model"):
        simulate_per_customer(
            "weibull",  # type: ignore[arg-type]
            [39.0],
            good,
            seed=1,
        )
    with pytest.raises(DataError, match=r"alpha=1e-11 is too small"):
        simulate_per_customer(
            "pareto_nbd",
            [39.0, 39.0],
            {**good, "alpha": [4.0, 1e-11], "r": 1e6},
            seed=1,
        )


# --------------------------------------------------------------------------
# The bootstrap
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bg_base() -> tuple[Base, BgNbdFit, GammaGammaFit]:
    """400 simulated BG/NBD customers in two groups and their fits."""
    base = simulate_base("bg_nbd", 200, np.random.default_rng(3))
    fit, spend = fit_base("bg_nbd", base)
    assert isinstance(fit, BgNbdFit)
    return base, fit, spend


def _holds_estimate(interval: PredictionInterval) -> bool:
    return bool(
        (
            (interval.lower <= interval.estimate)
            & (interval.estimate <= interval.upper)
        ).all()
    )


def test_zero_coefficients_draw_the_plain_bases(
    bg_base: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """A fit whose coefficients are all 0 draws the plain fit's bases.

    With constant covariates too; from the same generator the resampled
    histories and spend are equal, value for value, and a data row of
    weight 2 stands for two customers with that row's covariates.
    """
    base, fit, spend = bg_base
    plain = BgNbdFit.from_parameters(**fit.params)
    fields = fit.model_dump()
    assert fit.covariates is not None
    fields["covariates"]["purchase"] = {"vip": 0.0}
    fields["covariates"]["dropout"] = {"vip": 0.0}
    zero = BgNbdFit.model_validate(fields)
    rows = validate_rfm(
        base.rfm.frequency[:50],
        base.rfm.recency[:50],
        base.rfm.T[:50],
        weights=np.where(np.arange(50) % 5 == 0, 2.0, 1.0),
    )
    constant = {"vip": np.full(50, 3.0)}
    customers = _intervals._customers(
        rows, base.spend[:50], {"purchase": constant, "dropout": constant}
    )
    without = _intervals._customers(
        rows, base.spend[:50], {"purchase": None, "dropout": None}
    )
    one = _intervals._simulated(
        (zero, spend), customers, np.random.default_rng(8)
    )
    other = _intervals._simulated(
        (plain, spend), without, np.random.default_rng(8)
    )
    for name in ("frequency", "recency", "T", "weights"):
        assert np.array_equal(
            getattr(one.rows, name), getattr(other.rows, name)
        )
    assert one.spend is not None
    assert np.array_equal(one.spend, other.spend)  # type: ignore[arg-type]
    assert one.rows.T.size == 60
    names, matrix = one.covariates["purchase"]
    assert names == ("vip",)
    assert matrix.shape == (60, 1)
    assert (matrix == 3.0).all()


def test_covariates_scale_each_simulated_customer(
    bg_base: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """A coefficient moves the simulated customers of its group only."""
    base, fit, _ = bg_base
    fields = fit.model_dump()
    fields["covariates"]["purchase"] = {"vip": 2.0}
    strong = BgNbdFit.model_validate(fields)
    customers = _intervals._customers(
        base.rfm, None, {"purchase": base.vip, "dropout": base.vip}
    )
    drawn = _intervals._simulated(
        (strong,), customers, np.random.default_rng(1)
    )
    vip = base.vip["vip"] == 1.0
    assert drawn.spend is None
    # e^2 times the purchase rate: the VIPs buy several times as much.
    assert drawn.rows.frequency[vip].mean() > (
        2.5 * drawn.rows.frequency[~vip].mean()
    )


def test_bg_nbd_interval_behaves(
    bg_base: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Seeded, holds the estimate, about as wide as the delta interval.

    400 customers simulated from known parameters, 19 resamples: the
    parametric interval of each of the five predictions holds the
    estimate and has a width within a factor of 2.5 of the delta
    interval's (19 resamples put its ends at the extremes).
    """
    base, fit, spend = bg_base
    first = parametric((fit, spend), base, seed=4)
    assert first.method == "parametric bootstrap"
    assert first.failed <= 2
    assert _holds_estimate(first)
    once, again = (
        parametric((fit, spend), base, seed=4, n_resamples=2) for _ in "ab"
    )
    assert np.array_equal(once.lower, again.lower)
    assert np.array_equal(once.upper, again.upper)
    for k, scale in enumerate(("log", "logit", "log", "log", "log")):
        delta = delta_interval(
            (fit, spend),
            lambda f, g, k=k: vip_predictions(f, g)[k],
            confidence=0.9,
            scale=scale,  # type: ignore[arg-type]
        )
        ratio = float(first.width[k] / delta.width)
        assert 1 / 2.5 < ratio < 2.5, (NAMES[k], ratio)


def test_refit_keeps_penalty_and_equal_coefficients(
    bg_base: tuple[Base, BgNbdFit, GammaGammaFit],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every refit of a simulated base has the fit's penalty and constraint.

    And the simulated customers' covariates, in their order.
    """
    base, _, _ = bg_base
    fit = fit_bg_nbd(
        base.rfm.frequency,
        base.rfm.recency,
        base.rfm.T,
        purchase_covariates=base.vip,
        dropout_covariates=base.vip,
        penalty=0.05,
        equal_coefficients=("vip",),
    )
    seen: list[tuple[float, tuple[str, ...], float]] = []

    def spy(*args: object, **kwargs: object) -> BgNbdFit:
        tables = kwargs["purchase_covariates"]
        assert isinstance(tables, dict)
        seen.append(
            (
                kwargs["penalty"],  # type: ignore[arg-type]
                tuple(kwargs["equal_coefficients"]),  # type: ignore[arg-type]
                float(np.sum(tables["vip"])),
            )
        )
        return fit_bg_nbd(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intervals, "fit_bg_nbd", spy)
    interval = bootstrap_interval(
        fit,
        lambda f: at_covariates(
            f, purchase=VIP, dropout=VIP
        ).expected_purchases(39.0),
        data=base.rfm,
        purchase_covariates=base.vip,
        dropout_covariates=base.vip,
        seed=2,
        n_resamples=3,
        kind="parametric",
    )
    assert interval.failed == 0
    assert _holds_estimate(interval)
    # The check refit on the data, then three refits of simulated bases.
    assert seen == [(0.05, ("vip",), 200.0)] * 4


def test_pareto_nbd_with_covariates_and_without() -> None:
    """Pareto/NBD fits, with covariates or not, are simulated and refitted.

    1,000 customers, 5 resamples: each interval holds the estimate; the
    covariate fit's VIP interval differs from the plain fit's.
    """
    base = simulate_base("pareto_nbd", 500, np.random.default_rng(12))
    fit, spend = fit_base("pareto_nbd", base)
    covariate = parametric((fit, spend), base, seed=1, n_resamples=5)
    assert _holds_estimate(covariate)
    assert covariate.failed <= 1
    plain = fit_pareto_nbd(base.rfm.frequency, base.rfm.recency, base.rfm.T)
    alone = bootstrap_interval(
        plain,
        lambda f: predictions(f, SPEND),
        data=base.rfm,
        seed=1,
        n_resamples=5,
        confidence=0.9,
        kind="parametric",
    )
    assert _holds_estimate(alone)
    assert not np.array_equal(alone.estimate, covariate.estimate)


def test_parametric_refusals(
    bg_base: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Models without a simulator, and two purchase models, are refused."""
    base, fit, _ = bg_base
    rfm = base.rfm
    mbg = fit_mbg_nbd(rfm.frequency, rfm.recency, rfm.T)
    with pytest.raises(ArgumentTypeError, match="cannot simulate from Mbg"):
        bootstrap_interval(
            mbg,
            lambda f: f.expected_purchases(39.0),
            data=rfm,
            seed=1,
            kind="parametric",
        )
    plain = fit_bg_nbd(rfm.frequency, rfm.recency, rfm.T)
    assert isinstance(mbg, MbgNbdFit)

    def both(f: BgNbdFit, _: BgNbdFit) -> float:
        return float(np.asarray(f.expected_purchases(39.0)))

    with pytest.raises(ArgumentTypeError, match="one purchase model, got 2"):
        bootstrap_interval(
            (fit, plain),
            both,
            data=rfm,
            purchase_covariates=base.vip,
            dropout_covariates=base.vip,
            seed=1,
            kind="parametric",
        )
    with pytest.raises(DataError, match="lacks"):
        bootstrap_interval(
            fit,
            lambda f: f.expected_purchases(39.0),
            data=rfm,
            purchase_covariates=base.vip,
            dropout_covariates={"age": base.vip["vip"]},
            seed=1,
            kind="parametric",
        )


def _main(argv: list[str]) -> None:  # pragma: no cover - a script
    """Print the coverage over 200 (or ``argv[2]``) simulated bases.

    The figures in the guide are from seed 9 (``argv[3]``, the default).
    """
    model: Model = "pareto_nbd" if argv[1:2] == ["pareto_nbd"] else "bg_nbd"
    bases = int(argv[2]) if len(argv) > 2 else 200
    seed = int(argv[3]) if len(argv) > 3 else 9
    shares = coverage(model, bases=bases, group=500, seed=seed)
    for name, share in shares.items():
        print(f"{model}: {name}: {share:.4g}")  # noqa: T201


if __name__ == "__main__":  # pragma: no cover - a script
    _main(sys.argv)
