"""A realistic synthetic Apple Health ``export.xml`` of a chosen size, for the import benchmark.

Shape (modelled on the corpus files, HealthKit export version 14): Apple's DTD header, a Me
element, then per day: watch heart rate every ~6 minutes while awake with a motion-context
MetadataEntry, step counts and walking distance from the phone and the watch (overlapping, as in
real exports), active energy in 10-minute slices, a few HRV (SDNN) samples with their nested
beat-to-beat list, resting heart rate, sleep analysis stages across midnight, mindful sessions,
a workout every other day with events and statistics, weekly body mass, occasional blood pressure
in a Correlation (also at top level) and dietary caffeine. Deterministic (fixed seed).

    python benchmarks/apple_health_export.py OUT.xml --mb 300
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate value CDATA #REQUIRED>
<!ELEMENT Me EMPTY>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED
  sourceName CDATA #REQUIRED sourceVersion CDATA #IMPLIED device CDATA #IMPLIED
  creationDate CDATA #IMPLIED startDate CDATA #REQUIRED endDate CDATA #REQUIRED>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry key CDATA #REQUIRED value CDATA #REQUIRED>
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute bpm CDATA #REQUIRED time CDATA #REQUIRED>
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutStatistics|WorkoutRoute)*)>
<!ELEMENT WorkoutEvent EMPTY>
<!ELEMENT WorkoutStatistics EMPTY>
]>
<HealthData locale="en_GB">
 <ExportDate value="2026-11-01 08:00:00 +0000"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
"""
WATCH = 'sourceName="Alice’s Apple Watch" sourceVersion="10.1" device="&lt;&lt;HKDevice: 0x283a2d0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:10.1&gt;"'
PHONE = 'sourceName="Alice’s iPhone" sourceVersion="17.1"'


