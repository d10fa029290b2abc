"""Accounts of the web app: sign up, sign in, sessions, password changes, deleting everything.

Why these rules:
- passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile);
  a hash made with older parameters is re-hashed at the next sign-in;
- a session is a random 256-bit token held only in the browser's cookie; the database keeps
  its SHA-256, so a copy of the database cannot be used to sign in; each session has its own
  CSRF token; sessions end after 14 days or at sign-out, and changing the password ends every
  other session;
- every password check is throttled (sign-in, and the current password asked again to change
  it or to delete the account, so a stolen session cannot guess it): after 5 failures for one
  name, or 20 from one client, within 15 minutes, further attempts are refused until the window
  passes, with the same message whether or not the name exists (no account enumeration);
- sign-up must say when a name is taken, so each "taken" answer counts against the client's
  budget of 20: names can be listed no faster than passwords can be guessed;
- deleting an account removes the person and every row of theirs, after the password is given;
- an account has one role (:data:`ROLES`): a person keeps a journal, a clinician reads what
  people shared with them, an admin manages accounts. :meth:`Accounts.role_of` is the one place
  that says which, so two-factor sign-in can hang its rule on it;
- a disabled account cannot sign in and its sessions end; a password set by an administrator
  is temporary and must be changed at the next sign-in (the session says so).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from flarewise.errors import Conflict, FlarewiseError, InvalidInput
from flarewise.storage import Database
from flarewise.storage import accounts as rows

#: The roles an account may have; a new account is a person's.
ROLES = ("person", "clinician", "admin")
SESSION_DAYS = 14
WINDOW = timedelta(minutes=15)
MAX_PER_NAME = 5
MAX_PER_CLIENT = 20
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
_hasher = PasswordHasher()
#: verified against when the name does not exist, so both cases cost the same time
_DUMMY = _hasher.hash("not a password anyone has")


class SignInFailed(FlarewiseError):
    """Wrong name or password (deliberately not saying which)."""


class Throttled(FlarewiseError):
    """Too many failed sign-ins; try again later."""


class AccountDisabled(FlarewiseError):
    """The account was disabled by the clinic's administrator."""


