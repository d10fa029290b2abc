"""n-of-1 effect estimation (analysis-methods.md 1.2-1.5, 4.1-4.2).

Primary: a regression on the calendar-day grid with AR(1) errors, washout and run-in days masked.
Alongside it: per-period means with the paired-block analysis, and the exact randomisation p-value
when the order was randomised. Never a t-test on raw daily values.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import stats

from flarewise.analysis.ar1 import AR1Fit, fit_effect
from flarewise.analysis.grid import Array

#: Day labels: the control condition, the intervention, and days not compared (run-in, washout).
CONTROL, TREATED, EXCLUDED = 0, 1, -1


@dataclass(frozen=True)
class PeriodMean:
    period: int
    block: int
    arm: str  # "A" (control) or "B" (intervention)
    mean: float | None
    days_used: int
    days_planned: int


@dataclass(frozen=True)
class PairedBlocks:
    diffs: tuple[float, ...]  # B - A per complete block
    mean: float
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


def block_means(y: Array, arm: Array, period: Array, block: Array) -> list[PeriodMean]:
    out = []
    for p in sorted({int(v) for v in period if v >= 0}):
        in_period = period == p
        used = in_period & (arm != EXCLUDED)
        vals = y[used]
        finite = vals[np.isfinite(vals)]
        arms = arm[used]
        label = "B" if arms.size and arms[0] == TREATED else "A"
        out.append(
            PeriodMean(
                p,
                int(block[in_period][0]),
                label,
                float(finite.mean()) if finite.size else None,
                int(finite.size),
                int(used.sum()),
            )
        )
    return out


def paired_blocks(periods: list[PeriodMean], min_days: int = 1) -> PairedBlocks | None:
    by_block: dict[int, dict[str, float]] = {}
    for pm in periods:
        if pm.mean is not None and pm.days_used >= min_days:
            by_block.setdefault(pm.block, {})[pm.arm] = pm.mean
    diffs = [v["B"] - v["A"] for v in by_block.values() if "A" in v and "B" in v]
    if len(diffs) < 2:
        return None
    d = np.asarray(diffs)
    mean = float(d.mean())
    half = float(stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)))
    return PairedBlocks(tuple(diffs), mean, mean - half, mean + half)


def randomisation_p(diffs: tuple[float, ...]) -> tuple[float, float]:
    """Exact two-sided p over every assignment of AB/BA orders (sign flips of the block
    differences); also the smallest p the design can give (2 / 2^k)."""
    d = np.asarray(diffs)
    k = len(d)
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=k)))
    means = np.abs(signs @ d) / k
    observed = abs(d.mean())
    p = float(np.mean(means >= observed - 1e-12))
    return p, 2.0 / 2**k


def improvement_probabilities(
    fit: AR1Fit, meaningful: float, lower_is_better: bool
) -> tuple[float, float]:
    """P(any improvement) and P(improvement >= meaningful change) from the estimate and its
    standard error (normal approximation, i.e. a flat prior)."""
    sign = -1.0 if lower_is_better else 1.0
    gain = sign * fit.effect
    if fit.se <= 0:
        return float(gain > 0), float(gain >= meaningful)
    any_ = float(stats.norm.cdf(gain / fit.se))
    big = float(stats.norm.cdf((gain - meaningful) / fit.se))
    return any_, big


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
    periods = block_means(y, arm, period, block)
    paired = paired_blocks(periods)
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
    p_any = p_big = None
    if primary is not None:
        p_any, p_big = improvement_probabilities(primary, meaningful, lower_is_better)
    rp = minp = None
    if randomised and paired is not None:
        rp, minp = randomisation_p(paired.diffs)
        if minp > 0.05:
            notes.append(
                f"With {len(paired.diffs)} complete blocks the randomisation test cannot "
                f"reach p < 0.05 (its smallest possible p is {minp:.3f})."
            )
    trend = None
    idx = np.flatnonzero(np.isfinite(masked))
    if idx.size >= 10:
        slope = np.polyfit(idx.astype(float), masked[idx], 1)[0]
        trend = float(slope * 30)
        if abs(trend) >= 0.5:
            notes.append(
                f"The outcome drifted by {trend:+.1f} points per 30 days regardless of "
                "phase; an AB design cannot separate that from the intervention."
            )
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
    )
