"""Sharing's library rules (flarewise.sharing): invitation codes, grants and revoking, the
append-only audit log (the database refuses to edit it), the log in the backup, roles and the
administrator's operations. On SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from flarewise import Journal
from flarewise.accounts import AccountDisabled, Accounts
from flarewise.errors import Conflict, InvalidInput, NotFound
from flarewise.journal import open_database
from flarewise.sharing import admin, audit, grants, invitations
from flarewise.sharing.access import NOTHING_HERE, open_shared
from flarewise.storage import Database
from flarewise.storage import audit as audit_rows
from flarewise.storage.database import utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    Journal.for_person(database, "alice")
    Accounts(database).set_password("alice", PASSWORD)
    admin.create(database, None, "drbob", "clinician")
    try:
        yield database
    finally:
        database.close()


def _shared(db: Database, scope: str = "read") -> None:
    invitations.accept(db, "drbob", invitations.invite(db, "alice", scope).code)


def test_a_code_is_stored_hashed_works_once_and_expires(db: Database) -> None:
    new = invitations.invite(db, "alice", "report")
    assert len(new.code) >= 43  # 256 bits, URL-safe base64
    with db.begin() as conn:
        stored = [r[0] for r in conn.execute(sa.text("SELECT code_hash FROM invitations"))]
    assert stored == [hashlib.sha256(new.code.encode()).hexdigest()]
    assert invitations.accept(db, "drbob", new.code).owner == "alice"
    with pytest.raises(InvalidInput, match="already used or expired"):
        invitations.accept(db, "drbob", new.code)
    old = invitations.invite(db, "alice", "read", now=utcnow() - timedelta(hours=73))
    with pytest.raises(InvalidInput, match="already used or expired"):
        invitations.accept(db, "drbob", old.code)


def test_only_a_clinician_accepts_and_never_their_own_code(db: Database) -> None:
    Accounts(db).set_password("alice", PASSWORD)
    code = invitations.invite(db, "alice", "read").code
    Journal.for_person(db, "dave")
    Accounts(db).set_password("dave", PASSWORD)
    with pytest.raises(InvalidInput, match="only a clinician"):
        invitations.accept(db, "dave", code)
    own = invitations.invite(db, "drbob", "read").code
    with pytest.raises(InvalidInput, match="your own journal"):
        invitations.accept(db, "drbob", own)


def test_a_new_grant_replaces_the_last_and_revoking_ends_access(db: Database) -> None:
    _shared(db, "report")
    _shared(db, "read")
    listed = grants.grants_of(db, "alice")
    assert [(g.scope, g.status) for g in listed] == [("report", "revoked"), ("read", "live")]
    opened = open_shared(db, "drbob", "alice", "read", what="timeline", via="test")
    assert opened.journal.handle == "alice"
    grants.revoke(db, "alice", listed[1].id)
    with pytest.raises(NotFound) as refused:
        open_shared(db, "drbob", "alice", "report", what="timeline", via="test")
    assert str(refused.value) == NOTHING_HERE
    with pytest.raises(NotFound):
        grants.revoke(db, "alice", listed[1].id)


def test_an_until_date_ends_the_grant_after_that_day(db: Database) -> None:
    then = utcnow() - timedelta(days=3)
    code = invitations.invite(db, "alice", "read", then.date() + timedelta(days=1), now=then)
    invitations.accept(db, "drbob", code.code, now=then)
    assert [g.status for g in grants.grants_of(db, "alice")] == ["expired"]
    with pytest.raises(NotFound):
        open_shared(db, "drbob", "alice", "report", what="report", via="test")
    with pytest.raises(InvalidInput, match="has passed"):
        invitations.invite(db, "alice", "read", utcnow().date() - timedelta(days=1))


def test_every_access_is_in_the_owners_log_and_the_database_refuses_to_edit_it(
    db: Database,
) -> None:
    _shared(db)
    open_shared(db, "drbob", "alice", "read", what="labs", via="GET /clinic/alice/labs")
    rows = audit.who_looked(db, "alice")
    assert [(r.actor, r.action, r.what, r.via) for r in rows] == [
        ("drbob", "read", "labs", "GET /clinic/alice/labs")
    ]
    statements = ["UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"]
    if db.dialect == "postgresql":
        statements.append("TRUNCATE audit_log")
    for statement in statements:
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert audit.who_looked(db, "alice") == rows


def test_deleting_the_account_erases_its_log_with_it(db: Database) -> None:
    _shared(db)
    open_shared(db, "drbob", "alice", "read", what="labs", via="test")
    pid = db.person_id("alice")
    db.delete_person("alice")
    with db.begin() as conn:
        left = conn.execute(
            sa.text("SELECT count(*) FROM audit_log WHERE owner_id = :p"), {"p": pid}
        ).scalar_one()
    assert left == 0


def test_the_log_travels_in_the_backup_and_a_restore_never_repeats_a_row(
    db: Database, tmp_path, db_url: str
) -> None:  # type: ignore[no-untyped-def]
    _shared(db)
    open_shared(db, "drbob", "alice", "read", what="labs", via="GET /clinic/alice/labs")
    alice = Journal.for_person(db, "alice", create=False)
    path = tmp_path / "alice.json"
    alice.export_json(path)
    backup = alice.export_backup()
    assert [r.what for r in backup.audit] == ["labs"]
    # into another server's fresh journal, read piece by piece, then again over it
    other = open_database(f"sqlite:///{tmp_path / 'clinic.db'}")
    try:
        moved = Journal.for_person(other, "alice")
        moved.restore_json(path)
        moved.restore_json(path, replace=True)
        assert audit.who_looked(other, "alice") == audit.who_looked(db, "alice")
    finally:
        other.close()
    # back into the same journal: nothing repeated
    alice.restore(backup, replace=True)
    assert len(audit.who_looked(db, "alice")) == 1


def test_roles_disabling_and_temporary_passwords(db: Database) -> None:
    accounts = Accounts(db)
    assert accounts.role_of("drbob") == "clinician"
    assert accounts.role_of("alice") == "person"
    assert accounts.role_of("nobody") is None
    session = accounts.sign_in("alice", PASSWORD, "test")
    assert accounts.session(session.token) is not None
    admin.set_disabled(db, None, "alice", True, via="flarewise account disable")
    assert accounts.session(session.token) is None  # its sessions ended
    with pytest.raises(AccountDisabled):
        accounts.sign_in("alice", PASSWORD, "test")
    admin.set_disabled(db, None, "alice", False, via="flarewise account enable")
    temporary = admin.reset_password(db, None, "alice", via="flarewise account reset")
    again = accounts.sign_in("alice", temporary, "test")
    assert again.must_change_password
    accounts.change_password(again, temporary, "a new good password", "test")
    assert not accounts.sign_in("alice", "a new good password", "test").must_change_password
    # each change to her account by someone else is in her own log
    assert [(r.actor, r.what, r.via) for r in audit.who_looked(db, "alice")] == [
        ("operator", "password reset", "flarewise account reset"),
        ("operator", "account enabled", "flarewise account enable"),
        ("operator", "account disabled", "flarewise account disable"),
    ]


def test_only_an_admin_manages_accounts(db: Database) -> None:
    with pytest.raises(NotFound):
        admin.accounts(db, "drbob")
    admin.create(db, None, "root", "admin")
    names = [a.handle for a in admin.accounts(db, "root")]
    assert names == sorted(["alice", "drbob", "root"])
    with pytest.raises(InvalidInput, match="your own account"):
        admin.set_disabled(db, "root", "root", True, via="test")
    with pytest.raises(InvalidInput, match="use one of"):
        admin.create(db, "root", "eve", "superuser")


def test_the_operator_gives_a_restored_journal_its_owners_account(db: Database) -> None:
    """Review finding 13: a journal restored (or written by `demo`) before its account could
    never get one: "the name is taken", and a reset found no account."""
    Journal.for_person(db, "ann")  # as a restore into the clinic server leaves it
    admin.create(db, None, "root", "admin")
    with pytest.raises(Conflict, match="operator can give it one"):
        admin.create(db, "root", "ann", "person")  # not through an administrator
    with pytest.raises(InvalidInput, match="--role person"):
        admin.create(db, None, "ann", "clinician")
    password = admin.create(db, None, "ann", "person")
    assert Accounts(db).sign_in("ann", password, "test").handle == "ann"
    pid = db.person_id("ann")
    assert pid is not None
    with db.begin() as conn:
        logged = [r.what for r in audit_rows.records(conn, pid)]
    assert logged == ["account created for this journal"]
    with pytest.raises(Conflict, match="is taken"):
        admin.create(db, None, "ann", "person")  # once only


def test_the_clinic_list_sees_a_new_red_flag_and_reads_the_report_only_after_a_change(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from flarewise.domain.entries import LabResult
    from flarewise.sharing import clinic

    _shared(db)
    alice = Journal.for_person(db, "alice", create=False)
    alice.add(LabResult(at=datetime.now(UTC), loinc="2276-4", value=60, unit="ng/mL"))
    first = clinic.patients(db, "drbob", via="test")[0].changes
    assert first.first_visit and first.new_red_flags == ()
    # a visit: the clinician saw that; nothing changed since, and no report is read again
    shared = open_shared(db, "drbob", "alice", "report", what="overview", via="test")
    clinic.visit(shared, clinic.current_summary(shared))
    reports: list[str] = []
    real = clinic.report_of
    monkeypatch.setattr(clinic, "report_of", lambda s: reports.append(s.journal.handle) or real(s))
    again = clinic.patients(db, "drbob", via="test")[0].changes
    assert (again.first_visit, again.new_red_flags, reports) == (False, (), [])
    # a low ferritin arrives: the next list reads the report again and names the red flag
    alice.add(LabResult(at=datetime.now(UTC), loinc="2276-4", value=5, unit="ng/mL"))
    after = clinic.patients(db, "drbob", via="test")[0].changes
    assert after.new_red_flags == ("Low ferritin",) and reports == ["alice"]