def _t(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S +0000")


def _record(
    out: IO[str],
    kind: str,
    src: str,
    unit: str,
    value: str,
    start: datetime,
    end: datetime,
    inner: str = "",
) -> None:
    head = (
        f' <Record type="{kind}" {src} unit="{unit}" creationDate="{_t(end)}" '
        f'startDate="{_t(start)}" endDate="{_t(end)}" value="{value}"'
    )
    out.write(head + (f">\n{inner} </Record>\n" if inner else "/>\n"))


def _day(out: IO[str], day: datetime, rng: random.Random) -> None:
    hk = "HKQuantityTypeIdentifier"
    # heart rate while awake, every ~6 minutes
    t = day + timedelta(hours=7)
    while t < day + timedelta(hours=23):
        meta = '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="0"/>\n'
        _record(out, hk + "HeartRate", WATCH, "count/min", str(rng.randint(58, 110)), t, t, meta)
        t += timedelta(minutes=rng.randint(4, 8))
    # steps, distance (phone and watch overlap) and active energy in 10-minute slices
    t = day + timedelta(hours=7)
    while t < day + timedelta(hours=22):
        end = t + timedelta(minutes=10)
        steps = rng.randint(0, 900)
        for src in (PHONE, WATCH):
            _record(
                out,
                hk + "StepCount",
                src,
                "count",
                str(steps + rng.randint(-40, 40) if steps > 40 else steps),
                t,
                end,
            )
            _record(out, hk + "DistanceWalkingRunning", src, "km", f"{steps * 0.00072:.5f}", t, end)
        _record(
            out, hk + "ActiveEnergyBurned", WATCH, "kcal", f"{rng.uniform(0.5, 40):.3f}", t, end
        )
        t = end
    # HRV with the beat-to-beat list
    for h in (3, 9, 15, 21):
        at = day + timedelta(hours=h, minutes=rng.randint(0, 50))
        beats = "".join(
            f'   <InstantaneousBeatsPerMinute bpm="{rng.randint(55, 80)}" time="{h}:{i:02d}:00.00"/>\n'
            for i in range(60)
        )
        inner = (
            f"  <HeartRateVariabilityMetadataList>\n{beats}  </HeartRateVariabilityMetadataList>\n"
        )
        _record(
            out,
            hk + "HeartRateVariabilitySDNN",
            WATCH,
            "ms",
            f"{rng.uniform(20, 70):.2f}",
            at,
            at + timedelta(minutes=1),
            inner,
        )
    _record(
        out,
        hk + "RestingHeartRate",
        WATCH,
        "count/min",
        str(rng.randint(55, 68)),
        day + timedelta(hours=6),
        day + timedelta(hours=22),
    )
    # sleep stages across midnight (night ending this morning)
    t = day - timedelta(hours=1, minutes=rng.randint(0, 60))
    _record(
        out,
        "HKCategoryTypeIdentifierSleepAnalysis",
        WATCH,
        "",
        "HKCategoryValueSleepAnalysisInBed",
        t,
        day + timedelta(hours=7),
    )
    while t < day + timedelta(hours=6, minutes=30):
        end = t + timedelta(minutes=rng.randint(10, 50))
        stage = rng.choice(["AsleepCore", "AsleepCore", "AsleepDeep", "AsleepREM", "Awake"])
        _record(
            out,
            "HKCategoryTypeIdentifierSleepAnalysis",
            WATCH,
            "",
            f"HKCategoryValueSleepAnalysis{stage}",
            t,
            end,
        )
        t = end
    if rng.random() < 0.5:
        at = day + timedelta(hours=20)
        _record(
            out,
            "HKCategoryTypeIdentifierMindfulSession",
            PHONE,
            "",
            "",
            at,
            at + timedelta(minutes=10),
        )
    if day.weekday() == 0:
        _record(
            out,
            hk + "BodyMass",
            PHONE,
            "kg",
            f"{rng.uniform(66, 70):.1f}",
            day + timedelta(hours=7),
            day + timedelta(hours=7),
        )
    _record(
        out,
        hk + "DietaryCaffeine",
        PHONE,
        "mg",
        "95",
        day + timedelta(hours=8),
        day + timedelta(hours=8),
    )
    if rng.random() < 0.2:
        at = day + timedelta(hours=9)
        sys_, dia = rng.randint(105, 135), rng.randint(65, 88)
        inner = (
            f' <Record type="{hk}BloodPressureSystolic" {PHONE} unit="mmHg" startDate="{_t(at)}" endDate="{_t(at)}" value="{sys_}"/>\n'
            f' <Record type="{hk}BloodPressureDiastolic" {PHONE} unit="mmHg" startDate="{_t(at)}" endDate="{_t(at)}" value="{dia}"/>\n'
        )
        out.write(
            f' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" {PHONE} startDate="{_t(at)}" endDate="{_t(at)}">\n{inner} </Correlation>\n'
        )
        out.write(inner)
    if day.toordinal() % 2 == 0:
        start = day + timedelta(hours=18)
        end = start + timedelta(minutes=rng.randint(20, 60))
        minutes = (end - start).total_seconds() / 60
        out.write(
            f' <Workout workoutActivityType="HKWorkoutActivityTypeWalking" duration="{minutes:.2f}" '
            f'durationUnit="min" {WATCH} startDate="{_t(start)}" endDate="{_t(end)}">\n'
            '  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n'
            f'  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="{_t(start)}" duration="10" durationUnit="min"/>\n'
            f'  <WorkoutStatistics type="{hk}ActiveEnergyBurned" startDate="{_t(start)}" endDate="{_t(end)}" sum="{minutes * 4:.1f}" unit="kcal"/>\n'
            " </Workout>\n"
        )


def generate(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write an export of about ``megabytes`` MB; returns the number of days it covers."""
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    day = datetime(2019, 1, 1)
    days = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        while out.tell() < target:
            _day(out, day, rng)
            day += timedelta(days=1)
            days += 1
        out.write("</HealthData>\n")
    return days


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--mb", type=float, default=300.0)
    args = parser.parse_args()
    days = generate(args.out, args.mb)
    print(f"{args.out}: {args.out.stat().st_size / 1e6:.0f} MB, {days} days")


if __name__ == "__main__":
    main()
