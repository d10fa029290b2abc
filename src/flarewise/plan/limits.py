"""Upper intake limits of clinical-rules.md D.4 and what counts toward them: shared by the dose
rules (plan/doses.py) and the plan's dose capping (plan/build.py)."""

from __future__ import annotations

from flarewise.plan.context import Agent

UL_RULES = {
    "SAF-MG-UL": ("magnesium", 350.0),
    "SAF-VITD-UL": ("vitamin_d", 4000.0),
    "SAF-OMEGA3-DOSE": ("omega_3", 5000.0),
}


def counts_toward(agent: Agent, substance: str) -> bool:
    """Whether an agent adds to a substance's upper limit: magnesium counts every magnesium
    source (supplements, antacids, laxatives), the others only themselves."""
    return agent.substance == substance or (
        substance == "magnesium" and "magnesium_source" in agent.classes
    )
