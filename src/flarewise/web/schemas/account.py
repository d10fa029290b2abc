"""The JSON the account page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class AccountPageProfile(Answer):
    sex: str
    birth_year: int
    pregnant: bool | None
    planning_pregnancy: Any
    breastfeeding: Any


class AccountPageReminders(Answer):
    checkin_time: str
    feed: bool
    feed_created: str | None
    feed_url: str | None


class ReminderFeed(Answer):
    """The answer of making, revoking or re-timing the reminders: the state now; ``feed_url``
    only in the answer that made it (it is never shown again)."""

    checkin_time: str
    feed: bool
    feed_created: str | None
    feed_url: str | None


class AccountPage(Answer):
    title: str
    handle: str
    entries: int
    done: Any
    profile: AccountPageProfile
    ask_populations: bool
    reminders: AccountPageReminders


__all__ = [
    "AccountPage",
    "AccountPageProfile",
    "AccountPageReminders",
    "ReminderFeed",
]
