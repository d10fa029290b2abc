"""``flarewise plan`` and ``flarewise kb``: the tailored plan, safety checks, knowledge base."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.cli.when import parse_day
from flarewise.errors import InvalidInput
from flarewise.knowledge import load_vocabulary
from flarewise.plan import Plan, Warning

plan_app = typer.Typer(
    help="Your tailored plan, and safety checks of any combination.", invoke_without_command=True
)
kb_app = typer.Typer(
    help="The knowledge base: interventions, evidence and sources.", no_args_is_help=True
)
app.add_typer(plan_app, name="plan")
app.add_typer(kb_app, name="kb")

STYLE = {
    "contraindicated": "bold red",
    "major": "red",
    "caution": "yellow",
    "info": "cyan",
    "review": "bold red",
}


def _names(ids: tuple[str, ...]) -> list[str]:
    """What a warning involves, in words: each substance by its name ("Ibuprofen"), and a plan
    item by its name only when its substance is not already named (never raw ids such as
    "low_dose_naltrexone, naltrexone")."""
    vocab = load_vocabulary()
    named = set(ids)
    names = []
    for i in ids:
        item = vocab.interventions.get(i)
        if i in vocab.substances or item is None:
            names.append(vocab.name_of("substance", i))
        elif item.substance not in named:
            names.append(item.name)
    return list(dict.fromkeys(names))


def _warning_line(w: Warning) -> str:
    who = f" [{', '.join(_names(w.involves))}]" if w.involves else ""
    over = f" (override recorded by {w.overridden_by})" if w.overridden_by else ""
    return f"{w.severity.upper()} {w.rule}{who}: {w.message}{over}"


def plan_json(p: Plan, to_discuss: tuple[str, ...] = ()) -> dict[str, Any]:
    return asdict(p) | {"on": p.on.isoformat(), "to_discuss": list(to_discuss)}


@plan_app.callback()
def plan_show(
    ctx: typer.Context,
    on: Annotated[
        str | None, typer.Option("--on", help="The day to plan for (default today).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show your plan: red flags first, then options to discuss with your clinician."""
    if ctx.invoked_subcommand is not None:
        return
    j = journal(ctx)
    p = j.plan(parse_day(on, j.timezone(), "--on"))
    marked = j.options_to_discuss()
    if as_json:
        emit_json(plan_json(p, marked))
        return
    out.print(p.statement, style="bold")
    for f in p.red_flags:
        out.print(
            f"{'RED FLAG' if f.severity == 'review' else 'NOTE'} {f.rule} - {f.title}: "
            f"{f.evidence}. {f.why} {f.action}",
            style="bold red" if f.severity == "review" else "cyan",
            markup=False,
        )
    if p.current_warnings:
        out.print("\nYour current medicines:", style="bold")
        for w in p.current_warnings:
            out.print("  " + _warning_line(w), style=STYLE[w.severity], markup=False)
    for m in p.missing:
        out.print(f"Not checked: {m.message}.", style="yellow", markup=False)
    out.print("\nOptions to discuss, best evidence and fit first:", style="bold")
    for n, o in enumerate(p.options, 1):
        tag = " (a prescriber decides)" if o.prescription else ""
        tag += " [to discuss at my next visit]" if o.intervention in marked else ""
        out.print(
            f"\n{n}. {o.name} ({o.intervention}) - evidence {o.grade}{tag}",
            style="bold",
            markup=False,
        )
        out.print(f"   {o.evidence}", markup=False)
        for r in o.rationale:
            if r != o.evidence:
                out.print(f"   Why for you: {r}.", markup=False)
        if o.dose:
            out.print(
                f"   Dose: {o.dose}" + (f"; {o.upper_limit}" if o.upper_limit else ""), markup=False
            )
        out.print(f"   {o.how_to_try}", markup=False)
        if o.monitor:
            out.print(f"   Watch: {', '.join(o.monitor)}", markup=False)
        for w in o.warnings:
            out.print("   " + _warning_line(w), style=STYLE[w.severity], markup=False)
        if o.needs_sign_off:
            out.print(
                "   Only with your clinician's agreement (a major warning applies).", style="red"
            )
        out.print(
            "   Source: " + "; ".join(f"{label} {link}" for label, link in o.citations),
            style="dim",
            markup=False,
        )
    if p.not_offered:
        out.print("\nNot offered for you (contraindicated):", style="bold red")
        for no in p.not_offered:
            mark = " [marked to discuss]" if no.intervention in marked else ""
            out.print(
                f"  {no.name} (evidence {no.grade}){mark} - {no.rule}: {no.reason}",
                style="red",
                markup=False,
            )
    if marked:
        names = [j.vocabulary.interventions[i].name for i in marked]
        out.print(f"\nTo discuss at your next visit: {', '.join(names)}.", markup=False)
    else:
        out.print(
            "\nNothing marked to discuss yet: `flarewise plan discuss ID` adds an option"
            " to your visit report.",
            markup=False,
        )
    if p.not_suggested:
        out.print("\nNot suggested:", style="bold")
        for ns in p.not_suggested:
            rules = f" [{', '.join(ns.rules)}]" if ns.rules else ""
            out.print(f"  {ns.name} (evidence {ns.grade}): {ns.reason}{rules}", markup=False)


