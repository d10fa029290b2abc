"""Generic CSV and XLSX tables read through a column mapping (suggested, saved, reused)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flarewise import FlarewiseError, Journal
from flarewise.domain.entries import Intake, Measurement, Note, SymptomCheckin
from flarewise.importers import (
    ColumnMapping,
    ColumnTarget,
    read_mapping,
    suggest_mapping,
    write_mapping,
)
from flarewise.knowledge import load_vocabulary

from .conftest import corpus

DIARY = (
    "Date;Pain (0-4);Fatigue;Steps;Magnesium (mg);Vitamin D;Notes\n"
    "01.03.2024;3;6;4200;300;yes;rough day\n"
    "02.03.2024;1;4;8000;0;no;\n"
    '03.03.2024;five;4;n/a;300;maybe;=HYPERLINK("x")\n'
    "not a date;1;1;1;1;yes;\n"
)


def diary_mapping() -> ColumnMapping:
    return ColumnMapping(
        date_column="Date",
        timezone="Europe/Berlin",
        columns={
            "Pain (0-4)": ColumnTarget(kind="symptom", id="pain", scale_min=0, scale_max=4),
            "Fatigue": ColumnTarget(kind="symptom", id="fatigue"),
            "Steps": ColumnTarget(kind="measurement", id="steps"),
            "Magnesium (mg)": ColumnTarget(kind="intake", id="magnesium", unit="mg"),
            "Vitamin D": ColumnTarget(kind="intake", id="vitamin_d"),
            "Notes": ColumnTarget(kind="note"),
        },
    )


def test_suggested_mapping_from_the_header() -> None:
    header = ["Date", "Pain (0-4)", "Fatigue", "Steps", "Magnesium (mg)", "Vitamin D", "Notes", "x"]
    m = suggest_mapping(load_vocabulary(), header)
    assert m.date_column == "Date"
    assert m.columns["Fatigue"].kind == "symptom" and m.columns["Pain (0-4)"].id == "pain"
    assert m.columns["Steps"] == ColumnTarget(kind="measurement", id="steps")
    assert m.columns["Magnesium (mg)"] == ColumnTarget(kind="intake", id="magnesium", unit="mg")
    assert m.columns["Notes"].kind == "note" and m.columns["x"].kind == "ignore"


def test_csv_with_a_mapping(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "diary.csv"
    f.write_text(DIARY, encoding="utf-8")
    report = journal.import_file(f, mapping=diary_mapping())
    entries = journal.entries()
    pain = {
        str(e.local_date): e.scores.get("pain") for e in entries if isinstance(e, SymptomCheckin)
    }
    assert pain == {"2024-03-01": 7.5, "2024-03-02": 2.5, "2024-03-03": None}
    mg = sorted(
        (str(e.local_date), e.status, e.amount)
        for e in entries
        if isinstance(e, Intake) and e.substance == "magnesium"
    )
    assert mg == [
        ("2024-03-01", "taken", 300.0),
        ("2024-03-02", "skipped", None),
        ("2024-03-03", "taken", 300.0),
    ]
    d = sorted(
        (str(e.local_date), e.status)
        for e in entries
        if isinstance(e, Intake) and e.substance == "vitamin_d"
    )
    assert d == [("2024-03-01", "taken_dose_unknown"), ("2024-03-02", "skipped")]
    assert [e.value for e in entries if isinstance(e, Measurement)] == [4200.0, 8000.0]
    notes = [e.text for e in entries if isinstance(e, Note)]
    assert notes == ["rough day", '=HYPERLINK("x")']  # stored as typed; neutralised on export
    where = {(p.record, p.field) for p in report.problems}
    assert ("line 4", "Pain (0-4)") in where and ("line 4", "Steps") in where
    assert ("line 4", "Vitamin D") in where and ("line 5", "Date") in where
    first = next(e for e in entries if isinstance(e, SymptomCheckin))
    assert first.at.utcoffset().total_seconds() == 3600  # Europe/Berlin in March
    assert journal.import_file(f, mapping=diary_mapping()).entries_added == 0


def test_xlsx_with_a_mapping(journal: Journal, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Date", "Pain (0-4)", "Fatigue", "Steps", "Magnesium (mg)", "Vitamin D", "Notes"])
    ws.append([datetime(2024, 3, 1), 3, 6, 4200, 300, "yes", "ok"])
    ws.append([datetime(2024, 3, 2), 2, 5.5, 5100, None, "no", None])
    f = tmp_path / "diary.xlsx"
    book.save(f)
    report = journal.import_file(f, mapping=diary_mapping())
    assert report.format == "xlsx" and report.problems == ()
    assert report.entries_added == 8  # an empty cell records nothing


def test_a_mapping_is_saved_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "mappings" / "my-diary.json"
    write_mapping(diary_mapping(), path)
    assert read_mapping(path) == diary_mapping()
    path.write_text(json.dumps({"date_column": "Date", "columns": {"x": {"kind": "symptom"}}}))
    with pytest.raises(FlarewiseError, match="needs the id"):
        read_mapping(path)


def test_a_mapping_that_does_not_fit_the_file(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "other.csv"
    f.write_text("when,how\n2024-03-01,3\n")
    with pytest.raises(FlarewiseError, match="does not have: Date"):
        journal.import_file(f, mapping=diary_mapping())
    with pytest.raises(FlarewiseError, match="column mapping"):
        journal.import_file(f)


def test_the_tdda_expected_csv_as_a_generic_table(journal: Journal) -> None:
    path = corpus("apple-health", "tdda-applehealthdata", "expected-csv", "StepCount.csv")
    mapping = ColumnMapping(
        date_column="startDate",
        date_format="%Y-%m-%d %H:%M:%S %z",
        columns={"value": ColumnTarget(kind="measurement", id="steps")},
    )
    report = journal.import_file(path, mapping=mapping)
    assert report.entries_added == report.records > 5


def test_interactive_mapping_in_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flarewise.cli import app

    monkeypatch.setenv("FLAREWISE_HOME", str(tmp_path / "home"))
    f = tmp_path / "diary.csv"
    f.write_text("Day,Fatigue,Steps\n2024-03-01,6,2000\n2024-03-02,4,3000\n")
    saved = tmp_path / "map.json"
    # date, time, zone; Fatigue: kind, id, scale from, scale to; Steps: kind, id, unit
    answers = "\n".join(["", "", "UTC", "", "", "", "", "", "", ""]) + "\n"
    runner = CliRunner()
    result = runner.invoke(
        app, ["import", str(f), "--map", "--save-mapping", str(saved)], input=answers
    )
    assert result.exit_code == 0, result.output
    assert "Added 4 entries" in result.output
    mapping = read_mapping(saved)
    assert mapping.date_column == "Day" and mapping.columns["Fatigue"].id == "fatigue"
    assert mapping.columns["Steps"] == ColumnTarget(kind="measurement", id="steps")
    again = runner.invoke(app, ["import", str(f), "--mapping", str(saved), "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["entries_added"] == 0
