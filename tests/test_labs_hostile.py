"""Labs: conversion, interpretation and lab entry driven with hostile values. Only InvalidInput
(or a valid result) may come out; negative values are refused at entry, never classified
(brief: vitamin D -5 ng/mL was "at risk of deficiency"; clinical-rules.md C for the schemes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flarewise.domain.entries import LabResult
from flarewise.domain.profile import Profile
from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.knowledge import load_vocabulary
from flarewise.labs import analyte, convert, interpret
from flarewise.labs.convert import in_unit, lab_value
from flarewise.labs.interpret import miller_esr_uln, titre
from tests.hostile import hostile, hostile_scalars

V = load_vocabulary()
AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
# (LOINC, a unit of it, another unit of it): vitamin D, hs-CRP, B12 (clinical-rules.md C)
PAIRS = [
    ("62292-8", "ng/mL", "nmol/L"),
    ("30522-7", "mg/L", "mg/dL"),
    ("2132-9", "pg/mL", "pmol/L"),
]


def _only_invalid_input(call: Any) -> Any:
    try:
        return call()
    except InvalidInput as exc:
        assert str(exc)
        return None


@settings(max_examples=300, deadline=None)
@given(value=hostile, pair=st.sampled_from(PAIRS))
def test_convert_raises_only_invalid_input(value: Any, pair: tuple[str, str, str]) -> None:
    loinc, src, dst = pair
    out = _only_invalid_input(lambda: convert(value, src, dst, loinc, V))
    if out is not None:
        assert out >= 0 and out == out  # a number, not NaN
    _only_invalid_input(lambda: in_unit(value, src, dst, V.analytes[loinc]))
    _only_invalid_input(lambda: lab_value(value))


@settings(max_examples=200, deadline=None)
@given(a=hostile_scalars, b=hostile_scalars, c=hostile_scalars)
def test_convert_with_hostile_units_and_codes(a: Any, b: Any, c: Any) -> None:
    _only_invalid_input(lambda: convert(5.0, a, b, c, V))
    _only_invalid_input(lambda: analyte(a, V))
    _only_invalid_input(lambda: miller_esr_uln(a, "female"))
    assert titre(a) is None or isinstance(titre(a), int)


def test_a_lab_value_given_as_text_is_invalid_input_not_type_error() -> None:
    with pytest.raises(InvalidInput, match="value"):
        convert("30", "ng/mL", "nmol/L", "62292-8", V)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(value=hostile, ref=hostile_scalars, pair=st.sampled_from(PAIRS))
def test_lab_entry_and_interpretation_raise_only_invalid_input(
    value: Any, ref: Any, pair: tuple[str, str, str]
) -> None:
    loinc, unit, _ = pair
    result = _only_invalid_input(
        lambda: LabResult(at=AT, loinc=loinc, value=value, unit=unit, ref_high=ref)
    )
    if result is None:
        return
    assert result.value is not None and result.value >= 0
    reading = _only_invalid_input(lambda: interpret(result, Profile(birth_year=1980), V))
    assert reading is not None, "a valid result must be interpretable"


@pytest.mark.parametrize("bad", [-5, -0.001, float("nan"), float("inf"), float("-inf"), 1e12])
def test_negative_or_impossible_vitamin_d_is_refused_at_entry(bad: float) -> None:
    with pytest.raises(InvalidInput, match="value"):
        LabResult(at=AT, loinc="62292-8", value=bad, unit="ng/mL")


def test_negative_reference_limits_are_refused() -> None:
    with pytest.raises(InvalidInput, match="ref_low"):
        LabResult(at=AT, loinc="30522-7", value=1, unit="mg/L", ref_low=-1, ref_high=5)


def test_zero_is_kept_as_an_undetectable_amount() -> None:
    # design choice (docs/input-rules.md): labs report undetectable CRP as 0; C: hs-CRP < 1 is "low"
    reading = interpret(LabResult(at=AT, loinc="30522-7", value=0, unit="mg/L"), None, V)
    assert reading.categories[0].label == "low cardiovascular risk stratum"


def test_interpret_refuses_what_is_not_a_lab_result() -> None:
    with pytest.raises(InvalidInput, match="LabResult"):
        interpret({"loinc": "62292-8", "value": 5}, None, V)  # type: ignore[arg-type]


def test_the_journal_keeps_nothing_of_a_negative_result(journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="below 0"):
        journal.add(LabResult(at=AT, loinc="30522-7", value=-5, unit="mg/L"))
    assert journal.lab_results() == []
