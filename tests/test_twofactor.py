"""Two-step sign-in and sessions in the library (flarewise/accounts.py, flarewise/twofactor.py),
on SQLite and PostgreSQL: enrol, sign in with a code, wrong code, recovery code used once,
replay refused, code guesses throttled, disable; sessions listed and revoked."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pyotp
import pytest

from flarewise.accounts import Accounts, PendingSignIn, Session, SignInFailed, Throttled
from flarewise.devices import describe
from flarewise.errors import InvalidInput, NotFound
from flarewise.storage import Database
from flarewise.twofactor import Check

PASSWORD = "a long enough secret"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def accounts(db_url: str) -> Iterator[Accounts]:
    db = Database(db_url)
    db.upgrade()
    try:
        yield Accounts(db)
    finally:
        db.close()


def _code(secret: str, steps_ahead: int = 0) -> str:
    """The app's code, ``steps_ahead`` 30 s steps from now (within the accepted drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _enrolled(accounts: Accounts) -> tuple[Session, str, list[str]]:
    session = accounts.sign_up("alice", PASSWORD)
    secret = accounts.start_two_factor(session).secret
    codes = accounts.confirm_two_factor(session, _code(secret, -1))
    return session, secret, codes


def _pending(accounts: Accounts, client: str = "laptop") -> PendingSignIn:
    step = accounts.sign_in("alice", PASSWORD, client)
    assert isinstance(step, PendingSignIn)
    return step


def test_enrolment_needs_a_first_code_and_shows_the_secret_only_until_then(
    accounts: Accounts,
) -> None:
    session = accounts.sign_up("alice", PASSWORD)
    assert not accounts.two_factor_required("alice")
    enrolment = accounts.start_two_factor(session)
    assert enrolment.uri.startswith("otpauth://totp/flarewise:alice?secret=" + enrolment.secret)
    assert accounts.pending_two_factor(session) == enrolment
    with pytest.raises(InvalidInput, match="still off"):
        accounts.confirm_two_factor(
            session, "000000" if _code(enrolment.secret) != "000000" else "1"
        )
    assert isinstance(accounts.sign_in("alice", PASSWORD, "x"), Session)  # not on yet
    codes = accounts.confirm_two_factor(session, _code(enrolment.secret))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert accounts.pending_two_factor(session) is None  # the secret is never shown again
    status = accounts.two_factor_status("alice")
    assert status.enabled and status.codes_left == 10 and not status.awaiting_code
    assert accounts.two_factor_required("alice")


def test_clinicians_and_admins_are_required_whatever_they_chose(accounts: Accounts) -> None:
    accounts.sign_up("alice", PASSWORD)
    assert accounts.two_factor_required("alice", role="clinician")
    assert accounts.two_factor_required("alice", role="admin")
    assert not accounts.two_factor_required("alice", role="person")


def test_enrolling_ends_the_other_sessions(accounts: Accounts) -> None:
    other = accounts.sign_up("alice", PASSWORD)
    here = accounts.sign_in("alice", PASSWORD, "x")
    assert isinstance(here, Session)
    secret = accounts.start_two_factor(here).secret
    accounts.confirm_two_factor(here, _code(secret))
    assert accounts.session(other.token) is None
    assert accounts.session(here.token) is not None


def test_password_then_code_signs_in_and_the_pending_step_is_no_session(
    accounts: Accounts,
) -> None:
    _, secret, _ = _enrolled(accounts)
    pending = _pending(accounts)
    assert accounts.session(pending.token) is None  # half signed in opens nothing
    session = accounts.finish_sign_in(pending.token, _code(secret), "laptop")
    assert accounts.session(session.token) is not None
    with pytest.raises(SignInFailed, match="expired"):  # a pending sign-in is used once
        accounts.finish_sign_in(pending.token, _code(secret, 1), "laptop")


def test_wrong_code_is_refused_with_a_sentence(accounts: Accounts) -> None:
    _, secret, _ = _enrolled(accounts)
    pending = _pending(accounts)
    wrong = "123456" if _code(secret) != "123456" else "654321"
    with pytest.raises(SignInFailed, match="that code is not right; check the app"):
        accounts.finish_sign_in(pending.token, wrong, "laptop")
    with pytest.raises(SignInFailed, match="not right"):
        accounts.finish_sign_in(pending.token, "not a code at all", "laptop")
    # the same pending sign-in still takes the right code
    assert accounts.finish_sign_in(pending.token, _code(secret), "laptop").handle == "alice"


