"""Security of the web app: every route refuses an anonymous visitor and another person without
saying whether the record exists; CSRF on every state-changing request; throttled sign-in;
passwords stored as argon2id hashes only; security headers."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute

from flarewise import Intake, LabResult
from flarewise.journal import Journal

from .webkit import PASSWORD, app_on, client, csrf_of, post, signed_up

PUBLIC = {
    "/favicon.ico",
    "/healthz",
    "/",
    "/signin",
    "/signup",
    "/signout",
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/oauth2-redirect",
    "/sw.js",
    "/calendar/{token}.ics",  # opened by its secret token alone: tests/test_reminders.py
    "/signin/code",  # the code after the password: tests/test_web_twofactor.py
}


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def _alice_ids(app: Any) -> dict[str, str]:
    """Ids of records that belong to alice: an entry, an experiment, an import job, a test."""
    j = Journal.for_person(app.state.db, "alice", create=False)
    entry = j.add(
        Intake(
            at=datetime(2025, 3, 1, 9, 0).astimezone(), substance="magnesium", amount=200, unit="mg"
        )
    )
    j.add(
        LabResult(
            at=datetime(2025, 3, 2, 9, 0).astimezone(), loinc="1988-5", value=3.0, unit="mg/L"
        )
    )
    from flarewise import DoseStep, Regimen

    med = j.add_regimen(
        Regimen(substance="duloxetine", steps=[DoseStep(start=datetime(2025, 1, 1).date())])
    )
    protocol, _ = j.design_experiment("magnesium", "pain", design="ab")
    exp = j.add_experiment(protocol)
    from flarewise.jobs.imports import import_options

    job_id, folder = app.state.jobs.new_folder()
    (folder / "x.csv").write_bytes(b"date,pain\n2026-01-01,4\n")
    app.state.jobs.submit_import(job_id, "alice", folder / "x.csv", import_options(dry_run=True))
    with app.state.db.begin() as conn:
        session = conn.execute(
            sa.text(
                "SELECT token_hash FROM sessions JOIN persons ON persons.id = sessions.person_id "
                "WHERE persons.handle = 'alice'"
            )
        ).scalar_one()
    return {
        "ref": session[:16],
        "entry_id": entry.id,
        "eid": exp.id,
        "job_id": job_id,
        "loinc": "1988-5",
        "fmt": "json",
        "instrument": "fiqr",
        "rid": med.id,
        "handle": "alice",  # the clinic's pages of one person
        "note_id": "1",  # a clinician note (only its author amends it: test_clinician_notes_web)
    }


def _walk(routes: list[Any]) -> list[APIRoute]:
    found: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            found.append(r)
        elif hasattr(r, "original_router"):  # FastAPI's included routers
            found.extend(_walk(r.original_router.routes))
    return found


def _routes(app: Any) -> list[tuple[str, str]]:
    out = []
    for r in _walk(app.routes):
        if r.path not in PUBLIC:
            for method in r.methods:
                out.append((method, r.path))
    return sorted(set(out))


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def test_every_route_refuses_anonymous_and_other_people(app: Any) -> None:
    signed_up(app, "alice", demo_days=30)
    ids = _alice_ids(app)
    bob = signed_up(app, "bob")
    anonymous = client(app)
    anon_token = csrf_of(anonymous)
    bob_token = csrf_of(bob, "/account")
    routes = _routes(app)
    assert len(routes) >= 30
    checked = 0
    for method, path in routes:
        url = _fill(path, ids)
        # anonymous: sent to sign in (pages) or 401 (API), whatever the id
        r = anonymous.request(method, url, data={"csrf": anon_token} if method == "POST" else None)
        assert r.status_code in (303, 401), (method, url, r.status_code)
        if r.status_code == 303:
            assert r.headers["location"].endswith("/signin")
        if "{instrument}" in path:  # not a record id: the form of an instrument
            continue
        if "{fmt}" in path:  # not a record id: bob gets his own, empty, export
            mine = bob.get(url)
            assert mine.status_code == 200 and "alice" not in mine.text
            continue
        # bob: alice's records look exactly like records that do not exist
        if "{" in path:
            as_bob = bob.request(
                method, url, data={"csrf": bob_token} if method == "POST" else None
            )
            missing = bob.request(
                method,
                re.sub(r"\{(\w+)\}", "nothere", path)
                if False
                else _fill(path, {k: "0" * 32 for k in ids}),
                data={"csrf": bob_token} if method == "POST" else None,
            )
            assert as_bob.status_code in (404, 422), (
                method,
                url,
                as_bob.status_code,
                as_bob.text[:200],
            )
            if as_bob.status_code == 404:
                assert missing.status_code == 404
                assert (
                    as_bob.text.replace(url, "") == missing.text.replace(missing.url.path, "")
                    or "nothing here" in as_bob.text.lower()
                )
            checked += 1
    assert checked >= 8
    # and alice's data is untouched by all of that
    j = Journal.for_person(app.state.db, "alice", create=False)
    assert j.get(ids["entry_id"]) and j.experiment(ids["eid"])


def test_bob_never_sees_alices_data_in_any_page(app: Any) -> None:
    alice = signed_up(app, "alice", demo_days=30)
    bob = signed_up(app, "bob")
    assert alice.get("/api/timeline?range=30").json()["symptoms"]
    for page in (
        "/api/today",
        "/api/timeline?range=all",
        "/api/labs",
        "/api/assessments",
        "/api/experiments",
        "/api/insights",
    ):
        data = bob.get(page).json()
        text = str(data)
        assert "alice" not in text
    assert bob.get("/api/timeline?range=all").json()["symptoms"] == []
    assert bob.get("/export/csv").text.count("\n") == 1  # the header only


def test_state_changing_requests_need_the_csrf_token(app: Any) -> None:
    c = signed_up(app, "alice")
    for path, data in [
        ("/today", {"pain": "5"}),
        ("/labs", {"loinc": "1988-5", "value": "1", "unit": "mg/L", "day": "2026-01-01"}),
        ("/signout", {}),
    ]:
        assert c.post(path, data=data).status_code == 403
        assert c.post(path, data={**data, "csrf": "forged"}).status_code == 403
    assert c.get("/api/today").json()["entries"] == []
    # a token from another session is not accepted either
    other = signed_up(app, "bob")
    stolen = csrf_of(other, "/account")
    assert c.post("/today", data={"pain": "5", "csrf": stolen}).status_code == 403
    assert post(c, "/today", {"pain": "5"}).status_code == 303


def test_sign_in_is_throttled_without_revealing_names(app: Any) -> None:
    signed_up(app, "alice")
    c = client(app)
    token = csrf_of(c)
    for _ in range(5):
        r = c.post("/signin", data={"handle": "alice", "password": "wrong guess!", "csrf": token})
        assert r.status_code == 401
    r = c.post("/signin", data={"handle": "alice", "password": PASSWORD, "csrf": token})
    assert r.status_code == 429 and "15 minutes" in r.text
    nobody = c.post("/signin", data={"handle": "nobody", "password": "x" * 12, "csrf": token})
    known = client(app)
    kt = csrf_of(known)
    signed_up(app, "carol")
    wrong = known.post("/signin", data={"handle": "carol", "password": "x" * 12, "csrf": kt})
    assert nobody.status_code == wrong.status_code == 401
    assert "do not match" in nobody.text and "do not match" in wrong.text


def test_passwords_are_stored_as_argon2id_hashes_only(app: Any) -> None:
    signed_up(app, "alice")
    with app.state.db.begin() as conn:
        stored = conn.execute(sa.text("select password_hash from accounts")).scalar_one()
        tokens = conn.execute(sa.text("select token_hash from sessions")).scalars().all()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert all(len(t) == 64 for t in tokens)


def test_security_headers_and_cookies(app: Any) -> None:
    c = client(app)
    r = c.get("/signin")
    csp = r.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    )
    assert (
        r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    )
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie


def test_serve_binds_to_localhost_by_default() -> None:
    import inspect

    from flarewise.cli.serve import serve

    assert inspect.signature(serve).parameters["host"].default == "127.0.0.1"
