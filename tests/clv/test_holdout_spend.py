"""The holdout spend side of ``validate_holdout`` (clv/_validation.py).

Gamma-Gamma's expected spend per purchase times each purchase model's
expected holdout purchases, against what the customers spent: CDNOW's
figures, the arithmetic by hand, the display and the refusals.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import numpy as np
import pytest

from customer_centric import CustomerId, Transaction
from customer_centric.clv import (
    BgNbdFit,
    GammaGammaFit,
    HoldoutValidation,
    ParetoNbdFit,
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_pareto_nbd,
    validate_holdout,
)
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import ArgumentTypeError, DataError
from customer_centric.value import CalibrationHoldout, rfm_calibration_holdout

BG = BgNbdFit.from_parameters(r=0.5, alpha=2.0, a=0.8, b=2.5)
GG = GammaGammaFit.from_parameters(p=6.25, q=3.74, gamma=15.44)


def _log() -> list[Transaction]:
    amounts = {
        "A": ((1, "10"), (8, "20"), (20, "30"), (27, "40")),
        "B": ((2, "5"), (25, "15")),
        "C": ((3, "7"),),
    }
    return [
        Transaction(
            customer_id=CustomerId(c),
            occurred_at=date(2024, 1, d),
            amount=Decimal(a),
        )
        for c, days in amounts.items()
        for d, a in days
    ]


def _split(log: list[Transaction]) -> CalibrationHoldout:
    return rfm_calibration_holdout(
        log,
        calibration_end=date(2024, 1, 14),
        observation_end=date(2024, 1, 28),
        time_unit="W",
    )


@pytest.fixture(scope="module")
def cdnow_spend() -> HoldoutValidation:
    """CDNOW, FHL's split, BG/NBD, Pareto/NBD and Gamma-Gamma fitted."""
    log = load_cdnow_sample()
    split = rfm_calibration_holdout(
        log,
        calibration_end=date(1997, 9, 30),
        observation_end=date(1998, 6, 30),
        time_unit="W",
    )
    c = split.calibration
    x = np.array(c.frequency, dtype=np.float64)
    assert c.monetary_value is not None
    m = np.array([float(v) for v in c.monetary_value])
    gg = fit_gamma_gamma(x[x > 0], m[x > 0])
    # Fader & Hardie (2013): p 6.25, q 3.74, gamma 15.44.
    assert (round(gg.p, 2), round(gg.q, 2), round(gg.gamma, 2)) == (
        6.25,
        3.74,
        15.44,
    )
    models = {
        "BG/NBD": fit_bg_nbd(c.frequency, c.recency, c.T),
        "Pareto/NBD": fit_pareto_nbd(c.frequency, c.recency, c.T),
    }
    return validate_holdout(split, models=models, spend_model=gg)


def test_cdnow_holdout_spend(cdnow_spend: HoldoutValidation) -> None:
    """$70,976.39 spent; BG/NBD x GG predicts $59,931.6, 15.6 % short."""
    rows = {row["model"]: row for row in cdnow_spend.spend_rows()}
    assert rows["BG/NBD"]["actual"] == pytest.approx(70976.39, abs=1e-6)
    assert rows["BG/NBD"]["predicted"] == pytest.approx(59931.6, abs=0.05)
    assert rows["Pareto/NBD"]["predicted"] == pytest.approx(60449.3, abs=0.05)
    assert rows["BG/NBD"]["mae"] == pytest.approx(30.41, abs=0.005)
    assert rows["BG/NBD"]["rmse"] == pytest.approx(72.30, abs=0.005)
    assert rows["BG/NBD"]["bias"] == pytest.approx(-4.69, abs=0.005)
    assert cdnow_spend.actual_spend is not None
    assert len(cdnow_spend.actual_spend) == 2357


def test_spend_by_hand() -> None:
    """Predicted = E[purchases] x E[M | x, zbar]; actual = holdout amounts."""
    log = _log()
    split = _split(log)
    report = validate_holdout(split, models={"BG/NBD": BG}, spend_model=GG)
    assert report.actual_spend is not None
    assert report.actual_spend.tolist() == [70.0, 15.0, 0.0]
    per_purchase = GG.conditional_expected_spend([1, 0, 0], [20.0, 0, 0])
    expected = report["BG/NBD"].predicted * per_purchase
    (spend,) = report.spend
    np.testing.assert_allclose(spend.predicted, expected, rtol=1e-14)
    error = expected - np.array([70.0, 15.0, 0.0])
    assert spend.mae == pytest.approx(np.abs(error).mean())
    assert spend.rmse == pytest.approx(np.sqrt((error**2).mean()))
    assert spend.bias == pytest.approx(error.mean())
    assert spend.actual_total == 85.0
    assert not spend.predicted.flags.writeable


def test_one_spend_row_per_purchase_model_and_the_display() -> None:
    """Spend rows follow the models; the tables gain a spend table."""
    split = _split(_log())
    pnbd = ParetoNbdFit.from_parameters(r=0.5, alpha=2.0, s=0.5, beta=3.0)
    report = validate_holdout(
        split, models={"BG/NBD": BG, "Pareto/NBD": pnbd}, spend_model=GG
    )
    assert [row["model"] for row in report.spend_rows()] == [
        "BG/NBD",
        "Pareto/NBD",
    ]
    assert "Holdout spend" in report._repr_markdown_()
    assert "predicted spend" in report._repr_html_()
    assert len(report._tables()) == 3
    plain = validate_holdout(split, models={"BG/NBD": BG})
    assert plain.spend_rows() == []
    assert plain.actual_spend is None
    assert len(plain._tables()) == 2
    assert "Holdout spend" not in plain._repr_markdown_()


def test_spend_model_must_be_gamma_gamma() -> None:
    """Another kind of model is refused by type."""
    with pytest.raises(ArgumentTypeError, match="spend_model"):
        validate_holdout(
            _split(_log()),
            models={"BG/NBD": BG},
            spend_model=BG,  # type: ignore[arg-type]
        )


def test_a_split_without_amounts_is_refused() -> None:
    """No amounts, no spend to compare."""
    log = [
        Transaction(customer_id=t.customer_id, occurred_at=t.occurred_at)
        for t in _log()
    ]
    with pytest.raises(DataError, match="no amounts"):
        validate_holdout(_split(log), models={"BG/NBD": BG}, spend_model=GG)


def test_amount_columns_of_the_wrong_length_are_refused() -> None:
    """A hand-made split must keep its amount columns aligned."""
    split = _split(_log())
    holdout = split.monetary_value_holdout
    assert holdout is not None
    broken = attrs.evolve(split, monetary_value_holdout=holdout[:-1])
    with pytest.raises(DataError, match="amount columns"):
        validate_holdout(broken, models={"BG/NBD": BG}, spend_model=GG)
