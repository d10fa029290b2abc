"""Labs: enter a result (units limited to the test's valid units), the list with flags and
categories, red flags first, and one test's trend with its reference band."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from flarewise.domain.entries import LabResult
from flarewise.errors import InvalidInput, NotFound
from flarewise.journal import Journal
from flarewise.reports import charts
from flarewise.reports.words import unit_label
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, render
from flarewise.web.schemas.labs import LabsPage, LabTrendPage

router = APIRouter()


def _interpretation(r: LabResult, i: Any) -> dict[str, Any]:
    low, high = i.interval if i.interval else (None, None)
    return {
        "id": r.id,
        "date": r.local_date.isoformat(),
        "loinc": r.loinc,
        "name": i.name,
        "value": i.value,
        "value_text": i.value_text,
        "unit": i.unit,
        "flag": i.flag,
        "low": low,
        "high": high,
        "interval_source": i.interval_source,
        "categories": [f"{c.label} ({c.scheme})" for c in i.categories],
        "caveats": list(i.caveats) + list(i.notes),
        "research_marker": i.research_marker,
    }


def labs_data(j: Journal, chosen: str | None) -> dict[str, Any]:
    v = j.vocabulary
    results = sorted(j.interpret_labs(), key=lambda ri: ri[0].at, reverse=True)
    # the picker shows what people call a test and its unit ("Ferritin (ng/mL)"), not the
    # catalogue's long name ("Ferritin [Mass/volume] in Serum or Plasma")
    analytes = sorted(v.analytes.values(), key=lambda a: a.short.lower())
    choice = v.analytes.get(chosen) if chosen else None
    if chosen and choice is None:
        raise InvalidInput("loinc", f"{chosen!r} is not a test flarewise knows")
    return {
        "title": "Labs",
        "red_flags": [
            {
                "rule": f.rule,
                "title": f.title,
                "evidence": f.evidence,
                "why": f.why,
                "action": f.action,
            }
            for f in j.red_flags()
        ],
        "results": [_interpretation(r, i) for r, i in results],
        "analytes": [
            {
                "loinc": a.loinc,
                "name": a.name,
                "label": f"{a.short} ({unit_label(a.canonical_unit)})",
            }
            for a in analytes
        ],
        "chosen": None
        if choice is None
        else {"loinc": choice.loinc, "name": choice.name, "units": list(choice.units)},
        "today": j.today().isoformat(),
    }


@router.get("/labs", include_in_schema=False)
@router.get(
    "/api/labs",
    summary="Lab results with flags, categories and red flags",
    responses={200: {"model": LabsPage, "description": "the page's data"}},
)
def labs(ctx: Annotated[Context, Depends(person)], loinc: str | None = None) -> Response:
    data = labs_data(ctx.journal, loinc)
    data["saved"] = ctx.request.query_params.get("saved")
    return render(ctx, "labs.html", data)


@router.post("/labs", include_in_schema=False, dependencies=[Depends(check_csrf)])
def add_lab(
    ctx: Annotated[Context, Depends(person)],
    loinc: Annotated[str, Form()],
    value: Annotated[str, Form()],
    unit: Annotated[str, Form()],
    day: Annotated[str, Form()],
    ref_low: Annotated[str, Form()] = "",
    ref_high: Annotated[str, Form()] = "",
) -> Response:
    j = ctx.journal
    analyte = j.vocabulary.analytes.get(loinc)
    if analyte is None:
        raise InvalidInput("loinc", f"{loinc!r} is not a test flarewise knows")
    if unit not in analyte.units:
        raise InvalidInput(
            "unit", f"{unit!r} is not a unit for {analyte.name}; use {', '.join(analyte.units)}"
        )

    when = datetime.combine(forms.day(day, "day"), time(12), tzinfo=j.timezone())
    result = j.add(
        LabResult(
            at=when,
            loinc=loinc,
            value=forms.number(value, "value"),
            unit=unit,
            ref_low=forms.number(ref_low, "ref_low"),
            ref_high=forms.number(ref_high, "ref_high"),
        )
    )
    return redirect(f"/labs?saved={result.id}")


@router.get("/labs/trend/{loinc}", include_in_schema=False)
@router.get(
    "/api/labs/trend/{loinc}",
    summary="One test's results over time",
    responses={200: {"model": LabTrendPage, "description": "the page's data"}},
)
def trend(loinc: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    j = ctx.journal
    rows = [
        _interpretation(r, i)
        for r, i in sorted(j.interpret_labs(), key=lambda ri: ri[0].at)
        if r.loinc == loinc
    ]
    if not rows:
        raise NotFound(loinc)
    latest = rows[-1]
    points = [
        {"date": r["date"], "value": r["value"], "flag": r["flag"]}
        for r in rows
        if r["value"] is not None
    ]
    spec = charts.lab_trend(points, latest["low"], latest["high"], latest["unit"] or "")
    return render(
        ctx,
        "lab_trend.html",
        {
            "title": latest["name"],
            "name": latest["name"],
            "rows": rows,
            "spec": spec,
            "latest": latest,
        },
    )
