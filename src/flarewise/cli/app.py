"""The Typer application, its global options, output helpers and the one error handler."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from flarewise.cli.lazy import LazyGroup
from flarewise.config import SETTINGS_HELP, Settings, load_settings
from flarewise.errors import FlarewiseError

if TYPE_CHECKING:
    from rich.console import Console

    from flarewise.journal import Journal
    from flarewise.journal.insights import InsightsReader
    from flarewise.journal.quick import EntryWriter

app = typer.Typer(
    name="flarewise",
    help="A private fibromyalgia journal: log symptoms, doses, sleep, food, labs; see what helps.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


class _LazyConsole:
    """A rich Console made on first use. Why: ``flarewise log`` prints one plain line (with
    :func:`say`) and need not import rich, a twentieth of its start-up."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)

    def made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console


out = cast("Console", _LazyConsole(highlight=False))
err = cast("Console", _LazyConsole(stderr=True, highlight=False))


def real_console(console: Console) -> Console:
    """The Console itself, for rich objects that take one (a progress bar): ``out`` and ``err``
    only stand in for theirs until first used."""
    return console.made() if isinstance(console, _LazyConsole) else console


def say(text: str) -> None:
    """One line of plain text on stdout, as ``out.print(text, markup=False)`` writes it to a file
    or a pipe, without importing rich."""
    sys.stdout.write(text + "\n")


@dataclass
class State:
    settings: Settings
    #: True when --db or FLAREWISE_DATABASE_URL named the database (not the default journal)
    database_chosen: bool = False
    _journal: Journal | None = field(default=None)
    _writer: EntryWriter | None = field(default=None)
    _reader: InsightsReader | None = field(default=None)

    def journal(self) -> Journal:
        if self._journal is None:
            from flarewise.journal import open_journal  # SQLAlchemy: only for commands that read

            self._journal = open_journal(self.settings.database_url, self.settings.person)
        return self._journal

    def writer(self) -> EntryWriter:
        """The journal to add an entry to: without SQLAlchemy where the database allows it
        (flarewise.journal.quick), else the full journal (which creates or migrates)."""
        if self._writer is None:
            from flarewise.journal.quick import open_quick_log

            quick = open_quick_log(self.settings.database_url, self.settings.person)
            self._writer = quick if quick is not None else self.journal()
        return self._writer

    def reader(self) -> InsightsReader:
        """The journal to read insights from: without SQLAlchemy where the database allows it
        (flarewise.journal.lite_reader), else the full journal (which creates or migrates)."""
        if self._reader is None:
            from flarewise.journal.lite_reader import open_lite_reader

            lite = open_lite_reader(self.settings.database_url, self.settings.person)
            self._reader = lite if lite is not None else self.journal()
        return self._reader

    def close(self) -> None:
        opened_ones = (self._writer, self._reader, self._journal)
        for opened in {id(o): o for o in opened_ones if o is not None}.values():
            opened.close()


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    assert isinstance(obj, State)
    return obj


def journal(ctx: typer.Context) -> Journal:
    return state(ctx).journal()


def writer(ctx: typer.Context) -> EntryWriter:
    return state(ctx).writer()


def reader(ctx: typer.Context) -> InsightsReader:
    return state(ctx).reader()


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of a table.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help=SETTINGS_HELP["FLAREWISE_DATABASE_URL"], show_default=False),
    ] = None,
    person: Annotated[
        str | None,
        typer.Option("--person", help=SETTINGS_HELP["FLAREWISE_PERSON"], show_default=False),
    ] = None,
) -> None:
    settings = load_settings()
    if db:
        settings = replace(settings, database_url=db)
    if person:
        settings = replace(settings, person=person)
    chosen = bool(db) or bool(os.environ.get("FLAREWISE_DATABASE_URL", "").strip())
    ctx.obj = State(settings, database_chosen=chosen)
    ctx.call_on_close(ctx.obj.close)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI. Usage errors are Click's (exit 2); every FlarewiseError becomes one line on
    stderr and exit code 1; anything else is a bug and keeps its traceback."""
    try:
        app(args=argv, prog_name="flarewise", standalone_mode=True)
    except FlarewiseError as exc:
        err.print(f"Error: {exc}", markup=False, soft_wrap=True)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0
