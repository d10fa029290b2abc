"""Trigger-screen and n-of-1 analysis speed, against a numpy floor and a pandas baseline.

Data: a 10-year diary (3,650 days) of 100 trackables, each AR(1) with phi in [0.2, 0.8],
15 % of days missing. Measured in one run:
- the full trigger screen from the calendar grid: the calendar removed (weekday offsets and the
  running 13-week level, analysis/calendar.py), AR(1) pre-whitening, 100 x 100 x 4 lagged
  pairwise-complete correlations (40,000 minus self-pairs), p-values and Benjamini-Hochberg;
- the floor: the bare numpy masked-matrix correlation kernel on the same (raw) data and lags,
  i.e. the screen's own correlation step with nothing around it;
- the whole trigger analysis as ``Journal.insights`` runs it on that grid (the screen plus time
  order, the reverse check and the adjusted distributed-lag effect of each hit, baselines),
  reported for information (no target: its extra cost depends on how many hits there are);
- the baseline a typical analyst writes: a pandas loop over (exposure, outcome, lag) pairs with
  Series.corr, timed on a random sample of pairs and scaled to all of them (said so);
- building the grid from 3,650 daily summaries (the journal's step before the screen);
- the complete analysis of one 168-day randomised experiment (6 AB/BA blocks).

Then ``Journal.insights()`` as a person gets it (issue 17): the demo person (flarewise.demo,
``years_ending`` as ``flarewise demo --years N``) over 1, 3 and 10 years ending yesterday, each
in its own SQLite journal, timed in interleaved rounds (1, 3, 10, 1, 3, 10, ...) beside its
floor, measured in the same round: loading the same daily aggregates the insights read
(``Journal.daily_summaries`` over the same span), the storage step P1 owns. Printed: the median
and the run-to-run range of the rounds, wall and CPU, and the ratio 10 years / 1 year.

Targets (issue 5): screen within 3x the floor, at least 50x faster than the pandas loop; one
experiment analysis under 1 s. Issue 17: ``Journal.insights()`` on a year <= 100 ms and on ten
years <= 10x the one-year time.

    python benchmarks/insights.py [--years 1 3 10] [--rounds 7] [--journal-only]
    OPENBLAS_NUM_THREADS=1 python benchmarks/insights.py   # steadier on a shared machine
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from _machine import describe
from flarewise.analysis.grid import DailyGrid, build_grid
from flarewise.analysis.insights import insights
from flarewise.analysis.nof1 import EXCLUDED, analyze
from flarewise.analysis.triggers import lagged_screen, masked_corr
from flarewise.domain.summaries import DaySummary, MeasureStats

DAYS, K, LAGS = 3650, 100, (1, 2, 3, 4)


def diary(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    cols = []
    for _ in range(K):
        phi = rng.uniform(0.2, 0.8)
        e = np.zeros(DAYS)
        for t in range(1, DAYS):
            e[t] = phi * e[t - 1] + rng.normal()
        cols.append(e)
    values = np.column_stack(cols)
    values[rng.random(values.shape) < 0.15] = np.nan
    return values


def best_of(fn, repeat: int = 5, clock=time.perf_counter) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def floor_kernel(values: np.ndarray) -> None:
    for lag in LAGS:
        masked_corr(values[:-lag], values[lag:])


def pandas_loop(values: np.ndarray, pairs: list[tuple[int, int, int]]) -> None:
    import pandas as pd

    df = pd.DataFrame(values)
    for i, j, lag in pairs:
        df[i].shift(lag).corr(df[j])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3, 10])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--journal-only", action="store_true", help="only Journal.insights()")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    if not args.journal_only:
        screen_and_experiments()
    journal_insights(args.years, args.rounds)


def _spread(xs: list[float]) -> str:
    return f"{statistics.median(xs) * 1000:.0f} ms [{min(xs) * 1000:.0f}-{max(xs) * 1000:.0f}]"


def journal_insights(years: list[int], rounds: int) -> None:
    """``Journal.insights()`` on the demo person over each number of years, rounds interleaved,
    beside loading the same daily aggregates in the same round."""
    from flarewise.demo import years_ending
    from flarewise.journal import Journal, open_database

    with tempfile.TemporaryDirectory() as tmp:
        journals: dict[int, Journal] = {}
        for y in years:
            first, days = years_ending(y, date.today() - timedelta(days=1))
            j = Journal.for_person(open_database(f"sqlite:///{Path(tmp) / f'y{y}.db'}"), "demo")
            j.write_demo(start=first, days=days)
            journals[y] = j
            j.insights()  # warm: imports, the vocabulary, SQLite's page cache
        wall: dict[int, list[float]] = {y: [] for y in years}
        cpu: dict[int, list[float]] = {y: [] for y in years}
        floor: dict[int, list[float]] = {y: [] for y in years}
        ratio: dict[int, list[float]] = {y: [] for y in years}
        for _ in range(rounds):
            for y in years:
                j = journals[y]
                t, c = time.perf_counter(), time.process_time()
                j.insights()
                wall[y].append(time.perf_counter() - t)
                cpu[y].append(time.process_time() - c)
                first_day, last_day = j.date_span()
                assert first_day is not None and last_day is not None
                t = time.perf_counter()
                j.daily_summaries(first_day, last_day)
                floor[y].append(time.perf_counter() - t)
                ratio[y].append(wall[y][-1] / floor[y][-1])
        print(
            f"Journal.insights() on the demo person, {rounds} interleaved rounds, median [range]:"
        )
        for y in years:
            j = journals[y]
            print(
                f"  {y:>2} year{'s' if y > 1 else ' '} ({j.count():,} entries): wall "
                f"{_spread(wall[y])}, CPU {_spread(cpu[y])}; floor (load the daily aggregates) "
                f"{_spread(floor[y])}; insights / floor {statistics.median(ratio[y]):.1f}x"
            )
        if 1 in years and 10 in years:
            per_round = [a / b for a, b in zip(wall[10], wall[1], strict=True)]
            cpu_round = [a / b for a, b in zip(cpu[10], cpu[1], strict=True)]
            floor_round = [a / b for a, b in zip(floor[10], floor[1], strict=True)]
            med = statistics.median
            print(
                f"  10 years / 1 year: wall {med(wall[10]) / med(wall[1]):.1f}x "
                f"(rounds {min(per_round):.1f}-{max(per_round):.1f}), CPU "
                f"{statistics.median(cpu[10]) / statistics.median(cpu[1]):.1f}x "
                f"(rounds {min(cpu_round):.1f}-{max(cpu_round):.1f}); the floor alone "
                f"{statistics.median(floor[10]) / statistics.median(floor[1]):.1f}x "
                f"(rounds {min(floor_round):.1f}-{max(floor_round):.1f}) (target <= 10x; 1 year "
                "<= 100 ms)"
            )
        for j in journals.values():
            j.close()


def screen_and_experiments() -> None:
    values = diary()
    names = tuple(f"f{i}" for i in range(K))
    grid = DailyGrid(date(2015, 1, 1), names, values)
    screen_s = best_of(lambda: lagged_screen(grid, names, names, LAGS))
    floor_s = best_of(lambda: floor_kernel(values))
    tests = lagged_screen(grid, names, names, LAGS).tests_run
    # CPU time as well: on a machine shared with other work, wall time swings with the load
    screen_cpu = best_of(lambda: lagged_screen(grid, names, names, LAGS), clock=time.process_time)
    floor_cpu = best_of(lambda: floor_kernel(values), clock=time.process_time)
    rng = np.random.default_rng(1)
    all_pairs = [(i, j, lag) for lag in LAGS for i in range(K) for j in range(K) if i != j]
    sample = [all_pairs[k] for k in rng.choice(len(all_pairs), 2000, replace=False)]
    t = time.perf_counter()
    pandas_loop(values, sample)
    pandas_s = (time.perf_counter() - t) * len(all_pairs) / len(sample)
    print(
        f"trigger screen: {tests:,} tests in {screen_s * 1000:.0f} ms (best of 5); floor "
        f"(masked-matrix kernel only) {floor_s * 1000:.0f} ms; ratio {screen_s / floor_s:.2f}x "
        "(target <= 3x)"
    )
    print(
        f"same in CPU time: screen {screen_cpu * 1000:.0f} ms, floor {floor_cpu * 1000:.0f} ms, "
        f"ratio {screen_cpu / floor_cpu:.2f}x"
    )
    whole_s = best_of(
        lambda: insights(grid, outcomes=list(names), exposures=list(names), higher_is_worse={}),
        repeat=3,
    )
    print(
        f"whole trigger analysis (screen + time order + reverse checks + adjusted effects of the "
        f"hits + baselines): {whole_s * 1000:.0f} ms (best of 3; for information)"
    )
    print(
        f"pandas loop over pairs: {pandas_s:.1f} s for all {len(all_pairs):,} pairs (timed on "
        f"2,000 and scaled); the screen is {pandas_s / screen_s:,.0f}x faster (target >= 50x)"
    )

    start = date(2015, 1, 1)
    summaries = [
        DaySummary(
            start + timedelta(days=d),
            10,
            {
                f"symptom:f{i}": MeasureStats(1, v, v, v, v)
                for i in range(K)
                if np.isfinite(v := values[d, i])
            },
        )
        for d in range(DAYS)
    ]
    measures = [f"symptom:f{i}" for i in range(K)]
    grid_s = best_of(
        lambda: build_grid(summaries, start, start + timedelta(days=DAYS - 1), measures), repeat=3
    )
    print(f"building the grid from {DAYS:,} daily summaries: {grid_s * 1000:.0f} ms")

    rng = np.random.default_rng(2)
    arm, per, blk = [], [], []
    for b in range(6):
        for j, a in enumerate((0, 1) if rng.random() < 0.5 else (1, 0)):
            for d in range(14):
                arm.append(EXCLUDED if d < 3 else a)
                per.append(2 * b + j)
                blk.append(b)
    y = 5 + rng.normal(size=168)
    arrays = (y, np.array(arm, float), np.array(per, float), np.array(blk, float))
    times = []
    for _ in range(7):
        t = time.perf_counter()
        analyze(*arrays, randomised=True, meaningful=1.0)
        times.append(time.perf_counter() - t)
    print(
        f"complete analysis of a 168-day randomised experiment: median "
        f"{statistics.median(times) * 1000:.1f} ms of 7 (target < 1 s)"
    )
    experiment_report()


def experiment_report() -> None:
    """The whole report as people get it (analysis, adequacy rule, wording), for the longest
    schedule the design allows (12 blocks), finished and, the slowest case, refused early on
    (the way out is searched through every remaining planned day)."""
    from flarewise.analysis.grid import DailyGrid
    from flarewise.domain.experiments import DoseLevel, Protocol
    from flarewise.experiments import analyze_experiment, planned_schedule, random_order

    p = Protocol(
        title="magnesium and pain",
        design="randomised_blocks",
        intervention="magnesium",
        substance="magnesium",
        outcome="pain",
        start=date(2025, 1, 6),
        order=random_order(12, 1),
        dose=DoseLevel(amount=200, unit="mg", days=14),
        status="running",
    )
    days = planned_schedule(p)
    rng = np.random.default_rng(3)
    y = np.round(5 + rng.normal(size=len(days)))
    y[rng.random(len(days)) < 0.2] = np.nan
    grid = DailyGrid(p.start, ("symptom:pain",), y[:, None])
    for label, today in (("finished", days[-1].day), ("refused on day 30", days[29].day)):
        times = []
        for _ in range(7):
            t = time.perf_counter()
            analyze_experiment(p, grid, today)
            times.append(time.perf_counter() - t)
        print(
            f"experiment report, 12 blocks ({len(days)} days), {label}: median "
            f"{statistics.median(times) * 1000:.1f} ms of 7 (target < 1 s)"
        )


if __name__ == "__main__":
    main()
