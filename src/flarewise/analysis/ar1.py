"""AR(1) tools on the calendar grid: the autocorrelation of a series with gaps, pre-whitening,
and a regression with AR(1) errors (state-space MLE, missing days handled by the Kalman filter).
analysis-methods.md 1.4 and 2.2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from flarewise.analysis.brent import minimize_bounded
from flarewise.analysis.grid import Array


def ar1_phi(y: Array) -> float:
    """Lag-1 autocorrelation from complete consecutive pairs only (gaps never bridged)."""
    a, b = y[:-1], y[1:]
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3:
        return 0.0
    a, b = a[ok], b[ok]
    a = a - a.mean()
    b = b - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    if denom == 0:
        return 0.0
    return float(np.clip((a * b).sum() / denom, -0.99, 0.99))


def prewhiten(values: Array) -> tuple[Array, Array]:
    """Residuals e_t = (y_t - m) - phi (y_{t-1} - m) for every column; NaN wherever today or
    yesterday is missing. Returns (residuals with one fewer row, phi per column)."""
    days, k = values.shape
    out = np.full((days - 1, k), np.nan)
    phis = np.zeros(k)
    for j in range(k):
        y = values[:, j]
        phi = ar1_phi(y)
        phis[j] = phi
        m = np.nanmean(y) if np.isfinite(y).any() else 0.0
        out[:, j] = (y[1:] - m) - phi * (y[:-1] - m)
    return out, phis


@dataclass(frozen=True)
class AR1Fit:
    effect: float
    se: float
    ci_low: float
    ci_high: float
    phi: float
    n: int  # days that informed the fit
    method: str = "regression with AR(1) errors, exact Gaussian ML on the calendar grid"


def _transform(y: Array, X: Array, t: Array, phi: float) -> tuple[Array, Array, Array]:
    """Prais-Winsten with gaps: between observed days g apart, the AR(1) error is
    e_i = phi^g e_{i-1} + u_i with var(u_i) = s2 (1 - phi^(2g)) / (1 - phi^2); dividing by that
    scale makes the rows independent with common variance s2 / (1 - phi^2)."""
    g = np.diff(t)
    rho = phi**g
    scale = np.sqrt(1.0 - rho * rho)
    yt = np.empty_like(y)
    Xt = np.empty_like(X)
    yt[0], Xt[0] = y[0], X[0]
    yt[1:] = (y[1:] - rho * y[:-1]) / scale
    # in place (the same operations, no n x k temporaries): called three times per trigger
    rest = Xt[1:]
    np.multiply(X[:-1], rho[:, None], out=rest)
    np.subtract(X[1:], rest, out=rest)
    np.divide(rest, scale[:, None], out=rest)
    log_scale = np.concatenate([[0.0], np.log(scale)])
    return yt, Xt, log_scale


def _profile(y: Array, X: Array, t: Array, phi: float) -> tuple[float, Array, float, Array]:
    yt, Xt, log_scale = _transform(y, X, t, phi)
    beta, *_ = np.linalg.lstsq(Xt, yt, rcond=None)
    resid = yt - Xt @ beta
    n = len(y)
    s2 = float(resid @ resid) / n
    loglik = -0.5 * n * float(np.log(max(s2, 1e-300))) - float(log_scale.sum())
    return loglik, np.asarray(beta, dtype=float), s2, Xt


def fit_effect(y: Array, x: Array, *, trend: bool = False) -> AR1Fit:
    """The coefficient of ``x`` in y = c + b x (+ slope t) + AR(1) error, with a 95% CI.

    Exact maximum likelihood on the calendar grid: days where y is NaN (missing, or masked
    washout) are left out and the error correlation across the gap is phi^gap, never as if the
    days were neighbours. Agrees with statsmodels' SARIMAX state-space fit (tests check it) at
    a hundredth of its cost. The interval uses a t quantile, a little wider than the normal one,
    because phi is estimated (ITS simulations find AR-model intervals too narrow otherwise).
    """
    x = np.nan_to_num(np.asarray(x, dtype=float), nan=0.0)
    y = np.asarray(y, dtype=float)
    t = np.flatnonzero(np.isfinite(y)).astype(float)
    yy = y[np.isfinite(y)]
    cols = [np.ones_like(t), x[t.astype(int)]]
    if trend:
        cols.append(t - t.mean())
    X = np.column_stack(cols)
    n, k = X.shape
    if n <= k + 2:
        raise ValueError("too few observed days to fit an AR(1) model")
    phi_ml = float(minimize_bounded(lambda ph: -_profile(yy, X, t, ph)[0], -0.98, 0.98, 1e-5))
    # The ML estimate of phi is biased towards zero in short series by about (1 + 3 phi) / n
    # (Marriott & Pope 1954), which makes intervals too narrow; the standard error uses the
    # corrected phi. The point estimate of the effect stays the ML one.
    phi = float(np.clip(phi_ml + (1 + 3 * phi_ml) / n, -0.98, 0.98))
    _, beta_ml, _, _ = _profile(yy, X, t, phi_ml)
    _, beta, s2, Xt = _profile(yy, X, t, phi)
    beta = beta_ml
    cov = s2 * n / (n - k) * np.linalg.inv(Xt.T @ Xt)
    effect, se = float(beta[1]), float(np.sqrt(cov[1, 1]))
    q = float(special.stdtrit(n - k - 1, 0.975))  # stats.t.ppf, without its import
    return AR1Fit(effect, se, effect - q * se, effect + q * se, phi_ml, n)
