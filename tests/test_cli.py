"""The CLI: quick logging, tables and JSON, one-line errors with non-zero exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flarewise.cli import run

from .samples import ACR2016_MET


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], db_url: str
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FLAREWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLAREWISE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "120")

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_log_show_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("init")[0] == 0
    code, out, _ = cli("log", "pain", "6", "--sites", "neck,lower_back", "--at", "yesterday 08:00")
    assert code == 0 and "pain 6" in out and "neck" in out
    assert cli("log", "intake", "magnesium-citrate", "200", "mg", "--at", "yesterday 21:00")[0] == 0
    assert cli("log", "intake", "vit d", "--dose-unknown", "--at", "yesterday 08:05")[0] == 0
    assert cli("log", "intake", "duloxetine", "--skipped", "--at", "yesterday 08:06")[0] == 0
    assert (
        cli(
            "log",
            "sleep",
            "--bed",
            "23:30",
            "--wake",
            "06:45",
            "--quality",
            "4",
            "--date",
            "yesterday",
        )[0]
        == 0
    )
    assert (
        cli(
            "log",
            "meal",
            "oats, blueberries, milk",
            "--meal",
            "breakfast",
            "--at",
            "yesterday 07:30",
        )[0]
        == 0
    )
    assert (
        cli(
            "log",
            "activity",
            "water aerobics",
            "40",
            "--intensity",
            "moderate",
            "--at",
            "yesterday 10:00",
        )[0]
        == 0
    )
    assert cli("log", "mindbody", "meditation", "10", "--at", "yesterday 21:30")[0] == 0
    assert cli("log", "therapy", "massage", "45", "--at", "yesterday 15:00")[0] == 0
    assert cli("log", "event", "infection", "--type", "flu", "--at", "yesterday 12:00")[0] == 0
    assert cli("log", "note", "Rough afternoon", "--at", "yesterday 16:00")[0] == 0
    assert (
        cli(
            "log",
            "lab",
            "vitamin d",
            "18",
            "ng/ml",
            "--low",
            "30",
            "--high",
            "100",
            "--flag",
            "l",
            "--at",
            "yesterday",
        )[0]
        == 0
    )
    assert cli("log", "symptom", "brain fog", "7", "--at", "yesterday 20:00")[0] == 0
    assert (
        cli(
            "log",
            "checkin",
            "--pain",
            "5",
            "--fatigue",
            "6",
            "--mood",
            "4",
            "--at",
            "yesterday 21:00",
        )[0]
        == 0
    )
    assert cli("trackable", "add", "cold_hands", "Cold hands")[0] == 0
    assert cli("log", "custom", "cold_hands", "3", "--at", "yesterday 18:00")[0] == 0

    code, out, _ = cli("show", "yesterday", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 15
    kinds = {r["kind"] for r in rows}
    assert kinds == {
        "checkin",
        "intake",
        "sleep",
        "meal",
        "activity",
        "mindbody",
        "therapy",
        "event",
        "note",
        "lab",
        "custom",
    }
    statuses = {r["status"] for r in rows if r["kind"] == "intake"}
    assert statuses == {"taken", "taken_dose_unknown", "skipped"}
    assert next(r for r in rows if r["kind"] == "lab")["unit"] == "ng/mL"

    code, out, _ = cli("show", "yesterday")
    assert code == 0 and "magnesium citrate 200 mg" in out
    code, out, _ = cli("show", "--week", "--json")
    week = json.loads(out)
    [day] = [d for d in week if d["entries"] == 15]
    assert code == 0 and day["measures"]["symptom:pain"]["mean"] == 5.5


def test_edit_and_delete(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("log", "pain", "6", "--json", "--at", "08:00")
    entry = json.loads(out)
    code, out, _ = cli("edit", entry["id"][:8], "--set", 'scores={"pain": 4}', "--json")
    assert code == 0 and json.loads(out)["scores"] == {"pain": 4.0}
    code, out, err = cli("edit", entry["id"][:8], "--set", 'scores={"pain": 40}')
    assert code == 1 and "scores.pain" in err
    assert cli("delete", entry["id"][:8], "--yes")[0] == 0
    code, _, err = cli("delete", entry["id"][:8], "--yes")
    assert code == 1 and "no entry" in err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("log", "pain", "11"), "scores.pain"),
        (("log", "intake", "magnesum", "200", "mg"), "Did you mean 'magnesium'"),
        (("log", "intake", "magnesium", "200", "furlong"), "'furlong' is not a dose unit"),
        (("log", "intake", "probiotic", "200", "mg"), "does not fit Probiotic"),
        (("log", "intake", "magnesium"), "give the dose"),
        (("log", "pain", "4", "--at", "2099-01-01"), "in the future"),
        (("log", "pain", "4", "--at", "half past nine"), "is not a time"),
        (("log", "pain", "4", "--sites", "wrist"), "not a body-map site"),
        (("log", "lab", "crp", "3", "ng/mL"), "not a unit for CRP"),
        (("log", "event", "infection", "--type", "gremlins"), "not a kind of infection"),
        (("log", "custom", "nope", "1"), "define it first"),
        (("vocab", "spells"), "not a vocabulary"),
        (("restore", "/nonexistent/backup.json"), "cannot read the file"),
    ],
)
def test_errors_are_one_line_with_exit_code_1(cli, args: tuple[str, ...], needle: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(*args)
    assert code == 1
    assert needle in err
    assert "Traceback" not in err
    assert err.strip().startswith("Error:")


def test_usage_errors_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("lg")
    assert code == 2 and "No such command" in err


def test_export_restore_round_trip(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("log", "pain", "6", "--at", "08:00")
    cli("log", "intake", "magnesium", "200", "mg", "--at", "08:05")
    target = tmp_path / "backup.json"
    code, out, _ = cli("export", "-o", str(target))
    assert code == 0 and "Exported 2 entries" in out
    code, _, err = cli("restore", str(target))
    assert code == 1 and "--replace" in err
    code, out, _ = cli("--person", "copy", "restore", str(target))
    assert code == 0 and "Restored 2 entries" in out
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "flarewise-journal", "version": 1, "entries": [')
    code, _, err = cli("--person", "copy", "restore", str(bad), "--replace")
    assert code == 1 and "line 1 column" in err
    code, out, _ = cli("--person", "copy", "show", "--json")
    assert code == 0 and len(json.loads(out)) == 2


def test_profile_regimens_and_vocab(cli) -> None:  # type: ignore[no-untyped-def]
    assert (
        cli(
            "profile",
            "set",
            "--birth-year",
            "1980",
            "--sex",
            "female",
            "--timezone",
            "Europe/London",
            "--add-condition",
            "CKD",
            "--add-finding",
            "joint swelling",
        )[0]
        == 0
    )
    _, out, _ = cli("profile", "show", "--json")
    p = json.loads(out)
    assert p["conditions"][0]["condition"] == "chronic_kidney_disease"
    assert p["clinical_findings"] == ["joint_swelling"]
    _, out, _ = cli("regimen", "add", "duloxetine", "30", "mg", "--start", "2025-01-01", "--json")
    rid = json.loads(out)["id"]
    assert cli("regimen", "dose", rid[:8], "60", "mg", "--from", "2025-02-15")[0] == 0
    assert cli("regimen", "stop", rid[:8], "--on", "2025-06-01")[0] == 0
    _, out, _ = cli("regimen", "list", "--json")
    [r] = json.loads(out)
    assert [s["amount"] for s in r["steps"]] == [30, 60] and r["stop"] == "2025-06-01"
    _, out, _ = cli("vocab", "substance", "magnesium", "--json")
    assert {"id": "magnesium", "name": "Magnesium"} in json.loads(out)


def test_db_commands(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("db", "upgrade")[0] == 0
    code, out, _ = cli("db", "current")
    from flarewise.storage.database import HEAD

    assert code == 0 and f"schema {HEAD}" in out


def test_demo_command_small(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("demo", "--days", "30")
    assert code == 0 and "Demo journal 'demo'" in out and "pain" in out
    code, out, _ = cli("--person", "demo", "show", "2025-01-30", "--json")
    assert code == 0 and json.loads(out)


def test_assess_from_a_file_and_interactively(cli, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import io

    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(ACR2016_MET))
    code, out, _ = cli("assess", "acr2016", "--answers", str(answers), "--json")
    result = json.loads(out)
    assert code == 0 and result["met"] is True and result["scores"]["psd"] == 13
    assert result["label"].startswith("screening")
    code, out, _ = cli("assess", "acr2016", "--answers", str(answers))
    assert code == 0 and "a diagnosis needs a clinician" in out.lower()
    monkeypatch.setattr("sys.stdin", io.StringIO("9\n2\n"))
    code, out, _ = cli("assess", "pgic")
    assert code == 0 and "much improved" in out
    bad = tmp_path / "bad.json"
    bad.write_text('{"pain": 12}')
    code, _, err = cli("assess", "fiqr", "--answers", str(bad))
    assert code == 1 and "pain: must be from 0 to 10" in err
    code, out, _ = cli("assess", "history", "--json")
    assert [r["instrument"] for r in json.loads(out)] == ["acr2016", "acr2016", "pgic"]


def test_labs_plan_and_kb(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("profile", "set", "--birth-year", "1970", "--sex", "female")
    cli("log", "lab", "vitamin d", "14", "ng/mL", "--at", "2025-01-20")
    cli(
        "log",
        "lab",
        "ferritin",
        "11",
        "ng/mL",
        "--low",
        "15",
        "--high",
        "150",
        "--at",
        "2025-01-20",
    )
    code, out, _ = cli("labs", "--json")
    data = json.loads(out)
    assert code == 0 and [f["rule"] for f in data["red_flags"]] == ["RF-FERRITIN"]
    vit_d = next(r for r in data["results"] if r["loinc"] == "62292-8")
    assert {c["scheme"]: c["label"] for c in vit_d["categories"]}[
        "Endocrine Society 2011"
    ] == "deficiency"
    code, out, _ = cli("labs")
    assert code == 0 and "RED FLAG RF-FERRITIN" in out
    code, out, _ = cli("labs", "convert", "30", "ng/mL", "nmol/L", "--analyte", "62292-8", "--json")
    assert code == 0 and json.loads(out)["result"] == pytest.approx(74.88, rel=1e-3)
    code, _, err = cli("labs", "convert", "30", "ng/mL", "mg/L", "--analyte", "62292-8")
    assert code == 1 and "not a unit for Vitamin D" in err

    cli("regimen", "add", "duloxetine", "60", "mg", "--start", "2025-01-01")
    cli("regimen", "add", "tramadol", "50", "mg", "--start", "2025-01-01", "--as-needed")
    code, out, _ = cli("plan", "--json")
    plan = json.loads(out)
    assert code == 0 and "not a prescription" in plan["statement"]
    assert [f["rule"] for f in plan["red_flags"]] == ["RF-FERRITIN"]
    # clinical-rules.md D.5.0 item 2b: two recorded medicines are the prescriber's remit (only
    # the MAOI rules are profile-level); what the plan offers is checked against them
    assert plan["current_warnings"] == []
    [ldn] = [n for n in plan["not_offered"] if n["intervention"] == "low_dose_naltrexone"]
    assert ldn["rule"] == "SAF-LDN-OPIOID" and "tramadol" in ldn["reason"].lower()
    assert plan["options"][0]["category"] == "exercise"
    assert all(o["grade"] != "X" for o in plan["options"])
    code, out, _ = cli("plan")
    assert code == 0 and "Options to discuss" in out and "RED FLAG" in out
    assert "Not offered for you" in out and "SAF-LDN-OPIOID" in out

    proposal = tmp_path / "items.json"
    proposal.write_text(
        json.dumps([{"item": "ldn"}, {"item": "magnesium", "dose": 400, "unit": "mg"}])
    )
    code, out, _ = cli("plan", "check", str(proposal), "--json")
    checked = json.loads(out)
    assert code == 0 and checked["blocked"] is True
    assert {"SAF-LDN-OPIOID", "SAF-MG-UL"} <= {w["rule"] for w in checked["warnings"]}
    # inputs whose absence may hide a warning (SAF-MG-RENAL needs an eGFR)
    assert {"input": "egfr", "message": "no eGFR on record"}.items() <= next(
        m for m in checked["missing"] if m["input"] == "egfr"
    ).items()
    proposal.write_text(json.dumps([{"item": "unobtainium"}]))
    code, _, err = cli("plan", "check", str(proposal))
    assert code == 1 and "items[0].item" in err

    code, out, _ = cli("kb", "list", "--json")
    assert code == 0 and {
        "id": "nsaids",
        "name": "NSAIDs (ibuprofen, naproxen...) for fibromyalgia pain",
        "category": "medicine",
        "grade": "X",
    } in json.loads(out)
    code, out, _ = cli("kb", "show", "low-dose naltrexone")
    assert code == 0 and "SAF-LDN-OPIOID" in out and "doi.org" in out


def test_experiment_and_insights_commands(cli) -> None:  # type: ignore[no-untyped-def]
    from datetime import date, timedelta

    today = date.today()
    for i in range(30, 0, -1):
        day = today - timedelta(days=i)
        cli("log", "pain", str(4 + i % 4), "--at", f"{day.isoformat()}T20:00")
    code, out, _ = cli(
        "experiment",
        "new",
        "magnesium",
        "--dose",
        "200",
        "--unit",
        "mg",
        "--meaningful",
        "2",
        "--json",
    )
    created = json.loads(out)
    assert code == 0 and created["advice"]["blocks"] >= 6
    eid = created["protocol"]["id"][:8]
    assert cli("experiment", "start", eid)[0] == 0
    code, out, _ = cli("experiment", "status", eid, "--json")
    assert code == 0 and json.loads(out)["today"].startswith("Today you are in")
    code, out, _ = cli("experiment", "analyze", eid)
    assert code == 0 and "Not enough data yet" in out and "p = " not in out
    assert "Sized for your diary as it is" in created["protocol"]["why"]
    code, out, _ = cli("experiment", "list", "--json")
    assert [p["status"] for p in json.loads(out)] == ["running"]
    assert cli("experiment", "stop", eid, "--reason", "side effects")[0] == 0
    code, _, err = cli("experiment", "new", "magnesium", "--blocks", "3")
    assert code == 1 and "at least 6" in err
    code, out, _ = cli("insights", "--json")
    data = json.loads(out)
    assert code == 0 and data["screen_status"] == "not enough data"
    code, out, _ = cli("insights")
    assert code == 0 and "Nothing here is a confirmed trigger yet" in out
