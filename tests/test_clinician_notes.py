"""Clinician notes as part of the person's record (issue 16): a clinician amends only their own
note, through a live annotate grant, the earlier text kept and the amendment in the person's
audit log; the notes and their amendments travel in the backup, into another server and back,
without repeating on a second restore; a backup made before notes travelled still restores.
On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from flarewise import Journal
from flarewise.errors import Conflict, NotFound
from flarewise.journal import open_database
from flarewise.sharing import admin, audit, grants, invitations, notes
from flarewise.sharing.access import NOTHING_HERE
from flarewise.storage import Database
from flarewise.storage.database import utcnow

VIA = "test"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    Journal.for_person(database, "alice")
    for clinician in ("drbob", "drcarol"):
        admin.create(database, None, clinician, "clinician")
        code = invitations.invite(database, "alice", "annotate").code
        invitations.accept(database, clinician, code)
    try:
        yield database
    finally:
        database.close()


def _texts(db: Database) -> list[tuple[str, list[str]]]:
    """Each note as it reads today, with the texts it replaced."""
    return [(n.text, [v.text for v in n.superseded]) for n in notes.notes_about(db, "alice")]


def test_a_clinician_amends_their_own_note_and_the_first_text_stays(db: Database) -> None:
    first = notes.add_note(db, "drbob", "alice", "Magnesium 300 mg.", via=VIA)
    before = len(audit.who_looked(db, "alice"))
    later = utcnow() + timedelta(minutes=5)
    amended = notes.amend_note(
        db, "drbob", "alice", first.id, "Magnesium 200 mg.", via="POST amend", now=later
    )
    assert amended.text == "Magnesium 200 mg." and amended.amended
    (old,) = amended.superseded
    assert (old.text, old.clinician, old.amended_by, old.amended_at) == (
        "Magnesium 300 mg.",
        "drbob",
        "drbob",
        later,
    )
    log = audit.who_looked(db, "alice")
    assert len(log) == before + 1
    assert (log[0].actor, log[0].action, log[0].what, log[0].via) == (
        "drbob",
        "write",
        "clinician note amendment",
        "POST amend",
    )
    # amended again: the latest version is the one amended, every earlier text kept in order
    notes.amend_note(db, "drbob", "alice", amended.id, "Magnesium 100 mg.", via=VIA)
    assert _texts(db) == [("Magnesium 100 mg.", ["Magnesium 300 mg.", "Magnesium 200 mg."])]
    # the superseded version cannot be amended a second time (a stale form): no row either
    size = len(audit.who_looked(db, "alice"))
    with pytest.raises(Conflict, match="amended already"):
        notes.amend_note(db, "drbob", "alice", first.id, "Magnesium 50 mg.", via=VIA)
    assert len(audit.who_looked(db, "alice")) == size
    with db.begin() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM clinician_notes")).scalar_one()
    assert stored == 3  # nothing overwritten, nothing deleted


def test_only_the_author_with_a_live_annotate_grant_amends(db: Database) -> None:
    note = notes.add_note(db, "drbob", "alice", "Sleep discussed.", via=VIA)
    size = len(audit.who_looked(db, "alice"))

    def refused(clinician: str, owner: str = "alice", note_id: int = note.id) -> None:
        with pytest.raises(NotFound) as caught:
            notes.amend_note(db, clinician, owner, note_id, "Changed.", via=VIA)
        assert str(caught.value) == NOTHING_HERE
        assert len(audit.who_looked(db, "alice")) == size  # no row for a refusal

    refused("drcarol")  # another clinician, with an annotate grant of her own
    refused("alice")  # the owner reads notes, never writes them
    refused("drbob", owner="nobody")  # no such person
    refused("drbob", note_id=note.id + 1000)  # no such note
    refused("drbob", note_id=2**40)
    # a note about another person cannot be reached through alice
    Journal.for_person(db, "dave")
    code = invitations.invite(db, "dave", "annotate").code
    invitations.accept(db, "drbob", code)
    other = notes.add_note(db, "drbob", "dave", "About dave.", via=VIA)
    size = len(audit.who_looked(db, "alice"))
    refused("drbob", note_id=other.id)
    # a read-only grant (a new grant replaces the last one)
    invitations.accept(db, "drbob", invitations.invite(db, "alice", "read").code)
    refused("drbob")
    # a revoked grant
    (live,) = [
        g for g in grants.grants_of(db, "alice") if g.clinician == "drbob" and g.status == "live"
    ]
    grants.revoke(db, "alice", live.id)
    refused("drbob")
    assert _texts(db) == [("Sleep discussed.", [])]


def _write_history(db: Database) -> None:
    first = notes.add_note(db, "drbob", "alice", "Start pacing.", via=VIA)
    notes.add_note(db, "drcarol", "alice", "Labs reviewed.", via=VIA)
    notes.amend_note(
        db,
        "drbob",
        "alice",
        first.id,
        "Start pacing, 20 minutes.",
        via=VIA,
        now=utcnow() + timedelta(seconds=1),
    )


def test_notes_and_amendments_travel_in_the_backup_and_never_repeat(
    db: Database, tmp_path: Path
) -> None:
    _write_history(db)
    alice = Journal.for_person(db, "alice", create=False)
    backup = alice.export_backup()
    assert [(n.clinician, n.text, [a.text for a in n.amendments]) for n in backup.notes] == [
        ("drbob", "Start pacing.", ["Start pacing, 20 minutes."]),
        ("drcarol", "Labs reviewed.", []),
    ]
    path = tmp_path / "alice.json"
    alice.export_json(path)
    expected = _texts(db)
    # into another server (the laptop's SQLite), read piece by piece, then again over it
    other = open_database(f"sqlite:///{tmp_path / 'elsewhere.db'}")
    try:
        moved = Journal.for_person(other, "alice")
        moved.restore_json(path)
        moved.restore_json(path, replace=True)
        moved.restore(backup, replace=True)
        assert _texts(other) == expected
        assert moved.export_backup().notes == backup.notes
    finally:
        other.close()
    # back into the same journal: nothing repeated
    alice.restore(backup, replace=True)
    alice.restore_json(path, replace=True)
    assert _texts(db) == expected
    with db.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM clinician_notes")).scalar_one() == 3


def test_a_later_amendment_is_added_to_a_journal_restored_before_it(
    db: Database, tmp_path: Path
) -> None:
    """A person moves to the clinic; the backup they restore next carries an amendment made
    since (on the laptop): only the amendment is added."""
    first = notes.add_note(db, "drbob", "alice", "Start pacing.", via=VIA)
    alice = Journal.for_person(db, "alice", create=False)
    early = alice.export_backup()
    other = open_database(f"sqlite:///{tmp_path / 'clinic.db'}")
    try:
        moved = Journal.for_person(other, "alice")
        moved.restore(early)
        notes.amend_note(db, "drbob", "alice", first.id, "Pacing: 20 minutes.", via=VIA)
        moved.restore(alice.export_backup(), replace=True)
        assert _texts(other) == [("Pacing: 20 minutes.", ["Start pacing."])]
    finally:
        other.close()


def test_a_backup_made_before_notes_travelled_still_restores(db: Database, tmp_path: Path) -> None:
    _write_history(db)
    alice = Journal.for_person(db, "alice", create=False)
    path = tmp_path / "old.json"
    alice.export_json(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["notes"]
    path.write_text(json.dumps(data), encoding="utf-8")
    other = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        moved = Journal.for_person(other, "alice")
        assert moved.restore_json(path) == 0  # no entries, and no notes: nothing refused
        assert notes.notes_about(other, "alice") == []
    finally:
        other.close()
    # over the journal that holds the notes: they stay as they were
    alice.restore_json(path, replace=True)
    assert _texts(db) == [
        ("Labs reviewed.", []),
        ("Start pacing, 20 minutes.", ["Start pacing."]),
    ]


def test_deleting_the_account_erases_its_notes_and_their_amendments(db: Database) -> None:
    note = notes.add_note(db, "drbob", "alice", "Start pacing.", via=VIA)
    notes.amend_note(db, "drbob", "alice", note.id, "Pacing: 20 minutes.", via=VIA)
    db.delete_person("alice")
    with db.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM clinician_notes")).scalar_one() == 0
