"""Patient Global Impression of Change: one 7-point item (1 = very much improved ... 4 = no
change ... 7 = very much worse), after the CGI-Improvement scale (Guy 1976)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flarewise.instruments.answers import check_known, integer
from flarewise.instruments.result import EnteredBy, InstrumentResult

LABELS = {
    1: "very much improved",
    2: "much improved",
    3: "minimally improved",
    4: "no change",
    5: "minimally worse",
    6: "much worse",
    7: "very much worse",
}
ITEMS = ("pgic",)


def score(answers: Mapping[str, Any], entered_by: EnteredBy = "self") -> InstrumentResult:
    check_known(answers, ITEMS, "pgic")
    value = integer(answers, "pgic", 1, 7)
    assert value is not None
    return InstrumentResult(
        instrument="pgic",
        scores={"pgic": float(value)},
        met=None,
        bands={"change": LABELS[value]},
        entered_by=entered_by,
    )
