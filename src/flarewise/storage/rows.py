"""Conversion between domain records and table rows (no queries here).

Writes go to the driver's ``executemany`` with parameters already in the form SQLAlchemy itself
would store (see :class:`Codec`), because SQLAlchemy's per-row parameter processing cost more
than the insert itself (benchmarks/journal.py). Reads go through SQLAlchemy Core, which parses
those same formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Row

from flarewise.domain.backup import StoredEntry
from flarewise.domain.entries import (
    ENTRY_ADAPTER,
    Activity,
    Assessment,
    CustomValue,
    EntryBase,
    Intake,
    LabResult,
    LifeEvent,
    Measurement,
    MindBody,
    Therapy,
    reading_stored,
)
from flarewise.domain.regimens import Regimen
from flarewise.domain.time import from_utc_naive

_HEADER = {"id", "kind", "at", "source", "source_key"}
_ZERO = timedelta(0)

Measure = tuple[str, float]

ENTRY_COLUMNS = (
    "person_id",
    "id",
    "kind",
    "at_utc",
    "utc_offset",
    "local_date",
    "item",
    "source",
    "source_key",
    "data",
    "recorded_at",
    "updated_at",
)
VALUE_COLUMNS = ("person_id", "entry_id", "measure", "local_date", "value")
DAILY_COLUMNS = ("person_id", "local_date", "measure", "n", "total", "minimum", "maximum")


class Codec:
    """Parameters as one dialect's driver wants them, in SQLAlchemy's own storage formats
    (SQLite keeps dates as ``YYYY-MM-DD`` and datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` text,
    which also sorts correctly)."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        self.placeholder = "?" if self.sqlite else "%s"

    def when(self, value: datetime) -> Any:
        return value.isoformat(" ", "microseconds") if self.sqlite else value

    def day(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value

    def insert_sql(self, table: str, columns: Sequence[str]) -> str:
        marks = ", ".join([self.placeholder] * len(columns))
        return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"

    def upsert_daily_sql(self) -> str:
        lo, hi = ("min", "max") if self.sqlite else ("LEAST", "GREATEST")
        return (
            self.insert_sql("daily_values", DAILY_COLUMNS)
            + " ON CONFLICT (person_id, local_date, measure) DO UPDATE SET"
            " n = daily_values.n + excluded.n,"
            " total = daily_values.total + excluded.total,"
            f" minimum = {lo}(daily_values.minimum, excluded.minimum),"
            f" maximum = {hi}(daily_values.maximum, excluded.maximum)"
        )


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
    if isinstance(entry, Assessment):
        return entry.instrument
    return None


def entry_params(
    codec: Codec, person_id: int, entry: EntryBase, recorded_at: Any, updated_at: Any
) -> tuple[Any, ...]:
    """One ``entries`` row in :data:`ENTRY_COLUMNS` order; the record times come already in
    the codec's form (they are the same for a whole batch)."""
    at = entry.at
    offset = at.utcoffset() or _ZERO
    return (
        person_id,
        entry.id,
        entry.kind,
        codec.when(at.replace(tzinfo=None) - offset),
        int(offset.total_seconds()) // 60,
        codec.day(at.date()),
        primary_item(entry),
        entry.source,
        entry.source_key,
        entry.model_dump_json(exclude=_HEADER, exclude_none=True),
        recorded_at,
        updated_at,
    )


def value_params(
    codec: Codec, person_id: int, entry: EntryBase, measures: Sequence[Measure]
) -> list[tuple[Any, ...]]:
    day = codec.day(entry.at.date())
    return [(person_id, entry.id, m, day, v) for m, v in measures]


def daily_params(
    codec: Codec, person_id: int, values: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Aggregate value rows per (local date, measure) for the ``daily_values`` upsert."""
    agg: dict[tuple[Any, str], list[float]] = {}
    for _, _, measure, day, value in values:
        cur = agg.get((day, measure))
        if cur is None:
            agg[(day, measure)] = [1, value, value, value]
        else:
            cur[0] += 1
            cur[1] += value
            if value < cur[2]:
                cur[2] = value
            if value > cur[3]:
                cur[3] = value
    return [(person_id, day, m, int(n), t, lo, hi) for (day, m), (n, t, lo, hi) in agg.items()]


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
    with reading_stored():
        return Regimen.model_validate(row.data)
