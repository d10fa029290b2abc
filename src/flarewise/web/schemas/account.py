"""The JSON the account page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer
from flarewise.web.schemas.sharing import AuditAnswer


class AccountPageProfile(Answer):
    sex: str
    birth_year: int
    pregnant: bool | None
    planning_pregnancy: Any
    breastfeeding: Any


class ReminderFeed(Answer):
    """The answer of making, revoking or re-timing the reminders: the state now; ``feed_url``
    only in the answer that made it (it is never shown again)."""

    checkin_time: str
    feed: bool
    feed_created: str | None
    feed_url: str | None


class SessionItem(Answer):
    """One live session: ``ref`` names it in a revoke request."""

    ref: str
    created: str
    last_seen: str | None
    client: str
    this_device: bool


class AccountSessions(Answer):
    sessions: list[SessionItem]


class TwoFactorState(Answer):
    """Whether two-step sign-in is on (the secret itself is never part of this)."""

    enabled: bool
    since: str | None
    recovery_codes_left: int
    awaiting_code: bool
    #: the account's role must use it (clinicians and administrators): it cannot be turned off
    required: bool


class TwoFactorEnrolment(Answer):
    """A secret awaiting its first code: type ``secret`` into the app, or scan ``uri``."""

    secret: str
    uri: str


class TwoFactorPage(Answer):
    title: str
    two_factor: TwoFactorState
    enrolment: TwoFactorEnrolment | None


class RecoveryCodes(Answer):
    """Ten recovery codes, each usable once, shown only in this answer."""

    recovery_codes: list[str]
    two_factor: TwoFactorState


class AccountPage(Answer):
    title: str
    handle: str
    entries: int
    done: Any
    profile: AccountPageProfile
    ask_populations: bool
    reminders: ReminderFeed
    two_factor: TwoFactorState
    sessions: list[SessionItem]
    role: str
    must_change_password: bool
    who_looked: list[AuditAnswer]


__all__ = [
    "AccountPage",
    "AccountPageProfile",
    "AccountSessions",
    "RecoveryCodes",
    "ReminderFeed",
    "SessionItem",
    "TwoFactorEnrolment",
    "TwoFactorPage",
    "TwoFactorState",
]
