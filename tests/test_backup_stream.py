"""Restoring a backup file piece by piece (issue 13: bounded memory, no tracebacks): the
streamed reader gives the same journal as the whole-file path whatever the piece size, names the
line and column of bad JSON across pieces, and refuses hostile files (nesting, huge numbers,
zeros, duplicates) with one sentence, leaving the journal as it was."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from flarewise import BackupError, Journal
from flarewise.exporters import backup_stream

from .samples import fill


@pytest.mark.parametrize("piece", [1, 7, 64, 1 << 20])
def test_a_backup_restores_identically_whatever_the_piece_size(
    journal: Journal, t0: datetime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int
) -> None:
    fill(journal, t0)
    journal.update_profile(birth_year=1984, sex="female")
    path = tmp_path / "backup.json"
    journal.export_json(path)
    monkeypatch.setattr(backup_stream, "CHUNK", piece)
    other = Journal.for_person(journal.db, f"restored{piece}")
    seen: list[int] = []
    assert other.restore_json(path, progress=seen.append) == 15
    assert other.export_backup().content() == journal.export_backup().content()
    assert seen[-1] == 15


def test_bad_json_is_located_across_pieces(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_stream, "CHUNK", 5)
    path = tmp_path / "b.json"
    path.write_text('{"format": "flarewise-journal",\n"version": 1,\n "entries": [{"a": 1},\n x]}')
    with pytest.raises(BackupError, match=r"line 4 column 2: not valid JSON"):
        journal.restore_json(path)


def _head(**more: object) -> dict[str, object]:
    return {
        "format": "flarewise-journal",
        "version": 1,
        "exported_at": "2025-01-01T00:00:00Z",
        "person": "x",
        **more,
    }


HOSTILE = [
    (b'{"format": "flarewise-journal", "entries": [' + b"[" * 100_000, "nested too deeply"),
    (b'{"format": "flarewise-journal", "version": ' + b"9" * 5000 + b"}", "cannot be read"),
    (b"\x00" * 3_000_000, "not a flarewise backup"),
    (b"0" * 3_000_000, "not a flarewise backup"),
    (b'{"format": "flarewise-journal", "version": 1} trailing', "extra data"),
    (json.dumps(_head(entries={"not": "a list"})).encode(), '"entries" must be a list'),
    (json.dumps(_head(exported_at="x")).encode(), "exported_at"),
]


@pytest.mark.parametrize(("content", "needle"), HOSTILE)
def test_hostile_backups_are_one_sentence_and_change_nothing(
    journal: Journal, t0: datetime, tmp_path: Path, content: bytes, needle: str
) -> None:
    before = sorted(e.id for e in fill(journal, t0))
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(BackupError, match=needle) as info:
        journal.restore_json(path, replace=True)
    assert len(str(info.value)) < 400
    assert sorted(e.id for e in journal.entries()) == before


def test_a_value_larger_than_the_cap_is_refused_without_reading_on(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_stream, "MAX_VALUE_CHARS", 10_000)
    monkeypatch.setattr(backup_stream, "CHUNK", 1000)
    path = tmp_path / "big.json"
    path.write_text('{"format": "flarewise-journal", "person": "' + "x" * 50_000 + '"}')
    with pytest.raises(BackupError, match="larger than"):
        journal.restore_json(path)


def test_duplicate_entries_in_a_backup_file_are_refused(
    journal: Journal, t0: datetime, tmp_path: Path
) -> None:
    fill(journal, t0)
    path = tmp_path / "backup.json"
    journal.export_json(path)
    data = json.loads(path.read_text())
    data["entries"].append(data["entries"][0])
    path.write_text(json.dumps(data))
    other = Journal.for_person(journal.db, "other")
    with pytest.raises(BackupError, match="same entry twice"):
        other.restore_json(path)
    assert other.entries() == []


def test_a_bad_entry_after_many_good_ones_restores_nothing(
    journal: Journal, t0: datetime, tmp_path: Path
) -> None:
    fill(journal, t0)
    path = tmp_path / "backup.json"
    journal.export_json(path)
    data = json.loads(path.read_text())
    bad = json.loads(json.dumps(data["entries"][0]))
    bad["entry"]["id"] = "late-and-bad"
    bad["entry"]["at"] = "not a time"
    data["entries"].append(bad)
    path.write_text(json.dumps(data))
    other = Journal.for_person(journal.db, "other")
    with pytest.raises(BackupError, match=r"entries\[15\]\.entry"):
        other.restore_json(path)
    assert other.entries() == []
