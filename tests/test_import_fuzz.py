"""Mutation fuzzing of every import format (issue 13): a small valid file of each format, built
here or taken from tests/fixtures, is damaged by hypothesis (bytes flipped, cut short, fields
removed, types swapped, numbers at the extremes, dates at the ends of the calendar). The only
outcomes allowed are a report (with problems, each naming where) or the project's error; a
refused file leaves the journal exactly as it was. Run time: a few seconds per format."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flarewise import FlarewiseError, Journal, open_journal
from flarewise.importers import ColumnMapping, ColumnTarget

FIXTURES = Path(__file__).parent / "fixtures" / "flaredown"
INTERNALS = ("Traceback", "errors.pydantic.dev", "input_value=", "zlib", "/tmp/")
EXAMPLES = int(os.environ.get("FLAREWISE_FUZZ_EXAMPLES", "25"))

EXTREME_NUMBERS: list[Any] = [
    0, -1, -1e308, 1e308, 2**63, -(2**63), 10**40, 1e-320, 0.1, 3.5e38,
]  # fmt: skip
CALENDAR_ENDS = [
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T00:00:00-14:00",
    "9999-12-31T23:59:59-14:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01",
    "9999-12-31",
    "2024-02-30T10:00:00Z",
]
AH_DATES = ["0001-01-01 00:00:00 +1400", "9999-12-31 23:59:59 -1400", "2024-02-30 10:00:00 +0100"]
AH_VALUES = ["NaN", "-inf", "1e309", "-1e308", "9" * 400, "", "abc", "-70", "0"]
TEXT_SWAPS: list[Any] = [None, True, "", "x" * 300, [], {}, [1, "a"], {"a": {"b": None}}]


# -- seeds -------------------------------------------------------------------------------------


def apple_health_xml() -> bytes:
    rows = [
        ("StepCount", "count", "1200", "2024-03-01 09:00:00 +0100"),
        ("StepCount", "count", "800", "2024-03-02 18:00:00 +0100"),
        ("HeartRate", "count/min", "64", "2024-03-01 09:00:00 +0100"),
        ("BodyMass", "kg", "71.5", "2024-03-01 07:00:00 +0100"),
        ("BodyTemperature", "degC", "36.8", "2024-03-01 07:00:00 +0100"),
    ]
    records = "".join(
        f' <Record type="HKQuantityTypeIdentifier{kind}" sourceName="Watch" unit="{unit}" '
        f'startDate="{at}" endDate="{at}" value="{value}"/>\n'
        for kind, unit, value, at in rows
    )
    records += (
        ' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" '
        'startDate="2024-03-01 23:00:00 +0100" endDate="2024-03-02 07:00:00 +0100" '
        'value="HKCategoryValueSleepAnalysisAsleepCore"/>\n'
        ' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="30" '
        'durationUnit="min" totalDistance="2.5" totalDistanceUnit="km" '
        'startDate="2024-03-01 10:00:00 +0100" endDate="2024-03-01 10:30:00 +0100"/>\n'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData ANY>'
        f'\n]>\n<HealthData locale="en_GB">\n{records}</HealthData>\n'
    ).encode()


def apple_health_zip(xml: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export.xml", xml or apple_health_xml())
        zf.writestr("apple_health_export/clinical-records/lab.json", json.dumps(fhir_observation()))
    return buffer.getvalue()


def fhir_observation() -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "crp",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "1988-5"}]},
        "effectiveDateTime": "2024-03-01T08:00:00+01:00",
        "valueQuantity": {"value": 2.1, "unit": "mg/L", "code": "mg/L"},
        "referenceRange": [{"low": {"value": 0}, "high": {"value": 5}}],
    }


def fhir_bundle() -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": fhir_observation()},
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "w",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
                    "effectiveDateTime": "2024-03-01T08:00:00Z",
                    "valueQuantity": {"value": 70, "unit": "kg", "code": "kg"},
                }
            },
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "id": "mg",
                    "status": "active",
                    "medicationCodeableConcept": {"text": "Magnesium citrate"},
                    "effectivePeriod": {"start": "2024-01-10"},
                    "dosage": [
                        {
                            "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                            "doseAndRate": [
                                {"doseQuantity": {"value": 200, "unit": "mg", "code": "mg"}}
                            ],
                        }
                    ],
                }
            },
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": "c",
                    "code": {"text": "Fibromyalgia"},
                    "onsetDateTime": "2019-05-01",
                }
            },
        ],
    }


def omh_points() -> list[dict[str, Any]]:
    def point(n: int, name: str, version: str, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "header": {
                "id": f"p{n}",
                "creation_date_time": "2024-03-01T08:00:00Z",
                "schema_id": {"namespace": "omh", "name": name, "version": version},
            },
            "body": body,
        }

    frame = {
        "time_interval": {
            "start_date_time": "2024-03-01T08:00:00Z",
            "end_date_time": "2024-03-01T09:00:00Z",
        }
    }
    return [
        point(1, "step-count", "2.0", {"step_count": 1200, "effective_time_frame": frame}),
        point(
            2,
            "body-weight",
            "1.0",
            {
                "body_weight": {"value": 70, "unit": "kg"},
                "effective_time_frame": {"date_time": "2024-03-01T08:00:00Z"},
            },
        ),
        point(
            3,
            "heart-rate",
            "1.0",
            {
                "heart_rate": {"value": 62, "unit": "beats/min"},
                "effective_time_frame": {"date_time": "2024-03-01T08:00:00Z"},
            },
        ),
        point(
            4,
            "physical-activity",
            "1.0",
            {
                "activity_name": "walking",
                "effective_time_frame": {
                    "time_interval": {
                        "start_date_time": "2024-03-01T10:00:00Z",
                        "duration": {"value": 30, "unit": "min"},
                    }
                },
            },
        ),
    ]


TABLE = b"date,pain,weight,magnesium\n2024-03-01,5,70.5,200\n2024-03-02,4,70.1,0\n"


def table_mapping() -> ColumnMapping:
    return ColumnMapping(
        date_column="date",
        timezone="Europe/Berlin",
        columns={
            "pain": ColumnTarget(kind="symptom", id="pain"),
            "weight": ColumnTarget(kind="measurement", id="body_mass"),
            "magnesium": ColumnTarget(kind="intake", id="magnesium", unit="mg"),
        },
    )


# -- mutations ---------------------------------------------------------------------------------


def _paths(node: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield here
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*here, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*here, i))


def _mutate_json(draw: Callable[..., Any], doc: Any) -> Any:
    """One structural change: remove a field, swap a value's type, put a number at an extreme
    or a date at a calendar's end."""
    paths = [p for p in _paths(doc) if p]
    path = draw(st.sampled_from(paths))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    key = path[-1]
    value = parent[key]
    op = draw(st.sampled_from(["remove", "swap", "extreme", "calendar"]))
    if op == "remove":
        del parent[key]
    elif op == "extreme" or (op == "calendar" and not isinstance(value, str)):
        parent[key] = draw(st.sampled_from(EXTREME_NUMBERS))
    elif op == "calendar":
        parent[key] = draw(st.sampled_from(CALENDAR_ENDS))
    else:
        parent[key] = draw(st.sampled_from(TEXT_SWAPS))
    return doc


