"""A span of daily summaries from the packed day rows (``daily_summaries``, see
storage/summaries.py), on any driver connection.

Why here and not in the repository: the same read serves :class:`PersonRepository` (inside a
SQLAlchemy transaction) and :class:`flarewise.storage.lite.LiteStore` (``flarewise insights``
on SQLite through the driver, without importing SQLAlchemy). One function, so the two give the
very same summaries. A year is ~365 rows of plain driver tuples.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from flarewise.domain.summaries import DaySummary
from flarewise.storage.params import Codec, Fetch, gc_paused
from flarewise.storage.summaries import unpack


def daily_sql(codec: Codec) -> str:
    """The one statement: a person's packed day rows in a date range, in date order."""
    ph = codec.placeholder
    return (
        "SELECT local_date, entries, measures, stats FROM daily_summaries "
        f"WHERE person_id = {ph} AND local_date >= {ph} AND local_date <= {ph} "
        "ORDER BY local_date"
    )


def read_daily(
    fetch: Fetch,
    codec: Codec,
    person_id: int,
    start: date,
    end: date,
    measures: Collection[str] | None = None,
) -> list[DaySummary]:
    """Per local date from ``start`` to ``end`` with entries: entry count and, per measure,
    n / total / mean / min / max; with ``measures``, only those are converted."""
    as_date = date.fromisoformat if codec.sqlite else (lambda d: d)
    with gc_paused():
        return [
            DaySummary(as_date(day), count, unpack(names, bytes(stats), measures))
            for day, count, names, stats in fetch(
                daily_sql(codec), (person_id, codec.day(start), codec.day(end))
            )
        ]
