"""The web app through HTTP (in-process): accounts, every page as HTML and as JSON, the check-in,
labs, assessments, plan, experiments, import and export, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import SHARED
from .webkit import PASSWORD, app_on, client, csrf_of, post, signed_up

PAGES = [
    "/today",
    "/medicines",
    "/timeline",
    "/labs",
    "/assessments",
    "/plan",
    "/experiments",
    "/insights",
    "/report",
    "/data",
    "/account",
]


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def test_sign_up_sign_out_sign_in(app: Any) -> None:
    c = signed_up(app, "alice")
    assert c.get("/today").status_code == 200
    session = c.cookies.get("fw_session")
    assert session
    header = [h for h in c.get("/today").headers.get_list("set-cookie")]
    r = post(c, "/signout")
    assert r.status_code == 303 and c.get("/today").status_code == 303
    c2 = client(app)
    token = csrf_of(c2)
    bad = c2.post("/signin", data={"handle": "alice", "password": "wrong password!", "csrf": token})
    assert bad.status_code == 401 and "do not match" in bad.text
    good = c2.post("/signin", data={"handle": "alice", "password": PASSWORD, "csrf": token})
    assert good.status_code == 303
    cookie = good.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=lax" in cookie
    assert header == [] or all("fw_session" not in h for h in header)


def test_every_page_answers_as_html_and_json(app: Any) -> None:
    c = signed_up(app, "alice", demo_days=120)
    for page in PAGES:
        html = c.get(page)
        assert html.status_code == 200, (page, html.text[:500])
        assert "text/html" in html.headers["content-type"]
        assert "Content-Security-Policy" in html.headers
        data = c.get("/api" + page)
        assert data.status_code == 200, (page, data.text[:500])
        assert isinstance(data.json(), dict)
    timeline = c.get("/api/timeline?range=90").json()
    assert timeline["symptoms"] and timeline["medicines"] and timeline["spec"]["vconcat"]
    schema = c.get("/api/openapi.json").json()
    documented = set(schema["paths"])
    assert {"/api" + p for p in PAGES} <= documented


def test_a_check_in_with_the_body_map_and_doses(app: Any) -> None:
    c = signed_up(app, "alice")
    form = {
        "pain": "6",
        "fatigue": "7",
        "sites": ["neck", "lower_back", "upper_leg_left"],
        "foods": ["coffee"],
        "activity": "walking",
        "minutes": "20",
        "note": "=cmd|' /C calc'!A0",
    }
    r = post(c, "/today", form)
    assert r.status_code == 303, r.text
    today = c.get("/api/today").json()
    kinds = sorted(e["kind"] for e in today["entries"])
    assert kinds == ["activity", "checkin", "meal", "note"]
    checkin = next(e for e in today["entries"] if e["kind"] == "checkin")
    page = c.get("/today").text
    assert "pain 6" in page and "neck" in page.lower()
    entry = c.get(f"/api/entries/{checkin['id']}").json()["entry"]
    assert entry["pain_sites"] == ["upper_leg_left", "neck", "lower_back"]
    # edit, then delete
    r = post(c, f"/entries/{checkin['id']}", {"pain": "3", "sites": ["neck"], "at": ""})
    assert r.status_code == 303
    assert c.get(f"/api/entries/{checkin['id']}").json()["entry"]["scores"] == {"pain": 3.0}
    assert post(c, f"/entries/{checkin['id']}/delete").status_code == 303
    assert c.get(f"/api/entries/{checkin['id']}").status_code == 404


def test_yesterdays_doses_are_offered_and_dose_unknown_is_kept(app: Any) -> None:
    from datetime import datetime, timedelta

    from flarewise import Intake
    from flarewise.journal import Journal

    c = signed_up(app, "alice")
    j = Journal.for_person(app.state.db, "alice", create=False)
    yesterday = datetime.now(j.timezone()) - timedelta(days=1)
    j.add(Intake(at=yesterday, substance="magnesium", amount=300, unit="mg"))
    offered = c.get("/api/today").json()["offered"]
    assert [o["dose"] for o in offered] == ["300 mg"]
    key = offered[0]["key"]
    post(c, "/today", {"dose": [key], f"dose_status:{key}": "unknown"})
    today = [
        e
        for e in j.entries()
        if isinstance(e, Intake) and e.at.date() == datetime.now(j.timezone()).date()
    ]
    assert [(e.status, e.amount) for e in today] == [("taken_dose_unknown", None)]


def test_a_lab_result_with_a_red_flag(app: Any) -> None:
    c = signed_up(app, "alice")
    page = c.get("/labs?loinc=1988-5").text  # CRP: only its valid units offered
    assert '<option value="mg/L">mg/L</option>' in page and 'value="ng/mL"' not in page
    bad = post(c, "/labs", {"loinc": "1988-5", "value": "5", "unit": "ng/mL", "day": "2026-01-02"})
    assert bad.status_code == 422 and "not a unit" in bad.text
    ok = post(
        c,
        "/labs",
        {"loinc": "1988-5", "value": "65", "unit": "mg/L", "day": "2026-01-02", "ref_high": "5"},
    )
    assert ok.status_code == 303
    data = c.get("/api/labs").json()
    assert data["results"][0]["flag"] == "high"
    assert any(f["rule"] == "RF-CRP" for f in data["red_flags"])
    assert "clinician" in c.get("/labs").text
    assert c.get("/api/labs/trend/1988-5").json()["rows"]


def test_assessments_and_their_history(app: Any) -> None:
    c = signed_up(app, "alice")
    acr = {
        "sites": [
            "neck",
            "upper_back",
            "lower_back",
            "hip_left",
            "hip_right",
            "upper_arm_left",
            "upper_arm_right",
            "lower_leg_left",
        ],
        "fatigue": "3",
        "waking_unrefreshed": "2",
        "cognitive_symptoms": "2",
        "headaches": "yes",
        "symptoms_3_months": "yes",
    }
    assert post(c, "/assessments/acr2016", acr).status_code == 303
    fiqr = {k: "5" for k in ("brush_hair", "walk_20_minutes", "prevented_goals", "pain", "energy")}
    assert post(c, "/assessments/fiqr", fiqr).status_code == 303
    post(c, "/assessments/fiqr", {**fiqr, "pain": "3"})
    history = c.get("/api/assessments").json()["history"]
    assert [h["instrument"] for h in history] == ["fiqr", "fiqr", "acr2016"]
    assert history[2]["met"] is True and "diagnosis needs a clinician" in history[2]["label"]
    assert history[0]["change"] is not None and history[0]["change"] < 0


def test_the_plan_with_a_warning(app: Any) -> None:
    from datetime import date

    from flarewise import DoseStep, Regimen
    from flarewise.journal import Journal

    c = signed_up(app, "alice")
    j = Journal.for_person(app.state.db, "alice", create=False)
    j.add_regimen(
        Regimen(
            substance="duloxetine", steps=[DoseStep(start=date(2025, 1, 1), amount=60, unit="mg")]
        )
    )
    page = c.get("/plan")
    assert page.status_code == 200 and "Evidence" in page.text
    r = post(c, "/plan/check", {"item": ["tramadol"]})
    assert r.status_code == 200 and "serotonin" in r.text.lower()
    assert "Not checked fully: no eGFR on record" not in r.text  # tramadol needs no eGFR
    r = post(c, "/plan/check", {"item": ["pregabalin"]})
    assert "Not checked fully: no eGFR on record" in r.text  # SAF-RENAL-DOSE could apply
    # an MAOI recorded: amitriptyline is not offered (clinical-rules.md D.5.3 SAF-MAOI-SERO)
    j.add_regimen(
        Regimen(
            substance="phenelzine", steps=[DoseStep(start=date(2025, 2, 1), amount=45, unit="mg")]
        )
    )
    page = c.get("/plan")
    assert "Not offered for you" in page.text and 'id="no-amitriptyline"' in page.text
    data = c.get("/api/plan").json()
    assert {"amitriptyline": "SAF-MAOI-SERO"}.items() <= {
        n["intervention"]: n["rule"] for n in data["plan"]["not_offered"]
    }.items()
    assert "SAF-MAOI-SERO" in {w["rule"] for w in data["plan"]["current_warnings"]}


def test_start_an_experiment_from_a_template(app: Any) -> None:
    c = signed_up(app, "alice", demo_days=90)
    r = post(c, "/experiments", {"intervention": "magnesium", "outcome": "sleep_quality"})
    assert r.status_code == 303, r.text
    eid = r.headers["location"].split("/")[-2]  # /experiments/<id>/review: nothing started
    assert c.get(f"/api/experiments/{eid}").json()["status"]["status"] == "planned"
    assert post(c, f"/experiments/{eid}/start", {}).status_code == 303
    data = c.get(f"/api/experiments/{eid}").json()
    assert data["status"]["status"] == "running" and "Today" in c.get(f"/experiments/{eid}").text
    assert data["result"]["enough_data"] is False
    assert "Not enough data" in data["result"]["message"]


def test_import_a_corpus_file_and_export_restore(app: Any, tmp_path: Path) -> None:
    fhir = SHARED / "corpora/fhir/hl7-spec-examples/observation-example-f001-glucose.json"
    if not fhir.exists():
        pytest.skip(f"shared corpora not found at {fhir}")
    c = signed_up(app, "alice")
    token = csrf_of(c, "/data")
    with fhir.open("rb") as fh:
        r = c.post(
            "/import", data={"csrf": token}, files={"file": (fhir.name, fh, "application/json")}
        )
    assert r.status_code == 303, r.text
    job = r.headers["location"].rsplit("/", 1)[-1]
    import time

    for _ in range(100):
        state = c.get(f"/api/import/{job}").json()
        if state["status"] != "running":
            break
        time.sleep(0.05)
    assert state["status"] == "done" and state["report"]["entries_added"] == 1
    # the answer is what the OpenAPI document says it is, field by field
    from flarewise.web.schemas import ImportJob

    assert ImportJob.model_validate(state).model_dump(mode="json") == state
    paths = c.get("/api/openapi.json").json()["paths"]
    documented = paths["/api/import/{job_id}"]["get"]["responses"]["200"]["content"]
    assert documented["application/json"]["schema"]["$ref"].endswith("/ImportJob")
    with fhir.open("rb") as fh:
        started = c.post(
            "/api/import",
            data={"csrf": csrf_of(c, "/data"), "dry_run": "yes"},
            files={"file": (fhir.name, fh, "application/json")},
        )
    assert started.status_code == 200 and set(started.json()) == {"job"}
    for _ in range(100):
        dry = c.get(f"/api/import/{started.json()['job']}").json()
        if dry["status"] != "running":
            break
        time.sleep(0.05)
    assert dry["report"]["dry_run"] is True and dry["report"]["entries_added"] == 0
    backup = c.get("/export/json")
    assert backup.status_code == 200 and "attachment" in backup.headers["content-disposition"]
    csv_text = c.get("/export/csv").text
    assert csv_text.startswith("id,kind,date")
    bundle = c.get("/export/fhir").json()
    assert bundle["resourceType"] == "Bundle"
    other = signed_up(app, "bob")
    token = csrf_of(other, "/data")
    r = other.post("/restore", data={"csrf": token}, files={"file": ("b.json", backup.content)})
    assert r.status_code == 303 and other.get("/api/labs").json()["results"]


def test_the_import_page_lists_what_was_not_read(app: Any, tmp_path: Path) -> None:
    """Kinds flarewise does not import are shown on the job page, apart from problems."""
    import time

    stamp = 'startDate="2024-03-01 10:00:00 +0000" endDate="2024-03-01 10:00:00 +0000"'
    xml = (
        "<HealthData>"
        f'<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" '
        f'{stamp} value="900"/>'
        f'<Record type="HKQuantityTypeIdentifierFlightsClimbed" sourceName="Phone" unit="count" '
        f'{stamp} value="3"/>'
        "</HealthData>"
    )
    c = signed_up(app, "alice")
    r = c.post(
        "/import",
        data={"csrf": csrf_of(c, "/data")},
        files={"file": ("export.xml", xml.encode(), "text/xml")},
    )
    job = r.headers["location"].rsplit("/", 1)[-1]
    for _ in range(100):
        state = c.get(f"/api/import/{job}").json()
        if state["status"] != "running":
            break
        time.sleep(0.05)
    assert state["report"]["not_read"] == [{"kind": "Apple Health FlightsClimbed", "records": 1}]
    page = c.get(f"/import/{job}").text
    assert "Kinds of record flarewise does not read" in page
    assert "Apple Health FlightsClimbed: 1" in page and "records not imported" not in page


def test_change_password_and_delete_account(app: Any) -> None:
    c = signed_up(app, "alice", demo_days=30)
    other = client(app)
    token = csrf_of(other)
    other.post("/signin", data={"handle": "alice", "password": PASSWORD, "csrf": token})
    assert other.get("/today").status_code == 200
    r = post(
        c, "/account/password", {"current_password": PASSWORD, "new_password": "a brand new secret"}
    )
    assert r.status_code == 303
    assert other.get("/today").status_code == 303  # other sessions ended
    refused = post(c, "/account/delete", {"password": "a brand new secret", "confirm": "no"})
    assert refused.status_code == 422
    assert (
        post(
            c, "/account/delete", {"password": "a brand new secret", "confirm": "delete everything"}
        ).status_code
        == 303
    )
    assert app.state.db.person_id("alice") is None


def test_the_readme_run_command_serves_the_demo(tmp_path: Path) -> None:
    """`./run demo` is `flarewise serve --demo`: it prints the URL and the demo sign-in, and the
    demo journal is there behind it."""
    import re
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**__import__("os").environ, "FLAREWISE_HOME": str(tmp_path)}
    env.pop("FLAREWISE_DATABASE_URL", None)
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "flarewise"), "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Demo sign-in" in x for x in lines):
            lines.append(proc.stdout.readline())
        text = "".join(lines)
        assert f"http://127.0.0.1:{port}/" in text and "demo" in text, text
        password = re.search(r"password (\S+)", text)
        assert password
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", follow_redirects=False) as c:
            for _ in range(50):
                try:
                    page = c.get("/signin")
                    break
                except httpx.ConnectError:
                    time.sleep(0.1)
            token = re.search(r'name="csrf" value="([^"]*)"', page.text)
            assert token and "Demo: sign in as" in page.text
            # the cookies are Secure; a browser sends them to 127.0.0.1, httpx needs telling
            c.headers["cookie"] = f"fw_csrf={page.cookies['fw_csrf']}"
            r = c.post(
                "/signin",
                data={"handle": "demo", "password": password.group(1), "csrf": token.group(1)},
            )
            assert r.status_code == 303
            session = r.cookies.get("fw_session")
            assert session
            c.headers["cookie"] = f"fw_session={session}"
            data = c.get("/api/timeline?range=90").json()
            assert len(data["symptoms"]) > 100
        # the demo (and its published password) lives in its own database, not the journal
        assert (tmp_path / "demo.db").exists() and not (tmp_path / "journal.db").exists()
    finally:
        proc.terminate()
        proc.wait(10)


def test_an_experiment_from_an_insight_and_from_the_plan(app: Any) -> None:
    c = signed_up(app, "alice", demo_days=365)
    data = c.get("/api/insights").json()
    triggers = data["triggers"]
    testable = [t for t in triggers if t["testable"]]
    assert testable, triggers
    for t in triggers:  # issue 12: every effect in words with its unit; no bare q = 0.000
        assert t["effect_text"] and t["unit"] and t["unit"] in t["sentence"]
        assert "0.000" not in t["q_text"] and ":" not in t["exposure_name"]
        assert not (t["possible_consequence"] and t["testable"])
    listed = len(triggers) + len(data["explained"]) + len(data["unconfirmed"])
    assert (data["cut"] != "") == (data["hits_total"] > listed)
    t = testable[0]
    r = post(
        c,
        "/experiments/from-insight",
        {"exposure": t["exposure"], "outcome": t["outcome"], "lag": str(t["lag"])},
    )
    assert r.status_code == 303, r.text
    eid = r.headers["location"].split("/")[-2]
    assert "Insight" in (c.get(f"/api/experiments/{eid}").json()["protocol"]["why"] or "")
    r = post(c, "/experiments/from-plan", {"intervention": "magnesium"})
    assert r.status_code == 303, r.text
    # the two made here, beside the demo's own finished and running ones
    assert len(c.get("/api/experiments").json()["experiments"]) == 2 + 2


def test_templates_follow_the_plans_gate_for_vitamin_d(app: Any) -> None:
    """ "Does vitamin D change my fatigue?" is offered only with a documented low latest level
    and never as a new start for someone already taking it (V-findings item 19)."""

    def template(c: Any) -> tuple[list[str], dict[str, dict[str, str]]]:
        data = c.get("/api/experiments").json()
        shown = {t["intervention"]: t for t in data["templates_not_offered"]}
        return [t["intervention"] for t in data["templates"]], shown

    c = signed_up(app, "alice")
    offered, shown = template(c)
    assert "vitamin_d" not in offered and "magnesium" in offered
    assert "blood test" in shown["vitamin_d"]["reason"]
    page = c.get("/experiments").text
    assert "Not offered as something new to start" in page and "a blood test" in page
    lab = {"loinc": "62292-8", "unit": "ng/mL"}
    assert post(c, "/labs", {**lab, "value": "34", "day": "2026-01-02"}).status_code == 303
    offered, shown = template(c)
    assert "vitamin_d" not in offered
    assert "34 ng/mL" in shown["vitamin_d"]["reason"] and "not low" in shown["vitamin_d"]["reason"]
    assert post(c, "/labs", {**lab, "value": "14", "day": "2026-02-02"}).status_code == 303
    offered, shown = template(c)
    assert "vitamin_d" in offered and "vitamin_d" not in shown
    # the plan agrees: offered with the low level as its first reason
    plan = c.get("/api/plan").json()["plan"]
    (vitd,) = [o for o in plan["options"] if o["intervention"] == "vitamin_d"]
    assert "14 ng/mL" in vitd["rationale"][0]
    med = {"substance": "vitamin D", "amount": "1000", "unit": "IU", "start": "2026-02-10"}
    assert post(c, "/medicines", med).status_code == 303
    offered, shown = template(c)
    assert "vitamin_d" not in offered and shown["vitamin_d"]["status"] == "already taking"
    assert shown["vitamin_d"]["reason"].startswith("You already take it")
    assert "vitamin_d" not in [
        o["intervention"] for o in c.get("/api/plan").json()["plan"]["options"]
    ]


def test_medicines_their_doses_and_the_plan(app: Any) -> None:
    c = signed_up(app, "alice")
    r = post(
        c,
        "/medicines",
        {"substance": "Duloxetine", "amount": "30", "unit": "mg", "start": "2026-01-01"},
    )
    assert r.status_code == 303, r.text
    (med,) = c.get("/api/medicines").json()["medicines"]
    assert med["dose"] == "30 mg" and med["active"]
    post(c, f"/medicines/{med['id']}/dose", {"amount": "60", "unit": "mg", "start": "2026-02-01"})
    (med,) = c.get("/api/medicines").json()["medicines"]
    assert [h["dose"] for h in med["history"]] == ["30 mg", "60 mg"]
    assert [o["dose"] for o in c.get("/api/today").json()["offered"]] == ["60 mg"]
    checked = post(c, "/plan/check", {"item": ["tramadol"]})
    assert "serotonin" in checked.text.lower()  # the recorded duloxetine is taken into account
    bad = post(c, "/medicines", {"substance": "unicorn dust", "start": "2026-01-01"})
    assert bad.status_code == 422 and "unicorn dust" in bad.text
    post(c, f"/medicines/{med['id']}/stop", {"on": "2026-03-01"})
    assert c.get("/api/medicines").json()["medicines"][0]["active"] is False
    post(c, f"/medicines/{med['id']}/delete")
    assert c.get("/api/medicines").json()["medicines"] == []


def test_an_experiment_result_page_says_what_its_numbers_say(app: Any) -> None:
    """Issue 12 part 3: the verdict follows the interval, probabilities as analysis-methods 4.2
    words them, the randomisation test in words (never a bare p), the open-label note."""
    from datetime import UTC, date, datetime, time, timedelta

    import numpy as np

    from flarewise import SymptomCheckin
    from flarewise.domain.experiments import DoseLevel, Protocol
    from flarewise.experiments import planned_schedule
    from flarewise.journal import Journal

    c = signed_up(app, "bea")
    j = Journal.for_person(app.state.db, "bea", create=False)
    p = Protocol(
        title="magnesium and pain",
        design="randomised_blocks",
        intervention="magnesium",
        substance="magnesium",
        outcome="pain",
        start=date.today() - timedelta(days=200),
        order=("AB", "BA", "BA", "AB", "AB", "BA"),
        dose=DoseLevel(amount=200, unit="mg", days=14),
        status="finished",
    )
    j.add_experiment(p)
    rng = np.random.default_rng(0)
    j.add_many(
        SymptomCheckin(
            at=datetime.combine(d.day, time(20), tzinfo=UTC),
            scores={
                "pain": float(np.clip(round(5 - 1.5 * (d.dose is not None) + rng.normal()), 0, 10))
            },
        )
        for d in planned_schedule(p)
        if rng.random() > 0.2
    )
    data = c.get(f"/api/experiments/{p.id}").json()["result"]
    assert data["verdict"] == "helped" and data["adequacy"]["enough"] is True
    page = c.get(f"/experiments/{p.id}").text
    assert "Magnesium improved your pain" in page and "probability of any improvement" in page
    assert "Randomisation check" in page and "p = " not in page
    assert "Open-label trial" in page and "Each period" in page
