"""``flarewise show``, ``delete`` and ``edit``: read and correct the journal."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.cli.when import parse_day
from flarewise.domain.summaries import DaySummary
from flarewise.errors import InvalidInput

#: Columns of the week view: (title, measure, statistic).
WEEK_COLUMNS = (
    ("pain", "symptom:pain", "mean"),
    ("fatig", "symptom:fatigue", "mean"),
    ("fog", "symptom:fibro_fog", "mean"),
    ("mood", "symptom:mood", "mean"),
    ("sleep", "sleep:hours", "total"),
    ("move", "exercise:minutes", "total"),
    ("calm", "mindbody:minutes", "total"),
)


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}"


def _summary_json(s: DaySummary) -> dict[str, Any]:
    return {
        "date": s.day.isoformat(),
        "entries": s.entries,
        "measures": {k: v._asdict() for k, v in sorted(s.measures.items())},
    }


@app.command("show")
def show(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Argument(help="A date (2025-03-01), today or yesterday.")
    ] = None,
    week: Annotated[
        bool, typer.Option("--week", help="Daily summaries of the 7 days ending on DAY.")
    ] = False,
    days: Annotated[
        int | None, typer.Option("--days", help="Daily summaries of the N days ending on DAY.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one day's entries, or daily summaries of a week (--week) or N days (--days)."""
    j = journal(ctx)
    end = parse_day(day, j.timezone())
    span = 7 if week else days
    if span is not None:
        if not 1 <= span <= 3660:
            raise InvalidInput("--days", "choose between 1 and 3660 days")
        start = end - timedelta(days=span - 1)
        summaries = j.daily_summaries(start, end)
        if as_json:
            emit_json([_summary_json(s) for s in summaries])
            return
        by_day = {s.day: s for s in summaries}
        table = Table(title=f"{j.handle}: {start} to {end}", box=box.SIMPLE_HEAD, padding=(0, 1))
        table.add_column("date", no_wrap=True)
        table.add_column("n", justify="right", min_width=2, no_wrap=True)
        for title, _, _ in WEEK_COLUMNS:
            table.add_column(title, justify="right", no_wrap=True, min_width=4)
        table.add_column("doses", justify="right", min_width=5, no_wrap=True)
        for i in range(span):
            d = start + timedelta(days=i)
            s = by_day.get(d)
            if s is None:
                table.add_row(f"{d:%a %d %b}", "0", *[""] * (len(WEEK_COLUMNS) + 1))
                continue
            cells = [
                _fmt(s.mean(m) if stat == "mean" else s.total(m)) for _, m, stat in WEEK_COLUMNS
            ]
            intakes = sum(int(v.total) for k, v in s.measures.items() if k.startswith("intake:"))
            table.add_row(f"{d:%a %d %b}", str(s.entries), *cells, str(intakes))
        out.print(table)
        out.print(
            "n = entries; symptoms: daily means 0-10; sleep: hours; move: exercise minutes; "
            "calm: mind-body minutes; doses: doses taken.",
            style="dim",
        )
        return
    found = j.day(end)
    if as_json:
        emit_json([e.model_dump(mode="json") for e in found])
        return
    if not found:
        out.print(f"No entries on {end:%A %Y-%m-%d}. Log one with `flarewise log ...`.")
        return
    table = Table(title=f"{j.handle}: {end:%A %Y-%m-%d}")
    for col in ("time", "kind", "entry", "id"):
        table.add_column(col)
    for e in found:
        table.add_row(f"{e.at:%H:%M}", e.kind, j.describe(e), e.id[:8])
    out.print(table)


@app.command("delete")
def delete(
    ctx: typer.Context,
    entry_id: Annotated[
        str, typer.Argument(help="The entry's id (the first 8 characters are enough).")
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete one entry."""
    j = journal(ctx)
    full = j.find_id(entry_id)
    entry = j.get(full)
    if not yes:
        question = f"Delete {entry.kind} '{j.describe(entry)}' at {entry.at:%Y-%m-%d %H:%M}?"
        try:
            agreed = typer.confirm(question)
        except typer.Abort:  # the input ended before an answer: a script, not a person
            if sys.stdin is not None and sys.stdin.isatty():
                raise
            raise InvalidInput(
                "--yes",
                f"there is no terminal to ask whether to delete {full[:8]}; add --yes to "
                "delete it without asking",
            ) from None
        if not agreed:
            out.print("Nothing was deleted.")
            raise typer.Exit(1)
    j.delete(full)
    out.print(f"Deleted {full[:8]}.")


def _known_fields(entry: Any, updates: dict[str, Any]) -> None:
    """Refuse a field the entry does not have with the ones it does (pydantic's "extra inputs
    are not permitted" says neither); a symptom name goes inside ``scores``."""
    fields = [f for f in type(entry).model_fields if f not in ("kind", "id", "source_key")]
    for name in updates:
        if name in fields or name in ("kind", "id"):  # id and kind: the journal says why not
            continue
        hint = f"; a score goes in scores, e.g. --set scores='{{\"{name}\": 5}}'"
        raise InvalidInput(
            "--set",
            f"this {entry.kind} entry has no field {name!r}; its fields are: {', '.join(fields)}"
            + (hint if "scores" in fields else ""),
        )


@app.command("edit")
def edit(
    ctx: typer.Context,
    entry_id: Annotated[
        str, typer.Argument(help="The entry's id (the first 8 characters are enough).")
    ],
    changes: Annotated[
        list[str],
        typer.Option(
            "--set", help="field=value, e.g. --set amount=150 or --set scores='{\"pain\": 5}'."
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Correct fields of an entry; the change is checked like a new entry."""
    j = journal(ctx)
    full = j.find_id(entry_id)
    updates: dict[str, Any] = {}
    for item in changes:
        field, sep, raw = item.partition("=")
        if not sep or not field.strip():
            raise InvalidInput("--set", f"{item!r} is not field=value")
        try:
            updates[field.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            updates[field.strip()] = raw
    _known_fields(j.get(full), updates)
    entry = j.correct(full, **updates)
    if as_json:
        emit_json(entry.model_dump(mode="json"))
    else:
        out.print(f"Corrected {full[:8]}: {j.describe(entry)}", markup=False)
