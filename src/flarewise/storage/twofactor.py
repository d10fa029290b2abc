"""Rows of two-factor sign-in: the TOTP secret with the last time step used, and the hashed
recovery codes. No policy lives here (flarewise/twofactor.py and flarewise/accounts.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.storage.tables import recovery_codes, two_factor


@dataclass(frozen=True)
class TotpRow:
    secret: str
    created_at: datetime
    enabled_at: datetime | None
    last_step: int | None


def totp(conn: Connection, person_id: int) -> TotpRow | None:
    row = conn.execute(
        sa.select(
            two_factor.c.secret,
            two_factor.c.created_at,
            two_factor.c.enabled_at,
            two_factor.c.last_step,
        ).where(two_factor.c.person_id == person_id)
    ).first()
    return None if row is None else TotpRow(str(row[0]), row[1], row[2], row[3])


def put_pending_secret(conn: Connection, person_id: int, secret: str, now: datetime) -> None:
    """A new secret awaiting its first code (replacing any unconfirmed one)."""
    conn.execute(two_factor.delete().where(two_factor.c.person_id == person_id))
    conn.execute(two_factor.insert().values(person_id=person_id, secret=secret, created_at=now))


def enable(conn: Connection, person_id: int, step: int, now: datetime) -> None:
    conn.execute(
        two_factor.update()
        .where(two_factor.c.person_id == person_id)
        .values(enabled_at=now, last_step=step)
    )


def use_step(conn: Connection, person_id: int, step: int) -> bool:
    """Record ``step`` as used, only if it is later than the last one used; False when a code of
    that step (or a later one) was already accepted. One conditional UPDATE, so two processes
    given the same code at the same moment cannot both succeed."""
    done = conn.execute(
        two_factor.update()
        .where(
            two_factor.c.person_id == person_id,
            sa.or_(two_factor.c.last_step.is_(None), two_factor.c.last_step < step),
        )
        .values(last_step=step)
    )
    return bool(done.rowcount == 1)


def drop(conn: Connection, person_id: int) -> None:
    conn.execute(two_factor.delete().where(two_factor.c.person_id == person_id))
    conn.execute(recovery_codes.delete().where(recovery_codes.c.person_id == person_id))


def replace_codes(conn: Connection, person_id: int, hashes: list[str]) -> None:
    conn.execute(recovery_codes.delete().where(recovery_codes.c.person_id == person_id))
    conn.execute(
        recovery_codes.insert(), [{"person_id": person_id, "code_hash": h} for h in hashes]
    )


def use_code(conn: Connection, person_id: int, code_hash: str, now: datetime) -> bool:
    """Mark an unused recovery code as used; False when there is no such unused code (one
    conditional UPDATE: a code cannot be spent twice, even by two processes at once)."""
    done = conn.execute(
        recovery_codes.update()
        .where(
            recovery_codes.c.person_id == person_id,
            recovery_codes.c.code_hash == code_hash,
            recovery_codes.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return bool(done.rowcount == 1)


def codes_left(conn: Connection, person_id: int) -> int:
    return int(
        conn.execute(
            sa.select(sa.func.count()).where(
                recovery_codes.c.person_id == person_id, recovery_codes.c.used_at.is_(None)
            )
        ).scalar_one()
    )
