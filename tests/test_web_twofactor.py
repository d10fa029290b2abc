"""Two-step sign-in and sessions through the web app (TestClient), on SQLite and PostgreSQL: the
code step is not a session, wrong and replayed codes are answered with sentences on the same
form, recovery codes are shown once, the account page lists sessions and ends them, the JSON
answers never hold the secret once enrolment is done."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from flarewise.sharing import admin

from .webkit import (
    CSRF,
    PASSWORD,
    app_on,
    client,
    csrf_of,
    enrol_two_factor,
    post,
    sign_in_with_code,
    signed_up,
    staff,
    totp_code,
)


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    app = app_on(db_url)
    try:
        yield app
    finally:
        app.state.db.close()


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _enrol(c: TestClient) -> tuple[str, list[str]]:
    """Turn two-step sign-in on from the account page; (secret, recovery codes)."""
    assert post(c, "/account/two-factor/start").headers["location"] == "/account/two-factor"
    page = c.get("/account/two-factor").text
    assert "<svg" in page and 'role="img"' in page  # the QR code, inline
    secret = re.search(r'<code id="secret" class="secret">([A-Z2-7]+)</code>', page)
    assert secret
    done = c.post(
        "/account/two-factor/confirm",
        data={"code": _code(secret.group(1), -1), "csrf": csrf_of(c, "/account/two-factor")},
    )
    assert done.status_code == 200 and "not shown again" in done.text
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.text)
    assert len(codes) == 10
    return secret.group(1), codes


def _password_step(app: Any, ua: str = "testclient") -> TestClient:
    c = client(app)
    c.headers["user-agent"] = ua
    r = c.post("/signin", data={"handle": "alice", "password": PASSWORD, "csrf": csrf_of(c)})
    assert r.status_code == 303 and r.headers["location"] == "/signin/code"
    return c


def _give(c: TestClient, code: str) -> Any:
    return c.post("/signin/code", data={"code": code, "csrf": csrf_of(c, "/signin/code")})


def test_enrol_then_sign_in_with_a_code(app: Any) -> None:
    c = signed_up(app, "alice")
    secret, _ = _enrol(c)
    state = c.get("/api/account/two-factor").json()
    assert state["enrolment"] is None and state["two_factor"]["enabled"]
    assert secret not in c.get("/account/two-factor").text  # never shown again
    assert secret not in str(c.get("/api/account").json())
    fresh = _password_step(app)
    assert fresh.get("/today").headers["location"] == "/signin"  # half signed in: no session
    r = _give(fresh, _code(secret))
    assert r.status_code == 303 and r.headers["location"] == "/"  # the role's start page
    assert fresh.get("/").headers["location"] == "/today"
    assert fresh.get("/today").status_code == 200


def test_wrong_and_replayed_codes_are_sentences_on_the_same_form(app: Any) -> None:
    c = signed_up(app, "alice")
    secret, _ = _enrol(c)
    fresh = _password_step(app)
    wrong = _give(fresh, "000000" if _code(secret) != "000000" else "111111")
    assert wrong.status_code == 401
    assert "That code is not right; check the app on your phone" in wrong.text
    assert 'name="code"' in wrong.text
    code = _code(secret, 1)
    assert _give(fresh, code).status_code == 303
    again = _password_step(app)
    replay = _give(again, code)
    assert replay.status_code == 401 and "already used; wait for the next code" in replay.text


def test_a_recovery_code_signs_in_once(app: Any) -> None:
    c = signed_up(app, "alice")
    _, codes = _enrol(c)
    assert _give(_password_step(app), codes[0]).status_code == 303
    assert _give(_password_step(app), codes[0]).status_code == 401
    assert c.get("/api/account").json()["two_factor"]["recovery_codes_left"] == 9


def test_code_page_without_a_password_step(app: Any) -> None:
    c = client(app)
    assert c.get("/signin/code").headers["location"] == "/signin"
    r = c.post("/signin/code", data={"code": "123456", "csrf": csrf_of(c)})
    assert r.status_code == 401 and "sign in again with your name and password" in r.text


def test_code_guesses_are_throttled(app: Any) -> None:
    c = signed_up(app, "alice")
    _enrol(c)
    fresh = _password_step(app)
    for _ in range(5):
        assert _give(fresh, "999999x").status_code == 401
    r = _give(fresh, "999999x")
    assert r.status_code == 429 and "wait 15 minutes" in r.text


def test_new_recovery_codes_and_turning_off_through_json(app: Any) -> None:
    c = signed_up(app, "alice")
    secret, old = _enrol(c)
    headers = {"X-CSRF-Token": csrf_of(c, "/account")}
    bad = c.post("/api/account/two-factor/recovery-codes", json={"code": "1"}, headers=headers)
    assert bad.status_code == 422 and "not right" in bad.json()["error"]
    fresh = c.post(
        "/api/account/two-factor/recovery-codes", json={"code": _code(secret)}, headers=headers
    )
    assert fresh.status_code == 200
    new = fresh.json()["recovery_codes"]
    assert len(new) == 10 and set(new).isdisjoint(old)
    assert fresh.json()["two_factor"]["recovery_codes_left"] == 10
    off = c.post(
        "/api/account/two-factor/disable",
        json={"password": "wrong password!", "code": new[0]},
        headers=headers,
    )
    assert off.status_code == 422 and "is not your password" in off.json()["error"]
    off = c.post(
        "/api/account/two-factor/disable",
        json={"password": PASSWORD, "code": new[0]},
        headers=headers,
    )
    assert off.status_code == 200 and off.json()["enabled"] is False
    other = client(app)
    r = other.post(
        "/signin", data={"handle": "alice", "password": PASSWORD, "csrf": csrf_of(other)}
    )
    assert r.headers["location"] == "/"  # the password alone again


def test_enrolment_through_json(app: Any) -> None:
    c = signed_up(app, "alice")
    headers = {"X-CSRF-Token": csrf_of(c, "/account")}
    started = c.post("/api/account/two-factor/start", json={}, headers=headers).json()
    secret = started["enrolment"]["secret"]
    assert started["enrolment"]["uri"].startswith("otpauth://totp/")
    done = c.post("/api/account/two-factor/confirm", json={"code": _code(secret)}, headers=headers)
    assert done.status_code == 200 and len(done.json()["recovery_codes"]) == 10
    again = c.post("/api/account/two-factor/start", json={}, headers=headers)
    assert again.status_code == 409 and "already on" in again.json()["error"]


def test_sessions_listed_and_revoked_on_the_next_request(app: Any) -> None:
    laptop = signed_up(app, "alice")
    phone = client(app)
    phone.headers["user-agent"] = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
    )
    phone.post("/signin", data={"handle": "alice", "password": PASSWORD, "csrf": csrf_of(phone)})
    listed = laptop.get("/api/account/sessions").json()["sessions"]
    assert sorted(s["client"] for s in listed) == ["Safari on iOS", "a script"]
    page = laptop.get("/account").text
    assert "Safari on iOS" in page and "(this device)" in page
    ref = next(s["ref"] for s in listed if not s["this_device"])
    assert phone.get("/today").status_code == 200
    r = post(laptop, f"/account/sessions/{ref}/revoke")
    assert r.headers["location"] == "/account?done=session#sessions"
    assert phone.get("/today").headers["location"] == "/signin"  # ended on its next request
    gone = post(laptop, f"/account/sessions/{ref}/revoke")
    assert gone.status_code == 404
    mine = laptop.get("/api/account/sessions").json()["sessions"][0]["ref"]
    token = CSRF.search(laptop.get("/account").text)
    assert token
    r = laptop.post(
        f"/api/account/sessions/{mine}/revoke", json={}, headers={"X-CSRF-Token": token.group(1)}
    )
    assert r.status_code == 200 and r.json() == {"sessions": []}
    assert laptop.get("/api/account").status_code == 401


def test_the_journal_export_holds_no_credentials_and_a_restore_keeps_them(
    app: Any, tmp_path: Path
) -> None:
    """The TOTP secret, recovery codes and sessions are credentials, not journal data."""
    c = signed_up(app, "alice")
    secret, codes = _enrol(c)
    backup = c.get("/export/json")
    assert backup.status_code == 200
    text = backup.text
    assert secret not in text and not any(code in text for code in codes)
    for word in ("two_factor", "recovery", "session", "password", "token_hash"):
        assert word not in text
    from flarewise.journal import Journal

    j = Journal.for_person(app.state.db, "alice", create=False)
    saved = tmp_path / "alice.json"
    saved.write_bytes(backup.content)
    j.restore_json(saved, replace=True)
    assert c.get("/api/account").json()["two_factor"]["enabled"]
    assert _give(_password_step(app), codes[0]).status_code == 303


@pytest.mark.parametrize(("role", "home"), [("clinician", "/clinic"), ("admin", "/admin")])
def test_clinicians_and_admins_turn_two_step_sign_in_on_before_anything_else(
    app: Any, role: str, home: str
) -> None:
    """The password first (a temporary one is changed), then the app: until two-step sign-in
    is on, every page sends them to its enrolment, which says why; then sign-in asks for a
    code."""
    temporary = admin.create(app.state.db, None, "staff", role)
    c = client(app)
    c.post("/signin", data={"handle": "staff", "password": temporary, "csrf": csrf_of(c)})
    assert c.get(home).headers["location"].startswith("/account?must_change=1")
    changed = c.post(
        "/account/password",
        data={"current_password": temporary, "new_password": PASSWORD, "csrf": csrf_of(c)},
    )
    assert changed.status_code == 303
    for page in (home, "/account", "/today"):
        assert c.get(page).headers["location"] == "/account/two-factor?required=1", page
    refused = c.get("/api" + home)
    assert refused.status_code == 403
    assert refused.json() == {
        "error": "clinicians and administrators turn on two-step sign-in first"
    }
    why = c.get("/account/two-factor?required=1")
    assert why.status_code == 200
    assert "Clinicians and administrators open other people's data" in why.text
    assert c.get("/api/account/two-factor").json()["two_factor"]["required"] is True
    secret = enrol_two_factor(c)
    assert c.get(home).status_code == 200
    assert c.get("/api" + home).status_code == 200
    assert "open other people" not in c.get("/account/two-factor").text  # said until it is on
    again = client(app)
    r = again.post(
        "/signin", data={"handle": "staff", "password": PASSWORD, "csrf": csrf_of(again)}
    )
    assert r.headers["location"] == "/signin/code"
    assert again.get(home).headers["location"] == "/signin"  # the password alone opens nothing
    assert sign_in_with_code(app, "staff", PASSWORD, secret).get(home).status_code == 200


def test_a_clinician_cannot_turn_two_step_sign_in_off_and_a_person_may(app: Any) -> None:
    doctor, secret = staff(app, "drbob", "clinician")
    assert 'action="/account/two-factor/disable"' not in doctor.get("/account").text
    assert "It stays on" in doctor.get("/account").text
    headers = {"X-CSRF-Token": csrf_of(doctor, "/account")}
    off = doctor.post(
        "/api/account/two-factor/disable",
        json={"password": PASSWORD, "code": totp_code(secret)},
        headers=headers,
    )
    assert off.status_code == 422
    assert "required for clinicians and administrators" in off.json()["error"]
    assert doctor.get("/api/account/two-factor").json()["two_factor"]["enabled"] is True
    form = post(doctor, "/account/two-factor/disable", {"password": PASSWORD, "code": "1"})
    assert form.status_code == 422 and "required for clinicians" in form.text
    assert doctor.get("/clinic").status_code == 200  # still enrolled, still let in

    alice = signed_up(app, "alice")
    mine = enrol_two_factor(alice)
    assert alice.get("/api/account/two-factor").json()["two_factor"]["required"] is False
    assert 'action="/account/two-factor/disable"' in alice.get("/account").text
    off = post(
        alice, "/account/two-factor/disable", {"password": PASSWORD, "code": totp_code(mine)}
    )
    assert off.headers["location"] == "/account?done=two-factor-off#two-factor"
    assert alice.get("/api/account/two-factor").json()["two_factor"]["enabled"] is False
