"""Experiments the person agrees to (issue 15 item 7): the review of a planned experiment,
starting it once confirmed, and what the running ones ask of today.

A designed experiment is saved as "planned": it gives no instruction and no face offers or
holds back a dose for it. Only after the person has read the review and confirmed does it
become "running", from a start day they choose; from then on Today follows its phase.
Kept apart from the facade; ``Journal.experiment_review``, ``Journal.start_experiment`` and
``Journal.experiments_today`` delegate here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flarewise.domain.experiments import Protocol
from flarewise.errors import InvalidInput

if TYPE_CHECKING:
    from flarewise.experiments.review import Review
    from flarewise.journal import Journal


@dataclass(frozen=True)
class TodayInExperiment:
    """A running experiment as Today shows it: its title and what today's phase asks."""

    id: str
    title: str
    instruction: str
    substance: str | None
    hold: bool  # today is an "off" day: the substance is not to be taken


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: a capital first letter goes ("Breathing ..." ->
    "breathing ..."), the capitals of a name or code stay ("coenzyme Q10", "vitamin D",
    "NSAIDs")."""
    if name[1:2].isupper():
        return name  # an acronym at the start: NSAIDs, DMARDs
    return name[:1].lower() + name[1:]


def names(j: Journal, p: Protocol) -> tuple[str, str]:
    """What the person calls the intervention and the outcome (never ids)."""
    v = j.vocabulary
    if p.intervention in v.interventions:
        name = v.name_of("intervention", p.intervention)
    else:
        name = v.name_of("substance", p.substance or p.intervention)
    return in_sentence(name), in_sentence(v.name_of("symptom", p.outcome))


def experiment_review(j: Journal, experiment_id: str) -> Review:
    p = j.experiment(experiment_id)
    from flarewise.experiments.review import review

    name, outcome = names(j, p)
    return review(p, name, outcome)


def start_experiment(j: Journal, experiment_id: str, on: date | None = None) -> Protocol:
    """Start a planned experiment after its review was confirmed. Its schedule begins on
    ``on`` (default: its planned start, or today if that has passed): every phase date moves
    with it, so the dates the review showed for that day are the ones followed."""
    p = j.experiment(experiment_id)
    if p.status != "planned":
        raise InvalidInput(
            "experiment", f"this experiment is already {p.status}; only a planned one can start"
        )
    today = j.today()
    start = on or max(p.start, today)
    if start < today:
        raise InvalidInput("start", "choose today or a later day to start")
    updated: Protocol = p.replace(status="running", start=start)
    with j.db.begin() as conn:
        j._repo.put_experiment(conn, updated, must_exist=True)
    return updated


def experiments_today(j: Journal, today: date) -> list[TodayInExperiment]:
    """The running experiments with today's instruction (planned ones say nothing)."""
    running = [p for p in j.experiments() if p.status == "running"]
    if not running:
        return []  # the schedule brings numpy and scipy: not imported for nothing
    from flarewise.experiments.schedule import holds_dose, today_instruction

    out = []
    for p in running:
        out.append(
            TodayInExperiment(
                id=p.id,
                title=p.title,
                instruction=today_instruction(p, today, names(j, p)[0]),
                substance=p.substance,
                hold=holds_dose(p, today),
            )
        )
    return out


def held_substances(j: Journal, today: date) -> set[str]:
    """Substances a running experiment asks the person not to take today."""
    return {t.substance for t in experiments_today(j, today) if t.hold and t.substance}
