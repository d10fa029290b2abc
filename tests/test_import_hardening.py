"""Hostile and damaged input on every reader (issue 13, the import side): the only outcomes are a
report with per-record problems, naming file, record and field, or the project's error in one
sentence; never a traceback, never a silently stored impossible value, and the journal unchanged
when a file is refused. Every input is built here: nothing needs ../shared/corpora."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from flarewise import FlarewiseError, Journal, Measurement, open_journal
from flarewise.domain.time import normalise_instant
from flarewise.errors import BackupError, InvalidInput
from flarewise.importers import ColumnMapping, ColumnTarget

NEXT_YEAR = date.today().year + 1
INTERNALS = ("zlib", "BadZipFile", "Error -3", "Traceback", "errors.pydantic.dev", "/tmp/")


def ah_record(kind: str, value: str, stamp: str, unit: str = "count", source: str = "Phone") -> str:
    return (
        f' <Record type="HKQuantityTypeIdentifier{kind}" sourceName="{source}" unit="{unit}" '
        f'startDate="{stamp}" endDate="{stamp}" value="{value}"/>\n'
    )


def ah_export(records: str) -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n'
    return f"{head}{records}</HealthData>\n"


GOOD = (
    ah_record("StepCount", "1200", "2024-03-01 09:00:00 +0100")
    + ah_record("StepCount", "800", "2024-03-01 18:00:00 +0100")
    + ah_record("HeartRate", "64", "2024-03-01 09:00:00 +0100", "count/min")
    + ah_record("BodyMass", "71.5", "2024-03-01 07:00:00 +0100", "kg")
)


def export_zip(path: Path, xml: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export.xml", xml)
    return path


def diary_mapping() -> ColumnMapping:
    return ColumnMapping(
        date_column="date",
        timezone="Europe/Berlin",
        columns={
            "pain": ColumnTarget(kind="symptom", id="pain"),
            "weight": ColumnTarget(kind="measurement", id="body_mass"),
        },
    )


def _stored(journal: Journal) -> list[tuple[str, str, float | None]]:
    return sorted(
        (e.kind, e.source_key or "", getattr(e, "value", None)) for e in journal.entries()
    )


def _refused(journal: Journal, path: Path) -> str:
    """Import ``path``, which must be refused with one sentence and change nothing."""
    before = _stored(journal)
    with pytest.raises(FlarewiseError) as caught:
        journal.import_file(path)
    message = str(caught.value)
    assert path.name in message
    assert "\n" not in message
    assert not any(bit in message for bit in INTERNALS), message
    assert _stored(journal) == before
    return message


# -- damaged export.zip ------------------------------------------------------------------------


def _big_export() -> str:
    """Enough records that the deflated member spans many blocks (so damage lands mid-data)."""
    lines = "".join(
        ah_record("BodyMass", f"{60 + i % 200 / 10}", f"2023-{1 + i % 12:02d}-{1 + i % 28:02d} "
                  f"{i % 24:02d}:{i % 60:02d}:00 +0000", "kg", f"Scale {i}")
        for i in range(4000)
    )  # fmt: skip
    return ah_export(lines)


def _member_data_offset(raw: bytes) -> int:
    name_len = int.from_bytes(raw[26:28], "little")
    extra_len = int.from_bytes(raw[28:30], "little")
    return 30 + name_len + extra_len


@pytest.mark.parametrize("damage", ["corrupt-deflate", "bad-crc", "truncated", "half"])
def test_a_damaged_export_zip_is_one_sentence_and_changes_nothing(
    journal: Journal, tmp_path: Path, t0: datetime, damage: str
) -> None:
    journal.add(Measurement(at=t0, metric="body_mass", value=70.0, unit="kg"))
    good = export_zip(tmp_path / "good.zip", _big_export())
    raw = bytearray(good.read_bytes())
    start = _member_data_offset(bytes(raw))
    if damage == "corrupt-deflate":
        for i in range(start + 2000, start + 2400):
            raw[i] ^= 0x5A
    elif damage == "bad-crc":
        raw[14] ^= 0xFF  # the local header's CRC-32 ...
        central = bytes(raw).rfind(b"PK\x01\x02")
        raw[central + 16] ^= 0xFF  # ... and the central directory's
    elif damage == "truncated":
        raw = raw[: len(raw) - 30]  # the end of the central directory is gone
    else:
        raw = raw[: len(raw) // 2]  # half-transferred
    path = tmp_path / "export.zip"
    path.write_bytes(bytes(raw))
    message = _refused(journal, path)
    assert "damaged or incomplete" in message


# -- one bad record never aborts an import -----------------------------------------------------


def test_bad_apple_health_samples_are_reported_and_the_good_kept(
    journal: Journal, tmp_path: Path
) -> None:
    bad = (
        ah_record("StepCount", "5000", f"{NEXT_YEAR}-03-01 09:00:00 +0100")  # a wrong watch clock
        + ah_record("StepCount", "100", "0001-01-01 00:00:00 +0500")  # year 1, positive offset
        + ah_record("StepCount", "100", "9999-12-31 23:00:00 -0500")  # the calendar's other end
        + ah_record("HeartRate", "NaN", "2024-03-02 09:00:00 +0100", "count/min")
        + ah_record("HeartRate", "inf", "2024-03-02 10:00:00 +0100", "count/min")
        + ah_record("HeartRate", "-60", "2024-03-02 11:00:00 +0100", "count/min")
        + ah_record("StepCount", "-5000", "2024-03-02 09:00:00 +0100")
        + ah_record("BodyMass", "-70", "2024-03-02 07:00:00 +0100", "kg")
        + ah_record("BodyMass", "nan", "2024-03-02 08:00:00 +0100", "kg")
    )
    path = tmp_path / "export.xml"
    path.write_text(ah_export(GOOD + bad), "utf-8")
    report = journal.import_file(path)
    kept = {(e.metric, e.local_date.isoformat(), e.value) for e in journal.entries()}  # type: ignore[attr-defined]
    assert kept == {
        ("steps", "2024-03-01", 2000.0),
        ("heart_rate", "2024-03-01", 64.0),
        ("body_mass", "2024-03-01", 71.5),
    }
    lines = {p.record for p in report.problems}
    assert {f"line {n}" for n in range(7, 16)} <= lines, report.problems
    for p in report.problems:
        assert p.file == "export.xml" and p.reason
    reasons = " ".join(p.reason for p in report.problems)
    assert "in the future" in reasons and "before 1900" in reasons
    assert "not plausible for body weight" in reasons


def test_an_impossible_daily_total_is_that_days_problem(journal: Journal, tmp_path: Path) -> None:
    """The aggregation step reports per record: one day whose samples sum beyond what a person
    can walk is that day's problem, and the other days are kept."""
    many = "".join(
        ah_record("StepCount", "60000", f"2024-03-02 {h:02d}:00:00 +0100") for h in range(4)
    )
    path = tmp_path / "export.xml"
    path.write_text(ah_export(GOOD + many), "utf-8")
    report = journal.import_file(path)
    assert [(p.record, p.field) for p in report.problems] == [("steps on 2024-03-02", "value")]
    assert report.entries_added == 3


