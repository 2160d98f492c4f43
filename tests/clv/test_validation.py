from __future__ import annotations

import math
from datetime import date
from typing import ClassVar

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import optimize, special, stats

from clv_helpers import fhl_models
from customer_centric import Transaction
from customer_centric.clv import (
    FittedModel,
    HoldoutValidation,
    fit_bg_nbd,
    information_criteria,
    likelihood_ratio_test,
    validate_holdout,
)
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import (
    ArgumentTypeError,
    DataError,
    InvariantError,
)
from customer_centric.value import (
    CalibrationHoldout,
    RFMSummary,
    rfm_calibration_holdout,
)

MODELS = fhl_models()
BG = MODELS["BG/NBD"]
PNBD = MODELS["Pareto/NBD"]
CALIBRATION_END = date(1997, 9, 30)
HOLDOUT_END = date(1998, 6, 30)


class NbdFit(FittedModel):
    """The NBD model (BG/NBD without dropout), only for the tests."""

    parameter_names: ClassVar[tuple[str, ...]] = ("r", "alpha")

    r: float
    alpha: float


@pytest.fixture(scope="module")
def cdnow_log() -> tuple[Transaction, ...]:
    """The CDNOW 1/10 sample."""
    return load_cdnow_sample()


@pytest.fixture(scope="module")
def cdnow(cdnow_log: tuple[Transaction, ...]) -> CalibrationHoldout:
    """CDNOW split as in FHL 2005: 39 weeks of calibration, 39 of holdout."""
    return rfm_calibration_holdout(
        cdnow_log,
        calibration_end=CALIBRATION_END,
        observation_end=HOLDOUT_END,
        time_unit="W",
    )


@pytest.fixture(scope="module")
def cdnow_report(
    cdnow: CalibrationHoldout, cdnow_log: tuple[Transaction, ...]
) -> HoldoutValidation:
    """Both published models validated on CDNOW, with tracking."""
    return validate_holdout(
        cdnow,
        models=MODELS,
        transactions=cdnow_log,
    )


def _split(
    frequency: tuple[int, ...],
    recency: tuple[float, ...],
    big_t: tuple[float, ...],
    holdout: tuple[int, ...],
    *,
    duration: float = 10.0,
    first_purchase_counts: bool = False,
) -> CalibrationHoldout:
    """A hand-made split (customers C0, C1, ...)."""
    calibration = RFMSummary(
        customer_ids=tuple(f"C{i}" for i in range(len(frequency))),
        frequency=frequency,
        recency=recency,
        T=big_t,
        monetary_value=None,
        observation_end=date(2024, 3, 31),
        time_unit="W",
        first_purchase_counts=first_purchase_counts,
    )
    return CalibrationHoldout(
        calibration=calibration,
        frequency_holdout=holdout,
        monetary_value_holdout=None,
        duration_holdout=duration,
        holdout_end=date(2024, 6, 9),
    )


TINY = _split((0, 2, 5), (0.0, 4.0, 9.0), (10.0, 10.0, 12.0), (1, 0, 4))


# --------------------------------------------------------------------------
# CDNOW (Fader, Hardie & Lee 2005)
# --------------------------------------------------------------------------


def test_cdnow_holdout_has_1882_repeat_purchases(
    cdnow_report: HoldoutValidation,
):
    """CDNOW's 2,357 customers make 1,882 repeat purchases in weeks 40-78."""
    assert cdnow_report.actual.size == 2357
    assert cdnow_report.actual.sum() == 1882
    assert cdnow_report.duration == 39.0


def test_cdnow_bg_nbd_predicts_about_1653(cdnow_report: HoldoutValidation):
    """BG/NBD with FHL's parameters predicts about 1,653 holdout purchases.

    The published parameters are rounded to three decimals: they give
    1,653.9; the unrounded fit gives 1,653.4 (next test).
    """
    row = cdnow_report["BG/NBD"]
    assert row.predicted_total == pytest.approx(1653.94, abs=0.01)
    assert row.actual_total == 1882
    assert row.bias == pytest.approx((row.predicted_total - 1882) / 2357)
    assert row.criteria is None  # published parameters: no log-likelihood


