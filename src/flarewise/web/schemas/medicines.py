"""The JSON the medicines page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class MedicinesPageMedicinesHistory(Answer):
    start: str
    dose: str
    times_per_day: float


class MedicinesPageMedicines(Answer):
    id: str
    name: str
    substance: str
    active: bool
    dose: str
    times_per_day: float
    as_needed: bool
    start: str
    stop: Any
    history: list[MedicinesPageMedicinesHistory]
    reason: str
    source: str
    strength: Any
    #: "not recognised: interactions not checked" for a medicine outside the vocabulary
    note: str | None = None


class MedicinesPageAdherenceRowsWeeks(Answer):
    taken: int
    skipped: int


class MedicinesPageAdherenceRows(Answer):
    name: str
    weeks: list[MedicinesPageAdherenceRowsWeeks]


class MedicinesPageAdherence(Answer):
    weeks: list[str]
    labels: list[str]
    rows: list[MedicinesPageAdherenceRows]


class MedicinesPage(Answer):
    title: str
    today: str
    medicines: list[MedicinesPageMedicines]
    substances: list[str]
    units: list[str]
    product_units: list[str]
    ask_populations: bool
    adherence: MedicinesPageAdherence


__all__ = [
    "MedicinesPage",
    "MedicinesPageAdherence",
    "MedicinesPageAdherenceRows",
    "MedicinesPageAdherenceRowsWeeks",
    "MedicinesPageMedicines",
    "MedicinesPageMedicinesHistory",
]
