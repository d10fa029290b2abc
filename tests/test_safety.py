"""Every safety rule of clinical-rules.md D.4, triggered and not triggered."""

from __future__ import annotations

import pytest

from flarewise import InvalidInput
from flarewise.plan import check_plan

from .plan_helpers import V, context, days_ago, items, lab, regimen


def rules(ctx, *raw):  # type: ignore[no-untyped-def]
    return {(w.rule, w.severity) for w in check_plan(ctx, items(*raw), V)}


# -- D.4 magnesium ------------------------------------------------------------------------------


def test_d4_mg_ul_sums_every_source() -> None:
    ctx = context(meds=[regimen("magnesium", 200, "mg", form="magnesium_glycinate")])
    assert ("SAF-MG-UL", "caution") in rules(ctx, {"item": "magnesium", "dose": 200, "unit": "mg"})
    assert ("SAF-MG-UL", "caution") not in rules(
        ctx, {"item": "magnesium", "dose": 150, "unit": "mg"}
    )


def test_d4_mg_ul_counts_elemental_magnesium_of_a_salt() -> None:
    # 1000 mg of magnesium oxide salt is 603 mg elemental: above 350
    ctx = context()
    raw = {
        "item": "magnesium",
        "dose": 1000,
        "unit": "mg",
        "form": "magnesium_oxide",
        "basis": "compound",
    }
    assert ("SAF-MG-UL", "caution") in rules(ctx, raw)
    raw["dose"] = 500  # 301.5 mg elemental
    assert ("SAF-MG-UL", "caution") not in rules(ctx, raw)


def test_d4_mg_ul_clinician_override_is_shown() -> None:
    ctx = context(
        overrides=[
            {"rule": "SAF-MG-UL", "item": "magnesium", "clinician": "Dr Rao", "on": "2025-05-01"}
        ]
    )
    [w] = [
        w
        for w in check_plan(ctx, items({"item": "magnesium", "dose": 400, "unit": "mg"}), V)
        if w.rule == "SAF-MG-UL"
    ]
    assert w.overridden_by == "Dr Rao on 2025-05-01"


def test_d4_mg_renal_by_condition_or_egfr() -> None:
    mg = {"item": "magnesium", "dose": 100, "unit": "mg"}
    assert ("SAF-MG-RENAL", "major") in rules(context(conditions=["chronic_kidney_disease"]), mg)
    assert ("SAF-MG-RENAL", "major") in rules(
        context(labs=[lab("62238-1", 45, "mL/min/{1.73_m2}")]), mg
    )
    assert ("SAF-MG-RENAL", "major") not in rules(
        context(labs=[lab("62238-1", 75, "mL/min/{1.73_m2}")]), mg
    )


def test_d4_mg_chelate_one_per_interacting_drug() -> None:
    ctx = context(
        meds=[
            regimen("alendronate", 70, "mg"),
            regimen("doxycycline", 100, "mg"),
            regimen("ciprofloxacin", 500, "mg"),
        ]
    )
    ws = [w for w in check_plan(ctx, items({"item": "magnesium"}), V) if w.rule == "SAF-MG-CHELATE"]
    assert len(ws) == 3 and all(w.severity == "caution" for w in ws)


# -- D.4 vitamin D -----------------------------------------------------------------------------


def test_d4_vitd_ul() -> None:
    assert ("SAF-VITD-UL", "caution") in rules(
        context(), {"item": "vitamin d", "dose": 5000, "unit": "IU"}
    )
    assert ("SAF-VITD-UL", "caution") not in rules(
        context(), {"item": "vitamin d", "dose": 4000, "unit": "IU"}
    )
    # 125 mcg = 5000 IU
    assert ("SAF-VITD-UL", "caution") in rules(
        context(), {"item": "vitamin d", "dose": 125, "unit": "mcg"}
    )


@pytest.mark.parametrize(
    "kw",
    [
        {"conditions": ["hypercalcaemia"]},
        {"conditions": ["primary_hyperparathyroidism"]},
        {"conditions": ["sarcoidosis"]},
        {"labs": [lab("17861-6", 10.9, "mg/dL", ref_high=10.3)]},
    ],
)
def test_d4_vitd_ca_contraindicated(kw) -> None:  # type: ignore[no-untyped-def]
    assert ("SAF-VITD-CA", "contraindicated") in rules(context(**kw), {"item": "vitamin_d"})


