"""Clinician notes through the web app: the author's "Amend" form on /clinic/{handle} and its
JSON twin (CSRF like every form), the superseded text still shown, another clinician refused as
for a missing person, and the person reading the notes about them, read-only, on the sharing
page and its JSON."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from flarewise.sharing import audit, invitations

from .webkit import app_on, post, signed_up, staff

OWNER = "alice"


@pytest.fixture
def app(db_url: str) -> Any:
    application = app_on(db_url)
    yield application
    application.state.db.close()


def _doctor(app: Any, name: str) -> TestClient:
    c = staff(app, name, "clinician")[0]
    code = invitations.invite(app.state.db, OWNER, "annotate").code
    invitations.accept(app.state.db, name, code)
    return c


def test_the_author_amends_and_everyone_allowed_sees_the_earlier_text(app: Any) -> None:
    owner = signed_up(app, OWNER)
    bob, carol = _doctor(app, "drbob"), _doctor(app, "drcarol")
    assert post(bob, f"/clinic/{OWNER}/notes", {"text": "Pacing 30 min."}).status_code == 303
    (note,) = bob.get(f"/api/clinic/{OWNER}").json()["notes"]
    assert note["can_amend"] and not note["amended"]
    page = bob.get(f"/clinic/{OWNER}").text
    assert f'action="/clinic/{OWNER}/notes/{note["id"]}/amend"' in page
    # another clinician sees the note but no form, and is refused as for a missing person
    (seen,) = carol.get(f"/api/clinic/{OWNER}").json()["notes"]
    assert not seen["can_amend"]
    assert f"/notes/{note['id']}/amend" not in carol.get(f"/clinic/{OWNER}").text
    refused = post(carol, f"/clinic/{OWNER}/notes/{note['id']}/amend", {"text": "Mine now."})
    missing = post(carol, f"/clinic/nobody/notes/{note['id']}/amend", {"text": "Mine now."})
    assert refused.status_code == 404
    assert (refused.status_code, refused.content) == (missing.status_code, missing.content)
    # without the CSRF token nothing happens
    forged = bob.post(f"/clinic/{OWNER}/notes/{note['id']}/amend", data={"text": "Forged."})
    assert forged.status_code == 403
    # the form: a redirect to the page, which says so and keeps the first text
    done = post(bob, f"/clinic/{OWNER}/notes/{note['id']}/amend", {"text": "Pacing 20 min."})
    assert done.status_code == 303 and done.headers["location"] == f"/clinic/{OWNER}?done=amended"
    page = bob.get(done.headers["location"]).text
    assert "Amendment saved" in page and "Pacing 20 min." in page
    assert "<del>Pacing 30 min.</del>" in page and "amended by drbob on" in page
    # the JSON twin amends the latest version
    (latest,) = bob.get(f"/api/clinic/{OWNER}").json()["notes"]
    answer = post(bob, f"/api/clinic/{OWNER}/notes/{latest['id']}/amend", {"text": "Pacing 15."})
    assert answer.status_code == 200, answer.text
    (now,) = answer.json()["notes"]
    assert now["text"] == "Pacing 15." and now["amended"]
    assert [v["text"] for v in now["superseded"]] == ["Pacing 30 min.", "Pacing 20 min."]
    assert {v["amended_by"] for v in now["superseded"]} == {"drbob"}
    # a stale form (the version amended already) is a conflict, and changes nothing
    stale = post(bob, f"/api/clinic/{OWNER}/notes/{note['id']}/amend", {"text": "Stale."})
    assert stale.status_code == 409 and "amended already" in stale.text
    # the amendments are in the person's log, as writes
    writes = [r for r in audit.who_looked(app.state.db, OWNER) if r.action == "write"]
    assert [r.what for r in writes].count("clinician note amendment") == 2
    # the person reads the notes, read-only, on the sharing page and its JSON
    (mine,) = owner.get("/api/sharing").json()["notes"]
    assert mine["text"] == "Pacing 15." and not mine["can_amend"]
    assert len(mine["superseded"]) == 2
    sharing = owner.get("/sharing").text
    assert "What your clinicians noted" in sharing and "Pacing 15." in sharing
    assert "<del>Pacing 30 min.</del>" in sharing and "/amend" not in sharing
    # the person cannot amend through the clinician's route either
    assert post(owner, f"/clinic/{OWNER}/notes/{now['id']}/amend", {"text": "x"}).status_code == 404
