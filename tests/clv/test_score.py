from __future__ import annotations

import numpy as np
import pytest

from customer_centric._arrays import FloatArray, PurchaseModel
from customer_centric.clv import (
    BgNbdFit,
    ClvSettings,
    CustomerScores,
    GammaGammaFit,
    ParetoNbdFit,
    customer_lifetime_value,
    score_customers,
    simulate_bg_nbd,
)
from customer_centric.clv import _clv as clv_module
from customer_centric.clv import _rfm as rfm_module
from customer_centric.clv import _score as score_module
from customer_centric.exceptions import ArgumentTypeError, DataError

Base = tuple[FloatArray, FloatArray, FloatArray, FloatArray]

BG = BgNbdFit.from_parameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = ParetoNbdFit.from_parameters(
    r=0.553, alpha=10.578, s=0.606, beta=11.669
)
GG = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)
WEEKLY = ClvSettings(time_unit="W", discount_rate=0.1)


@pytest.fixture(scope="module")
def base() -> Base:
    """Two thousand simulated customers with day-resolution recency."""
    rng = np.random.default_rng(11)
    big_t = (273 - rng.integers(0, 84, size=2_000)) / 7
    sim = simulate_bg_nbd(
        big_t,
        r=0.243,
        alpha=4.414,
        a=0.793,
        b=2.426,
        seed=rng,
        resolution=1 / 7,
    )
    money = np.where(sim.frequency > 0, rng.gamma(6.0, 5.0, 2_000), 0.0)
    return sim.frequency, sim.recency, sim.T, money


@pytest.mark.parametrize("model", [BG, PNBD], ids=["bg-nbd", "pareto-nbd"])
def test_scores_equal_the_models_own_predictions(
    base: Base, model: PurchaseModel
):
    """Compressed scoring gives each customer the model's prediction."""
    x, t_x, big_t, money = base
    scores = score_customers(
        model,
        x,
        t_x,
        big_t,
        horizon=52,
        settings=ClvSettings(time_unit="W", discount_rate=0.1),
        spend=GG,
        monetary_value=money,
    )
    assert isinstance(scores, CustomerScores)
    np.testing.assert_allclose(
        scores.expected_purchases,
        model.conditional_expected_purchases(52, x, t_x, big_t),
        rtol=1e-12,
    )
    np.testing.assert_allclose(
        scores.probability_alive,
        model.probability_alive(x, t_x, big_t),
        rtol=1e-12,
    )
    assert scores.lifetime_value is not None
    np.testing.assert_allclose(
        scores.lifetime_value.expected_spend,
        GG.conditional_expected_spend(x, money),
    )
    assert scores.unique_rows < x.size
    assert scores.horizon == 52.0


def test_lifetime_value_is_the_discounted_clv(base: Base):
    """CLV = customer_lifetime_value = sum of discounted monthly purchases."""
    x, t_x, big_t, money = base
    scores = score_customers(
        BG,
        x,
        t_x,
        big_t,
        horizon=39,
        settings=ClvSettings(
            time_unit="W",
            horizon_months=6,
            discount_rate=0.02,
            discount_rate_period="M",
            days_per_month=30,
        ),
        spend=GG,
        monetary_value=money,
    )
    reference = customer_lifetime_value(
        BG,
        x,
        t_x,
        big_t,
        spend=GG,
        monetary_value=money,
        settings=ClvSettings(
            time_unit="W",
            horizon_months=6,
            discount_rate=0.02,
            discount_rate_period="M",
            days_per_month=30,
        ),
    )
    assert scores.lifetime_value is not None
    np.testing.assert_allclose(scores.lifetime_value.value, reference.value)
    month = 30 / 7
    manual = np.zeros(x.size)
    for m in range(1, 7):
        purchases = BG.conditional_expected_purchases(
            m * month, x, t_x, big_t
        ) - BG.conditional_expected_purchases((m - 1) * month, x, t_x, big_t)
        manual += purchases / 1.02**m
    spend = GG.conditional_expected_spend(x, money)
    np.testing.assert_allclose(
        scores.lifetime_value.value, spend * manual, rtol=1e-9, atol=1e-12
    )