def test_d4_vitd_thiazide() -> None:
    ctx = context(meds=[regimen("hydrochlorothiazide", 25, "mg")])
    assert ("SAF-VITD-THZ", "caution") in rules(ctx, {"item": "vitamin_d"})


# -- D.4 bleeding --------------------------------------------------------------------------------


@pytest.mark.parametrize("agent", ["curcumin", "omega_3", "resveratrol", "ginger"])
def test_d4_bleed_major_with_anticoagulant_caution_with_antiplatelet(agent: str) -> None:
    assert ("SAF-BLEED", "major") in rules(
        context(meds=[regimen("apixaban", 5, "mg")]), {"item": agent}
    )
    assert ("SAF-BLEED", "caution") in rules(
        context(meds=[regimen("clopidogrel", 75, "mg")]), {"item": agent}
    )
    assert not {r for r, _ in rules(context(), {"item": agent})} & {"SAF-BLEED"}


def test_d4_bleed_stack() -> None:
    ctx = context(meds=[regimen("warfarin", 5, "mg")])
    got = rules(ctx, {"item": "curcumin"}, {"item": "omega-3"})
    assert ("SAF-BLEED-STACK", "major") in got
    assert ("SAF-BLEED-STACK", "major") not in rules(ctx, {"item": "curcumin"})


def test_d4_coq10_warfarin_and_omega3_dose() -> None:
    assert ("SAF-COQ10-WARF", "major") in rules(
        context(meds=[regimen("warfarin", 5, "mg")]), {"item": "coq10"}
    )
    assert ("SAF-COQ10-WARF", "major") not in rules(
        context(meds=[regimen("apixaban", 5, "mg")]), {"item": "coq10"}
    )
    assert ("SAF-OMEGA3-DOSE", "caution") in rules(
        context(), {"item": "fish oil", "dose": 6000, "unit": "mg"}
    )


@pytest.mark.parametrize("condition", ["gallstones", "biliary_obstruction", "liver_disease"])
def test_d4_curcumin_liver(condition: str) -> None:
    assert ("SAF-CURC-LIVER", "major") in rules(
        context(conditions=[condition]), {"item": "turmeric"}
    )


# -- D.4 naltrexone, duloxetine, pregabalin ----------------------------------------------------


@pytest.mark.parametrize("opioid", ["tramadol", "codeine", "buprenorphine", "oxycodone"])
def test_d4_ldn_opioid_contraindicated(opioid: str) -> None:
    assert ("SAF-LDN-OPIOID", "contraindicated") in rules(
        context(meds=[regimen(opioid, 10, "mg")]), {"item": "ldn"}
    )
    # and the other way round: an opioid proposed to someone taking naltrexone
    assert ("SAF-LDN-OPIOID", "contraindicated") in rules(
        context(meds=[regimen("naltrexone", 4.5, "mg")]), {"item": opioid}
    )


def test_d4_duloxetine_maoi_current_or_within_14_days() -> None:
    assert ("SAF-DLX-MAOI", "contraindicated") in rules(
        context(meds=[regimen("phenelzine", 15, "mg")]), {"item": "duloxetine"}
    )
    recent = regimen("phenelzine", 15, "mg", stop=days_ago(10))
    assert ("SAF-DLX-MAOI", "contraindicated") in rules(
        context(meds=[recent]), {"item": "duloxetine"}
    )
    old = regimen("phenelzine", 15, "mg", stop=days_ago(20))
    assert ("SAF-DLX-MAOI", "contraindicated") not in rules(
        context(meds=[old]), {"item": "duloxetine"}
    )


@pytest.mark.parametrize(
    "other",
    [
        "tramadol",
        "sertraline",
        "amitriptyline",
        "sumatriptan",
        "fentanyl",
        "lithium",
        "buspirone",
        "tryptophan",
        "dexamfetamine",
        "st johns wort",
    ],
)
def test_d4_duloxetine_serotonergic(other: str) -> None:
    assert ("SAF-DLX-SERO", "major") in rules(
        context(meds=[regimen("duloxetine", 60, "mg")]), {"item": other}
    )


@pytest.mark.parametrize("other", ["ibuprofen", "aspirin", "warfarin"])
def test_d4_duloxetine_bleeding(other: str) -> None:
    assert ("SAF-DLX-BLEED", "caution") in rules(
        context(meds=[regimen(other, 100, "mg")]), {"item": "duloxetine"}
    )


