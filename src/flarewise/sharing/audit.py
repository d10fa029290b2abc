"""The audit log: one append-only row for every read and write of a journal by anyone but its
owner (who, whose, what, when, through which route or command). The person reads it as "who
looked at my data"; it travels with their backup; nothing in the app updates or deletes it (the
database's trigger refuses both, see migration 0005_sharing)."""

from __future__ import annotations

from datetime import datetime

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
