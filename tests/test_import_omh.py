"""Open mHealth: every shouldPass / shouldFail sample of the official test data (corpus, see
../shared/corpora/PROVENANCE.md) for the schemas flarewise reads, plus data-point files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from flarewise import Journal
from flarewise.domain.entries import Activity, Measurement, Sleep
from flarewise.importers import ieee1752
from flarewise.importers.omh import SUPPORTED, OmhInvalid, OmhReader, validate
from flarewise.importers.report import ImportBatch
from flarewise.knowledge import load_vocabulary

from .conftest import CORPORA, corpus

#: read at collection time to build the parameter lists (empty without the corpus, and then
#: test_the_corpus_covers_every_schema_read skips, or fails under CI)
OMH = CORPORA / "openmhealth"


def omh() -> Path:
    """The Open mHealth corpus (skips, or fails under CI, when it is missing)."""
    return corpus("openmhealth")


def _samples(verdict: str) -> list[tuple[str, str, Path]]:
    out = []
    if not OMH.exists():
        return out
    for name in (*SUPPORTED, "data-point", "header"):
        for version in sorted((OMH / "test-data" / "omh" / name).iterdir()):
            for f in sorted((version / verdict).glob("*.json")):
                out.append((name, version.name, f))
    return out


PASS = _samples("shouldPass")
FAIL = _samples("shouldFail")


def test_the_corpus_covers_every_schema_read() -> None:
    omh()  # the parametrised sample tests below are empty without it: say so here
    names = {n for n, _, _ in PASS}
    assert set(SUPPORTED) <= names
    assert len(PASS) >= 40 and len(FAIL) >= 40


@pytest.mark.parametrize(
    ("name", "version", "path"), PASS, ids=[f"{n}-{v}-{p.stem}" for n, v, p in PASS]
)
def test_should_pass_samples_are_accepted(name: str, version: str, path: Path) -> None:
    validate(name, version, json.loads(path.read_text()))


@pytest.mark.parametrize(
    ("name", "version", "path"), FAIL, ids=[f"{n}-{v}-{p.stem}" for n, v, p in FAIL]
)
def test_should_fail_samples_are_rejected_saying_why(name: str, version: str, path: Path) -> None:
    body = json.loads(path.read_text())
    with pytest.raises(OmhInvalid) as info:
        validate(name, version, body)
    message = str(info.value)
    assert f"omh:{name}" in message
    assert ": " in message.split(f"{version}:", 1)[-1]  # a field and a reason


def _point(name: str, version: str, body: object, i: int = 0) -> dict[str, object]:
    return {
        "header": {
            "id": f"00000000-0000-0000-0000-{i:012d}",
            "creation_date_time": "2024-03-01T08:00:00Z",
            "schema_id": {"namespace": "omh", "name": name, "version": version},
        },
        "body": body,
    }


def test_valid_samples_become_entries_or_a_reason() -> None:
    """Every shipped shouldPass body, wrapped in a data point, yields entries or a problem that
    says why it cannot be placed (a summary statistic, a duration longer than the night)."""
    omh()
    reader = OmhReader(load_vocabulary())
    batch = ImportBatch("samples")
    placed = 0
    for i, (name, version, path) in enumerate(PASS):
        if name in ("data-point", "header"):
            continue
        before = (len(batch.entries), len(batch.problems))
        reader.read_point(batch, path.name, _point(name, version, json.loads(path.read_text()), i))
        after = (len(batch.entries), len(batch.problems))
        assert after != before, f"{path} produced nothing and no reason"
        placed += after[0] - before[0]
    reasons = " ".join(p.reason for p in batch.problems)
    assert all("not valid" not in p.reason for p in batch.problems), reasons
    assert "summary" in reasons
    assert placed >= 20


def test_data_point_envelopes(tmp_path: Path) -> None:
    """The envelope is checked first (data-point schema), then the body against its own."""
    reader = OmhReader(load_vocabulary())
    for verdict in ("shouldPass", "shouldFail"):
        for f in sorted((omh() / "test-data/omh/data-point/1.0" / verdict).glob("*.json")):
            batch = ImportBatch(f.name)
            reader.read_point(batch, f.name, json.loads(f.read_text()))
            invalid = [p for p in batch.problems if "not valid omh:data-point" in p.reason]
            assert bool(invalid) == (verdict == "shouldFail"), (f, batch.problems)


def test_a_year_of_sample_data_points(journal: Journal) -> None:
    path = omh() / "sample-data-points" / "1yr.json"
    report = journal.import_file(path)
    assert report.format == "open-mhealth" and report.records > 1000
    kinds = {type(e) for e in journal.entries()}
    assert Measurement in kinds or Activity in kinds or Sleep in kinds
    not_read = dict(report.not_read)
    assert any(kind.startswith("Open mHealth omh:blood-pressure") for kind in not_read)
    assert report.to_json()["not_read"][0]["records"] == max(not_read.values())
    assert journal.import_file(path).entries_added == 0  # idempotent


def test_bare_bodies_with_a_named_schema(journal: Journal, tmp_path: Path) -> None:
    bodies = [
        {
            "step_count": {"value": 5000 + i, "unit": "steps"},
            "effective_time_frame": {
                "time_interval": {
                    "start_date_time": f"2024-03-0{i + 1}T06:00:00+01:00",
                    "end_date_time": f"2024-03-0{i + 1}T22:00:00+01:00",
                }
            },
        }
        for i in range(3)
    ] + [{"step_count": "lots"}]
    f = tmp_path / "steps.json"
    f.write_text(json.dumps(bodies))
    report = journal.import_file(f, omh_schema="step-count:3.0")
    assert report.entries_added == 3
    assert [p.record for p in report.problems] == ["item 4"]
    assert "step_count" in report.problems[0].reason
    steps = sorted(e.value for e in journal.entries() if isinstance(e, Measurement))
    assert steps == [5000, 5001, 5002]
    assert journal.import_file(f, omh_schema="step-count:3.0").entries_added == 0


def test_newline_delimited_points_and_units(journal: Journal, tmp_path: Path) -> None:
    lines = [
        _point(
            "body-weight",
            "2.0",
            {
                "body_weight": {"value": 150, "unit": "lb"},
                "effective_time_frame": {"date_time": "2024-03-01T07:00:00-05:00"},
            },
            1,
        ),
        _point(
            "body-temperature",
            "3.0",
            {
                "body_temperature": {"value": 98.6, "unit": "F"},
                "effective_time_frame": {"date_time": "2024-03-01T07:05:00-05:00"},
            },
            2,
        ),
        _point(
            "sleep-episode",
            "1.1",
            {
                "effective_time_frame": {
                    "time_interval": {
                        "start_date_time": "2024-02-29T23:00:00-05:00",
                        "duration": {"value": 8, "unit": "h"},
                    }
                },
                "total_sleep_time": {"value": 420, "unit": "min"},
                "number_of_awakenings": 2,
            },
            3,
        ),
    ]
    f = tmp_path / "points.ndjson"
    f.write_text("\n".join(json.dumps(p) for p in lines) + "\n{broken\n")
    report = journal.import_file(f)
    assert report.entries_added == 3 and report.problems[0].record == "line 4"
    by_metric = {e.metric: e for e in journal.entries() if isinstance(e, Measurement)}
    assert by_metric["body_mass"].value == pytest.approx(68.0388555)
    assert by_metric["body_temperature"].value == pytest.approx(37.0)
    (night,) = [e for e in journal.entries() if isinstance(e, Sleep)]
    assert night.asleep_minutes == 420 and night.awakenings == 2
    assert str(night.local_date) == "2024-03-01"


IEEE_SAMPLES = [
    (name, verdict, f)
    for name in ("time-frame", "time-interval")
    for verdict in ("shouldPass", "shouldFail")
    for f in sorted((OMH / "test-data" / "ieee" / name / "1.0" / verdict).glob("*.json"))
]


@pytest.mark.parametrize(
    ("name", "verdict", "path"),
    IEEE_SAMPLES,
    ids=[f"{n}-{v}-{p.stem}" for n, v, p in IEEE_SAMPLES],
)
def test_ieee_definitions_agree_with_ieee_samples(name: str, verdict: str, path: Path) -> None:
    """flarewise's statement of the IEEE 1752.1 time frame and time interval accepts every IEEE
    shouldPass sample of the corpus and rejects every shouldFail one."""
    from jsonschema import Draft7Validator

    from flarewise.importers.omh import _formats, _registry

    check = Draft7Validator(
        {"$ref": ieee1752.uri(name)}, registry=_registry(), format_checker=_formats()
    )
    errors = list(check.iter_errors(json.loads(path.read_text())))
    assert (errors == []) == (verdict == "shouldPass"), [e.message for e in errors]


def test_ieee_definitions_cover_every_ieee_reference() -> None:
    """Every IEEE address a shipped Open mHealth schema points to is defined, and each
    definition's own references stay inside the set."""
    shipped = Path(__file__).resolve().parents[1] / "src/flarewise/importers/omh_schemas"
    text = " ".join(f.read_text() for f in shipped.glob("*.json"))
    defined = ieee1752.definitions()
    ref = r'"\$ref":\s*"(' + re.escape(ieee1752.BASE) + r'[^"]+)"'
    pointed = set(re.findall(ref, text))
    assert len(pointed) == 3 and pointed <= set(defined)
    assert set(re.findall(ref, json.dumps(defined))) <= set(defined)


