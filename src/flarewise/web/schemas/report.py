"""The JSON the report page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from flarewise.web.schemas.base import Answer


class ReportPagePeriod(Answer):
    start: str
    end: str
    days: int
    days_logged: int
    completeness: float


class ReportPageFiqr(Answer):
    on: str
    total: float
    band: str
    previous: float | None
    previous_on: str | None
    change: float | None


class ReportPageCriteria(Answer):
    on: str
    instrument: str
    wpi: float
    sss: float
    psd: float
    band: str
    met: bool
    label: str


class ReportPageTrendsPoints(Answer):
    on: str
    value: float | None
    mean7: float | None
    sd7: float | None


class ReportPageTrends(Answer):
    measure: str
    name: str
    higher_is_better: bool
    last7_mean: float
    last7_sd: float
    last7_n: int
    first7_mean: float | None
    points: list[ReportPageTrendsPoints]


class ReportPageChanges(Answer):
    on: str
    medicine: str
    kind: str
    text: str
    short: str


class ReportPageMedicines(Answer):
    medicine: str
    dose: str
    since: str
    as_needed: bool
    adherence: float | None
    adherence_days: int


class ReportPageAlerts(Answer):
    rule: str
    kind: str
    severity: str
    title: str
    message: str


class ReportPageExperiments(Answer):
    title: str
    status: str
    start: str
    verdict: Any
    message: str
    interval: Any
    caveats: list[str]


class ReportPageLabs(Answer):
    on: str
    name: str
    value: str
    unit: str
    range: str
    flag: str
    lab_flag: str
    note: str | None


class ReportPageAssessments(Answer):
    on: str
    instrument: str
    summary: str
    band: str


class ReportPageNotHeld(Answer):
    exposure: str
    outcome: str
    why: str


class ReportPage(Answer):
    person: str
    details: str
    made_on: str
    period: ReportPagePeriod
    fiqr: ReportPageFiqr | None
    criteria: ReportPageCriteria | None
    trends: list[ReportPageTrends]
    changes: list[ReportPageChanges]
    medicines: list[ReportPageMedicines]
    alerts: list[ReportPageAlerts]
    labs_out_of_range: list[ReportPageLabs]
    questions: Any
    experiments: list[ReportPageExperiments]
    triggers: list[Any]
    not_held: list[ReportPageNotHeld]
    links_tested: int
    triggers_not_listed: int
    labs: list[ReportPageLabs]
    assessments: list[ReportPageAssessments]
    plan: list[Any]
    notes: list[Any]
    empty: bool
    plan_note: str


class ReportJob(Answer):
    """A visit report being made as a PDF by a worker: poll until ``status`` is not
    ``running``, then fetch ``download``."""

    id: str
    status: Literal["running", "done", "failed"]
    waiting: bool = Field(description="true while the job waits for a free worker")
    paper: str = Field(description="a4 or letter")
    start: str | None = Field(description="the period asked for (none: the default)")
    end: str | None
    file: str | None = Field(description="the PDF's name, once done")
    bytes: int | None = Field(description="the PDF's size, once done")
    download: str | None = Field(description="where to fetch the PDF, once done")
    error: str | None = Field(description="a sentence, set when status is failed")


__all__ = [
    "ReportJob",
    "ReportPage",
    "ReportPageAlerts",
    "ReportPageAssessments",
    "ReportPageChanges",
    "ReportPageCriteria",
    "ReportPageExperiments",
    "ReportPageFiqr",
    "ReportPageLabs",
    "ReportPageMedicines",
    "ReportPageNotHeld",
    "ReportPagePeriod",
    "ReportPageTrends",
    "ReportPageTrendsPoints",
]
