"""The 19 Widespread Pain Index sites and the five 2016 regions (clinical-rules.md A.2).

These ids are fixed by the published criteria, so they live in code rather than in the editable
vocabulary files: every stored body map, every instrument and every report uses exactly these.
"""

from __future__ import annotations

from enum import StrEnum


class BodySite(StrEnum):
    JAW_LEFT = "jaw_left"
    JAW_RIGHT = "jaw_right"
    SHOULDER_GIRDLE_LEFT = "shoulder_girdle_left"
    SHOULDER_GIRDLE_RIGHT = "shoulder_girdle_right"
    UPPER_ARM_LEFT = "upper_arm_left"
    UPPER_ARM_RIGHT = "upper_arm_right"
    LOWER_ARM_LEFT = "lower_arm_left"
    LOWER_ARM_RIGHT = "lower_arm_right"
    HIP_LEFT = "hip_left"
    HIP_RIGHT = "hip_right"
    UPPER_LEG_LEFT = "upper_leg_left"
    UPPER_LEG_RIGHT = "upper_leg_right"
    LOWER_LEG_LEFT = "lower_leg_left"
    LOWER_LEG_RIGHT = "lower_leg_right"
    NECK = "neck"
    UPPER_BACK = "upper_back"
    LOWER_BACK = "lower_back"
    CHEST = "chest"
    ABDOMEN = "abdomen"


class Region(StrEnum):
    LEFT_UPPER = "left_upper"
    RIGHT_UPPER = "right_upper"
    LEFT_LOWER = "left_lower"
    RIGHT_LOWER = "right_lower"
    AXIAL = "axial"


#: Region of each site (clinical-rules.md A.2, 2016 revision).
SITE_REGION: dict[BodySite, Region] = {
    BodySite.JAW_LEFT: Region.LEFT_UPPER,
    BodySite.SHOULDER_GIRDLE_LEFT: Region.LEFT_UPPER,
    BodySite.UPPER_ARM_LEFT: Region.LEFT_UPPER,
    BodySite.LOWER_ARM_LEFT: Region.LEFT_UPPER,
    BodySite.JAW_RIGHT: Region.RIGHT_UPPER,
    BodySite.SHOULDER_GIRDLE_RIGHT: Region.RIGHT_UPPER,
    BodySite.UPPER_ARM_RIGHT: Region.RIGHT_UPPER,
    BodySite.LOWER_ARM_RIGHT: Region.RIGHT_UPPER,
    BodySite.HIP_LEFT: Region.LEFT_LOWER,
    BodySite.UPPER_LEG_LEFT: Region.LEFT_LOWER,
    BodySite.LOWER_LEG_LEFT: Region.LEFT_LOWER,
    BodySite.HIP_RIGHT: Region.RIGHT_LOWER,
    BodySite.UPPER_LEG_RIGHT: Region.RIGHT_LOWER,
    BodySite.LOWER_LEG_RIGHT: Region.RIGHT_LOWER,
    BodySite.NECK: Region.AXIAL,
    BodySite.UPPER_BACK: Region.AXIAL,
    BodySite.LOWER_BACK: Region.AXIAL,
    BodySite.CHEST: Region.AXIAL,
    BodySite.ABDOMEN: Region.AXIAL,
}

#: Sites that count toward the WPI but not toward a region's generalized-pain status (A.2).
EXCLUDED_FROM_REGIONS: frozenset[BodySite] = frozenset(
    {BodySite.JAW_LEFT, BodySite.JAW_RIGHT, BodySite.CHEST, BodySite.ABDOMEN}
)


def parse_sites(text: str) -> tuple[BodySite, ...]:
    """Parse ``"neck, lower-back"`` into sorted unique sites; unknown names raise ValueError."""
    sites: set[BodySite] = set()
    for raw in text.replace(";", ",").split(","):
        token = raw.strip().lower().replace("-", "_").replace(" ", "_")
        if not token:
            continue
        try:
            sites.add(BodySite(token))
        except ValueError:
            known = ", ".join(s.value for s in BodySite)
            raise ValueError(
                f"{raw.strip()!r} is not a body-map site; use one of: {known}"
            ) from None
    return tuple(sorted(sites, key=list(BodySite).index))