def test_a_code_is_accepted_once(accounts: Accounts) -> None:
    _, secret, _ = _enrolled(accounts)
    code = _code(secret, 1)
    accounts.finish_sign_in(_pending(accounts).token, code, "laptop")
    with pytest.raises(SignInFailed, match="already used; wait for the next code"):
        accounts.finish_sign_in(_pending(accounts).token, code, "laptop")


def test_an_earlier_step_is_a_replay_too(accounts: Accounts) -> None:
    """RFC 6238 5.2: once a step is used, codes of that step and earlier are refused."""
    _, secret, _ = _enrolled(accounts)
    pid = accounts.db.person_id("alice")
    assert pid is not None
    now = time.time()
    later = pyotp.TOTP(secret).at(now + 30)
    earlier = pyotp.TOTP(secret).at(now)
    assert accounts.two_factor.check(pid, later, at=now) is Check.TOTP
    if earlier != later:
        assert accounts.two_factor.check(pid, earlier, at=now) is Check.REPLAYED


def test_recovery_code_works_once(accounts: Accounts) -> None:
    _, _, codes = _enrolled(accounts)
    spoken = codes[3].upper().replace("-", " ")  # read aloud, typed in capitals: still fine
    assert accounts.finish_sign_in(_pending(accounts).token, spoken, "laptop").handle == "alice"
    assert accounts.two_factor_status("alice").codes_left == 9
    with pytest.raises(SignInFailed, match="not right"):
        accounts.finish_sign_in(_pending(accounts).token, codes[3], "laptop")


def test_new_recovery_codes_replace_the_old(accounts: Accounts) -> None:
    session, secret, old = _enrolled(accounts)
    with pytest.raises(InvalidInput, match="code"):
        accounts.new_recovery_codes(session, "nonsense")
    new = accounts.new_recovery_codes(session, _code(secret))
    assert set(new).isdisjoint(old) and len(new) == 10
    with pytest.raises(SignInFailed):
        accounts.finish_sign_in(_pending(accounts).token, old[0], "laptop")
    assert accounts.finish_sign_in(_pending(accounts).token, new[0], "laptop")


def test_code_guesses_are_throttled_and_a_right_password_does_not_reset_them(
    accounts: Accounts,
) -> None:
    _, secret, _ = _enrolled(accounts)
    wrong = "000000" if _code(secret) != "000000" else "111111"
    for attempt in range(5):
        pending = _pending(accounts, f"client-{attempt}")  # the password, right each time
        with pytest.raises(SignInFailed):
            accounts.finish_sign_in(pending.token, wrong, f"client-{attempt}")
    pending = _pending(accounts, "client-9")
    with pytest.raises(Throttled, match="wait 15 minutes"):  # even the right code, now
        accounts.finish_sign_in(pending.token, _code(secret), "client-9")


def test_expired_or_unknown_pending_sign_in(accounts: Accounts) -> None:
    import sqlalchemy as sa

    _, secret, _ = _enrolled(accounts)
    for token in ("", "x" * 200, "made-up"):
        with pytest.raises(SignInFailed, match="sign in again"):
            accounts.finish_sign_in(token, "123456", "laptop")
    late = _pending(accounts)
    with accounts.db.engine.begin() as conn:  # six minutes pass (a pending sign-in lives 5)
        conn.execute(
            sa.text("UPDATE pending_signins SET expires_at = :then"),
            {"then": datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=1)},
        )
    with pytest.raises(SignInFailed, match="took too long and has expired"):
        accounts.finish_sign_in(late.token, _code(secret), "laptop")
    _pending(accounts)  # a new pending sign-in clears the expired ones
    with accounts.db.engine.connect() as conn:
        left = conn.execute(sa.text("SELECT count(*) FROM pending_signins")).scalar_one()
    assert left == 1


def test_disable_needs_the_password_and_a_code(accounts: Accounts) -> None:
    session, secret, codes = _enrolled(accounts)
    with pytest.raises(InvalidInput, match="not your password"):
        accounts.disable_two_factor(session, "wrong password!", _code(secret))
    with pytest.raises(InvalidInput, match="not right"):
        accounts.disable_two_factor(session, PASSWORD, "999999x")
    accounts.disable_two_factor(session, PASSWORD, codes[0])
    assert not accounts.two_factor_required("alice")
    assert isinstance(accounts.sign_in("alice", PASSWORD, "x"), Session)
    with pytest.raises(InvalidInput, match="not on"):
        accounts.disable_two_factor(session, PASSWORD, codes[1])


