"""A large Apple Health export is parsed by child processes (two parts of a plain XML file at
once, or one child for a zip member) while the importing process maps and writes: the outcome
must be the one a single in-process parse gives, problems and their line numbers included,
whatever goes wrong (a cut or damaged file, a child that cannot run)."""

from __future__ import annotations

import math
import random
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flarewise import Journal
from flarewise.importers import apple_health, apple_health_scan
from flarewise.importers.apple_health import AppleHealthReader
from flarewise.importers.report import ImportBatch

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT Record ((MetadataEntry)*)>
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
]>
<HealthData locale="en_GB">
 <ExportDate value="2024-06-01 10:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
"""
EVERYWHERE = 10**15  # parallel_from: never in a child
HR = "HKQuantityTypeIdentifierHeartRate"


def _stamp(at: datetime, zone: str = "+0100") -> str:
    return f"{at:%Y-%m-%d %H:%M:%S} {zone}"


def _record(kind: str, at: datetime, value: str, unit: str, source: str = "Watch") -> str:
    return (
        f' <Record type="{kind}" sourceName="{source}" unit="{unit}" '
        f'startDate="{_stamp(at)}" endDate="{_stamp(at + timedelta(minutes=5))}" '
        f'value="{value}"/>\n'
    )


def export(path: Path, days: int = 60, correlation_in_the_middle: bool = False) -> Path:
    """A synthetic export of about 100 kB a day: watch heart rate, phone and watch steps,
    sleep, workouts with statistics, blood pressure in a Correlation (and at top level), body
    mass, a type flarewise does not read, and a few bad records in every part of the file."""
    rng = random.Random(3)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        start = datetime(2023, 3, 20)
        for d in range(days):
            day = start + timedelta(days=d)
            if correlation_in_the_middle and d == days // 2:
                out.write(
                    f' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" '
                    f'sourceName="Cuff" startDate="{_stamp(day)}" endDate="{_stamp(day)}">\n'
                )
                for i in range(4000):  # a huge correlation around the middle of the file
                    out.write(
                        " "
                        + _record(
                            "HKQuantityTypeIdentifierBloodPressureSystolic",
                            day + timedelta(seconds=i),
                            "120",
                            "mmHg",
                            "Cuff",
                        )
                    )
                out.write(" </Correlation>\n")
            for i in range(150):
                at = day + timedelta(hours=7, minutes=6 * i)
                out.write(_record(HR, at, f"{rng.randint(55, 120)}", "count/min"))
            for source in ("iPhone", "Watch"):
                for i in range(40):
                    at = day + timedelta(hours=8, minutes=15 * i)
                    out.write(
                        _record(
                            "HKQuantityTypeIdentifierStepCount",
                            at,
                            f"{rng.randint(10, 400)}",
                            "count",
                            source,
                        )
                    )
            night = day - timedelta(hours=1)
            for stage, hours in (("AsleepCore", 3), ("AsleepDeep", 1), ("AsleepREM", 2)):
                out.write(
                    f' <Record type="HKCategoryTypeIdentifierSleepAnalysis" sourceName="Watch" '
                    f'startDate="{_stamp(night)}" '
                    f'endDate="{_stamp(night + timedelta(hours=hours))}" '
                    f'value="HKCategoryValueSleepAnalysis{stage}"/>\n'
                )
                night += timedelta(hours=hours)
            if d % 2 == 0:
                out.write(
                    f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="31.5" '
                    f'durationUnit="min" sourceName="Watch" startDate="{_stamp(day)}" '
                    f'endDate="{_stamp(day + timedelta(minutes=32))}">\n'
                    f'  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" '
                    f'startDate="{_stamp(day)}" endDate="{_stamp(day)}" sum="120.5" '
                    f'unit="kcal"/>\n </Workout>\n'
                )
            out.write(_record("HKQuantityTypeIdentifierBodyMass", day, "61.5", "kg", "Scale"))
            out.write(_record("HKQuantityTypeIdentifierFlightsClimbed", day, "3", "count"))
            if d % 7 == 3:  # bad records, spread over the whole file
                out.write(_record(HR, day, "fast", "count/min"))
                out.write(_record(HR, day, "900", "count/min"))
                out.write(_record("HKQuantityTypeIdentifierBodyMass", day, "61", "stone"))
        out.write("</HealthData>\n")
    return path


def outcome(path: Path, parallel_from: int) -> dict[str, Any]:
    """What a reader makes of ``path``: counts, entries (without their fresh ids), problems
    and what was not read."""
    batch: ImportBatch = AppleHealthReader(parallel_from=parallel_from).read(path)
    return {
        "records": batch.records,
        "entries": [e.model_dump(mode="json", exclude={"id"}) for e in batch.entries],
        "problems": [str(p) for p in batch.problems],
        "not_read": batch.not_read,
        "bytes": batch.done_bytes,
    }


def assert_same(parallel: dict[str, Any], single: dict[str, Any]) -> None:
    """Equal, except that a day's total summed in two parts may differ in the last digit."""
    assert parallel["records"] == single["records"]
    assert parallel["problems"] == single["problems"]
    assert parallel["not_read"] == single["not_read"]
    assert len(parallel["entries"]) == len(single["entries"])
    for ours, theirs in zip(parallel["entries"], single["entries"], strict=True):
        assert ours.keys() == theirs.keys()
        for key, value in ours.items():
            if isinstance(value, float):
                assert math.isclose(value, theirs[key], rel_tol=1e-12), key
            else:
                assert value == theirs[key], key


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(tmp_path_factory.mktemp("ah") / "export.xml")


