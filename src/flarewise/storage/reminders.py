"""Rows of the reminder settings and the calendar feed. No policy lives here: tokens, hashing
and what the feed holds are in :mod:`flarewise.journal.reminders`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.storage.tables import persons, reminders


def get(conn: Connection, person_id: int) -> dict[str, object] | None:
    """The person's reminder row (check-in time, calendar key, feed creation time), or None."""
    row = conn.execute(
        sa.select(
            reminders.c.checkin_time, reminders.c.calendar_key, reminders.c.feed_created_at
        ).where(reminders.c.person_id == person_id)
    ).first()
    if row is None:
        return None
    return {"checkin_time": row[0], "calendar_key": row[1], "feed_created_at": row[2]}


def create(conn: Connection, person_id: int, checkin_time: str, key: str, now: datetime) -> None:
    conn.execute(
        reminders.insert().values(
            person_id=person_id, checkin_time=checkin_time, calendar_key=key, created_at=now
        )
    )


def set_time(conn: Connection, person_id: int, checkin_time: str) -> None:
    conn.execute(
        reminders.update()
        .where(reminders.c.person_id == person_id)
        .values(checkin_time=checkin_time)
    )


def set_feed(
    conn: Connection, person_id: int, token_hash: str | None, now: datetime | None
) -> None:
    """Store a new feed token's hash (replacing any old one), or None to revoke the feed."""
    conn.execute(
        reminders.update()
        .where(reminders.c.person_id == person_id)
        .values(token_hash=token_hash, feed_created_at=now)
    )


def handle_of(conn: Connection, token_hash: str) -> str | None:
    """The handle of the person whose live feed has this token hash."""
    row = conn.execute(
        sa.select(persons.c.handle)
        .join(reminders, reminders.c.person_id == persons.c.id)
        .where(reminders.c.token_hash == token_hash)
    ).first()
    return None if row is None else str(row[0])
