"""FHIR R4 import against the real HL7 examples and Synthea bundles in ../shared/corpora
(see its PROVENANCE.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from flarewise import FlarewiseError, Journal, LabResult
from flarewise.importers import detect

from .conftest import corpus


def fhir_corpus() -> Path:
    """The FHIR corpus (skips, or fails under CI, when it is missing)."""
    return corpus("fhir")


def test_every_fhir_corpus_file_imports(journal: Journal) -> None:
    files = sorted(fhir_corpus().glob("*/*.json"))
    assert len(files) == 9
    for f in files:
        assert detect(f) == "fhir"
        report = journal.import_file(f)
        assert report.records >= 1
        assert all(p.file == f.name and p.record and p.reason for p in report.problems)


def test_lab_observations_keep_unit_interval_and_flag(journal: Journal) -> None:
    journal.import_file(
        fhir_corpus() / "hl7-spec-examples" / "observation-example-f005-hemoglobin.json"
    )
    journal.import_file(
        fhir_corpus() / "hl7-spec-examples" / "observation-example-f001-glucose.json"
    )
    labs = {r.loinc: r for r in journal.lab_results()}
    hb = labs["718-7"]
    assert (hb.value, hb.unit, hb.flag) == (7.2, "g/dL", "L")
    assert hb.ref_low == 7.5 and hb.ref_high == 10
    assert hb.at.utcoffset() is not None and str(hb.at.date()) == "2013-04-05"
    glucose = labs["15074-8"]
    assert (glucose.value, glucose.unit) == (6.3, "mmol/L")


def test_synthea_bundle_labs_vitals_pain_medicines_conditions(journal: Journal) -> None:
    path = (
        fhir_corpus() / "synthea" / "Kallie862_Frami345_9a0d7938-4f49-43f6-8eea-b22e1bbe1b74.json"
    )
    report = journal.import_file(path)
    assert report.entries_added == report.entries_read > 100
    kinds = {e.kind for e in journal.entries()}
    assert {"lab", "measurement", "checkin"} <= kinds
    # codes outside the catalogue are kept as custom analytes, never dropped
    assert any(isinstance(e, LabResult) and e.loinc == "2093-3" for e in journal.entries())
    assert any(e.kind == "checkin" and e.scores == {"pain": 8.0} for e in journal.entries())  # type: ignore[attr-defined]
    assert {c.condition for c in journal.profile().conditions} >= {"copd"}
    assert report.regimens_added >= 1
    assert any("is not a medicine flarewise knows" in p.reason for p in report.problems)
    # idempotent: the same file again adds nothing
    again = journal.import_file(path)
    assert (again.entries_added, again.regimens_added, again.conditions_added) == (0, 0, 0)


def test_dry_run_changes_nothing_and_says_exactly_what_would_be_added(journal: Journal) -> None:
    path = fhir_corpus() / "synthea" / "Lean294_Davis923_3e36b31d-3c32-43b4-b016-b46a90c2e50f.json"
    report = journal.import_file(path, dry_run=True)
    assert report.dry_run and report.entries_read > 200
    assert journal.count() == 0 and journal.regimens() == [] and journal.trackables() == []
    real = journal.import_file(path)
    assert (real.entries_added, real.regimens_added, real.conditions_added) == (
        report.entries_added,
        report.regimens_added,
        report.conditions_added,
    )
    again = journal.import_file(path, dry_run=True)
    assert again.entries_added == 0


def test_bad_records_are_reported_and_good_ones_kept(journal: Journal, tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "ok",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "1988-5"}]},
                    "effectiveDateTime": "2024-02-01T09:00:00+01:00",
                    "valueQuantity": {
                        "value": 3.1,
                        "unit": "mg/L",
                        "system": "http://unitsofmeasure.org",
                        "code": "mg/L",
                    },
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "bad-date",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "1988-5"}]},
                    "effectiveDateTime": "not-a-date",
                    "valueQuantity": {"value": 3, "code": "mg/L"},
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "bad-value",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "1988-5"}]},
                    "effectiveDateTime": "2024-02-02",
                    "valueQuantity": {"value": "high", "code": "mg/L"},
                }
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "bad-unit",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "1988-5"}]},
                    "effectiveDateTime": "2024-02-03",
                    "valueQuantity": {"value": 3, "code": "furlong"},
                }
            },
        ],
    }
    f = tmp_path / "mixed.json"
    f.write_text(json.dumps(bundle))
    report = journal.import_file(f)
    assert report.entries_added == 1
    fields = {(p.record.split()[-1], p.field) for p in report.problems}
    assert fields == {
        ("Observation/bad-date", "effectiveDateTime"),
        ("Observation/bad-value", "valueQuantity.value"),
        ("Observation/bad-unit", "valueQuantity.unit"),
    }


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b'{"resourceType": "Bundle", "entry": [', "line 1 column"),
        (b'{"hello": 1}', "neither FHIR"),
        (b"\x00\x01\x02binary", "a binary file, not one flarewise imports"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a binary file"),
        (b"just one line of text", "not a format flarewise imports"),
        (b"<svg></svg>", "not an Apple Health export"),
    ],
)
def test_unreadable_files_fail_with_one_clear_sentence(
    journal: Journal, tmp_path: Path, content: bytes, needle: str
) -> None:
    f = tmp_path / "export.json"
    f.write_bytes(content)
    with pytest.raises(FlarewiseError, match=needle):
        journal.import_file(f)
    assert journal.count() == 0


def test_egfr_labelled_ml_per_min_is_kept_and_reaches_the_safety_rules(
    journal: Journal, tmp_path: Path
) -> None:
    """Synthea (like many lab systems) labels eGFR "mL/min"; the code says per 1.73 m2, so the
    result is kept (as reported; the catalogue reads it as mL/min/1.73 m2). It matters:
    SAF-MG-RENAL keys on eGFR < 60."""
    path = fhir_corpus() / "synthea" / "Lean294_Davis923_3e36b31d-3c32-43b4-b016-b46a90c2e50f.json"
    report = journal.import_file(path)
    assert not [p for p in report.problems if "eGFR" in p.reason], report.problems
    egfr = [r for r in journal.lab_results() if r.loinc == "33914-3"]
    assert len(egfr) >= 10 and {r.unit for r in egfr} == {"mL/min"}  # kept as reported
    low = {
        "resourceType": "Observation",
        "id": "egfr-low",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "33914-3"}]},
        "effectiveDateTime": "2024-06-01T09:00:00+00:00",
        "valueQuantity": {"value": 45, "unit": "mL/min/1.73 m²"},
    }
    f = tmp_path / "egfr.json"
    f.write_text(json.dumps(low))
    assert journal.import_file(f).problems == ()
    rules = {w.rule for w in journal.check_plan([{"item": "magnesium"}], on=date(2024, 6, 2))}
    assert "SAF-MG-RENAL" in rules
