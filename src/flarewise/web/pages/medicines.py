"""Medicines and supplements: what a person takes regularly, with its dose history. Their doses
are offered on Today, drawn as bands on the timeline and checked by the plan's safety rules."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flarewise.domain import doses
from flarewise.domain.profile import population_prompt
from flarewise.domain.regimens import UNRECOGNISED_NOTE, DoseStep, Regimen, UnitStrength
from flarewise.domain.units import is_product_unit, known_units
from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, render, wants_json
from flarewise.web.schemas import SavedRegimen
from flarewise.web.schemas.medicines import MedicinesPage

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
                "name": r.unrecognised or v.name_of("substance", r.substance),
                "note": UNRECOGNISED_NOTE if r.unrecognised is not None else None,
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
                "strength": None
                if r.strength is None
                else {
                    "amount": r.strength.amount,
                    "unit": r.strength.unit,
                    "per": r.strength.per,
                    "text": r.strength.label(),
                },
            }
        )
    return {
        "title": "Medicines and supplements",
        "today": today.isoformat(),
        "medicines": rows,
        "substances": sorted(v.name_of("substance", s) for s in v.ids("substance")),
        "units": known_units(),
        "product_units": [u for u in known_units() if is_product_unit(u)],
        "ask_populations": population_prompt(j.profile()),
        "adherence": j.weekly_doses(today),
    }


@router.get("/medicines", include_in_schema=False)
@router.get(
    "/api/medicines",
    summary="Medicines and supplements with their dose history",
    responses={200: {"model": MedicinesPage, "description": "the page's data"}},
)
def medicines(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "medicines.html", medicines_data(ctx.journal))


def regimen_from(j: Journal, form: forms.Fields) -> Regimen:
    """A new regimen from the medicines form (or the same fields as JSON). Every field is
    checked here with its name in the sentence: a dose that is not a number above 0, a start
    outside 1900 to a year ahead, a strength for a dose already in mg."""
    substance = str(form.get("substance") or "").strip()
    if not substance:
        raise InvalidInput("substance", "name the medicine or supplement")
    found, form_id = j.vocabulary.resolve_substance(substance, "substance")
    dose = doses.optional_amount(_text(form.get("amount")), "amount")
    unit = _text(form.get("unit")).strip() or None
    per_day = doses.optional_amount(_text(form.get("times_per_day")), "times_per_day") or 1.0
    start = doses.regimen_day(forms.day(form.get("start"), "start"), "start")
    if dose is not None and unit is None:
        raise InvalidInput("unit", "give the dose's unit, e.g. mg or capsule")
    strength_text = _text(form.get("strength")).strip()
    per_unit = None
    if strength_text:
        if dose is None:
            raise InvalidInput(
                "strength", "give the dose first (e.g. 2 capsules), then what each holds"
            )
        value, strength_unit, per = doses.strength(strength_text, unit, "strength")
        per_unit = UnitStrength(amount=value, unit=strength_unit, per=per)
    return Regimen(
        substance=found,
        form=form_id,
        strength=per_unit,
        steps=(
            DoseStep(
                start=start,
                amount=dose,
                unit=unit if dose is not None else None,
                times_per_day=per_day,
            ),
        ),
        as_needed=form.get("as_needed") in ("yes", True),
        reason=_text(form.get("reason")).strip() or None,
    )


def _text(raw: object) -> str:
    """A field as text (a JSON number arrives as a number; None as empty)."""
    return "" if raw is None else str(raw)


@router.post("/medicines", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/medicines",
    summary="Add a medicine or supplement (form fields or a JSON object)",
    dependencies=[Depends(check_csrf)],
    status_code=201,
    responses={201: {"model": SavedRegimen, "description": "the medicine as stored"}},
)
async def add_medicine(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    j = ctx.journal
    regimen = j.add_regimen(regimen_from(j, await forms.fields(request)))
    if wants_json(request):
        return render(ctx, "", {"saved": regimen.model_dump(mode="json")}, status=201)
    return redirect("/medicines")


@router.post("/medicines/{rid}/dose", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/medicines/{rid}/dose",
    summary="Change a medicine's dose from a date (form fields or a JSON object)",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": SavedRegimen, "description": "the medicine as now stored"}},
)
async def change_dose(
    rid: str, request: Request, ctx: Annotated[Context, Depends(person)]
) -> Response:
    form = await forms.fields(request)
    amount = _text(form.get("amount")).strip()
    if not amount:
        raise InvalidInput("amount", "give the new dose")
    unit = _text(form.get("unit")).strip()
    if not unit:
        raise InvalidInput("unit", "give the dose's unit, e.g. mg or capsule")
    regimen = ctx.journal.change_dose(
        rid,
        DoseStep(
            start=doses.regimen_day(forms.day(form.get("start"), "start"), "start"),
            amount=doses.amount(amount, "amount"),
            unit=unit,
            times_per_day=doses.optional_amount(_text(form.get("times_per_day")), "times_per_day")
            or 1.0,
        ),
    )
    if wants_json(request):
        return render(ctx, "", {"saved": regimen.model_dump(mode="json")})
    return redirect("/medicines")


@router.post("/medicines/{rid}/stop", include_in_schema=False, dependencies=[Depends(check_csrf)])
def stop(rid: str, ctx: Annotated[Context, Depends(person)], on: Text) -> Response:
    ctx.journal.stop_regimen(rid, doses.regimen_day(forms.day(on, "on"), "on"))
    return redirect("/medicines")


@router.post("/medicines/{rid}/delete", include_in_schema=False, dependencies=[Depends(check_csrf)])
def delete(rid: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    ctx.journal.delete_regimen(rid)
    return redirect("/medicines")
