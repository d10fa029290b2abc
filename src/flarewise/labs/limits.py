"""Which limit a lab result is judged against (clinical-rules.md E.1, D.5.0 item 4).

The reporting lab's own limit always wins. Only when a result carries no limit on the side being
checked (design choice: a one-sided range such as "< 5" is common, so each side is judged on its
own) does flarewise fall back to the E.1 default adult limit, and says so. Under 18 there is no
default: the lab's range is required. Comparisons are strict ("above" = value > limit).

Why it matters: without these, calcium 12.5 mg/dL logged without a range raised no flag and
vitamin D was still offered; ferritin 5 ng/mL without a range raised none either.
"""

from __future__ import annotations

from dataclasses import dataclass

from flarewise.domain.entries import LabResult
from flarewise.domain.numbers import is_real, short
from flarewise.errors import InvalidInput
from flarewise.knowledge.schema import AnalyteDef
from flarewise.knowledge.vocabulary import load_vocabulary
from flarewise.labs.convert import in_unit

ADULT_AGE = 18
CALCIUM_MMOL_PER_MG_DL = 0.2495  # E.1: mmol/L = mg/dL x 0.2495 (mg/dL = mmol/L / 0.2495)
MAYO_CALCIUM = "Mayo Clinic Laboratories CA: 18-59 y 8.6-10.0, 60 y and over 8.8-10.2 mg/dL"
MAYO_CK = "Mayo Clinic Laboratories CK: women 26-192, men 39-308 U/L"
MAYO_TSH = "Mayo Clinic Laboratories TSH, 20 y and over: 0.3-4.2 mIU/L"
WHO_FERRITIN = "WHO 2020 ferritin guideline (NBK569873): below 15 ug/L in healthy adults"
WBC_SOURCE = "EULAR/ACR 2019 leukopenia below 4.0; upper 11.0 a design choice"
MILLER = "Miller 1983 (Nishisako 2017, doi 10.1002/jgf2.1): men age/2, women (age+10)/2 mm/h"
#: E.1: with age unknown, an ESR above the women's limit at age 100 is above every adult limit.
ESR_ABOVE_EVERY_ADULT = 55.0


@dataclass(frozen=True)
class Limit:
    """A limit in the result's own unit, and whether it is the lab's or the E.1 default."""

    value: float
    unit: str
    default: bool
    source: str

    def describe(self) -> str:
        """Completes "Calcium 12.5 mg/dL is above ..."."""
        if not self.default:
            return f"the lab's limit of {self.value:g} {self.unit}"
        return (
            f"the default adult limit of {self.value:g} {self.unit} (your lab's range was not "
            f"given, so flarewise used the default adult limit: {self.source})"
        )


def _tidy(x: float) -> float:
    """Round a converted limit to 10 significant digits so that 10.0 mg/dL in mmol/L compares
    equal to a typed 2.495, not 2.4950000000000001."""
    return float(f"{x:.10g}")


def _default(
    family: str, side: str, a: AnalyteDef, unit: str, age: int | None, sex: str | None
) -> Limit | None:
    """The E.1 default of ``family`` (a red-flag rule id) on ``side``, in ``unit``."""
    if age is not None and age < ADULT_AGE:
        return None
    base: tuple[float, str, str] | None = None  # value, unit, source
    if family == "RF-CA" and side == "high":
        if age is not None and age >= 60:
            base = (10.2, "mg/dL", MAYO_CALCIUM + "; age 60 and over")
        else:
            base = (10.0, "mg/dL", MAYO_CALCIUM + "; age 18-59 or age unknown")
        if unit == "mmol/L":
            return Limit(_tidy(base[0] * CALCIUM_MMOL_PER_MG_DL), unit, True, base[2])
    elif family == "RF-FERRITIN" and side == "low":
        base = (15.0, "ng/mL", WHO_FERRITIN)
    elif family == "RF-TSH":
        base = (0.3 if side == "low" else 4.2, "m[IU]/L", MAYO_TSH)
    elif family == "RF-CK" and side == "high":
        if sex == "male":
            base = (308.0, "U/L", MAYO_CK + "; men")
        else:  # women, and the lower (conservative) limit when sex is unknown
            base = (192.0, "U/L", MAYO_CK + ("; women" if sex == "female" else "; sex unknown"))
    elif family == "RF-WBC" and side == "high":
        base = (11.0, "10*9/L", WBC_SOURCE)
    if base is None or unit not in a.units or base[1] not in a.units:
        return None
    return Limit(_tidy(in_unit(base[0], base[1], unit, a)), unit, True, base[2])


