"""Interaction and condition rules of clinical-rules.md D.4 and D.5.3, read through the D.5.1
classes, evaluated as D.5.0 says.

What is compared (D.5.0 item 2): each plan item with the current medicines and with the other
plan items; stopped medicines only for the washout rule and the residual window of
SAF-SERO-PAIR; between two recorded medicines only SAF-MAOI-SERO and SAF-MAOI-WASHOUT
(profile-level: these fire with an empty plan). Condition, kidney and age triggers apply to plan
items only.

Most rules are data (safety_rules.yaml: ``item``, ``partner``, ``conditions``, ...) evaluated by
three small generic evaluators (pair, multi-partner, condition); the rules whose logic is more
than a class pair (washouts, CNS depression branches, eGFR bands, ...) are functions named by
rule id in ``CUSTOM``. This module produces every candidate warning; ``precedence`` then keeps one
per hazard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flarewise.knowledge.schema import SafetyRuleDef, Selector
from flarewise.knowledge.vocabulary import Vocabulary
from flarewise.labs.limits import calcium_above_limit
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.warnings import SEVERITY_ORDER, Warning, make_warning

EGFR = ("62238-1", "33914-3")
CALCIUM = ("17861-6", "2000-8")
AGE_65 = "age_65_plus"
CNS_COUNT = "three_or_more_cns_active"
SERO = ("sero_s1", "sero_s2")


@dataclass
class Scene:
    """The agents of one check, split the way D.5.0 item 2 compares them."""

    ctx: PlanContext
    vocab: Vocabulary
    proposed: list[Agent]
    current: list[Agent]
    stopped: list[Agent]

    @classmethod
    def of(cls, ctx: PlanContext, agents: Iterable[Agent], vocab: Vocabulary) -> Scene:
        agents = list(agents)
        return cls(
            ctx,
            vocab,
            [a for a in agents if a.origin == "proposed"],
            [a for a in agents if a.origin == "current"],
            [a for a in agents if a.origin == "stopped"],
        )

    def __post_init__(self) -> None:
        self.pool = [*self.current, *self.proposed]
        self._partners: dict[int, list[Agent]] = {}

    def partners(self, p: Agent) -> list[Agent]:
        """What a plan item is compared with: current medicines and the other plan items."""
        found = self._partners.get(id(p))
        if found is None:
            found = [q for q in self.pool if q is not p and q.substance != p.substance]
            self._partners[id(p)] = found
        return found

    def matching(self, s: Selector | None) -> set[int]:
        """Ids of the current and proposed agents a selector matches."""
        return {id(a) for a in self.pool if matches(a, s)}

    def start(self, a: Agent) -> date:
        """A plan item starts on the plan day, as does a medicine whose start is unknown."""
        return a.started_on if a.started_on is not None and a.origin != "proposed" else self.ctx.on

    def days_since_stop(self, a: Agent) -> int:
        assert a.stopped_on is not None
        return (self.ctx.on - a.stopped_on).days

    def age(self) -> int | None:
        return self.ctx.age


def matches(a: Agent, s: Selector | None) -> bool:
    return s is not None and (a.substance in s.substances or not a.classes.isdisjoint(s.classes))


def name_of(vocab: Vocabulary, token: str) -> str:
    if token == AGE_65:
        return "age 65 or over"
    if token == CNS_COUNT:
        return "three or more medicines acting on the brain at 65 or over"
    if token in vocab.conditions:
        return vocab.conditions[token].name.lower()
    return vocab.name_of("substance", token)


class Collector:
    """Warnings of one check, at most one per (rule, hazard key), the highest severity kept
    (D.5.0 P1: "keep one warning at the highest severity")."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        self.found: dict[tuple[str, frozenset[str] | str], Warning] = {}

    def add(self, key: tuple[str, frozenset[str] | str], w: Warning) -> None:
        old = self.found.get(key)
        if old is None or SEVERITY_ORDER[w.severity] < SEVERITY_ORDER[old.severity]:
            self.found[key] = w

    def pair(
        self,
        rule: str,
        subject: Agent,
        a: Agent,
        b: Agent,
        severity: str | None = None,
        detail: str = "",
    ) -> None:
        """One warning per (rule, unordered pair); ``subject`` is the plan item (or, for a
        profile-level pair, the later-started medicine)."""
        other = b if subject is a else a
        r = self.scene.vocab.safety_rules[rule]
        sev = severity or r.severity
        text = detail or f"({a.label or a.substance} with {b.label or b.substance})"
        w = make_warning(
            self.scene.ctx,
            self.scene.vocab,
            rule,
            text,
            [subject.substance, other.substance],
            sev,
            subject=subject.substance,
            partners=[(other.substance, sev)],
            items=[x for x in (subject.item, other.item) if x],
        )
        self.add((rule, frozenset({a.substance, b.substance})), w)

    def multi(
        self, rule: str, subject: Agent, partners: Mapping[str, str], detail: str = ""
    ) -> None:
        """One warning per (rule, plan item) listing every partner with the severity it brings;
        the warning has the highest of them."""
        if not partners:
            return
        vocab = self.scene.vocab
        severity = min(partners.values(), key=lambda s: SEVERITY_ORDER[s])
        names = ", ".join(name_of(vocab, t) for t in partners)
        drugs = [t for t in partners if t in vocab.substances]
        w = make_warning(
            self.scene.ctx,
            vocab,
            rule,
            detail or f"({subject.label or subject.substance} with {names})",
            [subject.substance, *drugs],
            severity,
            subject=subject.substance,
            partners=partners.items(),
            items=[subject.item] if subject.item else [],
        )
        self.add((rule, subject.substance), w)

    def single(self, rule: str, subject: Agent, detail: str, severity: str | None = None) -> None:
        w = make_warning(
            self.scene.ctx,
            self.scene.vocab,
            rule,
            detail,
            [subject.substance, *([subject.item] if subject.item else [])],
            severity,
            subject=subject.substance,
            items=[subject.item] if subject.item else [],
        )
        self.add((rule, subject.substance), w)


