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
- with two-step sign-in on (flarewise/twofactor.py), the right password gives no session but a
  pending sign-in: a random token (only its SHA-256 stored, like a session's) that lives 5
  minutes and opens nothing but the code form. Wrong codes are throttled like passwords, under
  their own count (a right password must not reset the count of code guesses); turning two
  steps on ends every other session (they were opened with the password alone); turning it off
  or making new recovery codes needs a code from the app (and, to turn off, the password);
- each session records when it was last used (at most one write a minute) and the browser that
  opened it, so the person can list their sessions and end any of them (flarewise/devices.py).
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

from flarewise.devices import SessionInfo, describe
from flarewise.errors import Conflict, FlarewiseError, InvalidInput, NotFound
from flarewise.storage import Database
from flarewise.storage import accounts as rows
from flarewise.twofactor import Check, Enrolment, TwoFactor, TwoFactorStatus

#: The roles an account may have; a new account is a person's.
ROLES = ("person", "clinician", "admin")
SESSION_DAYS = 14
WINDOW = timedelta(minutes=15)
MAX_PER_NAME = 5
MAX_PER_CLIENT = 20
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
#: how long a right password waits for its code
PENDING = timedelta(minutes=5)
#: a session's "last seen" is written at most this often
SEEN_EVERY = timedelta(minutes=1)
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
    #: the person's row id, so a page opens their journal without looking the handle up again
    person_id: int
    role: str = "person"
    #: the password is a temporary one an administrator set: change it before anything else
    must_change_password: bool = False
    #: two-step sign-in is on for the account (read with the session, not asked again)
    two_factor_on: bool = False


@dataclass(frozen=True)
class PendingSignIn:
    """The password was right; the code from the app is awaited (not a session)."""

    token: str
    handle: str


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
#: Wrong codes of two-step sign-in are counted under this prefix, apart from passwords.
_CODE = "code:"
_WRONG_CODE = "that code is not right; check the app on your phone and type the code it shows now"
_REPLAYED = "that code was already used; wait for the next code in your app (it changes every 30 s)"


class Accounts:
    """Account operations on one database."""

    #: Roles that must use two-step sign-in (clinicians and admins, once roles exist: add them
    #: here when wiring roles in); anyone else may choose it.
    required_for_role: frozenset[str] = frozenset({"clinician", "admin"})

    def __init__(self, db: Database) -> None:
        self.db = db
        self.two_factor = TwoFactor(db)

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

    def sign_up(
        self, handle: str, password: str, client: str = "local", user_agent: str | None = None
    ) -> Session:
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
        return self._new_session(pid, handle, user_agent)

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

    def sign_in(
        self, handle: str, password: str, client: str, user_agent: str | None = None
    ) -> Session | PendingSignIn:
        """A session, or, when two-step sign-in is on, a pending sign-in awaiting its code
        (:meth:`finish_sign_in`)."""
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
        if self.two_factor.status(pid).enabled:
            token = secrets.token_urlsafe(32)
            with self.db.begin() as conn:
                rows.add_pending(conn, _digest(token), pid, now, now + PENDING)
            return PendingSignIn(token, handle)
        return self._new_session(pid, handle, user_agent)

    def finish_sign_in(
        self, pending: str, code: str, client: str, user_agent: str | None = None
    ) -> Session:
        """The session of a pending sign-in, given a code from the app or a recovery code."""
        found = None
        if pending and len(pending) <= 100:
            with self.db.begin() as conn:
                found = rows.find_pending(conn, _digest(pending), _now())
        if found is None:
            raise SignInFailed(
                "this sign-in took too long and has expired; sign in again with your name "
                "and password"
            )
        pid, handle = found
        self._code(pid, handle, code, client)
        with self.db.begin() as conn:
            rows.drop_pending(conn, _digest(pending), _now())
        return self._new_session(pid, handle, user_agent)

    def _code(self, pid: int, handle: str, code: str, client: str) -> Check:
        """A right, unused code from the app or a recovery code, within the budget of code
        guesses; else :class:`SignInFailed` (wrong or replayed) or :class:`Throttled`."""
        self._check_budget(_CODE + handle, client)
        result = self.two_factor.check(pid, code[:64])
        if result in (Check.WRONG, Check.REPLAYED):
            self._failed(_CODE + handle, client)
            raise SignInFailed(_REPLAYED if result is Check.REPLAYED else _WRONG_CODE)
        with self.db.begin() as conn:
            rows.clear_failures(conn, _CODE + handle)
        return result

    def _pid(self, session: Session) -> int:
        return self._pid_of(session.handle)

    def _pid_of(self, handle: str) -> int:
        pid = self.db.person_id(handle)
        if pid is None:
            raise NotFound(f"there is no journal named {handle!r}")
        return pid

    def two_factor_status(self, handle: str) -> TwoFactorStatus:
        return self.two_factor.status(self._pid_of(handle))

    def two_factor_required(self, handle: str, role: str | None = None) -> bool:
        """Whether this person must give a code after their password: clinicians and
        administrators always (:attr:`required_for_role`; their pages send them to enrolment
        until it is on, see :meth:`must_enrol`), anyone else once they turned it on."""
        if role is None:
            role = self.role_of(handle)
        return role in self.required_for_role or self.two_factor_status(handle).enabled

    def must_enrol(self, session: Session) -> bool:
        """A clinician's or administrator's session before two-step sign-in is on: it opens
        nothing but the enrolment page."""
        return session.role in self.required_for_role and not session.two_factor_on

    def start_two_factor(self, session: Session) -> Enrolment:
        """A secret to scan or type into an authenticator app; on once a code confirms it."""
        return self.two_factor.start(self._pid(session), session.handle)

    def pending_two_factor(self, session: Session) -> Enrolment | None:
        return self.two_factor.pending(self._pid(session), session.handle)

    def confirm_two_factor(self, session: Session, code: str, client: str = "local") -> list[str]:
        """Switch two-step sign-in on with a first code (throttled like sign-in); every other
        session ends. The ten recovery codes, shown once."""
        pid = self._pid(session)
        self._check_budget(_CODE + session.handle, client)
        codes = self.two_factor.confirm(pid, code[:64])
        if codes is None:
            self._failed(_CODE + session.handle, client)
            raise InvalidInput("code", _WRONG_CODE + "; two-step sign-in is still off")
        with self.db.begin() as conn:
            rows.drop_sessions(conn, pid, keep=_digest(session.token))
        return codes

    def new_recovery_codes(self, session: Session, code: str, client: str = "local") -> list[str]:
        """Ten new recovery codes (the old ones stop working), after a code from the app."""
        pid = self._pid(session)
        self._require_on(pid)
        self._session_code(pid, session.handle, code, client)
        return self.two_factor.new_codes(pid)

    def disable_two_factor(
        self, session: Session, password: str, code: str, client: str = "local"
    ) -> None:
        """Turn two-step sign-in off, after the password and a code (both throttled)."""
        pid = self._pid(session)
        self._require_on(pid)
        if session.role in self.required_for_role:
            raise InvalidInput(
                "code", "two-step sign-in is required for clinicians and administrators"
            )
        self._check_budget(session.handle, client)
        if self._verified(pid, password) is None:
            self._failed(session.handle, client)
            raise InvalidInput("password", "is not your password; two-step sign-in is still on")
        self._session_code(pid, session.handle, code, client)
        self.two_factor.disable(pid)

    def _require_on(self, pid: int) -> None:
        if not self.two_factor.status(pid).enabled:
            raise InvalidInput("code", "two-step sign-in is not on")

    def _session_code(self, pid: int, handle: str, code: str, client: str) -> None:
        """A code asked again of a signed-in person: a wrong one is a form error."""
        try:
            self._code(pid, handle, code, client)
        except SignInFailed as exc:
            raise InvalidInput("code", str(exc)) from None

    def sessions(self, session: Session) -> list[SessionInfo]:
        """The person's live sessions, newest first, the one asking marked."""
        return self.sessions_of(session.handle, current=session)

    def sessions_of(self, handle: str, current: Session | None = None) -> list[SessionInfo]:
        """A person's live sessions, newest first (``current`` marked "this device")."""
        mine = None if current is None else _digest(current.token)
        with self.db.begin() as conn:
            found = rows.person_sessions(conn, self._pid_of(handle), _now())
        return [
            SessionInfo(digest[:16], created, seen, describe(agent), digest == mine)
            for digest, created, seen, agent in found
        ]

    def revoke_session(self, session: Session, ref: str) -> None:
        """End one of the person's sessions (it is refused from its next request on)."""
        self.end_session(session.handle, ref)

    def end_session(self, handle: str, ref: str) -> None:
        """End one of ``handle``'s sessions by its ``ref`` (the CLI, or the person's own page)."""
        pid = self._pid_of(handle)
        with self.db.begin() as conn:
            found = [
                d for d, *_ in rows.person_sessions(conn, pid, _now()) if d[:16] == ref and ref
            ]
            if len(found) != 1:
                raise NotFound("no session of yours has that ref (it may have ended already)")
            rows.drop_session(conn, found[0])

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

    def _new_session(self, pid: int, handle: str, user_agent: str | None = None) -> Session:
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = _now()
        with self.db.begin() as conn:
            rows.drop_expired(conn, now)
            rows.add_session(
                conn,
                _digest(token),
                pid,
                csrf,
                now,
                now + timedelta(days=SESSION_DAYS),
                user_agent,
            )
        return Session(token, handle, csrf, pid, *self._state(pid))

    def _state(self, pid: int) -> tuple[str, bool, bool]:
        """(role, must change the password, two-step sign-in on) of an account, as a new
        session carries them."""
        with self.db.begin() as conn:
            state = rows.account_state(conn, pid)
        on = self.two_factor.status(pid).enabled
        return ("person", False, on) if state is None else (state[0], state[2], on)

    def session(self, token: str | None) -> Session | None:
        """The live session of a cookie's token, or None; notes when it was last seen."""
        if not token or len(token) > 100:
            return None
        now = _now()
        with self.db.begin() as conn:
            found = rows.find_session(conn, _digest(token), now)
            if found is not None and (found[2] is None or now - found[2] >= SEEN_EVERY):
                rows.touch_session(conn, _digest(token), now)
        return None if found is None else Session(token, found[0], found[1], *found[3:])

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
