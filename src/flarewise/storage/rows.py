"""Conversion between table rows and domain records on the read side (no queries here).

The write side (parameters in SQLAlchemy's own storage formats, for the driver's
``executemany``) lives in :mod:`flarewise.storage.params`, which needs no SQLAlchemy; its names
are re-exported here for the readers and benchmarks that used them from this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Row

from flarewise.domain.backup import StoredEntry
from flarewise.domain.entries import ENTRY_ADAPTER, EntryBase, reading_stored
from flarewise.domain.regimens import Regimen
from flarewise.domain.time import from_utc_naive
from flarewise.storage.params import (
    DAILY_COLUMNS,
    ENTRY_COLUMNS,
    VALUE_COLUMNS,
    Codec,
    Measure,
    daily_params,
    entry_params,
    primary_item,
    value_params,
)
from flarewise.storage.stored import regimen_from_data

__all__ = [
    "DAILY_COLUMNS",
    "ENTRY_COLUMNS",
    "VALUE_COLUMNS",
    "Codec",
    "Measure",
    "daily_params",
    "entry_from_row",
    "entry_params",
    "primary_item",
    "regimen_from_row",
    "regimen_row",
    "stored_entry_from_row",
    "value_params",
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
    with reading_stored():
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
    return regimen_from_data(row.data)