@pytest.fixture(scope="module")
def single(big: Path) -> dict[str, Any]:
    return outcome(big, EVERYWHERE)


def test_two_parsing_children_give_what_one_parse_gives(big: Path, single: dict[str, Any]) -> None:
    cut = apple_health_scan.split_point(big)
    assert cut is not None
    text = big.read_bytes()
    assert text[cut:].startswith(b"<Record ")
    cut_line = text[:cut].count(b"\n") + 1
    lines = [int(p.split(", ")[1].removeprefix("line ")) for p in single["problems"]]
    assert min(lines) < cut_line < max(lines)  # problems on both sides of the cut
    parallel = outcome(big, 0)
    assert_same(parallel, single)
    assert parallel["bytes"] == big.stat().st_size  # progress reaches the end of the file
    assert single["records"] > 10_000 and len(single["entries"]) > 100


def test_problems_name_the_files_own_lines(big: Path, single: dict[str, Any]) -> None:
    """The DOCTYPE is blanked, not removed: "line N" is line N in an editor."""
    lines = big.read_text().splitlines()
    for problem in single["problems"][:20]:
        number = int(problem.split(", ")[1].removeprefix("line "))
        assert (
            'value="fast"' in lines[number - 1]
            or "900" in lines[number - 1]
            or ("stone" in lines[number - 1])
        )


def test_a_file_cut_in_its_second_part(tmp_path: Path, big: Path) -> None:
    cut_file = tmp_path / "cut.xml"
    data = big.read_bytes()
    cut_file.write_bytes(data[: len(data) - 5000 - 37])
    single = outcome(cut_file, EVERYWHERE)
    assert "the file is cut or damaged here" in single["problems"][-1]
    assert_same(outcome(cut_file, 0), single)


def test_damage_in_the_first_part_keeps_nothing_after_it(tmp_path: Path, big: Path) -> None:
    damaged = tmp_path / "damaged.xml"
    data = big.read_bytes()
    at = data.index(b"<Record", len(data) // 5)
    damaged.write_bytes(data[:at] + b"<Record <<< " + data[at:])
    single = outcome(damaged, EVERYWHERE)
    assert "the file is cut or damaged here" in single["problems"][-1]
    assert single["records"] < outcome(big, EVERYWHERE)["records"] // 3
    assert_same(outcome(damaged, 0), single)


def test_a_parser_that_cannot_run_is_replaced_in_process(
    big: Path, single: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A child that dies without its last word (here it cannot even start) loses nothing:
    its part is read in this process instead."""
    monkeypatch.setattr(apple_health_scan.sys, "executable", "/bin/false")
    assert_same(outcome(big, 0), single)


def test_a_zip_member_is_parsed_by_one_child(tmp_path: Path, big: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(big, "apple_health_export/export.xml")
    single = outcome(archive, EVERYWHERE)
    parallel = outcome(archive, 0)
    assert parallel.pop("bytes") <= archive.stat().st_size
    single.pop("bytes")
    assert_same(parallel, single)


def test_the_cut_is_never_inside_a_correlation(tmp_path: Path) -> None:
    path = export(tmp_path / "export.xml", days=40, correlation_in_the_middle=True)
    data = path.read_bytes()
    opened = data.index(b"<Correlation")
    closed = data.index(b"</Correlation>")
    assert opened < len(data) // 2 < closed  # the middle of the file is inside it
    cut = apple_health_scan.split_point(path)
    assert cut is not None and cut > closed and data[cut:].startswith(b"<Record ")
    assert_same(outcome(path, 0), outcome(path, EVERYWHERE))


def test_a_parallel_import_is_idempotent_and_transactional(
    journal: Journal, big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apple_health, "PARALLEL_FROM_BYTES", 0)
    seen: list[int] = []
    first = journal.import_file(big, progress=lambda b: seen.append(b.done_bytes))
    assert first.entries_added > 100 and journal.count() == first.entries_added
    assert seen[-1] == big.stat().st_size and seen == sorted(seen)
    again = journal.import_file(big)
    assert again.entries_added == 0 and journal.count() == first.entries_added
