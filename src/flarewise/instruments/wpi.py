"""Widespread Pain Index, Symptom Severity Scale, generalized pain and PSD (clinical-rules.md
A.2, A.3, A.5). Shared by the 2010, 2011 and 2016 criteria."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from flarewise.domain.body import EXCLUDED_FROM_REGIONS, SITE_REGION, BodySite, Region
from flarewise.domain.numbers import is_whole, short
from flarewise.errors import InvalidInput
from flarewise.instruments.answers import boolean, integer

SITE_IDS: tuple[str, ...] = tuple(s.value for s in BodySite)
SSS_COMMON = ("fatigue", "waking_unrefreshed", "cognitive_symptoms")
SOMATIC_2011 = ("headaches", "lower_abdominal_pain", "depression")

#: PSD severity bands of Wolfe et al. 2015 (J Rheumatol 42:1494, PMID 26077414), A.5.
WOLFE_2015 = (
    (0, 3, "none"),
    (4, 7, "mild"),
    (8, 11, "moderate"),
    (12, 19, "severe"),
    (20, 31, "very severe"),
)
#: Alternative bands of Salaffi et al. (Rheumatology 2020/21), shown only when chosen, A.5.
SALAFFI_PSD = (
    (0, 5, "remission"),
    (6, 15, "mild"),
    (16, 20, "moderate"),
    (21, 25, "severe"),
    (26, 31, "very severe"),
)


def painful_sites(answers: Mapping[str, Any]) -> frozenset[BodySite]:
    """Sites from ``{"painful_sites": [...]}`` (ids of A.2) or ``{"neck": true, ...}``."""
    listed = answers.get("painful_sites")
    sites: set[BodySite] = set()
    if listed is not None:
        if not isinstance(listed, list | tuple):
            raise InvalidInput("painful_sites", "must be a list of site ids")
        for i, s in enumerate(listed):
            try:
                sites.add(BodySite(s))
            except (ValueError, TypeError):
                raise InvalidInput(
                    f"painful_sites[{i}]", f"{short(s)} is not one of the 19 WPI sites"
                ) from None
    for site in BodySite:
        if site.value in answers and boolean(answers, site.value):
            sites.add(site)
    return frozenset(sites)


def wpi(sites: frozenset[BodySite]) -> int:
    return len(sites)


def painful_regions(sites: frozenset[BodySite]) -> frozenset[Region]:
    """Regions with at least one painful site that counts for them (jaw, chest, abdomen do not)."""
    return frozenset(SITE_REGION[s] for s in sites if s not in EXCLUDED_FROM_REGIONS)


def sss_common(answers: Mapping[str, Any]) -> int:
    return sum(integer(answers, item, 0, 3) or 0 for item in SSS_COMMON)


def somatic_2011(answers: Mapping[str, Any]) -> int:
    """Count (0-3) of headaches, lower-abdominal pain or cramps, depression in 6 months (A.3)."""
    return sum(1 for item in SOMATIC_2011 if boolean(answers, item))


def band(value: float, bands: tuple[tuple[int, int, str], ...]) -> str:
    """The band holding a whole-number score; a score outside every band is refused."""
    if not is_whole(value):
        raise InvalidInput("psd", f"a PSD score is a whole number from 0 to 31, not {short(value)}")
    for lo, hi, name in bands:
        if lo <= value <= hi:
            return name
    lowest, highest = bands[0][0], bands[-1][1]
    raise InvalidInput("psd", f"a PSD score is from {lowest} to {highest}, not {short(value)}")


def psd_bands(psd: int, scheme: Literal["wolfe2015", "salaffi"] = "wolfe2015") -> dict[str, str]:
    """The PSD (0-31) in Wolfe 2015 bands, plus Salaffi's when chosen (A.5)."""
    if scheme not in ("wolfe2015", "salaffi"):
        raise InvalidInput("psd_scheme", f"use wolfe2015 or salaffi, not {short(scheme)}")
    out = {"psd_wolfe2015": band(psd, WOLFE_2015)}
    if scheme == "salaffi":
        out["psd_salaffi"] = band(psd, SALAFFI_PSD)
    return out
