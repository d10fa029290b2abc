"""Daily summaries read from the packed day rows (storage/summaries.py) hold exactly what the
per-(day, measure) aggregates hold, on both databases, through writes, corrections, deletes,
restores and a second person's writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from flarewise import Intake, Journal, Note, SymptomCheckin
from flarewise.domain.summaries import DaySummary, MeasureStats
from flarewise.storage.tables import daily_values, entries


def _from_aggregates(j: Journal, start: date, end: date) -> list[DaySummary]:
    """The summaries as the library computed them before the packed rows: every
    ``daily_values`` row and the entries counted per day."""
    pid = j._repo.pid
    measures: dict[date, dict[str, MeasureStats]] = {}
    with j.db.begin() as conn:
        for day, m, n, total, lo, hi in conn.execute(
            sa.select(
                daily_values.c.local_date,
                daily_values.c.measure,
                daily_values.c.n,
                daily_values.c.total,
                daily_values.c.minimum,
                daily_values.c.maximum,
            ).where(
                daily_values.c.person_id == pid,
                daily_values.c.local_date.between(start, end),
            )
        ):
            measures.setdefault(day, {})[m] = MeasureStats(n, total, total / n, lo, hi)
        counts = dict(
            conn.execute(
                sa.select(entries.c.local_date, sa.func.count())
                .where(entries.c.person_id == pid, entries.c.local_date.between(start, end))
                .group_by(entries.c.local_date)
            ).all()
        )
    return [DaySummary(d, counts[d], measures.get(d, {})) for d in sorted(counts)]


def _same(j: Journal, start: date, end: date) -> list[DaySummary]:
    got = j.daily_summaries(start, end)
    assert got == _from_aggregates(j, start, end)
    return got


def test_a_demo_year_reads_the_same_as_its_aggregates(journal: Journal, t0: datetime) -> None:
    start = t0.date() - timedelta(days=120)
    journal.write_demo(start=start, days=120, seed=5)
    days = _same(journal, start, t0.date())
    assert len(days) >= 100
    assert sum(len(d.measures) for d in days) > 20 * len(days)  # many measures a day
    assert _same(journal, start + timedelta(days=10), start + timedelta(days=12))
    assert journal.daily_summaries(t0.date() + timedelta(days=1), t0.date() + timedelta(1)) == []


def test_writes_changes_and_deletes_keep_the_day_rows_exact(
    journal: Journal, db_url: str, t0: datetime
) -> None:
    other = Journal.for_person(journal.db, "other")
    other.add(SymptomCheckin(at=t0, scores={"pain": 9}))
    first = journal.add(SymptomCheckin(at=t0, scores={"pain": 4, "fatigue": 6}))
    journal.add_many(
        [SymptomCheckin(at=t0 + timedelta(hours=h), scores={"pain": 0.1 * h}) for h in range(1, 9)]
        + [Intake(at=t0, substance="magnesium", amount=200, unit="mg")]
    )
    journal.add(SymptomCheckin(at=t0 + timedelta(hours=1), scores={"pain": 0.7}))  # same day
    note = journal.add(Note(at=t0 - timedelta(days=1), text="no measures, still a day"))
    span = (t0.date() - timedelta(days=3), t0.date() + timedelta(days=3))
    [before, today] = _same(journal, *span)
    assert before.entries == 1 and before.measures == {}
    assert today.entries == 11 and today.measures["symptom:pain"].n == 10

    journal.correct(first.id, at=t0 - timedelta(days=1))  # moves to the day before
    journal.delete(note.id)
    [before, today] = _same(journal, *span)
    assert before.entries == 1 and before.measures["symptom:fatigue"].total == 6
    assert today.measures["symptom:pain"].maximum == 0.8
    journal.delete(first.id)
    [today] = _same(journal, *span)
    assert today.day == t0.date()
    [theirs] = other.daily_summaries(*span)
    assert theirs.entries == 1 and theirs.measures["symptom:pain"].total == 9

    backup = journal.export_backup()
    journal.restore(backup, replace=True)
    [restored] = _same(journal, *span)  # sums may be added in another order: not compared
    assert (restored.day, restored.entries, set(restored.measures)) == (
        today.day,
        today.entries,
        set(today.measures),
    )
    journal.restore(backup.model_copy(update={"entries": ()}), replace=True)
    assert journal.daily_summaries(*span) == []


def test_asking_for_some_measures_gives_exactly_those(journal: Journal, t0: datetime) -> None:
    start = t0.date() - timedelta(days=30)
    journal.write_demo(start=start, days=30, seed=2)
    journal.add(Note(at=t0 - timedelta(days=40), text="a day without measures"))
    wanted = {"symptom:pain", "symptom:fatigue", "not:a-measure"}
    span = (t0.date() - timedelta(days=45), t0.date())
    full = journal.daily_summaries(*span)
    some = journal.daily_summaries(*span, measures=wanted)
    assert [(d.day, d.entries) for d in some] == [(d.day, d.entries) for d in full]
    assert [d.measures for d in some] == [
        {m: s for m, s in d.measures.items() if m in wanted} for d in full
    ]
    assert any(d.measures for d in some) and some[0].measures == {}


def test_the_trend_line_is_the_trailing_week_it_always_was() -> None:
    """``charts.rolling`` walks the window forward instead of rescanning every earlier day:
    the same means and spreads as the direct definition, gaps in the diary included."""
    import random

    from flarewise.reports.charts import rolling

    rng = random.Random(4)
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(200) if rng.random() < 0.7]
    values = [(d.isoformat(), round(rng.uniform(0, 10), 1)) for d in days]
    expected = []
    for k, d in enumerate(days):
        window = [v for e, v in values[: k + 1] if (d - date.fromisoformat(e)).days < 7]
        if len(window) < 3:
            continue
        mean = sum(window) / len(window)
        sd = (sum((v - mean) ** 2 for v in window) / (len(window) - 1)) ** 0.5
        expected.append(
            {
                "date": d.isoformat(),
                "mean": round(mean, 2),
                "low": round(max(0.0, mean - sd), 2),
                "high": round(min(10.0, mean + sd), 2),
            }
        )
    assert rolling(values) == expected and len(expected) > 100
