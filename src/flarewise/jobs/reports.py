"""What a report job does: the visit report as a PDF (Typst takes seconds for a year of data,
so a clinic's server renders it in a worker, and any process hands the file to its owner)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flarewise.journal import Journal

if TYPE_CHECKING:
    from flarewise.storage import Database


def report_options(
    start: date | None = None,
    end: date | None = None,
    paper: str = "a4",
    requested_by: str | None = None,
) -> dict[str, Any]:
    """The options a report job keeps in its row (plain JSON: any worker reads them);
    ``requested_by``: the clinician who asked for the person's report (None: the person)."""
    return {
        "start": None if start is None else start.isoformat(),
        "end": None if end is None else end.isoformat(),
        "paper": paper,
        "requested_by": requested_by,
    }


def run_report(db: Database, job: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """The owner's visit report for the job's period: a summary and the PDF."""
    from flarewise.reports import render

    options = job["options"]
    journal = Journal.for_person(db, job["person"], create=False)
    start, end = (
        None if options.get(k) is None else date.fromisoformat(options[k]) for k in ("start", "end")
    )
    visit = journal.visit_report(start, end)
    pdf = render.pdf(visit, options.get("paper") or "a4")
    name = f"visit-{visit.period.start}-{visit.period.end}.pdf"
    return {"file": name, "bytes": len(pdf)}, pdf
