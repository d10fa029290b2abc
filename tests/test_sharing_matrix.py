"""The authorisation matrix of the clinic (issue 16): every clinic route and API operation x
every kind of caller (the owner, a clinician with each scope, a clinician without a grant, with
an expired grant, with a revoked grant, another person, an admin, anonymous). Allowed exactly
where the grant says; every refusal answers byte for byte as the same caller asking about a
person who does not exist; an audit row in the owner's log for every clinician access and none
for a refusal. On SQLite and on PostgreSQL (the ``db_url`` fixture)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from flarewise.sharing import audit, grants, invitations, notes
from flarewise.storage.database import utcnow

from .webkit import PASSWORD, app_on, client, csrf_of, signed_up, staff

OWNER = "alice"
MISSING = "nobody-here"
#: the clinician whose note the amend routes name
AUTHOR = "dr-annotate"

#: (method, path with {h} for the person, scope needed, what a write sends)
GETS = [
    ("GET", "/clinic/{h}", "report"),
    ("GET", "/api/clinic/{h}", "report"),
    ("GET", "/clinic/{h}/report", "report"),
    ("GET", "/api/clinic/{h}/report", "report"),
    ("GET", "/clinic/{h}/timeline", "read"),
    ("GET", "/api/clinic/{h}/timeline", "read"),
    ("GET", "/clinic/{h}/labs", "read"),
    ("GET", "/api/clinic/{h}/labs", "read"),
    ("GET", "/clinic/{h}/plan", "read"),
    ("GET", "/api/clinic/{h}/plan", "read"),
    # {j}: a report PDF job the caller asked for (a clinician sees only their own)
    ("GET", "/clinic/{h}/report/pdf/{j}", "report"),
    ("GET", "/api/clinic/{h}/report/pdf/{j}", "report"),
    ("GET", "/clinic/{h}/report/pdf/{j}/download", "report"),
]
POSTS = [
    ("POST", "/clinic/{h}/notes", "annotate", {"text": "Sleep discussed."}),
    ("POST", "/api/clinic/{h}/notes", "annotate", {"text": "Sleep discussed."}),
    ("POST", "/clinic/{h}/report/pdf", "report", {"paper": "a4"}),
    ("POST", "/api/clinic/{h}/report/pdf", "report", {"paper": "letter"}),
    # {n}: the latest version of a note the annotating clinician wrote (only its author amends)
    ("POST", "/clinic/{h}/notes/{n}/amend", "annotate", {"text": "Sleep discussed, amended."}),
    ("POST", "/api/clinic/{h}/notes/{n}/amend", "annotate", {"text": "Amended again."}),
    (
        "POST",
        "/clinic/{h}/overrides",
        "annotate",
        {"rule": "SAF-MG-UL", "item": "magnesium", "note": "monitored"},
    ),
    (
        "POST",
        "/api/clinic/{h}/overrides",
        "annotate",
        {"rule": "SAF-MG-UL", "item": "magnesium", "note": "monitored"},
    ),
]
SCOPE_ORDER = ("report", "read", "annotate")


def _sign_in(app: Any, handle: str, password: str) -> TestClient:
    c = client(app)
    r = c.post("/signin", data={"handle": handle, "password": password, "csrf": csrf_of(c)})
    assert r.status_code == 303, r.text
    return c


def _clinician(app: Any, handle: str) -> TestClient:
    """A clinician account, its temporary password changed and two-step sign-in on."""
    return staff(app, handle, "clinician")[0]


def _grant(
    app: Any, clinician: str, scope: str, *, when: datetime | None = None, **kw: Any
) -> None:
    db = app.state.db
    code = invitations.invite(db, OWNER, scope, now=when, **kw).code
    invitations.accept(db, clinician, code, now=when)


def _callers(app: Any) -> dict[str, tuple[TestClient, str | None]]:
    """Every kind of caller: (client, the scope they hold or None)."""
    db = app.state.db
    signed_up(app, OWNER, demo_days=45)
    callers: dict[str, tuple[TestClient, str | None]] = {}
    for scope in SCOPE_ORDER:
        name = f"dr-{scope}"
        callers[f"clinician ({scope})"] = (_clinician(app, name), scope)
        _grant(app, name, scope)
    notes.add_note(db, AUTHOR, OWNER, "Sleep discussed.", via="test")
    # a clinician with patients of their own, but no grant from the owner
    callers["clinician without grant"] = (_clinician(app, "dr-other"), None)
    signed_up(app, "carol", demo_days=10)
    code = invitations.invite(db, "carol", "annotate").code
    invitations.accept(db, "dr-other", code)
    # expired: granted until yesterday (made the day before)
    callers["clinician, expired grant"] = (_clinician(app, "dr-expired"), None)
    then = utcnow() - timedelta(days=2)
    _grant(app, "dr-expired", "annotate", when=then, until=then.date() + timedelta(days=1))
    callers["clinician, revoked grant"] = (_clinician(app, "dr-revoked"), None)
    _grant(app, "dr-revoked", "annotate")
    revoked = [g for g in grants.grants_of(db, OWNER) if g.clinician == "dr-revoked"]
    grants.revoke(db, OWNER, revoked[0].id)
    callers["owner"] = (_owner(app), None)
    callers["other person"] = (signed_up(app, "dave"), None)
    callers["admin"] = (staff(app, "root", "admin")[0], None)
    callers["anonymous"] = (client(app), None)
    return callers


def _owner(app: Any) -> TestClient:
    return _sign_in(app, OWNER, PASSWORD)


def _ask(c: TestClient, method: str, path: str, data: dict[str, str] | None) -> Any:
    if method == "GET":
        return c.get(path)
    # the CSRF token a browser of this caller would hold (the sign-in page's when anonymous)
    page = "/account" if c.get("/account").status_code == 200 else "/signin"
    return c.post(path, data={**(data or {}), "csrf": csrf_of(c, page)})


def _served(answer: Any) -> bool:
    """The page answered (a form's redirect counts), rather than sign-in being asked for."""
    if answer.status_code == 303:
        return not answer.headers["location"].startswith("/signin")
    return bool(answer.status_code == 200)


def _note(app: Any) -> int:
    """The id to amend the author's note by: its latest version (each amendment is a new one)."""
    return next(n.id for n in notes.notes_about(app.state.db, OWNER) if n.clinician == AUTHOR)


def _pdf_jobs(app: Any) -> dict[str, str]:
    """A finished report PDF job of the owner for each clinician with a grant, by caller; the
    others are asked about the annotating clinician's job."""
    queue = app.state.jobs
    made = {
        f"clinician ({s})": queue.submit_report(OWNER, requested_by=f"dr-{s}") for s in SCOPE_ORDER
    }
    for job_id in made.values():
        for _ in range(1200):
            if queue.view(job_id, OWNER)["status"] in ("done", "failed"):
                break
            threading.Event().wait(0.05)
        assert queue.view(job_id, OWNER)["status"] == "done", job_id
    return made


def _log_size(app: Any) -> int:
    return len(audit.who_looked(app.state.db, OWNER))


def test_clinic_routes_allow_exactly_what_the_grant_says(db_url: str) -> None:
    app = app_on(db_url)
    try:
        callers = _callers(app)
        jobs = _pdf_jobs(app)
        wrong: list[str] = []
        for who, (c, scope) in callers.items():
            job = jobs.get(who, jobs["clinician (annotate)"])
            for method, template, need, *body in [(*g, None) for g in GETS] + POSTS:
                data = body[0] if body else None
                path = template.format(h=OWNER, n=_note(app), j=job)
                before = _log_size(app)
                answer = _ask(c, method, path, data)
                rows = _log_size(app) - before
                allowed = scope is not None and SCOPE_ORDER.index(scope) >= SCOPE_ORDER.index(need)
                if allowed:
                    if not _served(answer):
                        wrong.append(f"{who} {method} {path}: {answer.status_code}, expected 200")
                    if rows < 1:
                        wrong.append(f"{who} {method} {path}: allowed without an audit row")
                    continue
                asked = template.format(h=MISSING, n=_note(app), j=job)
                missing = _ask(c, method, asked, data)
                if _served(answer):
                    wrong.append(f"{who} {method} {path}: allowed, expected refused")
                if (answer.status_code, answer.content) != (missing.status_code, missing.content):
                    wrong.append(
                        f"{who} {method} {path}: refusal {answer.status_code} differs from a "
                        f"missing person's {missing.status_code}"
                    )
                if rows:
                    wrong.append(f"{who} {method} {path}: refused, yet {rows} audit row(s)")
        assert not wrong, "\n".join(wrong)
    finally:
        app.state.db.close()


def test_the_clinic_list_shows_only_ones_own_people(db_url: str) -> None:
    app = app_on(db_url)
    try:
        callers = _callers(app)
        expected = {
            "clinician (report)": [OWNER],
            "clinician (read)": [OWNER],
            "clinician (annotate)": [OWNER],
            "clinician without grant": ["carol"],
            "clinician, expired grant": [],
            "clinician, revoked grant": [],
        }
        for who, handles in expected.items():
            c, _ = callers[who]
            r = c.get("/api/clinic")
            assert r.status_code == 200, (who, r.text)
            assert [p["handle"] for p in r.json()["people"]] == handles, who
        code = invitations.invite(app.state.db, OWNER, "annotate").code
        for who in ("owner", "other person", "admin"):
            c, _ = callers[who]
            assert c.get("/api/clinic").status_code == 404, who
            # accepting a code is a clinician's operation: anyone else finds no such page
            token = csrf_of(c, "/account")
            accept = c.post("/api/clinic/accept", data={"code": code, "csrf": token})
            nowhere = c.post("/api/no-such-operation", data={"code": code, "csrf": token})
            assert (accept.status_code, accept.content) == (404, nowhere.content), who
        # the code was not spent by those refusals
        doctor, _ = callers["clinician (read)"]
        token = csrf_of(doctor, "/account")
        accepted = doctor.post("/api/clinic/accept", data={"code": code, "csrf": token})
        assert accepted.status_code == 200
        assert accepted.json()["accepted"] == OWNER
        assert callers["anonymous"][0].get("/api/clinic").status_code == 401
    finally:
        app.state.db.close()
