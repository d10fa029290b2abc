"""The quick entry (``flarewise log`` without SQLAlchemy, journal/quick.py and storage/lite.py)
stores, refuses and describes exactly as ``Journal.add`` does (issue 17, target 1)."""

from __future__ import annotations

import pickle
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from flarewise import open_journal
from flarewise.domain.entries import (
    CustomValue,
    EntryBase,
    FoodPortion,
    Intake,
    Meal,
    SymptomCheckin,
)
from flarewise.domain.trackables import Trackable
from flarewise.errors import Conflict, FlarewiseError
from flarewise.journal import quick, vocabulary_cache
from flarewise.knowledge import load_vocabulary
from flarewise.storage import lite
from flarewise.storage.basics import HEAD
from flarewise.storage.tables import entries, persons, trackables

AT = datetime(2025, 3, 1, 8, 30, tzinfo=ZoneInfo("Europe/London"))


def _sql(statement: Any) -> str:
    return " ".join(str(statement.compile(dialect=sqlite_dialect.dialect())).split())


def test_the_reads_are_the_sql_sqlalchemy_compiles_from_the_tables() -> None:
    version = sa.table("alembic_version", sa.column("version_num"))
    assert _sql(sa.select(version.c.version_num)) == lite.SQL_REVISION
    assert (
        _sql(
            sa.select(persons.c.id, persons.c.profile).where(persons.c.handle == sa.bindparam("h"))
        )
        == lite.SQL_PERSON
    )
    assert (
        _sql(
            sa.select(trackables.c.data)
            .where(trackables.c.person_id == sa.bindparam("p"))
            .order_by(trackables.c.id)
        )
        == lite.SQL_TRACKABLES
    )
    assert (
        _sql(
            sa.select(entries.c.source_key).where(
                entries.c.person_id == sa.bindparam("p"),
                entries.c.source == sa.bindparam("s"),
                entries.c.source_key == sa.bindparam("k"),
            )
        )
        == lite.SQL_KNOWN_KEY
    )


def _new_journal(path: Path) -> str:
    url = f"sqlite:///{path}"
    with open_journal(url, "me") as j:
        j.update_profile(timezone="Europe/London")
        j.define_trackable(Trackable(id="cold_shower", name="Cold shower", value_type="yes_no"))
    return url


def _samples() -> list[EntryBase]:
    return [
        SymptomCheckin(
            id="c1", at=AT, scores={"pain": 6, "fatigue": 4}, pain_sites=("neck", "lower_back")
        ),
        Intake(id="i1", at=AT, substance="magnesium", amount=400, unit="mg", comment="evening"),
        Meal(id="m1", at=AT, foods=[FoodPortion(food="oats"), FoodPortion(food="berries")]),
        CustomValue(id="v1", at=AT, trackable="cold_shower", value=1),
    ]


def _rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "entries": conn.execute(
                "SELECT person_id, id, kind, at_utc, utc_offset, local_date, item, source,"
                " source_key, data FROM entries ORDER BY id"
            ).fetchall(),
            "entry_values": conn.execute(
                "SELECT * FROM entry_values ORDER BY entry_id, measure"
            ).fetchall(),
            "daily_values": conn.execute(
                "SELECT * FROM daily_values ORDER BY local_date, measure"
            ).fetchall(),
        }
    finally:
        conn.close()


def test_a_quick_entry_stores_the_same_rows_and_words_as_the_journal(tmp_path: Path) -> None:
    full_url = _new_journal(tmp_path / "full.db")
    quick_url = _new_journal(tmp_path / "quick.db")
    with open_journal(full_url, "me") as j:
        full = [j.add(e) for e in _samples()]
        full_words = [j.describe(e) for e in full]
        zone = j.timezone()
    q = quick.open_quick_log(quick_url, "me")
    assert isinstance(q, quick.QuickLog)
    try:
        stored = [q.add(e) for e in _samples()]
        assert [q.describe(e) for e in stored] == full_words
        assert q.timezone() == zone
    finally:
        q.close()
    assert stored == full
    rows = _rows(tmp_path / "quick.db")
    assert rows == _rows(tmp_path / "full.db")
    assert len(rows["entries"]) == 4 and rows["entry_values"] and rows["daily_values"]
    with open_journal(quick_url, "me") as j:  # and the full journal reads them back
        assert [e.id for e in j.entries()] == ["c1", "i1", "m1", "v1"]


