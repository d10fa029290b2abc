"""A tired new user's slips (issue 17): a folder where a file is meant, a file that is not UTF-8
or is empty, an impossible date, a revision or port that does not exist. Each comes back as one
sentence naming the option, file or field, with exit code 1 (2 for Click's own usage errors),
never a traceback: the in-process ``run`` lets any other exception through, failing the test."""

from __future__ import annotations

import io
import itertools
import json
from datetime import date
from pathlib import Path

import pytest

from flarewise.cli.app import State
from flarewise.cli.serve import served_url
from flarewise.config import load_settings

from .conftest import CliCall, cli_against


@pytest.fixture
def cli1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> CliCall:
    """The CLI on SQLite only: these slips are refused before the database matters."""
    return cli_against(f"sqlite:///{tmp_path / 'journal.db'}", monkeypatch, tmp_path, capsys)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "a folder"
    folder.mkdir()
    made = {"folder": folder, "empty": tmp_path / "empty.json", "latin": tmp_path / "latin.json"}
    made["empty"].write_bytes(b"")
    made["latin"].write_bytes(b"\xff\xfe{\x80}")  # not UTF-8
    return made


def test_a_folder_given_as_the_file_to_write_is_named(
    cli1: CliCall, files: dict[str, Path]
) -> None:
    folder = files["folder"]
    cli1("log", "pain", "5")
    for args, option, example in [
        (["export", "-o", str(folder)], "--output", "flarewise-me-"),
        (["report", "-o", str(folder)], "--output", "visit.pdf"),
        (["reminders", "ics", "--out", str(folder)], "--out", "reminders.ics"),
        (["backup", str(folder), "--overwrite"], "", "flarewise-backup.db"),
    ]:
        code, out, err = cli1(*args)
        assert code == 1 and out == "", args
        assert f"{option}: {folder} is a folder" in err or f"Error: {folder} is a folder" in err
        assert example in err  # a file name to use instead
    assert list(folder.iterdir()) == []  # nothing half-written inside


def test_a_file_that_cannot_be_written_is_named(cli1: CliCall, tmp_path: Path) -> None:
    # a path through a regular file: no folder can be made there, whoever runs the test
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    code, _, err = cli1("export", "-o", str(blocker / "backup.json"))
    assert code == 1 and f"--output: {blocker / 'backup.json'}: {blocker} is a file" in err
    code, _, err = cli1("reminders", "ics", "--out", str(tmp_path / "no such folder" / "r.ics"))
    assert code == 1 and "--out:" in err and "cannot write the file (No such file" in err


def test_a_column_mapping_that_is_not_json_or_not_utf8_is_named(
    cli1: CliCall, files: dict[str, Path], tmp_path: Path
) -> None:
    table = tmp_path / "table.csv"
    table.write_text("date,pain\n2025-03-01,5\n", encoding="utf-8")
    code, _, err = cli1("import", str(table), "--mapping", str(files["latin"]))
    assert code == 1 and f"{files['latin']}: not a flarewise column mapping" in err
    assert "not UTF-8" in err
    code, _, err = cli1("import", str(table), "--mapping", str(files["empty"]))
    assert code == 1 and "not a flarewise column mapping (not valid JSON)" in err
    assert "errors.pydantic.dev" not in err and "\n" not in err.strip()
    files["empty"].write_text("{}", encoding="utf-8")
    code, _, err = cli1("import", str(table), "--mapping", str(files["empty"]))
    assert code == 1 and "date_column" in err  # the field a hand-made mapping lacks


def test_impossible_dates_name_the_option_they_came_with(cli1: CliCall) -> None:
    code, _, err = cli1("log", "sleep", "--bed", "23:00", "--wake", "07:00", "--date", "2026-13-01")
    assert code == 1 and "--date: '2026-13-01' is not a date" in err  # not --wake's
    code, _, err = cli1("share", "invite", "--until", "2026-13-01")
    assert code == 1 and "--until: '2026-13-01' is not a date" in err
    code, _, err = cli1("experiment", "start", "abcdef12", "--on", "2026-13-01")
    assert code == 1 and "--on: '2026-13-01' is not a date" in err


