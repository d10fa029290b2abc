"""Generate the demo journal from the model in :mod:`flarewise.demo.model` with a fixed seed.

The generator is pure: it returns records, and the caller (``Journal`` via the CLI) stores them.
Same seed, same start and same length give exactly the same records, ids included.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flarewise.demo.assessments import DayLevels, demo_assessments
from flarewise.demo.model import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DEFAULT_START,
    TIMEZONE,
    YEAR,
    DemoTruth,
    default_flares,
    yearly,
)
from flarewise.domain import (
    Activity,
    Condition,
    CustomValue,
    DoseStep,
    FoodPortion,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Note,
    Preferences,
    Profile,
    Regimen,
    Sleep,
    SymptomCheckin,
    Therapy,
    Trackable,
)
from flarewise.domain.body import BodySite
from flarewise.domain.entries import EntryBase

SOURCE = "demo"


@dataclass(frozen=True)
class DemoData:
    profile: Profile
    regimens: list[Regimen]
    trackables: list[Trackable]
    entries: list[EntryBase]
    truth: DemoTruth
    #: the model's latent levels of each day (index = day offset), for checking what is
    #: derived from them (the questionnaires) against the model.
    levels: list[DayLevels]


def _clip(x: float, lo: float = 0.0, hi: float = 10.0) -> float:
    return max(lo, min(hi, x))


class _Gen:
    def __init__(self, seed: int, start: date, days: int) -> None:
        self.rng = random.Random(seed)
        self.tz = ZoneInfo(TIMEZONE)
        self.truth = DemoTruth(
            start=start, days=days, seed=seed, flares=default_flares(start, days)
        )
        self.entries: list[EntryBase] = []
        #: a second stream for what was added to the model later (the check-ins of otherwise
        #: missing days before magnesium), so the main stream, and every record it drew,
        #: stayed as it was.
        self.side = random.Random(seed + 3_001)

    def id(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def at(self, day: date, hour: float, jitter_min: float = 20) -> datetime:
        minutes = hour * 60 + self.rng.gauss(0, jitter_min)
        minutes = max(0.0, min(23 * 60 + 59, minutes))
        return datetime.combine(day, time(int(minutes // 60), int(minutes % 60)), tzinfo=self.tz)

    def add(self, entry: EntryBase) -> None:
        self.entries.append(entry)

    def key(self, *parts: object) -> str:
        return ":".join(str(p) for p in parts)


def _short_checkin(g: _Gen, day: date, pain: float, fatigue: float) -> SymptomCheckin:
    """The one-minute morning check-in of a day she otherwise logged nothing (drawn from the
    side stream)."""
    side = g.side
    return SymptomCheckin(
        id=uuid.UUID(int=side.getrandbits(128), version=4).hex,
        at=datetime.combine(day, time(8, 10), tzinfo=g.tz),
        source=SOURCE,
        source_key=g.key("am", day),
        scores={
            "pain": round(_clip(pain + side.gauss(0, 0.5))),
            "fatigue": round(_clip(fatigue + side.gauss(0, 0.5))),
        },
    )


def _menstruation_days(g: _Gen) -> set[int]:
    days: set[int] = set()
    day = 5
    while day < g.truth.days:
        days.update(range(day, min(day + 5, g.truth.days)))
        day += 28 + g.rng.choice((-2, -1, 0, 0, 1, 2))
    return days


def generate_demo(
    seed: int = DEFAULT_SEED, start: date = DEFAULT_START, days: int = DEFAULT_DAYS
) -> DemoData:
    """A realistic year of one person's fibromyalgia diary with known, planted effects."""
    g = _Gen(seed, start, days)
    t = g.truth
    rng = g.rng
    period_days = _menstruation_days(g)
    infections = {at: "influenza" for at in yearly(37, days)} | {
        at: "covid19" for at in yearly(316, days)
    }
    notes = {
        t.elimination_start_offset: "Starting 4 weeks without gluten grains and dairy, "
        "with my dietitian.",
        t.dairy_challenge_offset: "Dairy challenge: milk, cheese, yoghurt over two days, "
        "then watch 72 h.",
        t.wheat_challenge_offset: "Wheat challenge: bread and pasta over two days, "
        "then watch 72 h.",
    }
    stressful = set(yearly(118, days))
    # dates before the diary keep their distance from its start, so any start is consistent
    shift = start - DEFAULT_START
    ar = 0.0
    prev_pain = t.baseline_pain
    wheat_recent: list[int] = []  # offsets of days wheat was eaten
    mg_taken: list[bool] = []

    profile = Profile(
        display_name="Demo person",
        birth_year=1984,
        sex="female",
        timezone=TIMEZONE,
        conditions=[
            Condition(condition="fibromyalgia", since=date(2019, 6, 1) + shift),
            Condition(condition="irritable_bowel_syndrome", since=date(2016, 3, 1) + shift),
            Condition(condition="migraine", since=date(2008, 1, 1) + shift),
        ],
        allergies=["penicillin"],
        preferences=Preferences(avoid=["nad"], notes="Prefers non-drug options first."),
    )
    mg_start = t.magnesium_start
    regimens = [
        Regimen(
            id=g.id(),
            substance="duloxetine",
            source=SOURCE,
            source_key="regimen:duloxetine",
            reason="fibromyalgia pain",
            steps=[
                DoseStep(start=date(2024, 10, 1) + shift, amount=30, unit="mg"),
                DoseStep(start=start + timedelta(days=45), amount=60, unit="mg"),
            ],
        ),
        Regimen(
            id=g.id(),
            substance="vitamin_d",
            form="cholecalciferol",
            source=SOURCE,
            source_key="regimen:vitamin_d",
            reason="low 25(OH)D in January",
            steps=[
                DoseStep(start=start + timedelta(days=31), amount=1000, unit="IU"),
                DoseStep(start=start + timedelta(days=90), amount=2000, unit="IU"),
            ],
        ),
        Regimen(
            id=g.id(),
            substance="magnesium",
            form="magnesium_glycinate",
            basis="elemental",
            source=SOURCE,
            source_key="regimen:magnesium",
            reason="trying for pain and sleep",
            steps=[DoseStep(start=mg_start, amount=200, unit="mg")],
        ),
        Regimen(
            id=g.id(),
            substance="tramadol",
            as_needed=True,
            source=SOURCE,
            source_key="regimen:tramadol",
            reason="bad flare days",
            steps=[DoseStep(start=date(2024, 6, 1) + shift, amount=50, unit="mg")],
        ),
        Regimen(
            id=g.id(),
            substance="ibuprofen",
            as_needed=True,
            source=SOURCE,
            source_key="regimen:ibuprofen",
            reason="headaches",
            steps=[DoseStep(start=date(2023, 1, 1) + shift, amount=400, unit="mg")],
        ),
    ]
    trackables = [
        Trackable(
            id="pacing_breaks", name="Rest breaks taken (pacing)", value_type="count", maximum=20
        )
    ]

    sleep_h = 7.0
    levels: list[DayLevels] = []
    for i in range(days):
        day = start + timedelta(days=i)
        flare = next((f for f in t.flares if f.contains(day)), None)
        eliminating = t.elimination_start_offset <= i < t.dairy_challenge_offset or (
            t.dairy_challenge_offset <= i and i < t.wheat_challenge_offset
        )
        avoid_wheat_after = i > t.wheat_challenge_offset + 6  # stays off wheat after reacting
        avoid_dairy = t.elimination_start_offset <= i < t.dairy_challenge_offset
        weekday = day.weekday()

        # -- sleep of the night ending this morning -------------------------------------
        sleep_h = 7.0 + (0.5 if weekday in (5, 6) else 0.0) + rng.gauss(0, 0.9)
        sleep_h += t.pain_to_next_sleep * (prev_pain - 5.0)
        if flare:
            sleep_h -= 0.7
        sleep_h = _clip(sleep_h, 3.5, 10.0)

        # -- wheat eaten today? ----------------------------------------------------------
        wheat_today = False
        if i in (t.wheat_challenge_offset, t.wheat_challenge_offset + 1):
            wheat_today = True
        elif not eliminating and not avoid_wheat_after:
            wheat_today = rng.random() < 0.75
        if wheat_today:
            wheat_recent.append(i)
        wheat_load = 1.0 if wheat_today else (0.6 if (i - 1) in wheat_recent else 0.0)

        # -- magnesium -------------------------------------------------------------------
        mg_on = day >= mg_start
        took_mg = mg_on and rng.random() < t.magnesium_adherence
        if mg_on:
            mg_taken.append(took_mg)
        ramp = min(1.0, max(0.0, (day - mg_start).days / 14)) if mg_on else 0.0
        recent = mg_taken[-7:]
        mg_active = mg_on and sum(recent) >= min(5, len(recent))
        mg_effect = t.magnesium_effect * ramp if mg_active else 0.0

        # -- latent pain -----------------------------------------------------------------
        doy = day.timetuple().tm_yday
        seasonal = t.seasonal_amplitude * math.cos(2 * math.pi * (doy - 15) / 365.25)
        weekly = {0: 0.3, 5: -0.3, 6: -0.3}.get(weekday, 0.0)
        ar = t.ar1_phi * ar + rng.gauss(0, t.ar1_sd)
        flare_boost = 0.0
        if flare:
            k = (day - flare.start).days
            shape = min(1.0, (k + 1) / 2, (flare.days - k) / 2)
            flare_boost = t.flare_pain * shape
        period = (i in period_days and (i - 1) not in period_days) or (
            i in period_days and (i - 2) not in period_days and (i - 1) in period_days
        )
        pain = (
            t.baseline_pain
            + seasonal
            + weekly
            + t.sleep_to_pain * (sleep_h - 7.0)
            + mg_effect
            + flare_boost
            + (t.menstruation_pain if period else 0.0)
            + t.wheat_to_pain * wheat_load
            + ar
        )
        fatigue = 5.0 + 0.5 * (pain - 5) + t.sleep_to_fatigue * (sleep_h - 7.0) + rng.gauss(0, 0.7)
        if flare:
            fatigue += t.flare_fatigue * (flare_boost / t.flare_pain)
        gi = 2.0 + t.wheat_to_gi * wheat_load + rng.gauss(0, 0.8)
        stress = 3.5 + (3.0 if any(0 <= i - s < 3 for s in stressful) else 0.0) + rng.gauss(0, 1.0)
        prev_pain = pain
        levels.append(DayLevels(pain, fatigue, sleep_h, stress, flare is not None))

        missing_day = rng.random() < 0.08
        if missing_day and t.diligent(i):
            g.add(_short_checkin(g, day, pain, fatigue))

        # -- sleep entry (morning) --------------------------------------------------------
        if not missing_day:
            bed = datetime.combine(day - timedelta(days=1), time(22, 45), tzinfo=g.tz) + timedelta(
                minutes=rng.gauss(0, 35)
            )
            in_bed = sleep_h + rng.uniform(0.3, 0.9)
            # elapsed time, not wall-clock time: the spring-forward night is an hour shorter
            wake = (bed.astimezone(UTC) + timedelta(hours=in_bed)).astimezone(g.tz)
            g.add(
                Sleep(
                    id=g.id(),
                    at=wake,
                    bed_at=bed,
                    asleep_minutes=round(sleep_h * 60),
                    quality=round(_clip(5 + 1.2 * (sleep_h - 7) + rng.gauss(0, 1))),
                    awakenings=max(0, round(rng.gauss(2, 1))),
                    source=SOURCE,
                    source_key=g.key("sleep", day),
                )
            )

        # -- check-ins ----------------------------------------------------------------------
        if not missing_day:
            g.add(
                SymptomCheckin(
                    id=g.id(),
                    at=g.at(day, 8.0),
                    source=SOURCE,
                    source_key=g.key("am", day),
                    scores={
                        "pain": round(_clip(pain + rng.gauss(0, 0.5))),
                        "fatigue": round(_clip(fatigue + rng.gauss(0, 0.5))),
                        "sleep_quality": round(_clip(5 + 1.2 * (sleep_h - 7) + rng.gauss(0, 1))),
                        "unrefreshed_waking": round(
                            _clip(6 - 1.0 * (sleep_h - 7) + rng.gauss(0, 1))
                        ),
                        "stiffness": round(_clip(pain + 0.5 + rng.gauss(0, 1))),
                    },
                )
            )
            if rng.random() > 0.10:
                n_sites = int(_clip(round(pain * 1.6 + rng.gauss(0, 1.5)), 0, 19))
                sites = rng.sample(list(BodySite), n_sites)
                g.add(
                    SymptomCheckin(
                        id=g.id(),
                        at=g.at(day, 21.0),
                        source=SOURCE,
                        source_key=g.key("pm", day),
                        pain_sites=sites,
                        scores={
                            "pain": round(_clip(pain + 0.3 + rng.gauss(0, 0.5))),
                            "fatigue": round(_clip(fatigue + 0.5 + rng.gauss(0, 0.5))),
                            "fibro_fog": round(_clip(0.6 * fatigue + rng.gauss(0, 1))),
                            "mood": round(
                                _clip(7 - 0.4 * (pain - 5) - 0.2 * (stress - 3.5) + rng.gauss(0, 1))
                            ),
                            "anxiety": round(_clip(0.6 * stress + rng.gauss(0, 1))),
                            "stress": round(_clip(stress)),
                            "gi_symptoms": round(_clip(gi)),
                            "sensory_sensitivity": round(_clip(0.5 * pain + rng.gauss(1, 1))),
                        },
                    )
                )

        # -- intakes ------------------------------------------------------------------------
        if not missing_day:
            dul = regimens[0].step_on(day)
            if dul is not None and rng.random() < 0.97:
                g.add(
                    Intake(
                        id=g.id(),
                        at=g.at(day, 8.2),
                        substance="duloxetine",
                        amount=dul.amount,
                        unit=dul.unit,
                        regimen_id=regimens[0].id,
                        source=SOURCE,
                        source_key=g.key("duloxetine", day),
                    )
                )
            vd = regimens[1].step_on(day)
            if vd is not None and rng.random() < 0.9:
                g.add(
                    Intake(
                        id=g.id(),
                        at=g.at(day, 8.3),
                        substance="vitamin_d",
                        form="cholecalciferol",
                        amount=vd.amount,
                        unit=vd.unit,
                        regimen_id=regimens[1].id,
                        source=SOURCE,
                        source_key=g.key("vitd", day),
                    )
                )
            if mg_on:
                if took_mg:
                    unknown = rng.random() < 0.05
                    g.add(
                        Intake(
                            id=g.id(),
                            at=g.at(day, 22.0),
                            substance="magnesium",
                            form="magnesium_glycinate",
                            basis="elemental",
                            status="taken_dose_unknown" if unknown else "taken",
                            amount=None if unknown else 200,
                            unit=None if unknown else "mg",
                            regimen_id=regimens[2].id,
                            source=SOURCE,
                            source_key=g.key("mg", day),
                        )
                    )
                elif rng.random() < 0.5:
                    g.add(
                        Intake(
                            id=g.id(),
                            at=g.at(day, 22.0),
                            substance="magnesium",
                            form="magnesium_glycinate",
                            status="skipped",
                            regimen_id=regimens[2].id,
                            source=SOURCE,
                            source_key=g.key("mg", day),
                        )
                    )
            if flare and rng.random() < 0.5:
                g.add(
                    Intake(
                        id=g.id(),
                        at=g.at(day, 14.0, 90),
                        substance="tramadol",
                        amount=50,
                        unit="mg",
                        regimen_id=regimens[3].id,
                        source=SOURCE,
                        source_key=g.key("tramadol", day),
                    )
                )
            if rng.random() < 0.04:
                g.add(
                    Intake(
                        id=g.id(),
                        at=g.at(day, 13.0, 120),
                        substance="ibuprofen",
                        amount=400,
                        unit="mg",
                        regimen_id=regimens[4].id,
                        comment="headache",
                        source=SOURCE,
                        source_key=g.key("ibuprofen", day),
                    )
                )

        # -- food ---------------------------------------------------------------------------
        if not missing_day:
            dairy_ok = not avoid_dairy
            dairy_challenge = i in (t.dairy_challenge_offset, t.dairy_challenge_offset + 1)
            if wheat_today and rng.random() < 0.5:
                breakfast = (
                    ["wholemeal_bread", "butter"] if dairy_ok else ["wholemeal_bread", "olive_oil"]
                )
            else:
                breakfast = ["oats", "berries"] + (
                    ["milk"] if dairy_ok or dairy_challenge else ["oat_milk"]
                )
            breakfast.append(rng.choice(["coffee", "tea"]))
            lunch = (
                ["wheat_bread", "chicken", "leafy_greens"]
                if wheat_today
                else [
                    rng.choice(["rice", "quinoa", "potato"]),
                    rng.choice(["chicken", "tofu", "egg"]),
                    "leafy_greens",
                ]
            )
            if (dairy_ok and rng.random() < 0.5) or dairy_challenge:
                lunch.append("cheese")
            dinner = [
                rng.choice(["salmon", "chicken", "beef", "lentils", "white_fish"]),
                "pasta" if wheat_today and rng.random() < 0.5 else rng.choice(["rice", "potato"]),
                rng.choice(["broccoli", "carrots", "peppers", "leafy_greens"]),
                "olive_oil",
            ]
            if dairy_challenge:
                dinner.append("yoghurt")
            for hour, meal, foods in (
                (7.6, "breakfast", breakfast),
                (12.8, "lunch", lunch),
                (18.9, "dinner", dinner),
            ):
                g.add(
                    Meal(
                        id=g.id(),
                        at=g.at(day, hour),
                        meal=meal,
                        foods=[FoodPortion(food=f) for f in dict.fromkeys(foods)],
                        source=SOURCE,
                        source_key=g.key(meal, day),
                    )
                )
            if rng.random() < 0.5:
                snack = rng.choice(
                    ["apple", "almonds", "chocolate", "banana"] + (["cake"] if wheat_today else [])
                )
                g.add(
                    Meal(
                        id=g.id(),
                        at=g.at(day, 15.5, 60),
                        meal="snack",
                        foods=[FoodPortion(food=snack)],
                        source=SOURCE,
                        source_key=g.key("snack", day),
                    )
                )

        # -- activity, mind-body, therapy, steps --------------------------------------------
        if not missing_day:
            if rng.random() < (0.35 if flare else 0.7):
                g.add(
                    Activity(
                        id=g.id(),
                        at=g.at(day, 17.0, 90),
                        activity="walking",
                        minutes=round(rng.uniform(20, 45)),
                        intensity="light",
                        source=SOURCE,
                        source_key=g.key("walk", day),
                    )
                )
            if weekday in (1, 3) and not flare:
                g.add(
                    Activity(
                        id=g.id(),
                        at=g.at(day, 18.5),
                        activity="yoga",
                        minutes=30,
                        intensity="light",
                        source=SOURCE,
                        source_key=g.key("yoga", day),
                    )
                )
            if weekday == 5 and i >= 90 and not flare:
                g.add(
                    Activity(
                        id=g.id(),
                        at=g.at(day, 10.0),
                        activity="aquatic_exercise",
                        minutes=45,
                        intensity="moderate",
                        source=SOURCE,
                        source_key=g.key("aqua", day),
                    )
                )
            if rng.random() < 0.4:
                g.add(
                    MindBody(
                        id=g.id(),
                        at=g.at(day, 21.5),
                        practice="meditation",
                        minutes=10,
                        source=SOURCE,
                        source_key=g.key("meditation", day),
                    )
                )
            if i >= 60 and i % 14 == 3:
                g.add(
                    Therapy(
                        id=g.id(),
                        at=g.at(day, 11.0),
                        therapy="myofascial_release",
                        minutes=45,
                        source=SOURCE,
                        source_key=g.key("mfr", day),
                    )
                )
            if i % 30 == 10:
                g.add(
                    Therapy(
                        id=g.id(),
                        at=g.at(day, 15.0),
                        therapy="massage",
                        minutes=60,
                        source=SOURCE,
                        source_key=g.key("massage", day),
                    )
                )
            steps = max(500, rng.gauss(6500 - 400 * (pain - 5) - (2000 if flare else 0), 1200))
            g.add(
                Measurement(
                    id=g.id(),
                    at=g.at(day, 23.5, 5),
                    metric="steps",
                    value=round(steps),
                    unit="count",
                    source=SOURCE,
                    source_key=g.key("steps", day),
                )
            )
            g.add(
                CustomValue(
                    id=g.id(),
                    at=g.at(day, 21.1),
                    trackable="pacing_breaks",
                    value=rng.randint(0, 6),
                    source=SOURCE,
                    source_key=g.key("pacing", day),
                )
            )

        # -- life events (logged even on otherwise missing days) ---------------------------
        if i in infections:
            g.add(
                LifeEvent(
                    id=g.id(),
                    at=g.at(day, 9.0),
                    event="infection",
                    detail=infections[i],
                    severity=6,
                    source=SOURCE,
                    source_key=g.key("infection", day),
                )
            )
        if i in stressful:
            g.add(
                LifeEvent(
                    id=g.id(),
                    at=g.at(day, 19.0),
                    event="stressful_event",
                    severity=7,
                    comment="family hospital visit",
                    source=SOURCE,
                    source_key=g.key("stress", day),
                )
            )
        if flare and day == flare.start:
            g.add(
                LifeEvent(
                    id=g.id(),
                    at=g.at(day, 20.0),
                    event="flare",
                    severity=8,
                    source=SOURCE,
                    source_key=g.key("flare", day),
                )
            )
        if i in period_days and (i - 1) not in period_days:
            g.add(
                LifeEvent(
                    id=g.id(),
                    at=g.at(day, 7.0),
                    event="menstruation",
                    detail="medium",
                    source=SOURCE,
                    source_key=g.key("period", day),
                )
            )
        if i in notes:
            g.add(
                Note(
                    id=g.id(),
                    at=g.at(day, 9.0),
                    source=SOURCE,
                    source_key=g.key("note", day),
                    text=notes[i],
                )
            )

    _add_labs(g)
    fibromyalgia_since = profile.conditions[0].since or start
    g.entries.extend(demo_assessments(t, levels, g.tz, fibromyalgia_since))
    return DemoData(profile, regimens, trackables, g.entries, t, levels)


