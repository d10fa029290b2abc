"""A grant's end date is a day of the calendar of the person who shared (review finding 14):
"until 1 December" lasts through their 1 December, whatever the server's UTC date says; the
same rule for opening a journal, the clinician's list, the person's list of grants, making a
code and accepting one. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from flarewise import Journal
from flarewise.accounts import Accounts
from flarewise.domain.profile import Profile
from flarewise.errors import InvalidInput, NotFound
from flarewise.journal import open_database
from flarewise.sharing import admin, clinic, grants, invitations
from flarewise.sharing.access import open_shared
from flarewise.sharing.calendar import local_today
from flarewise.storage import Database

UNTIL = date(2026, 12, 1)
#: 2 December 05:00 UTC: still 1 December in Los Angeles (21:00), already 2 December in London
#: and in Kiritimati (19:00 on the 2nd).
LATE = datetime(2026, 12, 2, 5, 0)
#: 30 November 12:00 UTC: 1 December 02:00 in Kiritimati (UTC+14), 30 November elsewhere.
EARLY = datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    admin.create(database, None, "drbob", "clinician")
    try:
        yield database
    finally:
        database.close()


def _person(db: Database, handle: str, zone: str) -> None:
    Journal.for_person(db, handle).update_profile(timezone=zone)
    Accounts(db).set_password(handle, "correct horse battery")


def _share(db: Database, handle: str, now: datetime) -> None:
    code = invitations.invite(db, handle, "read", UNTIL, now=now).code
    invitations.accept(db, "drbob", code, now=now)


def test_the_end_date_is_counted_in_the_persons_zone(db: Database) -> None:
    _person(db, "ana", "America/Los_Angeles")
    _person(db, "lin", "Europe/London")
    _share(db, "ana", EARLY)
    _share(db, "lin", EARLY)
    assert local_today(Profile(timezone="America/Los_Angeles"), LATE) == UNTIL

    # ana: still her 1 December at LATE; lin: his 2 December, so it has ended
    open_shared(db, "drbob", "ana", "read", what="t", via="test", now=LATE)
    with pytest.raises(NotFound):
        open_shared(db, "drbob", "lin", "read", what="t", via="test", now=LATE)
    listed = clinic.patients(db, "drbob", via="test", now=LATE)
    assert [p.handle for p in listed] == ["ana"]
    assert [g.status for g in grants.grants_of(db, "ana", now=LATE)] == ["live"]
    assert [g.status for g in grants.grants_of(db, "lin", now=LATE)] == ["expired"]


def test_codes_follow_the_persons_calendar_too(db: Database) -> None:
    _person(db, "kiri", "Pacific/Kiritimati")
    _person(db, "ana", "America/Los_Angeles")
    # at LATE it is already 2 December in Kiritimati: "until 1 December" has passed there
    with pytest.raises(InvalidInput, match="has passed"):
        invitations.invite(db, "kiri", "read", UNTIL, now=LATE)
    code = invitations.invite(db, "ana", "read", UNTIL, now=LATE).code
    invitations.accept(db, "drbob", code, now=LATE)  # still her 1 December
    # a code made in time and accepted after the person's date: refused, not an expired grant
    early = invitations.invite(db, "kiri", "read", date(2026, 11, 30), now=datetime(2026, 11, 29))
    with pytest.raises(InvalidInput, match="ended on 2026-11-30"):
        invitations.accept(db, "drbob", early.code, now=EARLY)  # 1 December in Kiritimati
