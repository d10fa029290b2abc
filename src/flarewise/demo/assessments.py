"""The demo person's questionnaires: a FIQR every four weeks and one ACR 2016 self-check.

Only the answers are generated, from the model's latent levels of the week before (pain,
fatigue, sleep, stress), so a FIQR done in a flare reads worse and one done once magnesium works
reads better. The scores are never written here: the journal computes them with the real
instruments when it stores the entries (``Journal._prepare``).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

from flarewise.demo.model import DemoTruth
from flarewise.domain import Assessment
from flarewise.domain.body import BodySite

SOURCE = "demo"
#: Seed offset of the questionnaires' own random stream: the diary's stream stays untouched, so
#: adding questionnaires changed none of the diary's records.
SEED_OFFSET = 15_008


@dataclass(frozen=True)
class DayLevels:
    """The model's latent (unrounded, unlogged) levels of one day."""

    pain: float
    fatigue: float
    sleep_hours: float
    stress: float
    flare: bool


def _score(x: float, rng: random.Random, sd: float = 0.6) -> int:
    return round(max(0.0, min(10.0, x + rng.gauss(0, sd))))


#: How much harder than the week's pain each FIQR function item is for her (0 = no
#: difficulty, 10 = very difficult): heavy housework hardest, brushing hair easiest.
FUNCTION_OFFSETS = {
    "brush_hair": -2.5,
    "walk_20_minutes": -0.5,
    "prepare_meal": -1.0,
    "vacuum_scrub_sweep": 1.5,
    "lift_groceries": 1.0,
    "climb_stairs": 0.5,
    "change_sheets": 1.0,
    "sit_45_minutes": -0.5,
    "shop_groceries": 0.5,
}


def fiqr_answers(week: list[DayLevels], rng: random.Random) -> dict[str, Any]:
    """FIQR answers (all 21 items, 0-10) for a week lived at these levels."""
    pain = mean(d.pain for d in week)
    fatigue = mean(d.fatigue for d in week)
    sleep = mean(d.sleep_hours for d in week)
    stress = mean(d.stress for d in week)
    answers: dict[str, Any] = {
        item: _score(pain - 1.0 + offset, rng) for item, offset in FUNCTION_OFFSETS.items()
    }
    answers |= {
        "prevented_goals": _score(pain + 0.4 * (fatigue - 5), rng),
        "overwhelmed": _score(0.7 * pain + 0.4 * stress - 1.0, rng),
        "pain": _score(pain, rng, 0.4),
        "energy": _score(fatigue, rng, 0.4),  # 10 = no energy
        "stiffness": _score(pain + 0.5, rng),
        "sleep_quality": _score(6 - (sleep - 7), rng),  # 10 = woke very tired
        "depression": _score(0.5 * pain + 0.2 * stress, rng),
        "memory": _score(0.6 * fatigue + 0.5, rng),
        "anxiety": _score(0.6 * stress + 0.5, rng),
        "tenderness": _score(pain + 0.3, rng),
        "balance": _score(0.4 * pain, rng),
        "environmental_sensitivity": _score(0.5 * pain + 1.0, rng),
    }
    return answers


#: Her usual painful sites, most often painful first (every region of the 2016 criteria).
USUAL_SITES = (
    BodySite.NECK,
    BodySite.LOWER_BACK,
    BodySite.SHOULDER_GIRDLE_LEFT,
    BodySite.SHOULDER_GIRDLE_RIGHT,
    BodySite.HIP_LEFT,
    BodySite.HIP_RIGHT,
    BodySite.UPPER_BACK,
    BodySite.UPPER_LEG_LEFT,
    BodySite.UPPER_LEG_RIGHT,
    BodySite.UPPER_ARM_LEFT,
    BodySite.UPPER_ARM_RIGHT,
    BodySite.JAW_RIGHT,
)


def acr2016_answers(week: list[DayLevels], months_with_pain: int) -> dict[str, Any]:
    """ACR 2016 answers: about 1.6 painful sites per pain point (as in her check-ins),
    fatigue and unrefreshed waking from the week, headaches (migraine) and lower abdominal
    pain (IBS) in the last six months."""
    pain = mean(d.pain for d in week)
    fatigue = mean(d.fatigue for d in week)
    sleep = mean(d.sleep_hours for d in week)
    n_sites = max(5, min(len(USUAL_SITES), round(1.6 * pain)))
    return {
        "painful_sites": [s.value for s in USUAL_SITES[:n_sites]],
        "fatigue": max(0, min(3, round((fatigue - 2) / 2))),
        "waking_unrefreshed": max(0, min(3, round(2 - (sleep - 7)))),
        "cognitive_symptoms": max(0, min(3, round((0.6 * fatigue - 1) / 2))),
        "headaches": True,
        "lower_abdominal_pain": True,
        "depression": False,
        "symptom_duration_months": months_with_pain,
        "other_disorder_explains_pain": False,
    }


def demo_assessments(
    truth: DemoTruth, levels: list[DayLevels], tz: ZoneInfo, fibromyalgia_since: date
) -> list[Assessment]:
    """The FIQRs (every ``fiqr_every_days``) and the one ACR 2016, each answered about the 7
    days up to its day, in the evening."""
    rng = random.Random(truth.seed + SEED_OFFSET)

    def entry(offset: int, instrument: str, answers: dict[str, Any]) -> Assessment:
        day = truth.day(offset)
        return Assessment(
            id=uuid.UUID(int=rng.getrandbits(128), version=4).hex,
            at=datetime.combine(day, time(20, 30), tzinfo=tz),
            instrument=instrument,
            answers=answers,
            source=SOURCE,
            source_key=f"{instrument}:{day}",
        )

    def week(offset: int) -> list[DayLevels]:
        return levels[max(0, offset - 6) : offset + 1]

    out: list[Assessment] = []
    if truth.acr2016_offset < truth.days:
        at = truth.acr2016_offset
        months = (truth.day(at) - fibromyalgia_since) // timedelta(days=30)
        out.append(entry(at, "acr2016", acr2016_answers(week(at), months)))
    for offset in range(truth.fiqr_first_offset, truth.days, truth.fiqr_every_days):
        out.append(entry(offset, "fiqr", fiqr_answers(week(offset), rng)))
    return sorted(out, key=lambda a: a.at)