def _bytes_damage(draw: Callable[..., Any], raw: bytes) -> bytes:
    data = bytearray(raw)
    if draw(st.booleans()):
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= draw(st.integers(1, 255))
        return bytes(data)
    return bytes(data[: draw(st.integers(0, len(data) - 1))])


def _xml_mutation(draw: Callable[..., Any], xml: bytes) -> bytes:
    text = xml.decode()
    attrs = list(re.finditer(r'(\w+)="([^"]*)"', text))
    m = draw(st.sampled_from(attrs))
    name = m.group(1)
    choice = draw(
        st.sampled_from(AH_DATES if "Date" in name else [*AH_VALUES, *AH_DATES, "REMOVE"])
    )
    new = "" if choice == "REMOVE" else f'{name}="{choice}"'
    return (text[: m.start()] + new + text[m.end() :]).encode()


def _csv_mutation(draw: Callable[..., Any], raw: bytes) -> bytes:
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    r = draw(st.integers(0, len(rows) - 1))
    row = rows[r]
    if not row:
        return raw
    c = draw(st.integers(0, len(row) - 1))
    op = draw(st.sampled_from(["remove", "extreme", "calendar", "text"]))
    if op == "remove":
        del row[c]
    elif op == "extreme":
        row[c] = str(draw(st.sampled_from([*EXTREME_NUMBERS, "nan", "inf", "-5000", "1e999"])))
    elif op == "calendar":
        row[c] = draw(st.sampled_from([*CALENDAR_ENDS, "0000-00-00", "31/02/2024"]))
    else:
        row[c] = draw(st.sampled_from(["", "x" * 5000, "\x00", "é", '"', "a,b"]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _json_bytes(doc: Any) -> bytes:
    return json.dumps(doc).encode()


@st.composite
def mutated(draw: Callable[..., Any], fmt: str) -> bytes:
    structural = draw(st.booleans())
    if fmt in ("fhir", "omh"):
        seed = fhir_bundle() if fmt == "fhir" else omh_points()
        raw = _json_bytes(_mutate_json(draw, seed) if structural else seed)
    elif fmt in ("apple-health-xml", "apple-health-zip"):
        raw = _xml_mutation(draw, apple_health_xml()) if structural else apple_health_xml()
        if fmt == "apple-health-zip":
            raw = apple_health_zip(raw)
    elif fmt == "flaredown":
        seed = (
            FIXTURES / draw(st.sampled_from(sorted(p.name for p in FIXTURES.glob("*.csv"))))
        ).read_bytes()
        raw = _csv_mutation(draw, seed) if structural else seed
    else:
        raw = _csv_mutation(draw, TABLE) if structural else TABLE
    if not structural or draw(st.booleans()):
        raw = _bytes_damage(draw, raw)
    return raw


SUFFIX = {
    "fhir": "json",
    "omh": "json",
    "apple-health-xml": "xml",
    "apple-health-zip": "zip",
    "flaredown": "csv",
    "table": "csv",
}


@pytest.fixture(scope="module")
def fuzz_journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    folder = tmp_path_factory.mktemp("fuzz")
    journal = open_journal(f"sqlite:///{folder / 'journal.db'}", "fuzz")
    try:
        yield journal
    finally:
        journal.close()


def _snapshot(journal: Journal) -> tuple[Any, ...]:
    return (
        sorted((e.id, e.kind) for e in journal.entries()),
        sorted(r.id for r in journal.regimens()),
        journal.profile().model_dump(mode="json"),
    )


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_a_mutated_file_gives_a_report_or_the_projects_error(
    fmt: str, fuzz_journal: Journal, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp(f"fuzz-{fmt}")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("FLAREWISE_FUZZ_EXAMPLES"),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(raw=mutated(fmt))
    def run(raw: bytes) -> None:
        path = folder / f"export.{SUFFIX[fmt]}"
        path.write_bytes(raw)
        before = _snapshot(fuzz_journal)
        mapping = table_mapping() if fmt == "table" else None
        try:
            report = fuzz_journal.import_file(path, mapping=mapping, dry_run=True)
        except FlarewiseError as exc:
            message = str(exc)
            assert message and not any(bit in message for bit in INTERNALS), message
            assert _snapshot(fuzz_journal) == before
            return
        for p in report.problems:
            assert p.file and p.reason, p
            assert not any(bit in str(p) for bit in INTERNALS), p
        assert _snapshot(fuzz_journal) == before  # a dry run keeps nothing

    run()


@pytest.mark.parametrize("fmt", ["fhir", "apple-health-xml", "table"])
def test_a_refused_or_partly_bad_file_really_imported_keeps_the_journal_consistent(
    fmt: str, fuzz_journal: Journal, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Without dry run: a refusal changes nothing; an accepted file adds only what its report
    says it added."""
    folder = tmp_path_factory.mktemp(f"real-{fmt}")

    @settings(
        max_examples=10,
        deadline=None,
        derandomize=not os.environ.get("FLAREWISE_FUZZ_EXAMPLES"),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(raw=mutated(fmt))
    def run(raw: bytes) -> None:
        path = folder / f"export.{SUFFIX[fmt]}"
        path.write_bytes(raw)
        before = _snapshot(fuzz_journal)
        mapping = table_mapping() if fmt == "table" else None
        try:
            report = fuzz_journal.import_file(path, mapping=mapping)
        except FlarewiseError:
            assert _snapshot(fuzz_journal) == before
            return
        after = _snapshot(fuzz_journal)
        assert len(after[0]) == len(before[0]) + report.entries_added

    run()
