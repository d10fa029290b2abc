"""Medicines flarewise does not know are kept, marked and named in the plan, never dropped
(issue 13, FHIR import bullets; clinical-rules.md D.5.0 item 1: no class is ever guessed)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flarewise import InvalidInput, Journal
from flarewise.domain.regimens import UNRECOGNISED, DoseStep, Regimen
from flarewise.plan.safety import check_safety

from .conftest import corpus
from .webkit import app_on, signed_up

KALLIE = "Kallie862_Frami345_9a0d7938-4f49-43f6-8eea-b22e1bbe1b74.json"


def _kallie() -> Path:
    return corpus("fhir", "synthea", KALLIE)


def test_synthea_medicines_flarewise_does_not_know_are_kept_marked(journal: Journal) -> None:
    report = journal.import_file(_kallie())
    unknown = [r for r in journal.regimens() if r.unrecognised is not None]
    names = {r.unrecognised for r in unknown}
    assert any("fluticasone" in n.lower() or "amoxicillin" in n.lower() for n in names if n)
    assert all(r.substance == UNRECOGNISED for r in unknown)
    # the report says so as a note that it was kept, never "dropped" or "not imported"
    notes = [p.reason for p in report.problems if "not recognised" in p.reason]
    assert notes and all("kept" in n for n in notes)
    again = journal.import_file(_kallie())
    assert again.regimens_added == 0


def test_the_plan_names_an_unrecognised_medicine_as_unchecked(journal: Journal) -> None:
    on = date(2026, 11, 1)
    journal.add_regimen(
        Regimen(
            substance=UNRECOGNISED,
            unrecognised="Zorblatin 5 MG Oral Tablet",
            steps=(DoseStep(start=date(2026, 10, 1)),),
        )
    )
    ctx = journal.plan_context(on)
    # never an agent: no class is guessed for it (D.5.0 item 1)
    assert all(a.substance != UNRECOGNISED for a in ctx.current)
    check = check_safety(ctx, [], journal.vocabulary)
    lines = [m for m in check.missing if m.input == "unrecognised"]
    assert [m.message for m in lines] == [
        "Zorblatin 5 MG Oral Tablet is not recognised: its interactions are not checked"
    ]


def test_backup_round_trips_an_unrecognised_medicine(journal: Journal) -> None:
    journal.add_regimen(
        Regimen(
            substance=UNRECOGNISED,
            unrecognised="Zorblatin",
            steps=(DoseStep(start=date(2026, 10, 1), amount=5, unit="mg"),),
        )
    )
    other = Journal.for_person(journal.db, "restored")
    other.restore(journal.export_backup())
    assert [r.unrecognised for r in other.regimens()] == ["Zorblatin"]
    assert other.export_backup().content() == journal.export_backup().content()


def test_the_marker_and_the_placeholder_go_together() -> None:
    step = (DoseStep(start=date(2026, 10, 1)),)
    with pytest.raises(ValueError, match="unrecognised"):
        Regimen(substance=UNRECOGNISED, steps=step)
    with pytest.raises(ValueError, match="unrecognised"):
        Regimen(substance="magnesium", unrecognised="Magnesium", steps=step)


def test_a_form_on_an_unrecognised_medicine_is_refused(journal: Journal) -> None:
    with pytest.raises(InvalidInput):
        journal.add_regimen(
            Regimen(
                substance=UNRECOGNISED,
                unrecognised="Zorblatin",
                form="magnesium_citrate",
                steps=(DoseStep(start=date(2026, 10, 1)),),
            )
        )


def _statement(tmp_path: Path) -> Path:
    """A FHIR MedicationStatement of a medicine the vocabulary does not know, taken since
    October, so it is current in the plan."""
    res = {
        "resourceType": "MedicationStatement",
        "id": "zorb",
        "status": "active",
        "subject": {"reference": "Patient/p"},
        "medicationCodeableConcept": {"text": "Zorblatin 5 MG Oral Tablet"},
        "effectivePeriod": {"start": "2026-10-01"},
    }
    path = tmp_path / "zorblatin.json"
    path.write_text(json.dumps(res), "utf-8")
    return path


def test_cli_lists_plans_and_checks_an_unrecognised_medicine(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("import", str(_statement(tmp_path)))[0] == 0
    code, out, _ = cli("regimen", "list")
    assert code == 0
    assert "Zorblatin 5 MG Oral Tablet (not recognised: interactions not checked)" in out
    line = "Zorblatin 5 MG Oral Tablet is not recognised: its interactions are not checked"
    code, out, _ = cli("plan", "--on", "2026-11-01")
    assert code == 0 and line in out
    code, out, _ = cli("plan", "--on", "2026-11-01", "--json")
    assert code == 0 and line in [m["message"] for m in json.loads(out)["missing"]]
    items = tmp_path / "items.json"
    items.write_text(json.dumps([{"item": "magnesium"}]), "utf-8")
    code, out, _ = cli("plan", "check", str(items), "--json")
    assert code == 0
    unchecked = [m for m in json.loads(out)["missing"] if m["input"] == "unrecognised"]
    assert [m["message"] for m in unchecked] == [line]


def test_web_medicines_timeline_and_plan_show_it_by_name(db_url: str, tmp_path: Path) -> None:
    app = app_on(db_url)
    try:
        c = signed_up(app, "una")
        Journal.for_person(app.state.db, "una", create=False).import_file(_statement(tmp_path))
        page = c.get("/medicines").text
        assert "Zorblatin 5 MG Oral Tablet" in page
        assert "not recognised: interactions not checked" in page
        plan = c.get("/plan").text
        assert "Zorblatin 5 MG Oral Tablet is not recognised: its interactions are not checked" in (
            plan
        )
        assert c.get("/timeline").status_code == 200
        assert c.get("/").status_code in (200, 303)
    finally:
        app.state.db.close()


def test_fhir_export_and_import_keep_it_unrecognised(journal: Journal, tmp_path: Path) -> None:
    journal.import_file(_statement(tmp_path))
    path = tmp_path / "out.json"
    journal.export_fhir(path)
    other = Journal.for_person(journal.db, "other")
    report = other.import_file(path)
    assert report.regimens_added == 1
    assert [(r.substance, r.unrecognised) for r in other.regimens()] == [
        (UNRECOGNISED, "Zorblatin 5 MG Oral Tablet")
    ]
