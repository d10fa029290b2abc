"""What an experiment report says, derived from the numbers so the words can never contradict
them (analysis-methods.md 4.2; issue 12 part 3).

- The verdict is a function of the 95 % interval and the person's meaningful change only:
  "helped" / "worsened" when the whole interval is on one side of no change; "no meaningful
  effect" when it includes no change and lies wholly within the meaningful change either way;
  otherwise "unclear", the only verdict that says "could help, do nothing, or worsen it".
- Probabilities use the interval's own t distribution, are always shown as the pair "any
  improvement" and "improvement at least as large as your chosen change", and never read as
  certainties (">99 %", "<1 %").
- The randomisation test is said in words (what share of the possible orders gives a
  difference this large if the intervention did nothing), never as a bare p.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flarewise.analysis.adequacy import MIN_EFFECTIVE, MIN_PAIRS, WARN_PAIRS, Adequacy
from flarewise.analysis.ar1 import AR1Fit
from flarewise.analysis.nof1 import TREATED, Nof1Analysis

VERDICTS = ("helped", "worsened", "no meaningful effect", "unclear")


def verdict_of(fit: AR1Fit, meaningful: float, lower_is_better: bool) -> str:
    """The verdict from the interval and the meaningful change (see the module docstring)."""
    lo, hi = fit.ci_low, fit.ci_high
    if hi < 0 or lo > 0:
        improved = (hi < 0) == lower_is_better
        return "helped" if improved else "worsened"
    if -meaningful < lo and hi < meaningful:
        return "no meaningful effect"
    return "unclear"


def pct(p: float) -> str:
    """A probability for people: never 0 % or 100 %."""
    if p < 0.01:
        return "less than 1%"
    if p > 0.99:
        return "more than 99%"
    return f"{p:.0%}"


def num(x: float) -> str:
    """A signed value with one decimal, or two when one would show a non-zero end of an
    interval as 0.0 (a "helped" beside "-1.2 to -0.0" would read as a contradiction)."""
    if x != 0 and abs(x) < 0.05:
        return f"{x:+.2f}"
    return f"{x:+.1f}"


def interval(lo: float, hi: float) -> str:
    return f"{num(lo)} to {num(hi)}"


def points(x: float) -> str:
    return f"{x:+.1f} point" + ("" if abs(round(x, 1)) == 1 else "s")


def range_clause(lo: float, hi: float, lower_is_better: bool) -> str:
    """What an interval allows, in words, only what it really allows."""
    if lo < 0 < hi:
        return "so it could help, do nothing, or worsen it"
    better_side = (hi <= 0) == lower_is_better
    if lo == 0 or hi == 0:
        return (
            "so it could help or do nothing"
            if better_side
            else "so it could do nothing or worsen it"
        )
    return "all on the side of improvement" if better_side else "all on the side of worsening"


def verdict_words(
    verdict: str, name: str, what: str, fit: AR1Fit, meaningful: float, lower_is_better: bool
) -> str:
    shown = (
        f"{points(fit.effect)} on average (95% interval {interval(fit.ci_low, fit.ci_high)}; "
        f"{'lower' if lower_is_better else 'higher'} is better)"
    )
    worst_gain = -fit.ci_high if lower_is_better else fit.ci_low
    best_gain = -fit.ci_low if lower_is_better else fit.ci_high
    m = f"{meaningful:.1f} point" + ("" if meaningful == 1 else "s")
    if verdict == "helped":
        # said from the interval's ends, not the point estimate, so rounding can never make
        # "-1.0 on average" sit beside "smaller than the 1.0 point you chose"
        if worst_gain >= meaningful:
            size = f"Even the least favourable end of that range is at least the {m} you chose."
        elif best_gain < meaningful:
            size = f"The whole range is smaller than the {m} you chose: real, but modest."
        else:
            size = f"It may or may not reach the {m} you chose."
        return f"{name.capitalize()} improved your {what}: {shown}. {size}"
    if verdict == "worsened":
        return f"{name.capitalize()} made your {what} worse: {shown}."
    if verdict == "no meaningful effect":
        return (
            f"{name.capitalize()} made no meaningful difference to your {what}: {shown}. "
            f"The whole range is smaller than the {m} you chose, either way."
        )
    return (
        f"It is not clear whether {name} changes your {what}: {shown}, "
        f"{range_clause(fit.ci_low, fit.ci_high, lower_is_better)}."
    )


def probability_words(a: Nof1Analysis, verdict: str | None) -> str | None:
    if a.p_any_improvement is None or a.p_meaningful_improvement is None:
        return None
    lean = ""
    if verdict == "unclear" and a.p_any_improvement >= 0.9:
        lean = "The data lean towards an improvement, but not enough to call it. "
    elif verdict == "unclear" and a.p_any_improvement <= 0.1:
        lean = "The data lean towards a worsening, but not enough to call it. "
    m = f"{a.meaningful:.1f} point" + ("" if a.meaningful == 1 else "s")
    return (
        f"{lean}Taking these days at face value, with no expectation either way: probability "
        f"of any improvement {pct(a.p_any_improvement)}; probability of an improvement of at "
        f"least {m} (the change you chose) {pct(a.p_meaningful_improvement)}."
    )


def randomisation_words(a: Nof1Analysis, name: str) -> str | None:
    if a.randomisation_p is None or a.paired is None or a.min_possible_p is None:
        return None
    k = len(a.paired.diffs)
    orders = 2**k
    if a.min_possible_p > 0.05:
        return (
            f"Randomisation check: with {k} block pairs there are only {orders} possible "
            f"orders, so even the clearest result would turn up by chance in "
            f"{a.min_possible_p:.0%} of them; this check needs {WARN_PAIRS} pairs to single "
            "out a result."
        )
    return (
        f"Randomisation check: if {name} did nothing, swapping which period of each pair had "
        f"it (all {orders} possible orders) gives a difference at least this large in "
        f"{a.randomisation_p:.1%} of orders (the least this design can show is "
        f"{a.min_possible_p:.1%}). The smaller this share, the harder the result is to put "
        "down to chance."
    )


def open_label(name: str, what: str) -> str:
    return (
        f"Open-label trial: you knew on which days you took {name}. Expecting it to help (or "
        f"not) can change how your {what} feels and how you score it, so part of any "
        "difference may come from expectation rather than from "
        f"{name} itself. A blinded schedule (identical capsules, some empty, prepared by "
        "someone else) would separate the two."
    )


def _period_label(p: int, arm: int, start: date | None = None) -> str:
    when = f", from {start}" if start is not None else ""
    return f"period {p + 1} ({'with it' if arm == TREATED else 'without it'}{when})"


def refusal_words(
    name: str,
    what: str,
    a: Nof1Analysis,
    ad: Adequacy,
    *,
    period_arm: dict[int, int],
    period_start: dict[int, date],
    finished: bool,
    period_days: int,
    lower_is_better: bool,
) -> str:
    """ "Not enough data yet", the real reason, and the way out."""
    head = f"Not enough data yet to say whether {name} changes your {what}."
    reasons: list[str] = []
    n_c = sum(pm.days_used for pm in a.periods if pm.arm == "A")
    n_t = sum(pm.days_used for pm in a.periods if pm.arm == "B")
    if a.primary is None:
        reasons.append(
            f"So far {n_c} scored days without {name} and {n_t} with it can be compared."
        )
    if ad.pairs < MIN_PAIRS:
        reasons.append(
            f"{ad.pairs} block pair{'s have' if ad.pairs != 1 else ' has'} scored days both "
            f"with and without {name}; at least {MIN_PAIRS} are needed."
        )
    low = [
        (label, n, eff)
        for label, n, eff in (
            (f"with {name}", n_t, ad.effective_treated),
            (f"without {name}", n_c, ad.effective_control),
        )
        if eff < MIN_EFFECTIVE
    ]
    if low and a.primary is not None:
        parts = " and ".join(
            f"your {n} scored days {label} count as about {eff:.0f}" for label, n, eff in low
        )
        reasons.append(
            f"Because one day's {what} resembles the next, {parts} independent days; the "
            f"comparison needs {MIN_EFFECTIVE:.0f} for each."
        )
    for p in ad.empty_periods:
        reasons.append(f"{_period_label(p, period_arm.get(p, 0)).capitalize()} had no scored days.")
    for p, n in ad.thin_periods:
        reasons.append(
            f"{_period_label(p, period_arm.get(p, 0)).capitalize()} had {n} scored "
            f"day{'s' if n != 1 else ''}, so it counts for less."
        )
    return " ".join(
        [
            head,
            *reasons,
            _way_out(ad, period_start, finished, period_days),
            so_far(a, lower_is_better),
        ]
    ).strip()


def _way_out(ad: Adequacy, period_start: dict[int, date], finished: bool, period_days: int) -> str:
    if ad.plan and not ad.extra_pairs:
        where = _where(ad, period_start)
        n = ad.more_days
        return f"{n} more logged day{'s' if n != 1 else ''} would be enough: {where}."
    extra = max(ad.extra_pairs, 1)
    days = extra * 2 * period_days
    pairs = f"{extra} more block pair{'s' if extra != 1 else ''} ({days} days)"
    if finished or not ad.plan:
        return (
            f"The planned schedule is over: adding {pairs}, with scores on most days, "
            "would be enough."
        )
    return (
        f"Even a score on every remaining planned day would not be enough: plan {pairs} "
        "more, with scores on most days."
    )


def _where(ad: Adequacy, period_start: dict[int, date]) -> str:
    shown: Sequence[str] = [
        f"{n.days} in {_period_label(n.period, n.arm, period_start.get(n.period))}" for n in ad.plan
    ]
    if len(shown) <= 3:
        return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1]
    first, last = ad.plan[0].period + 1, ad.plan[-1].period + 1
    start = period_start.get(ad.plan[0].period)
    return f"in periods {first} to {last}" + (f", from {start}" if start else "")


def so_far(a: Nof1Analysis, lower_is_better: bool) -> str:
    f = a.primary
    if f is None:
        return ""
    clause = range_clause(f.ci_low, f.ci_high, lower_is_better)
    tail = (
        ""
        if f.ci_low < 0 < f.ci_high
        else ", but with this little data that range is not reliable yet"
    )
    return (
        f"With what you have, the estimate is {points(f.effect)}, and the range of plausible "
        f"values runs from {interval(f.ci_low, f.ci_high)}, {clause}{tail}."
    )


def pairs_caveat(ad: Adequacy) -> str | None:
    if not ad.few_pairs:
        return None
    return (
        f"Based on {ad.pairs} block pairs with scores in both periods; {WARN_PAIRS} or more "
        "give a firmer answer."
    )


def thin_caveat(ad: Adequacy, period_arm: dict[int, int]) -> str | None:
    if not ad.thin_periods and not ad.empty_periods:
        return None
    named = [
        f"{_period_label(p, period_arm.get(p, 0))} had {n} scored day{'s' if n != 1 else ''}"
        for p, n in ad.thin_periods
    ] + [f"{_period_label(p, period_arm.get(p, 0))} had none" for p in ad.empty_periods]
    text = "; ".join(named)
    return (
        text[0].upper()
        + text[1:]
        + ". Periods with few scores count for less in the estimate; they do not void it."
    )
