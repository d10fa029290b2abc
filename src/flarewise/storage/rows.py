"""Conversion between domain records and table rows (no queries here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Row

from flarewise.domain.backup import StoredEntry
from flarewise.domain.entries import (
    ENTRY_ADAPTER,
    Activity,
    CustomValue,
    EntryBase,
    Intake,
    LabResult,
    LifeEvent,
    Measurement,
    MindBody,
    Therapy,
)
from flarewise.domain.regimens import Regimen
from flarewise.domain.time import from_utc_naive, offset_minutes, to_utc_naive

_HEADER = {"id", "kind", "at", "source", "source_key"}

Measure = tuple[str, float]


def primary_item(entry: EntryBase) -> str | None:
    """The vocabulary id an entry is mainly about, kept in its own column for filtering."""
    if isinstance(entry, Intake):
        return entry.substance
    if isinstance(entry, Activity):
        return entry.activity
    if isinstance(entry, MindBody):
        return entry.practice
    if isinstance(entry, Therapy):
        return entry.therapy
    if isinstance(entry, LifeEvent):
        return entry.event
    if isinstance(entry, LabResult):
        return entry.loinc
    if isinstance(entry, CustomValue):
        return entry.trackable
    if isinstance(entry, Measurement):
        return entry.metric
    return None


def entry_row(
    person_id: int, entry: EntryBase, recorded_at: datetime, updated_at: datetime | None = None
) -> dict[str, Any]:
    kind: str = entry.kind
    return {
        "person_id": person_id,
        "id": entry.id,
        "kind": kind,
        "at_utc": to_utc_naive(entry.at),
        "utc_offset": offset_minutes(entry.at),
        "local_date": entry.at.date(),
        "item": primary_item(entry),
        "source": entry.source,
        "source_key": entry.source_key,
        "data": entry.model_dump(mode="json", exclude=_HEADER, exclude_none=True),
        "recorded_at": recorded_at,
        "updated_at": updated_at or recorded_at,
    }


def value_rows(
    person_id: int, entry: EntryBase, measures: Sequence[Measure]
) -> list[dict[str, Any]]:
    day = entry.at.date()
    return [
        {"person_id": person_id, "entry_id": entry.id, "measure": m, "local_date": day, "value": v}
        for m, v in measures
    ]


def entry_from_row(row: Row[Any]) -> EntryBase:
    data = dict(row.data)
    data.update(
        id=row.id,
        kind=row.kind,
        at=from_utc_naive(row.at_utc, row.utc_offset),
        source=row.source,
        source_key=row.source_key,
    )
    entry: EntryBase = ENTRY_ADAPTER.validate_python(data)
    return entry


def stored_entry_from_row(row: Row[Any]) -> StoredEntry:
    entry: Any = entry_from_row(row)
    return StoredEntry.model_construct(
        entry=entry, recorded_at=row.recorded_at, updated_at=row.updated_at
    )


def regimen_row(
    person_id: int, regimen: Regimen, recorded_at: datetime, updated_at: datetime | None = None
) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "id": regimen.id,
        "substance": regimen.substance,
        "start_date": regimen.start,
        "stop_date": regimen.stop,
        "source": regimen.source,
        "source_key": regimen.source_key,
        "data": regimen.model_dump(mode="json", exclude_none=True),
        "recorded_at": recorded_at,
        "updated_at": updated_at or recorded_at,
    }


def regimen_from_row(row: Row[Any]) -> Regimen:
    return Regimen.model_validate(row.data)
