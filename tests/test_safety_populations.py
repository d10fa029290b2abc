"""Pregnancy and lactation rules: SAF-PREG-ITEM, SAF-PREG-UL, SAF-PREG-UNKNOWN, SAF-LACT-ITEM,
SAF-LACT-UL (clinical-rules.md D.5.3, D.5.5), and the data file's validation."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from flarewise import Profile
from flarewise.knowledge.populations import _raw, load_populations, parse_populations
from flarewise.knowledge.vocabulary import VocabularyError
from flarewise.plan import PlanContext, build_plan, check_plan

from .plan_helpers import ON, V, context, items, regimen

#: clinical-rules.md D.5.5: (pregnancy, lactation) per plan item (intervention or substance id).
D55 = {
    "nad": ("major", "major"),
    "nicotinamide_riboside": ("major", "major"),
    "curcumin": ("major", "major"),
    "omega_3": ("none", "none"),
    "magnesium": ("none", "none"),
    "vitamin_d": ("none", "none"),
    "resveratrol": ("major", "major"),
    "coq10": ("major", "major"),
    "probiotic": ("none", "none"),
    "rhodiola": ("major", "major"),
    "st_johns_wort": ("major", "major"),
    "five_htp": ("major", "major"),
    "sam_e": ("major", "major"),
    "low_dose_naltrexone": ("major", "caution"),
    "duloxetine": ("major", "caution"),
    "milnacipran": ("major", "caution"),
    "amitriptyline": ("major", "caution"),
    "pregabalin": ("major", "contraindicated"),
    "gabapentin": ("major", "caution"),
    "cyclobenzaprine": ("major", "major"),
    "tramadol": ("major", "contraindicated"),
    "nsaids": ("contraindicated", "none"),
    "naproxen": ("contraindicated", "none"),
    "aspirin": ("contraindicated", "none"),
    # not listed in D.5.5: supplements and medicines get major in both states
    "melatonin": ("major", "major"),
    "venlafaxine": ("major", "major"),
}


def person(sex: str | None = "female", birth_year: int | None = 1990, **kw: Any) -> PlanContext:
    base = context(sex=sex, birth_year=birth_year)
    return replace(base, profile=Profile(**{**base.profile.model_dump(), **kw}))


def pop(ctx: PlanContext, *raw: dict[str, Any]) -> set[tuple[str, str]]:
    rules = ("SAF-PREG-ITEM", "SAF-PREG-UNKNOWN", "SAF-LACT-ITEM", "SAF-PREG-UL", "SAF-LACT-UL")
    return {(w.rule, w.severity) for w in check_plan(ctx, items(*raw), V) if w.rule in rules}


@pytest.mark.parametrize(("item", "expected"), sorted(D55.items()))
def test_preg_item_and_lact_item_follow_d55(item: str, expected: tuple[str, str]) -> None:
    preg, lact = expected
    got = pop(person(pregnant=True), {"item": item})
    assert got == (set() if preg == "none" else {("SAF-PREG-ITEM", preg)})
    got = pop(person(pregnant=False, breastfeeding=True), {"item": item})
    assert got == (set() if lact == "none" else {("SAF-LACT-ITEM", lact)})


def test_issue_items_offered_to_a_pregnant_person_now_warn() -> None:
    # the issue: naltrexone, curcumin, pregabalin and duloxetine offered with no word
    ctx = person(pregnant=True)
    for item in ("low_dose_naltrexone", "curcumin", "pregabalin", "duloxetine"):
        assert ("SAF-PREG-ITEM", "major") in pop(ctx, {"item": item}), item
    options = {o.intervention: o for o in build_plan(ctx, V).options}
    for item in ("low_dose_naltrexone", "curcumin", "pregabalin", "duloxetine"):
        o = options[item]
        assert "SAF-PREG-ITEM" in {w.rule for w in o.warnings} and o.needs_sign_off
    # NSAIDs are contraindicated in pregnancy; exercise, diet, sleep, mind-body get nothing
    assert ("SAF-PREG-ITEM", "contraindicated") in pop(ctx, {"item": "nsaids"})
    for item in ("aerobic_exercise", "anti_inflammatory_diet", "sleep_hygiene", "mbsr"):
        assert pop(ctx, {"item": item}) == set(), item


def test_ginger_1050_and_1051_mg_in_pregnancy() -> None:
    # D.5.5: ginger caution (<= 1050 mg/day); major above (Smith 2004: 1.05 g/day)
    ctx = person(pregnant=True)
    ginger = {"item": "ginger", "unit": "mg"}
    assert pop(ctx, {**ginger, "dose": 1050}) == {("SAF-PREG-ITEM", "caution")}
    assert pop(ctx, {**ginger, "dose": 1051}) == {("SAF-PREG-ITEM", "major")}
    # the day's total counts: 600 mg taken already + 451 mg proposed
    taking = replace(ctx, current=context(meds=[regimen("ginger", 600, "mg")]).current)
    assert pop(taking, {**ginger, "dose": 451}) == {("SAF-PREG-ITEM", "major")}
    assert pop(taking, {**ginger, "dose": 450}) == {("SAF-PREG-ITEM", "caution")}
    # a dose not known to be within 1050 mg cannot get the lower severity
    assert pop(ctx, {"item": "ginger"}) == {("SAF-PREG-ITEM", "major")}
    assert pop(ctx, {**ginger, "dose": 2, "unit": "capsule"}) == {("SAF-PREG-ITEM", "major")}
    # lactation: caution at any dose
    assert pop(person(pregnant=False, breastfeeding=True), {**ginger, "dose": 3000}) == {
        ("SAF-LACT-ITEM", "caution")
    }


def test_pregnant_false_gives_nothing_and_none_only_unknown() -> None:
    # D.5.5: pregnant = false -> no warning of that family; absent -> SAF-PREG-UNKNOWN only
    assert pop(person(pregnant=False), {"item": "duloxetine"}) == set()
    assert pop(person(), {"item": "duloxetine"}) == {("SAF-PREG-UNKNOWN", "info")}
    assert pop(person(), {"item": "nsaids"}) == {("SAF-PREG-UNKNOWN", "info")}
    # only for items whose pregnancy severity is major or worse
    assert pop(person(), {"item": "magnesium", "dose": 300, "unit": "mg"}) == set()
    assert pop(person(), {"item": "ginger", "dose": 1000, "unit": "mg"}) == set()  # caution
    assert pop(person(), {"item": "ginger", "dose": 1051, "unit": "mg"}) == {
        ("SAF-PREG-UNKNOWN", "info")
    }


@pytest.mark.parametrize(
    ("birth_year", "fires"),
    [
        (ON.year - 11 - 1, False),  # age 11 on 1 June (birthday taken as 1 July)
        (ON.year - 12 - 1, True),  # 12
        (ON.year - 55 - 1, True),  # 55
        (ON.year - 56 - 1, False),  # 56
        (None, True),  # age unknown
    ],
)
def test_preg_unknown_age_band_12_to_55(birth_year: int | None, fires: bool) -> None:
    ctx = person(birth_year=birth_year)
    if birth_year is not None:
        assert ctx.age in (11, 12, 55, 56)
    assert (("SAF-PREG-UNKNOWN", "info") in pop(ctx, {"item": "pregabalin"})) is fires


@pytest.mark.parametrize(
    ("sex", "fires"), [("female", True), (None, True), ("unspecified", True), ("male", False)]
)
def test_preg_unknown_sex_female_or_unknown(sex: str | None, fires: bool) -> None:
    assert (("SAF-PREG-UNKNOWN", "info") in pop(person(sex=sex), {"item": "pregabalin"})) is fires


def test_preg_ul_and_lact_ul() -> None:
    # D.5.3: SAF-PREG-UL major above the UL (vitamin D 4000 IU, magnesium 350 mg);
    # SAF-LACT-UL only when not already SAF-PREG-UL
    vit_d = {"item": "vitamin_d", "unit": "IU"}
    assert pop(person(pregnant=True), {**vit_d, "dose": 4000}) == set()
    assert pop(person(pregnant=True), {**vit_d, "dose": 4001}) == {("SAF-PREG-UL", "major")}
    assert pop(person(breastfeeding=True), {**vit_d, "dose": 4001}) == {("SAF-LACT-UL", "major")}
    both = person(pregnant=True, breastfeeding=True)
    assert pop(both, {"item": "magnesium", "dose": 351, "unit": "mg"}) == {("SAF-PREG-UL", "major")}


def test_planning_pregnancy_is_read_as_if_you_become_pregnant() -> None:
    # design choice (plan/populations.py): planning_pregnancy -> SAF-PREG-ITEM, same table
    ctx = person(pregnant=False, planning_pregnancy=True)
    ws = [w for w in check_plan(ctx, items({"item": "pregabalin"}), V) if w.rule == "SAF-PREG-ITEM"]
    assert [(w.severity, "if you become pregnant" in w.message) for w in ws] == [("major", True)]
    assert pop(ctx, {"item": "vitamin_d", "dose": 4001, "unit": "IU"}) == set()  # not pregnant


def test_population_rules_apply_to_plan_items_only() -> None:
    # D.5.0 2c: a current medicine gets no population warning
    ctx = replace(
        person(pregnant=True, breastfeeding=True),
        current=context(meds=[regimen("pregabalin", 150, "mg")]).current,
    )
    assert check_plan(ctx, [], V) == []


def test_population_catalogue_severities() -> None:
    expected = {"SAF-PREG-ITEM": "major", "SAF-PREG-UNKNOWN": "info", "SAF-LACT-ITEM": "major"}
    assert {k: V.safety_rules[k].severity for k in expected} == expected


# -- the data file ------------------------------------------------------------------------------


def test_data_file_loads_and_every_row_has_basis_and_source() -> None:
    pops = load_populations(V)
    assert pops.row_for("ginger", frozenset()).pregnancy_above.amount == 1050  # type: ignore[union-attr]
    assert all(r.basis and r.source for r in pops.rows)


@pytest.mark.parametrize(
    ("path", "value", "needle"),
    [
        (("pregnancy_lactation", 0, "substances"), ["nadd"], "unknown 'nadd'"),
        (("pregnancy_lactation", 0, "classes"), ["nsaidz"], "unknown class"),
        (("ceilings", 0, "substance"), "vitamin_dd", "unknown 'vitamin_dd'"),
        (("ceilings", 0, "unit"), "mg", "canonical unit"),
        (("pregnancy_lactation", 0, "pregnancy"), "bad", "invalid"),
    ],
)
def test_loader_refuses_unknown_ids_and_bad_values(
    path: tuple[Any, ...], value: Any, needle: str
) -> None:
    data = copy.deepcopy(_raw())
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(VocabularyError, match=needle):
        parse_populations(data, V)
