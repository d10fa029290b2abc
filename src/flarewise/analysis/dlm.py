"""The distributed-lag model behind each trigger's effect (analysis-methods.md 2.2 step 5).

For an exposure found by the screen, the outcome on day d is regressed on the exposure on days
d, d-1, ... d-3 (only the lags time order allows) and on the other factors found for the same
outcome, each at the lag it was found, with AR(1) errors on the calendar grid. The calendar
(running 13-week level and weekday offsets, analysis/calendar.py) is removed from the outcome
and from every regressor first, which is the same as putting those terms in the model
(Frisch-Waugh-Lovell). The coefficient at the lag the screen found is the effect shown: the
change in the outcome's units per unit of the exposure, holding the other lags, the other
factors and the calendar fixed.

Days without the outcome, or without the exposure at the reported lag, are left out. A missing
value of another regressor on an otherwise usable day counts as that factor's usual level for
the weekday and season (0 after the calendar is removed): leaving such days out would discard
most of a diary with 20 % missing days, and a usual level is the neutral guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special

from flarewise.analysis.ar1 import _transform
from flarewise.analysis.grid import Array
from flarewise.analysis.lstsq import LeastSquares, least_squares

MIN_DAYS = 30


@dataclass(frozen=True)
class LagTerm:
    column: int  # column of the calendar-adjusted matrix
    lag: int


@dataclass(frozen=True)
class DLFit:
    effect: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    phi: float  # AR(1) coefficient of the errors, bias-corrected
    terms: int  # regressors besides the intercept


def _shift(x: Array, lag: int) -> Array:
    if lag == 0:
        return x
    out = np.full_like(x, np.nan)
    out[lag:] = x[:-lag]
    return out


def _design(adjusted: Array, rows: NDArray[np.intp], terms: Sequence[LagTerm]) -> Array:
    """The intercept and each term's column on ``rows``, gathered in one indexing step (the
    term's value ``lag`` days earlier; before the first day or missing: 0, the usual level)."""
    lags = np.array([t.lag for t in terms], dtype=np.intp)
    source = rows[:, None] - lags[None, :]
    X = np.ones((len(rows), len(terms) + 1))
    values = adjusted[np.maximum(source, 0), [t.column for t in terms]]
    values[(source < 0) | np.isnan(values)] = 0.0
    X[:, 1:] = values
    return X


def fit_distributed_lag(
    adjusted: Array, outcome: int, terms: Sequence[LagTerm], focus: int
) -> DLFit | None:
    """Regress column ``outcome`` on the lagged ``terms`` with AR(1) errors; return the
    coefficient of ``terms[focus]`` with a 95 % interval, or None when too few days remain."""
    y = adjusted[:, outcome]
    term = terms[focus]
    keep = np.isfinite(y) & np.isfinite(_shift(adjusted[:, term.column], term.lag))
    rows = np.flatnonzero(keep)
    t = rows.astype(float)
    n = len(t)
    k = len(terms) + 1
    if n < max(MIN_DAYS, 3 * k):
        return None
    X = _design(adjusted, rows, terms)
    if np.std(X[:, focus + 1]) == 0:
        return None
    yy = y[keep]
    phi = _phi_fgls(yy, X, t)
    fit, s2, Xt = _gls(yy, X, t, phi)
    try:
        cov = s2 * n / (n - k) * fit.inverse_gram(Xt)
    except np.linalg.LinAlgError:
        return None
    effect = float(fit.beta[focus + 1])
    se = float(np.sqrt(max(cov[focus + 1, focus + 1], 0.0)))
    if not np.isfinite(se) or se == 0:
        return None
    q = float(special.stdtrit(n - k - 1, 0.975))
    return DLFit(effect, se, effect - q * se, effect + q * se, n, phi, len(terms))


def _lag1(resid: Array, t: Array) -> float:
    """Lag-1 autocorrelation of residuals from consecutive observed days only."""
    nxt = np.diff(t) == 1
    a, b = resid[:-1][nxt], resid[1:][nxt]
    if len(a) < 3:
        return 0.0
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return 0.0 if denom == 0 else float(np.clip((a * b).sum() / denom, -0.98, 0.98))


def _gls(y: Array, X: Array, t: Array, phi: float) -> tuple[LeastSquares, float, Array]:
    """The regression after the gap-aware Prais-Winsten transform (ar1._transform) at ``phi``:
    (the fit, its residual variance, the transformed X)."""
    yt, Xt, _ = _transform(y, X, t, phi)
    fit = least_squares(Xt, yt)
    resid = yt - Xt @ fit.beta
    return fit, float(resid @ resid) / len(y), Xt


def _phi_fgls(y: Array, X: Array, t: Array) -> float:
    """AR(1) coefficient by iterated feasible GLS (Cochrane-Orcutt with the gap-aware
    Prais-Winsten transform of ar1.py): three regressions instead of a likelihood search, which
    matters with 20 hits on a 10-year diary. The estimate is corrected for its small-sample bias
    towards zero, (1 + 3 phi) / n (Marriott & Pope 1954), as ar1.fit_effect does for its
    intervals, so the interval is not too narrow."""
    n = len(y)
    beta = least_squares(X, y).beta
    phi = _lag1(y - X @ beta, t)
    for _ in range(2):
        beta = _gls(y, X, t, phi)[0].beta
        phi = _lag1(y - X @ beta, t)
    return float(np.clip(phi + (1 + 3 * phi) / n, -0.98, 0.98))