@plan_app.command("discuss")
def plan_discuss(
    ctx: typer.Context,
    option: Annotated[str, typer.Argument(help="The option's id, as `flarewise plan` shows it.")],
    remove: Annotated[
        bool, typer.Option("--remove", help="No longer discuss it at the next visit.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Mark a plan option to discuss at your next visit (it is listed in `flarewise report`)."""
    j = journal(ctx)
    marked = j.mark_to_discuss(option, discuss=not remove)
    if as_json:
        emit_json({"to_discuss": list(marked)})
        return
    name = j.vocabulary.interventions[option.strip()].name
    out.print(
        f"{name}: {'removed from' if remove else 'added to'} your next visit's list.",
        markup=False,
    )
    names = [j.vocabulary.interventions[i].name for i in marked]
    out.print(f"To discuss: {', '.join(names) if names else 'nothing marked'}.", markup=False)


@plan_app.command("check")
def plan_check(
    ctx: typer.Context,
    items: Annotated[
        Path, typer.Argument(help='A JSON list: [{"item": "magnesium", "dose": 400, "unit": "mg"}]')
    ],
    as_json: JsonOpt = False,
) -> None:
    """Check any combination of items against your medicines, conditions and labs."""
    try:
        raw = json.loads(items.read_text("utf-8"))
    except OSError as exc:
        raise InvalidInput("items", f"{items}: cannot read the file ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("items", f"{items}: not valid JSON ({exc})") from None
    if isinstance(raw, dict) and "items" in raw:
        raw = raw["items"]
    check = journal(ctx).safety_check(raw)
    warnings = check.warnings
    if as_json:
        emit_json(
            {
                "warnings": [asdict(w) for w in warnings],
                "blocked": check.blocked,
                "missing": [asdict(m) for m in check.missing],
            }
        )
        return
    if not warnings:
        out.print(
            "No warnings for this combination with your recorded medicines, conditions and labs."
        )
    for w in warnings:
        out.print(_warning_line(w), style=STYLE[w.severity], markup=False)
    for m in check.missing:
        rules = f" [{', '.join(m.rules)}]" if m.rules else ""
        fix = "" if m.input == "unrecognised" else " Add it to your record for a complete check."
        out.print(
            f"Not checked fully: {m.message}{rules}.{fix}",
            style="yellow",
            markup=False,
        )


@kb_app.command("list")
def kb_list(
    category: Annotated[
        str | None,
        typer.Option(
            help="exercise, education, mind_body, sleep, diet, therapy, supplement or medicine."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Every intervention with its evidence grade."""
    known = load_vocabulary().interventions.values()
    categories = sorted({i.category for i in known})
    if category is not None and category not in categories:
        raise InvalidInput(
            "--category", f"{category!r} is not a category; use one of: {', '.join(categories)}"
        )
    items = [i for i in known if category is None or i.category == category]
    if as_json:
        emit_json(
            [{"id": i.id, "name": i.name, "category": i.category, "grade": i.grade} for i in items]
        )
        return
    table = Table(title="Knowledge base")
    for col in ("id", "name", "category", "grade"):
        table.add_column(col)
    for i in items:
        table.add_row(i.id, i.name, i.category, i.grade)
    out.print(table)
    out.print(
        "Grades: A strong, B limited or mixed, C no FM trial, D opinion only, X not recommended.",
        style="dim",
    )


@kb_app.command("show")
def kb_show(
    intervention: Annotated[
        str, typer.Argument(help="An id or name, e.g. magnesium or 'low-dose naltrexone'.")
    ],
    as_json: JsonOpt = False,
) -> None:
    """One intervention: evidence, sources, dose, limit, safety rules, monitoring."""
    vocab = load_vocabulary()
    i = vocab.interventions[vocab.resolve_intervention(intervention, "intervention")]
    if as_json:
        data = i.model_dump(mode="json")
        data["citations"] = [{**c.model_dump(mode="json"), "link": c.link} for c in i.citations]
        emit_json(data)
        return
    out.print(f"{i.name} - evidence {i.grade} ({i.category})", style="bold", markup=False)
    out.print(i.evidence, markup=False)
    if i.dose:
        out.print(
            f"Usual dose: {i.dose.low:g}-{i.dose.high:g} {i.dose.unit} per {i.dose.per}"
            + (f" ({i.dose.note})" if i.dose.note else ""),
            markup=False,
        )
    if (ul := i.upper_limit) is not None:
        out.print(f"Upper limit: {ul.amount:g} {ul.unit}/day ({ul.basis})", markup=False)
    for rule in i.safety_rules:
        r = vocab.safety_rules[rule]
        out.print(f"{r.severity.upper()} {r.id}: {r.says}", style=STYLE[r.severity], markup=False)
    if i.monitor:
        out.print(
            f"Monitor: {', '.join(i.monitor)}; try for {i.trial_weeks or 8} weeks before judging."
        )
    if i.popular_advice:
        out.print(f"About the popular advice: {i.popular_advice}", style="yellow", markup=False)
    for c in i.citations:
        out.print(f"Source: {c.label} {c.link}", style="dim", markup=False)
