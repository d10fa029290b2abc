"""Apple Health import against the real and synthetic exports in ../shared/corpora/apple-health
(PROVENANCE.md), the upstream authors' expectations, and hostile files."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from flarewise import FlarewiseError, Journal, Measurement, Sleep

from .conftest import corpus


def ah(*parts: str) -> Path:
    """The Apple Health corpus (skips, or fails under CI, when it is missing)."""
    return corpus("apple-health", *parts)


def metrics(journal: Journal, metric: str) -> dict[str, float]:
    return {
        str(e.local_date): e.value
        for e in journal.entries()
        if isinstance(e, Measurement) and e.metric == metric
    }


def test_every_apple_health_corpus_file_imports(journal: Journal) -> None:
    files = [p for p in sorted(ah().rglob("export*")) if p.suffix in (".xml", ".zip")]
    assert len(files) == 6
    for f in files:
        report = journal.import_file(f)
        assert report.records >= 3, f


def test_tdda_expected_csv_totals_hold(journal: Journal) -> None:
    """tdda/applehealthdata's oracle: the flattened StepCount and DistanceWalkingRunning rows.
    flarewise keeps one value per day: the sum of the day's records of one source."""
    journal.import_file(ah() / "tdda-applehealthdata" / "export6s3sample.xml")
    folder = ah() / "tdda-applehealthdata" / "expected-csv"
    for name, metric, factor in (
        ("StepCount.csv", "steps", 1.0),
        ("DistanceWalkingRunning.csv", "distance_walking_running", 1000.0),
    ):
        expected: dict[str, float] = {}
        with (folder / name).open(newline="") as fh:
            for row in csv.DictReader(fh):
                day = row["startDate"][:10]
                expected[day] = expected.get(day, 0.0) + float(row["value"]) * factor
        got = metrics(journal, metric)
        assert got.keys() == expected.keys()
        for day, value in expected.items():
            assert got[day] == pytest.approx(value)
    workouts = [e for e in journal.entries() if e.kind == "activity"]
    assert len(workouts) == 1


def test_hydawo_version_14_with_dtd_sleep_and_correlations(journal: Journal) -> None:
    report = journal.import_file(ah() / "hydawo-local-health-agent" / "export.xml")
    assert report.problems == ()
    nights = [e for e in journal.entries() if isinstance(e, Sleep)]
    assert nights and all(n.at > n.bed_at for n in nights)
    systolic = [
        e
        for e in journal.entries()
        if isinstance(e, Measurement) and e.metric == "blood_pressure_systolic"
    ]
    # one top-level record; its copy nested in the Correlation is not counted again
    assert len(systolic) == 1


def test_hydawo_malformed_policy_skip_bad_keep_the_rest(journal: Journal) -> None:
    """Upstream's fixture: records 1 and 6 are good; 2 (bad startDate) and 3 (no startDate) are
    skipped; 4 has a non-numeric value; 5 has no unit. Nothing crashes, good records are kept."""
    report = journal.import_file(ah() / "hydawo-local-health-agent" / "export_malformed.xml")
    assert sorted(metrics(journal, "resting_heart_rate").values()) == [57.0, 58.0]
    fields = sorted(p.field for p in report.problems)
    assert fields == ["startDate", "startDate", "unit", "value"]
    assert all(p.record.startswith("line ") for p in report.problems)


def test_zip_export_and_reimport_adds_nothing(journal: Journal) -> None:
    path = ah() / "dogsheep-healthkit-to-sqlite" / "export.zip"
    first = journal.import_file(path)
    assert first.entries_added >= 1
    assert journal.import_file(path).entries_added == 0


def record(
    value: str,
    source: str = "Phone",
    start: str = "2024-03-01 09:00:00 +0000",
    end: str | None = None,
    extra: str = "",
) -> str:
    return (
        f'<Record type="HKQuantityTypeIdentifierStepCount" sourceName="{source}" '
        f'unit="count" startDate="{start}" endDate="{end or start}" value="{value}"{extra}/>'
    )


def test_watch_and_phone_steps_are_not_summed(journal: Journal, tmp_path: Path) -> None:
    rows = [
        record("4000", "Phone"),
        record("4200", "Watch"),
        record("800", "Watch", start="2024-03-01 18:00:00 +0000"),
    ]
    f = tmp_path / "export.xml"
    f.write_text('<HealthData locale="en_GB">' + "".join(rows) + "</HealthData>")
    journal.import_file(f)
    assert metrics(journal, "steps") == {"2024-03-01": 5000.0}


