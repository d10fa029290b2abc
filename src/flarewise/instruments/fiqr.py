"""FIQR, the Revised Fibromyalgia Impact Questionnaire (Bennett et al., Arthritis Res Ther
2009;11:R120, doi 10.1186/ar2783), clinical-rules.md B.

21 items scored 0-10 over the past 7 days, in three domains. Function sum / 3 (0-30), overall
impact sum / 1 (0-20), symptoms sum / 2 (0-50); total 0-100, kept unrounded. A domain with x of
its n items answered is weighted by n/x (Bennett's 9/x, 2/x, 10/x); a wholly unanswered domain
makes the FIQR "not scorable" (design choice B.3). Severity bands of Salaffi et al. with the
printed lower bounds as thresholds (B.4). No FIQR MCID is presented (none established).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flarewise.domain.numbers import is_real
from flarewise.errors import InvalidInput
from flarewise.instruments.answers import check_known, integer, short
from flarewise.instruments.result import EnteredBy, Finding, InstrumentResult

FUNCTION = (
    "brush_hair",
    "walk_20_minutes",
    "prepare_meal",
    "vacuum_scrub_sweep",
    "lift_groceries",
    "climb_stairs",
    "change_sheets",
    "sit_45_minutes",
    "shop_groceries",
)
OVERALL = ("prevented_goals", "overwhelmed")
SYMPTOMS = (
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
)
DOMAINS: dict[str, tuple[tuple[str, ...], float]] = {
    "function": (FUNCTION, 3.0),
    "overall": (OVERALL, 1.0),
    "symptoms": (SYMPTOMS, 2.0),
}
ITEMS = (*FUNCTION, *OVERALL, *SYMPTOMS)

#: Salaffi et al. 2020/21 bands, lower bounds as thresholds (B.4).
BANDS = (
    (83.0, "very severe"),
    (64.0, "severe"),
    (41.0, "moderate"),
    (24.0, "mild"),
    (0.0, "remission"),
)


def severity(total: float) -> str:
    """The Salaffi band of a FIQR total (0-100); anything else is refused, not banded."""
    if not is_real(total) or not 0 <= total <= 100:
        raise InvalidInput("total", f"a FIQR total is a number from 0 to 100, not {short(total)}")
    for threshold, name in BANDS:
        if total >= threshold:
            return name
    raise AssertionError("unreachable: the lowest band starts at 0")  # pragma: no cover


def score(answers: Mapping[str, Any], entered_by: EnteredBy = "self") -> InstrumentResult:
    check_known(answers, ITEMS, "fiqr")
    scores: dict[str, float] = {}
    findings = []
    scorable = True
    for domain, (items, divisor) in DOMAINS.items():
        values = [v for i in items if (v := integer(answers, i, 0, 10, required=False)) is not None]
        answered = len(values)
        findings.append(
            Finding(
                f"{domain}_answered",
                answered == len(items),
                f"{answered} of {len(items)} items answered",
            )
        )
        if answered == 0:
            scorable = False
            continue
        scores[domain] = sum(values) * len(items) / answered / divisor
    if not scorable:
        empty = [f.rule.removesuffix("_answered") for f in findings if f.detail.startswith("0 ")]
        return InstrumentResult(
            instrument="fiqr",
            scores=scores,
            met=None,
            findings=tuple(findings),
            entered_by=entered_by,
            scorable=False,
            notes=(f"Not scorable: no item answered in {', '.join(empty)}.",),
        )
    total = scores["function"] + scores["overall"] + scores["symptoms"]
    scores["total"] = total
    return InstrumentResult(
        instrument="fiqr",
        scores=scores,
        met=None,
        findings=tuple(findings),
        bands={"severity_salaffi": severity(total)},
        entered_by=entered_by,
    )
