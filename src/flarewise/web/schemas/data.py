"""The JSON the data page answers with under /api/, declared for the OpenAPI document (derived
from real answers; tests/test_web_answers.py checks every /api GET route against these)."""

from __future__ import annotations

from typing import Any

from flarewise.web.schemas.base import Answer


class DataPage(Answer):
    title: str
    formats: list[str]
    exports: list[str]
    restored: Any
    entries: int


__all__ = [
    "DataPage",
]
