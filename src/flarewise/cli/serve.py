"""``flarewise serve``: the web app on this machine (127.0.0.1 unless told otherwise)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer

from flarewise.cli.app import State, app, out, state
from flarewise.errors import ConfigError

#: How long an idle kept-alive connection stays open. uvicorn's 5 s default races a client (or a
#: proxy) that sends its next request just as the server closes the connection: the request
#: fails with "connection reset". A proxy closes its idle upstream connections first when this
#: is longer than its own timeout (nginx: 60 s).
KEEP_ALIVE_SECONDS = 65

DEMO_PERSON = "demo"
DEMO_PASSWORD = "fibro-demo-2026"


def prepare_demo(url: str) -> None:
    """The demo journal: a year ending yesterday (written once), with a known password."""
    from flarewise.accounts import Accounts
    from flarewise.journal import Journal, open_database

    db = open_database(url)
    try:
        j = Journal.for_person(db, DEMO_PERSON)
        if j.count() == 0:
            days = 365
            with out.status("Writing a year of demo data..."):
                j.write_demo(start=date.today() - timedelta(days=days), days=days, replace=True)
        Accounts(db).set_password(DEMO_PERSON, DEMO_PASSWORD)
    finally:
        db.close()


def served_url(st: State, *, demo: bool) -> str:
    """The database to serve. The demo, with its published password, goes into demo.db beside
    the default journal, never into it, unless --db or FLAREWISE_DATABASE_URL names one."""
    if demo and not st.database_chosen:
        return f"sqlite:///{st.settings.home / 'demo.db'}"
    return st.settings.database_url


def served_hosts(host: str) -> tuple[str, ...]:
    """The names the app answers to besides FLAREWISE_TRUSTED_HOSTS and localhost: the address
    it listens on. Listening on every address (0.0.0.0) adds this machine's own name; any other
    name people use to reach it must be listed in FLAREWISE_TRUSTED_HOSTS."""
    import socket

    if host in ("0.0.0.0", "::", ""):
        name = socket.gethostname().lower()
        return (name, f"{name}.local")
    return (f"[{host}]" if ":" in host else host,)


def refuse_workers_on_sqlite(url: str, workers: int) -> None:
    if url.startswith("sqlite"):
        raise ConfigError(
            f"--workers {workers} needs PostgreSQL: a SQLite journal is a file that one process "
            "serves. Run `flarewise serve` without --workers, or move the journals to "
            "PostgreSQL (docs/deploy.md) and set FLAREWISE_DATABASE_URL"
        )


def serve_processes(url: str, host: str, port: int, workers: int, secure_cookies: bool) -> None:
    """``workers`` uvicorn processes sharing one port; each builds its own app (and its own
    worker thread for the job queue) from what we put in the environment."""
    import os

    import uvicorn

    from flarewise.journal import open_database
    from flarewise.web.factory import SERVE_OPTIONS, serve_options

    open_database(url).close()  # migrate once here, not in N processes at once
    os.environ[SERVE_OPTIONS] = serve_options(
        url, secure_cookies=secure_cookies, trusted_hosts=served_hosts(host)
    )
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(
        f"flarewise is running at http://{shown}:{port}/ in {workers} processes  "
        "(Ctrl+C stops them)"
    )
    uvicorn.run(
        "flarewise.web.factory:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on; other machines can reach it only if set.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8765,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Load the demo journal and print its sign-in. It goes into its own database "
            "(demo.db in FLAREWISE_HOME), not your journal, unless --db or "
            "FLAREWISE_DATABASE_URL names one.",
        ),
    ] = False,
    insecure_cookies: Annotated[
        bool,
        typer.Option(
            "--insecure-cookies",
            help="Send the session cookie over plain http (only for a trusted network without "
            "TLS; on 127.0.0.1 browsers accept secure cookies anyway).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Server processes to run (PostgreSQL only). Each serves pages and works the "
            "import queue; a clinic sets about one per CPU core.",
        ),
    ] = 1,
) -> None:
    """Run the web app (pages and their JSON API) on this machine."""
    import uvicorn

    from flarewise.web import create_app

    url = served_url(state(ctx), demo=demo)
    if workers > 1:
        refuse_workers_on_sqlite(url, workers)
    if demo:
        prepare_demo(url)
    if workers > 1:
        serve_processes(url, host, port, workers, not insecure_cookies)
        return
    web = create_app(
        url,
        secure_cookies=not insecure_cookies,
        trusted_hosts=served_hosts(host),
        server_process=True,
    )
    if demo:
        web.state.settings.demo_handle = DEMO_PERSON
        web.state.demo_password = DEMO_PASSWORD
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    out.print(f"flarewise is running at http://{shown}:{port}/  (Ctrl+C stops it)")
    out.print(
        "It answers to: " + ", ".join(web.state.settings.trusted_hosts) + " (add names with "
        "FLAREWISE_TRUSTED_HOSTS)"
    )
    if demo:
        out.print(
            f"Demo sign-in: user [bold]{DEMO_PERSON}[/bold], password [bold]{DEMO_PASSWORD}[/bold]"
        )
    uvicorn.run(
        web, host=host, port=port, log_level="warning", timeout_keep_alive=KEEP_ALIVE_SECONDS
    )
