"""What counts as a true, a reverse, a built-in or a false trigger, by the journal's measure ids.

A trigger names an exposure and an outcome (measure ids such as ``food_group:eggs`` and
``symptom:gi_symptoms``). Against the diary's truth, each shown trigger is exactly one of:

- **planted**: the exposure and outcome of a planted effect (any lag; ``lag_right`` says whether
  the lag was the planted one). Only these count towards recall and coverage.
- **reverse**: the planted consequence, steps with pain (either order, any lag): pain lowers
  steps; a screen that shows it as a trigger is not counted false here, and the count of such
  hits is reported apart (issue 12 wants them labelled, not offered for testing).
- **built-in**: pairs the generator links by construction, not causes a screen should find:
  two symptoms (they share a latent state and weekly cycles), sleep quality with sleep hours,
  a disturbed night with sleep hours. Reported apart, not counted false.
- **false**: everything else. Nothing else in the generator affects a symptom or sleep hours.
"""

from __future__ import annotations

from dataclasses import dataclass

from .adapter import TriggerView
from .diary import REVERSE
from .life import Planted

SLEEP_LINKS = {
    frozenset(("sleep:quality", "sleep:hours")),
    frozenset(("event:poor_night", "sleep:hours")),
    frozenset(("sleep:in_bed_hours", "sleep:hours")),
    frozenset(("sleep:awakenings", "sleep:hours")),
}


@dataclass(frozen=True)
class Scored:
    trigger: TriggerView
    kind: str  # "planted", "reverse", "built-in" or "false"
    planted: Planted | None = None
    lag_right: bool = False
    covers: bool | None = None  # the effect's interval holds the planted size (planted only)


def classify(t: TriggerView, planted: tuple[Planted, ...]) -> Scored:
    for p in planted:
        if t.exposure == p.factor and t.outcome == f"symptom:{p.symptom}":
            covers = None
            if t.ci_low is not None and t.ci_high is not None:
                truth = p.size * t.per  # the effect is given per `per` units of the exposure
                covers = t.ci_low <= truth <= t.ci_high
            return Scored(t, "planted", p, t.lag == p.lag, covers)
    pair = frozenset((t.exposure, t.outcome))
    if pair == frozenset(REVERSE):
        return Scored(t, "reverse")
    if t.exposure.startswith("symptom:") and t.outcome.startswith("symptom:"):
        return Scored(t, "built-in")
    if pair in SLEEP_LINKS:
        return Scored(t, "built-in")
    return Scored(t, "false")


def score(shown: tuple[TriggerView, ...], planted: tuple[Planted, ...]) -> list[Scored]:
    return [classify(t, planted) for t in shown]


def found(scored: list[Scored], p: Planted) -> Scored | None:
    """The strongest shown hit for a planted effect, preferring the planted lag."""
    hits = [s for s in scored if s.planted == p]
    hits.sort(key=lambda s: (not s.lag_right, s.trigger.q if s.trigger.q is not None else 1.0))
    return hits[0] if hits else None
