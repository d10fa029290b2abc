"""The daily calendar grid: one row per local date, one column per measure, missing days kept
missing (NaN). Lags and autocorrelation are only meaningful on this grid (analysis-methods.md
2.2, step 1)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from flarewise.domain.summaries import DaySummary

#: Families whose absence on a day with a diary means "none" (0), not "unknown".
COUNT_FAMILIES = frozenset(
    {
        "intake",
        "dose",
        "skipped",
        "activity",
        "exercise",
        "mindbody",
        "food",
        "food_group",
        "therapy",
        "event",
    }
)
#: Families read as the daily mean; the others as the daily total.
MEAN_FAMILIES = frozenset({"symptom", "sleep_quality", "lab", "metric", "custom", "body"})

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


def daily_value(measure: str, s: DaySummary) -> float | None:
    stats = s.measures.get(measure)
    if stats is None:
        return None
    family = _family(measure)
    if family in MEAN_FAMILIES or measure in ("sleep:quality", "sleep:awakenings"):
        return stats.mean
    return stats.total


def build_grid(
    summaries: Iterable[DaySummary], start: date, end: date, measures: Sequence[str] | None = None
) -> DailyGrid:
    """A grid over ``[start, end]``. A count-like measure is 0 on days its family was logged
    without it (no wheat at a logged meal) and NaN on days with no entry of that family."""
    by_day = {s.day: s for s in summaries if start <= s.day <= end}
    if measures is None:
        measures = sorted({m for s in by_day.values() for m in s.measures})
    n = (end - start).days + 1
    values = np.full((n, len(measures)), np.nan)
    for day, s in by_day.items():
        row = (day - start).days
        families = {_family(m) for m in s.measures}
        for j, m in enumerate(measures):
            v = daily_value(m, s)
            if v is not None:
                values[row, j] = v
            elif _family(m) in COUNT_FAMILIES and _family(m) in families:
                values[row, j] = 0.0
    return DailyGrid(start, tuple(measures), values)
