"""The tailored plan (C5): red flags first, ranked options, and the three 'never' rules."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from flarewise import open_journal
from flarewise.plan import STATEMENT, build_plan, check_plan
from flarewise.plan.safety import UL_RULES

from .plan_helpers import V, context, lab, regimen


def ids(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [o.intervention for o in plan.options]


def reason(plan, intervention: str) -> str:  # type: ignore[no-untyped-def]
    return next(n.reason for n in plan.not_suggested if n.intervention == intervention)


def test_statement_and_exercise_first() -> None:
    plan = build_plan(context(), V)
    assert plan.statement == STATEMENT and "not a prescription" in plan.statement
    assert [o.category for o in plan.options[:4]] == ["exercise"] * 4  # EULAR: exercise first
    assert all(o.citations and o.grade in "ABCD" for o in plan.options)
    assert all(o.how_to_try.startswith("As a personal experiment") for o in plan.options)


def test_never_grade_x_and_says_why() -> None:
    plan = build_plan(context(), V)
    for x in ("nsaids", "dmards", "il6_inhibitors"):
        assert x not in ids(plan)
        assert reason(plan, x).startswith("Not recommended for fibromyalgia")


VITD_RULE = "clinical-rules.md D.3 and C (IOM 2011)"


def not_suggested(plan, intervention: str):  # type: ignore[no-untyped-def]
    return next(n for n in plan.not_suggested if n.intervention == intervention)


def test_vitamin_d_only_for_a_documented_low_level() -> None:
    # the rule is in the data: the analyte, its codes, the limit per unit and where it comes from
    req = V.interventions["vitamin_d"].requires_low_lab
    assert req is not None and req.rule == VITD_RULE and req.below["ng/mL"] == 20
    # no level: not offered, and the reason says a test would be needed first
    none = not_suggested(build_plan(context(), V), "vitamin_d")
    assert "no vitamin D (25-OH) result on record" in none.reason
    assert "blood test" in none.reason and none.rules == (VITD_RULE,)
    # a normal latest level: not offered, with the level and the limit in words
    normal = build_plan(context(labs=[lab("62292-8", 32, "ng/mL")]), V)
    assert "vitamin_d" not in ids(normal)
    why = not_suggested(normal, "vitamin_d")
    assert "32 ng/mL" in why.reason and "not low" in why.reason and why.rules == (VITD_RULE,)
    # a low latest level: offered, with the level as its first reason
    low = build_plan(context(labs=[lab("62292-8", 14, "ng/mL")]), V)
    option = next(o for o in low.options if o.intervention == "vitamin_d")
    assert "14 ng/mL" in option.rationale[0]
    assert option.dose_high is not None and option.dose_high <= 4000
    low_nmol = build_plan(context(labs=[lab("14635-7", 40, "nmol/L")]), V)
    assert "vitamin_d" in ids(low_nmol)


def test_vitamin_d_already_taken_is_not_offered_as_new_even_when_low() -> None:
    ctx = context(meds=[regimen("vitamin_d", 1000, "IU")], labs=[lab("62292-8", 14, "ng/mL")])
    plan = build_plan(ctx, V)
    assert "vitamin_d" not in ids(plan)
    assert reason(plan, "vitamin_d").startswith("You already take it")


def test_latest_level_decides_not_an_older_low_one() -> None:
    first = lab("62292-8", 14, "ng/mL")
    old_low = first.model_copy(update={"at": first.at.replace(year=2024)})
    plan = build_plan(context(labs=[old_low, lab("62292-8", 35, "ng/mL")]), V)
    assert "vitamin_d" not in ids(plan)
    assert "35 ng/mL" in reason(plan, "vitamin_d")


def test_red_flags_come_first_and_suppress_supplements_for_that_value() -> None:
    ctx = context(labs=[lab("62292-8", 14, "ng/mL"), lab("17861-6", 11.2, "mg/dL", ref_high=10.3)])
    plan = build_plan(ctx, V)
    assert [f.rule for f in plan.red_flags] == ["RF-CA"]
    assert "vitamin_d" not in ids(plan)
    assert "RF-CA" in reason(plan, "vitamin_d")


def test_contraindicated_with_current_medicines_is_not_offered() -> None:
    plan = build_plan(context(meds=[regimen("tramadol", 50, "mg")]), V)
    assert "low_dose_naltrexone" not in ids(plan)
    [n] = [n for n in plan.not_offered if n.intervention == "low_dose_naltrexone"]
    assert n.rule == "SAF-LDN-OPIOID" and "[SAF-LDN-OPIOID]" in n.reason
    assert "low_dose_naltrexone" not in {n.intervention for n in plan.not_suggested}


def test_contraindicated_between_two_options_keeps_only_one() -> None:
    plan = build_plan(context(), V)
    assert not {"low_dose_naltrexone", "tramadol"} <= set(ids(plan))
    assert any("another option of this plan" in n.reason for n in plan.not_offered)


def test_issue_phenelzine_blocks_milnacipran_amitriptyline_and_tramadol() -> None:
    # clinical-rules.md D.5.3 SAF-MAOI-SERO: MAOI + SERO-S1 (SNRI, TCA, tramadol) contraindicated
    plan = build_plan(context(meds=[regimen("phenelzine", 45, "mg")]), V)
    blocked = {n.intervention: n.rule for n in plan.not_offered}
    for option in ("milnacipran", "amitriptyline", "tramadol"):
        assert option not in ids(plan)
        assert blocked[option] == "SAF-MAOI-SERO", option
    assert blocked["duloxetine"] == "SAF-DLX-MAOI"  # P4: the D.4 drug rule wins for duloxetine


def test_doses_stay_within_the_upper_limit_with_what_is_already_taken() -> None:
    ctx = context(meds=[regimen("magnesium", 250, "mg", form="magnesium_oxide")])  # antacid-like
    plan = build_plan(ctx, V)
    assert "magnesium" not in ids(plan)  # already taking magnesium


def test_preferences_and_same_kind_medicines() -> None:
    plan = build_plan(
        context(avoid=["curcumin", "yoga"], meds=[regimen("duloxetine", 60, "mg")]), V
    )
    assert "curcumin" not in ids(plan) and "asked not to" in reason(plan, "curcumin")
    assert "milnacipran" not in ids(plan) and "same kind" in reason(plan, "milnacipran")


def test_options_carry_every_warning_with_rule_and_severity() -> None:
    plan = build_plan(context(meds=[regimen("warfarin", 5, "mg")]), V)
    omega = next(o for o in plan.options if o.intervention == "omega_3")
    assert ("SAF-BLEED", "major") in {(w.rule, w.severity) for w in omega.warnings}
    assert omega.needs_sign_off
    assert any(w.rule == "SAF-BLEED-STACK" for o in plan.options for w in o.warnings)


def test_fit_raises_options_that_match_symptoms() -> None:
    # within one evidence grade (C), the option aimed at the worse symptom comes first
    poor_sleep = build_plan(context(symptoms={"sleep_quality": 2.0, "pain": 3.0}), V)
    bad_pain = build_plan(context(symptoms={"sleep_quality": 9.0, "pain": 8.0}), V)
    assert ids(poor_sleep).index("sleep_hygiene") < ids(poor_sleep).index("omega_3")
    assert ids(bad_pain).index("omega_3") < ids(bad_pain).index("sleep_hygiene")
    opt = next(o for o in poor_sleep.options if o.intervention == "sleep_hygiene")
    assert "sleep quality averaged 2.0/10" in opt.rationale[0]


# -- the three "never" rules hold for any profile (property test) ------------------------------

SUBSTANCES = [
    "warfarin",
    "apixaban",
    "clopidogrel",
    "tramadol",
    "codeine",
    "naltrexone",
    "duloxetine",
    "phenelzine",
    "sertraline",
    "pregabalin",
    "diazepam",
    "hydrochlorothiazide",
    "alendronate",
    "doxycycline",
    "methotrexate",
    "tacrolimus",
    "ibuprofen",
    "magnesium",
    "vitamin_d",
    "omega_3",
    "curcumin",
]
DOSES = {
    "magnesium": (st.integers(50, 500), "mg"),
    "vitamin_d": (st.integers(400, 6000), "IU"),
    "omega_3": (st.integers(250, 6000), "mg"),
}


@st.composite
def contexts(draw):  # type: ignore[no-untyped-def]
    meds = []
    for s in draw(st.lists(st.sampled_from(SUBSTANCES), max_size=5, unique=True)):
        strat, unit = DOSES.get(s, (st.integers(1, 100), "mg"))
        stop = draw(st.none() | st.integers(1, 25)) if s == "phenelzine" else None
        meds.append(
            regimen(
                s,
                draw(strat),
                unit,
                stop=None
                if stop is None
                else date(2025, 6, 1)
                .replace(day=1)
                .fromordinal(date(2025, 6, 1).toordinal() - stop),
            )
        )
    conditions = draw(st.lists(st.sampled_from(sorted(V.conditions)), max_size=4, unique=True))
    labs = []
    if draw(st.booleans()):
        labs.append(lab("62292-8", draw(st.integers(5, 60)), "ng/mL"))
    if draw(st.booleans()):
        labs.append(lab("17861-6", draw(st.floats(8.0, 12.0)), "mg/dL", ref_low=8.6, ref_high=10.3))
    if draw(st.booleans()):
        labs.append(lab("62238-1", draw(st.integers(20, 110)), "mL/min/{1.73_m2}"))
    findings = draw(st.lists(st.sampled_from(sorted(V.findings)), max_size=2, unique=True))
    return context(
        meds=meds,
        conditions=conditions,
        labs=labs,
        findings=findings,
        birth_year=draw(st.integers(1930, 2005)),
        sex=draw(st.sampled_from(["female", "male", None])),
    )


@settings(max_examples=150, deadline=None)
@given(ctx=contexts())
def test_property_a_generated_plan_never_breaks_the_never_rules(ctx) -> None:  # type: ignore[no-untyped-def]
    plan = build_plan(ctx, V)
    # 1. never a grade X item
    assert all(o.grade != "X" for o in plan.options)
    # 2. never above an upper limit, all sources together
    for o in plan.options:
        i = V.interventions[o.intervention]
        if i.upper_limit and i.upper_limit.rule in UL_RULES and o.dose_high is not None:
            sid, limit = UL_RULES[i.upper_limit.rule]
            already = sum(
                a.daily_amount or 0
                for a in ctx.current
                if a.substance == sid or (sid == "magnesium" and "magnesium_source" in a.classes)
            )
            assert already + o.dose_high <= limit + 1e-9
    # 3. never a contraindicated combination, with the medicines or within the plan
    all_items = [o.as_item(V) for o in plan.options]
    blocking = [w for w in check_plan(ctx, all_items, V) if w.blocks]
    involved_options = {o.intervention for o in plan.options}
    for w in blocking:
        assert not (
            set(w.involves)
            & ({V.interventions[i].substance for i in involved_options} | involved_options)
        ), w
    # and never a supplement aimed at a value that is a red flag
    suppressed = {s for f in plan.red_flags for s in f.suppresses}
    assert not {V.interventions[o.intervention].substance for o in plan.options} & suppressed


def test_demo_journal_plan_shows_a_warning_and_a_red_flag(tmp_path: Path) -> None:
    with open_journal(f"sqlite:///{tmp_path / 'demo.db'}", "demo") as j:
        j.write_demo()
        plan = j.plan(date(2025, 12, 31))
    assert [f.rule for f in plan.red_flags] == ["RF-FERRITIN"]
    rules = {w.rule for w in plan.current_warnings} | {
        w.rule for o in plan.options for w in o.warnings
    }
    # duloxetine with tramadol, both recorded, is the prescriber's remit (D.5.0 item 2b); what
    # the plan would add is checked against them: a serotonergic option gets SAF-DLX-SERO with
    # the recorded duloxetine, and naltrexone is not offered (SAF-LDN-OPIOID with tramadol)
    assert plan.current_warnings == ()
    assert "SAF-DLX-SERO" in rules
    assert "SAF-LDN-OPIOID" in {n.rule for n in plan.not_offered}
    assert "iron" not in ids(plan)


def test_what_was_tried_before_is_named(tmp_path: Path) -> None:
    from flarewise import DoseStep, Regimen

    with open_journal(f"sqlite:///{tmp_path / 'j.db'}", "me") as j:
        j.add_regimen(
            Regimen(
                substance="coq10",
                stop=date(2025, 3, 1),
                steps=[DoseStep(start=date(2025, 1, 1), amount=100, unit="mg")],
            )
        )
        plan = j.plan(date(2025, 6, 1))
    coq10 = next(o for o in plan.options if o.intervention == "coq10")
    assert any("you took it from 2025-01-01 to 2025-03-01" in r for r in coq10.rationale)


def test_already_taking_with_a_normal_level_says_both() -> None:
    """The demo person's case (V-findings item 19): vitamin D taken daily, latest level normal."""
    from flarewise.plan.eligibility import can_start

    ctx = context(meds=[regimen("vitamin_d", 2000, "IU")], labs=[lab("62292-8", 38, "ng/mL")])
    gate = can_start(ctx, V.interventions["vitamin_d"])
    assert gate.verdict == "already_taking" and not gate.offered
    assert gate.reason.startswith("You already take it") and "38 ng/mL" in gate.reason
    assert gate.rules == (VITD_RULE,)
    low = context(labs=[lab("62292-8", 14, "ng/mL")])
    assert can_start(low, V.interventions["vitamin_d"]).offered
