"""The body map: the 19 WPI sites as large regions on a front and a back figure.

Each site appears once, on the view where a person would point to it (jaw, chest, abdomen, arms
and legs on the front; neck, shoulder girdle, upper and lower back and hips on the back). The
figures face the viewer on the front view, so the person's left is on the viewer's right there,
and on the viewer's left on the back view. The SVG is a visual aid driven by JavaScript; the
form's real control is the labelled checklist of the same 19 sites, which works without
JavaScript and with a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from flarewise.domain.body import BodySite


@dataclass(frozen=True)
class Region:
    site: BodySite
    label: str
    view: str  # "front" or "back"
    shape: str  # SVG element name
    attrs: str  # its geometry


def _r(x: float, y: float, w: float, h: float) -> str:
    return f'x="{x}" y="{y}" width="{w}" height="{h}" rx="14"'


def _e(cx: float, cy: float, rx: float, ry: float) -> str:
    return f'cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}"'


# viewBox 0 0 220 440 per figure; the outline is drawn separately in the template. No region is
# narrower or shorter than MIN_SIDE units: on a 375 px phone a figure is drawn at least 300 px
# wide (one per row), so every region is a target of at least 44x44 CSS px.
MIN_SIDE = 32
REGIONS = (
    Region(BodySite.JAW_RIGHT, "Jaw, right", "front", "ellipse", _e(94, 56, 16, 16)),
    Region(BodySite.JAW_LEFT, "Jaw, left", "front", "ellipse", _e(126, 56, 16, 16)),
    Region(BodySite.CHEST, "Chest", "front", "rect", _r(80, 88, 60, 48)),
    Region(BodySite.ABDOMEN, "Abdomen", "front", "rect", _r(82, 140, 56, 56)),
    Region(BodySite.UPPER_ARM_RIGHT, "Upper arm, right", "front", "rect", _r(43, 90, 32, 64)),
    Region(BodySite.UPPER_ARM_LEFT, "Upper arm, left", "front", "rect", _r(145, 90, 32, 64)),
    Region(BodySite.LOWER_ARM_RIGHT, "Lower arm, right", "front", "rect", _r(43, 158, 32, 70)),
    Region(BodySite.LOWER_ARM_LEFT, "Lower arm, left", "front", "rect", _r(145, 158, 32, 70)),
    Region(BodySite.UPPER_LEG_RIGHT, "Upper leg, right", "front", "rect", _r(76, 214, 32, 90)),
    Region(BodySite.UPPER_LEG_LEFT, "Upper leg, left", "front", "rect", _r(112, 214, 32, 90)),
    Region(BodySite.LOWER_LEG_RIGHT, "Lower leg, right", "front", "rect", _r(76, 312, 32, 96)),
    Region(BodySite.LOWER_LEG_LEFT, "Lower leg, left", "front", "rect", _r(112, 312, 32, 96)),
    Region(BodySite.NECK, "Neck", "back", "rect", _r(90, 52, 40, 32)),
    Region(
        BodySite.SHOULDER_GIRDLE_LEFT, "Shoulder girdle, left", "back", "rect", _r(50, 84, 44, 34)
    ),
    Region(
        BodySite.SHOULDER_GIRDLE_RIGHT,
        "Shoulder girdle, right",
        "back",
        "rect",
        _r(126, 84, 44, 34),
    ),
    Region(BodySite.UPPER_BACK, "Upper back", "back", "rect", _r(84, 120, 52, 48)),
    Region(BodySite.LOWER_BACK, "Lower back", "back", "rect", _r(84, 170, 52, 40)),
    Region(BodySite.HIP_LEFT, "Hip / buttock, left", "back", "ellipse", _e(92, 228, 22, 20)),
    Region(BodySite.HIP_RIGHT, "Hip / buttock, right", "back", "ellipse", _e(128, 228, 22, 20)),
)
LABELS = {r.site.value: r.label for r in REGIONS}
ORDER = [s.value for s in BodySite]

assert {r.site for r in REGIONS} == set(BodySite), "every WPI site has a region"


def regions(view: str) -> list[Region]:
    return [r for r in REGIONS if r.view == view]
