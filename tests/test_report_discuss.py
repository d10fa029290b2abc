"""Issue 14, "the plan options the person wants to discuss, with grades and sources": the person
marks options to discuss at the next visit (library, CLI, web) and the report lists exactly
those, with grade and sources; an option a contraindication now blocks is shown as not offered
(SAF-LDN-OPIOID, clinical-rules.md D.5.3: naltrexone with an opioid), never as an offer."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from flarewise.domain.entries import SymptomCheckin
from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.reports import render
from flarewise.reports.model import NO_OPTIONS_MARKED

from .conftest import CliCall
from .test_report import flat, pdftotext
from .webkit import app_on, post, signed_up

TZ = timezone(timedelta(hours=1))
DAY = date(2025, 3, 10)


def _diary(j: Journal) -> None:
    for n in range(5):
        at = datetime.combine(DAY - timedelta(days=n), datetime.min.time(), TZ)
        j.add(SymptomCheckin(at=at, scores={"pain": 6, "fatigue": 7}))


def test_the_report_lists_exactly_the_marked_options(journal: Journal) -> None:
    _diary(journal)
    report = journal.visit_report(DAY - timedelta(days=30), DAY)
    assert report.plan == ()  # nothing marked: said, never a silent top six
    assert report.to_json()["plan_note"] == NO_OPTIONS_MARKED
    assert NO_OPTIONS_MARKED in render.html(report)

    offered = [o.intervention for o in journal.plan(DAY).options]
    assert "low_dose_naltrexone" in offered
    other = next(i for i in offered if i != "low_dose_naltrexone")
    assert journal.mark_to_discuss("low_dose_naltrexone") == ("low_dose_naltrexone",)
    assert journal.mark_to_discuss(other) == ("low_dose_naltrexone", other)
    assert journal.mark_to_discuss(other) == ("low_dose_naltrexone", other)  # no duplicate
    rows = journal.visit_report(DAY - timedelta(days=30), DAY).plan
    assert [r.name for r in rows] == [
        journal.vocabulary.interventions[i].name for i in ("low_dose_naltrexone", other)
    ]
    ldn = journal.vocabulary.interventions["low_dose_naltrexone"]
    assert rows[0].status == "offered" and rows[0].grade == ldn.grade
    assert rows[0].sources == tuple(c.label for c in ldn.citations)

    # an opioid is started: SAF-LDN-OPIOID blocks naltrexone, and the report says so
    journal.add_regimen(
        Regimen(substance="tramadol", steps=[DoseStep(start=DAY, amount=50, unit="mg")])
    )
    rows = journal.visit_report(DAY - timedelta(days=30), DAY).plan
    assert rows[0].status == "not offered"
    assert rows[0].reason is not None and "SAF-LDN-OPIOID" in rows[0].reason
    assert rows[0].dose is None and rows[0].grade == ldn.grade
    page = render.html(journal.visit_report(DAY - timedelta(days=30), DAY))
    assert "NOT OFFERED" in page and "SAF-LDN-OPIOID" in page

    assert journal.mark_to_discuss(other, discuss=False) == ("low_dose_naltrexone",)
    assert journal.export_backup().profile.to_discuss == ("low_dose_naltrexone",)
    with pytest.raises(InvalidInput) as info:
        journal.mark_to_discuss("unicorn_dust")
    assert info.value.field == "option" and "flarewise plan" in info.value.reason
    assert journal.options_to_discuss() == ("low_dose_naltrexone",)


def test_the_pdf_carries_the_marked_option_and_its_standing(
    journal: Journal, tmp_path: Path
) -> None:
    _diary(journal)
    journal.mark_to_discuss("low_dose_naltrexone")
    journal.add_regimen(
        Regimen(substance="tramadol", steps=[DoseStep(start=DAY, amount=50, unit="mg")])
    )
    out = tmp_path / "visit.pdf"
    out.write_bytes(render.pdf(journal.visit_report(DAY - timedelta(days=30), DAY)))
    text = flat(pdftotext(out))
    name = journal.vocabulary.interventions["low_dose_naltrexone"].name
    assert name in text and "NOT OFFERED" in text and "SAF-LDN-OPIOID" in text


def test_cli_marks_and_unmarks(cli: CliCall) -> None:
    assert cli("init")[0] == 0
    code, out, _ = cli("plan")
    assert code == 0 and "Nothing marked to discuss yet" in out
    code, out, _ = cli("plan", "discuss", "low_dose_naltrexone")
    assert code == 0 and "added to your next visit's list" in out
    code, out, _ = cli("plan")
    assert "[to discuss at my next visit]" in out and "To discuss at your next visit:" in out
    code, out, _ = cli("plan", "--json")
    assert json.loads(out)["to_discuss"] == ["low_dose_naltrexone"]
    code, out, _ = cli("plan", "discuss", "low_dose_naltrexone", "--remove", "--json")
    assert code == 0 and json.loads(out) == {"to_discuss": []}
    code, _, err = cli("plan", "discuss", "unicorn_dust")
    assert code == 1 and "is not a plan option" in err


@pytest.fixture
def app(db_url: str) -> Any:
    a = app_on(db_url)
    yield a
    a.state.db.close()


def test_web_toggle_needs_csrf_and_shows_state(app: Any) -> None:
    c = signed_up(app, "alice")
    page = c.get("/plan").text
    assert 'action="/plan/discuss"' in page and "Discuss at my next visit" in page
    no_token = c.post("/plan/discuss", data={"intervention": "low_dose_naltrexone"})
    assert no_token.status_code in (400, 403)
    assert c.get("/api/plan").json()["to_discuss"] == []
    r = post(c, "/plan/discuss", {"intervention": "low_dose_naltrexone"})
    assert r.status_code == 303 and r.headers["location"] == "/plan"
    assert c.get("/api/plan").json()["to_discuss"] == ["low_dose_naltrexone"]
    assert "To discuss at my next visit (remove)" in c.get("/plan").text
    r = post(c, "/api/plan/discuss", {"intervention": "low_dose_naltrexone", "remove": "true"})
    assert r.status_code == 200 and r.json() == {"to_discuss": []}
    bad = post(c, "/plan/discuss", {"intervention": "unicorn_dust"})
    assert bad.status_code == 422 and "is not a plan option" in bad.text
