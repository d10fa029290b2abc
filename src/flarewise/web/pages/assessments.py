"""Assessments: the ACR 2016 self-check (with the body map) and the FIQR, and their history with
the change since the previous one. Scoring is the instruments module's; the page only asks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.web import bodymap, forms, labels
from flarewise.web.deps import Context, check_csrf, person, redirect, render, wants_json
from flarewise.web.schemas import SavedAssessment
from flarewise.web.schemas.assessments import AssessmentsPage

router = APIRouter()
ACR_SCALES = (
    ("fatigue", "Fatigue"),
    ("waking_unrefreshed", "Waking unrefreshed"),
    ("cognitive_symptoms", "Trouble thinking or remembering"),
)
ACR_YES_NO = (
    ("headaches", "Headaches"),
    ("lower_abdominal_pain", "Pain or cramps in the lower abdomen"),
    ("depression", "Depression"),
)
#: What each part of a result is called where people read it (the scores' keys are codes:
#: "SSS_COMMON 4.0" told nobody anything). A key not listed here is shown as words.
SCORE_NAMES = {
    "total": "Total",
    "function": "Daily activities",
    "overall": "Overall impact",
    "symptoms": "Symptoms",
    "wpi": "Painful areas",
    "sss": "Symptom severity",
    "sss_common": "Fatigue, sleep and thinking",
    "somatic": "Other symptoms",
    "regions": "Body regions with pain",
    "psd": "Fibromyalgia score",
    "ss": "Symptom severity",
    "pgic": "Change you noticed",
    "tender_points": "Tender points",
}
SEVERITY = ("no problem", "slight or mild", "moderate, considerable", "severe, continuous")
FIQR_DOMAINS = (
    (
        "Function: how hard was it in the past 7 days to...",
        (
            ("brush_hair", "brush or comb your hair"),
            ("walk_20_minutes", "walk continuously for 20 minutes"),
            ("prepare_meal", "prepare a homemade meal"),
            ("vacuum_scrub_sweep", "vacuum, scrub or sweep floors"),
            ("lift_groceries", "lift and carry a bag of groceries"),
            ("climb_stairs", "climb one flight of stairs"),
            ("change_sheets", "change bed sheets"),
            ("sit_45_minutes", "sit in a chair for 45 minutes"),
            ("shop_groceries", "go shopping for groceries"),
        ),
    ),
    (
        "Overall, in the past 7 days",
        (
            ("prevented_goals", "fibromyalgia prevented me from reaching my goals"),
            ("overwhelmed", "I was completely overwhelmed by my symptoms"),
        ),
    ),
    (
        "Symptoms in the past 7 days (0 best, 10 worst)",
        (
            ("pain", "pain"),
            ("energy", "lack of energy"),
            ("stiffness", "stiffness"),
            ("sleep_quality", "poor sleep"),
            ("depression", "depression"),
            ("memory", "memory problems"),
            ("anxiety", "anxiety"),
            ("tenderness", "tenderness to touch"),
            ("balance", "balance problems"),
            ("environmental_sensitivity", "sensitivity to noise, lights, odours or cold"),
        ),
    ),
)

#: What 0 and 10 mean in each FIQR part, in FIQR_DOMAINS' order (every FIQR answer is better
#: low), said under each one-tap row.
FIQR_ANCHORS = (
    ("no difficulty", "very difficult"),
    ("never", "always"),
    ("none, best", "worst"),
)

# A refused answer is named as the question reads on its form (the two forms share ids such as
# "fatigue" and "depression" with different questions, so each path has its own labels).
labels.register(
    "/assessments/acr2016",
    {"sites": "Where have you had pain", **dict(ACR_SCALES), **dict(ACR_YES_NO)},
)
labels.register(
    "/assessments/fiqr",
    {key: text[:1].upper() + text[1:] for _, items in FIQR_DOMAINS for key, text in items},
)


def history(j: Journal) -> list[dict[str, Any]]:
    """Every assessment, newest first, with its change since the previous of its kind."""
    rows: list[dict[str, Any]] = []
    previous: dict[str, dict[str, float]] = {}
    for a, r in j.assessments():
        main = {"acr2016": "psd", "acr2011": "psd", "acr2010": "wpi", "fiqr": "total"}.get(
            a.instrument
        )
        value = r.scores.get(main) if main else None
        before = previous.get(a.instrument, {}).get(main) if main else None
        rows.append(
            {
                "id": a.id,
                "date": a.local_date.isoformat(),
                "instrument": a.instrument,
                "scores": {k: round(v, 1) for k, v in r.scores.items()},
                "met": r.met,
                "label": r.label,
                "bands": r.bands,
                "main": main,
                "value": None if value is None else round(value, 1),
                "change": None if value is None or before is None else round(value - before, 1),
                "findings": [
                    {"rule": f.rule, "met": f.met, "detail": f.detail} for f in r.findings
                ],
                "notes": list(r.notes),
            }
        )
        previous[a.instrument] = r.scores
    return list(reversed(rows))


def _page(
    ctx: Context, error: InvalidInput | None = None, instrument: str | None = None, sent: Any = None
) -> Response:
    """The assessments page; after a refused answer, the same page with the message next to the
    form it belongs to and the person's answers kept (status 422)."""
    data: dict[str, Any] = {
        "title": "Assessments",
        "history": history(ctx.journal),
        "saved": ctx.request.query_params.get("saved"),
    }
    if error is not None:
        message = labels.sentence(error, f"/assessments/{instrument}")
        data["error"] = {"instrument": instrument, "field": error.field, "message": message}
    values: dict[str, Any] = {}
    if sent is not None:
        values = {k: str(v)[:20] for k in _FIELDS if (v := sent.get(k)) is not None}
    return render(
        ctx,
        "assessments.html",
        data,
        status=422 if error is not None else 200,
        view={
            "sites": [{"id": s, "label": bodymap.LABELS[s]} for s in bodymap.ORDER],
            "front": bodymap.regions("front"),
            "back": bodymap.regions("back"),
            "outline": bodymap.OUTLINE,
            "score_names": SCORE_NAMES,
            "acr_scales": ACR_SCALES,
            "acr_yes_no": ACR_YES_NO,
            "severity": SEVERITY,
            "fiqr": FIQR_DOMAINS,
            "fiqr_anchors": FIQR_ANCHORS,
            "values": values,
        },
    )


