"""Report: the visit report for a chosen period, as a print-friendly page and the same data as
JSON (the PDF is made by a job: :mod:`flarewise.web.pages.report_pdf`); and the person's
questions for the next visit."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response

from flarewise.journal import Journal
from flarewise.reports import VisitReport, render
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, wants_json
from flarewise.web.deps import render as render_page
from flarewise.web.schemas.report import ReportPage

router = APIRouter()


def _day(raw: str | None, field: str) -> date | None:
    return forms.day(raw, field) if raw else None


def visit_for(j: Journal, start: str | None, end: str | None) -> VisitReport:
    """The report for the period the query names (the clinic's report view shares it)."""
    return j.visit_report(_day(start, "from"), _day(end, "to"))


@router.get("/report", include_in_schema=False)
@router.get(
    "/api/report",
    summary="The visit report for a period (default: the last 90 days)",
    responses={200: {"model": ReportPage, "description": "the page's data"}},
)
def report(
    ctx: Annotated[Context, Depends(person)],
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    j = ctx.journal
    with j.reading():  # one transaction for the report's dozen reads
        visit = visit_for(j, start, end)
        first, last = j.date_span()
        questions = j.visit_questions() or ""
    if wants_json(ctx.request):
        return render_page(ctx, "report.html", visit.to_json())
    page = {
        "title": "Report",
        "report_html": render.html(visit, standalone=False),
        "period": {"from": visit.period.start.isoformat(), "to": visit.period.end.isoformat()},
        "span": {"first": first, "last": last},
        "questions": questions,
        "saved": ctx.request.query_params.get("saved"),
    }
    return render_page(ctx, "report.html", {}, view=page)


@router.post("/report/questions", include_in_schema=False, dependencies=[Depends(check_csrf)])
def save_questions(
    ctx: Annotated[Context, Depends(person)],
    questions: Annotated[str, Form()] = "",
) -> Response:
    ctx.journal.set_visit_questions(questions)
    return redirect("/report?saved=1")