def test_modern_workouts_take_totals_from_their_statistics(
    journal: Journal, tmp_path: Path
) -> None:
    """Since iOS 16 a watch workout has no total attributes: energy and distance are in
    WorkoutStatistics children (sum + unit). Attributes, where present, still win."""
    stamp = 'startDate="2024-03-01 10:00:00 +0000" endDate="2024-03-01 10:40:00 +0000"'
    modern = (
        f'<Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="40" '
        f'durationUnit="min" sourceName="Watch" {stamp}>'
        '<MetadataEntry key="HKIndoorWorkout" value="0"/>'
        f'<WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" {stamp} average="101" '
        'minimum="90" maximum="117" unit="count/min"/>'
        f'<WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning" {stamp} '
        'sum="2" unit="mi"/>'
        f'<WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" {stamp} '
        'sum="418.4" unit="kJ"/>'
        "</Workout>"
    )
    older = (
        modern.replace("Walking", "Running", 1)
        .replace("10:", "17:")
        .replace(
            'durationUnit="min"',
            'durationUnit="min" totalEnergyBurned="250" '
            'totalEnergyBurnedUnit="kcal" totalDistance="5" totalDistanceUnit="km"',
        )
    )
    f = tmp_path / "export.xml"
    f.write_text(f"<HealthData>{modern}{older}</HealthData>")
    report = journal.import_file(f)
    assert report.problems == ()
    walk, run = sorted((e for e in journal.entries() if e.kind == "activity"), key=lambda e: e.at)
    assert walk.energy_kcal == pytest.approx(100.0)
    assert walk.distance_km == pytest.approx(3.218688)
    assert (run.energy_kcal, run.distance_km) == (250.0, 5.0)
    odd = modern.replace("10:", "12:").replace('unit="mi"', 'unit="furlong"')
    f.write_text(f"<HealthData>{odd}</HealthData>")
    (problem,) = journal.import_file(f).problems
    assert problem.field == "WorkoutStatistics (distance)"
    assert problem.reason == "'furlong' is not a unit flarewise reads here"


def test_types_not_read_are_listed_and_dose_events_reported(
    journal: Journal, tmp_path: Path
) -> None:
    """Nothing is left behind silently: types flarewise does not read are counted per type;
    medication dose events, which a person would expect to arrive, get a sentence."""
    stamp = 'startDate="2024-03-01 10:00:00 +0000" endDate="2024-03-01 10:00:00 +0000"'
    rows = [
        f'<Record type="HKQuantityTypeIdentifierFlightsClimbed" sourceName="Phone" unit="count" '
        f'{stamp} value="{n}"/>'
        for n in (3, 4)
    ] + [
        f'<Record type="HKMedicationDoseEventTypeIdentifierMedicationDoseEvent" '
        f'sourceName="Health" unit="count" {stamp} value="1"/>',
        record("1200"),
    ]
    f = tmp_path / "export.xml"
    f.write_text("<HealthData>" + "".join(rows) + "</HealthData>")
    report = journal.import_file(f)
    assert report.entries_added == 1
    assert report.not_read == (("Apple Health FlightsClimbed", 2),)
    (dose,) = report.problems
    assert dose.record == "1 medication dose event" and "not imported" in dose.reason


_ENTITIES = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
HOSTILE = {
    "xxe.xml": (
        '<?xml version="1.0"?>\n<!DOCTYPE HealthData [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "\n<HealthData>" + record("1", "&xxe;") + "</HealthData>"
    ).encode(),
    "bomb.xml": (
        '<?xml version="1.0"?>\n<!DOCTYPE HealthData [<!ENTITY a "aaaaaaaaaa">'
        + _ENTITIES
        + "]>\n<HealthData>"
        + record("1", "&j;")
        + "</HealthData>"
    ).encode(),
    "control.xml": b"<HealthData>\x01" + record("7", "P\x02").encode() + b"</HealthData>",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused_or_defused(journal: Journal, tmp_path: Path, name: str) -> None:
    f = tmp_path / name
    f.write_bytes(HOSTILE[name])
    try:
        report = journal.import_file(f)
    except FlarewiseError as exc:
        assert "export" in str(exc) or name in str(exc)
    else:
        assert "root:" not in repr(journal.entries())  # never a local file's content
        if name == "control.xml":
            assert metrics(journal, "steps") == {"2024-03-01": 7.0}
        assert report.records <= 1


def test_zip_bomb_is_refused(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "export.zip"
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "apple_health_export/export.xml",
            b"<HealthData>" + b" " * (60 * 1024 * 1024) + b"</HealthData>",
        )
    with pytest.raises(FlarewiseError, match="zip bomb"):
        journal.import_file(f)
    assert journal.count() == 0


def test_a_file_that_is_not_what_its_name_says(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "export.xml"
    f.write_bytes(io.BytesIO(b"just some notes\nnot xml at all").getvalue())
    with pytest.raises(FlarewiseError, match="not a format flarewise imports"):
        journal.import_file(f)


def test_clinical_records_in_the_zip_are_read_as_fhir(journal: Journal, tmp_path: Path) -> None:
    hb = json.dumps(
        {
            "resourceType": "Observation",
            "id": "f005",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
            "effectiveDateTime": "2013-05-15T19:32:52+01:00",
            "valueQuantity": {"value": 7.2, "unit": "g/dl", "code": "g/dL"},
        }
    ).encode()
    f = tmp_path / "export.zip"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr(
            "apple_health_export/export.xml",
            '<HealthData locale="en_GB">' + record("12") + "</HealthData>",
        )
        zf.writestr("apple_health_export/clinical-records/hb.json", hb)
        zf.writestr("apple_health_export/clinical-records/broken.json", b'{"resourceType": ')
    report = journal.import_file(f)
    assert [r.loinc for r in journal.lab_results()] == ["718-7"]
    assert metrics(journal, "steps") == {"2024-03-01": 12.0}
    [problem] = report.problems
    assert problem.record.endswith("broken.json") and "not valid JSON" in problem.reason
