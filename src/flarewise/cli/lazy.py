"""A command group that imports a command's module only when that command runs.

Why: importing every command module up front pulled in SQLAlchemy, the pydantic records, numpy,
scipy and the importers before ``flarewise --help`` could answer (about 0.8 s on every call).
With this group, ``flarewise --help`` reads the one-line help from the registration table and
``flarewise log pain 6`` imports only ``flarewise.cli.log`` and what it uses.

A command module keeps registering its commands on the shared ``app`` exactly as before
(``@app.command("name")`` or ``app.add_typer(sub_app, name="name")``); the group finds the
registration after importing the module. Commands registered eagerly (module imported at start)
still work: they are simply not lazy.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import NamedTuple

import typer
from typer import _click as click  # Typer vendors its own Click; the real one is not imported
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup


class LazyCommand(NamedTuple):
    """Where a command is registered, and its one-line help for ``flarewise --help``."""

    module: str
    help: str


LAZY_COMMANDS: dict[str, LazyCommand] = {}


def lazy(name: str, module: str, help: str) -> None:
    """Declare that ``module`` registers the top-level command ``name`` on ``app`` when imported."""
    LAZY_COMMANDS[name] = LazyCommand(module, help)


class LazyGroup(TyperGroup):
    """The root group: eager commands as Typer built them, lazy ones built on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        # the table's order (as `flarewise --help` always listed them), then any eager extras
        eager = super().list_commands(ctx)
        return list(LAZY_COMMANDS) + [name for name in eager if name not in LAZY_COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in LAZY_COMMANDS:
            return command
        command = _load(cmd_name)
        self.add_command(command, cmd_name)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Typer suggests close names from the loaded commands only; suggest from all."""
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:
            if args and "Did you mean" not in exc.message:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    names = ", ".join(repr(m) for m in matches)
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list without importing the commands: their help comes from the table."""
        rows = []
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(n) for n in names), default=0)
        for name in names:
            loaded = self.commands.get(name)
            if loaded is not None:
                if loaded.hidden:
                    continue
                text = loaded.get_short_help_str(limit)
            else:
                text = _shorten(LAZY_COMMANDS[name].help, limit)
            rows.append((name, text))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    """Click's own short-help rule (first sentence, cut at ``limit`` with an ellipsis)."""
    return make_default_short_help(text, limit)


def _load(name: str) -> click.Command:
    """Import the module that registers ``name`` and turn its registration into a Click command."""
    from flarewise.cli.app import app

    importlib.import_module(LAZY_COMMANDS[name].module)
    single = typer.Typer(rich_markup_mode=app.rich_markup_mode, add_completion=False)
    single.registered_commands = [c for c in app.registered_commands if c.name == name]
    single.registered_groups = [g for g in app.registered_groups if g.name == name]
    if not single.registered_commands and not single.registered_groups:
        raise RuntimeError(
            f"{LAZY_COMMANDS[name].module} did not register the command {name!r} on the app"
        )
    group = typer.main.get_group(single)
    command = group.commands[name]
    return command
