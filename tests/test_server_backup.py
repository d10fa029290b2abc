"""``flarewise backup``: SQLite's online backup; PostgreSQL's pg_dump, restored with pg_restore
into a fresh database exactly as docs/deploy.md says; and one person moving from a laptop to a
clinic server with export and restore."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from flarewise import Journal, open_journal
from flarewise.journal import open_database
from tests.conftest import PG_URL, cli_against, require_pg

TABLES = ("persons", "entries", "entry_values", "daily_values", "regimens", "accounts", "jobs")


def _two_people(url: str) -> None:
    db = open_database(url)
    try:
        for handle, days in (("alice", 30), ("bob", 10)):
            j = Journal.for_person(db, handle)
            j.write_demo(start=date(2026, 1, 1), days=days, replace=True)
    finally:
        db.close()


def _contents(url: str) -> dict[str, object]:
    """Row counts of every table, and every entry's id, person and kind."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            found: dict[str, object] = {
                t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES
            }
            found["entries_rows"] = [
                tuple(r)
                for r in conn.execute(
                    sa.text("SELECT id, person_id, kind, at_utc, item FROM entries ORDER BY id")
                )
            ]
            found["revision"] = conn.execute(
                sa.text("SELECT version_num FROM alembic_version")
            ).scalar_one()
    finally:
        engine.dispose()
    return found


def test_sqlite_backup_is_a_working_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    _two_people(url)
    cli = cli_against(url, monkeypatch, tmp_path, capsys)
    target = tmp_path / "copy.db"
    code, out, err = cli("backup", str(target))
    assert code == 0, err
    assert "Backed up the sqlite database" in out and "copy.db" in out
    copy = f"sqlite:///{target}"
    before = _contents(url)
    assert _contents(copy) == before and before["entries"]
    with open_journal(copy, "bob") as j:
        assert j.count() == Journal.for_person(open_database(url), "bob").count() > 0
    code, _, err = cli("backup", str(target))
    assert code == 1 and "already exists" in err and "--overwrite" in err
    assert cli("backup", str(target), "--overwrite")[0] == 0
    assert not list(tmp_path.glob("*.partial"))


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database (dropped afterwards)."""
    require_pg()
    name = f"fw_restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgresql_backup_restores_into_a_fresh_database(
    pg_schema_url: str,
    fresh_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    _two_people(pg_schema_url)
    cli = cli_against(pg_schema_url, monkeypatch, tmp_path, capsys)
    dump = tmp_path / "clinic.dump"
    code, out, err = cli("backup", str(dump))
    assert code == 0, err
    assert "pg_restore" in out and dump.read_bytes()[:5] == b"PGDMP"  # the custom format
    # the restore drill of docs/deploy.md, word for word but for the names
    libpq = str(sa.make_url(fresh_database).set(drivername="postgresql"))
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", libpq, str(dump)],
        check=True,
        capture_output=True,
    )
    schema = pg_schema_url.rsplit("search_path%3D", 1)[1]
    restored = f"{fresh_database}?options=-csearch_path%3D{schema}"
    before = _contents(pg_schema_url)
    assert before["entries"] and before["persons"] == 2
    assert _contents(restored) == before
    with open_journal(restored, "alice") as j:  # and flarewise opens it as it was
        assert j.count() == open_journal(pg_schema_url, "alice").count()


def test_a_person_moves_from_a_laptop_to_a_clinic_server(
    pg_schema_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    laptop = f"sqlite:///{tmp_path / 'laptop.db'}"
    _two_people(laptop)
    with open_journal(laptop, "alice") as j:
        entries = [e.model_dump(mode="json") for e in j.entries()]
        profile = j.profile().model_dump(mode="json")
    monkeypatch.setenv("FLAREWISE_PERSON", "alice")
    at_home = cli_against(laptop, monkeypatch, tmp_path, capsys)
    backup = tmp_path / "alice.json"
    assert at_home("export", "--format", "json", "-o", str(backup))[0] == 0
    # the clinic already serves someone else
    open_journal(pg_schema_url, "carol").close()
    clinic = cli_against(pg_schema_url, monkeypatch, tmp_path, capsys)
    code, _out, err = clinic("restore", str(backup))
    assert code == 0, err
    with open_journal(pg_schema_url, "alice") as j:
        assert [e.model_dump(mode="json") for e in j.entries()] == entries
        assert j.profile().model_dump(mode="json") == profile
    with open_journal(pg_schema_url, "carol") as j:
        assert j.count() == 0
