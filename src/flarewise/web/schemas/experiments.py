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
    dose_today: bool


class ExperimentsPageTemplates(Answer):
    id: str
    title: str
    intervention: str
    outcome: str


class ExperimentsPageTemplatesNotOffered(Answer):
    """A template not offered as a new start: "already taking", or "not offered now" (e.g. it
    corrects only a documented low level and there is none), with the reason in words."""

    id: str
    title: str
    intervention: str
    outcome: str
    status: str
    reason: str


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
    templates_not_offered: list[ExperimentsPageTemplatesNotOffered]
    interventions: list[ExperimentsPageInterventions]
    outcomes: list[ExperimentsPageOutcomes]


class InsightsPageTriggersEffect(Answer):
    effect: float
    ci_low: float
    ci_high: float
    n: int


class InsightsPageTriggers(Answer):
    exposure: str
    exposure_name: str
    outcome: str
    outcome_name: str
    lag: float
    when: str
    n: int
    q: float
    q_text: str
    direction: str
    effect: InsightsPageTriggersEffect | None
    effect_text: str
    unit: str
    outcome_unit: str
    sentence: str
    notes: list[str]
    possible_consequence: bool
    order_unclear: bool
    explained: bool
    adjusted_for: list[str]
    explained_by: list[Any]
    unconfirmed: bool
    testable: bool


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
    explained: list[InsightsPageTriggers]
    unconfirmed: list[InsightsPageTriggers]
    unconfirmed_heading: str
    unconfirmed_intro: str
    q_meaning: str
    association: str
    triggers: list[InsightsPageTriggers]
    flares: list[InsightsPageFlares]
    baselines: list[InsightsPageBaselines]


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


class ExperimentPagePeriods(Answer):
    """One period of a running experiment (seen in runs whose randomisation had one)."""

    period: float
    block: float
    arm: str
    mean: Any
    days_used: float
    days_planned: float
    effective: float


class ExperimentPageResultAnalysis(Answer):
    primary: Any
    periods: list[ExperimentPagePeriods]
    paired: Any
    randomisation_p: Any
    min_possible_p: Any
    p_any_improvement: Any
    p_meaningful_improvement: Any
    days_compared: float
    days_missing: float
    trend_per_30_days: Any
    notes: list[Any]
    phi: float
    effective_control: float
    effective_treated: float
    meaningful: float


class ExperimentPageResultAdherence(Answer):
    intervention_days: int
    taken_on_intervention_days: int
    control_days: int
    taken_on_control_days: int


class ExperimentPageResultAdequacyPlan(Answer):
    period: float
    arm: float
    days: int


class ExperimentPageResultAdequacy(Answer):
    enough: bool
    pairs: float
    effective_control: float
    effective_treated: float
    thin_periods: list[Any]
    empty_periods: list[Any]
    plan: list[ExperimentPageResultAdequacyPlan]
    extra_pairs: float
    few_pairs: bool


class ExperimentPageResult(Answer):
    protocol_id: str
    outcome: str
    design: str
    enough_data: bool
    message: str
    verdict: Any
    analysis: ExperimentPageResultAnalysis
    adherence: ExperimentPageResultAdherence
    days_planned: float
    days_elapsed: float
    caveats: list[str]
    foods: list[Any]
    adequacy: ExperimentPageResultAdequacy
    probabilities: Any
    randomisation: Any
    open_label: bool


class ExperimentPage(Answer):
    title: str
    protocol: ExperimentPageProtocol
    status: ExperimentsPageExperiments
    result: ExperimentPageResult | None
    intervals: list[Any]
    periods: list[ExperimentPagePeriods]
    spec: Any


__all__ = [
    "ExperimentPage",
    "ExperimentPagePeriods",
    "ExperimentPageProtocol",
    "ExperimentPageResult",
    "ExperimentPageResultAdequacy",
    "ExperimentPageResultAdequacyPlan",
    "ExperimentPageResultAdherence",
    "ExperimentPageResultAnalysis",
    "ExperimentsPage",
    "ExperimentsPageExperiments",
    "ExperimentsPageInterventions",
    "ExperimentsPageOutcomes",
    "ExperimentsPageTemplates",
    "ExperimentsPageTemplatesNotOffered",
    "InsightsPage",
    "InsightsPageBaselines",
    "InsightsPageFlares",
    "InsightsPageTriggers",
    "InsightsPageTriggersEffect",
]


class ExperimentReviewPhase(Answer):
    start: str
    end: str
    dates: str
    days: int
    what: str


class ExperimentReviewPage(Answer):
    title: str
    id: str
    status: str
    can_start: bool
    days: int
    start: str
    end: str
    earliest: str
    suggested_start: str
    phases: list[ExperimentReviewPhase]
    daily: list[str]
    will_tell: list[str]
    will_not_tell: list[str]
    why: str | None
    running: list[str]
