"""Set-up and housekeeping: init, db, export/restore, profile, regimens, trackables, vocabulary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out, real_console, state
from flarewise.cli.files import output_file, writing
from flarewise.cli.when import parse_day
from flarewise.domain import Condition, DoseStep, Regimen, Trackable, doses
from flarewise.domain.profile import POPULATIONS, population_answer, population_prompt
from flarewise.domain.regimens import UNRECOGNISED_NOTE, UnitStrength
from flarewise.domain.units import is_product_unit
from flarewise.errors import InvalidInput
from flarewise.journal import Journal, migrate_database, schema_status

db_app = typer.Typer(help="Database schema: upgrade, downgrade, current.", no_args_is_help=True)
profile_app = typer.Typer(
    help="Your profile: birth year, sex, time zone, conditions.", no_args_is_help=True
)
regimen_app = typer.Typer(
    help="Regular medicines and supplements: start, dose changes, stop.", no_args_is_help=True
)
trackable_app = typer.Typer(help="Your own trackables.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(profile_app, name="profile")
app.add_typer(regimen_app, name="regimen")
app.add_typer(trackable_app, name="trackable")


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def progress_bar(label: str) -> Progress:
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=real_console(out),
        transient=True,
        disable=not out.is_terminal,  # into a pipe or file a bar is only noise (and a blank line)
    )


@app.command("init")
def init(ctx: typer.Context) -> None:
    """Create the database (if needed) and your journal."""
    j = journal(ctx)
    out.print(f"Journal {j.handle!r} is ready in {j.db.safe_url}")


@db_app.command("upgrade")
def db_upgrade(
    ctx: typer.Context,
    revision: Annotated[
        str, typer.Argument(help="Target revision (default: head, the newest).")
    ] = "head",
) -> None:
    """Apply schema migrations (back up first: `flarewise export`)."""
    url = state(ctx).settings.database_url
    before, _, safe_url = schema_status(url)
    after = migrate_database(url, revision)
    out.print(f"Schema {before or 'empty'} -> {after} in {safe_url}")


@db_app.command("downgrade")
def db_downgrade(
    ctx: typer.Context, revision: Annotated[str, typer.Argument(help="Target revision, or base.")]
) -> None:
    """Revert schema migrations (data in dropped tables is lost: export first)."""
    url = state(ctx).settings.database_url
    after = migrate_database(url, revision, down=True)
    out.print(f"Schema now {after or 'empty'} in {schema_status(url)[2]}")


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Show the schema revision of the database and the one this flarewise needs."""
    current, head, safe_url = schema_status(state(ctx).settings.database_url)
    out.print(f"{safe_url}: schema {current or 'empty'} (this flarewise needs {head})")


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File to write (default: flarewise-PERSON-DATE.EXT here)."
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="json: the full, restorable backup; csv: tidy CSV, one row per entry; "
            "fhir: a FHIR R4 document (Composition, Patient) of labs, measurements, symptom "
            "scores, assessments, medicines with their dose steps and conditions.",
        ),
    ] = "json",
) -> None:
    """Export your journal to a file: a restorable backup, a spreadsheet, or FHIR."""
    writers = {"json": "export_json", "csv": "export_csv", "fhir": "export_fhir"}
    if fmt not in writers:
        raise InvalidInput("--format", f"{fmt!r} is not a format; use json, csv or fhir")
    j = journal(ctx)
    ext = {"json": "json", "csv": "csv", "fhir": "fhir.json"}[fmt]
    name = f"flarewise-{j.handle}-{datetime.now():%Y-%m-%d}.{ext}"
    target = output_file(output, "--output", name) if output else Path(name)
    with writing(target, "--output"):
        n = getattr(j, writers[fmt])(target)
    what = {
        "json": "entries with profile, medicines, trackables and experiments",
        "csv": "rows",
        "fhir": "FHIR resources",
    }[fmt]
    out.print(f"Exported {n:,} {what} to {target}")


@app.command("restore")
def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A flarewise JSON backup.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a journal that already holds data.")
    ] = False,
) -> None:
    """Restore a backup into your journal (all or nothing), read piece by piece so a large
    backup never has to fit in memory."""
    j = journal(ctx)
    with progress_bar("Restoring") as bar:
        task = bar.add_task("restore", total=None)
        n = j.restore_json(
            path, replace=replace, progress=lambda done: bar.update(task, completed=done)
        )
    out.print(f"Restored {n} entries into {j.handle!r} from {path}")


# -- profile ------------------------------------------------------------------------------


