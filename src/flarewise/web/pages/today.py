"""Today: the one-minute check-in (scores, body map, doses, foods, activity, note) and today's
entries, which can be edited and deleted."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from flarewise.domain import doses
from flarewise.domain.body import BodySite
from flarewise.domain.entries import (
    Activity,
    CustomValue,
    EntryBase,
    FoodPortion,
    Intake,
    Meal,
    Note,
    SymptomCheckin,
)
from flarewise.domain.trackables import Trackable
from flarewise.errors import InvalidInput
from flarewise.journal import Journal
from flarewise.web import bodymap, forms, saved
from flarewise.web.deps import Context, check_csrf, person, redirect, render
from flarewise.web.schemas import SavedEntries
from flarewise.web.schemas.today import EntryPage, TodayPage

router = APIRouter()
#: The check-in's scales, in the order a tired person meets them.
CHECKIN = ("pain", "fatigue", "sleep_quality", "fibro_fog", "mood", "stress")


def _now(j: Journal) -> datetime:
    return datetime.now(j.timezone())


def _offered(j: Journal, day: date) -> list[dict[str, Any]]:
    """The journal's doses to offer, as form choices (the key carries the dose back)."""
    return [
        {
            "key": f"{d.substance}|{d.form or ''}|{'' if d.amount is None else d.amount}|"
            f"{d.unit or ''}",
            "substance": d.substance,
            "name": j.vocabulary.name_of("substance", d.substance),
            "dose": f"{d.amount:g} {d.unit}"
            if d.amount is not None and d.unit
            else "dose not recorded",
            "done_today": d.taken_today,
            "checked": False,
        }
        for d in j.doses_to_offer(day)
    ]


def describe(j: Journal, e: EntryBase, names: dict[str, str]) -> str:
    """An entry in words; a custom value by its trackable's name (the vocabulary, which
    describes everything else, does not know the person's own trackables)."""
    if isinstance(e, CustomValue):
        return f"{names.get(e.trackable, e.trackable.replace('_', ' '))} {e.value:g}"
    return j.describe(e)


def _direction(higher_is_worse: bool | None) -> dict[str, str]:
    """Which end of a scale is good, in words and as the class that colours it. One convention
    everywhere (form, charts, report): the good end is green-blue, the bad end warm, and the
    words say it too, so colour is never the only cue (WCAG 1.4.1)."""
    if higher_is_worse is False:
        return {"good": "Higher is better", "direction": "up-good"}
    if higher_is_worse is None:
        return {"good": "", "direction": "neutral"}
    return {"good": "Lower is better", "direction": "down-good"}


def _last_checkin(j: Journal, day: date) -> SymptomCheckin | None:
    checkins = [e for e in j.day(day) if isinstance(e, SymptomCheckin)]
    return max(checkins, key=lambda e: e.at) if checkins else None


def _yesterday_fill(
    checkin: SymptomCheckin | None, offered: list[dict[str, Any]], taken: set[str]
) -> dict[str, Any] | None:
    """Yesterday's answers as the "Same as yesterday" button hands them to the page's script,
    which fills in only what is not answered yet: scores tapped before the button are kept
    (a reload, the no-script path, would lose them)."""
    if checkin is None:
        return None
    return {
        "scores": {s: checkin.scores[s] for s in CHECKIN if s in checkin.scores},
        "sites": list(checkin.pain_sites),
        "doses": [d["key"] for d in offered if d["substance"] in taken and not d["done_today"]],
    }


