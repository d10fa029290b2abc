"""Stored JSON back to records, without SQLAlchemy: shared by the repository and the
driver-only reader (:mod:`flarewise.storage.lite`), so both read a record the same way."""

from __future__ import annotations

from typing import Any

from flarewise.domain.entries import reading_stored
from flarewise.domain.regimens import Regimen


def regimen_from_data(data: Any) -> Regimen:
    """A stored regimen, checked as stored records are (rules added since are not re-applied)."""
    with reading_stored():
        return Regimen.model_validate(data)
