"""The administrator's page and the person's sharing page through the web app: who may use
them, the temporary password shown once, disabling ending a session at once, and a person's
code, grants and "who looked" list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .webkit import PASSWORD, app_on, client, csrf_of, post, signed_up, staff


@pytest.fixture
def app(db_url: str) -> Any:
    application = app_on(db_url)
    yield application
    application.state.db.close()


def _signed_in(app: Any, handle: str, password: str) -> TestClient:
    c = client(app)
    r = c.post("/signin", data={"handle": handle, "password": password, "csrf": csrf_of(c)})
    assert r.status_code == 303, r.text
    return c


def _admin(app: Any) -> TestClient:
    return staff(app, "root", "admin")[0]


ADMIN_ROUTES = [
    ("GET", "/admin", None),
    ("GET", "/api/admin", None),
    ("POST", "/admin/accounts", {"handle": "newdoc", "role": "clinician"}),
    ("POST", "/api/admin/accounts", {"handle": "newdoc2", "role": "clinician"}),
    ("POST", "/admin/disable", {"handle": "alice"}),
    ("POST", "/api/admin/disable", {"handle": "alice", "enable": "yes"}),
    ("POST", "/admin/reset", {"handle": "eve"}),
    ("POST", "/api/admin/reset", {"handle": "eve"}),
]


def test_only_an_admin_reaches_the_admin_pages_and_others_see_no_such_page(app: Any) -> None:
    root = _admin(app)
    alice = signed_up(app, "alice")
    dave = signed_up(app, "dave")
    signed_up(app, "eve")  # whose password the admin resets
    doctor, _ = staff(app, "drbob", "clinician")
    for method, path, data in ADMIN_ROUTES:
        for who, c in (("person", dave), ("clinician", doctor)):
            token = csrf_of(c, "/account")
            answer = c.request(method, path, data={**(data or {}), "csrf": token})
            missing = c.request(method, path + "-missing", data={**(data or {}), "csrf": token})
            assert answer.status_code == 404, (who, path, answer.status_code)
            assert answer.content == missing.content, (who, path)
        answer = root.request(
            method, path, data={**(data or {}), "csrf": csrf_of(root, "/account")}
        )
        assert answer.status_code in (200, 303), (path, answer.text[:300])
    # disabling ended alice's session; the last call enabled her again: she signs in anew
    assert alice.get("/api/today").status_code == 401
    assert _signed_in(app, "alice", PASSWORD).get("/api/today").status_code == 200


def test_the_admin_creates_disables_and_resets(app: Any) -> None:
    root = _admin(app)
    alice = signed_up(app, "alice")
    page = post(root, "/admin/accounts", {"handle": "drlee", "role": "clinician"})
    shown = re.search(r'id="temporary-password"[^>]*>([^<]+)<', page.text)
    assert shown, page.text
    doctor = _signed_in(app, "drlee", shown.group(1))
    assert doctor.get("/clinic").headers["location"].startswith("/account?must_change=1")
    assert doctor.get("/api/clinic").status_code == 403
    # disabling ends alice's session at once and refuses her sign-in
    assert post(root, "/admin/disable", {"handle": "alice"}).status_code == 303
    assert alice.get("/today").headers["location"] == "/signin"
    again = client(app)
    refused = again.post(
        "/signin", data={"handle": "alice", "password": PASSWORD, "csrf": csrf_of(again)}
    )
    assert refused.status_code == 403 and "disabled" in refused.text
    listed = {a["handle"]: a for a in root.get("/api/admin").json()["accounts"]}
    assert listed["alice"]["disabled"] and listed["drlee"]["role"] == "clinician"
    # enabling and a reset: the old password no longer works, the temporary one must be changed
    post(root, "/admin/disable", {"handle": "alice", "enable": "yes"})
    temporary = post(root, "/api/admin/reset", {"handle": "alice"}).json()["temporary"]
    assert temporary["handle"] == "alice"
    fresh = _signed_in(app, "alice", temporary["password"])
    assert fresh.get("/today").headers["location"].startswith("/account?must_change=1")
    # her account page (the one page open to a temporary password) names who changed it
    looked = [
        (r["who"], r["what"], r["via"]) for r in fresh.get("/api/account").json()["who_looked"]
    ]
    assert looked[0] == ("root", "password reset", "POST /api/admin/reset")
    assert ("root", "account disabled", "POST /admin/disable") in looked
    # the admin's own row offers no button that can only be refused (review finding 19)
    rows = root.get("/admin").text.split("<tr>")
    mine = next(r for r in rows if "<td>root</td>" in r)
    assert "Disable" not in mine and "Reset password" not in mine
    assert "Disable" in next(r for r in rows if "<td>alice</td>" in r)


def test_a_person_shares_and_sees_who_looked(app: Any) -> None:
    alice = signed_up(app, "alice", demo_days=20)
    made = post(alice, "/sharing/invite", {"scope": "read", "until": "2099-12-31"})
    assert made.status_code == 200
    code = re.search(r'id="invite-code"[^>]*>([^<]+)<', made.text)
    assert code
    # the code is not kept: the page never shows it again
    assert code.group(1) not in alice.get("/sharing").text
    assert alice.get("/api/sharing").json()["invitations"][0]["until"] == "2099-12-31"
    bad = post(alice, "/api/sharing/invite", {"scope": "everything"})
    assert (
        bad.status_code == 422
        and "What may they see? Use one of report, read, annotate" in bad.json()["error"]
    )
    doctor, _ = staff(app, "drbob", "clinician")
    assert post(doctor, "/clinic/accept", {"code": code.group(1)}).status_code == 303
    assert post(doctor, "/clinic/accept", {"code": code.group(1)}).status_code == 422  # once
    assert doctor.get("/api/clinic/alice/labs").status_code == 200
    rows = alice.get("/api/account/audit").json()["rows"]
    assert [(r["who"], r["what"], r["via"]) for r in rows[:1]] == [
        ("drbob", "labs", "GET /api/clinic/alice/labs")
    ]
    assert "drbob" in alice.get("/account").text
    grant = alice.get("/api/sharing").json()["grants"][0]
    assert (grant["clinician"], grant["scope"], grant["status"]) == ("drbob", "read", "live")
    assert grant["last_access"] is not None
    after = post(alice, "/api/sharing/revoke", {"grant": str(grant["id"])}).json()
    assert after["grants"][0]["status"] == "revoked"
    assert doctor.get("/api/clinic/alice/labs").status_code == 404
