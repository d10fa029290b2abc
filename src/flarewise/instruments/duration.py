"""The "at least 3 months" rule (clinical-rules.md A.4: exactly 3 months satisfies it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flarewise.errors import InvalidInput
from flarewise.instruments.answers import boolean

DURATION_ITEMS = ("symptoms_3_months", "symptom_duration_months")


def three_months(answers: Mapping[str, Any]) -> tuple[bool, str]:
    months = answers.get("symptom_duration_months")
    if months is not None:
        if isinstance(months, bool) or not isinstance(months, int | float) or months < 0:
            raise InvalidInput("symptom_duration_months", "must be a number of months, 0 or more")
        met = months >= 3
        return met, f"symptoms for {months:g} months ({'>=' if met else '<'} 3)"
    met = boolean(answers, "symptoms_3_months")
    return met, "symptoms for at least 3 months" if met else "symptoms for less than 3 months"
