"""Whether an option can be offered as something new to start, and if not, why in words.

Two gates come before any ranking or safety check, shared by the plan and the experiment
templates so they never disagree: something the person already takes is "already taking", not
a new start; and an option that exists only to correct a documented low level (its
``requires_low_lab`` in interventions.yaml, e.g. vitamin D, clinical-rules.md D.3 "correct
documented deficiency only" with the C thresholds) needs a latest result below the limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from flarewise.knowledge.schema import InterventionDef
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import PlanContext

ALREADY = "You already take it, so it is not offered as something new to start."
Verdict = Literal["offered", "already_taking", "needs_test", "not_low", "unclassified"]


@dataclass(frozen=True)
class Eligibility:
    verdict: Verdict
    #: a sentence for the person: why it is offered (a low level) or why it is not
    reason: str = ""
    #: where the rule comes from (clinical-rules.md), kept apart from the words
    rules: tuple[str, ...] = ()

    @property
    def offered(self) -> bool:
        return self.verdict == "offered"


def low_lab(ctx: PlanContext, i: InterventionDef) -> Eligibility:
    """The lab gate alone: offered (with the low result as its reason) or why not."""
    req = i.requires_low_lab
    if req is None:
        return Eligibility("offered")
    r = ctx.latest(*req.loincs)
    if r is None or r.value is None or r.unit is None:
        return Eligibility(
            "needs_test",
            f"Only to correct a documented low level, and there is no {req.analyte} result on "
            "record: a blood test showing a low level would be needed first (ask your "
            "clinician whether one is right for you).",
            (req.rule,),
        )
    limit = req.below.get(r.unit)
    if limit is None:
        return Eligibility(
            "unclassified",
            f"Only to correct a documented low level; your latest {req.analyte} result is in "
            f"{r.unit}, which flarewise cannot classify: ask your clinician to read it.",
            (req.rule,),
        )
    if r.value < limit:
        return Eligibility(
            "offered",
            f"your latest {req.analyte} was {r.value:g} {r.unit} on {r.at.date()} "
            f"(low: below {limit:g})",
            (req.rule,),
        )
    return Eligibility(
        "not_low",
        f"Only to correct a documented low level; your latest {req.analyte} was {r.value:g} "
        f"{r.unit} on {r.at.date()}, which is not low (not below {limit:g}).",
        (req.rule,),
    )


def can_start(ctx: PlanContext, i: InterventionDef) -> Eligibility:
    """Whether ``i`` can be offered as a new start for this person on ``ctx.on``."""
    lab = low_lab(ctx, i)
    if i.substance is not None and i.substance in {a.substance for a in ctx.current}:
        # what the lab says is added when it would not be offered anyway (the demo person:
        # vitamin D taken daily with a normal latest level)
        more = "" if lab.offered else " " + lab.reason
        return Eligibility("already_taking", ALREADY + more, lab.rules if more else ())
    return lab


def can_start_item(ctx: PlanContext, vocab: Vocabulary, item: str) -> Eligibility:
    """``can_start`` for an intervention id, or a substance id with no intervention of its own
    (then only the "already taking" gate applies)."""
    i = vocab.interventions.get(item)
    if i is not None:
        return can_start(ctx, i)
    if item in {a.substance for a in ctx.current}:
        return Eligibility("already_taking", ALREADY)
    return Eligibility("offered")