def test_dates_at_the_end_of_the_calendar_are_refused_not_overflowed(cli1: CliCall) -> None:
    code, _, err = cli1(
        "experiment", "new", "magnesium", "--start", "9999-12-31", "--without-baseline"
    )
    assert code == 1 and "--start: 9999-12-31 is more than a year ahead" in err
    code, _, err = cli1("demo", "--start", "9999-12-31", "--days", "3")
    assert code == 1 and "--start: the demo would run from 9999-12-31" in err
    code, _, err = cli1("demo", "--start", str(date.today()), "--days", "30")
    assert code == 1 and "past today" in err and "--years N" in err


def test_a_dose_without_its_unit_is_refused_not_dropped(cli1: CliCall) -> None:
    code, _, err = cli1("experiment", "new", "magnesium", "--dose", "200", "--without-baseline")
    assert code == 1 and "--unit: --dose needs --unit too" in err
    code, _, err = cli1("experiment", "new", "magnesium", "--unit", "mg", "--without-baseline")
    assert code == 1 and "--dose: --unit needs --dose too" in err


def test_the_baseline_refusal_names_the_outcome(cli1: CliCall) -> None:
    code, _, err = cli1("experiment", "new", "magnesium", "--outcome", "fatigue")
    assert code == 1 and "only 0 days of fatigue are logged" in err
    assert "--without-baseline" in err


def test_unknown_names_are_refused_instead_of_an_empty_table(cli1: CliCall) -> None:
    code, out, err = cli1("assess", "history", "acr2061")
    assert code == 1 and out == "" and "'acr2061' is not an instrument" in err and "acr2016" in err
    code, out, err = cli1("kb", "list", "--category", "vitamins")
    assert code == 1 and out == "" and "--category: 'vitamins' is not a category" in err
    assert "supplement" in err


def test_a_feed_address_must_be_a_web_address(cli1: CliCall) -> None:
    code, out, err = cli1("reminders", "feed", "--base-url", "my phone")
    assert code == 1 and out == "" and "--base-url: 'my phone' is not a web address" in err
    code, out, _ = cli1("reminders", "feed", "--base-url", "http://192.168.1.20:8765", "--json")
    assert code == 0
    assert json.loads(out)["feed_url"].startswith("http://192.168.1.20:8765/calendar/")


def test_delete_without_a_terminal_says_to_add_yes(
    cli1: CliCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = cli1("log", "pain", "5", "--json")
    entry = json.loads(out)["id"]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = cli1("delete", entry)
    assert code == 1 and "Aborted" not in out + err
    assert "no terminal" in err and "--yes" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))  # answered no in a pipe: kept
    code, out, _ = cli1("delete", entry)
    assert code == 1 and "Nothing was deleted" in out
    code, out, _ = cli1("show", "--json")
    assert entry in out
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, _ = cli1("delete", entry)
    assert code == 0 and f"Deleted {entry[:8]}" in out


def test_a_port_outside_the_range_is_a_usage_error(cli1: CliCall) -> None:
    code, _, err = cli1("serve", "--port", "99999")
    assert code == 2 and "--port" in err and "65535" in err


def test_a_file_that_is_not_a_database_is_named(cli1: CliCall, files: dict[str, Path]) -> None:
    url = f"sqlite:///{files['latin']}"
    for args in (["show"], ["log", "pain", "5"], ["db", "current"]):
        code, _, err = cli1("--db", url, *args)
        assert code == 1 and f"{files['latin']}" in err and "not a database" in err, args


def test_an_unknown_schema_revision_lists_the_known_ones(cli: CliCall) -> None:
    # on both databases: alembic's own error never reaches the person
    cli("init")
    for command in ("upgrade", "downgrade"):
        code, _, err = cli("db", command, "0099_nope")
        assert code == 1 and "revision: cannot move the schema to '0099_nope'" in err
        assert "0001_journal" in err and "head, base" in err
    code, out, _ = cli("db", "current")
    assert code == 0 and "schema 0" in out  # the failed move changed nothing


def test_the_demo_is_served_from_its_own_database_unless_one_is_named(tmp_path: Path) -> None:
    # README: `./run demo` leaves your journal alone (it runs `serve --demo`)
    env = {"FLAREWISE_HOME": str(tmp_path)}
    default = State(load_settings(env))
    assert served_url(default, demo=True) == f"sqlite:///{tmp_path / 'demo.db'}"
    assert served_url(default, demo=False) == f"sqlite:///{tmp_path / 'journal.db'}"
    named = State(load_settings({**env, "FLAREWISE_DATABASE_URL": "sqlite:///x.db"}), True)
    assert served_url(named, demo=True) == "sqlite:///x.db"


