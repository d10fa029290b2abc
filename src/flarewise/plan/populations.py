"""Pregnancy and lactation rules for plan items (clinical-rules.md D.5.3, D.5.5).

``pregnant``/``breastfeeding`` True: the D.5.5 table applies (SAF-PREG-ITEM / SAF-LACT-ITEM at
the row's severity; supplements and medicines not in the table get major, because there are no
data). False: nothing of that family. None (not recorded): only SAF-PREG-UNKNOWN, an info asking
to record the status, when sex is female or unknown, age is 12-55 or unknown and the item's
pregnancy severity is major or worse. Items that are not a substance (exercise, diet, sleep,
mind-body, education, therapies) never get a population warning.

Design choice (not fixed by D.5.5): ``planning_pregnancy`` True is read as "may become pregnant
while taking it": SAF-PREG-ITEM with the same table and severity, worded "if you become
pregnant", independent of ``pregnant`` (which records today). SAF-PREG-UL/SAF-LACT-UL are
dose rules and live in plan/doses.py (precedence P3).
"""

from __future__ import annotations

from flarewise.knowledge.populations import RANK, PopulationRow, Populations, load_populations
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.warnings import Warning, ids_of, make_warning, unique

#: SAF-PREG-UNKNOWN's age band (D.5.3, design choice), inclusive.
FERTILE_AGES = (12, 55)


def pregnancy_severity(
    pops: Populations, row: PopulationRow | None, agent: Agent, agents: list[Agent]
) -> tuple[str, str]:
    """(severity, reason) of an agent in pregnancy. A dose-dependent row (ginger: caution up to
    1050 mg/day, major above) sums every current and proposed source of the substance; a dose
    that is unknown, invalid or unconvertible cannot be shown to be within the step, so it gets
    the higher severity."""
    if row is None:
        return pops.unlisted.pregnancy, pops.unlisted.basis
    step = row.pregnancy_above
    if step is None:
        return row.pregnancy, row.basis
    same = [a for a in agents if a.origin != "stopped" and a.substance == agent.substance]
    limit = f"{step.amount:g} {step.unit}/day"
    if any(a.daily_amount is None for a in same):
        return step.severity, f"the daily dose is not known to be {limit} or less. {row.basis}"
    total = sum(a.daily_amount for a in same if a.daily_amount is not None)
    if total > step.amount:
        return step.severity, f"{total:g} {step.unit}/day is above {limit}. {row.basis}"
    return row.pregnancy, f"{total:g} {step.unit}/day, not above {limit}. {row.basis}"


def _unknown_applies(ctx: PlanContext) -> bool:
    p = ctx.profile
    if p.pregnant is not None or p.sex == "male":
        return False
    age = ctx.age
    return age is None or FERTILE_AGES[0] <= age <= FERTILE_AGES[1]


def population_warnings(ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> list[Warning]:
    """SAF-PREG-ITEM, SAF-PREG-UNKNOWN and SAF-LACT-ITEM for every proposed agent."""
    pops = load_populations(vocab)
    p = ctx.profile
    out: list[Warning] = []
    for a in agents:
        if a.origin != "proposed":
            continue  # D.5.0 2c: population rules apply to plan items only
        row = pops.row_for(a.substance, a.classes)
        who = ids_of(a)
        source = row.source if row else pops.unlisted.source
        preg, why = pregnancy_severity(pops, row, a, agents)
        if preg != "none" and (p.pregnant is True or p.planning_pregnancy is True):
            when = "in pregnancy" if p.pregnant is True else "if you become pregnant"
            out.append(
                make_warning(
                    ctx,
                    vocab,
                    "SAF-PREG-ITEM",
                    f"{a.label} {when}: {preg} ({why} Source: {source}.)",
                    who,
                    preg,
                )
            )
        if RANK[preg] >= RANK["major"] and _unknown_applies(ctx):
            out.append(
                make_warning(
                    ctx,
                    vocab,
                    "SAF-PREG-UNKNOWN",
                    f"({a.label} would be {preg} in pregnancy.)",
                    who,
                )
            )
        lact = row.lactation if row else pops.unlisted.lactation
        if lact != "none" and p.breastfeeding is True:
            basis = (row.lactation_basis or row.basis) if row else pops.unlisted.basis
            out.append(
                make_warning(
                    ctx,
                    vocab,
                    "SAF-LACT-ITEM",
                    f"{a.label} while breastfeeding: {lact} ({basis} Source: {source}.)",
                    who,
                    lact,
                )
            )
    return unique(out)
