"""The BG/NBD covariate rows split by ``x = 0`` (issue 9's speed-up).

``_bg_nbd_log`` takes the leading rows without repeat purchases in a
closed form (``_bg_nbd_no_repeats_into``) and the others by the general
one (``_bg_nbd_rows_into``); ``_Likelihood`` orders its rows so that
those lead. These tests, which read the rows unpacked in the parameters
themselves (``clv_row_adapters``), hold the split to the general form on
the same rows, the general form's derivatives to differences of its
value, and the likelihood to the same answer whatever order its rows
come in.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

from clv_row_adapters import bg_nbd_hessian, bg_nbd_no_repeats, bg_nbd_rows
from customer_centric._arrays import FloatArray
from customer_centric.clv import simulate_bg_nbd
from customer_centric.clv._covariates import (
    _beta_gamma_terms,
    _compress,
    _layout,
    _Likelihood,
    _Rows,
)

_STEP = 1e-6


def _random_rows(seed: int, n: int) -> tuple[_Rows, list[FloatArray]]:
    """Seeded histories (about half without repeats) and row parameters."""
    rng = np.random.default_rng(seed)
    x = np.where(rng.random(n) < 0.5, 0.0, rng.integers(1, 30, n))
    big_t = rng.uniform(20.0, 40.0, n)
    t_x = np.where(x > 0, big_t * rng.random(n), 0.0)
    params = [
        np.exp(rng.normal(np.log(m), 1.0, n)) for m in (0.5, 5.0, 0.8, 2.5)
    ]
    return _Rows.of(x, t_x, big_t), params


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40))
def test_no_repeats_match_the_general_form(seed: int, n: int) -> None:
    """At ``x = 0`` the closed form is the general one, value to Hessian."""
    rows, params = _random_rows(seed, n)
    none = _Rows.of(np.zeros(n), np.zeros(n), rows.big_t)
    assert none.zeros == n
    expected = bg_nbd_rows((0.7, params[1], params[2], params[3]), none)
    got = bg_nbd_no_repeats(0.7, params[1], rows.big_t)
    for ours, theirs in zip(got, expected, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40))
def test_split_rows_match_the_general_form(seed: int, n: int) -> None:
    """Sorted by ``x``, the split gives the general form's rows."""
    rows, params = _random_rows(seed, n)
    order = np.argsort(rows.x, kind="stable")
    ordered = _Rows.of(rows.x[order], rows.t_x[order], rows.big_t[order])
    assert ordered.zeros == np.count_nonzero(rows.x == 0)
    moved: tuple[float | FloatArray, ...] = (
        0.7,
        *(p[order] for p in params[1:]),
    )
    split = bg_nbd_hessian(moved, ordered)
    general = bg_nbd_rows(moved, ordered)
    for ours, theirs in zip(split, general, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40))
def test_finite_sums_match_the_special_functions(seed: int, n: int) -> None:
    """The rises ``f(z+x) - f(z)`` as scipy's functions give them.

    Whole counts up to 7 by finite sums, longer and fractional ones (only
    reachable from tests: the fits take whole counts) through the special
    functions; the trigamma as differences of scipy's ``polygamma``.
    """
    rng = np.random.default_rng(seed)
    x = np.where(
        rng.random(n) < 0.2, rng.uniform(0, 12, n), rng.integers(0, 30, n)
    )
    rows = _Rows.of(x, x / 2, x + 1)
    ab = np.exp(rng.normal(0.0, 1.5, n))
    b = ab * rng.uniform(0.05, 0.95, n)
    got = _beta_gamma_terms(rows, 0.6, ab, b)
    for row, function in enumerate(
        (
            special.gammaln,
            special.digamma,
            lambda v: special.polygamma(1, v),
        )
    ):
        for column, z in enumerate((ab, b, np.full(n, 0.6))):
            np.testing.assert_allclose(
                got[row, column],
                function(z + x) - function(z),
                rtol=1e-11,
                atol=1e-11,
            )


def test_scalar_parameters_split_too() -> None:
    """Without covariates on a process its parameters stay scalars."""
    rows, _ = _random_rows(3, 30)
    order = np.argsort(rows.x, kind="stable")
    ordered = _Rows.of(rows.x[order], rows.t_x[order], rows.big_t[order])
    params = (0.6, 4.0, 0.8, 2.5)
    split = bg_nbd_hessian(params, ordered)
    general = bg_nbd_rows(params, ordered)
    assert split[2].shape == (4, 4, 30)
    for ours, theirs in zip(split, general, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_derivatives_match_differences() -> None:
    """The split rows' gradient and Hessian against central differences."""
    rows, params = _random_rows(11, 25)
    order = np.argsort(rows.x, kind="stable")
    ordered = _Rows.of(rows.x[order], rows.t_x[order], rows.big_t[order])
    base: list[float | FloatArray] = [0.7, *(p[order] for p in params[1:])]
    _, derivatives, hessian = bg_nbd_hessian(tuple(base), ordered)
    for position in range(4):
        up, down = list(base), list(base)
        step = _STEP * np.asarray(base[position])
        up[position] = np.asarray(base[position]) + step
        down[position] = np.asarray(base[position]) - step
        v_up, d_up, _ = bg_nbd_hessian(tuple(up), ordered)
        v_down, d_down, _ = bg_nbd_hessian(tuple(down), ordered)
        if position == 0:  # r is shared by the rows: summed differences
            np.testing.assert_allclose(
                (v_up.sum() - v_down.sum()) / (2 * step),
                derivatives[0].sum(),
                rtol=1e-6,
            )
            continue
        np.testing.assert_allclose(
            (v_up - v_down) / (2 * step),
            derivatives[position],
            rtol=1e-5,
            atol=1e-7,
        )
        np.testing.assert_allclose(
            (d_up - d_down) / (2 * step),
            hessian[:, position],
            rtol=1e-5,
            atol=1e-6,
        )


def test_likelihood_is_the_same_in_any_row_order() -> None:
    """``_Likelihood`` orders its rows itself: shuffled input, same answer."""
    n = 120
    sim = simulate_bg_nbd([39.0] * n, r=0.4, alpha=4.0, a=0.7, b=2.5, seed=5)
    rng = np.random.default_rng(5)
    z = rng.normal(size=(n, 1))
    layout = _layout({"purchase": ("z",), "dropout": ("z",)}, equal=())
    rows, covariates = _compress(
        (sim.frequency, sim.recency, sim.T, np.ones(n)),
        {"purchase": z, "dropout": z},
    )
    shuffle = rng.permutation(rows[0].size)
    shuffled = (
        tuple(column[shuffle] for column in rows),
        {p: m[shuffle] for p, m in covariates.items()},
    )
    theta = np.array([0.4, 4.0, 0.7, 2.5, 1.3, 0.8])
    sorted_ = _Likelihood("BG/NBD", rows, covariates, layout, 0.1)
    mixed = _Likelihood("BG/NBD", *shuffled, layout, 0.1)  # type: ignore[arg-type]
    assert mixed.rows.zeros == sorted_.rows.zeros > 0
    value, gradient = sorted_(theta)
    other_value, other_gradient = mixed(theta)
    np.testing.assert_allclose(other_value, value, rtol=1e-12)
    np.testing.assert_allclose(other_gradient, gradient, rtol=1e-9)
    np.testing.assert_allclose(
        mixed.hessian(theta), sorted_.hessian(theta), rtol=1e-9, atol=1e-9
    )
