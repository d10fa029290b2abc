"""Insights over a whole diary (capability C7): personal baseline and trend, flares and what
preceded them, and the trigger screen with its minimum-data rules (analysis-methods.md 2, 4.2).
Results are typed values; faces render them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

from flarewise.analysis.flares import FlareEpisode, Precursor, detect_flares, precursors
from flarewise.analysis.grid import DailyGrid
from flarewise.analysis.triggers import Effect, co_occurring, lagged_effect, lagged_screen

MIN_SCREEN_DAYS = 180
WARN_SCREEN_DAYS = 365
MIN_COMPLETENESS = 0.7
MIN_EXPOSED_DAYS = 20
MIN_FLARE_HISTORY = 28


@dataclass(frozen=True)
class Baseline:
    measure: str
    median: float
    recent_mean: float | None  # last 30 days
    trend_per_90_days: float | None
    days_observed: int


@dataclass(frozen=True)
class Trigger:
    exposure: str
    outcome: str
    lag: int
    n: int
    r: float
    q: float
    effect: Effect | None  # per `per` units of the exposure
    direction: Literal["worse", "better"]
    together_with: tuple[str, ...] = ()
    per: float = 1.0

    @property
    def test_this(self) -> dict[str, str] | None:
        """An experiment that would test this association (``Journal.design_experiment``
        arguments), or None when it cannot be tested by changing something."""
        family, _, item = self.exposure.partition(":")
        outcome = self.outcome.removeprefix("symptom:")
        if not self.outcome.startswith("symptom:"):
            return None
        if family == "intake":
            return {"intervention": item, "outcome": outcome, "design": "randomised_blocks"}
        if family in ("food", "food_group"):
            return {
                "intervention": "elimination_diet",
                "outcome": outcome,
                "design": "reintroduction",
                "foods": item,
            }
        if family in ("activity", "exercise", "mindbody", "therapy"):
            what = {"exercise": "aerobic_exercise", "mindbody": "mbsr"}.get(family, item)
            return {"intervention": what, "outcome": outcome, "design": "randomised_blocks"}
        if self.exposure in ("sleep:hours", "sleep:quality"):
            return {"intervention": "sleep_hygiene", "outcome": outcome, "design": "ab"}
        return None


@dataclass(frozen=True)
class BeforeAfter:
    """The outcome before vs after a regimen started (observational: an AB comparison)."""

    substance: str
    started: date
    outcome: str
    effect: float
    ci_low: float
    ci_high: float
    days_before: int
    days_after: int


@dataclass(frozen=True)
class Insights:
    start: date
    end: date
    days: int
    completeness: float
    baselines: tuple[Baseline, ...]
    flares: tuple[FlareEpisode, ...]
    precursors: tuple[Precursor, ...]
    triggers: tuple[Trigger, ...]
    tests_run: int
    screen_status: Literal["not enough data", "screening", "ok"]
    messages: tuple[str, ...]
    co_occurring: tuple[tuple[str, str, float], ...] = field(default=())
    before_after: tuple[BeforeAfter, ...] = field(default=())


def _baseline(grid: DailyGrid, name: str) -> Baseline | None:
    y = grid.column(name)
    ok = np.isfinite(y)
    if ok.sum() < 14:
        return None
    recent = y[-30:]
    idx = np.flatnonzero(ok)
    slope = float(np.polyfit(idx, y[idx], 1)[0]) * 90 if ok.sum() >= 30 else None
    return Baseline(
        name,
        float(np.nanmedian(y)),
        float(np.nanmean(recent)) if np.isfinite(recent).any() else None,
        slope,
        int(ok.sum()),
    )


def _binary(x: np.ndarray) -> bool:
    v = x[np.isfinite(x)]
    return bool(v.size) and bool(np.all((v == 0) | (v == 1)))


def before_after(
    grid: DailyGrid,
    outcome: str,
    starts: list[tuple[str, date]],
    window: int = 60,
    minimum: int = 28,
    exclude: list[FlareEpisode] | None = None,
) -> list[BeforeAfter]:
    """For each regimen started inside the diary: the level change of the outcome after the
    start, from a regression with AR(1) errors and a linear trend over up to ``window`` days each
    side, flare days left out (a flare before a start would otherwise pass for an effect)."""
    from flarewise.analysis.ar1 import fit_effect

    if outcome not in grid.names:
        return []
    y_all = grid.column(outcome).copy()
    for episode in exclude or []:
        y_all[max(0, grid.row_of(episode.start)) : grid.row_of(episode.end) + 1] = np.nan
    out = []
    for substance, day in starts:
        t = grid.row_of(day)
        lo, hi = max(0, t - window), min(grid.days, t + window)
        y = y_all[lo:hi]
        x = (np.arange(lo, hi) >= t).astype(float)
        before = int(np.isfinite(y[x == 0]).sum())
        after = int(np.isfinite(y[x == 1]).sum())
        if before < minimum or after < minimum:
            continue
        f = fit_effect(y, x, trend=True)
        out.append(
            BeforeAfter(substance, day, outcome, f.effect, f.ci_low, f.ci_high, before, after)
        )
    return out


def insights(
    grid: DailyGrid,
    *,
    outcomes: list[str],
    exposures: list[str],
    higher_is_worse: dict[str, bool],
    fdr: Literal["bh", "by"] = "bh",
    max_hits: int = 20,
    starts: list[tuple[str, date]] | None = None,
) -> Insights:
    """Everything at once; every number carries its n and the screen says when data are short."""
    days = grid.days
    observed = np.isfinite(grid.values[:, [grid.names.index(o) for o in outcomes]]).any(axis=1)
    completeness = float(observed.mean()) if days else 0.0
    baselines = tuple(b for o in outcomes if (b := _baseline(grid, o)) is not None)
    messages: list[str] = []

    flares: list[FlareEpisode] = []
    pre: list[Precursor] = []
    if (
        "symptom:pain" in grid.names
        and np.isfinite(grid.column("symptom:pain")).sum() >= MIN_FLARE_HISTORY
    ):
        flares = detect_flares(grid)
        binary = [e for e in exposures if _binary(grid.column(e))]
        pre = precursors(grid, flares, binary)
        if flares and len(flares) < 5:
            messages.append(
                f"{len(flares)} flares found: what preceded them is descriptive only; "
                "a few flares cannot show a trigger."
            )
    else:
        messages.append("Flare detection needs 28 days of pain scores.")

    changes = tuple(before_after(grid, "symptom:pain", starts or [], exclude=flares))
    usable = []
    for e in exposures:
        x = grid.column(e)
        if _binary(x):
            v = x[np.isfinite(x)]
            if (v == 1).sum() < MIN_EXPOSED_DAYS or (v == 0).sum() < MIN_EXPOSED_DAYS:
                continue
        elif np.isfinite(x).sum() < 50:
            continue
        usable.append(e)

    status: Literal["not enough data", "screening", "ok"]
    if days < MIN_SCREEN_DAYS or completeness < MIN_COMPLETENESS:
        status = "not enough data"
        messages.append(
            f"After {days} days ({completeness:.0%} with entries) we cannot screen for triggers "
            f"yet: it needs {MIN_SCREEN_DAYS} days with at least {MIN_COMPLETENESS:.0%} filled in. "
            "Nothing here is a confirmed trigger yet."
        )
        return Insights(
            grid.start,
            grid.date_of(days - 1),
            days,
            completeness,
            baselines,
            tuple(flares),
            tuple(pre),
            (),
            0,
            status,
            tuple(messages),
            before_after=changes,
        )
    status = "screening" if days < WARN_SCREEN_DAYS else "ok"
    if status == "screening":
        messages.append(
            f"After {days} days we can only detect strong links. Weaker links, the "
            "common kind, usually need 6-12 months of near-daily entries."
        )
    skip: set[tuple[str, str, int]] = set()
    for e in usable:
        for o in outcomes:
            if e in outcomes and o in usable and o < e:
                skip.add((e, o, 0))  # at lag 0 the pair is symmetric: test it once
            same_family = e.split(":")[0] == o.split(":")[0]
            if same_family:
                skip.add((e, o, 0))
            if {e, o} <= {
                "sleep:hours",
                "sleep:in_bed_hours",
                "sleep:quality",
                "symptom:sleep_quality",
                "symptom:unrefreshed_waking",
            }:
                skip.update((e, o, lag) for lag in range(4))
    tests = lagged_screen(grid, usable, outcomes, (0, 1, 2, 3), fdr=fdr, skip=skip)
    hits = np.argwhere(np.nan_to_num(tests.q, nan=1.0) < 0.05)
    order = sorted(hits.tolist(), key=lambda h: tests.q[h[0], h[1], h[2]])
    pairs = co_occurring(grid, usable)
    partners: dict[str, list[str]] = {}
    for first, second, _ in pairs:
        partners.setdefault(first, []).append(second)
        partners.setdefault(second, []).append(first)
    found = []
    seen: set[tuple[str, str]] = set()
    for li, ei, oi in order:
        e, o, lag = tests.exposures[ei], tests.outcomes[oi], tests.lags[li]
        if (e, o) in seen:
            continue
        seen.add((e, o))
        r = float(tests.r[li, ei, oi])
        worse = (r > 0) == higher_is_worse.get(o, True)
        sd = float(np.nanstd(grid.column(e)))
        per = float(10 ** np.floor(np.log10(sd))) if sd >= 10 else 1.0
        eff = lagged_effect(grid, e, o, lag)
        if eff is not None and per != 1.0:
            eff = Effect(eff.effect * per, eff.ci_low * per, eff.ci_high * per, eff.n)
        found.append(
            Trigger(
                e,
                o,
                lag,
                int(tests.n[li, ei, oi]),
                r,
                float(tests.q[li, ei, oi]),
                eff,
                "worse" if worse else "better",
                tuple(partners.get(e, ())),
                per,
            )
        )
        if len(found) >= max_hits:
            break
    if not found:
        messages.append(
            f"No factor passed the false-discovery check (q < 0.05) among the "
            f"{tests.tests_run:,} comparisons tested. This is not proof that none matter."
        )
    return Insights(
        grid.start,
        grid.date_of(days - 1),
        days,
        completeness,
        baselines,
        tuple(flares),
        tuple(pre),
        tuple(found),
        tests.tests_run,
        status,
        tuple(messages),
        tuple(pairs),
        changes,
    )
