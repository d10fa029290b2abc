"""Rows to write, as the driver takes them: no SQLAlchemy here, so a process that only adds an
entry (``flarewise log``) writes without importing it (see :mod:`flarewise.storage.lite`).

Writes go to the driver's ``executemany`` with parameters already in the form SQLAlchemy itself
would store (see :class:`Codec`), because SQLAlchemy's per-row parameter processing cost more
than the insert itself (benchmarks/journal.py). Reads go through SQLAlchemy Core
(:mod:`flarewise.storage.rows`), which parses those same formats.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from flarewise.domain.entries import (
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
)

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


#: Rows per executemany: large enough to amortise round trips, small enough for IN lists.
BATCH = 2000

#: ``run(sql, rows)``: the driver's executemany inside the caller's transaction.
ExecuteMany = Callable[[str, list[tuple[Any, ...]]], Any]
#: Runs one query and returns the driver's row tuples (see storage/summaries.py).
Fetch = Callable[[str, tuple[Any, ...]], list[Any]]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

    A year of a heavy diary is ~30,000 summary tuples, a bulk write hundreds of thousands of
    row tuples; the allocations trigger full collections that, in a process holding a large
    heap, cost more than the query (measured 30-150 ms of jitter per summary read in
    benchmarks/journal.py). Tuples of numbers and strings form no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class EntrySql:
    """The three statements that write entries, for one dialect."""

    def __init__(self, codec: Codec) -> None:
        self.entries = codec.insert_sql("entries", ENTRY_COLUMNS)
        self.values = codec.insert_sql("entry_values", VALUE_COLUMNS)
        self.daily = codec.upsert_daily_sql()


def write_entries(
    run: ExecuteMany,
    codec: Codec,
    sql: EntrySql,
    person_id: int,
    items: Sequence[tuple[EntryBase, Sequence[Measure], datetime, datetime]],
    fetch: Fetch,
) -> int:
    """Insert entries, their derived values, the daily aggregates and the packed day rows
    (storage/summaries.py); returns how many entries. The one write path of entries, whichever
    connection runs it (SQLAlchemy's or the driver's), so both keep every table in step."""
    from flarewise.storage.summaries import DaySummaries

    days = DaySummaries(codec, person_id)
    when: dict[datetime, Any] = {}  # one formatting per distinct record time
    for i in range(0, len(items), BATCH):
        chunk = items[i : i + BATCH]
        rows = []
        for e, _, rec, upd in chunk:
            r = when.get(rec) or when.setdefault(rec, codec.when(rec))
            u = when.get(upd) or when.setdefault(upd, codec.when(upd))
            rows.append(entry_params(codec, person_id, e, r, u))
        values = [v for e, ms, _, _ in chunk for v in value_params(codec, person_id, e, ms)]
        run(sql.entries, rows)
        daily = daily_params(codec, person_id, values) if values else []
        if values:
            run(sql.values, values)
            run(sql.daily, daily)
        days.merge(run, fetch, [r[5] for r in rows], daily)
    return len(items)
