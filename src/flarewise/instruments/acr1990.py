"""ACR 1990 classification criteria (Wolfe et al., Arthritis Rheum 1990;33:160-172),
clinical-rules.md A.1: widespread pain for at least 3 months and pain on palpation at 11 or more
of 18 tender points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flarewise.errors import InvalidInput
from flarewise.instruments.answers import boolean, check_known, short
from flarewise.instruments.result import EnteredBy, Finding, InstrumentResult

#: The 9 bilateral tender-point pairs (A.1).
TENDER_POINTS: tuple[str, ...] = tuple(
    f"{p}_{side}"
    for p in (
        "occiput",
        "low_cervical",
        "trapezius",
        "supraspinatus",
        "second_rib",
        "lateral_epicondyle",
        "gluteal",
        "greater_trochanter",
        "knee",
    )
    for side in ("left", "right")
)
PAIN_ITEMS = (
    "pain_left_side",
    "pain_right_side",
    "pain_above_waist",
    "pain_below_waist",
    "axial_pain",
)
ITEMS = (*PAIN_ITEMS, "widespread_pain_3_months", "tender_points", *TENDER_POINTS)


def _tender(answers: Mapping[str, Any]) -> set[str]:
    points: set[str] = set()
    listed = answers.get("tender_points")
    if listed is not None:
        if not isinstance(listed, list | tuple):
            raise InvalidInput("tender_points", "must be a list of tender-point ids")
        for i, p in enumerate(listed):
            if not isinstance(p, str) or p not in TENDER_POINTS:
                raise InvalidInput(f"tender_points[{i}]", f"{short(p)} is not one of the 18 points")
            points.add(p)
    points.update(p for p in TENDER_POINTS if p in answers and boolean(answers, p))
    return points


def score(answers: Mapping[str, Any], entered_by: EnteredBy = "clinician") -> InstrumentResult:
    check_known(answers, ITEMS, "acr1990")
    pain = {item: boolean(answers, item) for item in PAIN_ITEMS}
    widespread = all(pain.values())
    missing = [k.replace("_", " ") for k, v in pain.items() if not v]
    tender = _tender(answers)
    duration = boolean(answers, "widespread_pain_3_months")
    findings = (
        Finding(
            "widespread_pain",
            widespread,
            "left and right side, above and below the waist, and axial pain"
            if widespread
            else f"missing: {', '.join(missing)}",
        ),
        Finding("tender_points_11_of_18", len(tender) >= 11, f"{len(tender)} of 18 tender points"),
        Finding(
            "duration_3_months",
            duration,
            "widespread pain for at least 3 months" if duration else "less than 3 months",
        ),
    )
    met = all(f.met for f in findings)
    return InstrumentResult(
        instrument="acr1990",
        scores={"tender_points": float(len(tender)), "widespread_pain": float(widespread)},
        met=met,
        findings=findings,
        entered_by=entered_by,
        notes=(
            "A second clinical disorder does not exclude fibromyalgia under the 1990 criteria.",
        ),
    )
