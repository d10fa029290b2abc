"""``flarewise reminders ...``: the calendar feed and the check-in time, as on the account page.
flarewise never sends anything; a phone's calendar reminds from the feed (journal/reminders.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flarewise.cli.app import JsonOpt, app, emit_json, journal, out
from flarewise.cli.files import output_file, writing
from flarewise.errors import InvalidInput

reminders_app = typer.Typer(
    help="Reminders through your own calendar: a secret feed address, the check-in time.",
    no_args_is_help=True,
)
app.add_typer(reminders_app, name="reminders")

BaseUrl = Annotated[
    str,
    typer.Option(
        "--base-url",
        help="Where your flarewise web app is reached from your phone (its address starts the "
        "feed's).",
    ),
]


def _check_base_url(base_url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in base_url.strip():
        raise InvalidInput(
            "--base-url",
            f"{base_url!r} is not a web address; give the one your phone opens flarewise at, "
            "e.g. https://flarewise.example.org or http://192.168.1.20:8765",
        )


@reminders_app.command("feed")
def reminders_feed(
    ctx: typer.Context, base_url: BaseUrl = "http://127.0.0.1:8765", as_json: JsonOpt = False
) -> None:
    """Make a new secret calendar address (any older one stops working) and print it once."""
    _check_base_url(base_url)  # before the old address is replaced by one no phone can reach
    j = journal(ctx)
    token = j.create_reminder_feed()
    url = f"{base_url.rstrip('/')}/calendar/{token}.ics"
    if as_json:
        emit_json({"feed_url": url})
        return
    out.print("Your calendar address (add it to your phone's calendar as a subscription):")
    out.print(url, markup=False, soft_wrap=True)
    out.print(
        "It is shown only now. To stop it: `flarewise reminders revoke`; "
        "to get a new one, run this again."
    )


@reminders_app.command("revoke")
def reminders_revoke(ctx: typer.Context) -> None:
    """Stop the calendar address: calendars then find nothing there."""
    journal(ctx).revoke_reminder_feed()
    out.print("The calendar address no longer works. Make a new one whenever you like.")


@reminders_app.command("time")
def reminders_time(
    ctx: typer.Context,
    when: Annotated[str, typer.Argument(help="The check-in reminder's time, like 20:00.")],
) -> None:
    """Choose the time of the daily check-in reminder."""
    chosen = journal(ctx).set_checkin_time(when)
    out.print(f"Check-in reminder at {chosen.checkin_time}.")


@reminders_app.command("show")
def reminders_show(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Whether you have a calendar address, and the check-in time."""
    state = journal(ctx).reminder_feed_state()
    if as_json:
        emit_json(
            {
                "feed": state.exists,
                "feed_created": state.created.isoformat() if state.created else None,
                "checkin_time": state.checkin_time,
            }
        )
        return
    out.print(f"Check-in reminder at {state.checkin_time}.")
    if state.created is not None:
        out.print(f"Calendar address made on {state.created:%d %B %Y} (not shown again).")
    else:
        out.print("No calendar address: make one with `flarewise reminders feed`.")


@reminders_app.command("ics")
def reminders_ics(
    ctx: typer.Context,
    to: Annotated[Path, typer.Option("--out", help="Where to write the calendar file.")],
) -> None:
    """Write the reminders as a calendar file to import once (no address needed)."""
    output_file(to, "--out", "reminders.ics")
    data = journal(ctx).reminder_feed()
    with writing(to, "--out"):
        to.write_bytes(data)
    out.print(f"Wrote {to} ({data.count(b'BEGIN:VEVENT')} events).", markup=False)
