"""How long an experiment must run, from the person's own diary: their day-to-day variability
and autocorrelation, the share of days they actually score, and the share of planned doses
they actually take; designs that cannot answer are refused (analysis-methods.md 4.1-4.2).

Sizing with ideal data (every day scored, every dose taken) promises power a real diary does
not deliver: missed days shrink the effective sample, missed doses shrink the difference between
periods (the analysis compares periods as planned). Both are taken as this person has shown
them, and the advice says which figures it used.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

from flarewise.analysis.adequacy import MIN_EFFECTIVE, period_effective
from flarewise.analysis.ar1 import ar1_phi
from flarewise.analysis.grid import Array
from flarewise.errors import InvalidInput

MIN_BASELINE_DAYS = 14
MIN_BLOCKS_RANDOMISATION = 6  # below 6 pairs min p = 2/2^k > 0.05
MIN_BLOCKS_MODEL = 3
MAX_BLOCKS = 12
#: Assumed when the diary shows no record of taking something as planned: the adherence the
#: issue's realistic diaries model, well below the ideal 100 %.
DEFAULT_ADHERENCE = 0.8
#: The planned effective days per condition exceed the adequacy rule's 20 by this factor, so
#: that a trial run as planned meets the rule despite chance in which days go missing.
EFFECTIVE_MARGIN = 1.3
TARGET_POWER = 0.8
#: Period lengths offered when the chosen one cannot answer within MAX_BLOCKS.
LONGER_PERIODS = (21, 28, 42)
#: Standard errors added to the baseline's autocorrelation when sizing (see ``advise``).
PHI_SE_MARGIN = 0.5


@dataclass(frozen=True)
class DesignAdvice:
    blocks: int
    days: int
    sd: float
    phi: float
    power: float  # for the meaningful change, with this person's missing days and doses
    reason: str
    missing: float = 0.0  # share of days without a score in the baseline
    adherence: float = 1.0  # share of planned doses taken, as used for the sizing
    adherence_source: str = "assumed"  # where that figure comes from, in words
    effective_per_condition: float = 0.0  # expected AR(1) effective days per condition

    @property
    def assumptions(self) -> str:
        """The sentence that says the trial was sized for the diary as it is."""
        return (
            f"Sized for your diary as it is: you scored this outcome on {1 - self.missing:.0%} "
            f"of recent days, and {self.adherence:.0%} of planned doses are expected to be "
            f"taken ({self.adherence_source}). Missed days and doses make a trial need more "
            "periods; logging more often makes it shorter."
        )


def block_power(k: int, sd_diff: float, change: float) -> float:
    """Power of a two-sided paired t-test over k block differences at alpha 0.05."""
    df = k - 1
    nc = change / (sd_diff / np.sqrt(k))
    crit = stats.t.ppf(0.975, df)
    return float(1 - stats.nct.cdf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def model_power(effective: float, sd: float, change: float) -> float:
    """Power of the primary AR(1) comparison at alpha 0.05: the standard error of a difference
    of two condition means is sd * sqrt(2 / effective days per condition)."""
    if effective <= 0:
        return 0.0
    z = abs(change) / (sd * np.sqrt(2.0 / effective))
    crit = float(stats.norm.ppf(0.975))
    return float(stats.norm.cdf(z - crit) + stats.norm.cdf(-z - crit))


def missing_share(baseline: Array) -> float:
    """Share of days without a score, counted from the first scored day (days before the
    diary began are not 'missed')."""
    ok = np.isfinite(baseline)
    if not ok.any():
        return 1.0
    span = baseline[int(np.argmax(ok)) :]
    return float(1.0 - np.isfinite(span).mean())


def advise(
    baseline: Array,
    meaningful: float,
    period_days: int,
    washout_days: int,
    *,
    randomisation_test: bool = True,
    adherence: float | None = None,
    adherence_source: str | None = None,
) -> DesignAdvice:
    """Blocks needed for 80 % power to detect ``meaningful`` and for the adequacy rule to be
    met, given the baseline's day-to-day SD, its autocorrelation (bias-corrected), the share of
    days this person leaves unscored and the share of planned doses they take."""
    y = baseline[np.isfinite(baseline)]
    if y.size < MIN_BASELINE_DAYS:
        raise InvalidInput(
            "baseline",
            f"only {y.size} days of this outcome are logged; log it daily for at least "
            f"{MIN_BASELINE_DAYS} days first, so flarewise can size the experiment",
        )
    sd = float(np.std(y, ddof=1)) or 0.5
    raw_phi = max(0.0, ar1_phi(baseline))
    # bias-corrected (Marriott & Pope 1954), then half a standard error up: a short baseline
    # underestimates phi, and an underestimate sizes the trial too small to answer
    phi = raw_phi + (1 + 3 * raw_phi) / y.size
    phi = float(min(phi + PHI_SE_MARGIN * np.sqrt(max(1 - phi * phi, 0.0) / y.size), 0.95))
    missing = missing_share(baseline)
    if adherence is None:
        adherence, source = DEFAULT_ADHERENCE, "assumed: no earlier record of planned doses"
    else:
        source = adherence_source or "from your diary"
    adherence = float(np.clip(adherence, 0.05, 1.0))
    change = adherence * meaningful
    floor = MIN_BLOCKS_RANDOMISATION if randomisation_test else MIN_BLOCKS_MODEL
    found = _blocks(sd, phi, missing, change, period_days - washout_days, floor)
    if found is not None:
        k, eff, power = found
        why = (
            "6 pairs is the least a randomisation test can use"
            if k == floor and randomisation_test
            else "80% power for your chosen change with your missed days and doses"
        )
        return DesignAdvice(
            k, k * 2 * period_days, sd, phi, power, why, missing, adherence, source, eff
        )
    longer = next(
        (
            (days, hit[0])
            for days in LONGER_PERIODS
            if days > period_days
            and (hit := _blocks(sd, phi, missing, change, days - washout_days, floor))
        ),
        None,
    )
    way_out = (
        f"{longer[0]}-day periods would do ({longer[1]} blocks, {2 * longer[0] * longer[1]} "
        "days), or log more days"
        if longer
        else "choose a larger change, or log more days"
    )
    most = MAX_BLOCKS * period_effective(period_days - washout_days, missing, phi)
    if model_power(most, sd, change) >= TARGET_POWER:
        # power is within reach: what cannot be reached is enough independent days
        raise InvalidInput(
            "period_days",
            f"your scores change slowly from day to day (day-to-day correlation about "
            f"{phi:.2f}), so even {MAX_BLOCKS} blocks of {period_days}-day periods, with "
            f"{missing:.0%} of days unscored, would be worth only about {most:.0f} independent "
            f"days with and without it; a trial needs {MIN_EFFECTIVE:.0f} of each, planned with "
            f"a margin ({MIN_EFFECTIVE * EFFECTIVE_MARGIN:.0f}); {way_out}",
        )
    raise InvalidInput(
        "meaningful_change",
        f"a change of {meaningful:g} points is too small to detect against your day-to-day "
        f"variation (SD {sd:.1f}) within {MAX_BLOCKS} blocks of {period_days}-day periods, "
        f"with {missing:.0%} of days unscored and {adherence:.0%} of doses taken; {way_out}",
    )


def _blocks(
    sd: float, phi: float, missing: float, change: float, compared_days: int, floor: int
) -> tuple[int, float, float] | None:
    """The fewest blocks (from ``floor``) meeting the power target and the planned effective
    days, with their effective days per condition and power; None beyond MAX_BLOCKS."""
    per_period = period_effective(compared_days, missing, phi)
    for k in range(max(2, floor), MAX_BLOCKS + 1):
        eff = k * per_period
        power = model_power(eff, sd, change)
        if power >= TARGET_POWER and eff >= MIN_EFFECTIVE * EFFECTIVE_MARGIN:
            return k, eff, power
    return None


def random_order(blocks: int, seed: int) -> tuple[Literal["AB", "BA"], ...]:
    rng = random.Random(seed)
    return tuple("AB" if rng.random() < 0.5 else "BA" for _ in range(blocks))
