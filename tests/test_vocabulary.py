"""The vocabulary package data: valid, unambiguous, and resolving the names people type."""

from __future__ import annotations

import re

import pytest

from flarewise import UnknownTerm
from flarewise.domain.entries import loinc_check_digit_ok
from flarewise.knowledge import load_vocabulary
from flarewise.knowledge.vocabulary import Vocabulary

V = load_vocabulary()


def test_loads_and_is_cached() -> None:
    assert load_vocabulary() is V
    assert isinstance(Vocabulary(), Vocabulary)  # a fresh load validates every file again


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("substance", "vit D", "vitamin_d"),
        ("substance", "Cholecalciferol", "vitamin_d"),
        ("substance", "LDN", "naltrexone"),
        ("substance", "Cymbalta", "duloxetine"),
        ("substance", "fish-oil", "omega_3"),
        ("symptom", "brain fog", "fibro_fog"),
        ("symptom", "IBS", "gi_symptoms"),
        ("food", "blueberries", "berries"),
        ("activity", "water aerobics", "aquatic_exercise"),
        ("condition", "CKD", "chronic_kidney_disease"),
        ("analyte", "vitamin d", "62292-8"),
        ("analyte", "hs-CRP", "30522-7"),
        ("event", "period", "menstruation"),
    ],
)
def test_synonyms_resolve_to_stable_ids(kind: str, text: str, expected: str) -> None:
    assert V.resolve(kind, text) == expected  # type: ignore[arg-type]


def test_forms_resolve_to_substance_and_form() -> None:
    assert V.resolve_substance("magnesium-citrate") == ("magnesium", "magnesium_citrate")
    assert V.resolve_substance("Magnesium L-threonate") == ("magnesium", "magnesium_l_threonate")
    assert V.resolve_substance("magnesium") == ("magnesium", None)


def test_unknown_name_suggests_and_never_invents() -> None:
    with pytest.raises(UnknownTerm) as info:
        V.resolve("substance", "magnesum")
    assert info.value.suggestions == ["magnesium"]
    assert "Did you mean 'magnesium'" in str(info.value)
    with pytest.raises(UnknownTerm, match="flarewise vocab food"):
        V.resolve("food", "zzzzqqq")


def test_substance_classes_needed_by_safety_rules() -> None:
    # clinical-rules.md D.4 triggers: each class must exist and be carried by the right drugs
    expect = {
        "warfarin": {"anticoagulant", "vka"},
        "apixaban": {"anticoagulant", "doac"},
        "tramadol": {"opioid", "sero_s1", "cns_active"},
        "codeine": {"opioid"},
        "buprenorphine": {"opioid"},
        "duloxetine": {"snri", "sero_s1", "sri"},
        "phenelzine": {"maoi"},
        "linezolid": {"maoi"},
        "hydrochlorothiazide": {"thiazide"},
        "alendronate": {"bisphosphonate"},
        "doxycycline": {"tetracycline"},
        "ciprofloxacin": {"fluoroquinolone"},
        "pregabalin": {"gaba"},
        "diazepam": {"benzodiazepine", "bzd_z"},
        "st_johns_wort": {"sero_s1"},
        "tocilizumab": {"il6_inhibitor"},
        "methotrexate": {"dmard"},
        "ibuprofen": {"nsaid"},
        "aspirin": {"antiplatelet", "nsaid"},
        "clopidogrel": {"antiplatelet"},
        "curcumin": {"bleed_supp"},
        "omega_3": {"bleed_supp"},
        "resveratrol": {"bleed_supp"},
        "ginger": {"bleed_supp"},
        "magnesium": {"magnesium_source"},
        "vitamin_d": {"vitamin_d"},
        "probiotic": {"probiotic"},
        "naltrexone": {"opioid_antagonist"},
    }
    for sid, classes in expect.items():
        assert classes <= set(V.substances[sid].classes), sid


def test_magnesium_elemental_fractions_follow_the_formulas() -> None:
    masses = {
        "C": 12.011,
        "H": 1.008,
        "N": 14.007,
        "O": 15.999,
        "S": 32.06,
        "Cl": 35.45,
        "Mg": 24.305,
    }

    def molar_mass(formula: str) -> float:
        total = 0.0
        for part in formula.split("·"):
            mult = 1
            m = re.match(r"^(\d+)(.*)$", part)
            if m:
                mult, part = int(m.group(1)), m.group(2)
            while "(" in part:
                part = re.sub(
                    r"\(([^()]*)\)(\d*)", lambda g: g.group(1) * int(g.group(2) or 1), part
                )
            for el, n in re.findall(r"([A-Z][a-z]?)(\d*)", part):
                total += mult * masses[el] * int(n or 1)
        return total

    for form in V.substances["magnesium"].forms:
        assert form.formula and form.molar_mass
        assert form.molar_mass == pytest.approx(molar_mass(form.formula), abs=0.02), form.id
    assert V.forms["magnesium_oxide"][1].elemental_fraction == pytest.approx(0.603, abs=0.001)
    assert V.forms["magnesium_citrate"][1].elemental_fraction == pytest.approx(0.1616, abs=0.001)


def test_analytes_are_well_formed() -> None:
    for code, a in V.analytes.items():
        assert loinc_check_digit_ok(code)
        assert a.units[a.canonical_unit] == 1


@pytest.mark.parametrize(
    ("mass", "molar", "factor"),
    # clinical-rules.md C: ng/mL x 2.496 = nmol/L; B12 pg/mL x 0.7378 = pmol/L; Ca mg/dL x 0.2495
    [
        ("62292-8", "14635-7", 2.496),
        ("2132-9", "14685-2", 0.7378),
        ("17861-6", "2000-8", 0.2495),
        ("19123-9", "2601-3", 0.41144),
        ("2276-4", "14723-1", 2.247),
        ("2284-8", "14732-2", 2.266),
    ],
)
def test_mass_and_molar_factors_are_reciprocal(mass: str, molar: str, factor: float) -> None:
    a, b = V.analytes[mass], V.analytes[molar]
    mass_unit = a.canonical_unit
    molar_unit = b.canonical_unit
    assert b.units[mass_unit] == pytest.approx(factor, rel=2e-3)
    assert a.units[molar_unit] == pytest.approx(1 / factor, rel=2e-3)


def test_lab_units_are_matched_leniently_but_stored_canonically() -> None:
    assert V.analyte_unit("62292-8", "ng/ml") == "ng/mL"
    assert V.analyte_unit("3016-3", "µIU/mL") == "u[IU]/mL"
    assert V.analyte_unit("6690-2", "x10^9/L") == "10*9/L"


def test_research_markers_are_marked() -> None:
    # clinical-rules.md C caveats: IL-6, IL-8, TNF-alpha and RBC magnesium
    for code in ("26881-3", "33211-4", "3074-2", "2597-3"):
        assert V.analytes[code].research_marker
    assert not V.analytes["1988-5"].research_marker
