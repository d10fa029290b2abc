"""The "at least 3 months" rule (clinical-rules.md A.4: exactly 3 months satisfies it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flarewise.domain.numbers import is_real
from flarewise.errors import InvalidInput
from flarewise.instruments.answers import boolean, short

DURATION_ITEMS = ("symptoms_3_months", "symptom_duration_months")
#: 120 years: a longer duration is a typing mistake, not a history.
MAX_MONTHS = 1440


def three_months(answers: Mapping[str, Any]) -> tuple[bool, str]:
    months = answers.get("symptom_duration_months")
    if months is not None:
        if not is_real(months) or not 0 <= months <= MAX_MONTHS:
            raise InvalidInput(
                "symptom_duration_months",
                f"must be a number of months from 0 to {MAX_MONTHS}, not {short(months)}",
            )
        met = months >= 3
        return met, f"symptoms for {months:g} months ({'>=' if met else '<'} 3)"
    met = boolean(answers, "symptoms_3_months")
    return met, "symptoms for at least 3 months" if met else "symptoms for less than 3 months"
