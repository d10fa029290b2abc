"""Migrations: empty to head, downgrade and upgrade again, and the models match the migrations."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from flarewise import SymptomCheckin, open_journal
from flarewise.errors import SchemaOutOfDate, StorageError
from flarewise.storage import Database
from flarewise.storage.tables import metadata


def _tables(db: Database) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_empty_to_head_and_round_trip(db_url: str, t0: datetime) -> None:
    db = Database(db_url)
    try:
        assert db.current_revision() is None
        db.upgrade()
        assert db.current_revision() == db.head_revision()
        assert _tables(db) == set(metadata.tables)
        db.downgrade("base")
        assert db.current_revision() is None
        assert _tables(db) == set()
        db.upgrade()
        assert _tables(db) == set(metadata.tables)
    finally:
        db.close()
    with open_journal(db_url, "alice") as j:
        j.add(SymptomCheckin(at=t0, scores={"pain": 5}))
        assert j.count() == 1


def test_models_match_migrations(db_url: str) -> None:
    db = Database(db_url)
    try:
        db.upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        db.close()


def test_old_schema_is_reported_not_silently_used(db_url: str) -> None:
    db = Database(db_url)
    try:
        db.upgrade()
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'older'"))
        with pytest.raises((SchemaOutOfDate, StorageError)):
            db.ensure_schema(upgrade=False)
    finally:
        db.close()


def test_unusable_urls_are_clear_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StorageError, match="not a database URL"):
        Database("not a url")
    with pytest.raises(StorageError, match="SQLite or PostgreSQL"):
        Database("mysql://x@localhost/db")
    with pytest.raises(StorageError, match=r"could not|cannot open"):
        open_journal("postgresql+psycopg://nobody@127.0.0.1:1/none", "alice")


def test_upgrading_an_older_schema_keeps_the_data(db_url: str, t0: datetime) -> None:
    from flarewise import Journal

    db = Database(db_url)
    try:
        db.upgrade("0001_journal")
        j = Journal.for_person(db, "alice")
        j.add(SymptomCheckin(at=t0, scores={"pain": 5}))
        with pytest.raises(SchemaOutOfDate):
            db.ensure_schema(upgrade=False)
        db.upgrade()
        assert db.current_revision() == db.head_revision()
        assert Journal.for_person(db, "alice", create=False).count() == 1
    finally:
        db.close()


def test_the_head_constant_is_the_newest_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from flarewise.storage.database import HEAD, Database

    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    try:
        assert db.head_revision() == HEAD
    finally:
        db.close()
