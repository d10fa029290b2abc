"""A person invites a clinician: a one-time code with a scope, accepted by a clinician account
as a grant.

Why these rules: the code is 256 random bits (``secrets.token_urlsafe(32)``), shown once to
the person and kept only as its SHA-256, so a copy of the database cannot be used to accept
it; it expires after :data:`INVITE_HOURS` and works once (marked used in the accepting
transaction). Only a clinician account can accept, and a new grant from the same person
replaces the clinician's previous one (one grant per pair: the list never shows two).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Connection

from flarewise.accounts import Accounts
from flarewise.domain.profile import Profile
from flarewise.errors import InvalidInput, NotFound
from flarewise.sharing.calendar import still_shared
from flarewise.sharing.scopes import check_scope
from flarewise.storage import Database
from flarewise.storage import sharing as rows
from flarewise.storage.database import utcnow

INVITE_HOURS = 72

_BAD_CODE = (
    "that code does not work: it may be mistyped, already used or expired (codes last "
    f"{INVITE_HOURS} hours); ask the person for a new one"
)


@dataclass(frozen=True)
class Invitation:
    #: shown once; only its hash is stored
    code: str
    scope: str
    until: date | None
    expires_at: datetime


@dataclass(frozen=True)
class Accepted:
    owner: str
    scope: str
    until: date | None


def _profile(conn: Connection, owner_id: int) -> Profile:
    """The owner's profile: a code's end date is a day of their calendar."""
    return Profile.model_validate(rows.profile_of(conn, owner_id))


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def invite(
    db: Database,
    owner: str,
    scope: str,
    until: date | None = None,
    *,
    now: datetime | None = None,
) -> Invitation:
    """A new one-time code for ``owner``'s journal with ``scope``, optionally until a date."""
    check_scope(scope)
    now = now or utcnow()
    owner_id = db.person_id(owner)
    if owner_id is None:
        raise NotFound(f"there is no journal named {owner!r}")
    code = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=INVITE_HOURS)
    with db.begin() as conn:
        if not still_shared(until, _profile(conn, owner_id), now):
            raise InvalidInput("until", f"{until} has passed; choose today or a later date")
        rows.add_invitation(conn, owner_id, _digest(code), scope, until, now, expires)
    return Invitation(code, scope, until, expires)


def accept(db: Database, clinician: str, code: str, *, now: datetime | None = None) -> Accepted:
    """The clinician ``clinician`` takes the code: a grant from its person (the code is spent
    even when it names the clinician's own journal, which is refused)."""
    now = now or utcnow()
    if Accounts(db).role_of(clinician) != "clinician":
        raise InvalidInput("code", "only a clinician account can accept a sharing code")
    clinician_id = db.person_id(clinician)
    assert clinician_id is not None
    if not code or len(code) > 100:
        raise InvalidInput("code", _BAD_CODE)
    with db.begin() as conn:
        taken = rows.take_invitation(conn, _digest(code), now)
        if taken is None:
            raise InvalidInput("code", _BAD_CODE)
        owner_id, scope, until = taken
        if owner_id == clinician_id:
            raise InvalidInput("code", "that code is for your own journal")
        if not still_shared(until, _profile(conn, owner_id), now):
            # a grant born expired would replace a live one and show nobody, after a page
            # saying the person now shares; the code stays unspent (the block rolls back)
            raise InvalidInput(
                "code",
                f"the sharing this code offered ended on {until}; ask the person for a new one",
            )
        rows.revoke_between(conn, owner_id, clinician_id, now)
        rows.add_grant(conn, owner_id, clinician_id, scope, until, now)
        owner = rows.handle_of(conn, owner_id)
    return Accepted(owner, scope, until)


@dataclass(frozen=True)
class Pending:
    """An invitation not yet accepted (its code is not kept, so it cannot be shown again)."""

    scope: str
    until: date | None
    expires_at: datetime


def pending(db: Database, owner: str, *, now: datetime | None = None) -> list[Pending]:
    owner_id = db.person_id(owner)
    if owner_id is None:
        raise NotFound(f"there is no journal named {owner!r}")
    with db.begin() as conn:
        found = rows.open_invitations(conn, owner_id, now or utcnow())
    return [Pending(p["scope"], p["until"], p["expires_at"]) for p in found]