def _severity_for(r: SafetyRuleDef, other: Agent) -> str:
    for w in r.severity_when:
        if matches(other, w.match):
            return w.severity
    return r.severity


def _conditions(scene: Scene, ids: Iterable[str]) -> list[str]:
    return [c for c in ids if scene.ctx.has_condition(c)]


# -- generic evaluators ------------------------------------------------------------------------


def eval_pair(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    """``item`` with ``partner``, either side the plan item (unless ``item_only``); plus the
    rule's conditions on a plan item of the ``item`` side."""
    side_a, side_b = scene.matching(r.item), scene.matching(r.partner)
    for p in scene.proposed:
        mine = id(p)
        if (mine in side_a and side_b) or (mine in side_b and side_a and not r.item_only):
            for q in scene.partners(p):
                other = id(q)
                if mine in side_a and other in side_b:
                    out.pair(r.id, p, p, q, _severity_for(r, q))
                elif not r.item_only and mine in side_b and other in side_a:
                    out.pair(r.id, p, q, p, _severity_for(r, p))
        if r.conditions and mine in side_a:
            found = _conditions(scene, r.conditions)
            if found:
                names = ", ".join(name_of(scene.vocab, c) for c in found)
                out.single(r.id, p, f"({names} recorded)")


def eval_multi(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    """One warning per plan item: partners from medicines, conditions and age."""
    for p in scene.proposed:
        partners: dict[str, str] = {}
        if matches(p, r.item):
            for q in scene.partners(p):
                if matches(q, r.partner):
                    partners[q.substance] = r.severity
            for c in _conditions(scene, (*r.partner_conditions, *r.conditions)):
                partners[c] = r.severity
            age = scene.age()
            if r.age_at_least is not None and age is not None and age >= r.age_at_least:
                partners[AGE_65] = r.severity
        elif matches(p, r.partner):
            for q in scene.partners(p):
                if matches(q, r.item):
                    partners[q.substance] = r.severity
        out.multi(r.id, p, partners)


def eval_condition(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    """A plan item of the ``item`` side with one of the conditions (or always, without any)."""
    for p in scene.proposed:
        if not matches(p, r.item):
            continue
        if not r.conditions:
            out.single(r.id, p, "", _severity_for(r, p))
            continue
        found = _conditions(scene, r.conditions)
        if found:
            names = ", ".join(name_of(scene.vocab, c) for c in found)
            out.single(r.id, p, f"({names} recorded)", _severity_for(r, p))


# -- custom evaluators -------------------------------------------------------------------------


def latest_egfr(ctx: PlanContext) -> float | None:
    r = ctx.latest(*EGFR)
    return r.value if r is not None else None


def calcium_high(ctx: PlanContext) -> bool:
    """Whether the latest calcium is above the reporting lab's upper limit or, when the lab gave
    none, the E.1 default: the one place SAF-VITD-CA reads calcium (the same test as RF-CA).
    The default depends on age (10.0 mg/dL to 59, 10.2 from 60), so it is read at the age on
    the day of the result, as RF-CA reads it: otherwise a result flagged at 59 could stop
    blocking vitamin D once the person turns 60 (E.1: "the same calcium limit as RF-CA")."""
    ca = ctx.latest(*CALCIUM)
    return ca is not None and calcium_above_limit(ca, ctx.profile.age_on(ca.at.date()))


def _mg_renal(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    egfr = latest_egfr(scene.ctx)
    ckd = scene.ctx.has_condition("chronic_kidney_disease")
    for p in scene.proposed:
        if matches(p, r.item) and (ckd or (egfr is not None and egfr < 60)):
            why = "(kidney disease recorded)" if ckd else f"(eGFR {egfr:g})"
            out.single(r.id, p, why)


def _vitd_ca(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    found = _conditions(scene, r.conditions)
    if not (calcium_high(scene.ctx) or found):
        return
    for p in scene.proposed:
        if matches(p, r.item):
            out.single(r.id, p, "(high calcium or a condition that raises it)")


def _bleed_stack(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    pool = [*scene.current, *scene.proposed]
    bleeders = {a.substance: a for a in pool if matches(a, r.item)}
    anticoag = {a.substance: a for a in pool if matches(a, r.partner)}
    planned = [a for a in scene.proposed if matches(a, r.item)]
    if len(bleeders) >= 2 and anticoag and planned:
        subject = planned[0]
        partners = {s: r.severity for s in (*bleeders, *anticoag) if s != subject.substance}
        out.multi(r.id, subject, partners)


def _dlx_maoi(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    """Duloxetine with an MAOI taken now, planned, or stopped less than 14 days ago."""
    limit = scene.vocab.washouts.maoi_stopped
    for p in scene.proposed:
        for q in scene.partners(p):
            for x, y in ((p, q), (q, p)):
                if matches(x, r.item) and matches(y, r.partner):
                    out.pair(r.id, p, x, y)
        if matches(p, r.item):
            for m in scene.stopped:
                if matches(m, r.partner) and scene.days_since_stop(m) < limit:
                    out.pair(r.id, p, p, m, detail=f"({m.label} stopped on {m.stopped_on})")


def _maoi_severity(partner: Agent) -> str:
    """D.5.3: contraindicated with a SERO-S1 partner; major with SERO-S2 or a non-serotonergic
    opioid."""
    return "contraindicated" if partner.is_a("sero_s1") else "major"


def _maoi_partner(a: Agent) -> bool:
    return a.is_a("sero_s1", "sero_s2", "opioid")


def _maoi_sero(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    def check(subject: Agent | None, a: Agent, b: Agent) -> None:
        for m, s in ((a, b), (b, a)):
            if m.is_a("maoi") and not s.is_a("maoi") and _maoi_partner(s):
                who = subject
                if who is None:  # profile-level: the later-started one; the MAOI if unknown
                    later = s.started_on is not None and m.started_on is not None
                    who = s if later and s.started_on > m.started_on else m  # type: ignore[operator]
                out.pair(r.id, who, m, s, _maoi_severity(s))

    for p in scene.proposed:
        for q in scene.partners(p):
            check(p, p, q)
    current = scene.current
    for i, a in enumerate(current):
        for b in current[i + 1 :]:
            if a.substance != b.substance:
                check(None, a, b)


def _maoi_washout(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    """D.5.4: gap = start of the later drug - stop of the earlier; fires when gap < required.
    Later drugs are plan items (starting on the plan day) or current medicines (profile-level)."""
    w = scene.vocab.washouts
    later = [*scene.current, *scene.proposed]
    for e in scene.stopped:
        assert e.stopped_on is not None
        for s in later:
            if s.substance == e.substance:
                continue
            gap = (scene.start(s) - e.stopped_on).days
            if e.is_a("maoi") and not s.is_a("maoi") and _maoi_partner(s):  # A
                need = w.maoi_stopped
                sev = _maoi_severity(s)
            elif s.is_a("maoi") and not e.is_a("maoi") and e.is_a(*SERO):  # B
                need = w.partner.get(e.substance, w.partner_default)
                sev = _maoi_severity(e)
            else:
                continue
            if gap < need:
                out.pair(r.id, s, s, e, sev, _gap_words(e, s, scene.start(s), gap, need))


def _gap_words(earlier: Agent, later: Agent, start: date, gap: int, need: int) -> str:
    """The washout in words: a negative gap means the two were taken together (the later one
    started before the earlier one stopped), which a person reads as an overlap, not as
    "-97 day(s) later"."""
    assert earlier.stopped_on is not None
    verb = "planned" if later.origin == "proposed" else "started"
    if gap < 0:
        when = (
            f"{later.label} started on {start}, before {earlier.label} was stopped on "
            f"{earlier.stopped_on}: they overlapped"
        )
    else:
        days = "the same day" if gap == 0 else f"{gap} day{'s' if gap != 1 else ''} later"
        when = f"{earlier.label} stopped on {earlier.stopped_on}; {later.label} {verb} {days}"
    return f"({when}; at least {need} days are needed between stopping one and starting the other)"


def _sero_pair(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    w = scene.vocab.washouts

    def sev(a: Agent, b: Agent) -> str:
        return "major" if a.is_a("sero_s1") and b.is_a("sero_s1") else "caution"

    for p in scene.proposed:
        if not p.is_a(*SERO):
            continue
        for q in scene.partners(p):
            if q.is_a(*SERO):
                out.pair(r.id, p, p, q, sev(p, q))
        for q in scene.stopped:
            if q.substance == p.substance or not q.is_a(*SERO):
                continue
            need = w.partner.get(q.substance, w.partner_default)
            if scene.days_since_stop(q) < need:
                detail = (
                    f"({p.label} with {q.label}, stopped on {q.stopped_on} and still present "
                    f"for {need} days after stopping)"
                )
                out.pair(r.id, p, p, q, sev(p, q), detail)


def _cns_depress(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    """Branches (a)-(d) of SAF-CNS-DEPRESS; gabapentinoid pairs never use (a), (b), (d)."""
    aud = scene.ctx.has_condition("alcohol_use_disorder")
    age = scene.age()
    active = {a.substance for a in (*scene.current, *scene.proposed) if a.is_a("cns_active")}
    for p in scene.proposed:
        partners: dict[str, str] = {}

        def put(token: str, severity: str, partners: dict[str, str] = partners) -> None:
            old = partners.get(token)
            if old is None or SEVERITY_ORDER[severity] < SEVERITY_ORDER[old]:
                partners[token] = severity

        if not p.is_a("gaba"):
            for q in scene.partners(p):
                if q.is_a("gaba"):
                    continue
                opioid_p, opioid_q = p.is_a("opioid"), q.is_a("opioid")
                if (opioid_p and q.is_a("bzd_z")) or (opioid_q and p.is_a("bzd_z")):
                    put(q.substance, "major")  # (a)
                elif (opioid_p and q.is_a("cns_dep", "opioid")) or (opioid_q and p.is_a("cns_dep")):
                    put(q.substance, "major")  # (b)
                elif (
                    not (opioid_p or opioid_q)
                    and p.is_a("bzd_z", "cns_dep")
                    and q.is_a("bzd_z", "cns_dep")
                ):
                    put(q.substance, "caution")  # (d)
            if aud:
                if p.is_a("opioid"):
                    put("alcohol_use_disorder", "major")  # (b)
                elif p.is_a("bzd_z", "cns_dep"):
                    put("alcohol_use_disorder", "caution")  # (d): alcohol counts as CNS-DEP
            if age is not None and age >= 65 and p.is_a("cns_active") and len(active) >= 3:
                put(CNS_COUNT, "major")  # (c)
        out.multi(r.id, p, partners)


def _nsaid_renal_egfr(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    egfr = latest_egfr(scene.ctx)
    if egfr is None or egfr >= 60:
        return
    severity = "major" if egfr < 30 else "caution"
    for p in scene.proposed:
        if matches(p, r.item):
            out.single(r.id, p, f"(latest eGFR {egfr:g})", severity)


def _renal_dose(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    egfr = latest_egfr(scene.ctx)
    if egfr is None:
        return
    for p in scene.proposed:
        if p.substance in ("gabapentin", "pregabalin") and egfr < 60:
            out.single(r.id, p, f"(latest eGFR {egfr:g}: the dose needs adjusting)", "caution")
        elif p.substance == "duloxetine" and egfr < 30:
            out.single(r.id, p, f"(latest eGFR {egfr:g}: avoid)", "major")


def _dmard(r: SafetyRuleDef, scene: Scene, out: Collector) -> None:
    vocab = scene.vocab
    inflammatory = any(
        vocab.conditions[c.condition].inflammatory
        for c in scene.ctx.profile.conditions
        if c.condition in vocab.conditions and scene.ctx.has_condition(c.condition)
    )
    if inflammatory:
        return
    for p in scene.proposed:
        if matches(p, r.item) and not p.is_a("il6_inhibitor"):
            out.single(r.id, p, "")


Evaluator = Callable[[SafetyRuleDef, Scene, Collector], None]

CUSTOM: dict[str, Evaluator] = {
    "SAF-MG-RENAL": _mg_renal,
    "SAF-VITD-CA": _vitd_ca,
    "SAF-BLEED-STACK": _bleed_stack,
    "SAF-DLX-MAOI": _dlx_maoi,
    "SAF-MAOI-SERO": _maoi_sero,
    "SAF-MAOI-WASHOUT": _maoi_washout,
    "SAF-SERO-PAIR": _sero_pair,
    "SAF-CNS-DEPRESS": _cns_depress,
    "SAF-NSAID-RENAL-EGFR": _nsaid_renal_egfr,
    "SAF-RENAL-DOSE": _renal_dose,
    "SAF-DMARD": _dmard,
}
GENERIC: dict[str, Evaluator] = {
    "pair": eval_pair,
    "multi": eval_multi,
    "condition": eval_condition,
}
#: custom rules evaluated elsewhere (the upper-limit block of plan/safety.py)
ELSEWHERE = frozenset({"SAF-MG-UL", "SAF-VITD-UL", "SAF-OMEGA3-DOSE"})


def interaction_warnings(ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> list[Warning]:
    """Every candidate warning of the interaction and condition rules (before precedence)."""
    scene = Scene.of(ctx, agents, vocab)
    out = Collector(scene)
    for r in vocab.safety_rules.values():
        if r.id in ELSEWHERE or r.evaluator is None:
            continue
        fn = CUSTOM.get(r.id) if r.evaluator == "custom" else GENERIC[r.evaluator]
        if fn is not None:
            fn(r, scene, out)
    return list(out.found.values())
