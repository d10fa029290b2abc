"""The one gate to another person's journal: a clinician opens it only through a live grant
whose scope covers what they ask for, and every opening appends an audit row in the same
transaction that checks the grant (no access without its row, no row without an access).

Every refusal (no such person, no grant, an expired or revoked one, too small a scope, not a
clinician) raises the same :class:`NotFound` with the same words, so the answer never says
whether a journal exists or was once shared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from flarewise.accounts import Accounts
from flarewise.domain.audit import AuditRecord
from flarewise.domain.profile import Profile
from flarewise.errors import NotFound
from flarewise.journal import Journal
from flarewise.sharing.calendar import still_shared
from flarewise.sharing.scopes import allows
from flarewise.storage import Database
from flarewise.storage import audit as audit_rows
from flarewise.storage import sharing as rows
from flarewise.storage.database import utcnow

#: The words of every refusal (the web face answers its ordinary "not found" page).
NOTHING_HERE = "there is nothing here"


@dataclass(frozen=True)
class Shared:
    """A journal opened through a grant."""

    journal: Journal
    clinician: str
    scope: str
    grant_id: int
    owner_id: int


def open_shared(
    db: Database,
    clinician: str,
    owner: str,
    need: str,
    *,
    what: str,
    via: str,
    action: str = "read",
    now: datetime | None = None,
    within: Callable[[Connection, int], None] | None = None,
) -> Shared:
    """``owner``'s journal for ``clinician``, when a live grant covers ``need``; the access is
    written to the owner's audit log (``what`` in words, ``via`` the route or command).

    ``within(conn, owner_id)`` runs in the same transaction, after the grant is checked and
    before the row is appended: a write that must happen only with its row, and leave no row
    when it refuses (it raises, and neither is kept)."""
    now = now or utcnow()
    if owner == clinician or Accounts(db).role_of(clinician) != "clinician":
        raise NotFound(NOTHING_HERE)
    owner_id = db.person_id(owner)
    clinician_id = db.person_id(clinician)
    if owner_id is None or clinician_id is None:
        raise NotFound(NOTHING_HERE)
    with db.begin() as conn:
        found = rows.unrevoked_grant(conn, owner_id, clinician_id)
        if found is None or not still_shared(found[0].until, Profile.model_validate(found[1]), now):
            raise NotFound(NOTHING_HERE)
        grant = found[0]
        if not allows(grant.scope, need):
            raise NotFound(NOTHING_HERE)
        if within is not None:
            within(conn, owner_id)
        record = AuditRecord(actor=clinician, action=action, what=what, via=via, at=now)
        audit_rows.append(conn, owner_id, clinician_id, record)
        rows.touch(conn, grant.id, now)
    return Shared(Journal(db, owner, owner_id), clinician, grant.scope, grant.id, owner_id)
