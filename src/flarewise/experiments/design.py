"""How long an experiment must run, from the person's own baseline variability and the change
that matters to them; designs that cannot answer are refused (analysis-methods.md 4.1-4.2)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from flarewise.analysis.ar1 import ar1_phi
from flarewise.analysis.grid import Array
from flarewise.errors import InvalidInput

MIN_BASELINE_DAYS = 14
MIN_BLOCKS_RANDOMISATION = 6  # below 6 pairs min p = 2/2^k > 0.05
MIN_BLOCKS_MODEL = 3
MAX_BLOCKS = 12


@dataclass(frozen=True)
class DesignAdvice:
    blocks: int
    days: int
    sd: float
    phi: float
    power: float
    reason: str


def block_power(k: int, sd_diff: float, change: float) -> float:
    """Power of a two-sided paired t-test over k block differences at alpha 0.05."""
    df = k - 1
    nc = change / (sd_diff / np.sqrt(k))
    crit = stats.t.ppf(0.975, df)
    return float(1 - stats.nct.cdf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def advise(
    baseline: Array,
    meaningful: float,
    period_days: int,
    washout_days: int,
    *,
    randomisation_test: bool = True,
) -> DesignAdvice:
    """Blocks needed for 80% power to detect ``meaningful`` given the baseline's day-to-day SD
    and autocorrelation (the variance of a period mean grows by (1 + phi) / (1 - phi))."""
    y = baseline[np.isfinite(baseline)]
    if y.size < MIN_BASELINE_DAYS:
        raise InvalidInput(
            "baseline",
            f"only {y.size} days of this outcome are logged; log it daily for at least "
            f"{MIN_BASELINE_DAYS} days first, so flarewise can size the experiment",
        )
    sd = float(np.std(y, ddof=1)) or 0.5
    phi = max(0.0, ar1_phi(baseline))
    m = period_days - washout_days
    var_mean = sd * sd / m * (1 + phi) / (1 - phi)
    sd_diff = float(np.sqrt(2 * var_mean))
    floor = MIN_BLOCKS_RANDOMISATION if randomisation_test else MIN_BLOCKS_MODEL
    for k in range(max(2, floor), MAX_BLOCKS + 1):
        power = block_power(k, sd_diff, meaningful)
        if power >= 0.8:
            why = (
                "6 pairs is the least a randomisation test can use"
                if k == floor and randomisation_test
                else "80% power for your chosen change"
            )
            return DesignAdvice(k, k * 2 * period_days, sd, phi, power, why)
    raise InvalidInput(
        "meaningful_change",
        f"a change of {meaningful:g} points is too small to detect against your day-to-day "
        f"variation (SD {sd:.1f}) within {MAX_BLOCKS} blocks; choose a larger change or "
        "longer periods",
    )


def random_order(blocks: int, seed: int) -> tuple[Literal["AB", "BA"], ...]:
    rng = random.Random(seed)
    return tuple("AB" if rng.random() < 0.5 else "BA" for _ in range(blocks))
