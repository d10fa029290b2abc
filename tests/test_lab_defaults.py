"""Default limits when the lab gives no reference interval (clinical-rules.md E.1), the lab's own
limit winning, LAB-ESR-UNRATED, and SAF-VITD-CA using the same calcium limit as RF-CA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flarewise import Profile
from flarewise.cli import run
from flarewise.labs import interpret, red_flags
from flarewise.labs.limits import calcium_above_limit
from flarewise.plan import build_plan, check_plan

from .plan_helpers import V, context, items, lab

#: lab() results are dated 1 May 2025; ages are taken with the birthday on 1 July.
BORN_AGED = {59: 1965, 60: 1964, 17: 2007, 30: 1994, 40: 1984}


def flags(result: Any, age: int | None = 40, sex: str | None = "female") -> list[tuple[str, str]]:
    year = BORN_AGED[age] if age is not None else None
    profile = Profile(birth_year=year, sex=sex)  # type: ignore[arg-type]
    assert profile.age_on(result.at.date()) == age
    return [(f.rule, f.severity) for f in red_flags([result], profile, V)]


# -- calcium: ULN 10.0 (18-59 or unknown), 10.2 (60 and over); strict ----------------------------


@pytest.mark.parametrize(
    ("age", "value", "raised"),
    [(59, 10.0, False), (59, 10.01, True), (60, 10.2, False), (60, 10.21, True)],
)
def test_calcium_default_by_age(age: int, value: float, raised: bool) -> None:
    r = lab("17861-6", value, "mg/dL")
    assert (flags(r, age) == [("RF-CA", "review")]) is raised
    assert calcium_above_limit(r, age) is raised


def test_calcium_age_unknown_uses_the_lower_adult_limit_and_mmol_per_l() -> None:
    # E.1: "the lower adult ULN is used when age is unknown"; mmol/L / 0.2495 = mg/dL
    assert flags(lab("17861-6", 10.01, "mg/dL"), None) == [("RF-CA", "review")]
    assert flags(lab("2000-8", 2.495, "mmol/L"), 59) == []  # 10.0 mg/dL exactly
    assert flags(lab("2000-8", 2.4975, "mmol/L"), 59) == [("RF-CA", "review")]  # 10.01 mg/dL


def test_calcium_lab_range_wins_and_under_18_has_no_default() -> None:
    assert flags(lab("17861-6", 10.4, "mg/dL", ref_high=10.5), 59) == []
    assert flags(lab("17861-6", 9.9, "mg/dL", ref_high=9.8), 59) == [("RF-CA", "review")]
    assert flags(lab("17861-6", 12.5, "mg/dL"), 17) == []  # age < 18: the lab range is required


def test_issue_calcium_12_5_without_range_blocks_vitamin_d() -> None:
    # the issue: calcium 12.5 mg/dL logged without the lab's range: no RF-CA, vitamin D offered
    ctx = context(labs=[lab("17861-6", 12.5, "mg/dL")])
    [flag] = ctx.red_flags
    assert flag.rule == "RF-CA" and "your lab's range was not given" in flag.evidence
    assert "default adult limit of 10 mg/dL" in flag.evidence
    found = {(w.rule, w.severity) for w in check_plan(ctx, items({"item": "vitamin_d"}), V)}
    assert ("SAF-VITD-CA", "contraindicated") in found
    plan = build_plan(ctx, V)
    assert "vitamin_d" not in {o.intervention for o in plan.options}


def test_vitd_ca_at_the_boundary_without_range() -> None:
    # SAF-VITD-CA uses the same limit as RF-CA (E.1); test context: age 44
    at = context(labs=[lab("17861-6", 10.0, "mg/dL")])
    above = context(labs=[lab("17861-6", 10.01, "mg/dL")])
    vit_d = items({"item": "vitamin_d", "dose": 1000, "unit": "IU"})
    assert "SAF-VITD-CA" not in {w.rule for w in check_plan(at, vit_d, V)}
    assert "SAF-VITD-CA" in {w.rule for w in check_plan(above, vit_d, V)}


# -- ferritin, TSH, CK, WBC, B12, CRP ------------------------------------------------------------


def test_issue_ferritin_without_range() -> None:
    # E.1: LLN 15 ng/mL (WHO 2020); strict below
    assert flags(lab("2276-4", 15, "ng/mL")) == []
    assert flags(lab("2276-4", 14.9, "ng/mL")) == [("RF-FERRITIN", "review")]
    assert flags(lab("2276-4", 5, "ng/mL")) == [("RF-FERRITIN", "review")]
    assert flags(lab("2276-4", 20, "ng/mL", ref_low=30)) == [("RF-FERRITIN", "review")]
    assert flags(lab("2276-4", 14, "ng/mL", ref_low=12)) == []  # the lab's limit wins


def test_tsh_default_interval() -> None:
    # E.1: outside 0.3-4.2 mIU/L (Mayo >= 20 y)
    assert flags(lab("3016-3", 0.3, "m[IU]/L")) == []
    assert flags(lab("3016-3", 0.29, "m[IU]/L")) == [("RF-TSH", "review")]
    assert flags(lab("3016-3", 4.2, "m[IU]/L")) == []
    assert flags(lab("3016-3", 4.21, "m[IU]/L")) == [("RF-TSH", "review")]
    assert flags(lab("3016-3", 4.5, "m[IU]/L", ref_low=0.4, ref_high=4.6)) == []


@pytest.mark.parametrize(
    ("sex", "value", "raised"),
    [
        (None, 192, False),
        (None, 193, True),  # sex unknown: the lower (women's) ULN
        ("female", 193, True),
        ("male", 308, False),
        ("male", 309, True),
        ("unspecified", 193, True),
    ],
)
def test_ck_default_by_sex(sex: str | None, value: float, raised: bool) -> None:
    # E.1: ULN 192 (F), 308 (M), 192 if sex unknown (Mayo)
    assert (flags(lab("2157-6", value, "U/L"), 40, sex) == [("RF-CK", "review")]) is raised


def test_ck_lab_range_wins() -> None:
    assert flags(lab("2157-6", 250, "U/L", ref_high=300), 40, "female") == []


@pytest.mark.parametrize(
    ("value", "raised"), [(3.99, True), (4.0, False), (11.0, False), (11.01, True)]
)
def test_wbc_default_interval(value: float, raised: bool) -> None:
    # E.1: < 4.0 or > 11.0 x10^9/L
    assert (flags(lab("6690-2", value, "10*9/L")) == [("RF-WBC", "review")]) is raised


def test_wbc_lab_upper_limit_wins() -> None:
    assert flags(lab("6690-2", 11.5, "10*9/L", ref_high=12.0)) == []
    assert flags(lab("6690-2", 10.9, "10*9/L", ref_high=10.8)) == [("RF-WBC", "review")]


def test_b12_and_crp_unchanged() -> None:
    # E.1: B12 < 200 pg/mL and CRP > 10 mg/L need no interval
    assert flags(lab("2132-9", 199, "pg/mL")) == [("RF-B12", "review")]
    assert flags(lab("2132-9", 200, "pg/mL")) == []
    assert flags(lab("1988-5", 10.1, "mg/L")) == [("RF-CRP", "review")]
    assert flags(lab("1988-5", 10, "mg/L")) == []


# -- ESR: every branch of E.1 --------------------------------------------------------------------


def test_esr_age_and_sex_known() -> None:
    # Miller: men age/2, women (age+10)/2; age 40 -> men 20, women 25
    assert flags(lab("30341-2", 20, "mm/h"), 40, "male") == []
    assert flags(lab("30341-2", 21, "mm/h"), 40, "male") == [("RF-ESR", "review")]
    assert flags(lab("30341-2", 25, "mm/h"), 40, "female") == []
    assert flags(lab("30341-2", 26, "mm/h"), 40, "female") == [("RF-ESR", "review")]


def test_esr_age_unknown() -> None:
    # E.1: age unknown: > 55 -> RF-ESR, otherwise LAB-ESR-UNRATED (info, "enter age")
    assert flags(lab("30341-2", 56, "mm/h"), None) == [("RF-ESR", "review")]
    assert flags(lab("30341-2", 55, "mm/h"), None) == [("LAB-ESR-UNRATED", "info")]
    assert flags(lab("30341-2", 5, "mm/h"), None, None) == [("LAB-ESR-UNRATED", "info")]
    [note] = red_flags([lab("30341-2", 30, "mm/h")], Profile(), V)
    assert "age" in note.action and note.suppresses == ()


def test_esr_sex_unknown_age_known() -> None:
    # E.1: > (age+10)/2 -> RF-ESR; > age/2 and <= (age+10)/2 -> LAB-ESR-UNRATED; else nothing
    assert flags(lab("30341-2", 26, "mm/h"), 40, None) == [("RF-ESR", "review")]
    assert flags(lab("30341-2", 25, "mm/h"), 40, None) == [("LAB-ESR-UNRATED", "info")]
    assert flags(lab("30341-2", 21, "mm/h"), 40, "intersex") == [("LAB-ESR-UNRATED", "info")]
    assert flags(lab("30341-2", 20, "mm/h"), 40, None) == []


def test_esr_reading_agrees_with_the_red_flag_when_sex_is_unknown() -> None:
    # the labs view reads the same E.1 limit as RF-ESR: an unrated value is not shown as high
    p = Profile(birth_year=1984)  # about 40 on these dates; sex not recorded
    unrated = interpret(lab("30341-2", 24, "mm/h"), p, V)
    assert unrated.flag == "normal" and any("cannot be rated" in n for n in unrated.notes)
    assert interpret(lab("30341-2", 40, "mm/h"), p, V).flag == "high"


def test_esr_lab_range_wins_and_under_18() -> None:
    assert flags(lab("30341-2", 30, "mm/h", ref_high=35), 40, "male") == []
    assert flags(lab("30341-2", 30, "mm/h", ref_high=20), None) == [("RF-ESR", "review")]
    assert flags(lab("30341-2", 60, "mm/h"), 17, "female") == []  # no default under 18


def test_lab_esr_unrated_catalogue_entry() -> None:
    # D.5.3: LAB-ESR-UNRATED, info ("cannot compute, enter age/sex")
    assert V.safety_rules["LAB-ESR-UNRATED"].severity == "info"


def test_cli_shows_an_unrated_esr_as_a_note_not_a_red_flag(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    monkeypatch.setenv("FLAREWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FLAREWISE_DATABASE_URL", db_url)
    monkeypatch.setenv("COLUMNS", "200")
    assert run(["log", "lab", "esr", "30", "mm/h", "--at", "2025-01-20"]) == 0
    assert run(["log", "lab", "calcium", "12.5", "mg/dL", "--at", "2025-01-20"]) == 0
    capsys.readouterr()
    assert run(["labs"]) == 0
    out = capsys.readouterr().out
    assert "NOTE LAB-ESR-UNRATED" in out and "RED FLAG LAB-ESR-UNRATED" not in out
    assert "RED FLAG RF-CA" in out


def test_interpretation_shows_the_same_default_as_the_red_flag() -> None:
    # E.1 / D.5.0 item 4: the reading of a result agrees with its red flag
    i = interpret(lab("17861-6", 12.5, "mg/dL"), Profile(), V)
    assert i.flag == "high" and i.interval == (None, 10.0)
    assert i.interval_source is not None and "the lab gave no range" in i.interval_source
    i = interpret(lab("17861-6", 10.1, "mg/dL"), Profile(birth_year=1960), V)
    assert i.flag == "normal" and i.interval == (None, 10.2)
