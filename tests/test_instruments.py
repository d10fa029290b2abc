"""Instruments against hand-computed reference cases from the published rules.

Each case cites the section of ../shared/clinical-rules.md it checks.
"""

from __future__ import annotations

from typing import Any

import pytest

from flarewise import InvalidInput
from flarewise.instruments import SELF_REPORT_LABEL, score
from flarewise.instruments.fiqr import severity
from flarewise.instruments.wpi import WOLFE_2015, band

SSS_9 = {
    "fatigue": 3,
    "waking_unrefreshed": 3,
    "cognitive_symptoms": 2,
    "headaches": True,
    "lower_abdominal_pain": False,
    "depression": False,
}
SSS_6 = {
    "fatigue": 2,
    "waking_unrefreshed": 2,
    "cognitive_symptoms": 1,
    "headaches": True,
    "lower_abdominal_pain": False,
    "depression": False,
}
FIVE_REGIONS_5_SITES = [
    "shoulder_girdle_left",
    "shoulder_girdle_right",
    "hip_left",
    "hip_right",
    "neck",
]


def answers(sites: list[str], sss: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"painful_sites": sites, **sss, "symptoms_3_months": True, **extra}


def rule(result: Any, name: str) -> bool:
    return next(f.met for f in result.findings if f.rule == name)


# -- A.4 2016 revision --------------------------------------------------------------------


def test_a4_2016_low_wpi_branch_met() -> None:
    # WPI 5 (4-6) and SSS 3+3+2+1 = 9 >= 9; 5 regions; 3 months -> met
    r = score("acr2016", answers(FIVE_REGIONS_5_SITES, SSS_9))
    assert (r.scores["wpi"], r.scores["sss"], r.scores["regions"], r.scores["psd"]) == (5, 9, 5, 14)
    assert r.met is True


def test_a4_2016_wpi_3_is_below_the_2016_branch_but_meets_2011() -> None:
    # 2016 needs WPI 4-6 for the SSS >= 9 branch; 2010/2011 accept WPI 3-6 (A.4 table)
    sites = ["shoulder_girdle_left", "hip_right", "neck"]  # WPI 3
    sss = {**SSS_9, "depression": True, "lower_abdominal_pain": True}  # SSS 11
    r2016 = score("acr2016", answers(sites, sss))
    assert r2016.scores["wpi"] == 3 and not rule(r2016, "wpi_sss_threshold")
    assert r2016.met is False
    r2011 = score("acr2011", answers(sites, sss))
    assert r2011.scores["ss"] == 11 and r2011.met is True


def test_a2_jaw_chest_abdomen_count_in_wpi_but_not_regions() -> None:
    sites = ["jaw_left", "jaw_right", "chest", "abdomen", "neck", "upper_back", "lower_back"]
    r = score("acr2016", answers(sites, SSS_6))
    assert r.scores["wpi"] == 7  # all 19-site list members count toward WPI
    assert r.scores["regions"] == 1  # only the axial region, through neck/back
    assert rule(r, "wpi_sss_threshold") and not rule(r, "generalized_pain_4_of_5_regions")
    assert r.met is False


def test_a2_a_region_painful_only_at_the_jaw_is_not_painful() -> None:
    # left upper has only jaw_left -> not counted; regions = right upper, both lower, axial = 4
    sites = ["jaw_left", "upper_arm_right", "hip_left", "hip_right", "neck"]
    r = score("acr2016", answers(sites, SSS_9))
    assert r.scores["regions"] == 4 and r.met is True
    r3 = score(
        "acr2016", answers(["jaw_left", "upper_arm_right", "hip_left", "neck", "chest"], SSS_9)
    )
    assert r3.scores["regions"] == 3 and r3.met is False


def test_a4_duration_exactly_three_months_satisfies() -> None:
    base = {"painful_sites": FIVE_REGIONS_5_SITES, **SSS_9}
    assert score("acr2016", {**base, "symptom_duration_months": 3}).met is True
    r = score("acr2016", {**base, "symptom_duration_months": 2.9})
    assert r.met is False and not rule(r, "duration_3_months")


def test_a4_2016_ignores_the_exclusion_clause() -> None:
    r = score("acr2016", answers(FIVE_REGIONS_5_SITES, SSS_9, other_disorder_explains_pain=True))
    assert r.met is True
    assert any("does not apply to the 2016" in n for n in r.notes)