def _trackable_field(t: Trackable) -> dict[str, Any]:
    """A custom trackable as a check-in control: a whole-number scale of up to 11 points is a
    row of one-tap buttons, yes/no is two buttons, a longer count a box with one-tap - and +
    buttons, anything else a number box."""
    lo, hi = t.bounds
    control = "number"
    points: list[int] = []
    if t.value_type == "yes_no":
        control = "yes_no"
    elif (
        t.value_type in ("scale", "count")
        and lo is not None
        and hi is not None
        and lo.is_integer()
        and hi.is_integer()
        and 0 < hi - lo <= 10
    ):
        control = "scale"
        points = list(range(int(lo), int(hi) + 1))
    return {
        "id": t.id,
        "field": f"t:{t.id}",
        "name": t.name,
        "unit": t.unit,
        "control": control,
        "points": points,
        # a count too long for a row of buttons gets one-tap "one less" / "one more" buttons
        # beside its box, so it needs no typing either (design-notes principle 1)
        "stepper": control == "number" and t.value_type == "count",
        "low": f"{lo:g}" if lo is not None else "",
        "high": f"{hi:g}" if hi is not None else "",
        **_direction(t.higher_is_worse),
    }


#: The one gentle line Today shows when there is no check-in yet today: no count of days, no
#: "missed", nothing to live up to (design-notes.md principle 5).
NUDGE = "You have not checked in today. It takes about a minute, whenever suits you."


def _nudge(j: Journal, day: date) -> str | None:
    return None if _last_checkin(j, day) is not None else NUDGE


def today_data(
    j: Journal, shown: date | None = None, *, same_as_yesterday: bool = False
) -> dict[str, Any]:
    """The check-in form's choices and the entries of ``shown`` (default today). With
    ``same_as_yesterday`` the form starts from yesterday's last check-in (scores, sites) and
    yesterday's doses, so an unchanged day is one tap to fill and one to save."""
    v = j.vocabulary
    now = _now(j)
    day = now.date()
    entries = sorted(j.day(shown or day), key=lambda e: e.at)
    trackables = j.trackables()
    names = {t.id: t.name for t in trackables}
    yesterday = _last_checkin(j, day - timedelta(days=1))
    start = yesterday if same_as_yesterday and yesterday is not None else None
    offered = _offered(j, day)
    taken_yesterday = {
        e.substance
        for e in j.day(day - timedelta(days=1))
        if isinstance(e, Intake) and e.status != "skipped"
    }
    if same_as_yesterday:
        for d in offered:
            d["checked"] = d["substance"] in taken_yesterday and not d["done_today"]
    return {
        "title": "Today",
        "date": day.isoformat(),
        "shown": (shown or day).isoformat(),
        "previous": ((shown or day) - timedelta(days=1)).isoformat(),
        "next": ((shown or day) + timedelta(days=1)).isoformat() if (shown or day) < day else None,
        "idempotency_key": uuid.uuid4().hex,
        "has_yesterday": yesterday is not None,
        "same_as_yesterday": start is not None,
        "yesterday": _yesterday_fill(yesterday, offered, taken_yesterday),
        "scales": [
            {
                "id": s,
                "name": v.name_of("symptom", s),
                "low": v.symptoms[s].anchors.get(0, "")
                or ("worst" if not v.symptoms[s].higher_is_worse else "none"),
                "high": v.symptoms[s].anchors.get(10, "")
                or ("best" if not v.symptoms[s].higher_is_worse else "worst"),
                "value": None if start is None else start.scores.get(s),
                **_direction(v.symptoms[s].higher_is_worse),
            }
            for s in CHECKIN
        ],
        "trackables": [_trackable_field(t) for t in trackables],
        "sites": [{"id": s, "label": bodymap.LABELS[s]} for s in bodymap.ORDER],
        "checked_sites": [] if start is None else list(start.pain_sites),
        "offered": offered,
        "foods": sorted(
            ({"id": f, "name": v.name_of("food", f)} for f in v.ids("food")),
            key=lambda f: f["name"],
        ),
        "activities": sorted(
            ({"id": a, "name": v.name_of("activity", a)} for a in v.ids("activity")),
            key=lambda a: a["name"],
        ),
        "nudge": _nudge(j, day) if (shown or day) == day else None,
        "experiments": [
            {"title": t.title, "instruction": t.instruction} for t in j.experiments_today(day)
        ],
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "time": e.at.strftime("%H:%M"),
                "text": describe(j, e, names),
            }
            for e in entries
        ],
    }


