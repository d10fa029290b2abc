"""The JSON the experiments page answers with under /api/, declared for the OpenAPI document
(derived from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class ExperimentsPageExperiments(Answer):
    id: str
    title: str
    status: str
    today: str
    days_planned: float
    days_elapsed: float
    ends: str
    adherence: Any


class ExperimentsPageTemplates(Answer):
    id: str
    title: str
    intervention: str
    outcome: str


class ExperimentsPageInterventions(Answer):
    id: str
    name: str


class ExperimentsPageOutcomes(Answer):
    id: str
    name: str


class ExperimentsPage(Answer):
    title: str
    experiments: list[ExperimentsPageExperiments]
    templates: list[ExperimentsPageTemplates]
    interventions: list[ExperimentsPageInterventions]
    outcomes: list[ExperimentsPageOutcomes]


class ExperimentPageProtocol(Answer):
    id: str
    title: str
    why: str
    design: str
    intervention: str
    substance: str
    outcome: str
    secondary: list[Any]
    lower_is_better: bool
    meaningful_change: float
    meaningful_percent: float
    meaningful_basis: str
    timing: Any
    start: str
    run_in_days: int
    baseline_days: int
    period_days: int
    washout_days: int
    order: list[str]
    seed: float
    dose: Any
    titration: list[Any]
    challenges: list[Any]
    window_days: int
    recovery_days: int
    eliminated: list[Any]
    concurrent: list[str]
    research: bool
    status: str
    pauses: list[Any]
    stopped_on: Any
    stop_reason: Any


class ExperimentPageStatus(Answer):
    id: str
    title: str
    status: str
    today: str
    days_planned: float
    days_elapsed: float
    ends: str
    adherence: Any


class ExperimentPage(Answer):
    title: str
    protocol: ExperimentPageProtocol
    status: ExperimentPageStatus
    result: Any
    intervals: list[Any]
    periods: list[Any]
    spec: Any


class InsightsPageFlares(Answer):
    start: str
    end: str
    peak: float
    baseline: float


class InsightsPageBaselines(Answer):
    measure: str
    median: float
    recent_mean: float
    trend_per_90_days: float | None
    days_observed: int
    name: str


class InsightsPage(Answer):
    title: str
    start: str
    end: str
    days: int
    completeness: float
    screen_status: str
    messages: list[str]
    tests_run: int
    hits_total: int
    cut: str
    explained: list[Any]
    association: str
    triggers: list[Any]
    flares: list[InsightsPageFlares]
    baselines: list[InsightsPageBaselines]


__all__ = [
    "ExperimentPage",
    "ExperimentPageProtocol",
    "ExperimentPageStatus",
    "ExperimentsPage",
    "ExperimentsPageExperiments",
    "ExperimentsPageInterventions",
    "ExperimentsPageOutcomes",
    "ExperimentsPageTemplates",
    "InsightsPage",
    "InsightsPageBaselines",
    "InsightsPageFlares",
]
