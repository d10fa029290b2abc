"""The body map: the 19 WPI sites as large regions on a front and a back figure.

Each site appears once, on the view where a person would point to it (jaw, chest, abdomen, arms
and legs on the front; neck, shoulder girdle, upper and lower back and hips on the back). The
figures face the viewer on the front view, so the person's left is on the viewer's right there,
and on the viewer's left on the back view. The SVG is a visual aid driven by JavaScript; the
form's real control is the labelled checklist of the same 19 sites, which works without
JavaScript and with a screen reader.

The figure is drawn from smooth parts (a head, a tapered torso, limbs as tapered capsules, hands
and feet) that the template paints twice, a thick edge and then the fill on top, so the parts
read as one outline of a person. Each site's region follows the part it names (an arm region is
the arm's own capsule), rather than being a box laid over the figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from flarewise.domain.body import BodySite

Point = tuple[float, float]
#: A cubic Bezier segment: two control points and its end point.
Segment = tuple[Point, Point, Point]


@dataclass(frozen=True)
class Region:
    site: BodySite
    label: str
    view: str  # "front" or "back"
    shape: str  # SVG element name
    attrs: str  # its geometry


def _n(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _r(x: float, y: float, w: float, h: float, rx: float = 14) -> str:
    return f'x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(rx)}"'


def _e(cx: float, cy: float, rx: float, ry: float) -> str:
    return f'cx="{_n(cx)}" cy="{_n(cy)}" rx="{_n(rx)}" ry="{_n(ry)}"'


def _capsule(p: Point, q: Point, w1: float, w2: float | None = None) -> str:
    """A limb from ``p`` to ``q``: ``w1`` wide at ``p`` tapering to ``w2`` at ``q``, both ends
    rounded (the ``d`` of an SVG path)."""
    w2 = w1 if w2 is None else w2
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy)
    nx, ny = -dy / length, dx / length  # unit normal
    a, b = w1 / 2, w2 / 2
    pts = [
        (p[0] + nx * a, p[1] + ny * a),
        (q[0] + nx * b, q[1] + ny * b),
        (q[0] - nx * b, q[1] - ny * b),
        (p[0] - nx * a, p[1] - ny * a),
    ]
    s = [f"{_n(x)} {_n(y)}" for x, y in pts]
    return (
        f'd="M{s[0]} L{s[1]} A{_n(b)} {_n(b)} 0 0 0 {s[2]} L{s[3]} A{_n(a)} {_n(a)} 0 0 0 {s[0]} Z"'
    )


def _mirror(x: float) -> float:
    return 2 * CENTRE - x


def _symmetric(start: Point, half: tuple[Segment, ...]) -> str:
    """A closed path symmetric about the figure's centre line: ``half`` runs down the viewer's
    left side from ``start`` (on the centre line) to a point on the centre line; the right side
    is the same curve mirrored and run back up."""
    parts = [f"M{_n(start[0])} {_n(start[1])}"]
    for c1, c2, end in half:
        parts.append("C" + " ".join(f"{_n(x)} {_n(y)}" for x, y in (c1, c2, end)))
    ends = [start] + [seg[2] for seg in half]
    for i in range(len(half) - 1, -1, -1):
        c1, c2, _ = half[i]
        back = (c2, c1, ends[i])
        parts.append("C" + " ".join(f"{_n(_mirror(x))} {_n(y)}" for x, y in back))
    return f'd="{" ".join(parts)} Z"'


# viewBox 0 0 220 440 for the front, 0 0 220 270 for the back (it holds no site below the hips,
# so it stops at the thighs, faded: less scrolling on a phone). Every region is at least
# MIN_SIDE units across in both directions: on a 375 px phone a figure is drawn about 330 px
# wide (one per row, 1.5 px a unit), so each is a target of at least 44x44 CSS px.
CENTRE = 110.0
MIN_SIDE = 30
WIDTH = 220
HEIGHT = {"front": 440, "back": 270}

_TORSO = _symmetric(
    (110, 72),
    (
        ((96, 72), (78, 74), (68, 82)),  # neck to shoulder
        ((58, 90), (58, 106), (66, 116)),  # round of the shoulder to the armpit
        ((70, 136), (74, 156), (79, 178)),  # ribs to the waist
        ((81, 192), (78, 206), (75, 216)),  # waist to the hip
        ((71, 228), (73, 242), (84, 250)),  # hip to the groin
        ((94, 256), (104, 254), (110, 250)),  # to the crotch
    ),
)


def _arms_and_legs(legs_to: float) -> list[str]:
    """The limbs of one figure, both sides, legs drawn down to ``legs_to``."""
    out = []
    for side in (1, -1):

        def x(v: float, side: int = side) -> float:
            return v if side == 1 else _mirror(v)

        out += [
            f"<path {_capsule((x(68), 100), (x(57), 162), 34, 30)}/>",
            f"<path {_capsule((x(57), 162), (x(46), 230), 30, 24)}/>",
            f"<ellipse {_e(x(45), 244, 9, 14)}/>",
            f"<path {_capsule((x(91), 236), (x(90), min(320, legs_to)), 38, 31)}/>",
        ]
        if legs_to > 320:
            out += [
                f"<path {_capsule((x(90), 320), (x(90), legs_to), 31, 22)}/>",
                f"<ellipse {_e(x(86), legs_to + 10, 14, 9)}/>",
            ]
    return out


def _outline(view: str) -> tuple[str, ...]:
    legs_to = 398.0 if view == "front" else 250.0
    return (
        f"<ellipse {_e(CENTRE, 33, 25, 29)}/>",  # head
        f"<rect {_r(97, 50, 26, 32, 8)}/>",  # neck
        f"<path {_TORSO}/>",
        *_arms_and_legs(legs_to),
    )


#: The figure's parts per view, as SVG elements (painted twice by the template).
OUTLINE = {view: _outline(view) for view in ("front", "back")}


def _jaw(side: int) -> str:
    """The jaw on one side of the face: from the cheek to the chin, a little wider than the
    face so that each side is a thumb's width."""

    def x(v: float) -> float:
        return v if side == 1 else _mirror(v)

    return (
        f'd="M{_n(x(111))} 31 L{_n(x(111))} 63 C{_n(x(100))} 63 {_n(x(89))} 59 {_n(x(84))} 50 '
        f'C{_n(x(80))} 44 {_n(x(79))} 37 {_n(x(79))} 31 Z"'
    )