def test_a4_self_entered_result_is_labelled_screening() -> None:
    r = score("acr2016", answers(FIVE_REGIONS_5_SITES, SSS_9))
    assert r.label == SELF_REPORT_LABEL
    assert "a diagnosis needs a clinician" in r.to_json()["label"]
    assert score("acr2016", answers(FIVE_REGIONS_5_SITES, SSS_9), "clinician").label is None


@pytest.mark.parametrize(
    ("psd", "expected"),
    [
        (0, "none"),
        (3, "none"),
        (4, "mild"),
        (7, "mild"),
        (8, "moderate"),
        (11, "moderate"),
        (12, "severe"),
        (19, "severe"),
        (20, "very severe"),
        (31, "very severe"),
    ],
)
def test_a5_psd_bands_wolfe_2015(psd: int, expected: str) -> None:
    assert band(psd, WOLFE_2015) == expected


# -- A.4 2010 and 2011 --------------------------------------------------------------------


def _sites(n: int) -> list[str]:
    order = [
        "neck",
        "upper_back",
        "lower_back",
        "shoulder_girdle_left",
        "shoulder_girdle_right",
        "hip_left",
        "hip_right",
        "upper_arm_left",
        "upper_arm_right",
    ]
    return order[:n]


@pytest.mark.parametrize(
    ("wpi", "common", "somatic", "met"),
    [
        (7, (2, 2, 0), 1, True),  # WPI 7, SS 5
        (7, (2, 1, 0), 1, False),  # WPI 7, SS 4
        (3, (3, 3, 2), 1, True),  # WPI 3, SS 9
        (2, (3, 3, 3), 3, False),  # WPI 2, SS 12
        (6, (3, 3, 1), 1, False),
    ],  # WPI 6, SS 8
)
def test_a4_2010_physician_rule(
    wpi: int, common: tuple[int, int, int], somatic: int, met: bool
) -> None:
    a = {
        "painful_sites": _sites(wpi),
        "fatigue": common[0],
        "waking_unrefreshed": common[1],
        "cognitive_symptoms": common[2],
        "somatic_symptoms": somatic,
        "symptoms_3_months": True,
    }
    r = score("acr2010", a)
    assert r.scores["wpi"] == wpi and r.scores["ss"] == sum(common) + somatic
    assert r.met is met
    assert r.entered_by == "clinician"


def test_a4_2010_2011_exclusion_clause() -> None:
    a = answers(_sites(7), SSS_6, other_disorder_explains_pain=True)
    r = score("acr2011", a)
    assert rule(r, "wpi_ss_threshold") and r.met is False


def test_a3_2011_somatic_is_a_count_of_three_symptoms() -> None:
    a = answers(
        _sites(7),
        {
            "fatigue": 0,
            "waking_unrefreshed": 0,
            "cognitive_symptoms": 0,
            "headaches": True,
            "lower_abdominal_pain": True,
            "depression": True,
        },
    )
    r = score("acr2011", a)
    assert r.scores["somatic"] == 3 and r.scores["ss"] == 3 and r.met is False


# -- A.1 1990 -------------------------------------------------------------------------------

PAIN_1990 = {
    "pain_left_side": True,
    "pain_right_side": True,
    "pain_above_waist": True,
    "pain_below_waist": True,
    "axial_pain": True,
    "widespread_pain_3_months": True,
}
POINTS = [
    "occiput_left",
    "occiput_right",
    "low_cervical_left",
    "low_cervical_right",
    "trapezius_left",
    "trapezius_right",
    "supraspinatus_left",
    "supraspinatus_right",
    "second_rib_left",
    "second_rib_right",
    "knee_left",
    "knee_right",
]


def test_a1_1990_eleven_of_eighteen() -> None:
    assert score("acr1990", {**PAIN_1990, "tender_points": POINTS[:11]}).met is True
    r = score("acr1990", {**PAIN_1990, "tender_points": POINTS[:10]})
    assert r.scores["tender_points"] == 10 and r.met is False


def test_a1_1990_needs_axial_pain() -> None:
    r = score("acr1990", {**PAIN_1990, "axial_pain": False, "tender_points": POINTS})
    assert r.met is False and "axial pain" in r.findings[0].detail


# -- B FIQR -----------------------------------------------------------------------------------