# -- JSON limits -------------------------------------------------------------------------------

DEEP = 100_000


def test_deeply_nested_fhir_and_omh_json_is_refused(journal: Journal, tmp_path: Path) -> None:
    fhir = tmp_path / "deep-fhir.json"
    fhir.write_text('{"resourceType": "Bundle", "entry": ' + "[" * DEEP + "]" * DEEP + "}")
    assert "nested" in _refused(journal, fhir)
    omh = tmp_path / "deep-omh.json"
    omh.write_text(
        '{"header": {"schema_id": {"namespace": "omh", "name": "step-count", "version": "2.0"}}, '
        '"body": ' + "[" * DEEP + "]" * DEEP + "}"
    )
    assert "nested" in _refused(journal, omh)


def test_a_5000_digit_number_is_refused(journal: Journal, tmp_path: Path) -> None:
    huge = "9" * 5000
    fhir = tmp_path / "big-number.json"
    fhir.write_text(
        '{"resourceType": "Observation", "id": "w", "status": "final", '
        '"code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]}, '
        '"effectiveDateTime": "2024-03-01T08:00:00Z", '
        f'"valueQuantity": {{"value": {huge}, "unit": "kg"}}}}'
    )
    assert "digits" in _refused(journal, fhir)


def test_a_hostile_backup_is_refused_before_restore(journal: Journal, tmp_path: Path) -> None:
    from flarewise.journal import read_backup

    deep = tmp_path / "deep.json"
    deep.write_text(
        '{"format": "flarewise-journal", "version": 1, "x": ' + "[" * DEEP + "]" * DEEP + "}"
    )
    with pytest.raises(BackupError, match="nested"):
        read_backup(deep)
    big = tmp_path / "big.json"
    big.write_text('{"format": "flarewise-journal", "version": 1, "n": ' + "7" * 5000 + "}")
    with pytest.raises(BackupError, match="digits"):
        read_backup(big)


