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
from flarewise.labs.interpret import titre
from flarewise.labs.limits import Limit, above, below, esr_rating, lower_limit, upper_limit

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
    #: "review" for a red flag; "info" for a lab note such as LAB-ESR-UNRATED (D.5.3), which
    #: routes to the profile, not to a clinician, and suppresses nothing.
    severity: str = "review"


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


def _beyond(word: str, limit: Limit | None) -> str:
    if limit is None:
        return f"flagged {word.replace('above', 'high').replace('below', 'low')} by the lab"
    return f"{word} {limit.describe()}"


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
        age = profile.age_on(r.at.date())
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
            rating = esr_rating(r, age, profile.sex)
            if rating is not None and rating[0] == "RF-ESR":
                flag(rule, r, f"{_fmt(r, name)} is {rating[1]}")
            elif rating is not None:
                note = vocab.safety_rules[rating[0]]
                found.append(
                    RedFlag(
                        note.id,
                        "ESR not rated",
                        f"{_fmt(r, name)} is {rating[1]}",
                        note.says,
                        (),
                        r.id,
                        "Enter your age and sex in your profile so flarewise can rate it.",
                        note.severity,
                    )
                )
        elif rule == "RF-CK" and v is not None:
            lim = upper_limit(rule, r, a, age, profile.sex)
            if above(r, lim):
                flag(rule, r, f"{_fmt(r, name)} is {_beyond('above', lim)}")
        elif rule == "RF-TSH" and v is not None:
            lo = lower_limit(rule, r, a, age, profile.sex)
            hi = upper_limit(rule, r, a, age, profile.sex)
            if below(r, lo):
                flag(rule, r, f"{_fmt(r, name)} is {_beyond('below', lo)}")
            elif above(r, hi):
                flag(rule, r, f"{_fmt(r, name)} is {_beyond('above', hi)}")
        elif rule == "RF-WBC" and v is not None:
            hi = upper_limit(rule, r, a, age, profile.sex)
            if v < 4.0:  # the E rule itself (EULAR/ACR leukopenia), whatever the lab's range
                wbc_low = True
                flag(rule, r, f"{_fmt(r, name)} is below 4.0")
            elif hi is not None and v > hi.value:
                flag(rule, r, f"{_fmt(r, name)} is above {hi.describe()}")
        elif rule == "RF-ANA":
            t = titre(r.value_text) or (int(v) if v is not None else None)
            ctd = CTD_FEATURES & set(profile.clinical_findings)
            if t is not None and (t >= 160 or (t >= 80 and (ctd or wbc_low))):
                extra = "" if t >= 160 else " with connective-tissue features"
                flag(rule, r, f"{_fmt(r, name)}{extra}")
        elif rule == "RF-RF":
            if _above_lab(r):
                flag(rule, r, f"{_fmt(r, name)} is above the lab's limit")
        elif rule == "RF-CA":
            lim = upper_limit(rule, r, a, age, profile.sex)
            if above(r, lim):
                flag(rule, r, f"{_fmt(r, name)} is {_beyond('above', lim)}")
        elif rule == "RF-CCP" and v is not None:
            if v >= 20:
                flag(rule, r, f"{_fmt(r, name)} is 20 U or more")
        elif rule == "RF-B12" and v is not None:
            limit = 148.0 if r.unit == "pmol/L" else 200.0
            if v < limit:
                flag(rule, r, f"{_fmt(r, name)} is below {limit:g}")
        elif rule == "RF-FERRITIN":
            lim = lower_limit(rule, r, a, age, profile.sex)
            if below(r, lim):
                flag(rule, r, f"{_fmt(r, name)} is {_beyond('below', lim)}")
    for finding in profile.clinical_findings:
        flag("RF-CLIN", None, f"recorded in your profile: {vocab.name_of('finding', finding)}")
    return found
