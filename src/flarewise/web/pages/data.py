"""Import (upload, progress, the import report) and export (tidy CSV, FHIR, the full backup),
and restoring a backup.

An upload is streamed to a private temporary file (size-capped), then imported in a background
thread by the same ``Journal.import_file`` the CLI uses; the job page shows its progress (it
refreshes itself without JavaScript, and polls ``/api/import/{job}`` with it) and the report.
A job is visible only to the person who started it.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from flarewise import importers
from flarewise.errors import FlarewiseError, InvalidInput, NotFound
from flarewise.journal import Journal
from flarewise.web.deps import Context, check_csrf, person, public_message, redirect, render
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


def _run(
    jobs: dict[str, Any], job_id: str, journal: Journal, path: Path, options: dict[str, Any]
) -> None:
    job = jobs[job_id]
    started = time.monotonic()

    def progress(batch: importers.ImportBatch) -> None:
        job.update(
            records=batch.records,
            done_bytes=batch.done_bytes,
            total_bytes=batch.total_bytes,
            rate=round(batch.records / max(time.monotonic() - started, 1e-6)),
        )

    try:
        report = journal.import_file(path, progress=progress, **options)
        job.update(status="done", report=report.to_json())
    except FlarewiseError as exc:
        job.update(status="failed", error=public_message(str(exc)))
    except Exception as exc:  # the page must say something; details go to the server log
        job.update(status="failed", error=f"the import stopped unexpectedly ({type(exc).__name__})")
        raise
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


@router.post("/import", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/import",
    summary="Upload a file to import",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": ImportStarted, "description": "the job to poll"}},
)
def start_import(
    ctx: Annotated[Context, Depends(person)],
    file: UploadFile,
    mapping: UploadFile | None = None,
    omh_schema: Annotated[str, Form()] = "",
    user: Annotated[str, Form()] = "",
    dry_run: Annotated[str, Form()] = "",
) -> Response:
    limit = ctx.request.app.state.settings.max_upload_bytes
    folder = Path(tempfile.mkdtemp(prefix="flarewise-upload-"))
    try:
        path = _save_upload(file, folder, limit)
        options: dict[str, Any] = {
            "dry_run": dry_run == "yes",
            "archive_budget": ctx.request.app.state.settings.archive_budget,
        }
        if mapping is not None and mapping.filename:
            own = folder / "mapping"  # its own folder: the two files may share a name
            own.mkdir()
            options["mapping"] = importers.read_mapping(_save_upload(mapping, own, limit))
        if omh_schema.strip():
            options["omh_schema"] = omh_schema.strip()
        if user.strip():
            options["flaredown_user"] = user.strip()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    jobs: dict[str, Any] = ctx.request.app.state.settings.jobs
    now = time.monotonic()
    for old in [k for k, v in jobs.items() if v["status"] != "running" and now - v["at"] > 3600]:
        del jobs[old]  # finished jobs are kept an hour, for their report
    job_id = secrets.token_urlsafe(16)
    jobs[job_id] = {
        "id": job_id,
        "person": ctx.handle,
        "file": path.name,
        "status": "running",
        "records": 0,
        "done_bytes": 0,
        "total_bytes": path.stat().st_size,
        "rate": 0,
        "report": None,
        "error": None,
        "at": now,
    }
    threading.Thread(
        target=_run, args=(jobs, job_id, ctx.journal, path, options), daemon=True
    ).start()
    if ctx.request.url.path.startswith("/api/"):
        return render(ctx, "", {"job": job_id})
    return redirect(f"/import/{job_id}")


def _job(ctx: Context, job_id: str) -> dict[str, Any]:
    job = ctx.request.app.state.settings.jobs.get(job_id)
    if job is None or job["person"] != ctx.handle:
        raise NotFound(job_id)
    return {k: v for k, v in job.items() if k not in ("person", "at")}


@router.get("/import/{job_id}", include_in_schema=False)
@router.get(
    "/api/import/{job_id}",
    summary="An import's progress and report",
    responses={200: {"model": ImportJob, "description": "progress; the report once done"}},
)
def import_job(job_id: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    job = _job(ctx, job_id)
    total = job["total_bytes"] or 1
    percent = min(100, round(100 * job["done_bytes"] / total))
    return render(
        ctx,
        "import_job.html",
        {**job, "percent": percent},
        view={"job": job, "title": "Import"},
    )


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
