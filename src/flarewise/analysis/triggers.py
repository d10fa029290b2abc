"""Trigger screen (analysis-methods.md 2.2): calendar grid, the calendar removed (weekday and
running level), AR(1) pre-whitening, pairwise-complete lagged correlations by masked matrix
products, Benjamini-Hochberg across every test run; then, per hit, the reverse direction
(analysis/insights.py) and an adjusted distributed-lag effect (analysis/dlm.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from flarewise.analysis.ar1 import prewhiten
from flarewise.analysis.blas import crossprod
from flarewise.analysis.calendar import remove_calendar
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
    n = crossprod(mx, my)  # products on one BLAS thread (analysis/blas.py)
    sx = crossprod(x0, my)
    sy = crossprod(mx, y0)
    sxy = crossprod(x0, y0)
    sxx = crossprod(x0 * x0, my)
    syy = crossprod(mx, y0 * y0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = n * sxy - sx * sy
        var = (n * sxx - sx * sx) * (n * syy - sy * sy)
        r = cov / np.sqrt(var)
    r[(n < 3) | ~np.isfinite(r)] = np.nan
    return np.clip(r, -1.0, 1.0), n


def r_pvalues(r: Array, n: Array) -> Array:
    with np.errstate(invalid="ignore", divide="ignore"):
        t = r * np.sqrt((n - 2) / np.maximum(1e-12, 1 - r * r))
        p = 2 * special.stdtr(np.maximum(n - 2, 1), -np.abs(t))
    p[~np.isfinite(r)] = np.nan
    return np.asarray(p, dtype=float)


def screen_series(
    grid: DailyGrid, names: Sequence[str], *, calendar: bool = True, prewhitened: bool = True
) -> Array:
    """The series the screen correlates, one column per name: the calendar removed (weekday
    offsets and the running 13-week level, analysis/calendar.py), then AR(1) pre-whitened
    (one fewer row: row i is day i + 1). With both off, the raw grid columns."""
    data = grid.values[:, [grid.names.index(c) for c in names]]
    if calendar:
        data = remove_calendar(data, grid.start)
    return prewhiten(data)[0] if prewhitened else data


def lagged_screen(
    grid: DailyGrid,
    exposures: Sequence[str],
    outcomes: Sequence[str],
    lags: Sequence[int] = (0, 1, 2, 3),
    *,
    prewhitened: bool = True,
    calendar: bool = True,
    fdr: Literal["bh", "by"] = "bh",
    skip: set[tuple[str, str, int]] | None = None,
    exclude: NDArray[np.bool_] | None = None,
    series: Array | None = None,
) -> LaggedTests:
    """Every (exposure, outcome, lag) correlation on calendar-adjusted, pre-whitened series;
    self-pairs, ``skip`` and ``exclude`` (a (lags, exposures, outcomes) mask, e.g. lags that
    run backwards in time) are not tested and do not count in the false-discovery control.
    ``series`` may pass ``screen_series`` of ``[*exposures, *outcomes]`` (deduplicated) when the
    caller already has it."""
    cols = list(dict.fromkeys([*exposures, *outcomes]))
    if series is None:
        series = screen_series(grid, cols, calendar=calendar, prewhitened=prewhitened)
    ex = series[:, [cols.index(e) for e in exposures]]
    out = series[:, [cols.index(o) for o in outcomes]]
    shape = (len(lags), len(exposures), len(outcomes))
    r_all, n_all = np.full(shape, np.nan), np.zeros(shape)
    for li, lag in enumerate(lags):
        x = ex[: len(ex) - lag] if lag else ex
        y = out[lag:]
        r, n = masked_corr(x, y)
        r_all[li], n_all[li] = r, n
    same = np.array(exposures, dtype=object)[:, None] == np.array(outcomes, dtype=object)[None, :]
    r_all[:, same] = np.nan
    if exclude is not None:
        r_all[exclude] = np.nan
    if skip:
        e_index = {e: i for i, e in enumerate(exposures)}
        o_index = {o: i for i, o in enumerate(outcomes)}
        l_index = {lag: i for i, lag in enumerate(lags)}
        for e, o, lag in skip:
            if e in e_index and o in o_index and lag in l_index:
                r_all[l_index[lag], e_index[e], o_index[o]] = np.nan
    p = r_pvalues(r_all, n_all)
    q = qvalues(p.ravel(), fdr).reshape(p.shape)
    return LaggedTests(tuple(exposures), tuple(outcomes), tuple(lags), r_all, n_all, p, q)


PAIR_BLOCK_DAYS = 512


def _pair_sums(x: Array, y: Array) -> Array:
    """(6, pairs): n, sum x, sum y, sum xy, sum x^2, sum y^2 over the rows where both are
    observed; x and y are aligned (rows, pairs) blocks with NaN for missing."""
    fx, fy = np.isfinite(x), np.isfinite(y)
    x0, y0 = np.where(fx, x, 0.0), np.where(fy, y, 0.0)
    mx, my = fx.astype(float), fy.astype(float)

    def dot(a: Array, b: Array) -> Array:
        return np.asarray(np.einsum("ij,ij->j", a, b), dtype=float)

    # x0 * y0 is zero wherever either day is missing: only the one-sided sums need a mask
    return np.stack(
        [dot(mx, my), dot(x0, my), dot(mx, y0), dot(x0, y0), dot(x0 * x0, my), dot(mx, y0 * y0)]
    )


def paired_lag_corr(
    series: Array, causes: Sequence[int], effects: Sequence[int], lags: Sequence[int]
) -> tuple[Array, Array, Array]:
    """(r, n, p), each (pairs, lags): column ``causes[i]`` on day t - lag against column
    ``effects[i]`` on day t, pairwise complete, for a few chosen pairs at once.

    The sums run over blocks of ``PAIR_BLOCK_DAYS`` days: with a hundred hits on ten years,
    whole-length temporaries (3,650 x 128 doubles, a dozen of them) cost more in fresh memory
    pages than in arithmetic, while blocks of half a megabyte are reused from the heap."""
    shape = (len(causes), len(lags))
    r_all, n_all = np.full(shape, np.nan), np.zeros(shape)
    if not len(causes):
        return r_all, n_all, np.full(shape, np.nan)
    days = len(series)
    for li, lag in enumerate(lags):
        total = np.zeros((6, len(causes)))
        for b in range(lag, days, PAIR_BLOCK_DAYS):
            e = min(days, b + PAIR_BLOCK_DAYS)
            total += _pair_sums(series[b - lag : e - lag, causes], series[b:e, effects])
        n, sx, sy, sxy, sxx, syy = total
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = n * sxy - sx * sy
            var = (n * sxx - sx * sx) * (n * syy - sy * sy)
            r = cov / np.sqrt(var)
        r[(n < 3) | ~np.isfinite(r)] = np.nan
        r_all[:, li], n_all[:, li] = np.clip(r, -1.0, 1.0), n
    return r_all, n_all, r_pvalues(r_all, n_all)


@dataclass(frozen=True)
class Effect:
    """A trigger's effect in the outcome's units per ``Trigger.per`` of the exposure."""

    effect: float
    ci_low: float
    ci_high: float
    n: int


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
