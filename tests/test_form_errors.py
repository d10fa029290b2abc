"""A refused form names its fields as the page labels them (issue 15 follow-up): every form on
the pages of a demo journal is read from its HTML, then each field is sent empty, out of range,
as an impossible date and far too long, as a form and, where the form has an /api/ twin, as
JSON. No refusal may show an internal name: a snake_case id, a field id before a colon
("amount:"), a validation library's location ("scores.pain", "items[0]") or its wording
("Input should be")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from lxml import html as lxml_html

from flarewise.journal import Journal

from .test_words import visible_text
from .webkit import app_on, client, csrf_of, signed_up, staff

BAD = {
    "empty": "",
    "out of range": "-5",
    "too large": "99999",
    "impossible date": "2026-02-30",
    "too long": "x" * 3000,
}
INTERNAL = {
    "a snake_case id": re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    "a field path (scores.pain)": re.compile(r"\b[a-z]+\.[a-z_]{2,}\b"),
    "an index in a field path (items[0])": re.compile(r"\w\[\d+\]"),
    "pydantic's wording": re.compile(r"Input should be|Field required|\[type=|errors\.pydantic"),
    "a typed id (t:pacing)": re.compile(r"\b(?:t|dose|dose_status|symptom):[a-z]"),
}
#: Forms not posted here, each with why: they end the session or the account, turn two-step
#: sign-in on or off, or take a file (the import tests send broken files).
NOT_POSTED = (
    "/signout",
    "/account/delete",
    "/account/two-factor/start",
    "/account/two-factor/disable",
    "/account/two-factor/recovery-codes",
    "/revoke",
    "/restore",
    "/import",
)
#: Page fields a form sends that a person never types (the session's proof, a retry key).
MACHINE = ("csrf", "idempotency_key")


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> value the page fills in
    names: list[str] = field(default_factory=list)  # every field a value can be sent for


def forms_on(page: str, text: str) -> list[Form]:
    """The page's POST forms with the values a browser would send untouched."""
    found = []
    for node in lxml_html.fromstring(text).xpath("//form[@method='post']"):
        action = node.get("action") or page
        if any(part in action for part in NOT_POSTED):
            continue
        form = Form(page, action)
        for el in node.xpath(".//input|.//select|.//textarea"):
            name, kind = el.get("name"), (el.get("type") or el.tag).lower()
            if not name or name in MACHINE or kind in ("submit", "button", "file"):
                continue
            if name not in form.names:
                form.names.append(name)
            if kind in ("checkbox", "radio"):
                if el.get("checked") is not None:
                    form.fields[name] = el.get("value") or "on"
            elif el.tag == "select":
                if el.get("multiple") is None:
                    chosen = el.xpath("./option[@selected]/@value") or el.xpath("./option/@value")
                    form.fields[name] = str(chosen[0]) if chosen else ""
            elif el.tag == "textarea":
                form.fields[name] = el.text or ""
            else:
                form.fields[name] = el.get("value") or ""
        found.append(form)
    return found


def alert_text(text: str) -> str:
    """What the refusal says: the error page's or the form's role="alert" paragraph."""
    alerts = lxml_html.fromstring(text).xpath("//*[@role='alert']")
    return " ".join(visible_text(lxml_html.tostring(a, encoding="unicode")) for a in alerts)


def internal_names(message: str, sent: str) -> list[str]:
    found = [f"{why}: {m.group(0)!r}" for why, rx in INTERNAL.items() for m in rx.finditer(message)]
    # the id itself before a colon, where a label would start: "amount: ...", "form: on: ..."
    # ("Stopped on:" and "Lack of energy:" are labels ending in the same word)
    if re.fullmatch(r"[a-z0-9_:|.]+", sent) and re.search(
        rf"(?:^|[;:] |[.(\[]){re.escape(sent)}:", message
    ):
        found.append(f"the field's id before a colon: {sent!r}")
    return found


def api_twin(app: Any, action: str) -> bool:
    return any(
        "POST" in (getattr(r, "methods", None) or ())
        and getattr(r, "path_regex", None) is not None
        and r.path_regex.fullmatch("/api" + action)
        for r in app.routes
    )


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def _pages(c: Any, j: Journal) -> list[str]:
    pages = [
        "/today",
        "/medicines",
        "/labs",
        "/assessments",
        "/plan",
        "/experiments",
        "/insights",
        "/report",
        "/account",
        "/sharing",
    ]
    for href in lxml_html.fromstring(c.get("/experiments").text).xpath("//a/@href"):
        if re.fullmatch(r"/experiments/[0-9a-f]+(/review)?", href) and href not in pages:
            pages.append(href)
    tests = lxml_html.fromstring(c.get("/labs").text).xpath("//select[@name='loinc']/option/@value")
    pages += [f"/labs?loinc={code}" for code in tests if code][:1]  # the result form
    last = j.date_span()[1] or date.today()
    pages += [f"/entries/{e.id}" for e in j.day(last)[:1]]
    return pages


