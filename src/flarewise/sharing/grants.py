"""Grants as people and clinicians see them: the person's list (who, scope, since, until,
last access) with revoking at once (a clinician's people are listed by :mod:`.clinic`).

A revoked grant ends on the clinician's next request, even mid-session: nothing is cached,
every shared page asks :mod:`flarewise.sharing.access` again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flarewise.domain.profile import Profile
from flarewise.errors import NotFound
from flarewise.sharing.calendar import local_today
from flarewise.storage import Database
from flarewise.storage import sharing as rows
from flarewise.storage.database import utcnow


@dataclass(frozen=True)
class Grant:
    id: int
    owner: str
    clinician: str
    scope: str
    since: datetime
    until: date | None
    last_access: datetime | None
    revoked: datetime | None
    #: "live", "revoked" or "expired"
    status: str


def _status(row: rows.GrantRow, today: date) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.until is not None and row.until < today:
        return "expired"
    return "live"


def _grant(row: rows.GrantRow, today: date) -> Grant:
    return Grant(
        row.id,
        row.owner,
        row.clinician,
        row.scope,
        row.created_at,
        row.until,
        row.last_access_at,
        row.revoked_at,
        _status(row, today),
    )


def _pid(db: Database, handle: str) -> int:
    pid = db.person_id(handle)
    if pid is None:
        raise NotFound(f"there is no journal named {handle!r}")
    return pid


def grants_of(db: Database, owner: str, *, now: datetime | None = None) -> list[Grant]:
    """Every grant ``owner`` has made, live, expired or revoked, oldest first."""
    with db.begin() as conn:
        owner_id = _pid(db, owner)
        profile = Profile.model_validate(rows.profile_of(conn, owner_id))
        today = local_today(profile, now or utcnow())
        return [_grant(r, today) for r in rows.grants_of_owner(conn, owner_id)]


def revoke(db: Database, owner: str, grant_id: int, *, now: datetime | None = None) -> None:
    """End one of ``owner``'s grants now."""
    with db.begin() as conn:
        if not rows.revoke(conn, _pid(db, owner), grant_id, now or utcnow()):
            raise NotFound("there is no live grant with that number; see `flarewise share list`")
