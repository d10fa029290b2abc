"""Apple Health quantity samples summed per local day: the part of the mapping that runs
where the XML is parsed (apple_health_scan.py, a child process for a large export).

Why here: heart rate, steps, distance and active energy are nearly all of an export's records,
and each only adds to its day's total. Summing them beside the parser means the parser hands
on a few thousand day totals instead of every sample, so neither pickling nor the mapping
process pays per sample. This module needs nothing heavier than the standard library: the
plausible ranges arrive as numbers, and refusals that need the vocabulary's words for their
sentence (an implausible value) are handed on as rows for the mapping to phrase.

Rows handed on (in file order, among the other records' rows):
- ``("S", line, metric, value, startDate, sourceName)``: a per-sample quantity (resting heart
  rate, HRV, weight, blood pressure...), checked, for the mapping to store as a measurement;
- ``("P", line, field, reason)``: a refused sample and why;
- ``("I", line, metric, value, unit)``: a sample outside the metric's plausible range.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Any

from flarewise.importers.units import ENERGY_KCAL, LENGTH_M, MASS_KG

#: Day-summed quantities: type -> (metric, {unit: factor to the metric's unit}).
DAILY_SUM = {
    "HKQuantityTypeIdentifierStepCount": ("steps", {"count": 1.0}),
    "HKQuantityTypeIdentifierDistanceWalkingRunning": (
        "distance_walking_running",
        LENGTH_M,
    ),
    "HKQuantityTypeIdentifierActiveEnergyBurned": ("active_energy", ENERGY_KCAL),
    "HKQuantityTypeIdentifierDietaryEnergyConsumed": ("dietary_energy", ENERGY_KCAL),
    "HKQuantityTypeIdentifierDietaryWater": (
        "water",
        {"mL": 1.0, "L": 1000.0, "fl_oz_us": 29.5735},
    ),
    "HKQuantityTypeIdentifierDietaryCaffeine": ("caffeine", {"mg": 1.0, "g": 1000.0}),
}
#: Per-sample quantities: type -> (metric, {unit: factor}).
SAMPLES = {
    "HKQuantityTypeIdentifierRestingHeartRate": ("resting_heart_rate", {"count/min": 1.0}),
    "HKQuantityTypeIdentifierHeartRateVariabilitySDNN": ("hrv_sdnn", {"ms": 1.0}),
    "HKQuantityTypeIdentifierBodyMass": ("body_mass", MASS_KG),
    "HKQuantityTypeIdentifierBodyTemperature": ("body_temperature", {"degC": 1.0}),
    "HKQuantityTypeIdentifierRespiratoryRate": ("respiratory_rate", {"count/min": 1.0}),
    "HKQuantityTypeIdentifierOxygenSaturation": ("oxygen_saturation", {"%": 100.0}),
    "HKQuantityTypeIdentifierBloodPressureSystolic": ("blood_pressure_systolic", {"mmHg": 1.0}),
    "HKQuantityTypeIdentifierBloodPressureDiastolic": ("blood_pressure_diastolic", {"mmHg": 1.0}),
}
HEART_RATE = "HKQuantityTypeIdentifierHeartRate"
QUANTITIES = frozenset([*DAILY_SUM, *SAMPLES, HEART_RATE])
METRIC_UNITS = {
    "steps": "count",
    "distance_walking_running": "m",
    "active_energy": "kcal",
    "dietary_energy": "kcal",
    "water": "mL",
    "caffeine": "mg",
    "heart_rate": "/min",
    "resting_heart_rate": "/min",
    "hrv_sdnn": "ms",
    "body_mass": "kg",
    "body_temperature": "Cel",
    "respiratory_rate": "/min",
    "oxygen_saturation": "%",
    "blood_pressure_systolic": "mm[Hg]",
    "blood_pressure_diastolic": "mm[Hg]",
}

_ZONES: dict[str, timezone] = {}
_PLACED: dict[str, tuple[date, int]] = {}


def _zone(text: str) -> timezone:
    tz = _ZONES.get(text)
    if tz is None:
        sign = -1 if text[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(text[1:3]), minutes=int(text[3:5])))
        _ZONES[text] = tz
    return tz


def parse_when(text: str | None) -> datetime | None:
    """``2016-05-31 21:07:06 +0100`` (the export's format). The fixed layout is sliced
    directly (strptime was 60% of an import's time); anything else goes through strptime."""
    if not text:
        return None
    s = text.strip()
    if len(s) == 25 and s[4] == "-" and s[10] == " " and s[19] == " " and s[20] in "+-":
        try:
            return datetime(
                int(s[0:4]),
                int(s[5:7]),
                int(s[8:10]),
                int(s[11:13]),
                int(s[14:16]),
                int(s[17:19]),
                tzinfo=_zone(s[20:]),
            )
        except ValueError:
            return None
    try:
        return datetime.strptime(s, "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None


def local_day(text: str) -> tuple[date, int] | None:
    """The local date and UTC offset (minutes) of a timestamp, without building a datetime
    (most records only count towards a day). Cached per date and zone: an export has a few
    thousand of those and hundreds of thousands of records."""
    if len(text) == 25 and text[10] == " " and text[20] in "+-":
        key = text[:10] + text[20:]
        hit = _PLACED.get(key)
        if hit is not None:
            return hit
        when = parse_when(text)
        if when is None:
            return None
        offset = when.utcoffset()
        placed = (when.date(), int(offset.total_seconds() // 60) if offset else 0)
        _PLACED[key] = placed
        return placed
    when = parse_when(text)
    if when is None:
        return None
    offset = when.utcoffset()
    return when.date(), int(offset.total_seconds() // 60) if offset else 0


#: (low, high) of each metric with a plausible range (knowledge/data/plausibility.yaml).
Bounds = dict[str, tuple[float, float]]


class DayTotals:
    """Quantity samples of one export (or one part of it), summed per metric, local day and
    source (steps, distance, energy, dietary), or per day (heart rate: sum and count for the
    mean); the first UTC offset seen on each day. ``add`` checks one sample as the mapping
    always did and appends the rows the mapping still needs to ``out``."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.daily: dict[tuple[str, date, str], float] = defaultdict(float)
        self.hr: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self.offsets: dict[date, int] = {}
        #: local dates a sample may fall on: from 1900 to tomorrow by the machine's clock (a
        #: watch with a wrong clock writes years ahead; such samples are reported, not summed)
        self.first_day = date(1900, 1, 1)
        self.last_day = date.today() + timedelta(days=1)

    def add(
        self,
        line: int,
        kind: str,
        shown: str | None,
        text: str | None,
        unit: str | None,
        source: str,
        out: list[Any],
    ) -> None:
        placed = local_day(shown) if shown else None
        if placed is None:
            reason = (
                "is missing"
                if shown is None
                else f"{shown!r} is not a date like 2016-05-31 21:07:06 +0100"
            )
            out.append(("P", line, "startDate", f"{reason}; record skipped"))
            return
        try:
            value = float(text if text is not None else "")
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            out.append(("P", line, "value", f"{text!r} is not a number; record skipped"))
            return
        day, offset = placed
        if not self.first_day <= day <= self.last_day:
            when = "before 1900" if day < self.first_day else "in the future (a wrong clock?)"
            out.append(("P", line, "startDate", f"{shown!r} is {when}; record skipped"))
            return
        if day not in self.offsets:
            self.offsets[day] = offset
        if kind == HEART_RATE:
            low, high = self.bounds.get("heart_rate", _ANY)
            if not low <= value <= high:
                out.append(("I", line, "heart_rate", value, "/min"))
                return
            slot = self.hr[day]
            slot[0] += value
            slot[1] += 1
            return
        metric, units = DAILY_SUM.get(kind) or SAMPLES[kind]
        if unit not in units:
            out.append(
                (
                    "P",
                    line,
                    "unit",
                    f"{unit!r} is not a unit flarewise reads for {kind}; record skipped",
                )
            )
            return
        value *= units[unit]
        low, high = self.bounds.get(metric, _ANY)
        if not low <= value <= high:
            out.append(("I", line, metric, value, METRIC_UNITS[metric]))
            return
        if kind in DAILY_SUM:
            self.daily[(metric, day, source)] += value
            return
        out.append(("S", line, metric, value, shown, source))

    def message(self) -> tuple[Any, ...]:
        """("days", totals, heart rate sums, offsets) in plain dicts, to pickle."""
        return (
            "days",
            dict(self.daily),
            {d: (s, n) for d, (s, n) in self.hr.items()},
            dict(self.offsets),
        )


_ANY = (-math.inf, math.inf)
