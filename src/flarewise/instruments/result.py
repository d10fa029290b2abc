"""What every instrument returns: scores kept unrounded, the decision, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EnteredBy = Literal["self", "clinician"]

SELF_REPORT_LABEL = "screening: consistent with criteria; a diagnosis needs a clinician"
SELF_REPORT_NOT_MET = "screening: criteria not met; only a clinician can assess fibromyalgia"


@dataclass(frozen=True)
class Finding:
    """One rule of a criterion set, whether it held, and the numbers behind it."""

    rule: str
    met: bool
    detail: str


@dataclass(frozen=True)
class InstrumentResult:
    instrument: str
    scores: dict[str, float]
    met: bool | None  # None for scales without a yes/no decision (FIQR, PGIC)
    findings: tuple[Finding, ...] = ()
    bands: dict[str, str] = field(default_factory=dict)
    entered_by: EnteredBy = "self"
    scorable: bool = True
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str | None:
        """The wording a self-entered criteria result must carry (clinical-rules.md A.4)."""
        if self.met is None or self.entered_by != "self":
            return None
        return SELF_REPORT_LABEL if self.met else SELF_REPORT_NOT_MET

    def to_json(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "scores": self.scores,
            "met": self.met,
            "scorable": self.scorable,
            "bands": self.bands,
            "entered_by": self.entered_by,
            "label": self.label,
            "findings": [{"rule": f.rule, "met": f.met, "detail": f.detail} for f in self.findings],
            "notes": list(self.notes),
        }