@pytest.mark.parametrize(
    "entry",
    [
        CustomValue(at=AT, trackable="no_such_thing", value=1),
        SymptomCheckin(at=AT, scores={"pian": 6}),
        Intake(at=AT, substance="unobtainium", amount=400, unit="mg"),
    ],
)
def test_a_quick_entry_is_refused_with_the_journals_words(tmp_path: Path, entry: Any) -> None:
    url = _new_journal(tmp_path / "j.db")
    with open_journal(url, "me") as j, pytest.raises(FlarewiseError) as full:
        j.add(entry)
    q = quick.open_quick_log(url, "me")
    assert q is not None
    with pytest.raises(FlarewiseError) as fast:
        q.add(entry)
    q.close()
    assert (type(fast.value), str(fast.value)) == (type(full.value), str(full.value))
    assert _rows(tmp_path / "j.db")["entries"] == []


def test_a_source_key_already_stored_is_a_conflict(tmp_path: Path) -> None:
    url = _new_journal(tmp_path / "j.db")
    entry = SymptomCheckin(at=AT, scores={"pain": 3}, source="watch", source_key="k1")
    with open_journal(url, "me") as j:
        j.add(entry)
    q = quick.open_quick_log(url, "me")
    assert q is not None
    with pytest.raises(Conflict, match="already stored"):
        q.add(entry.replace(id="other"))
    q.close()


def test_what_it_cannot_open_exactly_is_left_to_the_usual_way(tmp_path: Path) -> None:
    url = _new_journal(tmp_path / "j.db")
    assert quick.open_quick_log(url, "someone_else") is None  # the usual way creates them
    assert quick.open_quick_log(f"sqlite:///{tmp_path / 'new.db'}", "me") is None
    assert quick.open_quick_log("postgresql+psycopg://u@127.0.0.1/x", "me") is None
    assert quick.open_quick_log(url + "?timeout=5", "me") is None
    conn = sqlite3.connect(tmp_path / "j.db")
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = 'older'")
    conn.close()
    assert quick.open_quick_log(url, "me") is None  # the usual way migrates or refuses
    with pytest.raises(FlarewiseError, match="not a usable name"):
        quick.open_quick_log(url, "no spaces")
    assert HEAD != "older"


def test_the_vocabulary_cache_is_read_only_when_it_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    vocabulary_cache.cached_vocabulary.cache_clear()
    try:
        first = vocabulary_cache.cached_vocabulary()
        files = list((tmp_path / "flarewise").glob("vocabulary-*.pickle"))
        assert [f.name for f in files] == [f"vocabulary-{vocabulary_cache.fingerprint()}.pickle"]
        assert first.symptoms == load_vocabulary().symptoms
        vocabulary_cache.cached_vocabulary.cache_clear()
        again = vocabulary_cache.cached_vocabulary()
        assert again is not first and again.symptoms == first.symptoms  # read from the file
        assert again.resolve("symptom", "brain fog", "x") == "fibro_fog"
        files[0].write_bytes(b"not a pickle")  # damaged: built again, and rewritten
        vocabulary_cache.cached_vocabulary.cache_clear()
        assert vocabulary_cache.cached_vocabulary().symptoms == first.symptoms
        assert isinstance(pickle.loads(files[0].read_bytes()), type(first))
        monkeypatch.setattr(vocabulary_cache, "fingerprint", lambda: "changed")
        vocabulary_cache.cached_vocabulary.cache_clear()
        vocabulary_cache.cached_vocabulary()  # another fingerprint: another file
        assert (tmp_path / "flarewise" / "vocabulary-changed.pickle").is_file()
    finally:
        vocabulary_cache.cached_vocabulary.cache_clear()
