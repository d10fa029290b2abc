"""Is there enough to answer? The rule for a randomised n-of-1 trial counts what the estimate
needs, not a quota per period (analysis-methods.md 4.2):

- at least 3 block pairs with scored days both with and without the intervention, and
- an AR(1) effective sample of at least 20 scored compared days per condition.

A thin period (fewer than 4 scored days) is named and weighs less; it never voids the trial.
When the rule is not met, the way out is computed, not guessed: the fewest further logged days,
in schedule order, that would meet it (which periods, how many days), or, when the plan itself
cannot meet it any more, how many block pairs to add.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flarewise.analysis.grid import Array
from flarewise.analysis.nof1 import CONTROL, EXCLUDED, TREATED, effective_days

MIN_PAIRS = 3  # fewer: type I error of the AR(1) model 13 % (analysis-methods.md 1.4)
WARN_PAIRS = 6  # fewer: a randomisation test cannot reach p < 0.05 (min p = 2/2^k)
MIN_EFFECTIVE = 20.0  # AR(1) effective scored days per condition (analysis-methods.md 4.2)
THIN_PERIOD = 4  # a period with fewer scored days is named and down-weighted


@dataclass(frozen=True)
class PeriodNeed:
    period: int  # 0-based period index of the schedule
    arm: int  # CONTROL or TREATED
    days: int  # further logged (scored) days needed in it


@dataclass(frozen=True)
class Adequacy:
    enough: bool
    pairs: int  # block pairs with scored days in both periods
    effective_control: float
    effective_treated: float
    thin_periods: tuple[tuple[int, int], ...]  # (period, scored days) for 0 < scored < THIN
    empty_periods: tuple[int, ...]  # finished periods without one scored compared day
    plan: tuple[PeriodNeed, ...]  # the way out inside the planned schedule, in order
    extra_pairs: int  # block pairs to add when the planned schedule cannot reach the rule
    few_pairs: bool  # answerable, but fewer than WARN_PAIRS pairs

    @property
    def more_days(self) -> int:
        return sum(n.days for n in self.plan)


def _state(
    scored: Array, arm: Array, period: Array, block: Array, phi: float
) -> tuple[int, float, float]:
    days = np.arange(len(scored), dtype=float)
    ok = scored & (arm != EXCLUDED) & (period >= 0)
    eff_c = effective_days(days[ok & (arm == CONTROL)], phi)
    eff_t = effective_days(days[ok & (arm == TREATED)], phi)
    both = {int(b) for b in block[ok & (arm == CONTROL)]} & {
        int(b) for b in block[ok & (arm == TREATED)]
    }
    return len(both), eff_c, eff_t


def _met(pairs: int, eff_c: float, eff_t: float) -> bool:
    return pairs >= MIN_PAIRS and eff_c >= MIN_EFFECTIVE and eff_t >= MIN_EFFECTIVE


def period_effective(m: int, missing: float, phi: float) -> float:
    """Expected effective days of a period of ``m`` compared days when each day is scored with
    probability 1 - ``missing`` (gaps between scored days are geometric)."""
    q = float(np.clip(missing, 0.0, 0.95))
    scored = m * (1 - q)
    if scored <= 0:
        return 0.0
    g = np.arange(1, 120, dtype=float)
    pg = (1 - q) * q ** (g - 1)
    rho = float(np.clip(phi, 0.0, 0.98)) ** g
    per_gap = float(np.sum(pg * (1 - rho) / (1 + rho)))
    return float(min(scored, 1.0) + max(scored - 1.0, 0.0) * per_gap)


def assess(
    y: Array,
    arm: Array,
    period: Array,
    block: Array,
    phi: float,
    *,
    future_arm: Array | None = None,
    future_period: Array | None = None,
    future_block: Array | None = None,
    has_fit: bool = True,
) -> Adequacy:
    """The rule on the days so far (``y`` NaN where not scored), and the way out through the
    planned days still to come (``future_*``, in schedule order; empty when finished)."""
    scored = np.isfinite(y)
    pairs, eff_c, eff_t = _state(scored, arm, period, block, phi)
    counts: dict[int, int] = {}
    for p in sorted({int(v) for v in period[(period >= 0) & (arm != EXCLUDED)]}):
        counts[p] = int((scored & (period == p) & (arm != EXCLUDED)).sum())
    running = future_period is not None and len(future_period) > 0
    last = max(counts) if counts else -1
    # the period under way is neither thin nor empty yet: it can still get scores
    done = {p: n for p, n in counts.items() if not (running and p == last)}
    thin = tuple((p, n) for p, n in done.items() if 0 < n < THIN_PERIOD)
    empty = tuple(p for p, n in done.items() if n == 0)
    enough = has_fit and _met(pairs, eff_c, eff_t)
    plan: list[PeriodNeed] = []
    extra = 0
    if not enough:
        fa = np.zeros(0) if future_arm is None else future_arm
        fp = np.zeros(0) if future_period is None else future_period
        fb = np.zeros(0) if future_block is None else future_block
        all_scored = np.concatenate([scored, np.zeros(len(fa), bool)])
        all_arm = np.concatenate([arm, fa])
        all_period = np.concatenate([period, fp])
        all_block = np.concatenate([block, fb])
        need: dict[tuple[int, int], int] = {}
        reached = False
        for i in range(len(arm), len(all_arm)):
            if all_arm[i] == EXCLUDED or all_period[i] < 0:
                continue
            all_scored[i] = True
            key = (int(all_period[i]), int(all_arm[i]))
            need[key] = need.get(key, 0) + 1
            s = _state(all_scored, all_arm, all_period, all_block, phi)
            if _met(*s):
                reached = True
                break
        plan = [PeriodNeed(p, a, n) for (p, a), n in need.items()]
        if not reached:
            pairs_end, c_end, t_end = _state(all_scored, all_arm, all_period, all_block, phi)
            extra = _extra_pairs(pairs_end, c_end, t_end, arm, period, scored, phi)
    return Adequacy(
        enough,
        pairs,
        eff_c,
        eff_t,
        thin,
        empty,
        tuple(plan),
        extra,
        enough and pairs < WARN_PAIRS,
    )


def _extra_pairs(
    pairs: int,
    eff_c: float,
    eff_t: float,
    arm: Array,
    period: Array,
    scored: Array,
    phi: float,
) -> int:
    """Block pairs to add after the plan, at the share of days this person has scored so far."""
    compared = (arm != EXCLUDED) & (period >= 0)
    n_periods = max(len({int(p) for p in period[compared]}), 1)
    m = max(round(float(compared.sum()) / n_periods), 1)
    share = float(scored[compared].mean()) if compared.any() else 0.8
    per_period = max(period_effective(m, 1 - max(share, 0.05), phi), 0.5)
    deficit = max(MIN_EFFECTIVE - eff_c, MIN_EFFECTIVE - eff_t, 0.0)
    return max(int(np.ceil(deficit / per_period)), MIN_PAIRS - pairs, 0)