def test_cdnow_fitted_bg_nbd_gives_the_same_aggregate(
    cdnow: CalibrationHoldout,
):
    """The BG/NBD fitted here predicts 1,653.4, and reports AIC and BIC."""
    c = cdnow.calibration
    fit = fit_bg_nbd(c.frequency, c.recency, c.T)
    report = validate_holdout(cdnow, models={"BG/NBD": fit})
    row = report.to_rows()[0]
    assert row["predicted"] == pytest.approx(1653.4, abs=0.1)
    assert row["log_likelihood"] == pytest.approx(-9582.43, abs=0.01)
    assert row["aic"] == pytest.approx(8 + 2 * 9582.43, abs=0.02)
    assert row["bic"] == pytest.approx(
        4 * math.log(2357) + 2 * 9582.43, abs=0.02
    )


def test_cdnow_tracking_sums_equal_the_split(
    cdnow_report: HoldoutValidation, cdnow: CalibrationHoldout
):
    """Weekly tracking adds up to the calibration and holdout totals."""
    tracking = cdnow_report.tracking
    assert tracking is not None
    assert tracking.times.tolist() == [float(k) for k in range(1, 79)]
    assert tracking.calibration_end == 39.0
    assert tracking.actual[:39].sum() == sum(cdnow.calibration.frequency)
    assert tracking.actual[39:].sum() == 1882
    assert tracking.actual_cumulative[-1] == 2457 + 1882


def test_cdnow_tracking_expectation_is_the_unconditional_sum(
    cdnow_report: HoldoutValidation, cdnow: CalibrationHoldout
):
    """At the calibration end the model's cumulative is sum E[X(T_i)]."""
    tracking = cdnow_report.tracking
    assert tracking is not None
    big_t = np.array(cdnow.calibration.T)
    for name, model in {"BG/NBD": BG, "Pareto/NBD": PNBD}.items():
        cumulative = tracking.expected_cumulative(name)
        assert cumulative[38] == pytest.approx(
            model.expected_purchases(big_t).sum(), rel=1e-12
        )
        assert cumulative[-1] == pytest.approx(
            model.expected_purchases(big_t + 39).sum(), rel=1e-12
        )


def test_cdnow_means_by_frequency(cdnow_report: HoldoutValidation):
    """Frequencies 0..6 and 7+ with FHL's counts of customers."""
    table = cdnow_report.by_frequency
    assert table.frequency == (0, 1, 2, 3, 4, 5, 6, 7)
    assert table.labels()[-1] == "7+"
    assert sum(table.customers) == 2357
    assert table.customers[0] == 1411
    weighted = np.dot(table.customers, table.actual)
    assert weighted == pytest.approx(1882)
    for name in ("BG/NBD", "Pareto/NBD"):
        total = np.dot(table.customers, table.predicted[name])
        assert total == pytest.approx(cdnow_report[name].predicted_total)


# --------------------------------------------------------------------------
# The statistics, by hand
# --------------------------------------------------------------------------


def test_errors_by_hand():
    """MAE, RMSE and bias are those of predicted minus actual."""
    report = validate_holdout(TINY, models={"m": BG})
    c = TINY.calibration
    predicted = BG.conditional_expected_purchases(
        10.0, c.frequency, c.recency, c.T
    )
    error = predicted - np.array([1.0, 0.0, 4.0])
    row = report["m"]
    np.testing.assert_allclose(row.predicted, predicted, rtol=1e-12)
    assert row.mae == pytest.approx(
        (abs(error[0]) + abs(error[1]) + abs(error[2])) / 3
    )
    assert row.rmse == pytest.approx(
        math.sqrt((error[0] ** 2 + error[1] ** 2 + error[2] ** 2) / 3)
    )
    assert row.bias == pytest.approx((error[0] + error[1] + error[2]) / 3)
    assert report.tracking is None


def test_frequency_bins_cap_and_skip_empty():
    """The cap gathers high frequencies; empty bins are left out."""
    report = validate_holdout(TINY, models={"m": BG}, max_frequency=2)
    table = report.by_frequency
    assert table.frequency == (0, 2)
    assert table.customers == (1, 2)
    assert table.actual == (1.0, 2.0)
    assert table.labels() == ("0", "2+")


def test_information_criteria_formula():
    """AIC = 2k - 2LL and BIC = k ln n - 2LL."""
    fit = NbdFit(
        r=0.4,
        alpha=12.0,
        log_likelihood=-100.0,
        n_customers=50.0,
        diagnostics=BG.diagnostics,
        standard_errors={"r": 0.1, "alpha": 1.0},
        covariance=((0.01, 0.0), (0.0, 1.0)),
    )
    ic = information_criteria(fit)
    assert ic.aic == 2 * 2 + 200.0
    assert ic.bic == pytest.approx(2 * math.log(50) + 200.0)
    assert (ic.n_parameters, ic.n_customers) == (2, 50.0)