@pytest.mark.parametrize("condition", ["liver_disease", "alcohol_use_disorder"])
def test_d4_duloxetine_liver(condition: str) -> None:
    assert ("SAF-DLX-LIVER", "major") in rules(
        context(conditions=[condition]), {"item": "duloxetine"}
    )


@pytest.mark.parametrize(
    "kw",
    [
        {"meds": [regimen("oxycodone", 5, "mg")]},
        {"meds": [regimen("diazepam", 5, "mg")]},
        {"meds": [regimen("zolpidem", 10, "mg")]},
        {"conditions": ["copd"]},
        {"birth_year": 1955},
    ],
)
def test_d4_pregabalin_cns(kw) -> None:  # type: ignore[no-untyped-def]
    assert ("SAF-PGB-CNS", "major") in rules(context(**kw), {"item": "pregabalin"})


def test_d4_pregabalin_no_warning_without_a_trigger() -> None:
    assert ("SAF-PGB-CNS", "major") not in rules(context(birth_year=1980), {"item": "pregabalin"})


@pytest.mark.parametrize(
    "kw",
    [
        {"meds": [regimen("methotrexate", 15, "mg")]},
        {"meds": [regimen("tacrolimus", 2, "mg")]},
        {"conditions": ["organ_transplant"]},
        {"conditions": ["neutropenia"]},
        {"conditions": ["central_venous_catheter"]},
        {"conditions": ["immunosuppression"]},
    ],
)
def test_d4_probiotic_immuno(kw) -> None:  # type: ignore[no-untyped-def]
    assert ("SAF-PROBIOTIC-IMMUNO", "major") in rules(context(**kw), {"item": "probiotics"})


# -- D.4 NSAIDs, DMARDs, IL-6 inhibitors ----------------------------------------------------------


def test_d4_nsaids() -> None:
    assert ("SAF-NSAID-FM", "info") in rules(context(), {"item": "nsaids"})
    assert ("SAF-NSAID-CKD", "major") in rules(
        context(conditions=["chronic_kidney_disease"]), {"item": "naproxen"}
    )
    assert ("SAF-NSAID-BLEED", "major") in rules(
        context(meds=[regimen("rivaroxaban", 20, "mg")]), {"item": "ibuprofen"}
    )


def test_d4_tocilizumab_and_dmards() -> None:
    assert ("SAF-TCZ", "contraindicated") in rules(context(), {"item": "tocilizumab"})
    assert ("SAF-DMARD", "contraindicated") in rules(context(), {"item": "methotrexate"})
    assert ("SAF-DMARD", "contraindicated") not in rules(
        context(conditions=["rheumatoid_arthritis"]), {"item": "methotrexate"}
    )


def test_d50_medicine_pairs_are_the_prescribers_remit_except_maoi() -> None:
    # clinical-rules.md D.5.0 item 2b: between two recorded medicines only SAF-MAOI-SERO and
    # SAF-MAOI-WASHOUT are evaluated (profile-level); other pairs are the prescriber's remit
    ctx = context(meds=[regimen("duloxetine", 60, "mg"), regimen("tramadol", 50, "mg")])
    assert check_plan(ctx, [], V) == []
    ctx = context(meds=[regimen("phenelzine", 45, "mg"), regimen("tramadol", 50, "mg")])
    assert {(w.rule, w.severity) for w in check_plan(ctx, [], V)} == {
        ("SAF-MAOI-SERO", "contraindicated")
    }


def test_typed_in_items_are_checked_against_the_vocabulary() -> None:
    with pytest.raises(InvalidInput) as info:
        items({"item": "magnesum"})
    assert info.value.field == "items[0].item"
    # a unit that does not fit is data for SAF-DOSE-UNITS (D.5.3), info for an item without a
    # ceiling or upper limit
    assert ("SAF-DOSE-UNITS", "info") in rules(
        context(), {"item": "probiotic", "dose": 200, "unit": "mg"}
    )
    with pytest.raises(InvalidInput, match="plan-item field"):
        items({"item": "magnesium", "amount": 3})


def test_every_catalogue_rule_is_exercised_by_this_file() -> None:
    import pathlib

    here = pathlib.Path(__file__).parent  # D.5 rules are tested in their own files
    files = [*here.glob("test_safety*.py"), *here.glob("test_lab_defaults.py")]
    text = "".join(f.read_text() for f in files)
    missing = [r for r in V.safety_rules if r not in text]
    assert missing == []
