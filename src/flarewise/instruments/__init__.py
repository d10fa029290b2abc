"""Validated instruments, one module each, pure scoring: ACR 1990/2010/2011/2016 criteria,
FIQR and PGIC (clinical-rules.md A and B)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flarewise.errors import InvalidInput
from flarewise.instruments import acr1990, acr2010, acr2016, fiqr, pgic
from flarewise.instruments.result import (
    SELF_REPORT_LABEL,
    EnteredBy,
    Finding,
    InstrumentResult,
)

_SCORERS: dict[str, Callable[[Mapping[str, Any], EnteredBy | None], InstrumentResult]] = {
    "acr1990": lambda a, who: acr1990.score(a, who or "clinician"),
    "acr2010": lambda a, who: acr2010.score(a, "2010", who),
    "acr2011": lambda a, who: acr2010.score(a, "2011", who),
    "acr2016": lambda a, who: acr2016.score(a, who or "self"),
    "fiqr": lambda a, who: fiqr.score(a, who or "self"),
    "pgic": lambda a, who: pgic.score(a, who or "self"),
}
INSTRUMENTS: tuple[str, ...] = tuple(_SCORERS)
ITEMS: dict[str, tuple[str, ...]] = {
    "acr1990": acr1990.ITEMS,
    "acr2010": acr2010.ITEMS_2010,
    "acr2011": acr2010.ITEMS_2011,
    "acr2016": acr2016.ITEMS,
    "fiqr": fiqr.ITEMS,
    "pgic": pgic.ITEMS,
}


def score(
    instrument: str, answers: Mapping[str, Any], entered_by: EnteredBy | None = None
) -> InstrumentResult:
    """Score an answer set; unknown instruments, items and values raise InvalidInput.

    ``entered_by`` defaults to who the instrument is for: the clinician for ACR 1990 and 2010
    (examination and physician ratings), the person for the others."""
    scorer = _SCORERS.get(instrument) if isinstance(instrument, str) else None
    if scorer is None:
        raise InvalidInput(
            "instrument", f"{str(instrument)[:40]!r} is not one of {', '.join(INSTRUMENTS)}"
        )
    if not isinstance(answers, Mapping):
        raise InvalidInput("answers", "must be an object of item ids to values")
    if entered_by not in (None, "self", "clinician"):
        raise InvalidInput("entered_by", "must be self or clinician")
    return scorer(answers, entered_by)


__all__ = ["INSTRUMENTS", "ITEMS", "SELF_REPORT_LABEL", "Finding", "InstrumentResult", "score"]
