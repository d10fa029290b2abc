"""Experiments end to end: design from the baseline, schedule, adherence, analysis, and honest
'not enough data yet' answers (analysis-methods.md 1.1, 1.5, 4.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from flarewise import Intake, InvalidInput, Journal, SymptomCheckin
from flarewise.domain.experiments import DoseLevel

from .simulate import ar1

START = date(2025, 3, 1)


def _log_pain(j: Journal, days: list[date], values: np.ndarray) -> None:
    j.add_many(
        SymptomCheckin(
            at=datetime.combine(d, time(20), tzinfo=UTC),
            scores={"pain": float(np.clip(round(v, 1), 0, 10))},
        )
        for d, v in zip(days, values, strict=True)
        if np.isfinite(v)
    )


def _baseline(j: Journal, rng: np.random.Generator, days: int = 60) -> None:
    ds = [START - timedelta(days=days - i) for i in range(days)]
    _log_pain(j, ds, 5 + ar1(days, 0.5, 0.8, rng))


def test_design_is_sized_from_the_baseline_and_refuses_what_cannot_answer(journal: Journal) -> None:
    with pytest.raises(InvalidInput, match="at least 14 days"):
        journal.design_experiment("magnesium", "pain", start=START)
    _baseline(journal, np.random.default_rng(0))
    # this baseline looks strongly autocorrelated (lag-1 r 0.70): 12 blocks of 14-day periods
    # cannot give the 20 effective days per condition the analysis needs (analysis-methods.md
    # 4.2), and the refusal says so rather than blaming the size of the change
    with pytest.raises(InvalidInput, match="change slowly from day to day") as refused:
        journal.design_experiment("magnesium", "pain", start=START)
    assert refused.value.field == "period_days"
    assert "21-day periods would do (9 blocks, 378 days)" in refused.value.reason
    # the way out is real: with 21-day periods the same baseline gives 9 blocks
    protocol, advice = journal.design_experiment(
        "magnesium",
        "pain",
        start=START,
        seed=7,
        period_days=21,
        dose=DoseLevel(amount=200, unit="mg", days=21),
    )
    assert advice is not None and advice.blocks == 9
    assert protocol.blocks == advice.blocks and protocol.period_days == 21
    assert set(protocol.order) <= {"AB", "BA"} and protocol.outcome == "pain"
    with pytest.raises(InvalidInput, match="at least 6"):
        journal.design_experiment("magnesium", "pain", start=START, blocks=4)
    with pytest.raises(InvalidInput, match="too small to detect"):
        journal.design_experiment("magnesium", "pain", start=START, meaningful_change=0.05)


def test_randomised_experiment_runs_and_is_analysed(journal: Journal) -> None:
    rng = np.random.default_rng(1)
    _baseline(journal, rng)
    protocol, _ = journal.design_experiment(
        "magnesium",
        "pain",
        start=START,
        blocks=6,
        seed=3,
        dose=DoseLevel(amount=200, unit="mg", days=14),
    )
    journal.add_experiment(protocol)
    journal.set_experiment_status(protocol.id, "running", on=START)
    from flarewise.experiments import planned_schedule

    days = planned_schedule(protocol)
    on = np.array([1.0 if d.dose else 0.0 for d in days])
    pain = 5 + ar1(len(days), 0.5, 0.8, rng) - 1.5 * on
    # early: two blocks in, not enough data yet, said with the numbers
    mid = days[2 * 2 * 14 - 1].day
    _log_pain(journal, [d.day for d in days if d.day <= mid], pain[: 2 * 2 * 14])
    early = journal.analyze_experiment(protocol.id, today=mid)
    assert not early.enough_data and early.verdict is None
    # the real reason (analysis-methods.md 4.2: 3 pairs and 20 effective days per condition)
    # and the way out, with the range only as wide as it really is
    assert "Not enough data yet" in early.message and "at least 3 are needed" in early.message
    assert "more logged days" in early.message and "would be enough" in early.message
    assert "alternating blocks" not in early.message
    status = journal.experiment_status(protocol.id, today=days[5].day)
    assert status["today"].startswith("Today you are in")
    # the rest of the schedule, with doses logged on most intervention days
    _log_pain(journal, [d.day for d in days if d.day > mid], pain[2 * 2 * 14 :])
    journal.add_many(
        Intake(
            at=datetime.combine(d.day, time(9), tzinfo=UTC),
            substance="magnesium",
            amount=200,
            unit="mg",
        )
        for i, d in enumerate(days)
        if d.dose and i % 10
    )
    result = journal.analyze_experiment(protocol.id, today=days[-1].day)
    assert result.enough_data and result.verdict == "helped"
    a = result.analysis
    assert a is not None and a.primary is not None
    assert a.primary.ci_low < -1.5 < a.primary.ci_high
    assert a.randomisation_p is not None and a.paired is not None and len(a.paired.diffs) == 6
    assert result.adherence is not None and 0.85 < (result.adherence.rate or 0) < 0.95
    assert result.probabilities is not None
    assert "probability of any improvement" in result.probabilities
    assert "improvement of at least 1.0 point" in result.probabilities
    assert result.randomisation is not None and "p =" not in result.randomisation
    assert any(c.startswith("Open-label trial") for c in result.caveats)
    assert any("washout" in c for c in result.caveats)
    stopped = journal.set_experiment_status(protocol.id, "finished", on=days[-1].day)
    assert stopped.status == "finished" and journal.experiments()[0].status == "finished"


def test_ab_design_is_labelled_quasi_experimental(journal: Journal) -> None:
    rng = np.random.default_rng(2)
    protocol, _ = journal.design_experiment("coq10", "fatigue", design="ab", start=START)
    journal.add_experiment(protocol)
    days = [START + timedelta(days=i) for i in range(28)]
    j_vals = 6 + ar1(28, 0.4, 0.7, rng)
    journal.add_many(
        SymptomCheckin(
            at=datetime.combine(d, time(20), tzinfo=UTC),
            scores={"fatigue": float(np.clip(v, 0, 10))},
        )
        for d, v in zip(days, j_vals, strict=True)
    )
    result = journal.analyze_experiment(protocol.id, today=days[-1])
    assert any("Other changes over the same time" in c for c in result.caveats)


def test_reintroduction_verdict_per_food(journal: Journal) -> None:
    protocol, _ = journal.design_experiment(
        "elimination_diet",
        "gi_symptoms",
        design="reintroduction",
        start=START,
        challenges=["milk", "wheat bread"],
    )
    journal.add_experiment(protocol)
    from flarewise.experiments import planned_schedule

    days = planned_schedule(protocol)
    rng = np.random.default_rng(4)
    values = []
    for d in days:
        v = 2 + rng.normal(0, 0.4)
        if d.phase == "observe" and d.food == "wheat_bread":
            v += 3
        values.append(v)
    journal.add_many(
        SymptomCheckin(
            at=datetime.combine(d.day, time(20), tzinfo=UTC),
            scores={"gi_symptoms": float(np.clip(v, 0, 10))},
        )
        for d, v in zip(days, values, strict=True)
    )
    result = journal.analyze_experiment(protocol.id, today=days[-1].day)
    verdicts = {f.food: f.verdict for f in result.foods}
    assert verdicts == {"milk": "no clear reaction", "wheat_bread": "reacts"}
    assert "signal, not proof" in result.message


def test_meaningful_change_as_a_percentage_of_baseline(journal: Journal) -> None:
    _baseline(journal, np.random.default_rng(9))
    protocol, _ = journal.design_experiment(
        "magnesium",
        "pain",
        start=START,
        blocks=6,
        seed=1,
        meaningful_percent=30,
        timing="with dinner",
    )
    assert protocol.meaningful_basis == "percent" and protocol.meaningful_percent == 30
    assert protocol.timing == "with dinner"


def test_logging_todays_planned_dose(journal: Journal) -> None:
    from flarewise.domain.experiments import Protocol

    today = journal.today()
    dose = DoseLevel(amount=200, unit="mg", days=14)
    on = Protocol(
        title="t",
        design="randomised_blocks",
        intervention="magnesium",
        substance="magnesium",
        outcome="pain",
        start=today,
        washout_days=0,
        order=("BA",) * 6,
        dose=dose,
    )
    off = on.replace(id="off-period", order=("AB",) * 6)
    journal.add_experiment(on)
    journal.add_experiment(off)
    intake = journal.log_experiment_dose(on.id)
    assert (intake.substance, intake.amount, intake.unit, intake.status) == (
        "magnesium",
        200,
        "mg",
        "taken",
    )
    assert journal.log_experiment_dose(on.id, skipped=True).status == "skipped"
    with pytest.raises(InvalidInput, match="not a day to take anything"):
        journal.log_experiment_dose("off-period")


def test_a_newcomer_can_plan_a_trial_without_a_baseline(journal) -> None:  # type: ignore[no-untyped-def]
    from flarewise import FlarewiseError

    with pytest.raises(FlarewiseError):
        journal.design_experiment("magnesium", "sleep_quality")
    protocol, advice = journal.design_experiment(
        "magnesium", "sleep_quality", without_baseline=True
    )
    assert advice is None and len(protocol.order) == 6 and protocol.run_in_days == 14
    assert "Sized without your baseline" in (protocol.why or "")


def test_design_uses_the_adherence_this_person_has_shown(journal: Journal) -> None:
    """Issue 12 part 3: sized with the doses actually logged, not ideal ones, and it says so."""
    from flarewise.domain.regimens import DoseStep, Regimen

    _baseline(journal, np.random.default_rng(5))
    journal.add_regimen(
        Regimen(
            substance="vitamin_d",
            steps=(DoseStep(start=START - timedelta(days=60), amount=1000, unit="IU"),),
        )
    )
    journal.add_many(
        Intake(
            at=datetime.combine(START - timedelta(days=i), time(9), tzinfo=UTC),
            substance="vitamin_d",
            amount=1000,
            unit="IU",
        )
        for i in range(1, 61)
        if i % 2
    )
    protocol, advice = journal.design_experiment(
        "magnesium", "pain", start=START, seed=1, period_days=28, meaningful_change=2
    )
    assert advice is not None and advice.adherence == pytest.approx(0.5, abs=0.02)
    assert "daily medicines" in advice.adherence_source
    assert protocol.why is not None and "Sized for your diary as it is" in protocol.why
    assert "50% of planned doses" in protocol.why


def test_a_before_after_design_plans_enough_days_to_answer(journal: Journal) -> None:
    """14 scored days before and 14 after are needed (analysis-methods.md 4.2); with 14-day
    phases and 3 washout days that could never happen (11 days after), and every missed day
    made it worse. The phases are planned for the share of days this person scores."""
    rng = np.random.default_rng(6)
    ds = [START - timedelta(days=60 - i) for i in range(60)]
    pain = 5 + ar1(60, 0.4, 0.8, rng)
    pain[rng.random(60) < 0.25] = np.nan
    _log_pain(journal, ds, pain)
    protocol, _ = journal.design_experiment("coq10", "pain", design="ab", start=START)
    assert protocol.baseline_days >= 17 and protocol.period_days >= 17 + protocol.washout_days
    from flarewise.experiments import planned_schedule

    days = planned_schedule(protocol)
    journal.add_experiment(protocol.replace(status="finished", stopped_on=days[-1].day))
    _log_pain(journal, [d.day for d in days], 5 + ar1(len(days), 0.4, 0.8, rng))
    result = journal.analyze_experiment(protocol.id, today=days[-1].day)
    assert result.enough_data and result.verdict is not None
