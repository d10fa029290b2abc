"""The review a person reads before agreeing to an experiment (issue 15 item 7; design-notes.md
principle 4: confirm, with a review, big actions such as a months-long experiment).

Everything here is derived from the saved protocol and its planned schedule, so the review can
never promise a different schedule from the one Today will follow: how long it takes and on
which dates, each phase in words and dates, what to do every day, and what the experiment will
and will not be able to tell (the minimum data of analysis-methods.md 1.4 and 4.2, said plainly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flarewise.analysis.adequacy import MIN_EFFECTIVE, MIN_PAIRS, WARN_PAIRS
from flarewise.domain.experiments import Protocol
from flarewise.experiments.schedule import PlannedDay, planned_schedule
from flarewise.experiments.wording import open_label


@dataclass(frozen=True)
class PhaseLine:
    """One stretch of days with the same instruction."""

    start: date
    end: date  # inclusive
    days: int
    what: str  # what to do on these days, in words


@dataclass(frozen=True)
class Review:
    title: str
    days: int
    start: date
    end: date
    phases: list[PhaseLine]
    daily: list[str]
    will_tell: list[str]
    will_not_tell: list[str]
    why: str | None


def _dose(d: PlannedDay, timing: str | None) -> str:
    text = f" {d.dose_text}" if d.dose_text else ""
    return text + (f", {timing}" if timing else "")


def phase_words(p: Protocol, d: PlannedDay, name: str) -> str:
    """What a planned day asks, in words (the same sentence for every day of its phase)."""
    took = _dose(d, p.timing)
    foods = ", ".join(f.replace("_", " ") for f in p.eliminated) or "the foods you left out"
    food = (d.food or "").replace("_", " ")
    # something taken is taken or not; a practice (breathing, exercise) is done or left out
    do, dont = (
        ("take it", "do not take it") if p.substance is not None else ("do it", "leave it out")
    )
    words = {
        "run-in": "Settling in: keep checking in and change nothing yet (not compared).",
        "A": f"Without {name}: {dont}.",
        "B": f"With {name}: {do}{took}.",
        "titration": f"Building up: take {name}{took} (not compared).",
        "stable": f"Steady dose: take {name}{took}.",
        "elimination": f"Keep {foods} out of what you eat.",
        "challenge": f"Eat {food} two or three times over these days.",
        "observe": "Back to leaving the foods out; note how you feel carefully.",
    }
    if d.phase == "washout":
        if d.dose is not None or d.treated_period:
            return f"With {name}: {do}{took} (first days, not compared while it settles)."
        return f"Without {name}: {dont} (first days, not compared while it wears off)."
    return words.get(d.phase, d.phase)


def _phases(p: Protocol, name: str) -> list[PhaseLine]:
    out: list[PhaseLine] = []
    for d in planned_schedule(p):
        what = phase_words(p, d, name)
        last = out[-1] if out else None
        if last is not None and last.what == what:
            out[-1] = PhaseLine(last.start, d.day, last.days + 1, what)
        else:
            out.append(PhaseLine(d.day, d.day, 1, what))
    return out


def _daily(p: Protocol, name: str, outcome: str) -> list[str]:
    out = [f"Check in once a day and score your {outcome} (about a minute)."]
    if p.substance is not None and p.design in ("ab", "randomised_blocks"):
        out.append(
            f"On days with {name}, take it and tick it on Today; on days without it, leave it "
            "out. Today and your calendar say which kind of day it is."
        )
    elif p.design == "titration":
        out.append(f"Take {name} at the dose of the day and tick it on Today.")
    elif p.design == "reintroduction":
        out.append("Log what you eat, especially the test food on challenge days.")
    else:
        out.append(f"On days with {name}, do it; on days without it, leave it out.")
    out.append("If you feel unwell or need to stop, stop: the analysis uses what was done.")
    return out


def _will_tell(p: Protocol, name: str, outcome: str) -> list[str]:
    change = (
        f"{p.meaningful_percent:g} %"
        if p.meaningful_basis == "percent"
        else f"{p.meaningful_change:g} point{'' if p.meaningful_change == 1 else 's'}"
    )
    if p.design == "randomised_blocks":
        return [
            f"Whether {name} changes your {outcome} by at least {change}, comparing days with "
            f"and without it over {p.blocks} pairs of periods in an order drawn at random.",
            "An estimate of the difference with a range it is likely to lie in, and the "
            "chance that it helped at all and that it helped by as much as you chose.",
        ]
    if p.design == "reintroduction":
        return [f"For each test food, whether your {outcome} is worse in the days after it."]
    return [
        f"How your {outcome} with {name} compares with the days before it, and whether the "
        f"difference reaches the {change} you chose."
    ]


def _will_not_tell(p: Protocol, name: str, outcome: str) -> list[str]:
    out = [
        f"It needs at least {MIN_PAIRS} pairs of periods scored both with and without it, "
        f"and about {MIN_EFFECTIVE:.0f} independent scored days of each; with less it says "
        '"not enough data yet" instead of guessing.',
        "It cannot say whether it would work for anyone else, or why it works.",
    ]
    if p.design == "randomised_blocks" and p.blocks < WARN_PAIRS:
        out.append(
            f"With {p.blocks} pairs the random-order check cannot reach the usual 5 % level."
        )
    if p.design in ("ab", "titration"):
        out.append(
            "A before-and-after comparison cannot separate the change from anything else that "
            "changed over the same weeks (a flare, the season, another treatment)."
        )
    if p.run_in_days:
        out.append(
            f"It was sized without enough of your own scores: the first {p.run_in_days} days "
            "collect them, and it may be too short to detect a small change."
        )
    if p.substance is not None or p.design != "reintroduction":
        out.append(open_label(name, outcome))
    return out


def review(p: Protocol, name: str, outcome: str) -> Review:
    """The review of ``p``; ``name`` and ``outcome`` are what the person calls the
    intervention and the outcome (the vocabulary's names, never ids)."""
    days = planned_schedule(p)
    first = days[0].day if days else p.start
    last = days[-1].day if days else p.start
    return Review(
        title=p.title,
        days=len(days),
        start=first,
        end=last,
        phases=_phases(p, name),
        daily=_daily(p, name, outcome),
        will_tell=_will_tell(p, name, outcome),
        will_not_tell=_will_not_tell(p, name, outcome),
        why=p.why,
    )
