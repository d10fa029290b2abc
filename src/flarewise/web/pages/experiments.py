"""Experiments and insights: design an experiment from a template, a plan item or an insight
(saved as planned; it starts only after its review is confirmed, web/pages/agreement.py); today's
phase and instruction; results with interval plots and honest "not enough data yet";
triggers with their effects and uncertainty."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flarewise.errors import InvalidInput, NotFound
from flarewise.journal import Journal
from flarewise.reports import charts
from flarewise.web.deps import Context, check_csrf, person, redirect, render, wants_json
from flarewise.web.pages.agreement import review_data
from flarewise.web.schemas.experiments import (
    ExperimentPage,
    ExperimentReviewPage,
    ExperimentsPage,
    InsightsPage,
)

if TYPE_CHECKING:
    from flarewise.analysis.insights import Insights, Trigger

router = APIRouter()
#: Starting points for common questions (each is designed from the person's own baseline).
TEMPLATES = (
    ("magnesium_sleep", "Does magnesium help my sleep?", "magnesium", "sleep_quality"),
    ("exercise_pain", "Does gentle daily exercise change my pain?", "aerobic_exercise", "pain"),
    ("vitamin_d_fatigue", "Does vitamin D change my fatigue?", "vitamin_d", "fatigue"),
    (
        "movement_pain",
        "Does tai chi, qigong or yoga change my pain?",
        "meditative_movement",
        "pain",
    ),
    (
        "breathing_stress",
        "Do breathing exercises lower my stress?",
        "breathing_relaxation",
        "stress",
    ),
)
Text = Annotated[str, Form()]


def _templates(j: Journal) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(offered, not offered) templates: one that corrects only a documented low level without
    one, or for something the person already takes, is not offered as a new start; it is
    listed with the reason in words (plan/eligibility.py, the same gate as the plan)."""
    from flarewise.plan.eligibility import can_start_item  # imported on use: start-up stays light

    v = j.vocabulary
    ctx = j.plan_context()
    offered: list[dict[str, str]] = []
    not_offered: list[dict[str, str]] = []
    for t, title, i, o in TEMPLATES:
        if i not in v.interventions and i not in v.substances:
            continue
        gate = can_start_item(ctx, v, i)
        row = {"id": t, "title": title, "intervention": i, "outcome": o}
        if gate.offered:
            offered.append(row)
        else:
            already = gate.verdict == "already_taking"
            status = "already taking" if already else "not offered now"
            not_offered.append({**row, "status": status, "reason": gate.reason})
    return offered, not_offered


def experiments_data(j: Journal) -> dict[str, Any]:
    v = j.vocabulary
    offered, not_offered = _templates(j)
    return {
        "title": "Experiments",
        "experiments": [j.experiment_status(p.id) for p in j.experiments()],
        "templates": offered,
        "templates_not_offered": not_offered,
        "interventions": sorted(
            ({"id": i.id, "name": i.name} for i in v.interventions.values()),
            key=lambda x: x["name"].lower(),
        ),
        "outcomes": [{"id": s, "name": v.name_of("symptom", s)} for s in sorted(v.ids("symptom"))],
    }


@router.get("/experiments", include_in_schema=False)
@router.get(
    "/api/experiments",
    summary="Your experiments with today's instruction",
    responses={200: {"model": ExperimentsPage, "description": "the page's data"}},
)
def experiments(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "experiments.html", experiments_data(ctx.journal))


def _start(j: Journal, intervention: str, outcome: str, design: str, why: str | None) -> str:
    protocol, _advice = j.design_experiment(
        intervention, outcome, design=design, why=why, without_baseline=True
    )
    saved = j.add_experiment(protocol)
    return saved.id


@router.post("/experiments", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/experiments",
    summary="Design an experiment (saved as planned, not started) and answer with its review",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ExperimentReviewPage, "description": "the review to confirm"}},
)
def start(
    request: Request,
    ctx: Annotated[Context, Depends(person)],
    intervention: Text,
    outcome: Text,
    design: Text = "randomised_blocks",
) -> Response:
    if design not in ("randomised_blocks", "ab"):
        raise InvalidInput("design", "choose randomised blocks or a simple before/after")
    eid = _start(ctx.journal, intervention, outcome, design, None)
    if wants_json(request):
        return render(ctx, "", review_data(ctx.journal, eid))
    return redirect(f"/experiments/{eid}/review")


@router.post("/experiments/from-plan", include_in_schema=False, dependencies=[Depends(check_csrf)])
def from_plan(ctx: Annotated[Context, Depends(person)], intervention: Text) -> Response:
    eid = _start(ctx.journal, intervention, "pain", "randomised_blocks", "From my plan")
    return redirect(f"/experiments/{eid}/review")


