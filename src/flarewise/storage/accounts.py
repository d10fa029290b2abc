"""Rows of the web app's accounts, sessions and failed sign-ins. No policy lives here: hashing,
expiry and throttling rules are in :mod:`flarewise.accounts`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.storage.tables import accounts, login_failures, persons, sessions


def password_hash(conn: Connection, person_id: int) -> str | None:
    row = conn.execute(
        sa.select(accounts.c.password_hash).where(accounts.c.person_id == person_id)
    ).first()
    return None if row is None else str(row[0])


def put_account(conn: Connection, person_id: int, hashed: str, now: datetime) -> None:
    if password_hash(conn, person_id) is None:
        conn.execute(
            accounts.insert().values(
                person_id=person_id, password_hash=hashed, created_at=now, password_changed_at=now
            )
        )
    else:
        conn.execute(
            accounts.update()
            .where(accounts.c.person_id == person_id)
            .values(password_hash=hashed, password_changed_at=now)
        )


def add_session(
    conn: Connection, token_hash: str, person_id: int, csrf: str, now: datetime, expires: datetime
) -> None:
    conn.execute(
        sessions.insert().values(
            token_hash=token_hash,
            person_id=person_id,
            csrf=csrf,
            created_at=now,
            expires_at=expires,
        )
    )


def find_session(conn: Connection, token_hash: str, now: datetime) -> tuple[str, str, int] | None:
    """(person handle, CSRF token, person id) of a live session."""
    row = conn.execute(
        sa.select(persons.c.handle, sessions.c.csrf, persons.c.id)
        .join(persons, persons.c.id == sessions.c.person_id)
        .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)
    ).first()
    return None if row is None else (str(row[0]), str(row[1]), int(row[2]))


def drop_session(conn: Connection, token_hash: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash))


def drop_sessions(conn: Connection, person_id: int, keep: str | None = None) -> None:
    query = sessions.delete().where(sessions.c.person_id == person_id)
    if keep is not None:
        query = query.where(sessions.c.token_hash != keep)
    conn.execute(query)


def drop_expired(conn: Connection, now: datetime) -> None:
    conn.execute(sessions.delete().where(sessions.c.expires_at <= now))


def add_failure(conn: Connection, handle: str, client: str, now: datetime) -> None:
    conn.execute(login_failures.insert().values(handle=handle[:100], client=client[:64], at=now))


def failures_since(conn: Connection, since: datetime, handle: str, client: str) -> tuple[int, int]:
    """Failed sign-ins since ``since``: (for this name, from this client)."""
    by_handle = conn.execute(
        sa.select(sa.func.count()).where(
            login_failures.c.handle == handle[:100], login_failures.c.at > since
        )
    ).scalar_one()
    by_client = conn.execute(
        sa.select(sa.func.count()).where(
            login_failures.c.client == client[:64], login_failures.c.at > since
        )
    ).scalar_one()
    return int(by_handle), int(by_client)


def clear_failures(conn: Connection, handle: str) -> None:
    conn.execute(login_failures.delete().where(login_failures.c.handle == handle[:100]))
