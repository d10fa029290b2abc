"""Dose rules: SAF-DOSE-INVALID, SAF-DOSE-UNITS, SAF-DOSE-IMPLAUSIBLE, the upper limits and their
precedence (clinical-rules.md D.4, D.5.0 P3 and 2c, D.5.3, D.5.6), through ``check_plan`` and
through ``flarewise plan check --json``."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from flarewise import DoseStep, InvalidInput, Profile, Regimen
from flarewise.cli import run
from flarewise.domain.regimens import UnitStrength
from flarewise.knowledge.populations import load_populations
from flarewise.plan import PlanContext, Warning, check_plan

from .plan_helpers import ON, V, context, items, regimen

DOSE_RULES = (
    "SAF-DOSE-INVALID",
    "SAF-DOSE-UNITS",
    "SAF-DOSE-IMPLAUSIBLE",
    "SAF-PREG-UL",
    "SAF-LACT-UL",
    "SAF-VITD-UL",
    "SAF-MG-UL",
    "SAF-OMEGA3-DOSE",
)


def check(ctx: PlanContext, *raw: dict[str, Any]) -> list[Warning]:
    return check_plan(ctx, items(*raw), V)


def found(ctx: PlanContext, *raw: dict[str, Any]) -> set[tuple[str, str]]:
    return {(w.rule, w.severity) for w in check(ctx, *raw)}


def dose_rules(ctx: PlanContext, *raw: dict[str, Any]) -> list[str]:
    return sorted(w.rule for w in check(ctx, *raw) if w.rule in DOSE_RULES)


def person(**profile: Any) -> PlanContext:
    """A man of 45 unless said otherwise: no pregnancy rule gets in the way of dose rules."""
    base = context(sex="male")
    return replace(base, profile=Profile(**{**base.profile.model_dump(), **profile}))


def vit_d(dose: Any, unit: str = "IU", **kw: Any) -> dict[str, Any]:
    return {"item": "vitamin_d", "dose": dose, "unit": unit, **kw}


def mg(dose: Any, unit: str = "mg", **kw: Any) -> dict[str, Any]:
    return {"item": "magnesium", "dose": dose, "unit": unit, **kw}


# -- SAF-DOSE-INVALID (D.5.3: NaN, +-Infinity, non-numeric, <= 0; dose or per-unit strength) ------


@pytest.mark.parametrize(
    "dose", [float("nan"), float("inf"), float("-inf"), "abc", "NaN", 0, -5, "-1", "4,000"]
)
def test_dose_invalid_withholds_the_item_and_no_other_dose_rule_runs(dose: Any) -> None:
    # D.5.6: "a dose present but NaN/±Infinity/non-numeric/≤ 0 is SAF-DOSE-INVALID and is
    # never compared with a limit"; D.5.3: contraindicated, no other dose rule for the item
    ws = check(person(), vit_d(dose))
    assert [(w.rule, w.severity) for w in ws] == [("SAF-DOSE-INVALID", "contraindicated")]
    assert ws[0].blocks


def test_dose_invalid_strength_per_unit() -> None:
    # D.5.3: "a dose (or a per-unit strength) is present but is not a finite number ... or ≤ 0"
    for bad in (float("nan"), 0, "x"):
        raw = mg(2, "tablet", strength={"amount": bad, "unit": "mg"})
        assert dose_rules(person(), raw) == ["SAF-DOSE-INVALID"]


def test_numeric_text_is_a_number_and_a_missing_dose_is_not_an_error() -> None:
    # D.5.6: "A missing dose is not an error ... no dose rule fires"
    assert dose_rules(person(), {"item": "vitamin_d"}) == []
    assert dose_rules(person(), vit_d("4001")) == ["SAF-VITD-UL"]


def test_issue_nan_next_to_5000_iu_no_longer_hides_the_sum() -> None:
    # the issue: a NaN vitamin D item next to a 5,000 IU one gave "No warnings"
    ws = check(person(), vit_d(float("nan")), vit_d(5000))
    rules = {(w.rule, w.severity) for w in ws}
    assert rules == {("SAF-DOSE-INVALID", "contraindicated"), ("SAF-VITD-UL", "caution")}
    [ul] = [w for w in ws if w.rule == "SAF-VITD-UL"]
    assert "at least 5000 IU/day" in ul.message  # D.5.0 2c: a lower bound


@pytest.mark.parametrize("value", [True, [400], {"amount": 400}])
def test_dose_that_is_not_an_amount_at_all_is_refused(value: Any) -> None:
    with pytest.raises(InvalidInput) as info:
        items(vit_d(value))
    assert info.value.field == "items[0].dose"


def test_strength_shapes_that_cannot_be_read_are_refused() -> None:
    bad = [
        mg(300, "mg", strength={"amount": 120, "unit": "mg"}),  # not counted in product units
        mg(2, "tablet", strength=120),
        mg(2, "tablet", strength={"amount": 1, "unit": "capsule"}),
        mg(2, "tablet", strength={"amount": 120}),
    ]
    for raw in bad:
        with pytest.raises(InvalidInput, match="strength"):
            items(raw)


# -- SAF-DOSE-UNITS (D.5.3: major for dose-checked items, info otherwise; never zero) -------------


def test_dose_units_product_unit_without_strength() -> None:
    assert found(person(), mg(2, "tablet")) == {("SAF-DOSE-UNITS", "major")}
    assert found(person(), vit_d(3, "capsule")) == {("SAF-DOSE-UNITS", "major")}
    # probiotic: no ceiling and no UL in D.5.6 -> info
    assert ("SAF-DOSE-UNITS", "info") in found(
        person(), {"item": "probiotic", "dose": 2, "unit": "capsule"}
    )


def test_dose_units_unit_that_does_not_fit_the_substance() -> None:
    # D.5.3 examples: "IU for magnesium, CFU for vitamin D"; mL of product for vitamin D drops
    assert dose_rules(person(), mg(400, "IU")) == ["SAF-DOSE-UNITS"]
    assert dose_rules(person(), vit_d(10, "CFU")) == ["SAF-DOSE-UNITS"]
    assert dose_rules(person(), vit_d(1, "mL")) == ["SAF-DOSE-UNITS"]


def test_issue_tablets_and_capsules_are_not_counted_as_zero() -> None:
    # the issue: 2 magnesium tablets + 3 vitamin D capsules + magnesium 300 mg + vitamin D
    # 4,000 IU gave "No warnings"
    ws = check(person(), mg(2, "tablet"), vit_d(3, "capsule"), mg(300), vit_d(4000))
    assert sorted((w.rule, w.severity, w.involves) for w in ws) == [
        ("SAF-DOSE-UNITS", "major", ("magnesium",)),
        ("SAF-DOSE-UNITS", "major", ("vitamin_d",)),
    ]


def test_uncounted_dose_makes_the_sum_a_lower_bound() -> None:
    [ul] = [w for w in check(person(), mg(2, "tablet"), mg(351)) if w.rule == "SAF-MG-UL"]
    assert "at least 351 mg/day" in ul.message and "could not be counted" in ul.message


def test_strength_converts_product_units() -> None:
    # D.5.6: "2 capsules x 5000 IU = 10 000 IU, then the normal rules apply"
    two = vit_d(2, "capsule", strength={"amount": 5000, "unit": "IU"})
    assert dose_rules(person(), two) == ["SAF-VITD-UL"]
    three = vit_d(3, "capsule", strength={"amount": 5000, "unit": "IU"})
    assert dose_rules(person(), three) == ["SAF-DOSE-IMPLAUSIBLE"]
    # the brief's example: 2 tablets of 120 mg elemental + 300 mg = 540 mg > 350
    tabs = mg(2, "tablet", strength={"amount": 120, "unit": "mg"})
    [ul] = [w for w in check(person(), tabs, mg(300)) if w.rule == "SAF-MG-UL"]
    assert "Total: 540 mg/day from 2 source(s)" in ul.message
    # a strength in a unit that does not fit is still SAF-DOSE-UNITS
    assert dose_rules(person(), mg(2, "tablet", strength={"amount": 5, "unit": "IU"})) == [
        "SAF-DOSE-UNITS"
    ]


def test_mass_and_microgram_conversions() -> None:
    # D.5.6: g x 1000 = mg; vitamin D ug x 40 = IU (IOM: 100 ug = 4000 IU)
    assert dose_rules(person(), vit_d(100, "mcg")) == []
    assert dose_rules(person(), vit_d(100.025, "mcg")) == ["SAF-VITD-UL"]  # 4001 IU
    assert dose_rules(person(), mg(0.35, "g")) == []
    assert dose_rules(person(), mg(0.351, "g")) == ["SAF-MG-UL"]


def test_current_medicine_with_strength_is_counted_and_without_is_a_lower_bound() -> None:
    # D.5.0 2c: a recorded medication whose dose cannot be converted is left out of the sum,
    # reported as a lower bound; with the regimen's strength it counts
    strong = Regimen(
        substance="magnesium",
        strength=UnitStrength(amount=120, unit="mg", per="tablet"),
        steps=[DoseStep(start=ON.replace(month=1), amount=3, unit="tablet")],
    )
    ctx = replace(person(), current=context(meds=[strong]).current)
    assert ctx.current[0].daily_amount == 360
    assert ("SAF-MG-UL", "caution") in {(w.rule, w.severity) for w in check_plan(ctx, [], V)}
    ctx = replace(person(), current=context(meds=[regimen("magnesium", 2, "tablet")]).current)
    assert check_plan(ctx, [], V) == []  # no dose rule for a recorded medicine (2c)
    [ul] = [w for w in check(ctx, mg(351)) if w.rule == "SAF-MG-UL"]
    assert "at least 351" in ul.message


# -- SAF-DOSE-IMPLAUSIBLE (D.5.6 ceilings, "dose > ceiling fires") -----------------------------

#: clinical-rules.md D.5.6, ceiling per day in the canonical unit.
CEILINGS = {
    "vitamin_d": 10000,
    "magnesium": 1000,
    "omega_3": 10000,
    "curcumin": 8000,
    "resveratrol": 5000,
    "coq10": 3000,
    "nad": 2000,
    "nicotinamide_riboside": 2000,
    "ginger": 4000,
    "rhodiola": 1360,
    "naltrexone": 150,
    "duloxetine": 120,
    "milnacipran": 200,
    "pregabalin": 600,
    "gabapentin": 3600,
    "amitriptyline": 300,
    "cyclobenzaprine": 30,
    "tramadol": 400,
    "ibuprofen": 3200,
    "naproxen": 1500,
    "diclofenac": 150,
    "celecoxib": 400,
    "aspirin": 4000,
}


def test_ceiling_table_is_d56() -> None:
    assert {k: c.amount for k, c in load_populations(V).ceilings.items()} == CEILINGS


@pytest.mark.parametrize(("substance", "ceiling"), sorted(CEILINGS.items()))
def test_dose_implausible_each_ceiling(substance: str, ceiling: float) -> None:
    unit = V.substances[substance].canonical_unit
    at = {"item": substance, "dose": ceiling, "unit": unit}
    above = {**at, "dose": ceiling + 1}
    assert "SAF-DOSE-IMPLAUSIBLE" not in {w.rule for w in check(person(), at)}
    assert ("SAF-DOSE-IMPLAUSIBLE", "contraindicated") in found(person(), above)


def test_dose_implausible_vitamin_d_10000_and_10001() -> None:
    assert dose_rules(person(), vit_d(10000)) == ["SAF-VITD-UL"]
    assert dose_rules(person(), vit_d(10001)) == ["SAF-DOSE-IMPLAUSIBLE"]


def test_issue_1e9_iu_is_implausible_not_a_caution() -> None:
    ws = check(person(), vit_d(1e9))
    assert [(w.rule, w.severity) for w in ws] == [("SAF-DOSE-IMPLAUSIBLE", "contraindicated")]


def test_dose_implausible_only_a_clinician_override_shows_it() -> None:
    over = {"rule": "SAF-DOSE-IMPLAUSIBLE", "item": "vitamin_d", "clinician": "Dr Rao"}
    ctx = person(overrides=[{**over, "on": "2025-05-01"}])
    [w] = [w for w in check(ctx, vit_d(20000)) if w.rule == "SAF-DOSE-IMPLAUSIBLE"]
    assert w.severity == "major" and w.overridden_by == "Dr Rao on 2025-05-01"


# -- upper limits (D.4) ------------------------------------------------------------------------


def test_vitd_ul_4000_and_4001() -> None:
    assert dose_rules(person(), vit_d(4000)) == []
    assert found(person(), vit_d(4001)) == {("SAF-VITD-UL", "caution")}


def test_mg_ul_350_and_351() -> None:
    assert dose_rules(person(), mg(350)) == []
    assert found(person(), mg(351)) == {("SAF-MG-UL", "caution")}


def test_omega3_dose_5000_and_5001() -> None:
    o3 = {"item": "omega_3", "unit": "mg"}
    assert dose_rules(person(), {**o3, "dose": 5000}) == []
    assert dose_rules(person(), {**o3, "dose": 5001}) == ["SAF-OMEGA3-DOSE"]


# -- precedence P3: one dose-magnitude warning per plan item, in order --------------------------


def test_p3_each_tier() -> None:
    both = {"pregnant": True, "breastfeeding": True}
    # INVALID > UNITS: an invalid strength on a product unit
    bad = mg(2, "tablet", strength={"amount": float("nan"), "unit": "mg"})
    assert dose_rules(person(), bad) == ["SAF-DOSE-INVALID"]
    # UNITS > IMPLAUSIBLE/UL: tablets without strength next to a sum already above the UL
    assert dose_rules(person(), mg(2, "tablet")) == ["SAF-DOSE-UNITS"]
    # IMPLAUSIBLE > PREG-UL > LACT-UL > D.4 UL
    assert dose_rules(person(**both), vit_d(10001)) == ["SAF-DOSE-IMPLAUSIBLE"]
    assert dose_rules(person(**both), vit_d(4001)) == ["SAF-PREG-UL"]
    assert dose_rules(person(breastfeeding=True), vit_d(4001)) == ["SAF-LACT-UL"]
    assert dose_rules(person(pregnant=False, breastfeeding=False), vit_d(4001)) == ["SAF-VITD-UL"]
    # SAF-PREG-UL / SAF-LACT-UL are for true ULs only: omega-3 keeps SAF-OMEGA3-DOSE
    o3 = {"item": "omega_3", "dose": 5001, "unit": "mg"}
    assert dose_rules(person(**both), o3) == ["SAF-OMEGA3-DOSE"]


def test_p3_severities_of_population_limits() -> None:
    # D.5.3: SAF-PREG-UL and SAF-LACT-UL are major (replace the caution on that item)
    assert ("SAF-PREG-UL", "major") in found(person(pregnant=True), mg(351))
    assert ("SAF-LACT-UL", "major") in found(person(breastfeeding=True), mg(351))


def test_p3_one_warning_per_item_with_two_items_of_one_substance() -> None:
    # the implausible item gets only IMPLAUSIBLE; the other still gets the UL (the sum exceeds)
    ws = check(person(), vit_d(20000), vit_d(1000))
    assert sorted(w.rule for w in ws) == ["SAF-DOSE-IMPLAUSIBLE", "SAF-VITD-UL"]


def test_population_limits_apply_to_plan_items_only() -> None:
    # D.5.0 2c: with an empty plan the person's own medicines keep the D.4 caution
    ctx = replace(
        person(pregnant=True), current=context(meds=[regimen("vitamin_d", 5000, "IU")]).current
    )
    assert {(w.rule, w.severity) for w in check_plan(ctx, [], V)} == {("SAF-VITD-UL", "caution")}


def test_d5_dose_rule_catalogue() -> None:
    # clinical-rules.md D.5.3 severities
    expected = {
        "SAF-DOSE-INVALID": "contraindicated",
        "SAF-DOSE-UNITS": "major",
        "SAF-DOSE-IMPLAUSIBLE": "contraindicated",
        "SAF-PREG-UL": "major",
        "SAF-LACT-UL": "major",
    }
    assert {k: V.safety_rules[k].severity for k in expected} == expected


# -- through the CLI ---------------------------------------------------------------------------


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], db_url: str
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FLAREWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLAREWISE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "120")

    def call(*args: str) -> tuple[int, str, str]:
        code = run(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return call


def test_issue_examples_through_plan_check_json(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("profile", "set", "--birth-year", "1970", "--sex", "male")
    proposal = tmp_path / "items.json"

    def checked(text: str) -> dict[str, Any]:
        proposal.write_text(text)
        code, out, err = cli("plan", "check", str(proposal), "--json")
        assert code == 0, err
        return json.loads(out)  # type: ignore[no-any-return]

    # JSON's NaN literal, as Python's json module reads and writes it
    nan = checked(
        '[{"item": "vitamin_d", "dose": NaN, "unit": "IU"},'
        ' {"item": "vitamin_d", "dose": 5000, "unit": "IU"}]'
    )
    assert nan["blocked"] is True
    assert {w["rule"] for w in nan["warnings"]} == {"SAF-DOSE-INVALID", "SAF-VITD-UL"}
    units = checked(
        json.dumps(
            [
                {"item": "magnesium", "dose": 2, "unit": "tablet"},
                {"item": "vitamin_d", "dose": 3, "unit": "capsule"},
                {"item": "magnesium", "dose": 300, "unit": "mg"},
                {"item": "vitamin_d", "dose": 4000, "unit": "IU"},
            ]
        )
    )
    assert [(w["rule"], w["severity"]) for w in units["warnings"]] == [
        ("SAF-DOSE-UNITS", "major"),
        ("SAF-DOSE-UNITS", "major"),
    ]
    huge = checked('[{"item": "vitamin_d", "dose": 1e9, "unit": "IU"}]')
    assert huge["blocked"] is True
    assert [w["rule"] for w in huge["warnings"]] == ["SAF-DOSE-IMPLAUSIBLE"]
    strength = checked(
        json.dumps(
            [
                {
                    "item": "magnesium",
                    "dose": 2,
                    "unit": "tablet",
                    "strength": {"amount": 120, "unit": "mg"},
                },
                {"item": "magnesium", "dose": 300, "unit": "mg"},
            ]
        )
    )
    assert [w["rule"] for w in strength["warnings"]] == ["SAF-MG-UL"]
    code, out, _ = cli("plan", "check", str(proposal))
    assert code == 0 and "No warnings" not in out and "SAF-MG-UL" in out
