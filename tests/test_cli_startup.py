"""The CLI starts light: a command imports only what it uses (issue 17, target 1).

Times are measured by benchmarks/cli_startup.py, not asserted here; these tests keep the cause
of slow start-up (heavy imports on every call) from coming back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer import _click as click
from typer.core import TyperGroup

from flarewise.cli import app
from flarewise.cli.lazy import LAZY_COMMANDS

HEAVY = ("sqlalchemy", "numpy", "scipy", "lxml", "flarewise.importers", "flarewise.experiments")

# Runs a CLI call in a fresh interpreter, then prints which heavy modules it loaded.
PROBE = """
import json, sys
from flarewise.cli import run
code = run(sys.argv[1:]) if len(sys.argv) > 1 else 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy_roots} or m in {heavy_full})
sys.stderr.write("\\nLOADED=" + json.dumps(heavy) + "\\n")
sys.exit(code)
"""


def _loaded(args: list[str], home: Path, extra: tuple[str, ...] = ()) -> list[str]:
    heavy = (*HEAVY, *extra)
    roots = {h for h in heavy if "." not in h}
    full = {h for h in heavy if "." in h}
    code = PROBE.replace("{heavy_roots}", repr(roots)).replace("{heavy_full}", repr(full))
    env = {**os.environ, "FLAREWISE_HOME": str(home), "XDG_CACHE_HOME": str(home / "cache")}
    env.pop("FLAREWISE_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    marker = done.stderr.rsplit("LOADED=", 1)[1]
    loaded: list[str] = json.loads(marker)
    return loaded


def test_importing_the_cli_loads_no_heavy_module(tmp_path: Path) -> None:
    assert _loaded([], tmp_path) == []


def test_help_loads_no_heavy_module(tmp_path: Path) -> None:
    assert _loaded(["--help"], tmp_path) == []


@pytest.mark.parametrize("args", [["log", "pain", "6"], ["log", "--help"]])
def test_logging_loads_no_analysis_and_no_importer(args: list[str], tmp_path: Path) -> None:
    # a daily entry needs the database, not numpy, scipy or the Apple Health / FHIR importers
    # (in a new home the journal is created first, through SQLAlchemy and Alembic)
    loaded = _loaded(args, tmp_path)
    assert [m for m in loaded if not m.startswith(("sqlalchemy", "alembic"))] == []


@pytest.mark.parametrize(
    "args",
    [
        ["log", "pain", "6"],
        ["log", "intake", "magnesium", "200", "mg"],
        ["log", "sleep", "--bed", "23:00", "--wake", "07:00", "--quality", "6"],
        ["log", "symptom", "brain fog", "5"],
        ["log", "meal", "oats, berries"],
    ],
)
def test_a_quick_entry_in_an_existing_journal_loads_no_sqlalchemy(
    args: list[str], tmp_path: Path
) -> None:
    # the entry goes through the driver (storage/lite.py) with the cached vocabulary, and prints
    # one plain line: neither SQLAlchemy, Alembic, PyYAML, rich nor the full journal facade is
    # imported (issue 17: `log pain 6` within 0.25 s)
    assert "sqlalchemy" in _loaded(["init"], tmp_path)
    _loaded(["log", "pain", "1"], tmp_path)  # the first entry may build the vocabulary cache
    heavy = ("alembic", "yaml", "rich", "flarewise.storage.database", "flarewise.journal.facade")
    loaded = _loaded(args, tmp_path, extra=heavy)
    assert loaded == []


def test_every_lazy_command_is_registered_by_its_module_with_the_same_help() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    ctx = click.Context(root)
    assert root.list_commands(ctx)[: len(LAZY_COMMANDS)] == list(LAZY_COMMANDS)
    for name, entry in LAZY_COMMANDS.items():
        command = root.get_command(ctx, name)
        assert command is not None, name
        real = command.get_short_help_str(200)
        listed = click.utils.make_default_short_help(entry.help, 200)
        assert listed == real, f"flarewise/cli/__init__.py: help of {name!r} differs: {real!r}"


def test_a_mistyped_command_still_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    from flarewise.cli import run

    assert run(["lgo", "pain", "6"]) == 2
    assert "Did you mean 'log'?" in capsys.readouterr().err


def test_insights_on_a_sqlite_journal_loads_no_sqlalchemy_and_no_scipy_stats(
    tmp_path: Path,
) -> None:
    # issue 17: `flarewise insights` on a year within 0.6 s. scipy.stats (0.25 s of CPU) and
    # scipy.optimize (0.1 s) are not needed for t probabilities and one bounded search
    # (analysis/brent.py), and an up-to-date SQLite journal is read through the driver
    # (journal/lite_reader.py), so neither SQLAlchemy nor the experiment commands load
    _loaded(["demo", "--years", "1"], tmp_path)
    extra = ("alembic", "flarewise.journal.facade", "flarewise.domain.experiments")
    loaded = _loaded(["--person", "demo", "insights"], tmp_path, extra=extra)
    assert [m for m in loaded if m.startswith(("numpy", "scipy"))]  # the analysis did run
    slow = ("sqlalchemy", "alembic", "scipy.stats", "scipy.optimize", "flarewise.")
    assert [m for m in loaded if m.startswith(slow)] == []


def test_python_dash_m_flarewise_runs_the_cli(tmp_path: Path) -> None:
    """``python -m flarewise`` works like the installed script (it failed: no __main__)."""
    env = {**os.environ, "FLAREWISE_HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c")}
    done = subprocess.run(
        [sys.executable, "-m", "flarewise", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout and "log" in done.stdout