def _fitted(model: FittedModel, ll: float, n: float = 2357.0) -> FittedModel:
    return type(model).model_validate(
        {
            **model.model_dump(),
            "log_likelihood": ll,
            "n_customers": n,
        }
    )


def _nbd(ll: float, n: float = 2357.0) -> NbdFit:
    return NbdFit(
        r=0.385,
        alpha=12.07,
        log_likelihood=ll,
        n_customers=n,
        diagnostics=BG.diagnostics,
        standard_errors={"r": 0.02, "alpha": 0.8},
        covariance=((4e-4, 0.0), (0.0, 0.64)),
    )


@pytest.mark.parametrize("gap", [0.0, 0.3, 1.5, 4.0, 20.0])
def test_likelihood_ratio_p_value_is_scipys(gap: float):
    """The p-value is chi2(df).sf of the statistic, or the 50:50 mixture."""
    general = _fitted(BG, -1000.0)
    test = likelihood_ratio_test(_nbd(-1000.0 - gap), general)
    assert test.statistic == pytest.approx(2 * gap)
    assert test.df == 2
    assert test.p_value == pytest.approx(stats.chi2.sf(2 * gap, 2))
    mixed = likelihood_ratio_test(_nbd(-1000.0 - gap), general, boundary=True)
    assert mixed.p_value == pytest.approx(
        0.5 * stats.chi2.sf(2 * gap, 1) + 0.5 * stats.chi2.sf(2 * gap, 2)
    )


class _ThreeParameters(FittedModel):
    parameter_names: ClassVar[tuple[str, ...]] = ("r", "alpha", "a")

    r: float
    alpha: float
    a: float


@pytest.mark.parametrize("gap", [0.0, 1.0, 3.0])
def test_boundary_with_one_extra_parameter_mixes_chi2_0_and_1(gap: float):
    """For one restriction on the edge: half chi2_0 plus half chi2_1."""
    general = _fitted(
        _ThreeParameters.model_validate(
            {
                **BG.model_dump(exclude={"b"}),
                "standard_errors": {"r": 1.0, "alpha": 1.0, "a": 1.0},
                "covariance": (
                    (1.0, 0.0, 0.0),
                    (0.0, 1.0, 0.0),
                    (0.0, 0.0, 1.0),
                ),
            }
        ),
        -50.0,
    )
    test = likelihood_ratio_test(_nbd(-50.0 - gap), general, boundary=True)
    point_mass = 1.0 if gap == 0.0 else 0.0
    assert test.df == 1
    assert test.p_value == pytest.approx(
        0.5 * point_mass + 0.5 * stats.chi2.sf(2 * gap, 1)
    )


def test_nbd_against_bg_nbd_on_cdnow(cdnow: CalibrationHoldout):
    """NBD (fitted with scipy) is rejected against BG/NBD on CDNOW."""
    c = cdnow.calibration
    x = np.array(c.frequency, dtype=float)
    big_t = np.array(c.T)

    def minus_ll(theta: np.ndarray) -> float:
        r, alpha = np.exp(theta)
        return -float(
            (
                special.gammaln(r + x)
                - special.gammaln(r)
                + r * np.log(alpha)
                - (r + x) * np.log(alpha + big_t)
            ).sum()
        )

    nbd_ll = -optimize.minimize(minus_ll, [0.0, 0.0]).fun
    bg = fit_bg_nbd(c.frequency, c.recency, c.T)
    test = likelihood_ratio_test(_nbd(nbd_ll), bg, boundary=True)
    assert test.statistic == pytest.approx(362.46, abs=0.05)
    assert test.p_value < 1e-70


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

_histories = st.lists(
    st.tuples(
        st.integers(0, 8),
        st.floats(0.0, 1.0),
        st.floats(1.0, 40.0),
        st.integers(0, 10),
    ),
    min_size=1,
    max_size=20,
).filter(lambda rows: any(h > 0 for *_, h in rows))


