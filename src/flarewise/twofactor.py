"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238 via pyotp) and recovery
codes: the mechanics on one database. Who must use it, and the throttling of guesses, are
policy, in :mod:`flarewise.accounts`.

Why these rules:
- the usual authenticator-app settings (SHA-1, 6 digits, 30 s steps) so every app reads the QR
  code; a code of the step before or after the current one is accepted (a phone's clock drifts
  and people type slowly), so a code lives at most 90 s;
- a code is accepted once: the last time step accepted is stored per account and a code of that
  step or an earlier one is refused (RFC 6238 section 5.2), with one conditional UPDATE so two
  processes given the same code cannot both let it in;
- enrolment is switched on only after a first code proves the app holds the secret, so a
  mistyped scan never locks anyone out;
- ten recovery codes of ten letters and digits (about 49 bits each, from an alphabet without
  look-alike characters) are shown once; only their SHA-256 is kept (they are random, so a
  slow hash adds nothing against guessing, and each is spent by one conditional UPDATE);
- the TOTP secret at rest: kept in the database as the app holds it, and never shown again
  after enrolment (pages and JSON only say whether two factors are on). We chose this over
  encrypting it with a server key because that key would sit on the same server, beside the
  database it protects, so it would add a key to manage without keeping out anyone who can
  read the database; what such a reader still cannot do is sign in, because passwords are
  argon2 hashes and sessions are stored hashed. The secret and the recovery codes are
  credentials, not journal data: they are never part of the person's journal export.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

import pyotp

from flarewise.errors import Conflict, InvalidInput
from flarewise.storage import Database
from flarewise.storage import twofactor as rows

ISSUER = "flarewise"
RECOVERY_CODES = 10
#: letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_LENGTH = 10
#: steps either side of now whose code is still accepted
_DRIFT = 1


class Check(Enum):
    """What became of a code given at sign-in."""

    TOTP = "code"
    RECOVERY = "recovery code"
    REPLAYED = "replayed"
    WRONG = "wrong"


@dataclass(frozen=True)
class Enrolment:
    """A secret awaiting its first code: the text to type and the ``otpauth://`` address the
    QR code holds."""

    secret: str
    uri: str


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    since: datetime | None
    #: unused recovery codes
    codes_left: int
    #: an enrolment was started and awaits its first code
    awaiting_code: bool


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _normal(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normal(code).encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def _ascii_digits(code: str) -> str | None:
    """The code's digits as ASCII, or None when it is not six decimal digits. A phone set to
    Arabic, Persian or Devanagari may type its own digits ("١٢٣٤٥٦"): they mean the same
    code, and the constant-time comparison below accepts only ASCII."""
    digits = _normal(code)
    if len(digits) != 6 or not all(ch.isdecimal() for ch in digits):
        return None
    return "".join(str(int(ch)) for ch in digits)


def _matching_step(secret: str, code: str, at: float) -> int | None:
    """The time step within the drift whose code is ``code``, or None."""
    digits = _ascii_digits(code)
    if digits is None:
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(at)
    found = None
    for step in range(now_step - _DRIFT, now_step + _DRIFT + 1):
        if secrets.compare_digest(totp.generate_otp(step), digits):
            found = step
    return found


class TwoFactor:
    """TOTP secrets, their replay guard and recovery codes, per person id."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def status(self, person_id: int) -> TwoFactorStatus:
        with self.db.begin() as conn:
            row = rows.totp(conn, person_id)
            left = rows.codes_left(conn, person_id)
        enabled = row is not None and row.enabled_at is not None
        return TwoFactorStatus(
            enabled=enabled,
            since=row.enabled_at if row is not None else None,
            codes_left=left if enabled else 0,
            awaiting_code=row is not None and row.enabled_at is None,
        )

    def start(self, person_id: int, handle: str) -> Enrolment:
        """A new secret, not yet in force (any earlier unconfirmed one is replaced)."""
        if self.status(person_id).enabled:
            raise Conflict("two-step sign-in is already on; turn it off first to start again")
        secret = pyotp.random_base32()
        with self.db.begin() as conn:
            rows.put_pending_secret(conn, person_id, secret, _now())
        return Enrolment(secret, self._uri(secret, handle))

    def pending(self, person_id: int, handle: str) -> Enrolment | None:
        """The enrolment awaiting its first code (shown again until confirmed), or None."""
        with self.db.begin() as conn:
            row = rows.totp(conn, person_id)
        if row is None or row.enabled_at is not None:
            return None
        return Enrolment(row.secret, self._uri(row.secret, handle))

    @staticmethod
    def _uri(secret: str, handle: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=handle, issuer_name=ISSUER)

    def confirm(self, person_id: int, code: str, at: float | None = None) -> list[str] | None:
        """Switch two factors on when ``code`` matches the pending secret; the new recovery
        codes (shown once), or None for a wrong code."""
        with self.db.begin() as conn:
            row = rows.totp(conn, person_id)
        if row is None or row.enabled_at is not None:
            raise InvalidInput("code", "start setting up two-step sign-in first")
        step = _matching_step(row.secret, code, time.time() if at is None else at)
        if step is None:
            return None
        codes = [_new_code() for _ in range(RECOVERY_CODES)]
        with self.db.begin() as conn:
            rows.enable(conn, person_id, step, _now())
            rows.replace_codes(conn, person_id, [_hash(c) for c in codes])
        return codes

    def check(self, person_id: int, code: str, at: float | None = None) -> Check:
        """A code from the app (accepted once) or an unused recovery code (spent now)."""
        with self.db.begin() as conn:
            row = rows.totp(conn, person_id)
        if row is None or row.enabled_at is None:
            return Check.WRONG
        step = _matching_step(row.secret, code, time.time() if at is None else at)
        with self.db.begin() as conn:
            if step is not None:
                return Check.TOTP if rows.use_step(conn, person_id, step) else Check.REPLAYED
            if len(_normal(code)) == _CODE_LENGTH and rows.use_code(
                conn, person_id, _hash(code), _now()
            ):
                return Check.RECOVERY
        return Check.WRONG

    def new_codes(self, person_id: int) -> list[str]:
        """Ten new recovery codes; the old ones stop working."""
        codes = [_new_code() for _ in range(RECOVERY_CODES)]
        with self.db.begin() as conn:
            rows.replace_codes(conn, person_id, [_hash(c) for c in codes])
        return codes

    def disable(self, person_id: int) -> None:
        with self.db.begin() as conn:
            rows.drop(conn, person_id)
