"""Rows of the web app's accounts, sessions and failed sign-ins. No policy lives here: hashing,
expiry and throttling rules are in :mod:`flarewise.accounts`."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.storage.tables import (
    accounts,
    login_failures,
    pending_signins,
    persons,
    sessions,
    two_factor,
)


def password_hash(conn: Connection, person_id: int) -> str | None:
    row = conn.execute(
        sa.select(accounts.c.password_hash).where(accounts.c.person_id == person_id)
    ).first()
    return None if row is None else str(row[0])


def put_account(
    conn: Connection,
    person_id: int,
    hashed: str,
    now: datetime,
    *,
    role: str | None = None,
    must_change: bool = False,
) -> None:
    """Set the password (a new account when there is none); ``must_change`` marks a temporary
    one; ``role`` is set when given (a new account without one is a person's)."""
    values: dict[str, object] = {"password_hash": hashed, "password_changed_at": now}
    values["must_change_password"] = must_change
    if role is not None:
        values["role"] = role
    if password_hash(conn, person_id) is None:
        conn.execute(accounts.insert().values(person_id=person_id, created_at=now, **values))
    else:
        conn.execute(accounts.update().where(accounts.c.person_id == person_id).values(**values))


def add_session(
    conn: Connection,
    token_hash: str,
    person_id: int,
    csrf: str,
    now: datetime,
    expires: datetime,
    user_agent: str | None = None,
) -> None:
    conn.execute(
        sessions.insert().values(
            token_hash=token_hash,
            person_id=person_id,
            csrf=csrf,
            created_at=now,
            expires_at=expires,
            last_seen_at=now,
            user_agent=None if user_agent is None else user_agent[:200],
        )
    )


def find_session(
    conn: Connection, token_hash: str, now: datetime
) -> tuple[str, str, datetime | None, int, str, bool, bool] | None:
    """(person handle, CSRF token, last seen, person id, role, must change the password,
    two-step sign-in on) of a live session of an account that is not disabled: everything a
    request's checks need, in the one query every request makes."""
    row = conn.execute(
        sa.select(
            persons.c.handle,
            sessions.c.csrf,
            sessions.c.last_seen_at,
            persons.c.id,
            accounts.c.role,
            accounts.c.must_change_password,
            two_factor.c.enabled_at.is_not(None),
        )
        .join(persons, persons.c.id == sessions.c.person_id)
        .join(accounts, accounts.c.person_id == sessions.c.person_id)
        .outerjoin(two_factor, two_factor.c.person_id == sessions.c.person_id)
        .where(
            sessions.c.token_hash == token_hash,
            sessions.c.expires_at > now,
            accounts.c.disabled_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    return (str(row[0]), str(row[1]), row[2], int(row[3]), str(row[4]), bool(row[5]), bool(row[6]))


def touch_session(conn: Connection, token_hash: str, now: datetime) -> None:
    conn.execute(
        sessions.update().where(sessions.c.token_hash == token_hash).values(last_seen_at=now)
    )


def person_sessions(
    conn: Connection, person_id: int, now: datetime
) -> list[tuple[str, datetime, datetime | None, str | None]]:
    """(token hash, created, last seen, user agent) of a person's live sessions, newest first."""
    rows = conn.execute(
        sa.select(
            sessions.c.token_hash,
            sessions.c.created_at,
            sessions.c.last_seen_at,
            sessions.c.user_agent,
        )
        .where(sessions.c.person_id == person_id, sessions.c.expires_at > now)
        .order_by(sessions.c.created_at.desc(), sessions.c.token_hash)
    )
    return [(str(r[0]), r[1], r[2], r[3]) for r in rows]


def account_state(conn: Connection, person_id: int) -> tuple[str, bool, bool] | None:
    """(role, disabled, must change the password) of an account, or None without one."""
    row = conn.execute(
        sa.select(accounts.c.role, accounts.c.disabled_at, accounts.c.must_change_password).where(
            accounts.c.person_id == person_id
        )
    ).first()
    return None if row is None else (str(row[0]), row[1] is not None, bool(row[2]))


def set_account(conn: Connection, person_id: int, **values: object) -> None:
    """Change the role, ``disabled_at`` or ``must_change_password`` of an account."""
    conn.execute(accounts.update().where(accounts.c.person_id == person_id).values(**values))


def list_accounts(conn: Connection) -> list[tuple[str, str, datetime, bool]]:
    """(handle, role, created, disabled) of every account, by name."""
    rows = conn.execute(
        sa.select(persons.c.handle, accounts.c.role, accounts.c.created_at, accounts.c.disabled_at)
        .join(persons, persons.c.id == accounts.c.person_id)
        .order_by(persons.c.handle)
    ).all()
    return [(str(r[0]), str(r[1]), r[2], r[3] is not None) for r in rows]


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


def add_pending(
    conn: Connection, token_hash: str, person_id: int, now: datetime, expires: datetime
) -> None:
    """A sign-in awaiting its code (abandoned ones that expired are cleared at the same time)."""
    conn.execute(pending_signins.delete().where(pending_signins.c.expires_at <= now))
    conn.execute(
        pending_signins.insert().values(
            token_hash=token_hash, person_id=person_id, expires_at=expires
        )
    )


def find_pending(conn: Connection, token_hash: str, now: datetime) -> tuple[int, str] | None:
    """(person id, handle) of a sign-in still waiting for its code."""
    row = conn.execute(
        sa.select(persons.c.id, persons.c.handle)
        .join(persons, persons.c.id == pending_signins.c.person_id)
        .where(pending_signins.c.token_hash == token_hash, pending_signins.c.expires_at > now)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def drop_pending(conn: Connection, token_hash: str, now: datetime) -> None:
    """This pending sign-in, and every expired one."""
    conn.execute(
        pending_signins.delete().where(
            (pending_signins.c.token_hash == token_hash) | (pending_signins.c.expires_at <= now)
        )
    )
