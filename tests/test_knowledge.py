"""The knowledge base is complete, sourced and consistent (clinical-rules.md D)."""

from __future__ import annotations

import pydantic
import pytest

from flarewise.knowledge import load_vocabulary
from flarewise.knowledge.schema import Citation, InterventionDef

V = load_vocabulary()

#: clinical-rules.md D.3 and D.2: the grade each intervention must carry.
EXPECTED_GRADES = {
    "aerobic_exercise": "A",
    "strength_training": "A",
    "aquatic_exercise": "A",
    "meditative_movement": "A",
    "mbsr": "A",
    "cbt": "A",
    "sleep_hygiene": "C",
    "anti_inflammatory_diet": "B",
    "elimination_diet": "C",
    "nad": "D",
    "curcumin": "C",
    "omega_3": "C",
    "magnesium": "B",
    "vitamin_d": "B",
    "resveratrol": "C",
    "coq10": "B",
    "probiotic": "B",
    "ginger": "C",
    "rhodiola": "C",
    "low_dose_naltrexone": "B",
    "duloxetine": "A",
    "milnacipran": "A",
    "pregabalin": "A",
    "amitriptyline": "A",
    "tramadol": "B",
    "nsaids": "X",
    "dmards": "X",
    "il6_inhibitors": "X",
    "breathing_relaxation": "C",
    "myofascial_release": "D",
    "aquatic_therapy": "A",
    "education_pacing": "B",
    "massage": "D",
}


def test_d3_every_intervention_is_present_with_its_grade() -> None:
    assert {k: V.interventions[k].grade for k in EXPECTED_GRADES} == EXPECTED_GRADES
    assert set(V.interventions) == set(EXPECTED_GRADES)


def test_every_entry_is_sourced_and_doses_carry_units() -> None:
    for i in V.interventions.values():
        assert i.citations, i.id
        assert all(c.link.startswith("https://") for c in i.citations), i.id
        if i.dose is not None:
            assert i.dose.unit and i.dose.per, i.id
        for rule in i.safety_rules:
            assert rule in V.safety_rules, (i.id, rule)


def test_d4_upper_limits() -> None:
    limits = {
        i.id: (i.upper_limit.amount, i.upper_limit.unit, i.upper_limit.rule)
        for i in V.interventions.values()
        if i.upper_limit
    }
    assert limits == {
        "magnesium": (350, "mg", "SAF-MG-UL"),
        "vitamin_d": (4000, "IU", "SAF-VITD-UL"),
        "omega_3": (5000, "mg", "SAF-OMEGA3-DOSE"),
    }


def test_d4_rule_catalogue_matches_clinical_rules() -> None:
    expected = {
        "SAF-MG-UL": "caution",
        "SAF-MG-RENAL": "major",
        "SAF-MG-CHELATE": "caution",
        "SAF-VITD-UL": "caution",
        "SAF-VITD-CA": "contraindicated",
        "SAF-VITD-THZ": "caution",
        "SAF-BLEED": "major",
        "SAF-BLEED-STACK": "major",
        "SAF-COQ10-WARF": "major",
        "SAF-OMEGA3-DOSE": "caution",
        "SAF-CURC-LIVER": "major",
        "SAF-LDN-OPIOID": "contraindicated",
        "SAF-DLX-MAOI": "contraindicated",
        "SAF-DLX-SERO": "major",
        "SAF-DLX-BLEED": "caution",
        "SAF-DLX-LIVER": "major",
        "SAF-PGB-CNS": "major",
        "SAF-PROBIOTIC-IMMUNO": "major",
        "SAF-NSAID-CKD": "major",
        "SAF-NSAID-BLEED": "major",
        "SAF-NSAID-FM": "info",
        "SAF-TCZ": "contraindicated",
        "SAF-DMARD": "contraindicated",
    }
    # D.5 rules are checked beside their tests (test_safety_doses.py, test_safety_populations.py)
    d4 = {r.id: r.severity for r in V.safety_rules.values() if r.id in expected}
    assert d4 == expected


def test_e_red_flag_catalogue() -> None:
    assert set(V.red_flags) == {
        "RF-CRP",
        "RF-ESR",
        "RF-CK",
        "RF-TSH",
        "RF-WBC",
        "RF-ANA",
        "RF-RF",
        "RF-CCP",
        "RF-CA",
        "RF-B12",
        "RF-FERRITIN",
        "RF-CLIN",
    }


@pytest.mark.parametrize(
    "citation",
    [
        {"label": "x"},
        {"label": "x", "doi": "11.1000/abc"},
        {"label": "x", "pmid": "12a"},
        {"label": "x", "pmcid": "12345"},
        {"label": "x", "url": "http://insecure.example/"},
    ],
)
def test_malformed_citations_fail(citation: dict[str, str]) -> None:
    with pytest.raises(pydantic.ValidationError):
        Citation.model_validate(citation)


def test_an_entry_without_a_source_or_with_a_dose_above_its_limit_fails() -> None:
    base = V.interventions["magnesium"].model_dump()
    with pytest.raises(pydantic.ValidationError, match="citations"):
        InterventionDef.model_validate({**base, "citations": []})
    bad = {**base, "dose": {**base["dose"], "high": 400}}
    with pytest.raises(pydantic.ValidationError, match="exceeds the upper limit"):
        InterventionDef.model_validate(bad)
    with pytest.raises(pydantic.ValidationError):
        InterventionDef.model_validate(
            {**base, "dose": {"low": 1, "high": 2, "unit": "", "per": "day"}}
        )


def test_unknown_rule_reference_fails_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    from flarewise.knowledge import vocabulary

    real = vocabulary._load

    def patched(filename, model):  # type: ignore[no-untyped-def]
        data = real(filename, model)
        if filename == "interventions.yaml":
            first = data.interventions[0].model_copy(update={"safety_rules": ("SAF-NOPE",)})
            data = data.model_copy(update={"interventions": (first, *data.interventions[1:])})
        return data

    monkeypatch.setattr(vocabulary, "_load", patched)
    with pytest.raises(vocabulary.VocabularyError, match="SAF-NOPE"):
        vocabulary.Vocabulary()
