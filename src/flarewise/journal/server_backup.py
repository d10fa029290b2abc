"""A copy of the whole database, every person in it, taken while the server runs.

SQLite: the library's online backup API (``sqlite3.Connection.backup``), which copies the pages
of a live database consistently however many writes happen meanwhile, unlike copying the file
(which can catch a write half done, and misses what is still in the WAL file).

PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot; compressed; restored with
``pg_restore``, table by table, see docs/deploy.md). The password, if the URL has one, goes to
pg_dump in its environment, never on its command line (which other users of the machine see).
A URL that sets a search path (``?options=-csearch_path=NAME``) dumps that schema only.

A person's own data travels differently: ``export --format json`` and ``restore`` (a laptop to a
clinic server).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from flarewise.errors import ConfigError, FlarewiseError, StorageError

_SEARCH_PATH = re.compile(r"-c\s*search_path\s*=\s*([A-Za-z_][\w]*)")


@dataclass(frozen=True)
class BackupDone:
    path: Path
    bytes: int
    #: "sqlite" or "postgresql"
    kind: str
    #: how to bring it back, as a sentence with the command
    restore_hint: str


def backup_database(url: str, target: Path, *, overwrite: bool = False) -> BackupDone:
    """Copy the database at ``url`` to ``target`` (written beside it first, then renamed, so a
    failed backup never leaves a truncated file under the name you asked for)."""
    target = target.expanduser()
    if target.exists() and not overwrite:
        raise FlarewiseError(
            f"{target} already exists; choose another name (a date in it helps) or add --overwrite"
        )
    if not target.parent.is_dir():
        raise FlarewiseError(f"{target.parent} is not a folder; create it first")
    parsed = sa.make_url(url)
    partial = target.with_name(target.name + ".partial")
    try:
        if parsed.get_backend_name() == "sqlite":
            _sqlite(parsed, partial)
            hint = f"stop the server and copy {target.name} over the journal's file"
            kind = "sqlite"
        elif parsed.get_backend_name() == "postgresql":
            _pg_dump(parsed, partial)
            hint = (
                f"pg_restore --no-owner --dbname=postgresql://.../NEW_DATABASE {target.name} "
                "(see docs/deploy.md, 'Restore drill')"
            )
            kind = "postgresql"
        else:
            raise ConfigError(f"flarewise cannot back up a {parsed.get_backend_name()} database")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return BackupDone(target, target.stat().st_size, kind, hint)


def _sqlite(url: sa.URL, partial: Path) -> None:
    database = url.database or ""
    if not database or database == ":memory:" or not Path(database).expanduser().is_file():
        raise StorageError(f"there is no journal file at {database or '(no path)'} to back up")
    source = sqlite3.connect(f"file:{Path(database).expanduser()}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(partial)
    except sqlite3.Error as exc:
        source.close()
        raise StorageError(
            f"cannot write {partial.with_suffix('')}: {exc}; choose a folder you can write to"
        ) from None
    try:
        with copy:
            source.backup(copy, pages=4096)  # in steps, so writers wait only a moment each
        check = copy.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise StorageError(f"the copy failed its check ({check}); the journal is unchanged")
    except sqlite3.Error as exc:
        raise StorageError(f"the journal could not be copied: {exc}") from None
    finally:
        copy.close()
        source.close()


def libpq_arguments(url: sa.URL) -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore options naming the database at ``url``, and the environment that
    carries its password."""
    args = [
        "--dbname",
        url.set(drivername="postgresql", password=None, query={}).render_as_string(
            hide_password=False
        ),
    ]
    options = url.query.get("options")
    text = " ".join(options) if isinstance(options, tuple) else (options or "")
    if found := _SEARCH_PATH.search(text):
        args += ["--schema", found[1]]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _pg_dump(url: sa.URL, partial: Path) -> None:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise ConfigError(
            "pg_dump is not installed on this machine; install the PostgreSQL client tools of "
            "the server's version (Debian: apt install postgresql-client)"
        )
    args, env = libpq_arguments(url)
    done = subprocess.run(
        [exe, "--format=custom", "--no-owner", "--file", str(partial), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no reason given"
        raise StorageError(f"pg_dump could not back up the database: {reason}")
