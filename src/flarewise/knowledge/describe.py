"""Plain-language one-line descriptions of entries, shared by every face."""

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
    Note,
    Sleep,
    SymptomCheckin,
    Therapy,
)
from flarewise.knowledge.vocabulary import Vocabulary


def _num(x: float) -> str:
    return f"{x:g}"


def describe_entry(entry: EntryBase, vocab: Vocabulary) -> str:
    if isinstance(entry, SymptomCheckin):
        parts = [
            f"{vocab.name_of('symptom', k).lower()} {_num(v)}" for k, v in entry.scores.items()
        ]
        if entry.pain_sites:
            parts.append("sites: " + ", ".join(s.value.replace("_", " ") for s in entry.pain_sites))
        return "; ".join(parts)
    if isinstance(entry, Intake):
        name = (
            vocab.name_of("form", entry.form)
            if entry.form
            else vocab.name_of("substance", entry.substance)
        )
        if entry.status == "skipped":
            return f"{name}: skipped"
        if entry.status == "taken_dose_unknown":
            return f"{name}: taken, dose unknown"
        basis = " (salt weight)" if entry.basis == "compound" else ""
        return f"{name} {_num(entry.amount or 0)} {entry.unit}{basis}"
    if isinstance(entry, Activity):
        extra = f", {entry.intensity}" if entry.intensity else ""
        return f"{vocab.name_of('activity', entry.activity)} {_num(entry.minutes)} min{extra}"
    if isinstance(entry, Sleep):
        q = f", quality {_num(entry.quality)}" if entry.quality is not None else ""
        return f"slept {entry.sleep_minutes / 60:.1f} h ({entry.bed_at:%H:%M}-{entry.at:%H:%M}){q}"
    if isinstance(entry, MindBody):
        return f"{vocab.name_of('practice', entry.practice)} {_num(entry.minutes)} min"
    if isinstance(entry, Meal):
        foods = ", ".join(vocab.name_of("food", p.food) for p in entry.foods)
        return f"{entry.meal + ': ' if entry.meal else ''}{foods}"
    if isinstance(entry, Therapy):
        mins = f" {_num(entry.minutes)} min" if entry.minutes else ""
        return f"{vocab.name_of('therapy', entry.therapy)}{mins}"
    if isinstance(entry, LifeEvent):
        detail = ""
        if entry.detail:
            names = {d.id: d.name for d in vocab.events[entry.event].details}
            detail = f" ({names.get(entry.detail, entry.detail)})"
        sev = f", severity {_num(entry.severity)}" if entry.severity is not None else ""
        return f"{vocab.name_of('event', entry.event)}{detail}{sev}"
    if isinstance(entry, Note):
        return entry.text if len(entry.text) <= 80 else entry.text[:77] + "..."
    if isinstance(entry, LabResult):
        value = entry.value_text if entry.value is None else _num(entry.value)
        unit = f" {entry.unit}" if entry.unit else ""
        flag = f" [{entry.flag}]" if entry.flag else ""
        return f"{vocab.name_of('analyte', entry.loinc)} {value}{unit}{flag}"
    if isinstance(entry, CustomValue):
        return f"{entry.trackable} {_num(entry.value)}"
    if isinstance(entry, Assessment):
        shown = {"fiqr": "total", "pgic": "pgic"}.get(entry.instrument)
        parts = [
            f"{k} {_num(v)}"
            for k, v in entry.scores.items()
            if (shown is None and k in ("wpi", "sss", "ss", "psd", "tender_points")) or k == shown
        ]
        verdict = "" if entry.met is None else ("; criteria met" if entry.met else "; not met")
        return f"{entry.instrument.upper()} {', '.join(parts)}{verdict}"
    if isinstance(entry, Measurement):
        unit = "" if entry.unit == "count" else f" {entry.unit}"
        return f"{vocab.name_of('metric', entry.metric)} {_num(entry.value)}{unit}"
    return entry.kind if hasattr(entry, "kind") else type(entry).__name__
