"""Labs in context against clinical-rules.md C (conversions, intervals, schemes) and E (red
flags). Each case cites its section."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from flarewise import InvalidInput, LabResult, Profile, UnknownTerm
from flarewise.labs import convert, interpret, red_flags

T = datetime(2025, 1, 20, 9, 0, tzinfo=UTC)


def lab(loinc: str, value: float | None, unit: str | None, **kw: object) -> LabResult:
    return LabResult(at=kw.pop("at", T), loinc=loinc, value=value, unit=unit, **kw)  # type: ignore[arg-type]


# -- C: conversions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "src", "dst", "loinc", "expected"),
    [
        (30, "ng/mL", "nmol/L", "62292-8", 74.88),  # 25(OH)D x 2.496 (1000/400.64)
        (20, "ng/mL", "nmol/L", "62292-8", 49.92),  # the C note: 20 ng/mL is 49.92 nmol/L
        (2.0, "mg/dL", "mmol/L", "2601-3", 0.8229),  # Mg x 0.41144
        (2.0, "meq/L", "mmol/L", "2601-3", 1.0),  # mEq/L x 0.5 (valence 2)
        (400, "pg/mL", "pmol/L", "14685-2", 295.1),  # B12 x 0.7378
        (10, "mg/dL", "mmol/L", "2000-8", 2.495),  # calcium x 0.2495
        (1.5, "mg/dL", "mg/L", "1988-5", 15.0),  # CRP mg/dL x 10
        (120, "U/L", "ukat/L", "2157-6", 2.0),  # 1 U = 1/60 ukat
        (50, "ng/mL", "pmol/L", "14723-1", 112.35),  # ferritin x 2.247
        (2.5, "u[IU]/mL", "m[IU]/L", "3016-3", 2.5),  # TSH uIU/mL = mIU/L
    ],
)
def test_c_conversions(value: float, src: str, dst: str, loinc: str, expected: float) -> None:
    assert convert(value, src, dst, loinc) == pytest.approx(expected, rel=1e-3)


def test_c_undefined_pairs_are_errors_not_guesses() -> None:
    with pytest.raises(InvalidInput, match="not a unit for CRP"):
        convert(3, "nmol/L", "mg/L", "1988-5")
    with pytest.raises(UnknownTerm):
        convert(3, "mg/L", "mg/dL", "unobtainium")


# -- C: interpretation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "iom", "es2011"),
    [
        (11.9, "ng/mL", "at risk of deficiency", "deficiency"),
        (12, "ng/mL", "some at risk of inadequacy", "deficiency"),
        (20, "ng/mL", "sufficient for bone health", "insufficiency"),
        (29.9, "ng/mL", "sufficient for bone health", "insufficiency"),
        (30, "ng/mL", "sufficient for bone health", "sufficiency"),
        (50, "ng/mL", "sufficient for bone health", "sufficiency"),
        (50.1, "ng/mL", "potential concern: above the level linked to harm", "sufficiency"),
        # classified in the reported unit: 49.92 nmol/L (= 20 ng/mL) is below 50 nmol/L
        (49.92, "nmol/L", "some at risk of inadequacy", "deficiency"),
        (29, "nmol/L", "at risk of deficiency", "deficiency"),
        (75, "nmol/L", "sufficient for bone health", "sufficiency"),
        (126, "nmol/L", "potential concern: above the level linked to harm", "sufficiency"),
    ],
)
def test_c_vitamin_d_iom_and_endocrine_society(
    value: float, unit: str, iom: str, es2011: str
) -> None:
    loinc = "14635-7" if unit == "nmol/L" else "62292-8"
    cats = {c.scheme: c.label for c in interpret(lab(loinc, value, unit)).categories}
    assert cats["IOM 2011"] == iom
    assert cats["Endocrine Society 2011"] == es2011
    assert cats["Endocrine Society 2024"] == "no thresholds endorsed"


@pytest.mark.parametrize(
    ("mg_l", "label"),
    [(0.9, "low"), (1.0, "average"), (3.0, "average"), (3.1, "high"), (10.5, "above 10 mg/L")],
)
def test_c_hs_crp_strata(mg_l: float, label: str) -> None:
    i = interpret(lab("30522-7", mg_l, "mg/L"))
    assert i.categories[0].label.startswith(label)
    assert any("not a measure of fibromyalgia" in c for c in i.caveats)


def test_c_esr_miller_upper_limit() -> None:
    # Miller: men age/2, women (age+10)/2; age 64 on 2025-01-20 for birth year 1960
    woman = Profile(birth_year=1960, sex="female")
    man = Profile(birth_year=1960, sex="male")
    assert interpret(lab("30341-2", 36, "mm/h"), woman).interval == (None, 37.0)
    assert interpret(lab("30341-2", 36, "mm/h"), woman).flag == "normal"
    assert interpret(lab("30341-2", 36, "mm/h"), man).flag == "high"


def test_c_lab_interval_wins_over_catalogue() -> None:
    i = interpret(lab("3016-3", 4.5, "m[IU]/L", ref_low=0.47, ref_high=4.68))
    assert (i.flag, i.interval_source) == ("normal", "the reporting laboratory")
    j = interpret(lab("3016-3", 4.5, "m[IU]/L"), Profile(birth_year=1980))
    assert j.flag == "high" and "Mayo" in (j.interval_source or "")


def test_c_catalogue_interval_is_converted_to_the_reported_unit() -> None:
    # CK female upper 192 U/L = 3.2 ukat/L
    i = interpret(lab("2157-6", 3.3, "ukat/L"), Profile(sex="female"))
    assert i.interval is not None and i.interval[1] == pytest.approx(3.2)
    assert i.flag == "high"


@pytest.mark.parametrize(
    ("value", "label"),
    [(199, "consistent with deficiency"), (250, "borderline"), (301, "not suggestive")],
)
def test_c_b12_categories(value: float, label: str) -> None:
    assert interpret(lab("2132-9", value, "pg/mL")).categories[0].label.startswith(label)


@pytest.mark.parametrize(
    ("value", "label"),
    [(19.9, "negative"), (20, "weak positive"), (40, "positive"), (60, "strong positive")],
)
def test_c_anti_ccp_categories(value: float, label: str) -> None:
    assert interpret(lab("33935-8", value, "U")).categories[0].label == label


@pytest.mark.parametrize("loinc", ["26881-3", "33211-4", "3074-2", "2597-3"])
def test_c_research_markers_carry_the_caveat(loinc: str) -> None:
    unit = "mmol/L" if loinc == "2597-3" else "pg/mL"
    i = interpret(lab(loinc, 3.0, unit))
    assert i.research_marker and any("not a test for fibromyalgia" in c for c in i.caveats)


def test_c_unknown_analytes_use_the_lab_interval_only() -> None:
    i = interpret(lab("99999-5", 12, "mg/L", ref_high=10))
    assert not i.known_analyte and i.flag == "high"


# -- E: red flags -----------------------------------------------------------------------------


def rules(flags: list) -> set[str]:  # type: ignore[type-arg]
    return {f.rule for f in flags}


@pytest.mark.parametrize(
    ("result", "profile", "rule"),
    [
        (lab("1988-5", 11, "mg/L"), Profile(), "RF-CRP"),
        (lab("1988-5", 1.2, "mg/dL"), Profile(), "RF-CRP"),  # 12 mg/L
        (lab("30341-2", 40, "mm/h"), Profile(birth_year=1960, sex="male"), "RF-ESR"),
        (lab("2157-6", 250, "U/L"), Profile(sex="female"), "RF-CK"),
        (lab("2157-6", 200, "U/L", ref_high=180), Profile(), "RF-CK"),
        (lab("3016-3", 6.1, "m[IU]/L"), Profile(), "RF-TSH"),
        (lab("3016-3", 0.2, "m[IU]/L"), Profile(), "RF-TSH"),
        (lab("6690-2", 3.5, "10*9/L"), Profile(), "RF-WBC"),
        (lab("5048-4", None, "{titer}", value_text="1:160"), Profile(), "RF-ANA"),
        (
            lab("5048-4", None, "{titer}", value_text="1:80"),
            Profile(clinical_findings=["raynaud"]),
            "RF-ANA",
        ),
        (lab("11572-5", 30, "[IU]/mL", ref_high=14), Profile(), "RF-RF"),
        (lab("33935-8", 20, "U"), Profile(), "RF-CCP"),
        (lab("17861-6", 10.9, "mg/dL", ref_low=8.6, ref_high=10.3), Profile(), "RF-CA"),
        (lab("2132-9", 180, "pg/mL"), Profile(), "RF-B12"),
        (lab("14685-2", 140, "pmol/L"), Profile(), "RF-B12"),
        (lab("2276-4", 11, "ng/mL", ref_low=15, ref_high=150), Profile(), "RF-FERRITIN"),
    ],
)
def test_e_each_red_flag_triggers(result: LabResult, profile: Profile, rule: str) -> None:
    flags = red_flags([result], profile)
    assert rules(flags) - {"RF-CLIN"} == {rule}  # a finding in the profile is its own flag
    assert all("clinician" in f.action for f in flags)


@pytest.mark.parametrize(
    ("result", "profile"),
    [
        (lab("1988-5", 9.9, "mg/L"), Profile()),
        (lab("30341-2", 36, "mm/h"), Profile(birth_year=1960, sex="female")),
        (lab("2157-6", 250, "U/L"), Profile(sex="male")),
        (lab("3016-3", 4.2, "m[IU]/L"), Profile()),
        (lab("6690-2", 4.0, "10*9/L"), Profile()),
        (lab("5048-4", None, "{titer}", value_text="1:80"), Profile()),  # low titre alone
        (lab("33935-8", 19.9, "U"), Profile()),
        (lab("2132-9", 200, "pg/mL"), Profile()),
        (lab("2276-4", 16, "ng/mL", ref_low=15, ref_high=150), Profile()),
    ],
)
def test_e_values_inside_the_rules_raise_no_flag(result: LabResult, profile: Profile) -> None:
    assert red_flags([result], profile) == []


def test_e_crp_above_the_lab_limit_on_repeat() -> None:
    first = lab("1988-5", 7, "mg/L", ref_high=5, at=T.replace(month=1))
    again = lab("1988-5", 8, "mg/L", ref_high=5, at=T.replace(month=3))
    assert rules(red_flags([first], Profile())) == set()
    assert rules(red_flags([first, again], Profile())) == {"RF-CRP"}


def test_e_only_the_latest_result_counts() -> None:
    old = lab("1988-5", 25, "mg/L", at=T.replace(year=2024))
    new = lab("1988-5", 2, "mg/L")
    assert red_flags([old, new], Profile()) == []


def test_e_clinical_findings_in_the_profile() -> None:
    flags = red_flags([], Profile(clinical_findings=["jaw_claudication", "weight_loss"]))
    assert [f.rule for f in flags] == ["RF-CLIN", "RF-CLIN"]
    assert "Jaw pain when chewing" in flags[0].evidence


def test_e_red_flags_name_what_they_suppress() -> None:
    [f] = red_flags([lab("2276-4", 11, "ng/mL", ref_low=15)], Profile())
    assert f.suppresses == ("iron",)
    [c] = red_flags([lab("17861-6", 11, "mg/dL", ref_high=10.3)], Profile())
    assert "vitamin_d" in c.suppresses
