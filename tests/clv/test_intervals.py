"""Delta-method and bootstrap intervals: coverage, properties, refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from customer_centric.clv import (
    BgBbFit,
    BgNbdFit,
    ClvSettings,
    FittedModel,
    GammaGammaFit,
    IntervalScale,
    ParetoNbdFit,
    PredictionInterval,
    RFMArrays,
    _intervals,
    bootstrap_interval,
    compress,
    customer_lifetime_value,
    delta_interval,
    dert,
    fit_bg_bb,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_mbg_nbd,
    fit_pareto_nbd,
    fit_sbg,
    simulate_bg_nbd,
    validate_rfm,
)
from customer_centric.exceptions import (
    ArgumentTypeError,
    ConvergenceError,
    DataError,
    InvariantError,
)

# --------------------------------------------------------------------------
# Simulated bases: BG/NBD purchases, Gamma-Gamma spend
# --------------------------------------------------------------------------

TRUE_BG: Final = BgNbdFit.from_parameters(r=0.25, alpha=4.0, a=0.8, b=2.5)
TRUE_GG: Final = GammaGammaFit.from_parameters(p=6.0, q=4.0, gamma=15.0)
YEAR: Final = ClvSettings(
    time_unit="W",
    horizon_months=6,
    discount_rate=0.10,
    discount_rate_period="Y",
)
COVERAGE_BASES: Final = 300
COVERAGE_CUSTOMERS: Final = 1000
COVERAGE_SEED: Final = 2


@attrs.frozen
class Base:
    """One simulated base: histories, average spend, and both fits."""

    rfm: RFMArrays
    monetary_value: npt.NDArray[np.float64]


def simulate_base(n: int, rng: np.random.Generator) -> Base:
    """BG/NBD histories, cohorts joining over 13 weeks, and spend.

    Spend follows the Gamma-Gamma model (Fader & Hardie 2013): each
    customer's mean spend is ``p / nu`` with ``nu ~ Gamma(q, rate=gamma)``
    and the average of ``x`` purchases is ``Gamma(p x, rate=nu x)``.
    """
    big_t = np.round((26.0 + 13.0 * rng.random(n)) * 7) / 7
    rfm = simulate_bg_nbd(
        big_t, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=rng, resolution=1 / 7
    )
    x = np.maximum(rfm.frequency, 1.0)
    nu = rng.gamma(TRUE_GG.q, 1 / TRUE_GG.gamma, size=n)
    zbar = rng.gamma(TRUE_GG.p * x, 1 / (nu * x))
    return Base(rfm=rfm, monetary_value=np.where(rfm.frequency > 0, zbar, 0.0))


def fit_base(base: Base) -> tuple[BgNbdFit, GammaGammaFit]:
    """The BG/NBD fit and the Gamma-Gamma fit on the repeat buyers."""
    rfm = base.rfm
    repeat = rfm.frequency > 0
    return (
        fit_bg_nbd(rfm.frequency, rfm.recency, rfm.T),
        fit_gamma_gamma(rfm.frequency[repeat], base.monetary_value[repeat]),
    )


def new_customer(bg: BgNbdFit) -> npt.ArrayLike:
    """Expected purchases of a new customer in 39 weeks."""
    return bg.expected_purchases(39.0)


def alive(bg: BgNbdFit) -> npt.ArrayLike:
    """P(alive) of a customer with 2 repeat purchases, the last at 30."""
    return bg.probability_alive(2, 30.0, 39.0)


def purchases(bg: BgNbdFit) -> npt.ArrayLike:
    """That customer's expected purchases in the next 39 weeks."""
    return bg.conditional_expected_purchases(39.0, 2, 30.0, 39.0)


def spend(gg: GammaGammaFit) -> npt.ArrayLike:
    """Expected spend of a customer with 2 purchases averaging 20."""
    return gg.conditional_expected_spend(2, 20.0)


