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
from flarewise.plan.doses import dose_warnings
from flarewise.plan.inputs import MissingInput, missing_inputs
from flarewise.plan.interactions import CALCIUM, EGFR, calcium_high, interaction_warnings
from flarewise.plan.items import PlanItem
from flarewise.plan.limits import UL_RULES, counts_toward
from flarewise.plan.populations import population_warnings
from flarewise.plan.precedence import apply_precedence
from flarewise.plan.warnings import SEVERITY_ORDER, Warning, sort_warnings

__all__ = [
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

#: A rule family: every warning its rules give for a context and its agents (current, stopped
#: and proposed), before precedence.
RuleFamily = Callable[[PlanContext, list[Agent], Vocabulary], list[Warning]]


#: The interaction and condition rules (clinical-rules.md D.4, D.5.3).
RULE_FAMILIES: tuple[RuleFamily, ...] = (interaction_warnings,)

#: Dose and population rule families: D.5.6 dose validation with the upper limits (their own P3
#: order is kept inside ``dose_warnings``) and D.5.5 pregnancy and lactation. Their warnings go
#: through the same precedence step as the others.
DOSE_AND_POPULATION_FAMILIES: tuple[RuleFamily, ...] = (dose_warnings, population_warnings)


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
