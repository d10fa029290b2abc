"""Visit report speed on 10 years of a heavy diary, beside the time to load the same data.

Data: the demo person's generated year (2025: check-ins, sleep, doses, meals, steps, labs;
about 11 entries and 45 measures a day) laid ten times back to back (2016-2025, each copy
shifted by whole weeks), with the demo's medicines, in SQLite.
Measured in one run, best of 3 after one warm-up:
- the floor: loading the period's data the report reads (every entry of the 10 years through
  ``Journal.entries``), which no report can avoid;
- the report for the whole 10 years: ``Journal.visit_report`` (daily summaries, regimens,
  assessments, labs, plan, medicine warnings, experiments, the trigger screen over the last
  year), the figure (vl-convert from the Vega-Lite spec) and the PDF (Typst); each part timed;
- the same for the default 90-day period.

Target (issue 14): the 10-year report builds in < 3 s.

    python benchmarks/report.py [--years 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _machine import describe
from flarewise import open_journal
from flarewise.demo import generate_demo
from flarewise.domain.backup import Backup, StoredEntry
from flarewise.journal import Journal
from flarewise.reports import render

TARGET_S = 3.0


def best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    fn()  # warm-up: imports, the vl-convert engine, SQLite's page cache
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def heavy_diary(j: Journal, years: int) -> None:
    """The demo year and ``years - 1`` earlier copies of it, restored in one transaction."""
    data = generate_demo(start=date(2025, 1, 1), days=365)
    entries = list(data.entries)
    for k in range(1, years):
        shift = timedelta(weeks=52 * k)
        for e in data.entries:
            fields = e.model_dump()
            for name, value in fields.items():
                if isinstance(value, datetime):
                    fields[name] = value - shift
            fields["id"] = f"{e.id}.y{k}"
            if e.source_key:
                fields["source_key"] = f"{e.source_key}.y{k}"
            entries.append(type(e).model_validate(fields))
    now = datetime.now(UTC).replace(tzinfo=None)
    j.restore(
        Backup.model_construct(
            format="flarewise-journal",
            version=1,
            exported_at=now,
            person=j.handle,
            profile=data.profile,
            trackables=tuple(data.trackables),
            regimens=tuple(data.regimens),
            entries=tuple(
                StoredEntry.model_construct(entry=e, recorded_at=now, updated_at=now)
                for e in entries
            ),
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    print(f"machine: {describe()}")
    with tempfile.TemporaryDirectory() as tmp:
        j = open_journal(f"sqlite:///{Path(tmp) / 'bench.db'}", "bench")
        t = time.perf_counter()
        heavy_diary(j, args.years)
        first, last = j.date_span()
        assert first is not None and last is not None
        print(
            f"diary: {j.count():,} entries over {(last - first).days + 1:,} days "
            f"({first} to {last}), written in {time.perf_counter() - t:.1f} s"
        )
        periods = ((f"{args.years} years", first), ("90 days", last - timedelta(days=89)))
        for label, start in periods:
            floor_s, entries = best_of(lambda s=start: j.entries(s, last))
            assemble_s, report = best_of(lambda s=start: j.visit_report(s, last))
            figure_s, svg = best_of(lambda r=report: render.figure_svg(r))
            pdf_s, pdf = best_of(lambda r=report, g=svg: render.pdf(r, svg=g))
            total = assemble_s + figure_s + pdf_s
            verdict = "meets" if total < TARGET_S else "MISSES"
            print(
                f"{label}: floor (load {len(entries):,} entries) {floor_s:.2f} s | report "
                f"{total:.2f} s = assemble {assemble_s:.2f} + figure {figure_s:.2f} + PDF "
                f"{pdf_s:.2f} ({len(pdf) / 1024:.0f} KiB) | {total / floor_s:.1f}x the floor; "
                f"{verdict} the < {TARGET_S:.0f} s target"
            )
        j.close()


if __name__ == "__main__":
    main()
