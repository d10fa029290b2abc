"""``flarewise log ...``: quick entries, each one command."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

import typer

from flarewise.cli.app import JsonOpt, app, emit_json, say, writer
from flarewise.cli.when import parse_day, parse_when
from flarewise.domain import doses
from flarewise.domain.body import parse_sites
from flarewise.domain.entries import (
    Activity,
    CustomValue,
    EntryBase,
    FoodPortion,
    Intake,
    LabResult,
    LifeEvent,
    Meal,
    MindBody,
    Note,
    Sleep,
    SymptomCheckin,
    Therapy,
)
from flarewise.errors import InvalidInput
from flarewise.journal.quick import EntryWriter

log_app = typer.Typer(help="Record an entry (any number per day).", no_args_is_help=True)
app.add_typer(log_app, name="log")

AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at", help="When: 08:30, 'yesterday 22:15', 2025-03-01 or ISO 8601 (default: now)."
    ),
]
CommentOpt = Annotated[str | None, typer.Option("--comment", help="A short note on this entry.")]


def _when(j: EntryWriter, at: str | None) -> datetime:
    return parse_when(at, j.timezone())


def _record(ctx: typer.Context, entry_factory: Any, as_json: bool) -> None:
    j = writer(ctx)
    entry: EntryBase = entry_factory(j)
    stored = j.add(entry)
    if as_json:
        emit_json(stored.model_dump(mode="json"))
        return
    say(f"Logged {j.describe(stored)} at {stored.at:%Y-%m-%d %H:%M} (id {stored.id[:8]})")


def _sites(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        return tuple(s.value for s in parse_sites(text))
    except ValueError as exc:
        raise InvalidInput("--sites", str(exc)) from None


@log_app.command("pain")
def log_pain(
    ctx: typer.Context,
    value: Annotated[float, typer.Argument(help="Pain 0-10 (0 = none, 10 = worst imaginable).")],
    sites: Annotated[
        str | None,
        typer.Option(
            "--sites", help="Painful body-map sites, comma separated (e.g. neck,lower_back)."
        ),
    ] = None,
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log pain 0-10 with optional body-map sites."""
    _record(
        ctx,
        lambda j: SymptomCheckin(
            at=_when(j, at), scores={"pain": value}, pain_sites=_sites(sites), comment=comment
        ),
        as_json,
    )


@log_app.command("symptom")
def log_symptom(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="Symptom name, e.g. fatigue, 'brain fog', stiffness.")
    ],
    value: Annotated[float, typer.Argument(help="Score 0-10.")],
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log one symptom score 0-10."""

    def make(j: EntryWriter) -> EntryBase:
        symptom = j.vocabulary.resolve("symptom", name, "symptom")
        return SymptomCheckin(at=_when(j, at), scores={symptom: value}, comment=comment)

    _record(ctx, make, as_json)


@log_app.command("checkin")
def log_checkin(
    ctx: typer.Context,
    pain: Annotated[float | None, typer.Option(help="Pain 0-10.")] = None,
    sites: Annotated[str | None, typer.Option(help="Painful sites, comma separated.")] = None,
    fatigue: Annotated[float | None, typer.Option(help="Fatigue 0-10.")] = None,
    sleep_quality: Annotated[
        float | None, typer.Option(help="Sleep quality 0-10 (10 = best).")
    ] = None,
    unrefreshed: Annotated[float | None, typer.Option(help="Waking unrefreshed 0-10.")] = None,
    fog: Annotated[float | None, typer.Option(help="Fibro fog 0-10.")] = None,
    stiffness: Annotated[float | None, typer.Option(help="Stiffness 0-10.")] = None,
    mood: Annotated[float | None, typer.Option(help="Mood 0-10 (10 = best).")] = None,
    anxiety: Annotated[float | None, typer.Option(help="Anxiety 0-10.")] = None,
    stress: Annotated[float | None, typer.Option(help="Stress 0-10.")] = None,
    gi: Annotated[float | None, typer.Option(help="Gut symptoms 0-10.")] = None,
    sensory: Annotated[float | None, typer.Option(help="Sensory sensitivity 0-10.")] = None,
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a full symptom check-in in one go."""
    given = {
        "pain": pain,
        "fatigue": fatigue,
        "sleep_quality": sleep_quality,
        "unrefreshed_waking": unrefreshed,
        "fibro_fog": fog,
        "stiffness": stiffness,
        "mood": mood,
        "anxiety": anxiety,
        "stress": stress,
        "gi_symptoms": gi,
        "sensory_sensitivity": sensory,
    }
    scores = {k: v for k, v in given.items() if v is not None}
    _record(
        ctx,
        lambda j: SymptomCheckin(
            at=_when(j, at), scores=scores, pain_sites=_sites(sites), comment=comment
        ),
        as_json,
    )


