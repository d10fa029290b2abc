"""One row per person and local date holding that day's entry count and every measure's
aggregates, kept current in the same transaction as each write (table ``daily_summaries``).

Why: a year of the demo person's diary has ~48 measures a day, so the per-(day, measure)
aggregates of ``daily_values`` are ~16,000 rows; fetching and converting that many rows cost
15-50 ms on SQLite and 16-97 ms on PostgreSQL (issue 17), more than the pages that read them
could afford. Packed one day to a row, a year is ~365 rows. ``daily_values`` stays the source
these rows are rebuilt from after a change or delete; inserts merge their own aggregates in
without reading it back.

The packed form: ``measures``, the day's measure names joined by newlines, and ``stats``, per
measure in the same order ``n, total, mean, minimum, maximum`` as little-endian int64 and four
doubles. ``struct`` turns that into the statistics' tuples in C, about half the CPU time of
decoding the same day as JSON (measured 6 against 11-12 ms for a demo year, and the JSON
parse alone 7 ms). The values read back are the very doubles ``daily_values`` holds (the merge
adds in the same order as its upsert does, the mean is ``total / n`` as it always was).
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from flarewise.domain.summaries import MeasureStats
from flarewise.storage.params import Codec, ExecuteMany, Fetch

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

COLUMNS = ("person_id", "local_date", "entries", "measures", "stats")
#: One measure's statistics: n, total, mean, minimum, maximum.
STATS = struct.Struct("<qdddd")
_stats = MeasureStats._make


def pack(measures: dict[str, list[Any]]) -> tuple[str, bytes]:
    """A day's ``{measure: [n, total, minimum, maximum]}`` as stored (names, statistics)."""
    blob = b"".join(STATS.pack(n, t, t / n, lo, hi) for n, t, lo, hi in measures.values())
    return "\n".join(measures), blob


def unpack(
    names: str, stats: bytes, only: Collection[str] | None = None
) -> dict[str, MeasureStats]:
    """A stored day as the statistics the library hands out; with ``only``, just those measures
    (a page that draws 5 of a day's ~48 measures converts 5)."""
    if only is None:
        return dict(zip(names.split("\n"), map(_stats, STATS.iter_unpack(stats)), strict=False))
    size, read = STATS.size, STATS.unpack_from
    return {
        m: _stats(read(stats, i * size))
        for i, m in enumerate(names.split("\n"))
        if m in only and stats
    }


def _editable(names: str, stats: bytes) -> dict[str, list[Any]]:
    return {m: [s.n, s.total, s.minimum, s.maximum] for m, s in unpack(names, stats).items()}


class DaySummaries:
    """Reads and maintains one person's packed day rows through the driver's own cursor."""

    def __init__(self, codec: Codec, person_id: int) -> None:
        self.codec = codec
        self.pid = person_id
        self._upsert = (
            codec.insert_sql("daily_summaries", COLUMNS)
            + " ON CONFLICT (person_id, local_date) DO UPDATE SET"
            " entries = excluded.entries, measures = excluded.measures, stats = excluded.stats"
        )

    def _stored(self, fetch: Fetch, days: Sequence[Any]) -> dict[Any, tuple[int, str, bytes]]:
        ph = self.codec.placeholder
        found: dict[Any, tuple[int, str, bytes]] = {}
        for i in range(0, len(days), 500):
            chunk = days[i : i + 500]
            sql = (
                "SELECT local_date, entries, measures, stats FROM daily_summaries "
                f"WHERE person_id = {ph} AND local_date IN ({', '.join([ph] * len(chunk))})"
            )
            for day, n, names, stats in fetch(sql, (self.pid, *chunk)):
                found[day] = (n, names, bytes(stats))
        return found

    def merge(
        self,
        run: ExecuteMany,
        fetch: Fetch,
        entry_days: Iterable[Any],
        daily: Sequence[tuple[Any, ...]],
    ) -> None:
        """Add a batch of new entries (their local dates, codec form) and their per-(day,
        measure) aggregates (``daily_params`` rows) to the stored days."""
        counts = Counter(entry_days)
        if not counts:
            return
        stored = self._stored(fetch, list(counts))
        days: dict[Any, dict[str, list[Any]]] = {
            day: _editable(*stored[day][1:]) if day in stored else {} for day in counts
        }
        for _, day, measure, n, total, lo, hi in daily:
            measures = days[day]
            old = measures.get(measure)
            if old is None:
                measures[measure] = [n, total, lo, hi]
            else:
                measures[measure] = [old[0] + n, old[1] + total, min(old[2], lo), max(old[3], hi)]
        rows = [
            (self.pid, day, counts[day] + (stored[day][0] if day in stored else 0), *pack(m))
            for day, m in days.items()
        ]
        run(self._upsert, rows)

    def rebuild(self, conn: Connection, days: Iterable[Any]) -> None:
        """Recompute the stored rows of ``days`` (codec form) from ``entries`` and
        ``daily_values`` (after an entry was changed or deleted)."""
        from flarewise.storage.raw import fetch_raw as _cursor_rows

        days = sorted(set(days))
        ph = self.codec.placeholder
        for day in days:
            key = (self.pid, day)
            conn.exec_driver_sql(
                f"DELETE FROM daily_summaries WHERE person_id = {ph} AND local_date = {ph}", key
            )
            [(count,)] = _cursor_rows(
                conn,
                f"SELECT count(*) FROM entries WHERE person_id = {ph} AND local_date = {ph}",
                key,
            )
            if not count:
                continue
            measures = {
                m: [n, t, lo, hi]
                for m, n, t, lo, hi in _cursor_rows(
                    conn,
                    "SELECT measure, n, total, minimum, maximum FROM daily_values "
                    f"WHERE person_id = {ph} AND local_date = {ph} ORDER BY measure",
                    key,
                )
            }
            conn.exec_driver_sql(self._upsert, [(self.pid, day, count, *pack(measures))])
