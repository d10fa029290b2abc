"""Analysing an experiment: the effect with its uncertainty, per-period means, the randomisation
test, adherence, missing days, trend and carry-over, or an honest "not enough data yet"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from flarewise.analysis.grid import DailyGrid
from flarewise.analysis.nof1 import CONTROL, TREATED, Nof1Analysis, analyze
from flarewise.domain.experiments import Protocol
from flarewise.experiments.schedule import PlannedDay, executed_schedule, planned_schedule

SIGNAL_NOT_PROOF = (
    "One open challenge is a signal, not proof: repeat it, ideally blinded, "
    "before cutting a food out for good."
)


@dataclass(frozen=True)
class Adherence:
    intervention_days: int
    taken_on_intervention_days: int
    control_days: int
    taken_on_control_days: int

    @property
    def rate(self) -> float | None:
        if self.intervention_days == 0:
            return None
        return self.taken_on_intervention_days / self.intervention_days


@dataclass(frozen=True)
class FoodVerdict:
    food: str
    verdict: str  # "reacts", "no clear reaction" or "inconclusive"
    baseline_mean: float | None
    window_mean: float | None
    difference: float | None
    evidence: str


@dataclass(frozen=True)
class ExperimentResult:
    protocol_id: str
    outcome: str
    design: str
    enough_data: bool
    message: str
    verdict: str | None  # "helped", "worsened", "no clear effect"; None when not enough data
    analysis: Nof1Analysis | None
    adherence: Adherence | None
    days_planned: int
    days_elapsed: int
    caveats: tuple[str, ...] = ()
    foods: tuple[FoodVerdict, ...] = field(default=())


def _arrays(days: list[PlannedDay], grid: DailyGrid, outcome: str) -> tuple[np.ndarray, ...]:
    y = np.array(
        [
            grid.values[grid.row_of(d.day), grid.names.index(outcome)]
            if 0 <= grid.row_of(d.day) < grid.days
            else np.nan
            for d in days
        ]
    )
    arm = np.array([d.arm for d in days], float)
    period = np.array([d.period for d in days], float)
    block = np.array([d.block for d in days], float)
    return y, arm, period, block


def adherence(
    days: list[PlannedDay], grid: DailyGrid, taken_measure: str | None
) -> Adherence | None:
    if taken_measure is None or taken_measure not in grid.names:
        return None
    x = grid.column(taken_measure)

    def taken(d: PlannedDay) -> bool:
        r = grid.row_of(d.day)
        return 0 <= r < grid.days and np.isfinite(x[r]) and x[r] > 0

    on = [d for d in days if d.dose is not None and d.phase != "paused"]
    off = [d for d in days if d.arm == CONTROL]
    return Adherence(len(on), sum(taken(d) for d in on), len(off), sum(taken(d) for d in off))


def _range_words(a: Nof1Analysis) -> str:
    if a.primary is None:
        return ""
    f = a.primary
    return (
        f" With what you have, the estimate is {f.effect:+.1f} points, but the range of "
        f"plausible values runs from {f.ci_low:+.1f} to {f.ci_high:+.1f}, so it could help, "
        "do nothing, or worsen it."
    )


def analyze_experiment(
    p: Protocol,
    grid: DailyGrid,
    today: date,
    *,
    outcome: str | None = None,
    taken_measure: str | None = None,
) -> ExperimentResult:
    outcome_id = outcome or p.outcome
    measure = f"symptom:{outcome_id}"
    planned = planned_schedule(p)
    days = executed_schedule(p, today)
    name = (p.substance or p.intervention).replace("_", " ")
    if measure not in grid.names:
        return ExperimentResult(
            p.id,
            outcome_id,
            p.design,
            False,
            f"Not enough data yet: no {outcome_id.replace('_', ' ')} scores "
            "are logged for this experiment's days.",
            None,
            None,
            None,
            len(planned),
            len(days),
        )
    if p.design == "reintroduction":
        return _reintroduction(p, grid, days, planned, measure, outcome_id)
    y, arm, period, block = _arrays(days, grid, measure)
    meaningful = p.meaningful_change
    if p.meaningful_basis == "percent":
        control = y[arm == CONTROL]
        if np.isfinite(control).any():
            meaningful = float(np.nanmean(control)) * p.meaningful_percent / 100
    result = analyze(
        y,
        arm,
        period,
        block,
        randomised=p.design == "randomised_blocks",
        meaningful=meaningful,
        lower_is_better=p.lower_is_better,
    )
    adh = adherence(days, grid, taken_measure)
    caveats = list(result.notes)
    enough, message = _enough(p, result, arm, y, name, outcome_id)
    if p.design in ("ab", "titration"):
        caveats.append(
            f"This compares before and after starting {name}. Other changes over the "
            "same time could explain part of the difference. A blinded on/off "
            "schedule would give a firmer answer."
        )
    if p.design == "titration":
        caveats.append("Judged on the stable-dose phase only, not during up-titration.")
    if p.washout_days:
        caveats.append(
            f"The first {p.washout_days} days of each period were left out as "
            "washout, so carry-over between periods is not counted as effect."
        )
    if result.days_missing:
        caveats.append(
            f"{result.days_missing} of the compared days had no score and were "
            "left out (never filled in)."
        )
    if adh is not None and adh.rate is not None and adh.rate < 0.8:
        caveats.append(
            f"{name.capitalize()} was logged as taken on {adh.rate:.0%} of the days "
            "it was planned; the estimate describes what was actually done."
        )
    if adh is not None and adh.taken_on_control_days:
        caveats.append(
            f"It was also taken on {adh.taken_on_control_days} days meant to be without it."
        )
    verdict = None
    if enough and result.primary is not None:
        f = result.primary
        good = f.ci_high < 0 if p.lower_is_better else f.ci_low > 0
        bad = f.ci_low > 0 if p.lower_is_better else f.ci_high < 0
        verdict = "helped" if good else "worsened" if bad else "no clear effect"
        message = _verdict_words(verdict, name, outcome_id, result)
    return ExperimentResult(
        p.id,
        outcome_id,
        p.design,
        enough,
        message,
        verdict,
        result,
        adh,
        len(planned),
        len(days),
        tuple(caveats),
    )


def _enough(
    p: Protocol, a: Nof1Analysis, arm: np.ndarray, y: np.ndarray, name: str, outcome: str
) -> tuple[bool, str]:
    what = outcome.replace("_", " ")
    if p.design == "randomised_blocks":
        complete = len(a.paired.diffs) if a.paired else 0
        per_period = [pm.days_used for pm in a.periods]
        if complete < 3 or (per_period and min(per_period) < 8):
            return False, (
                f"Not enough data yet to say whether {name} changes your {what}. You "
                f"have {complete} of the {p.blocks} alternating blocks this comparison "
                f"needs.{_range_words(a)}"
            )
        return True, ""
    base = int(np.isfinite(y[arm == CONTROL]).sum())
    post = int(np.isfinite(y[arm == TREATED]).sum())
    if base < 14 or post < 14:
        return False, (
            f"Not enough data yet to say whether {name} changes your {what}: the "
            f"comparison needs 14 scored days before and 14 after; you have {base} "
            f"and {post}.{_range_words(a)}"
        )
    return True, ""


def _verdict_words(verdict: str, name: str, outcome: str, a: Nof1Analysis) -> str:
    f = a.primary
    assert f is not None
    what = outcome.replace("_", " ")
    head = {
        "helped": f"{name.capitalize()} improved your {what}",
        "worsened": f"{name.capitalize()} worsened your {what}",
        "no clear effect": f"No clear effect of {name} on your {what}",
    }[verdict]
    probs = ""
    if a.p_any_improvement is not None and a.p_meaningful_improvement is not None:
        probs = (
            f" Probability of any improvement: {a.p_any_improvement:.0%}; of an "
            f"improvement at least as large as your chosen change: "
            f"{a.p_meaningful_improvement:.0%}."
        )
    return (
        f"{head}: {f.effect:+.2f} points (95% interval {f.ci_low:+.2f} to {f.ci_high:+.2f}, "
        f"{a.days_compared} days).{probs}"
    )


def _reintroduction(
    p: Protocol,
    grid: DailyGrid,
    days: list[PlannedDay],
    planned: list[PlannedDay],
    measure: str,
    outcome: str,
) -> ExperimentResult:
    y = {
        d.day: grid.values[grid.row_of(d.day), grid.names.index(measure)]
        for d in days
        if 0 <= grid.row_of(d.day) < grid.days
    }
    verdicts = []
    for k, c in enumerate(p.challenges, start=1):
        window = [d for d in days if d.phase == "observe" and d.period == k]
        challenge_start = next(
            (
                d.day
                for d in days
                if d.phase == "challenge" and d.food == c.food and d.day_in_phase == 1
            ),
            None,
        )
        if challenge_start is None or len(window) < p.window_days:
            verdicts.append(
                FoodVerdict(
                    c.food,
                    "inconclusive",
                    None,
                    None,
                    None,
                    "the challenge and its observation window are not complete yet",
                )
            )
            continue
        base_days = [d for d in days if d.arm == CONTROL and d.day < challenge_start][-7:]
        base = np.array([y.get(d.day, np.nan) for d in base_days])
        win = np.array([y.get(d.day, np.nan) for d in window])
        nb, nw = int(np.isfinite(base).sum()), int(np.isfinite(win).sum())
        if nb < 5 or nw < 2:
            verdicts.append(
                FoodVerdict(
                    c.food,
                    "inconclusive",
                    None,
                    None,
                    None,
                    f"too few scored days ({nb} baseline, {nw} in the window)",
                )
            )
            continue
        bm, wm = float(np.nanmean(base)), float(np.nanmax(win))
        sd = float(np.nanstd(base, ddof=1)) if nb > 1 else 0.0
        diff = wm - bm
        threshold = max(p.meaningful_change, 2 * sd)
        reacts = diff >= threshold if p.lower_is_better else -diff >= threshold
        verdicts.append(
            FoodVerdict(
                c.food,
                "reacts" if reacts else "no clear reaction",
                bm,
                wm,
                diff,
                f"{outcome.replace('_', ' ')} peaked at {wm:.1f} within {p.window_days} days "
                f"after the challenge against a baseline of {bm:.1f} (day-to-day SD {sd:.1f}); "
                f"a reaction needs a rise of at least {threshold:.1f}",
            )
        )
    message = "; ".join(f"{v.food}: {v.verdict}" for v in verdicts) + ". " + SIGNAL_NOT_PROOF
    return ExperimentResult(
        p.id,
        outcome,
        p.design,
        any(v.verdict != "inconclusive" for v in verdicts),
        message,
        None,
        None,
        None,
        len(planned),
        len(days),
        (SIGNAL_NOT_PROOF,),
        tuple(verdicts),
    )
