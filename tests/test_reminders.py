"""Reminders without nagging (issue 15 item 5): the calendar feed, parsed back with the
icalendar library, holds the check-in (daily, with an alarm), the doses at their times (not on
an experiment's days without them) and the experiment's phase starts; its secret address is
shown once, works without a session, and once revoked answers exactly as a missing page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from flarewise.domain.experiments import DoseLevel, Protocol
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.errors import InvalidInput
from flarewise.journal import Journal

from .conftest import CliCall
from .webkit import app_on, client, csrf_of, post, signed_up


def _events(data: bytes) -> list[Any]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


def _by_summary(events: list[Any], text: str) -> list[Any]:
    return [e for e in events if text in str(e.get("summary"))]


def _fill(j: Journal) -> Protocol:
    """Duloxetine twice a day, magnesium once, and a magnesium trial on phase A since 2 days."""
    start = j.today() - timedelta(days=40)
    j.add_regimen(
        Regimen(
            substance="duloxetine",
            steps=(DoseStep(start=start, amount=30, unit="mg", times_per_day=2),),
        )
    )
    j.add_regimen(
        Regimen(substance="magnesium", steps=(DoseStep(start=start, amount=300, unit="mg"),))
    )
    j.add_regimen(
        Regimen(
            substance="ibuprofen",
            as_needed=True,
            steps=(DoseStep(start=start, amount=200, unit="mg"),),
        )
    )
    trial = Protocol(
        title="Magnesium and sleep quality",
        design="ab",
        intervention="magnesium",
        substance="magnesium",
        outcome="sleep_quality",
        lower_is_better=False,
        start=j.today() - timedelta(days=2),
        baseline_days=14,
        period_days=14,
        washout_days=3,
        dose=DoseLevel(amount=300, unit="mg", days=14),
        status="running",
    )
    return j.add_experiment(trial)


def test_the_feed_holds_checkin_doses_and_phase_starts(journal: Journal) -> None:
    trial = _fill(journal)
    journal.set_checkin_time("21:30")
    journal.create_reminder_feed()
    events = _events(journal.reminder_feed())

    (checkin,) = _by_summary(events, "Check in")
    assert checkin.decoded("dtstart").time() == time(21, 30)
    assert checkin.get("rrule")["FREQ"] == ["DAILY"]
    (alarm,) = checkin.walk("VALARM")
    assert str(alarm.get("action")) == "DISPLAY"

    duloxetine = _by_summary(events, "Take Duloxetine 30 mg")
    assert sorted(e.decoded("dtstart").time() for e in duloxetine) == [time(8), time(20)]
    assert all(e.get("rrule")["FREQ"] == ["DAILY"] and e.walk("VALARM") for e in duloxetine)
    assert not _by_summary(events, "Ibuprofen")  # as needed: nothing to remind

    (magnesium,) = _by_summary(events, "Take Magnesium")
    skipped = {d.dt.date() for x in [magnesium.get("exdate")] for d in x.dts}
    phase_a = {trial.start + timedelta(days=k) for k in range(14)}
    assert skipped == phase_a  # no reminder to take it on the days the trial leaves it out

    phases = sorted(
        (e.decoded("dtstart"), str(e.get("summary")))
        for e in events
        if "Magnesium and" in str(e.get("summary"))
    )
    review = journal.experiment_review(trial.id)
    assert [d for d, _ in phases] == [x.start for x in review.phases]
    assert "do not take it" in phases[0][1] and "take it 300 mg" in phases[-1][1]
    assert all(isinstance(d, date) and not isinstance(d, datetime) for d, _ in phases)


def test_uids_are_stable_across_fetches_and_new_addresses(journal: Journal) -> None:
    _fill(journal)
    journal.create_reminder_feed()
    first = sorted(str(e.get("uid")) for e in _events(journal.reminder_feed()))
    journal.create_reminder_feed()
    again = sorted(str(e.get("uid")) for e in _events(journal.reminder_feed()))
    assert first == again and len(set(first)) == len(first)


def test_a_planned_experiment_is_not_in_the_calendar(journal: Journal) -> None:
    trial = _fill(journal)
    journal.add_experiment(trial.replace(status="planned"))
    events = _events(journal.reminder_feed())
    assert not [e for e in events if "Magnesium and" in str(e.get("summary"))]
    (magnesium,) = _by_summary(events, "Take Magnesium")
    assert magnesium.get("exdate") is None


def test_a_bad_checkin_time_is_refused_in_words(journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="like 20:00"):
        journal.set_checkin_time("25:00")
    assert journal.set_checkin_time("7:05").checkin_time == "07:05"


def test_backup_keeps_the_time_never_the_address(journal: Journal, tmp_path: Path) -> None:
    journal.set_checkin_time("19:15")
    token = journal.create_reminder_feed()
    path = tmp_path / "backup.json"
    journal.export_json(path)
    text = path.read_text()
    assert '"checkin_time":"19:15"' in text.replace(" ", "") and token not in text
    journal.set_checkin_time("06:00")
    journal.restore_json(path, replace=True)
    assert journal.reminder_settings().checkin_time == "19:15"


@pytest.fixture
def app(db_url: str) -> Any:
    return app_on(db_url)


def _make(c: Any) -> str:
    token = csrf_of(c, "/account")
    r = c.post("/api/account/reminders/feed", headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    url: str = r.json()["feed_url"]
    return url.removeprefix("https://testserver")


def test_the_address_works_without_a_session_and_revoked_is_missing(app: Any) -> None:
    c = signed_up(app, "alice")
    path = _make(c)
    assert c.get("/api/account").json()["reminders"] == {
        "checkin_time": "20:00",
        "feed": True,
        "feed_created": c.get("/api/account").json()["reminders"]["feed_created"],
        "feed_url": None,  # shown once, never again
    }
    stranger = client(app)  # no cookie: a phone's calendar
    r = stranger.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/calendar")
    assert _by_summary(_events(r.content), "Check in")
    assert post(c, "/account/reminders/revoke", {}).status_code == 303
    revoked = stranger.get(path)
    unknown = stranger.get("/calendar/" + "x" * 43 + ".ics")
    missing = stranger.get("/no-such-page")
    assert revoked.status_code == unknown.status_code == missing.status_code == 404
    assert revoked.text == unknown.text == missing.text
    assert revoked.headers["content-type"] == missing.headers["content-type"]


def test_a_new_address_ends_the_old_and_people_never_see_each_other(app: Any) -> None:
    alice = signed_up(app, "alice")
    bob = signed_up(app, "bob")
    token = csrf_of(alice, "/account")
    r = alice.post(
        "/api/medicines",
        json={"substance": "duloxetine", "amount": 30, "unit": "mg", "start": "2026-01-01"},
        headers={"X-CSRF-Token": token},
    )
    old = _make(alice)
    new = _make(alice)
    bobs = _make(bob)
    stranger = client(app)
    assert stranger.get(old).status_code == 404
    assert r.status_code == 201, r.text
    assert "Duloxetine" in stranger.get(new).text
    assert "Duloxetine" not in stranger.get(bobs).text
    assert "Duloxetine" not in bob.get(bobs).text  # bob's own session changes nothing


def test_the_checkin_time_through_the_json_api(app: Any) -> None:
    c = signed_up(app, "alice")
    token = csrf_of(c, "/account")
    headers = {"X-CSRF-Token": token}
    r = c.post("/api/account/reminders/time", json={"checkin_time": "08:45"}, headers=headers)
    assert r.status_code == 200 and r.json()["checkin_time"] == "08:45"
    bad = c.post("/api/account/reminders/time", json={"checkin_time": "noon"}, headers=headers)
    assert bad.status_code == 422 and "like 20:00" in bad.text


def test_today_nudges_once_without_counting(app: Any) -> None:
    c = signed_up(app, "alice")
    page = c.get("/today").text
    assert page.count("You have not checked in today") == 1
    assert "streak" not in page.lower() and "missed" not in page.lower()
    r = post(c, "/today", {"pain": "4"})
    assert r.status_code == 303, r.text
    assert c.get("/api/today").json()["nudge"] is None


def test_deleting_the_account_removes_the_feed(app: Any) -> None:
    c = signed_up(app, "alice")
    path = _make(c)
    r = post(
        c,
        "/account/delete",
        {"password": "correct horse battery", "confirm": "delete everything"},
    )
    assert r.status_code == 303, r.text
    assert client(app).get(path).status_code == 404


def test_the_cli_makes_shows_and_revokes_the_address(cli: CliCall) -> None:
    assert cli("init")[0] == 0
    code, out, _ = cli("reminders", "feed", "--base-url", "https://journal.example")
    assert code == 0 and "https://journal.example/calendar/" in out
    code, out, _ = cli("reminders", "show")
    assert "Calendar address made on" in out and "/calendar/" not in out
    assert cli("reminders", "time", "21:00")[0] == 0
    assert cli("reminders", "revoke")[0] == 0
    assert "No calendar address" in cli("reminders", "show")[1]


def test_times_carry_the_journals_time_zone(journal: Journal) -> None:
    journal.update_profile(timezone="Europe/Berlin")
    cal = Calendar.from_ical(journal.reminder_feed())
    assert [tz.get("tzid") for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (checkin,) = _by_summary(list(cal.walk("VEVENT")), "Check in")
    start = checkin.decoded("dtstart")
    assert start.time() == time(20) and str(start.tzinfo) == "Europe/Berlin"
