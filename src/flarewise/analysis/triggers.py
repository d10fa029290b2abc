"""Trigger screen (analysis-methods.md 2.2): calendar grid, AR(1) pre-whitening, pairwise-complete
lagged correlations by masked matrix products, Benjamini-Hochberg across every test run, then an
effect in the outcome's units for each hit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from flarewise.analysis.ar1 import fit_effect, prewhiten
from flarewise.analysis.fdr import qvalues
from flarewise.analysis.grid import Array, DailyGrid


@dataclass(frozen=True)
class LaggedTests:
    exposures: tuple[str, ...]
    outcomes: tuple[str, ...]
    lags: tuple[int, ...]
    r: Array  # (lags, exposures, outcomes), NaN where not tested
    n: Array
    p: Array
    q: Array

    @property
    def tests_run(self) -> int:
        return int(np.isfinite(self.p).sum())


def masked_corr(x: Array, y: Array) -> tuple[Array, Array]:
    """Pairwise-complete Pearson r between every column of x and every column of y (rows are
    aligned days); NaN marks missing. Returns (r, n), each (x columns, y columns)."""
    mx = np.isfinite(x).astype(float)
    my = np.isfinite(y).astype(float)
    x0 = np.where(mx > 0, x, 0.0)
    y0 = np.where(my > 0, y, 0.0)
    n = mx.T @ my
    sx = x0.T @ my
    sy = mx.T @ y0
    sxy = x0.T @ y0
    sxx = (x0 * x0).T @ my
    syy = mx.T @ (y0 * y0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = n * sxy - sx * sy
        var = (n * sxx - sx * sx) * (n * syy - sy * sy)
        r = cov / np.sqrt(var)
    r[(n < 3) | ~np.isfinite(r)] = np.nan
    return np.clip(r, -1.0, 1.0), n


def r_pvalues(r: Array, n: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt((n - 2) / np.maximum(1e-12, 1 - r * r))
        p = 2 * stats.t.sf(np.abs(t), np.maximum(n - 2, 1))
    p[~np.isfinite(r)] = np.nan
    return np.asarray(p, dtype=float)


def lagged_screen(
    grid: DailyGrid,
    exposures: Sequence[str],
    outcomes: Sequence[str],
    lags: Sequence[int] = (0, 1, 2, 3),
    *,
    prewhitened: bool = True,
    fdr: Literal["bh", "by"] = "bh",
    skip: set[tuple[str, str, int]] | None = None,
) -> LaggedTests:
    """Every (exposure, outcome, lag) correlation; self-pairs and ``skip`` are not tested."""
    cols = list(dict.fromkeys([*exposures, *outcomes]))
    data = grid.values[:, [grid.names.index(c) for c in cols]]
    series = prewhiten(data)[0] if prewhitened else data
    ex = series[:, [cols.index(e) for e in exposures]]
    out = series[:, [cols.index(o) for o in outcomes]]
    shape = (len(lags), len(exposures), len(outcomes))
    r_all, n_all = np.full(shape, np.nan), np.zeros(shape)
    for li, lag in enumerate(lags):
        x = ex[: len(ex) - lag] if lag else ex
        y = out[lag:]
        r, n = masked_corr(x, y)
        r_all[li], n_all[li] = r, n
    for ei, e in enumerate(exposures):
        for oi, o in enumerate(outcomes):
            if e == o:
                r_all[:, ei, oi] = np.nan
            for li, lag in enumerate(lags):
                if skip and (e, o, lag) in skip:
                    r_all[li, ei, oi] = np.nan
    p = r_pvalues(r_all, n_all)
    q = qvalues(p.ravel(), fdr).reshape(p.shape)
    return LaggedTests(tuple(exposures), tuple(outcomes), tuple(lags), r_all, n_all, p, q)


@dataclass(frozen=True)
class Effect:
    effect: float
    ci_low: float
    ci_high: float
    n: int


def lagged_effect(grid: DailyGrid, exposure: str, outcome: str, lag: int) -> Effect | None:
    """The change in the outcome per unit of the exposure ``lag`` days earlier, from a regression
    with AR(1) errors on the calendar grid (days missing either value are left out)."""
    x = grid.column(exposure)
    y = grid.column(outcome)
    if lag:
        x, y = x[:-lag], y[lag:]
    y = np.where(np.isfinite(x), y, np.nan)
    if np.isfinite(y).sum() < 20 or np.nanstd(x) == 0:
        return None
    fit = fit_effect(y, x)
    return Effect(fit.effect, fit.ci_low, fit.ci_high, fit.n)


def co_occurring(
    grid: DailyGrid, names: Sequence[str], threshold: float = 0.9
) -> list[tuple[str, str, float]]:
    """Pairs of exposures that nearly always occur together (raw r above ``threshold``): their
    effects cannot be told apart."""
    data = grid.values[:, [grid.names.index(n) for n in names]]
    r, n = masked_corr(data, data)
    out = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if n[i, j] >= 20 and np.isfinite(r[i, j]) and r[i, j] >= threshold:
                out.append((names[i], names[j], float(r[i, j])))
    return out
