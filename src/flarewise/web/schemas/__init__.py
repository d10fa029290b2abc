"""The shapes of the JSON the import API answers with, declared for the OpenAPI document.

Pages build their JSON as plain dicts (one dict serves the HTML and the JSON); for the routes an
integrator scripts against (start an import, poll it, read its report) the shape is declared here
so ``/api/openapi.json`` describes it field by field. A test checks real answers against these
models, so the document cannot drift from what the server sends.

The pages' own answers (``/api/today``, ``/api/labs``...) are declared in this package's modules,
one per page (``schemas.today``, ``schemas.labs``...).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class ImportProblem(BaseModel):
    """One record that could not be imported, and why (the good records were kept)."""

    file: str = Field(description="the file, or the member of a zip, the record is in")
    record: str = Field(description='where: "line 12", "item 3", a FHIR resource id...')
    field: str = Field(description="the field at fault, empty when the whole record is")
    reason: str = Field(description="a sentence saying what is wrong")


class NotRead(BaseModel):
    """Records of a kind flarewise does not import (nothing wrong with them)."""

    kind: str = Field(description='e.g. "Apple Health FlightsClimbed"')
    records: int


class ImportReportModel(BaseModel):
    """What an import did (or, for a dry run, would do)."""

    file: str
    format: str = Field(description="the format detected from the content")
    records: int = Field(description="source records visited")
    entries_read: int
    entries_added: int = Field(description="new entries; the rest were already in the journal")
    regimens_added: int = Field(description="medicines added")
    conditions_added: int
    dry_run: bool = Field(description="true: nothing was kept, the counts are what would be")
    problems_not_listed: int = Field(description="problems past the first 1,000, only counted")
    not_read: list[NotRead]
    problems: list[ImportProblem]


class ImportStarted(BaseModel):
    """The answer to an upload: poll ``/api/import/{job}`` for progress and the report."""

    job: str


class ImportJob(BaseModel):
    """An import's progress and, once done, its report."""

    id: str
    file: str
    status: Literal["running", "done", "failed"]
    waiting: bool = Field(description="true while the import waits for a free worker")
    records: int = Field(description="source records read so far")
    done_bytes: int
    total_bytes: int
    percent: int = Field(description="of the file read, 0-100")
    rate: int = Field(description="records per second so far")
    report: ImportReportModel | None = Field(description="set when status is done")
    error: str | None = Field(description="a sentence, set when status is failed")


class SavedEntries(BaseModel):
    """The answer to a check-in: the ids of the entries it made."""

    saved: list[str] = Field(description="ids of the new entries, in the order made")


class SavedAssessment(BaseModel):
    """The answer to a questionnaire: the kept entry and its scores."""

    saved: str = Field(description="the id of the assessment entry")
    result: dict[str, Any] = Field(description="scores, whether criteria are met, notes")


class SavedRegimen(BaseModel):
    """The answer to adding a medicine or changing its dose: the medicine as now stored."""

    saved: dict[str, Any] = Field(description="the regimen: id, substance, dose steps...")


class Populations(BaseModel):
    """Pregnancy, planning a pregnancy and breastfeeding as now recorded (null: not said)."""

    pregnant: bool | None
    planning_pregnancy: bool | None
    breastfeeding: bool | None


class ErrorBody(BaseModel):
    """Every refusal under /api/: one sentence saying what was wrong and what to do."""

    error: str = Field(description="a sentence a person can act on")
    field: str | None = Field(
        default=None,
        description="for a refused field (422): its id, for scripts (the sentence uses the label)",
    )


#: The refusals any /api/ route may answer with, declared once for the whole document (a
#: schemathesis run checks every answer against it).
ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in (
        (400, "the request could not be used (a sentence says why)"),
        (401, "sign in first"),
        (403, "the CSRF token is missing or wrong"),
        (404, "nothing here, or not yours (the two look alike)"),
        (405, "this address does not take that request"),
        (409, "it would duplicate something already stored"),
        (413, "the upload is larger than the server accepts"),
        (422, "a field was refused (the sentence names it)"),
        (429, "too many failed attempts; wait"),
        (500, "a bug: nothing was changed, the server log has the details"),
        (503, "the database cannot be reached just now; nothing was changed"),
    )
}


__all__ = [
    "ERRORS",
    "ErrorBody",
    "ImportJob",
    "ImportProblem",
    "ImportReportModel",
    "ImportStarted",
    "NotRead",
    "Populations",
    "SavedAssessment",
    "SavedEntries",
    "SavedRegimen",
]
