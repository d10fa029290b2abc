"""Reading a lab result in context (clinical-rules.md C): the flag against the lab's own interval
(else the catalogue's example interval), the categories of the analyte's interpretation scheme,
and the caveats that must travel with research markers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from flarewise.domain.entries import LabResult
from flarewise.domain.profile import Profile
from flarewise.errors import InvalidInput
from flarewise.knowledge.schema import AnalyteDef, ReferenceInterval
from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary
from flarewise.labs.convert import in_unit, lab_value
from flarewise.labs.limits import lower_limit, miller_esr_uln, upper_limit

Flag = Literal["low", "normal", "high", "unknown"]

RESEARCH_CAVEAT = (
    "A research marker, not a test for fibromyalgia: it cannot diagnose or monitor it and must "
    "not be used to 'prove inflammation' or to adjust supplements."
)
ES2024_NOTE = (
    "The Endocrine Society (2024) suggests against routine 25(OH)D testing without an "
    "established indication and no longer endorses thresholds."
)


@dataclass(frozen=True)
class Category:
    scheme: str
    label: str
    source: str


@dataclass(frozen=True)
class Interpretation:
    loinc: str
    name: str
    value: float | None
    value_text: str | None
    unit: str | None
    flag: Flag
    interval: tuple[float | None, float | None] | None
    interval_source: str | None
    lab_flag: str | None
    categories: tuple[Category, ...] = ()
    caveats: tuple[str, ...] = ()
    research_marker: bool = False
    known_analyte: bool = True
    notes: tuple[str, ...] = field(default=())


def titre(text: str | None) -> int | None:
    """``1:160`` -> 160."""
    if not text or not isinstance(text, str):
        return None
    m = re.fullmatch(r"\s*1\s*:\s*(\d+)\s*", text)
    return int(m.group(1)) if m else None


def catalogue_interval(
    a: AnalyteDef, unit: str | None, sex: str | None, age: float | None
) -> tuple[ReferenceInterval, float | None, float | None] | None:
    """The first applicable catalogue interval, expressed in ``unit``."""
    if unit is None:
        return None
    for ri in a.reference_intervals:
        if not ri.applies(sex, age):
            continue
        lo = None if ri.low is None else in_unit(ri.low, ri.unit, unit, a)
        hi = None if ri.high is None else in_unit(ri.high, ri.unit, unit, a)
        return ri, lo, hi
    return None


def _vitamin_d(value: float, unit: str) -> list[Category]:
    # classify in the reported unit (design choice, clinical-rules.md C)
    if unit == "nmol/L":
        cuts_iom, cuts_es = (30, 50, 125), (50, 75)
    else:  # ng/mL and ug/L
        cuts_iom, cuts_es = (12, 20, 50), (20, 30)
    if value < cuts_iom[0]:
        iom = "at risk of deficiency"
    elif value < cuts_iom[1]:
        iom = "some at risk of inadequacy"
    elif value <= cuts_iom[2]:
        iom = "sufficient for bone health"
    else:
        iom = "potential concern: above the level linked to harm"
    if value < cuts_es[0]:
        es = "deficiency"
    elif value < cuts_es[1]:
        es = "insufficiency"
    else:
        es = "sufficiency"
    return [
        Category(
            "IOM 2011", iom, "IOM/NAM 2011 (USPSTF evidence review NBK525404, App. A Table 1)"
        ),
        Category(
            "Endocrine Society 2011",
            es,
            "Holick et al., JCEM 2011;96:1911, doi 10.1210/jc.2011-0385",
        ),
        Category(
            "Endocrine Society 2024",
            "no thresholds endorsed",
            "Demay et al., JCEM 2024;109:1907, doi 10.1210/clinem/dgae290",
        ),
    ]


def _hs_crp(value: float) -> list[Category]:
    if value > 10:
        label = "above 10 mg/L: repeat and look for an acute or inflammatory cause"
    elif value > 3:
        label = "high cardiovascular risk stratum"
    elif value >= 1:
        label = "average cardiovascular risk stratum"
    else:
        label = "low cardiovascular risk stratum"
    return [
        Category(
            "AHA/CDC 2003",
            label,
            "Pearson et al., Circulation 2003, doi 10.1161/01.CIR.0000052939.59093.45",
        )
    ]


def _b12(value: float, unit: str) -> list[Category]:
    low, border = (148, 221) if unit == "pmol/L" else (200, 300)
    if value < low:
        label = "consistent with deficiency"
    elif value <= border:
        label = "borderline: methylmalonic acid or homocysteine can clarify"
    else:
        label = "not suggestive of deficiency"
    return [Category("B12", label, "UpToDate 'low B12 and low folate' (clinical-rules.md C)")]


def _anti_ccp(value: float) -> list[Category]:
    if value < 20:
        label = "negative"
    elif value < 40:
        label = "weak positive"
    elif value < 60:
        label = "positive"
    else:
        label = "strong positive"
    return [Category("Mayo anti-CCP", label, "Mayo Clinic CCP test (clinical-rules.md C)")]


def interpret(
    result: LabResult, profile: Profile | None = None, vocab: Vocabulary | None = None
) -> Interpretation:
    if not isinstance(result, LabResult):
        raise InvalidInput("result", "interpret a LabResult (build one from the lab's report)")
    if profile is not None and not isinstance(profile, Profile):
        raise InvalidInput("profile", "must be a Profile or None")
    for name in ("value", "ref_low", "ref_high"):
        raw = getattr(result, name)
        if raw is not None:
            lab_value(raw, name)  # a record built without validation is refused here too
    vocab = vocab or load_vocabulary()
    profile = profile or Profile()
    a = vocab.analytes.get(result.loinc)
    day: date = result.at.date()
    age = profile.age_on(day)
    if a is None:
        return Interpretation(
            result.loinc,
            result.loinc,
            result.value,
            result.value_text,
            result.unit,
            _flag(result.value, result.ref_low, result.ref_high, result.flag),
            (result.ref_low, result.ref_high) if _has(result) else None,
            "the reporting laboratory" if _has(result) else None,
            result.flag,
            known_analyte=False,
            notes=(
                "This test is not in flarewise's catalogue; only the lab's own interval is used.",
            ),
        )
    interval: tuple[float | None, float | None] | None = None
    source: str | None = None
    notes: list[str] = []
    if _has(result):
        interval, source = (result.ref_low, result.ref_high), "the reporting laboratory"
    elif a.scheme == "esr_miller" and age is not None:
        known_sex = profile.sex if profile.sex in ("female", "male") else None
        # sex unknown: the women's (higher) limit, as the red flag reads it (E.1), so the two
        # never disagree; a value between the two limits is said to be unrated
        interval = (None, miller_esr_uln(age, known_sex or "female"))
        source = "Miller 1983 upper limit by age and sex (Nishisako 2017, doi 10.1002/jgf2.1)"
        if known_sex is None:
            notes.append(
                "Sex not recorded: the women's (higher) ESR limit was used; a value above the "
                f"men's limit ({miller_esr_uln(age, 'male'):g} mm/h) cannot be rated without it."
            )
    else:
        found = catalogue_interval(a, result.unit, profile.sex, age)
        if found is not None:
            ri, lo, hi = found
            interval, source = (lo, hi), f"example interval: {ri.source}"
        elif a.red_flag is not None:  # the E.1 default the red flags use, so both agree
            low = lower_limit(a.red_flag, result, a, age, profile.sex)
            high = upper_limit(a.red_flag, result, a, age, profile.sex)
            used = high if high is not None else low
            if used is not None:
                interval = (low.value if low else None, high.value if high else None)
                source = f"default adult limit, the lab gave no range: {used.source}"
    flag = _flag(result.value, *(interval or (None, None)), result.flag)
    categories: list[Category] = []
    caveats: list[str] = []
    v, unit = result.value, result.unit or ""
    if v is not None:
        if a.scheme == "vitamin_d":
            categories = _vitamin_d(v, unit)
            caveats.append(ES2024_NOTE)
        elif a.scheme == "hs_crp":
            categories = _hs_crp(in_unit(v, unit, "mg/L", a))
            caveats.append("These are cardiovascular-risk strata, not a measure of fibromyalgia.")
        elif a.scheme == "b12":
            categories = _b12(v, unit)
        elif a.scheme == "anti_ccp":
            categories = _anti_ccp(v)
    if a.research_marker:
        caveats.append(RESEARCH_CAVEAT)
    if a.loinc == "26881-3":
        caveats.append("Tocilizumab and other IL-6 blockers raise the measured IL-6.")
    if a.loinc in ("1988-5", "30522-7", "30341-2", "4537-7") and flag == "high":
        caveats.append("Fibromyalgia does not raise CRP or ESR: a raised value needs a clinician.")
    if not a.code_verified:
        notes.append("The LOINC code of this test is not verified in flarewise's sources.")
    return Interpretation(
        a.loinc,
        a.short,
        result.value,
        result.value_text,
        result.unit,
        flag,
        interval,
        source,
        result.flag,
        tuple(categories),
        tuple(caveats),
        a.research_marker,
        True,
        tuple(notes),
    )


def _has(result: LabResult) -> bool:
    return result.ref_low is not None or result.ref_high is not None


def _flag(value: float | None, low: float | None, high: float | None, lab_flag: str | None) -> Flag:
    if value is None or (low is None and high is None):
        if lab_flag in ("L", "LL"):
            return "low"
        if lab_flag in ("H", "HH"):
            return "high"
        if lab_flag == "N":
            return "normal"
        return "unknown"
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return "normal"