@dataclass(frozen=True)
class Session:
    token: str
    handle: str
    csrf: str
    role: str = "person"
    #: the password is a temporary one an administrator set: change it before anything else
    must_change_password: bool = False


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password(password: str, handle: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"use at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput("password", f"use at most {MAX_PASSWORD} characters")
    if password.strip().lower() == handle.lower():
        raise InvalidInput("password", "must not be your user name")


_THROTTLED = (
    "too many failed attempts; wait 15 minutes and try again (or reset the password "
    "with `flarewise account password`)"
)
#: Failures of sign-up (a taken name) are kept under this prefix: they count against the
#: client, never against the account of that name (which would let anyone lock it).
_SIGNUP = "sign-up:"


class Accounts:
    """Account operations on one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def exists(self, handle: str) -> bool:
        pid = self.db.person_id(handle)
        if pid is None:
            return False
        with self.db.begin() as conn:
            return rows.password_hash(conn, pid) is not None

    def role_of(self, handle: str) -> str | None:
        """The role of the account named ``handle`` (None when there is no such account)."""
        pid = self.db.person_id(handle)
        if pid is None:
            return None
        with self.db.begin() as conn:
            state = rows.account_state(conn, pid)
        return None if state is None else state[0]

    def _check_budget(self, handle: str, client: str) -> None:
        """Refuse when this name or this client has used up its failures in the window."""
        with self.db.begin() as conn:
            by_name, by_client = rows.failures_since(conn, _now() - WINDOW, handle, client)
        if by_name >= MAX_PER_NAME or by_client >= MAX_PER_CLIENT:
            raise Throttled(_THROTTLED)

    def _failed(self, handle: str, client: str) -> None:
        with self.db.begin() as conn:
            rows.add_failure(conn, handle, client, _now())

    def sign_up(self, handle: str, password: str, client: str = "local") -> Session:
        """A new person with a password; signed in."""
        self._check_budget(_SIGNUP + handle, client)
        Database.check_handle(handle)
        check_password(password, handle)
        if self.db.person_id(handle) is not None:
            self._failed(_SIGNUP + handle, client)
            raise Conflict(f"the name {handle!r} is taken; choose another")
        pid = self.db.create_person(handle)
        with self.db.begin() as conn:
            rows.put_account(conn, pid, _hasher.hash(password), _now())
        return self._new_session(pid, handle)

    def set_password(
        self, handle: str, password: str, *, role: str | None = None, temporary: bool = False
    ) -> None:
        """Give an existing journal a password (demo set-up, administrators); a ``temporary``
        one must be changed at the next sign-in, and every session of the account ends."""
        check_password(password, handle)
        if role is not None and role not in ROLES:
            raise InvalidInput("role", f"use one of {', '.join(ROLES)}, not {role!r}")
        pid = self.db.person_id(handle)
        if pid is None:
            raise InvalidInput("person", f"there is no journal named {handle!r}")
        with self.db.begin() as conn:
            rows.put_account(
                conn, pid, _hasher.hash(password), _now(), role=role, must_change=temporary
            )
            if temporary:
                rows.drop_sessions(conn, pid)

    def sign_in(self, handle: str, password: str, client: str) -> Session:
        now = _now()
        self._check_budget(handle, client)
        pid = self.db.person_id(handle) if len(handle) <= 100 else None
        stored = self._verified(pid, password)
        if stored is None or pid is None:
            self._failed(handle, client)
            raise SignInFailed("that name and password do not match")
        with self.db.begin() as conn:
            rows.clear_failures(conn, handle)
            state = rows.account_state(conn, pid)
            assert state is not None
            if state[1]:
                raise AccountDisabled(
                    "this account is disabled; ask the clinic's administrator to enable it"
                )
            if _hasher.check_needs_rehash(stored):
                rows.put_account(conn, pid, _hasher.hash(password), now, must_change=state[2])
        return self._new_session(pid, handle, state[0], state[2])

    def _verified(self, pid: int | None, password: str) -> str | None:
        """The stored hash when ``password`` is this person's, else None; it costs the same
        time whether or not the person exists."""
        stored = None
        if pid is not None:
            with self.db.begin() as conn:
                stored = rows.password_hash(conn, pid)
        try:
            _hasher.verify(stored or _DUMMY, password)
        except (VerificationError, InvalidHashError):
            return None
        return stored

    def _new_session(
        self, pid: int, handle: str, role: str = "person", must_change: bool = False
    ) -> Session:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        with self.db.begin() as conn:
            rows.drop_expired(conn, now)
            rows.add_session(
                conn, _digest(token), pid, csrf, now, now + timedelta(days=SESSION_DAYS)
            )
        return Session(token, handle, csrf, role, must_change)

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie's token, or None."""
        if not token or len(token) > 100:
            return None
        with self.db.begin() as conn:
            found = rows.find_session(conn, _digest(token), _now())
        return None if found is None else Session(token, *found)

    def sign_out(self, token: str) -> None:
        with self.db.begin() as conn:
            rows.drop_session(conn, _digest(token))

    def change_password(self, session: Session, old: str, new: str, client: str = "local") -> None:
        """Change the password (the old one is required, throttled as sign-in is); every other
        session ends."""
        pid = self.db.person_id(session.handle)
        assert pid is not None
        self._check_budget(session.handle, client)
        if self._verified(pid, old) is None:
            self._failed(session.handle, client)
            raise InvalidInput("current_password", "is not your current password")
        check_password(new, session.handle)
        with self.db.begin() as conn:
            rows.put_account(conn, pid, _hasher.hash(new), _now())
            rows.drop_sessions(conn, pid, keep=_digest(session.token))

    def delete_account(self, session: Session, password: str, client: str = "local") -> None:
        """Remove the person and every row of theirs (journal, medicines, experiments, sessions),
        after the password (throttled as sign-in is)."""
        self._check_budget(session.handle, client)
        if self._verified(self.db.person_id(session.handle), password) is None:
            self._failed(session.handle, client)
            raise InvalidInput("password", "is not your password; nothing was deleted")
        self.db.delete_person(session.handle)
