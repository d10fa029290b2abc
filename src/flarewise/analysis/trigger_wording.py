"""A trigger finding in words, shared by the web page and the CLI so both say the same thing:
the effect with its unit and interval, when it happens, n and q (never a bare q = 0.000), and
what it cannot show (analysis-methods.md 4.2: "honest numbers")."""

from __future__ import annotations

from flarewise.analysis.confirm import reversed_after_adjusting
from flarewise.analysis.insights import Trigger

ASSOCIATION = "An association in your own data, not proof that one causes the other."

#: What q is for, said once where a list of links starts: it comes from the screen, before
#: the adjustments, so it says a link is unlikely to be chance, not that it is large.
Q_MEANING = (
    "The screening check q says how likely a link is a chance finding among all the links "
    "tested, before any adjustment (below 0.05 passes); it does not say how large the effect "
    "is. Links are ordered by the adjusted effect, clearest first."
)

#: The heading of the links the screen found that did not hold once adjusted.
UNCONFIRMED_HEADING = "Found by the screen, gone after adjusting"
UNCONFIRMED_INTRO = (
    "These passed the screening check, but once yesterday's values, the day of the week, "
    "slow changes and the other findings are taken into account, the range includes no effect "
    "or runs the other way. They are not possible triggers on this evidence, and no experiment "
    "is offered for them."
)


def format_q(q: float) -> str:
    """q as a person can read it: "q < 0.001" rather than "q = 0.000"."""
    if q < 0.001:
        return "q < 0.001"
    return f"q = {q:.2g}"


def timing_words(cause: str, effect: str, lag: int) -> str:
    """When an effect measured on day d follows a cause on day d - ``lag``, from what each
    measure means (a night's sleep is recorded on the morning it ends)."""
    if cause == "night" and effect == "day":
        return "the day after that night" if lag == 0 else f"{lag + 1} days after that night"
    if cause == "day" and effect == "night":
        return {1: "that night", 2: "the following night"}.get(lag, f"{lag - 1} nights later")
    if cause == "night":
        return f"{lag} nights later"
    return {0: "the same day", 1: "the next day"}.get(lag, f"{lag} days later")


def when(t: Trigger) -> str:
    """When the outcome follows the exposure."""
    return timing_words(t.exposure_timing, t.outcome_timing, t.lag)


def _num(x: float) -> str:
    return f"{abs(x):.2f}"


def effect_text(t: Trigger) -> str:
    """ "0.62 points lower (95 % interval 0.53 to 0.72 lower)" or, when the interval spans
    zero, "... (95 % interval 0.10 lower to 0.40 higher)"; "" without an effect."""
    e = t.effect
    if e is None:
        return ""
    way = "higher" if e.effect > 0 else "lower"
    lo, hi = e.ci_low, e.ci_high
    if lo > 0 or hi < 0:
        a, b = sorted((abs(lo), abs(hi)))
        interval = f"{a:.2f} to {b:.2f} {way}"
    else:
        interval = f"{_num(lo)} lower to {_num(hi)} higher"
    size = f"{_num(e.effect)} {t.outcome_unit} {way}" if abs(e.effect) >= 0.005 else "no change"
    return f"{size} (95 % interval {interval})"


def sentence(t: Trigger) -> str:
    """The finding as one sentence with its unit, timing, n and q."""
    outcome = t.outcome_name[:1].upper() + t.outcome_name[1:]
    if t.effect is None:
        trend = "worse" if t.direction == "worse" else "better"
        body = f"{outcome} tended to be {trend} with more {t.exposure_name} ({when(t)})"
        return (
            f"{body}; too few days to put a size on it "
            f"({t.n} days, screening check {format_q(t.q)})."
        )
    return (
        f"{outcome}: {effect_text(t)} {t.unit}, {when(t)} "
        f"({t.effect.n} days, screening check {format_q(t.q)})."
    )


def notes(t: Trigger) -> list[str]:
    """What the finding cannot show, in the order a reader needs it."""
    out = []
    if t.possible_consequence and t.reverse_check is not None:
        rev = timing_words(t.outcome_timing, t.exposure_timing, t.reverse_check.lag)
        out.append(
            f"Possibly a consequence, not a trigger: {t.outcome_name} was followed by a change "
            f"in {t.exposure_name} ({rev}) at least as strongly, so the link may run the other "
            "way (or both ways). A consequence is not a trigger, so no experiment is offered."
        )
    elif t.order_unclear:
        out.append(
            f"Both are logged for the same day and neither shows up a day later, so which came "
            f"first cannot be told: {t.outcome_name} may affect {t.exposure_name} too."
        )
    e = t.effect
    if t.explained_by:
        out.append(
            f"Once {', '.join(t.explained_by)} {'is' if len(t.explained_by) == 1 else 'are'} "
            "taken into account, the range includes no effect: the link most likely comes "
            "from that, not from this factor."
        )
    elif reversed_after_adjusting(e, t.r):
        out.append(
            "Found by the screen, but once adjusted the effect runs the other way: the data "
            "cannot say which way this link goes, so it is not a possible trigger."
        )
    elif e is not None and e.ci_low <= 0 <= e.ci_high:
        out.append(
            "Found by the screen, but once the other factors are taken into account the range "
            "includes no effect: it cannot be told apart from them, so it is not a possible "
            "trigger."
        )
    if t.together_with:
        out.append(
            f"Nearly always together with {', '.join(t.together_with)}: their effects cannot "
            "be told apart."
        )
    adjusted = "the day of the week and slow changes (season, trend)"
    if t.adjusted_for:
        adjusted += " and " + ", ".join(t.adjusted_for)
    out.append(f"Adjusted for {adjusted}.")
    out.append(ASSOCIATION)
    return out


def cut_text(shown: int, total: int) -> str:
    """The cut, stated: "20 of 38 shown, strongest first"; "" when all are shown."""
    return "" if shown >= total else f"{shown} of {total} shown, strongest first."