@given(rows=_histories, duration=st.floats(0.5, 52.0))
def test_error_statistics_are_consistent(
    rows: list[tuple[int, float, float, int]], duration: float
):
    """The bias is mean(pred) - mean(actual); |bias| <= MAE <= RMSE."""
    frequency = tuple(x for x, *_ in rows)
    big_t = tuple(t for _, _, t, _ in rows)
    recency = tuple(share * t if x > 0 else 0.0 for x, share, t, _ in rows)
    holdout = tuple(h for *_, h in rows)
    split = _split(frequency, recency, big_t, holdout, duration=duration)
    report = validate_holdout(split, models={"bg": BG, "pnbd": PNBD})
    for row in report.models:
        assert row.bias == pytest.approx(
            row.predicted.mean() - np.mean(holdout), abs=1e-9
        )
        assert abs(row.bias) <= row.mae + 1e-12
        assert row.mae <= row.rmse + 1e-12
        assert sum(report.by_frequency.customers) == len(rows)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def test_mismatched_lengths_are_refused():
    """A holdout column of another length than the summary is refused."""
    bad = attrs.evolve(TINY, frequency_holdout=(1, 0))
    with pytest.raises(DataError, match="different lengths"):
        validate_holdout(bad, models={"m": BG})


def test_negative_holdout_counts_are_refused():
    """Negative holdout counts are refused, naming the row."""
    bad = attrs.evolve(TINY, frequency_holdout=(1, -2, 4))
    with pytest.raises(DataError, match=r"row 1 \(frequency_holdout=-2.0\)"):
        validate_holdout(bad, models={"m": BG})


@pytest.mark.parametrize("duration", [0.0, -1.0, math.nan, math.inf])
def test_an_empty_holdout_is_refused(duration: float):
    """A holdout of no length is refused."""
    bad = attrs.evolve(TINY, duration_holdout=duration)
    with pytest.raises(DataError, match="holdout period is empty"):
        validate_holdout(bad, models={"m": BG})


def test_calibration_end_after_the_data_is_refused(
    cdnow_log: tuple[Transaction, ...],
):
    """A calibration ending after the last purchase leaves nothing to check."""
    split = rfm_calibration_holdout(
        cdnow_log,
        calibration_end=date(1998, 7, 1),
        observation_end=date(1998, 12, 31),
        time_unit="W",
    )
    with pytest.raises(DataError, match="no calibration customer purchases"):
        validate_holdout(split, models={"m": BG})


def test_first_purchase_counting_split_is_refused():
    """The models count repeat purchases; such a split is refused."""
    bad = _split(
        (1, 2), (0.0, 4.0), (5.0, 5.0), (1, 1), first_purchase_counts=True
    )
    with pytest.raises(DataError, match="first_purchase_counts=False"):
        validate_holdout(bad, models={"m": BG})


def test_model_fitted_on_other_customers_is_refused():
    """A fit on another number of customers is refused, naming it."""
    fit = _fitted(BG, -100.0, n=40.0)
    with pytest.raises(DataError, match="'other' was fitted on 40 customers"):
        validate_holdout(TINY, models={"other": fit})


@pytest.mark.parametrize(
    ("models", "error", "match"),
    [
        ([BG], ArgumentTypeError, "a mapping of names"),
        ({}, DataError, "models is empty"),
        ({"m": None}, ArgumentTypeError, r"models\['m'\]"),
        ({1: BG}, ArgumentTypeError, "a model name"),
    ],
    ids=["list", "empty", "not-a-model", "name-not-text"],
)
def test_bad_models_are_refused(
    models: object, error: type[Exception], match: str
):
    """Models come as a non-empty mapping of names to fitted models."""
    with pytest.raises(error, match=match):
        validate_holdout(TINY, models=models)  # type: ignore[arg-type]


def test_split_must_be_a_split():
    """A summary alone is not a split."""
    with pytest.raises(ArgumentTypeError, match="split must be"):
        validate_holdout(TINY.calibration, models={"m": BG})  # type: ignore[arg-type]


@pytest.mark.parametrize("cap", [0, True, 2.5, 10_001])
def test_bad_max_frequency_is_refused(cap: object):
    """max_frequency is a whole number from 1."""
    with pytest.raises(InvariantError, match="max_frequency"):
        validate_holdout(TINY, models={"m": BG}, max_frequency=cap)  # type: ignore[arg-type]


def test_unknown_names_are_refused(cdnow_report: HoldoutValidation):
    """Looking up a model that was not validated names the known ones."""
    with pytest.raises(InvariantError, match="'BG/NBD', 'Pareto/NBD'"):
        cdnow_report["NBD"]
    assert cdnow_report.tracking is not None
    with pytest.raises(InvariantError, match="no model named 'NBD'"):
        cdnow_report.tracking.expected_cumulative("NBD")