def clv(bg: BgNbdFit, gg: GammaGammaFit) -> npt.ArrayLike:
    """Discounted value over 6 months of that customer."""
    return customer_lifetime_value(
        bg, 2, 30.0, 39.0, spend=gg, monetary_value=20.0, settings=YEAR
    ).value


# name -> (the fits it reads, predict, scale)
QUANTITIES: Final[
    dict[
        str, tuple[str, Callable[..., npt.ArrayLike], _intervals.IntervalScale]
    ]
] = {
    "expected purchases of a new customer": ("bg", new_customer, "log"),
    "P(alive)": ("bg", alive, "logit"),
    "conditional expected purchases": ("bg", purchases, "log"),
    "conditional expected spend": ("gg", spend, "log"),
    "CLV": ("bg+gg", clv, "log"),
}


def _fits(
    which: str, bg: BgNbdFit, gg: GammaGammaFit
) -> tuple[FittedModel, ...]:
    return {"bg": (bg,), "gg": (gg,), "bg+gg": (bg, gg)}[which]


@pytest.fixture(scope="module")
def coverage() -> dict[str, float]:
    """Share of 300 simulated bases whose 90 % delta interval holds the truth.

    Each base is 1,000 customers; a base whose fit does not converge (the
    likelihood is highest at a boundary) is replaced by the next one, and
    counted under ``"replaced"``. With this seed the shares are 88.0 to
    89.7 %, and no truth lies closer to an end of its interval than 7e-4
    of the interval's width, so where an optimizer stops (to 1e-6 or so)
    does not change them.
    """
    rng = np.random.default_rng(COVERAGE_SEED)
    hits = dict.fromkeys(QUANTITIES, 0)
    fitted = replaced = 0
    while fitted < COVERAGE_BASES:
        base = simulate_base(COVERAGE_CUSTOMERS, rng)
        try:
            bg, gg = fit_base(base)
        except ConvergenceError:
            replaced += 1
            continue
        fitted += 1
        for name, (which, predict, scale) in QUANTITIES.items():
            truth = float(np.asarray(predict(*_fits(which, TRUE_BG, TRUE_GG))))
            interval = delta_interval(
                _fits(which, bg, gg), predict, confidence=0.9, scale=scale
            )
            hits[name] += bool(interval.lower <= truth <= interval.upper)
    return {
        **{name: count / fitted for name, count in hits.items()},
        "replaced": replaced,
    }


@pytest.mark.slow
@pytest.mark.parametrize("name", list(QUANTITIES))
def test_delta_coverage(coverage: dict[str, float], name: str) -> None:
    """90 % delta intervals cover the truth in 85-95 % of bases."""
    # Nominal 90 %: the share must be within 85-95 % (about +/- 2.9
    # binomial standard errors at 300 bases).
    assert 0.85 <= coverage[name] <= 0.95, coverage


@pytest.mark.slow
def test_few_bases_replaced(coverage: dict[str, float]) -> None:
    """Almost every simulated base gives a converged fit."""
    assert coverage["replaced"] <= 0.05 * COVERAGE_BASES, coverage


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big() -> tuple[Base, BgNbdFit, GammaGammaFit]:
    """2,000 simulated customers and their BG/NBD and Gamma-Gamma fits."""
    base = simulate_base(2000, np.random.default_rng(2024))
    return (base, *fit_base(base))


@pytest.fixture(scope="module")
def small() -> tuple[Base, BgNbdFit, GammaGammaFit]:
    """The first 500 of those customers, and their fits."""
    base = simulate_base(2000, np.random.default_rng(2024))
    rfm = base.rfm
    head = slice(0, 500)
    part = Base(
        rfm=validate_rfm(rfm.frequency[head], rfm.recency[head], rfm.T[head]),
        monetary_value=base.monetary_value[head],
    )
    return (part, *fit_base(part))


histories = st.tuples(
    st.integers(0, 60),
    st.floats(0.0, 1.0),
    st.floats(0.5, 200.0),
).map(lambda h: (h[0], 0.0 if h[0] == 0 else h[1] * h[2], h[2]))


