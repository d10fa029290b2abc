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
        db.upgrade()  # today's code writes today's schema, then the schema is taken back
        j = Journal.for_person(db, "alice")
        j.add(SymptomCheckin(at=t0, scores={"pain": 5}))
        db.downgrade("0001_journal")
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


def test_the_day_rows_are_filled_from_a_journal_written_before_them(
    db_url: str, t0: datetime
) -> None:
    """0008_summaries packs the aggregates a journal already holds: the same summaries as the
    ones kept on write, days with entries but no measures included."""
    from datetime import timedelta

    from flarewise import Journal, Note

    db = Database(db_url)
    try:
        db.upgrade()
        j = Journal.for_person(db, "alice")
        j.write_demo(start=t0.date() - timedelta(days=40), days=40, seed=3)
        bob = Journal.for_person(db, "bob")
        bob.add(SymptomCheckin(at=t0, scores={"pain": 5, "fatigue": 6}))
        bob.add(Note(at=t0 + timedelta(days=1), text="a quiet day"))
        span = (t0.date() - timedelta(days=60), t0.date() + timedelta(days=5))
        kept = j.daily_summaries(*span), bob.daily_summaries(*span)
        assert len(kept[0]) >= 30 and kept[1][1].measures == {}
        db.downgrade("0003_accounts")
        assert "daily_summaries" not in _tables(db)
        db.upgrade()
        assert (j.daily_summaries(*span), bob.daily_summaries(*span)) == kept
    finally:
        db.close()
