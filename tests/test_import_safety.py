"""An import killed half-way leaves the journal as it was; hostile text and zip files are refused
or read safely, in bounded memory and time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from flarewise import FlarewiseError, Journal, Measurement, open_journal

from .test_import_table import diary_mapping


def synthetic_weights(path: Path, n: int) -> None:
    """An Apple Health export of ``n`` body-mass samples (each becomes an entry, so the journal
    writes chunk after chunk while the file is read)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n')
        for i in range(n):
            minute = i % (60 * 24 * 365 * 4)
            day, rest = divmod(minute, 24 * 60)
            stamp = f"{2019 + day // 365}-{1 + (day % 365) // 31:02d}-{1 + (day % 365) % 28:02d}"
            clock = f"{rest // 60:02d}:{rest % 60:02d}:{i % 60:02d}"
            fh.write(
                f' <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale {i}" '
                f'unit="kg" startDate="{stamp} {clock} +0000" endDate="{stamp} {clock} +0000" '
                f'value="{60 + (i % 100) / 10}"/>\n'
            )
        fh.write("</HealthData>\n")


RUNNER = textwrap.dedent(
    """
    import sys
    from flarewise import open_journal
    j = open_journal(sys.argv[1], "alice")
    def progress(batch):
        print(batch.records, flush=True)
    j.import_file(sys.argv[2], progress=progress)
    print("done", flush=True)
    """
)


def _parsers_of(export: Path) -> list[int]:
    """Processes still parsing ``export`` (Apple Health's parsing children), by /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"flarewise.importers.apple_health_scan" in argv and str(export).encode() in argv:
            found.append(int(entry.name))
    return found


def test_a_killed_import_leaves_the_journal_as_it_was(
    journal: Journal, db_url: str, tmp_path: Path, t0
) -> None:  # type: ignore[no-untyped-def]
    journal.add(Measurement(at=t0, metric="body_mass", value=70.0, unit="kg"))
    export = tmp_path / "export.xml"
    synthetic_weights(export, 120_000)
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, db_url, str(export)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    seen = 0
    deadline = time.monotonic() + 120
    while seen < 30_000 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line or line.strip() == "done":
            break
        seen = int(line)
    assert seen >= 30_000, "the import ended before it could be killed half-way"
    on_linux = Path("/proc/self/cmdline").exists()
    assert _parsers_of(export) or not on_linux  # a parsing child is at work
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    # the export is large enough to be parsed by child processes: they stop too
    deadline = time.monotonic() + 60
    while _parsers_of(export) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _parsers_of(export), "a parsing process outlived the killed import"
    # several chunks of 5,000 entries had been written inside the open transaction
    fresh = open_journal(db_url, "alice")
    try:
        assert fresh.count() == 1
        if db_url.startswith("sqlite"):
            with fresh.db.begin() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        report = fresh.import_file(export)  # and the import can simply be run again
        assert report.entries_added == 120_000 and fresh.count() == 120_001
    finally:
        fresh.close()


def test_a_multi_megabyte_line_is_skipped_in_bounded_memory(
    journal: Journal, tmp_path: Path
) -> None:
    f = tmp_path / "diary.csv"
    with f.open("w") as fh:
        fh.write("Date;Pain (0-4);Fatigue;Steps;Magnesium (mg);Vitamin D;Notes\n")
        fh.write("01.03.2024;3;6;4200;300;yes;" + "x" * (8 * 1024 * 1024) + "\n")
        fh.write("02.03.2024;1;4;8000;0;no;\n")
    report = journal.import_file(f, mapping=diary_mapping())
    assert any("longer than" in p.reason and p.record == "line 2" for p in report.problems)
    assert {str(e.local_date) for e in journal.entries()} == {"2024-03-02"}


def test_mixed_encodings_are_read_and_reported(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "diary.csv"
    f.write_bytes(
        b"Date;Pain (0-4);Fatigue;Steps;Magnesium (mg);Vitamin D;Notes\n"
        + "01.03.2024;3;6;4200;300;yes;müde\n".encode()
        + "02.03.2024;1;4;8000;0;no;Kälte\n".encode("cp1252")
    )
    report = journal.import_file(f, mapping=diary_mapping())
    notes = sorted(e.text for e in journal.entries() if e.kind == "note")  # type: ignore[attr-defined]
    assert notes == ["Kälte", "müde"]
    assert [p.record for p in report.problems] == ["line 3"]
    assert "Windows-1252" in report.problems[0].reason


def test_utf16_tables_are_read(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "diary.csv"
    text = (
        "Date;Pain (0-4);Fatigue;Steps;Magnesium (mg);Vitamin D;Notes\n01.03.2024;3;6;1;1;yes;ok\n"
    )
    f.write_bytes(text.encode("utf-16"))
    report = journal.import_file(f, mapping=diary_mapping())
    assert report.problems == () and report.entries_added == 5


def test_zip_entries_with_path_traversal_are_never_extracted(
    journal: Journal, tmp_path: Path
) -> None:
    f = tmp_path / "export.zip"
    xml = (
        b'<HealthData><Record type="HKQuantityTypeIdentifierStepCount" sourceName="p" '
        b'unit="count" startDate="2024-03-01 10:00:00 +0000" '
        b'endDate="2024-03-01 10:05:00 +0000" value="7"/></HealthData>'
    )
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("../../escaped/export.xml", xml)
        zf.writestr("/abs/evil.txt", b"boom")
    report = journal.import_file(f)
    assert report.entries_added == 1
    assert not (tmp_path.parent.parent / "escaped").exists()
    assert not Path("/abs/evil.txt").exists()


def test_an_xlsx_zip_bomb_is_refused(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "diary.xlsx"
    with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (50 * 1024 * 1024))
    with pytest.raises(FlarewiseError, match="zip bomb"):
        journal.import_file(f, mapping=diary_mapping())
    assert journal.count() == 0


def test_a_damaged_xlsx_fails_with_one_sentence(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "diary.xlsx"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("xl/workbook.xml", b"<not closed")
    with pytest.raises(FlarewiseError, match="not a readable XLSX workbook"):
        journal.import_file(f, mapping=diary_mapping())


def test_billion_laughs_in_open_mhealth_json_is_just_data(journal: Journal, tmp_path: Path) -> None:
    f = tmp_path / "points.json"
    f.write_text('[{"header": {"schema_id": 1}, "body": {}}' + ', {"a": "b"}' * 10 + "]")
    report = journal.import_file(f)
    assert report.entries_added == 0 and len(report.problems) == 11