def test_newest_versions_map_like_the_older_ones(journal: Journal, tmp_path: Path) -> None:
    """body-weight 3.0 and body-temperature 4.0 (IEEE time frames) become measurements; a
    statistic over a period is reported, not stored as one day's value."""
    points = [
        _point(
            "body-weight",
            "3.0",
            {
                "body_weight": {"value": 150, "unit": "lb"},
                "effective_time_frame": {"date_time": "2024-03-02T07:00:00-05:00"},
            },
            1,
        ),
        _point(
            "body-temperature",
            "4.0",
            {
                "body_temperature": {"value": 98.6, "unit": "F"},
                "effective_time_frame": {
                    "time_interval": {
                        "end_date_time": "2024-03-02T07:10:00-05:00",
                        "duration": {"value": 10, "unit": "min"},
                    }
                },
                "temporal_relationship_to_sleep": "on waking",
            },
            2,
        ),
        _point(
            "body-weight",
            "3.0",
            {
                "body_weight": {"value": 68, "unit": "kg"},
                "effective_time_frame": {
                    "time_interval": {
                        "start_date_time": "2024-02-01T00:00:00Z",
                        "end_date_time": "2024-03-01T00:00:00Z",
                    }
                },
                "descriptive_statistic": "average",
            },
            3,
        ),
        _point(
            "body-temperature",
            "4.0",
            {
                "body_temperature": {"value": 36.6, "unit": "C"},
                "effective_time_frame": {
                    "time_interval": {
                        "start_date_time": "2024-03-02T07:00:00Z",
                        "end_date_time": "2024-03-02T07:05:00Z",
                        "duration": {"value": 5, "unit": "min"},
                    }
                },
            },
            4,
        ),
    ]
    path = tmp_path / "newest.json"
    path.write_text(json.dumps(points))
    report = journal.import_file(path)
    by_metric = {e.metric: e for e in journal.entries() if isinstance(e, Measurement)}
    assert by_metric["body_mass"].value == pytest.approx(68.0388555)
    assert by_metric["body_temperature"].value == pytest.approx(37.0)
    assert str(by_metric["body_temperature"].local_date) == "2024-03-02"
    reasons = [p.reason for p in report.problems]
    assert len(reasons) == 2, reasons
    assert any("summary (average over a period)" in r for r in reasons)
    # start, end and duration together: IEEE allows exactly two of them
    assert any("not valid omh:body-temperature:4.0: effective_time_frame" in r for r in reasons)


