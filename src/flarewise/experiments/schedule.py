"""The planned schedule of a protocol, day by day, and what to do today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flarewise.analysis.nof1 import CONTROL, EXCLUDED, TREATED
from flarewise.domain.experiments import DoseLevel, Protocol


@dataclass(frozen=True)
class PlannedDay:
    day: date
    phase: (
        str  # run-in, baseline, A, B, washout, titration, stable, elimination, challenge, observe
    )
    arm: int  # CONTROL, TREATED or EXCLUDED from the comparison
    period: int  # -1 outside compared periods
    block: int
    day_in_phase: int
    phase_length: int
    dose: DoseLevel | None = None  # what to take that day (its `days` is the step's length)
    food: str | None = None
    #: the day belongs to a period with the intervention (B), washout days included: without a
    #: dose (a practice, or a substance whose dose was not given) this is how the first days
    #: of a B period are told apart from those of an A period
    treated_period: bool = False

    @property
    def dose_text(self) -> str | None:
        return None if self.dose is None else f"{self.dose.amount:g} {self.dose.unit}"


def _days(p: Protocol) -> list[PlannedDay]:
    out: list[PlannedDay] = []
    day = p.start

    def add(
        n: int,
        phase: str,
        arm: int,
        period: int = -1,
        block: int = -1,
        dose: DoseLevel | None = None,
        food: str | None = None,
        first_excluded: int = 0,
    ) -> None:
        nonlocal day
        for i in range(n):
            a = EXCLUDED if i < first_excluded else arm
            ph = "washout" if i < first_excluded else phase
            treated = arm == TREATED
            out.append(PlannedDay(day, ph, a, period, block, i + 1, n, dose, food, treated))
            day += timedelta(days=1)

    dose = p.dose
    add(p.run_in_days, "run-in", EXCLUDED)
    if p.design == "ab":
        add(p.baseline_days, "A", CONTROL, 0, 0)
        add(p.period_days, "B", TREATED, 1, 0, dose, first_excluded=p.washout_days)
    elif p.design == "randomised_blocks":
        for b, order in enumerate(p.order):
            for j, arm in enumerate(order):
                is_b = arm == "B"
                add(
                    p.period_days,
                    arm,
                    TREATED if is_b else CONTROL,
                    2 * b + j,
                    b,
                    dose if is_b else None,
                    first_excluded=p.washout_days,
                )
    elif p.design == "titration":
        add(p.baseline_days, "A", CONTROL, 0, 0)
        *steps, stable = p.titration
        for s in steps:
            add(s.days, "titration", EXCLUDED, dose=s)
        add(stable.days, "stable", TREATED, 1, 0, stable)
    elif p.design == "reintroduction":
        add(p.baseline_days, "elimination", CONTROL, 0, 0)
        for k, c in enumerate(p.challenges, start=1):
            add(c.days, "challenge", EXCLUDED, food=c.food)
            add(p.window_days, "observe", TREATED, k, k, food=c.food)
            add(p.recovery_days, "elimination", CONTROL, -1, k)
    return out


def planned_schedule(p: Protocol) -> list[PlannedDay]:
    return _days(p)


@dataclass(frozen=True)
class Phase:
    """A run of planned days in one phase of one block (what a timeline shades)."""

    phase: str
    block: int
    start: date
    end: date  # the last day, inclusive


def phases(p: Protocol) -> list[Phase]:
    out: list[Phase] = []
    for d in _days(p):
        last = out[-1] if out else None
        if last is not None and (last.phase, last.block) == (d.phase, d.block):
            out[-1] = Phase(last.phase, last.block, last.start, d.day)
        else:
            out.append(Phase(d.phase, d.block, d.day, d.day))
    return out


def executed_schedule(p: Protocol, today: date) -> list[PlannedDay]:
    """The planned days that have happened: up to today, or to the stop date; paused days are
    dropped from the comparison."""
    end = min(today, p.stopped_on) if p.stopped_on else today
    paused = [(x.start, x.end or today) for x in p.pauses]
    out = []
    for d in _days(p):
        if d.day > end:
            break
        if any(a <= d.day <= b for a, b in paused):
            d = PlannedDay(d.day, "paused", EXCLUDED, -1, d.block, d.day_in_phase, d.phase_length)
        out.append(d)
    return out


PHASE_WORDS = {
    "run-in": "run-in: keep logging, change nothing yet",
    "A": "phase A (without it)",
    "B": "phase B (with it)",
    "washout": "the first days of a period (not compared while the last one wears off)",
    "titration": "dose titration",
    "stable": "stable dose",
    "elimination": "elimination: keep the eliminated foods out",
    "challenge": "challenge: eat the test food 2-3 times over these days",
    "observe": "observation window: back to elimination, log symptoms carefully",
    "paused": "paused",
}


#: A phase's short name where people read a list of phases (the timeline's table and
#: tooltips): the codes "A", "B", "washout" said nothing to a newcomer.
PHASE_NAMES = {
    "run-in": "settling in (not compared)",
    "A": "without it",
    "B": "with it",
    "washout": "first days of a period (not compared)",
    "titration": "building up the dose",
    "stable": "steady dose",
    "elimination": "foods left out",
    "challenge": "test food",
    "observe": "watching after a test food",
    "paused": "paused",
}


#: What a planned experiment says instead of an instruction: it has not been agreed to yet, so
#: it must not tell anyone to take or leave out anything (issue 15 item 7).
NOT_STARTED = (
    "Not started yet: nothing to change. Review the plan and confirm it when you are ready."
)


def day_of(p: Protocol, today: date) -> PlannedDay | None:
    """The planned day ``today`` of an experiment the person has agreed to and is following
    (running, not paused); None before its start, after its end, or when it is planned,
    paused, stopped or finished. Everything that tells the person what to do today (Today,
    the instruction line) reads this, so a planned experiment never gives an instruction."""
    if p.status != "running":
        return None
    return next((d for d in _days(p) if d.day == today), None)


def _off(p: Protocol, d: PlannedDay) -> bool:
    return (
        p.substance is not None
        and p.design != "reintroduction"
        and d.dose is None
        and not d.treated_period
        and d.phase in ("A", "washout")
    )


def holds_dose(p: Protocol, today: date) -> bool:
    """True when today's phase asks the person not to take the experiment's substance (an
    "off" day: phase A, or a washout before a period without it), so no face offers it."""
    d = day_of(p, today)
    return d is not None and _off(p, d)


def held_days(p: Protocol) -> list[date]:
    """Every "off" day of a running experiment (see :func:`holds_dose`): the days a calendar's
    dose reminder for its substance must skip."""
    if p.status != "running":
        return []
    return [d.day for d in _days(p) if _off(p, d)]


def today_instruction(p: Protocol, today: date, name: str | None = None) -> str:
    """What today asks of the person, in one sentence. ``name`` is what they call the thing
    tried (from the vocabulary, which this layer does not read); without it the id is spelt
    as words. Something taken is taken or not; a practice is done or left out."""
    days = {d.day: d for d in _days(p)}
    if p.status in ("stopped", "finished"):
        return f"This experiment is {p.status}."
    if p.status == "paused":
        return "This experiment is paused."
    if p.status == "planned":
        return NOT_STARTED
    d = days.get(today)
    if d is None:
        first = min(days) if days else p.start
        return (
            f"It starts on {first:%A %d %B}; until then, change nothing."
            if today < first
            else "The planned schedule is complete: run the analysis."
        )
    what = PHASE_WORDS.get(d.phase, d.phase)
    text = f"Today you are in {what}, day {d.day_in_phase} of {d.phase_length}."
    name = name or (p.substance or p.intervention).replace("_", " ")
    taken = p.substance is not None
    if d.phase in ("B", "stable", "titration") or (
        d.phase == "washout" and (d.dose or d.treated_period)
    ):
        dose = f" {d.dose_text}." if d.dose else "."
        text += f" Take {name}{dose}" if taken else f" Do {name} today."
    elif d.phase in ("A",) or (d.phase == "washout" and p.design != "reintroduction"):
        text += f" Do not take {name}." if taken else f" Leave out {name} today."
    if d.food:
        text += f" Test food: {d.food}."
    return text
