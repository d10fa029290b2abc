"""Typed records and value objects of flarewise. Pure: no I/O, no database, no vocabulary."""

from flarewise.domain.backup import Backup, StoredEntry
from flarewise.domain.body import BodySite, Region
from flarewise.domain.entries import (
    ENTRY_KINDS,
    ENTRY_TYPES,
    Activity,
    Assessment,
    CustomValue,
    Entry,
    EntryBase,
    FoodPortion,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Note,
    Sleep,
    SymptomCheckin,
    Therapy,
    new_id,
)
from flarewise.domain.profile import Condition, Preferences, Profile
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.domain.summaries import DaySummary, MeasureStats
from flarewise.domain.trackables import Trackable

__all__ = [
    "ENTRY_KINDS",
    "ENTRY_TYPES",
    "Activity",
    "Assessment",
    "Backup",
    "BodySite",
    "Condition",
    "CustomValue",
    "DaySummary",
    "DoseStep",
    "Entry",
    "EntryBase",
    "FoodPortion",
    "Intake",
    "LabResult",
    "LifeEvent",
    "Meal",
    "MeasureStats",
    "Measurement",
    "MindBody",
    "Note",
    "Preferences",
    "Profile",
    "Regimen",
    "Region",
    "Sleep",
    "StoredEntry",
    "SymptomCheckin",
    "Therapy",
    "Trackable",
    "new_id",
]
