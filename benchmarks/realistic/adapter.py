"""The one place that reads flarewise's result objects.

The trigger screen and the experiment analysis are being reworked (issue 12): their results may
gain fields (units, reverse-direction flags, verdict wording) or move them. Everything the
harness needs is read here, by name and defensively, into small plain records; when a field
moves, this module is the only one to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: Names a reverse-direction ("the symptom came first") flag may carry on a trigger.
REVERSE_FLAGS = (
    "possible_consequence",  # flarewise's Trigger (issue 12 part 1)
    "reverse",
    "reverse_direction",
    "consequence",
    "reverse_as_strong",
    "likely_reverse",
)


@dataclass(frozen=True)
class TriggerView:
    exposure: str  # a measure id, e.g. "food_group:eggs"
    outcome: str  # a measure id, e.g. "symptom:gi_symptoms"
    lag: int
    effect: float | None  # outcome points per unit of the exposure
    ci_low: float | None
    ci_high: float | None
    per: float  # the exposure unit the effect is given per (1, or 1,000 for steps)
    q: float | None
    flagged_reverse: bool  # the library itself says the symptom may come first
    test_this: bool  # "Test this" is offered


@dataclass(frozen=True)
class ScreenView:
    status: str
    tests_run: int
    shown: tuple[TriggerView, ...]


@dataclass(frozen=True)
class TrialAnswer:
    enough_data: bool
    verdict: str | None  # "helped", "worsened", "no clear effect" (None: not enough data)
    effect: float | None  # treated - control, outcome points
    ci_low: float | None
    ci_high: float | None
    message: str


@dataclass(frozen=True)
class Step:
    take: bool  # the instruction asks for a dose today
    arm: str  # "A", "B" or "" (not compared: run-in, washout)
    same_for: int = 1  # days this instruction surely holds: 1, or to the end of an A/B period


def _number(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v


def trigger(t: Any) -> TriggerView:
    eff = getattr(t, "effect", None)
    if eff is not None and not isinstance(eff, int | float):
        low, high = getattr(eff, "ci_low", None), getattr(eff, "ci_high", None)
        eff = getattr(eff, "effect", getattr(eff, "estimate", None))
    else:
        low, high = getattr(t, "ci_low", None), getattr(t, "ci_high", None)
    try:
        offered = getattr(t, "test_this", None) is not None
    except Exception:  # a property that cannot build its proposal offers nothing
        offered = False
    flagged = any(bool(getattr(t, name, False)) for name in REVERSE_FLAGS)
    return TriggerView(
        exposure=str(t.exposure),
        outcome=str(t.outcome),
        lag=int(getattr(t, "lag", 0)),
        effect=_number(eff),
        ci_low=_number(low),
        ci_high=_number(high),
        per=_number(getattr(t, "per", 1.0)) or 1.0,
        q=_number(getattr(t, "q", None)),
        flagged_reverse=flagged,
        test_this=offered,
    )


def screen(insights: Any) -> ScreenView:
    """The triggers the person is shown (``Insights.triggers``)."""
    shown = tuple(trigger(t) for t in getattr(insights, "triggers", ()))
    return ScreenView(
        status=str(getattr(insights, "screen_status", "")),
        tests_run=int(getattr(insights, "tests_run", 0) or 0),
        shown=shown,
    )


def trial_answer(result: Any) -> TrialAnswer:
    """An ``ExperimentResult`` as: did it answer, the verdict, the primary estimate."""
    analysis = getattr(result, "analysis", None)
    primary = getattr(analysis, "primary", None) if analysis is not None else None
    verdict = getattr(result, "verdict", None)
    return TrialAnswer(
        enough_data=bool(getattr(result, "enough_data", verdict is not None)),
        verdict=None if verdict is None else str(verdict),
        effect=_number(getattr(primary, "effect", None)),
        ci_low=_number(getattr(primary, "ci_low", None)),
        ci_high=_number(getattr(primary, "ci_high", None)),
        message=str(getattr(result, "message", "")),
    )


_PHASE = re.compile(r"phase ([AB])\b")
_DO = re.compile(r"(?:^|\. )Do (?!not\b)")
_DAY_OF = re.compile(r"day (\d+) of (\d+)")


def instruction(status: dict[str, Any]) -> Step:
    """Today's instruction, as the person reads it: take a dose or not, and the phase."""
    text = str(status.get("today", ""))
    lowered = text.lower()
    take = "take " in lowered and "do not take" not in lowered and "don't take" not in lowered
    # a practice (breathing, exercise) is done or left out rather than taken
    take = take or _DO.search(text) is not None
    m = _PHASE.search(text)
    d = _DAY_OF.search(text)
    # "day 4 of 14" counts the days of the period, whose first days may be a washout with
    # another instruction; a compared phase (A or B) runs to the period's end.
    same_for = int(d.group(2)) - int(d.group(1)) + 1 if d and m else 1
    return Step(take=take, arm=m.group(1) if m else "", same_for=max(1, same_for))


def planned_days(protocol: Any) -> int:
    """Days of a randomised-blocks trial: run-in, then two periods per block."""
    return int(protocol.run_in_days) + 2 * int(protocol.period_days) * len(protocol.order)
