"""The tailored plan (capability C5): red flags first, then options ranked by evidence and fit,
each with its rationale, dose within limits, how to try it, what to monitor, grade, citations and
every warning. Never a grade X item, never a dose above an upper limit, never a combination a
rule marks contraindicated (clinical-rules.md D, E, G)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flarewise.knowledge.schema import InterventionDef
from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary
from flarewise.labs.redflags import RedFlag
from flarewise.plan.context import PlanContext
from flarewise.plan.eligibility import low_lab
from flarewise.plan.inputs import MissingInput, unrecognised_inputs
from flarewise.plan.items import PlanItem
from flarewise.plan.precedence import apply_precedence
from flarewise.plan.safety import UL_RULES, Warning, check_plan, contraindications, counts_toward

STATEMENT = (
    "This plan is information to discuss with your clinician, not a prescription. "
    "Every option shows how strong its evidence is and where that comes from."
)
GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3, "X": 9}
#: EULAR 2016's graduated approach: exercise and education first, then other non-drug
#: therapies, then medicines for a prescriber to consider, then supplements; anything graded
#: C or D (low certainty) after all of those.
TIERS = {
    "exercise": 0,
    "education": 0,
    "mind_body": 1,
    "sleep": 1,
    "therapy": 1,
    "diet": 1,
    "medicine": 2,
    "supplement": 3,
}
#: Classes where a second medicine of the same kind is a duplication, not an option.
SAME_KIND = frozenset({"snri", "ssri", "tca", "gaba", "opioid", "maoi"})


@dataclass(frozen=True)
class PlanOption:
    intervention: str
    name: str
    category: str
    grade: str
    evidence: str
    citations: tuple[tuple[str, str], ...]  # (label, link)
    rationale: tuple[str, ...]
    dose: str | None
    dose_low: float | None
    dose_high: float | None
    dose_unit: str | None
    dose_per: str | None
    upper_limit: str | None
    how_to_try: str
    monitor: tuple[str, ...]
    warnings: tuple[Warning, ...]
    prescription: bool
    popular_advice: str | None
    needs_sign_off: bool

    def as_item(self, vocab: Vocabulary) -> PlanItem:
        i = vocab.interventions[self.intervention]
        daily = self.dose_high if self.dose_per == "day" else None
        return PlanItem(
            item=i.id,
            intervention=i,
            substance=i.substance,
            daily_amount=daily,
            unit=self.dose_unit if daily is not None else None,
            form=i.forms[0] if i.forms else None,
            basis="elemental" if i.substance == "magnesium" else None,
        )


@dataclass(frozen=True)
class NotSuggested:
    intervention: str
    name: str
    grade: str
    reason: str
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotOffered:
    """An option a contraindicated warning blocks for this person: never offered, and shown
    with the rule and its reason so the person and their clinician can see why."""

    intervention: str
    name: str
    grade: str
    rule: str  # the first contraindicating rule
    reason: str  # the reasons in words, each with its rule id
    rules: tuple[str, ...] = ()  # every contraindicating rule


@dataclass(frozen=True)
class Plan:
    on: date
    statement: str
    red_flags: tuple[RedFlag, ...]
    current_warnings: tuple[Warning, ...]
    options: tuple[PlanOption, ...]
    not_suggested: tuple[NotSuggested, ...]
    popular_advice: tuple[tuple[str, str], ...] = field(default=())
    not_offered: tuple[NotOffered, ...] = field(default=())
    #: inputs the plan could not check (a medicine flarewise does not know, issue 13), said
    #: with the plan itself so silence is never read as "no interaction"
    missing: tuple[MissingInput, ...] = field(default=())


def _fit(ctx: PlanContext, i: InterventionDef) -> tuple[float, list[str]]:
    """How well an option fits the person's recent symptoms, and why (plain sentences)."""
    s = ctx.symptoms
    why: list[str] = []
    score = 0.0
    if i.outcome and i.outcome in s:
        level = s[i.outcome]
        direction_bad = i.outcome not in ("sleep_quality", "mood")
        burden = level if direction_bad else 10 - level
        score += burden / 10
        if burden >= 5:
            why.append(f"your {i.outcome.replace('_', ' ')} averaged {level:.1f}/10 over 30 days")
    if i.category == "exercise" and ctx.psd is not None:
        why.append(f"your latest polysymptomatic distress score is {ctx.psd:g}")
    if i.category == "education" and ctx.fiqr is not None:
        why.append(f"your latest FIQR total is {ctx.fiqr:.1f}")
    return score, why


