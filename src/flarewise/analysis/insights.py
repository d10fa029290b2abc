"""Insights over a whole diary (capability C7): personal baseline and trend, flares and what
preceded them, and the trigger screen with its minimum-data rules (analysis-methods.md 2, 4.2).
Results are typed values; faces render them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np

from flarewise.analysis.ar1 import prewhiten
from flarewise.analysis.calendar import (
    remove_calendar,
    running_level,
    weekday_of_rows,
    weekday_offsets,
)
from flarewise.analysis.confirm import split_by_adjusted
from flarewise.analysis.dlm import LagTerm, fit_distributed_lag
from flarewise.analysis.flares import FlareEpisode, Precursor, detect_flares, precursors
from flarewise.analysis.grid import DailyGrid
from flarewise.analysis.measure_kinds import (
    MeasureKind,
    allowed_lag,
    default_name,
    measure_kind,
    outcome_unit,
    per_unit,
    same_day_order_unknown,
    unit_words,
)
from flarewise.analysis.triggers import (
    Effect,
    LaggedTests,
    co_occurring,
    lagged_screen,
    paired_lag_corr,
)

MIN_SCREEN_DAYS = 180
WARN_SCREEN_DAYS = 365
MIN_COMPLETENESS = 0.7
MIN_EXPOSED_DAYS = 20
MIN_FLARE_HISTORY = 28
LAGS = (0, 1, 2, 3)
#: Regressors at most in one effect model (the exposure's lags plus other factors).
MAX_MODEL_TERMS = 20
#: Hits given an adjusted effect, strongest first (the rest are counted in the cut).
MAX_EFFECTS = 100


@dataclass(frozen=True)
class Baseline:
    measure: str
    median: float
    recent_mean: float | None  # last 30 days
    trend_per_90_days: float | None
    days_observed: int
    name: str = ""  # in words


@dataclass(frozen=True)
class Reverse:
    """The strongest association the other way round: the outcome on day d, the exposure on day
    d + ``lag`` (``p`` is Bonferroni-adjusted over the lags tried; shown only in words)."""

    lag: int
    r: float
    n: int
    p: float


@dataclass(frozen=True)
class Trigger:
    exposure: str
    outcome: str
    lag: int
    n: int
    r: float
    q: float
    effect: Effect | None  # per `per` units of the exposure, from the adjusted model
    direction: Literal["worse", "better"]
    together_with: tuple[str, ...] = ()  # names of factors nearly always logged with it
    per: float = 1.0
    exposure_name: str = ""
    outcome_name: str = ""
    unit: str = ""  # what the effect is per, in words ("on days with X vs days without")
    outcome_unit: str = "points"
    exposure_timing: Literal["night", "day"] = "day"
    outcome_timing: Literal["night", "day"] = "day"
    possible_consequence: bool = False  # the reverse direction is as strong
    order_unclear: bool = False  # same day, and neither direction shows up a day later
    reverse_check: Reverse | None = None  # the strongest association the other way round
    adjusted_for: tuple[str, ...] = ()  # names of the other factors in the effect model
    model_lags: tuple[int, ...] = ()  # lags of this exposure in the effect model
    explained: bool = False  # adjusted for the other findings, its range includes no effect
    explained_by: tuple[str, ...] = ()  # names of the findings that stay clear and carry it
    #: passed the screen, but the adjusted range includes no effect or runs the other way
    #: (analysis/confirm.py): listed apart, not as a possible trigger
    unconfirmed: bool = False

    @property
    def test_this(self) -> dict[str, str] | None:
        """An experiment that would test this association (``Journal.design_experiment``
        arguments), or None when it cannot be tested by changing something, or when it may be
        a consequence of the symptom rather than a cause (a consequence is not a trigger)."""
        if self.possible_consequence or self.explained or self.unconfirmed:
            return None
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
    hits_total: int = 0  # exposure-outcome links that passed q < 0.05 (``triggers`` may be fewer)
    #: links that passed but whose adjusted effect vanishes once the other findings are in the
    #: model: listed apart, not as possible triggers
    explained: tuple[Trigger, ...] = field(default=())
    #: links that passed the screen but whose adjusted effect does not hold (its range includes
    #: no effect, or it runs the other way once the weekday, slow changes and the other
    #: findings are in the model): listed apart, never among the possible triggers
    unconfirmed: tuple[Trigger, ...] = field(default=())


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
    side, flare days left out (a flare before a start would otherwise pass for an effect). The
    outcome's usual weekday offsets (measured against its running level, analysis/calendar.py)
    are taken out first, so a start on a Monday does not carry the week's rhythm into the
    comparison; the level change itself stays, as the running level is not removed."""
    from flarewise.analysis.ar1 import fit_effect

    if outcome not in grid.names:
        return []
    y_all = grid.column(outcome).copy()
    weekday = weekday_of_rows(grid.start, grid.days)
    offsets = weekday_offsets((y_all - running_level(y_all[:, None])[:, 0])[None, :], weekday)
    y_all = y_all - offsets[0, weekday]
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


