"""The vocabulary: stable ids for everything a person can log, and name resolution.

Names and synonyms resolve to ids ("vit D", "cholecalciferol" -> ``vitamin_d``). An unknown name is
an :class:`~flarewise.errors.UnknownTerm` that suggests close matches; flarewise never invents an
id from free text, so "magnesium" logged in March and "Magnesium " in May are the same thing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import pydantic

from flarewise.domain.entries import loinc_check_digit_ok
from flarewise.domain.regimens import UNRECOGNISED
from flarewise.errors import FlarewiseError, UnknownTerm
from flarewise.knowledge.schema import (
    ActivitiesFile,
    ActivityDef,
    AnalyteDef,
    AnalytesFile,
    ClassDef,
    ConditionDef,
    ConditionsFile,
    EventDef,
    FoodDef,
    FoodsFile,
    FormDef,
    InterventionDef,
    InterventionsFile,
    MetricDef,
    RedFlagDef,
    RedFlagsFile,
    SafetyRuleDef,
    SafetyRulesFile,
    Selector,
    SubstanceDef,
    SubstancesFile,
    SymptomDef,
    SymptomsFile,
    Term,
    Washouts,
)

VocabKind = Literal[
    "symptom",
    "substance",
    "form",
    "food",
    "food_group",
    "activity",
    "practice",
    "therapy",
    "event",
    "metric",
    "condition",
    "finding",
    "analyte",
    "substance_class",
    "intervention",
]
VOCAB_KINDS: tuple[str, ...] = VocabKind.__args__  # type: ignore[attr-defined]

M = TypeVar("M", bound=pydantic.BaseModel)
T = TypeVar("T")


def normalise_name(text: str) -> str:
    """Case, punctuation and spacing do not distinguish names: ``Vit-D`` == ``vit d``."""
    text = text.casefold().replace("’", "'").replace("+", " plus ")
    text = re.sub(r"[-_/,.()]+", " ", text)
    text = text.replace("'", "")
    return " ".join(text.split())


def normalise_lab_unit(text: str) -> str:
    """Compare lab units without case and with the usual spellings of micro and powers of ten."""
    t = text.strip().replace("µ", "u").replace("μ", "u").replace(" ", "")
    t = t.replace("x10^9", "10*9").replace("10^9", "10*9").replace("x10^3", "10*3")
    t = t.replace("10^3", "10*3").replace("e9/l", "10*9/l")
    t = t.replace("[", "").replace("]", "")
    aliases = {
        "k/ul": "10*3/ul",
        "mm/hr": "mm/h",
        "meq/l": "meq/l",
        "titer": "{titer}",
        "titre": "{titer}",
        # eGFR as printed on reports: mL/min/1.73m2, mL/min/1.73 m², mL/min/1.73m^2
        "ml/min/1.73m2": "ml/min/{1.73_m2}",
        "ml/min/1.73m²": "ml/min/{1.73_m2}",
        "ml/min/1.73m^2": "ml/min/{1.73_m2}",
    }
    low = t.lower()
    return aliases.get(low, low)


class VocabularyError(FlarewiseError):
    """A vocabulary data file is invalid (a defect in flarewise's package data)."""


def _load(filename: str, model: type[M], data_dir: Path | None = None) -> M:
    # imported here: a process that reads the cached vocabulary (journal/vocabulary_cache.py)
    # never parses YAML, and PyYAML's import is a tenth of a quick entry's start-up
    import yaml

    # libyaml's loader where PyYAML was built with it (about ten times faster than the
    # pure-Python one; a process that builds the vocabulary reads all of it)
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if data_dir is None:
        text = resources.files("flarewise.knowledge").joinpath("data", filename).read_text("utf-8")
    else:
        text = (data_dir / filename).read_text("utf-8")
    try:
        return model.model_validate(yaml.load(text, Loader=loader))
    except (pydantic.ValidationError, yaml.YAMLError) as exc:
        raise VocabularyError(f"knowledge/data/{filename} is invalid: {exc}") from None


@dataclass(frozen=True)
class _Index:
    kind: str
    names: dict[str, str]  # normalised name -> id
    ids: frozenset[str]

    def resolve(self, text: str, field: str = "") -> str:
        if text in self.ids:
            return text
        key = normalise_name(text)
        if key in self.names:
            return self.names[key]
        close = difflib.get_close_matches(key, list(self.names), n=3, cutoff=0.6)
        suggestions = list(dict.fromkeys(self.names[c] for c in close))
        raise UnknownTerm(self.kind, text, suggestions, field=field)


def _index(kind: str, entries: Iterable[tuple[str, Iterable[str]]]) -> _Index:
    names: dict[str, str] = {}
    ids: set[str] = set()
    for id_, aliases in entries:
        if id_ in ids:
            raise VocabularyError(f"the {kind} id {id_!r} is defined twice")
        ids.add(id_)
        for alias in (id_, *aliases):
            key = normalise_name(alias)
            if names.get(key, id_) != id_:
                raise VocabularyError(
                    f"the {kind} name {alias!r} is ambiguous: {names[key]!r} and {id_!r}"
                )
            names[key] = id_
    return _Index(kind, names, frozenset(ids))


def _terms(items: Iterable[Term]) -> list[tuple[str, Iterable[str]]]:
    return [(t.id, (t.name, *t.synonyms)) for t in items]


class Vocabulary:
    """Every vocabulary, validated and indexed. Build once with :func:`load_vocabulary`."""

    def __init__(self, data_dir: Path | None = None) -> None:
        """Load every file of the package data, or of ``data_dir`` (a copy, for tests)."""
        sym = _load("symptoms.yaml", SymptomsFile, data_dir)
        subs = _load("substances.yaml", SubstancesFile, data_dir)
        foods = _load("foods.yaml", FoodsFile, data_dir)
        acts = _load("activities.yaml", ActivitiesFile, data_dir)
        conds = _load("conditions.yaml", ConditionsFile, data_dir)
        labs = _load("analytes.yaml", AnalytesFile, data_dir)
        flags = _load("red_flags.yaml", RedFlagsFile, data_dir)
        kb = _load("interventions.yaml", InterventionsFile, data_dir)
        rules = _load("safety_rules.yaml", SafetyRulesFile, data_dir)

        self.symptoms: dict[str, SymptomDef] = {s.id: s for s in sym.symptoms}
        medicines = [s.model_copy(update={"type": "medicine"}) for s in subs.medicines]
        listed = {s.id: s for s in (*subs.supplements, *medicines)}
        self.substance_classes: dict[str, str] = {
            k: v if isinstance(v, str) else v.name for k, v in subs.classes.items()
        }
        self.class_defs: dict[str, ClassDef] = {
            k: v for k, v in subs.classes.items() if isinstance(v, ClassDef)
        }
        self.class_aliases: dict[str, str] = {
            a: k for k, c in self.class_defs.items() for a in c.aliases
        }
        #: class -> {substance: daily dose in canonical units above which it belongs}
        self.dose_dependent: dict[str, dict[str, float]] = {
            k: dict(c.dose_above) for k, c in self.class_defs.items() if c.dose_above
        }
        self.class_members: dict[str, frozenset[str]] = _expand_classes(
            self.class_defs, set(listed), set(self.substance_classes)
        )
        self.substances: dict[str, SubstanceDef] = {}
        for sid, s in listed.items():
            defined = set(s.classes) & set(self.class_defs)
            if defined:
                raise VocabularyError(
                    f"substance {sid!r} lists {sorted(defined)}, which are defined by their "
                    "member lists in substances.yaml; add it there instead"
                )
            extra = [c for c, members in self.class_members.items() if sid in members]
            self.substances[sid] = s.model_copy(update={"classes": (*s.classes, *extra)})
        self.forms: dict[str, tuple[str, FormDef]] = {
            f.id: (s.id, f) for s in self.substances.values() for f in s.forms
        }
        self.food_groups: dict[str, Term] = {g.id: g for g in foods.food_groups}
        self.foods: dict[str, FoodDef] = {f.id: f for f in foods.foods}
        self.activities: dict[str, ActivityDef] = {a.id: a for a in acts.activities}
        self.practices: dict[str, Term] = {p.id: p for p in acts.mindbody}
        self.therapies: dict[str, Term] = {t.id: t for t in acts.therapies}
        self.events: dict[str, EventDef] = {e.id: e for e in acts.events}
        self.metrics: dict[str, MetricDef] = {m.id: m for m in acts.metrics}
        self.conditions: dict[str, ConditionDef] = {c.id: c for c in conds.conditions}
        self.findings: dict[str, Term] = {f.id: f for f in conds.clinical_findings}
        self.analytes: dict[str, AnalyteDef] = {a.loinc: a for a in labs.analytes}
        self.red_flags: dict[str, RedFlagDef] = {f.id: f for f in flags.red_flags}
        self.interventions: dict[str, InterventionDef] = {i.id: i for i in kb.interventions}
        self.safety_rules: dict[str, SafetyRuleDef] = {}
        for r in rules.rules:
            if r.id in self.safety_rules:
                raise VocabularyError(f"the safety rule {r.id} is defined twice")
            self.safety_rules[r.id] = r
        self.washouts: Washouts = rules.washouts
        self._check_references()
        self._check_rules()

        self._indexes: dict[str, _Index] = {
            "symptom": _index("symptom", _terms(self.symptoms.values())),
            "substance": _index(
                "substance",
                [(s.id, (s.name, *s.synonyms)) for s in self.substances.values()],
            ),
            "form": _index("form", [(f.id, (f.name, *f.synonyms)) for _, f in self.forms.values()]),
            "food": _index("food", _terms(self.foods.values())),
            "food_group": _index("food_group", _terms(self.food_groups.values())),
            "activity": _index("activity", _terms(self.activities.values())),
            "practice": _index("practice", _terms(self.practices.values())),
            "therapy": _index("therapy", _terms(self.therapies.values())),
            "event": _index("event", _terms(self.events.values())),
            "metric": _index("metric", _terms(self.metrics.values())),
            "condition": _index("condition", _terms(self.conditions.values())),
            "finding": _index("finding", _terms(self.findings.values())),
            "analyte": _index(
                "analyte",
                [(a.loinc, (a.short, a.name, *a.synonyms)) for a in self.analytes.values()],
            ),
            "substance_class": _index(
                "substance_class",
                [
                    (k, (v, *(self.class_defs[k].aliases if k in self.class_defs else ())))
                    for k, v in self.substance_classes.items()
                ],
            ),
            "intervention": _index(
                "intervention", [(i.id, (i.name,)) for i in self.interventions.values()]
            ),
        }

    def _check_references(self) -> None:
        if UNRECOGNISED in self.substances:
            # the id is reserved for medicines the vocabulary does not know (domain/regimens.py)
            raise VocabularyError(f"the substance id {UNRECOGNISED!r} is reserved")
        for s in self.substances.values():
            unknown = set(s.classes) - set(self.substance_classes)
            if unknown:
                raise VocabularyError(f"substance {s.id!r} has unknown classes {sorted(unknown)}")
        for f in self.foods.values():
            unknown = set(f.groups) - set(self.food_groups)
            if unknown:
                raise VocabularyError(f"food {f.id!r} has unknown groups {sorted(unknown)}")
        for a in self.analytes.values():
            if a.red_flag is not None and a.red_flag not in self.red_flags:
                raise VocabularyError(f"analyte {a.loinc} names unknown red flag {a.red_flag}")
        for rf in self.red_flags.values():
            unknown = set(rf.suppresses) - set(self.substances)
            if unknown:
                raise VocabularyError(f"red flag {rf.id} suppresses unknown {sorted(unknown)}")
        self._check_interventions()
        overlap = set(self.forms) & set(self.substances)
        if overlap:
            raise VocabularyError(f"ids used for both a substance and a form: {sorted(overlap)}")

    def _check_rules(self) -> None:
        """Every substance, class and condition a safety rule or the washout table names
        exists, so a typo cannot silently switch a rule off."""

        def selector(where: str, s: Selector | None) -> None:
            if s is None:
                return
            for sid in s.substances:
                if sid not in self.substances:
                    raise VocabularyError(f"{where} names unknown substance {sid!r}")
            for cls in s.classes:
                if cls not in self.substance_classes:
                    raise VocabularyError(f"{where} names unknown class {cls!r}")

        for r in self.safety_rules.values():
            where = f"safety rule {r.id}"
            selector(where, r.item)
            selector(where, r.partner)
            for w in r.severity_when:
                selector(where, w.match)
            for c in (*r.conditions, *r.partner_conditions):
                if c not in self.conditions:
                    raise VocabularyError(f"{where} names unknown condition {c!r}")
            if r.evaluator in ("pair", "multi") and (r.item is None or r.partner is None):
                raise VocabularyError(f"{where}: a {r.evaluator} rule needs item and partner")
            if r.evaluator == "condition" and r.item is None:
                raise VocabularyError(f"{where}: a condition rule needs its item")
        for sid in self.washouts.partner:
            if sid not in self.substances:
                raise VocabularyError(f"the washout table names unknown substance {sid!r}")

    def class_id(self, name: str) -> str:
        """The current id of a class, given its id or an earlier alias (``gabapentinoid``)."""
        return self.class_aliases.get(name, name)

    def _check_interventions(self) -> None:
        symptom_like = set(self.symptoms)
        for i in self.interventions.values():
            where = f"intervention {i.id!r}"
            unknown_rules = set(i.safety_rules) - set(self.safety_rules)
            if i.upper_limit is not None:
                unknown_rules |= {i.upper_limit.rule} - set(self.safety_rules)
            if unknown_rules:
                raise VocabularyError(f"{where} names unknown safety rules {sorted(unknown_rules)}")
            if i.substance is not None and i.substance not in self.substances:
                raise VocabularyError(f"{where} names unknown substance {i.substance!r}")
            bad_forms = {f for f in i.forms if f not in self.forms}
            if bad_forms:
                raise VocabularyError(f"{where} names unknown forms {sorted(bad_forms)}")
            if i.outcome is not None and i.outcome not in symptom_like:
                raise VocabularyError(f"{where} has an outcome that is not a symptom id")
            for a in i.activities:
                if a not in self.activities:
                    raise VocabularyError(f"{where} names unknown activity {a!r}")
            for p in i.practices:
                if p not in self.practices:
                    raise VocabularyError(f"{where} names unknown practice {p!r}")
            for g in (*i.favour, *i.limit):
                if g not in self.food_groups:
                    raise VocabularyError(f"{where} names unknown food group {g!r}")
            if i.dose is not None and i.substance is not None and i.dose.per == "day":
                from flarewise.domain.units import parse_unit

                try:
                    dim = parse_unit(i.dose.unit).dimension
                except ValueError:
                    raise VocabularyError(
                        f"{where}: dose unit {i.dose.unit!r} is unknown"
                    ) from None
                if not self.substances[i.substance].fits(dim):
                    raise VocabularyError(f"{where}: dose unit {i.dose.unit} does not fit")
            if i.requires_low_lab is not None:
                for code in i.requires_low_lab.loincs:
                    if code not in self.analytes:
                        raise VocabularyError(f"{where} names unknown analyte {code}")

    # -- resolution -------------------------------------------------------------------------

    def resolve(self, kind: VocabKind, text: str, field: str = "") -> str:
        """The id for a name, synonym or id of ``kind``; :class:`UnknownTerm` otherwise."""
        return self._indexes[kind].resolve(text, field)

    def resolve_substance(self, text: str, field: str = "substance") -> tuple[str, str | None]:
        """Resolve ``"magnesium-citrate"`` to ``("magnesium", "magnesium_citrate")`` and
        ``"vit d"`` to ``("vitamin_d", None)``."""
        try:
            return self.resolve("substance", text, field), None
        except UnknownTerm as first:
            try:
                form_id = self.resolve("form", text, field)
            except UnknownTerm:
                raise first from None
            return self.forms[form_id][0], form_id

    def resolve_intervention(self, text: str, field: str = "intervention") -> str:
        """The intervention id for an intervention's id, name or synonym, else for a substance
        or form name ("ldn", "magnesium-citrate") the intervention of that substance: the same
        resolution `plan check` uses (plan/items.py), so `kb show ldn` finds what a check of
        "ldn" checks. UnknownTerm (with the intervention suggestions) when neither matches."""
        try:
            return self.resolve("intervention", text, field)
        except UnknownTerm as first:
            try:
                substance, _ = self.resolve_substance(text, field)
            except UnknownTerm:
                raise first from None
            found = next((i for i in self.interventions.values() if i.substance == substance), None)
            if found is None:
                raise first from None
            return found.id

    def resolve_detail(self, event: str, text: str, field: str = "detail") -> str:
        """The id of a kind of event (an infection type, a menstrual flow) by id, name or
        synonym, e.g. ``resolve_detail("infection", "flu")`` -> ``influenza``."""
        from flarewise.errors import InvalidInput

        details = self.events[event].details
        wanted = normalise_name(text)
        for d in details:
            if wanted in {normalise_name(n) for n in (d.id, d.name, *d.synonyms)}:
                return d.id
        known = ", ".join(d.id for d in details) or "none"
        raise InvalidInput(field, f"{text!r} is not a kind of {event} (known: {known})")

    def resolve_analyte(self, text: str, field: str = "loinc") -> str:
        """A LOINC code (known or, if well formed, unknown) or a known analyte name."""
        code = text.strip()
        if code in self.analytes:
            return code
        try:
            return self.resolve("analyte", code, field)
        except UnknownTerm:
            if loinc_check_digit_ok(code):
                return code
            raise

    def ids(self, kind: VocabKind) -> frozenset[str]:
        return self._indexes[kind].ids

    def search(self, kind: VocabKind, text: str = "", limit: int = 50) -> list[tuple[str, str]]:
        """(id, display name) pairs whose id or names contain ``text``."""
        table: Mapping[str, Any] = self._table(kind)
        needle = normalise_name(text)
        out = []
        for id_, item in table.items():
            names = [id_, *self._names(item)]
            if not needle or any(needle in normalise_name(n) for n in names):
                out.append((id_, self._display(item)))
        return out[:limit]

    def _table(self, kind: VocabKind) -> Mapping[str, Any]:
        tables: dict[str, Mapping[str, Any]] = {
            "symptom": self.symptoms,
            "substance": self.substances,
            "form": {k: v[1] for k, v in self.forms.items()},
            "food": self.foods,
            "food_group": self.food_groups,
            "activity": self.activities,
            "practice": self.practices,
            "therapy": self.therapies,
            "event": self.events,
            "metric": self.metrics,
            "condition": self.conditions,
            "finding": self.findings,
            "analyte": self.analytes,
            "substance_class": self.substance_classes,
            "intervention": self.interventions,
        }
        return tables[kind]

    @staticmethod
    def _names(item: Any) -> list[str]:
        if isinstance(item, str):
            return [item]
        if isinstance(item, AnalyteDef):
            return [item.short, item.name, *item.synonyms]
        return [item.name, *getattr(item, "synonyms", ())]

    @staticmethod
    def _display(item: Any) -> str:
        if isinstance(item, str):
            return item
        if isinstance(item, AnalyteDef):
            return f"{item.short} ({item.name})"
        return str(item.name)

    def name_of(self, kind: VocabKind, id_: str) -> str:
        item = self._table(kind).get(id_)
        if item is None:
            return id_
        if isinstance(item, AnalyteDef):
            return item.short
        return item if isinstance(item, str) else str(item.name)

    # -- lookups used across the package -----------------------------------------------------

    def substance_has_class(self, substance: str, cls: str) -> bool:
        s = self.substances.get(substance)
        return s is not None and cls in s.classes

    def analyte_unit(self, loinc: str, unit: str, field: str = "unit") -> str:
        """The catalogue's spelling of ``unit`` for ``loinc``; InvalidInput when it does not fit."""
        from flarewise.errors import InvalidInput

        analyte = self.analytes.get(loinc)
        if analyte is None:
            return unit.strip()
        key = normalise_lab_unit(unit)
        for known in analyte.units:
            if normalise_lab_unit(known) == key:
                return known
        raise InvalidInput(
            field,
            f"{unit!r} is not a unit for {analyte.short} ({loinc}); "
            f"use one of: {', '.join(analyte.units)}",
        )

    def to_canonical_lab(self, loinc: str, value: float, unit: str) -> tuple[float, str] | None:
        analyte = self.analytes.get(loinc)
        if analyte is None:
            return None
        factor = analyte.units.get(unit)
        if factor is None:
            return None
        return value * factor, analyte.canonical_unit


def _expand_classes(
    defs: Mapping[str, ClassDef], substances: set[str], classes: set[str]
) -> dict[str, frozenset[str]]:
    """Each member-list class with every substance it holds, directly or through ``includes``."""
    for cid, c in defs.items():
        unknown = set(c.members) - substances
        if unknown:
            raise VocabularyError(f"class {cid!r} names unknown substances {sorted(unknown)}")
        bad = set(c.includes) - set(defs)
        if bad:
            raise VocabularyError(f"class {cid!r} includes {sorted(bad)}, not member-list classes")
        clash = set(c.aliases) & classes
        if clash:
            raise VocabularyError(f"class {cid!r} has aliases that are class ids {sorted(clash)}")
    out: dict[str, frozenset[str]] = {}

    def members(cid: str, path: tuple[str, ...]) -> frozenset[str]:
        if cid in path:
            raise VocabularyError(f"classes include each other: {' -> '.join((*path, cid))}")
        if cid not in out:
            c = defs[cid]
            found = set(c.members)
            for inc in c.includes:
                found |= members(inc, (*path, cid))
            out[cid] = frozenset(found)
        return out[cid]

    for cid in defs:
        members(cid, ())
    return out


@cache
def load_vocabulary() -> Vocabulary:
    """The package vocabulary, loaded and validated once per process."""
    return Vocabulary()