def _dose(
    i: InterventionDef, ctx: PlanContext, vocab: Vocabulary
) -> tuple[float | None, float | None, str | None, str | None]:
    """The dose range, capped so that all sources together stay within the upper limit."""
    if i.dose is None:
        return None, None, None, None
    low, high = i.dose.low, i.dose.high
    if i.upper_limit is not None and i.upper_limit.rule in UL_RULES:
        sid, limit = UL_RULES[i.upper_limit.rule]
        already = sum(a.daily_amount or 0 for a in ctx.current if counts_toward(a, sid))
        high = min(high, limit - already)
        if high < low:
            return None, None, None, f"you already take {already:g} {i.dose.unit}/day"
    return low, high, i.dose.unit, None


def _how_to_try(i: InterventionDef) -> str:
    weeks = i.trial_weeks or 8
    outcome = (i.outcome or "pain").replace("_", " ")
    start = "build up gradually, " if i.category == "exercise" else ""
    return (
        f"As a personal experiment: log {outcome} daily for 2 weeks first, then {start}"
        f"try it for {weeks} weeks and compare; decide beforehand what change matters to you "
        "(for example 1 point on the 0-10 scale, or 30%)."
    )


def build_plan(ctx: PlanContext, vocab: Vocabulary | None = None) -> Plan:
    vocab = vocab or load_vocabulary()
    avoid = {vocab.class_id(a) for a in ctx.profile.preferences.avoid}
    suppressed = {s: f for f in ctx.red_flags for s in f.suppresses}
    current = {a.substance for a in ctx.current}
    current_warnings = tuple(check_plan(ctx, [], vocab))
    candidates: list[tuple[tuple[float, ...], PlanOption]] = []
    not_suggested: list[NotSuggested] = []
    not_offered: list[NotOffered] = []

    def skip(i: InterventionDef, reason: str, rules: tuple[str, ...] = ()) -> None:
        not_suggested.append(NotSuggested(i.id, i.name, i.grade, reason, rules))

    def block(i: InterventionDef, lead: str, blocking: list[Warning]) -> None:
        # the reason is read by the person: one hazard said once (D.5.0 P2/P4, e.g. SAF-DLX-MAOI
        # names the SAF-MAOI-SERO it covers); every rule id stays in ``rules``
        shown = sorted(apply_precedence(blocking, vocab), key=lambda w: -(w.rank or 0))
        rules = tuple(dict.fromkeys(w.rule for w in [*shown, *blocking]))
        reason = lead + " ".join(f"{w.message} [{w.rule}]" for w in shown)
        not_offered.append(NotOffered(i.id, i.name, i.grade, rules[0], reason, rules))

    for i in vocab.interventions.values():
        if i.grade == "X":
            skip(i, f"Not recommended for fibromyalgia: {i.evidence}")
            continue
        classes = set(vocab.substances[i.substance].classes) if i.substance else set()
        if {i.id, i.substance, *classes} & avoid:
            skip(i, "You asked not to have this suggested.")
            continue
        if i.substance in current:
            warned = any(i.substance in w.involves for w in current_warnings)
            see = "; see the warnings on your current medicines" if warned else ""
            skip(i, f"You already take it{see}.")
            continue
        same = classes & SAME_KIND & {c for a in ctx.current for c in a.classes}
        if same:
            kinds = ", ".join(vocab.name_of("substance_class", c) for c in sorted(same))
            skip(i, f"You already take a medicine of the same kind: {kinds}.")
            continue
        if i.substance in suppressed:
            f = suppressed[i.substance]
            skip(
                i,
                f"Not suggested while {f.rule} ({f.title[:1].lower()}{f.title[1:]}) is "
                "unexplained: "
                "a clinician should look at the cause first.",
                (f.rule,),
            )
            continue
        lab = low_lab(ctx, i)
        if not lab.offered:
            skip(i, lab.reason, lab.rules)
            continue
        lab_why = lab.reason
        low, high, unit, dose_problem = _dose(i, ctx, vocab)
        if dose_problem:
            skip(
                i,
                f"More would exceed the upper limit: {dose_problem}.",
                (i.upper_limit.rule,) if i.upper_limit else (),
            )
            continue
        fit, why = _fit(ctx, i)
        if lab_why:
            why.insert(0, lab_why)
        if i.substance in ctx.tried:
            start, stop = ctx.tried[i.substance]
            why.append(f"you took it from {start} to {stop}; your journal shows how that went")
        dose_text = None
        if low is not None and unit is not None and i.dose is not None:
            span = f"{low:g}" if low == high else f"{low:g}-{high:g}"
            dose_text = f"{span} {unit} per {i.dose.per}" + (
                f" ({i.dose.note})" if i.dose.note else ""
            )
        ul = (
            f"upper limit {i.upper_limit.amount:g} {i.upper_limit.unit}/day: {i.upper_limit.basis}"
            if i.upper_limit
            else None
        )
        option = PlanOption(
            intervention=i.id,
            name=i.name,
            category=i.category,
            grade=i.grade,
            evidence=i.evidence,
            citations=tuple((c.label, c.link) for c in i.citations),
            rationale=tuple(why) or (i.evidence,),
            dose=dose_text,
            dose_low=low,
            dose_high=high,
            dose_unit=unit,
            dose_per=i.dose.per if i.dose else None,
            upper_limit=ul,
            how_to_try=_how_to_try(i),
            monitor=i.monitor,
            warnings=(),
            prescription=i.prescription,
            popular_advice=i.popular_advice,
            needs_sign_off=False,
        )
        tier = TIERS[i.category] if i.grade in ("A", "B") else 4
        rank = (tier, GRADE_ORDER[i.grade], -fit)
        candidates.append((rank, option))

    candidates.sort(key=lambda c: c[0])
    # one pass over every option together: a contraindication that involves one option (with
    # the person's medicines, conditions, labs) blocks it; one that involves two options
    # keeps the better-ranked of them
    options = [o for _, o in candidates]
    alone: dict[str, list[Warning]] = {}
    conflicts: list[tuple[Warning, set[str]]] = []
    for w in contraindications(ctx, [o.as_item(vocab) for o in options], vocab):
        found = _items_of(w, options, vocab)
        if len(found) == 1:
            alone.setdefault(found.pop(), []).append(w)
        elif found:
            conflicts.append((w, found))
    chosen: list[PlanOption] = []
    chosen_ids: set[str] = set()
    for option in options:
        me = option.intervention
        if me in alone:
            block(vocab.interventions[me], "Contraindicated for you: ", alone[me])
            continue
        clash = [w for w, found in conflicts if me in found and (found - {me}) & chosen_ids]
        if clash:
            block(
                vocab.interventions[me], "Contraindicated with another option of this plan: ", clash
            )
            continue
        chosen.append(option)
        chosen_ids.add(me)
    # warnings that only arise between options (e.g. two bleeding supplements with an anticoagulant)
    combined = check_plan(ctx, [o.as_item(vocab) for o in chosen], vocab)
    # one warning per hazard across the whole plan: the combined check is the final word
    final = [
        _with_warnings(o, tuple(w for w in combined if o.intervention in _items_of(w, [o], vocab)))
        for o in chosen
    ]
    popular = tuple(
        (i.name, i.popular_advice) for i in vocab.interventions.values() if i.popular_advice
    )
    return Plan(
        ctx.on,
        STATEMENT,
        ctx.red_flags,
        current_warnings,
        tuple(final),
        tuple(not_suggested),
        popular,
        tuple(not_offered),
        tuple(unrecognised_inputs(ctx)),
    )


def _with_warnings(o: PlanOption, warnings: tuple[Warning, ...]) -> PlanOption:
    from dataclasses import replace

    return replace(
        o, warnings=warnings, needs_sign_off=any(w.severity == "major" for w in warnings)
    )


def _items_of(w: Warning, options: list[PlanOption], vocab: Vocabulary) -> set[str]:
    """Which of ``options`` a warning involves (by intervention or substance id)."""
    out = set()
    for o in options:
        sid = vocab.interventions[o.intervention].substance
        if o.intervention in w.involves or (sid is not None and sid in w.involves):
            out.add(o.intervention)
    return out
