"""The audit log: one append-only row for every read and write of a journal by anyone but its
owner (who, whose, what, when, through which route or command). The person reads it as "who
looked at my data"; it travels with their backup; nothing in the app updates or deletes it (the
database's trigger refuses both, see migration 0005_sharing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flarewise.domain.audit import AuditRecord
from flarewise.errors import NotFound
from flarewise.storage import Database
from flarewise.storage import audit as rows
from flarewise.storage.database import utcnow


def record(
    db: Database,
    owner: str,
    actor: str,
    action: str,
    what: str,
    via: str,
    at: datetime | None = None,
) -> None:
    """Append one row to ``owner``'s log."""
    owner_id = db.person_id(owner)
    if owner_id is None:
        raise NotFound(f"there is no journal named {owner!r}")
    entry = AuditRecord(actor=actor, action=action, what=what, via=via, at=at or utcnow())
    with db.begin() as conn:
        rows.append(conn, owner_id, db.person_id(actor), entry)


def who_looked(db: Database, owner: str) -> list[AuditRecord]:
    """The person's log, newest first."""
    owner_id = db.person_id(owner)
    if owner_id is None:
        raise NotFound(f"there is no journal named {owner!r}")
    with db.begin() as conn:
        found = rows.records(conn, owner_id)
    return found[::-1]


#: Repeats of one access closer together than this are shown as one line with a count.
REPEATS_WITHIN = timedelta(minutes=30)


@dataclass(frozen=True)
class Repeated:
    """One access, or the same access repeated (same person, same read or change, same thing,
    same way) with no more than :data:`REPEATS_WITHIN` between one and the next."""

    record: AuditRecord
    times: int
    first: datetime


def grouped(newest_first: list[AuditRecord]) -> list[Repeated]:
    """The log with repeats folded: a clinician's page polled every two seconds while a PDF
    is made, or a list opened ten times in a morning, is one line ("3 times, 10:01-10:02")
    rather than a screen of identical rows; every row stays in the log and in the backup."""
    out: list[Repeated] = []
    for r in newest_first:
        last = out[-1] if out else None
        if (
            last is not None
            and (r.actor, r.action, r.what, r.via)
            == (last.record.actor, last.record.action, last.record.what, last.record.via)
            and last.first - r.at <= REPEATS_WITHIN
        ):
            out[-1] = Repeated(last.record, last.times + 1, r.at)
        else:
            out.append(Repeated(r, 1, r.at))
    return out
