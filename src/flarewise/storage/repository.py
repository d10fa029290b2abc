"""Queries for one person's journal. Every statement filters on ``person_id``: there is no
method here that can read or change another person's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.domain.backup import StoredEntry
from flarewise.domain.entries import EntryBase
from flarewise.domain.experiments import Protocol
from flarewise.domain.regimens import Regimen
from flarewise.domain.summaries import DaySummary
from flarewise.errors import Conflict, NotFound
from flarewise.storage.daily_read import read_daily
from flarewise.storage.database import Database, utcnow
from flarewise.storage.params import (
    Codec,
    EntrySql,
    Measure,
    write_entries,
)
from flarewise.storage.raw import fetch_raw
from flarewise.storage.rows import (
    entry_from_row,
    regimen_from_row,
    regimen_row,
    stored_entry_from_row,
)
from flarewise.storage.summaries import DaySummaries
from flarewise.storage.tables import (
    PERSON_TABLES,
    daily_values,
    entries,
    entry_values,
    experiments,
    persons,
    regimens,
    trackables,
)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class PersonRepository:
    """All reads and writes of one person's rows."""

    def __init__(self, db: Database, person_id: int) -> None:
        self.db = db
        self.pid = person_id
        self.codec = Codec(db.dialect)
        self._written = 0  # rows written since the last ANALYZE (PostgreSQL)
        self._analysed = 0
        self._sql = EntrySql(self.codec)
        self._days = DaySummaries(self.codec, person_id)

    # -- entries ----------------------------------------------------------------------------

    def insert_entries(
        self,
        conn: Connection,
        items: Sequence[tuple[EntryBase, Sequence[Measure]]],
        *,
        recorded_at: datetime | None = None,
        skip_known_source_keys: bool = True,
    ) -> int:
        """Insert entries with their derived values; entries whose ``(source, source_key)`` is
        already stored are skipped (imports are idempotent). Returns how many were inserted."""
        if skip_known_source_keys:
            items = self._without_known_keys(conn, items)
        now = recorded_at or utcnow()
        written = self._insert(conn, [(e, ms, now, now) for e, ms in items])
        self._refresh_statistics(conn, written)
        return written

    def _refresh_statistics(self, conn: Connection, written: int) -> None:
        """On PostgreSQL, re-ANALYZE after a large batch of writes (each time the rows written
        since the last ANALYZE exceed 5,000 and what was written before it).

        Why: during a long import the planner still believes the tables are as small as when
        they were last analysed (often empty) and answers the duplicate-key lookup of every
        chunk by filtering all rows written so far, which makes an import quadratic (measured:
        120,000 entries took 195 s instead of ~20 s). ANALYZE inside the transaction sees its
        own rows; the doubling schedule keeps the cost logarithmic."""
        if self.codec.sqlite or written == 0:
            return
        self._written += written
        if self._written >= max(5000, self._analysed):
            for table in ("entries", "entry_values", "daily_values", "daily_summaries"):
                conn.exec_driver_sql(f"ANALYZE {table}")
            self._analysed += self._written
            self._written = 0

    def _insert(
        self,
        conn: Connection,
        items: Sequence[tuple[EntryBase, Sequence[Measure], datetime, datetime]],
    ) -> int:
        return write_entries(
            conn.exec_driver_sql,
            self.codec,
            self._sql,
            self.pid,
            items,
            lambda sql, params: fetch_raw(conn, sql, params),
        )

    def _recompute_days(self, conn: Connection, days: Iterable[date]) -> None:
        """Rebuild the daily aggregates of ``days`` from the entries (after a delete or change)."""
        days = set(days)
        for day in days:
            params = {"pid": self.pid, "day": day}
            conn.execute(
                daily_values.delete().where(
                    daily_values.c.person_id == self.pid, daily_values.c.local_date == day
                )
            )
            conn.execute(_RECOMPUTE_DAY, params)
        self._days.rebuild(conn, [self.codec.day(d) for d in days])

    def _without_known_keys(
        self, conn: Connection, items: Sequence[tuple[EntryBase, Sequence[Measure]]]
    ) -> list[tuple[EntryBase, Sequence[Measure]]]:
        by_source: dict[str, set[str]] = defaultdict(set)
        for e, _ in items:
            if e.source_key is not None:
                by_source[e.source].add(e.source_key)
        known: dict[str, set[str]] = defaultdict(set)
        for source, keys in by_source.items():
            for chunk in _chunks(sorted(keys), 500):
                q = sa.select(entries.c.source_key).where(
                    entries.c.person_id == self.pid,
                    entries.c.source == source,
                    entries.c.source_key.in_(chunk),
                )
                known[source].update(r[0] for r in conn.execute(q))
        out = []
        for e, ms in items:
            if e.source_key is not None:
                if e.source_key in known[e.source]:
                    continue
                known[e.source].add(e.source_key)  # also drops duplicates within the batch
            out.append((e, ms))
        return out

    def replace_entry(
        self, conn: Connection, entry: EntryBase, measures: Sequence[Measure]
    ) -> None:
        old = conn.execute(
            sa.select(entries.c.kind, entries.c.recorded_at, entries.c.local_date).where(
                entries.c.person_id == self.pid, entries.c.id == entry.id
            )
        ).first()
        if old is None:
            raise NotFound(f"there is no entry {entry.id} in this journal")
        if old.kind != entry.kind:
            raise Conflict(f"entry {entry.id} is a {old.kind}; it cannot become a {entry.kind}")
        self._delete_rows(conn, entry.id)
        self._insert(conn, [(entry, measures, old.recorded_at, utcnow())])
        self._recompute_days(conn, [old.local_date, entry.at.date()])

    def delete_entry(self, conn: Connection, entry_id: str) -> None:
        day = conn.execute(
            sa.select(entries.c.local_date).where(
                entries.c.person_id == self.pid, entries.c.id == entry_id
            )
        ).scalar()
        if day is None:
            raise NotFound(f"there is no entry {entry_id} in this journal")
        self._delete_rows(conn, entry_id)
        self._recompute_days(conn, [day])

    def _delete_rows(self, conn: Connection, entry_id: str) -> None:
        conn.execute(
            entry_values.delete().where(
                entry_values.c.person_id == self.pid, entry_values.c.entry_id == entry_id
            )
        )
        conn.execute(
            entries.delete().where(entries.c.person_id == self.pid, entries.c.id == entry_id)
        )

    def ids_with_prefix(self, conn: Connection, prefix: str) -> list[str]:
        if not prefix or any(c in prefix for c in "%_\\"):
            return []
        q = (
            sa.select(entries.c.id)
            .where(entries.c.person_id == self.pid, entries.c.id.startswith(prefix))
            .limit(5)
        )
        return [r[0] for r in conn.execute(q)]

    def get_entry(self, conn: Connection, entry_id: str) -> StoredEntry:
        row = conn.execute(
            sa.select(entries).where(entries.c.person_id == self.pid, entries.c.id == entry_id)
        ).first()
        if row is None:
            raise NotFound(f"there is no entry {entry_id} in this journal")
        return stored_entry_from_row(row)

    def select_entries(
        self,
        start: date | None = None,
        end: date | None = None,
        kinds: Iterable[str] | None = None,
        item: str | None = None,
    ) -> sa.Select[Any]:
        q = sa.select(entries).where(entries.c.person_id == self.pid)
        if start is not None:
            q = q.where(entries.c.local_date >= start)
        if end is not None:
            q = q.where(entries.c.local_date <= end)
        if kinds is not None:
            q = q.where(entries.c.kind.in_(list(kinds)))
        if item is not None:
            q = q.where(entries.c.item == item)
        return q.order_by(entries.c.at_utc, entries.c.id)

    def iter_entries(self, conn: Connection, query: sa.Select[Any]) -> Iterator[EntryBase]:
        for row in conn.execution_options(yield_per=2000).execute(query):
            yield entry_from_row(row)

    def iter_stored(self, conn: Connection, query: sa.Select[Any]) -> Iterator[StoredEntry]:
        for row in conn.execution_options(yield_per=2000).execute(query):
            yield stored_entry_from_row(row)

    def count_entries(self, conn: Connection) -> int:
        q = sa.select(sa.func.count()).select_from(entries).where(entries.c.person_id == self.pid)
        return int(conn.execute(q).scalar_one())

    def daily(
        self, conn: Connection, start: date, end: date, measures: Collection[str] | None = None
    ) -> list[DaySummary]:
        """One packed row per day (storage/summaries.py): a year is ~365 rows, not ~16,000;
        with ``measures``, only those are converted (storage/daily_read.py)."""
        return read_daily(partial(fetch_raw, conn), self.codec, self.pid, start, end, measures)

    def date_span(self, conn: Connection) -> tuple[date | None, date | None]:
        q = sa.select(sa.func.min(entries.c.local_date), sa.func.max(entries.c.local_date)).where(
            entries.c.person_id == self.pid
        )
        lo, hi = conn.execute(q).one()
        return lo, hi

    # -- regimens ---------------------------------------------------------------------------

    def _replace(
        self,
        conn: Connection,
        table: sa.Table,
        row_id: str,
        what: str,
        must_exist: bool,
        make_row: Callable[[datetime, datetime], dict[str, Any]],
        recorded_at: datetime | None = None,
    ) -> None:
        """Insert or replace one keyed row, keeping the time it was first recorded."""
        where = (table.c.person_id == self.pid, table.c.id == row_id)
        old = conn.execute(sa.select(table.c.recorded_at).where(*where)).first()
        if old is None and must_exist:
            raise NotFound(f"there is no {what} {row_id} in this journal")
        now = utcnow()
        if old is not None:
            conn.execute(table.delete().where(*where))
        first = old.recorded_at if old is not None else (recorded_at or now)
        conn.execute(table.insert(), [make_row(first, now)])

    def put_regimen(
        self,
        conn: Connection,
        regimen: Regimen,
        *,
        must_exist: bool = False,
        recorded_at: datetime | None = None,
    ) -> None:
        self._replace(
            conn,
            regimens,
            regimen.id,
            "regimen",
            must_exist,
            lambda first, now: regimen_row(self.pid, regimen, first, now),
            recorded_at,
        )

    def get_regimen(self, conn: Connection, regimen_id: str) -> Regimen:
        row = conn.execute(
            sa.select(regimens).where(regimens.c.person_id == self.pid, regimens.c.id == regimen_id)
        ).first()
        if row is None:
            raise NotFound(f"there is no regimen {regimen_id} in this journal")
        return regimen_from_row(row)

    def list_regimens(self, conn: Connection) -> list[Regimen]:
        q = (
            sa.select(regimens)
            .where(regimens.c.person_id == self.pid)
            .order_by(regimens.c.start_date, regimens.c.id)
        )
        return [regimen_from_row(r) for r in conn.execute(q)]

    def delete_regimen(self, conn: Connection, regimen_id: str) -> None:
        result = conn.execute(
            regimens.delete().where(regimens.c.person_id == self.pid, regimens.c.id == regimen_id)
        )
        if result.rowcount == 0:
            raise NotFound(f"there is no regimen {regimen_id} in this journal")

    # -- trackables and profile -------------------------------------------------------------

    def put_trackable(self, conn: Connection, trackable_id: str, data: dict[str, Any]) -> None:
        conn.execute(
            trackables.delete().where(
                trackables.c.person_id == self.pid, trackables.c.id == trackable_id
            )
        )
        conn.execute(
            trackables.insert(), [{"person_id": self.pid, "id": trackable_id, "data": data}]
        )

    def list_trackables(self, conn: Connection) -> list[dict[str, Any]]:
        q = (
            sa.select(trackables.c.data)
            .where(trackables.c.person_id == self.pid)
            .order_by(trackables.c.id)
        )
        return [dict(r[0]) for r in conn.execute(q)]

    def delete_trackable(self, conn: Connection, trackable_id: str) -> None:
        in_use = conn.execute(
            sa.select(sa.func.count())
            .select_from(entries)
            .where(
                entries.c.person_id == self.pid,
                entries.c.kind == "custom",
                entries.c.item == trackable_id,
            )
        ).scalar_one()
        if in_use:
            raise Conflict(
                f"{in_use} entries use the trackable {trackable_id!r}; delete them first"
            )
        result = conn.execute(
            trackables.delete().where(
                trackables.c.person_id == self.pid, trackables.c.id == trackable_id
            )
        )
        if result.rowcount == 0:
            raise NotFound(f"there is no trackable {trackable_id!r} in this journal")

    def get_profile(self, conn: Connection) -> dict[str, Any]:
        row = conn.execute(sa.select(persons.c.profile).where(persons.c.id == self.pid)).first()
        if row is None:
            raise NotFound("this journal no longer exists")
        return dict(row[0])

    def put_profile(self, conn: Connection, data: dict[str, Any]) -> None:
        conn.execute(
            persons.update()
            .where(persons.c.id == self.pid)
            .values(profile=data, updated_at=utcnow())
        )

    def wipe(self, conn: Connection) -> None:
        """Delete every entry, regimen and trackable of this person and clear the profile."""
        for table in PERSON_TABLES:
            conn.execute(table.delete().where(table.c.person_id == self.pid))
        self.put_profile(conn, {})

    # -- experiments ------------------------------------------------------------------------

    def put_experiment(
        self, conn: Connection, protocol: Protocol, *, must_exist: bool = False
    ) -> None:
        def row(first: datetime, now: datetime) -> dict[str, Any]:
            return {
                "person_id": self.pid,
                "id": protocol.id,
                "status": protocol.status,
                "start_date": protocol.start,
                "data": protocol.model_dump(mode="json", exclude_none=True),
                "recorded_at": first,
                "updated_at": now,
            }

        self._replace(conn, experiments, protocol.id, "experiment", must_exist, row)

    def get_experiment(self, conn: Connection, experiment_id: str) -> Protocol:
        row = conn.execute(
            sa.select(experiments.c.data).where(
                experiments.c.person_id == self.pid, experiments.c.id == experiment_id
            )
        ).first()
        if row is None:
            raise NotFound(f"there is no experiment {experiment_id} in this journal")
        return Protocol.model_validate(row[0])

    def list_experiments(self, conn: Connection) -> list[Protocol]:
        q = (
            sa.select(experiments.c.data)
            .where(experiments.c.person_id == self.pid)
            .order_by(experiments.c.start_date, experiments.c.id)
        )
        return [Protocol.model_validate(r[0]) for r in conn.execute(q)]

    def insert_stored(
        self, conn: Connection, items: Sequence[tuple[StoredEntry, Sequence[Measure]]]
    ) -> None:
        """Insert entries keeping their original record times (used by restore)."""
        self._insert(conn, [(s.entry, ms, s.recorded_at, s.updated_at) for s, ms in items])


_RECOMPUTE_DAY = sa.text(
    "INSERT INTO daily_values (person_id, local_date, measure, n, total, minimum, maximum) "
    "SELECT ev.person_id, ev.local_date, ev.measure, count(*), sum(ev.value), min(ev.value), "
    "max(ev.value) FROM entries e JOIN entry_values ev "
    "ON ev.person_id = e.person_id AND ev.entry_id = e.id "
    "WHERE e.person_id = :pid AND e.local_date = :day "
    "GROUP BY ev.person_id, ev.local_date, ev.measure"
).bindparams(sa.bindparam("day", type_=sa.Date()))
