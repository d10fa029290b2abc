"""Dose rules (clinical-rules.md D.4 upper limits, D.5.3 SAF-DOSE-*, D.5.0 P3 and 2c).

A dose can hide a hazard in three ways: it is not a number (NaN next to 5,000 IU made the sum
NaN and silenced the upper limit), it is counted in tablets with nobody saying how much a tablet
holds (counted as zero before), or it is a typo a thousand times too large. So, for each plan
item, the first of these that applies is the one dose-magnitude warning it gets (P3):

SAF-DOSE-INVALID > SAF-DOSE-UNITS > SAF-DOSE-IMPLAUSIBLE > SAF-PREG-UL > SAF-LACT-UL >
SAF-VITD-UL / SAF-MG-UL / SAF-OMEGA3-DOSE.

Upper limits sum every current and proposed source (magnesium: every magnesium source). A dose
that cannot be counted is left out of the sum and the sum is then reported as a lower bound
("at least"). The SAF-DOSE-* rules and the population forms of the limits apply to plan items
only (D.5.0 2c); the D.4 limits also fire for the person's current medicines alone, as before.
"""

from __future__ import annotations

from dataclasses import replace

from flarewise.knowledge.populations import load_populations
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.limits import UL_RULES, counts_toward
from flarewise.plan.warnings import Warning, ids_of, make_warning, unique

#: Upper limits that are true tolerable upper intake levels, so pregnancy and lactation turn them
#: into SAF-PREG-UL / SAF-LACT-UL (D.5.3; omega-3's 5 g/day is a "safe level", not a UL).
POPULATION_UL = frozenset({"SAF-MG-UL", "SAF-VITD-UL"})


def dose_checked(agent: Agent, vocab: Vocabulary) -> bool:
    """Whether an item's dose is checked against a number (a D.5.6 ceiling or an upper limit):
    those get a major SAF-DOSE-UNITS when the dose cannot be converted, others an info."""
    ceilings = load_populations(vocab).ceilings
    return agent.substance in ceilings or any(
        counts_toward(agent, sid) for sid, _ in UL_RULES.values()
    )


def dose_warnings(ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> list[Warning]:
    """Every dose warning for ``agents`` (current, recently stopped and proposed)."""
    pops = load_populations(vocab)
    out: list[Warning] = []
    proposed = [a for a in agents if a.origin == "proposed"]
    settled: set[int] = set()  # proposed agents (by index) that already have a P3 warning
    for n, a in enumerate(proposed):
        who = ids_of(a)
        if a.invalid_dose:
            out.append(
                make_warning(
                    ctx,
                    vocab,
                    "SAF-DOSE-INVALID",
                    f"({a.label}: {a.invalid_dose}; enter the daily dose again.)",
                    who,
                )
            )
            settled.add(n)
        elif a.unconvertible:
            severity = "major" if dose_checked(a, vocab) else "info"
            out.append(
                make_warning(
                    ctx,
                    vocab,
                    "SAF-DOSE-UNITS",
                    f"({a.label}: {a.unconvertible}; it was not counted as zero.)",
                    who,
                    severity,
                )
            )
            settled.add(n)
        elif (c := pops.ceilings.get(a.substance)) and (a.daily_amount or 0) > c.amount:
            w = make_warning(
                ctx,
                vocab,
                "SAF-DOSE-IMPLAUSIBLE",
                f"({a.label}: {a.daily_amount:g} {c.unit}/day is above the ceiling of "
                f"{c.amount:g} {c.unit}/day; {c.anchor}.)",
                who,
            )
            # only a clinician-recorded override can show it: then it needs their sign-off
            out.append(replace(w, severity="major") if w.overridden_by else w)
            settled.add(n)
    for rule, (sid, limit) in UL_RULES.items():
        out.extend(_upper_limit(ctx, vocab, agents, proposed, settled, rule, sid, limit))
    return unique(out)


def _upper_limit(
    ctx: PlanContext,
    vocab: Vocabulary,
    agents: list[Agent],
    proposed: list[Agent],
    settled: set[int],
    rule: str,
    sid: str,
    limit: float,
) -> list[Warning]:
    live = [a for a in agents if a.origin != "stopped" and counts_toward(a, sid)]
    total = sum(a.daily_amount for a in live if a.daily_amount is not None)
    if not total > limit:
        return []
    unit = vocab.substances[sid].canonical_unit
    mine = [
        a
        for n, a in enumerate(proposed)
        if n not in settled and a.daily_amount is not None and counts_toward(a, sid)
    ]
    current = [a for a in live if a.origin == "current"]
    if not mine:
        if any(counts_toward(a, sid) for a in proposed):
            # every proposed source already carries a stronger dose warning (P3); the person's
            # own medicines may still exceed the limit on their own
            total = sum(a.daily_amount for a in current if a.daily_amount is not None)
            if not total > limit:
                return []
            live = current
        rule_now = rule
    else:
        rule_now = rule
        if rule in POPULATION_UL and ctx.profile.pregnant is True:
            rule_now = "SAF-PREG-UL"
        elif rule in POPULATION_UL and ctx.profile.breastfeeding is True:
            rule_now = "SAF-LACT-UL"
    uncounted = [a for a in live if a.invalid_dose or a.unconvertible]
    counted = [a for a in live if a.daily_amount is not None]
    bound = "at least " if uncounted else ""
    detail = f"Total: {bound}{total:g} {unit}/day from {len(counted)} source(s)"
    if uncounted:
        detail += f"; {len(uncounted)} more could not be counted, so the real total is higher"
    involved = [sid, *(x for a in mine for x in ids_of(a)), *(a.substance for a in current)]
    return [make_warning(ctx, vocab, rule_now, detail + ".", involved)]
