"""n-of-1 effect estimation (analysis-methods.md 1.2-1.5, 4.1-4.2).

Primary: a regression on the calendar-day grid with AR(1) errors, washout and run-in days masked.
Alongside it: per-period means with the paired-block analysis, and the exact randomisation test
when the order was randomised. Never a t-test on raw daily values.

Periods with few scored days are kept and weigh less (each period's weight is its AR(1)
effective number of days); a period with no scored day at all simply has nothing to add. A
thin period never voids the trial: the adequacy rule (``analysis/adequacy.py``) counts what the
estimate needs instead.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import special

from flarewise.analysis.ar1 import AR1Fit, fit_effect
from flarewise.analysis.grid import Array

#: Day labels: the control condition, the intervention, and days not compared (run-in, washout).
CONTROL, TREATED, EXCLUDED = 0, 1, -1
#: The autocorrelation assumed for effective days before the trial can estimate its own
#: (fewer than 8 scored days): a typical value for daily pain (analysis-methods.md 1.4 uses 0.6).
DEFAULT_PHI = 0.5


@dataclass(frozen=True)
class PeriodMean:
    period: int
    block: int
    arm: str  # "A" (control) or "B" (intervention)
    mean: float | None
    days_used: int  # scored compared days
    days_planned: int  # compared days that have happened (washout excluded)
    effective: float = 0.0  # AR(1) effective number of independent days among days_used


@dataclass(frozen=True)
class PairedBlocks:
    diffs: tuple[float, ...]  # B - A per block pair with scored days in both periods
    weights: tuple[float, ...]  # precision of each difference (effective days), sums to 1
    mean: float  # weighted mean difference
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Nof1Analysis:
    primary: AR1Fit | None
    periods: tuple[PeriodMean, ...]
    paired: PairedBlocks | None
    randomisation_p: float | None
    min_possible_p: float | None
    p_any_improvement: float | None
    p_meaningful_improvement: float | None
    days_compared: int
    days_missing: int
    trend_per_30_days: float | None
    notes: tuple[str, ...]
    phi: float = DEFAULT_PHI  # autocorrelation used for effective days (bias-corrected, >= 0)
    effective_control: float = 0.0  # AR(1) effective days without the intervention
    effective_treated: float = 0.0  # ... and with it
    meaningful: float = 1.0  # the meaningful change in points, as used for the probabilities


def effective_days(t: Array, phi: float) -> float:
    """How many independent days a set of scored days is worth for estimating a mean, when
    day-to-day values follow an AR(1) with autocorrelation ``phi``.

    For observed days t_1 < ... < t_m the exact value is 1' R^-1 1 with R_ij = phi^|t_i - t_j|;
    by the Markov property of the AR(1) it is 1 + sum over consecutive pairs of
    (1 - rho) / (1 + rho), rho = phi^gap. Consecutive days at phi 0.6 add 0.25 each, days a
    week apart nearly 1: scattered days carry more information than a run of neighbours.
    """
    t = np.sort(np.asarray(t, dtype=float))
    if t.size == 0:
        return 0.0
    phi = float(np.clip(phi, 0.0, 0.98))
    rho = phi ** np.diff(t)
    return float(1.0 + np.sum((1.0 - rho) / (1.0 + rho)))


def corrected_phi(fit: AR1Fit | None) -> float:
    """The autocorrelation used for effective days: the fit's, corrected for its small-sample
    bias towards zero as the fit's standard error is (Marriott & Pope 1954), never below 0."""
    if fit is None:
        return DEFAULT_PHI
    phi = fit.phi + (1 + 3 * fit.phi) / max(fit.n, 1)
    return float(np.clip(phi, 0.0, 0.98))


def block_means(
    y: Array, arm: Array, period: Array, block: Array, phi: float = DEFAULT_PHI
) -> list[PeriodMean]:
    out = []
    days = np.arange(len(y), dtype=float)
    for p in sorted({int(v) for v in period if v >= 0}):
        in_period = period == p
        used = in_period & (arm != EXCLUDED)
        scored = used & np.isfinite(y)
        arms = arm[used]
        label = "B" if arms.size and arms[0] == TREATED else "A"
        n = int(scored.sum())
        out.append(
            PeriodMean(
                p,
                int(block[in_period][0]),
                label,
                float(y[scored].mean()) if n else None,
                n,
                int(used.sum()),
                effective_days(days[scored], phi),
            )
        )
    return out