@profile_app.command("show")
def profile_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Show your profile."""
    j = journal(ctx)
    p = j.profile()
    if as_json:
        emit_json(p.model_dump(mode="json"))
        return
    table = Table(title=f"Profile of {j.handle}", show_header=False)
    table.add_row("birth year", str(p.birth_year or ""))
    table.add_row("sex", p.sex or "")
    table.add_row("time zone", p.timezone or "(this machine's)")
    table.add_row(
        "conditions",
        ", ".join(j.vocabulary.name_of("condition", c.condition) for c in p.conditions),
    )
    table.add_row("clinical findings", ", ".join(p.clinical_findings))
    table.add_row("allergies", ", ".join(p.allergies))
    table.add_row("avoid", ", ".join(p.preferences.avoid))
    for name in POPULATIONS:
        table.add_row(name.replace("_", " "), _yes_no(getattr(p, name)))
    out.print(table)
    if population_prompt(p):
        out.print(
            "Pregnancy and breastfeeding are not recorded. Some options are unsafe in pregnancy "
            "or while breastfeeding: `flarewise profile set --pregnant no` (or yes) records it.",
            style="dim",
        )


@profile_app.command("set")
def profile_set(
    ctx: typer.Context,
    birth_year: Annotated[int | None, typer.Option(help="Year of birth.")] = None,
    sex: Annotated[str | None, typer.Option(help="female, male, intersex or unspecified.")] = None,
    timezone: Annotated[
        str | None, typer.Option(help="IANA time zone, e.g. Europe/London.")
    ] = None,
    add_condition: Annotated[
        list[str] | None, typer.Option(help="A condition you have (repeatable).")
    ] = None,
    remove_condition: Annotated[list[str] | None, typer.Option(help="Remove a condition.")] = None,
    add_finding: Annotated[
        list[str] | None, typer.Option(help="A clinical finding, e.g. 'joint swelling'.")
    ] = None,
    allergy: Annotated[list[str] | None, typer.Option(help="An allergy (repeatable).")] = None,
    avoid: Annotated[
        list[str] | None, typer.Option(help="Something you do not want suggested (id).")
    ] = None,
    pregnant: Annotated[str | None, typer.Option(help="yes, no or unknown (not recorded).")] = None,
    planning_pregnancy: Annotated[
        str | None, typer.Option(help="yes, no or unknown (not recorded).")
    ] = None,
    breastfeeding: Annotated[
        str | None, typer.Option(help="yes, no or unknown (not recorded).")
    ] = None,
) -> None:
    """Change your profile. Pregnancy and breastfeeding are asked because some options are
    unsafe then; `unknown` clears an answer."""
    j = journal(ctx)
    p = j.profile()
    changes: dict[str, object] = {}
    if birth_year is not None:
        changes["birth_year"] = birth_year
    if sex is not None:
        changes["sex"] = sex
    if timezone is not None:
        changes["timezone"] = timezone
    conditions = list(p.conditions)
    for name in add_condition or []:
        cid = j.vocabulary.resolve("condition", name, "--add-condition")
        if not p.has_condition(cid):
            conditions.append(Condition(condition=cid))
    for name in remove_condition or []:
        cid = j.vocabulary.resolve("condition", name, "--remove-condition")
        conditions = [c for c in conditions if c.condition != cid]
    changes["conditions"] = [c.model_dump() for c in conditions]
    findings = list(p.clinical_findings)
    for name in add_finding or []:
        fid = j.vocabulary.resolve("finding", name, "--add-finding")
        if fid not in findings:
            findings.append(fid)
    changes["clinical_findings"] = findings
    if allergy:
        changes["allergies"] = [*p.allergies, *allergy]
    if avoid:
        changes["preferences"] = {
            **p.preferences.model_dump(),
            "avoid": [*p.preferences.avoid, *avoid],
        }
    for name, answer in (
        ("pregnant", pregnant),
        ("planning_pregnancy", planning_pregnancy),
        ("breastfeeding", breastfeeding),
    ):
        if answer is not None:
            changes[name] = population_answer(answer, f"--{name.replace('_', '-')}")
    j.update_profile(**changes)
    out.print("Profile updated.")


# -- regimens -----------------------------------------------------------------------------


def _regimen_rows(j: Journal, regimens: list[Regimen]) -> Table:
    table = Table(title="Regimens")
    for col in ("id", "substance", "dose now", "per day", "from", "to"):
        table.add_column(col)
    for r in regimens:
        last = r.steps[-1]
        name = (
            f"{r.unrecognised} ({UNRECOGNISED_NOTE})"
            if r.unrecognised is not None
            else j.vocabulary.name_of("form", r.form)
            if r.form
            else j.vocabulary.name_of("substance", r.substance)
        )
        dose = f"{last.amount:g} {last.unit}" if last.amount is not None else "unknown"
        if r.strength is not None:
            dose += f" ({r.strength.label()})"
        table.add_row(
            r.id[:8],
            name,
            dose + (" (as needed)" if r.as_needed else ""),
            f"{last.times_per_day:g}x",
            str(r.start),
            str(r.stop or "ongoing"),
        )
    return table


def _find_regimen(j: Journal, prefix: str) -> Regimen:
    matches = [r for r in j.regimens() if r.id.startswith(prefix)]
    if len(matches) != 1:
        raise InvalidInput(
            "id", f"{prefix!r} matches {len(matches)} regimens; see `flarewise regimen list`"
        )
    return matches[0]


@regimen_app.command("add")
def regimen_add(
    ctx: typer.Context,
    substance: Annotated[str, typer.Argument(help="e.g. duloxetine, magnesium-glycinate, ldn.")],
    amount: Annotated[str, typer.Argument(help="Dose per time taken, a number above 0.")],
    unit: Annotated[str, typer.Argument(help="mg, mcg, IU, tablet, capsule, drop, scoop...")],
    times_per_day: Annotated[str, typer.Option(help="How many times a day.")] = "1",
    start: Annotated[str | None, typer.Option(help="Start date (default today).")] = None,
    strength: Annotated[
        str | None,
        typer.Option(
            help="What one tablet, capsule, drop or scoop holds, e.g. '120 mg' (needed to "
            "check a dose counted in product units)."
        ),
    ] = None,
    as_needed: Annotated[bool, typer.Option("--as-needed", help="Taken only when needed.")] = False,
    reason: Annotated[str | None, typer.Option(help="Why it was started.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Start a regular medicine or supplement."""
    j = journal(ctx)
    dose = doses.amount(amount, "AMOUNT")
    per_day = doses.amount(times_per_day, "--times-per-day")
    sid, form = j.vocabulary.resolve_substance(substance)
    day = doses.regimen_day(parse_day(start, j.timezone(), "--start"), "--start")
    per_unit = None
    if strength is not None:
        value, strength_unit, per = doses.strength(strength, unit, "--strength")
        per_unit = UnitStrength(amount=value, unit=strength_unit, per=per)
    r = j.add_regimen(
        Regimen(
            substance=sid,
            form=form,
            as_needed=as_needed,
            reason=reason,
            strength=per_unit,
            steps=[DoseStep(start=day, amount=dose, unit=unit, times_per_day=per_day)],
        )
    )
    if as_json:
        emit_json(r.model_dump(mode="json"))
    else:
        holds = f" ({r.strength.label()})" if r.strength else ""
        out.print(
            f"Started {j.vocabulary.name_of('substance', sid)} {dose:g} {r.steps[0].unit}{holds} "
            f"from {day} (id {r.id[:8]})"
        )
        one = r.steps[0].unit
        if r.strength is None and one is not None and is_product_unit(one):
            out.print(
                f"Safety checks cannot count a dose taken by the {one} without what one "
                f"{one} holds: add --strength, e.g. --strength '120 mg' (see the product label).",
                markup=False,
            )