def _refusals(c: Any, app: Any, form: Form, token: str) -> list[tuple[str, str, str, str]]:
    """(field, what was sent, face, message) for every refused variant of the form."""
    out = []
    twin = api_twin(app, form.action)
    for name in form.names:
        for kind, bad in BAD.items():
            data = {**form.fields, name: bad}
            r = c.post(form.action, data={**data, "csrf": token})
            if r.status_code >= 400:
                out.append((name, kind, "page", alert_text(r.text)))
            if twin:
                api = c.post("/api" + form.action, json=data, headers={"x-csrf-token": token})
                if api.status_code >= 400:
                    body = api.json()
                    assert set(body) <= {"error", "field"}, body
                    out.append((name, kind, "json", body["error"]))
    return out


def _crawl(c: Any, app: Any, pages: list[str], seen: set[str]) -> tuple[int, list[str]]:
    """Every form on ``pages`` not posted yet (by its shape): how many refusals were read and
    the internal names found in them."""
    token = csrf_of(c, "/account")
    refused, problems = 0, []
    for page in pages:
        for form in forms_on(page, c.get(page).text):
            shape = re.sub(r"/[0-9a-f]{32}", "/{id}", form.action)
            if shape in seen:
                continue
            seen.add(shape)
            for name, kind, face, message in _refusals(c, app, form, token):
                refused += 1
                assert message, (form.action, name, kind, face)
                problems += [
                    f"{shape} {name} ({kind}, {face}): {p} in {message[:160]!r}"
                    for p in internal_names(message, name)
                ]
    return refused, problems


def test_every_form_names_refused_fields_as_the_page_labels_them(app: Any) -> None:
    c = signed_up(app, "forms", demo_days=200)
    j = Journal.for_person(app.state.db, "forms", create=False)
    posted: set[str] = set()
    refused, problems = _crawl(c, app, _pages(c, j), posted)
    anonymous = client(app)
    for page in ("/signin", "/signup"):
        for form in forms_on(page, anonymous.get(page).text):
            posted.add(form.action)
            for name, kind, face, message in _refusals(
                anonymous, app, form, csrf_of(anonymous, page)
            ):
                refused += 1
                problems += [
                    f"{form.action} {name} ({kind}, {face}): {p} in {message[:160]!r}"
                    for p in internal_names(message, name)
                ]
    assert not problems, "\n".join(problems)
    # the crawl reached the forms people fill in, and they refused bad values
    assert {
        "/today",
        "/medicines",
        "/medicines/{id}/dose",
        "/medicines/{id}/stop",
        "/labs",
        "/assessments/acr2016",
        "/assessments/fiqr",
        "/plan/check",
        "/experiments",
        "/report/questions",
        "/account/profile",
        "/account/reminders/time",
        "/account/password",
        "/sharing/invite",
        "/signin",
        "/signup",
    } <= posted, sorted(posted)
    assert refused > 200


def test_the_clinic_and_admin_forms_name_fields_as_labelled(app: Any) -> None:
    pat = signed_up(app, "pat", demo_days=20)
    made = pat.post(
        "/sharing/invite",
        data={"scope": "annotate", "until": "2099-12-31", "csrf": csrf_of(pat, "/account")},
    )
    code = re.search(r'id="invite-code"[^>]*>([^<]+)<', made.text)
    assert code, made.text[:300]
    doctor, _ = staff(app, "drbob", "clinician")
    accepted = doctor.post(
        "/clinic/accept", data={"code": code.group(1), "csrf": csrf_of(doctor, "/account")}
    )
    assert accepted.status_code == 303, accepted.text[:300]
    root, _ = staff(app, "root", "admin")
    posted: set[str] = set()
    refused, problems = _crawl(doctor, app, ["/clinic", "/clinic/pat"], posted)
    more, found = _crawl(root, app, ["/admin"], posted)
    assert not problems + found, "\n".join(problems + found)
    assert {"/clinic/accept", "/clinic/pat/notes", "/admin/accounts"} <= posted, sorted(posted)
    assert refused and more


def test_the_sentence_uses_the_label_and_the_json_keeps_the_id(app: Any) -> None:
    c = signed_up(app, "labels")
    token = csrf_of(c, "/account")
    page = c.post("/today", data={"sleep_quality": "99", "csrf": token})
    assert page.status_code == 422
    assert alert_text(page.text) == "Sleep quality: must be at most 10"
    api = c.post("/api/today", json={"fibro_fog": "-1"}, headers={"x-csrf-token": token})
    assert api.status_code == 422
    assert api.json() == {"error": "Fibro fog: must be at least 0", "field": "scores.fibro_fog"}
    fiqr = c.post("/assessments/fiqr", data={"sit_45_minutes": "11", "csrf": token})
    assert "Sit in a chair for 45 minutes: choose a whole number from 0 to 10" in alert_text(
        fiqr.text
    )


def test_a_long_value_is_cut_where_it_is_echoed_and_nowhere_else() -> None:
    from flarewise.web.deps import public_message

    said = public_message(f"'{'x' * 3000}' is not a known food; give the dose's unit")
    assert said == f"'{'x' * 40}…' is not a known food; give the dose's unit"
    # short quoted values and apostrophes are kept whole, however far apart
    rule = "'-5' is not a usable name: use letters, digits, '.', '_', '-' or '@' (up to 100)"
    assert public_message(rule) == rule
