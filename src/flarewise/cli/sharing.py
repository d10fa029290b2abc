"""Accounts for a clinic (the operator's commands), sharing with a clinician, and "who looked at
my data". Thin: the rules live in :mod:`flarewise.sharing`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer
from rich.table import Table

from flarewise.cli.account import account_app  # one `account` group: sign-in and the clinic's
from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.cli.when import parse_day

share_app = typer.Typer(
    help="Share your journal with a clinician: invite, list, revoke.", no_args_is_help=True
)
app.add_typer(share_app, name="share")


def _iso(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.replace(microsecond=0).isoformat(sep=" ")
    return moment.isoformat()


@account_app.command("create")
def account_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account's sign-in name.")],
    role: Annotated[
        str, typer.Option(help="clinician, admin or person.", show_default=True)
    ] = "clinician",
    as_json: JsonOpt = False,
) -> None:
    """Create an account with a temporary password (shown once; changed at first sign-in)."""
    from flarewise.sharing import admin

    password = admin.create(journal(ctx).db, None, name, role)
    if as_json:
        emit_json({"handle": name, "role": role, "temporary_password": password})
        return
    out.print(f"Created {role} account {name!r}. Temporary password (shown once):")
    out.print(password, markup=False)
    out.print("They must choose their own password at the first sign-in.")


@account_app.command("list")
def account_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Every account with its role and whether it is disabled."""
    from flarewise.sharing import admin

    found = admin.accounts(journal(ctx).db, None)
    if as_json:
        emit_json(
            [
                {
                    "handle": a.handle,
                    "role": a.role,
                    "created": _iso(a.created),
                    "disabled": a.disabled,
                }
                for a in found
            ]
        )
        return
    table = Table("Name", "Role", "Created", "State")
    for a in found:
        table.add_row(a.handle, a.role, _iso(a.created), "disabled" if a.disabled else "active")
    out.print(table)


@account_app.command("disable")
def account_disable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """Disable an account: it cannot sign in, and its sessions end now."""
    from flarewise.sharing import admin

    admin.set_disabled(journal(ctx).db, None, name, True, via="flarewise account disable")
    out.print(f"{name!r} is disabled; its sessions ended.")


@account_app.command("enable")
def account_enable(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The account.")]
) -> None:
    """Enable a disabled account again."""
    from flarewise.sharing import admin

    admin.set_disabled(journal(ctx).db, None, name, False, via="flarewise account enable")
    out.print(f"{name!r} can sign in again.")


@account_app.command("reset")
def account_reset(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The account.")],
    two_factor: Annotated[
        bool,
        typer.Option(
            "--two-factor",
            help="Also switch off their two-step sign-in (a lost phone and lost recovery "
            "codes); a clinician or admin sets it up again at the next sign-in.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Reset a password: a temporary one, shown once, to change at the next sign-in."""
    from flarewise.sharing import admin

    command = "flarewise account reset" + (" --two-factor" if two_factor else "")
    password = admin.reset_password(journal(ctx).db, None, name, via=command, two_factor=two_factor)
    if as_json:
        emit_json({"handle": name, "temporary_password": password, "two_factor_off": two_factor})
        return
    out.print(f"Temporary password for {name!r} (shown once; their sessions ended):")
    out.print(password, markup=False)
    if two_factor:
        out.print("Their two-step sign-in is off; they set it up again after signing in.")


@share_app.command("invite")
def share_invite(
    ctx: typer.Context,
    scope: Annotated[
        str,
        typer.Option(help="report (the visit report only), read (everything) or annotate."),
    ] = "report",
    until: Annotated[
        str | None,
        typer.Option(help="Last day the clinician may look (YYYY-MM-DD); default no end."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Make a one-time code for a clinician (it works once, for 72 hours)."""
    from flarewise.sharing import invitations

    j = journal(ctx)
    ends = parse_day(until, j.timezone(), "--until") if until else None
    new = invitations.invite(j.db, j.handle, scope, ends)
    if as_json:
        emit_json(
            {
                "code": new.code,
                "scope": new.scope,
                "until": _iso(new.until),
                "expires_at": _iso(new.expires_at),
            }
        )
        return
    out.print("Give this code to your clinician (shown once; it works once):")
    out.print(new.code, markup=False)
    out.print(f"It expires at {_iso(new.expires_at)} UTC.")


@share_app.command("list")
def share_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Who can see your journal: every grant, live, expired or revoked."""
    from flarewise.sharing import grants

    j = journal(ctx)
    found = grants.grants_of(j.db, j.handle)
    if as_json:
        emit_json(
            [
                {
                    "id": g.id,
                    "clinician": g.clinician,
                    "scope": g.scope,
                    "since": _iso(g.since),
                    "until": _iso(g.until),
                    "last_access": _iso(g.last_access),
                    "status": g.status,
                }
                for g in found
            ]
        )
        return
    if not found:
        out.print("Your journal is not shared with anyone.")
        return
    table = Table("No.", "Clinician", "Scope", "Since", "Until", "Last looked", "Now")
    for g in found:
        table.add_row(
            str(g.id),
            g.clinician,
            g.scope,
            _iso(g.since),
            _iso(g.until) or "no end date",
            _iso(g.last_access) or "never",
            g.status,
        )
    out.print(table)


@share_app.command("revoke")
def share_revoke(
    ctx: typer.Context,
    grant: Annotated[int, typer.Argument(help="The grant's number (see `flarewise share list`).")],
) -> None:
    """Stop sharing now: the clinician's next request is refused."""
    from flarewise.sharing import grants

    j = journal(ctx)
    grants.revoke(j.db, j.handle, grant)
    out.print(f"Grant {grant} is revoked.")


@app.command("audit")
def audit(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Who looked at my data: every read and change by someone else, newest first."""
    from flarewise.sharing import audit as log

    j = journal(ctx)
    rows = log.who_looked(j.db, j.handle)
    if as_json:
        emit_json(
            [
                {"who": r.actor, "action": r.action, "what": r.what, "via": r.via, "at": _iso(r.at)}
                for r in rows
            ]
        )
        return
    if not rows:
        out.print("Nobody else has opened your journal.")
        return
    table = Table("When (UTC)", "Who", "What", "Read or changed", "How")
    for r in rows:
        table.add_row(
            _iso(r.at), r.actor, r.what, "changed" if r.action == "write" else "read", r.via
        )
    out.print(table)
