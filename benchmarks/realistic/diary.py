"""Write one simulated diary into a real journal through the public API, and keep its truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from flarewise import Journal

from .entries import TRACKABLES, render
from .life import Life, Planted, simulate

#: The three planted effects of issue 12 (lags 0, 1 and 2; 0.5-1 point), each on a factor that
#: occurs at most once a day, so "per unit of the exposure" and "on days with it" agree.
#: The alcohol one is deliberately a weekday-patterned factor (the Friday drink).
THREE_EFFECTS = (
    Planted("food_group:sugary_foods", "fatigue", 0, 0.8),
    Planted("food_group:eggs", "gi_symptoms", 1, 0.8),
    Planted("food_group:alcohol_drinks", "pain", 2, 1.0),
)

#: The reverse effect planted in every diary: pain lowers steps the same day and the next.
REVERSE = ("metric:steps", "symptom:pain")


@dataclass(frozen=True)
class Diary:
    """A written diary: its seed, span, the life behind it and how many entries it holds."""

    seed: int
    start: date
    end: date
    life: Life
    entries: int
    factors: int  # distinct measures other than symptoms the diary produced

    @property
    def planted(self) -> tuple[Planted, ...]:
        return self.life.planted


def draw_life(
    seed: int,
    start: date,
    days: int,
    *,
    missing: float | None = None,
    planted: tuple[Planted, ...] = (),
) -> tuple[np.random.Generator, Life]:
    """The life a seed draws (and the generator, to draw what is logged from it next)."""
    rng = np.random.default_rng(seed)
    share = float(rng.uniform(0.15, 0.25)) if missing is None else missing
    female = bool(rng.random() < 0.85)
    return rng, simulate(rng, start, days, missing=share, planted=planted, female=female)


def write_diary(
    journal: Journal,
    seed: int,
    *,
    days: int = 730,
    missing: float | None = None,
    planted: tuple[Planted, ...] = (),
    end: date | None = None,
) -> Diary:
    """Simulate ``days`` days ending yesterday (or ``end``) and add them to ``journal``.

    ``missing`` is the share of unlogged days; by default it is drawn between 15 and 25 %."""
    end = end or journal.today() - timedelta(days=1)
    start = end - timedelta(days=days - 1)
    rng, life = draw_life(seed, start, days, missing=missing, planted=planted)
    known = {t.id for t in journal.trackables()}
    for t in TRACKABLES:
        if t.id not in known:
            journal.define_trackable(t)
    entries: list[Any] = render(life, rng)
    journal.add_many(entries)
    summaries = journal.daily_summaries(start, end)
    names = {m for s in summaries for m in s.measures}
    factors = len({m for m in names if not m.startswith("symptom:")})
    return Diary(seed, start, end, life, len(entries), factors)
