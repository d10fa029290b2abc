"""``flarewise import PATH``: format detected from the content, a report at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(help="A FHIR R4 JSON file, or an Apple Health export.xml / export.zip."),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; change nothing.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a file; importing it again adds nothing, and bad records are listed, not lost."""
    j = journal(ctx)
    with out.status(f"Reading {path.name}..."):
        report = j.import_file(path, dry_run=dry_run)
    if as_json:
        emit_json(report.to_json())
        return
    verb = "Would add" if dry_run else "Added"
    added = report.entries_read if dry_run else report.entries_added
    out.print(
        f"{report.file} ({report.format}): {report.records} records read. {verb} {added} "
        f"entries, {report.regimens_added} medicines, {report.conditions_added} conditions"
        + ("" if dry_run else f"; {report.entries_read - added} were already in your journal")
        + ".",
        markup=False,
    )
    if report.problems:
        table = Table(title=f"{len(report.problems)} records not imported")
        for col in ("record", "field", "reason"):
            table.add_column(col)
        for p in report.problems[:50]:
            table.add_row(p.record, p.field, p.reason)
        out.print(table)
        if len(report.problems) > 50:
            out.print(f"... and {len(report.problems) - 50} more (use --json for all).")
