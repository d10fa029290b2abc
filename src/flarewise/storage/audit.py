"""Rows of the audit log: inserted and read, never updated or deleted (the database's own
trigger refuses both; see migration 0005_sharing). What counts as an access is decided in
:mod:`flarewise.sharing.audit`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.domain.audit import AuditRecord
from flarewise.storage.tables import audit_log


def _row(owner_id: int, actor_id: int | None, record: AuditRecord) -> dict[str, object]:
    return {
        "owner_id": owner_id,
        "actor_id": actor_id,
        "actor": record.actor[:100],
        "action": record.action,
        "what": record.what[:200],
        "via": record.via[:300],
        "at": record.at,
    }


def append(conn: Connection, owner_id: int, actor_id: int | None, record: AuditRecord) -> None:
    conn.execute(audit_log.insert().values(**_row(owner_id, actor_id, record)))


def append_many(conn: Connection, rows: list[tuple[int, int | None, AuditRecord]]) -> None:
    """One row per (owner, actor, record), in one statement (a clinician's list)."""
    if rows:
        conn.execute(audit_log.insert(), [_row(*r) for r in rows])


def records(conn: Connection, owner_id: int, since: datetime | None = None) -> list[AuditRecord]:
    """The person's audit rows, oldest first."""
    query = sa.select(
        audit_log.c.actor, audit_log.c.action, audit_log.c.what, audit_log.c.via, audit_log.c.at
    ).where(audit_log.c.owner_id == owner_id)
    if since is not None:
        query = query.where(audit_log.c.at > since)
    rows = conn.execute(query.order_by(audit_log.c.at, audit_log.c.id)).all()
    return [AuditRecord(actor=r[0], action=r[1], what=r[2], via=r[3], at=r[4]) for r in rows]


def append_missing(conn: Connection, owner_id: int, restored: Iterable[AuditRecord]) -> int:
    """Append the rows of a backup this person's log does not hold yet (a restore never loses
    nor repeats a row); returns how many were added."""
    have = {(r.actor, r.action, r.what, r.via, r.at) for r in records(conn, owner_id)}
    added = 0
    for r in restored:
        key = (r.actor, r.action, r.what, r.via, r.at)
        if key in have:
            continue
        append(conn, owner_id, None, r)
        have.add(key)
        added += 1
    return added
