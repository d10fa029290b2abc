"""The JSON API takes JSON bodies on every route (review finding 12): the routes whose fields
are form fields (sharing, clinic notes, overrides, labs...) refused ``{"scope": "read"}`` with
"scope: is required". On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from flarewise.web.json_forms import as_form
from flarewise.web.pages import form_routes
from tests.webkit import app_on, csrf_of, signed_up, staff


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def _json(c: Any, path: str, body: Any) -> Any:
    token = csrf_of(c, "/account")
    return c.post(path, json=body, headers={"X-CSRF-Token": token})


def test_sharing_and_the_clinic_take_json(app: Any) -> None:
    alice = signed_up(app, "alice", demo_days=10)
    made = _json(alice, "/api/sharing/invite", {"scope": "annotate", "until": None})
    assert made.status_code == 200, made.text
    bob, _secret = staff(app, "drbob", "clinician")
    accepted = _json(bob, "/api/clinic/accept", {"code": made.json()["new_invitation"]["code"]})
    assert accepted.status_code == 200, accepted.text
    noted = _json(bob, "/api/clinic/alice/notes", {"text": "Discussed sleep; see in 4 weeks."})
    assert noted.status_code == 200, noted.text
    grant = alice.get("/api/sharing").json()["grants"][0]["id"]
    revoked = _json(alice, "/api/sharing/revoke", {"grant": grant})
    assert revoked.status_code == 200, revoked.text
    assert bob.get("/api/clinic/alice").status_code == 404  # the revoke took effect


def test_a_json_body_the_form_cannot_hold_is_refused_in_words(app: Any) -> None:
    alice = signed_up(app, "alice")
    nested = _json(alice, "/api/sharing/invite", {"scope": {"read": True}})
    assert nested.status_code == 422 and "scope:" in nested.json()["error"]
    listed = _json(alice, "/api/sharing/invite", ["read"])
    assert listed.status_code == 422 and "JSON object" in listed.json()["error"]
    token = csrf_of(alice, "/account")
    broken = alice.post(
        "/api/sharing/invite",
        content=b"{not json",
        headers={"X-CSRF-Token": token, "content-type": "application/json"},
    )
    assert broken.status_code == 422 and "not valid JSON" in broken.json()["error"]
    missing = _json(alice, "/api/sharing/invite", {})
    form = alice.post("/api/sharing/invite", data={}, headers={"X-CSRF-Token": token})
    assert missing.status_code == form.status_code == 422
    assert missing.json()["error"] == form.json()["error"]  # the same sentence either way


def test_json_becomes_the_form_a_browser_sends() -> None:
    assert as_form({"a": "x y", "n": 3, "f": 1.5, "b": True, "no": None, "l": ["p", "q"]}) == (
        b"a=x+y&n=3&f=1.5&b=true&l=p&l=q"
    )
    with pytest.raises(ValueError, match="a: give a text"):
        as_form({"a": [{"x": 1}]})
    paths = {r.path for r in form_routes()}
    assert {"/api/sharing/invite", "/api/clinic/{handle}/notes", "/api/clinic/accept"} <= paths
