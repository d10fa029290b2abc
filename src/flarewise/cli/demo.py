"""``flarewise demo``: write the demo person's year and show the last week."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer

from flarewise.cli.app import app, out, state
from flarewise.cli.manage import progress_bar
from flarewise.cli.show import show
from flarewise.demo import DEFAULT_DAYS, DEFAULT_SEED, DEFAULT_START
from flarewise.errors import Conflict
from flarewise.journal import Journal, open_database


@app.command("demo")
def demo(
    ctx: typer.Context,
    person: Annotated[str, typer.Option(help="Name of the demo journal.")] = "demo",
    seed: Annotated[
        int, typer.Option(help="Random seed (same seed, same journal).")
    ] = DEFAULT_SEED,
    start: Annotated[
        str, typer.Option(help="First day of the demo year.")
    ] = DEFAULT_START.isoformat(),
    days: Annotated[
        int, typer.Option(help="Length in days (at least 365 for a full year).")
    ] = DEFAULT_DAYS,
    replace: Annotated[
        bool, typer.Option("--replace/--keep", help="Rewrite an existing demo journal.")
    ] = True,
) -> None:
    """Create a year of realistic demo data (fixed seed, documented model); show its last week."""
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
                start=date.fromisoformat(start),
                days=days,
                replace=True,
                progress=lambda done: bar.update(task, completed=done),
            )
        n = j.count()
        first, last = j.date_span()
        out.print(f"Demo journal {person!r}: {n} entries from {first} to {last} in {db.safe_url}")
    finally:
        j.close()
    settings_obj = state(ctx)
    settings_obj.settings = type(settings)(settings.home, settings.database_url, person)
    settings_obj._journal = None
    end = date.fromisoformat(start) + timedelta(days=days - 1)
    show(ctx, day=end.isoformat(), week=True, days=None, as_json=False)
    out.print(
        f"Explore it: flarewise --person {person} show {end}   |   "
        f"flarewise --person {person} show {end} --days 30"
    )
