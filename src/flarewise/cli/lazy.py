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

import copy
import importlib
from difflib import get_close_matches
from typing import Any, NamedTuple

import typer
from typer import _click as click  # Typer vendors its own Click; the real one is not imported
from typer._click.utils import make_default_short_help
from typer.core import TyperGroup
from typer.models import CommandInfo


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
        return _suggesting(super().resolve_command, self, ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Click reads ``flarewise log pain -1`` as an unknown option ``-1``; say why."""
        try:
            return super().invoke(ctx)
        except click.exceptions.NoSuchOption as exc:
            name = exc.option_name
            if len(name) > 1 and (name[1].isdigit() or name[1:2] == "."):
                exc.message = (
                    f"{name} looks like a negative number, which the command line reads as an "
                    "option, and there is no such option. Scores, doses, minutes and lab values "
                    f"are never negative; a value of your own trackable can be: put -- before it "
                    f"(flarewise log custom ID -- {name})."
                )
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


def _suggesting(
    resolve: Any, group: TyperGroup, ctx: click.Context, args: list[str]
) -> tuple[str | None, click.Command | None, list[str]]:
    """``resolve(ctx, args)``, with close names from every command, built or not."""
    try:
        result: tuple[str | None, click.Command | None, list[str]] = resolve(ctx, args)
        return result
    except click.exceptions.UsageError as exc:
        if args and "Did you mean" not in exc.message:
            matches = get_close_matches(args[0], group.list_commands(ctx))
            if matches:
                names = ", ".join(repr(m) for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {names}?"
        raise


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
    pending: dict[str, list[CommandInfo]] = {}
    groups = []
    for registered in single.registered_groups:
        light = _deferred(registered)
        if light is not registered and registered.typer_instance is not None:
            pending[name] = registered.typer_instance.registered_commands
        groups.append(light)
    single.registered_groups = groups
    group = typer.main.get_group(single)
    command = group.commands[name]
    if isinstance(command, LazySubcommands) and name in pending:
        command.defer(
            pending[name],
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
        )
    return command


class LazySubcommands(TyperGroup):
    """A group of subcommands (``flarewise log``) that builds only the subcommand that runs.

    Why: Typer turns every subcommand's signature into Click parameters when it builds the
    group (reading type hints, 2-3 ms each); ``flarewise log pain 6`` needs one of thirteen.
    ``flarewise log --help`` lists them all, and so builds them all."""

    def defer(self, infos: list[CommandInfo], **options: Any) -> None:
        self._pending = {_name(info): info for info in infos}
        self._order = list(self._pending)
        self._options = options

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(getattr(self, "_order", [])) or super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        pending: dict[str, CommandInfo] = getattr(self, "_pending", {})
        if cmd_name not in self.commands and cmd_name in pending:
            built = typer.main.get_command_from_info(pending.pop(cmd_name), **self._options)
            self.add_command(built, cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        return _suggesting(super().resolve_command, self, ctx, args)


def _name(info: CommandInfo) -> str:
    if info.name:
        return info.name
    assert info.callback is not None
    return typer.main.get_command_name(info.callback.__name__)


def _deferred(group: typer.models.TyperInfo) -> typer.models.TyperInfo:
    """A copy of the group without its subcommands, built as :class:`LazySubcommands` (a group
    that nests further groups is built the usual way)."""
    instance = group.typer_instance
    if instance is None or instance.registered_groups or not instance.registered_commands:
        return group
    light = copy.copy(instance)
    light.registered_commands = []
    info = copy.copy(group)
    info.typer_instance = light
    info.cls = LazySubcommands
    return info
