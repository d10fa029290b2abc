"""flarewise: a private fibromyalgia journal with honest statistics.

The public API is this module: open a journal, build records, record them.
"""

from flarewise.domain import (
    Activity,
    Assessment,
    Backup,
    BodySite,
    Condition,
    CustomValue,
    DaySummary,
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
from flarewise.errors import (
    BackupError,
    Conflict,
    FlarewiseError,
    InvalidInput,
    NotFound,
    StorageError,
    UnknownTerm,
)
from flarewise.journal import Journal, open_database, open_journal, read_backup

__version__ = "0.1.0"

__all__ = [
    "Activity",
    "Assessment",
    "Backup",
    "BackupError",
    "BodySite",
    "Condition",
    "Conflict",
    "CustomValue",
    "DaySummary",
    "DoseStep",
    "FlarewiseError",
    "FoodPortion",
    "Intake",
    "InvalidInput",
    "Journal",
    "LabResult",
    "LifeEvent",
    "Meal",
    "Measurement",
    "MindBody",
    "NotFound",
    "Note",
    "Preferences",
    "Profile",
    "Regimen",
    "Sleep",
    "StorageError",
    "SymptomCheckin",
    "Therapy",
    "Trackable",
    "UnknownTerm",
    "open_database",
    "open_journal",
    "read_backup",
]
