"""Full JSON export and lossless restore; malformed backups are refused and change nothing."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flarewise import BackupError, Conflict, Journal, open_journal, read_backup
from flarewise.domain.entries import EntryBase
from flarewise.journal import open_database

from . import strategies as S
from .samples import fill


def test_export_then_restore_is_identical(journal: Journal, t0: datetime, tmp_path: Path) -> None:
    fill(journal, t0)
    journal.update_profile(
        birth_year=1984, sex="female", conditions=[{"condition": "fibromyalgia"}]
    )
    path = tmp_path / "backup.json"
    assert journal.export_json(path) == 15
    other = Journal.for_person(journal.db, "restored")
    assert other.restore_json(path) == 15
    assert other.export_backup().content() == journal.export_backup().content()
    assert json.loads(path.read_text())["format"] == "flarewise-journal"


def test_restore_refuses_a_journal_with_data_unless_replace(journal: Journal, t0: datetime) -> None:
    fill(journal, t0)
    backup = journal.export_backup()
    with pytest.raises(Conflict, match="--replace"):
        journal.restore(backup)
    assert journal.restore(backup, replace=True) == 15


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """One database per backend for the property test; each example uses new people in it."""
    from .conftest import PG_URL, require_pg

    if request.param == "sqlite":
        db = open_database(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'j.db'}")
        yield db
        db.close()
        return
    require_pg()
    import sqlalchemy as sa

    schema = f"p_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    db = open_database(f"{PG_URL}?options=-csearch_path%3D{schema}")
    yield db
    db.close()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.lists(S.entries, max_size=25),
    regimens=st.lists(S.regimens, max_size=3),
    profile=S.profiles,
)
def test_property_export_restore_round_trip(
    shared_db, entries: list[EntryBase], regimens, profile
) -> None:  # type: ignore[no-untyped-def]
    source = Journal.for_person(shared_db, f"src-{uuid.uuid4().hex[:10]}")
    source.define_trackable(S.TRACKABLE)
    source.set_profile(profile)
    for r in regimens:
        source.add_regimen(r)
    source.add_many(entries)
    backup = source.export_backup()
    # through JSON text, exactly as a file would carry it
    reread = type(backup).model_validate_json(backup.model_dump_json())
    target = Journal.for_person(shared_db, f"dst-{uuid.uuid4().hex[:10]}")
    target.restore(reread)
    assert target.export_backup().content() == backup.content()
    assert sorted(target.entries(), key=lambda e: e.id) == sorted(
        source.entries(), key=lambda e: e.id
    )


BAD_FILES = [
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b'{"format": "flarewise-journal", "version": 1,\n "entries": [}', "line 2 column"),
    (b"[1, 2, 3]", "not a flarewise backup"),
    (b'{"format": "other"}', "not a flarewise backup"),
    (b'{"format": "flarewise-journal", "version": 99}', "version 99"),
    (
        json.dumps(
            {
                "format": "flarewise-journal",
                "version": 1,
                "exported_at": "2025-01-01T00:00:00Z",
                "person": "x",
                "entries": [
                    {
                        "recorded_at": "2025-01-01T00:00:00",
                        "updated_at": "2025-01-01T00:00:00",
                        "entry": {
                            "kind": "checkin",
                            "id": "a1",
                            "at": "2025-01-01T08:00:00+00:00",
                            "scores": {"pain": 11},
                        },
                    }
                ],
            }
        ).encode(),
        "entries[0].entry.scores.pain",
    ),
    (
        json.dumps(
            {
                "format": "flarewise-journal",
                "version": 1,
                "exported_at": "2025-01-01T00:00:00Z",
                "person": "x",
                "entries": [
                    {
                        "recorded_at": "2025-01-01T00:00:00",
                        "updated_at": "2025-01-01T00:00:00",
                        "entry": {
                            "kind": "intake",
                            "id": "a2",
                            "at": "2025-01-01T08:00:00+00:00",
                            "substance": "unobtainium",
                            "amount": 3,
                            "unit": "mg",
                        },
                    }
                ],
            }
        ).encode(),
        "entries[0].entry.substance",
    ),
]


@pytest.mark.parametrize(("content", "needle"), BAD_FILES)
def test_malformed_backups_are_refused_and_change_nothing(
    journal: Journal, t0: datetime, tmp_path: Path, content: bytes, needle: str
) -> None:
    before = fill(journal, t0)
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises((BackupError, Exception)) as info:
        journal.restore_json(path, replace=True)
    assert needle in str(info.value)
    assert "Traceback" not in str(info.value)
    assert sorted(e.id for e in journal.entries()) == sorted(e.id for e in before)


def test_missing_backup_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="cannot read the file"):
        read_backup(tmp_path / "nope.json")


def test_duplicate_ids_in_a_backup_are_refused(journal: Journal, t0: datetime) -> None:
    fill(journal, t0)
    backup = journal.export_backup()
    doubled = backup.model_copy(update={"entries": backup.entries + backup.entries[:1]})
    other = open_journal(journal.db.url, "other")
    with pytest.raises(BackupError, match="twice"):
        other.restore(doubled)
    assert other.count() == 0
    other.close()
