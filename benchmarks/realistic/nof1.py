"""A randomised personal trial lived through the journal, as a person would run it.

Sixty days of ordinary diary (the baseline the design step reads), then ``design_experiment``
sizes the trial for a 1-point change, the trial is started, and each day the person reads the
journal's instruction (``experiment_status(...)["today"]``; once a compared phase such as
"phase B, day 4 of 14" has started, it holds to the period's end) and follows it imperfectly: a
dose on 80 % of the days it asks for one (and rarely by mistake on a day without), and 20 % of
days not logged at all (runs and single days), though the dose may still be taken. The true
effect of the substance builds at once and fades over 3 days after the last dose (carry-over).
Pain is an integer 0-10 from an AR(1) latent state with a weekly cycle and a slow trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from flarewise import FlarewiseError, Intake, Journal, SymptomCheckin

from . import adapter
from .entries import TZ
from .life import ar1, missing_days

BASELINE_DAYS = 60
MAX_TRIAL_DAYS = 12 * 28 + 30  # the longest trial the design step plans, with a run-in
WEEKLY = np.array([0.5, 0.3, 0.1, 0.0, -0.1, -0.4, -0.4])
CARRY_DAYS = 3


@dataclass(frozen=True)
class TrialOutcome:
    """What one simulated trial gave, with the truth it is scored against."""

    seed: int
    effect: float  # the full-dose effect on pain, points
    change: float  # the change the trial was designed to detect, points
    designed: bool  # False: the design step refused to plan a trial
    blocks: int
    days: int
    adherence: float  # share of "take it" days with a dose actually taken
    missing: float
    delivered: float  # the effect actually delivered: B days' mean effect - A days'
    answer: adapter.TrialAnswer | None
    refusal: str = ""  # why the design step refused a 1-point (and a larger) change


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def run_trial(
    journal: Journal,
    seed: int,
    *,
    effect: float,
    missing: float = 0.2,
    adherence: float = 0.8,
    changes: tuple[float, ...] = (1.0, 1.5),
) -> TrialOutcome:
    """Baseline, design, run and analyse one trial in ``journal`` (a fresh person).

    ``effect`` is the true full-dose effect in units of the change the trial was designed for
    (0: none; -1: pain falls by exactly that change). The person first asks for a 1-point
    change; when the design step says that is too small to detect, they ask for the next one
    in ``changes``, as its refusal advises."""
    rng = np.random.default_rng(seed)
    start = journal.today() - timedelta(days=MAX_TRIAL_DAYS)
    first = start - timedelta(days=BASELINE_DAYS)
    n = BASELINE_DAYS + MAX_TRIAL_DAYS
    days = [first + timedelta(days=i) for i in range(n)]
    dow = np.array([d.weekday() for d in days])
    latent = 5.0 + WEEKLY[dow] + 0.2 * np.arange(n) / 365 + ar1(rng, n, 0.6, 1.2)
    logged = ~missing_days(rng, n, missing)

    def checkin(i: int, pain: float) -> SymptomCheckin:
        return SymptomCheckin(
            at=_at(days[i], 21, int(rng.integers(0, 50))),
            scores={"pain": int(np.clip(np.round(pain), 0, 10))},
        )

    journal.add_many([checkin(i, latent[i]) for i in range(BASELINE_DAYS) if logged[i]])
    refusal = ""
    for change in changes:
        try:
            protocol, _ = journal.design_experiment(
                "magnesium", "pain", start=start, seed=seed, meaningful_change=change
            )
            break
        except FlarewiseError as exc:
            refusal = str(exc)
    else:
        return TrialOutcome(seed, 0.0, 0.0, False, 0, 0, 0.0, 0.0, 0.0, None, refusal)
    effect = effect * change
    journal.add_experiment(protocol)
    journal.set_experiment_status(protocol.id, "running", on=start)
    length = adapter.planned_days(protocol)
    level = 0.0
    asked = took_when_asked = 0
    arms: list[str] = []
    levels: list[float] = []
    observed: list[bool] = []
    entries: list[object] = []
    held = 0
    step = adapter.Step(take=False, arm="")
    for k in range(length):
        i = BASELINE_DAYS + k
        day = days[i]
        if held <= 0:  # read the instruction again when the phase it named has ended
            step = adapter.instruction(journal.experiment_status(protocol.id, today=day))
            held = step.same_for
        held -= 1
        if step.take:
            asked += 1
            taken = bool(rng.random() < adherence)
            took_when_asked += taken
        else:
            taken = bool(rng.random() < 0.02)
        level = 1.0 if taken else max(0.0, level - 1.0 / CARRY_DAYS)
        pain = latent[i] + effect * level
        if logged[i]:
            if taken:
                entries.append(
                    Intake(at=_at(day, 21), substance="magnesium", amount=200, unit="mg")
                )
            entries.append(checkin(i, pain))
        arms.append(step.arm)
        levels.append(level)
        observed.append(bool(logged[i]))
    journal.add_many(entries)  # type: ignore[arg-type]
    last = start + timedelta(days=length - 1)
    journal.set_experiment_status(protocol.id, "finished", on=last)
    answer = adapter.trial_answer(journal.analyze_experiment(protocol.id, today=last))
    lv = np.array(levels)
    ob = np.array(observed)
    arm = np.array(arms)
    b = (arm == "B") & ob
    a = (arm == "A") & ob
    delivered = effect * (float(lv[b].mean()) - float(lv[a].mean())) if b.any() and a.any() else 0.0
    return TrialOutcome(
        seed,
        effect,
        change,
        True,
        len(protocol.order),
        length,
        took_when_asked / asked if asked else 0.0,
        float(1 - logged[BASELINE_DAYS : BASELINE_DAYS + length].mean()),
        delivered,
        answer,
        refusal,
    )
