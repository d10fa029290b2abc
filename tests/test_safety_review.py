"""Independent review of issue 11 (safety beyond the catalogue), written from the text of
../shared/clinical-rules.md D.4, D.5 and E.1 as a user drives the library, the CLI and the web.

Each case quotes the spec line it checks. Boundaries are taken one step either side of the
number in the text. The plan day is ON = 2025-06-01 (tests/plan_helpers.py); lab results are
dated 2025-05-01; age = plan year - birth year - 1 (before 1 July), so birth year 1960 is 64 and
1959 is 65 on the plan day.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from flarewise import Profile
from flarewise.errors import InvalidInput
from flarewise.instruments import fiqr
from flarewise.instruments.wpi import psd_bands
from flarewise.labs import red_flags
from flarewise.labs.convert import convert
from flarewise.plan import PlanContext, build_plan, check_safety

from .conftest import cli_against
from .plan_helpers import V, context, days_ago, items, lab, regimen
from .webkit import app_on, post, signed_up

EGFR = "62238-1"
EGFR_UNIT = "mL/min/{1.73_m2}"
CALCIUM = "17861-6"
CALCIUM_MOLAR = "2000-8"
POPULATION = ("SAF-PREG-ITEM", "SAF-PREG-UNKNOWN", "SAF-PREG-UL", "SAF-LACT-ITEM", "SAF-LACT-UL")


def person(**kw: Any) -> PlanContext:
    """A context with profile fields (pregnant, breastfeeding, ...) set on top of ``context``."""
    base_kw = {k: kw.pop(k) for k in ("meds", "conditions", "labs", "birth_year", "sex") if k in kw}
    base = context(**base_kw)
    return replace(base, profile=Profile(**{**base.profile.model_dump(), **kw}))


def found(
    ctx: PlanContext, *raw: dict[str, Any], skip: tuple[str, ...] = ()
) -> set[tuple[str, str]]:
    """(rule, severity) of every warning, leaving out the rule ids in ``skip``."""
    check = check_safety(ctx, items(*raw), V)
    return {(w.rule, w.severity) for w in check.warnings if w.rule not in skip}


def interaction(ctx: PlanContext, *raw: dict[str, Any]) -> set[tuple[str, str]]:
    """Warnings without the population family (which every medicine item gets when pregnancy is
    not recorded) and without SAF-NSAID-FM (the evidence note every NSAID gets)."""
    return found(ctx, *raw, skip=(*POPULATION, "SAF-NSAID-FM"))


# -- the issue's own scenarios ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("med", "item", "expected"),
    [
        # D.5.3 SAF-MAOI-SERO: "contraindicated if the partner is SERO-S1 (incl. tramadol, ...
        # TCAs ...)"
        ("phenelzine", "milnacipran", ("SAF-MAOI-SERO", "contraindicated")),
        ("phenelzine", "amitriptyline", ("SAF-MAOI-SERO", "contraindicated")),
        ("phenelzine", "tramadol", ("SAF-MAOI-SERO", "contraindicated")),
        # SAF-SERO-PAIR: "major if both are S1; caution if either is S2"
        ("sertraline", "tramadol", ("SAF-SERO-PAIR", "major")),
        ("sertraline", "st johns wort", ("SAF-SERO-PAIR", "major")),
        ("sertraline", "5-htp", ("SAF-SERO-PAIR", "major")),
        ("venlafaxine", "st johns wort", ("SAF-SERO-PAIR", "major")),
        ("venlafaxine", "sam-e", ("SAF-SERO-PAIR", "caution")),
        # SAF-TCA-TRAMADOL-SEIZURE: "major (absorbs SAF-SERO-PAIR and SAF-CNS-DEPRESS for this
        # pair)"
        ("amitriptyline", "tramadol", ("SAF-TCA-TRAMADOL-SEIZURE", "major")),
        # SAF-GABA-OPIOID: "GABA member AND OPIOID member | major"
        ("oxycodone", "gabapentin", ("SAF-GABA-OPIOID", "major")),
        # D.5.0 item 6: "SAF-COQ10-WARF = CoQ10 + any VKA (warfarin, acenocoumarol, ...)"
        ("acenocoumarol", "coq10", ("SAF-COQ10-WARF", "major")),
    ],
)
def test_issue_scenarios_each_give_one_warning(
    med: str, item: str, expected: tuple[str, str]
) -> None:
    assert interaction(context(meds=[regimen(med, 10, "mg")]), {"item": item}) == {expected}


def test_tca_tramadol_absorbs_the_serotonin_and_sedation_hazards_of_its_pair() -> None:
    # D.5.0 P2: "The kept warning's text names the hazards it absorbed"
    check = check_safety(
        context(meds=[regimen("amitriptyline", 25, "mg")]), items({"item": "tramadol"}), V
    )
    [w] = [w for w in check.warnings if w.rule == "SAF-TCA-TRAMADOL-SEIZURE"]
    assert set(w.absorbed) == {"SAF-SERO-PAIR", "SAF-CNS-DEPRESS"}
    assert "Also covers" in w.message


@pytest.mark.parametrize(("stopped", "fires"), [(3, True), (4, True), (5, False)])
def test_d54_duloxetine_stopped_then_mao_inhibitor_needs_5_days(stopped: int, fires: bool) -> None:
    # D.5.4 B: "duloxetine, milnacipran | 5"; D.5.0 item 3: "gap = required days does not fire"
    ctx = context(meds=[regimen("duloxetine", 60, "mg", stop=days_ago(stopped))])
    got = interaction(ctx, {"item": "phenelzine"})
    assert (("SAF-MAOI-WASHOUT", "contraindicated") in got) is fires


def test_gabapentin_with_lorazepam_and_copd_is_one_warning_listing_both() -> None:
    # D.5.0 P1: "Multi-partner rules (SAF-PGB-CNS, SAF-GABA-CNS, SAF-CNS-DEPRESS) yield one
    # warning per (rule, plan item) listing all partners"
    ctx = context(meds=[regimen("lorazepam", 1, "mg")], conditions=["copd"])
    [w] = [
        w
        for w in check_safety(ctx, items({"item": "gabapentin"}), V).warnings
        if w.rule == "SAF-GABA-CNS"
    ]
    assert w.severity == "major" and set(w.partners) == {"lorazepam", "copd"}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # SAF-BLEED-DISORDER: "NSAID major; BLEED-SUPP and SRI caution"
        ("omega-3", ("SAF-BLEED-DISORDER", "caution")),
        ("duloxetine", ("SAF-BLEED-DISORDER", "caution")),
        ("ibuprofen", ("SAF-BLEED-DISORDER", "major")),
        # "aspirin > 325 mg/day" is an NSAID; unknown dose: treated as one (safer reading)
        ("aspirin", ("SAF-BLEED-DISORDER", "major")),
    ],
)
@pytest.mark.parametrize("condition", ["haemophilia", "von_willebrand_disease", "thrombocytopenia"])
def test_bleeding_disorders(item: str, expected: tuple[str, str], condition: str) -> None:
    assert expected in interaction(context(conditions=[condition]), {"item": item})


@pytest.mark.parametrize(
    "condition", ["opioid_use_disorder", "opioid_dependence", "opioid_withdrawal"]
)
def test_naltrexone_with_opioid_dependence_is_contraindicated(condition: str) -> None:
    # SAF-LDN-OPIOID-DEP: "naltrexone (any dose) AND condition opioid_use_disorder / ..."
    assert interaction(context(conditions=[condition]), {"item": "ldn"}) == {
        ("SAF-LDN-OPIOID-DEP", "contraindicated")
    }


def test_ldn_opioid_supersedes_ldn_opioid_dep() -> None:
    # D.5.0 P4: "SAF-LDN-OPIOID supersedes SAF-LDN-OPIOID-DEP"
    ctx = context(meds=[regimen("tramadol", 100, "mg")], conditions=["opioid_dependence"])
    assert interaction(ctx, {"item": "ldn"}) == {("SAF-LDN-OPIOID", "contraindicated")}


# -- D.5.1: class membership, spot-checked through a rule per class ---------------------------


@pytest.mark.parametrize(
    "partner",
    ["citalopram", "vilazodone", "vortioxetine", "levomilnacipran", "cyclobenzaprine",
     "tapentadol", "meperidine", "methadone", "fentanyl", "dextromethorphan", "frovatriptan",
     "lithium", "buspirone", "lisdexamfetamine", "methamphetamine", "trazodone", "mirtazapine",
     "tryptophan", "protriptyline", "trimipramine"],
)  # fmt: skip
def test_d51_sero_s1_members_with_an_maoi_are_contraindicated(partner: str) -> None:
    # SAF-MAOI-SERO: "contraindicated if the partner is SERO-S1"
    ctx = context(meds=[regimen("tranylcypromine", 20, "mg")])
    assert ("SAF-MAOI-SERO", "contraindicated") in interaction(ctx, {"item": partner})


@pytest.mark.parametrize(
    "maoi",
    ["phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "rasagiline", "safinamide",
     "moclobemide", "procarbazine", "linezolid", "methylene_blue"],
)  # fmt: skip
def test_d51_every_maoi_member(maoi: str) -> None:
    assert ("SAF-MAOI-SERO", "contraindicated") in interaction(
        context(meds=[regimen(maoi, 10, "mg")]), {"item": "sertraline"}
    )


@pytest.mark.parametrize(
    ("partner", "severity"),
    # "major if the partner is SERO-S2 or a non-serotonergic opioid"
    [("sam-e", "major"), ("rhodiola", "major"), ("oxycodone", "major"), ("codeine", "major"),
     ("buprenorphine", "major"), ("morphine", "major"), ("tramadol", "contraindicated")],
)  # fmt: skip
def test_d53_maoi_severity_by_partner(partner: str, severity: str) -> None:
    ctx = context(meds=[regimen("phenelzine", 45, "mg")])
    assert ("SAF-MAOI-SERO", severity) in interaction(ctx, {"item": partner})


@pytest.mark.parametrize(
    "drug",
    ["alprazolam", "clobazam", "midazolam", "zolpidem", "zaleplon", "carisoprodol", "tizanidine",
     "baclofen", "butalbital", "hydroxyzine", "doxylamine", "sodium_oxybate", "quetiapine"],
)  # fmt: skip
def test_d51_bzd_z_and_cns_dep_members_with_an_opioid(drug: str) -> None:
    # SAF-CNS-DEPRESS (a) OPIOID + BZD-Z, (b) OPIOID + CNS-DEP: major
    assert ("SAF-CNS-DEPRESS", "major") in interaction(
        context(meds=[regimen(drug, 1, "mg")]), {"item": "tramadol"}
    )


@pytest.mark.parametrize("drug", ["sertraline", "venlafaxine"])
def test_d51_ssris_and_snris_are_not_cns_depressants(drug: str) -> None:
    # D.5.1 CNS-DEP: "SSRIs/SNRIs are not in CNS-DEP (design choice: not sedating as a class)"
    got = interaction(context(meds=[regimen(drug, 50, "mg")]), {"item": "lorazepam"})
    assert not {r for r, _ in got} & {"SAF-CNS-DEPRESS"}


@pytest.mark.parametrize(
    "drug",
    [
        "apixaban",
        "rivaroxaban",
        "edoxaban",
        "dabigatran",
        "enoxaparin",
        "fondaparinux",
        "phenprocoumon",
    ],
)
def test_d51_anticoagulants_with_bleed_supplements(drug: str) -> None:
    # D.4 SAF-BLEED: "AND anticoagulant (VKA, DOAC, heparins) -> major"
    assert ("SAF-BLEED", "major") in interaction(
        context(meds=[regimen(drug, 5, "mg")]), {"item": "ginger"}
    )


@pytest.mark.parametrize(
    "drug", ["clopidogrel", "prasugrel", "ticagrelor", "dipyridamole", "cilostazol"]
)
def test_d51_antiplatelets_with_bleed_supplements(drug: str) -> None:
    # D.4 SAF-BLEED: "AND antiplatelet -> caution"
    assert ("SAF-BLEED", "caution") in interaction(
        context(meds=[regimen(drug, 75, "mg")]), {"item": "resveratrol"}
    )


@pytest.mark.parametrize("drug", ["warfarin", "apixaban", "tacrolimus", "digoxin", "irinotecan"])
def test_d51_cyp_induced_partners_of_st_johns_wort(drug: str) -> None:
    # SAF-SJW-INDUCER: "plan item St John's wort AND a CYP-INDUCED partner (D.5.1) | major"
    assert ("SAF-SJW-INDUCER", "major") in interaction(
        context(meds=[regimen(drug, 1, "mg")]), {"item": "st johns wort"}
    )


@pytest.mark.parametrize(("aspirin", "is_nsaid"), [(325, False), (326, True)])
def test_d51_aspirin_is_an_nsaid_only_above_325_mg(aspirin: float, is_nsaid: bool) -> None:
    # D.5.1 NSAID: "aspirin > 325 mg/day (design choice)"
    got = interaction(
        context(conditions=["chronic_kidney_disease"]),
        {"item": "aspirin", "dose": aspirin, "unit": "mg"},
    )
    assert (("SAF-NSAID-CKD", "major") in got) is is_nsaid


# -- D.5.0 item 2 and 3: what is compared, days ------------------------------------------------


def test_d50_profile_level_maoi_names_the_later_started_medicine() -> None:
    # D.5.3 SAF-MAOI-SERO: "also profile-level for two current medications (subject = the
    # later-started one)"
    ctx = context(
        meds=[
            regimen("phenelzine", 45, "mg", start=days_ago(100)),
            regimen("sertraline", 50, "mg", start=days_ago(10)),
        ]
    )
    [w] = check_safety(ctx, [], V).warnings
    assert (w.rule, w.severity, w.subject) == ("SAF-MAOI-SERO", "contraindicated", "sertraline")


@pytest.mark.parametrize(("started", "fires"), [(7, True), (6, False)])
def test_d50_washout_gap_is_counted_to_the_later_drugs_start(started: int, fires: bool) -> None:
    # D.5.0 item 3: "gap = start day of the later drug - stop day of the earlier drug"; the MAOI
    # stopped 20 days ago, sertraline started 7 days ago: gap 13 < 14 fires; started 6: gap 14
    ctx = context(
        meds=[
            regimen("phenelzine", 45, "mg", start=days_ago(200), stop=days_ago(20)),
            regimen("sertraline", 50, "mg", start=days_ago(started)),
        ]
    )
    got = {(w.rule, w.severity) for w in check_safety(ctx, [], V).warnings}
    assert (("SAF-MAOI-WASHOUT", "contraindicated") in got) is fires


@pytest.mark.parametrize(
    ("stopped_drug", "days"),
    # D.5.4 B: fluoxetine 35, venlafaxine/desvenlafaxine/levomilnacipran 7, duloxetine/milnacipran
    # 5, vortioxetine/clomipramine/imipramine 21, every other SERO-S1/S2 member 14
    [("fluoxetine", 35), ("venlafaxine", 7), ("desvenlafaxine", 7), ("levomilnacipran", 7),
     ("milnacipran", 5), ("vortioxetine", 21), ("clomipramine", 21), ("imipramine", 21),
     ("sertraline", 14), ("tramadol", 14), ("st_johns_wort", 14), ("sam_e", 14)],
)  # fmt: skip
def test_d54_column_b_at_and_one_day_under_the_gap(stopped_drug: str, days: int) -> None:
    def fires(gap: int) -> bool:
        ctx = context(meds=[regimen(stopped_drug, 10, "mg", stop=days_ago(gap))])
        return any(r == "SAF-MAOI-WASHOUT" for r, _ in interaction(ctx, {"item": "phenelzine"}))

    assert fires(days - 1) and not fires(days)


@pytest.mark.parametrize("maoi", ["phenelzine", "linezolid", "methylene_blue", "moclobemide"])
@pytest.mark.parametrize("partner", ["tramadol", "fluoxetine", "oxycodone"])
def test_d54_column_a_14_days_for_every_maoi(maoi: str, partner: str) -> None:
    # D.5.4 A: "14 days for every MAOI (... also to linezolid, IV methylene blue and moclobemide)"
    def fires(gap: int) -> bool:
        ctx = context(meds=[regimen(maoi, 10, "mg", stop=days_ago(gap))])
        return any(r == "SAF-MAOI-WASHOUT" for r, _ in interaction(ctx, {"item": partner}))

    assert fires(13) and not fires(14)


@pytest.mark.parametrize(("stopped", "fires"), [(34, True), (35, False)])
def test_d53_sero_pair_residual_presence_of_fluoxetine(stopped: int, fires: bool) -> None:
    # SAF-SERO-PAIR: "stopped less than its D.5.4 column-B washout ago (residual presence,
    # e.g. fluoxetine for 35 d)"
    ctx = context(meds=[regimen("fluoxetine", 20, "mg", stop=days_ago(stopped))])
    assert (("SAF-SERO-PAIR", "major") in interaction(ctx, {"item": "tramadol"})) is fires


def test_d50_other_medicine_pairs_are_the_prescribers_remit() -> None:
    # D.5.0 item 2b: "Other medication-medication pairs are not evaluated"
    ctx = context(meds=[regimen("naltrexone", 4.5, "mg"), regimen("oxycodone", 10, "mg")])
    assert check_safety(ctx, [], V).warnings == ()


# -- D.5.0 P1-P4 -------------------------------------------------------------------------------


def test_p1_multi_partner_keeps_the_highest_branch() -> None:
    # P1: "if a rule id fires on the same plan item through several branches, keep one warning
    # at the highest severity": (a) lorazepam major + (d)-like partners
    ctx = context(
        meds=[regimen("lorazepam", 1, "mg"), regimen("diphenhydramine", 50, "mg")],
        conditions=["alcohol_use_disorder"],
    )
    ws = [
        w
        for w in check_safety(ctx, items({"item": "tramadol"}), V).warnings
        if w.rule == "SAF-CNS-DEPRESS"
    ]
    assert len(ws) == 1 and ws[0].severity == "major"
    assert set(ws[0].partners) == {"lorazepam", "diphenhydramine", "alcohol_use_disorder"}


def test_p2_higher_rank_wins_on_equal_severity() -> None:
    # P2: rank 3 SAF-DLX-SERO beats rank 1 SAF-SERO-PAIR on the duloxetine-tramadol pair
    ctx = context(meds=[regimen("tramadol", 100, "mg")])
    assert interaction(ctx, {"item": "duloxetine"}) == {("SAF-DLX-SERO", "major")}


def test_p2_sero_s2_partner_of_duloxetine_gets_sero_pair_caution() -> None:
    # D.5.0 item 6: "SERO-S2 partners get SAF-SERO-PAIR caution"
    ctx = context(meds=[regimen("sam_e", 400, "mg")])
    assert interaction(ctx, {"item": "duloxetine"}) == {("SAF-SERO-PAIR", "caution")}


def test_p2_equal_severity_and_rank_are_both_kept() -> None:
    # P2: "Equal severity and equal rank: both are kept (different hazards, e.g. serotonin
    # toxicity and sedation)": age 65, amitriptyline with sertraline and lamotrigine
    ctx = context(
        birth_year=1959, meds=[regimen("sertraline", 50, "mg"), regimen("lamotrigine", 100, "mg")]
    )
    assert interaction(ctx, {"item": "amitriptyline"}) == {
        ("SAF-SERO-PAIR", "major"),
        ("SAF-CNS-DEPRESS", "major"),
    }


def test_p2_multi_partner_stays_when_one_partner_is_not_covered() -> None:
    # P2: "A multi-partner warning is dropped only if every partner it lists is covered": the
    # tramadol-amitriptyline pair is covered by SAF-TCA-TRAMADOL-SEIZURE, lorazepam is not
    ctx = context(meds=[regimen("amitriptyline", 25, "mg"), regimen("lorazepam", 1, "mg")])
    assert interaction(ctx, {"item": "tramadol"}) == {
        ("SAF-TCA-TRAMADOL-SEIZURE", "major"),
        ("SAF-CNS-DEPRESS", "major"),
    }


def test_p2_pregabalin_rule_wins_over_the_gabapentinoid_rules() -> None:
    # SAF-GABA-OPIOID "(pregabalin -> SAF-PGB-CNS wins, rank 3)"
    ctx = context(meds=[regimen("oxycodone", 10, "mg")])
    assert interaction(ctx, {"item": "pregabalin"}) == {("SAF-PGB-CNS", "major")}


def test_p3_one_dose_warning_per_item_in_order() -> None:
    # P3: "SAF-DOSE-INVALID > SAF-DOSE-UNITS > SAF-DOSE-IMPLAUSIBLE > SAF-PREG-UL > SAF-LACT-UL >
    # SAF-VITD-UL"
    pregnant = person(pregnant=True, breastfeeding=True)
    assert found(pregnant, {"item": "vitamin d", "dose": 20000, "unit": "IU"}) == {
        ("SAF-DOSE-IMPLAUSIBLE", "contraindicated")
    }
    assert found(pregnant, {"item": "vitamin d", "dose": 5000, "unit": "IU"}) == {
        ("SAF-PREG-UL", "major")
    }
    assert found(
        person(breastfeeding=True, pregnant=False),
        {"item": "vitamin d", "dose": 5000, "unit": "IU"},
    ) == {("SAF-LACT-UL", "major")}


def test_p4_dlx_maoi_supersedes_the_maoi_rules() -> None:
    # P4: "SAF-DLX-MAOI supersedes SAF-MAOI-SERO/SAF-MAOI-WASHOUT for duloxetine"
    now = context(meds=[regimen("phenelzine", 45, "mg")])
    assert interaction(now, {"item": "duloxetine"}) == {("SAF-DLX-MAOI", "contraindicated")}
    stopped = context(meds=[regimen("phenelzine", 45, "mg", stop=days_ago(13))])
    assert interaction(stopped, {"item": "duloxetine"}) == {("SAF-DLX-MAOI", "contraindicated")}
    assert (
        interaction(
            context(meds=[regimen("phenelzine", 45, "mg", stop=days_ago(14))]),
            {"item": "duloxetine"},
        )
        == set()
    )


def test_p4_nsaid_ckd_supersedes_the_egfr_rule() -> None:
    ctx = context(conditions=["chronic_kidney_disease"], labs=[lab(EGFR, 25, EGFR_UNIT)])
    assert interaction(ctx, {"item": "ibuprofen"}) == {("SAF-NSAID-CKD", "major")}


# -- kidney and age boundaries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("egfr", "nsaid", "gabapentinoid", "duloxetine", "magnesium"),
    # SAF-NSAID-RENAL-EGFR "< 30 -> major; 30 <= eGFR < 60 -> caution"; SAF-RENAL-DOSE gabapentinoid
    # "eGFR < 60 -> caution", duloxetine "eGFR < 30 -> major"; SAF-MG-RENAL "eGFR < 60" major
    [(29, "major", "caution", "major", "major"), (30, "caution", "caution", None, "major"),
     (59, "caution", "caution", None, "major"), (60, None, None, None, None)],
)  # fmt: skip
def test_egfr_boundaries(
    egfr: float,
    nsaid: str | None,
    gabapentinoid: str | None,
    duloxetine: str | None,
    magnesium: str | None,
) -> None:
    ctx = context(labs=[lab(EGFR, egfr, EGFR_UNIT)])

    def sev(rule: str, item: dict[str, Any]) -> str | None:
        got = [s for r, s in interaction(ctx, item) if r == rule]
        return got[0] if got else None

    assert sev("SAF-NSAID-RENAL-EGFR", {"item": "ibuprofen"}) == nsaid
    assert sev("SAF-RENAL-DOSE", {"item": "gabapentin"}) == gabapentinoid
    assert sev("SAF-RENAL-DOSE", {"item": "pregabalin"}) == gabapentinoid
    assert sev("SAF-RENAL-DOSE", {"item": "duloxetine"}) == duloxetine
    assert sev("SAF-MG-RENAL", {"item": "magnesium", "dose": 200, "unit": "mg"}) == magnesium


@pytest.mark.parametrize(("birth_year", "fires"), [(1960, False), (1959, True)])
def test_age_64_and_65(birth_year: int, fires: bool) -> None:
    # SAF-PGB-CNS / SAF-GABA-CNS "age >= 65"; SAF-CNS-DEPRESS (c) "age >= 65 ... >= 3 distinct
    # CNS-ACTIVE substances"
    ctx = context(birth_year=birth_year)
    assert (("SAF-PGB-CNS", "major") in interaction(ctx, {"item": "pregabalin"})) is fires
    assert (("SAF-GABA-CNS", "major") in interaction(ctx, {"item": "gabapentin"})) is fires
    three = context(
        birth_year=birth_year, meds=[regimen("zolpidem", 5, "mg"), regimen("lamotrigine", 50, "mg")]
    )
    assert (("SAF-CNS-DEPRESS", "major") in interaction(three, {"item": "sertraline"})) is fires


def test_cns_depress_c_is_not_evaluated_on_a_gabapentinoid_item() -> None:
    # (c) "not evaluated on a gabapentinoid plan item"
    three = context(
        birth_year=1950, meds=[regimen("sertraline", 50, "mg"), regimen("lamotrigine", 50, "mg")]
    )
    assert "SAF-CNS-DEPRESS" not in {r for r, _ in interaction(three, {"item": "gabapentin"})}


# -- D.5.5 pregnancy and lactation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "pregnancy", "lactation"),
    [("nad", "major", "major"), ("curcumin", "major", "major"), ("omega-3", None, None),
     ("magnesium", None, None), ("coq10", "major", "major"), ("probiotic", None, None),
     ("5-htp", "major", "major"), ("ldn", "major", "caution"), ("duloxetine", "major", "caution"),
     ("milnacipran", "major", "caution"), ("amitriptyline", "major", "caution"),
     ("pregabalin", "major", "contraindicated"), ("gabapentin", "major", "caution"),
     ("cyclobenzaprine", "major", "major"), ("tramadol", "major", "contraindicated"),
     ("ibuprofen", "contraindicated", None), ("naproxen", "contraindicated", None),
     # "Supplements and medicines not listed here get major in both states"
     ("melatonin", "major", "major"), ("sertraline", "major", "major")],
)  # fmt: skip
def test_d55_table_rows(item: str, pregnancy: str | None, lactation: str | None) -> None:
    def sev(rule: str, **status: bool) -> str | None:
        got = [s for r, s in found(person(**status), {"item": item}) if r == rule]
        return got[0] if got else None

    assert sev("SAF-PREG-ITEM", pregnant=True, breastfeeding=False) == pregnancy
    assert sev("SAF-LACT-ITEM", pregnant=False, breastfeeding=True) == lactation
    # "pregnant = false or breastfeeding = false -> no warning of that family"
    assert sev("SAF-PREG-ITEM", pregnant=False, breastfeeding=False) is None
    assert sev("SAF-LACT-ITEM", pregnant=False, breastfeeding=False) is None


@pytest.mark.parametrize(
    ("dose", "severity"), [(1050, "caution"), (1051, "major"), (None, "major")]
)
def test_d55_ginger_in_pregnancy(dose: float | None, severity: str) -> None:
    # "ginger | caution (<= 1050 mg/day); major above"; unknown dose: the safer reading (major)
    raw: dict[str, Any] = {"item": "ginger"} | ({"dose": dose, "unit": "mg"} if dose else {})
    assert ("SAF-PREG-ITEM", severity) in found(person(pregnant=True), raw)


def test_d55_exercise_gets_no_population_warning() -> None:
    # "exercise, diet, sleep and mind-body items get none"
    assert found(person(pregnant=True, breastfeeding=True), {"item": "aerobic exercise"}) == set()


@pytest.mark.parametrize(
    ("sex", "birth_year", "fires"),
    # SAF-PREG-UNKNOWN: "sex F or unknown AND age 12-55 or unknown"
    [("female", 2013, False), ("female", 2012, True), ("female", 1969, True),
     ("female", 1968, False), ("male", 1990, False), (None, 1990, True), ("female", None, True),
     ("unspecified", 1990, True)],
)  # fmt: skip
def test_d53_pregnancy_unknown_bounds(sex: str | None, birth_year: int | None, fires: bool) -> None:
    got = found(person(sex=sex, birth_year=birth_year), {"item": "pregabalin"})
    assert (("SAF-PREG-UNKNOWN", "info") in got) is fires


def test_d53_pregnancy_unknown_only_for_items_major_or_worse() -> None:
    # "a plan item whose pregnancy severity is >= major"
    assert found(person(), {"item": "magnesium", "dose": 100, "unit": "mg"}) == set()


@pytest.mark.parametrize(
    ("item", "status", "rule"),
    # SAF-PREG-UL / SAF-LACT-UL "(vitamin D > 4000 IU/day; supplemental Mg > 350 mg/day)"
    [({"item": "magnesium", "dose": 351, "unit": "mg"}, "pregnant", "SAF-PREG-UL"),
     ({"item": "magnesium", "dose": 351, "unit": "mg"}, "breastfeeding", "SAF-LACT-UL"),
     ({"item": "vitamin d", "dose": 4001, "unit": "IU"}, "pregnant", "SAF-PREG-UL")],
)  # fmt: skip
def test_d53_population_upper_limits(item: dict[str, Any], status: str, rule: str) -> None:
    assert found(person(**{status: True}), item) == {(rule, "major")}
    at_limit = {**item, "dose": item["dose"] - 1}
    assert found(person(**{status: True}), at_limit) == set()


# -- D.5.6 doses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("dose", [math.nan, math.inf, -math.inf, "abc", 0, -5, "nan"])
def test_d56_invalid_doses_are_withheld(dose: object) -> None:
    # SAF-DOSE-INVALID: "NaN, +-Infinity, non-numeric text ... or is <= 0 | contraindicated"
    got = found(
        person(pregnant=False, breastfeeding=False),
        {"item": "vitamin d", "dose": dose, "unit": "IU"},
    )
    assert got == {("SAF-DOSE-INVALID", "contraindicated")}


@pytest.mark.parametrize("strength", [math.nan, math.inf, 0, -120, "x"])
def test_d56_invalid_strength_is_withheld(strength: object) -> None:
    # SAF-DOSE-INVALID: "a dose (or a per-unit strength) is present but is not a finite number"
    raw = {
        "item": "magnesium",
        "dose": 2,
        "unit": "capsule",
        "strength": {"amount": strength, "unit": "mg"},
    }
    assert ("SAF-DOSE-INVALID", "contraindicated") in found(person(pregnant=False), raw)


def test_d56_nan_next_to_a_real_dose_does_not_hide_the_sum() -> None:
    # D.5.6: "A dose present but NaN ... is never compared with a limit"; the other keeps its
    # upper-limit warning, reported as a lower bound
    check = check_safety(
        person(pregnant=False, breastfeeding=False),
        items(
            {"item": "vitamin d", "dose": math.nan, "unit": "IU"},
            {"item": "vitamin d", "dose": 5000, "unit": "IU"},
        ),
        V,
    )
    rules = {(w.rule, w.severity) for w in check.warnings}
    assert rules == {("SAF-DOSE-INVALID", "contraindicated"), ("SAF-VITD-UL", "caution")}
    [ul] = [w for w in check.warnings if w.rule == "SAF-VITD-UL"]
    assert "at least 5000" in ul.message


@pytest.mark.parametrize(
    ("raw", "severity"),
    # SAF-DOSE-UNITS: "major for dose-checked items ...; info otherwise (e.g. probiotic capsules)"
    [({"item": "magnesium", "dose": 2, "unit": "tablet"}, "major"),
     ({"item": "vitamin d", "dose": 3, "unit": "capsule"}, "major"),
     ({"item": "magnesium", "dose": 400, "unit": "IU"}, "major"),
     ({"item": "vitamin d", "dose": 400, "unit": "CFU"}, "major"),
     ({"item": "probiotic", "dose": 2, "unit": "capsule"}, "info")],
)  # fmt: skip
def test_d56_unconvertible_doses(raw: dict[str, Any], severity: str) -> None:
    assert found(person(pregnant=False, breastfeeding=False), raw) == {("SAF-DOSE-UNITS", severity)}


IMPLAUSIBLE = ("SAF-DOSE-IMPLAUSIBLE", "contraindicated")


def dose(
    item: str, amount: float, unit: str, strength: float | None = None, per: str = ""
) -> dict[str, Any]:
    """A plan-check item; with ``strength`` the amount ``per`` product unit."""
    raw: dict[str, Any] = {"item": item, "dose": amount, "unit": unit}
    if strength is not None:
        raw["strength"] = {"amount": strength, "unit": per}
    return raw


@pytest.mark.parametrize(
    ("raw", "expected"),
    # "2 capsules x 5000 IU = 10 000 IU, then the normal rules apply"; "dose > ceiling fires"
    [(dose("vitamin d", 2, "capsule", 5000, "IU"), {("SAF-VITD-UL", "caution")}),
     (dose("vitamin d", 3, "capsule", 5000, "IU"), {IMPLAUSIBLE}),
     (dose("vitamin d", 10000, "IU"), {("SAF-VITD-UL", "caution")}),
     (dose("vitamin d", 10001, "IU"), {IMPLAUSIBLE}),
     (dose("vitamin d", 1e9, "IU"), {IMPLAUSIBLE}),
     # "vitamin D ug x 40 = IU": 100 ug = 4000 IU (not above the UL), 101 ug = 4040 IU
     (dose("vitamin d", 100, "mcg"), set()),
     (dose("vitamin d", 101, "mcg"), {("SAF-VITD-UL", "caution")}),
     (dose("magnesium", 1000, "mg"), {("SAF-MG-UL", "caution")}),
     (dose("magnesium", 1001, "mg"), {IMPLAUSIBLE}),
     # "g x 1000 = mg"
     (dose("omega-3", 5.001, "g"), {("SAF-OMEGA3-DOSE", "caution")}),
     (dose("omega-3", 10001, "mg"), {IMPLAUSIBLE}),
     (dose("tramadol", 401, "mg"), {IMPLAUSIBLE}),
     (dose("duloxetine", 121, "mg"), {IMPLAUSIBLE}),
     (dose("naproxen", 1501, "mg"), {IMPLAUSIBLE})],
)  # fmt: skip
def test_d56_conversions_and_ceilings(raw: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    ctx = person(pregnant=False, breastfeeding=False, sex="male")
    assert found(ctx, raw, skip=("SAF-NSAID-FM",)) == expected


def test_d56_tablets_are_never_counted_as_zero() -> None:
    # the issue: "2 magnesium tablets + 3 vitamin D capsules + magnesium 300 mg + vitamin D
    # 4,000 IU: 'No warnings'"
    got = found(
        person(pregnant=False, breastfeeding=False),
        {"item": "magnesium", "dose": 2, "unit": "tablet"},
        {"item": "vitamin d", "dose": 3, "unit": "capsule"},
        {"item": "magnesium", "dose": 300, "unit": "mg"},
        {"item": "vitamin d", "dose": 4000, "unit": "IU"},
    )
    assert got == {("SAF-DOSE-UNITS", "major")}


def test_d50_2c_an_uncountable_recorded_dose_is_said_to_be_missing() -> None:
    # D.5.0 2c: "A recorded medication whose dose cannot be converted (D.5.6) is left out of D.4
    # sums (SAF-MG-UL) and the sum is reported as a lower bound." Recorded tablets with no
    # strength next to a planned 300 mg: no limit is exceeded by what can be counted, so the
    # check must say what it could not count rather than stay silent.
    ctx = person(pregnant=False, breastfeeding=False, meds=[regimen("magnesium", 2, "tablet")])
    check = check_safety(ctx, items({"item": "magnesium", "dose": 300, "unit": "mg"}), V)
    assert check.warnings == ()
    [m] = [m for m in check.missing if m.input == "uncounted"]
    assert "SAF-MG-UL" in m.rules and "magnesium" in m.items
    assert "no amount per tablet" in m.message and "at least 300 mg/day" in m.message


# -- E.1 default limits ----------------------------------------------------------------------


def flags(
    loinc: str, value: float, unit: str, birth_year: int | None = 1980, sex: str | None = "female"
) -> set[str]:
    profile = Profile(birth_year=birth_year, sex=sex)  # type: ignore[arg-type]
    return {f.rule for f in red_flags([lab(loinc, value, unit)], profile, V)}


@pytest.mark.parametrize(
    ("loinc", "at", "over", "unit", "rule", "kw"),
    # E.1: "Comparisons are strict ('above' = value > limit; 'below' = value < limit)"
    [(CALCIUM, 10.0, 10.01, "mg/dL", "RF-CA", {}),  # ULN 10.0 (age 18-59)
     (CALCIUM, 10.2, 10.21, "mg/dL", "RF-CA", {"birth_year": 1964}),  # 10.2 (age >= 60)
     (CALCIUM_MOLAR, 2.495, 2.5, "mmol/L", "RF-CA", {}),  # mmol/L = mg/dL x 0.2495
     ("2157-6", 192, 193, "U/L", "RF-CK", {}),  # CK ULN 192 (F)
     ("2157-6", 192, 193, "U/L", "RF-CK", {"sex": None}),  # "192 if sex unknown"
     ("2157-6", 308, 309, "U/L", "RF-CK", {"sex": "male"}),  # 308 (M)
     ("3016-3", 4.2, 4.21, "m[IU]/L", "RF-TSH", {}),
     ("6690-2", 11.0, 11.01, "10*9/L", "RF-WBC", {}),
     ("1988-5", 10, 10.1, "mg/L", "RF-CRP", {})],
)  # fmt: skip
def test_e1_upper_defaults(
    loinc: str, at: float, over: float, unit: str, rule: str, kw: dict[str, Any]
) -> None:
    assert rule not in flags(loinc, at, unit, **kw)
    assert rule in flags(loinc, over, unit, **kw)


@pytest.mark.parametrize(
    ("loinc", "at", "under", "unit", "rule"),
    [("2276-4", 15, 14.9, "ng/mL", "RF-FERRITIN"), ("3016-3", 0.3, 0.29, "m[IU]/L", "RF-TSH"),
     ("6690-2", 4.0, 3.99, "10*9/L", "RF-WBC")],
)  # fmt: skip
def test_e1_lower_defaults(loinc: str, at: float, under: float, unit: str, rule: str) -> None:
    assert rule not in flags(loinc, at, unit)
    assert rule in flags(loinc, under, unit)


def test_e1_age_unknown_uses_the_lower_calcium_limit() -> None:
    # "10.0 (age 18-59 or age unknown)"
    assert "RF-CA" in flags(CALCIUM, 10.1, "mg/dL", birth_year=None)


def test_e1_no_default_under_18() -> None:
    # "Adult limits (age < 18: no default, the lab interval is required)"
    assert "RF-CA" not in flags(CALCIUM, 12.5, "mg/dL", birth_year=2010)


def test_e1_the_labs_own_interval_wins() -> None:
    # D.5.0 item 4: "the reporting lab's own reference interval always wins over E.1 defaults"
    profile = Profile(birth_year=1980, sex="female")
    assert not red_flags([lab(CALCIUM, 11.0, "mg/dL", ref_low=8.5, ref_high=11.5)], profile, V)
    assert {f.rule for f in red_flags([lab(CALCIUM, 9.0, "mg/dL", ref_high=8.9)], profile, V)} == {
        "RF-CA"
    }


@pytest.mark.parametrize(
    ("value", "birth_year", "sex", "rule"),
    # ESR: "Age unknown: value > 55 -> RF-ESR, otherwise LAB-ESR-UNRATED. Sex unknown, age known:
    # value > (age+10)/2 -> RF-ESR; value > age/2 but <= (age+10)/2 -> LAB-ESR-UNRATED; otherwise
    # nothing". Birth year 1981: 43 on the lab day; men 21.5, women 26.5.
    [(55, None, "female", "LAB-ESR-UNRATED"), (56, None, "female", "RF-ESR"),
     (21, 1981, None, None), (22, 1981, None, "LAB-ESR-UNRATED"),
     (26.5, 1981, None, "LAB-ESR-UNRATED"),
     (27, 1981, None, "RF-ESR"), (21.5, 1981, "male", None), (22, 1981, "male", "RF-ESR"),
     (26.5, 1981, "female", None), (27, 1981, "female", "RF-ESR")],
)  # fmt: skip
def test_e1_esr(value: float, birth_year: int | None, sex: str | None, rule: str | None) -> None:
    got = flags("30341-2", value, "mm/h", birth_year=birth_year, sex=sex)
    assert got == ({rule} if rule else set())


def test_e1_calcium_without_a_range_blocks_vitamin_d() -> None:
    # E.1: "the lab's own interval always wins (also for SAF-VITD-CA, which uses the same calcium
    # limit as RF-CA)": the issue's calcium 12.5 mg/dL without a range
    ctx = context(labs=[lab(CALCIUM, 12.5, "mg/dL")])
    assert ("SAF-VITD-CA", "contraindicated") in interaction(ctx, {"item": "vitamin d"})
    plan = build_plan(ctx, V)
    assert "vitamin_d" not in {o.intervention for o in plan.options}


def test_e1_vitd_ca_reads_the_same_limit_as_rf_ca_at_the_age_of_the_result() -> None:
    # E.1: SAF-VITD-CA "uses the same calcium limit as RF-CA". Birth year 1965: 59 on the day of
    # the result (limit 10.0), 60 on a plan day a year later (limit 10.2). Calcium 10.1 raises
    # RF-CA; vitamin D must then not be offered either.
    from datetime import date

    ctx = replace(context(birth_year=1965, labs=[lab(CALCIUM, 10.1, "mg/dL")]), on=date(2025, 8, 1))
    assert "RF-CA" in {f.rule for f in ctx.red_flags}
    assert ("SAF-VITD-CA", "contraindicated") in interaction(ctx, {"item": "vitamin d"})


# -- the library's edge: InvalidInput, never a bare ValueError or TypeError ---------------------


@pytest.mark.parametrize(
    "call",
    [lambda: fiqr.score({i: (math.nan if i == "pain" else 5) for i in fiqr.ITEMS}),
     lambda: fiqr.score({i: ("x" if i == "pain" else 5) for i in fiqr.ITEMS}),
     lambda: fiqr.severity(math.inf),
     lambda: psd_bands(32), lambda: psd_bands(-1), lambda: psd_bands(math.nan),  # type: ignore[arg-type]
     lambda: convert("10", "ng/mL", "nmol/L", "vitamin d"),  # type: ignore[arg-type]
     lambda: convert(-5, "ng/mL", "nmol/L", "vitamin d"),
     lambda: convert(1e308, "ng/mL", "nmol/L", "vitamin d"),
     lambda: lab("1989-3", -5, "ng/mL"),
     lambda: lab("1989-3", math.nan, "ng/mL"),
     lambda: items({"item": "magnesium", "dose": 400}),
     lambda: items({"item": "magnesium", "dose": [400], "unit": "mg"}),
     lambda: items({"item": "magnesium", "dose": 2, "unit": "tablet", "strength": "120 mg"})],
)  # fmt: skip
def test_the_library_refuses_with_invalid_input(call: Any) -> None:
    with pytest.raises(InvalidInput):
        call()


# -- "not offered for you" and readable reasons ----------------------------------------------------


def test_not_offered_lists_each_hazard_once() -> None:
    # D.5.0 P4 (SAF-DLX-MAOI supersedes SAF-MAOI-SERO for duloxetine) also in the reason the
    # person reads: one hazard, said once, naming what it covers
    plan = build_plan(context(meds=[regimen("phenelzine", 45, "mg")]), V)
    [dlx] = [n for n in plan.not_offered if n.intervention == "duloxetine"]
    assert dlx.rule == "SAF-DLX-MAOI"
    assert dlx.reason.count("serotonin syndrome or a dangerous reaction") == 0
    assert "SAF-MAOI-SERO" in dlx.reason  # named as covered
    for n in plan.not_offered:
        assert n.reason.startswith("Contraindicated")


def test_not_suggested_reasons_use_words_not_ids() -> None:
    plan = build_plan(
        context(meds=[regimen("duloxetine", 60, "mg")], labs=[lab("30341-2", 60, "mm/h")]), V
    )
    reasons = {n.intervention: n.reason for n in plan.not_suggested}
    assert "(snri)" not in reasons["milnacipran"]
    assert "SNRI" in reasons["milnacipran"]
    assert "raised esr" not in " ".join(reasons.values())
    assert "raised ESR" in reasons["omega_3"]


# -- the faces: CLI and web ----------------------------------------------------------------------


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    """SQLite only: these cases are about the rules, not the storage (kept fast)."""
    return cli_against(f"sqlite:///{tmp_path / 'j.db'}", monkeypatch, tmp_path, capsys)


def test_cli_plan_check_and_not_offered(cli: Any, tmp_path: Path) -> None:
    cli("init")
    cli("profile", "set", "--birth-year", "1980", "--sex", "female")
    cli("regimen", "add", "phenelzine", "15", "mg", "--times-per-day", "3", "--start", "2025-01-01")
    path = tmp_path / "items.json"
    for dose in ("NaN", "Infinity", "-1", "0", '"abc"', "1e400"):
        path.write_text(f'[{{"item": "magnesium", "dose": {dose}, "unit": "mg"}}]')
        code, out, _ = cli("plan", "check", str(path), "--json")
        answer = json.loads(out)
        assert code == 0 and answer["blocked"] is True
        assert [w["rule"] for w in answer["warnings"]] == ["SAF-DOSE-INVALID"]
    path.write_text('[{"item": "tramadol"}]')
    code, out, _ = cli("plan", "check", str(path), "--json")
    answer = json.loads(out)
    assert ("SAF-MAOI-SERO", "contraindicated") in {
        (w["rule"], w["severity"]) for w in answer["warnings"]
    }
    assert "pregnancy not recorded" in {m["message"] for m in answer["missing"]}
    code, out, _ = cli("plan", "--json")
    offered = {o["intervention"] for o in json.loads(out)["options"]}
    blocked = {n["intervention"]: n["rule"] for n in json.loads(out)["not_offered"]}
    assert {"milnacipran", "amitriptyline", "tramadol", "duloxetine"} <= set(blocked)
    assert not offered & set(blocked)
    code, out, _ = cli("plan")
    assert "Not offered for you" in out and "SAF-DLX-MAOI" in out
    code, out, _ = cli("profile", "set", "--pregnant", "yes")
    path.write_text('[{"item": "ibuprofen"}]')
    code, out, _ = cli("plan", "check", str(path), "--json")
    assert ("SAF-PREG-ITEM", "contraindicated") in {
        (w["rule"], w["severity"]) for w in json.loads(out)["warnings"]
    }


def test_web_plan_check_reads_each_items_dose_in_its_own_unit(tmp_path: Path) -> None:
    # clinical-rules.md D.5.6 canonical units: IU for vitamin D, CFU for probiotics. The web
    # form must not read a vitamin D dose of 2000 as 2000 mg (80 million IU, "implausible").
    app = app_on(f"sqlite:///{tmp_path / 'w.db'}")
    c = signed_up(app, "rev")
    page = c.get("/plan").text
    assert "IU/day" in page
    r = post(c, "/api/plan/check", {"item": ["vitamin_d"], "dose:vitamin_d": "2000"})
    assert r.status_code == 200
    rules = {w["rule"] for w in r.json()["checked"]["warnings"]}
    assert "SAF-DOSE-IMPLAUSIBLE" not in rules
    r = post(c, "/api/plan/check", {"item": ["vitamin_d"], "dose:vitamin_d": "20000"})
    assert "SAF-DOSE-IMPLAUSIBLE" in {w["rule"] for w in r.json()["checked"]["warnings"]}
    for bad in ("nan", "inf", "abc"):
        r = post(c, "/api/plan/check", {"item": ["magnesium"], "dose:magnesium": bad})
        assert r.status_code == 422 and r.json()["field"] == "dose:magnesium"
        assert r.json()["error"].startswith("Daily dose of Magnesium: ")
    for bad in ("0", "-3"):
        r = post(c, "/api/plan/check", {"item": ["magnesium"], "dose:magnesium": bad})
        assert next(w["rule"] for w in r.json()["checked"]["warnings"]) == "SAF-DOSE-INVALID"


def test_d50_overlapping_medicines_are_described_in_words_not_a_negative_gap() -> None:
    # D.5.0 item 3: gap = start of the later - stop of the earlier; phenelzine started 100 days
    # ago, sertraline stopped 3 days ago: gap -97 < 14 fires (SAF-MAOI-WASHOUT, profile-level).
    # The person must read that the two overlapped, not "started -97 day(s) later".
    ctx = context(
        meds=[
            regimen("sertraline", 50, "mg", start=days_ago(200), stop=days_ago(3)),
            regimen("phenelzine", 45, "mg", start=days_ago(100)),
        ]
    )
    [w] = check_safety(ctx, [], V).warnings
    assert (w.rule, w.severity, w.subject) == ("SAF-MAOI-WASHOUT", "contraindicated", "phenelzine")
    assert "-97" not in w.message and "overlapped" in w.message
    assert "at least 14 days" in w.message
    same_day = context(meds=[regimen("phenelzine", 45, "mg", stop=days_ago(0 + 1))])
    [w] = [
        w
        for w in check_safety(same_day, items({"item": "tramadol"}), V).warnings
        if w.rule == "SAF-MAOI-WASHOUT"
    ]
    assert "1 day later" in w.message


def test_cli_warnings_name_what_they_involve_in_words(cli: Any, tmp_path: Path) -> None:
    # a warning line is read by a person: "[St John's wort, Sertraline]", not raw ids such as
    # "[st_johns_wort, sertraline]" or "[low_dose_naltrexone, naltrexone]"
    cli("init")
    cli("profile", "set", "--birth-year", "1980", "--sex", "female", "--pregnant", "no")
    cli("regimen", "add", "sertraline", "50", "mg", "--start", "2025-01-01")
    path = tmp_path / "items.json"
    path.write_text('[{"item": "st johns wort"}, {"item": "ldn"}]')
    code, out, _ = cli("plan", "check", str(path))
    assert code == 0 and "SAF-SERO-PAIR" in out
    assert "st_johns_wort" not in out and "low_dose_naltrexone" not in out
    assert "[St John's wort, Sertraline]" in out


@pytest.mark.parametrize(
    ("meds", "conditions", "item", "expected"),
    # clinical-rules.md D.4, rule by rule, read through the D.5.1 classes (D.5.0 item 6)
    [(["ibuprofen"], [], "duloxetine", {("SAF-DLX-BLEED", "caution")}),  # SRI-BLEED: DLX wins
     (["aspirin"], [], "duloxetine", {("SAF-DLX-BLEED", "caution")}),  # aspirin "any dose"
     (["ibuprofen"], [], "sertraline", {("SAF-SRI-BLEED", "caution")}),
     (["amitriptyline"], [], "gabapentin", {("SAF-GABA-CNS", "major")}),  # never CNS-DEPRESS
     (["cyclobenzaprine"], [], "zolpidem", {("SAF-CNS-DEPRESS", "caution")}),  # (d)
     (["oxycodone"], [], "tramadol", {("SAF-CNS-DEPRESS", "major")}),  # (b) another OPIOID
     (["hydrochlorothiazide"], [], "vitamin d", {("SAF-VITD-THZ", "caution")}),
     (["tacrolimus"], [], "probiotic", {("SAF-PROBIOTIC-IMMUNO", "major")}),
     ([], ["organ_transplant"], "probiotic", {("SAF-PROBIOTIC-IMMUNO", "major")}),
     ([], ["gallstones"], "curcumin", {("SAF-CURC-LIVER", "major")}),
     ([], ["alcohol_use_disorder"], "duloxetine", {("SAF-DLX-LIVER", "major")}),
     ([], ["liver_disease"], "duloxetine", {("SAF-DLX-LIVER", "major")}),
     ([], [], "tocilizumab", {("SAF-TCZ", "contraindicated")}),
     ([], [], "methotrexate", {("SAF-DMARD", "contraindicated")}),
     ([], ["rheumatoid_arthritis"], "methotrexate", set()),
     (["warfarin"], [], "ibuprofen", {("SAF-NSAID-BLEED", "major")}),
     (["aspirin"], [], "omega-3", {("SAF-BLEED", "caution")}),
     ([], ["respiratory_impairment"], "pregabalin", {("SAF-PGB-CNS", "major")}),
     ([], ["history_of_seizures"], "tramadol", {("SAF-SEIZURE-HX", "major")}),
     (["promethazine"], [], "tramadol", {("SAF-TCA-TRAMADOL-SEIZURE", "major")}),
     (["ethinylestradiol"], [], "st johns wort", {("SAF-SJW-INDUCER", "major")})],
)  # fmt: skip
def test_d4_rules_through_the_classes(
    meds: list[str], conditions: list[str], item: str, expected: set[tuple[str, str]]
) -> None:
    ctx = context(meds=[regimen(m, 10, "mg") for m in meds], conditions=conditions)
    assert interaction(ctx, {"item": item}) == expected


def test_d4_magnesium_chelation_is_one_warning_per_interacting_drug() -> None:
    # SAF-MG-CHELATE: "caution (one per interacting drug)"
    drugs = ["alendronate", "doxycycline", "ciprofloxacin"]
    ctx = context(meds=[regimen(d, 100, "mg") for d in drugs])
    check = check_safety(ctx, items({"item": "magnesium", "dose": 200, "unit": "mg"}), V)
    chelate = [w for w in check.warnings if w.rule == "SAF-MG-CHELATE"]
    assert sorted(p for w in chelate for p in w.involves if p != "magnesium") == sorted(drugs)


D55_ITEMS = ["nad", "curcumin", "coq10", "ginger", "5-htp", "ldn", "duloxetine", "milnacipran",
             "amitriptyline", "pregabalin", "gabapentin", "cyclobenzaprine", "tramadol",
             "ibuprofen", "melatonin"]  # fmt: skip


@pytest.mark.parametrize("item", D55_ITEMS)
def test_d55_each_state_gives_its_own_reason(item: str) -> None:
    # D.5.5 has one row per item with a pregnancy and a lactation column; a pregnant person reads
    # why the item matters in pregnancy, not what LactMed says about milk ("Amitriptyline in
    # pregnancy: major (LactMed: low milk levels ...)" answers another question)
    def message(rule: str, **status: bool) -> str:
        check = check_safety(person(**status), items({"item": item}), V)
        return " ".join(w.message.split(" Source: ")[0] for w in check.warnings if w.rule == rule)

    pregnant = message("SAF-PREG-ITEM", pregnant=True, breastfeeding=False)
    assert pregnant and not {"milk", "breastfeeding", "LactMed"} & set(
        pregnant.replace(".", " ").replace(",", " ").replace(";", " ").replace(":", " ").split()
    ), pregnant
    nursing = message("SAF-LACT-ITEM", pregnant=False, breastfeeding=True)
    for word in ("malformations", "postpartum", "amniotic", "nausea of pregnancy"):
        assert word not in nursing, nursing


def test_web_plan_check_heading_names_the_items(tmp_path: Path) -> None:
    # what people read says "Check of St John's wort", not the id "st_johns_wort"
    app = app_on(f"sqlite:///{tmp_path / 'w.db'}")
    c = signed_up(app, "rev")
    page = post(c, "/plan/check", {"item": ["omega_3", "low_dose_naltrexone"]}).text
    assert "Check of Omega-3 (EPA+DHA), Low-dose naltrexone" in page
    assert "low_dose_naltrexone," not in page and "Check of omega_3" not in page


def test_already_taken_points_to_current_warnings_only_when_there_are_some() -> None:
    # "You already take it; see the warnings on your current medicines" sent the person to a
    # list that had nothing about it
    quiet = build_plan(context(meds=[regimen("coq10", 100, "mg")]), V)
    reason = next(n.reason for n in quiet.not_suggested if n.intervention == "coq10")
    assert reason == "You already take it."
    loud = build_plan(context(meds=[regimen("magnesium", 500, "mg")]), V)
    reason = next(n.reason for n in loud.not_suggested if n.intervention == "magnesium")
    assert "SAF-MG-UL" in {w.rule for w in loud.current_warnings}
    assert reason == "You already take it; see the warnings on your current medicines."


def test_cli_a_product_unit_without_strength_is_pointed_out_at_entry(cli: Any) -> None:
    # issue 11 item 5: "product units ... need the product's strength per unit, kept with the
    # regimen"; without it the safety checks can only say the dose was not counted, so the
    # person is told when entering it
    cli("init")
    code, out, _ = cli("regimen", "add", "magnesium", "2", "tablet", "--start", "2025-01-01")
    assert code == 0 and "--strength" in out and "one tablet" in out
    code, out, _ = cli("regimen", "add", "vitamin-d", "2", "capsule", "--strength", "1000 IU")
    assert code == 0 and "--strength" not in out
    code, out, _ = cli("regimen", "add", "duloxetine", "60", "mg")
    assert code == 0 and "--strength" not in out


@pytest.mark.parametrize(
    ("loinc", "value", "unit", "birth_year", "rule"),
    # E.1 limits hold in every unit of the analyte: ferritin 15 ng/mL = 33.7 pmol/L, CK 192 U/L
    # = 3.2 ukat/L, WBC 11.0 x 10^9/L = 11.0 x 10^3/uL; "age < 18: no default" (17 on the day
    # of the result), 18: the adult default
    [("2276-4", 33.0, "pmol/L", 1980, "RF-FERRITIN"), ("2276-4", 34.0, "pmol/L", 1980, None),
     ("2157-6", 3.3, "ukat/L", 1980, "RF-CK"), ("2157-6", 3.1, "ukat/L", 1980, None),
     ("6690-2", 11.5, "10*3/uL", 1980, "RF-WBC"),
     (CALCIUM, 10.1, "mg/dL", 2007, None), (CALCIUM, 10.1, "mg/dL", 2006, "RF-CA")],
)  # fmt: skip
def test_e1_defaults_in_other_units_and_at_18(
    loinc: str, value: float, unit: str, birth_year: int, rule: str | None
) -> None:
    assert flags(loinc, value, unit, birth_year=birth_year) == ({rule} if rule else set())
