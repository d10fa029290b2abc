"""The 2016 revision (Wolfe et al., Semin Arthritis Rheum 2016;46:319-329), clinical-rules.md
A.2-A.5: (WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9); generalized pain in at least 4 of 5
regions (jaw, chest and abdomen do not count for regions); symptoms at a similar level for at
least 3 months; valid irrespective of other diagnoses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from flarewise.instruments.acr2010 import EXCLUSION, score_threshold
from flarewise.instruments.answers import boolean, check_known
from flarewise.instruments.duration import DURATION_ITEMS, three_months
from flarewise.instruments.result import EnteredBy, Finding, InstrumentResult
from flarewise.instruments.wpi import (
    SITE_IDS,
    SOMATIC_2011,
    SSS_COMMON,
    painful_regions,
    painful_sites,
    psd_bands,
    somatic_2011,
    sss_common,
    wpi,
)

ITEMS = ("painful_sites", *SITE_IDS, *SSS_COMMON, *SOMATIC_2011, *DURATION_ITEMS, EXCLUSION)


def score(
    answers: Mapping[str, Any],
    entered_by: EnteredBy = "self",
    psd_scheme: Literal["wolfe2015", "salaffi"] = "wolfe2015",
) -> InstrumentResult:
    check_known(answers, ITEMS, "acr2016")
    sites = painful_sites(answers)
    w = wpi(sites)
    common = sss_common(answers)
    somatic = somatic_2011(answers)
    sss = common + somatic
    regions = painful_regions(sites)
    threshold_met, why = score_threshold(w, sss, low_wpi=4)
    duration_met, duration_why = three_months(answers)
    findings = (
        Finding("wpi_sss_threshold", threshold_met, why.replace("SS ", "SSS ")),
        Finding(
            "generalized_pain_4_of_5_regions",
            len(regions) >= 4,
            f"{len(regions)} of 5 regions painful"
            + (f" ({', '.join(sorted(r.value for r in regions))})" if regions else ""),
        ),
        Finding("duration_3_months", duration_met, duration_why),
    )
    notes = [
        "A 2016 diagnosis is valid irrespective of other diagnoses and does not exclude "
        "other clinically important illnesses."
    ]
    if boolean(answers, EXCLUSION, default=False):
        notes.append("'Another disorder explains the pain' does not apply to the 2016 criteria.")
    psd = w + sss
    return InstrumentResult(
        instrument="acr2016",
        scores={
            "wpi": float(w),
            "sss": float(sss),
            "sss_common": float(common),
            "somatic": float(somatic),
            "regions": float(len(regions)),
            "psd": float(psd),
        },
        met=all(f.met for f in findings),
        findings=findings,
        bands=psd_bands(psd, psd_scheme),
        entered_by=entered_by,
        notes=tuple(notes),
    )
