"""What each daily measure means for analysis: how a day's entries add up, whether a day
without an entry counts as "none", when in the day it happens, and the unit an effect is
quoted per. One table, so the grid, the time-order rules of the trigger screen and the wording
of an effect all read the same meaning (analysis-methods.md 2.2 steps 1, 2b and 5).

Time of day matters because the grid keys a night's sleep to the date it *ends*: the sleep
on day d is the night before d, so it can follow day d-1's exposures but never day d's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Daily = Literal["sum", "mean", "max", "any"]
Timing = Literal["night", "day"]
#: When a day without an entry of the measure counts as 0 rather than unknown:
#: "family" = on days with another entry of its family (no wheat at a logged meal),
#: "diary" = on any day with any diary entry (no walk logged on a day you wrote your diary),
#: "never" = a missing value stays unknown (a score, a device reading).
ZeroWhen = Literal["family", "diary", "never"]


@dataclass(frozen=True)
class MeasureKind:
    daily: Daily
    zero_when: ZeroWhen
    timing: Timing
    unit: str  # the unit in words, plural ("hours of sleep", "minutes", "points")
    binary: bool = False  # read as "on days with X vs days without"


_FAMILIES: dict[str, MeasureKind] = {
    "symptom": MeasureKind("mean", "never", "day", "points"),
    "body": MeasureKind("max", "never", "day", "painful sites"),
    "intake": MeasureKind("any", "diary", "day", "", binary=True),
    "skipped": MeasureKind("any", "diary", "day", "", binary=True),
    "dose": MeasureKind("sum", "diary", "day", "units"),
    "activity": MeasureKind("sum", "diary", "day", "minutes"),
    "exercise": MeasureKind("sum", "diary", "day", "minutes"),
    "mindbody": MeasureKind("sum", "diary", "day", "minutes"),
    "therapy": MeasureKind("sum", "diary", "day", "minutes"),
    "food": MeasureKind("any", "family", "day", "", binary=True),
    "food_group": MeasureKind("any", "family", "day", "", binary=True),
    "event": MeasureKind("any", "diary", "day", "", binary=True),
    "lab": MeasureKind("mean", "never", "day", "units"),
    "metric": MeasureKind("mean", "never", "day", "units"),
    "custom": MeasureKind("mean", "never", "day", "points"),
}
_SLEEP: dict[str, MeasureKind] = {
    "sleep:hours": MeasureKind("sum", "never", "night", "hours of sleep"),
    "sleep:in_bed_hours": MeasureKind("sum", "never", "night", "hours in bed"),
    "sleep:quality": MeasureKind("mean", "never", "night", "points of sleep quality"),
    "sleep:awakenings": MeasureKind("sum", "never", "night", "awakenings"),
    # scored in the morning check-in about the night that just ended
    "symptom:sleep_quality": MeasureKind("mean", "never", "night", "points"),
    "symptom:unrefreshed_waking": MeasureKind("mean", "never", "night", "points"),
}
#: Device metrics in words (the vocabulary's unit codes are for machines).
METRIC_UNITS: dict[str, str] = {
    "steps": "steps",
    "distance_walking_running": "metres walked or run",
    "active_energy": "kcal of active energy",
    "dietary_energy": "kcal eaten",
    "water": "mL of water",
    "caffeine": "mg of caffeine",
    "heart_rate": "beats a minute of heart rate",
    "resting_heart_rate": "beats a minute of resting heart rate",
    "hrv_sdnn": "ms of heart rate variability",
    "body_mass": "kg of body weight",
    "body_temperature": "°C of body temperature",
    "respiratory_rate": "breaths a minute",
    "oxygen_saturation": "percentage points of oxygen saturation",
    "blood_pressure_systolic": "mmHg of systolic blood pressure",
    "blood_pressure_diastolic": "mmHg of diastolic blood pressure",
}
_DEFAULT = MeasureKind("mean", "never", "day", "units")


def measure_kind(measure: str, daily: Mapping[str, Daily] | None = None) -> MeasureKind:
    """The kind of a grid measure (``family:item``). ``daily`` overrides the daily statistic
    for measures whose meaning is per item (a device metric: steps are a daily total, heart
    rate a daily mean; a custom trackable: a count is summed, a yes/no is "any")."""
    if measure in _SLEEP:
        return _SLEEP[measure]
    family, _, item = measure.partition(":")
    kind = _FAMILIES.get(family, _DEFAULT)
    if family == "metric":
        unit = METRIC_UNITS.get(item, "units")
        stat = (daily or {}).get(measure, "sum" if item == "steps" else "mean")
        return MeasureKind(stat, "never", "day", unit)
    if daily and measure in daily:
        stat = daily[measure]
        return MeasureKind(stat, kind.zero_when, kind.timing, kind.unit, stat == "any")
    return kind


def allowed_lag(exposure: MeasureKind, outcome: MeasureKind, lag: int) -> bool:
    """Whether the exposure on day d - lag can precede the outcome recorded on day d.

    A night's sleep is recorded on the day it ends, so a daytime exposure on day d happens after
    the sleep recorded on day d: lag 0 from a daytime exposure to a night measure is backwards
    in time and never tested (lag 1, yesterday's exposure before last night's sleep, is). Last
    night's sleep precedes today's daytime outcomes, so lag 0 from night to day is forward.
    Two daytime measures on the same day are tested at lag 0, but their order is unknown."""
    return not (lag == 0 and exposure.timing == "day" and outcome.timing == "night")


def same_day_order_unknown(exposure: MeasureKind, outcome: MeasureKind) -> bool:
    """Both happen in the day: a same-day association cannot say which came first."""
    return exposure.timing == outcome.timing


def per_unit(sd: float, kind: MeasureKind) -> float:
    """The step an effect is quoted per: 1 for yes/no and scores, else a round power of ten
    near one standard deviation (per 1,000 steps, per 10 minutes)."""
    if kind.binary or not sd > 0 or sd < 10:
        return 1.0
    return float(10 ** math.floor(math.log10(sd)))


def unit_words(kind: MeasureKind, name: str, per: float) -> str:
    """The unit an effect is quoted per, in words: "on days with gluten grains vs days
    without", "per extra hour of sleep", "per 1,000 steps", "per point of stress"."""
    if kind.binary:
        return f"on days with {name} vs days without"
    unit = kind.unit
    if per == 1.0:
        singular = {
            "hours of sleep": "extra hour of sleep",
            "hours in bed": "extra hour in bed",
            "points of sleep quality": "point of sleep quality",
            "awakenings": "extra awakening",
            "points": f"point of {name}",
            "minutes": f"minute of {name}",
            "painful sites": "extra painful site",
            "units": f"unit of {name}",
        }
        return f"per {singular.get(unit, unit)}"
    amount = f"{per:,.0f}"
    if unit == "minutes":
        return f"per {amount} minutes of {name}"
    if unit in ("units", "points"):
        return f"per {amount} {unit} of {name}"
    return f"per {amount} {unit}"


def outcome_unit(kind: MeasureKind) -> str:
    """The outcome's unit in words for an effect ("points", "hours")."""
    short = {
        "hours of sleep": "hours",
        "hours in bed": "hours",
        "points of sleep quality": "points",
    }
    return short.get(kind.unit, kind.unit) or "points"


_NAMES = {
    "sleep:hours": "hours slept",
    "sleep:in_bed_hours": "hours in bed",
    "sleep:quality": "sleep quality",
    "sleep:awakenings": "night awakenings",
    "exercise:minutes": "exercise",
    "mindbody:minutes": "mind-body practice",
    "body:painful_sites": "painful sites",
}


def default_name(measure: str) -> str:
    """A measure's name in words when no vocabulary name is given ("sleep:hours" -> "hours
    slept", "food_group:gluten_grains" -> "gluten grains"): never the raw id."""
    if measure in _NAMES:
        return _NAMES[measure]
    return measure.partition(":")[2].replace("_", " ") or measure