@router.get("/today", include_in_schema=False)
@router.get(
    "/api/today",
    summary="Today's check-in form data and entries",
    responses={200: {"model": TodayPage, "description": "the page's data"}},
)
def today(ctx: Annotated[Context, Depends(person)]) -> Response:
    raw = ctx.request.query_params.get("day")
    latest = _now(ctx.journal).date() + timedelta(days=366)
    shown = forms.day(raw, "day", latest) if raw else None
    same = ctx.request.query_params.get("same") == "yesterday"
    data = today_data(ctx.journal, shown, same_as_yesterday=same)
    data["welcome"] = ctx.request.query_params.get("welcome") == "1"
    data["saved"] = ctx.request.query_params.get("saved")
    data["saved_message"] = saved.message(data["saved"] or "")
    figures = {
        "front": bodymap.regions("front"),
        "back": bodymap.regions("back"),
        "outline": bodymap.OUTLINE,
    }
    return render(ctx, "today.html", data, view=figures)


def _score(form: Any, name: str) -> float | None:
    return forms.number(form.get(name), name)


#: What the dose choice on Today may say: this dose, or taken with the dose unknown.
DOSE_STATUSES = ("taken", "unknown")


def _intake(form: Any, key: str, at: datetime) -> list[Intake]:
    """The intake a ticked dose makes. The key carries ``substance|form|amount|unit`` back from
    the page; a key or a status the page never offered is refused, not guessed at."""
    field = f"dose_status:{key}"
    choice = str(form.get(field) or "taken")
    if choice not in DOSE_STATUSES:
        raise InvalidInput("dose_status", f"{choice[:40]!r} is not a choice; use taken or unknown")
    substance, form_id, amount, unit = [*key.split("|"), "", "", ""][:4]
    if not substance:
        return []
    dose = doses.optional_amount(amount, "dose")
    known = choice == "taken" and dose is not None and unit
    return [
        Intake(
            at=at,
            substance=substance,
            form=form_id or None,
            status="taken" if known else "taken_dose_unknown",
            amount=dose if known else None,
            unit=unit if known else None,
        )
    ]


def checkin_entries(j: Journal, form: Any, at: datetime) -> list[EntryBase]:
    """The entries one check-in form makes (validated by the domain when built)."""
    made: list[EntryBase] = []
    scores = {s: x for s in CHECKIN if (x := _score(form, s)) is not None}
    sites = [s for s in form.getlist("sites") if s in BodySite.__members__.values()]
    note = str(form.get("note") or "").strip()
    if scores or sites:
        made.append(SymptomCheckin(at=at, scores=scores, pain_sites=tuple(sites)))
    for t in j.trackables():
        value = forms.number(form.get(f"t:{t.id}"), f"t:{t.id}", t.name)
        if value is not None:
            try:
                t.check(value)
            except ValueError as exc:
                raise InvalidInput(f"t:{t.id}", str(exc), label=t.name) from None
            made.append(CustomValue(at=at, trackable=t.id, value=value))
    for key in form.getlist("dose"):
        made.extend(_intake(form, str(key), at))
    foods = [f for f in form.getlist("foods") if f]
    if foods:
        made.append(Meal(at=at, foods=tuple(FoodPortion(food=f) for f in foods)))
    activity = str(form.get("activity") or "")
    if activity:
        minutes = _score(form, "minutes") or 0
        if minutes <= 0:
            raise InvalidInput("minutes", "how many minutes of activity?")
        made.append(Activity(at=at, activity=activity, minutes=minutes))
    if note:
        made.append(Note(at=at, text=note))
    if not made:
        raise InvalidInput("checkin", "nothing to save: give at least one score, site or note")
    return made


