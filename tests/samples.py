"""One valid entry of every kind, for tests that must cover them all."""

from __future__ import annotations

from datetime import datetime, timedelta

from flarewise import (
    Activity,
    Assessment,
    CustomValue,
    FoodPortion,
    Intake,
    Journal,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Note,
    Sleep,
    SymptomCheckin,
    Therapy,
    Trackable,
)
from flarewise.domain import ENTRY_KINDS
from flarewise.domain.entries import EntryBase

#: ACR 2016 answers that meet the criteria: WPI 7, SSS 6, 5 regions, PSD 13.
ACR2016_MET = {
    "painful_sites": [
        "neck",
        "lower_back",
        "hip_left",
        "hip_right",
        "shoulder_girdle_left",
        "shoulder_girdle_right",
        "upper_back",
    ],
    "fatigue": 2,
    "waking_unrefreshed": 2,
    "cognitive_symptoms": 1,
    "headaches": True,
    "lower_abdominal_pain": False,
    "depression": False,
    "symptoms_3_months": True,
}

TRACKABLE = Trackable(id="cold_hands", name="Cold hands", value_type="scale")


def one_of_each(at: datetime) -> list[EntryBase]:
    items: list[EntryBase] = [
        SymptomCheckin(
            at=at,
            scores={"pain": 6, "fatigue": 7, "fibro_fog": 4, "mood": 5},
            pain_sites=["neck", "lower_back", "hip_left"],
        ),
        Intake(at=at, substance="magnesium", form="magnesium_citrate", amount=200, unit="mg"),
        Intake(at=at, substance="vitamin_d", amount=1000, unit="IU", status="skipped"),
        Intake(at=at, substance="duloxetine", status="taken_dose_unknown"),
        Activity(at=at, activity="walking", minutes=30, intensity="light"),
        Sleep(
            at=at,
            bed_at=at - timedelta(hours=8),
            asleep_minutes=400,
            quality=5,
            stage_minutes={"deep": 60, "rem": 80},
        ),
        MindBody(at=at, practice="meditation", minutes=10),
        Meal(
            at=at,
            meal="breakfast",
            foods=[FoodPortion(food="oats"), FoodPortion(food="milk", amount=200, unit="mL")],
        ),
        Therapy(at=at, therapy="massage", minutes=45),
        LifeEvent(at=at, event="infection", detail="influenza", severity=6),
        Note(at=at, text="Felt better after the walk."),
        LabResult(
            at=at, loinc="62292-8", value=18, unit="ng/mL", ref_low=30, ref_high=100, flag="L"
        ),
        CustomValue(at=at, trackable=TRACKABLE.id, value=4),
        Measurement(at=at, metric="steps", value=5400, unit="count"),
        Assessment(at=at, instrument="pgic", answers={"pgic": 3}),
    ]
    assert {e.kind for e in items} == set(ENTRY_KINDS)  # type: ignore[attr-defined]
    return items


def fill(journal: Journal, at: datetime) -> list[EntryBase]:
    """Store one of each kind (defining the trackable first) and return what was stored."""
    journal.define_trackable(TRACKABLE)
    return [journal.add(e) for e in one_of_each(at)]
