"""The clinician's side: the people who shared with them (with what changed since the last
visit), accepting a code, and per person the overview, the visit report, timeline, labs and
plan (the patient pages' own data functions, on the shared journal that
:func:`flarewise.web.deps.shared` opened through the grant and wrote to the audit log), plus
notes and plan overrides under an ``annotate`` grant.

Every refusal is the ordinary "not found" answer: a clinician cannot tell a person who never
shared from one who does not exist."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query
from fastapi.responses import Response

from flarewise.reports import render as report_render
from flarewise.sharing import changes, clinic, invitations, notes
from flarewise.sharing.scopes import allows
from flarewise.web.deps import Context, check_csrf, redirect, render, role, shared, via, wants_json
from flarewise.web.pages.labs import labs_data
from flarewise.web.pages.plan import plan_data
from flarewise.web.pages.report import visit_for
from flarewise.web.pages.sharing import iso, note_answer
from flarewise.web.pages.timeline import timeline_data
from flarewise.web.schemas.labs import LabsPage
from flarewise.web.schemas.plan import PlanPage
from flarewise.web.schemas.report import ReportPage
from flarewise.web.schemas.sharing import ClinicPage, ClinicPersonPage
from flarewise.web.schemas.timeline import TimelinePage

router = APIRouter()
Clinician = Annotated[Context, Depends(role("clinician"))]
Text = Annotated[str, Form()]


def _changes(c: changes.Changes) -> dict[str, Any]:
    return {
        "first_visit": c.first_visit,
        "new_red_flags": list(c.new_red_flags),
        "new_warnings": list(c.new_warnings),
        "fiqr": c.fiqr,
        "fiqr_before": c.fiqr_before,
        "fiqr_change": c.fiqr_change,
    }


def _me(ctx: Context) -> str:
    assert ctx.session is not None
    return ctx.session.handle


@router.get("/clinic", include_in_schema=False)
@router.get(
    "/api/clinic",
    summary="The people who shared their journal with you, and what changed since your visit",
    responses={200: {"model": ClinicPage, "description": "the page's data"}},
)
def clinic_page(ctx: Clinician) -> Response:
    return render(ctx, "clinic.html", clinic_data(ctx, ctx.request.query_params.get("accepted")))


def clinic_data(ctx: Context, accepted: str | None) -> dict[str, Any]:
    people = clinic.patients(ctx.request.app.state.db, _me(ctx), via=via(ctx.request))
    return {
        "title": "Clinic",
        "people": [
            {
                "handle": p.handle,
                "name": p.name,
                "scope": p.scope,
                "since": iso(p.since),
                "until": iso(p.until),
                "last_visit": iso(p.last_visit),
                "changes": _changes(p.changes),
            }
            for p in people
        ],
        "accepted": accepted,
    }


@router.post("/clinic/accept", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/clinic/accept",
    summary="Accept a person's sharing code",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ClinicPage, "description": "your list, with the new person"}},
)
def accept(ctx: Clinician, code: Text) -> Response:
    done = invitations.accept(ctx.request.app.state.db, _me(ctx), code)
    if wants_json(ctx.request):
        return render(ctx, "clinic.html", clinic_data(ctx, done.owner))
    return redirect(f"/clinic?accepted={done.owner}")


def _pages(scope: str) -> list[str]:
    return ["report", "timeline", "labs", "plan"] if allows(scope, "read") else ["report"]


@router.get("/clinic/{handle}", include_in_schema=False)
@router.get(
    "/api/clinic/{handle}",
    summary="One person: what changed since your last visit, your notes and overrides",
    responses={200: {"model": ClinicPersonPage, "description": "the page's data"}},
)
def person_page(
    handle: str, ctx: Annotated[Context, Depends(shared("report", "overview"))]
) -> Response:
    data = person_data(ctx, handle, ctx.request.query_params.get("done"))
    rules = _rule_choices(ctx) if data["scope"] == "annotate" else []
    return render(ctx, "clinic_person.html", data, view={"rules": rules})


def _rule_choices(ctx: Context) -> list[tuple[str, str]]:
    """Every safety rule as (id, what it says, shortened), for the override form: the plan's
    pages show a warning's words, not its rule id, so a clinician picks from the list instead of
    typing an id they were never shown."""
    assert ctx.shared is not None
    rules = ctx.shared.journal.vocabulary.safety_rules.values()
    return [(r.id, _short(r.says)) for r in sorted(rules, key=lambda r: r.id)]


def _short(says: str, limit: int = 110) -> str:
    first = says.split(". ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def person_data(ctx: Context, handle: str, done: str | None) -> dict[str, Any]:
    """The overview of one person; opening it is a visit (the clinic list compares with it)."""
    assert ctx.shared is not None
    j = ctx.shared.journal
    grant = ctx.shared
    seen = clinic.last_seen(grant)
    now = clinic.current_summary(grant)
    clinic.visit(grant, now)
    full = allows(grant.scope, "read")
    return {
        "title": handle,
        "handle": handle,
        "name": j.profile().display_name,
        "scope": grant.scope,
        "changes": _changes(changes.since(seen, now)),
        "notes": [
            note_answer(n, can_amend=grant.scope == "annotate" and n.clinician == grant.clinician)
            for n in (notes.notes_of(grant) if full else [])
        ],
        "overrides": [
            {
                "rule": o.rule,
                "item": o.item,
                "clinician": o.clinician,
                "on": o.on.isoformat(),
                "note": o.note,
            }
            for o in (j.profile().overrides if full else ())
        ],
        "pages": _pages(grant.scope),
        "done": done,
    }


def _view(ctx: Context, handle: str, view: str, data: dict[str, Any], **extra: Any) -> Response:
    """A clinic view of the patient pages' data: the same JSON, a read-only page."""
    assert ctx.shared is not None
    shown = {"handle": handle, "view": view, "pages": _pages(ctx.shared.scope), **extra}
    return render(ctx, "clinic_view.html", data, view=shown)


