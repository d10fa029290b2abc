"""A year of daily summaries from ``daily_values`` and ``entries``, on any driver connection.

Why here and not in the repository: the same read serves :class:`PersonRepository` (inside a
SQLAlchemy transaction) and :class:`flarewise.storage.lite.LiteStore` (``flarewise insights``
on SQLite through the driver, without importing SQLAlchemy). One function, so the two give the
very same summaries. Rows come back as plain driver tuples: for a few thousand rows of simple
columns, SQLAlchemy's per-row Result machinery cost more than the query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from flarewise.domain.summaries import DaySummary, MeasureStats
from flarewise.storage.params import Codec, gc_paused

#: runs one statement with its parameters and returns every row as a driver tuple
Fetch = Callable[[str, tuple[Any, ...]], list[Any]]


def daily_sql(codec: Codec) -> tuple[str, str]:
    """The two statements: per-day measure aggregates, and per-day entry counts."""
    ph = codec.placeholder
    values = (
        "SELECT local_date, measure, n, total, minimum, maximum FROM daily_values "
        f"WHERE person_id = {ph} AND local_date >= {ph} AND local_date <= {ph}"
    )
    counts = (
        "SELECT local_date, count(*) FROM entries "
        f"WHERE person_id = {ph} AND local_date >= {ph} AND local_date <= {ph} "
        "GROUP BY local_date"
    )
    return values, counts


def read_daily(
    fetch: Fetch, codec: Codec, person_id: int, start: date, end: date
) -> list[DaySummary]:
    """Per local date from ``start`` to ``end``: entry count and, per measure, n / total /
    mean / min / max; days with neither are left out."""
    with gc_paused():
        bounds = (person_id, codec.day(start), codec.day(end))
        values_sql, counts_sql = daily_sql(codec)
        measures: dict[Any, dict[str, MeasureStats]] = defaultdict(dict)
        for day, measure, n, total, lo, hi in fetch(values_sql, bounds):
            measures[day][measure] = MeasureStats(n, total, total / n, lo, hi)
        counts = dict(fetch(counts_sql, bounds))
        as_date = date.fromisoformat if codec.sqlite else (lambda d: d)
        return [
            DaySummary(as_date(day), counts.get(day, 0), measures.get(day, {}))
            for day in sorted(set(counts) | set(measures))
        ]
