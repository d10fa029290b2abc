"""Medicines and supplements: what a person takes regularly, with its dose history. Their doses
are offered on Today, drawn as bands on the timeline and checked by the plan's safety rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import Response

from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.domain.units import known_units
from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.web import forms
from flarewise.web.app import Context, check_csrf, person, redirect, render

router = APIRouter()
Text = Annotated[str, Form()]


def medicines_data(j: Journal) -> dict[str, Any]:
    v = j.vocabulary
    today = j.today()
    rows = []
    for r in sorted(j.regimens(), key=lambda r: (not r.active_on(today), r.steps[0].start)):
        step = r.step_on(today) or r.steps[-1]
        rows.append(
            {
                "id": r.id,
                "name": v.name_of("substance", r.substance),
                "substance": r.substance,
                "active": r.active_on(today),
                "dose": f"{step.amount:g} {step.unit}" if step.amount is not None else None,
                "times_per_day": step.times_per_day,
                "as_needed": r.as_needed,
                "start": r.steps[0].start.isoformat(),
                "stop": r.stop.isoformat() if r.stop else None,
                "history": [
                    {
                        "start": s.start.isoformat(),
                        "dose": f"{s.amount:g} {s.unit}" if s.amount is not None else None,
                        "times_per_day": s.times_per_day,
                    }
                    for s in r.steps
                ],
                "reason": r.reason,
                "source": r.source,
            }
        )
    return {
        "title": "Medicines and supplements",
        "today": today.isoformat(),
        "medicines": rows,
        "substances": sorted(v.name_of("substance", s) for s in v.ids("substance")),
        "units": known_units(),
    }


@router.get("/medicines", include_in_schema=False)
@router.get("/api/medicines", summary="Medicines and supplements with their dose history")
def medicines(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "medicines.html", medicines_data(ctx.journal))


@router.post("/medicines", include_in_schema=False, dependencies=[Depends(check_csrf)])
def add_medicine(
    ctx: Annotated[Context, Depends(person)],
    substance: Text,
    start: Text,
    amount: Text = "",
    unit: Text = "",
    times_per_day: Text = "1",
    as_needed: Text = "",
    reason: Text = "",
) -> Response:
    j = ctx.journal
    found, form = j.vocabulary.resolve_substance(substance.strip(), "substance")
    dose = forms.number(amount, "amount")
    per_day = forms.number(times_per_day, "times_per_day") or 1.0
    j.add_regimen(
        Regimen(
            substance=found,
            form=form,
            steps=(
                DoseStep(
                    start=forms.day(start, "start"),
                    amount=dose,
                    unit=unit if dose is not None else None,
                    times_per_day=per_day,
                ),
            ),
            as_needed=as_needed == "yes",
            reason=reason.strip() or None,
        )
    )
    return redirect("/medicines")


@router.post("/medicines/{rid}/dose", include_in_schema=False, dependencies=[Depends(check_csrf)])
def change_dose(
    rid: str,
    ctx: Annotated[Context, Depends(person)],
    start: Text,
    amount: Text,
    unit: Text,
    times_per_day: Text = "1",
) -> Response:
    dose = forms.number(amount, "amount")
    if dose is None:
        raise InvalidInput("amount", "give the new dose")
    ctx.journal.change_dose(
        rid,
        DoseStep(
            start=forms.day(start, "start"),
            amount=dose,
            unit=unit,
            times_per_day=forms.number(times_per_day, "times_per_day") or 1.0,
        ),
    )
    return redirect("/medicines")


@router.post("/medicines/{rid}/stop", include_in_schema=False, dependencies=[Depends(check_csrf)])
def stop(rid: str, ctx: Annotated[Context, Depends(person)], on: Text) -> Response:
    ctx.journal.stop_regimen(rid, forms.day(on, "on"))
    return redirect("/medicines")


@router.post("/medicines/{rid}/delete", include_in_schema=False, dependencies=[Depends(check_csrf)])
def delete(rid: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    ctx.journal.delete_regimen(rid)
    return redirect("/medicines")
