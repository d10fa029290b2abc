"""Timeline: symptoms over time with medicines as bands, experiments as shaded phases and lab
results as markers; 30 days, 90 days, a year, or everything."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from flarewise.domain.regimens import UNRECOGNISED_NOTE
from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.reports import charts
from flarewise.reports.words import unit_label
from flarewise.web.deps import Context, person, render
from flarewise.web.pages.today import CHECKIN
from flarewise.web.schemas.timeline import TimelinePage

router = APIRouter()
RANGES = {"30": 30, "90": 90, "365": 365, "all": None}


def _phases(j: Journal, start: date, end: date) -> list[dict[str, Any]]:
    """Experiment phases overlapping the range; ``end`` is the day after the last, so a
    one-day phase is drawn one day wide."""
    from flarewise.experiments.schedule import PHASE_NAMES, phases

    return [
        {
            "experiment": p.title,
            "phase": ph.phase,
            "label": PHASE_NAMES.get(ph.phase, ph.phase),
            "block": ph.block,
            "start": max(ph.start, start).isoformat(),
            "end": (min(ph.end, end) + timedelta(days=1)).isoformat(),
        }
        for p in j.experiments()
        for ph in phases(p)
        if ph.end >= start and ph.start <= end
    ]


#: Days per page of the symptom table (one row per day, one column per measure).
TABLE_ROWS = 31


def timeline_data(j: Journal, span: str, table_page: int = 1) -> dict[str, Any]:
    """The chart's spec and the same data as tables; the symptom table is paged, newest first,
    so a year is 12 short pages instead of a 2,000-row table."""
    if span not in RANGES:
        raise InvalidInput(
            "range",
            f"{span!r} is not one of 30, 90, 365, all",
            plain="That period is not one the timeline offers: choose 30, 90, 365 days or all.",
        )
    v = j.vocabulary
    end = j.today()
    first, _last = j.date_span()
    days = RANGES[span]
    start = (first or end) if days is None else end - timedelta(days=days - 1)
    if first is not None and days is not None:
        start = min(end, max(start, first))  # no empty months before the journal begins
    names = {f"symptom:{name}": v.name_of("symptom", name) for name in CHECKIN}
    symptoms = [
        {"date": day, "symptom": label, "value": round(stats.mean, 2)}
        for s in j.daily_summaries(start, end, measures=names)
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
            name = v.name_of("substance", r.substance)
            if r.unrecognised is not None:
                name = f"{r.unrecognised} ({UNRECOGNISED_NOTE})"
            medicines.append(
                {
                    "medicine": name,
                    "dose": dose,
                    "label": f"{name} {dose}",
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
            "label": f"{i.name} {i.value:g}" if i.value is not None else f"{i.name} {i.value_text}",
        }
        for r, i in j.interpret_labs()
        if start <= r.local_date <= end
    ]
    phases = _phases(j, start, end)
    for lab in labs:
        lab["label"] = f"{lab['label']} {lab['unit']}".strip()
    directions = {
        label: "lower is better"
        if v.symptoms[m.split(":", 1)[1]].higher_is_worse
        else "higher is better"
        for m, label in names.items()
    }
    spec = charts.timeline(
        symptoms,
        medicines,
        phases,
        labs,
        start.isoformat(),
        end.isoformat(),
        directions=directions,
    )
    by_day: dict[str, dict[str, Any]] = {}
    for row in symptoms:
        by_day.setdefault(str(row["date"]), {})[str(row["symptom"])] = row["value"]
    table_days = sorted(by_day, reverse=True)
    pages = max(1, -(-len(table_days) // TABLE_ROWS))
    page = min(max(1, table_page), pages)
    return {
        "title": "Timeline",
        "range": span,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "symptoms": symptoms,
        "measures": list(names.values()),
        "table": [
            {"date": d, "values": by_day[d]}
            for d in table_days[(page - 1) * TABLE_ROWS : page * TABLE_ROWS]
        ],
        "table_page": page,
        "table_pages": pages,
        "medicines": medicines,
        "phases": phases,
        "labs": labs,
        "spec": spec,
    }


@router.get("/timeline", include_in_schema=False)
@router.get(
    "/api/timeline",
    summary="Symptoms, medicines, experiment phases and labs over time",
    responses={200: {"model": TimelinePage, "description": "the page's data"}},
)
def timeline(
    ctx: Annotated[Context, Depends(person)], range: str = "90", page: int = 1
) -> Response:
    with ctx.journal.reading():
        data = timeline_data(ctx.journal, range, page)
    data["table_open"] = "page" in ctx.request.query_params
    return render(ctx, "timeline.html", data)
