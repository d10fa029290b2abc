"""``flarewise import PATH``: format detected from the content, a progress bar with records per
second and time left, a report at the end. Tables (CSV/XLSX) need a column mapping: built
interactively with ``--map`` (and saved with ``--save-mapping``) or loaded with ``--mapping``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from flarewise import importers
from flarewise.cli.app import JsonOpt, app, emit_json, journal, out, real_console
from flarewise.cli.files import output_file, writing
from flarewise.journal import Journal

KINDS = ("symptom", "measurement", "intake", "custom", "note", "ignore")


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            help="Apple Health export.zip/export.xml, FHIR R4 JSON, Open mHealth JSON, a "
            "Flaredown CSV, or any CSV/XLSX table (with a column mapping)."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be imported; change nothing.")
    ] = False,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="A saved column mapping (JSON) for a CSV/XLSX table."),
    ] = None,
    build_map: Annotated[
        bool, typer.Option("--map", help="Build the column mapping for a table interactively.")
    ] = False,
    save_mapping: Annotated[
        Path | None,
        typer.Option("--save-mapping", help="Where to save the mapping built with --map."),
    ] = None,
    schema: Annotated[
        str | None,
        typer.Option(
            "--schema", help="Open mHealth schema of a file of bare bodies, e.g. step-count:3.0."
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Whose check-ins to import from a Flaredown research export."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a file; importing it again adds nothing, and bad records are listed, not lost."""
    j = journal(ctx)
    table_mapping = importers.read_mapping(mapping) if mapping else None
    if build_map:
        if save_mapping is not None:  # before the questions, not after them
            output_file(save_mapping, "--save-mapping", "mapping.json")
        table_mapping = _interactive_mapping(j, path)
        if save_mapping is not None:
            with writing(save_mapping, "--save-mapping"):
                importers.write_mapping(table_mapping, save_mapping)
            out.print(f"Saved the mapping to {save_mapping}; reuse it with --mapping.")
    settings = ctx.obj.settings
    budget = importers.ArchiveBudget(
        settings.import_max_unpacked_bytes, settings.import_max_zip_members
    )
    report = _run(j, path, dry_run, table_mapping, schema, user, budget, quiet=as_json)
    if as_json:
        emit_json(report.to_json())
        return
    _print_report(report)


def _run(
    j: Journal,
    path: Path,
    dry_run: bool,
    mapping: importers.ColumnMapping | None,
    schema: str | None,
    user: str | None,
    budget: importers.ArchiveBudget,
    quiet: bool,
) -> importers.ImportReport:
    started = time.monotonic()
    records = TextColumn("{task.fields[records]:,} records, {task.fields[rate]:,.0f}/s")
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        records,
        TimeRemainingColumn(),
        console=real_console(out),
        transient=True,
        disable=quiet,
    ) as bar:
        task: TaskID = bar.add_task(f"Reading {path.name}", total=None, records=0, rate=0.0)

        def progress(batch: importers.ImportBatch) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            bar.update(
                task,
                completed=batch.done_bytes,
                total=batch.total_bytes or None,
                records=batch.records,
                rate=batch.records / elapsed,
            )

        return j.import_file(
            path,
            dry_run=dry_run,
            progress=progress,
            mapping=mapping,
            omh_schema=schema,
            flaredown_user=user,
            archive_budget=budget,
        )


def _print_report(report: importers.ImportReport) -> None:
    verb = "Would add" if report.dry_run else "Added"
    out.print(
        f"{report.file} ({report.format}): {report.records:,} records read. {verb} "
        f"{report.entries_added:,} entries, {report.regimens_added} medicines, "
        f"{report.conditions_added} conditions; "
        f"{report.entries_read - report.entries_added:,} were already in your journal.",
        markup=False,
    )
    if report.problems:
        total = len(report.problems) + report.problems_dropped
        table = Table(title=f"{total:,} problems (the good records were kept)")
        for col in ("record", "field", "reason"):
            table.add_column(col)
        for p in report.problems[:50]:
            table.add_row(p.record, p.field, p.reason)
        out.print(table)
        if total > 50:
            out.print(f"... and {total - 50:,} more (use --json to see the first 1,000).")
    if report.not_read:
        kinds = "; ".join(f"{kind} ({n:,})" for kind, n in report.not_read[:20])
        more = len(report.not_read) - 20
        out.print(
            f"Not imported, because flarewise does not read these kinds of record: {kinds}"
            + (f"; and {more} more kinds." if more > 0 else "."),
            markup=False,
        )


def _interactive_mapping(j: Journal, path: Path) -> importers.ColumnMapping:
    """Ask, column by column, what each column of a table means (a suggestion is offered)."""
    header, samples = importers.header_and_samples(path)
    guess = importers.suggest_mapping(j.vocabulary, header)
    out.print(f"{path.name}: {len(header)} columns. Press Enter to accept a suggestion.")
    date_column = typer.prompt("Column with the date", default=guess.date_column)
    time_column = typer.prompt(
        "Column with the time (empty if none)", default=guess.time_column or ""
    )
    zone = typer.prompt("Time zone of the dates", default=j.profile().timezone or "UTC")
    columns: dict[str, importers.ColumnTarget] = {}
    for i, name in enumerate(header):
        if name in (date_column, time_column) or not name:
            continue
        example = ", ".join(r[i] for r in samples if i < len(r) and r[i])[:60]
        suggested = guess.columns.get(name, importers.ColumnTarget(kind="ignore"))
        out.print(f"\n[bold]{name}[/bold]  e.g. {example or '(empty)'}")
        kind = typer.prompt(
            f"  means ({'/'.join(KINDS)})", default=suggested.kind, show_choices=False
        )
        while kind not in KINDS:
            kind = typer.prompt(f"  please answer one of {', '.join(KINDS)}")
        target: dict[str, object] = {"kind": kind}
        if kind in ("symptom", "measurement", "intake", "custom"):
            target["id"] = typer.prompt("  which one (an id or name)", default=suggested.id or "")
        if kind in ("measurement", "intake"):
            unit = typer.prompt("  unit (empty: yes/no for intakes)", default=suggested.unit or "")
            target["unit"] = unit or None
        if kind == "symptom":
            target["scale_min"] = typer.prompt("  scale from", default=0.0)
            target["scale_max"] = typer.prompt("  scale to", default=10.0)
        columns[name] = importers.ColumnTarget.model_validate(target)
    return importers.ColumnMapping(
        date_column=date_column,
        time_column=time_column or None,
        timezone=zone,
        columns=columns,
    )
