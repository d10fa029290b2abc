"""Journal write and read speed on SQLite and PostgreSQL, against a bare executemany floor.

Writes 5 years of a heavy user's diary (about 60 entries a day, about 110,000 entries) through
``Journal.add_many`` into a fresh database, then inserts exactly the same table rows with a bare
DBAPI ``executemany`` (the floor: no validation, no vocabulary, no ORM) into another fresh
database, and reads a year of daily summaries back. Prints rows/s for both and the ratio.

Targets (issue 2): library bulk write >= 0.5 x the floor's rate; a year of daily summaries
< 100 ms on SQLite.

    python benchmarks/journal.py [--years 5] [--backend sqlite|postgresql|both]

PostgreSQL: the server in ``FLAREWISE_TEST_PG_URL`` (as the tests), in a throw-away schema.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from _machine import describe
from _pg import PG_URL, in_schema
from flarewise import (
    Activity,
    CustomValue,
    FoodPortion,
    Intake,
    Meal,
    Measurement,
    MindBody,
    Sleep,
    SymptomCheckin,
    Trackable,
)
from flarewise.domain.entries import EntryBase
from flarewise.journal import Journal, open_database
from flarewise.knowledge import load_vocabulary, measures_of
from flarewise.storage.rows import (
    DAILY_COLUMNS,
    ENTRY_COLUMNS,
    VALUE_COLUMNS,
    Codec,
    daily_params,
    entry_params,
    value_params,
)
from flarewise.storage.summaries import COLUMNS as SUMMARY_COLUMNS
from flarewise.storage.summaries import pack

START = date(2020, 1, 1)


def heavy_diary(years: int, seed: int = 1) -> list[EntryBase]:
    """About 60 entries a day: 6 check-ins, 16 intakes, 12 meals and snacks, 8 activities,
    1 sleep, 6 mind-body, 6 measurements and 5 custom values."""
    rng = random.Random(seed)
    tz = timezone(timedelta(hours=1))
    supps = [
        ("magnesium", "mg", 100),
        ("vitamin_d", "IU", 1000),
        ("omega_3", "mg", 500),
        ("coq10", "mg", 100),
        ("duloxetine", "mg", 30),
        ("curcumin", "mg", 500),
        ("probiotic", "billion CFU", 10),
        ("melatonin", "mg", 1),
    ]
    foods = sorted(load_vocabulary().foods)
    out: list[EntryBase] = []
    for d in range(365 * years):
        day = datetime.combine(START + timedelta(days=d), datetime.min.time(), tzinfo=tz)

        def at(hour: float) -> datetime:
            return day + timedelta(minutes=hour * 60 + rng.randint(0, 20))  # noqa: B023

        out.append(Sleep(at=at(7), bed_at=at(7) - timedelta(hours=7.5), quality=rng.randint(2, 8)))
        for h in (8, 11, 14, 17, 20, 22):
            out.append(
                SymptomCheckin(
                    at=at(h),
                    scores={
                        "pain": rng.randint(2, 8),
                        "fatigue": rng.randint(2, 8),
                        "fibro_fog": rng.randint(0, 7),
                        "mood": rng.randint(3, 9),
                        "stress": rng.randint(1, 8),
                    },
                )
            )
        for k in range(16):
            s, unit, amount = supps[k % len(supps)]
            out.append(Intake(at=at(7.5 + k * 0.8), substance=s, amount=amount, unit=unit))
        for k in range(12):
            out.append(
                Meal(
                    at=at(7 + k * 1.2),
                    foods=[FoodPortion(food=rng.choice(foods)) for _ in range(3)],
                )
            )
        for k in range(8):
            out.append(Activity(at=at(9 + k), activity="walking", minutes=rng.randint(5, 30)))
        for k in range(6):
            out.append(MindBody(at=at(9.5 + k * 2), practice="breathing", minutes=5))
        for k in range(6):
            out.append(
                Measurement(
                    at=at(10 + k * 2), metric="heart_rate", value=rng.randint(55, 95), unit="/min"
                )
            )
        for k in range(5):
            out.append(
                CustomValue(at=at(12 + k), trackable="water_glasses", value=rng.randint(0, 3))
            )
    return out


def fresh_url(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        path = tmp / f"{uuid.uuid4().hex}.db"
        return f"sqlite:///{path}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return in_schema(PG_URL, schema), drop


def floor_insert(url: str, entries: list[EntryBase]) -> tuple[float, int]:
    """The same rows, inserted with a bare DBAPI executemany in one transaction.

    The rows (entries, their derived values, the per-day aggregates and the packed day rows) are
    built before the
    clock starts, in exactly the form the library hands its driver, so the floor measures only
    the database and driver.
    """
    vocab = load_vocabulary()
    db = open_database(url)
    pid = Journal.for_person(db, "floor")._repo.pid
    codec = Codec(db.dialect)
    now = datetime.now(UTC).replace(tzinfo=None)
    stamp = codec.when(now)
    rows = [entry_params(codec, pid, e, stamp, stamp) for e in entries]
    vals = [v for e in entries for v in value_params(codec, pid, e, measures_of(e, vocab))]
    daily = daily_params(codec, pid, vals)
    days: dict[Any, dict[str, list[Any]]] = {}
    for _, day, measure, n, total, lo, hi in daily:
        days.setdefault(day, {})[measure] = [n, total, lo, hi]
    counts = Counter(r[5] for r in rows)
    packed = [(pid, day, n, *pack(days.get(day, {}))) for day, n in counts.items()]
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        t = time.perf_counter()
        cur.executemany(codec.insert_sql("entries", ENTRY_COLUMNS), rows)
        cur.executemany(codec.insert_sql("entry_values", VALUE_COLUMNS), vals)
        cur.executemany(codec.insert_sql("daily_values", DAILY_COLUMNS), daily)
        cur.executemany(codec.insert_sql("daily_summaries", SUMMARY_COLUMNS), packed)
        raw.commit()
        elapsed = time.perf_counter() - t
    finally:
        raw.close()
        db.close()
    return elapsed, len(vals)


def run(backend: str, entries: list[EntryBase], tmp: Path) -> dict[str, Any]:
    url, drop = fresh_url(backend, tmp)
    url_floor, drop_floor = fresh_url(backend, tmp)
    try:
        db = open_database(url)
        j = Journal.for_person(db, "heavy")
        j.define_trackable(
            Trackable(id="water_glasses", name="Glasses of water", value_type="count")
        )
        t = time.perf_counter()
        added = j.add_many(entries)
        lib_s = time.perf_counter() - t
        assert added == len(entries)

        db.close()
        floor_s, n_values = floor_insert(url_floor, entries)

        # reading is a later, separate action: a fresh connection, as the app's next page view
        db = open_database(url)
        j = Journal.for_person(db, "heavy", create=False)
        last = max(e.local_date for e in entries)
        year = (last - timedelta(days=364), last)
        j.daily_summaries(*year)  # warm the cache, as a second page view would
        reads = []
        for _ in range(20):
            t = time.perf_counter()
            days = j.daily_summaries(*year)
            reads.append(time.perf_counter() - t)
        assert len(days) == 365
        db.close()
    finally:
        drop()
        drop_floor()
    return {
        "backend": backend,
        "entries": len(entries),
        "values": n_values,
        "library_s": lib_s,
        "floor_s": floor_s,
        "library_rows_per_s": len(entries) / lib_s,
        "floor_rows_per_s": len(entries) / floor_s,
        "ratio": floor_s / lib_s,
        "summary_year_ms_median": statistics.median(reads) * 1000,
        "summary_year_ms_max": max(reads) * 1000,
    }


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in runs))


def _span(runs: list[dict[str, Any]], key: str, fmt: str) -> str:
    values = sorted(r[key] for r in runs)
    return f"{format(values[0], fmt)}-{format(values[-1], fmt)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="repeat each measurement; medians are reported with the range",
    )
    args = parser.parse_args()
    print(f"machine: {describe()}")
    t = time.perf_counter()
    entries = heavy_diary(args.years)
    build_s = time.perf_counter() - t
    print(
        f"diary: {len(entries)} entries over {args.years} years "
        f"({len(entries) / (365 * args.years):.0f}/day); building the validated records took "
        f"{build_s:.2f} s ({len(entries) / build_s:,.0f} records/s, not counted below)"
    )
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            runs = [run(backend, entries, Path(tmp)) for _ in range(args.rounds)]

            print(
                f"{backend:10s} write ({args.rounds} rounds, median): library "
                f"{_median(runs, 'library_rows_per_s'):,.0f} entries/s, floor executemany "
                f"{_median(runs, 'floor_rows_per_s'):,.0f} entries/s "
                f"({runs[0]['values']:,} derived value rows in both); "
                f"library/floor rate = {_median(runs, 'ratio'):.2f} "
                f"(range {_span(runs, 'ratio', '.2f')}; target >= 0.50)"
            )
            print(
                f"{backend:10s} read: a year of daily summaries, median of medians "
                f"{_median(runs, 'summary_year_ms_median'):.1f} ms "
                f"(range {_span(runs, 'summary_year_ms_median', '.0f')} ms; "
                f"worst single read {max(r['summary_year_ms_max'] for r in runs):.0f} ms)"
                + (" (target < 100 ms)" if backend == "sqlite" else "")
            )


if __name__ == "__main__":
    main()
