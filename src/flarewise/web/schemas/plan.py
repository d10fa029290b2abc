"""The JSON the plan page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from flarewise.web.schemas.base import Answer


class PlanPagePlanRedFlags(Answer):
    rule: str
    title: str
    evidence: str
    why: str
    suppresses: list[str]
    entry_id: str
    action: str
    severity: str


class PlanPagePlanOptionsWarnings(Answer):
    rule: str
    severity: str
    message: str
    involves: list[str]
    source: str
    overridden_by: Any
    subject: str | None
    partners: list[str]
    partner_severities: list[str]
    rank: float | None
    absorbed: list[str]


class PlanPagePlanOptions(Answer):
    intervention: str
    name: str
    category: str
    grade: str
    evidence: str
    citations: list[list[str]]
    rationale: list[str]
    dose: str | None
    dose_low: float | None
    dose_high: float | None
    dose_unit: str | None
    dose_per: str | None
    upper_limit: str | None
    how_to_try: str
    monitor: list[str]
    warnings: list[PlanPagePlanOptionsWarnings]
    prescription: bool
    popular_advice: str | None
    needs_sign_off: bool
    trial: str


class PlanPagePlanNotSuggested(Answer):
    intervention: str
    name: str
    grade: str
    reason: str
    rules: list[Any]


class PlanPagePlanNotOffered(Answer):
    intervention: str
    name: str
    grade: str
    rule: str
    reason: str
    rules: list[str]


class PlanPagePlan(Answer):
    on: str
    statement: str
    red_flags: list[PlanPagePlanRedFlags]
    current_warnings: list[Any]
    options: list[PlanPagePlanOptions]
    not_suggested: list[PlanPagePlanNotSuggested]
    popular_advice: list[list[str]]
    not_offered: list[PlanPagePlanNotOffered]
    #: inputs the plan could not check (a medicine flarewise does not recognise)
    missing: list[Any] = Field(default_factory=list)


class PlanPageItems(Answer):
    id: str
    name: str
    unit: str | None


class PlanPage(Answer):
    title: str
    plan: PlanPagePlan
    to_discuss: list[Any]
    items: list[PlanPageItems]
    names: dict[str, str]
    checked: Any


__all__ = [
    "PlanPage",
    "PlanPageItems",
    "PlanPagePlan",
    "PlanPagePlanNotOffered",
    "PlanPagePlanNotSuggested",
    "PlanPagePlanOptions",
    "PlanPagePlanOptionsWarnings",
    "PlanPagePlanRedFlags",
]