LOG = [
    Transaction(customer_id=c, occurred_at=date(2024, 1, d))
    for c, days in {"A": (1, 8, 20, 27), "B": (2, 25)}.items()
    for d in days
]
SMALL = rfm_calibration_holdout(
    LOG,
    calibration_end=date(2024, 1, 14),
    observation_end=date(2024, 1, 28),
    time_unit="W",
)


def test_tracking_periods_end_at_the_calibration_end():
    """Weekly periods end on the calibration end; a day-long period too."""
    weekly = validate_holdout(SMALL, models={"m": BG}, transactions=LOG)
    assert weekly.tracking is not None
    assert weekly.tracking.times.tolist() == [1.0, 2.0, 3.0, 4.0]
    daily = validate_holdout(
        SMALL, models={"m": BG}, transactions=LOG, period=3 / 7
    )
    assert daily.tracking is not None
    assert daily.tracking.actual.sum() == 4
    assert daily.tracking.calibration_end == pytest.approx(15 / 7)
    assert daily.tracking.times[-1] == pytest.approx(29 / 7)


def test_tracking_leaves_out_customers_born_in_the_holdout():
    """Customers born in the holdout and purchases after it are not tracked."""
    late = [
        *LOG,
        Transaction(customer_id="C", occurred_at=date(2024, 1, 20)),
        Transaction(customer_id="A", occurred_at=date(2024, 2, 20)),
    ]
    split = rfm_calibration_holdout(
        late,
        calibration_end=date(2024, 1, 14),
        observation_end=date(2024, 1, 28),
        time_unit="W",
        on_late="drop",
    )
    report = validate_holdout(split, models={"m": BG}, transactions=late)
    assert report.tracking is not None
    assert report.tracking.actual.tolist() == [0.0, 1.0, 1.0, 2.0]


def test_tracking_refuses_another_log():
    """Transactions that are not the split's are refused."""
    with pytest.raises(DataError, match="split's customers"):
        validate_holdout(SMALL, models={"m": BG}, transactions=LOG[:4])
    moved = [*LOG[:-1], Transaction(customer_id="B", occurred_at="2024-01-10")]
    with pytest.raises(
        DataError, match=r"purchase counts for customers \['B'\]"
    ):
        validate_holdout(SMALL, models={"m": BG}, transactions=moved)
    with pytest.raises(ArgumentTypeError, match="transactions"):
        validate_holdout(SMALL, models={"m": BG}, transactions=[1])  # type: ignore[list-item]


@pytest.mark.parametrize("period", [0.0, -1.0, math.inf, 1e-9])
def test_bad_period_is_refused(period: float):
    """The tracking period is a time > 0 giving a bounded table."""
    with pytest.raises(InvariantError, match="period must be"):
        validate_holdout(
            SMALL, models={"m": BG}, transactions=LOG, period=period
        )


def test_inputs_are_not_mutated():
    """The models mapping and the log are left as they were."""
    models = {"m": BG}
    log = list(LOG)
    validate_holdout(SMALL, models=models, transactions=log)
    assert models == {"m": BG}
    assert log == LOG


@pytest.mark.parametrize(
    ("restricted", "general", "match"),
    [
        (BG, _fitted(BG, -1.0), "built from parameters"),
        (_nbd(-10.0, n=9.0), _fitted(BG, -1.0), "different customers"),
        (_fitted(BG, -10.0), _nbd(-1.0), "more estimates"),
        (_nbd(-1.0), _fitted(BG, -10.0), "below the restricted"),
    ],
    ids=["not-fitted", "other-customers", "not-nested", "lower-likelihood"],
)
def test_bad_likelihood_ratio_tests_are_refused(
    restricted: FittedModel, general: FittedModel, match: str
):
    """Fits that cannot be compared by a likelihood ratio are refused."""
    with pytest.raises(DataError, match=match):
        likelihood_ratio_test(restricted, general)


def test_likelihood_ratio_test_needs_fits():
    """A non-record is refused with our type error."""
    with pytest.raises(ArgumentTypeError, match="restricted must be"):
        likelihood_ratio_test(None, BG)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="boundary must be"):
        likelihood_ratio_test(BG, BG, boundary=1)  # type: ignore[arg-type]
