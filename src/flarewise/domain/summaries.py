"""Daily summaries: per local date, per measure, the count, sum, mean, min and max.

Measures are named ``family:item`` (``symptom:pain``, ``dose:magnesium``, ``activity:walking``);
docs/journal.md lists every family and which statistic is meaningful for it (mean for symptom
scores, sum for minutes and doses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


class MeasureStats(NamedTuple):
    """A tuple rather than a dataclass: a year of a heavy diary has ~30,000 of them."""

    n: int
    total: float
    mean: float
    minimum: float
    maximum: float


@dataclass(frozen=True)
class DaySummary:
    day: date
    entries: int
    measures: dict[str, MeasureStats] = field(default_factory=dict)

    def mean(self, measure: str) -> float | None:
        stats = self.measures.get(measure)
        return None if stats is None else stats.mean

    def total(self, measure: str) -> float | None:
        stats = self.measures.get(measure)
        return None if stats is None else stats.total
