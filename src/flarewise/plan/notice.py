"""One way to turn a rule id and a finding into a :class:`~flarewise.plan.safety.Warning`, for
the rule modules that live beside the safety checker (doses, populations): the rule's text,
severity and source come from data/safety_rules.yaml, and a clinician's recorded override for
the rule and item is shown on the warning."""

from __future__ import annotations

from collections.abc import Iterable

from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.safety import Warning


def ids_of(agent: Agent) -> list[str]:
    """What a warning about an agent names: its plan item (if any) and its substance, so the
    plan can match the warning to the option by either."""
    return list(dict.fromkeys(x for x in (agent.item, agent.substance) if x))


def make_warning(
    ctx: PlanContext,
    vocab: Vocabulary,
    rule: str,
    detail: str,
    involves: Iterable[str],
    severity: str | None = None,
) -> Warning:
    r = vocab.safety_rules[rule]
    who = tuple(dict.fromkeys(involves))
    override = None
    for o in ctx.profile.overrides:
        if o.rule == rule and o.item in who:
            override = f"{o.clinician} on {o.on}"
    return Warning(
        rule, severity or r.severity, f"{r.says} {detail}".strip(), who, r.source, override
    )


def unique(warnings: Iterable[Warning]) -> list[Warning]:
    """Drop exact repeats (two identical plan items give one warning)."""
    return list(dict.fromkeys(warnings))
