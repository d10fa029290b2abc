"""``flarewise backup``: a copy of the whole database (every journal in it), taken live."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flarewise.cli.app import app, out, state
from flarewise.cli.files import output_file, writing


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The file to write, e.g. flarewise-2026-11-26.db.")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace the file if it exists.")
    ] = False,
) -> None:
    """Back up the whole database while it is in use: SQLite's online backup, or pg_dump's
    custom format for PostgreSQL (restore with pg_restore; see docs/deploy.md)."""
    from flarewise.journal.server_backup import backup_database

    output_file(path, "", "flarewise-backup.db")
    with writing(path, ""):
        done = backup_database(state(ctx).settings.database_url, path, overwrite=overwrite)
    out.print(f"Backed up the {done.kind} database to {done.path} ({done.bytes:,} bytes).")
    out.print(f"To restore it: {done.restore_hint}.")
