"""Pregnancy, planning a pregnancy and breastfeeding (clinical-rules.md D.5.5) and a product's
strength per unit (D.5.6) survive every way out and back in: the JSON backup and restore, and the
FHIR export read by flarewise's own FHIR importer."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flarewise import Journal, open_journal
from flarewise.domain.regimens import DoseStep, Regimen, UnitStrength
from flarewise.exporters import fhir_bundle

answers = st.sampled_from([True, False, None])
product_strengths = st.sampled_from(
    [
        ("magnesium", "capsule", 120.0, "mg"),
        ("vitamin_d", "drop", 1000.0, "IU"),
        ("magnesium", "serving", 200.0, "mg"),
        ("vitamin_d", "tablet", 25.0, "mcg"),
    ]
)


def _regimen(choice: tuple[str, str, float, str], count: float) -> Regimen:
    substance, per, amount, unit = choice
    return Regimen(
        substance=substance,
        strength=UnitStrength(amount=amount, unit=unit, per=per),
        steps=[DoseStep(start=date(2025, 3, 1), amount=count, unit=per)],
    )


def test_backup_restore_keeps_populations_and_strength(journal: Journal, tmp_path: Path) -> None:
    journal.update_profile(sex="female", pregnant=False, planning_pregnancy=True)
    journal.add_regimen(_regimen(("magnesium", "capsule", 120.0, "mg"), 2))
    path = tmp_path / "backup.json"
    journal.export_json(path)
    saved = json.loads(path.read_text())
    assert saved["profile"]["pregnant"] is False and saved["profile"]["breastfeeding"] is None
    other = Journal.for_person(journal.db, "restored")
    other.restore_json(path)
    p = other.profile()
    assert (p.pregnant, p.planning_pregnancy, p.breastfeeding) == (False, True, None)
    (r,) = other.regimens()
    assert r.strength == UnitStrength(amount=120, unit="mg", per="capsule")
    assert other.export_backup().content() == journal.export_backup().content()


@settings(
    max_examples=25,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(
    pregnant=answers,
    planning=answers,
    breastfeeding=answers,
    meds=st.lists(st.tuples(product_strengths, st.sampled_from([0.5, 1.0, 2.0, 3.0])), max_size=3),
)
def test_fhir_round_trip_of_populations_and_strength(
    tmp_path_factory: pytest.TempPathFactory,
    pregnant: bool | None,
    planning: bool | None,
    breastfeeding: bool | None,
    meds: list[tuple[tuple[str, str, float, str], float]],
) -> None:
    folder = tmp_path_factory.mktemp("fhir")
    regimens = [_regimen(choice, count) for choice, count in meds]
    populations = {
        "pregnant": pregnant,
        "planning_pregnancy": planning,
        "breastfeeding": breastfeeding,
    }
    doc = fhir_bundle([], regimens, populations=populations, timestamp="2026-01-01T00:00:00+00:00")
    path = folder / "bundle.json"
    path.write_text(json.dumps(doc))
    j = open_journal(f"sqlite:///{folder / 'j.db'}")
    report = j.import_file(path)
    assert report.problems == (), report.problems
    p = j.profile()
    assert (p.pregnant, p.planning_pregnancy, p.breastfeeding) == (
        pregnant,
        planning,
        breastfeeding,
    )
    got = sorted(repr((r.substance, r.strength, r.steps)) for r in j.regimens())
    assert got == sorted(repr((r.substance, r.strength, r.steps)) for r in regimens)


def test_population_observations_use_the_standard_codes() -> None:
    # brief: pregnancy status LOINC 82810-3 with SNOMED 77386006 / 60001007
    doc = fhir_bundle([], populations={"pregnant": True, "breastfeeding": False})
    obs = {e["resource"]["code"]["coding"][0]["code"]: e["resource"] for e in doc["entry"]}
    assert obs["82810-3"]["valueCodeableConcept"]["coding"][0]["code"] == "77386006"
    assert obs["63895-7"]["valueCodeableConcept"]["coding"][0]["code"] == "LA29253-4"
    not_pregnant = fhir_bundle([], populations={"pregnant": False})["entry"][0]["resource"]
    assert not_pregnant["valueCodeableConcept"]["coding"][0]["code"] == "60001007"
    assert fhir_bundle([], populations={"pregnant": None})["entry"] == []


def test_the_export_is_valid_fhir(journal: Journal, tmp_path: Path) -> None:
    resources = pytest.importorskip("fhir.resources.R4B.bundle")
    journal.update_profile(pregnant=True, planning_pregnancy=False, breastfeeding=False)
    journal.add_regimen(_regimen(("vitamin_d", "drop", 1000.0, "IU"), 2))
    path = tmp_path / "bundle.fhir.json"
    journal.export_fhir(path)
    bundle = resources.Bundle.model_validate(json.loads(path.read_text()))
    codes = {
        e.resource.code.coding[0].code
        for e in bundle.entry
        if e.resource.get_resource_type() == "Observation"
    }
    assert {"82810-3", "63895-7", "planning_pregnancy"} <= codes


def test_an_import_never_overrides_what_the_person_recorded(tmp_path: Path) -> None:
    doc = fhir_bundle([], populations={"pregnant": True, "breastfeeding": True})
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(doc))
    j = open_journal(f"sqlite:///{tmp_path / 'j.db'}")
    j.update_profile(pregnant=False)
    j.import_file(path)
    assert (j.profile().pregnant, j.profile().breastfeeding) == (False, True)


def test_a_referenced_medications_ingredient_strength_is_read(tmp_path: Path) -> None:
    # FHIR R4 Medication.ingredient.strength: a Ratio per product unit
    doc = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Medication",
                    "id": "mg-caps",
                    "code": {"text": "Magnesium glycinate"},
                    "ingredient": [
                        {
                            "itemCodeableConcept": {"text": "Magnesium"},
                            "strength": {
                                "numerator": {"value": 120, "unit": "mg"},
                                "denominator": {"value": 1, "unit": "capsule"},
                            },
                        }
                    ],
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "id": "s1",
                    "status": "active",
                    "medicationReference": {"reference": "Medication/mg-caps"},
                    "effectivePeriod": {"start": "2025-05-01"},
                    "dosage": [
                        {"doseAndRate": [{"doseQuantity": {"value": 2, "unit": "capsule"}}]}
                    ],
                }
            },
        ],
    }
    path = tmp_path / "med.json"
    path.write_text(json.dumps(doc))
    j = open_journal(f"sqlite:///{tmp_path / 'j.db'}")
    j.import_file(path)
    (r,) = j.regimens()
    assert r.strength == UnitStrength(amount=120, unit="mg", per="capsule")


def test_values_stored_before_the_new_rules_still_open_and_export(
    journal: Journal, tmp_path: Path
) -> None:
    # A journal written by an older flarewise may hold a regimen from 0001-01-01 or a lab value
    # below 0; reading it back must not lock the person out of their data (PRODUCT.md 4).
    from datetime import UTC, datetime

    from flarewise.domain.entries import LabResult

    old_regimen = Regimen.model_construct(
        **{
            **_regimen(("magnesium", "capsule", 120.0, "mg"), 1).__dict__,
            "steps": (DoseStep.model_construct(start=date(1, 1, 1), amount=1.0, unit="capsule"),),
        }
    )
    old_lab = LabResult.model_construct(
        **{
            **LabResult(
                at=datetime(2025, 1, 1, tzinfo=UTC), loinc="62292-8", value=5, unit="ng/mL"
            ).__dict__,
            "value": -5.0,
        }
    )
    with journal.db.begin() as conn:
        journal._repo.put_regimen(conn, old_regimen)
        journal._repo.insert_entries(conn, [(old_lab, [])])
    assert journal.regimens()[0].start == date(1, 1, 1)
    assert [e.value for e in journal.lab_results()] == [-5.0]
    assert journal.export_json(tmp_path / "backup.json") == 1
