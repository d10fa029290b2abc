"""``Journal.reading()`` (``Database.shared``): a page's reads share one connection and one
transaction, see what was written before the block, and leave nothing held behind."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from flarewise import Journal, SymptomCheckin
from flarewise.errors import NotFound


def _checkouts(journal: Journal) -> list[object]:
    seen: list[object] = []
    sa.event.listen(journal.db.engine, "checkout", lambda *a: seen.append(a[0]))
    return seen


def test_reads_in_a_block_share_one_connection(journal: Journal, t0: datetime) -> None:
    journal.add(SymptomCheckin(at=t0, scores={"pain": 4}))
    seen = _checkouts(journal)
    with journal.reading():
        journal.profile()
        journal.regimens()
        [day] = journal.daily_summaries(t0.date(), t0.date())
        journal.plan(on=t0.date())
    assert len(seen) == 1 and day.measures["symptom:pain"].total == 4
    journal.profile()
    journal.regimens()
    assert len(seen) == 3  # outside a block, one transaction each as before


def test_a_block_sees_what_was_written_before_it(journal: Journal, t0: datetime) -> None:
    other = Journal.for_person(journal.db, journal.handle)  # another request's journal
    with journal.reading():
        assert journal.daily_summaries(t0.date(), t0.date()) == []
    other.add(SymptomCheckin(at=t0, scores={"pain": 7}))
    with journal.reading():
        [day] = journal.daily_summaries(t0.date(), t0.date())
        assert day.measures["symptom:pain"].total == 7
        plan = journal.plan(on=t0.date() + timedelta(days=1))
    assert plan == journal.plan(on=t0.date() + timedelta(days=1))


def test_an_error_in_a_block_leaves_nothing_held(journal: Journal, t0: datetime) -> None:
    seen = _checkouts(journal)
    with pytest.raises(NotFound), journal.reading():
        journal.profile()
        journal.get("no-such-entry")
    assert len(seen) == 1
    journal.add(SymptomCheckin(at=t0, scores={"pain": 3}))  # its own transaction, committed
    with journal.db.begin(rollback=True) as conn:  # a dry run never joins a block
        assert conn is not None
    assert journal.count() == 1
    assert journal.db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
