"""What an import found: records read, what they became, and every per-record problem with the
file, record and field named, so the good records are kept and the bad ones can be fixed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from flarewise.domain.entries import EntryBase
from flarewise.domain.profile import Condition
from flarewise.domain.regimens import Regimen
from flarewise.domain.trackables import Trackable


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file}, {self.record}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


#: Per-record problems kept in the report; past this only their number is counted, so a file
#: of a million bad rows still runs in bounded memory.
MAX_PROBLEMS = 1000
#: Characters kept of a problem's reason (a 5,000-digit value quoted in full helps no one).
MAX_REASON = 400


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


#: Entries held before they are handed to the journal for writing.
CHUNK = 5000


@dataclass
class ImportBatch:
    """What a reader has found so far in one file.

    Readers never write: they ``add`` entries here and the batch hands them on in chunks to
    ``on_chunk`` (the journal, writing inside one open transaction), so memory stays flat in the
    file's size. Without ``on_chunk`` the entries simply accumulate (tests, previews).
    ``on_progress`` is told every ``progress_every`` source records how far the reader is.
    """

    file: str
    format: str = ""
    records: int = 0
    entries: list[EntryBase] = field(default_factory=list)
    regimens: list[Regimen] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    #: pregnant / planning_pregnancy / breastfeeding answers found (a FHIR status Observation)
    populations: dict[str, bool] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problems_dropped: int = 0
    #: records of kinds flarewise does not import (an Apple Health type, an Open mHealth
    #: schema), counted per kind: nothing wrong with them, but the person should see what
    #: stayed behind rather than wonder
    not_read: dict[str, int] = field(default_factory=dict)
    #: custom trackables the records refer to (created by the journal if missing)
    trackables: dict[str, Trackable] = field(default_factory=dict)
    entries_seen: int = 0
    done_bytes: int = 0
    total_bytes: int = 0
    on_chunk: Callable[[list[EntryBase]], None] | None = None
    on_progress: Callable[[ImportBatch], None] | None = None
    progress_every: int = 2000
    chunk_size: int = CHUNK
    _next_progress: int = 2000

    def add(self, entry: EntryBase) -> None:
        self.entries.append(entry)
        self.entries_seen += 1
        if self.on_chunk is not None and len(self.entries) >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        """Hand the pending entries on (no-op without a consumer)."""
        if self.on_chunk is not None and self.entries:
            pending, self.entries = self.entries, []
            self.on_chunk(pending)

    def count(self, n: int = 1) -> None:
        """``n`` more source records visited (data points, rows, XML records)."""
        self.records += n
        if self.records >= self._next_progress and self.on_progress is not None:
            self._next_progress = self.records + self.progress_every
            self.on_progress(self)

    def problem(self, record: str, field_: str, reason: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(
                Problem(self.file, _short(record), _short(field_), _short(reason, MAX_REASON))
            )
        else:
            self.problems_dropped += 1

    def skip(self, kind: str, n: int = 1) -> None:
        """``n`` records of ``kind`` were left out because flarewise does not read that kind."""
        self.not_read[kind] = self.not_read.get(kind, 0) + n

    def merge(self, other: ImportBatch) -> None:
        """Take over what a nested reader found (a FHIR file inside an Apple Health zip)."""
        self.count(other.records)
        for entry in other.entries:
            self.add(entry)
        self.regimens.extend(other.regimens)
        self.trackables.update(other.trackables)
        self.conditions.extend(other.conditions)
        self.populations.update(other.populations)
        for p in other.problems:
            self.problem(p.record, p.field, p.reason)
        self.problems_dropped += other.problems_dropped
        for kind, n in other.not_read.items():
            self.skip(kind, n)


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
    problems_dropped: int = 0
    #: (kind, count) of records flarewise does not import, most frequent first
    not_read: tuple[tuple[str, int], ...] = ()

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
            "problems_not_listed": self.problems_dropped,
            "not_read": [{"kind": kind, "records": n} for kind, n in self.not_read],
            "problems": [
                {"file": p.file, "record": p.record, "field": p.field, "reason": p.reason}
                for p in self.problems
            ],
        }


class Reader(Protocol):
    """What every importer offers: read a file into a batch (which may write on in chunks)."""

    def read(self, path: Path, batch: ImportBatch | None = None) -> ImportBatch: ...
