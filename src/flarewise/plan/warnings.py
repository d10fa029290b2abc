"""The warning record every safety-rule family returns, and how one is made from a rule.

Kept apart from the evaluators so that every family (interactions, populations, doses, lab
limits) builds warnings the same way: the rule's own words and source, the detail of this case,
and a clinician override when one is recorded for the rule and the item.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import Agent, PlanContext

SEVERITY_ORDER = {"contraindicated": 0, "major": 1, "caution": 2, "review": 3, "info": 4}


@dataclass(frozen=True)
class Warning:
    rule: str
    severity: str
    message: str
    involves: tuple[str, ...]  # substance or item ids
    source: str
    overridden_by: str | None = None
    #: the plan item the warning is about (None: a profile-level or non-item warning)
    subject: str | None = None
    #: what the subject is combined with: substance ids, condition ids, or a trigger such as
    #: ``age_65_plus`` (clinical-rules.md D.5.0 P1: one multi-partner warning lists them all)
    partners: tuple[str, ...] = ()
    #: the severity each partner brings (same order as ``partners``), for D.5.0 P2 coverage
    partner_severities: tuple[str, ...] = ()
    #: D.5.0 P2 specificity rank (3 = D.4 drug rule, 2 = D.5 named rule, 1 = D.5 class rule)
    rank: int | None = None
    #: rule ids of the warnings this one absorbed (D.5.0 P2/P4: one warning per hazard)
    absorbed: tuple[str, ...] = field(default=())

    @property
    def blocks(self) -> bool:
        return self.severity == "contraindicated"


def make_warning(
    ctx: PlanContext,
    vocab: Vocabulary,
    rule: str,
    detail: str,
    involves: Iterable[str],
    severity: str | None = None,
    *,
    subject: str | None = None,
    partners: Iterable[tuple[str, str]] = (),
    items: Iterable[str] = (),
) -> Warning:
    """A warning of ``rule`` with its catalogue text; ``partners`` are (id, severity) pairs;
    ``items`` are further ids (intervention ids) a clinician override may name."""
    r = vocab.safety_rules[rule]
    who = tuple(dict.fromkeys(involves))
    names = {*who, *items}
    override = None
    for o in ctx.profile.overrides:
        if o.rule == rule and o.item in names:
            override = f"{o.clinician} on {o.on}"
    pairs = tuple(dict(partners).items())
    return Warning(
        rule,
        severity or r.severity,
        f"{r.says} {detail}".strip(),
        who,
        r.source,
        override,
        subject=subject,
        partners=tuple(p for p, _ in pairs),
        partner_severities=tuple(s for _, s in pairs),
        rank=r.rank,
    )


def sort_warnings(warnings: Iterable[Warning]) -> list[Warning]:
    return sorted(warnings, key=lambda w: (SEVERITY_ORDER[w.severity], w.rule, w.involves))


def ids_of(agent: Agent) -> list[str]:
    """What a warning about an agent names: its plan item (if any) and its substance, so the
    plan can match the warning to the option by either."""
    return list(dict.fromkeys(x for x in (agent.item, agent.substance) if x))


def unique(warnings: Iterable[Warning]) -> list[Warning]:
    """Drop exact repeats (two identical plan items give one warning)."""
    return list(dict.fromkeys(warnings))
