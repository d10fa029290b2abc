"""The daily calendar grid: one row per local date, one column per measure, missing days kept
missing (NaN). Lags and autocorrelation are only meaningful on this grid (analysis-methods.md
2.2, step 1)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from flarewise.analysis.measure_kinds import Daily, measure_kind
from flarewise.domain.summaries import DaySummary, MeasureStats

Array = NDArray[np.float64]


@dataclass(frozen=True)
class DailyGrid:
    start: date
    names: tuple[str, ...]
    values: Array  # shape (days, len(names)), NaN = not observed

    @property
    def days(self) -> int:
        return int(self.values.shape[0])

    def column(self, name: str) -> Array:
        return self.values[:, self.names.index(name)]

    def date_of(self, row: int) -> date:
        return self.start + timedelta(days=row)

    def row_of(self, day: date) -> int:
        return (day - self.start).days


def _family(measure: str) -> str:
    return measure.split(":", 1)[0]


# MeasureStats is (n, total, mean, minimum, maximum): the field each daily statistic reads
# ("any" reads n, then becomes 1 or 0).
_FIELD: dict[Daily, int] = {"sum": 1, "mean": 2, "max": 4, "any": 0}


def _value(stats: MeasureStats, daily: Daily) -> float:
    if daily == "sum":
        return stats.total
    if daily == "mean":
        return stats.mean
    if daily == "max":
        return stats.maximum
    return 1.0 if stats.n > 0 else 0.0


def daily_value(
    measure: str, s: DaySummary, daily: Mapping[str, Daily] | None = None
) -> float | None:
    """The day's value of ``measure`` as its kind reads it (analysis/measure_kinds.py: steps and
    minutes summed, heart rate and scores averaged, foods and events as yes/no)."""
    stats = s.measures.get(measure)
    if stats is None:
        return None
    return _value(stats, measure_kind(measure, daily).daily)


def build_grid(
    summaries: Iterable[DaySummary],
    start: date,
    end: date,
    measures: Sequence[str] | None = None,
    daily: Mapping[str, Daily] | None = None,
) -> DailyGrid:
    """A grid over ``[start, end]``. A count-like measure is 0 on days its kind says absence
    means none (no wheat at a logged meal; no walk on a day with diary entries) and NaN on the
    other days; scores and device readings are NaN when not logged. ``daily`` overrides the
    daily statistic per measure (a device metric or custom trackable's own rule)."""
    by_day = {s.day: s for s in summaries if start <= s.day <= end}
    if measures is None:
        measures = sorted({m for s in by_day.values() for m in s.measures})
    n = (end - start).days + 1
    k = len(measures)
    column = {m: j for j, m in enumerate(measures)}
    kinds = [measure_kind(m, daily) for m in measures]
    stat = [kd.daily for kd in kinds]
    families = sorted({_family(m) for m in measures})
    family_index = {f: i for i, f in enumerate(families)}
    family_of = np.array([family_index[_family(m)] for m in measures], dtype=int)
    field = [_FIELD[st] for st in stat]
    spot = {m: (j, field[j]) for m, j in column.items()}  # measure -> (column, tuple field)
    values = np.full((n, k), np.nan)
    logged = np.zeros(n, dtype=bool)  # any diary entry that day
    family_logged = np.zeros((n, len(families)), dtype=bool)
    # The loop is the grid's only per-value Python work, so it does the least it can: one dict
    # lookup and one tuple index per value (a ten-year diary has 160,000). Yes/no columns and
    # which families were logged each day are derived from the filled grid afterwards.
    for day, s in by_day.items():
        row = (day - start).days
        if s.measures:
            logged[row] = True
        for m, stats in s.measures.items():
            pos = spot.get(m)
            if pos is not None:
                values[row, pos[0]] = stats[pos[1]]
            elif (f := family_index.get(_family(m), -1)) >= 0:
                family_logged[row, f] = True  # a measure of the family outside the columns
    present = ~np.isnan(values)
    for f in range(len(families)):
        family_logged[:, f] |= present[:, family_of == f].any(axis=1)
    presence = np.array([st == "any" for st in stat], dtype=bool)
    if presence.any():
        counts = values[:, presence]
        values[:, presence] = np.where(np.isnan(counts), np.nan, (counts > 0).astype(float))
    zero_diary = np.array([kd.zero_when == "diary" for kd in kinds], dtype=bool)
    zero_family = np.array([kd.zero_when == "family" for kd in kinds], dtype=bool)
    zero = (zero_diary[None, :] & logged[:, None]) | (
        zero_family[None, :] & family_logged[:, family_of]
    )
    values[np.isnan(values) & zero] = 0.0
    return DailyGrid(start, tuple(measures), values)
