"""The web PDF goes through the report job: the button submits a job and answers at once with a
page that follows it (a meta refresh without JavaScript; the JSON twin gives the job's id and
status) and then offers the download, which only its owner gets, or the clinician who asked,
through a live grant and audited. A job submitted through one server process is downloaded
through another. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flarewise.sharing import audit, grants, invitations

from .webkit import app_on, client, post, signed_up, staff

OWNER = "alice"
JOB = re.compile(r"/report/pdf/([\w-]+)$")


@pytest.fixture
def app(db_url: str) -> Any:
    application = app_on(db_url)
    yield application
    application.state.db.close()


def _finished(c: TestClient, api: str) -> dict[str, Any]:
    """The job's JSON once it is no longer running (the worker thread makes the PDF)."""
    for _ in range(1200):
        job: dict[str, Any] = c.get(api).json()
        if job["status"] != "running":
            return job
        threading.Event().wait(0.05)
    raise AssertionError(f"{api} still running")


def test_the_person_gets_the_pdf_through_a_job_and_nobody_else_does(app: Any) -> None:
    owner = signed_up(app, OWNER, demo_days=40)
    started = post(owner, "/report/pdf", {"paper": "letter"})
    assert started.status_code == 303
    base = started.headers["location"]
    job_id = JOB.search(base).group(1)  # type: ignore[union-attr]
    page = owner.get(base).text
    # while it runs, the page refreshes itself (and offers "check again"); then the download
    if 'http-equiv="refresh"' in page:
        assert "Check again" in page and "Download" not in page
    job = _finished(owner, f"/api{base}")
    assert job["status"] == "done", job
    assert job["id"] == job_id and job["paper"] == "letter"
    assert job["download"] == f"{base}/download" and job["file"].endswith(".pdf")
    page = owner.get(base).text
    assert 'http-equiv="refresh"' not in page and f'href="{base}/download"' in page
    pdf = owner.get(job["download"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert len(pdf.content) == job["bytes"]
    assert pdf.headers["content-disposition"] == f'attachment; filename="{job["file"]}"'
    # another person: as for a job that does not exist; anonymous: sign in first
    other = signed_up(app, "dave")
    for address in (base, f"/api{base}", f"{base}/download"):
        refused = other.get(address)
        unknown = other.get(address.replace(job_id, "no-such-job"))
        assert refused.status_code == 404, address
        assert (refused.status_code, refused.content) == (unknown.status_code, unknown.content)
        assert client(app).get(address).status_code in (303, 401), address
    # the JSON twin answers with the job to poll; a mistake is answered at once, not by a job
    answer = post(owner, "/api/report/pdf", {"from": "", "to": "", "paper": "a4"})
    assert answer.status_code == 200 and answer.json()["status"] in ("running", "done")
    assert _finished(owner, f"/api/report/pdf/{answer.json()['id']}")["status"] == "done"
    jobs = app.state.jobs.count()
    assert post(owner, "/api/report/pdf", {"paper": "a3"}).status_code == 422
    reversed_period = {"from": "2026-03-02", "to": "2026-03-01"}
    assert post(owner, "/api/report/pdf", reversed_period).status_code == 422
    assert app.state.jobs.count() == jobs
    # the report page's buttons are a form (a link must not start a job); old links land there
    report = owner.get("/report").text
    assert 'action="/report/pdf"' in report and 'href="/report/pdf' not in report
    old = owner.get("/report/pdf?from=2026-01-01&to=2026-01-31")
    assert old.status_code == 303 and old.headers["location"].startswith("/report?from=")


def test_the_clinician_who_asked_downloads_through_a_live_grant_audited(app: Any) -> None:
    db = app.state.db
    signed_up(app, OWNER, demo_days=40)
    doctors = {}
    for name in ("drbob", "drcarol"):
        doctors[name] = staff(app, name, "clinician")[0]
        invitations.accept(db, name, invitations.invite(db, OWNER, "report").code)
    bob, carol = doctors["drbob"], doctors["drcarol"]
    assert 'action="/clinic/alice/report/pdf"' in bob.get(f"/clinic/{OWNER}/report").text
    started = post(bob, f"/clinic/{OWNER}/report/pdf", {"paper": "a4"})
    assert started.status_code == 303
    base = started.headers["location"]
    assert base.startswith(f"/clinic/{OWNER}/report/pdf/")
    job_id = base.rsplit("/", 1)[1]
    job = _finished(bob, f"/api{base}")
    assert job["status"] == "done" and job["download"] == f"{base}/download"
    before = len(audit.who_looked(db, OWNER))
    pdf = bob.get(job["download"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    (row, *_) = audit.who_looked(db, OWNER)
    assert len(audit.who_looked(db, OWNER)) == before + 1
    assert (row.actor, row.what, row.via) == ("drbob", "visit report PDF", f"GET {base}/download")
    # another clinician of the same person: as for a job that does not exist, and no file
    for address in (base, f"/api{base}", f"{base}/download"):
        refused = carol.get(address)
        unknown = carol.get(address.replace(job_id, "no-such-job"))
        assert refused.status_code == 404, address
        assert (refused.status_code, refused.content) == (unknown.status_code, unknown.content)
    # the person's own job pages do not hand a clinician's job to another person
    assert signed_up(app, "dave").get(f"/report/pdf/{job_id}/download").status_code == 404
    # revoked: the clinician's next request is refused as for a missing person
    (live,) = [g for g in grants.grants_of(db, OWNER) if g.clinician == "drbob"]
    grants.revoke(db, OWNER, live.id)
    gone = bob.get(f"{base}/download")
    missing = bob.get(f"{base}/download".replace(f"/clinic/{OWNER}/", "/clinic/nobody/"))
    assert gone.status_code == 404
    assert (gone.status_code, gone.content) == (missing.status_code, missing.content)


def test_a_job_submitted_through_one_process_is_downloaded_through_another(
    app: Any, db_url: str
) -> None:
    """Two apps on one database, as two server processes: the first only adds and shows jobs
    (its worker is off), the second's worker makes the PDF, and the file is fetched through the
    first with the same session (sessions live in the database)."""
    owner = signed_up(app, OWNER, demo_days=20)
    app.state.jobs.work = False
    other = app_on(db_url)
    try:
        started = post(owner, "/api/report/pdf", {"paper": "a4"})
        assert started.status_code == 200
        job_id = started.json()["id"]
        other.state.jobs.start()
        there = client(other)
        there.cookies.update(owner.cookies)
        job = _finished(there, f"/api/report/pdf/{job_id}")
        assert job["status"] == "done", job
        pdf = owner.get(job["download"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    finally:
        other.state.db.close()
