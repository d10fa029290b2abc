"""The clinic list's cached summary (flarewise.sharing.clinic.current_summary) is read again
exactly when one of its inputs changes: labs, assessments, medicines, the profile (with its
overrides) or the journal's last day; never for a symptom check-in or an intake on a day
already in the journal, so check-in traffic does not turn every dashboard into a full visit
report per person. On SQLite and PostgreSQL.

The report is counted by wrapping the real :func:`clinic.report_of` (it still runs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from flarewise import Journal
from flarewise.accounts import Accounts
from flarewise.domain.entries import Intake, LabResult, SymptomCheckin
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.instruments import ITEMS
from flarewise.journal import open_database
from flarewise.reports import VisitReport
from flarewise.sharing import admin, changes, clinic, invitations
from flarewise.sharing.access import Shared, open_shared
from flarewise.storage import Database


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    Journal.for_person(database, "alice")
    Accounts(database).set_password("alice", "correct horse battery")
    admin.create(database, None, "drbob", "clinician")
    invitations.accept(database, "drbob", invitations.invite(database, "alice", "read").code)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def reports(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The handles whose visit report the clinic list read, in order."""
    read: list[str] = []
    real = clinic.report_of

    def counted(shared: Shared) -> VisitReport | None:
        read.append(shared.journal.handle)
        return real(shared)

    monkeypatch.setattr(clinic, "report_of", counted)
    return read


def _list(db: Database) -> changes.Changes:
    """The clinic list's changes for alice, then a visit (the next list compares with now)."""
    found = clinic.patients(db, "drbob", via="test")[0].changes
    shared = open_shared(db, "drbob", "alice", "report", what="overview", via="test")
    clinic.visit(shared, clinic.current_summary(shared))
    return found


def test_check_ins_leave_the_summary_cached_and_each_clinical_input_refreshes_it(
    db: Database, reports: list[str]
) -> None:
    alice = Journal.for_person(db, "alice", create=False)
    now = datetime.now(UTC)
    alice.add(SymptomCheckin(at=now - timedelta(days=1), scores={"pain": 5}))
    alice.add(LabResult(at=now - timedelta(days=1), loinc="30341-2", value=26, unit="mm/h"))
    assert _list(db).new_red_flags == ("ESR not rated",) and reports == ["alice"]

    # the first entry of a new day moves the report's end (medicines in force are taken on
    # it): read once, then check-ins and intakes on that day read nothing
    alice.add(SymptomCheckin(at=now, scores={"pain": 7}))
    _list(db)
    assert reports == ["alice"] * 2
    for pain in (3, 8, 6):
        alice.add(SymptomCheckin(at=now, scores={"pain": pain, "fatigue": 5}))
    alice.add(Intake(at=now, substance="ibuprofen", amount=200, unit="mg"))
    assert _list(db).new_red_flags == () and reports == ["alice"] * 2

    # a profile change: with an age and a sex, the ESR of 26 mm/h is now rated as raised
    alice.update_profile(birth_year=now.year - 40, sex="female")
    assert _list(db).new_red_flags == ("Raised ESR",) and reports == ["alice"] * 3

    # a lab: a low ferritin is a new red flag on the next list
    alice.add(LabResult(at=now, loinc="2276-4", value=5, unit="ng/mL"))
    assert _list(db).new_red_flags == ("Low ferritin",) and reports == ["alice"] * 4

    # medicines: duloxetine with tramadol is a new safety warning
    start = now.date() - timedelta(days=10)
    alice.add_regimen(Regimen(substance="duloxetine", steps=(DoseStep(start=start),)))
    alice.add_regimen(Regimen(substance="tramadol", steps=(DoseStep(start=start),)))
    assert _list(db).new_warnings and reports == ["alice"] * 5

    # an assessment: the FIQR total appears
    alice.assess("fiqr", {k: 6 for k in ITEMS["fiqr"]}, at=now)
    assert _list(db).fiqr is not None and reports == ["alice"] * 6

    # and once more nothing changed: nothing is read
    alice.add(SymptomCheckin(at=now, scores={"pain": 4}))
    assert _list(db).fiqr_change == 0 and reports == ["alice"] * 6


def test_the_list_is_one_access_per_live_grant_and_shares_the_persons_page_cache(
    db: Database, reports: list[str]
) -> None:
    """The list reads everyone at once: one audit row for each person listed, none for a
    revoked or expired grant (not listed either), the newest live grant when a person shared
    twice; a summary the person's page kept is the list's too (no second report)."""
    from datetime import date

    from flarewise.sharing import grants
    from flarewise.storage import audit as audit_rows
    from flarewise.storage import sharing as rows

    for handle in ("carol", "dave", "erin"):
        Journal.for_person(db, handle).add(SymptomCheckin(at=datetime.now(UTC), scores={"pain": 4}))
    invitations.accept(db, "drbob", invitations.invite(db, "carol", "report").code)
    invitations.accept(db, "drbob", invitations.invite(db, "carol", "annotate").code)
    invitations.accept(db, "drbob", invitations.invite(db, "dave", "read").code)
    yesterday = date.today() - timedelta(days=2)
    with db.begin() as conn:  # dave's grant ended before today
        conn.execute(
            rows.grants.update()
            .where(rows.grants.c.owner_id == db.person_id("dave"))
            .values(until=yesterday)
        )
    invitations.accept(db, "drbob", invitations.invite(db, "erin", "read").code)
    (erin_grant,) = grants.grants_of(db, "erin")
    grants.revoke(db, "erin", erin_grant.id)

    shared = open_shared(db, "drbob", "alice", "report", what="overview", via="test")
    clinic.current_summary(shared)  # the person's page computes and keeps alice's summary
    assert reports == ["alice"]

    listed = clinic.patients(db, "drbob", via="GET /clinic")
    assert [(p.handle, p.scope) for p in listed] == [("alice", "read"), ("carol", "annotate")]
    assert reports == ["alice", "carol"]  # alice's kept summary served the list
    for handle, expected in (("alice", 1), ("carol", 1), ("dave", 0), ("erin", 0)):
        pid = db.person_id(handle)
        assert pid is not None
        with db.begin() as conn:
            found = [
                r for r in audit_rows.records(conn, pid) if r.what == "clinic list (what changed)"
            ]
        assert len(found) == expected, handle
        assert all(r.actor == "drbob" and r.via == "GET /clinic" for r in found)

    clinic.patients(db, "drbob", via="GET /clinic")
    assert reports == ["alice", "carol"]  # nothing changed: both from the cache
    assert clinic.patients(db, "alice", via="GET /clinic") == []  # not a clinician
