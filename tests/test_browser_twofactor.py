"""Issue 16 item 4 in Chromium, on SQLite and PostgreSQL: turn two-step sign-in on with a code
computed by pyotp from the key the page shows, keep the recovery codes, sign out, sign in with
a code, a wrong code, a replayed code, a recovery code (once); then end another browser's
session from the account page."""

from __future__ import annotations

import time
from typing import Any

import pyotp

from .test_browser import PASSWORD, Visit, browser, server

__all__ = ["browser", "server"]  # the fixtures, shared with the newcomer's path


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def _password(v: Visit) -> Any:
    page = v.go("/signin")
    page.fill("#handle", "alice")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/signin/code")
    return page


def _give(page: Any, code: str) -> None:
    page.fill("#code", code)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state("networkidle")


def _sign_out(page: Any) -> None:
    page.click("details.menu summary")  # sign-out is in the "More" menu
    page.click("text=Sign out alice")
    page.wait_for_url("**/signin")


def test_two_step_sign_in_in_chromium(server: str, browser: Any, db_url: str) -> None:
    name = "2fa-sqlite" if db_url.startswith("sqlite") else "2fa-postgresql"
    v = Visit(browser, server, name)
    page = v.go("/signup")
    page.fill("#handle", "alice")
    page.fill("#password", PASSWORD)
    page.click("text=Create journal")
    page.wait_for_url("**/today?welcome=1")

    # enrol: the QR code and the key, confirmed by a first code
    v.go("/account")
    page.click("a:has-text('Set up two-step sign-in')")
    page.wait_for_url("**/account/two-factor")
    page.click("button:has-text('Set up two-step sign-in')")
    page.wait_for_selector("#secret")
    assert page.locator(".qr svg").count() == 1
    v.check("enrol")
    secret = page.inner_text("#secret").strip()
    page.fill("#code", _code(secret, -1))
    page.click("text=Turn on two-step sign-in")
    page.wait_for_selector("#recovery-codes")
    codes = [c.strip() for c in page.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    v.check("recovery-codes")
    v.go("/account/two-factor")
    assert page.locator("#secret").count() == 0  # the key is never shown again
    _sign_out(page)

    # sign in: the password, then a wrong code, then the right one
    page = _password(v)
    assert v.go("/today").url.endswith("/signin")  # half signed in opens nothing
    page = _password(v)
    v.check("code")
    wrong = "000000" if _code(secret) != "000000" else "111111"
    _give(page, wrong)
    assert "That code is not right" in page.inner_text("[role=alert]")
    code = _code(secret)
    _give(page, code)
    page.wait_for_url("**/today")
    _sign_out(page)

    # the same code again is a replay
    page = _password(v)
    _give(page, code)
    assert "already used" in page.inner_text("[role=alert]")

    # a recovery code, once
    _give(page, codes[0])
    page.wait_for_url("**/today")
    _sign_out(page)
    page = _password(v)
    _give(page, codes[0])
    assert "That code is not right" in page.inner_text("[role=alert]")
    _give(page, codes[1])
    page.wait_for_url("**/today")

    # another browser signs in; this one ends its session from the account page
    other = Visit(browser, server, name + "-other")
    phone = _password(other)
    _give(phone, _code(secret, 1))
    phone.wait_for_url("**/today")
    v.go("/account")
    rows = page.locator(".sessions li")
    assert rows.count() == 2
    assert "(this device)" in page.inner_text(".sessions")
    v.check("sessions")
    page.locator(".sessions li:not(:has-text('this device')) button").click()
    page.wait_for_url("**/account?done=session*")
    assert page.locator(".sessions li").count() == 1
    assert other.go("/today").url.endswith("/signin")  # ended on its next request
    # a refused code answers 401 (Chromium logs each such page load); nothing else went wrong
    refused = "the server responded with a status of 401"
    assert [e for e in v.errors if refused not in e] == [] and other.errors == []
    assert len(v.errors) == 3  # the wrong code, the replay, the recovery code used again
    other.context.close()
    v.context.close()
