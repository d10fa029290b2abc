"""The class-based rules of clinical-rules.md D.5 (D.5.0 evaluation model, D.5.3 catalogue, D.5.4
washouts), each triggered and not triggered, with the document's boundaries, and the D.5.0
precedence rules P1, P2 and P4. Each case names its rule id and the line of the document."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from flarewise.plan import Agent, PlanContext, check_plan, check_safety

from .plan_helpers import ON, V, context, days_ago, items, lab, regimen

AGE_65 = 1959  # age on ON (2025-06-01) is 65: birthdays are taken as 1 July
AGE_64 = 1960


def rules(ctx, *raw):  # type: ignore[no-untyped-def]
    return {(w.rule, w.severity) for w in check_plan(ctx, items(*raw), V)}


def ids(ctx, *raw):  # type: ignore[no-untyped-def]
    return {w.rule for w in check_plan(ctx, items(*raw), V)}


def warning(ctx, rule: str, *raw):  # type: ignore[no-untyped-def]
    [w] = [w for w in check_plan(ctx, items(*raw), V) if w.rule == rule]
    return w


def egfr(value: float):  # type: ignore[no-untyped-def]
    return lab("62238-1", value, "mL/min/{1.73_m2}")


# -- D.5.1 resolution -----------------------------------------------------------------------------


def test_d51_brand_names_resolve_to_the_generic_and_its_classes() -> None:
    # D.5.0 item 1: brand -> generic -> every class (tramadol is OPIOID, SERO-S1, ...)
    assert ("SAF-MAOI-SERO", "contraindicated") in rules(
        context(meds=[regimen("phenelzine", 45, "mg")]), {"item": "Ultram"}
    )
    assert ("SAF-MAOI-SERO", "contraindicated") in rules(
        context(meds=[regimen("sertraline", 50, "mg")]), {"item": "Nardil"}
    )


def test_d51_every_member_named_in_the_document_is_a_substance_of_its_class() -> None:
    # a sample of each D.5.1 row, read from the document
    table = {
        "sero_s1": ["vilazodone", "levomilnacipran", "meperidine", "dextromethorphan",
                    "frovatriptan", "methamphetamine", "five_htp", "tryptophan", "amitriptyline"],
        "sero_s2": ["sam_e", "rhodiola"],
        "maoi": ["phenelzine", "safinamide", "procarbazine", "linezolid", "methylene_blue"],
        "tca": ["protriptyline", "trimipramine", "doxepin"],
        "tricyclic": ["amitriptyline", "cyclobenzaprine", "promethazine"],
        "opioid": ["oxymorphone", "levorphanol", "meperidine", "buprenorphine"],
        "gaba": ["gabapentin_enacarbil", "mirogabalin", "pregabalin", "gabapentin"],
        "bzd_z": ["clobazam", "midazolam", "eszopiclone", "zaleplon", "zolpidem"],
        "cns_dep": ["carisoprodol", "baclofen", "butalbital", "doxylamine", "quetiapine",
                    "sodium_oxybate", "trazodone", "nortriptyline"],
        "cns_active": ["tramadol", "gabapentin", "lamotrigine", "lorazepam", "sertraline",
                       "mirtazapine", "olanzapine", "tizanidine"],
        "sri": ["vortioxetine", "duloxetine", "milnacipran", "fluoxetine"],
        "vka": ["warfarin", "acenocoumarol", "phenprocoumon", "fluindione"],
        "anticoagulant": ["edoxaban", "fondaparinux", "dalteparin", "fluindione"],
        "antiplatelet": ["aspirin", "prasugrel", "dipyridamole", "cilostazol"],
        "nsaid": ["ketorolac", "nabumetone", "ketoprofen", "aspirin"],
        "bleed_supp": ["curcumin", "omega_3", "resveratrol", "ginger"],
        "cyp_induced": ["hormonal_contraceptive", "warfarin", "apixaban", "sirolimus",
                        "digoxin", "ritonavir", "efavirenz", "irinotecan", "ciclosporin"],
    }  # fmt: skip
    for cls, members in table.items():
        for sid in members:
            assert cls in V.substances[sid].classes, (cls, sid)
    # D.5.1 exclusions: SSRIs/SNRIs are not CNS-DEP; opioids and gabapentinoids are not CNS-DEP
    for sid in ("sertraline", "duloxetine", "tramadol", "pregabalin"):
        assert "cns_dep" not in V.substances[sid].classes, sid
    # MAOIs are not themselves SERO-S1 (their pairs are SAF-MAOI-SERO)
    assert not {"sero_s1", "sero_s2"} & set(V.substances["phenelzine"].classes)


def test_d51_aspirin_is_an_nsaid_only_above_325_mg() -> None:
    # D.5.1 NSAID: "aspirin > 325 mg/day (design choice)"; unknown dose: treated as one, and said
    haemophilia = context(conditions=["haemophilia"])
    assert ("SAF-BLEED-DISORDER", "major") in rules(
        haemophilia, {"item": "aspirin", "dose": 500, "unit": "mg"}
    )
    assert "SAF-BLEED-DISORDER" not in ids(
        haemophilia, {"item": "aspirin", "dose": 325, "unit": "mg"}
    )
    check = check_safety(haemophilia, items({"item": "aspirin"}), V)
    assert ("SAF-BLEED-DISORDER", "major") in {(w.rule, w.severity) for w in check.warnings}
    assert any(m.input == "dose" and "aspirin" in m.items for m in check.missing)


def test_d51_an_old_class_id_still_resolves() -> None:
    assert V.resolve("substance_class", "gabapentinoid") == "gaba"
    assert V.resolve("substance_class", "bleeding_risk_supplement") == "bleed_supp"


# -- SAF-MAOI-SERO ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partner", "severity"),
    [
        # D.5.3: contraindicated with SERO-S1 (SNRI, TCA, tramadol, triptan, SJW, 5-HTP, ...)
        ("milnacipran", "contraindicated"),
        ("amitriptyline", "contraindicated"),
        ("tramadol", "contraindicated"),
        ("sertraline", "contraindicated"),
        ("cyclobenzaprine", "contraindicated"),
        ("sumatriptan", "contraindicated"),
        ("st johns wort", "contraindicated"),
        ("5-htp", "contraindicated"),
        ("meperidine", "contraindicated"),
        # major with SERO-S2 or a non-serotonergic opioid
        ("same", "major"),
        ("rhodiola", "major"),
        ("morphine", "major"),
        ("oxycodone", "major"),
    ],
)
def test_maoi_sero_partner_proposed(partner: str, severity: str) -> None:
    ctx = context(meds=[regimen("phenelzine", 45, "mg")])
    assert ("SAF-MAOI-SERO", severity) in rules(ctx, {"item": partner})


def test_maoi_sero_maoi_proposed_and_silent_without_a_partner() -> None:
    # D.5.3: MAOI as the plan item with a current SERO-S1 medicine
    assert ("SAF-MAOI-SERO", "contraindicated") in rules(
        context(meds=[regimen("sertraline", 50, "mg")]), {"item": "linezolid"}
    )
    assert "SAF-MAOI-SERO" not in ids(
        context(meds=[regimen("metformin", 500, "mg")]), {"item": "phenelzine"}
    )
    assert "SAF-MAOI-SERO" not in ids(context(), {"item": "milnacipran"})


def test_maoi_sero_profile_level_names_the_later_started_medicine() -> None:
    # D.5.0 item 2b / D.5.3: profile-level, subject = the later-started one; MAOI if unknown
    ctx = context(
        meds=[
            regimen("phenelzine", 45, "mg", start=date(2025, 1, 1)),
            regimen("venlafaxine", 75, "mg", start=date(2025, 3, 1)),
        ]
    )
    [w] = check_plan(ctx, [], V)
    assert (w.rule, w.severity, w.subject) == ("SAF-MAOI-SERO", "contraindicated", "venlafaxine")
    ctx = context(
        meds=[
            regimen("phenelzine", 45, "mg", start=date(2025, 1, 1)),
            regimen("venlafaxine", 75, "mg", start=date(2025, 1, 1)),
        ]
    )
    [w] = check_plan(ctx, [], V)
    assert w.subject == "phenelzine"


# -- SAF-MAOI-WASHOUT (D.5.4) -------------------------------------------------------------------

WASHOUT_B = [
    # D.5.4 column B: partner stopped -> MAOI started, required gap in days
    ("fluoxetine", 35, "contraindicated"),
    ("venlafaxine", 7, "contraindicated"),
    ("desvenlafaxine", 7, "contraindicated"),
    ("levomilnacipran", 7, "contraindicated"),
    ("duloxetine", 5, "contraindicated"),
    ("milnacipran", 5, "contraindicated"),
    ("vortioxetine", 21, "contraindicated"),
    ("clomipramine", 21, "contraindicated"),
    ("imipramine", 21, "contraindicated"),
    ("sertraline", 14, "contraindicated"),  # every other SERO-S1/S2 member: 14
    ("amitriptyline", 14, "contraindicated"),
    ("tramadol", 14, "contraindicated"),
    ("sumatriptan", 14, "contraindicated"),
    ("st_johns_wort", 14, "contraindicated"),
    ("five_htp", 14, "contraindicated"),
    ("sam_e", 14, "major"),  # SERO-S2 partner: major
]


@pytest.mark.parametrize(("stopped", "days", "severity"), WASHOUT_B)
def test_maoi_washout_b_gap_equal_does_not_fire_one_day_under_does(
    stopped: str, days: int, severity: str
) -> None:
    # D.5.0 item 3: gap = start of the later (plan day) - stop of the earlier; fires if gap < days
    at_gap = context(meds=[regimen(stopped, 10, "mg", stop=days_ago(days))])
    assert "SAF-MAOI-WASHOUT" not in ids(at_gap, {"item": "phenelzine"})
    under = context(meds=[regimen(stopped, 10, "mg", stop=days_ago(days - 1))])
    assert ("SAF-MAOI-WASHOUT", severity) in rules(under, {"item": "phenelzine"})


def test_issue_phenelzine_three_days_after_duloxetine() -> None:
    # the issue: "Phenelzine 3 days after stopping duloxetine (label: 5): silent"
    ctx = context(meds=[regimen("duloxetine", 60, "mg", stop=days_ago(3))])
    w = warning(ctx, "SAF-MAOI-WASHOUT", {"item": "phenelzine"})
    assert w.severity == "contraindicated" and w.subject == "phenelzine"
    assert "at least 5 days" in w.message


@pytest.mark.parametrize(
    ("partner", "severity"),
    [("sertraline", "contraindicated"), ("tramadol", "contraindicated"), ("same", "major"),
     ("oxycodone", "major")],
)  # fmt: skip
def test_maoi_washout_a_14_days_after_any_maoi(partner: str, severity: str) -> None:
    # D.5.4 A: MAOI stopped -> serotonergic/opioid partner started: 14 days for every MAOI
    for maoi in ("phenelzine", "moclobemide", "linezolid"):
        at_gap = context(meds=[regimen(maoi, 10, "mg", stop=days_ago(14))])
        assert "SAF-MAOI-WASHOUT" not in ids(at_gap, {"item": partner})
        under = context(meds=[regimen(maoi, 10, "mg", stop=days_ago(13))])
        assert ("SAF-MAOI-WASHOUT", severity) in rules(under, {"item": partner}), maoi


def test_maoi_washout_profile_level_between_recorded_medicines() -> None:
    # D.5.0 item 2b: fires with an empty plan; subject = the later-started drug
    ctx = context(
        meds=[
            regimen("fluoxetine", 20, "mg", stop=days_ago(20)),
            regimen("phenelzine", 45, "mg", start=days_ago(10)),
        ]
    )
    [w] = check_plan(ctx, [], V)
    assert (w.rule, w.severity, w.subject) == ("SAF-MAOI-WASHOUT", "contraindicated", "phenelzine")
    ok = context(
        meds=[
            regimen("sertraline", 50, "mg", stop=days_ago(30)),
            regimen("phenelzine", 45, "mg", start=days_ago(16)),  # gap 14: does not fire
        ]
    )
    assert check_plan(ok, [], V) == []


def test_maoi_washout_unknown_start_counts_from_the_plan_day() -> None:
    # D.5.0 item 3: "If the later drug's start is unknown it is treated as starting on the plan
    # day (gap = days_since_stop of the earlier drug)"
    base = context(meds=[regimen("fluoxetine", 20, "mg", stop=days_ago(34))])
    maoi = Agent("phenelzine", frozenset(V.substances["phenelzine"].classes), "current")
    ctx = PlanContext(ON, base.profile, current=(maoi,), recently_stopped=base.recently_stopped)
    assert [w.rule for w in check_plan(ctx, [], V)] == ["SAF-MAOI-WASHOUT"]
    base = context(meds=[regimen("fluoxetine", 20, "mg", stop=days_ago(35))])
    ctx = PlanContext(ON, base.profile, current=(maoi,), recently_stopped=base.recently_stopped)
    assert check_plan(ctx, [], V) == []


def test_recently_stopped_reaches_back_35_days() -> None:
    # the brief: recently stopped medicines must reach back at least 35 days (fluoxetine)
    ctx = context(meds=[regimen("fluoxetine", 20, "mg", stop=days_ago(35))])
    assert [a.substance for a in ctx.recently_stopped] == ["fluoxetine"]
    assert ctx.recently_stopped[0].stopped_on == ON - timedelta(days=35)


# -- SAF-SERO-PAIR -----------------------------------------------------------------------------


def test_issue_serotonergic_supplements_with_sertraline_and_venlafaxine() -> None:
    # the issue: SJW, 5-HTP or tramadol with sertraline; SJW or SAMe with venlafaxine
    sertraline = context(meds=[regimen("sertraline", 50, "mg")])
    for item in ("st johns wort", "5-htp", "tramadol"):
        assert ("SAF-SERO-PAIR", "major") in rules(sertraline, {"item": item}), item
    venlafaxine = context(meds=[regimen("venlafaxine", 75, "mg")])
    assert ("SAF-SERO-PAIR", "major") in rules(venlafaxine, {"item": "st johns wort"})
    # D.5.3: caution if either is SERO-S2
    assert ("SAF-SERO-PAIR", "caution") in rules(venlafaxine, {"item": "same"})
    assert ("SAF-SERO-PAIR", "caution") in rules(venlafaxine, {"item": "rhodiola"})
    assert "SAF-SERO-PAIR" not in ids(context(), {"item": "st johns wort"})


def test_sero_pair_between_two_plan_items_is_one_warning() -> None:
    # D.5.0 P1: one warning per (rule, unordered pair)
    ws = [w for w in check_plan(context(), items({"item": "st johns wort"}, {"item": "5-htp"}), V)]
    assert [w.rule for w in ws].count("SAF-SERO-PAIR") == 1


@pytest.mark.parametrize(("stopped", "days"), [("fluoxetine", 35), ("duloxetine", 5)])
def test_sero_pair_residual_presence_window(stopped: str, days: int) -> None:
    # D.5.3: partner "stopped less than its D.5.4 column-B washout ago" (fluoxetine 35 d)
    under = context(meds=[regimen(stopped, 20, "mg", stop=days_ago(days - 1))])
    assert ("SAF-SERO-PAIR", "major") in rules(under, {"item": "sertraline"})
    at = context(meds=[regimen(stopped, 20, "mg", stop=days_ago(days))])
    assert "SAF-SERO-PAIR" not in ids(at, {"item": "sertraline"})


def test_sero_pair_duloxetine_gives_way_to_dlx_sero_for_s1_only() -> None:
    # D.5.0 item 6: SAF-DLX-SERO = duloxetine + SERO-S1 (so no SAF-SERO-PAIR major too);
    # SERO-S2 partners get SAF-SERO-PAIR caution
    dlx = context(meds=[regimen("duloxetine", 60, "mg")])
    got = rules(dlx, {"item": "tramadol"})
    assert ("SAF-DLX-SERO", "major") in got and "SAF-SERO-PAIR" not in {r for r, _ in got}
    assert ("SAF-SERO-PAIR", "caution") in rules(dlx, {"item": "same"})
    assert "SAF-DLX-SERO" not in ids(dlx, {"item": "same"})


# -- SAF-TCA-TRAMADOL-SEIZURE, SAF-SEIZURE-HX ------------------------------------------------


@pytest.mark.parametrize(
    "tricyclic", ["amitriptyline", "nortriptyline", "cyclobenzaprine", "promethazine"]
)
def test_tca_tramadol_seizure_both_ways(tricyclic: str) -> None:
    # D.5.3: tramadol AND a TRICYCLIC member (TCA, cyclobenzaprine, promethazine), major
    assert ("SAF-TCA-TRAMADOL-SEIZURE", "major") in rules(
        context(meds=[regimen(tricyclic, 10, "mg")]), {"item": "tramadol"}
    )
    assert ("SAF-TCA-TRAMADOL-SEIZURE", "major") in rules(
        context(meds=[regimen("tramadol", 50, "mg")]), {"item": tricyclic}
    )
    assert "SAF-TCA-TRAMADOL-SEIZURE" not in ids(
        context(meds=[regimen(tricyclic, 10, "mg")]), {"item": "codeine"}
    )


def test_p2_tca_tramadol_absorbs_sero_pair_and_cns_depress_and_says_so() -> None:
    # D.5.3: "absorbs SAF-SERO-PAIR and SAF-CNS-DEPRESS for this pair"; D.5.0 P2: the kept
    # warning's text names the hazards it absorbed
    # (a man: pregnancy rules, independent of these by P4, stay out of the comparison)
    ctx = context(meds=[regimen("amitriptyline", 25, "mg")], sex="male")
    ws = check_plan(ctx, items({"item": "tramadol"}), V)
    assert [w.rule for w in ws] == ["SAF-TCA-TRAMADOL-SEIZURE"]
    assert set(ws[0].absorbed) == {"SAF-SERO-PAIR", "SAF-CNS-DEPRESS"}
    assert "serotonin toxicity" in ws[0].message and "sedation" in ws[0].message


@pytest.mark.parametrize("condition", ["epilepsy", "seizure_disorder", "history_of_seizures"])
def test_seizure_history_with_tramadol(condition: str) -> None:
    # D.5.3 SAF-SEIZURE-HX: plan item tramadol AND a seizure condition, major
    assert ("SAF-SEIZURE-HX", "major") in rules(
        context(conditions=[condition]), {"item": "tramadol"}
    )
    assert "SAF-SEIZURE-HX" not in ids(context(conditions=[condition]), {"item": "codeine"})
    assert "SAF-SEIZURE-HX" not in ids(context(), {"item": "tramadol"})


# -- gabapentinoids ------------------------------------------------------------------------------


def test_issue_gabapentin_with_oxycodone_both_ways() -> None:
    # D.5.3 SAF-GABA-OPIOID: GABA member AND OPIOID member, major
    assert ("SAF-GABA-OPIOID", "major") in rules(
        context(meds=[regimen("oxycodone", 10, "mg")]), {"item": "gabapentin"}
    )
    assert ("SAF-GABA-OPIOID", "major") in rules(
        context(meds=[regimen("gabapentin", 900, "mg")]), {"item": "tramadol"}
    )
    assert "SAF-GABA-OPIOID" not in ids(context(), {"item": "gabapentin"})


def test_p2_pregabalin_pgb_cns_wins_over_gaba_rules() -> None:
    # D.5.3: "pregabalin -> SAF-PGB-CNS wins, rank 3"
    ctx = context(meds=[regimen("oxycodone", 10, "mg"), regimen("lorazepam", 1, "mg")])
    ws = check_plan(ctx, items({"item": "pregabalin"}), V)
    [pgb] = [w for w in ws if w.rule == "SAF-PGB-CNS"]
    assert {"SAF-GABA-OPIOID", "SAF-GABA-CNS"} <= set(pgb.absorbed)
    assert not {"SAF-GABA-OPIOID", "SAF-GABA-CNS"} & {w.rule for w in ws}
    assert set(pgb.partners) == {"oxycodone", "lorazepam"}


@pytest.mark.parametrize(
    "kw",
    [
        {"meds": [regimen("lorazepam", 1, "mg")]},
        {"meds": [regimen("zolpidem", 10, "mg")]},
        {"meds": [regimen("cyclobenzaprine", 10, "mg")]},
        {"meds": [regimen("diphenhydramine", 25, "mg")]},
        {"conditions": ["alcohol_use_disorder"]},
        {"conditions": ["copd"]},
        {"conditions": ["respiratory_impairment"]},
        {"birth_year": AGE_65},
    ],
)
def test_gaba_cns_gabapentin(kw) -> None:  # type: ignore[no-untyped-def]
    # D.5.3 SAF-GABA-CNS: GABA + BZD-Z/CNS-DEP partner, or (gabapentinoid plan item) COPD,
    # respiratory impairment, age >= 65
    assert ("SAF-GABA-CNS", "major") in rules(context(**kw), {"item": "gabapentin"})


def test_issue_gabapentin_with_lorazepam_and_copd_is_one_warning() -> None:
    # D.5.0 P1: a multi-partner rule yields one warning per (rule, plan item) listing all partners
    ctx = context(meds=[regimen("lorazepam", 1, "mg")], conditions=["copd"])
    w = warning(ctx, "SAF-GABA-CNS", {"item": "gabapentin"})
    assert set(w.partners) == {"lorazepam", "copd"} and w.subject == "gabapentin"


def test_gaba_cns_age_boundary_and_condition_only_on_the_plan_item() -> None:
    assert "SAF-GABA-CNS" not in ids(context(birth_year=AGE_64), {"item": "gabapentin"})
    assert "SAF-GABA-CNS" in ids(context(birth_year=AGE_65), {"item": "gabapentin"})
    # gabapentin current, an unrelated plan item: COPD does not make a gabapentin warning
    ctx = context(meds=[regimen("gabapentin", 900, "mg")], conditions=["copd"])
    assert "SAF-GABA-CNS" not in ids(ctx, {"item": "magnesium"})
    # but a sedative proposed to someone on gabapentin does
    assert "SAF-GABA-CNS" in ids(ctx, {"item": "lorazepam"})


def test_pgb_cns_age_boundary() -> None:
    # D.4 SAF-PGB-CNS "age >= 65 (design choice)": 64 no, 65 yes
    assert "SAF-PGB-CNS" not in ids(context(birth_year=AGE_64), {"item": "pregabalin"})
    assert "SAF-PGB-CNS" in ids(context(birth_year=AGE_65), {"item": "pregabalin"})


def test_renal_dose_gabapentinoids_and_duloxetine_boundaries() -> None:
    # D.5.3 SAF-RENAL-DOSE: gabapentin/pregabalin eGFR < 60 caution; duloxetine eGFR < 30 major
    for drug in ("gabapentin", "pregabalin"):
        assert ("SAF-RENAL-DOSE", "caution") in rules(context(labs=[egfr(59)]), {"item": drug})
        assert "SAF-RENAL-DOSE" not in ids(context(labs=[egfr(60)]), {"item": drug})
    assert ("SAF-RENAL-DOSE", "major") in rules(context(labs=[egfr(29)]), {"item": "duloxetine"})
    assert "SAF-RENAL-DOSE" not in ids(context(labs=[egfr(30)]), {"item": "duloxetine"})
    # plan items only (D.5.0 item 2c)
    ctx = context(meds=[regimen("gabapentin", 900, "mg")], labs=[egfr(20)])
    assert "SAF-RENAL-DOSE" not in ids(ctx, {"item": "magnesium"})


# -- SAF-CNS-DEPRESS ------------------------------------------------------------------------------


def test_cns_depress_a_opioid_with_benzodiazepine_or_z_drug() -> None:
    for bzd in ("lorazepam", "zolpidem"):
        assert ("SAF-CNS-DEPRESS", "major") in rules(
            context(meds=[regimen(bzd, 1, "mg")]), {"item": "oxycodone"}
        )
        assert ("SAF-CNS-DEPRESS", "major") in rules(
            context(meds=[regimen("oxycodone", 5, "mg")]), {"item": bzd}
        )


def test_cns_depress_b_opioid_with_cns_dep_another_opioid_or_alcohol() -> None:
    assert ("SAF-CNS-DEPRESS", "major") in rules(
        context(meds=[regimen("baclofen", 10, "mg")]), {"item": "codeine"}
    )
    assert ("SAF-CNS-DEPRESS", "major") in rules(
        context(meds=[regimen("morphine", 10, "mg")]), {"item": "codeine"}
    )
    assert ("SAF-CNS-DEPRESS", "major") in rules(
        context(conditions=["alcohol_use_disorder"]), {"item": "codeine"}
    )
    assert "SAF-CNS-DEPRESS" not in ids(context(), {"item": "codeine"})


def test_cns_depress_c_three_cns_active_at_65() -> None:
    # (c) age >= 65, plan item CNS-ACTIVE, >= 3 distinct CNS-ACTIVE substances (plan item incl.)
    meds = [regimen("sertraline", 50, "mg"), regimen("lamotrigine", 100, "mg")]
    assert ("SAF-CNS-DEPRESS", "major") in rules(
        context(meds=meds, birth_year=AGE_65), {"item": "amitriptyline"}
    )
    assert "SAF-CNS-DEPRESS" not in ids(
        context(meds=meds, birth_year=AGE_64), {"item": "amitriptyline"}
    )
    assert "SAF-CNS-DEPRESS" not in ids(
        context(meds=meds[:1], birth_year=AGE_65), {"item": "amitriptyline"}
    )
    # not evaluated on a gabapentinoid plan item, but gabapentinoids count for other items
    assert "SAF-CNS-DEPRESS" not in ids(
        context(meds=meds, birth_year=AGE_65), {"item": "gabapentin"}
    )
    gaba = [regimen("gabapentin", 900, "mg"), regimen("sertraline", 50, "mg")]
    assert ("SAF-CNS-DEPRESS", "major") in rules(
        context(meds=gaba, birth_year=AGE_65), {"item": "amitriptyline"}
    )


def test_cns_depress_d_other_sedative_pairs_caution_never_gabapentinoids() -> None:
    assert ("SAF-CNS-DEPRESS", "caution") in rules(
        context(meds=[regimen("diphenhydramine", 25, "mg")]), {"item": "lorazepam"}
    )
    assert ("SAF-CNS-DEPRESS", "caution") in rules(
        context(meds=[regimen("hydroxyzine", 25, "mg")]), {"item": "cyclobenzaprine"}
    )
    # D.5.0 P2: where a pair also has a major serotonin warning, the caution goes into it
    # (a man: pregnancy rules, independent of these by P4, stay out of the comparison)
    got = rules(
        context(meds=[regimen("trazodone", 50, "mg")], sex="male"), {"item": "cyclobenzaprine"}
    )
    assert got == {("SAF-SERO-PAIR", "major")}
    # gabapentinoid pairs never use (a), (b), (d)
    assert "SAF-CNS-DEPRESS" not in ids(
        context(meds=[regimen("gabapentin", 900, "mg")]), {"item": "lorazepam"}
    )
    assert "SAF-CNS-DEPRESS" not in ids(
        context(meds=[regimen("oxycodone", 5, "mg")]), {"item": "gabapentin"}
    )


def test_p2_equal_severity_and_rank_keeps_both_hazards() -> None:
    # D.5.0 P2: "Equal severity and equal rank: both are kept (different hazards, e.g.
    # serotonin toxicity and sedation)": methadone (OPIOID, SERO-S1) + mirtazapine (S1, CNS-DEP)
    got = rules(context(meds=[regimen("mirtazapine", 15, "mg")]), {"item": "methadone"})
    assert {("SAF-SERO-PAIR", "major"), ("SAF-CNS-DEPRESS", "major")} <= got


# -- bleeding ------------------------------------------------------------------------------------


@pytest.mark.parametrize("partner", ["ibuprofen", "aspirin", "clopidogrel", "apixaban", "warfarin"])
def test_sri_bleed_both_ways(partner: str) -> None:
    # D.5.3 SAF-SRI-BLEED: SRI AND (NSAID, ANTIPLATELET, ANTICOAGULANT), caution
    assert ("SAF-SRI-BLEED", "caution") in rules(
        context(meds=[regimen(partner, 75, "mg")]), {"item": "sertraline"}
    )
    assert ("SAF-SRI-BLEED", "caution") in rules(
        context(meds=[regimen("milnacipran", 100, "mg")]), {"item": partner}
    )


def test_p2_duloxetine_dlx_bleed_wins_over_sri_bleed() -> None:
    w = warning(
        context(meds=[regimen("ibuprofen", 400, "mg")]), "SAF-DLX-BLEED", {"item": "duloxetine"}
    )
    assert w.absorbed == ("SAF-SRI-BLEED",)
    assert "SAF-SRI-BLEED" not in ids(
        context(meds=[regimen("ibuprofen", 400, "mg")]), {"item": "duloxetine"}
    )


BLEEDING_DISORDERS = [
    "haemophilia",
    "von_willebrand_disease",
    "coagulation_factor_deficiency",
    "platelet_function_disorder",
    "thrombocytopenia",
    "immune_thrombocytopenia",
    "bleeding_disorder",
]


@pytest.mark.parametrize("condition", BLEEDING_DISORDERS)
def test_issue_bleeding_disorder(condition: str) -> None:
    # D.5.3 SAF-BLEED-DISORDER: NSAID major; BLEED-SUPP and SRI caution
    ctx = context(conditions=[condition])
    assert ("SAF-BLEED-DISORDER", "major") in rules(ctx, {"item": "naproxen"})
    assert ("SAF-BLEED-DISORDER", "caution") in rules(ctx, {"item": "omega-3"})
    assert ("SAF-BLEED-DISORDER", "caution") in rules(ctx, {"item": "duloxetine"})
    assert "SAF-BLEED-DISORDER" not in ids(ctx, {"item": "magnesium"})
    assert "SAF-BLEED-DISORDER" not in ids(context(), {"item": "naproxen"})


@pytest.mark.parametrize("vka", ["warfarin", "acenocoumarol", "phenprocoumon", "fluindione"])
def test_issue_coq10_with_any_vka(vka: str) -> None:
    # D.5.0 item 6: SAF-COQ10-WARF = CoQ10 + any VKA (class extrapolation)
    assert ("SAF-COQ10-WARF", "major") in rules(
        context(meds=[regimen(vka, 2, "mg")]), {"item": "coq10"}
    )
    assert ("SAF-COQ10-WARF", "major") in rules(
        context(meds=[regimen("coq10", 100, "mg")]), {"item": vka}
    )


# -- kidneys -------------------------------------------------------------------------------------


def test_issue_nsaid_egfr_bands_without_a_kidney_condition() -> None:
    # D.5.3 SAF-NSAID-RENAL-EGFR: < 30 major; 30 <= eGFR < 60 caution; CKD not required
    nsaid = {"item": "ibuprofen"}
    assert ("SAF-NSAID-RENAL-EGFR", "major") in rules(context(labs=[egfr(25)]), nsaid)
    assert ("SAF-NSAID-RENAL-EGFR", "major") in rules(context(labs=[egfr(29)]), nsaid)
    assert ("SAF-NSAID-RENAL-EGFR", "caution") in rules(context(labs=[egfr(30)]), nsaid)
    assert ("SAF-NSAID-RENAL-EGFR", "caution") in rules(context(labs=[egfr(59)]), nsaid)
    assert "SAF-NSAID-RENAL-EGFR" not in ids(context(labs=[egfr(60)]), nsaid)


def test_p4_nsaid_ckd_supersedes_the_egfr_rule() -> None:
    ctx = context(labs=[egfr(25)], conditions=["chronic_kidney_disease"])
    ws = check_plan(ctx, items({"item": "ibuprofen"}), V)
    [ckd] = [w for w in ws if w.rule == "SAF-NSAID-CKD"]
    assert "SAF-NSAID-RENAL-EGFR" not in {w.rule for w in ws}
    assert ckd.absorbed == ("SAF-NSAID-RENAL-EGFR",)


# -- naltrexone, St John's wort -------------------------------------------------------------------


@pytest.mark.parametrize(
    "condition", ["opioid_use_disorder", "opioid_dependence", "opioid_withdrawal"]
)
def test_issue_naltrexone_with_opioid_dependence(condition: str) -> None:
    # D.5.3 SAF-LDN-OPIOID-DEP: contraindicated
    assert ("SAF-LDN-OPIOID-DEP", "contraindicated") in rules(
        context(conditions=[condition]), {"item": "ldn"}
    )
    assert "SAF-LDN-OPIOID-DEP" not in ids(context(), {"item": "ldn"})


def test_p4_ldn_opioid_supersedes_ldn_opioid_dep() -> None:
    ctx = context(meds=[regimen("buprenorphine", 8, "mg")], conditions=["opioid_dependence"])
    ws = check_plan(ctx, items({"item": "ldn"}), V)
    assert [w.rule for w in ws if w.blocks] == ["SAF-LDN-OPIOID"]


@pytest.mark.parametrize(
    "partner",
    ["warfarin", "apixaban", "hormonal_contraceptive", "levonorgestrel", "ciclosporin",
     "tacrolimus", "sirolimus", "digoxin", "ritonavir", "efavirenz", "irinotecan"],
)  # fmt: skip
def test_sjw_inducer(partner: str) -> None:
    # D.5.3 SAF-SJW-INDUCER: plan item St John's wort AND a CYP-INDUCED partner, major
    assert ("SAF-SJW-INDUCER", "major") in rules(
        context(meds=[regimen(partner, 1, "mg")]), {"item": "st johns wort"}
    )
    # the plan item must be St John's wort
    assert "SAF-SJW-INDUCER" not in ids(
        context(meds=[regimen("st_johns_wort", 900, "mg")]), {"item": partner}
    )


# -- precedence P4: duloxetine and MAOIs ---------------------------------------------------------


def test_p4_dlx_maoi_supersedes_maoi_rules_for_duloxetine() -> None:
    ws = check_plan(
        context(meds=[regimen("phenelzine", 45, "mg")]), items({"item": "duloxetine"}), V
    )
    assert [w.rule for w in ws if w.blocks] == ["SAF-DLX-MAOI"]
    assert "SAF-MAOI-SERO" in ws[0].absorbed
    stopped = context(meds=[regimen("phenelzine", 45, "mg", stop=days_ago(13))])
    ws = check_plan(stopped, items({"item": "duloxetine"}), V)
    assert [w.rule for w in ws if w.blocks] == ["SAF-DLX-MAOI"]
    # SAF-DLX-MAOI "stopped < 14 days ago": 14 does not fire
    old = context(meds=[regimen("phenelzine", 45, "mg", stop=days_ago(14))])
    assert not [w for w in check_plan(old, items({"item": "duloxetine"}), V) if w.blocks]


# -- inputs that were missing ----------------------------------------------------------------


def test_missing_inputs_are_named() -> None:
    # the brief: "no eGFR on record", "pregnancy not recorded", "age not recorded"
    check = check_safety(
        context(birth_year=None), items({"item": "ibuprofen"}, {"item": "pregabalin"}), V
    )
    by_input = {m.input: m for m in check.missing}
    assert by_input["egfr"].message == "no eGFR on record"
    assert "SAF-NSAID-RENAL-EGFR" in by_input["egfr"].rules
    assert by_input["age"].message == "age not recorded"
    assert "SAF-PGB-CNS" in by_input["age"].rules
    assert by_input["pregnancy"].message == "pregnancy not recorded"
    known = check_safety(context(labs=[egfr(90)], sex="male"), items({"item": "ibuprofen"}), V)
    assert {m.input for m in known.missing} == set()


ENGINE_RULES = [
    # clinical-rules.md D.4, read through the D.5.1 classes
    "SAF-MG-UL", "SAF-MG-RENAL", "SAF-MG-CHELATE", "SAF-VITD-UL", "SAF-VITD-CA", "SAF-VITD-THZ",
    "SAF-BLEED", "SAF-BLEED-STACK", "SAF-COQ10-WARF", "SAF-OMEGA3-DOSE", "SAF-CURC-LIVER",
    "SAF-LDN-OPIOID", "SAF-DLX-MAOI", "SAF-DLX-SERO", "SAF-DLX-BLEED", "SAF-DLX-LIVER",
    "SAF-PGB-CNS", "SAF-PROBIOTIC-IMMUNO", "SAF-NSAID-CKD", "SAF-NSAID-BLEED", "SAF-NSAID-FM",
    "SAF-TCZ", "SAF-DMARD",
    # clinical-rules.md D.5.3, interaction and condition rules
    "SAF-MAOI-SERO", "SAF-MAOI-WASHOUT", "SAF-SERO-PAIR", "SAF-TCA-TRAMADOL-SEIZURE",
    "SAF-SEIZURE-HX", "SAF-GABA-OPIOID", "SAF-GABA-CNS", "SAF-CNS-DEPRESS", "SAF-SRI-BLEED",
    "SAF-BLEED-DISORDER", "SAF-NSAID-RENAL-EGFR", "SAF-RENAL-DOSE", "SAF-LDN-OPIOID-DEP",
    "SAF-SJW-INDUCER",
]  # fmt: skip


def test_every_rule_has_an_evaluator() -> None:
    # a rule in the data with no code behind it would be silent: each custom rule of this engine
    # has its function, every other one names a generic evaluator
    from flarewise.plan.interactions import CUSTOM, ELSEWHERE

    for rule in ENGINE_RULES:
        r = V.safety_rules[rule]
        assert r.evaluator is not None, r.id
        if r.evaluator == "custom":
            assert r.id in CUSTOM or r.id in ELSEWHERE, r.id


def test_d51_every_member_of_every_class_as_the_document_lists_it() -> None:
    # clinical-rules.md D.5.1, row by row (generic names as substance ids); open groups
    # ("antipsychotics", "other antiepileptics", "hormonal contraceptives", "HIV protease
    # inhibitors/NNRTIs") are checked by the examples in the test above
    ssri = [
        "citalopram",
        "escitalopram",
        "fluoxetine",
        "fluvoxamine",
        "paroxetine",
        "sertraline",
        "vilazodone",
        "vortioxetine",
    ]
    snri = ["duloxetine", "venlafaxine", "desvenlafaxine", "milnacipran", "levomilnacipran"]
    tca = [
        "amitriptyline",
        "nortriptyline",
        "imipramine",
        "clomipramine",
        "desipramine",
        "doxepin",
        "trimipramine",
        "protriptyline",
    ]
    triptans = [
        "sumatriptan",
        "rizatriptan",
        "zolmitriptan",
        "eletriptan",
        "naratriptan",
        "almotriptan",
        "frovatriptan",
    ]
    amphetamines = ["amphetamine", "dexamfetamine", "lisdexamfetamine", "methamphetamine"]
    opioid = [
        "tramadol",
        "tapentadol",
        "codeine",
        "dihydrocodeine",
        "hydrocodone",
        "oxycodone",
        "oxymorphone",
        "morphine",
        "hydromorphone",
        "fentanyl",
        "methadone",
        "buprenorphine",
        "meperidine",
        "levorphanol",
    ]
    relaxants = [
        "cyclobenzaprine",
        "carisoprodol",
        "methocarbamol",
        "metaxalone",
        "tizanidine",
        "baclofen",
        "orphenadrine",
        "chlorzoxazone",
    ]
    bzd_z = [
        "alprazolam",
        "chlordiazepoxide",
        "clobazam",
        "clonazepam",
        "clorazepate",
        "diazepam",
        "lorazepam",
        "midazolam",
        "oxazepam",
        "temazepam",
        "triazolam",
        "zolpidem",
        "zopiclone",
        "eszopiclone",
        "zaleplon",
    ]
    gaba = ["gabapentin", "gabapentin_enacarbil", "pregabalin", "mirogabalin"]
    table = {
        "sero_s1": [*ssri, *snri, *tca, "cyclobenzaprine", "tramadol", "tapentadol", "meperidine",
                    "methadone", "fentanyl", "dextromethorphan", *triptans, "lithium", "buspirone",
                    *amphetamines, "trazodone", "mirtazapine", "st_johns_wort", "tryptophan",
                    "five_htp"],
        "sero_s2": ["sam_e", "rhodiola"],
        "maoi": ["phenelzine", "tranylcypromine", "isocarboxazid", "selegiline", "rasagiline",
                 "safinamide", "moclobemide", "procarbazine", "linezolid", "methylene_blue"],
        "tca": tca,
        "tricyclic": [*tca, "cyclobenzaprine", "promethazine"],
        "opioid": opioid,
        "gaba": gaba,
        "bzd_z": bzd_z,
        "cns_dep": [*relaxants, "phenobarbital", "butalbital", "diphenhydramine", "hydroxyzine",
                    "promethazine", "doxylamine", *tca, "mirtazapine", "trazodone",
                    "sodium_oxybate", "quetiapine"],
        "cns_active": [*opioid, *gaba, *bzd_z, *tca, *ssri, *snri, "mirtazapine", "trazodone",
                       *relaxants, "quetiapine"],
        "sri": [*ssri, *snri],
        "anticoagulant": ["warfarin", "acenocoumarol", "phenprocoumon", "fluindione", "apixaban",
                          "rivaroxaban", "edoxaban", "dabigatran", "heparin", "enoxaparin",
                          "fondaparinux"],
        "antiplatelet": ["aspirin", "clopidogrel", "prasugrel", "ticagrelor", "dipyridamole",
                         "cilostazol"],
        "nsaid": ["ibuprofen", "naproxen", "diclofenac", "celecoxib", "meloxicam", "ketorolac",
                  "indomethacin", "etodolac", "nabumetone", "piroxicam", "ketoprofen", "aspirin"],
        "bleed_supp": ["curcumin", "omega_3", "resveratrol", "ginger"],
        "cyp_induced": ["warfarin", "acenocoumarol", "phenprocoumon", "fluindione", "apixaban",
                        "rivaroxaban", "edoxaban", "dabigatran", "ciclosporin", "tacrolimus",
                        "sirolimus", "digoxin", "irinotecan"],
    }  # fmt: skip
    for cls, members in table.items():
        missing = sorted(set(members) - V.class_members[cls])
        assert missing == [], (cls, missing)
    # and nothing outside the document's rows, apart from the open groups' examples
    exact = ["sero_s2", "maoi", "tca", "tricyclic", "opioid", "gaba", "bzd_z", "sri",
             "antiplatelet", "nsaid", "bleed_supp"]  # fmt: skip
    for cls in exact:
        assert V.class_members[cls] == set(table[cls]), cls


def test_every_intervention_names_the_rules_that_can_apply_to_it() -> None:
    # `flarewise kb show milnacipran` lists SAF-MAOI-SERO, SAF-SERO-PAIR, ... (read from the
    # rules' own item and partner sides, so a new class rule cannot be missed there)
    from flarewise.plan.context import agent_classes
    from flarewise.plan.interactions import matches

    for i in V.interventions.values():
        if i.substance is None:
            continue
        a = Agent(i.substance, agent_classes(V, i.substance, None), "proposed")
        applies = {
            r.id
            for r in V.safety_rules.values()
            if r.evaluator and (matches(a, r.item) or matches(a, r.partner))
        }
        assert applies <= set(i.safety_rules), (i.id, sorted(applies - set(i.safety_rules)))


def test_an_old_class_id_in_avoid_still_works() -> None:
    # "gabapentinoid" was the class id before D.5.1's GABA: a profile that avoids it still avoids
    # gabapentinoids, and the profile check accepts it
    from flarewise.knowledge.checks import check_profile
    from flarewise.plan import build_plan

    ctx = context(avoid=["gabapentinoid"])
    check_profile(V, ctx.profile)
    plan = build_plan(ctx, V)
    assert "pregabalin" not in {o.intervention for o in plan.options}
    assert "asked not to" in next(
        n.reason for n in plan.not_suggested if n.intervention == "pregabalin"
    )


def test_mg_renal_egfr_boundary() -> None:
    # D.4 SAF-MG-RENAL: "eGFR < 60 (design choice)": 59 fires, 60 does not
    assert ("SAF-MG-RENAL", "major") in rules(context(labs=[egfr(59)]), {"item": "magnesium"})
    assert "SAF-MG-RENAL" not in ids(context(labs=[egfr(60)]), {"item": "magnesium"})


def test_p1_multi_partner_branches_make_one_warning_at_the_highest_severity() -> None:
    # D.5.0 P1: "if a rule id fires on the same plan item through several branches, keep one
    # warning at the highest severity": (a) with oxycodone (major), (d) with diphenhydramine
    ctx = context(meds=[regimen("oxycodone", 5, "mg"), regimen("diphenhydramine", 25, "mg")])
    w = warning(ctx, "SAF-CNS-DEPRESS", {"item": "lorazepam"})
    assert w.severity == "major"
    assert dict(zip(w.partners, w.partner_severities, strict=True)) == {
        "oxycodone": "major",
        "diphenhydramine": "caution",
    }
