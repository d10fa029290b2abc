"""The demo person's model: what is planted, with which size. docs/demo-model.md explains it.

Everything a later analysis should find (or should not find) is a constant here, so tests can
compare what flarewise reports with the truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

#: Default first day and length of the demo diary (12 months).
DEFAULT_START = date(2025, 1, 1)
DEFAULT_DAYS = 365
DEFAULT_SEED = 2025
TIMEZONE = "Europe/London"  # has daylight-saving changes on 2025-03-30 and 2025-10-26


@dataclass(frozen=True)
class Flare:
    start: date
    days: int
    trigger: str  # "infection", "stressful_event" or "none"

    @property
    def end(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class DemoTruth:
    """The planted effects. Units are points on the 0-10 symptom scales unless stated."""

    start: date
    days: int
    seed: int
    baseline_pain: float = 4.8
    #: pain change per hour of sleep above 7 h, sleep keyed by wake date (the night before the
    #: day, i.e. "short sleep last night -> more pain today"): lag 0 on the wake-date grid.
    sleep_to_pain: float = -0.6
    sleep_to_fatigue: float = -0.5
    #: hours of next night's sleep per pain point above 5 (the reverse direction, lag 1).
    pain_to_next_sleep: float = -0.15
    #: true effect of magnesium glycinate 200 mg elemental at night on pain, after a 14-day ramp.
    magnesium_effect: float = -0.6
    magnesium_start_offset: int = 150
    magnesium_adherence: float = 0.88
    #: vitamin D: corrected a low level; no effect on pain is planted (honest: none shown in FM).
    vitamin_d_effect: float = 0.0
    #: wheat (gluten grains) provokes gut symptoms and some pain on the day eaten and the next.
    wheat_to_gi: float = 2.2
    wheat_to_pain: float = 0.6
    #: dairy provokes nothing (its reintroduction must not be called a reaction).
    dairy_effect: float = 0.0
    elimination_start_offset: int = 200
    elimination_days: int = 28
    dairy_challenge_offset: int = 228
    wheat_challenge_offset: int = 236
    flare_pain: float = 2.5
    flare_fatigue: float = 2.0
    menstruation_pain: float = 0.6
    seasonal_amplitude: float = 0.6  # worst in mid-January
    ar1_phi: float = 0.5
    ar1_sd: float = 0.7
    flares: tuple[Flare, ...] = field(default=())
    #: a FIQR every this many days from day ``fiqr_first_offset``, answered from the week's
    #: latent levels (so its total follows the flares and the magnesium effect).
    fiqr_first_offset: int = 6
    fiqr_every_days: int = 28
    #: the ACR 2016 self-check, done once at the January work-up.
    acr2016_offset: int = 21
    #: the magnesium start as a finished AB experiment: A = the days before day 150 (none
    #: taken), B = this many days from day 150 (taken as logged), then finished.
    magnesium_trial_days: int = 42
    #: she does the morning check-in every day of the three weeks before magnesium, the AB
    #: experiment's A phase (the before phase needs 14 scored days).
    diligent_days_before_magnesium: int = 21
    #: a running randomised-blocks experiment that started this many days before the last day:
    #: CoQ10 for fatigue, taken on B days only, with no planted effect.
    running_trial_substance: str = "coq10"
    running_trial_outcome: str = "fatigue"
    running_trial_days_before_end: int = 24
    running_trial_blocks: int = 6
    running_trial_period_days: int = 7
    running_trial_washout_days: int = 2
    running_trial_dose_mg: float = 200
    running_trial_adherence: float = 0.9

    def day(self, offset: int) -> date:
        return self.start + timedelta(days=offset)

    @property
    def magnesium_start(self) -> date:
        return self.day(self.magnesium_start_offset)

    def diligent(self, offset: int) -> bool:
        """Whether day ``offset`` is in the every-day check-ins before magnesium."""
        mg = self.magnesium_start_offset
        return mg - self.diligent_days_before_magnesium <= offset < mg

    @property
    def last_day(self) -> date:
        return self.day(self.days - 1)

    @property
    def running_trial_start(self) -> date:
        return self.day(self.days - self.running_trial_days_before_end)

    @property
    def elimination_start(self) -> date:
        return self.day(self.elimination_start_offset)

    @property
    def dairy_challenge(self) -> date:
        return self.day(self.dairy_challenge_offset)

    @property
    def wheat_challenge(self) -> date:
        return self.day(self.wheat_challenge_offset)


#: The model's year. A longer demo repeats the yearly events (infections, the stressful event and
#: the flares) every YEAR days; one-off events (magnesium, the elimination diet) stay in year one.
YEAR = 365

#: The first year's flares as (offset, days, trigger).
FIRST_YEAR_FLARES = (
    (40, 6, "infection"),  # influenza on day 37
    (120, 7, "stressful_event"),  # stressful event on day 118
    (262, 5, "none"),
    (320, 9, "infection"),  # COVID-19 on day 316
)


def yearly(offset: int, days: int) -> list[int]:
    """``offset`` in the first year and again every :data:`YEAR` days inside ``days``."""
    return [
        offset + YEAR * k
        for k in range(max(1, -(-days // YEAR)))
        if k == 0 or offset + YEAR * k < days
    ]


def default_flares(start: date, days: int = DEFAULT_DAYS) -> tuple[Flare, ...]:
    flares = (
        Flare(start + timedelta(days=at), length, trigger)
        for offset, length, trigger in FIRST_YEAR_FLARES
        for at in yearly(offset, days)
    )
    return tuple(sorted(flares, key=lambda f: f.start))


def years_ending(years: int, last: date) -> tuple[date, int]:
    """(start, days) of ``years`` calendar years of diary ending on ``last`` (29 February has no
    anniversary in a common year: the span then starts on 1 March)."""
    if years < 1:
        raise ValueError("the demo needs at least 1 year")
    try:
        anniversary = last.replace(year=last.year - years)
    except ValueError:  # 29 February
        anniversary = date(last.year - years, 2, 28)
    start = anniversary + timedelta(days=1)
    return start, (last - start).days + 1
