"""Analysing an experiment: the effect with its uncertainty, per-period means, the randomisation
test, adherence, missing days, trend and carry-over, or an honest "not enough data yet" with the
real reason and the way out. The words come from ``wording.py``, derived from the numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from flarewise.analysis.adequacy import Adequacy, assess
from flarewise.analysis.grid import DailyGrid
from flarewise.analysis.nof1 import CONTROL, EXCLUDED, TREATED, Nof1Analysis, analyze
from flarewise.domain.experiments import Protocol
from flarewise.experiments import wording
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
    verdict: str | None  # see wording.VERDICTS; None when not enough data
    analysis: Nof1Analysis | None
    adherence: Adherence | None
    days_planned: int
    days_elapsed: int
    caveats: tuple[str, ...] = ()
    foods: tuple[FoodVerdict, ...] = field(default=())
    adequacy: Adequacy | None = None  # the rule's figures and the way out (randomised designs)
    probabilities: str | None = None  # the 4.2 pair of probabilities, in words
    randomisation: str | None = None  # the randomisation test, in words
    open_label: bool = True  # the person knew what they took on which day


def _arrays(days: list[PlannedDay], grid: DailyGrid, outcome: str) -> tuple[np.ndarray, ...]:
    y = np.array(
        [
            grid.values[grid.row_of(d.day), grid.names.index(outcome)]
            if 0 <= grid.row_of(d.day) < grid.days
            else np.nan
            for d in days
        ],
        dtype=float,
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

    def taken(d: PlannedDay) -> int:
        r = grid.row_of(d.day)
        return int(0 <= r < grid.days and bool(np.isfinite(x[r])) and bool(x[r] > 0))

    on = [d for d in days if d.dose is not None and d.phase != "paused"]
    off = [d for d in days if d.arm == CONTROL]
    return Adherence(len(on), sum(taken(d) for d in on), len(off), sum(taken(d) for d in off))


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
    what = outcome_id.replace("_", " ")
    if measure not in grid.names:
        return ExperimentResult(
            p.id,
            outcome_id,
            p.design,
            False,
            f"Not enough data yet: no {what} scores are logged for this experiment's days.",
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
    finished = p.status in ("stopped", "finished") or len(days) >= len(planned)
    future = [] if finished else planned[len(days) :]
    period_arm = {d.period: d.arm for d in planned if d.period >= 0 and d.arm != EXCLUDED}
    ad: Adequacy | None = None
    if p.design == "randomised_blocks":
        compared = np.where(arm != EXCLUDED, y, np.nan)
        ad = assess(
            compared,
            arm,
            period,
            block,
            result.phi,
            future_arm=np.array([d.arm for d in future], float),
            future_period=np.array([d.period for d in future], float),
            future_block=np.array([d.block for d in future], float),
            has_fit=result.primary is not None,
        )
        enough = ad.enough
        message = "" if enough else _refusal(p, result, ad, future, period_arm, finished)
    else:
        enough, message = _enough_before_after(
            result,
            arm,
            y,
            name,
            what,
            p.lower_is_better,
            before_over=finished or any(d.period >= 1 or d.phase == "titration" for d in days),
            finished=finished,
        )
    caveats = _caveats(p, result, adh, ad, period_arm, name, what)
    verdict = None
    if enough and not finished:
        caveats.insert(
            0,
            f"Interim result: day {len(days)} of {len(planned)}. Deciding as soon as a result "
            "looks good makes chance findings more likely; finish the plan before you decide.",
        )
    if enough and result.primary is not None:
        verdict = wording.verdict_of(result.primary, meaningful, p.lower_is_better)
        message = wording.verdict_words(
            verdict, name, what, result.primary, meaningful, p.lower_is_better
        )
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
        adequacy=ad,
        probabilities=wording.probability_words(result, verdict),
        randomisation=wording.randomisation_words(result, name),
        open_label=True,
    )


def _refusal(
    p: Protocol,
    a: Nof1Analysis,
    ad: Adequacy,
    future: list[PlannedDay],
    period_arm: dict[int, int],
    finished: bool,
) -> str:
    starts: dict[int, date] = {}
    for d in future:
        if d.period >= 0 and d.arm != EXCLUDED:
            starts.setdefault(d.period, d.day)
    return wording.refusal_words(
        (p.substance or p.intervention).replace("_", " "),
        p.outcome.replace("_", " "),
        a,
        ad,
        period_arm=period_arm,
        period_start=starts,
        finished=finished,
        period_days=p.period_days,
        lower_is_better=p.lower_is_better,
    )


def _caveats(
    p: Protocol,
    result: Nof1Analysis,
    adh: Adherence | None,
    ad: Adequacy | None,
    period_arm: dict[int, int],
    name: str,
    what: str,
) -> list[str]:
    caveats = [wording.open_label(name, what)]
    if ad is not None:
        caveats += [c for c in (wording.pairs_caveat(ad), wording.thin_caveat(ad, period_arm)) if c]
    if p.design in ("ab", "titration"):
        caveats.append(
            f"This compares before and after starting {name}. Other changes over the "
            "same time could explain part of the difference. A blinded on/off "
            "schedule would give a firmer answer."
        )
    if p.design == "titration":
        caveats.append("Judged on the stable-dose phase only, not during up-titration.")
    trend = result.trend_per_30_days
    if trend is not None and abs(trend) >= 0.5:
        if p.design == "randomised_blocks":
            caveats.append(
                f"Your {what} drifted by {trend:+.1f} points per 30 days over the trial, "
                "whatever the phase; the randomised, alternating order keeps such drift from "
                "passing for an effect."
            )
        else:
            caveats.append(
                f"Your {what} drifted by {trend:+.1f} points per 30 days regardless of "
                "phase; a before/after design cannot separate that from the intervention."
            )
    if p.washout_days:
        caveats.append(
            f"The first {p.washout_days} days of each period were left out as washout, so an "
            f"effect that lingers up to {p.washout_days} days after stopping, or takes that "
            "long to start, is not counted for the wrong period. An effect that lingers "
            "longer would make the difference look smaller, not larger."
        )
    if result.days_missing:
        caveats.append(
            f"{result.days_missing} of the compared days had no score and were "
            "left out (never filled in)."
        )
    if adh is not None and adh.rate is not None and adh.rate < 0.95:
        caveats.append(
            f"{name.capitalize()} was logged as taken on {adh.rate:.0%} of the days "
            "it was planned; the estimate describes what was actually done, and missed "
            "doses make a real effect look smaller."
        )
    if adh is not None and adh.taken_on_control_days:
        caveats.append(
            f"It was also taken on {adh.taken_on_control_days} days meant to be without it."
        )
    return caveats


def _enough_before_after(
    a: Nof1Analysis,
    arm: np.ndarray,
    y: np.ndarray,
    name: str,
    what: str,
    lower_is_better: bool,
    *,
    before_over: bool,
    finished: bool,
) -> tuple[bool, str]:
    """AB and titration: 14 scored days before and 14 after (analysis-methods.md 4.2). The way
    out only asks for days that can still be logged: once the before phase is over its missing
    days cannot be made up."""
    base = int(np.isfinite(y[arm == CONTROL]).sum())
    post = int(np.isfinite(y[arm == TREATED]).sum())
    if base >= 14 and post >= 14 and a.primary is not None:
        return True, ""
    head = (
        f"Not enough data yet to say whether {name} changes your {what}: the comparison "
        f"needs 14 scored days before and 14 after; you have {base} and {post}."
    )
    if base < 14 and before_over:
        way = (
            "The before phase is over, so this comparison cannot get there; a randomised "
            f"on/off schedule of {name} would answer instead."
        )
    elif post < 14 and finished:
        way = "The schedule is over; extending it would be the way to an answer."
    else:
        need = [f"{14 - base} more before"] if base < 14 else []
        need += [f"{14 - post} more after"] if post < 14 else []
        way = f"{' and '.join(need) or 'A few more'} would be enough."
        way = way[0].upper() + way[1:]
    return False, " ".join(s for s in (head, way, wording.so_far(a, lower_is_better)) if s)


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
