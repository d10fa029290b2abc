"""The one dose reader every face uses (domain/doses.py), driven with hostile values: only a
finite number above 0 comes out, else InvalidInput naming the field (clinical-rules.md D.5.6:
NaN, infinities, text and values <= 0 are invalid doses)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flarewise.domain import doses
from flarewise.domain.regimens import DoseStep, UnitStrength
from flarewise.errors import InvalidInput
from tests.hostile import hostile, hostile_scalars


@given(raw=hostile)
def test_amount_gives_a_positive_finite_number_or_invalid_input(raw: Any) -> None:
    try:
        value = doses.amount(raw, "dose")
    except InvalidInput as exc:
        assert exc.field == "dose" and exc.reason
        return
    assert isinstance(value, float) and math.isfinite(value) and 0 < value <= doses.MAX_AMOUNT


@given(text=hostile_scalars.map(str), per=st.sampled_from(["capsule", "mg", "drop", "bogus", "IU"]))
def test_strength_gives_an_amount_per_product_unit_or_invalid_input(text: str, per: str) -> None:
    try:
        amount, unit, per_unit = doses.strength(text, per)
    except InvalidInput as exc:
        assert exc.field == "strength"
        return
    assert UnitStrength(amount=amount, unit=unit, per=per_unit).amount > 0


@pytest.mark.parametrize(
    ("text", "per", "expected"),
    [
        ("120 mg", "capsules", (120.0, "mg", "capsule")),
        ("1000 IU", "drop", (1000.0, "IU", "drop")),
        ("2,5 mcg", "tablet", (2.5, "mcg", "tablet")),
        ("200mg", "scoop", (200.0, "mg", "serving")),
        ("10 billion CFU", "capsule", (10.0, "billion CFU", "capsule")),
    ],
)
def test_strength_examples(text: str, per: str, expected: tuple[float, str, str]) -> None:
    assert doses.strength(text, per) == expected


@pytest.mark.parametrize("raw", ["1,5", "2.5", " 3 ", 4, 0.25])
def test_plain_doses_are_read(raw: Any) -> None:
    assert doses.amount(raw) == float(str(raw).strip().replace(",", "."))


def test_the_date_window() -> None:
    # docs/input-rules.md: 1900-01-01 .. today + 366 days
    today = date(2026, 11, 26)
    assert doses.regimen_day(date(1900, 1, 1), today=today) == date(1900, 1, 1)
    assert doses.regimen_day(today + timedelta(days=366), today=today)
    for bad in (date(1899, 12, 31), today + timedelta(days=367), date(9999, 12, 31), date(1, 1, 1)):
        with pytest.raises(InvalidInput, match="start"):
            doses.regimen_day(bad, today=today)
    with pytest.raises(InvalidInput, match="start"):
        DoseStep(start=date(1, 1, 1), amount=1, unit="mg")