def _add_labs(g: _Gen) -> None:
    t = g.truth

    def lab(
        offset: int,
        loinc: str,
        value: float,
        unit: str,
        low: float | None = None,
        high: float | None = None,
        flag: str | None = None,
    ) -> None:
        if offset >= t.days:
            return
        day = t.day(offset)
        g.add(
            LabResult(
                id=g.id(),
                at=datetime.combine(day, time(9, 10), tzinfo=g.tz),
                loinc=loinc,
                value=value,
                unit=unit,
                ref_low=low,
                ref_high=high,
                flag=flag,
                lab="Demo Hospital Laboratory",
                source=SOURCE,
                source_key=g.key("lab", loinc, day),
            )
        )

    # January panel: the work-up of a fibromyalgia patient (Canadian 2012 guideline list)
    lab(19, "62292-8", 14, "ng/mL", 30, 100, "L")  # low vitamin D
    lab(19, "1988-5", 2.1, "mg/L", None, 5.0, "N")
    lab(19, "30341-2", 14, "mm/h", None, 20, "N")
    lab(19, "3016-3", 2.1, "m[IU]/L", 0.3, 4.2, "N")
    lab(19, "2157-6", 112, "U/L", 26, 192, "N")
    lab(19, "6690-2", 6.1, "10*9/L", 4.0, 11.0, "N")
    lab(19, "2132-9", 320, "pg/mL", 200, 900, "N")
    lab(19, "2276-4", 11, "ng/mL", 15, 150, "L")  # low ferritin: a red flag (RF-FERRITIN)
    lab(19, "17861-6", 9.4, "mg/dL", 8.6, 10.3, "N")
    lab(19, "26881-3", 3.9, "pg/mL", None, 6.4, "N")  # one IL-6: a research marker only
    # July: vitamin D corrected
    lab(195, "62292-8", 31, "ng/mL", 30, 100, "N")
    lab(195, "2276-4", 13, "ng/mL", 15, 150, "L")  # still low: not treated
    lab(195, "17861-6", 9.6, "mg/dL", 8.6, 10.3, "N")
    # November
    lab(323, "62292-8", 34, "ng/mL", 30, 100, "N")
    lab(323, "1988-5", 1.6, "mg/L", None, 5.0, "N")
    # added after the panels above so their ids stay as they were: the trends the labs page
    # and the timeline draw (vitamin D rising on supplements, ferritin staying low, CRP and
    # TSH normal throughout)
    lab(100, "62292-8", 24, "ng/mL", 30, 100, "L")  # April: rising on 1,000 IU, still low
    lab(100, "2276-4", 12, "ng/mL", 15, 150, "L")
    lab(100, "1988-5", 2.4, "mg/L", None, 5.0, "N")
    lab(195, "1988-5", 1.9, "mg/L", None, 5.0, "N")
    lab(195, "3016-3", 2.4, "m[IU]/L", 0.3, 4.2, "N")
    lab(323, "2276-4", 12, "ng/mL", 15, 150, "L")
    lab(323, "3016-3", 1.9, "m[IU]/L", 0.3, 4.2, "N")
    # later years: a check in January and in July, vitamin D kept up on 2,000 IU
    for year in range(1, -(-t.days // YEAR)):
        for offset, vit_d, ferritin, crp, tsh in ((19, 35, 12, 1.8, 2.2), (195, 37, 13, 1.5, 2.0)):
            at = offset + YEAR * year
            lab(at, "62292-8", vit_d + year, "ng/mL", 30, 100, "N")
            lab(at, "2276-4", ferritin, "ng/mL", 15, 150, "L")
            lab(at, "1988-5", crp, "mg/L", None, 5.0, "N")
            lab(at, "3016-3", tsh, "m[IU]/L", 0.3, 4.2, "N")
