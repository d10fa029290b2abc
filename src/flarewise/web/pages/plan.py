"""Plan: the tailored options with evidence grades, citations, doses and warnings, what is not
suggested and why, and a form to check any combination of items against this person's
medicines, conditions and labs."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.web import forms
from flarewise.web.deps import Context, check_csrf, person, redirect, render
from flarewise.web.plain import plain
from flarewise.web.schemas.plan import PlanPage

router = APIRouter()


def _name(vocab: Vocabulary, item: str) -> str:
    """An item's name as people read it (an intervention, else a substance)."""
    i = vocab.interventions.get(item)
    return i.name if i is not None else vocab.name_of("substance", item)


def _unit(vocab: Vocabulary, item: str) -> str | None:
    """The unit a daily dose of ``item`` is typed in on the form: its substance's canonical unit
    (clinical-rules.md D.5.6: IU for vitamin D, CFU for probiotics, mg otherwise). A form that
    read every dose as mg turned vitamin D 2000 (IU) into 80 million IU, "implausible"."""
    i = vocab.interventions.get(item)
    sid = i.substance if i is not None else item
    s = vocab.substances.get(sid) if sid else None
    return s.canonical_unit if s is not None else None


def _trial(vocabulary: Any, intervention: str) -> str:
    """The part of "how to try it" that differs between options (how long, what to watch);
    the method they share is said once on the page instead of under every option."""
    i = vocabulary.interventions.get(intervention)
    if i is None:
        return ""
    outcome = i.outcome or "pain"
    watched = (
        vocabulary.name_of("symptom", outcome) if outcome in vocabulary.symptoms else outcome
    ).replace("_", " ")
    gradual = ", building up gradually" if i.category == "exercise" else ""
    return f"{i.trial_weeks or 8} weeks{gradual}, watching {watched.lower()}"


def plan_data(ctx: Context) -> dict[str, Any]:
    j = ctx.journal
    with j.reading():
        return _plan_data(j)


def _plan_data(j: Journal) -> dict[str, Any]:
    plan = plain(j.plan())
    kb = sorted(j.vocabulary.interventions.values(), key=lambda i: i.name.lower())
    for option in plan["options"]:
        option["trial"] = _trial(j.vocabulary, option["intervention"])
    return {
        "title": "Plan",
        "plan": plan,
        "to_discuss": list(j.options_to_discuss()),
        "items": [{"id": i.id, "name": i.name, "unit": _unit(j.vocabulary, i.id)} for i in kb],
        "names": {i.id: i.name for i in kb},
        "checked": None,
    }


@router.get("/plan", include_in_schema=False)
@router.get(
    "/api/plan",
    summary="The tailored plan: options, grades, citations, warnings",
    responses={200: {"model": PlanPage, "description": "the page's data"}},
)
def plan_page(ctx: Annotated[Context, Depends(person)]) -> Response:
    return render(ctx, "plan.html", plan_data(ctx))


@router.post("/plan/discuss", include_in_schema=False, dependencies=[Depends(check_csrf)])
def discuss(
    ctx: Annotated[Context, Depends(person)],
    intervention: Annotated[str, Form()],
    remove: Annotated[bool, Form()] = False,
) -> Response:
    """Toggle "to discuss at my next visit" for one option (listed in the visit report)."""
    ctx.journal.mark_to_discuss(intervention, discuss=not remove)
    return redirect("/plan")


@router.post(
    "/api/plan/discuss",
    summary="Mark or unmark a plan option to discuss at the next visit",
    dependencies=[Depends(check_csrf)],
)
def discuss_api(
    ctx: Annotated[Context, Depends(person)],
    intervention: Annotated[str, Form()],
    remove: Annotated[bool, Form()] = False,
) -> dict[str, list[str]]:
    return {"to_discuss": list(ctx.journal.mark_to_discuss(intervention, discuss=not remove))}


@router.post("/plan/check", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/plan/check", summary="Check a combination of items", dependencies=[Depends(check_csrf)]
)
async def check(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    form = await request.form()
    items: list[dict[str, Any]] = []
    for item in form.getlist("item"):
        entry: dict[str, Any] = {"item": str(item)}
        label = f"Daily dose of {_name(ctx.journal.vocabulary, str(item))}"  # as the page says
        dose = forms.number(form.get(f"dose:{item}"), f"dose:{item}", label)
        if dose is not None:
            entry["dose"] = dose
            unit = form.get(f"unit:{item}") or _unit(ctx.journal.vocabulary, str(item))
            if unit is None:
                raise InvalidInput(
                    f"dose:{item}", "this item has no daily dose to check", label=label
                )
            entry["unit"] = str(unit)
        items.append(entry)
    if not items:
        raise InvalidInput("item", "tick at least one item to check")
    check = ctx.journal.safety_check(items)
    data = plan_data(ctx)
    vocab = ctx.journal.vocabulary
    data["checked"] = {
        "items": items,
        "names": [_name(vocab, str(i["item"])) for i in items],
        "warnings": [plain(w) for w in check.warnings],
        "blocked": check.blocked,
        "missing": [plain(m) for m in check.missing],
    }
    return render(ctx, "plan.html", data)