@router.post(
    "/experiments/from-insight", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def from_insight(
    ctx: Annotated[Context, Depends(person)], exposure: Text, outcome: Text, lag: Text
) -> Response:
    j = ctx.journal
    found = next(
        (
            t
            for t in j.insights(max_hits=None).triggers
            if t.exposure == exposure and t.outcome == outcome and str(t.lag) == lag
        ),
        None,
    )
    if found is None:
        raise NotFound("no such finding")
    protocol, _ = j.design_from_finding(found)
    saved = j.add_experiment(protocol)
    return redirect(f"/experiments/{saved.id}/review")


def experiment_data(j: Journal, eid: str) -> dict[str, Any]:
    p = j.experiment(eid)
    status = j.experiment_status(eid)
    result = j.analyze_experiment(eid) if p.status != "planned" else None
    rows: list[dict[str, Any]] = []
    if result is not None and result.analysis is not None:
        a = result.analysis
        if a.primary is not None:
            rows.append(
                {
                    "label": "With vs without (main analysis)",
                    "estimate": a.primary.effect,
                    "low": a.primary.ci_low,
                    "high": a.primary.ci_high,
                }
            )
        if a.paired is not None:
            paired = asdict(a.paired)
            if paired.get("ci_low") is not None:
                rows.append(
                    {
                        "label": "Paired blocks (check)",
                        "estimate": paired.get("mean"),
                        "low": paired.get("ci_low"),
                        "high": paired.get("ci_high"),
                    }
                )
    return {
        "title": p.title,
        "protocol": p.model_dump(mode="json"),
        "status": status,
        "result": None if result is None else asdict(result),
        "intervals": rows,
        "periods": []
        if result is None or result.analysis is None
        else [asdict(pm) for pm in result.analysis.periods],
        "spec": charts.intervals(rows, "points") if rows else None,
    }


@router.get("/experiments/{eid}", include_in_schema=False)
@router.get(
    "/api/experiments/{eid}",
    summary="One experiment: protocol, today, results",
    responses={200: {"model": ExperimentPage, "description": "the page's data"}},
)
def experiment(eid: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "experiment.html", experiment_data(ctx.journal, eid))


@router.post(
    "/experiments/{eid}/status", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def set_status(eid: str, ctx: Annotated[Context, Depends(person)], status: Text) -> Response:
    if status not in ("running", "paused", "stopped", "finished"):
        raise InvalidInput("status", f"{status!r} is not a state an experiment can move to")
    if status == "running" and ctx.journal.experiment(eid).status == "planned":
        return redirect(f"/experiments/{eid}/review")  # a planned one starts only once reviewed
    ctx.journal.set_experiment_status(eid, status)
    return redirect(f"/experiments/{eid}")


@router.post("/experiments/{eid}/dose", include_in_schema=False, dependencies=[Depends(check_csrf)])
def log_dose(eid: str, ctx: Annotated[Context, Depends(person)], skipped: Text = "") -> Response:
    ctx.journal.log_experiment_dose(eid, skipped=skipped == "yes")
    return redirect(f"/experiments/{eid}")


def insights_data(j: Journal, show_all: bool = False) -> dict[str, Any]:
    """The insights page's data (and its JSON) for this journal: see ``insights_view``."""
    return insights_view(j.insights(max_hits=None if show_all else 20))


def insights_view(ins: Insights) -> dict[str, Any]:
    """The insights page's data from an insights result: each trigger with its effect in
    words, unit, timing, n, q and what it cannot show; the links explained by others and those
    gone after adjusting listed apart; the cut stated when not all are listed."""
    from flarewise.analysis import trigger_wording as words

    def row(t: Trigger) -> dict[str, Any]:
        return {
            "exposure": t.exposure,
            "exposure_name": t.exposure_name,
            "outcome": t.outcome,
            "outcome_name": t.outcome_name,
            "lag": t.lag,
            "when": words.when(t),
            "n": t.n,
            "q": t.q,
            "q_text": words.format_q(t.q),
            "direction": t.direction,
            "effect": asdict(t.effect) if t.effect is not None else None,
            "effect_text": words.effect_text(t),
            "unit": t.unit,
            "outcome_unit": t.outcome_unit,
            "sentence": words.sentence(t),
            "notes": words.notes(t),
            "possible_consequence": t.possible_consequence,
            "order_unclear": t.order_unclear,
            "explained": t.explained,
            "adjusted_for": list(t.adjusted_for),
            "explained_by": list(t.explained_by),
            "unconfirmed": t.unconfirmed,
            "testable": t.test_this is not None,
        }

    triggers = [row(t) for t in ins.triggers]
    explained = [row(t) for t in ins.explained]
    unconfirmed = [row(t) for t in ins.unconfirmed]
    return {
        "title": "Insights",
        "start": ins.start.isoformat(),
        "end": ins.end.isoformat(),
        "days": ins.days,
        "completeness": round(ins.completeness, 3),
        "screen_status": ins.screen_status,
        "messages": [m for m in ins.messages if "strongest first" not in m],
        "tests_run": ins.tests_run,
        "hits_total": ins.hits_total,
        "cut": words.cut_text(len(triggers) + len(explained) + len(unconfirmed), ins.hits_total),
        "explained": explained,
        "unconfirmed": unconfirmed,
        "unconfirmed_heading": words.UNCONFIRMED_HEADING,
        "unconfirmed_intro": words.UNCONFIRMED_INTRO,
        "q_meaning": words.Q_MEANING,
        "association": words.ASSOCIATION,
        "triggers": triggers,
        "flares": [
            {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(f).items()}
            for f in ins.flares
        ],
        "baselines": [asdict(b) for b in ins.baselines],
    }


@router.get("/insights", include_in_schema=False)
@router.get(
    "/api/insights",
    summary="Baselines, flares and possible triggers with uncertainty",
    responses={200: {"model": InsightsPage, "description": "the page's data"}},
)
def insights(ctx: Annotated[Context, Depends(person)], all: bool = False) -> Response:
    return render(ctx, "insights.html", insights_data(ctx.journal, show_all=all))