# -- the calendar's ends -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=-5))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-5))),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
    ],
)
def test_instants_at_the_calendars_ends_are_refused_not_overflowed(at: datetime) -> None:
    with pytest.raises(ValueError, match=r"before 1900|in the future"):
        normalise_instant(at)
    with pytest.raises(InvalidInput):
        Measurement(at=at, metric="steps", value=1.0, unit="count")


def _omh_point(body: dict[str, object], name: str = "physical-activity") -> dict[str, object]:
    return {
        "header": {
            "id": f"p-{len(json.dumps(body))}",
            "creation_date_time": "2024-03-01T08:00:00Z",
            "schema_id": {"namespace": "omh", "name": name, "version": "1.0"},
        },
        "body": body,
    }


def test_omh_intervals_past_the_calendars_end_are_per_record_problems(
    journal: Journal, tmp_path: Path
) -> None:
    good = {
        "activity_name": "walking",
        "effective_time_frame": {
            "time_interval": {
                "start_date_time": "2024-03-01T08:00:00Z",
                "end_date_time": "2024-03-01T08:30:00Z",
            }
        },
    }
    past_end = {
        "activity_name": "walking",
        "effective_time_frame": {
            "time_interval": {
                "start_date_time": "9999-12-31T23:00:00Z",
                "duration": {"value": 1000000, "unit": "min"},
            }
        },
    }
    before_start = {
        "activity_name": "walking",
        "effective_time_frame": {
            "time_interval": {
                "end_date_time": "0001-01-01T01:00:00Z",
                "duration": {"value": 5, "unit": "d"},
            }
        },
    }
    path = tmp_path / "omh.json"
    path.write_text(json.dumps([_omh_point(b) for b in (good, past_end, before_start)]))
    report = journal.import_file(path)
    assert report.entries_added == 1
    assert {p.record for p in report.problems} == {"item 2", "item 3"}


def test_fhir_elements_of_the_wrong_type_are_per_record_problems(
    journal: Journal, tmp_path: Path
) -> None:
    def weight(rid: str, code: object) -> dict[str, object]:
        return {
            "resource": {
                "resourceType": "Observation",
                "id": rid,
                "status": "final",
                "code": code,
                "effectiveDateTime": "2024-03-01T08:00:00Z",
                "valueQuantity": {"value": 70, "unit": "kg", "code": "kg"},
            }
        }

    loinc = {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            weight("good", loinc),
            weight("coding-string", {"coding": ["http://loinc.org|29463-7"]}),
            weight("code-list", [loinc]),
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "id": "med",
                    "status": "active",
                    "medicationCodeableConcept": "duloxetine",
                    "effectivePeriod": "2024",
                }
            },
        ],
    }
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    report = journal.import_file(path)
    assert report.entries_added == 1
    assert len(report.problems) == 3
    assert all(p.record.startswith("entry[") for p in report.problems)


