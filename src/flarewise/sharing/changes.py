"""What changed in a person's journal since their clinician last opened it: new red flags, new
safety warnings and the change of the FIQR total. Read from the visit report
(:mod:`flarewise.reports`), never recomputed: the clinic list says what the report says.

A visit keeps a small summary of the report it showed (:func:`summary`); the next list compares
today's summary with it (:func:`since`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flarewise.reports import VisitReport


@dataclass(frozen=True)
class Changes:
    #: the clinician has not opened this person's page since the grant began
    first_visit: bool
    new_red_flags: tuple[str, ...]
    new_warnings: tuple[str, ...]
    fiqr: float | None
    fiqr_before: float | None

    @property
    def fiqr_change(self) -> float | None:
        if self.fiqr is None or self.fiqr_before is None:
            return None
        return round(self.fiqr - self.fiqr_before, 1)


def summary(report: VisitReport | None) -> dict[str, Any]:
    """What a visit saw: the alerts' titles by rule and kind, and the latest FIQR total."""
    if report is None:
        return {"red_flags": {}, "warnings": {}, "fiqr": None}
    return {
        "red_flags": {a.rule: a.title for a in report.alerts if a.kind == "red flag"},
        "warnings": {a.rule: a.title for a in report.alerts if a.kind != "red flag"},
        "fiqr": None if report.fiqr is None else report.fiqr.total,
    }


def since(before: dict[str, Any] | None, now: dict[str, Any]) -> Changes:
    """The changes from the summary of the last visit (None: never visited) to ``now``."""
    seen = before or {"red_flags": {}, "warnings": {}, "fiqr": None}
    return Changes(
        first_visit=before is None,
        new_red_flags=tuple(
            title for rule, title in now["red_flags"].items() if rule not in seen["red_flags"]
        ),
        new_warnings=tuple(
            title for rule, title in now["warnings"].items() if rule not in seen["warnings"]
        ),
        fiqr=now["fiqr"],
        fiqr_before=seen["fiqr"],
    )
