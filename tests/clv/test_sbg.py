from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_centric.clv import (
    SbgFit,
    fit_sbg,
)
from customer_centric.exceptions import (
    ConvergenceError,
    DataError,
    InvariantError,
)
from strategies import survivor_counts

# Fader & Hardie (2007), Table 1 and the sBG estimates of section 4.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
PUBLISHED = {
    "regular": (0.704, 1.182),
    "highend": (0.668, 3.806),
}
# The data README's churn counts, years 1-7 (from the same table).
README_CHURN = {
    "regular": [369, 163, 86, 56, 37, 27, 21],
    "highend": [131, 126, 90, 60, 42, 34, 26],
}


def _survivors_from_cohorts(path: Path, cohort: str) -> list[int]:
    """Survivors at periods 0..7 from individual renewal records.

    ``recency`` is the last period active (1..8); 8 means still active
    after year 7, so the customers active after year ``t`` are those with
    ``recency > t``.
    """
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["cohort"] == cohort]
    last = Counter(int(r["recency"]) for r in rows)
    horizon = int(rows[0]["T"])
    return [
        sum(n for period, n in last.items() if period > t)
        for t in range(horizon)
    ]


@pytest.fixture(scope="module")
def cohorts(shared_data: Path) -> dict[str, list[int]]:
    """Both cohorts' survivor counts, derived from sbg_cohorts.csv."""
    path = shared_data / "pymc-marketing" / "sbg_cohorts.csv"
    return {
        name: _survivors_from_cohorts(path, name)
        for name in ("regular", "highend")
    }


@pytest.mark.parametrize(
    ("cohort", "table"),
    [("regular", REGULAR), ("highend", HIGH_END)],
    ids=["regular", "high-end"],
)
def test_cohort_file_matches_paper_and_readme(
    cohorts: dict[str, list[int]], cohort: str, table: list[int]
) -> None:
    """The individual records give the paper's counts and README churn."""
    survivors = cohorts[cohort]
    assert survivors == table
    churn = (-np.diff(survivors)).tolist()
    assert churn == README_CHURN[cohort]


@pytest.mark.parametrize("cohort", ["regular", "highend"])
def test_reproduces_published_parameters(
    cohorts: dict[str, list[int]], cohort: str
) -> None:
    """Each cohort gives the published alpha and beta (3 s.f.)."""
    fit = fit_sbg(cohorts[cohort])
    alpha, beta = PUBLISHED[cohort]
    assert f"{fit.alpha:.3g}" == f"{alpha:.3g}"
    assert f"{fit.beta:.3g}" == f"{beta:.3g}"
    assert fit.alpha == pytest.approx(alpha, abs=5e-4)
    assert fit.beta == pytest.approx(beta, abs=5e-4)


@pytest.mark.parametrize(
    ("survivors", "log_likelihood"),
    [(REGULAR, -1680.3), (HIGH_END, -1611.2)],
    ids=["regular", "high-end"],
)
def test_log_likelihood(survivors: list[int], log_likelihood: float) -> None:
    """The summed log-likelihood at the optimum (our computed values).

    -1680.3 and -1611.2 are what equation (6) gives at the optimum; we
    could not check them against the paper's text.
    """
    fit = fit_sbg(survivors)
    assert fit.log_likelihood == pytest.approx(log_likelihood, abs=0.1)
    assert fit.n_customers == 1000


def test_log_likelihood_formula() -> None:
    """The log-likelihood is churners x log P(T=t) plus survivors x log S."""
    fit = fit_sbg(REGULAR)
    churn = -np.diff(REGULAR)
    manual = float(
        churn @ np.log(fit.churn_probability(np.arange(1, 8)))
        + REGULAR[-1] * np.log(fit.survival(7))
    )
    assert fit.log_likelihood == pytest.approx(manual, rel=1e-12)


def test_standard_errors_finite() -> None:
    """Every standard error is finite and positive."""
    fit = fit_sbg(HIGH_END)
    for value in fit.standard_errors.values():
        assert math.isfinite(value)
        assert value > 0


