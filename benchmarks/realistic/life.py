"""One person's daily life, day by day, as numbers: what happened, before anything is logged.

Written from the description of real diaries in issue 12, not from flarewise's analysis code, so
that it can validate that code independently. A working person with fibromyalgia:

- weekday habits: work on weekdays (commute, work stress, early alarm), a Friday drink, weekend
  lie-ins and a long weekend walk, a Wednesday swim, fish on Fridays, melatonin on Sunday nights;
- seasonal factors (daylight, outdoor temperature, winter vitamin D and infections, summer
  gardening) and trending ones (body weight, omega-3 started part-way, a slowly rising baseline);
- sparse binary foods (eggs, sweets, beans...), as meals that name foods;
- holidays (two weeks off, travel) and runs of unlogged days (a bad week) besides single gaps;
- symptoms 0-10: a latent AR(1) state per symptom plus a shared one, a weekly cycle, a season and
  a slow trend, rounded and clipped at 0 and 10 like a person's integer ratings;
- a reverse effect: pain lowers the steps walked the same day and the next (a consequence, not a
  trigger);
- optional planted effects: a factor raises a symptom ``lag`` days later by ``size`` points.

Everything is drawn from one ``numpy.random.Generator`` so a seed reproduces a diary exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

Array = np.ndarray

#: The food groups of the foods this person eats (from flarewise's foods.yaml, the public
#: vocabulary), so the truth of a ``food_group:`` exposure is known without asking the library.
FOOD_GROUPS: dict[str, tuple[str, ...]] = {
    "oats": ("grains", "whole_grains"),
    "milk": ("dairy", "high_fodmap"),
    "oat_milk": ("grains",),
    "berries": ("fruit",),
    "banana": ("fruit",),
    "apple": ("fruit", "high_fodmap"),
    "wholemeal_bread": ("gluten_grains", "grains", "whole_grains", "high_fodmap"),
    "butter": ("dairy",),
    "egg": ("eggs",),
    "yoghurt": ("dairy",),
    "cheese": ("dairy",),
    "chicken": ("poultry",),
    "salmon": ("fish", "oily_fish"),
    "white_fish": ("fish",),
    "tomato": ("vegetables", "nightshades"),
    "leafy_greens": ("vegetables",),
    "lentils": ("legumes", "high_fodmap"),
    "carrots": ("vegetables",),
    "onion": ("vegetables", "high_fodmap"),
    "pasta": ("gluten_grains", "grains", "refined_grains", "high_fodmap"),
    "beef": ("red_meat",),
    "rice": ("grains",),
    "broccoli": ("vegetables",),
    "potato": ("vegetables", "nightshades"),
    "beans": ("legumes", "high_fodmap"),
    "peppers": ("vegetables", "nightshades"),
    "sausage": ("processed_meat", "red_meat"),
    "tofu": ("legumes", "soy"),
    "ready_meal": ("ultra_processed",),
    "coffee": ("caffeine_drinks",),
    "tea": ("caffeine_drinks",),
    "wine": ("alcohol_drinks",),
    "beer": ("alcohol_drinks", "gluten_grains"),
    "chocolate": ("sugary_foods",),
    "soft_drink": ("sugary_foods", "ultra_processed"),
    "crisps": ("ultra_processed", "nightshades"),
    "almonds": ("nuts_seeds",),
}

BREAKFASTS = (("oats", "milk", "berries"), ("wholemeal_bread", "butter"), ("yoghurt", "banana"))
WORK_LUNCHES = (
    ("wholemeal_bread", "cheese", "tomato"),
    ("wholemeal_bread", "chicken", "leafy_greens"),
    ("lentils", "carrots", "onion"),
    ("leafy_greens", "salmon", "tomato"),
)
DINNERS = (
    ("pasta", "tomato", "beef"),
    ("rice", "chicken", "broccoli"),
    ("salmon", "potato", "leafy_greens"),
    ("beans", "rice", "peppers"),
    ("sausage", "potato", "onion"),
    ("tofu", "rice", "peppers", "broccoli"),
    ("ready_meal",),
)

#: Symptoms rated in the evening check-in: (id, mean, weekly cycle Mon..Sun, seasonal amplitude,
#: trend per year). Mood is rated with 10 = best, so its weekly cycle rises at the weekend.
SYMPTOMS: tuple[tuple[str, float, tuple[float, ...], float, float], ...] = (
    ("pain", 5.0, (0.5, 0.3, 0.1, 0.0, -0.1, -0.4, -0.4), 0.4, 0.25),
    ("fatigue", 5.5, (0.0, 0.2, 0.3, 0.4, 0.6, -0.6, -0.9), 0.3, 0.1),
    ("stiffness", 4.5, (0.3, 0.2, 0.0, 0.0, 0.0, -0.2, -0.3), 0.5, 0.0),
    ("gi_symptoms", 3.0, (0.2, 0.0, 0.0, 0.0, 0.1, 0.0, -0.3), 0.0, 0.0),
    ("fibro_fog", 4.0, (0.1, 0.2, 0.2, 0.3, 0.4, -0.5, -0.7), 0.2, 0.15),
    ("headache", 2.5, (0.4, 0.1, 0.0, 0.0, -0.2, 0.1, -0.4), 0.0, 0.0),
    ("mood", 5.5, (-0.5, -0.3, -0.1, 0.0, 0.4, 0.7, 0.3), 0.5, -0.1),
)


#: Diary studies of fibromyalgia see weekday swings of a few tenths of a point; the cycles above
#: are the shape, this is their size (peak to trough 0.3-0.75 points).
WEEKLY_SCALE = 0.5


@dataclass(frozen=True)
class Planted:
    """A true effect: ``size`` points on ``symptom`` per unit of ``factor`` (a measure id of the
    journal, e.g. ``food_group:eggs``), ``lag`` days after it."""

    factor: str
    symptom: str
    lag: int
    size: float


@dataclass
class Life:
    """What happened each day (index 0 = ``start``), and what the person logged."""

    start: date
    days: int
    dow: Array  # 0 = Monday
    workday: Array  # bool
    holiday: Array  # bool
    logged: Array  # bool: the person used the diary that day
    wearing: Array  # bool: the phone/watch counted steps that day
    meals: list[list[tuple[str, int, tuple[str, ...]]]]  # per day: (meal, hour, foods)
    symptoms: dict[str, Array]  # integer ratings 0-10 (what the person would have entered)
    latent_pain: Array
    bed_minutes: Array  # minutes after the previous day's midnight
    wake_minutes: Array  # minutes after this day's midnight
    asleep_minutes: Array
    sleep_quality: Array
    awakenings: Array
    steps: Array
    walking_minutes: Array
    numbers: dict[str, Array]  # daily values of numeric factors (NaN = not that day)
    events: dict[str, Array]  # bool per event id
    intakes: dict[str, Array]  # bool per substance: a dose taken
    sessions: dict[str, Array]  # minutes per activity / practice / therapy (0 = none)
    planted: tuple[Planted, ...] = ()
    missing_share: float = 0.0
    exposures: dict[str, Array] = field(default_factory=dict)

    def day(self, i: int) -> date:
        return self.start + timedelta(days=i)


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> Array:
    """A stationary AR(1) series with marginal SD ``sd``."""
    e = rng.normal(0.0, sd * np.sqrt(1 - phi * phi), n)
    x = np.empty(n)
    x[0] = rng.normal(0.0, sd)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


def missing_days(rng: np.random.Generator, n: int, share: float) -> Array:
    """Unlogged days: about a third in runs (a bad week, a holiday away from the app: 3-10 days),
    the rest scattered single days, together about ``share`` of the days."""
    gone = np.zeros(n, bool)
    run_share = share * 0.4
    while gone.mean() < run_share:
        length = int(rng.integers(3, 11))
        at = int(rng.integers(0, max(1, n - length)))
        gone[at : at + length] = True
    scatter = (share - gone.mean()) / max(1e-9, 1 - gone.mean())
    gone |= rng.random(n) < max(0.0, scatter)
    return gone


def _holidays(rng: np.random.Generator, start: date, n: int) -> Array:
    """Two weeks off in summer and one at New Year, plus a few long weekends."""
    off = np.zeros(n, bool)
    for i in range(n):
        d = start + timedelta(days=i)
        if (d.month == 12 and d.day >= 24) or (d.month == 1 and d.day <= 1):
            off[i] = True
    for year in range(start.year, start.year + n // 365 + 2):
        first = date(year, 7, 1) + timedelta(days=int(rng.integers(0, 45)))
        for k in range(14):
            i = (first - start).days + k
            if 0 <= i < n:
                off[i] = True
    return off


def simulate(
    rng: np.random.Generator,
    start: date,
    days: int,
    *,
    missing: float = 0.2,
    planted: tuple[Planted, ...] = (),
    female: bool = True,
) -> Life:
    """Draw ``days`` days of one person's life from ``start``."""
    n = days
    idx = np.arange(n)
    dates = [start + timedelta(days=int(i)) for i in idx]
    dow = np.array([d.weekday() for d in dates])
    doy = np.array([d.timetuple().tm_yday for d in dates])
    years = idx / 365.25
    winter = np.cos(2 * np.pi * (doy - 15) / 365.25)  # +1 mid-January, -1 mid-July
    holiday = _holidays(rng, start, n)
    workday = (dow < 5) & ~holiday
    logged = ~missing_days(rng, n, missing)
    wearing = rng.random(n) > 0.04

    # --- food, as meals with foods -------------------------------------------------------
    meals: list[list[tuple[str, int, tuple[str, ...]]]] = []
    for i in range(n):
        w = int(dow[i])
        weekend = w >= 5 or holiday[i]
        day: list[tuple[str, int, tuple[str, ...]]] = []
        if rng.random() < (0.55 if weekend else 0.12):
            day.append(("breakfast", 9 if weekend else 7, ("egg", "wholemeal_bread")))
        else:
            day.append(("breakfast", 9 if weekend else 7, BREAKFASTS[rng.integers(3)]))
        if rng.random() < (0.95 if workday[i] else 0.7):
            day.append(("drink", 8 if not weekend else 10, ("coffee",)))
        if rng.random() < 0.5:
            day.append(("drink", 15, ("tea",)))
        lunch = WORK_LUNCHES[rng.integers(4)] if workday[i] else DINNERS[rng.integers(6)]
        day.append(("lunch", 13, lunch))
        if w == 4 and rng.random() < 0.6:
            dinner: tuple[str, ...] = ("white_fish", "potato")
        elif w == 3 and rng.random() < 0.35:
            dinner = ("ready_meal",)
        else:
            dinner = DINNERS[rng.integers(7)]
        day.append(("dinner", 19, dinner))
        if rng.random() < (0.45 if weekend else 0.3):
            day.append(("snack", 16, ("chocolate",) if rng.random() < 0.7 else ("soft_drink",)))
        if rng.random() < 0.12:
            day.append(("snack", 21, ("crisps",)))
        if rng.random() < 0.25:
            day.append(("snack", 11, ("almonds", "apple")))
        p_drink = {4: 0.7, 5: 0.45}.get(w, 0.06) + (0.3 if holiday[i] else 0.0)
        if rng.random() < p_drink:
            day.append(("drink", 20, ("wine",) if rng.random() < 0.6 else ("beer",)))
        meals.append(day)

    # --- events, intakes, sessions (what happened) ----------------------------------------
    events: dict[str, Array] = {}
    cycle = np.zeros(n, bool)
    if female:
        d0 = int(rng.integers(0, 28))
        while d0 < n:
            cycle[d0 : d0 + 5] = True
            d0 += int(rng.integers(26, 31))
    events["menstruation"] = cycle
    infection = np.zeros(n, bool)
    for i in range(n):
        if not infection[max(0, i - 1)] and rng.random() < 0.006 * (1 + winter[i]):
            infection[i : i + int(rng.integers(4, 9))] = True
    events["infection"] = infection & np.r_[True, ~infection[:-1]]  # logged on the first day
    events["stressful_event"] = rng.random(n) < 0.03 + 0.02 * (dow == 0)
    events["weather_change"] = rng.random(n) < 0.04 * (1 + 0.5 * winter)
    events["medical_appointment"] = (rng.random(n) < 0.04) & workday
    events["travel"] = holiday & np.r_[True, ~holiday[:-1]]
    events["overexertion"] = rng.random(n) < 0.02 + 0.04 * (dow == 5)
    events["poor_night"] = rng.random(n) < 0.05

    intakes: dict[str, Array] = {
        "magnesium": rng.random(n) < 0.85,
        "vitamin_d": (rng.random(n) < 0.85) & (winter > 0.0),  # October to March
        "omega_3": (idx > n * (0.3 + 0.3 * rng.random())) & (rng.random(n) < 0.8),  # started
        "paracetamol": rng.random(n) < 0.07,
        "melatonin": (dow == 6) & (rng.random(n) < 0.6),
        "ibuprofen": rng.random(n) < 0.04,
    }

    summer = np.clip(-winter, 0, None)
    sessions: dict[str, Array] = {
        "swimming": np.where((dow == 2) & (rng.random(n) < 0.7) & ~holiday, 45.0, 0.0),
        "yoga": np.where((dow == 1) & (rng.random(n) < 0.6), 60.0, 0.0),
        "gardening": np.where(
            (dow >= 5) & (rng.random(n) < 0.6 * summer), rng.integers(30, 120, n), 0.0
        ),
        "housework": np.where((dow == 5) & (rng.random(n) < 0.8), rng.integers(30, 90, n), 0.0),
        "meditation": np.where(rng.random(n) < 0.35, 10.0, 0.0),
        "breathing": np.where(rng.random(n) < 0.1, 5.0, 0.0),
        "physiotherapy": np.where(
            (dow == 3) & (idx % 14 < 7) & (idx < n * 0.5) & (rng.random(n) < 0.9), 45.0, 0.0
        ),
        "massage": np.where(rng.random(n) < 1 / 30, 60.0, 0.0),
    }
    weekend_walk = np.where(
        (dow >= 5) & (rng.random(n) < 0.5 + 0.3 * summer), rng.integers(40, 100, n), 0
    )
    walking = np.where(workday, 20, 0) + weekend_walk + np.where(rng.random(n) < 0.2, 20, 0)

    # --- numeric factors (custom trackables and device measurements) ----------------------
    weather = ar1(rng, n, 0.8, 8.0)
    numbers: dict[str, Array] = {
        "custom:work_stress": np.where(
            workday,
            np.clip(
                np.round(5 + np.array([1.0, 0.5, 0, 0, -1.0, 0, 0])[dow] + ar1(rng, n, 0.5, 1.5)),
                0,
                10,
            ),
            np.nan,
        ),
        "custom:screen_time": np.round(
            np.clip(3 + 2.0 * (dow >= 5) + ar1(rng, n, 0.4, 1.0), 0.5, 12), 1
        ),
        "custom:outdoor_temp": np.round(11 - 8 * winter + ar1(rng, n, 0.7, 3.0), 1),
        "custom:pressure": np.round(1013 + weather, 1),
        "custom:social_hours": np.round(
            np.clip(np.where(dow >= 4, 3.0, 0.8) + rng.normal(0, 1, n), 0, 10), 1
        ),
        "custom:commute_minutes": np.where(workday, np.round(40 + rng.normal(0, 8, n)), np.nan),
        "custom:daylight_hours": np.round(12.2 - 4.3 * winter, 2),
        "custom:water_glasses": np.clip(np.round(6 + ar1(rng, n, 0.3, 1.5)), 0, 20),
        "metric:resting_heart_rate": np.round(64 + 2.0 * years + ar1(rng, n, 0.6, 2.5)),
        "metric:hrv_sdnn": np.round(np.clip(45 - 4 * (dow == 5) + ar1(rng, n, 0.5, 8), 10, 150)),
        "metric:body_mass": np.where(
            dow == 0, np.round(68 + 1.5 * years + ar1(rng, n, 0.95, 0.6), 1), np.nan
        ),
        "metric:caffeine": np.where(workday, 190.0, 95.0) + rng.normal(0, 20, n).round(),
    }

    # --- sleep: bedtimes and alarms -------------------------------------------------------
    tomorrow_work = np.r_[workday[1:], True]
    night_before_work = np.r_[True, tomorrow_work[:-1]]  # the night that ends on day i
    bed = np.where(night_before_work, 23 * 60 + 5, 24 * 60 + 20) + rng.normal(0, 30, n)
    wake = np.where(workday, 6 * 60 + 45 + rng.normal(0, 10, n), 8 * 60 + 40 + rng.normal(0, 45, n))
    bed = np.minimum(bed, 24 * 60 + wake - 240)
    latency = rng.gamma(2.0, 12.0, n)
    awakenings = rng.poisson(1.5 + 1.5 * events["poor_night"])
    asleep = (24 * 60 - bed) + wake - latency - awakenings * rng.gamma(2.0, 8.0, n)
    in_bed = (24 * 60 - bed) + wake
    asleep = np.clip(asleep - 90 * events["poor_night"], np.minimum(120, in_bed - 30), in_bed - 5)
    quality = np.clip(np.round(5 + (asleep / 60 - 7) * 1.2 + rng.normal(0, 1.2, n)), 0, 10)

    # --- symptoms --------------------------------------------------------------------------
    shared = ar1(rng, n, 0.7, 0.9)
    latent: dict[str, Array] = {}
    for sid, mean, weekly, season, trend in SYMPTOMS:
        own = ar1(rng, n, 0.6, 1.1)
        sign = -1.0 if sid == "mood" else 1.0
        latent[sid] = (
            mean
            + WEEKLY_SCALE * np.asarray(weekly)[dow]
            + season * winter
            + trend * years
            + sign * shared
            + own
            + 1.5 * infection * (sid in ("pain", "fatigue"))
        )
    exposures = _exposures(meals, events, intakes, sessions, numbers, n)
    for p in planted:
        x = exposures[p.factor]
        shifted = np.r_[np.zeros(p.lag), x[: n - p.lag]] if p.lag else x
        latent[p.symptom] = latent[p.symptom] + p.size * shifted
    symptoms = {sid: np.clip(np.round(v), 0, 10) for sid, v in latent.items()}

    # --- steps, with the reverse effect: pain today and yesterday lowers them ---------------
    pain_dev = latent["pain"] - latent["pain"].mean()
    steps = (
        np.where(workday, 7000, 4500)
        + 1500 * summer
        + 110 * weekend_walk
        + 100 * (walking - weekend_walk)
        + ar1(rng, n, 0.3, 1200)
        - 450 * pain_dev
        - 300 * np.r_[0.0, pain_dev[:-1]]
    )
    steps = np.clip(np.round(steps), 300, None)

    life = Life(
        start=start,
        days=n,
        dow=dow,
        workday=workday,
        holiday=holiday,
        logged=logged,
        wearing=wearing,
        meals=meals,
        symptoms=symptoms,
        latent_pain=latent["pain"],
        bed_minutes=bed,
        wake_minutes=wake,
        asleep_minutes=asleep,
        sleep_quality=quality,
        awakenings=awakenings,
        steps=steps,
        walking_minutes=walking.astype(float),
        numbers=numbers,
        events=events,
        intakes=intakes,
        sessions=sessions,
        planted=planted,
        missing_share=float(1 - logged.mean()),
        exposures=exposures,
    )
    return life


def _exposures(
    meals: list[list[tuple[str, int, tuple[str, ...]]]],
    events: dict[str, Array],
    intakes: dict[str, Array],
    sessions: dict[str, Array],
    numbers: dict[str, Array],
    n: int,
) -> dict[str, Array]:
    """What happened, per day, under the journal's measure ids (before any logging gaps)."""
    out: dict[str, Array] = {}
    for i, day in enumerate(meals):
        for _, _, foods in day:
            groups = {g for f in foods for g in FOOD_GROUPS[f]}
            for g in groups:
                out.setdefault(f"food_group:{g}", np.zeros(n))[i] += 1
            for f in set(foods):
                out.setdefault(f"food:{f}", np.zeros(n))[i] += 1
    for k, v in events.items():
        out[f"event:{k}"] = v.astype(float)
    for k, v in intakes.items():
        out[f"intake:{k}"] = v.astype(float)
    for k, v in sessions.items():
        out[f"session:{k}"] = v.astype(float)
    out.update(numbers)
    return out
