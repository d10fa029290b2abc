"""`flarewise insights` reads an up-to-date SQLite journal through the driver
(journal/lite_reader.py, no SQLAlchemy) and must say exactly what `Journal.insights()` says on
the same data (issue 17: the command within 0.6 s on a year)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite as sqlite_dialect

from flarewise import Journal, open_journal
from flarewise.domain.entries import CustomValue
from flarewise.domain.trackables import Trackable
from flarewise.journal.insights import measure_meanings
from flarewise.journal.lite_reader import LiteReader, open_lite_reader
from flarewise.storage import lite
from flarewise.storage.tables import entries, regimens

from .conftest import cli_against


def _sql(statement: Any) -> str:
    return " ".join(str(statement.compile(dialect=sqlite_dialect.dialect())).split())


def test_the_reads_are_the_sql_sqlalchemy_compiles_from_the_tables() -> None:
    # the repository's date span, and its regimen list (the data column only)
    pid = entries.c.person_id == sa.bindparam("p")
    span = sa.select(sa.func.min(entries.c.local_date), sa.func.max(entries.c.local_date))
    assert _sql(span.where(pid)) == lite.SQL_DATE_SPAN
    listed = (
        sa.select(regimens.c.data)
        .where(regimens.c.person_id == sa.bindparam("p"))
        .order_by(regimens.c.start_date, regimens.c.id)
    )
    assert _sql(listed) == lite.SQL_REGIMENS


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A year of the demo person's diary, plus a custom trackable logged on some days."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'journal.db'}"
    with open_journal(url, "demo") as j:
        j.write_demo()
        j.define_trackable(Trackable(id="cold_shower", name="Cold shower", value_type="yes_no"))
        _, last = j.date_span()
        assert last is not None
        evening = datetime.combine(last, time(19, 0), tzinfo=j.timezone())
        showers = [
            CustomValue(at=evening - timedelta(days=d), trackable="cold_shower", value=d % 3 == 0)
            for d in range(0, 200, 2)
        ]
        j.add_many(showers)
    return url


@pytest.fixture
def both(demo_url: str) -> Any:
    reader = open_lite_reader(demo_url, "demo")
    assert isinstance(reader, LiteReader)
    journal = open_journal(demo_url, "demo")
    yield reader, journal
    reader.close()
    journal.close()


def _plain(obj: Any) -> str:
    return json.dumps(asdict(obj), default=str, sort_keys=True)


def test_the_driver_reads_give_what_the_journal_reads(both: tuple[LiteReader, Journal]) -> None:
    reader, journal = both
    first, last = journal.date_span()
    assert first is not None and last is not None
    assert reader.date_span() == (first, last)
    assert reader.daily_summaries(first, last) == journal.daily_summaries(first, last)
    some = date(last.year, last.month, 1)
    assert reader.daily_summaries(some, last) == journal.daily_summaries(some, last)
    assert reader.regimens() == journal.regimens() and reader.regimens()
    assert reader.trackables() == journal.trackables() and reader.trackables()
    assert reader.today() == journal.today()
    meanings = measure_meanings(reader)
    assert meanings == measure_meanings(journal)
    assert meanings[0]["custom:cold_shower"] == "any" and meanings[1]["custom:cold_shower"]
    summaries = reader.daily_summaries(first, last)
    assert any("custom:cold_shower" in s.measures for s in summaries)
    assert reader.vocabulary.symptoms.keys() == journal.vocabulary.symptoms.keys()


@pytest.mark.parametrize(("fdr", "cap"), [("bh", 20), ("by", None)])
def test_the_insights_are_the_journals(
    both: tuple[LiteReader, Journal], fdr: str, cap: int | None
) -> None:
    reader, journal = both
    mine = reader.insights(fdr=fdr, max_hits=cap)
    assert mine.triggers and mine.flares and mine.before_after
    assert _plain(mine) == _plain(journal.insights(fdr=fdr, max_hits=cap))


@pytest.mark.parametrize("args", [[], ["--all"], ["--json"], ["--fdr", "by", "--json", "--all"]])
def test_the_command_says_what_the_journal_says(
    demo_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    """The command on the driver path, and on the full journal (a URL the driver path leaves
    to SQLAlchemy), print the same; the JSON holds Journal.insights() field for field."""
    cli = cli_against(demo_url, monkeypatch, tmp_path, capsys)
    code, fast, err = cli("--person", "demo", "insights", *args)
    assert code == 0, err
    full_url = demo_url + "?timeout=30"  # the driver path takes plain file URLs only
    assert open_lite_reader(full_url, "demo") is None
    cli = cli_against(full_url, monkeypatch, tmp_path, capsys)
    code, slow, err = cli("--person", "demo", "insights", *args)
    assert code == 0, err
    assert fast == slow and fast.strip()
    if "--json" in args:
        fdr = "by" if "by" in args else "bh"
        with open_journal(demo_url, "demo") as j:
            ins = j.insights(fdr=fdr, max_hits=None if "--all" in args else 20)
        data = json.loads(fast)
        expected = json.loads(json.dumps(asdict(ins), default=str))
        for key, value in expected.items():
            if key in ("triggers", "explained"):  # the command adds the wording to each row
                shown = [{k: r[k] for k in e} for r, e in zip(data[key], value, strict=True)]
                assert shown == value, key
            else:
                assert data[key] == value, key
    else:
        assert "comparisons tested" in fast and "Flare " in fast


def test_the_usual_way_is_taken_when_the_driver_cannot(tmp_path: Path, demo_url: str) -> None:
    assert open_lite_reader(demo_url, "someone_else") is None
    assert open_lite_reader(f"sqlite:///{tmp_path / 'missing.db'}", "demo") is None
    assert open_lite_reader("postgresql+psycopg://localhost/test", "demo") is None
