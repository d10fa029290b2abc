"""Tidy CSV: one row per entry, stable ids, explicit units, safe in a spreadsheet.

Columns (docs/imports.md): ``id, kind, date, time, utc_offset, item, value, unit, status,
details, source, source_key, comment``. ``date`` and ``time`` are the person's local ones (the
offset recorded with the entry). ``item`` is what the entry is about (a symptom check-in's is
``checkin``, with every score in ``details``); ``value`` and ``unit`` carry its main number.
An intake's ``status`` keeps "taken", "taken_dose_unknown" (no amount, but taken) and "skipped"
(not taken) apart. ``details`` holds the rest of the entry as JSON, so nothing is lost.

Spreadsheets execute a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection). Every text cell starting with one of those gets a leading
apostrophe; numbers are written as numbers and are never touched.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from flarewise.domain.entries import (
    Activity,
    Assessment,
    CustomValue,
    EntryBase,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Note,
    Sleep,
    SymptomCheckin,
    Therapy,
)
from flarewise.domain.time import offset_minutes

COLUMNS = (
    "id",
    "kind",
    "date",
    "time",
    "utc_offset",
    "item",
    "value",
    "unit",
    "status",
    "details",
    "source",
    "source_key",
    "comment",
)
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_COMMON = {"kind", "id", "at", "comment", "source", "source_key"}


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show, never run."""
    return "'" + text if text.startswith(_FORMULA) else text


def _main(e: EntryBase) -> tuple[str, float | None, str | None, str | None, set[str]]:
    """(item, value, unit, status, fields already shown) for an entry."""
    if isinstance(e, Intake):
        return e.substance, e.amount, e.unit, e.status, {"substance", "amount", "unit", "status"}
    if isinstance(e, Measurement):
        return e.metric, e.value, e.unit, None, {"metric", "value", "unit"}
    if isinstance(e, LabResult):
        return e.loinc, e.value, e.unit, e.flag, {"loinc", "value", "unit", "flag"}
    if isinstance(e, CustomValue):
        return e.trackable, e.value, None, None, {"trackable", "value"}
    if isinstance(e, Activity):
        return e.activity, e.minutes, "min", None, {"activity", "minutes"}
    if isinstance(e, MindBody):
        return e.practice, e.minutes, "min", None, {"practice", "minutes"}
    if isinstance(e, Therapy):
        return (
            e.therapy,
            e.minutes,
            "min" if e.minutes is not None else None,
            None,
            {
                "therapy",
                "minutes",
            },
        )
    if isinstance(e, Sleep):
        unit = "min" if e.asleep_minutes is not None else None
        return "sleep", e.asleep_minutes, unit, None, {"asleep_minutes"}
    if isinstance(e, LifeEvent):
        return (
            e.event,
            e.severity,
            "0-10" if e.severity is not None else None,
            None,
            {
                "event",
                "severity",
            },
        )
    if isinstance(e, SymptomCheckin):
        if len(e.scores) == 1 and not e.pain_sites:
            ((name, score),) = e.scores.items()
            return name, score, "0-10", None, {"scores"}
        return "checkin", None, None, None, set()
    if isinstance(e, Meal):
        return e.meal or "meal", None, None, None, set()
    if isinstance(e, Note):
        return "note", None, None, None, set()
    if isinstance(e, Assessment):
        total = e.scores.get("total")
        return e.instrument, total, None, None, set()
    return e.kind, None, None, None, set()


def tidy_row(e: EntryBase) -> list[str | float]:
    """The CSV cells of one entry (text cells neutralised)."""
    item, value, unit, status, shown = _main(e)
    data = e.model_dump(mode="json", exclude_none=True)
    details = {k: v for k, v in data.items() if k not in _COMMON and k not in shown}
    minutes = offset_minutes(e.at)
    sign = "+" if minutes >= 0 else "-"
    cells: list[Any] = [
        e.id,
        e.kind,
        e.at.date().isoformat(),
        e.at.strftime("%H:%M:%S"),
        f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
        item,
        value if value is not None else "",
        unit or "",
        status or "",
        json.dumps(details, ensure_ascii=False, sort_keys=True) if details else "",
        e.source,
        e.source_key or "",
        e.comment or "",
    ]
    return [neutralise(c) if isinstance(c, str) else c for c in cells]


def write_tidy_csv(entries: Iterable[EntryBase], out: IO[str]) -> int:
    """Write the header and one row per entry; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; cells with \r or \n are quoted
    writer.writerow(COLUMNS)
    n = 0
    for e in entries:
        writer.writerow(tidy_row(e))
        n += 1
    return n