def test_sessions_are_listed_described_and_revocable(accounts: Accounts) -> None:
    first = accounts.sign_up("alice", PASSWORD, "a", FIREFOX)
    phone = accounts.sign_in("alice", PASSWORD, "b", IPHONE)
    assert isinstance(phone, Session)
    listed = accounts.sessions(first)
    assert sorted(s.client for s in listed) == ["Firefox on Windows", "Safari on iOS"]
    assert [s.this_device for s in listed if s.client == "Firefox on Windows"] == [True]
    assert all(s.last_seen is not None for s in listed)
    ref = next(s.ref for s in listed if not s.this_device)
    accounts.revoke_session(first, ref)
    assert accounts.session(phone.token) is None  # ended at its next request
    assert [s.client for s in accounts.sessions(first)] == ["Firefox on Windows"]
    with pytest.raises(NotFound):
        accounts.revoke_session(first, ref)
    bob = accounts.sign_up("bob", PASSWORD)
    with pytest.raises(NotFound):  # nobody ends another person's session
        accounts.revoke_session(bob, accounts.sessions(first)[0].ref)


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        (FIREFOX, "Firefox on Windows"),
        (IPHONE, "Safari on iOS"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (None, "an unknown browser"),
        ("something odd", "a browser"),
    ],
)
def test_browsers_are_described_in_words(agent: str | None, words: str) -> None:
    assert describe(agent) == words


def test_cli_lists_and_ends_sessions_and_says_whether_two_steps_are_on(
    db_url: str, cli: Any
) -> None:
    assert cli("init")[0] == 0
    db = Database(db_url)
    try:
        accounts = Accounts(db)
        accounts.set_password("me", PASSWORD)
        session = accounts.sign_in("me", PASSWORD, "a", FIREFOX)
        assert isinstance(session, Session)
        code, out, _ = cli("account", "sessions")
        assert code == 0 and "Firefox on Windows" in out
        ref = accounts.sessions_of("me")[0].ref
        assert ref in out
        code, out, _ = cli("account", "two-factor", "status")
        assert code == 0 and "Two-step sign-in is off" in out
        secret = accounts.start_two_factor(session).secret
        accounts.confirm_two_factor(session, _code(secret))
        code, out, _ = cli("account", "two-factor", "status", "--json")
        assert json.loads(out)["enabled"] is True and json.loads(out)["recovery_codes_left"] == 10
        code, out, err = cli("account", "sessions", "--end", "nothere")
        assert code != 0 and "no session of yours has that ref" in err
        code, out, _ = cli("account", "sessions", "--end", ref)
        assert code == 0 and "You are not signed in anywhere" in out
        assert accounts.session(session.token) is None
    finally:
        db.close()


def test_sessions_from_before_the_upgrade_keep_working_and_are_listed(db_url: str) -> None:
    """0004 -> 0006: a session made before sessions had a last-seen time and a browser."""
    import hashlib

    import sqlalchemy as sa

    db = Database(db_url)
    try:
        db.upgrade("0004_reminders")
        pid = db.create_person("alice")
        now = datetime.now()
        with db.engine.begin() as conn:
            # a session belongs to an account (sessions are looked up with its role since 0005)
            conn.execute(
                sa.text(
                    "INSERT INTO accounts (person_id, password_hash, created_at, "
                    "password_changed_at) VALUES (:p, 'an argon2 hash', :now, :now)"
                ),
                {"p": pid, "now": now},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO sessions (token_hash, person_id, csrf, created_at, expires_at) "
                    "VALUES (:h, :p, 'c', :now, :later)"
                ),
                {
                    "h": hashlib.sha256(b"old-token").hexdigest(),
                    "p": pid,
                    "now": now,
                    "later": now + timedelta(days=3),
                },
            )
        db.upgrade()
        accounts = Accounts(db)
        old = accounts.session("old-token")
        assert old is not None and old.handle == "alice"
        (listed,) = accounts.sessions(old)
        assert listed.client == "an unknown browser" and listed.this_device
        assert listed.last_seen is not None  # noted at its first request after the upgrade
        assert not accounts.two_factor_required("alice")
        db.downgrade("0004_reminders")
        assert "two_factor" not in sa.inspect(db.engine).get_table_names()
    finally:
        db.close()