def test_edit_names_the_fields_an_entry_has(cli1: CliCall) -> None:
    _, out, _ = cli1("log", "pain", "3", "--json")
    entry = json.loads(out)["id"]
    code, _, err = cli1("edit", entry, "--set", "pain=4")
    assert code == 1 and "--set: this checkin entry has no field 'pain'" in err
    assert "scores" in err and "Extra inputs" not in err
    code, out, _ = cli1("edit", entry, "--set", 'scores={"pain": 4}')
    assert code == 0 and "pain 4" in out


@pytest.mark.parametrize("intervention", ["magnesium", "meditative_movement"])
def test_the_first_days_of_a_period_say_what_the_period_says_without_a_dose(
    cli1: CliCall, intervention: str
) -> None:
    # found trying `experiment new magnesium --without-baseline` (no --dose): the first days of
    # every period WITH it said "Without magnesium: do not take it" (a practice alike)
    code, out, err = cli1("experiment", "new", intervention, "--without-baseline", "--json")
    assert code == 0, err
    protocol = json.loads(out)["protocol"]
    _, out, _ = cli1("experiment", "review", protocol["id"], "--json")
    phases = [p["what"] for p in json.loads(out)["phases"]]
    firsts = [(a, b) for a, b in itertools.pairwise(phases) if "(first days" in a]
    assert len(firsts) == 2 * len(protocol["order"])  # each period starts with its washout
    for first, rest in firsts:
        assert first.split(":")[0] == rest.split(":")[0], (first, rest)  # With ... / Without ...
    assert sum(first.startswith("With ") for first, _ in firsts) == len(protocol["order"])


def test_the_intervention_in_help_is_one_the_command_takes(cli1: CliCall) -> None:
    # `experiment new --help` once offered "yoga", which is refused; it names the id now
    code, _, err = cli1("experiment", "new", "yoga", "--without-baseline")
    assert code == 1 and "`flarewise kb list`" in err and "meditative_movement" in err
    code, _, err = cli1("experiment", "new", "meditative_movement", "--without-baseline")
    assert code == 0, err


def test_run_demo_with_an_option_of_the_demo_command_names_the_right_one(tmp_path: Path) -> None:
    # `./run demo` is `serve --demo`; `./run demo --years 3` once ended in serve's "No such
    # option: --years". A stand-in venv (this Python, marked installed) keeps pip out of it.
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    stamp = subprocess.run(
        ["cksum"], stdin=(root / "pyproject.toml").open("rb"), capture_output=True, check=True
    ).stdout.split()[0]
    (venv / f".installed-{stamp.decode()}").touch()
    done = subprocess.run(
        [str(root / "run"), "demo", "--years", "3"],
        env={"PATH": "/usr/bin:/bin", "FLAREWISE_VENV": str(venv), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "No such option" not in done.stderr
    assert "starts the web app" in done.stderr and "flarewise demo --years 3" in done.stderr


def test_a_negative_number_is_explained_not_called_an_unknown_option(cli1: CliCall) -> None:
    code, _, err = cli1("log", "pain", "-1")
    assert code == 2 and "-1 looks like a negative number" in err and "never negative" in err
    code, _, err = cli1("log", "pain", "3", "-x")
    assert code == 2 and "No such option: -x" in err  # a real unknown option stays Click's
    cli1("trackable", "add", "temp_dev", "Temperature deviation", "--type", "number")
    code, out, err = cli1("log", "custom", "temp_dev", "--", "-1.5")  # the way out it names
    assert code == 0 and "-1.5" in out, err


def test_analyze_refuses_an_unknown_outcome(cli1: CliCall) -> None:
    _, out, _ = cli1("experiment", "new", "magnesium", "--without-baseline", "--json")
    experiment = json.loads(out)["protocol"]["id"]
    code, out, err = cli1("experiment", "analyze", experiment, "--outcome", "fatigeu")
    assert code == 1 and out == "" and "--outcome: 'fatigeu' is not a known symptom" in err
    code, out, _ = cli1("experiment", "analyze", experiment, "--outcome", "Fatigue")
    assert code == 0 and "no fatigue scores" in out