@regimen_app.command("list")
def regimen_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List current and past regimens."""
    j = journal(ctx)
    regimens = j.regimens()
    if as_json:
        emit_json([r.model_dump(mode="json") for r in regimens])
    else:
        out.print(_regimen_rows(j, regimens))


@regimen_app.command("dose")
def regimen_dose(
    ctx: typer.Context,
    regimen_id: Annotated[str, typer.Argument(help="Regimen id (first characters).")],
    amount: Annotated[str, typer.Argument(help="The new dose, a number above 0.")],
    unit: Annotated[str, typer.Argument(help="Its unit: mg, mcg, IU, g, mL, drops...")],
    from_: Annotated[
        str | None, typer.Option("--from", help="Date of the change (default today).")
    ] = None,
    times_per_day: Annotated[
        str | None, typer.Option(help="New times per day (default unchanged).")
    ] = None,
) -> None:
    """Record a dose change."""
    j = journal(ctx)
    dose = doses.amount(amount, "AMOUNT")
    r = _find_regimen(j, regimen_id)
    day = doses.regimen_day(parse_day(from_, j.timezone(), "--from"), "--from")
    tpd = (
        doses.amount(times_per_day, "--times-per-day")
        if times_per_day is not None
        else r.steps[-1].times_per_day
    )
    j.change_dose(r.id, DoseStep(start=day, amount=dose, unit=unit, times_per_day=tpd))
    out.print(f"Dose of {r.substance} is {dose:g} {unit} from {day}.")


@regimen_app.command("stop")
def regimen_stop(
    ctx: typer.Context,
    regimen_id: Annotated[str, typer.Argument(help="Regimen id (first characters).")],
    on: Annotated[str | None, typer.Option("--on", help="Last day taken (default today).")] = None,
) -> None:
    """Record that a regimen stopped."""
    j = journal(ctx)
    r = _find_regimen(j, regimen_id)
    day = parse_day(on, j.timezone(), "--on")
    j.stop_regimen(r.id, day)
    out.print(f"Stopped {r.substance} on {day}.")


@regimen_app.command("delete")
def regimen_delete(
    ctx: typer.Context,
    regimen_id: Annotated[str, typer.Argument(help="Regimen id (first characters).")],
) -> None:
    """Delete a regimen entered by mistake (to end one, use `regimen stop`)."""
    j = journal(ctx)
    r = _find_regimen(j, regimen_id)
    j.delete_regimen(r.id)
    out.print(f"Deleted the {r.substance} regimen {r.id[:8]}.")


# -- trackables and vocabulary ------------------------------------------------------------


@trackable_app.command("add")
def trackable_add(
    ctx: typer.Context,
    trackable_id: Annotated[
        str, typer.Argument(help="A short id: lower case, digits, underscores.")
    ],
    name: Annotated[str, typer.Argument(help="What it is, in your words.")],
    value_type: Annotated[
        str, typer.Option("--type", help="scale (0-10), number, count or yes_no.")
    ] = "scale",
    minimum: Annotated[
        float | None,
        typer.Option("--min", help="Lowest value a number or count can take (default: none)."),
    ] = None,
    maximum: Annotated[
        float | None,
        typer.Option("--max", help="Highest value a number or count can take (default: none)."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option(help="Unit of a number, e.g. kg or steps (shown with values).")
    ] = None,
) -> None:
    """Define a trackable of your own."""
    j = journal(ctx)
    t = j.define_trackable(
        Trackable(
            id=trackable_id,
            name=name,
            value_type=value_type,
            minimum=minimum,
            maximum=maximum,
            unit=unit,
        )
    )
    out.print(f"Trackable {t.id!r} ready: log it with `flarewise log custom {t.id} VALUE`.")


@trackable_app.command("list")
def trackable_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List your trackables."""
    items = journal(ctx).trackables()
    if as_json:
        emit_json([t.model_dump(mode="json") for t in items])
        return
    table = Table(title="Trackables")
    for col in ("id", "name", "type", "range", "unit"):
        table.add_column(col)
    for t in items:
        lo, hi = t.bounds
        table.add_row(
            t.id,
            t.name,
            t.value_type,
            f"{lo if lo is not None else ''}..{hi if hi is not None else ''}",
            t.unit or "",
        )
    out.print(table)