def upper_limit(
    family: str, r: LabResult, a: AnalyteDef, age: int | None, sex: str | None
) -> Limit | None:
    """The lab's upper limit, else the E.1 default (None when neither applies)."""
    if r.unit is None:
        return None
    if r.ref_high is not None:
        return Limit(r.ref_high, r.unit, False, "the reporting laboratory")
    return _default(family, "high", a, r.unit, age, sex)


def lower_limit(
    family: str, r: LabResult, a: AnalyteDef, age: int | None, sex: str | None
) -> Limit | None:
    """The lab's lower limit, else the E.1 default (None when neither applies)."""
    if r.unit is None:
        return None
    if r.ref_low is not None:
        return Limit(r.ref_low, r.unit, False, "the reporting laboratory")
    return _default(family, "low", a, r.unit, age, sex)


def above(r: LabResult, limit: Limit | None) -> bool:
    """Above the limit, or flagged high by the lab (the lab's own judgement also counts)."""
    if r.flag in ("H", "HH"):
        return True
    return limit is not None and r.value is not None and r.value > limit.value


def below(r: LabResult, limit: Limit | None) -> bool:
    if r.flag in ("L", "LL"):
        return True
    return limit is not None and r.value is not None and r.value < limit.value


def calcium_above_limit(r: LabResult, age: int | None, a: AnalyteDef | None = None) -> bool:
    """Whether a total-calcium result is above the lab's upper limit or, without one, the E.1
    default (10.0 mg/dL at 18-59 or age unknown, 10.2 at 60 and over). RF-CA and SAF-VITD-CA
    both use this, so vitamin D is never offered against a raised calcium the lab left unranged.
    """
    if a is None:
        a = load_vocabulary().analytes.get(r.loinc)
    if a is None:
        return above(r, None)
    return above(r, upper_limit("RF-CA", r, a, age, None))


def miller_esr_uln(age: int, sex: str | None) -> float:
    """Miller 1983 (via Nishisako 2017): men age/2, women (age + 10)/2 (mm/h)."""
    if not is_real(age) or not 0 <= age <= 150:
        raise InvalidInput("age", f"an age in years from 0 to 150, not {short(age)}")
    return (age + 10) / 2 if sex == "female" else age / 2


def esr_rating(r: LabResult, age: int | None, sex: str | None) -> tuple[str, str] | None:
    """(rule, why) for an ESR: ``RF-ESR`` when raised, ``LAB-ESR-UNRATED`` when the Miller limit
    cannot be computed (E.1), None when not raised. ``why`` completes "ESR 40 mm/h is ...".
    The lab's own upper limit wins; under 18 only the lab's limit is used."""
    v = r.value
    if v is None:
        return None
    lab = None
    if r.ref_high is not None:
        lab = Limit(r.ref_high, r.unit or "mm/h", False, "the reporting laboratory")
    if above(r, lab):
        return "RF-ESR", "above the lab's limit"
    if lab is not None:
        return None
    if age is not None and age < ADULT_AGE:
        return None
    no_range = "your lab's range was not given"
    if age is None:
        if v > ESR_ABOVE_EVERY_ADULT:
            return "RF-ESR", (
                f"above {ESR_ABOVE_EVERY_ADULT:g} mm/h, the highest adult limit at any age "
                f"({no_range}; {MILLER})"
            )
        return "LAB-ESR-UNRATED", (
            f"not rated: {no_range} and the age-based limit needs your age; "
            "enter your birth year in your profile"
        )
    men, women = miller_esr_uln(age, "male"), miller_esr_uln(age, "female")
    if sex == "male" or sex == "female":
        uln = men if sex == "male" else women
        if v > uln:
            return "RF-ESR", f"above the age/sex limit of {uln:g} mm/h ({no_range}; {MILLER})"
        return None
    if v > women:
        return "RF-ESR", (
            f"above {women:g} mm/h, the limit for your age whatever your sex ({no_range}; {MILLER})"
        )
    if v > men:
        return "LAB-ESR-UNRATED", (
            f"not rated: it is above the men's limit ({men:g} mm/h) but not the women's "
            f"({women:g} mm/h) at your age, and your sex is not recorded; enter it in your profile"
        )
    return None
