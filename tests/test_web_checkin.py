"""The one-minute check-in (issue 15): one-tap scales that say which end is good, "same as
yesterday", and the person's own trackables in the form, through HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from flarewise.domain.entries import CustomValue, Intake, SymptomCheckin
from flarewise.domain.trackables import Trackable
from flarewise.journal import Journal

from .webkit import app_on, post, signed_up


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def _checked(page: str, name: str) -> list[str]:
    """The values of the radio buttons named ``name`` that the page starts checked."""
    return re.findall(rf'name="{re.escape(name)}" value="([^"]+)" id="[^"]+" checked', page)


def test_every_scale_is_eleven_taps_and_says_which_end_is_good(app: Any) -> None:
    c = signed_up(app, "ada")
    page = c.get("/today").text
    for scale in ("pain", "fatigue", "sleep_quality", "fibro_fog", "mood", "stress"):
        assert len(re.findall(rf'type="radio" name="{scale}" value="\d+"', page)) == 11, scale
    assert '<input type="number"' not in page.split('id="checkin"')[1].split("</fieldset>")[0]
    scales = {s["id"]: s for s in c.get("/api/today").json()["scales"]}
    # the vocabulary's higher_is_worse decides the words and the colour class, one convention
    assert scales["pain"]["good"] == "Lower is better"
    assert scales["pain"]["direction"] == "down-good"
    assert scales["sleep_quality"]["good"] == "Higher is better"
    assert scales["mood"]["direction"] == "up-good"
    assert 'class="seg up-good"' in page and 'class="seg down-good"' in page
    assert "higher is better" in page and "lower is better" in page


def test_same_as_yesterday_fills_in_scores_sites_and_doses(app: Any) -> None:
    c = signed_up(app, "bea")
    j = Journal.for_person(app.state.db, "bea", create=False)
    yesterday = datetime.now(j.timezone()) - timedelta(days=1)
    j.add(SymptomCheckin(at=yesterday, scores={"pain": 6, "mood": 4}, pain_sites=("neck",)))
    j.add(Intake(at=yesterday, substance="magnesium", amount=300, unit="mg"))
    page = c.get("/today").text
    assert 'href="/today?same=yesterday"' in page and _checked(page, "pain") == []
    page = c.get("/today?same=yesterday").text
    assert _checked(page, "pain") == ["6"] and _checked(page, "mood") == ["4"]
    assert _checked(page, "fatigue") == []
    assert re.search(r'value="neck" id="site-neck" checked', page)
    assert re.search(r'name="dose" value="magnesium\|\|300\.0\|mg" id="dose-1" checked', page)
    # saving the filled-in form unchanged records today's copy
    offered = c.get("/api/today?same=yesterday").json()["offered"]
    key = offered[0]["key"]
    r = post(c, "/today", {"pain": "6", "mood": "4", "sites": ["neck"], "dose": [key]})
    assert r.status_code == 303, r.text
    today = j.day(datetime.now(j.timezone()).date())
    checkin = next(e for e in today if isinstance(e, SymptomCheckin))
    assert checkin.scores == {"pain": 6.0, "mood": 4.0} and checkin.pain_sites == ("neck",)
    assert [e.substance for e in today if isinstance(e, Intake)] == ["magnesium"]


def test_custom_trackables_are_in_the_check_in_and_checked_against_their_bounds(
    app: Any,
) -> None:
    c = signed_up(app, "cy")
    j = Journal.for_person(app.state.db, "cy", create=False)
    j.define_trackable(Trackable(id="joint_swelling", name="Joint swelling", higher_is_worse=True))
    j.define_trackable(Trackable(id="nap", name="Napped", value_type="yes_no"))
    j.define_trackable(Trackable(id="water", name="Water", value_type="number", unit="L"))
    page = c.get("/today").text
    assert len(re.findall(r'type="radio" name="t:joint_swelling"', page)) == 11
    assert len(re.findall(r'type="radio" name="t:nap"', page)) == 2
    assert 'name="t:water"' in page and "Water (L)" in page
    r = post(c, "/today", {"t:joint_swelling": "3", "t:nap": "1", "t:water": "1,5"})
    assert r.status_code == 303, r.text
    values = {
        e.trackable: e.value
        for e in j.day(datetime.now(j.timezone()).date())
        if isinstance(e, CustomValue)
    }
    assert values == {"joint_swelling": 3.0, "nap": 1.0, "water": 1.5}
    r = post(c, "/today", {"t:joint_swelling": "11"})
    assert r.status_code == 422 and "at most 10" in r.text


def test_a_check_in_sent_twice_with_its_key_is_stored_once(app: Any) -> None:
    c = signed_up(app, "dot")
    j = Journal.for_person(app.state.db, "dot", create=False)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', c.get("/today").text)
    assert key, "the check-in form carries a fresh idempotency key"
    form = {"pain": "5", "sites": ["neck"], "note": "sent twice", "idempotency_key": key.group(1)}
    first = post(c, "/today", form)
    assert first.status_code == 303 and first.headers["location"] == "/today?saved=checkin.note"
    again = post(c, "/today", form)
    assert again.headers["location"] == "/today?saved=already"
    today = j.day(datetime.now(j.timezone()).date())
    assert sorted(e.kind for e in today) == ["checkin", "note"]
    assert post(c, "/today", {**form, "idempotency_key": "no spaces!"}).status_code == 422


def test_what_was_saved_is_said_in_words_not_entry_counts(app: Any) -> None:
    c = signed_up(app, "eve")
    r = post(c, "/today", {"pain": "4", "note": "ok", "minutes": "20", "activity": "walking"})
    assert r.headers["location"] == "/today?saved=checkin.activity.note"
    page = c.get(r.headers["location"]).text
    assert "Check-in saved, with an activity and a note." in page
    assert "entries." not in page
    # a hand-edited address echoes nothing back
    assert "<script>" not in c.get("/today?saved=<script>").text
    assert c.get("/api/today?saved=checkin.intake.intake").json()["saved_message"] == (
        "Check-in saved, with 2 doses."
    )
