"""The JSON the timeline page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class TimelinePageSymptoms(Answer):
    date: str
    symptom: str
    value: float


class TimelinePageTable(Answer):
    date: str
    values: dict[str, float]


class TimelinePageMedicines(Answer):
    medicine: str
    dose: str
    label: str
    start: str
    end: str


class TimelinePagePhases(Answer):
    experiment: str
    phase: str
    label: str
    block: float
    start: str
    end: str


class TimelinePageLabs(Answer):
    date: str
    analyte: str
    value: float
    unit: str
    flag: str
    label: str


class TimelinePage(Answer):
    title: str
    range: str
    start: str
    end: str
    symptoms: list[TimelinePageSymptoms]
    measures: list[str]
    table: list[TimelinePageTable]
    table_page: int
    table_pages: int
    medicines: list[TimelinePageMedicines]
    phases: list[TimelinePagePhases]
    labs: list[TimelinePageLabs]
    spec: dict[str, Any]
    table_open: bool


__all__ = [
    "TimelinePage",
    "TimelinePageLabs",
    "TimelinePageMedicines",
    "TimelinePagePhases",
    "TimelinePageSymptoms",
    "TimelinePageTable",
]
