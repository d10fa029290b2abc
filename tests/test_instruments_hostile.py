"""Every public function of the instruments package, driven with hostile values: only
InvalidInput (or a valid result) may come out, never ValueError, TypeError or OverflowError
(brief: "clinical core raises InvalidInput"; item ranges from clinical-rules.md A and B)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flarewise.errors import InvalidInput
from flarewise.instruments import INSTRUMENTS, ITEMS, InstrumentResult, score
from flarewise.instruments.answers import boolean, integer
from flarewise.instruments.duration import three_months
from flarewise.instruments.fiqr import severity
from flarewise.instruments.wpi import SALAFFI_PSD, WOLFE_2015, band, painful_sites, psd_bands
from tests.hostile import hostile, hostile_numbers, hostile_scalars


def _only_invalid_input(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except InvalidInput as exc:
        assert str(exc), "an InvalidInput must carry a sentence"
        return None


@settings(max_examples=300, deadline=None)
@given(
    instrument=st.sampled_from(INSTRUMENTS),
    data=st.data(),
)
def test_score_with_hostile_answers_raises_only_invalid_input(
    instrument: str, data: st.DataObject
) -> None:
    items = ITEMS[instrument]
    answers = data.draw(st.dictionaries(st.sampled_from(items), hostile, max_size=6))
    result = _only_invalid_input(lambda: score(instrument, answers))
    if result is not None:
        assert isinstance(result, InstrumentResult)


@settings(max_examples=200, deadline=None)
@given(instrument=hostile_scalars, answers=hostile, entered_by=hostile_scalars)
def test_score_with_hostile_arguments(instrument: Any, answers: Any, entered_by: Any) -> None:
    _only_invalid_input(lambda: score(instrument, answers, entered_by))


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 1e999, "7", 2.5])
def test_fiqr_item_that_is_not_a_whole_number_is_refused(value: Any) -> None:
    # clinical-rules.md B.1: each FIQR item is a whole number 0-10
    with pytest.raises(InvalidInput, match="pain"):
        score("fiqr", {"pain": value, "brush_hair": 3, "prevented_goals": 2})


@settings(max_examples=300, deadline=None)
@given(value=hostile_scalars)
def test_band_functions_refuse_what_is_outside_every_band(value: Any) -> None:
    # A.5: PSD is 0-31; B.4: FIQR total is 0-100
    for call in (
        lambda: band(value, WOLFE_2015),
        lambda: band(value, SALAFFI_PSD),
        lambda: psd_bands(value, "salaffi"),
        lambda: severity(value),
    ):
        out = _only_invalid_input(call)
        assert out is None or isinstance(out, str | dict)


@pytest.mark.parametrize("psd", [32, -1, 31.5, float("nan")])
def test_psd_outside_0_to_31_is_invalid_input(psd: Any) -> None:
    # clinical-rules.md A.5: the PSD is WPI (0-19) + SSS (0-12) = 0-31
    with pytest.raises(InvalidInput, match="PSD"):
        psd_bands(psd)


@pytest.mark.parametrize("total", [-0.1, 100.5, float("inf")])
def test_fiqr_total_outside_0_to_100_is_invalid_input(total: float) -> None:
    with pytest.raises(InvalidInput, match="0 to 100"):
        severity(total)


def test_band_edges_still_band() -> None:
    # A.5 Wolfe 2015: 0-3 none ... 20-31 very severe; B.4 Salaffi: >= 83 very severe
    assert psd_bands(0) == {"psd_wolfe2015": "none"}
    assert psd_bands(31, "salaffi")["psd_salaffi"] == "very severe"
    assert severity(100) == "very severe" and severity(0) == "remission"


@settings(max_examples=300, deadline=None)
@given(value=hostile, lo=st.integers(0, 3), hi=st.integers(3, 10))
def test_answer_readers_raise_only_invalid_input(value: Any, lo: int, hi: int) -> None:
    answers = {"x": value, "symptom_duration_months": value, "painful_sites": value}
    n = _only_invalid_input(lambda: integer(answers, "x", lo, hi))
    assert n is None or (type(n) is int and lo <= n <= hi)
    _only_invalid_input(lambda: boolean(answers, "x"))
    _only_invalid_input(lambda: three_months(answers))
    _only_invalid_input(lambda: painful_sites(answers))


@given(months=hostile_numbers)
def test_symptom_duration_must_be_a_finite_number_of_months(months: float) -> None:
    # A.4: "at least 3 months"; NaN months must not silently count as "less than 3"
    result = _only_invalid_input(lambda: three_months({"symptom_duration_months": months}))
    if result is not None:
        assert 0 <= months <= 1440
