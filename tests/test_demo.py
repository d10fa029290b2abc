"""The demo journal: deterministic, a full year, and carrying exactly what its model plants."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from statistics import mean

import pytest

from flarewise import Intake, LabResult, Sleep, SymptomCheckin, open_journal
from flarewise.demo import DemoData, generate_demo, years_ending


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo()


def _daily(demo: DemoData, symptom: str, hour_before: int = 12) -> dict[date, float]:
    out: dict[date, float] = {}
    for e in demo.entries:
        if isinstance(e, SymptomCheckin) and e.at.hour < hour_before and symptom in e.scores:
            out[e.local_date] = e.scores[symptom]
    return out


def test_same_seed_same_journal_other_seed_other_journal(demo: DemoData) -> None:
    again = generate_demo()
    assert [e.model_dump() for e in again.entries] == [e.model_dump() for e in demo.entries]
    other = generate_demo(seed=7)
    assert [e.model_dump() for e in other.entries] != [e.model_dump() for e in demo.entries]


def test_a_full_year_with_every_kind(demo: DemoData) -> None:
    days = {e.local_date for e in demo.entries}
    assert min(days) == date(2025, 1, 1) and max(days) == date(2025, 12, 31)
    assert len({e.kind for e in demo.entries}) == 12  # type: ignore[attr-defined]
    # some days are missing, as in real diaries
    assert (
        300
        < len(
            {
                d
                for d in days
                if any(isinstance(e, SymptomCheckin) and e.local_date == d for e in demo.entries)
            }
        )
        < 365
    )


def test_labs_tell_the_planted_story(demo: DemoData) -> None:
    labs = sorted((e for e in demo.entries if isinstance(e, LabResult)), key=lambda e: e.at)
    vit_d = [e.value for e in labs if e.loinc == "62292-8"]
    assert (
        vit_d[0] is not None and vit_d[0] < 20 and all(v is not None and v >= 30 for v in vit_d[1:])
    )
    assert all(
        e.value is not None and e.value < 5 for e in labs if e.loinc == "1988-5"
    )  # CRP normal
    assert len([e for e in labs if e.loinc == "26881-3"]) == 1  # one IL-6
    ferritin = [e for e in labs if e.loinc == "2276-4"]
    assert [f.flag for f in ferritin] == ["L", "L"]  # stays low: a red flag for the plan


def test_medicines_with_a_dose_change_and_a_supplement_started_mid_way(demo: DemoData) -> None:
    by_substance = {r.substance: r for r in demo.regimens}
    assert [s.amount for s in by_substance["duloxetine"].steps] == [30, 60]
    assert by_substance["magnesium"].start == demo.truth.magnesium_start
    mg = [e for e in demo.entries if isinstance(e, Intake) and e.substance == "magnesium"]
    assert min(e.local_date for e in mg) >= demo.truth.magnesium_start
    assert {e.status for e in mg} == {"taken", "skipped", "taken_dose_unknown"}
    assert "tramadol" in by_substance  # duloxetine + tramadol: a warning the plan must show


def _slope(xs: list[float], ys: list[float]) -> float:
    mx, my = mean(xs), mean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def test_sleep_moves_same_day_pain(demo: DemoData) -> None:
    sleep = {e.local_date: e.sleep_minutes / 60 for e in demo.entries if isinstance(e, Sleep)}
    pain = _daily(demo, "pain")
    days = sorted(set(sleep) & set(pain))
    slope = _slope([sleep[d] for d in days], [pain[d] for d in days])
    assert slope == pytest.approx(demo.truth.sleep_to_pain, abs=0.25)


def test_flares_are_visible(demo: DemoData) -> None:
    pain = _daily(demo, "pain")
    inside = [p for d, p in pain.items() if any(f.contains(d) for f in demo.truth.flares)]
    outside = [p for d, p in pain.items() if not any(f.contains(d) for f in demo.truth.flares)]
    assert mean(inside) - mean(outside) > 1.2


def test_wheat_provokes_symptoms_and_dairy_does_not(demo: DemoData) -> None:
    t = demo.truth
    gi: dict[date, float] = defaultdict(float)
    for e in demo.entries:
        if isinstance(e, SymptomCheckin) and "gi_symptoms" in e.scores:
            gi[e.local_date] = e.scores["gi_symptoms"]

    def window(start: date, n: int) -> list[float]:
        return [gi[start + timedelta(days=i)] for i in range(n) if start + timedelta(days=i) in gi]

    baseline = window(t.elimination_start + timedelta(days=7), 21)
    wheat = window(t.wheat_challenge, 3)
    dairy = window(t.dairy_challenge, 3)
    assert mean(wheat) - mean(baseline) > 1.2
    assert abs(mean(dairy) - mean(baseline)) < 1.0


def test_demo_stores_in_a_journal(db_url: str) -> None:
    with open_journal(db_url, "demo") as j:
        truth = j.write_demo(days=60)
        assert truth.days == 60
        first, last = j.date_span()
        assert first == date(2025, 1, 1) and last == date(2025, 3, 1)
        assert j.profile().timezone == "Europe/London"
        assert {r.substance for r in j.regimens(active_on=date(2025, 2, 20))} >= {
            "duloxetine",
            "vitamin_d",
        }


def test_any_number_of_years_ending_today_follows_the_model() -> None:
    # issue 17: a fixed 2024 dose date broke earlier starts; years ending today for the benchmarks
    today = date.today()
    start, days = years_ending(3, today)
    assert start + timedelta(days=days - 1) == today and 1095 <= days <= 1097
    data = generate_demo(start=start, days=days)
    assert max(e.local_date for e in data.entries) == today
    assert min(e.local_date for e in data.entries) == start
    for r in data.regimens:  # dose changes in date order, the first before the diary
        assert [s.start for s in r.steps] == sorted(s.start for s in r.steps)
    assert all(c.since is not None and c.since < start for c in data.profile.conditions)
    # the yearly events repeat: four flares a year, infections logged before two of them
    t = data.truth
    assert len(t.flares) == 12 and [f.start - start for f in t.flares[::4]] == [
        timedelta(days=40 + 365 * k) for k in range(3)
    ]
    infections = [e for e in data.entries if getattr(e, "event", None) == "infection"]
    assert len(infections) == 6


def test_a_demo_can_start_years_ago() -> None:
    data = generate_demo(start=date(2020, 1, 1), days=400)
    assert min(e.local_date for e in data.entries) == date(2020, 1, 1)
    duloxetine = next(r for r in data.regimens if r.substance == "duloxetine")
    assert duloxetine.steps[0].start == date(2019, 10, 1)  # 92 days before, as in 2024/2025