def test_the_shipped_schemas_are_the_corpus_schemas() -> None:
    """The schemas shipped in the package are unmodified copies of the official ones."""
    shipped = Path(__file__).resolve().parents[1] / "src/flarewise/importers/omh_schemas"
    files = sorted(shipped.glob("*.json"))
    assert len(files) > 40
    for f in files:
        assert f.read_bytes() == (omh() / "schema" / "omh" / f.name).read_bytes(), f.name


def test_every_other_corpus_sample_is_refused_cleanly() -> None:
    """Samples of schemas flarewise does not read (other omh schemas, granola, ieee), wrapped
    in a data point, are skipped with the schema named, or (a body that is not even a JSON
    object) refused by the data-point check with its reason: never a crash, never an entry."""
    reader = OmhReader(load_vocabulary())
    batch = ImportBatch("others")
    seen = 0
    for f in sorted((omh() / "test-data").glob("*/*/*/*/*.json")):
        namespace, name, version = f.parts[-5], f.parts[-4], f.parts[-3]
        if namespace == "omh" and name in (*SUPPORTED, "data-point", "header"):
            continue
        point = _point(name, version, json.loads(f.read_text()), seen)
        point["header"]["schema_id"]["namespace"] = namespace  # type: ignore[index]
        reader.read_point(batch, f.name, point)
        seen += 1
    assert seen > 500
    assert batch.entries == []
    assert all("not valid omh:data-point:1.0: body" in p.reason for p in batch.problems)
    assert sum(batch.not_read.values()) + len(batch.problems) == seen
    assert all(kind.startswith("Open mHealth ") for kind in batch.not_read)
