"""The analysis computes Student t probabilities with scipy.special and minimises with its own
copy of SciPy's bounded Brent search, so `flarewise insights` does not import scipy.stats (about
0.25 s of CPU) or scipy.optimize (0.1 s). These tests hold both to what they replace: the
scipy.stats and scipy.optimize results over a grid, closed forms, and R's published quantiles.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats
from scipy.optimize import minimize_scalar

from flarewise.analysis.ar1 import _profile, fit_effect
from flarewise.analysis.brent import minimize_bounded

DFS = [0.5, 1, 2, 3, 4, 5, 7, 10, 13, 20, 30, 57, 100, 365, 1000, 1e6]
XS = np.concatenate([np.linspace(-40, 40, 161), [-1e-9, 0.0, 1e-9, 1e3, -1e3]])
PS = [1e-12, 1e-6, 0.001, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.999, 1 - 1e-9]

# R 4.3: sprintf("%.15f", qt(0.975, df)), the 95 % interval factors analysis/ar1.py uses
R_QT_975 = {
    5: 2.570581835636314,
    10: 2.228138851986274,
    30: 2.042272456301238,
    100: 1.983971518523552,
}


@pytest.mark.parametrize("df", DFS)
def test_stdtr_is_scipy_stats_t_cdf(df: float) -> None:
    mine = special.stdtr(df, XS)
    theirs = stats.t.cdf(XS, df)
    assert np.max(np.abs(mine - theirs)) <= 1e-12
    # and the two-sided p-value the trigger screen computes, 2 * stdtr(df, -|t|)
    two_sided = 2 * special.stdtr(df, -np.abs(XS))
    assert np.max(np.abs(two_sided - 2 * stats.t.sf(np.abs(XS), df))) <= 1e-12


@pytest.mark.parametrize("df", DFS)
def test_stdtrit_is_scipy_stats_t_ppf(df: float) -> None:
    for p in PS:
        mine, theirs = float(special.stdtrit(df, p)), float(stats.t.ppf(p, df))
        assert abs(mine - theirs) <= 1e-12 * max(1.0, abs(theirs)), (df, p)


def test_student_t_against_closed_forms_and_r() -> None:
    for x in (-7.5, -2.0, -0.3, 0.0, 0.4, 1.96, 12.0):
        cauchy = 0.5 + math.atan(x) / math.pi  # df = 1
        two = 0.5 + x / (2 * math.sqrt(2 + x * x))  # df = 2
        u = x / math.sqrt(3)  # df = 3
        three = 0.5 + (u / (1 + u * u) + math.atan(u)) / math.pi
        assert abs(float(special.stdtr(1, x)) - cauchy) <= 1e-12
        assert abs(float(special.stdtr(2, x)) - two) <= 1e-12
        assert abs(float(special.stdtr(3, x)) - three) <= 1e-12
    for p in (0.025, 0.3, 0.975):
        assert abs(float(special.stdtrit(1, p)) - math.tan(math.pi * (p - 0.5))) <= 1e-12
        two = (2 * p - 1) / math.sqrt(2 * p * (1 - p))
        assert abs(float(special.stdtrit(2, p)) - two) <= 1e-12
    for df, value in R_QT_975.items():
        assert abs(float(special.stdtrit(df, 0.975)) - value) <= 1e-12
    assert abs(float(special.stdtrit(1e9, 0.975)) - 1.959963984540054) <= 1e-8  # the normal's


def _scipy_bounded(f, lo: float, hi: float, xatol: float = 1e-5) -> float:  # type: ignore[no-untyped-def]
    res = minimize_scalar(f, bounds=(lo, hi), method="bounded", options={"xatol": xatol})
    return float(res.x)


@pytest.mark.parametrize(
    ("f", "lo", "hi"),
    [
        (lambda x: (x - 0.3) ** 2, -0.98, 0.98),
        (lambda x: math.cos(3 * x) + 0.1 * x, -2.0, 4.0),
        (lambda x: abs(x - 0.123456), -1.0, 1.0),  # a kink: golden steps, no parabola
        (lambda x: -x, -0.98, 0.98),  # the minimum on the boundary
        (lambda x: x**4 - x**2, -2.0, 2.0),  # two minima: the same one must be found
        (lambda x: 1.0, 0.0, 1.0),  # flat
        (lambda x: (x - 5.0) ** 2, 5.0, 5.0),  # a single point
    ],
)
def test_bounded_minimiser_is_scipys_step_for_step(f, lo: float, hi: float) -> None:  # type: ignore[no-untyped-def]
    assert minimize_bounded(f, lo, hi) == _scipy_bounded(f, lo, hi)
    assert minimize_bounded(f, lo, hi, xatol=1e-9) == _scipy_bounded(f, lo, hi, 1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_the_ar1_fit_finds_the_same_phi_as_scipy(seed: int) -> None:
    # the profile likelihood of analysis/ar1.py on an AR(1) series with gaps and a level change
    rng = np.random.default_rng(seed)
    n, phi = 120, [0.0, 0.3, 0.6, 0.85, -0.4, 0.95][seed]
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = phi * e[i - 1] + rng.normal()
    x = (np.arange(n) >= n // 2).astype(float)
    y = 5 + 0.8 * x + e
    y[rng.random(n) < 0.15] = np.nan
    t = np.flatnonzero(np.isfinite(y)).astype(float)
    yy = y[np.isfinite(y)]
    X = np.column_stack([np.ones_like(t), x[t.astype(int)], t - t.mean()])

    def f(ph: float) -> float:
        return -_profile(yy, X, t, ph)[0]

    assert minimize_bounded(f, -0.98, 0.98) == _scipy_bounded(f, -0.98, 0.98)
    fit = fit_effect(y, x, trend=True)
    assert fit.phi == _scipy_bounded(f, -0.98, 0.98)
    k = X.shape[1]
    q = float(stats.t.ppf(0.975, len(yy) - k - 1))
    assert fit.ci_high == pytest.approx(fit.effect + q * fit.se, abs=1e-12)


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="bounds"):
        minimize_bounded(lambda x: x, 1.0, 0.0)
    with pytest.raises(ValueError, match="bounds"):
        minimize_bounded(lambda x: x, 0.0, math.inf)
