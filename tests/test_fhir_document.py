"""The FHIR export as a document (issue 14): a Composition with sections and a Patient, the
Patient as ``subject`` of every Observation, MedicationStatement and Condition, every reference
resolved inside the Bundle, every resource valid for fhir.resources (HL7 FHIR R4B models), and
an import of it giving back the same journal: a medicine whose dose changed comes back as one
medicine with its steps (before: one medicine per step, 55 became 57)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from flarewise import open_journal
from flarewise.domain.entries import Assessment, Intake, LabResult, Measurement
from flarewise.journal import Journal

from .samples import ACR2016_MET

TZ = timezone(timedelta(hours=1))
#: LOINC section codes of the International Patient Summary (HL7 IPS, Composition.section)
SECTIONS = {"11450-4", "10160-0", "30954-2", "8716-3", "47420-5", "29762-2"}


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


@pytest.fixture
def exported(journal: Journal, tmp_path: Path) -> tuple[Journal, dict[str, Any], Path]:
    journal.write_demo(days=60)  # duloxetine's dose goes from 30 to 60 mg on day 45
    journal.update_profile(display_name="Ann Example", pregnant=False)
    fiqr = {k: 5 for k in ("brush_hair", "walk_20_minutes", "prevented_goals", "pain", "energy")}
    journal.assess("fiqr", fiqr, at=datetime(2025, 2, 20, 9, tzinfo=TZ))
    journal.assess("acr2016", dict(ACR2016_MET), at=datetime(2025, 2, 21, 9, tzinfo=TZ))
    path = tmp_path / "record.fhir.json"
    journal.export_fhir(path)
    return journal, json.loads(path.read_text("utf-8")), path


def test_the_export_is_a_document_whose_references_all_resolve(
    exported: tuple[Journal, dict[str, Any], Path],
) -> None:
    _, doc, _ = exported
    assert doc["resourceType"] == "Bundle" and doc["type"] == "document"
    assert doc["identifier"]["system"] and doc["identifier"]["value"] and doc["timestamp"]
    resources = [e["resource"] for e in doc["entry"]]
    composition, patient = resources[0], resources[1]
    assert composition["resourceType"] == "Composition"  # bdl-11: the first entry
    assert patient["resourceType"] == "Patient" and patient["name"] == [{"text": "Ann Example"}]
    assert patient["gender"] == "female" and patient["birthDate"] == "1984"
    urls = {e["fullUrl"] for e in doc["entry"]}
    assert len(urls) == len(doc["entry"])
    refs = list(_references(doc))
    assert refs and set(refs) <= urls
    me = f"urn:uuid:{patient['id']}"
    clinical = [
        r
        for r in resources
        if r["resourceType"] in ("Observation", "MedicationStatement", "Condition")
    ]
    assert len(clinical) == len(resources) - 2
    assert all(r["subject"] == {"reference": me} for r in clinical)
    assert composition["subject"] == {"reference": me} and composition["author"] == [
        {"reference": me}
    ]
    # every clinical resource is in exactly one section; sections carry IPS codes
    codes = {s["code"]["coding"][0]["code"] for s in composition["section"]}
    assert codes == SECTIONS
    listed = [e["reference"] for s in composition["section"] for e in s.get("entry", [])]
    assert sorted(listed) == sorted(f"urn:uuid:{r['id']}" for r in clinical)
    by_code = {s["code"]["coding"][0]["code"]: s for s in composition["section"]}
    results = {ref.removeprefix("urn:uuid:") for ref in _references(by_code["30954-2"])}
    labs = {r["id"] for r in clinical if r.get("category", [{}])[0].get("coding", [{}])[0].get(
        "code") == "laboratory"}  # fmt: skip
    assert labs and results == labs
    for s in composition["section"]:  # cmp-1 / cmp-2
        assert ("entry" in s) != ("emptyReason" in s) and s["text"]["div"].startswith("<div")


def test_fhir_resources_validates_the_bundle_and_every_resource(
    exported: tuple[Journal, dict[str, Any], Path],
) -> None:
    models = pytest.importorskip("fhir.resources.R4B")
    from fhir.resources.R4B.bundle import Bundle

    _, doc, _ = exported
    Bundle.model_validate(doc)
    kinds = set()
    for e in doc["entry"]:
        res = e["resource"]
        models.get_fhir_model_class(res["resourceType"]).model_validate(res)
        kinds.add(res["resourceType"])
    assert kinds == {"Composition", "Patient", "Observation", "MedicationStatement", "Condition"}


def _lab(e: LabResult) -> object:
    return (e.at, e.loinc, e.value, e.unit, e.ref_low, e.ref_high, e.flag, e.comment)


def _intake(e: Intake) -> object:
    return (e.at, e.substance, e.form, e.status, e.amount, e.unit, e.basis, e.route)


def test_importing_the_document_gives_back_the_same_journal(
    exported: tuple[Journal, dict[str, Any], Path], tmp_path: Path
) -> None:
    j, _, path = exported
    back = open_journal(f"sqlite:///{tmp_path / 'back.db'}", "back")
    report = back.import_file(path)
    assert report.problems == (), report.problems[:3]

    # medicines: as many as there were, each with its dose steps (a dose change is a step)
    def meds(x: Journal) -> list[str]:
        return sorted(
            repr((r.substance, r.form, r.steps, r.stop, r.as_needed, r.strength, r.basis))
            for r in x.regimens()
        )

    assert len(back.regimens()) == len(j.regimens())
    assert meds(back) == meds(j)
    [dulox] = back.regimens(substance="duloxetine")
    assert [(s.amount, s.unit) for s in dulox.steps] == [(30, "mg"), (60, "mg")]

    # labs, doses, measurements and symptom scores
    def kind(x: Journal, cls: type) -> list[Any]:
        return [e for e in x.entries() if isinstance(e, cls)]

    assert sorted(map(repr, map(_lab, kind(back, LabResult)))) == sorted(
        map(repr, map(_lab, kind(j, LabResult)))
    )
    assert sorted(map(repr, map(_intake, kind(back, Intake)))) == sorted(
        map(repr, map(_intake, kind(j, Intake)))
    )
    assert len(kind(back, Measurement)) == len(kind(j, Measurement))
    start, end = j.date_span()
    assert start is not None and end is not None
    for a, b in zip(j.daily_summaries(start, end), back.daily_summaries(start, end), strict=True):
        for m in (x for x in a.measures if x.startswith("symptom:")):
            assert b.measures[m].mean == pytest.approx(a.measures[m].mean), (a.day, m)

    # assessments come back with their answers and are scored again (same scores)
    def assessed(x: Journal) -> list[object]:
        return sorted(
            repr((a.at, a.instrument, sorted(a.answers.items()), a.scores, a.met))
            for a in kind(x, Assessment)
        )

    assert assessed(back) == assessed(j) and len(assessed(j)) == 3 + 2  # the demo's and ours
    assert [c.condition for c in back.profile().conditions] == [
        c.condition for c in j.profile().conditions
    ]
    assert back.profile().pregnant is False
    # and a second import adds nothing
    assert back.import_file(path).entries_added == 0
    back.close()


#: Fields of an entry that name it or its provenance, not what was recorded: an import gets
#: fresh ids, its own source ("fhir") and a source key (so a second import adds nothing), and
#: an intake's regimen link is an id of the other journal.
_PROVENANCE = {"id", "source", "source_key", "regimen_id"}


def _journal_entries(x: Journal) -> list[str]:
    return sorted(
        json.dumps(e.model_dump(mode="json", exclude=_PROVENANCE), sort_keys=True)
        for e in x.entries()
    )


def _journal_regimens(x: Journal) -> list[str]:
    return sorted(
        json.dumps(r.model_dump(mode="json", exclude={"id", "source", "source_key"}))
        for r in x.regimens()
    )


def test_the_round_trip_keeps_every_entry_whole(
    journal: Journal, tmp_path: Path, db_url: str
) -> None:
    """Issue 14 ("importing that Bundle back gives the same journal"): a demo-like journal with
    every kind of entry (check-ins with body maps, meals, notes, sleep, activity, custom values,
    events, therapy...) exported and imported into an empty journal is the same journal, entry
    by entry, ids aside; on SQLite and PostgreSQL (``journal`` and ``db_url`` are both)."""
    from flarewise.domain.entries import Note, SymptomCheckin

    journal.write_demo(days=60)
    journal.add(Note(at=datetime(2025, 2, 10, 21, tzinfo=TZ), text="Bad night; jaw ache."))
    journal.add(
        SymptomCheckin(
            at=datetime(2025, 2, 11, 8, tzinfo=TZ),
            scores={"pain": 7, "fatigue": 6.5},
            pain_sites=("jaw_left", "neck"),
            comment="after the flight",
        )
    )
    path = tmp_path / "record.fhir.json"
    journal.export_fhir(path)
    doc = json.loads(path.read_text("utf-8"))
    models = pytest.importorskip("fhir.resources.R4B")
    for e in doc["entry"]:
        models.get_fhir_model_class(e["resource"]["resourceType"]).model_validate(e["resource"])

    kinds = {e.kind for e in journal.entries()}
    assert {"checkin", "meal", "note", "sleep", "activity", "custom"} <= kinds
    assert any(isinstance(e, SymptomCheckin) and e.pain_sites for e in journal.entries())

    back = open_journal(db_url, "back")
    try:
        report = back.import_file(path)
        assert report.problems == (), report.problems[:3]
        assert _journal_entries(back) == _journal_entries(journal)
        assert _journal_regimens(back) == _journal_regimens(journal)
        assert back.profile().conditions == journal.profile().conditions
        assert [t.model_dump() for t in back.export_backup().trackables] == [
            t.model_dump() for t in journal.export_backup().trackables
        ]
        assert back.import_file(path).entries_added == 0
    finally:
        back.close()


def test_an_older_export_with_one_observation_per_score_still_imports(
    journal: Journal, tmp_path: Path
) -> None:
    """Exports written before check-ins were kept whole (one Observation per score, pain as
    LOINC 72514-3, other symptoms with flarewise's symptom code) still import."""
    obs = [
        {
            "resourceType": "Observation",
            "id": f"old-{name}",
            "status": "final",
            "code": {"coding": [coding]},
            "effectiveDateTime": "2025-02-01T08:00:00+01:00",
            "valueQuantity": {"value": value, "unit": "{score}"},
        }
        for name, coding, value in (
            ("pain", {"system": "http://loinc.org", "code": "72514-3"}, 6),
            ("fatigue", {"system": "urn:flarewise:symptom", "code": "fatigue"}, 5),
        )
    ]
    path = tmp_path / "old.fhir.json"
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in obs],
    }
    path.write_text(json.dumps(bundle), "utf-8")
    report = journal.import_file(path)
    assert report.problems == () and report.entries_added == 2
    scores = sorted(tuple(e.scores.items()) for e in journal.entries())
    assert scores == [(("fatigue", 5.0),), (("pain", 6.0),)]
