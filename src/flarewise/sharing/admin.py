"""The clinic administrator's account operations: list accounts, create clinician (or admin)
accounts, disable and enable one, reset a password. No e-mail server is assumed: a new account
and a reset both get a temporary password, shown once to the administrator, that must be
changed at the next sign-in.

Every operation checks that ``actor`` is an admin (the operator's CLI passes ``None``: whoever
runs it already holds the database). Administrators manage accounts; they read no journal.
Disabling, enabling and resetting are changes to someone else's account: each leaves a row in
that person's audit log, naming the administrator (or "operator" for the CLI) and the route or
command."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flarewise.accounts import ROLES, Accounts
from flarewise.domain.audit import AuditRecord
from flarewise.errors import Conflict, InvalidInput, NotFound
from flarewise.storage import Database
from flarewise.storage import accounts as rows
from flarewise.storage import audit as audit_rows
from flarewise.storage.database import utcnow


@dataclass(frozen=True)
class Account:
    handle: str
    role: str
    created: datetime
    disabled: bool


def temporary_password() -> str:
    """20 random characters (about 120 bits): typed once, then changed."""
    return secrets.token_urlsafe(15)


def _check_admin(db: Database, actor: str | None) -> None:
    if actor is not None and Accounts(db).role_of(actor) != "admin":
        raise NotFound("there is nothing here")


def _pid(db: Database, handle: str) -> int:
    pid = db.person_id(handle)
    with db.begin() as conn:
        if pid is None or rows.account_state(conn, pid) is None:
            raise NotFound(f"there is no account named {handle!r}")
    return pid


def accounts(db: Database, actor: str | None) -> list[Account]:
    _check_admin(db, actor)
    with db.begin() as conn:
        return [Account(*a) for a in rows.list_accounts(conn)]


def create(db: Database, actor: str | None, handle: str, role: str) -> str:
    """A new account with ``role`` and a temporary password (returned, shown once).

    A journal can exist before its account: the operator restored a person's backup into the
    clinic server, or wrote one with ``flarewise demo``. The operator (``actor`` None) then
    gives that journal its owner's account, a person account, with a row in its audit log; an
    administrator through the web cannot (they would hold the password of a journal full of
    someone's data before its owner does)."""
    _check_admin(db, actor)
    if role not in ROLES:
        raise InvalidInput("role", f"use one of {', '.join(ROLES)}, not {role!r}")
    Database.check_handle(handle)
    pid = db.person_id(handle)
    if pid is None:
        db.create_person(handle)
    else:
        _existing_journal(db, actor, handle, pid, role)
    password = temporary_password()
    Accounts(db).set_password(handle, password, role=role, temporary=True)
    if pid is not None:
        what = "account created for this journal"
        _audit(db, pid, None, what, "flarewise account create", utcnow())
    return password


def _existing_journal(db: Database, actor: str | None, handle: str, pid: int, role: str) -> None:
    """Refuse an account for an existing journal unless the operator gives it to its owner."""
    with db.begin() as conn:
        has_account = rows.account_state(conn, pid) is not None
    if has_account:
        raise Conflict(f"the name {handle!r} is taken; choose another")
    if actor is not None:
        raise Conflict(
            f"the name {handle!r} belongs to a journal without an account; the server's "
            f"operator can give it one with `flarewise account create {handle} --role person`"
        )
    if role != "person":
        raise InvalidInput(
            "role",
            f"{handle!r} is a journal already: its account is its owner's, so add --role person",
        )


#: Who the audit log names when the operator's CLI changes an account.
OPERATOR = "operator"


def set_disabled(db: Database, actor: str | None, handle: str, disabled: bool, *, via: str) -> None:
    """Disable (its sessions end at once, it cannot sign in) or enable an account."""
    _check_admin(db, actor)
    if disabled and actor == handle:
        raise InvalidInput("handle", "you cannot disable your own account")
    pid = _pid(db, handle)
    now = utcnow()
    with db.begin() as conn:
        rows.set_account(conn, pid, disabled_at=now if disabled else None)
        if disabled:
            rows.drop_sessions(conn, pid)
    _audit(db, pid, actor, "account disabled" if disabled else "account enabled", via, now)


def _audit(db: Database, pid: int, actor: str | None, what: str, via: str, now: datetime) -> None:
    """One row in the changed account's own log (its own transaction, after the change)."""
    who = actor or OPERATOR
    actor_id = db.person_id(who) if actor else None
    record = AuditRecord(actor=who, action="write", what=what, via=via, at=now)
    with db.begin() as conn:
        audit_rows.append(conn, pid, actor_id, record)


def reset_password(
    db: Database, actor: str | None, handle: str, *, via: str, two_factor: bool = False
) -> str:
    """A new temporary password for ``handle`` (returned, shown once); their sessions end.

    With ``two_factor`` their two-step sign-in is switched off too, for someone who lost both
    their phone and their recovery codes: otherwise a clinician or an administrator, who may
    not turn it off themselves, could never sign in again. Only the operator's CLI may do this
    (``actor`` None: whoever runs it already holds the database); an administrator on the web
    may not, so that a stolen administrator session cannot take over a clinician's account by
    resetting both of its factors. A clinician or administrator so reset sets up two-step
    sign-in again before anything else."""
    _check_admin(db, actor)
    if two_factor and actor is not None:
        raise Conflict(
            "only the server's operator can reset two-step sign-in (flarewise account reset)"
        )
    pid = _pid(db, handle)
    password = temporary_password()
    accounts = Accounts(db)
    accounts.set_password(handle, password, temporary=True)
    if two_factor:
        accounts.two_factor.disable(pid)
    what = "password and two-step sign-in reset" if two_factor else "password reset"
    _audit(db, pid, actor, what, via, utcnow())
    return password
