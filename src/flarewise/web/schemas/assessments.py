"""The JSON the assessments page answers with under /api/, declared for the OpenAPI document
(derived from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class AssessmentsPageHistoryFindings(Answer):
    rule: str
    met: bool
    detail: str


class AssessmentsPageHistory(Answer):
    id: str
    date: str
    instrument: str
    scores: dict[str, float]
    met: bool | None
    label: str | None
    bands: dict[str, str]
    main: str
    value: float
    change: float | None
    findings: list[AssessmentsPageHistoryFindings]
    notes: list[str]


class AssessmentsPage(Answer):
    title: str
    history: list[AssessmentsPageHistory]
    saved: Any


__all__ = [
    "AssessmentsPage",
    "AssessmentsPageHistory",
    "AssessmentsPageHistoryFindings",
]