_FIELDS = (
    *(k for k, _ in ACR_SCALES),
    *(k for k, _ in ACR_YES_NO),
    "symptoms_3_months",
    *(k for _, items in FIQR_DOMAINS for k, _label in items),
)


@router.get("/assessments", include_in_schema=False)
@router.get(
    "/api/assessments",
    summary="Assessment history with change over time",
    responses={200: {"model": AssessmentsPage, "description": "the page's data"}},
)
def assessments(ctx: Annotated[Context, Depends(person)]) -> Response:
    return _page(ctx)


def acr_answers(form: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "painful_sites": [s for s in form.getlist("sites") if s in bodymap.ORDER],
    }
    for key, _ in ACR_SCALES:
        value = forms.whole(form.get(key), key, 0, 3)
        if value is None:
            raise InvalidInput(key, "choose how much of a problem it was")
        answers[key] = value
    for key, _ in ACR_YES_NO:
        answers[key] = form.get(key) in ("yes", True)
    answers["symptoms_3_months"] = form.get("symptoms_3_months") in ("yes", True)
    return answers


def fiqr_answers(form: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for _, items in FIQR_DOMAINS:
        for key, _label in items:
            value = forms.whole(form.get(key), key, 0, 10)
            if value is not None:
                answers[key] = value
    return answers


@router.post(
    "/assessments/{instrument}", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
@router.post(
    "/api/assessments/{instrument}",
    summary="Score and keep an ACR 2016 self-check or a FIQR (form fields or a JSON object)",
    dependencies=[Depends(check_csrf)],
    status_code=201,
    responses={201: {"model": SavedAssessment, "description": "the kept entry and its scores"}},
)
async def take(
    instrument: str, request: Request, ctx: Annotated[Context, Depends(person)]
) -> Response:
    form = await forms.fields(request)
    try:
        if instrument == "acr2016":
            answers = acr_answers(form)
        elif instrument == "fiqr":
            answers = fiqr_answers(form)
        else:
            raise InvalidInput("instrument", f"{instrument[:40]!r} is not offered here")
        entry, result = ctx.journal.assess(instrument, answers)
    except InvalidInput as exc:
        if wants_json(request):
            raise
        return _page(ctx, exc, instrument, form)
    if wants_json(request):
        return render(ctx, "", {"saved": entry.id, "result": result.to_json()}, status=201)
    return redirect(f"/assessments?saved={entry.id}#a-{entry.id}")
