"""``flarewise report``: the visit report as PDF (default), HTML or JSON; the questions note."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from flarewise.cli.app import JsonOpt, app, emit_json, out, state
from flarewise.cli.files import output_file, writing
from flarewise.cli.when import parse_day
from flarewise.errors import InvalidInput
from flarewise.journal import Journal, open_journal

report_app = typer.Typer(
    help="The visit report: a PDF a clinician reads in 60 seconds (also HTML and JSON).",
    invoke_without_command=True,
)


def _journal(ctx: typer.Context) -> Journal:
    """The person's journal, never created here: a report for an unknown person is an error."""
    settings = state(ctx).settings
    return open_journal(settings.database_url, settings.person, create=False)


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` so that ``path`` is the old file or the complete new one, never half."""
    target = path.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".flarewise-report-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@report_app.callback()
def report(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day (2025-03-01). Default: 90 days before --to."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", help="Last day (2025-05-31). Default: the last day with entries."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write: .pdf (default visit-PERSON-TO.pdf here) or .html.",
        ),
    ] = None,
    paper: Annotated[str, typer.Option("--paper", help="a4 or letter.")] = "a4",
    as_json: JsonOpt = False,
) -> None:
    """Make the visit report for a period: a PDF (or .html) file, or JSON with --json."""
    if ctx.invoked_subcommand is not None:
        return
    if output is not None:
        output_file(output, "--output", "visit.pdf")
    with _journal(ctx) as j:
        tz = j.timezone()
        first = parse_day(start, tz, "--from") if start else None
        last = parse_day(end, tz, "--to") if end else None
        visit = j.visit_report(first, last)
    if as_json:
        emit_json(visit.to_json())
        return
    from flarewise.reports import render  # numpy, Typst and vl-convert: only for a report

    target = output or Path(f"visit-{j.handle}-{visit.period.end}.pdf")
    suffix = target.suffix.lower()
    if suffix == ".html":
        data = render.html(visit).encode("utf-8")
    elif suffix == ".pdf":
        data = render.pdf(visit, paper)
    else:
        raise InvalidInput("--output", f"write a .pdf or .html file, not {target.name!r}")
    with writing(target, "--output"):
        write_file(target, data)
    out.print(
        f"Wrote the visit report for {visit.period.start} to {visit.period.end} to {target}",
        markup=False,
    )


@report_app.command("questions")
def questions(
    ctx: typer.Context,
    text: Annotated[
        str | None, typer.Argument(help="Your questions for the next visit (in quotes).")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the questions.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show, set or clear your questions for the next visit (page 1 of the report)."""
    j = state(ctx).journal()
    if clear:
        j.set_visit_questions(None)
        said = "Questions cleared."
    elif text is not None:
        j.set_visit_questions(text)
        said = "Saved your questions for the next visit."
    else:
        said = j.visit_questions() or "No questions yet."
    if as_json:
        emit_json({"questions": j.visit_questions()})
    else:
        out.print(said, markup=False)


app.add_typer(report_app, name="report")
