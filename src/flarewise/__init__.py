"""flarewise: a private fibromyalgia journal with honest statistics.

The public API is this module: open a journal, build records, record them.

The names are imported on first use (PEP 562): ``import flarewise.cli`` must not pay for SQLAlchemy
and pydantic before ``flarewise --help`` can answer.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOME = {
    "Activity": "flarewise.domain",
    "Assessment": "flarewise.domain",
    "Backup": "flarewise.domain",
    "BodySite": "flarewise.domain",
    "Condition": "flarewise.domain",
    "CustomValue": "flarewise.domain",
    "DaySummary": "flarewise.domain",
    "DoseStep": "flarewise.domain",
    "FoodPortion": "flarewise.domain",
    "Intake": "flarewise.domain",
    "LabResult": "flarewise.domain",
    "LifeEvent": "flarewise.domain",
    "Meal": "flarewise.domain",
    "Measurement": "flarewise.domain",
    "MindBody": "flarewise.domain",
    "Note": "flarewise.domain",
    "Preferences": "flarewise.domain",
    "Profile": "flarewise.domain",
    "Regimen": "flarewise.domain",
    "Sleep": "flarewise.domain",
    "SymptomCheckin": "flarewise.domain",
    "Therapy": "flarewise.domain",
    "Trackable": "flarewise.domain",
    "BackupError": "flarewise.errors",
    "Conflict": "flarewise.errors",
    "FlarewiseError": "flarewise.errors",
    "InvalidInput": "flarewise.errors",
    "NotFound": "flarewise.errors",
    "StorageError": "flarewise.errors",
    "UnknownTerm": "flarewise.errors",
    "Journal": "flarewise.journal",
    "open_database": "flarewise.journal",
    "open_journal": "flarewise.journal",
    "read_backup": "flarewise.journal",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        # `import flarewise; flarewise.journal` worked when everything was imported eagerly
        if importlib.util.find_spec(f"{__name__}.{name}") is not None:
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


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