def test_fitted_survival_tracks_the_data() -> None:
    """The fitted survival curve is within 1.5 points of the data."""
    fit = fit_sbg(REGULAR)
    observed = np.array(REGULAR) / 1000
    np.testing.assert_allclose(
        fit.survival(np.arange(8)), observed, atol=0.015
    )


def test_survival_churn_and_retention_agree() -> None:
    """P(T=t) = S(t-1) - S(t) and r(t) = S(t) / S(t-1)."""
    fit = SbgFit.from_parameters(alpha=0.668, beta=3.806)
    t = np.arange(1, 40)
    survival = fit.survival(np.arange(0, 40))
    np.testing.assert_allclose(
        fit.churn_probability(t), survival[:-1] - survival[1:], rtol=1e-10
    )
    np.testing.assert_allclose(
        fit.retention_rate(t), survival[1:] / survival[:-1], rtol=1e-10
    )
    assert fit.retention_rate(1) == pytest.approx(
        3.806 / (0.668 + 3.806), rel=1e-12
    )


@pytest.mark.parametrize("renewals", [0, 1, 4, 10], ids=lambda r: f"n-1={r}")
def test_derl_equals_discounted_survival_series(renewals: int) -> None:
    """DERL (FH 2010, eq. 6) is sum_{t>=n} S(t)/S(n-1) / (1+d)^(t-n)."""
    fit = SbgFit.from_parameters(alpha=0.704, beta=1.182)
    n = renewals + 1
    t = np.arange(n, n + 5000)
    series = (fit.survival(t) / fit.survival(n - 1) / 1.1 ** (t - n)).sum()
    got = float(
        fit.discounted_expected_residual_lifetime(0.1, renewals=renewals)
    )
    assert got == pytest.approx(series, rel=1e-10)


def test_del_relates_to_derl() -> None:
    """DEL = 1 + DERL(0 renewals) / (1 + d), and DERL rises with tenure."""
    fit = SbgFit.from_parameters(alpha=0.668, beta=3.806)
    derl = fit.discounted_expected_residual_lifetime(
        0.1, renewals=np.arange(10)
    )
    assert fit.discounted_expected_lifetime(0.1) == pytest.approx(
        1 + derl[0] / 1.1, rel=1e-12
    )
    assert (np.diff(derl) > 0).all()


def test_derl_without_heterogeneity_limit() -> None:
    """With almost no heterogeneity, DERL is the geometric (1-c)(1+d)/(c+d)."""
    churn = 0.2
    size = 1e6
    fit = SbgFit.from_parameters(alpha=churn * size, beta=(1 - churn) * size)
    got = float(fit.discounted_expected_residual_lifetime(0.1, renewals=3))
    assert got == pytest.approx((1 - churn) * 1.1 / (churn + 0.1), rel=1e-4)


def test_json_round_trip() -> None:
    """A fit saved as JSON loads back equal."""
    fit = fit_sbg(REGULAR)
    loaded = SbgFit.model_validate_json(fit.model_dump_json())
    assert loaded == fit


BAD_SURVIVORS = [
    ([1000, 631, 700], "never increase"),
    ([1000], "at least two periods"),
    ([0, 0], "cohort size"),
    ([1000, -1], "must be >= 0"),
    ([1000, 500.5], "whole numbers"),
    ([1000, math.nan], "finite"),
    ([[1000, 600]], "one-dimensional"),
]


@pytest.mark.parametrize(
    ("survivors", "match"),
    BAD_SURVIVORS,
    ids=[
        "increasing",
        "one-period",
        "empty-cohort",
        "negative",
        "fraction",
        "nan",
        "2d",
    ],
)
def test_rejects_bad_survivors(survivors: list[float], match: str) -> None:
    """Bad survivor counts raise DataError naming the problem."""
    with pytest.raises(DataError, match=match):
        fit_sbg(survivors)


