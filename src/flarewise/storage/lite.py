"""A SQLite journal opened through the driver alone: ``flarewise log`` adds entries with it,
``flarewise insights`` reads its daily summaries and regimens.

Why: importing SQLAlchemy takes about 0.2 s, more than everything else a quick entry needs
(issue 17: ``flarewise log pain 6`` within 0.25 s). Adding an entry needs very little of it:
entries are already written as driver-level ``executemany`` calls
(:func:`flarewise.storage.params.write_entries`, the same function the SQLAlchemy repository
calls), so this module only has to open the file with the same settings, check the schema
revision and find the person.

It opens only what it can open exactly as :class:`~flarewise.storage.database.Database` would:
an existing SQLite file whose schema is at :data:`~flarewise.storage.basics.HEAD` and that holds
the person. For anything else (PostgreSQL, a new or outdated database, a new person)
:func:`open_lite` returns ``None`` and the caller opens the journal the usual way, which
creates, migrates or refuses with its own words.

``flarewise insights`` (issue 17: within 0.6 s on a year) reads the date span, a year of daily
summaries (:func:`flarewise.storage.daily_read.read_daily`, the repository's own function) and
the regimens the same way, for the same reason.

The few reads here are the SQL that SQLAlchemy compiles from :mod:`flarewise.storage.tables`
for SQLite; tests/test_quick_log.py compiles those statements from the tables and checks that
they are the same text, so they cannot drift from the schema.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from flarewise.domain.entries import EntryBase
from flarewise.domain.summaries import DaySummary
from flarewise.errors import Conflict, StorageError
from flarewise.storage.basics import HEAD, setup_sqlite, utcnow
from flarewise.storage.daily_read import read_daily
from flarewise.storage.params import Codec, EntrySql, Measure, write_entries

#: SQLAlchemy's SQLite compilation of the reads below (checked by a test against the tables).
SQL_REVISION = "SELECT alembic_version.version_num FROM alembic_version"
SQL_PERSON = "SELECT persons.id, persons.profile FROM persons WHERE persons.handle = ?"
SQL_TRACKABLES = (
    "SELECT trackables.data FROM trackables WHERE trackables.person_id = ? ORDER BY trackables.id"
)
SQL_KNOWN_KEY = (
    "SELECT entries.source_key FROM entries WHERE entries.person_id = ? "
    "AND entries.source = ? AND entries.source_key = ?"
)

SQL_DATE_SPAN = (
    "SELECT min(entries.local_date) AS min_1, max(entries.local_date) AS max_1 FROM entries "
    "WHERE entries.person_id = ?"
)
SQL_REGIMENS = (
    "SELECT regimens.data FROM regimens WHERE regimens.person_id = ? "
    "ORDER BY regimens.start_date, regimens.id"
)

_PREFIX = "sqlite:///"


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL, if it exists; else None (the usual way)."""
    if not url.startswith(_PREFIX) or "?" in url:
        return None
    name = url[len(_PREFIX) :]
    if not name or name == ":memory:" or name.startswith(("file:", "~")):
        return None
    path = Path(name)
    return path if path.is_file() else None


class LiteStore:
    """One person's journal in a SQLite file, through the driver; see the module's doc."""

    def __init__(self, url: str, conn: sqlite3.Connection, person_id: int, profile: Any) -> None:
        self.url = url
        self.person_id = person_id
        #: the profile as stored (JSON), read when the journal was opened
        self.profile: dict[str, Any] = dict(profile)
        self._conn = conn
        self._codec = Codec("sqlite")
        self._sql = EntrySql(self._codec)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Committed when the block ends, rolled back on any error; driver errors become the
        same sentences :meth:`Database.begin` gives."""
        try:
            with self._conn:
                yield self._conn
        except sqlite3.OperationalError as exc:
            raise StorageError(f"the database at {self.url} could not be used: {exc}") from exc
        except sqlite3.IntegrityError as exc:
            raise Conflict(f"that would duplicate or break stored records ({exc})") from exc
        except sqlite3.Error as exc:
            raise StorageError(f"the database at {self.url} failed: {exc}") from exc

    def trackables(self) -> list[dict[str, Any]]:
        """The person's trackable definitions as stored, in id order."""
        with self._transaction() as conn:
            rows = conn.execute(SQL_TRACKABLES, (self.person_id,)).fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    def regimens(self) -> list[dict[str, Any]]:
        """The person's regimens as stored, by start date then id (as the repository lists)."""
        with self._transaction() as conn:
            rows = conn.execute(SQL_REGIMENS, (self.person_id,)).fetchall()
        return [dict(json.loads(r[0])) for r in rows]

    def date_span(self) -> tuple[date | None, date | None]:
        """The first and last local date with an entry (None, None for an empty journal)."""
        with self._transaction() as conn:
            lo, hi = conn.execute(SQL_DATE_SPAN, (self.person_id,)).fetchone()
        return _day(lo), _day(hi)

    def daily(self, start: date, end: date) -> list[DaySummary]:
        """Daily summaries, read by the repository's own function."""
        with self._transaction() as conn:
            return read_daily(partial(_fetch, conn), self._codec, self.person_id, start, end)

    def insert_entries(
        self,
        items: Sequence[tuple[EntryBase, Sequence[Measure]]],
        *,
        recorded_at: datetime | None = None,
    ) -> int:
        """Insert entries with their derived values in one transaction; an entry whose
        ``(source, source_key)`` is already stored is skipped. Returns how many were inserted."""
        now = recorded_at or utcnow()
        with self._transaction() as conn:
            seen: set[tuple[str, str]] = set()
            fresh = [(e, ms, now, now) for e, ms in items if not self._known(conn, e, seen)]
            return write_entries(
                conn.executemany,
                self._codec,
                self._sql,
                self.person_id,
                fresh,
                lambda sql, params: conn.execute(sql, params).fetchall(),
            )

    def _known(
        self, conn: sqlite3.Connection, entry: EntryBase, seen: set[tuple[str, str]]
    ) -> bool:
        """Whether the entry's source key is stored already or came earlier in this batch."""
        if entry.source_key is None:
            return False
        key = (entry.source, entry.source_key)
        if key in seen:
            return True
        seen.add(key)
        params = (self.person_id, entry.source, entry.source_key)
        return conn.execute(SQL_KNOWN_KEY, params).fetchone() is not None


def _day(stored: str | None) -> date | None:
    """A stored SQLite date (``YYYY-MM-DD`` text) as SQLAlchemy's Date type reads it."""
    return None if stored is None else date.fromisoformat(stored)


def _fetch(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return conn.execute(sql, params).fetchall()


def open_lite(url: str, handle: str) -> LiteStore | None:
    """``handle``'s journal in the SQLite file at ``url`` through the driver, or None when the
    journal must be opened the usual way (not SQLite, missing, outdated, no such person)."""
    path = sqlite_path(url)
    if path is None:
        return None
    try:
        conn = sqlite3.connect(path, timeout=30)
    except sqlite3.Error:
        return None
    try:
        setup_sqlite(conn)
        revision = conn.execute(SQL_REVISION).fetchall()
        if revision != [(HEAD,)]:
            conn.close()
            return None
        row = conn.execute(SQL_PERSON, (handle,)).fetchone()
        conn.rollback()
    except sqlite3.Error:
        conn.close()
        return None  # the usual way opens it again and says what is wrong in its own words
    if row is None:
        conn.close()
        return None
    return LiteStore(url, conn, int(row[0]), json.loads(row[1]))