@trackable_app.command("delete")
def trackable_delete(
    ctx: typer.Context,
    trackable_id: Annotated[str, typer.Argument(help="The trackable's id.")],
) -> None:
    """Delete a trackable that no entry uses."""
    journal(ctx).delete_trackable(trackable_id)
    out.print(f"Deleted the trackable {trackable_id!r}.")


@app.command("vocab")
def vocab(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help="symptom, substance, form, food, food_group, activity, practice, therapy, "
            "event, metric, condition, finding or analyte."
        ),
    ],
    search: Annotated[str, typer.Argument(help="Part of a name.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """List the names flarewise knows, with their stable ids."""
    from flarewise.knowledge import VOCAB_KINDS, load_vocabulary

    if kind not in VOCAB_KINDS:
        raise InvalidInput(
            "kind", f"{kind!r} is not a vocabulary; use one of: {', '.join(VOCAB_KINDS)}"
        )
    items = load_vocabulary().search(kind, search, limit=1000)  # type: ignore[arg-type]
    if as_json:
        emit_json([{"id": i, "name": n} for i, n in items])
        return
    table = Table(title=f"{kind} ({len(items)})")
    table.add_column("id")
    table.add_column("name")
    for i, n in items:
        table.add_row(i, n)
    out.print(table)
