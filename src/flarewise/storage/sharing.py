"""Rows of invitations and grants (clinician notes are in :mod:`flarewise.storage.notes`).
No policy lives here: codes, scopes, expiry and who may see what are in
:mod:`flarewise.sharing`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from flarewise.storage.tables import (
    entries,
    grants,
    invitations,
    persons,
    regimens,
    report_summaries,
)


@dataclass(frozen=True)
class GrantRow:
    id: int
    owner: str
    clinician: str
    scope: str
    until: date | None
    created_at: datetime
    revoked_at: datetime | None
    last_access_at: datetime | None
    seen_at: datetime | None
    seen: dict[str, Any] | None


def add_invitation(
    conn: Connection,
    owner_id: int,
    code_hash: str,
    scope: str,
    until: date | None,
    now: datetime,
    expires: datetime,
) -> None:
    conn.execute(
        invitations.insert().values(
            owner_id=owner_id,
            code_hash=code_hash,
            scope=scope,
            until=until,
            created_at=now,
            expires_at=expires,
        )
    )


def take_invitation(
    conn: Connection, code_hash: str, now: datetime
) -> tuple[int, str, date | None] | None:
    """(owner id, scope, until) of an unused, unexpired invitation, marked used in the same
    statement (so two clinicians racing for one code cannot both have it)."""
    row = conn.execute(
        sa.select(
            invitations.c.id, invitations.c.owner_id, invitations.c.scope, invitations.c.until
        ).where(
            invitations.c.code_hash == code_hash,
            invitations.c.used_at.is_(None),
            invitations.c.expires_at > now,
        )
    ).first()
    if row is None:
        return None
    taken = conn.execute(
        invitations.update()
        .where(invitations.c.id == row[0], invitations.c.used_at.is_(None))
        .values(used_at=now)
    )
    if taken.rowcount != 1:
        return None
    return int(row[1]), str(row[2]), row[3]


def open_invitations(conn: Connection, owner_id: int, now: datetime) -> list[dict[str, Any]]:
    rows = conn.execute(
        sa.select(invitations.c.scope, invitations.c.until, invitations.c.expires_at)
        .where(
            invitations.c.owner_id == owner_id,
            invitations.c.used_at.is_(None),
            invitations.c.expires_at > now,
        )
        .order_by(invitations.c.created_at)
    ).all()
    return [{"scope": r[0], "until": r[1], "expires_at": r[2]} for r in rows]


_owner = persons.alias("owner")
_clinician = persons.alias("clinician")


def _grant_query() -> sa.Select[Any]:
    return sa.select(
        grants.c.id,
        _owner.c.handle,
        _clinician.c.handle,
        grants.c.scope,
        grants.c.until,
        grants.c.created_at,
        grants.c.revoked_at,
        grants.c.last_access_at,
        grants.c.seen_at,
        grants.c.seen,
    ).select_from(
        grants.join(_owner, _owner.c.id == grants.c.owner_id).join(
            _clinician, _clinician.c.id == grants.c.clinician_id
        )
    )


def _grant(row: Any) -> GrantRow:
    return GrantRow(*row)


def add_grant(
    conn: Connection,
    owner_id: int,
    clinician_id: int,
    scope: str,
    until: date | None,
    now: datetime,
) -> int:
    result = conn.execute(
        grants.insert().values(
            owner_id=owner_id, clinician_id=clinician_id, scope=scope, until=until, created_at=now
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def revoke_between(conn: Connection, owner_id: int, clinician_id: int, now: datetime) -> None:
    """End every unrevoked grant of ``owner_id`` to ``clinician_id``."""
    conn.execute(
        grants.update()
        .where(
            grants.c.owner_id == owner_id,
            grants.c.clinician_id == clinician_id,
            grants.c.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


def revoke(conn: Connection, owner_id: int, grant_id: int, now: datetime) -> bool:
    result = conn.execute(
        grants.update()
        .where(
            grants.c.id == grant_id, grants.c.owner_id == owner_id, grants.c.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    return result.rowcount == 1


def grants_of_owner(conn: Connection, owner_id: int) -> list[GrantRow]:
    query = _grant_query().where(grants.c.owner_id == owner_id).order_by(grants.c.created_at)
    return [_grant(r) for r in conn.execute(query)]


def unrevoked_grant(
    conn: Connection, owner_id: int, clinician_id: int
) -> tuple[GrantRow, dict[str, Any]] | None:
    """The newest unrevoked grant of ``owner_id`` to ``clinician_id`` (accepting a code revokes
    the pair's earlier ones) with its owner's profile: whether its date still holds is counted
    in the owner's calendar (:mod:`flarewise.sharing.calendar`)."""
    query = (
        _grant_query()
        .add_columns(_owner.c.profile)
        .where(
            grants.c.owner_id == owner_id,
            grants.c.clinician_id == clinician_id,
            grants.c.revoked_at.is_(None),
        )
        .order_by(grants.c.created_at.desc())
    )
    row = conn.execute(query).first()
    return None if row is None else (_grant(row[:10]), dict(row[10] or {}))


def profile_of(conn: Connection, person_id: int) -> dict[str, Any]:
    row = conn.execute(sa.select(persons.c.profile).where(persons.c.id == person_id)).first()
    return {} if row is None or row[0] is None else dict(row[0])


def touch(conn: Connection, grant_id: int, now: datetime) -> None:
    touch_many(conn, [grant_id], now)


def touch_many(conn: Connection, grant_ids: list[int], now: datetime) -> None:
    if grant_ids:
        conn.execute(grants.update().where(grants.c.id.in_(grant_ids)).values(last_access_at=now))


@dataclass(frozen=True)
class ListedGrant:
    """A live grant on a clinician's list, with what the list needs of its owner."""

    grant: GrantRow
    owner_id: int
    profile: dict[str, Any]


def unrevoked_grants_of_clinician(conn: Connection, clinician_id: int) -> list[ListedGrant]:
    """The unrevoked grants made to ``clinician_id``, the newest of each owner, by the owner's
    handle, in one query (their dates are checked in each owner's calendar by the caller)."""
    query = (
        _grant_query()
        .add_columns(_owner.c.id, _owner.c.profile)
        .where(grants.c.clinician_id == clinician_id, grants.c.revoked_at.is_(None))
        .order_by(_owner.c.handle, grants.c.created_at.desc())
    )
    found: dict[int, ListedGrant] = {}
    for row in conn.execute(query):
        owner_id = int(row[10])
        if owner_id not in found:  # the newest of each owner, as unrevoked_grant picks
            found[owner_id] = ListedGrant(_grant(row[:10]), owner_id, dict(row[11] or {}))
    return list(found.values())


def mark_seen(conn: Connection, grant_id: int, now: datetime, seen: dict[str, Any]) -> None:
    conn.execute(grants.update().where(grants.c.id == grant_id).values(seen_at=now, seen=seen))


def handle_of(conn: Connection, person_id: int) -> str:
    return str(conn.execute(sa.select(persons.c.handle).where(persons.c.id == person_id)).one()[0])


def grant_seen(conn: Connection, grant_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(grants.c.seen).where(grants.c.id == grant_id)).first()
    return None if row is None or row[0] is None else dict(row[0])


#: The entry kinds a visit report's alerts and FIQR read (labs for red flags and lab-based
#: warnings, assessments for the FIQR); every other kind (check-ins, intakes, sleep...) feeds
#: only the report's charts and tables, which the clinic list does not show.
SUMMARY_ENTRY_KINDS = ("lab", "assessment")


def summary_fingerprint(conn: Connection, person_id: int) -> str:
    """A string that changes whenever an input of the clinic list's summary changes: the
    profile (with its overrides; its time), labs and assessments, medicines (count and latest
    change of each), and the date of the last entry, which is the report's default end: the
    day the medicines in force and the labs are taken on. A check-in on a day already in the
    journal leaves it unchanged; the first entry of a new day changes it once."""
    return summary_fingerprints(conn, [person_id])[person_id]


def summary_fingerprints(conn: Connection, person_ids: list[int]) -> dict[int, str]:
    """:func:`summary_fingerprint` of several people in four queries (a clinician's list)."""
    if not person_ids:
        return {}
    profile = dict(
        conn.execute(
            sa.select(persons.c.id, persons.c.updated_at).where(persons.c.id.in_(person_ids))
        ).all()
    )
    last_day = dict(
        conn.execute(
            sa.select(entries.c.person_id, sa.func.max(entries.c.local_date))
            .where(entries.c.person_id.in_(person_ids))
            .group_by(entries.c.person_id)
        ).all()
    )
    parts = {pid: [str(profile.get(pid)), str(last_day.get(pid))] for pid in person_ids}
    for table, only in (
        (entries, entries.c.kind.in_(SUMMARY_ENTRY_KINDS)),
        (regimens, sa.true()),
    ):
        counted = {
            int(r[0]): (r[1], r[2])
            for r in conn.execute(
                sa.select(table.c.person_id, sa.func.count(), sa.func.max(table.c.updated_at))
                .where(table.c.person_id.in_(person_ids), only)
                .group_by(table.c.person_id)
            )
        }
        for pid in person_ids:
            count, latest = counted.get(pid, (0, None))
            parts[pid] += [str(count), str(latest)]
    return {pid: "|".join(p) for pid, p in parts.items()}


def cached_summary(conn: Connection, person_id: int) -> tuple[str, dict[str, Any]] | None:
    return cached_summaries(conn, [person_id]).get(person_id)


def cached_summaries(
    conn: Connection, person_ids: list[int]
) -> dict[int, tuple[str, dict[str, Any]]]:
    """(fingerprint, summary) of each person whose clinic-list summary is kept."""
    if not person_ids:
        return {}
    rows = conn.execute(
        sa.select(
            report_summaries.c.person_id,
            report_summaries.c.fingerprint,
            report_summaries.c.summary,
        ).where(report_summaries.c.person_id.in_(person_ids))
    )
    return {int(r[0]): (str(r[1]), dict(r[2])) for r in rows}


def put_summary(
    conn: Connection, person_id: int, fingerprint: str, summary: dict[str, Any], now: datetime
) -> None:
    conn.execute(report_summaries.delete().where(report_summaries.c.person_id == person_id))
    conn.execute(
        report_summaries.insert().values(
            person_id=person_id, fingerprint=fingerprint, summary=summary, computed_at=now
        )
    )
