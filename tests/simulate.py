"""Simulated diaries and experiments with known truth, for validating the statistics."""

from __future__ import annotations

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
