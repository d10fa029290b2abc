"""Inputs a rule needed but the record lacks ("no eGFR on record"), so that silence is never
mistaken for safety: a check without an eGFR cannot say an NSAID is fine for the kidneys."""

from __future__ import annotations

from dataclasses import dataclass

from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.interactions import CALCIUM, latest_egfr, matches
from flarewise.plan.limits import UL_RULES, counts_toward

TEXT = {
    "egfr": "no eGFR on record",
    "age": "age not recorded",
    "calcium": "no calcium result on record",
    "pregnancy": "pregnancy not recorded",
    "breastfeeding": "breastfeeding not recorded",
}
#: a medicine flarewise does not know (issue 13): never an agent, so never silently "no warning"
UNRECOGNISED_TEXT = "{name} is not recognised: its interactions are not checked"
#: rules of the pregnancy and lactation family (D.5.5) that an unrecorded status leaves open
POPULATION_RULES = {
    "pregnancy": ("SAF-PREG-ITEM", "SAF-PREG-UL", "SAF-PREG-UNKNOWN"),
    "breastfeeding": ("SAF-LACT-ITEM", "SAF-LACT-UL"),
}


@dataclass(frozen=True)
class MissingInput:
    input: str  # egfr, age, calcium, pregnancy, breastfeeding, dose, uncounted, unrecognised
    message: str  # in words: "no eGFR on record"
    rules: tuple[str, ...]  # the rules that could have applied
    items: tuple[str, ...]  # the plan items (or medicines) concerned


def _absent(ctx: PlanContext, need: str) -> bool:
    if need == "egfr":
        return latest_egfr(ctx) is None
    if need == "age":
        return ctx.age is None
    return ctx.latest(*CALCIUM) is None


def missing_inputs(ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> list[MissingInput]:
    proposed = [a for a in agents if a.origin == "proposed"]
    found: dict[str, tuple[dict[str, None], dict[str, None]]] = {}

    def note(need: str, rules: tuple[str, ...], item: str) -> None:
        r, i = found.setdefault(need, ({}, {}))
        r.update(dict.fromkeys(rules))
        i[item] = None

    for rule in vocab.safety_rules.values():
        for need in rule.needs:
            if not _absent(ctx, need):
                continue
            for a in proposed:
                if matches(a, rule.item):
                    note(need, (rule.id,), a.substance)
    profile = ctx.profile
    age = ctx.age
    could_be = profile.sex != "male" and (age is None or 12 <= age <= 55)
    for status in ("pregnancy", "breastfeeding"):
        value = profile.pregnant if status == "pregnancy" else profile.breastfeeding
        if value is None and could_be:
            rules = tuple(r for r in POPULATION_RULES[status] if r in vocab.safety_rules)
            for a in proposed:
                note(status, rules, a.substance)
    out = [MissingInput(need, TEXT[need], tuple(r), tuple(i)) for need, (r, i) in found.items()]
    out.extend(_uncounted(agents, vocab))
    out.extend(unrecognised_inputs(ctx))
    for a in agents:
        if a.origin == "stopped" or a.daily_amount is not None:
            continue
        for cls, limits in vocab.dose_dependent.items():
            if a.substance in limits:
                limit = f"{limits[a.substance]:g} {vocab.substances[a.substance].canonical_unit}"
                text = (
                    f"{a.label or a.substance} dose not recorded: above {limit}/day it counts "
                    f"as {vocab.substance_classes[cls]}, so it was treated as one"
                )
                out.append(MissingInput("dose", text, (), (a.substance,)))
    return out


def unrecognised_inputs(ctx: PlanContext) -> list[MissingInput]:
    """One line per medicine flarewise does not know: it is never an agent (no class is
    guessed, clinical-rules.md D.5.0 item 1), so no rule can warn about it."""
    return [
        MissingInput("unrecognised", UNRECOGNISED_TEXT.format(name=name), (), (name,))
        for name in ctx.unrecognised
    ]


def _uncounted(agents: list[Agent], vocab: Vocabulary) -> list[MissingInput]:
    """Recorded medicines left out of an upper-limit sum that a plan item adds to
    (clinical-rules.md D.5.0 2c: "left out of D.4 sums ... and the sum is reported as a lower
    bound"). When what can be counted stays under the limit no limit warning carries that lower
    bound, so it is said here: 2 magnesium tablets of unknown strength next to 300 mg planned
    must not read as a complete check."""
    out: list[MissingInput] = []
    for rule, (sid, _limit) in UL_RULES.items():
        live = [a for a in agents if a.origin != "stopped" and counts_toward(a, sid)]
        if not any(a.origin == "proposed" for a in live):
            continue
        total = sum(a.daily_amount for a in live if a.daily_amount is not None)
        unit = vocab.substances[sid].canonical_unit
        name = vocab.name_of("substance", sid)
        for a in live:
            if a.origin != "current" or not (a.unconvertible or a.invalid_dose):
                continue
            text = (
                f"{a.label or a.substance} (recorded) was left out of the {name} total, which "
                f"is therefore at least {total:g} {unit}/day: {a.unconvertible or a.invalid_dose}"
            )
            out.append(MissingInput("uncounted", text, (rule,), (a.substance,)))
    return out
