"""Opening a database (SQLite or PostgreSQL), its migrations, and the people in it."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import (
    DatabaseError,
    DataError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)

from flarewise.errors import Conflict, InvalidInput, NotFound, SchemaOutOfDate, StorageError
from flarewise.storage.basics import HEAD, check_handle, setup_sqlite, utcnow
from flarewise.storage.tables import persons

__all__ = ["HEAD", "Database", "alembic_config", "make_engine", "utcnow"]

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")
_REFUSED_VALUE = (
    "a value holds a character that cannot be stored (an invisible NUL, often from a paste); "
    "remove it and try again"
)
#: Statements that leave what :meth:`Database.remembered` kept (any other forgets it).
_READS = ("SELECT", "PRAGMA")


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    setup_sqlite(dbapi_conn)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and WAL mode."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise StorageError(
            f"{url!r} is not a database URL; use sqlite:///path/to/journal.db or "
            "postgresql+psycopg://user@host/dbname"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = sa.create_engine(parsed)
        _ping_when_idle(engine)
        return engine
    raise StorageError(
        f"flarewise stores journals in SQLite or PostgreSQL, not {parsed.get_backend_name()}"
    )


#: A pooled PostgreSQL connection unused for longer than this is checked before it is handed
#: out; one used more recently is not.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it has been idle a while.

    Why not ``pool_pre_ping``: it pings on every checkout, and a page makes several (a
    check-in five): each ping is a round trip that waits for the server's process, on a busy
    clinic server a large part of the request. A connection used a moment ago is as good as a
    ping's answer; one idle past :data:`PING_AFTER_IDLE_SECONDS` may have been closed by a
    database restart (which takes longer than that) or a firewall, so it is pinged, and a dead
    one is replaced before use (SQLAlchemy's documented pessimistic check: raising
    DisconnectionError makes the pool retry with a fresh connection). A connection cut in
    the middle of a request fails that request with "nothing was changed", as before, and
    SQLAlchemy then replaces the whole pool."""
    import time

    @sa.event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _lent(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
            return  # new (just connected) or in use a moment ago
        try:
            _ping(dbapi_conn)
        except Exception as exc:
            raise sa.exc.DisconnectionError(f"the idle connection was closed: {exc}") from exc


def _ping(dbapi_conn: Any) -> None:
    with dbapi_conn.cursor() as cursor:
        cursor.execute("SELECT 1")
    dbapi_conn.rollback()


def alembic_config(connection: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option(
        "script_location", str(resources.files("flarewise.storage").joinpath("migrations"))
    )
    cfg.attributes["connection"] = connection
    return cfg


class Database:
    """One database holding the journals of many people."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.dialect = self.engine.dialect.name
        #: the connection every ``begin`` of this context joins, inside :meth:`shared`
        self._held: ContextVar[Connection | None] = ContextVar(f"db{id(self)}", default=None)
        #: what :meth:`remembered` keeps for the rest of a :meth:`shared` block
        self._memo: ContextVar[dict[Any, Any] | None] = ContextVar(f"memo{id(self)}", default=None)
        sa.event.listen(self.engine, "before_cursor_execute", self._forget_on_write)
        #: set by :meth:`close`: background workers on this database stop
        self.closed = False
        #: run by :meth:`close` before the connections go (a job queue's worker thread is
        #: stopped and joined, so no query of it outlives the database it reads)
        self._on_close: list[Callable[[], None]] = []

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def on_close(self, stop: Callable[[], None]) -> None:
        """Have :meth:`close` call ``stop`` first (background work on this database)."""
        self._on_close.append(stop)

    def close(self) -> None:
        self.closed = True
        for stop in self._on_close:
            stop()
        self.engine.dispose()

    @contextmanager
    def begin(self, *, rollback: bool = False) -> Iterator[Connection]:
        """A transaction: committed when the block ends, rolled back on any error (and always
        when ``rollback`` is set: a dry run that does everything and keeps nothing). Inside
        :meth:`shared` it joins that block's connection and transaction instead."""
        held = self._held.get()
        if held is not None and not rollback:
            yield held
            return
        with self._translated(), self.engine.connect() as conn, conn.begin() as tx:
            yield conn
            if rollback:
                tx.rollback()

    @contextmanager
    def shared(self) -> Iterator[None]:
        """One connection and one transaction for every ``begin`` in the block (in this thread
        or task), committed when it ends: a page that reads its person's profile, medicines,
        labs and summaries in a dozen small transactions pays for one. On PostgreSQL each
        transaction was four round trips to the server (ping, BEGIN, the query, COMMIT): a
        plan page made ~49, and on a busy machine each waits for the server's process to be
        scheduled (issue 17). Meant for pages that read; a write inside is committed with it."""
        if self._held.get() is not None:
            yield
            return
        with self._translated(), self.engine.connect() as conn, conn.begin():
            token = self._held.set(conn)
            memo = self._memo.set({})
            try:
                yield
            finally:
                self._memo.reset(memo)
                self._held.reset(token)

    def remembered(self, key: Hashable, read: Callable[[], T]) -> T:
        """``read()``, once per :meth:`shared` block (outside one, every time).

        A page asks for the same small things many times (a visit report read the profile six
        times and the medicines four); inside one transaction the answer cannot change unless
        the block itself writes, and any statement in the block but a SELECT forgets
        everything kept (:meth:`_forget_on_write`). Only immutable values belong here."""
        memo = self._memo.get()
        if memo is None:
            return read()
        if key not in memo:
            memo[key] = read()
        found: T = memo[key]
        return found

    def _forget_on_write(self, *args: Any) -> None:
        memo = self._memo.get()
        if memo and not str(args[2]).lstrip()[:6].upper().startswith(_READS):
            memo.clear()  # anything but a plain read: an INSERT, an UPDATE, a DELETE...

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """Database errors as the sentences :mod:`flarewise.errors` defines."""
        try:
            yield
        except OperationalError as exc:
            raise StorageError(
                f"the database at {self.safe_url} could not be used: {exc.orig}"
            ) from exc
        except IntegrityError as exc:
            raise Conflict(f"that would duplicate or break stored records ({exc.orig})") from exc
        except DataError as exc:
            # a value the database refuses to store or compare (PostgreSQL: a NUL byte in a
            # text, typed or pasted or in an address): the input is at fault, the database is
            # fine, so "cannot be reached, try again in a minute" would send people round
            raise InvalidInput("", _REFUSED_VALUE, plain=_REFUSED_VALUE) from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"the database at {self.safe_url} failed: {exc}") from exc

    @contextmanager
    def low_memory(self, conn: Connection) -> Iterator[None]:
        """Hold less in memory while one long transaction writes a great deal (a restore of a
        large backup): SQLite's page cache drops from 32 MiB to 8 MiB for the block, then comes
        back (measured: 8 MiB costs little speed on a random-id insert, 4 MiB halves it).
        PostgreSQL needs nothing: the server holds its own buffers."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        conn.exec_driver_sql("PRAGMA cache_size=-8192")
        try:
            yield
        finally:
            conn.exec_driver_sql("PRAGMA cache_size=-32768")

    # -- migrations ------------------------------------------------------------------------

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        with self.engine.connect() as conn:
            script = ScriptDirectory.from_config(alembic_config(conn))
            head = script.get_current_head()
        assert head is not None
        return head

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                if not sa.inspect(conn).has_table("alembic_version"):
                    return None
                rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except DatabaseError as exc:  # also "file is not a database": --db named another file
            raise StorageError(f"cannot open the database at {self.safe_url}: {exc.orig}") from exc
        if len(rows) > 1:
            raise StorageError(f"the database at {self.safe_url} has several schema heads")
        return str(rows[0][0]) if rows else None

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        with self.begin() as conn, self._known_revision(conn, revision):
            command.upgrade(alembic_config(conn), revision)

    def downgrade(self, revision: str) -> None:
        from alembic import command

        with self.begin() as conn, self._known_revision(conn, revision):
            command.downgrade(alembic_config(conn), revision)

    @contextmanager
    def _known_revision(self, conn: Connection, revision: str) -> Iterator[None]:
        """A revision alembic cannot find (a typo, or one from a newer flarewise) as a sentence
        that lists the ones there are, instead of alembic's traceback."""
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError

        try:
            yield
        except CommandError as exc:
            script = ScriptDirectory.from_config(alembic_config(conn))
            known = [r.revision for r in reversed(list(script.walk_revisions()))]
            raise InvalidInput(
                "revision",
                f"cannot move the schema to {revision!r} ({exc}); use head, base or one of: "
                + ", ".join(known),
            ) from None

    def ensure_schema(self, *, upgrade: bool = True) -> None:
        """Create an empty database's schema; bring an old one up to date when ``upgrade``."""
        current = self.current_revision()
        if current == HEAD:
            return
        head = self.head_revision()
        if current == head:
            return
        if current is None or upgrade:
            self.upgrade()
            return
        raise SchemaOutOfDate(
            f"the database at {self.safe_url} has schema {current}, this flarewise needs {head}. "
            "Back it up, then run `flarewise db upgrade`."
        )

    # -- people ----------------------------------------------------------------------------

    @staticmethod
    def check_handle(handle: str) -> str:
        return check_handle(handle)

    def person_id(self, handle: str) -> int | None:
        with self.begin() as conn:
            row = conn.execute(sa.select(persons.c.id).where(persons.c.handle == handle)).first()
        return None if row is None else int(row[0])

    def create_person(self, handle: str, profile: dict[str, Any] | None = None) -> int:
        self.check_handle(handle)
        now = utcnow()
        try:
            with self.begin() as conn:
                result = conn.execute(
                    persons.insert().values(
                        handle=handle, profile=profile or {}, created_at=now, updated_at=now
                    )
                )
                key = result.inserted_primary_key
                assert key is not None
                return int(key[0])
        except Conflict:
            raise Conflict(f"a journal named {handle!r} already exists") from None

    def handles(self) -> list[str]:
        with self.begin() as conn:
            return [
                r[0] for r in conn.execute(sa.select(persons.c.handle).order_by(persons.c.handle))
            ]

    def delete_person(self, handle: str) -> None:
        """Remove a person and every row of theirs (cascades through every per-person table)."""
        from flarewise.storage.tables import ACCOUNT_TABLES, PERSON_TABLES, audit_log

        pid = self.person_id(handle)
        if pid is None:
            raise NotFound(f"there is no journal named {handle!r}")
        with self.begin() as conn:
            for table in (*PERSON_TABLES, *ACCOUNT_TABLES):
                conn.execute(table.delete().where(table.c.person_id == pid))
            conn.execute(persons.delete().where(persons.c.id == pid))
            # the audit log refuses deletes while its owner exists: erased after the person
            conn.execute(audit_log.delete().where(audit_log.c.owner_id == pid))
