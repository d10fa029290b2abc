"""Inside one page's transaction (Database.shared, Journal.reading) the profile, medicines and
trackables are read once, however often the page asks; a write in the block forgets them, and
outside a block nothing is kept. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from flarewise.domain.regimens import DoseStep, Regimen
from flarewise.journal import Journal


def _selects(j: Journal) -> list[str]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]).lstrip().split()[0].upper())

    sa.event.listen(j.db.engine, "before_cursor_execute", count)
    return seen


def test_a_page_reads_the_profile_and_medicines_once(journal: Journal) -> None:
    journal.add_regimen(Regimen(substance="magnesium", steps=(DoseStep(start=date(2026, 1, 1)),)))
    seen = _selects(journal)
    with journal.reading():
        for _ in range(5):
            assert journal.profile().display_name is None
            assert [r.substance for r in journal.regimens()] == ["magnesium"]
            journal.trackables()
    assert seen.count("SELECT") == 3

    seen.clear()
    for _ in range(2):  # outside a block: read every time
        journal.profile()
    assert seen.count("SELECT") == 2


def test_a_write_in_the_block_forgets_what_was_kept(journal: Journal) -> None:
    with journal.reading():
        assert journal.profile().display_name is None
        journal.update_profile(display_name="Alice")
        assert journal.profile().display_name == "Alice"
        regimens = journal.regimens()
        regimens.append(regimens[0] if regimens else None)  # type: ignore[arg-type]
        assert journal.regimens() == []  # the caller's list is its own
    assert journal.profile().display_name == "Alice"


def test_the_same_days_are_read_once_a_page(
    journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Day rows are read through the driver's own cursor (no SQLAlchemy event sees them), so
    the repository's reads are counted; entries are written through SQLAlchemy's
    exec_driver_sql, which the forgetting does see."""
    from datetime import UTC, datetime, timedelta

    from flarewise.domain.entries import SymptomCheckin
    from flarewise.storage.repository import PersonRepository

    reads: list[tuple[object, ...]] = []
    real = PersonRepository.daily

    def counted(self: PersonRepository, *args: Any) -> Any:
        reads.append(args[1:3])
        return real(self, *args)

    monkeypatch.setattr(PersonRepository, "daily", counted)
    now = datetime.now(UTC)
    journal.add(SymptomCheckin(at=now - timedelta(days=1), scores={"pain": 5}))
    today = journal.today()
    start = today - timedelta(days=89)
    with journal.reading():
        first = journal.daily_summaries(start, today)
        again = journal.daily_summaries(start, today)
        journal.daily_summaries(today - timedelta(days=29), today)  # another range: read
        journal.daily_summaries(start, today, measures=["symptom:pain"])  # other measures: read
        assert len(reads) == 3 and first == again and first is not again
        assert [d.mean("symptom:pain") for d in first] == [5.0]
        journal.add(SymptomCheckin(at=now - timedelta(days=1), scores={"pain": 7}))
        assert [d.mean("symptom:pain") for d in journal.daily_summaries(start, today)] == [6.0]
    assert len(reads) == 4
