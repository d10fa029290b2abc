"""Numeric facts derived from entries, for daily summaries and analysis.

Each entry yields ``(measure, value)`` pairs named ``family:item``. Storage keeps them beside the
entry (recomputed on every change) so a year of daily summaries is one indexed GROUP BY.
docs/journal.md documents every family and its meaningful daily statistic.
"""

from __future__ import annotations

from flarewise.domain.entries import (
    Activity,
    Assessment,
    CustomValue,
    EntryBase,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    Measurement,
    MindBody,
    Sleep,
    SymptomCheckin,
    Therapy,
)
from flarewise.knowledge.checks import canonical_dose
from flarewise.knowledge.vocabulary import Vocabulary

Measure = tuple[str, float]


def measures_of(entry: EntryBase, vocab: Vocabulary) -> list[Measure]:
    out: list[Measure] = []
    if isinstance(entry, SymptomCheckin):
        out.extend((f"symptom:{k}", float(v)) for k, v in entry.scores.items())
        if entry.pain_sites:
            out.append(("body:painful_sites", float(len(entry.pain_sites))))
    elif isinstance(entry, Intake):
        if entry.status == "skipped":
            out.append((f"skipped:{entry.substance}", 1.0))
        else:
            out.append((f"intake:{entry.substance}", 1.0))
            dose = canonical_dose(
                vocab, entry.substance, entry.form, entry.amount, entry.unit, entry.basis
            )
            if dose is not None:
                out.append((f"dose:{entry.substance}", dose[0]))
    elif isinstance(entry, Activity):
        out.append((f"activity:{entry.activity}", entry.minutes))
        out.append(("exercise:minutes", entry.minutes))
    elif isinstance(entry, Sleep):
        out.append(("sleep:hours", entry.sleep_minutes / 60))
        out.append(("sleep:in_bed_hours", entry.in_bed_minutes / 60))
        if entry.quality is not None:
            out.append(("sleep:quality", entry.quality))
        if entry.awakenings is not None:
            out.append(("sleep:awakenings", float(entry.awakenings)))
    elif isinstance(entry, MindBody):
        out.append((f"mindbody:{entry.practice}", entry.minutes))
        out.append(("mindbody:minutes", entry.minutes))
    elif isinstance(entry, Meal):
        foods = dict.fromkeys(p.food for p in entry.foods)
        groups = dict.fromkeys(g for f in foods for g in vocab.foods[f].groups)
        out.extend((f"food:{f}", 1.0) for f in foods)
        out.extend((f"food_group:{g}", 1.0) for g in groups)
    elif isinstance(entry, Therapy):
        out.append((f"therapy:{entry.therapy}", entry.minutes or 1.0))
    elif isinstance(entry, LifeEvent):
        out.append((f"event:{entry.event}", 1.0))
    elif isinstance(entry, LabResult):
        if entry.value is not None and entry.unit is not None:
            canonical = vocab.to_canonical_lab(entry.loinc, entry.value, entry.unit)
            out.append((f"lab:{entry.loinc}", canonical[0] if canonical else entry.value))
    elif isinstance(entry, CustomValue):
        out.append((f"custom:{entry.trackable}", entry.value))
    elif isinstance(entry, Measurement):
        out.append((f"metric:{entry.metric}", entry.value))
    elif isinstance(entry, Assessment):
        out.extend((f"{entry.instrument}:{k}", v) for k, v in entry.scores.items())
        if entry.met is not None:
            out.append((f"{entry.instrument}:met", float(entry.met)))
    return out
