"""No query for person A ever returns, changes or reveals a row of person B, for every kind."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from flarewise import DoseStep, Journal, NotFound, Regimen, open_journal

from .samples import fill


def test_people_never_see_each_other(db_url: str, t0: datetime) -> None:
    a = open_journal(db_url, "alice")
    b = open_journal(db_url, "bob")
    try:
        a_entries = fill(a, t0)
        b_entries = fill(b, t0)
        a.update_profile(birth_year=1970, conditions=[{"condition": "fibromyalgia"}])
        b.update_profile(birth_year=1990, conditions=[{"condition": "migraine"}])
        ra = a.add_regimen(
            Regimen(
                substance="duloxetine",
                steps=[DoseStep(start=date(2025, 1, 1), amount=30, unit="mg")],
            )
        )
        rb = b.add_regimen(
            Regimen(
                substance="pregabalin",
                steps=[DoseStep(start=date(2025, 1, 1), amount=75, unit="mg")],
            )
        )
        b_ids = {e.id for e in b_entries}
        a_ids = {e.id for e in a_entries}
        assert not a_ids & b_ids

        # every read API of A returns only A's rows
        assert {e.id for e in a.entries()} == a_ids
        for kind in {e.kind for e in b_entries}:  # type: ignore[attr-defined]
            assert {e.id for e in a.entries(kinds=[kind])} <= a_ids
        assert {e.id for e in a.day(t0.date())} == a_ids
        [day] = a.daily_summaries(t0.date(), t0.date())
        assert day.entries == len(a_ids)
        assert a.count() == len(a_ids)
        assert [r.id for r in a.regimens()] == [ra.id]
        assert a.profile().birth_year == 1970
        assert {e.entry.id for e in a.export_backup().entries} == a_ids

        # B's ids are "not found" to A: no read, correction or deletion, and no hint they exist
        for e in b_entries:
            with pytest.raises(NotFound) as info:
                a.get(e.id)
            assert "this journal" in str(info.value)
            with pytest.raises(NotFound):
                a.update(e)
            with pytest.raises(NotFound):
                a.delete(e.id)
            with pytest.raises(NotFound):
                a.find_id(e.id[:8])
        with pytest.raises(NotFound):
            a.regimen(rb.id)
        with pytest.raises(NotFound):
            a.delete_regimen(rb.id)
        with pytest.raises(NotFound):
            a.stop_regimen(rb.id, date(2025, 6, 1))

        # and B is unchanged by everything A tried
        assert {e.id for e in b.entries()} == b_ids
        assert b.regimen(rb.id) == rb
        assert b.profile().birth_year == 1990
    finally:
        a.close()
        b.close()


def test_restore_into_one_person_leaves_the_other_alone(db_url: str, t0: datetime) -> None:
    a = open_journal(db_url, "alice")
    b = open_journal(db_url, "bob")
    try:
        fill(a, t0)
        b_entries = fill(b, t0 - timedelta(days=1))
        backup = a.export_backup()
        a.restore(backup, replace=True)
        # the same backup into a third person: ids may repeat across people without collision
        c = Journal.for_person(a.db, "carol")
        c.restore(backup)
        assert {e.id for e in c.entries()} == {e.entry.id for e in backup.entries}
        assert {e.id for e in b.entries()} == {e.id for e in b_entries}
    finally:
        a.close()
        b.close()