def _time_order_mask(
    kinds: Sequence[MeasureKind], okinds: Sequence[MeasureKind], lags: Sequence[int]
) -> np.ndarray:
    """(lags, exposures, outcomes): True where time order forbids the test (a daytime exposure
    at lag 0 against a night's sleep recorded that morning)."""
    day_ex = np.array([k.timing == "day" for k in kinds])
    night_out = np.array([k.timing == "night" for k in okinds])
    mask = np.zeros((len(lags), len(kinds), len(okinds)), dtype=bool)
    for li, lag in enumerate(lags):
        if lag == 0:
            mask[li] = day_ex[:, None] & night_out[None, :]
    return mask


def _reverse_checks(
    series: np.ndarray,
    col: dict[str, int],
    hits: Sequence[tuple[str, str, int, float]],
    kinds: Mapping[str, MeasureKind],
    lags: Sequence[int],
) -> list[tuple[Reverse | None, bool, bool]]:
    """Per hit (exposure e, outcome o, lag, r): (reverse, possible consequence, order unclear).

    The reverse direction is the outcome on day d against the exposure later (d + lag', at the
    lags time order allows that way round; never the same day for two daytime measures, whose
    order a daily diary cannot show). A same-day hit between two daytime measures is judged by
    the days after: whichever direction shows up a day later is the likelier one. A hit is a
    possible consequence when the reverse association passes p < 0.05 (Bonferroni over its
    lags) and is at least as strong as the forward one (analysis-methods.md 2.2 step 2b)."""
    es = [col[e] for e, _, _, _ in hits]
    os_ = [col[o] for _, o, _, _ in hits]
    r_rev, n_rev, p_rev = paired_lag_corr(series, os_, es, lags)
    r_fwd, _, p_fwd = paired_lag_corr(series, es, os_, lags)
    out: list[tuple[Reverse | None, bool, bool]] = []
    for h, (e, o, lag, r_hit) in enumerate(hits):
        ke, ko = kinds[e], kinds[o]
        ambiguous = lag == 0 and same_day_order_unknown(ke, ko)
        rev = [
            li
            for li, g in enumerate(lags)
            if allowed_lag(ko, ke, g)
            and not (g == 0 and same_day_order_unknown(ko, ke))
            and np.isfinite(r_rev[h, li])
        ]
        best: Reverse | None = None
        if rev:
            li = max(rev, key=lambda i: abs(r_rev[h, i]))
            p = min(1.0, float(p_rev[h, li]) * len(rev))
            best = Reverse(lags[li], float(r_rev[h, li]), int(n_rev[h, li]), p)
        forward, forward_p = abs(r_hit), 0.0
        if ambiguous:
            fwd = [
                li
                for li, g in enumerate(lags)
                if g > 0 and allowed_lag(ke, ko, g) and np.isfinite(r_fwd[h, li])
            ]
            forward, forward_p = 0.0, 1.0
            if fwd:
                li = max(fwd, key=lambda i: abs(r_fwd[h, i]))
                forward = abs(float(r_fwd[h, li]))
                forward_p = min(1.0, float(p_fwd[h, li]) * len(fwd))
        consequence = best is not None and best.p < 0.05 and abs(best.r) >= forward
        out.append((best, consequence, ambiguous and not consequence and forward_p >= 0.05))
    return out


def _tested_lags(tests: LaggedTests, e: str, o: str) -> tuple[int, ...]:
    ei, oi = tests.exposures.index(e), tests.outcomes.index(o)
    return tuple(g for li, g in enumerate(tests.lags) if np.isfinite(tests.p[li, ei, oi]))


