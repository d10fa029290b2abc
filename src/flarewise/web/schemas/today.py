"""The JSON the today page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class TodayPageScales(Answer):
    id: str
    name: str
    low: str
    high: str
    value: Any
    good: str
    direction: str


class TodayPageTrackables(Answer):
    id: str
    field: str
    name: str
    unit: Any
    control: str
    points: list[Any]
    stepper: bool
    low: str
    high: str
    good: str
    direction: str


class TodayPageSites(Answer):
    id: str
    label: str


class TodayPageOffered(Answer):
    key: str
    substance: str
    name: str
    dose: str
    done_today: bool
    checked: bool


class TodayPageFoods(Answer):
    id: str
    name: str


class TodayPageActivities(Answer):
    id: str
    name: str


class TodayPageEntries(Answer):
    id: str
    kind: str
    time: str
    text: str


class TodayPageExperiments(Answer):
    title: str
    instruction: str


class TodayPageYesterday(Answer):
    scores: dict[str, float]
    sites: list[str]
    doses: list[str]


class TodayPage(Answer):
    title: str
    date: str
    shown: str
    previous: str
    next: str | None
    idempotency_key: str
    has_yesterday: bool
    same_as_yesterday: bool
    yesterday: TodayPageYesterday | None
    scales: list[TodayPageScales]
    trackables: list[TodayPageTrackables]
    sites: list[TodayPageSites]
    checked_sites: list[Any]
    offered: list[TodayPageOffered]
    foods: list[TodayPageFoods]
    activities: list[TodayPageActivities]
    nudge: str | None
    experiments: list[TodayPageExperiments]
    entries: list[TodayPageEntries]
    welcome: bool
    saved: Any
    saved_message: str | None


class EntryPageEntryFoods(Answer):
    food: str
    amount: Any
    unit: Any


class EntryPageEntry(Answer):
    kind: str
    id: str
    at: str
    comment: str | None
    source: str
    source_key: str | None
    text: str | None = None
    scores: dict[str, float] | None = None
    pain_sites: list[str] | None = None
    instrument: str | None = None
    answers: dict[str, bool | float | list[str]] | None = None
    entered_by: str | None = None
    met: bool | None = None
    meal: str | None = None
    foods: list[EntryPageEntryFoods] | None = None
    substance: str | None = None
    form: str | None = None
    status: str | None = None
    amount: float | None = None
    unit: str | None = None
    basis: str | None = None
    route: str | None = None
    regimen_id: str | None = None
    bed_at: str | None = None
    asleep_minutes: float | None = None
    quality: float | None = None
    awakenings: float | None = None
    stage_minutes: dict[str, Any] | None = None
    trackable: str | None = None
    value: float | None = None
    practice: str | None = None
    minutes: float | None = None
    metric: str | None = None
    ends_at: Any = None
    activity: str | None = None
    intensity: str | None = None
    distance_km: Any = None
    energy_kcal: Any = None
    event: str | None = None
    detail: str | None = None
    severity: float | None = None


class EntryPageScales(Answer):
    id: str
    name: str
    value: float | None


class EntryPageSites(Answer):
    id: str
    label: str
    checked: bool


class EntryPage(Answer):
    title: str
    entry: EntryPageEntry
    text: str
    local_time: str
    scales: list[EntryPageScales] | None = None
    sites: list[EntryPageSites] | None = None


__all__ = [
    "EntryPage",
    "EntryPageEntry",
    "EntryPageEntryFoods",
    "EntryPageScales",
    "EntryPageSites",
    "TodayPage",
    "TodayPageActivities",
    "TodayPageEntries",
    "TodayPageFoods",
    "TodayPageOffered",
    "TodayPageScales",
    "TodayPageSites",
    "TodayPageTrackables",
]
