"""Red flags from labs and the profile (clinical-rules.md E). Each flag names its rule id, the
evidence that triggered it, and routes to a clinician."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flarewise.domain.entries import LabResult
from flarewise.domain.profile import Profile
from flarewise.knowledge.vocabulary import Vocabulary, load_vocabulary
from flarewise.labs.convert import in_unit
from flarewise.labs.interpret import miller_esr_uln, titre

ACTION = "Please discuss this with your clinician soon; it needs a medical assessment."
#: Clinical findings that make a 1:80 ANA significant (connective-tissue features, E).
CTD_FEATURES = frozenset({"rash", "oral_ulcers", "raynaud", "joint_swelling"})


@dataclass(frozen=True)
class RedFlag:
    rule: str
    title: str
    evidence: str
    why: str
    suppresses: tuple[str, ...] = ()
    entry_id: str | None = None
    action: str = ACTION


def _latest(labs: Iterable[LabResult]) -> dict[str, list[LabResult]]:
    by_code: dict[str, list[LabResult]] = defaultdict(list)
    for r in labs:
        by_code[r.loinc].append(r)
    for results in by_code.values():
        results.sort(key=lambda r: r.at, reverse=True)
    return by_code


def _above_lab(r: LabResult) -> bool:
    if r.value is not None and r.ref_high is not None:
        return r.value > r.ref_high
    return r.flag in ("H", "HH")


def _below_lab(r: LabResult) -> bool:
    if r.value is not None and r.ref_low is not None:
        return r.value < r.ref_low
    return r.flag in ("L", "LL")


def _fmt(r: LabResult, name: str) -> str:
    value = r.value_text if r.value is None else f"{r.value:g}"
    return f"{name} {value}{' ' + r.unit if r.unit else ''} on {r.at.date()}"


def red_flags(
    labs: Iterable[LabResult], profile: Profile | None = None, vocab: Vocabulary | None = None
) -> list[RedFlag]:
    """Every red flag that the latest result of each test, and the profile, trigger."""
    vocab = vocab or load_vocabulary()
    profile = profile or Profile()
    catalogue = {f.id: f for f in vocab.red_flags.values()}
    found: list[RedFlag] = []
    wbc_low = False

    def flag(rule: str, r: LabResult | None, evidence: str) -> None:
        c = catalogue[rule]
        found.append(
            RedFlag(
                rule, c.title, evidence, c.why, tuple(c.suppresses), r.id if r is not None else None
            )
        )

    by_code = _latest(labs)
    for code, results in by_code.items():
        a = vocab.analytes.get(code)
        if a is None or a.red_flag is None:
            continue
        r = results[0]
        name = a.short
        v = r.value
        rule = a.red_flag
        if rule == "RF-CRP" and v is not None and r.unit:
            mg_l = in_unit(v, r.unit, "mg/L", a)
            if mg_l > 10:
                flag(rule, r, f"{_fmt(r, name)} is above 10 mg/L")
            elif len(results) > 1 and _above_lab(r) and _above_lab(results[1]):
                flag(rule, r, f"{_fmt(r, name)} is above the lab's limit for the second time")
        elif rule == "RF-ESR" and v is not None:
            age = profile.age_on(r.at.date())
            if age is not None:
                uln = miller_esr_uln(age, profile.sex)
                if v > uln:
                    flag(rule, r, f"{_fmt(r, name)} is above the age/sex limit of {uln:g} mm/h")
            elif _above_lab(r):
                flag(rule, r, f"{_fmt(r, name)} is above the lab's limit")
        elif rule == "RF-CK" and v is not None:
            if r.ref_high is not None or r.flag is not None:
                if _above_lab(r):
                    flag(rule, r, f"{_fmt(r, name)} is above the lab's limit")
            else:
                uln = 308.0 if profile.sex == "male" else 192.0  # unknown sex: the lower limit
                if in_unit(v, r.unit or "U/L", "U/L", a) > uln:
                    flag(rule, r, f"{_fmt(r, name)} is above {uln:g} U/L (Mayo)")
        elif rule == "RF-TSH" and v is not None:
            lo = r.ref_low if r.ref_low is not None else 0.3
            hi = r.ref_high if r.ref_high is not None else 4.2
            if not lo <= v <= hi:
                flag(rule, r, f"{_fmt(r, name)} is outside {lo:g}-{hi:g}")
        elif rule == "RF-WBC" and v is not None:
            if v < 4.0:
                wbc_low = True
                flag(rule, r, f"{_fmt(r, name)} is below 4.0")
            elif r.ref_high is not None and v > r.ref_high:
                flag(rule, r, f"{_fmt(r, name)} is above the lab's limit")
        elif rule == "RF-ANA":
            t = titre(r.value_text) or (int(v) if v is not None else None)
            ctd = CTD_FEATURES & set(profile.clinical_findings)
            if t is not None and (t >= 160 or (t >= 80 and (ctd or wbc_low))):
                extra = "" if t >= 160 else " with connective-tissue features"
                flag(rule, r, f"{_fmt(r, name)}{extra}")
        elif rule in ("RF-RF", "RF-CA"):
            if _above_lab(r):
                flag(rule, r, f"{_fmt(r, name)} is above the lab's limit")
        elif rule == "RF-CCP" and v is not None:
            if v >= 20:
                flag(rule, r, f"{_fmt(r, name)} is 20 U or more")
        elif rule == "RF-B12" and v is not None:
            limit = 148.0 if r.unit == "pmol/L" else 200.0
            if v < limit:
                flag(rule, r, f"{_fmt(r, name)} is below {limit:g}")
        elif rule == "RF-FERRITIN" and _below_lab(r):
            flag(rule, r, f"{_fmt(r, name)} is below the lab's lower limit")
    for finding in profile.clinical_findings:
        flag("RF-CLIN", None, f"recorded in your profile: {vocab.name_of('finding', finding)}")
    return found
