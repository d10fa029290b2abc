"""The JSON the labs page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class LabsPageRedFlags(Answer):
    rule: str
    title: str
    evidence: str
    why: str
    action: str


class LabsPageResults(Answer):
    id: str
    date: str
    loinc: str
    name: str
    value: float
    value_text: Any
    unit: str
    flag: str
    low: float | None
    high: float
    interval_source: str
    categories: list[str]
    caveats: list[str]
    research_marker: bool


class LabsPageAnalytes(Answer):
    loinc: str
    name: str
    label: str


class LabsPageChosen(Answer):
    loinc: str
    name: str
    units: list[str]


class LabsPage(Answer):
    title: str
    red_flags: list[LabsPageRedFlags]
    results: list[LabsPageResults]
    analytes: list[LabsPageAnalytes]
    chosen: LabsPageChosen | None
    today: str
    saved: Any


class LabTrendPageRows(Answer):
    id: str
    date: str
    loinc: str
    name: str
    value: float
    value_text: Any
    unit: str
    flag: str
    low: float
    high: float
    interval_source: str
    categories: list[Any]
    caveats: list[Any]
    research_marker: bool


class LabTrendPage(Answer):
    title: str
    name: str
    rows: list[LabTrendPageRows]
    spec: dict[str, Any]
    latest: LabTrendPageRows


__all__ = [
    "LabTrendPage",
    "LabTrendPageRows",
    "LabsPage",
    "LabsPageAnalytes",
    "LabsPageChosen",
    "LabsPageRedFlags",
    "LabsPageResults",
]
