"""A year of daily summaries, as the timeline, the plan and insights read them, on SQLite and
PostgreSQL, beside the floor and the former per-(day, measure) read, interleaved.

One person with a year of demo data ending today (`flarewise demo --years 1`: ~48 measures a
day, ~16,000 per-(day, measure) aggregates). Each round times, back to back and in turn:
- library: `Journal.daily_summaries` over the 365 days (one packed row a day);
- before: the read as it was until issue 17, reproduced here: every `daily_values` row of the
  year through the driver's cursor, plus entries counted per day, built into the same objects;
- floor: one `SELECT 1` in a transaction through the same connection pool (what any read pays).
Prints medians of wall and CPU time with the range over rounds. Target (issue 17): <= 20 ms.

    python benchmarks/summaries.py [--rounds 5] [--repeat 20] [--backend sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from _machine import describe
from _pg import on_backends
from flarewise.demo import years_ending
from flarewise.domain.summaries import DaySummary, MeasureStats
from flarewise.journal import Journal, open_database
from flarewise.storage.params import gc_paused
from flarewise.storage.raw import fetch_raw


def _before(j: Journal, start: date, end: date) -> list[DaySummary]:
    """The summary read before the packed rows (repository code of 746986a)."""
    repo = j._repo
    codec = repo.codec
    bounds = (repo.pid, codec.day(start), codec.day(end))
    ph = codec.placeholder
    with j.db.begin() as conn, gc_paused():
        measures: dict[Any, dict[str, MeasureStats]] = {}
        sql = (
            "SELECT local_date, measure, n, total, minimum, maximum FROM daily_values "
            f"WHERE person_id = {ph} AND local_date >= {ph} AND local_date <= {ph}"
        )
        for day, measure, n, total, lo, hi in fetch_raw(conn, sql, bounds):
            measures.setdefault(day, {})[measure] = MeasureStats(n, total, total / n, lo, hi)
        sql = (
            "SELECT local_date, count(*) FROM entries "
            f"WHERE person_id = {ph} AND local_date >= {ph} AND local_date <= {ph} "
            "GROUP BY local_date"
        )
        counts = dict(fetch_raw(conn, sql, bounds))
        as_date = date.fromisoformat if codec.sqlite else (lambda d: d)
        return [
            DaySummary(as_date(day), counts.get(day, 0), measures.get(day, {}))
            for day in sorted(set(counts) | set(measures))
        ]


def _floor(j: Journal) -> None:
    with j.db.begin() as conn:
        conn.exec_driver_sql("SELECT 1").all()


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def run(name: str, url: str, rounds: int, repeat: int) -> None:
    db = open_database(url)
    try:
        j = Journal.for_person(db, "year")
        first, days = years_ending(1, date.today())
        j.write_demo(start=first, days=days, replace=True, seed=1)
        end = first + timedelta(days=days - 1)
        start = end - timedelta(days=364)
        new = j.daily_summaries(start, end)
        assert new == _before(j, start, end)  # the same summaries, exactly
        rows = sum(len(d.measures) for d in new)
        contenders: dict[str, Callable[[], object]] = {
            "floor": lambda: _floor(j),
            "library": lambda: j.daily_summaries(start, end),
            "before": lambda: _before(j, start, end),
        }
        got: dict[str, list[tuple[float, float]]] = {k: [] for k in contenders}
        for _ in range(rounds):
            for k, fn in contenders.items():
                fn()  # warm
                got[k].append(_time(fn, repeat))
        print(f"\n{name}: {len(new)} days, {rows} per-(day, measure) aggregates")
        for k, runs in got.items():
            wall = [w for w, _ in runs]
            cpu = [c for _, c in runs]
            print(
                f"  {k:8s} wall {statistics.median(wall):6.1f} ms ({min(wall):.1f}-{max(wall):.1f})"
                f"  cpu {statistics.median(cpu):6.1f} ms ({min(cpu):.1f}-{max(cpu):.1f})"
            )
        ratio = [b[0] / a[0] for a, b in zip(got["library"], got["before"], strict=True)]
        print(f"  before / library, round by round: {min(ratio):.1f}x-{max(ratio):.1f}x")
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(f"Machine: {describe()}")
    on_backends(
        args.backend, "summaries", lambda label, url: run(label, url, args.rounds, args.repeat)
    )


if __name__ == "__main__":
    main()