FUNCTION = [
    "brush_hair",
    "walk_20_minutes",
    "prepare_meal",
    "vacuum_scrub_sweep",
    "lift_groceries",
    "climb_stairs",
    "change_sheets",
    "sit_45_minutes",
    "shop_groceries",
]
SYMPTOMS = [
    "pain",
    "energy",
    "stiffness",
    "sleep_quality",
    "depression",
    "memory",
    "anxiety",
    "tenderness",
    "balance",
    "environmental_sensitivity",
]


def test_b2_fiqr_complete() -> None:
    # function 9 x 5 = 45 / 3 = 15; overall 6 + 4 = 10; symptoms 10 x 7 = 70 / 2 = 35; total 60
    a = {
        **dict.fromkeys(FUNCTION, 5),
        "prevented_goals": 6,
        "overwhelmed": 4,
        **dict.fromkeys(SYMPTOMS, 7),
    }
    r = score("fiqr", a)
    assert r.scores == {"function": 15.0, "overall": 10.0, "symptoms": 35.0, "total": 60.0}
    assert r.bands == {"severity_salaffi": "moderate"}


def test_b2_fiqr_keeps_full_precision() -> None:
    # function sum 10 -> 10/3 = 3.333...; symptoms sum 1 -> 0.5; total 3.8333...
    a = {
        **dict.fromkeys(FUNCTION, 0),
        "brush_hair": 4,
        "walk_20_minutes": 6,
        "prevented_goals": 0,
        "overwhelmed": 0,
        **dict.fromkeys(SYMPTOMS, 0),
        "pain": 1,
    }
    r = score("fiqr", a)
    assert r.scores["function"] == pytest.approx(10 / 3, abs=1e-12)
    assert r.scores["total"] == pytest.approx(10 / 3 + 0.5, abs=1e-12)


def test_b3_fiqr_missing_items_are_weighted() -> None:
    # 8 of 9 function items answered, each 6: 48 x 9/8 = 54, / 3 = 18
    # 1 of 2 overall items, 5: 5 x 2/1 = 10; 7 of 10 symptom items, each 4: 28 x 10/7 = 40, / 2 = 20
    a = {**dict.fromkeys(FUNCTION[:8], 6), "prevented_goals": 5, **dict.fromkeys(SYMPTOMS[:7], 4)}
    r = score("fiqr", a)
    assert r.scores["function"] == pytest.approx(18.0)
    assert r.scores["overall"] == pytest.approx(10.0)
    assert r.scores["symptoms"] == pytest.approx(20.0)
    assert r.scores["total"] == pytest.approx(48.0)


def test_b3_fiqr_wholly_missing_domain_is_not_scorable() -> None:
    a = {**dict.fromkeys(FUNCTION, 5), **dict.fromkeys(SYMPTOMS, 7)}
    r = score("fiqr", a)
    assert r.scorable is False and "total" not in r.scores
    assert "overall" in r.notes[0]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, "remission"),
        (23.99, "remission"),
        (24, "mild"),
        (40.99, "mild"),
        (41, "moderate"),
        (63.5, "moderate"),
        (64, "severe"),
        (82.9, "severe"),
        (83, "very severe"),
        (100, "very severe"),
    ],
)
def test_b4_fiqr_salaffi_bands_lower_bounds_as_thresholds(total: float, expected: str) -> None:
    assert severity(total) == expected


def test_pgic() -> None:
    r = score("pgic", {"pgic": 2})
    assert r.bands == {"change": "much improved"} and r.met is None


@pytest.mark.parametrize(
    ("instrument", "bad", "field"),
    [
        ("fiqr", {"pain": 11}, "pain"),
        ("fiqr", {"pain": 2.5}, "pain"),
        ("fiqr", {"happiness": 3}, "happiness"),
        ("pgic", {"pgic": 0}, "pgic"),
        (
            "acr2016",
            {"painful_sites": ["wrist"], **SSS_9, "symptoms_3_months": True},
            "painful_sites[0]",
        ),
        (
            "acr2016",
            {"painful_sites": [], **{**SSS_9, "fatigue": 4}, "symptoms_3_months": True},
            "fatigue",
        ),
        ("acr1990", {**PAIN_1990, "tender_points": ["elbow"]}, "tender_points[0]"),
    ],
)
def test_bad_answers_name_the_item(instrument: str, bad: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as info:
        score(instrument, bad)
    assert info.value.field == field


def test_unknown_instrument() -> None:
    with pytest.raises(InvalidInput, match="not one of"):
        score("fiq", {})
