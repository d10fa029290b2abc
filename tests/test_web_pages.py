"""Small page fixes from issue 15: the error page's way back is a plain link (the CSP blocks
``javascript:``), and /api/docs is served by the app itself (no CDN) with the OpenAPI JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .webkit import app_on, client, signed_up


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def test_the_error_page_goes_back_with_a_plain_link(app: Any) -> None:
    c = signed_up(app, "eve")
    r = c.get("/entries/nothing-here", headers={"referer": "https://testserver/timeline"})
    assert r.status_code == 404
    assert "javascript:" not in r.text
    assert '<a href="https://testserver/timeline">Go back</a>' in r.text
    # a page on another site is never a way back: Today instead
    r = c.get("/entries/nothing-here", headers={"referer": "https://elsewhere.example/x"})
    assert '<a href="/today">Go back</a>' in r.text


def test_api_docs_are_self_hosted_and_link_the_openapi_json(app: Any) -> None:
    c = client(app)
    r = c.get("/api/docs")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert 'href="/api/openapi.json"' in r.text
    assert not re.search(r'(src|href)="https?://', r.text.split("<footer")[0])
    assert "/api/today" in r.text and "Save a check-in" in r.text
    assert c.get("/api/openapi.json").json()["paths"]["/api/today"]


def test_medicines_show_doses_taken_and_skipped_week_by_week(app: Any) -> None:
    from datetime import datetime, time, timedelta

    from flarewise.domain.entries import Intake
    from flarewise.journal import Journal

    c = signed_up(app, "ada")
    j = Journal.for_person(app.state.db, "ada", create=False)
    today = j.today()
    monday = today - timedelta(days=today.weekday())
    noon = time(12, 0, tzinfo=j.timezone())
    this_week = datetime.combine(monday, noon)
    last_week = datetime.combine(monday - timedelta(days=3), noon)
    for at, status in [(this_week, "taken"), (last_week, "taken"), (last_week, "skipped")]:
        amount = None if status == "skipped" else 300.0
        unit = None if status == "skipped" else "mg"
        j.add(Intake(at=at, substance="magnesium", status=status, amount=amount, unit=unit))
    data = c.get("/api/medicines").json()["adherence"]
    assert data["weeks"][0] == monday.isoformat() and len(data["weeks"]) == 8
    (row,) = data["rows"]
    assert row["weeks"][:3] == [
        {"taken": 1, "skipped": 0},
        {"taken": 1, "skipped": 1},
        {"taken": 0, "skipped": 0},
    ]
    page = c.get("/medicines").text
    assert "1 taken, 1 skipped" in page and "missed" not in page.lower()
