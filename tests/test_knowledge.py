"""The knowledge base is complete, sourced and consistent (clinical-rules.md D)."""

from __future__ import annotations

from pathlib import Path

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
    got = {r.id: r.severity for r in V.safety_rules.values() if r.section == "D.4"}
    assert got == expected


def test_d5_rule_catalogue_matches_clinical_rules() -> None:
    # clinical-rules.md D.5.3: the interaction and condition rules of this engine, with their
    # headline severity and the further severities the document gives them
    expected = {
        "SAF-MAOI-SERO": ("contraindicated", ("major",)),
        "SAF-MAOI-WASHOUT": ("contraindicated", ("major",)),
        "SAF-SERO-PAIR": ("major", ("caution",)),
        "SAF-TCA-TRAMADOL-SEIZURE": ("major", ()),
        "SAF-SEIZURE-HX": ("major", ()),
        "SAF-GABA-OPIOID": ("major", ()),
        "SAF-GABA-CNS": ("major", ()),
        "SAF-CNS-DEPRESS": ("major", ("caution",)),
        "SAF-SRI-BLEED": ("caution", ()),
        "SAF-BLEED-DISORDER": ("major", ("caution",)),
        "SAF-NSAID-RENAL-EGFR": ("major", ("caution",)),
        "SAF-RENAL-DOSE": ("caution", ("major",)),
        "SAF-LDN-OPIOID-DEP": ("contraindicated", ()),
        "SAF-SJW-INDUCER": ("major", ()),
    }
    got = {
        r.id: (r.severity, r.severities) for r in V.safety_rules.values() if r.section == "D.5.3"
    }
    assert {k: v for k, v in got.items() if k in expected} == expected
    # D.5.0 P2 specificity ranks
    ranks = {r.id: r.rank for r in V.safety_rules.values() if r.rank is not None}
    assert ranks == {
        **dict.fromkeys(
            [
                "SAF-DLX-MAOI",
                "SAF-DLX-SERO",
                "SAF-DLX-BLEED",
                "SAF-PGB-CNS",
                "SAF-LDN-OPIOID",
                "SAF-NSAID-CKD",
                "SAF-COQ10-WARF",
                "SAF-BLEED",
                "SAF-NSAID-BLEED",
            ],
            3,
        ),
        **dict.fromkeys(
            ["SAF-TCA-TRAMADOL-SEIZURE", "SAF-GABA-OPIOID", "SAF-GABA-CNS", "SAF-LDN-OPIOID-DEP"],
            2,
        ),
        **dict.fromkeys(
            [
                "SAF-MAOI-SERO",
                "SAF-MAOI-WASHOUT",
                "SAF-SERO-PAIR",
                "SAF-CNS-DEPRESS",
                "SAF-SRI-BLEED",
            ],
            1,
        ),
    }


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


def _broken_copy(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    """A copy of the package data with one deliberate defect."""
    from importlib import resources

    src = resources.files("flarewise.knowledge").joinpath("data")
    for entry in src.iterdir():
        if entry.name.endswith(".yaml"):
            (tmp_path / entry.name).write_text(entry.read_text("utf-8"), "utf-8")
    text = (tmp_path / filename).read_text("utf-8")
    assert old in text, old
    (tmp_path / filename).write_text(text.replace(old, new, 1), "utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("filename", "old", "new", "message"),
    [
        # an intervention naming a rule that does not exist
        (
            "interventions.yaml",
            "safety_rules: [SAF-COQ10-WARF]",
            "safety_rules: [SAF-NOPE]",
            "SAF-NOPE",
        ),
        # a class list (D.5.1) naming a substance that does not exist
        (
            "substances.yaml",
            "members: [sam_e, rhodiola]",
            "members: [sam_e, rhodiolla]",
            "rhodiolla",
        ),
        # a class including a class that has no member list
        ("substances.yaml", "includes: [ssri, snri]", "includes: [ssri, snri, nope]", "nope"),
        # a substance listing a member-list class itself (two lists that could disagree)
        (
            "substances.yaml",
            "classes: [magnesium_source, mineral]",
            "classes: [magnesium_source, mineral, opioid]",
            "member lists",
        ),
        # rules naming an unknown substance, class or condition
        (
            "safety_rules.yaml",
            "item: {substances: [coq10]}",
            "item: {substances: [coq_10]}",
            "coq_10",
        ),
        ("safety_rules.yaml", "partner: {classes: [vka]}", "partner: {classes: [vkas]}", "vkas"),
        (
            "safety_rules.yaml",
            "conditions: [epilepsy, seizure_disorder",
            "conditions: [epilepsi, seizure_disorder",
            "epilepsi",
        ),
        # the washout table naming an unknown substance
        ("safety_rules.yaml", "    fluoxetine: 35", "    fluoxetin: 35", "fluoxetin"),
        # a rule defined twice
        ("safety_rules.yaml", "  - id: SAF-SJW-INDUCER", "  - id: SAF-SEIZURE-HX", "defined twice"),
        # the id kept for medicines the vocabulary does not know (issue 13)
        ("substances.yaml", "  - id: coq10", "  - id: unrecognised", "reserved"),
    ],
)
def test_a_broken_copy_of_the_data_fails_loading(
    tmp_path: Path, filename: str, old: str, new: str, message: str
) -> None:
    from flarewise.knowledge.vocabulary import Vocabulary, VocabularyError

    with pytest.raises(VocabularyError, match=message):
        Vocabulary(_broken_copy(tmp_path, filename, old, new))


def test_an_unbroken_copy_loads(tmp_path: Path) -> None:
    from flarewise.knowledge.vocabulary import Vocabulary

    copy = Vocabulary(_broken_copy(tmp_path, "substances.yaml", "", ""))
    assert set(copy.safety_rules) == set(V.safety_rules)
