"""Realistic-diary validation of the trigger screen and the n-of-1 analysis (issue 12, part 4).

Diaries come from an independent generator (``benchmarks/realistic``), written from the issue's
description of real life, not from the demo or the library's own simulations, and go into real
SQLite journals through the public API. It measures, each with its Monte Carlo standard error
beside the issue's target:

(a) null diaries (no true relation): false "possible triggers" per diary, share with >= 1;
(b) diaries with three planted effects (lags 0, 1, 2; 0.8-1.0 point): recall per effect, false
    share among the triggers shown, coverage of each found effect's interval;
(c) randomised personal trials at 20 % unlogged days and 80 % adherence, 3-day carry-over:
    share of completed trials that answer, zero effect declared "helped", 95 % interval
    coverage of the effect delivered, power at the designed effect.

How triggers are counted: see ``benchmarks/realistic/scoring.py`` (printed below).

    python benchmarks/realistic_validation.py          # full: 40 + 40 diaries, 200 + 200 trials
    python benchmarks/realistic_validation.py --quick  # 8 + 6 diaries, 30 + 30 trials
    python benchmarks/realistic_validation.py --diaries 30 --trials 100 --seed 7 --workers 2
"""

from __future__ import annotations

import argparse
import os
import time

from _machine import describe
from realistic import harness, scoring


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small run (about a minute)")
    ap.add_argument("--diaries", type=int, help="null diaries, and as many with planted effects")
    ap.add_argument(
        "--trials", type=int, help="trials at zero effect, and as many at the designed one"
    )
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--days", type=int, default=730, help="days per diary (default 2 years)")
    ap.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--only", choices=("null", "planted", "trials"), action="append")
    args = ap.parse_args()
    diaries = args.diaries or (8 if args.quick else 40)
    planted = args.diaries or (6 if args.quick else 40)
    trials = args.trials or (30 if args.quick else 200)
    only = set(args.only or ("null", "planted", "trials"))

    print(describe())
    print(
        f"seed {args.seed}; {diaries} null and {planted} planted diaries of {args.days} days; "
        f"{trials} + {trials} trials; {args.workers} worker processes"
    )
    print("Counting triggers:" + (scoring.__doc__ or "").split("Against the diary's truth,")[1])
    started = time.perf_counter()
    studies: list[tuple[str, harness.Study, float]] = []
    if "null" in only:
        t = time.perf_counter()
        seeds = [args.seed + i for i in range(diaries)]
        print(f"null diary seeds: {seeds[0]}..{seeds[-1]}")
        study, _ = harness.null_study(seeds, args.workers)
        studies.append(("null diaries", study, time.perf_counter() - t))
    if "planted" in only:
        t = time.perf_counter()
        seeds = [args.seed + 50_000 + i for i in range(planted)]
        print(f"planted diary seeds: {seeds[0]}..{seeds[-1]}")
        study, _ = harness.planted_study(seeds, args.workers)
        studies.append(("planted effects", study, time.perf_counter() - t))
    if "trials" in only:
        t = time.perf_counter()
        print(
            f"trial seeds: {args.seed}..{args.seed + trials - 1} (zero effect), "
            f"{args.seed + 100_000}..{args.seed + 100_000 + trials - 1} (designed effect)"
        )
        study, _, _ = harness.trial_study(trials, args.seed, args.workers)
        studies.append(("n-of-1 trials", study, time.perf_counter() - t))
    print()
    for name, study, seconds in studies:
        print(f"== {name} ({seconds:.0f} s)")
        for f in study.figures:
            print(f.line())
        for note in study.notes:
            print(f"   {note}")
        print()
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
