"""Validation of the n-of-1 analysis by simulation, at a larger scale than the test suite.

For each design, simulates N trials of daily pain with AR(1) noise (phi 0.6, innovation SD 1),
8 % missing days, 3 washout days per 14-day period, and reports: 95 % interval coverage of the
true effect, the share of zero-effect trials declared effective (interval below 0) or excluding
zero either way, power at a -0.8 point effect, and the paired-blocks and randomisation-test
false-positive rates (analysis-methods.md 1.4 measured 6.7 %, 4.0 % and 3.3 % at 6 blocks).

Targets (issue 5): coverage 90-98 %; fewer than 7 % of zero-effect trials declared effective.

Then the realistic run (issue 12 part 3), through the public experiment API from design to
verdict: each simulated person has a 60-day baseline diary (pain 0-10 integers from an AR(1)
latent state, phi 0.5, with a weekend cycle and a slow trend; 20 % of days unscored); flarewise
designs the trial from it (blocks sized with that person's missed days and an adherence of
80 %); during the trial 20 % of days stay unscored, each planned dose is taken with probability
0.8, and a dose acts over its day and the 3 days after (3-day carry-over and wash-in; periods
have 3 washout days). Measured, each with its Monte Carlo standard error: the share of
completed trials that give an answer (target >= 80 %); zero effect declared "helped" (<= 5 %);
coverage of the true effect of the schedule as followed (-1 x 0.8) by the 95 % interval
(90-98 %); power at the designed effect, a 1-point improvement when taken (>= 70 %).
A sensitivity row gives a 6-day carry-over, longer than the washout, where the estimate is
expected to shrink towards zero.

    python benchmarks/nof1_simulation.py [--trials 1000] [--realistic 1000]
        [--phi 0.5] [--sd 0.8] [--missing 0.2]   (the realistic person's diary)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from _machine import describe
from flarewise.analysis.nof1 import EXCLUDED, analyze
from flarewise.experiments import analyze_experiment

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.simulate import realistic_experiment  # one generator for tests and benchmark


def trial(rng: np.random.Generator, blocks: int, effect: float) -> tuple[np.ndarray, ...]:
    arm, per, blk, on = [], [], [], []
    for b in range(blocks):
        for j, a in enumerate((0, 1) if rng.random() < 0.5 else (1, 0)):
            for d in range(14):
                arm.append(EXCLUDED if d < 3 else a)
                per.append(2 * b + j)
                blk.append(b)
                on.append(a)
    n = len(arm)
    e = np.zeros(n)
    e[0] = rng.normal(0, 1 / np.sqrt(1 - 0.36))
    for t in range(1, n):
        e[t] = 0.6 * e[t - 1] + rng.normal()
    y = 5 + e + effect * np.array(on, float)
    y[rng.random(n) < 0.08] = np.nan
    return y, np.array(arm, float), np.array(per, float), np.array(blk, float)


def run(blocks: int, effect: float, trials: int, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    cover = below = either = paired = rand = 0
    for _ in range(trials):
        r = analyze(*trial(rng, blocks, effect), randomised=True, meaningful=1.0)
        f = r.primary
        assert f is not None
        cover += f.ci_low <= effect <= f.ci_high
        below += f.ci_high < 0
        either += f.ci_high < 0 or f.ci_low > 0
        if r.paired is not None:
            paired += r.paired.ci_high < 0 or r.paired.ci_low > 0
        if r.randomisation_p is not None:
            rand += r.randomisation_p < 0.05
    return {
        "coverage": cover / trials,
        "declared_effective": below / trials,
        "either": either / trials,
        "paired": paired / trials,
        "randomisation": rand / trials,
    }


def share(k: int, n: int) -> str:
    """A proportion with its Monte Carlo standard error."""
    if n == 0:
        return "n/a"
    p = k / n
    return f"{p:.1%} +/- {np.sqrt(p * (1 - p) / n):.1%} (of {n})"


def realistic(
    effect: float, trials: int, seed: int, carryover: int = 3, **person: float
) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    c = dict.fromkeys(
        ("refused", "done", "answered", "helped", "covered", "with_fit", "ans_cov"), 0
    )
    blocks: list[int] = []
    promised: list[float] = []
    estimates: list[float] = []
    times: list[float] = []
    for _ in range(trials):
        sim = realistic_experiment(rng, effect=effect, carryover=carryover, **person)
        if sim is None:
            c["refused"] += 1
            continue
        protocol, grid, truth, advice = sim
        blocks.append(protocol.blocks)
        promised.append(advice.power)
        last = grid.date_of(grid.days - 1)
        t = time.perf_counter()
        r = analyze_experiment(protocol, grid, last, taken_measure="intake:magnesium")
        times.append(time.perf_counter() - t)
        c["done"] += 1
        c["answered"] += r.enough_data
        c["helped"] += r.verdict == "helped"
        a = r.analysis
        if a is not None and a.primary is not None:
            hit = a.primary.ci_low <= truth <= a.primary.ci_high
            c["with_fit"] += 1
            c["covered"] += hit
            c["ans_cov"] += hit and r.enough_data
            estimates.append(a.primary.effect)
    c["blocks_median"] = int(np.median(blocks)) if blocks else 0
    c["promised_x1000"] = round(1000 * float(np.mean(promised))) if promised else 0
    c["mean_estimate_x1000"] = round(1000 * float(np.mean(estimates))) if estimates else 0
    c["ms_median_x10"] = round(1e4 * float(np.median(times))) if times else 0
    return c


def print_realistic(trials: int, phi: float, sd: float, missing: float) -> None:
    print(
        f"realistic diaries, designed from each person's baseline: {missing:.0%} missing days, "
        f"80 % adherence, 3-day carry-over, latent AR(1) phi {phi}, innovation SD {sd}, "
        f"{trials} people per row"
    )
    t = time.perf_counter()
    person = {"phi": phi, "sd": sd, "missing": missing}
    null = realistic(0.0, trials, seed=2024, **person)
    real = realistic(-1.0, trials, seed=2025, **person)
    long = realistic(-1.0, trials, seed=2026, carryover=6, **person)
    for label, c in (("zero effect", null), ("effect -1 when taken", real)):
        print(
            f"  {label}: design refused {share(c['refused'], trials)}; median "
            f"{c['blocks_median']} blocks; analysis {c['ms_median_x10'] / 10:.1f} ms median"
        )
        print(f"    completed trials that answer: {share(c['answered'], c['done'])}")
        print(
            f"    verdict 'helped': {share(c['helped'], c['done'])}; the design step "
            f"promised {c['promised_x1000'] / 10:.1f} % power on average"
        )
        print(
            f"    95 % interval covers the truth: all {share(c['covered'], c['with_fit'])}; "
            f"answered {share(c['ans_cov'], c['answered'])}"
        )
    print(
        f"  6-day carry-over (3 washout days), effect -1 when taken: verdict 'helped' "
        f"{share(long['helped'], long['done'])}; interval covers -0.8 "
        f"{share(long['covered'], long['with_fit'])}; mean estimate "
        f"{long['mean_estimate_x1000'] / 1000:+.2f} (expected to shrink towards 0)"
    )
    print(f"  ({time.perf_counter() - t:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--realistic", type=int, default=1000)
    parser.add_argument("--phi", type=float, default=0.5, help="latent AR(1) of the realistic run")
    parser.add_argument("--sd", type=float, default=0.8, help="its innovation SD")
    parser.add_argument("--missing", type=float, default=0.2, help="share of unscored days")
    args = parser.parse_args()
    print(f"machine: {describe()}")
    if args.realistic:
        print_realistic(args.realistic, args.phi, args.sd, args.missing)
    for blocks in (6, 3) if args.trials else ():
        t = time.perf_counter()
        null = run(blocks, 0.0, args.trials, seed=blocks)
        real = run(blocks, -0.8, args.trials, seed=100 + blocks)
        print(
            f"{blocks} blocks ({blocks * 28} days), {args.trials} trials each, "
            f"{time.perf_counter() - t:.1f} s:"
        )
        print(
            f"  zero effect: coverage {null['coverage']:.1%}, declared effective "
            f"{null['declared_effective']:.1%}, interval excludes 0 {null['either']:.1%}, "
            f"paired blocks {null['paired']:.1%}, randomisation test {null['randomisation']:.1%}"
        )
        print(
            f"  effect -0.8: coverage {real['coverage']:.1%}, power (interval below 0) "
            f"{real['declared_effective']:.1%}"
        )


if __name__ == "__main__":
    main()
