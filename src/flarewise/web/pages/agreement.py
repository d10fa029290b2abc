"""The review step before an experiment starts (issue 15 item 7): what it asks, on which dates,
what it will and will not tell, then Confirm (a POST with the CSRF token) starts it. Nothing is
asked of the person until they confirm: a planned experiment gives no instruction."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flarewise.journal import Journal
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, render, wants_json
from flarewise.web.schemas.experiments import ExperimentReviewPage, ExperimentsPageExperiments

router = APIRouter()


def review_data(j: Journal, eid: str) -> dict[str, Any]:
    p = j.experiment(eid)
    r = j.experiment_review(eid)
    today = j.today()
    return {
        "title": f"Review: {r.title}",
        "id": p.id,
        "status": p.status,
        "can_start": p.status == "planned",
        "days": r.days,
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "earliest": today.isoformat(),
        "suggested_start": max(p.start, today).isoformat(),
        "phases": [
            {
                "start": x.start.isoformat(),
                "end": x.end.isoformat(),
                "dates": f"{x.start:%a %d %b}" + ("" if x.days == 1 else f" to {x.end:%a %d %b}"),
                "days": x.days,
                "what": x.what,
            }
            for x in r.phases
        ],
        "daily": r.daily,
        "will_tell": r.will_tell,
        "will_not_tell": r.will_not_tell,
        "why": r.why,
        # experiments already running: two at once blur each other's results, so the review
        # says so before the person agrees (it was started silently beside the other one)
        "running": [x.title for x in j.experiments() if x.status == "running" and x.id != p.id],
    }


@router.get("/experiments/{eid}/review", include_in_schema=False)
@router.get(
    "/api/experiments/{eid}/review",
    summary="Review a planned experiment before agreeing to it",
    responses={200: {"model": ExperimentReviewPage, "description": "the page's data"}},
)
def review(eid: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "experiment_review.html", review_data(ctx.journal, eid))


@router.post(
    "/experiments/{eid}/start", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/experiments/{eid}/start",
    summary="Confirm a reviewed experiment: it starts on the chosen day (default today)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ExperimentsPageExperiments, "description": "its status now"}},
)
async def confirm(eid: str, request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    j = ctx.journal
    form = await forms.fields(request)
    raw = form.get("start")
    latest = j.today() + timedelta(days=365)
    on = forms.day(raw, "start", latest) if raw else None
    p = j.start_experiment(eid, on)
    if wants_json(request):
        return render(ctx, "", j.experiment_status(p.id))
    return redirect(f"/experiments/{p.id}")
