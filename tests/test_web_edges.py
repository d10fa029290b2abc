"""The web app's edges (in-process HTTP against the real app, SQLite and PostgreSQL): doses,
dates, statuses and questionnaire answers that must come back as a sentence (422 with the page,
or a JSON error under /api), never a 500; pregnancy and breastfeeding in the profile; a
product's strength per unit on the medicines page and in the JSON API."""

from __future__ import annotations

import html
from typing import Any

import pytest

from flarewise.journal import Journal

from .webkit import app_on, csrf_of, post, signed_up


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def _text(r: Any) -> str:
    """The page as a person reads it (entities such as &#39; decoded)."""
    return html.unescape(r.text)


def _json(c: Any, path: str, body: Any) -> Any:
    return c.post(path, json=body, headers={"X-CSRF-Token": csrf_of(c, "/account")})


def test_today_refuses_a_dose_that_is_not_a_number_and_an_unknown_status(app: Any) -> None:
    c = signed_up(app, "alice")
    j = Journal.for_person(app.state.db, "alice", create=False)
    for key in (
        "magnesium||abc|mg",
        "magnesium||nan|mg",
        "magnesium||-5|mg",
        "magnesium||1e999|mg",
    ):
        r = post(c, "/today", {"dose": [key]})
        assert r.status_code == 422, (key, r.text[:300])
        assert "dose" in _text(r)
    r = post(c, "/today", {"dose": ["magnesium||200|mg"], "dose_status:magnesium||200|mg": "maybe"})
    assert r.status_code == 422 and "is not a choice" in _text(r)
    api = post(c, "/api/today", {"dose": ["magnesium||abc|mg"]})
    assert api.status_code == 422 and "dose" in api.json()["error"]
    assert j.entries() == []
    ok = post(
        c, "/today", {"dose": ["magnesium||200|mg"], "dose_status:magnesium||200|mg": "taken"}
    )
    assert ok.status_code == 303 and [e.amount for e in j.entries()] == [200]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("fatigue", "abc", "Fatigue: 'abc' is not a number"),
        ("fatigue", "1.5", "Fatigue: choose a whole number from 0 to 3"),
        ("fatigue", "7", "Fatigue: choose a whole number from 0 to 3"),
        ("fatigue", "nan", "Fatigue: 'nan' is not a number"),
    ],
)
def test_acr2016_form_gives_the_page_back_with_the_message(
    app: Any, field: str, value: str, says: str
) -> None:
    # clinical-rules.md A.3: each SSS item is 0-3
    c = signed_up(app, "alice")
    form = {"fatigue": "2", "waking_unrefreshed": "1", "cognitive_symptoms": "1"}
    r = post(c, "/assessments/acr2016", {**form, field: value, "symptoms_3_months": "yes"})
    assert r.status_code == 422
    assert says in _text(r) and 'role="alert"' in _text(r)
    assert 'action="/assessments/acr2016"' in _text(r)  # the form itself, not an error page
    assert 'value="1" required checked' in _text(r)  # the other answers were kept
    assert c.get("/api/assessments").json()["history"] == []


@pytest.mark.parametrize("value", ["nan", "1e999", "-1", "11", "2.5", "inf"])
def test_fiqr_form_and_api_refuse_bad_answers(app: Any, value: str) -> None:
    # clinical-rules.md B.1: FIQR items are whole numbers 0-10
    c = signed_up(app, "alice")
    r = post(c, "/assessments/fiqr", {"pain": value, "brush_hair": "3", "prevented_goals": "4"})
    assert r.status_code == 422 and "Pain:" in _text(r) and 'action="/assessments/fiqr"' in _text(r)
    assert 'aria-invalid="true"' in _text(r)
    api = _json(c, "/api/assessments/fiqr", {"pain": value, "brush_hair": 3})
    assert api.status_code == 422 and api.json()["error"].startswith("Pain:")
    assert api.json()["field"] == "pain"  # the id stays, for scripts
    assert c.get("/api/assessments").json()["history"] == []


def test_assessment_api_scores_a_json_body(app: Any) -> None:
    c = signed_up(app, "alice")
    # B.2: function 9 items x 5 / 3 = 15; overall 2 x 5 = 10; symptoms 10 x 5 / 2 = 25 -> 50
    body = {k: 5 for k in ("pain", "energy", "brush_hair", "prevented_goals")}
    r = _json(c, "/api/assessments/fiqr", body)
    assert r.status_code == 201, _text(r)
    assert r.json()["result"]["scores"]["total"] == pytest.approx(50.0)
    assert _json(c, "/api/assessments/fiqr", [1, 2]).status_code == 422


