"""What an import job does: the same ``Journal.import_file`` the CLI uses, on the file the web
face saved in the job's folder, telling the worker how far it is."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flarewise.errors import FlarewiseError
from flarewise.journal import Journal

if TYPE_CHECKING:
    from flarewise.importers import ImportBatch
    from flarewise.importers.archive import ArchiveBudget
    from flarewise.storage import Database

#: The folder (inside the job's own) holding a CSV mapping sent with the upload: its own folder,
#: because the two files may share a name.
MAPPING_FOLDER = "mapping"

Report = Callable[[dict[str, int]], None]


def import_options(
    *,
    dry_run: bool = False,
    mapping: str | None = None,
    omh_schema: str | None = None,
    flaredown_user: str | None = None,
) -> dict[str, Any]:
    """The options an import job keeps in its row (plain JSON: any worker reads them)."""
    return {
        "dry_run": dry_run,
        "mapping": mapping,
        "omh_schema": omh_schema,
        "flaredown_user": flaredown_user,
    }


def run_import(
    db: Database,
    job: dict[str, Any],
    report: Report,
    archive_budget: ArchiveBudget | None,
) -> dict[str, Any]:
    """Import the job's file into its owner's journal; the import report as JSON. Progress
    (records, bytes, rate) goes to ``report`` as the reader advances."""
    from flarewise import importers

    folder = Path(job["folder"])
    options = job["options"]
    started = time.monotonic()

    def progress(batch: ImportBatch) -> None:
        report(
            {
                "records": batch.records,
                "done_bytes": batch.done_bytes,
                "total_bytes": batch.total_bytes,
                "rate": round(batch.records / max(time.monotonic() - started, 1e-6)),
            }
        )

    path = folder / job["file"]
    if not path.is_file():
        raise FlarewiseError(
            f"{job['file']}: the uploaded file is no longer on the server (the upload folder "
            "must be shared by every worker: see FLAREWISE_UPLOAD_DIR); upload it again"
        )
    mapping = None
    if options.get("mapping"):
        mapping = importers.read_mapping(folder / MAPPING_FOLDER / options["mapping"])
    journal = Journal.for_person(db, job["person"], create=False)
    result = journal.import_file(
        path,
        dry_run=bool(options.get("dry_run")),
        progress=progress,
        mapping=mapping,
        omh_schema=options.get("omh_schema") or None,
        flaredown_user=options.get("flaredown_user") or None,
        archive_budget=archive_budget,
    )
    return result.to_json()
