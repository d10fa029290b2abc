"""Safety checks of clinical-rules.md D.4, against the person's medicines, conditions and labs.

``check_plan(context, items)`` returns every warning that the proposed items trigger, together
with those the person's current medicines trigger among themselves, each with its rule id and
severity. Nothing here decides; it tells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary
from flarewise.labs.limits import calcium_above_limit
from flarewise.plan.context import Agent, PlanContext
from flarewise.plan.items import PlanItem

SEVERITY_ORDER = {"contraindicated": 0, "major": 1, "caution": 2, "review": 3, "info": 4}
BLEEDING_AGENTS = ("curcumin", "omega_3", "resveratrol", "ginger")
UL_RULES = {
    "SAF-MG-UL": ("magnesium", 350.0),
    "SAF-VITD-UL": ("vitamin_d", 4000.0),
    "SAF-OMEGA3-DOSE": ("omega_3", 5000.0),
}
CALCIUM = ("17861-6", "2000-8")
EGFR = ("62238-1", "33914-3")


@dataclass(frozen=True)
class Warning:
    rule: str
    severity: str
    message: str
    involves: tuple[str, ...]  # substance or item ids
    source: str
    overridden_by: str | None = None

    @property
    def blocks(self) -> bool:
        return self.severity == "contraindicated"


def counts_toward(agent: Agent, substance: str) -> bool:
    """Whether an agent adds to a substance's upper limit: magnesium counts every magnesium
    source (supplements, antacids, laxatives), the others only themselves."""
    return agent.substance == substance or (
        substance == "magnesium" and "magnesium_source" in agent.classes
    )


class _Checker:
    def __init__(self, ctx: PlanContext, agents: list[Agent], vocab: Vocabulary) -> None:
        self.ctx = ctx
        self.agents = agents
        self.vocab = vocab
        self.out: list[Warning] = []

    def warn(
        self, rule: str, detail: str, involves: Iterable[str], severity: str | None = None
    ) -> None:
        r = self.vocab.safety_rules[rule]
        who = tuple(dict.fromkeys(involves))
        override = None
        for o in self.ctx.profile.overrides:
            if o.rule == rule and o.item in who:
                override = f"{o.clinician} on {o.on}"
        key = (rule, who, severity or r.severity)
        if any((w.rule, w.involves, w.severity) == key for w in self.out):
            return
        self.out.append(
            Warning(
                rule, severity or r.severity, f"{r.says} {detail}".strip(), who, r.source, override
            )
        )

    def having(self, cls: str, *, include_stopped: bool = False) -> list[Agent]:
        return [
            a
            for a in self.agents
            if cls in a.classes and (include_stopped or a.origin != "stopped")
        ]

    def substance(self, sid: str) -> list[Agent]:
        return [a for a in self.agents if a.substance == sid and a.origin != "stopped"]

    @staticmethod
    def involved(*groups: Iterable[Agent]) -> list[str]:
        return [a.substance for g in groups for a in g]

    def any_new(self, *groups: list[Agent]) -> bool:
        """Only warn when at least one agent is taken or proposed (not only stopped)."""
        return any(a.origin in ("current", "proposed") for g in groups for a in g)

    def run(self) -> list[Warning]:
        ctx = self.ctx
        # upper limits: plan/doses.py (with the D.5.6 dose rules, precedence P3)
        mg = self.having("magnesium_source")
        if mg:
            egfr = ctx.latest(*EGFR)
            low_egfr = egfr is not None and egfr.value is not None and egfr.value < 60
            if ctx.has_condition("chronic_kidney_disease") or low_egfr:
                why = "(kidney disease recorded)" if not low_egfr else f"(eGFR {egfr.value:g})"  # type: ignore[union-attr]
                self.warn("SAF-MG-RENAL", why, self.involved(mg))
            for cls in ("bisphosphonate", "tetracycline", "fluoroquinolone"):
                for drug in self.having(cls):
                    self.warn(
                        "SAF-MG-CHELATE", f"({drug.label})", [*self.involved(mg), drug.substance]
                    )
        vitd = self.having("vitamin_d")
        if vitd:
            ca = ctx.latest(*CALCIUM)
            high_ca = ca is not None and calcium_above_limit(ca, ctx.age)  # lab range or E.1
            if high_ca or ctx.has_condition(
                "hypercalcaemia", "primary_hyperparathyroidism", "sarcoidosis"
            ):
                self.warn(
                    "SAF-VITD-CA",
                    "(high calcium or a condition that raises it)",
                    self.involved(vitd),
                )
            for drug in self.having("thiazide"):
                self.warn("SAF-VITD-THZ", f"({drug.label})", [*self.involved(vitd), drug.substance])
        # -- bleeding -----------------------------------------------------------------------
        bleeders = [
            a
            for a in self.agents
            if a.origin != "stopped" and "bleeding_risk_supplement" in a.classes
        ]
        anticoag = self.having("anticoagulant")
        antiplatelet = self.having("antiplatelet")
        for b in bleeders:
            for drug in anticoag:
                self.warn(
                    "SAF-BLEED", f"({b.label} with {drug.label})", [b.substance, drug.substance]
                )
            for drug in antiplatelet:
                self.warn(
                    "SAF-BLEED",
                    f"({b.label} with {drug.label})",
                    [b.substance, drug.substance],
                    severity="caution",
                )
        if len({b.substance for b in bleeders}) >= 2 and anticoag:
            self.warn("SAF-BLEED-STACK", "", [*self.involved(bleeders), *self.involved(anticoag)])
        coq10 = self.substance("coq10")
        if coq10:
            for drug in self.substance("warfarin"):
                self.warn("SAF-COQ10-WARF", "", ["coq10", drug.substance])
        curc = self.substance("curcumin")
        if curc and ctx.has_condition("gallstones", "biliary_obstruction", "liver_disease"):
            self.warn(
                "SAF-CURC-LIVER", "(gallstones, bile-duct or liver disease recorded)", ["curcumin"]
            )
        # -- opioids and naltrexone ----------------------------------------------------------
        for ntx in self.having("opioid_antagonist"):
            for op in self.having("opioid"):
                self.warn("SAF-LDN-OPIOID", f"({op.label})", [ntx.substance, op.substance])
        # -- duloxetine ------------------------------------------------------------------------
        for dlx in self.substance("duloxetine"):
            for maoi in self.having("maoi", include_stopped=True):
                recent = maoi.origin != "stopped" or (
                    maoi.stopped_on is not None and (ctx.on - maoi.stopped_on).days < 14
                )
                if recent:
                    when = "" if maoi.origin != "stopped" else f"(stopped on {maoi.stopped_on})"
                    self.warn(
                        "SAF-DLX-MAOI",
                        f"{maoi.label} {when}".strip(),
                        [dlx.substance, maoi.substance],
                    )
            for other in self.having("serotonergic"):
                if other.substance != "duloxetine":
                    self.warn("SAF-DLX-SERO", f"({other.label})", [dlx.substance, other.substance])
            for cls in ("nsaid", "antiplatelet", "anticoagulant"):
                for drug in self.having(cls):
                    self.warn("SAF-DLX-BLEED", f"({drug.label})", [dlx.substance, drug.substance])
            if ctx.has_condition("liver_disease", "alcohol_use_disorder"):
                self.warn("SAF-DLX-LIVER", "", [dlx.substance])
        # -- pregabalin ------------------------------------------------------------------------
        for pgb in self.substance("pregabalin"):
            others = [
                a
                for a in self.agents
                if a.origin != "stopped"
                and a.substance != "pregabalin"
                and {"opioid", "benzodiazepine", "cns_depressant"} & a.classes
            ]
            for drug in others:
                self.warn("SAF-PGB-CNS", f"({drug.label})", [pgb.substance, drug.substance])
            if ctx.has_condition("copd"):
                self.warn(
                    "SAF-PGB-CNS", "(COPD or respiratory impairment recorded)", [pgb.substance]
                )
            if ctx.age is not None and ctx.age >= 65:
                self.warn("SAF-PGB-CNS", f"(age {ctx.age})", [pgb.substance])
        # -- probiotics ------------------------------------------------------------------------
        for pro in self.having("probiotic"):
            immuno = self.having("immunosuppressant")
            for drug in immuno:
                self.warn(
                    "SAF-PROBIOTIC-IMMUNO", f"({drug.label})", [pro.substance, drug.substance]
                )
            conditions = (
                "immunosuppression",
                "organ_transplant",
                "neutropenia",
                "central_venous_catheter",
                "critical_illness",
            )
            if ctx.has_condition(*conditions):
                self.warn("SAF-PROBIOTIC-IMMUNO", "(condition recorded)", [pro.substance])
        # -- NSAIDs, DMARDs, IL-6 inhibitors ----------------------------------------------------
        for nsaid in self.having("nsaid"):
            if ctx.has_condition("chronic_kidney_disease"):
                self.warn("SAF-NSAID-CKD", "", [nsaid.substance])
            for drug in anticoag:
                self.warn("SAF-NSAID-BLEED", f"({drug.label})", [nsaid.substance, drug.substance])
            if nsaid.origin == "proposed":
                self.warn("SAF-NSAID-FM", "", [nsaid.item or nsaid.substance])
        inflammatory = any(
            self.vocab.conditions[c.condition].inflammatory
            for c in ctx.profile.conditions
            if c.condition in self.vocab.conditions
        )
        for a in self.agents:
            if a.origin != "proposed":
                continue
            if "il6_inhibitor" in a.classes:
                self.warn("SAF-TCZ", "", [a.item or a.substance])
            elif "dmard" in a.classes and not inflammatory:
                self.warn("SAF-DMARD", "", [a.item or a.substance])
        return sorted(self.out, key=lambda w: (SEVERITY_ORDER[w.severity], w.rule, w.involves))


def check_plan(
    ctx: PlanContext, items: Sequence[PlanItem], vocab: Vocabulary | None = None
) -> list[Warning]:
    """Every warning that ``items``, with the person's medicines, conditions and labs, trigger."""
    vocab = vocab or load_vocabulary()
    proposed = [a for i in items if (a := i.agent(vocab)) is not None]
    agents = [*ctx.current, *ctx.recently_stopped, *proposed]
    from flarewise.plan.doses import dose_warnings  # they build on Warning: import at call
    from flarewise.plan.populations import population_warnings

    found = [*_Checker(ctx, agents, vocab).run(), *dose_warnings(ctx, agents, vocab)]
    found += population_warnings(ctx, agents, vocab)
    return sorted(found, key=lambda w: (SEVERITY_ORDER[w.severity], w.rule, w.involves))
