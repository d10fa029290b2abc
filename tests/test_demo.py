"""The demo journal: deterministic, a full year, and carrying exactly what its model plants."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from itertools import pairwise
from statistics import correlation, mean
from typing import Any

import pytest

from flarewise import (
    Assessment,
    Intake,
    LabResult,
    Sleep,
    SymptomCheckin,
    instruments,
    open_journal,
)
from flarewise.demo import DemoData, generate_demo, years_ending
from flarewise.journal import Journal

from .webkit import signed_up


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
    assert len({e.kind for e in demo.entries}) == 13  # type: ignore[attr-defined]
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
    assert vit_d == sorted(vit_d) and len(vit_d) == 4  # rising on supplements
    assert (
        vit_d[0] is not None and vit_d[0] < 20 and all(v is not None and v >= 30 for v in vit_d[2:])
    )
    assert all(
        e.value is not None and e.value < 5 for e in labs if e.loinc == "1988-5"
    )  # CRP normal
    assert len([e for e in labs if e.loinc == "26881-3"]) == 1  # one IL-6
    ferritin = [e for e in labs if e.loinc == "2276-4"]
    assert [f.flag for f in ferritin] == ["L"] * 4  # stays low: a red flag for the plan


def test_lab_trends_of_several_analytes(demo: DemoData) -> None:
    per_analyte = Counter(e.loinc for e in demo.entries if isinstance(e, LabResult))
    trending = {loinc for loinc, n in per_analyte.items() if n >= 3}
    assert trending >= {"62292-8", "2276-4", "1988-5", "3016-3"}  # vitamin D, ferritin, CRP, TSH


def _fiqrs(entries: list[Any]) -> list[Assessment]:
    return [e for e in entries if isinstance(e, Assessment) and e.instrument == "fiqr"]


def test_fiqr_every_four_weeks_moving_with_the_model(demo: DemoData) -> None:
    # the generator writes answers only; the instrument scores them (as the journal does)
    fiqrs = _fiqrs(demo.entries)
    days = [f.local_date for f in fiqrs]
    assert len(fiqrs) == 13 and {(b - a).days for a, b in pairwise(days)} == {28}
    totals = [instruments.score("fiqr", f.answers).scores["total"] for f in fiqrs]
    assert all(0 <= x <= 100 for x in totals) and len(set(totals)) > 5
    week_pain = [
        mean(lv.pain for lv in demo.levels[max(0, o - 6) : o + 1])
        for o in ((d - demo.truth.start).days for d in days)
    ]
    assert _corr(week_pain, totals) > 0.7  # follows the flares and the magnesium effect
    before = [x for d, x in zip(days, totals, strict=True) if d < demo.truth.magnesium_start]
    after = [x for d, x in zip(days, totals, strict=True) if d > demo.truth.magnesium_start]
    assert mean(after) < mean(before)


def test_one_acr_2016_self_check_that_meets_the_criteria(demo: DemoData) -> None:
    acr = [e for e in demo.entries if isinstance(e, Assessment) and e.instrument == "acr2016"]
    assert len(acr) == 1
    assert instruments.score("acr2016", acr[0].answers).met is True


def test_medicines_with_a_dose_change_and_a_supplement_started_mid_way(demo: DemoData) -> None:
    by_substance = {r.substance: r for r in demo.regimens}
    assert [s.amount for s in by_substance["duloxetine"].steps] == [30, 60]
    assert by_substance["magnesium"].start == demo.truth.magnesium_start
    mg = [e for e in demo.entries if isinstance(e, Intake) and e.substance == "magnesium"]
    assert min(e.local_date for e in mg) >= demo.truth.magnesium_start
    assert {e.status for e in mg} == {"taken", "skipped", "taken_dose_unknown"}
    assert "tramadol" in by_substance  # duloxetine + tramadol: a warning the plan must show


def _corr(xs: list[float], ys: list[float]) -> float:
    return correlation(xs, ys)


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


@pytest.fixture(scope="module")
def demo_journal(tmp_path_factory: pytest.TempPathFactory) -> Any:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'journal.db'}"
    with open_journal(url, "demo") as j:
        j.write_demo()
        yield j


def test_the_stored_demo_has_its_questionnaires_scored(demo_journal: Journal) -> None:
    found = demo_journal.assessments()
    assert [a.instrument for a, _ in found].count("fiqr") == 13
    assert [a.instrument for a, _ in found].count("acr2016") == 1
    for a, result in found:  # scored by the instruments when stored, never typed in
        assert a.scores == result.scores and a.scores


def test_a_finished_magnesium_experiment_with_an_answer(demo_journal: Journal) -> None:
    truth_start = date(2025, 1, 1) + timedelta(days=150)
    (mg,) = [p for p in demo_journal.experiments() if p.substance == "magnesium"]
    assert mg.design == "ab" and mg.status == "finished"
    b_days = [d.day for d in demo_journal_schedule(mg) if d.phase in ("B", "washout")]
    assert min(b_days) == truth_start  # its B phase starts with the diary's magnesium
    result = demo_journal.analyze_experiment(mg.id)
    assert result.enough_data and result.analysis is not None
    assert result.analysis.primary is not None and result.analysis.primary.effect < 0
    assert result.verdict is not None and "pain" in result.message


def test_a_running_trial_with_doses_on_its_b_days_only(demo_journal: Journal) -> None:
    (trial,) = [p for p in demo_journal.experiments() if p.status == "running"]
    assert trial.design == "randomised_blocks" and trial.substance == "coq10"
    last = date(2025, 12, 31)
    assert 14 <= (last - trial.start).days <= 35  # started a few weeks before the last day
    schedule = {d.day: d for d in demo_journal_schedule(trial)}
    doses = [
        e
        for e in demo_journal.entries(kinds=["intake"])
        if isinstance(e, Intake) and e.substance == "coq10"
    ]
    assert doses and all(schedule[e.local_date].dose is not None for e in doses)
    a_days = [d for d, s in schedule.items() if s.phase == "A" and d <= last]
    assert a_days  # the trial has had days without it, and nothing was logged on them
    status = demo_journal.experiment_status(trial.id, today=last)
    assert "phase" in status["today"] and status["days_elapsed"] == (last - trial.start).days + 1


def demo_journal_schedule(p: Any) -> list[Any]:
    from flarewise.experiments import planned_schedule

    return planned_schedule(p)


def test_two_stored_demos_are_identical(demo_journal: Journal, tmp_path: Any) -> None:
    with open_journal(f"sqlite:///{tmp_path / 'again.db'}", "demo") as again:
        again.write_demo()
        first, second = demo_journal.export_backup(), again.export_backup()
    assert [e.entry.model_dump() for e in first.entries] == [
        e.entry.model_dump() for e in second.entries
    ]
    assert [p.model_dump() for p in first.experiments] == [
        p.model_dump() for p in second.experiments
    ]


def test_the_pages_show_them(tmp_path: Any) -> None:
    from .webkit import app_on

    app = app_on(f"sqlite:///{tmp_path / 'web.db'}")
    c = signed_up(app, "newcomer", demo_days=365)
    assessments = c.get("/assessments")
    assert assessments.status_code == 200 and "FIQR" in assessments.text
    api = c.get("/api/assessments").json()
    assert api
    experiments = c.get("/experiments").text
    assert "Magnesium and pain" in experiments and "Coenzyme Q10 and fatigue" in experiments
    # a demo ending yesterday: the running trial is in one of its phases today
    running = [
        e for e in c.get("/api/experiments").json()["experiments"] if e["status"] == "running"
    ]
    assert len(running) == 1 and running[0]["today"].startswith("Today you are in")
    labs = c.get("/labs")
    assert labs.status_code == 200 and "Ferritin" in labs.text
    assert len(c.get("/api/labs").json()["results"]) >= 12
