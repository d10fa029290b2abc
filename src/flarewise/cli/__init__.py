"""The command-line face: a thin layer over :mod:`flarewise.journal`."""

from __future__ import annotations

import sys

from flarewise.cli import demo as _demo  # noqa: F401  (registers commands)
from flarewise.cli import imports as _imports  # noqa: F401
from flarewise.cli import manage as _manage  # noqa: F401
from flarewise.cli import serve as _serve  # noqa: F401
from flarewise.cli import show as _show  # noqa: F401
from flarewise.cli.app import app, run
from flarewise.cli.assess import assess_app
from flarewise.cli.experiment import experiment_app, insights_command
from flarewise.cli.labs import labs_app
from flarewise.cli.log import log_app
from flarewise.cli.plan import kb_app, plan_app
from flarewise.cli.report import report_app

app.add_typer(log_app, name="log")
app.add_typer(assess_app, name="assess")
app.add_typer(labs_app, name="labs")
app.add_typer(plan_app, name="plan")
app.add_typer(kb_app, name="kb")
app.add_typer(experiment_app, name="experiment")
app.add_typer(report_app, name="report")
app.command("insights")(insights_command)


def main() -> None:
    sys.exit(run(sys.argv[1:]))


__all__ = ["app", "main", "run"]
