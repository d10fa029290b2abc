"""The vectorised analysis steps (issue 17, insights in linear time) against plain reference
implementations on random data: the normal-equations least squares, the distributed-lag fit
built on it, the blocked pair correlations of the reverse check, and the daily grid.

Each reference is the straightforward version (an SVD per regression, one pair at a time,
one value at a time), so a faster path that drifts from the statistics fails here."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flarewise.analysis.ar1 import _transform
from flarewise.analysis.blas import crossprod
from flarewise.analysis.dlm import MIN_DAYS, LagTerm, _lag1, fit_distributed_lag
from flarewise.analysis.grid import build_grid
from flarewise.analysis.lstsq import least_squares
from flarewise.analysis.measure_kinds import measure_kind
from flarewise.analysis.triggers import masked_corr, paired_lag_corr
from flarewise.domain.summaries import DaySummary, MeasureStats

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 2**32 - 1)


def _missing(rng: np.random.Generator, shape: tuple[int, ...], share: float) -> np.ndarray:
    return rng.random(shape) < share


@SETTINGS
@given(seeds, st.integers(5, 400), st.integers(1, 12), st.booleans())
def test_least_squares_equals_the_svd(seed: int, n: int, k: int, collinear: bool) -> None:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k)) * rng.uniform(0.01, 100, size=k)
    if collinear and k > 1:
        X[:, -1] = 2 * X[:, 0]  # singular: the SVD's minimum-norm answer must come back
    y = rng.normal(size=n)
    got = least_squares(X, y)
    want = np.linalg.lstsq(X, y, rcond=None)[0]
    if collinear and k > 1:
        assert got.cholesky is None
    np.testing.assert_allclose(X @ got.beta, X @ want, rtol=1e-7, atol=1e-9)
    if got.cholesky is not None:
        np.testing.assert_allclose(got.beta, want, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(
            got.inverse_gram(X), np.linalg.inv(X.T @ X), rtol=1e-7, atol=1e-12
        )


def _reference_dlm(
    adjusted: np.ndarray, outcome: int, terms: list[LagTerm], focus: int
) -> tuple[float, float, float] | None:
    """The fit as first written: shifted copies, nan_to_num, numpy's SVD least squares and
    inverse, the transform out of place."""

    def shift(x: np.ndarray, lag: int) -> np.ndarray:
        out = np.full_like(x, np.nan)
        out[lag:] = x[: len(x) - lag]
        return out

    def gls(y: np.ndarray, X: np.ndarray, t: np.ndarray, phi: float) -> tuple:  # type: ignore[type-arg]
        rho = phi ** np.diff(t)
        scale = np.sqrt(1 - rho * rho)
        yt = np.concatenate([[y[0]], (y[1:] - rho * y[:-1]) / scale])
        Xt = np.vstack([X[:1], (X[1:] - rho[:, None] * X[:-1]) / scale[:, None]])
        beta = np.linalg.lstsq(Xt, yt, rcond=None)[0]
        resid = yt - Xt @ beta
        return beta, float(resid @ resid) / len(y), Xt

    y = adjusted[:, outcome]
    cols = [shift(adjusted[:, t.column], t.lag) for t in terms]
    keep = np.isfinite(y) & np.isfinite(cols[focus])
    t = np.flatnonzero(keep).astype(float)
    n, k = len(t), len(terms) + 1
    if n < max(MIN_DAYS, 3 * k):
        return None
    X = np.column_stack([np.ones(n), *(np.nan_to_num(c[keep], nan=0.0) for c in cols)])
    if np.std(X[:, focus + 1]) == 0:
        return None
    yy = y[keep]
    beta = np.linalg.lstsq(X, yy, rcond=None)[0]
    phi = _lag1(yy - X @ beta, t)
    for _ in range(2):
        beta = gls(yy, X, t, phi)[0]
        phi = _lag1(yy - X @ beta, t)
    phi = float(np.clip(phi + (1 + 3 * phi) / n, -0.98, 0.98))
    beta, s2, Xt = gls(yy, X, t, phi)
    cov = s2 * n / (n - k) * np.linalg.inv(Xt.T @ Xt)
    return float(beta[focus + 1]), float(np.sqrt(cov[focus + 1, focus + 1])), phi


@SETTINGS
@given(seeds, st.integers(40, 900), st.integers(1, 6), st.floats(0.0, 0.4))
def test_distributed_lag_fit_equals_the_reference(
    seed: int, days: int, n_terms: int, missing: float
) -> None:
    rng = np.random.default_rng(seed)
    columns = n_terms + 1
    adjusted = rng.normal(size=(days, columns))
    adjusted[:, 0] += 0.5 * np.roll(adjusted[:, 1], 1)
    adjusted[_missing(rng, adjusted.shape, missing)] = np.nan
    terms = [
        LagTerm(int(rng.integers(1, columns)), int(rng.integers(0, 4))) for _ in range(n_terms)
    ]
    terms = list(dict.fromkeys(terms))
    focus = int(rng.integers(0, len(terms)))
    got = fit_distributed_lag(adjusted, 0, terms, focus)
    want = _reference_dlm(adjusted, 0, terms, focus)
    if want is None:
        assert got is None
        return
    assert got is not None
    np.testing.assert_allclose([got.effect, got.se, got.phi], want, rtol=1e-7, atol=1e-10)


@SETTINGS
@given(seeds, st.integers(2, 300), st.floats(0.01, 0.99))
def test_transform_matches_the_prais_winsten_formula(seed: int, n: int, phi: float) -> None:
    rng = np.random.default_rng(seed)
    t = np.sort(rng.choice(3 * n, size=n, replace=False)).astype(float)
    X, y = rng.normal(size=(n, 3)), rng.normal(size=n)
    _, Xt, _ = _transform(y, X, t, phi)
    rho = phi ** np.diff(t)
    scale = np.sqrt(1 - rho * rho)
    np.testing.assert_array_equal(Xt[1:], (X[1:] - rho[:, None] * X[:-1]) / scale[:, None])
    np.testing.assert_array_equal(Xt[0], X[0])


@SETTINGS
@given(seeds, st.integers(1, 1500), st.integers(1, 30), st.floats(0.0, 0.9))
def test_pair_correlations_equal_one_pair_at_a_time(
    seed: int, days: int, pairs: int, missing: float
) -> None:
    rng = np.random.default_rng(seed)
    series = rng.normal(size=(days, 8))
    series[_missing(rng, series.shape, missing)] = np.nan
    causes = [int(c) for c in rng.integers(0, 8, pairs)]
    effects = [int(c) for c in rng.integers(0, 8, pairs)]
    lags = (0, 1, 2, 3)
    r, n, _ = paired_lag_corr(series, causes, effects, lags)
    for i, (c, e) in enumerate(zip(causes, effects, strict=True)):
        for li, lag in enumerate(lags):
            x, y = series[: max(0, days - lag), c], series[lag:, e]
            ok = np.isfinite(x) & np.isfinite(y)
            assert n[i, li] == ok.sum()
            a, b = x[ok], y[ok]
            if ok.sum() < 3 or a.std() == 0 or b.std() == 0:
                assert np.isnan(r[i, li]) or abs(r[i, li]) <= 1
                continue
            want = float(np.corrcoef(a, b)[0, 1])
            assert abs(r[i, li] - want) < 1e-9


MEASURES = ["symptom:pain", "food_group:dairy", "food_group:eggs", "metric:steps", "event:drink"]


def _reference_grid(summaries: list[DaySummary], start: date, end: date) -> np.ndarray:
    """One value at a time, as the grid was first built (analysis/grid.py before issue 17)."""
    n = (end - start).days + 1
    values = np.full((n, len(MEASURES)), np.nan)
    kinds = [measure_kind(m) for m in MEASURES]
    fams = [m.split(":")[0] for m in MEASURES]
    logged = np.zeros(n, dtype=bool)
    fam_logged: dict[str, np.ndarray] = {f: np.zeros(n, dtype=bool) for f in fams}
    for s in summaries:
        if not start <= s.day <= end:
            continue
        row = (s.day - start).days
        logged[row] = bool(s.measures)
        for m, stats in s.measures.items():
            fam_logged.setdefault(m.split(":")[0], np.zeros(n, dtype=bool))[row] = True
            if m in MEASURES:
                j = MEASURES.index(m)
                daily = kinds[j].daily
                values[row, j] = {
                    "sum": stats.total,
                    "mean": stats.mean,
                    "max": stats.maximum,
                    "any": 1.0 if stats.n > 0 else 0.0,
                }[daily]
    for j, kd in enumerate(kinds):
        zero = logged if kd.zero_when == "diary" else fam_logged[fams[j]]
        if kd.zero_when in ("diary", "family"):
            values[np.isnan(values[:, j]) & zero, j] = 0.0
    return values


@SETTINGS
@given(seeds, st.integers(1, 120))
def test_grid_equals_one_value_at_a_time(seed: int, days: int) -> None:
    rng = np.random.default_rng(seed)
    start = date(2024, 1, 1)
    pool = [*MEASURES, "food_group:gluten", "symptom:fatigue"]  # two outside the columns
    summaries = []
    for d in range(days):
        if rng.random() < 0.2:
            continue
        chosen = [m for m in pool if rng.random() < 0.5]
        stats = {}
        for m in chosen:
            k = int(rng.integers(1, 4))
            v = rng.uniform(0, 10, size=k)
            stats[m] = MeasureStats(
                k, float(v.sum()), float(v.mean()), float(v.min()), float(v.max())
            )
        summaries.append(DaySummary(start + timedelta(days=d), len(chosen), stats))
    end = start + timedelta(days=days - 1)
    grid = build_grid(summaries, start, end, MEASURES)
    np.testing.assert_array_equal(grid.values, _reference_grid(summaries, start, end))


@SETTINGS
@given(seeds, st.integers(1, 2000), st.integers(1, 120), st.integers(1, 40))
def test_blocked_product_equals_the_product(seed: int, n: int, p: int, q: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, p)), rng.normal(size=(n, q))
    np.testing.assert_allclose(crossprod(a, b), a.T @ b, rtol=1e-10, atol=1e-9)


@SETTINGS
@given(seeds, st.integers(3, 1200), st.integers(1, 60), st.integers(1, 8), st.floats(0.0, 0.8))
def test_masked_correlations_equal_one_pair_at_a_time(
    seed: int, days: int, p: int, q: int, missing: float
) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=(days, p)), rng.normal(size=(days, q))
    x[_missing(rng, x.shape, missing)] = np.nan
    y[_missing(rng, y.shape, missing)] = np.nan
    r, n = masked_corr(x, y)
    for i in range(p):
        for j in range(q):
            ok = np.isfinite(x[:, i]) & np.isfinite(y[:, j])
            assert n[i, j] == ok.sum()
            a, b = x[ok, i], y[ok, j]
            if ok.sum() < 3 or a.std() == 0 or b.std() == 0:
                continue
            assert abs(r[i, j] - np.corrcoef(a, b)[0, 1]) < 1e-9