#: What a check-in's idempotency key may look like (the page makes a random hex one).
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def with_idempotency_key(made: list[EntryBase], key: str) -> list[EntryBase]:
    """The entries marked with the check-in's key, so sending the same check-in twice (a double
    tap, a retry after a dropped connection, the offline queue) stores it once: the journal
    skips entries whose ``(source, source_key)`` it already holds."""
    if not IDEMPOTENCY_KEY.match(key):
        raise InvalidInput("idempotency_key", "reload the page and save the check-in again")
    return [e.model_copy(update={"source_key": f"checkin:{key}:{i}"}) for i, e in enumerate(made)]


@router.post("/today", include_in_schema=False, dependencies=[Depends(check_csrf)])
@router.post(
    "/api/today",
    summary="Save a check-in",
    dependencies=[Depends(check_csrf)],
    responses={200: {"model": SavedEntries, "description": "the entries made"}},
)
async def save_checkin(request: Request, ctx: Annotated[Context, Depends(person)]) -> Response:
    j = ctx.journal
    form = await forms.fields(request)
    with j.reading():  # the zone and the trackables in one transaction, then the write
        made = checkin_entries(j, form, _now(j))
    key = str(form.get("idempotency_key") or "")
    if key:
        made = with_idempotency_key(made, key)
    added = j.add_many(made)
    if request.url.path.startswith("/api/"):
        return render(ctx, "", {"saved": [e.id for e in made] if added else [], "added": added})
    saved = ".".join(e.kind for e in made) if added else ("already" if key else "0")
    return redirect(f"/today?saved={saved}")


@router.get("/entries/{entry_id}", include_in_schema=False)
@router.get(
    "/api/entries/{entry_id}",
    summary="One entry",
    responses={200: {"model": EntryPage, "description": "the page's data"}},
)
def entry_page(entry_id: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    j = ctx.journal
    e = j.get(entry_id)
    data: dict[str, Any] = {
        "title": "Edit entry",
        "entry": e.model_dump(mode="json"),
        "text": describe(j, e, {t.id: t.name for t in j.trackables()}),
        "local_time": e.at.strftime("%Y-%m-%dT%H:%M"),
    }
    if isinstance(e, SymptomCheckin):
        data["scales"] = [
            {"id": s, "name": j.vocabulary.name_of("symptom", s), "value": e.scores.get(s)}
            for s in sorted(set(CHECKIN) | set(e.scores))
        ]
        data["sites"] = [
            {"id": s, "label": bodymap.LABELS[s], "checked": s in e.pain_sites}
            for s in bodymap.ORDER
        ]
    return render(ctx, "entry.html", data)


@router.post("/entries/{entry_id}", include_in_schema=False, dependencies=[Depends(check_csrf)])
async def edit_entry(
    entry_id: str, request: Request, ctx: Annotated[Context, Depends(person)]
) -> Response:
    j = ctx.journal
    e = j.get(entry_id)
    form = await request.form()
    changes: dict[str, Any] = {}
    when = str(form.get("at") or "")
    if when:
        try:
            local = datetime.fromisoformat(when)
        except ValueError:
            raise InvalidInput("at", f"{when!r} is not a date and time") from None
        changes["at"] = local.replace(tzinfo=e.at.tzinfo)
    comment = str(form.get("comment") or "").strip()
    changes["comment"] = comment or None
    if isinstance(e, SymptomCheckin):
        scores = {s: x for s in {*CHECKIN, *e.scores} if (x := _score(form, s)) is not None}
        changes["scores"] = scores
        changes["pain_sites"] = tuple(s for s in form.getlist("sites") if s in bodymap.ORDER)
    if isinstance(e, Note):
        changes["text"] = str(form.get("text") or e.text)
    j.correct(entry_id, **changes)
    return redirect(f"/today?saved=edit#entry-{entry_id}")


@router.post(
    "/entries/{entry_id}/delete", include_in_schema=False, dependencies=[Depends(check_csrf)]
)
def delete_entry(entry_id: str, ctx: Annotated[Context, Depends(person)]) -> Response:
    ctx.journal.delete(entry_id)
    return redirect("/today?saved=deleted")