@log_app.command("intake")
def log_intake(
    ctx: typer.Context,
    substance: Annotated[
        str, typer.Argument(help="Supplement or medicine, e.g. magnesium-citrate, 'vit d'.")
    ],
    amount: Annotated[str | None, typer.Argument(help="Dose amount, a number above 0.")] = None,
    unit: Annotated[
        str | None, typer.Argument(help="Dose unit: mg, mcg, g, IU, mL, 'billion CFU', capsule...")
    ] = None,
    skipped: Annotated[
        bool, typer.Option("--skipped", help="A planned dose that was not taken.")
    ] = False,
    dose_unknown: Annotated[
        bool, typer.Option("--dose-unknown", help="Taken, but the dose is not known.")
    ] = False,
    compound: Annotated[
        bool,
        typer.Option(
            "--compound",
            help="The amount is the salt weight (e.g. 1000 mg magnesium citrate), not elemental.",
        ),
    ] = False,
    route: Annotated[
        str, typer.Option(help="oral, sublingual, topical, transdermal, injection...")
    ] = "oral",
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log one dose: taken (with amount), taken with dose unknown, or skipped."""
    dose = doses.optional_amount(amount, "AMOUNT")
    if skipped and dose_unknown:
        raise InvalidInput("--skipped", "a dose cannot be both skipped and taken")
    if dose is not None and unit is None:
        raise InvalidInput("unit", "give the unit after the amount, e.g. 200 mg")
    if dose is None and not (skipped or dose_unknown):
        raise InvalidInput("amount", "give the dose (e.g. 200 mg), or --dose-unknown, or --skipped")
    if dose_unknown and dose is not None:
        raise InvalidInput("amount", "--dose-unknown and an amount contradict each other")

    def make(j: EntryWriter) -> EntryBase:
        sid, form = j.vocabulary.resolve_substance(substance)
        status = "skipped" if skipped else "taken_dose_unknown" if dose_unknown else "taken"
        return Intake(
            at=_when(j, at),
            substance=sid,
            form=form,
            status=status,
            amount=dose,
            unit=unit,
            basis="compound" if compound else None,
            route=route,
            comment=comment,
        )

    _record(ctx, make, as_json)


@log_app.command("activity")
def log_activity(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="e.g. walking, yoga, 'aquatic exercise', tai chi.")],
    minutes: Annotated[float, typer.Argument(help="Minutes.")],
    intensity: Annotated[str | None, typer.Option(help="light, moderate or vigorous.")] = None,
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log exercise or activity minutes."""
    _record(
        ctx,
        lambda j: Activity(
            at=_when(j, at),
            activity=j.vocabulary.resolve("activity", name, "activity"),
            minutes=minutes,
            intensity=intensity,
            comment=comment,
        ),
        as_json,
    )


@log_app.command("sleep")
def log_sleep(
    ctx: typer.Context,
    bed: Annotated[
        str, typer.Option(help="Bed time, e.g. 23:15 (taken as last night if after the wake time).")
    ],
    wake: Annotated[
        str, typer.Option(help="Wake time, e.g. 07:00 (today unless --date gives a date).")
    ],
    quality: Annotated[float | None, typer.Option(help="Sleep quality 0-10 (10 = best).")] = None,
    asleep_hours: Annotated[
        float | None, typer.Option(help="Hours actually asleep, if known.")
    ] = None,
    awakenings: Annotated[int | None, typer.Option(help="Times woken in the night.")] = None,
    at: Annotated[
        str | None, typer.Option("--date", help="The date you woke up (default today).")
    ] = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a night's sleep."""

    def make(j: EntryWriter) -> EntryBase:
        tz = j.timezone()
        day = (at or "today").strip()
        if day not in ("today", "yesterday"):
            parse_day(day, tz, "--date")  # a wrong date is --date's, not --wake's
        wake_at = parse_when(
            f"{day} {wake}" if day in ("today", "yesterday") else f"{day}T{wake}", tz, "--wake"
        )
        bed_at = parse_when(f"{wake_at.date().isoformat()}T{bed}", tz, "--bed")
        if bed_at >= wake_at:
            bed_at -= timedelta(days=1)
        return Sleep(
            at=wake_at,
            bed_at=bed_at,
            quality=quality,
            awakenings=awakenings,
            comment=comment,
            asleep_minutes=None if asleep_hours is None else asleep_hours * 60,
        )

    _record(ctx, make, as_json)


@log_app.command("mindbody")
def log_mindbody(
    ctx: typer.Context,
    practice: Annotated[str, typer.Argument(help="meditation, breathing, body scan, MBSR...")],
    minutes: Annotated[float, typer.Argument(help="Minutes.")],
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log meditation, breathing or relaxation minutes."""
    _record(
        ctx,
        lambda j: MindBody(
            at=_when(j, at),
            practice=j.vocabulary.resolve("practice", practice, "practice"),
            minutes=minutes,
            comment=comment,
        ),
        as_json,
    )


@log_app.command("meal")
def log_meal(
    ctx: typer.Context,
    foods: Annotated[str, typer.Argument(help="Foods, comma separated: 'oats, berries, milk'.")],
    meal: Annotated[
        str | None, typer.Option(help="breakfast, lunch, dinner, snack or drink.")
    ] = None,
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log foods eaten (by name; each must be a known food)."""

    def make(j: EntryWriter) -> EntryBase:
        names = [f.strip() for f in foods.split(",") if f.strip()]
        portions = [
            FoodPortion(food=j.vocabulary.resolve("food", n, f"foods[{i}]"))
            for i, n in enumerate(names)
        ]
        return Meal(at=_when(j, at), meal=meal, foods=portions, comment=comment)

    _record(ctx, make, as_json)


@log_app.command("therapy")
def log_therapy(
    ctx: typer.Context,
    therapy: Annotated[str, typer.Argument(help="massage, myofascial release, aquatic therapy...")],
    minutes: Annotated[float | None, typer.Argument(help="Minutes (optional).")] = None,
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a therapy session."""
    _record(
        ctx,
        lambda j: Therapy(
            at=_when(j, at),
            therapy=j.vocabulary.resolve("therapy", therapy, "therapy"),
            minutes=minutes,
            comment=comment,
        ),
        as_json,
    )


@log_app.command("event")
def log_event(
    ctx: typer.Context,
    event: Annotated[
        str, typer.Argument(help="infection, flare, stressful event, menstruation, travel...")
    ],
    kind: Annotated[
        str | None, typer.Option("--type", help="e.g. for an infection: covid19, influenza, uti.")
    ] = None,
    severity: Annotated[float | None, typer.Option(help="Severity 0-10.")] = None,
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a life event: infection (with its type), flare, stressful event, period..."""

    def make(j: EntryWriter) -> EntryBase:
        eid = j.vocabulary.resolve("event", event, "event")
        detail = j.vocabulary.resolve_detail(eid, kind, "--type") if kind else None
        return LifeEvent(
            at=_when(j, at), event=eid, detail=detail, severity=severity, comment=comment
        )

    _record(ctx, make, as_json)


@log_app.command("note")
def log_note(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The note.")],
    at: AtOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a free note."""
    _record(ctx, lambda j: Note(at=_when(j, at), text=text), as_json)


@log_app.command("lab")
def log_lab(
    ctx: typer.Context,
    analyte: Annotated[
        str, typer.Argument(help="LOINC code or name: 62292-8, 'vitamin d', crp, tsh.")
    ],
    value: Annotated[str, typer.Argument(help="The result: a number, or a titre such as 1:160.")],
    unit: Annotated[
        str | None, typer.Argument(help="The unit as printed on the report, e.g. ng/mL.")
    ] = None,
    low: Annotated[
        float | None, typer.Option("--low", help="The lab's reference interval, low end.")
    ] = None,
    high: Annotated[
        float | None, typer.Option("--high", help="The lab's reference interval, high end.")
    ] = None,
    flag: Annotated[str | None, typer.Option(help="The lab's flag: L, H, LL, HH, A or N.")] = None,
    lab: Annotated[str | None, typer.Option(help="Which laboratory.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Specimen date/time (default now).")
    ] = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a lab result with its unit and the lab's own reference interval."""

    def make(j: EntryWriter) -> EntryBase:
        loinc = j.vocabulary.resolve_analyte(analyte)
        try:
            number: float | None = float(value)
            text = None
        except ValueError:
            number, text = None, value
        return LabResult(
            at=_when(j, at),
            loinc=loinc,
            value=number,
            value_text=text,
            unit=unit,
            ref_low=low,
            ref_high=high,
            flag=flag.upper() if flag else None,
            lab=lab,
            comment=comment,
        )

    _record(ctx, make, as_json)


@log_app.command("custom")
def log_custom(
    ctx: typer.Context,
    trackable: Annotated[str, typer.Argument(help="The id of one of your trackables.")],
    value: Annotated[float, typer.Argument(help="The value (yes = 1, no = 0).")],
    at: AtOpt = None,
    comment: CommentOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Log a value of a trackable you defined (flarewise trackable add)."""
    _record(
        ctx,
        lambda j: CustomValue(at=_when(j, at), trackable=trackable, value=value, comment=comment),
        as_json,
    )
