"""The visit report as a PDF, made by the report job: Typst can take seconds on a year of
data, so the button submits a job (:mod:`flarewise.jobs`) and answers at once with a page that
follows it (refreshing itself without JavaScript, polling the JSON twin with it, as the import
page does) and then offers the download. Any server process may run the job and any may hand
out the file.

A person's jobs are theirs alone. A clinician asks for the report of a person who shares with
them: the job is the person's, marked with the clinician's name, and only that clinician sees
and downloads it, through a live grant, each look in the person's audit log (the
:func:`~flarewise.web.deps.shared` dependency); anyone else gets the ordinary "not found"."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from flarewise.errors import InvalidInput, NotFound
from flarewise.jobs import Queue
from flarewise.reports.render import PAPERS
from flarewise.sharing.access import NOTHING_HERE
from flarewise.web import forms
from flarewise.web.deps import (
    Context,
    check_csrf,
    job_queue,
    person,
    public_message,
    redirect,
    render,
    shared,
    wants_json,
)
from flarewise.web.schemas.report import ReportJob

router = APIRouter()
Jobs = Annotated[Queue, Depends(job_queue)]
Paper = Annotated[str, Form()]


def _submit(queue: Queue, owner: str, start: str, end: str, paper: str, by: str | None) -> str:
    """Check the form now (a mistake is answered on the spot, not by a worker) and queue."""
    first = forms.day(start, "from") if start.strip() else None
    last = forms.day(end, "to") if end.strip() else None
    if first is not None and last is not None and first > last:
        raise InvalidInput("to", "the period ends before it starts; pick the dates again")
    chosen = paper.strip().lower() or "a4"
    if chosen not in PAPERS:
        raise InvalidInput("paper", f"choose a4 or letter, not {paper!r}")
    return queue.submit_report(owner, first, last, chosen, requested_by=by)


def _job(queue: Queue, job_id: str, owner: str, by: str | None, base: str) -> dict[str, Any]:
    """The report job ``job_id`` of ``owner`` as pages show it; for a clinician (``by``), only
    a job they asked for. ``base``: the job's address, the download's under it."""
    refusal = NotFound(NOTHING_HERE if by is not None else job_id)
    try:
        job = queue.view(job_id, owner)
    except NotFound:
        raise refusal from None
    if job["kind"] != "report" or (by is not None and job["options"].get("requested_by") != by):
        raise refusal
    done = job["status"] == "done"
    result = job["result"] or {}
    options = job["options"]
    return {
        "id": job["id"],
        "status": "running" if job["status"] == "queued" else job["status"],
        "waiting": job["status"] == "queued",
        "paper": options.get("paper") or "a4",
        "start": options.get("start"),
        "end": options.get("end"),
        "file": result.get("file") if done else None,
        "bytes": result.get("bytes") if done else None,
        "download": f"{base}/download" if done else None,
        "error": None if job["error"] is None else public_message(job["error"]),
    }


def _page(ctx: Context, job: dict[str, Any], base: str, back: str) -> Response:
    view = {"job": job, "title": "Report PDF", "poll": f"/api{base}", "back": back}
    return render(ctx, "report_job.html", job, view=view)


def _pdf(queue: Queue, job: dict[str, Any], owner: str) -> Response:
    data = queue.output(job["id"], owner)
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{job["file"]}"'},
    )


def _me(ctx: Context) -> str:
    assert ctx.session is not None  # person() refused anonymous requests
    return ctx.session.handle


# -- the person's own report ------------------------------------------------------------------


@router.get("/report/pdf", include_in_schema=False)
def old_pdf_link(ctx: Annotated[Context, Depends(person)]) -> Response:
    """The PDF used to be a link; a saved one lands on the report page, whose button makes it."""
    query = ctx.request.url.query
    return redirect("/report" + (f"?{query}" if query else ""))


@router.post("/report/pdf", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/report/pdf",
    summary="Make the visit report as a PDF (a job: poll it, then download)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ReportJob, "description": "the job to poll"}},
)
def start_pdf(
    ctx: Annotated[Context, Depends(person)],
    queue: Jobs,
    start: Annotated[str, Form(alias="from")] = "",
    end: Annotated[str, Form(alias="to")] = "",
    paper: Paper = "a4",
) -> Response:
    job_id = _submit(queue, _me(ctx), start, end, paper, None)
    base = f"/report/pdf/{job_id}"
    if wants_json(ctx.request):
        return render(ctx, "", _job(queue, job_id, _me(ctx), None, base))
    return redirect(base)


@router.get("/report/pdf/{job_id}", include_in_schema=False)
@router.get(
    "/api/report/pdf/{job_id}",
    summary="A report PDF job: waiting, being made, done (with where to download it) or failed",
    responses={200: {"model": ReportJob, "description": "the job"}},
)
def pdf_job(job_id: str, ctx: Annotated[Context, Depends(person)], queue: Jobs) -> Response:
    base = f"/report/pdf/{job_id}"
    return _page(ctx, _job(queue, job_id, _me(ctx), None, base), base, "/report")


@router.get("/report/pdf/{job_id}/download", include_in_schema=False)
def pdf_download(job_id: str, ctx: Annotated[Context, Depends(person)], queue: Jobs) -> Response:
    job = _job(queue, job_id, _me(ctx), None, f"/report/pdf/{job_id}")
    if job["status"] != "done":
        raise NotFound(job_id)
    return _pdf(queue, job, _me(ctx))


# -- a clinician's copy of a person's report --------------------------------------------------

Asked = Annotated[Context, Depends(shared("report", "visit report PDF"))]


@router.post(
    "/clinic/{handle}/report/pdf", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/clinic/{handle}/report/pdf",
    summary="Make one person's visit report as a PDF (a job: poll it, then download)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ReportJob, "description": "the job to poll"}},
)
def clinic_start_pdf(
    handle: str,
    ctx: Asked,
    queue: Jobs,
    start: Annotated[str, Form(alias="from")] = "",
    end: Annotated[str, Form(alias="to")] = "",
    paper: Paper = "a4",
) -> Response:
    job_id = _submit(queue, handle, start, end, paper, _me(ctx))
    base = f"/clinic/{handle}/report/pdf/{job_id}"
    if wants_json(ctx.request):
        return render(ctx, "", _job(queue, job_id, handle, _me(ctx), base))
    return redirect(base)


@router.get("/clinic/{handle}/report/pdf/{job_id}", include_in_schema=False)
@router.get(
    "/api/clinic/{handle}/report/pdf/{job_id}",
    summary="A report PDF job you asked for (through your grant)",
    responses={200: {"model": ReportJob, "description": "the job"}},
)
def clinic_pdf_job(handle: str, job_id: str, ctx: Asked, queue: Jobs) -> Response:
    base = f"/clinic/{handle}/report/pdf/{job_id}"
    job = _job(queue, job_id, handle, _me(ctx), base)
    return _page(ctx, job, base, f"/clinic/{handle}/report")


@router.get("/clinic/{handle}/report/pdf/{job_id}/download", include_in_schema=False)
def clinic_pdf_download(handle: str, job_id: str, ctx: Asked, queue: Jobs) -> Response:
    job = _job(queue, job_id, handle, _me(ctx), f"/clinic/{handle}/report/pdf/{job_id}")
    if job["status"] != "done":
        raise NotFound(NOTHING_HERE)
    return _pdf(queue, job, handle)