def _effect_terms(
    e: str,
    o: str,
    lag: int,
    tests: LaggedTests,
    hits: Sequence[tuple[str, str, int]],
    excluded: set[str],
    partners: Mapping[str, Sequence[str]],
    col: dict[str, int],
) -> tuple[list[LagTerm], int, tuple[int, ...], tuple[str, ...]]:
    """The distributed-lag model's terms for hit e -> o: the exposure at every lag the screen
    tested for this pair (so time order holds and neighbouring lags do not leak into the one
    shown), then each other factor found for the same outcome, strongest first, at every lag
    tested for it, up to ``MAX_MODEL_TERMS``. Left out: factors that nearly always occur with e
    or with a factor already in (they cannot be told apart), and possible consequences."""
    model_lags = tuple(sorted({*_tested_lags(tests, e, o), lag}))
    terms = [LagTerm(col[e], g) for g in model_lags]
    focus = model_lags.index(lag)
    others: list[str] = []
    blocked = set(excluded) | {e, *partners.get(e, ())}
    for he, ho, _ in hits:
        if ho != o or he in blocked:
            continue
        lags = _tested_lags(tests, he, o)
        if not lags or len(terms) + len(lags) > MAX_MODEL_TERMS:
            continue
        terms.extend(LagTerm(col[he], g) for g in lags)
        others.append(he)
        blocked |= {he, *partners.get(he, ())}
    return terms, focus, model_lags, tuple(others)


