"""The command line keeps the README's promises, tried as a new user would (issue 17)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from flarewise.cli import run

from .samples import ACR2016_MET

Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], db_url: str
) -> Cli:
    monkeypatch.setenv("FLAREWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLAREWISE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")

    def call(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_assess_without_a_terminal_says_how_to_answer(cli: Cli) -> None:
    code, out, err = cli("assess", "acr2016", stdin="")
    assert code == 1 and "Aborted" not in out + err
    assert "no terminal" in err and "--answers -" in err and "--answer ITEM=VALUE" in err


def test_assess_reads_json_answers_on_stdin(cli: Cli) -> None:
    # ACR 2016 (Wolfe 2016): the same answers as the file form give the same verdict
    code, out, _ = cli("assess", "acr2016", "--json", stdin=json.dumps(ACR2016_MET))
    assert code == 0 and json.loads(out)["met"] is True
    code, out, _ = cli(
        "assess", "acr2016", "--answers", "-", "--json", stdin=json.dumps(ACR2016_MET)
    )
    assert code == 0 and json.loads(out)["scores"]["psd"] == 13


def test_assess_takes_answers_as_options(cli: Cli) -> None:
    # ACR 2016 (Wolfe 2016): PSD = WPI + SSS; ACR2016_MET as one --answer per item
    pairs = []
    for item, value in ACR2016_MET.items():
        raw = ",".join(value) if isinstance(value, list) else json.dumps(value)
        pairs += ["--answer", f"{item}={raw}"]
    code, out, err = cli("assess", "acr2016", *pairs, "--json", stdin="")
    assert code == 0, err
    result = json.loads(out)
    assert result["met"] is True and result["scores"]["psd"] == 13
    code, _, err = cli("assess", "pgic", "--answer", "pgic")
    assert code == 1 and "ITEM=VALUE" in err


def test_a_new_experiment_without_data_names_the_baseline_and_the_way_out(cli: Cli) -> None:
    code, _, err = cli("experiment", "new", "magnesium", "--dose", "200", "--unit", "mg")
    assert code == 1 and "14-day baseline" in err and "--without-baseline" in err
    code, out, err = cli(
        "experiment", "new", "magnesium", "--dose", "200", "--unit", "mg", "--without-baseline"
    )
    assert code == 0 and "Experiment" in out, err


def test_the_readme_backup_sequence_works(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # README: export, then restore into a new journal (--db), or over yours with --replace
    cli("log", "pain", "6")
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("export", "-o", "backup.json")
    assert code == 0 and (tmp_path / "backup.json").exists()
    code, out, err = cli("restore", "backup.json")
    assert code == 1 and out == "" and "--replace" in err  # refused, and no stray blank line
    fresh = f"sqlite:///{tmp_path / 'restored.db'}"
    code, out, err = cli("--db", fresh, "restore", "backup.json")
    assert code == 0 and "Restored 1 entries" in out, err
    code, out, err = cli("restore", "backup.json", "--replace")
    assert code == 0 and "Restored 1 entries" in out, err


def test_demo_writes_years_ending_today(cli: Cli) -> None:
    from datetime import date

    code, out, err = cli("demo", "--years", "1", "--person", "demo")
    assert code == 0, err
    assert f"to {date.today()}" in out
    code, _, err = cli("demo", "--years", "1", "--days", "30")
    assert code == 1 and "either --years or --start/--days" in err