def _girdle(side: int) -> str:
    """The shoulder girdle seen from behind: trapezius and shoulder blade on one side."""

    def x(v: float) -> float:
        return v if side == 1 else _mirror(v)

    return (
        f'd="M{_n(x(104))} 80 L{_n(x(104))} 118 L{_n(x(70))} 118 '
        f"C{_n(x(62))} 112 {_n(x(58))} 100 {_n(x(62))} 92 "
        f'C{_n(x(68))} 84 {_n(x(86))} 80 {_n(x(104))} 80 Z"'
    )


REGIONS = (
    Region(BodySite.JAW_RIGHT, "Jaw, right", "front", "path", _jaw(1)),
    Region(BodySite.JAW_LEFT, "Jaw, left", "front", "path", _jaw(-1)),
    Region(BodySite.CHEST, "Chest", "front", "rect", _r(80, 86, 60, 50)),
    Region(BodySite.ABDOMEN, "Abdomen", "front", "rect", _r(82, 140, 56, 60)),
    Region(
        BodySite.UPPER_ARM_RIGHT,
        "Upper arm, right",
        "front",
        "path",
        _capsule((67.5, 100), (59, 150), 31),
    ),
    Region(
        BodySite.UPPER_ARM_LEFT,
        "Upper arm, left",
        "front",
        "path",
        _capsule((_mirror(67.5), 100), (_mirror(59), 150), 31),
    ),
    Region(
        BodySite.LOWER_ARM_RIGHT,
        "Lower arm, right",
        "front",
        "path",
        _capsule((55, 176), (48, 220), 30),
    ),
    Region(
        BodySite.LOWER_ARM_LEFT,
        "Lower arm, left",
        "front",
        "path",
        _capsule((_mirror(55), 176), (_mirror(48), 220), 30),
    ),
    Region(
        BodySite.UPPER_LEG_RIGHT,
        "Upper leg, right",
        "front",
        "path",
        _capsule((92, 252), (90.5, 302), 33),
    ),
    Region(
        BodySite.UPPER_LEG_LEFT,
        "Upper leg, left",
        "front",
        "path",
        _capsule((_mirror(92), 252), (_mirror(90.5), 302), 33),
    ),
    Region(
        BodySite.LOWER_LEG_RIGHT,
        "Lower leg, right",
        "front",
        "path",
        _capsule((90, 338), (90, 384), 30),
    ),
    Region(
        BodySite.LOWER_LEG_LEFT,
        "Lower leg, left",
        "front",
        "path",
        _capsule((_mirror(90), 338), (_mirror(90), 384), 30),
    ),
    Region(BodySite.NECK, "Neck", "back", "rect", _r(92, 48, 36, 32, 12)),
    Region(BodySite.SHOULDER_GIRDLE_LEFT, "Shoulder girdle, left", "back", "path", _girdle(1)),
    Region(BodySite.SHOULDER_GIRDLE_RIGHT, "Shoulder girdle, right", "back", "path", _girdle(-1)),
    Region(BodySite.UPPER_BACK, "Upper back", "back", "rect", _r(82, 122, 56, 48)),
    Region(BodySite.LOWER_BACK, "Lower back", "back", "rect", _r(82, 174, 56, 36)),
    Region(BodySite.HIP_LEFT, "Hip / buttock, left", "back", "ellipse", _e(92, 232, 18, 18)),
    Region(
        BodySite.HIP_RIGHT, "Hip / buttock, right", "back", "ellipse", _e(_mirror(92), 232, 18, 18)
    ),
)
LABELS = {r.site.value: r.label for r in REGIONS}
ORDER = [s.value for s in BodySite]

assert {r.site for r in REGIONS} == set(BodySite), "every WPI site has a region"


def regions(view: str) -> list[Region]:
    return [r for r in REGIONS if r.view == view]
