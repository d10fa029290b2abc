"""Helpers for the web tests: an app on a test database and signed-in clients."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

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
