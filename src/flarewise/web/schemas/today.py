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


class TodayPage(Answer):
    title: str
    date: str
    shown: str
    previous: str
    next: Any
    idempotency_key: str
    has_yesterday: bool
    same_as_yesterday: bool
    scales: list[TodayPageScales]
    trackables: list[TodayPageTrackables]
    sites: list[TodayPageSites]
    checked_sites: list[Any]
    offered: list[TodayPageOffered]
    foods: list[TodayPageFoods]
    activities: list[TodayPageActivities]
    entries: list[TodayPageEntries]
    welcome: bool
    saved: Any


class EntryPageEntry(Answer):
    kind: str
    id: str
    at: str
    comment: Any
    source: str
    source_key: Any
    scores: dict[str, float]
    pain_sites: list[Any]


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
    scales: list[EntryPageScales]
    sites: list[EntryPageSites]


__all__ = [
    "EntryPage",
    "EntryPageEntry",
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
