"""``flarewise demo``: write the demo person's year (or years) and show the last week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated

import typer

from flarewise.cli.app import app, out, state
from flarewise.cli.manage import progress_bar
from flarewise.cli.show import show
from flarewise.cli.when import parse_day
from flarewise.demo import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START, years_ending
from flarewise.errors import Conflict, InvalidInput
from flarewise.journal import Journal, open_database


def _here() -> tzinfo:
    return datetime.now().astimezone().tzinfo or UTC


def _ends_by_today(first: date, length: int) -> None:
    """A diary records what already happened: refuse a demo that would run past today (or
    past the calendar's end, 9999-12-31) before writing anything."""
    today = date.today()
    if first <= today and (today - first).days + 1 >= length:
        return
    try:
        end = str(first + timedelta(days=length - 1))
    except OverflowError:
        end = "after the year 9999"
    raise InvalidInput(
        "--start",
        f"the demo would run from {first} to {end}, past today ({today}); choose an earlier "
        "--start or fewer --days, or --years N for a diary ending today",
    )


@app.command("demo")
def demo(
    ctx: typer.Context,
    person: Annotated[str, typer.Option(help="Name of the demo journal.")] = "demo",
    seed: Annotated[
        int, typer.Option(help="Random seed (same seed, same journal).")
    ] = DEFAULT_SEED,
    start: Annotated[
        str | None,
        typer.Option(help=f"First day of the demo (default {DEFAULT_START}).", show_default=False),
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            help=f"Length in days (default {DEFAULT_DAYS}: a full year).", show_default=False
        ),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option(
            help="Instead of --start and --days: this many years of diary ending today "
            "(the yearly events repeat; docs/demo-model.md).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace/--keep", help="Rewrite an existing demo journal.")
    ] = True,
) -> None:
    """Create realistic demo data (a year, or --years N ending today; fixed seed, documented
    model); show its last week."""
    if years is not None:
        if start is not None or days is not None:
            raise InvalidInput("--years", "give either --years or --start/--days, not both")
        if years < 1:
            raise InvalidInput("--years", "must be 1 or more")
        first, length = years_ending(years, date.today())
    else:
        first = parse_day(start, _here(), "--start") if start else DEFAULT_START
        length = DEFAULT_DAYS if days is None else days
    if length < 1:
        raise InvalidInput("--days", "must be 1 or more")
    _ends_by_today(first, length)
    settings = state(ctx).settings
    db = open_database(settings.database_url)
    j = Journal.for_person(db, person)
    try:
        if j.count() and not replace:
            raise Conflict(f"the journal {person!r} already holds data; use another --person")
        with progress_bar("Writing the demo journal") as bar:
            task = bar.add_task("demo", total=None)
            j.write_demo(
                seed=seed,
                start=first,
                days=length,
                replace=True,
                progress=lambda done: bar.update(task, completed=done),
            )
        n = j.count()
        span_first, span_last = j.date_span()
        out.print(
            f"Demo journal {person!r}: {n} entries from {span_first} to {span_last} "
            f"in {db.safe_url}"
        )
    finally:
        j.close()
    settings_obj = state(ctx)
    settings_obj.settings = type(settings)(settings.home, settings.database_url, person)
    settings_obj._journal = None
    end = first + timedelta(days=length - 1)
    show(ctx, day=end.isoformat(), week=True, days=None, as_json=False)
    out.print(
        f"Explore it: flarewise --person {person} show {end}   |   "
        f"flarewise --person {person} show {end} --days 30"
    )
