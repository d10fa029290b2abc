"""The visit report as data: what a clinician sees, before any typesetting.

Kept separate from rendering so that the PDF, the HTML view and the JSON answer carry the same
figures (one model, three faces), and so that tests can compare the PDF's text with these values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Period:
    """The dates covered and how complete the diary is over them."""

    start: date
    end: date
    days: int
    days_logged: int  # days with at least one symptom score

    @property
    def completeness(self) -> float:
        return self.days_logged / self.days if self.days else 0.0


@dataclass(frozen=True)
class FiqrScore:
    on: date
    total: float
    band: str | None
    previous: float | None = None
    previous_on: date | None = None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.total - self.previous


@dataclass(frozen=True)
class Criteria:
    """The latest criteria result with a PSD (ACR 2016 / 2011 / 2010)."""

    on: date
    instrument: str
    wpi: float
    sss: float
    psd: float
    band: str | None
    met: bool | None
    label: str | None  # the "screening, not a diagnosis" wording for self-entered results


@dataclass(frozen=True)
class TrendPoint:
    """A day's score and the 7-day mean ending that day with its spread (SD)."""

    on: date
    value: float | None
    mean7: float | None
    sd7: float | None


@dataclass(frozen=True)
class SymptomTrend:
    measure: str
    name: str
    higher_is_better: bool
    last7_mean: float | None
    last7_sd: float | None
    last7_n: int
    first7_mean: float | None  # the first 7 days of the period: change since the last visit
    points: tuple[TrendPoint, ...] = ()


@dataclass(frozen=True)
class MedicineChange:
    on: date
    medicine: str
    kind: str  # "started", "stopped", "dose changed"
    text: str
    short: str = ""  # for the figure's marks: "started 30 mg", "to 60 mg", "stopped"


@dataclass(frozen=True)
class CurrentMedicine:
    medicine: str
    dose: str
    since: date
    as_needed: bool
    adherence: float | None  # share of days in the last 28 days of the period with it logged
    adherence_days: int = 0


@dataclass(frozen=True)
class Alert:
    """An active safety warning (rule D.*) or red flag (rule E.*)."""

    rule: str
    kind: str  # "red flag" or "warning"
    severity: str
    title: str
    message: str


@dataclass(frozen=True)
class LabRow:
    on: date
    name: str
    value: str
    unit: str
    range: str
    flag: str  # flarewise's reading: low, high, normal, ...
    lab_flag: str | None  # what the lab printed (H, L, N, ...)
    note: str | None = None

    @property
    def out_of_range(self) -> bool:
        return self.flag not in ("normal", "unknown", "none")


@dataclass(frozen=True)
class ExperimentRow:
    title: str
    status: str
    start: date
    verdict: str | None
    message: str
    interval: str | None
    caveats: tuple[str, ...] = ()


@dataclass(frozen=True)
class TriggerRow:
    exposure: str
    outcome: str
    lag: int
    direction: str
    effect: str
    n: int
    q: float


@dataclass(frozen=True)
class NotHeldRow:
    """A link that passed the screening check but did not hold once adjusted. The report
    lists these by name, apart from the possible triggers, so it never implies that fewer links
    were tested than were (a clinician may have heard of one from the person)."""

    exposure: str
    outcome: str
    #: Why it is not a possible trigger, in a few words ("explained by hours slept").
    why: str


@dataclass(frozen=True)
class AssessmentRow:
    on: date
    instrument: str
    summary: str
    band: str | None


#: Said in place of the plan section when the person marked nothing to discuss (never a
#: silent "top six": the clinician should know these are the person's own choice).
NO_OPTIONS_MARKED = (
    "No options marked to discuss. Mark them on the Plan page or with `flarewise plan discuss ID`."
)


@dataclass(frozen=True)
class PlanRow:
    name: str
    grade: str
    evidence: str
    dose: str | None
    sources: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    #: "offered", or why not: "not offered" (a contraindication blocks it), "not suggested",
    #: "not in the plan" (the plan no longer lists it for this person on this day).
    status: str = "offered"
    #: The reason in words (with its rule ids) when the option is not offered.
    reason: str | None = None


@dataclass(frozen=True)
class VisitReport:
    """Everything the report shows, in the order it shows it."""

    person: str
    details: str  # birth year and sex, when recorded
    made_on: date
    period: Period
    fiqr: FiqrScore | None
    criteria: Criteria | None
    trends: tuple[SymptomTrend, ...]
    changes: tuple[MedicineChange, ...]
    medicines: tuple[CurrentMedicine, ...]
    alerts: tuple[Alert, ...]
    labs_out_of_range: tuple[LabRow, ...]
    questions: str | None
    experiments: tuple[ExperimentRow, ...] = ()
    triggers: tuple[TriggerRow, ...] = ()
    #: Links found by the screen that did not hold after adjusting (named, never dropped).
    not_held: tuple[NotHeldRow, ...] = ()
    #: Comparisons the trigger screen tested in all (0: the screen was not run).
    links_tested: int = 0
    #: Possible triggers beyond those listed here (the Insights page lists them all).
    triggers_not_listed: int = 0
    labs: tuple[LabRow, ...] = ()
    assessments: tuple[AssessmentRow, ...] = ()
    plan: tuple[PlanRow, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        """Nothing was logged in the period (the report still says who and when)."""
        return self.period.days_logged == 0 and not self.changes and not self.labs

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, derived figures included."""
        data: dict[str, Any] = _iso(asdict(self))
        data["period"]["completeness"] = round(self.period.completeness, 3)
        if self.fiqr is not None:
            data["fiqr"]["change"] = self.fiqr.change
        data["empty"] = self.empty
        if not self.plan:
            data["plan_note"] = NO_OPTIONS_MARKED
        return data


def _iso(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_iso(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