def test_no_churn_does_not_converge() -> None:
    """A cohort that never churns cannot identify the model."""
    with pytest.raises(ConvergenceError, match="shifted-beta-geometric"):
        fit_sbg([100, 100, 100, 100])


def test_rejects_bad_periods_and_rates() -> None:
    """Negative periods, period 0 churn and bad discount rates are refused."""
    fit = SbgFit.from_parameters(alpha=0.7, beta=1.2)
    with pytest.raises(DataError, match="t must be >= 0"):
        fit.survival(-1)
    with pytest.raises(DataError, match="t must be >= 1"):
        fit.churn_probability(0)
    with pytest.raises(DataError, match="t must be >= 1"):
        fit.retention_rate([1, 0])
    with pytest.raises(InvariantError, match="discount_rate"):
        fit.discounted_expected_lifetime(0.0)
    with pytest.raises(InvariantError, match="discount_rate"):
        fit.discounted_expected_residual_lifetime(math.inf, renewals=1)
    with pytest.raises(DataError, match="renewals"):
        fit.discounted_expected_residual_lifetime(0.1, renewals=1.5)


def test_long_horizons_and_extreme_parameters() -> None:
    """Thousands of periods and extreme parameters stay finite."""
    for alpha, beta in ((1e-3, 1e3), (1e3, 1e-3), (50.0, 0.01)):
        fit = SbgFit.from_parameters(alpha=alpha, beta=beta)
        survival = fit.survival([0, 10, 100_000])
        assert np.isfinite(survival).all()
        assert survival[0] == 1.0
        derl = fit.discounted_expected_residual_lifetime(
            0.05, renewals=[0, 10_000]
        )
        assert np.isfinite(derl).all()


@given(
    alpha=st.floats(0.01, 100.0),
    beta=st.floats(0.01, 100.0),
    t=st.integers(0, 500),
)
def test_survival_decreasing_and_retention_increasing(
    alpha: float, beta: float, t: int
) -> None:
    """S(t) never rises; the retention rate never falls (FH 2007)."""
    fit = SbgFit.from_parameters(alpha=alpha, beta=beta)
    survival = fit.survival([t, t + 1])
    assert survival[1] <= survival[0]
    assert 0.0 <= survival[1] <= 1.0
    retention = fit.retention_rate([t + 1, t + 2])
    assert retention[0] <= retention[1]


@settings(max_examples=15)
@given(survivors=survivor_counts())
def test_fit_succeeds_or_says_why(survivors: list[int]) -> None:
    """Any valid cohort either fits, with finite values, or raises."""
    try:
        fit = fit_sbg(survivors)
    except ConvergenceError:
        return
    assert math.isfinite(fit.log_likelihood)
    assert fit.alpha > 0
    assert fit.beta > 0


def test_hypergeometric_series_matches_scipy() -> None:
    """The 2F1 fallback series agrees with scipy where both work."""
    from scipy import special  # noqa: PLC0415

    from customer_centric.clv import _sbg  # noqa: PLC0415

    b = np.array([1.2, 5.0, 60.0])
    c = np.array([1.9, 5.7, 60.7])
    z = 1 / 1.001  # slow convergence: several blocks of terms
    np.testing.assert_allclose(
        _sbg._series_one(b, c, z), special.hyp2f1(1.0, b, c, z), rtol=1e-10
    )


def test_hypergeometric_series_stops_at_its_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With too few terms allowed, the series stops short (a lower bound)."""
    from scipy import special  # noqa: PLC0415

    from customer_centric.clv import _sbg  # noqa: PLC0415

    monkeypatch.setattr(_sbg, "_MAX_SERIES_TERMS", _sbg._SERIES_BLOCK)
    b, c, z = np.array([1.2]), np.array([1.9]), 1 / 1.0001
    partial = _sbg._series_one(b, c, z)
    assert partial[0] < special.hyp2f1(1.0, 1.2, 1.9, z)
