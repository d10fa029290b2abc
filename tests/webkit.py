"""Helpers for the web tests: an app on a test database and signed-in clients."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from flarewise.web import create_app

CSRF = re.compile(r'name="csrf" value="([^"]*)"')
PASSWORD = "correct horse battery"


def app_on(url: str) -> Any:
    return create_app(url, trusted_hosts=("testserver",))


def client(app: Any) -> TestClient:
    # https, so the Secure session cookie is sent back as a browser would on a real deployment
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


def csrf_of(c: TestClient, page: str = "/signin") -> str:
    found = CSRF.search(c.get(page).text)
    assert found, f"no CSRF field on {page}"
    return found.group(1)


def signed_up(app: Any, handle: str, demo_days: int | None = None) -> TestClient:
    c = client(app)
    token = csrf_of(c, "/signup")
    r = c.post("/signup", data={"handle": handle, "password": PASSWORD, "csrf": token})
    assert r.status_code == 303, r.text
    if demo_days:
        from flarewise.journal import Journal

        j = Journal.for_person(app.state.db, handle, create=False)
        j.write_demo(start=date.today() - timedelta(days=demo_days), days=demo_days, replace=True)
    return c


def post(c: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """A form post carrying the session's CSRF token (read from a page, as a browser would)."""
    token = csrf_of(c, "/account")
    return c.post(path, data={**(data or {}), "csrf": token}, **kw)


SECRET = re.compile(r'<code id="secret" class="secret">([A-Z2-7]+)</code>')
#: the last 30 s step each secret's code was given for (the server accepts a step once)
_LAST_STEP: dict[str, int] = {}


def totp_code(secret: str) -> str:
    """A code from the app that the server has not seen yet: the current step, or the next one
    when the current was given already (the server accepts one step either side, so a code made
    just before a step ends is still good when it arrives; one made for the step before now was
    not, once the request crossed a boundary). Waits when two codes were given within one step."""
    totp = pyotp.TOTP(secret)
    step = max(totp.timecode(time.time()), _LAST_STEP.get(secret, -1) + 1)
    while step > totp.timecode(time.time()) + 1:
        time.sleep(1)
    _LAST_STEP[secret] = step
    return totp.generate_otp(step)


def enrol_two_factor(c: TestClient) -> str:
    """Turn two-step sign-in on for ``c``'s account through the web pages, as a person does
    (start, read the key from the page, confirm with a code); the secret, for later codes."""
    start = c.post("/account/two-factor/start", data={"csrf": csrf_of(c, "/account/two-factor")})
    assert start.headers["location"] == "/account/two-factor", start.text
    found = SECRET.search(c.get("/account/two-factor").text)
    assert found, "no key on the enrolment page"
    secret = found.group(1)
    done = c.post(
        "/account/two-factor/confirm",
        data={"code": totp_code(secret), "csrf": csrf_of(c, "/account/two-factor")},
    )
    assert done.status_code == 200 and "not shown again" in done.text, done.text
    return secret


def sign_in_with_code(app: Any, handle: str, password: str, secret: str) -> TestClient:
    """A new client signed in with the password, then a fresh code from the app."""
    c = client(app)
    r = c.post("/signin", data={"handle": handle, "password": password, "csrf": csrf_of(c)})
    assert r.status_code == 303 and r.headers["location"] == "/signin/code", r.text
    r = c.post("/signin/code", data={"code": totp_code(secret), "csrf": csrf_of(c, "/signin/code")})
    assert r.status_code == 303, r.text
    return c


def staff(app: Any, handle: str, role: str) -> tuple[TestClient, str]:
    """A clinician or administrator made by the clinic's administrator, signed in as they
    are told to: the temporary password changed, then two-step sign-in turned on. The
    client and the TOTP secret."""
    from flarewise.sharing import admin

    temporary = admin.create(app.state.db, None, handle, role)
    c = client(app)
    r = c.post("/signin", data={"handle": handle, "password": temporary, "csrf": csrf_of(c)})
    assert r.status_code == 303, r.text
    changed = c.post(
        "/account/password",
        data={
            "current_password": temporary,
            "new_password": PASSWORD,
            "csrf": csrf_of(c, "/account"),
        },
    )
    assert changed.status_code == 303, changed.text
    return c, enrol_two_factor(c)