def insights(
    grid: DailyGrid,
    *,
    outcomes: list[str],
    exposures: list[str],
    higher_is_worse: dict[str, bool],
    fdr: Literal["bh", "by"] = "bh",
    max_hits: int | None = 20,
    starts: list[tuple[str, date]] | None = None,
    kinds: Mapping[str, MeasureKind] | None = None,
    names: Mapping[str, str] | None = None,
) -> Insights:
    """Everything at once; every number carries its n and the screen says when data are short.

    ``kinds`` gives each measure's meaning (analysis/measure_kinds.py; default by its family),
    ``names`` its name in words. ``max_hits`` caps the triggers returned, strongest first (None:
    all); ``Insights.hits_total`` says how many passed."""
    days = grid.days
    observed = np.isfinite(grid.values[:, [grid.names.index(o) for o in outcomes]]).any(axis=1)
    completeness = float(observed.mean()) if days else 0.0
    baselines = tuple(
        replace(b, name=(names or {}).get(o) or default_name(o))
        for o in outcomes
        if (b := _baseline(grid, o)) is not None
    )
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
            f"After {days} day{'' if days == 1 else 's'} ({completeness:.0%} with entries) "
            "we cannot screen for triggers "
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
    kind_of = {m: (kinds or {}).get(m) or measure_kind(m) for m in [*usable, *outcomes]}
    label = {m: (names or {}).get(m) or default_name(m) for m in kind_of}
    skip: set[tuple[str, str, int]] = set()
    sleepish = {
        "sleep:hours",
        "sleep:in_bed_hours",
        "sleep:quality",
        "symptom:sleep_quality",
        "symptom:unrefreshed_waking",
    }
    for e in usable:
        for o in outcomes:
            if e in outcomes and o in usable and o < e:
                skip.add((e, o, 0))  # at lag 0 the pair is symmetric: test it once
            if e.split(":")[0] == o.split(":")[0]:
                skip.add((e, o, 0))
            if {e, o} <= sleepish:
                skip.update((e, o, lag) for lag in LAGS)
    cols = list(dict.fromkeys([*usable, *outcomes]))
    col = {c: i for i, c in enumerate(cols)}
    adjusted = remove_calendar(grid.values[:, [grid.names.index(c) for c in cols]], grid.start)
    series = prewhiten(adjusted)[0]
    order_mask = _time_order_mask(
        [kind_of[e] for e in usable], [kind_of[o] for o in outcomes], LAGS
    )
    tests = lagged_screen(
        grid, usable, outcomes, LAGS, fdr=fdr, skip=skip, exclude=order_mask, series=series
    )
    q_all = np.nan_to_num(tests.q, nan=1.0)
    hits_idx = np.argwhere(q_all < 0.05)
    order = sorted(
        hits_idx.tolist(),
        key=lambda h: (tests.q[h[0], h[1], h[2]], -abs(tests.r[h[0], h[1], h[2]])),
    )
    best: list[tuple[str, str, int, int, int, int]] = []
    seen: set[tuple[str, str]] = set()
    for li, ei, oi in order:
        e, o = tests.exposures[ei], tests.outcomes[oi]
        if (e, o) not in seen:
            seen.add((e, o))
            best.append((e, o, tests.lags[li], li, ei, oi))
    pairs = co_occurring(grid, usable)
    partners: dict[str, list[str]] = {}
    for first, second, _ in pairs:
        partners.setdefault(first, []).append(second)
        partners.setdefault(second, []).append(first)
    directions = _reverse_checks(
        series,
        col,
        [(e, o, lag, float(tests.r[li, ei, oi])) for e, o, lag, li, ei, oi in best],
        kind_of,
        LAGS,
    )
    checks = {(e, o): c for (e, o, *_), c in zip(best, directions, strict=True)}
    consequences = {e for (e, _), c in checks.items() if c[1]}
    hit_list = [(e, o, lag) for e, o, lag, *_ in best if not checks[(e, o)][1]]

    def effect_of(
        e: str, o: str, lag: int, per: float, leave_out: set[str]
    ) -> tuple[Effect | None, tuple[int, ...], tuple[str, ...]]:
        terms, focus, model_lags, others = _effect_terms(
            e, o, lag, tests, hit_list, leave_out, partners, col
        )
        fit = fit_distributed_lag(adjusted, col[o], terms, focus)
        if fit is None:
            return None, model_lags, others
        effect = Effect(fit.effect * per, fit.ci_low * per, fit.ci_high * per, fit.n)
        return effect, model_lags, others

    candidates: list[tuple[Trigger, tuple[str, ...]]] = []
    unclear_effect: dict[tuple[str, str], bool] = {}
    for e, o, lag, li, ei, oi in best[:MAX_EFFECTS]:
        r = float(tests.r[li, ei, oi])
        worse = (r > 0) == higher_is_worse.get(o, True)
        ke = kind_of[e]
        per = per_unit(float(np.nanstd(grid.column(e))), ke)
        reverse, consequence, unclear = checks[(e, o)]
        eff, model_lags, others = effect_of(e, o, lag, per, consequences)
        unclear_effect[(e, o)] = eff is not None and eff.ci_low <= 0 <= eff.ci_high
        trigger = Trigger(
            e,
            o,
            lag,
            int(tests.n[li, ei, oi]),
            r,
            float(tests.q[li, ei, oi]),
            eff,
            "worse" if worse else "better",
            tuple(label.get(x) or default_name(x) for x in partners.get(e, ())),
            per,
            label[e],
            label[o],
            unit_words(ke, label[e], per),
            outcome_unit(kind_of[o]),
            ke.timing,
            kind_of[o].timing,
            consequence,
            unclear,
            reverse,
            tuple(label[x] for x in others),
            model_lags,
        )
        candidates.append((trigger, others))
    # A link whose adjusted range includes no effect, while another finding it was adjusted
    # for keeps a clear effect of its own, is most likely carried by that finding (a food eaten
    # with the real culprit): listed apart, not as a possible trigger. When two links each
    # vanish when adjusted for the other, the data cannot separate them; the stronger one (the
    # screen's order) stays and the weaker is listed apart as explained by it, since a stand-in
    # that only partly goes with the real cause shows a weaker link than the cause itself.
    rank = {(t.exposure, t.outcome): i for i, (t, _) in enumerate(candidates)}
    adjusters = {(t.exposure, t.outcome): set(others) for t, others in candidates}
    pool: list[Trigger] = []
    explained: list[Trigger] = []
    for t, others in candidates:
        key = (t.exposure, t.outcome)
        clear = [x for x in others if unclear_effect.get((x, t.outcome)) is False]
        stronger = [
            x
            for x in others
            if unclear_effect.get((x, t.outcome)) is True
            and t.exposure in adjusters.get((x, t.outcome), set())
            and rank[(x, t.outcome)] < rank[key]
        ]
        by = tuple(label[x] for x in (clear or stronger))
        if unclear_effect[key] and by:
            explained.append(replace(t, explained=True, explained_by=by))
        else:
            pool.append(t)
    # The effects shown are refitted without the links just found to be stand-ins: adjusting a
    # cause for its own stand-in only widens its interval (they move together).
    for i, t in enumerate(pool):
        stand_ins = {x.exposure for x in explained if x.outcome == t.outcome}
        if not stand_ins & set(adjusters[(t.exposure, t.outcome)]):
            continue
        eff, model_lags, others = effect_of(
            t.exposure, t.outcome, t.lag, t.per, consequences | stand_ins
        )
        pool[i] = replace(
            t, effect=eff, model_lags=model_lags, adjusted_for=tuple(label[x] for x in others)
        )
    # A screened link is a possible trigger only when its adjusted effect holds (the screen's
    # q is unadjusted, analysis/confirm.py); possible triggers are ranked by the adjusted
    # effect's strength, the screen's order breaking ties (links without an effect go last).
    found, gone = split_by_adjusted(pool, max_hits)
    unconfirmed = [replace(t, unconfirmed=True) for t in gone]
    listed = len(found) + len(explained) + len(unconfirmed)
    if listed < len(best):
        messages.append(
            f"{listed} of {len(best)} links that passed the false-discovery check are "
            "shown, strongest first."
        )
    if not found and not explained and not unconfirmed:
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
        len(best),
        tuple(explained),
        tuple(unconfirmed),
    )