def paired_blocks(periods: list[PeriodMean], min_days: int = 1) -> PairedBlocks | None:
    """Per block pair, B - A of the period means, weighted by precision: a difference's
    variance is about s2 (1/eff_A + 1/eff_B), so a pair with a thin period counts less. The
    interval is a t interval on the weighted mean (k - 1 degrees of freedom) with the
    between-pair spread estimated from the data, so it stays valid if the weights are off."""
    by_block: dict[int, dict[str, PeriodMean]] = {}
    for pm in periods:
        if pm.mean is not None and pm.days_used >= min_days:
            by_block.setdefault(pm.block, {})[pm.arm] = pm
    pairs = [v for _, v in sorted(by_block.items()) if "A" in v and "B" in v]
    if len(pairs) < 2:
        return None
    d = np.array([float(v["B"].mean or 0.0) - float(v["A"].mean or 0.0) for v in pairs])
    # a scored day is worth at least one independent day (also when no weight was computed)
    w = np.array(
        [1.0 / (1.0 / max(v["A"].effective, 1.0) + 1.0 / max(v["B"].effective, 1.0)) for v in pairs]
    )
    w = w / w.sum()
    k = len(d)
    mean = float(w @ d)
    var = float(k / (k - 1) * np.sum(w * w * (d - mean) ** 2))
    half = float(special.stdtrit(k - 1, 0.975) * np.sqrt(var))
    return PairedBlocks(tuple(d.tolist()), tuple(w.tolist()), mean, mean - half, mean + half)


def randomisation_p(
    diffs: tuple[float, ...], weights: tuple[float, ...] | None = None
) -> tuple[float, float]:
    """Exact two-sided p over every assignment of AB/BA orders (sign flips of the block
    differences; the statistic is their weighted mean, weights fixed by which days were
    scored, not by the order); also the smallest p the design can give (2 / 2^k)."""
    d = np.asarray(diffs, dtype=float)
    k = len(d)
    w = np.full(k, 1.0 / k) if weights is None else np.asarray(weights, dtype=float)
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=k)))
    means = np.abs(signs @ (w * d))
    observed = abs(float(w @ d))
    p = float(np.mean(means >= observed - 1e-12))
    return p, 2.0 / 2**k


def improvement_probabilities(
    fit: AR1Fit, meaningful: float, lower_is_better: bool
) -> tuple[float, float]:
    """P(any improvement) and P(improvement >= meaningful change), from the estimate and its
    standard error with the same t distribution as the 95 % interval (flat prior), so the two
    never disagree: the interval lies wholly on the side of improvement exactly when
    P(any improvement) > 97.5 %."""
    sign = -1.0 if lower_is_better else 1.0
    gain = sign * fit.effect
    if fit.se <= 0:
        return float(gain > 0), float(gain >= meaningful)
    df = _df(fit)
    any_ = float(special.stdtr(df, gain / fit.se))
    big = float(special.stdtr(df, (gain - meaningful) / fit.se))
    return any_, big


def _df(fit: AR1Fit) -> int:
    """Degrees of freedom of the interval in ``fit_effect`` (n - k - 1 with k = 2)."""
    return max(fit.n - 3, 1)


def analyze(
    y: Array,
    arm: Array,
    period: Array,
    block: Array,
    *,
    randomised: bool,
    meaningful: float,
    lower_is_better: bool = True,
) -> Nof1Analysis:
    """Analyse a schedule laid on the calendar grid (arrays of equal length, one per day)."""
    compared = (arm != EXCLUDED) & (period >= 0)
    masked = np.where(compared, y, np.nan)
    days_compared = int(np.isfinite(masked).sum())
    days_missing = int((compared & ~np.isfinite(y)).sum())
    notes: list[str] = []
    primary = None
    has_both = bool(
        np.isfinite(masked[arm == CONTROL]).any() and np.isfinite(masked[arm == TREATED]).any()
    )
    if has_both and days_compared >= 8:
        x = (arm == TREATED).astype(float)
        first = int(np.argmax(compared))
        last = len(y) - int(np.argmax(compared[::-1]))
        primary = fit_effect(masked[first:last], x[first:last])
    phi = corrected_phi(primary)
    periods = block_means(y, arm, period, block, phi)
    paired = paired_blocks(periods)
    days = np.arange(len(y), dtype=float)
    eff_c = effective_days(days[np.isfinite(masked) & (arm == CONTROL)], phi)
    eff_t = effective_days(days[np.isfinite(masked) & (arm == TREATED)], phi)
    p_any = p_big = None
    if primary is not None:
        p_any, p_big = improvement_probabilities(primary, meaningful, lower_is_better)
    rp = minp = None
    if randomised and paired is not None:
        rp, minp = randomisation_p(paired.diffs, paired.weights)
    trend = None
    idx = np.flatnonzero(np.isfinite(masked))
    if idx.size >= 10:
        slope = np.polyfit(idx.astype(float), masked[idx], 1)[0]
        trend = float(slope * 30)
    return Nof1Analysis(
        primary,
        tuple(periods),
        paired,
        rp,
        minp,
        p_any,
        p_big,
        days_compared,
        days_missing,
        trend,
        tuple(notes),
        phi,
        eff_c,
        eff_t,
        meaningful,
    )
