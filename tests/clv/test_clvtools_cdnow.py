"""CDNOW as CLVTools reads it, against CLVTools' own published results.

``cdnow_clvtools.csv`` is the CDNOW sample as CLVTools 0.12.1 ships it
(same-day purchases already one row). CLVTools' test suite
(``tests/testthat/test_correctness_{bgnbd,pnbd,ggomnbd,gg}.R``) pins its
fits on it, summarised with ``clvdata(cdnow, time.unit = "w",
estimation.split = "1997-09-30")``; the values below are those files'.
The log summarised here the same way gives the published CDNOW summary
(CLVTools' own test says so of its summary too), so these fits are the
papers' as well.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pytest

from clv_helpers import clvtools_log
from customer_centric.clv import (
    fit_bg_nbd,
    fit_gamma_gamma,
    fit_ggom_nbd,
    fit_pareto_nbd,
)
from customer_centric.datasets import load_cdnow_sample
from customer_centric.exceptions import ConvergenceError
from customer_centric.value import RFMSummary, rfm_summary

if TYPE_CHECKING:
    from pathlib import Path

SPLIT = dt.date(1997, 9, 30)
"""CLVTools' ``estimation.split`` in its CDNOW correctness tests."""


@pytest.fixture(scope="module")
def summary(clvtools_data: Path) -> RFMSummary:
    """CLVTools' CDNOW log summarised in weeks to the split."""
    return rfm_summary(
        clvtools_log(clvtools_data / "cdnow_clvtools.csv"),
        observation_end=SPLIT,
        time_unit="W",
        on_late="drop",
    )


def _columns(summary: RFMSummary) -> tuple[np.ndarray, ...]:
    return tuple(
        np.array(v, dtype=np.float64)
        for v in (summary.frequency, summary.recency, summary.T)
    )


def _by_customer(summary: RFMSummary) -> list[tuple[int, int, float, float]]:
    return sorted(
        zip(
            map(int, summary.customer_ids),
            summary.frequency,
            summary.recency,
            summary.T,
            strict=True,
        )
    )


def test_the_log_gives_the_published_summary(summary: RFMSummary) -> None:
    """Customer by customer, the shipped sample's summary (``ID`` = id)."""
    ours = rfm_summary(
        load_cdnow_sample(),
        observation_end=SPLIT,
        time_unit="W",
        on_late="drop",
    )
    assert len(summary.customer_ids) == 2357
    assert _by_customer(summary) == _by_customer(ours)


def test_bg_nbd_matches_clvtools(summary: RFMSummary) -> None:
    """CLVTools' BG/NBD estimates and log-likelihood.

    r 0.2425945, alpha 4.4136019, a 0.7929199, b 2.4258881, LL -9582.429;
    CLVTools' optimizer stops within 1e-5 (relative) of our maximum.
    """
    fit = fit_bg_nbd(*_columns(summary))
    expected = {
        "r": 0.2425945,
        "alpha": 4.4136019,
        "a": 0.7929199,
        "b": 2.4258881,
    }
    got = dict(zip(expected, fit.parameter_vector(), strict=True))
    assert got == pytest.approx(expected, rel=1e-5)
    assert fit.log_likelihood == pytest.approx(-9582.429, abs=1e-3)


def test_pareto_nbd_matches_clvtools(summary: RFMSummary) -> None:
    """CLVTools' Pareto/NBD estimates, standard errors and log-likelihood.

    r 0.55315, alpha 10.57633, s 0.60625, beta 11.67150, LL -9594.976 (its
    optimizer stops within 3e-4, relative, of our maximum); standard
    errors 0.0476264, 0.8427222, 0.1872594, 6.2105448 within CLVTools' own
    tolerance (1e-3, relative).
    """
    fit = fit_pareto_nbd(*_columns(summary))
    names = ("r", "alpha", "s", "beta")
    expected = dict(
        zip(names, (0.55315, 10.57633, 0.60625, 11.67150), strict=True)
    )
    got = dict(zip(names, fit.parameter_vector(), strict=True))
    assert got == pytest.approx(expected, rel=3e-4)
    assert fit.log_likelihood == pytest.approx(-9594.976, abs=1e-3)
    errors = dict(
        zip(names, (0.0476264, 0.8427222, 0.1872594, 6.2105448), strict=True)
    )
    assert dict(fit.standard_errors) == pytest.approx(errors, rel=1e-3)


def test_ggom_nbd_is_clvtools_pareto_nbd_edge(summary: RFMSummary) -> None:
    """CLVTools' GGom/NBD ends at b 1.1e-6, beta 1.3e-5 (LL -9594.9762).

    Its second-order test fails there (``kkt2.true = FALSE`` in its test):
    that is the Pareto/NBD's edge, where ours refuses, naming it, with the
    point far along it as likely as the Pareto/NBD's maximum.
    """
    columns = _columns(summary)
    with pytest.raises(ConvergenceError, match="Pareto/NBD") as caught:
        fit_ggom_nbd(*columns)
    assert "b and beta run to 0 together" in str(caught.value)
    edge = caught.value.estimates
    assert edge is not None
    assert edge["b"] < 1e-6
    assert edge["beta"] < 1.3e-5
    pareto = fit_pareto_nbd(*columns)
    assert pareto.log_likelihood == pytest.approx(-9594.9762, abs=1e-3)
    assert edge["r"] == pytest.approx(pareto.parameter_vector()[0], rel=1e-3)


def test_gamma_gamma_matches_clvtools(summary: RFMSummary) -> None:
    """CLVTools' Gamma-Gamma: LL -4055.9177.

    At Fader & Hardie (2013)'s p 6.25, q 3.74, gamma 15.44.
    """
    assert summary.monetary_value is not None
    x = np.array(summary.frequency, dtype=np.float64)
    spend = np.array([float(v) for v in summary.monetary_value])
    buyers = x > 0
    fit = fit_gamma_gamma(x[buyers], spend[buyers])
    got = dict(zip(("p", "q", "gamma"), fit.parameter_vector(), strict=True))
    assert got == pytest.approx(
        {"p": 6.25, "q": 3.74, "gamma": 15.44}, abs=6e-3
    )
    assert fit.log_likelihood == pytest.approx(-4055.9177, abs=1e-4)