@given(history=histories, level=st.floats(0.5, 0.999))
def test_delta_interval_contains_the_estimate(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
    history: tuple[int, float, float],
    level: float,
) -> None:
    """Delta intervals always hold the estimate."""
    _, bg, gg = big
    x, t_x, big_t = history
    cases: tuple[tuple[Callable[..., npt.ArrayLike], IntervalScale], ...] = (
        (lambda f: f.probability_alive(x, t_x, big_t), "logit"),
        (lambda f: f.conditional_expected_purchases(13, x, t_x, big_t), "log"),
    )
    for predict, scale in cases:
        interval = delta_interval(bg, predict, confidence=level, scale=scale)
        assert interval.lower <= interval.estimate <= interval.upper
    interval = delta_interval(
        gg, lambda g: g.conditional_expected_spend(x, 25.0), confidence=level
    )
    assert 0 < interval.lower <= interval.estimate <= interval.upper


def test_per_customer_predictions_give_per_customer_intervals(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """One interval per customer, read-only."""
    base, bg, gg = big
    rfm = base.rfm
    interval = delta_interval(
        (bg, gg),
        lambda b, g: (
            customer_lifetime_value(
                b,
                rfm.frequency,
                rfm.recency,
                rfm.T,
                spend=g,
                monetary_value=base.monetary_value,
                settings=YEAR,
            ).value
        ),
        confidence=0.9,
    )
    assert interval.estimate.shape == interval.lower.shape == (2000,)
    assert (interval.lower <= interval.estimate).all()
    assert (interval.estimate <= interval.upper).all()
    assert (interval.width >= 0).all()
    assert not interval.lower.flags.writeable


def test_probability_one_is_a_point(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """A prediction on the scale's edge is its own interval."""
    # BG/NBD: P(alive) is exactly 1 without repeat purchases.
    _, bg, _ = big
    interval = delta_interval(
        bg,
        lambda f: f.probability_alive([0, 3], [0, 20.0], 39.0),
        scale="logit",
    )
    assert interval.lower[0] == interval.upper[0] == 1.0
    assert interval.lower[1] < interval.estimate[1] < interval.upper[1] < 1


def test_identity_scale_is_symmetric(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """The identity scale is symmetric; the log scale is not."""
    _, bg, _ = big
    log = delta_interval(bg, new_customer)
    plain = delta_interval(bg, new_customer, scale="identity")
    assert plain.scale == "identity"
    assert plain.upper - plain.estimate == pytest.approx(
        plain.estimate - plain.lower
    )
    # Same standard error, mapped through the log: a wider upper arm.
    assert log.upper - log.estimate > log.estimate - log.lower


def test_delta_matches_the_fits_standard_error(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """A parameter's own interval is its Wald interval."""
    # A prediction equal to one parameter: its interval is the Wald
    # interval on the log scale, from the fit's own standard error.
    _, bg, _ = big
    interval = delta_interval(
        bg, lambda f: f.alpha, confidence=0.95, scale="log"
    )
    half = 1.959963984540054 * bg.standard_errors["alpha"] / bg.alpha
    assert float(interval.upper) == pytest.approx(
        bg.alpha * np.exp(half), rel=1e-4
    )
    assert float(interval.lower) == pytest.approx(
        bg.alpha * np.exp(-half), rel=1e-4
    )


def test_intervals_widen_with_fewer_customers(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """A quarter of the customers gives wider intervals."""
    for name, (which, predict, scale) in QUANTITIES.items():
        wide = delta_interval(
            _fits(which, *small[1:]), predict, confidence=0.9, scale=scale
        )
        narrow = delta_interval(
            _fits(which, *big[1:]), predict, confidence=0.9, scale=scale
        )
        assert wide.width > narrow.width, name
    # And so do bootstrap intervals.
    widths = [
        bootstrap_interval(
            bg,
            new_customer,
            data=base.rfm,
            seed=3,
            n_resamples=60,
            confidence=0.9,
        ).width
        for base, bg, _ in (small, big)
    ]
    assert widths[0] > widths[1]


def test_higher_confidence_is_wider(
    big: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Widths grow with the confidence level."""
    _, bg, _ = big
    widths = [
        float(delta_interval(bg, purchases, confidence=level).width)
        for level in (0.5, 0.8, 0.9, 0.99)
    ]
    assert widths == sorted(widths)


# --------------------------------------------------------------------------
# Bootstrap
# --------------------------------------------------------------------------


def test_bootstrap_is_seeded(
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """The same seed gives the same interval; another seed not."""
    base, bg, _ = small

    def run(seed: int) -> PredictionInterval:
        return bootstrap_interval(
            bg, alive, data=base.rfm, seed=seed, n_resamples=30
        )

    first, again, other = run(5), run(5), run(6)
    assert (first.lower, first.upper) == (again.lower, again.upper)
    assert (first.lower, first.upper) != (other.lower, other.upper)
    assert first.method == "bootstrap"
    assert first.scale is None
    assert first.n_resamples == 30
    assert first.failed <= 3  # a boundary fit now and then, on 500
    assert first.lower <= first.estimate <= first.upper


def test_bootstrap_resamples_customers_for_both_fits(
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """CLV resamples customers for both fits."""
    base, bg, gg = small
    interval = bootstrap_interval(
        (bg, gg),
        clv,
        data=base.rfm,
        monetary_value=base.monetary_value,
        seed=1,
        n_resamples=25,
        confidence=0.8,
    )
    assert 0 < interval.lower <= interval.estimate <= interval.upper
    assert interval.confidence == 0.8
    delta = delta_interval((bg, gg), clv, confidence=0.8)
    # Two estimates of the same uncertainty: within a factor of two.
    assert 0.5 < interval.width / delta.width < 2


def test_bootstrap_on_compressed_rows_matches_customers(
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Compressed rows with weights resample customers."""
    base, bg, _ = small
    rfm = base.rfm
    rows = compress(rfm.frequency, rfm.recency, rfm.T)
    compressed = validate_rfm(
        rows.frequency, rows.recency, rows.T, weights=rows.weights
    )
    interval = bootstrap_interval(
        bg, purchases, data=compressed, seed=2, n_resamples=20
    )
    assert interval.lower < interval.estimate < interval.upper


def test_bootstrap_pareto_nbd_and_bg_bb() -> None:
    """Pareto/NBD, MBG/NBD and BG/BB fits are refitted too."""
    rfm = simulate_bg_nbd(
        [39.0] * 1000, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=7
    )
    pnbd = fit_pareto_nbd(rfm.frequency, rfm.recency, rfm.T)
    interval = bootstrap_interval(pnbd, alive, data=rfm, seed=1, n_resamples=5)
    assert 0 < interval.lower <= interval.upper < 1
    mbg = fit_mbg_nbd(rfm.frequency, rfm.recency, rfm.T)
    with pytest.raises(ArgumentTypeError, match="cannot simulate"):
        bootstrap_interval(mbg, alive, data=rfm, seed=1, kind="parametric")
    interval = bootstrap_interval(mbg, alive, data=rfm, seed=1, n_resamples=5)
    assert 0 < interval.lower <= interval.upper < 1
    # The 1995 donor cohort of Fader, Hardie & Shang (2010), 6 periods.
    x = [0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6]
    t_x = [0, 1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 3, 4, 5, 6, 4, 5, 6, 5, 6, 6]
    donors = [3464, 1091, 277, 129, 78, 119, 129, 613, 255, 155, 173, 234,
              322, 181, 225, 357, 240, 284, 512, 335, 728, 1203]  # fmt: skip
    bb = fit_bg_bb(x, t_x, 6, weights=donors)
    cohort = validate_rfm(x, t_x, [6] * len(x), weights=donors)
    interval = bootstrap_interval(
        bb,
        lambda f: f.expected_purchases(5),
        data=cohort,
        seed=1,
        n_resamples=5,
    )
    assert interval.lower < interval.estimate < interval.upper
    assert isinstance(bb, BgBbFit)
    assert isinstance(pnbd, ParetoNbdFit)


def test_parametric_bootstrap_simulates_from_the_fits(
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Histories and spend drawn from the fits give a seeded interval."""
    base, bg, gg = small

    def run(seed: int) -> PredictionInterval:
        return bootstrap_interval(
            (bg, gg),
            clv,
            data=base.rfm,
            monetary_value=base.monetary_value,
            seed=seed,
            n_resamples=20,
            confidence=0.9,
            kind="parametric",
        )

    first, again = run(4), run(4)
    assert first.method == "parametric bootstrap"
    assert (first.lower, first.upper) == (again.lower, again.upper)
    assert 0 < first.lower <= first.estimate <= first.upper
    delta = delta_interval((bg, gg), clv, confidence=0.9)
    assert 0.5 < first.width / delta.width < 2
    # A Gamma-Gamma fit alone keeps the observed frequencies.
    alone = bootstrap_interval(
        gg,
        spend,
        data=base.rfm,
        monetary_value=base.monetary_value,
        seed=1,
        n_resamples=20,
        kind="parametric",
    )
    assert alone.lower < alone.estimate < alone.upper


def test_parametric_bootstrap_refusals(
    tiny: tuple[RFMArrays, BgNbdFit],
) -> None:
    """Models without a simulator and huge bases are refused."""
    rfm, bg = tiny
    crowd = validate_rfm([1], [2.0], [5.0], weights=[2e7])
    with pytest.raises(DataError, match="simulates every customer"):
        bootstrap_interval(
            bg, new_customer, data=crowd, seed=1, kind="parametric"
        )
    with pytest.raises(InvariantError, match="kind"):
        bootstrap_interval(
            bg,
            new_customer,
            data=rfm,
            seed=1,
            kind="jackknife",  # type: ignore[arg-type]
        )


def test_failed_refits_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resamples that fail to refit are counted, or raise if all fail."""
    rfm = simulate_bg_nbd(
        [39.0] * 300, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=11
    )
    bg = fit_bg_nbd(rfm.frequency, rfm.recency, rfm.T)
    calls = 0

    def every_other(*args: object, **kwargs: object) -> BgNbdFit:
        # The check on the fit's own data, then fail every second resample.
        nonlocal calls
        calls += 1
        if calls % 2 == 0:
            msg = "simulated failure"
            raise ConvergenceError(msg)
        return fit_bg_nbd(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intervals, "fit_bg_nbd", every_other)
    interval = bootstrap_interval(
        bg, new_customer, data=rfm, seed=1, n_resamples=10
    )
    assert (interval.n_resamples, interval.failed) == (10, 5)

    calls = -100  # the check passes; then every call fails

    def after_check(*args: object, **kwargs: object) -> BgNbdFit:
        nonlocal calls
        calls += 1
        if calls > -100 + 1:
            msg = "simulated failure"
            raise DataError(msg)
        return fit_bg_nbd(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(_intervals, "fit_bg_nbd", after_check)
    with pytest.raises(ConvergenceError, match="none of the 4 resamples"):
        bootstrap_interval(bg, new_customer, data=rfm, seed=1, n_resamples=4)


# --------------------------------------------------------------------------
# Refusals
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny() -> tuple[RFMArrays, BgNbdFit]:
    """300 simulated customers and their BG/NBD fit."""
    rfm = simulate_bg_nbd(
        [39.0] * 300, r=0.25, alpha=4.0, a=0.8, b=2.5, seed=11
    )
    return rfm, fit_bg_nbd(rfm.frequency, rfm.recency, rfm.T)


def test_dert_gets_intervals(
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """DERT is one more function of the fits: both methods apply."""
    base, bg, _ = small

    def residual(fit: BgNbdFit) -> npt.ArrayLike:
        return dert(fit, [0, 2], [0.0, 30.0], 39.0, discount_rate=0.003)

    delta = delta_interval(bg, residual, confidence=0.9)
    boot = bootstrap_interval(
        bg, residual, data=base.rfm, seed=1, n_resamples=20, confidence=0.9
    )
    for interval in (delta, boot):
        assert interval.estimate.shape == (2,)
        assert (interval.lower <= interval.estimate).all()
        assert (interval.estimate <= interval.upper).all()


def test_refuses_fits_without_covariance() -> None:
    """A model built from parameters has no interval."""
    with pytest.raises(DataError, match="no finite covariance"):
        delta_interval(TRUE_BG, new_customer)


@pytest.mark.parametrize("fits", [None, "BgNbdFit", [None], 3])
def test_refuses_what_is_not_a_fit(fits: object) -> None:
    """Anything but fits is refused by type."""
    with pytest.raises(ArgumentTypeError, match="fits"):
        delta_interval(fits, new_customer)  # type: ignore[arg-type]


@pytest.mark.parametrize("predict", [None, 3, "alive"])
def test_refuses_what_is_not_callable(
    tiny: tuple[RFMArrays, BgNbdFit], predict: object
) -> None:
    """A prediction that is not a callable is refused by type."""
    rfm, bg = tiny
    with pytest.raises(ArgumentTypeError, match="predict must be"):
        delta_interval(bg, predict)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="predict must be"):
        bootstrap_interval(bg, predict, data=rfm, seed=1)  # type: ignore[arg-type]


def test_refuses_no_fits() -> None:
    """An empty sequence of fits is refused."""
    with pytest.raises(DataError, match="fits is empty"):
        delta_interval((), new_customer)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1, float("nan")])
def test_refuses_bad_confidence(
    tiny: tuple[RFMArrays, BgNbdFit], level: float
) -> None:
    """Confidence must be strictly between 0 and 1."""
    with pytest.raises(InvariantError, match="confidence"):
        delta_interval(tiny[1], new_customer, confidence=level)


def test_refuses_bad_scale(tiny: tuple[RFMArrays, BgNbdFit]) -> None:
    """Only the three scales are accepted."""
    with pytest.raises(InvariantError, match="scale"):
        delta_interval(tiny[1], new_customer, scale="probit")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "scale"),
    [(-1.0, "log"), (1.5, "logit"), (float("nan"), "identity")],
)
def test_refuses_predictions_off_the_scale(
    tiny: tuple[RFMArrays, BgNbdFit], value: float, scale: str
) -> None:
    """Predictions outside the scale's range are refused."""
    with pytest.raises(DataError, match=f"scale={scale!r}"):
        delta_interval(
            tiny[1],
            lambda _: [0.5, value],
            scale=scale,  # type: ignore[arg-type]
        )


def test_refuses_predictions_that_are_not_numbers(
    tiny: tuple[RFMArrays, BgNbdFit],
) -> None:
    """Predict must return numbers."""
    with pytest.raises(DataError, match="must return a number"):
        delta_interval(tiny[1], lambda _: "many")


def test_errors_of_predict_pass_unchanged(
    tiny: tuple[RFMArrays, BgNbdFit],
) -> None:
    """A bad history inside predict raises the model's own error."""
    _, bg = tiny
    with pytest.raises(DataError, match="recency must be <= T"):
        delta_interval(bg, lambda f: f.probability_alive(1, 9.0, 5.0))


def test_refuses_changing_shapes(tiny: tuple[RFMArrays, BgNbdFit]) -> None:
    """Predict must keep its shape when parameters move."""
    _, bg = tiny
    with pytest.raises(DataError, match="shape"):
        delta_interval(bg, lambda f: [1.0] * (1 + (f.r != bg.r)))


def test_refuses_predictions_not_finite_nearby(
    tiny: tuple[RFMArrays, BgNbdFit],
) -> None:
    """NaN next to the estimates is refused."""
    _, bg = tiny
    with pytest.raises(DataError, match="not finite"):
        delta_interval(bg, lambda f: 1.0 if f.r == bg.r else float("nan"))


def test_bootstrap_refuses_other_data(
    tiny: tuple[RFMArrays, BgNbdFit],
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """A fit is only bootstrapped on its own data."""
    _, bg = tiny
    with pytest.raises(DataError, match="not fitted on these data"):
        bootstrap_interval(bg, new_customer, data=small[0].rfm, seed=1)


def test_bootstrap_refuses_bad_data(
    tiny: tuple[RFMArrays, BgNbdFit],
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Bad data, weights and spend columns are refused."""
    rfm, bg = tiny
    with pytest.raises(ArgumentTypeError, match="data must be an RFMArrays"):
        bootstrap_interval(bg, new_customer, data=None, seed=1)  # type: ignore[arg-type]
    halves = validate_rfm(
        rfm.frequency, rfm.recency, rfm.T, weights=np.full(300, 0.5)
    )
    with pytest.raises(DataError, match="whole numbers"):
        bootstrap_interval(bg, new_customer, data=halves, seed=1)
    distinct = np.arange(10_000.0)
    crowd = validate_rfm(
        distinct, distinct, 10_000.0 + 0 * distinct, weights=[1e12] * 10_000
    )
    with pytest.raises(DataError, match="more than"):
        bootstrap_interval(bg, new_customer, data=crowd, seed=1)
    base, _, gg = small
    with pytest.raises(DataError, match="pass it"):
        bootstrap_interval(gg, spend, data=base.rfm, seed=1)
    with pytest.raises(DataError, match="one per row"):
        bootstrap_interval(
            gg, spend, data=base.rfm, monetary_value=[1.0, 2.0], seed=1
        )


def test_bootstrap_refuses_models_it_cannot_refit() -> None:
    """The sBG cohort model cannot be resampled by customer."""
    sbg = fit_sbg([1000, 631, 468, 382, 326])
    survivors = validate_rfm([0], [0], [1])
    with pytest.raises(ArgumentTypeError, match="cannot bootstrap SbgFit"):
        bootstrap_interval(
            sbg, lambda f: f.survival(3), data=survivors, seed=1
        )


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"seed": -1}, InvariantError),
        ({"seed": 1.0}, ArgumentTypeError),
        ({"seed": True}, ArgumentTypeError),
        ({"seed": 1, "n_resamples": 0}, InvariantError),
        ({"seed": 1, "n_resamples": 10**7}, InvariantError),
        ({"seed": 1, "n_resamples": 10.0}, ArgumentTypeError),
        ({"seed": 1, "confidence": 1.0}, InvariantError),
    ],
)
def test_bootstrap_refuses_bad_knobs(
    tiny: tuple[RFMArrays, BgNbdFit],
    arguments: dict[str, object],
    error: type[Exception],
) -> None:
    """Seeds, resample counts and levels are checked."""
    rfm, bg = tiny
    with pytest.raises(error):
        bootstrap_interval(bg, new_customer, data=rfm, **arguments)  # type: ignore[arg-type]


def test_inputs_are_not_mutated(
    small: tuple[Base, BgNbdFit, GammaGammaFit],
) -> None:
    """Neither method changes the fits or the data."""
    base, bg, gg = small
    spend_column = base.monetary_value.copy()
    before = (bg.model_dump(), gg.model_dump())
    bootstrap_interval(
        (bg, gg),
        clv,
        data=base.rfm,
        monetary_value=spend_column,
        seed=1,
        n_resamples=3,
    )
    delta_interval([bg, gg], clv)
    assert (bg.model_dump(), gg.model_dump()) == before
    assert (spend_column == base.monetary_value).all()
