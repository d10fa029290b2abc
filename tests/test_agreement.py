"""Experiments you agree to (issue 15 item 7): choosing designs and saves a planned experiment
that asks nothing of anyone; its review says how long, when, what to do and what it can tell;
Confirm starts it; Today then follows its phase (no dose offered on a day without it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from flarewise.domain.entries import Intake
from flarewise.domain.experiments import DoseLevel, Protocol
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.journal import Journal
from flarewise.web.pages.today import today_data

from .conftest import CliCall
from .webkit import app_on, csrf_of, post, signed_up


@pytest.fixture
def app(db_url: str) -> Any:
    return app_on(db_url)


def _magnesium_trial(j: Journal, days_ago: int, status: str = "running") -> Protocol:
    """A before/after magnesium trial that began ``days_ago`` days ago: 14 days without it
    (phase A), then 14 days with it (phase B), the first 3 of which are a washout."""
    p = Protocol(
        title="Magnesium and sleep quality",
        design="ab",
        intervention="magnesium",
        substance="magnesium",
        outcome="sleep_quality",
        lower_is_better=False,
        start=j.today() - timedelta(days=days_ago),
        baseline_days=14,
        period_days=14,
        washout_days=3,
        dose=DoseLevel(amount=300, unit="mg", days=14),
        status=status,  # type: ignore[arg-type]
    )
    return j.add_experiment(p)


def _on_magnesium(j: Journal) -> None:
    """Magnesium taken every day already (a regimen, and yesterday's dose logged), so Today
    would offer it twice over unless the experiment holds it back."""
    j.add_regimen(
        Regimen(
            substance="magnesium",
            steps=(DoseStep(start=j.today() - timedelta(days=60), amount=300, unit="mg"),),
        )
    )
    yesterday = datetime.now(UTC) - timedelta(days=1)
    j.add(Intake(at=yesterday, substance="magnesium", status="taken", amount=300, unit="mg"))


def _offered(j: Journal) -> set[str]:
    return {d.substance for d in j.doses_to_offer(j.today())}


def test_a_planned_experiment_gives_no_instruction(journal: Journal) -> None:
    _on_magnesium(journal)
    p = _magnesium_trial(journal, days_ago=2, status="planned")  # its phase A would be today
    status = journal.experiment_status(p.id)
    assert "Do not take" not in status["today"] and "Not started yet" in status["today"]
    assert journal.experiments_today() == []
    assert "magnesium" in _offered(journal)  # nothing is held back for an unagreed plan
    data = today_data(journal)
    assert data["experiments"] == []


def test_a_running_experiment_before_its_start_day_says_change_nothing(journal: Journal) -> None:
    p = _magnesium_trial(journal, days_ago=-3)
    text = journal.experiment_status(p.id)["today"]
    assert "change nothing" in text and "take" not in text.lower().replace("change nothing", "")


def test_today_on_a_day_without_it_does_not_offer_the_dose(journal: Journal) -> None:
    _on_magnesium(journal)
    _magnesium_trial(journal, days_ago=2)  # day 3 of phase A
    (today,) = journal.experiments_today()
    assert today.hold and "Do not take magnesium" in today.instruction
    assert "magnesium" not in _offered(journal)
    data = today_data(journal, same_as_yesterday=True)
    assert all(d["substance"] != "magnesium" for d in data["offered"])
    assert "without it" in data["experiments"][0]["instruction"]


def test_today_on_a_day_with_it_says_take_it_and_offers_it(journal: Journal) -> None:
    _on_magnesium(journal)
    _magnesium_trial(journal, days_ago=20)  # phase B, past its washout
    (today,) = journal.experiments_today()
    assert not today.hold and "Take magnesium 300 mg" in today.instruction
    assert "magnesium" in _offered(journal)
    assert "with it" in today_data(journal)["experiments"][0]["instruction"]


def test_the_review_holds_length_dates_phases_and_limits(journal: Journal) -> None:
    p = _magnesium_trial(journal, days_ago=-1, status="planned")
    r = journal.experiment_review(p.id)
    assert r.days == 28 and r.start == p.start and r.end == p.start + timedelta(days=27)
    assert [x.days for x in r.phases] == [14, 3, 11]
    assert r.phases[0].what == "Without magnesium: do not take it."
    assert r.phases[2].what == "With magnesium: take it 300 mg."
    assert any("not enough data yet" in line for line in r.will_not_tell)
    assert any("before-and-after" in line for line in r.will_not_tell)
    started = journal.start_experiment(p.id)
    assert started.status == "running" and started.start == p.start


def test_choose_review_confirm_through_the_json_api(app: Any) -> None:
    c = signed_up(app, "alice")
    token = csrf_of(c, "/account")
    r = c.post(
        "/api/experiments",
        data={"intervention": "magnesium", "outcome": "sleep_quality", "csrf": token},
    )
    assert r.status_code == 200, r.text
    review = r.json()
    assert review["can_start"] is True and review["days"] == len(
        [d for ph in review["phases"] for d in range(ph["days"])]
    )
    assert review["daily"] and review["will_tell"] and review["will_not_tell"]
    eid = review["id"]
    assert c.get(f"/api/experiments/{eid}").json()["status"]["status"] == "planned"
    assert c.get("/api/today").json()["experiments"] == []
    later = (datetime.now(UTC).date() + timedelta(days=2)).isoformat()
    r = c.post(
        f"/api/experiments/{eid}/start", json={"start": later}, headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "running" and "change nothing" in r.json()["today"]
    again = c.post(f"/api/experiments/{eid}/start", json={}, headers={"X-CSRF-Token": token})
    assert again.status_code == 422 and "already running" in again.text


def test_the_web_choice_opens_a_review_and_confirm_needs_csrf(app: Any) -> None:
    c = signed_up(app, "alice")
    r = post(c, "/experiments", {"intervention": "magnesium", "outcome": "sleep_quality"})
    assert r.status_code == 303 and r.headers["location"].endswith("/review")
    page = c.get(r.headers["location"]).text
    for words in ("How long", "What to do each day", "What it will not tell you", "Confirm"):
        assert words in page
    eid = r.headers["location"].split("/")[-2]
    assert "Do not take" not in c.get(f"/experiments/{eid}").text
    assert c.post(f"/experiments/{eid}/start", data={}).status_code == 403
    assert post(c, f"/experiments/{eid}/start", {}).status_code == 303
    assert c.get(f"/api/experiments/{eid}").json()["status"]["status"] == "running"


def test_the_cli_prints_the_review_and_starts_only_when_asked(cli: CliCall) -> None:
    assert cli("init")[0] == 0
    code, out, _ = cli(
        "experiment",
        "new",
        "magnesium",
        "--outcome",
        "sleep_quality",
        "--without-baseline",
        "--json",
    )
    assert code == 0, out
    eid = json.loads(out)["protocol"]["id"][:8]
    code, out, _ = cli("experiment", "review", eid)
    for words in ("What to do each day", "The schedule", "What it will not tell you"):
        assert words in out
    assert "Not started yet" in cli("experiment", "status", eid)[1]
    code, _, err = cli("experiment", "resume", eid)
    assert code != 0 and "has not started yet" in err
    code, out, _ = cli("experiment", "start", eid)
    assert code == 0 and "Running from" in out
