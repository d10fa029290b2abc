"""The command-line face: a thin layer over :mod:`flarewise.journal`.

Commands are imported only when they run (see :mod:`flarewise.cli.lazy`), so ``flarewise --help``
and ``flarewise log pain 6`` do not pay for SQLAlchemy, numpy or the importers they do not use.

To add a command:
1. In its own module under ``flarewise/cli/``, register it on the shared app as usual:
   ``@app.command("report")`` for a single command, or ``app.add_typer(report_app, name="report")``
   for a group of subcommands. Import heavy things (the journal, numpy...) inside the functions
   or from modules that the command needs anyway, never from ``flarewise.cli.app``.
2. Add one ``lazy("report", "flarewise.cli.report", "One line for flarewise --help.")`` below.
   tests/test_cli_startup.py checks that each line names a module that registers the command and
   that the help here is the command's own.
"""

from __future__ import annotations

import os
import sys

from flarewise.cli.app import app, run
from flarewise.cli.lazy import lazy

# name, module that registers it, the help line `flarewise --help` prints (the command's own).
lazy("init", "flarewise.cli.manage", "Create the database (if needed) and your journal.")
lazy(
    "export",
    "flarewise.cli.manage",
    "Export your journal to a file: a restorable backup, a spreadsheet, or FHIR.",
)
lazy(
    "restore",
    "flarewise.cli.manage",
    "Restore a backup into your journal (all or nothing), read piece by piece so a large "
    "backup never has to fit in memory.",
)
lazy(
    "backup",
    "flarewise.cli.backup",
    "Back up the whole database while it is in use: SQLite's online backup, or pg_dump's "
    "custom format for PostgreSQL (restore with pg_restore; see docs/deploy.md).",
)
lazy("vocab", "flarewise.cli.manage", "List the names flarewise knows, with their stable ids.")
lazy(
    "show",
    "flarewise.cli.show",
    "Show one day's entries, or daily summaries of a week (--week) or N days (--days).",
)
lazy("delete", "flarewise.cli.show", "Delete one entry.")
lazy(
    "edit",
    "flarewise.cli.show",
    "Correct fields of an entry; the change is checked like a new entry.",
)
lazy(
    "demo",
    "flarewise.cli.demo",
    "Create realistic demo data (a year, or --years N ending today; fixed seed, documented "
    "model); show its last week.",
)
lazy(
    "import",
    "flarewise.cli.imports",
    "Import a file; importing it again adds nothing, and bad records are listed, not lost.",
)
lazy("serve", "flarewise.cli.serve", "Run the web app (pages and their JSON API) on this machine.")
lazy(
    "insights",
    "flarewise.cli.insights",
    "Baselines, flares, what preceded them, and possible triggers with their uncertainty.",
)
lazy(
    "account",
    "flarewise.cli.sharing",  # which adds the clinic's commands to flarewise.cli.account's group
    "Web sign-in: your sessions and two-step sign-in; on a clinic server, create clinician and "
    "admin accounts, disable, enable, reset a password.",
)
lazy("db", "flarewise.cli.manage", "Database schema: upgrade, downgrade, current.")
lazy("profile", "flarewise.cli.manage", "Your profile: birth year, sex, time zone, conditions.")
lazy(
    "regimen",
    "flarewise.cli.manage",
    "Regular medicines and supplements: start, dose changes, stop.",
)
lazy("trackable", "flarewise.cli.manage", "Your own trackables.")
lazy("log", "flarewise.cli.log", "Record an entry (any number per day).")
lazy("assess", "flarewise.cli.assess", "Fibromyalgia criteria, FIQR and PGIC.")
lazy("labs", "flarewise.cli.labs", "Lab results in context; unit conversion.")
lazy("plan", "flarewise.cli.plan", "Your tailored plan, and safety checks of any combination.")
lazy("kb", "flarewise.cli.plan", "The knowledge base: interventions, evidence and sources.")
lazy("experiment", "flarewise.cli.experiment", "Personal n-of-1 experiments.")
lazy(
    "reminders",
    "flarewise.cli.reminders",
    "Reminders through your own calendar: a secret feed address, the check-in time.",
)
lazy(
    "report",
    "flarewise.cli.report",
    "The visit report: a PDF a clinician reads in 60 seconds (also HTML and JSON).",
)

lazy("share", "flarewise.cli.sharing", "Share your journal with a clinician: invite, list, revoke.")
lazy(
    "audit",
    "flarewise.cli.sharing",
    "Who looked at my data: every read and change by someone else, newest first.",
)


def main() -> None:
    """The ``flarewise`` script. Pydantic plugins (third-party hooks found by scanning every
    installed package's entry points, 20-30 ms of each start) are off unless the environment
    asks for them: flarewise uses none, and a command people type daily should not pay for it."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")
    sys.exit(run(sys.argv[1:]))


__all__ = ["app", "main", "run"]
