"""The chart specs (web/charts.py): the 7-day trend and its band, labels that cannot overlap,
and no chart text below 11 px (design-notes principle 6)."""

from __future__ import annotations

from typing import Any

import pytest

from flarewise.reports import charts


def _font_sizes(spec: Any) -> list[float]:
    if isinstance(spec, dict):
        found = [float(v) for k, v in spec.items() if k.lower().endswith("fontsize")]
        return found + [f for v in spec.values() for f in _font_sizes(v)]
    if isinstance(spec, list):
        return [f for v in spec for f in _font_sizes(v)]
    return []


def test_the_trend_is_a_trailing_seven_day_mean_with_a_one_sd_band() -> None:
    # by hand: days 1-3 are 2, 4, 6 -> mean 4, sample SD 2 -> band 2 to 6
    days = [("2026-01-01", 2.0), ("2026-01-02", 4.0), ("2026-01-03", 6.0)]
    assert charts.rolling(days) == [{"date": "2026-01-03", "mean": 4.0, "low": 2.0, "high": 6.0}]
    # two scores are not a trend
    assert charts.rolling(days[:2]) == []
    # the window is 7 calendar days: day 9 sees days 3-9 (two scores), day 10 sees 4-10 (two)
    later = [*days, ("2026-01-09", 8.0), ("2026-01-10", 10.0)]
    assert [r["date"] for r in charts.rolling(later)] == ["2026-01-03"]
    # the band stays on the 0-10 scale
    edge = [("2026-01-01", 0.0), ("2026-01-02", 10.0), ("2026-01-03", 10.0)]
    (last,) = charts.rolling(edge)
    assert last["low"] >= 0 and last["high"] == 10.0


def test_a_medicine_reads_as_its_dose_story() -> None:
    rows = [
        {"medicine": "Duloxetine", "dose": "60 mg", "start": "2026-02-01", "end": "2026-03-01"},
        {"medicine": "Duloxetine", "dose": "30 mg", "start": "2026-01-01", "end": "2026-02-01"},
    ]
    assert charts._dose_story(rows) == [
        {"medicine": "Duloxetine", "story": "Duloxetine 30 mg → 60 mg"}
    ]


@pytest.mark.parametrize("days", [30, 365])
def test_small_multiples_say_which_end_is_good_and_no_text_is_small(days: int) -> None:
    symptoms = [
        {"date": f"2026-01-{d:02d}", "symptom": name, "value": 5.0}
        for d in range(1, 29)
        for name in ("Pain", "Mood")
    ]
    labs = [
        {
            "date": "2026-01-05",
            "analyte": "CRP",
            "value": 12,
            "unit": "mg/L",
            "flag": "high",
            "label": "CRP 12 mg/L",
        }
    ]
    spec = charts.timeline(
        symptoms,
        [],
        [],
        labs,
        "2026-01-01",
        "2026-01-28" if days == 30 else "2026-12-31",
        directions={"Pain": "lower is better", "Mood": "higher is better"},
    )
    titles = [p.get("title") for p in spec["vconcat"]]
    assert titles == ["Pain (lower is better)", "Mood (higher is better)", "Lab results"]
    assert min(_font_sizes(spec)) >= 11
    axis = spec["vconcat"][0]["layer"][0]["encoding"]["x"]["axis"]
    assert axis["format"] == ("%-d %b" if days == 30 else "%b %Y")
