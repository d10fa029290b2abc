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


class AccountPage(Answer):
    title: str
    handle: str
    entries: int
    done: Any
    profile: AccountPageProfile
    ask_populations: bool
    role: str
    must_change_password: bool
    who_looked: list[AuditAnswer]


__all__ = [
    "AccountPage",
    "AccountPageProfile",
]