def test_a_value_per_purchase_is_the_spend(base: Base):
    """Each customer's own mean spend can be passed as ``spend``."""
    x, t_x, big_t, money = base
    scores = score_customers(
        BG,
        x,
        t_x,
        big_t,
        horizon=39,
        settings=ClvSettings(time_unit="W", discount_rate=0.1),
        spend=money,
    )
    assert scores.lifetime_value is not None
    np.testing.assert_array_equal(scores.lifetime_value.expected_spend, money)


def test_without_spend_there_is_no_clv(base: Base):
    """No spend means no lifetime value, not zeros."""
    x, t_x, big_t, _ = base
    scores = score_customers(BG, x, t_x, big_t, horizon=39)
    assert scores.lifetime_value is None


def test_settings_without_spend_are_unused(base: Base):
    """Settings alone add no lifetime value: spend is what asks for one."""
    x, t_x, big_t, _ = base
    weekly = ClvSettings(time_unit="W", discount_rate=0.1)
    scores = score_customers(BG, x, t_x, big_t, horizon=39, settings=weekly)
    assert scores.lifetime_value is None


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"spend": GG, "settings": WEEKLY}, DataError, "monetary_value"),
        ({"spend": 10.0}, DataError, "no settings"),
        ({"monetary_value": [1.0, 2.0, 0.0]}, DataError, "needs spend"),
        ({"horizon": -1}, DataError, "horizon must be finite and > 0"),
        (
            {"spend": 10.0, "settings": {"time_unit": "W"}},
            ArgumentTypeError,
            "settings must be a ClvSettings",
        ),
        (
            {"settings": "W"},
            ArgumentTypeError,
            "settings must be a ClvSettings",
        ),
    ],
    ids=[
        "gamma-gamma-without-money",
        "spend-without-settings",
        "money-without-spend",
        "horizon",
        "settings-a-dict",
        "settings-a-string-without-spend",
    ],
)
def test_bad_arguments_raise(
    kwargs: dict[str, object], error: type[Exception], message: str
):
    """Inconsistent scoring arguments are refused with a clear message."""
    arguments: dict[str, object] = {"horizon": 39.0}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        score_customers(
            BG,
            [1, 0, 2],
            [1.0, 0.0, 2.0],
            [5.0] * 3,
            **arguments,  # type: ignore[arg-type]
        )


def test_bad_rows_are_named():
    """A customer with recency after T is named."""
    with pytest.raises(DataError, match=r"row 2 \(recency=9.0, T=5.0\)"):
        score_customers(
            BG,
            [1, 0, 2],
            [1.0, 0.0, 9.0],
            [5.0] * 3,
            horizon=39,
        )


def test_scores_do_not_mutate_inputs(base: Base):
    """Scoring leaves the caller's arrays untouched."""
    x, t_x, big_t, money = (a.copy() for a in base)
    score_customers(
        BG,
        x,
        t_x,
        big_t,
        horizon=39,
        settings=ClvSettings(time_unit="W", discount_rate=0.1),
        spend=GG,
        monetary_value=money,
    )
    for before, after in zip(base, (x, t_x, big_t, money), strict=True):
        np.testing.assert_array_equal(before, after)


def test_score_customers_compresses_the_base_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lifetime values reuse the scores' compressed rows (issue 10)."""
    calls: list[int] = []
    compress = rfm_module.compress

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return compress(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(score_module, "compress", counted)
    monkeypatch.setattr(clv_module, "compress", counted)
    scores = score_customers(
        BG,
        [2, 0, 2],
        [30.43, 0.0, 30.43],
        [38.86] * 3,
        horizon=39,
        spend=GG,
        monetary_value=[22.35, 0.0, 22.35],
        settings=WEEKLY,
    )
    assert len(calls) == 1
    assert scores.lifetime_value is not None
    expected = customer_lifetime_value(
        BG,
        [2, 0, 2],
        [30.43, 0.0, 30.43],
        [38.86] * 3,
        spend=GG,
        monetary_value=[22.35, 0.0, 22.35],
        settings=WEEKLY,
    )
    np.testing.assert_array_equal(scores.lifetime_value.value, expected.value)


def test_score_customers_aligns_a_single_customer_value() -> None:
    """One customer given as scalars gets one-row columns, value included."""
    scores = score_customers(
        BG, 2, 30.43, 38.86, horizon=39, spend=10.0, settings=WEEKLY
    )
    assert scores.lifetime_value is not None
    assert scores.expected_purchases.shape == (1,)
    assert scores.lifetime_value.value.shape == (1,)
