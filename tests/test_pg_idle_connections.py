"""PostgreSQL connections are checked before use only after being idle (a ping per checkout
was a round trip on every one of a page's transactions), and a connection the server closed
while it sat in the pool is replaced: the next request works, no error reaches the person."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from flarewise.journal import Journal, open_database
from flarewise.storage import Database
from flarewise.storage import database as database_module
from tests.conftest import PG_URL


@pytest.fixture
def db(pg_schema_url: str) -> Iterator[Database]:
    database = open_database(pg_schema_url)
    try:
        yield database
    finally:
        database.close()


def _backend_pid(db: Database) -> int:
    with db.begin() as conn:
        return int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item per ping (the real ping still runs)."""
    done: list[int] = []
    real = database_module._ping

    def counted(dbapi_conn: object) -> None:
        done.append(1)
        real(dbapi_conn)

    monkeypatch.setattr(database_module, "_ping", counted)
    return done


def test_a_connection_in_use_a_moment_ago_is_not_pinged(
    db: Database, pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    Journal.for_person(db, "alice")
    for _ in range(5):
        with db.begin() as conn:
            conn.execute(sa.text("SELECT 2"))
    assert pings == []
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 0.05)
    time.sleep(0.1)
    with db.begin() as conn:  # idle long enough: checked first
        conn.execute(sa.text("SELECT 2"))
    assert pings == [1]


def test_a_connection_closed_while_idle_is_replaced(
    db: Database, pings: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = Journal.for_person(db, "alice")
    before = _backend_pid(db)
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # what a database restart does to a pooled connection
            conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
    finally:
        admin.dispose()
    time.sleep(0.2)
    monkeypatch.setattr(database_module, "PING_AFTER_IDLE_SECONDS", 0.1)
    assert alice.profile() is not None  # the dead connection was pinged and replaced
    assert _backend_pid(db) != before and pings