def test_labs_refuse_negative_and_non_finite_values(app: Any) -> None:
    c = signed_up(app, "alice")
    for value in ("-5", "nan", "inf", "1e999"):
        r = post(
            c, "/labs", {"loinc": "1988-5", "value": value, "unit": "mg/L", "day": "2026-01-02"}
        )
        assert r.status_code == 422, (value, r.text[:300])
        assert "value" in _text(r)
    assert c.get("/api/labs").json()["results"] == []


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"amount": "abc"}, "Dose: 'abc' is not a number"),
        ({"amount": "nan"}, "Dose: 'nan' is not a number"),
        ({"amount": "0"}, "Dose: a dose must be more than 0"),
        ({"amount": "-3"}, "Dose: a dose must be more than 0"),
        ({"start": "9999-12-31"}, "Since: 9999-12-31 is more than a year ahead"),
        ({"start": "0001-01-01"}, "0001-01-01 is before 1900"),  # the page says it in words
        ({"times_per_day": "inf"}, "Times a day: 'inf' is not a number"),
        ({"strength": "120 mg"}, "What one tablet, capsule, drop or scoop holds: a strength is"),
    ],
)
def test_medicines_form_and_api_refuse_bad_doses_and_dates(
    app: Any, fields: dict[str, str], says: str
) -> None:
    c = signed_up(app, "alice")
    base = {"substance": "magnesium", "amount": "200", "unit": "mg", "start": "2026-01-01"}
    r = post(c, "/medicines", {**base, **fields})
    assert r.status_code == 422 and says in _text(r), r.text[:400]
    api = _json(c, "/api/medicines", {**base, **fields})
    assert api.status_code == 422 and says in api.json()["error"]
    assert c.get("/api/medicines").json()["medicines"] == []


def test_a_product_strength_on_the_medicines_page_and_api(app: Any) -> None:
    # clinical-rules.md D.5.6: a dose in capsules is convertible only with a per-unit strength
    c = signed_up(app, "alice")
    page = c.get("/medicines").text
    assert 'name="strength"' in page and "capsule" in page
    r = post(
        c,
        "/medicines",
        {
            "substance": "magnesium glycinate",
            "amount": "2",
            "unit": "capsule",
            "strength": "120 mg",
            "start": "2026-01-01",
        },
    )
    assert r.status_code == 303, r.text[:400]
    (med,) = c.get("/api/medicines").json()["medicines"]
    assert med["strength"] == {
        "amount": 120.0,
        "unit": "mg",
        "per": "capsule",
        "text": "120 mg per capsule",
    }
    assert "120 mg per capsule" in c.get("/medicines").text
    api = _json(
        c,
        "/api/medicines",
        {
            "substance": "vitamin d",
            "amount": 1,
            "unit": "drop",
            "strength": "1000 IU",
            "start": "2026-01-01",
        },
    )
    assert api.status_code == 201, api.text
    assert api.json()["saved"]["strength"] == {"amount": 1000.0, "unit": "IU", "per": "drop"}


def test_pregnancy_and_breastfeeding_on_the_account_page(app: Any) -> None:
    # clinical-rules.md D.5.5 populations; asked once: the prompt goes once something is recorded
    c = signed_up(app, "alice")
    page = c.get("/account").text
    assert "Are you pregnant?" in page and "unsafe in pregnancy" in page
    assert "Not recorded yet" in page
    assert "Record it in your profile" in c.get("/medicines").text
    assert c.get("/api/account").json()["ask_populations"] is True
    r = post(
        c,
        "/account/profile",
        {"pregnant": "no", "planning_pregnancy": "yes", "breastfeeding": "unknown"},
    )
    assert r.status_code == 303
    data = c.get("/api/account").json()
    assert (data["profile"]["pregnant"], data["profile"]["planning_pregnancy"]) == (False, True)
    assert data["profile"]["breastfeeding"] is None and data["ask_populations"] is False
    assert "Not recorded yet" not in c.get("/account").text
    assert "Record it in your profile" not in c.get("/medicines").text
    bad = post(c, "/account/profile", {"pregnant": "maybe"})
    assert bad.status_code == 422 and "Are you pregnant? Answer yes, no or unknown" in _text(bad)
    api = _json(c, "/api/account/profile", {"breastfeeding": True})
    assert api.status_code == 200 and api.json()["breastfeeding"] is True
    assert _json(c, "/api/account/profile", {"breastfeeding": 3}).status_code == 422


def test_a_dose_change_refuses_bad_doses_on_the_form_and_the_api(app: Any) -> None:
    c = signed_up(app, "alice")
    post(
        c,
        "/medicines",
        {"substance": "duloxetine", "amount": "30", "unit": "mg", "start": "2026-01-01"},
    )
    (med,) = c.get("/api/medicines").json()["medicines"]
    path = f"/medicines/{med['id']}/dose"
    for amount in ("nan", "-30", "abc", "0"):
        r = post(c, path, {"amount": amount, "unit": "mg", "start": "2026-02-01"})
        assert r.status_code == 422 and "New dose:" in _text(r), amount
        api = _json(c, "/api" + path, {"amount": amount, "unit": "mg", "start": "2026-02-01"})
        assert api.status_code == 422 and api.json()["error"].startswith("New dose:")
        assert api.json()["field"] == "amount"
    far = _json(c, "/api" + path, {"amount": 60, "unit": "mg", "start": "9999-12-31"})
    assert far.status_code == 422 and "From:" in far.json()["error"]
    ok = _json(c, "/api" + path, {"amount": 60, "unit": "mg", "start": "2026-02-01"})
    assert ok.status_code == 200 and [s["amount"] for s in ok.json()["saved"]["steps"]] == [30, 60]
