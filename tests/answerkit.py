"""A journal with something in every page, and the JSON each /api GET route answers on it: the
material the typed answer models are checked against (tests/test_web_answers.py)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from .webkit import csrf_of, post, signed_up

FIQR = {"pain": 6, "energy": 4, "brush_hair": 3, "prevented_goals": 5, "stiffness": 6}
ACR = {
    "sites": ["left_shoulder", "right_hip", "lower_back"],
    "fatigue": 2,
    "waking_unrefreshed": 2,
    "cognitive_symptoms": 1,
    "headaches": "yes",
    "symptoms_3_months": "yes",
}


#: The journals walked: a month of demo data (labs in the timeline's range) and six months (enough
#: days for flares and triggers in the insights and the report).
JOURNALS = (("alice", 30), ("bob", 180))


def filled_journal(app: Any, handle: str, days: int) -> TestClient:
    """``handle`` with ``days`` of demo data, a check-in with a note, both questionnaires and an
    experiment, so the lists the demo leaves empty have items to check."""
    c = signed_up(app, handle, demo_days=days)
    headers = {"X-CSRF-Token": csrf_of(c, "/account")}
    saved = c.post("/api/today", json={"pain": 4, "note": "a long walk"}, headers=headers)
    assert saved.status_code == 200, saved.text
    for instrument, body in (("fiqr", FIQR), ("acr2016", ACR)):
        r = c.post(f"/api/assessments/{instrument}", json=body, headers=headers)
        assert r.status_code == 201, r.text
    if days > 30:  # in the longer journal only (the other keeps the unset values): a second
        # FIQR, so its report shows a change, and a population answered
        r = c.post("/api/assessments/fiqr", json={**FIQR, "pain": 3}, headers=headers)
        assert r.status_code == 201, r.text
        r = c.post("/api/account/profile", json={"pregnant": "no"}, headers=headers)
        assert r.status_code == 200, r.text
    # one planned experiment and one running
    for intervention in ("magnesium", "omega_3"):
        r = post(c, "/experiments", {"intervention": intervention, "outcome": "pain"})
        assert r.status_code == 303, r.text
    running = r.headers["location"].removesuffix("/review")  # designed, then reviewed
    assert post(c, f"{running}/start", {}).status_code == 303
    return c


def get_answers(c: TestClient) -> list[tuple[str, str, Any]]:
    """(route as the OpenAPI document names it, address asked, JSON answer) for every /api GET
    route that answers JSON, with the variants that change a page's shape."""
    first = c.get("/api/labs").json()["results"][0]["loinc"]
    experiments = [e["id"] for e in c.get("/api/experiments").json()["experiments"]]
    asked = [
        ("/api/account", "/api/account"),
        ("/api/account/sessions", "/api/account/sessions"),
        ("/api/account/two-factor", "/api/account/two-factor"),
        ("/api/assessments", "/api/assessments"),
        ("/api/data", "/api/data"),
        ("/api/experiments", "/api/experiments"),
        ("/api/insights", "/api/insights"),
        ("/api/insights", "/api/insights?all=true"),
        ("/api/labs", "/api/labs"),
        ("/api/labs", f"/api/labs?loinc={first}"),
        ("/api/labs/trend/{loinc}", f"/api/labs/trend/{first}"),
        ("/api/medicines", "/api/medicines"),
        ("/api/plan", "/api/plan"),
        ("/api/report", "/api/report"),
        ("/api/timeline", "/api/timeline"),
        ("/api/today", "/api/today"),
    ]
    asked += [("/api/experiments/{eid}", f"/api/experiments/{eid}") for eid in experiments]
    asked += [
        ("/api/experiments/{eid}/review", f"/api/experiments/{eid}/review") for eid in experiments
    ]
    asked += [("/api/timeline", "/api/timeline?range=all&page=1")]
    job = post(c, "/api/report/pdf", {"paper": "a4"}).json()["id"]
    asked += [("/api/report/pdf/{job_id}", f"/api/report/pdf/{job}")]
    # a visit report for a week before the questionnaires (no FIQR, no criteria)
    early = date.today() - timedelta(days=28)
    week = f"from={early}&to={early + timedelta(days=7)}"
    asked += [("/api/report", f"/api/report?{week}")]
    # each kind of entry the day holds (a check-in, a note...) has its own page shape
    # (today's, and the demo's doses, meals, activities and labs on the days before)
    days = [date.today() - timedelta(days=back) for back in range(4)]
    entries = [e for day in days for e in c.get(f"/api/today?day={day}").json()["entries"]]
    asked += [("/api/entries/{entry_id}", f"/api/entries/{e['id']}") for e in entries]
    asked += [("/api/today", f"/api/today?day={day}") for day in days[1:]]
    out = []
    for route, address in asked:
        r = c.get(address)
        assert r.status_code == 200, (address, r.text)
        out.append((route, address, r.json()))
    return out


def sharing_answers(app: Any, owner: TestClient, handle: str) -> list[tuple[str, str, Any]]:
    """The sharing, clinic and admin routes' answers: ``handle`` shares with a clinician (with a
    note and an override, so every list has an item), who looks at every view; an admin lists
    the accounts."""
    from .webkit import staff

    def signed_in(name: str, role: str) -> TestClient:
        """The temporary password changed, two-step sign-in turned on: as the rule requires."""
        return staff(app, name, role)[0]

    doctor = signed_in(f"dr-{handle}", "clinician")
    code = post(owner, "/api/sharing/invite", {"scope": "annotate"}).json()["new_invitation"]
    assert post(doctor, "/clinic/accept", {"code": code["code"]}).status_code == 303
    assert post(doctor, f"/clinic/{handle}/notes", {"text": "Sleep discussed."}).status_code == 303
    (note,) = doctor.get(f"/api/clinic/{handle}").json()["notes"]
    amended = post(doctor, f"/clinic/{handle}/notes/{note['id']}/amend", {"text": "Sleep: 7 h."})
    assert amended.status_code == 303  # so the notes carry a superseded text
    override = {"rule": "SAF-MG-UL", "item": "magnesium", "note": "monitored"}
    assert post(doctor, f"/clinic/{handle}/overrides", override).status_code == 303
    post(owner, "/api/sharing/invite", {"scope": "report", "until": "2099-01-01"})  # one pending
    pdf = post(doctor, f"/api/clinic/{handle}/report/pdf", {"paper": "a4"}).json()["id"]
    root = signed_in(f"root-{handle}", "admin")
    asked = [
        (owner, "/api/sharing", "/api/sharing"),
        (owner, "/api/account/audit", "/api/account/audit"),
        (doctor, "/api/clinic", "/api/clinic"),
        (doctor, "/api/clinic/{handle}", f"/api/clinic/{handle}"),
        (doctor, "/api/clinic/{handle}/report", f"/api/clinic/{handle}/report"),
        (doctor, "/api/clinic/{handle}/timeline", f"/api/clinic/{handle}/timeline"),
        (doctor, "/api/clinic/{handle}/labs", f"/api/clinic/{handle}/labs"),
        (doctor, "/api/clinic/{handle}/plan", f"/api/clinic/{handle}/plan"),
        (
            doctor,
            "/api/clinic/{handle}/report/pdf/{job_id}",
            f"/api/clinic/{handle}/report/pdf/{pdf}",
        ),
        (root, "/api/admin", "/api/admin"),
        (owner, "/api/account", "/api/account"),  # now with rows in "who looked"
    ]
    out = []
    for c, route, address in asked:
        r = c.get(address)
        assert r.status_code == 200, (address, r.text)
        out.append((route, address, r.json()))
    return out
