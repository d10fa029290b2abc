"""Schemas of the vocabulary files. Loading validates every file against these models, so a typo
in package data fails the test suite rather than a person's import."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flarewise.domain.entries import Loinc, Slug
from flarewise.domain.units import Dimension, parse_unit

Name = Annotated[str, Field(min_length=1, max_length=200)]


class Strict(BaseModel):
    # built on first validation: a process that reads the cached vocabulary never validates
    # the files again (flarewise.journal.vocabulary_cache), so it need not build these
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Term(Strict):
    id: Slug
    name: Name
    synonyms: tuple[Name, ...] = ()


class SymptomDef(Term):
    higher_is_worse: bool = True
    anchors: dict[int, str] = Field(default_factory=dict)


class FormDef(Term):
    formula: str | None = None
    molar_mass: Annotated[float, Field(gt=0)] | None = None
    magnesium_atoms: Annotated[int, Field(ge=1)] | None = None

    @property
    def elemental_fraction(self) -> float | None:
        """Mass fraction of elemental magnesium in the compound, from its formula."""
        if self.molar_mass is None or self.magnesium_atoms is None:
            return None
        return self.magnesium_atoms * 24.305 / self.molar_mass


class SubstanceDef(Term):
    type: Literal["supplement", "medicine"] = "supplement"
    classes: tuple[Slug, ...] = ()
    dimensions: tuple[Literal["mass", "iu", "volume", "cfu"], ...] = ()
    canonical_unit: str = "mg"
    default_basis: Literal["elemental", "compound"] | None = None
    iu_per_mcg: Annotated[float, Field(gt=0)] | None = None
    forms: tuple[FormDef, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _canonical_fits(self) -> SubstanceDef:
        unit = parse_unit(self.canonical_unit)
        if unit.dimension.value not in self.accepted_dimensions:
            raise ValueError(f"{self.id}: canonical unit {unit.code} is not an accepted dimension")
        return self

    @property
    def accepted_dimensions(self) -> tuple[str, ...]:
        if self.dimensions:
            return self.dimensions
        return ("mass", "volume") if self.type == "medicine" else ("mass",)

    def fits(self, dimension: Dimension) -> bool:
        measurable = {Dimension.MASS, Dimension.IU, Dimension.VOLUME, Dimension.CFU}
        return dimension not in measurable or dimension.value in self.accepted_dimensions


class FoodDef(Term):
    groups: tuple[Slug, ...] = ()


class ActivityDef(Term):
    category: Literal[
        "aerobic",
        "strengthening",
        "aquatic",
        "meditative_movement",
        "flexibility",
        "daily_activity",
        "other",
    ]


class EventDef(Term):
    details: tuple[Term, ...] = ()


class MetricDef(Term):
    unit: str
    daily: Literal["sum", "mean"]


class ConditionDef(Term):
    inflammatory: bool = False


class ReferenceInterval(Strict):
    """A published example interval, used only when the reporting lab gave none."""

    low: float | None = None
    high: float | None = None
    unit: str
    sex: Literal["female", "male"] | None = None
    age_min: float | None = None
    age_max: float | None = None
    source: Name

    def applies(self, sex: str | None, age: float | None) -> bool:
        if self.sex is not None and sex is not None and self.sex != sex:
            return False
        if self.sex is not None and sex is None:
            return False
        if age is not None:
            if self.age_min is not None and age < self.age_min:
                return False
            if self.age_max is not None and age > self.age_max:
                return False
        return True


Scheme = Literal["vitamin_d", "hs_crp", "esr_miller", "b12", "anti_ccp", "ana_titre"]


class AnalyteDef(Strict):
    loinc: Loinc
    name: Name
    short: Name
    synonyms: tuple[Name, ...] = ()
    canonical_unit: str
    units: dict[str, Annotated[float, Field(gt=0)]]
    research_marker: bool = False
    code_verified: bool = True
    note: str | None = None
    reference_intervals: tuple[ReferenceInterval, ...] = ()
    scheme: Scheme | None = None
    red_flag: str | None = None

    @model_validator(mode="after")
    def _interval_units(self) -> AnalyteDef:
        for ri in self.reference_intervals:
            if ri.unit not in self.units:
                raise ValueError(f"{self.loinc}: interval unit {ri.unit} is not an accepted unit")
        return self

    @model_validator(mode="after")
    def _canonical_listed(self) -> AnalyteDef:
        if self.units.get(self.canonical_unit) != 1:
            raise ValueError(f"{self.loinc}: canonical unit must be listed with factor 1")
        return self


class RedFlagDef(Strict):
    id: Annotated[str, Field(pattern=r"^RF-[A-Z0-9]+$")]
    title: Name
    trigger: str
    why: str
    suppresses: tuple[Slug, ...] = ()


class RedFlagsFile(Strict):
    red_flags: tuple[RedFlagDef, ...]


class Citation(Strict):
    label: Name
    doi: Annotated[str, Field(pattern=r"^10\.\d{4,9}/\S+$")] | None = None
    pmid: Annotated[str, Field(pattern=r"^[1-9]\d{0,8}$")] | None = None
    pmcid: Annotated[str, Field(pattern=r"^PMC\d{4,9}$")] | None = None
    url: Annotated[str, Field(pattern=r"^https://[^\s/]+\.[a-z]{2,}/\S*$")] | None = None

    @model_validator(mode="after")
    def _has_identifier(self) -> Citation:
        if not (self.doi or self.pmid or self.pmcid or self.url):
            raise ValueError(f"citation {self.label!r} has no DOI, PMID, PMCID or URL")
        return self

    @property
    def link(self) -> str:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.pmcid:
            return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/"
        return self.url or ""


class DoseRange(Strict):
    low: Annotated[float, Field(gt=0)]
    high: Annotated[float, Field(gt=0)]
    unit: Annotated[str, Field(min_length=1)]
    per: Literal["day", "week", "session"]
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DoseRange:
        if self.low > self.high:
            raise ValueError("dose low is above dose high")
        return self


class UpperLimit(Strict):
    amount: Annotated[float, Field(gt=0)]
    unit: str
    rule: Annotated[str, Field(pattern=r"^SAF-[A-Z0-9-]+$")]
    basis: str


class LowLabRequirement(Strict):
    """An option that exists only to correct a documented low level: offered as a start only
    when the latest result of ``loincs`` is below the limit for its reported unit."""

    analyte: Annotated[str, Field(min_length=3)]  # as people read it, e.g. "vitamin D (25-OH)"
    #: where the rule comes from in clinical-rules.md (cited in every not-offered reason)
    rule: Annotated[str, Field(min_length=3)]
    loincs: tuple[str, ...]
    below: dict[str, float]


Grade = Literal["A", "B", "C", "D", "X"]
Category = Literal[
    "exercise", "education", "mind_body", "sleep", "diet", "therapy", "supplement", "medicine"
]


class InterventionDef(Strict):
    id: Slug
    name: Name
    category: Category
    grade: Grade
    evidence: Annotated[str, Field(min_length=20)]
    citations: Annotated[tuple[Citation, ...], Field(min_length=1)]
    substance: Slug | None = None
    dose: DoseRange | None = None
    upper_limit: UpperLimit | None = None
    forms: tuple[Slug, ...] = ()
    safety_rules: tuple[Annotated[str, Field(pattern=r"^SAF-[A-Z0-9-]+$")], ...] = ()
    requires_low_lab: LowLabRequirement | None = None
    monitor: tuple[str, ...] = ()
    trial_weeks: Annotated[int, Field(ge=1, le=52)] | None = None
    outcome: Slug | None = None
    activities: tuple[Slug, ...] = ()
    practices: tuple[Slug, ...] = ()
    favour: tuple[Slug, ...] = ()
    limit: tuple[Slug, ...] = ()
    prescription: bool = False
    popular_advice: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _limits_fit(self) -> InterventionDef:
        limit, dose = self.upper_limit, self.dose
        if limit and dose and dose.unit == limit.unit and dose.high > limit.amount:
            raise ValueError(f"{self.id}: the usual dose exceeds the upper limit")
        if self.category in ("supplement", "medicine") and self.substance is None:
            raise ValueError(f"{self.id}: a {self.category} must name its substance")
        return self


Severity = Literal["contraindicated", "major", "caution", "info", "review"]
#: SAF- safety rules; LAB- lab notes of clinical-rules.md D.5.3 (LAB-ESR-UNRATED)
RuleId = Annotated[str, Field(pattern=r"^(SAF|LAB)-[A-Z0-9-]+$")]


class Selector(Strict):
    """One side of a rule: any agent that is one of ``substances`` or in one of ``classes``."""

    substances: tuple[Slug, ...] = ()
    classes: tuple[Slug, ...] = ()


class SeverityWhen(Strict):
    """The severity a rule gives when the other side (pair rules) or the plan item (condition
    rules) matches; the first match wins, otherwise the rule's own severity."""

    match: Selector
    severity: Severity


