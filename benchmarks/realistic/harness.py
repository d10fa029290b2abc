"""Run many simulated diaries and trials through the journal and reduce them to figures.

Each run happens in its own journal (SQLite in a temporary directory, outside the checkout),
in a process pool so both cores are used. Every figure comes with its Monte Carlo standard
error and the target issue 12 sets for it; ``Figure.passes`` allows ``slack`` standard errors
(computed at the target, so a sample with no failures still gets a fair tolerance).
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import scipy.stats  # noqa: F401  (loaded before a pool forks, so each worker does not pay ~3 s)

from flarewise import Journal, open_database, open_journal

from . import adapter, scoring
from .diary import THREE_EFFECTS, write_diary
from .life import Planted
from .nof1 import TrialOutcome, run_trial

DISPERSION = 2.0  # variance / mean of false triggers per diary assumed for a tolerance
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Figure:
    """A measured share or mean, its Monte Carlo SE, and the target range it should meet."""

    name: str
    value: float
    se: float
    n: int
    low: float | None = None  # target: value >= low
    high: float | None = None  # target: value <= high
    kind: str = "share"  # "share" (binomial) or "mean" (Poisson-like count per diary)

    def _se_at(self, target: float) -> float:
        if self.n == 0:
            return math.inf
        if self.kind == "share":
            return math.sqrt(max(target * (1 - target), 1e-12) / self.n)
        # false hits come in clusters (one weekday-patterned factor against several symptoms):
        # a count with twice the Poisson variance at the target, not the observed spread (an
        # engine far off target would otherwise widen its own tolerance)
        return math.sqrt(DISPERSION * max(target, 1e-12) / self.n)

    def passes(self, slack: float = 0.0) -> bool:
        """Meets the target, allowing ``slack`` Monte Carlo SEs (taken at the target)."""
        if self.n == 0 or math.isnan(self.value):
            return False
        ok = True
        if self.low is not None:
            ok &= self.value >= self.low - slack * self._se_at(self.low)
        if self.high is not None:
            ok &= self.value <= self.high + slack * self._se_at(self.high)
        return ok

    def line(self) -> str:
        if self.low is not None and self.high is not None:
            target = f"{self._fmt(self.low)}-{self._fmt(self.high)}"
        elif self.low is not None:
            target = f">= {self._fmt(self.low)}"
        elif self.high is not None:
            target = f"<= {self._fmt(self.high)}"
        else:
            target = "(reported)"
        verdict = (
            ""
            if self.low is None and self.high is None
            else ("  meets" if self.passes() else "  MISSES")
        )
        return (
            f"{self.name:<58} {self._fmt(self.value):>7} +- {self._fmt(self.se):<6} "
            f"(n={self.n:<4}) target {target}{verdict}"
        )

    def _fmt(self, v: float) -> str:
        if math.isnan(v):
            return "n/a"
        return f"{100 * v:.1f} %" if self.kind == "share" else f"{v:.2f}"


def share(name: str, hits: Iterable[bool], **target: Any) -> Figure:
    xs = [bool(h) for h in hits]
    n = len(xs)
    p = sum(xs) / n if n else float("nan")
    se = math.sqrt(p * (1 - p) / n) if n else float("nan")
    return Figure(name, p, se, n, kind="share", **target)


def mean(name: str, values: Iterable[float], **target: Any) -> Figure:
    xs = np.asarray(list(values), float)
    n = xs.size
    m = float(xs.mean()) if n else float("nan")
    se = float(xs.std(ddof=1) / math.sqrt(n)) if n > 1 else float("nan")
    return Figure(name, m, se, n, kind="mean", **target)


def ratio(name: str, num: list[int], den: list[int], **target: Any) -> Figure:
    """Pooled share sum(num)/sum(den) across diaries, with the ratio estimator's SE (the
    triggers of one diary are not independent, so the diary is the sampling unit)."""
    a, b = np.asarray(num, float), np.asarray(den, float)
    k = a.size
    if b.sum() == 0:
        return Figure(name, float("nan"), float("nan"), 0, kind="share", **target)
    r = float(a.sum() / b.sum())
    se = float(np.sqrt(((a - r * b) ** 2).sum() * k / max(k - 1, 1)) / b.sum())
    return Figure(name, r, se, int(b.sum()), kind="share", **target)


# --- workers (module level, so a process pool can pickle them) ------------------------------


@dataclass(frozen=True)
class DiaryRun:
    seed: int
    days: int
    missing: float
    entries: int
    factors: int
    status: str
    tests_run: int
    scored: tuple[scoring.Scored, ...]
    planted: tuple[Planted, ...]


def diary_run(seed: int, planted: tuple[Planted, ...] = (), days: int = 730) -> DiaryRun:
    try:
        return _diary_run(seed, planted, days)
    except Exception as exc:  # flarewise's errors do not pickle across processes: say it here
        raise RuntimeError(f"diary seed {seed}: {type(exc).__name__}: {exc}") from None


def _diary_run(seed: int, planted: tuple[Planted, ...], days: int) -> DiaryRun:
    with (
        tempfile.TemporaryDirectory(prefix="flarewise-realistic-") as tmp,
        open_journal(f"sqlite:///{tmp}/diary.db") as journal,
    ):
        diary = write_diary(journal, seed, days=days, planted=planted)
        view = adapter.screen(journal.insights())
    return DiaryRun(
        seed,
        days,
        diary.life.missing_share,
        diary.entries,
        diary.factors,
        view.status,
        view.tests_run,
        tuple(scoring.score(view.shown, planted)),
        planted,
    )


def null_run(seed: int) -> DiaryRun:
    return diary_run(seed)


def planted_run(seed: int) -> DiaryRun:
    return diary_run(seed, THREE_EFFECTS)


def trial_runs(job: tuple[list[int], float]) -> list[TrialOutcome]:
    """Several trials, each as its own person in one database (one schema set-up per job)."""
    seeds, effect = job
    with tempfile.TemporaryDirectory(prefix="flarewise-nof1-") as tmp:
        db = open_database(f"sqlite:///{tmp}/trials.db")
        out = []
        for s in seeds:
            journal = Journal.for_person(db, f"trial-{s}")
            try:
                out.append(run_trial(journal, s, effect=effect))
            except Exception as exc:  # flarewise's errors do not pickle across processes
                raise RuntimeError(f"trial seed {s}: {type(exc).__name__}: {exc}") from None
        return out


def pool_map(fn: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    if workers <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    with ProcessPoolExecutor(max_workers=workers) as ex:
        return list(ex.map(fn, items))


# --- the three studies ------------------------------------------------------------------------


@dataclass
class Study:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def null_study(seeds: list[int], workers: int) -> tuple[Study, list[DiaryRun]]:
    runs = pool_map(null_run, seeds, workers)
    study = Study()
    false = [sum(s.kind == "false" for s in r.scored) for r in runs]
    study.figures.append(mean("(a) null: false possible triggers per diary", false, high=1.0))
    study.figures.append(share("(a) null: diaries with >= 1 false trigger", (f > 0 for f in false)))
    kinds = Counter(s.kind for r in runs for s in r.scored)
    study.notes.append(
        f"null diaries: {len(runs)}, {np.mean([r.days for r in runs]):.0f} days each, "
        f"{100 * np.mean([r.missing for r in runs]):.1f} % unlogged days, "
        f"{np.mean([r.entries for r in runs]):.0f} entries and "
        f"{np.mean([r.factors for r in runs]):.0f} non-symptom measures each, "
        f"{np.mean([r.tests_run for r in runs]):.0f} tests each; screen status "
        f"{dict(Counter(r.status for r in runs))}"
    )
    study.notes.append(f"null: shown triggers by kind {dict(kinds)}")
    study.notes.extend(_false_breakdown(runs))
    return study, runs


def _false_breakdown(runs: list[DiaryRun]) -> list[str]:
    reverse = [s.trigger for r in runs for s in r.scored if s.kind == "reverse"]
    out = [
        f"reverse-effect hits (steps with pain): {len(reverse)} in {len(runs)} diaries; flagged "
        f"as possibly reverse by the library: {sum(t.flagged_reverse for t in reverse)}; "
        f'offered "Test this": {sum(t.test_this for t in reverse)}'
    ]
    false = [s.trigger for r in runs for s in r.scored if s.kind == "false"]
    if not false:
        return out
    sleep0 = sum(t.outcome == "sleep:hours" and t.lag == 0 for t in false)
    fam = Counter(t.exposure.split(":", 1)[0] for t in false)
    pairs = Counter(f"{t.exposure} -> {t.outcome} lag {t.lag}" for t in false).most_common(6)
    return [
        *out,
        f"false hits: {len(false)}; with sleep:hours at lag 0: {sleep0}; by exposure family "
        f"{dict(fam.most_common())}",
        "most frequent false pairs: " + "; ".join(f"{p} ({c})" for p, c in pairs),
    ]


def planted_study(seeds: list[int], workers: int) -> tuple[Study, list[DiaryRun]]:
    runs = pool_map(planted_run, seeds, workers)
    study = Study()
    for p in THREE_EFFECTS:
        hits = [scoring.found(list(r.scored), p) for r in runs]
        label = f"{p.factor} -> {p.symptom}, lag {p.lag}, +{p.size:g}"
        study.figures.append(share(f"(b) recall {label}", (h is not None for h in hits), low=0.8))
        study.figures.append(
            share(
                "    ... found at the planted lag",
                (h is not None and h.lag_right for h in hits),
            )
        )
    covers = [
        s.covers
        for r in runs
        for p in THREE_EFFECTS
        if (s := scoring.found(list(r.scored), p)) is not None
        and s.lag_right
        and s.covers is not None
    ]
    study.figures.append(
        ratio(
            "(b) false share among the triggers shown",
            [sum(s.kind == "false" for s in r.scored) for r in runs],
            [len(r.scored) for r in runs],
            high=0.15,
        )
    )
    study.figures.append(
        share("(b) interval of a found effect covers the truth", covers, low=0.90, high=0.98)
    )
    kinds = Counter(s.kind for r in runs for s in r.scored)
    study.notes.append(f"planted diaries: {len(runs)}; shown triggers by kind {dict(kinds)}")
    study.notes.extend(_false_breakdown(runs))
    return study, runs


def trial_study(
    trials: int, seed: int, workers: int
) -> tuple[Study, list[TrialOutcome], list[TrialOutcome]]:
    def jobs(effect: float, base: int) -> list[tuple[list[int], float]]:
        seeds = [base + i for i in range(trials)]
        chunks = max(1, workers * 2)
        return [(seeds[i::chunks], effect) for i in range(chunks) if seeds[i::chunks]]

    all_jobs = jobs(0.0, seed) + jobs(-1.0, seed + 100_000)
    done = [t for batch in pool_map(trial_runs, all_jobs, workers) for t in batch]
    zero = [t for t in done if t.effect == 0.0 and t.designed]
    real = [t for t in done if t.effect != 0.0 and t.designed]
    completed = [t for t in done if t.designed]
    study = Study()
    study.figures.append(
        share("(c) n-of-1: design step planned a trial", (t.designed for t in done))
    )
    study.figures.append(
        share(
            "(c) completed trials that give an answer",
            (t.answer is not None and t.answer.enough_data for t in completed),
            low=0.80,
        )
    )
    study.figures.append(
        share('(c) zero effect declared "helped"', (_helped(t) for t in zero), high=0.05)
    )
    with_ci = [t for t in completed if t.answer is not None and t.answer.ci_low is not None]
    study.figures.append(
        share(
            "(c) 95 % interval covers the effect delivered",
            (_covers(t, t.delivered) for t in with_ci),
            low=0.90,
            high=0.98,
        )
    )
    study.figures.append(
        share('(c) power: designed effect declared "helped"', (_helped(t) for t in real), low=0.70)
    )
    study.figures.append(
        share(
            "    interval covers the full-dose effect (information)",
            (_covers(t, t.effect) for t in with_ci),
        )
    )
    changes = Counter(t.change for t in completed)
    blocks = Counter(t.blocks for t in completed)
    study.notes.append(
        f"trials: {len(done)} run ({trials} at zero effect, {trials} at the designed effect); "
        f"designed changes {dict(changes)}; blocks {dict(sorted(blocks.items()))}; "
        f"adherence {100 * np.mean([t.adherence for t in completed]):.1f} %, "
        f"unlogged days {100 * np.mean([t.missing for t in completed]):.1f} %, "
        f"delivered/full effect {_delivered_ratio(real)}"
    )
    refusals = Counter(t.refusal.split(":")[0] for t in done if not t.designed)
    if refusals:
        study.notes.append(f"design refused: {dict(refusals)}")
    messages = Counter(
        (t.answer.message.split(".")[0][:90] if t.answer else "")
        for t in completed
        if t.answer is not None and not t.answer.enough_data
    ).most_common(2)
    if messages:
        study.notes.append(
            "most frequent refusals: " + "; ".join(f"{m}... ({c})" for m, c in messages)
        )
    return study, zero, real


def _helped(t: TrialOutcome) -> bool:
    return t.answer is not None and t.answer.enough_data and t.answer.verdict == "helped"


def _covers(t: TrialOutcome, truth: float) -> bool:
    a = t.answer
    assert a is not None and a.ci_low is not None and a.ci_high is not None
    return a.ci_low <= truth <= a.ci_high


def _delivered_ratio(real: list[TrialOutcome]) -> str:
    r = [t.delivered / t.effect for t in real if t.effect]
    return f"{np.mean(r):.2f}" if r else "n/a"