@router.get("/clinic/{handle}/report", include_in_schema=False)
@router.get(
    "/api/clinic/{handle}/report",
    summary="One person's visit report (the same data as their own report page)",
    responses={200: {"model": ReportPage, "description": "the page's data"}},
)
def report_view(
    handle: str,
    ctx: Annotated[Context, Depends(shared("report", "visit report"))],
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
) -> Response:
    assert ctx.shared is not None
    with ctx.shared.journal.reading():  # one transaction for the report's dozen reads
        visit = visit_for(ctx.shared.journal, start, end)
    if start is None and end is None:  # the default period is what the clinic list reads
        clinic.visit(ctx.shared, changes.summary(visit))
    html = report_render.html(visit, standalone=False)
    period = {"from": visit.period.start.isoformat(), "to": visit.period.end.isoformat()}
    return _view(ctx, handle, "report", visit.to_json(), report_html=html, pdf_period=period)


@router.get("/clinic/{handle}/timeline", include_in_schema=False)
@router.get(
    "/api/clinic/{handle}/timeline",
    summary="One person's timeline (the same data as their own timeline page)",
    responses={200: {"model": TimelinePage, "description": "the page's data"}},
)
def timeline_view(
    handle: str,
    ctx: Annotated[Context, Depends(shared("read", "timeline"))],
    range: str = "90",
    page: int = 1,
) -> Response:
    data = timeline_data(ctx.journal, range, page)
    data["table_open"] = "page" in ctx.request.query_params
    return _view(ctx, handle, "timeline", data)


@router.get("/clinic/{handle}/labs", include_in_schema=False)
@router.get(
    "/api/clinic/{handle}/labs",
    summary="One person's lab results (the same data as their own labs page)",
    responses={200: {"model": LabsPage, "description": "the page's data"}},
)
def labs_view(handle: str, ctx: Annotated[Context, Depends(shared("read", "labs"))]) -> Response:
    data = labs_data(ctx.journal, None)
    data["saved"] = None
    return _view(ctx, handle, "labs", data)


@router.get("/clinic/{handle}/plan", include_in_schema=False)
@router.get(
    "/api/clinic/{handle}/plan",
    summary="One person's plan (the same data as their own plan page)",
    responses={200: {"model": PlanPage, "description": "the page's data"}},
)
def plan_view(handle: str, ctx: Annotated[Context, Depends(shared("read", "plan"))]) -> Response:
    return _view(ctx, handle, "plan", plan_data(ctx))


@router.post("/clinic/{handle}/notes", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/clinic/{handle}/notes",
    summary="Add a clinician note (needs an annotate grant)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ClinicPersonPage, "description": "the person's page"}},
)
def add_note(handle: str, ctx: Clinician, text: Text) -> Response:
    notes.add_note(ctx.request.app.state.db, _me(ctx), handle, text, via=via(ctx.request))
    return _after_write(ctx, handle, "note")


@router.post(
    "/clinic/{handle}/notes/{note_id}/amend",
    include_in_schema=False,
    dependencies=[Depends(check_csrf)],
)
@router.post(
    "/api/clinic/{handle}/notes/{note_id}/amend",
    summary="Amend your own note: the earlier text stays, marked superseded (needs annotate)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ClinicPersonPage, "description": "the person's page"}},
)
def amend_note(handle: str, note_id: int, ctx: Clinician, text: Text) -> Response:
    db = ctx.request.app.state.db
    notes.amend_note(db, _me(ctx), handle, note_id, text, via=via(ctx.request))
    return _after_write(ctx, handle, "amended")


@router.post(
    "/clinic/{handle}/overrides", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/clinic/{handle}/overrides",
    summary="Record a plan override: go past a safety rule for one item (needs annotate)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ClinicPersonPage, "description": "the person's page"}},
)
def add_override(handle: str, ctx: Clinician, rule: Text, item: Text, note: Text = "") -> Response:
    notes.add_override(
        ctx.request.app.state.db,
        _me(ctx),
        handle,
        rule.strip(),
        item.strip(),
        note,
        via=via(ctx.request),
    )
    return _after_write(ctx, handle, "override")


def _after_write(ctx: Context, handle: str, done: str) -> Response:
    if not wants_json(ctx.request):
        return redirect(f"/clinic/{handle}?done={done}")
    opened = shared("report", "overview")(handle, ctx)
    return render(opened, "clinic_person.html", person_data(opened, handle, done))
