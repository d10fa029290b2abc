"""Import (upload, progress, the import report) and export (tidy CSV, FHIR, the full backup),
and restoring a backup.

An upload is streamed (size-capped) into a private folder every server process can read, and
queued (:mod:`flarewise.jobs`); whichever process's worker claims it runs the same
``Journal.import_file`` the CLI uses and writes its progress to the job's row, so the job page
shows it whichever process serves the page (it refreshes itself without JavaScript, and polls
``/api/import/{job}`` with it) and then the report. A job is visible only to the person who
started it.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from flarewise import importers
from flarewise.errors import InvalidInput, NotFound
from flarewise.jobs import Queue
from flarewise.jobs.imports import MAPPING_FOLDER, import_options
from flarewise.web.deps import (
    Context,
    check_csrf,
    job_queue,
    person,
    public_message,
    redirect,
    render,
)
from flarewise.web.limits import too_large
from flarewise.web.schemas import ImportJob, ImportStarted
from flarewise.web.schemas.data import DataPage

router = APIRouter()
EXPORTS = {
    "csv": ("export_csv", "text/csv", "csv"),
    "fhir": ("export_fhir", "application/fhir+json", "fhir.json"),
    "json": ("export_json", "application/json", "json"),
}


_UNSAFE = re.compile(r"[^\w.+ -]")


def safe_name(filename: str | None) -> str:
    """The upload's name as a plain file name in our own folder: the last part of what the
    browser sent, without control characters (a NUL byte), separators or leading dots, so
    ``..``, ``a/../../b`` or ``\x00`` can never name anything but a new file; ``upload`` when
    nothing is left. The extension is kept (it helps to tell formats apart)."""
    last = re.split(r"[/\\]", filename or "")[-1]
    cleaned = _UNSAFE.sub("_", last).lstrip(". ").strip()[-100:]
    return cleaned or "upload"


def _save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """Stream the upload to ``folder`` in 1 MiB pieces, refusing it past ``limit`` bytes."""
    target = folder / safe_name(upload.filename)
    size = 0
    with target.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise InvalidInput("file", too_large(limit))
            out.write(chunk)
    if size == 0:
        raise InvalidInput("file", "the file is empty")
    return target


@router.get("/data", include_in_schema=False)
@router.get(
    "/api/data",
    summary="Import and export choices",
    responses={200: {"model": DataPage, "description": "the page's data"}},
)
def data_page(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(
        ctx,
        "data.html",
        {
            "title": "Import and export",
            "formats": list(importers.FORMATS),
            "exports": list(EXPORTS),
            "restored": ctx.request.query_params.get("restored"),
            "entries": ctx.journal.count(),
        },
    )


@router.post("/import", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/import",
    summary="Upload a file to import",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ImportStarted, "description": "the job to poll"}},
)
def start_import(
    ctx: Annotated[Context, Depends(person)],
    queue: Annotated[Queue, Depends(job_queue)],
    file: UploadFile,
    mapping: UploadFile | None = None,
    omh_schema: Annotated[str, Form()] = "",
    user: Annotated[str, Form()] = "",
    dry_run: Annotated[str, Form()] = "",
) -> Response:
    limit = ctx.request.app.state.settings.max_upload_bytes
    job_id, folder = queue.new_folder()
    try:
        path = _save_upload(file, folder, limit)
        mapping_name = None
        if mapping is not None and mapping.filename:
            own = folder / MAPPING_FOLDER  # its own folder: the two files may share a name
            own.mkdir()
            saved = _save_upload(mapping, own, limit)
            importers.read_mapping(saved)  # a bad mapping is refused now, not by a worker
            mapping_name = saved.name
        options = import_options(
            dry_run=dry_run == "yes",
            mapping=mapping_name,
            omh_schema=omh_schema.strip() or None,
            flaredown_user=user.strip() or None,
        )
        assert ctx.handle is not None  # person() refused anonymous requests
        queue.submit_import(job_id, ctx.handle, path, options)
    except BaseException:
        queue.discard(folder)
        raise
    if ctx.request.url.path.startswith("/api/"):
        return render(ctx, "", {"job": job_id})
    return redirect(f"/import/{job_id}")


def _job(ctx: Context, queue: Queue, job_id: str) -> dict[str, Any]:
    """The job as the page shows it: waiting for a worker reads as running (with ``waiting``
    set), and errors as a person may see them."""
    job = queue.view(job_id, ctx.handle)
    return {
        "id": job["id"],
        "file": job["file"],
        "status": "running" if job["status"] == "queued" else job["status"],
        "waiting": job["status"] == "queued",
        "records": job["records"],
        "done_bytes": job["done_bytes"],
        "total_bytes": job["total_bytes"],
        "rate": job["rate"],
        "report": job["result"],
        "error": None if job["error"] is None else public_message(job["error"]),
    }


@router.get("/import/{job_id}", include_in_schema=False)
@router.get(
    "/api/import/{job_id}",
    summary="An import's progress and report",
    responses={200: {"model": ImportJob, "description": "progress; the report once done"}},
)
def import_job(
    job_id: str,
    ctx: Annotated[Context, Depends(person)],
    queue: Annotated[Queue, Depends(job_queue)],
) -> Response:
    job = _job(ctx, queue, job_id)
    total = job["total_bytes"] or 1
    job["percent"] = min(100, round(100 * job["done_bytes"] / total))
    return render(ctx, "import_job.html", job, view={"job": job, "title": "Import"})


@router.get("/export/{fmt}", include_in_schema=False)
@router.get("/api/export/{fmt}", summary="Download your data: csv, fhir or json (full backup)")
def export(fmt: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    if fmt not in EXPORTS:
        raise NotFound(fmt)
    method, media, ext = EXPORTS[fmt]
    folder = Path(tempfile.mkdtemp(prefix="flarewise-export-"))
    target = folder / f"flarewise-{ctx.handle}.{ext}"
    getattr(ctx.journal, method)(target)
    return FileResponse(
        target,
        media_type=media,
        filename=target.name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.post("/restore", include_in_schema=False, dependencies=[Depends(check_csrf)])
def restore(
    request: Request,
    ctx: Annotated[Context, Depends(person)],
    file: UploadFile,
    replace: Annotated[str, Form()] = "",
) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="flarewise-restore-"))
    try:
        limit = request.app.state.settings.max_upload_bytes
        n = ctx.journal.restore_json(_save_upload(file, folder, limit), replace=replace == "yes")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return redirect(f"/data?restored={n}")
