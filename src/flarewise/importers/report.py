"""What an import found: records read, what they became, and every per-record problem with the
file, record and field named, so the good records are kept and the bad ones can be fixed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flarewise.domain.entries import EntryBase
from flarewise.domain.profile import Condition
from flarewise.domain.regimens import Regimen


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, {self.record}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportBatch:
    """Everything read from one file, before anything is written."""

    file: str
    format: str
    records: int = 0
    entries: list[EntryBase] = field(default_factory=list)
    regimens: list[Regimen] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, record: str, field_: str, reason: str) -> None:
        self.problems.append(Problem(self.file, record, field_, reason))


@dataclass(frozen=True)
class ImportReport:
    file: str
    format: str
    records: int
    entries_read: int
    entries_added: int
    regimens_added: int
    conditions_added: int
    problems: tuple[Problem, ...]
    dry_run: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "records": self.records,
            "entries_read": self.entries_read,
            "entries_added": self.entries_added,
            "regimens_added": self.regimens_added,
            "conditions_added": self.conditions_added,
            "dry_run": self.dry_run,
            "problems": [
                {"file": p.file, "record": p.record, "field": p.field, "reason": p.reason}
                for p in self.problems
            ],
        }
