"""``flarewise labs``: results with flags, categories and red flags; unit conversion."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.labs import convert as convert_units
from flarewise.labs.convert import analyte as find_analyte

labs_app = typer.Typer(help="Lab results in context; unit conversion.", invoke_without_command=True)
app.add_typer(labs_app, name="labs")


def _interval(lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo:g}-{hi:g}"
    return f"< {hi:g}" if hi is not None else f"> {lo:g}" if lo is not None else ""


@labs_app.callback()
def labs_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List lab results with flags, categories and any red flags."""
    if ctx.invoked_subcommand is not None:
        return
    j = journal(ctx)
    rows = j.interpret_labs()
    flags = j.red_flags()
    if as_json:
        emit_json(
            {
                "results": [{"id": r.id, "at": r.at.isoformat(), **asdict(i)} for r, i in rows],
                "red_flags": [asdict(f) for f in flags],
            }
        )
        return
    if not rows and not flags:
        out.print("No lab results yet. Add one with `flarewise log lab ...`.")
        return
    table = Table(title="Lab results")
    for col in ("date", "test", "result", "flag", "interval", "categories"):
        table.add_column(col)
    for r, i in rows:
        value = r.value_text if r.value is None else f"{r.value:g}"
        lo, hi = i.interval or (None, None)
        interval = _interval(lo, hi) if i.interval is not None else ""
        cats = "; ".join(f"{c.scheme}: {c.label}" for c in i.categories)
        style = "bold" if i.flag in ("high", "low") else None
        table.add_row(
            f"{r.at:%Y-%m-%d}",
            i.name,
            f"{value} {r.unit or ''}".strip(),
            i.flag,
            interval,
            cats,
            style=style,
        )
    out.print(table)
    caveats = sorted({(i.name, c) for _, i in rows for c in i.caveats})
    for name, c in caveats:
        out.print(f"{name}: {c}", style="dim", markup=False)
    for f in flags:
        out.print(
            f"{'RED FLAG' if f.severity == 'review' else 'NOTE'} {f.rule} - {f.title}: "
            f"{f.evidence}. {f.why} {f.action}",
            style="bold red" if f.severity == "review" else "cyan",
            markup=False,
        )


@labs_app.command("convert")
def labs_convert(
    value: Annotated[float, typer.Argument(help="The value.")],
    from_unit: Annotated[str, typer.Argument(help="Its unit, e.g. ng/mL.")],
    to_unit: Annotated[str, typer.Argument(help="The unit wanted, e.g. nmol/L.")],
    analyte: Annotated[str, typer.Option("--analyte", help="LOINC code or name, e.g. 62292-8.")],
    as_json: JsonOpt = False,
) -> None:
    """Convert a result between the units defined for its analyte."""
    a = find_analyte(analyte)
    result = convert_units(value, from_unit, to_unit, a.loinc)
    if as_json:
        emit_json(
            {"analyte": a.loinc, "value": value, "from": from_unit, "to": to_unit, "result": result}
        )
    else:
        out.print(f"{a.short}: {value:g} {from_unit} = {result:.4g} {to_unit}", markup=False)
