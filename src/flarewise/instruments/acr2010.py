"""ACR 2010 (Wolfe, Arthritis Care Res 2010;62:600-610) and the 2011 modified self-report
version (Wolfe, J Rheumatol 2011;38:1113-1122), clinical-rules.md A.3-A.4.

Both: (WPI >= 7 and SS >= 5) or (WPI 3-6 and SS >= 9); symptoms at a similar level for at least
3 months; no other disorder that would otherwise explain the pain. 2010 adds the physician's
0-3 rating of somatic symptoms to the SS; 2011 adds the count (0-3) of headaches, lower-abdominal
pain or cramps, and depression during the previous 6 months.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from flarewise.instruments.answers import boolean, check_known, integer
from flarewise.instruments.duration import DURATION_ITEMS, three_months
from flarewise.instruments.result import EnteredBy, Finding, InstrumentResult
from flarewise.instruments.wpi import (
    SITE_IDS,
    SOMATIC_2011,
    SSS_COMMON,
    painful_sites,
    psd_bands,
    somatic_2011,
    sss_common,
    wpi,
)

EXCLUSION = "other_disorder_explains_pain"
ITEMS_2010 = (
    "painful_sites",
    *SITE_IDS,
    *SSS_COMMON,
    "somatic_symptoms",
    *DURATION_ITEMS,
    EXCLUSION,
)
ITEMS_2011 = ("painful_sites", *SITE_IDS, *SSS_COMMON, *SOMATIC_2011, *DURATION_ITEMS, EXCLUSION)


def score_threshold(wpi_value: int, ss: int, low_wpi: int) -> tuple[bool, str]:
    """The two-branch WPI/SS rule; ``low_wpi`` is 3 (2010/2011) or 4 (2016)."""
    if wpi_value >= 7 and ss >= 5:
        return True, f"WPI {wpi_value} >= 7 and SS {ss} >= 5"
    if low_wpi <= wpi_value <= 6 and ss >= 9:
        return True, f"WPI {wpi_value} in {low_wpi}-6 and SS {ss} >= 9"
    return False, (
        f"WPI {wpi_value} and SS {ss}: needs WPI >= 7 with SS >= 5, or WPI {low_wpi}-6 with SS >= 9"
    )


def score(
    answers: Mapping[str, Any],
    version: Literal["2010", "2011"] = "2011",
    entered_by: EnteredBy | None = None,
) -> InstrumentResult:
    instrument = f"acr{version}"
    check_known(answers, ITEMS_2010 if version == "2010" else ITEMS_2011, instrument)
    sites = painful_sites(answers)
    w = wpi(sites)
    common = sss_common(answers)
    if version == "2010":
        somatic = integer(answers, "somatic_symptoms", 0, 3) or 0
    else:
        somatic = somatic_2011(answers)
    ss = common + somatic
    threshold_met, why = score_threshold(w, ss, low_wpi=3)
    duration_met, duration_why = three_months(answers)
    excluded = boolean(answers, EXCLUSION, default=False)
    findings = (
        Finding("wpi_ss_threshold", threshold_met, why),
        Finding("duration_3_months", duration_met, duration_why),
        Finding(
            "no_other_disorder_explains_pain",
            not excluded,
            "another disorder would explain the pain"
            if excluded
            else "no other disorder recorded that would explain the pain",
        ),
    )
    scores = {
        "wpi": float(w),
        "ss": float(ss),
        "ss_common": float(common),
        "somatic": float(somatic),
    }
    bands: dict[str, str] = {}
    if version == "2011":
        scores["psd"] = float(w + ss)
        bands = psd_bands(w + ss)
    return InstrumentResult(
        instrument=instrument,
        scores=scores,
        met=all(f.met for f in findings),
        findings=findings,
        bands=bands,
        entered_by=entered_by or ("clinician" if version == "2010" else "self"),
        notes=(
            ("The 2011 self-report version is not for self-diagnosis.",)
            if version == "2011"
            else ()
        ),
    )