# -- plausibility on every path in -------------------------------------------------------------


@pytest.mark.parametrize(
    ("metric", "value", "unit"),
    [("body_mass", -70.0, "kg"), ("heart_rate", -60.0, "/min"), ("steps", -5000.0, "count"),
     ("body_temperature", 70.0, "Cel"), ("oxygen_saturation", 140.0, "%")],
)  # fmt: skip
def test_impossible_measurements_are_refused_when_logged(
    journal: Journal, t0: datetime, metric: str, value: float, unit: str
) -> None:
    with pytest.raises(InvalidInput, match="not plausible") as caught:
        journal.add(Measurement(at=t0, metric=metric, value=value, unit=unit))
    assert caught.value.field == "value"
    assert journal.entries() == []


def test_impossible_values_in_every_format_are_per_record_problems(
    journal: Journal, tmp_path: Path
) -> None:
    fhir = tmp_path / "weight.json"
    fhir.write_text(
        json.dumps(
            {
                "resourceType": "Observation",
                "id": "neg",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                "effectiveDateTime": "2024-03-01T08:00:00Z",
                "valueQuantity": {"value": -70, "unit": "kg", "code": "kg"},
            }
        )
    )
    omh = tmp_path / "weight-omh.json"
    omh.write_text(
        json.dumps(
            _omh_point(
                {
                    "body_weight": {"value": -70, "unit": "kg"},
                    "effective_time_frame": {"date_time": "2024-03-01T08:00:00Z"},
                },
                "body-weight",
            )
        )
    )
    table = tmp_path / "diary.csv"
    table.write_text("date,pain,weight\n2024-03-01,5,-70\n2024-03-02,4,71\n")
    for path, mapping in ((fhir, None), (omh, None), (table, diary_mapping())):
        report = journal.import_file(path, mapping=mapping)
        assert any("not plausible for body weight" in p.reason for p in report.problems), (
            path.name,
            report.problems,
        )
    weights = [e.value for e in journal.entries() if getattr(e, "metric", "") == "body_mass"]  # type: ignore[attr-defined]
    assert weights == [71.0]


# -- tables ------------------------------------------------------------------------------------


def test_a_csv_header_too_long_to_read_is_not_replaced_by_a_data_row(
    journal: Journal, tmp_path: Path
) -> None:
    path = tmp_path / "diary.csv"
    long_header = "date,pain,weight," + ",".join(f"col{i}" for i in range(150_000)) + "\n"
    path.write_text(long_header + "date,pain,weight\n2024-03-01,5,70\n")
    message = _refused_with_mapping(journal, path)
    assert "header" in message


def _refused_with_mapping(journal: Journal, path: Path) -> str:
    before = _stored(journal)
    with pytest.raises(FlarewiseError) as caught:
        journal.import_file(path, mapping=diary_mapping())
    assert _stored(journal) == before
    return str(caught.value)


# -- archives ----------------------------------------------------------------------------------


