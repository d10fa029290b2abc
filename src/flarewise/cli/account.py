"""``flarewise account ...``: the web sign-in of the journal's person, from the machine that
holds the database: where they are signed in (and ending a session), and whether two-step
sign-in is on. The rules are in flarewise/accounts.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out, state

ACCOUNT_HELP = (
    "Web sign-in: your sessions and two-step sign-in; on a clinic server, create clinician and "
    "admin accounts, disable, enable, reset a password."
)

if TYPE_CHECKING:
    from flarewise.accounts import Accounts

#: also holds the clinic operator's commands (create, list, disable, enable, reset), which
#: flarewise/cli/sharing.py adds: one ``account`` command, registered once
account_app = typer.Typer(help=ACCOUNT_HELP, no_args_is_help=True)
app.add_typer(account_app, name="account")
two_factor_app = typer.Typer(help="Two-step sign-in (a code from an app after the password).")
account_app.add_typer(two_factor_app, name="two-factor")


def _accounts(ctx: typer.Context) -> tuple[Accounts, str]:
    from flarewise.accounts import Accounts

    j = journal(ctx)
    return Accounts(j.db), state(ctx).settings.person


def _when(moment: object) -> str:
    return "-" if moment is None else f"{moment:%Y-%m-%d %H:%M} UTC"


@account_app.command("sessions")
def sessions(
    ctx: typer.Context,
    end: Annotated[
        str | None,
        typer.Option("--end", metavar="REF", help="End this session (its REF from the list)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Where you are signed in on the web app (newest first); --end REF signs one out."""
    accounts, handle = _accounts(ctx)
    if end is not None:
        accounts.end_session(handle, end)
        out.print("That session is signed out: its next request goes to the sign-in page.")
    found = accounts.sessions_of(handle)
    if as_json:
        emit_json(
            [
                {
                    "ref": s.ref,
                    "created": s.created.isoformat(),
                    "last_seen": None if s.last_seen is None else s.last_seen.isoformat(),
                    "client": s.client,
                }
                for s in found
            ]
        )
        return
    if not found:
        out.print("You are not signed in anywhere.")
        return
    from rich.table import Table

    table = Table("ref", "browser", "signed in", "last used")
    for s in found:
        table.add_row(s.ref, s.client, _when(s.created), _when(s.last_seen))
    out.print(table)


@two_factor_app.command("status")
def two_factor_status(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Whether two-step sign-in is on, since when, and how many recovery codes are left."""
    accounts, handle = _accounts(ctx)
    status = accounts.two_factor_status(handle)
    if as_json:
        emit_json(
            {
                "enabled": status.enabled,
                "since": None if status.since is None else status.since.isoformat(),
                "recovery_codes_left": status.codes_left,
                "awaiting_code": status.awaiting_code,
            }
        )
        return
    if status.enabled:
        out.print(
            f"Two-step sign-in is on since {_when(status.since)}; "
            f"{status.codes_left} unused recovery codes."
        )
    elif status.awaiting_code:
        out.print(
            "Two-step sign-in is being set up: confirm it with a code on the account page "
            "(/account/two-factor)."
        )
    else:
        out.print("Two-step sign-in is off. Turn it on from the web app's account page.")
