"""Typed records and value objects of flarewise. Pure: no I/O, no database, no vocabulary.

The names are imported on first use (PEP 562): ``from flarewise.domain import Profile`` loads
only the module that defines it, so a command that logs an entry does not import the backup,
regimen and experiment records it never touches.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE: dict[str, str] = {
    "Backup": "flarewise.domain.backup",
    "StoredEntry": "flarewise.domain.backup",
    "BodySite": "flarewise.domain.body",
    "Region": "flarewise.domain.body",
    "ENTRY_KINDS": "flarewise.domain.entries",
    "ENTRY_TYPES": "flarewise.domain.entries",
    "Activity": "flarewise.domain.entries",
    "Assessment": "flarewise.domain.entries",
    "CustomValue": "flarewise.domain.entries",
    "Entry": "flarewise.domain.entries",
    "EntryBase": "flarewise.domain.entries",
    "FoodPortion": "flarewise.domain.entries",
    "Intake": "flarewise.domain.entries",
    "LabResult": "flarewise.domain.entries",
    "LifeEvent": "flarewise.domain.entries",
    "Meal": "flarewise.domain.entries",
    "Measurement": "flarewise.domain.entries",
    "MindBody": "flarewise.domain.entries",
    "Note": "flarewise.domain.entries",
    "Sleep": "flarewise.domain.entries",
    "SymptomCheckin": "flarewise.domain.entries",
    "Therapy": "flarewise.domain.entries",
    "new_id": "flarewise.domain.entries",
    "Condition": "flarewise.domain.profile",
    "Preferences": "flarewise.domain.profile",
    "Profile": "flarewise.domain.profile",
    "DoseStep": "flarewise.domain.regimens",
    "Regimen": "flarewise.domain.regimens",
    "DaySummary": "flarewise.domain.summaries",
    "MeasureStats": "flarewise.domain.summaries",
    "Trackable": "flarewise.domain.trackables",
}

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


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'flarewise.domain' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