class SafetyRuleDef(Strict):
    """A rule of clinical-rules.md D.4/D.5. ``evaluator`` names how it is evaluated: ``pair``
    (``item`` side with a ``partner``), ``multi`` (one warning per plan item listing every
    partner, condition and age trigger), ``condition`` (a plan item with a recorded condition),
    or ``custom`` (code in flarewise/plan, named by rule id; the selectors still say what it
    reads, so the loader can check every substance and class exists)."""

    id: RuleId
    severity: Severity
    source: Annotated[str, Field(min_length=1, max_length=400)]
    says: Annotated[str, Field(min_length=20)]
    trigger: str | None = None  # the document's trigger, in words (docs/plan.md)
    section: str | None = None  # where the rule is defined: "D.4", "D.5.3"
    severities: tuple[Severity, ...] = ()  # further severities it can give
    evaluator: Literal["pair", "multi", "condition", "custom"] | None = None
    rank: Literal[1, 2, 3] | None = None  # D.5.0 P2 specificity rank
    hazard: str | None = None  # what it warns of, named in the warning that absorbs it
    item: Selector | None = None
    partner: Selector | None = None
    item_only: bool = False  # only when the ``item`` side is the plan item
    conditions: tuple[Slug, ...] = ()  # on the plan item's side
    partner_conditions: tuple[Slug, ...] = ()  # conditions that count as a partner
    age_at_least: Annotated[int, Field(ge=0, le=130)] | None = None
    severity_when: tuple[SeverityWhen, ...] = ()
    needs: tuple[Literal["egfr", "age", "calcium"], ...] = ()


