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
