"""Timeline: symptoms over time with medicines as bands, experiments as shaded phases and lab
results as markers; 30 days, 90 days, a year, or everything."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.web import charts
from flarewise.web.app import Context, person, render
from flarewise.web.pages.today import CHECKIN
from flarewise.web.words import unit_label

router = APIRouter()
RANGES = {"30": 30, "90": 90, "365": 365, "all": None}


def _phases(j: Journal, start: date, end: date) -> list[dict[str, Any]]:
    """Experiment phases overlapping the range; ``end`` is the day after the last, so a
    one-day phase is drawn one day wide."""
    from flarewise.experiments.schedule import phases

    return [
        {
            "experiment": p.title,
            "phase": ph.phase,
            "block": ph.block,
            "start": max(ph.start, start).isoformat(),
            "end": (min(ph.end, end) + timedelta(days=1)).isoformat(),
        }
        for p in j.experiments()
        for ph in phases(p)
        if ph.end >= start and ph.start <= end
    ]


def timeline_data(j: Journal, span: str) -> dict[str, Any]:
    if span not in RANGES:
        raise InvalidInput("range", f"{span!r} is not one of 30, 90, 365, all")
    v = j.vocabulary
    end = j.today()
    first, _last = j.date_span()
    days = RANGES[span]
    start = (first or end) if days is None else end - timedelta(days=days - 1)
    names = {f"symptom:{name}": v.name_of("symptom", name) for name in CHECKIN}
    symptoms = [
        {"date": day, "symptom": label, "value": round(stats.mean, 2)}
        for s in j.daily_summaries(start, end)
        for day in (s.day.isoformat(),)
        for measure, label in names.items()
        if (stats := s.measures.get(measure)) is not None
    ]
    medicines = []
    for r in j.regimens():
        for step, first, last in r.spans():
            stop = last or end
            if stop < start or first > end:
                continue
            dose = (
                f"{step.amount:g} {step.unit}" if step.amount is not None else "dose not recorded"
            )
            if step.times_per_day != 1:
                dose += f" x{step.times_per_day:g}/day"
            medicines.append(
                {
                    "medicine": v.name_of("substance", r.substance),
                    "dose": dose,
                    "start": max(first, start).isoformat(),
                    "end": min(stop, end).isoformat(),
                }
            )
    labs = [
        {
            "date": r.local_date.isoformat(),
            "analyte": i.name,
            "value": i.value if i.value is not None else i.value_text,
            "unit": unit_label(i.unit),
            "flag": i.flag,
        }
        for r, i in j.interpret_labs()
        if start <= r.local_date <= end
    ]
    phases = _phases(j, start, end)
    spec = charts.timeline(symptoms, medicines, phases, labs, start.isoformat(), end.isoformat())
    return {
        "title": "Timeline",
        "range": span,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "symptoms": symptoms,
        "medicines": medicines,
        "phases": phases,
        "labs": labs,
        "spec": spec,
    }


@router.get("/timeline", include_in_schema=False)
@router.get("/api/timeline", summary="Symptoms, medicines, experiment phases and labs over time")
def timeline(ctx: Annotated[Context, Depends(person)], range: str = "90") -> Response:
    return render(ctx, "timeline.html", timeline_data(ctx.journal, range))