class Washouts(Strict):
    """clinical-rules.md D.5.4: days required between stopping one drug and starting another."""

    maoi_stopped: Annotated[int, Field(ge=1)]  # A: MAOI stopped -> partner started
    partner_default: Annotated[int, Field(ge=1)]  # B: every other partner stopped -> MAOI
    partner: dict[Slug, Annotated[int, Field(ge=1)]]  # B: named partners
    source: Annotated[str, Field(min_length=1)]


class InterventionsFile(Strict):
    interventions: tuple[InterventionDef, ...]


class SafetyRulesFile(Strict):
    washouts: Washouts
    rules: tuple[SafetyRuleDef, ...]


class SymptomsFile(Strict):
    symptoms: tuple[SymptomDef, ...]


class ClassDef(Strict):
    """A class defined by its member list (clinical-rules.md D.5.1), so the list can be read
    side by side with the document; members of ``includes`` belong too."""

    name: Name
    d5: Name | None = None  # the class's name in clinical-rules.md D.5.1, e.g. "SERO-S1"
    members: tuple[Slug, ...] = ()
    includes: tuple[Slug, ...] = ()
    aliases: tuple[Slug, ...] = ()
    dose_above: dict[Slug, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    source: str | None = None

    @model_validator(mode="after")
    def _dose_members(self) -> ClassDef:
        stray = set(self.dose_above) - set(self.members)
        if stray:
            raise ValueError(f"dose_above names non-members {sorted(stray)}")
        return self


class SubstancesFile(Strict):
    classes: dict[Slug, Name | ClassDef]
    supplements: tuple[SubstanceDef, ...]
    medicines: tuple[SubstanceDef, ...]


class FoodsFile(Strict):
    food_groups: tuple[Term, ...]
    foods: tuple[FoodDef, ...]


class ActivitiesFile(Strict):
    activities: tuple[ActivityDef, ...]
    mindbody: tuple[Term, ...]
    therapies: tuple[Term, ...]
    events: tuple[EventDef, ...]
    metrics: tuple[MetricDef, ...]


class ConditionsFile(Strict):
    conditions: tuple[ConditionDef, ...]
    clinical_findings: tuple[Term, ...]


class AnalytesFile(Strict):
    analytes: tuple[AnalyteDef, ...]
