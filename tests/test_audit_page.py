""" "Who looked at my data" folds repeats (review finding 15: a clinician's PDF page polled every
two seconds left a screen of identical rows) and says when in the person's own time (finding
18: it said UTC); the JSON keeps every row. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

from flarewise import Journal
from flarewise.sharing import admin, audit
from tests.webkit import app_on, signed_up

T0 = datetime(2026, 11, 26, 15, 1)  # naive UTC, as the log keeps time


@pytest.fixture
def app(db_url: str) -> Iterator[Any]:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def test_repeats_are_one_line_in_the_persons_time(app: Any) -> None:
    alice = signed_up(app, "alice")
    db = app.state.db
    Journal.for_person(db, "alice", create=False).update_profile(timezone="America/New_York")
    admin.create(db, None, "drbob", "clinician")
    for seconds in (0, 2, 4):  # a page that refreshes itself
        at = T0 + timedelta(seconds=seconds)
        audit.record(db, "alice", "drbob", "read", "visit report PDF", "GET /clinic/alice/x", at)
    audit.record(
        db, "alice", "drbob", "read", "labs", "GET /clinic/alice/labs", T0 + timedelta(minutes=5)
    )
    later = T0 + timedelta(hours=2)
    audit.record(db, "alice", "drbob", "read", "labs", "GET /clinic/alice/labs", later)

    data = alice.get("/api/account/audit").json()
    assert len(data["rows"]) == 5  # every row, as kept
    groups = [(g["what"], g["times"], g["when"]) for g in data["groups"]]
    assert groups == [
        ("labs", 1, "2026-11-26 12:01"),  # New York: UTC-5 in November
        ("labs", 1, "2026-11-26 10:06"),  # two hours apart: not folded
        ("visit report PDF", 3, "2026-11-26 10:01"),  # within the minute
    ]
    page = html.unescape(alice.get("/account/audit").text)
    assert "3 times" in page and "When (your time)" in page and "(UTC)" not in page
