"""Simulated diaries and experiments with known truth, for validating the statistics."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from flarewise.analysis.nof1 import EXCLUDED


def ar1(n: int, phi: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    e = np.zeros(n)
    e[0] = rng.normal(0, sd / np.sqrt(1 - phi * phi))
    for t in range(1, n):
        e[t] = phi * e[t - 1] + rng.normal(0, sd)
    return e


def randomised_trial(
    rng: np.random.Generator,
    *,
    blocks: int = 6,
    period: int = 14,
    washout: int = 3,
    effect: float = -0.8,
    phi: float = 0.6,
    missing: float = 0.08,
) -> tuple[np.ndarray, ...]:
    """Daily pain for randomised AB/BA block pairs (analysis-methods.md 1.4's simulation)."""
    arm, per, blk = [], [], []
    for b in range(blocks):
        order = (0, 1) if rng.random() < 0.5 else (1, 0)
        for j, a in enumerate(order):
            for d in range(period):
                arm.append(EXCLUDED if d < washout else a)
                per.append(2 * b + j)
                blk.append(b)
    arm_a = np.array(arm, float)
    on = np.zeros(len(arm_a))
    # the supplement acts during its whole period (washout days are only masked in analysis)
    for i, (p, a) in enumerate(zip(per, arm, strict=True)):
        start = per.index(p)
        on[i] = float(arm[start + washout] == 1) if a == EXCLUDED else float(a == 1)
    y = 5.0 + ar1(len(arm_a), phi, 1.0, rng) + effect * on
    y[rng.random(len(y)) < missing] = np.nan
    return y, arm_a, np.array(per, float), np.array(blk, float)


WEEKLY = np.array([0.0, 0.0, 0.0, 0.0, 0.2, 0.5, 0.3])  # Monday .. Sunday: a weekend pattern


def realistic_experiment(
    rng: np.random.Generator,
    *,
    effect: float,
    missing: float = 0.2,
    adherence: float = 0.8,
    carryover: int = 3,
    phi: float = 0.5,
    sd: float = 0.8,
    meaningful: float = 1.0,
    baseline_days: int = 60,
) -> tuple[Any, Any, float, Any] | None:
    """A person's diary through a randomised experiment designed by flarewise from their own
    baseline, as real diaries look (issue 12): daily pain 0-10 integers from an AR(1) latent
    state with a weekly cycle and a slow trend; ``missing`` of days unscored (baseline and
    trial); each planned dose taken with probability ``adherence``; a dose acts over the day
    and the next ``carryover`` days with linearly falling weights (wash-in and carry-over).

    Returns (protocol, grid, truth, design advice) with truth the effect of following the
    schedule as done, ``effect * adherence`` (exact while carry-over fits in the washout), or
    None when the design step refuses (the change cannot be detected within 12 blocks).
    """
    from flarewise.analysis.grid import DailyGrid
    from flarewise.domain.experiments import DoseLevel, Protocol
    from flarewise.errors import InvalidInput
    from flarewise.experiments import advise, planned_schedule, random_order

    start = date(2025, 3, 3) + timedelta(days=int(rng.integers(0, 7)))
    first = start - timedelta(days=baseline_days)

    def pain(n: int, offset: int, shift: np.ndarray) -> np.ndarray:
        t = np.arange(n) + offset
        weekday = np.array([(first + timedelta(days=int(i))).weekday() for i in t])
        v = 5.0 + latent[t] + WEEKLY[weekday] + slope * t + shift
        v = np.clip(np.round(v), 0, 10)
        v[rng.random(n) < missing] = np.nan
        return v

    slope = rng.normal(0, 0.3 / 100)
    latent = ar1(baseline_days + 12 * 28 + 7, phi, sd, rng)
    base = pain(baseline_days, 0, np.zeros(baseline_days))
    try:
        advice = advise(base, meaningful, 14, 3, adherence=adherence, adherence_source="simulated")
    except InvalidInput:
        return None
    protocol = Protocol(
        title="magnesium and pain",
        design="randomised_blocks",
        intervention="magnesium",
        substance="magnesium",
        outcome="pain",
        meaningful_change=meaningful,
        start=start,
        order=random_order(advice.blocks, int(rng.integers(0, 2**31))),
        dose=DoseLevel(amount=200, unit="mg", days=14),
        status="finished",
    )
    days = planned_schedule(protocol)
    n = len(days)
    planned_on = np.array([1.0 if d.dose is not None else 0.0 for d in days])
    taken = planned_on * (rng.random(n) < adherence)
    weights = np.arange(carryover + 1, 0, -1, dtype=float)
    action = np.convolve(taken, weights / weights.sum())[:n]
    trial = pain(n, baseline_days, effect * action)
    values = np.column_stack(
        [np.concatenate([base, trial]), np.concatenate([np.zeros(baseline_days), taken])]
    )
    grid = DailyGrid(first, ("symptom:pain", "intake:magnesium"), values)
    return protocol, grid, effect * adherence, advice
