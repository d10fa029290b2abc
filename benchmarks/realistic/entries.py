"""A simulated life written down: the journal entries a person (and their phone) would make.

The diary is what was logged, not what happened: nothing manual on unlogged days (single days
and runs), an occasional meal not written down, while the phone keeps counting steps in a few
synced chunks a day. Only the public record types of ``flarewise`` are used.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from flarewise import (
    Activity,
    CustomValue,
    FoodPortion,
    Intake,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Sleep,
    SymptomCheckin,
    Therapy,
    Trackable,
)

from .life import Life

TZ = ZoneInfo("Europe/London")

TRACKABLES = (
    Trackable(id="work_stress", name="Work stress", value_type="scale", minimum=0, maximum=10),
    Trackable(id="screen_time", name="Screen time", value_type="number", unit="h"),
    Trackable(id="outdoor_temp", name="Outdoor temperature", value_type="number", unit="Cel"),
    Trackable(id="pressure", name="Air pressure", value_type="number", unit="hPa"),
    Trackable(id="social_hours", name="Time with friends", value_type="number", unit="h"),
    Trackable(id="commute_minutes", name="Commute", value_type="number", unit="min"),
    Trackable(id="daylight_hours", name="Daylight", value_type="number", unit="h"),
    Trackable(id="water_glasses", name="Glasses of water", value_type="count"),
)

SESSION_KIND = {
    "swimming": "activity",
    "yoga": "activity",
    "gardening": "activity",
    "housework": "activity",
    "meditation": "mindbody",
    "breathing": "mindbody",
    "physiotherapy": "therapy",
    "massage": "therapy",
}
DOSES = {
    "magnesium": (200.0, "mg", 21),
    "vitamin_d": (1000.0, "IU", 8),
    "omega_3": (1000.0, "mg", 8),
    "paracetamol": (1000.0, "mg", 14),
    "melatonin": (2.0, "mg", 22),
    "ibuprofen": (400.0, "mg", 12),
}
UNITS = {
    "metric:resting_heart_rate": "/min",
    "metric:hrv_sdnn": "ms",
    "metric:body_mass": "kg",
    "metric:caffeine": "mg",
}


def _at(life: Life, i: int, minutes: float) -> datetime:
    """Local time ``minutes`` after midnight of day ``i`` (may spill into the next day)."""
    d = life.day(i)
    base = datetime(d.year, d.month, d.day, tzinfo=TZ)
    return (base + timedelta(minutes=float(minutes))).astimezone(TZ)


def render(life: Life, rng: np.random.Generator) -> list[object]:
    """Every entry of the diary, in time order within each day."""
    out: list[object] = []
    for i in range(life.days):
        if life.wearing[i]:
            out.extend(_device(life, i, rng))
        if life.logged[i]:
            out.extend(_manual(life, i, rng))
    return out


def _device(life: Life, i: int, rng: np.random.Generator) -> list[object]:
    """The phone's steps in three synced chunks, and the watch's overnight readings."""
    total = float(life.steps[i])
    shares = rng.dirichlet((3.0, 4.0, 2.0))
    out: list[object] = []
    for (start, end), share in zip(((7, 12), (12, 18), (18, 23)), shares, strict=True):
        value = round(total * float(share))
        if value > 0:
            out.append(
                Measurement(
                    at=_at(life, i, start * 60),
                    ends_at=_at(life, i, end * 60),
                    metric="steps",
                    value=value,
                    unit="count",
                    source="phone",
                )
            )
    for name in ("metric:resting_heart_rate", "metric:hrv_sdnn"):
        out.append(
            Measurement(
                at=_at(life, i, 6 * 60),
                metric=name.split(":", 1)[1],
                value=float(life.numbers[name][i]),
                unit=UNITS[name],
                source="watch",
            )
        )
    return out


def _manual(life: Life, i: int, rng: np.random.Generator) -> list[object]:
    out: list[object] = []
    bed = _at(life, i - 1, life.bed_minutes[i])
    wake = _at(life, i, life.wake_minutes[i])
    out.append(
        Sleep(
            at=wake,
            bed_at=bed,
            # a night the clocks change is an hour shorter or longer than the clock times say
            asleep_minutes=min(
                round(float(life.asleep_minutes[i])), (wake.timestamp() - bed.timestamp()) // 60 - 5
            ),
            quality=int(life.sleep_quality[i]),
            awakenings=int(life.awakenings[i]),
        )
    )
    for meal, hour, foods in life.meals[i]:
        if rng.random() < 0.93:
            out.append(
                Meal(
                    at=_at(life, i, hour * 60 + int(rng.integers(0, 40))),
                    meal=meal,  # type: ignore[arg-type]
                    foods=tuple(FoodPortion(food=f) for f in foods),
                )
            )
    for substance, taken in life.intakes.items():
        amount, unit, hour = DOSES[substance]
        if taken[i]:
            out.append(
                Intake(at=_at(life, i, hour * 60), substance=substance, amount=amount, unit=unit)
            )
    if life.walking_minutes[i] > 0:
        out.append(
            Activity(at=_at(life, i, 17 * 60), activity="walking", minutes=life.walking_minutes[i])
        )
    for name, minutes in life.sessions.items():
        m = float(minutes[i])
        if m <= 0:
            continue
        at = _at(life, i, 18 * 60)
        kind = SESSION_KIND[name]
        if kind == "activity":
            out.append(Activity(at=at, activity=name, minutes=m))
        elif kind == "mindbody":
            out.append(MindBody(at=at, practice=name, minutes=m))
        else:
            out.append(Therapy(at=at, therapy=name, minutes=m))
    for event, happened in life.events.items():
        if happened[i]:
            out.append(LifeEvent(at=_at(life, i, 12 * 60), event=event))
    for name, values in life.numbers.items():
        v = float(values[i])
        if not np.isfinite(v) or (
            name in UNITS
            and name.startswith("metric:")
            and name
            in (
                "metric:resting_heart_rate",
                "metric:hrv_sdnn",
            )
        ):
            continue
        family, item = name.split(":", 1)
        at = _at(life, i, 20 * 60)
        if family == "custom":
            out.append(CustomValue(at=at, trackable=item, value=v))
        else:
            out.append(Measurement(at=at, metric=item, value=v, unit=UNITS[name]))
    scores = {sid: int(v[i]) for sid, v in life.symptoms.items()}
    out.append(SymptomCheckin(at=_at(life, i, 21 * 60 + int(rng.integers(0, 60))), scores=scores))
    return out