def _many_mebibytes(path: Path, members: int, extra: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, text in extra.items():
            zf.writestr(name, text)
        block = b"\0" * (1 << 20)
        for i in range(members):
            zf.writestr(f"padding/{i:04d}.bin", block)
    return path


def test_an_export_of_a_thousand_one_mebibyte_members_is_refused(
    journal: Journal, tmp_path: Path
) -> None:
    path = _many_mebibytes(
        tmp_path / "export.zip", 1000, {"apple_health_export/export.xml": ah_export(GOOD)}
    )
    assert path.stat().st_size < 3 * 1024 * 1024
    assert "zip bomb" in _refused(journal, path)


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    from flarewise.importers import AppleHealthReader
    from flarewise.importers.apple_health import AppleHealthError
    from flarewise.importers.archive import ZipLimits

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("apple_health_export/export.xml", ah_export(GOOD))
        for i in range(50):
            zf.writestr(f"workout-routes/route_{i}.gpx", "")
    reader = AppleHealthReader(zip_limits=ZipLimits(1 << 30, 1 << 30, max_members=20))
    with pytest.raises(AppleHealthError, match="51 files inside"):
        reader.read(path)
    assert AppleHealthReader().read(path).records == 4  # the default limit lets it through


def test_an_xlsx_of_many_one_mebibyte_parts_is_refused(journal: Journal, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["date", "pain"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "diary.xlsx"
    with zipfile.ZipFile(buffer) as src:
        parts = {n: src.read(n).decode("utf-8") for n in src.namelist()}
    _many_mebibytes(path, 300, parts)
    message = _refused_with_mapping(journal, path)
    assert "zip bomb" in message


# -- FHIR medicines ----------------------------------------------------------------------------


def _statement(rid: str, medication: dict[str, object], dosage: dict[str, object]) -> object:
    return {
        "resource": {
            "resourceType": "MedicationStatement",
            "id": rid,
            "status": "active",
            "medicationCodeableConcept": medication,
            "effectivePeriod": {"start": "2024-01-10"},
            "dosage": [dosage],
        }
    }


def test_fhir_as_needed_and_combination_products(journal: Journal, tmp_path: Path) -> None:
    """asNeededCodeableConcept means as needed (FHIR R4 Dosage: "indicates ... taken as
    needed, and the reason"); a combination product keeps every ingredient it holds."""
    daily = {"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}}
    prn = {"asNeededCodeableConcept": {"text": "for pain"}}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            _statement("prn", {"text": "Ibuprofen 200 MG Oral Tablet"}, prn),
            _statement("flag", {"text": "Duloxetine 30 MG"}, {"asNeededBoolean": True}),
            _statement("daily", {"text": "Magnesium citrate"}, daily),
            _statement(
                "combo", {"text": "Acetaminophen 325 MG / Tramadol 37.5 MG Oral Tablet"}, prn
            ),
            {
                "resource": {
                    "resourceType": "Medication",
                    "id": "m1",
                    "ingredient": [
                        {"itemCodeableConcept": {"text": "Codeine phosphate"}},
                        {"itemCodeableConcept": {"text": "Zorblax extract"}},
                    ],
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "id": "ref",
                    "status": "active",
                    "medicationReference": {"reference": "Medication/m1"},
                    "effectivePeriod": {"start": "2024-01-10"},
                }
            },
        ],
    }
    path = tmp_path / "meds.json"
    path.write_text(json.dumps(bundle))
    report = journal.import_file(path)
    got = {(r.substance, r.as_needed) for r in journal.regimens()}
    assert got == {
        ("ibuprofen", True),
        ("duloxetine", True),
        ("magnesium", False),
        ("paracetamol", True),
        ("tramadol", True),
        ("codeine", False),
        ("unrecognised", False),  # Zorblax extract, kept by its name, interactions unchecked
    }
    assert {r.unrecognised for r in journal.regimens()} == {None, "Zorblax extract"}
    unknown = [p for p in report.problems if p.field == "medication.ingredient"]
    assert len(unknown) == 1 and "Zorblax" in unknown[0].reason
    assert "interactions not checked" in unknown[0].reason


# -- the disk filling up -----------------------------------------------------------------------

FULL_DISK = textwrap.dedent(
    """
    import os, resource, signal, sys
    from flarewise import FlarewiseError, open_journal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    journal = open_journal(sys.argv[1], "alice")
    room = os.path.getsize(sys.argv[1].removeprefix("sqlite:///")) + 200_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (room, resource.RLIM_INFINITY))
    try:
        journal.import_file(sys.argv[2])
    except FlarewiseError as exc:
        print(f"{type(exc).__name__}: {exc}")
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_disk_filling_up_during_an_import_is_a_clear_error_and_the_journal_intact(
    tmp_path: Path, t0: datetime
) -> None:
    """RLIMIT_FSIZE stands in for a full disk: SQLite's writes fail part-way through the
    import's transaction, which must roll back and say so in words."""
    from .test_import_safety import synthetic_weights

    url = f"sqlite:///{tmp_path / 'journal.db'}"
    journal = open_journal(url, "alice")
    journal.add(Measurement(at=t0, metric="body_mass", value=70.0, unit="kg"))
    before = _stored(journal)
    journal.close()
    export = tmp_path / "export.xml"
    synthetic_weights(export, 30_000)
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, url, str(export)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("StorageError: export.xml: not imported"), done.stdout
    assert "disk" in done.stdout and "Traceback" not in done.stderr
    journal = open_journal(url, "alice")
    try:
        assert _stored(journal) == before
    finally:
        journal.close()
    with sqlite3.connect(tmp_path / "journal.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_archive_limits_are_settings_with_help_and_reach_the_readers(
    journal: Journal, tmp_path: Path
) -> None:
    from flarewise.config import SETTINGS_HELP, load_settings
    from flarewise.errors import ConfigError
    from flarewise.importers.archive import ArchiveBudget

    for name in ("FLAREWISE_IMPORT_MAX_UNPACKED_BYTES", "FLAREWISE_IMPORT_MAX_ZIP_MEMBERS"):
        assert "default" in SETTINGS_HELP[name]
    env = {
        "FLAREWISE_HOME": str(tmp_path),
        "FLAREWISE_IMPORT_MAX_UNPACKED_BYTES": "1_000_000",
        "FLAREWISE_IMPORT_MAX_ZIP_MEMBERS": "3",
    }
    settings = load_settings(env)
    assert (settings.import_max_unpacked_bytes, settings.import_max_zip_members) == (10**6, 3)
    assert load_settings({"FLAREWISE_HOME": str(tmp_path)}).import_max_zip_members is None
    for bad in ("0", "-5", "lots", "1e9"):
        with pytest.raises(ConfigError, match="FLAREWISE_IMPORT_MAX_ZIP_MEMBERS"):
            load_settings({**env, "FLAREWISE_IMPORT_MAX_ZIP_MEMBERS": bad})
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("apple_health_export/export.xml", ah_export(GOOD))
        for i in range(4):
            zf.writestr(f"apple_health_export/workout-routes/route_{i}.gpx", "<gpx/>")
    budget = ArchiveBudget(
        max_total=settings.import_max_unpacked_bytes,
        max_members=settings.import_max_zip_members,
    )
    with pytest.raises(FlarewiseError, match="5 files inside"):
        journal.import_file(path, archive_budget=budget)
    assert journal.entries() == []
    assert journal.import_file(path).entries_added == 3


def test_a_missing_corpus_skips_on_a_developer_machine_and_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from .conftest import corpus

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="shared corpora not found"):
        corpus("no-such-corpus")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run every corpus test"):
        corpus("no-such-corpus")


def test_every_metric_has_a_plausibility_range_and_every_range_a_known_measure() -> None:
    from flarewise.knowledge import load_vocabulary
    from flarewise.knowledge.plausibility import plausibility

    vocab, table = load_vocabulary(), plausibility()
    assert set(table.metrics) == set(vocab.metrics)
    assert set(table.analytes) <= set(vocab.analytes)
    for loinc, bounds in table.analytes.items():
        assert bounds.high is not None and bounds.high > 0, loinc


def test_fhir_combination_named_only_by_text_says_what_it_did_not_recognise(
    journal: Journal, tmp_path: Path
) -> None:
    """A combination known only by its display text keeps the parts flarewise knows and names
    the rest in the report: never dropped silently (issue 13), never invented as medicines."""
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [_statement("c", {"text": "Tramadol 37.5 MG / Zorblax 10 MG Oral Tablet"}, {})],
    }
    path = tmp_path / "combo.json"
    path.write_text(json.dumps(bundle))
    report = journal.import_file(path)
    assert {r.substance for r in journal.regimens()} == {"tramadol"}
    said = [p.reason for p in report.problems if p.field == "medication"]
    assert len(said) == 1 and "Zorblax 10 MG Oral Tablet" in said[0], said
    assert "interactions are not checked" in said[0]
