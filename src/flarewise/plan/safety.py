"""Safety checks of clinical-rules.md D.4 and D.5, against the person's medicines, conditions
and labs.

``check_safety(context, items)`` runs every rule family over the plan items, the current
medicines and the recently stopped ones, keeps one warning per hazard (D.5.0 precedence) and
says which inputs were missing for rules that could have applied. ``check_plan`` is the list of
warnings alone. Nothing here decides; it tells.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.inputs import MissingInput, missing_inputs
from flarewise.plan.interactions import CALCIUM, EGFR, calcium_high, interaction_warnings
from flarewise.plan.items import PlanItem
from flarewise.plan.precedence import apply_precedence
from flarewise.plan.warnings import SEVERITY_ORDER, Warning, make_warning, sort_warnings

__all__ = [
    "BLEEDING_AGENTS",
    "CALCIUM",
    "DOSE_AND_POPULATION_FAMILIES",
    "EGFR",
    "RULE_FAMILIES",
    "SEVERITY_ORDER",
    "UL_RULES",
    "MissingInput",
    "RuleFamily",
    "SafetyCheck",
    "Warning",
    "calcium_high",
    "check_plan",
    "check_safety",
    "contraindications",
    "counts_toward",
]

BLEEDING_AGENTS = ("curcumin", "omega_3", "resveratrol", "ginger")
UL_RULES = {
    "SAF-MG-UL": ("magnesium", 350.0),
    "SAF-VITD-UL": ("vitamin_d", 4000.0),
    "SAF-OMEGA3-DOSE": ("omega_3", 5000.0),
}

#: A rule family: every warning its rules give for a context and its agents (current, stopped
#: and proposed), before precedence.
RuleFamily = Callable[[PlanContext, list[Agent], Vocabulary], list[Warning]]


def counts_toward(agent: Agent, substance: str) -> bool:
    """Whether an agent adds to a substance's upper limit: magnesium counts every magnesium
    source (supplements, antacids, laxatives), the others only themselves."""
    return agent.substance == substance or (
        substance == "magnesium" and "magnesium_source" in agent.classes
    )


def upper_limit_warnings(ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> list[Warning]:
    """SAF-MG-UL, SAF-VITD-UL, SAF-OMEGA3-DOSE: summed over every current and proposed source."""
    out = []
    for rule, (sid, limit) in UL_RULES.items():
        sources = [a for a in agents if a.origin != "stopped" and counts_toward(a, sid)]
        total = sum(a.daily_amount or 0 for a in sources)
        if total > limit:
            unit = vocab.substances[sid].canonical_unit
            out.append(
                make_warning(
                    ctx,
                    vocab,
                    rule,
                    f"Total: {total:g} {unit}/day from {len(sources)} source(s).",
                    [sid, *(a.substance for a in sources)],
                )
            )
    return out


#: The interaction, condition and upper-limit rules (clinical-rules.md D.4, D.5.3).
RULE_FAMILIES: tuple[RuleFamily, ...] = (upper_limit_warnings, interaction_warnings)

#: Dose and population rule families (D.5.5 pregnancy/lactation, D.5.6 dose validation, E.1 lab
#: limits) plug in here: each is a ``RuleFamily`` returning ``Warning`` objects; their warnings go
#: through the same precedence step (their own P3 order is theirs to keep).
DOSE_AND_POPULATION_FAMILIES: list[RuleFamily] = []


@dataclass(frozen=True)
class SafetyCheck:
    """Every warning to show, and the inputs whose absence may hide one."""

    warnings: tuple[Warning, ...]
    missing: tuple[MissingInput, ...] = ()

    @property
    def blocked(self) -> bool:
        return any(w.blocks for w in self.warnings)


def check_safety(
    ctx: PlanContext, items: Sequence[PlanItem], vocab: Vocabulary | None = None
) -> SafetyCheck:
    """The warnings ``items`` trigger with the person's medicines, conditions and labs, one per
    hazard, and what was missing to evaluate every rule that could apply."""
    vocab = vocab or load_vocabulary()
    agents = _agents(ctx, items, vocab)
    kept = apply_precedence(_candidates(ctx, agents, vocab), vocab)
    return SafetyCheck(tuple(sort_warnings(kept)), tuple(missing_inputs(ctx, agents, vocab)))


def _agents(ctx: PlanContext, items: Sequence[PlanItem], vocab: Vocabulary) -> list[Agent]:
    proposed = [a for i in items if (a := i.agent(vocab)) is not None]
    return [*ctx.current, *ctx.recently_stopped, *proposed]


def _candidates(ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> list[Warning]:
    found: list[Warning] = []
    for family in (*RULE_FAMILIES, *DOSE_AND_POPULATION_FAMILIES):
        found.extend(family(ctx, agents, vocab))
    return found


def contraindications(
    ctx: PlanContext, items: Sequence[PlanItem], vocab: Vocabulary | None = None
) -> list[Warning]:
    """Every contraindicated warning of every rule family, before precedence: what must never
    be offered. Precedence only chooses which warning to show; a contraindication it folds into
    another is still one, so the plan decides on these."""
    vocab = vocab or load_vocabulary()
    return [w for w in _candidates(ctx, _agents(ctx, items, vocab), vocab) if w.blocks]


def check_plan(
    ctx: PlanContext, items: Sequence[PlanItem], vocab: Vocabulary | None = None
) -> list[Warning]:
    """Every warning that ``items``, with the person's medicines, conditions and labs, trigger."""
    return list(check_safety(ctx, items, vocab).warnings)
